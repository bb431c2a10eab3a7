/* eng_world.h — a test engine with many QPs, one CQ, one region. */
#ifndef RDMAD_TESTS_ENG_WORLD_H
#define RDMAD_TESTS_ENG_WORLD_H

/*
 * One side of a transport test (tests/unit/test_sctp_e2e.c,
 * sctp_failover.c): a real engine with n QPs sharing one CQ, small
 * rings in malloc'd memory, and MQ_MEM octets of client memory
 * registered once (iova MQ_IOVA) with remote read/write/atomic access.
 * Not thread-safe; nothing here does I/O.
 */

#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "rdmad/shm_abi.h"

#define MQ_MEM		(8u << 20)
#define MQ_IOVA		0x100000u
#define MQ_SQ		8
#define MQ_RQ		4
#define MQ_ACCESS	(ENG_ACCESS_LOCAL_WRITE | ENG_ACCESS_REMOTE_WRITE | \
			 ENG_ACCESS_REMOTE_READ | ENG_ACCESS_REMOTE_ATOMIC)

struct mq_side {
	struct eng		*e;
	struct eng_owner	*o;
	struct eng_pd		*pd;
	struct eng_cq		*cq;
	struct rdmad_shm_cq_ctrl *cqc;
	struct rdmad_shm_cqe	*cqe;
	uint32_t		 cq_idx, cq_depth;
	struct eng_qp		**qp;
	struct rdmad_shm_qp_ctrl *qpc;
	struct rdmad_shm_sqe	*sq;
	struct rdmad_shm_rqe	*rq;
	uint32_t		*sq_idx;
	uint8_t			*mem;
	uint32_t		 stag;
};

/* Build side `side` (QP numbers 1000 * side + i); -1 on failure. */
int	mq_side_init(struct mq_side *s, int n, int side);
void	mq_side_fini(struct mq_side *s);
/* Publish one SQE on QP i and ring its doorbell; -1 if the slot is busy. */
int	mq_post(struct mq_side *s, int i, const struct rdmad_shm_sqe *q);
/* Take up to max completions (out may be NULL to count only). */
int	mq_poll(struct mq_side *s, struct rdmad_shm_cqe *out, int max);

#endif /* RDMAD_TESTS_ENG_WORLD_H */
