/* mpa_fpdu.c — MPA Full Operation: FPDUs, CRC, markers (RFC 5044 §4). */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "wire/iwarp.h"
#include "wire/wire_err.h"
#include "wire/crc32c.h"
#include "wire/mpa.h"

/*
 * Geometry facts used throughout (RFC 5044 §4.1 - §4.3).  Stream
 * offsets are counted from SeqStart, where the first marker would go.
 * Markers occupy exactly the offsets p with p mod 512 < 4.  Every FPDU
 * is a multiple of 4 octets and starts 4-aligned, so a marker can never
 * split the 2-octet header (4-aligned), the pad (it ends on a 4-octet
 * boundary and starts off one) or the CRC field (4-aligned, 4 long):
 * markers fall before the header, inside the ULPDU, or between the pad
 * and the CRC.  The largest distance from a header to a marker is below
 * 2 + 64768 + 3 + 4 * 128 < 65536, so FPDUPTR never overflows.
 */
#define MPA_PERIOD	MPA_MARKER_PERIOD
#define MPA_MIN_FPDU	(MPA_HDR_LEN + 1 + 1 + MPA_CRC_LEN)	/* ULPDU 1 */

_Static_assert(MPA_HDR_LEN + MPA_ULPDU_MAX + 3 +
    MPA_MARKER_LEN * MPA_MARKERS_MAX < 65536, "FPDUPTR fits 16 bits");

/* Smaller of two sizes. */
static size_t
mpa_min(size_t a, size_t b)
{
	return a < b ? a : b;
}

/*
 * Wire octets that carry the next n marker-free octets from stream
 * offset pos, counting every marker met before one of them (a marker
 * after the last one is not counted).
 */
static size_t
mpa_wire_span(uint32_t pos, bool markers, size_t n)
{
	size_t p = pos % MPA_PERIOD, lead = 0, first, rest;

	if (!markers || n == 0)
		return n;
	if (p < MPA_MARKER_LEN) {		/* in or at a marker */
		lead = MPA_MARKER_LEN - p;
		p = MPA_MARKER_LEN;
	}
	first = MPA_PERIOD - p;			/* octets up to next marker */
	if (n <= first)
		return lead + n;
	rest = n - first;
	return lead + n + MPA_MARKER_LEN *
	    ((rest + MPA_PERIOD - MPA_MARKER_LEN - 1) /
	    (MPA_PERIOD - MPA_MARKER_LEN));
}

/* Octets before the ULPDU_Length value is known (§4.3). */
size_t
mpa_fpdu_hdr_span(uint32_t pos, bool markers)
{
	return MPA_HDR_LEN + (markers && pos % MPA_PERIOD == 0 ?
	    MPA_MARKER_LEN : 0);
}

/* Place markers, header, ULPDU, pad and CRC of one FPDU (§4.1-§4.4). */
int
mpa_fpdu_layout(uint32_t pos, bool markers, size_t ulpdu_len,
    struct mpa_layout *lay)
{
	size_t p, left, chunk, wire = 0;

	if (ulpdu_len == 0 || ulpdu_len > MPA_ULPDU_MAX || (pos & 3) != 0)
		return -1;
	lay->ulpdu_len = ulpdu_len;
	lay->pad_len = mpa_pad_len(ulpdu_len);
	lay->nmarkers = 0;
	p = pos % MPA_PERIOD;
	/* §4.3: a marker due right where the FPDU starts falls between
	 * FPDUs; it belongs to this one and its FPDUPTR is 0. */
	if (markers && p == 0) {
		lay->marker_off[0] = 0;
		lay->marker_ptr[0] = 0;
		lay->nmarkers = 1;
		wire = MPA_MARKER_LEN;
		p = MPA_MARKER_LEN;
	}
	lay->hdr_off = wire;
	lay->ulpdu_off = wire + MPA_HDR_LEN;
	left = mpa_fpdu_len(ulpdu_len);
	/* Every further marker due before the last CRC octet is inside
	 * (one right after the pad is too: §4.4 rule 1); one due right
	 * after the CRC leads the next FPDU. */
	while (markers) {
		chunk = MPA_PERIOD - p;
		if (chunk >= left)
			break;
		wire += chunk;
		left -= chunk;
		lay->marker_off[lay->nmarkers] = (uint32_t)wire;
		lay->marker_ptr[lay->nmarkers] =
		    (uint16_t)(wire - lay->hdr_off);
		lay->nmarkers++;
		wire += MPA_MARKER_LEN;
		p = MPA_MARKER_LEN;
	}
	lay->wire_len = wire + left;
	lay->crc_off = lay->wire_len - MPA_CRC_LEN;
	return 0;
}

