/* ctlmsg.c — codec of the rdmad control protocol (UNIX SOCK_SEQPACKET). */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "wire/ctlmsg.h"
#include "wire/ctladmin.h"
#include "wire/ctlverbs.h"

/*
 * The one table of message types (GUIDE §6).  Framing, payload length,
 * descriptor passing and direction are all checked from here; handlers
 * in the daemon are dispatched by the same type numbers.
 */
static const struct ctl_type_info ctl_types[] = {
	/* type, name, payload min, max, nfds, direction, mutating */
	{ CTL_MSG_HELLO, "HELLO", CTL_HELLO_LEN, CTL_HELLO_LEN, 0,
	    CTL_DIR_TO_DAEMON, false },
	{ CTL_MSG_HELLO_REPLY, "HELLO_REPLY", CTL_HELLO_REPLY_LEN,
	    CTL_HELLO_REPLY_LEN, 0, CTL_DIR_TO_CLIENT, false },
	{ CTL_MSG_RESULT, "RESULT", CTL_RESULT_LEN, CTL_RESULT_LEN, 0,
	    CTL_DIR_TO_CLIENT, false },
	{ CTL_MSG_END, "END", CTL_END_LEN, CTL_END_LEN, 0,
	    CTL_DIR_TO_CLIENT, false },
	/* 100-199: verbs objects (wire/ctlverbs.h) */
	{ CTL_MSG_MEM_REG, "MEM_REG", CTLV_MEM_REG_LEN, CTLV_MEM_REG_LEN, 1,
	    CTL_DIR_TO_DAEMON, true },
	{ CTL_MSG_MEM_DEREG, "MEM_DEREG", CTLV_ID_LEN, CTLV_ID_LEN, 0,
	    CTL_DIR_TO_DAEMON, true },
	{ CTL_MSG_PD_ALLOC, "PD_ALLOC", CTLV_PD_ALLOC_LEN, CTLV_PD_ALLOC_LEN, 0,
	    CTL_DIR_TO_DAEMON, true },
	{ CTL_MSG_PD_FREE, "PD_FREE", CTLV_ID_LEN, CTLV_ID_LEN, 0,
	    CTL_DIR_TO_DAEMON, true },
	{ CTL_MSG_MR_REG, "MR_REG", CTLV_MR_REG_LEN, CTLV_MR_REG_LEN, 0,
	    CTL_DIR_TO_DAEMON, true },
	{ CTL_MSG_MR_DEREG, "MR_DEREG", CTLV_ID_LEN, CTLV_ID_LEN, 0,
	    CTL_DIR_TO_DAEMON, true },
	{ CTL_MSG_MW_ALLOC, "MW_ALLOC", CTLV_MW_ALLOC_LEN, CTLV_MW_ALLOC_LEN, 0,
	    CTL_DIR_TO_DAEMON, true },
	{ CTL_MSG_MW_DEALLOC, "MW_DEALLOC", CTLV_ID_LEN, CTLV_ID_LEN, 0,
	    CTL_DIR_TO_DAEMON, true },
	{ CTL_MSG_CQ_CREATE, "CQ_CREATE", CTLV_CQ_CREATE_LEN,
	    CTLV_CQ_CREATE_LEN, 1, CTL_DIR_TO_DAEMON, true },
	{ CTL_MSG_CQ_DESTROY, "CQ_DESTROY", CTLV_ID_LEN, CTLV_ID_LEN, 0,
	    CTL_DIR_TO_DAEMON, true },
	{ CTL_MSG_QP_CREATE, "QP_CREATE", CTLV_QP_CREATE_LEN,
	    CTLV_QP_CREATE_LEN, 1, CTL_DIR_TO_DAEMON, true },
	{ CTL_MSG_QP_DESTROY, "QP_DESTROY", CTLV_ID_LEN, CTLV_ID_LEN, 0,
	    CTL_DIR_TO_DAEMON, true },
	{ CTL_MSG_QP_CONNECT, "QP_CONNECT", CTLV_QP_CONNECT_LEN,
	    CTLV_QP_CONNECT_LEN, 0, CTL_DIR_TO_DAEMON, true },
	{ CTL_MSG_QP_QUERY, "QP_QUERY", CTLV_ID_LEN, CTLV_ID_LEN, 0,
	    CTL_DIR_TO_DAEMON, false },
	{ CTL_MSG_LISTEN, "LISTEN", CTLV_LISTEN_LEN, CTLV_LISTEN_LEN, 0,
	    CTL_DIR_TO_DAEMON, true },
	{ CTL_MSG_LISTEN_CLOSE, "LISTEN_CLOSE", CTLV_ID_LEN, CTLV_ID_LEN, 0,
	    CTL_DIR_TO_DAEMON, true },
	{ CTL_MSG_ACCEPT, "ACCEPT", CTLV_ACCEPT_LEN, CTLV_ACCEPT_LEN, 0,
	    CTL_DIR_TO_DAEMON, true },
	{ CTL_MSG_REJECT, "REJECT", CTLV_REJECT_LEN, CTLV_REJECT_LEN, 0,
	    CTL_DIR_TO_DAEMON, true },
	{ CTL_MSG_OBJ_REPLY, "OBJ_REPLY", CTLV_OBJ_REPLY_LEN,
	    CTLV_OBJ_REPLY_LEN, 0, CTL_DIR_TO_CLIENT, false },
	{ CTL_MSG_CQ_REPLY, "CQ_REPLY", CTLV_CQ_REPLY_LEN, CTLV_CQ_REPLY_LEN, 1,
	    CTL_DIR_TO_CLIENT, false },
	{ CTL_MSG_QP_REPLY, "QP_REPLY", CTLV_QP_REPLY_LEN, CTLV_QP_REPLY_LEN, 1,
	    CTL_DIR_TO_CLIENT, false },
	{ CTL_MSG_CONN_REPLY, "CONN_REPLY", CTLV_CONN_REPLY_LEN,
	    CTLV_CONN_REPLY_LEN, 0, CTL_DIR_TO_CLIENT, false },
	{ CTL_MSG_CONN_REQUEST, "CONN_REQUEST", CTLV_CONN_REQUEST_LEN,
	    CTLV_CONN_REQUEST_LEN, 0, CTL_DIR_TO_CLIENT, false },
	{ CTL_MSG_QP_INFO, "QP_INFO", CTLV_QP_INFO_LEN, CTLV_QP_INFO_LEN, 0,
	    CTL_DIR_TO_CLIENT, false },
	/* 200-299: administration (wire/ctladmin.h), read-only */
	{ CTLA_MSG_REQ, "ADMIN_REQ", CTLA_REQ_LEN, CTLA_REQ_LEN, 0,
	    CTL_DIR_TO_DAEMON, false },
	{ CTLA_MSG_STATUS, "ADMIN_STATUS", CTLA_STATUS_LEN, CTLA_STATUS_LEN, 0,
	    CTL_DIR_TO_CLIENT, false },
	{ CTLA_MSG_TRANSPORT, "ADMIN_TRANSPORT", CTLA_TRANSPORT_LEN, CTLA_TRANSPORT_LEN, 0,
	    CTL_DIR_TO_CLIENT, false },
	{ CTLA_MSG_PEER, "ADMIN_PEER", CTLA_PEER_LEN, CTLA_PEER_LEN, 0,
	    CTL_DIR_TO_CLIENT, false },
	{ CTLA_MSG_PATH, "ADMIN_PATH", CTLA_PATH_REC_LEN, CTLA_PATH_REC_LEN, 0,
	    CTL_DIR_TO_CLIENT, false },
	{ CTLA_MSG_QP, "ADMIN_QP", CTLA_QP_LEN, CTLA_QP_LEN, 0,
	    CTL_DIR_TO_CLIENT, false },
	{ CTLA_MSG_MR, "ADMIN_MR", CTLA_MR_LEN, CTLA_MR_LEN, 0,
	    CTL_DIR_TO_CLIENT, false },
	{ CTLA_MSG_CLIENT, "ADMIN_CLIENT", CTLA_CLIENT_LEN, CTLA_CLIENT_LEN, 0,
	    CTL_DIR_TO_CLIENT, false },
	{ CTLA_MSG_STATS, "ADMIN_STATS", CTLA_STATS_LEN, CTLA_STATS_LEN, 0,
	    CTL_DIR_TO_CLIENT, false },
	{ CTLA_MSG_TERM, "ADMIN_TERM", CTLA_TERM_LEN, CTLA_TERM_LEN, 0,
	    CTL_DIR_TO_CLIENT, false },
	{ CTLA_MSG_MORE, "ADMIN_MORE", CTLA_MORE_LEN, CTLA_MORE_LEN, 0,
	    CTL_DIR_TO_CLIENT, false },
};

