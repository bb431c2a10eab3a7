/* test_eng_prot.c — protection and validation errors: exact Terminates. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "engine/eng_int.h"
#include "llp_pair.h"
#include "tutil.h"

#define ALL	(ENG_ACCESS_LOCAL_WRITE | ENG_ACCESS_REMOTE_WRITE | \
		 ENG_ACCESS_REMOTE_READ | ENG_ACCESS_REMOTE_ATOMIC | \
		 ENG_ACCESS_MW_BIND)
#define TERMW(l, t, c)	((uint32_t)(l) << 16 | (uint32_t)(t) << 8 | (c))

static struct rdmad_shm_sqe
pr_sqe(uint16_t op, uint64_t wr_id)
{
	struct rdmad_shm_sqe q;

	memset(&q, 0, sizeof(q));
	q.opcode = op;
	q.wr_id = wr_id;
	q.wr_flags = RDMAD_SHM_WR_SIGNALED;
	return q;
}

static void
pr_sge(struct llp_pair *p, struct rdmad_shm_sqe *q, int side, size_t off,
    uint32_t len, uint32_t lkey)
{
	q->sge[q->num_sge].addr = lp_va(p, side, off);
	q->sge[q->num_sge].length = len;
	q->sge[q->num_sge].lkey = lkey;
	q->num_sge++;
}

/* A connected pair recording both sides; k[side] covers all memory. */
static struct llp_pair *
pr_world(uint32_t k[2])
{
	struct lp_conf c;
	struct llp_pair *p;

	lp_conf_default(&c);
	c.ird = 2;
	p = lp_new(&c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	k[0] = lp_reg(p, 0, 0, 32768, ALL);
	k[1] = lp_reg(p, 1, 0, 32768, ALL);
	lp_record(p, 0, true);
	lp_record(p, 1, true);
	return p;
}

/* The Terminate `side` sent carries (l, t, c); returns it decoded. */
static bool
pr_term_is(struct llp_pair *p, int side, int l, int t, int c,
    struct rdmap_seg *s)
{
	if (!lp_last_term(p, side, s, NULL, NULL))
		return false;
	return s->u.term.triple.layer == l && s->u.term.triple.etype == t &&
	    s->u.term.triple.ecode == c;
}

/* Both QPs ended in ERROR with the given triple; who sent it. */
static void
pr_both_error(struct llp_pair *p, int sender, uint32_t word)
{
	struct term_triple t;
	bool sent;
	int i;

	for (i = 0; i < 2; i++) {
		CU_ASSERT(eng_qp_state(lp_qp(p, i)) == ENG_QPS_ERROR);
		CU_ASSERT_FATAL(eng_qp_term(lp_qp(p, i), &t, &sent));
		CU_ASSERT(TERMW(t.layer, t.etype, t.ecode) == word);
		CU_ASSERT(sent == (i == sender));
	}
	CU_ASSERT(lp_contract_errors(p) == 0);
}

/* Encode a segment of opcode s with payload into out; returns length. */
static size_t
pr_seg(struct rdmap_seg *s, const void *pay, size_t plen, uint8_t *out)
{
	int n = rdmap_encode(s, out, 128);

	CU_ASSERT_FATAL(n > 0);
	if (plen)
		memcpy(out + n, pay, plen);
	return (size_t)n + plen;
}

/*
 * Write past the end of a region: the segments inside are placed, the
 * one that crosses the end is not (RFC 5041 §7.1), the Terminate is
 * DDP tagged "base or bounds" (1/1/0x01) with M, D and the offending
 * DDP header, exactly; later segments are dropped; the writer's WR
 * fails with REM_ACCESS_ERR and the receiver's work is flushed.
 */
static void
t_write_bounds(void)
{
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe c[4];
	struct rdmap_seg s;
	struct llp_pair *p;
	const uint8_t *bad, *raw;
	uint8_t want[64], ok[64];
	size_t badlen, rawlen, n;
	uint32_t k[2], small;
	int i;

	p = pr_world(k);
	small = lp_reg(p, 1, 8192, 4096, ALL);
	memset(lp_mem(p, 0), 0xab, 3000);
	lp_post_recv(p, 1, 9, 0, 64, k[1]);
	lp_hold_tx_done(p, 0, true);
	q = pr_sqe(RDMAD_SHM_OP_WRITE, 1);
	pr_sge(p, &q, 0, 0, 3000, k[0]);
	q.rkey = small;
	q.remote_addr = lp_va(p, 1, 8192 + 2000);
	lp_post_send(p, 0, &q);
	lp_run(p);
	/* Segments: [2000,3010) [3010,4020) placed, [4020,5000) not. */
	CU_ASSERT(lp_mem(p, 1)[8192 + 2000] == 0xab);
	CU_ASSERT(lp_mem(p, 1)[8192 + 4019] == 0xab);
	for (i = 4020; i < 4096; i++)
		if (lp_mem(p, 1)[8192 + i] != 0)
			break;
	CU_ASSERT(i == 4096);
	CU_ASSERT(lp_mem(p, 1)[8192 + 4096] == 0);
	CU_ASSERT_FATAL(pr_term_is(p, 1, 1, 1, 0x01, &s));
	CU_ASSERT(s.u.term.m && s.u.term.d && !s.u.term.r);
	/* The exact Terminate octets, built from the offending segment. */
	CU_ASSERT_FATAL(lp_nrec(p, 0) == 3);
	bad = lp_rec(p, 0, 2, &badlen);
	CU_ASSERT(badlen == 14 + 980);
	CU_ASSERT(lp_last_term(p, 1, &s, &raw, &rawlen));
	n = (size_t)tutil_hex("41 47 00000000 00000002 00000001 00000000"
	    "  1101c000", want, sizeof(want));
	buf_store_be16(want + n, (uint16_t)badlen);
	memcpy(want + n + 2, bad, 14);
	CU_ASSERT(rawlen == n + 2 + 14);
	CU_ASSERT(memcmp(raw, want, rawlen) == 0);
	/* Later segments are dropped: a valid Write changes nothing. */
	rdmap_seg_init(&s, RDMAP_OP_WRITE);
	s.ddp.stag = k[1];
	s.ddp.to = lp_va(p, 1, 100);
	memset(ok, 0x5a, sizeof(ok));
	n = pr_seg(&s, ok, 8, want);
	CU_ASSERT(lp_inject(p, 1, want, n) == WIRE_OK);
	CU_ASSERT(lp_mem(p, 1)[100] == 0);
	/* Writer: REM_ACCESS_ERR with the triple; receiver: flushed. */
	lp_release_tx_done(p, 0);
	CU_ASSERT(lp_poll(p, 0, c, 4) == 1);
	CU_ASSERT(c[0].status == RDMAD_WC_REM_ACCESS_ERR);
	CU_ASSERT(c[0].term == TERMW(1, 1, 1));
	CU_ASSERT(lp_poll(p, 1, c, 4) == 1);
	CU_ASSERT(c[0].wr_id == 9);
	CU_ASSERT(c[0].status == RDMAD_WC_WR_FLUSH_ERR);
	CU_ASSERT(c[0].term == TERMW(1, 1, 1));
	pr_both_error(p, 1, TERMW(1, 1, 1));
	CU_ASSERT(lp_closed(p, 1, NULL));	/* graceful after Terminate */
	lp_free(p);
}

/* Read without REMOTE_READ: 0/1/0x02 with R and the Read Request. */
static void
t_read_no_rights(void)
{
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe c[4];
	struct rdmap_seg s;
	struct llp_pair *p;
	const uint8_t *req;
	size_t reqlen;
	uint32_t k[2], wo;

	p = pr_world(k);
	wo = lp_reg(p, 1, 4096, 4096, ENG_ACCESS_LOCAL_WRITE |
	    ENG_ACCESS_REMOTE_WRITE);
	q = pr_sqe(RDMAD_SHM_OP_READ, 3);
	pr_sge(p, &q, 0, 0, 100, k[0]);
	q.rkey = wo;
	q.remote_addr = lp_va(p, 1, 4096);
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT_FATAL(pr_term_is(p, 1, 0, 1, 0x02, &s));
	CU_ASSERT(s.u.term.m && s.u.term.d && s.u.term.r);
	req = lp_rec(p, 0, 0, &reqlen);
	CU_ASSERT_FATAL(reqlen == 18 + 28);
	CU_ASSERT(s.u.term.ddp_seg_len == 46);
	CU_ASSERT(memcmp(s.u.term.ddp_hdr, req, 18) == 0);
	CU_ASSERT(memcmp(s.u.term.rdma_hdr, req + 18, 28) == 0);
	CU_ASSERT(lp_poll(p, 0, c, 4) == 1);
	CU_ASSERT(c[0].wr_id == 3);
	CU_ASSERT(c[0].status == RDMAD_WC_REM_ACCESS_ERR);
	CU_ASSERT(c[0].term == TERMW(0, 1, 2));
	pr_both_error(p, 1, TERMW(0, 1, 2));
	lp_free(p);
}

/* Write to an invalidated STag: DDP Invalid STag (1/1/0x00). */
static void
t_invalidated(void)
{
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe c[4];
	struct rdmap_seg s;
	struct llp_pair *p;
	uint32_t k[2], r;

	p = pr_world(k);
	r = lp_reg(p, 1, 4096, 4096, ALL);
	q = pr_sqe(RDMAD_SHM_OP_LOCAL_INV, 1);
	q.rkey = r;
	lp_post_send(p, 1, &q);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 1, c, 4) == 1);
	CU_ASSERT(c[0].status == RDMAD_WC_SUCCESS);
	lp_hold_tx_done(p, 0, true);
	q = pr_sqe(RDMAD_SHM_OP_WRITE, 2);
	pr_sge(p, &q, 0, 0, 10, k[0]);
	q.rkey = r;
	q.remote_addr = lp_va(p, 1, 4096);
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(pr_term_is(p, 1, 1, 1, 0x00, &s));
	lp_release_tx_done(p, 0);
	CU_ASSERT(lp_poll(p, 0, c, 4) == 1);
	CU_ASSERT(c[0].status == RDMAD_WC_REM_ACCESS_ERR);
	pr_both_error(p, 1, TERMW(1, 1, 0));
	lp_free(p);
}

