/* qp.c — queue pairs: life cycle, state, SQ/RQ intake, completions, flush. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/eng_int.h"

/* RDMAD_QPS_* value mirrored in the control page for each state. */
static uint32_t
qp_abi_state(enum eng_qp_state s)
{
	switch (s) {
	case ENG_QPS_IDLE:
		return RDMAD_QPS_IDLE;
	case ENG_QPS_RTS:
		return RDMAD_QPS_RTS;
	case ENG_QPS_CLOSING:
		return RDMAD_QPS_CLOSING;
	case ENG_QPS_TERMINATE:
		return RDMAD_QPS_TERMINATE;
	default:
		return RDMAD_QPS_ERROR;
	}
}

void
qp_set_state(struct eng_qp *qp, enum eng_qp_state s)
{
	struct eng *e = qp->owner->e;

	if (qp->state == s)
		return;
	qp->state = s;
	__atomic_store_n(&qp->r.ctrl->state, qp_abi_state(s),
	    __ATOMIC_RELEASE);
	if (e->env.qp_state != NULL && !qp->owner->dying)
		e->env.qp_state(e->env.arg, qp);
}

/* Ask the transport to pull, if there is one and it may send. */
void
qp_kick(struct eng_qp *qp)
{
	/* Inside tx_pull the transport pulls again by itself. */
	if (qp->llp_ops == NULL || qp->in_pull)
		return;
	if (qp->state == ENG_QPS_RTS || qp->state == ENG_QPS_CLOSING ||
	    (qp->state == ENG_QPS_TERMINATE && !qp->term_pulled))
		qp->llp_ops->kick(qp->llp);
}

int
eng_qp_create(struct eng_pd *pd, struct eng_cq *scq, struct eng_cq *rcq,
    const struct eng_qp_rings *rings, uint32_t qp_num, struct eng_qp **qpp)
{
	struct eng_owner *o = pd->owner;
	struct eng_qp *qp;
	int i;

	*qpp = NULL;
	/* One owner can never use another owner's PD or CQ. */
	if (scq == NULL || rcq == NULL || scq->owner != o ||
	    rcq->owner != o || rings == NULL)
		return -EINVAL;
	if (rings->ctrl == NULL || rings->sq == NULL || rings->rq == NULL ||
	    rings->sq_depth == 0 || rings->rq_depth == 0 ||
	    rings->sq_depth > o->e->lim.max_wr ||
	    rings->rq_depth > o->e->lim.max_wr)
		return -EINVAL;
	if (o->nqp >= o->e->lim.max_qp)
		return -ENOSPC;
	if ((qp = calloc(1, sizeof(*qp))) == NULL)
		return -ENOMEM;
	qp->owner = o;
	qp->pd = pd;
	qp->scq = scq;
	qp->rcq = rcq;
	qp->r = *rings;
	qp->qp_num = qp_num;
	TAILQ_INIT(&qp->sq);
	TAILQ_INIT(&qp->rsp);
	/* RFC 5041 §4.3: the first MSN of every queue is 1. */
	for (i = 0; i < (int)RDMAP_QN_COUNT; i++)
		qp->tx_msn[i] = qp->rx_msn[i] = DDP_MSN_INITIAL;
	eng_pd_ref(pd);
	scq->refs++;
	rcq->refs++;
	TAILQ_INSERT_TAIL(&o->qps, qp, entry);
	o->nqp++;
	*qpp = qp;
	return 0;
}

int
eng_qp_connect(struct eng_qp *qp, const struct eng_llp_ops *ops, void *llp,
    uint32_t ord, uint32_t ird, size_t max_seg)
{
	const struct eng_limits *lim = &qp->owner->e->lim;

	if (qp->state != ENG_QPS_IDLE)
		return -EINVAL;
	if (ops == NULL || ops->kick == NULL || ops->close == NULL)
		return -EINVAL;
	if (ord > lim->max_ord || ird > lim->max_ird)
		return -EINVAL;
	/* Fixed-size messages are never split (src/wire/rdmap.h). */
	if (max_seg <= RDMAP_HDR_MAX_LEN || max_seg > UINT32_MAX)
		return -EINVAL;
	qp->llp_ops = ops;
	qp->llp = llp;
	qp->ord = ord;
	qp->ird = ird;
	qp->max_seg = max_seg;
	qp_set_state(qp, ENG_QPS_RTS);
	qp_sq_intake(qp);
	qp_kick(qp);
	return 0;
}

