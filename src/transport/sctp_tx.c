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
 * SCTP message (SCTP takes a message whole or not at all), gathered
 * from the DDP-SSN prefix, the engine's header octets and the iovec into
 * the registered region: no staging copy.  Every chunk is unordered with
 * PPID 16 or 17 in network byte order (RFC 5043 §5.2, §10).
 *
 * DDP segments are not sent one system call each: the segments pulled
 * from the engine wait in the association's batch (as->txb, at most
 * SCTP_TX_BATCH, in pull order, of any sessions) and leave with one
 * sendmmsg(2), each message with its own stream id in its SCTP_SNDINFO.
 * A session's DDP-SSN advances only when its message was taken, so the
 * numbering stays gapless: when sendmmsg takes only the first k, the
 * rest stay queued, in order, for the next writable event.  Session
 * control messages (rare) keep their own sendmsg, after the session's
 * batched segments; a session that ends or loses its QP takes its unsent
 * segments out of the batch (sctp_tx_purge), unnumbered.
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

/* The SCTP_SNDINFO of one message: stream sid, PPID, unordered. */
static void
sctp_tx_sndinfo(struct msghdr *mh, void *cbuf, size_t cap, uint16_t sid,
    uint32_t ppid)
{
	struct sctp_sndinfo si;
	struct cmsghdr *cm;

	memset(&si, 0, sizeof(si));
	si.snd_sid = sid;
	si.snd_flags = SCTP_UNORDERED;
	si.snd_ppid = ssc_ppid_to_sinfo(ppid);
	memset(cbuf, 0, cap);
	mh->msg_control = cbuf;
	mh->msg_controllen = cap;
	cm = CMSG_FIRSTHDR(mh);
	cm->cmsg_level = IPPROTO_SCTP;
	cm->cmsg_type = SCTP_SNDINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(si));
	memcpy(CMSG_DATA(cm), &si, sizeof(si));
}

/* Would this send error only mean "not now"? */
static bool
sctp_tx_again(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == EINTR ||
	    err == ENOMEM;
}

