/* test_sctp_e2e.c — two real engines over kernel SCTP (run inside UML). */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/sctp.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "helpers/eng_world.h"
#include "helpers/fake_eng.h"
#include "llp_pair.h"
#include "sctp_e2e.h"
#include "rdmad/rdmad.h"
#include "transport/sctp.h"
#include "tutil.h"
#include "wire/crc32c.h"
#include "wire/iwarp.h"

/*
 * Like test_tcp_e2e: the engines, memory and rings of llp_pair.c (or,
 * for many QPs, engines made here), the fake daemon of fake_eng.c, and
 * the real SCTP transport over the guest's loopback (MTU 9000).  Needs
 * kernel SCTP: tests/uml/sctp-e2e.sh runs it inside user-mode Linux.
 */

#define SINK	(4 * MIB + 4096)
#define RW	(ENG_ACCESS_LOCAL_WRITE | ENG_ACCESS_REMOTE_WRITE | \
		 ENG_ACCESS_REMOTE_READ | ENG_ACCESS_REMOTE_ATOMIC)

uint16_t e2e_next_port = 15000;

double
e2e_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

socklen_t
e2e_addr(struct sockaddr_storage *ss, uint16_t port)
{
	return fake_addr(ss, port);
}

/* Options of both sides: the same daemon port (fresh per world). */
struct tp_sctp_opts
e2e_opts(uint16_t port)
{
	struct tp_sctp_opts o;

	memset(&o, 0, sizeof(o));
	o.port = port;
	o.timeout_ms = 5000;
	return o;
}

/* ---- one QP per side (llp_pair world) ------------------------------ */

struct e2e;
static bool	e2e_envs(struct e2e *, struct tp_sctp_opts *);

struct e2e {
	struct event_base	*base;
	struct fake_env		 srv, cli;
	struct llp_pair		*lp;
	uint32_t		 k0, k1;
	struct rdmad_shm_cqe	 cqe[2][8];
	int			 ncqe[2];
	struct tp_conn		*cc;
	uint16_t		 port;
};

static bool
e2e_up(void *arg)
{
	struct e2e *e = arg;

	return e->cli.nresult > 0 &&
	    (e->cli.result != TP_ACCEPTED ||
	    (eng_qp_state(lp_qp(e->lp, 0)) == ENG_QPS_RTS &&
	    eng_qp_state(lp_qp(e->lp, 1)) == ENG_QPS_RTS));
}

/* Build the world; listen on SVC; connect to `service`. */
static bool
e2e_open(struct e2e *e, uint16_t service)
{
	struct tp_sctp_opts o;
	struct lp_conf c;
	struct sockaddr_storage ss;
	socklen_t sl;
	char cause[128];

	memset(e, 0, sizeof(*e));
	lp_conf_default(&c);
	c.no_connect = true;
	c.mem_len = 9 * MIB;
	if ((e->lp = lp_new(&c)) == NULL ||
	    (e->base = event_base_new()) == NULL)
		return false;
	e->k0 = lp_reg(e->lp, 0, 0, 9 * MIB, RW);
	e->k1 = lp_reg(e->lp, 1, 0, 9 * MIB, RW);
	e->port = e2e_next_port++;
	o = e2e_opts(e->port);
	if (fake_env_init_ops(&e->srv, e->base, &tp_sctp_ops, &o) < 0 ||
	    fake_env_init_ops(&e->cli, e->base, &tp_sctp_ops, &o) < 0)
		return false;
	e->srv.acc_qp = lp_qp(e->lp, 1);
	e->srv.acc_params.ird = e->srv.acc_params.ord = 4;
	e->cli.acc_qp = lp_qp(e->lp, 0);
	sl = e2e_addr(&ss, SVC);
	if (tp_sctp_ops.listen(e->srv.tp, (struct sockaddr *)&ss, sl, cause,
	    sizeof(cause)) < 0) {
		fprintf(stderr, "listen: %s\n", cause);
		return false;
	}
	sl = e2e_addr(&ss, service);
	if (tp_sctp_ops.connect(e->cli.tp, (struct sockaddr *)&ss, sl,
	    &(struct tp_conn_params){ .ird = 4, .ord = 4,
	    .priv = "hello", .priv_len = 5 }, NULL, &e->cc) < 0)
		return false;
	return fake_run(e->base, e2e_up, e, 5000);
}

/* Both fake daemons on e->base with fresh options. */
static bool
e2e_envs(struct e2e *e, struct tp_sctp_opts *o)
{
	*o = e2e_opts(e2e_next_port++);
	return fake_env_init_ops(&e->srv, e->base, &tp_sctp_ops, o) == 0 &&
	    fake_env_init_ops(&e->cli, e->base, &tp_sctp_ops, o) == 0;
}

