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
 * A typical active side:
 *
 *	rdmad_open(NULL, &ctx);
 *	rdmad_mem_alloc(ctx, len, &mem);
 *	rdmad_pd_alloc(ctx, &pd);
 *	rdmad_reg_mr(pd, rdmad_mem_addr(mem), len, access, &mr);
 *	rdmad_create_cq(ctx, 64, &cq);
 *	rdmad_create_qp(pd, &attr, &qp);	(attr names cq)
 *	rdmad_post_recv(qp, &rwr);		(before connecting)
 *	rdmad_connect(qp, "peer", 7471, priv, priv_len);
 *	rdmad_post_send(qp, &swr); ... rdmad_poll_cq(cq, n, wc);
 *
 * and a passive side replaces rdmad_connect() with rdmad_listen(),
 * rdmad_get_request() and rdmad_accept().
 *
 * Conventions
 *  - Every function that can fail returns 0 (or a count, where stated)
 *    on success or a negative errno value (-EINVAL, -ENOMEM, ...).
 *    rdmad_strerror() turns it into text and rdmad_last_error() gives
 *    the daemon's or library's detailed message for the last failure on
 *    a context.  Errors the daemon reports are passed through as the
 *    negative of its code.  The library never prints, aborts or exits,
 *    and never raises SIGPIPE.
 *  - The connection to the daemon: once it is lost (the daemon exited),
 *    requests fail with -ENOTCONN, and the destroy/free/dereg functions
 *    only release local resources and return 0 (the daemon released its
 *    side when the connection closed).  The data path notices too, even
 *    if the daemon was killed: rdmad_poll_cq() returns what the CQ still
 *    holds, then -ENOTCONN instead of 0 (within about 20 ms of polling);
 *    rdmad_req_notify_cq(), rdmad_post_send() and rdmad_post_recv()
 *    fail with -ENOTCONN; rdmad_cq_fd() becomes readable for good.  No
 *    completion is made up for the work requests still outstanding:
 *    every QP of the context is lost, treat them as flushed.
 *  - Ownership: objects are created by rdmad_*_create/alloc/reg and
 *    released by the matching destroy/free/dereg; the caller owns what
 *    it creates.  Children (MRs, MWs, QPs) must be released before their
 *    parent (memory, PD, CQ): releasing a parent still in use fails with
 *    -EBUSY.  rdmad_close() releases every object of the context at once
 *    (every pointer to them becomes invalid).
 *  - Thread safety: a context and its control operations (everything
 *    that talks to the daemon: create, destroy, connect, listen, query)
 *    may be used from one thread at a time.  The data path is lock-free
 *    and per queue: rdmad_post_send() on one QP, rdmad_post_recv() on one
 *    QP and rdmad_poll_cq()/rdmad_req_notify_cq() on one CQ may each run
 *    in its own thread, concurrently with each other and with control
 *    operations on other objects; two threads must not post to the same
 *    queue or poll the same CQ at once.
 *  - Blocking: control operations block until the daemon answers (at
 *    most 30 s; rdmad_connect() and rdmad_accept() at most 120 s) and
 *    then fail with -ETIMEDOUT.  The data path never blocks and makes no
 *    system call except a doorbell write when the daemon sleeps.
 *  - Addresses: a scatter/gather element names client virtual addresses
 *    inside a memory region; remote addresses (tagged offsets) are the
 *    peer's virtual addresses inside the region its STag names, as with
 *    verbs.
 *  - Descriptors the library opens are close-on-exec.  After fork() the
 *    child must not use the parent's context.
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
 * Connect to the daemon at `socket_path`; NULL means $RDMAD_SOCKET (ignored
 * in set-uid programs), else RDMAD_DEFAULT_SOCKET.  On success *ctx is a
 * new context the caller releases with rdmad_close().  Fails with -ENOENT
 * or -ECONNREFUSED when no daemon listens there, -EACCES when the socket
 * may not be used, -ENAMETOOLONG for a path longer than a UNIX socket
 * address holds, -EPROTO when the daemon speaks another protocol version
 * or misbehaves, -ENOMEM.  On failure *ctx is NULL and
 * rdmad_last_error(NULL) says why ("rdmad speaks control protocol version
 * 2, this library speaks 1").
 */
int		 rdmad_open(const char *socket_path, rdmad_ctx_t **ctx);

/*
 * Close the session and release every object of the context: listeners,
 * pending connection requests, QPs (their connections are closed by the
 * daemon), CQs, MWs, MRs, PDs and memory (unmapped).  ctx may be NULL.
 */
void		 rdmad_close(rdmad_ctx_t *ctx);

/*
 * Text for a return value of this library (0 or a negative errno).
 * Returns a static string; never NULL; thread-safe.
 */
const char	*rdmad_strerror(int err);

/*
 * Detailed text of the last failure on ctx ("" if none yet), valid until
 * the next call on ctx.  With ctx NULL: the last rdmad_open() failure of
 * the calling thread.  Never NULL.
 */
const char	*rdmad_last_error(const rdmad_ctx_t *ctx);

/*
 * Version of the daemon ("rdmad 0.1"), from its HELLO reply.  Valid as
 * long as ctx.
 */
const char	*rdmad_daemon_version(const rdmad_ctx_t *ctx);

/* ---- shared memory -------------------------------------------------- */

/*
 * Allocate `len` (> 0) octets of zeroed memory that the daemon can map (a
 * memfd sealed against shrinking, mapped MAP_SHARED here and in the
 * daemon).  Only memory from
 * rdmad_mem_alloc() or rdmad_mem_import() can be registered.  Errors:
 * -EINVAL (len 0), -ENOMEM, the daemon's refusal (-ENOSPC past its
 * per-client limit).
 */
int		 rdmad_mem_alloc(rdmad_ctx_t *ctx, size_t len,
		    struct rdmad_mem **mem);

/*
 * Use `len` octets from offset 0 of an application-owned memfd.  The fd
 * is duplicated: the caller keeps and closes its own.  The library maps
 * it itself (see rdmad_mem_addr()).  The daemon maps only memfds sealed
 * against shrinking, so the library adds F_SEAL_SHRINK to the file if it
 * is not there yet (the file can then never shrink).  -EINVAL when the
 * file is shorter than len or cannot be sealed (a memfd created without
 * MFD_ALLOW_SEALING, or not a memfd).
 */
int		 rdmad_mem_import(rdmad_ctx_t *ctx, int fd, size_t len,
		    struct rdmad_mem **mem);
/* Where the memory is mapped in this process, and its length. */
void		*rdmad_mem_addr(const struct rdmad_mem *mem);
size_t		 rdmad_mem_len(const struct rdmad_mem *mem);
/* Tell the daemon, unmap and close; -EBUSY while a region covers it. */
int		 rdmad_mem_free(struct rdmad_mem *mem);

/* ---- protection domains and memory registration (RFC 5042) ------------ */

int		 rdmad_pd_alloc(rdmad_ctx_t *ctx, struct rdmad_pd **pd);
/* Fails with -EBUSY while MRs, MWs or QPs still use the PD. */
int		 rdmad_pd_free(struct rdmad_pd *pd);

/* Access rights of regions and windows. */
#define RDMAD_ACCESS_LOCAL_WRITE	0x01
#define RDMAD_ACCESS_REMOTE_WRITE	0x02
#define RDMAD_ACCESS_REMOTE_READ	0x04
#define RDMAD_ACCESS_REMOTE_ATOMIC	0x08
#define RDMAD_ACCESS_MW_BIND		0x10

/*
 * Register [addr, addr+len) (len > 0) with the given access rights; the
 * range must lie inside one rdmad_mem of the PD's context (-EFAULT
 * otherwise).  The region's STag (used as both lkey and rkey, and as the
 * tagged offset base: remote peers address it by addr) carries a key
 * part chosen at random by the daemon, so STags cannot be guessed from
 * one another.  Remote write or atomic access requires local write
 * (-EINVAL otherwise, as with verbs); unknown access bits are -EINVAL.
 */
int		 rdmad_reg_mr(struct rdmad_pd *pd, void *addr, size_t len,
		    unsigned int access, struct rdmad_mr **mr);
/* -EBUSY while a memory window is bound to it (the daemon says so). */
int		 rdmad_dereg_mr(struct rdmad_mr *mr);
uint32_t	 rdmad_mr_stag(const struct rdmad_mr *mr);

/*
 * Memory windows (RFC 5040 §5, RFC 5042): type 1 is bound with
 * rdmad_bind_mw(); type 2 is bound with an RDMAD_WR_BIND_MW work request
 * and may be invalidated remotely.  -EINVAL for another type.
 */
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
	RDMAD_WC_FATAL_ERR		/* anything else */
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
	RDMAD_WC_IMM,			/* Immediate Data sent */
	RDMAD_WC_RECV = 128,		/* a Send arrived */
	RDMAD_WC_RECV_IMM		/* Immediate Data arrived */
};

