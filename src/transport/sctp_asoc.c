/* sctp_asoc.c — SCTP associations: socket options, set-up, events, loss. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/sctp.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event2/event.h>

#include "transport/sctp_int.h"

static void	sctp_asoc_read_cb(evutil_socket_t, short, void *);
static void	sctp_asoc_write_cb(evutil_socket_t, short, void *);
static void	sctp_asoc_timer_cb(evutil_socket_t, short, void *);

/* Subscribe to one notification (RFC 6458 §6.2.1, SCTP_EVENT). */
static int
sctp_asoc_event(int fd, uint16_t type)
{
	struct sctp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.se_assoc_id = 0;
	ev.se_type = type;
	ev.se_on = 1;
	return setsockopt(fd, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof(ev));
}

/*
 * Options every socket of the transport gets before connect/listen (an
 * accepted socket inherits them): non-blocking, the DDP adaptation
 * indication (RFC 5043 §5.1), equal stream counts (§8), the events we
 * act on, no Nagle (§11.2), immediate SACKs, RTO, heartbeat, path
 * thresholds, buffers.  Tunables that a kernel lacks are best effort;
 * the ones DDP depends on fail the call.
 */
int
sctp_asoc_sockopts(struct sctp_tp *tp, int fd)
{
	const struct tp_sctp_opts *o = &tp->o;
	struct sctp_setadaptation ad;
	struct sctp_initmsg im;
	struct sctp_rtoinfo rto;
	struct sctp_paddrparams pp;
	struct sctp_sack_info sack;
	int one = 1, zero = 0, fl;

	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	memset(&ad, 0, sizeof(ad));
	ad.ssb_adaptation_ind = SCTP_DDP_ADAPTATION_IND;
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_ADAPTATION_LAYER, &ad,
	    sizeof(ad)) < 0)
		return -1;
	memset(&im, 0, sizeof(im));
	im.sinit_num_ostreams = o->streams;
	im.sinit_max_instreams = o->streams;
	im.sinit_max_attempts = 4;
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im)) < 0)
		return -1;
	if (sctp_asoc_event(fd, SCTP_ASSOC_CHANGE) < 0 ||
	    sctp_asoc_event(fd, SCTP_ADAPTATION_INDICATION) < 0 ||
	    sctp_asoc_event(fd, SCTP_PEER_ADDR_CHANGE) < 0 ||
	    sctp_asoc_event(fd, SCTP_SHUTDOWN_EVENT) < 0 ||
	    sctp_asoc_event(fd, SCTP_SEND_FAILED_EVENT) < 0)
		return -1;
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_RECVRCVINFO, &one,
	    sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &one, sizeof(one)) < 0)
		return -1;
	/* The length of the next message with each read that ends one
	 * (RFC 6458 §5.3.6): no FIONREAD for it (sctp_rx.c).  Optional. */
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_RECVNXTINFO, &one,
	    sizeof(one)) < 0)
		sctp_log(tp, LOG_DEBUG, "SCTP_RECVNXTINFO: %s",
		    strerror(errno));
	/* One message at a time on the socket: partial deliveries of two
	 * messages never interleave (sctp_rx.c relies on it). */
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE, &zero,
	    sizeof(zero)) < 0)
		return -1;
	memset(&rto, 0, sizeof(rto));
	rto.srto_initial = o->rto_initial_ms;
	rto.srto_min = o->rto_min_ms;
	rto.srto_max = o->rto_max_ms;
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof(rto)) < 0)
		sctp_log(tp, LOG_WARNING, "SCTP_RTOINFO: %s", strerror(errno));
	memset(&pp, 0, sizeof(pp));
	pp.spp_hbinterval = o->hb_interval_ms;
	pp.spp_pathmaxrxt = o->path_max_retrans;
	pp.spp_flags = SPP_HB_ENABLE;
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp,
	    sizeof(pp)) < 0)
		sctp_log(tp, LOG_WARNING, "SCTP_PEER_ADDR_PARAMS: %s",
		    strerror(errno));
