/* fake_eng.c — fake engine data path and fake daemon env. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "helpers/fake_eng.h"
#include "wire/ddp.h"
#include "wire/rdmap.h"

/* ---- the fake engine ------------------------------------------------- */

/* With -DFAKE_NO_ENGINE only the fake daemon is built (real engine). */
#ifndef FAKE_NO_ENGINE

struct eng_qp *
fake_qp_new(void)
{
	struct eng_qp *qp = calloc(1, sizeof(*qp));

	if (qp == NULL)
		abort();
	qp->mem = calloc(1, FAKE_MEM);
	qp->rx = calloc(FAKE_RX_MAX, sizeof(*qp->rx));
	if (qp->mem == NULL || qp->rx == NULL)
		abort();
	qp->tx_split = 3;
	qp->rx_split = 2;
	return qp;
}

void
fake_qp_free(struct eng_qp *qp)
{
	if (qp == NULL)
		return;
	free(qp->mem);
	free(qp->rx);
	free(qp);
}

int
eng_qp_connect(struct eng_qp *qp, const struct eng_llp_ops *ops, void *llp,
    uint32_t ord, uint32_t ird, size_t max_seg)
{
	if (qp->connect_fail)
		return -1;
	qp->ops = ops;
	qp->llp = llp;
	qp->ord = ord;
	qp->ird = ird;
	qp->max_seg = max_seg;
	qp->connects++;
	if (qp->tx_tail > qp->tx_head)
		ops->kick(llp);
	return 0;
}

void
fake_qp_post(struct eng_qp *qp, const uint8_t *hdr, size_t hdr_len,
    const uint8_t *payload, size_t len)
{
	struct fake_tx *t;

	if (qp->tx_tail >= FAKE_TX_MAX || hdr_len > ENG_HDR_MAX)
		abort();
	t = &qp->tx[qp->tx_tail++];
	memcpy(t->hdr, hdr, hdr_len);
	t->hdr_len = hdr_len;
	t->payload = payload;
	t->len = len;
	if (qp->ops != NULL && qp->closed == 0)
		qp->ops->kick(qp->llp);
}

size_t
fake_hdr_send(uint8_t *hdr, uint32_t msn)
{
	struct rdmap_seg s;

	rdmap_seg_init(&s, RDMAP_OP_SEND);
	s.ddp.msn = msn;
	return (size_t)rdmap_encode(&s, hdr, ENG_HDR_MAX);
}

size_t
fake_hdr_write(uint8_t *hdr, uint32_t stag, uint64_t to)
{
	struct rdmap_seg s;

	rdmap_seg_init(&s, RDMAP_OP_WRITE);
	s.ddp.stag = stag;
	s.ddp.to = to;
	return (size_t)rdmap_encode(&s, hdr, ENG_HDR_MAX);
}

void
fake_qp_send(struct eng_qp *qp, uint32_t msn, const uint8_t *payload,
    size_t len)
{
	uint8_t hdr[ENG_HDR_MAX];

	fake_qp_post(qp, hdr, fake_hdr_send(hdr, msn), payload, len);
}

void
fake_qp_write(struct eng_qp *qp, uint32_t stag, uint64_t to,
    const uint8_t *payload, size_t len)
{
	uint8_t hdr[ENG_HDR_MAX];

	fake_qp_post(qp, hdr, fake_hdr_write(hdr, stag, to), payload, len);
}

void
fake_qp_close(struct eng_qp *qp, bool abortive)
{
	if (qp->ops != NULL)
		qp->ops->close(qp->llp, abortive);
}

