/* ctlmsg.h — codec of the rdmad control protocol (UNIX SOCK_SEQPACKET). */
#ifndef RDMAD_WIRE_CTLMSG_H
#define RDMAD_WIRE_CTLMSG_H

/*
 * The local protocol between rdmad and its clients (librdmad, rdmactl),
 * after OpenBGPD's imsg and tmux's protocol (GUIDE §6).  One message per
 * SOCK_SEQPACKET datagram:
 *
 *	offset	size	field
 *	0	4	type		(enum ctl_msg_type)
 *	4	4	length		whole message, header included
 *	8	4	version		CTL_PROTO_VERSION of the sender
 *	12	4	request id	chosen by the client, echoed in replies
 *	16	...	payload		per type, fixed-width fields
 *
 * Every integer is little-endian, written octet by octet, so the format
 * is the same on every host.  Payload fields are u8/u16/u32/u64 and
 * fixed-size char arrays that hold a NUL-terminated string padded with
 * NULs to the end of the array.  No enum, size_t, pointer or bool ever
 * crosses the socket.  At most one file descriptor rides along with a
 * message (SCM_RIGHTS), and only on types whose table row expects one.
 *
 * Versioning.  Bump CTL_PROTO_VERSION whenever any payload changes, a
 * type is added or removed, or a rule in the type table changes.  Frozen
 * forever, so that peers of different versions can still tell each other
 * so: the header layout above, the type numbers of HELLO (1) and
 * HELLO_REPLY (2), and the first payload field of both (u32 version).
 * ctl_msg_check() checks the framing (length, size cap) before the
 * version and, on a version mismatch, returns CTL_E_VERSION with the
 * header filled in: the daemon then sees a HELLO from a client of another
 * version and answers with HELLO_REPLY carrying its own version before
 * closing (tmux proc.c peer_check_version).
 *
 * Type numbers are grouped so that later types slot in without moving
 * anything: 1-99 session, 100-199 verbs objects, 200-299 administration.
 * 0 is never a valid type.
 *
 * Errors are enum ctl_err; they never become RDMA Terminates.  Decoders
 * copy into caller structs (strings are short), hold no pointers into the
 * input and never allocate.  Everything here is reentrant and thread-safe.
 *
 * Encoders return the total octets written (header included), or a
 * negative enum ctl_err: -CTL_E_NOSPACE when the buffer is too small,
 * -CTL_E_STRING when a string does not fit its array with its NUL,
 * -CTL_E_OVERSIZE past CTL_MSG_MAX.  On failure the buffer contents are
 * unspecified.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* 2: LISTEN carries a transport; admin PEER and PATH records grew
 * (CTLA_VERSION 2). */
#define CTL_PROTO_VERSION	2u	/* bump whenever any payload changes */
#define CTL_HDR_LEN		16u	/* four u32 */
#define CTL_MSG_MAX		65536u	/* largest message, header included */

/* Message types.  See the versioning rules above before touching these. */
enum ctl_msg_type {
	/* 1-99: session */
	CTL_MSG_HELLO		= 1,	/* client -> daemon, first message */
	CTL_MSG_HELLO_REPLY	= 2,	/* daemon -> client */
	CTL_MSG_RESULT		= 3,	/* daemon -> client, generic reply */
	CTL_MSG_END		= 4,	/* daemon -> client, ends a stream */
	/* 100-199: verbs objects (wire/ctlverbs.h); 100 stays unused */
	CTL_MSG_MEM_REG		= 101,	/* +fd memfd -> OBJ_REPLY */
	CTL_MSG_MEM_DEREG	= 102,
	CTL_MSG_PD_ALLOC	= 103,	/* -> OBJ_REPLY */
	CTL_MSG_PD_FREE		= 104,
	CTL_MSG_MR_REG		= 105,	/* -> OBJ_REPLY */
	CTL_MSG_MR_DEREG	= 106,
	CTL_MSG_MW_ALLOC	= 107,	/* -> OBJ_REPLY */
	CTL_MSG_MW_DEALLOC	= 108,
	CTL_MSG_CQ_CREATE	= 109,	/* +fd eventfd -> CQ_REPLY */
	CTL_MSG_CQ_DESTROY	= 110,
	CTL_MSG_QP_CREATE	= 111,	/* +fd eventfd -> QP_REPLY */
	CTL_MSG_QP_DESTROY	= 112,
	CTL_MSG_QP_CONNECT	= 113,	/* -> CONN_REPLY */
	CTL_MSG_QP_QUERY	= 114,	/* -> QP_INFO */
	CTL_MSG_LISTEN		= 115,	/* -> OBJ_REPLY, then CONN_REQUESTs */
	CTL_MSG_LISTEN_CLOSE	= 116,
	CTL_MSG_ACCEPT		= 117,	/* -> CONN_REPLY */
	CTL_MSG_REJECT		= 118,
	CTL_MSG_OBJ_REPLY	= 151,	/* daemon -> client */
	CTL_MSG_CQ_REPLY	= 152,	/* daemon -> client, +fd memfd */
	CTL_MSG_QP_REPLY	= 153,	/* daemon -> client, +fd memfd */
	CTL_MSG_CONN_REPLY	= 154,	/* daemon -> client */
	CTL_MSG_CONN_REQUEST	= 155,	/* daemon -> client, unsolicited */
	CTL_MSG_QP_INFO		= 156,	/* daemon -> client */
	/* 200-299: administration: enum ctla_type in wire/ctladmin.h */
};

