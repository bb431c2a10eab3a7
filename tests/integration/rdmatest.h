/* rdmatest.h — shared declarations of the rdmatest client and server. */
#ifndef RDMATEST_H
#define RDMATEST_H

#define _GNU_SOURCE

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rdmad/rdmad.h>

/* ---- the command protocol between client and server ---------------- */

#define T_MAGIC		0x52445431u	/* "RDT1" */
#define T_MSG_LEN	64
#define T_PRIV_MAGIC	0x52445450u	/* "RDTP" */
#define T_GUARD		16		/* octets checked around a Write */
#define T_NRECV		16		/* receives each side keeps posted */

enum t_cmd {
	C_NOP = 1,	/* reply at once (round-trip time) */
	C_EXPECT,	/* the next message is data: report its completion */
	C_CKSUM,	/* a = FNV-1a of tgt[b, b + c) */
	C_FILL,		/* fill tgt[b, b + c) with pattern d; a = its FNV */
	C_SET64,	/* tgt[b] = c (8 octets) */
	C_GET64,	/* a = tgt[b] */
	C_MR,		/* register tgt[b, b + c), access d, e = 1: 2nd PD */
	C_MW,		/* window of type e over tgt[b, b + c), access d */
	C_LINV,		/* Local Invalidate of STag b on the server's QP */
	C_DEREG,	/* deregister region / deallocate window b */
	C_BYE		/* the client is done with this connection */
};

/* One command or reply: exactly 64 octets, host order (same host). */
struct t_msg {
	uint32_t	magic;
	uint16_t	op;
	uint16_t	status;		/* reply: 0 or an errno / wc status */
	uint32_t	opcode;		/* report: wc opcode */
	uint32_t	byte_len;	/* report: wc byte_len */
	uint32_t	flags;		/* report: wc flags */
	uint32_t	inv_stag;	/* report: wc inv_stag */
	uint64_t	a, b, c, d, e;
};
_Static_assert(sizeof(struct t_msg) == T_MSG_LEN, "64-octet messages");

/* Connection private data, client -> server. */
struct t_priv_req {
	uint32_t	magic;
	uint32_t	pad;
	uint64_t	max_msg;	/* largest transfer it will make */
};

/* Accept private data, server -> client: the target buffer. */
struct t_priv_rep {
	uint32_t	magic;
	uint32_t	stag;
	uint64_t	addr;
	uint64_t	len;
	uint32_t	conn_id;
	uint32_t	pad;
};

/* ---- options and results (rdmatest_util.c) ---------------------------- */

extern const char	*opt_sock;
extern const char	*opt_host;
extern unsigned int	 opt_port;
extern unsigned int	 opt_iter;
extern uint64_t		 opt_seed;
extern unsigned int	 opt_qps;
extern size_t		 opt_max;
extern const char	*opt_ops;
extern const char	*opt_neg;
extern const char	*opt_sizes;
extern unsigned int	 opt_time;	/* seconds for the whole run */
extern int		 opt_quiet;
extern int		 opt_spin;
extern unsigned int	 opt_linger;	/* server: ms before tearing down */
extern enum rdmad_transport opt_transport;	/* client connects */
extern enum rdmad_transport opt_listen_transport;	/* server listens */
extern enum rdmad_transport opt_expect;	/* client: what QPs must get */
extern const char	*opt_expect_why;	/* ... and in their why */

extern pthread_mutex_t	 t_lock;
extern unsigned int	 t_pass, t_fail;
extern struct timespec	 t_start;
/* ---- the client connection (rdmatest_conn.c) -------------------------- */

/*
 * Client memory layout: data area (max + 2 guards + 64 for odd
 * alignment), one command slot, T_NRECV reply slots, an atomic result.
 */
struct c_conn {
	char			 name[24];
	rdmad_ctx_t		*ctx;
	struct rdmad_mem	*mem;
	uint8_t			*buf;		/* data area */
	size_t			 max;
	uint8_t			*cmd, *reps, *res;
	struct rdmad_pd		*pd;
	struct rdmad_mr		*mr;
	struct rdmad_cq		*scq, *rcq;
	struct rdmad_qp		*qp;
	uint32_t		 lkey, rkey;
	uint64_t		 raddr, rlen;
	uint64_t		 wrid, rng;
	unsigned int		 ord;
	bool			 broken;
};

#define C_DATA_OFF	T_GUARD
#define FNV_INIT	0xcbf29ce484222325ull	/* FNV-1a offset basis */

struct c_term {
	int	status, layer, etype, ecode;
};

extern const char *const neg_all[];

/* rdmatest_util.c */
double	t_now(void);
bool	check(bool ok, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t rnd(uint64_t *s);
uint64_t fnv(uint64_t h, const uint8_t *p, size_t len);
void	pat_fill(uint8_t *p, uint64_t off, size_t len, uint64_t seed);
uint64_t pat_fnv(uint64_t h, uint64_t off, size_t len, uint64_t seed);
int	t_qp_make(rdmad_ctx_t *ctx, struct rdmad_pd *pd,
	    unsigned int cq_depth, unsigned int sq_depth,
	    struct rdmad_cq **scq, struct rdmad_cq **rcq,
	    struct rdmad_qp **qp);
void	t_msg_wr(struct rdmad_send_wr *wr, uint8_t *slot, struct t_msg *m,
	    uint32_t lkey);
void	t_qp_free(struct rdmad_qp *qp, struct rdmad_cq *scq,
	    struct rdmad_cq *rcq);
int	cq_wait(struct rdmad_cq *cq, struct rdmad_wc *wc, int ms);
const char *st_name(int st);

/* rdmatest_srv.c */
int	s_main(void);

/* rdmatest_conn.c */
void	c_close(struct c_conn *c);
bool	c_open(struct c_conn *c, const char *name, size_t max,
	    uint64_t seed);
bool	c_wait(struct c_conn *c, struct rdmad_cq *cq, struct rdmad_wc *wc,
	    const char *what, int ms);
void	c_wr_rdma(struct c_conn *c, struct rdmad_send_wr *wr,
	    enum rdmad_wr_opcode op, void *p, size_t len, uint64_t raddr,
	    uint32_t rkey);
int	c_tmo(size_t len);
bool	c_do(struct c_conn *c, struct rdmad_send_wr *wr,
	    enum rdmad_wc_opcode op, const char *what, size_t len);
bool	c_wait_reply(struct c_conn *c, struct t_msg *rep, const char *what);
bool	c_call(struct c_conn *c, uint16_t op, uint64_t b, uint64_t cc,
	    uint64_t d, uint64_t e, struct t_msg *rep);
void	c_sges(struct c_conn *c, struct rdmad_send_wr *wr, uint8_t *p,
	    size_t len);
uint64_t c_roff(struct c_conn *c, size_t len);
bool	c_report(struct c_conn *c, const char *what, const struct t_msg *m,
	    uint32_t opcode, uint32_t byte_len, uint32_t flags, uint32_t inv,
	    uint64_t imm, uint64_t sum);

/* rdmatest_ops.c */
bool	c_want(const char *op);
void	c_run_ops(struct c_conn *c, double deadline);
void	c_bye(struct c_conn *c);

/* rdmatest_neg.c */
void	c_negative(const char *name, uint64_t seed);
void	c_mw(const char *how, uint64_t seed);

#endif /* RDMATEST_H */
