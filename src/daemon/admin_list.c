/* admin_list.c — rdmactl's listings: status, peers, QPs, MRs, clients. */
#include "config.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/sctp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon/admin.h"
#include "daemon/conn.h"
#include "daemon/session.h"
#include "engine/engine.h"
#include "transport/sctp.h"
#include "transport/transport.h"
#include "wire/ctladmin.h"

/*
 * Each walks every session's objects (sess_all) and sends one record per
 * item of the page (admin_item()); none keeps state between pages.
 */


/* Count one kind of object over every session. */
static uint32_t
admin_count(enum sess_kind kind, uint32_t tp)
{
	struct sess_obj *o;
	struct sess *s;
	uint32_t n = 0;

	TAILQ_FOREACH(s, &sess_all, entry)
		TAILQ_FOREACH(o, &s->objs, entry)
			if (o->kind == kind && (tp == 0 ||
			    admin_qp_tp(o) == tp))
				n++;
	return n;
}

void
admin_status(struct admin_reply *r)
{
	union ctla_any m;
	char why[CTLA_WHY_LEN] = "";
	const char *nosctp;
	uint32_t nlst;

	if (!admin_item(r))
		return;
	memset(&m, 0, sizeof(m));
	snprintf(m.status.version, sizeof(m.status.version), "rdmad %s",
	    PACKAGE_VERSION);
	m.status.pid = (uint32_t)getpid();
	m.status.nclients = ctl_srv_nclients();
	m.status.nqps = admin_count(SESS_QP, 0);
	m.status.nmrs = admin_count(SESS_MR, 0);
	m.status.ncqs = admin_count(SESS_CQ, 0);
	nlst = admin_count(SESS_LISTENER, 0);
	m.status.nlisteners = nlst;
	m.status.npending = conn_npending();
	m.status.uptime_ms = admin_uptime_ms();
	if (rdmad.conf->file != NULL && strlen(rdmad.conf->file) <
	    CTLA_PATH_LEN)
		snprintf(m.status.config, sizeof(m.status.config), "%s",
		    rdmad.conf->file);
	admin_send(r, CTLA_MSG_STATUS, &m);

	/* Availability as the transports' available() said at start-up. */
	memset(&m, 0, sizeof(m));
	snprintf(m.transport.name, sizeof(m.transport.name), "sctp");
	m.transport.kind = CTLA_TP_SCTP;
	m.transport.available = conn_tp_sctp(&nosctp);
	m.transport.in_use = m.transport.available;
	m.transport.nlisteners = conn_nlisteners(TP_SCTP);
	m.transport.nqps = admin_count(SESS_QP, CTLA_TP_SCTP);
	if (m.transport.available)
		snprintf(m.transport.why, sizeof(m.transport.why), "SCTP "
		    "(RFC 5043) on port %u, %u streams%s",
		    rdmad.conf->sctp.port, rdmad.conf->sctp.streams,
		    rdmad.conf->transport == CFG_TP_TCP ? ", when asked" :
		    rdmad.conf->transport == CFG_TP_SCTP ? ", as configured" :
		    ", first choice of \"auto\"");
	else
		snprintf(m.transport.why, sizeof(m.transport.why), "%s",
		    nosctp);
	admin_send(r, CTLA_MSG_TRANSPORT, &m);

	memset(&m, 0, sizeof(m));
	snprintf(m.transport.name, sizeof(m.transport.name), "tcp");
	m.transport.kind = CTLA_TP_TCP;
	m.transport.available = tp_tcp_ops.available(why, sizeof(why));
	m.transport.in_use = m.transport.available;
	m.transport.nlisteners = conn_nlisteners(TP_TCP);
	m.transport.nqps = admin_count(SESS_QP, CTLA_TP_TCP);
	snprintf(m.transport.why, sizeof(m.transport.why), "%s",
	    m.transport.available ? (rdmad.conf->transport == CFG_TP_TCP ?
	    "TCP/MPA, as configured" : "TCP/MPA: the fallback of "
	    "transport \"auto\"") : why);
	admin_send(r, CTLA_MSG_TRANSPORT, &m);
}

