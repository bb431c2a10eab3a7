/* cli_ping.c — rdmactl ping and echo: Send/Receive round trips via librdmad. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rdmad/rdmad.h>

#include "cli/cli.h"

/*
 * The echo service is an ordinary librdmad application: `rdmactl echo`
 * listens on service port 7174 (CLI_PING_PORT) of its daemon, accepts
 * one connection at a time and sends every message it receives back.
 * `rdmactl ping HOST[:PORT]` connects a QP through the local daemon to
 * that service of the daemon at HOST, sends `count` messages with RDMA
 * Send and waits for each echo: each round trip crosses both daemons,
 * the transport and both applications' shared memory, as real traffic.
 */

#define CLI_PING_MAX	65536u	/* message size bound */

/* One side: a buffer (receive half, send half), region, CQ, QP. */
struct cli_ep {
	rdmad_ctx_t		*ctx;
	struct rdmad_mem	*mem;
	unsigned char		*buf;
	struct rdmad_pd		*pd;
	struct rdmad_mr		*mr;
	struct rdmad_cq		*cq;
	struct rdmad_qp		*qp;
	size_t			 size;
};

static int
cli_ep_fail(struct cli_ep *e, const char *what, int r)
{
	cli_err("%s: %s%s%s", what, rdmad_strerror(r),
	    *rdmad_last_error(e->ctx) ? ": " : "", rdmad_last_error(e->ctx));
	return -1;
}

/* Open the session, memory, PD, region and CQ. */
static int
cli_ep_open(struct cli_ep *e, const char *sock, size_t size)
{
	int r;

	memset(e, 0, sizeof(*e));
	e->size = size;
	if ((r = rdmad_open(sock, &e->ctx)) != 0) {
		cli_err("cannot reach rdmad at %s: %s — is the service "
		    "running?", sock, rdmad_last_error(NULL));
		return CLI_EXIT_UNREACHABLE;
	}
	if ((r = rdmad_mem_alloc(e->ctx, 2 * size, &e->mem)) != 0)
		return cli_ep_fail(e, "rdmad_mem_alloc", r), CLI_EXIT_FAIL;
	e->buf = rdmad_mem_addr(e->mem);
	if ((r = rdmad_pd_alloc(e->ctx, &e->pd)) != 0 ||
	    (r = rdmad_reg_mr(e->pd, e->buf, 2 * size,
	    RDMAD_ACCESS_LOCAL_WRITE, &e->mr)) != 0 ||
	    (r = rdmad_create_cq(e->ctx, 8, &e->cq)) != 0)
		return cli_ep_fail(e, "set-up", r), CLI_EXIT_FAIL;
	return CLI_EXIT_OK;
}

static int
cli_ep_qp(struct cli_ep *e)
{
	struct rdmad_qp_attr qa;
	int r;

	memset(&qa, 0, sizeof(qa));
	qa.send_cq = qa.recv_cq = e->cq;
	qa.sq_depth = qa.rq_depth = 2;
	qa.transport = RDMAD_TRANSPORT_AUTO;
	if ((r = rdmad_create_qp(e->pd, &qa, &e->qp)) != 0)
		return cli_ep_fail(e, "rdmad_create_qp", r);
	return 0;
}

/* Post a receive (first half) or a send of len octets (second half). */
static int
cli_ep_post(struct cli_ep *e, bool send, size_t len)
{
	struct rdmad_send_wr sw;
	struct rdmad_recv_wr rw;
	struct rdmad_sge *sge;
	int r;

	memset(&sw, 0, sizeof(sw));
	memset(&rw, 0, sizeof(rw));
	sge = send ? &sw.sg_list[0] : &rw.sg_list[0];
	sge->addr = (uintptr_t)(e->buf + (send ? e->size : 0));
	sge->length = (uint32_t)len;
	sge->lkey = rdmad_mr_stag(e->mr);
	if (send) {
		sw.opcode = RDMAD_WR_SEND;
		sw.flags = RDMAD_SEND_SIGNALED;
		sw.num_sge = 1;
		r = rdmad_post_send(e->qp, &sw);
	} else {
		rw.num_sge = 1;
		r = rdmad_post_recv(e->qp, &rw);
	}
	return r == 0 ? 0 : cli_ep_fail(e, send ? "post send" : "post recv",
	    r);
}