void
eng_qp_disconnect(struct eng_qp *qp)
{
	if (qp->state == ENG_QPS_RTS) {
		qp_set_state(qp, ENG_QPS_CLOSING);
		tx_check_idle(qp);
	} else if (qp->state == ENG_QPS_IDLE) {
		qp_set_state(qp, ENG_QPS_ERROR);
		qp_flush(qp);
	}
	eng_sweep(qp->owner);
}

/* Free one QP; the caller detached (or closed) its transport. */
static void
qp_free(struct eng_qp *qp)
{
	struct eng_owner *o = qp->owner;
	struct eng_wr *wr;

	if (qp->state != ENG_QPS_ERROR)
		qp_set_state(qp, ENG_QPS_ERROR);
	qp_flush(qp);
	while ((wr = TAILQ_FIRST(&qp->sq)) != NULL) {
		TAILQ_REMOVE(&qp->sq, wr, entry);
		free(wr);
	}
	rd_free(qp);
	stag_qp_gone(qp);
	qp->scq->refs--;
	qp->rcq->refs--;
	eng_pd_unref(qp->pd);
	eng_qp_unflag(qp);
	TAILQ_REMOVE(&o->qps, qp, entry);
	o->nqp--;
	free(qp);
}

void
eng_qp_destroy(struct eng_qp *qp)
{
	struct eng_owner *o = qp->owner;

	qp->llp_ops = NULL;
	qp_free(qp);
	eng_sweep(o);
}

/* Owner teardown: close every stream abortively, then free the QPs. */
void
qp_free_all(struct eng_owner *o)
{
	struct eng_qp *qp;
	const struct eng_llp_ops *ops;

	while ((qp = TAILQ_FIRST(&o->qps)) != NULL) {
		ops = qp->llp_ops;
		qp->llp_ops = NULL;
		if (ops != NULL)
			ops->close(qp->llp, true);	/* RFC 5040 §6.2.1 */
		qp_free(qp);
	}
}

enum eng_qp_state
eng_qp_state(const struct eng_qp *qp)
{
	return qp->state;
}

bool
eng_qp_term(const struct eng_qp *qp, struct term_triple *t, bool *sent)
{
	if (!qp->term_set)
		return false;
	if (t != NULL)
		*t = qp->term;
	if (sent != NULL)
		*sent = qp->term_sent;
	return true;
}

void *
eng_qp_cookie(struct eng_qp *qp)
{
	return qp->cookie;
}

void
eng_qp_set_cookie(struct eng_qp *qp, void *cookie)
{
	qp->cookie = cookie;
}

void
eng_qp_get_stats(const struct eng_qp *qp, struct eng_qp_stats *st)
{
	*st = qp->st;
}

/* CQE term field: the QP's Terminate triple, or RDMAD_SHM_TERM_NONE. */
uint32_t
qp_term_word(const struct eng_qp *qp)
{
	if (!qp->term_set)
		return RDMAD_SHM_TERM_NONE;
	return (uint32_t)qp->term.layer << 16 |
	    (uint32_t)qp->term.etype << 8 | qp->term.ecode;
}

/*
 * Take new SQEs: copy each out of shared memory first (the slot is never
 * read again), then clear VALID with a release store, but only while the
 * QP's own work list has room: a client can never make the daemon hold
 * more than sq_depth WRs.  Validation happens when a WR starts (tx.c).
 */
void
qp_sq_intake(struct eng_qp *qp)
{
	struct rdmad_shm_sqe *slot;
	struct eng_wr *wr;

	while (qp->sq_count < qp->r.sq_depth) {
		slot = &qp->r.sq[qp->sq_idx % qp->r.sq_depth];
		if (!(ENG_LOAD_ACQ(&slot->flags) & RDMAD_SHM_VALID))
			break;
		if ((wr = calloc(1, sizeof(*wr))) == NULL)
			break;		/* retried at the next doorbell */
		memcpy(&wr->sqe, slot, sizeof(wr->sqe));
		ENG_STORE_REL(&slot->flags, 0u);
		qp->sq_idx++;
		TAILQ_INSERT_TAIL(&qp->sq, wr, entry);
		qp->sq_count++;
		if (qp->state == ENG_QPS_TERMINATE ||
		    qp->state == ENG_QPS_ERROR) {
			wr->state = ENG_WR_DONE;
			wr->status = RDMAD_WC_WR_FLUSH_ERR;
		} else if (qp->txwr == NULL)
			qp->txwr = wr;
	}
}

