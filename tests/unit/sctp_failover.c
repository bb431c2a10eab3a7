/* sctp_failover.c — dual-homed SCTP failover under continuous verified I/O. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netinet/sctp.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "helpers/eng_world.h"
#include "rdmad/rdmad.h"
#include "helpers/fake_eng.h"
#include "transport/sctp.h"

#include "helpers/mono.h"

/*
 * Two processes in two network namespaces joined by two veth links
 * (tests/uml/uml-run --topo pair, driven by tests/uml/sctp-failover.sh):
 *
 *   sctp_failover server SECONDS   in ns b: 10.1.1.2 + 10.1.2.2
 *   sctp_failover client SECONDS   in ns a: 10.1.1.1 + 10.1.2.1
 *
 * The client connects one QP to 10.1.1.2 (so the primary path is the
 * first link) and, for SECONDS, writes 64 KiB of fresh data and reads it
 * back, comparing every octet, while the script cuts the first link.
 * The server's STag comes in the Accept's private data.  The client
 * exits 0 only when no operation failed; it prints the number of
 * operations, the longest stall (slowest Write+Read round) and the path
 * states it saw.
 */

#define SVC	7001
#define CHUNK	(64u << 10)
#define MIB_OFF(n)	((size_t)(n) << 20)

static void
fo_addr(struct sockaddr_storage *ss, const char *ip, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	inet_pton(AF_INET, ip, &sin->sin_addr);
}

struct fo {
	struct event_base	*base;
	struct fake_env		 env;
	struct mq_side		 side;
	int			 got;
	struct rdmad_shm_cqe	 cqe[4];
};

static bool
fo_cond_up(void *arg)
{
	struct fo *f = arg;

	return f->env.nresult > 0;
}

static bool
fo_cond_closed(void *arg)
{
	struct fo *f = arg;

	return f->env.nclosed > 0;
}

static bool
fo_cond_cqes(void *arg)
{
	struct fo *f = arg;

	f->got += mq_poll(&f->side, f->cqe + f->got, 2 - f->got);
	return f->got >= 2;
}

static void
fo_paths(struct fo *f, const char *when)
{
	struct tp_sctp_assoc_info ai;
	char a[64];
	unsigned int i;

	if (tp_sctp_assoc_info(f->env.tp, 0, &ai) < 0)
		return;
	printf("  %s:", when);
	for (i = 0; i < ai.npaths; i++) {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ai.paths[i].addr)
		    ->sin_addr, a, sizeof(a));
		printf(" %s %s%s (srtt %u ms, rto %u ms)", a,
		    ai.paths[i].state == SCTP_ACTIVE ? "active" :
		    ai.paths[i].state == SCTP_INACTIVE ? "inactive" :
#ifdef SCTP_POTENTIALLY_FAILED
		    ai.paths[i].state == SCTP_PF ? "potentially-failed" :
#endif
		    "unconfirmed", ai.paths[i].primary ? " primary" : "",
		    ai.paths[i].srtt_ms, ai.paths[i].rto_ms);
	}
	printf("\n");
	fflush(stdout);
}

static int
fo_setup(struct fo *f, bool server)
{
	static struct sockaddr_storage local[2];
	struct tp_sctp_opts o;

	memset(f, 0, sizeof(*f));
	memset(&o, 0, sizeof(o));
	fo_addr(&local[0], server ? "10.1.1.2" : "10.1.1.1", 0);
	fo_addr(&local[1], server ? "10.1.2.2" : "10.1.2.1", 0);
	o.local = local;
	o.nlocal = 2;
	o.rto_min_ms = 100;
	o.rto_initial_ms = 300;
	o.rto_max_ms = 1000;
	o.hb_interval_ms = 500;
	o.path_max_retrans = 2;
	if ((f->base = event_base_new()) == NULL ||
	    mq_side_init(&f->side, 1, server ? 1 : 0) < 0 ||
	    fake_env_init_ops(&f->env, f->base, &tp_sctp_ops, &o) < 0)
		return -1;
	f->env.acc_qp = f->side.qp[0];
	f->env.acc_params.ird = f->env.acc_params.ord = 4;
	return 0;
}

static int
fo_server(int secs)
{
	struct sockaddr_storage ss;
	struct fo f;
	uint8_t pd[4];
	char cause[128];

	if (fo_setup(&f, true) < 0)
		return 2;
	pd[0] = (uint8_t)(f.side.stag >> 24);
	pd[1] = (uint8_t)(f.side.stag >> 16);
	pd[2] = (uint8_t)(f.side.stag >> 8);
	pd[3] = (uint8_t)f.side.stag;
	f.env.acc_params.priv = pd;
	f.env.acc_params.priv_len = sizeof(pd);
	fo_addr(&ss, "10.1.1.2", SVC);
	if (tp_sctp_ops.listen(f.env.tp, (struct sockaddr *)&ss,
	    sizeof(struct sockaddr_in), cause, sizeof(cause)) < 0) {
		fprintf(stderr, "server: listen: %s\n", cause);
		return 2;
	}
	(void)fake_run(f.base, fo_cond_closed, &f, (secs + 20) * 1000);
	printf("server: %d session(s), closed %d\n", f.env.nreq,
	    f.env.nclosed);
	fake_env_fini(&f.env);
	mq_side_fini(&f.side);
	event_base_free(f.base);
	return f.env.nreq == 1 ? 0 : 1;
}