#ifdef SCTP_PEER_THOLDS
	{
		struct sctp_paddrthlds th;

		memset(&th, 0, sizeof(th));
		th.spt_pathmaxrxt = o->path_max_retrans;
		th.spt_pathpfthld = o->pf_threshold;
		if (setsockopt(fd, IPPROTO_SCTP, SCTP_PEER_THOLDS, &th,
		    sizeof(th)) < 0)
			sctp_log(tp, LOG_DEBUG, "SCTP_PEER_THOLDS: %s",
			    strerror(errno));
	}
#endif
	/* No delayed SACK (sack_freq 1): untagged messages are not held
	 * back waiting for a bundle (RFC 5043 §11.2). */
	memset(&sack, 0, sizeof(sack));
	sack.sack_delay = 0;
	sack.sack_freq = 1;
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_DELAYED_SACK, &sack,
	    sizeof(sack)) < 0)
		sctp_log(tp, LOG_DEBUG, "SCTP_DELAYED_SACK: %s",
		    strerror(errno));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &o->sndbuf,
	    sizeof(o->sndbuf));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &o->rcvbuf,
	    sizeof(o->rcvbuf));
	return 0;
}

/* A new association object for fd (events made, read armed). */
struct sctp_asoc *
sctp_asoc_new(struct sctp_tp *tp, int fd, bool initiator,
    const struct sockaddr *peer, socklen_t peer_len)
{
	struct event_base *b = tp->env.base;
	struct sctp_asoc *as;

	if ((as = calloc(1, sizeof(*as))) == NULL)
		return NULL;
	as->tp = tp;
	as->fd = fd;
	as->initiator = initiator;
	as->state = SCTP_A_CONNECTING;
	TAILQ_INIT(&as->conns);
	TAILQ_INIT(&as->txq);
	if (peer_len <= sizeof(as->peer)) {
		memcpy(&as->peer, peer, peer_len);
		as->peer_len = peer_len;
	}
	as->rx.drain_sid = -1;
	as->ev_read = event_new(b, fd, EV_READ | EV_PERSIST,
	    sctp_asoc_read_cb, as);
	as->ev_write = event_new(b, fd, EV_WRITE | EV_PERSIST,
	    sctp_asoc_write_cb, as);
	as->ev_timer = evtimer_new(b, sctp_asoc_timer_cb, as);
	if (as->ev_read == NULL || as->ev_write == NULL ||
	    as->ev_timer == NULL || event_add(as->ev_read, NULL) < 0) {
		if (as->ev_read != NULL)
			event_free(as->ev_read);
		if (as->ev_write != NULL)
			event_free(as->ev_write);
		if (as->ev_timer != NULL)
			event_free(as->ev_timer);
		free(as);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&tp->asocs, as, entry);
	tp->nasocs++;
	return as;
}

/*
 * sctp_bindx() takes the addresses packed back to back (RFC 6458 §9.1),
 * not in sockaddr_storage slots: pack our configured addresses of
 * `family`, on `port`, into buf.  Returns how many.
 */
static int
sctp_pack_addrs(const struct sctp_tp *tp, int family, uint16_t port,
    uint8_t *buf)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	size_t i, off = 0;
	int n = 0;

	for (i = 0; i < tp->o.nlocal; i++) {
		if (tp->local[i].ss_family != family)
			continue;
		if (family == AF_INET) {
			memcpy(&sin, &tp->local[i], sizeof(sin));
			sin.sin_port = htons(port);
			memcpy(buf + off, &sin, sizeof(sin));
			off += sizeof(sin);
		} else {
			memcpy(&sin6, &tp->local[i], sizeof(sin6));
			sin6.sin6_port = htons(port);
			memcpy(buf + off, &sin6, sizeof(sin6));
			off += sizeof(sin6);
		}
		n++;
	}
	return n;
}

