/* tx.c — send queue processing: WR validation and segment generation. */
#include "config.h"

#include <string.h>

#include "common/buf.h"
#include "engine/eng_int.h"

#define TX_WR_FLAGS	(RDMAD_SHM_WR_SIGNALED | RDMAD_SHM_WR_SOLICITED | \
			 RDMAD_SHM_WR_FENCE)

/* Does this WR wait for a Read or Atomic Response (ORD, RFC 5040 §6.1)? */
static bool
tx_is_req(const struct eng_wr *wr)
{
	return wr->sqe.opcode == RDMAD_SHM_OP_READ ||
	    wr->sqe.opcode == RDMAD_SHM_OP_FETCH_ADD ||
	    wr->sqe.opcode == RDMAD_SHM_OP_CMP_SWAP;
}

/*
 * Validate a WR from its private copy and resolve its local memory, at
 * the moment it starts (so that a Local Invalidate earlier in the queue
 * is seen).  Local operations run here.  Returns 0 or an RDMAD_WC_*
 * error status.
 */
static int
tx_wr_start(struct eng_qp *qp, struct eng_wr *wr)
{
	const struct rdmad_shm_sqe *q = &wr->sqe;
	uint32_t hdr;
	int rc;

	if (q->num_sge > RDMAD_SHM_MAX_SGE || (q->wr_flags & ~TX_WR_FLAGS))
		return RDMAD_WC_LOC_QP_OP_ERR;
	switch (q->opcode) {
	case RDMAD_SHM_OP_SEND:
	case RDMAD_SHM_OP_SEND_INV:
		if ((rc = stag_sgl(qp, q->sge, q->num_sge, 0, &wr->sgl)) != 0)
			return rc;
		hdr = DDP_UNTAGGED_HDR_LEN;
		break;
	case RDMAD_SHM_OP_WRITE:
	case RDMAD_SHM_OP_WRITE_IMM:
		if ((rc = stag_sgl(qp, q->sge, q->num_sge, 0, &wr->sgl)) != 0)
			return rc;
		/* Never send a Write whose TO would wrap (RFC 5041 §7.1). */
		if (ddp_check_to_wrap(q->remote_addr, wr->sgl.total) != WIRE_OK)
			return RDMAD_WC_LOC_QP_OP_ERR;
		hdr = DDP_TAGGED_HDR_LEN;
		break;
	case RDMAD_SHM_OP_READ:
		/* One sink buffer: a Read Request names one sink STag. */
		if (q->num_sge > 1)
			return RDMAD_WC_LOC_QP_OP_ERR;
		if ((rc = stag_sgl(qp, q->sge, q->num_sge,
		    ENG_ACCESS_LOCAL_WRITE, &wr->sgl)) != 0)
			return rc;
		wr->resp = true;
		hdr = DDP_UNTAGGED_HDR_LEN + RDMAP_READ_REQ_HDR_LEN;
		break;
	case RDMAD_SHM_OP_FETCH_ADD:
	case RDMAD_SHM_OP_CMP_SWAP:
		/* The 8-octet original value lands in sge[0]. */
		if (q->num_sge != 1 || q->sge[0].length != 8)
			return RDMAD_WC_LOC_QP_OP_ERR;
		if ((rc = stag_sgl(qp, q->sge, 1, ENG_ACCESS_LOCAL_WRITE,
		    &wr->sgl)) != 0)
			return rc;
		wr->resp = true;
		hdr = DDP_UNTAGGED_HDR_LEN + RDMAP_ATOMIC_REQ_HDR_LEN;
		break;
	case RDMAD_SHM_OP_IMM:
		hdr = DDP_UNTAGGED_HDR_LEN + RDMAP_IMM_HDR_LEN;
		break;
	case RDMAD_SHM_OP_LOCAL_INV:
		return stag_local_inv(qp, q->rkey);
	case RDMAD_SHM_OP_BIND_MW:
		return stag_bind(qp, q);
	default:
		return RDMAD_WC_LOC_QP_OP_ERR;
	}
	/* RFC 5041 §5.2: segment to the transport's MULPDU. */
	ddp_seg_iter_init(&wr->it, wr->sgl.total,
	    ddp_seg_payload_max((uint32_t)qp->max_seg, hdr));
	wr->byte_len = wr->sgl.total;
	wr->state = ENG_WR_ACTIVE;
	return 0;
}

/* The WR has handed out its last segment. */
static void
tx_wr_pulled(struct eng_qp *qp, struct eng_wr *wr)
{
	wr->state = ENG_WR_WAIT;
	wr->last_seq = qp->tx_seq;
	qp->txwr = TAILQ_NEXT(wr, entry);
	if (wr->resp)
		qp->ord_out++;
}

