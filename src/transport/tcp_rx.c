/* tcp_rx.c — MPA receive: FPDUs placed straight into engine memory. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/buf.h"
#include "transport/tcp.h"
#include "wire/crc32c.h"

/*
 * Receive path, one FPDU at a time (the layout comes from
 * mpa_fpdu_layout() once ULPDU_Length is known):
 *
 *   LEN      [leading marker] ULPDU_Length          -> rx_lenf
 *   PEEK     first ENG_HDR_PEEK ULPDU octets        -> rx_hdr
 *   HDR      the rest of eng_rx_hdr_len() octets    -> rx_hdr
 *            eng_qp_rx_hdr() -> struct eng_rx_place
 *   PAYLOAD  the payload straight into pl.iov (registered memory)
 *   SKIP     pl.discard octets into a small sink
 *   TRAILER  pad, then the CRC field; check CRC, then markers
 *            (RFC 5044 §8: code 3 only "in the event that the CRC is
 *            valid"), then eng_qp_rx_done()
 *
 * Every step is a wire-ordered iovec planned around the markers of the
 * FPDU (each marker lands in its own 4-octet slot and is checked against
 * the FPDUPTR the layout says it must carry).  The CRC32c is updated over
 * each element as its octets arrive, so the placed payload is covered
 * where it lies, without a second pass over the socket data.
 *
 * Segments without payload (Read Request, Terminate, atomics, zero-length
 * segments: eng_rx_hdr_len() is the whole segment) are checked (CRC,
 * markers) before the engine sees them: RFC 5044 §6 "MUST first verify
 * the FPDU before passing the ULPDU to DDP".  So is a segment with
 * payload whose whole FPDU already sits in the read-ahead
 * (tcp_rx_crc_early_bad()).  A longer one cannot be placed before its
 * header is interpreted, so its header goes to the engine first and the
 * verdict comes after the placement:
 * eng_qp_rx_done() on success, eng_qp_llp_error() otherwise; the engine
 * must not make the placed octets visible (no completion) before
 * rx_done.  This is the usual direct-placement compromise (Linux siw
 * does the same).
 *
 * Read-ahead: each readv ends with the connection's TCP_RA_SIZE buffer,
 * so one system call takes the rest of the current FPDU (straight to its
 * destination) plus whatever follows (the pad and CRC, the next FPDUs'
 * headers and small payloads).  Octets in the read-ahead are copied once,
 * to their final place; a large payload lands directly in registered
 * memory except for the first < TCP_RA_SIZE octets that arrived with its
 * header.  Smaller read-ahead: fewer copied octets, more system calls
 * for streams of small FPDUs; 2 KiB keeps a full-size Ethernet FPDU plus
 * the next header in one read and caps the copy per FPDU at 2 KiB.
 */

#define TCP_K_DATA	(-1)	/* payload/header octets: CRC covered */
#define TCP_K_CRCF	(-2)	/* the CRC field: not covered */

/* Start Full Operation receiving at stream offset 0. */
void
tcp_rx_start(struct tp_conn *c, bool markers, bool crc)
{
	c->rx_markers = markers;
	c->rx_crc = crc;
	c->rx_pos = 0;
	c->rx_phase = TCP_RX_LEN;
	c->rx_cnt = c->rx_idx = 0;
	c->rx_ioff = 0;
	c->rx_wire = 0;
	c->rx_mk = 0;
	c->rx_crc_state = crc32c_init();
	c->rx_mk_err = WIRE_OK;
}

/*
 * recv into the free end of the read-ahead buffer.  Returns octets read,
 * 0 when nothing is there (rx_eof tells an EOF), -1 on error.
 */
ssize_t
tcp_rx_fill_ra(struct tp_conn *c)
{
	ssize_t n;

	if (c->ra_off == c->ra_len)
		c->ra_off = c->ra_len = 0;
	else if (c->ra_off > 0) {
		memmove(c->ra, c->ra + c->ra_off, c->ra_len - c->ra_off);
		c->ra_len -= c->ra_off;
		c->ra_off = 0;
	}
	if (c->ra_len == TCP_RA_SIZE)
		return 0;
	n = recv(c->fd, c->ra + c->ra_len, TCP_RA_SIZE - c->ra_len, 0);
	if (n == 0) {
		c->rx_eof = true;
		return 0;
	}
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR ? 0 : -1;
	c->ra_len += (size_t)n;
	return n;
}

