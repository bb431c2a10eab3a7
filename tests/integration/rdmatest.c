/* rdmatest.c — end-to-end RDMA test client and server built on librdmad. */

/*
 * One binary, two roles.  The server (-s) listens on a service port of
 * its daemon and serves any number of connections from one event loop:
 * each connection gets its own target buffer (registered with every
 * remote right and MW_BIND), receive buffer and CQs, and obeys 64-octet
 * commands the client sends with RDMA Send (checksum a range, fill it
 * with a pattern, set/get a 64-bit word, register a region, bind or
 * invalidate a window, report the next data message's completion).
 * The client (-c) connects one or more QPs and drives every operation
 * with random sizes; each transfer is verified with FNV-1a over the
 * octets, computed on both sides and exchanged through Sends, and every
 * completion's status, opcode, length and flags is checked exactly.
 * Negative cases (--negative) check the error completion status and the
 * Terminate triple (RFC 5040 §4.8) the initiator gets.
 *
 * Output: one "ok" or "FAIL" line per check, then "N passed, M failed";
 * the exit status is 0 only when every check passed.
 */

#define _GNU_SOURCE

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rdmad/rdmad.h>

/* ---- the command protocol between client and server ---------------- */

#define T_MAGIC		0x52445431u	/* "RDT1" */
#define T_MSG_LEN	64
#define T_PRIV_MAGIC	0x52445450u	/* "RDTP" */
#define T_GUARD		16		/* octets checked around a Write */
#define T_NRECV		16		/* receives each side keeps posted */

enum t_cmd {
	C_NOP = 1,	/* reply at once (round-trip time) */
	C_EXPECT,	/* the next message is data: report its completion */
	C_CKSUM,	/* a = FNV-1a of tgt[b, b + c) */
	C_FILL,		/* fill tgt[b, b + c) with pattern d; a = its FNV */
	C_SET64,	/* tgt[b] = c (8 octets) */
	C_GET64,	/* a = tgt[b] */
	C_MR,		/* register tgt[b, b + c), access d, e = 1: 2nd PD */
	C_MW,		/* window of type e over tgt[b, b + c), access d */
	C_LINV,		/* Local Invalidate of STag b on the server's QP */
	C_DEREG,	/* deregister region / deallocate window b */
	C_BYE		/* the client is done with this connection */
};

/* One command or reply: exactly 64 octets, host order (same host). */
struct t_msg {
	uint32_t	magic;
	uint16_t	op;
	uint16_t	status;		/* reply: 0 or an errno / wc status */
	uint32_t	opcode;		/* report: wc opcode */
	uint32_t	byte_len;	/* report: wc byte_len */
	uint32_t	flags;		/* report: wc flags */
	uint32_t	inv_stag;	/* report: wc inv_stag */
	uint64_t	a, b, c, d, e;
};
_Static_assert(sizeof(struct t_msg) == T_MSG_LEN, "64-octet messages");

/* Connection private data, client -> server. */
struct t_priv_req {
	uint32_t	magic;
	uint32_t	pad;
	uint64_t	max_msg;	/* largest transfer it will make */
};

/* Accept private data, server -> client: the target buffer. */
struct t_priv_rep {
	uint32_t	magic;
	uint32_t	stag;
	uint64_t	addr;
	uint64_t	len;
	uint32_t	conn_id;
	uint32_t	pad;
};

/* ---- options and results --------------------------------------------- */

static const char	*opt_sock;
static const char	*opt_host = "127.0.0.1";
static unsigned int	 opt_port = 7471;
static unsigned int	 opt_iter = 10;
static uint64_t		 opt_seed;
static unsigned int	 opt_qps = 1;
static size_t		 opt_max = 64u << 20;
static const char	*opt_ops = "all";
static const char	*opt_neg;
static const char	*opt_sizes;
static unsigned int	 opt_time = 120;	/* seconds for the whole run */
static int		 opt_quiet;
static int		 opt_spin;
static unsigned int	 opt_linger;	/* server: ms before tearing down */
static enum rdmad_transport opt_transport = RDMAD_TRANSPORT_TCP;

static pthread_mutex_t	 t_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int	 t_pass, t_fail;
static struct timespec	 t_start;

/* Seconds since start-up. */
static double
t_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)(ts.tv_sec - t_start.tv_sec) +
	    (double)(ts.tv_nsec - t_start.tv_nsec) / 1e9;
}

/* Record and print one check. */
static bool __attribute__((format(printf, 2, 3)))
check(bool ok, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&t_lock);
	if (ok)
		t_pass++;
	else
		t_fail++;
	if (!ok || !opt_quiet) {
		printf("%s - ", ok ? "ok  " : "FAIL");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
		fflush(stdout);
	}
	pthread_mutex_unlock(&t_lock);
	return ok;
}

/* Print an informational line. */
static void __attribute__((format(printf, 1, 2)))
info(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&t_lock);
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	pthread_mutex_unlock(&t_lock);
}

/* ---- pattern, checksum, random numbers ------------------------------ */

/* splitmix64 finalizer. */
static uint64_t
mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Next value of a per-thread generator. */
static uint64_t
rnd(uint64_t *s)
{
	*s += 0x9e3779b97f4a7c15ull;
	return mix64(*s);
}

#define FNV_INIT	0xcbf29ce484222325ull

