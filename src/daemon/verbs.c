/* verbs.c — verbs object requests of a session, glued to the engine. */
#include "config.h"

#include <sys/random.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "daemon/session.h"
#include "engine/engine.h"
#include "wire/ctlverbs.h"

#include "rdmad/shm_abi.h"

/*
 * Nothing a client sends is trusted: every id is looked up in its own
 * session, every length and offset is bounds-checked before the engine
 * sees an address, every count is held to rdmad.conf's limits (read at
 * request time, so a reload applies to new objects).
 */

/* Reply buffer big enough for any verbs reply. */
#define VERBS_REPLY_MAX	(CTL_HDR_LEN + 512)

/* Engine callback: unpredictable octets for STag keys (RFC 5042 §5). */
static void
verbs_random(void *arg, void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = getrandom(p, len, 0)) == -1) {
			if (errno == EINTR)
				continue;
			fatal("eng", "getrandom");
		}
		p += n;
		len -= (size_t)n;
	}
}

/* Engine callback: an armed CQ completed: ring the client's eventfd. */
static void
verbs_cq_notify(void *arg, struct eng_cq *cq)
{
	struct sess_obj *o = eng_cq_cookie(cq);
	uint64_t one = 1;

	if (o == NULL || o->u.cq.efd == -1)
		return;
	/* The client's eventfd; a full counter just means "already rung". */
	if (write(o->u.cq.efd, &one, sizeof(one)) == -1 && errno != EAGAIN)
		log_warn("eng", "cq %u: eventfd", o->id);
}

/* Engine callback: a QP changed state. */
static void
verbs_qp_state(void *arg, struct eng_qp *qp)
{
	struct sess_obj *o = eng_qp_cookie(qp);

	if (o != NULL) {
		admin_qp_state(o);
		conn_qp_state(o);
	}
}

/* Engine callback: a diagnostic line. */
static void
verbs_log(void *arg, int level, const char *msg)
{
	log_msg(level, "eng", "%s", msg);
}

/* Create the engine with the configured limits. */
int
verbs_init(char **cause)
{
	static const struct eng_env env = {
		.arg = NULL,
		.random = verbs_random,
		.cq_notify = verbs_cq_notify,
		.qp_state = verbs_qp_state,
		.log = verbs_log,
	};
	const struct cfg_limits *l = &rdmad.conf->limits;
	struct eng_limits lim = {
		.max_qp = l->max_qps,
		.max_cq = l->max_cqs,
		.max_mr = l->max_regions,
		.max_mr_bytes = l->max_reg_bytes,
		.max_cq_depth = l->max_cq_depth,
		.max_wr = l->max_wr,
		.max_ord = l->max_ord,
		.max_ird = l->max_ird,
		.max_stags = l->max_stags,
	};
	int r;

	if ((r = eng_create(&env, &lim, &rdmad.eng)) != 0) {
		xasprintf(cause, "engine: %s", strerror(r < 0 ? -r : r));
		return -1;
	}
	return 0;
}

void
verbs_shutdown(void)
{
	if (rdmad.eng != NULL)
		eng_destroy(rdmad.eng);
	rdmad.eng = NULL;
}

/* An engine return value as a RESULT code. */
uint32_t
verbs_code(int r)
{
	if (r < 0)
		return (uint32_t)-r;
	return r > 0 ? (uint32_t)r : EIO;
}

/* Is fd an eventfd?  (The fd table says so; its flags do not.) */
static bool
verbs_is_eventfd(int fd)
{
	char path[64], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((n = readlink(path, link, sizeof(link) - 1)) == -1)
		return false;
	link[n] = '\0';
	return strcmp(link, "anon_inode:[eventfd]") == 0;
}

/* OBJ_REPLY {id, value}. */
int
verbs_obj_reply(struct sess *s, uint32_t reqid, uint32_t id, uint64_t value)
{
	struct ctlv_obj_reply m = { .id = id, .value = value };
	uint8_t buf[VERBS_REPLY_MAX];

	return sess_send(s, buf, ctlv_obj_reply_encode(reqid, &m, buf,
	    sizeof(buf)), -1);
}

