/* rdmap.c — RDMAP (RFC 5040, RFC 7306) segment codec and Terminate. */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "wire/rdmap.h"

/*
 * The one per-opcode table: RFC 5040 §4.1 Figure 4 (T, QN, Invalidate
 * STag) and §4.2 Figure 5 (header, payload); RFC 7306 §4.1 Figure 2 and
 * §4.2 Figure 3 for 0x8-0xB.  Header lengths: §4.4 Figure 6 (28), §4.8
 * Figure 7 (Terminate, at least the 4-octet control word); RFC 7306
 * §6.2 Figure 7 (8), §5.2.1 Figure 4 (52), §5.2.2 Figure 6 (12).
 */
static const struct rdmap_op_info rdmap_ops[RDMAP_OP_MAX + 1] = {
	[RDMAP_OP_WRITE] = { .name = "RDMA Write",
	    .tagged = true, .payload = true },
	[RDMAP_OP_READ_REQ] = { .name = "RDMA Read Request",
	    .qn = RDMAP_QN_READ_REQ, .hdr_len = RDMAP_READ_REQ_HDR_LEN },
	[RDMAP_OP_READ_RESP] = { .name = "RDMA Read Response",
	    .tagged = true, .payload = true },
	[RDMAP_OP_SEND] = { .name = "Send",
	    .qn = RDMAP_QN_SEND, .payload = true },
	[RDMAP_OP_SEND_INV] = { .name = "Send with Invalidate",
	    .qn = RDMAP_QN_SEND, .payload = true, .inv_stag = true },
	[RDMAP_OP_SEND_SE] = { .name = "Send with SE",
	    .qn = RDMAP_QN_SEND, .payload = true },
	[RDMAP_OP_SEND_SE_INV] = { .name = "Send with SE and Invalidate",
	    .qn = RDMAP_QN_SEND, .payload = true, .inv_stag = true },
	[RDMAP_OP_TERMINATE] = { .name = "Terminate",
	    .qn = RDMAP_QN_TERMINATE, .hdr_len = TERM_HDR_MIN_LEN },
	[RDMAP_OP_IMM] = { .name = "Immediate Data",
	    .qn = RDMAP_QN_SEND, .hdr_len = RDMAP_IMM_HDR_LEN, .ext = true },
	[RDMAP_OP_IMM_SE] = { .name = "Immediate Data with SE",
	    .qn = RDMAP_QN_SEND, .hdr_len = RDMAP_IMM_HDR_LEN, .ext = true },
	[RDMAP_OP_ATOMIC_REQ] = { .name = "Atomic Request",
	    .qn = RDMAP_QN_READ_REQ, .hdr_len = RDMAP_ATOMIC_REQ_HDR_LEN,
	    .ext = true },
	[RDMAP_OP_ATOMIC_RESP] = { .name = "Atomic Response",
	    .qn = RDMAP_QN_ATOMIC_RESP, .hdr_len = RDMAP_ATOMIC_RESP_HDR_LEN,
	    .ext = true },
};

_Static_assert(RDMAP_TERM_MAX_LEN == 52, "RFC 5040 §4.8: 4+2+18+28");
_Static_assert(RDMAP_HDR_MAX_LEN == 70, "untagged DDP + largest header");

const struct rdmap_op_info *
rdmap_op_info(unsigned int opcode)
{
	if (opcode > RDMAP_OP_MAX)
		return NULL;
	return &rdmap_ops[opcode];
}

size_t
rdmap_hdr_len(uint8_t ddp_ctrl, uint8_t rdmap_ctrl)
{
	unsigned int op = rdmap_ctrl & RDMAP_MASK_OPCODE;
	size_t n = ddp_hdr_len(ddp_ctrl);

	if (op == RDMAP_OP_TERMINATE)
		return n + RDMAP_TERM_MAX_LEN;
	if (op <= RDMAP_OP_MAX)
		n += rdmap_ops[op].hdr_len;
	return n;
}

/* RV valid for opcode: 01b always, 00b on RFC 5040 opcodes (§4.1). */
static bool
rdmap_rv_ok(unsigned int rv, const struct rdmap_op_info *info)
{
	if (rv == RDMAP_VERSION)
		return true;
	return rv == RDMAP_VERSION_RDMAC && !info->ext;
}