/* Region of another PD: Write 1/1/0x02, Read 0/1/0x03. */
static void
t_wrong_pd(void)
{
	struct rdmad_shm_sqe q;
	struct rdmap_seg s;
	struct llp_pair *p;
	struct eng_pd *pd2;
	uint32_t k[2], st;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		p = pr_world(k);
		CU_ASSERT_FATAL(eng_pd_create(lp_owner(p, 1), &pd2) == 0);
		CU_ASSERT(eng_mr_reg(pd2, lp_mem(p, 1) + 4096,
		    lp_va(p, 1, 4096), 4096, ALL, &st) == 0);
		CU_ASSERT(eng_pd_destroy(pd2) == -EBUSY);
		q = pr_sqe(pass ? RDMAD_SHM_OP_READ : RDMAD_SHM_OP_WRITE, 1);
		pr_sge(p, &q, 0, 0, 10, k[0]);
		q.rkey = st;
		q.remote_addr = lp_va(p, 1, 4096);
		lp_post_send(p, 0, &q);
		lp_run(p);
		if (pass == 0) {
			CU_ASSERT(pr_term_is(p, 1, 1, 1, 0x02, &s));
			pr_both_error(p, 1, TERMW(1, 1, 2));
		} else {
			CU_ASSERT(pr_term_is(p, 1, 0, 1, 0x03, &s));
			pr_both_error(p, 1, TERMW(0, 1, 3));
		}
		lp_free(p);
	}
}

