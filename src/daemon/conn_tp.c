/* conn_tp.c — the daemon's transports (TCP/MPA, SCTP) and the peer log. */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "daemon/conn.h"
#include "daemon/session.h"
#include "transport/sctp.h"

/*
 * TCP/MPA is always there.  SCTP (RFC 5043) runs when the kernel has it
 * (tp_sctp_ops.available()); otherwise its reason is kept for rdmactl
 * status, for connects asking for SCTP (EPROTONOSUPPORT) and for the
 * "why" of automatic connects that fall back.  Connections of both
 * kinds are told apart by tp_conn_kind().
 *
 * Peer log: the transport used towards each peer host is logged when
 * the first QP to it comes up and whenever it changes, not per QP.  The
 * table is bounded: when full, the entry seen longest ago is reused.
 */

#define CONN_TP_PEERS	64	/* peer hosts remembered for the log */

struct conn_tp_peer {
	char		host[NI_MAXHOST];
	enum tp_kind	kind;
	uint64_t	seen;		/* a tick, for reuse */
};

static struct {
	struct tp		*tcp, *sctp;
	bool			 sctp_ok;
	char			 sctp_why[CTLV_WHY_LEN];
	struct conn_tp_peer	 peers[CONN_TP_PEERS];
	uint64_t		 tick;
} ctp;

/* Transport callback: a diagnostic line. */
static void
conn_log_cb(void *arg, int level, const char *msg)
{
	(void)arg;
	log_msg(level, "tp", "%s", msg);
}

static struct tp_env conn_env = {
	.conn_request = conn_request_cb,
	.conn_result = conn_result_cb,
	.conn_closed = conn_closed_cb,
	.log = conn_log_cb,
};

/* The rdmad.conf "sctp" group as struct tp_sctp_opts. */
static int
conn_tp_sctp_opts(struct tp_sctp_opts *o, struct sockaddr_storage *local,
    char **cause)
{
	const struct cfg_sctp *sc = &rdmad.conf->sctp;
	struct sockaddr_in *s4;
	struct sockaddr_in6 *s6;
	size_t i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < sc->naddresses; i++) {
		memset(&local[i], 0, sizeof(local[i]));
		s4 = (struct sockaddr_in *)(void *)&local[i];
		s6 = (struct sockaddr_in6 *)(void *)&local[i];
		if (inet_pton(AF_INET, sc->addresses[i], &s4->sin_addr) == 1)
			s4->sin_family = AF_INET;
		else if (inet_pton(AF_INET6, sc->addresses[i],
		    &s6->sin6_addr) == 1)
			s6->sin6_family = AF_INET6;
		else {
			xasprintf(cause, "sctp.addresses: \"%s\"",
			    sc->addresses[i]);
			return -1;
		}
	}
	o->local = local;
	o->nlocal = sc->naddresses;
	o->port = sc->port;
	o->streams = (uint16_t)sc->streams;
	o->rto_initial_ms = sc->rto_initial_ms;
	o->rto_min_ms = sc->rto_min_ms;
	o->rto_max_ms = sc->rto_max_ms;
	o->hb_interval_ms = sc->hb_interval_ms;
	o->path_max_retrans = (uint16_t)sc->path_max_retrans;
	o->pf_threshold = (uint16_t)sc->pf_threshold;
	o->sndbuf = (int)sc->sndbuf;
	o->rcvbuf = (int)sc->rcvbuf;
	o->timeout_ms = (int)sc->timeout_ms;
	o->reorder_chunks = sc->reorder_chunks;
	o->reorder_bytes = sc->reorder_bytes;
	o->max_pending = rdmad.conf->limits.max_pending;
	return 0;
}

/* Create the SCTP transport if the kernel has SCTP; else note why. */
static int
conn_tp_sctp_init(char **cause)
{
	struct sockaddr_storage local[CFG_MAX_SCTP_ADDRS];
	struct tp_sctp_opts o;

	if (!tp_sctp_ops.available(ctp.sctp_why, sizeof(ctp.sctp_why))) {
		log_info("tp", "SCTP transport unavailable: %s", ctp.sctp_why);
		if (rdmad.conf->transport == CFG_TP_SCTP)
			log_warnx("tp", "transport \"sctp\" is configured: "
			    "connects that leave the choice to rdmad will "
			    "fail (%s)", ctp.sctp_why);
		return 0;
	}
	if (conn_tp_sctp_opts(&o, local, cause) == -1)
		return -1;
	if (tp_sctp_ops.create(&conn_env, &o, &ctp.sctp) != 0) {
		xasprintf(cause, "transport sctp: %s", strerror(errno));
		return -1;
	}
	ctp.sctp_ok = true;
	log_info("tp", "SCTP transport on port %u, %u streams",
	    rdmad.conf->sctp.port, rdmad.conf->sctp.streams);
	return 0;
}

