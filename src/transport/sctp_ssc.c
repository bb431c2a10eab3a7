/* sctp_ssc.c — DDP Stream Session Control on SCTP streams (RFC 5043 §6). */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <event2/event.h>

#include "rdmad/rdmad.h"
#include "transport/sctp_int.h"
#include "wire/ssc.h"

/*
 * Sessions follow RFC 5043 §6.2-6.4: Initiate, then Accept or Reject;
 * data; Terminate from either side, answered by the other.  The
 * messages are the enhanced codes of RFC 6581 §7 (IRD/ORD word) with
 * our private data header (sctp.h) in front of the application's.
 */

/* An IRD/ORD for the 14-bit field: 0x3FFF for "none" or too big. */
uint16_t
sctp_io14(uint32_t v)
{
	return v >= TP_IRD_ORD_NONE ? (uint16_t)TP_IRD_ORD_NONE : (uint16_t)v;
}

/*
 * Queue one session control message on c (sent before any further
 * segment; its DDP-SSN is set when it goes out, sctp_tx.c).  A
 * Terminate asked for while another message waits follows it.
 */
int
sctp_ssc_queue(struct sctp_conn *c, uint16_t fn, uint8_t flags,
    const void *app_pd, size_t app_len)
{
	uint8_t pd[SCTP_PD_HDR_LEN + RDMAD_MAX_PRIVATE_DATA];
	struct ssc_ctl m;
	int n;

	if (c->ctl_len > 0) {
		if (fn != SSC_FN_TERMINATE) {
			errno = EBUSY;
			return -1;
		}
		c->term_after = true;
		return 0;
	}
	if (app_len > RDMAD_MAX_PRIVATE_DATA) {
		errno = EINVAL;
		return -1;
	}
	memset(&m, 0, sizeof(m));
	m.fn = fn;
	if (fn != SSC_FN_TERMINATE) {
		pd[0] = SCTP_PD_VERSION;
		pd[1] = flags;
		pd[2] = (uint8_t)(c->service >> 8);
		pd[3] = (uint8_t)c->service;
		if (app_len > 0)
			memcpy(pd + SCTP_PD_HDR_LEN, app_pd, app_len);
		m.ulp_pd = pd;
		m.ulp_pd_len = SCTP_PD_HDR_LEN + app_len;
		m.io.ird = sctp_io14(c->local.ird);
		m.io.ord = sctp_io14(c->local.ord);
	}
	n = ssc_ctl_encode(&m, c->ctl, sizeof(c->ctl));
	if (n < 0) {
		errno = EINVAL;
		return -1;
	}
	c->ctl_len = (size_t)n;
	c->ctl_fn = fn;
	sctp_tx_want(c);
	return 0;
}

/* The association is up: take a stream and send the Initiate. */
void
sctp_ssc_start(struct sctp_conn *c)
{
	if (sctp_asoc_alloc_sid(c->as, c) < 0) {
		sctp_conn_fail(c, TP_REFUSED, NULL, "no free SCTP stream");
		return;
	}
	c->state = SCTP_C_INIT_SENT;
	if (sctp_ssc_queue(c, SSC_FN_ENH_INITIATE, 0, c->pd,
	    c->pd_len) < 0)
		sctp_conn_fail(c, TP_PROTOCOL, NULL, "cannot encode the "
		    "Initiate");
}

/* Our header at the front of a received ULP private data; false when
 * it is missing or of another version. */
static bool
sctp_ssc_pd(const struct ssc_ctl *m, uint8_t *flags, uint16_t *service)
{
	if (m->ulp_pd_len < SCTP_PD_HDR_LEN ||
	    m->ulp_pd[0] != SCTP_PD_VERSION ||
	    m->ulp_pd_len - SCTP_PD_HDR_LEN > RDMAD_MAX_PRIVATE_DATA)
		return false;
	*flags = m->ulp_pd[1];
	*service = (uint16_t)(m->ulp_pd[2] << 8 | m->ulp_pd[3]);
	return true;
}

