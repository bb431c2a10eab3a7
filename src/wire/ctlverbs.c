/* ctlverbs.c — codec of the verbs messages of the control protocol. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "wire/ctlmsg.h"
#include "wire/ctlverbs.h"

/*
 * Every decoder works the same way: check the exact length, read the
 * fields into a local struct through a bounded cursor, check reserved
 * fields, strings and private data, and copy the result out only when
 * all of it is valid, so *out is either fully decoded or all zero.
 */

_Static_assert(CTLV_QP_CONNECT_LEN == 524, "QP_CONNECT payload");
_Static_assert(CTLV_ACCEPT_LEN == 268, "ACCEPT payload");
_Static_assert(CTLV_REJECT_LEN == 264, "REJECT payload");
_Static_assert(CTLV_CONN_REPLY_LEN == 436, "CONN_REPLY payload");
_Static_assert(CTLV_CONN_REQUEST_LEN == 344, "CONN_REQUEST payload");
_Static_assert(CTLV_QP_INFO_LEN == 180, "QP_INFO payload");

/* Read u32 length + u8[256]; octets past the length must be zero. */
static enum ctl_err
ctlv_get_priv(struct buf_rd *r, struct ctlv_priv *priv)
{
	const uint8_t *p;
	uint32_t len, i;

	len = ctl_get_le32(r);
	if ((p = buf_take(r, CTLV_PRIV_MAX)) == NULL)
		return CTL_E_PAYLOAD_LEN;
	if (len > CTLV_PRIV_MAX)
		return CTL_E_PAYLOAD_LEN;
	/* One encoding per value, as for strings. */
	for (i = len; i < CTLV_PRIV_MAX; i++)
		if (p[i] != 0)
			return CTL_E_RESERVED;
	priv->len = len;
	memcpy(priv->data, p, CTLV_PRIV_MAX);
	return CTL_OK;
}

/* Write u32 length + u8[256], zero past the length. */
static enum ctl_err
ctlv_put_priv(struct buf_wr *w, const struct ctlv_priv *priv)
{
	if (priv->len > CTLV_PRIV_MAX)
		return CTL_E_PAYLOAD_LEN;
	ctl_put_le32(w, priv->len);
	buf_put_bytes(w, priv->data, priv->len);
	buf_put_zero(w, CTLV_PRIV_MAX - priv->len);
	return CTL_OK;
}

/* Map a string/private-data put failure to an encoder return value. */
static int
ctlv_finish(struct buf_wr *w, void *buf, enum ctl_err err)
{
	if (err != CTL_OK && err != CTL_E_NOSPACE)
		return -(int)err;
	return ctl_msg_finish(w, buf);
}

/* ---- ID payloads and PD_ALLOC ------------------------------------------ */

/* True for the types whose payload is one u32 object id. */
int
ctlv_is_id_type(uint32_t type)
{
	switch (type) {
	case CTL_MSG_MEM_DEREG:
	case CTL_MSG_PD_FREE:
	case CTL_MSG_MR_DEREG:
	case CTL_MSG_MW_DEALLOC:
	case CTL_MSG_CQ_DESTROY:
	case CTL_MSG_QP_DESTROY:
	case CTL_MSG_QP_QUERY:
	case CTL_MSG_LISTEN_CLOSE:
		return 1;
	default:
		return 0;
	}
}

/* Decode a u32 id payload. */
enum ctl_err
ctlv_id_decode(const void *payload, size_t len, struct ctlv_id *out)
{
	memset(out, 0, sizeof(*out));
	if (len != CTLV_ID_LEN)
		return CTL_E_PAYLOAD_LEN;
	out->id = ctl_load_le32(payload);
	return CTL_OK;
}