/* Create TCP/MPA ("mpa" settings), then SCTP when the kernel has it. */
int
conn_tp_init(char **cause)
{
	struct tp_mpa_opts opts;
	char why[128] = "";

	conn_env.base = rdmad.base;
	if (!tp_tcp_ops.available(why, sizeof(why))) {
		xasprintf(cause, "transport %s: %s", tp_tcp_ops.name, why);
		return -1;
	}
	memset(&opts, 0, sizeof(opts));
	opts.revision = rdmad.conf->mpa.revision;
	opts.crc = rdmad.conf->mpa.crc;
	opts.markers = rdmad.conf->mpa.markers;
	opts.timeout_ms = rdmad.conf->mpa.timeout_ms;
	if (tp_tcp_ops.create(&conn_env, &opts, &ctp.tcp) != 0) {
		xasprintf(cause, "transport %s: %s", tp_tcp_ops.name,
		    strerror(errno));
		return -1;
	}
	return conn_tp_sctp_init(cause);
}

/* Destroy both transports (every stream and listener goes). */
void
conn_tp_shutdown(void)
{
	if (ctp.sctp != NULL)
		tp_sctp_ops.destroy(ctp.sctp);
	if (ctp.tcp != NULL)
		tp_tcp_ops.destroy(ctp.tcp);
	ctp.sctp = ctp.tcp = NULL;
	ctp.sctp_ok = false;
}

/* Are streams still closing gracefully (shutdown waits for them)? */
bool
conn_tp_closing(void)
{
	return (ctp.tcp != NULL && tp_tcp_ops.closing != NULL &&
	    tp_tcp_ops.closing(ctp.tcp) > 0) ||
	    (ctp.sctp != NULL && tp_sctp_ops.closing != NULL &&
	    tp_sctp_ops.closing(ctp.sctp) > 0);
}

/* The transport of a kind, or NULL when this daemon has none. */
struct tp *
conn_tp_of(enum tp_kind kind)
{
	return kind == TP_SCTP ? ctp.sctp : ctp.tcp;
}

/* The ops table of a kind. */
const struct tp_ops *
conn_tp_ops(enum tp_kind kind)
{
	return kind == TP_SCTP ? &tp_sctp_ops : &tp_tcp_ops;
}

/* The ops table of the transport that owns c. */
const struct tp_ops *
conn_ops_of(const struct tp_conn *c)
{
	return conn_tp_ops(tp_conn_kind(c));
}

/* Does this daemon run SCTP?  Else *why says why not. */
bool
conn_tp_sctp(const char **why)
{
	if (why != NULL)
		*why = ctp.sctp_ok ? "" : ctp.sctp_why;
	return ctp.sctp_ok;
}

/* "SCTP" or "TCP/MPA", for logs and reasons. */
const char *
conn_tp_label(enum tp_kind kind)
{
	return kind == TP_SCTP ? "SCTP" : "TCP/MPA";
}

/* Log the transport towards host when new, or when it changed. */
void
conn_tp_peer_note(const char *host, enum tp_kind kind, const char *why)
{
	struct conn_tp_peer *p, *old = &ctp.peers[0];
	size_t i;

	ctp.tick++;
	for (i = 0; i < CONN_TP_PEERS; i++) {
		p = &ctp.peers[i];
		if (p->seen != 0 && strcmp(p->host, host) == 0) {
			p->seen = ctp.tick;
			if (p->kind == kind)
				return;
			log_info("tp", "peer %s: now %s, was %s (%s)", host,
			    conn_tp_label(kind), conn_tp_label(p->kind), why);
			p->kind = kind;
			return;
		}
		if (p->seen < old->seen)
			old = p;
	}
	snprintf(old->host, sizeof(old->host), "%s", host);
	old->kind = kind;
	old->seen = ctp.tick;
	log_info("tp", "peer %s: %s (%s)", host, conn_tp_label(kind), why);
}

/* "host:port" ("[v6]:port") of a socket address. */
void
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

/* The bare numeric host of a socket address. */
void
conn_host_str(const struct sockaddr *sa, socklen_t salen, char *buf,
    size_t len)
{
	if (getnameinfo(sa, salen, buf, (socklen_t)len, NULL, 0,
	    NI_NUMERICHOST) != 0)
		snprintf(buf, len, "?");
}