/* Open an association to the peer daemon at sa (non-blocking). */
struct sctp_asoc *
sctp_asoc_connect(struct sctp_tp *tp, const struct sockaddr *sa,
    socklen_t salen)
{
	struct sctp_asoc *as;
	uint8_t l[TP_SCTP_LOCAL_MAX * sizeof(struct sockaddr_in6)];
	int fd, e, n;

	if (tp->nasocs >= SCTP_ASOC_MAX) {
		errno = ENOSPC;
		return NULL;
	}
	if ((fd = socket(sa->sa_family, SOCK_STREAM, IPPROTO_SCTP)) < 0)
		return NULL;
	if (sctp_asoc_sockopts(tp, fd) < 0)
		goto fail;
	/* Multihoming: our configured addresses of sa's family. */
	n = sctp_pack_addrs(tp, sa->sa_family, 0, l);
	if (n > 0 && sctp_bindx(fd, (struct sockaddr *)(void *)l, n,
	    SCTP_BINDX_ADD_ADDR) < 0)
		goto fail;
	if (connect(fd, sa, salen) < 0 && errno != EINPROGRESS)
		goto fail;
	if ((as = sctp_asoc_new(tp, fd, true, sa, salen)) == NULL)
		goto fail;
	return as;
fail:
	e = errno;
	close(fd);
	errno = e;
	return NULL;
}

/* How many sessions this side may start on as. */
static uint32_t
sctp_asoc_capacity(const struct sctp_asoc *as)
{
	uint32_t n = as->state == SCTP_A_UP ? as->nstreams :
	    as->tp->o.streams;

	return as->initiator ? (n + 1) / 2 : n / 2;
}

bool
sctp_asoc_owns(const struct sctp_asoc *as, uint16_t sid)
{
	return (sid % 2 == 0) == as->initiator;
}

static bool
sctp_sa_equal(const struct sockaddr *a, const struct sockaddr *b)
{
	const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;
	const struct sockaddr_in6 *a6 = (const void *)a,
	    *b6 = (const void *)b;

	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return a6->sin6_port == b6->sin6_port &&
	    memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
}

/* An association we opened to sa with a stream to spare, or NULL. */
struct sctp_asoc *
sctp_asoc_find(struct sctp_tp *tp, const struct sockaddr *sa,
    socklen_t salen)
{
	struct sctp_asoc *as;

	(void)salen;
	TAILQ_FOREACH(as, &tp->asocs, entry)
		if (as->initiator && as->state != SCTP_A_DEAD &&
		    sctp_sa_equal((struct sockaddr *)&as->peer, sa) &&
		    as->owned_used < sctp_asoc_capacity(as))
			return as;
	return NULL;
}

/* Give c a free stream id of ours, round robin (reuse comes last). */
int
sctp_asoc_alloc_sid(struct sctp_asoc *as, struct sctp_conn *c)
{
	uint32_t i, sid;

	for (i = 0; i < as->nstreams; i++) {
		sid = (as->next_sid + i) % as->nstreams;
		if (!sctp_asoc_owns(as, (uint16_t)sid) ||
		    as->streams[sid] != NULL)
			continue;
		as->streams[sid] = c;
		c->sid = (int)sid;
		as->next_sid = sid + 1;
		return 0;
	}
	errno = ENOSPC;
	return -1;
}

void
sctp_asoc_free_sid(struct sctp_asoc *as, struct sctp_conn *c)
{
	if (c->initiator && as->owned_used > 0)
		as->owned_used--;
	if (c->sid >= 0 && c->sid < as->nstreams &&
	    as->streams[c->sid] == c)
		as->streams[c->sid] = NULL;
}

/* Close the socket and queue the object for freeing. */
static void
sctp_asoc_bury(struct sctp_asoc *as, bool abortive)
{
	struct sctp_tp *tp = as->tp;
	struct linger lg = { 1, 0 };

	/* The data path's system calls (sctp_tx.c, sctp_rx.c). */
	sctp_log(tp, LOG_DEBUG, "association closed: %llu messages sent "
	    "in %llu send calls, %llu receive calls",
	    (unsigned long long)as->tx_msgs,
	    (unsigned long long)as->tx_calls,
	    (unsigned long long)as->rx_calls);
	event_del(as->ev_read);
	event_del(as->ev_write);
	event_del(as->ev_timer);
	if (abortive)
		(void)setsockopt(as->fd, SOL_SOCKET, SO_LINGER, &lg,
		    sizeof(lg));
	close(as->fd);
	as->fd = -1;
	TAILQ_REMOVE(&tp->asocs, as, entry);
	tp->nasocs--;
	TAILQ_INSERT_TAIL(&tp->dead_asocs, as, entry);
	event_active(tp->ev_reap, EV_TIMEOUT, 0);
}

