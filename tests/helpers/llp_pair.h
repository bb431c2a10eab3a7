/* llp_pair.h — two engine QPs back to back over an in-memory transport. */
#ifndef RDMAD_TESTS_LLP_PAIR_H
#define RDMAD_TESTS_LLP_PAIR_H

/*
 * A test world of two "daemons" (side 0 and side 1), each with its own
 * engine, owner, PD, one CQ and one QP whose rings live in malloc'd
 * memory standing in for shared memory, and one block of client memory.
 * The QPs are connected through an in-memory LLP that implements
 * eng_llp_ops: lp_run() pulls each side's segments with eng_qp_tx_pull(),
 * flattens header + iovecs into bytes (as a socket would), reports
 * eng_qp_tx_done(), and feeds them to the other side through
 * eng_rx_hdr_len() / eng_qp_rx_hdr() / copy into the placement iovecs /
 * eng_qp_rx_done().  Knobs: drop a side's output, record it (to assert on
 * exact Terminate bytes), inject a raw segment, copy payloads in small
 * chunks.  Nothing here is thread-safe; every call runs to completion.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "rdmad/shm_abi.h"
#include "wire/rdmap.h"

struct llp_pair;

struct lp_conf {
	size_t		max_seg;	/* DDP segment: header + payload */
	uint32_t	ord, ird;	/* both sides */
	uint32_t	sq_depth, rq_depth, cq_depth;
	size_t		mem_len;	/* client memory per side */
	bool		no_connect;	/* leave both QPs IDLE */
};

/* Fill c with defaults: 1 KiB segments, ORD/IRD 4, depths 64, 64 KiB. */
void		 lp_conf_default(struct lp_conf *c);
struct llp_pair	*lp_new(const struct lp_conf *c);
void		 lp_free(struct llp_pair *p);

/* Objects of a side, for tests that go behind the helpers. */
struct eng	*lp_eng(struct llp_pair *p, int side);
struct eng_owner *lp_owner(struct llp_pair *p, int side);
struct eng_pd	*lp_pd(struct llp_pair *p, int side);
struct eng_cq	*lp_cq(struct llp_pair *p, int side);
struct eng_qp	*lp_qp(struct llp_pair *p, int side);
struct rdmad_shm_cq_ctrl *lp_cq_ctrl(struct llp_pair *p, int side);
struct rdmad_shm_sqe *lp_sq_ring(struct llp_pair *p, int side);
uint8_t		*lp_mem(struct llp_pair *p, int side);
/* Client virtual address of mem[off] (not the malloc address). */
uint64_t	 lp_va(struct llp_pair *p, int side, size_t off);
/* cq_notify calls seen by a side. */
int		 lp_notifies(struct llp_pair *p, int side);
/* Connect both QPs now (after lp_new with no_connect). */
int		 lp_connect(struct llp_pair *p);

/* Register mem[off, off+len) of a side; returns the STag or 0. */
uint32_t	 lp_reg(struct llp_pair *p, int side, size_t off, size_t len,
		    uint32_t access);

/* Publish one SQE (copied, VALID set with release) and ring the doorbell.
 * Returns 0, or -1 when the ring slot is still owned by the daemon. */
int		 lp_post_send(struct llp_pair *p, int side,
		    const struct rdmad_shm_sqe *sqe);
/* Publish the SQE without the doorbell. */
int		 lp_put_sqe(struct llp_pair *p, int side,
		    const struct rdmad_shm_sqe *sqe);
/* Post a one-SGE receive of mem[off, off+len) (len 0: no SGE). */
int		 lp_post_recv(struct llp_pair *p, int side, uint64_t wr_id,
		    size_t off, uint32_t len, uint32_t lkey);
int		 lp_put_rqe(struct llp_pair *p, int side,
		    const struct rdmad_shm_rqe *rqe);
void		 lp_doorbell(struct llp_pair *p, int side);

/* Take up to max completions of a side (VALID cleared with release). */
int		 lp_poll(struct llp_pair *p, int side,
		    struct rdmad_shm_cqe *out, int max);

/* Move segments both ways until nothing moves.  Returns segments moved. */
int		 lp_run(struct llp_pair *p);

/* Knobs. */
void		 lp_drop(struct llp_pair *p, int side, bool on);
void		 lp_record(struct llp_pair *p, int side, bool on);
void		 lp_chunk(struct llp_pair *p, size_t chunk);
/* Hold a side's tx_done reports until lp_release_tx_done(). */
void		 lp_hold_tx_done(struct llp_pair *p, int side, bool on);
void		 lp_release_tx_done(struct llp_pair *p, int side);

/* Recorded segments sent by a side (flattened bytes). */
int		 lp_nrec(struct llp_pair *p, int side);
const uint8_t	*lp_rec(struct llp_pair *p, int side, int i, size_t *len);
/* The last recorded Terminate sent by a side, decoded; false if none. */
bool		 lp_last_term(struct llp_pair *p, int side,
		    struct rdmap_seg *out, const uint8_t **raw, size_t *len);

/* Deliver raw bytes to side `to` as one incoming segment. */
enum wire_err	 lp_inject(struct llp_pair *p, int to, const uint8_t *seg,
		    size_t len);

/* Transport events seen by a side. */
bool		 lp_closed(struct llp_pair *p, int side, bool *abortive);
/* Octets of placement iovecs + discard that did not add up (must be 0). */
int		 lp_contract_errors(struct llp_pair *p);

#endif /* RDMAD_TESTS_LLP_PAIR_H */
