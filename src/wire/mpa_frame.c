/* mpa_frame.c — MPA Request/Reply frames (RFC 5044 §7.1.1, RFC 6581). */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "wire/iwarp.h"
#include "wire/wire_err.h"
#include "wire/mpa.h"

/* The two keys differ only in octet 9: 'q' (Req) versus 'p' (Rep). */
#define MPA_KEY_TYPE_OFF	9u

/* Offsets of the fields after the key (RFC 5044 Figure 8). */
#define MPA_OFF_FLAGS		16u
#define MPA_OFF_REV		17u
#define MPA_OFF_PD_LEN		18u

/* The keys as C strings; only their first MPA_KEY_LEN octets are sent. */
static const char mpa_key_req[] = MPA_KEY_REQ;
static const char mpa_key_rep[] = MPA_KEY_REP;

_Static_assert(sizeof(mpa_key_req) == MPA_KEY_LEN + 1 &&
    sizeof(mpa_key_rep) == MPA_KEY_LEN + 1, "MPA keys are 16 octets");

/* Check the n key octets received so far (RFC 5044 §7.1.1 Key). */
static enum wire_err
mpa_frame_key_check(const uint8_t *p, size_t n, enum mpa_frame_type expect,
    enum mpa_frame_type *type)
{
	size_t i;

	*type = MPA_FRAME_ANY;
	for (i = 0; i < n && i < MPA_KEY_LEN; i++) {
		if (i == MPA_KEY_TYPE_OFF) {
			if (p[i] == (uint8_t)mpa_key_req[i])
				*type = MPA_FRAME_REQ;
			else if (p[i] == (uint8_t)mpa_key_rep[i])
				*type = MPA_FRAME_REP;
			else
				return WIRE_E_MPA_BAD_KEY;
			/* A Req key where a Rep is due (or the reverse) is
			 * an Initiator/Initiator or Responder/Responder
			 * startup (§7.1.2 rule 8): a wrong key. */
			if (expect != MPA_FRAME_ANY && *type != expect)
				return WIRE_E_MPA_BAD_KEY;
		} else if (p[i] != (uint8_t)mpa_key_req[i])
			return WIRE_E_MPA_BAD_KEY;
	}
	return WIRE_OK;
}

/* Set *res for an incomplete frame. */
static enum mpa_status
mpa_frame_more(struct mpa_res *res, size_t need)
{
	res->need = need;
	return MPA_ST_MORE;
}

/* Set *res for a malformed frame. */
static enum mpa_status
mpa_frame_fail(struct mpa_res *res, enum wire_err err)
{
	res->err = err;
	return MPA_ST_FAIL;
}

/* Decode a Request/Reply frame from the octets received so far. */
enum mpa_status
mpa_frame_decode(const void *buf, size_t len, enum mpa_frame_type expect,
    struct mpa_frame *f, struct mpa_res *res)
{
	const uint8_t *p = buf;
	enum mpa_frame_type type;
	enum wire_err err;
	struct buf_rd r;
	uint8_t flags, rev;
	uint16_t pd_len;

	memset(f, 0, sizeof(*f));
	memset(res, 0, sizeof(*res));

	/* Fail as early as the stream allows: a peer that is not speaking
	 * MPA is caught at its first wrong octet (§7.1.2 rules 2, 3, 5). */
	if ((err = mpa_frame_key_check(p, len, expect, &type)) != WIRE_OK)
		return mpa_frame_fail(res, err);
	if (len > MPA_OFF_REV) {
		rev = p[MPA_OFF_REV];
		/* §7.1.1 Rev; RFC 6581 §6: version 1 MUST still be
		 * accepted by a version 2 implementation. */
		if (rev != MPA_REVISION_1 && rev != MPA_REVISION_2)
			return mpa_frame_fail(res, WIRE_E_MPA_BAD_REV);
	}
	if (len < MPA_REQREP_HDR_LEN)
		return mpa_frame_more(res, MPA_REQREP_HDR_LEN - len);

	r = buf_rd_init(p + MPA_KEY_LEN, len - MPA_KEY_LEN);
	flags = buf_get_u8(&r);
	rev = buf_get_u8(&r);
	pd_len = buf_get_be16(&r);
	if (!buf_rd_ok(&r))	/* cannot happen: len >= 20 */
		return mpa_frame_fail(res, WIRE_E_MPA_BAD_FRAME);

	/* §7.1.1 PD_Length: more than 512 octets is improperly formatted. */
	if (pd_len > MPA_PRIV_DATA_MAX)
		return mpa_frame_fail(res, WIRE_E_MPA_PD_TOO_LONG);
	/* RFC 6581 §6: S set means the private data begins with the
	 * 4-octet IRD/ORD word; a shorter field cannot be a valid frame. */
	if (rev >= MPA_REVISION_2 && (flags & MPA_FLAG_S) &&
	    pd_len < MPA_V2_IRD_ORD_LEN)
		return mpa_frame_fail(res, WIRE_E_MPA_BAD_FRAME);
	if (r.left < pd_len)
		return mpa_frame_more(res, pd_len - r.left);