/* A small llp_pair world (QPs idle) and both fake daemons. */
static bool
e2e_world(struct e2e *e, struct tp_sctp_opts *o)
{
	struct lp_conf lc;

	memset(e, 0, sizeof(*e));
	lp_conf_default(&lc);
	lc.no_connect = true;
	return (e->lp = lp_new(&lc)) != NULL &&
	    (e->base = event_base_new()) != NULL && e2e_envs(e, o);
}

static void
e2e_close(struct e2e *e)
{
	fake_env_fini(&e->cli);
	fake_env_fini(&e->srv);
	lp_free(e->lp);
	event_base_free(e->base);
}

struct e2e_want {
	struct e2e	*e;
	int		 n0, n1;
};

static bool
e2e_cqes(void *arg)
{
	struct e2e_want *w = arg;
	struct e2e *e = w->e;
	int s, n;

	for (s = 0; s < 2; s++) {
		n = lp_poll(e->lp, s, e->cqe[s] + e->ncqe[s],
		    8 - e->ncqe[s]);
		if (n > 0)
			e->ncqe[s] += n;
	}
	return e->ncqe[0] >= w->n0 && e->ncqe[1] >= w->n1;
}

static bool
e2e_wait(struct e2e *e, int n0, int n1)
{
	struct e2e_want w = { e, n0, n1 };

	e->ncqe[0] = e->ncqe[1] = 0;
	return fake_run(e->base, e2e_cqes, &w, 10000);
}

void
e2e_fill(uint8_t *b, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		b[i] = (uint8_t)(seed >> 16);
	}
}

static struct rdmad_shm_sqe
e2e_sqe(struct e2e *e, uint16_t op, uint64_t wr_id, size_t off,
    uint32_t len)
{
	struct rdmad_shm_sqe q;

	memset(&q, 0, sizeof(q));
	q.opcode = op;
	q.wr_id = wr_id;
	q.wr_flags = RDMAD_SHM_WR_SIGNALED;
	q.sge[0].addr = lp_va(e->lp, 0, off);
	q.sge[0].length = len;
	q.sge[0].lkey = e->k0;
	q.num_sge = 1;
	return q;
}

/* Set-up: private data both ways, IRD/ORD, the MULPDU from the MTU. */
static void
test_setup(void)
{
	struct tp_sctp_assoc_info ai;
	struct tp_conn_info ci;
	struct e2e e;

	CU_ASSERT_FATAL(e2e_open(&e, SVC));
	CU_ASSERT(e.cli.result == TP_ACCEPTED);
	CU_ASSERT(e.srv.nreq == 1);
	CU_ASSERT(e.srv.req.service == SVC);
	CU_ASSERT(e.srv.req.priv_len == 5);
	CU_ASSERT(memcmp(e.srv.req_pd, "hello", 5) == 0);
	CU_ASSERT(e.srv.req.ird == 4 && e.srv.req.ord == 4);
	CU_ASSERT(tp_conn_info(e.cc, &ci) == 0);
	CU_ASSERT(ci.ord == 4 && ci.ird == 4);
	/* lo MTU 9000: 9000 - 20 - 46 */
	CU_ASSERT(ci.max_seg == 8934);
	CU_ASSERT(tp_sctp_conn_stream(e.cc) == 0);
	CU_ASSERT(tp_sctp_assoc_count(e.cli.tp) == 1);
	CU_ASSERT(tp_sctp_assoc_info(e.cli.tp, 0, &ai) == 0);
	CU_ASSERT(ai.up && ai.initiator && ai.in_use == 1);
	CU_ASSERT(ai.streams == TP_SCTP_STREAMS_DEFAULT);
	CU_ASSERT(ai.npaths == 1 && ai.paths[0].primary);
	CU_ASSERT(tp_sctp_assoc_info(e.cli.tp, 1, &ai) == -1);
	e2e_close(&e);
}

