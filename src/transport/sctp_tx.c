/* sctp_tx.c — SCTP send: unordered chunks, per-stream DDP-SSN, fairness. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/sctp.h>

#include <errno.h>
#include <string.h>
#include <syslog.h>

#include <event2/event.h>

#include "transport/sctp_int.h"
#include "wire/ssc.h"

/*
 * Sessions with something to send wait in the association's txq; the
 * write callback serves them round robin, SCTP_TX_BURST messages each,
 * so one busy QP cannot starve its neighbours.  Every message is one
 * sendmsg (SCTP takes a message whole or not at all), gathered from the
 * DDP-SSN prefix, the engine's header octets and the iovec into the
 * registered region: no staging copy.  Every chunk is unordered with
 * PPID 16 or 17 in network byte order (RFC 5043 §5.2, §10).
 */

enum sctp_tx_res {
	SCTP_TX_DONE,		/* nothing more from this conn for now */
	SCTP_TX_MORE,		/* burst used up: rotate */
	SCTP_TX_FULL,		/* the socket is full */
	SCTP_TX_GUARDED,	/* §10 guard: wait for SACKs */
	SCTP_TX_LOST		/* the association failed */
};

/* Ask for the write callback. */
void
sctp_asoc_want_write(struct sctp_asoc *as)
{
	if (as->state == SCTP_A_UP && !as->tx_blocked)
		event_add(as->ev_write, NULL);
}

/* c has something to send. */
void
sctp_tx_want(struct sctp_conn *c)
{
	if (c->dead)
		return;
	if (!c->in_txq) {
		TAILQ_INSERT_TAIL(&c->as->txq, c, txe);
		c->in_txq = true;
	}
	sctp_asoc_want_write(c->as);
}

void
sctp_tx_drop(struct sctp_conn *c)
{
	if (c->in_txq) {
		TAILQ_REMOVE(&c->as->txq, c, txe);
		c->in_txq = false;
	}
}

/* One unordered message on stream sid.  0 sent, 1 full, -1 error. */
static int
sctp_tx_msg(struct sctp_asoc *as, uint16_t sid, uint32_t ppid,
    struct iovec *iov, int cnt)
{
	char cbuf[CMSG_SPACE(sizeof(struct sctp_sndinfo))];
	struct sctp_sndinfo si;
	struct msghdr mh;
	struct cmsghdr *cm;

	memset(&si, 0, sizeof(si));
	si.snd_sid = sid;
	si.snd_flags = SCTP_UNORDERED;
	si.snd_ppid = ssc_ppid_to_sinfo(ppid);
	memset(&mh, 0, sizeof(mh));
	memset(cbuf, 0, sizeof(cbuf));
	mh.msg_iov = iov;
	mh.msg_iovlen = (size_t)cnt;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = IPPROTO_SCTP;
	cm->cmsg_type = SCTP_SNDINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(si));
	memcpy(CMSG_DATA(cm), &si, sizeof(si));
	if (sendmsg(as->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0) {
		as->tx_since_check++;
		return 0;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
	    errno == ENOMEM)
		return 1;
	return -1;
}

/*
 * RFC 5043 §10: never more than 32767 chunks of a stream outstanding.
 * tx_since_check bounds the chunks the socket holds (unsent or unacked,
 * all streams together); when it reaches SCTP_TX_GUARD the kernel is
 * asked for the true count (SCTP_STATUS), and sending waits while that
 * is still at the guard.  One getsockopt per >= 16 Ki chunks at most.
 */
static bool
sctp_tx_guard(struct sctp_asoc *as)
{
	struct timeval tv = { 0, 2000 };
	struct sctp_status st;
	socklen_t len = sizeof(st);
	uint32_t out;

	if (as->tx_since_check < SCTP_TX_GUARD)
		return true;
	memset(&st, 0, sizeof(st));
	if (getsockopt(as->fd, IPPROTO_SCTP, SCTP_STATUS, &st, &len) < 0)
		return false;
	out = (uint32_t)st.sstat_unackdata + st.sstat_penddata;
	if (out < SCTP_TX_GUARD) {
		as->tx_since_check = out;
		return true;
	}
	as->tx_blocked = true;
	event_del(as->ev_write);
	evtimer_add(as->ev_timer, &tv);
	return false;
}

