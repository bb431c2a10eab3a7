/* cq.c — completion queues: CQE publication, overflow, notification. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/eng_int.h"

int
eng_cq_create(struct eng_owner *o, struct rdmad_shm_cq_ctrl *ctrl,
    struct rdmad_shm_cqe *ring, uint32_t depth, uint32_t cq_num,
    struct eng_cq **cqp)
{
	struct eng_cq *cq;

	*cqp = NULL;
	if (ctrl == NULL || ring == NULL || depth == 0 ||
	    depth > o->e->lim.max_cq_depth)
		return -EINVAL;
	if (o->ncq >= o->e->lim.max_cq)
		return -ENOSPC;
	if ((cq = calloc(1, sizeof(*cq))) == NULL)
		return -ENOMEM;
	cq->owner = o;
	cq->ctrl = ctrl;
	cq->ring = ring;
	cq->depth = depth;
	cq->cq_num = cq_num;
	TAILQ_INSERT_TAIL(&o->cqs, cq, entry);
	o->ncq++;
	*cqp = cq;
	return 0;
}

int
eng_cq_destroy(struct eng_cq *cq)
{
	if (cq->refs != 0)
		return -EBUSY;
	TAILQ_REMOVE(&cq->owner->cqs, cq, entry);
	cq->owner->ncq--;
	free(cq);
	return 0;
}

void *
eng_cq_cookie(struct eng_cq *cq)
{
	return cq->cookie;
}

void
eng_cq_set_cookie(struct eng_cq *cq, void *cookie)
{
	cq->cookie = cookie;
}

/* Free every CQ of a dying owner (its QPs are gone already). */
void
cq_free_all(struct eng_owner *o)
{
	struct eng_cq *cq;

	while ((cq = TAILQ_FIRST(&o->cqs)) != NULL) {
		cq->refs = 0;
		eng_cq_destroy(cq);
	}
}

/*
 * Notify the client if it armed the CQ for this completion: the daemon
 * half of the shm_abi.h handshake (publish; seq_cst fence; load armed;
 * exchange it with 0 and signal only if it was still set).
 */
static void
cq_maybe_notify(struct eng_cq *cq, bool solicited, bool error)
{
	struct eng *e = cq->owner->e;
	uint32_t armed;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	armed = ENG_LOAD_ACQ(&cq->ctrl->armed);
	if (!(armed & RDMAD_SHM_ARM_NEXT) &&
	    !((armed & RDMAD_SHM_ARM_SOLICITED) && (solicited || error)))
		return;
	/* Disarm; the client re-arms after each notification. */
	if (__atomic_exchange_n(&cq->ctrl->armed, 0u, __ATOMIC_ACQ_REL) == 0)
		return;
	if (e->env.cq_notify != NULL)
		e->env.cq_notify(e->env.arg, cq);
}

/*
 * Write one completion at the private index.  The slot must have been
 * consumed (VALID clear); otherwise the CQ has overflowed: it is marked
 * dead (ctrl->overflow set, later CQEs dropped) and every QP using it
 * goes to the error state at the end of the current call (eng_sweep).
 */
void
cq_post(struct eng_cq *cq, const struct rdmad_shm_cqe *c, bool solicited)
{
	struct rdmad_shm_cqe *slot;
	struct eng_qp *qp;
	struct eng *e = cq->owner->e;

	if (cq->dead || cq->owner->dying)
		return;
	slot = &cq->ring[cq->idx % cq->depth];
	if (ENG_LOAD_ACQ(&slot->flags) & RDMAD_SHM_VALID) {
		cq->dead = true;
		ENG_STORE_REL(&cq->ctrl->overflow, 1u);
		eng_log(e, 3, "cq %u: overflow", cq->cq_num);
		TAILQ_FOREACH(qp, &cq->owner->qps, entry)
			if (qp->scq == cq || qp->rcq == cq)
				eng_qp_flag(qp);
		if (e->env.cq_notify != NULL)
			e->env.cq_notify(e->env.arg, cq);
		return;
	}
	memcpy(slot, c, sizeof(*slot));
	slot->flags = 0;
	/* shm_abi.h: fill the slot, then publish VALID with release. */
	ENG_STORE_REL(&slot->flags, RDMAD_SHM_VALID);
	cq->idx++;
	cq_maybe_notify(cq, solicited, c->status != RDMAD_WC_SUCCESS);
}
