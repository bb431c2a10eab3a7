/* shm_abi.h — the shared-memory ring ABI between rdmad and librdmad. */
#ifndef RDMAD_SHM_ABI_H
#define RDMAD_SHM_ABI_H

/*
 * Work requests and completions travel through rings in memfd shared
 * memory that the daemon creates and the client library maps.  This header
 * fixes their layout; it is installed so that the library and the daemon
 * of one release agree.  The daemon writes the version below into every
 * control page and the library refuses an object of another version.
 *
 * Layout of a queue pair's memory object (one memfd per QP):
 *
 *	offset 0			struct rdmad_shm_qp_ctrl (its first
 *					RDMAD_SHM_QP_HDR octets are fields)
 *	ctrl.sq_offset			sq_depth x struct rdmad_shm_sqe
 *	ctrl.rq_offset			rq_depth x struct rdmad_shm_rqe
 *
 * The rings may start at RDMAD_SHM_QP_HDR, inside the pad of the control
 * page (ABI 2): a QP of small queues is one page of memory.
 *
 * Layout of a completion queue's memory object (one memfd per CQ):
 *
 *	offset 0			struct rdmad_shm_cq_ctrl (one page)
 *	ctrl.cqe_offset			depth x struct rdmad_shm_cqe
 *
 * Publication (after rdma-core's siw rings): each slot has a `flags` word
 * whose RDMAD_SHM_VALID bit belongs to the producer while clear and to the
 * consumer while set.  The producer fills the slot, then sets VALID with a
 * release store; the consumer loads flags with acquire, copies the slot out,
 * then clears VALID with a release store.  Both sides keep their own ring
 * index privately; no shared head/tail index is trusted.
 *
 * Trust: the daemon treats every byte the client can write as hostile.  It
 * copies an SQE or RQE out of the ring before validating it, checks every
 * field, and never follows an index or length it did not check.  A client
 * that breaks the ABI loses its QP (the QP goes to the error state), never
 * the daemon its life.
 *
 * Doorbells: an eventfd per QP (client -> daemon) and per CQ (daemon ->
 * client).  The daemon sets sq_sleeping before it waits on the QP doorbell
 * and re-scans the ring afterwards; the client writes the doorbell only when
 * it sees sq_sleeping set after publishing, so a busy pair makes no system
 * call per work request.  In full (a Dekker handshake; both fences are
 * seq_cst):
 *	client: publish the SQE (release store of VALID); fence; load
 *		sq_sleeping; if non-zero, write 1 to the doorbell eventfd.
 *	daemon: store sq_sleeping = 1; fence; re-scan the SQ; if an SQE is
 *		VALID, store sq_sleeping = 0 and process it, else wait on the
 *		doorbell, then store sq_sleeping = 0, read the eventfd and
 *		scan.
 * The RQ has no doorbell: the daemon reads it when a message arrives.
 *
 * CQ notification, the same handshake the other way:
 *	client (arm): store armed = RDMAD_SHM_ARM_*; fence; load the flags
 *		of the next CQE it will consume; if VALID, a completion
 *		raced the arming and the client polls again.
 *	daemon: publish the CQE; fence; load armed; if it is ARM_NEXT, or
 *		ARM_SOLICITED and the CQE has RDMAD_SHM_WC_SOLICITED or a
 *		non-zero status, exchange armed with 0 and, if that returned
 *		non-zero, write 1 to the CQ's eventfd.
 *
 * Slot order: both sides walk a ring from slot 0 in order, wrapping at
 * its depth; a producer that finds its next slot still VALID sees the
 * ring full (the library returns -ENOMEM; the daemon sets the CQ's
 * overflow word).  The daemon clears an SQE's or RQE's VALID when it has
 * copied it out, not when the work completes.
 *
 * All fields are fixed-width and naturally aligned; multi-octet fields are
 * in host byte order (both sides run on the same host).  Bump
 * RDMAD_SHM_ABI_VERSION whenever anything here changes.
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RDMAD_SHM_ABI_VERSION	2u
#define RDMAD_SHM_PAGE		4096u	/* size of a control page */
#define RDMAD_SHM_QP_HDR	64u	/* QP control fields; rings may follow */
#define RDMAD_SHM_MAX_SGE	4u	/* scatter/gather entries per WR */
#define RDMAD_SHM_VALID		0x1u	/* slot flags: owned by consumer */