/* Encode a message of one of the id types. */
int
ctlv_id_encode(uint32_t type, uint32_t reqid, const struct ctlv_id *m,
    void *buf, size_t cap)
{
	struct buf_wr w;

	if (!ctlv_is_id_type(type))
		return -(int)CTL_E_TYPE;
	w = ctl_msg_begin(buf, cap, type, reqid);
	ctl_put_le32(&w, m->id);
	return ctl_msg_finish(&w, buf);
}

/* Decode a PD_ALLOC payload. */
enum ctl_err
ctlv_pd_alloc_decode(const void *payload, size_t len)
{
	(void)payload;
	return len == CTLV_PD_ALLOC_LEN ? CTL_OK : CTL_E_PAYLOAD_LEN;
}

/* Encode a whole PD_ALLOC message. */
int
ctlv_pd_alloc_encode(uint32_t reqid, void *buf, size_t cap)
{
	struct buf_wr w = ctl_msg_begin(buf, cap, CTL_MSG_PD_ALLOC, reqid);

	return ctl_msg_finish(&w, buf);
}

/* ---- memory, PD, MR, MW ------------------------------------------------- */

/* Decode a MEM_REG payload. */
enum ctl_err
ctlv_mem_reg_decode(const void *payload, size_t len,
    struct ctlv_mem_reg *out)
{
	struct buf_rd r = buf_rd_init(payload, len);

	memset(out, 0, sizeof(*out));
	if (len != CTLV_MEM_REG_LEN)
		return CTL_E_PAYLOAD_LEN;
	out->length = ctl_get_le64(&r);
	out->base = ctl_get_le64(&r);
	return CTL_OK;
}

/* Encode a whole MEM_REG message. */
int
ctlv_mem_reg_encode(uint32_t reqid, const struct ctlv_mem_reg *m,
    void *buf, size_t cap)
{
	struct buf_wr w = ctl_msg_begin(buf, cap, CTL_MSG_MEM_REG, reqid);

	ctl_put_le64(&w, m->length);
	ctl_put_le64(&w, m->base);
	return ctl_msg_finish(&w, buf);
}

/* MR_REG: u32 pd, u32 mem, u64 offset, u64 length, u64 iova, u32 access,
 * u32 reserved. */
enum ctl_err
ctlv_mr_reg_decode(const void *payload, size_t len, struct ctlv_mr_reg *out)
{
	struct buf_rd r = buf_rd_init(payload, len);
	struct ctlv_mr_reg m;

	memset(out, 0, sizeof(*out));
	memset(&m, 0, sizeof(m));
	if (len != CTLV_MR_REG_LEN)
		return CTL_E_PAYLOAD_LEN;
	m.pd = ctl_get_le32(&r);
	m.mem = ctl_get_le32(&r);
	m.offset = ctl_get_le64(&r);
	m.length = ctl_get_le64(&r);
	m.iova = ctl_get_le64(&r);
	m.access = ctl_get_le32(&r);
	if (ctl_get_le32(&r) != 0)
		return CTL_E_RESERVED;
	*out = m;
	return CTL_OK;
}

/* Encode a whole MR_REG message. */
int
ctlv_mr_reg_encode(uint32_t reqid, const struct ctlv_mr_reg *m, void *buf,
    size_t cap)
{
	struct buf_wr w = ctl_msg_begin(buf, cap, CTL_MSG_MR_REG, reqid);

	ctl_put_le32(&w, m->pd);
	ctl_put_le32(&w, m->mem);
	ctl_put_le64(&w, m->offset);
	ctl_put_le64(&w, m->length);
	ctl_put_le64(&w, m->iova);
	ctl_put_le32(&w, m->access);
	ctl_put_le32(&w, 0);			/* reserved */
	return ctl_msg_finish(&w, buf);
}

/* Decode a MW_ALLOC payload. */
enum ctl_err
ctlv_mw_alloc_decode(const void *payload, size_t len,
    struct ctlv_mw_alloc *out)
{
	struct buf_rd r = buf_rd_init(payload, len);

