/* engine.h — the transport-neutral RDMA engine (RFC 5040, 5041, 7306). */
#ifndef RDMAD_ENGINE_ENGINE_H
#define RDMAD_ENGINE_ENGINE_H

/*
 * The engine owns protection domains, the STag table (regions, windows),
 * completion queues and queue pairs, and runs RDMAP/DDP on them: it turns
 * send-queue work requests into DDP segments, validates and places
 * incoming segments, answers Reads and atomics, produces completions and
 * Terminates.  It does no I/O and reads no clock: the daemon hands it
 * memory (already mapped), and a transport moves its segments.
 *
 * Data path contract with a transport (TCP/MPA, SCTP, or the in-memory
 * pair of the unit tests):
 *
 *   send:  when the engine has something to send on a QP it calls
 *          llp->kick(); the transport then calls eng_qp_tx_pull() while
 *          its socket can take more, sends the segment's header octets
 *          followed by the iovec (which points straight into registered
 *          memory: no staging copy), and calls eng_qp_tx_done() once every
 *          octet of that segment has been handed to the lower layer.
 *
 *   recv:  for each incoming DDP segment the transport reads the first
 *          ENG_HDR_PEEK octets (or the whole segment if shorter), asks
 *          eng_rx_hdr_len() how long the header is, reads the rest of the
 *          header, and calls eng_qp_rx_hdr() with it and the segment
 *          length.  The engine validates (RFC 5041 §7.1, RFC 5040 §7.2) and
 *          fills an eng_rx_place: the iovec where the payload goes (inside
 *          the target region) or a count of octets to drop.  The transport
 *          receives the payload straight there and calls eng_qp_rx_done().
 *
 * Single-threaded: every function runs on the daemon's event loop.
 * Callbacks (kick, close, cq_notify, qp_state) may be made from inside
 * any engine call; kick is never made from inside eng_qp_tx_pull().
 *
 * Semantics the engine fixes (shm_abi.h gives the ring layout):
 *  - Work requests are copied out of the SQ when the QP's own list has
 *    room (at most sq_depth held), and validated when they start, in
 *    order, so an earlier Local Invalidate is seen.  A malformed WR
 *    completes with its LOC_* (or MW_BIND_ERR) status, the QP sends an
 *    RDMAP Local Catastrophic Terminate (RFC 5040 §7.1 case 1) and every
 *    later WR is flushed.  Receives are copied out one at a time, when a
 *    Send/Immediate needs one (RFC 5041 §7.1).
 *  - RDMAD_SHM_OP_READ takes 0 or 1 SGE (a Read Request names one sink
 *    STag, RFC 5040 §4.4); atomics take exactly one 8-octet SGE that
 *    receives the original value (host order); FetchAdd is unmasked (Add
 *    Mask 0) and CmpSwap uses all-ones masks, as verbs does.
 *  - RDMAD_SHM_OP_WRITE_IMM sends one RDMA Write message, then one
 *    Immediate Data message (RFC 7306 §6).  The receiver consumes one
 *    receive for the Immediate Data only and completes it as
 *    RDMAD_SHM_WC_RECV_IMM with imm_data and byte_len 0 (the Write's
 *    length is not carried); the sender gets one completion, opcode
 *    RDMAD_SHM_WC_WRITE.
 *  - RDMAD_SHM_OP_BIND_MW binds window rkey to [remote_addr, remote_addr
 *    + compare_add) of region bind_mr_lkey (which needs MW_BIND access).
 *    Type 2 windows must be unbound and become associated with the QP;
 *    only they can be invalidated by a peer's Send with Invalidate.
 *    Local Invalidate accepts regions and type 2 windows (a region cannot
 *    be revalidated afterwards).
 *  - Ordering: completions leave in submission order; Read and Atomic
 *    Responses go out before new requests, in request order; a WR with
 *    RDMAD_SHM_WR_FENCE waits until no Read/atomic is outstanding; never
 *    more than ORD requests are outstanding.
 *  - Error codes (RFC 5040 §4.8 Figure 9, RFC 5041 §7.2): tagged
 *    segments (Write, Read Response) get DDP codes; Read Requests and
 *    atomics get RDMAP Remote Protection codes; a missing access right on
 *    a tagged segment is DDP "Invalid STag" (DDP has no rights code); a
 *    Read/atomic beyond IRD is DDP "no buffer" on QN 1; an STag of
 *    another owner is simply invalid.  A received Terminate fails our
 *    oldest operation already on the wire (REM_ACCESS_ERR for protection
 *    errors, REM_INV_REQ_ERR for DDP untagged errors, REM_OP_ERR else)
 *    and flushes the rest; every error CQE of the QP then carries the
 *    triple in `term`.
 *  - Segments must arrive in order per stream (both TCP/MPA and the SCTP
 *    adaptation deliver them so).
 *  - The memory behind a region must stay mapped while any QP may still
 *    send from it or place into it (the engine does not pin regions).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "wire/wire_err.h"
#include "wire/term.h"

struct eng;
struct eng_owner;
struct eng_pd;
struct eng_mr;
struct eng_cq;
struct eng_qp;

/* ---- the engine and its environment ------------------------------- */

