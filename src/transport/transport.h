/* transport.h — lower-layer adapters (TCP/MPA, SCTP) behind one ops table. */
#ifndef RDMAD_TRANSPORT_TRANSPORT_H
#define RDMAD_TRANSPORT_TRANSPORT_H

/*
 * A transport carries RDMAP streams between two daemons: TCP with MPA
 * (RFC 5044, 6581), one TCP connection per QP; or SCTP (RFC 5043), one
 * stream of an association per QP.  It owns its sockets and their libevent
 * events, frames and unframes DDP segments, and runs connection set-up
 * (MPA Request/Reply, or the stream session control exchange) carrying
 * the application's private data as is (TCP: the MPA Private Data is
 * exactly the application's, so the wire is standard iWARP; an
 * application listening on port P makes the daemon listen on TCP port
 * P, and tp_conn_params.service is P).  It knows nothing of
 * STags or memory: segments come from and go to the engine through
 * eng_qp_tx_pull() / eng_qp_rx_hdr() (src/engine/engine.h).
 *
 * Life of a connection:
 *   active:  tp->ops->connect() -> env->conn_result(ok|rejected|failed)
 *            -> (ok) the daemon calls tp_conn_attach() with the QP.
 *   passive: a peer connects -> env->conn_request() -> the daemon calls
 *            ops->accept() (with the QP) or ops->reject().
 *   either side: eng_qp_disconnect() -> llp close; the peer going away ->
 *            eng_qp_llp_closed() and env->conn_closed().
 *
 * Ownership and callbacks (TCP transport; SCTP should follow):
 *  - A struct tp_conn belongs to the transport.  The daemon may use it
 *    from the moment connect() returns it or conn_request() shows it
 *    until one of these, after which it is freed and must not be used:
 *    conn_result() with anything but TP_ACCEPTED (freed when the callback
 *    returns), conn_closed() (freed when it returns), the daemon's own
 *    abort() (freed before abort returns, or right after the callback the
 *    daemon called it from; a TCP stream in Full Operation is first
 *    closed gracefully, detached from its QP and from the daemon, with
 *    no further callback), or reject() (the Reply is flushed, then the
 *    connection is closed and freed without a further callback).
 *  - conn_closed() is called once for every connection the daemon knows
 *    of (connect()ed and TP_ACCEPTED, or shown by conn_request()) that
 *    ends without the daemon asking for it: peer close or reset, MPA
 *    timeout while the daemon decides, a graceful or abortive close the
 *    engine asked for through llp->close().  It is not called after
 *    abort() or reject().
 *  - Once a QP is attached (accept(), attach()), the transport calls
 *    eng_qp_llp_closed() exactly once when the stream ends (after the
 *    engine's llp->close() too, and from abort()); the engine makes no
 *    llp call after that.  The daemon may call eng_qp_destroy() only
 *    after that point (call abort() first to force it).
 *  - accept(), reject() and attach() return 0, or -1 with errno (EINVAL:
 *    wrong state or private data too long; EPROTO: eng_qp_connect()
 *    failed).  c stays valid and the daemon drops it with abort() (after
 *    a failed accept() it may also reject()).  A failed attach() has
 *    sent the Terminate 2/0/5 of RFC 6581 §9.3 first.
 *  - Every callback may call back into the transport (abort(), accept(),
 *    the engine's llp ops); the transport defers freeing until it
 *    unwinds.  destroy() must not be called from a callback; it closes
 *    everything, calls eng_qp_llp_closed() for attached QPs and no
 *    daemon callback.
 *  - tp_conn_cookie(), tp_conn_set_cookie() and tp_conn_info() work on
 *    a connection of any transport: every transport's connection object
 *    starts with a struct tp_conn_head, and transport.c dispatches on its
 *    kind.  The SCTP transport (tp_sctp_ops, transport/sctp.h) follows
 *    every rule above with "connection" = one QP's DDP stream session on
 *    one SCTP stream.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct event_base;
struct eng_qp;
struct tp;
struct tp_conn;

enum tp_kind {
	TP_TCP = 1,		/* TCP with MPA framing */
	TP_SCTP = 2		/* SCTP, RFC 5043 */
};

/* IRD or ORD of a peer that sent none (MPA Rev 1, S = 0) or sent the
 * RFC 6581 §9.1 all-ones "no automatic negotiation" value. */
#define TP_IRD_ORD_NONE	0x3fffu

/*
 * Connection set-up parameters and results, both directions.  Locally
 * given ird/ord are what this end can support (connect(): sent as the
 * Initiator IRD/ORD; accept(): the limits the Responder IRD/ORD are
 * negotiated within, RFC 6581 §9.1); values at or above TP_IRD_ORD_NONE
 * mean "no automatic negotiation".  Reported ones (conn_request(),
 * conn_result()) are the peer's, as sent, or TP_IRD_ORD_NONE.
 */
struct tp_conn_params {
	uint16_t	service;	/* target application port; connect():
					 * overrides sa's port when not 0 */
	uint32_t	ird, ord;	/* RFC 6581 §9.1 */
	const void	*priv;		/* application private data */
	size_t		 priv_len;	/* <= RDMAD_MAX_PRIVATE_DATA */
};

/* An incoming request as the daemon sees it. */
struct tp_conn_req {
	enum tp_kind		 kind;
	struct sockaddr_storage	 peer;
	socklen_t		 peer_len;
	struct tp_conn_params	 params;	/* priv points into tp memory,
						 * valid until accept/reject */
};