/*
 * The association is gone (or refused for DDP): every session on it
 * ends without a Terminate per stream (RFC 5043 §11.3); the QPs learn
 * it through eng_qp_llp_closed(), the daemon through conn_result() or
 * conn_closed().
 */
static void
sctp_asoc_end(struct sctp_asoc *as, enum tp_result r, const char *why,
    bool abortive)
{
	struct sctp_conn *c;
	char host[64];

	if (as->state == SCTP_A_DEAD)
		return;
	as->state = SCTP_A_DEAD;
	sctp_log(as->tp, LOG_NOTICE, "association with %s ended: %s (%u "
	    "sessions)", sctp_addr_str((struct sockaddr *)&as->peer, host,
	    sizeof(host)), why, as->nconns);
	while ((c = TAILQ_FIRST(&as->conns)) != NULL) {
		if (c->qp != NULL && !c->qp_closed) {
			c->qp_closed = true;
			eng_qp_llp_closed(c->qp, false);
		}
		if (c->known && !c->dead) {
			c->known = false;
			if (c->initiator && (c->state == SCTP_C_ASSOC_WAIT ||
			    c->state == SCTP_C_INIT_SENT))
				as->tp->env.conn_result(as->tp->env.arg,
				    SCTP_TPC(c), r, NULL, why);
			else
				as->tp->env.conn_closed(as->tp->env.arg,
				    SCTP_TPC(c));
		}
		sctp_conn_kill(c);
	}
	sctp_asoc_bury(as, abortive);
}

void
sctp_asoc_lost(struct sctp_asoc *as, const char *why)
{
	sctp_asoc_end(as, as->state == SCTP_A_CONNECTING ? TP_REFUSED :
	    TP_UNREACHABLE, why, false);
}

/*
 * After COMM_UP and the notifications queued with it: the peer either
 * indicated DDP (RFC 5043 §11.1 table: proceed) or not (NONE or
 * ANY-OTHER: "MUST NOT" do DDP: abort it, report TP_UNSUPPORTED).
 */
void
sctp_asoc_adapt_check(struct sctp_asoc *as)
{
	struct sctp_conn *c;
	bool again = true;

	if (as->state != SCTP_A_CONNECTING || !as->comm_up)
		return;
	if (!as->ddp) {
		sctp_asoc_end(as, TP_UNSUPPORTED, "the peer did not indicate "
		    "the DDP adaptation layer (RFC 5043 §5.1)", true);
		return;
	}
	as->state = SCTP_A_UP;
	as->max_seg = sctp_asoc_max_seg(as);
	if (!TAILQ_EMPTY(&as->txq))
		sctp_asoc_want_write(as);
	/* sctp_ssc_start() may end c: rescan after each. */
	while (again && as->state == SCTP_A_UP) {
		again = false;
		TAILQ_FOREACH(c, &as->conns, entry)
			if (c->state == SCTP_C_ASSOC_WAIT) {
				sctp_ssc_start(c);
				again = true;
				break;
			}
	}
}

