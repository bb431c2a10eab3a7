/* test_ddp.c — DDP (RFC 5041) header codec and segmentation tests. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tutil.h"
#include "wire/ddp.h"
#include "wire/term.h"

/*
 * RFC 5041 §5.2 example, first segment of a 2048-octet tagged message
 * with initial TO 16384 over MULPDU 1500 (§4.2 Figure 4):
 */
static const char ddp_t_tagged[] =
    "81"			/* T=1 L=0 Rsvd=0000 DV=01 */
    "40"			/* RsvdULP (RDMAP: RV 01, RDMA Write) */
    "00 00 12 34"		/* STag 0x1234 */
    "00 00 00 00 00 00 40 00"	/* TO 16384 */
    "aa bb";			/* payload (2 of 1486 octets) */

/* Second segment of the §5.2 untagged example: MO 1482, L set (§4.3). */
static const char ddp_t_untagged[] =
    "41"			/* T=0 L=1 Rsvd=0000 DV=01 */
    "43"			/* RsvdULP[0:7] (RDMAP: RV 01, Send) */
    "de ad be ef"		/* RsvdULP[8:39] */
    "00 00 00 00"		/* QN 0 */
    "00 00 00 01"		/* MSN 1 (first message, §4.3) */
    "00 00 05 ca"		/* MO 1482 */
    "01 02 03";			/* payload (3 of 566 octets) */

/* Golden tagged header, field by field. */
static void
t_golden_tagged(void)
{
	uint8_t b[64];
	size_t n = tutil_hex_ok(ddp_t_tagged, b, sizeof(b)), hl = 99;
	struct ddp_hdr h;

	CU_ASSERT_EQUAL(n, 16);
	CU_ASSERT_EQUAL(ddp_decode(b, n, &h, &hl), WIRE_OK);
	CU_ASSERT_EQUAL(hl, DDP_TAGGED_HDR_LEN);
	CU_ASSERT_EQUAL(hl, 14);
	CU_ASSERT_TRUE(h.tagged);
	CU_ASSERT_FALSE(h.last);
	CU_ASSERT_EQUAL(h.dv, 1);
	CU_ASSERT_EQUAL(h.rsvdulp, 0x40);
	CU_ASSERT_EQUAL(h.stag, 0x1234);
	CU_ASSERT_EQUAL(h.to, 16384);
	CU_ASSERT_EQUAL(h.qn, 0);
	CU_ASSERT_EQUAL(h.msn, 0);
	CU_ASSERT_EQUAL(h.mo, 0);
	CU_ASSERT_EQUAL(h.inv_stag, 0);
	CU_ASSERT_EQUAL(ddp_hdr_len(b[0]), 14);
}

/* Golden untagged header, field by field. */
static void
t_golden_untagged(void)
{
	uint8_t b[64];
	size_t n = tutil_hex_ok(ddp_t_untagged, b, sizeof(b)), hl = 99;
	struct ddp_hdr h;

	CU_ASSERT_EQUAL(n, 21);
	CU_ASSERT_EQUAL(ddp_decode(b, n, &h, &hl), WIRE_OK);
	CU_ASSERT_EQUAL(hl, DDP_UNTAGGED_HDR_LEN);
	CU_ASSERT_EQUAL(hl, 18);
	CU_ASSERT_FALSE(h.tagged);
	CU_ASSERT_TRUE(h.last);
	CU_ASSERT_EQUAL(h.dv, 1);
	CU_ASSERT_EQUAL(h.rsvdulp, 0x43);
	CU_ASSERT_EQUAL(h.inv_stag, 0xdeadbeef);
	CU_ASSERT_EQUAL(h.qn, 0);
	CU_ASSERT_EQUAL(h.msn, 1);
	CU_ASSERT_EQUAL(h.mo, 1482);
	CU_ASSERT_EQUAL(h.stag, 0);
	CU_ASSERT_EQUAL(h.to, 0);
	CU_ASSERT_EQUAL(ddp_hdr_len(b[0]), 18);
	/* hdr_len is optional. */
	CU_ASSERT_EQUAL(ddp_decode(b, n, &h, NULL), WIRE_OK);
}

