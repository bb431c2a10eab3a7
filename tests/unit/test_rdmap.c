/* test_rdmap.c — RDMAP (RFC 5040, RFC 7306) segment and Terminate tests. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tutil.h"
#include "wire/rdmap.h"
#include "wire/term.h"

/* ---- Golden segments, one per opcode (RFC 5040 / RFC 7306 App. A) ---- */

/* 0x0 RDMA Write, RFC 5040 A.1 Figure 11. */
static const char v_write[] =
    "c1"			/* DDP: T=1 L=1 Rsvd=0 DV=01 */
    "40"			/* RDMAP: RV=01 Rsv=00 Opcode=0x0 Write */
    "00 01 02 03"		/* Data Sink STag */
    "00 00 00 00 00 00 10 00"	/* Data Sink Tagged Offset 0x1000 */
    "de ad be ef";		/* ULP payload, 4 octets */

/* 0x1 RDMA Read Request, RFC 5040 A.2 Figure 12 (whole message). */
static const char v_read_req[] =
    "41"			/* DDP: T=0 L=1 DV=01 */
    "41"			/* RDMAP: RV=01 Opcode=0x1 Read Request */
    "00 00 00 00"		/* Reserved (Invalidate STag N/A) */
    "00 00 00 01"		/* QN 1: Read Request queue */
    "00 00 00 07"		/* MSN 7 */
    "00 00 00 00"		/* MO 0 */
    "11 22 33 44"		/* Data Sink STag */
    "00 00 00 00 00 00 20 00"	/* Data Sink TO 0x2000 */
    "00 00 10 00"		/* RDMA Read Message Size 4096 */
    "55 66 77 88"		/* Data Source STag */
    "00 00 7f 00 00 00 00 00";	/* Data Source TO 0x7f0000000000 */

/* 0x2 RDMA Read Response, RFC 5040 A.3 Figure 13. */
static const char v_read_resp[] =
    "c1"			/* DDP: T=1 L=1 DV=01 */
    "42"			/* RDMAP: RV=01 Opcode=0x2 Read Response */
    "11 22 33 44"		/* Data Sink STag (from the request) */
    "00 00 00 00 00 00 20 00"	/* Data Sink TO */
    "01 02 03 04 05 06 07 08";	/* ULP payload, 8 octets */

/* 0x3 Send, RFC 5040 A.4 Figure 14. */
static const char v_send[] =
    "41"			/* DDP: T=0 L=1 DV=01 */
    "43"			/* RDMAP: RV=01 Opcode=0x3 Send */
    "00 00 00 00"		/* Reserved (Not Used) */
    "00 00 00 00"		/* QN 0: Send queue */
    "00 00 00 01"		/* MSN 1 */
    "00 00 00 00"		/* MO 0 */
    "68 65 6c 6c 6f";		/* ULP payload "hello" */

/* 0x4 Send with Invalidate, RFC 5040 A.5 Figure 15. */
static const char v_send_inv[] =
    "41"			/* DDP: T=0 L=1 DV=01 */
    "44"			/* RDMAP: RV=01 Opcode=0x4 Send w/ Inv */
    "ca fe 00 01"		/* Invalidate STag 0xcafe0001 */
    "00 00 00 00"		/* QN 0 */
    "00 00 00 02"		/* MSN 2 */
    "00 00 00 00"		/* MO 0 */
    "78";			/* ULP payload "x" */

/* 0x5 Send with SE, zero-length (RFC 5040 §5.3: "MAY pass a zero-length"). */
static const char v_send_se[] =
    "41"			/* DDP: T=0 L=1 DV=01 */
    "45"			/* RDMAP: RV=01 Opcode=0x5 Send w/ SE */
    "00 00 00 00"		/* Reserved */
    "00 00 00 00"		/* QN 0 */
    "00 00 00 03"		/* MSN 3 */
    "00 00 00 00";		/* MO 0; no payload */

/* 0x6 Send with SE and Invalidate, RFC 5040 A.5 Figure 15. */
static const char v_send_se_inv[] =
    "41"			/* DDP: T=0 L=1 DV=01 */
    "46"			/* RDMAP: RV=01 Opcode=0x6 Send w/ SE+Inv */
    "ca fe 00 02"		/* Invalidate STag 0xcafe0002 */
    "00 00 00 00"		/* QN 0 */
    "00 00 00 04"		/* MSN 4 */
    "00 00 00 00"		/* MO 0 */
    "01 02";			/* ULP payload, 2 octets */

/*
 * 0x7 Terminate, RFC 5040 A.6 Figure 16, with all three HdrCt bits: the
 * Terminate a Data Source sends for a TO-wrapping Read Request (RFC 5040
 * §7.2 4e, Figure 10: Remote Protection carries DDP and RDMA header).
 */
static const char v_term[] =
    "41"			/* DDP: T=0 L=1 DV=01 */
    "47"			/* RDMAP: RV=01 Opcode=0x7 Terminate */
    "00 00 00 00"		/* Reserved */
    "00 00 00 02"		/* QN 2: Terminate queue */
    "00 00 00 01"		/* MSN 1 */
    "00 00 00 00"		/* MO 0 */
    "01 04 e0 00"		/* Layer 0 RDMAP | EType 1 Remote Prot. |
				 * Error Code 0x04 TO wrap | M=1 D=1 R=1 |
				 * Reserved 0 */
    "00 2e"			/* DDP Segment Length 46 */
    "41 41 00 00 00 00 00 00 00 01 00 00 00 07 00 00 00 00"
				/* terminated DDP header (v_read_req) */
    "11 22 33 44 00 00 00 00 00 00 20 00 00 00 10 00"
    "55 66 77 88 00 00 7f 00 00 00 00 00";
				/* terminated RDMA header (v_read_req) */

/* 0x8 Immediate Data, RFC 7306 A.3. */
static const char v_imm[] =
    "41"			/* DDP: T=0 L=1 DV=01 */
    "48"			/* RDMAP: RV=01 Opcode=0x8 Immediate Data */
    "00 00 00 00"		/* Reserved */
    "00 00 00 00"		/* QN 0 (Send queue, RFC 7306 §6.3) */
    "00 00 00 05"		/* MSN 5 */
    "00 00 00 00"		/* MO 0 */
    "01 23 45 67 89 ab cd ef";	/* Immediate Data, 8 octets */

/* 0x9 Immediate Data with SE, RFC 7306 A.3. */
static const char v_imm_se[] =
    "41"			/* DDP: T=0 L=1 DV=01 */
    "49"			/* RDMAP: RV=01 Opcode=0x9 Imm. Data w/ SE */
    "00 00 00 00"		/* Reserved */
    "00 00 00 00"		/* QN 0 */
    "00 00 00 06"		/* MSN 6 */
    "00 00 00 00"		/* MO 0 */
    "ff ee dd cc bb aa 99 88";	/* Immediate Data */

/* 0xA Atomic Request, CmpSwap, RFC 7306 A.1 / §5.2.1 Figure 4. */
static const char v_atomic_req[] =
    "41"			/* DDP: T=0 L=1 DV=01 */
    "4a"			/* RDMAP: RV=01 Opcode=0xA Atomic Request */
    "00 00 00 00"		/* Reserved */
    "00 00 00 01"		/* QN 1 (Read Request queue, §5.2) */
    "00 00 00 02"		/* MSN 2 */
    "00 00 00 00"		/* MO 0 */
    "00 00 00 02"		/* Reserved (28 bits) | AOpCode 2 CmpSwap */
    "00 00 00 2a"		/* Request Identifier 42 */
    "99 88 77 66"		/* Remote STag */
    "00 00 00 00 00 00 30 08"	/* Remote Tagged Offset 0x3008 */
    "00 00 00 00 00 00 00 05"	/* Swap Data 5 */
    "ff ff ff ff ff ff ff ff"	/* Swap Mask */
    "00 00 00 00 00 00 00 04"	/* Compare Data 4 */
    "ff ff ff ff ff ff ff f0";	/* Compare Mask */

/* 0xA Atomic Request, FetchAdd (RFC 7306 §5.1.1, Figure 5 N/A fields). */
static const char v_atomic_fa[] =
    "41 4a"			/* DDP T=0 L=1; RDMAP Atomic Request */
    "00 00 00 00"		/* Reserved */
    "00 00 00 01"		/* QN 1 */
    "00 00 00 03"		/* MSN 3 */
    "00 00 00 00"		/* MO 0 */
    "00 00 00 00"		/* Reserved | AOpCode 0 FetchAdd */
    "00 00 00 2b"		/* Request Identifier 43 */
    "99 88 77 66"		/* Remote STag */
    "00 00 00 00 00 00 30 10"	/* Remote TO 0x3010 */
    "00 00 00 00 00 00 00 01"	/* Add Data 1 */
    "00 00 00 00 00 00 00 00"	/* Add Mask 0: plain 64-bit add */
    "00 00 00 00 00 00 00 00"	/* Compare Data: N/A, zero */
    "ff ff ff ff ff ff ff ff";	/* Compare Mask: N/A, all ones */

/* 0xB Atomic Response, RFC 7306 A.2 / §5.2.2 Figure 6 (12 octets). */
static const char v_atomic_resp[] =
    "41"			/* DDP: T=0 L=1 DV=01 */
    "4b"			/* RDMAP: RV=01 Opcode=0xB Atomic Response */
    "00 00 00 00"		/* Reserved */
    "00 00 00 03"		/* QN 3: Atomic Response queue */
    "00 00 00 02"		/* MSN 2 */
    "00 00 00 00"		/* MO 0 */
    "00 00 00 2a"		/* Original Request Identifier 42 */
    "00 00 00 00 00 00 00 04";	/* Original Remote Data Value 4 */

/* Intermediate segments of multi-segment messages (RFC 5041 §5.2). */
static const char v_write_mid[] =
    "81 40"			/* T=1 L=0; RDMA Write */
    "00 01 02 03"		/* STag */
    "00 00 00 00 00 00 10 04"	/* TO 0x1004 */
    "aa";			/* payload */
