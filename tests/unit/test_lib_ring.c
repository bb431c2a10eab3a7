/* test_lib_ring.c — librdmad rings against an in-process fake daemon. */
#include "config.h"

#include <sys/eventfd.h>
#include <sys/mman.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tutil.h"

#include "lib/lib.h"

/*
 * The "daemon" here lays out CQ and QP objects in a memfd exactly as
 * shm_abi.h says, writes CQEs and consumes SQEs/RQEs with the atomics
 * the ABI prescribes, and checks every octet the library wrote.
 */

#define T_PAGE		RDMAD_SHM_PAGE
#define T_CQ_DEPTH	4u
#define T_SQ_DEPTH	3u
#define T_RQ_DEPTH	2u

/* A shared mapping of a fresh memfd of len octets. */
static void *
t_shm(size_t len)
{
	int fd = memfd_create("test-ring", MFD_CLOEXEC);
	void *p;

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(ftruncate(fd, (off_t)len) == 0);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CU_ASSERT_FATAL(p != MAP_FAILED);
	close(fd);
	return p;
}

/* ---- completion queue -------------------------------------------------- */

#define T_CQ_LEN	(T_PAGE + T_CQ_DEPTH * sizeof(struct rdmad_shm_cqe))

/* The daemon's CQ object: control page, then the CQEs. */
static struct rdmad_shm_cq_ctrl *
t_cq_object(void)
{
	struct rdmad_shm_cq_ctrl *c = t_shm(T_CQ_LEN);

	c->abi_version = RDMAD_SHM_ABI_VERSION;
	c->cq_num = 7;
	c->depth = T_CQ_DEPTH;
	c->cqe_offset = T_PAGE;
	return c;
}

/* Daemon side: publish one CQE in slot i. */
static void
t_cqe_put(struct rdmad_shm_cq_ctrl *c, uint32_t i, uint64_t wr_id,
    uint16_t opcode, uint16_t status, uint32_t term)
{
	struct rdmad_shm_cqe *q = (struct rdmad_shm_cqe *)(void *)
	    ((char *)c + c->cqe_offset) + i;

	CU_ASSERT_EQUAL(__atomic_load_n(&q->flags, __ATOMIC_ACQUIRE), 0);
	q->opcode = opcode;
	q->status = status;
	q->wr_id = wr_id;
	q->byte_len = (uint32_t)wr_id * 10;
	q->qp_num = 42;
	q->wc_flags = RDMAD_SHM_WC_WITH_IMM | RDMAD_SHM_WC_SOLICITED | 0x80;
	q->inv_rkey = 0xabcdef01u;
	q->imm_data = 0x1122334455667788ull;
	q->term = term;
	__atomic_store_n(&q->flags, RDMAD_SHM_VALID, __ATOMIC_RELEASE);
}

static struct rdmad_shm_cqe *
t_cqe(struct rdmad_shm_cq_ctrl *c, uint32_t i)
{
	return (struct rdmad_shm_cqe *)(void *)((char *)c + c->cqe_offset) + i;
}