/* One completion within ms; 1 got one, 0 timed out, -1 error. */
static int
cli_ep_wait(struct cli_ep *e, struct rdmad_wc *wc, int ms)
{
	struct pollfd p = { .fd = rdmad_cq_fd(e->cq), .events = POLLIN };
	int n;

	for (;;) {
		if ((n = rdmad_poll_cq(e->cq, 1, wc)) != 0)
			return n < 0 ? cli_ep_fail(e, "poll cq", n) : 1;
		if (rdmad_req_notify_cq(e->cq, 0) == 1)
			continue;
		if (poll(&p, 1, ms) <= 0)
			return 0;
		(void)rdmad_cq_ack_event(e->cq);
	}
}

static double
cli_now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* HOST, HOST:PORT or [V6]:PORT. */
static int
cli_hostport(const char *arg, char *host, size_t len, unsigned int *port)
{
	const char *c, *end = NULL;
	char *e;
	unsigned long v;

	*port = CLI_PING_PORT;
	if (arg[0] == '[') {
		if ((end = strchr(arg, ']')) == NULL)
			return -1;
		c = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && c == NULL)
			return -1;
		arg++;
	} else if ((c = strrchr(arg, ':')) != NULL && strchr(arg, ':') != c)
		c = NULL;		/* a bare IPv6 address */
	if (end == NULL)
		end = c != NULL ? c : arg + strlen(arg);
	if (end == arg || (size_t)(end - arg) >= len)
		return -1;
	memcpy(host, arg, (size_t)(end - arg));
	host[end - arg] = '\0';
	if (c != NULL) {
		v = strtoul(c + 1, &e, 10);
		if (c[1] == '\0' || *e != '\0' || v == 0 || v > 65535)
			return -1;
		*port = (unsigned int)v;
	}
	return 0;
}

