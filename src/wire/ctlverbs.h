/* ctlverbs.h — verbs messages of the rdmad control protocol (100-199). */
#ifndef RDMAD_WIRE_CTLVERBS_H
#define RDMAD_WIRE_CTLVERBS_H

/*
 * The requests a client (librdmad) sends to create and release verbs
 * objects, set up connections and query QPs, and the daemon's replies.
 * Framing, versioning, errors and the field helpers are those of
 * wire/ctlmsg.h; read it first.  Bump CTL_PROTO_VERSION there whenever
 * anything here changes on the wire.
 *
 * Conversation.  Every request carries a non-zero request id chosen by
 * the client.  The daemon answers each request with exactly one message
 * carrying the same request id: either RESULT (any failure, with an
 * errno-like code and a message; or success for requests that return
 * nothing) or the reply type named below.  The only unsolicited message
 * (request id 0) is CONN_REQUEST, pushed on the connection that sent
 * LISTEN.
 *
 *   request (client -> daemon)		success reply (daemon -> client)
 *   --------------------------------	-----------------------------------
 *   101 MEM_REG      +fd memfd		151 OBJ_REPLY  id = mem id
 *   102 MEM_DEREG    ID		    RESULT(0)
 *   103 PD_ALLOC     (no payload)	151 OBJ_REPLY  id = pd id
 *   104 PD_FREE      ID		    RESULT(0)
 *   105 MR_REG				151 OBJ_REPLY  id = STag
 *   106 MR_DEREG     ID (STag)		    RESULT(0)
 *   107 MW_ALLOC			151 OBJ_REPLY  id = STag
 *   108 MW_DEALLOC   ID (STag)		    RESULT(0)
 *   109 CQ_CREATE    +fd eventfd	152 CQ_REPLY   +fd CQ memfd
 *   110 CQ_DESTROY   ID		    RESULT(0)
 *   111 QP_CREATE    +fd eventfd	153 QP_REPLY   +fd QP memfd
 *   112 QP_DESTROY   ID		    RESULT(0)
 *   113 QP_CONNECT			154 CONN_REPLY (when up or failed)
 *   114 QP_QUERY     ID		156 QP_INFO
 *   115 LISTEN				151 OBJ_REPLY  id = listener id
 *   116 LISTEN_CLOSE ID		    RESULT(0)
 *   117 ACCEPT				154 CONN_REPLY (when up or failed)
 *   118 REJECT				    RESULT(0)
 *   (unsolicited, request id 0)	155 CONN_REQUEST
 *
 * Descriptors (SCM_RIGHTS, one per message, ctlmsg.h):
 *   MEM_REG	the client's memfd holding the memory, sealed against
 *		shrinking (F_SEAL_SHRINK; the daemon maps it MAP_SHARED,
 *		length octets from offset 0, then closes it).
 *   CQ_CREATE	an eventfd the client created; the daemon writes 1 to it
 *		when an armed CQ gets a completion (shm_abi.h).
 *   QP_CREATE	an eventfd the client created: the QP's doorbell, written
 *		by the client, watched by the daemon (shm_abi.h).
 *   CQ_REPLY, QP_REPLY	the object's memfd (layout in shm_abi.h), to be
 *		mapped MAP_SHARED for object_len octets.
 *
 * Object ids and STags are scoped to the daemon; the daemon checks that
 * every id in a request belongs to the sending connection (RESULT EBADF
 * or ENOENT otherwise) and releases every object of a connection when it
 * closes.  Listener and request ids: a request id of CONN_REQUEST is
 * unique daemon-wide; librdmad sends ACCEPT and REJECT on its main
 * connection (the one owning the QP), not on the listener's connection,
 * so the daemon accepts them from any connection whose peer credentials
 * (SO_PEERCRED uid) equal those of the listener's connection.  The
 * daemon pushes a listener's CONN_REQUESTs only after its OBJ_REPLY, and
 * rejects (with empty private data) every request not yet accepted or
 * rejected when its listener is closed (LISTEN_CLOSE, or the listener's
 * connection closing) or when the backlog overflows.  librdmad drops a
 * CONN_REQUEST that arrives while it waits for the reply to LISTEN or
 * LISTEN_CLOSE, and any reply whose request id it no longer waits for
 * (after a timeout), closing any descriptor that came with it.
 *
 * Connections.  QP_CONNECT and ACCEPT are answered only when the outcome
 * is known: CONN_REPLY with code 0 when the stream is in RTS, or with an
 * errno-like code when it failed: ECONNREFUSED (the peer rejected; the
 * reply carries the peer's reject private data), ETIMEDOUT,
 * EHOSTUNREACH, ECONNRESET, EPROTO (MPA or SSC negotiation failed)...
 * Failures detected before the attempt starts (unknown QP, QP already
 * connected, bad host, EPROTONOSUPPORT "no kernel SCTP: ..." for
 * transport SCTP on a host without it) come as RESULT instead.
 *
 * Transport choice.  QP_CONNECT's transport AUTO means the daemon's
 * configured default (rdmad.conf "transport").  When that is "auto" the
 * daemon tries SCTP first and falls back to TCP/MPA when this kernel
 * has no SCTP, or the SCTP attempt ends TP_UNSUPPORTED (the peer did
 * not indicate DDP), TP_REFUSED (no association, no SCTP listener for
 * the service at the peer daemon) or unanswered after sctp.timeout_ms;
 * a rejection by the peer application is reported (ECONNREFUSED), not
 * retried.  CONN_REPLY's transport is the one used (SCTP or TCP) and why
 * a short reason ("auto: SCTP", "auto: no kernel SCTP (...)", "tcp as
 * asked", ...); an accepted request's why is "incoming over SCTP" or
 * "incoming over TCP/MPA".
 *
 * Payload rules (on top of ctlmsg.h's): every integer little-endian;
 * reserved fields are zero (CTL_E_RESERVED); strings are char arrays
 * holding a NUL-terminated string NUL-padded to the end (CTL_E_STRING,
 * CTL_E_PADDING); private data is u32 length + u8[256] whose octets past
 * the length are zero (CTL_E_RESERVED), with length <= 256
 * (CTL_E_PAYLOAD_LEN).  Encoders write reserved fields and unused
 * private-data octets as zero whatever the struct holds.
 *
 * Values that cross the socket as u32/u16 (their numbers equal those of
 * include/rdmad/rdmad.h, which librdmad checks at compile time): the
 * CTLV_TRANSPORT_*, CTLV_QPS_* and CTLV_ACCESS_* constants below.  The
 * codec does not range-check them; the handlers do.
 */

