/* test_eng_queue.c — ORD, Fence, ordering, flush, CQ, limits, teardown. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/eng_int.h"
#include "llp_pair.h"
#include "tutil.h"

#define ALL	(ENG_ACCESS_LOCAL_WRITE | ENG_ACCESS_REMOTE_WRITE | \
		 ENG_ACCESS_REMOTE_READ | ENG_ACCESS_REMOTE_ATOMIC)

static struct rdmad_shm_sqe
qu_sqe(uint16_t op, uint64_t wr_id, uint32_t flags)
{
	struct rdmad_shm_sqe q;

	memset(&q, 0, sizeof(q));
	q.opcode = op;
	q.wr_id = wr_id;
	q.wr_flags = flags | RDMAD_SHM_WR_SIGNALED;
	return q;
}

static void
qu_sge(struct llp_pair *p, struct rdmad_shm_sqe *q, int side, size_t off,
    uint32_t len, uint32_t lkey)
{
	q->sge[q->num_sge].addr = lp_va(p, side, off);
	q->sge[q->num_sge].length = len;
	q->sge[q->num_sge].lkey = lkey;
	q->num_sge++;
}

static struct llp_pair *
qu_world(struct lp_conf *c, uint32_t k[2])
{
	struct llp_pair *p = lp_new(c);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	k[0] = lp_reg(p, 0, 0, c->mem_len, ALL);
	k[1] = lp_reg(p, 1, 0, c->mem_len, ALL);
	lp_record(p, 0, true);
	lp_record(p, 1, true);
	return p;
}

/* Count recorded segments of opcode op sent by side. */
static int
qu_count(struct llp_pair *p, int side, unsigned int op)
{
	struct rdmap_seg s;
	const uint8_t *b;
	size_t len;
	int i, n = 0;

	for (i = 0; i < lp_nrec(p, side); i++) {
		b = lp_rec(p, side, i, &len);
		if (rdmap_decode(b, len, &s) == WIRE_OK && s.opcode == op)
			n++;
	}
	return n;
}

static void
qu_read(struct llp_pair *p, uint32_t k[2], uint64_t wr_id, size_t loc,
    size_t rem, uint32_t len, uint32_t flags)
{
	struct rdmad_shm_sqe q = qu_sqe(RDMAD_SHM_OP_READ, wr_id, flags);

	qu_sge(p, &q, 0, loc, len, k[0]);
	q.rkey = k[1];
	q.remote_addr = lp_va(p, 1, rem);
	CU_ASSERT(lp_post_send(p, 0, &q) == 0);
}

/* ORD 2: never more than 2 Read/atomic requests outstanding. */
static void
t_ord(void)
{
	struct lp_conf c;
	struct rdmad_shm_cqe cq[16];
	struct llp_pair *p;
	uint32_t k[2];
	int i;

	lp_conf_default(&c);
	c.ord = 2;
	p = qu_world(&c, k);
	lp_drop(p, 1, true);		/* responses never arrive */
	for (i = 0; i < 8; i++)
		qu_read(p, k, (uint64_t)i, 100 * (size_t)i, 1000,
		    50, 0);
	lp_run(p);
	CU_ASSERT(qu_count(p, 0, RDMAP_OP_READ_REQ) == 2);
	CU_ASSERT(lp_poll(p, 0, cq, 16) == 0);
	lp_free(p);

	/* Responses flowing: all 8 complete, in order, with the data. */
	p = qu_world(&c, k);
	for (i = 0; i < 2000; i++)
		lp_mem(p, 1)[1000 + i] = (uint8_t)(i * 7);
	for (i = 0; i < 8; i++)
		qu_read(p, k, (uint64_t)i, 100 * (size_t)i,
		    1000 + 50 * (size_t)i, 50, 0);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 0, cq, 16) == 8);
	for (i = 0; i < 8; i++) {
		CU_ASSERT(cq[i].wr_id == (uint64_t)i);
		CU_ASSERT(cq[i].status == RDMAD_WC_SUCCESS);
	}
	CU_ASSERT(memcmp(lp_mem(p, 0), lp_mem(p, 1) + 1000, 50) == 0);
	CU_ASSERT(memcmp(lp_mem(p, 0) + 700, lp_mem(p, 1) + 1350, 50) == 0);
	CU_ASSERT(qu_count(p, 0, RDMAP_OP_READ_REQ) == 8);
	/* The responder never held more than IRD: it answered each. */
	CU_ASSERT(qu_count(p, 1, RDMAP_OP_READ_RESP) == 8);
	lp_free(p);

	/* ORD 0: a Read can never go; it fails instead of hanging. */
	c.ord = 0;
	p = qu_world(&c, k);
	qu_read(p, k, 5, 0, 1000, 50, 0);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 0, cq, 16) == 1);
	CU_ASSERT(cq[0].wr_id == 5);
	CU_ASSERT(cq[0].status == RDMAD_WC_LOC_QP_OP_ERR);
	CU_ASSERT(qu_count(p, 0, RDMAP_OP_READ_REQ) == 0);
	lp_free(p);
}