	f->type = type;
	f->rev = rev;
	f->markers = (flags & MPA_FLAG_M) != 0;
	f->crc = (flags & MPA_FLAG_C) != 0;
	/* R is "not checked on reception in the MPA Request Frame". */
	f->reject = type == MPA_FRAME_REP && (flags & MPA_FLAG_R) != 0;
	f->enhanced = rev >= MPA_REVISION_2 && (flags & MPA_FLAG_S) != 0;
	f->pd_len = pd_len;
	f->pd = pd_len ? buf_take(&r, pd_len) : NULL;
	if (f->enhanced) {
		irdord_load(f->pd, &f->io);
		f->ulp_pd_len = (uint16_t)(pd_len - MPA_V2_IRD_ORD_LEN);
		f->ulp_pd = f->ulp_pd_len ? f->pd + MPA_V2_IRD_ORD_LEN : NULL;
	} else {
		f->ulp_pd = f->pd;
		f->ulp_pd_len = pd_len;
	}
	res->used = res->len = MPA_REQREP_HDR_LEN + (size_t)pd_len;
	return MPA_ST_DONE;
}

/* Per-direction markers and CRC from the two startup frames. */
void
mpa_negotiate(const struct mpa_frame *req, const struct mpa_frame *rep,
    bool initiator, struct mpa_mode *m)
{
	/* §7.1.1 M: each frame states what its sender wants to receive. */
	m->rx_markers = initiator ? req->markers : rep->markers;
	m->tx_markers = initiator ? rep->markers : req->markers;
	/* §7.1.1 C: "When this bit is '1' in either ... CRCs MUST be
	 * generated and checked by both endpoints"; §4.4 (2b). */
	m->crc = req->crc || rep->crc;
}

/* Encoded length of f: header, IRD/ORD word, ULP private data. */
size_t
mpa_frame_len(const struct mpa_frame *f)
{
	return MPA_REQREP_HDR_LEN + (f->enhanced ? MPA_V2_IRD_ORD_LEN : 0) +
	    f->ulp_pd_len;
}

/* Encode a Request/Reply frame (§7.1.1, RFC 6581 §6). */
int
mpa_frame_encode(const struct mpa_frame *f, void *buf, size_t cap)
{
	uint8_t flags = 0, word[MPA_V2_IRD_ORD_LEN];
	struct buf_wr w;
	size_t pd_len;

	if (f->type != MPA_FRAME_REQ && f->type != MPA_FRAME_REP)
		return MPA_ENC_INVALID;
	if (f->rev != MPA_REVISION_1 && f->rev != MPA_REVISION_2)
		return MPA_ENC_INVALID;
	/* RFC 6581 §6: enhanced features need Rev two. */
	if (f->enhanced && f->rev != MPA_REVISION_2)
		return MPA_ENC_INVALID;
	/* §7.1.1 R: "set to zero ... in the MPA Request Frame". */
	if (f->reject && f->type != MPA_FRAME_REP)
		return MPA_ENC_INVALID;
	if (f->ulp_pd_len > 0 && f->ulp_pd == NULL)
		return MPA_ENC_INVALID;
	pd_len = mpa_frame_len(f) - MPA_REQREP_HDR_LEN;
	if (pd_len > MPA_PRIV_DATA_MAX)
		return MPA_ENC_INVALID;
	if (f->enhanced && !irdord_valid(&f->io))
		return MPA_ENC_INVALID;
	if (f->enhanced)
		irdord_store(&f->io, word);

	if (f->markers)
		flags |= MPA_FLAG_M;
	if (f->crc)
		flags |= MPA_FLAG_C;
	if (f->reject)
		flags |= MPA_FLAG_R;
	if (f->enhanced)
		flags |= MPA_FLAG_S;
	/* Res is written as zero (§7.1.1, RFC 6581 §6). */

	w = buf_wr_init(buf, cap);
	buf_put_bytes(&w, f->type == MPA_FRAME_REQ ? mpa_key_req : mpa_key_rep,
	    MPA_KEY_LEN);
	buf_put_u8(&w, flags);
	buf_put_u8(&w, f->rev);
	buf_put_be16(&w, (uint16_t)pd_len);
	if (f->enhanced)
		buf_put_bytes(&w, word, sizeof(word));
	buf_put_bytes(&w, f->ulp_pd, f->ulp_pd_len);
	if (!buf_wr_ok(&w))
		return MPA_ENC_NOSPACE;
	return (int)w.used;
}
