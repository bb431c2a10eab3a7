/* ssc.c — RFC 5043 DDP/SCTP adaptation: chunk codecs and DDP-SSN arithmetic. */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "wire/iwarp.h"
#include "wire/ssc.h"
#include "wire/wire_err.h"

#if !defined(__BYTE_ORDER__) || !defined(__ORDER_LITTLE_ENDIAN__) || \
    !defined(__ORDER_BIG_ENDIAN__)
#error "ssc.c needs the __BYTE_ORDER__ predefined macros (GCC, Clang)"
#endif

/* One row per function code (RFC 5043 §5.2.3, RFC 6581 §7). */
struct ssc_fn_row {
	const char	*name;
	bool		 enhanced;	/* private data starts with IRD/ORD */
	bool		 pd;		/* private data allowed */
};

/* Indexed by function code; row 0 is the unassigned code 0. */
static const struct ssc_fn_row ssc_fn_rows[] = {
	[SSC_FN_INITIATE]	= { "Initiate", false, true },
	[SSC_FN_ACCEPT]		= { "Accept", false, true },
	[SSC_FN_REJECT]		= { "Reject", false, true },
	[SSC_FN_TERMINATE]	= { "Terminate", false, false },
	[SSC_FN_ENH_INITIATE]	= { "Enhanced Initiate", true, true },
	[SSC_FN_ENH_ACCEPT]	= { "Enhanced Accept", true, true },
	[SSC_FN_ENH_REJECT]	= { "Enhanced Reject", true, true },
};

_Static_assert(sizeof(int) >= sizeof(int32_t), "encoders return int lengths");

#define SSC_FN_NROWS	(sizeof(ssc_fn_rows) / sizeof(ssc_fn_rows[0]))

/* Row of function code fn, or NULL when fn is unassigned. */
static const struct ssc_fn_row *
ssc_fn_row(uint16_t fn)
{
	if (fn >= SSC_FN_NROWS || ssc_fn_rows[fn].name == NULL)
		return NULL;
	return &ssc_fn_rows[fn];
}

/* Host value to the network-order value the sockets API expects. */
uint32_t
ssc_ppid_to_sinfo(uint32_t ppid)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return ppid;
#elif __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* A plain byte swap; compilers turn it into one bswap. */
	return (ppid >> 24) | (ppid >> 8 & 0x0000ff00u) |
	    (ppid << 8 & 0x00ff0000u) | (ppid << 24);
#else
#error "unsupported byte order (PDP-endian?)"
#endif
}

/* A byte swap is its own inverse. */
uint32_t
ssc_ppid_from_sinfo(uint32_t sinfo_ppid)
{
	return ssc_ppid_to_sinfo(sinfo_ppid);
}

/* Split a PPID-16 chunk into DDP-SSN and DDP segment. */
enum wire_err
ssc_seg_decode(const void *chunk, size_t len, struct ssc_seg *out)
{
	struct buf_rd r = buf_rd_init(chunk, len);

	memset(out, 0, sizeof(*out));
	out->ssn = buf_get_be16(&r);		/* RFC 5043 §5.2.2 */
	if (!buf_rd_ok(&r))
		return WIRE_E_SSC_SEGMENT_SHORT;	/* ssn stays 0 */
	out->seg = r.p;
	out->seg_len = r.left;
	return WIRE_OK;
}

/* Write the 2-octet DDP-SSN prefix. */
int
ssc_seg_prefix_encode(uint16_t ssn, void *buf, size_t cap)
{
	struct buf_wr w = buf_wr_init(buf, cap);

	buf_put_be16(&w, ssn);
	return buf_wr_ok(&w) ? (int)w.used : SSC_ENC_NOSPACE;
}

/* Write prefix and segment as one contiguous chunk. */
int
ssc_seg_encode(uint16_t ssn, const void *seg, size_t seg_len, void *buf,
    size_t cap)
{
	struct buf_wr w = buf_wr_init(buf, cap);

	if (seg_len > (size_t)INT32_MAX - SCTP_DDP_SSN_LEN)
		return SSC_ENC_INVALID;
	buf_put_be16(&w, ssn);
	buf_put_bytes(&w, seg, seg_len);
	return buf_wr_ok(&w) ? (int)w.used : SSC_ENC_NOSPACE;
}

/* Does fn's Private Data start with the IRD/ORD word? */
bool
ssc_fn_is_enhanced(uint16_t fn)
{
	const struct ssc_fn_row *row = ssc_fn_row(fn);

	return row != NULL && row->enhanced;
}

/* Name of a function code for logs. */
const char *
ssc_fn_name(uint16_t fn)
{
	const struct ssc_fn_row *row = ssc_fn_row(fn);

	return row ? row->name : NULL;
}

/*
 * The rules on (function code, Private Data length) shared by decoder and
 * encoder.  pd_len counts the IRD/ORD word of enhanced codes.
 */
