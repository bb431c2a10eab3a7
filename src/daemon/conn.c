/* conn.c — listeners and incoming connection requests, both transports. */
#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "daemon/conn.h"
#include "daemon/session.h"
#include "engine/engine.h"
#include "transport/transport.h"
#include "wire/ctlverbs.h"

/*
 * Passive side (the active one is conn_out.c): an application's LISTEN
 * on port P makes the daemon listen on TCP port P and/or SCTP service P
 * (RFC 5043: the service travels in the session's private data, the
 * association uses sctp.port), as the LISTEN's transport says, or
 * rdmad.conf "transport" when it leaves the choice ("auto": both, SCTP
 * only when the kernel has it).  A peer's request becomes a pending
 * request (bounded by max_pending and the listener's backlog) pushed as
 * CONN_REQUEST; ACCEPT -> ops->accept() -> RTS -> CONN_REPLY, or
 * REJECT.  A tp_conn's cookie is its QP object; pending requests have
 * none and are found by their tp_conn.  Every call on a tp_conn goes to
 * the ops of the transport that owns it (conn_ops_of()).
 */

/* One application listener: its object and the addresses it holds. */
struct conn_lst {
	TAILQ_ENTRY(conn_lst)	 entry;
	struct sess_obj		*obj;
	struct sockaddr_storage	 sa[CFG_MAX_LISTEN];	/* TCP */
	socklen_t		 salen[CFG_MAX_LISTEN];
	size_t			 nsa;
	bool			 sctp;		/* SCTP service listened on */
	struct sockaddr_storage	 ssa;		/* ... given as this */
	socklen_t		 ssalen;
};

/* A connection request waiting for ACCEPT or REJECT. */
struct conn_req {
	TAILQ_ENTRY(conn_req)	 entry;
	uint32_t		 id;
	struct tp_conn		*c;
	struct conn_lst		*lst;
	uid_t			 uid;		/* listener's uid */
	uint32_t		 ird, ord;	/* the peer's */
	char			 peer[CTLV_PEER_LEN];
};

static TAILQ_HEAD(, conn_lst)	 conn_lsts =
    TAILQ_HEAD_INITIALIZER(conn_lsts);
static TAILQ_HEAD(, conn_req)	 conn_reqs =
    TAILQ_HEAD_INITIALIZER(conn_reqs);
static unsigned int		 conn_nreqs;

/* Create the transports with the "mpa" and "sctp" settings. */
int
conn_init(char **cause)
{
	return conn_tp_init(cause);
}

/* Are streams still closing gracefully (shutdown waits for them)? */
bool
conn_closing(void)
{
	return conn_tp_closing();
}

/* Listeners listening on a transport kind (rdmactl status). */
unsigned int
conn_nlisteners(enum tp_kind kind)
{
	const struct conn_lst *l;
	unsigned int n = 0;

	TAILQ_FOREACH(l, &conn_lsts, entry)
		if (kind == TP_SCTP ? l->sctp : l->nsa > 0)
			n++;
	return n;
}

/* Connection requests waiting for their application's answer. */
unsigned int
conn_npending(void)
{
	return conn_nreqs;
}

/* Destroy the transports. */
void
conn_shutdown(void)
{
	conn_tp_shutdown();
}

/* Drop a pending request (the tp_conn is already gone or handed on). */
static void
conn_req_free(struct conn_req *rq)
{
	TAILQ_REMOVE(&conn_reqs, rq, entry);
	conn_nreqs--;
	rq->lst->obj->u.lst.pending--;
	free(rq);
}

/* Transport callback: a stream the daemon knows of ended. */
void
conn_closed_cb(void *arg, struct tp_conn *c)
{
	struct sess_obj *qp = tp_conn_cookie(c);
	struct conn_req *rq;

	if (qp == NULL) {
		TAILQ_FOREACH(rq, &conn_reqs, entry)
			if (rq->c == c) {
				log_info("tp", "request %u from %s went away",
				    rq->id, rq->peer);
				conn_req_free(rq);
				return;
			}
		return;
	}
	qp->u.qp.conn = NULL;
	conn_reply(qp, ECONNRESET, "the peer closed the stream", NULL);
	qp->u.qp.conn_state = SESS_QPC_DOWN;
}

/* The listener of `port`, if any client listens there. */
static struct conn_lst *
conn_lst_find(uint16_t port)
{
	struct conn_lst *l;

	TAILQ_FOREACH(l, &conn_lsts, entry)
		if (l->obj->u.lst.port == port)
			return l;
	return NULL;
}