/* AOpCodes RFC 7306 §5.2.1 Figure 5 defines. */
static bool
rdmap_aop_ok(unsigned int aop)
{
	return aop == RDMAP_AOP_FETCHADD || aop == RDMAP_AOP_CMPSWAP;
}

/* ---- Terminate -------------------------------------------------------- */

enum wire_err
rdmap_term_decode(const uint8_t *p, size_t len, struct rdmap_term *t,
    size_t *used)
{
	struct buf_rd r;
	uint32_t w0;
	size_t dlen;

	memset(t, 0, sizeof(*t));
	if (used != NULL)
		*used = 0;
	if (len < TERM_HDR_MIN_LEN)
		return WIRE_E_RDMAP_SHORT;
	if (len > RDMAP_TERM_MAX_LEN)
		return WIRE_E_RDMAP_TERM_HDR;

	/* Figure 8: Layer, EType, Error Code, HdrCt; 13 reserved bits. */
	r = buf_rd_init(p, len);
	w0 = buf_get_be32(&r);
	t->triple.layer = (uint8_t)(w0 >> TERM_SHIFT_LAYER & 0xfu);
	t->triple.etype = (uint8_t)(w0 >> TERM_SHIFT_ETYPE & 0xfu);
	t->triple.ecode = (uint8_t)(w0 >> TERM_SHIFT_ECODE);
	t->m = (w0 & TERM_FLAG_M) != 0;
	t->d = (w0 & TERM_FLAG_D) != 0;
	t->r = (w0 & TERM_FLAG_R) != 0;

	/* "MUST be valid if the M bit is set.  MUST be present when D". */
	if (t->m || t->d)
		t->ddp_seg_len = buf_get_be16(&r);
	if (t->d) {
		/* 112 or 144 bits, by the terminated header's own T bit. */
		dlen = r.left > 0 ? ddp_hdr_len(r.p[0]) : DDP_TAGGED_HDR_LEN;
		t->ddp_hdr_len = (uint8_t)dlen;
		buf_get_bytes(&r, t->ddp_hdr, dlen);
	}
	if (t->r)
		buf_get_bytes(&r, t->rdma_hdr, RDMAP_TERM_RDMA_HDR_LEN);
	if (!buf_rd_ok(&r)) {
		memset(t, 0, sizeof(*t));
		return WIRE_E_RDMAP_TERM_HDR;
	}
	if (used != NULL)
		*used = len - r.left;
	return WIRE_OK;
}

int
rdmap_term_encode(const struct rdmap_term *t, uint8_t *buf, size_t cap)
{
	struct buf_wr w = buf_wr_init(buf, cap);
	uint32_t w0;

	if (t->triple.layer > 0xf || t->triple.etype > 0xf)
		return RDMAP_ENC_INVALID;
	if (t->d && t->ddp_hdr_len != ddp_hdr_len(t->ddp_hdr[0]))
		return RDMAP_ENC_INVALID;

	w0 = (uint32_t)t->triple.layer << TERM_SHIFT_LAYER |
	    (uint32_t)t->triple.etype << TERM_SHIFT_ETYPE |
	    (uint32_t)t->triple.ecode << TERM_SHIFT_ECODE;
	if (t->m)
		w0 |= TERM_FLAG_M;
	if (t->d)
		w0 |= TERM_FLAG_D;
	if (t->r)
		w0 |= TERM_FLAG_R;
	buf_put_be32(&w, w0);
	if (t->m || t->d)
		buf_put_be16(&w, t->ddp_seg_len);
	if (t->d)
		buf_put_bytes(&w, t->ddp_hdr, t->ddp_hdr_len);
	if (t->r)
		buf_put_bytes(&w, t->rdma_hdr, RDMAP_TERM_RDMA_HDR_LEN);
	if (!buf_wr_ok(&w))
		return RDMAP_ENC_NOSPACE;
	return (int)w.used;
}

