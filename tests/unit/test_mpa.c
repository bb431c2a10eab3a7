/* test_mpa.c — MPA frames, FPDUs, markers, CRC and the stream decoder. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tutil.h"
#include "wire/crc32c.h"
#include "wire/mpa.h"
#include "wire/term.h"

/* ======================================================================
 * helpers
 * ==================================================================== */

/* Deterministic xorshift32, so failures reproduce. */
static uint32_t
t_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* An exactly sized heap copy, so ASan catches any read past n. */
static uint8_t *
t_dup(const uint8_t *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);

	if (d != NULL && n)
		memcpy(d, p, n);
	return d;
}

/* err maps to the Terminate triple layer/etype/ecode. */
static void
t_triple(enum wire_err err, unsigned int layer, unsigned int etype,
    unsigned int ecode)
{
	struct term_triple t;

	CU_ASSERT_EQUAL(term_triple_of(err, &t), 0);
	CU_ASSERT_EQUAL(t.layer, layer);
	CU_ASSERT_EQUAL(t.etype, etype);
	CU_ASSERT_EQUAL(t.ecode, ecode);
}

/* Parse a hex dump into buf; the length must be `want`. */
static size_t
t_hex(const char *hex, uint8_t *buf, size_t cap, long want)
{
	long n = tutil_hex(hex, buf, cap);

	CU_ASSERT_EQUAL_FATAL(n, want);
	return (size_t)n;
}

/* ======================================================================
 * Request/Reply frames: golden vectors (RFC 5044 §7.1.1, RFC 6581 §6, §9)
 * ==================================================================== */

/* Rev 1 Request, C set, no private data. */
static const char t_frame_req_v1[] =
    "4d 50 41 20 49 44 20 52 65 71 20 46 72 61 6d 65 # Key 'MPA ID Req Frame'\n"
    "40       # |M=0|C=1|R=0|Res=00000|\n"
    "01       # Rev 1\n"
    "00 00    # PD_Length 0: no Private Data field at all\n";

/* Rev 1 Reply, M and C set, accepted, 5 octets of private data. */
static const char t_frame_rep_v1[] =
    "4d 50 41 20 49 44 20 52 65 70 20 46 72 61 6d 65 # Key 'MPA ID Rep Frame'\n"
    "c0       # |M=1|C=1|R=0|Res=00000|\n"
    "01       # Rev 1\n"
    "00 05    # PD_Length 5\n"
    "68 65 6c 6c 6f # Private Data 'hello'\n";

/* Rev 2 enhanced Request: IRD/ORD word, then 6 octets of ULP data. */
static const char t_frame_req_v2[] =
    "4d 50 41 20 49 44 20 52 65 71 20 46 72 61 6d 65 # Key 'MPA ID Req Frame'\n"
    "50       # |M=0|C=1|R=0|S=1|Res=0000|\n"
    "02       # Rev 2\n"
    "00 0a    # PD_Length 10 = 4 (IRD/ORD) + 6\n"
    "c0 10    # |A=1|B=1| IRD=0x0010 (16): p2p, zero-length Send RTR\n"
    "40 08    # |C=0|D=1| ORD=0x0008 (8): zero-length Read RTR\n"
    "72 64 6d 61 64 21 # ULP Private Data 'rdmad!'\n";

/* Rev 2 enhanced Reply rejecting, with its IRD/ORD and a reason. */
static const char t_frame_rej_v2[] =
    "4d 50 41 20 49 44 20 52 65 70 20 46 72 61 6d 65 # Key 'MPA ID Rep Frame'\n"
    "70       # |M=0|C=1|R=1|S=1|Res=0000|: rejected\n"
    "02       # Rev 2\n"
    "00 06    # PD_Length 6 = 4 + 2\n"
    "80 04    # |A=1|B=0| IRD=4\n"
    "bf ff    # |C=1|D=0| ORD=0x3fff: no automatic negotiation (§9.1)\n"
    "6e 6f    # ULP Private Data 'no'\n";

/* Rev 2 Reply without S (unenhanced, RFC 6581 §6), M set. */
static const char t_frame_rep_v2_plain[] =
    "4d 50 41 20 49 44 20 52 65 70 20 46 72 61 6d 65 # Key 'MPA ID Rep Frame'\n"
    "80       # |M=1|C=0|R=0|S=0|Res=0000|\n"
    "02       # Rev 2\n"
    "00 00    # PD_Length 0\n";

static void
test_frame_golden_v1(void)
{
	uint8_t b[64];
	struct mpa_frame f;
	struct mpa_res res;
	size_t n;

	n = t_hex(t_frame_req_v1, b, sizeof(b), 20);
	CU_ASSERT_EQUAL(mpa_frame_decode(b, n, MPA_FRAME_REQ, &f, &res),
	    MPA_ST_DONE);
	CU_ASSERT_EQUAL(res.used, 20);
	CU_ASSERT_EQUAL(res.len, 20);
	CU_ASSERT_EQUAL(res.err, WIRE_OK);
	CU_ASSERT_EQUAL(f.type, MPA_FRAME_REQ);
	CU_ASSERT_EQUAL(f.rev, 1);
	CU_ASSERT_FALSE(f.markers);
	CU_ASSERT_TRUE(f.crc);
	CU_ASSERT_FALSE(f.reject);
	CU_ASSERT_FALSE(f.enhanced);
	CU_ASSERT_EQUAL(f.pd_len, 0);
	CU_ASSERT_PTR_NULL(f.pd);
	CU_ASSERT_EQUAL(f.ulp_pd_len, 0);

	n = t_hex(t_frame_rep_v1, b, sizeof(b), 25);
	CU_ASSERT_EQUAL(mpa_frame_decode(b, n, MPA_FRAME_REP, &f, &res),
	    MPA_ST_DONE);
	CU_ASSERT_EQUAL(res.used, 25);
	CU_ASSERT_EQUAL(f.type, MPA_FRAME_REP);
	CU_ASSERT_EQUAL(f.rev, 1);
	CU_ASSERT_TRUE(f.markers);
	CU_ASSERT_TRUE(f.crc);
	CU_ASSERT_FALSE(f.reject);
	CU_ASSERT_FALSE(f.enhanced);
	CU_ASSERT_EQUAL(f.pd_len, 5);
	CU_ASSERT_PTR_EQUAL(f.pd, b + 20);	/* no copy */
	CU_ASSERT_PTR_EQUAL(f.ulp_pd, b + 20);
	CU_ASSERT_EQUAL(f.ulp_pd_len, 5);
	CU_ASSERT_EQUAL(memcmp(f.pd, "hello", 5), 0);
	/* ANY accepts either key and reports which. */
	CU_ASSERT_EQUAL(mpa_frame_decode(b, n, MPA_FRAME_ANY, &f, &res),
	    MPA_ST_DONE);
	CU_ASSERT_EQUAL(f.type, MPA_FRAME_REP);
}

static void
test_frame_golden_v2(void)
{
	uint8_t b[64];
	struct mpa_frame f;
	struct mpa_res res;
	size_t n;

	n = t_hex(t_frame_req_v2, b, sizeof(b), 30);
	CU_ASSERT_EQUAL(mpa_frame_decode(b, n, MPA_FRAME_REQ, &f, &res),
	    MPA_ST_DONE);
	CU_ASSERT_EQUAL(res.used, 30);
	CU_ASSERT_EQUAL(f.rev, 2);
	CU_ASSERT_FALSE(f.markers);
	CU_ASSERT_TRUE(f.crc);
	CU_ASSERT_TRUE(f.enhanced);
	CU_ASSERT_EQUAL(f.pd_len, 10);
	CU_ASSERT_PTR_EQUAL(f.pd, b + 20);
	CU_ASSERT_EQUAL(f.io.ird, 16);
	CU_ASSERT_EQUAL(f.io.ord, 8);
	CU_ASSERT_TRUE(f.io.p2p);
	CU_ASSERT_TRUE(f.io.rtr_send);
	CU_ASSERT_FALSE(f.io.rtr_write);
	CU_ASSERT_TRUE(f.io.rtr_read);
	CU_ASSERT_PTR_EQUAL(f.ulp_pd, b + 24);
	CU_ASSERT_EQUAL(f.ulp_pd_len, 6);
	CU_ASSERT_EQUAL(memcmp(f.ulp_pd, "rdmad!", 6), 0);

	n = t_hex(t_frame_rej_v2, b, sizeof(b), 26);
	CU_ASSERT_EQUAL(mpa_frame_decode(b, n, MPA_FRAME_REP, &f, &res),
	    MPA_ST_DONE);
	CU_ASSERT_EQUAL(res.used, 26);
	CU_ASSERT_EQUAL(f.type, MPA_FRAME_REP);
	CU_ASSERT_TRUE(f.reject);
	CU_ASSERT_TRUE(f.enhanced);
	CU_ASSERT_TRUE(f.crc);
	CU_ASSERT_EQUAL(f.io.ird, 4);
	CU_ASSERT_EQUAL(f.io.ord, MPA_V2_IRD_ORD_AUTO_OFF);
	CU_ASSERT_TRUE(f.io.p2p);
	CU_ASSERT_FALSE(f.io.rtr_send);
	CU_ASSERT_TRUE(f.io.rtr_write);
	CU_ASSERT_FALSE(f.io.rtr_read);
	CU_ASSERT_EQUAL(f.ulp_pd_len, 2);
	CU_ASSERT_EQUAL(memcmp(f.ulp_pd, "no", 2), 0);

	n = t_hex(t_frame_rep_v2_plain, b, sizeof(b), 20);
	CU_ASSERT_EQUAL(mpa_frame_decode(b, n, MPA_FRAME_REP, &f, &res),
	    MPA_ST_DONE);
	CU_ASSERT_EQUAL(f.rev, 2);
	CU_ASSERT_TRUE(f.markers);
	CU_ASSERT_FALSE(f.crc);
	CU_ASSERT_FALSE(f.enhanced);
	CU_ASSERT_EQUAL(f.io.ird, 0);
	CU_ASSERT_EQUAL(f.io.ord, 0);
}

/* Two decoded frames are equal, private data compared by content. */
static int
t_frame_eq(const struct mpa_frame *a, const struct mpa_frame *b)
{
	return a->type == b->type && a->rev == b->rev &&
	    a->markers == b->markers && a->crc == b->crc &&
	    a->reject == b->reject && a->enhanced == b->enhanced &&
	    a->pd_len == b->pd_len && a->ulp_pd_len == b->ulp_pd_len &&
	    a->io.ird == b->io.ird && a->io.ord == b->io.ord &&
	    a->io.p2p == b->io.p2p && a->io.rtr_send == b->io.rtr_send &&
	    a->io.rtr_write == b->io.rtr_write &&
	    a->io.rtr_read == b->io.rtr_read &&
	    (a->pd_len == 0 || memcmp(a->pd, b->pd, a->pd_len) == 0) &&
	    (a->ulp_pd_len == 0 ||
	    memcmp(a->ulp_pd, b->ulp_pd, a->ulp_pd_len) == 0);
}

