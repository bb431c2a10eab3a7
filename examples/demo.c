/* demo.c — every kind of RDMA operation between two daemons, checked. */

/*
 * demo -a SOCKET_A -b SOCKET_B -H HOST_B [-p port] [-z size] [-n count]
 *
 * A server process (a child) talks to daemon B, listens on `port` and
 * offers a region (address, length, STag, in the accept's private data)
 * with remote read, write and atomic rights.  The client talks to daemon
 * A and connects to HOST_B (daemon B's address), then:
 *   RDMA Write  a known pattern of `size` octets into the server's region,
 *   RDMA Read   it back into another buffer and compares,
 *   atomics     Fetch-and-Add and Compare-and-Swap on a counter there,
 *   Send        a message to the server, which checks its region and
 *               counter itself and answers with a Send of its verdict,
 * then times `count` RDMA Writes of `size` octets for a throughput
 * figure.  Each step prints one line; the exit status is 0 only when
 * every check passed.
 */

#define _POSIX_C_SOURCE 200809L

#include <sys/wait.h>

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rdmad/rdmad.h>

#define MSG_LEN		128		/* Send/Receive buffers */
#define COUNTER_INIT	42u

/* The accept's private data: where the server's region is. */
struct offer {
	uint64_t	addr, len;
	uint32_t	stag, pad;
};

/* One side's objects; the buffer holds data, counter, messages. */
struct side {
	const char		*name;
	rdmad_ctx_t		*ctx;
	struct rdmad_mem	*mem;
	unsigned char		*buf;	/* size data, 8 counter, 2 x MSG_LEN */
	size_t			 size;
	struct rdmad_pd		*pd;
	struct rdmad_mr		*mr;
	struct rdmad_cq		*cq;
	struct rdmad_qp		*qp;
};

static void __attribute__((noreturn, format(printf, 2, 3)))
die(struct side *s, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "demo %s: ", s->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (%s)\n", s->ctx ? rdmad_last_error(s->ctx) :
	    rdmad_last_error(NULL));
	exit(1);
}

#define CHECK(s, call) do {						\
	int r_ = (call);						\
	if (r_ < 0)							\
		die(s, "%s: %s", #call, rdmad_strerror(r_));		\
} while (0)

static unsigned char *counter(struct side *s) { return s->buf + s->size; }
static unsigned char *msg_in(struct side *s) { return s->buf + s->size + 8; }
static unsigned char *msg_out(struct side *s)
{
	return s->buf + s->size + 8 + MSG_LEN;
}

/* The octet at offset i of the pattern the client writes. */
static unsigned char
pattern(size_t i)
{
	return (unsigned char)((i * 131u + (i >> 8) * 7u + 1u) & 0xff);
}

/* Memory, PD, region, CQ and QP of one side. */
static void
side_open(struct side *s, const char *sock)
{
	struct rdmad_qp_attr qa;

	CHECK(s, rdmad_open(sock, &s->ctx));
	CHECK(s, rdmad_mem_alloc(s->ctx, s->size + 8 + 2 * MSG_LEN, &s->mem));
	s->buf = rdmad_mem_addr(s->mem);
	CHECK(s, rdmad_pd_alloc(s->ctx, &s->pd));
	CHECK(s, rdmad_reg_mr(s->pd, s->buf, rdmad_mem_len(s->mem),
	    RDMAD_ACCESS_LOCAL_WRITE | RDMAD_ACCESS_REMOTE_WRITE |
	    RDMAD_ACCESS_REMOTE_READ | RDMAD_ACCESS_REMOTE_ATOMIC, &s->mr));
	CHECK(s, rdmad_create_cq(s->ctx, 64, &s->cq));
	memset(&qa, 0, sizeof(qa));
	qa.send_cq = qa.recv_cq = s->cq;
	qa.sq_depth = 32;
	qa.rq_depth = 4;
	qa.ord = qa.ird = 4;
	qa.transport = RDMAD_TRANSPORT_AUTO;
	CHECK(s, rdmad_create_qp(s->pd, &qa, &s->qp));
}

/* Post a receive into the message-in buffer. */
static void
post_recv(struct side *s)
{
	struct rdmad_recv_wr wr;

	memset(&wr, 0, sizeof(wr));
	wr.num_sge = 1;
	wr.sg_list[0].addr = (uintptr_t)msg_in(s);
	wr.sg_list[0].length = MSG_LEN;
	wr.sg_list[0].lkey = rdmad_mr_stag(s->mr);
	CHECK(s, rdmad_post_recv(s->qp, &wr));
}

/* Post one signaled work request with one local element. */
static void
post(struct side *s, enum rdmad_wr_opcode op, void *laddr, uint32_t len,
    uint64_t raddr, uint32_t rkey, uint64_t add, uint64_t swap)
{
	struct rdmad_send_wr wr;

	memset(&wr, 0, sizeof(wr));
	wr.opcode = op;
	wr.flags = RDMAD_SEND_SIGNALED;
	wr.num_sge = 1;
	wr.sg_list[0].addr = (uintptr_t)laddr;
	wr.sg_list[0].length = len;
	wr.sg_list[0].lkey = rdmad_mr_stag(s->mr);
	wr.remote_addr = raddr;
	wr.rkey = rkey;
	wr.compare_add = add;
	wr.swap = swap;
	CHECK(s, rdmad_post_send(s->qp, &wr));
}