#include <stddef.h>
#include <stdint.h>

#include "wire/ctlmsg.h"

/* Message types: values of enum ctl_msg_type (see ctlmsg.h). */
#define CTLV_MSG_FIRST		101u	/* 100 stays unused */

/* Sizes of fixed fields. */
#define CTLV_PRIV_MAX		256u	/* RDMAD_MAX_PRIVATE_DATA */
#define CTLV_HOST_LEN		256u	/* host name or address, with NUL */
#define CTLV_WHY_LEN		96u	/* reason text, with NUL */
#define CTLV_PEER_LEN		64u	/* "host:port" of the peer, with NUL */

/* Transport preference (QP_CONNECT, LISTEN) and result (replies). */
#define CTLV_TRANSPORT_AUTO	0u	/* the daemon's default (see above) */
#define CTLV_TRANSPORT_SCTP	1u
#define CTLV_TRANSPORT_TCP	2u

/* QP states (QP_INFO.state), same numbers as enum rdmad_qp_state. */
#define CTLV_QPS_IDLE		0u
#define CTLV_QPS_CONNECTING	1u
#define CTLV_QPS_RTS		2u
#define CTLV_QPS_CLOSING	3u
#define CTLV_QPS_TERMINATE	4u
#define CTLV_QPS_ERROR		5u

/* Access bits (MR_REG.access), same numbers as RDMAD_ACCESS_*. */
#define CTLV_ACCESS_LOCAL_WRITE		0x01u
#define CTLV_ACCESS_REMOTE_WRITE	0x02u
#define CTLV_ACCESS_REMOTE_READ		0x04u
#define CTLV_ACCESS_REMOTE_ATOMIC	0x08u
#define CTLV_ACCESS_MW_BIND		0x10u
#define CTLV_ACCESS_ALL			0x1fu

/* Private data of connection set-up (MPA or SSC private data). */
struct ctlv_priv {
	uint32_t	 len;			/* 0 .. CTLV_PRIV_MAX */
	/* octets past len: ignored by encoders, zero when decoded;
	 * 8-aligned, so an application may read its own struct there
	 * (rdmad_req_private_data(), rdmad_qp_peer_private_data()) */
	_Alignas(8) uint8_t data[CTLV_PRIV_MAX];
};
#define CTLV_PRIV_LEN		(4u + CTLV_PRIV_MAX)	/* 260 */