/* Compare a received marker with the FPDUPTR due (§4.2, §4.3). */
enum wire_err
mpa_marker_check(const uint8_t *marker, uint16_t ptr)
{
	/* §4.2: Reserved is ignored on receive; "the least significant
	 * two bits ... receivers MUST always treat these as zero". */
	uint16_t got = buf_load_be16(marker + 2) & (uint16_t)~3u;

	return got == ptr ? WIRE_OK : WIRE_E_MPA_MARKER;
}

/* Write a marker carrying FPDUPTR ptr (Reserved zero, §4.2). */
static void
mpa_marker_store(uint8_t *p, uint16_t ptr)
{
	buf_store_be16(p, 0);
	buf_store_be16(p + 2, ptr);
}

/* ---- sending -------------------------------------------------------- */

/* Start a sender at stream offset pos. */
int
mpa_tx_init(struct mpa_tx *tx, bool markers, bool crc, uint32_t pos)
{
	if ((pos & 3) != 0)
		return -1;
	tx->markers = markers;
	tx->crc = crc;
	tx->pos = (uint16_t)(pos % MPA_PERIOD);
	return 0;
}

/* Output side of mpa_tx_gather(): elements, scratch and running CRC. */
struct mpa_gather {
	struct mpa_iov	*out;
	unsigned int	 nout, outmax;
	uint8_t		*scratch;
	size_t		 sused;
	uint32_t	 crc;
};

/* Append n octets at p as an output element, merging with the last. */
static int
mpa_gather_ref(struct mpa_gather *g, const uint8_t *p, size_t n)
{
	struct mpa_iov *last = g->nout ? &g->out[g->nout - 1] : NULL;

	if (last != NULL && (const uint8_t *)last->base + last->len == p) {
		last->len += n;
		return 0;
	}
	if (g->nout == g->outmax)
		return -1;
	g->out[g->nout].base = p;
	g->out[g->nout].len = n;
	g->nout++;
	return 0;
}

/* Copy n generated octets to scratch and append them; CRC them if sum. */
static int
mpa_gather_gen(struct mpa_gather *g, const uint8_t *src, size_t n, bool sum)
{
	uint8_t *dst = g->scratch + g->sused;

	memcpy(dst, src, n);
	g->sused += n;
	if (sum)
		g->crc = crc32c_update(g->crc, dst, n);
	return mpa_gather_ref(g, dst, n);
}

/* Append the marker due at wire offset off (FPDUPTR ptr). */
static int
mpa_gather_marker(struct mpa_gather *g, uint16_t ptr)
{
	uint8_t m[MPA_MARKER_LEN];

	mpa_marker_store(m, ptr);
	return mpa_gather_gen(g, m, sizeof(m), true);
}

