/* sctp_rx.c — SCTP receive: direct placement in DDP-SSN order, reorder. */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/sctp.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <event2/event.h>

#include "transport/sctp_int.h"
#include "wire/ssc.h"

/*
 * One message at a time (SCTP_FRAGMENT_INTERLEAVE 0: partial
 * deliveries never interleave), resumable at every step:
 *
 *   HEAD     the first SCTP_RX_HEAD_LEN octets: DDP-SSN + as much of
 *            the DDP/RDMAP header as the shortest header has (all of a
 *            tagged one: one read less per Write or Read Response
 *            segment), and, from the first recvmsg, stream id and PPID
 *   then, by kind:
 *     notification / session control (PPID 17):
 *            BUF: the rest into a small buffer, then handle it
 *     DDP segment (PPID 16) that is next in DDP-SSN order on a stream
 *     whose QP runs (the common case): direct placement
 *            HDR: the rest of eng_rx_hdr_len() -> eng_qp_rx_hdr()
 *            PAYLOAD: recvmsg straight into the engine's iovec
 *            DISCARD: octets the engine drops -> eng_qp_rx_done()
 *     a chunk that overtook an earlier one, or arrives before the QP
 *     is attached: STASH it whole (the only copy), hold it in the
 *     stream's reorder buffer (sctp_ro.c), feed it when its turn comes
 *     anything else: DRAIN it, then fail its stream
 *
 * The segment length comes from FIONREAD once the head is read: for an
 * SCTP socket it is what is left of the message at the head of the
 * receive queue.  Our segments never exceed the path MTU (RFC 5043 §9),
 * so the kernel never needs partial delivery for them; if the peer's
 * message still arrives in pieces and turns out longer than announced,
 * the segment fails with an LLP error instead of being misplaced.
 */

/* Back to the start of a message. */
static void
sctp_rx_reset(struct sctp_rx *rx)
{
	free(rx->stash);
	rx->stash = NULL;
	rx->phase = SCTP_RX_HEAD;
	rx->started = rx->eor = rx->notif = rx->len_ok = false;
	rx->got = rx->msg_len = 0;
	rx->buf_len = rx->hdr_got = rx->stash_len = 0;
	rx->c = NULL;
	rx->err = WIRE_OK;
	rx->drain_sid = -1;
	rx->drain_err = WIRE_OK;
}

/*
 * The first read of a message took the SCTP_NXTINFO that came with the
 * end of the one before: its length is this message's (len_ok,
 * msg_len) when stream, PPID and kind match (never a stale one), so no
 * FIONREAD is needed.  Either reports the message as queued, and both
 * are checked the same way at its end (sctp_rx_seg_done).
 */
static void
sctp_rx_nxt_take(struct sctp_rx *rx, size_t got)
{
	rx->len_ok = !rx->nxt_notif && !rx->notif &&
	    rx->nxt_sid == rx->sid &&
	    ssc_ppid_from_sinfo(rx->nxt_ppid) == rx->ppid &&
	    rx->nxt_len >= got;
	if (rx->len_ok)
		rx->msg_len = rx->nxt_len;
}

/* recvmsg into iov: > 0 octets, 0 would block, -1 the association
 * ended (EOF or error). */
static ssize_t
sctp_rx_read(struct sctp_asoc *as, struct iovec *iov, int cnt)
{
	struct sctp_rx *rx = &as->rx;
	char cbuf[CMSG_SPACE(sizeof(struct sctp_rcvinfo)) +
	    CMSG_SPACE(sizeof(struct sctp_nxtinfo)) + 64];
	struct sctp_rcvinfo ri;
	struct sctp_nxtinfo ni;
	struct cmsghdr *cm;
	bool first, prev_ok = false;
	struct msghdr mh;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = (size_t)cnt;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	as->rx_calls++;
	n = recvmsg(as->fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR ? 0 : -1;
	if (n == 0) {
		errno = ECONNRESET;
		return -1;
	}
	first = !rx->started;
	if (first) {
		rx->started = true;
		rx->notif = (mh.msg_flags & MSG_NOTIFICATION) != 0;
		rx->sid = 0;
		rx->ppid = 0;
		prev_ok = rx->nxt_ok;		/* about this message */
		rx->nxt_ok = false;
	}
	rx->eor = (mh.msg_flags & MSG_EOR) != 0;
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != IPPROTO_SCTP)
			continue;
		if (first && cm->cmsg_type == SCTP_RCVINFO &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(ri))) {
			memcpy(&ri, CMSG_DATA(cm), sizeof(ri));
			rx->sid = ri.rcv_sid;
			rx->ppid = ssc_ppid_from_sinfo(ri.rcv_ppid);
		} else if (rx->eor && cm->cmsg_type == SCTP_NXTINFO &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(ni))) {
			/* This message is whole: the next one's length. */
			memcpy(&ni, CMSG_DATA(cm), sizeof(ni));
			rx->nxt_ok = true;
			rx->nxt_notif = (ni.nxt_flags & SCTP_NOTIFICATION) != 0;
			rx->nxt_sid = ni.nxt_sid;
			rx->nxt_ppid = ni.nxt_ppid;
			rx->nxt_len = ni.nxt_length;
		}
	}
	if (first && prev_ok && !rx->eor)
		sctp_rx_nxt_take(rx, (size_t)n);
	rx->got += (size_t)n;
	return n;
}

