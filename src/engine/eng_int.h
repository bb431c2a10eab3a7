/* eng_int.h — private structures and helpers shared by src/engine files. */
#ifndef RDMAD_ENGINE_ENG_INT_H
#define RDMAD_ENGINE_ENG_INT_H

#include <sys/queue.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "rdmad/rdmad.h"
#include "rdmad/shm_abi.h"
#include "wire/ddp.h"
#include "wire/rdmap.h"

/* Acquire/release access to words the client shares (shm_abi.h). */
#define ENG_LOAD_ACQ(p)		__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define ENG_STORE_REL(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)

#define ENG_STAG_IDX_MAX	0xffffffu	/* 24-bit STag index */

TAILQ_HEAD(eng_owner_q, eng_owner);
TAILQ_HEAD(eng_pd_q, eng_pd);
TAILQ_HEAD(eng_mr_q, eng_mr);
TAILQ_HEAD(eng_cq_q, eng_cq);
TAILQ_HEAD(eng_qp_q, eng_qp);
TAILQ_HEAD(eng_wr_q, eng_wr);
TAILQ_HEAD(eng_rsp_q, eng_rsp);

struct eng {
	struct eng_env		 env;
	struct eng_limits	 lim;
	struct eng_owner_q	 owners;
	/* STag table: index -> object; O(1) lookup (stag.c). */
	struct eng_mr		**stags;
	uint32_t		*stag_next;	/* free list links */
	uint8_t			*stag_key;	/* last key per index */
	uint32_t		 stag_cap;	/* slots allocated */
	uint32_t		 stag_free;	/* free list head, 0: none */
	uint32_t		 stag_hw;	/* highest index ever used */
	uint64_t		 work;		/* eng_work() */
};

struct eng_owner {
	TAILQ_ENTRY(eng_owner)	 entry;
	struct eng		*e;
	struct eng_pd_q		 pds;
	struct eng_mr_q		 mrs;
	struct eng_cq_q		 cqs;
	struct eng_qp_q		 qps;
	/* QPs whose CQ overflowed, awaiting eng_sweep(): O(flagged). */
	struct eng_qp_q		 flagged;
	uint32_t		 nqp, ncq, nmr, nflagged;
	uint64_t		 mr_bytes;
	bool			 dying;		/* no more CQEs */
};

struct eng_pd {
	TAILQ_ENTRY(eng_pd)	 entry;
	struct eng_owner	*owner;
	uint32_t		 refs;		/* regions, windows, QPs */
};

enum eng_mr_kind {
	ENG_MR_REGION = 0,
	ENG_MR_MW1 = 1,
	ENG_MR_MW2 = 2
};

/* A region or a window: anything an STag names. */
struct eng_mr {
	TAILQ_ENTRY(eng_mr)	 entry;
	struct eng_owner	*owner;
	struct eng_pd		*pd;
	struct eng_mr		*parent;	/* window: its region */
	struct eng_qp		*qp;		/* type 2 window: its QP */
	uint8_t			*base;		/* daemon address of iova */
	uint64_t		 iova, len;
	uint32_t		 stag;
	uint32_t		 access;	/* ENG_ACCESS_* */
	uint32_t		 binds;		/* windows bound to a region */
	uint8_t			 kind;		/* enum eng_mr_kind */
	bool			 valid;		/* false: invalidated/unbound */
};

struct eng_cq {
	TAILQ_ENTRY(eng_cq)	 entry;
	struct eng_owner	*owner;
	struct rdmad_shm_cq_ctrl *ctrl;
	struct rdmad_shm_cqe	*ring;
	uint32_t		 depth, cq_num;
	uint32_t		 idx;		/* private producer index */
	uint32_t		 refs;		/* QPs using it */
	bool			 dead;		/* overflowed */
	void			*cookie;
};

/* Local memory a WR or a receive gathers from or scatters to. */
struct eng_sgl {
	uint8_t			*p[RDMAD_SHM_MAX_SGE];
	uint32_t		 len[RDMAD_SHM_MAX_SGE];
	int			 n;
	uint32_t		 total;
};

enum eng_wr_state {
	ENG_WR_QUEUED = 0,	/* copied out, not started */
	ENG_WR_ACTIVE,		/* segments being pulled */
	ENG_WR_WAIT,		/* all pulled: wait tx_done / response */
	ENG_WR_DONE		/* status final; completes in order */
};

/* One send queue work request, copied out of shared memory. */
struct eng_wr {
	TAILQ_ENTRY(eng_wr)	 entry;
	struct rdmad_shm_sqe	 sqe;		/* private copy */
	struct eng_sgl		 sgl;
	struct ddp_seg_iter	 it;
	uint64_t		 last_seq;	/* tx seq of the last segment */
	uint32_t		 req_id;	/* atomics: Request Identifier */
	uint32_t		 byte_len;
	uint32_t		 term;		/* CQE term field */
	uint16_t		 status;	/* RDMAD_WC_* */
	uint8_t			 state;		/* enum eng_wr_state */
	uint8_t			 phase;		/* WRITE_IMM: 0 Write, 1 Imm */
	bool			 resp;		/* awaits a response */
	bool			 resp_seen;
};

/* One inbound Read or Atomic request awaiting its response (IRD). */
struct eng_rsp {
	TAILQ_ENTRY(eng_rsp)	 entry;
	struct ddp_seg_iter	 it;
	uint8_t			*src;		/* Read: source octets */
	uint64_t		 sink_to;
	uint64_t		 orig;		/* Atomic: original value */
	uint64_t		 add_swap, add_swap_mask, cmp, cmp_mask;
	uint32_t		 sink_stag;
	uint32_t		 req_id;
	bool			 atomic;
	bool			 cmpswap;	/* Atomic: CmpSwap */
};

