/* test_eng_ops.c — every RDMAP operation end to end between two engines. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "engine/eng_int.h"
#include "llp_pair.h"
#include "tutil.h"
#include "wire/crc32c.h"

#define MIB		(1024u * 1024u)
#define RW		(ENG_ACCESS_LOCAL_WRITE | ENG_ACCESS_REMOTE_WRITE | \
			 ENG_ACCESS_REMOTE_READ | ENG_ACCESS_REMOTE_ATOMIC | \
			 ENG_ACCESS_MW_BIND)

static struct rdmad_shm_sqe
ops_sqe(uint16_t op, uint64_t wr_id, uint32_t flags)
{
	struct rdmad_shm_sqe q;

	memset(&q, 0, sizeof(q));
	q.opcode = op;
	q.wr_id = wr_id;
	q.wr_flags = flags | RDMAD_SHM_WR_SIGNALED;
	return q;
}

static void
ops_sge(struct llp_pair *p, struct rdmad_shm_sqe *q, int side, size_t off,
    uint32_t len, uint32_t lkey)
{
	q->sge[q->num_sge].addr = lp_va(p, side, off);
	q->sge[q->num_sge].length = len;
	q->sge[q->num_sge].lkey = lkey;
	q->num_sge++;
}

static void
ops_fill(uint8_t *b, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		b[i] = (uint8_t)(seed >> 16);
	}
}

/* The sizes every transfer test runs, 0 B ... 4 MiB. */
static const uint32_t ops_sizes[] = {
	0, 1, 7, 1000, 1006, 1010, 1024, 4099, 65536, 65537, 300001,
	1 * MIB + 13, 4 * MIB
};
#define OPS_NSIZES	(sizeof(ops_sizes) / sizeof(ops_sizes[0]))