static ssize_t
sctp_rx_read1(struct sctp_asoc *as, void *p, size_t len)
{
	struct iovec iov = { p, len };

	return sctp_rx_read(as, &iov, 1);
}

/* The session on stream sid, or NULL. */
static struct sctp_conn *
sctp_rx_conn(struct sctp_asoc *as, uint16_t sid)
{
	return sid < as->nstreams ? as->streams[sid] : NULL;
}

/* Can c take a DDP segment now (true), must it wait for attach()
 * (false)?  *drop: it cannot take any: drop it (or fail, *bad). */
static bool
sctp_rx_ready(struct sctp_conn *c, bool *drop)
{
	*drop = false;
	if (c->state == SCTP_C_ACCEPTED)
		return false;
	if (c->qp == NULL || c->qp_closed || c->rx_stopped)
		*drop = true;
	return true;
}

/* A whole in-order DDP segment from a buffer (held chunks only). */
static void
sctp_rx_place_buf(struct sctp_conn *c, const uint8_t *seg, size_t len)
{
	struct eng_rx_place pl;
	enum wire_err err;
	size_t hl, off, n;
	int i;

	hl = len < ENG_HDR_PEEK ? len : eng_rx_hdr_len(seg[0], seg[1], len);
	if (hl > len)
		hl = len;
	memset(&pl, 0, sizeof(pl));
	err = eng_qp_rx_hdr(c->qp, seg, hl, len, &pl);
	off = hl;
	for (i = 0; i < pl.iovcnt && i < ENG_SEG_IOV_MAX; i++) {
		n = pl.iov[i].iov_len;
		if (n > len - off)
			n = len - off;
		memcpy(pl.iov[i].iov_base, seg + off, n);
		off += n;
	}
	if (err == WIRE_OK && !c->dead && !c->qp_closed)
		eng_qp_rx_done(c->qp);
}

/* Consume the in-order chunk (ssn == rx_next) of c; frees data. */
static void
sctp_rx_deliver(struct sctp_conn *c, uint32_t ppid, uint8_t *data,
    size_t len)
{
	bool drop;

	c->rx_next = ssc_ssn_next(c->rx_next);
	if (ppid == SCTP_DDP_PPID_SSC)
		sctp_ssc_rx(c->as, c, (uint16_t)c->sid, data, len);
	else if (c->state == SCTP_C_DECIDE || c->state == SCTP_C_INIT_SENT)
		/* §6.6: no segment before the session is accepted */
		sctp_conn_proto_err(c, WIRE_E_SSC_FUNCTION, "DDP segment "
		    "before the Accept");
	else if (sctp_rx_ready(c, &drop) && !drop)
		sctp_rx_place_buf(c, data + SCTP_DDP_SSN_LEN,
		    len - SCTP_DDP_SSN_LEN);
	free(data);
}

/* Deliver held chunks of c while the next one is there. */
void
sctp_rx_feed(struct sctp_conn *c)
{
	const struct sctp_ro_ent *e;
	struct sctp_ro_ent t;
	bool drop;

	while (!c->dead && (e = sctp_ro_peek(&c->ro, c->rx_next)) != NULL) {
		if (e->ppid == SCTP_DDP_PPID_SEGMENT && !sctp_rx_ready(c,
		    &drop))
			return;
		(void)sctp_ro_take(&c->ro, c->rx_next, &t);
		c->as->ro_bytes -= t.len;
		sctp_rx_deliver(c, t.ppid, t.data, t.len);
	}
}