/* Append one element to the step being planned. */
static void
tcp_rx_add(struct tp_conn *c, void *base, size_t len, int kind)
{
	if (len == 0)
		return;
	c->rx_iov[c->rx_cnt].iov_base = base;
	c->rx_iov[c->rx_cnt].iov_len = len;
	c->rx_kind[c->rx_cnt] = kind;
	c->rx_cnt++;
}

/*
 * Plan the next step: n elements dst[] (with their kinds) in logical
 * order, split at every marker of the layout that falls among their wire
 * octets.  The markers go to their own slots.  At most ENG_SEG_IOV_MAX
 * destination elements, so the plan fits rx_iov.
 */
static void
tcp_rx_plan(struct tp_conn *c, const struct iovec *dst, const int *kind,
    int n)
{
	/* nmarkers > 0 only with markers, hence with c->mk */
	const struct tcp_lay *lay = &c->lay;
	const uint32_t *mko = c->mk != NULL ? c->mk->lay.marker_off : NULL;
	size_t off, chunk;
	int i;

	c->rx_cnt = c->rx_idx = 0;
	c->rx_ioff = 0;
	for (i = 0; i < n; i++) {
		off = 0;
		while (off < dst[i].iov_len) {
			if (c->rx_mk < lay->nmarkers &&
			    mko[c->rx_mk] == c->rx_wire) {
				tcp_rx_add(c, c->rx_mkbuf[c->rx_mk],
				    MPA_MARKER_LEN, (int)c->rx_mk);
				c->rx_mk++;
				c->rx_wire += MPA_MARKER_LEN;
				continue;
			}
			chunk = dst[i].iov_len - off;
			if (c->rx_mk < lay->nmarkers &&
			    mko[c->rx_mk] < c->rx_wire + chunk)
				chunk = mko[c->rx_mk] - c->rx_wire;
			tcp_rx_add(c, (uint8_t *)dst[i].iov_base + off, chunk,
			    kind[i]);
			off += chunk;
			c->rx_wire += (uint32_t)chunk;
		}
	}
}

/* Plan a step of one destination. */
static void
tcp_rx_plan1(struct tp_conn *c, void *base, size_t len, int kind)
{
	struct iovec v = { base, len };

	tcp_rx_plan(c, &v, &kind, 1);
}

/* k octets arrived at p, element i of the step: CRC and marker checks. */
static void
tcp_rx_account(struct tp_conn *c, int i, const uint8_t *p, size_t k)
{
	int kind = c->rx_kind[i];

	if (kind != TCP_K_CRCF && c->rx_crc)
		c->rx_crc_state = crc32c_update(c->rx_crc_state, p, k);
	if (kind >= 0 && c->rx_ioff + k == MPA_MARKER_LEN &&
	    c->rx_mk_err == WIRE_OK)
		c->rx_mk_err = mpa_marker_check(c->rx_mkbuf[kind],
		    c->mk->lay.marker_ptr[kind]);
}

/* Note k octets into the current element; move on when it is full. */
static void
tcp_rx_advance(struct tp_conn *c, size_t k)
{
	struct iovec *v = &c->rx_iov[c->rx_idx];

	tcp_rx_account(c, c->rx_idx, (uint8_t *)v->iov_base + c->rx_ioff, k);
	c->rx_ioff += k;
	if (c->rx_ioff == v->iov_len) {
		c->rx_idx++;
		c->rx_ioff = 0;
	}
}

/*
 * Complete the planned step: first from the read-ahead (one copy), then
 * readv straight into the destinations plus the read-ahead as the last
 * element.  Returns 1 when complete, 0 when the socket has no more now,
 * -1 on EOF (rx_eof set) or error.
 */