/* MEM_REG: map the client's memfd once, within the per-client bounds. */
static int
verbs_mem_reg(struct sess *s, uint32_t reqid, const union ctlv_any *m,
    int fd)
{
	const struct cfg_limits *l = &rdmad.conf->limits;
	const struct ctlv_mem_reg *r = &m->mem_reg;
	struct sess_obj *o;
	const char *why;
	void *addr;

	if (s->nregions >= l->max_regions) {
		close(fd);
		return sess_result(s, reqid, ENOSPC, "limits.max_regions (%u) "
		    "reached", l->max_regions);
	}
	if (r->length == 0 || r->length > l->max_reg_bytes ||
	    s->mapped + r->length > l->max_reg_bytes) {
		close(fd);
		return sess_result(s, reqid, r->length ? ENOSPC : EINVAL,
		    "length %llu: limits.max_reg_bytes is %llu, %llu mapped",
		    (unsigned long long)r->length,
		    (unsigned long long)l->max_reg_bytes,
		    (unsigned long long)s->mapped);
	}
	if (shm_map_client(fd, r->length, &addr, &why) == -1) {
		close(fd);
		return sess_result(s, reqid, EINVAL, "MEM_REG: %s", why);
	}
	close(fd);
	o = sess_obj_new(s, SESS_MEM, sess_new_id());
	o->u.mem.addr = addr;
	o->u.mem.len = (size_t)r->length;
	o->u.mem.base = r->base;
	s->nregions++;
	s->mapped += r->length;
	log_debug("shm", "client %u: mem %u: %llu octets", s->id, o->id,
	    (unsigned long long)r->length);
	return verbs_obj_reply(s, reqid, o->id, r->length);
}

/* PD_ALLOC. */
static int
verbs_pd_alloc(struct sess *s, uint32_t reqid, const union ctlv_any *m,
    int fd)
{
	struct eng_pd *pd;
	struct sess_obj *o;
	int r;

	if ((r = eng_pd_create(s->owner, &pd)) != 0)
		return sess_result(s, reqid, verbs_code(r), "PD_ALLOC failed");
	o = sess_obj_new(s, SESS_PD, sess_new_id());
	o->u.pd.pd = pd;
	return verbs_obj_reply(s, reqid, o->id, 0);
}

/* MR_REG: base = mapping + offset, after the bounds checks. */
static int
verbs_mr_reg(struct sess *s, uint32_t reqid, const union ctlv_any *m,
    int fd)
{
	const struct ctlv_mr_reg *r = &m->mr_reg;
	struct sess_obj *pd, *mem, *o;
	uint32_t stag;
	int rv;

	if ((pd = sess_obj_find(s, SESS_PD, r->pd)) == NULL)
		return sess_result(s, reqid, ENOENT, "no PD %u", r->pd);
	if ((mem = sess_obj_find(s, SESS_MEM, r->mem)) == NULL)
		return sess_result(s, reqid, ENOENT, "no memory %u", r->mem);
	if (r->access & ~CTLV_ACCESS_ALL)
		return sess_result(s, reqid, EINVAL, "unknown access bits "
		    "%#x", r->access);
	if (r->length == 0 || r->offset > mem->u.mem.len ||
	    r->length > mem->u.mem.len - r->offset)
		return sess_result(s, reqid, EINVAL, "[%llu, +%llu) is not "
		    "inside memory %u (%zu octets)",
		    (unsigned long long)r->offset,
		    (unsigned long long)r->length, mem->id, mem->u.mem.len);
	if (s->nregions >= rdmad.conf->limits.max_regions)
		return sess_result(s, reqid, ENOSPC, "limits.max_regions "
		    "reached");
	rv = eng_mr_reg(pd->u.pd.pd, (uint8_t *)mem->u.mem.addr + r->offset,
	    r->iova, r->length, r->access, &stag);
	if (rv != 0)
		return sess_result(s, reqid, verbs_code(rv), "MR_REG refused "
		    "by the engine");
	o = sess_obj_new(s, SESS_MR, stag);
	o->u.mr.mem = mem;
	o->u.mr.pd = pd;
	o->u.mr.len = r->length;
	o->u.mr.access = r->access;
	mem->refs++;
	pd->refs++;
	s->nregions++;
	return verbs_obj_reply(s, reqid, stag, 0);
}

