/* ctladmin.h — administration messages of the control protocol (200-299). */
#ifndef RDMAD_WIRE_CTLADMIN_H
#define RDMAD_WIRE_CTLADMIN_H

/*
 * What rdmactl asks the daemon.  Framing, errors and the field helpers
 * are those of wire/ctlmsg.h; read it first.
 *
 * Conversation.  The client sends one ADMIN_REQ naming a query; the
 * daemon answers with RESULT (code != 0: EPERM when the client may not
 * administer the daemon, EPROTONOSUPPORT for another admin version,
 * EINVAL for an unknown query), or with zero or more records of the
 * query's types followed by END, all carrying the request's id:
 *
 *   query		records, in this order
 *   -----------------	--------------------------------------------
 *   STATUS		201 STATUS, then one 202 TRANSPORT per transport
 *   PEERS		per peer: 203 PEER, then its npaths 204 PATH
 *   QPS		205 QP per queue pair
 *   MRS		206 MR per region or window
 *   CLIENTS		207 CLIENT per control connection
 *   STATS		208 STATS per transport, then 209 TERM per
 *			(transport, direction, layer, type, code) seen
 *
 * Paging.  The daemon queues at most a bounded number of messages per
 * client (control.max_queue), so it sends at most a batch of items and
 * then, when items remain, MORE (next = the index of the next item)
 * instead of END; the client sends the same query again with start =
 * next.  An item is one record, except that a PEER and its PATHs are
 * one item, and STATUS with its TRANSPORTs is one item.  Lists may
 * change between two requests: a listing is a best-effort snapshot.
 *
 * Peers: one PEER per TCP peer address with live QPs (npaths 0), and
 * one per SCTP association (a peer daemon may have several when one
 * association's streams run out), followed by one PATH per peer
 * address of the association.
 *
 * Versioning.  These types joined CTL_PROTO_VERSION 1 before any release
 * of it, so the control protocol version did not change; from now on the
 * ctlmsg.h rules hold for them as for every type.  ADMIN_REQ also
 * carries CTLA_VERSION, so that the admin payloads can evolve on their
 * own (the daemon answers another one with RESULT EPROTONOSUPPORT); the
 * records' layouts are fixed per version.  A record type may be added without changing the
 * existing ones (clients skip types they do not know, since the framing
 * layer has checked their lengths).
 *
 * Payloads are fixed-size (the exact length is checked), every field is
 * a little-endian u8/u32/u64, a NUL-padded char array (ctl_get_str
 * rules) or a reserved u32 that must be zero (CTL_E_RESERVED).  The
 * codec is table-driven: one field list per type, one encoder, one
 * decoder.  Pure: no I/O, no allocation.
 */

#include <stddef.h>
#include <stdint.h>

#include "wire/ctlmsg.h"

#define CTLA_VERSION		2u	/* 2: PEER, PATH grew (SCTP) */

/* Message types (numbers of the ctlmsg.h table). */
enum ctla_type {
	CTLA_MSG_REQ		= 200,	/* client -> daemon */
	CTLA_MSG_STATUS		= 201,	/* daemon -> client records */
	CTLA_MSG_TRANSPORT	= 202,
	CTLA_MSG_PEER		= 203,
	CTLA_MSG_PATH		= 204,
	CTLA_MSG_QP		= 205,
	CTLA_MSG_MR		= 206,
	CTLA_MSG_CLIENT		= 207,
	CTLA_MSG_STATS		= 208,
	CTLA_MSG_TERM		= 209,
	CTLA_MSG_MORE		= 210	/* instead of END: ask again */
};

/* ADMIN_REQ queries. */
enum ctla_query {
	CTLA_Q_STATUS = 1,
	CTLA_Q_PEERS,
	CTLA_Q_QPS,
	CTLA_Q_MRS,
	CTLA_Q_CLIENTS,
	CTLA_Q_STATS
};

#define CTLA_NAME_LEN		32u	/* versions, client names */
#define CTLA_TP_LEN		16u	/* "tcp", "sctp" */
#define CTLA_ADDR_LEN		64u	/* "host:port", "[v6]:port" */
#define CTLA_WHY_LEN		96u	/* reason text */
#define CTLA_PATH_LEN		128u	/* configuration file */
#define CTLA_NOPS		16u	/* RDMAP opcodes counted */

