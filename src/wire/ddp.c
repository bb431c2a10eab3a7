/* ddp.c — DDP (RFC 5041) header codec and segmentation arithmetic. */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "wire/ddp.h"

size_t
ddp_hdr_len(uint8_t ctrl)
{
	return (ctrl & DDP_FLAG_TAGGED) ? DDP_TAGGED_HDR_LEN :
	    DDP_UNTAGGED_HDR_LEN;
}

enum wire_err
ddp_decode(const uint8_t *seg, size_t len, struct ddp_hdr *h,
    size_t *hdr_len)
{
	struct buf_rd r;
	uint8_t ctrl;
	size_t need;

	memset(h, 0, sizeof(*h));
	if (hdr_len != NULL)
		*hdr_len = 0;
	if (len == 0)
		return WIRE_E_RDMAP_SHORT;

	/*
	 * The version is checked before the length: a wrong DV tells the
	 * most about the segment, and its error type follows the T bit
	 * (RFC 5041 §7.2: 1/1/0x04 tagged, 1/2/0x06 untagged).
	 */
	ctrl = seg[0];
	if ((ctrl & DDP_MASK_DV) != DDP_VERSION)
		return (ctrl & DDP_FLAG_TAGGED) ? WIRE_E_DDP_T_VERSION :
		    WIRE_E_DDP_U_VERSION;
	need = ddp_hdr_len(ctrl);
	if (len < need)
		return WIRE_E_RDMAP_SHORT;

	r = buf_rd_init(seg, need);
	(void)buf_get_u8(&r);
	h->tagged = (ctrl & DDP_FLAG_TAGGED) != 0;
	h->last = (ctrl & DDP_FLAG_LAST) != 0;
	h->dv = DDP_VERSION;
	h->rsvdulp = buf_get_u8(&r);
	if (h->tagged) {
		/* §4.2 Figure 4 */
		h->stag = buf_get_be32(&r);
		h->to = buf_get_be64(&r);
	} else {
		/* §4.3 Figure 5 */
		h->inv_stag = buf_get_be32(&r);
		h->qn = buf_get_be32(&r);
		h->msn = buf_get_be32(&r);
		h->mo = buf_get_be32(&r);
	}
	if (!buf_rd_ok(&r)) {
		/* Unreachable: need octets were checked above. */
		memset(h, 0, sizeof(*h));
		return WIRE_E_RDMAP_SHORT;
	}
	if (hdr_len != NULL)
		*hdr_len = need;
	return WIRE_OK;
}

int
ddp_encode(const struct ddp_hdr *h, uint8_t *buf, size_t cap)
{
	struct buf_wr w = buf_wr_init(buf, cap);
	uint8_t ctrl = DDP_VERSION;	/* Rsvd zero on transmit (§4.1) */

	if (h->tagged)
		ctrl |= DDP_FLAG_TAGGED;
	if (h->last)
		ctrl |= DDP_FLAG_LAST;
	buf_put_u8(&w, ctrl);
	buf_put_u8(&w, h->rsvdulp);
	if (h->tagged) {
		buf_put_be32(&w, h->stag);
		buf_put_be64(&w, h->to);
	} else {
		buf_put_be32(&w, h->inv_stag);
		buf_put_be32(&w, h->qn);
		buf_put_be32(&w, h->msn);
		buf_put_be32(&w, h->mo);
	}
	if (!buf_wr_ok(&w))
		return DDP_ENC_NOSPACE;
	return (int)w.used;
}

enum wire_err
ddp_check_to_wrap(uint64_t to, uint64_t len)
{
	/*
	 * RFC 5041 §7.1 tagged check 5: to + len >= 2^64 wraps, without
	 * computing the sum; §5.2: never for a zero-length segment.
	 */
	if (len != 0 && to > UINT64_MAX - len)
		return WIRE_E_DDP_T_TO_WRAP;
	return WIRE_OK;
}

uint32_t
ddp_seg_payload_max(uint32_t mulpdu, size_t hdr_len)
{
	/* RFC 5041 §5.2: a segment is no larger than the MULPDU. */
	if (hdr_len >= mulpdu)
		return 0;
	return mulpdu - (uint32_t)hdr_len;
}

int
ddp_seg_iter_init(struct ddp_seg_iter *it, uint32_t msg_len,
    uint32_t max_payload)
{
	it->msg_len = msg_len;
	it->max_payload = max_payload;
	it->off = 0;
	it->done = max_payload == 0;
	return it->done ? -1 : 0;
}

bool
ddp_seg_iter_next(struct ddp_seg_iter *it, struct ddp_seg_step *st)
{
	uint32_t left;

	if (it->done)
		return false;
	left = it->msg_len - it->off;
	st->off = it->off;
	if (left <= it->max_payload) {
		/*
		 * The remainder fits: this is the last segment, carrying the
		 * highest MO (§4.1).  A zero-length message lands here on the
		 * first call and so is exactly one segment (§5.2).
		 */
		st->len = left;
		st->last = true;
		it->done = true;
	} else {
		st->len = it->max_payload;
		st->last = false;
	}
	it->off += st->len;
	return true;
}

void
ddp_seg_apply(const struct ddp_hdr *tmpl, const struct ddp_seg_step *st,
    struct ddp_hdr *out)
{
	*out = *tmpl;
	out->last = st->last;
	if (tmpl->tagged)
		out->to = tmpl->to + st->off;	/* §5.2: initial TO + offset */
	else
		out->mo = st->off;		/* §5.2: offset from octet 0 */
}
