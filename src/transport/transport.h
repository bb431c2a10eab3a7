/* transport.h — lower-layer adapters (TCP/MPA, SCTP) behind one ops table. */
#ifndef RDMAD_TRANSPORT_TRANSPORT_H
#define RDMAD_TRANSPORT_TRANSPORT_H

/*
 * A transport carries RDMAP streams between two daemons: TCP with MPA
 * (RFC 5044, 6581), one TCP connection per QP; or SCTP (RFC 5043), one
 * stream of an association per QP.  It owns its sockets and their libevent
 * events, frames and unframes DDP segments, and runs connection set-up
 * (MPA Request/Reply, or the stream session control exchange) carrying
 * rdmad's connection private data (src/wire/cm.h).  It knows nothing of
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

/* Connection set-up parameters and results, both directions. */
struct tp_conn_params {
	uint16_t	service;	/* target application port */
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
	/* priv: the peer's private data (accept or reject), may be NULL. */
	void	(*conn_result)(void *arg, struct tp_conn *c,
		    enum tp_result r, const struct tp_conn_params *peer,
		    const char *why);
	void	(*conn_closed)(void *arg, struct tp_conn *c);
	void	(*log)(void *arg, int level, const char *msg);
};

/* MPA options of the TCP transport (rdmad.conf "mpa" group). */
struct tp_mpa_opts {
	int	revision;	/* 1 or 2 */
	bool	crc;		/* ask for CRC32c (RFC 5044 §7.1.2) */
	bool	markers;	/* ask for markers */
	int	timeout_ms;	/* MPA Request/Reply exchange */
};

struct tp_ops {
	const char	*name;
	enum tp_kind	 kind;
	/* Available on this host? Fill *why when not. */
	bool	(*available)(char *why, size_t whylen);
	int	(*create)(const struct tp_env *env, const void *opts,
		    struct tp **tp);
	void	(*destroy)(struct tp *tp);
	int	(*listen)(struct tp *tp, const struct sockaddr *sa,
		    socklen_t salen, char *cause, size_t causelen);
	int	(*connect)(struct tp *tp, const struct sockaddr *sa,
		    socklen_t salen, const struct tp_conn_params *p,
		    void *cookie, struct tp_conn **c);
	int	(*accept)(struct tp_conn *c, struct eng_qp *qp,
		    const struct tp_conn_params *p);
	int	(*reject)(struct tp_conn *c, const void *priv, size_t len);
	/* Active side, after TP_ACCEPTED: hand the stream to the QP. */
	int	(*attach)(struct tp_conn *c, struct eng_qp *qp);
	void	(*abort)(struct tp_conn *c);
};

extern const struct tp_ops tp_tcp_ops;

void		*tp_conn_cookie(const struct tp_conn *c);

#endif /* RDMAD_TRANSPORT_TRANSPORT_H */