static const char v_send_mid[] =
    "01 43"			/* T=0 L=0; Send */
    "00 00 00 00 00 00 00 00"	/* Reserved, QN 0 */
    "00 00 00 01"		/* MSN 1 */
    "00 00 05 ca"		/* MO 1482 */
    "aa bb";			/* payload */

struct rdmap_t_vec {
	const char	*name;
	const char	*hex;
	unsigned int	 op;
	size_t		 hdr_len;
	size_t		 payload_len;
};

static const struct rdmap_t_vec rdmap_t_vecs[] = {
	{ "write", v_write, RDMAP_OP_WRITE, 14, 4 },
	{ "read_req", v_read_req, RDMAP_OP_READ_REQ, 46, 0 },
	{ "read_resp", v_read_resp, RDMAP_OP_READ_RESP, 14, 8 },
	{ "send", v_send, RDMAP_OP_SEND, 18, 5 },
	{ "send_inv", v_send_inv, RDMAP_OP_SEND_INV, 18, 1 },
	{ "send_se", v_send_se, RDMAP_OP_SEND_SE, 18, 0 },
	{ "send_se_inv", v_send_se_inv, RDMAP_OP_SEND_SE_INV, 18, 2 },
	{ "terminate", v_term, RDMAP_OP_TERMINATE, 70, 0 },
	{ "imm", v_imm, RDMAP_OP_IMM, 26, 0 },
	{ "imm_se", v_imm_se, RDMAP_OP_IMM_SE, 26, 0 },
	{ "atomic_req", v_atomic_req, RDMAP_OP_ATOMIC_REQ, 70, 0 },
	{ "atomic_fa", v_atomic_fa, RDMAP_OP_ATOMIC_REQ, 70, 0 },
	{ "atomic_resp", v_atomic_resp, RDMAP_OP_ATOMIC_RESP, 30, 0 },
	{ "write_mid", v_write_mid, RDMAP_OP_WRITE, 14, 1 },
	{ "send_mid", v_send_mid, RDMAP_OP_SEND, 18, 2 },
	{ NULL, NULL, 0, 0, 0 }
};

/* ---- Helpers ------------------------------------------------------------ */

/* Decode the first k octets of b from an exactly sized heap copy. */
static enum wire_err
rdmap_t_decode_exact(const uint8_t *b, size_t k, struct rdmap_seg *s)
{
	uint8_t *p = malloc(k ? k : 1);
	enum wire_err err;

	CU_ASSERT_FATAL(p != NULL);
	memcpy(p, b, k);
	err = rdmap_decode(k ? p : NULL, k, s);
	if (err == WIRE_OK && s->payload_len > 0)
		CU_ASSERT_PTR_EQUAL(s->payload, p + s->hdr_len);
	free(p);
	return err;
}

/* Decode hex (after patch(b) if given); return the error. */
static enum wire_err
rdmap_t_dec(const char *hex, void (*patch)(uint8_t *, size_t *),
    struct rdmap_seg *s)
{
	uint8_t b[128];
	size_t n = tutil_hex_ok(hex, b, sizeof(b));

	if (patch != NULL)
		patch(b, &n);
	return rdmap_t_decode_exact(b, n, s);
}

/* ---- Golden vectors: every field of every opcode ----------------------- */

static void
t_golden_write(void)
{
	struct rdmap_seg s;
	uint8_t b[64];
	size_t n = tutil_hex_ok(v_write, b, sizeof(b));

	CU_ASSERT_EQUAL(rdmap_decode(b, n, &s), WIRE_OK);
	CU_ASSERT_TRUE(s.ddp.tagged);
	CU_ASSERT_TRUE(s.ddp.last);
	CU_ASSERT_EQUAL(s.rv, 1);
	CU_ASSERT_EQUAL(s.opcode, RDMAP_OP_WRITE);
	CU_ASSERT_EQUAL(s.ddp.stag, 0x00010203);
	CU_ASSERT_EQUAL(s.ddp.to, 0x1000);
	CU_ASSERT_EQUAL(s.hdr_len, 14);
	CU_ASSERT_EQUAL(s.payload_len, 4);
	CU_ASSERT_PTR_EQUAL(s.payload, b + 14);
	CU_ASSERT_EQUAL(memcmp(s.payload, "\xde\xad\xbe\xef", 4), 0);

	n = tutil_hex_ok(v_write_mid, b, sizeof(b));
	CU_ASSERT_EQUAL(rdmap_decode(b, n, &s), WIRE_OK);
	CU_ASSERT_FALSE(s.ddp.last);
	CU_ASSERT_EQUAL(s.ddp.to, 0x1004);
	CU_ASSERT_EQUAL(s.payload_len, 1);
}

static void
t_golden_read_req(void)
{
	struct rdmap_seg s;
	uint8_t b[64];
	size_t n = tutil_hex_ok(v_read_req, b, sizeof(b));
	const struct rdmap_read_req *rr = &s.u.read_req;

	CU_ASSERT_EQUAL(n, 46);
	CU_ASSERT_EQUAL(rdmap_decode(b, n, &s), WIRE_OK);
	CU_ASSERT_FALSE(s.ddp.tagged);
	CU_ASSERT_TRUE(s.ddp.last);
	CU_ASSERT_EQUAL(s.opcode, RDMAP_OP_READ_REQ);
	CU_ASSERT_EQUAL(s.ddp.qn, 1);
	CU_ASSERT_EQUAL(s.ddp.msn, 7);
	CU_ASSERT_EQUAL(s.ddp.mo, 0);
	CU_ASSERT_EQUAL(rr->sink_stag, 0x11223344);
	CU_ASSERT_EQUAL(rr->sink_to, 0x2000);
	CU_ASSERT_EQUAL(rr->size, 4096);
	CU_ASSERT_EQUAL(rr->src_stag, 0x55667788);
	CU_ASSERT_EQUAL(rr->src_to, UINT64_C(0x7f0000000000));
	CU_ASSERT_EQUAL(s.hdr_len, 46);
	CU_ASSERT_EQUAL(s.payload_len, 0);
}

static void
t_golden_read_resp(void)
{
	struct rdmap_seg s;
	uint8_t b[64];
	size_t n = tutil_hex_ok(v_read_resp, b, sizeof(b));

	CU_ASSERT_EQUAL(rdmap_decode(b, n, &s), WIRE_OK);
	CU_ASSERT_TRUE(s.ddp.tagged);
	CU_ASSERT_EQUAL(s.opcode, RDMAP_OP_READ_RESP);
	CU_ASSERT_EQUAL(s.ddp.stag, 0x11223344);
	CU_ASSERT_EQUAL(s.ddp.to, 0x2000);
	CU_ASSERT_EQUAL(s.hdr_len, 14);
	CU_ASSERT_EQUAL(s.payload_len, 8);
	CU_ASSERT_EQUAL(s.payload[7], 0x08);
}

static void
t_golden_sends(void)
{
	struct rdmap_seg s;
	uint8_t b[64];
	size_t n;

	n = tutil_hex_ok(v_send, b, sizeof(b));
	CU_ASSERT_EQUAL(rdmap_decode(b, n, &s), WIRE_OK);
	CU_ASSERT_EQUAL(s.opcode, RDMAP_OP_SEND);
	CU_ASSERT_EQUAL(s.ddp.qn, 0);
	CU_ASSERT_EQUAL(s.ddp.msn, 1);
	CU_ASSERT_EQUAL(s.payload_len, 5);
	CU_ASSERT_EQUAL(memcmp(s.payload, "hello", 5), 0);

	n = tutil_hex_ok(v_send_inv, b, sizeof(b));
	CU_ASSERT_EQUAL(rdmap_decode(b, n, &s), WIRE_OK);
	CU_ASSERT_EQUAL(s.opcode, RDMAP_OP_SEND_INV);
	CU_ASSERT_EQUAL(s.ddp.inv_stag, 0xcafe0001);
	CU_ASSERT_TRUE(rdmap_op_info(s.opcode)->inv_stag);
	CU_ASSERT_EQUAL(s.ddp.msn, 2);
	CU_ASSERT_EQUAL(s.payload_len, 1);
	CU_ASSERT_EQUAL(s.payload[0], 'x');

	n = tutil_hex_ok(v_send_se, b, sizeof(b));
	CU_ASSERT_EQUAL(rdmap_decode(b, n, &s), WIRE_OK);
	CU_ASSERT_EQUAL(s.opcode, RDMAP_OP_SEND_SE);
	CU_ASSERT_EQUAL(s.ddp.msn, 3);
	CU_ASSERT_EQUAL(s.hdr_len, 18);
	CU_ASSERT_EQUAL(s.payload_len, 0);
	CU_ASSERT_PTR_EQUAL(s.payload, b + 18);

	n = tutil_hex_ok(v_send_se_inv, b, sizeof(b));
	CU_ASSERT_EQUAL(rdmap_decode(b, n, &s), WIRE_OK);
	CU_ASSERT_EQUAL(s.opcode, RDMAP_OP_SEND_SE_INV);
	CU_ASSERT_EQUAL(s.ddp.inv_stag, 0xcafe0002);
	CU_ASSERT_EQUAL(s.ddp.msn, 4);
	CU_ASSERT_EQUAL(s.payload_len, 2);

	n = tutil_hex_ok(v_send_mid, b, sizeof(b));
	CU_ASSERT_EQUAL(rdmap_decode(b, n, &s), WIRE_OK);
	CU_ASSERT_FALSE(s.ddp.last);
	CU_ASSERT_EQUAL(s.ddp.mo, 1482);
	CU_ASSERT_EQUAL(s.payload_len, 2);
}