#define CTL_NTYPES	(sizeof(ctl_types) / sizeof(ctl_types[0]))

static const char *const ctl_err_text[] = {
	"no error",
#define CTL_ERR_TEXT(name, text) text,
	CTL_ERR_TABLE(CTL_ERR_TEXT)
#undef CTL_ERR_TEXT
};

_Static_assert(sizeof(ctl_err_text) / sizeof(ctl_err_text[0]) ==
    CTL_E__COUNT, "one text per ctl_err");
_Static_assert(CTL_MSG_MAX <= INT32_MAX && sizeof(int) >= sizeof(int32_t),
    "encoders return message lengths as int");

/* Linear search: the table is short and read once per message. */
const struct ctl_type_info *
ctl_type_lookup(uint32_t type)
{
	size_t i;

	for (i = 0; i < CTL_NTYPES; i++)
		if (ctl_types[i].type == type)
			return &ctl_types[i];
	return NULL;
}

const char *
ctl_type_name(uint32_t type)
{
	const struct ctl_type_info *ti = ctl_type_lookup(type);

	return ti ? ti->name : "?";
}

const char *
ctl_strerror(enum ctl_err err)
{
	if ((int)err < CTL_OK || err >= CTL_E__COUNT)
		return "unknown control error";
	return ctl_err_text[err];
}