/* A world with 9 MiB per side: source at 0, sink at 4 MiB + 4 KiB. */
static struct llp_pair *
ops_world(size_t max_seg, uint32_t *k0, uint32_t *k1)
{
	struct lp_conf c;
	struct llp_pair *p;

	lp_conf_default(&c);
	c.max_seg = max_seg;
	c.mem_len = 9 * MIB;
	p = lp_new(&c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	*k0 = lp_reg(p, 0, 0, 9 * MIB, RW);
	*k1 = lp_reg(p, 1, 0, 9 * MIB, RW);
	CU_ASSERT_FATAL(*k0 != 0 && *k1 != 0);
	return p;
}

#define SINK	(4 * MIB + 4096)

/* Send of every size, with both segment sizes: data, length, status. */
static void
ops_send_sizes(size_t max_seg)
{
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe c[4];
	struct llp_pair *p;
	uint32_t k0, k1, len;
	size_t i;

	p = ops_world(max_seg, &k0, &k1);
	for (i = 0; i < OPS_NSIZES; i++) {
		len = ops_sizes[i];
		ops_fill(lp_mem(p, 0), len, (uint32_t)i + 1);
		memset(lp_mem(p, 1) + SINK, 0, len + 16);
		CU_ASSERT(lp_post_recv(p, 1, 500 + i, SINK, len + 16, k1)
		    == 0);
		q = ops_sqe(RDMAD_SHM_OP_SEND, 100 + i, 0);
		ops_sge(p, &q, 0, 0, len, k0);
		CU_ASSERT(lp_post_send(p, 0, &q) == 0);
		lp_run(p);
		CU_ASSERT(lp_poll(p, 0, c, 4) == 1);
		CU_ASSERT(c[0].status == RDMAD_WC_SUCCESS);
		CU_ASSERT(c[0].opcode == RDMAD_SHM_WC_SEND);
		CU_ASSERT(c[0].wr_id == 100 + i);
		CU_ASSERT(lp_poll(p, 1, c, 4) == 1);
		CU_ASSERT(c[0].status == RDMAD_WC_SUCCESS);
		CU_ASSERT(c[0].opcode == RDMAD_SHM_WC_RECV);
		CU_ASSERT(c[0].wr_id == 500 + i);
		CU_ASSERT(c[0].byte_len == len);
		CU_ASSERT(c[0].qp_num == 101);
		CU_ASSERT(c[0].term == RDMAD_SHM_TERM_NONE);
		CU_ASSERT(crc32c(lp_mem(p, 0), len) ==
		    crc32c(lp_mem(p, 1) + SINK, len));
		CU_ASSERT(lp_mem(p, 1)[SINK + len] == 0);
	}
	CU_ASSERT(lp_contract_errors(p) == 0);
	CU_ASSERT(eng_qp_state(lp_qp(p, 0)) == ENG_QPS_RTS);
	lp_free(p);
}

static void t_send_1k(void) { ops_send_sizes(1024); }
static void t_send_64k(void) { ops_send_sizes(65536); }

/* RDMA Write and RDMA Read of every size (checksums both ways). */
static void
ops_rw_sizes(size_t max_seg)
{
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe c[4];
	struct llp_pair *p;
	uint32_t k0, k1, len;
	size_t i;

	p = ops_world(max_seg, &k0, &k1);
	lp_chunk(p, 333);
	for (i = 0; i < OPS_NSIZES; i++) {
		len = ops_sizes[i];
		/* Write side 0 [0,len) -> side 1 [SINK+5, ...). */
		ops_fill(lp_mem(p, 0), len, (uint32_t)i + 77);
		q = ops_sqe(RDMAD_SHM_OP_WRITE, 10 + i, 0);
		ops_sge(p, &q, 0, 0, len, k0);
		q.rkey = k1;
		q.remote_addr = lp_va(p, 1, SINK + 5);
		CU_ASSERT(lp_post_send(p, 0, &q) == 0);
		lp_run(p);
		CU_ASSERT(lp_poll(p, 0, c, 4) == 1);
		CU_ASSERT(c[0].status == RDMAD_WC_SUCCESS);
		CU_ASSERT(c[0].opcode == RDMAD_SHM_WC_WRITE);
		CU_ASSERT(c[0].byte_len == len);
		CU_ASSERT(lp_poll(p, 1, c, 4) == 0);	/* no ULP delivery */
		CU_ASSERT(crc32c(lp_mem(p, 0), len) ==
		    crc32c(lp_mem(p, 1) + SINK + 5, len));
		CU_ASSERT(memcmp(lp_mem(p, 0), lp_mem(p, 1) + SINK + 5, len)
		    == 0);

		/* Read it back: side 1 [SINK+5..] -> side 0 [SINK+3..]. */
		memset(lp_mem(p, 0) + SINK, 0, len + 8);
		q = ops_sqe(RDMAD_SHM_OP_READ, 20 + i, 0);
		ops_sge(p, &q, 0, SINK + 3, len, k0);
		q.rkey = k1;
		q.remote_addr = lp_va(p, 1, SINK + 5);
		CU_ASSERT(lp_post_send(p, 0, &q) == 0);
		lp_run(p);
		CU_ASSERT(lp_poll(p, 0, c, 4) == 1);
		CU_ASSERT(c[0].status == RDMAD_WC_SUCCESS);
		CU_ASSERT(c[0].opcode == RDMAD_SHM_WC_READ);
		CU_ASSERT(c[0].wr_id == 20 + i);
		CU_ASSERT(c[0].byte_len == len);
		CU_ASSERT(crc32c(lp_mem(p, 0), len) ==
		    crc32c(lp_mem(p, 0) + SINK + 3, len));
		CU_ASSERT(lp_mem(p, 0)[SINK + 3 + len] == 0);
	}
	CU_ASSERT(lp_contract_errors(p) == 0);
	lp_free(p);
}

static void t_rw_1k(void) { ops_rw_sizes(1024); }
static void t_rw_64k(void) { ops_rw_sizes(65536); }

/* A Send gathered from 4 SGEs, received into 1: bytes in order. */
static void
t_send_sgl(void)
{
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe c[2];
	struct rdmad_shm_rqe r;
	struct llp_pair *p;
	uint32_t k0, k1;
	uint8_t want[40];

	p = ops_world(1024, &k0, &k1);
	ops_fill(lp_mem(p, 0), 4096, 5);
	q = ops_sqe(RDMAD_SHM_OP_SEND, 1, 0);
	ops_sge(p, &q, 0, 100, 10, k0);
	ops_sge(p, &q, 0, 2000, 0, 0xdeadbeef);	/* empty: unchecked */
	ops_sge(p, &q, 0, 50, 20, k0);
	ops_sge(p, &q, 0, 3000, 10, k0);
	memcpy(want, lp_mem(p, 0) + 100, 10);
	memcpy(want + 10, lp_mem(p, 0) + 50, 20);
	memcpy(want + 30, lp_mem(p, 0) + 3000, 10);
	/* Scatter into two SGEs of 15 and 25. */
	memset(&r, 0, sizeof(r));
	r.wr_id = 9;
	r.num_sge = 2;
	r.sge[0].addr = lp_va(p, 1, SINK);
	r.sge[0].length = 15;
	r.sge[0].lkey = k1;
	r.sge[1].addr = lp_va(p, 1, SINK + 1000);
	r.sge[1].length = 25;
	r.sge[1].lkey = k1;
	CU_ASSERT(lp_put_rqe(p, 1, &r) == 0);
	CU_ASSERT(lp_post_send(p, 0, &q) == 0);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 1, c, 2) == 1);
	CU_ASSERT(c[0].status == RDMAD_WC_SUCCESS);
	CU_ASSERT(c[0].byte_len == 40);
	CU_ASSERT(memcmp(lp_mem(p, 1) + SINK, want, 15) == 0);
	CU_ASSERT(memcmp(lp_mem(p, 1) + SINK + 1000, want + 15, 25) == 0);
	lp_free(p);
}