/* ---- requests: client -> daemon ------------------------------------------ */

/*
 * MEM_DEREG, PD_FREE, MR_DEREG, MW_DEALLOC, CQ_DESTROY, QP_DESTROY,
 * QP_QUERY, LISTEN_CLOSE: one object id (a STag for MR_DEREG and
 * MW_DEALLOC).
 */
struct ctlv_id {
	uint32_t	 id;
};
#define CTLV_ID_LEN		4u

/* PD_ALLOC has no payload. */
#define CTLV_PD_ALLOC_LEN	0u

/*
 * MEM_REG (+1 fd: the memfd): make `length` octets of the memfd from
 * offset 0 known to the daemon.  base is the address where the client
 * mapped it; MR_REG's iova is interpreted relative to it by the client
 * only (the daemon records it for rdmactl).  length > 0, and the memfd
 * must be at least that long (RESULT EINVAL otherwise).
 * Reply OBJ_REPLY: id = mem id, value = length.
 */
struct ctlv_mem_reg {
	uint64_t	 length;
	uint64_t	 base;
};
#define CTLV_MEM_REG_LEN	16u

/*
 * MR_REG: register [offset, offset+length) of mem `mem` in PD `pd` as a
 * memory region whose first octet has tagged offset `iova` (the client's
 * virtual address of it, as with verbs).  access: CTLV_ACCESS_* bits.
 * The trailing u32 is reserved.  Reply OBJ_REPLY: id = STag, value = 0.
 */
struct ctlv_mr_reg {
	uint32_t	 pd;
	uint32_t	 mem;
	uint64_t	 offset;
	uint64_t	 length;
	uint64_t	 iova;
	uint32_t	 access;
};
#define CTLV_MR_REG_LEN		40u	/* 4+4+8+8+8+4 + reserved 4 */

/* MW_ALLOC: a memory window of `type` (1 or 2) in PD `pd`.
 * Reply OBJ_REPLY: id = STag, value = 0. */
struct ctlv_mw_alloc {
	uint32_t	 pd;
	uint32_t	 type;
};
#define CTLV_MW_ALLOC_LEN	8u

/* CQ_CREATE (+1 fd: the notification eventfd): a CQ of at least
 * `depth` slots.  Reply CQ_REPLY. */
struct ctlv_cq_create {
	uint32_t	 depth;
};
#define CTLV_CQ_CREATE_LEN	4u

/*
 * QP_CREATE (+1 fd: the doorbell eventfd): a QP in PD `pd` completing on
 * CQs send_cq and recv_cq (ids from CQ_REPLY, may be equal), with at
 * least the given queue depths and the requested ORD/IRD (the daemon
 * may lower ORD/IRD to its limits; QP_REPLY says what it granted; the
 * connection may lower them again, RFC 6581 §9.1).  Reply QP_REPLY.
 */
struct ctlv_qp_create {
	uint32_t	 pd;
	uint32_t	 send_cq;
	uint32_t	 recv_cq;
	uint32_t	 sq_depth;
	uint32_t	 rq_depth;
	uint32_t	 ord;
	uint32_t	 ird;
};
#define CTLV_QP_CREATE_LEN	28u

/*
 * QP_CONNECT: connect QP `qp` to service `port` of the daemon at `host`
 * (a name or a numeric address), by `transport` (CTLV_TRANSPORT_*),
 * offering `priv` as private data.  Answered by CONN_REPLY once the
 * outcome is known (see "Connections").
 */
struct ctlv_qp_connect {
	uint32_t	 qp;
	uint16_t	 port;
	uint16_t	 transport;
	char		 host[CTLV_HOST_LEN];
	struct ctlv_priv priv;
};
#define CTLV_QP_CONNECT_LEN	(4u + 2u + 2u + CTLV_HOST_LEN + CTLV_PRIV_LEN)
					/* 524 */

/*
 * LISTEN: deliver connection requests for service `port` to this
 * connection as CONN_REQUEST messages, queueing at most `backlog` not
 * yet accepted or rejected (more are rejected by the daemon).
 * transport (CTLV_TRANSPORT_*, since CTL_PROTO_VERSION 2; the daemon
 * answers RESULT EINVAL for another value): which lower layers the
 * daemon listens on for port: AUTO = the daemon's configured default
 * (rdmad.conf "transport"; "auto" there means both TCP port `port` and
 * SCTP service `port`), SCTP or TCP = that one only.  Reply OBJ_REPLY:
 * id = listener id, value 0.  RESULT EADDRINUSE when another client
 * listens on port; EPROTONOSUPPORT when SCTP was asked and this kernel
 * has none.
 */