static int
tcp_rx_step(struct tp_conn *c)
{
	struct iovec v[TCP_RX_IOV_MAX + 1];
	size_t k, left, want;
	ssize_t n;
	int i, cnt;

	while (c->rx_idx < c->rx_cnt) {
		if (c->ra_off < c->ra_len) {
			struct iovec *d = &c->rx_iov[c->rx_idx];

			k = d->iov_len - c->rx_ioff;
			if (k > c->ra_len - c->ra_off)
				k = c->ra_len - c->ra_off;
			memcpy((uint8_t *)d->iov_base + c->rx_ioff,
			    c->ra + c->ra_off, k);
			c->ra_off += k;
			tcp_rx_advance(c, k);
			continue;
		}
		c->ra_off = c->ra_len = 0;
		/* The last readv came back short: the socket is empty, and
		 * epoll (level-triggered) calls again when it is not; no
		 * readv just to hear EAGAIN (one system call per FPDU). */
		if (c->rx_drained)
			return 0;
		cnt = 0;
		want = TCP_RA_SIZE;
		for (i = c->rx_idx; i < c->rx_cnt; i++) {
			v[cnt] = c->rx_iov[i];
			if (i == c->rx_idx) {
				v[cnt].iov_base = (uint8_t *)v[cnt].iov_base +
				    c->rx_ioff;
				v[cnt].iov_len -= c->rx_ioff;
			}
			want += v[cnt].iov_len;
			cnt++;
		}
		v[cnt].iov_base = c->ra;
		v[cnt].iov_len = TCP_RA_SIZE;
		cnt++;
		n = readv(c->fd, v, cnt);
		if (n > 0 && (size_t)n < want)
			c->rx_drained = true;
		if (n == 0) {
			c->rx_eof = true;
			return -1;
		}
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR ? 0 : -1;
		left = (size_t)n;
		while (left > 0 && c->rx_idx < c->rx_cnt) {
			k = c->rx_iov[c->rx_idx].iov_len - c->rx_ioff;
			if (k > left)
				k = left;
			tcp_rx_advance(c, k);
			left -= k;
		}
		c->ra_len = left;	/* the rest landed in the read-ahead */
	}
	return 1;
}

/*
 * An MPA error (§8 codes 2, 3), or a header the engine refused (engine:
 * it has queued its Terminate already): stop delivering.
 */
static void
tcp_rx_fail(struct tp_conn *c, enum wire_err err, bool engine)
{
	tcp_log(c, LOG_INFO, "receive: %s%s", term_err_text(err),
	    engine ? " (refused by DDP/RDMAP)" : "");
	c->rx_phase = TCP_RX_DRAIN;
	/* §7.1.2 rule 4 keeps a Responder quiet until an FPDU arrived so
	 * that the Initiator has left the Startup Phase; any FPDU, valid
	 * or not, shows it has: the Terminate about it may go out. */
	if (!c->first_rx) {
		c->first_rx = true;
		tcp_want_write(c);
	}
	/* §8: "MUST NOT pass or deliver any additional FPDUs on that half
	 * connection"; closing is DDP's ULP's decision (the engine's). */
	if (!engine && c->qp != NULL)
		eng_qp_llp_error(c->qp, err);
}

/* Plan the pad and CRC field of the current FPDU. */
static void
tcp_rx_plan_trailer(struct tp_conn *c)
{
	struct iovec v[2] = {
		{ c->rx_trailer, c->lay.pad_len },
		{ c->rx_trailer + c->lay.pad_len, MPA_CRC_LEN }
	};
	int kind[2] = { TCP_K_DATA, TCP_K_CRCF };

	tcp_rx_plan(c, v, kind, 2);
	c->rx_phase = TCP_RX_TRAILER;
}

/* ULPDU_Length is in: check it, lay the FPDU out, plan the peek. */
static int
tcp_rx_got_len(struct tp_conn *c)
{
	size_t span = mpa_fpdu_hdr_span(c->rx_pos, c->rx_markers);
	size_t u = buf_load_be16(c->rx_lenf + span - MPA_HDR_LEN);
	struct mpa_layout tmp, *l = c->mk != NULL ? &c->mk->lay : &tmp;

	if (c->rx_crc)
		c->rx_crc_state = crc32c_update(crc32c_init(), c->rx_lenf,
		    span);
	if (u == 0 || u > MPA_ULPDU_MAX ||
	    (c->rx_markers && c->mk == NULL) ||
	    mpa_fpdu_layout(c->rx_pos, c->rx_markers, u, l) < 0)
		return -1;
	c->lay.wire_len = l->wire_len;
	c->lay.ulpdu_len = l->ulpdu_len;
	c->lay.pad_len = l->pad_len;
	c->lay.nmarkers = l->nmarkers;
	/* A leading marker falls between FPDUs: FPDUPTR 0 (§4.3). */
	c->rx_mk_err = span > MPA_HDR_LEN ?
	    mpa_marker_check(c->rx_lenf, 0) : WIRE_OK;
	c->rx_mk = span > MPA_HDR_LEN ? 1 : 0;
	c->rx_wire = (uint32_t)span;
	tcp_rx_plan1(c, c->rx_hdr, u < ENG_HDR_PEEK ? u : ENG_HDR_PEEK,
	    TCP_K_DATA);
	c->rx_phase = TCP_RX_PEEK;
	return 0;
}