static void
t_golden_terminate(void)
{
	struct rdmap_seg s;
	uint8_t b[96], rq[64];
	size_t n = tutil_hex_ok(v_term, b, sizeof(b));
	const struct rdmap_term *t = &s.u.term;

	tutil_hex_ok(v_read_req, rq, sizeof(rq));
	CU_ASSERT_EQUAL(n, 70);
	CU_ASSERT_EQUAL(rdmap_decode(b, n, &s), WIRE_OK);
	CU_ASSERT_EQUAL(s.opcode, RDMAP_OP_TERMINATE);
	CU_ASSERT_EQUAL(s.ddp.qn, 2);
	CU_ASSERT_EQUAL(t->triple.layer, 0);
	CU_ASSERT_EQUAL(t->triple.etype, 1);
	CU_ASSERT_EQUAL(t->triple.ecode, 0x04);
	CU_ASSERT_TRUE(t->m);
	CU_ASSERT_TRUE(t->d);
	CU_ASSERT_TRUE(t->r);
	CU_ASSERT_EQUAL(t->ddp_seg_len, 46);
	CU_ASSERT_EQUAL(t->ddp_hdr_len, 18);
	CU_ASSERT_EQUAL(memcmp(t->ddp_hdr, rq, 18), 0);
	CU_ASSERT_EQUAL(memcmp(t->rdma_hdr, rq + 18, 28), 0);
	CU_ASSERT_EQUAL(s.hdr_len, 70);
	CU_ASSERT_EQUAL(s.payload_len, 0);
	CU_ASSERT_STRING_EQUAL(term_triple_text(&t->triple),
	    "RDMAP remote protection error: TO wrap");
}

static void
t_golden_imm(void)
{
	struct rdmap_seg s;
	uint8_t b[64];
	size_t n = tutil_hex_ok(v_imm, b, sizeof(b));

	CU_ASSERT_EQUAL(rdmap_decode(b, n, &s), WIRE_OK);
	CU_ASSERT_EQUAL(s.opcode, RDMAP_OP_IMM);
	CU_ASSERT_EQUAL(s.ddp.qn, 0);
	CU_ASSERT_EQUAL(s.ddp.msn, 5);
	CU_ASSERT_EQUAL(s.u.imm.data, UINT64_C(0x0123456789abcdef));
	CU_ASSERT_EQUAL(memcmp(s.u.imm.raw, b + 18, 8), 0);
	CU_ASSERT_EQUAL(s.hdr_len, 26);
	CU_ASSERT_EQUAL(s.payload_len, 0);

	n = tutil_hex_ok(v_imm_se, b, sizeof(b));
	CU_ASSERT_EQUAL(rdmap_decode(b, n, &s), WIRE_OK);
	CU_ASSERT_EQUAL(s.opcode, RDMAP_OP_IMM_SE);
	CU_ASSERT_EQUAL(s.ddp.msn, 6);
	CU_ASSERT_EQUAL(s.u.imm.data, UINT64_C(0xffeeddccbbaa9988));
}

static void
t_golden_atomic(void)
{
	struct rdmap_seg s;
	uint8_t b[96];
	size_t n = tutil_hex_ok(v_atomic_req, b, sizeof(b));
	const struct rdmap_atomic_req *a = &s.u.atomic_req;

	CU_ASSERT_EQUAL(n, 70);
	CU_ASSERT_EQUAL(rdmap_decode(b, n, &s), WIRE_OK);
	CU_ASSERT_EQUAL(s.opcode, RDMAP_OP_ATOMIC_REQ);
	CU_ASSERT_EQUAL(s.ddp.qn, 1);
	CU_ASSERT_EQUAL(s.ddp.msn, 2);
	CU_ASSERT_EQUAL(a->aopcode, RDMAP_AOP_CMPSWAP);
	CU_ASSERT_EQUAL(a->req_id, 42);
	CU_ASSERT_EQUAL(a->stag, 0x99887766);
	CU_ASSERT_EQUAL(a->to, 0x3008);
	CU_ASSERT_EQUAL(a->add_swap, 5);
	CU_ASSERT_EQUAL(a->add_swap_mask, UINT64_MAX);
	CU_ASSERT_EQUAL(a->cmp, 4);
	CU_ASSERT_EQUAL(a->cmp_mask, UINT64_C(0xfffffffffffffff0));
	CU_ASSERT_EQUAL(s.hdr_len, 70);

	n = tutil_hex_ok(v_atomic_fa, b, sizeof(b));
	CU_ASSERT_EQUAL(rdmap_decode(b, n, &s), WIRE_OK);
	CU_ASSERT_EQUAL(a->aopcode, RDMAP_AOP_FETCHADD);
	CU_ASSERT_EQUAL(a->req_id, 43);
	CU_ASSERT_EQUAL(a->to, 0x3010);
	CU_ASSERT_EQUAL(a->add_swap, 1);
	CU_ASSERT_EQUAL(a->add_swap_mask, 0);
	CU_ASSERT_EQUAL(a->cmp_mask, UINT64_MAX);

	n = tutil_hex_ok(v_atomic_resp, b, sizeof(b));
	CU_ASSERT_EQUAL(n, 30);
	CU_ASSERT_EQUAL(rdmap_decode(b, n, &s), WIRE_OK);
	CU_ASSERT_EQUAL(s.opcode, RDMAP_OP_ATOMIC_RESP);
	CU_ASSERT_EQUAL(s.ddp.qn, 3);
	CU_ASSERT_EQUAL(s.u.atomic_resp.req_id, 42);
	CU_ASSERT_EQUAL(s.u.atomic_resp.orig, 4);
	CU_ASSERT_EQUAL(s.hdr_len, 30);
}

/* Every vector: opcode, lengths, exact re-encoding, NOSPACE sweep. */
static void
t_vectors_reencode(void)
{
	const struct rdmap_t_vec *v;
	struct rdmap_seg s;
	uint8_t b[128], e[128], *p;
	size_t n, cap;

	for (v = rdmap_t_vecs; v->name != NULL; v++) {
		n = tutil_hex_ok(v->hex, b, sizeof(b));
		CU_ASSERT_EQUAL_FATAL(rdmap_decode(b, n, &s), WIRE_OK);
		CU_ASSERT_EQUAL(s.opcode, v->op);
		CU_ASSERT_EQUAL(s.hdr_len, v->hdr_len);
		CU_ASSERT_EQUAL(s.payload_len, v->payload_len);
		CU_ASSERT_EQUAL(s.hdr_len + s.payload_len, n);
		CU_ASSERT_EQUAL(rdmap_encode(&s, e, sizeof(e)),
		    (int)v->hdr_len);
		CU_ASSERT_EQUAL(memcmp(e, b, v->hdr_len), 0);
		for (cap = 0; cap < v->hdr_len; cap++) {
			p = malloc(cap ? cap : 1);
			CU_ASSERT_FATAL(p != NULL);
			CU_ASSERT_EQUAL(rdmap_encode(&s, p, cap),
			    RDMAP_ENC_NOSPACE);
			free(p);
		}
	}
}

/* ---- Truncation sweep -------------------------------------------------- */

/*
 * Every strict prefix of every golden segment's header (and, for the
 * single-segment opcodes, of the whole segment) must fail with exactly:
 * RDMAP_SHORT, or TERM_HDR inside a Terminate header past its control
 * word.  Prefixes of a payload-bearing segment that keep the whole header
 * are valid shorter segments and must decode with the shorter payload.
 */
static void
t_truncation(void)
{
	const struct rdmap_t_vec *v;
	struct rdmap_seg s;
	uint8_t b[128];
	size_t n, k, dlen, end;
	enum wire_err want;

	for (v = rdmap_t_vecs; v->name != NULL; v++) {
		n = tutil_hex_ok(v->hex, b, sizeof(b));
		dlen = ddp_hdr_len(b[0]);
		end = rdmap_op_info(v->op)->payload ? v->hdr_len : n;
		for (k = 0; k < end; k++) {
			want = WIRE_E_RDMAP_SHORT;
			if (v->op == RDMAP_OP_TERMINATE &&
			    k >= dlen + TERM_HDR_MIN_LEN)
				want = WIRE_E_RDMAP_TERM_HDR;
			tutil_expect_err(rdmap_t_decode_exact(b, k, &s), want,
			    0, 2, 0x07);
			CU_ASSERT_EQUAL(s.hdr_len, 0);
			CU_ASSERT_PTR_NULL(s.payload);
		}
		for (k = end; k <= n; k++) {
			CU_ASSERT_EQUAL(rdmap_t_decode_exact(b, k, &s),
			    WIRE_OK);
			CU_ASSERT_EQUAL(s.payload_len, k - v->hdr_len);
		}
	}
}

/* Header-only decoding, as the engine does before placing payload. */
static void
t_decode_hdr_only(void)
{
	const struct rdmap_t_vec *v;
	struct rdmap_seg s;
	uint8_t b[128];
	size_t n, want, avail;

	for (v = rdmap_t_vecs; v->name != NULL; v++) {
		n = tutil_hex_ok(v->hex, b, sizeof(b));
		want = rdmap_hdr_len(b[0], b[1]);
		avail = want < n ? want : n;
		CU_ASSERT_EQUAL(rdmap_decode_hdr(b, avail, n, &s), WIRE_OK);
		CU_ASSERT_EQUAL(s.hdr_len, v->hdr_len);
		CU_ASSERT_EQUAL(s.payload_len, v->payload_len);
		CU_ASSERT_PTR_EQUAL(s.payload, avail < n ? NULL :
		    b + v->hdr_len);
		/* avail > seg_len is clamped to seg_len. */
		CU_ASSERT_EQUAL(rdmap_decode_hdr(b, sizeof(b), n, &s), WIRE_OK);
		CU_ASSERT_EQUAL(s.payload_len, v->payload_len);
	}

	/* A Write announcing 1 MiB of payload with only the header read. */
	n = tutil_hex_ok(v_write, b, sizeof(b));
	CU_ASSERT_EQUAL(rdmap_decode_hdr(b, 14, 14 + (1u << 20), &s),
	    WIRE_OK);
	CU_ASSERT_EQUAL(s.payload_len, 1u << 20);
	CU_ASSERT_PTR_NULL(s.payload);

	/* Header octets missing from avail count as missing. */
	n = tutil_hex_ok(v_read_req, b, sizeof(b));
	tutil_expect_err(rdmap_decode_hdr(b, 45, n, &s), WIRE_E_RDMAP_SHORT,
	    0, 2, 0x07);
	n = tutil_hex_ok(v_term, b, sizeof(b));
	tutil_expect_err(rdmap_decode_hdr(b, 40, n, &s), WIRE_E_RDMAP_TERM_HDR,
	    0, 2, 0x07);
	/* Judged on seg_len: an Immediate of 27 octets is too long. */
	n = tutil_hex_ok(v_imm, b, sizeof(b));
	tutil_expect_err(rdmap_decode_hdr(b, n, n + 1, &s),
	    WIRE_E_RDMAP_EXCESS, 0, 2, 0x07);
}