struct eng_qp {
	TAILQ_ENTRY(eng_qp)	 entry;
	TAILQ_ENTRY(eng_qp)	 flag_entry;	/* on owner->flagged */
	struct eng_owner	*owner;
	struct eng_pd		*pd;
	struct eng_cq		*scq, *rcq;
	struct eng_qp_rings	 r;
	const struct eng_llp_ops *llp_ops;
	void			*llp;
	void			*cookie;
	uint32_t		 qp_num, ord, ird;
	size_t			 max_seg;
	enum eng_qp_state	 state;
	uint32_t		 sq_idx, rq_idx;	/* private indices */
	/* Send side. */
	struct eng_wr_q		 sq;
	uint32_t		 sq_count;
	struct eng_wr		*txwr;		/* first WR not fully pulled */
	uint32_t		 ord_out;	/* Reads/atomics outstanding */
	uint32_t		 tx_msn[RDMAP_QN_COUNT];
	uint64_t		 tx_seq, done_seq;
	/* Responder side (RFC 5040 §5.5 rule 20). */
	struct eng_rsp_q	 rsp;
	uint32_t		 rsp_count;
	struct eng_rsp		*rx_rsp;	/* validated, not delivered */
	/* Receive side. */
	uint32_t		 rx_msn[RDMAP_QN_COUNT];
	struct eng_sgl		 rsgl;		/* the active receive */
	uint64_t		 rwr_id;
	bool			 rqe_active;
	uint32_t		 rx_bytes;	/* octets placed into it */
	struct rdmap_seg	 cur;		/* segment being received */
	bool			 cur_valid;
	struct eng_wr		*rx_wr;		/* Read/atomic being answered */
	bool			 rx_drop;	/* RFC 5041 §7.1: drop all */
	/* Terminate (RFC 5040 §5.4, §7.1). */
	bool			 term_set, term_sent, term_queued;
	bool			 term_pulled, closing_sent, cq_err;
	bool			 in_pull;	/* inside eng_qp_tx_pull() */
	struct term_triple	 term;
	struct rdmap_term	 term_msg;
	uint64_t		 term_seq;
	struct eng_qp_stats	 st;
};

/* ---- eng.c ---- */
void		 eng_log(struct eng *e, int level, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
void		 eng_pd_ref(struct eng_pd *pd);
void		 eng_pd_unref(struct eng_pd *pd);
void		 eng_sweep(struct eng_owner *o);
void		 eng_qp_flag(struct eng_qp *qp);
void		 eng_qp_unflag(struct eng_qp *qp);

/* ---- stag.c ---- */
struct eng_mr	*stag_lookup(struct eng *e, uint32_t stag);
void		 stag_free_all(struct eng_owner *o);
int		 stag_sgl(struct eng_qp *qp, const struct rdmad_shm_sge *sge,
		    int n, uint32_t need, struct eng_sgl *out);
enum wire_err	 stag_check_tagged(struct eng_qp *qp, uint32_t stag,
		    uint64_t to, uint64_t len, uint32_t need, bool rdmap,
		    uint8_t **ptr);
int		 stag_bind(struct eng_qp *qp, const struct rdmad_shm_sqe *w);
int		 stag_local_inv(struct eng_qp *qp, uint32_t stag);
enum wire_err	 stag_remote_inv(struct eng_qp *qp, uint32_t stag);
void		 stag_qp_gone(struct eng_qp *qp);
int		 eng_sgl_iov(const struct eng_sgl *s, uint32_t off,
		    uint32_t len, struct iovec *iov, int max);

/* ---- cq.c ---- */
void		 cq_post(struct eng_cq *cq, const struct rdmad_shm_cqe *c,
		    bool solicited);
void		 cq_free_all(struct eng_owner *o);

/* ---- qp.c ---- */
void		 qp_set_state(struct eng_qp *qp, enum eng_qp_state s);
void		 qp_kick(struct eng_qp *qp);
void		 qp_sq_intake(struct eng_qp *qp);
void		 qp_sq_complete(struct eng_qp *qp);
void		 qp_flush(struct eng_qp *qp);
int		 qp_rqe_take(struct eng_qp *qp, uint16_t *status);
void		 qp_recv_complete(struct eng_qp *qp, uint16_t status,
		    uint16_t opcode, uint32_t len, uint32_t wc_flags,
		    uint32_t inv, uint64_t imm);
uint32_t	 qp_term_word(const struct eng_qp *qp);
void		 qp_free_all(struct eng_owner *o);

/* ---- tx.c ---- */
void		 tx_check_idle(struct eng_qp *qp);

/* ---- rd.c ---- */
enum wire_err	 rd_read_req(struct eng_qp *qp, const struct rdmap_seg *s);
enum wire_err	 rd_atomic_req(struct eng_qp *qp, const struct rdmap_seg *s);
void		 rd_deliver(struct eng_qp *qp);
bool		 rd_pull(struct eng_qp *qp, struct eng_seg *seg);
void		 rd_free(struct eng_qp *qp);
uint64_t	 rd_fetch_add(uint64_t orig, uint64_t add, uint64_t mask);

/* ---- eng_term.c ---- */
void		 term_record(struct eng_qp *qp, enum wire_err err,
		    const uint8_t *hdr, size_t avail, size_t seg_len);
void		 term_fatal(struct eng_qp *qp, enum wire_err err,
		    const uint8_t *hdr, size_t avail, size_t seg_len);
void		 term_received(struct eng_qp *qp, const struct rdmap_term *t);
bool		 term_pull(struct eng_qp *qp, struct eng_seg *seg);
uint16_t	 term_wc_status(const struct term_triple *t);

#endif /* RDMAD_ENGINE_ENG_INT_H */