/* FNV-1a over len octets. */
static uint64_t
fnv(uint64_t h, const uint8_t *p, size_t len)
{
	while (len-- > 0) {
		h ^= *p++;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* The pattern octet at absolute offset off for seed. */
static inline uint8_t
pat_at(uint64_t seed, uint64_t off, uint64_t *w, uint64_t *wi)
{
	if (*wi != off >> 3) {
		*wi = off >> 3;
		*w = mix64(seed ^ (*wi * 0x2545f4914f6cdd1dull));
	}
	return (uint8_t)(*w >> ((off & 7) * 8));
}

/* Fill p with the pattern of offsets [off, off + len). */
static void
pat_fill(uint8_t *p, uint64_t off, size_t len, uint64_t seed)
{
	uint64_t w = 0, wi = UINT64_MAX;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = pat_at(seed, off + i, &w, &wi);
}

/* FNV-1a continued over the pattern of offsets [off, off + len). */
static uint64_t
pat_fnv(uint64_t h, uint64_t off, size_t len, uint64_t seed)
{
	uint64_t w = 0, wi = UINT64_MAX;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= pat_at(seed, off + i, &w, &wi);
		h *= 0x100000001b3ull;
	}
	return h;
}

/* ---- waiting for completions ---------------------------------------- */

/*
 * Take one completion from cq, waiting at most ms milliseconds: spin
 * briefly, then sleep on the CQ's notification descriptor.  Returns 1,
 * 0 on timeout, or a negative error of rdmad_poll_cq().
 */
static int
cq_wait(struct rdmad_cq *cq, struct rdmad_wc *wc, int ms)
{
	struct pollfd pfd;
	double end = t_now() + ms / 1000.0;
	int n, spins = opt_spin ? 1000000 : 200;

	for (;;) {
		n = rdmad_poll_cq(cq, 1, wc);
		if (n != 0)
			return n;
		if (spins > 0) {
			spins--;
			continue;
		}
		if (t_now() >= end)
			return 0;
		n = rdmad_req_notify_cq(cq, 0);
		if (n < 0)
			return n;
		if (n == 1)
			continue;
		pfd.fd = rdmad_cq_fd(cq);
		pfd.events = POLLIN;
		/* Short sleeps: a lost notification costs 10 ms, no hang. */
		if (poll(&pfd, 1, 10) > 0)
			(void)rdmad_cq_ack_event(cq);
	}
}

static const char *const wc_status_names[] = {
	"SUCCESS", "LOC_LEN_ERR", "LOC_QP_OP_ERR", "LOC_PROT_ERR",
	"WR_FLUSH_ERR", "MW_BIND_ERR", "REM_ACCESS_ERR", "REM_OP_ERR",
	"REM_INV_REQ_ERR", "TRANSPORT_ERR", "FATAL_ERR"
};

/* Name of a completion status. */
static const char *
st_name(int st)
{
	if (st >= 0 && (size_t)st < sizeof(wc_status_names) /
	    sizeof(wc_status_names[0]))
		return wc_status_names[st];
	return "?";
}

/* ---- the server ----------------------------------------------------- */

#define S_MAX_OBJ	32

/* One accepted connection on the server. */
struct s_conn {
	struct s_conn		*next;
	uint32_t		 id;
	struct rdmad_mem	*mem;
	uint8_t			*tgt, *rbuf, *rep;
	size_t			 tgt_len, rbuf_len;
	struct rdmad_mr		*mr_tgt, *mr_loc;
	struct rdmad_cq		*scq, *rcq;
	struct rdmad_qp		*qp;
	struct rdmad_mr		*mrs[S_MAX_OBJ];
	struct rdmad_mw		*mws[S_MAX_OBJ];
	bool			 expect;	/* next receive is data */
	bool			 bye, dead;
	double			 dead_at;	/* when it was found dead */
	uint64_t		 wrid;
};

static struct rdmad_pd	*s_pd, *s_pd2;
static struct s_conn	*s_conns;
static volatile sig_atomic_t s_stop;

/* Signal handler: leave the loop. */
static void
s_on_signal(int sig)
{
	(void)sig;
	s_stop = 1;
}

/* Post one receive of the whole receive buffer. */
static int
s_post_recv(struct s_conn *c)
{
	struct rdmad_recv_wr rw;

	memset(&rw, 0, sizeof(rw));
	rw.wr_id = ++c->wrid;
	rw.num_sge = 1;
	rw.sg_list[0].addr = (uintptr_t)c->rbuf;
	rw.sg_list[0].length = (uint32_t)c->rbuf_len;
	rw.sg_list[0].lkey = rdmad_mr_stag(c->mr_loc);
	return rdmad_post_recv(c->qp, &rw);
}

/* Post a signaled work request and wait for its completion. */
static int
s_post_wait(struct s_conn *c, struct rdmad_send_wr *wr, struct rdmad_wc *wc)
{
	int r;

	wr->wr_id = ++c->wrid;
	wr->flags |= RDMAD_SEND_SIGNALED;
	if ((r = rdmad_post_send(c->qp, wr)) != 0)
		return r;
	for (;;) {
		r = cq_wait(c->scq, wc, 10000);
		if (r <= 0)
			return r == 0 ? -ETIMEDOUT : r;
		if (wc->wr_id == wr->wr_id)
			return 0;
	}
}

/* Send the reply in c->rep. */
static void
s_reply(struct s_conn *c, struct t_msg *m)
{
	struct rdmad_send_wr wr;
	struct rdmad_wc wc;
	int r;

	m->magic = T_MAGIC;
	memcpy(c->rep, m, sizeof(*m));
	memset(&wr, 0, sizeof(wr));
	wr.opcode = RDMAD_WR_SEND;
	wr.num_sge = 1;
	wr.sg_list[0].addr = (uintptr_t)c->rep;
	wr.sg_list[0].length = T_MSG_LEN;
	wr.sg_list[0].lkey = rdmad_mr_stag(c->mr_loc);
	if ((r = s_post_wait(c, &wr, &wc)) != 0 ||
	    wc.status != RDMAD_WC_SUCCESS) {
		info("server conn %u: reply failed: %s / %s", c->id,
		    rdmad_strerror(r), st_name(wc.status));
		c->dead = true;
	}
}

/* Keep an object handle in a free slot; -ENOSPC when full. */
static int
s_slot(void **slots)
{
	int i;

	for (i = 0; i < S_MAX_OBJ; i++)
		if (slots[i] == NULL)
			return i;
	return -1;
}

/* Range check of a command's tgt[b, b + c). */
static bool
s_range_ok(const struct s_conn *c, uint64_t off, uint64_t len)
{
	return off <= c->tgt_len && len <= c->tgt_len - off;
}

/* Execute one command and reply. */
static void
s_command(struct s_conn *c, const struct t_msg *q)
{
	struct rdmad_send_wr wr;
	struct rdmad_wc wc;
	struct t_msg m;
	struct rdmad_mr *mr;
	struct rdmad_mw *mw;
	int r, i;

	memset(&m, 0, sizeof(m));
	m.op = q->op;
	switch (q->op) {
	case C_NOP:
		break;
	case C_EXPECT:
		c->expect = true;
		break;
	case C_CKSUM:
	case C_FILL:
		if (!s_range_ok(c, q->b, q->c)) {
			m.status = EINVAL;
			break;
		}
		if (q->op == C_FILL)
			pat_fill(c->tgt + q->b, q->b, q->c, q->d);
		m.a = fnv(FNV_INIT, c->tgt + q->b, q->c);
		break;
	case C_SET64:
	case C_GET64:
		if (!s_range_ok(c, q->b, 8) || q->b % 8 != 0) {
			m.status = EINVAL;
			break;
		}
		if (q->op == C_SET64)
			__atomic_store_n((uint64_t *)(void *)(c->tgt + q->b),
			    q->c, __ATOMIC_SEQ_CST);
		m.a = __atomic_load_n((uint64_t *)(void *)(c->tgt + q->b),
		    __ATOMIC_SEQ_CST);
		break;
	case C_MR:
		if (!s_range_ok(c, q->b, q->c) || (i = s_slot((void **)
		    c->mrs)) < 0) {
			m.status = EINVAL;
			break;
		}
		r = rdmad_reg_mr(q->e ? s_pd2 : s_pd, c->tgt + q->b, q->c,
		    (unsigned int)q->d, &mr);
		if (r != 0) {
			m.status = (uint16_t)-r;
			break;
		}
		c->mrs[i] = mr;
		m.a = rdmad_mr_stag(mr);
		break;
	case C_MW:
		if (!s_range_ok(c, q->b, q->c) || (i = s_slot((void **)
		    c->mws)) < 0) {
			m.status = EINVAL;
			break;
		}
		if ((r = rdmad_alloc_mw(s_pd, (int)q->e, &mw)) != 0) {
			m.status = (uint16_t)-r;
			break;
		}
		c->mws[i] = mw;
		m.a = rdmad_mw_stag(mw);
		memset(&wr, 0, sizeof(wr));
		wr.opcode = RDMAD_WR_BIND_MW;
		wr.rkey = rdmad_mw_stag(mw);
		wr.bind.mr = c->mr_tgt;
		wr.bind.addr = (uintptr_t)(c->tgt + q->b);
		wr.bind.length = q->c;
		wr.bind.access = (unsigned int)q->d;
		if (q->e == RDMAD_MW_TYPE_1) {
			/* Type 1 through the helper, type 2 as a WR. */
			r = rdmad_bind_mw(c->qp, mw, c->mr_tgt,
			    (uintptr_t)(c->tgt + q->b), q->c,
			    (unsigned int)q->d, ++c->wrid);
			if (r == 0) {
				r = cq_wait(c->scq, &wc, 10000);
				r = r == 1 ? 0 : r == 0 ? -ETIMEDOUT : r;
			}
		} else
			r = s_post_wait(c, &wr, &wc);
		if (r != 0)
			m.status = (uint16_t)-r;
		else if (wc.status != RDMAD_WC_SUCCESS)
			m.status = (uint16_t)(1000 + wc.status);
		else if (wc.opcode != RDMAD_WC_BIND_MW)
			m.status = 999;
		break;
	case C_LINV:
		memset(&wr, 0, sizeof(wr));
		wr.opcode = RDMAD_WR_LOCAL_INV;
		wr.rkey = (uint32_t)q->b;
		if ((r = s_post_wait(c, &wr, &wc)) != 0)
			m.status = (uint16_t)-r;
		else if (wc.status != RDMAD_WC_SUCCESS)
			m.status = (uint16_t)(1000 + wc.status);
		else if (wc.opcode != RDMAD_WC_LOCAL_INV)
			m.status = 999;
		break;
	case C_DEREG:
		m.status = ENOENT;
		for (i = 0; i < S_MAX_OBJ; i++) {
			if (c->mrs[i] != NULL &&
			    rdmad_mr_stag(c->mrs[i]) == (uint32_t)q->b) {
				r = rdmad_dereg_mr(c->mrs[i]);
				c->mrs[i] = NULL;
				m.status = (uint16_t)-r;
				break;
			}
			if (c->mws[i] != NULL &&
			    rdmad_mw_stag(c->mws[i]) == (uint32_t)q->b) {
				r = rdmad_dealloc_mw(c->mws[i]);
				c->mws[i] = NULL;
				m.status = (uint16_t)-r;
				break;
			}
		}
		break;
	case C_BYE:
		c->bye = true;
		break;
	default:
		m.status = EOPNOTSUPP;
		break;
	}
	s_reply(c, &m);
}

/* A receive completed on c. */
static void
s_recv(struct s_conn *c, const struct rdmad_wc *wc)
{
	struct t_msg m, q;

	if (wc->status != RDMAD_WC_SUCCESS) {
		if (!c->bye)
			info("server conn %u: qp error: receive completed "
			    "with %s, term %d/%d/0x%02x", c->id,
			    st_name(wc->status), wc->term_layer,
			    wc->term_etype, wc->term_ecode);
		c->dead = true;
		return;
	}
	if (s_post_recv(c) != 0) {
		info("server conn %u: cannot repost a receive", c->id);
		c->dead = true;
		return;
	}
	if (c->expect) {
		/* Report the data message to the client. */
		c->expect = false;
		memset(&m, 0, sizeof(m));
		m.op = C_EXPECT;
		m.status = (uint16_t)wc->status;
		m.opcode = wc->opcode;
		m.byte_len = wc->byte_len;
		m.flags = wc->flags;
		m.inv_stag = wc->inv_stag;
		m.b = wc->imm_data;
		m.a = fnv(FNV_INIT, c->rbuf, wc->byte_len <= c->rbuf_len ?
		    wc->byte_len : 0);
		s_reply(c, &m);
		return;
	}
	if (wc->opcode != RDMAD_WC_RECV || wc->byte_len != T_MSG_LEN) {
		info("server conn %u: unexpected message (opcode %d, %u "
		    "octets)", c->id, wc->opcode, wc->byte_len);
		c->dead = true;
		return;
	}
	memcpy(&q, c->rbuf, sizeof(q));
	if (q.magic != T_MAGIC) {
		info("server conn %u: bad magic", c->id);
		c->dead = true;
		return;
	}
	s_command(c, &q);
}

/* Release everything of a connection. */
static void
s_conn_free(struct s_conn *c)
{
	int i;

	if (c->qp != NULL)
		(void)rdmad_destroy_qp(c->qp);
	for (i = 0; i < S_MAX_OBJ; i++) {
		if (c->mws[i] != NULL)
			(void)rdmad_dealloc_mw(c->mws[i]);
		if (c->mrs[i] != NULL)
			(void)rdmad_dereg_mr(c->mrs[i]);
	}
	if (c->mr_tgt != NULL)
		(void)rdmad_dereg_mr(c->mr_tgt);
	if (c->mr_loc != NULL)
		(void)rdmad_dereg_mr(c->mr_loc);
	if (c->scq != NULL)
		(void)rdmad_destroy_cq(c->scq);
	if (c->rcq != NULL)
		(void)rdmad_destroy_cq(c->rcq);
	if (c->mem != NULL)
		(void)rdmad_mem_free(c->mem);
	free(c);
}

/* Set up a connection for request req and accept it. */
static void
s_accept(rdmad_ctx_t *ctx, struct rdmad_conn_req *req, uint32_t id)
{
	struct rdmad_qp_attr qa;
	struct t_priv_rep rep;
	const struct t_priv_req *pq;
	struct s_conn *c;
	size_t plen, maxm;
	unsigned int ird, ord;
	int r, i;

	pq = rdmad_req_private_data(req, &plen);
	if (pq == NULL || plen != sizeof(*pq) || pq->magic != T_PRIV_MAGIC ||
	    pq->max_msg > (1ull << 30)) {
		info("server: rejecting %s: bad private data",
		    rdmad_req_peer(req));
		(void)rdmad_reject(req, NULL, 0);
		return;
	}
	maxm = (size_t)pq->max_msg;
	rdmad_req_ird_ord(req, &ird, &ord);
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		(void)rdmad_reject(req, NULL, 0);
		return;
	}
	c->id = id;
	c->tgt_len = (maxm + 4095) / 4096 * 4096 + 65536;
	c->rbuf_len = (maxm + 4095) / 4096 * 4096 + 4096;
	r = rdmad_mem_alloc(ctx, c->tgt_len + c->rbuf_len + 4096, &c->mem);
	if (r == 0) {
		c->tgt = rdmad_mem_addr(c->mem);
		c->rbuf = c->tgt + c->tgt_len;
		c->rep = c->rbuf + c->rbuf_len;
		r = rdmad_reg_mr(s_pd, c->tgt, c->tgt_len,
		    RDMAD_ACCESS_LOCAL_WRITE | RDMAD_ACCESS_REMOTE_WRITE |
		    RDMAD_ACCESS_REMOTE_READ | RDMAD_ACCESS_REMOTE_ATOMIC |
		    RDMAD_ACCESS_MW_BIND, &c->mr_tgt);
	}
	if (r == 0)
		r = rdmad_reg_mr(s_pd, c->rbuf, c->rbuf_len + 4096,
		    RDMAD_ACCESS_LOCAL_WRITE, &c->mr_loc);
	if (r == 0)
		r = rdmad_create_cq(ctx, 64, &c->scq);
	if (r == 0)
		r = rdmad_create_cq(ctx, 64, &c->rcq);
	if (r == 0) {
		memset(&qa, 0, sizeof(qa));
		qa.send_cq = c->scq;
		qa.recv_cq = c->rcq;
		qa.sq_depth = 16;
		qa.rq_depth = T_NRECV;
		qa.ord = 16;
		qa.ird = 16;
		qa.transport = opt_transport;
		r = rdmad_create_qp(s_pd, &qa, &c->qp);
	}
	for (i = 0; r == 0 && i < T_NRECV; i++)
		r = s_post_recv(c);
	if (r != 0) {
		info("server: cannot set up conn %u: %s (%s)", id,
		    rdmad_strerror(r), rdmad_last_error(ctx));
		(void)rdmad_reject(req, NULL, 0);
		s_conn_free(c);
		return;
	}
	memset(&rep, 0, sizeof(rep));
	rep.magic = T_PRIV_MAGIC;
	rep.stag = rdmad_mr_stag(c->mr_tgt);
	rep.addr = (uintptr_t)c->tgt;
	rep.len = c->tgt_len;
	rep.conn_id = id;
	if ((r = rdmad_accept(req, c->qp, &rep, sizeof(rep))) != 0) {
		info("server: accept of conn %u failed: %s (%s)", id,
		    rdmad_strerror(r), rdmad_last_error(ctx));
		s_conn_free(c);
		return;
	}
	if (!opt_quiet)
		info("server: conn %u accepted (qp %u, peer ird %u ord %u, "
		    "%zu octets)", id, rdmad_qp_num(c->qp), ird, ord,
		    c->tgt_len);
	c->next = s_conns;
	s_conns = c;
}