/* Fill the segment of a one-segment message (Read Req, Immediate, atomic). */
static void
tx_fixed(struct eng_qp *qp, struct eng_wr *wr, struct rdmap_seg *s)
{
	const struct rdmad_shm_sqe *q = &wr->sqe;
	struct rdmap_atomic_req *aq = &s->u.atomic_req;
	struct rdmap_read_req *rr = &s->u.read_req;
	bool se = (q->wr_flags & RDMAD_SHM_WR_SOLICITED) != 0;

	switch (q->opcode) {
	case RDMAD_SHM_OP_READ:
		rdmap_seg_init(s, RDMAP_OP_READ_REQ);
		s->ddp.msn = qp->tx_msn[RDMAP_QN_READ_REQ]++;
		rr->sink_stag = q->num_sge ? q->sge[0].lkey : 0;
		rr->sink_to = q->num_sge ? q->sge[0].addr : 0;
		rr->size = wr->sgl.total;
		rr->src_stag = q->rkey;
		rr->src_to = q->remote_addr;
		break;
	case RDMAD_SHM_OP_FETCH_ADD:
	case RDMAD_SHM_OP_CMP_SWAP:
		/* RFC 7306 §5.2.1; verbs semantics: unmasked operations. */
		rdmap_seg_init(s, RDMAP_OP_ATOMIC_REQ);
		wr->req_id = qp->tx_msn[RDMAP_QN_READ_REQ];
		s->ddp.msn = qp->tx_msn[RDMAP_QN_READ_REQ]++;
		aq->req_id = wr->req_id;
		aq->stag = q->rkey;
		aq->to = q->remote_addr;
		if (q->opcode == RDMAD_SHM_OP_FETCH_ADD) {
			aq->add_swap = q->compare_add;
			aq->add_swap_mask = 0;	/* one 64-bit field */
		} else {
			aq->aopcode = RDMAP_AOP_CMPSWAP;
			aq->add_swap = q->swap;
			aq->add_swap_mask = UINT64_MAX;
			aq->cmp = q->compare_add;
		}
		aq->cmp_mask = UINT64_MAX;
		break;
	default:		/* Immediate Data, RFC 7306 §6 */
		rdmap_seg_init(s, se ? RDMAP_OP_IMM_SE : RDMAP_OP_IMM);
		s->ddp.msn = qp->tx_msn[RDMAP_QN_SEND]++;
		buf_store_be32(s->u.imm.raw, (uint32_t)(q->imm_data >> 32));
		buf_store_be32(s->u.imm.raw + 4, (uint32_t)q->imm_data);
		break;
	}
}

/* Opcode of the message a Send-class WR sends (RFC 5040 §4.1). */
static unsigned int
tx_send_op(const struct rdmad_shm_sqe *q)
{
	bool se = (q->wr_flags & RDMAD_SHM_WR_SOLICITED) != 0;

	if (q->opcode == RDMAD_SHM_OP_SEND_INV)
		return se ? RDMAP_OP_SEND_SE_INV : RDMAP_OP_SEND_INV;
	return se ? RDMAP_OP_SEND_SE : RDMAP_OP_SEND;
}

/* Produce the next segment of an active WR into *seg. */
static void
tx_wr_seg(struct eng_qp *qp, struct eng_wr *wr, struct eng_seg *seg)
{
	const struct rdmad_shm_sqe *q = &wr->sqe;
	struct ddp_seg_step st = { 0, 0, true };
	struct rdmap_seg s;
	bool msg_end = true, wr_end = true;
	int n;

	switch (q->opcode) {
	case RDMAD_SHM_OP_SEND:
	case RDMAD_SHM_OP_SEND_INV:
	case RDMAD_SHM_OP_WRITE:
	case RDMAD_SHM_OP_WRITE_IMM:
		if (q->opcode == RDMAD_SHM_OP_WRITE_IMM && wr->phase == 1) {
			tx_fixed(qp, wr, &s);
			break;
		}
		(void)ddp_seg_iter_next(&wr->it, &st);
		if (q->opcode == RDMAD_SHM_OP_WRITE ||
		    q->opcode == RDMAD_SHM_OP_WRITE_IMM) {
			rdmap_seg_init(&s, RDMAP_OP_WRITE);
			s.ddp.stag = q->rkey;
			s.ddp.to = q->remote_addr + st.off;
		} else {
			rdmap_seg_init(&s, tx_send_op(q));
			s.ddp.msn = qp->tx_msn[RDMAP_QN_SEND];
			s.ddp.mo = st.off;
			if (q->opcode == RDMAD_SHM_OP_SEND_INV)
				s.ddp.inv_stag = q->rkey;
		}
		s.ddp.last = st.last;
		n = eng_sgl_iov(&wr->sgl, st.off, st.len, seg->iov,
		    ENG_SEG_IOV_MAX);
		seg->iovcnt = n < 0 ? 0 : n;
		seg->payload_len = st.len;
		msg_end = st.last;
		if (st.last && !s.ddp.tagged)
			qp->tx_msn[RDMAP_QN_SEND]++;
		if (st.last && q->opcode == RDMAD_SHM_OP_WRITE_IMM) {
			wr->phase = 1;		/* the Immediate Data follows */
			wr_end = false;
		}
		break;
	default:
		tx_fixed(qp, wr, &s);
		break;
	}
	n = rdmap_encode(&s, seg->hdr, sizeof(seg->hdr));
	seg->hdr_len = n < 0 ? 0 : (size_t)n;
	seg->cookie = ++qp->tx_seq;
	qp->st.tx_segments++;
	qp->st.tx_bytes += seg->payload_len;
	if (msg_end)
		qp->st.ops_tx[s.opcode]++;
	if (msg_end && wr_end)
		tx_wr_pulled(qp, wr);
}

