/* rcopy.c — copy a file to or from a remote application's memory. */

/*
 * Server:  rcopy -s [-S socket] [-p port] file   (serves one client)
 * Client:  rcopy -c host [-S socket] [-p port] get|put file
 *
 * The server names its registered copy of `file` (address, length, STag)
 * in the accept's private data; the client RDMA Reads it (get) or RDMA
 * Writes into it (put: the server saves file.put), Sends the length it
 * wrote and waits for the server's echo before closing (a completed
 * Send was handed to the daemon, not yet delivered).
 */

#define _POSIX_C_SOURCE 200809L

#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rdmad/rdmad.h>

#define CHUNK	(8u << 20)	/* octets per Read or Write request */

struct offer {			/* accept private data: the buffer */
	uint64_t	addr, len;
	uint32_t	stag, pad;
};

static rdmad_ctx_t	*ctx;
static struct rdmad_pd	*pd;
static struct rdmad_mr	*mr;
static struct rdmad_cq	*cq;
static struct rdmad_qp	*qp;
static unsigned char	*buf;
#define TRY(c) do { int r_ = (c); if (r_ != 0) die(#c, r_); } while (0)

/* Print why a call failed and exit; TRY() does it for a call's result. */
static void
die(const char *what, int r)
{
	fprintf(stderr, "rcopy: %s: %s (%s)\n", what, rdmad_strerror(r),
	    rdmad_last_error(ctx));
	exit(1);
}

/* `len` octets of registered memory, plus 8 for the final message. */
static void
setup_mem(size_t len, unsigned int access)
{
	struct rdmad_mem *mem;

	TRY(rdmad_mem_alloc(ctx, len + 8, &mem));
	buf = rdmad_mem_addr(mem);
	TRY(rdmad_reg_mr(pd, buf, len + 8, access, &mr));
}

/* Session with the daemon, PD, CQ and QP. */
static void
setup_qp(const char *sock)
{
	struct rdmad_qp_attr qa = { .sq_depth = 4, .rq_depth = 4, .ord = 4,
	    .ird = 4 };

	TRY(rdmad_open(sock, &ctx));
	TRY(rdmad_pd_alloc(ctx, &pd));
	TRY(rdmad_create_cq(ctx, 16, &cq));
	qa.send_cq = qa.recv_cq = cq;
	TRY(rdmad_create_qp(pd, &qa, &qp));
}

/* Wait (at most 60 s) for one completion and insist on success. */
static void
wait_wc(void)
{
	struct pollfd pfd = { .fd = rdmad_cq_fd(cq), .events = POLLIN };
	struct rdmad_wc wc = { 0 };
	int n, naps = 0;

	while ((n = rdmad_poll_cq(cq, 1, &wc)) == 0) {
		if (rdmad_req_notify_cq(cq, 0) == 1)
			continue;
		if (poll(&pfd, 1, 100) > 0)
			(void)rdmad_cq_ack_event(cq);
		else if (++naps > 600)
			die("waiting for a completion", -ETIMEDOUT);
	}
	if (n < 0 || wc.status != RDMAD_WC_SUCCESS) {
		fprintf(stderr, "rcopy: poll %d, completion status %d, "
		    "Terminate %d/%d/%d\n", n, wc.status, wc.term_layer,
		    wc.term_etype, wc.term_ecode);
		exit(1);
	}
}

/* Post a signaled work request on buf[off, off + len). */
static void
post(enum rdmad_wr_opcode op, size_t off, size_t len, uint64_t raddr,
    uint32_t rkey)
{
	struct rdmad_send_wr wr = { .opcode = op, .num_sge = 1,
	    .flags = RDMAD_SEND_SIGNALED, .remote_addr = raddr, .rkey = rkey,
	    .sg_list = { { (uintptr_t)(buf + off), (uint32_t)len,
	    rdmad_mr_stag(mr) } } };

	TRY(rdmad_post_send(qp, &wr));
}

/* Post a receive for the peer's final 8-octet message. */
static void
post_recv(size_t len)
{
	struct rdmad_recv_wr wr = { .num_sge = 1, .sg_list = { {
	    (uintptr_t)(buf + len), 8, rdmad_mr_stag(mr) } } };

	TRY(rdmad_post_recv(qp, &wr));
}

/* Size of the file at path. */
static size_t
fsize(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		die(path, -errno);
	return (size_t)st.st_size;
}