/* Send with SE, Immediate Data, Immediate with SE: flags, notification. */
static void
t_se_imm(void)
{
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe c[4];
	struct llp_pair *p;
	uint32_t k0, k1;

	p = ops_world(1024, &k0, &k1);
	/* Armed for solicited only: a plain Send does not notify. */
	lp_cq_ctrl(p, 1)->armed = RDMAD_SHM_ARM_SOLICITED;
	CU_ASSERT(lp_post_recv(p, 1, 1, SINK, 64, k1) == 0);
	q = ops_sqe(RDMAD_SHM_OP_SEND, 1, 0);
	ops_sge(p, &q, 0, 0, 8, k0);
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 1, c, 4) == 1);
	CU_ASSERT(c[0].wc_flags == 0);
	CU_ASSERT(lp_notifies(p, 1) == 0);
	CU_ASSERT(lp_poll(p, 0, c, 4) == 1);
	/* Send with SE: solicited, notified once, disarmed. */
	CU_ASSERT(lp_post_recv(p, 1, 2, SINK, 64, k1) == 0);
	q.wr_flags |= RDMAD_SHM_WR_SOLICITED;
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 1, c, 4) == 1);
	CU_ASSERT(c[0].wc_flags == RDMAD_SHM_WC_SOLICITED);
	CU_ASSERT(lp_notifies(p, 1) == 1);
	CU_ASSERT(lp_cq_ctrl(p, 1)->armed == 0);
	CU_ASSERT(lp_poll(p, 0, c, 4) == 1);
	/* Immediate Data: RECV_IMM, the 8 octets, consumes a receive. */
	lp_cq_ctrl(p, 1)->armed = RDMAD_SHM_ARM_NEXT;
	CU_ASSERT(lp_post_recv(p, 1, 3, SINK, 64, k1) == 0);
	q = ops_sqe(RDMAD_SHM_OP_IMM, 3, 0);
	q.imm_data = 0x0102030405060708ull;
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 0, c, 4) == 1);
	CU_ASSERT(c[0].opcode == RDMAD_SHM_WC_IMM);
	CU_ASSERT(c[0].status == RDMAD_WC_SUCCESS);
	CU_ASSERT(lp_poll(p, 1, c, 4) == 1);
	CU_ASSERT(c[0].opcode == RDMAD_SHM_WC_RECV_IMM);
	CU_ASSERT(c[0].wr_id == 3);
	CU_ASSERT(c[0].imm_data == 0x0102030405060708ull);
	CU_ASSERT(c[0].wc_flags == RDMAD_SHM_WC_WITH_IMM);
	CU_ASSERT(c[0].byte_len == 0);
	CU_ASSERT(lp_notifies(p, 1) == 2);
	/* Immediate Data with SE. */
	CU_ASSERT(lp_post_recv(p, 1, 4, SINK, 64, k1) == 0);
	q = ops_sqe(RDMAD_SHM_OP_IMM, 4, RDMAD_SHM_WR_SOLICITED);
	q.imm_data = 42;
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 1, c, 4) == 1);
	CU_ASSERT(c[0].imm_data == 42);
	CU_ASSERT(c[0].wc_flags ==
	    (RDMAD_SHM_WC_WITH_IMM | RDMAD_SHM_WC_SOLICITED));
	CU_ASSERT(lp_poll(p, 0, c, 4) == 1);
	lp_free(p);
}