/* Another owner's STag is simply invalid (RFC 5042 §5). */
static void
t_other_owner(void)
{
	struct rdmad_shm_sqe q;
	struct rdmap_seg s;
	struct llp_pair *p;
	struct eng_owner *o2;
	struct eng_pd *pd2;
	struct eng_cq *cq;
	uint32_t k[2], st;

	p = pr_world(k);
	CU_ASSERT_FATAL(eng_owner_create(lp_eng(p, 1), &o2) == 0);
	CU_ASSERT_FATAL(eng_pd_create(o2, &pd2) == 0);
	CU_ASSERT(eng_mr_reg(pd2, lp_mem(p, 1) + 4096, lp_va(p, 1, 4096),
	    4096, ALL, &st) == 0);
	/* o2 cannot use or free owner 1's objects, nor owner 1 o2's. */
	CU_ASSERT(eng_mr_dereg(o2, k[1]) == -ENOENT);
	CU_ASSERT(eng_mr_dereg(lp_owner(p, 1), st) == -ENOENT);
	cq = lp_cq(p, 1);
	{
		struct eng_qp_rings r;
		struct eng_qp *qp;
		struct rdmad_shm_qp_ctrl ctl;
		struct rdmad_shm_sqe sq[2];
		struct rdmad_shm_rqe rq[2];

		memset(&ctl, 0, sizeof(ctl));
		memset(sq, 0, sizeof(sq));
		memset(rq, 0, sizeof(rq));
		r.ctrl = &ctl;
		r.sq = sq;
		r.rq = rq;
		r.sq_depth = r.rq_depth = 2;
		CU_ASSERT(eng_qp_create(pd2, cq, cq, &r, 9, &qp) == -EINVAL);
	}
	q = pr_sqe(RDMAD_SHM_OP_WRITE, 1);
	pr_sge(p, &q, 0, 0, 10, k[0]);
	q.rkey = st;
	q.remote_addr = lp_va(p, 1, 4096);
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(pr_term_is(p, 1, 1, 1, 0x00, &s));
	pr_both_error(p, 1, TERMW(1, 1, 0));
	eng_owner_destroy(o2);
	lp_free(p);
}

