/* sctp.c — SCTP transport (RFC 5043): ops table, sessions, lifetime. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/sctp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event2/event.h>

#include "rdmad/rdmad.h"
#include "transport/sctp_int.h"
#include "wire/ssc.h"
#include "wire/term.h"

static void	sctp_conn_timer_cb(evutil_socket_t, short, void *);
static void	sctp_conn_defer_cb(evutil_socket_t, short, void *);
static void	sctp_reap_cb(evutil_socket_t, short, void *);

/* ---- connection lifetime -------------------------------------------- */

/* A new session object on as, not yet on a stream. */
struct sctp_conn *
sctp_conn_new(struct sctp_asoc *as, bool initiator)
{
	struct sctp_tp *tp = as->tp;
	struct sctp_conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->head.kind = TP_SCTP;
	c->as = as;
	c->sid = -1;
	c->initiator = initiator;
	c->peer_ird = c->peer_ord = TP_IRD_ORD_NONE;
	sctp_ro_init(&c->ro, tp->o.reorder_chunks, tp->o.reorder_bytes);
	c->ev_timer = evtimer_new(tp->env.base, sctp_conn_timer_cb, c);
	c->ev_close = event_new(tp->env.base, -1, 0, sctp_conn_defer_cb, c);
	if (c->ev_timer == NULL || c->ev_close == NULL) {
		if (c->ev_timer != NULL)
			event_free(c->ev_timer);
		if (c->ev_close != NULL)
			event_free(c->ev_close);
		free(c);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&as->conns, c, entry);
	as->nconns++;
	if (initiator)
		as->owned_used++;
	return c;
}

/*
 * The session is over: unlink c from everything (its stream becomes
 * free), and free it from the loop.  No callback is made here; an
 * Initiate of the stream's next session that overtook the end is
 * replayed now that the stream is free.
 */
void
sctp_conn_kill(struct sctp_conn *c)
{
	struct sctp_asoc *as = c->as;
	struct sctp_tp *tp = as->tp;
	uint8_t *init = c->next_init;
	size_t init_len = c->next_init_len;
	int sid = c->sid;

	if (c->dead)
		return;
	c->dead = true;
	if (c->state == SCTP_C_DECIDE && tp->pending > 0)
		tp->pending--;
	if (as->rx.c == c) {
		/* Mid-placement (a partial delivery waits for more): the
		 * rest of that message is read and dropped. */
		as->rx.c = NULL;
		as->rx.phase = SCTP_RX_DRAIN;
		as->rx.drain_sid = -1;
		as->rx.drain_err = WIRE_OK;
	}
	c->state = SCTP_C_DEAD;
	c->next_init = NULL;
	as->ro_bytes -= c->ro.bytes < as->ro_bytes ? c->ro.bytes :
	    as->ro_bytes;
	sctp_tx_drop(c);
	sctp_tx_purge(c);
	sctp_asoc_free_sid(as, c);
	TAILQ_REMOVE(&as->conns, c, entry);
	as->nconns--;
	TAILQ_INSERT_TAIL(&tp->dead_conns, c, entry);
	event_del(c->ev_timer);
	event_del(c->ev_close);
	event_active(tp->ev_reap, EV_TIMEOUT, 0);
	if (init != NULL) {
		if (as->state == SCTP_A_UP && sid >= 0)
			sctp_rx_chunk(as, (uint16_t)sid, SCTP_DDP_PPID_SSC,
			    init, init_len);
		else
			free(init);
	}
}

/* Free everything dead (from the loop: no caller holds it). */
void
sctp_conn_reap(struct sctp_tp *tp)
{
	struct sctp_conn *c;
	struct sctp_asoc *as;

	while ((c = TAILQ_FIRST(&tp->dead_conns)) != NULL) {
		TAILQ_REMOVE(&tp->dead_conns, c, entry);
		event_free(c->ev_timer);
		event_free(c->ev_close);
		sctp_ro_clear(&c->ro);
		free(c->next_init);
		free(c);
	}
	while ((as = TAILQ_FIRST(&tp->dead_asocs)) != NULL) {
		TAILQ_REMOVE(&tp->dead_asocs, as, entry);
		event_free(as->ev_read);
		event_free(as->ev_write);
		event_free(as->ev_timer);
		free(as->rx.stash);
		free(as->streams);
		free(as);
	}
}