/* What the engine asks of the daemon. */
struct eng_env {
	void	*arg;
	/* Fill buf with unpredictable octets (STag keys, RFC 5042 §5). */
	void	(*random)(void *arg, void *buf, size_t len);
	/* The CQ was armed and a matching completion was written:
	 * signal the client (write its eventfd). */
	void	(*cq_notify)(void *arg, struct eng_cq *cq);
	/* A QP changed state (see eng_qp_state()); for logs and the
	 * control API. */
	void	(*qp_state)(void *arg, struct eng_qp *qp);
	/* A diagnostic line ("qp 7: Terminate sent: ...").  May be NULL. */
	void	(*log)(void *arg, int level, const char *msg);
};

/* Global and per-owner bounds (from the daemon's configuration). */
struct eng_limits {
	uint32_t	max_qp;			/* per owner */
	uint32_t	max_cq;			/* per owner */
	uint32_t	max_mr;			/* regions + windows, per owner */
	uint64_t	max_mr_bytes;		/* registered octets, per owner */
	uint32_t	max_cq_depth;
	uint32_t	max_wr;			/* SQ/RQ depth */
	uint32_t	max_ord;		/* outstanding Reads/atomics */
	uint32_t	max_ird;
	uint32_t	max_stags;		/* global STag table size */
};

int		 eng_create(const struct eng_env *env,
		    const struct eng_limits *lim, struct eng **e);
void		 eng_destroy(struct eng *e);

/* ---- owners (one per client session) ------------------------------ */

/*
 * Every object belongs to an owner; objects of one owner are invisible to
 * another (an STag of another owner is "invalid STag", a PD of another
 * owner cannot be used).  Destroying an owner flushes and destroys all
 * its QPs (peers see the stream end), CQs, regions and PDs.
 */
int		 eng_owner_create(struct eng *e, struct eng_owner **o);
void		 eng_owner_destroy(struct eng_owner *o);

/* ---- protection domains, regions, windows (RFC 5042) -------------- */

int		 eng_pd_create(struct eng_owner *o, struct eng_pd **pd);
int		 eng_pd_destroy(struct eng_pd *pd);	/* -EBUSY if used */

/* Access rights; the same bit values as RDMAD_ACCESS_* in rdmad.h. */
#define ENG_ACCESS_LOCAL_WRITE		0x01u
#define ENG_ACCESS_REMOTE_WRITE		0x02u
#define ENG_ACCESS_REMOTE_READ		0x04u
#define ENG_ACCESS_REMOTE_ATOMIC	0x08u
#define ENG_ACCESS_MW_BIND		0x10u

/*
 * Register `len` octets at daemon address `base`, which the client sees at
 * virtual address `iova`.  The STag is a table index with a random key in
 * its low 8 bits; lookup is O(1).  Returns the STag through *stag.
 * Errors: -EINVAL (len 0, iova + len wraps, unknown access bits, remote
 * write/atomic without local write), -ENOSPC (owner's max_mr or
 * max_mr_bytes, or the global max_stags), -ENOMEM.  eng_mr_dereg():
 * -ENOENT when stag is not a region of o, -EBUSY while windows are bound
 * to it.
 */
