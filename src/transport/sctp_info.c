/* sctp_info.c — SCTP association and path information, logging, MULPDU. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/sctp.h>

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "transport/sctp_int.h"

/* Numeric "addr" or "[addr]:port"-less text of sa, for logs. */
const char *
sctp_addr_str(const struct sockaddr *sa, char *buf, size_t len)
{
	socklen_t sl = sa->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);

	if (getnameinfo(sa, sl, buf, (socklen_t)len, NULL, 0,
	    NI_NUMERICHOST) != 0)
		snprintf(buf, len, "?");
	return buf;
}

/* Format one prefixed log line and hand it to the environment's logger. */
static void sctp_vlog(struct sctp_tp *, int, const char *, const char *,
    va_list) __attribute__((format(printf, 4, 0)));
static void
sctp_vlog(struct sctp_tp *tp, int level, const char *pfx, const char *fmt,
    va_list ap)
{
	char msg[320];
	int n;

	if (tp->env.log == NULL)
		return;
	n = snprintf(msg, sizeof(msg), "sctp%s: ", pfx);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	tp->env.log(tp->env.arg, level, msg);
}

/* A log line of the transport. */
void
sctp_log(struct sctp_tp *tp, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sctp_vlog(tp, level, "", fmt, ap);
	va_end(ap);
}

/* A log line about a session, prefixed with its peer. */
void
sctp_clog(struct sctp_conn *c, int level, const char *fmt, ...)
{
	char host[64], pfx[80];
	va_list ap;

	snprintf(pfx, sizeof(pfx), " %s",
	    sctp_addr_str((struct sockaddr *)&c->as->peer, host,
	    sizeof(host)));
	va_start(ap, fmt);
	sctp_vlog(c->as->tp, level, pfx, fmt, ap);
	va_end(ap);
}

/* The name of an SCTP_PEER_ADDR_CHANGE state (RFC 6458 §6.1.2). */
static const char *
sctp_paddr_state_name(int state)
{
	switch (state) {
	case SCTP_ADDR_AVAILABLE:
		return "available";
	case SCTP_ADDR_UNREACHABLE:
		return "unreachable";
	case SCTP_ADDR_REMOVED:
		return "removed";
	case SCTP_ADDR_ADDED:
		return "added";
	case SCTP_ADDR_MADE_PRIM:
		return "made primary";
	case SCTP_ADDR_CONFIRMED:
		return "confirmed";
#ifdef SCTP_ADDR_PF
	case SCTP_ADDR_PF:
		return "potentially failed";
#endif
	default:
		return "changed";
	}
}

/*
 * A path of as changed state: one log line (peer, address, new state),
 * and count a failover when a path became unreachable or a new primary
 * was chosen.
 */
void
sctp_info_path_change(struct sctp_asoc *as,
    const struct sctp_paddr_change *pc)
{
	char peer[64], host[64];

	if (pc->spc_state == SCTP_ADDR_UNREACHABLE ||
	    pc->spc_state == SCTP_ADDR_MADE_PRIM)
		as->failovers++;
	sctp_log(as->tp, LOG_NOTICE, "peer %s path %s: %s (error %d)",
	    sctp_addr_str((struct sockaddr *)&as->peer, peer, sizeof(peer)),
	    sctp_addr_str((const struct sockaddr *)&pc->spc_aaddr, host,
	    sizeof(host)), sctp_paddr_state_name(pc->spc_state),
	    pc->spc_error);
}

/* Retransmitted chunks of as, if the kernel counts them. */
static bool
sctp_info_rtx(struct sctp_asoc *as, uint64_t *rtx)
{
#ifdef SCTP_GET_ASSOC_STATS
	struct sctp_assoc_stats st;
	socklen_t len = sizeof(st);

	memset(&st, 0, sizeof(st));
	if (getsockopt(as->fd, IPPROTO_SCTP, SCTP_GET_ASSOC_STATS, &st,
	    &len) == 0) {
		*rtx = st.sas_rtxchunks;
		return true;
	}
#else
	(void)as;
#endif
	*rtx = 0;
	return false;
}