/* Transport callback: a peer asks for a listening application. */
void
conn_request_cb(void *arg, struct tp_conn *c, const struct tp_conn_req *req)
{
	uint8_t buf[CTL_HDR_LEN + CTLV_CONN_REQUEST_LEN];
	struct ctlv_conn_request m;
	struct conn_lst *l;
	struct conn_req *rq;
	char peer[CTLV_PEER_LEN];

	conn_peer_str((const struct sockaddr *)&req->peer, req->peer_len,
	    peer, sizeof(peer));
	tp_conn_set_cookie(c, NULL);
	if ((l = conn_lst_find(req->params.service)) == NULL ||
	    conn_nreqs >= rdmad.conf->limits.max_pending ||
	    l->obj->u.lst.pending >= l->obj->u.lst.backlog ||
	    req->params.priv_len > CTLV_PRIV_MAX) {
		log_info("tp", "request from %s for port %u: %s", peer,
		    req->params.service, l == NULL ? "no listener" :
		    "too many pending requests");
		conn_ops_of(c)->reject(c, NULL, 0);
		return;
	}
	rq = xcalloc(1, sizeof(*rq));
	rq->id = sess_new_id();
	rq->c = c;
	rq->lst = l;
	rq->uid = l->obj->sess->uid;
	rq->ird = req->params.ird;
	rq->ord = req->params.ord;
	snprintf(rq->peer, sizeof(rq->peer), "%s", peer);
	TAILQ_INSERT_TAIL(&conn_reqs, rq, entry);
	conn_nreqs++;
	l->obj->u.lst.pending++;

	memset(&m, 0, sizeof(m));
	m.listener = l->obj->id;
	m.request = rq->id;
	m.ird = req->params.ird;
	m.ord = req->params.ord;
	m.transport = req->kind == TP_SCTP ? CTLV_TRANSPORT_SCTP :
	    CTLV_TRANSPORT_TCP;
	snprintf(m.peer, sizeof(m.peer), "%s", peer);
	m.priv.len = (uint32_t)req->params.priv_len;
	if (req->params.priv_len > 0)
		memcpy(m.priv.data, req->params.priv, req->params.priv_len);
	log_info("tp", "request %u from %s for port %u over %s", rq->id,
	    peer, req->params.service, conn_tp_label(req->kind));
	if (sess_send(l->obj->sess, buf, ctlv_conn_request_encode(0, &m, buf,
	    sizeof(buf)), -1) == -1) {
		conn_req_free(rq);
		conn_ops_of(c)->reject(c, NULL, 0);
	}
}

/* Fill one listener address from an IP literal; false if it is none. */
static bool
conn_sa_fill(struct sockaddr_storage *ss, socklen_t *len, const char *a,
    uint16_t port)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, a, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof(*s4);
		return true;
	}
	if (inet_pton(AF_INET6, a, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*len = sizeof(*s6);
		return true;
	}
	return false;
}

/*
 * The addresses a listener on `port` binds: the configured ones, or
 * both wildcards (the transport sets IPV6_V6ONLY).
 */
static size_t
conn_lst_addrs(struct conn_lst *l, uint16_t port)
{
	const struct rdmad_config *conf = rdmad.conf;
	size_t i, n = 0;

	if (conf->nlisten == 0) {
		conn_sa_fill(&l->sa[n], &l->salen[n], "0.0.0.0", port);
		n++;
		conn_sa_fill(&l->sa[n], &l->salen[n], "::", port);
		return n + 1;
	}
	for (i = 0; i < conf->nlisten; i++)
		if (conn_sa_fill(&l->sa[n], &l->salen[n], conf->listen[i],
		    port))
			n++;
	return n;
}

/* Stop a listener: unlisten, reject its pending requests, free it. */
static void
conn_lst_close(struct conn_lst *l)
{
	struct conn_req *rq, *next;
	size_t i;

	for (i = 0; i < l->nsa; i++)
		tp_tcp_ops.unlisten(conn_tp_of(TP_TCP), (struct sockaddr *)
		    &l->sa[i], l->salen[i]);
	if (l->sctp)
		tp_sctp_ops.unlisten(conn_tp_of(TP_SCTP), (struct sockaddr *)
		    &l->ssa, l->ssalen);
	for (rq = TAILQ_FIRST(&conn_reqs); rq != NULL; rq = next) {
		next = TAILQ_NEXT(rq, entry);
		if (rq->lst == l) {
			struct tp_conn *c = rq->c;

			conn_req_free(rq);
			conn_ops_of(c)->reject(c, NULL, 0);
		}
	}
	TAILQ_REMOVE(&conn_lsts, l, entry);
	sess_obj_free(l->obj);
	free(l);
}

