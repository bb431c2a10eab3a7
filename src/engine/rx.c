/* rx.c — incoming segments: validation before placement, delivery. */
#include "config.h"

#include <string.h>

#include "engine/eng_int.h"

/* The segment being judged, for Terminates built from its header. */
struct rx_ctx {
	const uint8_t	*hdr;
	size_t		 hdr_len, seg_len;
};

size_t
eng_rx_hdr_len(uint8_t ddp_ctrl, uint8_t rdmap_ctrl, size_t seg_len)
{
	size_t n = rdmap_hdr_len(ddp_ctrl, rdmap_ctrl);

	if (n > seg_len)
		n = seg_len;
	return n > ENG_HDR_MAX ? ENG_HDR_MAX : n;
}

/* Fail the active receive with status, the Terminate triple in its CQE. */
static enum wire_err
rx_fail_recv(struct eng_qp *qp, const struct rx_ctx *c, enum wire_err err,
    uint16_t status)
{
	term_record(qp, err, c->hdr, c->hdr_len, c->seg_len);
	qp_recv_complete(qp, status, RDMAD_SHM_WC_RECV, 0, 0, 0, 0);
	return err;
}

/*
 * Send, Send with Invalidate/SE, Immediate Data (QN 0): RFC 5041 §7.1
 * untagged checks (MSN, a posted buffer, MO and length within it), RFC
 * 5040 §7.2 checks 4-5 for the Invalidate STag.  One message consumes one
 * receive; an Immediate Data message carries no payload (RFC 7306 §6.3).
 */
static enum wire_err
rx_send(struct eng_qp *qp, const struct rx_ctx *c, const struct rdmap_seg *s,
    struct eng_rx_place *pl)
{
	const struct rdmap_op_info *info = rdmap_op_info(s->opcode);
	uint32_t plen = (uint32_t)s->payload_len, total;
	enum wire_err err;
	uint16_t status;
	int n;

	if (s->ddp.msn != qp->rx_msn[RDMAP_QN_SEND])
		return WIRE_E_DDP_U_MSN_RANGE;
	if (!qp->rqe_active) {
		if (qp_rqe_take(qp, &status) == 0)
			return WIRE_E_DDP_U_NO_BUF;
		if (status != RDMAD_WC_SUCCESS)
			return rx_fail_recv(qp, c, WIRE_E_RDMAP_LOCAL_CATA,
			    status);
	}
	total = qp->rsgl.total;
	if (plen > 0 && s->ddp.mo > total)
		return rx_fail_recv(qp, c, WIRE_E_DDP_U_INV_MO,
		    RDMAD_WC_LOC_LEN_ERR);
	if (plen > total - s->ddp.mo)
		return rx_fail_recv(qp, c, WIRE_E_DDP_U_TOO_LONG,
		    RDMAD_WC_LOC_LEN_ERR);
	if (info->inv_stag && s->ddp.last &&
	    (err = stag_remote_inv(qp, s->ddp.inv_stag)) != WIRE_OK)
		return rx_fail_recv(qp, c, err, RDMAD_WC_LOC_PROT_ERR);
	n = eng_sgl_iov(&qp->rsgl, s->ddp.mo, plen, pl->iov,
	    ENG_SEG_IOV_MAX);
	if (n < 0)
		return rx_fail_recv(qp, c, WIRE_E_DDP_U_TOO_LONG,
		    RDMAD_WC_LOC_LEN_ERR);
	pl->iovcnt = n;
	if (plen > 0 && s->ddp.mo + plen > qp->rx_bytes)
		qp->rx_bytes = s->ddp.mo + plen;
	return WIRE_OK;
}

/* The oldest Read or atomic WR still waiting for its response. */
static struct eng_wr *
rx_resp_wr(struct eng_qp *qp, bool atomic)
{
	struct eng_wr *wr;
	bool is_atomic;

	TAILQ_FOREACH(wr, &qp->sq, entry) {
		if (wr->state != ENG_WR_WAIT || !wr->resp || wr->resp_seen)
			continue;
		is_atomic = wr->sqe.opcode != RDMAD_SHM_OP_READ;
		return is_atomic == atomic ? wr : NULL;
	}
	return NULL;
}

/*
 * RDMA Read Response (RFC 5040 §5.2.2): it must answer our oldest
 * outstanding Read (else "unexpected opcode"), target the sink STag that
 * Read named and stay inside [sink TO, sink TO + size) (the MAY-validate
 * of §5.2.2, done so a peer cannot write into other local memory), and
 * pass the tagged checks of RFC 5041 §7.1 against our own region.
 */
