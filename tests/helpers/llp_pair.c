/* llp_pair.c — in-memory transport pair and test world for engine tests. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "llp_pair.h"

#define LP_MEM_IOVA_BASE	0x7f0000100000ull	/* client addresses */

struct lp_seg {
	uint8_t		*b;
	size_t		 len;
};

/* A growable list of flattened segments. */
struct lp_vec {
	struct lp_seg	*v;
	int		 n, cap;
};

struct lp_node {
	struct llp_pair		*p;
	int			 side;
	struct eng		*e;
	struct eng_owner	*o;
	struct eng_pd		*pd;
	struct eng_cq		*cq;
	struct rdmad_shm_cq_ctrl *cqc;
	struct rdmad_shm_cqe	*cqe;
	struct eng_qp		*qp;
	struct rdmad_shm_qp_ctrl *qpc;
	struct rdmad_shm_sqe	*sq;
	struct rdmad_shm_rqe	*rq;
	uint32_t		 cq_idx, sq_idx, rq_idx;
	uint8_t			*mem;
	uint64_t		 iova;
	int			 notifies;
	/* transport end */
	bool			 kicked, drop, record, hold, stopped;
	bool			 closed, abortive, close_told;
	struct lp_vec		 fifo;		/* sent, not yet delivered */
	struct lp_vec		 rec;		/* recorded */
	uint64_t		*held;		/* held tx_done cookies */
	int			 nheld, capheld;
};

struct llp_pair {
	struct lp_conf		 c;
	struct lp_node		 n[2];
	uint64_t		 rnd;
	size_t			 chunk;
	int			 contract_errors;
};

/* ---- engine environment -------------------------------------------- */

static void
lp_random(void *arg, void *buf, size_t len)
{
	struct llp_pair *p = arg;
	uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		p->rnd ^= p->rnd << 13;
		p->rnd ^= p->rnd >> 7;
		p->rnd ^= p->rnd << 17;
		b[i] = (uint8_t)p->rnd;
	}
}

static void
lp_cq_notify(void *arg, struct eng_cq *cq)
{
	struct lp_node *n = eng_cq_cookie(cq);

	(void)arg;
	if (n != NULL)
		n->notifies++;
}

/* ---- LLP ops --------------------------------------------------------- */

static void
lp_kick(void *llp)
{
	struct lp_node *n = llp;

	n->kicked = true;
}

static void
lp_close(void *llp, bool abortive)
{
	struct lp_node *n = llp;

	n->closed = true;
	n->abortive = abortive;
	if (abortive)
		n->qp = NULL;		/* the engine frees it right away */
}

static const struct eng_llp_ops lp_ops = { lp_kick, lp_close };

/* ---- helpers --------------------------------------------------------- */

static void
lp_vec_push(struct lp_vec *v, uint8_t *b, size_t len)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 16;
		v->v = realloc(v->v, (size_t)v->cap * sizeof(*v->v));
		if (v->v == NULL)
			abort();
	}
	v->v[v->n].b = b;
	v->v[v->n].len = len;
	v->n++;
}

static void
lp_vec_free(struct lp_vec *v)
{
	int i;

	for (i = 0; i < v->n; i++)
		free(v->v[i].b);
	free(v->v);
	memset(v, 0, sizeof(*v));
}

void
lp_conf_default(struct lp_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->max_seg = 1024;
	c->ord = c->ird = 4;
	c->sq_depth = c->rq_depth = c->cq_depth = 64;
	c->mem_len = 64 * 1024;
}