/* Read the four little-endian header fields. */
void
ctl_hdr_load(const uint8_t *p, struct ctl_hdr *hdr)
{
	hdr->type = ctl_load_le32(p);
	hdr->len = ctl_load_le32(p + 4);
	hdr->version = ctl_load_le32(p + 8);
	hdr->reqid = ctl_load_le32(p + 12);
}

/* Framing, version, type, payload length and fd count of a datagram. */
enum ctl_err
ctl_msg_check(const void *buf, size_t len, unsigned int nfds,
    struct ctl_hdr *hdr)
{
	const struct ctl_type_info *ti;

	memset(hdr, 0, sizeof(*hdr));
	if (len < CTL_HDR_LEN)
		return CTL_E_SHORT;
	ctl_hdr_load(buf, hdr);

	/* Framing first: it is frozen across versions, the payloads not. */
	if (len > CTL_MSG_MAX || hdr->len > CTL_MSG_MAX)
		return CTL_E_OVERSIZE;
	if (hdr->len != len)
		return CTL_E_LENGTH;
	/* Header filled: a HELLO of another version is still recognisable. */
	if (hdr->version != CTL_PROTO_VERSION)
		return CTL_E_VERSION;
	if ((ti = ctl_type_lookup(hdr->type)) == NULL)
		return CTL_E_TYPE;
	return ctl_type_check(ti, hdr->len - CTL_HDR_LEN, nfds);
}

/* Payload length and fd count against one table row. */
enum ctl_err
ctl_type_check(const struct ctl_type_info *ti, size_t payload_len,
    unsigned int nfds)
{
	if (payload_len < ti->payload_min || payload_len > ti->payload_max)
		return CTL_E_PAYLOAD_LEN;
	/* One fd per message, only where the table expects it (GUIDE §6). */
	if (nfds < ti->nfds)
		return CTL_E_FD_MISSING;
	if (nfds > ti->nfds)
		return CTL_E_FD_UNEXPECTED;
	return CTL_OK;
}

/* May `receiver` get this type? */
enum ctl_err
ctl_msg_check_dir(const struct ctl_hdr *hdr, unsigned int receiver)
{
	const struct ctl_type_info *ti = ctl_type_lookup(hdr->type);

	if (ti == NULL)
		return CTL_E_TYPE;
	return (ti->dir & receiver) ? CTL_OK : CTL_E_DIRECTION;
}

/* Write a header with the length left to patch. */
struct buf_wr
ctl_msg_begin(void *buf, size_t cap, uint32_t type, uint32_t reqid)
{
	struct buf_wr w = buf_wr_init(buf, cap);

	ctl_put_le32(&w, type);
	ctl_put_le32(&w, 0);			/* patched by ctl_msg_finish */
	ctl_put_le32(&w, CTL_PROTO_VERSION);
	ctl_put_le32(&w, reqid);
	return w;
}

/* Patch the header length once the payload is written. */
int
ctl_msg_finish(struct buf_wr *w, void *buf)
{
	if (!buf_wr_ok(w))
		return -(int)CTL_E_NOSPACE;
	if (w->used > CTL_MSG_MAX)
		return -(int)CTL_E_OVERSIZE;
	ctl_store_le32((uint8_t *)buf + 4, (uint32_t)w->used);
	return (int)w->used;
}

/* Read a fixed char[n]: a NUL inside, NULs only after it. */
enum ctl_err
ctl_get_str(struct buf_rd *r, char *dst, size_t n)
{
	const uint8_t *p = buf_take(r, n);
	const uint8_t *nul;
	size_t i;

	dst[0] = '\0';
	if (p == NULL)
		return CTL_E_PAYLOAD_LEN;
	if ((nul = memchr(p, 0, n)) == NULL)
		return CTL_E_STRING;
	/* NUL padding to the end keeps one encoding per string. */
	for (i = (size_t)(nul - p); i < n; i++)
		if (p[i] != 0)
			return CTL_E_PADDING;
	memcpy(dst, p, n);
	return CTL_OK;
}

