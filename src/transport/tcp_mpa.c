/* tcp_mpa.c — MPA Startup Phase: Request/Reply, IRD/ORD, RTR. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event2/event.h>

#include "transport/tcp.h"
#include "wire/rdmap.h"
#include "wire/term.h"

/*
 * RTR (RFC 6581 §9.2) is handled here, in the transport, not by the
 * engine: the engine stays unaware of the peer-to-peer model.
 *  - Initiator: after the Reply, the first FPDU sent is the RTR, built by
 *    the transport (tcp_tx.c sends it before pulling any engine segment,
 *    RFC 6581 §5: "MUST NOT allow any later FULPDUs to be transmitted
 *    before the RTR indication").  Preference: zero-length RDMA Write
 *    (touches no queue at the responder), then zero-length Read, then
 *    zero-length Send.
 *  - Responder: the first FPDU must be one of the RTRs offered in the
 *    Reply; it is consumed here (a Read RTR is answered with a
 *    zero-length Read Response, sent before any engine segment).  Any
 *    other first FPDU is an RTR error: eng_qp_llp_error(WIRE_E_MPA_RTR),
 *    and the engine sends the Terminate 2/0/7.
 *  - A Send or Read RTR consumes MSN 1 of untagged queue 0 or 1 on the
 *    wire.  So that a standard peer sees MSN 1 for the RTR and 2 for the
 *    engine's first real message, the transport offsets the MSN of every
 *    untagged segment of that queue in that direction by one (+1 when the
 *    initiator sends, -1 when the responder receives).  The initiator
 *    consumes the first Read Response after a Read RTR.  Known limit: the
 *    DDP header a Terminate quotes is the engine's view (MSN unshifted).
 */

/* Clamp a locally given IRD/ORD to the 14-bit field (RFC 6581 §9). */
static uint16_t
tcp_io14(uint32_t v)
{
	return v >= TP_IRD_ORD_NONE ? (uint16_t)TP_IRD_ORD_NONE : (uint16_t)v;
}

/* Effective MULPDU for our send direction (RFC 5044 §4.5, §5.1). */
static size_t
tcp_mulpdu(struct tp_conn *c, bool markers)
{
	int mss = 0;
	socklen_t len = sizeof(mss);

	if (getsockopt(c->fd, IPPROTO_TCP, TCP_MAXSEG, &mss, &len) < 0 ||
	    mss <= 0)
		mss = 1460;	/* §5.1: fall back to a likely EMSS */
	return mpa_mulpdu((size_t)mss, markers);
}

/* Queue an encoded frame as the raw octets to send first. */
static int
tcp_mpa_queue(struct tp_conn *c, const struct mpa_frame *f)
{
	uint8_t *p;
	size_t room;
	int n;

	if ((p = tcp_raw_room(c, &room)) == NULL)
		return -1;
	n = mpa_frame_encode(f, p, room);
	if (n < 0)
		return -1;
	c->raw_len += (size_t)n;
	tcp_want_write(c);
	return 0;
}

/* RTR options as the mask of transport.h. */
static unsigned int
tcp_rtr_mask(const struct irdord *io)
{
	return (io->rtr_send ? TP_RTR_SEND : 0) |
	    (io->rtr_write ? TP_RTR_WRITE : 0) |
	    (io->rtr_read ? TP_RTR_READ : 0);
}

static void
tcp_rtr_set(struct irdord *io, unsigned int m)
{
	io->rtr_send = (m & TP_RTR_SEND) != 0;
	io->rtr_write = (m & TP_RTR_WRITE) != 0;
	io->rtr_read = (m & TP_RTR_READ) != 0;
}

/* Initiator: send the MPA Request (RFC 5044 §7.1.2 rule 1, RFC 6581 §6). */
int
tcp_mpa_send_req(struct tp_conn *c)
{
	const struct tp_mpa_opts *o = &c->tp->opts;
	struct mpa_frame *f = &c->req;

	memset(f, 0, sizeof(*f));
	f->type = MPA_FRAME_REQ;
	f->rev = (uint8_t)o->revision;
	f->markers = o->markers;
	f->crc = o->crc;
	/* RFC 6581 §10: the word only when enhanced features are wanted;
	 * with Rev 2 we always want the IRD/ORD negotiation of §9.1. */
	f->enhanced = o->revision == 2;
	if (f->enhanced) {
		f->io.ird = tcp_io14(c->local.ird);
		f->io.ord = tcp_io14(c->local.ord);
		f->io.p2p = o->p2p;
		if (o->p2p)
			tcp_rtr_set(&f->io, o->rtr);
	}
	f->ulp_pd = c->mypd;
	f->ulp_pd_len = (uint16_t)c->mypd_len;
	return tcp_mpa_queue(c, f);
}