/* Fence: a fenced Send waits for the earlier Read; an unfenced one not. */
static void
t_fence(void)
{
	struct lp_conf c;
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe cq[8];
	struct llp_pair *p;
	uint32_t k[2];
	int pass;

	lp_conf_default(&c);
	for (pass = 0; pass < 2; pass++) {
		p = qu_world(&c, k);
		lp_post_recv(p, 1, 1, 0, 64, k[1]);
		lp_drop(p, 1, true);
		qu_read(p, k, 1, 0, 4096, 100, 0);
		q = qu_sqe(RDMAD_SHM_OP_SEND, 2,
		    pass ? RDMAD_SHM_WR_FENCE : 0);
		lp_post_send(p, 0, &q);
		lp_run(p);
		CU_ASSERT(qu_count(p, 0, RDMAP_OP_READ_REQ) == 1);
		CU_ASSERT(qu_count(p, 0, RDMAP_OP_SEND) == (pass ? 0 : 1));
		/* Rule 15: the Send never completes before the Read. */
		CU_ASSERT(lp_poll(p, 0, cq, 8) == 0);
		lp_free(p);
	}

	/* Unblocked: Read response first, then the fenced Write. */
	p = qu_world(&c, k);
	memset(lp_mem(p, 1) + 4096, 0x33, 100);
	qu_read(p, k, 1, 0, 4096, 100, 0);
	q = qu_sqe(RDMAD_SHM_OP_WRITE, 2, RDMAD_SHM_WR_FENCE);
	memset(lp_mem(p, 0) + 200, 0x44, 100);
	qu_sge(p, &q, 0, 200, 100, k[0]);
	q.rkey = k[1];
	q.remote_addr = lp_va(p, 1, 4096);
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 0, cq, 8) == 2);
	CU_ASSERT(cq[0].wr_id == 1 && cq[1].wr_id == 2);
	CU_ASSERT(lp_mem(p, 0)[0] == 0x33);	/* read the old data */
	CU_ASSERT(lp_mem(p, 1)[4096] == 0x44);
	lp_free(p);
}

/* Completion order: a Send after a Read completes after it. */
static void
t_order(void)
{
	struct lp_conf c;
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe cq[8];
	struct llp_pair *p;
	uint32_t k[2];

	lp_conf_default(&c);
	p = qu_world(&c, k);
	lp_post_recv(p, 1, 1, 0, 64, k[1]);
	qu_read(p, k, 1, 0, 4096, 3000, 0);
	q = qu_sqe(RDMAD_SHM_OP_SEND, 2, 0);
	lp_post_send(p, 0, &q);
	q = qu_sqe(RDMAD_SHM_OP_WRITE, 3, 0);
	q.wr_flags = 0;			/* unsignaled: no CQE */
	lp_post_send(p, 0, &q);
	q = qu_sqe(RDMAD_SHM_OP_IMM, 4, 0);
	lp_post_recv(p, 1, 2, 0, 64, k[1]);
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 0, cq, 8) == 3);
	CU_ASSERT(cq[0].wr_id == 1 && cq[0].opcode == RDMAD_SHM_WC_READ);
	CU_ASSERT(cq[1].wr_id == 2);
	CU_ASSERT(cq[2].wr_id == 4);
	lp_free(p);
}