/* Listen on TCP port `port` on every address of l; 0 or -1 + cause. */
static int
conn_lst_tcp(struct conn_lst *l, uint16_t port, char *cause, size_t len)
{
	struct tp *tp = conn_tp_of(TP_TCP);
	size_t i, n;

	n = conn_lst_addrs(l, port);
	for (i = 0; i < n; i++) {
		if (tp_tcp_ops.listen(tp, (struct sockaddr *)&l->sa[i],
		    l->salen[i], cause, len) == 0)
			continue;
		/* A host without IPv6 still listens on the IPv4 wildcard. */
		if (rdmad.conf->nlisten == 0 && i == 1) {
			log_info("tp", "port %u: no IPv6 wildcard: %s", port,
			    cause);
			n = 1;
			break;
		}
		while (i-- > 0)
			tp_tcp_ops.unlisten(tp, (struct sockaddr *)&l->sa[i],
			    l->salen[i]);
		return -1;
	}
	l->nsa = n;
	return 0;
}

/*
 * Listen on SCTP service `port`.  The transport keys services by port
 * and opens one socket on sctp.port, bound to sctp.addresses (or to the
 * address given first: sctp.addresses[0], listen[0], or 0.0.0.0).
 */
static int
conn_lst_sctp(struct conn_lst *l, uint16_t port, char *cause, size_t len)
{
	const struct rdmad_config *conf = rdmad.conf;
	const char *a = conf->sctp.naddresses > 0 ? conf->sctp.addresses[0] :
	    conf->nlisten > 0 ? conf->listen[0] : "0.0.0.0";

	if (!conn_sa_fill(&l->ssa, &l->ssalen, a, port) ||
	    tp_sctp_ops.listen(conn_tp_of(TP_SCTP), (struct sockaddr *)&l->ssa,
	    l->ssalen, cause, len) != 0)
		return -1;
	l->sctp = true;
	return 0;
}

/*
 * LISTEN: one client per port; TCP and/or SCTP as the LISTEN's
 * transport says (AUTO: rdmad.conf "transport"; "auto" there: both, SCTP
 * only where the kernel has it and its socket opens).
 */
static int
conn_listen(struct sess *s, uint32_t reqid, const struct ctlv_listen *m)
{
	char cause[160] = "";
	struct conn_lst *l;
	const char *nosctp;
	uint32_t want;

	if (m->port == 0)
		return sess_result(s, reqid, EINVAL, "port 0");
	if (m->transport > CTLV_TRANSPORT_TCP)
		return sess_result(s, reqid, EINVAL, "transport %u",
		    m->transport);
	if (conn_lst_find(m->port) != NULL)
		return sess_result(s, reqid, EADDRINUSE, "port %u has a "
		    "listener", m->port);
	want = m->transport != CTLV_TRANSPORT_AUTO ? m->transport :
	    (uint32_t)rdmad.conf->transport;
	if (want == CTLV_TRANSPORT_SCTP && !conn_tp_sctp(&nosctp))
		return sess_result(s, reqid, EPROTONOSUPPORT, "%s", nosctp);
	l = xcalloc(1, sizeof(*l));
	if (want != CTLV_TRANSPORT_SCTP &&
	    conn_lst_tcp(l, m->port, cause, sizeof(cause)) != 0) {
		free(l);
		return sess_result(s, reqid, EADDRINUSE, "port %u: %s",
		    m->port, cause);
	}
	if (want != CTLV_TRANSPORT_TCP && conn_tp_sctp(NULL) &&
	    conn_lst_sctp(l, m->port, cause, sizeof(cause)) != 0) {
		if (want == CTLV_TRANSPORT_SCTP) {
			free(l);
			return sess_result(s, reqid, EADDRINUSE, "SCTP "
			    "service %u: %s", m->port, cause);
		}
		log_warnx("tp", "port %u: TCP/MPA only, no SCTP: %s",
		    m->port, cause);
	}
	l->obj = sess_obj_new(s, SESS_LISTENER, sess_new_id());
	l->obj->u.lst.port = m->port;
	l->obj->u.lst.backlog = m->backlog ? m->backlog : 1;
	TAILQ_INSERT_TAIL(&conn_lsts, l, entry);
	log_info("tp", "client %u: listening on port %u (%s%s%s)", s->id,
	    m->port, l->nsa > 0 ? "TCP/MPA" : "", l->nsa > 0 && l->sctp ?
	    " and " : "", l->sctp ? "SCTP" : "");
	return verbs_obj_reply(s, reqid, l->obj->id, 0);
}

/* The pending request `id`, if the client may answer it. */
static struct conn_req *
conn_req_find(struct sess *s, uint32_t id)
{
	struct conn_req *rq;

	/* Any connection of the listener's user (ctlverbs.h). */
	TAILQ_FOREACH(rq, &conn_reqs, entry)
		if (rq->id == id && rq->uid == s->uid)
			return rq;
	return NULL;
}

