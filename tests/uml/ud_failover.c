/* ud_failover.c — verified RDMA Write+Read stream through two daemons, stalls timed. */

/*
 * Used by tests/uml/daemon-failover.sh inside user-mode Linux, on the
 * public API only (librdmad):
 *
 *   ud_failover -s -S SOCK -p PORT
 *	accept one QP, expose a 1 MiB region (remote read and write; its
 *	STag and address in the Accept's private data), wait until the
 *	peer disconnects; exit 0 when the QP reached RTS and closed;
 *   ud_failover -c HOST -S SOCK -p PORT -T SECONDS [-t sctp|tcp|auto]
 *	connect, then for SECONDS: fill 64 KiB with a pattern new in every
 *	round, RDMA Write it to the next of 16 slots of the peer's region,
 *	RDMA Read it back into another buffer, compare every octet.
 *	Prints a line per second ("t=… ops … stall …"), one per stall of
 *	50 ms or more ("stall X ms until EPOCH", wall-clock), then
 *	"ops N verified, F failed, longest stall X ms, transport T" and
 *	exits 0 only when no operation failed and no octet differed.
 *
 * The stall is the longest time between two verified rounds.
 */

#define _GNU_SOURCE

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rdmad/rdmad.h>

#include "helpers/mono.h"

#define FO_CHUNK	(64u << 10)
#define FO_SLOTS	16u
#define FO_REGION	(FO_CHUNK * FO_SLOTS)
#define FO_WAIT_MS	30000	/* one round: longer than any failover */

/* Accept private data: where the server's region is. */
struct fo_rep {
	uint32_t	stag;
	uint32_t	pad;
	uint64_t	addr;
};

/* Everything one side holds. */
struct fo {
	rdmad_ctx_t		*ctx;
	struct rdmad_mem	*mem;
	struct rdmad_pd		*pd;
	struct rdmad_mr		*mr;
	struct rdmad_cq		*cq;
	struct rdmad_qp		*qp;
	uint8_t			*buf;
};

/* Wall-clock time in seconds (stalls are matched with the script's
 * `date +%s.%N`). */