/* A QP not yet connected queues work and sends it on connect. */
static void
t_idle_then_connect(void)
{
	struct lp_conf c;
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe cq[8];
	struct llp_pair *p;
	uint32_t k[2];

	lp_conf_default(&c);
	c.no_connect = true;
	p = qu_world(&c, k);
	CU_ASSERT(eng_qp_state(lp_qp(p, 0)) == ENG_QPS_IDLE);
	lp_post_recv(p, 1, 1, 0, 64, k[1]);
	q = qu_sqe(RDMAD_SHM_OP_SEND, 1, 0);
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 0, cq, 8) == 0);
	CU_ASSERT(lp_connect(p) == 0);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 0, cq, 8) == 1);
	CU_ASSERT(lp_poll(p, 1, cq, 8) == 1);
	lp_free(p);
}

/*
 * The client can never make the daemon hold more than sq_depth WRs: with
 * the transport stalled, SQEs beyond the depth stay VALID in the ring.
 */
static void
t_sq_bound(void)
{
	struct lp_conf c;
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe cq[16];
	struct llp_pair *p;
	uint32_t k[2];
	int i, valid = 0;

	lp_conf_default(&c);
	c.sq_depth = 4;
	c.ord = 1;
	p = qu_world(&c, k);
	lp_drop(p, 1, true);
	qu_read(p, k, 0, 0, 0, 8, 0);		/* blocks at ORD 1 */
	for (i = 1; i < 4; i++) {
		q = qu_sqe(RDMAD_SHM_OP_READ, (uint64_t)i, 0);
		CU_ASSERT(lp_post_send(p, 0, &q) == 0);
	}
	lp_run(p);
	/* The daemon took 4, the ring is free again; 4 more stay. */
	for (i = 4; i < 8; i++) {
		q = qu_sqe(RDMAD_SHM_OP_SEND, (uint64_t)i, 0);
		CU_ASSERT(lp_post_send(p, 0, &q) == 0);
	}
	for (i = 0; i < 4; i++)
		if (lp_sq_ring(p, 0)[i].flags & RDMAD_SHM_VALID)
			valid++;
	CU_ASSERT(valid == 4);
	q = qu_sqe(RDMAD_SHM_OP_SEND, 99, 0);
	CU_ASSERT(lp_post_send(p, 0, &q) == -1);	/* ring full */
	CU_ASSERT(lp_poll(p, 0, cq, 16) == 0);
	lp_free(p);
}

/* CQ overflow: ctrl->overflow set, the QP goes to error. */
static void
t_cq_overflow(void)
{
	struct lp_conf c;
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe cq[16];
	struct llp_pair *p;
	uint32_t k[2];
	int i;

	lp_conf_default(&c);
	c.cq_depth = 4;
	p = qu_world(&c, k);
	for (i = 0; i < 6; i++) {
		lp_post_recv(p, 1, (uint64_t)i, 0, 64, k[1]);
		q = qu_sqe(RDMAD_SHM_OP_SEND, (uint64_t)i, 0);
		lp_post_send(p, 0, &q);
		lp_run(p);
	}
	CU_ASSERT(lp_cq_ctrl(p, 0)->overflow == 1);
	CU_ASSERT(lp_cq_ctrl(p, 1)->overflow == 1);
	CU_ASSERT(eng_qp_state(lp_qp(p, 0)) == ENG_QPS_ERROR);
	CU_ASSERT(eng_qp_state(lp_qp(p, 1)) == ENG_QPS_ERROR);
	CU_ASSERT(lp_poll(p, 0, cq, 16) == 4);
	CU_ASSERT(cq[0].wr_id == 0 && cq[3].wr_id == 3);
	CU_ASSERT(lp_poll(p, 0, cq, 16) == 0);	/* dead: nothing more */
	CU_ASSERT(lp_owner(p, 0)->nflagged == 0);	/* swept */
	CU_ASSERT(lp_owner(p, 1)->nflagged == 0);
	lp_free(p);
}