/* Send, Write, Read of many sizes, multi-segment, checked by content. */
static void
test_ops(void)
{
	static const uint32_t sizes[] = { 0, 1, 7, 1000, 8934, 8935, 65537,
	    300001, 1 * MIB + 13, 4 * MIB };
	struct rdmad_shm_sqe q;
	struct e2e e;
	uint8_t *m0, *m1;
	uint32_t len;
	size_t i;

	CU_ASSERT_FATAL(e2e_open(&e, SVC));
	m0 = lp_mem(e.lp, 0);
	m1 = lp_mem(e.lp, 1);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		len = sizes[i];
		/* Send (solicited) */
		e2e_fill(m0, len, (uint32_t)i + 1);
		memset(m1 + SINK, 0, len + 16);
		CU_ASSERT(lp_post_recv(e.lp, 1, 500 + i, SINK, len + 16,
		    e.k1) == 0);
		q = e2e_sqe(&e, RDMAD_SHM_OP_SEND, 100 + i, 0, len);
		q.wr_flags |= RDMAD_SHM_WR_SOLICITED;
		CU_ASSERT(lp_post_send(e.lp, 0, &q) == 0);
		CU_ASSERT_FATAL(e2e_wait(&e, 1, 1));
		CU_ASSERT(e.cqe[0][0].status == RDMAD_WC_SUCCESS);
		CU_ASSERT(e.cqe[0][0].wr_id == 100 + i);
		CU_ASSERT(e.cqe[1][0].status == RDMAD_WC_SUCCESS);
		CU_ASSERT(e.cqe[1][0].opcode == RDMAD_SHM_WC_RECV);
		CU_ASSERT(e.cqe[1][0].wr_id == 500 + i);
		CU_ASSERT(e.cqe[1][0].byte_len == len);
		CU_ASSERT(e.cqe[1][0].wc_flags & RDMAD_SHM_WC_SOLICITED);
		CU_ASSERT(crc32c(m0, len) == crc32c(m1 + SINK, len));
		CU_ASSERT(memcmp(m0, m1 + SINK, len) == 0);
		CU_ASSERT(m1[SINK + len] == 0);
		/* Write side 0 -> side 1 */
		e2e_fill(m0, len, (uint32_t)i + 77);
		q = e2e_sqe(&e, RDMAD_SHM_OP_WRITE, 200 + i, 0, len);
		q.rkey = e.k1;
		q.remote_addr = lp_va(e.lp, 1, SINK + 5);
		CU_ASSERT(lp_post_send(e.lp, 0, &q) == 0);
		CU_ASSERT_FATAL(e2e_wait(&e, 1, 0));
		CU_ASSERT(e.cqe[0][0].status == RDMAD_WC_SUCCESS);
		CU_ASSERT(e.cqe[0][0].opcode == RDMAD_SHM_WC_WRITE);
		/* Read it back into side 0 */
		memset(m0 + SINK, 0, len + 8);
		q = e2e_sqe(&e, RDMAD_SHM_OP_READ, 300 + i, SINK + 3, len);
		q.rkey = e.k1;
		q.remote_addr = lp_va(e.lp, 1, SINK + 5);
		CU_ASSERT(lp_post_send(e.lp, 0, &q) == 0);
		CU_ASSERT_FATAL(e2e_wait(&e, 1, 0));
		CU_ASSERT(e.cqe[0][0].status == RDMAD_WC_SUCCESS);
		CU_ASSERT(e.cqe[0][0].opcode == RDMAD_SHM_WC_READ);
		CU_ASSERT(e.cqe[0][0].byte_len == len);
		CU_ASSERT(crc32c(m0, len) == crc32c(m1 + SINK + 5, len));
		CU_ASSERT(memcmp(m0, m0 + SINK + 3, len) == 0);
	}
	CU_ASSERT(eng_qp_state(lp_qp(e.lp, 0)) == ENG_QPS_RTS);
	CU_ASSERT(eng_qp_state(lp_qp(e.lp, 1)) == ENG_QPS_RTS);
	e2e_close(&e);
}

