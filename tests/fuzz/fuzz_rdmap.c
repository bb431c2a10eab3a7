/* fuzz_rdmap.c — libFuzzer target for the DDP/RDMAP segment decoder. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wire/ddp.h"
#include "wire/iwarp.h"
#include "wire/rdmap.h"
#include "wire/term.h"
#include "wire/wire_err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

/*
 * Copy the header octets of a decoded segment with every reserved field
 * the decoder ignores set to zero, as the encoder writes them: DDP Rsvd
 * (RFC 5041 §4.1), RDMAP Rsv (RFC 5040 §4.1), the 28 reserved bits of an
 * Atomic Request (RFC 7306 §5.2.1), the 13 of a Terminate (RFC 5040 §4.8).
 */
static void
fuzz_rdmap_normalise(const struct rdmap_seg *s, const uint8_t *in,
    uint8_t *out)
{
	size_t dlen = s->ddp.tagged ? DDP_TAGGED_HDR_LEN :
	    DDP_UNTAGGED_HDR_LEN;

	memcpy(out, in, s->hdr_len);
	out[0] &= (uint8_t)~DDP_MASK_RSVD;
	out[1] &= (uint8_t)~RDMAP_MASK_RSVD;
	if (s->opcode == RDMAP_OP_ATOMIC_REQ) {
		out[dlen] = out[dlen + 1] = out[dlen + 2] = 0;
		out[dlen + 3] &= RDMAP_AOP_MASK;
	} else if (s->opcode == RDMAP_OP_TERMINATE) {
		out[dlen + 2] &= 0xe0;
		out[dlen + 3] = 0;
	}
}

/* A decode error: a real wire_err, and its Terminate builds and parses. */
static void
fuzz_rdmap_err(enum wire_err err, const uint8_t *data, size_t size)
{
	struct term_triple tt;
	struct rdmap_seg t, d;
	uint8_t out[RDMAP_HDR_MAX_LEN];
	int n;

	FZ_CHECK(term_triple_of(err, &tt) == 0);
	rdmap_seg_init(&t, RDMAP_OP_TERMINATE);
	rdmap_term_build(&t.u.term, &tt, data, size, size);
	n = rdmap_encode(&t, out, sizeof(out));
	FZ_CHECK(n > 0);
	FZ_CHECK(rdmap_decode(out, (size_t)n, &d) == WIRE_OK);
	FZ_CHECK((size_t)n == d.hdr_len && d.payload_len == 0);
	FZ_CHECK(memcmp(&d.u.term, &t.u.term, sizeof(d.u.term)) == 0);
	FZ_CHECK(d.u.term.d == (size > 0 && size >= ddp_hdr_len(data[0]) &&
	    (tt.layer == TERM_LAYER_DDP || (tt.layer == TERM_LAYER_RDMAP &&
	    tt.etype != RDMAP_ETYPE_CATASTROPHIC))));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdmap_seg s, h, d;
	uint8_t norm[RDMAP_HDR_MAX_LEN], enc[RDMAP_HDR_MAX_LEN];
	enum wire_err err;
	size_t avail;
	int n;

	err = rdmap_decode(data, size, &s);
	/* The header-only path agrees with the whole-segment path. */
	avail = size >= 2 ? rdmap_hdr_len(data[0], data[1]) : size;
	if (avail > size)
		avail = size;
	FZ_CHECK(rdmap_decode_hdr(data, avail, size, &h) == err);
	if (err != WIRE_OK) {
		FZ_CHECK(s.hdr_len == 0 && s.payload == NULL);
		fuzz_rdmap_err(err, data, size);
		return 0;
	}

	/* Lengths are consistent and the payload points into the input. */
	FZ_CHECK(s.hdr_len <= size && s.hdr_len <= RDMAP_HDR_MAX_LEN);
	FZ_CHECK(s.hdr_len + s.payload_len == size);
	FZ_CHECK(s.payload == data + s.hdr_len);
	FZ_CHECK(h.hdr_len == s.hdr_len && h.payload_len == s.payload_len);
	FZ_CHECK(s.opcode <= RDMAP_OP_MAX && s.rv <= RDMAP_VERSION);
	FZ_CHECK(rdmap_op_info(s.opcode)->payload || s.payload_len == 0 ||
	    s.opcode == RDMAP_OP_TERMINATE);

	/* Re-encoding gives the input header, reserved fields zeroed. */
	n = rdmap_encode(&s, enc, sizeof(enc));
	FZ_CHECK(n > 0 && (size_t)n == s.hdr_len);
	fuzz_rdmap_normalise(&s, data, norm);
	FZ_CHECK(memcmp(enc, norm, s.hdr_len) == 0);
	FZ_CHECK(rdmap_encode(&s, enc, s.hdr_len - 1) == RDMAP_ENC_NOSPACE);

	/* decode(encode(x)) == x: the normalised header decodes again. */
	n = rdmap_encode(&s, enc, sizeof(enc));
	FZ_CHECK(rdmap_decode_hdr(enc, (size_t)n, size, &d) == WIRE_OK);
	FZ_CHECK(d.hdr_len == s.hdr_len && d.payload_len == s.payload_len);
	FZ_CHECK(d.opcode == s.opcode && d.rv == s.rv);
	FZ_CHECK(d.ddp.tagged == s.ddp.tagged && d.ddp.last == s.ddp.last);
	FZ_CHECK(d.ddp.stag == s.ddp.stag && d.ddp.to == s.ddp.to);
	FZ_CHECK(d.ddp.qn == s.ddp.qn && d.ddp.msn == s.ddp.msn &&
	    d.ddp.mo == s.ddp.mo && d.ddp.inv_stag == s.ddp.inv_stag);
	FZ_CHECK(rdmap_encode(&d, norm, sizeof(norm)) == n);
	FZ_CHECK(memcmp(norm, enc, (size_t)n) == 0);
	return 0;
}