/* Encoding the decoded golden frames gives back the very same octets. */
static void
test_frame_golden_encode(void)
{
	const char *v[] = { t_frame_req_v1, t_frame_rep_v1, t_frame_req_v2,
	    t_frame_rej_v2, t_frame_rep_v2_plain };
	uint8_t b[64], e[64];
	struct mpa_frame f, g;
	struct mpa_res res;
	long n;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = tutil_hex(v[i], b, sizeof(b));
		CU_ASSERT_FATAL(n >= 20);
		CU_ASSERT_EQUAL(mpa_frame_decode(b, (size_t)n, MPA_FRAME_ANY,
		    &f, &res), MPA_ST_DONE);
		CU_ASSERT_EQUAL(mpa_frame_len(&f), (size_t)n);
		memset(e, 0xee, sizeof(e));
		CU_ASSERT_EQUAL(mpa_frame_encode(&f, e, sizeof(e)), n);
		CU_ASSERT_EQUAL(memcmp(e, b, (size_t)n), 0);
		CU_ASSERT_EQUAL(e[n], 0xee);
		CU_ASSERT_EQUAL(mpa_frame_decode(e, (size_t)n, f.type, &g,
		    &res), MPA_ST_DONE);
		CU_ASSERT(t_frame_eq(&f, &g));
	}
}

/*
 * What a receiver ignores: Res bits (RFC 5044 §7.1.1 "not checked on
 * reception"), S in a Rev 1 frame (it is a Res bit there), R in a
 * Request, and B/C/D when A is 0 (RFC 6581 §9.2).
 */
static void
test_frame_ignored_bits(void)
{
	uint8_t b[64];
	struct mpa_frame f;
	struct mpa_res res;
	size_t n;

	/* Rev 1 Request, all five Res bits set, C set. */
	n = t_hex("4d 50 41 20 49 44 20 52 65 71 20 46 72 61 6d 65"
	    " 5f 01 00 00", b, sizeof(b), 20);
	CU_ASSERT_EQUAL(mpa_frame_decode(b, n, MPA_FRAME_REQ, &f, &res),
	    MPA_ST_DONE);
	CU_ASSERT_TRUE(f.crc);
	CU_ASSERT_FALSE(f.markers);
	CU_ASSERT_FALSE(f.enhanced);	/* 0x10 is Res in Rev 1 */

	/* Rev 1 Reply with the S position set and 3 octets of private
	 * data: no IRD/ORD word, all 3 octets are ULP data. */
	n = t_hex("4d 50 41 20 49 44 20 52 65 70 20 46 72 61 6d 65"
	    " 10 01 00 03 aa bb cc", b, sizeof(b), 23);
	CU_ASSERT_EQUAL(mpa_frame_decode(b, n, MPA_FRAME_REP, &f, &res),
	    MPA_ST_DONE);
	CU_ASSERT_FALSE(f.enhanced);
	CU_ASSERT_EQUAL(f.ulp_pd_len, 3);
	CU_ASSERT_PTR_EQUAL(f.ulp_pd, b + 20);

	/* Rev 2 Request with R set: R is not checked in a Request. */
	n = t_hex("4d 50 41 20 49 44 20 52 65 71 20 46 72 61 6d 65"
	    " 20 02 00 00", b, sizeof(b), 20);
	CU_ASSERT_EQUAL(mpa_frame_decode(b, n, MPA_FRAME_REQ, &f, &res),
	    MPA_ST_DONE);
	CU_ASSERT_FALSE(f.reject);

	/* Rev 2 enhanced Request, A=0 but B, C, D set: ignored. */
	n = t_hex("4d 50 41 20 49 44 20 52 65 71 20 46 72 61 6d 65"
	    " 1f 02 00 04"
	    " 40 05   # |A=0|B=1| IRD=5\n"
	    " c0 03   # |C=1|D=1| ORD=3\n", b, sizeof(b), 24);
	CU_ASSERT_EQUAL(mpa_frame_decode(b, n, MPA_FRAME_ANY, &f, &res),
	    MPA_ST_DONE);
	CU_ASSERT_TRUE(f.enhanced);
	CU_ASSERT_EQUAL(f.io.ird, 5);
	CU_ASSERT_EQUAL(f.io.ord, 3);
	CU_ASSERT_FALSE(f.io.p2p);
	CU_ASSERT_FALSE(f.io.rtr_send);
	CU_ASSERT_FALSE(f.io.rtr_write);
	CU_ASSERT_FALSE(f.io.rtr_read);
	CU_ASSERT_EQUAL(f.ulp_pd_len, 0);

	/* Octets after the frame belong to the FPDU stream. */
	n = t_hex("4d 50 41 20 49 44 20 52 65 70 20 46 72 61 6d 65"
	    " c0 01 00 00  00 00 00 00 00 2a", b, sizeof(b), 26);
	CU_ASSERT_EQUAL(mpa_frame_decode(b, n, MPA_FRAME_REP, &f, &res),
	    MPA_ST_DONE);
	CU_ASSERT_EQUAL(res.used, 20);
	CU_ASSERT_EQUAL(res.len, 20);
}

/*
 * Build every combination of frame options, encode, decode, compare;
 * then sweep every strict prefix (exactly sized heap copies): the
 * decoder must say MORE with the exact number of missing octets.
 */
static void
test_frame_roundtrip_and_truncation(void)
{
	static const size_t pds[] = { 0, 1, 3, 4, 5, 100, 508, 512 };
	uint8_t pd[512], enc[600], *cut;
	struct mpa_frame f, g;
	struct mpa_res res;
	uint32_t s = 42;
	unsigned int opt, rt_ok = 0, rt_total = 0, bad_prefix = 0;
	size_t i, k, want;
	int n;

	for (i = 0; i < sizeof(pd); i++)
		pd[i] = (uint8_t)t_rand(&s);
	for (opt = 0; opt < 64; opt++)
		for (i = 0; i < sizeof(pds) / sizeof(pds[0]); i++) {
			memset(&f, 0, sizeof(f));
			f.type = (opt & 1) ? MPA_FRAME_REP : MPA_FRAME_REQ;
			f.rev = (opt & 2) ? 2 : 1;
			f.markers = (opt & 4) != 0;
			f.crc = (opt & 8) != 0;
			f.reject = f.type == MPA_FRAME_REP && (opt & 16);
			f.enhanced = f.rev == 2 && (opt & 32);
			if (f.enhanced) {
				if (pds[i] > 508)
					continue;
				f.io.ird = (uint16_t)(t_rand(&s) & 0x3fff);
				f.io.ord = (uint16_t)(t_rand(&s) & 0x3fff);
				f.io.p2p = (opt & 16) != 0;
				f.io.rtr_send = f.io.p2p && (t_rand(&s) & 1);
				f.io.rtr_write = f.io.p2p && (t_rand(&s) & 1);
				f.io.rtr_read = f.io.p2p && (t_rand(&s) & 1);
			}
			f.ulp_pd = pds[i] ? pd : NULL;
			f.ulp_pd_len = (uint16_t)pds[i];
			n = mpa_frame_encode(&f, enc, sizeof(enc));
			want = 20 + pds[i] + (f.enhanced ? 4 : 0);
			CU_ASSERT_EQUAL(n, (int)want);
			if (n < 0)
				continue;
			rt_total++;
			cut = t_dup(enc, (size_t)n);
			if (mpa_frame_decode(cut, (size_t)n, f.type, &g,
			    &res) == MPA_ST_DONE && res.used == (size_t)n &&
			    g.type == f.type && g.rev == f.rev &&
			    g.markers == f.markers && g.crc == f.crc &&
			    g.reject == f.reject && g.enhanced == f.enhanced &&
			    g.io.ird == f.io.ird && g.io.ord == f.io.ord &&
			    g.io.p2p == f.io.p2p &&
			    g.io.rtr_send == f.io.rtr_send &&
			    g.io.rtr_write == f.io.rtr_write &&
			    g.io.rtr_read == f.io.rtr_read &&
			    g.ulp_pd_len == f.ulp_pd_len &&
			    (f.ulp_pd_len == 0 ||
			    memcmp(g.ulp_pd, pd, f.ulp_pd_len) == 0))
				rt_ok++;
			free(cut);
			/* Truncation sweep. */
			for (k = 0; k < (size_t)n; k++) {
				cut = t_dup(enc, k);
				if (mpa_frame_decode(k ? cut : NULL, k,
				    f.type, &g, &res) != MPA_ST_MORE ||
				    res.used != 0 || res.err != WIRE_OK ||
				    res.need != (k < 20 ? 20 - k :
				    (size_t)n - k))
					bad_prefix++;
				free(cut);
			}
		}
	CU_ASSERT(rt_total > 300);
	CU_ASSERT_EQUAL(rt_ok, rt_total);
	CU_ASSERT_EQUAL(bad_prefix, 0);
}

/* Prefix sweep over the golden frames, with ANY and the right key. */
static void
test_frame_golden_truncation(void)
{
	const char *v[] = { t_frame_req_v1, t_frame_rep_v1, t_frame_req_v2,
	    t_frame_rej_v2, t_frame_rep_v2_plain };
	uint8_t b[64], *cut;
	struct mpa_frame f;
	struct mpa_res res;
	size_t i, k, n;
	enum mpa_frame_type want;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = (size_t)tutil_hex(v[i], b, sizeof(b));
		want = b[9] == 'q' ? MPA_FRAME_REQ : MPA_FRAME_REP;
		for (k = 0; k < n; k++) {
			cut = t_dup(b, k);
			CU_ASSERT_EQUAL(mpa_frame_decode(cut, k, MPA_FRAME_ANY,
			    &f, &res), MPA_ST_MORE);
			CU_ASSERT_EQUAL(res.need, k < 20 ? 20 - k : n - k);
			CU_ASSERT_EQUAL(mpa_frame_decode(cut, k, want, &f,
			    &res), MPA_ST_MORE);
			CU_ASSERT_EQUAL(f.type, MPA_FRAME_ANY);	/* zeroed */
			free(cut);
		}
	}
}

