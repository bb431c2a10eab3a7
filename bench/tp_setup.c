/* tp_setup.c — transport-level QP set-up rate: SCTP streams vs TCP/MPA. */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "helpers/eng_world.h"
#include "helpers/fake_eng.h"
#include "transport/sctp.h"
#include "transport/transport.h"

#include "helpers/mono.h"

/*
 * Two real engines (tests/helpers/eng_world.c, N QPs each) and the real
 * transports on loopback, one event_base, no daemon: time N
 * connect -> accept -> both QPs RTS (at most TS_WINDOW connects
 * waiting for their answer), over SCTP (one association, one
 * stream per QP, RFC 5043 §8) and over TCP/MPA (one connection and MPA
 * exchange per QP, RFC 5044 §7), R times each, interleaved.  Runs only
 * where kernel SCTP exists (user-mode Linux: tests/uml/uml-run).
 * Usage: tp_setup [-n N] [-r R] [--run K] [--csv]
 * --csv: one row per run and transport on stdout in bench/uml-run.sh's
 * raw.csv format (run numbers from K); the summary goes to stderr.
 * Exit status: 0 when every QP of every run reached RTS, 1 otherwise.
 */

#define TS_SERVICE	7001	/* SCTP: the service the server listens on */
#define TS_WAIT_MS	60000
#define TS_RUNS_MAX	100
#define TS_WINDOW	64	/* connects in flight: below the listen
				 * backlog (128), so no SYN is dropped and
				 * retried after 1 s (RFC 6298 §2.1) */

struct ts_world {
	struct event_base	*base;
	struct fake_env		 srv, cli;
	struct mq_side		 s[2];
	int			 n;
	int			 issued;	/* connect() calls made */
};

/* QPs of both sides in RTS. */
static int
ts_rts(const struct ts_world *w)
{
	int i, k = 0;

	for (i = 0; i < w->n; i++)
		k += (eng_qp_state(w->s[0].qp[i]) == ENG_QPS_RTS) +
		    (eng_qp_state(w->s[1].qp[i]) == ENG_QPS_RTS);
	return k;
}

/* Every initiator has its answer and every QP of both sides is RTS. */
static bool
ts_all_up(void *arg)
{
	const struct ts_world *w = arg;

	return w->cli.nresult >= w->n && ts_rts(w) == 2 * w->n;
}

/* Fewer than TS_WINDOW connects wait for their answer. */
static bool
ts_room(void *arg)
{
	const struct ts_world *w = arg;

	return w->issued - w->cli.nresult < TS_WINDOW;
}

/* Tear down what ts_setup built (any part may be missing). */
static void
ts_fini(struct ts_world *w)
{
	fake_env_fini(&w->cli);
	fake_env_fini(&w->srv);
	mq_side_fini(&w->s[0]);
	mq_side_fini(&w->s[1]);
	if (w->base != NULL)
		event_base_free(w->base);
}

/* One run of n QPs over ops (opts: its options); seconds, -1 on error. */
static double
ts_setup(const struct tp_ops *ops, const void *opts, uint16_t port, int n)
{
	struct sockaddr_storage ss;
	struct ts_world w;
	socklen_t sl;
	char cause[128];
	double t0, dt = -1;
	int i;

	memset(&w, 0, sizeof(w));
	w.n = n;
	if ((w.base = event_base_new()) == NULL ||
	    mq_side_init(&w.s[0], n, 0) < 0 || mq_side_init(&w.s[1], n, 1) < 0 ||
	    fake_env_init_ops(&w.srv, w.base, ops, opts) < 0 ||
	    fake_env_init_ops(&w.cli, w.base, ops, opts) < 0) {
		fprintf(stderr, "tp_setup: cannot build the world\n");
		goto out;
	}
	/* The server accepts request i with its QP i, the client attaches
	 * the QP it gave connect() (fake_eng.c). */
	w.srv.pool = w.s[1].qp;
	w.srv.npool = n;
	w.srv.acc_params.ird = w.srv.acc_params.ord = 4;
	w.cli.pool = w.s[0].qp;
	w.cli.npool = n;
	sl = fake_addr(&ss, port);
	if (ops->listen(w.srv.tp, (struct sockaddr *)&ss, sl, cause,
	    sizeof(cause)) < 0) {
		fprintf(stderr, "tp_setup: listen: %s\n", cause);
		goto out;
	}
	t0 = mono_now();
	for (i = 0; i < n; i++) {
		struct tp_conn *c;

		if (!fake_run(w.base, ts_room, &w, TS_WAIT_MS)) {
			fprintf(stderr, "tp_setup: no answer to %d of %d "
			    "connects\n", w.issued - w.cli.nresult, w.issued);
			goto out;
		}
		w.issued++;
		if (ops->connect(w.cli.tp, (struct sockaddr *)&ss, sl,
		    &(struct tp_conn_params){ .ird = 4, .ord = 4 },
		    w.s[0].qp[i], &c) < 0) {
			fprintf(stderr, "tp_setup: connect %d failed\n", i);
			goto out;
		}
	}
	if (fake_run(w.base, ts_all_up, &w, TS_WAIT_MS))
		dt = mono_now() - t0;
	else
		fprintf(stderr, "tp_setup: %d of %d QPs RTS, %d accepted "
		    "(last: %s)\n", ts_rts(&w), 2 * n, w.cli.naccepted,
		    w.cli.why);
out:
	ts_fini(&w);
	return dt;
}