/* MW_ALLOC: a window of type 1 or 2. */
static int
verbs_mw_alloc(struct sess *s, uint32_t reqid, const union ctlv_any *m,
    int fd)
{
	const struct ctlv_mw_alloc *r = &m->mw_alloc;
	struct sess_obj *pd, *o;
	uint32_t stag;
	int rv;

	if ((pd = sess_obj_find(s, SESS_PD, r->pd)) == NULL)
		return sess_result(s, reqid, ENOENT, "no PD %u", r->pd);
	if (r->type != 1 && r->type != 2)
		return sess_result(s, reqid, EINVAL, "window type %u is not 1 "
		    "or 2", r->type);
	if (s->nregions >= rdmad.conf->limits.max_regions)
		return sess_result(s, reqid, ENOSPC, "limits.max_regions "
		    "reached");
	if ((rv = eng_mw_alloc(pd->u.pd.pd, (int)r->type, &stag)) != 0)
		return sess_result(s, reqid, verbs_code(rv), "MW_ALLOC refused "
		    "by the engine");
	o = sess_obj_new(s, SESS_MR, stag);
	o->u.mr.pd = pd;
	o->u.mr.mw_type = r->type;
	pd->refs++;
	s->nregions++;
	return verbs_obj_reply(s, reqid, stag, 0);
}

/* CQ_CREATE: a sealed memfd with the control page and the CQE ring. */
static int
verbs_cq_create(struct sess *s, uint32_t reqid, const union ctlv_any *m,
    int fd)
{
	const struct cfg_limits *l = &rdmad.conf->limits;
	uint32_t depth = m->cq_create.depth;
	struct rdmad_shm_cq_ctrl *ctrl;
	struct ctlv_cq_reply rep;
	uint8_t buf[VERBS_REPLY_MAX];
	struct sess_obj *o;
	struct eng_cq *cq;
	size_t len;
	void *map;
	int memfd, rv;

	if (!verbs_is_eventfd(fd)) {
		close(fd);
		return sess_result(s, reqid, EINVAL, "CQ_CREATE needs an "
		    "eventfd");
	}
	if (depth == 0 || depth > l->max_cq_depth) {
		close(fd);
		return sess_result(s, reqid, EINVAL, "depth %u is not in "
		    "1..%u", depth, l->max_cq_depth);
	}
	if (s->ncqs >= l->max_cqs) {
		close(fd);
		return sess_result(s, reqid, ENOSPC, "limits.max_cqs (%u) "
		    "reached", l->max_cqs);
	}
	len = shm_round(RDMAD_SHM_PAGE + (size_t)depth *
	    sizeof(struct rdmad_shm_cqe));
	if (shm_create("rdmad-cq", len, &memfd, &map) == -1) {
		close(fd);
		return sess_result(s, reqid, ENOMEM, "cannot create the CQ "
		    "memory");
	}
	o = sess_obj_new(s, SESS_CQ, sess_new_id());
	ctrl = map;
	ctrl->abi_version = RDMAD_SHM_ABI_VERSION;
	ctrl->cq_num = o->id;
	ctrl->depth = depth;
	ctrl->cqe_offset = RDMAD_SHM_PAGE;
	rv = eng_cq_create(s->owner, ctrl, (struct rdmad_shm_cqe *)(void *)
	    ((uint8_t *)map + RDMAD_SHM_PAGE), depth, o->id, &cq);
	if (rv != 0) {
		sess_obj_free(o);
		shm_unmap(map, len);
		close(memfd);
		close(fd);
		return sess_result(s, reqid, verbs_code(rv), "CQ_CREATE "
		    "refused by the engine");
	}
	eng_cq_set_cookie(cq, o);
	o->u.cq.cq = cq;
	o->u.cq.efd = fd;
	o->u.cq.map = map;
	o->u.cq.maplen = len;
	s->ncqs++;
	rep.cq = o->id;
	rep.depth = depth;
	rep.object_len = len;
	return sess_send(s, buf, ctlv_cq_reply_encode(reqid, &rep, buf,
	    sizeof(buf)), memfd);
}

