/* fuzz_ssc.c — libFuzzer target for the RFC 5043 PPID 16 / 17 decoders. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wire/iwarp.h"
#include "wire/ssc.h"
#include "wire/term.h"
#include "wire/wire_err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

/* Every error must be a real wire_err with a Terminate triple. */
static void
fuzz_ssc_err_ok(enum wire_err err)
{
	struct term_triple tt;

	FZ_CHECK(term_triple_of(err, &tt) == 0);
}

/* PPID 16: split, then rebuild the chunk and compare. */
static void
fuzz_ssc_seg(const uint8_t *p, size_t n)
{
	static const uint16_t nexts[] = { 0, 0x7fff, 0xffff };
	uint8_t out[4096];
	struct ssc_seg s;
	enum wire_err err;
	size_t i;

	err = ssc_seg_decode(p, n, &s);
	if (err != WIRE_OK) {
		FZ_CHECK(err == WIRE_E_SSC_SEGMENT_SHORT && n < 2);
		FZ_CHECK(s.seg == NULL && s.seg_len == 0 && s.ssn == 0);
		fuzz_ssc_err_ok(err);
		return;
	}
	FZ_CHECK(n >= 2 && s.seg == p + 2 && s.seg_len == n - 2);
	FZ_CHECK(s.ssn == (uint16_t)(p[0] << 8 | p[1]));
	if (n <= sizeof(out)) {
		FZ_CHECK(ssc_seg_encode(s.ssn, s.seg, s.seg_len, out, n) ==
		    (int)n);
		FZ_CHECK(memcmp(out, p, n) == 0);
		FZ_CHECK(ssc_seg_encode(s.ssn, s.seg, s.seg_len, out,
		    n - 1) == SSC_ENC_NOSPACE);
	}
	FZ_CHECK(ssc_seg_prefix_encode(s.ssn, out, 2) == 2);
	FZ_CHECK(memcmp(out, p, 2) == 0);

	/* SSN arithmetic against a few receive positions. */
	for (i = 0; i < sizeof(nexts) / sizeof(nexts[0]); i++) {
		uint16_t d = ssc_ssn_dist(nexts[i], s.ssn);
		bool in = ssc_ssn_in_window(s.ssn, nexts[i]);

		FZ_CHECK(in == (d < SCTP_DDP_SSN_WINDOW));
		FZ_CHECK((ssc_ssn_check(s.ssn, nexts[i]) == WIRE_OK) == in);
		FZ_CHECK(!in || d == 0 || ssc_ssn_lt(nexts[i], s.ssn));
		FZ_CHECK(!(ssc_ssn_lt(s.ssn, nexts[i]) &&
		    ssc_ssn_lt(nexts[i], s.ssn)));
	}
}

/* PPID 17: decode, check the invariants, re-encode and compare. */
static void
fuzz_ssc_ctl(const uint8_t *p, size_t n)
{
	uint8_t out[1024], want[1024];
	struct ssc_ctl m, m2;
	enum wire_err err;
	bool enh;

	err = ssc_ctl_decode(p, n, &m);
	if (err != WIRE_OK) {
		fuzz_ssc_err_ok(err);
		FZ_CHECK(m.ulp_pd == NULL && m.ulp_pd_len == 0);
		switch (err) {
		case WIRE_E_SSC_SHORT:
			FZ_CHECK(n < 4 && m.pd == NULL);
			break;
		case WIRE_E_SSC_FUNCTION:
			FZ_CHECK(n >= 4 && ssc_fn_name(
			    (uint16_t)(p[2] << 8 | p[3])) == NULL);
			break;
		case WIRE_E_SSC_TERM_PD:
			FZ_CHECK(m.fn == SSC_FN_TERMINATE && m.pd_len > 0);
			break;
		case WIRE_E_SSC_PD_TOO_LONG:
			FZ_CHECK(m.pd_len > SCTP_DDP_PRIV_DATA_MAX);
			break;
		case WIRE_E_SSC_ENH_SHORT:
			FZ_CHECK(ssc_fn_is_enhanced(m.fn) && m.pd_len < 4);
			break;
		default:
			__builtin_trap();
		}
		return;
	}

	enh = ssc_fn_is_enhanced(m.fn);
	FZ_CHECK(n >= 4 && n <= 4 + SCTP_DDP_PRIV_DATA_MAX);
	FZ_CHECK(m.pd == p + 4 && m.pd_len == n - 4);
	FZ_CHECK(m.ulp_pd == p + (enh ? 8 : 4));
	FZ_CHECK(m.ulp_pd + m.ulp_pd_len == p + n);
	FZ_CHECK(m.fn != SSC_FN_TERMINATE || m.pd_len == 0);
	FZ_CHECK(m.io.ird <= 0x3fff && m.io.ord <= 0x3fff);
	FZ_CHECK(m.io.p2p || !(m.io.rtr_send || m.io.rtr_write ||
	    m.io.rtr_read));
	FZ_CHECK(ssc_ctl_check(&m) == WIRE_OK);
	FZ_CHECK(ssc_ctl_encoded_len(&m) == n);

	/* The canonical form: B, C, D are ignored (so zero) when A is 0. */
	memcpy(want, p, n);
	if (enh && !(want[4] & 0x80)) {
		want[4] &= 0xbf;
		want[6] &= 0x3f;
	}
	FZ_CHECK(ssc_ctl_encode(&m, out, n) == (int)n);
	FZ_CHECK(memcmp(out, want, n) == 0);
	FZ_CHECK(ssc_ctl_encode(&m, out, n - 1) == SSC_ENC_NOSPACE);

	/* decode(encode(x)) == x */
	FZ_CHECK(ssc_ctl_decode(out, n, &m2) == WIRE_OK);
	FZ_CHECK(m2.ssn == m.ssn && m2.fn == m.fn && m2.pd_len == m.pd_len);
	FZ_CHECK(m2.ulp_pd_len == m.ulp_pd_len);
	FZ_CHECK(memcmp(&m2.io, &m.io, sizeof(m.io)) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	/* First octet: which PPID the chunk arrived with. */
	if ((data[0] & 1) == 0)
		fuzz_ssc_seg(data + 1, size - 1);
	else
		fuzz_ssc_ctl(data + 1, size - 1);
	return 0;
}
