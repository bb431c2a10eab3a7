/* api_conn.c — librdmad connection set-up: connect, listen, accept. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib.h"

/* Fill wire private data from the caller's buffer (checked length). */
static void
lib_priv_set(struct ctlv_priv *p, const void *data, size_t len)
{
	memset(p, 0, sizeof(*p));
	p->len = (uint32_t)len;
	if (len > 0)
		memcpy(p->data, data, len);
}

/* Common checks of private data arguments. */
static int
lib_priv_check(struct rdmad_ctx *ctx, const void *priv, size_t len)
{
	if (len > RDMAD_MAX_PRIVATE_DATA || (len > 0 && priv == NULL))
		return lib_err(ctx->err, -EINVAL,
		    "private data: at most %d octets", RDMAD_MAX_PRIVATE_DATA);
	return 0;
}

/*
 * Take the CONN_REPLY of QP_CONNECT or ACCEPT: record the outcome in
 * the QP and turn a failure into a negative errno with the reason.
 */
static int
lib_conn_outcome(struct rdmad_ctx *ctx, struct rdmad_qp *qp,
    const struct ctlv_conn_reply *cr, const char *what)
{
	int code;

	qp->peer_priv = cr->priv;
	if (cr->code == 0) {
		qp->connected = 1;
		return 0;
	}
	code = cr->code < 4096 ? (int)cr->code : EIO;
	return lib_err(ctx->err, -code, "%s%s%s failed: %s", what,
	    cr->peer[0] ? " " : "", cr->peer, cr->why[0] ? cr->why :
	    rdmad_strerror(-code));
}

/* QP_CONNECT; blocks until CONN_REPLY says how it went. */
int
rdmad_connect(struct rdmad_qp *qp, const char *host, uint16_t port,
    const void *priv, size_t priv_len)
{
	struct rdmad_ctx *ctx = qp->pd->ctx;
	struct ctlv_qp_connect m;
	union ctlv_any out;
	int n;

	if (host == NULL || strlen(host) >= CTLV_HOST_LEN || *host == '\0')
		return lib_err(ctx->err, -EINVAL, "bad host name");
	if ((n = lib_priv_check(ctx, priv, priv_len)) < 0)
		return n;
	if (qp->tried)
		return lib_err(ctx->err, -EISCONN,
		    "QP already connected or tried");
	memset(&m, 0, sizeof(m));
	m.qp = qp->num;
	m.port = port;
	m.transport = (uint16_t)qp->want;
	memcpy(m.host, host, strlen(host));
	lib_priv_set(&m.priv, priv, priv_len);
	n = ctlv_qp_connect_encode(lib_conn_reqid(&ctx->conn), &m,
	    ctx->conn.buf, sizeof(ctx->conn.buf));
	qp->tried = 1;
	if ((n = lib_conn_request(&ctx->conn, n, -1, CTL_MSG_CONN_REPLY, &out,
	    NULL, LIB_CONNECT_TIMEOUT_MS)) < 0)
		return n;
	return lib_conn_outcome(ctx, qp, &out.conn_reply, "connect to");
}

/* ---- passive side ------------------------------------------------------ */

/* LISTEN with the daemon's default transport. */
int
rdmad_listen(rdmad_ctx_t *ctx, uint16_t port, unsigned int backlog,
    struct rdmad_listener **lp)
{
	struct rdmad_listen_attr a = { backlog, RDMAD_TRANSPORT_AUTO };

	return rdmad_listen_with(ctx, port, &a, lp);
}

/* LISTEN on a connection of its own. */
int
rdmad_listen_with(rdmad_ctx_t *ctx, uint16_t port,
    const struct rdmad_listen_attr *attr, struct rdmad_listener **lp)
{
	struct ctlv_listen m;
	struct rdmad_listener *l;
	union ctlv_any out;
	char version[CTL_NAME_LEN];
	int n;

	*lp = NULL;
	if (attr == NULL || attr->backlog > UINT32_MAX)
		return lib_err(ctx->err, -EINVAL, "bad backlog");
	if ((unsigned int)attr->transport > RDMAD_TRANSPORT_TCP)
		return lib_err(ctx->err, -EINVAL, "bad transport %d",
		    (int)attr->transport);
	memset(&m, 0, sizeof(m));
	m.port = port;
	m.transport = (uint16_t)attr->transport;
	m.backlog = (uint32_t)attr->backlog;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return lib_err(ctx->err, -ENOMEM, "out of memory");
	/* Its own connection: CONN_REQUESTs arrive there, unsolicited. */
	l->conn.err = ctx->err;
	if ((n = lib_conn_open(&l->conn, ctx->path, version)) < 0) {
		free(l);
		return n;
	}
	n = ctlv_listen_encode(lib_conn_reqid(&l->conn), &m, l->conn.buf,
	    sizeof(l->conn.buf));
	if ((n = lib_conn_request(&l->conn, n, -1, CTL_MSG_OBJ_REPLY, &out,
	    NULL, LIB_TIMEOUT_MS)) < 0) {
		lib_conn_close(&l->conn);
		free(l);
		return n;
	}
	l->ctx = ctx;
	l->id = out.obj_reply.id;
	LIST_INSERT_HEAD(&ctx->listeners, l, entry);
	*lp = l;
	return 0;
}

/* Local part of closing a listener. */
void
lib_listener_release(struct rdmad_listener *l)
{
	LIST_REMOVE(l, entry);
	lib_conn_close(&l->conn);
	free(l);
}

