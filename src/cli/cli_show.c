/* cli_show.c — rdmactl status, peers, qps, mrs, clients and stats. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* A number as a table cell; 16 rotating buffers, one row at most. */
static const char *
N(uint64_t v)
{
	static char nb[16][24];
	static unsigned int nbi;
	char *p = nb[nbi++ % 16];

	snprintf(p, sizeof(nb[0]), "%llu", (unsigned long long)v);
	return p;
}

static const char *const cli_qp_states[] = {
	"idle", "rts", "closing", "terminate", "error"
};
static const char *const cli_conn_states[] = {
	"idle", "connecting", "accepting", "up", "down"
};
static const char *const cli_ops[] = {
	"write", "read_request", "read_response", "send", "send_inv",
	"send_se", "send_se_inv", "terminate", "immediate", "immediate_se",
	"atomic_request", "atomic_response"
};

const char *
cli_tp_name(uint32_t tp)
{
	return tp == CTLA_TP_SCTP ? "sctp" : tp == CTLA_TP_TCP ? "tcp" : "-";
}

const char *
cli_op_name(unsigned int op)
{
	return op < sizeof(cli_ops) / sizeof(cli_ops[0]) ? cli_ops[op] : NULL;
}

static const char *
cli_name(const char *const *v, size_t n, uint32_t i)
{
	return i < n ? v[i] : "?";
}
#define CLI_NAME(v, i)	cli_name(v, sizeof(v) / sizeof(v[0]), i)

/* "rw,rr,lw..." of RDMAD_ACCESS_* bits. */
static const char *
cli_access(uint32_t a, char *buf, size_t len)
{
	static const char *const bits[] = {
		"local_write", "remote_write", "remote_read", "remote_atomic",
		"mw_bind"
	};
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < 5; i++)
		if (a & (1u << i))
			o += (size_t)snprintf(buf + o, o < len ? len - o : 0,
			    "%s%s", o ? "," : "", bits[i]);
	if (o == 0)
		snprintf(buf, len, "-");
	return buf;
}

static void
cli_status(const struct cli_opts *o, const struct cli_recs *r)
{
	static const struct cli_col cols[] = {
		{ "name", "TRANSPORT", false }, { "available", "AVAILABLE",
		false }, { "in_use", "IN USE", false }, { "listeners",
		"LISTENERS", true }, { "qps", "QPS", true }, { "why", "WHY",
		false },
	};
	const struct ctla_status *st = NULL;
	struct cli_table t;
	struct cli_json j;
	size_t i;

	ct_init(&t, cols, 6);
	for (i = 0; i < r->n; i++) {
		const struct ctla_transport *tp = &r->v[i].m.transport;

		if (r->v[i].type == CTLA_MSG_STATUS)
			st = &r->v[i].m.status;
		if (r->v[i].type != CTLA_MSG_TRANSPORT)
			continue;
		ct_row(&t, tp->name, tp->available ? "yes" : "no",
		    tp->in_use ? "yes" : "no", N(tp->nlisteners), N(tp->nqps),
		    tp->why);
	}
	if (st == NULL) {
		cli_err("rdmad sent no status");
		ct_free(&t);
		return;
	}
	if (o->json) {
		cj_begin(&j, stdout);
		cj_open(&j, NULL, '{');
		cj_str(&j, "version", st->version);
		cj_u64(&j, "pid", st->pid);
		cj_u64(&j, "uptime_ms", st->uptime_ms);
		cj_str(&j, "socket", o->socket);
		cj_str(&j, "config", st->config);
		cj_u64(&j, "clients", st->nclients);
		cj_u64(&j, "qps", st->nqps);
		cj_u64(&j, "mrs", st->nmrs);
		cj_u64(&j, "cqs", st->ncqs);
		cj_u64(&j, "listeners", st->nlisteners);
		cj_u64(&j, "pending", st->npending);
		cj_open(&j, "transports", '[');
		for (i = 0; i < r->n; i++) {
			const struct ctla_transport *tp = &r->v[i].m.transport;

			if (r->v[i].type != CTLA_MSG_TRANSPORT)
				continue;
			cj_open(&j, NULL, '{');
			cj_str(&j, "name", tp->name);
			cj_bool(&j, "available", tp->available != 0);
			cj_bool(&j, "in_use", tp->in_use != 0);
			cj_u64(&j, "listeners", tp->nlisteners);
			cj_u64(&j, "qps", tp->nqps);
			cj_str(&j, "why", tp->why);
			cj_close(&j, '}');
		}
		cj_close(&j, ']');
		cj_close(&j, '}');
		cj_end(&j);
	} else {
		uint64_t s = st->uptime_ms / 1000;

		printf("%s, pid %u, up %llud %02llu:%02llu:%02llu\n",
		    st->version, st->pid, (unsigned long long)(s / 86400),
		    (unsigned long long)(s / 3600 % 24),
		    (unsigned long long)(s / 60 % 60),
		    (unsigned long long)(s % 60));
		printf("socket:     %s\n", o->socket);
		printf("config:     %s\n", st->config[0] ? st->config :
		    "(built-in defaults)");
		printf("clients:    %u\n", st->nclients);
		printf("objects:    %u QPs, %u MRs/MWs, %u CQs\n", st->nqps,
		    st->nmrs, st->ncqs);
		printf("listeners:  %u (%u requests pending)\n\n",
		    st->nlisteners, st->npending);
		ct_print(&t, stdout, "no transports");
	}
	ct_free(&t);
}