	memset(out, 0, sizeof(*out));
	if (len != CTLV_MW_ALLOC_LEN)
		return CTL_E_PAYLOAD_LEN;
	out->pd = ctl_get_le32(&r);
	out->type = ctl_get_le32(&r);
	return CTL_OK;
}

/* Encode a whole MW_ALLOC message. */
int
ctlv_mw_alloc_encode(uint32_t reqid, const struct ctlv_mw_alloc *m,
    void *buf, size_t cap)
{
	struct buf_wr w = ctl_msg_begin(buf, cap, CTL_MSG_MW_ALLOC, reqid);

	ctl_put_le32(&w, m->pd);
	ctl_put_le32(&w, m->type);
	return ctl_msg_finish(&w, buf);
}

/* ---- CQ and QP creation ------------------------------------------------- */

/* Decode a CQ_CREATE payload. */
enum ctl_err
ctlv_cq_create_decode(const void *payload, size_t len,
    struct ctlv_cq_create *out)
{
	memset(out, 0, sizeof(*out));
	if (len != CTLV_CQ_CREATE_LEN)
		return CTL_E_PAYLOAD_LEN;
	out->depth = ctl_load_le32(payload);
	return CTL_OK;
}

/* Encode a whole CQ_CREATE message. */
int
ctlv_cq_create_encode(uint32_t reqid, const struct ctlv_cq_create *m,
    void *buf, size_t cap)
{
	struct buf_wr w = ctl_msg_begin(buf, cap, CTL_MSG_CQ_CREATE, reqid);

	ctl_put_le32(&w, m->depth);
	return ctl_msg_finish(&w, buf);
}

/* QP_CREATE: seven u32. */
enum ctl_err
ctlv_qp_create_decode(const void *payload, size_t len,
    struct ctlv_qp_create *out)
{
	struct buf_rd r = buf_rd_init(payload, len);

	memset(out, 0, sizeof(*out));
	if (len != CTLV_QP_CREATE_LEN)
		return CTL_E_PAYLOAD_LEN;
	out->pd = ctl_get_le32(&r);
	out->send_cq = ctl_get_le32(&r);
	out->recv_cq = ctl_get_le32(&r);
	out->sq_depth = ctl_get_le32(&r);
	out->rq_depth = ctl_get_le32(&r);
	out->ord = ctl_get_le32(&r);
	out->ird = ctl_get_le32(&r);
	return CTL_OK;
}

/* Encode a whole QP_CREATE message. */
int
ctlv_qp_create_encode(uint32_t reqid, const struct ctlv_qp_create *m,
    void *buf, size_t cap)
{
	struct buf_wr w = ctl_msg_begin(buf, cap, CTL_MSG_QP_CREATE, reqid);

	ctl_put_le32(&w, m->pd);
	ctl_put_le32(&w, m->send_cq);
	ctl_put_le32(&w, m->recv_cq);
	ctl_put_le32(&w, m->sq_depth);
	ctl_put_le32(&w, m->rq_depth);
	ctl_put_le32(&w, m->ord);
	ctl_put_le32(&w, m->ird);
	return ctl_msg_finish(&w, buf);
}

/* ---- connection set-up -------------------------------------------------- */

/* QP_CONNECT: u32 qp, u16 port, u16 transport, char[256] host, priv. */
enum ctl_err
ctlv_qp_connect_decode(const void *payload, size_t len,
    struct ctlv_qp_connect *out)
{
	struct buf_rd r = buf_rd_init(payload, len);
	struct ctlv_qp_connect m;
	enum ctl_err err;

	memset(out, 0, sizeof(*out));
	memset(&m, 0, sizeof(m));
	if (len != CTLV_QP_CONNECT_LEN)
		return CTL_E_PAYLOAD_LEN;
	m.qp = ctl_get_le32(&r);
	m.port = ctl_get_le16(&r);
	m.transport = ctl_get_le16(&r);
	if ((err = ctl_get_str(&r, m.host, CTLV_HOST_LEN)) != CTL_OK ||
	    (err = ctlv_get_priv(&r, &m.priv)) != CTL_OK)
		return err;
	*out = m;
	return CTL_OK;
}