#define RDMAD_WC_F_WITH_INV	0x1	/* the Send invalidated inv_stag */
#define RDMAD_WC_F_SOLICITED	0x2
#define RDMAD_WC_F_WITH_IMM	0x4	/* imm_data is valid */

/* One work completion. */
struct rdmad_wc {
	uint64_t		wr_id;
	enum rdmad_wc_status	status;
	enum rdmad_wc_opcode	opcode;
	uint32_t		byte_len;
	uint32_t		qp_num;
	unsigned int		flags;		/* RDMAD_WC_F_* */
	uint32_t		inv_stag;
	uint64_t		imm_data;	/* RFC 7306: 8 octets */
	/* On a remote error: the Terminate the peer sent (RFC 5040 §4.8);
	 * term_layer is -1 (and the others 0) when there was none. */
	int			term_layer;
	int			term_etype;
	int			term_ecode;
};

/*
 * Create a CQ of at least `depth` slots (1 .. the daemon's configured
 * maximum; -EINVAL for 0).  The CQ lives in shared memory mapped here;
 * completions are written by the daemon.
 */
int		 rdmad_create_cq(rdmad_ctx_t *ctx, unsigned int depth,
		    struct rdmad_cq **cq);
/* -EBUSY while a QP uses the CQ. */
int		 rdmad_destroy_cq(struct rdmad_cq *cq);

