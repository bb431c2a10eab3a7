/* rdbench_core.c — rdmad benchmark: bandwidth, latency, set-up rate, scale. */

/*
 * One server (-s) serves any number of benchmark connections from one
 * event loop; each client connection names its test in the connection
 * private data:
 *
 *   write, read  the server exposes a target buffer (filled with a
 *                pattern for read) with remote rights; the client keeps
 *                `depth` Writes or Reads of one size in flight;
 *   send         the server keeps R receives posted, reposts each one as
 *                it completes and returns credits (Immediate Data) every
 *                R/4 receives, so the client never overruns it;
 *   lat          the server echoes each Send with a Send of the same
 *                length (ping-pong);
 *   setup, idle  light connections: one small receive, a shared CQ; the
 *                server destroys the QP once the peer is gone.
 *
 * Control messages are Immediate Data (RFC 7306) with a tag in the top
 * octet: SYNC (the server answers at once: every earlier message was
 * placed, which ends a timed run), FIN (the server answers with a
 * checksum of the target or of the last message received: the integrity
 * check), CREDIT (receives reposted so far) and SUM (the answer).
 *
 * Results: one row per figure, size and run; CSV lines
 * "source,test,size,depth,run,value,unit" with --csv, else a table of
 * median, minimum and maximum over the runs.
 */

#define _GNU_SOURCE

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
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

#include "rdbench.h"

/* ---- protocol between client and server ------------------------------ */

#define RB_MAGIC	0x52444231u	/* "RDB1" */

enum rb_test {
	RB_WRITE = 1,
	RB_READ,
	RB_SEND,
	RB_LAT,
	RB_SETUP,
	RB_IDLE,
	RB_HOLD		/* client only: idle QPs + regions, then wait */
};

static const char *const rb_test_names[] = {
	"?", "write", "read", "send", "lat", "setup", "idle", "hold"
};

/* Connection private data, client -> server. */
struct rb_priv_req {
	uint32_t	magic;
	uint32_t	test;
	uint64_t	max_size;	/* largest message of the test */
	uint32_t	depth;		/* messages in flight */
	uint32_t	seed;		/* pattern of the read target */
};

/* Accept private data, server -> client. */
struct rb_priv_rep {
	uint32_t	magic;
	uint32_t	stag;		/* the target buffer (write, read) */
	uint64_t	addr;
	uint64_t	len;
	uint32_t	credits;	/* receives posted (send, lat) */
	uint32_t	pad;
};

/* Immediate Data: tag in the top octet, value below. */
#define IMM_SYNC	1ull	/* value: 0; answered with SUM 0 */
#define IMM_FIN		2ull	/* value: size to check; SUM checksum */
#define IMM_CREDIT	3ull	/* value: receives reposted so far */
#define IMM_SUM		4ull	/* value: checksum (56 bits) */
#define IMM(tag, v)	(((tag) << 56) | ((uint64_t)(v) & IMM_MASK))
#define IMM_MASK	((1ull << 56) - 1)
#define IMM_TAG(x)	((x) >> 56)

#define RB_MAX_SIZES	32
#define RB_MAX_RUNS	64
#define RB_MAX_ROWS	64
#define RB_CREC		32	/* client receives kept posted */
#define RB_SLOT_MIN	64

/* ---- options and results --------------------------------------------- */

struct rb_opts {
	bool		 server;
	const char	*host;
	const char	*sock;
	unsigned int	 port;
	unsigned int	 tests;		/* bit per enum rb_test */
	size_t		 sizes[RB_MAX_SIZES];
	unsigned int	 nsizes;
	unsigned int	 depth;
	double		 secs;		/* per figure and run */
	unsigned int	 runs;
	bool		 csv;
	long		 spin;		/* CQ polls before sleeping */
	unsigned int	 lat_iters;
	size_t		 lat_size;
	unsigned int	 qps, mrs;	/* hold */
	bool		 verify;
	enum rdmad_transport transport;	/* of the client's QPs */
	bool		 quiet;
	const char	*prog;
};

struct rb_row {
	char		 test[16];
	size_t		 size;
	unsigned int	 depth;
	const char	*unit;
	double		 v[RB_MAX_RUNS];
	unsigned int	 n;
};

struct rb_state {
	const struct rb_opts *o;
	struct rb_row	 rows[RB_MAX_ROWS];
	unsigned int	 nrows;
	bool		 header_done;
	unsigned int	 failures;
};

static volatile sig_atomic_t rb_stop;

static void
rb_on_signal(int sig)
{
	(void)sig;
	rb_stop = 1;
}