/* Immediate Data (alone, after a Write) and both atomics, RFC 7306. */
static void
test_imm_atomics(void)
{
	struct rdmad_shm_sqe q;
	struct e2e e;
	uint8_t *m0, *m1;
	uint64_t v;

	CU_ASSERT_FATAL(e2e_open(&e, SVC));
	m0 = lp_mem(e.lp, 0);
	m1 = lp_mem(e.lp, 1);
	/* Immediate Data alone */
	CU_ASSERT(lp_post_recv(e.lp, 1, 1, SINK, 64, e.k1) == 0);
	q = e2e_sqe(&e, RDMAD_SHM_OP_IMM, 11, 0, 0);
	q.num_sge = 0;
	q.imm_data = 0x0123456789abcdefull;
	CU_ASSERT(lp_post_send(e.lp, 0, &q) == 0);
	CU_ASSERT_FATAL(e2e_wait(&e, 1, 1));
	CU_ASSERT(e.cqe[0][0].status == RDMAD_WC_SUCCESS);
	CU_ASSERT(e.cqe[0][0].opcode == RDMAD_SHM_WC_IMM);
	CU_ASSERT(e.cqe[1][0].status == RDMAD_WC_SUCCESS);
	CU_ASSERT(e.cqe[1][0].opcode == RDMAD_SHM_WC_RECV_IMM);
	CU_ASSERT(e.cqe[1][0].imm_data == 0x0123456789abcdefull);
	/* Write with Immediate: 100000 octets, then the Immediate */
	e2e_fill(m0, 100000, 9);
	CU_ASSERT(lp_post_recv(e.lp, 1, 2, SINK, 64, e.k1) == 0);
	q = e2e_sqe(&e, RDMAD_SHM_OP_WRITE_IMM, 12, 0, 100000);
	q.rkey = e.k1;
	q.remote_addr = lp_va(e.lp, 1, 2 * MIB);
	q.imm_data = 42;
	CU_ASSERT(lp_post_send(e.lp, 0, &q) == 0);
	CU_ASSERT_FATAL(e2e_wait(&e, 1, 1));
	CU_ASSERT(e.cqe[0][0].status == RDMAD_WC_SUCCESS);
	CU_ASSERT(e.cqe[0][0].opcode == RDMAD_SHM_WC_WRITE);
	CU_ASSERT(e.cqe[1][0].opcode == RDMAD_SHM_WC_RECV_IMM);
	CU_ASSERT(e.cqe[1][0].imm_data == 42);
	CU_ASSERT(e.cqe[1][0].byte_len == 0);
	CU_ASSERT(memcmp(m0, m1 + 2 * MIB, 100000) == 0);
	/* FetchAdd then CmpSwap on an aligned remote word */
	v = 100;
	memcpy(m1 + 3 * MIB, &v, 8);
	q = e2e_sqe(&e, RDMAD_SHM_OP_FETCH_ADD, 13, SINK, 8);
	q.rkey = e.k1;
	q.remote_addr = lp_va(e.lp, 1, 3 * MIB);
	q.compare_add = 5;
	CU_ASSERT(lp_post_send(e.lp, 0, &q) == 0);
	CU_ASSERT_FATAL(e2e_wait(&e, 1, 0));
	CU_ASSERT(e.cqe[0][0].status == RDMAD_WC_SUCCESS);
	CU_ASSERT(e.cqe[0][0].opcode == RDMAD_SHM_WC_FETCH_ADD);
	memcpy(&v, m0 + SINK, 8);
	CU_ASSERT(v == 100);
	memcpy(&v, m1 + 3 * MIB, 8);
	CU_ASSERT(v == 105);
	q = e2e_sqe(&e, RDMAD_SHM_OP_CMP_SWAP, 14, SINK + 8, 8);
	q.rkey = e.k1;
	q.remote_addr = lp_va(e.lp, 1, 3 * MIB);
	q.compare_add = 105;
	q.swap = 7;
	CU_ASSERT(lp_post_send(e.lp, 0, &q) == 0);
	CU_ASSERT_FATAL(e2e_wait(&e, 1, 0));
	CU_ASSERT(e.cqe[0][0].status == RDMAD_WC_SUCCESS);
	CU_ASSERT(e.cqe[0][0].opcode == RDMAD_SHM_WC_CMP_SWAP);
	memcpy(&v, m0 + SINK + 8, 8);
	CU_ASSERT(v == 105);
	memcpy(&v, m1 + 3 * MIB, 8);
	CU_ASSERT(v == 7);
	e2e_close(&e);
}

/* The application rejects, with private data; then no listener. */
static void
test_reject(void)
{
	struct e2e e;
	struct lp_conf c;

	(void)c;
	memset(&e, 0, sizeof(e));
	{
		struct tp_sctp_opts o;
		struct lp_conf lc;
		struct sockaddr_storage ss;
		socklen_t sl;
		char cause[128];
		struct tp_conn *tc;

		lp_conf_default(&lc);
		lc.no_connect = true;
		CU_ASSERT_FATAL((e.lp = lp_new(&lc)) != NULL);
		CU_ASSERT_FATAL((e.base = event_base_new()) != NULL);
		CU_ASSERT_FATAL(e2e_envs(&e, &o));
		e.srv.action = FAKE_REJECT;
		e.srv.acc_params.priv = "not today";
		e.srv.acc_params.priv_len = 9;
		sl = e2e_addr(&ss, SVC);
		CU_ASSERT_FATAL(tp_sctp_ops.listen(e.srv.tp,
		    (struct sockaddr *)&ss, sl, cause, sizeof(cause)) == 0);
		CU_ASSERT_FATAL(tp_sctp_ops.connect(e.cli.tp,
		    (struct sockaddr *)&ss, sl, &(struct tp_conn_params){
		    .ird = 2, .ord = 2 }, NULL, &tc) == 0);
		CU_ASSERT(fake_run(e.base, e2e_up, &e, 5000));
		CU_ASSERT(e.cli.result == TP_REJECTED);
		CU_ASSERT(e.cli.res_peer_set);
		CU_ASSERT(e.cli.res_peer.priv_len == 9);
		CU_ASSERT(memcmp(e.cli.res_pd, "not today", 9) == 0);
		CU_ASSERT(e.srv.nreq == 1 && e.srv.accept_rv == 0);
		/* Initiate for a service nobody listens on: the peer
		 * daemon rejects it itself -> TP_REFUSED. */
		e.cli.nresult = 0;
		sl = e2e_addr(&ss, SVC + 1);
		CU_ASSERT_FATAL(tp_sctp_ops.connect(e.cli.tp,
		    (struct sockaddr *)&ss, sl, &(struct tp_conn_params){
		    .ird = 2, .ord = 2 }, NULL, &tc) == 0);
		CU_ASSERT(fake_run(e.base, e2e_up, &e, 5000));
		CU_ASSERT(e.cli.result == TP_REFUSED);
		CU_ASSERT(strstr(e.cli.why, "no listener") != NULL);
		CU_ASSERT(e.srv.nreq == 1);	/* the daemon never saw it */
		/* Both went over the one association. */
		CU_ASSERT(tp_sctp_assoc_count(e.cli.tp) == 1);
		e2e_close(&e);
	}
}