/* Hand out the next queued segment, payload split in tx_split parts. */
bool
eng_qp_tx_pull(struct eng_qp *qp, struct eng_seg *seg)
{
	struct fake_tx *t;
	size_t off = 0, part;
	int i, n;

	if (qp->tx_head >= qp->tx_tail)
		return false;
	t = &qp->tx[qp->tx_head];
	memset(seg, 0, sizeof(*seg));
	memcpy(seg->hdr, t->hdr, t->hdr_len);
	seg->hdr_len = t->hdr_len;
	n = qp->tx_split < 1 ? 1 : qp->tx_split > 4 ? 4 : qp->tx_split;
	for (i = 0; i < n && off < t->len; i++) {
		part = i == n - 1 ? t->len - off : (t->len / (size_t)n);
		if (part == 0)
			part = t->len - off;
		seg->iov[seg->iovcnt].iov_base = (void *)(uintptr_t)
		    (t->payload + off);
		seg->iov[seg->iovcnt].iov_len = part;
		seg->iovcnt++;
		off += part;
	}
	seg->payload_len = t->len;
	seg->cookie = (uint64_t)qp->tx_head;
	qp->tx_head++;
	return true;
}

void
eng_qp_tx_done(struct eng_qp *qp, uint64_t cookie)
{
	if (cookie != (uint64_t)qp->tx_done)
		qp->misuse++;
	qp->tx_done++;
}

/* The rule of engine.h: DDP + opcode header, whole segment if no payload. */
size_t
eng_rx_hdr_len(uint8_t ddp_ctrl, uint8_t rdmap_ctrl, size_t seg_len)
{
	const struct rdmap_op_info *op;
	size_t n = ddp_hdr_len(ddp_ctrl);

	op = rdmap_op_info(rdmap_ctrl & RDMAP_MASK_OPCODE);
	if (op != NULL && !op->payload)
		n = seg_len;
	else if (op != NULL)
		n += op->hdr_len;
	if (n > ENG_HDR_MAX)
		n = ENG_HDR_MAX;
	return n < seg_len ? n : seg_len;
}

enum wire_err
eng_qp_rx_hdr(struct eng_qp *qp, const uint8_t *hdr, size_t hdr_len,
    size_t seg_len, struct eng_rx_place *pl)
{
	struct rdmap_seg s;
	struct fake_rx *r;
	enum wire_err err;
	size_t pay = seg_len - hdr_len, off, part;
	int i, n;

	if (qp->in_seg || hdr_len > seg_len || qp->nrx >= FAKE_RX_MAX)
		qp->misuse++;
	memset(pl, 0, sizeof(*pl));
	err = rdmap_decode_hdr(hdr, hdr_len, seg_len, &s);
	if (err == WIRE_OK && qp->fail_hdr != WIRE_OK) {
		err = qp->fail_hdr;
		qp->fail_hdr = WIRE_OK;
	}
	if (err != WIRE_OK) {
		pl->discard = pay;
		return err;
	}
	r = &qp->rx[qp->nrx < FAKE_RX_MAX ? qp->nrx++ : FAKE_RX_MAX - 1];
	memcpy(r->hdr, hdr, hdr_len);
	r->hdr_len = hdr_len;
	r->seg_len = seg_len;
	r->len = pay;
	r->off = qp->mem_used;
	r->done = false;
	qp->in_seg = true;
	if (qp->rx_discard || qp->mem_used + pay > FAKE_MEM) {
		pl->discard = pay;
		r->len = 0;
		return WIRE_OK;
	}
	n = qp->rx_split < 1 ? 1 : qp->rx_split > 4 ? 4 : qp->rx_split;
	for (i = 0, off = 0; i < n && off < pay; i++) {
		part = i == n - 1 ? pay - off : pay / (size_t)n;
		if (part == 0)
			part = pay - off;
		pl->iov[pl->iovcnt].iov_base = qp->mem + qp->mem_used + off;
		pl->iov[pl->iovcnt].iov_len = part;
		pl->iovcnt++;
		off += part;
	}
	qp->mem_used += pay;
	return WIRE_OK;
}

void
eng_qp_rx_done(struct eng_qp *qp)
{
	if (!qp->in_seg)
		qp->misuse++;
	else
		qp->rx[qp->nrx - 1].done = true;
	qp->in_seg = false;
	qp->rx_done++;
}

