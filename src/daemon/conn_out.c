/* conn_out.c — the active side: QP_CONNECT, transport choice, fallback. */
#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <event2/event.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "daemon/conn.h"
#include "daemon/session.h"
#include "engine/engine.h"
#include "wire/ctlverbs.h"

/*
 * QP_CONNECT -> ops->connect() -> conn_result -> attach -> the engine
 * reports RTS -> CONN_REPLY.  The transport is the QP_CONNECT's choice,
 * or rdmad.conf "transport" when the application left it (AUTO).
 *
 * "auto" (RFC 5043 with the TCP/MPA fallback): SCTP first when this
 * kernel has it; the attempt keeps a conn_try (the address and the
 * parameters, to start again over TCP) and a timer of sctp.timeout_ms.
 * TP_UNSUPPORTED (the peer does not do DDP over SCTP), TP_REFUSED (no
 * association, or no SCTP listener for the service at the peer daemon),
 * TP_UNREACHABLE or the timer firing start TCP/MPA instead; TP_REJECTED
 * (the peer application said no) and TP_PROTOCOL are the answer.  Every
 * QP records the transport and a short reason (qp.why), which goes to
 * the application (CONN_REPLY) and to rdmactl.
 */

/* An automatic connect still on its SCTP attempt. */
struct conn_try {
	TAILQ_ENTRY(conn_try)	 entry;
	struct sess_obj		*qp;
	struct sockaddr_storage	 sa;
	socklen_t		 salen;
	struct tp_conn_params	 p;
	uint8_t			 priv[CTLV_PRIV_MAX];
	char			 host[48];	/* numeric (INET6_ADDRSTRLEN) */
	struct event		*timer;
};

static TAILQ_HEAD(, conn_try) conn_tries = TAILQ_HEAD_INITIALIZER(conn_tries);

/* Send CONN_REPLY for the QP's owed request (peer: its private data). */
void
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

/* The stream of qp is up: record what was negotiated, note the peer's
 * transport, reply. */
void
conn_up(struct sess_obj *qp)
{
	struct tp_conn_info ci;
	char host[CTLV_PEER_LEN], *colon;

	if (qp->u.qp.conn_state == SESS_QPC_UP)
		return;
	qp->u.qp.conn_state = SESS_QPC_UP;
	if (qp->u.qp.conn != NULL && tp_conn_info(qp->u.qp.conn, &ci) == 0) {
		qp->u.qp.ord = ci.ord;
		qp->u.qp.ird = ci.ird;
	}
	/* Per QP at debug level: the transport is logged per peer. */
	log_debug("tp", "client %u: qp %u up with %s (%s)", qp->sess->id,
	    qp->id, qp->u.qp.peer, qp->u.qp.why);
	/* The peer host: "h:port" or "[h]:port" without the port. */
	snprintf(host, sizeof(host), "%s", qp->u.qp.peer[0] == '[' ?
	    qp->u.qp.peer + 1 : qp->u.qp.peer);
	if ((colon = strrchr(host, qp->u.qp.peer[0] == '[' ? ']' : ':')) !=
	    NULL)
		*colon = '\0';
	conn_tp_peer_note(host, qp->u.qp.transport == CTLV_TRANSPORT_SCTP ?
	    TP_SCTP : TP_TCP, qp->u.qp.why);
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

/* The automatic attempt of qp, if any. */
static struct conn_try *
conn_try_find(const struct sess_obj *qp)
{
	struct conn_try *t;

	TAILQ_FOREACH(t, &conn_tries, entry)
		if (t->qp == qp)
			return t;
	return NULL;
}

/* Forget an automatic attempt: unlink, stop its timer, free. */
static void
conn_try_free(struct conn_try *t)
{
	TAILQ_REMOVE(&conn_tries, t, entry);
	if (t->timer != NULL)
		event_free(t->timer);
	free(t);
}

/* Forget the automatic attempt of qp, if any. */
void
conn_try_drop(struct sess_obj *qp)
{
	struct conn_try *t = conn_try_find(qp);

	if (t != NULL)
		conn_try_free(t);
}

/* Start one connect of qp over `kind`; 0, or -1 with errno. */
static int
conn_start(struct sess_obj *qp, enum tp_kind kind, const struct sockaddr *sa,
    socklen_t salen, const struct tp_conn_params *p)
{
	struct tp_conn *c;

	if (conn_tp_of(kind) == NULL) {
		errno = EPROTONOSUPPORT;
		return -1;
	}
	if (conn_tp_ops(kind)->connect(conn_tp_of(kind), sa, salen, p, qp,
	    &c) != 0)
		return -1;
	qp->u.qp.conn = c;
	qp->u.qp.conn_state = SESS_QPC_CONNECTING;
	qp->u.qp.transport = kind == TP_SCTP ? CTLV_TRANSPORT_SCTP :
	    CTLV_TRANSPORT_TCP;
	return 0;
}

/*
 * The SCTP attempt of an automatic connect did not work out (why: the
 * QP's reason, "auto: ..."): connect over TCP/MPA instead.  The SCTP
 * connection is already gone or being freed by the caller.
 */
static void
conn_fallback(struct conn_try *t, const char *why)
{
	struct sess_obj *qp = t->qp;
	char msg[CTLV_WHY_LEN];
	int e;

	qp->u.qp.conn = NULL;
	qp->u.qp.conn_state = SESS_QPC_IDLE;
	snprintf(qp->u.qp.why, sizeof(qp->u.qp.why), "%s", why);
	log_debug("tp", "client %u: qp %u: %s", qp->sess->id, qp->id, why);
	if (conn_start(qp, TP_TCP, (struct sockaddr *)&t->sa, t->salen,
	    &t->p) != 0) {
		e = errno ? errno : EIO;
		qp->u.qp.transport = CTLV_TRANSPORT_TCP;
		snprintf(msg, sizeof(msg), "%s; TCP/MPA: %s", why,
		    strerror(e));
		conn_try_free(t);
		conn_reply(qp, (uint32_t)e, msg, NULL);
		return;
	}
	conn_try_free(t);
}

/* sctp.timeout_ms passed with no SCTP answer: abort it, use TCP/MPA. */
static void
conn_try_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn_try *t = arg;
	struct sess_obj *qp = t->qp;
	struct tp_conn *c = qp->u.qp.conn;
	char why[CTLV_WHY_LEN];

	(void)fd;
	(void)what;
	if (c != NULL) {
		qp->u.qp.conn = NULL;
		tp_conn_set_cookie(c, NULL);
		conn_ops_of(c)->abort(c);
	}
	snprintf(why, sizeof(why), "auto: no SCTP answer in %u ms",
	    rdmad.conf->sctp.timeout_ms);
	conn_fallback(t, why);
}