/* An SCTP notification (RFC 6458 §6.1) of len octets. */
void
sctp_asoc_notif(struct sctp_asoc *as, const uint8_t *p, size_t len)
{
	union sctp_notification n;
	char why[96];
	uint32_t streams;

	memset(&n, 0, sizeof(n));
	memcpy(&n, p, len < sizeof(n) ? len : sizeof(n));
	if (len < sizeof(n.sn_header))
		return;
	switch (n.sn_header.sn_type) {
	case SCTP_ASSOC_CHANGE:
		switch (n.sn_assoc_change.sac_state) {
		case SCTP_COMM_UP:
			if (as->comm_up)
				break;
			streams = n.sn_assoc_change.sac_outbound_streams;
			if (n.sn_assoc_change.sac_inbound_streams < streams)
				streams =
				    n.sn_assoc_change.sac_inbound_streams;
			if (streams > as->tp->o.streams)
				streams = as->tp->o.streams;
			as->streams = calloc(streams ? streams : 1,
			    sizeof(*as->streams));
			if (as->streams == NULL) {
				sctp_asoc_lost(as, "out of memory");
				return;
			}
			as->nstreams = (uint16_t)streams;
			as->comm_up = true;
			break;
		case SCTP_RESTART:
			sctp_asoc_end(as, TP_UNREACHABLE, "the peer restarted",
			    true);
			break;
		case SCTP_COMM_LOST:
		case SCTP_SHUTDOWN_COMP:
		case SCTP_CANT_STR_ASSOC:
			snprintf(why, sizeof(why), "%s (error %u)",
			    n.sn_assoc_change.sac_state == SCTP_COMM_LOST ?
			    "communication lost" :
			    n.sn_assoc_change.sac_state == SCTP_SHUTDOWN_COMP ?
			    "shut down" : "cannot start the association",
			    n.sn_assoc_change.sac_error);
			sctp_asoc_lost(as, why);
			break;
		default:
			break;
		}
		break;
	case SCTP_ADAPTATION_INDICATION:
		as->ddp = n.sn_adaptation_event.sai_adaptation_ind ==
		    SCTP_DDP_ADAPTATION_IND;
		break;
	case SCTP_PEER_ADDR_CHANGE:
		sctp_info_path_change(as, &n.sn_paddr_change);
		break;
	case SCTP_SHUTDOWN_EVENT:
		sctp_asoc_lost(as, "the peer shut the association down");
		break;
	case SCTP_SEND_FAILED_EVENT:
		sctp_log(as->tp, LOG_WARNING, "stream %u: a message could "
		    "not be sent (error %u)",
		    n.sn_send_failed_event.ssfe_info.snd_sid,
		    n.sn_send_failed_event.ssf_error);
		break;
	default:
		break;
	}
}

static void
sctp_asoc_read_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	sctp_rx_run(arg);
}

static void
sctp_asoc_write_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	sctp_tx_run(arg);
}

/* The §10 guard waits a little for SACKs (sctp_tx.c). */
static void
sctp_asoc_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sctp_asoc *as = arg;

	(void)fd;
	(void)what;
	as->tx_blocked = false;
	sctp_tx_run(as);
}

/* ---- listening ------------------------------------------------------ */

static void
sctp_listen_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct sctp_tp *tp = arg;
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, i;

	(void)what;
	for (i = 0; i < 64; i++) {
		sl = sizeof(ss);
		fd = accept(lfd, (struct sockaddr *)&ss, &sl);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				sctp_log(tp, LOG_WARNING, "accept: %s",
				    strerror(errno));
			return;
		}
		if (tp->nasocs >= SCTP_ASOC_MAX ||
		    sctp_asoc_sockopts(tp, fd) < 0 ||
		    sctp_asoc_new(tp, fd, false, (struct sockaddr *)&ss,
		    sl) == NULL) {
			sctp_log(tp, LOG_WARNING, "association refused: %s",
			    tp->nasocs >= SCTP_ASOC_MAX ? "too many" :
			    strerror(errno));
			close(fd);
		}
	}
}