/* Write with immediate: one Write, then one Immediate Data message. */
static void
t_write_imm(void)
{
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe c[4];
	struct rdmap_seg s;
	struct llp_pair *p;
	const uint8_t *b;
	uint32_t k0, k1;
	size_t len;

	p = ops_world(1024, &k0, &k1);
	lp_record(p, 0, true);
	ops_fill(lp_mem(p, 0), 3000, 9);
	CU_ASSERT(lp_post_recv(p, 1, 77, SINK, 16, k1) == 0);
	q = ops_sqe(RDMAD_SHM_OP_WRITE_IMM, 5, 0);
	ops_sge(p, &q, 0, 0, 3000, k0);
	q.rkey = k1;
	q.remote_addr = lp_va(p, 1, 8);
	q.imm_data = 0xfeedfacecafebeefull;
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(memcmp(lp_mem(p, 0), lp_mem(p, 1) + 8, 3000) == 0);
	CU_ASSERT(lp_poll(p, 0, c, 4) == 1);
	CU_ASSERT(c[0].opcode == RDMAD_SHM_WC_WRITE);
	CU_ASSERT(c[0].status == RDMAD_WC_SUCCESS);
	CU_ASSERT(lp_poll(p, 1, c, 4) == 1);
	CU_ASSERT(c[0].opcode == RDMAD_SHM_WC_RECV_IMM);
	CU_ASSERT(c[0].wr_id == 77);
	CU_ASSERT(c[0].imm_data == 0xfeedfacecafebeefull);
	/* On the wire: 3 Write segments (L on the last), then Immediate. */
	CU_ASSERT_FATAL(lp_nrec(p, 0) == 4);
	b = lp_rec(p, 0, 2, &len);
	CU_ASSERT(rdmap_decode(b, len, &s) == WIRE_OK);
	CU_ASSERT(s.opcode == RDMAP_OP_WRITE && s.ddp.last);
	CU_ASSERT(s.ddp.to == lp_va(p, 1, 8) + 2 * (1024 - 14));
	b = lp_rec(p, 0, 3, &len);
	CU_ASSERT(rdmap_decode(b, len, &s) == WIRE_OK);
	CU_ASSERT(s.opcode == RDMAP_OP_IMM);
	CU_ASSERT(s.ddp.qn == 0 && s.ddp.msn == 1 && s.ddp.last);
	CU_ASSERT(len == 18 + 8);
	CU_ASSERT(b[18] == 0xfe && b[25] == 0xef);
	lp_free(p);
}