/* Encode a whole QP_CONNECT message. */
int
ctlv_qp_connect_encode(uint32_t reqid, const struct ctlv_qp_connect *m,
    void *buf, size_t cap)
{
	struct buf_wr w = ctl_msg_begin(buf, cap, CTL_MSG_QP_CONNECT, reqid);
	enum ctl_err err;

	ctl_put_le32(&w, m->qp);
	ctl_put_le16(&w, m->port);
	ctl_put_le16(&w, m->transport);
	if ((err = ctl_put_str(&w, m->host, CTLV_HOST_LEN)) == CTL_OK ||
	    err == CTL_E_NOSPACE)
		err = ctlv_put_priv(&w, &m->priv);
	return ctlv_finish(&w, buf, err);
}

/* LISTEN: u16 port, u16 transport, u32 backlog. */
enum ctl_err
ctlv_listen_decode(const void *payload, size_t len, struct ctlv_listen *out)
{
	struct buf_rd r = buf_rd_init(payload, len);

	memset(out, 0, sizeof(*out));
	if (len != CTLV_LISTEN_LEN)
		return CTL_E_PAYLOAD_LEN;
	out->port = ctl_get_le16(&r);
	out->transport = ctl_get_le16(&r);
	out->backlog = ctl_get_le32(&r);
	return CTL_OK;
}

/* Encode a whole LISTEN message. */
int
ctlv_listen_encode(uint32_t reqid, const struct ctlv_listen *m, void *buf,
    size_t cap)
{
	struct buf_wr w = ctl_msg_begin(buf, cap, CTL_MSG_LISTEN, reqid);

	ctl_put_le16(&w, m->port);
	ctl_put_le16(&w, m->transport);
	ctl_put_le32(&w, m->backlog);
	return ctl_msg_finish(&w, buf);
}

/* ACCEPT: u32 request, u32 qp, priv. */
enum ctl_err
ctlv_accept_decode(const void *payload, size_t len, struct ctlv_accept *out)
{
	struct buf_rd r = buf_rd_init(payload, len);
	struct ctlv_accept m;
	enum ctl_err err;

	memset(out, 0, sizeof(*out));
	memset(&m, 0, sizeof(m));
	if (len != CTLV_ACCEPT_LEN)
		return CTL_E_PAYLOAD_LEN;
	m.request = ctl_get_le32(&r);
	m.qp = ctl_get_le32(&r);
	if ((err = ctlv_get_priv(&r, &m.priv)) != CTL_OK)
		return err;
	*out = m;
	return CTL_OK;
}

/* Encode a whole ACCEPT message. */
int
ctlv_accept_encode(uint32_t reqid, const struct ctlv_accept *m, void *buf,
    size_t cap)
{
	struct buf_wr w = ctl_msg_begin(buf, cap, CTL_MSG_ACCEPT, reqid);
	enum ctl_err err;

	ctl_put_le32(&w, m->request);
	ctl_put_le32(&w, m->qp);
	err = ctlv_put_priv(&w, &m->priv);
	return ctlv_finish(&w, buf, err);
}

/* REJECT: u32 request, priv. */
enum ctl_err
ctlv_reject_decode(const void *payload, size_t len, struct ctlv_reject *out)
{
	struct buf_rd r = buf_rd_init(payload, len);
	struct ctlv_reject m;
	enum ctl_err err;

	memset(out, 0, sizeof(*out));
	memset(&m, 0, sizeof(m));
	if (len != CTLV_REJECT_LEN)
		return CTL_E_PAYLOAD_LEN;
	m.request = ctl_get_le32(&r);
	if ((err = ctlv_get_priv(&r, &m.priv)) != CTL_OK)
		return err;
	*out = m;
	return CTL_OK;
}

