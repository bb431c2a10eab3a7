/* rdmad.h — librdmad, the client library of the rdmad RDMA daemon. */
#ifndef RDMAD_RDMAD_H
#define RDMAD_RDMAD_H

/*
 * librdmad gives an application verbs-shaped RDMA (RDMAP, RFC 5040 and
 * RFC 7306) through a local rdmad daemon, which carries it over SCTP
 * (RFC 5043) or TCP with MPA (RFC 5044).  The library talks to the daemon
 * over a UNIX socket; memory that takes part in RDMA, work queues and
 * completion queues live in shared memory, so the daemon places incoming
 * data straight into the application's buffers.
 *
 * Conventions
 *  - Every function that can fail returns 0 on success or a negative errno
 *    value (-EINVAL, -ENOMEM, -ECONNREFUSED, ...); rdmad_strerror() turns
 *    it into text and rdmad_last_error() gives the daemon's or library's
 *    detailed message for the last failure on a context.
 *  - Objects are created by rdmad_*_create/alloc/reg and released by the
 *    matching destroy/free/dereg; the caller owns what it creates and must
 *    release children (QPs, MRs, ...) before their parent (context, PD).
 *    Closing a context releases everything still open on it.
 *  - Thread safety: a context and its objects may be used from one thread
 *    at a time; posting to different QPs and polling different CQs from
 *    different threads is safe.
 *  - Addresses: a scatter/gather element names client virtual addresses
 *    inside a memory region; remote addresses (tagged offsets) are the
 *    peer's virtual addresses inside the region its STag names, as with
 *    verbs.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RDMAD_DEFAULT_SOCKET	"/run/rdmad/rdmad.sock"
#define RDMAD_ENV_SOCKET	"RDMAD_SOCKET"
#define RDMAD_MAX_SGE		4	/* scatter/gather entries per request */
#define RDMAD_MAX_PRIVATE_DATA	256	/* connection private data, octets */

typedef struct rdmad_ctx rdmad_ctx_t;	/* a session with the daemon */
struct rdmad_mem;			/* shared memory the daemon can map */
struct rdmad_pd;			/* protection domain */
struct rdmad_mr;			/* memory region */
struct rdmad_mw;			/* memory window */
struct rdmad_cq;			/* completion queue */
struct rdmad_qp;			/* queue pair (one RDMAP stream) */
struct rdmad_listener;			/* passive side of connection set-up */
struct rdmad_conn_req;			/* one incoming connection request */

/* ---- context ------------------------------------------------------ */

/*
 * Connect to the daemon at `socket_path`; NULL means $RDMAD_SOCKET, else
 * RDMAD_DEFAULT_SOCKET.  Fails with -ENOENT or -ECONNREFUSED when no
 * daemon listens there and -EPROTO when the daemon speaks another
 * protocol version (rdmad_last_error() says which).
 */
int		 rdmad_open(const char *socket_path, rdmad_ctx_t **ctx);
/* Release every object of the context and close the session. */
void		 rdmad_close(rdmad_ctx_t *ctx);
/* Text for a negative return value of this library. */
const char	*rdmad_strerror(int err);
/* Detailed text of the last failure on ctx (never NULL). */
const char	*rdmad_last_error(const rdmad_ctx_t *ctx);

/* ---- shared memory -------------------------------------------------- */

/*
 * Allocate `len` octets of zeroed memory that the daemon can map (a memfd).
 * Only memory from rdmad_mem_alloc() or rdmad_mem_import() can be
 * registered.
 */
int		 rdmad_mem_alloc(rdmad_ctx_t *ctx, size_t len,
		    struct rdmad_mem **mem);
/* Use an application-owned memfd of `len` octets (the fd is duplicated). */
int		 rdmad_mem_import(rdmad_ctx_t *ctx, int fd, size_t len,
		    struct rdmad_mem **mem);
void		*rdmad_mem_addr(const struct rdmad_mem *mem);
size_t		 rdmad_mem_len(const struct rdmad_mem *mem);
/* Unmap; fails with -EBUSY while a region still covers it. */
int		 rdmad_mem_free(struct rdmad_mem *mem);