/*
 * Take up to n completions (oldest first) into wc[0..n-1].  Returns how
 * many (0 .. n), -EINVAL for n < 0, -EOVERFLOW when the CQ is empty
 * and the daemon found it full at some point (completions were lost;
 * the QPs that lost one are in error), or -ENOTCONN when the CQ is
 * empty and the daemon is gone (see Conventions).  Never blocks; no
 * system call but a poll(0) of the daemon connection at most every
 * 20 ms while the CQ is empty.
 */
int		 rdmad_poll_cq(struct rdmad_cq *cq, int n, struct rdmad_wc *wc);

/*
 * Ask for a notification on rdmad_cq_fd() at the next completion (or the
 * next solicited or unsuccessful completion when solicited_only).  Returns
 * 0 when armed with the CQ empty, or 1 when a completion is already
 * waiting (armed all the same): the caller must then poll before it
 * sleeps, since that completion may not notify.  Re-arm after each
 * notification (arming is one-shot, as with verbs).  -ENOTCONN when
 * the daemon is gone.
 */
int		 rdmad_req_notify_cq(struct rdmad_cq *cq, int solicited_only);

/*
 * The CQ's notification descriptor (owned by the CQ; do not close or
 * read it): readable after a notification, and for good once the daemon
 * is gone (an epoll set of the CQ's eventfd and the daemon connection's
 * hang-up).  Poll it, then call rdmad_cq_ack_event(),
 * rdmad_req_notify_cq() and rdmad_poll_cq().
 */
int		 rdmad_cq_fd(const struct rdmad_cq *cq);

/*
 * Consume the pending notifications of the fd: returns how many (>= 1),
 * or -EAGAIN when there was none.
 */
int		 rdmad_cq_ack_event(struct rdmad_cq *cq);

/* ---- queue pairs and connections ------------------------------------ */

enum rdmad_qp_state {
	RDMAD_QPS_IDLE = 0,	/* created, not connected */
	RDMAD_QPS_CONNECTING,
	RDMAD_QPS_RTS,		/* connected: ready to send */
	RDMAD_QPS_CLOSING,
	RDMAD_QPS_TERMINATE,	/* a Terminate was sent or received */
	RDMAD_QPS_ERROR
};

/*
 * Transport preference and result.  AUTO leaves the choice to the
 * daemon's rdmad.conf "transport" (default "auto": a connect tries SCTP
 * first and falls back to TCP/MPA when this host has no SCTP, the peer
 * refuses SCTP or does not answer in time; a listener listens on both).
 */
enum rdmad_transport {
	RDMAD_TRANSPORT_AUTO = 0,	/* the daemon's default */
	RDMAD_TRANSPORT_SCTP,
	RDMAD_TRANSPORT_TCP
};

struct rdmad_qp_attr {
	struct rdmad_cq		*send_cq;	/* may equal recv_cq */
	struct rdmad_cq		*recv_cq;
	unsigned int		 sq_depth;	/* send WRs, >= 1 */
	unsigned int		 rq_depth;	/* receive WRs, >= 1 */
	unsigned int		 ord;		/* outbound Reads/atomics */
	unsigned int		 ird;		/* inbound Reads/atomics */
	enum rdmad_transport	 transport;	/* for rdmad_connect() */
};