/* Every decode error of a frame, found as early as the stream allows. */
static void
test_frame_errors(void)
{
	uint8_t b[64], *cut;
	struct mpa_frame f;
	struct mpa_res res;
	size_t n, i, k;
	unsigned int bad = 0;

	/* Bad key: any octet of the key wrong, reported from the octet on. */
	n = t_hex(t_frame_req_v1, b, sizeof(b), 20);
	for (i = 0; i < MPA_KEY_LEN; i++) {
		b[i] ^= 0x20;
		for (k = 0; k <= n; k++) {
			cut = t_dup(b, k);
			if (mpa_frame_decode(cut, k, MPA_FRAME_ANY, &f,
			    &res) != (k <= i ? MPA_ST_MORE : MPA_ST_FAIL))
				bad++;
			if (k > i && res.err != WIRE_E_MPA_BAD_KEY)
				bad++;
			free(cut);
		}
		b[i] ^= 0x20;
	}
	CU_ASSERT_EQUAL(bad, 0);

	/* A Request where a Reply is due (Initiator/Initiator, §7.1.2
	 * rule 8), seen at octet 9 ('q' versus 'p'). */
	CU_ASSERT_EQUAL(mpa_frame_decode(b, 9, MPA_FRAME_REP, &f, &res),
	    MPA_ST_MORE);
	CU_ASSERT_EQUAL(mpa_frame_decode(b, 10, MPA_FRAME_REP, &f, &res),
	    MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_BAD_KEY);
	CU_ASSERT_EQUAL(mpa_frame_decode(b, n, MPA_FRAME_REP, &f, &res),
	    MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_BAD_KEY);
	CU_ASSERT_EQUAL(res.used, 0);
	n = t_hex(t_frame_rep_v1, b, sizeof(b), 25);
	CU_ASSERT_EQUAL(mpa_frame_decode(b, n, MPA_FRAME_REQ, &f, &res),
	    MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_BAD_KEY);
	/* Not MPA at all: an HTTP request fails at the first octet. */
	CU_ASSERT_EQUAL(mpa_frame_decode("GET / HTTP/1.1\r\n", 1,
	    MPA_FRAME_ANY, &f, &res), MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_BAD_KEY);
	t_triple(WIRE_E_MPA_BAD_KEY, 2, 0, 4);

	/* Bad revision: 0, 3 and 255, reported once octet 17 is in. */
	n = t_hex(t_frame_req_v1, b, sizeof(b), 20);
	for (i = 0; i < 3; i++) {
		b[17] = (uint8_t[]){ 0, 3, 255 }[i];
		CU_ASSERT_EQUAL(mpa_frame_decode(b, 17, MPA_FRAME_REQ, &f,
		    &res), MPA_ST_MORE);
		CU_ASSERT_EQUAL(mpa_frame_decode(b, 18, MPA_FRAME_REQ, &f,
		    &res), MPA_ST_FAIL);
		CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_BAD_REV);
		CU_ASSERT_EQUAL(mpa_frame_decode(b, n, MPA_FRAME_REQ, &f,
		    &res), MPA_ST_FAIL);
		CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_BAD_REV);
	}
	t_triple(WIRE_E_MPA_BAD_REV, 2, 0, 4);

	/* PD_Length 513 and 0xffff: too long, known at octet 20. */
	b[17] = 1;
	b[18] = 0x02;
	b[19] = 0x01;
	CU_ASSERT_EQUAL(mpa_frame_decode(b, 19, MPA_FRAME_REQ, &f, &res),
	    MPA_ST_MORE);
	CU_ASSERT_EQUAL(mpa_frame_decode(b, 20, MPA_FRAME_REQ, &f, &res),
	    MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_PD_TOO_LONG);
	b[18] = b[19] = 0xff;
	CU_ASSERT_EQUAL(mpa_frame_decode(b, 20, MPA_FRAME_REQ, &f, &res),
	    MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_PD_TOO_LONG);
	t_triple(WIRE_E_MPA_PD_TOO_LONG, 2, 0, 4);
	/* 512 itself is fine: need 512 more. */
	b[18] = 0x02;
	b[19] = 0x00;
	CU_ASSERT_EQUAL(mpa_frame_decode(b, 20, MPA_FRAME_REQ, &f, &res),
	    MPA_ST_MORE);
	CU_ASSERT_EQUAL(res.need, 512);

	/* Enhanced (Rev 2, S) with PD_Length 0..3: no room for the
	 * IRD/ORD word, an improperly formatted frame. */
	b[16] = MPA_FLAG_S;
	b[17] = 2;
	for (i = 0; i < 4; i++) {
		b[18] = 0;
		b[19] = (uint8_t)i;
		CU_ASSERT_EQUAL(mpa_frame_decode(b, 20 + i, MPA_FRAME_REQ, &f,
		    &res), MPA_ST_FAIL);
		CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_BAD_FRAME);
	}
	/* The same with Rev 1: S is Res, the frame is fine. */
	b[17] = 1;
	b[19] = 0;
	CU_ASSERT_EQUAL(mpa_frame_decode(b, 20, MPA_FRAME_REQ, &f, &res),
	    MPA_ST_DONE);
	t_triple(WIRE_E_MPA_BAD_FRAME, 2, 0, 4);
}

/* Markers per direction and CRC from a Request/Reply pair. */
static void
test_frame_negotiate(void)
{
	struct mpa_frame req, rep;
	struct mpa_mode m;
	unsigned int i;

	memset(&req, 0, sizeof(req));
	memset(&rep, 0, sizeof(rep));
	for (i = 0; i < 16; i++) {
		req.markers = (i & 1) != 0;
		req.crc = (i & 2) != 0;
		rep.markers = (i & 4) != 0;
		rep.crc = (i & 8) != 0;
		/* Initiator: receives what the Request asked for. */
		mpa_negotiate(&req, &rep, true, &m);
		CU_ASSERT_EQUAL(m.rx_markers, req.markers);
		CU_ASSERT_EQUAL(m.tx_markers, rep.markers);
		CU_ASSERT_EQUAL(m.crc, req.crc || rep.crc);
		/* Responder: the mirror image, same CRC decision. */
		mpa_negotiate(&req, &rep, false, &m);
		CU_ASSERT_EQUAL(m.rx_markers, rep.markers);
		CU_ASSERT_EQUAL(m.tx_markers, req.markers);
		CU_ASSERT_EQUAL(m.crc, req.crc || rep.crc);
	}
}

/* Encoder refusals: RFC rules and short buffers. */
static void
test_frame_encode_errors(void)
{
	uint8_t pd[600], b[600];
	struct mpa_frame f;
	size_t cap;
	int n;

	memset(pd, 0x5a, sizeof(pd));
	memset(&f, 0, sizeof(f));
	f.type = MPA_FRAME_REQ;
	f.rev = 1;
	CU_ASSERT_EQUAL(mpa_frame_encode(&f, b, sizeof(b)), 20);
	f.type = MPA_FRAME_ANY;
	CU_ASSERT_EQUAL(mpa_frame_encode(&f, b, sizeof(b)), MPA_ENC_INVALID);
	f.type = MPA_FRAME_REQ;
	f.rev = 0;
	CU_ASSERT_EQUAL(mpa_frame_encode(&f, b, sizeof(b)), MPA_ENC_INVALID);
	f.rev = 3;
	CU_ASSERT_EQUAL(mpa_frame_encode(&f, b, sizeof(b)), MPA_ENC_INVALID);
	f.rev = 1;
	f.enhanced = true;		/* S needs Rev 2 */
	CU_ASSERT_EQUAL(mpa_frame_encode(&f, b, sizeof(b)), MPA_ENC_INVALID);
	f.enhanced = false;
	f.reject = true;		/* R only in a Reply */
	CU_ASSERT_EQUAL(mpa_frame_encode(&f, b, sizeof(b)), MPA_ENC_INVALID);
	f.reject = false;
	f.ulp_pd = pd;
	f.ulp_pd_len = 513;
	CU_ASSERT_EQUAL(mpa_frame_encode(&f, b, sizeof(b)), MPA_ENC_INVALID);
	f.ulp_pd_len = 512;
	CU_ASSERT_EQUAL(mpa_frame_encode(&f, b, sizeof(b)), 532);
	f.rev = 2;
	f.enhanced = true;		/* 4 + 512 > 512 */
	CU_ASSERT_EQUAL(mpa_frame_encode(&f, b, sizeof(b)), MPA_ENC_INVALID);
	f.ulp_pd_len = 508;
	CU_ASSERT_EQUAL(mpa_frame_encode(&f, b, sizeof(b)), 532);
	f.io.ird = 0x4000;		/* 14 bits only */
	CU_ASSERT_EQUAL(mpa_frame_encode(&f, b, sizeof(b)), MPA_ENC_INVALID);
	f.io.ird = 0x3fff;
	f.io.ord = 0x4000;
	CU_ASSERT_EQUAL(mpa_frame_encode(&f, b, sizeof(b)), MPA_ENC_INVALID);
	f.io.ord = 1;
	f.io.rtr_read = true;		/* D without A, RFC 6581 §9.2 */
	CU_ASSERT_EQUAL(mpa_frame_encode(&f, b, sizeof(b)), MPA_ENC_INVALID);
	f.io.p2p = true;
	CU_ASSERT_EQUAL(mpa_frame_encode(&f, b, sizeof(b)), 532);
	f.ulp_pd = NULL;		/* length without data */
	CU_ASSERT_EQUAL(mpa_frame_encode(&f, b, sizeof(b)), MPA_ENC_INVALID);

	/* Every too-small capacity: NOSPACE, nothing written past cap. */
	f.ulp_pd = pd;
	f.ulp_pd_len = 10;
	for (cap = 0; cap < 34; cap++) {
		memset(b, 0xee, sizeof(b));
		n = mpa_frame_encode(&f, b, cap);
		CU_ASSERT_EQUAL(n, MPA_ENC_NOSPACE);
		CU_ASSERT_EQUAL(b[cap], 0xee);
	}
	CU_ASSERT_EQUAL(mpa_frame_encode(&f, b, 34), 34);

	/* The word alone. */
	memset(b, 0, 4);
	f.io.ird = 0x1234 & 0x3fff;
	f.io.ord = 7;
	f.io.p2p = true;
	f.io.rtr_send = f.io.rtr_write = f.io.rtr_read = true;
	CU_ASSERT_TRUE(irdord_valid(&f.io));
	irdord_store(&f.io, b);
	CU_ASSERT_EQUAL(b[0], 0xc0 | 0x12);
	CU_ASSERT_EQUAL(b[1], 0x34);
	CU_ASSERT_EQUAL(b[2], 0xc0);
	CU_ASSERT_EQUAL(b[3], 0x07);
}

/* ======================================================================
 * FPDUs: RFC 5044 §4.4 Figures 5 and 6
 * ==================================================================== */