/* Does a QP carry a stream (or try to)? */
static bool
admin_qp_live(const struct sess_obj *o)
{
	return o->kind == SESS_QP && o->u.qp.peer[0] != '\0' &&
	    o->u.qp.conn_state != SESS_QPC_IDLE &&
	    o->u.qp.conn_state != SESS_QPC_DOWN;
}

/* Was this peer listed already (by a QP before o)? */
static bool
admin_peer_seen(const struct sess_obj *o)
{
	const struct sess_obj *q;
	const struct sess *s;

	TAILQ_FOREACH(s, &sess_all, entry)
		TAILQ_FOREACH(q, &s->objs, entry) {
			if (q == o)
				return false;
			if (admin_qp_live(q) && admin_qp_tp(q) ==
			    admin_qp_tp(o) && strcmp(q->u.qp.peer,
			    o->u.qp.peer) == 0)
				return true;
		}
	return false;
}

/* The CTLA_PATH_* of a kernel path state (SCTP_ACTIVE, ...). */
static uint32_t
admin_path_state(int st)
{
	switch (st) {
	case SCTP_ACTIVE:
		return CTLA_PATH_ACTIVE;
#ifdef SCTP_PF
	case SCTP_PF:
		return CTLA_PATH_PF;
#endif
	case SCTP_UNCONFIRMED:
		return CTLA_PATH_UNCONFIRMED;
	default:
		return CTLA_PATH_INACTIVE;
	}
}

/* One PEER per SCTP association, then one PATH per peer address. */
static void
admin_sctp_peers(struct admin_reply *r)
{
	struct tp *tp = conn_tp_of(TP_SCTP);
	struct tp_sctp_assoc_info ai;
	union ctla_any m;
	unsigned int i, k, n;

	n = tp != NULL ? tp_sctp_assoc_count(tp) : 0;
	for (i = 0; i < n; i++) {
		if (!admin_item(r) || tp_sctp_assoc_info(tp, i, &ai) != 0)
			continue;
		memset(&m, 0, sizeof(m));
		conn_host_str((struct sockaddr *)&ai.peer, ai.peer_len,
		    m.peer.addr, sizeof(m.peer.addr));
		m.peer.transport = CTLA_TP_SCTP;
		m.peer.nqps = ai.in_use;
		m.peer.npaths = ai.npaths;
		m.peer.streams = ai.streams;
		m.peer.flags = (ai.initiator ? CTLA_PEER_INITIATOR : 0) |
		    (ai.up ? CTLA_PEER_UP : 0) |
		    (ai.has_rtx ? CTLA_PEER_RTX : 0);
		m.peer.max_seg = (uint32_t)ai.max_seg;
		m.peer.retransmits = ai.retransmits;
		m.peer.failovers = ai.failovers;
		admin_send(r, CTLA_MSG_PEER, &m);
		for (k = 0; k < ai.npaths; k++) {
			memset(&m, 0, sizeof(m));
			conn_host_str((struct sockaddr *)&ai.paths[k].addr,
			    ai.paths[k].addr_len, m.path.addr,
			    sizeof(m.path.addr));
			m.path.state = admin_path_state(ai.paths[k].state);
			m.path.primary = ai.paths[k].primary;
			m.path.rtt_us = ai.paths[k].srtt_ms * 1000u;
			m.path.rto_ms = ai.paths[k].rto_ms;
			m.path.mtu = ai.paths[k].mtu;
			m.path.cwnd = ai.paths[k].cwnd;
			admin_send(r, CTLA_MSG_PATH, &m);
		}
	}
}

/* SCTP associations with their paths, then one PEER per TCP address
 * with live QPs (TCP has no paths). */