int
cli_ping(const struct cli_opts *o, int argc, char **argv)
{
	struct rdmad_qp_info qi;
	struct rdmad_wc wc;
	struct cli_ep e;
	char host[256];
	unsigned int port;
	long count = 3, i, got = 0;
	double interval = 0.2, t0, dt, mn = 0, mx = 0, sum = 0;
	size_t size = 64;
	int ch, r, sent, recvd;

	optind = 1;
	while ((ch = getopt(argc, argv, "c:i:s:")) != -1) {
		switch (ch) {
		case 'c':
			count = strtol(optarg, NULL, 10);
			break;
		case 'i':
			interval = strtod(optarg, NULL);
			break;
		case 's':
			size = (size_t)strtoul(optarg, NULL, 10);
			break;
		default:
			return CLI_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || count < 1 || size < 1 ||
	    size > CLI_PING_MAX || interval < 0 || interval > 60 ||
	    cli_hostport(argv[optind], host, sizeof(host), &port) == -1) {
		cli_err("usage: rdmactl ping [-c count] [-i seconds] "
		    "[-s size] HOST[:PORT]");
		return CLI_EXIT_USAGE;
	}
	/* One line per round trip, as it happens (like ping(8)). */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((r = cli_ep_open(&e, o->socket, size)) != CLI_EXIT_OK)
		goto out;
	r = CLI_EXIT_FAIL;
	if (cli_ep_qp(&e) == -1 || cli_ep_post(&e, false, size) == -1)
		goto out;
	if ((ch = rdmad_connect(e.qp, host, (uint16_t)port, NULL, 0)) != 0) {
		cli_ep_fail(&e, "connect", ch);
		fprintf(stderr, "rdmactl: is `rdmactl echo` running at %s "
		    "port %u?\n", host, port);
		goto out;
	}
	memset(&qi, 0, sizeof(qi));
	if (rdmad_qp_query(e.qp, &qi) == 0 && !o->json)
		printf("RDMA PING %s port %u: %zu octets over %s (%s)\n", host,
		    port, size, qi.transport == RDMAD_TRANSPORT_SCTP ? "SCTP" :
		    "TCP/MPA", qi.transport_why);
	for (i = 0; i < count; i++) {
		memset(e.buf + size, (int)(i & 0xff), size);
		t0 = cli_now_us();
		if (cli_ep_post(&e, true, size) == -1)
			goto out;
		for (sent = recvd = 0; !sent || !recvd;) {
			if (cli_ep_wait(&e, &wc, 5000) != 1 ||
			    wc.status != RDMAD_WC_SUCCESS) {
				cli_err("no echo for message %ld", i + 1);
				goto out;
			}
			if (wc.opcode == RDMAD_WC_RECV)
				recvd = 1;
			else
				sent = 1;
		}
		dt = cli_now_us() - t0;
		if (e.buf[0] != (i & 0xff) || e.buf[size - 1] != (i & 0xff)) {
			cli_err("the echo of message %ld differs", i + 1);
			goto out;
		}
		got++;
		sum += dt;
		mn = got == 1 || dt < mn ? dt : mn;
		mx = dt > mx ? dt : mx;
		if (!o->json)
			printf("%zu octets from %s: seq=%ld time=%.1f us\n",
			    size, qi.peer, i + 1, dt);
		if (cli_ep_post(&e, false, size) == -1)
			goto out;
		if (i + 1 < count && interval > 0)
			nanosleep(&(struct timespec){ (time_t)interval,
			    (long)((interval - (long)interval) * 1e9) }, NULL);
	}
	if (o->json) {
		struct cli_json j;

		cj_begin(&j, stdout);
		cj_open(&j, NULL, '{');
		cj_str(&j, "host", host);
		cj_u64(&j, "port", port);
		cj_str(&j, "peer", qi.peer);
		cj_str(&j, "transport", qi.transport == RDMAD_TRANSPORT_SCTP ?
		    "sctp" : "tcp");
		cj_str(&j, "why", qi.transport_why);
		cj_u64(&j, "size", size);
		cj_u64(&j, "sent", (uint64_t)count);
		cj_u64(&j, "received", (uint64_t)got);
		cj_u64(&j, "rtt_min_ns", (uint64_t)(mn * 1e3));
		cj_u64(&j, "rtt_avg_ns", (uint64_t)(sum / got * 1e3));
		cj_u64(&j, "rtt_max_ns", (uint64_t)(mx * 1e3));
		cj_close(&j, '}');
		cj_end(&j);
	} else
		printf("--- %s rdma ping: %ld sent, %ld received, rtt "
		    "min/avg/max %.1f/%.1f/%.1f us\n", host, count, got, mn,
		    sum / got, mx);
	r = CLI_EXIT_OK;
out:
	rdmad_close(e.ctx);
	return r;
}

/* Serve one connection: echo until the stream ends. */
static void
cli_echo_one(struct cli_ep *e, struct rdmad_conn_req *req)
{
	struct rdmad_wc wc;
	int r;

	if (cli_ep_qp(e) == -1 || cli_ep_post(e, false, e->size) == -1) {
		rdmad_reject(req, NULL, 0);
		return;
	}
	if ((r = rdmad_accept(req, e->qp, NULL, 0)) != 0) {
		cli_ep_fail(e, "accept", r);
		goto done;
	}
	while (cli_ep_wait(e, &wc, 60000) == 1 &&
	    wc.status == RDMAD_WC_SUCCESS) {
		if (wc.opcode != RDMAD_WC_RECV)
			continue;
		memcpy(e->buf + e->size, e->buf, wc.byte_len);
		if (cli_ep_post(e, false, e->size) == -1 ||
		    cli_ep_post(e, true, wc.byte_len) == -1)
			break;
	}
done:
	rdmad_destroy_qp(e->qp);
	e->qp = NULL;
	while (rdmad_poll_cq(e->cq, 1, &wc) > 0)
		continue;	/* drop the flushed completions */
}

int
cli_echo(const struct cli_opts *o, int argc, char **argv)
{
	struct rdmad_listener *l;
	struct rdmad_conn_req *req;
	struct cli_ep e;
	unsigned long port = CLI_PING_PORT, n = 0, i;
	int ch, r;

	optind = 1;
	while ((ch = getopt(argc, argv, "n:p:")) != -1) {
		switch (ch) {
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'p':
			port = strtoul(optarg, NULL, 10);
			break;
		default:
			return CLI_EXIT_USAGE;
		}
	}
	if (optind != argc || port == 0 || port > 65535) {
		cli_err("usage: rdmactl echo [-n connections] [-p port]");
		return CLI_EXIT_USAGE;
	}
	if ((r = cli_ep_open(&e, o->socket, CLI_PING_MAX)) != CLI_EXIT_OK)
		goto out;
	r = CLI_EXIT_FAIL;
	if ((ch = rdmad_listen(e.ctx, (uint16_t)port, 4, &l)) != 0) {
		cli_ep_fail(&e, "listen", ch);
		goto out;
	}
	printf("rdmactl echo: serving port %lu through rdmad at %s\n", port,
	    o->socket);
	fflush(stdout);
	for (i = 0; n == 0 || i < n; i++) {
		if ((ch = rdmad_get_request(l, 0, &req)) != 0) {
			cli_ep_fail(&e, "connection request", ch);
			goto out;
		}
		cli_echo_one(&e, req);
	}
	r = CLI_EXIT_OK;
out:
	rdmad_close(e.ctx);
	return r;
}