int		 eng_mr_reg(struct eng_pd *pd, void *base, uint64_t iova,
		    uint64_t len, uint32_t access, uint32_t *stag);
int		 eng_mr_dereg(struct eng_owner *o, uint32_t stag);
/* A window of type 1 or 2, unbound (every access refused until bound). */
int		 eng_mw_alloc(struct eng_pd *pd, int type, uint32_t *stag);
int		 eng_mw_dealloc(struct eng_owner *o, uint32_t stag);

/* ---- completion queues -------------------------------------------- */

/*
 * A CQ writes completions into `ring` (depth slots of struct
 * rdmad_shm_cqe in shared memory) under the control page `ctrl`.
 */
struct rdmad_shm_cq_ctrl;
struct rdmad_shm_cqe;
int		 eng_cq_create(struct eng_owner *o,
		    struct rdmad_shm_cq_ctrl *ctrl, struct rdmad_shm_cqe *ring,
		    uint32_t depth, uint32_t cq_num, struct eng_cq **cq);
int		 eng_cq_destroy(struct eng_cq *cq);	/* -EBUSY if used */
void		*eng_cq_cookie(struct eng_cq *cq);
void		 eng_cq_set_cookie(struct eng_cq *cq, void *cookie);

/* ---- queue pairs --------------------------------------------------- */

struct rdmad_shm_qp_ctrl;
struct rdmad_shm_sqe;
struct rdmad_shm_rqe;

struct eng_qp_rings {
	struct rdmad_shm_qp_ctrl	*ctrl;
	struct rdmad_shm_sqe		*sq;	/* sq_depth slots */
	struct rdmad_shm_rqe		*rq;	/* rq_depth slots */
	uint32_t			 sq_depth, rq_depth;
};

enum eng_qp_state {
	ENG_QPS_IDLE = 0,	/* created, no stream yet */
	ENG_QPS_RTS,		/* stream up */
	ENG_QPS_CLOSING,	/* graceful close: draining */
	ENG_QPS_TERMINATE,	/* Terminate sent or received */
	ENG_QPS_ERROR		/* work flushed */
};

/* What the engine asks of the transport that carries one QP. */
struct eng_llp_ops {
	/* There are segments to send: call eng_qp_tx_pull() when the
	 * lower layer can take them (possibly right away). */
	void	(*kick)(void *llp);
	/* Close the stream: after queued octets drain (graceful) or at
	 * once (abortive, RFC 5040 §6.2.1). */
	void	(*close)(void *llp, bool abortive);
};

int		 eng_qp_create(struct eng_pd *pd, struct eng_cq *scq,
		    struct eng_cq *rcq, const struct eng_qp_rings *rings,
		    uint32_t qp_num, struct eng_qp **qp);
/*
 * The stream is up: attach the transport, with the ORD/IRD negotiated at
 * set-up (RFC 6581 §9.1) and the largest DDP segment (header + payload)
 * the transport carries (its MULPDU, RFC 5044 §4.5, or the SCTP limit).
 */
/*
 * -EINVAL unless the QP is IDLE, ord/ird are within the limits and
 * max_seg > ENG_HDR_MAX (fixed-size messages are never split).  Work
 * posted before is sent now.
 */
int		 eng_qp_connect(struct eng_qp *qp, const struct eng_llp_ops *ops,
		    void *llp, uint32_t ord, uint32_t ird, size_t max_seg);
/* Graceful disconnect: finish queued work, then llp->close(false). */
void		 eng_qp_disconnect(struct eng_qp *qp);
/* Flush everything and free the QP; the transport must be detached. */
void		 eng_qp_destroy(struct eng_qp *qp);
enum eng_qp_state eng_qp_state(const struct eng_qp *qp);
/* The first error of the QP (sent or received Terminate), if any. */
bool		 eng_qp_term(const struct eng_qp *qp, struct term_triple *t,
		    bool *sent);
void		*eng_qp_cookie(struct eng_qp *qp);
void		 eng_qp_set_cookie(struct eng_qp *qp, void *cookie);

/* The client rang the QP's doorbell: take new SQEs (and RQEs). */
void		 eng_qp_doorbell(struct eng_qp *qp);

