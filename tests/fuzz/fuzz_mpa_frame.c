/* fuzz_mpa_frame.c — libFuzzer target for the MPA Request/Reply decoder. */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wire/iwarp.h"
#include "wire/mpa.h"
#include "wire/term.h"
#include "wire/wire_err.h"

/*
 * The input is the start of a TCP stream.  Decoded frames must encode
 * back to a frame that decodes to the same thing (decode -> encode ->
 * decode equality), with the same length and the same key, Rev,
 * PD_Length and ULP private data octets; failures must be frame errors
 * (Terminate 2/0/4); MORE must be consistent with its prefixes.
 */

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

/* Decoded frames a and b say the same thing. */
static bool
fz_frame_eq(const struct mpa_frame *a, const struct mpa_frame *b)
{
	return a->type == b->type && a->rev == b->rev &&
	    a->markers == b->markers && a->crc == b->crc &&
	    a->reject == b->reject && a->enhanced == b->enhanced &&
	    a->pd_len == b->pd_len && a->ulp_pd_len == b->ulp_pd_len &&
	    a->io.ird == b->io.ird && a->io.ord == b->io.ord &&
	    a->io.p2p == b->io.p2p && a->io.rtr_send == b->io.rtr_send &&
	    a->io.rtr_write == b->io.rtr_write &&
	    a->io.rtr_read == b->io.rtr_read &&
	    (a->ulp_pd_len == 0 ||
	    memcmp(a->ulp_pd, b->ulp_pd, a->ulp_pd_len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t enc[MPA_REQREP_HDR_LEN + MPA_PRIV_DATA_MAX];
	struct mpa_frame f, g;
	struct mpa_res res, r2;
	struct term_triple tt;
	enum mpa_status st;
	enum mpa_frame_type other;
	int n;

	st = mpa_frame_decode(data, size, MPA_FRAME_ANY, &f, &res);
	switch (st) {
	case MPA_ST_MORE:
		FZ_CHECK(res.need > 0 && res.used == 0 && res.err == WIRE_OK);
		FZ_CHECK(size < MPA_REQREP_HDR_LEN ||
		    res.need == MPA_REQREP_HDR_LEN +
		    (size_t)(data[18] << 8 | data[19]) - size);
		return 0;
	case MPA_ST_FAIL:
		FZ_CHECK(res.err == WIRE_E_MPA_BAD_KEY ||
		    res.err == WIRE_E_MPA_BAD_REV ||
		    res.err == WIRE_E_MPA_PD_TOO_LONG ||
		    res.err == WIRE_E_MPA_BAD_FRAME);
		FZ_CHECK(term_triple_of(res.err, &tt) == 0);
		FZ_CHECK(tt.layer == 2 && tt.etype == 0 && tt.ecode == 4);
		/* Found as early as possible: with one octet less it is
		 * MORE or the same failure. */
		if (size > 0) {
			st = mpa_frame_decode(data, size - 1, MPA_FRAME_ANY,
			    &g, &r2);
			FZ_CHECK(st == MPA_ST_MORE ||
			    (st == MPA_ST_FAIL && r2.err == res.err));
		}
		return 0;
	case MPA_ST_DONE:
		break;
	}

	FZ_CHECK(res.used == res.len && res.used <= size);
	FZ_CHECK(res.used == MPA_REQREP_HDR_LEN + (size_t)f.pd_len);
	FZ_CHECK(f.type == MPA_FRAME_REQ || f.type == MPA_FRAME_REP);
	FZ_CHECK(f.rev == 1 || f.rev == 2);
	FZ_CHECK(f.pd_len <= MPA_PRIV_DATA_MAX);
	FZ_CHECK(f.pd_len == 0 || f.pd == data + MPA_REQREP_HDR_LEN);
	FZ_CHECK(f.ulp_pd_len + (f.enhanced ? MPA_V2_IRD_ORD_LEN : 0) ==
	    f.pd_len);
	FZ_CHECK(!f.reject || f.type == MPA_FRAME_REP);
	FZ_CHECK(!f.enhanced || f.rev == 2);
	FZ_CHECK(f.io.ird <= MPA_V2_IRD_ORD_MASK &&
	    f.io.ord <= MPA_V2_IRD_ORD_MASK);
	FZ_CHECK(f.io.p2p || (!f.io.rtr_send && !f.io.rtr_write &&
	    !f.io.rtr_read));

	/* One octet short is MORE, needing exactly that octet. */
	FZ_CHECK(mpa_frame_decode(data, res.used - 1, MPA_FRAME_ANY, &g,
	    &r2) == MPA_ST_MORE && r2.need == 1);
	/* The key decides: the right expectation agrees, the wrong one
	 * fails with BAD_KEY. */
	FZ_CHECK(mpa_frame_decode(data, size, f.type, &g, &r2) ==
	    MPA_ST_DONE && fz_frame_eq(&f, &g));
	other = f.type == MPA_FRAME_REQ ? MPA_FRAME_REP : MPA_FRAME_REQ;
	FZ_CHECK(mpa_frame_decode(data, size, other, &g, &r2) ==
	    MPA_ST_FAIL && r2.err == WIRE_E_MPA_BAD_KEY);

	/* decode -> encode -> decode. */
	FZ_CHECK(mpa_frame_len(&f) == res.used);
	n = mpa_frame_encode(&f, enc, sizeof(enc));
	FZ_CHECK(n >= 0 && (size_t)n == res.used);
	FZ_CHECK(mpa_frame_encode(&f, enc, (size_t)n - 1) == MPA_ENC_NOSPACE);
	FZ_CHECK(mpa_frame_decode(enc, (size_t)n, f.type, &g, &r2) ==
	    MPA_ST_DONE && r2.used == (size_t)n);
	FZ_CHECK(fz_frame_eq(&f, &g));
	/* Octets a receiver does not ignore come back unchanged. */
	FZ_CHECK(memcmp(enc, data, MPA_KEY_LEN) == 0);
	FZ_CHECK(enc[17] == data[17] && enc[18] == data[18] &&
	    enc[19] == data[19]);
	FZ_CHECK((enc[16] & (MPA_FLAG_M | MPA_FLAG_C)) ==
	    (data[16] & (MPA_FLAG_M | MPA_FLAG_C)));
	FZ_CHECK(f.ulp_pd_len == 0 || memcmp(enc + (size_t)n - f.ulp_pd_len,
	    data + res.used - f.ulp_pd_len, f.ulp_pd_len) == 0);
	return 0;
}
