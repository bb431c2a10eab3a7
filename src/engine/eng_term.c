/* eng_term.c — Terminate: first error per QP, send it, receive one. */
#include "config.h"

#include <string.h>

#include "engine/eng_int.h"

/*
 * Local completion status for a Terminate the peer sent about one of our
 * messages: protection errors (RDMAP Remote Protection, DDP tagged) are
 * remote access errors, DDP untagged errors (no buffer, too long, MSN)
 * mean our request was invalid for the peer, the rest are remote
 * operation errors; LLP errors mean the connection failed.
 */
uint16_t
term_wc_status(const struct term_triple *t)
{
	switch (t->layer) {
	case TERM_LAYER_RDMAP:
		return t->etype == RDMAP_ETYPE_REMOTE_PROT ?
		    RDMAD_WC_REM_ACCESS_ERR : RDMAD_WC_REM_OP_ERR;
	case TERM_LAYER_DDP:
		if (t->etype == DDP_ETYPE_TAGGED)
			return RDMAD_WC_REM_ACCESS_ERR;
		if (t->etype == DDP_ETYPE_UNTAGGED)
			return RDMAD_WC_REM_INV_REQ_ERR;
		return RDMAD_WC_REM_OP_ERR;
	default:
		return RDMAD_WC_TRANSPORT_ERR;
	}
}

/*
 * Record the QP's first error (RFC 5040 §7.1 rule 4) and build its
 * Terminate from the offending segment's header (Figure 10, src/wire
 * rdmap_term_build), without changing state yet: a failing receive
 * completes with the triple in its CQE before the flush.
 */
void
term_record(struct eng_qp *qp, enum wire_err err, const uint8_t *hdr,
    size_t avail, size_t seg_len)
{
	struct term_triple t;

	if (qp->term_set)
		return;
	if (term_triple_of(err, &t) != 0)
		t = (struct term_triple){ TERM_LAYER_RDMAP,
		    RDMAP_ETYPE_CATASTROPHIC, 0 };
	qp->term = t;
	qp->term_set = true;
	qp->term_sent = true;
	rdmap_term_build(&qp->term_msg, &t, hdr, avail, seg_len);
	eng_log(qp->owner->e, 4, "qp %u: Terminate %u/%u/0x%02x: %s",
	    qp->qp_num, t.layer, t.etype, t.ecode, term_err_text(err));
}

/*
 * The QP hit an error: record it, stop placing (RFC 5041 §7.1: later
 * segments are dropped), flush all outstanding work, and send the
 * Terminate as the last message of the stream (§5.4) when a stream is
 * up: TERMINATE now, ERROR once it is out (eng_qp_tx_done).  The caller
 * has already given the failing WR or receive its own status.
 */
void
term_fatal(struct eng_qp *qp, enum wire_err err, const uint8_t *hdr,
    size_t avail, size_t seg_len)
{
	bool can_send;

	if (qp->state == ENG_QPS_TERMINATE || qp->state == ENG_QPS_ERROR)
		return;
	term_record(qp, err, hdr, avail, seg_len);
	qp->rx_drop = true;
	qp->cur_valid = false;
	can_send = qp->llp_ops != NULL && qp->term_sent &&
	    (qp->state == ENG_QPS_RTS || qp->state == ENG_QPS_CLOSING);
	if (can_send) {
		qp->term_queued = true;
		qp_set_state(qp, ENG_QPS_TERMINATE);
	} else
		qp_set_state(qp, ENG_QPS_ERROR);
	qp_flush(qp);
	if (can_send)
		qp_kick(qp);
}

/* Put our Terminate (QN 2, RFC 5040 §5.4) into *seg. */
bool
term_pull(struct eng_qp *qp, struct eng_seg *seg)
{
	struct rdmap_seg s;
	int n;

	rdmap_seg_init(&s, RDMAP_OP_TERMINATE);
	s.ddp.msn = qp->tx_msn[RDMAP_QN_TERMINATE]++;
	s.u.term = qp->term_msg;
	n = rdmap_encode(&s, seg->hdr, sizeof(seg->hdr));
	if (n < 0) {
		/* Cannot happen for a built Terminate; send it bare. */
		memset(&s.u.term, 0, sizeof(s.u.term));
		s.u.term.triple = qp->term;
		n = rdmap_encode(&s, seg->hdr, sizeof(seg->hdr));
	}
	seg->hdr_len = n < 0 ? 0 : (size_t)n;
	seg->iovcnt = 0;
	seg->payload_len = 0;
	seg->cookie = ++qp->tx_seq;
	qp->term_seq = seg->cookie;
	qp->term_pulled = true;
	qp->st.tx_segments++;
	qp->st.terms_tx++;
	qp->st.ops_tx[RDMAP_OP_TERMINATE]++;
	return true;
}

/*
 * The peer sent a Terminate (RFC 5040 §5.4, §6.2.1): record its triple,
 * fail the oldest of our operations already on the wire with the status
 * it implies, flush the rest and go to ERROR.  No Terminate is sent back.
 */
void
term_received(struct eng_qp *qp, const struct rdmap_term *t)
{
	struct eng_wr *wr;

	qp->st.terms_rx++;
	eng_log(qp->owner->e, 4, "qp %u: Terminate received: %s",
	    qp->qp_num, term_triple_text(&t->triple));
	qp->rx_drop = true;
	qp->cur_valid = false;
	if (qp->term_set)
		return;			/* ours went first */
	qp->term = t->triple;
	qp->term_set = true;
	qp->term_sent = false;
	TAILQ_FOREACH(wr, &qp->sq, entry) {
		if (wr->state == ENG_WR_DONE)
			continue;
		if (wr->state != ENG_WR_QUEUED) {
			wr->state = ENG_WR_DONE;
			wr->status = term_wc_status(&t->triple);
		}
		break;
	}
	qp_set_state(qp, ENG_QPS_ERROR);
	qp_flush(qp);
}