/* One scatter/gather element: a range of a registered region. */
struct rdmad_shm_sge {
	uint64_t	addr;		/* client virtual address */
	uint32_t	length;		/* octets */
	uint32_t	lkey;		/* local STag of the region */
};

/* Send queue work request opcodes (values of rdmad_shm_sqe.opcode). */
enum {
	RDMAD_SHM_OP_SEND		= 0,
	RDMAD_SHM_OP_SEND_INV		= 1,	/* Send with Invalidate */
	RDMAD_SHM_OP_WRITE		= 2,
	RDMAD_SHM_OP_WRITE_IMM		= 3,	/* Write, then Immediate Data */
	RDMAD_SHM_OP_READ		= 4,
	RDMAD_SHM_OP_IMM		= 5,	/* Immediate Data alone */
	RDMAD_SHM_OP_FETCH_ADD		= 6,
	RDMAD_SHM_OP_CMP_SWAP		= 7,
	RDMAD_SHM_OP_LOCAL_INV		= 8,
	RDMAD_SHM_OP_BIND_MW		= 9
};

/* Send queue work request flags (rdmad_shm_sqe.wr_flags). */
#define RDMAD_SHM_WR_SIGNALED	0x1u	/* produce a completion */
#define RDMAD_SHM_WR_SOLICITED	0x2u	/* Send/Immediate with SE */
#define RDMAD_SHM_WR_FENCE	0x4u	/* wait for prior Reads to finish */

/* A send queue entry: 128 octets. */
struct rdmad_shm_sqe {
	uint32_t	flags;		/* RDMAD_SHM_VALID */
	uint16_t	opcode;		/* RDMAD_SHM_OP_* */
	uint16_t	num_sge;	/* 0 .. RDMAD_SHM_MAX_SGE */
	uint32_t	wr_flags;	/* RDMAD_SHM_WR_* */
	uint32_t	rkey;		/* remote STag; STag to invalidate;
					 * for BIND_MW the MW's STag */
	uint64_t	wr_id;		/* returned in the completion */
	uint64_t	remote_addr;	/* remote tagged offset */
	uint64_t	imm_data;	/* Immediate Data (8 octets, RFC 7306) */
	uint64_t	compare_add;	/* atomic compare or add operand */
	uint64_t	swap;		/* atomic swap operand */
	/* BIND_MW: the window [remote_addr, remote_addr + compare_add) of
	 * region bind_mr_lkey, with rights bind_access, under STag rkey. */
	uint32_t	bind_access;	/* BIND_MW: access rights granted */
	uint32_t	bind_mr_lkey;	/* BIND_MW: region the window covers */
	struct rdmad_shm_sge sge[RDMAD_SHM_MAX_SGE];
};

/* A receive queue entry: 80 octets. */
struct rdmad_shm_rqe {
	uint32_t	flags;		/* RDMAD_SHM_VALID */
	uint16_t	num_sge;
	uint16_t	reserved;
	uint64_t	wr_id;
	struct rdmad_shm_sge sge[RDMAD_SHM_MAX_SGE];
};

/* Completion opcodes (rdmad_shm_cqe.opcode). */
enum {
	RDMAD_SHM_WC_SEND	= 0,
	RDMAD_SHM_WC_WRITE	= 1,
	RDMAD_SHM_WC_READ	= 2,
	RDMAD_SHM_WC_FETCH_ADD	= 3,
	RDMAD_SHM_WC_CMP_SWAP	= 4,
	RDMAD_SHM_WC_LOCAL_INV	= 5,
	RDMAD_SHM_WC_BIND_MW	= 6,
	RDMAD_SHM_WC_IMM	= 7,	/* Immediate Data sent */
	RDMAD_SHM_WC_RECV	= 128,	/* a Send arrived */
	RDMAD_SHM_WC_RECV_IMM	= 129	/* Immediate Data arrived */
};