/* Misaligned atomic: 0/2/0x07, memory untouched, REM_OP_ERR. */
static void
t_atomic_misaligned(void)
{
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe c[4];
	struct rdmap_seg s;
	struct llp_pair *p;
	uint32_t k[2];
	int i;

	p = pr_world(k);
	q = pr_sqe(RDMAD_SHM_OP_FETCH_ADD, 4);
	pr_sge(p, &q, 0, 0, 8, k[0]);
	q.rkey = k[1];
	q.remote_addr = lp_va(p, 1, 100 + 4 + 1);
	q.compare_add = 1;
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT_FATAL(pr_term_is(p, 1, 0, 2, 0x07, &s));
	CU_ASSERT(s.u.term.d && !s.u.term.r);	/* RFC 7306 §8.1 */
	for (i = 96; i < 120; i++)
		CU_ASSERT(lp_mem(p, 1)[i] == 0);
	CU_ASSERT(lp_poll(p, 0, c, 4) == 1);
	CU_ASSERT(c[0].status == RDMAD_WC_REM_OP_ERR);
	CU_ASSERT(c[0].opcode == RDMAD_SHM_WC_FETCH_ADD);
	pr_both_error(p, 1, TERMW(0, 2, 7));
	lp_free(p);
}

/* Send with no posted receive: 1/2/0x02; sender REM_INV_REQ_ERR. */
static void
t_send_no_recv(void)
{
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe c[4];
	struct rdmap_seg s;
	struct llp_pair *p;
	uint32_t k[2];

	p = pr_world(k);
	lp_hold_tx_done(p, 0, true);
	q = pr_sqe(RDMAD_SHM_OP_SEND, 5);
	pr_sge(p, &q, 0, 0, 10, k[0]);
	lp_post_send(p, 0, &q);
	q.wr_id = 6;
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT_FATAL(pr_term_is(p, 1, 1, 2, 0x02, &s));
	CU_ASSERT(s.u.term.m && s.u.term.d && s.u.term.ddp_seg_len == 28);
	CU_ASSERT(s.u.term.ddp_hdr[1] == 0x43);		/* RV 1, Send */
	lp_release_tx_done(p, 0);
	CU_ASSERT(lp_poll(p, 0, c, 4) == 2);
	CU_ASSERT(c[0].wr_id == 5);
	CU_ASSERT(c[0].status == RDMAD_WC_REM_INV_REQ_ERR);
	CU_ASSERT(c[1].wr_id == 6);
	CU_ASSERT(c[1].status == RDMAD_WC_WR_FLUSH_ERR);
	CU_ASSERT(c[1].term == TERMW(1, 2, 2));
	pr_both_error(p, 1, TERMW(1, 2, 2));
	lp_free(p);
}

/* Send longer than the receive: 1/2/0x05, LOC_LEN_ERR at the sink. */
static void
t_send_too_long(void)
{
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe c[4];
	struct rdmap_seg s;
	struct llp_pair *p;
	uint32_t k[2];

	p = pr_world(k);
	lp_post_recv(p, 1, 70, 0, 10, k[1]);
	lp_post_recv(p, 1, 71, 100, 10, k[1]);
	memset(lp_mem(p, 0), 0x11, 100);
	lp_hold_tx_done(p, 0, true);
	q = pr_sqe(RDMAD_SHM_OP_SEND, 7);
	pr_sge(p, &q, 0, 0, 100, k[0]);
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(pr_term_is(p, 1, 1, 2, 0x05, &s));
	CU_ASSERT(lp_mem(p, 1)[0] == 0);		/* nothing placed */
	CU_ASSERT(lp_poll(p, 1, c, 4) == 2);
	CU_ASSERT(c[0].wr_id == 70);
	CU_ASSERT(c[0].status == RDMAD_WC_LOC_LEN_ERR);
	CU_ASSERT(c[0].term == TERMW(1, 2, 5));
	CU_ASSERT(c[1].wr_id == 71);
	CU_ASSERT(c[1].status == RDMAD_WC_WR_FLUSH_ERR);
	lp_release_tx_done(p, 0);
	CU_ASSERT(lp_poll(p, 0, c, 4) == 1);
	CU_ASSERT(c[0].status == RDMAD_WC_REM_INV_REQ_ERR);
	pr_both_error(p, 1, TERMW(1, 2, 5));
	lp_free(p);
}