static double
rb_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void
rb_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* A diagnostic on stderr. */
static void __attribute__((format(printf, 2, 3)))
rb_err(const struct rb_opts *o, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", o->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A progress note on stdout ("# ..."), unless quiet. */
static void __attribute__((format(printf, 2, 3)))
rb_note(const struct rb_opts *o, const char *fmt, ...)
{
	va_list ap;

	if (o->quiet)
		return;
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

/* Record one measurement; with --csv print it at once. */
static void
rb_record(struct rb_state *st, const char *test, size_t size,
    unsigned int depth, unsigned int run, double v, const char *unit)
{
	struct rb_row *r = NULL;
	unsigned int i;

	if (st->o->csv) {
		if (!st->header_done) {
			printf("source,test,size,depth,run,value,unit\n");
			st->header_done = true;
		}
		printf("rdmad,%s,%zu,%u,%u,%.3f,%s\n", test, size, depth, run,
		    v, unit);
		fflush(stdout);
	}
	for (i = 0; i < st->nrows; i++)
		if (strcmp(st->rows[i].test, test) == 0 &&
		    st->rows[i].size == size)
			r = &st->rows[i];
	if (r == NULL) {
		if (st->nrows == RB_MAX_ROWS)
			return;
		r = &st->rows[st->nrows++];
		memset(r, 0, sizeof(*r));
		snprintf(r->test, sizeof(r->test), "%s", test);
		r->size = size;
		r->depth = depth;
		r->unit = unit;
	}
	if (r->n < RB_MAX_RUNS)
		r->v[r->n++] = v;
}

static int
rb_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of sorted values. */
static double
rb_median(const double *v, unsigned int n)
{
	if (n == 0)
		return 0;
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
rb_fmt_size(char *b, size_t bl, size_t s)
{
	if (s >= (1u << 20) && s % (1u << 20) == 0)
		snprintf(b, bl, "%zuM", s >> 20);
	else if (s >= 1024 && s % 1024 == 0)
		snprintf(b, bl, "%zuk", s >> 10);
	else
		snprintf(b, bl, "%zu", s);
}

/* The human table: median, min, max over the runs of each row. */
static void
rb_table(struct rb_state *st)
{
	unsigned int i;
	char sz[32];

	if (st->o->csv || st->nrows == 0)
		return;
	printf("%-12s %8s %6s %12s %12s %12s  %s\n", "test", "size", "depth",
	    "median", "min", "max", "unit");
	for (i = 0; i < st->nrows; i++) {
		struct rb_row *r = &st->rows[i];

		qsort(r->v, r->n, sizeof(r->v[0]), rb_cmp_double);
		rb_fmt_size(sz, sizeof(sz), r->size);
		printf("%-12s %8s %6u %12.2f %12.2f %12.2f  %s (%u runs)\n",
		    r->test, sz, r->depth, rb_median(r->v, r->n), r->v[0],
		    r->v[r->n - 1], r->unit, r->n);
	}
}

/* ---- pattern and checksum -------------------------------------------- */

static uint64_t
rb_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static void
rb_fill(uint8_t *p, size_t len, uint64_t seed)
{
	size_t i;
	uint64_t w;

	for (i = 0; i < len; i += 8) {
		w = rb_mix(seed + i);
		memcpy(p + i, &w, len - i < 8 ? len - i : 8);
	}
}

/* A 56-bit checksum over len octets (word-wise FNV-1a variant). */
static uint64_t
rb_sum(const uint8_t *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull, w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	for (; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return (h ^ len) & IMM_MASK;
}

/* ---- waiting for completions ----------------------------------------- */

/*
 * Take up to max completions of cq into wc: poll `spin` times, then arm
 * the CQ and sleep on its descriptor, for at most ms milliseconds.
 * Returns the count, 0 on timeout, or a negative error.
 */
static int
rb_wait(struct rdmad_cq *cq, int max, struct rdmad_wc *wc, long spin, int ms)
{
	struct pollfd pfd;
	double end = 0;
	int n;

	for (;;) {
		n = rdmad_poll_cq(cq, max, wc);
		if (n != 0)
			return n;
		if (spin > 0) {
			spin--;
			rb_relax();
			continue;
		}
		if (end == 0)
			end = rb_now() + ms / 1000.0;
		else if (rb_now() >= end || rb_stop)
			return 0;
		n = rdmad_req_notify_cq(cq, 0);
		if (n < 0)
			return n;
		if (n == 1)
			continue;
		pfd.fd = rdmad_cq_fd(cq);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 20) > 0)
			(void)rdmad_cq_ack_event(cq);
	}
}

/* ---- the server ------------------------------------------------------- */

/* A CQ shared by light (setup, idle) connections. */
struct s_lcq {
	struct s_lcq		*next;
	struct rdmad_cq		*cq;
	unsigned int		 users;
};

#define S_LCQ_USERS	256
#define S_HASH		4096

struct s_conn {
	struct s_conn		*next;		/* all connections */
	struct s_conn		*hnext;		/* hash chain by QP number */
	uint32_t		 qpn;
	enum rb_test		 test;
	struct rdmad_qp		*qp;
	struct rdmad_cq		*cq;		/* heavy: its own */
	struct s_lcq		*lcq;		/* light: the shared one */
	struct rdmad_mem	*mem;
	struct rdmad_mr		*mr;
	uint32_t		 lkey;
	uint8_t			*tgt, *slots, *sbuf;
	size_t			 tgt_len, slot_len;
	unsigned int		 nslots, sq_out, sq_depth;
	uint64_t		 reposted;
	unsigned int		 credit_every;
	uint8_t			*last;
	uint32_t		 last_len;
	bool			 dead;
};

struct s_server {
	const struct rb_opts	*o;
	rdmad_ctx_t		*ctx;
	struct rdmad_pd		*pd;
	struct rdmad_mem	*lmem;		/* light receive buffer */
	struct rdmad_mr		*lmr;
	struct s_lcq		*lcqs;
	struct s_conn		*conns;		/* light connections */
	struct s_conn		*heavy;		/* with their own CQ */
	struct s_conn		*hash[S_HASH];
	unsigned long		 nconns, served, ndead;
};

static struct s_conn *
s_lookup(struct s_server *s, uint32_t qpn)
{
	struct s_conn *c;

	for (c = s->hash[qpn % S_HASH]; c != NULL; c = c->hnext)
		if (c->qpn == qpn)
			return c;
	return NULL;
}

static void
s_unhash(struct s_server *s, struct s_conn *c)
{
	struct s_conn **cp;

	for (cp = &s->hash[c->qpn % S_HASH]; *cp != NULL; cp = &(*cp)->hnext)
		if (*cp == c) {
			*cp = c->hnext;
			return;
		}
}

/* Release a connection's objects (NULL-safe members). */
static void
s_conn_free(struct s_server *s, struct s_conn *c)
{
	if (c->qp != NULL)
		(void)rdmad_destroy_qp(c->qp);
	if (c->mr != NULL)
		(void)rdmad_dereg_mr(c->mr);
	if (c->cq != NULL)
		(void)rdmad_destroy_cq(c->cq);
	if (c->mem != NULL)
		(void)rdmad_mem_free(c->mem);
	if (c->lcq != NULL)
		c->lcq->users--;
	(void)s;
	free(c);
}

/* Post a Receive into slot i of a slot array (server and client alike). */
static int
rb_post_recv_slot(struct rdmad_qp *qp, uint8_t *slots, size_t slot_len,
    uint32_t lkey, unsigned int i)
{
	struct rdmad_recv_wr rw;

	memset(&rw, 0, sizeof(rw));
	rw.wr_id = i;
	rw.num_sge = 1;
	rw.sg_list[0].addr = (uintptr_t)(slots + (size_t)i * slot_len);
	rw.sg_list[0].length = (uint32_t)slot_len;
	rw.sg_list[0].lkey = lkey;
	return rdmad_post_recv(qp, &rw);
}

static int
s_post_recv(struct s_conn *c, unsigned int slot)
{
	return rb_post_recv_slot(c->qp, c->slots, c->slot_len, c->lkey, slot);
}

/* Post a signaled Send (len octets of sbuf) or Immediate Data (imm). */
static void
s_post(struct s_conn *c, bool imm, uint64_t v, size_t len)
{
	struct rdmad_send_wr wr;
	int r;

	if (c->sq_out >= c->sq_depth) {
		c->dead = true;		/* cannot happen with credits */
		return;
	}
	memset(&wr, 0, sizeof(wr));
	wr.flags = RDMAD_SEND_SIGNALED;
	if (imm) {
		wr.opcode = RDMAD_WR_IMM_DATA;
		wr.imm_data = v;
	} else {
		wr.opcode = RDMAD_WR_SEND;
		wr.num_sge = 1;
		wr.sg_list[0].addr = (uintptr_t)c->sbuf;
		wr.sg_list[0].length = (uint32_t)len;
		wr.sg_list[0].lkey = c->lkey;
	}
	if ((r = rdmad_post_send(c->qp, &wr)) != 0) {
		c->dead = true;
		return;
	}
	c->sq_out++;
}

/* Set up a connection for req and accept it. */
static void
s_accept(struct s_server *s, struct rdmad_conn_req *req)
{
	const void *pd;
	struct rb_priv_req q, *pq = &q;
	struct rb_priv_rep rep;
	struct rdmad_qp_attr qa;
	struct s_conn *c;
	struct s_lcq *l;
	size_t plen, maxs, memlen;
	unsigned int i, depth;
	int r = 0;

	/* Copied: the library does not align private data. */
	pd = rdmad_req_private_data(req, &plen);
	if (pd != NULL && plen == sizeof(q))
		memcpy(&q, pd, sizeof(q));
	if (pd == NULL || plen != sizeof(*pq) || pq->magic != RB_MAGIC ||
	    pq->test < RB_WRITE || pq->test > RB_IDLE ||
	    pq->max_size > (1ull << 30) || pq->depth == 0 ||
	    pq->depth > 4096) {
		rb_note(s->o, "server: rejecting %s: bad private data",
		    rdmad_req_peer(req));
		(void)rdmad_reject(req, NULL, 0);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		(void)rdmad_reject(req, NULL, 0);
		return;
	}
	c->test = (enum rb_test)pq->test;
	memset(&qa, 0, sizeof(qa));
	qa.transport = RDMAD_TRANSPORT_AUTO;
	if (c->test == RB_SETUP || c->test == RB_IDLE) {
		for (l = s->lcqs; l != NULL; l = l->next)
			if (l->users < S_LCQ_USERS)
				break;
		if (l == NULL && (l = calloc(1, sizeof(*l))) != NULL) {
			r = rdmad_create_cq(s->ctx, 2 * S_LCQ_USERS, &l->cq);
			if (r != 0) {
				free(l);
				l = NULL;
			} else {
				l->next = s->lcqs;
				s->lcqs = l;
			}
		}
		if (l == NULL) {
			rb_note(s->o, "server: no CQ for a light connection: "
			    "%s", rdmad_strerror(r ? r : -ENOMEM));
			(void)rdmad_reject(req, NULL, 0);
			free(c);
			return;
		}
		l->users++;
		c->lcq = l;
		c->lkey = rdmad_mr_stag(s->lmr);
		c->slots = rdmad_mem_addr(s->lmem);
		c->slot_len = RB_SLOT_MIN;
		c->nslots = 1;
		c->sq_depth = 1;
		qa.send_cq = qa.recv_cq = l->cq;
		qa.sq_depth = qa.rq_depth = 1;
	} else {
		maxs = (size_t)pq->max_size;
		depth = pq->depth;
		c->tgt_len = (maxs + 4095) / 4096 * 4096;
		if (c->tgt_len == 0)
			c->tgt_len = 4096;
		c->slot_len = maxs < RB_SLOT_MIN ? RB_SLOT_MIN :
		    (maxs + 63) / 64 * 64;
		if (c->test == RB_SEND)
			c->nslots = depth < 4 ? 4 : depth;
		else
			c->nslots = 8;
		if (c->test != RB_SEND && c->test != RB_LAT)
			c->slot_len = RB_SLOT_MIN;
		c->credit_every = c->nslots / 4;
		c->sq_depth = 64;
		memlen = c->tgt_len + (size_t)c->nslots * c->slot_len +
		    c->slot_len;
		r = rdmad_mem_alloc(s->ctx, memlen, &c->mem);
		if (r == 0) {
			c->tgt = rdmad_mem_addr(c->mem);
			c->slots = c->tgt + c->tgt_len;
			c->sbuf = c->slots + (size_t)c->nslots * c->slot_len;
			if (c->test == RB_READ)
				rb_fill(c->tgt, c->tgt_len, pq->seed);
			r = rdmad_reg_mr(s->pd, c->tgt, memlen,
			    RDMAD_ACCESS_LOCAL_WRITE |
			    RDMAD_ACCESS_REMOTE_WRITE |
			    RDMAD_ACCESS_REMOTE_READ, &c->mr);
		}
		if (r == 0) {
			c->lkey = rdmad_mr_stag(c->mr);
			r = rdmad_create_cq(s->ctx, c->sq_depth + c->nslots + 8,
			    &c->cq);
		}
		qa.send_cq = qa.recv_cq = c->cq;
		qa.sq_depth = c->sq_depth;
		qa.rq_depth = c->nslots;
		qa.ord = 16;
		qa.ird = 16;
	}
	if (r == 0)
		r = rdmad_create_qp(s->pd, &qa, &c->qp);
	for (i = 0; r == 0 && i < c->nslots; i++)
		r = s_post_recv(c, c->lcq != NULL ? 0 : i);
	if (r != 0) {
		rb_note(s->o, "server: cannot set up a %s connection: %s (%s)",
		    rb_test_names[c->test], rdmad_strerror(r),
		    rdmad_last_error(s->ctx));
		(void)rdmad_reject(req, NULL, 0);
		s_conn_free(s, c);
		return;
	}
	memset(&rep, 0, sizeof(rep));
	rep.magic = RB_MAGIC;
	rep.stag = c->mr != NULL ? rdmad_mr_stag(c->mr) : 0;
	rep.addr = (uintptr_t)c->tgt;
	rep.len = c->tgt_len;
	rep.credits = c->nslots;
	if ((r = rdmad_accept(req, c->qp, &rep, sizeof(rep))) != 0) {
		rb_note(s->o, "server: accept failed: %s (%s)",
		    rdmad_strerror(r), rdmad_last_error(s->ctx));
		s_conn_free(s, c);
		return;
	}
	c->qpn = rdmad_qp_num(c->qp);
	if (c->cq != NULL) {
		c->next = s->heavy;
		s->heavy = c;
	} else {
		c->next = s->conns;
		s->conns = c;
	}
	c->hnext = s->hash[c->qpn % S_HASH];
	s->hash[c->qpn % S_HASH] = c;
	s->nconns++;
	s->served++;
}

/* One completion of a connection. */
static void
s_completion(struct s_conn *c, const struct rdmad_wc *wc)
{
	unsigned int slot = (unsigned int)wc->wr_id;
	uint8_t *p;
	uint64_t v;

	if (wc->status != RDMAD_WC_SUCCESS) {
		c->dead = true;
		return;
	}
	if (wc->opcode != RDMAD_WC_RECV && wc->opcode != RDMAD_WC_RECV_IMM) {
		if (c->sq_out > 0)
			c->sq_out--;
		return;
	}
	if (c->lcq != NULL || slot >= c->nslots) {
		c->dead = c->lcq == NULL;	/* light QPs expect nothing */
		if (c->lcq != NULL)
			(void)s_post_recv(c, 0);
		return;
	}
	p = c->slots + (size_t)slot * c->slot_len;
	if (wc->opcode == RDMAD_WC_RECV) {
		c->last = p;
		c->last_len = wc->byte_len;
		if (c->test == RB_LAT) {
			memcpy(c->sbuf, p, wc->byte_len);
			s_post(c, false, 0, wc->byte_len);
		}
	}
	if (s_post_recv(c, slot) != 0) {
		c->dead = true;
		return;
	}
	c->reposted++;
	if (wc->opcode == RDMAD_WC_RECV_IMM) {
		v = wc->imm_data & IMM_MASK;
		switch (IMM_TAG(wc->imm_data)) {
		case IMM_SYNC:
			s_post(c, true, IMM(IMM_SUM, 0), 0);
			break;
		case IMM_FIN:
			if (c->test == RB_SEND || c->test == RB_LAT)
				v = c->last != NULL && c->last_len == v ?
				    rb_sum(c->last, c->last_len) : 0;
			else
				v = v <= c->tgt_len ? rb_sum(c->tgt, v) : 0;
			s_post(c, true, IMM(IMM_SUM, v), 0);
			break;
		default:
			break;
		}
	}
	if (c->test != RB_LAT && c->credit_every > 0 &&
	    c->reposted % c->credit_every == 0)
		s_post(c, true, IMM(IMM_CREDIT, c->reposted), 0);
}

/* Poll one CQ; returns how many completions it handled. */
static int
s_poll_cq(struct s_server *s, struct rdmad_cq *cq)
{
	struct rdmad_wc wc[32];
	struct s_conn *c;
	int n, i, total = 0;

	while ((n = rdmad_poll_cq(cq, 32, wc)) > 0) {
		for (i = 0; i < n; i++) {
			c = s_lookup(s, wc[i].qp_num);
			if (c == NULL || c->dead)
				continue;
			s_completion(c, &wc[i]);
			if (c->dead)
				s->ndead++;
		}
		total += n;
		if (n < 32)
			break;
	}
	return total;
}

/* Release the dead connections of one list. */
static void
s_sweep(struct s_server *s, struct s_conn **head)
{
	struct s_conn *c, **cp;

	for (cp = head; (c = *cp) != NULL;) {
		if (c->dead) {
			*cp = c->next;
			s_unhash(s, c);
			s_conn_free(s, c);
			s->nconns--;
		} else
			cp = &c->next;
	}
}

static int
s_main(const struct rb_opts *o)
{
	struct s_server s;
	struct rdmad_listener *l = NULL;
	struct rdmad_conn_req *req;
	struct s_conn *c;
	struct s_lcq *lc;
	struct pollfd *pfd = NULL;
	size_t npfd = 0, want;
	long idle = 0;
	unsigned long loops = 0;
	bool busy, check_l = true;
	int r, n;

	memset(&s, 0, sizeof(s));
	s.o = o;
	if ((r = rdmad_open(o->sock, &s.ctx)) != 0) {
		rb_err(o, "rdmad_open: %s (%s)", rdmad_strerror(r),
		    rdmad_last_error(NULL));
		return 2;
	}
	if ((r = rdmad_pd_alloc(s.ctx, &s.pd)) != 0 ||
	    (r = rdmad_mem_alloc(s.ctx, 4096, &s.lmem)) != 0 ||
	    (r = rdmad_reg_mr(s.pd, rdmad_mem_addr(s.lmem), 4096,
	    RDMAD_ACCESS_LOCAL_WRITE, &s.lmr)) != 0 ||
	    (r = rdmad_listen(s.ctx, (uint16_t)o->port, 4096, &l)) != 0) {
		rb_err(o, "server set-up: %s (%s)", rdmad_strerror(r),
		    rdmad_last_error(s.ctx));
		rdmad_close(s.ctx);
		return 2;
	}
	printf("# server: listening on port %u\n", o->port);
	fflush(stdout);
	while (!rb_stop) {
		busy = false;
		/* Taking a request costs a system call: only when poll()
		 * said the listener is readable, or now and then while
		 * spinning. */
		if (check_l || (++loops & 1023) == 0) {
			check_l = false;
			while ((r = rdmad_get_request(l, 1, &req)) == 0) {
				s_accept(&s, req);
				busy = true;
				check_l = true;
			}
			if (r != -EAGAIN) {
				rb_err(o, "get_request: %s",
				    rdmad_strerror(r));
				break;
			}
		}
		/* Only the heavy CQs and the few shared ones: the cost of
		 * a loop must not grow with the idle connections. */
		for (c = s.heavy; c != NULL; c = c->next)
			if (s_poll_cq(&s, c->cq) > 0)
				busy = true;
		for (lc = s.lcqs; lc != NULL; lc = lc->next)
			if (s_poll_cq(&s, lc->cq) > 0)
				busy = true;
		if (s.ndead > 0) {
			s_sweep(&s, &s.heavy);
			s_sweep(&s, &s.conns);
			s.ndead = 0;
		}
		if (busy) {
			idle = 0;
			continue;
		}
		if (++idle < o->spin) {
			rb_relax();
			continue;
		}
		/* Sleep on the listener and every CQ. */
		want = 1;
		for (c = s.heavy; c != NULL; c = c->next)
			want++;
		for (lc = s.lcqs; lc != NULL; lc = lc->next)
			want++;
		if (want > npfd) {
			struct pollfd *np = realloc(pfd, want * sizeof(*pfd));

			if (np == NULL)
				break;
			pfd = np;
			npfd = want;
		}
		n = 0;
		pfd[n].fd = rdmad_listener_fd(l);
		pfd[n++].events = POLLIN;
		for (c = s.heavy; c != NULL; c = c->next) {
			if (rdmad_req_notify_cq(c->cq, 0) == 1)
				busy = true;
			pfd[n].fd = rdmad_cq_fd(c->cq);
			pfd[n++].events = POLLIN;
		}
		for (lc = s.lcqs; lc != NULL; lc = lc->next) {
			if (rdmad_req_notify_cq(lc->cq, 0) == 1)
				busy = true;
			pfd[n].fd = rdmad_cq_fd(lc->cq);
			pfd[n++].events = POLLIN;
		}
		if (busy)
			continue;
		if (poll(pfd, (nfds_t)n, 100) > 0) {
			n = 0;
			check_l = pfd[n++].revents != 0;
			for (c = s.heavy; c != NULL; c = c->next)
				if (pfd[n++].revents != 0)
					(void)rdmad_cq_ack_event(c->cq);
			for (lc = s.lcqs; lc != NULL; lc = lc->next)
				if (pfd[n++].revents != 0)
					(void)rdmad_cq_ack_event(lc->cq);
		} else {
			check_l = true;
		}
		idle = 0;
	}
	free(pfd);
	while ((c = s.heavy) != NULL) {
		s.heavy = c->next;
		s_conn_free(&s, c);
	}
	while ((c = s.conns) != NULL) {
		s.conns = c->next;
		s_conn_free(&s, c);
	}
	while ((lc = s.lcqs) != NULL) {
		s.lcqs = lc->next;
		(void)rdmad_destroy_cq(lc->cq);
		free(lc);
	}
	(void)rdmad_listener_close(l);
	rdmad_close(s.ctx);
	printf("# server: exiting after %lu connections\n", s.served);
	return 0;
}

/* ---- the client: one benchmark connection ---------------------------- */

struct c_conn {
	const struct rb_opts	*o;
	rdmad_ctx_t		*ctx;
	struct rdmad_mem	*mem;
	uint8_t			*buf, *slots;
	size_t			 buf_len, slot_len;
	struct rdmad_pd		*pd;
	struct rdmad_mr		*mr;
	struct rdmad_cq		*cq;
	struct rdmad_qp		*qp;
	enum rb_test		 test;
	uint32_t		 lkey, rkey;
	uint64_t		 raddr, rlen;
	unsigned int		 ord, sq_depth;
	uint64_t		 credits;	/* peer's receives at start */
	uint64_t		 credit_total;	/* reposted by the peer */
	uint64_t		 untagged;	/* untagged messages sent */
	uint64_t		 sum;
	bool			 have_sum;
	unsigned int		 echoes;	/* lat: echoes received */
	unsigned int		 sq_out;
	bool			 broken;
};

static void
c_close(struct c_conn *c)
{
	rdmad_close(c->ctx);		/* releases every object */
	c->ctx = NULL;
}

static int
c_post_recv(struct c_conn *c, unsigned int i)
{
	return rb_post_recv_slot(c->qp, c->slots, c->slot_len, c->lkey, i);
}

/* Open a context and connect one QP for test t with messages up to max. */
static bool
c_open(struct c_conn *c, const struct rb_opts *o, enum rb_test t, size_t max,
    unsigned int depth, uint32_t seed)
{
	struct rdmad_qp_attr qa;
	struct rdmad_qp_info qi;
	struct rb_priv_req pq;
	const void *pd;
	struct rb_priv_rep rep, *pr = &rep;
	size_t len, plen;
	unsigned int i;
	int r;

	memset(c, 0, sizeof(*c));
	c->o = o;
	c->test = t;
	if ((r = rdmad_open(o->sock, &c->ctx)) != 0) {
		rb_err(o, "rdmad_open: %s (%s)", rdmad_strerror(r),
		    rdmad_last_error(NULL));
		return false;
	}
	c->slot_len = (t == RB_LAT && max > RB_SLOT_MIN) ?
	    (max + 63) / 64 * 64 : RB_SLOT_MIN;
	c->buf_len = (max + 4095) / 4096 * 4096;
	len = c->buf_len + RB_CREC * c->slot_len;
	r = rdmad_mem_alloc(c->ctx, len, &c->mem);
	if (r == 0) {
		c->buf = rdmad_mem_addr(c->mem);
		c->slots = c->buf + c->buf_len;
		r = rdmad_pd_alloc(c->ctx, &c->pd);
	}
	if (r == 0)
		r = rdmad_reg_mr(c->pd, c->buf, len, RDMAD_ACCESS_LOCAL_WRITE,
		    &c->mr);
	c->sq_depth = depth + 8;
	if (r == 0) {
		c->lkey = rdmad_mr_stag(c->mr);
		r = rdmad_create_cq(c->ctx, c->sq_depth + RB_CREC + 8, &c->cq);
	}
	if (r == 0) {
		memset(&qa, 0, sizeof(qa));
		qa.send_cq = qa.recv_cq = c->cq;
		qa.sq_depth = c->sq_depth;
		qa.rq_depth = RB_CREC;
		qa.ord = depth < 16 ? 16 : depth;
		qa.ird = 16;
		qa.transport = o->transport;
		r = rdmad_create_qp(c->pd, &qa, &c->qp);
	}
	for (i = 0; r == 0 && i < RB_CREC; i++)
		r = c_post_recv(c, i);
	if (r != 0) {
		rb_err(o, "set-up: %s (%s)", rdmad_strerror(r),
		    rdmad_last_error(c->ctx));
		c_close(c);
		return false;
	}
	memset(&pq, 0, sizeof(pq));
	pq.magic = RB_MAGIC;
	pq.test = t;
	pq.max_size = max;
	pq.depth = depth;
	pq.seed = seed;
	r = rdmad_connect(c->qp, o->host, (uint16_t)o->port, &pq, sizeof(pq));
	if (r != 0) {
		rb_err(o, "connect to %s port %u: %s (%s)", o->host, o->port,
		    rdmad_strerror(r), rdmad_last_error(c->ctx));
		c_close(c);
		return false;
	}
	pd = rdmad_qp_peer_private_data(c->qp, &plen);
	if (pd != NULL && plen == sizeof(rep))
		memcpy(&rep, pd, sizeof(rep));
	if (pd == NULL || plen != sizeof(*pr) || pr->magic != RB_MAGIC ||
	    pr->len < max) {
		rb_err(o, "bad accept private data (%zu octets)", plen);
		c_close(c);
		return false;
	}
	c->rkey = pr->stag;
	c->raddr = pr->addr;
	c->rlen = pr->len;
	c->credits = pr->credits;
	r = rdmad_qp_query(c->qp, &qi);
	c->ord = r == 0 && qi.ord > 0 ? qi.ord : 1;
	return true;
}

/* Handle one completion; returns false when the connection broke. */
static bool
c_completion(struct c_conn *c, const struct rdmad_wc *wc)
{
	if (wc->status != RDMAD_WC_SUCCESS) {
		if (!c->broken)
			rb_err(c->o, "completion failed: status %d opcode %d "
			    "(Terminate %d/%d/%d)", wc->status, wc->opcode,
			    wc->term_layer, wc->term_etype, wc->term_ecode);
		c->broken = true;
		return false;
	}
	if (wc->opcode == RDMAD_WC_RECV_IMM) {
		switch (IMM_TAG(wc->imm_data)) {
		case IMM_CREDIT:
			if ((wc->imm_data & IMM_MASK) > c->credit_total)
				c->credit_total = wc->imm_data & IMM_MASK;
			break;
		case IMM_SUM:
			c->sum = wc->imm_data & IMM_MASK;
			c->have_sum = true;
			if (c->test == RB_LAT)	/* no CREDIT messages */
				c->credit_total++;
			break;
		default:
			break;
		}
	} else if (wc->opcode == RDMAD_WC_RECV) {
		c->echoes++;
	} else {
		if (c->sq_out > 0)
			c->sq_out--;
		return true;
	}
	if (c_post_recv(c, (unsigned int)wc->wr_id) != 0) {
		c->broken = true;
		return false;
	}
	return true;
}

/* Wait for completions and handle them; false on error or timeout. */
static bool
c_progress(struct c_conn *c, long spin, int ms)
{
	struct rdmad_wc wc[32];
	int n, i;

	n = rb_wait(c->cq, 32, wc, spin, ms);
	if (n <= 0) {
		if (!c->broken)
			rb_err(c->o, "no completion within %d ms (%s)", ms,
			    n == 0 ? "timeout" : rdmad_strerror(n));
		c->broken = true;
		return false;
	}
	for (i = 0; i < n; i++)
		if (!c_completion(c, &wc[i]))
			return false;
	return true;
}

/* Post a signaled work request; counts it in flight. */
static bool
c_post(struct c_conn *c, struct rdmad_send_wr *wr)
{
	int r;

	wr->flags |= RDMAD_SEND_SIGNALED;
	if ((r = rdmad_post_send(c->qp, wr)) != 0) {
		rb_err(c->o, "post_send: %s", rdmad_strerror(r));
		c->broken = true;
		return false;
	}
	c->sq_out++;
	if (wr->opcode == RDMAD_WR_SEND || wr->opcode == RDMAD_WR_IMM_DATA)
		c->untagged++;
	return true;
}

/* Room for one more untagged message at the peer? */
static bool
c_credit(const struct c_conn *c)
{
	return c->untagged < c->credits + c->credit_total;
}

/* Send control Immediate Data and wait for the SUM answer. */
static bool
c_control(struct c_conn *c, uint64_t imm, uint64_t *sum)
{
	struct rdmad_send_wr wr;
	double end = rb_now() + 30;

	while (!c_credit(c) || c->sq_out >= c->sq_depth)
		if (rb_now() > end || !c_progress(c, c->o->spin, 10000))
			return false;
	memset(&wr, 0, sizeof(wr));
	wr.opcode = RDMAD_WR_IMM_DATA;
	wr.imm_data = imm;
	c->have_sum = false;
	if (!c_post(c, &wr))
		return false;
	while (!c->have_sum)
		if (!c_progress(c, c->o->spin, 10000))
			return false;
	if (sum != NULL)
		*sum = c->sum;
	return true;
}

/* One timed bandwidth run: returns MiB/s, or -1. */
static double
c_bw(struct c_conn *c, enum rb_test t, size_t size, unsigned int depth,
    double secs, bool *verified)
{
	struct rdmad_send_wr wr;
	uint64_t posted = 0, sum;
	double t0, t1, deadline;
	unsigned int cap = depth;

	if (t == RB_READ && cap > c->ord)
		cap = c->ord;
	if (cap > c->sq_depth - 2)
		cap = c->sq_depth - 2;
	memset(&wr, 0, sizeof(wr));
	wr.opcode = t == RB_WRITE ? RDMAD_WR_RDMA_WRITE :
	    t == RB_READ ? RDMAD_WR_RDMA_READ : RDMAD_WR_SEND;
	wr.num_sge = 1;
	wr.sg_list[0].addr = (uintptr_t)c->buf;
	wr.sg_list[0].length = (uint32_t)size;
	wr.sg_list[0].lkey = c->lkey;
	wr.remote_addr = c->raddr;
	wr.rkey = c->rkey;
	t0 = rb_now();
	deadline = t0 + secs;
	for (;;) {
		bool stop = rb_now() >= deadline || rb_stop;

		while (!stop && c->sq_out < cap &&
		    (t != RB_SEND || c_credit(c))) {
			wr.wr_id = posted;
			if (!c_post(c, &wr))
				return -1;
			posted++;
		}
		if (stop && c->sq_out == 0)
			break;
		if (!c_progress(c, c->o->spin, 10000 + (int)(size >> 20) *
		    100))
			return -1;
	}
	/* Every Write or Send was placed once SYNC is answered. */
	if (!c_control(c, IMM(IMM_SYNC, 0), NULL))
		return -1;
	t1 = rb_now();
	*verified = true;
	if (c->o->verify) {
		if (!c_control(c, IMM(IMM_FIN, size), &sum))
			return -1;
		*verified = sum == rb_sum(c->buf, size);
	}
	return (double)posted * (double)size / (t1 - t0) / 1048576.0;
}

/* Round trips of `size`-octet Sends: median and p99 in microseconds. */
static bool
c_lat(struct c_conn *c, size_t size, unsigned int iters, double secs,
    double *med, double *p99, unsigned int *count, bool *verified)
{
	struct rdmad_send_wr wr;
	double *us, t0, t1, end;
	unsigned int i, n = 0, warm = iters / 10 < 100 ? iters / 10 : 100;
	uint64_t sum;

	if ((us = calloc(iters, sizeof(*us))) == NULL)
		return false;
	memset(&wr, 0, sizeof(wr));
	wr.opcode = RDMAD_WR_SEND;
	wr.num_sge = 1;
	wr.sg_list[0].addr = (uintptr_t)c->buf;
	wr.sg_list[0].length = (uint32_t)size;
	wr.sg_list[0].lkey = c->lkey;
	end = rb_now() + secs;
	for (i = 0; i < iters + warm; i++) {
		unsigned int want = c->echoes + 1;

		c->buf[0] = (uint8_t)i;
		t0 = rb_now();
		if (!c_post(c, &wr))
			break;
		while (c->echoes < want || c->sq_out > 0)
			if (!c_progress(c, c->o->spin, 10000))
				break;
		if (c->broken)
			break;
		t1 = rb_now();
		c->credit_total++;	/* the echo freed its receive */
		if (i >= warm)
			us[n++] = (t1 - t0) * 1e6;
		if (t1 >= end && n >= 100)
			break;
	}
	if (c->broken || n == 0) {
		free(us);
		return false;
	}
	qsort(us, n, sizeof(*us), rb_cmp_double);
	*med = rb_median(us, n);
	*p99 = us[(size_t)((n - 1) * 0.99)];
	*count = n;
	free(us);
	*verified = true;
	if (c->o->verify) {
		if (!c_control(c, IMM(IMM_FIN, size), &sum))
			return false;
		*verified = sum == rb_sum(c->buf, size);
	}
	return true;
}

/* Bandwidth of test t over every size, runs times. */
static void
c_bw_test(struct rb_state *st, enum rb_test t)
{
	const struct rb_opts *o = st->o;
	struct c_conn c;
	size_t max = 0;
	unsigned int i, run;
	bool ok;
	double v;

	for (i = 0; i < o->nsizes; i++)
		if (o->sizes[i] > max)
			max = o->sizes[i];
	if (!c_open(&c, o, t, max, o->depth, 0x5eed)) {
		st->failures++;
		return;
	}
	if (t != RB_READ)
		rb_fill(c.buf, c.buf_len, 0xfeed + t);
	for (run = 1; run <= o->runs && !c.broken; run++) {
		for (i = 0; i < o->nsizes && !c.broken; i++) {
			v = c_bw(&c, t, o->sizes[i], o->depth, o->secs, &ok);
			if (v < 0) {
				st->failures++;
				break;
			}
			if (!ok) {
				rb_err(o, "%s %zu: integrity check failed",
				    rb_test_names[t], o->sizes[i]);
				st->failures++;
			}
			rb_record(st, rb_test_names[t], o->sizes[i],
			    o->depth, run, v, "MiB/s");
		}
	}
	c_close(&c);
}

static void
c_lat_test(struct rb_state *st)
{
	const struct rb_opts *o = st->o;
	struct c_conn c;
	unsigned int run, n;
	double med, p99;
	bool ok;

	if (!c_open(&c, o, RB_LAT, o->lat_size, 1, 0)) {
		st->failures++;
		return;
	}
	c.credit_total = 0;
	rb_fill(c.buf, c.buf_len, 0x1a7);
	for (run = 1; run <= o->runs; run++) {
		if (!c_lat(&c, o->lat_size, o->lat_iters, o->secs, &med, &p99,
		    &n, &ok)) {
			st->failures++;
			break;
		}
		if (!ok) {
			rb_err(o, "lat: integrity check failed");
			st->failures++;
		}
		rb_record(st, "lat_median", o->lat_size, 1, run, med, "us");
		rb_record(st, "lat_p99", o->lat_size, 1, run, p99, "us");
	}
	c_close(&c);
}

/* A client context for light QPs: memory, PD, region, CQs on demand. */
struct c_light {
	rdmad_ctx_t		*ctx;
	struct rdmad_mem	*mem;
	struct rdmad_pd		*pd;
	struct rdmad_mr		*mr;
	struct rdmad_cq		**cqs;
	unsigned int		 ncqs;
};

static bool
c_light_open(const struct rb_opts *o, struct c_light *l, unsigned int ncqs)
{
	unsigned int i;
	int r;

	memset(l, 0, sizeof(*l));
	if ((r = rdmad_open(o->sock, &l->ctx)) != 0) {
		rb_err(o, "rdmad_open: %s (%s)", rdmad_strerror(r),
		    rdmad_last_error(NULL));
		return false;
	}
	if ((l->cqs = calloc(ncqs, sizeof(*l->cqs))) == NULL)
		return false;
	l->ncqs = ncqs;
	r = rdmad_mem_alloc(l->ctx, 65536, &l->mem);
	if (r == 0)
		r = rdmad_pd_alloc(l->ctx, &l->pd);
	if (r == 0)
		r = rdmad_reg_mr(l->pd, rdmad_mem_addr(l->mem), 65536,
		    RDMAD_ACCESS_LOCAL_WRITE, &l->mr);
	for (i = 0; r == 0 && i < ncqs; i++)
		r = rdmad_create_cq(l->ctx, 2 * S_LCQ_USERS + 8, &l->cqs[i]);
	if (r != 0) {
		rb_err(o, "set-up: %s (%s)", rdmad_strerror(r),
		    rdmad_last_error(l->ctx));
		return false;
	}
	return true;
}

static void
c_light_close(struct c_light *l)
{
	rdmad_close(l->ctx);
	free(l->cqs);
	memset(l, 0, sizeof(*l));
}

/* Create, post one receive, connect one light QP on CQ cq. */
static int
c_light_qp(const struct rb_opts *o, struct c_light *l, struct rdmad_cq *cq,
    enum rb_test t, struct rdmad_qp **qpp)
{
	struct rdmad_qp_attr qa;
	struct rdmad_recv_wr rw;
	struct rb_priv_req pq;
	int r;

	memset(&qa, 0, sizeof(qa));
	qa.send_cq = qa.recv_cq = cq;
	qa.sq_depth = qa.rq_depth = 1;
	qa.transport = o->transport;
	if ((r = rdmad_create_qp(l->pd, &qa, qpp)) != 0)
		return r;
	memset(&rw, 0, sizeof(rw));
	rw.num_sge = 1;
	rw.sg_list[0].addr = (uintptr_t)rdmad_mem_addr(l->mem);
	rw.sg_list[0].length = RB_SLOT_MIN;
	rw.sg_list[0].lkey = rdmad_mr_stag(l->mr);
	memset(&pq, 0, sizeof(pq));
	pq.magic = RB_MAGIC;
	pq.test = t;
	pq.depth = 1;
	if ((r = rdmad_post_recv(*qpp, &rw)) != 0 ||
	    (r = rdmad_connect(*qpp, o->host, (uint16_t)o->port, &pq,
	    sizeof(pq))) != 0) {
		(void)rdmad_destroy_qp(*qpp);
		*qpp = NULL;
	}
	return r;
}

/* QP set-up rate: create + connect (+ accept) + destroy, per second. */
static void
c_setup_test(struct rb_state *st)
{
	const struct rb_opts *o = st->o;
	struct c_light l;
	struct rdmad_qp *qp;
	struct rdmad_wc wc[32];
	unsigned int run, n;
	double t0, dt;
	int r;

	if (!c_light_open(o, &l, 1)) {
		c_light_close(&l);
		st->failures++;
		return;
	}
	for (run = 1; run <= o->runs; run++) {
		n = 0;
		t0 = rb_now();
		do {
			r = c_light_qp(o, &l, l.cqs[0], RB_SETUP, &qp);
			if (r != 0) {
				rb_err(o, "setup: connect: %s (%s)",
				    rdmad_strerror(r),
				    rdmad_last_error(l.ctx));
				st->failures++;
				goto out;
			}
			(void)rdmad_destroy_qp(qp);
			while (rdmad_poll_cq(l.cqs[0], 32, wc) > 0)
				;
			n++;
			dt = rb_now() - t0;
		} while (dt < o->secs && !rb_stop);
		rb_record(st, "setup", 0, 1, run, n / dt, "conn/s");
	}
out:
	c_light_close(&l);
}

/*
 * Hold `qps` connected idle QPs and `mrs` registered regions, say
 * "ready", wait for SIGINT/SIGTERM, release.
 */
static void
c_hold_test(struct rb_state *st)
{
	const struct rb_opts *o = st->o;
	struct c_light l;
	struct rdmad_qp *qp;
	struct rdmad_mr *mr;
	unsigned int i, ncq = (o->qps + S_LCQ_USERS - 1) / S_LCQ_USERS;
	double t0, dt;
	int r;

	if (!c_light_open(o, &l, ncq ? ncq : 1)) {
		c_light_close(&l);
		st->failures++;
		return;
	}
	t0 = rb_now();
	for (i = 0; i < o->qps && !rb_stop; i++) {
		r = c_light_qp(o, &l, l.cqs[i / S_LCQ_USERS], RB_IDLE, &qp);
		if (r != 0) {
			rb_err(o, "hold: QP %u: %s (%s)", i, rdmad_strerror(r),
			    rdmad_last_error(l.ctx));
			st->failures++;
			break;
		}
	}
	dt = rb_now() - t0;
	rb_note(o, "hold: %u QPs connected in %.2f s", i, dt);
	if (i > 0)
		rb_record(st, "hold_qps", i, 1, 1, i / dt, "conn/s");
	t0 = rb_now();
	for (i = 0; i < o->mrs && !rb_stop; i++) {
		r = rdmad_reg_mr(l.pd, rdmad_mem_addr(l.mem), 4096,
		    RDMAD_ACCESS_LOCAL_WRITE | RDMAD_ACCESS_REMOTE_READ, &mr);
		if (r != 0) {
			rb_err(o, "hold: region %u: %s (%s)", i,
			    rdmad_strerror(r), rdmad_last_error(l.ctx));
			st->failures++;
			break;
		}
	}
	dt = rb_now() - t0;
	rb_note(o, "hold: %u regions registered in %.2f s", i, dt);
	if (i > 0)
		rb_record(st, "hold_mrs", i, 1, 1, i / dt, "reg/s");
	printf("# ready\n");
	fflush(stdout);
	while (!rb_stop)
		(void)poll(NULL, 0, 50);
	c_light_close(&l);
}

/* ---- options ---------------------------------------------------------- */

static void
rb_usage(const char *prog)
{
	fprintf(stderr,
	    "usage: %s -s [-S socket] [-p port] [--spin N]\n"
	    "       %s -c host [-S socket] [-p port] [-t tests] [-z sizes]\n"
	    "          [-d depth] [-T seconds] [-r runs] [--csv] [--spin N]\n"
	    "          [--lat-iters N] [--lat-size N] [--qps N] [--mrs N]\n"
	    "          [--no-verify] [--transport tcp|sctp|auto] [-q]\n"
	    "  tests: write,read,send,lat,setup,hold or all (default:\n"
	    "         write,read,send,lat,setup)\n"
	    "  sizes: a list (64,4k,1M) or a range MIN:MAX[:FACTOR]\n"
	    "         (default 64:4M:4, powers of 4)\n"
	    "  hold:  connect --qps idle QPs, register --mrs regions,\n"
	    "         print \"# ready\" and wait for SIGINT/SIGTERM\n",
	    prog, prog);
}

static bool
rb_parse_num(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s)
		return false;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	default: break;
	}
	if (*end != '\0' || v > (1ull << 30))
		return false;
	*out = (size_t)v;
	return true;
}

