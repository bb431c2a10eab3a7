/* admin.c — rdmactl's requests: access, paging, counters, stats, dispatch. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/admin.h"
#include "daemon/conn.h"
#include "daemon/session.h"
#include "engine/engine.h"
#include "transport/sctp.h"
#include "wire/ctladmin.h"

/*
 * Who may ask: uid 0, the daemon's own user (who owns the control
 * socket), and clients whose primary group is the socket's group
 * (control.group).  Everybody else gets RESULT EPERM and keeps the
 * connection: an admin request is well-formed, just not allowed.
 *
 * Counters: the engine counts per QP (eng_qp_get_stats()); the daemon
 * adds each QP's counters to its transport's totals when the QP is
 * destroyed, and a listing adds the live QPs to those totals.  Each QP's
 * first Terminate (sent or received) is counted by (transport,
 * direction, layer, type, code) when the engine reports the state
 * change.  Retransmits and failovers are SCTP's to count (summed over
 * the live associations: SCTP_GET_ASSOC_STATS and the path changes the
 * transport saw); TCP leaves them to the kernel (flags say which
 * counters are valid).
 */

#define ADMIN_NTERMS	64	/* distinct Terminate rows kept */

struct admin_term_row {
	uint32_t	tp, dir;
	uint8_t		layer, etype, ecode;
	uint64_t	count;
};

static struct {
	struct timespec		start;
	struct eng_qp_stats	retired[ADMIN_NTP];
	uint32_t		nqps[ADMIN_NTP];	/* retired QPs */
	struct admin_term_row	terms[ADMIN_NTERMS];
	size_t			nterms;
} admin;

static const char *const admin_tp_names[ADMIN_NTP] = { "", "sctp", "tcp" };

void
admin_init(void)
{
	clock_gettime(CLOCK_MONOTONIC, &admin.start);
}

uint64_t
admin_uptime_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - admin.start.tv_sec) * 1000u +
	    (uint64_t)((now.tv_nsec - admin.start.tv_nsec) / 1000000);
}

/* A transport index of a QP, or 0 before it has one. */
uint32_t
admin_qp_tp(const struct sess_obj *qp)
{
	uint32_t t = qp->u.qp.transport;

	return t < ADMIN_NTP ? t : 0;
}

/* Add the QP's counters to acc. */
static void
admin_add(struct eng_qp_stats *acc, const struct eng_qp_stats *st)
{
	size_t i;

	acc->tx_segments += st->tx_segments;
	acc->rx_segments += st->rx_segments;
	acc->tx_bytes += st->tx_bytes;
	acc->rx_bytes += st->rx_bytes;
	acc->terms_tx += st->terms_tx;
	acc->terms_rx += st->terms_rx;
	for (i = 0; i < 16; i++) {
		acc->ops_tx[i] += st->ops_tx[i];
		acc->ops_rx[i] += st->ops_rx[i];
	}
}

void
admin_qp_retire(struct sess_obj *qp)
{
	struct eng_qp_stats st;
	uint32_t tp = admin_qp_tp(qp);

	if (tp == 0 || qp->u.qp.qp == NULL)
		return;
	eng_qp_get_stats(qp->u.qp.qp, &st);
	admin_add(&admin.retired[tp], &st);
	admin.nqps[tp]++;
}

void
admin_qp_state(struct sess_obj *qp)
{
	struct admin_term_row *r;
	struct term_triple t;
	uint32_t tp = admin_qp_tp(qp);
	bool sent;
	size_t i;

	if (qp->u.qp.term_counted || !eng_qp_term(qp->u.qp.qp, &t, &sent))
		return;
	qp->u.qp.term_counted = true;
	for (i = 0; i < admin.nterms; i++) {
		r = &admin.terms[i];
		if (r->tp == tp && r->dir == (sent ? CTLA_TERM_SENT :
		    CTLA_TERM_RECEIVED) && r->layer == t.layer &&
		    r->etype == t.etype && r->ecode == t.ecode) {
			r->count++;
			return;
		}
	}
	if (admin.nterms == ADMIN_NTERMS)
		return;		/* 64 distinct triples: keep the first */
	r = &admin.terms[admin.nterms++];
	r->tp = tp;
	r->dir = sent ? CTLA_TERM_SENT : CTLA_TERM_RECEIVED;
	r->layer = t.layer;
	r->etype = t.etype;
	r->ecode = t.ecode;
	r->count = 1;
}

/* May this client see every client's resources? */
bool
admin_allowed(const struct sess *s)
{
	struct stat st;

	if (s->uid == 0 || s->uid == geteuid())
		return true;
	if (rdmad.sock_path == NULL || stat(rdmad.sock_path, &st) == -1)
		return false;
	return s->uid == st.st_uid || s->gid == st.st_gid;
}

/* ---- one reply: a batch of items, then END or MORE ------------------ */


/* Is the next item in this page?  Counts it either way. */
bool
admin_item(struct admin_reply *r)
{
	uint32_t i = r->index++;

	if (i < r->start)
		return false;
	if (i - r->start >= r->batch) {
		r->full = true;
		return false;
	}
	return true;
}

void
admin_send(struct admin_reply *r, uint32_t type, const union ctla_any *m)
{
	uint8_t buf[CTL_HDR_LEN + CTLA_STATS_LEN];

	sess_send(r->s, buf, ctla_encode(type, r->reqid, m, buf, sizeof(buf)),
	    -1);
}