static struct rdmad_shm_sqe
fo_sqe(struct fo *f, uint16_t op, uint64_t id, size_t off, uint32_t rkey,
    size_t roff)
{
	struct rdmad_shm_sqe q;

	memset(&q, 0, sizeof(q));
	q.opcode = op;
	q.wr_id = id;
	q.wr_flags = RDMAD_SHM_WR_SIGNALED;
	q.num_sge = 1;
	q.sge[0].addr = MQ_IOVA + off;
	q.sge[0].length = CHUNK;
	q.sge[0].lkey = f->side.stag;
	q.rkey = rkey;
	q.remote_addr = MQ_IOVA + roff;
	return q;
}

static int
fo_client(int secs)
{
	struct rdmad_shm_sqe q;
	struct sockaddr_storage ss;
	struct tp_conn *c;
	struct fo f;
	uint32_t rkey, seed;
	double t0, last, now, stall = 0, next_print;
	long ops = 0, failed = 0;
	size_t i, roff;

	if (fo_setup(&f, false) < 0)
		return 2;
	fo_addr(&ss, "10.1.1.2", SVC);
	if (tp_sctp_ops.connect(f.env.tp, (struct sockaddr *)&ss,
	    sizeof(struct sockaddr_in), &(struct tp_conn_params){ .ird = 4,
	    .ord = 4 }, NULL, &c) < 0 ||
	    !fake_run(f.base, fo_cond_up, &f, 10000) ||
	    f.env.result != TP_ACCEPTED || f.env.res_peer.priv_len != 4) {
		fprintf(stderr, "client: no session (%s)\n", f.env.why);
		return 2;
	}
	rkey = (uint32_t)f.env.res_pd[0] << 24 | (uint32_t)f.env.res_pd[1] <<
	    16 | (uint32_t)f.env.res_pd[2] << 8 | f.env.res_pd[3];
	fo_paths(&f, "start");
	t0 = last = mono_now();
	next_print = t0 + 1;
	for (seed = 1; mono_now() - t0 < secs; seed++) {
		for (i = 0; i < CHUNK; i++)
			f.side.mem[i] = (uint8_t)(seed * 131 + i * 7);
		memset(f.side.mem + MIB_OFF(1), 0, CHUNK);
		roff = (size_t)(seed % 8) * CHUNK;
		q = fo_sqe(&f, RDMAD_SHM_OP_WRITE, seed * 2, 0, rkey, roff);
		(void)mq_post(&f.side, 0, &q);
		q = fo_sqe(&f, RDMAD_SHM_OP_READ, seed * 2 + 1, MIB_OFF(1),
		    rkey, roff);
		(void)mq_post(&f.side, 0, &q);
		f.got = 0;
		if (!fake_run(f.base, fo_cond_cqes, &f, 30000)) {
			printf("client: round %u: no completion in 30 s\n",
			    seed);
			failed++;
			break;
		}
		ops += 2;
		if (f.cqe[0].status != RDMAD_WC_SUCCESS ||
		    f.cqe[1].status != RDMAD_WC_SUCCESS ||
		    memcmp(f.side.mem, f.side.mem + MIB_OFF(1), CHUNK) != 0) {
			printf("client: round %u failed (status %u/%u)\n",
			    seed, f.cqe[0].status, f.cqe[1].status);
			failed++;
			break;
		}
		now = mono_now();
		if (now - last > stall)
			stall = now - last;
		last = now;
		if (now > next_print) {
			fo_paths(&f, "paths");
			next_print = now + 1;
		}
	}
	fo_paths(&f, "end");
	printf("client: %ld verified operations (%ld MiB), %ld failed, "
	    "longest stall %.0f ms\n", ops, ops * (long)CHUNK >> 20, failed,
	    stall * 1000);
	eng_qp_disconnect(f.side.qp[0]);
	(void)fake_run(f.base, fo_cond_closed, &f, 5000);
	fake_env_fini(&f.env);
	mq_side_fini(&f.side);
	event_base_free(f.base);
	return failed == 0 && ops > 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	int secs;

	signal(SIGPIPE, SIG_IGN);
	if (argc != 3 || (secs = atoi(argv[2])) <= 0) {
		fprintf(stderr, "usage: sctp_failover server|client SECONDS\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(argv[1], "server") == 0)
		return fo_server(secs);
	if (strcmp(argv[1], "client") == 0)
		return fo_client(secs);
	return 2;
}