void
admin_peers(struct admin_reply *r)
{
	const struct sess_obj *o, *q;
	const struct sess *s, *t;
	union ctla_any m;

	admin_sctp_peers(r);
	TAILQ_FOREACH(s, &sess_all, entry)
		TAILQ_FOREACH(o, &s->objs, entry) {
			if (!admin_qp_live(o) ||
			    admin_qp_tp(o) != CTLA_TP_TCP ||
			    admin_peer_seen(o) || !admin_item(r))
				continue;
			memset(&m, 0, sizeof(m));
			snprintf(m.peer.addr, sizeof(m.peer.addr), "%s",
			    o->u.qp.peer);
			m.peer.transport = admin_qp_tp(o);
			TAILQ_FOREACH(t, &sess_all, entry)
				TAILQ_FOREACH(q, &t->objs, entry)
					if (admin_qp_live(q) &&
					    admin_qp_tp(q) == admin_qp_tp(o) &&
					    strcmp(q->u.qp.peer,
					    o->u.qp.peer) == 0)
						m.peer.nqps++;
			admin_send(r, CTLA_MSG_PEER, &m);
		}
}

void
admin_qps(struct admin_reply *r)
{
	struct eng_qp_stats st;
	struct sess_obj *o;
	struct sess *s;
	union ctla_any m;

	TAILQ_FOREACH(s, &sess_all, entry)
		TAILQ_FOREACH(o, &s->objs, entry) {
			if (o->kind != SESS_QP || !admin_item(r))
				continue;
			memset(&m, 0, sizeof(m));
			eng_qp_get_stats(o->u.qp.qp, &st);
			m.qp.id = o->id;
			m.qp.state = (uint32_t)eng_qp_state(o->u.qp.qp);
			m.qp.conn = (uint32_t)o->u.qp.conn_state;
			m.qp.transport = admin_qp_tp(o);
			m.qp.client = s->id;
			m.qp.pid = (uint32_t)s->pid;
			m.qp.ord = o->u.qp.ord;
			m.qp.ird = o->u.qp.ird;
			snprintf(m.qp.peer, sizeof(m.qp.peer), "%s",
			    o->u.qp.peer);
			snprintf(m.qp.why, sizeof(m.qp.why), "%s",
			    o->u.qp.why);
			m.qp.tx_bytes = st.tx_bytes;
			m.qp.rx_bytes = st.rx_bytes;
			m.qp.tx_segs = st.tx_segments;
			m.qp.rx_segs = st.rx_segments;
			m.qp.terms_tx = st.terms_tx;
			m.qp.terms_rx = st.terms_rx;
			admin_send(r, CTLA_MSG_QP, &m);
		}
}

void
admin_mrs(struct admin_reply *r)
{
	struct sess_obj *o;
	struct sess *s;
	union ctla_any m;

	TAILQ_FOREACH(s, &sess_all, entry)
		TAILQ_FOREACH(o, &s->objs, entry) {
			if (o->kind != SESS_MR || !admin_item(r))
				continue;
			memset(&m, 0, sizeof(m));
			m.mr.stag = o->id;
			m.mr.kind = o->u.mr.mem != NULL ? 0 : o->u.mr.mw_type;
			m.mr.access = o->u.mr.access;
			m.mr.client = s->id;
			m.mr.pid = (uint32_t)s->pid;
			m.mr.len = o->u.mr.len;
			admin_send(r, CTLA_MSG_MR, &m);
		}
}

/* The command name of a process, from /proc; "?" when gone. */
static void
admin_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *fp;

	snprintf(buf, len, "?");
	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	if ((fp = fopen(path, "re")) == NULL)
		return;
	if (fgets(buf, (int)len, fp) == NULL)
		snprintf(buf, len, "?");
	buf[strcspn(buf, "\n")] = '\0';
	fclose(fp);
}

void
admin_clients(struct admin_reply *r)
{
	struct sess *s;
	union ctla_any m;

	TAILQ_FOREACH(s, &sess_all, entry) {
		if (!admin_item(r))
			continue;
		memset(&m, 0, sizeof(m));
		m.client.id = s->id;
		m.client.pid = (uint32_t)s->pid;
		m.client.uid = (uint32_t)s->uid;
		m.client.gid = (uint32_t)s->gid;
		admin_comm(s->pid, m.client.name, sizeof(m.client.name));
		m.client.nqps = s->nqps;
		m.client.ncqs = s->ncqs;
		m.client.nregions = s->nregions;
		m.client.admin = admin_allowed(s);
		m.client.mapped = s->mapped;
		admin_send(r, CTLA_MSG_CLIENT, &m);
	}
}