/* Wait (at most 20 s) for one completion, successful or not. */
static struct rdmad_wc
wait_any(struct side *s)
{
	struct pollfd p = { .fd = rdmad_cq_fd(s->cq), .events = POLLIN };
	struct rdmad_wc wc;
	int n, naps = 0;

	while ((n = rdmad_poll_cq(s->cq, 1, &wc)) == 0) {
		if (rdmad_req_notify_cq(s->cq, 0) == 1)
			continue;
		if (poll(&p, 1, 100) > 0)
			(void)rdmad_cq_ack_event(s->cq);
		else if (++naps > 200)
			die(s, "no completion within 20 s");
	}
	if (n < 0)
		die(s, "rdmad_poll_cq: %s", rdmad_strerror(n));
	return wc;
}

/* Wait for one completion, which must be successful; return it. */
static struct rdmad_wc
wait_wc(struct side *s)
{
	struct rdmad_wc wc = wait_any(s);

	if (wc.status != RDMAD_WC_SUCCESS)
		die(s, "completion of opcode %d failed: status %d, Terminate "
		    "%d/%d/%d", wc.opcode, wc.status, wc.term_layer,
		    wc.term_etype, wc.term_ecode);
	return wc;
}

/* Send a NUL-terminated text from the message-out buffer. */
static void
send_text(struct side *s, const char *text)
{
	snprintf((char *)msg_out(s), MSG_LEN, "%s", text);
	post(s, RDMAD_WR_SEND, msg_out(s), (uint32_t)strlen(text) + 1, 0, 0,
	    0, 0);
}

/* Wait until a receive completed (sends completing meanwhile). */
static void
wait_recv(struct side *s)
{
	while (wait_wc(s).opcode != RDMAD_WC_RECV)
		continue;
}

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The server: offer the region, then check it when the client says so. */
static int
server(struct side *s, const char *sock, uint16_t port, int ready)
{
	struct rdmad_listener *l;
	struct rdmad_conn_req *req;
	struct offer off;
	uint64_t ctr;
	size_t i, bad = 0;
	char verdict[MSG_LEN];

	side_open(s, sock);
	memcpy(counter(s), &(uint64_t){ COUNTER_INIT }, 8);
	CHECK(s, rdmad_listen(s->ctx, port, 1, &l));
	if (write(ready, "r", 1) != 1)	/* the client may connect now */
		die(s, "pipe");
	close(ready);
	post_recv(s);
	CHECK(s, rdmad_get_request(l, 0, &req));
	memset(&off, 0, sizeof(off));
	off.addr = (uintptr_t)s->buf;
	off.len = s->size + 8;
	off.stag = rdmad_mr_stag(s->mr);
	CHECK(s, rdmad_accept(req, s->qp, &off, sizeof(off)));
	wait_recv(s);			/* "check": the client is done */
	for (i = 0; i < s->size; i++)
		bad += s->buf[i] != pattern(i);
	memcpy(&ctr, counter(s), 8);
	snprintf(verdict, sizeof(verdict), "%zu octets %s, counter %" PRIu64,
	    s->size, bad ? "DIFFER" : "match the pattern", ctr);
	post_recv(s);
	send_text(s, verdict);
	wait_wc(s);
	/* The client closes the stream when done: the receive posted
	 * above is then flushed. */
	while (wait_any(s).status == RDMAD_WC_SUCCESS)
		continue;
	rdmad_close(s->ctx);
	return bad != 0;
}