void
rdmap_term_build(struct rdmap_term *out, const struct term_triple *t,
    const uint8_t *hdr, size_t avail, size_t seg_len)
{
	size_t dlen;
	bool want_rdma;

	memset(out, 0, sizeof(*out));
	out->triple = *t;

	/* RFC 5040 §4.8 Figure 10: which errors carry which headers. */
	switch (t->layer) {
	case TERM_LAYER_RDMAP:
		if (t->etype != RDMAP_ETYPE_REMOTE_PROT &&
		    t->etype != RDMAP_ETYPE_REMOTE_OP)
			return;		/* Local Catastrophic: No / No */
		want_rdma = t->etype == RDMAP_ETYPE_REMOTE_PROT;
		break;
	case TERM_LAYER_DDP:
		want_rdma = false;	/* Yes / No */
		break;
	default:
		return;			/* LLP: No / No */
	}

	if (hdr == NULL || avail == 0)
		return;			/* not "possible" (§7.1 case 1) */
	if (avail > seg_len)
		avail = seg_len;
	dlen = ddp_hdr_len(hdr[0]);
	if (avail < dlen)
		return;
	out->d = true;
	out->ddp_hdr_len = (uint8_t)dlen;
	memcpy(out->ddp_hdr, hdr, dlen);
	if (seg_len <= UINT16_MAX) {
		out->m = true;
		out->ddp_seg_len = (uint16_t)seg_len;
	}

	/* "only sent back if ... associated with an RDMA Read Request". */
	if (want_rdma && !(hdr[0] & DDP_FLAG_TAGGED) &&
	    (hdr[1] & RDMAP_MASK_OPCODE) == RDMAP_OP_READ_REQ &&
	    avail >= dlen + RDMAP_TERM_RDMA_HDR_LEN) {
		out->r = true;
		memcpy(out->rdma_hdr, hdr + dlen, RDMAP_TERM_RDMA_HDR_LEN);
	}
}

/* ---- Opcode headers ---------------------------------------------------- */

/* Append the Read Request header (RFC 5040 §4.4 Figure 6). */
static void
rdmap_put_read_req(struct buf_wr *w, const struct rdmap_read_req *rr)
{
	buf_put_be32(w, rr->sink_stag);
	buf_put_be64(w, rr->sink_to);
	buf_put_be32(w, rr->size);
	buf_put_be32(w, rr->src_stag);
	buf_put_be64(w, rr->src_to);
}

void
rdmap_read_req_store(uint8_t out[RDMAP_READ_REQ_HDR_LEN],
    const struct rdmap_read_req *rr)
{
	struct buf_wr w = buf_wr_init(out, RDMAP_READ_REQ_HDR_LEN);

	rdmap_put_read_req(&w, rr);
}

/*
 * Decode the fixed-size header of op at r into s->u.  Returns WIRE_OK or
 * WIRE_E_RDMAP_ATOMIC_AOPCODE; the caller has checked the length.
 */
static enum wire_err
rdmap_get_op_hdr(struct buf_rd *r, struct rdmap_seg *s)
{
	struct rdmap_read_req *rr = &s->u.read_req;
	struct rdmap_atomic_req *aq = &s->u.atomic_req;
	struct rdmap_atomic_resp *ap = &s->u.atomic_resp;
	struct rdmap_imm *im = &s->u.imm;

	switch (s->opcode) {
	case RDMAP_OP_READ_REQ:
		rr->sink_stag = buf_get_be32(r);
		rr->sink_to = buf_get_be64(r);
		rr->size = buf_get_be32(r);
		rr->src_stag = buf_get_be32(r);
		rr->src_to = buf_get_be64(r);
		break;
	case RDMAP_OP_IMM:
	case RDMAP_OP_IMM_SE:
		buf_get_bytes(r, im->raw, sizeof(im->raw));
		im->data = buf_load_be32(im->raw);
		im->data = im->data << 32 | buf_load_be32(im->raw + 4);
		break;
	case RDMAP_OP_ATOMIC_REQ:
		/* 28 reserved bits, ignored on receive (§5.2.1). */
		aq->aopcode = (uint8_t)(buf_get_be32(r) & RDMAP_AOP_MASK);
		aq->req_id = buf_get_be32(r);
		aq->stag = buf_get_be32(r);
		aq->to = buf_get_be64(r);
		aq->add_swap = buf_get_be64(r);
		aq->add_swap_mask = buf_get_be64(r);
		aq->cmp = buf_get_be64(r);
		aq->cmp_mask = buf_get_be64(r);
		if (!rdmap_aop_ok(aq->aopcode))
			return WIRE_E_RDMAP_ATOMIC_AOPCODE;
		break;
	case RDMAP_OP_ATOMIC_RESP:
		ap->req_id = buf_get_be32(r);
		ap->orig = buf_get_be64(r);
		break;
	default:
		break;
	}
	return buf_rd_ok(r) ? WIRE_OK : WIRE_E_RDMAP_SHORT;
}