/* Every path of as: SCTP_GET_PEER_ADDR_INFO for each peer address. */
static unsigned int
sctp_info_paths(struct sctp_asoc *as, struct tp_sctp_path *out,
    unsigned int max)
{
	struct sockaddr *addrs = NULL;
	struct sctp_paddrinfo pi;
	struct sctp_status st;
	socklen_t len;
	unsigned int k = 0;
	uint8_t *p;
	int i, n;

	memset(&st, 0, sizeof(st));
	len = sizeof(st);
	(void)getsockopt(as->fd, IPPROTO_SCTP, SCTP_STATUS, &st, &len);
	n = sctp_getpaddrs(as->fd, 0, &addrs);
	p = (uint8_t *)addrs;
	for (i = 0; i < n && k < max; i++) {
		struct sockaddr *sa = (struct sockaddr *)(void *)p;
		size_t sl = sa->sa_family == AF_INET6 ?
		    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);

		p += sl;
		memset(&pi, 0, sizeof(pi));
		memcpy(&pi.spinfo_address, sa, sl);
		len = sizeof(pi);
		if (getsockopt(as->fd, IPPROTO_SCTP, SCTP_GET_PEER_ADDR_INFO,
		    &pi, &len) < 0)
			continue;
		memset(&out[k], 0, sizeof(out[k]));
		memcpy(&out[k].addr, sa, sl);
		out[k].addr_len = (socklen_t)sl;
		out[k].state = pi.spinfo_state;
		out[k].srtt_ms = pi.spinfo_srtt;
		out[k].rto_ms = pi.spinfo_rto;
		out[k].mtu = pi.spinfo_mtu;
		out[k].cwnd = pi.spinfo_cwnd;
		out[k].primary = memcmp(&st.sstat_primary.spinfo_address, sa,
		    sl) == 0;
		k++;
	}
	if (n > 0)
		sctp_freepaddrs(addrs);
	return k;
}

/*
 * The MULPDU handed to the engine (RFC 5043 §9): the largest DDP
 * segment that fits the smallest path MTU without IP or SCTP
 * fragmentation, minus room for a bundled SACK, at least 516.
 */
size_t
sctp_asoc_max_seg(struct sctp_asoc *as)
{
	struct tp_sctp_path paths[TP_SCTP_PATHS_MAX];
	unsigned int i, n;
	uint32_t mtu = 0;
	size_t ip, seg;

	n = sctp_info_paths(as, paths, TP_SCTP_PATHS_MAX);
	for (i = 0; i < n; i++)
		if (paths[i].mtu > 0 && (mtu == 0 || paths[i].mtu < mtu))
			mtu = paths[i].mtu;
	if (mtu == 0)
		mtu = 1280;
	ip = as->peer.ss_family == AF_INET6 ? 40 : 20;
	/* IP + SCTP common header 12 + DATA chunk header 16 + DDP-SSN 2,
	 * and 16 for a SACK (§9: "below the theoretical maximum"). */
	seg = mtu > ip + 46 ? mtu - ip - 46 : 0;
	if (seg < SCTP_DDP_MIN_SEGMENT)
		seg = SCTP_DDP_MIN_SEGMENT;
	return seg;
}

unsigned int
tp_sctp_assoc_count(const struct tp *tp_)
{
	return SCTP_TP(tp_)->nasocs;
}

int
tp_sctp_assoc_info(const struct tp *tp_, unsigned int idx,
    struct tp_sctp_assoc_info *ai)
{
	struct sctp_tp *tp = SCTP_TP(tp_);
	struct sctp_asoc *as;
	unsigned int i = 0;

	TAILQ_FOREACH(as, &tp->asocs, entry)
		if (i++ == idx)
			break;
	if (as == NULL) {
		errno = ENOENT;
		return -1;
	}
	memset(ai, 0, sizeof(*ai));
	memcpy(&ai->peer, &as->peer, sizeof(ai->peer));
	ai->peer_len = as->peer_len;
	ai->failovers = as->failovers;
	ai->has_rtx = sctp_info_rtx(as, &ai->retransmits);
	ai->initiator = as->initiator;
	ai->up = as->state == SCTP_A_UP;
	ai->streams = as->nstreams;
	ai->in_use = as->nconns;
	ai->max_seg = as->max_seg;
	ai->reorder_held = as->reorder_held;
	ai->npaths = sctp_info_paths(as, ai->paths, TP_SCTP_PATHS_MAX);
	return 0;
}
