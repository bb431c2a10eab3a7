/* tcp.c — TCP/MPA transport: ops table, sockets, connection lifetime. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event2/event.h>

#include "transport/tcp.h"

static void	tcp_read_cb(evutil_socket_t, short, void *);
static void	tcp_write_cb(evutil_socket_t, short, void *);
static void	tcp_timer_cb(evutil_socket_t, short, void *);

/* Log one line through the daemon's callback, prefixed with the peer. */
void
tcp_log(struct tp_conn *c, int level, const char *fmt, ...)
{
	char msg[256], host[64] = "?";
	va_list ap;
	int n;

	if (c->tp->env.log == NULL)
		return;
	if (getnameinfo((struct sockaddr *)&c->peer, c->peer_len, host,
	    sizeof(host), NULL, 0, NI_NUMERICHOST) != 0)
		snprintf(host, sizeof(host), "?");
	n = snprintf(msg, sizeof(msg), "tcp %s: ", host);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	c->tp->env.log(c->tp->env.arg, level, msg);
}

/* Socket options every MPA stream gets (RFC 5044 §5.1: no Nagle). */
int
tcp_sockopts(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		return -1;
	/* Best effort: a dead peer is found even on an idle stream. */
	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	return 0;
}

/* A new connection on fd; the events are created, none is armed. */
struct tp_conn *
tcp_conn_new(struct tp *tp, int fd, bool initiator)
{
	struct tp_conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->head.kind = TP_TCP;
	c->tp = tp;
	c->fd = fd;
	c->initiator = initiator;
	c->msn_shift_qn = UINT32_MAX;
	c->tx_out = c->sb.tx_out;
	c->tx_iov = c->sb.tx_iov;
	c->tx_max = TCP_TX_IOV_SMALL;
	c->tx_scratch = c->sb.tx_scratch;
	c->tx_scap = sizeof(c->sb.tx_scratch);
	c->rx_iov = c->sb.rx_iov;
	c->rx_kind = c->sb.rx_kind;
	c->rx_sink = tp->sink;
	c->ev_read = event_new(tp->env.base, fd, EV_READ | EV_PERSIST,
	    tcp_read_cb, c);
	c->ev_write = event_new(tp->env.base, fd, EV_WRITE | EV_PERSIST,
	    tcp_write_cb, c);
	c->ev_timer = evtimer_new(tp->env.base, tcp_timer_cb, c);
	if (c->ev_read == NULL || c->ev_write == NULL || c->ev_timer == NULL) {
		if (c->ev_read)
			event_free(c->ev_read);
		if (c->ev_write)
			event_free(c->ev_write);
		if (c->ev_timer)
			event_free(c->ev_timer);
		free(c);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&tp->conns, c, entry);
	return c;
}

/*
 * Markers were negotiated (either direction): switch the step buffers
 * to marker-sized ones (~15 KiB), which a connection without markers
 * never carries.  Before any FPDU moves; -1 when out of memory.
 */
int
tcp_bufs_markers(struct tp_conn *c)
{
	struct tcp_mkbufs *mk = c->mk;

	if (mk == NULL && (mk = calloc(1, sizeof(*mk))) == NULL)
		return -1;
	c->mk = mk;
	c->tx_out = mk->tx_out;
	c->tx_iov = mk->tx_iov;
	c->tx_max = TCP_TX_IOV_MAX;
	c->tx_scratch = mk->tx_scratch;
	c->tx_scap = sizeof(mk->tx_scratch);
	c->rx_mkbuf = mk->rx_mkbuf;
	c->rx_iov = mk->rx_iov;
	c->rx_kind = mk->rx_kind;
	return 0;
}

/*
 * Before a read callback: read through the transport's read-ahead unless
 * c kept octets of its own from an earlier one.
 */
void
tcp_ra_borrow(struct tp_conn *c)
{
	if (c->ra == NULL) {
		c->ra = c->tp->ra;
		c->tp->ra_user = c;
		c->ra_off = c->ra_len = 0;
	}
}

/*
 * After it: give the shared read-ahead back.  Octets still waiting in it
 * move to a private buffer, freed again once they are consumed, so an
 * idle connection holds no read-ahead.  -1 when out of memory (those
 * octets are lost: the caller drops the stream).
 */