struct ctlv_listen {
	uint16_t	 port;
	uint16_t	 transport;
	uint32_t	 backlog;
};
#define CTLV_LISTEN_LEN		8u	/* u16 port, u16 transport, u32 */

/*
 * ACCEPT: accept connection request `request` (from CONN_REQUEST) on QP
 * `qp` (created and not yet connected), answering with `priv`.
 * Answered by CONN_REPLY once the stream is in RTS or failed.
 */
struct ctlv_accept {
	uint32_t	 request;
	uint32_t	 qp;
	struct ctlv_priv priv;
};
#define CTLV_ACCEPT_LEN		(4u + 4u + CTLV_PRIV_LEN)	/* 268 */

/* REJECT: reject connection request `request` with `priv`.
 * Reply RESULT(0) once the reject is sent. */
struct ctlv_reject {
	uint32_t	 request;
	struct ctlv_priv priv;
};
#define CTLV_REJECT_LEN		(4u + CTLV_PRIV_LEN)	/* 264 */

/* ---- replies and notifications: daemon -> client ------------------------- */

/*
 * OBJ_REPLY: the object a request created.  id is the new object's id
 * (mem id, pd id, STag or listener id); value is documented with each
 * request (0 when not).  The u32 after id is reserved.
 */
struct ctlv_obj_reply {
	uint32_t	 id;
	uint64_t	 value;
};
#define CTLV_OBJ_REPLY_LEN	16u	/* u32 id, u32 reserved, u64 */

/*
 * CQ_REPLY (+1 fd: the CQ's memfd): cq is the CQ number (also in the
 * control page), depth the slots granted (>= requested), object_len the
 * octets to map.
 */
struct ctlv_cq_reply {
	uint32_t	 cq;
	uint32_t	 depth;
	uint64_t	 object_len;
};
#define CTLV_CQ_REPLY_LEN	16u

/*
 * QP_REPLY (+1 fd: the QP's memfd): qp is the QP number (qp_num of
 * completions), the depths granted (>= requested), the ORD and IRD
 * granted (<= requested), object_len the octets to map.  The u32 before
 * object_len is reserved.
 */
struct ctlv_qp_reply {
	uint32_t	 qp;
	uint32_t	 sq_depth;
	uint32_t	 rq_depth;
	uint32_t	 ord;
	uint32_t	 ird;
	uint64_t	 object_len;
};
#define CTLV_QP_REPLY_LEN	32u	/* 5 x u32, u32 reserved, u64 */

/*
 * CONN_REPLY: outcome of QP_CONNECT or ACCEPT.  code 0: the QP is in
 * RTS, by `transport`, with the negotiated ORD/IRD; otherwise an errno
 * value (see "Connections").  why says why that transport was chosen
 * or why the attempt failed; peer is "host:port" of the peer ("" if
 * unknown); priv is the peer's accept or reject private data (ACCEPT:
 * always empty).
 */
struct ctlv_conn_reply {
	uint32_t	 code;
	uint32_t	 transport;
	uint32_t	 ord;
	uint32_t	 ird;
	char		 why[CTLV_WHY_LEN];
	char		 peer[CTLV_PEER_LEN];
	struct ctlv_priv priv;
};
#define CTLV_CONN_REPLY_LEN	(16u + CTLV_WHY_LEN + CTLV_PEER_LEN + \
				    CTLV_PRIV_LEN)		/* 436 */

/*
 * CONN_REQUEST (unsolicited, request id 0, on the LISTEN connection): a
 * peer asks to connect to listener `listener`.  request names it in
 * ACCEPT/REJECT; ird/ord are the peer's (RFC 6581 §9.1: our ORD is
 * bounded by its IRD); transport is what it arrived on; priv is the
 * peer's private data.
 */
struct ctlv_conn_request {
	uint32_t	 listener;
	uint32_t	 request;
	uint32_t	 ird;
	uint32_t	 ord;
	uint32_t	 transport;
	char		 peer[CTLV_PEER_LEN];
	struct ctlv_priv priv;
};
#define CTLV_CONN_REQUEST_LEN	(20u + CTLV_PEER_LEN + CTLV_PRIV_LEN) /* 344 */

