/* api_qp.c — librdmad CQs, QPs and the data-path entry points. */
#include "config.h"

#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib.h"

_Static_assert(RDMAD_TRANSPORT_AUTO == CTLV_TRANSPORT_AUTO &&
    RDMAD_TRANSPORT_SCTP == CTLV_TRANSPORT_SCTP &&
    RDMAD_TRANSPORT_TCP == CTLV_TRANSPORT_TCP, "transport numbers");
_Static_assert(RDMAD_QPS_IDLE == CTLV_QPS_IDLE &&
    RDMAD_QPS_CONNECTING == CTLV_QPS_CONNECTING &&
    RDMAD_QPS_RTS == CTLV_QPS_RTS && RDMAD_QPS_CLOSING == CTLV_QPS_CLOSING &&
    RDMAD_QPS_TERMINATE == CTLV_QPS_TERMINATE &&
    RDMAD_QPS_ERROR == CTLV_QPS_ERROR, "QP state numbers");

/*
 * Map a memfd the daemon sent for an object of object_len octets; the
 * fd is closed in every case (the mapping keeps the object alive).
 */
static void *
lib_map_object(struct rdmad_ctx *ctx, int fd, uint64_t object_len)
{
	struct stat st;
	void *p;

	if (object_len < RDMAD_SHM_PAGE || object_len > SIZE_MAX ||
	    fstat(fd, &st) < 0 || st.st_size < 0 ||
	    (uint64_t)st.st_size < object_len) {
		(void)close(fd);
		(void)lib_err(ctx->err, -EPROTO,
		    "rdmad sent a bad shared-memory object");
		return NULL;
	}
	p = mmap(NULL, (size_t)object_len, PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0);
	(void)close(fd);
	if (p == MAP_FAILED) {
		(void)lib_err(ctx->err, -ENOMEM, "mmap of a queue failed");
		return NULL;
	}
	return p;
}

/* ---- completion queues ------------------------------------------------- */

/* CQ_CREATE with our eventfd; map and check the CQ object. */
int
rdmad_create_cq(rdmad_ctx_t *ctx, unsigned int depth, struct rdmad_cq **cqp)
{
	struct ctlv_cq_create m = { depth };
	struct rdmad_cq *cq;
	union ctlv_any out;
	int n, rfd;

	*cqp = NULL;
	if (depth == 0 || depth > UINT32_MAX)
		return lib_err(ctx->err, -EINVAL, "bad CQ depth");
	if ((cq = calloc(1, sizeof(*cq))) == NULL)
		return lib_err(ctx->err, -ENOMEM, "out of memory");
	if ((cq->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
		n = -errno;
		free(cq);
		return lib_err(ctx->err, n, "eventfd: %s", rdmad_strerror(n));
	}
	n = ctlv_cq_create_encode(lib_conn_reqid(&ctx->conn), &m,
	    ctx->conn.buf, sizeof(ctx->conn.buf));
	if ((n = lib_conn_request(&ctx->conn, n, cq->efd, CTL_MSG_CQ_REPLY,
	    &out, &rfd, LIB_TIMEOUT_MS)) < 0)
		goto fail;
	cq->id = out.cq_reply.cq;
	cq->map_len = (size_t)out.cq_reply.object_len;
	if ((cq->map = lib_map_object(ctx, rfd, out.cq_reply.object_len)) ==
	    NULL) {
		n = -EPROTO;
		goto fail_daemon;
	}
	if (lib_cq_ring_attach(&cq->ring, cq->map, cq->map_len, cq->id,
	    out.cq_reply.depth) < 0 || out.cq_reply.depth < depth) {
		(void)munmap(cq->map, cq->map_len);
		n = lib_err(ctx->err, -EPROTO, "rdmad sent a bad CQ object");
		goto fail_daemon;
	}
	if ((cq->pfd = lib_cq_pollfd(ctx, cq->efd)) < 0) {
		(void)munmap(cq->map, cq->map_len);
		n = lib_err(ctx->err, cq->pfd, "epoll: %s",
		    rdmad_strerror(cq->pfd));
		goto fail_daemon;
	}
	cq->ctx = ctx;
	LIST_INSERT_HEAD(&ctx->cqs, cq, entry);
	*cqp = cq;
	return 0;

fail_daemon:
	(void)lib_destroy_req(ctx, CTL_MSG_CQ_DESTROY, cq->id);
fail:
	(void)close(cq->efd);
	free(cq);
	return n;
}

/* Local part of destroying a CQ. */
void
lib_cq_release(struct rdmad_cq *cq)
{
	LIST_REMOVE(cq, entry);
	(void)munmap(cq->map, cq->map_len);
	(void)close(cq->pfd);
	(void)close(cq->efd);
	free(cq);
}

/* CQ_DESTROY once no QP uses the CQ. */
int
rdmad_destroy_cq(struct rdmad_cq *cq)
{
	int r;

	if (cq->refs > 0)
		return lib_err(cq->ctx->err, -EBUSY,
		    "CQ still used by %u QP(s)", cq->refs);
	if ((r = lib_destroy_req(cq->ctx, CTL_MSG_CQ_DESTROY, cq->id)) < 0)
		return r;
	lib_cq_release(cq);
	return 0;
}

/* What is in the ring first; then, once empty, is the daemon there? */
int
rdmad_poll_cq(struct rdmad_cq *cq, int n, struct rdmad_wc *wc)
{
	int r = lib_cq_poll(&cq->ring, n, wc);

	if (r == 0 && n > 0 && lib_gone(cq->ctx, false))
		return -ENOTCONN;
	return r;
}

int
rdmad_req_notify_cq(struct rdmad_cq *cq, int solicited_only)
{
	if (lib_gone(cq->ctx, true))
		return -ENOTCONN;
	return lib_cq_arm(&cq->ring, solicited_only);
}

int
rdmad_cq_fd(const struct rdmad_cq *cq)
{
	return cq->pfd;
}

/* Read the eventfd counter: the notifications since the last read. */
int
rdmad_cq_ack_event(struct rdmad_cq *cq)
{
	uint64_t v;
	ssize_t n;

	do
		n = read(cq->efd, &v, sizeof(v));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n != sizeof(v))
		return -EIO;
	return v > INT32_MAX ? INT32_MAX : (int)v;
}