int
tcp_ra_return(struct tp_conn *c)
{
	struct tp *tp = c->tp;
	size_t left = c->ra_len - c->ra_off;

	if (c->ra == tp->ra) {
		tp->ra_user = NULL;
		c->ra = NULL;
		if (left == 0 || c->dead) {
			c->ra_off = c->ra_len = 0;
			return 0;
		}
		if ((c->ra = malloc(TCP_RA_SIZE)) == NULL) {
			c->ra_off = c->ra_len = 0;
			return -1;
		}
		memcpy(c->ra, tp->ra + c->ra_off, left);
		c->ra_off = 0;
		c->ra_len = left;
	} else if (c->ra != NULL && left == 0) {
		free(c->ra);
		c->ra = NULL;
		c->ra_off = c->ra_len = 0;
	}
	return 0;
}

/*
 * The free end of the raw octets to send first (MPA frames, transport
 * FPDUs), allocated on first use; NULL when out of memory.
 */
uint8_t *
tcp_raw_room(struct tp_conn *c, size_t *room)
{
	if (c->raw == NULL && (c->raw = malloc(TCP_RAW_MAX)) == NULL) {
		*room = 0;
		return NULL;
	}
	*room = TCP_RAW_MAX - c->raw_len;
	return c->raw + c->raw_len;
}

/* Every raw octet is out: the buffer goes until it is needed again. */
void
tcp_raw_sent(struct tp_conn *c)
{
	free(c->raw);
	c->raw = NULL;
	c->raw_off = c->raw_len = 0;
}

/* Keep a copy of len octets of private data in *dst (old one freed). */
int
tcp_pd_keep(uint8_t **dst, size_t *dlen, const void *src, size_t len)
{
	uint8_t *p = NULL;

	if (len > 0) {
		if ((p = malloc(len)) == NULL)
			return -1;
		memcpy(p, src, len);
	}
	free(*dst);
	*dst = p;
	*dlen = len;
	return 0;
}

/* The Startup Phase is over: its private data buffers go. */
void
tcp_pd_free(struct tp_conn *c)
{
	free(c->mypd);
	free(c->peerpd);
	c->mypd = c->peerpd = NULL;
	c->mypd_len = c->peerpd_len = 0;
	c->req.ulp_pd = c->rep.ulp_pd = NULL;
	c->req.ulp_pd_len = c->rep.ulp_pd_len = 0;
}

/* Free c and everything it owns (it is dead and no callback runs). */
static void
tcp_conn_free(struct tp_conn *c)
{
	TAILQ_REMOVE(&c->tp->conns, c, entry);
	event_free(c->ev_read);
	event_free(c->ev_write);
	event_free(c->ev_timer);
	if (c->fd >= 0)
		close(c->fd);
	free(c->tx_copy);
	free(c->raw);
	free(c->mk);
	tcp_pd_free(c);
	if (c->ra != NULL && c->ra != c->tp->ra)
		free(c->ra);
	else if (c->tp->ra_user == c)
		c->tp->ra_user = NULL;
	free(c);
}

void
tcp_hold(struct tp_conn *c)
{
	c->busy++;
}

/* Drop a hold; free a dead connection once nothing holds it. */
void
tcp_release(struct tp_conn *c)
{
	if (--c->busy == 0 && c->dead)
		tcp_conn_free(c);
}

/* Run the send path from the event loop (never re-entrantly). */
void
tcp_want_write(struct tp_conn *c)
{
	if (!c->dead)
		event_active(c->ev_write, EV_WRITE, 0);
}

void
tcp_want_read(struct tp_conn *c, bool on)
{
	if (c->dead)
		return;
	if (on)
		event_add(c->ev_read, NULL);
	else
		event_del(c->ev_read);
}

/* Arm the connection's one timer; ms < 0 disarms it. */
void
tcp_timer(struct tp_conn *c, int ms)
{
	struct timeval tv;

	if (c->dead)
		return;
	if (ms < 0) {
		evtimer_del(c->ev_timer);
		return;
	}
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(c->ev_timer, &tv);
}

/*
 * Close the socket (with an RST when abortive: SO_LINGER 0) and mark c
 * dead; it is freed once no callback holds it.  No callbacks.
 */
