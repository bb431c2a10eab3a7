/* lib.h — private header of librdmad, sectioned by defining file. */
#ifndef RDMAD_LIB_LIB_H
#define RDMAD_LIB_LIB_H

#include <sys/queue.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rdmad/rdmad.h"
#include "rdmad/shm_abi.h"
#include "wire/ctlmsg.h"
#include "wire/ctlverbs.h"

#define LIB_TIMEOUT_MS		30000	/* ordinary requests */
#define LIB_CONNECT_TIMEOUT_MS	120000	/* QP_CONNECT, ACCEPT */
#define LIB_ERR_LEN		256
#define LIB_CLIENT_NAME		"librdmad"

/* ---- ring.c: the data path over shared memory ----------------------- */

/* A CQ as the consumer sees it. */
struct lib_cq_ring {
	struct rdmad_shm_cq_ctrl *ctrl;
	struct rdmad_shm_cqe	*cqe;
	uint32_t		 depth;
	uint32_t		 head;		/* next slot to consume */
};

/* The two work queues of a QP as the producer sees them. */
struct lib_qp_ring {
	struct rdmad_shm_qp_ctrl *ctrl;
	struct rdmad_shm_sqe	*sq;
	struct rdmad_shm_rqe	*rq;
	uint32_t		 sq_depth, rq_depth;
	uint32_t		 sq_head;	/* next SQ slot to fill */
	uint32_t		 rq_head;	/* next RQ slot to fill */
	int			 doorbell;	/* eventfd, -1: none */
};

/*
 * Check a mapped CQ object of `len` octets against what the daemon said
 * (cq number, depth) and fill *ring.  -EPROTO on any mismatch.
 */
int	lib_cq_ring_attach(struct lib_cq_ring *ring, void *base, size_t len,
	    uint32_t cq_num, uint32_t depth);
int	lib_qp_ring_attach(struct lib_qp_ring *ring, void *base, size_t len,
	    uint32_t qp_num, uint32_t sq_depth, uint32_t rq_depth,
	    int doorbell);

int	lib_cq_poll(struct lib_cq_ring *ring, int n, struct rdmad_wc *wc);
int	lib_cq_arm(struct lib_cq_ring *ring, int solicited_only);
/* wr->bind.mr is already resolved to bind_lkey by the caller. */
int	lib_sq_post(struct lib_qp_ring *ring, const struct rdmad_send_wr *wr,
	    uint32_t bind_lkey);
int	lib_rq_post(struct lib_qp_ring *ring, const struct rdmad_recv_wr *wr);

/* ---- conn.c: one control connection to the daemon ------------------- */

struct lib_conn {
	int		 fd;
	uint32_t	 next_reqid;
	bool		 dead;		/* lost or broken: no more requests */
	char		*err;		/* the context's last-error buffer */
	uint8_t		 buf[CTL_MSG_MAX];
};

/* One received message. */
struct lib_msg {
	struct ctl_hdr	 hdr;
	const uint8_t	*payload;
	size_t		 plen;
	int		 fd;		/* received descriptor or -1 */
};

/*
 * Connect to `path`, exchange HELLO and fill *c.  daemon_version gets
 * the daemon's version string (CTL_NAME_LEN octets).  Returns 0 or a
 * negative errno with the reason in c->err.
 */
int	lib_conn_open(struct lib_conn *c, const char *path,
	    char *daemon_version);
void	lib_conn_close(struct lib_conn *c);

/*
 * Send the message in c->buf (len octets, type and reqid already
 * encoded; a negative len is an encoder's error and fails with -EINVAL)
 * with optional descriptor send_fd, and wait up to timeout_ms
 * for the answer of the same reqid: RESULT or `reply_type`.  On success
 * *out holds the decoded reply (nothing for RESULT(0)) and *rfd the
 * received descriptor (the caller closes it; -1 if none).  A RESULT with
 * a non-zero code returns -code with its message in c->err.
 */
int	lib_conn_request(struct lib_conn *c, int len, int send_fd,
	    uint32_t reply_type, union ctlv_any *out, int *rfd,
	    int timeout_ms);

/* Milliseconds on the monotonic clock. */
int64_t	lib_conn_now_ms(void);

/* Next request id (never 0). */
uint32_t lib_conn_reqid(struct lib_conn *c);

/*
 * Receive one message (waiting up to timeout_ms, -1 forever, 0 not at
 * all: -EAGAIN), check its framing and direction.  The payload points
 * into c->buf.  Errors mark the connection dead except -EAGAIN and
 * -ETIMEDOUT.
 */