/* The next segment of the send queue, honouring Fence and ORD. */
static bool
tx_sq_pull(struct eng_qp *qp, struct eng_seg *seg)
{
	struct eng_wr *wr;
	int rc;

	while ((wr = qp->txwr) != NULL) {
		if (wr->state == ENG_WR_QUEUED) {
			/* Fence: wait for prior Reads/atomics to complete. */
			if ((wr->sqe.wr_flags & RDMAD_SHM_WR_FENCE) &&
			    qp->ord_out > 0)
				return false;
			/* RFC 5040 §6.1: never more than ORD outstanding
			 * (ORD 0: no Read can ever go, the WR fails). */
			if (tx_is_req(wr) && qp->ord > 0 &&
			    qp->ord_out >= qp->ord)
				return false;
			rc = tx_is_req(wr) && qp->ord == 0 ?
			    RDMAD_WC_LOC_QP_OP_ERR : tx_wr_start(qp, wr);
			if (rc != 0) {
				/* RFC 5040 §7.1 case 1: Terminate instead. */
				wr->state = ENG_WR_DONE;
				wr->status = (uint16_t)rc;
				qp->txwr = TAILQ_NEXT(wr, entry);
				eng_log(qp->owner->e, 4, "qp %u: bad WR, "
				    "opcode %u status %d", qp->qp_num,
				    wr->sqe.opcode, rc);
				term_fatal(qp, WIRE_E_RDMAP_LOCAL_CATA, NULL,
				    0, 0);
				if (qp->term_queued && !qp->term_pulled)
					return term_pull(qp, seg);
				return false;
			}
			if (wr->state == ENG_WR_QUEUED) {
				/* A local operation: done at once. */
				wr->state = ENG_WR_DONE;
				qp->txwr = TAILQ_NEXT(wr, entry);
				qp_sq_complete(qp);
				continue;
			}
		}
		tx_wr_seg(qp, wr, seg);
		return true;
	}
	return false;
}

bool
eng_qp_tx_pull(struct eng_qp *qp, struct eng_seg *seg)
{
	bool ok = false;

	memset(seg, 0, sizeof(*seg));
	qp->in_pull = true;
	if (qp->term_queued && !qp->term_pulled)
		ok = term_pull(qp, seg);
	else if (qp->state == ENG_QPS_RTS || qp->state == ENG_QPS_CLOSING) {
		/* Responses first: they hold the peer's ORD credits. */
		ok = rd_pull(qp, seg);
		if (!ok)
			ok = tx_sq_pull(qp, seg);
	}
	qp->in_pull = false;
	if (ok)
		qp->owner->e->work++;
	eng_sweep(qp->owner);
	return ok;
}

/*
 * Segments up to `cookie` reached the lower layer (cookies are
 * increasing; the transport reports them in order).  A Send or Write is
 * complete once its last segment is out (RFC 5040 §5.5 rule 14); after
 * our Terminate is out the QP is in error and the stream is closed
 * gracefully so that the Terminate arrives (RFC 5040 §6.2.1).
 */
void
eng_qp_tx_done(struct eng_qp *qp, uint64_t cookie)
{
	struct eng_wr *wr;

	if (cookie > qp->tx_seq)
		return;			/* never handed out */
	if (cookie > qp->done_seq)
		qp->done_seq = cookie;
	/* WRs leave the pull in order: stop at the first one still out. */
	TAILQ_FOREACH(wr, &qp->sq, entry) {
		if (wr->state == ENG_WR_QUEUED || wr->state == ENG_WR_ACTIVE)
			break;
		if (wr->state != ENG_WR_WAIT || wr->resp)
			continue;
		if (wr->last_seq > qp->done_seq)
			break;
		wr->state = ENG_WR_DONE;
	}
	qp_sq_complete(qp);
	if (qp->term_pulled && qp->done_seq >= qp->term_seq &&
	    qp->state == ENG_QPS_TERMINATE) {
		qp_set_state(qp, ENG_QPS_ERROR);
		if (qp->llp_ops != NULL && !qp->closing_sent) {
			qp->closing_sent = true;
			qp->llp_ops->close(qp->llp, false);
		}
	}
	tx_check_idle(qp);
	eng_sweep(qp->owner);
}

/* Graceful disconnect: close once the queues have drained. */
void
tx_check_idle(struct eng_qp *qp)
{
	if (qp->state != ENG_QPS_CLOSING || qp->closing_sent)
		return;
	if (!TAILQ_EMPTY(&qp->sq) || !TAILQ_EMPTY(&qp->rsp) ||
	    qp->done_seq != qp->tx_seq)
		return;
	qp->closing_sent = true;
	if (qp->llp_ops != NULL)
		qp->llp_ops->close(qp->llp, false);
}