/* Is this chunk the Initiate of a stream's next session? */
static bool
sctp_rx_is_init(uint32_t ppid, const uint8_t *d, size_t len)
{
	return ppid == SCTP_DDP_PPID_SSC && len >= SCTP_DDP_SSC_HDR_LEN &&
	    d[0] == 0 && d[1] == 0 && d[2] == 0 &&
	    (d[3] == SSC_FN_INITIATE || d[3] == SSC_FN_ENH_INITIATE);
}

/*
 * A whole chunk (malloc'd, taken over) on stream sid: deliver it when
 * it is next in DDP-SSN order, else hold it (RFC 5043 §6.1, §10).
 */
void
sctp_rx_chunk(struct sctp_asoc *as, uint16_t sid, uint32_t ppid,
    uint8_t *data, size_t len)
{
	struct sctp_conn *c = sctp_rx_conn(as, sid);
	enum sctp_ro_res r;
	uint16_t ssn;
	bool drop;

	if (len < SCTP_DDP_SSN_LEN) {
		free(data);
		if (c != NULL)
			sctp_conn_proto_err(c, WIRE_E_SSC_SEGMENT_SHORT,
			    "chunk without DDP-SSN");
		return;
	}
	ssn = (uint16_t)(data[0] << 8 | data[1]);
	if (c == NULL) {
		if (ppid == SCTP_DDP_PPID_SSC)
			sctp_ssc_rx(as, NULL, sid, data, len);
		else
			sctp_log(as->tp, LOG_INFO, "stream %u: DDP segment "
			    "without a session dropped", sid);
		free(data);
		return;
	}
	/* Our Terminate went out and the peer answered and reused the
	 * stream before its answer reached us: keep the Initiate. */
	if ((c->term_sent || c->ctl_fn == SSC_FN_TERMINATE) &&
	    !sctp_asoc_owns(as, sid) && c->next_init == NULL &&
	    ssn == SSC_SSN_FIRST && sctp_rx_is_init(ppid, data, len)) {
		c->next_init = data;
		c->next_init_len = len;
		return;
	}
	if (ssn == c->rx_next && (ppid == SCTP_DDP_PPID_SSC ||
	    sctp_rx_ready(c, &drop))) {
		sctp_rx_deliver(c, ppid, data, len);
		sctp_rx_feed(c);
		return;
	}
	/* Bounded per stream (sctp_ro.c) and per association, so many
	 * streams cannot add up to unbounded memory. */
	r = len > SCTP_RO_ASOC_MAX - as->ro_bytes ? SCTP_RO_FULL :
	    sctp_ro_put(&c->ro, c->rx_next, ssn, ppid, data, len);
	if (r != SCTP_RO_OK) {
		free(data);
		sctp_conn_proto_err(c, WIRE_E_SSC_SSN_WINDOW,
		    r == SCTP_RO_FULL ? "reorder buffer full" :
		    r == SCTP_RO_DUP ? "duplicate DDP-SSN" :
		    "DDP-SSN outside the window");
		return;
	}
	as->ro_bytes += len;
	as->reorder_held++;
}

/* Drain the rest of the message, then fail its stream with err. */
static void
sctp_rx_drain(struct sctp_asoc *as, enum wire_err err)
{
	as->rx.drain_sid = as->rx.notif ? -1 : as->rx.sid;
	as->rx.drain_err = err;
	as->rx.phase = SCTP_RX_DRAIN;
}

/* The message ended (drained): fail its stream if asked. */
static void
sctp_rx_drained(struct sctp_asoc *as)
{
	struct sctp_conn *c = NULL;
	enum wire_err err = as->rx.drain_err;

	if (as->rx.drain_sid >= 0 && err != WIRE_OK)
		c = sctp_rx_conn(as, (uint16_t)as->rx.drain_sid);
	sctp_rx_reset(&as->rx);
	if (c != NULL && !c->dead)
		sctp_conn_proto_err(c, err, "bad chunk");
}