static int
lp_node_init(struct llp_pair *p, int side)
{
	struct lp_node *n = &p->n[side];
	struct eng_env env;
	struct eng_limits lim;
	struct eng_qp_rings r;
	const struct lp_conf *c = &p->c;

	n->p = p;
	n->side = side;
	memset(&env, 0, sizeof(env));
	env.arg = p;
	env.random = lp_random;
	env.cq_notify = lp_cq_notify;
	memset(&lim, 0, sizeof(lim));
	lim.max_qp = 16;
	lim.max_cq = 16;
	lim.max_mr = 1024;
	lim.max_mr_bytes = (uint64_t)1 << 32;
	lim.max_cq_depth = 4096;
	lim.max_wr = 1024;
	lim.max_ord = lim.max_ird = 64;
	lim.max_stags = 4096;
	if (eng_create(&env, &lim, &n->e) != 0 ||
	    eng_owner_create(n->e, &n->o) != 0 ||
	    eng_pd_create(n->o, &n->pd) != 0)
		return -1;
	n->cqc = calloc(1, sizeof(*n->cqc));
	n->cqe = calloc(c->cq_depth, sizeof(*n->cqe));
	n->qpc = calloc(1, sizeof(*n->qpc));
	n->sq = calloc(c->sq_depth, sizeof(*n->sq));
	n->rq = calloc(c->rq_depth, sizeof(*n->rq));
	n->mem = aligned_alloc(4096, (c->mem_len + 4095) & ~(size_t)4095);
	if (!n->cqc || !n->cqe || !n->qpc || !n->sq || !n->rq || !n->mem)
		return -1;
	memset(n->mem, 0, c->mem_len);
	n->iova = LP_MEM_IOVA_BASE + (uint64_t)side * 0x10000000ull;
	if (eng_cq_create(n->o, n->cqc, n->cqe, c->cq_depth, 1 + side,
	    &n->cq) != 0)
		return -1;
	eng_cq_set_cookie(n->cq, n);
	r.ctrl = n->qpc;
	r.sq = n->sq;
	r.rq = n->rq;
	r.sq_depth = c->sq_depth;
	r.rq_depth = c->rq_depth;
	if (eng_qp_create(n->pd, n->cq, n->cq, &r, 100 + side, &n->qp) != 0)
		return -1;
	eng_qp_set_cookie(n->qp, n);
	return 0;
}

int
lp_connect(struct llp_pair *p)
{
	int i;

	for (i = 0; i < 2; i++)
		if (eng_qp_connect(p->n[i].qp, &lp_ops, &p->n[i], p->c.ord,
		    p->c.ird, p->c.max_seg) != 0)
			return -1;
	return 0;
}

struct llp_pair *
lp_new(const struct lp_conf *c)
{
	struct llp_pair *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->c = *c;
	p->rnd = 0x9e3779b97f4a7c15ull;
	if (lp_node_init(p, 0) != 0 || lp_node_init(p, 1) != 0 ||
	    (!c->no_connect && lp_connect(p) != 0)) {
		lp_free(p);
		return NULL;
	}
	return p;
}

void
lp_free(struct llp_pair *p)
{
	struct lp_node *n;
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < 2; i++) {
		n = &p->n[i];
		if (n->e != NULL)
			eng_destroy(n->e);	/* frees owner, QP, CQ */
		free(n->cqc);
		free(n->cqe);
		free(n->qpc);
		free(n->sq);
		free(n->rq);
		free(n->mem);
		free(n->held);
		lp_vec_free(&n->fifo);
		lp_vec_free(&n->rec);
	}
	free(p);
}

struct eng *lp_eng(struct llp_pair *p, int s) { return p->n[s].e; }
struct eng_owner *lp_owner(struct llp_pair *p, int s) { return p->n[s].o; }
struct eng_pd *lp_pd(struct llp_pair *p, int s) { return p->n[s].pd; }
struct eng_cq *lp_cq(struct llp_pair *p, int s) { return p->n[s].cq; }
struct eng_qp *lp_qp(struct llp_pair *p, int s) { return p->n[s].qp; }
uint8_t *lp_mem(struct llp_pair *p, int s) { return p->n[s].mem; }
int lp_notifies(struct llp_pair *p, int s) { return p->n[s].notifies; }
int lp_contract_errors(struct llp_pair *p) { return p->contract_errors; }

struct rdmad_shm_cq_ctrl *
lp_cq_ctrl(struct llp_pair *p, int s)
{
	return p->n[s].cqc;
}

struct rdmad_shm_sqe *
lp_sq_ring(struct llp_pair *p, int s)
{
	return p->n[s].sq;
}

uint64_t
lp_va(struct llp_pair *p, int side, size_t off)
{
	return p->n[side].iova + off;
}

uint32_t
lp_reg(struct llp_pair *p, int side, size_t off, size_t len, uint32_t acc)
{
	struct lp_node *n = &p->n[side];
	uint32_t stag;

	if (eng_mr_reg(n->pd, n->mem + off, n->iova + off, len, acc,
	    &stag) != 0)
		return 0;
	return stag;
}

int
lp_put_sqe(struct llp_pair *p, int side, const struct rdmad_shm_sqe *sqe)
{
	struct lp_node *n = &p->n[side];
	struct rdmad_shm_sqe *slot = &n->sq[n->sq_idx % p->c.sq_depth];

	if (__atomic_load_n(&slot->flags, __ATOMIC_ACQUIRE) & RDMAD_SHM_VALID)
		return -1;
	memcpy(slot, sqe, sizeof(*slot));
	slot->flags = 0;
	__atomic_store_n(&slot->flags, RDMAD_SHM_VALID, __ATOMIC_RELEASE);
	n->sq_idx++;
	return 0;
}