/* RFC 5041 §4.1: Rsvd is "not checked on receive"; encode writes 0. */
static void
t_reserved_ignored(void)
{
	uint8_t b[64], e[64];
	size_t n = tutil_hex_ok(ddp_t_tagged, b, sizeof(b)), hl;
	struct ddp_hdr h;

	b[0] = 0xbd;			/* T=1 L=0 Rsvd=1111 DV=01 */
	CU_ASSERT_EQUAL(ddp_decode(b, n, &h, &hl), WIRE_OK);
	CU_ASSERT_TRUE(h.tagged);
	CU_ASSERT_FALSE(h.last);
	CU_ASSERT_EQUAL(h.stag, 0x1234);
	CU_ASSERT_EQUAL(ddp_encode(&h, e, sizeof(e)), 14);
	CU_ASSERT_EQUAL(e[0], 0x81);
	CU_ASSERT_EQUAL(memcmp(e + 1, b + 1, 13), 0);
}

/* RFC 5041 §7.2: a bad DV is 1/1/0x04 tagged, 1/2/0x06 untagged. */
static void
t_bad_version(void)
{
	uint8_t b[64];
	size_t n, hl;
	struct ddp_hdr h;
	unsigned int dv;

	for (dv = 0; dv < 4; dv++) {
		if (dv == DDP_VERSION)
			continue;
		n = tutil_hex_ok(ddp_t_tagged, b, sizeof(b));
		b[0] = (uint8_t)((b[0] & ~DDP_MASK_DV) | dv);
		hl = 99;
		tutil_expect_err(ddp_decode(b, n, &h, &hl), WIRE_E_DDP_T_VERSION,
		    1, 1, 0x04);
		CU_ASSERT_EQUAL(hl, 0);
		CU_ASSERT_FALSE(h.tagged);
		/* Even a one-octet segment reports the version first. */
		tutil_expect_err(ddp_decode(b, 1, &h, NULL), WIRE_E_DDP_T_VERSION,
		    1, 1, 0x04);

		n = tutil_hex_ok(ddp_t_untagged, b, sizeof(b));
		b[0] = (uint8_t)((b[0] & ~DDP_MASK_DV) | dv);
		tutil_expect_err(ddp_decode(b, n, &h, &hl), WIRE_E_DDP_U_VERSION,
		    1, 2, 0x06);
		tutil_expect_err(ddp_decode(b, 1, &h, NULL), WIRE_E_DDP_U_VERSION,
		    1, 2, 0x06);
	}
}

/* Decode every strict prefix of the header from an exact heap copy. */
static void
ddp_t_sweep(const char *hex, size_t want_hl)
{
	uint8_t b[64], *p;
	size_t n = tutil_hex_ok(hex, b, sizeof(b)), k, hl;
	struct ddp_hdr h;

	for (k = 0; k < want_hl; k++) {
		p = malloc(k ? k : 1);
		CU_ASSERT_FATAL(p != NULL);
		memcpy(p, b, k);
		hl = 99;
		tutil_expect_err(ddp_decode(p, k, &h, &hl), WIRE_E_RDMAP_SHORT,
		    0, 2, 0x07);
		CU_ASSERT_EQUAL(hl, 0);
		free(p);
	}
	/* From the header on, every length decodes; payload is not read. */
	for (k = want_hl; k <= n; k++) {
		p = malloc(k);
		CU_ASSERT_FATAL(p != NULL);
		memcpy(p, b, k);
		CU_ASSERT_EQUAL(ddp_decode(p, k, &h, &hl), WIRE_OK);
		CU_ASSERT_EQUAL(hl, want_hl);
		free(p);
	}
}

static void
t_truncation(void)
{
	ddp_t_sweep(ddp_t_tagged, 14);
	ddp_t_sweep(ddp_t_untagged, 18);
}