/* Transport kinds (the same values as CTLV_TRANSPORT_*). */
#define CTLA_TP_SCTP		1u
#define CTLA_TP_TCP		2u

struct ctla_req {
	uint32_t	version;	/* CTLA_VERSION */
	uint32_t	query;		/* enum ctla_query */
	uint32_t	flags;		/* none yet: 0 */
	uint32_t	start;		/* first item (paging) */
};
#define CTLA_REQ_LEN		16u

struct ctla_more {
	uint32_t	next;		/* the start of the next request */
};
#define CTLA_MORE_LEN		8u	/* + reserved u32 */

struct ctla_status {
	char		version[CTLA_NAME_LEN];	/* "rdmad 0.1.0" */
	uint32_t	pid;
	uint32_t	nclients, nqps, nmrs, ncqs, nlisteners, npending;
	uint64_t	uptime_ms;
	char		config[CTLA_PATH_LEN];	/* "" : defaults */
};
#define CTLA_STATUS_LEN		(CTLA_NAME_LEN + 28u + 4u + 8u + \
				    CTLA_PATH_LEN)		/* 200 */

struct ctla_transport {
	char		name[CTLA_TP_LEN];
	uint32_t	kind;		/* CTLA_TP_* */
	uint32_t	available;	/* 1: this host can run it */
	uint32_t	in_use;		/* 1: the daemon runs it */
	uint32_t	nlisteners;	/* application ports listened on */
	uint32_t	nqps;		/* QPs on it */
	char		why[CTLA_WHY_LEN];	/* why not, or how */
};
#define CTLA_TRANSPORT_LEN	(CTLA_TP_LEN + 24u + CTLA_WHY_LEN) /* 136 */

/* PEER flags (SCTP associations). */
#define CTLA_PEER_INITIATOR	0x1u	/* this daemon opened it */
#define CTLA_PEER_UP		0x2u	/* DDP adaptation confirmed */
#define CTLA_PEER_RTX		0x4u	/* retransmits is valid (the kernel
					 * has SCTP_GET_ASSOC_STATS) */
struct ctla_peer {
	char		addr[CTLA_ADDR_LEN];	/* TCP "host:port", SCTP
						 * the peer daemon's address */
	uint32_t	transport;	/* CTLA_TP_* */
	uint32_t	nqps;		/* QPs (TCP) or streams in use (SCTP) */
	uint32_t	npaths;		/* PATH records that follow */
	uint32_t	streams;	/* SCTP: usable stream ids; TCP 0 */
	uint32_t	flags;		/* CTLA_PEER_* */
	uint32_t	max_seg;	/* SCTP: DDP segment size (MULPDU) */
	uint64_t	retransmits;	/* SCTP: chunks retransmitted */
	uint64_t	failovers;	/* SCTP: paths that became unreachable
					 * or primary changes */
};
#define CTLA_PEER_LEN		(CTLA_ADDR_LEN + 24u + 16u)	/* 104 */

/* One SCTP path (peer address) of the PEER before it. */
#define CTLA_PATH_ACTIVE	1u
#define CTLA_PATH_INACTIVE	2u
#define CTLA_PATH_PF		3u	/* potentially failed (RFC 7829) */
#define CTLA_PATH_UNCONFIRMED	4u
struct ctla_path {
	char		addr[CTLA_ADDR_LEN];
	uint32_t	state;		/* CTLA_PATH_* */
	uint32_t	primary;	/* 1: the primary path */
	uint32_t	rtt_us;		/* smoothed RTT */
	uint32_t	rto_ms;
	uint32_t	mtu;		/* path MTU, octets */
	uint32_t	cwnd;		/* congestion window, octets */
};
#define CTLA_PATH_REC_LEN	(CTLA_ADDR_LEN + 24u)	/* 88 */

/* QP states (the engine's) and connection states (the daemon's). */
struct ctla_qp {
	uint32_t	id;
	uint32_t	state;		/* 0 idle, 1 rts, 2 closing,
					 * 3 terminate, 4 error */
	uint32_t	conn;		/* 0 idle, 1 connecting,
					 * 2 accepting, 3 up, 4 down */
	uint32_t	transport;	/* CTLA_TP_*, 0 none yet */
	uint32_t	client;		/* control connection id */
	uint32_t	pid;		/* its process */
	uint32_t	ord, ird;
	char		peer[CTLA_ADDR_LEN];
	char		why[CTLA_WHY_LEN];
	uint64_t	tx_bytes, rx_bytes, tx_segs, rx_segs;
	uint64_t	terms_tx, terms_rx;
};
#define CTLA_QP_LEN		(32u + CTLA_ADDR_LEN + CTLA_WHY_LEN + 48u) /* 240 */