/* Directions a type may travel in (a bit set). */
#define CTL_DIR_TO_DAEMON	0x1u	/* sent by clients */
#define CTL_DIR_TO_CLIENT	0x2u	/* sent by the daemon */
#define CTL_DIR_BOTH		(CTL_DIR_TO_DAEMON | CTL_DIR_TO_CLIENT)

/*
 * One row of the type table: everything the framing layer knows about a
 * type.  Payload length must lie in payload_min..payload_max (equal for
 * fixed-size payloads).  nfds is the exact number of descriptors that
 * must accompany the message (0 or 1).  mutating marks types a read-only
 * control socket refuses.
 */
struct ctl_type_info {
	uint32_t	 type;
	const char	*name;		/* "HELLO" */
	uint32_t	 payload_min;
	uint32_t	 payload_max;
	uint8_t		 nfds;
	uint8_t		 dir;		/* CTL_DIR_* */
	bool		 mutating;
};

/* The row of `type`, or NULL for an unknown type.  Points into a static
 * const table. */
const struct ctl_type_info *ctl_type_lookup(uint32_t type);

/* "HELLO", ..., or "?" for an unknown type.  Never NULL. */
const char	*ctl_type_name(uint32_t type);

/* ---- errors -------------------------------------------------------------- */

/* CTL_ERR(NAME, "text") rows; the enum and ctl_strerror() both use them. */
#define CTL_ERR_TABLE(CTL_ERR)						\
	CTL_ERR(SHORT, "message shorter than the 16-octet header")	\
	CTL_ERR(OVERSIZE, "message longer than CTL_MSG_MAX")		\
	CTL_ERR(LENGTH, "header length differs from the datagram length") \
	CTL_ERR(VERSION, "unsupported protocol version")		\
	CTL_ERR(TYPE, "unknown message type")				\
	CTL_ERR(PAYLOAD_LEN, "wrong payload length for the message type") \
	CTL_ERR(FD_MISSING, "message type expects a file descriptor")	\
	CTL_ERR(FD_UNEXPECTED, "more file descriptors than the type takes") \
	CTL_ERR(DIRECTION, "message type not valid in this direction")	\
	CTL_ERR(STRING, "string field has no NUL inside its array")	\
	CTL_ERR(PADDING, "string field has non-NUL octets after its NUL") \
	CTL_ERR(RESERVED, "reserved field is not zero")			\
	CTL_ERR(NOSPACE, "buffer too small to encode the message")

enum ctl_err {
	CTL_OK = 0,
#define CTL_ERR_ENUM(name, text) CTL_E_##name,
	CTL_ERR_TABLE(CTL_ERR_ENUM)
#undef CTL_ERR_ENUM
	CTL_E__COUNT
};

/* One-line description of err; "no error" for CTL_OK.  Never NULL. */
const char	*ctl_strerror(enum ctl_err err);

/* ---- header and framing -------------------------------------------------- */

struct ctl_hdr {
	uint32_t	 type;		/* enum ctl_msg_type */
	uint32_t	 len;		/* header included */
	uint32_t	 version;
	uint32_t	 reqid;
};