/* LISTEN_CLOSE, then close the connection. */
int
rdmad_listener_close(struct rdmad_listener *l)
{
	struct ctlv_id m = { l->id };
	union ctlv_any out;
	int n = 0;

	if (!l->conn.dead) {
		n = ctlv_id_encode(CTL_MSG_LISTEN_CLOSE,
		    lib_conn_reqid(&l->conn), &m, l->conn.buf,
		    sizeof(l->conn.buf));
		n = lib_conn_request(&l->conn, n, -1, CTL_MSG_RESULT, &out,
		    NULL, LIB_TIMEOUT_MS);
		/* Closing the connection ends the listener anyway. */
		if (n == -ENOTCONN || n == -ETIMEDOUT)
			n = 0;
	}
	lib_listener_release(l);
	return n;
}

int
rdmad_listener_fd(const struct rdmad_listener *l)
{
	return l->conn.fd;
}

/* Wait for (or poll) the next unsolicited CONN_REQUEST. */
int
rdmad_get_request(struct rdmad_listener *l, int nonblock,
    struct rdmad_conn_req **reqp)
{
	struct ctlv_conn_request cr;
	struct rdmad_conn_req *req;
	struct lib_msg m;
	int r;

	*reqp = NULL;
	if (l->conn.dead)
		return lib_err(l->ctx->err, -ENOTCONN,
		    "listener's connection to rdmad lost");
	for (;;) {
		if ((r = lib_conn_recv(&l->conn, &m, nonblock ? 0 : -1)) < 0)
			return r;
		if (m.fd >= 0)
			(void)close(m.fd);	/* no type here takes one */
		/* Anything else is a late reply: skip it. */
		if (m.hdr.type == CTL_MSG_CONN_REQUEST && m.hdr.reqid == 0)
			break;
	}
	if (ctlv_conn_request_decode(m.payload, m.plen, &cr) != CTL_OK) {
		l->conn.dead = true;
		return lib_err(l->ctx->err, -EPROTO, "bad CONN_REQUEST");
	}
	if ((req = calloc(1, sizeof(*req))) == NULL)
		return lib_err(l->ctx->err, -ENOMEM, "out of memory");
	req->ctx = l->ctx;
	req->request = cr.request;
	req->ird = cr.ird;
	req->ord = cr.ord;
	memcpy(req->peer, cr.peer, sizeof(req->peer));
	req->priv = cr.priv;
	LIST_INSERT_HEAD(&l->ctx->reqs, req, entry);
	*reqp = req;
	return 0;
}

const void *
rdmad_req_private_data(const struct rdmad_conn_req *req, size_t *len)
{
	if (len != NULL)
		*len = req->priv.len;
	return req->priv.len ? req->priv.data : NULL;
}

const char *
rdmad_req_peer(const struct rdmad_conn_req *req)
{
	return req->peer;
}

void
rdmad_req_ird_ord(const struct rdmad_conn_req *req, unsigned int *ird,
    unsigned int *ord)
{
	if (ird != NULL)
		*ird = req->ird;
	if (ord != NULL)
		*ord = req->ord;
}

/* Forget a request after ACCEPT or REJECT. */
static void
lib_req_free(struct rdmad_conn_req *req)
{
	LIST_REMOVE(req, entry);
	free(req);
}

/* ACCEPT on the main connection; blocks for CONN_REPLY. */
int
rdmad_accept(struct rdmad_conn_req *req, struct rdmad_qp *qp,
    const void *priv, size_t priv_len)
{
	struct rdmad_ctx *ctx = req->ctx;
	struct ctlv_accept m;
	union ctlv_any out;
	int n;

	if (qp->pd->ctx != ctx)
		return lib_err(ctx->err, -EINVAL, "QP of another context");
	if ((n = lib_priv_check(ctx, priv, priv_len)) < 0)
		return n;
	if (qp->tried)
		return lib_err(ctx->err, -EINVAL,
		    "QP already connected or tried");
	m.request = req->request;
	m.qp = qp->num;
	lib_priv_set(&m.priv, priv, priv_len);
	lib_req_free(req);
	n = ctlv_accept_encode(lib_conn_reqid(&ctx->conn), &m, ctx->conn.buf,
	    sizeof(ctx->conn.buf));
	qp->tried = 1;
	if ((n = lib_conn_request(&ctx->conn, n, -1, CTL_MSG_CONN_REPLY, &out,
	    NULL, LIB_CONNECT_TIMEOUT_MS)) < 0)
		return n;
	return lib_conn_outcome(ctx, qp, &out.conn_reply, "accept from");
}

/* REJECT on the main connection. */
int
rdmad_reject(struct rdmad_conn_req *req, const void *priv, size_t priv_len)
{
	struct rdmad_ctx *ctx = req->ctx;
	struct ctlv_reject m;
	union ctlv_any out;
	int n;

	if ((n = lib_priv_check(ctx, priv, priv_len)) < 0)
		return n;
	m.request = req->request;
	lib_priv_set(&m.priv, priv, priv_len);
	lib_req_free(req);
	n = ctlv_reject_encode(lib_conn_reqid(&ctx->conn), &m, ctx->conn.buf,
	    sizeof(ctx->conn.buf));
	return lib_conn_request(&ctx->conn, n, -1, CTL_MSG_RESULT, &out,
	    NULL, LIB_TIMEOUT_MS);
}