/* Figure 5: the first FPDU of the stream (starts with a marker). */
static const char t_fig5[] =
    "00 00       # 0000 Marker: Reserved\n"
    "00 00       # 0002 Marker: FPDUPTR 0 (between FPDUs, §4.3)\n"
    "00 2a       # 0004 ULPDU_Length 42\n"
    "41 43       # 0006 DDP control: Send, Last flag; RDMAP ctrl\n"
    "00 00 00 00 # 0008 Reserved (DDP STag position with no STag)\n"
    "00 00 00 00 # 000c DDP Queue = 0\n"
    "00 00 00 01 # 0010 DDP MSN = 1\n"
    "00 00 00 00 # 0014 DDP MO = 0\n"
    "00 00 00 00 00 00 00 00 00 00 00 00 # 0018 Send Data (24 zeros)\n"
    "00 00 00 00 00 00 00 00 00 00 00 00 #      ... 002f\n"
    "52 23 99 83 # 0030 CRC32c 0x83992352, least significant octet first\n";

/* Figure 6: the second FPDU, at stream offset 0x1ec, with a marker. */
static const char t_fig6[] =
    "00 2a       # 01ec ULPDU_Length 42\n"
    "41 43       # 01ee DDP control: Send with Last flag set\n"
    "00 00 00 00 # 01f0 Reserved (DDP STag position with no STag)\n"
    "00 00 00 00 # 01f4 DDP Queue = 0\n"
    "00 00 00 02 # 01f8 DDP MSN = 2\n"
    "00 00 00 00 # 01fc DDP MO = 0\n"
    "00 00       # 0200 Marker: Reserved (512 from the first marker)\n"
    "00 14       # 0202 Marker: FPDUPTR 0x14 = 0x200 - 0x1ec\n"
    "00 00 00 00 00 00 00 00 00 00 00 00 # 0204 Send Data (24 zeros)\n"
    "00 00 00 00 00 00 00 00 00 00 00 00 #      ... 021b\n"
    "84 92 58 98 # 021c CRC32c 0x98589284\n";

#define T_FIG6_POS	0x1ecu

/* The 42-octet ULPDU (a DDP Send segment) of Figure 5 / 6. */
static void
t_fig_ulpdu(uint8_t *u, uint8_t msn)
{
	memset(u, 0, 42);
	u[0] = 0x41;
	u[1] = 0x43;
	u[13] = msn;
}

static void
test_fpdu_fig5(void)
{
	uint8_t b[64], u[42], e[64], *cut;
	struct mpa_rx rx;
	struct mpa_tx tx;
	struct mpa_res res;
	uint8_t rbuf[64];
	size_t n;

	n = t_hex(t_fig5, b, sizeof(b), 52);
	t_fig_ulpdu(u, 1);
	CU_ASSERT_EQUAL(crc32c(b, 48), 0x83992352u);

	/* Decode: markers and CRC on, stream offset 0. */
	cut = t_dup(b, n);
	CU_ASSERT_EQUAL(mpa_rx_init(&rx, true, true, 0, 64, rbuf,
	    sizeof(rbuf)), 0);
	CU_ASSERT_EQUAL(mpa_rx_feed(&rx, cut, n, &res), MPA_ST_DONE);
	CU_ASSERT_EQUAL(res.used, 52);
	CU_ASSERT_EQUAL(res.len, 42);
	CU_ASSERT_EQUAL(res.err, WIRE_OK);
	CU_ASSERT_EQUAL(memcmp(mpa_rx_ulpdu(&rx), u, 42), 0);
	free(cut);

	/* Encode: exactly the figure. */
	CU_ASSERT_EQUAL(mpa_tx_init(&tx, true, true, 0), 0);
	memset(e, 0xee, sizeof(e));
	CU_ASSERT_EQUAL(mpa_tx_encode(&tx, u, 42, e, sizeof(e)), 52);
	CU_ASSERT_EQUAL(memcmp(e, b, 52), 0);
	CU_ASSERT_EQUAL(e[52], 0xee);
	CU_ASSERT_EQUAL(tx.pos, 52);
}

static void
test_fpdu_fig6(void)
{
	uint8_t b[64], u[42], e[64], mf[64], *cut;
	struct mpa_rx rx;
	struct mpa_tx tx;
	struct mpa_res res;
	uint8_t rbuf[64];
	size_t n;

	n = t_hex(t_fig6, b, sizeof(b), 52);
	t_fig_ulpdu(u, 2);
	CU_ASSERT_EQUAL(crc32c(b, 48), 0x98589284u);

	cut = t_dup(b, n);
	CU_ASSERT_EQUAL(mpa_rx_init(&rx, true, true, T_FIG6_POS, 64, rbuf,
	    sizeof(rbuf)), 0);
	CU_ASSERT_EQUAL(mpa_rx_feed(&rx, cut, n, &res), MPA_ST_DONE);
	CU_ASSERT_EQUAL(res.used, 52);
	CU_ASSERT_EQUAL(res.len, 42);
	CU_ASSERT_EQUAL(memcmp(mpa_rx_ulpdu(&rx), u, 42), 0);
	CU_ASSERT_EQUAL(rx.pos, (T_FIG6_POS + 52) % 512);
	free(cut);

	CU_ASSERT_EQUAL(mpa_tx_init(&tx, true, true, T_FIG6_POS), 0);
	CU_ASSERT_EQUAL(mpa_tx_encode(&tx, u, 42, e, sizeof(e)), 52);
	CU_ASSERT_EQUAL(memcmp(e, b, 52), 0);

	/* Strip: marker-free FPDU, CRC field as received. */
	CU_ASSERT_EQUAL(mpa_marker_strip(T_FIG6_POS, true, b, n, mf,
	    sizeof(mf), &res), MPA_ST_DONE);
	CU_ASSERT_EQUAL(res.used, 52);
	CU_ASSERT_EQUAL(res.len, 48);
	CU_ASSERT_EQUAL(memcmp(mf, b, 20), 0);
	CU_ASSERT_EQUAL(memcmp(mf + 20, b + 24, 28), 0);
	/* Insert: back to the figure (CRC recomputed over the marker). */
	memset(mf + 44, 0, 4);
	CU_ASSERT_EQUAL(mpa_marker_insert(T_FIG6_POS, true, mf, 48, e,
	    sizeof(e)), 52);
	CU_ASSERT_EQUAL(memcmp(e, b, 52), 0);
	/* Without CRC the field is copied as given. */
	CU_ASSERT_EQUAL(mpa_marker_insert(T_FIG6_POS, false, mf, 48, e,
	    sizeof(e)), 52);
	CU_ASSERT_EQUAL(memcmp(e + 48, "\0\0\0\0", 4), 0);
	CU_ASSERT_EQUAL(memcmp(e, b, 48), 0);
}

/*
 * The stream of Figures 5 and 6 as the RFC describes it: a first FPDU
 * of 492 octets (marker 4 + header 2 + a 482-octet Send to queue 0,
 * MSN 1 + CRC 4), then Figure 6 at offset 0x1ec.  Encoded from offset
 * 0 and decoded back.
 */
static void
test_fpdu_fig_stream(void)
{
	uint8_t u1[482], u2[42], fig6[64], wire[600], rbuf[600], *cut;
	struct mpa_tx tx;
	struct mpa_rx rx;
	struct mpa_res res;
	int n1, n2;

	memset(u1, 0, sizeof(u1));
	u1[0] = 0x41;
	u1[1] = 0x43;
	u1[13] = 1;
	t_fig_ulpdu(u2, 2);
	(void)t_hex(t_fig6, fig6, sizeof(fig6), 52);

	CU_ASSERT_EQUAL(mpa_tx_init(&tx, true, true, 0), 0);
	n1 = mpa_tx_encode(&tx, u1, sizeof(u1), wire, sizeof(wire));
	CU_ASSERT_EQUAL(n1, 492);
	CU_ASSERT_EQUAL(tx.pos, T_FIG6_POS);
	/* Hand-checked: 00000000 01e2 4143 ... CRC a0 1e e4 fd. */
	CU_ASSERT_EQUAL(memcmp(wire, "\0\0\0\0\x01\xe2\x41\x43", 8), 0);
	CU_ASSERT_EQUAL(memcmp(wire + 488, "\xa0\x1e\xe4\xfd", 4), 0);
	n2 = mpa_tx_encode(&tx, u2, sizeof(u2), wire + 492,
	    sizeof(wire) - 492);
	CU_ASSERT_EQUAL(n2, 52);
	CU_ASSERT_EQUAL(memcmp(wire + 492, fig6, 52), 0);

	cut = t_dup(wire, 544);
	CU_ASSERT_EQUAL(mpa_rx_init(&rx, true, true, 0, 600, rbuf,
	    sizeof(rbuf)), 0);
	CU_ASSERT_EQUAL(mpa_rx_feed(&rx, cut, 544, &res), MPA_ST_DONE);
	CU_ASSERT_EQUAL(res.used, 492);
	CU_ASSERT_EQUAL(res.len, 482);
	CU_ASSERT_EQUAL(memcmp(rbuf, u1, 482), 0);
	CU_ASSERT_EQUAL(mpa_rx_feed(&rx, cut + 492, 52, &res), MPA_ST_DONE);
	CU_ASSERT_EQUAL(res.used, 52);
	CU_ASSERT_EQUAL(res.len, 42);
	CU_ASSERT_EQUAL(memcmp(rbuf, u2, 42), 0);
	free(cut);
}

/*
 * FPDUs without markers, hand-derived from RFC 5044 §4.1 / §4.4 (CRC32c
 * from the first header octet to the last pad octet).
 */