/* Server main loop: accept, serve commands, tear down dead connections. */
static int
s_main(void)
{
	rdmad_ctx_t *ctx;
	struct rdmad_listener *l;
	struct rdmad_conn_req *req;
	struct rdmad_wc wc;
	struct s_conn *c, **cp;
	struct pollfd pfd[65];
	uint32_t next_id = 0;
	double lost_at = 0;
	int r, n, idle = 0;
	bool busy;

	signal(SIGTERM, s_on_signal);
	signal(SIGINT, s_on_signal);
	if ((r = rdmad_open(opt_sock, &ctx)) != 0) {
		fprintf(stderr, "rdmatest: rdmad_open: %s (%s)\n",
		    rdmad_strerror(r), rdmad_last_error(NULL));
		return 2;
	}
	if ((r = rdmad_pd_alloc(ctx, &s_pd)) != 0 ||
	    (r = rdmad_pd_alloc(ctx, &s_pd2)) != 0 ||
	    (r = rdmad_listen(ctx, (uint16_t)opt_port, 64, &l)) != 0) {
		fprintf(stderr, "rdmatest: server set-up: %s (%s)\n",
		    rdmad_strerror(r), rdmad_last_error(ctx));
		rdmad_close(ctx);
		return 2;
	}
	info("server: listening on port %u", opt_port);
	while (!s_stop) {
		busy = false;
		r = lost_at > 0 ? -EAGAIN : rdmad_get_request(l, 1, &req);
		if (r == 0) {
			s_accept(ctx, req, next_id++);
			busy = true;
		} else if (r != -EAGAIN) {
			/* Give the CQs 1 s to tell the same (below). */
			info("server: get_request: %s", rdmad_strerror(r));
			lost_at = t_now();
		}
		for (c = s_conns; c != NULL; c = c->next) {
			while (!c->dead &&
			    (r = rdmad_poll_cq(c->rcq, 1, &wc)) == 1) {
				s_recv(c, &wc);
				busy = true;
			}
			if (r == -ENOTCONN && !s_stop) {
				/* The data path itself tells (rdmad.h). */
				info("server conn %u: daemon is gone: poll_cq "
				    "says %s at %.2f s", c->id,
				    rdmad_strerror(r), t_now());
				s_stop = 1;
			}
		}
		if (lost_at > 0 && (s_stop || s_conns == NULL ||
		    t_now() - lost_at > 1))
			break;
		for (cp = &s_conns; (c = *cp) != NULL;) {
			if (c->dead && c->dead_at == 0)
				c->dead_at = t_now();
			/* --linger: keep a failed QP a while before
			 * destroying it (a diagnostic for the daemon). */
			if (c->bye || (c->dead &&
			    t_now() - c->dead_at >= opt_linger / 1000.0)) {
				*cp = c->next;
				if (!opt_quiet)
					info("server: conn %u closed", c->id);
				s_conn_free(c);
			} else
				cp = &c->next;
		}
		if (busy || (opt_spin && ++idle < 100000)) {
			if (busy)
				idle = 0;
			continue;
		}
		/* Idle: sleep on the listener and every receive CQ. */
		n = 0;
		pfd[n].fd = rdmad_listener_fd(l);
		pfd[n++].events = POLLIN;
		for (c = s_conns; c != NULL && n < 65; c = c->next) {
			if (rdmad_req_notify_cq(c->rcq, 0) == 1)
				busy = true;
			pfd[n].fd = rdmad_cq_fd(c->rcq);
			pfd[n++].events = POLLIN;
		}
		if (busy)
			continue;
		if (poll(pfd, (nfds_t)n, 50) > 0)
			for (c = s_conns; c != NULL; c = c->next)
				(void)rdmad_cq_ack_event(c->rcq);
	}
	while ((c = s_conns) != NULL) {
		s_conns = c->next;
		s_conn_free(c);
	}
	(void)rdmad_listener_close(l);
	rdmad_close(ctx);
	info("server: exiting");
	return 0;
}

/* ---- the client: one connection --------------------------------------- */

/*
 * Client memory layout: data area (max + 2 guards + 64 for odd
 * alignment), one command slot, T_NRECV reply slots, an atomic result.
 */
struct c_conn {
	char			 name[24];
	rdmad_ctx_t		*ctx;
	struct rdmad_mem	*mem;
	uint8_t			*buf;		/* data area */
	size_t			 max;
	uint8_t			*cmd, *reps, *res;
	struct rdmad_pd		*pd;
	struct rdmad_mr		*mr;
	struct rdmad_cq		*scq, *rcq;
	struct rdmad_qp		*qp;
	uint32_t		 lkey, rkey;
	uint64_t		 raddr, rlen;
	uint64_t		 wrid, rng;
	unsigned int		 ord;
	bool			 broken;
};

#define C_DATA_OFF	T_GUARD

/* Post one reply receive in slot i. */
static int
c_post_recv(struct c_conn *c, unsigned int i)
{
	struct rdmad_recv_wr rw;

	memset(&rw, 0, sizeof(rw));
	rw.wr_id = i;
	rw.num_sge = 1;
	rw.sg_list[0].addr = (uintptr_t)(c->reps + i * T_MSG_LEN);
	rw.sg_list[0].length = T_MSG_LEN;
	rw.sg_list[0].lkey = c->lkey;
	return rdmad_post_recv(c->qp, &rw);
}

/* Release a client connection (NULL-safe members). */
static void
c_close(struct c_conn *c)
{
	if (c->ctx == NULL)
		return;
	if (c->qp != NULL)
		(void)rdmad_destroy_qp(c->qp);
	if (c->mr != NULL)
		(void)rdmad_dereg_mr(c->mr);
	if (c->scq != NULL)
		(void)rdmad_destroy_cq(c->scq);
	if (c->rcq != NULL)
		(void)rdmad_destroy_cq(c->rcq);
	if (c->mem != NULL)
		(void)rdmad_mem_free(c->mem);
	if (c->pd != NULL)
		(void)rdmad_pd_free(c->pd);
	rdmad_close(c->ctx);
	memset(c, 0, sizeof(*c));
}

/* Open a context, build a QP and connect it to the server. */
static bool
c_open(struct c_conn *c, const char *name, size_t max, uint64_t seed)
{
	struct rdmad_qp_attr qa;
	struct rdmad_qp_info qi;
	struct t_priv_req pq;
	const struct t_priv_rep *pr;
	size_t len, plen;
	unsigned int i;
	int r;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->max = max;
	c->rng = seed;
	if ((r = rdmad_open(opt_sock, &c->ctx)) != 0)
		return check(false, "%s: rdmad_open: %s (%s)", name,
		    rdmad_strerror(r), rdmad_last_error(NULL));
	len = (max + 2 * T_GUARD + 64 + 4095) / 4096 * 4096 + 8192;
	r = rdmad_mem_alloc(c->ctx, len, &c->mem);
	if (r == 0) {
		c->buf = rdmad_mem_addr(c->mem);
		c->cmd = c->buf + len - 8192;
		c->reps = c->cmd + T_MSG_LEN;
		c->res = c->reps + T_NRECV * T_MSG_LEN;
		r = rdmad_pd_alloc(c->ctx, &c->pd);
	}
	if (r == 0)
		r = rdmad_reg_mr(c->pd, c->buf, len,
		    RDMAD_ACCESS_LOCAL_WRITE, &c->mr);
	if (r == 0) {
		c->lkey = rdmad_mr_stag(c->mr);
		r = rdmad_create_cq(c->ctx, 256, &c->scq);
	}
	if (r == 0)
		r = rdmad_create_cq(c->ctx, 256, &c->rcq);
	if (r == 0) {
		memset(&qa, 0, sizeof(qa));
		qa.send_cq = c->scq;
		qa.recv_cq = c->rcq;
		qa.sq_depth = 64;
		qa.rq_depth = T_NRECV;
		qa.ord = 16;
		qa.ird = 16;
		qa.transport = opt_transport;
		r = rdmad_create_qp(c->pd, &qa, &c->qp);
	}
	for (i = 0; r == 0 && i < T_NRECV; i++)
		r = c_post_recv(c, i);
	if (r != 0) {
		check(false, "%s: set-up: %s (%s)", name, rdmad_strerror(r),
		    rdmad_last_error(c->ctx));
		c_close(c);
		return false;
	}
	memset(&pq, 0, sizeof(pq));
	pq.magic = T_PRIV_MAGIC;
	pq.max_msg = max;
	r = rdmad_connect(c->qp, opt_host, (uint16_t)opt_port, &pq,
	    sizeof(pq));
	if (!check(r == 0, "%s: connect to %s port %u: %s%s%s", name,
	    opt_host, opt_port, rdmad_strerror(r), r ? " " : "",
	    r ? rdmad_last_error(c->ctx) : "")) {
		c_close(c);
		return false;
	}
	pr = rdmad_qp_peer_private_data(c->qp, &plen);
	if (!check(pr != NULL && plen == sizeof(*pr) &&
	    pr->magic == T_PRIV_MAGIC && pr->len >= max,
	    "%s: accept private data carries the target buffer (%zu "
	    "octets)", name, plen)) {
		c_close(c);
		return false;
	}
	c->rkey = pr->stag;
	c->raddr = pr->addr;
	c->rlen = pr->len;
	r = rdmad_qp_query(c->qp, &qi);
	check(r == 0 && qi.state == RDMAD_QPS_RTS &&
	    qi.transport == RDMAD_TRANSPORT_TCP,
	    "%s: QP %u in RTS over TCP, ord %u ird %u, peer %s (%s)", name,
	    r == 0 ? qi.qp_num : 0, r == 0 ? qi.ord : 0, r == 0 ? qi.ird : 0,
	    r == 0 ? qi.peer : "?", r == 0 ? qi.transport_why : "");
	c->ord = r == 0 && qi.ord > 0 ? qi.ord : 1;
	return true;
}