/* A Read Request (raw) of size at to through stag, MSN msn. */
static size_t
pr_read_req(uint32_t msn, uint32_t stag, uint64_t to, uint32_t size,
    uint8_t *out)
{
	struct rdmap_seg s;

	rdmap_seg_init(&s, RDMAP_OP_READ_REQ);
	s.ddp.msn = msn;
	s.u.read_req.sink_stag = 0x1234;
	s.u.read_req.sink_to = 0x1000;
	s.u.read_req.size = size;
	s.u.read_req.src_stag = stag;
	s.u.read_req.src_to = to;
	return pr_seg(&s, NULL, 0, out);
}

/* A third Read Request while IRD is 2: 1/2/0x02 "no buffer". */
static void
t_ird_exceeded(void)
{
	struct rdmap_seg s;
	struct llp_pair *p;
	uint8_t b[128];
	uint32_t k[2], i;
	size_t n;

	p = pr_world(k);
	for (i = 1; i <= 2; i++) {
		n = pr_read_req(i, k[1], lp_va(p, 1, 0), 16, b);
		CU_ASSERT(lp_inject(p, 1, b, n) == WIRE_OK);
	}
	n = pr_read_req(3, k[1], lp_va(p, 1, 0), 16, b);
	CU_ASSERT(lp_inject(p, 1, b, n) == WIRE_E_DDP_U_NO_BUF);
	lp_run(p);
	CU_ASSERT(pr_term_is(p, 1, 1, 2, 0x02, &s));
	CU_ASSERT(s.u.term.ddp_hdr[1] == 0x41);	/* the Read Request */
	/* Our Terminate replaced the responses: none went out. */
	CU_ASSERT(lp_nrec(p, 1) == 1);
	lp_free(p);
}

/* TO wrap: tagged 1/1/0x03; Read Request 0/1/0x04; MSN 1/2/0x03. */
static void
t_wraps_and_msn(void)
{
	struct rdmap_seg s;
	struct llp_pair *p;
	uint8_t b[256], pay[100];
	uint32_t k[2];
	size_t n;

	memset(pay, 1, sizeof(pay));
	p = pr_world(k);
	rdmap_seg_init(&s, RDMAP_OP_WRITE);
	s.ddp.stag = k[1];
	s.ddp.to = UINT64_MAX - 10;
	n = pr_seg(&s, pay, sizeof(pay), b);
	CU_ASSERT(lp_inject(p, 1, b, n) == WIRE_E_DDP_T_TO_WRAP);
	lp_run(p);
	CU_ASSERT(pr_term_is(p, 1, 1, 1, 0x03, &s));
	lp_free(p);

	p = pr_world(k);
	n = pr_read_req(1, k[1], UINT64_MAX - 10, 100, b);
	CU_ASSERT(lp_inject(p, 1, b, n) == WIRE_E_RDMAP_TO_WRAP);
	lp_run(p);
	CU_ASSERT(pr_term_is(p, 1, 0, 1, 0x04, &s));
	CU_ASSERT(s.u.term.r);
	lp_free(p);

	p = pr_world(k);
	lp_post_recv(p, 1, 1, 0, 64, k[1]);
	rdmap_seg_init(&s, RDMAP_OP_SEND);
	s.ddp.msn = 5;
	n = pr_seg(&s, pay, 10, b);
	CU_ASSERT(lp_inject(p, 1, b, n) == WIRE_E_DDP_U_MSN_RANGE);
	lp_run(p);
	CU_ASSERT(pr_term_is(p, 1, 1, 2, 0x03, &s));
	lp_free(p);

	/* A Read Response nobody asked for: unexpected opcode 0/2/0x06. */
	p = pr_world(k);
	rdmap_seg_init(&s, RDMAP_OP_READ_RESP);
	s.ddp.stag = k[0];
	s.ddp.to = lp_va(p, 0, 0);
	n = pr_seg(&s, pay, 10, b);
	CU_ASSERT(lp_inject(p, 0, b, n) == WIRE_E_RDMAP_OPCODE);
	lp_run(p);
	CU_ASSERT(pr_term_is(p, 0, 0, 2, 0x06, &s));
	CU_ASSERT(lp_mem(p, 0)[0] == 0);
	lp_free(p);

	/* Zero-length tagged segments are not checked (RFC 5041 §5.2). */
	p = pr_world(k);
	rdmap_seg_init(&s, RDMAP_OP_WRITE);
	s.ddp.stag = 0xdead00;
	s.ddp.to = UINT64_MAX;
	n = pr_seg(&s, NULL, 0, b);
	CU_ASSERT(lp_inject(p, 1, b, n) == WIRE_OK);
	CU_ASSERT(eng_qp_state(lp_qp(p, 1)) == ENG_QPS_RTS);
	lp_free(p);
}