/* Frame a scattered ULPDU as writev elements, payload in place. */
int
mpa_tx_gather(struct mpa_tx *tx, const struct mpa_iov *in, unsigned int nin,
    struct mpa_iov *out, unsigned int outmax, uint8_t *scratch, size_t scap,
    size_t *wire_len)
{
	static const uint8_t zero[3] = { 0, 0, 0 };
	const uint8_t *src;
	struct mpa_layout lay;
	struct mpa_gather g;
	uint8_t fld[MPA_CRC_LEN];
	size_t len = 0, left, wpos, io = 0, n;
	unsigned int i, ii = 0, mk = 0;

	for (i = 0; i < nin; i++) {
		if (in[i].len > MPA_ULPDU_MAX - len)
			return MPA_ENC_INVALID;
		if (in[i].len > 0 && in[i].base == NULL)
			return MPA_ENC_INVALID;
		len += in[i].len;
	}
	/* §3: a ULPDU is 1..64768 octets. */
	if (mpa_fpdu_layout(tx->pos, tx->markers, len, &lay) < 0)
		return MPA_ENC_INVALID;
	if (scap < lay.wire_len - len)
		return MPA_ENC_NOSPACE;

	g.out = out;
	g.nout = 0;
	g.outmax = outmax;
	g.scratch = scratch;
	g.sused = 0;
	g.crc = crc32c_init();

	/* A leading marker, then the header (never split by a marker). */
	if (lay.hdr_off != 0 && mpa_gather_marker(&g, lay.marker_ptr[mk++]))
		return MPA_ENC_NOSPACE;
	buf_store_be16(fld, (uint16_t)len);
	if (mpa_gather_gen(&g, fld, MPA_HDR_LEN, true))
		return MPA_ENC_NOSPACE;

	/* ULPDU then pad, stepping around the markers inside. */
	wpos = lay.ulpdu_off;
	left = len + lay.pad_len;
	while (left > 0) {
		if (mk < lay.nmarkers && lay.marker_off[mk] == wpos) {
			if (mpa_gather_marker(&g, lay.marker_ptr[mk++]))
				return MPA_ENC_NOSPACE;
			wpos += MPA_MARKER_LEN;
			continue;
		}
		n = mk < lay.nmarkers ? lay.marker_off[mk] - wpos : left;
		n = mpa_min(n, left);
		if (left > lay.pad_len) {
			while (in[ii].len == io) {	/* skip empty ones */
				ii++;
				io = 0;
			}
			src = (const uint8_t *)in[ii].base + io;
			n = mpa_min(n, mpa_min(in[ii].len - io,
			    left - lay.pad_len));
			g.crc = crc32c_update(g.crc, src, n);
			if (mpa_gather_ref(&g, src, n))
				return MPA_ENC_NOSPACE;
			io += n;
		} else if (mpa_gather_gen(&g, zero, n, true))
			return MPA_ENC_NOSPACE;
		wpos += n;
		left -= n;
	}
	/* A marker right after the pad is inside this FPDU (§4.4). */
	while (mk < lay.nmarkers) {
		if (mpa_gather_marker(&g, lay.marker_ptr[mk++]))
			return MPA_ENC_NOSPACE;
		wpos += MPA_MARKER_LEN;
	}

	/* §4.1: without CRCs the field "may contain any value": zero. */
	mpa_crc_store(fld, tx->crc ? crc32c_final(g.crc) : 0);
	if (mpa_gather_gen(&g, fld, MPA_CRC_LEN, false))
		return MPA_ENC_NOSPACE;

	tx->pos = (uint16_t)((tx->pos + lay.wire_len) % MPA_PERIOD);
	if (wire_len != NULL)
		*wire_len = lay.wire_len;
	return (int)g.nout;
}

/* Frame a contiguous ULPDU into one buffer. */
int
mpa_tx_encode(struct mpa_tx *tx, const void *ulpdu, size_t ulpdu_len,
    void *buf, size_t cap)
{
	struct mpa_iov in, out[MPA_TX_IOV_MAX(1)];
	uint8_t scratch[MPA_TX_SCRATCH_MAX], *dst = buf;
	uint16_t pos = tx->pos;
	size_t wire, off = 0;
	int i, n;

	in.base = ulpdu;
	in.len = ulpdu_len;
	n = mpa_tx_gather(tx, &in, 1, out, MPA_TX_IOV_MAX(1), scratch,
	    sizeof(scratch), &wire);
	if (n < 0)
		return n;
	if (cap < wire) {
		tx->pos = pos;		/* as if never sent */
		return MPA_ENC_NOSPACE;
	}
	for (i = 0; i < n; i++) {
		memcpy(dst + off, out[i].base, out[i].len);
		off += out[i].len;
	}
	return (int)wire;
}

