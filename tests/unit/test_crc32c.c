/* test_crc32c.c — CRC32c: RFC 7143 A.4 vectors, incremental use, paths. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tutil.h"
#include "wire/crc32c.h"

/* Deterministic xorshift32, so failures reproduce. */
static uint32_t
t_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Bit-at-a-time reference, straight from the definition (RFC 3385). */
static uint32_t
t_crc_bitwise(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	int k;

	while (n--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
	}
	return c ^ 0xffffffffu;
}

/* The 32-bit value of a CRC shown as four octets, first octet lowest. */
static uint32_t
t_le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
}

static void
test_check_value(void)
{
	static const char s[] = "123456789";
	uint32_t st;
	size_t i;

	CU_ASSERT_EQUAL(crc32c(s, 9), 0xe3069283u);
	CU_ASSERT_EQUAL(crc32c(s, 9), CRC32C_CHECK);
	CU_ASSERT_EQUAL(crc32c_final(crc32c_update_sw(crc32c_init(), s, 9)),
	    0xe3069283u);
	st = crc32c_init();
	for (i = 0; i < 9; i++)
		st = crc32c_update(st, s + i, 1);
	CU_ASSERT_EQUAL(crc32c_final(st), 0xe3069283u);
	/* Empty input: preset and complement cancel. */
	CU_ASSERT_EQUAL(crc32c(NULL, 0), 0x00000000u);
	CU_ASSERT_EQUAL(crc32c_update(0x12345678u, NULL, 0), 0x12345678u);
	CU_ASSERT_EQUAL(crc32c_update_sw(0x12345678u, NULL, 0), 0x12345678u);
}

/*
 * RFC 7143 Appendix A.4.  The RFC prints each CRC as the four octets
 * of the digest in transmission order, least significant first.
 */
static void
test_rfc7143_a4(void)
{
	uint8_t b[48], crc[4];
	size_t i;

	/* 32 bytes of zeroes: CRC aa 36 91 8a. */
	memset(b, 0, 32);
	CU_ASSERT_EQUAL(tutil_hex("aa 36 91 8a", crc, 4), 4);
	CU_ASSERT_EQUAL(crc32c(b, 32), t_le32(crc));
	CU_ASSERT_EQUAL(crc32c(b, 32), 0x8a9136aau);
	CU_ASSERT_EQUAL(crc32c_final(crc32c_update_sw(crc32c_init(), b, 32)),
	    0x8a9136aau);

	/* 32 bytes of ones (0xff): CRC 43 ab a8 62. */
	memset(b, 0xff, 32);
	CU_ASSERT_EQUAL(crc32c(b, 32), 0x62a8ab43u);
	CU_ASSERT_EQUAL(crc32c_final(crc32c_update_sw(crc32c_init(), b, 32)),
	    0x62a8ab43u);

	/* 32 bytes incrementing 00..1f: CRC 4e 79 dd 46. */
	for (i = 0; i < 32; i++)
		b[i] = (uint8_t)i;
	CU_ASSERT_EQUAL(crc32c(b, 32), 0x46dd794eu);
	CU_ASSERT_EQUAL(crc32c_final(crc32c_update_sw(crc32c_init(), b, 32)),
	    0x46dd794eu);

	/* 32 bytes decrementing 1f..00: CRC 5c db 3f 11. */
	for (i = 0; i < 32; i++)
		b[i] = (uint8_t)(31 - i);
	CU_ASSERT_EQUAL(crc32c(b, 32), 0x113fdb5cu);
	CU_ASSERT_EQUAL(crc32c_final(crc32c_update_sw(crc32c_init(), b, 32)),
	    0x113fdb5cu);

	/* An iSCSI SCSI Read (10) Command PDU, 48 octets: 56 3a 96 d9. */
	CU_ASSERT_EQUAL(tutil_hex(
	    "01 c0 00 00  00 00 00 00  00 00 00 00  00 00 00 00\n"
	    "14 00 00 00  00 00 04 00  00 00 00 14  00 00 00 18\n"
	    "28 00 00 00  00 00 00 00  02 00 00 00  00 00 00 00\n",
	    b, sizeof(b)), 48);
	CU_ASSERT_EQUAL(tutil_hex("56 3a 96 d9", crc, 4), 4);
	CU_ASSERT_EQUAL(crc32c(b, 48), t_le32(crc));
	CU_ASSERT_EQUAL(crc32c(b, 48), 0xd9963a56u);
	CU_ASSERT_EQUAL(crc32c_final(crc32c_update_sw(crc32c_init(), b, 48)),
	    0xd9963a56u);
}