/*
 * Fill c->info from the two frames (both ends, RFC 5044 §7.1.1 M, C)
 * and get the step buffers markers need; -1 when out of memory.
 */
static int
tcp_mpa_info(struct tp_conn *c, uint32_t ord, uint32_t ird)
{
	const struct mpa_frame *mine = c->initiator ? &c->req : &c->rep;
	const struct mpa_frame *theirs = c->initiator ? &c->rep : &c->req;

	memset(&c->info, 0, sizeof(c->info));
	c->info.revision = c->rep.rev;
	c->info.enhanced = c->rep.enhanced;
	/* C: "When this bit is '1' in either the MPA Request Frame or MPA
	 * Reply Frame, CRCs MUST be generated and checked by both". */
	c->info.crc = c->req.crc || c->rep.crc;
	/* M declares what the sender of the frame must receive. */
	c->info.markers_tx = theirs->markers;
	c->info.markers_rx = mine->markers;
	c->info.p2p = c->rep.enhanced && c->rep.io.p2p;
	c->info.ord = ord;
	c->info.ird = ird;
	c->max_seg = tcp_mulpdu(c, c->info.markers_tx);
	c->info.max_seg = c->max_seg;
	if ((c->info.markers_tx || c->info.markers_rx) &&
	    tcp_bufs_markers(c) == -1)
		return -1;
	c->info_ok = true;
	tcp_tx_start(c, c->info.markers_tx, c->info.crc);
	tcp_rx_start(c, c->info.markers_rx, c->info.crc);
	return 0;
}

/* Responder: a valid Request arrived; show it to the daemon. */
static void
tcp_mpa_request(struct tp_conn *c)
{
	const struct tp_env *env = &c->tp->env;
	struct tp_conn_req r;
	unsigned int offer;

	if (c->req.enhanced) {
		c->peer_ird = c->req.io.ird;
		c->peer_ord = c->req.io.ord;
		if (c->req.io.p2p) {
			/* §9.2: the requested options we support; if none,
			 * "at least one RTR indication type option it
			 * supports". */
			offer = tcp_rtr_mask(&c->req.io) & c->tp->opts.rtr;
			c->rtr_offer = offer != 0 ? offer : c->tp->opts.rtr;
		}
	} else {
		/* Revision 1 (or Rev 2 without the enhanced header): the
		 * peer states no IRD/ORD, so the request shows 0x3fff
		 * (TP_IRD_ORD_NONE), the RFC 6581 §9.1 "no automatic
		 * negotiation" value: not a real limit; the daemon keeps
		 * its own values and the engine's IRD then guards it. */
		c->peer_ird = c->peer_ord = TP_IRD_ORD_NONE;
	}
	c->state = TCP_S_DECIDE;
	tcp_want_read(c, false);
	memset(&r, 0, sizeof(r));
	r.kind = TP_TCP;
	memcpy(&r.peer, &c->peer, sizeof(r.peer));
	r.peer_len = c->peer_len;
	r.params.service = c->service;
	r.params.ird = c->peer_ird;
	r.params.ord = c->peer_ord;
	r.params.priv = c->peerpd_len > 0 ? c->peerpd : NULL;
	r.params.priv_len = c->peerpd_len;
	c->known = true;
	if (env->conn_request != NULL)
		env->conn_request(env->arg, c, &r);
}

/* Initiator: pick the RTR to send from the Reply's offer (§9.2). */
static unsigned int
tcp_rtr_pick(unsigned int m)
{
	if (m & TP_RTR_WRITE)
		return TP_RTR_WRITE;
	if (m & TP_RTR_READ)
		return TP_RTR_READ;
	if (m & TP_RTR_SEND)
		return TP_RTR_SEND;
	return 0;
}

/* Initiator: send a Terminate, then fail the set-up (RFC 6581 §9). */
static void
tcp_mpa_refuse(struct tp_conn *c, enum wire_err err,
    const struct tp_conn_params *peer, const char *why)
{
	(void)tcp_mpa_term(c, err);
	tcp_fail_peer(c, TP_PROTOCOL, peer, why);
}

