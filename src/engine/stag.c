/* stag.c — the STag table, memory regions and windows (RFC 5042 §5). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/eng_int.h"

/*
 * An STag is a 24-bit table index shifted left by 8 with an 8-bit key
 * drawn from env->random in the low octet (RFC 5042 §5: STags should not
 * be predictable).  Index 0 is never used, so STag 0 (as sent in a
 * zero-length Read Request) is never valid.  A freed index keeps its last
 * key; the next user gets a different one, so a stale STag misses.
 */

/* Grow the table to hold index idx; doubling, bounded by max_stags. */
static int
stag_grow(struct eng *e, uint32_t idx)
{
	uint32_t ncap;
	void *p;

	if (idx < e->stag_cap)
		return 0;
	ncap = e->stag_cap ? e->stag_cap * 2 : 64;
	while (ncap <= idx)
		ncap *= 2;
	if (ncap > e->lim.max_stags + 1)
		ncap = e->lim.max_stags + 1;
	if ((p = realloc(e->stags, ncap * sizeof(*e->stags))) == NULL)
		return -ENOMEM;
	e->stags = p;
	if ((p = realloc(e->stag_next, ncap * sizeof(uint32_t))) == NULL)
		return -ENOMEM;
	e->stag_next = p;
	if ((p = realloc(e->stag_key, ncap)) == NULL)
		return -ENOMEM;
	e->stag_key = p;
	memset(e->stags + e->stag_cap, 0,
	    (ncap - e->stag_cap) * sizeof(*e->stags));
	memset(e->stag_key + e->stag_cap, 0, ncap - e->stag_cap);
	e->stag_cap = ncap;
	return 0;
}

/* Give mr a fresh STag. */
static int
stag_alloc(struct eng *e, struct eng_mr *mr)
{
	uint32_t idx;
	uint8_t key;

	if (e->stag_free != 0) {
		idx = e->stag_free;
		e->stag_free = e->stag_next[idx];
	} else {
		if (e->stag_hw >= e->lim.max_stags)
			return -ENOSPC;
		idx = e->stag_hw + 1;
		if (stag_grow(e, idx) != 0)
			return -ENOMEM;
		e->stag_hw = idx;
	}
	e->env.random(e->env.arg, &key, 1);
	if (key == e->stag_key[idx])
		key++;
	e->stag_key[idx] = key;
	e->stags[idx] = mr;
	mr->stag = idx << 8 | key;
	return 0;
}

/* Return mr's index to the free list; its STag now misses. */
static void
stag_release(struct eng *e, struct eng_mr *mr)
{
	uint32_t idx = mr->stag >> 8;

	e->stags[idx] = NULL;
	e->stag_next[idx] = e->stag_free;
	e->stag_free = idx;
}

/* O(1): the object an STag names (index and key match), or NULL. */
struct eng_mr *
stag_lookup(struct eng *e, uint32_t stag)
{
	uint32_t idx = stag >> 8;
	struct eng_mr *mr;

	if (idx == 0 || idx >= e->stag_cap)
		return NULL;
	mr = e->stags[idx];
	if (mr == NULL || mr->stag != stag)
		return NULL;
	return mr;
}

/* The object of owner o named by stag, or NULL (another owner's: NULL). */
static struct eng_mr *
stag_owned(struct eng_owner *o, uint32_t stag)
{
	struct eng_mr *mr = stag_lookup(o->e, stag);

	return mr != NULL && mr->owner == o ? mr : NULL;
}

/* Unlink and free one object; the caller checked that it may go. */
static void
stag_destroy(struct eng_mr *mr)
{
	struct eng_owner *o = mr->owner;

	if (mr->parent != NULL)
		mr->parent->binds--;
	stag_release(o->e, mr);
	TAILQ_REMOVE(&o->mrs, mr, entry);
	o->nmr--;
	if (mr->kind == ENG_MR_REGION)
		o->mr_bytes -= mr->len;
	eng_pd_unref(mr->pd);
	free(mr);
}