/* The name of a path state (CTLA_PATH_*). */
static const char *
cli_path_state(uint32_t st, bool json)
{
	switch (st) {
	case CTLA_PATH_ACTIVE:
		return "active";
	case CTLA_PATH_INACTIVE:
		return "inactive";
	case CTLA_PATH_PF:
		return json ? "potentially-failed" : "PF";
	case CTLA_PATH_UNCONFIRMED:
		return "unconfirmed";
	}
	return "?";
}

/* One peer (TCP) or association (SCTP) and its paths, as text. */
static void
cli_peer_text(const struct ctla_peer *p, const struct cli_rec *paths,
    size_t np)
{
	char streams[32], rtx[24], fo[24];
	size_t k;

	if (p->transport == CTLA_TP_SCTP) {
		snprintf(streams, sizeof(streams), "%u/%u", p->nqps,
		    p->streams);
		snprintf(fo, sizeof(fo), "%llu",
		    (unsigned long long)p->failovers);
		if (p->flags & CTLA_PEER_RTX)
			snprintf(rtx, sizeof(rtx), "%llu",
			    (unsigned long long)p->retransmits);
		else
			snprintf(rtx, sizeof(rtx), "-");
	} else {
		snprintf(streams, sizeof(streams), "%u", p->nqps);
		snprintf(rtx, sizeof(rtx), "-");
		snprintf(fo, sizeof(fo), "-");
	}
	printf("%-40s  %-9s  %11s  %7s  %9s  %s\n", p->addr,
	    cli_tp_name(p->transport), streams, rtx, fo, np ? "" : "-");
	for (k = 0; k < np; k++) {
		const struct ctla_path *a = &paths[k].m.path;

		printf("    path %s%s: %s, srtt %u ms, rto %u ms, mtu %u\n",
		    a->addr, a->primary ? " (primary)" : "",
		    cli_path_state(a->state, false), a->rtt_us / 1000,
		    a->rto_ms, a->mtu);
	}
}