/* A notification or session control message is complete in buf. */
static void
sctp_rx_buf_done(struct sctp_asoc *as)
{
	struct sctp_rx *rx = &as->rx;
	uint8_t *d;

	if (rx->notif) {
		uint8_t tmp[sizeof(rx->buf)];
		size_t len = rx->buf_len;

		memcpy(tmp, rx->buf, len);
		sctp_rx_reset(rx);
		sctp_asoc_notif(as, tmp, len);
		return;
	}
	if ((d = malloc(rx->buf_len)) == NULL) {
		sctp_rx_reset(rx);
		return;
	}
	memcpy(d, rx->buf, rx->buf_len);
	{
		uint16_t sid = rx->sid;
		size_t len = rx->buf_len;

		sctp_rx_reset(rx);
		sctp_rx_chunk(as, sid, SCTP_DDP_PPID_SSC, d, len);
	}
}

/* The header of a directly placed segment is in: ask the engine. */
static void
sctp_rx_hdr_done(struct sctp_asoc *as)
{
	struct sctp_rx *rx = &as->rx;
	struct sctp_conn *c = rx->c;
	size_t sum = 0;
	int i;

	memset(&rx->pl, 0, sizeof(rx->pl));
	rx->err = eng_qp_rx_hdr(c->qp, rx->hdr, rx->hdr_len, rx->seg_len,
	    &rx->pl);
	c->rx_next = ssc_ssn_next(c->rx_next);
	for (i = 0; i < rx->pl.iovcnt && i < ENG_SEG_IOV_MAX; i++)
		sum += rx->pl.iov[i].iov_len;
	if (rx->pl.iovcnt > ENG_SEG_IOV_MAX ||
	    sum + rx->pl.discard != rx->seg_len - rx->hdr_len) {
		/* Broken contract: never write where we cannot verify. */
		sctp_rx_drain(as, WIRE_E_RDMAP_LOCAL_CATA);
		return;
	}
	rx->pl_idx = 0;
	rx->pl_off = 0;
	rx->discard = rx->pl.discard;
	rx->phase = sum > 0 ? SCTP_RX_PAYLOAD : SCTP_RX_DISCARD;
}

/* Every octet of a directly placed segment is in. */
static void
sctp_rx_seg_done(struct sctp_asoc *as)
{
	struct sctp_rx *rx = &as->rx;
	struct sctp_conn *c = rx->c;
	enum wire_err err = rx->err;

	if (!rx->eor) {
		/* Longer than FIONREAD said: not what we placed. */
		sctp_rx_drain(as, WIRE_E_RDMAP_EXCESS);
		return;
	}
	sctp_rx_reset(rx);
	if (c->dead || c->qp_closed)
		return;
	if (err == WIRE_OK)
		eng_qp_rx_done(c->qp);
	else
		c->rx_stopped = true;
	sctp_rx_feed(c);
}

static void sctp_rx_stash_done(struct sctp_asoc *as);

