/* rd.c — the responder: inbound Read/Atomic requests (IRD), replies. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine/eng_int.h"

/*
 * Common untagged checks of QN 1 (RFC 5041 §7.1 untagged checks 2 and 5):
 * the MSN must be the next one, and a "buffer" must exist: QN 1 holds as
 * many buffers as the IRD negotiated (RFC 5040 §5.2.2, RFC 7306 §5.2.2
 * rule 4), so a request beyond IRD finds none (1/2/0x02).
 */
static enum wire_err
rd_q1_check(struct eng_qp *qp, const struct rdmap_seg *s)
{
	if (s->ddp.msn != qp->rx_msn[RDMAP_QN_READ_REQ])
		return WIRE_E_DDP_U_MSN_RANGE;
	if (qp->rsp_count >= qp->ird)
		return WIRE_E_DDP_U_NO_BUF;
	return WIRE_OK;
}

/*
 * An RDMA Read Request arrived (RFC 5040 §5.2.1, §7.2 checks 4a-4e, done
 * only for a non-zero size).  The response is queued when the request is
 * Delivered (eng_qp_rx_done, rule 12).
 */
enum wire_err
rd_read_req(struct eng_qp *qp, const struct rdmap_seg *s)
{
	const struct rdmap_read_req *rr = &s->u.read_req;
	struct eng_rsp *rsp;
	enum wire_err err;
	uint8_t *src = NULL;

	if ((err = rd_q1_check(qp, s)) != WIRE_OK)
		return err;
	if (rr->size != 0 && (err = stag_check_tagged(qp, rr->src_stag,
	    rr->src_to, rr->size, ENG_ACCESS_REMOTE_READ, true, &src)) !=
	    WIRE_OK)
		return err;
	if ((rsp = calloc(1, sizeof(*rsp))) == NULL)
		return WIRE_E_RDMAP_LOCAL_CATA;
	rsp->src = src;
	rsp->sink_stag = rr->sink_stag;
	rsp->sink_to = rr->sink_to;
	/* A zero-length Read gets one zero-length Response (§5.2.1). */
	ddp_seg_iter_init(&rsp->it, rr->size,
	    ddp_seg_payload_max((uint32_t)qp->max_seg, DDP_TAGGED_HDR_LEN));
	qp->rx_rsp = rsp;
	return WIRE_OK;
}

/*
 * An Atomic Request arrived (RFC 7306 §5.2.1, §8.2): the target is 8
 * octets the peer may access atomically, 64-bit aligned, else "catastrophic
 * error, localized to RDMAP Stream" (0/2/0x07) and memory untouched.
 */
enum wire_err
rd_atomic_req(struct eng_qp *qp, const struct rdmap_seg *s)
{
	const struct rdmap_atomic_req *aq = &s->u.atomic_req;
	struct eng_rsp *rsp;
	enum wire_err err;
	uint8_t *p;

	if ((err = rd_q1_check(qp, s)) != WIRE_OK)
		return err;
	if ((err = stag_check_tagged(qp, aq->stag, aq->to, 8,
	    ENG_ACCESS_REMOTE_ATOMIC, true, &p)) != WIRE_OK)
		return err;
	/* The client's address (the TO) and ours must both be aligned. */
	if ((err = rdmap_atomic_check_align(aq->to)) != WIRE_OK ||
	    (err = rdmap_atomic_check_align((uint64_t)(uintptr_t)p)) !=
	    WIRE_OK)
		return err;
	if ((rsp = calloc(1, sizeof(*rsp))) == NULL)
		return WIRE_E_RDMAP_LOCAL_CATA;
	rsp->atomic = true;
	rsp->src = p;
	rsp->req_id = aq->req_id;
	rsp->add_swap = aq->add_swap;
	rsp->add_swap_mask = aq->add_swap_mask;
	rsp->cmp = aq->cmp;
	rsp->cmp_mask = aq->cmp_mask;
	rsp->cmpswap = aq->aopcode == RDMAP_AOP_CMPSWAP;
	qp->rx_rsp = rsp;
	return WIRE_OK;
}

/*
 * Masked FetchAdd, RFC 7306 §5.1.1 pseudocode: a set bit of the Add Mask
 * marks the most significant bit of a field; the carry out of it is
 * discarded.  Mask 0 is a plain 64-bit addition.
 */