/* Encode, check exact bytes, decode back; NOSPACE for every short cap. */
static void
ddp_t_round(const struct ddp_hdr *h, const char *want_hex)
{
	uint8_t want[32], b[32], *p;
	size_t wn = tutil_hex_ok(want_hex, want, sizeof(want)), hl, cap;
	struct ddp_hdr d;
	int n;

	n = ddp_encode(h, b, sizeof(b));
	CU_ASSERT_EQUAL(n, (int)wn);
	CU_ASSERT_EQUAL(memcmp(b, want, wn), 0);
	CU_ASSERT_EQUAL(ddp_decode(b, (size_t)n, &d, &hl), WIRE_OK);
	CU_ASSERT_EQUAL(hl, wn);
	CU_ASSERT_EQUAL(d.tagged, h->tagged);
	CU_ASSERT_EQUAL(d.last, h->last);
	CU_ASSERT_EQUAL(d.dv, DDP_VERSION);
	CU_ASSERT_EQUAL(d.rsvdulp, h->rsvdulp);
	if (h->tagged) {
		CU_ASSERT_EQUAL(d.stag, h->stag);
		CU_ASSERT_EQUAL(d.to, h->to);
	} else {
		CU_ASSERT_EQUAL(d.inv_stag, h->inv_stag);
		CU_ASSERT_EQUAL(d.qn, h->qn);
		CU_ASSERT_EQUAL(d.msn, h->msn);
		CU_ASSERT_EQUAL(d.mo, h->mo);
	}
	for (cap = 0; cap < wn; cap++) {
		p = malloc(cap ? cap : 1);
		CU_ASSERT_FATAL(p != NULL);
		CU_ASSERT_EQUAL(ddp_encode(h, p, cap), DDP_ENC_NOSPACE);
		free(p);
	}
}

static void
t_round_trip(void)
{
	struct ddp_hdr h;

	memset(&h, 0, sizeof(h));
	h.tagged = true;
	h.last = true;
	h.dv = 0;		/* ignored: DV is always written as 1 */
	h.rsvdulp = 0x42;
	h.stag = 0x89abcdef;
	h.to = UINT64_C(0xfedcba9876543210);
	h.qn = 7;		/* untagged fields ignored when tagged */
	ddp_t_round(&h, "c1 42 89 ab cd ef fe dc ba 98 76 54 32 10");

	memset(&h, 0, sizeof(h));
	h.tagged = false;
	h.last = false;
	h.rsvdulp = 0x44;
	h.inv_stag = 0x01020304;
	h.qn = 3;
	h.msn = UINT32_MAX;
	h.mo = 0x10000;
	h.stag = 5;		/* tagged fields ignored when untagged */
	ddp_t_round(&h, "01 44 01 02 03 04 00 00 00 03 ff ff ff ff"
	    "00 01 00 00");
}

/* RFC 5041 §7.1 tagged check 5: TO + length must not wrap 64 bits. */
static void
t_to_wrap(void)
{
	CU_ASSERT_EQUAL(ddp_check_to_wrap(0, 0), WIRE_OK);
	CU_ASSERT_EQUAL(ddp_check_to_wrap(UINT64_MAX, 0), WIRE_OK);
	CU_ASSERT_EQUAL(ddp_check_to_wrap(0, UINT64_MAX), WIRE_OK);
	CU_ASSERT_EQUAL(ddp_check_to_wrap(UINT64_MAX - 1, 1), WIRE_OK);
	CU_ASSERT_EQUAL(ddp_check_to_wrap(16384, 2048), WIRE_OK);
	/* Sum exactly 2^64 wraps to 0. */
	tutil_expect_err(ddp_check_to_wrap(UINT64_MAX - 1, 2),
	    WIRE_E_DDP_T_TO_WRAP, 1, 1, 0x03);
	tutil_expect_err(ddp_check_to_wrap(UINT64_MAX, 1), WIRE_E_DDP_T_TO_WRAP,
	    1, 1, 0x03);
	tutil_expect_err(ddp_check_to_wrap(1, UINT64_MAX), WIRE_E_DDP_T_TO_WRAP,
	    1, 1, 0x03);
	tutil_expect_err(ddp_check_to_wrap(UINT64_MAX, UINT64_MAX),
	    WIRE_E_DDP_T_TO_WRAP, 1, 1, 0x03);
}