static void
t_cq_attach(void)
{
	struct rdmad_shm_cq_ctrl *c = t_cq_object();
	struct lib_cq_ring r;

	CU_ASSERT_EQUAL(lib_cq_ring_attach(&r, c, T_CQ_LEN, 7, T_CQ_DEPTH), 0);
	CU_ASSERT_PTR_EQUAL(r.ctrl, c);
	CU_ASSERT_PTR_EQUAL(r.cqe, (char *)c + T_PAGE);
	CU_ASSERT_EQUAL(r.depth, T_CQ_DEPTH);
	CU_ASSERT_EQUAL(r.head, 0);
	/* What the daemon said must match the control page. */
	CU_ASSERT_EQUAL(lib_cq_ring_attach(&r, c, T_CQ_LEN, 8, T_CQ_DEPTH),
	    -EPROTO);
	CU_ASSERT_EQUAL(lib_cq_ring_attach(&r, c, T_CQ_LEN, 7, 5), -EPROTO);
	CU_ASSERT_EQUAL(lib_cq_ring_attach(&r, c, T_CQ_LEN, 7, 0), -EPROTO);
	CU_ASSERT_EQUAL(lib_cq_ring_attach(&r, c, T_CQ_LEN - 1, 7,
	    T_CQ_DEPTH), -EPROTO);
	CU_ASSERT_EQUAL(lib_cq_ring_attach(&r, c, T_PAGE - 1, 7, T_CQ_DEPTH),
	    -EPROTO);
	c->abi_version = RDMAD_SHM_ABI_VERSION + 1;
	CU_ASSERT_EQUAL(lib_cq_ring_attach(&r, c, T_CQ_LEN, 7, T_CQ_DEPTH),
	    -EPROTO);
	c->abi_version = RDMAD_SHM_ABI_VERSION;
	c->cqe_offset = T_PAGE + 4;		/* misaligned */
	CU_ASSERT_EQUAL(lib_cq_ring_attach(&r, c, T_CQ_LEN + 8, 7,
	    T_CQ_DEPTH), -EPROTO);
	c->cqe_offset = 64;			/* inside the control page */
	CU_ASSERT_EQUAL(lib_cq_ring_attach(&r, c, T_CQ_LEN, 7, T_CQ_DEPTH),
	    -EPROTO);
	c->cqe_offset = UINT64_MAX - 7;		/* wraps */
	CU_ASSERT_EQUAL(lib_cq_ring_attach(&r, c, T_CQ_LEN, 7, T_CQ_DEPTH),
	    -EPROTO);
	munmap(c, T_CQ_LEN);
}