/* Initiator: a valid Reply arrived (RFC 5044 §7.1.2 rule 3). */
static void
tcp_mpa_reply(struct tp_conn *c)
{
	const struct tp_env *env = &c->tp->env;
	const struct mpa_frame *f = &c->rep;
	struct tp_conn_params peer;
	uint32_t ord, ird;
	unsigned int rtr = 0;

	memset(&peer, 0, sizeof(peer));
	peer.service = c->service;
	peer.ird = f->enhanced ? f->io.ird : TP_IRD_ORD_NONE;
	peer.ord = f->enhanced ? f->io.ord : TP_IRD_ORD_NONE;
	peer.priv = c->peerpd_len > 0 ? c->peerpd : NULL;
	peer.priv_len = c->peerpd_len;
	tcp_timer(c, -1);
	tcp_want_read(c, false);

	if (f->reject) {
		/* Rule 3: exit MPA; we close TCP.  §9.1: the Responder's
		 * IRD/ORD go to the ULP with a Reject too. */
		tcp_log(c, LOG_INFO, "MPA Request rejected by the peer");
		c->state = TCP_S_DEAD;
		c->known = true;
		if (env->conn_result != NULL)
			env->conn_result(env->arg, c, TP_REJECTED, &peer,
			    "rejected by the peer");
		tcp_kill(c, false);
		return;
	}
	if (f->enhanced != c->req.enhanced) {
		/* RFC 6581 §10: an enhanced Request gets an enhanced Reply,
		 * an unenhanced one an unenhanced Reply. */
		tcp_fail_peer(c, TP_PROTOCOL, &peer, "MPA Reply enhancement "
		    "does not match the Request");
		return;
	}
	ord = tcp_io14(c->local.ord);
	ird = tcp_io14(c->local.ird);
	if (f->enhanced) {
		/* §9.1: ORD at most the Responder IRD, IRD at least the
		 * Responder ORD; 0x3FFF leaves the local value alone. */
		if (f->io.ird != TP_IRD_ORD_NONE && ord > f->io.ird)
			ord = f->io.ird;
	}
	if (tcp_mpa_info(c, ord, ird) == -1) {
		tcp_fail_peer(c, TP_REFUSED, &peer, "out of memory for the "
		    "marker buffers");
		return;
	}
	if (f->enhanced && f->io.ord != TP_IRD_ORD_NONE && f->io.ord > ird) {
		tcp_mpa_refuse(c, WIRE_E_MPA_IRD, &peer,
		    "insufficient IRD for the Responder ORD");
		return;
	}
	if (c->req.enhanced && c->req.io.p2p) {
		if (!f->io.p2p) {
			tcp_fail_peer(c, TP_PROTOCOL, &peer, "peer-to-peer "
			    "model asked, Reply has A = 0 (RFC 6581 §9.2)");
			return;
		}
		rtr = tcp_rtr_pick(tcp_rtr_mask(&f->io) & c->tp->opts.rtr);
		if (rtr == 0) {
			tcp_mpa_refuse(c, WIRE_E_MPA_RTR, &peer,
			    "no matching RTR option");
			return;
		}
	}
	c->info.rtr = rtr;
	c->state = TCP_S_ACCEPTED;
	c->known = true;
	if (env->conn_result != NULL)
		env->conn_result(env->arg, c, TP_ACCEPTED, &peer, NULL);
	if (!c->dead && c->state == TCP_S_ACCEPTED && c->qp == NULL)
		tcp_want_read(c, false);
}