/* Wait for one completion of cq; a failed check marks c broken. */
static bool
c_wait(struct c_conn *c, struct rdmad_cq *cq, struct rdmad_wc *wc,
    const char *what, int ms)
{
	int r = cq_wait(cq, wc, ms);

	if (r == 1)
		return true;
	check(false, "%s: %s: no completion within %d ms (%s)", c->name, what,
	    ms, r == 0 ? "timeout" : rdmad_strerror(r));
	c->broken = true;
	return false;
}

/* Timeout for a transfer of len octets: 10 s + 1 s per 8 MiB. */
static int
c_tmo(size_t len)
{
	return 10000 + (int)(len >> 23) * 1000;
}

/* Post wr signaled and check its completion's status and opcode. */
static bool
c_do(struct c_conn *c, struct rdmad_send_wr *wr, enum rdmad_wc_opcode op,
    const char *what, size_t len)
{
	struct rdmad_wc wc;
	int r;

	wr->wr_id = ++c->wrid;
	wr->flags |= RDMAD_SEND_SIGNALED;
	if ((r = rdmad_post_send(c->qp, wr)) != 0) {
		c->broken = true;
		return check(false, "%s: %s: post_send: %s", c->name, what,
		    rdmad_strerror(r));
	}
	if (!c_wait(c, c->scq, &wc, what, c_tmo(len)))
		return false;
	if (!check(wc.wr_id == wr->wr_id && wc.status == RDMAD_WC_SUCCESS &&
	    wc.opcode == op, "%s: %s completes: %s opcode %d (want %d) "
	    "term %d/%d/%d", c->name, what, st_name(wc.status), wc.opcode, op,
	    wc.term_layer, wc.term_etype, wc.term_ecode)) {
		c->broken = true;
		return false;
	}
	return true;
}

/* Wait for the server's next reply (a 64-octet Send) into *rep. */
static bool
c_wait_reply(struct c_conn *c, struct t_msg *rep, const char *what)
{
	struct rdmad_wc wc;
	unsigned int slot;

	if (!c_wait(c, c->rcq, &wc, what, 30000))
		return false;
	slot = (unsigned int)wc.wr_id;
	if (!check(wc.status == RDMAD_WC_SUCCESS && wc.opcode ==
	    RDMAD_WC_RECV && wc.byte_len == T_MSG_LEN && slot < T_NRECV,
	    "%s: %s: reply received: %s opcode %d, %u octets", c->name, what,
	    st_name(wc.status), wc.opcode, wc.byte_len)) {
		c->broken = true;
		return false;
	}
	memcpy(rep, c->reps + slot * T_MSG_LEN, sizeof(*rep));
	if (c_post_recv(c, slot) != 0) {
		c->broken = true;
		return check(false, "%s: repost of a reply receive", c->name);
	}
	if (rep->magic != T_MAGIC) {
		c->broken = true;
		return check(false, "%s: %s: reply has a bad magic", c->name,
		    what);
	}
	return true;
}

/* Send a command and wait for its reply (into *rep). */
static bool
c_cmd(struct c_conn *c, struct t_msg *q, struct t_msg *rep)
{
	struct rdmad_send_wr wr;
	struct rdmad_wc wc;
	char what[32];

	if (c->broken)
		return false;
	q->magic = T_MAGIC;
	memcpy(c->cmd, q, sizeof(*q));
	memset(&wr, 0, sizeof(wr));
	wr.opcode = RDMAD_WR_SEND;
	wr.num_sge = 1;
	wr.sg_list[0].addr = (uintptr_t)c->cmd;
	wr.sg_list[0].length = T_MSG_LEN;
	wr.sg_list[0].lkey = c->lkey;
	snprintf(what, sizeof(what), "command %u", q->op);
	wr.wr_id = ++c->wrid;
	wr.flags = RDMAD_SEND_SIGNALED;
	if (rdmad_post_send(c->qp, &wr) != 0 ||
	    !c_wait(c, c->scq, &wc, what, 10000) ||
	    wc.status != RDMAD_WC_SUCCESS || wc.opcode != RDMAD_WC_SEND) {
		c->broken = true;
		return check(false, "%s: %s: send failed", c->name, what);
	}
	return c_wait_reply(c, rep, what);
}

/* A command with arguments b..e; false (and a failed check) on error. */
static bool
c_call(struct c_conn *c, uint16_t op, uint64_t b, uint64_t cc, uint64_t d,
    uint64_t e, struct t_msg *rep)
{
	struct t_msg q;

	memset(&q, 0, sizeof(q));
	q.op = op;
	q.b = b;
	q.c = cc;
	q.d = d;
	q.e = e;
	if (!c_cmd(c, &q, rep))
		return false;
	if (rep->op != op || rep->status != 0) {
		c->broken = true;
		return check(false, "%s: command %u refused by the server: "
		    "status %u", c->name, op, rep->status);
	}
	return true;
}

/* Split [addr, addr + len) into 1..RDMAD_MAX_SGE contiguous SGEs. */
static void
c_sges(struct c_conn *c, struct rdmad_send_wr *wr, uint8_t *p, size_t len)
{
	unsigned int n = 1 + (unsigned int)(rnd(&c->rng) % RDMAD_MAX_SGE);
	size_t left = len, piece;
	unsigned int i;

	if (len < n)
		n = len == 0 ? 1 : (unsigned int)len;
	for (i = 0; i < n; i++) {
		piece = i == n - 1 ? left : (size_t)(rnd(&c->rng) %
		    (left - (n - 1 - i) + 1));
		if (i < n - 1 && piece == 0)
			piece = 1;
		wr->sg_list[i].addr = (uintptr_t)p;
		wr->sg_list[i].length = (uint32_t)piece;
		wr->sg_list[i].lkey = c->lkey;
		p += piece;
		left -= piece;
	}
	wr->num_sge = n;
}

/* A random offset for len octets inside the server's target buffer. */
static uint64_t
c_roff(struct c_conn *c, size_t len)
{
	return rnd(&c->rng) % (c->rlen - len + 1);
}

/* Check the server's report of a data message against expectations. */
static bool
c_report(struct c_conn *c, const char *what, const struct t_msg *m,
    uint32_t opcode, uint32_t byte_len, uint32_t flags, uint32_t inv,
    uint64_t imm, uint64_t sum)
{
	return check(m->status == RDMAD_WC_SUCCESS && m->opcode == opcode &&
	    m->byte_len == byte_len && m->flags == flags &&
	    m->inv_stag == inv && (!(flags & RDMAD_WC_F_WITH_IMM) ||
	    m->b == imm) && m->a == sum,
	    "%s: %s: peer's completion %s opcode %u (want %u) %u octets "
	    "(want %u) flags %#x (want %#x) inv %#x (want %#x) imm %#" PRIx64
	    " checksum %016" PRIx64 " (want %016" PRIx64 ")", c->name, what,
	    st_name(m->status), m->opcode, opcode, m->byte_len, byte_len,
	    m->flags, flags, m->inv_stag, inv, m->b, m->a, sum) ||
	    (c->broken = true, false);
}

/* Send (optionally solicited, optionally invalidating) of len octets. */
static void
op_send(struct c_conn *c, size_t len, bool se, bool inv)
{
	struct rdmad_send_wr wr;
	struct t_msg m;
	uint64_t seed = rnd(&c->rng), sum, mw = 0, off;
	uint8_t *p = c->buf + C_DATA_OFF + rnd(&c->rng) % 64;
	uint32_t flags = 0;
	char what[64];

	snprintf(what, sizeof(what), "Send%s%s %zu B", se ? " with SE" : "",
	    inv ? " with Invalidate" : "", len);
	if (inv) {
		off = c_roff(c, 4096);
		if (!c_call(c, C_MW, off, 4096, RDMAD_ACCESS_REMOTE_WRITE |
		    RDMAD_ACCESS_REMOTE_READ, RDMAD_MW_TYPE_2, &m))
			return;
		mw = m.a;
	}
	pat_fill(p, 0, len, seed);
	sum = fnv(FNV_INIT, p, len);
	if (!c_call(c, C_EXPECT, 0, 0, 0, 0, &m))
		return;
	memset(&wr, 0, sizeof(wr));
	wr.opcode = inv ? RDMAD_WR_SEND_WITH_INV : RDMAD_WR_SEND;
	wr.flags = se ? RDMAD_SEND_SOLICITED : 0;
	wr.rkey = (uint32_t)mw;
	c_sges(c, &wr, p, len);
	if (!c_do(c, &wr, RDMAD_WC_SEND, what, len) ||
	    !c_wait_reply(c, &m, what))
		return;
	if (se)
		flags |= RDMAD_WC_F_SOLICITED;
	if (inv)
		flags |= RDMAD_WC_F_WITH_INV;
	c_report(c, what, &m, RDMAD_WC_RECV, (uint32_t)len, flags,
	    (uint32_t)mw, 0, sum);
	if (inv && !c->broken)
		c_call(c, C_DEREG, mw, 0, 0, 0, &m);
}