/* Set the port of a copy of sa. */
static void
sctp_sa_setport(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

/* Open the daemon's listening socket on the configured addresses (or
 * sa's), on the daemon port. */
static int
sctp_listen_open(struct sctp_tp *tp, const struct sockaddr *sa,
    socklen_t salen, char *cause, size_t causelen)
{
	uint8_t l[TP_SCTP_LOCAL_MAX * sizeof(struct sockaddr_in6)];
	struct sockaddr_storage one_sa;
	int fd, n, one = 1;

	n = sctp_pack_addrs(tp, sa->sa_family, tp->o.port, l);
	if (n == 0) {
		memset(&one_sa, 0, sizeof(one_sa));
		memcpy(&one_sa, sa, salen);
		sctp_sa_setport(&one_sa, tp->o.port);
		memcpy(l, &one_sa, salen);
		n = 1;
	}
	if ((fd = socket(sa->sa_family, SOCK_STREAM, IPPROTO_SCTP)) < 0) {
		snprintf(cause, causelen, "socket: %s", strerror(errno));
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (sctp_asoc_sockopts(tp, fd) < 0 ||
	    sctp_bindx(fd, (struct sockaddr *)(void *)l, n,
	    SCTP_BINDX_ADD_ADDR) < 0 || listen(fd, 128) < 0) {
		snprintf(cause, causelen, "sctp port %u: %s", tp->o.port,
		    strerror(errno));
		close(fd);
		return -1;
	}
	tp->ev_listen = event_new(tp->env.base, fd, EV_READ | EV_PERSIST,
	    sctp_listen_cb, tp);
	if (tp->ev_listen == NULL || event_add(tp->ev_listen, NULL) < 0) {
		snprintf(cause, causelen, "event: out of memory");
		if (tp->ev_listen != NULL)
			event_free(tp->ev_listen);
		tp->ev_listen = NULL;
		close(fd);
		return -1;
	}
	tp->lfd = fd;
	return 0;
}

int
sctp_listen(struct tp *tp_, const struct sockaddr *sa, socklen_t salen,
    char *cause, size_t causelen)
{
	struct sctp_tp *tp = SCTP_TP(tp_);
	struct sctp_service *s;
	uint16_t port;

	if (sa == NULL || salen > sizeof(s->sa) ||
	    (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)) {
		snprintf(cause, causelen, "bad address");
		errno = EINVAL;
		return -1;
	}
	port = ntohs(sa->sa_family == AF_INET ?
	    ((const struct sockaddr_in *)(const void *)sa)->sin_port :
	    ((const struct sockaddr_in6 *)(const void *)sa)->sin6_port);
	TAILQ_FOREACH(s, &tp->services, entry)
		if (s->port == port) {
			snprintf(cause, causelen, "service %u: already "
			    "listening", port);
			errno = EADDRINUSE;
			return -1;
		}
	if (tp->lfd < 0 && sctp_listen_open(tp, sa, salen, cause,
	    causelen) < 0)
		return -1;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return -1;
	}
	s->port = port;
	memcpy(&s->sa, sa, salen);
	s->salen = salen;
	TAILQ_INSERT_TAIL(&tp->services, s, entry);
	return 0;
}

void
sctp_unlisten(struct tp *tp_, const struct sockaddr *sa, socklen_t salen)
{
	struct sctp_tp *tp = SCTP_TP(tp_);
	struct sctp_service *s;

	TAILQ_FOREACH(s, &tp->services, entry)
		if (s->salen == salen && memcmp(&s->sa, sa, salen) == 0)
			break;
	if (s == NULL)
		return;
	TAILQ_REMOVE(&tp->services, s, entry);
	free(s);
	if (TAILQ_EMPTY(&tp->services) && tp->lfd >= 0) {
		/* Associations already up stay; new ones are refused. */
		event_free(tp->ev_listen);
		tp->ev_listen = NULL;
		close(tp->lfd);
		tp->lfd = -1;
	}
}

/* destroy(): end everything, with no daemon callback. */
void
sctp_asoc_close_all(struct sctp_tp *tp)
{
	struct sctp_asoc *as;
	struct sctp_conn *c;

	while ((as = TAILQ_FIRST(&tp->asocs)) != NULL) {
		as->state = SCTP_A_DEAD;
		while ((c = TAILQ_FIRST(&as->conns)) != NULL) {
			c->known = false;
			if (c->qp != NULL && !c->qp_closed) {
				c->qp_closed = true;
				eng_qp_llp_closed(c->qp, false);
			}
			sctp_conn_kill(c);
		}
		sctp_asoc_bury(as, false);
	}
}