/*
 * The client rang a QP's doorbell: wake the engine.  The doorbell is
 * watched edge-triggered (EV_ET): epoll reports every write to an
 * eventfd, so the counter need not be read back (one system call less
 * per post); it cannot overflow (2^64 - 2 posts).
 */
static void
verbs_db_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sess_obj *o = arg;

	(void)fd;
	(void)what;
	eng_qp_doorbell(o->u.qp.qp);
}

/*
 * The QP memory object: control fields, SQ, RQ (shm_abi.h, ABI 2): the
 * rings follow the 64 octets of fields inside the control page, so small
 * queues (128 x sq_depth + 80 x rq_depth <= 4032 octets, e.g. 19 and 19)
 * take one page.
 */
static size_t
verbs_qp_layout(uint32_t sq, uint32_t rq, uint64_t *sq_off, uint64_t *rq_off)
{
	*sq_off = RDMAD_SHM_QP_HDR;
	*rq_off = *sq_off + (uint64_t)sq * sizeof(struct rdmad_shm_sqe);
	return shm_round((size_t)(*rq_off + (uint64_t)rq *
	    sizeof(struct rdmad_shm_rqe)));
}

/* Undo a half-made QP. */
static int
verbs_qp_fail(struct sess *s, uint32_t reqid, struct sess_obj *o,
    void *map, size_t len, int memfd, int fd, uint32_t code, const char *why)
{
	sess_obj_free(o);
	shm_unmap(map, len);
	if (memfd != -1)
		close(memfd);
	close(fd);
	return sess_result(s, reqid, code, "%s", why);
}