/* CQE opcode of a send queue opcode. */
static uint16_t
qp_wc_opcode(uint16_t op)
{
	static const uint16_t map[] = {
		[RDMAD_SHM_OP_SEND] = RDMAD_SHM_WC_SEND,
		[RDMAD_SHM_OP_SEND_INV] = RDMAD_SHM_WC_SEND,
		[RDMAD_SHM_OP_WRITE] = RDMAD_SHM_WC_WRITE,
		[RDMAD_SHM_OP_WRITE_IMM] = RDMAD_SHM_WC_WRITE,
		[RDMAD_SHM_OP_READ] = RDMAD_SHM_WC_READ,
		[RDMAD_SHM_OP_IMM] = RDMAD_SHM_WC_IMM,
		[RDMAD_SHM_OP_FETCH_ADD] = RDMAD_SHM_WC_FETCH_ADD,
		[RDMAD_SHM_OP_CMP_SWAP] = RDMAD_SHM_WC_CMP_SWAP,
		[RDMAD_SHM_OP_LOCAL_INV] = RDMAD_SHM_WC_LOCAL_INV,
		[RDMAD_SHM_OP_BIND_MW] = RDMAD_SHM_WC_BIND_MW,
	};

	return op < sizeof(map) / sizeof(map[0]) ? map[op] :
	    RDMAD_SHM_WC_SEND;
}

/*
 * Complete finished WRs from the head of the send queue, so completions
 * leave in submission order (RFC 5040 §5.5 rule 15).  Unsignaled
 * successful WRs produce no CQE.  Room freed: take more SQEs.
 */
void
qp_sq_complete(struct eng_qp *qp)
{
	struct rdmad_shm_cqe c;
	struct eng_wr *wr;
	uint32_t budget = 2 * qp->r.sq_depth;
	bool popped;

	/*
	 * The budget bounds the work of one call: a client refilling the
	 * ring of a QP in error as fast as it is flushed cannot keep the
	 * daemon here; the rest is taken at the next doorbell.
	 */
	do {
		popped = false;
		while (budget > 0 && (wr = TAILQ_FIRST(&qp->sq)) != NULL &&
		    wr->state == ENG_WR_DONE) {
			budget--;
			TAILQ_REMOVE(&qp->sq, wr, entry);
			qp->sq_count--;
			if (qp->txwr == wr)
				qp->txwr = TAILQ_FIRST(&qp->sq);
			popped = true;
			if (wr->status != RDMAD_WC_SUCCESS ||
			    (wr->sqe.wr_flags & RDMAD_SHM_WR_SIGNALED)) {
				memset(&c, 0, sizeof(c));
				c.opcode = qp_wc_opcode(wr->sqe.opcode);
				c.status = wr->status;
				c.wr_id = wr->sqe.wr_id;
				c.byte_len = wr->byte_len;
				c.qp_num = qp->qp_num;
				c.term = wr->status == RDMAD_WC_SUCCESS ?
				    RDMAD_SHM_TERM_NONE : qp_term_word(qp);
				cq_post(qp->scq, &c, false);
			}
			free(wr);
		}
		if (popped && budget > 0)
			qp_sq_intake(qp);
	} while (popped && budget > 0);
}

/* Write one receive completion for the active receive (or a flush). */
void
qp_recv_complete(struct eng_qp *qp, uint16_t status, uint16_t opcode,
    uint32_t len, uint32_t wc_flags, uint32_t inv, uint64_t imm)
{
	struct rdmad_shm_cqe c;

	memset(&c, 0, sizeof(c));
	c.opcode = opcode;
	c.status = status;
	c.wr_id = qp->rwr_id;
	c.byte_len = len;
	c.qp_num = qp->qp_num;
	c.wc_flags = wc_flags;
	c.inv_rkey = inv;
	c.imm_data = imm;
	c.term = status == RDMAD_WC_SUCCESS ? RDMAD_SHM_TERM_NONE :
	    qp_term_word(qp);
	qp->rqe_active = false;
	cq_post(qp->rcq, &c, (wc_flags & RDMAD_SHM_WC_SOLICITED) != 0);
}