/* rdmap_hdr_len(): what the engine must read first. */
static void
t_hdr_len(void)
{
	CU_ASSERT_EQUAL(rdmap_hdr_len(0xc1, 0x40), 14);	/* Write */
	CU_ASSERT_EQUAL(rdmap_hdr_len(0xc1, 0x42), 14);	/* Read Resp */
	CU_ASSERT_EQUAL(rdmap_hdr_len(0x41, 0x41), 46);	/* Read Req */
	CU_ASSERT_EQUAL(rdmap_hdr_len(0x41, 0x43), 18);	/* Send */
	CU_ASSERT_EQUAL(rdmap_hdr_len(0x41, 0x46), 18);	/* Send SE Inv */
	CU_ASSERT_EQUAL(rdmap_hdr_len(0x41, 0x47), 70);	/* Terminate max */
	CU_ASSERT_EQUAL(rdmap_hdr_len(0x41, 0x48), 26);	/* Immediate */
	CU_ASSERT_EQUAL(rdmap_hdr_len(0x41, 0x49), 26);
	CU_ASSERT_EQUAL(rdmap_hdr_len(0x41, 0x4a), 70);	/* Atomic Req */
	CU_ASSERT_EQUAL(rdmap_hdr_len(0x41, 0x4b), 30);	/* Atomic Resp */
	CU_ASSERT_EQUAL(rdmap_hdr_len(0x41, 0x4c), 18);	/* reserved */
	CU_ASSERT_EQUAL(rdmap_hdr_len(0xc1, 0x4f), 14);
	CU_ASSERT_EQUAL(rdmap_hdr_len(0x41, 0xf1), 46);	/* RV/Rsv ignored */
	CU_ASSERT_EQUAL(RDMAP_HDR_MAX_LEN, 70);
}

/* The table, written out again from RFC 5040 Fig. 4/5, RFC 7306 Fig. 2/3. */
static void
t_op_table(void)
{
	static const struct {
		unsigned int op;
		bool tagged;
		int qn, hdr;
		bool payload, inv, ext;
	} want[] = {
		{ 0x0, true, -1, 0, true, false, false },	/* Write */
		{ 0x1, false, 1, 28, false, false, false },	/* Read Req */
		{ 0x2, true, -1, 0, true, false, false },	/* Read Resp */
		{ 0x3, false, 0, 0, true, false, false },	/* Send */
		{ 0x4, false, 0, 0, true, true, false },	/* Send Inv */
		{ 0x5, false, 0, 0, true, false, false },	/* Send SE */
		{ 0x6, false, 0, 0, true, true, false },	/* SendSEInv */
		{ 0x7, false, 2, 4, false, false, false },	/* Terminate */
		{ 0x8, false, 0, 8, false, false, true },	/* Immediate */
		{ 0x9, false, 0, 8, false, false, true },	/* Imm. SE */
		{ 0xa, false, 1, 52, false, false, true },	/* Atomic Req */
		{ 0xb, false, 3, 12, false, false, true },	/* At. Resp */
	};
	const struct rdmap_op_info *oi;
	size_t i, j;

	CU_ASSERT_EQUAL(sizeof(want) / sizeof(want[0]), RDMAP_OP_MAX + 1);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		oi = rdmap_op_info(want[i].op);
		CU_ASSERT_PTR_NOT_NULL_FATAL(oi);
		CU_ASSERT_EQUAL(oi->tagged, want[i].tagged);
		if (want[i].qn >= 0)
			CU_ASSERT_EQUAL(oi->qn, want[i].qn);
		CU_ASSERT_EQUAL(oi->hdr_len, want[i].hdr);
		CU_ASSERT_EQUAL(oi->payload, want[i].payload);
		CU_ASSERT_EQUAL(oi->inv_stag, want[i].inv);
		CU_ASSERT_EQUAL(oi->ext, want[i].ext);
		CU_ASSERT_PTR_NOT_NULL(oi->name);
		CU_ASSERT_TRUE(oi->name != NULL && oi->name[0] != '\0');
		for (j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(oi->name,
			    rdmap_op_info(want[j].op)->name);
	}
	for (i = RDMAP_OP_MAX + 1; i < 0x20; i++)
		CU_ASSERT_PTR_NULL(rdmap_op_info((unsigned int)i));
	CU_ASSERT_PTR_NULL(rdmap_op_info(~0u));
}

/* ---- Error paths ------------------------------------------------------- */

/* Patches applied to a golden vector before decoding. */
static void p_dv0(uint8_t *b, size_t *n) { (void)n; b[0] &= 0xfc; }
static void p_dv2(uint8_t *b, size_t *n) { (void)n; b[0] = (b[0] & 0xfc) | 2; }
static void p_dv3(uint8_t *b, size_t *n) { (void)n; b[0] |= 3; }
static void p_rv0(uint8_t *b, size_t *n) { (void)n; b[1] &= 0x3f; }
static void p_rv2(uint8_t *b, size_t *n) { (void)n; b[1] ^= 0xc0; }
static void p_rv3(uint8_t *b, size_t *n) { (void)n; b[1] |= 0xc0; }
static void p_rsv(uint8_t *b, size_t *n) { (void)n; b[0] |= 0x3c;
    b[1] |= 0x30; }
static void p_tflip(uint8_t *b, size_t *n) { (void)n; b[0] ^= 0x80; }
static void p_notlast(uint8_t *b, size_t *n) { (void)n; b[0] &= 0xbf; }
static void p_mo1(uint8_t *b, size_t *n) { (void)n; b[17] = 1; }
static void p_mo_hi(uint8_t *b, size_t *n) { (void)n; b[14] = 0x80; }
static void p_qnmax(uint8_t *b, size_t *n) { (void)n; memset(b + 6, 0xff, 4); }
static void p_plus1(uint8_t *b, size_t *n) { b[(*n)++] = 0; }
static void p_minus1(uint8_t *b, size_t *n) { (void)b; (*n)--; }

static void
t_err_ddp_version(void)
{
	struct rdmap_seg s;

	/* RFC 5041 §7.2: error type follows the T bit. */
	tutil_expect_err(rdmap_t_dec(v_write, p_dv0, &s), WIRE_E_DDP_T_VERSION,
	    1, 1, 0x04);
	tutil_expect_err(rdmap_t_dec(v_read_resp, p_dv2, &s),
	    WIRE_E_DDP_T_VERSION, 1, 1, 0x04);
	tutil_expect_err(rdmap_t_dec(v_send, p_dv0, &s), WIRE_E_DDP_U_VERSION,
	    1, 2, 0x06);
	tutil_expect_err(rdmap_t_dec(v_read_req, p_dv2, &s),
	    WIRE_E_DDP_U_VERSION, 1, 2, 0x06);
	tutil_expect_err(rdmap_t_dec(v_term, p_dv3, &s), WIRE_E_DDP_U_VERSION,
	    1, 2, 0x06);
	CU_ASSERT_EQUAL(s.opcode, 0);		/* zeroed on error */
	CU_ASSERT_EQUAL(s.hdr_len, 0);
}

/* RFC 5040 §4.1: RV 01b, or 00b on RFC 5040 opcodes; RFC 7306 §4.1. */
static void
t_err_rdmap_version(void)
{
	const struct rdmap_t_vec *v;
	struct rdmap_seg s;

	for (v = rdmap_t_vecs; v->name != NULL; v++) {
		tutil_expect_err(rdmap_t_dec(v->hex, p_rv2, &s),
		    WIRE_E_RDMAP_VERSION, 0, 2, 0x05);
		tutil_expect_err(rdmap_t_dec(v->hex, p_rv3, &s),
		    WIRE_E_RDMAP_VERSION, 0, 2, 0x05);
		if (v->op <= RDMAP_OP_TERMINATE) {
			CU_ASSERT_EQUAL(rdmap_t_dec(v->hex, p_rv0, &s),
			    WIRE_OK);
			CU_ASSERT_EQUAL(s.rv, 0);
			CU_ASSERT_EQUAL(s.opcode, v->op);
		} else {
			tutil_expect_err(rdmap_t_dec(v->hex, p_rv0, &s),
			    WIRE_E_RDMAP_VERSION, 0, 2, 0x05);
		}
		/* Reserved bits of both control octets are ignored. */
		CU_ASSERT_EQUAL(rdmap_t_dec(v->hex, p_rsv, &s), WIRE_OK);
		CU_ASSERT_EQUAL(s.rv, 1);
		CU_ASSERT_EQUAL(s.opcode, v->op);
	}
}

/* Reserved opcodes 0xC-0xF, tagged and untagged: Unexpected OpCode. */
static void
t_err_opcode(void)
{
	struct rdmap_seg s;
	uint8_t b[128];
	size_t n;
	unsigned int op;

	for (op = RDMAP_OP_MAX + 1; op <= 0xf; op++) {
		n = tutil_hex_ok(v_send, b, sizeof(b));
		b[1] = (uint8_t)(0x40 | op);
		tutil_expect_err(rdmap_t_decode_exact(b, n, &s),
		    WIRE_E_RDMAP_OPCODE, 0, 2, 0x06);
		n = tutil_hex_ok(v_write, b, sizeof(b));
		b[1] = (uint8_t)(0x40 | op);
		tutil_expect_err(rdmap_t_decode_exact(b, n, &s),
		    WIRE_E_RDMAP_OPCODE, 0, 2, 0x06);
	}
}

/* Figure 4 / Figure 2: the T bit each opcode MUST carry. */
static void
t_err_tagged_mismatch(void)
{
	const struct rdmap_t_vec *v;
	struct rdmap_seg s;

	uint8_t b[128];
	size_t n;

	for (v = rdmap_t_vecs; v->name != NULL; v++) {
		n = tutil_hex_ok(v->hex, b, sizeof(b));
		/* Flipped to untagged, a short Write is short of 18. */
		if (n < ddp_hdr_len(b[0] ^ DDP_FLAG_TAGGED)) {
			tutil_expect_err(rdmap_t_dec(v->hex, p_tflip, &s),
			    WIRE_E_RDMAP_SHORT, 0, 2, 0x07);
			continue;
		}
		tutil_expect_err(rdmap_t_dec(v->hex, p_tflip, &s),
		    WIRE_E_RDMAP_OPCODE, 0, 2, 0x06);
	}
}