/* Send with Invalidate of a region (0/1/0x09) or a bad STag (0/1/0). */
static void
t_send_inv_bad(void)
{
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe c[4];
	struct rdmap_seg s;
	struct llp_pair *p;
	uint32_t k[2];
	int pass;

	for (pass = 0; pass < 2; pass++) {
		p = pr_world(k);
		lp_post_recv(p, 1, 1, 0, 64, k[1]);
		q = pr_sqe(RDMAD_SHM_OP_SEND_INV, 1);
		q.rkey = pass ? k[1] ^ 0x55 : k[1];
		lp_post_send(p, 0, &q);
		lp_run(p);
		CU_ASSERT(pr_term_is(p, 1, 0, 1, pass ? 0x00 : 0x09, &s));
		CU_ASSERT(!s.u.term.r);
		CU_ASSERT(lp_poll(p, 1, c, 4) == 1);
		CU_ASSERT(c[0].status == RDMAD_WC_LOC_PROT_ERR);
		lp_free(p);
	}
}

/* A Terminate from the peer: ERROR, triple recorded, work flushed. */
static void
t_recv_terminate(void)
{
	struct rdmad_shm_cqe c[4];
	struct rdmap_seg s;
	struct term_triple t;
	struct llp_pair *p;
	uint8_t b[128];
	uint32_t k[2];
	bool sent;
	size_t n;

	p = pr_world(k);
	lp_post_recv(p, 1, 33, 0, 64, k[1]);
	rdmap_seg_init(&s, RDMAP_OP_TERMINATE);
	s.ddp.msn = 1;
	s.u.term.triple.layer = 2;
	s.u.term.triple.etype = 0;
	s.u.term.triple.ecode = 2;
	n = pr_seg(&s, NULL, 0, b);
	CU_ASSERT(lp_inject(p, 1, b, n) == WIRE_OK);
	CU_ASSERT(eng_qp_state(lp_qp(p, 1)) == ENG_QPS_ERROR);
	CU_ASSERT(eng_qp_term(lp_qp(p, 1), &t, &sent));
	CU_ASSERT(t.layer == 2 && t.etype == 0 && t.ecode == 2 && !sent);
	CU_ASSERT(lp_poll(p, 1, c, 4) == 1);
	CU_ASSERT(c[0].wr_id == 33);
	CU_ASSERT(c[0].status == RDMAD_WC_WR_FLUSH_ERR);
	CU_ASSERT(c[0].term == TERMW(2, 0, 2));
	lp_run(p);
	CU_ASSERT(lp_nrec(p, 1) == 0);		/* nothing sent back */
	lp_free(p);
}

/* One garbage SQE: its own error, Terminate 0/0/0 (no headers). */
static void
pr_garbage(const struct rdmad_shm_sqe *g, uint16_t status)
{
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe c[8];
	struct rdmap_seg s;
	struct llp_pair *p;
	uint32_t k[2];

	p = pr_world(k);
	lp_put_sqe(p, 0, g);
	q = pr_sqe(RDMAD_SHM_OP_SEND, 2);
	lp_put_sqe(p, 0, &q);
	lp_doorbell(p, 0);
	lp_run(p);
	CU_ASSERT(lp_poll(p, 0, c, 8) == 2);
	CU_ASSERT(c[0].wr_id == 1);
	CU_ASSERT(c[0].status == status);
	CU_ASSERT(c[0].term == TERMW(0, 0, 0));
	CU_ASSERT(c[1].wr_id == 2);
	CU_ASSERT(c[1].status == RDMAD_WC_WR_FLUSH_ERR);
	CU_ASSERT(pr_term_is(p, 0, 0, 0, 0, &s));
	CU_ASSERT(!s.u.term.m && !s.u.term.d && !s.u.term.r);
	pr_both_error(p, 0, TERMW(0, 0, 0));
	/* Work posted afterwards is flushed, never run. */
	lp_post_send(p, 0, &q);
	CU_ASSERT(lp_poll(p, 0, c, 8) == 1);
	CU_ASSERT(c[0].status == RDMAD_WC_WR_FLUSH_ERR);
	lp_free(p);
}