static void
sctp_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	sctp_conn_reap(arg);
}

/* Arm (ms > 0) or stop (0) the set-up / Terminate timer. */
void
sctp_conn_timer(struct sctp_conn *c, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	if (ms <= 0)
		event_del(c->ev_timer);
	else
		evtimer_add(c->ev_timer, &tv);
}

/* The QP's stream ended: tell the engine, once. */
static void
sctp_conn_qp_end(struct sctp_conn *c, bool orderly)
{
	if (c->qp != NULL && !c->qp_closed) {
		c->qp_closed = true;
		sctp_tx_purge(c);
		eng_qp_llp_closed(c->qp, orderly);
	}
}

/* Tell the daemon the connection is over (once; not after abort). */
static void
sctp_conn_notify(struct sctp_conn *c, enum tp_result r,
    const struct tp_conn_params *peer, const char *why)
{
	const struct tp_env *env = &c->as->tp->env;

	if (!c->known)
		return;
	c->known = false;
	if (c->initiator && (c->state == SCTP_C_ASSOC_WAIT ||
	    c->state == SCTP_C_INIT_SENT)) {
		if (why != NULL)
			sctp_clog(c, r == TP_REJECTED ? LOG_INFO : LOG_NOTICE,
			    "connect: %s", why);
		env->conn_result(env->arg, SCTP_TPC(c), r, peer, why);
	} else
		env->conn_closed(env->arg, SCTP_TPC(c));
}

/*
 * Set-up failed before an Accept (no session, or it ended): report r and
 * free.  When the peer knows of the session, the caller has queued a
 * Terminate and the conn lingers for the answer.
 */
void
sctp_conn_fail(struct sctp_conn *c, enum tp_result r,
    const struct tp_conn_params *peer, const char *why)
{
	bool linger = c->state == SCTP_C_TERM_WAIT;
	enum sctp_cstate st = c->state;

	if (linger)
		c->state = SCTP_C_INIT_SENT;	/* conn_result, not closed */
	sctp_conn_notify(c, r, peer, why);
	if (linger)
		c->state = st;
	else
		sctp_conn_kill(c);
}

/* Send our Terminate (once) and wait for the peer's (RFC 5043 §6.2). */
void
sctp_conn_terminate(struct sctp_conn *c)
{
	if (c->dead || c->term_sent || c->ctl_fn == SSC_FN_TERMINATE)
		return;
	if (c->state == SCTP_C_DECIDE && c->as->tp->pending > 0)
		c->as->tp->pending--;
	sctp_tx_purge(c);
	if (c->state == SCTP_C_INIT_SENT && c->ctl_len == 0 &&
	    !c->term_on_reply && !c->term_rcvd) {
		/* RFC 5043 §6.6: no session control message that may
		 * overtake the previous one (our Initiate, unordered): the
		 * Terminate waits for the Accept/Reject, or the timeout. */
		c->term_on_reply = true;
		c->state = SCTP_C_TERM_WAIT;
		sctp_conn_timer(c, c->as->tp->o.timeout_ms);
		return;
	}
	if (sctp_ssc_queue(c, SSC_FN_TERMINATE, 0, NULL, 0) < 0) {
		sctp_conn_kill(c);
		return;
	}
	c->state = SCTP_C_TERM_WAIT;
	sctp_conn_timer(c, c->as->tp->o.timeout_ms);
}

/* The peer's Terminate arrived in order: the session is over for it;
 * answer it (once) so that the stream can be reused (§6.2). */
void
sctp_conn_ended(struct sctp_conn *c, bool orderly)
{
	c->term_rcvd = true;
	sctp_conn_qp_end(c, orderly);
	sctp_conn_notify(c, TP_REFUSED, NULL, "the peer daemon ended the "
	    "session (RFC 5043 §6.4: too many pending requests?)");
	if (c->dead)
		return;
	if (c->term_sent) {
		sctp_conn_kill(c);
		return;
	}
	sctp_conn_terminate(c);		/* killed once sent (sctp_tx.c) */
}