/* RFC 5041 §5.2 examples: 1500 - 18 = 1482, 1500 - 14 = 1486. */
static void
t_payload_max(void)
{
	CU_ASSERT_EQUAL(ddp_seg_payload_max(1500, DDP_UNTAGGED_HDR_LEN), 1482);
	CU_ASSERT_EQUAL(ddp_seg_payload_max(1500, DDP_TAGGED_HDR_LEN), 1486);
	CU_ASSERT_EQUAL(ddp_seg_payload_max(15, 14), 1);
	CU_ASSERT_EQUAL(ddp_seg_payload_max(14, 14), 0);
	CU_ASSERT_EQUAL(ddp_seg_payload_max(10, 14), 0);
	CU_ASSERT_EQUAL(ddp_seg_payload_max(UINT32_MAX, 0), UINT32_MAX);
}

/*
 * Run the iterator over msg_len with max m and check every rule: offsets
 * contiguous from 0, every segment but the last exactly m, L only on the
 * last, the sum is msg_len, and want_segs segments.
 */
static void
ddp_t_iter(uint32_t msg_len, uint32_t m, uint64_t want_segs)
{
	struct ddp_seg_iter it;
	struct ddp_seg_step st;
	uint64_t segs = 0, sum = 0;
	bool seen_last = false;

	CU_ASSERT_EQUAL_FATAL(ddp_seg_iter_init(&it, msg_len, m), 0);
	while (ddp_seg_iter_next(&it, &st)) {
		CU_ASSERT_FALSE(seen_last);
		CU_ASSERT_EQUAL(st.off, sum);
		if (!st.last)
			CU_ASSERT_EQUAL(st.len, m);
		CU_ASSERT_TRUE(st.len <= m);
		seen_last = st.last;
		sum += st.len;
		if (++segs > want_segs + 1)
			break;
	}
	CU_ASSERT_TRUE(seen_last);
	CU_ASSERT_EQUAL(sum, msg_len);
	CU_ASSERT_EQUAL(segs, want_segs);
	/* Exhausted stays exhausted. */
	CU_ASSERT_FALSE(ddp_seg_iter_next(&it, &st));
}

/* Message of 0, 1, M-1, M, M+1 and 10M+3 octets (RFC 5041 §5.2). */
static void
t_seg_iter(void)
{
	const uint32_t m = 1482;
	struct ddp_seg_iter it;
	struct ddp_seg_step st;

	/* Zero-length: exactly one segment, L set, length 0 (§5.2). */
	CU_ASSERT_EQUAL(ddp_seg_iter_init(&it, 0, m), 0);
	CU_ASSERT_TRUE(ddp_seg_iter_next(&it, &st));
	CU_ASSERT_EQUAL(st.off, 0);
	CU_ASSERT_EQUAL(st.len, 0);
	CU_ASSERT_TRUE(st.last);
	CU_ASSERT_FALSE(ddp_seg_iter_next(&it, &st));

	ddp_t_iter(0, m, 1);
	ddp_t_iter(1, m, 1);
	ddp_t_iter(m - 1, m, 1);
	ddp_t_iter(m, m, 1);
	ddp_t_iter(m + 1, m, 2);
	ddp_t_iter(10 * m + 3, m, 11);
	ddp_t_iter(1, 1, 1);
	ddp_t_iter(5, 1, 5);
	/* Edges of the 32-bit space: no overflow in offsets. */
	ddp_t_iter(UINT32_MAX, UINT32_MAX, 1);
	ddp_t_iter(UINT32_MAX, UINT32_MAX - 1, 2);
	ddp_t_iter(UINT32_MAX, UINT32_C(0x80000000), 2);

	/* M + 1: the second segment carries 1 octet at offset M. */
	CU_ASSERT_EQUAL(ddp_seg_iter_init(&it, m + 1, m), 0);
	CU_ASSERT_TRUE(ddp_seg_iter_next(&it, &st));
	CU_ASSERT_EQUAL(st.off, 0);
	CU_ASSERT_EQUAL(st.len, m);
	CU_ASSERT_FALSE(st.last);
	CU_ASSERT_TRUE(ddp_seg_iter_next(&it, &st));
	CU_ASSERT_EQUAL(st.off, m);
	CU_ASSERT_EQUAL(st.len, 1);
	CU_ASSERT_TRUE(st.last);

	/* A zero maximum cannot make progress. */
	CU_ASSERT_EQUAL(ddp_seg_iter_init(&it, 10, 0), -1);
	CU_ASSERT_FALSE(ddp_seg_iter_next(&it, &st));
	CU_ASSERT_EQUAL(ddp_seg_iter_init(&it, 0, 0), -1);
	CU_ASSERT_FALSE(ddp_seg_iter_next(&it, &st));
}