/* Atomics: FetchAdd and CmpSwap (match and no match) on the peer. */
static void
t_atomics(void)
{
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe c[4];
	struct llp_pair *p;
	uint32_t k0, k1;
	uint64_t v, r;

	p = ops_world(1024, &k0, &k1);
	v = 1000;
	memcpy(lp_mem(p, 1) + 64, &v, 8);
	q = ops_sqe(RDMAD_SHM_OP_FETCH_ADD, 1, 0);
	ops_sge(p, &q, 0, 16, 8, k0);
	q.rkey = k1;
	q.remote_addr = lp_va(p, 1, 64);
	q.compare_add = 0xffffffffffffff00ull;		/* -256 */
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 0, c, 4) == 1);
	CU_ASSERT(c[0].status == RDMAD_WC_SUCCESS);
	CU_ASSERT(c[0].opcode == RDMAD_SHM_WC_FETCH_ADD);
	memcpy(&r, lp_mem(p, 0) + 16, 8);
	CU_ASSERT(r == 1000);
	memcpy(&v, lp_mem(p, 1) + 64, 8);
	CU_ASSERT(v == 744);
	/* CmpSwap that matches. */
	q = ops_sqe(RDMAD_SHM_OP_CMP_SWAP, 2, 0);
	ops_sge(p, &q, 0, 24, 8, k0);
	q.rkey = k1;
	q.remote_addr = lp_va(p, 1, 64);
	q.compare_add = 744;
	q.swap = 0x1122334455667788ull;
	lp_post_send(p, 0, &q);
	/* CmpSwap that does not: memory unchanged, original returned. */
	q.wr_id = 3;
	q.sge[0].addr = lp_va(p, 0, 32);
	q.compare_add = 744;
	q.swap = 5;
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 0, c, 4) == 2);
	CU_ASSERT(c[0].wr_id == 2 && c[0].status == RDMAD_WC_SUCCESS);
	CU_ASSERT(c[1].wr_id == 3 && c[1].status == RDMAD_WC_SUCCESS);
	CU_ASSERT(c[1].opcode == RDMAD_SHM_WC_CMP_SWAP);
	memcpy(&r, lp_mem(p, 0) + 24, 8);
	CU_ASSERT(r == 744);
	memcpy(&r, lp_mem(p, 0) + 32, 8);
	CU_ASSERT(r == 0x1122334455667788ull);
	memcpy(&v, lp_mem(p, 1) + 64, 8);
	CU_ASSERT(v == 0x1122334455667788ull);
	lp_free(p);
}

/* RFC 7306 §5.1.1 masked FetchAdd: carries stop at field MSBs. */
static void
t_fetch_add_mask(void)
{
	/* Mask 0: plain 64-bit add, wrapping. */
	CU_ASSERT(rd_fetch_add(UINT64_MAX, 2, 0) == 1);
	/* Two 32-bit fields: the carry out of bit 31 is dropped. */
	CU_ASSERT(rd_fetch_add(0x00000001ffffffffull, 1,
	    0x8000000080000000ull) == 0x0000000100000000ull);
	/* Eight 8-bit lanes. */
	CU_ASSERT(rd_fetch_add(0x01ff01ff01ff01ffull, 0x0101010101010101ull,
	    0x8080808080808080ull) == 0x0200020002000200ull);
	/* Every bit a field: XOR. */
	CU_ASSERT(rd_fetch_add(0xf0f0ull, 0xff00ull, UINT64_MAX) == 0x0ff0ull);
}

