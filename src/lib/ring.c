/* ring.c — librdmad's side of the shared-memory rings (shm_abi.h). */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "lib.h"

/*
 * The library is the producer of the SQ and RQ and the consumer of the
 * CQ.  Publication follows shm_abi.h: fill a slot, release-store VALID;
 * consume with an acquire load, copy out, release-store 0.  A slot's
 * flags word is only ever accessed atomically, and the rest of a slot
 * only by its current owner.  The GCC/Clang __atomic builtins work on
 * the plain uint32_t fields of the ABI structs.
 */

/* The public enums are the ABI numbers; keep them so. */
_Static_assert((int)RDMAD_WR_SEND == (int)RDMAD_SHM_OP_SEND &&
    (int)RDMAD_WR_SEND_WITH_INV == (int)RDMAD_SHM_OP_SEND_INV &&
    (int)RDMAD_WR_RDMA_WRITE == (int)RDMAD_SHM_OP_WRITE &&
    (int)RDMAD_WR_RDMA_WRITE_WITH_IMM == (int)RDMAD_SHM_OP_WRITE_IMM &&
    (int)RDMAD_WR_RDMA_READ == (int)RDMAD_SHM_OP_READ &&
    (int)RDMAD_WR_IMM_DATA == (int)RDMAD_SHM_OP_IMM &&
    (int)RDMAD_WR_ATOMIC_FETCH_ADD == (int)RDMAD_SHM_OP_FETCH_ADD &&
    (int)RDMAD_WR_ATOMIC_CMP_SWAP == (int)RDMAD_SHM_OP_CMP_SWAP &&
    (int)RDMAD_WR_LOCAL_INV == (int)RDMAD_SHM_OP_LOCAL_INV &&
    (int)RDMAD_WR_BIND_MW == (int)RDMAD_SHM_OP_BIND_MW, "WR opcodes");
_Static_assert((int)RDMAD_WC_SEND == (int)RDMAD_SHM_WC_SEND &&
    (int)RDMAD_WC_RDMA_WRITE == (int)RDMAD_SHM_WC_WRITE &&
    (int)RDMAD_WC_RDMA_READ == (int)RDMAD_SHM_WC_READ &&
    (int)RDMAD_WC_FETCH_ADD == (int)RDMAD_SHM_WC_FETCH_ADD &&
    (int)RDMAD_WC_CMP_SWAP == (int)RDMAD_SHM_WC_CMP_SWAP &&
    (int)RDMAD_WC_LOCAL_INV == (int)RDMAD_SHM_WC_LOCAL_INV &&
    (int)RDMAD_WC_BIND_MW == (int)RDMAD_SHM_WC_BIND_MW &&
    (int)RDMAD_WC_IMM == (int)RDMAD_SHM_WC_IMM &&
    (int)RDMAD_WC_RECV == (int)RDMAD_SHM_WC_RECV &&
    (int)RDMAD_WC_RECV_IMM == (int)RDMAD_SHM_WC_RECV_IMM, "WC opcodes");
_Static_assert(RDMAD_SEND_SIGNALED == RDMAD_SHM_WR_SIGNALED &&
    RDMAD_SEND_SOLICITED == RDMAD_SHM_WR_SOLICITED &&
    RDMAD_SEND_FENCE == RDMAD_SHM_WR_FENCE, "WR flags");
_Static_assert(RDMAD_WC_F_WITH_INV == RDMAD_SHM_WC_WITH_INV &&
    RDMAD_WC_F_SOLICITED == RDMAD_SHM_WC_SOLICITED &&
    RDMAD_WC_F_WITH_IMM == RDMAD_SHM_WC_WITH_IMM, "WC flags");
_Static_assert(RDMAD_MAX_SGE == RDMAD_SHM_MAX_SGE, "SGE count");

#define LIB_SEND_FLAGS	(RDMAD_SEND_SIGNALED | RDMAD_SEND_SOLICITED | \
			    RDMAD_SEND_FENCE)