struct ctla_mr {
	uint32_t	stag;
	uint32_t	kind;		/* 0 region, 1 window type 1, 2 type 2 */
	uint32_t	access;		/* RDMAD_ACCESS_* bits */
	uint32_t	client;
	uint32_t	pid;
	uint64_t	len;		/* octets; 0 for an unbound window */
};
#define CTLA_MR_LEN		32u	/* + reserved u32 */

struct ctla_client {
	uint32_t	id;
	uint32_t	pid, uid, gid;
	char		name[CTLA_NAME_LEN];	/* its command (comm) */
	uint32_t	nqps, ncqs, nregions;
	uint32_t	admin;		/* 1: may administer */
	uint64_t	mapped;		/* octets of shared memory */
};
#define CTLA_CLIENT_LEN		(16u + CTLA_NAME_LEN + 24u)	/* 72 */

/* Which counters of a STATS record the transport can count. */
#define CTLA_ST_RETRANS		0x1u
#define CTLA_ST_FAILOVER	0x2u
struct ctla_stats {
	char		transport[CTLA_TP_LEN];
	uint32_t	flags;		/* CTLA_ST_*: valid counters */
	uint32_t	nqps;		/* QPs ever run on it */
	uint64_t	tx_bytes, rx_bytes, tx_segs, rx_segs;
	uint64_t	retransmits, failovers;
	uint64_t	ops_tx[CTLA_NOPS], ops_rx[CTLA_NOPS]; /* by opcode */
};
#define CTLA_STATS_LEN		(CTLA_TP_LEN + 8u + 48u + \
				    16u * CTLA_NOPS)		/* 328 */

#define CTLA_TERM_SENT		0u
#define CTLA_TERM_RECEIVED	1u
struct ctla_term {
	char		transport[CTLA_TP_LEN];
	uint32_t	dir;		/* CTLA_TERM_* */
	uint8_t		layer, etype, ecode;	/* RFC 5040 §4.8 */
	uint64_t	count;
};
#define CTLA_TERM_LEN		(CTLA_TP_LEN + 4u + 4u + 8u)	/* 32 */

/* Any decoded admin payload. */
union ctla_any {
	struct ctla_req		req;
	struct ctla_status	status;
	struct ctla_transport	transport;
	struct ctla_peer	peer;
	struct ctla_path	path;
	struct ctla_qp		qp;
	struct ctla_mr		mr;
	struct ctla_client	client;
	struct ctla_stats	stats;
	struct ctla_term	term;
	struct ctla_more	more;
};

/* The payload length of an admin type, or 0 for another type. */
uint32_t	 ctla_len(uint32_t type);

/* The octets the type's field table adds up to (== ctla_len()). */
size_t		 ctla_fields_len(uint32_t type);

/* "status", "peers", ...; NULL for an unknown query. */
const char	*ctla_query_name(uint32_t query);
/* The query named s, or 0. */
uint32_t	 ctla_query_lookup(const char *s);

/*
 * Decode the payload of an admin message of `type` into *out (zeroed
 * first, and on failure).  Returns CTL_OK, CTL_E_TYPE (not an admin
 * type), CTL_E_PAYLOAD_LEN, CTL_E_STRING, CTL_E_PADDING or
 * CTL_E_RESERVED.
 */
enum ctl_err	 ctla_decode(uint32_t type, const void *payload, size_t len,
		    union ctla_any *out);

/*
 * Encode a whole message of admin `type` from *m (the union member of
 * that type) into buf.  Returns the message length, or a negative
 * enum ctl_err (-CTL_E_TYPE, -CTL_E_STRING, -CTL_E_NOSPACE).
 */
int		 ctla_encode(uint32_t type, uint32_t reqid,
		    const union ctla_any *m, void *buf, size_t cap);

#endif /* RDMAD_WIRE_CTLADMIN_H */