/* Read and decode the frame this end waits for (rules 2, 3, 5, 9). */
void
tcp_mpa_read(struct tp_conn *c)
{
	struct mpa_frame f;
	struct mpa_res res;
	enum mpa_status st;
	ssize_t n;

	n = tcp_rx_fill_ra(c);
	if (n < 0) {
		tcp_fail(c, c->initiator ? TP_REFUSED : TP_UNREACHABLE,
		    strerror(errno));
		return;
	}
	st = mpa_frame_decode(c->ra + c->ra_off, c->ra_len - c->ra_off,
	    c->initiator ? MPA_FRAME_REP : MPA_FRAME_REQ, &f, &res);
	if (st == MPA_ST_FAIL) {
		/* RFC 5044 §8 code 4: "the TCP connection MUST be
		 * immediately closed"; no FPDU can carry a Terminate yet. */
		tcp_fail(c, TP_PROTOCOL, term_err_text(res.err));
		return;
	}
	if (st == MPA_ST_MORE) {
		if (c->rx_eof)
			tcp_fail(c, TP_REFUSED, "peer closed the connection "
			    "during MPA start-up");
		return;
	}
	/* Keep the private data: the decoded pointers are into ra. */
	if (tcp_pd_keep(&c->peerpd, &c->peerpd_len, f.ulp_pd,
	    f.ulp_pd_len) == -1) {
		tcp_fail(c, c->initiator ? TP_REFUSED : TP_UNREACHABLE,
		    "out of memory for the private data");
		return;
	}
	f.pd = f.ulp_pd = NULL;
	c->ra_off += res.used;
	if (c->initiator) {
		c->rep = f;
		tcp_mpa_reply(c);
	} else {
		c->req = f;
		tcp_mpa_request(c);
	}
}