/* The client: every operation, each checked, then the throughput run. */
static int
client(struct side *s, const char *sock, const char *host, uint16_t port,
    long count)
{
	struct rdmad_qp_info qi;
	struct offer offer, *off = &offer;
	const void *pd;
	unsigned char *rd;
	uint64_t old;
	size_t i, len;
	double t0, dt;
	long k;
	int ok = 1;

	side_open(s, sock);
	post_recv(s);
	CHECK(s, rdmad_connect(s->qp, host, port, NULL, 0));
	/* Private data carries no alignment promise: copy it out. */
	pd = rdmad_qp_peer_private_data(s->qp, &len);
	if (pd == NULL || len != sizeof(offer))
		die(s, "the server offered no region");
	memcpy(&offer, pd, sizeof(offer));
	if (offer.len < s->size + 8)
		die(s, "the server's region is too small");
	CHECK(s, rdmad_qp_query(s->qp, &qi));
	printf("connected:   %s over %s (%s)\n", qi.peer,
	    qi.transport == RDMAD_TRANSPORT_SCTP ? "SCTP" : "TCP/MPA",
	    qi.transport_why);
	printf("registered:  %zu octets here (STag %#x), %" PRIu64 " octets "
	    "at the server (STag %#x)\n", rdmad_mem_len(s->mem),
	    rdmad_mr_stag(s->mr), off->len, off->stag);

	/* RDMA Write of the pattern, RDMA Read back into a second copy. */
	rd = malloc(s->size);
	for (i = 0; i < s->size; i++)
		s->buf[i] = pattern(i);
	post(s, RDMAD_WR_RDMA_WRITE, s->buf, (uint32_t)s->size, off->addr,
	    off->stag, 0, 0);
	wait_wc(s);
	printf("RDMA Write:  %zu octets to the server: completed\n", s->size);
	memcpy(rd, s->buf, s->size);
	memset(s->buf, 0, s->size);
	post(s, RDMAD_WR_RDMA_READ, s->buf, (uint32_t)s->size, off->addr,
	    off->stag, 0, 0);
	wait_wc(s);
	ok &= memcmp(rd, s->buf, s->size) == 0;
	printf("RDMA Read:   %zu octets back: %s\n", s->size,
	    memcmp(rd, s->buf, s->size) == 0 ? "identical to what was written"
	    : "DIFFERENT");
	free(rd);

	/* Atomics on the server's counter (RFC 7306). */
	post(s, RDMAD_WR_ATOMIC_FETCH_ADD, counter(s), 8,
	    off->addr + s->size, off->stag, 1, 0);
	wait_wc(s);
	memcpy(&old, counter(s), 8);
	ok &= old == COUNTER_INIT;
	printf("Fetch-Add:   +1 on the server's counter: old value %" PRIu64
	    " (%s)\n", old, old == COUNTER_INIT ? "ok" : "WRONG");
	post(s, RDMAD_WR_ATOMIC_CMP_SWAP, counter(s), 8,
	    off->addr + s->size, off->stag, COUNTER_INIT + 1, 100);
	wait_wc(s);
	memcpy(&old, counter(s), 8);
	ok &= old == COUNTER_INIT + 1;
	printf("Cmp-Swap:    %u -> 100: old value %" PRIu64 " (%s)\n",
	    COUNTER_INIT + 1, old, old == COUNTER_INIT + 1 ? "ok" : "WRONG");

	/* Send: the server checks its own memory and answers. */
	send_text(s, "check");
	wait_recv(s);
	printf("Send:        \"check\" -> the server answers \"%s\"\n",
	    (const char *)msg_in(s));
	ok &= strstr((const char *)msg_in(s), "match the pattern, counter "
	    "100") != NULL;

	/* Throughput: count Writes of size octets, 16 in flight. */
	t0 = now();
	for (k = 0; k < count; k++) {
		if (k >= 16)
			wait_wc(s);
		post(s, RDMAD_WR_RDMA_WRITE, s->buf, (uint32_t)s->size,
		    off->addr, off->stag, 0, 0);
	}
	for (k = count < 16 ? count : 16; k > 0; k--)
		wait_wc(s);
	dt = now() - t0;
	printf("throughput:  %ld RDMA Writes of %zu octets in %.3f s: "
	    "%.1f MiB/s\n", count, s->size, dt, (double)count *
	    (double)s->size / dt / 1048576.0);
	rdmad_close(s->ctx);		/* the server sees the stream end */
	return ok ? 0 : 1;
}

int
main(int argc, char *argv[])
{
	struct side cs = { .name = "client", .size = 1 << 20 };
	struct side ss = { .name = "server" };
	const char *sa = NULL, *sb = NULL, *host = NULL;
	unsigned long port = 7400;
	long count = 256;
	int ch, st, fds[2], rv;
	char c;
	pid_t pid;

	while ((ch = getopt(argc, argv, "a:b:H:p:z:n:")) != -1) {
		switch (ch) {
		case 'a': sa = optarg; break;
		case 'b': sb = optarg; break;
		case 'H': host = optarg; break;
		case 'p': port = strtoul(optarg, NULL, 10); break;
		case 'z': cs.size = (size_t)strtoul(optarg, NULL, 10); break;
		case 'n': count = strtol(optarg, NULL, 10); break;
		default: goto usage;
		}
	}
	if (sa == NULL || sb == NULL || host == NULL || port == 0 ||
	    port > 65535 || cs.size < 1 || cs.size > (1u << 30) || count < 1)
		goto usage;
	ss.size = cs.size;
	if (pipe(fds) == -1 || (pid = fork()) == -1) {
		perror("demo");
		return 1;
	}
	if (pid == 0) {
		close(fds[0]);
		_exit(server(&ss, sb, (uint16_t)port, fds[1]));
	}
	close(fds[1]);
	if (read(fds[0], &c, 1) != 1) {
		fprintf(stderr, "demo: the server did not start\n");
		waitpid(pid, &st, 0);
		return 1;
	}
	rv = client(&cs, sa, host, (uint16_t)port, count);
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		rv = 1;
	printf("%s\n", rv == 0 ? "result:      every check passed" :
	    "result:      FAILED");
	return rv;
usage:
	fprintf(stderr, "usage: demo -a socket_a -b socket_b -H host_b "
	    "[-p port] [-z size] [-n count]\n");
	return 2;
}