/* What a QP ended up with. */
struct rdmad_qp_info {
	uint32_t		 qp_num;
	enum rdmad_qp_state	 state;
	enum rdmad_transport	 transport;	/* SCTP or TCP */
	char			 transport_why[96]; /* why that transport, or
						     * why the QP failed */
	unsigned int		 ord, ird;	/* negotiated (RFC 6581 §9.1) */
	char			 peer[64];	/* "host:port" of the peer */
};

/*
 * Create a QP in `pd` (state IDLE) whose completions go to attr's CQs
 * (of the same context).  Post receives before connecting or accepting:
 * a Send that finds no receive buffer breaks the stream (RFC 5040 §7.1).
 * The daemon may grant deeper queues and lower ORD/IRD than asked.
 * Errors: -EINVAL (NULL CQ, depth 0, objects of another context), the
 * daemon's refusal (-ENOSPC past its limits), -EPROTO (bad shared
 * memory from the daemon).
 */
int		 rdmad_create_qp(struct rdmad_pd *pd,
		    const struct rdmad_qp_attr *attr, struct rdmad_qp **qp);

/* The QP number, as in rdmad_wc.qp_num. */
uint32_t	 rdmad_qp_num(const struct rdmad_qp *qp);

/*
 * Connect an IDLE QP to service `port` of the daemon at `host` (its name
 * or address; the daemon's own port comes from its configuration), by
 * the QP's attr.transport, sending up to RDMAD_MAX_PRIVATE_DATA octets
 * of private data (priv may be NULL when priv_len is 0).  Blocks until
 * the peer accepts (0: the QP is in RTS), rejects (-ECONNREFUSED; the
 * peer's reject private data is then available through
 * rdmad_qp_peer_private_data()) or the attempt fails (-ETIMEDOUT,
 * -EHOSTUNREACH, -ECONNRESET, -EPROTO ...; rdmad_last_error() says why).
 * A QP whose attempt failed cannot be reused: destroy it.  -EINVAL for a
 * bad argument (host longer than 255 octets, priv_len too large), -EISCONN
 * when the QP was connected or tried before.
 */
int		 rdmad_connect(struct rdmad_qp *qp, const char *host,
		    uint16_t port, const void *priv, size_t priv_len);

/*
 * The private data the peer sent with its accept or reject (NULL, *len 0,
 * when none).  Owned by the QP, aligned to 8 octets.  len may be NULL.
 */
const void	*rdmad_qp_peer_private_data(const struct rdmad_qp *qp,
		    size_t *len);

/* Ask the daemon for the QP's current state and connection details. */
int		 rdmad_qp_query(const struct rdmad_qp *qp,
		    struct rdmad_qp_info *info);

/*
 * Disconnect (a graceful close: the daemon flushes what is queued) and
 * release the QP.  Outstanding work requests complete with
 * RDMAD_WC_WR_FLUSH_ERR on their CQs before the QP disappears from them;
 * completions already in a CQ remain there.
 */
int		 rdmad_destroy_qp(struct rdmad_qp *qp);

/*
 * Listen for connections to service `port` on this host's daemon, with
 * at most `backlog` requests waiting (more are rejected by the daemon).
 * The listener has its own connection to the daemon, so its descriptor
 * can sit in the application's poll loop.  -EADDRINUSE when another
 * client listens on that port.
 */
int		 rdmad_listen(rdmad_ctx_t *ctx, uint16_t port,
		    unsigned int backlog, struct rdmad_listener **l);

/* Options of rdmad_listen_with(). */
struct rdmad_listen_attr {
	unsigned int		 backlog;	/* as for rdmad_listen() */
	enum rdmad_transport	 transport;	/* AUTO: the daemon's default
						 * (both when "auto"); SCTP or
						 * TCP: that one only */
};

/*
 * rdmad_listen() with a choice of transport.  -EPROTONOSUPPORT when SCTP
 * is asked and the daemon's host has no kernel SCTP; -EINVAL for an
 * unknown transport.  rdmad_listen() is rdmad_listen_with() with
 * transport AUTO.
 */
int		 rdmad_listen_with(rdmad_ctx_t *ctx, uint16_t port,
		    const struct rdmad_listen_attr *attr,
		    struct rdmad_listener **l);