/* A new object of pd with a fresh STag, counted against the limits. */
static int
stag_new(struct eng_pd *pd, int kind, uint64_t bytes, struct eng_mr **mrp)
{
	struct eng_owner *o = pd->owner;
	struct eng *e = o->e;
	struct eng_mr *mr;
	int rc;

	if (o->nmr >= e->lim.max_mr)
		return -ENOSPC;
	if (bytes > e->lim.max_mr_bytes - o->mr_bytes)
		return -ENOSPC;
	if ((mr = calloc(1, sizeof(*mr))) == NULL)
		return -ENOMEM;
	if ((rc = stag_alloc(e, mr)) != 0) {
		free(mr);
		return rc;
	}
	mr->owner = o;
	mr->pd = pd;
	mr->kind = (uint8_t)kind;
	eng_pd_ref(pd);
	TAILQ_INSERT_TAIL(&o->mrs, mr, entry);
	o->nmr++;
	o->mr_bytes += bytes;
	*mrp = mr;
	return 0;
}

int
eng_mr_reg(struct eng_pd *pd, void *base, uint64_t iova, uint64_t len,
    uint32_t access, uint32_t *stag)
{
	const uint32_t all = ENG_ACCESS_LOCAL_WRITE | ENG_ACCESS_REMOTE_WRITE |
	    ENG_ACCESS_REMOTE_READ | ENG_ACCESS_REMOTE_ATOMIC |
	    ENG_ACCESS_MW_BIND;
	struct eng_mr *mr;
	int rc;

	if (base == NULL || len == 0 || iova > UINT64_MAX - len ||
	    (access & ~all) != 0)
		return -EINVAL;
	/* Remote write or atomic needs local write (as with verbs). */
	if ((access & (ENG_ACCESS_REMOTE_WRITE | ENG_ACCESS_REMOTE_ATOMIC)) &&
	    !(access & ENG_ACCESS_LOCAL_WRITE))
		return -EINVAL;
	if ((rc = stag_new(pd, ENG_MR_REGION, len, &mr)) != 0)
		return rc;
	mr->base = base;
	mr->iova = iova;
	mr->len = len;
	mr->access = access;
	mr->valid = true;
	*stag = mr->stag;
	return 0;
}

int
eng_mr_dereg(struct eng_owner *o, uint32_t stag)
{
	struct eng_mr *mr = stag_owned(o, stag);

	if (mr == NULL || mr->kind != ENG_MR_REGION)
		return -ENOENT;
	if (mr->binds != 0)
		return -EBUSY;		/* windows still bound to it */
	stag_destroy(mr);
	return 0;
}

int
eng_mw_alloc(struct eng_pd *pd, int type, uint32_t *stag)
{
	struct eng_mr *mr;
	int rc;

	if (type != 1 && type != 2)
		return -EINVAL;
	if ((rc = stag_new(pd, type == 1 ? ENG_MR_MW1 : ENG_MR_MW2, 0,
	    &mr)) != 0)
		return rc;
	*stag = mr->stag;		/* unbound: refuses every access */
	return 0;
}

int
eng_mw_dealloc(struct eng_owner *o, uint32_t stag)
{
	struct eng_mr *mr = stag_owned(o, stag);

	if (mr == NULL || mr->kind == ENG_MR_REGION)
		return -ENOENT;
	stag_destroy(mr);
	return 0;
}

/* Free every STag of an owner (windows first: they hold regions). */
void
stag_free_all(struct eng_owner *o)
{
	struct eng_mr *mr, *next;

	for (mr = TAILQ_FIRST(&o->mrs); mr != NULL; mr = next) {
		next = TAILQ_NEXT(mr, entry);
		if (mr->kind != ENG_MR_REGION)
			stag_destroy(mr);
	}
	while ((mr = TAILQ_FIRST(&o->mrs)) != NULL)
		stag_destroy(mr);
}

/*
 * Resolve n local SGEs (client addresses inside this owner's regions of
 * the QP's PD) to daemon addresses.  Zero-length SGEs are skipped
 * unchecked.  need: access the region must grant (LOCAL_WRITE for a
 * sink).  Returns 0 or RDMAD_WC_LOC_PROT_ERR / RDMAD_WC_LOC_LEN_ERR.
 */
