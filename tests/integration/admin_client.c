/* admin_client.c — a librdmad client holding known objects for rdmactl tests. */

/*
 * admin_client -S socket [-q qps] [-m regions] [-c host:port [-t]]
 *
 * Allocates one memory object, `regions` regions on it, one type 2
 * window, a CQ and `qps` queue pairs; with -c it connects the first QP to
 * an echo service (rdmactl echo) and sends one message; with -t it then
 * RDMA Writes to an STag the peer never issued, which makes the peer's
 * daemon send a Terminate (DDP, tagged buffer, invalid STag: 1/1/0), and
 * prints "terminate L/T/C" as the Read posted behind it completes.
 * Then it prints "ready" and holds everything until its standard input
 * closes.
 */

#define _POSIX_C_SOURCE 200809L

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rdmad/rdmad.h>

static void
fail(rdmad_ctx_t *ctx, const char *what, int r)
{
	fprintf(stderr, "admin_client: %s: %s (%s)\n", what, rdmad_strerror(r),
	    rdmad_last_error(ctx));
	exit(1);
}

/* Wait for one successful completion. */
static void
wait_one(rdmad_ctx_t *ctx, struct rdmad_cq *cq)
{
	struct rdmad_wc wc;
	int n, i;

	for (i = 0; (n = rdmad_poll_cq(cq, 1, &wc)) == 0 && i < 5000; i++)
		poll(NULL, 0, 1);
	if (n != 1 || wc.status != RDMAD_WC_SUCCESS)
		fail(ctx, "completion", n < 0 ? n : -5);
}

int
main(int argc, char *argv[])
{
	const char *sock = NULL, *peer = NULL;
	struct rdmad_qp_attr qa;
	struct rdmad_send_wr sw;
	struct rdmad_recv_wr rw;
	struct rdmad_qp *qp[64];
	struct rdmad_mem *mem;
	struct rdmad_mr *mr;
	struct rdmad_mw *mw;
	struct rdmad_pd *pd;
	struct rdmad_cq *cq = NULL;
	rdmad_ctx_t *ctx = NULL;
	char host[256], *colon, c;
	long nqp = 1, nmr = 1, i;
	int ch, r, term = 0;
	struct rdmad_wc wc;

	while ((ch = getopt(argc, argv, "S:q:m:c:t")) != -1) {
		switch (ch) {
		case 't': term = 1; break;
		case 'S': sock = optarg; break;
		case 'q': nqp = atol(optarg); break;
		case 'm': nmr = atol(optarg); break;
		case 'c': peer = optarg; break;
		default: return 2;
		}
	}
	if (sock == NULL || nqp < 1 || nqp > 64 || nmr < 1)
		return 2;
	if ((r = rdmad_open(sock, &ctx)) != 0)
		fail(NULL, "open", r);
	if ((r = rdmad_mem_alloc(ctx, 65536, &mem)) != 0 ||
	    (r = rdmad_pd_alloc(ctx, &pd)) != 0)
		fail(ctx, "mem/pd", r);
	for (i = 0; i < nmr; i++)
		if ((r = rdmad_reg_mr(pd, rdmad_mem_addr(mem), 4096 * (size_t)(i
		    % 16 + 1), i == 0 ? RDMAD_ACCESS_LOCAL_WRITE |
		    RDMAD_ACCESS_REMOTE_READ : RDMAD_ACCESS_LOCAL_WRITE,
		    &mr)) != 0)
			fail(ctx, "reg_mr", r);
	if ((r = rdmad_alloc_mw(pd, RDMAD_MW_TYPE_2, &mw)) != 0 ||
	    (r = rdmad_create_cq(ctx, 16, &cq)) != 0)
		fail(ctx, "mw/cq", r);
	memset(&qa, 0, sizeof(qa));
	qa.send_cq = qa.recv_cq = cq;
	qa.sq_depth = qa.rq_depth = 4;
	for (i = 0; i < nqp; i++)
		if ((r = rdmad_create_qp(pd, &qa, &qp[i])) != 0)
			fail(ctx, "create_qp", r);
	if (peer != NULL) {
		snprintf(host, sizeof(host), "%s", peer);
		if ((colon = strrchr(host, ':')) == NULL)
			return 2;
		*colon = '\0';
		memset(&rw, 0, sizeof(rw));
		rw.num_sge = 1;
		rw.sg_list[0].addr = (uintptr_t)rdmad_mem_addr(mem);
		rw.sg_list[0].length = 64;
		rw.sg_list[0].lkey = rdmad_mr_stag(mr);
		if ((r = rdmad_post_recv(qp[0], &rw)) != 0 ||
		    (r = rdmad_connect(qp[0], host, (uint16_t)atoi(colon + 1),
		    NULL, 0)) != 0)
			fail(ctx, "connect", r);
		memset(&sw, 0, sizeof(sw));
		sw.opcode = RDMAD_WR_SEND;
		sw.flags = RDMAD_SEND_SIGNALED;
		sw.num_sge = 1;
		sw.sg_list[0] = rw.sg_list[0];
		sw.sg_list[0].addr += 1024;
		if ((r = rdmad_post_send(qp[0], &sw)) != 0)
			fail(ctx, "send", r);
		wait_one(ctx, cq);	/* our Send */
		wait_one(ctx, cq);	/* the echo */
	}
	if (peer != NULL && term) {
		sw.opcode = RDMAD_WR_RDMA_WRITE;
		sw.rkey = 0x5a5a5a00u;		/* never issued */
		sw.remote_addr = 4096;
		if ((r = rdmad_post_send(qp[0], &sw)) != 0)
			fail(ctx, "write", r);
		sw.opcode = RDMAD_WR_RDMA_READ;
		if ((r = rdmad_post_send(qp[0], &sw)) != 0)
			fail(ctx, "read", r);
		for (i = 0; i < 5000; i++) {
			if (rdmad_poll_cq(cq, 1, &wc) == 1 &&
			    wc.status != RDMAD_WC_SUCCESS)
				break;
			poll(NULL, 0, 1);
		}
		printf("terminate %d/%d/%d\n", wc.term_layer, wc.term_etype,
		    wc.term_ecode);
	}
	printf("ready %ld\n", (long)getpid());
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		continue;
	rdmad_close(ctx);
	return 0;
}