/* ---- queue pairs ------------------------------------------------------- */

/* QP_CREATE with our doorbell; map and check the QP object. */
int
rdmad_create_qp(struct rdmad_pd *pd, const struct rdmad_qp_attr *attr,
    struct rdmad_qp **qpp)
{
	struct rdmad_ctx *ctx = pd->ctx;
	struct ctlv_qp_create m;
	struct ctlv_qp_reply *rep;
	struct rdmad_qp *qp;
	union ctlv_any out;
	int n, rfd, db;

	*qpp = NULL;
	if (attr->send_cq == NULL || attr->recv_cq == NULL ||
	    attr->send_cq->ctx != ctx || attr->recv_cq->ctx != ctx ||
	    attr->sq_depth == 0 || attr->rq_depth == 0 ||
	    attr->sq_depth > UINT32_MAX || attr->rq_depth > UINT32_MAX ||
	    (unsigned int)attr->transport > RDMAD_TRANSPORT_TCP)
		return lib_err(ctx->err, -EINVAL, "bad QP attributes");
	if ((qp = calloc(1, sizeof(*qp))) == NULL)
		return lib_err(ctx->err, -ENOMEM, "out of memory");
	if ((db = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
		n = -errno;
		free(qp);
		return lib_err(ctx->err, n, "eventfd: %s", rdmad_strerror(n));
	}
	m.pd = pd->id;
	m.send_cq = attr->send_cq->id;
	m.recv_cq = attr->recv_cq->id;
	m.sq_depth = attr->sq_depth;
	m.rq_depth = attr->rq_depth;
	m.ord = attr->ord;
	m.ird = attr->ird;
	n = ctlv_qp_create_encode(lib_conn_reqid(&ctx->conn), &m,
	    ctx->conn.buf, sizeof(ctx->conn.buf));
	if ((n = lib_conn_request(&ctx->conn, n, db, CTL_MSG_QP_REPLY, &out,
	    &rfd, LIB_TIMEOUT_MS)) < 0)
		goto fail;
	rep = &out.qp_reply;
	qp->num = rep->qp;
	qp->map_len = (size_t)rep->object_len;
	if ((qp->map = lib_map_object(ctx, rfd, rep->object_len)) == NULL) {
		n = -EPROTO;
		goto fail_daemon;
	}
	if (lib_qp_ring_attach(&qp->ring, qp->map, qp->map_len, rep->qp,
	    rep->sq_depth, rep->rq_depth, db) < 0 ||
	    rep->sq_depth < attr->sq_depth || rep->rq_depth < attr->rq_depth) {
		(void)munmap(qp->map, qp->map_len);
		n = lib_err(ctx->err, -EPROTO, "rdmad sent a bad QP object");
		goto fail_daemon;
	}
	qp->pd = pd;
	qp->send_cq = attr->send_cq;
	qp->recv_cq = attr->recv_cq;
	qp->want = attr->transport;
	pd->refs++;
	qp->send_cq->refs++;
	qp->recv_cq->refs++;
	LIST_INSERT_HEAD(&ctx->qps, qp, entry);
	*qpp = qp;
	return 0;

fail_daemon:
	(void)lib_destroy_req(ctx, CTL_MSG_QP_DESTROY, qp->num);
fail:
	(void)close(db);
	free(qp);
	return n;
}

uint32_t
rdmad_qp_num(const struct rdmad_qp *qp)
{
	return qp->num;
}

/* Local part of destroying a QP. */
void
lib_qp_release(struct rdmad_qp *qp)
{
	LIST_REMOVE(qp, entry);
	qp->pd->refs--;
	qp->send_cq->refs--;
	qp->recv_cq->refs--;
	(void)munmap(qp->map, qp->map_len);
	(void)close(qp->ring.doorbell);
	free(qp);
}

/* QP_DESTROY: the daemon closes the stream and flushes. */
int
rdmad_destroy_qp(struct rdmad_qp *qp)
{
	int r;

	if ((r = lib_destroy_req(qp->pd->ctx, CTL_MSG_QP_DESTROY,
	    qp->num)) < 0)
		return r;
	lib_qp_release(qp);
	return 0;
}

const void *
rdmad_qp_peer_private_data(const struct rdmad_qp *qp, size_t *len)
{
	if (len != NULL)
		*len = qp->peer_priv.len;
	return qp->peer_priv.len ? qp->peer_priv.data : NULL;
}

/* QP_QUERY into the public info struct. */
int
rdmad_qp_query(const struct rdmad_qp *qp, struct rdmad_qp_info *info)
{
	struct rdmad_ctx *ctx = qp->pd->ctx;
	struct ctlv_id m = { qp->num };
	struct ctlv_qp_info *qi;
	union ctlv_any out;
	int n;

	memset(info, 0, sizeof(*info));
	n = ctlv_id_encode(CTL_MSG_QP_QUERY, lib_conn_reqid(&ctx->conn), &m,
	    ctx->conn.buf, sizeof(ctx->conn.buf));
	if ((n = lib_conn_request(&ctx->conn, n, -1, CTL_MSG_QP_INFO, &out,
	    NULL, LIB_TIMEOUT_MS)) < 0)
		return n;
	qi = &out.qp_info;
	info->qp_num = qi->qp;
	info->state = qi->state <= RDMAD_QPS_ERROR ?
	    (enum rdmad_qp_state)qi->state : RDMAD_QPS_ERROR;
	info->transport = qi->transport <= RDMAD_TRANSPORT_TCP ?
	    (enum rdmad_transport)qi->transport : RDMAD_TRANSPORT_AUTO;
	_Static_assert(sizeof(info->transport_why) == CTLV_WHY_LEN &&
	    sizeof(info->peer) == CTLV_PEER_LEN, "string sizes");
	memcpy(info->transport_why, qi->why, CTLV_WHY_LEN);
	memcpy(info->peer, qi->peer, CTLV_PEER_LEN);
	info->ord = qi->ord;
	info->ird = qi->ird;
	return 0;
}

/* ---- data path --------------------------------------------------------- */

/* Post a send WR on a connected QP (ring.c does the work). */
int
rdmad_post_send(struct rdmad_qp *qp, const struct rdmad_send_wr *wr)
{
	uint32_t lkey = 0;

	if (!qp->connected ||
	    __atomic_load_n(&qp->pd->ctx->gone, __ATOMIC_ACQUIRE))
		return -ENOTCONN;
	if (wr->opcode == RDMAD_WR_BIND_MW && wr->bind.mr != NULL)
		lkey = wr->bind.mr->stag;
	return lib_sq_post(&qp->ring, wr, lkey);
}

/* Post a receive WR, in any state. */
int
rdmad_post_recv(struct rdmad_qp *qp, const struct rdmad_recv_wr *wr)
{
	if (__atomic_load_n(&qp->pd->ctx->gone, __ATOMIC_ACQUIRE))
		return -ENOTCONN;
	return lib_rq_post(&qp->ring, wr);
}

/* Bind a window as a signaled BIND_MW work request. */
int
rdmad_bind_mw(struct rdmad_qp *qp, struct rdmad_mw *mw, struct rdmad_mr *mr,
    uint64_t addr, uint64_t len, unsigned int access, uint64_t wr_id)
{
	struct rdmad_send_wr wr;

	memset(&wr, 0, sizeof(wr));
	wr.wr_id = wr_id;
	wr.opcode = RDMAD_WR_BIND_MW;
	wr.flags = RDMAD_SEND_SIGNALED;
	wr.rkey = mw->stag;
	wr.bind.mr = mr;
	wr.bind.addr = addr;
	wr.bind.length = len;
	wr.bind.access = access;
	return rdmad_post_send(qp, &wr);
}
