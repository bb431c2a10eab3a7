/* sctp.h — the SCTP transport (RFC 5043): options, info, and how to use it. */
#ifndef RDMAD_TRANSPORT_SCTP_H
#define RDMAD_TRANSPORT_SCTP_H

/*
 * RDMAP/DDP carried directly on kernel SCTP (RFC 5043, no MPA), through
 * the ops table tp_sctp_ops (transport.h).  For the daemon:
 *
 *   struct tp_sctp_opts o = { 0 };		// every 0 field: default
 *   o.port = 5043; o.local = addrs; o.nlocal = n;	// rdmad.conf "sctp"
 *   if (!tp_sctp_ops.available(why, sizeof(why)))	// no kernel SCTP:
 *	   ... use tp_tcp_ops (transport = "auto") and log why ...
 *   tp_sctp_ops.create(&env, &o, &tp);
 *   tp_sctp_ops.listen(tp, sa, salen, ...);	// sa's port = the service
 *   tp_sctp_ops.connect(tp, sa, salen, &params, cookie, &c);
 *	// connects to sa's address on the daemon port o.port; the
 *	// service (params.service, or sa's port) travels in the private
 *	// data of the Initiate (layout below)
 *   ... conn_request / conn_result / conn_closed exactly as for TCP ...
 *   tp_sctp_assoc_info(tp, i, &ai);		// rdmactl: paths, streams
 *
 * A connection (struct tp_conn for the daemon) is one DDP Stream
 * Session: one QP on one SCTP stream id, both directions (RFC 5043 §8).
 * One association per peer daemon carries many of them; when its stream
 * space is used up, connect() opens a further association to the peer.
 * Every rule of transport.h holds (ownership, callbacks, attach, abort,
 * destroy); TP_UNSUPPORTED means "no kernel SCTP" or "the peer did not
 * indicate the DDP adaptation layer" (RFC 5043 §11.1), TP_REFUSED "no
 * association" or "no such service at the peer daemon", TP_REJECTED the
 * peer application said no.
 *
 * Association set-up (RFC 5043 §5.1, §11.1): every socket sets the
 * Adaptation Layer Indication 0x00000001 (RFC 5061 §4.2.6); a peer whose
 * INIT/INIT-ACK does not carry it is aborted (incoming) or reported as
 * TP_UNSUPPORTED (outgoing), and never used for DDP.
 *
 * Stream ids: the side that opened the association starts sessions on
 * even stream ids, the other side on odd ones, so the two daemons never
 * pick the same stream at once.  A stream is reused, round-robin, only
 * after both Terminates (or the Reject) of its previous session.
 *
 * Private data of the Stream Session Control messages (RFC 5043
 * §5.2.3).  We always send the enhanced codes 5/6/7 (RFC 6581 §7), so
 * the IRD/ORD word comes first, then our 4-octet header, then the
 * application's private data (at most RDMAD_MAX_PRIVATE_DATA octets;
 * the RFC cap of 512 octets is never reached):
 *
 *     0      1      2      3
 *   +------+------+-------------+
 *   | ver  | flag |  service    |   ver = 1; service big-endian
 *   +------+------+-------------+
 *   | application private data ...
 *
 *   flag (Reject only): 0x01 "no listener for this service" (sent by
 *   the daemon, not the application: the initiator reports TP_REFUSED).
 *   An Initiate without a valid header is answered with a Terminate.
 *   Plain codes 1/2/3 are accepted on receipt (IRD/ORD then unknown).
 *
 * Data (RFC 5043 §5.2.2, §10): PPID 16 in network byte order, every
 * chunk unordered, the DDP-SSN numbered per stream from 0 with no gaps.
 * The receiver places the next in-order segment directly into the
 * target region; a chunk that overtook it is held in a bounded
 * per-stream reorder buffer (the only copy) until the gap fills.
 * System calls: the sender batches up to 32 segments of an association
 * per sendmmsg(2); the receiver reads a Write or Read Response segment
 * in two recvmsg (DDP-SSN and header, then the payload in place), its
 * length from the SCTP_NXTINFO of the message before (else FIONREAD).
 *
 * Single-threaded, on the daemon's event loop, like every transport.
 */

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport/transport.h"