/* ---- a raw SCTP peer without the DDP adaptation indication ---------- */

struct raw {
	struct e2e	*e;
	int		 fd;
	bool		 gone;
};

static bool
raw_result(void *arg)
{
	struct raw *r = arg;

	return r->e->cli.nresult > 0;
}

/* Our server aborts a raw client; ECONNRESET or EOF tells the client. */
static bool
raw_gone(void *arg)
{
	struct raw *r = arg;
	char b[256];
	ssize_t n = recv(r->fd, b, sizeof(b), MSG_DONTWAIT);

	if (n == 0 || (n < 0 && errno != EAGAIN))
		r->gone = true;
	return r->gone && tp_sctp_assoc_count(r->e->srv.tp) == 0;
}

static void
test_no_ddp_peer(void)
{
	struct tp_sctp_opts o;
	struct sockaddr_storage ss;
	struct e2e e;
	struct raw r;
	struct tp_conn *tc;
	socklen_t sl;
	char cause[128];
	int lfd, one = 1;

	memset(&e, 0, sizeof(e));
	CU_ASSERT_FATAL((e.base = event_base_new()) != NULL);
	CU_ASSERT_FATAL(e2e_envs(&e, &o));
	/* 1. We connect to a plain SCTP listener: TP_UNSUPPORTED. */
	lfd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	CU_ASSERT_FATAL(lfd >= 0);
	(void)setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sl = e2e_addr(&ss, o.port);
	CU_ASSERT_FATAL(bind(lfd, (struct sockaddr *)&ss, sl) == 0);
	CU_ASSERT_FATAL(listen(lfd, 4) == 0);
	sl = e2e_addr(&ss, SVC);
	CU_ASSERT_FATAL(tp_sctp_ops.connect(e.cli.tp, (struct sockaddr *)&ss,
	    sl, &(struct tp_conn_params){ .ird = 1, .ord = 1 }, NULL,
	    &tc) == 0);
	r.e = &e;
	r.fd = -1;
	r.gone = false;
	CU_ASSERT(fake_run(e.base, raw_result, &r, 5000));
	CU_ASSERT(e.cli.result == TP_UNSUPPORTED);
	CU_ASSERT(strstr(e.cli.why, "adaptation") != NULL);
	close(lfd);
	/* 2. A plain SCTP client to our listener is aborted. */
	sl = e2e_addr(&ss, SVC);
	CU_ASSERT_FATAL(tp_sctp_ops.listen(e.srv.tp, (struct sockaddr *)&ss,
	    sl, cause, sizeof(cause)) == 0);
	r.fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	CU_ASSERT_FATAL(r.fd >= 0);
	sl = e2e_addr(&ss, o.port);
	CU_ASSERT_FATAL(connect(r.fd, (struct sockaddr *)&ss, sl) == 0);
	CU_ASSERT(fake_run(e.base, raw_gone, &r, 5000));
	CU_ASSERT(e.srv.nreq == 0);
	close(r.fd);
	fake_env_fini(&e.cli);
	fake_env_fini(&e.srv);
	event_base_free(e.base);
}

/* ---- a hostile peer that does indicate DDP ---------------------------- */

/* Send one raw chunk: stream sid, PPID (host order), unordered. */
static int
hp_send(int fd, uint16_t sid, uint32_t ppid, const void *p, size_t len)
{
	return sctp_sendmsg(fd, p, len, NULL, 0, htonl(ppid), SCTP_UNORDERED,
	    sid, 0, 0) == (int)len ? 0 : -1;
}