/* Splitting the input anywhere gives the same CRC (the iovec case). */
static void
test_incremental(void)
{
	uint8_t b[300];
	uint32_t s = 7, want, st;
	size_t i, j;

	for (i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)t_rand(&s);
	want = t_crc_bitwise(b, sizeof(b));
	CU_ASSERT_EQUAL(crc32c(b, sizeof(b)), want);
	for (i = 0; i <= sizeof(b); i++) {
		st = crc32c_update(crc32c_init(), b, i);
		st = crc32c_update(st, b + i, sizeof(b) - i);
		CU_ASSERT_EQUAL(crc32c_final(st), want);
		st = crc32c_update_sw(crc32c_init(), b, i);
		st = crc32c_update_sw(st, b + i, sizeof(b) - i);
		CU_ASSERT_EQUAL(crc32c_final(st), want);
	}
	/* Three pieces, mixing the two paths. */
	for (i = 0; i <= sizeof(b); i += 7)
		for (j = i; j <= sizeof(b); j += 13) {
			st = crc32c_update(crc32c_init(), b, i);
			st = crc32c_update_sw(st, b + i, j - i);
			st = crc32c_update(st, b + j, sizeof(b) - j);
			CU_ASSERT_EQUAL(crc32c_final(st), want);
		}
}

/*
 * The dispatching path (SSE4.2 where present) and the portable
 * slicing-by-8 path agree on random data of every length 0..1024 at
 * every alignment 0..15, and both agree with the bitwise reference.
 */