/* Encode a whole REJECT message. */
int
ctlv_reject_encode(uint32_t reqid, const struct ctlv_reject *m, void *buf,
    size_t cap)
{
	struct buf_wr w = ctl_msg_begin(buf, cap, CTL_MSG_REJECT, reqid);
	enum ctl_err err;

	ctl_put_le32(&w, m->request);
	err = ctlv_put_priv(&w, &m->priv);
	return ctlv_finish(&w, buf, err);
}

/* ---- replies ------------------------------------------------------------- */

/* OBJ_REPLY: u32 id, u32 reserved, u64 value. */
enum ctl_err
ctlv_obj_reply_decode(const void *payload, size_t len,
    struct ctlv_obj_reply *out)
{
	struct buf_rd r = buf_rd_init(payload, len);
	uint32_t id;

	memset(out, 0, sizeof(*out));
	if (len != CTLV_OBJ_REPLY_LEN)
		return CTL_E_PAYLOAD_LEN;
	id = ctl_get_le32(&r);
	if (ctl_get_le32(&r) != 0)
		return CTL_E_RESERVED;
	out->id = id;
	out->value = ctl_get_le64(&r);
	return CTL_OK;
}

/* Encode a whole OBJ_REPLY message. */
int
ctlv_obj_reply_encode(uint32_t reqid, const struct ctlv_obj_reply *m,
    void *buf, size_t cap)
{
	struct buf_wr w = ctl_msg_begin(buf, cap, CTL_MSG_OBJ_REPLY, reqid);

	ctl_put_le32(&w, m->id);
	ctl_put_le32(&w, 0);			/* reserved */
	ctl_put_le64(&w, m->value);
	return ctl_msg_finish(&w, buf);
}

/* CQ_REPLY: u32 cq, u32 depth, u64 object_len. */
enum ctl_err
ctlv_cq_reply_decode(const void *payload, size_t len,
    struct ctlv_cq_reply *out)
{
	struct buf_rd r = buf_rd_init(payload, len);

	memset(out, 0, sizeof(*out));
	if (len != CTLV_CQ_REPLY_LEN)
		return CTL_E_PAYLOAD_LEN;
	out->cq = ctl_get_le32(&r);
	out->depth = ctl_get_le32(&r);
	out->object_len = ctl_get_le64(&r);
	return CTL_OK;
}

/* Encode a whole CQ_REPLY message. */
int
ctlv_cq_reply_encode(uint32_t reqid, const struct ctlv_cq_reply *m,
    void *buf, size_t cap)
{
	struct buf_wr w = ctl_msg_begin(buf, cap, CTL_MSG_CQ_REPLY, reqid);

	ctl_put_le32(&w, m->cq);
	ctl_put_le32(&w, m->depth);
	ctl_put_le64(&w, m->object_len);
	return ctl_msg_finish(&w, buf);
}

/* QP_REPLY: u32 qp, sq_depth, rq_depth, ord, ird, reserved; u64 len. */
enum ctl_err
ctlv_qp_reply_decode(const void *payload, size_t len,
    struct ctlv_qp_reply *out)
{
	struct buf_rd r = buf_rd_init(payload, len);
	struct ctlv_qp_reply m;

	memset(out, 0, sizeof(*out));
	memset(&m, 0, sizeof(m));
	if (len != CTLV_QP_REPLY_LEN)
		return CTL_E_PAYLOAD_LEN;
	m.qp = ctl_get_le32(&r);
	m.sq_depth = ctl_get_le32(&r);
	m.rq_depth = ctl_get_le32(&r);
	m.ord = ctl_get_le32(&r);
	m.ird = ctl_get_le32(&r);
	if (ctl_get_le32(&r) != 0)
		return CTL_E_RESERVED;
	m.object_len = ctl_get_le64(&r);
	*out = m;
	return CTL_OK;
}