/* The head is in: decide how this message is read. */
static int
sctp_rx_classify(struct sctp_asoc *as)
{
	struct sctp_rx *rx = &as->rx;
	struct sctp_conn *c;
	uint16_t ssn;
	bool drop;
	int avail = 0;

	if (!rx->notif) {
		/* The notifications that came with COMM_UP are all in. */
		sctp_asoc_adapt_check(as);
		if (as->state != SCTP_A_UP) {
			if (as->state == SCTP_A_DEAD)
				return -1;
			sctp_rx_drain(as, WIRE_OK);
			return 1;
		}
	}
	if (rx->notif || rx->ppid == SCTP_DDP_PPID_SSC) {
		memcpy(rx->buf, rx->head, rx->got);
		rx->buf_len = rx->got;
		rx->buf_cap = rx->notif ? sizeof(rx->buf) : SCTP_CTL_MAX;
		if (rx->eor)
			sctp_rx_buf_done(as);
		else
			rx->phase = SCTP_RX_BUF;
		return 1;
	}
	c = sctp_rx_conn(as, rx->sid);
	if (rx->ppid != SCTP_DDP_PPID_SEGMENT || c == NULL) {
		sctp_log(as->tp, LOG_INFO, "stream %u: chunk with PPID %u "
		    "%s dropped", rx->sid, rx->ppid, c == NULL ?
		    "without a session" : "(not DDP)");
		sctp_rx_drain(as, c == NULL ? WIRE_OK : WIRE_E_SSC_FUNCTION);
		return 1;
	}
	if (rx->got < SCTP_DDP_SSN_LEN) {
		sctp_rx_drain(as, WIRE_E_SSC_SEGMENT_SHORT);
		return 1;
	}
	ssn = (uint16_t)(rx->head[0] << 8 | rx->head[1]);
	if (!rx->eor && !rx->len_ok) {
		as->rx_calls++;
		if (ioctl(as->fd, FIONREAD, &avail) < 0)
			avail = 0;
		rx->msg_len = rx->got + (avail > 0 ? (size_t)avail : 0);
	} else if (rx->eor)
		rx->msg_len = rx->got;
	/* §9: "MUST reject DDP Segments that are larger than the maximum
	 * size specified" (ours, plus what a peer path may allow). */
	if (rx->msg_len > SCTP_DDP_SSN_LEN + as->max_seg + 1024) {
		sctp_rx_drain(as, WIRE_E_RDMAP_EXCESS);
		return 1;
	}
	rx->seg_len = rx->msg_len - SCTP_DDP_SSN_LEN;
	if (ssn == c->rx_next && (c->state == SCTP_C_FULL ||
	    c->state == SCTP_C_CLOSING) && sctp_rx_ready(c, &drop) && !drop &&
	    rx->got == sizeof(rx->head) && !rx->eor) {
		rx->hdr_len = eng_rx_hdr_len(rx->head[2], rx->head[3],
		    rx->seg_len);
		/* Only header octets read so far (a header shorter than
		 * what was read means a bad segment: the stash path). */
		if (rx->hdr_len >= rx->got - SCTP_DDP_SSN_LEN &&
		    rx->hdr_len <= ENG_HDR_MAX) {
			rx->c = c;
			rx->hdr_got = rx->got - SCTP_DDP_SSN_LEN;
			memcpy(rx->hdr, rx->head + SCTP_DDP_SSN_LEN,
			    rx->hdr_got);
			if (rx->hdr_got < rx->hdr_len)
				rx->phase = SCTP_RX_HDR;
			else
				sctp_rx_hdr_done(as);
			return 1;
		}
	}
	/* Hold it whole: out of order, or not placeable yet. */
	if ((rx->stash = malloc(rx->msg_len > 0 ? rx->msg_len : 1)) == NULL) {
		sctp_rx_drain(as, WIRE_E_RDMAP_LOCAL_CATA);
		return 1;
	}
	memcpy(rx->stash, rx->head, rx->got);
	rx->stash_len = rx->got;
	rx->phase = SCTP_RX_STASH;
	if (rx->eor)		/* all in the first read (a short one) */
		sctp_rx_stash_done(as);
	return 1;
}

/* The stash is complete: hand it over. */
static void
sctp_rx_stash_done(struct sctp_asoc *as)
{
	struct sctp_rx *rx = &as->rx;
	uint8_t *d = rx->stash;
	size_t len = rx->stash_len;
	uint16_t sid = rx->sid;
	uint32_t ppid = rx->ppid;

	rx->stash = NULL;
	sctp_rx_reset(rx);
	sctp_rx_chunk(as, sid, ppid, d, len);
}