/* Counters for rdmactl. */
struct eng_qp_stats {
	uint64_t	tx_segments, rx_segments;
	uint64_t	tx_bytes, rx_bytes;		/* payload octets */
	uint64_t	ops_tx[16], ops_rx[16];		/* by RDMAP opcode */
	uint64_t	terms_tx, terms_rx;
};
void		 eng_qp_get_stats(const struct eng_qp *qp,
		    struct eng_qp_stats *st);

/*
 * A counter of data path work (doorbells, segments in and out) of the
 * whole engine: a daemon that sees it move keeps polling a little
 * before it sleeps (rdmad.conf limits.poll_us).
 */
uint64_t	 eng_work(const struct eng *e);

/* ---- the data path (called by transports) ------------------------- */

#define ENG_HDR_MAX	70		/* untagged DDP + largest RDMAP header
					 * (Atomic Request 52; Terminate 52) */
#define ENG_HDR_PEEK	2		/* octets that fix the header length */
#define ENG_SEG_IOV_MAX	(4 + 1)		/* SGEs (+1 engine-owned) */

/* One outgoing DDP segment. */
struct eng_seg {
	uint8_t		hdr[ENG_HDR_MAX];	/* DDP + RDMAP headers */
	size_t		hdr_len;
	struct iovec	iov[ENG_SEG_IOV_MAX];	/* payload, in place */
	int		iovcnt;
	size_t		payload_len;
	uint64_t	cookie;			/* for eng_qp_tx_done() */
};

/* Fill *seg with the next segment to send; false when there is none. */
bool		 eng_qp_tx_pull(struct eng_qp *qp, struct eng_seg *seg);
/* Every octet of the segment `cookie` was handed to the lower layer. */
void		 eng_qp_tx_done(struct eng_qp *qp, uint64_t cookie);

/*
 * How many octets of a segment of seg_len octets, whose first two octets
 * (DDP control, RDMAP control) are given, form its header and must be
 * read before eng_qp_rx_hdr(): the DDP header plus the opcode's RDMAP
 * header, or the whole segment for messages that carry no ULP payload
 * (Read Request, Terminate, Immediate Data, atomics).  Never more than
 * min(seg_len, ENG_HDR_MAX); the full decode reports any error.
 */
size_t		 eng_rx_hdr_len(uint8_t ddp_ctrl, uint8_t rdmap_ctrl,
		    size_t seg_len);

/* Where an incoming segment's payload goes. */
struct eng_rx_place {
	struct iovec	iov[ENG_SEG_IOV_MAX];	/* into registered memory */
	int		iovcnt;
	size_t		discard;		/* octets to read and drop */
};

/*
 * A segment of seg_len octets (header included) arrived with header
 * `hdr` (hdr_len octets, as eng_rx_hdr_len() said, or the whole segment
 * if shorter).  Fills *pl.  Returns WIRE_OK, or the error that made the
 * engine queue a Terminate and move the QP to TERMINATE (the transport
 * still drops pl->discard octets, then stops delivering on this QP,
 * RFC 5041 §7.1).
 */
/*
 * hdr_len must be exactly eng_rx_hdr_len() (or seg_len if shorter):
 * more header octets for a message with payload is refused (RDMAP Local
 * Catastrophic).  A segment that arrives after an error, or on a QP that
 * is not RTS/CLOSING, is dropped silently: WIRE_OK, pl->discard = all.
 */
enum wire_err	 eng_qp_rx_hdr(struct eng_qp *qp, const uint8_t *hdr,
		    size_t hdr_len, size_t seg_len, struct eng_rx_place *pl);
/*
 * The payload of the segment announced by eng_qp_rx_hdr() was placed.
 * Nothing of a segment becomes visible (no completion, no Read Response,
 * no atomic) before this call; a transport whose CRC fails after the
 * placement calls eng_qp_llp_error() instead.
 */
void		 eng_qp_rx_done(struct eng_qp *qp);
/* The lower layer found an error (MPA CRC, markers, SSN gap). */
void		 eng_qp_llp_error(struct eng_qp *qp, enum wire_err err);
/* The lower layer stream ended (orderly or not). */
void		 eng_qp_llp_closed(struct eng_qp *qp, bool orderly);

#endif /* RDMAD_ENGINE_ENGINE_H */