/* The same as JSON; every key present, null where it does not apply. */
static void
cli_peer_json(struct cli_json *j, const struct ctla_peer *p,
    const struct cli_rec *paths, size_t np)
{
	bool sctp = p->transport == CTLA_TP_SCTP;
	size_t k;

	cj_open(j, NULL, '{');
	cj_str(j, "peer", p->addr);
	cj_str(j, "transport", cli_tp_name(p->transport));
	cj_u64(j, "qps", p->nqps);
	if (sctp) {
		cj_u64(j, "streams", p->streams);
		cj_bool(j, "initiator", (p->flags & CTLA_PEER_INITIATOR) != 0);
		cj_bool(j, "up", (p->flags & CTLA_PEER_UP) != 0);
		cj_u64(j, "max_segment", p->max_seg);
		if (p->flags & CTLA_PEER_RTX)
			cj_u64(j, "retransmits", p->retransmits);
		else
			cj_null(j, "retransmits");
		cj_u64(j, "failovers", p->failovers);
	} else {
		cj_null(j, "streams");
		cj_null(j, "initiator");
		cj_null(j, "up");
		cj_null(j, "max_segment");
		cj_null(j, "retransmits");
		cj_null(j, "failovers");
	}
	cj_open(j, "paths", '[');
	for (k = 0; k < np; k++) {
		const struct ctla_path *a = &paths[k].m.path;

		cj_open(j, NULL, '{');
		cj_str(j, "address", a->addr);
		cj_str(j, "state", cli_path_state(a->state, true));
		cj_bool(j, "primary", a->primary != 0);
		cj_u64(j, "rtt_us", a->rtt_us);
		cj_u64(j, "rto_ms", a->rto_ms);
		cj_u64(j, "mtu", a->mtu);
		cj_u64(j, "cwnd", a->cwnd);
		cj_close(j, '}');
	}
	cj_close(j, ']');
	cj_close(j, '}');
}

/* peers (alias assoc): TCP peers and SCTP associations with paths. */
static void
cli_peers(const struct cli_opts *o, const struct cli_recs *r)
{
	struct cli_json j;
	size_t i, np;

	if (o->json) {
		cj_begin(&j, stdout);
		cj_open(&j, NULL, '[');
	} else if (r->n == 0)
		printf("no peers\n");
	else
		printf("%-40s  %-9s  %11s  %7s  %9s  %s\n", "PEER",
		    "TRANSPORT", "QPS/STREAMS", "RTX", "FAILOVERS", "PATHS");
	for (i = 0; i < r->n; i++) {
		if (r->v[i].type != CTLA_MSG_PEER)
			continue;
		for (np = 0; i + 1 + np < r->n &&
		    r->v[i + 1 + np].type == CTLA_MSG_PATH; np++)
			continue;
		if (o->json)
			cli_peer_json(&j, &r->v[i].m.peer, &r->v[i + 1], np);
		else
			cli_peer_text(&r->v[i].m.peer, &r->v[i + 1], np);
	}
	if (o->json) {
		cj_close(&j, ']');
		cj_end(&j);
	}
}

/* Print a table as text or as a JSON array. */
static void
cli_table_out(const struct cli_opts *o, struct cli_table *t,
    const char *none)
{
	struct cli_json j;

	if (o->json) {
		cj_begin(&j, stdout);
		ct_json(t, &j, NULL);
		cj_end(&j);
	} else
		ct_print(t, stdout, none);
	ct_free(t);
}

static void
cli_qps(const struct cli_opts *o, const struct cli_recs *r)
{
	static const struct cli_col cols[] = {
		{ "id", "QP", true }, { "state", "STATE", false },
		{ "conn", "CONN", false }, { "transport", "TRANSPORT", false },
		{ "peer", "PEER", false }, { "client", "CLIENT", true },
		{ "pid", "PID", true }, { "ord", NULL, true },
		{ "ird", NULL, true }, { "tx_bytes", "TX", true },
		{ "rx_bytes", "RX", true }, { "tx_segments", NULL, true },
		{ "rx_segments", NULL, true }, { "terminates_sent", NULL,
		true }, { "terminates_received", NULL, true },
		{ "why", "WHY", false },
	};
	struct cli_table t;
	size_t i;

	ct_init(&t, cols, 16);
	for (i = 0; i < r->n; i++) {
		const struct ctla_qp *q = &r->v[i].m.qp;

		if (r->v[i].type != CTLA_MSG_QP)
			continue;
		ct_row(&t, N(q->id), CLI_NAME(cli_qp_states, q->state),
		    CLI_NAME(cli_conn_states, q->conn),
		    cli_tp_name(q->transport), q->peer[0] ? q->peer : "-",
		    N(q->client), N(q->pid), N(q->ord), N(q->ird),
		    N(q->tx_bytes), N(q->rx_bytes), N(q->tx_segs),
		    N(q->rx_segs), N(q->terms_tx), N(q->terms_rx),
		    q->why[0] ? q->why : "-");
	}
	cli_table_out(o, &t, "no queue pairs");
}