/* One step of the receive machine: 1 progress, 0 blocked, -1 lost. */
static int
sctp_rx_step(struct sctp_asoc *as)
{
	struct sctp_rx *rx = &as->rx;
	struct iovec iov[ENG_SEG_IOV_MAX];
	ssize_t n;
	size_t left;
	int i, cnt;

	switch (rx->phase) {
	case SCTP_RX_HEAD:
		n = sctp_rx_read1(as, rx->head + rx->got,
		    sizeof(rx->head) - rx->got);
		if (n <= 0)
			return (int)n;
		if (!rx->eor && rx->got < sizeof(rx->head))
			return 1;
		return sctp_rx_classify(as);
	case SCTP_RX_BUF:
		if (rx->buf_len == rx->buf_cap) {
			if (rx->notif)		/* none of ours is so long */
				sctp_rx_drain(as, WIRE_OK);
			else
				sctp_rx_drain(as, WIRE_E_SSC_PD_TOO_LONG);
			return 1;
		}
		n = sctp_rx_read1(as, rx->buf + rx->buf_len,
		    rx->buf_cap - rx->buf_len);
		if (n <= 0)
			return (int)n;
		rx->buf_len += (size_t)n;
		if (rx->eor)
			sctp_rx_buf_done(as);
		return 1;
	case SCTP_RX_HDR:
		if (rx->c->dead || rx->c->qp_closed) {
			sctp_rx_drain(as, WIRE_OK);
			return 1;
		}
		n = sctp_rx_read1(as, rx->hdr + rx->hdr_got,
		    rx->hdr_len - rx->hdr_got);
		if (n <= 0)
			return (int)n;
		rx->hdr_got += (size_t)n;
		if (rx->hdr_got == rx->hdr_len)
			sctp_rx_hdr_done(as);
		else if (rx->eor)
			sctp_rx_drain(as, WIRE_E_RDMAP_SHORT);
		return 1;
	case SCTP_RX_PAYLOAD:
		if (rx->c->dead || rx->c->qp_closed) {
			sctp_rx_drain(as, WIRE_OK);
			return 1;
		}
		/* Straight into the region: the engine's iovec, from
		 * where the last read stopped. */
		for (cnt = 0, i = rx->pl_idx; i < rx->pl.iovcnt; i++, cnt++) {
			iov[cnt] = rx->pl.iov[i];
			if (i == rx->pl_idx) {
				iov[cnt].iov_base = (uint8_t *)
				    iov[cnt].iov_base + rx->pl_off;
				iov[cnt].iov_len -= rx->pl_off;
			}
		}
		n = sctp_rx_read(as, iov, cnt);
		if (n <= 0)
			return (int)n;
		left = (size_t)n;
		while (left > 0 && rx->pl_idx < rx->pl.iovcnt) {
			size_t room = rx->pl.iov[rx->pl_idx].iov_len -
			    rx->pl_off;

			if (left < room) {
				rx->pl_off += left;
				left = 0;
			} else {
				left -= room;
				rx->pl_idx++;
				rx->pl_off = 0;
			}
		}
		while (rx->pl_idx < rx->pl.iovcnt &&
		    rx->pl.iov[rx->pl_idx].iov_len == 0)
			rx->pl_idx++;
		if (rx->pl_idx == rx->pl.iovcnt) {
			if (rx->discard > 0 && !rx->eor)
				rx->phase = SCTP_RX_DISCARD;
			else if (rx->discard > 0)
				sctp_rx_drain(as, WIRE_E_RDMAP_SHORT);
			else
				sctp_rx_seg_done(as);
		} else if (rx->eor)
			sctp_rx_drain(as, WIRE_E_RDMAP_SHORT);
		return 1;
	case SCTP_RX_DISCARD:
		if (rx->discard == 0) {
			sctp_rx_seg_done(as);
			return 1;
		}
		n = sctp_rx_read1(as, rx->sink, rx->discard < sizeof(rx->sink) ?
		    rx->discard : sizeof(rx->sink));
		if (n <= 0)
			return (int)n;
		rx->discard -= (size_t)n;
		if (rx->discard == 0)
			sctp_rx_seg_done(as);
		else if (rx->eor)
			sctp_rx_drain(as, WIRE_E_RDMAP_SHORT);
		return 1;
	case SCTP_RX_STASH:
		if (rx->stash_len == rx->msg_len) {
			sctp_rx_drain(as, WIRE_E_RDMAP_EXCESS);
			return 1;
		}
		n = sctp_rx_read1(as, rx->stash + rx->stash_len,
		    rx->msg_len - rx->stash_len);
		if (n <= 0)
			return (int)n;
		rx->stash_len += (size_t)n;
		if (rx->eor)
			sctp_rx_stash_done(as);
		return 1;
	case SCTP_RX_DRAIN:
		if (rx->eor) {
			sctp_rx_drained(as);
			return 1;
		}
		n = sctp_rx_read1(as, rx->sink, sizeof(rx->sink));
		if (n <= 0)
			return (int)n;
		if (rx->eor)
			sctp_rx_drained(as);
		return 1;
	}
	return 0;
}

/* The socket is readable: run the machine for a bounded burst. */
void
sctp_rx_run(struct sctp_asoc *as)
{
	int i, r = 1;

	for (i = 0; i < SCTP_RX_BURST * 4 && as->state != SCTP_A_DEAD; i++) {
		r = sctp_rx_step(as);
		if (r <= 0)
			break;
	}
	if (as->state == SCTP_A_DEAD)
		return;
	if (r < 0) {
		sctp_asoc_lost(as, strerror(errno));
		return;
	}
	if (r == 0)
		sctp_asoc_adapt_check(as);
}
