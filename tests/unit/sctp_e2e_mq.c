/* sctp_e2e_mq.c — SCTP end-to-end tests with many QPs per side (UML). */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "helpers/eng_world.h"
#include "helpers/fake_eng.h"
#include "rdmad/rdmad.h"
#include "sctp_e2e.h"
#include "tutil.h"

/* ---- many QPs on one association ------------------------------------ */




struct mq {
	struct event_base	*base;
	struct fake_env		 srv, cli;
	struct mq_side		 s[2];
	int			 n;
	struct tp_conn		**cc;
	uint16_t		 port;
};

static bool
mq_all_up(void *arg)
{
	struct mq *m = arg;

	return m->cli.nresult >= m->n;
}

/* n QP pairs; connect them all (one association while the streams
 * last; `streams` 0: the default). */
static bool
mq_open_streams(struct mq *m, int n, uint16_t streams)
{
	struct tp_sctp_opts o;
	struct sockaddr_storage ss;
	socklen_t sl;
	char cause[128];
	int i;

	memset(m, 0, sizeof(*m));
	m->n = n;
	if ((m->base = event_base_new()) == NULL ||
	    mq_side_init(&m->s[0], n, 0) < 0 ||
	    mq_side_init(&m->s[1], n, 1) < 0 ||
	    (m->cc = calloc((size_t)n, sizeof(*m->cc))) == NULL)
		return false;
	m->port = e2e_next_port++;
	o = e2e_opts(m->port);
	o.streams = streams;
	if (fake_env_init_ops(&m->srv, m->base, &tp_sctp_ops, &o) < 0 ||
	    fake_env_init_ops(&m->cli, m->base, &tp_sctp_ops, &o) < 0)
		return false;
	m->srv.pool = m->s[1].qp;
	m->srv.npool = n;
	m->srv.acc_params.ird = m->srv.acc_params.ord = 4;
	m->cli.pool = m->s[0].qp;
	m->cli.npool = n;
	sl = e2e_addr(&ss, SVC);
	if (tp_sctp_ops.listen(m->srv.tp, (struct sockaddr *)&ss, sl, cause,
	    sizeof(cause)) < 0)
		return false;
	for (i = 0; i < n; i++)
		if (tp_sctp_ops.connect(m->cli.tp, (struct sockaddr *)&ss, sl,
		    &(struct tp_conn_params){ .ird = 4, .ord = 4 },
		    m->s[0].qp[i], &m->cc[i]) < 0)
			return false;
	return fake_run(m->base, mq_all_up, m, 60000);
}

static bool
mq_open(struct mq *m, int n)
{
	return mq_open_streams(m, n, 0);
}

static void
mq_close(struct mq *m)
{
	fake_env_fini(&m->cli);
	fake_env_fini(&m->srv);
	mq_side_fini(&m->s[0]);
	mq_side_fini(&m->s[1]);
	free(m->cc);
	if (m->base != NULL)
		event_base_free(m->base);
}

struct mq_want {
	struct mq	*m;
	int		 want, got;
	struct rdmad_shm_cqe *out;
};

static bool
mq_cqes(void *arg)
{
	struct mq_want *w = arg;

	w->got += mq_poll(&w->m->s[0], w->out ? w->out + w->got : NULL,
	    w->want - w->got);
	return w->got >= w->want;
}

static struct rdmad_shm_sqe
mq_write(struct mq *m, uint64_t wr_id, size_t off, uint32_t len,
    size_t roff)
{
	struct rdmad_shm_sqe q;

	memset(&q, 0, sizeof(q));
	q.opcode = RDMAD_SHM_OP_WRITE;
	q.wr_id = wr_id;
	q.wr_flags = RDMAD_SHM_WR_SIGNALED;
	q.sge[0].addr = MQ_IOVA + off;
	q.sge[0].length = len;
	q.sge[0].lkey = m->s[0].stag;
	q.num_sge = 1;
	q.rkey = m->s[1].stag;
	q.remote_addr = MQ_IOVA + roff;
	return q;
}

static bool	mq_landed(struct mq *, size_t, size_t, size_t);

/* 1,000 QPs on one association: set-up rate, then one verified Write
 * on every QP. */