static void
test_fpdu_golden_plain(void)
{
	static const struct {
		const char	*hex;
		const char	*ulpdu;
		size_t		 ulen;
	} v[] = {
		{ "00 2a  41 43 00 00 00 00 00 00 00 00 00 00 00 01"
		  " 00 00 00 00  00 00 00 00 00 00 00 00 00 00 00 00"
		  " 00 00 00 00 00 00 00 00 00 00 00 00"
		  " b7 24 3e c3  # Figure 5 without its marker, pad 0",
		  "\x41\x43\0\0\0\0\0\0\0\0\0\0\0\x01"
		  "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
		  42 },
		{ "00 05        # ULPDU_Length 5\n"
		  "68 65 6c 6c 6f # 'hello'\n"
		  "00           # pad: 2 + 5 = 7, one octet to 8\n"
		  "9f d7 3e 48  # CRC32c 0x483ed79f\n", "hello", 5 },
		{ "00 03        # ULPDU_Length 3\n"
		  "01 02 03     # ULPDU\n"
		  "00 00 00     # pad: 2 + 3 = 5, three octets to 8\n"
		  "aa fa 1d c9  # CRC32c 0xc91dfaaa\n", "\x01\x02\x03", 3 },
	};
	uint8_t b[64], e[64], rbuf[64], *cut;
	struct mpa_tx tx;
	struct mpa_rx rx;
	struct mpa_res res;
	size_t i, n;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = (size_t)tutil_hex(v[i].hex, b, sizeof(b));
		CU_ASSERT_EQUAL(n, mpa_fpdu_len(v[i].ulen));
		/* Any 4-aligned offset that is not a marker position. */
		CU_ASSERT_EQUAL(mpa_tx_init(&tx, false, true, 100), 0);
		CU_ASSERT_EQUAL(mpa_tx_encode(&tx, v[i].ulpdu, v[i].ulen, e,
		    sizeof(e)), (int)n);
		CU_ASSERT_EQUAL(memcmp(e, b, n), 0);
		cut = t_dup(b, n);
		CU_ASSERT_EQUAL(mpa_rx_init(&rx, false, true, 0, 64, rbuf,
		    sizeof(rbuf)), 0);
		CU_ASSERT_EQUAL(mpa_rx_feed(&rx, cut, n, &res), MPA_ST_DONE);
		CU_ASSERT_EQUAL(res.used, n);
		CU_ASSERT_EQUAL(res.len, v[i].ulen);
		CU_ASSERT_EQUAL(memcmp(rbuf, v[i].ulpdu, v[i].ulen), 0);
		free(cut);
		/* CRC off: the field is sent as zero ... */
		CU_ASSERT_EQUAL(mpa_tx_init(&tx, false, false, 0), 0);
		CU_ASSERT_EQUAL(mpa_tx_encode(&tx, v[i].ulpdu, v[i].ulen, e,
		    sizeof(e)), (int)n);
		CU_ASSERT_EQUAL(memcmp(e, b, n - 4), 0);
		CU_ASSERT_EQUAL(memcmp(e + n - 4, "\0\0\0\0", 4), 0);
		/* ... and any received value is accepted (§4.1). */
		memcpy(e + n - 4, "\xde\xad\xbe\xef", 4);
		CU_ASSERT_EQUAL(mpa_rx_init(&rx, false, false, 0, 64, rbuf,
		    sizeof(rbuf)), 0);
		CU_ASSERT_EQUAL(mpa_rx_feed(&rx, e, n, &res), MPA_ST_DONE);
		CU_ASSERT_EQUAL(res.len, v[i].ulen);
	}
}

/* ======================================================================
 * Geometry: layout, markers, header span, MULPDU
 * ==================================================================== */

static void
test_layout_figures(void)
{
	struct mpa_layout lay;

	/* Figure 5: a leading marker, FPDUPTR 0. */
	CU_ASSERT_EQUAL(mpa_fpdu_layout(0, true, 42, &lay), 0);
	CU_ASSERT_EQUAL(lay.wire_len, 52);
	CU_ASSERT_EQUAL(lay.hdr_off, 4);
	CU_ASSERT_EQUAL(lay.ulpdu_off, 6);
	CU_ASSERT_EQUAL(lay.crc_off, 48);
	CU_ASSERT_EQUAL(lay.pad_len, 0);
	CU_ASSERT_EQUAL(lay.nmarkers, 1);
	CU_ASSERT_EQUAL(lay.marker_off[0], 0);
	CU_ASSERT_EQUAL(lay.marker_ptr[0], 0);
	/* Figure 6: marker 20 octets in, FPDUPTR 0x14. */
	CU_ASSERT_EQUAL(mpa_fpdu_layout(T_FIG6_POS, true, 42, &lay), 0);
	CU_ASSERT_EQUAL(lay.wire_len, 52);
	CU_ASSERT_EQUAL(lay.hdr_off, 0);
	CU_ASSERT_EQUAL(lay.nmarkers, 1);
	CU_ASSERT_EQUAL(lay.marker_off[0], 20);
	CU_ASSERT_EQUAL(lay.marker_ptr[0], 0x14);
	/* A marker right after the pad is inside and CRC'd (§4.4 rule
	 * 1): the 48-octet FPDU starting at 468 meets offset 512 after
	 * 44 octets, just before its CRC. */
	CU_ASSERT_EQUAL(mpa_fpdu_layout(468, true, 42, &lay), 0);
	CU_ASSERT_EQUAL(lay.nmarkers, 1);
	CU_ASSERT_EQUAL(lay.marker_off[0], 44);
	CU_ASSERT_EQUAL(lay.marker_ptr[0], 44);
	CU_ASSERT_EQUAL(lay.crc_off, 48);
	CU_ASSERT_EQUAL(lay.wire_len, 52);
	/* One right after the CRC belongs to the next FPDU. */
	CU_ASSERT_EQUAL(mpa_fpdu_layout(464, true, 42, &lay), 0);
	CU_ASSERT_EQUAL(lay.nmarkers, 0);
	CU_ASSERT_EQUAL(lay.wire_len, 48);
	/* Figure 4: ULPDU 16 (pad 2), marker after 10 ULPDU octets, so
	 * FPDUPTR 0x000c. */
	CU_ASSERT_EQUAL(mpa_fpdu_layout(500, true, 16, &lay), 0);
	CU_ASSERT_EQUAL(lay.pad_len, 2);
	CU_ASSERT_EQUAL(lay.nmarkers, 1);
	CU_ASSERT_EQUAL(lay.marker_ptr[0], 0x0c);
	CU_ASSERT_EQUAL(lay.wire_len, 28);
	/* Markers off: the marker-free length. */
	CU_ASSERT_EQUAL(mpa_fpdu_layout(0, false, 42, &lay), 0);
	CU_ASSERT_EQUAL(lay.nmarkers, 0);
	CU_ASSERT_EQUAL(lay.wire_len, 48);
	CU_ASSERT_EQUAL(lay.hdr_off, 0);
	/* Refusals. */
	CU_ASSERT_EQUAL(mpa_fpdu_layout(0, true, 0, &lay), -1);
	CU_ASSERT_EQUAL(mpa_fpdu_layout(0, true, MPA_ULPDU_MAX + 1, &lay), -1);
	CU_ASSERT_EQUAL(mpa_fpdu_layout(2, true, 10, &lay), -1);
	CU_ASSERT_EQUAL(mpa_fpdu_layout(0, true, MPA_ULPDU_MAX, &lay), 0);

	CU_ASSERT_EQUAL(mpa_fpdu_hdr_span(0, true), 6);
	CU_ASSERT_EQUAL(mpa_fpdu_hdr_span(1024, true), 6);
	CU_ASSERT_EQUAL(mpa_fpdu_hdr_span(0, false), 2);
	CU_ASSERT_EQUAL(mpa_fpdu_hdr_span(T_FIG6_POS, true), 2);

	CU_ASSERT_EQUAL(mpa_pad_len(1), 1);
	CU_ASSERT_EQUAL(mpa_pad_len(2), 0);
	CU_ASSERT_EQUAL(mpa_pad_len(3), 3);
	CU_ASSERT_EQUAL(mpa_pad_len(4), 2);
	CU_ASSERT_EQUAL(mpa_fpdu_len(1), 8);
	CU_ASSERT_EQUAL(mpa_fpdu_len(42), 48);
}

/*
 * Compare mpa_fpdu_layout() with an octet-by-octet model of §4.3 for
 * every 4-aligned stream offset and many lengths: the model walks the
 * stream and drops a marker wherever offset mod 512 == 0 before the
 * last CRC octet.
 */