/*
 * Stop listening and release the listener.  Requests already taken with
 * rdmad_get_request() stay valid and must still be accepted or rejected
 * (the daemon may refuse them with -ENOENT).
 */
int		 rdmad_listener_close(struct rdmad_listener *l);

/* The listener's descriptor (owned by it): readable when a request
 * waits. */
int		 rdmad_listener_fd(const struct rdmad_listener *l);

/*
 * Take the next connection request.  Blocks until one arrives unless
 * nonblock is set (-EAGAIN when none waits).  -ENOTCONN when the daemon
 * went away.  The caller owns *req until it passes it to
 * rdmad_accept() or rdmad_reject() (or closes the context).
 */
int		 rdmad_get_request(struct rdmad_listener *l, int nonblock,
		    struct rdmad_conn_req **req);

/* The peer's private data (NULL, *len 0, when none); owned by req,
 * aligned to 8 octets. */
const void	*rdmad_req_private_data(const struct rdmad_conn_req *req,
		    size_t *len);
/* "host:port" of the connecting peer; owned by req. */
const char	*rdmad_req_peer(const struct rdmad_conn_req *req);
/*
 * The peer's IRD and ORD (RFC 6581 §9.1), for sizing ours; each is
 * RDMAD_IRD_ORD_UNKNOWN when the peer did not state it (MPA revision 1,
 * or the RFC 6581 "no automatic negotiation" value): not a limit.
 */
#define RDMAD_IRD_ORD_UNKNOWN	0x3fffu
void		 rdmad_req_ird_ord(const struct rdmad_conn_req *req,
		    unsigned int *ird, unsigned int *ord);

/*
 * Accept the request on an IDLE QP of the same context, answering with
 * private data.  Blocks until the stream is in RTS (0) or failed.  The
 * request is consumed (freed) in every case except -EINVAL for a bad
 * argument.
 */
int		 rdmad_accept(struct rdmad_conn_req *req, struct rdmad_qp *qp,
		    const void *priv, size_t priv_len);

/* Reject with private data; consumed as with rdmad_accept(). */
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
	RDMAD_WR_BIND_MW		/* binds a window (`rkey`) */
};

#define RDMAD_SEND_SIGNALED	0x1	/* produce a completion */
#define RDMAD_SEND_SOLICITED	0x2	/* set SE (Send, Immediate Data) */
#define RDMAD_SEND_FENCE	0x4	/* wait for earlier Reads/atomics */

/*
 * A send queue work request.  Scatter/gather: Sends and Writes gather
 * from sg_list; a Read scatters into it; an atomic takes exactly one
 * 8-octet element that receives the original remote value (RFC 7306);
 * Immediate Data alone, Local Invalidate and Bind take none.
 */
struct rdmad_send_wr {
	uint64_t		wr_id;
	enum rdmad_wr_opcode	opcode;
	unsigned int		flags;		/* RDMAD_SEND_* */
	unsigned int		num_sge;
	struct rdmad_sge	sg_list[RDMAD_MAX_SGE];
	uint64_t		remote_addr;	/* Write, Read, atomics */
	uint32_t		rkey;		/* remote STag, STag to
						 * invalidate, MW to bind */
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
 * Post one work request (the request is copied; wr may be reused at
 * once).  Returns 0, -ENOMEM when the queue is full (poll the CQ and
 * retry), -EINVAL for a malformed request (unknown opcode or flag,
 * num_sge above RDMAD_MAX_SGE or wrong for the opcode, total length
 * above 2^32-1, BIND_MW without a region), -ENOTCONN (post_send only)
 * when the QP is not connected.  Checks that need the daemon's tables
 * (STags, bounds, rights) surface as completions.  Receives may be
 * posted in any state.  Lock-free; see "Thread safety".
 */
int		 rdmad_post_send(struct rdmad_qp *qp,
		    const struct rdmad_send_wr *wr);
int		 rdmad_post_recv(struct rdmad_qp *qp,
		    const struct rdmad_recv_wr *wr);

/*
 * Bind window mw (of type 1 or 2) to [addr, addr+len) of mr with the
 * given access rights, as a signaled RDMAD_WR_BIND_MW work request
 * (completes on the send CQ with wr_id).  Errors as rdmad_post_send().
 */
int		 rdmad_bind_mw(struct rdmad_qp *qp, struct rdmad_mw *mw,
		    struct rdmad_mr *mr, uint64_t addr, uint64_t len,
		    unsigned int access, uint64_t wr_id);

#ifdef __cplusplus
}
#endif

#endif /* RDMAD_RDMAD_H */