/* The queue number each untagged opcode MUST carry, and QN 0-3 only. */
static void
t_err_qn(void)
{
	const struct rdmap_t_vec *v;
	const struct rdmap_op_info *oi;
	struct rdmap_seg s;
	uint8_t b[128];
	size_t n;
	unsigned int qn;

	for (v = rdmap_t_vecs; v->name != NULL; v++) {
		oi = rdmap_op_info(v->op);
		if (oi->tagged)
			continue;
		for (qn = 0; qn < RDMAP_QN_COUNT + 2; qn++) {
			n = tutil_hex_ok(v->hex, b, sizeof(b));
			b[9] = (uint8_t)qn;
			if (qn == oi->qn) {
				CU_ASSERT_EQUAL(rdmap_t_decode_exact(b, n, &s),
				    WIRE_OK);
				continue;
			}
			tutil_expect_err(rdmap_t_decode_exact(b, n, &s),
			    WIRE_E_DDP_U_INV_QN, 1, 2, 0x01);
		}
		tutil_expect_err(rdmap_t_dec(v->hex, p_qnmax, &s),
		    WIRE_E_DDP_U_INV_QN, 1, 2, 0x01);
	}
}

/* Single-segment opcodes: MO 0, L set, exact length. */
static void
t_err_single_segment(void)
{
	const struct rdmap_t_vec *v;
	struct rdmap_seg s;

	for (v = rdmap_t_vecs; v->name != NULL; v++) {
		if (rdmap_op_info(v->op)->payload) {
			/* Multi-segment opcodes accept all of these. */
			CU_ASSERT_EQUAL(rdmap_t_dec(v->hex, p_notlast, &s),
			    WIRE_OK);
			CU_ASSERT_EQUAL(rdmap_t_dec(v->hex, p_plus1, &s),
			    WIRE_OK);
			if (!rdmap_op_info(v->op)->tagged)
				CU_ASSERT_EQUAL(rdmap_t_dec(v->hex, p_mo1, &s),
				    WIRE_OK);
			continue;
		}
		tutil_expect_err(rdmap_t_dec(v->hex, p_mo1, &s),
		    WIRE_E_DDP_U_INV_MO, 1, 2, 0x04);
		tutil_expect_err(rdmap_t_dec(v->hex, p_mo_hi, &s),
		    WIRE_E_DDP_U_INV_MO, 1, 2, 0x04);
		tutil_expect_err(rdmap_t_dec(v->hex, p_notlast, &s),
		    WIRE_E_RDMAP_EXCESS, 0, 2, 0x07);
		if (v->op == RDMAP_OP_TERMINATE)
			continue;	/* trailing octets: t_term_trailing */
		tutil_expect_err(rdmap_t_dec(v->hex, p_plus1, &s),
		    WIRE_E_RDMAP_EXCESS, 0, 2, 0x07);
		tutil_expect_err(rdmap_t_dec(v->hex, p_minus1, &s),
		    WIRE_E_RDMAP_SHORT, 0, 2, 0x07);
	}
}

/* RFC 7306 §5.2.1 Figure 5 and §10.1: only FetchAdd and CmpSwap. */
static void
t_err_aopcode(void)
{
	struct rdmap_seg s;
	uint8_t b[128];
	size_t n;
	unsigned int aop;

	for (aop = 0; aop <= 0xf; aop++) {
		n = tutil_hex_ok(v_atomic_req, b, sizeof(b));
		b[21] = (uint8_t)aop;
		if (aop == RDMAP_AOP_FETCHADD || aop == RDMAP_AOP_CMPSWAP) {
			CU_ASSERT_EQUAL(rdmap_t_decode_exact(b, n, &s),
			    WIRE_OK);
			CU_ASSERT_EQUAL(s.u.atomic_req.aopcode, aop);
		} else {
			tutil_expect_err(rdmap_t_decode_exact(b, n, &s),
			    WIRE_E_RDMAP_ATOMIC_AOPCODE, 0, 2, 0x06);
		}
	}
	/* The 28 reserved bits are ignored on receive. */
	n = tutil_hex_ok(v_atomic_req, b, sizeof(b));
	b[18] = b[19] = b[20] = 0xff;
	b[21] = 0xf2;
	CU_ASSERT_EQUAL(rdmap_t_decode_exact(b, n, &s), WIRE_OK);
	CU_ASSERT_EQUAL(s.u.atomic_req.aopcode, RDMAP_AOP_CMPSWAP);
	/* Alignment is not the decoder's (rdmap.h): TO 0x3009 decodes. */
	n = tutil_hex_ok(v_atomic_req, b, sizeof(b));
	b[37] = 0x09;
	CU_ASSERT_EQUAL(rdmap_t_decode_exact(b, n, &s), WIRE_OK);
	CU_ASSERT_EQUAL(s.u.atomic_req.to, 0x3009);
	tutil_expect_err(rdmap_atomic_check_align(s.u.atomic_req.to),
	    WIRE_E_RDMAP_ATOMIC_ALIGN, 0, 2, 0x07);
}

/* Which error wins when several apply (order documented in rdmap.h). */
static void
t_err_precedence(void)
{
	struct rdmap_seg s;
	uint8_t b[128];
	size_t n;

	/* Bad DV beats a short segment. */
	n = tutil_hex_ok(v_read_req, b, sizeof(b));
	b[0] = 0x40;
	tutil_expect_err(rdmap_t_decode_exact(b, 3, &s), WIRE_E_DDP_U_VERSION,
	    1, 2, 0x06);
	/* QN >= 4 (a DDP check) beats a bad RV. */
	n = tutil_hex_ok(v_send, b, sizeof(b));
	b[1] = 0xc3;
	b[9] = 9;
	tutil_expect_err(rdmap_t_decode_exact(b, n, &s), WIRE_E_DDP_U_INV_QN,
	    1, 2, 0x01);
	/* Bad RV beats a reserved opcode. */
	n = tutil_hex_ok(v_send, b, sizeof(b));
	b[1] = 0x8d;
	tutil_expect_err(rdmap_t_decode_exact(b, n, &s), WIRE_E_RDMAP_VERSION,
	    0, 2, 0x05);
	/* T mismatch beats QN mismatch. */
	n = tutil_hex_ok(v_send, b, sizeof(b));
	b[1] = 0x41;		/* Read Request on QN 0 ... */
	tutil_expect_err(rdmap_t_decode_exact(b, n, &s), WIRE_E_DDP_U_INV_QN,
	    1, 2, 0x01);
	b[1] = 0x40;		/* ... Write untagged */
	tutil_expect_err(rdmap_t_decode_exact(b, n, &s), WIRE_E_RDMAP_OPCODE,
	    0, 2, 0x06);
	/* MO beats a short header. */
	n = tutil_hex_ok(v_read_req, b, sizeof(b));
	b[17] = 4;
	tutil_expect_err(rdmap_t_decode_exact(b, 20, &s), WIRE_E_DDP_U_INV_MO,
	    1, 2, 0x04);
	/* Short beats L = 0. */
	b[17] = 0;
	b[0] = 0x01;
	tutil_expect_err(rdmap_t_decode_exact(b, 20, &s), WIRE_E_RDMAP_SHORT,
	    0, 2, 0x07);
	tutil_expect_err(rdmap_t_decode_exact(b, n, &s), WIRE_E_RDMAP_EXCESS,
	    0, 2, 0x07);
	/* Excess beats a bad AOpCode. */
	n = tutil_hex_ok(v_atomic_req, b, sizeof(b));
	b[21] = 1;
	tutil_expect_err(rdmap_t_decode_exact(b, n + 1, &s),
	    WIRE_E_RDMAP_EXCESS, 0, 2, 0x07);
	tutil_expect_err(rdmap_t_decode_exact(b, n, &s),
	    WIRE_E_RDMAP_ATOMIC_AOPCODE, 0, 2, 0x06);
	/* Empty input. */
	tutil_expect_err(rdmap_decode(NULL, 0, &s), WIRE_E_RDMAP_SHORT,
	    0, 2, 0x07);
}

/* ---- Encoders ---------------------------------------------------------- */

/* Assert the opcode headers of a and b are equal, field by field. */
static void
rdmap_t_same_u(unsigned int op, const struct rdmap_seg *a,
    const struct rdmap_seg *b)
{
	switch (op) {
	case RDMAP_OP_READ_REQ:
		CU_ASSERT_EQUAL(a->u.read_req.sink_stag,
		    b->u.read_req.sink_stag);
		CU_ASSERT_EQUAL(a->u.read_req.sink_to, b->u.read_req.sink_to);
		CU_ASSERT_EQUAL(a->u.read_req.size, b->u.read_req.size);
		CU_ASSERT_EQUAL(a->u.read_req.src_stag, b->u.read_req.src_stag);
		CU_ASSERT_EQUAL(a->u.read_req.src_to, b->u.read_req.src_to);
		break;
	case RDMAP_OP_IMM:
	case RDMAP_OP_IMM_SE:
		CU_ASSERT_EQUAL(memcmp(a->u.imm.raw, b->u.imm.raw, 8), 0);
		break;
	case RDMAP_OP_ATOMIC_REQ:
		CU_ASSERT_EQUAL(a->u.atomic_req.aopcode,
		    b->u.atomic_req.aopcode);
		CU_ASSERT_EQUAL(a->u.atomic_req.req_id, b->u.atomic_req.req_id);
		CU_ASSERT_EQUAL(a->u.atomic_req.stag, b->u.atomic_req.stag);
		CU_ASSERT_EQUAL(a->u.atomic_req.to, b->u.atomic_req.to);
		CU_ASSERT_EQUAL(a->u.atomic_req.add_swap,
		    b->u.atomic_req.add_swap);
		CU_ASSERT_EQUAL(a->u.atomic_req.add_swap_mask,
		    b->u.atomic_req.add_swap_mask);
		CU_ASSERT_EQUAL(a->u.atomic_req.cmp, b->u.atomic_req.cmp);
		CU_ASSERT_EQUAL(a->u.atomic_req.cmp_mask,
		    b->u.atomic_req.cmp_mask);
		break;
	case RDMAP_OP_ATOMIC_RESP:
		CU_ASSERT_EQUAL(a->u.atomic_resp.req_id,
		    b->u.atomic_resp.req_id);
		CU_ASSERT_EQUAL(a->u.atomic_resp.orig, b->u.atomic_resp.orig);
		break;
	case RDMAP_OP_TERMINATE:
		/* struct rdmap_term is all octets: no padding. */
		CU_ASSERT_EQUAL(memcmp(&a->u.term, &b->u.term,
		    sizeof(a->u.term)), 0);
		break;
	default:
		break;
	}
}