/* QP_INFO: answer to QP_QUERY.  state: CTLV_QPS_*. */
struct ctlv_qp_info {
	uint32_t	 qp;
	uint32_t	 state;
	uint32_t	 transport;
	uint32_t	 ord;
	uint32_t	 ird;
	char		 why[CTLV_WHY_LEN];
	char		 peer[CTLV_PEER_LEN];
};
#define CTLV_QP_INFO_LEN	(20u + CTLV_WHY_LEN + CTLV_PEER_LEN) /* 180 */

/* ---- codec --------------------------------------------------------------- */

/*
 * Payload decoders: decode `len` octets of payload (after the header
 * ctl_msg_check() accepted) into *out.  They re-check the exact length
 * (CTL_E_PAYLOAD_LEN), strings (CTL_E_STRING, CTL_E_PADDING), reserved
 * fields and unused private-data octets (CTL_E_RESERVED) and the private
 * data length (CTL_E_PAYLOAD_LEN when above CTLV_PRIV_MAX).  *out is
 * zeroed on failure.  Reentrant.
 *
 * Encoders write a whole message (header + payload) of the type in
 * their name into buf and return its length, or a negative enum
 * ctl_err: -CTL_E_NOSPACE, -CTL_E_STRING (a string field without NUL
 * inside its array), -CTL_E_PAYLOAD_LEN (private data length above
 * CTLV_PRIV_MAX).
 */
enum ctl_err	 ctlv_id_decode(const void *payload, size_t len,
		    struct ctlv_id *out);
/* type: one of the ID types listed above, else -CTL_E_TYPE. */
int		 ctlv_id_encode(uint32_t type, uint32_t reqid,
		    const struct ctlv_id *m, void *buf, size_t cap);
/* Empty payload: CTL_OK iff len is 0. */
enum ctl_err	 ctlv_pd_alloc_decode(const void *payload, size_t len);
int		 ctlv_pd_alloc_encode(uint32_t reqid, void *buf, size_t cap);

#define CTLV_CODEC(name)						\
enum ctl_err	 ctlv_##name##_decode(const void *payload, size_t len,	\
		    struct ctlv_##name *out);				\
int		 ctlv_##name##_encode(uint32_t reqid,			\
		    const struct ctlv_##name *m, void *buf, size_t cap);
CTLV_CODEC(mem_reg)
CTLV_CODEC(mr_reg)
CTLV_CODEC(mw_alloc)
CTLV_CODEC(cq_create)
CTLV_CODEC(qp_create)
CTLV_CODEC(qp_connect)
CTLV_CODEC(listen)
CTLV_CODEC(accept)
CTLV_CODEC(reject)
CTLV_CODEC(obj_reply)
CTLV_CODEC(cq_reply)
CTLV_CODEC(qp_reply)
CTLV_CODEC(conn_reply)
CTLV_CODEC(conn_request)
CTLV_CODEC(qp_info)
#undef CTLV_CODEC

/* Any verbs payload, for dispatchers and the fuzzer. */
union ctlv_any {
	struct ctlv_id		 id;
	struct ctlv_mem_reg	 mem_reg;
	struct ctlv_mr_reg	 mr_reg;
	struct ctlv_mw_alloc	 mw_alloc;
	struct ctlv_cq_create	 cq_create;
	struct ctlv_qp_create	 qp_create;
	struct ctlv_qp_connect	 qp_connect;
	struct ctlv_listen	 listen;
	struct ctlv_accept	 accept;
	struct ctlv_reject	 reject;
	struct ctlv_obj_reply	 obj_reply;
	struct ctlv_cq_reply	 cq_reply;
	struct ctlv_qp_reply	 qp_reply;
	struct ctlv_conn_reply	 conn_reply;
	struct ctlv_conn_request conn_request;
	struct ctlv_qp_info	 qp_info;
};

/*
 * Decode the payload of a verbs message of `type` into the matching
 * member of *out (PD_ALLOC: nothing).  CTL_E_TYPE for a type that is not
 * a verbs type; otherwise as the per-type decoder.
 */
enum ctl_err	 ctlv_decode(uint32_t type, const void *payload, size_t len,
		    union ctlv_any *out);
/* Encode a verbs message of `type` from the matching member of *m. */
int		 ctlv_encode(uint32_t type, uint32_t reqid,
		    const union ctlv_any *m, void *buf, size_t cap);

/* True for the verbs types carrying an ID payload. */
int		 ctlv_is_id_type(uint32_t type);

#endif /* RDMAD_WIRE_CTLVERBS_H */