static void
test_layout_model(void)
{
	struct mpa_layout lay;
	size_t lens[1300], nl = 0, L, pos, content, wire, hdr, k, i;
	unsigned int bad = 0, maxm = 0, nm;
	uint32_t mo[MPA_MARKERS_MAX + 4], mp[MPA_MARKERS_MAX + 4];

	for (L = 1; L <= 1200; L++)
		lens[nl++] = L;
	for (L = MPA_ULPDU_MAX - 40; L <= MPA_ULPDU_MAX; L++)
		lens[nl++] = L;
	for (pos = 0; pos < 512; pos += 4) {
		for (i = 0; i < nl; i++) {
			L = lens[i];
			content = mpa_fpdu_len(L);
			wire = 0;
			nm = 0;
			hdr = 0;
			for (k = 0; k < content; k++) {
				if ((pos + wire) % 512 == 0) {
					mo[nm] = (uint32_t)wire;
					mp[nm++] = k == 0 ? 0 :
					    (uint32_t)(wire - hdr);
					wire += 4;
				}
				if (k == 0)
					hdr = wire;
				wire++;
			}
			if (mpa_fpdu_layout((uint32_t)pos, true, L, &lay) ||
			    lay.wire_len != wire || lay.nmarkers != nm ||
			    lay.hdr_off != hdr ||
			    lay.crc_off != wire - 4) {
				bad++;
				continue;
			}
			for (k = 0; k < nm; k++)
				if (lay.marker_off[k] != mo[k] ||
				    lay.marker_ptr[k] != mp[k])
					bad++;
			if (nm > maxm)
				maxm = nm;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(maxm <= MPA_MARKERS_MAX);
	CU_ASSERT_EQUAL(maxm, MPA_MARKERS_MAX);	/* the bound is tight */
}

/*
 * RFC 5044 §4.5 worked numbers:
 *   EMSS 1460 (Ethernet, IPv4, no TCP options), markers:
 *     1460 - (6 + 4 * ceil(1460 / 512) + 1460 mod 4)
 *       = 1460 - (6 + 4 * 3 + 0) = 1442;  no markers: 1460 - 6 = 1454.
 *   EMSS 1448 (with TCP timestamps): 1448 - 18 = 1430; 1442.
 *   EMSS 536 (the TCP default): 536 - (6 + 8) = 522; 530.
 *   EMSS 1461: 1461 - (6 + 12 + 1) = 1442; 1461 - 7 = 1454.
 *   EMSS 8960 (9000 MTU): ceil(8960/512) = 18: 8960 - 78 = 8882; 8954.
 *   EMSS 140: 140 - (6 + 4) = 130; 138: 138 - 12 = 126 -> 128 (§4.5:
 *   never below 128).  EMSS 65495: 64974 / 65486 -> 64768 (§3).
 */
static void
test_mulpdu(void)
{
	struct mpa_layout lay;
	size_t emss, m, pos;
	unsigned int bad = 0;

	CU_ASSERT_EQUAL(mpa_mulpdu(1460, true), 1442);
	CU_ASSERT_EQUAL(mpa_mulpdu(1460, false), 1454);
	CU_ASSERT_EQUAL(mpa_mulpdu(1448, true), 1430);
	CU_ASSERT_EQUAL(mpa_mulpdu(1448, false), 1442);
	CU_ASSERT_EQUAL(mpa_mulpdu(536, true), 522);
	CU_ASSERT_EQUAL(mpa_mulpdu(536, false), 530);
	CU_ASSERT_EQUAL(mpa_mulpdu(1461, true), 1442);
	CU_ASSERT_EQUAL(mpa_mulpdu(1461, false), 1454);
	CU_ASSERT_EQUAL(mpa_mulpdu(8960, true), 8882);
	CU_ASSERT_EQUAL(mpa_mulpdu(8960, false), 8954);
	CU_ASSERT_EQUAL(mpa_mulpdu(140, true), 130);
	CU_ASSERT_EQUAL(mpa_mulpdu(138, true), 128);
	CU_ASSERT_EQUAL(mpa_mulpdu(100, false), 128);
	CU_ASSERT_EQUAL(mpa_mulpdu(0, true), 128);
	CU_ASSERT_EQUAL(mpa_mulpdu(65495, true), MPA_ULPDU_MAX);
	CU_ASSERT_EQUAL(mpa_mulpdu(65495, false), MPA_ULPDU_MAX);

	/* The point of the formula: an FPDU carrying MULPDU octets fits
	 * the EMSS wherever it starts in the marker period. */
	for (emss = 140; emss <= 9000; emss++) {
		m = mpa_mulpdu(emss, true);
		if (m > 128 && mpa_fpdu_len(m) > emss)
			bad++;
		for (pos = 0; pos < 512 && m > 128; pos += 4)
			if (mpa_fpdu_layout((uint32_t)pos, true, m, &lay) ||
			    lay.wire_len > emss)
				bad++;
		m = mpa_mulpdu(emss, false);
		if (m > 128 && mpa_fpdu_len(m) > emss)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* ======================================================================
 * Sending: gather, encode, insert
 * ==================================================================== */

/* Concatenate n gather elements into dst; return the total length. */
static size_t
t_flatten(const struct mpa_iov *v, int n, uint8_t *dst)
{
	size_t off = 0;
	int i;

	for (i = 0; i < n; i++) {
		memcpy(dst + off, v[i].base, v[i].len);
		off += v[i].len;
	}
	return off;
}

/* True when [p, p+n) lies inside [base, base+len). */
static int
t_inside(const void *p, size_t n, const void *base, size_t len)
{
	const uint8_t *a = p, *b = base;

	return a >= b && a + n <= b + len;
}

static void
test_tx_gather(void)
{
	uint8_t u[42], p1[5], p2[30], p3[7], fig6[64], flat[128];
	uint8_t scratch[MPA_TX_SCRATCH_MAX];
	struct mpa_iov in[4], out[MPA_TX_IOV_MAX(4)];
	struct mpa_tx tx;
	size_t wl;
	int n, i, lim;

	t_fig_ulpdu(u, 2);
	(void)t_hex(t_fig6, fig6, sizeof(fig6), 52);
	memcpy(p1, u, 5);
	memcpy(p2, u + 5, 30);
	memcpy(p3, u + 35, 7);
	in[0].base = p1;
	in[0].len = 5;
	in[1].base = NULL;	/* empty elements are fine */
	in[1].len = 0;
	in[2].base = p2;
	in[2].len = 30;
	in[3].base = p3;
	in[3].len = 7;

	/* Figure 6 from three separate pieces: header | 5 | 13 | marker |
	 * 17 | 7 | CRC.  ULPDU octets are referenced, never copied. */
	CU_ASSERT_EQUAL(mpa_tx_init(&tx, true, true, T_FIG6_POS), 0);
	n = mpa_tx_gather(&tx, in, 4, out, MPA_TX_IOV_MAX(4), scratch,
	    sizeof(scratch), &wl);
	CU_ASSERT_EQUAL_FATAL(n, 7);
	CU_ASSERT_EQUAL(wl, 52);
	CU_ASSERT_EQUAL(tx.pos, (T_FIG6_POS + 52) % 512);
	CU_ASSERT_EQUAL(t_flatten(out, n, flat), 52);
	CU_ASSERT_EQUAL(memcmp(flat, fig6, 52), 0);
	CU_ASSERT_PTR_EQUAL(out[1].base, p1);
	CU_ASSERT_EQUAL(out[1].len, 5);
	CU_ASSERT_PTR_EQUAL(out[2].base, p2);
	CU_ASSERT_EQUAL(out[2].len, 13);
	CU_ASSERT_EQUAL(out[3].len, 4);		/* the marker */
	CU_ASSERT_PTR_EQUAL(out[4].base, p2 + 13);
	CU_ASSERT_EQUAL(out[4].len, 17);
	CU_ASSERT_PTR_EQUAL(out[5].base, p3);
	CU_ASSERT_EQUAL(out[6].len, 4);		/* the CRC */
	for (i = 0; i < n; i++)
		CU_ASSERT(t_inside(out[i].base, out[i].len, scratch,
		    sizeof(scratch)) || t_inside(out[i].base, out[i].len, p1,
		    5) || t_inside(out[i].base, out[i].len, p2, 30) ||
		    t_inside(out[i].base, out[i].len, p3, 7));

	/* No markers: exactly header | payload in place | pad + CRC. */
	CU_ASSERT_EQUAL(mpa_tx_init(&tx, false, true, 0), 0);
	in[0].base = "hello";
	in[0].len = 5;
	n = mpa_tx_gather(&tx, in, 1, out, 3, scratch, sizeof(scratch), &wl);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(wl, 12);
	CU_ASSERT_EQUAL(out[0].len, 2);
	CU_ASSERT_EQUAL(memcmp(out[0].base, "\x00\x05", 2), 0);
	CU_ASSERT_PTR_EQUAL(out[1].base, in[0].base);
	CU_ASSERT_EQUAL(out[1].len, 5);
	CU_ASSERT_EQUAL(out[2].len, 5);
	CU_ASSERT_EQUAL(memcmp(out[2].base, "\x00\x9f\xd7\x3e\x48", 5), 0);
	CU_ASSERT_EQUAL(tx.pos, 12);

	/* Too few elements or too little scratch: NOSPACE, pos kept. */
	in[0].base = p1;
	in[0].len = 5;
	for (lim = 0; lim < 7; lim++) {
		CU_ASSERT_EQUAL(mpa_tx_init(&tx, true, true, T_FIG6_POS), 0);
		CU_ASSERT_EQUAL(mpa_tx_gather(&tx, in, 4, out,
		    (unsigned int)lim, scratch, sizeof(scratch), &wl),
		    MPA_ENC_NOSPACE);
		CU_ASSERT_EQUAL(tx.pos, T_FIG6_POS);
	}
	CU_ASSERT_EQUAL(mpa_tx_gather(&tx, in, 4, out, 7, scratch, 9, &wl),
	    MPA_ENC_NOSPACE);	/* header 2 + marker 4 + CRC 4 = 10 */
	CU_ASSERT_EQUAL(tx.pos, T_FIG6_POS);
	CU_ASSERT_EQUAL(mpa_tx_gather(&tx, in, 4, out, 7, scratch, 10, &wl),
	    7);

	/* Invalid ULPDUs: empty, too long, data without a base. */
	CU_ASSERT_EQUAL(mpa_tx_init(&tx, true, true, 0), 0);
	CU_ASSERT_EQUAL(mpa_tx_gather(&tx, in, 0, out, 8, scratch,
	    sizeof(scratch), &wl), MPA_ENC_INVALID);
	in[1].base = NULL;
	in[1].len = 3;
	CU_ASSERT_EQUAL(mpa_tx_gather(&tx, in, 2, out, 8, scratch,
	    sizeof(scratch), &wl), MPA_ENC_INVALID);
	in[0].len = MPA_ULPDU_MAX;
	in[1].base = p2;
	in[1].len = 1;
	CU_ASSERT_EQUAL(mpa_tx_gather(&tx, in, 2, out, 8, scratch,
	    sizeof(scratch), &wl), MPA_ENC_INVALID);
	in[1].len = SIZE_MAX;		/* no overflow in the sum */
	CU_ASSERT_EQUAL(mpa_tx_gather(&tx, in, 2, out, 8, scratch,
	    sizeof(scratch), &wl), MPA_ENC_INVALID);
	CU_ASSERT_EQUAL(tx.pos, 0);
	CU_ASSERT_EQUAL(mpa_tx_encode(&tx, u, 0, flat, sizeof(flat)),
	    MPA_ENC_INVALID);
	CU_ASSERT_EQUAL(mpa_tx_encode(&tx, u, 42, flat, 51), MPA_ENC_NOSPACE);
	CU_ASSERT_EQUAL(tx.pos, 0);
	CU_ASSERT_EQUAL(mpa_tx_init(&tx, true, true, 2), -1);
}

/* Gather output equals one-shot output for many lengths and offsets. */
static void
test_tx_gather_vs_encode(void)
{
	static uint8_t u[3000], a[4000], b[4000];
	uint8_t scratch[MPA_TX_SCRATCH_MAX];
	struct mpa_iov in[3], out[MPA_TX_IOV_MAX(3)];
	struct mpa_tx t1, t2;
	struct mpa_layout lay;
	uint32_t s = 5;
	size_t L, cut1, cut2, wl;
	unsigned int bad = 0, pos;
	int n, m;

	for (L = 0; L < sizeof(u); L++)
		u[L] = (uint8_t)t_rand(&s);
	for (pos = 0; pos < 512; pos += 28)
		for (L = 1; L <= 2100; L += 1 + L / 8) {
			cut1 = t_rand(&s) % (L + 1);
			cut2 = cut1 + t_rand(&s) % (L - cut1 + 1);
			in[0].base = u;
			in[0].len = cut1;
			in[1].base = u + cut1 + 0;
			in[1].len = cut2 - cut1;
			in[2].base = u + cut2;
			in[2].len = L - cut2;
			mpa_tx_init(&t1, true, true, pos);
			mpa_tx_init(&t2, true, true, pos);
			n = mpa_tx_gather(&t1, in, 3, out, MPA_TX_IOV_MAX(3),
			    scratch, sizeof(scratch), &wl);
			m = mpa_tx_encode(&t2, u, L, b, sizeof(b));
			mpa_fpdu_layout(pos, true, L, &lay);
			if (n < 0 || m != (int)wl || wl != lay.wire_len ||
			    t_flatten(out, n, a) != wl ||
			    memcmp(a, b, wl) != 0 || t1.pos != t2.pos ||
			    t1.pos != (pos + wl) % 512 ||
			    n > (int)MPA_TX_IOV_MAX(3))
				bad++;
		}
	CU_ASSERT_EQUAL(bad, 0);
}

/* ======================================================================
 * Receiving: chunked streams, truncation, errors
 * ==================================================================== */

/* Chunking strategies for t_feed_stream(). */
enum { T_WHOLE, T_BYTE, T_RANDOM, T_NMODES };

/*
 * Feed the n octets at wire through rx, chunked per mode, each chunk an
 * exactly sized heap copy.  Check each ULPDU against want[] (lengths
 * wl[]) and every MORE's need against what is left.  Returns the number
 * of FPDUs delivered, or -1 on FAIL or a mismatch.
 */
static int
t_feed_stream(struct mpa_rx *rx, const uint8_t *wire, size_t n, int mode,
    uint32_t *seed, const uint8_t *const *want, const size_t *wl,
    int nwant)
{
	struct mpa_res res;
	enum mpa_status st;
	size_t off = 0, c, o;
	uint8_t *chunk;
	int got = 0;

	while (off < n) {
		c = mode == T_WHOLE ? n - off : mode == T_BYTE ? 1 :
		    1 + t_rand(seed) % 700;
		if (c > n - off)
			c = n - off;
		chunk = t_dup(wire + off, c);
		o = 0;
		while (o < c) {
			st = mpa_rx_feed(rx, chunk + o, c - o, &res);
			if (st == MPA_ST_FAIL || res.used > c - o) {
				free(chunk);
				return -1;
			}
			o += res.used;
			if (st == MPA_ST_MORE) {
				if (o != c || res.need == 0 ||
				    res.need > n - off - c) {
					free(chunk);
					return -1;
				}
				break;
			}
			if (got >= nwant || res.len != wl[got] ||
			    memcmp(mpa_rx_ulpdu(rx), want[got], wl[got]) != 0) {
				free(chunk);
				return -1;
			}
			got++;
		}
		free(chunk);
		off += c;
	}
	return got;
}

/*
 * Random FPDU streams (random ULPDU lengths incl. ones that put markers
 * at every interesting place), every combination of markers and CRC,
 * random start offsets, fed whole, byte by byte and in random chunks:
 * exactly the ULPDUs sent come out, in order.
 */
static void
test_rx_stream_chunks(void)
{
	enum { NF = 40 };
	static uint8_t data[NF][2100], wire[NF * 2300], rbuf[4096];
	const uint8_t *want[NF];
	size_t wl[NF], n;
	struct mpa_tx tx;
	struct mpa_rx rx;
	uint32_t s = 1234, pos;
	unsigned int opt, bad = 0, round;
	int i, mode, w;

	for (round = 0; round < 6; round++)
		for (opt = 0; opt < 4; opt++) {
			pos = (t_rand(&s) % 128) * 4;
			mpa_tx_init(&tx, opt & 1, opt & 2, pos);
			n = 0;
			for (i = 0; i < NF; i++) {
				wl[i] = 1 + t_rand(&s) % (i % 4 == 0 ? 2048 :
				    i % 4 == 1 ? 16 : 600);
				for (w = 0; w < (int)wl[i]; w++)
					data[i][w] = (uint8_t)t_rand(&s);
				want[i] = data[i];
				w = mpa_tx_encode(&tx, data[i], wl[i], wire + n,
				    sizeof(wire) - n);
				if (w < 0)
					bad++;
				else
					n += (size_t)w;
			}
			for (mode = 0; mode < T_NMODES; mode++) {
				mpa_rx_init(&rx, opt & 1, opt & 2, pos, 2048,
				    rbuf, sizeof(rbuf));
				if (t_feed_stream(&rx, wire, n, mode, &s, want,
				    wl, NF) != NF || rx.pos != tx.pos)
					bad++;
			}
		}
	CU_ASSERT_EQUAL(bad, 0);
}

/*
 * Truncation sweep: every strict prefix of every valid FPDU, for every
 * combination of markers and CRC and several start offsets, decoded
 * from an exactly sized heap copy.  It must be MORE, with need exact
 * once the header is in and a lower bound before; the rest then
 * completes the FPDU.  mpa_marker_strip() must agree.
 */
static void
test_rx_truncation(void)
{
	static const size_t lens[] = { 1, 2, 3, 4, 5, 42, 100, 501, 502,
	    503, 504, 505, 506, 507, 508, 509, 1000, 1100 };
	static const uint32_t poss[] = { 0, 4, 256, 464, 468, 492, 500, 508 };
	uint8_t u[1100], wire[1300], rbuf[1100], mf[1200], *cut;
	struct mpa_tx tx;
	struct mpa_rx rx;
	struct mpa_res res;
	uint32_t s = 77;
	size_t i, j, k, n, hs;
	unsigned int opt, bad = 0, sweeps = 0;
	int w;

	for (i = 0; i < sizeof(u); i++)
		u[i] = (uint8_t)t_rand(&s);
	for (opt = 0; opt < 4; opt++)
		for (j = 0; j < sizeof(poss) / sizeof(poss[0]); j++)
			for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
				mpa_tx_init(&tx, opt & 1, opt & 2, poss[j]);
				w = mpa_tx_encode(&tx, u, lens[i], wire,
				    sizeof(wire));
				if (w < 0) {
					bad++;
					continue;
				}
				n = (size_t)w;
				hs = mpa_fpdu_hdr_span(poss[j], opt & 1);
				sweeps++;
				for (k = 0; k < n; k++) {
					cut = t_dup(wire, k);
					mpa_rx_init(&rx, opt & 1, opt & 2,
					    poss[j], 1100, rbuf, sizeof(rbuf));
					if (mpa_rx_feed(&rx, cut, k, &res) !=
					    MPA_ST_MORE || res.used != k ||
					    res.need == 0 || res.need > n - k ||
					    (k >= hs && res.need != n - k))
						bad++;
					if ((opt & 1) && (mpa_marker_strip(
					    poss[j], opt & 2, cut, k, mf,
					    sizeof(mf), &res) != MPA_ST_MORE ||
					    res.need == 0 ||
					    res.need > n - k ||
					    (k >= hs && res.need != n - k)))
						bad++;
					free(cut);
					cut = t_dup(wire + k, n - k);
					if (mpa_rx_feed(&rx, cut, n - k,
					    &res) != MPA_ST_DONE ||
					    res.used != n - k ||
					    res.len != lens[i] ||
					    memcmp(rbuf, u, lens[i]) != 0)
						bad++;
					free(cut);
				}
			}
	CU_ASSERT_EQUAL(sweeps, 4 * 8 * 18);
	CU_ASSERT_EQUAL(bad, 0);
}

/* Set up rx for the Figure 5 stream (markers, CRC, offset 0). */
static void
t_rx_fig5(struct mpa_rx *rx, bool crc, uint8_t *rbuf, size_t cap)
{
	CU_ASSERT_EQUAL(mpa_rx_init(rx, true, crc, 0, 64, rbuf, cap), 0);
}

/* Recompute the CRC of a Figure 5/6 style 52-octet wire FPDU. */
static void
t_recrc(uint8_t *b)
{
	mpa_crc_store(b + 48, crc32c(b, 48));
}

static void
test_rx_crc_errors(void)
{
	uint8_t b[64], rbuf[64];
	struct mpa_rx rx;
	struct mpa_res res;
	size_t i, n;
	unsigned int bad = 0;

	n = t_hex(t_fig5, b, sizeof(b), 52);
	/* A flipped bit anywhere but in the length field is a CRC error:
	 * in the marker too (the CRC covers it and is checked first). */
	for (i = 0; i < n; i++) {
		if (i == 4 || i == 5)
			continue;
		b[i] ^= 0x10;
		t_rx_fig5(&rx, true, rbuf, sizeof(rbuf));
		if (mpa_rx_feed(&rx, b, n, &res) != MPA_ST_FAIL ||
		    res.err != WIRE_E_MPA_CRC || res.used != 52)
			bad++;
		b[i] ^= 0x10;
	}
	CU_ASSERT_EQUAL(bad, 0);
	t_triple(WIRE_E_MPA_CRC, 2, 0, 2);

	/* Sticky (RFC 5044 §8): nothing more on this half connection. */
	b[20] ^= 1;
	t_rx_fig5(&rx, true, rbuf, sizeof(rbuf));
	CU_ASSERT_EQUAL(mpa_rx_feed(&rx, b, n, &res), MPA_ST_FAIL);
	b[20] ^= 1;
	CU_ASSERT_EQUAL(mpa_rx_feed(&rx, b, n, &res), MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_CRC);
	CU_ASSERT_EQUAL(res.used, 0);

	/* The same damage with CRC checking off goes through. */
	b[20] ^= 1;
	t_rx_fig5(&rx, false, rbuf, sizeof(rbuf));
	CU_ASSERT_EQUAL(mpa_rx_feed(&rx, b, n, &res), MPA_ST_DONE);
	CU_ASSERT_EQUAL(rbuf[14], 1);
	b[20] ^= 1;

	/* Strip reports the same. */
	b[30] ^= 4;
	CU_ASSERT_EQUAL(mpa_marker_strip(0, true, b, n, rbuf, sizeof(rbuf),
	    &res), MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_CRC);
	CU_ASSERT_EQUAL(mpa_marker_strip(0, false, b, n, rbuf, sizeof(rbuf),
	    &res), MPA_ST_DONE);
}

static void
test_rx_marker_errors(void)
{
	uint8_t b[64], rbuf[64];
	struct mpa_rx rx;
	struct mpa_res res;
	size_t n;

	/* Figure 6 with FPDUPTR 0x18 instead of 0x14, CRC off. */
	n = t_hex(t_fig6, b, sizeof(b), 52);
	b[23] = 0x18;
	CU_ASSERT_EQUAL(mpa_rx_init(&rx, true, false, T_FIG6_POS, 64, rbuf,
	    sizeof(rbuf)), 0);
	CU_ASSERT_EQUAL(mpa_rx_feed(&rx, b, n, &res), MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_MARKER);
	CU_ASSERT_EQUAL(res.used, 52);	/* judged once the FPDU is in */
	t_triple(WIRE_E_MPA_MARKER, 2, 0, 3);
	CU_ASSERT_EQUAL(mpa_marker_strip(T_FIG6_POS, false, b, n, rbuf,
	    sizeof(rbuf), &res), MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_MARKER);

	/* CRC on, valid CRC over the wrong marker: still a marker error
	 * (§8 code 3 "in the event that the CRC is valid"). */
	t_recrc(b);
	CU_ASSERT_EQUAL(mpa_rx_init(&rx, true, true, T_FIG6_POS, 64, rbuf,
	    sizeof(rbuf)), 0);
	CU_ASSERT_EQUAL(mpa_rx_feed(&rx, b, n, &res), MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_MARKER);
	CU_ASSERT_EQUAL(mpa_marker_strip(T_FIG6_POS, true, b, n, rbuf,
	    sizeof(rbuf), &res), MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_MARKER);

	/* CRC on and not recomputed: the CRC error wins. */
	n = t_hex(t_fig6, b, sizeof(b), 52);
	b[23] = 0x18;
	CU_ASSERT_EQUAL(mpa_rx_init(&rx, true, true, T_FIG6_POS, 64, rbuf,
	    sizeof(rbuf)), 0);
	CU_ASSERT_EQUAL(mpa_rx_feed(&rx, b, n, &res), MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_CRC);

	/* Ignored: Reserved bits and the two low FPDUPTR bits (§4.2). */
	n = t_hex(t_fig6, b, sizeof(b), 52);
	b[20] = 0xff;
	b[21] = 0x01;
	b[23] = 0x17;
	t_recrc(b);
	CU_ASSERT_EQUAL(mpa_rx_init(&rx, true, true, T_FIG6_POS, 64, rbuf,
	    sizeof(rbuf)), 0);
	CU_ASSERT_EQUAL(mpa_rx_feed(&rx, b, n, &res), MPA_ST_DONE);
	CU_ASSERT_EQUAL(res.len, 42);

	/* A leading marker must be 0: Figure 5 with FPDUPTR 4. */
	n = t_hex(t_fig5, b, sizeof(b), 52);
	b[3] = 4;
	t_recrc(b);
	t_rx_fig5(&rx, true, rbuf, sizeof(rbuf));
	CU_ASSERT_EQUAL(mpa_rx_feed(&rx, b, n, &res), MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_MARKER);
	/* ... and with an impossible length too, the marker came first. */
	b[4] = 0xff;
	t_rx_fig5(&rx, true, rbuf, sizeof(rbuf));
	CU_ASSERT_EQUAL(mpa_rx_feed(&rx, b, n, &res), MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_MARKER);
	CU_ASSERT_EQUAL(res.used, 6);
	CU_ASSERT_EQUAL(mpa_marker_strip(0, true, b, n, rbuf, sizeof(rbuf),
	    &res), MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_MARKER);

	/* Non-zero pad is CRC'd and otherwise ignored (§4.1). */
	{
		uint8_t w[16], e[16];
		struct mpa_tx tx;

		mpa_tx_init(&tx, false, true, 0);
		CU_ASSERT_EQUAL(mpa_tx_encode(&tx, "hello", 5, w, sizeof(w)),
		    12);
		w[7] = 0x99;
		mpa_crc_store(w + 8, crc32c(w, 8));
		CU_ASSERT_EQUAL(mpa_rx_init(&rx, false, true, 0, 16, e,
		    sizeof(e)), 0);
		CU_ASSERT_EQUAL(mpa_rx_feed(&rx, w, 12, &res), MPA_ST_DONE);
		CU_ASSERT_EQUAL(memcmp(e, "hello", 5), 0);
	}
	/* Misaligned offset for strip. */
	CU_ASSERT_EQUAL(mpa_marker_strip(2, true, b, n, rbuf, sizeof(rbuf),
	    &res), MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_MARKER);
}

static void
test_rx_length_errors(void)
{
	uint8_t b[64], rbuf[64];
	struct mpa_rx rx;
	struct mpa_res res;

	/* ULPDU_Length 0. */
	memcpy(b, "\x00\x00\x00\x00\x00\x00\x00\x00", 8);
	CU_ASSERT_EQUAL(mpa_rx_init(&rx, false, true, 0, 64, rbuf,
	    sizeof(rbuf)), 0);
	CU_ASSERT_EQUAL(mpa_rx_feed(&rx, b, 1, &res), MPA_ST_MORE);
	CU_ASSERT_EQUAL(mpa_rx_feed(&rx, b + 1, 7, &res), MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_ULPDU_LEN);
	CU_ASSERT_EQUAL(res.used, 1);	/* found at the second octet */
	t_triple(WIRE_E_MPA_ULPDU_LEN, 2, 0, 3);
	CU_ASSERT_EQUAL(mpa_rx_feed(&rx, b, 8, &res), MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.used, 0);

	/* One above the receiver's maximum (64), then the maximum. */
	b[1] = 65;
	CU_ASSERT_EQUAL(mpa_rx_init(&rx, false, true, 0, 64, rbuf,
	    sizeof(rbuf)), 0);
	CU_ASSERT_EQUAL(mpa_rx_feed(&rx, b, 8, &res), MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_ULPDU_LEN);
	CU_ASSERT_EQUAL(res.used, 2);
	b[1] = 64;
	CU_ASSERT_EQUAL(mpa_rx_init(&rx, false, true, 0, 64, rbuf,
	    sizeof(rbuf)), 0);
	CU_ASSERT_EQUAL(mpa_rx_feed(&rx, b, 8, &res), MPA_ST_MORE);
	CU_ASSERT_EQUAL(res.need, 2 + 64 + 2 + 4 - 8);

	/* The same through strip: 0 and beyond its output room. */
	b[0] = 0;
	b[1] = 0;
	CU_ASSERT_EQUAL(mpa_marker_strip(4, true, b, 8, rbuf, sizeof(rbuf),
	    &res), MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_ULPDU_LEN);
	b[1] = 60;		/* needs 68 octets of output */
	CU_ASSERT_EQUAL(mpa_marker_strip(4, true, b, 8, rbuf, 67, &res),
	    MPA_ST_FAIL);
	CU_ASSERT_EQUAL(res.err, WIRE_E_MPA_ULPDU_LEN);
	CU_ASSERT_EQUAL(mpa_marker_strip(4, true, b, 8, rbuf, 68, &res),
	    MPA_ST_MORE);

	/* Bad arguments to init. */
	CU_ASSERT_EQUAL(mpa_rx_init(&rx, true, true, 2, 64, rbuf, 64), -1);
	CU_ASSERT_EQUAL(mpa_rx_init(&rx, true, true, 0, 0, rbuf, 64), -1);
	CU_ASSERT_EQUAL(mpa_rx_init(&rx, true, true, 0, 65, rbuf, 64), -1);
	CU_ASSERT_EQUAL(mpa_rx_init(&rx, true, true, 0, 64, NULL, 64), -1);
	CU_ASSERT_EQUAL(mpa_rx_init(&rx, true, true, 0, MPA_ULPDU_MAX + 1,
	    rbuf, SIZE_MAX), -1);
}

/*
 * insert and strip invert each other, and insert equals the encoder
 * with markers, for random FPDUs at every 4-aligned offset.
 */
static void
test_insert_strip(void)
{
	static uint8_t u[1500], mf[1600], w1[1800], w2[1800], back[1600];
	struct mpa_tx tx;
	struct mpa_res res;
	uint32_t s = 31337, pos;
	size_t L;
	unsigned int bad = 0;
	int n, m;

	for (L = 0; L < sizeof(u); L++)
		u[L] = (uint8_t)t_rand(&s);
	for (pos = 0; pos < 512; pos += 4) {
		L = 1 + t_rand(&s) % sizeof(u);
		mpa_tx_init(&tx, false, true, 0);
		n = mpa_tx_encode(&tx, u, L, mf, sizeof(mf)); /* no markers */
		mpa_tx_init(&tx, true, true, pos);
		m = mpa_tx_encode(&tx, u, L, w1, sizeof(w1));
		if (n < 0 || m < 0 || mpa_marker_insert(pos, true, mf,
		    (size_t)n, w2, sizeof(w2)) != m ||
		    memcmp(w1, w2, (size_t)m) != 0)
			bad++;
		if (mpa_marker_strip(pos, true, w1, (size_t)m, back,
		    sizeof(back), &res) != MPA_ST_DONE ||
		    res.used != (size_t)m || res.len != (size_t)n ||
		    memcmp(back, mf, (size_t)n - 4) != 0)
			bad++;
		/* CRC copied through unchanged when not computing. */
		if (mpa_marker_insert(pos, false, mf, (size_t)n, w2,
		    sizeof(w2)) != m || memcmp(w2 + m - 4, mf + n - 4, 4))
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);

	/* Refusals. */
	CU_ASSERT_EQUAL(mpa_marker_insert(0, true, mf, 1, w2, sizeof(w2)),
	    MPA_ENC_INVALID);		/* no header */
	mpa_tx_init(&tx, false, true, 0);
	n = mpa_tx_encode(&tx, u, 42, mf, sizeof(mf));
	CU_ASSERT_EQUAL(mpa_marker_insert(0, true, mf, (size_t)n - 4, w2,
	    sizeof(w2)), MPA_ENC_INVALID);	/* length disagrees */
	CU_ASSERT_EQUAL(mpa_marker_insert(6, true, mf, (size_t)n, w2,
	    sizeof(w2)), MPA_ENC_INVALID);	/* misaligned */
	CU_ASSERT_EQUAL(mpa_marker_insert(0, true, mf, (size_t)n, w2, 51),
	    MPA_ENC_NOSPACE);
	CU_ASSERT_EQUAL(mpa_marker_insert(0, true, mf, (size_t)n, w2, 52),
	    52);
	memset(mf, 0, 8);		/* ULPDU_Length 0 */
	CU_ASSERT_EQUAL(mpa_marker_insert(0, true, mf, 8, w2, sizeof(w2)),
	    MPA_ENC_INVALID);
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "frame golden rev 1", test_frame_golden_v1 },
		{ "frame golden rev 2 (IRD/ORD, RTR, reject)",
		    test_frame_golden_v2 },
		{ "frame golden re-encode", test_frame_golden_encode },
		{ "frame ignored bits (Res, S in rev 1, R, B/C/D)",
		    test_frame_ignored_bits },
		{ "frame round trip and truncation",
		    test_frame_roundtrip_and_truncation },
		{ "frame golden truncation", test_frame_golden_truncation },
		{ "frame errors and triples", test_frame_errors },
		{ "frame encoder errors", test_frame_encode_errors },
		{ "frame negotiation (M per direction, C)",
		    test_frame_negotiate },
		{ "FPDU RFC 5044 Figure 5", test_fpdu_fig5 },
		{ "FPDU RFC 5044 Figure 6", test_fpdu_fig6 },
		{ "FPDU stream of Figures 5 and 6", test_fpdu_fig_stream },
		{ "FPDU golden without markers", test_fpdu_golden_plain },
		{ "layout of the figures", test_layout_figures },
		{ "layout against an octet model", test_layout_model },
		{ "MULPDU (RFC 5044 §4.5)", test_mulpdu },
		{ "tx gather", test_tx_gather },
		{ "tx gather equals encode", test_tx_gather_vs_encode },
		{ "rx chunked streams", test_rx_stream_chunks },
		{ "rx truncation sweep", test_rx_truncation },
		{ "rx CRC errors", test_rx_crc_errors },
		{ "rx marker errors", test_rx_marker_errors },
		{ "rx length errors", test_rx_length_errors },
		{ "marker insert and strip", test_insert_strip },
		{ NULL, NULL }
	};

	return tutil_run("mpa", cases);
}