/* Marker-free FPDU to wire form at pos (§4.3), CRC recomputed. */
int
mpa_marker_insert(uint32_t pos, bool crc, const void *fpdu, size_t len,
    void *out, size_t cap)
{
	const uint8_t *src = fpdu;
	uint8_t *dst = out;
	struct mpa_layout lay;
	size_t w = 0, s = 0, end;
	unsigned int k;

	if (len < MPA_HDR_LEN || len != mpa_fpdu_len(buf_load_be16(src)))
		return MPA_ENC_INVALID;
	if (mpa_fpdu_layout(pos, true, buf_load_be16(src), &lay) < 0)
		return MPA_ENC_INVALID;
	if (cap < lay.wire_len)
		return MPA_ENC_NOSPACE;
	/* Marker-free octets in order, a marker at each marker_off. */
	for (k = 0; k <= lay.nmarkers; k++) {
		end = k < lay.nmarkers ? lay.marker_off[k] : lay.wire_len;
		memcpy(dst + w, src + s, end - w);
		s += end - w;
		w = end;
		if (k < lay.nmarkers) {
			mpa_marker_store(dst + w, lay.marker_ptr[k]);
			w += MPA_MARKER_LEN;
		}
	}
	/* §4.3: "All MPA Markers are included in the containing FPDU CRC
	 * calculation", so the marker-free CRC is void: recompute. */
	if (crc)
		mpa_crc_store(dst + lay.crc_off, crc32c(dst, lay.crc_off));
	return (int)lay.wire_len;
}

/* Set *res for a failure and return MPA_ST_FAIL. */
static enum mpa_status
mpa_fail(struct mpa_res *res, enum wire_err err)
{
	res->err = err;
	return MPA_ST_FAIL;
}

/* Wire form at pos to marker-free FPDU, checking CRC and markers. */
enum mpa_status
mpa_marker_strip(uint32_t pos, bool crc, const void *wire, size_t len,
    void *out, size_t cap, struct mpa_res *res)
{
	const uint8_t *src = wire;
	uint8_t *dst = out;
	struct mpa_layout lay;
	size_t hs, ulen, w = 0, s = 0, end;
	unsigned int k;

	memset(res, 0, sizeof(*res));
	if ((pos & 3) != 0)
		return mpa_fail(res, WIRE_E_MPA_MARKER);
	hs = mpa_fpdu_hdr_span(pos, true);
	if (len < hs) {
		res->need = mpa_wire_span(pos, true, MPA_MIN_FPDU) - len;
		return MPA_ST_MORE;
	}
	ulen = buf_load_be16(src + (hs - MPA_HDR_LEN));
	if (ulen == 0 || ulen > MPA_ULPDU_MAX || mpa_fpdu_len(ulen) > cap) {
		/* A bad leading marker was seen first: report it. */
		if (hs > MPA_HDR_LEN && mpa_marker_check(src, 0) != WIRE_OK)
			return mpa_fail(res, WIRE_E_MPA_MARKER);
		return mpa_fail(res, WIRE_E_MPA_ULPDU_LEN);
	}
	(void)mpa_fpdu_layout(pos, true, ulen, &lay);
	if (len < lay.wire_len) {
		res->need = lay.wire_len - len;
		return MPA_ST_MORE;
	}
	/* §4.4: CRC over the wire octets, markers included; §8 code 3:
	 * markers are judged "in the event that the CRC is valid". */
	if (crc && crc32c(src, lay.crc_off) != mpa_crc_load(src + lay.crc_off))
		return mpa_fail(res, WIRE_E_MPA_CRC);
	for (k = 0; k < lay.nmarkers; k++)
		if (mpa_marker_check(src + lay.marker_off[k],
		    lay.marker_ptr[k]) != WIRE_OK)
			return mpa_fail(res, WIRE_E_MPA_MARKER);
	for (k = 0; k <= lay.nmarkers; k++) {
		end = k < lay.nmarkers ? lay.marker_off[k] : lay.wire_len;
		memcpy(dst + s, src + w, end - w);
		s += end - w;
		w = end + (k < lay.nmarkers ? MPA_MARKER_LEN : 0);
	}
	res->used = lay.wire_len;
	res->len = s;
	return MPA_ST_DONE;
}