/* Encode a whole QP_REPLY message. */
int
ctlv_qp_reply_encode(uint32_t reqid, const struct ctlv_qp_reply *m,
    void *buf, size_t cap)
{
	struct buf_wr w = ctl_msg_begin(buf, cap, CTL_MSG_QP_REPLY, reqid);

	ctl_put_le32(&w, m->qp);
	ctl_put_le32(&w, m->sq_depth);
	ctl_put_le32(&w, m->rq_depth);
	ctl_put_le32(&w, m->ord);
	ctl_put_le32(&w, m->ird);
	ctl_put_le32(&w, 0);			/* reserved */
	ctl_put_le64(&w, m->object_len);
	return ctl_msg_finish(&w, buf);
}

/* CONN_REPLY: u32 code, transport, ord, ird; char[96]; char[64]; priv. */
enum ctl_err
ctlv_conn_reply_decode(const void *payload, size_t len,
    struct ctlv_conn_reply *out)
{
	struct buf_rd r = buf_rd_init(payload, len);
	struct ctlv_conn_reply m;
	enum ctl_err err;

	memset(out, 0, sizeof(*out));
	memset(&m, 0, sizeof(m));
	if (len != CTLV_CONN_REPLY_LEN)
		return CTL_E_PAYLOAD_LEN;
	m.code = ctl_get_le32(&r);
	m.transport = ctl_get_le32(&r);
	m.ord = ctl_get_le32(&r);
	m.ird = ctl_get_le32(&r);
	if ((err = ctl_get_str(&r, m.why, CTLV_WHY_LEN)) != CTL_OK ||
	    (err = ctl_get_str(&r, m.peer, CTLV_PEER_LEN)) != CTL_OK ||
	    (err = ctlv_get_priv(&r, &m.priv)) != CTL_OK)
		return err;
	*out = m;
	return CTL_OK;
}

/* Encode a whole CONN_REPLY message. */
int
ctlv_conn_reply_encode(uint32_t reqid, const struct ctlv_conn_reply *m,
    void *buf, size_t cap)
{
	struct buf_wr w = ctl_msg_begin(buf, cap, CTL_MSG_CONN_REPLY, reqid);
	enum ctl_err err;

	ctl_put_le32(&w, m->code);
	ctl_put_le32(&w, m->transport);
	ctl_put_le32(&w, m->ord);
	ctl_put_le32(&w, m->ird);
	/* NOSPACE is sticky in w; only a bad string or priv stops early. */
	if ((err = ctl_put_str(&w, m->why, CTLV_WHY_LEN)) == CTL_E_STRING ||
	    (err = ctl_put_str(&w, m->peer, CTLV_PEER_LEN)) == CTL_E_STRING)
		return -(int)err;
	err = ctlv_put_priv(&w, &m->priv);
	return ctlv_finish(&w, buf, err);
}

/* CONN_REQUEST: u32 listener, request, ird, ord, transport; char[64];
 * priv. */
enum ctl_err
ctlv_conn_request_decode(const void *payload, size_t len,
    struct ctlv_conn_request *out)
{
	struct buf_rd r = buf_rd_init(payload, len);
	struct ctlv_conn_request m;
	enum ctl_err err;

	memset(out, 0, sizeof(*out));
	memset(&m, 0, sizeof(m));
	if (len != CTLV_CONN_REQUEST_LEN)
		return CTL_E_PAYLOAD_LEN;
	m.listener = ctl_get_le32(&r);
	m.request = ctl_get_le32(&r);
	m.ird = ctl_get_le32(&r);
	m.ord = ctl_get_le32(&r);
	m.transport = ctl_get_le32(&r);
	if ((err = ctl_get_str(&r, m.peer, CTLV_PEER_LEN)) != CTL_OK ||
	    (err = ctlv_get_priv(&r, &m.priv)) != CTL_OK)
		return err;
	*out = m;
	return CTL_OK;
}