static void
t_cq_poll(void)
{
	struct rdmad_shm_cq_ctrl *c = t_cq_object();
	struct lib_cq_ring r;
	struct rdmad_wc wc[8];
	uint32_t i;

	CU_ASSERT_FATAL(lib_cq_ring_attach(&r, c, T_CQ_LEN, 7, T_CQ_DEPTH)
	    == 0);
	CU_ASSERT_EQUAL(lib_cq_poll(&r, 8, wc), 0);
	CU_ASSERT_EQUAL(lib_cq_poll(&r, -1, wc), -EINVAL);

	t_cqe_put(c, 0, 1, RDMAD_SHM_WC_RECV_IMM, RDMAD_WC_SUCCESS,
	    RDMAD_SHM_TERM_NONE);
	t_cqe_put(c, 1, 2, RDMAD_SHM_WC_READ, RDMAD_WC_REM_ACCESS_ERR,
	    0x00010203u);
	/* n == 0 takes nothing. */
	CU_ASSERT_EQUAL(lib_cq_poll(&r, 0, wc), 0);
	CU_ASSERT_EQUAL(__atomic_load_n(&t_cqe(c, 0)->flags,
	    __ATOMIC_ACQUIRE), RDMAD_SHM_VALID);

	memset(wc, 0xff, sizeof(wc));
	CU_ASSERT_EQUAL(lib_cq_poll(&r, 1, wc), 1);
	CU_ASSERT_EQUAL(wc[0].wr_id, 1);
	CU_ASSERT_EQUAL(wc[0].status, RDMAD_WC_SUCCESS);
	CU_ASSERT_EQUAL(wc[0].opcode, RDMAD_WC_RECV_IMM);
	CU_ASSERT_EQUAL(wc[0].byte_len, 10);
	CU_ASSERT_EQUAL(wc[0].qp_num, 42);
	/* Unknown flag bits are dropped. */
	CU_ASSERT_EQUAL(wc[0].flags, RDMAD_WC_F_WITH_IMM |
	    RDMAD_WC_F_SOLICITED);
	CU_ASSERT_EQUAL(wc[0].inv_stag, 0xabcdef01u);
	CU_ASSERT_EQUAL(wc[0].imm_data, 0x1122334455667788ull);
	CU_ASSERT_EQUAL(wc[0].term_layer, -1);
	CU_ASSERT_EQUAL(wc[0].term_etype, 0);
	CU_ASSERT_EQUAL(wc[0].term_ecode, 0);
	/* Consumed: VALID cleared, the daemon owns the slot again. */
	CU_ASSERT_EQUAL(__atomic_load_n(&t_cqe(c, 0)->flags,
	    __ATOMIC_ACQUIRE), 0);
	CU_ASSERT_EQUAL(t_cqe(c, 0)->wr_id, 1);	/* content left alone */

	CU_ASSERT_EQUAL(lib_cq_poll(&r, 8, wc), 1);
	CU_ASSERT_EQUAL(wc[0].wr_id, 2);
	CU_ASSERT_EQUAL(wc[0].status, RDMAD_WC_REM_ACCESS_ERR);
	CU_ASSERT_EQUAL(wc[0].opcode, RDMAD_WC_RDMA_READ);
	CU_ASSERT_EQUAL(wc[0].term_layer, 1);	/* layer << 16 */
	CU_ASSERT_EQUAL(wc[0].term_etype, 2);
	CU_ASSERT_EQUAL(wc[0].term_ecode, 3);
	CU_ASSERT_EQUAL(r.head, 2);

	/* Wrap around the ring: slots 2, 3, 0, 1; a bad status. */
	for (i = 0; i < T_CQ_DEPTH; i++)
		t_cqe_put(c, (2 + i) % T_CQ_DEPTH, 100 + i, RDMAD_SHM_WC_SEND,
		    i == 3 ? 999 : RDMAD_WC_SUCCESS, RDMAD_SHM_TERM_NONE);
	CU_ASSERT_EQUAL(lib_cq_poll(&r, 3, wc), 3);
	CU_ASSERT_EQUAL(wc[0].wr_id, 100);
	CU_ASSERT_EQUAL(wc[1].wr_id, 101);
	CU_ASSERT_EQUAL(wc[2].wr_id, 102);
	CU_ASSERT_EQUAL(r.head, 1);
	CU_ASSERT_EQUAL(lib_cq_poll(&r, 3, wc), 1);
	CU_ASSERT_EQUAL(wc[0].wr_id, 103);
	CU_ASSERT_EQUAL(wc[0].status, RDMAD_WC_FATAL_ERR);
	CU_ASSERT_EQUAL(lib_cq_poll(&r, 3, wc), 0);
	for (i = 0; i < T_CQ_DEPTH; i++)
		CU_ASSERT_EQUAL(t_cqe(c, i)->flags, 0);

	/* Overflow is reported once the CQ is empty. */
	c->overflow = 1;
	t_cqe_put(c, 2, 200, RDMAD_SHM_WC_SEND, 0, RDMAD_SHM_TERM_NONE);
	CU_ASSERT_EQUAL(lib_cq_poll(&r, 4, wc), 1);
	CU_ASSERT_EQUAL(lib_cq_poll(&r, 4, wc), -EOVERFLOW);
	CU_ASSERT_EQUAL(lib_cq_poll(&r, 0, wc), 0);
	munmap(c, T_CQ_LEN);
}

static void
t_cq_arm(void)
{
	struct rdmad_shm_cq_ctrl *c = t_cq_object();
	struct lib_cq_ring r;
	struct rdmad_wc wc;

	CU_ASSERT_FATAL(lib_cq_ring_attach(&r, c, T_CQ_LEN, 7, T_CQ_DEPTH)
	    == 0);
	CU_ASSERT_EQUAL(c->armed, 0);
	CU_ASSERT_EQUAL(lib_cq_arm(&r, 0), 0);
	CU_ASSERT_EQUAL(c->armed, RDMAD_SHM_ARM_NEXT);
	CU_ASSERT_EQUAL(lib_cq_arm(&r, 1), 0);
	CU_ASSERT_EQUAL(c->armed, RDMAD_SHM_ARM_SOLICITED);

	/* A completion that raced the arming is reported: poll again. */
	c->armed = 0;
	t_cqe_put(c, 0, 5, RDMAD_SHM_WC_SEND, 0, RDMAD_SHM_TERM_NONE);
	CU_ASSERT_EQUAL(lib_cq_arm(&r, 0), 1);
	CU_ASSERT_EQUAL(c->armed, RDMAD_SHM_ARM_NEXT);	/* armed anyway */
	CU_ASSERT_EQUAL(lib_cq_poll(&r, 1, &wc), 1);
	CU_ASSERT_EQUAL(lib_cq_arm(&r, 0), 0);
	/* Only the slot at the consumer's head counts. */
	t_cqe_put(c, 2, 6, RDMAD_SHM_WC_SEND, 0, RDMAD_SHM_TERM_NONE);
	CU_ASSERT_EQUAL(lib_cq_arm(&r, 0), 0);
	t_cqe_put(c, 1, 7, RDMAD_SHM_WC_SEND, 0, RDMAD_SHM_TERM_NONE);
	CU_ASSERT_EQUAL(lib_cq_arm(&r, 1), 1);
	munmap(c, T_CQ_LEN);
}

