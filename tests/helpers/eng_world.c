/* eng_world.c — a test engine with many QPs, one CQ, one region. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "eng_world.h"


static void
mq_random(void *arg, void *buf, size_t len)
{
	static uint32_t x = 12345;
	uint8_t *b = buf;
	size_t i;

	(void)arg;
	for (i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		b[i] = (uint8_t)(x >> 16);
	}
}

int
mq_side_init(struct mq_side *s, int n, int side)
{
	struct eng_env env;
	struct eng_limits lim;
	struct eng_qp_rings r;
	int i;

	memset(&env, 0, sizeof(env));
	env.random = mq_random;
	memset(&lim, 0, sizeof(lim));
	lim.max_qp = (uint32_t)n + 8;
	lim.max_cq = 4;
	lim.max_mr = 16;
	lim.max_mr_bytes = (uint64_t)1 << 32;
	lim.max_cq_depth = 8192;
	lim.max_wr = 64;
	lim.max_ord = lim.max_ird = 16;
	lim.max_stags = 64;
	s->cq_depth = 8192;
	if (eng_create(&env, &lim, &s->e) != 0 ||
	    eng_owner_create(s->e, &s->o) != 0 ||
	    eng_pd_create(s->o, &s->pd) != 0)
		return -1;
	s->cqc = calloc(1, sizeof(*s->cqc));
	s->cqe = calloc(s->cq_depth, sizeof(*s->cqe));
	s->qp = calloc((size_t)n, sizeof(*s->qp));
	s->qpc = calloc((size_t)n, sizeof(*s->qpc));
	s->sq = calloc((size_t)n * MQ_SQ, sizeof(*s->sq));
	s->rq = calloc((size_t)n * MQ_RQ, sizeof(*s->rq));
	s->sq_idx = calloc((size_t)n, sizeof(*s->sq_idx));
	s->mem = calloc(1, MQ_MEM);
	if (!s->cqc || !s->cqe || !s->qp || !s->qpc || !s->sq || !s->rq ||
	    !s->sq_idx || !s->mem)
		return -1;
	if (eng_cq_create(s->o, s->cqc, s->cqe, s->cq_depth, 1, &s->cq) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		r.ctrl = &s->qpc[i];
		r.sq = &s->sq[(size_t)i * MQ_SQ];
		r.rq = &s->rq[(size_t)i * MQ_RQ];
		r.sq_depth = MQ_SQ;
		r.rq_depth = MQ_RQ;
		if (eng_qp_create(s->pd, s->cq, s->cq, &r,
		    (uint32_t)(1000 * side + i), &s->qp[i]) != 0)
			return -1;
	}
	if (eng_mr_reg(s->pd, s->mem, MQ_IOVA, MQ_MEM, MQ_ACCESS, &s->stag) != 0)
		return -1;
	return 0;
}

void
mq_side_fini(struct mq_side *s)
{
	if (s->e != NULL)
		eng_destroy(s->e);
	free(s->cqc);
	free(s->cqe);
	free(s->qp);
	free(s->qpc);
	free(s->sq);
	free(s->rq);
	free(s->sq_idx);
	free(s->mem);
}

int
mq_post(struct mq_side *s, int i, const struct rdmad_shm_sqe *q)
{
	struct rdmad_shm_sqe *slot = &s->sq[(size_t)i * MQ_SQ +
	    s->sq_idx[i] % MQ_SQ];

	if (__atomic_load_n(&slot->flags, __ATOMIC_ACQUIRE) & RDMAD_SHM_VALID)
		return -1;
	memcpy(slot, q, sizeof(*slot));
	slot->flags = 0;
	__atomic_store_n(&slot->flags, RDMAD_SHM_VALID, __ATOMIC_RELEASE);
	s->sq_idx[i]++;
	eng_qp_doorbell(s->qp[i]);
	return 0;
}

int
mq_poll(struct mq_side *s, struct rdmad_shm_cqe *out, int max)
{
	struct rdmad_shm_cqe *slot;
	int k = 0;

	while (k < max) {
		slot = &s->cqe[s->cq_idx % s->cq_depth];
		if (!(__atomic_load_n(&slot->flags, __ATOMIC_ACQUIRE) &
		    RDMAD_SHM_VALID))
			break;
		if (out != NULL)
			memcpy(&out[k], slot, sizeof(*slot));
		k++;
		__atomic_store_n(&slot->flags, 0u, __ATOMIC_RELEASE);
		s->cq_idx++;
	}
	return k;
}