/* ---- Segments ------------------------------------------------------------ */

/* rdmap_decode_hdr() without zeroing *s on error. */
static enum wire_err
rdmap_decode_in(const uint8_t *p, size_t avail, size_t seg_len,
    struct rdmap_seg *s)
{
	const struct rdmap_op_info *info;
	struct buf_rd r;
	enum wire_err err;
	size_t dlen, rest, have, used;
	unsigned int rv;

	if (avail > seg_len)
		avail = seg_len;
	/* RFC 5041 §4.1, §7.2: DV, then the header its T bit announces. */
	if ((err = ddp_decode(p, avail, &s->ddp, &dlen)) != WIRE_OK)
		return err;
	/* RFC 5041 §7.1 untagged check 1 needs no opcode: QN 0-3 exist. */
	if (!s->ddp.tagged && s->ddp.qn >= RDMAP_QN_COUNT)
		return WIRE_E_DDP_U_INV_QN;

	/* RFC 5040 §7.2 checks 2 and 3; version first, it fixes the rest. */
	rv = (s->ddp.rsvdulp & RDMAP_MASK_RV) >> RDMAP_SHIFT_RV;
	s->rv = (uint8_t)rv;
	s->opcode = s->ddp.rsvdulp & RDMAP_MASK_OPCODE;
	if (rv != RDMAP_VERSION && rv != RDMAP_VERSION_RDMAC)
		return WIRE_E_RDMAP_VERSION;
	if ((info = rdmap_op_info(s->opcode)) == NULL)
		return WIRE_E_RDMAP_OPCODE;
	if (!rdmap_rv_ok(rv, info))
		return WIRE_E_RDMAP_VERSION;
	/* Figure 4 / Figure 2: the T bit and QN each opcode MUST use. */
	if (s->ddp.tagged != info->tagged)
		return WIRE_E_RDMAP_OPCODE;
	if (!s->ddp.tagged && s->ddp.qn != info->qn)
		return WIRE_E_DDP_U_INV_QN;
	if (!info->payload && s->ddp.mo != 0)
		return WIRE_E_DDP_U_INV_MO;	/* single segment: MO 0 */

	rest = seg_len - dlen;
	have = avail - dlen;
	if (rest < info->hdr_len || have < info->hdr_len)
		return WIRE_E_RDMAP_SHORT;
	if (!info->payload) {
		/* Figure 5 / Figure 3: no ULP payload, one segment. */
		if (!s->ddp.last)
			return WIRE_E_RDMAP_EXCESS;
		if (s->opcode == RDMAP_OP_TERMINATE) {
			if (rest > RDMAP_TERM_MAX_LEN)
				return WIRE_E_RDMAP_TERM_HDR;
			err = rdmap_term_decode(p + dlen, have, &s->u.term,
			    &used);
			if (err != WIRE_OK)
				return err;
			s->hdr_len = dlen + used;
			goto payload;
		}
		if (rest > info->hdr_len)
			return WIRE_E_RDMAP_EXCESS;
	}

	r = buf_rd_init(p + dlen, info->hdr_len);
	if ((err = rdmap_get_op_hdr(&r, s)) != WIRE_OK)
		return err;
	s->hdr_len = dlen + info->hdr_len;
payload:
	s->payload_len = seg_len - s->hdr_len;
	s->payload = avail == seg_len ? p + s->hdr_len : NULL;
	return WIRE_OK;
}

enum wire_err
rdmap_decode_hdr(const uint8_t *hdr, size_t avail, size_t seg_len,
    struct rdmap_seg *out)
{
	enum wire_err err;

	memset(out, 0, sizeof(*out));
	if ((err = rdmap_decode_in(hdr, avail, seg_len, out)) != WIRE_OK)
		memset(out, 0, sizeof(*out));
	return err;
}

enum wire_err
rdmap_decode(const uint8_t *seg, size_t len, struct rdmap_seg *out)
{
	return rdmap_decode_hdr(seg, len, len, out);
}

