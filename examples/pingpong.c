/* pingpong.c — Send/Receive round trips between two librdmad applications. */

/*
 * Server:  pingpong -s [-S socket] [-p port] [-z size] [-n count]
 * Client:  pingpong -c host [-S socket] [-p port] [-z size] [-n count]
 *
 * The client sends `size` octets with RDMA Send; the server sends them
 * back; the client prints the mean and median round-trip time.  Each
 * side talks to its own rdmad daemon (-S, else $RDMAD_SOCKET, else the
 * system socket); the daemons carry the traffic over TCP/MPA or SCTP.
 */

#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rdmad/rdmad.h>

/* Everything one side needs: a buffer split in a receive and a send half. */
struct pp {
	rdmad_ctx_t		*ctx;
	struct rdmad_mem	*mem;
	unsigned char		*buf;
	struct rdmad_pd		*pd;
	struct rdmad_mr		*mr;
	struct rdmad_cq		*cq;
	struct rdmad_qp		*qp;
	size_t			 size;
};

/* Print why a call failed and exit. */
static void
die(struct pp *p, const char *what, int r)
{
	fprintf(stderr, "pingpong: %s: %s (%s)\n", what, rdmad_strerror(r),
	    rdmad_last_error(p->ctx));
	exit(1);
}

/* Open the daemon session and build memory, PD, region, CQ and QP. */
static void
setup(struct pp *p, const char *sock)
{
	struct rdmad_qp_attr qa;
	int r;

	if ((r = rdmad_open(sock, &p->ctx)) != 0)
		die(p, "rdmad_open", r);
	/* Registered memory must come from rdmad_mem_alloc(): the daemon
	 * maps it and places incoming data straight into it. */
	if ((r = rdmad_mem_alloc(p->ctx, 2 * p->size + 1, &p->mem)) != 0)
		die(p, "rdmad_mem_alloc", r);
	p->buf = rdmad_mem_addr(p->mem);
	if ((r = rdmad_pd_alloc(p->ctx, &p->pd)) != 0)
		die(p, "rdmad_pd_alloc", r);
	r = rdmad_reg_mr(p->pd, p->buf, 2 * p->size + 1,
	    RDMAD_ACCESS_LOCAL_WRITE, &p->mr);
	if (r != 0)
		die(p, "rdmad_reg_mr", r);
	if ((r = rdmad_create_cq(p->ctx, 16, &p->cq)) != 0)
		die(p, "rdmad_create_cq", r);
	memset(&qa, 0, sizeof(qa));
	qa.send_cq = qa.recv_cq = p->cq;
	qa.sq_depth = qa.rq_depth = 4;
	qa.transport = RDMAD_TRANSPORT_AUTO;
	if ((r = rdmad_create_qp(p->pd, &qa, &p->qp)) != 0)
		die(p, "rdmad_create_qp", r);
}

/* Post a receive into the first half of the buffer. */
static void
post_recv(struct pp *p)
{
	struct rdmad_recv_wr wr;
	int r;

	memset(&wr, 0, sizeof(wr));
	wr.num_sge = 1;
	wr.sg_list[0].addr = (uintptr_t)p->buf;
	wr.sg_list[0].length = (uint32_t)p->size;
	wr.sg_list[0].lkey = rdmad_mr_stag(p->mr);
	if ((r = rdmad_post_recv(p->qp, &wr)) != 0)
		die(p, "rdmad_post_recv", r);
}

/* Send `size` octets from the second half of the buffer. */
static void
post_send(struct pp *p)
{
	struct rdmad_send_wr wr;
	int r;

	memset(&wr, 0, sizeof(wr));
	wr.opcode = RDMAD_WR_SEND;
	wr.flags = RDMAD_SEND_SIGNALED;
	wr.num_sge = 1;
	wr.sg_list[0].addr = (uintptr_t)(p->buf + p->size);
	wr.sg_list[0].length = (uint32_t)p->size;
	wr.sg_list[0].lkey = rdmad_mr_stag(p->mr);
	if ((r = rdmad_post_send(p->qp, &wr)) != 0)
		die(p, "rdmad_post_send", r);
}

/*
 * Wait for one completion: poll the CQ; when it is empty, arm it and
 * sleep on its descriptor (at most 10 s in all).
 */