static double
fo_epoch(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Print a failed call with the library's detail; returns 1. */
static int
fo_fail(const struct fo *f, const char *what, int r)
{
	fprintf(stderr, "ud_failover: %s: %s (%s)\n", what, rdmad_strerror(r),
	    rdmad_last_error(f->ctx));
	return 1;
}

/* Open the daemon, 2 regions' worth of memory, a PD, MR, CQ and QP. */
static int
fo_open(struct fo *f, const char *sock, enum rdmad_transport tp)
{
	struct rdmad_qp_attr qa;
	int r;

	memset(f, 0, sizeof(*f));
	if ((r = rdmad_open(sock, &f->ctx)) != 0)
		return fo_fail(f, "open", r);
	if ((r = rdmad_mem_alloc(f->ctx, 2 * FO_REGION, &f->mem)) != 0 ||
	    (r = rdmad_pd_alloc(f->ctx, &f->pd)) != 0)
		return fo_fail(f, "memory", r);
	f->buf = rdmad_mem_addr(f->mem);
	if ((r = rdmad_reg_mr(f->pd, f->buf, 2 * FO_REGION,
	    RDMAD_ACCESS_LOCAL_WRITE | RDMAD_ACCESS_REMOTE_WRITE |
	    RDMAD_ACCESS_REMOTE_READ, &f->mr)) != 0 ||
	    (r = rdmad_create_cq(f->ctx, 16, &f->cq)) != 0)
		return fo_fail(f, "region", r);
	memset(&qa, 0, sizeof(qa));
	qa.send_cq = qa.recv_cq = f->cq;
	qa.sq_depth = qa.rq_depth = 8;
	qa.ord = qa.ird = 4;
	qa.transport = tp;
	if ((r = rdmad_create_qp(f->pd, &qa, &f->qp)) != 0)
		return fo_fail(f, "create_qp", r);
	return 0;
}

/* Wait up to ms for n completions into wc; returns how many came. */
static int
fo_wait(struct fo *f, int n, struct rdmad_wc *wc, int ms)
{
	struct pollfd p;
	double end = mono_now() + ms / 1000.0;
	int got = 0, r;

	p.fd = rdmad_cq_fd(f->cq);
	p.events = POLLIN;
	while (got < n) {
		r = rdmad_poll_cq(f->cq, n - got, wc + got);
		if (r < 0)
			return got;
		got += r;
		if (got >= n || mono_now() > end)
			break;
		if (r == 0 && rdmad_req_notify_cq(f->cq, 0) == 0) {
			(void)poll(&p, 1, 20);
			(void)rdmad_cq_ack_event(f->cq);
		}
	}
	return got;
}

/* The passive side: one QP, held until the peer leaves. */
static int
fo_server(const char *sock, uint16_t port)
{
	struct rdmad_listener *l;
	struct rdmad_conn_req *req;
	struct rdmad_qp_info qi;
	struct fo_rep rep;
	struct fo f;
	int r;

	if (fo_open(&f, sock, RDMAD_TRANSPORT_AUTO) != 0)
		return 1;
	if ((r = rdmad_listen(f.ctx, port, 4, &l)) != 0)
		return fo_fail(&f, "listen", r);
	printf("listening on port %u\n", port);
	fflush(stdout);
	if ((r = rdmad_get_request(l, 0, &req)) != 0)
		return fo_fail(&f, "get_request", r);
	memset(&rep, 0, sizeof(rep));
	rep.stag = rdmad_mr_stag(f.mr);
	rep.addr = (uintptr_t)f.buf;
	if ((r = rdmad_accept(req, f.qp, &rep, sizeof(rep))) != 0)
		return fo_fail(&f, "accept", r);
	while ((r = rdmad_qp_query(f.qp, &qi)) == 0 &&
	    qi.state == RDMAD_QPS_RTS)
		usleep(200000);
	printf("server: the QP left RTS (%s)\n", r == 0 ? "closed" :
	    rdmad_strerror(r));
	rdmad_close(f.ctx);
	return 0;
}

/* One signaled work request on the client's buffer at off. */
static int
fo_post(struct fo *f, enum rdmad_wr_opcode op, size_t off,
    const struct fo_rep *rep, uint64_t raddr)
{
	struct rdmad_send_wr w;

	memset(&w, 0, sizeof(w));
	w.wr_id = off;
	w.opcode = op;
	w.flags = RDMAD_SEND_SIGNALED;
	w.num_sge = 1;
	w.sg_list[0].addr = (uintptr_t)(f->buf + off);
	w.sg_list[0].length = FO_CHUNK;
	w.sg_list[0].lkey = rdmad_mr_stag(f->mr);
	w.remote_addr = raddr;
	w.rkey = rep->stag;
	return rdmad_post_send(f->qp, &w);
}

/* The active side: verified Write+Read rounds for secs seconds. */
static int
fo_client(const char *host, const char *sock, uint16_t port, double secs,
    enum rdmad_transport tp)
{
	struct rdmad_qp_info qi;
	struct rdmad_wc wc[2];
	struct fo_rep rep;
	struct fo f;
	const void *pd;
	double t0, last, now, stall = 0, sec_stall = 0, next;
	long ops = 0, failed = 0, bad = 0;
	size_t len, i;
	uint32_t round;
	int r;

	if (fo_open(&f, sock, tp) != 0)
		return 1;
	if ((r = rdmad_connect(f.qp, host, port, NULL, 0)) != 0)
		return fo_fail(&f, "connect", r);
	pd = rdmad_qp_peer_private_data(f.qp, &len);
	if (pd == NULL || len < sizeof(rep)) {
		fprintf(stderr, "ud_failover: no region in the Accept\n");
		return 1;
	}
	memcpy(&rep, pd, sizeof(rep));
	if ((r = rdmad_qp_query(f.qp, &qi)) != 0)
		return fo_fail(&f, "qp_query", r);
	printf("connected to %s over %s (%s)\n", qi.peer,
	    qi.transport == RDMAD_TRANSPORT_SCTP ? "sctp" : "tcp",
	    qi.transport_why);
	fflush(stdout);
	t0 = last = mono_now();
	next = t0 + 1;
	for (round = 1; mono_now() - t0 < secs; round++) {
		uint64_t raddr = rep.addr + (round % FO_SLOTS) * FO_CHUNK;

		for (i = 0; i < FO_CHUNK; i++)
			f.buf[i] = (uint8_t)(round * 131u + i * 7u + (i >> 8));
		memset(f.buf + FO_REGION, 0, FO_CHUNK);
		if ((r = fo_post(&f, RDMAD_WR_RDMA_WRITE, 0, &rep, raddr))
		    != 0 || (r = fo_post(&f, RDMAD_WR_RDMA_READ, FO_REGION,
		    &rep, raddr)) != 0) {
			fo_fail(&f, "post_send", r);
			failed++;
			break;
		}
		if (fo_wait(&f, 2, wc, FO_WAIT_MS) != 2) {
			printf("round %u: no completion in %d ms\n", round,
			    FO_WAIT_MS);
			failed++;
			break;
		}
		if (wc[0].status != RDMAD_WC_SUCCESS ||
		    wc[1].status != RDMAD_WC_SUCCESS) {
			printf("round %u: status %d/%d\n", round, wc[0].status,
			    wc[1].status);
			failed++;
			break;
		}
		ops += 2;
		if (memcmp(f.buf, f.buf + FO_REGION, FO_CHUNK) != 0) {
			printf("round %u: the data read back differs\n", round);
			bad++;
			break;
		}
		now = mono_now();
		if (now - last >= 0.05)
			printf("stall %.0f ms until %.3f\n", (now - last) * 1000,
			    fo_epoch());
		if (now - last > sec_stall)
			sec_stall = now - last;
		if (now - last > stall)
			stall = now - last;
		last = now;
		if (now >= next) {
			printf("t=%.0f s: %ld ops, longest stall this second "
			    "%.0f ms\n", now - t0, ops, sec_stall * 1000);
			fflush(stdout);
			sec_stall = 0;
			next += 1;
		}
	}
	printf("ops %ld verified (%ld MiB each way), %ld failed, %ld "
	    "differed, longest stall %.0f ms, transport %s\n", ops,
	    ops / 2 * (long)FO_CHUNK >> 20, failed, bad, stall * 1000,
	    qi.transport == RDMAD_TRANSPORT_SCTP ? "sctp" : "tcp");
	(void)rdmad_destroy_qp(f.qp);
	rdmad_close(f.ctx);
	return failed == 0 && bad == 0 && ops > 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	const char *host = NULL, *sock = NULL;
	enum rdmad_transport tp = RDMAD_TRANSPORT_AUTO;
	double secs = 10;
	int port = 7050, c;
	bool server = false;

	while ((c = getopt(argc, argv, "sc:S:p:T:t:")) != -1) {
		switch (c) {
		case 's': server = true; break;
		case 'c': host = optarg; break;
		case 'S': sock = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'T': secs = atof(optarg); break;
		case 't':
			tp = strcmp(optarg, "sctp") == 0 ?
			    RDMAD_TRANSPORT_SCTP : strcmp(optarg, "tcp") == 0 ?
			    RDMAD_TRANSPORT_TCP : RDMAD_TRANSPORT_AUTO;
			break;
		default: goto usage;
		}
	}
	if (port <= 0 || port > 65535 || secs <= 0 || server == (host != NULL))
		goto usage;
	setvbuf(stdout, NULL, _IOLBF, 0);
	return server ? fo_server(sock, (uint16_t)port) :
	    fo_client(host, sock, (uint16_t)port, secs, tp);
usage:
	fprintf(stderr, "usage: ud_failover -s -S sock [-p port]\n"
	    "       ud_failover -c host -S sock [-p port] [-T secs] "
	    "[-t sctp|tcp|auto]\n");
	return 2;
}