/* Raise RLIMIT_NOFILE for need descriptors; the n that fits. */
static int
ts_fit(int n)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)n * 2 + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return n;
	if (rl.rlim_max < need) {
		struct rlimit up = { need, need };

		/* root may raise the hard limit too (up to fs.nr_open) */
		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			return n;
	}
	rl.rlim_cur = rl.rlim_max;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		int fit = (int)((rl.rlim_cur - 64) / 2);

		fprintf(stderr, "tp_setup: RLIMIT_NOFILE %llu: %d QPs, not "
		    "%d\n", (unsigned long long)rl.rlim_cur, fit, n);
		return fit;
	}
	return n;
}

static int
ts_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of v[0..n) (sorts v). */
static double
ts_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), ts_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main(int argc, char **argv)
{
	struct tp_sctp_opts so;
	double rate[2][TS_RUNS_MAX], med[2], dt;
	const char *name[2] = { "sctp", "tcp" };
	int i, r, n = 1000, runs = 3, run0 = 1, csv = 0, ok[2] = { 0, 0 };

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			n = atoi(argv[++i]);
		else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (strcmp(argv[i], "--run") == 0 && i + 1 < argc)
			run0 = atoi(argv[++i]);
		else if (strcmp(argv[i], "--csv") == 0)
			csv = 1;
		else {
			fprintf(stderr, "usage: tp_setup [-n QPS] [-r RUNS] "
			    "[--run FIRST] [--csv]\n");
			return 2;
		}
	}
	if (n < 1 || n > 1000 || runs < 1 || runs > TS_RUNS_MAX) {
		fprintf(stderr, "tp_setup: -n 1..1000, -r 1..%d\n",
		    TS_RUNS_MAX);
		return 2;
	}
	n = ts_fit(n);
	for (r = 0; r < runs; r++)
		for (i = 0; i < 2; i++) {
			memset(&so, 0, sizeof(so));
			so.port = fake_port();	/* the SCTP daemon port */
			so.timeout_ms = 5000;
			dt = i == 0 ?
			    ts_setup(&tp_sctp_ops, &so, TS_SERVICE, n) :
			    ts_setup(&tp_tcp_ops, NULL, fake_port(), n);
			if (dt <= 0)
				continue;
			rate[i][ok[i]++] = n / dt;
			if (csv)
				printf("transport,%s_setup,0,1,%d,%.1f,QPs/s\n",
				    name[i], run0 + r, n / dt);
		}
	for (i = 0; i < 2; i++) {
		if (ok[i] == 0) {
			fprintf(stderr, "%s: no run set up all %d QPs\n",
			    name[i], n);
			continue;
		}
		med[i] = ts_median(rate[i], ok[i]);
		fprintf(stderr, "%-4s: %d QPs x %d runs: median %.0f QPs/s "
		    "(min %.0f, max %.0f)\n", name[i], n, ok[i], med[i],
		    rate[i][0], rate[i][ok[i] - 1]);
	}
	if (ok[0] > 0 && ok[1] > 0)
		fprintf(stderr, "sctp/tcp: %.2f\n", med[0] / med[1]);
	return ok[0] == runs && ok[1] == runs ? 0 : 1;
}