void
eng_qp_llp_error(struct eng_qp *qp, enum wire_err err)
{
	qp->in_seg = false;
	if (qp->llp_errors++ == 0)
		qp->llp_err = err;
}

void
eng_qp_llp_closed(struct eng_qp *qp, bool orderly)
{
	qp->closed++;
	qp->closed_orderly = orderly;
	qp->ops = NULL;
}

#endif /* !FAKE_NO_ENGINE */

/* ---- the fake daemon ------------------------------------------------- */

static void
fake_conn_request(void *arg, struct tp_conn *c, const struct tp_conn_req *r)
{
	struct fake_env *fe = arg;

	fe->nreq++;
	fe->req_c = c;
	fe->req = r->params;
	if (r->params.priv_len <= sizeof(fe->req_pd) && r->params.priv_len)
		memcpy(fe->req_pd, r->params.priv, r->params.priv_len);
	switch (fe->action) {
	case FAKE_ACCEPT:
		fe->accept_rv = fe->ops->accept(c, fe->pool != NULL &&
		    fe->nreq <= fe->npool ? fe->pool[fe->nreq - 1] :
		    fe->acc_qp, &fe->acc_params);
		break;
	case FAKE_REJECT:
		fe->accept_rv = fe->ops->reject(c, fe->acc_params.priv,
		    fe->acc_params.priv_len);
		break;
	default:
		break;
	}
}

static void
fake_conn_result(void *arg, struct tp_conn *c, enum tp_result r,
    const struct tp_conn_params *peer, const char *why)
{
	struct fake_env *fe = arg;

	fe->nresult++;
	fe->result = r;
	fe->res_c = c;
	fe->res_peer_set = peer != NULL;
	if (peer != NULL) {
		fe->res_peer = *peer;
		if (peer->priv_len && peer->priv_len <= sizeof(fe->res_pd))
			memcpy(fe->res_pd, peer->priv, peer->priv_len);
	}
	snprintf(fe->why, sizeof(fe->why), "%s", why ? why : "");
	if (r == TP_ACCEPTED)
		fe->naccepted++;
	if (r == TP_ACCEPTED && fe->pool != NULL)
		fe->attach_rv = fe->ops->attach(c, tp_conn_cookie(c));
	else if (r == TP_ACCEPTED && fe->acc_qp != NULL)
		fe->attach_rv = fe->ops->attach(c, fe->acc_qp);
}

static void
fake_conn_closed(void *arg, struct tp_conn *c)
{
	struct fake_env *fe = arg;

	(void)c;
	fe->nclosed++;
}

static void
fake_log(void *arg, int level, const char *msg)
{
	struct fake_env *fe = arg;

	(void)level;
	fe->nlog++;
	snprintf(fe->log, sizeof(fe->log), "%s", msg);
	if (getenv("FAKE_VERBOSE") != NULL)
		fprintf(stderr, "[log] %s\n", msg);
}

int
fake_env_init(struct fake_env *fe, struct event_base *base,
    const struct tp_mpa_opts *opts)
{
	return fake_env_init_ops(fe, base, &tp_tcp_ops, opts);
}

int
fake_env_init_ops(struct fake_env *fe, struct event_base *base,
    const struct tp_ops *ops, const void *opts)
{
	memset(fe, 0, sizeof(*fe));
	fe->ops = ops;
	fe->env.arg = fe;
	fe->env.base = base;
	fe->env.conn_request = fake_conn_request;
	fe->env.conn_result = fake_conn_result;
	fe->env.conn_closed = fake_conn_closed;
	fe->env.log = fake_log;
	return ops->create(&fe->env, opts, &fe->tp);
}

void
fake_env_fini(struct fake_env *fe)
{
	if (fe->tp != NULL)
		fe->ops->destroy(fe->tp);
	fe->tp = NULL;
}

static void
fake_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	*(bool *)arg = true;
}