/* --transport: tcp, sctp or auto (the client's QPs; the server takes
 * what comes). */
static bool
rb_parse_transport(struct rb_opts *o, const char *arg)
{
	if (strcmp(arg, "tcp") == 0)
		o->transport = RDMAD_TRANSPORT_TCP;
	else if (strcmp(arg, "sctp") == 0)
		o->transport = RDMAD_TRANSPORT_SCTP;
	else if (strcmp(arg, "auto") == 0)
		o->transport = RDMAD_TRANSPORT_AUTO;
	else
		return false;
	return true;
}

static bool
rb_parse_sizes(struct rb_opts *o, const char *arg)
{
	char buf[256], *tok, *save = NULL, *p;
	size_t lo, hi, f = 4, s;

	snprintf(buf, sizeof(buf), "%s", arg);
	o->nsizes = 0;
	if ((p = strchr(buf, ':')) != NULL) {
		char *q;

		*p++ = '\0';
		if ((q = strchr(p, ':')) != NULL) {
			*q++ = '\0';
			if (!rb_parse_num(q, &f) || f < 2)
				return false;
		}
		if (!rb_parse_num(buf, &lo) || !rb_parse_num(p, &hi) ||
		    lo == 0 || hi < lo)
			return false;
		for (s = lo; s <= hi && o->nsizes < RB_MAX_SIZES; s *= f)
			o->sizes[o->nsizes++] = s;
		return o->nsizes > 0;
	}
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (!rb_parse_num(tok, &s) || s == 0 ||
		    o->nsizes == RB_MAX_SIZES)
			return false;
		o->sizes[o->nsizes++] = s;
	}
	return o->nsizes > 0;
}