static void
wait_wc(struct pp *p, struct rdmad_wc *wc)
{
	struct pollfd pfd = { .fd = rdmad_cq_fd(p->cq), .events = POLLIN };
	int n, spins = 0, naps = 0;

	while ((n = rdmad_poll_cq(p->cq, 1, wc)) == 0) {
		if (++spins < 20000)
			continue;		/* busy-poll a little first */
		if (rdmad_req_notify_cq(p->cq, 0) == 1)
			continue;		/* one arrived meanwhile */
		if (poll(&pfd, 1, 100) > 0)
			(void)rdmad_cq_ack_event(p->cq);
		else if (++naps > 100)
			die(p, "no completion within 10 s", -ETIMEDOUT);
	}
	if (n < 0)
		die(p, "rdmad_poll_cq", n);
	if (wc->status != RDMAD_WC_SUCCESS) {
		fprintf(stderr, "pingpong: completion failed: status %d, "
		    "Terminate %d/%d/%d\n", wc->status, wc->term_layer,
		    wc->term_etype, wc->term_ecode);
		exit(1);
	}
}

/* Wait until both our Send and the peer's message have completed. */
static void
wait_round(struct pp *p)
{
	struct rdmad_wc wc;
	int sent = 0, got = 0;

	while (!sent || !got) {
		wait_wc(p, &wc);
		if (wc.opcode == RDMAD_WC_RECV)
			got = 1;
		else
			sent = 1;
	}
}

/* Compare doubles for qsort(). */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char *argv[])
{
	struct pp p = { .size = 64 };
	struct rdmad_listener *l;
	struct rdmad_conn_req *req;
	struct timespec t0, t1;
	const char *sock = NULL, *host = NULL;
	double *us, sum = 0;
	long i, n = 1000;
	int ch, server = 0, r;
	unsigned int port = 7471;

	while ((ch = getopt(argc, argv, "c:sS:p:z:n:")) != -1) {
		switch (ch) {
		case 'c': host = optarg; break;
		case 's': server = 1; break;
		case 'S': sock = optarg; break;
		case 'p': port = (unsigned int)atoi(optarg); break;
		case 'z': p.size = (size_t)atol(optarg); break;
		case 'n': n = atol(optarg); break;
		default: goto usage;
		}
	}
	if (server == (host != NULL) || n < 1 || p.size < 1)
		goto usage;
	setup(&p, sock);
	post_recv(&p);		/* before connecting: a Send needs it */
	if (server) {
		if ((r = rdmad_listen(p.ctx, (uint16_t)port, 1, &l)) != 0)
			die(&p, "rdmad_listen", r);
		if ((r = rdmad_get_request(l, 0, &req)) != 0)
			die(&p, "rdmad_get_request", r);
		printf("connection from %s\n", rdmad_req_peer(req));
		if ((r = rdmad_accept(req, p.qp, NULL, 0)) != 0)
			die(&p, "rdmad_accept", r);
		/* Echo every message back; leave once the last echo has
		 * completed (i counts completed echoes). */
		for (i = 0; i < n;) {
			struct rdmad_wc wc;

			wait_wc(&p, &wc);
			if (wc.opcode != RDMAD_WC_RECV) {
				i++;
				continue;
			}
			memcpy(p.buf + p.size, p.buf, p.size);
			post_recv(&p);
			post_send(&p);
		}
		rdmad_close(p.ctx);	/* releases everything */
		return 0;
	}
	if ((r = rdmad_connect(p.qp, host, (uint16_t)port, NULL, 0)) != 0)
		die(&p, "rdmad_connect", r);
	if ((us = calloc((size_t)n, sizeof(*us))) == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		memset(p.buf + p.size, (int)(i & 0xff), p.size);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		post_send(&p);
		wait_round(&p);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (p.buf[0] != (i & 0xff) || p.buf[p.size - 1] != (i & 0xff))
			die(&p, "the echo differs", -EIO);
		post_recv(&p);
		us[i] = (t1.tv_sec - t0.tv_sec) * 1e6 +
		    (t1.tv_nsec - t0.tv_nsec) / 1e3;
		sum += us[i];
	}
	qsort(us, (size_t)n, sizeof(*us), cmp_double);
	printf("%ld round trips of %zu octets: mean %.1f us, median %.1f us, "
	    "min %.1f us\n", n, p.size, sum / n, us[n / 2], us[0]);
	free(us);
	rdmad_close(p.ctx);
	return 0;
usage:
	fprintf(stderr, "usage: pingpong -s | -c host [-S socket] [-p port] "
	    "[-z size] [-n count]\n");
	return 2;
}