static void
test_paths_agree(void)
{
	enum { MAXLEN = 1024, ALIGNS = 16 };
	uint8_t *mem = malloc(MAXLEN + ALIGNS);
	uint32_t s = 0x2545f491u, hw, sw, st;
	size_t len, a, i;
	unsigned int bad = 0, ref_bad = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mem);
	printf("\n  crc32c: SSE4.2 path %s\n",
	    crc32c_hw_available() ? "in use" : "not available");
	for (len = 0; len <= MAXLEN; len++) {
		for (a = 0; a < ALIGNS; a++) {
			for (i = 0; i < len; i++)
				mem[a + i] = (uint8_t)t_rand(&s);
			st = t_rand(&s);	/* any state, not just init */
			hw = crc32c_update(st, mem + a, len);
			sw = crc32c_update_sw(st, mem + a, len);
			if (hw != sw)
				bad++;
			if (len <= 256 && crc32c(mem + a, len) !=
			    t_crc_bitwise(mem + a, len))
				ref_bad++;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(ref_bad, 0);
	free(mem);
}

/*
 * The three-chain path (384 octets and up): every length to 16 KiB in
 * steps of 7 and each block-size boundary +-8, at 16 alignments and a
 * random state, against slicing-by-8 and the one-chain SSE4.2 path;
 * then a 64 KiB FPDU fed in random pieces equals one call.
 */
static void
test_paths_3way(void)
{
	enum { MAXLEN = 16384 + 64, ALIGNS = 16, BIG = 65536 };
	static const size_t edge[] = { 383, 384, 3072, 3456, 6144, 9216,
	    12288 + 384, 16384 };
	uint8_t *mem = malloc(BIG + ALIGNS);
	uint32_t s = 0x1234567u, st, sw, one, pieces;
	size_t len, a, i, e, off, k;
	unsigned int bad = 0, n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mem);
	printf("\n  crc32c: three-chain path %s\n",
	    crc32c_hw3_available() ? "in use" : "not available");
	for (i = 0; i < BIG + ALIGNS; i++)
		mem[i] = (uint8_t)t_rand(&s);
	for (len = 0; len <= MAXLEN; len += 7)
		for (a = 0; a < ALIGNS; a++) {
			st = t_rand(&s);
			sw = crc32c_update_sw(st, mem + a, len);
			if (crc32c_update(st, mem + a, len) != sw ||
			    crc32c_update_hw1(st, mem + a, len) != sw)
				bad++;
			n++;
		}
	for (e = 0; e < sizeof(edge) / sizeof(edge[0]); e++)
		for (len = edge[e] - 8; len <= edge[e] + 8; len++)
			for (a = 0; a < ALIGNS; a++) {
				st = t_rand(&s);
				if (crc32c_update(st, mem + a, len) !=
				    crc32c_update_sw(st, mem + a, len))
					bad++;
				n++;
			}
	CU_ASSERT(n > 30000);
	CU_ASSERT_EQUAL(bad, 0);
	/* A whole FPDU at once and in random pieces; both vs slicing. */
	one = crc32c_update(crc32c_init(), mem + 3, BIG);
	CU_ASSERT_EQUAL(one, crc32c_update_sw(crc32c_init(), mem + 3, BIG));
	pieces = crc32c_init();
	for (off = 0; off < BIG; off += k) {
		k = t_rand(&s) % 5000;
		if (k > BIG - off)
			k = BIG - off;
		pieces = crc32c_update(pieces, mem + 3 + off, k);
	}
	CU_ASSERT_EQUAL(pieces, one);
	free(mem);
}

/* Every entry of every slicing table is reached and right. */
static void
test_tables(void)
{
	uint8_t b[8];
	unsigned int v, k, bad = 0;

	for (k = 0; k < 8; k++)
		for (v = 0; v < 256; v++) {
			memset(b, 0, sizeof(b));
			b[k] = (uint8_t)v;
			if (crc32c_final(crc32c_update_sw(crc32c_init(), b,
			    8)) != t_crc_bitwise(b, 8))
				bad++;
			if (crc32c_final(crc32c_update_sw(crc32c_init(), b,
			    k + 1)) != t_crc_bitwise(b, k + 1))
				bad++;
		}
	CU_ASSERT_EQUAL(bad, 0);
}

/*
 * Appending the CRC least significant octet first (the MPA/iSCSI wire
 * order) leaves the CRC32c residue 0x48674bc7 over data plus CRC.
 */
static void
test_residue(void)
{
	uint8_t b[64 + 4];
	uint32_t s = 99, c;
	size_t n, i;

	for (n = 0; n <= 64; n++) {
		for (i = 0; i < n; i++)
			b[i] = (uint8_t)t_rand(&s);
		c = crc32c(b, n);
		b[n] = (uint8_t)c;
		b[n + 1] = (uint8_t)(c >> 8);
		b[n + 2] = (uint8_t)(c >> 16);
		b[n + 3] = (uint8_t)(c >> 24);
		CU_ASSERT_EQUAL(crc32c(b, n + 4), 0x48674bc7u);
	}
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "check value 123456789", test_check_value },
		{ "RFC 7143 A.4 vectors", test_rfc7143_a4 },
		{ "incremental splits", test_incremental },
		{ "SSE4.2 and slicing-by-8 agree", test_paths_agree },
		{ "three-chain path, lengths and alignments", test_paths_3way },
		{ "slicing tables", test_tables },
		{ "residue with LSB-first CRC", test_residue },
		{ NULL, NULL }
	};

	return tutil_run("crc32c", cases);
}