/* ---- queue pair ---------------------------------------------------------- */

#define T_SQ_OFF	T_PAGE
#define T_RQ_OFF	(T_SQ_OFF + T_SQ_DEPTH * 128)
#define T_QP_LEN	(T_RQ_OFF + T_RQ_DEPTH * 80)

/* The daemon's QP object: control page, SQ, RQ. */
static struct rdmad_shm_qp_ctrl *
t_qp_object(void)
{
	struct rdmad_shm_qp_ctrl *c = t_shm(T_QP_LEN);

	c->abi_version = RDMAD_SHM_ABI_VERSION;
	c->qp_num = 9;
	c->sq_depth = T_SQ_DEPTH;
	c->rq_depth = T_RQ_DEPTH;
	c->sq_offset = T_SQ_OFF;
	c->rq_offset = T_RQ_OFF;
	return c;
}

static struct rdmad_shm_sqe *
t_sqe(struct rdmad_shm_qp_ctrl *c, uint32_t i)
{
	return (struct rdmad_shm_sqe *)(void *)((char *)c + c->sq_offset) + i;
}

static struct rdmad_shm_rqe *
t_rqe(struct rdmad_shm_qp_ctrl *c, uint32_t i)
{
	return (struct rdmad_shm_rqe *)(void *)((char *)c + c->rq_offset) + i;
}

/* Daemon side: take slot i of the SQ (acquire VALID, release 0). */
static void
t_sqe_consume(struct rdmad_shm_qp_ctrl *c, uint32_t i)
{
	struct rdmad_shm_sqe *q = t_sqe(c, i);

	CU_ASSERT_EQUAL(__atomic_load_n(&q->flags, __ATOMIC_ACQUIRE),
	    RDMAD_SHM_VALID);
	__atomic_store_n(&q->flags, 0, __ATOMIC_RELEASE);
}