/* The sweep list: flag is idempotent, sweep takes exactly the flagged. */
static void
t_sweep_list(void)
{
	struct lp_conf c;
	struct llp_pair *p;
	struct eng_owner *o;
	uint32_t k[2];

	lp_conf_default(&c);
	p = qu_world(&c, k);
	o = lp_owner(p, 0);
	CU_ASSERT_EQUAL(o->nflagged, 0);
	CU_ASSERT_PTR_NULL(TAILQ_FIRST(&o->flagged));
	eng_sweep(o);				/* nothing to do */
	CU_ASSERT(eng_qp_state(lp_qp(p, 0)) == ENG_QPS_RTS);
	eng_qp_flag(lp_qp(p, 0));
	eng_qp_flag(lp_qp(p, 0));
	CU_ASSERT_EQUAL(o->nflagged, 1);
	eng_qp_unflag(lp_qp(p, 0));
	eng_qp_unflag(lp_qp(p, 0));
	CU_ASSERT_EQUAL(o->nflagged, 0);
	CU_ASSERT(eng_qp_state(lp_qp(p, 0)) == ENG_QPS_RTS);
	eng_qp_flag(lp_qp(p, 0));
	eng_sweep(o);
	CU_ASSERT_EQUAL(o->nflagged, 0);
	CU_ASSERT(!lp_qp(p, 0)->cq_err);
	CU_ASSERT(eng_qp_state(lp_qp(p, 0)) == ENG_QPS_TERMINATE ||
	    eng_qp_state(lp_qp(p, 0)) == ENG_QPS_ERROR);
	CU_ASSERT(eng_qp_state(lp_qp(p, 1)) == ENG_QPS_RTS);
	/* A flagged QP that is destroyed leaves the list (lp_free). */
	eng_qp_flag(lp_qp(p, 1));
	CU_ASSERT_EQUAL(lp_owner(p, 1)->nflagged, 1);
	lp_free(p);
}

/* ARM_NEXT notifies once per arming; flushes are errors (notify). */
static void
t_notify(void)
{
	struct lp_conf c;
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe cq[16];
	struct llp_pair *p;
	uint32_t k[2];

	lp_conf_default(&c);
	p = qu_world(&c, k);
	lp_cq_ctrl(p, 0)->armed = RDMAD_SHM_ARM_NEXT;
	lp_post_recv(p, 1, 1, 0, 64, k[1]);
	lp_post_recv(p, 1, 2, 0, 64, k[1]);
	q = qu_sqe(RDMAD_SHM_OP_SEND, 1, 0);
	lp_post_send(p, 0, &q);
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 0, cq, 16) == 2);
	CU_ASSERT(lp_notifies(p, 0) == 1);
	CU_ASSERT(lp_cq_ctrl(p, 0)->armed == 0);
	/* Solicited-only arming fires on an error completion. */
	lp_cq_ctrl(p, 1)->armed = RDMAD_SHM_ARM_SOLICITED;
	lp_post_recv(p, 1, 3, 0, 64, k[1]);
	eng_qp_llp_error(lp_qp(p, 1), WIRE_E_MPA_CRC);
	CU_ASSERT(lp_notifies(p, 1) == 1);
	CU_ASSERT(lp_poll(p, 1, cq, 16) == 3);
	CU_ASSERT(cq[2].status == RDMAD_WC_WR_FLUSH_ERR);
	CU_ASSERT(cq[2].term == (2u << 16 | 0 << 8 | 2));
	lp_free(p);
}

/* Graceful disconnect closes after the queue drains; owner destroy
 * closes abortively. */
static void
t_teardown(void)
{
	struct lp_conf c;
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe cq[16];
	struct llp_pair *p;
	uint32_t k[2];
	bool ab;

	lp_conf_default(&c);
	p = qu_world(&c, k);
	lp_post_recv(p, 1, 1, 0, 64, k[1]);
	lp_post_recv(p, 1, 2, 0, 64, k[1]);
	q = qu_sqe(RDMAD_SHM_OP_SEND, 1, 0);
	lp_post_send(p, 0, &q);
	eng_qp_disconnect(lp_qp(p, 0));
	CU_ASSERT(eng_qp_state(lp_qp(p, 0)) == ENG_QPS_CLOSING);
	CU_ASSERT(!lp_closed(p, 0, NULL));
	lp_run(p);
	CU_ASSERT(lp_closed(p, 0, &ab) && !ab);
	CU_ASSERT(lp_poll(p, 0, cq, 16) == 1);
	CU_ASSERT(cq[0].status == RDMAD_WC_SUCCESS);
	/* The peer saw the stream end: its other receive is flushed. */
	CU_ASSERT(eng_qp_state(lp_qp(p, 1)) == ENG_QPS_ERROR);
	CU_ASSERT(lp_poll(p, 1, cq, 16) == 2);
	CU_ASSERT(cq[0].status == RDMAD_WC_SUCCESS);
	CU_ASSERT(cq[1].status == RDMAD_WC_WR_FLUSH_ERR);
	lp_free(p);

	p = qu_world(&c, k);
	eng_owner_destroy(lp_owner(p, 0));
	CU_ASSERT(lp_closed(p, 0, &ab) && ab);
	lp_run(p);
	CU_ASSERT(eng_qp_state(lp_qp(p, 1)) == ENG_QPS_ERROR);
	/* lp_free destroys the engine; owner 0 is already gone. */
	lp_free(p);
}