int
rdmap_seg_init(struct rdmap_seg *s, unsigned int op)
{
	const struct rdmap_op_info *info = rdmap_op_info(op);

	memset(s, 0, sizeof(*s));
	if (info == NULL)
		return -1;
	s->rv = RDMAP_VERSION;
	s->opcode = (uint8_t)op;
	s->ddp.dv = DDP_VERSION;
	s->ddp.tagged = info->tagged;
	s->ddp.qn = info->tagged ? 0 : info->qn;
	s->ddp.last = true;
	if (op == RDMAP_OP_ATOMIC_REQ) {
		/* FetchAdd: Compare Mask all ones on transmit (§5.2.1). */
		s->u.atomic_req.aopcode = RDMAP_AOP_FETCHADD;
		s->u.atomic_req.cmp_mask = UINT64_MAX;
	}
	return 0;
}

int
rdmap_encode(const struct rdmap_seg *s, uint8_t *buf, size_t cap)
{
	const struct rdmap_op_info *info = rdmap_op_info(s->opcode);
	const struct rdmap_atomic_req *aq = &s->u.atomic_req;
	struct ddp_hdr d;
	struct buf_wr w;
	int n, t;

	/* Refuse what rdmap_decode() would reject (see rdmap.h). */
	if (info == NULL || !rdmap_rv_ok(s->rv, info))
		return RDMAP_ENC_INVALID;
	if (s->ddp.tagged != info->tagged ||
	    (!info->tagged && s->ddp.qn != info->qn))
		return RDMAP_ENC_INVALID;
	if (!info->payload && (!s->ddp.last || s->ddp.mo != 0))
		return RDMAP_ENC_INVALID;
	if (s->opcode == RDMAP_OP_ATOMIC_REQ && !rdmap_aop_ok(aq->aopcode))
		return RDMAP_ENC_INVALID;

	/* RFC 5040 §4.1: RV, Rsv zero, Opcode in RsvdULP[0:7]. */
	d = s->ddp;
	d.rsvdulp = (uint8_t)(s->rv << RDMAP_SHIFT_RV | s->opcode);
	if ((n = ddp_encode(&d, buf, cap)) < 0)
		return RDMAP_ENC_NOSPACE;
	if (s->opcode == RDMAP_OP_TERMINATE) {
		t = rdmap_term_encode(&s->u.term, buf + n, cap - (size_t)n);
		return t < 0 ? t : n + t;
	}

	w = buf_wr_init(buf + n, cap - (size_t)n);
	switch (s->opcode) {
	case RDMAP_OP_READ_REQ:
		rdmap_put_read_req(&w, &s->u.read_req);
		break;
	case RDMAP_OP_IMM:
	case RDMAP_OP_IMM_SE:
		buf_put_bytes(&w, s->u.imm.raw, sizeof(s->u.imm.raw));
		break;
	case RDMAP_OP_ATOMIC_REQ:
		buf_put_be32(&w, aq->aopcode);	/* 28 reserved bits zero */
		buf_put_be32(&w, aq->req_id);
		buf_put_be32(&w, aq->stag);
		buf_put_be64(&w, aq->to);
		buf_put_be64(&w, aq->add_swap);
		buf_put_be64(&w, aq->add_swap_mask);
		buf_put_be64(&w, aq->cmp);
		buf_put_be64(&w, aq->cmp_mask);
		break;
	case RDMAP_OP_ATOMIC_RESP:
		buf_put_be32(&w, s->u.atomic_resp.req_id);
		buf_put_be64(&w, s->u.atomic_resp.orig);
		break;
	default:
		break;		/* Write, Read Response, Sends: no header */
	}
	if (!buf_wr_ok(&w))
		return RDMAP_ENC_NOSPACE;
	return n + (int)w.used;
}

/* ---- Stateless checks for the engine ----------------------------------- */

enum wire_err
rdmap_atomic_check_align(uint64_t addr)
{
	/* RFC 7306 §8.2: RDMAP layer MUST validate 64-bit alignment. */
	return (addr & 7u) == 0 ? WIRE_OK : WIRE_E_RDMAP_ATOMIC_ALIGN;
}

enum wire_err
rdmap_read_req_check_wrap(const struct rdmap_read_req *rr)
{
	/* RFC 5040 §7.2 4e; zero-length Reads are not validated (§5.2.1). */
	if (rr->size != 0 && rr->src_to > UINT64_MAX - rr->size)
		return WIRE_E_RDMAP_TO_WRAP;
	return WIRE_OK;
}