/* RDMA Write (optionally with Immediate Data) of len octets, guards
 * around it checked. */
static void
op_write(struct c_conn *c, size_t len, bool imm)
{
	struct rdmad_send_wr wr;
	struct t_msg m;
	uint64_t seed = rnd(&c->rng), gseed = rnd(&c->rng);
	uint64_t off = c_roff(c, len), g1, g2, sum, iv = rnd(&c->rng);
	uint8_t *p = c->buf + C_DATA_OFF + rnd(&c->rng) % 64;
	char what[64];

	snprintf(what, sizeof(what), "RDMA Write%s %zu B at +%" PRIu64,
	    imm ? " with Immediate" : "", len, off);
	g1 = off < T_GUARD ? off : T_GUARD;
	g2 = c->rlen - off - len < T_GUARD ? c->rlen - off - len : T_GUARD;
	if (!c_call(c, C_FILL, off - g1, g1, gseed, 0, &m) ||
	    !c_call(c, C_FILL, off + len, g2, gseed, 0, &m))
		return;
	pat_fill(p, 0, len, seed);
	if (imm && !c_call(c, C_EXPECT, 0, 0, 0, 0, &m))
		return;
	memset(&wr, 0, sizeof(wr));
	wr.opcode = imm ? RDMAD_WR_RDMA_WRITE_WITH_IMM : RDMAD_WR_RDMA_WRITE;
	wr.remote_addr = c->raddr + off;
	wr.rkey = c->rkey;
	wr.imm_data = iv;
	c_sges(c, &wr, p, len);
	if (!c_do(c, &wr, RDMAD_WC_RDMA_WRITE, what, len))
		return;
	if (imm) {
		if (!c_wait_reply(c, &m, what) ||
		    !c_report(c, what, &m, RDMAD_WC_RECV_IMM, 0,
		    RDMAD_WC_F_WITH_IMM, 0, iv, FNV_INIT))
			return;
	}
	if (!c_call(c, C_CKSUM, off - g1, g1 + len + g2, 0, 0, &m))
		return;
	sum = pat_fnv(FNV_INIT, off - g1, g1, gseed);
	sum = fnv(sum, p, len);
	sum = pat_fnv(sum, off + len, g2, gseed);
	check(m.a == sum, "%s: %s: placed data and %" PRIu64 "+%" PRIu64
	    " guard octets match (%016" PRIx64 " vs %016" PRIx64 ")", c->name,
	    what, g1, g2, m.a, sum) || (c->broken = true);
}

/* Immediate Data alone, optionally solicited (RFC 7306). */
static void
op_imm(struct c_conn *c, bool se)
{
	struct rdmad_send_wr wr;
	struct t_msg m;
	uint64_t iv = rnd(&c->rng);
	const char *what = se ? "Immediate Data with SE" : "Immediate Data";

	if (!c_call(c, C_EXPECT, 0, 0, 0, 0, &m))
		return;
	memset(&wr, 0, sizeof(wr));
	wr.opcode = RDMAD_WR_IMM_DATA;
	wr.flags = se ? RDMAD_SEND_SOLICITED : 0;
	wr.imm_data = iv;
	if (!c_do(c, &wr, RDMAD_WC_IMM, what, 0) ||
	    !c_wait_reply(c, &m, what))
		return;
	c_report(c, what, &m, RDMAD_WC_RECV_IMM, 0, RDMAD_WC_F_WITH_IMM |
	    (se ? RDMAD_WC_F_SOLICITED : 0), 0, iv, FNV_INIT);
}

/* RDMA Read of len octets into a guarded local buffer. */
static void
op_read(struct c_conn *c, size_t len)
{
	struct rdmad_send_wr wr;
	struct t_msg m;
	uint64_t seed = rnd(&c->rng), off = c_roff(c, len), want;
	size_t lo = (size_t)(rnd(&c->rng) % 64), i;
	uint8_t *p = c->buf + C_DATA_OFF + lo;
	bool guards = true;
	char what[64];

	snprintf(what, sizeof(what), "RDMA Read %zu B at +%" PRIu64, len,
	    off);
	if (!c_call(c, C_FILL, off, len, seed, 0, &m))
		return;
	want = pat_fnv(FNV_INIT, off, len, seed);
	if (!check(m.a == want, "%s: %s: server filled the source", c->name,
	    what))
		return;
	memset(p - T_GUARD, 0x5a, T_GUARD);
	memset(p, 0xee, len);
	memset(p + len, 0xa5, T_GUARD);
	memset(&wr, 0, sizeof(wr));
	wr.opcode = RDMAD_WR_RDMA_READ;
	wr.remote_addr = c->raddr + off;
	wr.rkey = c->rkey;
	/* A Read Request names one sink STag: one SGE (RFC 5040 §4.4). */
	wr.num_sge = 1;
	wr.sg_list[0].addr = (uintptr_t)p;
	wr.sg_list[0].length = (uint32_t)len;
	wr.sg_list[0].lkey = c->lkey;
	if (!c_do(c, &wr, RDMAD_WC_RDMA_READ, what, len))
		return;
	for (i = 0; i < T_GUARD; i++)
		if (p[-1 - (ssize_t)i] != 0x5a || p[len + i] != 0xa5)
			guards = false;
	check(fnv(FNV_INIT, p, len) == m.a && guards,
	    "%s: %s: data read matches the server's checksum %016" PRIx64
	    ", guards intact", c->name, what, m.a) || (c->broken = true);
}

/* One atomic work request; returns the original value fetched. */
static bool
c_atomic(struct c_conn *c, enum rdmad_wr_opcode op, uint64_t off,
    uint64_t ca, uint64_t sw, uint64_t *orig, const char *what)
{
	struct rdmad_send_wr wr;

	memset(&wr, 0, sizeof(wr));
	wr.opcode = op;
	wr.remote_addr = c->raddr + off;
	wr.rkey = c->rkey;
	wr.compare_add = ca;
	wr.swap = sw;
	wr.num_sge = 1;
	wr.sg_list[0].addr = (uintptr_t)c->res;
	wr.sg_list[0].length = 8;
	wr.sg_list[0].lkey = c->lkey;
	memset(c->res, 0xcc, 8);
	if (!c_do(c, &wr, op == RDMAD_WR_ATOMIC_FETCH_ADD ?
	    RDMAD_WC_FETCH_ADD : RDMAD_WC_CMP_SWAP, what, 8))
		return false;
	memcpy(orig, c->res, 8);
	return true;
}

/* FetchAdd, matching and failing CmpSwap: originals and memory. */
static void
op_atomic(struct c_conn *c)
{
	struct t_msg m;
	uint64_t off = (rnd(&c->rng) % (c->rlen / 8)) * 8;
	uint64_t v0 = rnd(&c->rng), add = rnd(&c->rng), v1 = rnd(&c->rng);
	uint64_t o;

	if (!c_call(c, C_SET64, off, v0, 0, 0, &m) ||
	    !c_atomic(c, RDMAD_WR_ATOMIC_FETCH_ADD, off, add, 0, &o,
	    "FetchAdd"))
		return;
	check(o == v0, "%s: FetchAdd at +%" PRIu64 " returns the original "
	    "%#" PRIx64 " (got %#" PRIx64 ")", c->name, off, v0, o);
	if (!c_call(c, C_GET64, off, 0, 0, 0, &m))
		return;
	check(m.a == v0 + add, "%s: FetchAdd leaves %#" PRIx64 " (got %#"
	    PRIx64 ")", c->name, v0 + add, m.a);
	if (!c_atomic(c, RDMAD_WR_ATOMIC_CMP_SWAP, off, v0 + add, v1, &o,
	    "CmpSwap (equal)"))
		return;
	check(o == v0 + add, "%s: CmpSwap (equal) returns the original",
	    c->name);
	if (!c_call(c, C_GET64, off, 0, 0, 0, &m))
		return;
	check(m.a == v1, "%s: CmpSwap (equal) swapped: %#" PRIx64 " (got %#"
	    PRIx64 ")", c->name, v1, m.a);
	if (!c_atomic(c, RDMAD_WR_ATOMIC_CMP_SWAP, off, ~v1, v0, &o,
	    "CmpSwap (different)"))
		return;
	check(o == v1, "%s: CmpSwap (different) returns the original",
	    c->name);
	if (!c_call(c, C_GET64, off, 0, 0, 0, &m))
		return;
	check(m.a == v1, "%s: CmpSwap (different) left memory alone: %#"
	    PRIx64 " (got %#" PRIx64 ")", c->name, v1, m.a);
}

/* Local Invalidate of a fresh local region. */
static void
op_linv(struct c_conn *c)
{
	struct rdmad_send_wr wr;
	struct rdmad_mr *mr;
	int r;

	r = rdmad_reg_mr(c->pd, c->buf, 4096, RDMAD_ACCESS_LOCAL_WRITE |
	    RDMAD_ACCESS_REMOTE_WRITE | RDMAD_ACCESS_REMOTE_READ, &mr);
	if (!check(r == 0, "%s: register a region to invalidate: %s",
	    c->name, rdmad_strerror(r)))
		return;
	memset(&wr, 0, sizeof(wr));
	wr.opcode = RDMAD_WR_LOCAL_INV;
	wr.rkey = rdmad_mr_stag(mr);
	c_do(c, &wr, RDMAD_WC_LOCAL_INV, "Local Invalidate", 0);
	r = rdmad_dereg_mr(mr);
	check(r == 0, "%s: deregister the invalidated region: %s", c->name,
	    rdmad_strerror(r));
}

/* Size for iteration it: 0, max and 1 first, then log-uniform. */
static size_t
c_size(struct c_conn *c, unsigned int it)
{
	unsigned int bits;
	uint64_t r;

	if (it == 0)
		return 0;
	if (it == 1)
		return c->max;
	if (it == 2)
		return 1;
	r = rnd(&c->rng);
	for (bits = 0; ((size_t)1 << bits) < c->max; bits++)
		;
	bits = (unsigned int)(r % (bits + 1));
	r = rnd(&c->rng) % (((uint64_t)1 << bits) + 1);
	return r > c->max ? c->max : (size_t)r;
}