/* A listened-on service of that port? */
static bool
sctp_ssc_service(struct sctp_tp *tp, uint16_t port)
{
	struct sctp_service *s;

	TAILQ_FOREACH(s, &tp->services, entry)
		if (s->port == port)
			return true;
	return false;
}

/* An Initiate on a free stream the peer owns: a new session (§6.2). */
static void
sctp_ssc_initiate(struct sctp_asoc *as, uint16_t sid,
    const struct ssc_ctl *m)
{
	struct sctp_tp *tp = as->tp;
	struct tp_conn_req req;
	struct sctp_conn *c;
	uint8_t flags;
	uint16_t service;

	if ((c = sctp_conn_new(as, false)) == NULL)
		return;
	c->sid = sid;
	as->streams[sid] = c;
	c->rx_next = ssc_ssn_next(m->ssn);
	memcpy(&c->peer, &as->peer, as->peer_len);
	c->peer_len = as->peer_len;
	if (ssc_fn_is_enhanced(m->fn)) {
		c->peer_ird = m->io.ird;
		c->peer_ord = m->io.ord;
	}
	if (!sctp_ssc_pd(m, &flags, &service)) {
		sctp_clog(c, LOG_WARNING, "stream %u: Initiate without a "
		    "valid rdmad header", sid);
		sctp_conn_proto_err(c, WIRE_E_SSC_SHORT, "bad Initiate");
		return;
	}
	c->service = service;
	c->pd_len = m->ulp_pd_len - SCTP_PD_HDR_LEN;
	memcpy(c->pd, m->ulp_pd + SCTP_PD_HDR_LEN, c->pd_len);
	if (!sctp_ssc_service(tp, service)) {
		sctp_clog(c, LOG_INFO, "stream %u: no listener for service "
		    "%u: Reject", sid, service);
		c->local.ird = c->local.ord = TP_IRD_ORD_NONE;
		if (sctp_ssc_queue(c, SSC_FN_ENH_REJECT, SCTP_PD_F_NOSVC,
		    NULL, 0) < 0)
			sctp_conn_kill(c);
		else
			c->state = SCTP_C_REJECTING;
		return;
	}
	if (tp->pending >= tp->o.max_pending) {
		/* §6.4: beyond the limit of requests awaiting the ULP, a
		 * Terminate answers the Initiate. */
		sctp_clog(c, LOG_WARNING, "stream %u: too many pending "
		    "requests: Terminate", sid);
		c->state = SCTP_C_REJECTING;
		c->ctl_len = 0;
		if (sctp_ssc_queue(c, SSC_FN_TERMINATE, 0, NULL, 0) < 0)
			sctp_conn_kill(c);
		else {
			c->state = SCTP_C_TERM_WAIT;
			sctp_conn_timer(c, tp->o.timeout_ms);
		}
		return;
	}
	tp->pending++;
	c->state = SCTP_C_DECIDE;
	c->known = true;
	sctp_conn_timer(c, tp->o.timeout_ms);
	memset(&req, 0, sizeof(req));
	req.kind = TP_SCTP;
	memcpy(&req.peer, &c->peer, c->peer_len);
	req.peer_len = c->peer_len;
	req.params.service = service;
	req.params.ird = c->peer_ird;
	req.params.ord = c->peer_ord;
	req.params.priv = c->pd;
	req.params.priv_len = c->pd_len;
	tp->env.conn_request(tp->env.arg, SCTP_TPC(c), &req);
}