static void
cli_mrs(const struct cli_opts *o, const struct cli_recs *r)
{
	static const struct cli_col cols[] = {
		{ "stag", "STAG", true }, { "kind", "KIND", false },
		{ "length", "LENGTH", true }, { "client", "CLIENT", true },
		{ "pid", "PID", true }, { "access", "ACCESS", false },
	};
	static const char *const kinds[] = { "region", "mw1", "mw2" };
	struct cli_table t;
	char stag[16], acc[96];
	size_t i;

	ct_init(&t, cols, 6);
	for (i = 0; i < r->n; i++) {
		const struct ctla_mr *m = &r->v[i].m.mr;

		if (r->v[i].type != CTLA_MSG_MR)
			continue;
		snprintf(stag, sizeof(stag), "0x%08x", m->stag);
		ct_row(&t, stag, CLI_NAME(kinds, m->kind), N(m->len),
		    N(m->client), N(m->pid), cli_access(m->access, acc,
		    sizeof(acc)));
	}
	cli_table_out(o, &t, "no memory regions or windows");
}

static void
cli_clients(const struct cli_opts *o, const struct cli_recs *r)
{
	static const struct cli_col cols[] = {
		{ "id", "CLIENT", true }, { "pid", "PID", true },
		{ "uid", "UID", true }, { "gid", "GID", true },
		{ "name", "NAME", false }, { "qps", "QPS", true },
		{ "cqs", "CQS", true }, { "regions", "REGIONS", true },
		{ "mapped", "MAPPED", true }, { "admin", "ADMIN", false },
	};
	struct cli_table t;
	size_t i;

	ct_init(&t, cols, 10);
	for (i = 0; i < r->n; i++) {
		const struct ctla_client *c = &r->v[i].m.client;

		if (r->v[i].type != CTLA_MSG_CLIENT)
			continue;
		ct_row(&t, N(c->id), N(c->pid), N(c->uid), N(c->gid), c->name,
		    N(c->nqps), N(c->ncqs), N(c->nregions), N(c->mapped),
		    c->admin ? "yes" : "no");
	}
	cli_table_out(o, &t, "no clients");
}

/* One transport's counters as JSON. */
static void
cli_stats_json(struct cli_json *j, const struct ctla_stats *s)
{
	unsigned int op;

	cj_open(j, NULL, '{');
	cj_str(j, "transport", s->transport);
	cj_u64(j, "qps", s->nqps);
	cj_u64(j, "tx_bytes", s->tx_bytes);
	cj_u64(j, "rx_bytes", s->rx_bytes);
	cj_u64(j, "tx_segments", s->tx_segs);
	cj_u64(j, "rx_segments", s->rx_segs);
	if (s->flags & CTLA_ST_RETRANS)
		cj_u64(j, "retransmits", s->retransmits);
	else
		cj_null(j, "retransmits");
	if (s->flags & CTLA_ST_FAILOVER)
		cj_u64(j, "failovers", s->failovers);
	else
		cj_null(j, "failovers");
	cj_open(j, "ops_tx", '{');
	for (op = 0; cli_op_name(op) != NULL; op++)
		cj_u64(j, cli_op_name(op), s->ops_tx[op]);
	cj_close(j, '}');
	cj_open(j, "ops_rx", '{');
	for (op = 0; cli_op_name(op) != NULL; op++)
		cj_u64(j, cli_op_name(op), s->ops_rx[op]);
	cj_close(j, '}');
	cj_close(j, '}');
}