/* ---- receiving ------------------------------------------------------ */

/* Start a receiver at stream offset pos. */
int
mpa_rx_init(struct mpa_rx *rx, bool markers, bool crc, uint32_t pos,
    uint16_t max_ulpdu, uint8_t *buf, size_t cap)
{
	if ((pos & 3) != 0 || max_ulpdu == 0 || max_ulpdu > MPA_ULPDU_MAX ||
	    buf == NULL || cap < max_ulpdu)
		return -1;
	memset(rx, 0, sizeof(*rx));
	rx->markers = markers;
	rx->crc = crc;
	rx->max_ulpdu = max_ulpdu;
	rx->buf = buf;
	rx->pos = (uint16_t)(pos % MPA_PERIOD);
	rx->crc_state = crc32c_init();
	rx->bad_marker = WIRE_OK;
	rx->err = WIRE_OK;
	return 0;
}

/* Forget the finished FPDU; the stream position carries on. */
static void
mpa_rx_next(struct mpa_rx *rx)
{
	rx->ulpdu_len = 0;
	rx->off = 0;
	rx->since_hdr = 0;
	rx->crc_state = crc32c_init();
	rx->bad_marker = WIRE_OK;
}

/* Record a sticky error (§8: nothing more is delivered). */
static enum mpa_status
mpa_rx_fail(struct mpa_rx *rx, struct mpa_res *res, enum wire_err err)
{
	rx->err = err;
	return mpa_fail(res, err);
}

/* Take up to n octets of a marker; check it once complete. */
static size_t
mpa_rx_marker(struct mpa_rx *rx, const uint8_t *p, size_t n)
{
	size_t at = rx->pos % MPA_PERIOD;
	uint16_t ptr;

	n = mpa_min(n, MPA_MARKER_LEN - at);
	memcpy(rx->mk + at, p, n);
	/* Inside an FPDU, or leading the next one: CRC'd either way. */
	rx->crc_state = crc32c_update(rx->crc_state, p, n);
	if (rx->off > 0)
		rx->since_hdr += (uint32_t)n;
	if (at + n == MPA_MARKER_LEN) {
		/* §4.3: FPDUPTR is the distance back to the ULPDU_Length
		 * field, or 0 for a marker just before an FPDU. */
		ptr = rx->off > 0 ?
		    (uint16_t)(rx->since_hdr - MPA_MARKER_LEN) : 0;
		if (mpa_marker_check(rx->mk, ptr) != WIRE_OK &&
		    rx->bad_marker == WIRE_OK)
			rx->bad_marker = WIRE_E_MPA_MARKER;
	}
	return n;
}

/* Consume received octets up to the end of one FPDU. */
enum mpa_status
mpa_rx_feed(struct mpa_rx *rx, const void *in, size_t len,
    struct mpa_res *res)
{
	const uint8_t *p = in;
	size_t i = 0, n, at, flen, body, u;
	uint32_t got;

	memset(res, 0, sizeof(*res));
	if (rx->err != WIRE_OK)
		return mpa_fail(res, rx->err);