/* Accept or Reject for our Initiate (§6.2, §6.3). */
static void
sctp_ssc_reply(struct sctp_conn *c, const struct ssc_ctl *m)
{
	const struct tp_env *env = &c->as->tp->env;
	struct tp_conn_params peer;
	uint8_t flags;
	uint16_t service;
	bool reject = m->fn == SSC_FN_REJECT || m->fn == SSC_FN_ENH_REJECT;

	if (c->term_on_reply) {
		/* We gave up while the Initiate travelled (§6.6): a
		 * Reject ends the session, an Accept gets our Terminate. */
		c->term_on_reply = false;
		if (reject) {
			sctp_conn_kill(c);
			return;
		}
		c->state = SCTP_C_ACCEPTED;	/* not INIT_SENT: send it */
		sctp_conn_terminate(c);
		return;
	}
	if (!c->initiator || c->state != SCTP_C_INIT_SENT) {
		sctp_conn_proto_err(c, WIRE_E_SSC_FUNCTION, "unexpected "
		    "session control reply");
		return;
	}
	if (!sctp_ssc_pd(m, &flags, &service)) {
		sctp_conn_proto_err(c, WIRE_E_SSC_SHORT, "reply without a "
		    "valid rdmad header");
		return;
	}
	memset(&peer, 0, sizeof(peer));
	peer.service = service;
	peer.ird = ssc_fn_is_enhanced(m->fn) ? m->io.ird : TP_IRD_ORD_NONE;
	peer.ord = ssc_fn_is_enhanced(m->fn) ? m->io.ord : TP_IRD_ORD_NONE;
	peer.priv = m->ulp_pd + SCTP_PD_HDR_LEN;
	peer.priv_len = m->ulp_pd_len - SCTP_PD_HDR_LEN;
	c->peer_ird = peer.ird;
	c->peer_ord = peer.ord;
	sctp_conn_timer(c, 0);
	if (reject) {
		/* The session is over (§6.3): the stream is free again. */
		sctp_conn_fail(c, (flags & SCTP_PD_F_NOSVC) ? TP_REFUSED :
		    TP_REJECTED, &peer, (flags & SCTP_PD_F_NOSVC) ?
		    "no listener for the service at the peer daemon" :
		    "rejected by the peer application");
		return;
	}
	sctp_conn_bind_qp(c);
	c->state = SCTP_C_ACCEPTED;
	env->conn_result(env->arg, SCTP_TPC(c), TP_ACCEPTED, &peer, NULL);
}

/*
 * A session control chunk that is next in DDP-SSN order on stream sid
 * (c is its session, or NULL on a free stream).  The caller has moved
 * rx_next past it.
 */
void
sctp_ssc_rx(struct sctp_asoc *as, struct sctp_conn *c, uint16_t sid,
    const uint8_t *chunk, size_t len)
{
	struct ssc_ctl m;
	enum wire_err err;
	char host[64];

	err = ssc_ctl_decode(chunk, len, &m);
	if (c == NULL) {
		if (err != WIRE_OK || (m.fn != SSC_FN_INITIATE &&
		    m.fn != SSC_FN_ENH_INITIATE) || m.ssn != SSC_SSN_FIRST ||
		    sctp_asoc_owns(as, sid)) {
			sctp_log(as->tp, LOG_WARNING, "%s: stream %u: "
			    "session control chunk without a session "
			    "dropped", sctp_addr_str((struct sockaddr *)
			    &as->peer, host, sizeof(host)), sid);
			return;
		}
		sctp_ssc_initiate(as, sid, &m);
		return;
	}
	if (err != WIRE_OK) {
		sctp_conn_proto_err(c, err, "malformed session control");
		return;
	}
	switch (m.fn) {
	case SSC_FN_ACCEPT:
	case SSC_FN_ENH_ACCEPT:
	case SSC_FN_REJECT:
	case SSC_FN_ENH_REJECT:
		sctp_ssc_reply(c, &m);
		break;
	case SSC_FN_TERMINATE:
		sctp_conn_ended(c, true);
		break;
	default:
		sctp_conn_proto_err(c, WIRE_E_SSC_FUNCTION, "Initiate "
		    "inside a session");
		break;
	}
}