int	lib_conn_recv(struct lib_conn *c, struct lib_msg *m, int timeout_ms);

/* ---- errors.c -------------------------------------------------------- */

/* Format the last-error text into err (may be NULL); returns `code`. */
int	lib_err(char *err, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* The thread's last rdmad_open() error buffer. */
char	*lib_open_err(void);

/* ---- api_*.c: the objects -------------------------------------------- */

struct rdmad_mem {
	LIST_ENTRY(rdmad_mem)	 entry;
	struct rdmad_ctx	*ctx;
	uint32_t		 id;
	int			 fd;
	void			*addr;
	size_t			 len;
	unsigned int		 refs;		/* MRs */
};

struct rdmad_pd {
	LIST_ENTRY(rdmad_pd)	 entry;
	struct rdmad_ctx	*ctx;
	uint32_t		 id;
	unsigned int		 refs;		/* MRs, MWs, QPs */
};

struct rdmad_mr {
	LIST_ENTRY(rdmad_mr)	 entry;
	struct rdmad_pd		*pd;
	struct rdmad_mem	*mem;
	uint32_t		 stag;
};

struct rdmad_mw {
	LIST_ENTRY(rdmad_mw)	 entry;
	struct rdmad_pd		*pd;
	uint32_t		 stag;
	int			 type;
};

struct rdmad_cq {
	LIST_ENTRY(rdmad_cq)	 entry;
	struct rdmad_ctx	*ctx;
	uint32_t		 id;
	int			 efd;		/* notification eventfd */
	int			 pfd;		/* rdmad_cq_fd(): see gone.c */
	void			*map;
	size_t			 map_len;
	unsigned int		 refs;		/* QPs */
	struct lib_cq_ring	 ring;
};

struct rdmad_qp {
	LIST_ENTRY(rdmad_qp)	 entry;
	struct rdmad_pd		*pd;
	struct rdmad_cq		*send_cq, *recv_cq;
	uint32_t		 num;
	enum rdmad_transport	 want;		/* attr.transport */
	int			 tried;		/* connect/accept attempted */
	int			 connected;
	void			*map;
	size_t			 map_len;
	struct lib_qp_ring	 ring;
	struct ctlv_priv	 peer_priv;
};

struct rdmad_conn_req {
	LIST_ENTRY(rdmad_conn_req) entry;
	struct rdmad_ctx	*ctx;
	uint32_t		 request;
	uint32_t		 ird, ord;
	char			 peer[CTLV_PEER_LEN];
	struct ctlv_priv	 priv;
};

struct rdmad_listener {
	LIST_ENTRY(rdmad_listener) entry;
	struct rdmad_ctx	*ctx;
	uint32_t		 id;
	struct lib_conn		 conn;
};

struct rdmad_ctx {
	struct lib_conn		 conn;
	char			 path[108];	/* sun_path */
	char			 daemon_version[CTL_NAME_LEN];
	char			 err[LIB_ERR_LEN];
	LIST_HEAD(, rdmad_mem)	 mems;
	LIST_HEAD(, rdmad_pd)	 pds;
	LIST_HEAD(, rdmad_mr)	 mrs;
	LIST_HEAD(, rdmad_mw)	 mws;
	LIST_HEAD(, rdmad_cq)	 cqs;
	LIST_HEAD(, rdmad_qp)	 qps;
	LIST_HEAD(, rdmad_listener) listeners;
	LIST_HEAD(, rdmad_conn_req) reqs;
	int			 gone;		/* daemon gone (gone.c; atomic) */
	int64_t			 gone_next;	/* next check, ms (atomic) */
};

/* gone.c */
bool	lib_gone(struct rdmad_ctx *ctx, bool now);
int	lib_cq_pollfd(struct rdmad_ctx *ctx, int efd);

/* api_mem.c: send an id-only request (destroy/free) expecting RESULT(0).
 * Returns 0 also when the connection is gone (see rdmad.h). */
int	lib_destroy_req(struct rdmad_ctx *ctx, uint32_t type, uint32_t id);

/* api_qp.c: release local resources of the objects at close. */
void	lib_qp_release(struct rdmad_qp *qp);
void	lib_cq_release(struct rdmad_cq *cq);
void	lib_listener_release(struct rdmad_listener *l);

#endif /* RDMAD_LIB_LIB_H */
