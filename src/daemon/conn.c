/* conn.c — listeners, connection requests and streams via the transport. */
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
#include "daemon/session.h"
#include "engine/engine.h"
#include "transport/transport.h"
#include "wire/ctlverbs.h"

/*
 * Active side: QP_CONNECT -> ops->connect() -> conn_result -> attach ->
 * the engine reports RTS -> CONN_REPLY.  Passive side: an application's
 * LISTEN on port P makes the transport listen on P (transport.h); a
 * peer's request becomes a pending request (bounded by max_pending and
 * the listener's backlog) pushed as CONN_REQUEST; ACCEPT -> ops->accept()
 * -> RTS -> CONN_REPLY, or REJECT.  A tp_conn's cookie is its QP object;
 * pending requests have none and are found by their tp_conn.
 */

/* One application listener: its object and the addresses it holds. */
struct conn_lst {
	TAILQ_ENTRY(conn_lst)	 entry;
	struct sess_obj		*obj;
	struct sockaddr_storage	 sa[CFG_MAX_LISTEN];
	socklen_t		 salen[CFG_MAX_LISTEN];
	size_t			 nsa;
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

static const struct tp_ops	*conn_ops = &tp_tcp_ops;
static struct tp		*conn_tp;
static TAILQ_HEAD(, conn_lst)	 conn_lsts =
    TAILQ_HEAD_INITIALIZER(conn_lsts);
static TAILQ_HEAD(, conn_req)	 conn_reqs =
    TAILQ_HEAD_INITIALIZER(conn_reqs);
static unsigned int		 conn_nreqs;

static void	conn_request_cb(void *, struct tp_conn *,
		    const struct tp_conn_req *);
static void	conn_result_cb(void *, struct tp_conn *, enum tp_result,
		    const struct tp_conn_params *, const char *);
static void	conn_closed_cb(void *, struct tp_conn *);

/* Transport callback: a diagnostic line. */
static void
conn_log_cb(void *arg, int level, const char *msg)
{
	log_msg(level, "tp", "%s", msg);
}

/* Create the TCP/MPA transport with the "mpa" settings. */
int
conn_init(char **cause)
{
	static struct tp_env env = {
		.conn_request = conn_request_cb,
		.conn_result = conn_result_cb,
		.conn_closed = conn_closed_cb,
		.log = conn_log_cb,
	};
	struct tp_mpa_opts opts;
	char why[128] = "";

	if (rdmad.conf->transport == CFG_TP_SCTP) {
		xasprintf(cause, "transport \"sctp\": the SCTP transport is "
		    "not available yet");
		return -1;
	}
	if (!conn_ops->available(why, sizeof(why))) {
		xasprintf(cause, "transport %s: %s", conn_ops->name, why);
		return -1;
	}
	memset(&opts, 0, sizeof(opts));
	opts.revision = rdmad.conf->mpa.revision;
	opts.crc = rdmad.conf->mpa.crc;
	opts.markers = rdmad.conf->mpa.markers;
	opts.timeout_ms = rdmad.conf->mpa.timeout_ms;
	env.base = rdmad.base;
	if (conn_ops->create(&env, &opts, &conn_tp) != 0) {
		xasprintf(cause, "transport %s: %s", conn_ops->name,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Are streams still closing gracefully (shutdown waits for them)? */
bool
conn_closing(void)
{
	return conn_tp != NULL && conn_ops->closing != NULL &&
	    conn_ops->closing(conn_tp) > 0;
}

/* Connection requests waiting for their application's answer. */
unsigned int
conn_npending(void)
{
	return conn_nreqs;
}

void
conn_shutdown(void)
{
	if (conn_tp != NULL)
		conn_ops->destroy(conn_tp);
	conn_tp = NULL;
}

/* "host:port" of a socket address. */
static void
conn_peer_str(const struct sockaddr *sa, socklen_t salen, char *buf,
    size_t len)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];

	if (getnameinfo(sa, salen, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, sa->sa_family == AF_INET6 ? "[%s]:%s" : "%s:%s",
	    host, serv);
}

/* Send CONN_REPLY for the QP's owed request (peer: its private data). */
static void
conn_reply(struct sess_obj *qp, uint32_t code, const char *why,
    const struct tp_conn_params *peer)
{
	uint8_t buf[CTL_HDR_LEN + CTLV_CONN_REPLY_LEN];
	struct ctlv_conn_reply m;
	uint32_t reqid = qp->u.qp.reply_reqid;

	if (reqid == 0)
		return;
	qp->u.qp.reply_reqid = 0;
	memset(&m, 0, sizeof(m));
	m.code = code;
	m.transport = qp->u.qp.transport;
	m.ord = qp->u.qp.ord;
	m.ird = qp->u.qp.ird;
	snprintf(m.why, sizeof(m.why), "%s", why ? why : qp->u.qp.why);
	snprintf(m.peer, sizeof(m.peer), "%s", qp->u.qp.peer);
	if (peer != NULL && peer->priv != NULL &&
	    peer->priv_len <= CTLV_PRIV_MAX) {
		m.priv.len = (uint32_t)peer->priv_len;
		memcpy(m.priv.data, peer->priv, peer->priv_len);
	} else if (code == 0) {
		m.priv.len = qp->u.qp.peer_priv_len;
		memcpy(m.priv.data, qp->u.qp.peer_priv, m.priv.len);
	}
	sess_send(qp->sess, buf, ctlv_conn_reply_encode(reqid, &m, buf,
	    sizeof(buf)), -1);
}

/* The stream of qp is up: record what was negotiated. */
static void
conn_up(struct sess_obj *qp)
{
	struct tp_conn_info ci;

	if (qp->u.qp.conn_state == SESS_QPC_UP)
		return;
	qp->u.qp.conn_state = SESS_QPC_UP;
	if (qp->u.qp.conn != NULL && tp_conn_info(qp->u.qp.conn, &ci) == 0) {
		qp->u.qp.ord = ci.ord;
		qp->u.qp.ird = ci.ird;
	}
	log_info("tp", "client %u: qp %u up with %s (%s)", qp->sess->id,
	    qp->id, qp->u.qp.peer, qp->u.qp.why);
	conn_reply(qp, 0, NULL, NULL);
}

/* The engine says the QP changed state: answer an owed CONN_REPLY. */
void
conn_qp_state(struct sess_obj *qp)
{
	enum eng_qp_state st;

	if (qp->u.qp.conn_state == SESS_QPC_ACCEPTING ||
	    qp->u.qp.conn_state == SESS_QPC_CONNECTING) {
		st = eng_qp_state(qp->u.qp.qp);
		if (st == ENG_QPS_RTS && qp->u.qp.conn != NULL)
			conn_up(qp);
		else if (st == ENG_QPS_ERROR || st == ENG_QPS_TERMINATE)
			conn_reply(qp, ECONNRESET, "the stream failed while "
			    "being set up", NULL);
	}
}

/* errno-like code of a failed connect (ctlverbs.h "Connections"). */
static uint32_t
conn_result_code(enum tp_result r)
{
	switch (r) {
	case TP_ACCEPTED:
		return 0;
	case TP_REJECTED:
	case TP_REFUSED:
		return ECONNREFUSED;
	case TP_UNREACHABLE:
		return ETIMEDOUT;
	case TP_UNSUPPORTED:
		return EPROTONOSUPPORT;
	case TP_PROTOCOL:
		break;
	}
	return EPROTO;
}

/* Transport callback: the outcome of QP_CONNECT. */
static void
conn_result_cb(void *arg, struct tp_conn *c, enum tp_result r,
    const struct tp_conn_params *peer, const char *why)
{
	struct sess_obj *qp = tp_conn_cookie(c);

	if (qp == NULL)
		return;
	if (r != TP_ACCEPTED) {
		/* c is freed when this returns (transport.h). */
		qp->u.qp.conn = NULL;
		qp->u.qp.conn_state = SESS_QPC_IDLE;
		conn_reply(qp, conn_result_code(r), why, peer);
		return;
	}
	/* Kept for CONN_REPLY: RTS may come from inside attach(). */
	if (peer != NULL && peer->priv != NULL &&
	    peer->priv_len <= CTLV_PRIV_MAX) {
		memcpy(qp->u.qp.peer_priv, peer->priv, peer->priv_len);
		qp->u.qp.peer_priv_len = (uint32_t)peer->priv_len;
	}
	if (conn_ops->attach(c, qp->u.qp.qp) != 0) {
		qp->u.qp.conn = NULL;
		qp->u.qp.conn_state = SESS_QPC_DOWN;
		conn_reply(qp, EPROTO, "cannot attach the stream", NULL);
		conn_ops->abort(c);
		return;
	}
	if (eng_qp_state(qp->u.qp.qp) == ENG_QPS_RTS)
		conn_up(qp);
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
static void
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
static void
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
		conn_ops->reject(c, NULL, 0);
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
	m.transport = CTLV_TRANSPORT_TCP;
	snprintf(m.peer, sizeof(m.peer), "%s", peer);
	m.priv.len = (uint32_t)req->params.priv_len;
	if (req->params.priv_len > 0)
		memcpy(m.priv.data, req->params.priv, req->params.priv_len);
	log_info("tp", "request %u from %s for port %u", rq->id, peer,
	    req->params.service);
	if (sess_send(l->obj->sess, buf, ctlv_conn_request_encode(0, &m, buf,
	    sizeof(buf)), -1) == -1) {
		conn_req_free(rq);
		conn_ops->reject(c, NULL, 0);
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
		conn_ops->unlisten(conn_tp, (struct sockaddr *)&l->sa[i],
		    l->salen[i]);
	for (rq = TAILQ_FIRST(&conn_reqs); rq != NULL; rq = next) {
		next = TAILQ_NEXT(rq, entry);
		if (rq->lst == l) {
			struct tp_conn *c = rq->c;

			conn_req_free(rq);
			conn_ops->reject(c, NULL, 0);
		}
	}
	TAILQ_REMOVE(&conn_lsts, l, entry);
	sess_obj_free(l->obj);
	free(l);
}

/* LISTEN: one client per port; the transport listens on the port. */
static int
conn_listen(struct sess *s, uint32_t reqid, const struct ctlv_listen *m)
{
	char cause[160] = "";
	struct conn_lst *l;
	size_t i, n;

	if (m->port == 0)
		return sess_result(s, reqid, EINVAL, "port 0");
	if (conn_lst_find(m->port) != NULL)
		return sess_result(s, reqid, EADDRINUSE, "port %u has a "
		    "listener", m->port);
	l = xcalloc(1, sizeof(*l));
	n = conn_lst_addrs(l, m->port);
	for (i = 0; i < n; i++) {
		if (conn_ops->listen(conn_tp, (struct sockaddr *)&l->sa[i],
		    l->salen[i], cause, sizeof(cause)) == 0)
			continue;
		/* A host without IPv6 still listens on the IPv4 wildcard. */
		if (rdmad.conf->nlisten == 0 && i == 1) {
			log_info("tp", "port %u: no IPv6 wildcard: %s",
			    m->port, cause);
			n = 1;
			break;
		}
		while (i-- > 0)
			conn_ops->unlisten(conn_tp, (struct sockaddr *)
			    &l->sa[i], l->salen[i]);
		free(l);
		return sess_result(s, reqid, EADDRINUSE, "port %u: %s",
		    m->port, cause);
	}
	l->nsa = n;
	l->obj = sess_obj_new(s, SESS_LISTENER, sess_new_id());
	l->obj->u.lst.port = m->port;
	l->obj->u.lst.backlog = m->backlog ? m->backlog : 1;
	TAILQ_INSERT_TAIL(&conn_lsts, l, entry);
	log_info("tp", "client %u: listening on port %u", s->id, m->port);
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
	qp->u.qp.transport = CTLV_TRANSPORT_TCP;
	snprintf(qp->u.qp.why, sizeof(qp->u.qp.why), "accepted over "
	    "TCP/MPA");
	qp->u.qp.reply_reqid = reqid;
	if (conn_ops->accept(c, qp->u.qp.qp, &p) != 0) {
		qp->u.qp.reply_reqid = 0;
		qp->u.qp.conn = NULL;
		qp->u.qp.conn_state = SESS_QPC_IDLE;
		conn_ops->abort(c);
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
	if (conn_ops->reject(c, m->priv.data, m->priv.len) != 0)
		return sess_result(s, reqid, EPROTO, "the transport refused "
		    "the reject");
	return sess_result(s, reqid, 0, "%s", "");
}

/* QP_CONNECT: resolve, then ops->connect(); CONN_REPLY comes later. */
static int
conn_connect(struct sess *s, uint32_t reqid, const struct ctlv_qp_connect *m)
{
	struct addrinfo hints, *res;
	struct tp_conn_params p;
	struct sess_obj *qp;
	struct tp_conn *c;
	int rv;

	if ((qp = sess_obj_find(s, SESS_QP, m->qp)) == NULL)
		return sess_result(s, reqid, ENOENT, "no QP %u", m->qp);
	if (qp->u.qp.conn_state != SESS_QPC_IDLE)
		return sess_result(s, reqid, EISCONN, "QP %u was connected "
		    "before", m->qp);
	if (m->transport == CTLV_TRANSPORT_SCTP)
		return sess_result(s, reqid, EPROTONOSUPPORT, "the SCTP "
		    "transport is not available yet");
	if (m->transport > CTLV_TRANSPORT_TCP)
		return sess_result(s, reqid, EINVAL, "transport %u",
		    m->transport);
	if (m->port == 0)
		return sess_result(s, reqid, EINVAL, "port 0");
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	/* A name may block the loop while it resolves: see the report. */
	if ((rv = getaddrinfo(m->host, NULL, &hints, &res)) != 0)
		return sess_result(s, reqid, EHOSTUNREACH, "%s: %s", m->host,
		    gai_strerror(rv));
	memset(&p, 0, sizeof(p));
	p.service = m->port;
	p.ord = qp->u.qp.ord;
	p.ird = qp->u.qp.ird;
	p.priv = m->priv.data;
	p.priv_len = m->priv.len;
	rv = conn_ops->connect(conn_tp, res->ai_addr, res->ai_addrlen, &p, qp,
	    &c);
	if (rv == 0) {
		((struct sockaddr_in *)(void *)res->ai_addr)->sin_port =
		    htons(m->port);	/* same offset in sockaddr_in6 */
		conn_peer_str(res->ai_addr, res->ai_addrlen, qp->u.qp.peer,
		    sizeof(qp->u.qp.peer));
	}
	freeaddrinfo(res);
	if (rv != 0)
		return sess_result(s, reqid, errno ? (uint32_t)errno : EIO,
		    "connect to %s port %u failed", m->host, m->port);
	qp->u.qp.conn = c;
	qp->u.qp.conn_state = SESS_QPC_CONNECTING;
	qp->u.qp.transport = CTLV_TRANSPORT_TCP;
	snprintf(qp->u.qp.why, sizeof(qp->u.qp.why), "%s",
	    m->transport == CTLV_TRANSPORT_TCP ? "TCP/MPA as asked" :
	    "auto: SCTP not available, TCP/MPA");
	qp->u.qp.reply_reqid = reqid;
	return 0;
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

/* A QP goes away: abort its stream (the transport detaches it). */
void
conn_qp_release(struct sess_obj *qp)
{
	struct tp_conn *c = qp->u.qp.conn;

	qp->u.qp.reply_reqid = 0;
	if (c == NULL)
		return;
	qp->u.qp.conn = NULL;
	tp_conn_set_cookie(c, NULL);
	conn_ops->abort(c);
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
