/* tcp_tx.c — MPA send: FPDUs gathered from the engine's iovecs. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/buf.h"
#include "transport/tcp.h"

/*
 * Send path.  Each DDP segment the engine hands over becomes one FPDU:
 * mpa_tx_gather() turns [segment header octets, payload iovec...] into
 * the wire iovec — ULPDU_Length, header, payload in place (pointers into
 * registered memory: no staging copy), pad, CRC32c over the scattered
 * octets, and a 4-octet marker at every 512th stream octet when the peer
 * asked for them (the iovec is split there; marker, length, pad and CRC
 * octets live in the connection's small scratch buffer).
 *
 * One FPDU per writev: with TCP_NODELAY and FPDUs no larger than the
 * MULPDU computed from the path's EMSS (RFC 5044 §4.5), most TCP segments
 * then start with an FPDU (§5.1).  A partial write keeps the iovec and
 * its position; eng_qp_tx_done() is called only once every octet of the
 * segment is in the socket.
 */

/* Octets of transport-built FPDUs and frames go out before anything. */
int
tcp_tx_raw_fpdu(struct tp_conn *c, const uint8_t *ulpdu, size_t len)
{
	uint8_t *p;
	size_t room;
	int n;

	if ((p = tcp_raw_room(c, &room)) == NULL)
		return -1;
	n = mpa_tx_encode(&c->mtx, ulpdu, len, p, room);
	if (n < 0)
		return -1;
	c->raw_len += (size_t)n;
	tcp_want_write(c);
	return 0;
}

/* Start Full Operation sending at stream offset 0 (RFC 5044 §4.3). */
void
tcp_tx_start(struct tp_conn *c, bool markers, bool crc)
{
	/* §4.4: once either side asked for CRCs we generate them; if not,
	 * the field "may contain any value" and we send zero. */
	(void)mpa_tx_init(&c->mtx, markers, crc, 0);
}

/*
 * Offset the MSN of an untagged DDP header of queue msn_shift_qn by dir
 * (+1 on send at the Initiator, -1 on receive at the Responder): the
 * Send/Read RTR took MSN 1 of that queue (see tcp_mpa.c).
 */
void
tcp_msn_shift(struct tp_conn *c, uint8_t *hdr, size_t len, int dir)
{
	uint32_t msn;

	if (c->msn_shift_qn == UINT32_MAX || len < DDP_UNTAGGED_HDR_LEN ||
	    (hdr[0] & DDP_FLAG_TAGGED) != 0 ||
	    buf_load_be32(hdr + 6) != c->msn_shift_qn)
		return;
	msn = buf_load_be32(hdr + 10) + (uint32_t)dir;
	hdr[10] = (uint8_t)(msn >> 24);
	hdr[11] = (uint8_t)(msn >> 16);
	hdr[12] = (uint8_t)(msn >> 8);
	hdr[13] = (uint8_t)msn;
}

/* Frame the engine's segment c->seg as the next FPDU's iovec. */
static int
tcp_tx_frame(struct tp_conn *c)
{
	struct mpa_iov in[ENG_SEG_IOV_MAX + 1];
	struct eng_seg *s = &c->seg;
	size_t total = s->hdr_len, wire;
	int i, n;

	if (s->hdr_len == 0 || s->hdr_len > ENG_HDR_MAX || s->iovcnt < 0 ||
	    s->iovcnt > ENG_SEG_IOV_MAX)
		return -1;
	if (c->initiator)
		tcp_msn_shift(c, s->hdr, s->hdr_len, 1);
	in[0].base = s->hdr;
	in[0].len = s->hdr_len;
	for (i = 0; i < s->iovcnt; i++) {
		in[i + 1].base = s->iov[i].iov_base;
		in[i + 1].len = s->iov[i].iov_len;
		total += s->iov[i].iov_len;
	}
	/* The engine was told max_seg; a longer ULPDU is its bug. */
	if (total > c->max_seg)
		return -1;
	n = mpa_tx_gather(&c->mtx, in, (unsigned int)s->iovcnt + 1,
	    c->tx_out, c->tx_max, c->tx_scratch, c->tx_scap,
	    &wire);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		c->tx_iov[i].iov_base = (void *)(uintptr_t)c->tx_out[i].base;
		c->tx_iov[i].iov_len = c->tx_out[i].len;
	}
	c->tx_cnt = n;
	c->tx_idx = 0;
	return 0;
}