/*
 * Does an array of n elements of size sz at offset off fit in an object
 * of len octets, after the control page and 8-aligned?
 */
static int
lib_ring_fits(uint64_t off, uint64_t min, uint32_t n, size_t sz, size_t len)
{
	uint64_t bytes = (uint64_t)n * sz;

	return off >= min && off % 8 == 0 && off <= len &&
	    bytes <= len - off;
}

/* Check a mapped CQ object and set up the consumer. */
int
lib_cq_ring_attach(struct lib_cq_ring *ring, void *base, size_t len,
    uint32_t cq_num, uint32_t depth)
{
	struct rdmad_shm_cq_ctrl *ctrl = base;

	memset(ring, 0, sizeof(*ring));
	if (len < RDMAD_SHM_PAGE || depth == 0)
		return -EPROTO;
	if (ctrl->abi_version != RDMAD_SHM_ABI_VERSION ||
	    ctrl->cq_num != cq_num || ctrl->depth != depth ||
	    !lib_ring_fits(ctrl->cqe_offset, RDMAD_SHM_PAGE, depth,
	    sizeof(struct rdmad_shm_cqe), len))
		return -EPROTO;
	ring->ctrl = ctrl;
	ring->cqe = (struct rdmad_shm_cqe *)(void *)((char *)base +
	    ctrl->cqe_offset);
	ring->depth = depth;
	ring->head = 0;
	return 0;
}

/* Check a mapped QP object and set up the producer. */
int
lib_qp_ring_attach(struct lib_qp_ring *ring, void *base, size_t len,
    uint32_t qp_num, uint32_t sq_depth, uint32_t rq_depth, int doorbell)
{
	struct rdmad_shm_qp_ctrl *ctrl = base;
	uint64_t sq_end, rq_end;

	memset(ring, 0, sizeof(*ring));
	ring->doorbell = -1;
	if (len < RDMAD_SHM_PAGE || sq_depth == 0 || rq_depth == 0)
		return -EPROTO;
	if (ctrl->abi_version != RDMAD_SHM_ABI_VERSION ||
	    ctrl->qp_num != qp_num || ctrl->sq_depth != sq_depth ||
	    ctrl->rq_depth != rq_depth ||
	    !lib_ring_fits(ctrl->sq_offset, RDMAD_SHM_QP_HDR, sq_depth,
	    sizeof(struct rdmad_shm_sqe), len) ||
	    !lib_ring_fits(ctrl->rq_offset, RDMAD_SHM_QP_HDR, rq_depth,
	    sizeof(struct rdmad_shm_rqe), len))
		return -EPROTO;
	/* The two queues must not overlap. */
	sq_end = ctrl->sq_offset + (uint64_t)sq_depth * 128;
	rq_end = ctrl->rq_offset + (uint64_t)rq_depth * 80;
	if (ctrl->sq_offset < rq_end && ctrl->rq_offset < sq_end)
		return -EPROTO;
	ring->ctrl = ctrl;
	ring->sq = (struct rdmad_shm_sqe *)(void *)((char *)base +
	    ctrl->sq_offset);
	ring->rq = (struct rdmad_shm_rqe *)(void *)((char *)base +
	    ctrl->rq_offset);
	ring->sq_depth = sq_depth;
	ring->rq_depth = rq_depth;
	ring->doorbell = doorbell;
	return 0;
}