/* ---- protection domains and memory registration (RFC 5042) ------------ */

int		 rdmad_pd_alloc(rdmad_ctx_t *ctx, struct rdmad_pd **pd);
/* Fails with -EBUSY while objects still use the PD. */
int		 rdmad_pd_free(struct rdmad_pd *pd);

/* Access rights of regions and windows. */
#define RDMAD_ACCESS_LOCAL_WRITE	0x01
#define RDMAD_ACCESS_REMOTE_WRITE	0x02
#define RDMAD_ACCESS_REMOTE_READ	0x04
#define RDMAD_ACCESS_REMOTE_ATOMIC	0x08
#define RDMAD_ACCESS_MW_BIND		0x10

/*
 * Register [addr, addr+len) of shared memory with the given access
 * rights.  The region's STag (used as both lkey and rkey) carries a key
 * part chosen at random, so STags cannot be guessed from one another.
 * Remote write or atomic access requires local write (as with verbs).
 */
int		 rdmad_reg_mr(struct rdmad_pd *pd, void *addr, size_t len,
		    unsigned int access, struct rdmad_mr **mr);
int		 rdmad_dereg_mr(struct rdmad_mr *mr);
uint32_t	 rdmad_mr_stag(const struct rdmad_mr *mr);

/* Memory windows: type 1 is bound with rdmad_bind_mw(); type 2 is bound
 * with an RDMAD_WR_BIND_MW work request and may be invalidated remotely. */
#define RDMAD_MW_TYPE_1		1
#define RDMAD_MW_TYPE_2		2
int		 rdmad_alloc_mw(struct rdmad_pd *pd, int type,
		    struct rdmad_mw **mw);
int		 rdmad_dealloc_mw(struct rdmad_mw *mw);
uint32_t	 rdmad_mw_stag(const struct rdmad_mw *mw);

/* ---- completion queues ---------------------------------------------- */

/* Completion status (rdmad_wc.status). */
enum rdmad_wc_status {
	RDMAD_WC_SUCCESS = 0,
	RDMAD_WC_LOC_LEN_ERR,		/* receive buffer too small */
	RDMAD_WC_LOC_QP_OP_ERR,		/* malformed work request */
	RDMAD_WC_LOC_PROT_ERR,		/* local STag, bounds or rights */
	RDMAD_WC_WR_FLUSH_ERR,		/* flushed: the QP is in error */
	RDMAD_WC_MW_BIND_ERR,
	RDMAD_WC_REM_ACCESS_ERR,	/* peer refused: protection error */
	RDMAD_WC_REM_OP_ERR,		/* peer refused: operation error */
	RDMAD_WC_REM_INV_REQ_ERR,	/* peer found the request invalid */
	RDMAD_WC_TRANSPORT_ERR,		/* connection lost */
	RDMAD_WC_FATAL_ERR
};

/* Completion opcodes (rdmad_wc.opcode). */
enum rdmad_wc_opcode {
	RDMAD_WC_SEND = 0,
	RDMAD_WC_RDMA_WRITE,
	RDMAD_WC_RDMA_READ,
	RDMAD_WC_FETCH_ADD,
	RDMAD_WC_CMP_SWAP,
	RDMAD_WC_LOCAL_INV,
	RDMAD_WC_BIND_MW,
	RDMAD_WC_IMM,
	RDMAD_WC_RECV = 128,
	RDMAD_WC_RECV_IMM
};

#define RDMAD_WC_F_WITH_INV	0x1	/* the Send invalidated inv_stag */
#define RDMAD_WC_F_SOLICITED	0x2
#define RDMAD_WC_F_WITH_IMM	0x4

/* One work completion. */
struct rdmad_wc {
	uint64_t		wr_id;
	enum rdmad_wc_status	status;
	enum rdmad_wc_opcode	opcode;
	uint32_t		byte_len;
	uint32_t		qp_num;
	unsigned int		flags;		/* RDMAD_WC_F_* */
	uint32_t		inv_stag;
	uint64_t		imm_data;
	/* On a remote error: the Terminate the peer sent (RFC 5040 §4.8);
	 * term_layer is -1 when there was none. */
	int			term_layer;
	int			term_etype;
	int			term_ecode;
};