/* A protocol error on the stream of c (RFC 5043 §6.1 "MUST be
 * terminated"): through the engine when a QP runs, else directly. */
void
sctp_conn_proto_err(struct sctp_conn *c, enum wire_err err, const char *why)
{
	enum sctp_cstate st, now;

	sctp_clog(c, LOG_WARNING, "stream %d: %s (%s)", c->sid, why,
	    term_err_text(err));
	if (c->qp != NULL && !c->qp_closed &&
	    (c->state == SCTP_C_FULL || c->state == SCTP_C_CLOSING)) {
		/* RDMAP Terminate first, then llp->close() -> SSC
		 * Terminate (RFC 5043 §11.3). */
		c->rx_stopped = true;
		eng_qp_llp_error(c->qp, err);
		return;
	}
	c->rx_stopped = true;
	if (c->state == SCTP_C_TERM_WAIT)
		return;
	st = c->state;
	sctp_conn_terminate(c);
	sctp_conn_qp_end(c, false);
	if (c->known && !c->dead) {
		/* conn_result() before an Accept, conn_closed() after */
		now = c->state;
		c->state = st;
		sctp_conn_notify(c, TP_PROTOCOL, NULL, why);
		if (!c->dead)
			c->state = now;
	}
}

static void
sctp_conn_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sctp_conn *c = arg;

	(void)fd;
	(void)what;
	if (c->dead)
		return;
	switch (c->state) {
	case SCTP_C_ASSOC_WAIT:
		sctp_conn_fail(c, TP_UNREACHABLE, NULL, "no association "
		    "with the peer daemon in time");
		break;
	case SCTP_C_INIT_SENT:
		sctp_conn_terminate(c);
		sctp_conn_fail(c, TP_UNREACHABLE, NULL, "no session "
		    "control answer in time");
		break;
	case SCTP_C_DECIDE:
		sctp_clog(c, LOG_NOTICE, "stream %d: no decision in time",
		    c->sid);
		sctp_conn_terminate(c);
		sctp_conn_notify(c, TP_UNREACHABLE, NULL, NULL);
		break;
	case SCTP_C_TERM_WAIT:
		if (c->term_on_reply) {
			/* No reply to our Initiate: it cannot be in flight
			 * any more; the Terminate may go now. */
			c->term_on_reply = false;
			c->state = SCTP_C_ACCEPTED;	/* send it now */
			sctp_conn_terminate(c);
			break;
		}
		/* No answer in time: the QP ends, and the stream is freed
		 * so that a silent peer cannot pin session objects (a late
		 * Terminate then fails the stream's next session, logged). */
		sctp_clog(c, LOG_NOTICE, "stream %d: no Terminate answer in "
		    "time", c->sid);
		sctp_conn_qp_end(c, false);
		sctp_conn_notify(c, TP_UNREACHABLE, NULL, NULL);
		sctp_conn_kill(c);
		break;
	default:
		break;
	}
}

/* Deferred work: an abortive close, or feeding held chunks. */
static void
sctp_conn_defer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sctp_conn *c = arg;

	(void)fd;
	(void)what;
	if (c->dead)
		return;
	if (c->close_abortive) {
		c->close_abortive = false;
		sctp_conn_qp_end(c, false);
		sctp_conn_notify(c, TP_UNREACHABLE, NULL, NULL);
		return;
	}
	sctp_rx_feed(c);
}

/* ---- the engine's llp ops ------------------------------------------ */

static void
sctp_llp_kick(void *llp)
{
	struct sctp_conn *c = llp;

	if (!c->dead && (c->state == SCTP_C_FULL ||
	    c->state == SCTP_C_CLOSING))
		sctp_tx_want(c);
}

/*
 * The engine closes the stream: graceful = the send path drains, then
 * our Terminate goes and the peer's ends it (sctp_tx.c); abortive = our
 * Terminate goes now and the QP is told at once (from the loop).
 */