uint64_t
rd_fetch_add(uint64_t orig, uint64_t add, uint64_t mask)
{
	uint64_t res = 0, b;
	unsigned int carry = 0, sum, bit;

	for (bit = 0; bit < 64; bit++) {
		b = (uint64_t)1 << bit;
		sum = carry + (unsigned int)(orig >> bit & 1) +
		    (unsigned int)(add >> bit & 1);
		carry = sum >> 1 & 1;
		if (sum & 1)
			res |= b;
		if (mask & b)
			carry = 0;
	}
	return res;
}

/*
 * Execute the delivered Atomic Request (RFC 7306 §5.4 rule 3) on the
 * client's memory with __atomic builtins: the event loop is single
 * threaded, but the client maps the same memory.  CmpSwap writes only
 * when the masked compare matches (§5.1.2).
 */
static void
rd_atomic_run(struct eng_rsp *rsp)
{
	uint64_t *p = (uint64_t *)(void *)rsp->src;
	uint64_t old, nv;

	old = __atomic_load_n(p, __ATOMIC_ACQUIRE);
	for (;;) {
		if (!rsp->cmpswap)
			nv = rd_fetch_add(old, rsp->add_swap,
			    rsp->add_swap_mask);
		else if (((rsp->cmp ^ old) & rsp->cmp_mask) == 0)
			nv = (old & ~rsp->add_swap_mask) |
			    (rsp->add_swap & rsp->add_swap_mask);
		else
			break;		/* no match: memory unchanged */
		if (__atomic_compare_exchange_n(p, &old, nv, false,
		    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			break;
	}
	rsp->orig = old;
}

/* The request validated by rd_*_req() was Delivered: queue its reply. */
void
rd_deliver(struct eng_qp *qp)
{
	struct eng_rsp *rsp = qp->rx_rsp;

	if (rsp == NULL)
		return;
	qp->rx_rsp = NULL;
	if (rsp->atomic)
		rd_atomic_run(rsp);
	/* Replies leave in request order (RFC 5040 §5.5 rule 20). */
	TAILQ_INSERT_TAIL(&qp->rsp, rsp, entry);
	qp->rsp_count++;
	qp->rx_msn[RDMAP_QN_READ_REQ]++;
	qp_kick(qp);
}

/* The next Read Response or Atomic Response segment, if any. */
bool
rd_pull(struct eng_qp *qp, struct eng_seg *seg)
{
	struct eng_rsp *rsp = TAILQ_FIRST(&qp->rsp);
	struct ddp_seg_step st;
	struct rdmap_seg s;
	bool done = true;
	int n;

	if (rsp == NULL)
		return false;
	if (rsp->atomic) {
		/* RFC 7306 §5.2.2: untagged, QN 3, its own MSN. */
		rdmap_seg_init(&s, RDMAP_OP_ATOMIC_RESP);
		s.ddp.msn = qp->tx_msn[RDMAP_QN_ATOMIC_RESP]++;
		s.u.atomic_resp.req_id = rsp->req_id;
		s.u.atomic_resp.orig = rsp->orig;
	} else {
		/* RFC 5040 §5.2.2: tagged to the Data Sink STag. */
		(void)ddp_seg_iter_next(&rsp->it, &st);
		rdmap_seg_init(&s, RDMAP_OP_READ_RESP);
		s.ddp.stag = rsp->sink_stag;
		s.ddp.to = rsp->sink_to + st.off;
		s.ddp.last = st.last;
		done = st.last;
		if (st.len > 0) {
			seg->iov[0].iov_base = rsp->src + st.off;
			seg->iov[0].iov_len = st.len;
			seg->iovcnt = 1;
		}
		seg->payload_len = st.len;
	}
	n = rdmap_encode(&s, seg->hdr, sizeof(seg->hdr));
	seg->hdr_len = n < 0 ? 0 : (size_t)n;
	seg->cookie = ++qp->tx_seq;
	qp->st.tx_segments++;
	qp->st.tx_bytes += seg->payload_len;
	if (done) {
		qp->st.ops_tx[s.opcode]++;
		TAILQ_REMOVE(&qp->rsp, rsp, entry);
		qp->rsp_count--;
		free(rsp);
	}
	return true;
}

/* Drop every pending reply (flush). */
void
rd_free(struct eng_qp *qp)
{
	struct eng_rsp *rsp;

	while ((rsp = TAILQ_FIRST(&qp->rsp)) != NULL) {
		TAILQ_REMOVE(&qp->rsp, rsp, entry);
		free(rsp);
	}
	qp->rsp_count = 0;
	free(qp->rx_rsp);
	qp->rx_rsp = NULL;
}