/* Copy a CQE into the public completion. */
static void
lib_cq_convert(const struct rdmad_shm_cqe *c, struct rdmad_wc *wc)
{
	memset(wc, 0, sizeof(*wc));
	wc->wr_id = c->wr_id;
	wc->status = c->status <= RDMAD_WC_FATAL_ERR ?
	    (enum rdmad_wc_status)c->status : RDMAD_WC_FATAL_ERR;
	wc->opcode = (enum rdmad_wc_opcode)c->opcode;
	wc->byte_len = c->byte_len;
	wc->qp_num = c->qp_num;
	wc->flags = c->wc_flags & (RDMAD_WC_F_WITH_INV |
	    RDMAD_WC_F_SOLICITED | RDMAD_WC_F_WITH_IMM);
	wc->inv_stag = c->inv_rkey;
	wc->imm_data = c->imm_data;
	if (c->term == RDMAD_SHM_TERM_NONE) {
		wc->term_layer = -1;
	} else {
		wc->term_layer = (int)(c->term >> 16 & 0xff);
		wc->term_etype = (int)(c->term >> 8 & 0xff);
		wc->term_ecode = (int)(c->term & 0xff);
	}
}

/* Consume up to n VALID CQEs in ring order. */
int
lib_cq_poll(struct lib_cq_ring *ring, int n, struct rdmad_wc *wc)
{
	struct rdmad_shm_cqe *slot, copy;
	int i;

	if (n < 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		slot = &ring->cqe[ring->head];
		if (!(__atomic_load_n(&slot->flags, __ATOMIC_ACQUIRE) &
		    RDMAD_SHM_VALID))
			break;
		memcpy(&copy, slot, sizeof(copy));
		/* Hand the slot back only after the copy is taken. */
		__atomic_store_n(&slot->flags, 0, __ATOMIC_RELEASE);
		if (++ring->head == ring->depth)
			ring->head = 0;
		lib_cq_convert(&copy, &wc[i]);
	}
	if (i == 0 && n > 0 &&
	    __atomic_load_n(&ring->ctrl->overflow, __ATOMIC_RELAXED) != 0)
		return -EOVERFLOW;
	return i;
}

/* Arm the CQ; 1 when a completion already waits (see shm_abi.h). */
int
lib_cq_arm(struct lib_cq_ring *ring, int solicited_only)
{
	uint32_t arm = solicited_only ? RDMAD_SHM_ARM_SOLICITED :
	    RDMAD_SHM_ARM_NEXT;

	__atomic_store_n(&ring->ctrl->armed, arm, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&ring->cqe[ring->head].flags, __ATOMIC_ACQUIRE) &
	    RDMAD_SHM_VALID)
		return 1;
	return 0;
}

/* Check the scatter/gather list and sum its length into *total. */
static int
lib_sge_check(const struct rdmad_sge *sg, unsigned int n, uint64_t *total)
{
	unsigned int i;

	*total = 0;
	if (n > RDMAD_MAX_SGE)
		return -EINVAL;
	for (i = 0; i < n; i++)
		*total += sg[i].length;
	return *total > UINT32_MAX ? -EINVAL : 0;
}