void
tcp_kill(struct tp_conn *c, bool abortive)
{
	struct linger lg = { 1, 0 };

	if (c->dead)
		return;
	event_del(c->ev_read);
	event_del(c->ev_write);
	evtimer_del(c->ev_timer);
	if (c->fd >= 0) {
		/* not after a Terminate of ours: the reset could drop it */
		if (abortive && !c->close_after_raw)
			(void)setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg,
			    sizeof(lg));
		close(c->fd);
		c->fd = -1;
	}
	c->state = TCP_S_DEAD;
	c->dead = true;
	if (c->busy == 0)
		tcp_conn_free(c);
}

/*
 * The Startup Phase failed: tell the daemon (conn_result for an
 * Initiator, conn_closed for a request it was shown) and close at once
 * (RFC 5044 §7.1.2 rules 2, 3, 5: "close the TCP connection").
 */
void
tcp_fail(struct tp_conn *c, enum tp_result r, const char *why)
{
	tcp_fail_peer(c, r, NULL, why);
}

/* The same, passing the peer's Reply values up (RFC 6581 §9.1). */
void
tcp_fail_peer(struct tp_conn *c, enum tp_result r,
    const struct tp_conn_params *peer, const char *why)
{
	const struct tp_env *env = &c->tp->env;

	if (c->dead)
		return;
	tcp_log(c, LOG_INFO, "MPA start-up failed: %s", why);
	tcp_hold(c);
	c->state = TCP_S_DEAD;
	if (c->initiator && !c->known && env->conn_result != NULL) {
		c->known = true;
		env->conn_result(env->arg, c, r, peer, why);
	} else if (c->known && !c->by_daemon && env->conn_closed != NULL)
		env->conn_closed(env->arg, c);
	tcp_kill(c, true);
	tcp_release(c);
}

/*
 * The stream ended in Full Operation (or while the initiator waited for
 * attach): detach the QP (RFC 5044 §8 code 1), tell the daemon, close.
 */
void
tcp_finish(struct tp_conn *c, bool orderly, bool abortive)
{
	const struct tp_env *env = &c->tp->env;
	struct eng_qp *qp = c->qp;

	if (c->dead)
		return;
	tcp_hold(c);
	c->qp = NULL;
	c->state = TCP_S_DEAD;
	if (qp != NULL)
		eng_qp_llp_closed(qp, orderly);
	if (c->known && !c->by_daemon && env->conn_closed != NULL)
		env->conn_closed(env->arg, c);
	tcp_kill(c, abortive);
	tcp_release(c);
}

/* Socket readable: the Startup Phase or the FPDU receive path. */
static void
tcp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tp_conn *c = arg;

	(void)fd;
	(void)what;
	tcp_hold(c);
	tcp_ra_borrow(c);
	switch (c->state) {
	case TCP_S_REQ_WAIT:
	case TCP_S_REP_WAIT:
		tcp_mpa_read(c);
		break;
	case TCP_S_FULL:
	case TCP_S_CLOSING:
		if (c->qp == NULL)
			tcp_detached_read(c);
		else
			tcp_rx_run(c);
		break;
	case TCP_S_REJECTED:
		/* RFC 5044 §7.1.2 rule 2: MPA is over; drop what comes. */
		if (tcp_rx_fill_ra(c) <= 0 && c->rx_eof)
			tcp_kill(c, false);
		c->ra_len = c->ra_off = 0;
		break;
	default:
		tcp_want_read(c, false);
		break;
	}
	if (tcp_ra_return(c) == -1 && !c->dead) {
		tcp_log(c, LOG_ERR, "out of memory for the read-ahead");
		if ((c->state == TCP_S_FULL || c->state == TCP_S_CLOSING) &&
		    c->qp != NULL)
			tcp_finish(c, false, true);
		else
			tcp_fail(c, TP_UNREACHABLE, "out of memory");
	}
	tcp_release(c);
}

/* The non-blocking connect() ended: send the MPA Request or fail. */
static void
tcp_connected(struct tp_conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err == EINPROGRESS)
		return;
	event_del(c->ev_write);
	if (err != 0) {
		tcp_fail(c, err == ECONNREFUSED ? TP_REFUSED : TP_UNREACHABLE,
		    strerror(err));
		return;
	}
	if (tcp_sockopts(c->fd) < 0) {
		tcp_fail(c, TP_UNREACHABLE, strerror(errno));
		return;
	}
	c->state = TCP_S_REP_WAIT;
	if (tcp_mpa_send_req(c) < 0) {
		tcp_fail(c, TP_PROTOCOL, "cannot build the MPA Request");
		return;
	}
	tcp_want_read(c, true);
}