static enum wire_err
ssc_ctl_rules(uint16_t fn, size_t pd_len)
{
	const struct ssc_fn_row *row = ssc_fn_row(fn);

	if (row == NULL)
		return WIRE_E_SSC_FUNCTION;
	/* "Private Data MUST NOT be included in the ... Terminate" §5.2.3 */
	if (!row->pd && pd_len != 0)
		return WIRE_E_SSC_TERM_PD;
	/* "MUST NOT exceed 512 bytes in any message" §5.2.3, RFC 6581 §7 */
	if (pd_len > SCTP_DDP_PRIV_DATA_MAX)
		return WIRE_E_SSC_PD_TOO_LONG;
	/* Enhanced data is the first 32 bits of Private Data, RFC 6581 §9 */
	if (row->enhanced && pd_len < MPA_V2_IRD_ORD_LEN)
		return WIRE_E_SSC_ENH_SHORT;
	return WIRE_OK;
}

/* Append the IRD/ORD word; io has passed irdord_valid(). */
static void
ssc_ird_ord_put(struct buf_wr *w, const struct irdord *io)
{
	uint8_t word[IRDORD_LEN];

	irdord_store(io, word);
	buf_put_bytes(w, word, sizeof(word));
}

/* Encode the IRD/ORD word alone. */
int
ssc_ird_ord_encode(const struct irdord *io, void *buf, size_t cap)
{
	struct buf_wr w = buf_wr_init(buf, cap);

	if (!irdord_valid(io))
		return SSC_ENC_INVALID;
	ssc_ird_ord_put(&w, io);
	return buf_wr_ok(&w) ? (int)w.used : SSC_ENC_NOSPACE;
}

/* Decode a PPID-17 Stream Session Control message. */
enum wire_err
ssc_ctl_decode(const void *chunk, size_t len, struct ssc_ctl *out)
{
	struct buf_rd r = buf_rd_init(chunk, len);
	enum wire_err err;
	uint16_t ssn, fn;

	memset(out, 0, sizeof(*out));
	ssn = buf_get_be16(&r);			/* RFC 5043 §5.2.3 */
	fn = buf_get_be16(&r);
	if (!buf_rd_ok(&r))
		return WIRE_E_SSC_SHORT;
	if (ssc_fn_row(fn) == NULL)
		return WIRE_E_SSC_FUNCTION;

	out->ssn = ssn;
	out->fn = fn;
	out->pd = r.p;
	out->pd_len = r.left;
	if ((err = ssc_ctl_rules(fn, r.left)) != WIRE_OK)
		return err;

	if (ssc_fn_is_enhanced(fn)) {
		irdord_load(r.p, &out->io);	/* RFC 6581 §9 */
		buf_skip(&r, MPA_V2_IRD_ORD_LEN);
	}
	out->ulp_pd = r.p;
	out->ulp_pd_len = r.left;
	return WIRE_OK;
}

/* Private Data length of m on the wire, word included. */
static size_t
ssc_ctl_pd_len(const struct ssc_ctl *m)
{
	size_t word = ssc_fn_is_enhanced(m->fn) ? MPA_V2_IRD_ORD_LEN : 0;

	/* Saturate rather than wrap, so the 512 limit still catches it. */
	if (m->ulp_pd_len > SIZE_MAX - word)
		return SIZE_MAX;
	return m->ulp_pd_len + word;
}

/* The RFC rules on a message about to be encoded. */
enum wire_err
ssc_ctl_check(const struct ssc_ctl *m)
{
	return ssc_ctl_rules(m->fn, ssc_ctl_pd_len(m));
}

/* Octets the encoder will write, saturating at SIZE_MAX. */
size_t
ssc_ctl_encoded_len(const struct ssc_ctl *m)
{
	size_t pd = ssc_ctl_pd_len(m);

	return pd > SIZE_MAX - SCTP_DDP_SSC_HDR_LEN ? SIZE_MAX :
	    SCTP_DDP_SSC_HDR_LEN + pd;
}

/* Encode a PPID-17 message after checking it. */
int
ssc_ctl_encode(const struct ssc_ctl *m, void *buf, size_t cap)
{
	struct buf_wr w = buf_wr_init(buf, cap);
	bool enh = ssc_fn_is_enhanced(m->fn);

	if (ssc_ctl_check(m) != WIRE_OK)
		return SSC_ENC_INVALID;
	if (enh && !irdord_valid(&m->io))
		return SSC_ENC_INVALID;
	if (m->ulp_pd_len != 0 && m->ulp_pd == NULL)
		return SSC_ENC_INVALID;

	buf_put_be16(&w, m->ssn);		/* RFC 5043 §5.2.3 */
	buf_put_be16(&w, m->fn);
	if (enh)
		ssc_ird_ord_put(&w, &m->io);	/* RFC 6581 §9 */
	buf_put_bytes(&w, m->ulp_pd, m->ulp_pd_len);
	return buf_wr_ok(&w) ? (int)w.used : SSC_ENC_NOSPACE;
}

/* Window check of a received DDP-SSN as a wire error. */
enum wire_err
ssc_ssn_check(uint16_t ssn, uint16_t next)
{
	/* RFC 5043 §10: a gap must be explainable by unreceived chunks. */
	return ssc_ssn_in_window(ssn, next) ? WIRE_OK : WIRE_E_SSC_SSN_WINDOW;
}