/* Is op named in the comma list opt_ops (or is it "all")? */
static bool
c_want(const char *op)
{
	const char *p = opt_ops;
	size_t n = strlen(op);

	if (strcmp(opt_ops, "all") == 0)
		return strcmp(op, "flood") != 0;
	while (p != NULL && *p != '\0') {
		if (strncmp(p, op, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
		if ((p = strchr(p, ',')) != NULL)
			p++;
	}
	return false;
}

/* Parse the --sizes list into sz[]; returns the count. */
static unsigned int
c_sizes(size_t *sz, unsigned int max)
{
	const char *p = opt_sizes;
	unsigned int n = 0;
	char *end;

	while (p != NULL && *p != '\0' && n < max) {
		sz[n] = (size_t)strtoull(p, &end, 0);
		if (*end == 'k' || *end == 'K')
			sz[n] <<= 10, end++;
		else if (*end == 'm' || *end == 'M')
			sz[n] <<= 20, end++;
		n++;
		p = *end == ',' ? end + 1 : NULL;
	}
	return n;
}

/* The positive operations on one connection, until iterations or time
 * run out. */
static void
c_run_ops(struct c_conn *c, double deadline)
{
	size_t list[64], len;
	unsigned int it, nl = c_sizes(list, 64), n;

	n = nl > 0 ? nl : opt_iter;
	for (it = 0; it < n && !c->broken && t_now() < deadline; it++) {
		len = nl > 0 ? list[it] : c_size(c, it);
		if (len > c->max)
			len = c->max;
		if (c_want("send"))
			op_send(c, len, false, false);
		if (c_want("send_se") && !c->broken)
			op_send(c, len, true, false);
		if (c_want("send_inv") && !c->broken)
			op_send(c, len, false, true);
		if (c_want("write") && !c->broken)
			op_write(c, len, false);
		if (c_want("write_imm") && !c->broken)
			op_write(c, len, true);
		if (c_want("imm") && !c->broken)
			op_imm(c, false);
		if (c_want("imm_se") && !c->broken)
			op_imm(c, true);
		if (c_want("read") && !c->broken)
			op_read(c, len);
		if (c_want("atomic") && !c->broken)
			op_atomic(c);
		if (c_want("linv") && !c->broken)
			op_linv(c);
	}
	if (!c->broken && t_now() >= deadline)
		info("%s: time limit reached after %u iterations", c->name,
		    it);
}

/* Say goodbye so the server releases the connection's memory. */
static void
c_bye(struct c_conn *c)
{
	struct t_msg m;

	if (!c->broken)
		(void)c_call(c, C_BYE, 0, 0, 0, 0, &m);
}

/* ---- negative cases: the initiator's error completion and Terminate -- */

struct c_term {
	int	status, layer, etype, ecode;
};

/*
 * After the QP failed: it leaves RTS within 5 s, and a later Send is
 * refused or flushed.
 */
static void
c_check_dead(struct c_conn *c, const char *what)
{
	struct rdmad_qp_info qi;
	struct rdmad_send_wr wr;
	struct rdmad_wc wc;
	double end = t_now() + 5;
	int r;

	do {
		r = rdmad_qp_query(c->qp, &qi);
		if (r != 0 || qi.state == RDMAD_QPS_ERROR ||
		    qi.state == RDMAD_QPS_TERMINATE)
			break;
		usleep(10000);
	} while (t_now() < end);
	check(r == 0 && (qi.state == RDMAD_QPS_ERROR ||
	    qi.state == RDMAD_QPS_TERMINATE), "%s: %s: QP is in error "
	    "(state %d: %s)", c->name, what, r == 0 ? (int)qi.state : -1,
	    r == 0 ? qi.transport_why : rdmad_strerror(r));
	memset(&wr, 0, sizeof(wr));
	wr.opcode = RDMAD_WR_SEND;
	wr.flags = RDMAD_SEND_SIGNALED;
	wr.wr_id = 424242;
	r = rdmad_post_send(c->qp, &wr);
	if (r == 0) {
		r = cq_wait(c->scq, &wc, 5000);
		check(r == 1 && wc.wr_id == 424242 &&
		    wc.status == RDMAD_WC_WR_FLUSH_ERR, "%s: %s: a later Send "
		    "is flushed (%s)", c->name, what, r == 1 ?
		    st_name(wc.status) : "no completion");
	} else
		check(r == -ENOTCONN, "%s: %s: a later Send is refused "
		    "(%s)", c->name, what, rdmad_strerror(r));
	c->broken = true;
}

/*
 * Post wr (and, when follow, an 8-octet Read of the valid buffer behind
 * it, so a Terminate about a Write has an operation to fail); exactly
 * one completion must carry want.status and the exact triple, those
 * before it succeed, those after it are flushed with the same triple.
 */
static void
c_expect_error(struct c_conn *c, const char *what,
    struct rdmad_send_wr *wr, bool follow, const struct c_term *want)
{
	struct rdmad_send_wr rd;
	struct rdmad_wc wc[2];
	int n = follow ? 2 : 1, i, got = 0, nerr = 0, bad = 0, r;

	wr->wr_id = 1;
	wr->flags |= RDMAD_SEND_SIGNALED;
	if ((r = rdmad_post_send(c->qp, wr)) != 0) {
		check(false, "%s: %s: post_send: %s", c->name, what,
		    rdmad_strerror(r));
		return;
	}
	if (follow) {
		memset(&rd, 0, sizeof(rd));
		rd.wr_id = 2;
		rd.opcode = RDMAD_WR_RDMA_READ;
		rd.flags = RDMAD_SEND_SIGNALED;
		rd.remote_addr = c->raddr;
		rd.rkey = c->rkey;
		rd.num_sge = 1;
		rd.sg_list[0].addr = (uintptr_t)c->res;
		rd.sg_list[0].length = 8;
		rd.sg_list[0].lkey = c->lkey;
		if ((r = rdmad_post_send(c->qp, &rd)) != 0)
			n = 1;
	}
	for (i = 0; i < n; i++) {
		if (cq_wait(c->scq, &wc[i], 10000) != 1)
			break;
		got++;
	}
	if (!check(got == n, "%s: %s: %d of %d completions within 10 s",
	    c->name, what, got, n))
		return;
	for (i = 0; i < n; i++) {
		if (wc[i].status == RDMAD_WC_SUCCESS) {
			if (nerr > 0)
				bad++;
			continue;
		}
		if (nerr++ == 0) {
			/* The Write itself completed when it was handed to
			 * TCP; the Read behind it fails if it was on the
			 * wire when the Terminate came, else it is flushed:
			 * either way with the exact triple (engine.h). */
			check(((int)wc[i].status == want->status ||
			    (follow && wc[i].wr_id == 2 &&
			    wc[i].status == RDMAD_WC_WR_FLUSH_ERR)) &&
			    wc[i].term_layer == want->layer &&
			    wc[i].term_etype == want->etype &&
			    wc[i].term_ecode == want->ecode,
			    "%s: %s: error completion of %s: %s term "
			    "%d/%d/0x%02x (want %s%s %d/%d/0x%02x)", c->name,
			    what, wc[i].wr_id == 2 ? "the Read behind" :
			    "the request", st_name(wc[i].status), wc[i].term_layer,
			    wc[i].term_etype, wc[i].term_ecode,
			    st_name(want->status), follow ? " or a flush" : "",
			    want->layer, want->etype,
			    want->ecode);
		} else if (wc[i].status != RDMAD_WC_WR_FLUSH_ERR ||
		    wc[i].term_layer != want->layer ||
		    wc[i].term_etype != want->etype ||
		    wc[i].term_ecode != want->ecode)
			bad++;
	}
	check(nerr >= 1 && bad == 0, "%s: %s: one error completion, earlier "
	    "ones succeed, later ones flushed with the triple", c->name, what);
	c_check_dead(c, what);
}

/* Run one named negative case on a fresh connection. */
static void
c_negative(const char *name, uint64_t seed)
{
	struct c_conn cc, *c = &cc;
	struct rdmad_send_wr wr;
	struct rdmad_mr *mr;
	struct t_msg m;
	struct c_term t;
	char cn[24];
	bool rd, ok = true;
	int r;

	snprintf(cn, sizeof(cn), "neg %s", name);
	if (!c_open(c, cn, 65536, seed))
		return;
	memset(&wr, 0, sizeof(wr));
	rd = strstr(name, "read") != NULL;
	wr.opcode = rd ? RDMAD_WR_RDMA_READ : RDMAD_WR_RDMA_WRITE;
	wr.num_sge = 1;
	wr.sg_list[0].addr = (uintptr_t)(c->buf + C_DATA_OFF);
	wr.sg_list[0].length = 16;
	wr.sg_list[0].lkey = c->lkey;
	wr.rkey = c->rkey;
	wr.remote_addr = c->raddr;
	/* Tagged (Write) errors are DDP 1/1/x; Read Requests are checked
	 * by RDMAP: 0/1/x (RFC 5040 §4.8, RFC 5041 §7.2). */
	t.status = RDMAD_WC_REM_ACCESS_ERR;
	t.layer = rd ? 0 : 1;
	t.etype = 1;
	if (strcmp(name, "oob-write") == 0 || strcmp(name, "oob-read") == 0) {
		wr.remote_addr = c->raddr + c->rlen - 8;
		t.ecode = 1;		/* base or bounds violation */
	} else if (strcmp(name, "write-norights") == 0 ||
	    strcmp(name, "read-norights") == 0) {
		ok = c_call(c, C_MR, 0, 4096, RDMAD_ACCESS_LOCAL_WRITE |
		    (rd ? RDMAD_ACCESS_REMOTE_WRITE : RDMAD_ACCESS_REMOTE_READ),
		    0, &m);
		wr.rkey = (uint32_t)m.a;
		/* RDMAP: access rights violation; DDP has no rights code:
		 * invalid STag (RFC 5041 §7.1 check 2). */
		t.ecode = rd ? 2 : 0;
	} else if (strcmp(name, "inval-write") == 0 ||
	    strcmp(name, "inval-read") == 0) {
		ok = c_call(c, C_MR, 0, 4096, RDMAD_ACCESS_LOCAL_WRITE |
		    RDMAD_ACCESS_REMOTE_WRITE | RDMAD_ACCESS_REMOTE_READ, 0,
		    &m);
		wr.rkey = (uint32_t)m.a;
		ok = ok && c_call(c, C_LINV, wr.rkey, 0, 0, 0, &m);
		t.ecode = 0;		/* invalid STag */
	} else if (strcmp(name, "wrongpd-write") == 0 ||
	    strcmp(name, "wrongpd-read") == 0) {
		ok = c_call(c, C_MR, 0, 4096, RDMAD_ACCESS_LOCAL_WRITE |
		    RDMAD_ACCESS_REMOTE_WRITE | RDMAD_ACCESS_REMOTE_READ, 1,
		    &m);
		wr.rkey = (uint32_t)m.a;
		t.ecode = rd ? 3 : 2;	/* not associated with the stream */
	} else if (strcmp(name, "misaligned-fadd") == 0 ||
	    strcmp(name, "misaligned-cswap") == 0) {
		rd = true;
		wr.opcode = name[11] == 'f' ? RDMAD_WR_ATOMIC_FETCH_ADD :
		    RDMAD_WR_ATOMIC_CMP_SWAP;
		wr.remote_addr = c->raddr + 4;
		wr.sg_list[0].addr = (uintptr_t)c->res;
		wr.sg_list[0].length = 8;
		/* RFC 7306 §8.2: Remote Operation Error, catastrophic,
		 * localized to the RDMAP stream. */
		t.status = RDMAD_WC_REM_OP_ERR;
		t.layer = 0;
		t.etype = 2;
		t.ecode = 7;
	} else if (strcmp(name, "local-inv-use") == 0) {
		r = rdmad_reg_mr(c->pd, c->buf, 4096,
		    RDMAD_ACCESS_LOCAL_WRITE, &mr);
		if (!check(r == 0, "%s: register: %s", cn, rdmad_strerror(r)))
			goto out;
		memset(&wr, 0, sizeof(wr));
		wr.opcode = RDMAD_WR_LOCAL_INV;
		wr.rkey = rdmad_mr_stag(mr);
		if (c_do(c, &wr, RDMAD_WC_LOCAL_INV, "Local Invalidate", 0)) {
			memset(&wr, 0, sizeof(wr));
			wr.opcode = RDMAD_WR_SEND;
			wr.num_sge = 1;
			wr.sg_list[0].addr = (uintptr_t)c->buf;
			wr.sg_list[0].length = 16;
			wr.sg_list[0].lkey = rdmad_mr_stag(mr);
			/* A local error: the QP sends an RDMAP Local
			 * Catastrophic Terminate (engine.h). */
			t.status = RDMAD_WC_LOC_PROT_ERR;
			t.layer = 0;
			t.etype = 0;
			t.ecode = 0;
			c_expect_error(c, "Send from an invalidated lkey",
			    &wr, false, &t);
		}
		(void)rdmad_dereg_mr(mr);
		c_close(c);
		return;
	} else {
		check(false, "unknown negative case %s", name);
		goto out;
	}
	if (ok)
		c_expect_error(c, name, &wr, !rd, &t);
out:
	c_close(c);
}

static const char *const neg_all[] = {
	"oob-write", "oob-read", "write-norights", "read-norights",
	"inval-write", "inval-read", "wrongpd-write", "wrongpd-read",
	"misaligned-fadd", "misaligned-cswap", "local-inv-use", NULL
};

/* ---- memory windows: bind, use, invalidate, then access fails ------- */

/* Write then Read len octets through window stag at window offset woff. */
static void
c_mw_use(struct c_conn *c, uint32_t stag, uint64_t base, size_t len,
    const char *what)
{
	struct rdmad_send_wr wr;
	struct t_msg m;
	uint8_t *p = c->buf + C_DATA_OFF;
	uint64_t seed = rnd(&c->rng);

	pat_fill(p, 0, len, seed);
	memset(&wr, 0, sizeof(wr));
	wr.opcode = RDMAD_WR_RDMA_WRITE;
	wr.remote_addr = c->raddr + base;
	wr.rkey = stag;
	c_sges(c, &wr, p, len);
	if (!c_do(c, &wr, RDMAD_WC_RDMA_WRITE, what, len) ||
	    !c_call(c, C_CKSUM, base, len, 0, 0, &m))
		return;
	check(m.a == fnv(FNV_INIT, p, len), "%s: %s: Write through the "
	    "window placed %zu B", c->name, what, len);
	memset(p, 0, len);
	memset(&wr, 0, sizeof(wr));
	wr.opcode = RDMAD_WR_RDMA_READ;
	wr.remote_addr = c->raddr + base;
	wr.rkey = stag;
	wr.num_sge = 1;
	wr.sg_list[0].addr = (uintptr_t)p;
	wr.sg_list[0].length = (uint32_t)len;
	wr.sg_list[0].lkey = c->lkey;
	if (!c_do(c, &wr, RDMAD_WC_RDMA_READ, what, len))
		return;
	check(fnv(FNV_INIT, p, len) == m.a, "%s: %s: Read through the "
	    "window returns the same %zu B", c->name, what, len);
}

/*
 * Window test `how`: "mw1" (type 1, deallocated), "mw1-bounds" (access
 * outside the window), "mw2-local" (type 2, Local Invalidate by the
 * server), "mw2-remote" (type 2, Send with Invalidate by us).  Each ends
 * with an access that must fail with the exact Terminate.
 */
static void
c_mw(const char *how, uint64_t seed)
{
	struct c_conn cc, *c = &cc;
	struct rdmad_send_wr wr;
	struct t_msg m;
	struct c_term t = { RDMAD_WC_REM_ACCESS_ERR, 1, 1, 0 };
	uint64_t base = 8192, wlen = 16384;
	uint32_t stag;
	int type = how[2] == '1' ? RDMAD_MW_TYPE_1 : RDMAD_MW_TYPE_2;
	char cn[24];

	snprintf(cn, sizeof(cn), "%s", how);
	if (!c_open(c, cn, 65536, seed))
		return;
	if (!c_call(c, C_MW, base, wlen, RDMAD_ACCESS_REMOTE_WRITE |
	    RDMAD_ACCESS_REMOTE_READ, (uint64_t)type, &m))
		goto out;
	stag = (uint32_t)m.a;
	check(stag != c->rkey, "%s: window bound, STag %#x", cn, stag);
	c_mw_use(c, stag, base, 1 + rnd(&c->rng) % wlen, "in bounds");
	c_mw_use(c, stag, base + wlen - 100, 100, "at the end");
	if (c->broken)
		goto out;
	memset(&wr, 0, sizeof(wr));
	wr.opcode = RDMAD_WR_RDMA_WRITE;
	wr.num_sge = 1;
	wr.sg_list[0].addr = (uintptr_t)(c->buf + C_DATA_OFF);
	wr.sg_list[0].length = 16;
	wr.sg_list[0].lkey = c->lkey;
	wr.rkey = stag;
	wr.remote_addr = c->raddr + base;
	if (strcmp(how, "mw1-bounds") == 0) {
		/* Inside the region, outside the window. */
		wr.remote_addr = c->raddr + base + wlen - 8;
		t.ecode = 1;
		c_expect_error(c, "Write across the window's end", &wr, true,
		    &t);
		goto out;
	}
	if (strcmp(how, "mw1") == 0) {
		if (!c_call(c, C_DEREG, stag, 0, 0, 0, &m))
			goto out;
		check(true, "%s: window deallocated by the server", cn);
	} else if (strcmp(how, "mw2-local") == 0) {
		if (!c_call(c, C_LINV, stag, 0, 0, 0, &m))
			goto out;
		check(true, "%s: window invalidated locally by the server",
		    cn);
	} else {
		if (!c_call(c, C_EXPECT, 0, 0, 0, 0, &m))
			goto out;
		memset(&wr, 0, sizeof(wr));
		wr.opcode = RDMAD_WR_SEND_WITH_INV;
		wr.rkey = stag;
		if (!c_do(c, &wr, RDMAD_WC_SEND, "Send with Invalidate", 0) ||
		    !c_wait_reply(c, &m, "Send with Invalidate") ||
		    !c_report(c, "Send with Invalidate", &m, RDMAD_WC_RECV, 0,
		    RDMAD_WC_F_WITH_INV, stag, 0, FNV_INIT))
			goto out;
		memset(&wr, 0, sizeof(wr));
		wr.opcode = RDMAD_WR_RDMA_WRITE;
		wr.num_sge = 1;
		wr.sg_list[0].addr = (uintptr_t)(c->buf + C_DATA_OFF);
		wr.sg_list[0].length = 16;
		wr.sg_list[0].lkey = c->lkey;
		wr.rkey = stag;
		wr.remote_addr = c->raddr + base;
	}
	c_expect_error(c, "Write through the invalidated window", &wr, true,
	    &t);
out:
	c_close(c);
}

/* ---- measurements and the flood ------------------------------------- */

/* 64-octet Send/Send round trips: median and mean in microseconds. */
static void
c_rtt(struct c_conn *c, unsigned int n)
{
	struct t_msg m;
	double *v, t0, sum = 0;
	unsigned int i, j;

	if ((v = calloc(n, sizeof(*v))) == NULL)
		return;
	for (i = 0; i < n && !c->broken; i++) {
		t0 = t_now();
		if (!c_call(c, C_NOP, 0, 0, 0, 0, &m))
			break;
		v[i] = (t_now() - t0) * 1e6;
		sum += v[i];
		/* Insertion sort keeps v[0..i] ordered. */
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			t0 = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t0;
		}
	}
	if (check(i == n, "%s: %u 64 B Send/Send round trips", c->name, n))
		info("%s: 64 B round trip: median %.1f us, mean %.1f us, min "
		    "%.1f us", c->name, v[n / 2], sum / n, v[0]);
	free(v);
}

/*
 * Pipelined Writes or Reads of len octets, k times, at most `depth`
 * outstanding; bandwidth printed, the last transfer verified.
 */
static void
c_bw(struct c_conn *c, bool rd, size_t len, unsigned int k)
{
	struct rdmad_send_wr wr;
	struct rdmad_wc wc;
	struct t_msg m;
	uint8_t *p = c->buf + C_DATA_OFF;
	unsigned int posted = 0, done = 0, depth = rd ? c->ord : 16, bad = 0;
	double t0, dt;
	const char *what = rd ? "Read bandwidth" : "Write bandwidth";
	int r;

	if (rd && !c_call(c, C_FILL, 0, len, rnd(&c->rng), 0, &m))
		return;
	if (!rd)
		pat_fill(p, 0, len, rnd(&c->rng));
	t0 = t_now();
	while (done < k && !c->broken) {
		while (posted < k && posted - done < depth) {
			memset(&wr, 0, sizeof(wr));
			wr.wr_id = posted;
			wr.opcode = rd ? RDMAD_WR_RDMA_READ :
			    RDMAD_WR_RDMA_WRITE;
			wr.flags = RDMAD_SEND_SIGNALED;
			wr.remote_addr = c->raddr;
			wr.rkey = c->rkey;
			wr.num_sge = 1;
			wr.sg_list[0].addr = (uintptr_t)p;
			wr.sg_list[0].length = (uint32_t)len;
			wr.sg_list[0].lkey = c->lkey;
			if ((r = rdmad_post_send(c->qp, &wr)) != 0) {
				check(false, "%s: %s: post: %s", c->name, what,
				    rdmad_strerror(r));
				c->broken = true;
				return;
			}
			posted++;
		}
		if (!c_wait(c, c->scq, &wc, what, c_tmo(len) * 4))
			return;
		if (wc.status != RDMAD_WC_SUCCESS)
			bad++;
		done++;
	}
	/* A Write completes when handed to TCP: an 8-octet Read behind
	 * the Writes returns only after they were placed. */
	if (!rd) {
		memset(&wr, 0, sizeof(wr));
		wr.opcode = RDMAD_WR_RDMA_READ;
		wr.remote_addr = c->raddr;
		wr.rkey = c->rkey;
		wr.num_sge = 1;
		wr.sg_list[0].addr = (uintptr_t)c->res;
		wr.sg_list[0].length = 8;
		wr.sg_list[0].lkey = c->lkey;
		if (!c_do(c, &wr, RDMAD_WC_RDMA_READ, what, 8))
			return;
	}
	dt = t_now() - t0;
	if (!check(bad == 0, "%s: %s: %u x %zu B all succeed", c->name, what,
	    k, len))
		return;
	info("%s: %s: %.1f MiB/s (%u x %zu B in %.3f s)", c->name, what,
	    (double)len * k / dt / 1048576.0, k, len, dt);
	if (!c_call(c, C_CKSUM, 0, len, 0, 0, &m))
		return;
	check(m.a == fnv(FNV_INIT, p, len), "%s: %s: data verified", c->name,
	    what);
}

/*
 * Write max-size messages until an error completion arrives (the peer
 * or a daemon was killed) or the time limit passes.  Passes when an
 * error completion arrived.
 */
static void
c_flood(struct c_conn *c, double deadline)
{
	struct rdmad_send_wr wr;
	struct rdmad_wc wc;
	struct rdmad_qp_info qi;
	unsigned int out = 0, idle = 0;
	uint64_t n = 0;
	int r;

	info("%s: flooding with %zu B Writes", c->name, c->max);
	while (t_now() < deadline) {
		while (out < 8) {
			memset(&wr, 0, sizeof(wr));
			wr.opcode = RDMAD_WR_RDMA_WRITE;
			wr.flags = RDMAD_SEND_SIGNALED;
			wr.remote_addr = c->raddr;
			wr.rkey = c->rkey;
			wr.num_sge = 1;
			wr.sg_list[0].addr = (uintptr_t)c->buf;
			wr.sg_list[0].length = (uint32_t)c->max;
			wr.sg_list[0].lkey = c->lkey;
			if ((r = rdmad_post_send(c->qp, &wr)) != 0) {
				check(r == -ENOTCONN, "%s: flood: post_send "
				    "refused after %" PRIu64 " Writes: %s",
				    c->name, n, rdmad_strerror(r));
				c->broken = true;
				return;
			}
			out++;
		}
		r = cq_wait(c->scq, &wc, 200);
		if (r == -ENOTCONN) {
			check(true, "%s: flood: our daemon is gone: poll_cq "
			    "says %s after %" PRIu64 " Writes at %.2f s",
			    c->name, rdmad_strerror(r), n, t_now());
			c->broken = true;
			return;
		}
		if (r < 0) {
			check(false, "%s: flood: poll: %s", c->name,
			    rdmad_strerror(r));
			return;
		}
		if (r == 0) {
			/* Nothing for 1 s: is our own daemon still there?
			 * (The data path alone cannot tell.) */
			if (++idle % 5 == 0 &&
			    (r = rdmad_qp_query(c->qp, &qi)) == -ENOTCONN) {
				check(true, "%s: flood: our daemon is gone: "
				    "rdmad_qp_query says %s after %" PRIu64
				    " Writes at %.2f s, no completion came",
				    c->name, rdmad_strerror(r), n, t_now());
				c->broken = true;
				return;
			}
			continue;
		}
		idle = 0;
		out--;
		n++;
		if (wc.status != RDMAD_WC_SUCCESS) {
			check(true, "%s: flood: error completion %s (term "
			    "%d/%d/0x%02x) after %" PRIu64 " Writes at %.2f s",
			    c->name, st_name(wc.status), wc.term_layer,
			    wc.term_etype, wc.term_ecode, n, t_now());
			c->broken = true;
			return;
		}
	}
	check(false, "%s: flood: no error completion before the time limit "
	    "(%" PRIu64 " Writes)", c->name, n);
}

/* ---- client threads and main ---------------------------------------- */

struct c_thread {
	pthread_t	tid;
	unsigned int	idx;
};

/* One QP's positive run (a thread with its own context). */
static void *
c_thread_main(void *arg)
{
	struct c_thread *t = arg;
	struct c_conn c;
	char name[24];

	snprintf(name, sizeof(name), "qp%u", t->idx);
	if (!c_open(&c, name, opt_max, opt_seed * 1000003u + t->idx))
		return NULL;
	if (c_want("flood")) {
		c_flood(&c, opt_time);
		c_close(&c);
		return NULL;
	}
	c_run_ops(&c, opt_time * 0.8);
	if (c_want("rtt") && !c.broken)
		c_rtt(&c, 1000);
	if (c_want("bw") && !c.broken) {
		c_bw(&c, false, c.max, c.max >= (16u << 20) ? 16 : 64);
		c_bw(&c, true, c.max, c.max >= (16u << 20) ? 16 : 64);
	}
	c_bye(&c);
	c_close(&c);
	return NULL;
}

/* Client: the QP threads, then window tests and negative cases. */
static int
c_main(void)
{
	struct c_thread *th;
	const char *p;
	char name[32];
	unsigned int i;
	size_t n;

	if ((th = calloc(opt_qps, sizeof(*th))) == NULL)
		return 2;
	if (opt_neg == NULL || c_want("flood")) {
		for (i = 0; i < opt_qps; i++) {
			th[i].idx = i;
			if (pthread_create(&th[i].tid, NULL, c_thread_main,
			    &th[i]) != 0) {
				check(false, "pthread_create");
				opt_qps = i;
				break;
			}
		}
		for (i = 0; i < opt_qps; i++)
			pthread_join(th[i].tid, NULL);
		if (c_want("mw1")) {
			c_mw("mw1", opt_seed + 101);
			c_mw("mw1-bounds", opt_seed + 102);
		}
		if (c_want("mw2")) {
			c_mw("mw2-local", opt_seed + 103);
			c_mw("mw2-remote", opt_seed + 104);
		}
	}
	if (opt_neg != NULL) {
		for (p = opt_neg; *p != '\0';) {
			n = strcspn(p, ",");
			snprintf(name, sizeof(name), "%.*s", (int)n, p);
			if (strcmp(name, "all") == 0) {
				for (i = 0; neg_all[i] != NULL; i++)
					c_negative(neg_all[i], opt_seed + i);
			} else
				c_negative(name, opt_seed);
			p += n;
			if (*p == ',')
				p++;
		}
	}
	free(th);
	return 0;
}

/* Usage message. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: rdmatest -s|-c [-S socket] [-p port] [-H host] [-n iter]\n"
	    "         [--sizes LIST] [--max-size N] [--seed N] [--op LIST]\n"
	    "         [--qps N] [--negative CASE|all] [--time S] [-q] "
	    "[--spin]\n"
	    "         [--linger MS] (server: delay destroying a failed QP)\n"
	    "ops: all send send_se send_inv write write_imm imm imm_se read\n"
	    "     atomic linv mw1 mw2 rtt bw flood\n");
	exit(2);
}

/* Parse a size with an optional k/m/g suffix. */
static size_t
parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'k': case 'K': v <<= 10; break;
	case 'm': case 'M': v <<= 20; break;
	case 'g': case 'G': v <<= 30; break;
	default: break;
	}
	return (size_t)v;
}