/*
 * The reason of a fallback after result r of the SCTP attempt, or NULL
 * when r is no reason to fall back (the answer stands).
 */
static const char *
conn_fallback_why(const struct conn_try *t, enum tp_result r,
    const char *twhy, char *buf, size_t len)
{
	switch (r) {
	case TP_REFUSED:
		if (twhy != NULL && strncmp(twhy, "no listener", 11) == 0)
			snprintf(buf, len, "auto: peer %.39s refused SCTP (no "
			    "listener for service %u)", t->host,
			    t->p.service);
		else
			snprintf(buf, len, "auto: peer %s refused SCTP (%s)",
			    t->host, twhy ? twhy : "no association");
		return buf;
	case TP_UNSUPPORTED:
		snprintf(buf, len, "auto: peer %s does not do DDP over SCTP",
		    t->host);
		return buf;
	case TP_UNREACHABLE:
		if (twhy != NULL && strstr(twhy, "in time") != NULL)
			snprintf(buf, len, "auto: no SCTP answer in %u ms",
			    rdmad.conf->sctp.timeout_ms);
		else
			snprintf(buf, len, "auto: SCTP to %s failed (%s)",
			    t->host, twhy ? twhy : "unreachable");
		return buf;
	default:
		return NULL;
	}
}

/* Transport callback: the outcome of QP_CONNECT. */
void
conn_result_cb(void *arg, struct tp_conn *c, enum tp_result r,
    const struct tp_conn_params *peer, const char *why)
{
	struct sess_obj *qp = tp_conn_cookie(c);
	const struct tp_ops *ops = conn_ops_of(c);
	struct conn_try *t;
	char fb[CTLV_WHY_LEN];
	const char *fwhy;

	(void)arg;
	if (qp == NULL)
		return;
	if ((t = conn_try_find(qp)) != NULL) {
		if (r != TP_ACCEPTED && (fwhy = conn_fallback_why(t, r, why,
		    fb, sizeof(fb))) != NULL) {
			/* c is freed when this returns (transport.h). */
			conn_fallback(t, fwhy);
			return;
		}
		conn_try_free(t);
	}
	if (r != TP_ACCEPTED) {
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
	if (ops->attach(c, qp->u.qp.qp) != 0) {
		qp->u.qp.conn = NULL;
		qp->u.qp.conn_state = SESS_QPC_DOWN;
		conn_reply(qp, EPROTO, "cannot attach the stream", NULL);
		ops->abort(c);
		return;
	}
	if (eng_qp_state(qp->u.qp.qp) == ENG_QPS_RTS)
		conn_up(qp);
}

/* Begin an automatic connect on SCTP, keeping what TCP would need. */
static void
conn_try_start(struct sess_obj *qp, const struct sockaddr *sa,
    socklen_t salen, const struct tp_conn_params *p)
{
	struct timeval tv;
	struct conn_try *t;

	t = xcalloc(1, sizeof(*t));
	t->qp = qp;
	memcpy(&t->sa, sa, salen);
	t->salen = salen;
	t->p = *p;
	if (p->priv_len > 0)
		memcpy(t->priv, p->priv, p->priv_len);
	t->p.priv = t->priv;
	conn_host_str(sa, salen, t->host, sizeof(t->host));
	TAILQ_INSERT_TAIL(&conn_tries, t, entry);
	if (conn_start(qp, TP_SCTP, sa, salen, p) != 0) {
		char why[CTLV_WHY_LEN];

		snprintf(why, sizeof(why), "auto: SCTP connect failed (%s)",
		    strerror(errno));
		conn_fallback(t, why);
		return;
	}
	snprintf(qp->u.qp.why, sizeof(qp->u.qp.why), "auto: SCTP");
	tv.tv_sec = rdmad.conf->sctp.timeout_ms / 1000;
	tv.tv_usec = (rdmad.conf->sctp.timeout_ms % 1000) * 1000;
	if ((t->timer = evtimer_new(rdmad.base, conn_try_timer_cb, t)) ==
	    NULL || evtimer_add(t->timer, &tv) != 0)
		log_warnx("tp", "qp %u: no SCTP timer: the transport's "
		    "timeout applies", qp->id);
}

/*
 * QP_CONNECT: resolve, pick the transport, connect; CONN_REPLY comes
 * later (or now, when a fallback fails at once).
 */
int
conn_connect(struct sess *s, uint32_t reqid, const struct ctlv_qp_connect *m)
{
	struct addrinfo hints, *res;
	struct tp_conn_params p;
	struct sess_obj *qp;
	const char *nosctp, *src;
	uint32_t want;
	int rv, e;

	if ((qp = sess_obj_find(s, SESS_QP, m->qp)) == NULL)
		return sess_result(s, reqid, ENOENT, "no QP %u", m->qp);
	if (qp->u.qp.conn_state != SESS_QPC_IDLE)
		return sess_result(s, reqid, EISCONN, "QP %u was connected "
		    "before", m->qp);
	if (m->transport > CTLV_TRANSPORT_TCP)
		return sess_result(s, reqid, EINVAL, "transport %u",
		    m->transport);
	want = m->transport != CTLV_TRANSPORT_AUTO ? m->transport :
	    (uint32_t)rdmad.conf->transport;
	src = m->transport != CTLV_TRANSPORT_AUTO ? "as asked" :
	    "rdmad.conf transport";
	if (want == CTLV_TRANSPORT_SCTP && !conn_tp_sctp(&nosctp))
		return sess_result(s, reqid, EPROTONOSUPPORT, "%s", nosctp);
	if (m->port == 0)
		return sess_result(s, reqid, EINVAL, "port 0");
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	/* A name may block the loop while it resolves: see the report. */
	if ((rv = getaddrinfo(m->host, NULL, &hints, &res)) != 0)
		return sess_result(s, reqid, EHOSTUNREACH, "%s: %s", m->host,
		    gai_strerror(rv));
	/* The service is the application's port (tp_conn_params). */
	((struct sockaddr_in *)(void *)res->ai_addr)->sin_port =
	    htons(m->port);	/* same offset in sockaddr_in6 */
	conn_peer_str(res->ai_addr, res->ai_addrlen, qp->u.qp.peer,
	    sizeof(qp->u.qp.peer));
	memset(&p, 0, sizeof(p));
	p.service = m->port;
	p.ord = qp->u.qp.ord;
	p.ird = qp->u.qp.ird;
	p.priv = m->priv.data;
	p.priv_len = m->priv.len;
	qp->u.qp.reply_reqid = reqid;
	if (want == CTLV_TRANSPORT_AUTO && conn_tp_sctp(&nosctp)) {
		conn_try_start(qp, res->ai_addr, res->ai_addrlen, &p);
		freeaddrinfo(res);
		/* On failure the fallback has sent CONN_REPLY already. */
		return 0;
	}
	if (want == CTLV_TRANSPORT_AUTO) {
		/* "no kernel SCTP: Protocol not supported" ->
		 * "auto: no kernel SCTP (Protocol not supported)" */
		const char *colon = strstr(nosctp, ": ");

		snprintf(qp->u.qp.why, sizeof(qp->u.qp.why), "auto: %.*s "
		    "(%s)", colon ? (int)(colon - nosctp) : (int)strlen(nosctp),
		    nosctp, colon ? colon + 2 : "?");
		want = CTLV_TRANSPORT_TCP;
	} else
		snprintf(qp->u.qp.why, sizeof(qp->u.qp.why), "%s %s",
		    want == CTLV_TRANSPORT_SCTP ? "sctp" : "tcp", src);
	rv = conn_start(qp, want == CTLV_TRANSPORT_SCTP ? TP_SCTP : TP_TCP,
	    res->ai_addr, res->ai_addrlen, &p);
	e = errno;
	freeaddrinfo(res);
	if (rv != 0) {
		qp->u.qp.reply_reqid = 0;
		qp->u.qp.conn_state = SESS_QPC_IDLE;
		return sess_result(s, reqid, e ? (uint32_t)e : EIO,
		    "connect to %s port %u failed", m->host, m->port);
	}
	return 0;
}

/* A QP goes away: abort its stream (the transport detaches it). */
void
conn_qp_release(struct sess_obj *qp)
{
	struct tp_conn *c = qp->u.qp.conn;

	conn_try_drop(qp);
	qp->u.qp.reply_reqid = 0;
	if (c == NULL)
		return;
	qp->u.qp.conn = NULL;
	tp_conn_set_cookie(c, NULL);
	conn_ops_of(c)->abort(c);
}