/*
 * RFC 5044 §6: "MUST first verify the FPDU before passing the ULPDU to
 * DDP".  When the rest of an FPDU with payload already sits in the
 * read-ahead (every FPDU of up to about TCP_RA_SIZE octets that came in
 * one read), its CRC is checked before DDP sees the header: a corrupt
 * frame is reported as the CRC error (§8 code 2, Terminate 2/0/0x02),
 * never as whatever its damaged header would mean to DDP.  A larger
 * FPDU is placed directly and verified after (see the top of the file).
 */
static bool
tcp_rx_crc_early_bad(struct tp_conn *c)
{
	size_t rest = c->lay.wire_len - c->rx_wire;
	uint32_t st;

	if (!c->rx_crc || rest < MPA_CRC_LEN || c->ra_len - c->ra_off < rest)
		return false;
	st = crc32c_update(c->rx_crc_state, c->ra + c->ra_off,
	    rest - MPA_CRC_LEN);
	return mpa_crc_load(c->ra + c->ra_off + rest - MPA_CRC_LEN) !=
	    crc32c_final(st);
}

/* The header is in: hand it over and plan the payload, or the trailer. */
static void
tcp_rx_got_hdr(struct tp_conn *c)
{
	size_t u = c->lay.ulpdu_len, sum = 0;
	enum wire_err err;
	int i;

	if (c->rx_hl == u) {	/* no payload: verify first (§6) */
		tcp_rx_plan_trailer(c);
		return;
	}
	if (tcp_rx_crc_early_bad(c)) {
		tcp_rx_fail(c, WIRE_E_MPA_CRC, false);
		return;
	}
	if (c->rtr_expect) {	/* an RTR carries no payload */
		tcp_rx_fail(c, WIRE_E_MPA_RTR, false);
		return;
	}
	if (!c->initiator)
		tcp_msn_shift(c, c->rx_hdr, c->rx_hl, -1);
	memset(&c->pl, 0, sizeof(c->pl));
	err = eng_qp_rx_hdr(c->qp, c->rx_hdr, c->rx_hl, u, &c->pl);
	if (c->dead)
		return;
	if (err != WIRE_OK) {
		tcp_rx_fail(c, err, true);
		return;
	}
	for (i = 0; i < c->pl.iovcnt && i < ENG_SEG_IOV_MAX; i++)
		sum += c->pl.iov[i].iov_len;
	if (c->pl.iovcnt < 0 || c->pl.iovcnt > ENG_SEG_IOV_MAX ||
	    sum + c->pl.discard != u - c->rx_hl) {
		tcp_rx_fail(c, WIRE_E_MPA_LOCAL_CATA, false);
		return;
	}
	{
		int kind[ENG_SEG_IOV_MAX] = { TCP_K_DATA, TCP_K_DATA,
		    TCP_K_DATA, TCP_K_DATA, TCP_K_DATA };

		tcp_rx_plan(c, c->pl.iov, kind, c->pl.iovcnt);
	}
	c->rx_sink_left = c->pl.discard;
	c->rx_phase = TCP_RX_PAYLOAD;
}

/* The whole FPDU is in and valid so far: verdict and delivery. */
static void
tcp_rx_got_fpdu(struct tp_conn *c)
{
	const uint8_t *crcf = c->rx_trailer + c->lay.pad_len;
	size_t u = c->lay.ulpdu_len;
	bool whole = c->rx_hl == u;
	enum wire_err err;
	int r;

	if (c->rx_crc && mpa_crc_load(crcf) != crc32c_final(c->rx_crc_state)) {
		tcp_rx_fail(c, WIRE_E_MPA_CRC, false);
		return;
	}
	if (c->rx_mk_err != WIRE_OK) {
		tcp_rx_fail(c, c->rx_mk_err, false);
		return;
	}
	c->rx_pos = (uint16_t)((c->rx_pos + c->lay.wire_len) %
	    MPA_MARKER_PERIOD);
	c->rx_phase = TCP_RX_LEN;
	c->rx_cnt = c->rx_idx = 0;
	if (!c->first_rx) {
		c->first_rx = true;	/* rule 4: the Responder may send */
		tcp_want_write(c);
	}
	if (!whole) {
		eng_qp_rx_done(c->qp);
		return;
	}
	r = tcp_mpa_rtr_rx(c, c->rx_hdr, u);
	if (r < 0) {
		tcp_rx_fail(c, WIRE_E_MPA_RTR, false);
		return;
	}
	if (r > 0) {
		tcp_want_write(c);	/* e.g. the Read RTR's response */
		return;
	}
	if (!c->initiator)
		tcp_msn_shift(c, c->rx_hdr, u, -1);
	memset(&c->pl, 0, sizeof(c->pl));
	err = eng_qp_rx_hdr(c->qp, c->rx_hdr, u, u, &c->pl);
	if (err != WIRE_OK) {
		if (!c->dead)
			tcp_rx_fail(c, err, true);
		return;
	}
	if (!c->dead)
		eng_qp_rx_done(c->qp);
}