/* depth: 1 .. the daemon's configured maximum. */
int		 rdmad_create_cq(rdmad_ctx_t *ctx, unsigned int depth,
		    struct rdmad_cq **cq);
int		 rdmad_destroy_cq(struct rdmad_cq *cq);
/* Take up to n completions; returns how many (0 .. n) or a negative error. */
int		 rdmad_poll_cq(struct rdmad_cq *cq, int n, struct rdmad_wc *wc);
/*
 * Ask for a notification on the CQ's fd at the next completion (or next
 * solicited completion when solicited_only).  The fd becomes readable;
 * rdmad_cq_ack_event() consumes it.  Re-arm after each notification.
 */
int		 rdmad_req_notify_cq(struct rdmad_cq *cq, int solicited_only);
int		 rdmad_cq_fd(const struct rdmad_cq *cq);
int		 rdmad_cq_ack_event(struct rdmad_cq *cq);

/* ---- queue pairs and connections ------------------------------------ */

enum rdmad_qp_state {
	RDMAD_QPS_IDLE = 0,
	RDMAD_QPS_CONNECTING,
	RDMAD_QPS_RTS,		/* connected: ready to send */
	RDMAD_QPS_CLOSING,
	RDMAD_QPS_TERMINATE,	/* a Terminate was sent or received */
	RDMAD_QPS_ERROR
};

/* Transport preference and result. */
enum rdmad_transport {
	RDMAD_TRANSPORT_AUTO = 0,	/* SCTP first, TCP/MPA on failure */
	RDMAD_TRANSPORT_SCTP,
	RDMAD_TRANSPORT_TCP
};

struct rdmad_qp_attr {
	struct rdmad_cq		*send_cq;
	struct rdmad_cq		*recv_cq;
	unsigned int		 sq_depth;	/* send work requests */
	unsigned int		 rq_depth;	/* receive work requests */
	unsigned int		 ord;		/* outbound Reads/atomics */
	unsigned int		 ird;		/* inbound Reads/atomics */
	enum rdmad_transport	 transport;
};

/* What a QP ended up with. */
struct rdmad_qp_info {
	uint32_t		 qp_num;
	enum rdmad_qp_state	 state;
	enum rdmad_transport	 transport;	/* SCTP or TCP */
	char			 transport_why[96]; /* why that transport */
	unsigned int		 ord, ird;	/* negotiated (RFC 6581 §9.1) */
	char			 peer[64];	/* "host:port" of the peer */
};

/*
 * Connect to service `port` of the daemon at `host` (its name or address;
 * the daemon's own port comes from its configuration), sending up to
 * RDMAD_MAX_PRIVATE_DATA octets of private data.  Blocks until the peer
 * accepts (0), rejects (-ECONNREFUSED; its private data is then available
 * through rdmad_qp_peer_private_data() on the returned, unusable QP — NULL
 * otherwise) or the attempt fails.  The QP is in RDMAD_QPS_RTS on success.
 */
int		 rdmad_connect(struct rdmad_pd *pd,
		    const struct rdmad_qp_attr *attr, const char *host,
		    uint16_t port, const void *priv, size_t priv_len,
		    struct rdmad_qp **qp);
/* The private data the peer sent with its accept or reject. */
const void	*rdmad_qp_peer_private_data(const struct rdmad_qp *qp,
		    size_t *len);
int		 rdmad_qp_query(const struct rdmad_qp *qp,
		    struct rdmad_qp_info *info);
/* Disconnect (a graceful close) and release the QP. */
int		 rdmad_destroy_qp(struct rdmad_qp *qp);

/* Listen for connections to service `port` on this host's daemon. */
int		 rdmad_listen(rdmad_ctx_t *ctx, uint16_t port,
		    unsigned int backlog, struct rdmad_listener **l);