/* Encode s, decode it back, compare every field; return the length. */
static int
rdmap_t_round(const struct rdmap_seg *s)
{
	struct rdmap_seg d;
	uint8_t b[128];
	int n;

	n = rdmap_encode(s, b, sizeof(b));
	CU_ASSERT_TRUE_FATAL(n > 0);
	CU_ASSERT_EQUAL_FATAL(rdmap_decode(b, (size_t)n, &d), WIRE_OK);
	CU_ASSERT_EQUAL(d.hdr_len, (size_t)n);
	CU_ASSERT_EQUAL(d.payload_len, 0);
	CU_ASSERT_EQUAL(d.rv, s->rv);
	CU_ASSERT_EQUAL(d.opcode, s->opcode);
	CU_ASSERT_EQUAL(d.ddp.tagged, s->ddp.tagged);
	CU_ASSERT_EQUAL(d.ddp.last, s->ddp.last);
	CU_ASSERT_EQUAL(d.ddp.rsvdulp, s->rv << 6 | s->opcode);
	CU_ASSERT_EQUAL(d.ddp.stag, s->ddp.tagged ? s->ddp.stag : 0);
	CU_ASSERT_EQUAL(d.ddp.to, s->ddp.tagged ? s->ddp.to : 0);
	CU_ASSERT_EQUAL(d.ddp.qn, s->ddp.tagged ? 0 : s->ddp.qn);
	CU_ASSERT_EQUAL(d.ddp.msn, s->ddp.tagged ? 0 : s->ddp.msn);
	CU_ASSERT_EQUAL(d.ddp.mo, s->ddp.tagged ? 0 : s->ddp.mo);
	CU_ASSERT_EQUAL(d.ddp.inv_stag, s->ddp.tagged ? 0 : s->ddp.inv_stag);
	rdmap_t_same_u(s->opcode, &d, s);
	return n;
}

/* Every opcode from rdmap_seg_init() through encode and back. */
static void
t_round_trip(void)
{
	struct rdmap_seg s;
	unsigned int op;
	const struct rdmap_op_info *oi;

	for (op = 0; op <= RDMAP_OP_MAX; op++) {
		oi = rdmap_op_info(op);
		CU_ASSERT_EQUAL_FATAL(rdmap_seg_init(&s, op), 0);
		CU_ASSERT_EQUAL(s.rv, 1);
		CU_ASSERT_EQUAL(s.opcode, op);
		CU_ASSERT_EQUAL(s.ddp.tagged, oi->tagged);
		CU_ASSERT_TRUE(s.ddp.last);
		if (oi->tagged) {
			s.ddp.stag = 0xa0b0c0d0;
			s.ddp.to = UINT64_C(0x1122334455667788);
		} else {
			CU_ASSERT_EQUAL(s.ddp.qn, oi->qn);
			s.ddp.msn = 0x7fffffff + op;
			if (oi->inv_stag)
				s.ddp.inv_stag = 0xfeedf00d;
		}
		switch (op) {
		case RDMAP_OP_READ_REQ:
			s.u.read_req.sink_stag = 1;
			s.u.read_req.sink_to = UINT64_MAX;
			s.u.read_req.size = UINT32_MAX;
			s.u.read_req.src_stag = 2;
			s.u.read_req.src_to = UINT64_C(0x8000000000000000);
			break;
		case RDMAP_OP_TERMINATE:
			s.u.term.triple.layer = TERM_LAYER_DDP;
			s.u.term.triple.etype = DDP_ETYPE_UNTAGGED;
			s.u.term.triple.ecode = DDP_ECODE_U_INV_MO;
			break;
		case RDMAP_OP_IMM:
		case RDMAP_OP_IMM_SE:
			memcpy(s.u.imm.raw, "\x80\x01\x02\x03\x04\x05\x06\xff",
			    8);
			break;
		case RDMAP_OP_ATOMIC_REQ:
			CU_ASSERT_EQUAL(s.u.atomic_req.aopcode,
			    RDMAP_AOP_FETCHADD);
			CU_ASSERT_EQUAL(s.u.atomic_req.cmp_mask, UINT64_MAX);
			s.u.atomic_req.req_id = 77;
			s.u.atomic_req.stag = 0x12345678;
			s.u.atomic_req.to = 0x1000;
			s.u.atomic_req.add_swap = 3;
			s.u.atomic_req.add_swap_mask =
			    UINT64_C(0x8000000080000000);
			break;
		case RDMAP_OP_ATOMIC_RESP:
			s.u.atomic_resp.req_id = 77;
			s.u.atomic_resp.orig = UINT64_C(0xdeadbeefcafebabe);
			break;
		default:
			break;
		}
		CU_ASSERT_EQUAL(rdmap_t_round(&s),
		    (oi->tagged ? 14 : 18) + oi->hdr_len);
		if (oi->payload) {
			/* Middle segments of multi-segment messages. */
			s.ddp.last = false;
			if (oi->tagged)
				s.ddp.to += 1482;
			else
				s.ddp.mo = 1482;
			rdmap_t_round(&s);
		}
	}
	/* RV 00b is encodable on the RFC 5040 opcodes. */
	rdmap_seg_init(&s, RDMAP_OP_SEND);
	s.rv = 0;
	CU_ASSERT_EQUAL(rdmap_t_round(&s), 18);
	CU_ASSERT_EQUAL(rdmap_seg_init(&s, 0xc), -1);
	CU_ASSERT_EQUAL(s.opcode, 0);
}

/* The encoder refuses what the decoder would reject. */
static void
t_encode_invalid(void)
{
	struct rdmap_seg s;
	uint8_t b[128];

	rdmap_seg_init(&s, RDMAP_OP_SEND);
	s.opcode = 0xc;
	CU_ASSERT_EQUAL(rdmap_encode(&s, b, sizeof(b)), RDMAP_ENC_INVALID);
	rdmap_seg_init(&s, RDMAP_OP_SEND);
	s.rv = 2;
	CU_ASSERT_EQUAL(rdmap_encode(&s, b, sizeof(b)), RDMAP_ENC_INVALID);
	rdmap_seg_init(&s, RDMAP_OP_IMM);
	s.rv = 0;
	CU_ASSERT_EQUAL(rdmap_encode(&s, b, sizeof(b)), RDMAP_ENC_INVALID);
	rdmap_seg_init(&s, RDMAP_OP_WRITE);
	s.ddp.tagged = false;
	CU_ASSERT_EQUAL(rdmap_encode(&s, b, sizeof(b)), RDMAP_ENC_INVALID);
	rdmap_seg_init(&s, RDMAP_OP_SEND);
	s.ddp.tagged = true;
	CU_ASSERT_EQUAL(rdmap_encode(&s, b, sizeof(b)), RDMAP_ENC_INVALID);
	rdmap_seg_init(&s, RDMAP_OP_SEND);
	s.ddp.qn = 1;
	CU_ASSERT_EQUAL(rdmap_encode(&s, b, sizeof(b)), RDMAP_ENC_INVALID);
	rdmap_seg_init(&s, RDMAP_OP_READ_REQ);
	s.ddp.last = false;
	CU_ASSERT_EQUAL(rdmap_encode(&s, b, sizeof(b)), RDMAP_ENC_INVALID);
	rdmap_seg_init(&s, RDMAP_OP_ATOMIC_RESP);
	s.ddp.mo = 12;
	CU_ASSERT_EQUAL(rdmap_encode(&s, b, sizeof(b)), RDMAP_ENC_INVALID);
	rdmap_seg_init(&s, RDMAP_OP_ATOMIC_REQ);
	s.u.atomic_req.aopcode = 1;
	CU_ASSERT_EQUAL(rdmap_encode(&s, b, sizeof(b)), RDMAP_ENC_INVALID);
	rdmap_seg_init(&s, RDMAP_OP_TERMINATE);
	s.u.term.triple.layer = 0x10;
	CU_ASSERT_EQUAL(rdmap_encode(&s, b, sizeof(b)), RDMAP_ENC_INVALID);
	/* Terminate: NOSPACE inside the Terminate header too. */
	rdmap_seg_init(&s, RDMAP_OP_TERMINATE);
	CU_ASSERT_EQUAL(rdmap_encode(&s, b, 21), RDMAP_ENC_NOSPACE);
	CU_ASSERT_EQUAL(rdmap_encode(&s, b, 22), 22);
}