struct hp {
	struct e2e	*e;
	int		 fd;
	uint16_t	 sid;		/* wanted: a chunk on this stream */
	uint32_t	 ppid;
	uint16_t	 fn;		/* PPID 17: this function code */
	bool		 got;
};

/* Read what the server sent until the wanted chunk came. */
static bool
hp_recv(void *arg)
{
	struct hp *h = arg;
	struct sctp_sndrcvinfo si;
	uint8_t b[9000];
	int flags, n;

	for (;;) {
		flags = 0;
		memset(&si, 0, sizeof(si));
		n = sctp_recvmsg(h->fd, b, sizeof(b), NULL, 0, &si, &flags);
		if (n <= 0)
			return h->got;
		if ((flags & MSG_NOTIFICATION) || si.sinfo_stream != h->sid ||
		    ntohl(si.sinfo_ppid) != h->ppid)
			continue;
		if (h->ppid == 17 && (n < 4 || (b[2] << 8 | b[3]) != h->fn))
			continue;
		h->got = true;
	}
}

static bool
hp_wait(struct hp *h, uint16_t sid, uint32_t ppid, uint16_t fn)
{
	h->sid = sid;
	h->ppid = ppid;
	h->fn = fn;
	h->got = false;
	return fake_run(h->e->base, hp_recv, h, 5000);
}

static bool
hp_nreq(void *arg)
{
	struct e2e *e = arg;

	return e->srv.nreq >= 2;
}

/*
 * A raw SCTP peer with the DDP indication sends garbage: an Initiate
 * without our header, chunks on streams without a session, unknown
 * function codes, an oversized segment, then a session whose stream it
 * breaks with an out-of-window DDP-SSN.  Each mistake costs at most
 * that stream (a Terminate); the association and the daemon stay up,
 * and a good Initiate afterwards still reaches the daemon.
 */
static void
test_hostile_peer(void)
{
	static const uint8_t bad_init[] = { 0, 0, 0, 5, 0, 4, 0, 4 };
	static const uint8_t unknown_fn[] = { 0, 0, 0, 9 };
	static const uint8_t term1[] = { 0, 1, 0, 4 };
	uint8_t init[] = { 0, 0, 0, 5, 0, 4, 0, 4, 1, 0,
	    (uint8_t)(SVC >> 8), (uint8_t)SVC, 'h', 'i' };
	uint8_t seg[64];
	struct sctp_setadaptation ad = { SCTP_DDP_ADAPTATION_IND };
	struct sctp_initmsg im;
	struct sctp_event_subscribe evs;
	struct sockaddr_storage ss;
	struct tp_sctp_opts o;
	struct e2e e;
	struct hp h;
	uint8_t *big;
	socklen_t sl;
	char cause[128];

	CU_ASSERT_FATAL(e2e_world(&e, &o));
	e.srv.acc_qp = lp_qp(e.lp, 1);
	e.srv.acc_params.ird = e.srv.acc_params.ord = 4;
	sl = e2e_addr(&ss, SVC);
	CU_ASSERT_FATAL(tp_sctp_ops.listen(e.srv.tp, (struct sockaddr *)&ss,
	    sl, cause, sizeof(cause)) == 0);
	h.e = &e;
	h.fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	CU_ASSERT_FATAL(h.fd >= 0);
	memset(&im, 0, sizeof(im));
	im.sinit_num_ostreams = im.sinit_max_instreams = 16;
	CU_ASSERT(setsockopt(h.fd, IPPROTO_SCTP, SCTP_INITMSG, &im,
	    sizeof(im)) == 0);
	CU_ASSERT(setsockopt(h.fd, IPPROTO_SCTP, SCTP_ADAPTATION_LAYER, &ad,
	    sizeof(ad)) == 0);
	memset(&evs, 0, sizeof(evs));
	evs.sctp_data_io_event = 1;	/* sinfo for sctp_recvmsg() */
	CU_ASSERT(setsockopt(h.fd, IPPROTO_SCTP, SCTP_EVENTS, &evs,
	    sizeof(evs)) == 0);
	sl = e2e_addr(&ss, o.port);
	CU_ASSERT_FATAL(connect(h.fd, (struct sockaddr *)&ss, sl) == 0);
	CU_ASSERT(fcntl(h.fd, F_SETFL, O_NONBLOCK) == 0);
	/* Initiate without the rdmad header: Terminate on that stream. */
	CU_ASSERT(hp_send(h.fd, 2, 17, bad_init, sizeof(bad_init)) == 0);
	CU_ASSERT(hp_wait(&h, 2, 17, 4));
	CU_ASSERT(hp_send(h.fd, 2, 17, term1, sizeof(term1)) == 0);
	/* No session: a DDP segment, an unknown code, a short chunk. */
	memset(seg, 0x41, sizeof(seg));
	CU_ASSERT(hp_send(h.fd, 4, 16, seg, sizeof(seg)) == 0);
	CU_ASSERT(hp_send(h.fd, 6, 17, unknown_fn, sizeof(unknown_fn)) == 0);
	CU_ASSERT(hp_send(h.fd, 6, 16, seg, 1) == 0);
	CU_ASSERT(hp_send(h.fd, 3, 17, init, sizeof(init)) == 0); /* ours */
	/* An oversized chunk (RFC 5043 §9) on a stream without session. */
	big = calloc(1, 100000);
	CU_ASSERT(hp_send(h.fd, 10, 16, big, 100000) == 0);
	free(big);
	/* A real session on stream 8, then an out-of-window DDP-SSN. */
	CU_ASSERT(hp_send(h.fd, 8, 17, init, sizeof(init)) == 0);
	CU_ASSERT(hp_wait(&h, 8, 17, 6));
	CU_ASSERT(e.srv.nreq == 1);
	CU_ASSERT(e.srv.req.priv_len == 2);
	seg[0] = 0x9c;			/* DDP-SSN 40000: outside */
	seg[1] = 0x40;
	CU_ASSERT(hp_send(h.fd, 8, 16, seg, sizeof(seg)) == 0);
	CU_ASSERT(hp_wait(&h, 8, 17, 4));	/* its stream ends */
	CU_ASSERT(eng_qp_state(lp_qp(e.lp, 1)) != ENG_QPS_RTS);
	/* The association and the daemon are still there. */
	CU_ASSERT(tp_sctp_assoc_count(e.srv.tp) == 1);
	init[0] = init[1] = 0;
	CU_ASSERT(hp_send(h.fd, 12, 17, init, sizeof(init)) == 0);
	CU_ASSERT(fake_run(e.base, hp_nreq, &e, 5000));
	close(h.fd);
	e2e_close(&e);
}

