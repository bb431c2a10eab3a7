/* tcp_close.c — graceful close of a stream whose QP the daemon dropped. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "transport/tcp.h"

/*
 * QP_DESTROY (or a client that died) must not reset the stream under a
 * Terminate the engine queued or an FPDU half written: the peer would
 * see "connection lost" instead of the error (RFC 5040 §5.2, RFC 5044
 * §7.2 "graceful TCP close").  tcp_detach() makes the connection
 * independent of the QP and of the client's memory, then closes:
 *
 *  - the rest of an FPDU being written points into registered memory
 *    that may be unmapped next: it is copied to the heap;
 *  - segments the engine still has that carry no payload (a Terminate,
 *    RFC 5040 §4.8; Read Requests and atomics are harmless too) are
 *    framed into the raw buffer; the first one with payload stops it,
 *    and that message is not sent (the QP is going away);
 *  - the QP is detached (eng_qp_llp_closed()), the rest is written,
 *    then FIN; what arrives is read and dropped (tcp_detached_read())
 *    until the peer's FIN, or the connection's timer (the MPA timeout)
 *    resets the stream if the peer does not go away.
 *
 * Only the daemon's shutdown (tcp_destroy()) still resets at once.
 */

/* Copy what is left of the FPDU being written; -1 if out of memory. */
static int
tcp_detach_copy(struct tp_conn *c)
{
	size_t len = 0, off = 0;
	int i;

	for (i = c->tx_idx; i < c->tx_cnt; i++)
		len += c->tx_iov[i].iov_len;
	free(c->tx_copy);
	if ((c->tx_copy = malloc(len > 0 ? len : 1)) == NULL)
		return -1;
	for (i = c->tx_idx; i < c->tx_cnt; i++) {
		memcpy(c->tx_copy + off, c->tx_iov[i].iov_base,
		    c->tx_iov[i].iov_len);
		off += c->tx_iov[i].iov_len;
	}
	c->tx_iov[0].iov_base = c->tx_copy;
	c->tx_iov[0].iov_len = len;
	c->tx_idx = 0;
	c->tx_cnt = 1;
	return 0;
}

/* Frame the engine's header-only segments into the raw buffer. */
static void
tcp_detach_pull(struct tp_conn *c)
{
	struct eng_seg s;

	/* RFC 5044 §7.1.2 rule 4: a Responder that has not received an
	 * FPDU sends none (tcp_tx_open()). */
	if (!c->initiator && !c->first_rx)
		return;
	while (eng_qp_tx_pull(c->qp, &s)) {
		if (s.payload_len > 0 || s.hdr_len == 0 ||
		    s.hdr_len > ENG_HDR_MAX)
			break;
		if (c->initiator)
			tcp_msn_shift(c, s.hdr, s.hdr_len, 1);
		if (tcp_tx_raw_fpdu(c, s.hdr, s.hdr_len) < 0)
			break;		/* no room: it is lost */
		eng_qp_tx_done(c->qp, s.cookie);
	}
}

/* Detach the QP and close gracefully; -1: reset instead (no memory). */
int
tcp_detach(struct tp_conn *c)
{
	struct eng_qp *qp = c->qp;

	if (c->seg_busy && tcp_detach_copy(c) < 0)
		return -1;
	if (!c->seg_busy)
		tcp_detach_pull(c);
	c->qp = NULL;
	eng_qp_llp_closed(qp, true);
	c->state = TCP_S_CLOSING;
	c->closing_abortive = false;
	if (c->rx_phase != TCP_RX_DRAIN)
		tcp_log(c, LOG_DEBUG, "QP released: closing the stream");
	c->rx_phase = TCP_RX_DRAIN;	/* pl.iov is client memory */
	tcp_timer(c, c->tp->opts.timeout_ms);
	tcp_want_write(c);
	tcp_want_read(c, true);
	return 0;
}

/* Readable after tcp_detach(): drop the octets, end on the peer's FIN. */
void
tcp_detached_read(struct tp_conn *c)
{
	ssize_t n;
	int i;

	for (i = 0; i < 64; i++) {
		c->ra_off = c->ra_len = 0;
		n = tcp_rx_fill_ra(c);
		if (n < 0) {
			tcp_kill(c, true);
			return;
		}
		if (n == 0)
			break;
	}
	c->ra_off = c->ra_len = 0;
	if (!c->rx_eof)
		return;
	/* The peer's FIN: done once ours is out (close() sends it after
	 * queued data); else tcp_tx_run() sends FIN and reads again. */
	if (c->raw_len == 0 && !c->seg_busy)
		tcp_kill(c, false);
	else
		tcp_want_read(c, false);
}