bool
fake_run(struct event_base *base, bool (*cond)(void *), void *arg, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	struct event *ev;
	bool expired = false, ok;
	int i;

	ev = evtimer_new(base, fake_deadline, &expired);
	evtimer_add(ev, &tv);
	/* bounded: the deadline timer ends every blocking iteration */
	for (i = 0; i < 10000000 && !(ok = cond(arg)) && !expired; i++)
		event_base_loop(base, EVLOOP_ONCE);
	ok = cond(arg);
	event_free(ev);
	return ok;
}

static bool
fake_never(void *arg)
{
	(void)arg;
	return false;
}

void
fake_settle(struct event_base *base, int ms)
{
	(void)fake_run(base, fake_never, NULL, ms);
}

uint16_t
fake_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	const char *env = getenv("RDMAD_TEST_PORT");
	int fd;
	uint16_t port = 0;

	/* A fixed port, for captures (listeners use SO_REUSEADDR). */
	if (env != NULL && atoi(env) > 0)
		return (uint16_t)atoi(env);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

socklen_t
fake_addr(struct sockaddr_storage *ss, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sizeof(*sin);
}

/* ---- a connected pair over loopback ----------------------------------- */

#ifndef FAKE_NO_ENGINE

int
fake_pair_listen(struct fake_pair *p, const struct tp_mpa_opts *copts,
    const struct tp_mpa_opts *sopts, const struct tp_conn_params *spar)
{
	struct sockaddr_storage ss;
	struct tp_conn_params none;
	socklen_t sl;
	char cause[128];

	memset(p, 0, sizeof(*p));
	memset(&none, 0, sizeof(none));
	if ((p->base = event_base_new()) == NULL)
		return -1;
	if (fake_env_init(&p->srv, p->base, sopts) < 0 ||
	    fake_env_init(&p->cli, p->base, copts) < 0)
		return -1;
	p->sqp = fake_qp_new();
	p->cqp = fake_qp_new();
	p->srv.acc_qp = p->sqp;
	p->srv.acc_params = spar ? *spar : none;
	p->cli.acc_qp = p->cqp;
	p->port = fake_port();
	sl = fake_addr(&ss, p->port);
	if (tp_tcp_ops.listen(p->srv.tp, (struct sockaddr *)&ss, sl, cause,
	    sizeof(cause)) < 0) {
		fprintf(stderr, "listen: %s\n", cause);
		return -1;
	}
	return 0;
}

int
fake_pair_open(struct fake_pair *p, const struct tp_mpa_opts *copts,
    const struct tp_mpa_opts *sopts, const struct tp_conn_params *cpar,
    const struct tp_conn_params *spar)
{
	struct sockaddr_storage ss;
	struct tp_conn_params none;
	socklen_t sl;

	if (fake_pair_listen(p, copts, sopts, spar) < 0)
		return -1;
	memset(&none, 0, sizeof(none));
	sl = fake_addr(&ss, p->port);
	return tp_tcp_ops.connect(p->cli.tp, (struct sockaddr *)&ss, sl,
	    cpar ? cpar : &none, p, &p->cc);
}

/* Both ends in Full Operation (or the set-up ended). */
static bool
fake_pair_done(void *arg)
{
	struct fake_pair *p = arg;

	if (p->cli.nresult == 0)
		return false;
	if (p->cli.result != TP_ACCEPTED)
		return true;
	return p->cqp->connects > 0 && p->sqp->connects > 0;
}

bool
fake_pair_up(struct fake_pair *p)
{
	return fake_run(p->base, fake_pair_done, p, 3000) &&
	    p->cli.result == TP_ACCEPTED;
}

void
fake_pair_close(struct fake_pair *p)
{
	fake_env_fini(&p->cli);
	fake_env_fini(&p->srv);
	fake_qp_free(p->cqp);
	fake_qp_free(p->sqp);
	if (p->base != NULL)
		event_base_free(p->base);
	memset(p, 0, sizeof(*p));
}
#endif /* !FAKE_NO_ENGINE */