static bool
e2e_closed(void *arg)
{
	struct e2e *e = arg;

	return e->srv.nclosed > 0 && e->cli.nclosed > 0;
}

/* Graceful disconnect: Terminates both ways, both QPs told, both
 * daemons told once; the association stays for the next session. */
static void
test_disconnect(void)
{
	struct e2e e;

	CU_ASSERT_FATAL(e2e_open(&e, SVC));
	eng_qp_disconnect(lp_qp(e.lp, 0));
	CU_ASSERT(fake_run(e.base, e2e_closed, &e, 5000));
	CU_ASSERT(e.srv.nclosed == 1 && e.cli.nclosed == 1);
	CU_ASSERT(eng_qp_state(lp_qp(e.lp, 0)) != ENG_QPS_RTS);
	CU_ASSERT(eng_qp_state(lp_qp(e.lp, 1)) != ENG_QPS_RTS);
	fake_settle(e.base, 50);
	CU_ASSERT(tp_sctp_assoc_count(e.cli.tp) == 1);
	e2e_close(&e);
}

/* Throughput figure: 64 x 1 MiB Writes on one QP. */
static bool
e2e_two_results(void *arg)
{
	struct e2e *e = arg;

	return e->cli.nresult >= 1 && e->srv.nreq >= 1;
}

/*
 * RFC 5043 §6.4: with the limit of requests awaiting the daemon (here
 * 1) reached, the next Initiate is answered with a Terminate
 * (TP_REFUSED at the initiator); the daemon then rejects the first,
 * which the initiator sees as TP_REJECTED.
 */
static void
test_pending_limit(void)
{
	struct sockaddr_storage ss;
	struct tp_sctp_opts o;
	struct tp_conn *tc;
	struct e2e e;
	socklen_t sl;
	char cause[128];

	memset(&e, 0, sizeof(e));
	CU_ASSERT_FATAL((e.base = event_base_new()) != NULL);
	o = e2e_opts(e2e_next_port++);
	o.max_pending = 1;
	CU_ASSERT_FATAL(fake_env_init_ops(&e.srv, e.base, &tp_sctp_ops,
	    &o) == 0);
	CU_ASSERT_FATAL(fake_env_init_ops(&e.cli, e.base, &tp_sctp_ops,
	    &o) == 0);
	e.srv.action = FAKE_HOLD;
	sl = e2e_addr(&ss, SVC);
	CU_ASSERT_FATAL(tp_sctp_ops.listen(e.srv.tp, (struct sockaddr *)&ss,
	    sl, cause, sizeof(cause)) == 0);
	CU_ASSERT_FATAL(tp_sctp_ops.connect(e.cli.tp, (struct sockaddr *)&ss,
	    sl, &(struct tp_conn_params){ .ird = 1, .ord = 1 }, NULL,
	    &tc) == 0);
	CU_ASSERT_FATAL(tp_sctp_ops.connect(e.cli.tp, (struct sockaddr *)&ss,
	    sl, &(struct tp_conn_params){ .ird = 1, .ord = 1 }, NULL,
	    &tc) == 0);
	CU_ASSERT(fake_run(e.base, e2e_two_results, &e, 5000));
	CU_ASSERT(e.srv.nreq == 1);
	CU_ASSERT(e.cli.nresult == 1);
	CU_ASSERT(e.cli.result == TP_REFUSED);
	/* The held request: the daemon says no now. */
	CU_ASSERT(tp_sctp_ops.reject(e.srv.req_c, "no", 2) == 0);
	e.cli.nresult = 0;
	CU_ASSERT(fake_run(e.base, e2e_up, &e, 5000));
	CU_ASSERT(e.cli.result == TP_REJECTED);
	CU_ASSERT(e.cli.res_peer.priv_len == 2);
	fake_env_fini(&e.cli);
	fake_env_fini(&e.srv);
	event_base_free(e.base);
}