static void
qu_kick(void *llp)
{
	(void)llp;
}

static void
qu_close(void *llp, bool abortive)
{
	(void)llp;
	(void)abortive;
}

static void
qu_rand(void *arg, void *buf, size_t len)
{
	(void)arg;
	memset(buf, 0x5c, len);		/* constant: keys must still vary */
}

/* Limits, STag keys, handles of other owners, 100,000 regions. */
static void
t_limits(void)
{
	struct eng_env env;
	struct eng_limits lim;
	struct eng *e;
	struct eng_owner *o, *o2;
	struct eng_pd *pd;
	struct eng_cq *cq;
	struct rdmad_shm_cq_ctrl ctl;
	struct rdmad_shm_cqe ring[4];
	static uint8_t mem[1 << 16];
	uint32_t *st, s1, s2, i, n = 100000;

	memset(&env, 0, sizeof(env));
	env.random = qu_rand;
	memset(&lim, 0, sizeof(lim));
	lim.max_qp = lim.max_cq = 1;
	lim.max_mr = n + 1;
	lim.max_mr_bytes = (uint64_t)n * 64 + 64;
	lim.max_cq_depth = 4;
	lim.max_wr = 4;
	lim.max_stags = n + 1;
	lim.max_wr = 0;
	CU_ASSERT(eng_create(&env, &lim, &e) == -EINVAL);	/* no WRs */
	lim.max_wr = 4;
	lim.max_ord = lim.max_ird = 1;
	lim.max_stags = 0x1000000;
	CU_ASSERT(eng_create(&env, &lim, &e) == -EINVAL);	/* > 24 bit */
	lim.max_stags = n + 1;
	CU_ASSERT_FATAL(eng_create(&env, &lim, &e) == 0);
	CU_ASSERT_FATAL(eng_owner_create(e, &o) == 0);
	CU_ASSERT_FATAL(eng_owner_create(e, &o2) == 0);
	CU_ASSERT_FATAL(eng_pd_create(o, &pd) == 0);
	/* Access: remote write without local write is refused. */
	CU_ASSERT(eng_mr_reg(pd, mem, 0x1000, 64, ENG_ACCESS_REMOTE_WRITE,
	    &s1) == -EINVAL);
	CU_ASSERT(eng_mr_reg(pd, mem, 0x1000, 64, 0x100, &s1) == -EINVAL);
	CU_ASSERT(eng_mr_reg(pd, mem, UINT64_MAX - 10, 64, 0, &s1) ==
	    -EINVAL);
	/* A freed index comes back with another key: the old STag misses. */
	CU_ASSERT(eng_mr_reg(pd, mem, 0x1000, 64, 0, &s1) == 0);
	CU_ASSERT(eng_mr_dereg(o2, s1) == -ENOENT);
	CU_ASSERT(eng_mr_dereg(o, s1) == 0);
	CU_ASSERT(eng_mr_reg(pd, mem, 0x1000, 64, 0, &s2) == 0);
	CU_ASSERT(s1 >> 8 == s2 >> 8 && s1 != s2);
	CU_ASSERT(stag_lookup(e, s1) == NULL);
	CU_ASSERT(stag_lookup(e, s2) != NULL);
	CU_ASSERT(eng_mr_dereg(o, s1) == -ENOENT);
	CU_ASSERT(eng_mr_dereg(o, s2) == 0);
	/* 100,000 regions, each found by its STag in O(1). */
	st = calloc(n, sizeof(*st));
	CU_ASSERT_FATAL(st != NULL);
	for (i = 0; i < n; i++)
		if (eng_mr_reg(pd, mem + (i % 1000) * 64, 0x100000 +
		    (uint64_t)i * 64, 64, 0, &st[i]) != 0)
			break;
	CU_ASSERT(i == n);
	for (i = 0; i < n; i++)
		if (stag_lookup(e, st[i]) == NULL ||
		    stag_lookup(e, st[i])->iova != 0x100000 + (uint64_t)i * 64)
			break;
	CU_ASSERT(i == n);
	/* Bytes and table size bounds. */
	CU_ASSERT(eng_mr_reg(pd, mem, 0, 128, 0, &s1) == -ENOSPC);
	CU_ASSERT(eng_mr_reg(pd, mem, 0, 64, 0, &s1) == 0);
	CU_ASSERT(eng_mr_reg(pd, mem, 0, 1, 0, &s2) == -ENOSPC);
	CU_ASSERT(eng_pd_destroy(pd) == -EBUSY);
	/* CQ limits. */
	memset(&ctl, 0, sizeof(ctl));
	memset(ring, 0, sizeof(ring));
	CU_ASSERT(eng_cq_create(o, &ctl, ring, 5, 1, &cq) == -EINVAL);
	CU_ASSERT(eng_cq_create(o, &ctl, ring, 4, 1, &cq) == 0);
	{
		struct eng_cq *cq2;

		CU_ASSERT(eng_cq_create(o, &ctl, ring, 4, 2, &cq2) == -ENOSPC);
		CU_ASSERT(cq2 == NULL);
	}
	/* QP limits: depth bounded by max_wr, count by max_qp. */
	{
		struct rdmad_shm_qp_ctrl qc;
		struct rdmad_shm_sqe sq[8];
		struct rdmad_shm_rqe rq[8];
		struct eng_qp_rings r = { &qc, sq, rq, 8, 4 };
		struct eng_qp *qp, *qp2;
		struct eng_pd *pd2;

		memset(sq, 0, sizeof(sq));
		memset(rq, 0, sizeof(rq));
		CU_ASSERT(eng_qp_create(pd, cq, cq, &r, 1, &qp) == -EINVAL);
		r.sq_depth = 4;
		CU_ASSERT_FATAL(eng_qp_create(pd, cq, cq, &r, 1, &qp) == 0);
		CU_ASSERT(eng_qp_create(pd, cq, cq, &r, 2, &qp2) == -ENOSPC);
		CU_ASSERT(eng_cq_destroy(cq) == -EBUSY);
		/* ORD/IRD beyond the limits are refused at connect. */
		CU_ASSERT(eng_pd_create(o2, &pd2) == 0);
		CU_ASSERT(eng_qp_create(pd2, cq, cq, &r, 3, &qp2) == -EINVAL);
		{
			static const struct eng_llp_ops ops = { qu_kick,
			    qu_close };

			CU_ASSERT(eng_qp_connect(qp, &ops, NULL, 2, 1, 1024) ==
			    -EINVAL);
			CU_ASSERT(eng_qp_connect(qp, &ops, NULL, 1, 1, 70) ==
			    -EINVAL);
			CU_ASSERT(eng_qp_connect(qp, &ops, NULL, 1, 1, 71) ==
			    0);
			CU_ASSERT(eng_qp_connect(qp, &ops, NULL, 1, 1, 71) ==
			    -EINVAL);
		}
		eng_qp_destroy(qp);
		CU_ASSERT(eng_cq_destroy(cq) == 0);
	}
	free(st);
	eng_destroy(e);			/* frees both owners */
}