int
stag_sgl(struct eng_qp *qp, const struct rdmad_shm_sge *sge, int n,
    uint32_t need, struct eng_sgl *out)
{
	struct eng_mr *mr;
	uint64_t total = 0;
	int i, k = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		if (sge[i].length == 0)
			continue;
		mr = stag_owned(qp->owner, sge[i].lkey);
		if (mr == NULL || mr->kind != ENG_MR_REGION || !mr->valid ||
		    mr->pd != qp->pd || (mr->access & need) != need)
			return RDMAD_WC_LOC_PROT_ERR;
		if (sge[i].addr < mr->iova ||
		    sge[i].length > mr->len - (sge[i].addr - mr->iova) ||
		    sge[i].addr - mr->iova > mr->len)
			return RDMAD_WC_LOC_PROT_ERR;
		out->p[k] = mr->base + (sge[i].addr - mr->iova);
		out->len[k] = sge[i].length;
		total += sge[i].length;
		k++;
	}
	if (total > UINT32_MAX)
		return RDMAD_WC_LOC_LEN_ERR;	/* RFC 5041 §5.2: < 2^32 */
	out->n = k;
	out->total = (uint32_t)total;
	return 0;
}

/*
 * Validate remote access to [to, to+len) through stag before placement
 * or before reading (RFC 5041 §7.1 tagged checks 1-5; RFC 5040 §7.2 4a-4e
 * when rdmap).  Order: valid (an STag of another owner, unknown, stale,
 * invalidated or unbound is invalid), associated with this stream (the
 * QP's PD; a type 2 window also this QP, RFC 5042 §5), access rights,
 * TO wrap, then bounds.  DDP has no access rights code: a tagged segment
 * to an STag that does not allow placement is "Invalid STag" (check 2).
 * A zero-length access is not checked (RFC 5041 §5.2).
 */
enum wire_err
stag_check_tagged(struct eng_qp *qp, uint32_t stag, uint64_t to,
    uint64_t len, uint32_t need, bool rdmap, uint8_t **ptr)
{
	struct eng_mr *mr = stag_owned(qp->owner, stag);

	*ptr = NULL;
	if (len == 0)
		return WIRE_OK;
	if (mr == NULL || !mr->valid ||
	    (mr->parent != NULL && !mr->parent->valid))
		return rdmap ? WIRE_E_RDMAP_INV_STAG : WIRE_E_DDP_T_INV_STAG;
	if (mr->pd != qp->pd || (mr->kind == ENG_MR_MW2 && mr->qp != qp))
		return rdmap ? WIRE_E_RDMAP_STAG_NOT_ASSOC :
		    WIRE_E_DDP_T_STAG_NOT_ASSOC;
	if ((mr->access & need) != need)
		return rdmap ? WIRE_E_RDMAP_ACCESS : WIRE_E_DDP_T_INV_STAG;
	if (ddp_check_to_wrap(to, len) != WIRE_OK)
		return rdmap ? WIRE_E_RDMAP_TO_WRAP : WIRE_E_DDP_T_TO_WRAP;
	if (to < mr->iova || to - mr->iova > mr->len ||
	    len > mr->len - (to - mr->iova))
		return rdmap ? WIRE_E_RDMAP_BASE_BOUNDS : WIRE_E_DDP_T_BOUNDS;
	*ptr = mr->base + (to - mr->iova);
	return WIRE_OK;
}

/* Unbind a window (it stays allocated and invalid). */
static void
stag_unbind(struct eng_mr *mw)
{
	if (mw->parent != NULL)
		mw->parent->binds--;
	mw->parent = NULL;
	mw->qp = NULL;
	mw->valid = false;
}

/*
 * Bind a window (RFC 5040 §2.4 "Bind", RFC 5042 §5), as shm_abi.h lays
 * it out: sqe->rkey names the window, bind_mr_lkey the region, the range
 * is [remote_addr, remote_addr + compare_add), bind_access the remote
 * rights (LOCAL_WRITE is ignored).  A type 2 window must be unbound
 * (invalid) and becomes associated with this QP; a type 1 window may be
 * rebound, and a zero length unbinds it.  Returns 0 or
 * RDMAD_WC_MW_BIND_ERR.
 */