/* Read len octets of path into buf, or (wr) write them from buf. */
static void
file_io(const char *path, size_t len, int wr)
{
	FILE *f = fopen(path, wr ? "wb" : "rb");

	if (f == NULL || (wr ? fwrite(buf, 1, len, f) : fread(buf, 1, len,
	    f)) != len || fclose(f) != 0)
		die(path, -EIO);
}

/* The server: offer the file's bytes, wait for the client's last Send. */
static int
serve(const char *sock, unsigned int port, const char *path)
{
	struct rdmad_listener *l;	/* one request, then done */
	struct rdmad_conn_req *req;
	struct offer o;
	uint64_t put;
	size_t len = fsize(path);
	char out[4096];

	setup_qp(sock);
	setup_mem(len, RDMAD_ACCESS_LOCAL_WRITE | RDMAD_ACCESS_REMOTE_READ |
	    RDMAD_ACCESS_REMOTE_WRITE);
	file_io(path, len, 0);
	post_recv(len);
	TRY(rdmad_listen(ctx, (uint16_t)port, 1, &l));
	TRY(rdmad_get_request(l, 0, &req));
	o = (struct offer){ (uintptr_t)buf, len, rdmad_mr_stag(mr), 0 };
	printf("offering %zu octets to %s\n", len, rdmad_req_peer(req));
	TRY(rdmad_accept(req, qp, &o, sizeof(o)));
	wait_wc();			/* the client's "done" Send */
	memcpy(&put, buf + len, 8);
	if (put > len)
		die("the client's length", -EPROTO);
	if (put > 0) {
		snprintf(out, sizeof(out), "%s.put", path);
		file_io(out, (size_t)put, 1);
		printf("saved %llu octets to %s\n", (unsigned long long)put, out);
	}
	post(RDMAD_WR_SEND, len, 8, 0, 0);	/* echo: all is saved */
	wait_wc();
	rdmad_close(ctx);
	return 0;
}

int
main(int argc, char *argv[])
{
	const char *sock = NULL, *host = NULL;
	const struct offer *o;
	struct timespec t0, t1;
	unsigned int port = 7472;
	size_t len, off, n, plen;
	int ch, server = 0, get;
	double s;

	while ((ch = getopt(argc, argv, "c:sS:p:")) != -1) {
		switch (ch) {
		case 'c': host = optarg; break;
		case 's': server = 1; break;
		case 'S': sock = optarg; break;
		case 'p': port = (unsigned int)atoi(optarg); break;
		default: goto usage;
		}
	}
	if (server && host == NULL && optind == argc - 1)
		return serve(sock, port, argv[optind]);
	if (server || host == NULL || optind != argc - 2)
		goto usage;		/* neither a server nor a client */
	if (!(get = strcmp(argv[optind], "get") == 0) &&
	    strcmp(argv[optind], "put") != 0)
		goto usage;
	/* Connect first: the offer tells how much memory a get needs. */
	setup_qp(sock);
	TRY(rdmad_connect(qp, host, (uint16_t)port, NULL, 0));
	o = rdmad_qp_peer_private_data(qp, &plen);
	if (o == NULL || plen != sizeof(*o))
		die("the server's offer", -EPROTO);
	if (get)
		len = (size_t)o->len;
	else if ((len = fsize(argv[optind + 1])) > o->len)
		die("the file is larger than the server's buffer", -EFBIG);
	setup_mem(len, RDMAD_ACCESS_LOCAL_WRITE);
	post_recv(len);			/* for the server's echo */
	if (!get)
		file_io(argv[optind + 1], len, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* One request per CHUNK at a time: simple, still zero copy. */
	for (off = 0; off < len; off += n) {
		n = len - off < CHUNK ? len - off : CHUNK;
		post(get ? RDMAD_WR_RDMA_READ : RDMAD_WR_RDMA_WRITE, off, n,
		    o->addr + off, o->stag);
		wait_wc();
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* Tell the server we are done, and how much we wrote. */
	memcpy(buf + len, &(uint64_t){ get ? 0 : len }, 8);
	post(RDMAD_WR_SEND, len, 8, 0, 0);
	wait_wc();			/* our Send */
	wait_wc();			/* the server's echo */
	if (get)
		file_io(argv[optind + 1], len, 1);
	s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%s %zu octets in %.3f s (%.1f MiB/s)\n", get ? "read" :
	    "wrote", len, s, s > 0 ? len / s / 1048576.0 : 0.0);
	rdmad_close(ctx);
	return 0;
usage:
	fprintf(stderr, "usage: rcopy -s [-S socket] [-p port] file\n"
	    "       rcopy -c host [-S socket] [-p port] get|put file\n");
	return 2;
}