int		 rdmad_listener_close(struct rdmad_listener *l);
/* Readable when a request waits. */
int		 rdmad_listener_fd(const struct rdmad_listener *l);
/* Take the next request; -EAGAIN when none waits and nonblock is set. */
int		 rdmad_get_request(struct rdmad_listener *l, int nonblock,
		    struct rdmad_conn_req **req);
const void	*rdmad_req_private_data(const struct rdmad_conn_req *req,
		    size_t *len);
/* "host:port" of the connecting peer. */
const char	*rdmad_req_peer(const struct rdmad_conn_req *req);
/* Accept with our own private data; the request is consumed. */
int		 rdmad_accept(struct rdmad_conn_req *req, struct rdmad_pd *pd,
		    const struct rdmad_qp_attr *attr, const void *priv,
		    size_t priv_len, struct rdmad_qp **qp);
/* Reject with private data; the request is consumed. */
int		 rdmad_reject(struct rdmad_conn_req *req, const void *priv,
		    size_t priv_len);

/* ---- work requests -------------------------------------------------- */

struct rdmad_sge {
	uint64_t	addr;	/* virtual address inside the region */
	uint32_t	length;
	uint32_t	lkey;	/* the region's STag */
};

enum rdmad_wr_opcode {
	RDMAD_WR_SEND = 0,
	RDMAD_WR_SEND_WITH_INV,		/* invalidates `rkey` at the peer */
	RDMAD_WR_RDMA_WRITE,
	RDMAD_WR_RDMA_WRITE_WITH_IMM,	/* Write followed by Immediate Data */
	RDMAD_WR_RDMA_READ,
	RDMAD_WR_IMM_DATA,		/* Immediate Data alone (RFC 7306) */
	RDMAD_WR_ATOMIC_FETCH_ADD,
	RDMAD_WR_ATOMIC_CMP_SWAP,
	RDMAD_WR_LOCAL_INV,		/* invalidates local `rkey` */
	RDMAD_WR_BIND_MW		/* binds a type 2 window */
};

#define RDMAD_SEND_SIGNALED	0x1	/* produce a completion */
#define RDMAD_SEND_SOLICITED	0x2	/* set SE (Send, Immediate Data) */
#define RDMAD_SEND_FENCE	0x4	/* wait for earlier Reads/atomics */

struct rdmad_send_wr {
	uint64_t		wr_id;
	enum rdmad_wr_opcode	opcode;
	unsigned int		flags;		/* RDMAD_SEND_* */
	unsigned int		num_sge;
	struct rdmad_sge	sg_list[RDMAD_MAX_SGE];
	uint64_t		remote_addr;	/* Write, Read, atomics */
	uint32_t		rkey;		/* remote STag, or the STag to
						 * invalidate / the MW to bind */
	uint64_t		imm_data;
	uint64_t		compare_add;	/* atomics */
	uint64_t		swap;		/* CmpSwap */
	struct {				/* RDMAD_WR_BIND_MW */
		struct rdmad_mr	*mr;
		uint64_t	 addr;
		uint64_t	 length;
		unsigned int	 access;
	} bind;
};

struct rdmad_recv_wr {
	uint64_t		wr_id;
	unsigned int		num_sge;
	struct rdmad_sge	sg_list[RDMAD_MAX_SGE];
};

/*
 * Post one work request.  Returns -ENOMEM when the queue is full, -EINVAL
 * for a malformed request, -ENOTCONN when the QP cannot take work.  Checks
 * that need the daemon's tables (STags, bounds) surface as completions.
 */
int		 rdmad_post_send(struct rdmad_qp *qp,
		    const struct rdmad_send_wr *wr);
int		 rdmad_post_recv(struct rdmad_qp *qp,
		    const struct rdmad_recv_wr *wr);

/* Bind a type 1 window to [addr, addr+len) of mr (completes on the CQ). */
int		 rdmad_bind_mw(struct rdmad_qp *qp, struct rdmad_mw *mw,
		    struct rdmad_mr *mr, uint64_t addr, uint64_t len,
		    unsigned int access, uint64_t wr_id);

#ifdef __cplusplus
}
#endif

#endif /* RDMAD_RDMAD_H */