static bool
e2e_srv_req(void *arg)
{
	return ((struct e2e *)arg)->srv.nreq > 0;
}

static bool
e2e_srv_closed(void *arg)
{
	return ((struct e2e *)arg)->srv.nclosed > 0;
}

/*
 * The initiator gives up while its Initiate is on the way: its
 * Terminate waits for the reply (RFC 5043 §6.6, it could overtake the
 * unordered Initiate), then ends the session the peer accepted.
 */
static void
test_abort_initiate(void)
{
	struct sockaddr_storage ss;
	struct tp_sctp_opts o;
	struct tp_conn *tc;
	struct e2e e;
	socklen_t sl;
	char cause[128];

	CU_ASSERT_FATAL(e2e_world(&e, &o));
	e.srv.action = FAKE_HOLD;
	sl = e2e_addr(&ss, SVC);
	CU_ASSERT_FATAL(tp_sctp_ops.listen(e.srv.tp, (struct sockaddr *)&ss,
	    sl, cause, sizeof(cause)) == 0);
	CU_ASSERT_FATAL(tp_sctp_ops.connect(e.cli.tp, (struct sockaddr *)&ss,
	    sl, &(struct tp_conn_params){ .ird = 4, .ord = 4 }, NULL,
	    &tc) == 0);
	CU_ASSERT_FATAL(fake_run(e.base, e2e_srv_req, &e, 5000));
	tp_sctp_ops.abort(tc);
	fake_settle(e.base, 20);
	CU_ASSERT(e.srv.nclosed == 0);	/* no Terminate before the reply */
	CU_ASSERT(tp_sctp_ops.accept(e.srv.req_c, lp_qp(e.lp, 1),
	    &(struct tp_conn_params){ .ird = 4, .ord = 4 }) == 0);
	CU_ASSERT(fake_run(e.base, e2e_srv_closed, &e, 5000));
	CU_ASSERT(eng_qp_state(lp_qp(e.lp, 1)) != ENG_QPS_RTS);
	CU_ASSERT(e.cli.nresult == 0 && e.cli.nclosed == 0);
	CU_ASSERT(tp_sctp_assoc_count(e.cli.tp) == 1);
	e2e_close(&e);
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "setup", test_setup },
		{ "ops", test_ops },
		{ "imm_atomics", test_imm_atomics },
		{ "reject", test_reject },
		{ "no_ddp_peer", test_no_ddp_peer },
		{ "hostile_peer", test_hostile_peer },
		{ "terminate_neighbour", test_terminate_neighbour },
		{ "thousand_qps", test_thousand_qps },
		{ "stream_space", test_stream_space },
		{ "disconnect", test_disconnect },
		{ "pending_limit", test_pending_limit },
		{ "abort_initiate", test_abort_initiate },
		{ "throughput", test_throughput },
		{ NULL, NULL }
	};
	struct tutil_case only[2] = { { NULL, NULL }, { NULL, NULL } };
	const char *sel = getenv("SCTP_E2E_ONLY");	/* one case, by name */
	char why[128];
	int i;

	signal(SIGPIPE, SIG_IGN);
	for (i = 0; sel != NULL && cases[i].name != NULL; i++)
		if (strcmp(cases[i].name, sel) == 0)
			only[0] = cases[i];
	if (!tp_sctp_ops.available(why, sizeof(why))) {
		fprintf(stderr, "test_sctp_e2e: %s (run it through "
		    "tests/uml/sctp-e2e.sh)\n", why);
		return 99;
	}
	return tutil_run("sctp_e2e", only[0].name != NULL ? only : cases);
}