/* Socket writable (or kicked): finish connect(), or run the send path. */
static void
tcp_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tp_conn *c = arg;

	(void)fd;
	(void)what;
	tcp_hold(c);
	if (c->state == TCP_S_CONNECTING)
		tcp_connected(c);
	else if (!c->dead)
		tcp_tx_run(c);
	tcp_release(c);
}

/* The connection's timer: start-up timeout, or a close to complete. */
static void
tcp_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tp_conn *c = arg;

	(void)fd;
	(void)what;
	tcp_hold(c);
	switch (c->state) {
	case TCP_S_CONNECTING:
	case TCP_S_REP_WAIT:
		tcp_fail(c, TP_UNREACHABLE, "timed out");
		break;
	case TCP_S_REQ_WAIT:
	case TCP_S_DECIDE:
		/* RFC 5044 §7.1.2 rules 8 and 10. */
		tcp_fail(c, TP_UNREACHABLE, "timed out waiting for the "
		    "MPA Request or the accept");
		break;
	case TCP_S_REJECTED:
		tcp_kill(c, false);
		break;
	case TCP_S_CLOSING:
		/* An abortive close the engine asked for, or no FIN came
		 * in time after ours. */
		tcp_finish(c, false, true);
		break;
	default:
		break;
	}
	tcp_release(c);
}

/* ---- the ops table -------------------------------------------------- */

static bool
tcp_available(char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	return true;		/* TCP is always there */
}

static int
tcp_create(const struct tp_env *env, const void *opts, struct tp **tpp)
{
	struct tp *tp;

	if ((tp = calloc(1, sizeof(*tp))) == NULL)
		return -1;
	tp->env = *env;
	if (opts != NULL)
		tp->opts = *(const struct tp_mpa_opts *)opts;
	else {
		tp->opts.revision = 2;
		tp->opts.crc = true;
		tp->opts.timeout_ms = 10000;
	}
	if (tp->opts.revision != 1 && tp->opts.revision != 2)
		tp->opts.revision = 2;
	if (tp->opts.rtr == 0 || (tp->opts.rtr & ~TP_RTR_ALL) != 0)
		tp->opts.rtr = TP_RTR_ALL;
	if (tp->opts.timeout_ms <= 0)
		tp->opts.timeout_ms = 10000;
	TAILQ_INIT(&tp->listeners);
	TAILQ_INIT(&tp->conns);
	*tpp = tp;
	return 0;
}

/*
 * Close every listener and connection: attached QPs get
 * eng_qp_llp_closed(), the daemon no callback.  Not to be called from a
 * callback of this transport.
 */
static void
tcp_destroy(struct tp *tp)
{
	struct tcp_listener *l;
	struct tp_conn *c;

	while ((l = TAILQ_FIRST(&tp->listeners)) != NULL) {
		TAILQ_REMOVE(&tp->listeners, l, entry);
		event_free(l->ev);
		close(l->fd);
		free(l);
	}
	while ((c = TAILQ_FIRST(&tp->conns)) != NULL) {
		c->by_daemon = true;
		c->busy = 0;		/* no callback is on the stack */
		if (c->dead)
			tcp_conn_free(c);
		else
			tcp_finish(c, false, true);
	}
	free(tp);
}

/* Start a TCP connect; the MPA Request follows once it completes. */
static int
tcp_connect(struct tp *tp, const struct sockaddr *sa, socklen_t salen,
    const struct tp_conn_params *p, void *cookie, struct tp_conn **cp)
{
	struct sockaddr_storage ss;
	struct tp_conn *c;
	int fd;

	if (salen > sizeof(ss) || p->priv_len > MPA_PRIV_DATA_MAX -
	    MPA_V2_IRD_ORD_LEN || (p->priv_len > 0 && p->priv == NULL)) {
		errno = EINVAL;
		return -1;
	}
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, sa, salen);
	if (p->service != 0 && ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons(p->service);
	else if (p->service != 0 && ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(p->service);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0)
		return -1;
	/* A graceful close leaves this stream's ephemeral port in
	 * TIME_WAIT; with SO_REUSEADDR here too, a listener may bind that
	 * port meanwhile (listeners set it, tcp_listen.c). */
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 },
	    sizeof(int));
	if (connect(fd, (struct sockaddr *)&ss, salen) < 0 &&
	    errno != EINPROGRESS) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if ((c = tcp_conn_new(tp, fd, true)) == NULL) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	memcpy(&c->peer, &ss, salen);
	c->peer_len = salen;
	c->service = p->service;
	c->head.cookie = cookie;
	c->local = *p;
	c->local.priv = NULL;
	if (tcp_pd_keep(&c->mypd, &c->mypd_len, p->priv, p->priv_len) ==
	    -1) {
		tcp_kill(c, true);
		errno = ENOMEM;
		return -1;
	}
	c->state = TCP_S_CONNECTING;
	event_add(c->ev_write, NULL);
	tcp_timer(c, tp->opts.timeout_ms);
	*cp = c;
	return 0;
}