/* Read Request header store and the engine-side checks. */
static void
t_read_req_helpers(void)
{
	struct rdmap_read_req rr = { 0x11223344, 0x2000, 4096, 0x55667788,
	    UINT64_C(0x7f0000000000) };
	uint8_t b[64], out[28];

	tutil_hex_ok(v_read_req, b, sizeof(b));
	rdmap_read_req_store(out, &rr);
	CU_ASSERT_EQUAL(memcmp(out, b + 18, 28), 0);

	/* RFC 5040 §7.2 4e; zero size is never validated (§5.2.1). */
	CU_ASSERT_EQUAL(rdmap_read_req_check_wrap(&rr), WIRE_OK);
	rr.src_to = UINT64_MAX - 4096;	/* sum 2^64 - 1 */
	CU_ASSERT_EQUAL(rdmap_read_req_check_wrap(&rr), WIRE_OK);
	rr.src_to = UINT64_MAX - 4095;	/* sum 2^64 wraps to 0 */
	tutil_expect_err(rdmap_read_req_check_wrap(&rr), WIRE_E_RDMAP_TO_WRAP,
	    0, 1, 0x04);
	rr.size = 0;
	rr.src_to = UINT64_MAX;
	CU_ASSERT_EQUAL(rdmap_read_req_check_wrap(&rr), WIRE_OK);

	/* RFC 7306 §8.2: 64-bit alignment of the target address. */
	CU_ASSERT_EQUAL(rdmap_atomic_check_align(0), WIRE_OK);
	CU_ASSERT_EQUAL(rdmap_atomic_check_align(0x3008), WIRE_OK);
	CU_ASSERT_EQUAL(rdmap_atomic_check_align(UINT64_MAX - 7), WIRE_OK);
	tutil_expect_err(rdmap_atomic_check_align(4), WIRE_E_RDMAP_ATOMIC_ALIGN,
	    0, 2, 0x07);
	tutil_expect_err(rdmap_atomic_check_align(UINT64_MAX),
	    WIRE_E_RDMAP_ATOMIC_ALIGN, 0, 2, 0x07);
}

/* ---- Terminate (RFC 5040 §4.8) ----------------------------------------- */

/* The DDP header of a Terminate segment: QN 2, MSN 1, MO 0, L set. */
#define TERM_DDP	"41 47 00 00 00 00 00 00 00 02 00 00 00 01 00 00 00 00"
/* v_read_req's DDP header and RDMA header, for the terminated fields. */
#define RQ_DDP		"41 41 00 00 00 00 00 00 00 01 00 00 00 07 00 00 00 00"
#define RQ_RDMA		"11 22 33 44 00 00 00 00 00 00 20 00 00 00 10 00" \
			"55 66 77 88 00 00 7f 00 00 00 00 00"

/* Every HdrCt combination (M D R), as Terminate segments. */
static const struct {
	const char	*hex;
	bool		 m, d, r;
	int		 layer, etype, ecode;
	uint16_t	 seg_len;
	size_t		 len;		/* Terminate header octets */
} term_vecs[] = {
	/* 000: RDMAP Local Catastrophic, no headers (Figure 10). */
	{ TERM_DDP "00 00 00 00", false, false, false, 0, 0, 0x00, 0, 4 },
	/* 100: DDP untagged 0x05 too long; Segment Length 46 only. */
	{ TERM_DDP "12 05 80 00" "00 2e",
	    true, false, false, 1, 2, 0x05, 46, 6 },
	/* 010: DDP invalid QN; length field present, not valid (0). */
	{ TERM_DDP "12 01 40 00" "00 00" RQ_DDP,
	    false, true, false, 1, 2, 0x01, 0, 24 },
	/* 110: DDP invalid MO; length 46 and the 18-octet DDP header. */
	{ TERM_DDP "12 04 c0 00" "00 2e" RQ_DDP,
	    true, true, false, 1, 2, 0x04, 46, 24 },
	/* 001: RDMAP invalid STag; RDMA header only, no length field. */
	{ TERM_DDP "01 00 20 00" RQ_RDMA,
	    false, false, true, 0, 1, 0x00, 0, 32 },
	/* 101: RDMAP base/bounds; length 46 then RDMA header. */
	{ TERM_DDP "01 01 a0 00" "00 2e" RQ_RDMA,
	    true, false, true, 0, 1, 0x01, 46, 34 },
	/* 011: RDMAP access rights; length 0, DDP and RDMA headers. */
	{ TERM_DDP "01 02 60 00" "00 00" RQ_DDP RQ_RDMA,
	    false, true, true, 0, 1, 0x02, 0, 52 },
	/* 111: RDMAP TO wrap; everything (same as v_term). */
	{ TERM_DDP "01 04 e0 00" "00 2e" RQ_DDP RQ_RDMA,
	    true, true, true, 0, 1, 0x04, 46, 52 },
	/* 110 with a tagged terminated header (14 octets): DDP TO wrap on
	 * a 22-octet Write (14 header + 8 payload). */
	{ TERM_DDP "11 03 c0 00" "00 16"
	    "c1 40 00 01 02 03 ff ff ff ff ff ff ff fc",
	    true, true, false, 1, 1, 0x03, 22, 20 },
	/* 000, LLP layer (MPA CRC): decoded whatever Figure 10 says. */
	{ TERM_DDP "20 02 00 00", false, false, false, 2, 0, 0x02, 0, 4 },
};

#define TERM_NVECS	(sizeof(term_vecs) / sizeof(term_vecs[0]))

static void
t_term_hdrct(void)
{
	struct rdmap_seg s;
	uint8_t b[128], e[128], th[64];
	size_t i, n, used;
	const struct rdmap_term *t = &s.u.term;
	struct rdmap_term t2;

	for (i = 0; i < TERM_NVECS; i++) {
		n = tutil_hex_ok(term_vecs[i].hex, b, sizeof(b));
		CU_ASSERT_EQUAL(n, 18 + term_vecs[i].len);
		CU_ASSERT_EQUAL_FATAL(rdmap_decode(b, n, &s), WIRE_OK);
		CU_ASSERT_EQUAL(s.opcode, RDMAP_OP_TERMINATE);
		CU_ASSERT_EQUAL(t->m, term_vecs[i].m);
		CU_ASSERT_EQUAL(t->d, term_vecs[i].d);
		CU_ASSERT_EQUAL(t->r, term_vecs[i].r);
		CU_ASSERT_EQUAL(t->triple.layer, term_vecs[i].layer);
		CU_ASSERT_EQUAL(t->triple.etype, term_vecs[i].etype);
		CU_ASSERT_EQUAL(t->triple.ecode, term_vecs[i].ecode);
		CU_ASSERT_EQUAL(t->ddp_seg_len, term_vecs[i].seg_len);
		CU_ASSERT_EQUAL(s.hdr_len, n);
		CU_ASSERT_EQUAL(s.payload_len, 0);
		if (t->d) {
			CU_ASSERT_EQUAL(t->ddp_hdr_len, ddp_hdr_len(b[24]));
			CU_ASSERT_EQUAL(memcmp(t->ddp_hdr, b + 24,
			    t->ddp_hdr_len), 0);
		} else {
			CU_ASSERT_EQUAL(t->ddp_hdr_len, 0);
		}
		if (t->r)
			CU_ASSERT_EQUAL(memcmp(t->rdma_hdr, b + n - 28, 28), 0);
		/* Whole segment and Terminate header alone re-encode. */
		CU_ASSERT_EQUAL(rdmap_encode(&s, e, sizeof(e)), (int)n);
		CU_ASSERT_EQUAL(memcmp(e, b, n), 0);
		CU_ASSERT_EQUAL(rdmap_term_encode(t, th, sizeof(th)),
		    (int)term_vecs[i].len);
		CU_ASSERT_EQUAL(memcmp(th, b + 18, term_vecs[i].len), 0);
		CU_ASSERT_EQUAL(rdmap_term_decode(b + 18, n - 18, &t2, &used),
		    WIRE_OK);
		CU_ASSERT_EQUAL(used, term_vecs[i].len);
		CU_ASSERT_EQUAL(memcmp(&t2, t, sizeof(t2)), 0);
		CU_ASSERT_EQUAL(rdmap_term_encode(t, th, term_vecs[i].len - 1),
		    RDMAP_ENC_NOSPACE);
	}
}

/* Strict prefixes of every Terminate: SHORT, then TERM_HDR. */
static void
t_term_truncation(void)
{
	struct rdmap_seg s;
	uint8_t b[128];
	size_t i, n, k;

	for (i = 0; i < TERM_NVECS; i++) {
		n = tutil_hex_ok(term_vecs[i].hex, b, sizeof(b));
		for (k = 0; k < n; k++)
			tutil_expect_err(rdmap_t_decode_exact(b, k, &s),
			    k < 18 + TERM_HDR_MIN_LEN ? WIRE_E_RDMAP_SHORT :
			    WIRE_E_RDMAP_TERM_HDR, 0, 2, 0x07);
	}
}