/*
 * Validate one received datagram of `len` octets that came with `nfds`
 * descriptors, and fill *hdr.  Checks, in this order, each failure its
 * own error:
 *   CTL_E_SHORT	len < 16 (*hdr zeroed; everything else: filled)
 *   CTL_E_OVERSIZE	len or the header length > CTL_MSG_MAX
 *   CTL_E_LENGTH	header length != len
 *   CTL_E_VERSION	version != CTL_PROTO_VERSION (see "Versioning")
 *   CTL_E_TYPE		type not in the table
 *   CTL_E_PAYLOAD_LEN	payload length outside the type's range
 *   CTL_E_FD_MISSING	nfds below what the type expects
 *   CTL_E_FD_UNEXPECTED nfds above what the type expects
 * On CTL_OK the payload is buf + CTL_HDR_LEN, hdr->len - CTL_HDR_LEN
 * octets; payload fields are checked by the per-type decoders.
 * The caller closes any descriptor it received when this fails.
 */
enum ctl_err	 ctl_msg_check(const void *buf, size_t len, unsigned int nfds,
		    struct ctl_hdr *hdr);

/*
 * The per-type part of ctl_msg_check(): payload length and descriptor
 * count against one table row.  Returns CTL_OK, CTL_E_PAYLOAD_LEN,
 * CTL_E_FD_MISSING or CTL_E_FD_UNEXPECTED.
 */
enum ctl_err	 ctl_type_check(const struct ctl_type_info *ti,
		    size_t payload_len, unsigned int nfds);

/*
 * CTL_OK when a message of type hdr->type may be received by `receiver`
 * (CTL_DIR_TO_DAEMON on the daemon side, CTL_DIR_TO_CLIENT in clients),
 * CTL_E_TYPE for an unknown type, else CTL_E_DIRECTION.
 */
enum ctl_err	 ctl_msg_check_dir(const struct ctl_hdr *hdr,
		    unsigned int receiver);

/* Read the 16-octet header at p (caller checked the length). */
void		 ctl_hdr_load(const uint8_t *p, struct ctl_hdr *hdr);

/*
 * Start a message of `type` in buf: write a header with this
 * CTL_PROTO_VERSION, reqid and a length to be patched, and return a
 * writer positioned at the payload.  Append the payload with the helpers
 * below, then call ctl_msg_finish().
 */
struct buf_wr	 ctl_msg_begin(void *buf, size_t cap, uint32_t type,
		    uint32_t reqid);

/*
 * Patch the length of the message started at buf and written through w.
 * Returns the total length, -CTL_E_NOSPACE if any put overflowed, or
 * -CTL_E_OVERSIZE past CTL_MSG_MAX.
 */
int		 ctl_msg_finish(struct buf_wr *w, void *buf);

/* ---- little-endian field helpers (for this and later payloads) ---------- */

/* Little-endian loads from bounds-checked memory. */
static inline uint16_t
ctl_load_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static inline uint32_t
ctl_load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint64_t
ctl_load_le64(const uint8_t *p)
{
	return (uint64_t)ctl_load_le32(p) |
	    (uint64_t)ctl_load_le32(p + 4) << 32;
}

/* Little-endian stores into bounds-checked memory. */
static inline void
ctl_store_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void
ctl_store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void
ctl_store_le64(uint8_t *p, uint64_t v)
{
	ctl_store_le32(p, (uint32_t)v);
	ctl_store_le32(p + 4, (uint32_t)(v >> 32));
}

/* Cursor gets: zero and the sticky bad flag when short (see buf.h). */
static inline uint8_t
ctl_get_u8(struct buf_rd *r)
{
	return buf_get_u8(r);
}

static inline uint16_t
ctl_get_le16(struct buf_rd *r)
{
	const uint8_t *p = buf_take(r, 2);

	return p ? ctl_load_le16(p) : 0;
}

static inline uint32_t
ctl_get_le32(struct buf_rd *r)
{
	const uint8_t *p = buf_take(r, 4);

	return p ? ctl_load_le32(p) : 0;
}

static inline uint64_t
ctl_get_le64(struct buf_rd *r)
{
	const uint8_t *p = buf_take(r, 8);

	return p ? ctl_load_le64(p) : 0;
}

/* Cursor puts: nothing written and the bad flag set when full. */
static inline void
ctl_put_u8(struct buf_wr *w, uint8_t v)
{
	buf_put_u8(w, v);
}

static inline void
ctl_put_le16(struct buf_wr *w, uint16_t v)
{
	uint8_t *p = buf_reserve(w, 2);

	if (p)
		ctl_store_le16(p, v);
}

