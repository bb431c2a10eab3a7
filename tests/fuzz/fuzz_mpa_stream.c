/* fuzz_mpa_stream.c — libFuzzer target for the resumable FPDU decoder. */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "wire/crc32c.h"
#include "wire/iwarp.h"
#include "wire/mpa.h"
#include "wire/term.h"
#include "wire/wire_err.h"

/*
 * Input: one option octet, then the received stream.
 *	bit 0		markers on
 *	bit 1		CRC checking on
 *	bits 2-3	chunking: whole, 1 octet, 1..64 pseudo-random,
 *			1..1024 pseudo-random (seeded by the option octet)
 *	bits 4-7	start offset, from fz_pos[]
 * Every FPDU the decoder delivers is checked against an independent
 * reading of the same octets (layout, CRC, markers, strip) and against
 * a re-encoding; any disagreement traps.
 */

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)
#define FZ_MAX_ULPDU	4096u

static const uint16_t fz_pos[16] = {
	0, 4, 8, 16, 100, 200, 256, 300, 400, 464, 468, 492, 496, 500, 504, 508
};

/* Next pseudo-random chunk size for modes 2 and 3. */
static size_t
fz_chunk(int mode, uint32_t *s, size_t left)
{
	size_t c;

	*s = *s * 1103515245u + 12345u;
	switch (mode) {
	case 0:
		c = left;
		break;
	case 1:
		c = 1;
		break;
	case 2:
		c = 1 + (*s >> 16) % 64;
		break;
	default:
		c = 1 + (*s >> 16) % 1024;
		break;
	}
	return c < left ? c : left;
}

/*
 * The FPDU that occupies wire[0..wlen) at stream offset pos decoded to
 * the L octets at ulpdu: check it by other means.
 */