/* MSNs: each untagged queue counts from 1 (RFC 5041 §4.3). */
static void
t_msn(void)
{
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe c[8];
	struct rdmap_seg s;
	struct llp_pair *p;
	const uint8_t *b;
	uint32_t k0, k1, want_send = 1, want_rr = 1, want_ar = 1;
	size_t len;
	int i, nsend = 0;

	p = ops_world(1024, &k0, &k1);
	lp_record(p, 0, true);
	lp_record(p, 1, true);
	for (i = 0; i < 3; i++)
		lp_post_recv(p, 1, (uint64_t)i, SINK + 4096 * (size_t)i,
		    4096, k1);
	q = ops_sqe(RDMAD_SHM_OP_SEND, 1, 0);
	ops_sge(p, &q, 0, 0, 2500, k0);		/* 3 segments */
	lp_post_send(p, 0, &q);
	q = ops_sqe(RDMAD_SHM_OP_READ, 2, 0);
	ops_sge(p, &q, 0, 8192, 100, k0);
	q.rkey = k1;
	q.remote_addr = lp_va(p, 1, 0);
	lp_post_send(p, 0, &q);
	q = ops_sqe(RDMAD_SHM_OP_FETCH_ADD, 3, 0);
	ops_sge(p, &q, 0, 16, 8, k0);
	q.rkey = k1;
	q.remote_addr = lp_va(p, 1, 0);
	lp_post_send(p, 0, &q);
	q = ops_sqe(RDMAD_SHM_OP_SEND, 4, 0);
	lp_post_send(p, 0, &q);			/* zero length */
	q = ops_sqe(RDMAD_SHM_OP_FETCH_ADD, 5, 0);
	ops_sge(p, &q, 0, 16, 8, k0);
	q.rkey = k1;
	q.remote_addr = lp_va(p, 1, 0);
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 0, c, 8) == 5);
	for (i = 0; i < 5; i++) {
		CU_ASSERT(c[i].wr_id == (uint64_t)i + 1);
		CU_ASSERT(c[i].status == RDMAD_WC_SUCCESS);
	}
	for (i = 0; i < lp_nrec(p, 0); i++) {
		b = lp_rec(p, 0, i, &len);
		CU_ASSERT_FATAL(rdmap_decode(b, len, &s) == WIRE_OK);
		if (s.ddp.tagged)
			continue;
		if (s.ddp.qn == RDMAP_QN_SEND) {
			CU_ASSERT(s.ddp.msn == want_send);
			CU_ASSERT(s.ddp.mo == (nsend < 3 ?
			    (uint32_t)nsend * (1024 - 18) : 0));
			nsend++;
			if (s.ddp.last)
				want_send++;
		} else if (s.ddp.qn == RDMAP_QN_READ_REQ) {
			CU_ASSERT(s.ddp.msn == want_rr);
			want_rr++;
		}
	}
	CU_ASSERT(nsend == 4);
	CU_ASSERT(want_send == 3 && want_rr == 4);
	for (i = 0; i < lp_nrec(p, 1); i++) {
		b = lp_rec(p, 1, i, &len);
		CU_ASSERT_FATAL(rdmap_decode(b, len, &s) == WIRE_OK);
		if (s.opcode == RDMAP_OP_ATOMIC_RESP) {
			CU_ASSERT(s.ddp.qn == 3 && s.ddp.msn == want_ar);
			/* Request Identifier: the request's MSN here. */
			CU_ASSERT(s.u.atomic_resp.req_id == (want_ar == 1 ?
			    2u : 3u));
			want_ar++;
		}
	}
	CU_ASSERT(want_ar == 3);
	lp_free(p);
}

/* Local Invalidate of a region: later access to it fails locally. */
static void
t_local_inv(void)
{
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe c[4];
	struct llp_pair *p;
	uint32_t k0, k1, k2;

	p = ops_world(1024, &k0, &k1);
	k2 = lp_reg(p, 0, 4096, 4096, RW);
	q = ops_sqe(RDMAD_SHM_OP_LOCAL_INV, 1, 0);
	q.rkey = k2;
	lp_post_send(p, 0, &q);
	q = ops_sqe(RDMAD_SHM_OP_SEND, 2, 0);
	ops_sge(p, &q, 0, 4096, 10, k2);
	lp_post_recv(p, 1, 1, SINK, 64, k1);
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 0, c, 4) == 2);
	CU_ASSERT(c[0].opcode == RDMAD_SHM_WC_LOCAL_INV);
	CU_ASSERT(c[0].status == RDMAD_WC_SUCCESS);
	CU_ASSERT(c[1].wr_id == 2);
	CU_ASSERT(c[1].status == RDMAD_WC_LOC_PROT_ERR);
	lp_free(p);
}

/*
 * Windows: type 1 bound, used remotely, rebound smaller; type 2 bound
 * through a QP, used, invalidated by the peer with Send with Invalidate
 * (and SE), then refused.
 */