/* Per-QP daemon memory stays small (target <= 8 KiB idle). */
static void
t_footprint(void)
{
	CU_ASSERT(sizeof(struct eng_qp) <= 2048);
	CU_ASSERT(sizeof(struct eng_wr) <= 512);
}

/* Random operations both ways, random sizes and segment sizes: data. */
static void
t_stress(void)
{
	struct lp_conf c;
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe cq[8];
	struct eng_qp_stats st;
	struct llp_pair *p = NULL;
	uint32_t k[2], x = 777, len, op;
	uint64_t sum = 0, v;
	int round, src, dst, bad = 0;
	size_t i;

	lp_conf_default(&c);
	c.mem_len = 1 << 20;
	for (round = 0; round < 400; round++) {
		if (round % 100 == 0) {
			c.max_seg = 100 + (size_t)(x % 9000);
			p = qu_world(&c, k);
			lp_record(p, 0, false);
			lp_record(p, 1, false);
			lp_chunk(p, 1 + x % 50);
			sum = 0;
			memset(lp_mem(p, 1) + 1024, 0, 8);
		}
		x = x * 1664525u + 1013904223u;
		src = (int)(x >> 31);
		dst = 1 - src;
		len = (x >> 8) % 200000;
		op = (x >> 4) % 4;
		for (i = 0; i < len; i++)
			lp_mem(p, src)[4096 + i] = (uint8_t)(i * 31 + round);
		memset(lp_mem(p, dst) + 4096 + 300000, 0, len + 1);
		memset(&q, 0, sizeof(q));
		q.wr_id = (uint64_t)round;
		q.wr_flags = RDMAD_SHM_WR_SIGNALED;
		q.num_sge = 1;
		q.sge[0].length = len;
		q.rkey = k[dst];
		q.remote_addr = lp_va(p, dst, 4096 + 300000);
		switch (op) {
		case 0:
			q.opcode = RDMAD_SHM_OP_SEND;
			q.sge[0].addr = lp_va(p, src, 4096);
			q.sge[0].lkey = k[src];
			lp_post_recv(p, dst, 1, 4096 + 300000, len + 1,
			    k[dst]);
			lp_post_send(p, src, &q);
			break;
		case 1:
			q.opcode = RDMAD_SHM_OP_WRITE;
			q.sge[0].addr = lp_va(p, src, 4096);
			q.sge[0].lkey = k[src];
			lp_post_send(p, src, &q);
			break;
		case 2:
			/* dst reads from src into its own memory. */
			q.opcode = RDMAD_SHM_OP_READ;
			q.sge[0].addr = lp_va(p, dst, 4096 + 300000);
			q.sge[0].lkey = k[dst];
			q.rkey = k[src];
			q.remote_addr = lp_va(p, src, 4096);
			lp_post_send(p, dst, &q);
			break;
		default:
			q.opcode = RDMAD_SHM_OP_FETCH_ADD;
			q.sge[0].addr = lp_va(p, 0, 2048);
			q.sge[0].length = 8;
			q.sge[0].lkey = k[0];
			q.rkey = k[1];
			q.remote_addr = lp_va(p, 1, 1024);
			q.compare_add = len;
			lp_post_send(p, 0, &q);
			break;
		}
		lp_run(p);
		if (op == 3) {
			memcpy(&v, lp_mem(p, 0) + 2048, 8);
			if (v != sum)
				bad++;
			sum += len;
			if (lp_poll(p, 0, cq, 8) != 1 ||
			    cq[0].status != RDMAD_WC_SUCCESS)
				bad++;
		} else {
			if (memcmp(lp_mem(p, src) + 4096,
			    lp_mem(p, dst) + 4096 + 300000, len) != 0 ||
			    lp_mem(p, dst)[4096 + 300000 + len] != 0)
				bad++;
			if (lp_poll(p, op == 2 ? dst : src, cq, 8) != 1 ||
			    cq[0].status != RDMAD_WC_SUCCESS)
				bad++;
			if (op == 0 && (lp_poll(p, dst, cq, 8) != 1 ||
			    cq[0].byte_len != len))
				bad++;
		}
		if (round % 100 == 99) {
			CU_ASSERT(bad == 0);
			CU_ASSERT(lp_contract_errors(p) == 0);
			CU_ASSERT(eng_qp_state(lp_qp(p, 0)) == ENG_QPS_RTS);
			eng_qp_get_stats(lp_qp(p, 0), &st);
			CU_ASSERT(st.tx_segments > 0 && st.rx_segments > 0);
			CU_ASSERT(st.terms_tx == 0 && st.terms_rx == 0);
			lp_free(p);
		}
	}
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "ORD limit and Read completion order", t_ord },
		{ "Fence waits for Reads", t_fence },
		{ "completions in submission order", t_order },
		{ "work queued before connect", t_idle_then_connect },
		{ "SQ intake bounded by sq_depth", t_sq_bound },
		{ "CQ overflow", t_cq_overflow },
		{ "sweep list", t_sweep_list },
		{ "CQ notification", t_notify },
		{ "disconnect and owner destroy", t_teardown },
		{ "limits and STag table", t_limits },
		{ "footprint", t_footprint },
		{ "random operations both ways", t_stress },
		{ NULL, NULL }
	};

	return tutil_run("eng_queue", cases);
}