static bool
rb_parse_tests(struct rb_opts *o, const char *arg)
{
	char buf[128], *tok, *save = NULL;
	int t;

	snprintf(buf, sizeof(buf), "%s", arg);
	o->tests = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "all") == 0) {
			o->tests |= 1u << RB_WRITE | 1u << RB_READ |
			    1u << RB_SEND | 1u << RB_LAT | 1u << RB_SETUP;
			continue;
		}
		for (t = RB_WRITE; t <= RB_HOLD; t++)
			if (t != RB_IDLE && strcmp(tok, rb_test_names[t]) == 0)
				break;
		if (t > RB_HOLD)
			return false;
		o->tests |= 1u << t;
	}
	return o->tests != 0;
}

static unsigned int
rb_uint(const char *s, unsigned int lo, unsigned int hi, bool *ok)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		*ok = false;
	return (unsigned int)v;
}

int
rdbench_main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "server", no_argument, NULL, 's' },
		{ "client", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 'S' },
		{ "port", required_argument, NULL, 'p' },
		{ "test", required_argument, NULL, 't' },
		{ "sizes", required_argument, NULL, 'z' },
		{ "depth", required_argument, NULL, 'd' },
		{ "time", required_argument, NULL, 'T' },
		{ "runs", required_argument, NULL, 'r' },
		{ "csv", no_argument, NULL, 'C' },
		{ "spin", required_argument, NULL, 'P' },
		{ "lat-iters", required_argument, NULL, 'n' },
		{ "lat-size", required_argument, NULL, 'L' },
		{ "qps", required_argument, NULL, 'Q' },
		{ "mrs", required_argument, NULL, 'M' },
		{ "no-verify", no_argument, NULL, 'V' },
		{ "transport", required_argument, NULL, 'X' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct rb_opts o;
	struct rb_state *st;
	struct sigaction sa, old_int, old_term;
	bool ok = true;
	int ch, rc;
	char *end;

	memset(&o, 0, sizeof(o));
	o.prog = argc > 0 && argv[0] != NULL ? argv[0] : "rdbench";
	o.port = 7472;
	o.depth = 16;
	o.secs = 1.0;
	o.runs = 1;
	o.spin = 100;
	o.lat_iters = 20000;
	o.lat_size = 64;
	o.verify = true;
	o.transport = RDMAD_TRANSPORT_TCP;
	o.tests = 1u << RB_WRITE | 1u << RB_READ | 1u << RB_SEND |
	    1u << RB_LAT | 1u << RB_SETUP;
	(void)rb_parse_sizes(&o, "64:4M:4");
	optind = 0;		/* full reset: rdbench_main may run again */
	while ((ch = getopt_long(argc, argv, "sc:S:p:t:z:d:T:r:n:qh", lopts,
	    NULL)) != -1) {
		switch (ch) {
		case 's': o.server = true; break;
		case 'c': o.host = optarg; break;
		case 'S': o.sock = optarg; break;
		case 'p': o.port = rb_uint(optarg, 1, 65535, &ok); break;
		case 't': ok = ok && rb_parse_tests(&o, optarg); break;
		case 'z': ok = ok && rb_parse_sizes(&o, optarg); break;
		case 'd': o.depth = rb_uint(optarg, 1, 1024, &ok); break;
		case 'T':
			o.secs = strtod(optarg, &end);
			if (*end != '\0' || !(o.secs > 0 && o.secs <= 3600))
				ok = false;
			break;
		case 'r': o.runs = rb_uint(optarg, 1, RB_MAX_RUNS, &ok); break;
		case 'C': o.csv = true; break;
		case 'P': o.spin = rb_uint(optarg, 0, 1u << 30, &ok); break;
		case 'n': o.lat_iters = rb_uint(optarg, 10, 10000000, &ok);
			break;
		case 'L':
			ok = ok && rb_parse_num(optarg, &o.lat_size) &&
			    o.lat_size > 0 && o.lat_size <= (1u << 20);
			break;
		case 'Q': o.qps = rb_uint(optarg, 0, 1000000, &ok); break;
		case 'M': o.mrs = rb_uint(optarg, 0, 10000000, &ok); break;
		case 'V': o.verify = false; break;
		case 'X': ok = ok && rb_parse_transport(&o, optarg); break;
		case 'q': o.quiet = true; break;
		case 'h': rb_usage(o.prog); return 0;
		default: ok = false; break;
		}
	}
	if (!ok || optind != argc || o.server == (o.host != NULL)) {
		rb_usage(o.prog);
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = rb_on_signal;
	sigemptyset(&sa.sa_mask);
	rb_stop = 0;
	(void)sigaction(SIGINT, &sa, &old_int);
	(void)sigaction(SIGTERM, &sa, &old_term);
	if (o.server) {
		rc = s_main(&o);
	} else if ((st = calloc(1, sizeof(*st))) == NULL) {
		rc = 2;
	} else {
		st->o = &o;
		if (o.tests & (1u << RB_WRITE))
			c_bw_test(st, RB_WRITE);
		if (o.tests & (1u << RB_READ))
			c_bw_test(st, RB_READ);
		if (o.tests & (1u << RB_SEND))
			c_bw_test(st, RB_SEND);
		if (o.tests & (1u << RB_LAT))
			c_lat_test(st);
		if (o.tests & (1u << RB_SETUP))
			c_setup_test(st);
		if (o.tests & (1u << RB_HOLD))
			c_hold_test(st);
		rb_table(st);
		rc = st->failures ? 1 : 0;
		free(st);
	}
	(void)sigaction(SIGINT, &old_int, NULL);
	(void)sigaction(SIGTERM, &old_term, NULL);
	return rc;
}