static int
tcp_accept(struct tp_conn *c, struct eng_qp *qp,
    const struct tp_conn_params *p)
{
	int rv;

	tcp_hold(c);
	rv = tcp_mpa_accept(c, qp, p);
	tcp_release(c);
	return rv;
}

static int
tcp_reject(struct tp_conn *c, const void *priv, size_t len)
{
	int rv;

	tcp_hold(c);
	rv = tcp_mpa_reject(c, priv, len);
	tcp_release(c);
	return rv;
}

static int
tcp_attach(struct tp_conn *c, struct eng_qp *qp)
{
	int rv;

	tcp_hold(c);
	rv = tcp_mpa_attach(c, qp);
	tcp_release(c);
	return rv;
}

/*
 * The daemon drops c.  Before Full Operation: reset the stream and free
 * c.  In Full Operation (QP_DESTROY, a client that went away): close
 * gracefully (RFC 5044 §7.2) without the QP — see tcp_detach().
 */
static void
tcp_abort(struct tp_conn *c)
{
	c->by_daemon = true;
	tcp_hold(c);
	if ((c->state == TCP_S_FULL || c->state == TCP_S_CLOSING) &&
	    c->qp != NULL && !c->closing_abortive && tcp_detach(c) == 0) {
		tcp_release(c);
		return;
	}
	tcp_finish(c, false, true);
	tcp_release(c);
}

/* Connections flushing a Terminate, a Reject or our FIN. */
static unsigned int
tcp_closing(struct tp *tp)
{
	struct tp_conn *c;
	unsigned int n = 0;

	TAILQ_FOREACH(c, &tp->conns, entry)
		if (!c->dead && (c->state == TCP_S_CLOSING ||
		    c->state == TCP_S_REJECTED))
			n++;
	return n;
}

/* What the MPA exchange negotiated (tp_conn_info() of a TCP conn). */
int
tcp_conn_info(const struct tp_conn *c, struct tp_conn_info *ci)
{
	if (!c->info_ok)
		return -1;
	*ci = c->info;
	return 0;
}

/* ---- what the engine calls (struct eng_llp_ops) --------------------- */

/* The engine has segments: run the send path from the loop. */
static void
tcp_llp_kick(void *llp)
{
	struct tp_conn *c = llp;

	if (c->state == TCP_S_FULL || c->state == TCP_S_CLOSING)
		tcp_want_write(c);
}

/*
 * The engine closes the stream.  Deferred to the loop (the engine may be
 * inside a call from us): abortive at once by the timer, graceful after
 * the send path drained and our FIN was answered (RFC 5044 §7.2).
 */
static void
tcp_llp_close(void *llp, bool abortive)
{
	struct tp_conn *c = llp;

	if (c->dead || c->state == TCP_S_CLOSING)
		return;
	c->state = TCP_S_CLOSING;
	c->closing_abortive = abortive;
	if (abortive)
		event_active(c->ev_timer, EV_TIMEOUT, 0);
	else {
		tcp_timer(c, c->tp->opts.timeout_ms);
		tcp_want_write(c);
	}
}

const struct eng_llp_ops tcp_llp_ops = {
	.kick = tcp_llp_kick,
	.close = tcp_llp_close
};

const struct tp_ops tp_tcp_ops = {
	.name = "tcp",
	.kind = TP_TCP,
	.available = tcp_available,
	.create = tcp_create,
	.destroy = tcp_destroy,
	.listen = tcp_listen,
	.unlisten = tcp_unlisten,
	.connect = tcp_connect,
	.accept = tcp_accept,
	.reject = tcp_reject,
	.attach = tcp_attach,
	.abort = tcp_abort,
	.closing = tcp_closing
};