static void
sctp_llp_close(void *llp, bool abortive)
{
	struct sctp_conn *c = llp;

	if (c->dead || c->qp_closed || c->state == SCTP_C_TERM_WAIT ||
	    (c->state == SCTP_C_CLOSING && !abortive))
		return;
	if (!abortive) {
		c->state = SCTP_C_CLOSING;
		sctp_conn_timer(c, c->as->tp->o.timeout_ms);
		sctp_tx_want(c);
		return;
	}
	sctp_conn_terminate(c);
	c->close_abortive = true;
	event_active(c->ev_close, EV_TIMEOUT, 0);
}

const struct eng_llp_ops sctp_llp_ops = {
	.kick = sctp_llp_kick,
	.close = sctp_llp_close
};

/* ---- the ops table ------------------------------------------------- */

static bool
sctp_available(char *why, size_t whylen)
{
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);

	if (fd < 0) {
		if (why != NULL && whylen > 0)
			snprintf(why, whylen, "no kernel SCTP: %s",
			    strerror(errno));
		return false;
	}
	close(fd);
	return true;
}

#define SCTP_DEF(f, v)	do { if ((f) == 0) (f) = (v); } while (0)

static int
sctp_create(const struct tp_env *env, const void *opts, struct tp **tpp)
{
	const struct tp_sctp_opts *o = opts;
	struct sctp_tp *tp;
	size_t i;

	if (env == NULL || env->base == NULL || env->conn_request == NULL ||
	    env->conn_result == NULL || env->conn_closed == NULL ||
	    (o != NULL && (o->nlocal > TP_SCTP_LOCAL_MAX ||
	    (o->nlocal > 0 && o->local == NULL) || o->streams == 1))) {
		errno = EINVAL;
		return -1;
	}
	if ((tp = calloc(1, sizeof(*tp))) == NULL)
		return -1;
	tp->env = *env;
	if (o != NULL)
		tp->o = *o;
	for (i = 0; i < tp->o.nlocal; i++)
		tp->local[i] = o->local[i];
	tp->o.local = tp->local;
	SCTP_DEF(tp->o.port, TP_SCTP_PORT_DEFAULT);
	SCTP_DEF(tp->o.streams, TP_SCTP_STREAMS_DEFAULT);
	SCTP_DEF(tp->o.rto_initial_ms, 1000);
	SCTP_DEF(tp->o.rto_min_ms, 200);
	SCTP_DEF(tp->o.rto_max_ms, 3000);
	SCTP_DEF(tp->o.hb_interval_ms, 1000);
	SCTP_DEF(tp->o.path_max_retrans, 3);
	SCTP_DEF(tp->o.pf_threshold, 1);
	SCTP_DEF(tp->o.sndbuf, 4 << 20);
	SCTP_DEF(tp->o.rcvbuf, 4 << 20);
	SCTP_DEF(tp->o.timeout_ms, 10000);
	SCTP_DEF(tp->o.reorder_chunks, 256);
	SCTP_DEF(tp->o.reorder_bytes, 1u << 20);
	SCTP_DEF(tp->o.max_pending, 1024);
	tp->lfd = -1;
	TAILQ_INIT(&tp->services);
	TAILQ_INIT(&tp->asocs);
	TAILQ_INIT(&tp->dead_asocs);
	TAILQ_INIT(&tp->dead_conns);
	if ((tp->ev_reap = event_new(env->base, -1, 0, sctp_reap_cb,
	    tp)) == NULL) {
		free(tp);
		return -1;
	}
	*tpp = (struct tp *)(void *)tp;
	return 0;
}

static void
sctp_destroy(struct tp *tp_)
{
	struct sctp_tp *tp = SCTP_TP(tp_);
	struct sctp_service *s;

	if (tp == NULL)
		return;
	tp->destroying = true;
	sctp_asoc_close_all(tp);
	while ((s = TAILQ_FIRST(&tp->services)) != NULL) {
		TAILQ_REMOVE(&tp->services, s, entry);
		free(s);
	}
	if (tp->ev_listen != NULL)
		event_free(tp->ev_listen);
	if (tp->lfd >= 0)
		close(tp->lfd);
	sctp_conn_reap(tp);
	event_free(tp->ev_reap);
	free(tp);
}