void
lp_doorbell(struct llp_pair *p, int side)
{
	if (p->n[side].qp != NULL)
		eng_qp_doorbell(p->n[side].qp);
}

int
lp_post_send(struct llp_pair *p, int side, const struct rdmad_shm_sqe *sqe)
{
	if (lp_put_sqe(p, side, sqe) != 0)
		return -1;
	lp_doorbell(p, side);
	return 0;
}

int
lp_put_rqe(struct llp_pair *p, int side, const struct rdmad_shm_rqe *rqe)
{
	struct lp_node *n = &p->n[side];
	struct rdmad_shm_rqe *slot = &n->rq[n->rq_idx % p->c.rq_depth];

	if (__atomic_load_n(&slot->flags, __ATOMIC_ACQUIRE) & RDMAD_SHM_VALID)
		return -1;
	memcpy(slot, rqe, sizeof(*slot));
	slot->flags = 0;
	__atomic_store_n(&slot->flags, RDMAD_SHM_VALID, __ATOMIC_RELEASE);
	n->rq_idx++;
	return 0;
}

int
lp_post_recv(struct llp_pair *p, int side, uint64_t wr_id, size_t off,
    uint32_t len, uint32_t lkey)
{
	struct rdmad_shm_rqe r;

	memset(&r, 0, sizeof(r));
	r.wr_id = wr_id;
	if (len > 0) {
		r.num_sge = 1;
		r.sge[0].addr = lp_va(p, side, off);
		r.sge[0].length = len;
		r.sge[0].lkey = lkey;
	}
	if (lp_put_rqe(p, side, &r) != 0)
		return -1;
	lp_doorbell(p, side);
	return 0;
}

int
lp_poll(struct llp_pair *p, int side, struct rdmad_shm_cqe *out, int max)
{
	struct lp_node *n = &p->n[side];
	struct rdmad_shm_cqe *slot;
	int k = 0;

	while (k < max) {
		slot = &n->cqe[n->cq_idx % p->c.cq_depth];
		if (!(__atomic_load_n(&slot->flags, __ATOMIC_ACQUIRE) &
		    RDMAD_SHM_VALID))
			break;
		memcpy(&out[k++], slot, sizeof(*slot));
		__atomic_store_n(&slot->flags, 0u, __ATOMIC_RELEASE);
		n->cq_idx++;
	}
	return k;
}

/* ---- moving segments ------------------------------------------------- */

/* Hand one segment to node n's QP as a socket reader would. */
static enum wire_err
lp_deliver(struct llp_pair *p, struct lp_node *n, const uint8_t *b,
    size_t len)
{
	struct eng_rx_place pl;
	enum wire_err err;
	size_t hl, off, want, k, room;
	int i;

	if (n->qp == NULL || n->stopped)
		return WIRE_OK;
	hl = len >= ENG_HDR_PEEK ? eng_rx_hdr_len(b[0], b[1], len) : len;
	err = eng_qp_rx_hdr(n->qp, b, hl, len, &pl);
	off = hl;
	want = len - hl;
	/* Payload straight into the placement iovecs, in chunks. */
	for (i = 0; i < pl.iovcnt; i++) {
		room = pl.iov[i].iov_len;
		if (room > want) {
			p->contract_errors++;
			room = want;
		}
		for (k = 0; k < room; ) {
			size_t c = p->chunk && p->chunk < room - k ?
			    p->chunk : room - k;
			memcpy((uint8_t *)pl.iov[i].iov_base + k, b + off, c);
			k += c;
			off += c;
		}
		want -= room;
	}
	if (want != pl.discard)
		p->contract_errors++;
	eng_qp_rx_done(n->qp);
	if (err != WIRE_OK)
		n->stopped = true;	/* engine.h: stop delivering */
	return err;
}