/* Completion flags (rdmad_shm_cqe.wc_flags). */
#define RDMAD_SHM_WC_WITH_INV	0x1u	/* the Send invalidated a local STag */
#define RDMAD_SHM_WC_SOLICITED	0x2u	/* the message had SE set */
#define RDMAD_SHM_WC_WITH_IMM	0x4u	/* imm_data is valid */

/* A completion queue entry: 48 octets. */
struct rdmad_shm_cqe {
	uint32_t	flags;		/* RDMAD_SHM_VALID */
	uint16_t	opcode;		/* RDMAD_SHM_WC_* */
	uint16_t	status;		/* RDMAD_WC_* status of rdmad.h */
	uint64_t	wr_id;
	uint32_t	byte_len;	/* octets received / read */
	uint32_t	qp_num;		/* the QP this completion belongs to */
	uint32_t	wc_flags;	/* RDMAD_SHM_WC_WITH_* */
	uint32_t	inv_rkey;	/* STag invalidated by the peer */
	uint64_t	imm_data;
	uint32_t	term;		/* on error: Terminate triple as
					 * layer << 16 | etype << 8 | ecode,
					 * RDMAD_SHM_TERM_NONE if none */
	uint32_t	reserved;
};

#define RDMAD_SHM_TERM_NONE	0xffffffffu

/* Control page of a QP object (first page of the memfd). */
struct rdmad_shm_qp_ctrl {
	uint32_t	abi_version;	/* RDMAD_SHM_ABI_VERSION */
	uint32_t	qp_num;
	uint32_t	sq_depth;	/* slots in the send queue */
	uint32_t	rq_depth;	/* slots in the receive queue */
	uint64_t	sq_offset;	/* octets from the object start */
	uint64_t	rq_offset;
	uint32_t	sq_sleeping;	/* daemon waits on the doorbell */
	uint32_t	state;		/* RDMAD_QPS_* mirror, informative */
	uint8_t		pad[RDMAD_SHM_PAGE - 40];
};

/* Control page of a CQ object. */
struct rdmad_shm_cq_ctrl {
	uint32_t	abi_version;
	uint32_t	cq_num;
	uint32_t	depth;		/* slots */
	uint32_t	armed;		/* client: RDMAD_SHM_ARM_* */
	uint64_t	cqe_offset;
	uint32_t	overflow;	/* daemon: a CQE could not be written */
	uint32_t	reserved;
	uint8_t		pad[RDMAD_SHM_PAGE - 32];
};

#define RDMAD_SHM_ARM_NEXT	0x1u	/* notify on the next completion */
#define RDMAD_SHM_ARM_SOLICITED	0x2u	/* notify on a solicited one only */

#if defined(__cplusplus)
static_assert(sizeof(struct rdmad_shm_sge) == 16, "sge ABI");
static_assert(sizeof(struct rdmad_shm_sqe) == 128, "sqe ABI");
static_assert(sizeof(struct rdmad_shm_rqe) == 80, "rqe ABI");
static_assert(sizeof(struct rdmad_shm_cqe) == 48, "cqe ABI");
static_assert(sizeof(struct rdmad_shm_qp_ctrl) == RDMAD_SHM_PAGE, "qp ctrl ABI");
static_assert(sizeof(struct rdmad_shm_cq_ctrl) == RDMAD_SHM_PAGE, "cq ctrl ABI");
#else
_Static_assert(sizeof(struct rdmad_shm_sge) == 16, "sge ABI");
_Static_assert(sizeof(struct rdmad_shm_sqe) == 128, "sqe ABI");
_Static_assert(sizeof(struct rdmad_shm_rqe) == 80, "rqe ABI");
_Static_assert(sizeof(struct rdmad_shm_cqe) == 48, "cqe ABI");
_Static_assert(sizeof(struct rdmad_shm_qp_ctrl) == RDMAD_SHM_PAGE, "qp ctrl ABI");
_Static_assert(sizeof(struct rdmad_shm_cq_ctrl) == RDMAD_SHM_PAGE, "cq ctrl ABI");
#endif

#ifdef __cplusplus
}
#endif

#endif /* RDMAD_SHM_ABI_H */