/* One unordered message on stream sid.  0 sent, 1 full, -1 error. */
static int
sctp_tx_msg(struct sctp_asoc *as, uint16_t sid, uint32_t ppid,
    struct iovec *iov, int cnt)
{
	union {
		struct cmsghdr	align;
		char		buf[CMSG_SPACE(sizeof(struct sctp_sndinfo))];
	} cbuf;
	struct msghdr mh;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = (size_t)cnt;
	sctp_tx_sndinfo(&mh, cbuf.buf, sizeof(cbuf.buf), sid, ppid);
	as->tx_calls++;
	if (sendmsg(as->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0) {
		as->tx_since_check++;
		as->tx_msgs++;
		return 0;
	}
	return sctp_tx_again(errno) ? 1 : -1;
}

/* Gather slot i of the batch into its message: the DDP-SSN prefix
 * (RFC 5043 §5.2.1, the session's next one), header, payload. */
static void
sctp_tx_gather(struct sctp_txb *b, unsigned int i)
{
	struct sctp_txslot *s = &b->slot[i];
	struct sctp_conn *c = s->c;
	struct iovec *iov = b->iov[i];
	struct msghdr *mh = &b->mm[i].msg_hdr;
	size_t n = 2;
	int j;

	(void)ssc_seg_prefix_encode(c->tx_bssn, b->prefix[i],
	    sizeof(b->prefix[i]));
	c->tx_bssn = ssc_ssn_next(c->tx_bssn);
	iov[0].iov_base = b->prefix[i];
	iov[0].iov_len = sizeof(b->prefix[i]);
	iov[1].iov_base = s->seg.hdr;
	iov[1].iov_len = s->seg.hdr_len;
	for (j = 0; j < s->seg.iovcnt && j < ENG_SEG_IOV_MAX; j++)
		if (s->seg.iov[j].iov_len > 0)
			iov[n++] = s->seg.iov[j];
	memset(mh, 0, sizeof(*mh));
	mh->msg_iov = iov;
	mh->msg_iovlen = n;
	sctp_tx_sndinfo(mh, b->cbuf[i].buf, sizeof(b->cbuf[i].buf),
	    (uint16_t)c->sid, SCTP_DDP_PPID_SEGMENT);
	b->mm[i].msg_len = 0;
}

/* The first k unsent messages of the batch were taken: number them,
 * then tell the engine (whose callbacks may purge the batch). */
static void
sctp_tx_taken(struct sctp_asoc *as, unsigned int k)
{
	struct sctp_txb *b = &as->txb;
	struct sctp_conn *cs[SCTP_TX_BATCH];
	struct eng_qp *qs[SCTP_TX_BATCH];
	uint64_t ck[SCTP_TX_BATCH];
	unsigned int i;

	for (i = 0; i < k; i++) {
		struct sctp_txslot *s = &b->slot[b->head + i];

		s->c->tx_ssn = ssc_ssn_next(s->c->tx_ssn);
		s->c->tx_queued--;
		cs[i] = s->c;
		qs[i] = s->c->qp;
		ck[i] = s->seg.cookie;
	}
	b->head += k;
	if (b->head == b->n)
		b->head = b->n = 0;
	as->tx_since_check += k;
	as->tx_msgs += k;
	for (i = 0; i < k; i++)
		if (!cs[i]->dead && !cs[i]->qp_closed && cs[i]->qp == qs[i])
			eng_qp_tx_done(qs[i], ck[i]);
}

/* Send the unsent part of the batch, one sendmmsg per try: SCTP_TX_MORE
 * once it is all out, SCTP_TX_FULL, SCTP_TX_LOST. */
static enum sctp_tx_res
sctp_tx_flush(struct sctp_asoc *as)
{
	struct sctp_txb *b = &as->txb;
	unsigned int i;
	int r;

	while (b->head < b->n) {
		for (i = b->head; i < b->n; i++)
			b->slot[i].c->tx_bssn = b->slot[i].c->tx_ssn;
		for (i = b->head; i < b->n; i++)
			sctp_tx_gather(b, i);
		as->tx_calls++;
		r = sendmmsg(as->fd, &b->mm[b->head], b->n - b->head,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (r < 0)
			return sctp_tx_again(errno) ? SCTP_TX_FULL :
			    SCTP_TX_LOST;
		if (r == 0)
			return SCTP_TX_FULL;
		sctp_tx_taken(as, (unsigned int)r);
	}
	return SCTP_TX_MORE;
}

/* c ends or loses its QP: its unsent segments leave the batch, their
 * DDP-SSNs unused (the engine never hears of them again). */
void
sctp_tx_purge(struct sctp_conn *c)
{
	struct sctp_txb *b = &c->as->txb;
	unsigned int i, j;

	if (c->tx_queued == 0)
		return;
	for (i = j = b->head; i < b->n; i++)
		if (b->slot[i].c != c) {
			if (j != i)
				b->slot[j] = b->slot[i];
			j++;
		}
	b->n = j;
	if (b->head == b->n)
		b->head = b->n = 0;
	c->tx_queued = 0;
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

	if (as->tx_since_check + (as->txb.n - as->txb.head) < SCTP_TX_GUARD)
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

/* Up to SCTP_TX_BURST messages of c, its segments into the batch. */
static enum sctp_tx_res
sctp_tx_conn(struct sctp_conn *c)
{
	struct sctp_asoc *as = c->as;
	struct sctp_txb *b = &as->txb;
	enum sctp_tx_res r;
	struct eng_seg seg;
	int burst;

	for (burst = 0; burst < SCTP_TX_BURST && !c->dead; burst++) {
		if (!sctp_tx_guard(as))
			return SCTP_TX_GUARDED;
		if (b->n == SCTP_TX_BATCH ||
		    (c->ctl_len > 0 && c->tx_queued > 0)) {
			/* A full batch leaves; a control message of c
			 * goes after the segments pulled before it. */
			if ((r = sctp_tx_flush(as)) != SCTP_TX_MORE)
				return r;
			continue;
		}
		if (c->ctl_len > 0) {
			if ((r = sctp_tx_ctl(c)) != SCTP_TX_MORE)
				return r;
			continue;
		}
		if ((c->state != SCTP_C_FULL && c->state != SCTP_C_CLOSING) ||
		    c->qp == NULL || c->qp_closed)
			return SCTP_TX_DONE;
		if (!eng_qp_tx_pull(c->qp, &seg)) {
			if (c->state != SCTP_C_CLOSING)
				return SCTP_TX_DONE;
			/* Drained: the last segments, then Terminate. */
			if (c->tx_queued > 0 &&
			    (r = sctp_tx_flush(as)) != SCTP_TX_MORE)
				return r;
			sctp_conn_terminate(c);
			continue;
		}
		/* The pull may have ended a session (an abortive close
		 * purges the batch): queue only for one still sending. */
		if (c->dead || c->qp_closed || (c->state != SCTP_C_FULL &&
		    c->state != SCTP_C_CLOSING))
			continue;
		b->slot[b->n].c = c;
		b->slot[b->n].seg = seg;
		b->n++;
		c->tx_queued++;
	}
	return c->dead ? SCTP_TX_DONE : SCTP_TX_MORE;
}

/* The socket is writable: serve the queue round robin, then send what
 * was pulled (also what an earlier full socket left in the batch). */
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
		if ((c = TAILQ_FIRST(&as->txq)) == NULL)
			break;
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
	switch (sctp_tx_flush(as)) {
	case SCTP_TX_FULL:
		event_add(as->ev_write, NULL);
		return;
	case SCTP_TX_LOST:
		sctp_asoc_lost(as, strerror(errno));
		return;
	default:
		break;
	}
	if (TAILQ_EMPTY(&as->txq))
		event_del(as->ev_write);
	else
		event_add(as->ev_write, NULL);
}
