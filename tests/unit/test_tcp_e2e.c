/* test_tcp_e2e.c — two real engines over the TCP/MPA transport. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "helpers/fake_eng.h"
#include "llp_pair.h"
#include "rdmad/rdmad.h"
#include "tutil.h"
#include "wire/crc32c.h"

/*
 * The engines, their memory and rings come from the engine tests' world
 * (tests/helpers/llp_pair.c, created with no_connect so that its
 * in-memory LLP stays unused); the fake daemon env of fake_eng.c (built
 * with FAKE_NO_ENGINE) accepts and attaches; the real transport carries
 * every segment over a loopback TCP connection.
 */

#define MIB	(1024u * 1024u)
#define SINK	(4 * MIB + 4096)
#define RW	(ENG_ACCESS_LOCAL_WRITE | ENG_ACCESS_REMOTE_WRITE | \
		 ENG_ACCESS_REMOTE_READ)

struct e2e {
	struct event_base	*base;
	struct fake_env		 srv, cli;
	struct llp_pair		*lp;
	uint32_t		 k0, k1;
	struct rdmad_shm_cqe	 cqe[2][8];
	int			 ncqe[2];
};

static bool
e2e_up(void *arg)
{
	struct e2e *e = arg;

	return e->cli.nresult > 0 &&
	    eng_qp_state(lp_qp(e->lp, 0)) == ENG_QPS_RTS &&
	    eng_qp_state(lp_qp(e->lp, 1)) == ENG_QPS_RTS;
}

/* Build the world and connect it through TCP/MPA with these options. */
static bool
e2e_open(struct e2e *e, const struct tp_mpa_opts *o)
{
	struct lp_conf c;
	struct sockaddr_storage ss;
	struct tp_conn *tc;
	socklen_t sl;
	char cause[128];
	uint16_t port;

	memset(e, 0, sizeof(*e));
	lp_conf_default(&c);
	c.no_connect = true;
	c.mem_len = 9 * MIB;
	if ((e->lp = lp_new(&c)) == NULL ||
	    (e->base = event_base_new()) == NULL)
		return false;
	e->k0 = lp_reg(e->lp, 0, 0, 9 * MIB, RW);
	e->k1 = lp_reg(e->lp, 1, 0, 9 * MIB, RW);
	if (fake_env_init(&e->srv, e->base, o) < 0 ||
	    fake_env_init(&e->cli, e->base, o) < 0)
		return false;
	e->srv.acc_qp = lp_qp(e->lp, 1);
	e->srv.acc_params.ird = e->srv.acc_params.ord = 4;
	e->cli.acc_qp = lp_qp(e->lp, 0);
	port = fake_port();
	sl = fake_addr(&ss, port);
	if (tp_tcp_ops.listen(e->srv.tp, (struct sockaddr *)&ss, sl, cause,
	    sizeof(cause)) < 0 ||
	    tp_tcp_ops.connect(e->cli.tp, (struct sockaddr *)&ss, sl,
	    &(struct tp_conn_params){ .ird = 4, .ord = 4 }, NULL, &tc) < 0)
		return false;
	return fake_run(e->base, e2e_up, e, 3000);
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

/* Collect completions of both sides until enough arrived. */
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
	return fake_run(e->base, e2e_cqes, &w, 5000);
}

static void
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

/* Send, Write and Read of many sizes through TCP, checked by content. */
static void
e2e_ops(const struct tp_mpa_opts *o)
{
	static const uint32_t sizes[] = { 0, 1, 7, 1000, 4099, 65537,
	    300001, 1 * MIB + 13 };
	struct rdmad_shm_sqe q;
	struct e2e e;
	uint8_t *m0, *m1;
	uint32_t len;
	size_t i;

	CU_ASSERT_FATAL(e2e_open(&e, o));
	m0 = lp_mem(e.lp, 0);
	m1 = lp_mem(e.lp, 1);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		len = sizes[i];
		/* Send */
		e2e_fill(m0, len, (uint32_t)i + 1);
		memset(m1 + SINK, 0, len + 16);
		CU_ASSERT(lp_post_recv(e.lp, 1, 500 + i, SINK, len + 16,
		    e.k1) == 0);
		q = e2e_sqe(&e, RDMAD_SHM_OP_SEND, 100 + i, 0, len);
		CU_ASSERT(lp_post_send(e.lp, 0, &q) == 0);
		CU_ASSERT_FATAL(e2e_wait(&e, 1, 1));
		CU_ASSERT(e.cqe[0][0].status == RDMAD_WC_SUCCESS);
		CU_ASSERT(e.cqe[1][0].status == RDMAD_WC_SUCCESS);
		CU_ASSERT(e.cqe[1][0].opcode == RDMAD_SHM_WC_RECV);
		CU_ASSERT(e.cqe[1][0].byte_len == len);
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
		CU_ASSERT(memcmp(m0, m1 + SINK + 5, len) == 0);
		CU_ASSERT(memcmp(m0, m0 + SINK + 3, len) == 0);
	}
	CU_ASSERT(eng_qp_state(lp_qp(e.lp, 0)) == ENG_QPS_RTS);
	CU_ASSERT(eng_qp_state(lp_qp(e.lp, 1)) == ENG_QPS_RTS);
	e2e_close(&e);
}

static struct tp_mpa_opts
e2e_opts(bool markers, bool p2p, unsigned int rtr)
{
	struct tp_mpa_opts o;

	memset(&o, 0, sizeof(o));
	o.revision = 2;
	o.crc = true;
	o.markers = markers;
	o.timeout_ms = 3000;
	o.p2p = p2p;
	o.rtr = rtr;
	return o;
}

static void
test_ops_plain(void)
{
	struct tp_mpa_opts o = e2e_opts(false, false, 0);

	e2e_ops(&o);
}

static void
test_ops_markers(void)
{
	struct tp_mpa_opts o = e2e_opts(true, false, 0);

	e2e_ops(&o);
}

/* Peer-to-peer with Send and Read RTRs: the MSN offset meets a real
 * engine's MSN checks (RFC 5041 §7.1). */
static void
test_ops_rtr(void)
{
	struct tp_mpa_opts o = e2e_opts(false, true, TP_RTR_SEND);

	e2e_ops(&o);
	o.rtr = TP_RTR_READ;
	e2e_ops(&o);
}

static bool
e2e_closed(void *arg)
{
	struct e2e *e = arg;

	return e->srv.nclosed > 0 && e->cli.nclosed > 0;
}

/* Graceful disconnect: both transports report the end to the engines. */
static void
test_disconnect(void)
{
	struct tp_mpa_opts o = e2e_opts(false, false, 0);
	struct e2e e;

	CU_ASSERT_FATAL(e2e_open(&e, &o));
	eng_qp_disconnect(lp_qp(e.lp, 0));
	CU_ASSERT(fake_run(e.base, e2e_closed, &e, 3000));
	CU_ASSERT(eng_qp_state(lp_qp(e.lp, 0)) != ENG_QPS_RTS);
	CU_ASSERT(eng_qp_state(lp_qp(e.lp, 1)) != ENG_QPS_RTS);
	e2e_close(&e);
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "ops_plain", test_ops_plain },
		{ "ops_markers", test_ops_markers },
		{ "ops_rtr", test_ops_rtr },
		{ "disconnect", test_disconnect },
		{ NULL, NULL }
	};

	signal(SIGPIPE, SIG_IGN);
	return tutil_run("tcp_e2e", cases);
}