static enum wire_err
rx_read_resp(struct eng_qp *qp, const struct rdmap_seg *s,
    struct eng_rx_place *pl)
{
	struct eng_wr *wr = rx_resp_wr(qp, false);
	uint64_t plen = s->payload_len, sto, size;
	enum wire_err err;
	uint8_t *p;

	if (wr == NULL)
		return WIRE_E_RDMAP_OPCODE;
	size = wr->sgl.total;
	sto = wr->sqe.num_sge ? wr->sqe.sge[0].addr : 0;
	if (plen > 0) {
		if (s->ddp.stag != wr->sqe.sge[0].lkey)
			return WIRE_E_DDP_T_INV_STAG;
		if (s->ddp.to < sto || s->ddp.to - sto > size ||
		    plen > size - (s->ddp.to - sto))
			return WIRE_E_DDP_T_BOUNDS;
	}
	if ((err = stag_check_tagged(qp, s->ddp.stag, s->ddp.to, plen,
	    ENG_ACCESS_LOCAL_WRITE, false, &p)) != WIRE_OK)
		return err;
	if (plen > 0) {
		pl->iov[0].iov_base = p;
		pl->iov[0].iov_len = plen;
		pl->iovcnt = 1;
	}
	qp->rx_wr = wr;
	return WIRE_OK;
}

/* Atomic Response (RFC 7306 §5.2.2): QN 3, next MSN, our oldest atomic. */
static enum wire_err
rx_atomic_resp(struct eng_qp *qp, const struct rdmap_seg *s)
{
	struct eng_wr *wr;

	if (s->ddp.msn != qp->rx_msn[RDMAP_QN_ATOMIC_RESP])
		return WIRE_E_DDP_U_MSN_RANGE;
	if ((wr = rx_resp_wr(qp, true)) == NULL)
		return WIRE_E_DDP_U_NO_BUF;
	if (wr->req_id != s->u.atomic_resp.req_id)
		return WIRE_E_RDMAP_CATA_STREAM;
	qp->rx_wr = wr;
	return WIRE_OK;
}

enum wire_err
eng_qp_rx_hdr(struct eng_qp *qp, const uint8_t *hdr, size_t hdr_len,
    size_t seg_len, struct eng_rx_place *pl)
{
	struct rx_ctx c;
	struct rdmap_seg *s = &qp->cur;
	enum wire_err err;
	uint8_t *p;

	qp->owner->e->work++;
	memset(pl, 0, sizeof(*pl));
	if (hdr_len > seg_len)
		hdr_len = seg_len;
	pl->discard = seg_len - hdr_len;
	qp->cur_valid = false;
	qp->rx_wr = NULL;
	/* RFC 5041 §7.1: after an error every segment is dropped. */
	if (qp->rx_drop || (qp->state != ENG_QPS_RTS &&
	    qp->state != ENG_QPS_CLOSING))
		return WIRE_OK;
	qp->st.rx_segments++;
	c.hdr = hdr;
	c.hdr_len = hdr_len;
	c.seg_len = seg_len;
	err = rdmap_decode_hdr(hdr, hdr_len, seg_len, s);
	/* Contract: the header is exactly what eng_rx_hdr_len() said. */
	if (err == WIRE_OK && rdmap_op_info(s->opcode)->payload &&
	    s->hdr_len != hdr_len)
		err = WIRE_E_RDMAP_LOCAL_CATA;
	if (err == WIRE_OK) {
		switch (s->opcode) {
		case RDMAP_OP_WRITE:
			err = stag_check_tagged(qp, s->ddp.stag, s->ddp.to,
			    s->payload_len, ENG_ACCESS_REMOTE_WRITE, false,
			    &p);
			if (err == WIRE_OK && s->payload_len > 0) {
				pl->iov[0].iov_base = p;
				pl->iov[0].iov_len = s->payload_len;
				pl->iovcnt = 1;
			}
			break;
		case RDMAP_OP_READ_RESP:
			err = rx_read_resp(qp, s, pl);
			break;
		case RDMAP_OP_READ_REQ:
			err = rd_read_req(qp, s);
			break;
		case RDMAP_OP_ATOMIC_REQ:
			err = rd_atomic_req(qp, s);
			break;
		case RDMAP_OP_ATOMIC_RESP:
			err = rx_atomic_resp(qp, s);
			break;
		case RDMAP_OP_TERMINATE:
			break;		/* acted on when Delivered */
		default:
			err = rx_send(qp, &c, s, pl);
			break;
		}
	}
	if (err != WIRE_OK) {
		/* Nothing of a bad segment is placed (RFC 5041 §7.1). */
		pl->iovcnt = 0;
		term_fatal(qp, err, hdr, hdr_len, seg_len);
		eng_sweep(qp->owner);
		return err;
	}
	pl->discard = pl->iovcnt > 0 ? 0 : seg_len - hdr_len;
	s->payload = NULL;		/* it pointed into hdr */
	qp->st.rx_bytes += s->payload_len;
	qp->cur_valid = true;
	return WIRE_OK;
}