static inline void
ctl_put_le32(struct buf_wr *w, uint32_t v)
{
	uint8_t *p = buf_reserve(w, 4);

	if (p)
		ctl_store_le32(p, v);
}

static inline void
ctl_put_le64(struct buf_wr *w, uint64_t v)
{
	uint8_t *p = buf_reserve(w, 8);

	if (p)
		ctl_store_le64(p, v);
}

/*
 * Read a fixed char[n] field into dst[n] (n >= 1).  The field must hold a
 * NUL, and every octet after the first NUL must be NUL as well, so that
 * each string has exactly one encoding.  Returns CTL_OK, CTL_E_PAYLOAD_LEN
 * when fewer than n octets remain, CTL_E_STRING (no NUL) or
 * CTL_E_PADDING.  dst is always NUL-terminated, and empty on failure.
 */
enum ctl_err	 ctl_get_str(struct buf_rd *r, char *dst, size_t n);

/*
 * Write s as a fixed char[n] field, NUL-padded.  s is read up to its NUL
 * or n octets, whichever comes first, so it may be a C string of any
 * length or a char[n] array.  Returns CTL_OK, CTL_E_STRING when s has no
 * NUL within its first n octets (strings are never truncated), or
 * CTL_E_NOSPACE.  Nothing is written on CTL_E_STRING.
 */
enum ctl_err	 ctl_put_str(struct buf_wr *w, const char *s, size_t n);

/* ---- payloads of the session types -------------------------------------- */

#define CTL_NAME_LEN		32u	/* client_name, daemon_version */
#define CTL_RESULT_MSG_LEN	256u

/* HELLO, client -> daemon: the first message of every connection. */
struct ctl_hello {
	uint32_t	 version;	/* CTL_PROTO_VERSION; frozen field */
	uint32_t	 flags;		/* none defined yet: send 0 */
	char		 client_name[CTL_NAME_LEN];	/* "rdmactl" */
};
#define CTL_HELLO_LEN		(4u + 4u + CTL_NAME_LEN)	/* 40 */

/* HELLO_REPLY, daemon -> client. */
struct ctl_hello_reply {
	uint32_t	 version;	/* daemon's version; frozen field */
	uint32_t	 flags;		/* none defined yet: send 0 */
	char		 daemon_version[CTL_NAME_LEN];	/* "rdmad 0.1" */
};
#define CTL_HELLO_REPLY_LEN	(4u + 4u + CTL_NAME_LEN)	/* 40 */

/*
 * RESULT, daemon -> client: the generic reply and error.  code 0 is
 * success, anything else an errno-like value.  The reserved u32 must be
 * zero on the wire (CTL_E_RESERVED).
 */
struct ctl_result {
	uint32_t	 code;
	char		 message[CTL_RESULT_MSG_LEN];	/* may be "" */
};
#define CTL_RESULT_LEN		(4u + 4u + CTL_RESULT_MSG_LEN)	/* 264 */

/* END, daemon -> client: no payload; ends a multi-object reply stream. */
#define CTL_END_LEN		0u

/*
 * Payload decoders: decode `len` octets of payload (the part after the
 * header that ctl_msg_check() accepted) into *out.  They re-check the
 * exact length (CTL_E_PAYLOAD_LEN), the string rule (CTL_E_STRING,
 * CTL_E_PADDING) and reserved fields (CTL_E_RESERVED).  *out is zeroed on
 * failure.
 */
enum ctl_err	 ctl_hello_decode(const void *payload, size_t len,
		    struct ctl_hello *out);
enum ctl_err	 ctl_hello_reply_decode(const void *payload, size_t len,
		    struct ctl_hello_reply *out);
enum ctl_err	 ctl_result_decode(const void *payload, size_t len,
		    struct ctl_result *out);

/*
 * Whole-message encoders (header + payload) into buf.  The string fields
 * of m must be NUL-terminated within their arrays.  Return the message
 * length or a negative enum ctl_err (see the top of this file).
 */
int		 ctl_hello_encode(uint32_t reqid, const struct ctl_hello *m,
		    void *buf, size_t cap);
int		 ctl_hello_reply_encode(uint32_t reqid,
		    const struct ctl_hello_reply *m, void *buf, size_t cap);
int		 ctl_result_encode(uint32_t reqid, const struct ctl_result *m,
		    void *buf, size_t cap);
int		 ctl_end_encode(uint32_t reqid, void *buf, size_t cap);

#endif /* RDMAD_WIRE_CTLMSG_H */