/* The daemons' SCTP port when none is configured.  Not IANA-assigned:
 * the number of the RFC, easy to remember and to filter on. */
#define TP_SCTP_PORT_DEFAULT	5043
#define TP_SCTP_STREAMS_DEFAULT	2048	/* in = out (RFC 5043 §8) */
#define TP_SCTP_LOCAL_MAX	8	/* addresses bound (multihoming) */
#define TP_SCTP_PATHS_MAX	8	/* paths shown by tp_sctp_assoc_info */

/*
 * Options of create() (rdmad.conf "sctp" group).  NULL, or 0 in any
 * field, gives the default written after it.
 */
struct tp_sctp_opts {
	const struct sockaddr_storage *local;	/* addresses to bind with
					 * sctp_bindx(); none: the address
					 * given to listen(), or any */
	size_t		 nlocal;	/* <= TP_SCTP_LOCAL_MAX */
	uint16_t	 port;		/* daemon port: TP_SCTP_PORT_DEFAULT */
	uint16_t	 streams;	/* TP_SCTP_STREAMS_DEFAULT; >= 2 */
	uint32_t	 rto_initial_ms;	/* 1000 */
	uint32_t	 rto_min_ms;		/* 200 */
	uint32_t	 rto_max_ms;		/* 3000 */
	uint32_t	 hb_interval_ms;	/* 1000 */
	uint16_t	 path_max_retrans;	/* 3 */
	uint16_t	 pf_threshold;	/* potentially failed, RFC 7829: 1
					 * (SCTP_PEER_THOLDS, when present) */
	int		 sndbuf;	/* SO_SNDBUF: 4 MiB (kernel caps it) */
	int		 rcvbuf;	/* SO_RCVBUF: 4 MiB */
	int		 timeout_ms;	/* association + session set-up,
					 * Terminate answer: 10000 */
	uint32_t	 reorder_chunks;	/* held per stream: 256 */
	uint32_t	 reorder_bytes;	/* held per stream: 1 MiB */
	uint32_t	 max_pending;	/* Initiates awaiting the daemon,
					 * per transport: 1024 (§6.4) */
};

/* One path (peer address) of an association. */
struct tp_sctp_path {
	struct sockaddr_storage	 addr;
	socklen_t		 addr_len;
	int			 state;		/* SCTP_ACTIVE, SCTP_INACTIVE,
						 * SCTP_PF, SCTP_UNCONFIRMED */
	bool			 primary;
	uint32_t		 srtt_ms, rto_ms, mtu, cwnd;
};

/* One association, for logs and rdmactl. */
struct tp_sctp_assoc_info {
	struct sockaddr_storage	 peer;		/* as connected / accepted */
	socklen_t		 peer_len;
	bool			 initiator;	/* we opened it */
	bool			 up;		/* DDP adaptation confirmed */
	uint16_t		 streams;	/* usable stream ids */
	uint32_t		 in_use;	/* sessions (QPs) on it */
	size_t			 max_seg;	/* DDP segment size (MULPDU) */
	unsigned int		 npaths;
	struct tp_sctp_path	 paths[TP_SCTP_PATHS_MAX];
	uint64_t		 reorder_held;	/* chunks that overtook */
	bool			 has_rtx;	/* retransmits is valid */
	uint64_t		 retransmits;	/* SCTP_GET_ASSOC_STATS
						 * sas_rtxchunks */
	uint64_t		 failovers;	/* PEER_ADDR_CHANGE events: a
						 * path unreachable, or a new
						 * primary */
};

/* Number of associations of tp (index space of tp_sctp_assoc_info). */
unsigned int	 tp_sctp_assoc_count(const struct tp *tp);
/* Fill *ai for association i; -1 (errno ENOENT) past the end. */
int		 tp_sctp_assoc_info(const struct tp *tp, unsigned int i,
		    struct tp_sctp_assoc_info *ai);

/* The connection's SCTP stream id (tests, logs); -1 if none yet. */
int		 tp_sctp_conn_stream(const struct tp_conn *c);

/* tp_conn_info() of an SCTP connection (transport.c dispatches). */
struct sctp_conn;
int		 sctp_conn_info(const struct sctp_conn *c,
		    struct tp_conn_info *ci);

#endif /* RDMAD_TRANSPORT_SCTP_H */