/* Per-opcode rules for the scatter/gather list of a send WR. */
static int
lib_send_check(const struct rdmad_send_wr *wr)
{
	uint64_t total;

	if (lib_sge_check(wr->sg_list, wr->num_sge, &total) < 0 ||
	    (wr->flags & ~(unsigned int)LIB_SEND_FLAGS) != 0)
		return -EINVAL;
	switch (wr->opcode) {
	case RDMAD_WR_SEND:
	case RDMAD_WR_SEND_WITH_INV:
	case RDMAD_WR_RDMA_WRITE:
	case RDMAD_WR_RDMA_WRITE_WITH_IMM:
	case RDMAD_WR_RDMA_READ:
		return 0;
	case RDMAD_WR_ATOMIC_FETCH_ADD:
	case RDMAD_WR_ATOMIC_CMP_SWAP:
		/* RFC 7306: 64-bit operands; one 8-octet result buffer. */
		return wr->num_sge == 1 && wr->sg_list[0].length == 8 ?
		    0 : -EINVAL;
	case RDMAD_WR_IMM_DATA:
	case RDMAD_WR_LOCAL_INV:
		return wr->num_sge == 0 ? 0 : -EINVAL;
	case RDMAD_WR_BIND_MW:
		return wr->num_sge == 0 && wr->bind.mr != NULL ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

/* Copy n SGEs into the ABI slot array. */
static void
lib_sge_fill(struct rdmad_shm_sge *dst, const struct rdmad_sge *src,
    unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		dst[i].addr = src[i].addr;
		dst[i].length = src[i].length;
		dst[i].lkey = src[i].lkey;
	}
}

/*
 * Write everything but the flags word of a slot, then publish it.  The
 * flags word is first in every slot (shm_abi.h).
 */
static void
lib_slot_publish(void *slot, const void *tmp, size_t size)
{
	memcpy((char *)slot + sizeof(uint32_t),
	    (const char *)tmp + sizeof(uint32_t), size - sizeof(uint32_t));
	__atomic_store_n((uint32_t *)slot, RDMAD_SHM_VALID, __ATOMIC_RELEASE);
}

/* Post one send WR: fill the next SQ slot, publish, maybe ring. */
int
lib_sq_post(struct lib_qp_ring *ring, const struct rdmad_send_wr *wr,
    uint32_t bind_lkey)
{
	struct rdmad_shm_sqe *slot, tmp;
	uint64_t one = 1;
	int r;

	if ((r = lib_send_check(wr)) < 0)
		return r;
	slot = &ring->sq[ring->sq_head];
	if (__atomic_load_n(&slot->flags, __ATOMIC_ACQUIRE) & RDMAD_SHM_VALID)
		return -ENOMEM;			/* queue full */
	memset(&tmp, 0, sizeof(tmp));
	tmp.opcode = (uint16_t)wr->opcode;
	tmp.num_sge = (uint16_t)wr->num_sge;
	tmp.wr_flags = wr->flags;
	tmp.rkey = wr->rkey;
	tmp.wr_id = wr->wr_id;
	tmp.remote_addr = wr->remote_addr;
	tmp.imm_data = wr->imm_data;
	tmp.compare_add = wr->compare_add;
	tmp.swap = wr->swap;
	if (wr->opcode == RDMAD_WR_BIND_MW) {
		/* shm_abi.h: window = [remote_addr, +compare_add). */
		tmp.remote_addr = wr->bind.addr;
		tmp.compare_add = wr->bind.length;
		tmp.bind_access = wr->bind.access;
		tmp.bind_mr_lkey = bind_lkey;
	}
	lib_sge_fill(tmp.sge, wr->sg_list, wr->num_sge);
	lib_slot_publish(slot, &tmp, sizeof(tmp));
	if (++ring->sq_head == ring->sq_depth)
		ring->sq_head = 0;
	/* Dekker with the daemon's sq_sleeping store (shm_abi.h). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&ring->ctrl->sq_sleeping, __ATOMIC_RELAXED) &&
	    ring->doorbell >= 0)
		/* A full counter (EAGAIN) still wakes the daemon. */
		(void)!write(ring->doorbell, &one, sizeof(one));
	return 0;
}

/* Post one receive WR: fill the next RQ slot and publish it. */
int
lib_rq_post(struct lib_qp_ring *ring, const struct rdmad_recv_wr *wr)
{
	struct rdmad_shm_rqe *slot, tmp;
	uint64_t total;

	if (lib_sge_check(wr->sg_list, wr->num_sge, &total) < 0)
		return -EINVAL;
	slot = &ring->rq[ring->rq_head];
	if (__atomic_load_n(&slot->flags, __ATOMIC_ACQUIRE) & RDMAD_SHM_VALID)
		return -ENOMEM;
	memset(&tmp, 0, sizeof(tmp));
	tmp.num_sge = (uint16_t)wr->num_sge;
	tmp.wr_id = wr->wr_id;
	lib_sge_fill(tmp.sge, wr->sg_list, wr->num_sge);
	lib_slot_publish(slot, &tmp, sizeof(tmp));
	if (++ring->rq_head == ring->rq_depth)
		ring->rq_head = 0;
	return 0;
}