/* Encode a whole CONN_REQUEST message. */
int
ctlv_conn_request_encode(uint32_t reqid, const struct ctlv_conn_request *m,
    void *buf, size_t cap)
{
	struct buf_wr w = ctl_msg_begin(buf, cap, CTL_MSG_CONN_REQUEST, reqid);
	enum ctl_err err;

	ctl_put_le32(&w, m->listener);
	ctl_put_le32(&w, m->request);
	ctl_put_le32(&w, m->ird);
	ctl_put_le32(&w, m->ord);
	ctl_put_le32(&w, m->transport);
	if ((err = ctl_put_str(&w, m->peer, CTLV_PEER_LEN)) == CTL_E_STRING)
		return -(int)err;
	err = ctlv_put_priv(&w, &m->priv);
	return ctlv_finish(&w, buf, err);
}

/* QP_INFO: u32 qp, state, transport, ord, ird; char[96]; char[64]. */
enum ctl_err
ctlv_qp_info_decode(const void *payload, size_t len,
    struct ctlv_qp_info *out)
{
	struct buf_rd r = buf_rd_init(payload, len);
	struct ctlv_qp_info m;
	enum ctl_err err;

	memset(out, 0, sizeof(*out));
	memset(&m, 0, sizeof(m));
	if (len != CTLV_QP_INFO_LEN)
		return CTL_E_PAYLOAD_LEN;
	m.qp = ctl_get_le32(&r);
	m.state = ctl_get_le32(&r);
	m.transport = ctl_get_le32(&r);
	m.ord = ctl_get_le32(&r);
	m.ird = ctl_get_le32(&r);
	if ((err = ctl_get_str(&r, m.why, CTLV_WHY_LEN)) != CTL_OK ||
	    (err = ctl_get_str(&r, m.peer, CTLV_PEER_LEN)) != CTL_OK)
		return err;
	*out = m;
	return CTL_OK;
}

/* Encode a whole QP_INFO message. */
int
ctlv_qp_info_encode(uint32_t reqid, const struct ctlv_qp_info *m,
    void *buf, size_t cap)
{
	struct buf_wr w = ctl_msg_begin(buf, cap, CTL_MSG_QP_INFO, reqid);
	enum ctl_err err;

	ctl_put_le32(&w, m->qp);
	ctl_put_le32(&w, m->state);
	ctl_put_le32(&w, m->transport);
	ctl_put_le32(&w, m->ord);
	ctl_put_le32(&w, m->ird);
	if ((err = ctl_put_str(&w, m->why, CTLV_WHY_LEN)) == CTL_E_STRING ||
	    (err = ctl_put_str(&w, m->peer, CTLV_PEER_LEN)) == CTL_E_STRING)
		return -(int)err;
	return ctl_msg_finish(&w, buf);
}

/* ---- dispatch by type ------------------------------------------------- */