static void
t_garbage_sqes(void)
{
	struct rdmad_shm_sqe g;
	int i;

	memset(&g, 0, sizeof(g));
	g.wr_id = 1;
	g.opcode = 77;
	pr_garbage(&g, RDMAD_WC_LOC_QP_OP_ERR);
	g.opcode = RDMAD_SHM_OP_SEND;
	g.num_sge = 200;
	pr_garbage(&g, RDMAD_WC_LOC_QP_OP_ERR);
	g.num_sge = 4;
	for (i = 0; i < 4; i++) {
		g.sge[i].addr = UINT64_MAX - 5;
		g.sge[i].length = UINT32_MAX;
		g.sge[i].lkey = 0xffffffff;
	}
	pr_garbage(&g, RDMAD_WC_LOC_PROT_ERR);
	g.opcode = RDMAD_SHM_OP_WRITE;
	pr_garbage(&g, RDMAD_WC_LOC_PROT_ERR);
	g.opcode = RDMAD_SHM_OP_READ;
	g.num_sge = 1;
	pr_garbage(&g, RDMAD_WC_LOC_PROT_ERR);
	g.num_sge = 2;
	pr_garbage(&g, RDMAD_WC_LOC_QP_OP_ERR);
	g.opcode = RDMAD_SHM_OP_FETCH_ADD;
	g.num_sge = 1;
	pr_garbage(&g, RDMAD_WC_LOC_QP_OP_ERR);
	g.opcode = RDMAD_SHM_OP_BIND_MW;
	pr_garbage(&g, RDMAD_WC_MW_BIND_ERR);
	g.opcode = RDMAD_SHM_OP_LOCAL_INV;
	g.rkey = 0x12345678;
	pr_garbage(&g, RDMAD_WC_LOC_PROT_ERR);
	g.opcode = RDMAD_SHM_OP_SEND;
	g.num_sge = 0;
	g.wr_flags = 0x80000000u;
	pr_garbage(&g, RDMAD_WC_LOC_QP_OP_ERR);
}

/*
 * Type 2 windows belong to the QP they were bound through (RFC 5042 §5):
 * the same window used over another QP of the PD is "STag not associated"
 * (1/1/0x02); once the peer invalidated it, it is an invalid STag.
 */
static void
t_mw2_scope(void)
{
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe c[4];
	struct rdmap_seg s;
	struct llp_pair *p;
	struct eng_qp_rings r;
	struct eng_qp *qp2;
	struct rdmad_shm_qp_ctrl ctl;
	struct rdmad_shm_sqe sq[2];
	struct rdmad_shm_rqe rq[2];
	uint32_t k[2], w2;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		p = pr_world(k);
		CU_ASSERT(eng_mw_alloc(lp_pd(p, 1), 2, &w2) == 0);
		memset(&q, 0, sizeof(q));
		q.opcode = RDMAD_SHM_OP_BIND_MW;
		q.rkey = w2;
		q.bind_mr_lkey = k[1];
		q.bind_access = ENG_ACCESS_REMOTE_WRITE;
		q.remote_addr = lp_va(p, 1, 4096);
		q.compare_add = 4096;
		memset(&ctl, 0, sizeof(ctl));
		memset(sq, 0, sizeof(sq));
		memset(rq, 0, sizeof(rq));
		r.ctrl = &ctl;
		r.sq = sq;
		r.rq = rq;
		r.sq_depth = r.rq_depth = 2;
		CU_ASSERT_FATAL(eng_qp_create(lp_pd(p, 1), lp_cq(p, 1),
		    lp_cq(p, 1), &r, 7, &qp2) == 0);
		if (pass == 0) {
			/* Bound through qp2, used over the pair's QP. */
			CU_ASSERT(stag_bind(qp2, &q) == 0);
		} else {
			/* Bound through the pair's QP, then invalidated. */
			CU_ASSERT(stag_bind(lp_qp(p, 1), &q) == 0);
			CU_ASSERT(stag_bind(lp_qp(p, 1), &q) ==
			    RDMAD_WC_MW_BIND_ERR);	/* still bound */
			lp_post_recv(p, 1, 1, 0, 64, k[1]);
			q = pr_sqe(RDMAD_SHM_OP_SEND_INV, 1);
			q.rkey = w2;
			lp_post_send(p, 0, &q);
			lp_run(p);
			CU_ASSERT(lp_poll(p, 1, c, 4) == 1);
			CU_ASSERT(c[0].status == RDMAD_WC_SUCCESS);
			CU_ASSERT(c[0].inv_rkey == w2);
			CU_ASSERT(lp_poll(p, 0, c, 4) == 1);
		}
		q = pr_sqe(RDMAD_SHM_OP_WRITE, 2);
		pr_sge(p, &q, 0, 0, 10, k[0]);
		q.rkey = w2;
		q.remote_addr = lp_va(p, 1, 4096);
		lp_post_send(p, 0, &q);
		lp_run(p);
		CU_ASSERT(pr_term_is(p, 1, 1, 1, pass ? 0x00 : 0x02, &s));
		pr_both_error(p, 1, pass ? TERMW(1, 1, 0) : TERMW(1, 1, 2));
		eng_qp_destroy(qp2);
		lp_free(p);
	}
}