/* The two worked examples of RFC 5041 §5.2, header by header. */
static void
t_seg_apply(void)
{
	struct ddp_hdr tmpl, h;
	struct ddp_seg_iter it;
	struct ddp_seg_step st;
	uint8_t b[32];

	/* Tagged: 2048 octets from TO 16384, MULPDU 1500. */
	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.tagged = true;
	tmpl.rsvdulp = 0x40;
	tmpl.stag = 0x1234;
	tmpl.to = 16384;
	CU_ASSERT_EQUAL(ddp_seg_iter_init(&it, 2048,
	    ddp_seg_payload_max(1500, DDP_TAGGED_HDR_LEN)), 0);
	CU_ASSERT_TRUE(ddp_seg_iter_next(&it, &st));
	ddp_seg_apply(&tmpl, &st, &h);
	CU_ASSERT_EQUAL(st.len, 1486);
	CU_ASSERT_EQUAL(h.to, 16384);
	CU_ASSERT_FALSE(h.last);
	CU_ASSERT_EQUAL(h.stag, 0x1234);
	CU_ASSERT_EQUAL(ddp_encode(&h, b, sizeof(b)), 14);
	CU_ASSERT_EQUAL(b[0], 0x81);
	CU_ASSERT_TRUE(ddp_seg_iter_next(&it, &st));
	ddp_seg_apply(&tmpl, &st, &h);
	CU_ASSERT_EQUAL(st.len, 562);
	CU_ASSERT_EQUAL(h.to, 17870);
	CU_ASSERT_TRUE(h.last);
	CU_ASSERT_EQUAL(ddp_encode(&h, b, sizeof(b)), 14);
	CU_ASSERT_EQUAL(b[0], 0xc1);
	CU_ASSERT_FALSE(ddp_seg_iter_next(&it, &st));

	/* Untagged: 2048 octets, MULPDU 1500: MO 0 / 1482, 1482 / 566. */
	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.qn = 0;
	tmpl.msn = 9;
	tmpl.rsvdulp = 0x43;
	CU_ASSERT_EQUAL(ddp_seg_iter_init(&it, 2048,
	    ddp_seg_payload_max(1500, DDP_UNTAGGED_HDR_LEN)), 0);
	CU_ASSERT_TRUE(ddp_seg_iter_next(&it, &st));
	ddp_seg_apply(&tmpl, &st, &h);
	CU_ASSERT_EQUAL(h.mo, 0);
	CU_ASSERT_EQUAL(st.len, 1482);
	CU_ASSERT_FALSE(h.last);
	CU_ASSERT_EQUAL(h.msn, 9);
	CU_ASSERT_TRUE(ddp_seg_iter_next(&it, &st));
	ddp_seg_apply(&tmpl, &st, &h);
	CU_ASSERT_EQUAL(h.mo, 1482);
	CU_ASSERT_EQUAL(st.len, 566);
	CU_ASSERT_TRUE(h.last);
	CU_ASSERT_EQUAL(h.msn, 9);
	CU_ASSERT_EQUAL(ddp_encode(&h, b, sizeof(b)), 18);
	CU_ASSERT_EQUAL(memcmp(b, "\x41\x43\0\0\0\0\0\0\0\0\0\0\0\x09"
	    "\0\0\x05\xca", 18), 0);
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "golden tagged (RFC 5041 §4.2)", t_golden_tagged },
		{ "golden untagged (RFC 5041 §4.3)", t_golden_untagged },
		{ "reserved bits ignored (§4.1)", t_reserved_ignored },
		{ "bad DV -> T/U version (§7.2)", t_bad_version },
		{ "truncation sweep", t_truncation },
		{ "encode/decode round trip", t_round_trip },
		{ "TO wrap (§7.1 check 5)", t_to_wrap },
		{ "payload per segment (§5.2)", t_payload_max },
		{ "segmentation iterator (§5.2)", t_seg_iter },
		{ "segment headers, §5.2 examples", t_seg_apply },
		{ NULL, NULL }
	};

	return tutil_run("ddp", cases);
}