static int
admin_finish(struct admin_reply *r)
{
	union ctla_any m;
	uint8_t buf[CTL_HDR_LEN];

	if (!r->full)
		return sess_send(r->s, buf, ctl_end_encode(r->reqid, buf,
		    sizeof(buf)), -1);
	memset(&m, 0, sizeof(m));
	m.more.next = r->start + r->batch;
	admin_send(r, CTLA_MSG_MORE, &m);
	return 0;
}

/* SCTP's retransmits and failovers, summed over the live associations
 * (the kernel's counters go with an association). */
static void
admin_sctp_counters(struct ctla_stats *st)
{
	struct tp *tp = conn_tp_of(TP_SCTP);
	struct tp_sctp_assoc_info ai;
	unsigned int i, n;
	bool rtx = true;

	if (tp == NULL)
		return;
	n = tp_sctp_assoc_count(tp);
	for (i = 0; i < n; i++) {
		if (tp_sctp_assoc_info(tp, i, &ai) != 0)
			continue;
		rtx = rtx && ai.has_rtx;
		st->retransmits += ai.retransmits;
		st->failovers += ai.failovers;
	}
	st->flags = CTLA_ST_FAILOVER | (rtx ? CTLA_ST_RETRANS : 0);
}

static void
admin_stats(struct admin_reply *r)
{
	struct eng_qp_stats tot, st;
	struct sess_obj *o;
	struct sess *s;
	union ctla_any m;
	uint32_t tp, n;
	size_t i;

	for (tp = CTLA_TP_SCTP; tp < ADMIN_NTP; tp++) {
		if (!admin_item(r))
			continue;
		tot = admin.retired[tp];
		n = admin.nqps[tp];
		TAILQ_FOREACH(s, &sess_all, entry)
			TAILQ_FOREACH(o, &s->objs, entry)
				if (o->kind == SESS_QP && admin_qp_tp(o) ==
				    tp) {
					eng_qp_get_stats(o->u.qp.qp, &st);
					admin_add(&tot, &st);
					n++;
				}
		memset(&m, 0, sizeof(m));
		snprintf(m.stats.transport, sizeof(m.stats.transport), "%s",
		    admin_tp_names[tp]);
		m.stats.nqps = n;
		if (tp == CTLA_TP_SCTP)
			admin_sctp_counters(&m.stats);
		m.stats.tx_bytes = tot.tx_bytes;
		m.stats.rx_bytes = tot.rx_bytes;
		m.stats.tx_segs = tot.tx_segments;
		m.stats.rx_segs = tot.rx_segments;
		for (i = 0; i < CTLA_NOPS; i++) {
			m.stats.ops_tx[i] = tot.ops_tx[i];
			m.stats.ops_rx[i] = tot.ops_rx[i];
		}
		admin_send(r, CTLA_MSG_STATS, &m);
	}
	for (i = 0; i < admin.nterms; i++) {
		if (!admin_item(r))
			continue;
		memset(&m, 0, sizeof(m));
		snprintf(m.term.transport, sizeof(m.term.transport), "%s",
		    admin_tp_names[admin.terms[i].tp]);
		m.term.dir = admin.terms[i].dir;
		m.term.layer = admin.terms[i].layer;
		m.term.etype = admin.terms[i].etype;
		m.term.ecode = admin.terms[i].ecode;
		m.term.count = admin.terms[i].count;
		admin_send(r, CTLA_MSG_TERM, &m);
	}
}

/* ADMIN_REQ: check, then one page of the query's items. */
int
admin_dispatch(struct sess *s, const struct ctl_hdr *hdr,
    const uint8_t *payload, size_t len, int fd)
{
	struct admin_reply r;
	union ctla_any m;
	enum ctl_err err;

	if (fd != -1)
		close(fd);
	if ((err = ctla_decode(hdr->type, payload, len, &m)) != CTL_OK) {
		log_warnx("ctl", "client %u: %s: %s", s->id,
		    ctl_type_name(hdr->type), ctl_strerror(err));
		return -1;
	}
	if (m.req.version != CTLA_VERSION)
		return sess_result(s, hdr->reqid, EPROTONOSUPPORT, "admin "
		    "version %u not supported (this daemon speaks %u)",
		    m.req.version, CTLA_VERSION);
	if (m.req.flags != 0 || ctla_query_name(m.req.query) == NULL)
		return sess_result(s, hdr->reqid, EINVAL, "unknown query %u "
		    "or flags %#x", m.req.query, m.req.flags);
	if (!admin_allowed(s)) {
		log_info("ctl", "client %u: uid %lu may not administer rdmad",
		    s->id, (unsigned long)s->uid);
		return sess_result(s, hdr->reqid, EPERM, "uid %lu may not "
		    "administer rdmad: run as root, as the daemon's user or "
		    "in the control socket's group", (unsigned long)s->uid);
	}
	memset(&r, 0, sizeof(r));
	r.s = s;
	r.reqid = hdr->reqid;
	r.start = m.req.start;
	/* Leave room in the client's queue for MORE or END. */
	r.batch = rdmad.conf->control.max_queue / 4;
	if (r.batch == 0)
		r.batch = 1;
	switch (m.req.query) {
	case CTLA_Q_STATUS:
		admin_status(&r);
		break;
	case CTLA_Q_PEERS:
		admin_peers(&r);
		break;
	case CTLA_Q_QPS:
		admin_qps(&r);
		break;
	case CTLA_Q_MRS:
		admin_mrs(&r);
		break;
	case CTLA_Q_CLIENTS:
		admin_clients(&r);
		break;
	default:
		admin_stats(&r);
		break;
	}
	return admin_finish(&r);
}