static void
t_windows(void)
{
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe c[4];
	struct llp_pair *p;
	uint32_t k0, k1, w1, w2;

	p = ops_world(1024, &k0, &k1);
	CU_ASSERT(eng_mw_alloc(lp_pd(p, 1), 1, &w1) == 0);
	CU_ASSERT(eng_mw_alloc(lp_pd(p, 1), 2, &w2) == 0);
	/* Type 1 bind of side 1 [8192, 8192+4096), remote write. */
	q = ops_sqe(RDMAD_SHM_OP_BIND_MW, 1, 0);
	q.rkey = w1;
	q.bind_mr_lkey = k1;
	q.bind_access = ENG_ACCESS_REMOTE_WRITE;
	q.remote_addr = lp_va(p, 1, 8192);
	q.compare_add = 4096;		/* shm_abi.h: the window length */
	lp_post_send(p, 1, &q);
	/* Type 2 bind of [16384, +4096), remote read + write. */
	q.rkey = w2;
	q.wr_id = 2;
	q.bind_access = ENG_ACCESS_REMOTE_WRITE | ENG_ACCESS_REMOTE_READ;
	q.remote_addr = lp_va(p, 1, 16384);
	lp_post_send(p, 1, &q);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 1, c, 4) == 2);
	CU_ASSERT(c[0].opcode == RDMAD_SHM_WC_BIND_MW);
	CU_ASSERT(c[0].status == RDMAD_WC_SUCCESS);
	CU_ASSERT(c[1].status == RDMAD_WC_SUCCESS);
	/* Write through both windows. */
	ops_fill(lp_mem(p, 0), 200, 3);
	q = ops_sqe(RDMAD_SHM_OP_WRITE, 3, 0);
	ops_sge(p, &q, 0, 0, 100, k0);
	q.rkey = w1;
	q.remote_addr = lp_va(p, 1, 8192 + 4096 - 100);
	lp_post_send(p, 0, &q);
	q.rkey = w2;
	q.wr_id = 4;
	q.sge[0].addr = lp_va(p, 0, 100);
	q.remote_addr = lp_va(p, 1, 16384);
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 0, c, 4) == 2);
	CU_ASSERT(c[0].status == RDMAD_WC_SUCCESS);
	CU_ASSERT(c[1].status == RDMAD_WC_SUCCESS);
	CU_ASSERT(memcmp(lp_mem(p, 1) + 8192 + 4096 - 100, lp_mem(p, 0), 100)
	    == 0);
	CU_ASSERT(memcmp(lp_mem(p, 1) + 16384, lp_mem(p, 0) + 100, 100)
	    == 0);
	/* Send with SE and Invalidate of the type 2 window. */
	lp_post_recv(p, 1, 50, SINK, 64, k1);
	q = ops_sqe(RDMAD_SHM_OP_SEND_INV, 5, RDMAD_SHM_WR_SOLICITED);
	ops_sge(p, &q, 0, 0, 4, k0);
	q.rkey = w2;
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 1, c, 4) == 1);
	CU_ASSERT(c[0].status == RDMAD_WC_SUCCESS);
	CU_ASSERT(c[0].wc_flags ==
	    (RDMAD_SHM_WC_WITH_INV | RDMAD_SHM_WC_SOLICITED));
	CU_ASSERT(c[0].inv_rkey == w2);
	CU_ASSERT(c[0].byte_len == 4);
	CU_ASSERT(lp_poll(p, 0, c, 4) == 1);
	/* Rebind type 2 (it is invalid now), then plain Send with Inv. */
	q = ops_sqe(RDMAD_SHM_OP_BIND_MW, 6, 0);
	q.rkey = w2;
	q.bind_mr_lkey = k1;
	q.bind_access = ENG_ACCESS_REMOTE_WRITE;
	q.remote_addr = lp_va(p, 1, 16384);
	q.compare_add = 64;
	lp_post_send(p, 1, &q);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 1, c, 4) == 1);
	CU_ASSERT(c[0].status == RDMAD_WC_SUCCESS);
	lp_post_recv(p, 1, 51, SINK, 64, k1);
	q = ops_sqe(RDMAD_SHM_OP_SEND_INV, 7, 0);
	q.rkey = w2;
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 1, c, 4) == 1);
	CU_ASSERT(c[0].wc_flags == RDMAD_SHM_WC_WITH_INV);
	CU_ASSERT(c[0].byte_len == 0);
	CU_ASSERT(lp_poll(p, 0, c, 4) == 1);
	/* A region with windows bound cannot go; the window can. */
	CU_ASSERT(eng_mr_dereg(lp_owner(p, 1), k1) == -EBUSY);
	CU_ASSERT(eng_mw_dealloc(lp_owner(p, 1), w1) == 0);
	CU_ASSERT(eng_mw_dealloc(lp_owner(p, 1), w1) == -ENOENT);
	CU_ASSERT(eng_qp_state(lp_qp(p, 0)) == ENG_QPS_RTS);
	CU_ASSERT(eng_qp_state(lp_qp(p, 1)) == ENG_QPS_RTS);
	lp_free(p);
}