/* Decode any verbs payload into the member of *out its type names. */
enum ctl_err
ctlv_decode(uint32_t type, const void *payload, size_t len,
    union ctlv_any *out)
{
	memset(out, 0, sizeof(*out));
	if (ctlv_is_id_type(type))
		return ctlv_id_decode(payload, len, &out->id);
	switch (type) {
	case CTL_MSG_PD_ALLOC:
		return ctlv_pd_alloc_decode(payload, len);
	case CTL_MSG_MEM_REG:
		return ctlv_mem_reg_decode(payload, len, &out->mem_reg);
	case CTL_MSG_MR_REG:
		return ctlv_mr_reg_decode(payload, len, &out->mr_reg);
	case CTL_MSG_MW_ALLOC:
		return ctlv_mw_alloc_decode(payload, len, &out->mw_alloc);
	case CTL_MSG_CQ_CREATE:
		return ctlv_cq_create_decode(payload, len, &out->cq_create);
	case CTL_MSG_QP_CREATE:
		return ctlv_qp_create_decode(payload, len, &out->qp_create);
	case CTL_MSG_QP_CONNECT:
		return ctlv_qp_connect_decode(payload, len, &out->qp_connect);
	case CTL_MSG_LISTEN:
		return ctlv_listen_decode(payload, len, &out->listen);
	case CTL_MSG_ACCEPT:
		return ctlv_accept_decode(payload, len, &out->accept);
	case CTL_MSG_REJECT:
		return ctlv_reject_decode(payload, len, &out->reject);
	case CTL_MSG_OBJ_REPLY:
		return ctlv_obj_reply_decode(payload, len, &out->obj_reply);
	case CTL_MSG_CQ_REPLY:
		return ctlv_cq_reply_decode(payload, len, &out->cq_reply);
	case CTL_MSG_QP_REPLY:
		return ctlv_qp_reply_decode(payload, len, &out->qp_reply);
	case CTL_MSG_CONN_REPLY:
		return ctlv_conn_reply_decode(payload, len, &out->conn_reply);
	case CTL_MSG_CONN_REQUEST:
		return ctlv_conn_request_decode(payload, len,
		    &out->conn_request);
	case CTL_MSG_QP_INFO:
		return ctlv_qp_info_decode(payload, len, &out->qp_info);
	default:
		return CTL_E_TYPE;
	}
}

/* Encode any verbs message from the member of *m its type names. */
int
ctlv_encode(uint32_t type, uint32_t reqid, const union ctlv_any *m,
    void *buf, size_t cap)
{
	if (ctlv_is_id_type(type))
		return ctlv_id_encode(type, reqid, &m->id, buf, cap);
	switch (type) {
	case CTL_MSG_PD_ALLOC:
		return ctlv_pd_alloc_encode(reqid, buf, cap);
	case CTL_MSG_MEM_REG:
		return ctlv_mem_reg_encode(reqid, &m->mem_reg, buf, cap);
	case CTL_MSG_MR_REG:
		return ctlv_mr_reg_encode(reqid, &m->mr_reg, buf, cap);
	case CTL_MSG_MW_ALLOC:
		return ctlv_mw_alloc_encode(reqid, &m->mw_alloc, buf, cap);
	case CTL_MSG_CQ_CREATE:
		return ctlv_cq_create_encode(reqid, &m->cq_create, buf, cap);
	case CTL_MSG_QP_CREATE:
		return ctlv_qp_create_encode(reqid, &m->qp_create, buf, cap);
	case CTL_MSG_QP_CONNECT:
		return ctlv_qp_connect_encode(reqid, &m->qp_connect, buf, cap);
	case CTL_MSG_LISTEN:
		return ctlv_listen_encode(reqid, &m->listen, buf, cap);
	case CTL_MSG_ACCEPT:
		return ctlv_accept_encode(reqid, &m->accept, buf, cap);
	case CTL_MSG_REJECT:
		return ctlv_reject_encode(reqid, &m->reject, buf, cap);
	case CTL_MSG_OBJ_REPLY:
		return ctlv_obj_reply_encode(reqid, &m->obj_reply, buf, cap);
	case CTL_MSG_CQ_REPLY:
		return ctlv_cq_reply_encode(reqid, &m->cq_reply, buf, cap);
	case CTL_MSG_QP_REPLY:
		return ctlv_qp_reply_encode(reqid, &m->qp_reply, buf, cap);
	case CTL_MSG_CONN_REPLY:
		return ctlv_conn_reply_encode(reqid, &m->conn_reply, buf, cap);
	case CTL_MSG_CONN_REQUEST:
		return ctlv_conn_request_encode(reqid, &m->conn_request, buf,
		    cap);
	case CTL_MSG_QP_INFO:
		return ctlv_qp_info_encode(reqid, &m->qp_info, buf, cap);
	default:
		return -(int)CTL_E_TYPE;
	}
}