/*
 * Make the next posted receive the active one: copy the RQE out, clear
 * VALID, then validate the copy (RFC 5041 §7.1 untagged check 2 needs a
 * buffer).  Returns 0 when none is posted; 1 with *status 0 or the
 * RDMAD_WC_* error of a malformed receive.
 */
int
qp_rqe_take(struct eng_qp *qp, uint16_t *status)
{
	struct rdmad_shm_rqe *slot, rqe;
	int rc;

	*status = RDMAD_WC_SUCCESS;
	slot = &qp->r.rq[qp->rq_idx % qp->r.rq_depth];
	if (!(ENG_LOAD_ACQ(&slot->flags) & RDMAD_SHM_VALID))
		return 0;
	memcpy(&rqe, slot, sizeof(rqe));
	ENG_STORE_REL(&slot->flags, 0u);
	qp->rq_idx++;
	qp->rqe_active = true;
	qp->rwr_id = rqe.wr_id;
	qp->rx_bytes = 0;
	if (rqe.num_sge > RDMAD_SHM_MAX_SGE) {
		memset(&qp->rsgl, 0, sizeof(qp->rsgl));
		*status = RDMAD_WC_LOC_QP_OP_ERR;
		return 1;
	}
	rc = stag_sgl(qp, rqe.sge, rqe.num_sge, ENG_ACCESS_LOCAL_WRITE,
	    &qp->rsgl);
	*status = (uint16_t)rc;
	return 1;
}

/*
 * Complete all outstanding work with WR_FLUSH_ERR: send queue WRs that
 * have no final status, inbound Read/atomic responses not yet sent, the
 * active receive and every receive posted in the ring (at most rq_depth
 * per call, so a client refilling it cannot keep the daemon here).
 */
void
qp_flush(struct eng_qp *qp)
{
	struct rdmad_shm_rqe *slot;
	struct eng_wr *wr;
	uint32_t n;

	TAILQ_FOREACH(wr, &qp->sq, entry) {
		if (wr->state == ENG_WR_DONE)
			continue;
		wr->state = ENG_WR_DONE;
		wr->status = RDMAD_WC_WR_FLUSH_ERR;
	}
	qp->txwr = NULL;
	qp->ord_out = 0;
	rd_free(qp);
	if (qp->rqe_active)
		qp_recv_complete(qp, RDMAD_WC_WR_FLUSH_ERR,
		    RDMAD_SHM_WC_RECV, 0, 0, 0, 0);
	for (n = 0; n < qp->r.rq_depth; n++) {
		slot = &qp->r.rq[qp->rq_idx % qp->r.rq_depth];
		if (!(ENG_LOAD_ACQ(&slot->flags) & RDMAD_SHM_VALID))
			break;
		qp->rwr_id = slot->wr_id;
		ENG_STORE_REL(&slot->flags, 0u);
		qp->rq_idx++;
		qp->rqe_active = true;
		qp_recv_complete(qp, RDMAD_WC_WR_FLUSH_ERR,
		    RDMAD_SHM_WC_RECV, 0, 0, 0, 0);
	}
	qp_sq_complete(qp);
}

void
eng_qp_doorbell(struct eng_qp *qp)
{
	qp->owner->e->work++;
	qp_sq_intake(qp);
	if (qp->state == ENG_QPS_ERROR || qp->state == ENG_QPS_TERMINATE)
		qp_flush(qp);
	else
		qp_kick(qp);
	eng_sweep(qp->owner);
}

void
eng_qp_llp_error(struct eng_qp *qp, enum wire_err err)
{
	term_fatal(qp, err, NULL, 0, 0);
	eng_sweep(qp->owner);
}

void
eng_qp_llp_closed(struct eng_qp *qp, bool orderly)
{
	qp->llp_ops = NULL;		/* the transport is detached */
	qp->rx_drop = true;
	if (qp->state != ENG_QPS_ERROR) {
		eng_log(qp->owner->e, 6, "qp %u: stream closed (%s)",
		    qp->qp_num, orderly ? "orderly" : "lost");
		qp_set_state(qp, ENG_QPS_ERROR);
	}
	qp_flush(qp);
	eng_sweep(qp->owner);
}