/* One transport's counters as text. */
static void
cli_stats_text(const struct ctla_stats *s)
{
	char a[32], b[32];
	unsigned int op;
	bool any;

	printf("%s: %u QPs\n", s->transport, s->nqps);
	printf("  tx %llu segments, %s    rx %llu segments, %s\n",
	    (unsigned long long)s->tx_segs, cli_bytes(s->tx_bytes, a,
	    sizeof(a)), (unsigned long long)s->rx_segs, cli_bytes(s->rx_bytes,
	    b, sizeof(b)));
	if (s->flags & CTLA_ST_RETRANS)
		printf("  retransmits %llu\n",
		    (unsigned long long)s->retransmits);
	else
		printf("  retransmits -  (counted by the kernel: ss -ti)\n");
	if (s->flags & CTLA_ST_FAILOVER)
		printf("  failovers %llu\n", (unsigned long long)s->failovers);
	else
		printf("  failovers -  (SCTP multihoming only)\n");
	for (op = 0, any = false; cli_op_name(op) != NULL; op++) {
		if (!s->ops_tx[op] && !s->ops_rx[op])
			continue;
		if (!any)
			printf("  %-16s %12s %12s\n", "OPCODE", "SENT",
			    "RECEIVED");
		any = true;
		printf("  %-16s %12llu %12llu\n", cli_op_name(op),
		    (unsigned long long)s->ops_tx[op],
		    (unsigned long long)s->ops_rx[op]);
	}
	if (!any)
		printf("  no operations yet\n");
}

static void
cli_stats(const struct cli_opts *o, const struct cli_recs *r)
{
	struct cli_json j;
	size_t i, nt = 0;

	if (o->json) {
		cj_begin(&j, stdout);
		cj_open(&j, NULL, '{');
		cj_open(&j, "transports", '[');
		for (i = 0; i < r->n; i++)
			if (r->v[i].type == CTLA_MSG_STATS)
				cli_stats_json(&j, &r->v[i].m.stats);
		cj_close(&j, ']');
		cj_open(&j, "terminates", '[');
	}
	for (i = 0; i < r->n; i++) {
		const struct ctla_term *t = &r->v[i].m.term;

		if (!o->json && r->v[i].type == CTLA_MSG_STATS) {
			cli_stats_text(&r->v[i].m.stats);
			continue;
		}
		if (r->v[i].type != CTLA_MSG_TERM)
			continue;
		if (o->json) {
			cj_open(&j, NULL, '{');
			cj_str(&j, "transport", t->transport);
			cj_str(&j, "direction", t->dir == CTLA_TERM_SENT ?
			    "sent" : "received");
			cj_u64(&j, "layer", t->layer);
			cj_u64(&j, "type", t->etype);
			cj_u64(&j, "code", t->ecode);
			cj_u64(&j, "count", t->count);
			cj_close(&j, '}');
			continue;
		}
		if (nt++ == 0)
			printf("terminates (layer/type/code):\n");
		printf("  %s %-8s %u/%u/%u  %llu\n", t->transport,
		    t->dir == CTLA_TERM_SENT ? "sent" : "received", t->layer,
		    t->etype, t->ecode, (unsigned long long)t->count);
	}
	if (o->json) {
		cj_close(&j, ']');
		cj_close(&j, '}');
		cj_end(&j);
	} else if (nt == 0)
		printf("terminates: none\n");
}

int
cli_show(const struct cli_opts *o, uint32_t query)
{
	struct cli_recs r;
	int rv;

	if ((rv = cli_query(o, query, &r)) != CLI_EXIT_OK)
		return rv;
	switch (query) {
	case CTLA_Q_STATUS:
		cli_status(o, &r);
		break;
	case CTLA_Q_PEERS:
		cli_peers(o, &r);
		break;
	case CTLA_Q_QPS:
		cli_qps(o, &r);
		break;
	case CTLA_Q_MRS:
		cli_mrs(o, &r);
		break;
	case CTLA_Q_CLIENTS:
		cli_clients(o, &r);
		break;
	default:
		cli_stats(o, &r);
		break;
	}
	cli_recs_free(&r);
	return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