/* The port of sa (host order), 0 for another family. */
static uint16_t
sctp_sa_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)(const void *)sa)
		    ->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)(const void *)sa)
		    ->sin6_port);
	return 0;
}

static int
sctp_connect(struct tp *tp_, const struct sockaddr *sa, socklen_t salen,
    const struct tp_conn_params *p, void *cookie, struct tp_conn **cp)
{
	struct sctp_tp *tp = SCTP_TP(tp_);
	struct sockaddr_storage d;
	struct sctp_asoc *as;
	struct sctp_conn *c;
	uint16_t service;

	if (sa == NULL || p == NULL || cp == NULL || salen > sizeof(d) ||
	    (sa->sa_family != AF_INET && sa->sa_family != AF_INET6) ||
	    (p->priv_len > 0 && p->priv == NULL) ||
	    p->priv_len > RDMAD_MAX_PRIVATE_DATA) {
		errno = EINVAL;
		return -1;
	}
	service = p->service != 0 ? p->service : sctp_sa_port(sa);
	if (service == 0) {
		errno = EINVAL;
		return -1;
	}
	/* The peer daemon: sa's address on the daemon port. */
	memset(&d, 0, sizeof(d));
	memcpy(&d, sa, salen);
	if (d.ss_family == AF_INET)
		((struct sockaddr_in *)&d)->sin_port = htons(tp->o.port);
	else
		((struct sockaddr_in6 *)&d)->sin6_port = htons(tp->o.port);
	as = sctp_asoc_find(tp, (struct sockaddr *)&d, salen);
	if (as == NULL && (as = sctp_asoc_connect(tp, (struct sockaddr *)&d,
	    salen)) == NULL)
		return -1;
	if ((c = sctp_conn_new(as, true)) == NULL)
		return -1;
	c->known = true;
	c->head.cookie = cookie;
	c->service = service;
	c->local = *p;
	c->local.priv = NULL;
	if (p->priv_len > 0)
		memcpy(c->pd, p->priv, p->priv_len);
	c->pd_len = p->priv_len;
	memcpy(&c->peer, sa, salen);
	c->peer_len = salen;
	c->state = SCTP_C_ASSOC_WAIT;
	sctp_conn_timer(c, tp->o.timeout_ms);
	*cp = SCTP_TPC(c);
	if (as->state == SCTP_A_UP)
		sctp_ssc_start(c);
	return 0;
}

/* The MULPDU and negotiated IRD/ORD, for tp_conn_info(). */
static void
sctp_conn_set_info(struct sctp_conn *c, uint32_t ord, uint32_t ird)
{
	memset(&c->info, 0, sizeof(c->info));
	c->info.enhanced = true;
	c->info.ord = ord;
	c->info.ird = ird;
	c->info.max_seg = c->as->max_seg;
	c->info_ok = true;
}

static int
sctp_accept(struct tp_conn *c_, struct eng_qp *qp,
    const struct tp_conn_params *p)
{
	struct sctp_conn *c = SCTP_CONN(c_);
	uint32_t ord, ird;

	if (c == NULL || c->dead || c->state != SCTP_C_DECIDE || qp == NULL ||
	    p == NULL || p->priv_len > RDMAD_MAX_PRIVATE_DATA ||
	    (p->priv_len > 0 && p->priv == NULL)) {
		errno = EINVAL;
		return -1;
	}
	/* RFC 6581 §9.1, as the TCP transport: our ORD at most the
	 * Initiator IRD; 0x3FFF leaves the local value alone. */
	ord = sctp_io14(p->ord);
	ird = sctp_io14(p->ird);
	if (c->peer_ird != TP_IRD_ORD_NONE && ord > c->peer_ird)
		ord = c->peer_ird;
	sctp_conn_set_info(c, ord, ird);
	if (eng_qp_connect(qp, &sctp_llp_ops, c, ord, ird,
	    c->as->max_seg) < 0) {
		errno = EPROTO;
		return -1;
	}
	c->qp = qp;
	c->local.ird = c->peer_ord == TP_IRD_ORD_NONE ? TP_IRD_ORD_NONE : ird;
	c->local.ord = c->peer_ird == TP_IRD_ORD_NONE ? TP_IRD_ORD_NONE : ord;
	if (sctp_ssc_queue(c, SSC_FN_ENH_ACCEPT, 0, p->priv,
	    p->priv_len) < 0) {
		errno = EPROTO;
		return -1;
	}
	if (c->as->tp->pending > 0)
		c->as->tp->pending--;
	c->state = SCTP_C_FULL;
	sctp_conn_timer(c, 0);
	return 0;
}