/* Drop everything after an error, until the stream ends. */
static void
tcp_rx_drain(struct tp_conn *c)
{
	int i;

	for (i = 0; i < 64; i++) {
		c->ra_off = c->ra_len = 0;
		if (tcp_rx_fill_ra(c) <= 0)
			break;
	}
	c->ra_off = c->ra_len = 0;
}

/* The stream ended or broke while receiving. */
static void
tcp_rx_end(struct tp_conn *c)
{
	bool boundary = c->rx_phase == TCP_RX_LEN && c->rx_idx == 0 &&
	    c->rx_ioff == 0;

	if (c->rx_eof)
		tcp_finish(c, boundary || c->rx_phase == TCP_RX_DRAIN, false);
	else
		tcp_finish(c, false, true);	/* ECONNRESET and the like */
}

/* Socket readable in Full Operation: run the FPDU state machine. */
void
tcp_rx_run(struct tp_conn *c)
{
	int r, n;

	if (c->qp == NULL)
		return;
	c->rx_drained = false;
	for (n = 0; n < 4096 && !c->dead; n++) {
		if (c->rx_phase == TCP_RX_DRAIN) {
			tcp_rx_drain(c);
			if (c->rx_eof)
				tcp_rx_end(c);
			return;
		}
		if (c->rx_phase == TCP_RX_LEN && c->rx_cnt == 0) {
			c->rx_wire = 0;
			c->rx_mk = 0;
			c->lay.nmarkers = 0;
			tcp_rx_plan1(c, c->rx_lenf,
			    mpa_fpdu_hdr_span(c->rx_pos, c->rx_markers),
			    TCP_K_DATA);
			/* the CRC starts over at tcp_rx_got_len() */
			c->rx_kind[0] = TCP_K_CRCF;
		}
		r = tcp_rx_step(c);
		if (r == 0)
			return;
		if (r < 0) {
			tcp_rx_end(c);
			return;
		}
		switch (c->rx_phase) {
		case TCP_RX_LEN:
			if (tcp_rx_got_len(c) < 0)
				tcp_rx_fail(c, WIRE_E_MPA_ULPDU_LEN, false);
			break;
		case TCP_RX_PEEK:
			c->rx_hl = c->lay.ulpdu_len;
			if (c->lay.ulpdu_len >= ENG_HDR_PEEK)
				c->rx_hl = eng_rx_hdr_len(c->rx_hdr[0],
				    c->rx_hdr[1], c->lay.ulpdu_len);
			if (c->rx_hl < ENG_HDR_PEEK)
				c->rx_hl = c->lay.ulpdu_len < ENG_HDR_PEEK ?
				    c->lay.ulpdu_len : ENG_HDR_PEEK;
			if (c->rx_hl > ENG_HDR_MAX)
				c->rx_hl = ENG_HDR_MAX;
			if (c->rx_hl > c->lay.ulpdu_len)
				c->rx_hl = c->lay.ulpdu_len;
			tcp_rx_plan1(c, c->rx_hdr + ENG_HDR_PEEK,
			    c->rx_hl > ENG_HDR_PEEK ?
			    c->rx_hl - ENG_HDR_PEEK : 0, TCP_K_DATA);
			c->rx_phase = TCP_RX_HDR;
			break;
		case TCP_RX_HDR:
			tcp_rx_got_hdr(c);
			break;
		case TCP_RX_PAYLOAD:
			c->rx_phase = TCP_RX_SKIP;
			__attribute__((fallthrough));	/* then skip it */
		case TCP_RX_SKIP:
			if (c->rx_sink_left > 0) {
				size_t k = c->rx_sink_left;

				if (k > sizeof(c->tp->sink))
					k = sizeof(c->tp->sink);
				c->rx_sink_left -= k;
				tcp_rx_plan1(c, c->rx_sink, k, TCP_K_DATA);
			} else
				tcp_rx_plan_trailer(c);
			break;
		case TCP_RX_TRAILER:
			tcp_rx_got_fpdu(c);
			break;
		default:
			break;
		}
	}
	if (!c->dead)
		event_active(c->ev_read, EV_READ, 0);	/* fairness */
}