/* Pending count of an eventfd, 0 when unreadable. */
static uint64_t
t_efd_read(int efd)
{
	uint64_t v = 0;

	if (read(efd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static void
t_qp_attach(void)
{
	struct rdmad_shm_qp_ctrl *c = t_qp_object();
	struct lib_qp_ring r;

	CU_ASSERT_EQUAL(lib_qp_ring_attach(&r, c, T_QP_LEN, 9, T_SQ_DEPTH,
	    T_RQ_DEPTH, 5), 0);
	CU_ASSERT_PTR_EQUAL(r.sq, (char *)c + T_SQ_OFF);
	CU_ASSERT_PTR_EQUAL(r.rq, (char *)c + T_RQ_OFF);
	CU_ASSERT_EQUAL(r.doorbell, 5);
	CU_ASSERT_EQUAL(lib_qp_ring_attach(&r, c, T_QP_LEN, 8, T_SQ_DEPTH,
	    T_RQ_DEPTH, 5), -EPROTO);
	CU_ASSERT_EQUAL(r.doorbell, -1);
	CU_ASSERT_EQUAL(lib_qp_ring_attach(&r, c, T_QP_LEN, 9, T_SQ_DEPTH + 1,
	    T_RQ_DEPTH, 5), -EPROTO);
	CU_ASSERT_EQUAL(lib_qp_ring_attach(&r, c, T_QP_LEN, 9, T_SQ_DEPTH,
	    T_RQ_DEPTH - 1, 5), -EPROTO);
	CU_ASSERT_EQUAL(lib_qp_ring_attach(&r, c, T_QP_LEN - 1, 9, T_SQ_DEPTH,
	    T_RQ_DEPTH, 5), -EPROTO);
	/* Overlapping queues. */
	c->rq_offset = T_SQ_OFF + 128;
	CU_ASSERT_EQUAL(lib_qp_ring_attach(&r, c, T_QP_LEN, 9, T_SQ_DEPTH,
	    T_RQ_DEPTH, 5), -EPROTO);
	/* RQ before SQ, touching: fine. */
	c->rq_offset = T_PAGE;
	c->sq_offset = T_PAGE + T_RQ_DEPTH * 80;
	CU_ASSERT_EQUAL(lib_qp_ring_attach(&r, c, T_QP_LEN, 9, T_SQ_DEPTH,
	    T_RQ_DEPTH, 5), 0);
	/* ABI 2: rings inside the control page, after its fields. */
	c->sq_offset = RDMAD_SHM_QP_HDR;
	c->rq_offset = RDMAD_SHM_QP_HDR + T_SQ_DEPTH * 128;
	CU_ASSERT_EQUAL(lib_qp_ring_attach(&r, c, T_QP_LEN, 9, T_SQ_DEPTH,
	    T_RQ_DEPTH, 5), 0);
	CU_ASSERT_PTR_EQUAL(r.sq, (char *)c + RDMAD_SHM_QP_HDR);
	c->sq_offset = RDMAD_SHM_QP_HDR - 8;	/* over the fields */
	CU_ASSERT_EQUAL(lib_qp_ring_attach(&r, c, T_QP_LEN, 9, T_SQ_DEPTH,
	    T_RQ_DEPTH, 5), -EPROTO);
	c->sq_offset = 0;			/* over the control fields */
	CU_ASSERT_EQUAL(lib_qp_ring_attach(&r, c, T_QP_LEN, 9, T_SQ_DEPTH,
	    T_RQ_DEPTH, 5), -EPROTO);
	munmap(c, T_QP_LEN);
}

/* A Write with two SGEs lands in the slot exactly as the ABI says. */
static void
t_sq_post(void)
{
	struct rdmad_shm_qp_ctrl *c = t_qp_object();
	struct rdmad_send_wr wr;
	struct rdmad_shm_sqe *q;
	struct lib_qp_ring r;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	CU_ASSERT_FATAL(efd >= 0);
	CU_ASSERT_FATAL(lib_qp_ring_attach(&r, c, T_QP_LEN, 9, T_SQ_DEPTH,
	    T_RQ_DEPTH, efd) == 0);
	memset(&wr, 0, sizeof(wr));
	wr.wr_id = 0x0102030405060708ull;
	wr.opcode = RDMAD_WR_RDMA_WRITE_WITH_IMM;
	wr.flags = RDMAD_SEND_SIGNALED | RDMAD_SEND_FENCE;
	wr.num_sge = 2;
	wr.sg_list[0].addr = 0x7f0000001000ull;
	wr.sg_list[0].length = 100;
	wr.sg_list[0].lkey = 0x11111111u;
	wr.sg_list[1].addr = 0x7f0000002000ull;
	wr.sg_list[1].length = 200;
	wr.sg_list[1].lkey = 0x22222222u;
	wr.sg_list[2].length = 0xdead;		/* beyond num_sge: unused */
	wr.remote_addr = 0x5555000000000000ull;
	wr.rkey = 0x33333333u;
	wr.imm_data = 0xaabbccddeeff0011ull;
	wr.compare_add = 7;
	wr.swap = 8;

	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), 0);
	q = t_sqe(c, 0);
	CU_ASSERT_EQUAL(__atomic_load_n(&q->flags, __ATOMIC_ACQUIRE),
	    RDMAD_SHM_VALID);
	CU_ASSERT_EQUAL(q->opcode, RDMAD_SHM_OP_WRITE_IMM);
	CU_ASSERT_EQUAL(q->num_sge, 2);
	CU_ASSERT_EQUAL(q->wr_flags, RDMAD_SHM_WR_SIGNALED |
	    RDMAD_SHM_WR_FENCE);
	CU_ASSERT_EQUAL(q->rkey, 0x33333333u);
	CU_ASSERT_EQUAL(q->wr_id, 0x0102030405060708ull);
	CU_ASSERT_EQUAL(q->remote_addr, 0x5555000000000000ull);
	CU_ASSERT_EQUAL(q->imm_data, 0xaabbccddeeff0011ull);
	CU_ASSERT_EQUAL(q->compare_add, 7);
	CU_ASSERT_EQUAL(q->swap, 8);
	CU_ASSERT_EQUAL(q->bind_access, 0);
	CU_ASSERT_EQUAL(q->bind_mr_lkey, 0);
	CU_ASSERT_EQUAL(q->sge[0].addr, 0x7f0000001000ull);
	CU_ASSERT_EQUAL(q->sge[0].length, 100);
	CU_ASSERT_EQUAL(q->sge[0].lkey, 0x11111111u);
	CU_ASSERT_EQUAL(q->sge[1].addr, 0x7f0000002000ull);
	CU_ASSERT_EQUAL(q->sge[1].length, 200);
	CU_ASSERT_EQUAL(q->sge[1].lkey, 0x22222222u);
	CU_ASSERT_EQUAL(q->sge[2].length, 0);	/* unused SGEs zero */
	CU_ASSERT_EQUAL(q->sge[3].addr, 0);
	/* The daemon was not asleep: no doorbell. */
	CU_ASSERT_EQUAL(t_efd_read(efd), 0);
	CU_ASSERT_EQUAL(r.sq_head, 1);

	/* Asleep: exactly one doorbell write per post. */
	c->sq_sleeping = 1;
	wr.opcode = RDMAD_WR_SEND;
	wr.num_sge = 0;
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), 0);
	CU_ASSERT_EQUAL(t_sqe(c, 1)->opcode, RDMAD_SHM_OP_SEND);
	CU_ASSERT_EQUAL(t_sqe(c, 1)->num_sge, 0);
	CU_ASSERT_EQUAL(t_sqe(c, 1)->sge[0].addr, 0);
	CU_ASSERT_EQUAL(t_efd_read(efd), 1);
	c->sq_sleeping = 0;

	/* Full after depth posts; freed slots are reused in order. */
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), 0);
	CU_ASSERT_EQUAL(r.sq_head, 0);
	wr.wr_id = 99;
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), -ENOMEM);
	CU_ASSERT_EQUAL(t_sqe(c, 0)->wr_id, 0x0102030405060708ull);
	t_sqe_consume(c, 1);			/* not the head slot */
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), -ENOMEM);
	t_sqe_consume(c, 0);
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), 0);
	CU_ASSERT_EQUAL(t_sqe(c, 0)->wr_id, 99);
	CU_ASSERT_EQUAL(t_sqe(c, 0)->opcode, RDMAD_SHM_OP_SEND);
	CU_ASSERT_EQUAL(t_sqe(c, 0)->num_sge, 0);
	CU_ASSERT_EQUAL(t_sqe(c, 0)->sge[1].lkey, 0);	/* old SGE cleared */
	CU_ASSERT_EQUAL(r.sq_head, 1);
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), 0);	/* into slot 1 */
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), -ENOMEM);
	close(efd);
	munmap(c, T_QP_LEN);
}