static void
fz_check_fpdu(const uint8_t *wire, size_t wlen, uint32_t pos, bool markers,
    bool crc, const uint8_t *ulpdu, size_t L)
{
	static uint8_t mf[FZ_MAX_ULPDU + 16], enc[FZ_MAX_ULPDU + 64];
	static uint8_t norm[FZ_MAX_ULPDU + 64], back[FZ_MAX_ULPDU];
	struct mpa_layout lay;
	struct mpa_res res;
	struct mpa_tx tx;
	struct mpa_rx rx;
	size_t i, k, s, pad_end;
	int n;

	FZ_CHECK(L >= 1 && L <= FZ_MAX_ULPDU);
	FZ_CHECK(mpa_fpdu_layout(pos, markers, L, &lay) == 0);
	FZ_CHECK(lay.wire_len == wlen);
	FZ_CHECK(buf_load_be16(wire + lay.hdr_off) == L);
	if (crc)
		FZ_CHECK(crc32c(wire, lay.crc_off) ==
		    mpa_crc_load(wire + lay.crc_off));
	for (k = 0; k < lay.nmarkers; k++)
		FZ_CHECK(mpa_marker_check(wire + lay.marker_off[k],
		    lay.marker_ptr[k]) == WIRE_OK);
	/* The ULPDU is the wire minus header, markers, pad and CRC. */
	k = lay.hdr_off != 0;		/* skip a leading marker */
	for (s = lay.ulpdu_off, i = 0; i < L; s++) {
		if (k < lay.nmarkers && s == lay.marker_off[k]) {
			s += MPA_MARKER_LEN - 1;
			k++;
			continue;
		}
		FZ_CHECK(wire[s] == ulpdu[i++]);
	}
	if (markers) {
		FZ_CHECK(mpa_marker_strip(pos, crc, wire, wlen, mf, sizeof(mf),
		    &res) == MPA_ST_DONE);
		FZ_CHECK(res.used == wlen && res.len == mpa_fpdu_len(L));
		FZ_CHECK(memcmp(mf + MPA_HDR_LEN, ulpdu, L) == 0);
	}

	/* Re-encode: same length; decodes to the same ULPDU; and equal to
	 * the input once pad, marker Reserved / low bits and (without
	 * CRC) the CRC field, all of which a receiver ignores, are made
	 * canonical. */
	FZ_CHECK(mpa_tx_init(&tx, markers, crc, pos) == 0);
	n = mpa_tx_encode(&tx, ulpdu, L, enc, sizeof(enc));
	FZ_CHECK(n >= 0 && (size_t)n == wlen);
	FZ_CHECK(tx.pos == (pos + wlen) % MPA_MARKER_PERIOD);
	FZ_CHECK(mpa_rx_init(&rx, markers, crc, pos, FZ_MAX_ULPDU, back,
	    sizeof(back)) == 0);
	FZ_CHECK(mpa_rx_feed(&rx, enc, wlen, &res) == MPA_ST_DONE);
	FZ_CHECK(res.used == wlen && res.len == L);
	FZ_CHECK(memcmp(back, ulpdu, L) == 0);
	memcpy(norm, wire, wlen);
	for (k = 0; k < lay.nmarkers; k++) {
		norm[lay.marker_off[k]] = 0;
		norm[lay.marker_off[k] + 1] = 0;
		norm[lay.marker_off[k] + 3] &= 0xfc;
	}
	pad_end = lay.crc_off;
	if (lay.nmarkers > 0 && lay.marker_off[lay.nmarkers - 1] ==
	    lay.crc_off - MPA_MARKER_LEN)	/* marker between pad and CRC */
		pad_end -= MPA_MARKER_LEN;
	memset(norm + pad_end - lay.pad_len, 0, lay.pad_len);
	mpa_crc_store(norm + lay.crc_off, crc ? crc32c(norm, lay.crc_off) : 0);
	FZ_CHECK(memcmp(norm, enc, wlen) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[FZ_MAX_ULPDU];
	const uint8_t *wire;
	struct mpa_rx rx;
	struct mpa_res res;
	struct term_triple tt;
	enum mpa_status st;
	size_t n, off = 0, c, o, start = 0, lower = 0;
	uint32_t pos, fpos, seed;
	bool markers, crc;
	int mode;

	if (size < 1)
		return 0;
	markers = (data[0] & 1) != 0;
	crc = (data[0] & 2) != 0;
	mode = (data[0] >> 2) & 3;
	pos = fz_pos[data[0] >> 4];
	seed = data[0];
	wire = data + 1;
	n = size - 1;
	fpos = pos;

	FZ_CHECK(mpa_rx_init(&rx, markers, crc, pos, FZ_MAX_ULPDU, buf,
	    sizeof(buf)) == 0);
	while (off < n) {
		c = fz_chunk(mode, &seed, n - off);
		for (o = 0; o < c;) {
			st = mpa_rx_feed(&rx, wire + off + o, c - o, &res);
			FZ_CHECK(res.used <= c - o);
			if (st == MPA_ST_FAIL) {
				FZ_CHECK(res.err == WIRE_E_MPA_CRC ||
				    res.err == WIRE_E_MPA_MARKER ||
				    res.err == WIRE_E_MPA_ULPDU_LEN);
				FZ_CHECK(term_triple_of(res.err, &tt) == 0 &&
				    tt.layer == TERM_LAYER_LLP);
				/* Sticky (RFC 5044 §8). */
				FZ_CHECK(mpa_rx_feed(&rx, wire, n, &res) ==
				    MPA_ST_FAIL && res.used == 0);
				return 0;
			}
			/* A need is a lower bound: never done sooner. */
			FZ_CHECK(res.used >= lower || st == MPA_ST_MORE);
			o += res.used;
			if (st == MPA_ST_MORE) {
				FZ_CHECK(o == c && res.need > 0);
				FZ_CHECK(res.need + res.used >= lower);
				lower = res.need;
				break;
			}
			FZ_CHECK(st == MPA_ST_DONE && res.err == WIRE_OK);
			fz_check_fpdu(wire + start, off + o - start, fpos,
			    markers, crc, mpa_rx_ulpdu(&rx), res.len);
			fpos = (uint32_t)((fpos + off + o - start) %
			    MPA_MARKER_PERIOD);
			FZ_CHECK(rx.pos == fpos);
			start = off + o;
			lower = 0;
		}
		off += c;
	}
	return 0;
}