void
test_thousand_qps(void)
{
	enum { N = 1000 };
	struct tp_sctp_assoc_info ai;
	struct rdmad_shm_sqe q;
	struct mq_want w;
	struct mq m;
	double t0, t1;
	int i, rts0 = 0, rts1 = 0;

	t0 = e2e_now();
	CU_ASSERT_FATAL(mq_open(&m, N));
	t1 = e2e_now();
	CU_ASSERT(m.cli.naccepted == N);
	CU_ASSERT(m.srv.nreq == N);
	/* Initiates travel unordered on their own streams, so the peer
	 * may pair them with its QPs in any order. */
	for (i = 0; i < N; i++) {
		rts0 += eng_qp_state(m.s[0].qp[i]) == ENG_QPS_RTS;
		rts1 += eng_qp_state(m.s[1].qp[i]) == ENG_QPS_RTS;
	}
	CU_ASSERT(rts0 == N && rts1 == N);
	CU_ASSERT(tp_sctp_assoc_count(m.cli.tp) == 1);
	CU_ASSERT(tp_sctp_assoc_count(m.srv.tp) == 1);
	CU_ASSERT(tp_sctp_assoc_info(m.cli.tp, 0, &ai) == 0 &&
	    ai.in_use == N);
	printf("\n    sctp: %d QPs on one association set up in %.3f s: "
	    "%.0f QPs/s\n", N, t1 - t0, N / (t1 - t0));
	/* Every stream carries its own verified Write. */
	e2e_fill(m.s[0].mem, N * 1024, 3);
	for (i = 0; i < N; i++) {
		q = mq_write(&m, (uint64_t)i, (size_t)i * 1024, 1024,
		    (size_t)i * 1024);
		CU_ASSERT(mq_post(&m.s[0], i, &q) == 0);
	}
	w.m = &m;
	w.want = N;
	w.got = 0;
	w.out = NULL;
	CU_ASSERT(fake_run(m.base, mq_cqes, &w, 30000));
	CU_ASSERT(w.got == N);
	CU_ASSERT(mq_landed(&m, 0, 0, N * 1024));
	mq_close(&m);
}

/* A Write completes when sent (RFC 5040 §5.3); wait for the data. */
struct mq_match {
	struct mq	*m;
	size_t		 off, roff, len;
};

static bool
mq_matches(void *arg)
{
	struct mq_match *x = arg;

	return memcmp(x->m->s[0].mem + x->off, x->m->s[1].mem + x->roff,
	    x->len) == 0;
}

static bool
mq_landed(struct mq *m, size_t off, size_t roff, size_t len)
{
	struct mq_match x = { m, off, roff, len };

	return fake_run(m->base, mq_matches, &x, 10000);
}

static bool
mq_closed(void *arg)
{
	struct mq *m = arg;

	return m->srv.nclosed > 0;
}

/*
 * Terminate in the middle of big Writes on QP 0 (the daemon aborts
 * its connection: SSC Terminate on that stream); QP 1 on the same
 * association finishes its 4 MiB with the data intact; the freed
 * stream then carries a new session.
 */
void
test_terminate_neighbour(void)
{
	struct rdmad_shm_cqe out[8];
	struct rdmad_shm_sqe q;
	struct mq_want w;
	struct mq m;
	int i, ok1 = 0, bad1 = 0, rts = 0;

	CU_ASSERT_FATAL(mq_open(&m, 3));
	CU_ASSERT(m.cli.naccepted == 3);
	e2e_fill(m.s[0].mem, MQ_MEM, 5);
	/* QP 0 and QP 1: two 2 MiB Writes each */
	for (i = 0; i < 2; i++) {
		q = mq_write(&m, 100 + (uint64_t)i, (size_t)i * 2 * MIB,
		    2 * MIB, (size_t)i * 2 * MIB);
		CU_ASSERT(mq_post(&m.s[0], 0, &q) == 0);
		q = mq_write(&m, 200 + (uint64_t)i, 4 * MIB + (size_t)i *
		    2 * MIB, 2 * MIB, 4 * MIB + (size_t)i * 2 * MIB);
		CU_ASSERT(mq_post(&m.s[0], 1, &q) == 0);
	}
	fake_settle(m.base, 5);
	tp_sctp_ops.abort(m.cc[0]);
	CU_ASSERT(eng_qp_state(m.s[0].qp[0]) != ENG_QPS_RTS);
	/* QP 1's two Writes complete; QP 0's are flushed or done. */
	w.m = &m;
	w.want = 4;
	w.got = 0;
	w.out = out;
	CU_ASSERT(fake_run(m.base, mq_cqes, &w, 20000));
	for (i = 0; i < w.got; i++)
		if (out[i].wr_id >= 200) {
			if (out[i].status == RDMAD_WC_SUCCESS)
				ok1++;
			else
				bad1++;
		}
	CU_ASSERT(ok1 == 2 && bad1 == 0);
	CU_ASSERT(mq_landed(&m, 4 * MIB, 4 * MIB, 4 * MIB));
	CU_ASSERT(eng_qp_state(m.s[0].qp[1]) == ENG_QPS_RTS);
	/* The peer saw QP 0's session end, and only that one. */
	CU_ASSERT(fake_run(m.base, mq_closed, &m, 5000));
	CU_ASSERT(m.srv.nclosed == 1);
	for (i = 0; i < 3; i++)
		rts += eng_qp_state(m.s[1].qp[i]) == ENG_QPS_RTS;
	CU_ASSERT(rts == 2);
	/* QP 2 still works after it all. */
	q = mq_write(&m, 300, 0, 4096, 0);
	CU_ASSERT(mq_post(&m.s[0], 2, &q) == 0);
	w.want = 1;
	w.got = 0;
	CU_ASSERT(fake_run(m.base, mq_cqes, &w, 5000));
	CU_ASSERT(out[0].wr_id == 300 && out[0].status == RDMAD_WC_SUCCESS);
	mq_close(&m);
}