/* Send the queued session control message of c. */
static enum sctp_tx_res
sctp_tx_ctl(struct sctp_conn *c)
{
	struct iovec iov = { c->ctl, c->ctl_len };
	uint16_t fn = c->ctl_fn;
	int r;

	c->ctl[0] = (uint8_t)(c->tx_ssn >> 8);
	c->ctl[1] = (uint8_t)c->tx_ssn;
	r = sctp_tx_msg(c->as, (uint16_t)c->sid, SCTP_DDP_PPID_SSC, &iov, 1);
	if (r != 0)
		return r > 0 ? SCTP_TX_FULL : SCTP_TX_LOST;
	c->tx_ssn = ssc_ssn_next(c->tx_ssn);
	c->ctl_len = 0;
	c->ctl_fn = 0;
	if (fn == SSC_FN_TERMINATE) {
		c->term_sent = true;
		if (c->term_rcvd) {
			sctp_conn_kill(c);
			return SCTP_TX_DONE;
		}
	} else if (fn == SSC_FN_ENH_REJECT && c->state == SCTP_C_REJECTING) {
		sctp_conn_kill(c);		/* §6.3: the session is over */
		return SCTP_TX_DONE;
	}
	if (c->term_after) {
		c->term_after = false;
		sctp_conn_terminate(c);
	}
	return SCTP_TX_MORE;
}

/* Up to SCTP_TX_BURST messages of c. */
static enum sctp_tx_res
sctp_tx_conn(struct sctp_conn *c)
{
	struct iovec iov[ENG_SEG_IOV_MAX + 2];
	uint8_t prefix[SCTP_DDP_SSN_LEN];
	enum sctp_tx_res r;
	int i, n, burst;

	for (burst = 0; burst < SCTP_TX_BURST && !c->dead; burst++) {
		if (!sctp_tx_guard(c->as))
			return SCTP_TX_GUARDED;
		if (c->ctl_len > 0) {
			if ((r = sctp_tx_ctl(c)) != SCTP_TX_MORE)
				return r;
			continue;
		}
		if ((c->state != SCTP_C_FULL && c->state != SCTP_C_CLOSING) ||
		    c->qp == NULL || c->qp_closed)
			return SCTP_TX_DONE;
		if (!c->seg_busy) {
			if (!eng_qp_tx_pull(c->qp, &c->seg)) {
				if (c->state != SCTP_C_CLOSING)
					return SCTP_TX_DONE;
				sctp_conn_terminate(c);	/* drained */
				continue;
			}
			c->seg_busy = true;
		}
		(void)ssc_seg_prefix_encode(c->tx_ssn, prefix, sizeof(prefix));
		iov[0].iov_base = prefix;
		iov[0].iov_len = sizeof(prefix);
		iov[1].iov_base = c->seg.hdr;
		iov[1].iov_len = c->seg.hdr_len;
		n = 2;
		for (i = 0; i < c->seg.iovcnt && i < ENG_SEG_IOV_MAX; i++)
			if (c->seg.iov[i].iov_len > 0)
				iov[n++] = c->seg.iov[i];
		switch (sctp_tx_msg(c->as, (uint16_t)c->sid,
		    SCTP_DDP_PPID_SEGMENT, iov, n)) {
		case 1:
			return SCTP_TX_FULL;
		case -1:
			return SCTP_TX_LOST;
		default:
			break;
		}
		c->tx_ssn = ssc_ssn_next(c->tx_ssn);
		c->seg_busy = false;
		eng_qp_tx_done(c->qp, c->seg.cookie);
	}
	return c->dead ? SCTP_TX_DONE : SCTP_TX_MORE;
}

/* The socket is writable: serve the queue round robin. */
void
sctp_tx_run(struct sctp_asoc *as)
{
	struct sctp_conn *c;
	int turns;

	if (as->state != SCTP_A_UP) {
		event_del(as->ev_write);
		return;
	}
	for (turns = 0; turns < 64; turns++) {
		if ((c = TAILQ_FIRST(&as->txq)) == NULL) {
			event_del(as->ev_write);
			return;
		}
		switch (sctp_tx_conn(c)) {
		case SCTP_TX_DONE:
			if (!c->dead && c->in_txq && c->ctl_len == 0)
				sctp_tx_drop(c);
			break;
		case SCTP_TX_MORE:
			if (!c->dead && c->in_txq) {
				TAILQ_REMOVE(&as->txq, c, txe);
				TAILQ_INSERT_TAIL(&as->txq, c, txe);
			}
			break;
		case SCTP_TX_FULL:
			event_add(as->ev_write, NULL);
			return;
		case SCTP_TX_GUARDED:
			return;
		case SCTP_TX_LOST:
			sctp_asoc_lost(as, strerror(errno));
			return;
		}
	}
	event_add(as->ev_write, NULL);
}