/* Reserved bits; trailing zero fields; over-long and cut Terminates. */
static void
t_term_malformed(void)
{
	struct rdmap_seg s;
	struct rdmap_term t;
	uint8_t b[128], e[128];
	size_t n, used;

	/* 13 reserved bits set: ignored, re-encoded as zero. */
	n = tutil_hex_ok(v_term, b, sizeof(b));
	b[20] = 0xff;
	b[21] = 0xff;
	CU_ASSERT_EQUAL(rdmap_decode(b, n, &s), WIRE_OK);
	CU_ASSERT_TRUE(s.u.term.m && s.u.term.d && s.u.term.r);
	CU_ASSERT_EQUAL(s.u.term.triple.ecode, 0x04);
	CU_ASSERT_EQUAL(rdmap_encode(&s, e, sizeof(e)), 70);
	CU_ASSERT_EQUAL(e[20], 0xe0);
	CU_ASSERT_EQUAL(e[21], 0x00);

	/* D set, RDMA header sent without R (RFC 5040 §7.1 "set to zero"
	 * style): tolerated, the extra octets are payload. */
	n = tutil_hex_ok(TERM_DDP "12 04 c0 00 00 2e" RQ_DDP RQ_RDMA,
	    b, sizeof(b));
	CU_ASSERT_EQUAL(rdmap_decode(b, n, &s), WIRE_OK);
	CU_ASSERT_FALSE(s.u.term.r);
	CU_ASSERT_EQUAL(s.hdr_len, 18 + 24);
	CU_ASSERT_EQUAL(s.payload_len, 28);
	/* No headers, 48 zero octets: the full 52 is still accepted. */
	memset(b, 0, sizeof(b));
	n = tutil_hex_ok(TERM_DDP "00 00 00 00", b, sizeof(b));
	CU_ASSERT_EQUAL(rdmap_decode(b, n + 48, &s), WIRE_OK);
	CU_ASSERT_EQUAL(s.hdr_len, 22);
	CU_ASSERT_EQUAL(s.payload_len, 48);
	/* One more and it is not a Terminate header any more. */
	tutil_expect_err(rdmap_decode(b, n + 49, &s), WIRE_E_RDMAP_TERM_HDR,
	    0, 2, 0x07);
	CU_ASSERT_EQUAL(rdmap_term_decode(b + 18, 53, &t, &used),
	    WIRE_E_RDMAP_TERM_HDR);
	CU_ASSERT_EQUAL(used, 0);

	/* R set, RDMA header absent (the DDP header alone follows). */
	n = tutil_hex_ok(TERM_DDP "01 00 e0 00 00 14"
	    "c1 40 00 01 02 03 00 00 00 00 00 00 00 00", b, sizeof(b));
	tutil_expect_err(rdmap_decode(b, n, &s), WIRE_E_RDMAP_TERM_HDR,
	    0, 2, 0x07);
	/* D set, nothing after the length. */
	n = tutil_hex_ok(TERM_DDP "12 04 c0 00 00 2e", b, sizeof(b));
	tutil_expect_err(rdmap_decode(b, n, &s), WIRE_E_RDMAP_TERM_HDR,
	    0, 2, 0x07);
	/* M set, length field cut. */
	n = tutil_hex_ok(TERM_DDP "12 05 80 00 00", b, sizeof(b));
	tutil_expect_err(rdmap_decode(b, n, &s), WIRE_E_RDMAP_TERM_HDR,
	    0, 2, 0x07);
	/* D set with an untagged terminated header cut at 14 octets: the
	 * header's own T bit says 18. */
	n = tutil_hex_ok(TERM_DDP "12 04 c0 00 00 2e"
	    "41 41 00 00 00 00 00 00 00 01 00 00 00 07", b, sizeof(b));
	tutil_expect_err(rdmap_decode(b, n, &s), WIRE_E_RDMAP_TERM_HDR,
	    0, 2, 0x07);
	/* Standalone decoder: fewer than 4 octets is SHORT. */
	tutil_expect_err(rdmap_term_decode(b, 3, &t, NULL), WIRE_E_RDMAP_SHORT,
	    0, 2, 0x07);

	/* Encoder refusals. */
	memset(&t, 0, sizeof(t));
	t.triple.etype = 0x10;
	CU_ASSERT_EQUAL(rdmap_term_encode(&t, e, sizeof(e)),
	    RDMAP_ENC_INVALID);
	memset(&t, 0, sizeof(t));
	t.d = true;
	t.ddp_hdr[0] = 0x41;
	t.ddp_hdr_len = 14;		/* T=0 means 18 */
	CU_ASSERT_EQUAL(rdmap_term_encode(&t, e, sizeof(e)),
	    RDMAP_ENC_INVALID);
	t.ddp_hdr_len = 18;
	CU_ASSERT_EQUAL(rdmap_term_encode(&t, e, sizeof(e)), 24);
}

/*
 * Figure 10, written out independently: for (layer, etype), whether the
 * Terminate carries the DDP header (+ length) and the RDMA header.
 */
static void
rdmap_t_fig10(const struct term_triple *tr, bool *ddp, bool *rdma)
{
	*ddp = *rdma = false;
	if (tr->layer == 0 && tr->etype == 1)
		*ddp = *rdma = true;		/* Remote Protection */
	else if (tr->layer == 0 && tr->etype == 2)
		*ddp = true;			/* Remote Operation */
	else if (tr->layer == 1)
		*ddp = true;			/* DDP */
}

/* The exact Terminate for every wire error, for several segments. */
static void
t_term_build(void)
{
	static const char *segs[] = {
		v_read_req, v_send_inv, v_write, v_atomic_req, v_imm
	};
	struct term_triple tr;
	struct rdmap_term t;
	struct rdmap_seg s, d;
	uint8_t b[128], e[128];
	size_t i, n, dlen;
	int err, len;
	bool want_ddp, want_rdma;

	for (err = 1; err < WIRE_E__COUNT; err++) {
		CU_ASSERT_EQUAL_FATAL(term_triple_of((enum wire_err)err, &tr),
		    0);
		rdmap_t_fig10(&tr, &want_ddp, &want_rdma);
		for (i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
			n = tutil_hex_ok(segs[i], b, sizeof(b));
			dlen = ddp_hdr_len(b[0]);
			rdmap_term_build(&t, &tr, b, n, n);
			CU_ASSERT_EQUAL(t.triple.layer, tr.layer);
			CU_ASSERT_EQUAL(t.triple.etype, tr.etype);
			CU_ASSERT_EQUAL(t.triple.ecode, tr.ecode);
			CU_ASSERT_EQUAL(t.d, want_ddp);
			CU_ASSERT_EQUAL(t.m, want_ddp);
			CU_ASSERT_EQUAL(t.ddp_seg_len, want_ddp ? n : 0);
			CU_ASSERT_EQUAL(t.ddp_hdr_len, want_ddp ? dlen : 0);
			if (want_ddp)
				CU_ASSERT_EQUAL(memcmp(t.ddp_hdr, b, dlen), 0);
			/* R only for an RDMA Read Request (§4.8). */
			CU_ASSERT_EQUAL(t.r,
			    want_rdma && segs[i] == v_read_req);
			if (t.r)
				CU_ASSERT_EQUAL(memcmp(t.rdma_hdr, b + 18, 28),
				    0);
			/* And it goes on the wire as a valid Terminate. */
			rdmap_seg_init(&s, RDMAP_OP_TERMINATE);
			s.u.term = t;
			len = rdmap_encode(&s, e, sizeof(e));
			CU_ASSERT_TRUE_FATAL(len > 0);
			CU_ASSERT_EQUAL(rdmap_decode(e, (size_t)len, &d),
			    WIRE_OK);
			CU_ASSERT_EQUAL(memcmp(&d.u.term, &t, sizeof(t)), 0);
		}
		/* No incoming segment (RFC 5040 §7.1 case 1): no headers. */
		rdmap_term_build(&t, &tr, NULL, 0, 0);
		CU_ASSERT_FALSE(t.m || t.d || t.r);
		CU_ASSERT_EQUAL(t.triple.ecode, tr.ecode);
	}

	/* Golden: the Terminate for a TO-wrapping Read Request is v_term. */
	CU_ASSERT_EQUAL(term_triple_of(WIRE_E_RDMAP_TO_WRAP, &tr), 0);
	n = tutil_hex_ok(v_read_req, b, sizeof(b));
	rdmap_term_build(&t, &tr, b, n, n);
	rdmap_seg_init(&s, RDMAP_OP_TERMINATE);
	s.ddp.msn = 1;
	s.u.term = t;
	n = tutil_hex_ok(v_term, b, sizeof(b));
	CU_ASSERT_EQUAL(rdmap_encode(&s, e, sizeof(e)), (int)n);
	CU_ASSERT_EQUAL(memcmp(e, b, n), 0);

	/* Not possible: only part of the DDP header was received. */
	CU_ASSERT_EQUAL(term_triple_of(WIRE_E_DDP_U_INV_QN, &tr), 0);
	n = tutil_hex_ok(v_read_req, b, sizeof(b));
	rdmap_term_build(&t, &tr, b, 17, n);
	CU_ASSERT_FALSE(t.m || t.d || t.r);
	/* avail beyond seg_len is clamped: header of a 10-octet segment. */
	rdmap_term_build(&t, &tr, b, n, 10);
	CU_ASSERT_FALSE(t.d);
	/* Header only (engine path), Read Request header cut: D, not R. */
	CU_ASSERT_EQUAL(term_triple_of(WIRE_E_RDMAP_INV_STAG, &tr), 0);
	rdmap_term_build(&t, &tr, b, 30, n);
	CU_ASSERT_TRUE(t.d && t.m);
	CU_ASSERT_FALSE(t.r);
	/* A segment too long for the 16-bit length: D without M. */
	n = tutil_hex_ok(v_write, b, sizeof(b));
	rdmap_term_build(&t, &tr, b, 14, 70000);
	CU_ASSERT_TRUE(t.d);
	CU_ASSERT_FALSE(t.m);
	CU_ASSERT_EQUAL(t.ddp_seg_len, 0);
	CU_ASSERT_EQUAL(t.ddp_hdr_len, 14);
	rdmap_term_build(&t, &tr, b, 14, 65535);
	CU_ASSERT_TRUE(t.d && t.m);
	CU_ASSERT_EQUAL(t.ddp_seg_len, 65535);
	/* Unknown layer: nothing. */
	tr.layer = 3;
	rdmap_term_build(&t, &tr, b, 14, 14);
	CU_ASSERT_FALSE(t.m || t.d || t.r);
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "golden 0x0 RDMA Write", t_golden_write },
		{ "golden 0x1 Read Request", t_golden_read_req },
		{ "golden 0x2 Read Response", t_golden_read_resp },
		{ "golden 0x3-0x6 Sends", t_golden_sends },
		{ "golden 0x7 Terminate", t_golden_terminate },
		{ "golden 0x8/0x9 Immediate Data", t_golden_imm },
		{ "golden 0xA/0xB Atomics", t_golden_atomic },
		{ "every vector re-encodes exactly", t_vectors_reencode },
		{ "truncation sweep", t_truncation },
		{ "header-only decode", t_decode_hdr_only },
		{ "rdmap_hdr_len", t_hdr_len },
		{ "opcode table", t_op_table },
		{ "err: DDP version", t_err_ddp_version },
		{ "err: RDMAP version", t_err_rdmap_version },
		{ "err: reserved opcodes", t_err_opcode },
		{ "err: T bit vs opcode", t_err_tagged_mismatch },
		{ "err: queue numbers", t_err_qn },
		{ "err: single-segment rules", t_err_single_segment },
		{ "err: AOpCode", t_err_aopcode },
		{ "err: precedence", t_err_precedence },
		{ "round trip, every opcode", t_round_trip },
		{ "encoder refusals", t_encode_invalid },
		{ "read request helpers, alignment", t_read_req_helpers },
		{ "Terminate: every HdrCt combination", t_term_hdrct },
		{ "Terminate: truncation sweep", t_term_truncation },
		{ "Terminate: malformed", t_term_malformed },
		{ "Terminate: build for every wire_err", t_term_build },
		{ NULL, NULL }
	};

	return tutil_run("rdmap", cases);
}