/* ACCEPT: hand the request's stream to an idle QP of this client. */
static int
conn_accept(struct sess *s, uint32_t reqid, const struct ctlv_accept *m)
{
	struct tp_conn_params p;
	struct conn_req *rq;
	struct sess_obj *qp;
	struct tp_conn *c;

	if ((rq = conn_req_find(s, m->request)) == NULL)
		return sess_result(s, reqid, ENOENT, "no request %u",
		    m->request);
	if ((qp = sess_obj_find(s, SESS_QP, m->qp)) == NULL)
		return sess_result(s, reqid, ENOENT, "no QP %u", m->qp);
	if (qp->u.qp.conn_state != SESS_QPC_IDLE)
		return sess_result(s, reqid, EISCONN, "QP %u was connected "
		    "before", m->qp);
	memset(&p, 0, sizeof(p));
	p.service = rq->lst->obj->u.lst.port;
	p.ord = qp->u.qp.ord;
	p.ird = qp->u.qp.ird;
	p.priv = m->priv.data;
	p.priv_len = m->priv.len;
	c = rq->c;
	snprintf(qp->u.qp.peer, sizeof(qp->u.qp.peer), "%s", rq->peer);
	conn_req_free(rq);
	tp_conn_set_cookie(c, qp);
	qp->u.qp.conn = c;
	qp->u.qp.conn_state = SESS_QPC_ACCEPTING;
	qp->u.qp.transport = tp_conn_kind(c) == TP_SCTP ?
	    CTLV_TRANSPORT_SCTP : CTLV_TRANSPORT_TCP;
	snprintf(qp->u.qp.why, sizeof(qp->u.qp.why), "incoming over %s",
	    conn_tp_label(tp_conn_kind(c)));
	qp->u.qp.reply_reqid = reqid;
	if (conn_ops_of(c)->accept(c, qp->u.qp.qp, &p) != 0) {
		qp->u.qp.reply_reqid = 0;
		qp->u.qp.conn = NULL;
		qp->u.qp.conn_state = SESS_QPC_IDLE;
		conn_ops_of(c)->abort(c);
		return sess_result(s, reqid, EPROTO, "the transport refused "
		    "the accept");
	}
	if (qp->u.qp.conn != NULL && eng_qp_state(qp->u.qp.qp) ==
	    ENG_QPS_RTS)
		conn_up(qp);
	return 0;
}

/* REJECT: answer the request with private data, then forget it. */
static int
conn_reject(struct sess *s, uint32_t reqid, const struct ctlv_reject *m)
{
	struct conn_req *rq;
	struct tp_conn *c;

	if ((rq = conn_req_find(s, m->request)) == NULL)
		return sess_result(s, reqid, ENOENT, "no request %u",
		    m->request);
	c = rq->c;
	conn_req_free(rq);
	if (conn_ops_of(c)->reject(c, m->priv.data, m->priv.len) != 0)
		return sess_result(s, reqid, EPROTO, "the transport refused "
		    "the reject");
	return sess_result(s, reqid, 0, "%s", "");
}

/* LISTEN_CLOSE. */
static int
conn_listen_close(struct sess *s, uint32_t reqid, uint32_t id)
{
	struct conn_lst *l;

	TAILQ_FOREACH(l, &conn_lsts, entry)
		if (l->obj->id == id && l->obj->sess == s) {
			conn_lst_close(l);
			return sess_result(s, reqid, 0, "%s", "");
		}
	return sess_result(s, reqid, ENOENT, "no listener %u", id);
}

/* The connection requests of a session (decoded by verbs_dispatch). */
int
conn_dispatch(struct sess *s, const struct ctl_hdr *hdr,
    const union ctlv_any *m)
{
	switch (hdr->type) {
	case CTL_MSG_QP_CONNECT:
		return conn_connect(s, hdr->reqid, &m->qp_connect);
	case CTL_MSG_LISTEN:
		return conn_listen(s, hdr->reqid, &m->listen);
	case CTL_MSG_LISTEN_CLOSE:
		return conn_listen_close(s, hdr->reqid, m->id.id);
	case CTL_MSG_ACCEPT:
		return conn_accept(s, hdr->reqid, &m->accept);
	case CTL_MSG_REJECT:
		return conn_reject(s, hdr->reqid, &m->reject);
	}
	return sess_result(s, hdr->reqid, ENOSYS, "%s: not implemented",
	    ctl_type_name(hdr->type));
}

/* The session closes: its streams and listeners go with it. */
void
conn_sess_closing(struct sess *s)
{
	struct conn_lst *l, *lnext;
	struct sess_obj *o;

	TAILQ_FOREACH(o, &s->objs, entry)
		if (o->kind == SESS_QP)
			conn_qp_release(o);
	for (l = TAILQ_FIRST(&conn_lsts); l != NULL; l = lnext) {
		lnext = TAILQ_NEXT(l, entry);
		if (l->obj->sess == s)
			conn_lst_close(l);
	}
}