/* The Read or atomic WR qp->rx_wr got its response: complete it. */
static void
rx_resp_done(struct eng_qp *qp, const struct rdmap_seg *s)
{
	struct eng_wr *wr = qp->rx_wr;
	struct eng_sgl sink;
	uint64_t v;

	if (wr == NULL)
		return;
	if (s->opcode == RDMAP_OP_ATOMIC_RESP) {
		/*
		 * RFC 7306 §5.1: the original value, in host order.  The
		 * sink is resolved again: the region may have gone since
		 * the WR started, and the engine itself writes here.
		 */
		v = s->u.atomic_resp.orig;
		if (stag_sgl(qp, wr->sqe.sge, 1, ENG_ACCESS_LOCAL_WRITE,
		    &sink) == 0 && sink.n == 1)
			memcpy(sink.p[0], &v, sizeof(v));
		else
			wr->status = RDMAD_WC_LOC_PROT_ERR;
		qp->rx_msn[RDMAP_QN_ATOMIC_RESP]++;
	}
	wr->resp_seen = true;
	wr->state = ENG_WR_DONE;
	if (wr->status != RDMAD_WC_SUCCESS) {
		qp->rx_wr = NULL;
		term_fatal(qp, WIRE_E_RDMAP_LOCAL_CATA, NULL, 0, 0);
		return;
	}
	if (qp->ord_out > 0)
		qp->ord_out--;
	qp->rx_wr = NULL;
	qp_sq_complete(qp);
	qp_kick(qp);			/* ORD or a Fence may now allow more */
}

/* Deliver a received Send or Immediate Data (RFC 5040 §5.5 rule 16). */
static void
rx_recv_done(struct eng_qp *qp, const struct rdmap_seg *s)
{
	uint32_t flags = 0, inv = 0;
	uint16_t op = RDMAD_SHM_WC_RECV;

	switch (s->opcode) {
	case RDMAP_OP_SEND_SE_INV:
		flags |= RDMAD_SHM_WC_SOLICITED | RDMAD_SHM_WC_WITH_INV;
		inv = s->ddp.inv_stag;
		break;
	case RDMAP_OP_SEND_INV:
		flags |= RDMAD_SHM_WC_WITH_INV;
		inv = s->ddp.inv_stag;
		break;
	case RDMAP_OP_SEND_SE:
		flags |= RDMAD_SHM_WC_SOLICITED;
		break;
	case RDMAP_OP_IMM_SE:
		flags |= RDMAD_SHM_WC_SOLICITED | RDMAD_SHM_WC_WITH_IMM;
		op = RDMAD_SHM_WC_RECV_IMM;
		break;
	case RDMAP_OP_IMM:
		flags |= RDMAD_SHM_WC_WITH_IMM;
		op = RDMAD_SHM_WC_RECV_IMM;
		break;
	default:
		break;
	}
	qp->rx_msn[RDMAP_QN_SEND]++;
	qp_recv_complete(qp, RDMAD_WC_SUCCESS, op,
	    op == RDMAD_SHM_WC_RECV ? qp->rx_bytes : 0, flags, inv,
	    op == RDMAD_SHM_WC_RECV_IMM ? s->u.imm.data : 0);
}

void
eng_qp_rx_done(struct eng_qp *qp)
{
	struct rdmap_seg *s = &qp->cur;

	if (!qp->cur_valid) {
		eng_sweep(qp->owner);
		return;
	}
	qp->cur_valid = false;
	if (s->ddp.last)
		qp->st.ops_rx[s->opcode]++;
	switch (s->opcode) {
	case RDMAP_OP_WRITE:
		break;			/* placed; nothing is delivered */
	case RDMAP_OP_READ_RESP:
		if (s->ddp.last)
			rx_resp_done(qp, s);
		break;
	case RDMAP_OP_ATOMIC_RESP:
		rx_resp_done(qp, s);
		break;
	case RDMAP_OP_READ_REQ:
	case RDMAP_OP_ATOMIC_REQ:
		rd_deliver(qp);	/* Delivered: start the reply */
		break;
	case RDMAP_OP_TERMINATE:
		term_received(qp, &s->u.term);
		break;
	default:
		if (s->ddp.last)
			rx_recv_done(qp, s);
		break;
	}
	eng_sweep(qp->owner);
}