/* QP_CREATE: memory object, engine QP, doorbell event. */
static int
verbs_qp_create(struct sess *s, uint32_t reqid, const union ctlv_any *m,
    int fd)
{
	const struct cfg_limits *l = &rdmad.conf->limits;
	const struct ctlv_qp_create *r = &m->qp_create;
	struct rdmad_shm_qp_ctrl *ctrl;
	struct sess_obj *pd, *scq, *rcq, *o;
	struct ctlv_qp_reply rep;
	struct eng_qp_rings rings;
	uint8_t buf[VERBS_REPLY_MAX];
	uint64_t sq_off, rq_off;
	struct eng_qp *qp;
	size_t len;
	void *map;
	int memfd, rv;

	pd = sess_obj_find(s, SESS_PD, r->pd);
	scq = sess_obj_find(s, SESS_CQ, r->send_cq);
	rcq = sess_obj_find(s, SESS_CQ, r->recv_cq);
	if (pd == NULL || scq == NULL || rcq == NULL) {
		close(fd);
		return sess_result(s, reqid, ENOENT, "no %s %u", pd == NULL ?
		    "PD" : "CQ", pd == NULL ? r->pd : scq == NULL ?
		    r->send_cq : r->recv_cq);
	}
	if (!verbs_is_eventfd(fd)) {
		close(fd);
		return sess_result(s, reqid, EINVAL, "QP_CREATE needs an "
		    "eventfd");
	}
	if (r->sq_depth == 0 || r->sq_depth > l->max_wr ||
	    r->rq_depth == 0 || r->rq_depth > l->max_wr) {
		close(fd);
		return sess_result(s, reqid, EINVAL, "queue depths %u/%u are "
		    "not in 1..%u", r->sq_depth, r->rq_depth, l->max_wr);
	}
	if (s->nqps >= l->max_qps) {
		close(fd);
		return sess_result(s, reqid, ENOSPC, "limits.max_qps (%u) "
		    "reached", l->max_qps);
	}
	len = verbs_qp_layout(r->sq_depth, r->rq_depth, &sq_off, &rq_off);
	if (shm_create("rdmad-qp", len, &memfd, &map) == -1) {
		close(fd);
		return sess_result(s, reqid, ENOMEM, "cannot create the QP "
		    "memory");
	}
	o = sess_obj_new(s, SESS_QP, sess_new_id());
	ctrl = map;
	ctrl->abi_version = RDMAD_SHM_ABI_VERSION;
	ctrl->qp_num = o->id;
	ctrl->sq_depth = r->sq_depth;
	ctrl->rq_depth = r->rq_depth;
	ctrl->sq_offset = sq_off;
	ctrl->rq_offset = rq_off;
	/*
	 * The daemon always waits on the doorbell (shm_abi.h handshake with
	 * sq_sleeping never cleared): the client rings after each post and
	 * verbs_db_cb() hands the ring to the engine.  Correct, if one
	 * system call per post; skipping doorbells while the engine is busy
	 * needs an engine call that says whether the SQ is drained.
	 */
	__atomic_store_n(&ctrl->sq_sleeping, 1, __ATOMIC_SEQ_CST);
	rings.ctrl = ctrl;
	rings.sq = (struct rdmad_shm_sqe *)(void *)((uint8_t *)map + sq_off);
	rings.rq = (struct rdmad_shm_rqe *)(void *)((uint8_t *)map + rq_off);
	rings.sq_depth = r->sq_depth;
	rings.rq_depth = r->rq_depth;
	rv = eng_qp_create(pd->u.pd.pd, scq->u.cq.cq, rcq->u.cq.cq, &rings,
	    o->id, &qp);
	if (rv != 0)
		return verbs_qp_fail(s, reqid, o, map, len, memfd, fd,
		    verbs_code(rv), "QP_CREATE refused by the engine");
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1 ||
	    (o->u.qp.ev_db = event_new(rdmad.base, fd, EV_READ | EV_PERSIST |
	    EV_ET, verbs_db_cb, o)) == NULL || event_add(o->u.qp.ev_db, NULL) == -1) {
		if (o->u.qp.ev_db != NULL)
			event_free(o->u.qp.ev_db);
		eng_qp_destroy(qp);
		return verbs_qp_fail(s, reqid, o, map, len, memfd, fd, EIO,
		    "cannot watch the doorbell");
	}
	eng_qp_set_cookie(qp, o);
	o->u.qp.qp = qp;
	o->u.qp.pd = pd;
	o->u.qp.scq = scq;
	o->u.qp.rcq = rcq;
	o->u.qp.dbfd = fd;
	o->u.qp.map = map;
	o->u.qp.maplen = len;
	o->u.qp.ord = r->ord < l->max_ord ? r->ord : l->max_ord;
	o->u.qp.ird = r->ird < l->max_ird ? r->ird : l->max_ird;
	pd->refs++;
	scq->refs++;
	rcq->refs++;
	s->nqps++;
	rep.qp = o->id;
	rep.sq_depth = r->sq_depth;
	rep.rq_depth = r->rq_depth;
	rep.ord = o->u.qp.ord;
	rep.ird = o->u.qp.ird;
	rep.object_len = len;
	return sess_send(s, buf, ctlv_qp_reply_encode(reqid, &rep, buf,
	    sizeof(buf)), memfd);
}

/* The creating requests; verbs_free.c handles the rest. */
const struct verbs_handler verbs_create_handlers[] = {
	{ CTL_MSG_MEM_REG, verbs_mem_reg },
	{ CTL_MSG_PD_ALLOC, verbs_pd_alloc },
	{ CTL_MSG_MR_REG, verbs_mr_reg },
	{ CTL_MSG_MW_ALLOC, verbs_mw_alloc },
	{ CTL_MSG_CQ_CREATE, verbs_cq_create },
	{ CTL_MSG_QP_CREATE, verbs_qp_create },
	{ 0, NULL }
};