/* Exact octets of a Send, a Read Request and an Atomic Request. */
static void
t_golden(void)
{
	struct rdmad_shm_sqe q;
	struct llp_pair *p;
	const uint8_t *b;
	uint8_t want[128];
	uint32_t k0, k1;
	size_t len;
	long n;

	p = ops_world(1024, &k0, &k1);
	lp_record(p, 0, true);
	lp_post_recv(p, 1, 1, SINK, 64, k1);
	memcpy(lp_mem(p, 0), "hello", 5);
	q = ops_sqe(RDMAD_SHM_OP_SEND, 1, 0);
	ops_sge(p, &q, 0, 0, 5, k0);
	lp_post_send(p, 0, &q);
	q = ops_sqe(RDMAD_SHM_OP_READ, 2, 0);
	ops_sge(p, &q, 0, 0x100, 0x20, k0);
	q.rkey = 0x00000105;
	q.remote_addr = 0x1122334455667788ull;
	lp_drop(p, 0, true);		/* the Read would fail remotely */
	lp_post_send(p, 0, &q);
	q = ops_sqe(RDMAD_SHM_OP_CMP_SWAP, 3, 0);
	ops_sge(p, &q, 0, 0x200, 8, k0);
	q.rkey = 0x0a0b0c0d;
	q.remote_addr = 0x10;
	q.compare_add = 0xc;
	q.swap = 0x5;
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT_FATAL(lp_nrec(p, 0) == 3);
	/* Send: DDP untagged, L, DV 1; RV 1 opcode 3; QN 0 MSN 1 MO 0. */
	b = lp_rec(p, 0, 0, &len);
	n = tutil_hex("41 43 00000000 00000000 00000001 00000000"
	    "68 65 6c 6c 6f", want, sizeof(want));
	CU_ASSERT(len == (size_t)n && memcmp(b, want, len) == 0);
	/* Read Request (RFC 5040 §4.4): QN 1 MSN 1, sink, size, source. */
	b = lp_rec(p, 0, 1, &len);
	n = tutil_hex("41 41 00000000 00000001 00000001 00000000", want,
	    sizeof(want));
	buf_store_be32(want + n, k0);
	buf_store_be32(want + n + 4, (uint32_t)(lp_va(p, 0, 0x100) >> 32));
	buf_store_be32(want + n + 8, (uint32_t)lp_va(p, 0, 0x100));
	n += 12;
	n += tutil_hex("00000020 00000105 11223344 55667788", want + n,
	    sizeof(want) - (size_t)n);
	CU_ASSERT(len == (size_t)n && memcmp(b, want, len) == 0);
	/* Atomic Request (RFC 7306 §5.2.1): CmpSwap, Request Id = MSN 2. */
	b = lp_rec(p, 0, 2, &len);
	n = tutil_hex("41 4a 00000000 00000001 00000002 00000000"
	    "00000002 00000002 0a0b0c0d 00000000 00000010"
	    "00000000 00000005 ffffffff ffffffff"
	    "00000000 0000000c ffffffff ffffffff", want, sizeof(want));
	CU_ASSERT(len == (size_t)n && memcmp(b, want, len) == 0);
	lp_free(p);
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "Send 0 B .. 4 MiB, 1 KiB segments", t_send_1k },
		{ "Send 0 B .. 4 MiB, 64 KiB segments", t_send_64k },
		{ "Write + Read 0 B .. 4 MiB, 1 KiB segments", t_rw_1k },
		{ "Write + Read 0 B .. 4 MiB, 64 KiB segments", t_rw_64k },
		{ "Send gather 4 SGEs, scatter 2", t_send_sgl },
		{ "Send with SE, Immediate Data (SE), notify", t_se_imm },
		{ "Write with immediate", t_write_imm },
		{ "FetchAdd, CmpSwap", t_atomics },
		{ "masked FetchAdd (RFC 7306 5.1.1)", t_fetch_add_mask },
		{ "MSN per queue from 1", t_msn },
		{ "Local Invalidate", t_local_inv },
		{ "windows type 1 and 2, Send with Invalidate", t_windows },
		{ "golden octets: Send, Read Request, CmpSwap", t_golden },
		{ NULL, NULL }
	};

	return tutil_run("eng_ops", cases);
}