/* Result of an outgoing connect. */
enum tp_result {
	TP_ACCEPTED = 0,
	TP_REJECTED,		/* the peer application said no */
	TP_REFUSED,		/* no listener, or the peer daemon refused */
	TP_UNREACHABLE,		/* no answer in time, or no route */
	TP_UNSUPPORTED,		/* transport missing here or at the peer */
	TP_PROTOCOL		/* malformed set-up exchange */
};

/* What a transport asks of the daemon. */
struct tp_env {
	void			*arg;
	struct event_base	*base;
	void	(*conn_request)(void *arg, struct tp_conn *c,
		    const struct tp_conn_req *req);
	/*
	 * peer (NULL when no Reply came): the peer's private data (accept
	 * or reject; priv valid during the call only) and its IRD/ORD as
	 * sent (RFC 6581 §9.1: passed up for Reject too); the negotiated
	 * local values are in tp_conn_info().  TP_ACCEPTED: call attach()
	 * (now or later) or abort().  why: a reason for logs, or NULL.
	 */
	void	(*conn_result)(void *arg, struct tp_conn *c,
		    enum tp_result r, const struct tp_conn_params *peer,
		    const char *why);
	void	(*conn_closed)(void *arg, struct tp_conn *c);
	/* level: syslog priority (LOG_ERR ... LOG_DEBUG); may be NULL. */
	void	(*log)(void *arg, int level, const char *msg);
};

/* RTR indications (RFC 6581 §9.2), as a mask. */
#define TP_RTR_SEND	0x1u	/* B: zero-length Send */
#define TP_RTR_WRITE	0x2u	/* C: zero-length RDMA Write */
#define TP_RTR_READ	0x4u	/* D: zero-length RDMA Read */
#define TP_RTR_ALL	(TP_RTR_SEND | TP_RTR_WRITE | TP_RTR_READ)

/*
 * MPA options of the TCP transport (rdmad.conf "mpa" group), the opts
 * argument of create().  Passing NULL gives the defaults: revision 2,
 * crc on, markers off, timeout 10000 ms, p2p off, rtr TP_RTR_ALL.
 */
struct tp_mpa_opts {
	int		revision;	/* 1 or 2: what an Initiator sends; a
					 * Responder answers both */
	bool		crc;		/* ask for CRC32c (RFC 5044 §7.1.1) */
	bool		markers;	/* ask for markers (M: we get them) */
	int		timeout_ms;	/* Startup Phase (§7.1.2 rule 10) */
	bool		p2p;		/* Initiator: ask for the peer-to-peer
					 * model (RFC 6581 §9.2, needs rev 2);
					 * the transport sends and consumes
					 * the RTR itself, the engine never
					 * sees it (see tcp_mpa.c) */
	unsigned int	rtr;		/* TP_RTR_* we can send and take;
					 * 0 means TP_RTR_ALL */
};

/* What a connection negotiated (for logs, rdmactl and tests). */
struct tp_conn_info {
	int		revision;	/* MPA Rev of the exchange */
	bool		enhanced;	/* RFC 6581 word exchanged */
	bool		crc;		/* CRC32c in use, both directions */
	bool		markers_tx;	/* we insert markers */
	bool		markers_rx;	/* the peer inserts markers */
	bool		p2p;		/* peer-to-peer model (A) */
	unsigned int	rtr;		/* the RTR indication used (one
					 * TP_RTR_* bit), or 0 */
	uint32_t	ord, ird;	/* negotiated local values (§9.1) */
	size_t		max_seg;	/* MULPDU given to the engine */
};

struct tp_ops {
	const char	*name;
	enum tp_kind	 kind;
	/* Available on this host? Fill *why when not. */
	bool	(*available)(char *why, size_t whylen);
	int	(*create)(const struct tp_env *env, const void *opts,
		    struct tp **tp);
	void	(*destroy)(struct tp *tp);
	/* Listen on sa (its port is the application's service). */
	int	(*listen)(struct tp *tp, const struct sockaddr *sa,
		    socklen_t salen, char *cause, size_t causelen);
	/* Stop listening on an address given to listen() (same octets). */
	void	(*unlisten)(struct tp *tp, const struct sockaddr *sa,
		    socklen_t salen);
	int	(*connect)(struct tp *tp, const struct sockaddr *sa,
		    socklen_t salen, const struct tp_conn_params *p,
		    void *cookie, struct tp_conn **c);
	int	(*accept)(struct tp_conn *c, struct eng_qp *qp,
		    const struct tp_conn_params *p);
	int	(*reject)(struct tp_conn *c, const void *priv, size_t len);
	/* Active side, after TP_ACCEPTED: hand the stream to the QP. */
	int	(*attach)(struct tp_conn *c, struct eng_qp *qp);
	void	(*abort)(struct tp_conn *c);
	/* Optional (NULL: none): how many connections are still closing
	 * gracefully; the daemon's shutdown lets them finish for a
	 * bounded time before destroy() resets the rest. */
	unsigned int (*closing)(struct tp *tp);
};

extern const struct tp_ops tp_tcp_ops;
extern const struct tp_ops tp_sctp_ops;		/* transport/sctp.h */

/*
 * The first member of every transport's connection object (TCP's struct
 * tp_conn, SCTP's struct sctp_conn): the functions below read it to
 * find the transport.  Private to transports.
 */
struct tp_conn_head {
	enum tp_kind	 kind;
	void		*cookie;
};

void		*tp_conn_cookie(const struct tp_conn *c);
enum tp_kind	 tp_conn_kind(const struct tp_conn *c);
void		 tp_conn_set_cookie(struct tp_conn *c, void *cookie);
/* Fill *ci; -1 before the MPA (SCTP: session control) exchange
 * completed. */
int		 tp_conn_info(const struct tp_conn *c, struct tp_conn_info *ci);

#endif /* RDMAD_TRANSPORT_TRANSPORT_H */