/* Bind, atomics, and every malformed request. */
static void
t_sq_opcodes(void)
{
	struct rdmad_shm_qp_ctrl *c = t_qp_object();
	struct rdmad_send_wr wr;
	struct rdmad_shm_sqe *q;
	struct lib_qp_ring r;
	struct rdmad_mr *fake_mr = (struct rdmad_mr *)(void *)&wr;
	uint32_t i;

	CU_ASSERT_FATAL(lib_qp_ring_attach(&r, c, T_QP_LEN, 9, T_SQ_DEPTH,
	    T_RQ_DEPTH, -1) == 0);
	memset(&wr, 0, sizeof(wr));
	wr.opcode = RDMAD_WR_BIND_MW;
	wr.rkey = 0x4444aa01u;			/* the window */
	wr.bind.mr = fake_mr;
	wr.bind.addr = 0x7f0000003000ull;
	wr.bind.length = 0x100000000ull;	/* > 32 bits */
	wr.bind.access = RDMAD_ACCESS_REMOTE_READ;
	wr.remote_addr = 1;			/* replaced by bind.addr */
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0x12345600u), 0);
	q = t_sqe(c, 0);
	CU_ASSERT_EQUAL(q->opcode, RDMAD_SHM_OP_BIND_MW);
	CU_ASSERT_EQUAL(q->rkey, 0x4444aa01u);
	CU_ASSERT_EQUAL(q->remote_addr, 0x7f0000003000ull);
	CU_ASSERT_EQUAL(q->compare_add, 0x100000000ull);
	CU_ASSERT_EQUAL(q->bind_access, RDMAD_ACCESS_REMOTE_READ);
	CU_ASSERT_EQUAL(q->bind_mr_lkey, 0x12345600u);
	CU_ASSERT_EQUAL(q->num_sge, 0);

	memset(&wr, 0, sizeof(wr));
	wr.opcode = RDMAD_WR_ATOMIC_CMP_SWAP;
	wr.num_sge = 1;
	wr.sg_list[0].length = 8;
	wr.compare_add = 1;
	wr.swap = 2;
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), 0);
	CU_ASSERT_EQUAL(t_sqe(c, 1)->opcode, RDMAD_SHM_OP_CMP_SWAP);
	CU_ASSERT_EQUAL(t_sqe(c, 1)->sge[0].length, 8);
	CU_ASSERT_EQUAL(t_sqe(c, 1)->swap, 2);

	/* Malformed: nothing written, head unchanged. */
	wr.sg_list[0].length = 4;
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), -EINVAL);
	wr.sg_list[0].length = 8;
	wr.num_sge = 2;
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), -EINVAL);
	wr.opcode = RDMAD_WR_ATOMIC_FETCH_ADD;
	wr.num_sge = 0;
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), -EINVAL);
	wr.opcode = RDMAD_WR_LOCAL_INV;
	wr.num_sge = 1;
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), -EINVAL);
	wr.opcode = RDMAD_WR_IMM_DATA;
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), -EINVAL);
	wr.opcode = RDMAD_WR_BIND_MW;
	wr.num_sge = 0;
	wr.bind.mr = NULL;
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), -EINVAL);
	wr.opcode = RDMAD_WR_SEND;
	wr.num_sge = RDMAD_MAX_SGE + 1;
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), -EINVAL);
	wr.num_sge = 0;
	wr.flags = 0x8;
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), -EINVAL);
	wr.flags = 0;
	wr.opcode = (enum rdmad_wr_opcode)10;
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), -EINVAL);
	wr.opcode = (enum rdmad_wr_opcode)-1;
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), -EINVAL);
	/* 4 x 2^31 octets: more than one message can carry. */
	wr.opcode = RDMAD_WR_SEND;
	wr.num_sge = 4;
	for (i = 0; i < 4; i++)
		wr.sg_list[i].length = 0x80000000u;
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), -EINVAL);
	CU_ASSERT_EQUAL(r.sq_head, 2);
	CU_ASSERT_EQUAL(t_sqe(c, 2)->flags, 0);
	CU_ASSERT_EQUAL(t_sqe(c, 2)->wr_id, 0);
	/* The largest total is fine: 2^32 - 1. */
	wr.sg_list[3].length = 0x7fffffffu;
	wr.num_sge = 2;
	wr.sg_list[1].length = 0x7fffffffu;
	CU_ASSERT_EQUAL(lib_sq_post(&r, &wr, 0), 0);
	CU_ASSERT_EQUAL(t_sqe(c, 2)->num_sge, 2);
	munmap(c, T_QP_LEN);
}