/* Write s NUL-padded to n octets; refuse rather than truncate. */
enum ctl_err
ctl_put_str(struct buf_wr *w, const char *s, size_t n)
{
	size_t slen;

	/* Never read past s's NUL nor past n octets. */
	for (slen = 0; slen < n && s[slen] != '\0'; slen++)
		continue;
	if (slen == n)
		return CTL_E_STRING;
	buf_put_bytes(w, s, slen);
	buf_put_zero(w, n - slen);
	return buf_wr_ok(w) ? CTL_OK : CTL_E_NOSPACE;
}

/*
 * HELLO and HELLO_REPLY share one layout: u32 version, u32 flags,
 * char[32].  Nothing is stored unless the whole payload is valid.
 */
static enum ctl_err
ctl_hello_layout_decode(const void *payload, size_t len, uint32_t *version,
    uint32_t *flags, char *name)
{
	struct buf_rd r = buf_rd_init(payload, len);
	uint32_t v, f;
	enum ctl_err err;

	if (len != CTL_HELLO_LEN)
		return CTL_E_PAYLOAD_LEN;
	v = ctl_get_le32(&r);
	f = ctl_get_le32(&r);
	if ((err = ctl_get_str(&r, name, CTL_NAME_LEN)) != CTL_OK)
		return err;
	*version = v;
	*flags = f;
	return CTL_OK;
}

/* Decode a HELLO payload. */
enum ctl_err
ctl_hello_decode(const void *payload, size_t len, struct ctl_hello *out)
{
	memset(out, 0, sizeof(*out));
	return ctl_hello_layout_decode(payload, len, &out->version,
	    &out->flags, out->client_name);
}

/* Decode a HELLO_REPLY payload. */
enum ctl_err
ctl_hello_reply_decode(const void *payload, size_t len,
    struct ctl_hello_reply *out)
{
	memset(out, 0, sizeof(*out));
	return ctl_hello_layout_decode(payload, len, &out->version,
	    &out->flags, out->daemon_version);
}

/* Decode a RESULT payload: u32 code, u32 reserved (0), char[256]. */
enum ctl_err
ctl_result_decode(const void *payload, size_t len, struct ctl_result *out)
{
	struct buf_rd r = buf_rd_init(payload, len);
	enum ctl_err err;
	uint32_t code;

	memset(out, 0, sizeof(*out));
	if (len != CTL_RESULT_LEN)
		return CTL_E_PAYLOAD_LEN;
	code = ctl_get_le32(&r);
	if (ctl_get_le32(&r) != 0)
		return CTL_E_RESERVED;
	if ((err = ctl_get_str(&r, out->message, CTL_RESULT_MSG_LEN)) !=
	    CTL_OK)
		return err;
	out->code = code;
	return CTL_OK;
}

/* Encode the shared HELLO / HELLO_REPLY layout as a message of `type`. */
static int
ctl_hello_layout_encode(uint32_t type, uint32_t reqid, uint32_t version,
    uint32_t flags, const char *name, void *buf, size_t cap)
{
	struct buf_wr w = ctl_msg_begin(buf, cap, type, reqid);
	enum ctl_err err;

	ctl_put_le32(&w, version);
	ctl_put_le32(&w, flags);
	if ((err = ctl_put_str(&w, name, CTL_NAME_LEN)) == CTL_E_STRING)
		return -(int)err;
	return ctl_msg_finish(&w, buf);
}

/* Encode a whole HELLO message. */
int
ctl_hello_encode(uint32_t reqid, const struct ctl_hello *m, void *buf,
    size_t cap)
{
	return ctl_hello_layout_encode(CTL_MSG_HELLO, reqid, m->version,
	    m->flags, m->client_name, buf, cap);
}

/* Encode a whole HELLO_REPLY message. */
int
ctl_hello_reply_encode(uint32_t reqid, const struct ctl_hello_reply *m,
    void *buf, size_t cap)
{
	return ctl_hello_layout_encode(CTL_MSG_HELLO_REPLY, reqid,
	    m->version, m->flags, m->daemon_version, buf, cap);
}

/* Encode a whole RESULT message; the reserved field is sent as 0. */
int
ctl_result_encode(uint32_t reqid, const struct ctl_result *m, void *buf,
    size_t cap)
{
	struct buf_wr w = ctl_msg_begin(buf, cap, CTL_MSG_RESULT, reqid);

	ctl_put_le32(&w, m->code);
	ctl_put_le32(&w, 0);			/* reserved */
	if (ctl_put_str(&w, m->message, CTL_RESULT_MSG_LEN) == CTL_E_STRING)
		return -(int)CTL_E_STRING;
	return ctl_msg_finish(&w, buf);
}

/* Encode END: a header without payload. */
int
ctl_end_encode(uint32_t reqid, void *buf, size_t cap)
{
	struct buf_wr w = ctl_msg_begin(buf, cap, CTL_MSG_END, reqid);

	return ctl_msg_finish(&w, buf);
}