static int
sctp_reject(struct tp_conn *c_, const void *priv, size_t len)
{
	struct sctp_conn *c = SCTP_CONN(c_);

	if (c == NULL || c->dead || c->state != SCTP_C_DECIDE ||
	    len > RDMAD_MAX_PRIVATE_DATA || (len > 0 && priv == NULL)) {
		errno = EINVAL;
		return -1;
	}
	c->local.ird = c->local.ord = TP_IRD_ORD_NONE;
	if (sctp_ssc_queue(c, SSC_FN_ENH_REJECT, 0, priv, len) < 0) {
		errno = EINVAL;
		return -1;
	}
	if (c->as->tp->pending > 0)
		c->as->tp->pending--;
	c->known = false;
	c->state = SCTP_C_REJECTING;
	sctp_conn_timer(c, 0);
	return 0;
}

static int
sctp_attach(struct tp_conn *c_, struct eng_qp *qp)
{
	struct sctp_conn *c = SCTP_CONN(c_);

	if (c == NULL || c->dead || c->state != SCTP_C_ACCEPTED ||
	    qp == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (eng_qp_connect(qp, &sctp_llp_ops, c, c->info.ord, c->info.ird,
	    c->as->max_seg) < 0) {
		sctp_conn_terminate(c);
		errno = EPROTO;
		return -1;
	}
	c->qp = qp;
	c->state = SCTP_C_FULL;
	/* Segments the peer sent right after its Accept may be held. */
	if (c->ro.n > 0)
		event_active(c->ev_close, EV_TIMEOUT, 0);
	return 0;
}

/* The daemon drops c: no further callback; the peer gets a Terminate. */
static void
sctp_abort(struct tp_conn *c_)
{
	struct sctp_conn *c = SCTP_CONN(c_);

	if (c == NULL || c->dead)
		return;
	c->known = false;
	sctp_conn_qp_end(c, false);
	switch (c->state) {
	case SCTP_C_ASSOC_WAIT:
		sctp_conn_kill(c);
		break;
	case SCTP_C_REJECTING:
	case SCTP_C_TERM_WAIT:
		break;
	default:
		sctp_conn_terminate(c);
		break;
	}
}

const struct tp_ops tp_sctp_ops = {
	.name = "sctp",
	.kind = TP_SCTP,
	.available = sctp_available,
	.create = sctp_create,
	.destroy = sctp_destroy,
	.listen = sctp_listen,
	.unlisten = sctp_unlisten,
	.connect = sctp_connect,
	.accept = sctp_accept,
	.reject = sctp_reject,
	.attach = sctp_attach,
	.abort = sctp_abort
};

int
sctp_conn_info(const struct sctp_conn *c, struct tp_conn_info *ci)
{
	if (!c->info_ok)
		return -1;
	*ci = c->info;
	return 0;
}

int
tp_sctp_conn_stream(const struct tp_conn *c)
{
	return SCTP_CONN(c)->sid;
}

/* Negotiated values of the initiator after an Accept (sctp_ssc.c). */
void
sctp_conn_bind_qp(struct sctp_conn *c)
{
	uint32_t ord = sctp_io14(c->local.ord), ird = sctp_io14(c->local.ird);

	if (c->peer_ird != TP_IRD_ORD_NONE && ord > c->peer_ird)
		ord = c->peer_ird;
	sctp_conn_set_info(c, ord, ird);
}