/* When an association's stream space is used up, connect() opens a
 * further one: 4 streams = 2 sessions per association for the side
 * that opened it (even stream ids). */
void
test_stream_space(void)
{
	struct tp_sctp_assoc_info ai;
	struct rdmad_shm_sqe q;
	struct mq_want w;
	struct mq m;
	unsigned int i, total = 0;

	CU_ASSERT_FATAL(mq_open_streams(&m, 5, 4));
	CU_ASSERT(m.cli.naccepted == 5);
	CU_ASSERT(tp_sctp_assoc_count(m.cli.tp) == 3);
	for (i = 0; i < tp_sctp_assoc_count(m.cli.tp); i++) {
		CU_ASSERT(tp_sctp_assoc_info(m.cli.tp, i, &ai) == 0);
		CU_ASSERT(ai.streams == 4 && ai.in_use <= 2);
		total += ai.in_use;
	}
	CU_ASSERT(total == 5);
	for (i = 0; i < 5; i++) {
		q = mq_write(&m, i, i * 4096, 4096, i * 4096);
		CU_ASSERT(mq_post(&m.s[0], (int)i, &q) == 0);
	}
	w.m = &m;
	w.want = 5;
	w.got = 0;
	w.out = NULL;
	CU_ASSERT(fake_run(m.base, mq_cqes, &w, 5000));
	CU_ASSERT(mq_landed(&m, 0, 0, 5 * 4096));
	mq_close(&m);
}

void
test_throughput(void)
{
	enum { K = 64 };
	struct rdmad_shm_sqe q;
	struct mq_want w;
	struct mq m;
	double t0, t1;
	int posted = 0;

	CU_ASSERT_FATAL(mq_open(&m, 1));
	e2e_fill(m.s[0].mem, 2 * MIB, 7);
	w.m = &m;
	w.want = 0;
	w.got = 0;
	w.out = NULL;
	t0 = e2e_now();
	while (w.got < K) {
		while (posted < K && posted - w.got < MQ_SQ - 1) {
			q = mq_write(&m, (uint64_t)posted, 0, MIB,
			    (size_t)(posted % 4) * MIB);
			if (mq_post(&m.s[0], 0, &q) < 0)
				break;
			posted++;
		}
		w.want = w.got + 1;
		if (!fake_run(m.base, mq_cqes, &w, 10000))
			break;
	}
	t1 = e2e_now();
	CU_ASSERT(w.got == K);
	CU_ASSERT(mq_landed(&m, 0, 3 * MIB, MIB));
	printf("\n    sctp: %d x 1 MiB Writes in %.3f s: %.1f MiB/s\n", K,
	    t1 - t0, K / (t1 - t0));
	{
		struct tp_sctp_assoc_info ai;

		CU_ASSERT(tp_sctp_assoc_info(m.srv.tp, 0, &ai) == 0);
		printf("    sctp: %llu chunks overtaken and held for "
		    "reordering\n", (unsigned long long)ai.reorder_held);
		/* With netem reordering on lo (sctp-reorder.sh) the
		 * reorder buffer must have been used. */
		if (getenv("SCTP_E2E_EXPECT_REORDER") != NULL)
			CU_ASSERT(ai.reorder_held > 0);
	}
	mq_close(&m);
}