static void
t_rq_post(void)
{
	struct rdmad_shm_qp_ctrl *c = t_qp_object();
	struct rdmad_recv_wr wr;
	struct rdmad_shm_rqe *q;
	struct lib_qp_ring r;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	CU_ASSERT_FATAL(lib_qp_ring_attach(&r, c, T_QP_LEN, 9, T_SQ_DEPTH,
	    T_RQ_DEPTH, efd) == 0);
	c->sq_sleeping = 1;
	memset(&wr, 0, sizeof(wr));
	wr.wr_id = 0xfeedull;
	wr.num_sge = 4;
	wr.sg_list[3].addr = 0x7f0000009000ull;
	wr.sg_list[3].length = 4096;
	wr.sg_list[3].lkey = 0x77777777u;
	CU_ASSERT_EQUAL(lib_rq_post(&r, &wr), 0);
	q = t_rqe(c, 0);
	CU_ASSERT_EQUAL(__atomic_load_n(&q->flags, __ATOMIC_ACQUIRE),
	    RDMAD_SHM_VALID);
	CU_ASSERT_EQUAL(q->num_sge, 4);
	CU_ASSERT_EQUAL(q->reserved, 0);
	CU_ASSERT_EQUAL(q->wr_id, 0xfeedull);
	CU_ASSERT_EQUAL(q->sge[3].addr, 0x7f0000009000ull);
	CU_ASSERT_EQUAL(q->sge[3].length, 4096);
	CU_ASSERT_EQUAL(q->sge[3].lkey, 0x77777777u);
	/* Nothing in the SQ, no doorbell for the RQ. */
	CU_ASSERT_EQUAL(t_sqe(c, 0)->flags, 0);
	CU_ASSERT_EQUAL(t_efd_read(efd), 0);

	wr.num_sge = 5;
	CU_ASSERT_EQUAL(lib_rq_post(&r, &wr), -EINVAL);
	wr.num_sge = 0;
	CU_ASSERT_EQUAL(lib_rq_post(&r, &wr), 0);
	CU_ASSERT_EQUAL(t_rqe(c, 1)->num_sge, 0);
	CU_ASSERT_EQUAL(lib_rq_post(&r, &wr), -ENOMEM);
	__atomic_store_n(&q->flags, 0, __ATOMIC_RELEASE);
	wr.wr_id = 3;
	CU_ASSERT_EQUAL(lib_rq_post(&r, &wr), 0);
	CU_ASSERT_EQUAL(q->wr_id, 3);
	CU_ASSERT_EQUAL(q->sge[3].lkey, 0);
	close(efd);
	munmap(c, T_QP_LEN);
}

/* rdmad_strerror: static texts, negative or positive codes. */
static void
t_strerror(void)
{
	CU_ASSERT_STRING_EQUAL(rdmad_strerror(0), "success");
	CU_ASSERT_STRING_EQUAL(rdmad_strerror(-ENOMEM),
	    "out of memory, or queue full");
	CU_ASSERT_STRING_EQUAL(rdmad_strerror(-EPROTO),
	    "protocol error (version mismatch or bad message)");
	CU_ASSERT_STRING_EQUAL(rdmad_strerror(ENOTCONN), "not connected");
	CU_ASSERT_STRING_EQUAL(rdmad_strerror(-100000), "unknown error");
	CU_ASSERT_STRING_EQUAL(rdmad_last_error(NULL), "");
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "CQ attach checks", t_cq_attach },
		{ "CQ poll", t_cq_poll },
		{ "CQ notification arming", t_cq_arm },
		{ "QP attach checks", t_qp_attach },
		{ "SQ post, doorbell, queue full", t_sq_post },
		{ "SQ opcodes and malformed requests", t_sq_opcodes },
		{ "RQ post", t_rq_post },
		{ "error texts", t_strerror },
		{ NULL, NULL }
	};

	return tutil_run("lib_ring", cases);
}