	while (i < len) {
		at = rx->pos % MPA_PERIOD;
		if (rx->markers && at < MPA_MARKER_LEN) {
			n = mpa_rx_marker(rx, p + i, len - i);
			i += n;
			rx->pos = (uint16_t)((at + n) % MPA_PERIOD);
			continue;
		}
		/* Marker-free octets up to the next marker. */
		n = len - i;
		if (rx->markers)
			n = mpa_min(n, MPA_PERIOD - at);

		if (rx->off < MPA_HDR_LEN) {
			n = mpa_min(n, MPA_HDR_LEN - rx->off);
			memcpy(rx->hdr + rx->off, p + i, n);
			rx->crc_state = crc32c_update(rx->crc_state, p + i, n);
		} else {
			flen = mpa_fpdu_len(rx->ulpdu_len);
			body = flen - MPA_CRC_LEN;
			if (rx->off < body) {
				/* ULPDU and pad: pad is CRC'd, else
				 * ignored (§4.1). */
				n = mpa_min(n, body - rx->off);
				u = rx->off - MPA_HDR_LEN;
				if (u < rx->ulpdu_len)
					memcpy(rx->buf + u, p + i,
					    mpa_min(n, rx->ulpdu_len - u));
				rx->crc_state = crc32c_update(rx->crc_state,
				    p + i, n);
			} else {
				n = mpa_min(n, flen - rx->off);
				memcpy(rx->crcf + (rx->off - body), p + i, n);
			}
		}
		i += n;
		rx->off += (uint32_t)n;
		rx->since_hdr += (uint32_t)n;
		rx->pos = (uint16_t)((at + n) % MPA_PERIOD);

		if (rx->off == MPA_HDR_LEN && rx->ulpdu_len == 0) {
			/* §3: ULPDUs are 1..64768 octets; the receiver
			 * holds at most max_ulpdu (§4.5).  Beyond that the
			 * FPDU boundaries cannot be trusted. */
			rx->ulpdu_len = buf_load_be16(rx->hdr);
			if (rx->ulpdu_len == 0 ||
			    rx->ulpdu_len > rx->max_ulpdu) {
				res->used = i;
				return mpa_rx_fail(rx, res,
				    rx->bad_marker != WIRE_OK ?
				    rx->bad_marker : WIRE_E_MPA_ULPDU_LEN);
			}
		} else if (rx->off > MPA_HDR_LEN &&
		    rx->off == mpa_fpdu_len(rx->ulpdu_len)) {
			res->used = i;
			got = mpa_crc_load(rx->crcf);
			/* §4.4: compare; §4.1: never check when off. */
			if (rx->crc && crc32c_final(rx->crc_state) != got)
				return mpa_rx_fail(rx, res, WIRE_E_MPA_CRC);
			if (rx->bad_marker != WIRE_OK)
				return mpa_rx_fail(rx, res, rx->bad_marker);
			res->len = rx->ulpdu_len;
			mpa_rx_next(rx);
			return MPA_ST_DONE;
		}
	}

	res->used = len;
	if (rx->off < MPA_HDR_LEN)	/* at least the smallest FPDU */
		res->need = mpa_wire_span(rx->pos, rx->markers,
		    MPA_MIN_FPDU - rx->off);
	else
		res->need = mpa_wire_span(rx->pos, rx->markers,
		    mpa_fpdu_len(rx->ulpdu_len) - rx->off);
	return MPA_ST_MORE;
}

/* Largest ULPDU per FPDU for a TCP EMSS (§4.5). */
size_t
mpa_mulpdu(size_t emss, bool markers)
{
	size_t ovh = MPA_HDR_LEN + MPA_CRC_LEN + emss % 4, m;

	/* §4.5: the worst-case number of markers is ceil(EMSS / 512). */
	if (markers)
		ovh += MPA_MARKER_LEN * (emss / MPA_PERIOD +
		    (emss % MPA_PERIOD != 0));
	m = emss > ovh ? emss - ovh : 0;
	if (m < MPA_MULPDU_MIN)
		return MPA_MULPDU_MIN;
	if (m > MPA_ULPDU_MAX)
		return MPA_ULPDU_MAX;
	return m;
}