/* Responder: accept with the QP, IRD/ORD per RFC 6581 §9.1. */
int
tcp_mpa_accept(struct tp_conn *c, struct eng_qp *qp,
    const struct tp_conn_params *p)
{
	const struct tp_mpa_opts *o = &c->tp->opts;
	struct mpa_frame *f = &c->rep;
	uint32_t ord = tcp_io14(p->ord), ird = tcp_io14(p->ird);
	size_t max = MPA_PRIV_DATA_MAX;
	uint8_t *raw;
	size_t room;
	int n;

	if (c->dead || c->state != TCP_S_DECIDE || qp == NULL) {
		errno = EINVAL;
		return -1;
	}
	memset(f, 0, sizeof(*f));
	f->type = MPA_FRAME_REP;
	f->rev = c->req.rev;
	f->markers = o->markers;
	f->crc = o->crc;
	f->enhanced = c->req.enhanced;
	if (f->enhanced) {
		max -= MPA_V2_IRD_ORD_LEN;
		/* Initiator ORD 0x3FFF: keep our IRD, answer 0x3FFF. */
		f->io.ird = c->peer_ord == TP_IRD_ORD_NONE ?
		    (uint16_t)TP_IRD_ORD_NONE : (uint16_t)ird;
		/* Our ORD at most the Initiator IRD (0x3FFF: unchanged). */
		if (c->peer_ird != TP_IRD_ORD_NONE && ord > c->peer_ird)
			ord = c->peer_ird;
		f->io.ord = c->peer_ird == TP_IRD_ORD_NONE ?
		    (uint16_t)TP_IRD_ORD_NONE : (uint16_t)ord;
		/* §9.2: A mirrors the Request; offer our options. */
		f->io.p2p = c->req.io.p2p;
		if (f->io.p2p)
			tcp_rtr_set(&f->io, c->rtr_offer);
	}
	if (p->priv_len > max || (p->priv_len > 0 && p->priv == NULL)) {
		errno = EINVAL;
		return -1;
	}
	if (tcp_pd_keep(&c->mypd, &c->mypd_len, p->priv, p->priv_len) ==
	    -1) {
		errno = ENOMEM;
		return -1;
	}
	f->ulp_pd = c->mypd;
	f->ulp_pd_len = (uint16_t)p->priv_len;
	if ((raw = tcp_raw_room(c, &room)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	n = mpa_frame_encode(f, raw, room);
	if (n < 0) {
		errno = EINVAL;
		return -1;
	}
	/* Bind the QP before the Reply goes out: if the engine refuses,
	 * nothing was sent and the daemon may still reject or abort. */
	if (tcp_mpa_info(c, ord, ird) == -1) {
		errno = ENOMEM;
		return -1;
	}
	c->qp = qp;
	if (eng_qp_connect(qp, &tcp_llp_ops, c, ord, ird, c->max_seg) < 0) {
		c->qp = NULL;
		c->info_ok = false;
		errno = EPROTO;
		return -1;
	}
	c->raw_len += (size_t)n;
	tcp_want_write(c);
	tcp_timer(c, -1);
	c->rtr_expect = c->info.p2p;
	c->state = TCP_S_FULL;
	tcp_pd_free(c);		/* the Reply is encoded in raw */
	tcp_want_read(c, true);
	if (c->ra_len > c->ra_off)	/* octets that came with the Request */
		event_active(c->ev_read, EV_READ, 0);
	return 0;
}

/* Responder: reject with private data (R = 1; rule 2), then close. */
int
tcp_mpa_reject(struct tp_conn *c, const void *priv, size_t len)
{
	struct mpa_frame *f = &c->rep;
	size_t max = MPA_PRIV_DATA_MAX;

	if (c->dead || c->state != TCP_S_DECIDE ||
	    (len > 0 && priv == NULL)) {
		errno = EINVAL;
		return -1;
	}
	memset(f, 0, sizeof(*f));
	f->type = MPA_FRAME_REP;
	f->rev = c->req.rev;
	f->reject = true;
	f->markers = c->tp->opts.markers;
	f->crc = c->tp->opts.crc;
	f->enhanced = c->req.enhanced;
	if (f->enhanced) {
		max -= MPA_V2_IRD_ORD_LEN;
		f->io.ird = f->io.ord = TP_IRD_ORD_NONE;
		f->io.p2p = c->req.io.p2p;
		if (f->io.p2p)
			tcp_rtr_set(&f->io, c->rtr_offer);
	}
	if (len > max) {
		errno = EINVAL;
		return -1;
	}
	if (tcp_pd_keep(&c->mypd, &c->mypd_len, priv, len) == -1) {
		errno = ENOMEM;
		return -1;
	}
	f->ulp_pd = c->mypd;
	f->ulp_pd_len = (uint16_t)len;
	if (tcp_mpa_queue(c, f) < 0) {
		errno = EINVAL;
		return -1;
	}
	c->state = TCP_S_REJECTED;
	c->close_after_raw = true;
	c->by_daemon = true;
	tcp_timer(c, c->tp->opts.timeout_ms);
	tcp_want_read(c, true);
	return 0;
}

/* Initiator: the daemon binds the QP; Full Operation starts (rule 3). */
int
tcp_mpa_attach(struct tp_conn *c, struct eng_qp *qp)
{
	if (c->dead || c->state != TCP_S_ACCEPTED || qp == NULL) {
		errno = EINVAL;
		return -1;
	}
	c->qp = qp;
	c->state = TCP_S_FULL;
	tcp_pd_free(c);
	c->rtr_send = c->info.rtr != 0;
	if (eng_qp_connect(qp, &tcp_llp_ops, c, c->info.ord, c->info.ird,
	    c->max_seg) < 0) {
		/* RFC 6581 §9.3: Terminate 2/0/5; the daemon aborts c. */
		c->qp = NULL;
		c->state = TCP_S_DEAD;
		tcp_want_read(c, false);
		(void)tcp_mpa_term(c, WIRE_E_MPA_LOCAL_CATA);
		errno = EPROTO;
		return -1;
	}
	tcp_want_read(c, true);
	tcp_want_write(c);
	if (c->ra_len > c->ra_off)
		event_active(c->ev_read, EV_READ, 0);
	return 0;
}

/*
 * Send a Terminate built by the transport (RFC 6581 §8, §9: before the
 * engine is attached) as an FPDU, best effort, and close after it.
 */
int
tcp_mpa_term(struct tp_conn *c, enum wire_err err)
{
	struct rdmap_seg s;
	uint8_t hdr[RDMAP_HDR_MAX_LEN];
	ssize_t n;
	int len;

	if (rdmap_seg_init(&s, RDMAP_OP_TERMINATE) < 0 ||
	    term_triple_of(err, &s.u.term.triple) < 0)
		return -1;
	s.ddp.msn = DDP_MSN_INITIAL;
	if ((len = rdmap_encode(&s, hdr, sizeof(hdr))) < 0 ||
	    tcp_tx_raw_fpdu(c, hdr, (size_t)len) < 0)
		return -1;
	c->close_after_raw = true;
	while (c->raw_off < c->raw_len) {	/* bounded by raw_len */
		n = send(c->fd, c->raw + c->raw_off, c->raw_len - c->raw_off,
		    MSG_NOSIGNAL);
		if (n <= 0)
			break;
		c->raw_off += (size_t)n;
	}
	return 0;
}

/* Build one RTR-related segment (RFC 6581 §9.2) and queue it raw. */
static int
tcp_rtr_queue(struct tp_conn *c, unsigned int op)
{
	struct rdmap_seg s;
	uint8_t hdr[RDMAP_HDR_MAX_LEN];
	int len;

	if (rdmap_seg_init(&s, op) < 0)
		return -1;
	s.ddp.msn = DDP_MSN_INITIAL;
	if (op == RDMAP_OP_READ_RESP) {
		s.ddp.stag = c->rtr_sink_stag;
		s.ddp.to = c->rtr_sink_to;
	}
	if ((len = rdmap_encode(&s, hdr, sizeof(hdr))) < 0)
		return -1;
	return tcp_tx_raw_fpdu(c, hdr, (size_t)len);
}

/*
 * Send-side RTR duties, called by tcp_tx.c before any engine segment:
 * the Initiator's RTR, the Responder's answer to a Read RTR.
 */
int
tcp_mpa_rtr_tx(struct tp_conn *c)
{
	if (c->rtr_send) {
		c->rtr_send = false;
		switch (c->info.rtr) {
		case TP_RTR_WRITE:
			return tcp_rtr_queue(c, RDMAP_OP_WRITE);
		case TP_RTR_READ:
			c->rtr_resp_wait = true;
			c->msn_shift_qn = RDMAP_QN_READ_REQ;
			return tcp_rtr_queue(c, RDMAP_OP_READ_REQ);
		default:
			c->msn_shift_qn = RDMAP_QN_SEND;
			return tcp_rtr_queue(c, RDMAP_OP_SEND);
		}
	}
	if (c->rtr_resp_send) {
		c->rtr_resp_send = false;
		return tcp_rtr_queue(c, RDMAP_OP_READ_RESP);
	}
	return 0;
}

/*
 * A whole, CRC-checked segment that the transport may own: the
 * Responder's first FPDU (the RTR), or the Initiator's Read RTR
 * response.  Returns 1 when consumed, 0 when it is the engine's, -1 on
 * an RTR error (RFC 6581 §9.2, Terminate 2/0/7).
 */
int
tcp_mpa_rtr_rx(struct tp_conn *c, const uint8_t *seg, size_t len)
{
	struct rdmap_seg s;
	bool ok = false;

	if (!c->rtr_expect && !c->rtr_resp_wait)
		return 0;
	if (rdmap_decode(seg, len, &s) != WIRE_OK)
		return c->rtr_expect ? -1 : 0;
	if (c->rtr_resp_wait) {
		if (s.opcode != RDMAP_OP_READ_RESP)
			return 0;
		c->rtr_resp_wait = false;
		return s.payload_len == 0 ? 1 : -1;
	}
	c->rtr_expect = false;
	if (s.opcode == RDMAP_OP_TERMINATE)
		return 0;	/* the peer gave up (2/0/7...): the engine's */
	if (s.payload_len != 0)
		return -1;
	switch (s.opcode) {
	case RDMAP_OP_WRITE:
		ok = (c->rtr_offer & TP_RTR_WRITE) != 0;
		c->info.rtr = TP_RTR_WRITE;
		break;
	case RDMAP_OP_READ_REQ:
		ok = (c->rtr_offer & TP_RTR_READ) != 0 &&
		    s.ddp.msn == DDP_MSN_INITIAL && s.u.read_req.size == 0;
		c->info.rtr = TP_RTR_READ;
		c->rtr_sink_stag = s.u.read_req.sink_stag;
		c->rtr_sink_to = s.u.read_req.sink_to;
		c->rtr_resp_send = ok;
		c->msn_shift_qn = RDMAP_QN_READ_REQ;
		break;
	case RDMAP_OP_SEND:
	case RDMAP_OP_SEND_SE:
		ok = (c->rtr_offer & TP_RTR_SEND) != 0 &&
		    s.ddp.msn == DDP_MSN_INITIAL && s.ddp.mo == 0;
		c->info.rtr = TP_RTR_SEND;
		c->msn_shift_qn = RDMAP_QN_SEND;
		break;
	default:
		break;
	}
	if (!ok) {
		c->info.rtr = 0;
		c->msn_shift_qn = UINT32_MAX;
		return -1;
	}
	tcp_log(c, LOG_DEBUG, "RTR received (%s)", rdmap_op_info(s.opcode) ?
	    rdmap_op_info(s.opcode)->name : "?");
	return 1;
}