/*
 * The region an atomic's result goes to is deregistered before the
 * response arrives: the engine must not write there (LOC_PROT_ERR).
 */
static void
t_atomic_sink_gone(void)
{
	struct rdmad_shm_sqe q;
	struct rdmad_shm_cqe c[4];
	struct rdmap_seg s;
	struct llp_pair *p;
	uint8_t b[64];
	uint32_t k[2], sink;
	size_t n;

	p = pr_world(k);
	sink = lp_reg(p, 0, 8192, 64, ALL);
	lp_drop(p, 1, true);
	q = pr_sqe(RDMAD_SHM_OP_CMP_SWAP, 1);
	pr_sge(p, &q, 0, 8192, 8, sink);
	q.rkey = k[1];
	q.remote_addr = lp_va(p, 1, 64);
	lp_post_send(p, 0, &q);
	lp_run(p);
	CU_ASSERT(eng_mr_dereg(lp_owner(p, 0), sink) == 0);
	rdmap_seg_init(&s, RDMAP_OP_ATOMIC_RESP);
	s.ddp.msn = 1;
	s.u.atomic_resp.req_id = 1;
	s.u.atomic_resp.orig = 0x0102030405060708ull;
	n = pr_seg(&s, NULL, 0, b);
	CU_ASSERT(lp_inject(p, 0, b, n) == WIRE_OK);
	CU_ASSERT(lp_mem(p, 0)[8192] == 0);
	CU_ASSERT(lp_poll(p, 0, c, 4) == 1);
	CU_ASSERT(c[0].status == RDMAD_WC_LOC_PROT_ERR);
	CU_ASSERT(eng_qp_state(lp_qp(p, 0)) != ENG_QPS_RTS);
	lp_free(p);
}

/* Random bytes as segments: never a crash, a contract break or a hang. */
static void
t_random_segments(void)
{
	struct llp_pair *p;
	uint8_t b[200];
	uint32_t k[2], x = 12345;
	size_t len, i;
	int it, bad = 0, cerr = 0;

	p = NULL;
	for (it = 0; it < 3000; it++) {
		if (it % 100 == 0) {
			if (p != NULL) {
				cerr += lp_contract_errors(p);
				lp_free(p);
			}
			p = pr_world(k);
			lp_post_recv(p, 1, 1, 0, 4096, k[1]);
		}
		len = (x >> 3) % sizeof(b);
		for (i = 0; i < len; i++) {
			x = x * 1664525u + 1013904223u;
			b[i] = (uint8_t)(x >> 24);
		}
		/* Bias toward plausible headers: DV 1, RV 1, QN 0-3. */
		if (len > 18 && (it & 1)) {
			b[0] = (uint8_t)((b[0] & 0xc0) | 1);
			b[1] = (uint8_t)(0x40 | (b[1] & 0x0f));
			if (!(b[0] & 0x80)) {
				memset(b + 6, 0, 3);
				b[9] &= 3;
				memset(b + 10, 0, 3);
				b[13] = 1;
				memset(b + 14, 0, 4);
			} else {
				memcpy(b + 2, &k[1], 4);
			}
		}
		x = x * 1664525u + 1013904223u;
		(void)lp_inject(p, 1, b, len);
		lp_run(p);
		if (eng_qp_state(lp_qp(p, 1)) != ENG_QPS_RTS)
			bad++;
	}
	cerr += lp_contract_errors(p);
	CU_ASSERT(cerr == 0);
	CU_ASSERT(bad > 0);
	lp_free(p);
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "Write out of bounds: exact Terminate", t_write_bounds },
		{ "Read without rights: 0/1/2 with R", t_read_no_rights },
		{ "invalidated STag: 1/1/0", t_invalidated },
		{ "wrong PD: 1/1/2, 0/1/3", t_wrong_pd },
		{ "another owner's STag: 1/1/0", t_other_owner },
		{ "atomic misaligned: 0/2/7", t_atomic_misaligned },
		{ "Send without receive: 1/2/2", t_send_no_recv },
		{ "Send too long: 1/2/5", t_send_too_long },
		{ "IRD exceeded: 1/2/2", t_ird_exceeded },
		{ "TO wrap, MSN range, unexpected", t_wraps_and_msn },
		{ "Send with Invalidate refused", t_send_inv_bad },
		{ "Terminate received", t_recv_terminate },
		{ "garbage SQEs", t_garbage_sqes },
		{ "type 2 window scope and invalidation", t_mw2_scope },
		{ "atomic result region gone", t_atomic_sink_gone },
		{ "random segments", t_random_segments },
		{ NULL, NULL }
	};

	return tutil_run("eng_prot", cases);
}