int
stag_bind(struct eng_qp *qp, const struct rdmad_shm_sqe *w)
{
	const uint32_t remote = ENG_ACCESS_REMOTE_WRITE |
	    ENG_ACCESS_REMOTE_READ | ENG_ACCESS_REMOTE_ATOMIC;
	struct eng_mr *mw = stag_owned(qp->owner, w->rkey), *mr;
	uint64_t addr = w->remote_addr, len = w->compare_add;
	uint32_t access = w->bind_access & ~ENG_ACCESS_LOCAL_WRITE;

	if (mw == NULL || mw->kind == ENG_MR_REGION || mw->pd != qp->pd)
		return RDMAD_WC_MW_BIND_ERR;
	if (mw->kind == ENG_MR_MW2 && mw->valid)
		return RDMAD_WC_MW_BIND_ERR;
	if (mw->kind == ENG_MR_MW1 && len == 0) {
		stag_unbind(mw);
		return 0;
	}
	mr = stag_owned(qp->owner, w->bind_mr_lkey);
	if (mr == NULL || mr->kind != ENG_MR_REGION || !mr->valid ||
	    mr->pd != qp->pd || !(mr->access & ENG_ACCESS_MW_BIND))
		return RDMAD_WC_MW_BIND_ERR;
	if ((access & ~remote) != 0 || len == 0 ||
	    addr < mr->iova || addr - mr->iova > mr->len ||
	    len > mr->len - (addr - mr->iova))
		return RDMAD_WC_MW_BIND_ERR;
	if ((access & (ENG_ACCESS_REMOTE_WRITE | ENG_ACCESS_REMOTE_ATOMIC)) &&
	    !(mr->access & ENG_ACCESS_LOCAL_WRITE))
		return RDMAD_WC_MW_BIND_ERR;
	stag_unbind(mw);
	mw->parent = mr;
	mr->binds++;
	mw->base = mr->base + (addr - mr->iova);
	mw->iova = addr;
	mw->len = len;
	mw->access = access;
	mw->qp = mw->kind == ENG_MR_MW2 ? qp : NULL;
	mw->valid = true;
	return 0;
}

/*
 * Local Invalidate: a region or a type 2 window of this owner and PD
 * stops granting access.  Returns 0, RDMAD_WC_LOC_PROT_ERR (not ours) or
 * RDMAD_WC_LOC_QP_OP_ERR (a type 1 window: unbind it instead).
 */
int
stag_local_inv(struct eng_qp *qp, uint32_t stag)
{
	struct eng_mr *mr = stag_owned(qp->owner, stag);

	if (mr == NULL || mr->pd != qp->pd)
		return RDMAD_WC_LOC_PROT_ERR;
	if (mr->kind == ENG_MR_MW1)
		return RDMAD_WC_LOC_QP_OP_ERR;
	if (mr->kind == ENG_MR_MW2)
		stag_unbind(mr);
	else
		mr->valid = false;
	return 0;
}

/*
 * Send with Invalidate at the Data Sink (RFC 5040 §5.3, §7.2 checks 4
 * and 5): the STag must be valid, else Invalid STag (0/1/0x00); only a
 * type 2 window bound through this QP can be invalidated remotely, any
 * other STag is "STag cannot be Invalidated" (0/1/0x09).
 */
enum wire_err
stag_remote_inv(struct eng_qp *qp, uint32_t stag)
{
	struct eng_mr *mr = stag_owned(qp->owner, stag);

	if (mr == NULL || !mr->valid)
		return WIRE_E_RDMAP_INV_STAG;
	if (mr->kind != ENG_MR_MW2 || mr->qp != qp || mr->pd != qp->pd)
		return WIRE_E_RDMAP_PROT_CANT_INVALIDATE;
	stag_unbind(mr);
	return WIRE_OK;
}

/* The QP goes away: type 2 windows bound through it are invalidated. */
void
stag_qp_gone(struct eng_qp *qp)
{
	struct eng_mr *mr;

	TAILQ_FOREACH(mr, &qp->owner->mrs, entry)
		if (mr->kind == ENG_MR_MW2 && mr->qp == qp)
			stag_unbind(mr);
}

/*
 * The iovecs covering [off, off+len) of a scatter/gather list.  Returns
 * their count (0 for len 0), or -1 when the range leaves the list or
 * needs more than max entries.
 */
int
eng_sgl_iov(const struct eng_sgl *s, uint32_t off, uint32_t len,
    struct iovec *iov, int max)
{
	uint32_t n;
	int i, k = 0;

	if (len == 0)
		return 0;
	if (off > s->total || len > s->total - off)
		return -1;
	for (i = 0; i < s->n && len > 0; i++) {
		if (off >= s->len[i]) {
			off -= s->len[i];
			continue;
		}
		if (k == max)
			return -1;
		n = s->len[i] - off;
		if (n > len)
			n = len;
		iov[k].iov_base = s->p[i] + off;
		iov[k].iov_len = n;
		k++;
		len -= n;
		off = 0;
	}
	return len == 0 ? k : -1;
}
