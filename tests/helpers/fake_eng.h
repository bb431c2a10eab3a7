/* fake_eng.h — fake engine and fake daemon for transport tests. */
#ifndef RDMAD_TESTS_FAKE_ENG_H
#define RDMAD_TESTS_FAKE_ENG_H

/*
 * The fake engine implements exactly the engine.h functions a transport
 * calls (eng_qp_connect, eng_qp_tx_pull/tx_done, eng_rx_hdr_len,
 * eng_qp_rx_hdr/rx_done, eng_qp_llp_error/llp_closed).  A test queues
 * known segments to send and reads back, byte for byte, every segment
 * the transport delivered: its header octets and its payload as placed
 * in the QP's "registered memory" (mem[]), split over several iovec
 * elements to exercise scatter placement.  It counts protocol misuse
 * (rx_done without rx_hdr, tx_done out of order) in `misuse`.
 *
 * The fake daemon (struct fake_env) implements struct tp_env: it
 * records conn_request/conn_result/conn_closed and answers requests as
 * the test says (accept with a QP, reject, or hold).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

#include "engine/engine.h"
#include "transport/transport.h"

#define FAKE_TX_MAX	512
#define FAKE_RX_MAX	4096
#define FAKE_MEM	(4u << 20)

struct fake_tx {
	uint8_t		 hdr[ENG_HDR_MAX];
	size_t		 hdr_len;
	const uint8_t	*payload;	/* into the test's memory */
	size_t		 len;
};

struct fake_rx {
	uint8_t		 hdr[ENG_HDR_MAX];
	size_t		 hdr_len;
	size_t		 seg_len;
	size_t		 off;		/* payload in mem[] */
	size_t		 len;
	bool		 done;		/* eng_qp_rx_done() came */
};

struct eng_qp {
	/* eng_qp_connect() */
	const struct eng_llp_ops *ops;
	void		*llp;
	uint32_t	 ord, ird;
	size_t		 max_seg;
	int		 connects;
	int		 connect_fail;	/* test knob: make connect fail */
	/* send side */
	struct fake_tx	 tx[FAKE_TX_MAX];
	int		 tx_head, tx_tail;	/* pulled, queued */
	int		 tx_done;
	int		 tx_split;		/* payload iov elements, 1..4 */
	/* receive side */
	uint8_t		*mem;			/* FAKE_MEM octets */
	size_t		 mem_used;
	struct fake_rx	*rx;			/* FAKE_RX_MAX */
	int		 nrx, rx_done;
	int		 rx_split;		/* placement iov elements */
	bool		 rx_discard;		/* drop payloads */
	enum wire_err	 fail_hdr;		/* refuse the next header */
	bool		 in_seg;
	/* errors and close */
	int		 llp_errors;
	enum wire_err	 llp_err;
	int		 closed;
	bool		 closed_orderly;
	int		 misuse;
};

struct eng_qp	*fake_qp_new(void);
void		 fake_qp_free(struct eng_qp *qp);
/* Queue a segment (header octets + payload in place) and kick. */
void		 fake_qp_post(struct eng_qp *qp, const uint8_t *hdr,
		    size_t hdr_len, const uint8_t *payload, size_t len);
/* Build and queue an untagged Send (L set) / a tagged RDMA Write. */
void		 fake_qp_send(struct eng_qp *qp, uint32_t msn,
		    const uint8_t *payload, size_t len);
void		 fake_qp_write(struct eng_qp *qp, uint32_t stag, uint64_t to,
		    const uint8_t *payload, size_t len);
/* Header octets of those two (for tests building raw FPDUs). */
size_t		 fake_hdr_send(uint8_t *hdr, uint32_t msn);
size_t		 fake_hdr_write(uint8_t *hdr, uint32_t stag, uint64_t to);
/* Ask the transport to close the stream, as the engine does. */
void		 fake_qp_close(struct eng_qp *qp, bool abortive);

/* ---- the fake daemon ------------------------------------------------- */

enum fake_action {
	FAKE_ACCEPT,		/* accept with acc_qp / acc_params */
	FAKE_REJECT,		/* reject with acc_params.priv */
	FAKE_HOLD		/* answer nothing */
};

struct fake_env {
	struct tp_env		 env;
	const struct tp_ops	*ops;		/* the transport under test */
	struct tp		*tp;
	enum fake_action	 action;
	struct eng_qp		*acc_qp;	/* accept with it; initiator:
						 * attach it on TP_ACCEPTED */
	struct tp_conn_params	 acc_params;
	struct eng_qp		**pool;		/* server: QP of request i;
						 * client: attach the cookie */
	int			 npool;
	/* conn_request */
	int			 nreq;
	struct tp_conn		*req_c;
	struct tp_conn_params	 req;
	uint8_t			 req_pd[512];
	int			 accept_rv;
	/* conn_result */
	int			 nresult;
	int			 naccepted;
	enum tp_result		 result;
	struct tp_conn		*res_c;
	struct tp_conn_params	 res_peer;
	bool			 res_peer_set;
	uint8_t			 res_pd[512];
	char			 why[160];
	int			 attach_rv;
	/* conn_closed */
	int			 nclosed;
	/* the last log line */
	char			 log[256];
	int			 nlog;
};

struct event_base;

/* Set up fe on base with the transport options (NULL: defaults). */
int		 fake_env_init(struct fake_env *fe, struct event_base *base,
		    const struct tp_mpa_opts *opts);
/* The same for another transport (opts: its own options struct). */
int		 fake_env_init_ops(struct fake_env *fe,
		    struct event_base *base, const struct tp_ops *ops,
		    const void *opts);
void		 fake_env_fini(struct fake_env *fe);

/* Run base until cond(arg) holds or ms pass; returns cond's last value. */
bool		 fake_run(struct event_base *base, bool (*cond)(void *),
		    void *arg, int ms);
/* Run base for ms (lets pending work settle). */
void		 fake_settle(struct event_base *base, int ms);

/* A free loopback port (RDMAD_TEST_PORT if set, for captures). */
uint16_t	 fake_port(void);
/* Fill a 127.0.0.1:port address. */
socklen_t	 fake_addr(struct sockaddr_storage *ss, uint16_t port);

/* Two transports on one event_base, a client connected to a server. */
struct fake_pair {
	struct event_base	*base;
	struct fake_env		 srv, cli;
	struct eng_qp		*sqp, *cqp;
	struct tp_conn		*cc;
	uint16_t		 port;
};

/* Only the server side: set up, listen on p->port. */
int		 fake_pair_listen(struct fake_pair *p,
		    const struct tp_mpa_opts *copts,
		    const struct tp_mpa_opts *sopts,
		    const struct tp_conn_params *spar);
/* Listen, connect (NULL params/opts: zero params, default options). */
int		 fake_pair_open(struct fake_pair *p,
		    const struct tp_mpa_opts *copts,
		    const struct tp_mpa_opts *sopts,
		    const struct tp_conn_params *cpar,
		    const struct tp_conn_params *spar);
/* Run until both QPs are connected; true on success. */
bool		 fake_pair_up(struct fake_pair *p);
void		 fake_pair_close(struct fake_pair *p);

#endif /* RDMAD_TESTS_FAKE_ENG_H */