int
main(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "sizes", required_argument, NULL, 'Z' },
		{ "max-size", required_argument, NULL, 'M' },
		{ "seed", required_argument, NULL, 'r' },
		{ "op", required_argument, NULL, 'o' },
		{ "qps", required_argument, NULL, 'Q' },
		{ "negative", required_argument, NULL, 'N' },
		{ "time", required_argument, NULL, 't' },
		{ "spin", no_argument, NULL, 'P' },
		{ "linger", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, mode = 0, rv;

	clock_gettime(CLOCK_MONOTONIC, &t_start);
	opt_seed = (uint64_t)time(NULL);
	while ((ch = getopt_long(argc, argv, "csS:p:H:n:qt:", lo, NULL)) != -1) {
		switch (ch) {
		case 'c': mode = 'c'; break;
		case 's': mode = 's'; break;
		case 'S': opt_sock = optarg; break;
		case 'p': opt_port = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'H': opt_host = optarg; break;
		case 'n': opt_iter = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'q': opt_quiet = 1; break;
		case 't': opt_time = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'Z': opt_sizes = optarg; break;
		case 'M': opt_max = parse_size(optarg); break;
		case 'r': opt_seed = strtoull(optarg, NULL, 0); break;
		case 'o': opt_ops = optarg; break;
		case 'Q': opt_qps = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'N': opt_neg = optarg; break;
		case 'P': opt_spin = 1; break;
		case 'L': opt_linger = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		default: usage();
		}
	}
	if (mode == 0 || optind != argc || opt_qps < 1 || opt_qps > 64 ||
	    opt_max < 64 || opt_max > (1u << 30) || opt_port < 1 ||
	    opt_port > 65535)
		usage();
	signal(SIGPIPE, SIG_IGN);
	if (mode == 's')
		return s_main();
	info("client: seed %" PRIu64 ", %u QPs, sizes 0..%zu, ops %s%s%s",
	    opt_seed, opt_qps, opt_max, opt_ops, opt_neg ? ", negative " : "",
	    opt_neg ? opt_neg : "");
	rv = c_main();
	printf("%u passed, %u failed\n", t_pass, t_fail);
	return rv != 0 ? rv : t_fail == 0 && t_pass > 0 ? 0 : 1;
}