/* writev what is left of the current FPDU: 1 done, 0 blocked, -1 error. */
static int
tcp_tx_write(struct tp_conn *c)
{
	ssize_t n;
	size_t k;
	int cnt;

	while (c->tx_idx < c->tx_cnt) {
		cnt = c->tx_cnt - c->tx_idx;
		if (cnt > IOV_MAX)
			cnt = IOV_MAX;
		n = writev(c->fd, c->tx_iov + c->tx_idx, cnt);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR ? 0 : -1;
		k = (size_t)n;
		while (k > 0 && c->tx_idx < c->tx_cnt) {
			struct iovec *v = &c->tx_iov[c->tx_idx];

			if (k >= v->iov_len) {
				k -= v->iov_len;
				c->tx_idx++;
			} else {
				v->iov_base = (uint8_t *)v->iov_base + k;
				v->iov_len -= k;
				k = 0;
			}
		}
		/* skip empty elements (zero-length engine iovs) */
		while (c->tx_idx < c->tx_cnt &&
		    c->tx_iov[c->tx_idx].iov_len == 0)
			c->tx_idx++;
	}
	return 1;
}

/* send the raw octets: 1 done, 0 blocked, -1 error. */
static int
tcp_tx_raw(struct tp_conn *c)
{
	ssize_t n;

	while (c->raw_off < c->raw_len) {
		n = send(c->fd, c->raw + c->raw_off, c->raw_len - c->raw_off,
		    MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR ? 0 : -1;
		c->raw_off += (size_t)n;
	}
	tcp_raw_sent(c);
	return 1;
}

/* May the engine's segments flow now? */
static bool
tcp_tx_open(struct tp_conn *c)
{
	if ((c->state != TCP_S_FULL && c->state != TCP_S_CLOSING) ||
	    c->qp == NULL)
		return false;
	/* RFC 5044 §7.1.2 rule 4: a Responder sends nothing before it
	 * has received and validated an FPDU (in p2p mode: the RTR). */
	return c->initiator || c->first_rx;
}

/* The send loop: raw octets, the current FPDU, then the engine's next. */
void
tcp_tx_run(struct tp_conn *c)
{
	int burst, r;

	for (burst = 0; burst < TCP_TX_BURST && !c->dead; burst++) {
		if (c->raw_len > 0) {
			if ((r = tcp_tx_raw(c)) <= 0)
				goto blocked;
			if (c->close_after_raw &&
			    c->state == TCP_S_REJECTED) {
				/* Reject sent (RFC 5044 §7.1.2 rule 2): MPA
				 * is over; we close TCP. */
				tcp_kill(c, false);
				return;
			}
			continue;
		}
		if (c->seg_busy) {
			if ((r = tcp_tx_write(c)) <= 0)
				goto blocked;
			c->seg_busy = false;
			if (c->qp != NULL)	/* else tcp_detach() copied it */
				eng_qp_tx_done(c->qp, c->seg.cookie);
			continue;
		}
		if (!tcp_tx_open(c))
			break;
		if (tcp_mpa_rtr_tx(c) < 0) {
			eng_qp_llp_error(c->qp, WIRE_E_MPA_LOCAL_CATA);
			break;
		}
		if (c->raw_len > 0)
			continue;
		if (!eng_qp_tx_pull(c->qp, &c->seg))
			break;
		if (tcp_tx_frame(c) < 0) {
			tcp_log(c, LOG_ERR, "engine segment of %zu+%zu octets "
			    "cannot be framed (max %zu)", c->seg.hdr_len,
			    c->seg.payload_len, c->max_seg);
			/* RFC 6581 §9.3: a local error is Terminated with
			 * 2/0/5; the engine sends it and closes. */
			eng_qp_llp_error(c->qp, WIRE_E_MPA_LOCAL_CATA);
			continue;
		}
		c->seg_busy = true;
	}
	if (c->dead)
		return;
	if (burst == TCP_TX_BURST) {
		tcp_want_write(c);	/* more later: let others run */
		return;
	}
	event_del(c->ev_write);
	/* Graceful close (RFC 5044 §7.2): everything is out, send FIN. */
	if (c->state == TCP_S_CLOSING && !c->closing_abortive &&
	    !c->shut_wr) {
		c->shut_wr = true;
		(void)shutdown(c->fd, SHUT_WR);
		tcp_want_read(c, true);
	}
	return;
blocked:
	if (r < 0) {
		tcp_log(c, LOG_INFO, "send: %s", strerror(errno));
		if (c->state == TCP_S_REJECTED)
			tcp_kill(c, true);
		else
			tcp_finish(c, false, true);
		return;
	}
	event_add(c->ev_write, NULL);
}