/* Pull everything node n has to send into its FIFO. */
static int
lp_pull(struct llp_pair *p, struct lp_node *n)
{
	struct eng_seg seg;
	uint8_t *b;
	size_t len, off;
	int i, moved = 0;

	if (n->qp == NULL || n->closed)
		return 0;
	n->kicked = false;
	while (n->qp != NULL && eng_qp_tx_pull(n->qp, &seg)) {
		len = seg.hdr_len + seg.payload_len;
		if ((b = malloc(len ? len : 1)) == NULL)
			abort();
		memcpy(b, seg.hdr, seg.hdr_len);
		off = seg.hdr_len;
		for (i = 0; i < seg.iovcnt; i++) {
			memcpy(b + off, seg.iov[i].iov_base,
			    seg.iov[i].iov_len);
			off += seg.iov[i].iov_len;
		}
		if (off != len)
			p->contract_errors++;
		if (n->record) {
			uint8_t *r = malloc(len ? len : 1);

			if (r == NULL)
				abort();
			memcpy(r, b, len);
			lp_vec_push(&n->rec, r, len);
		}
		lp_vec_push(&n->fifo, b, len);
		if (n->hold) {
			if (n->nheld == n->capheld) {
				n->capheld = n->capheld ? n->capheld * 2 : 16;
				n->held = realloc(n->held,
				    (size_t)n->capheld * sizeof(uint64_t));
				if (n->held == NULL)
					abort();
			}
			n->held[n->nheld++] = seg.cookie;
		} else
			eng_qp_tx_done(n->qp, seg.cookie);
		moved++;
		if (n->closed)
			break;
	}
	return moved;
}

/* Deliver node n's FIFO to its peer. */
static int
lp_flush_fifo(struct llp_pair *p, struct lp_node *n)
{
	struct lp_node *peer = &p->n[1 - n->side];
	int i, moved = n->fifo.n;

	for (i = 0; i < n->fifo.n; i++) {
		if (!n->drop)
			(void)lp_deliver(p, peer, n->fifo.v[i].b,
			    n->fifo.v[i].len);
		free(n->fifo.v[i].b);
	}
	n->fifo.n = 0;
	/* A closed end: the peer sees its stream end once data is in. */
	if (n->closed && !n->close_told) {
		n->close_told = true;
		if (peer->qp != NULL && !peer->closed) {
			peer->closed = true;
			eng_qp_llp_closed(peer->qp, !n->abortive);
		}
		if (n->qp != NULL)
			eng_qp_llp_closed(n->qp, true);
		moved++;
	}
	return moved;
}

int
lp_run(struct llp_pair *p)
{
	int total = 0, moved, i, guard;

	for (guard = 0; guard < 1000000; guard++) {
		moved = 0;
		for (i = 0; i < 2; i++)
			moved += lp_pull(p, &p->n[i]);
		for (i = 0; i < 2; i++)
			moved += lp_flush_fifo(p, &p->n[i]);
		total += moved;
		if (moved == 0)
			break;
	}
	return total;
}

void
lp_drop(struct llp_pair *p, int side, bool on)
{
	p->n[side].drop = on;
}

void
lp_record(struct llp_pair *p, int side, bool on)
{
	p->n[side].record = on;
}

void
lp_chunk(struct llp_pair *p, size_t chunk)
{
	p->chunk = chunk;
}

void
lp_hold_tx_done(struct llp_pair *p, int side, bool on)
{
	p->n[side].hold = on;
}

void
lp_release_tx_done(struct llp_pair *p, int side)
{
	struct lp_node *n = &p->n[side];
	int i;

	for (i = 0; i < n->nheld; i++)
		if (n->qp != NULL)
			eng_qp_tx_done(n->qp, n->held[i]);
	n->nheld = 0;
}

int
lp_nrec(struct llp_pair *p, int side)
{
	return p->n[side].rec.n;
}

const uint8_t *
lp_rec(struct llp_pair *p, int side, int i, size_t *len)
{
	struct lp_vec *v = &p->n[side].rec;

	if (i < 0 || i >= v->n)
		return NULL;
	*len = v->v[i].len;
	return v->v[i].b;
}

bool
lp_last_term(struct llp_pair *p, int side, struct rdmap_seg *out,
    const uint8_t **raw, size_t *len)
{
	struct lp_vec *v = &p->n[side].rec;
	int i;

	for (i = v->n - 1; i >= 0; i--) {
		if (rdmap_decode(v->v[i].b, v->v[i].len, out) != WIRE_OK ||
		    out->opcode != RDMAP_OP_TERMINATE)
			continue;
		if (raw != NULL)
			*raw = v->v[i].b;
		if (len != NULL)
			*len = v->v[i].len;
		return true;
	}
	return false;
}

enum wire_err
lp_inject(struct llp_pair *p, int to, const uint8_t *seg, size_t len)
{
	return lp_deliver(p, &p->n[to], seg, len);
}

bool
lp_closed(struct llp_pair *p, int side, bool *abortive)
{
	if (abortive != NULL)
		*abortive = p->n[side].abortive;
	return p->n[side].closed;
}
