/* rdmatest_srv.c — rdmatest server: accepts QPs, obeys the commands. */

#include "rdmatest.h"

/* ---- the server ----------------------------------------------------- */

#define S_MAX_OBJ	32

/* One accepted connection on the server. */
struct s_conn {
	struct s_conn		*next;
	uint32_t		 id;
	struct rdmad_mem	*mem;
	uint8_t			*tgt, *rbuf, *rep;
	size_t			 tgt_len, rbuf_len;
	struct rdmad_mr		*mr_tgt, *mr_loc;
	struct rdmad_cq		*scq, *rcq;
	struct rdmad_qp		*qp;
	struct rdmad_mr		*mrs[S_MAX_OBJ];
	struct rdmad_mw		*mws[S_MAX_OBJ];
	bool			 expect;	/* next receive is data */
	bool			 bye, dead;
	double			 dead_at;	/* when it was found dead */
	uint64_t		 wrid;
};

static struct rdmad_pd	*s_pd, *s_pd2;
static struct s_conn	*s_conns;
static volatile sig_atomic_t s_stop;

/* Signal handler: leave the loop. */
static void
s_on_signal(int sig)
{
	(void)sig;
	s_stop = 1;
}

/* Post one receive of the whole receive buffer. */
static int
s_post_recv(struct s_conn *c)
{
	struct rdmad_recv_wr rw;

	memset(&rw, 0, sizeof(rw));
	rw.wr_id = ++c->wrid;
	rw.num_sge = 1;
	rw.sg_list[0].addr = (uintptr_t)c->rbuf;
	rw.sg_list[0].length = (uint32_t)c->rbuf_len;
	rw.sg_list[0].lkey = rdmad_mr_stag(c->mr_loc);
	return rdmad_post_recv(c->qp, &rw);
}

/* Post a signaled work request and wait for its completion. */
static int
s_post_wait(struct s_conn *c, struct rdmad_send_wr *wr, struct rdmad_wc *wc)
{
	int r;

	wr->wr_id = ++c->wrid;
	wr->flags |= RDMAD_SEND_SIGNALED;
	if ((r = rdmad_post_send(c->qp, wr)) != 0)
		return r;
	for (;;) {
		r = cq_wait(c->scq, wc, 10000);
		if (r <= 0)
			return r == 0 ? -ETIMEDOUT : r;
		if (wc->wr_id == wr->wr_id)
			return 0;
	}
}

/* Send the reply in c->rep. */
static void
s_reply(struct s_conn *c, struct t_msg *m)
{
	struct rdmad_send_wr wr;
	struct rdmad_wc wc;
	int r;

	t_msg_wr(&wr, c->rep, m, rdmad_mr_stag(c->mr_loc));
	if ((r = s_post_wait(c, &wr, &wc)) != 0 ||
	    wc.status != RDMAD_WC_SUCCESS) {
		info("server conn %u: reply failed: %s / %s", c->id,
		    rdmad_strerror(r), st_name(wc.status));
		c->dead = true;
	}
}

/* Keep an object handle in a free slot; -ENOSPC when full. */
static int
s_slot(void **slots)
{
	int i;

	for (i = 0; i < S_MAX_OBJ; i++)
		if (slots[i] == NULL)
			return i;
	return -1;
}

/* Range check of a command's tgt[b, b + c). */
static bool
s_range_ok(const struct s_conn *c, uint64_t off, uint64_t len)
{
	return off <= c->tgt_len && len <= c->tgt_len - off;
}

/* Execute one command and reply. */
static void
s_command(struct s_conn *c, const struct t_msg *q)
{
	struct rdmad_send_wr wr;
	struct rdmad_wc wc;
	struct t_msg m;
	struct rdmad_mr *mr;
	struct rdmad_mw *mw;
	int r, i;

	memset(&m, 0, sizeof(m));
	m.op = q->op;
	switch (q->op) {
	case C_NOP:
		break;
	case C_EXPECT:
		c->expect = true;
		break;
	case C_CKSUM:
	case C_FILL:
		if (!s_range_ok(c, q->b, q->c)) {
			m.status = EINVAL;
			break;
		}
		if (q->op == C_FILL)
			pat_fill(c->tgt + q->b, q->b, q->c, q->d);
		m.a = fnv(FNV_INIT, c->tgt + q->b, q->c);
		break;
	case C_SET64:
	case C_GET64:
		if (!s_range_ok(c, q->b, 8) || q->b % 8 != 0) {
			m.status = EINVAL;
			break;
		}
		if (q->op == C_SET64)
			__atomic_store_n((uint64_t *)(void *)(c->tgt + q->b),
			    q->c, __ATOMIC_SEQ_CST);
		m.a = __atomic_load_n((uint64_t *)(void *)(c->tgt + q->b),
		    __ATOMIC_SEQ_CST);
		break;
	case C_MR:
		if (!s_range_ok(c, q->b, q->c) || (i = s_slot((void **)
		    c->mrs)) < 0) {
			m.status = EINVAL;
			break;
		}
		r = rdmad_reg_mr(q->e ? s_pd2 : s_pd, c->tgt + q->b, q->c,
		    (unsigned int)q->d, &mr);
		if (r != 0) {
			m.status = (uint16_t)-r;
			break;
		}
		c->mrs[i] = mr;
		m.a = rdmad_mr_stag(mr);
		break;
	case C_MW:
		if (!s_range_ok(c, q->b, q->c) || (i = s_slot((void **)
		    c->mws)) < 0) {
			m.status = EINVAL;
			break;
		}
		if ((r = rdmad_alloc_mw(s_pd, (int)q->e, &mw)) != 0) {
			m.status = (uint16_t)-r;
			break;
		}
		c->mws[i] = mw;
		m.a = rdmad_mw_stag(mw);
		memset(&wr, 0, sizeof(wr));
		wr.opcode = RDMAD_WR_BIND_MW;
		wr.rkey = rdmad_mw_stag(mw);
		wr.bind.mr = c->mr_tgt;
		wr.bind.addr = (uintptr_t)(c->tgt + q->b);
		wr.bind.length = q->c;
		wr.bind.access = (unsigned int)q->d;
		if (q->e == RDMAD_MW_TYPE_1) {
			/* Type 1 through the helper, type 2 as a WR. */
			r = rdmad_bind_mw(c->qp, mw, c->mr_tgt,
			    (uintptr_t)(c->tgt + q->b), q->c,
			    (unsigned int)q->d, ++c->wrid);
			if (r == 0) {
				r = cq_wait(c->scq, &wc, 10000);
				r = r == 1 ? 0 : r == 0 ? -ETIMEDOUT : r;
			}
		} else
			r = s_post_wait(c, &wr, &wc);
		if (r != 0)
			m.status = (uint16_t)-r;
		else if (wc.status != RDMAD_WC_SUCCESS)
			m.status = (uint16_t)(1000 + wc.status);
		else if (wc.opcode != RDMAD_WC_BIND_MW)
			m.status = 999;
		break;
	case C_LINV:
		memset(&wr, 0, sizeof(wr));
		wr.opcode = RDMAD_WR_LOCAL_INV;
		wr.rkey = (uint32_t)q->b;
		if ((r = s_post_wait(c, &wr, &wc)) != 0)
			m.status = (uint16_t)-r;
		else if (wc.status != RDMAD_WC_SUCCESS)
			m.status = (uint16_t)(1000 + wc.status);
		else if (wc.opcode != RDMAD_WC_LOCAL_INV)
			m.status = 999;
		break;
	case C_DEREG:
		m.status = ENOENT;
		for (i = 0; i < S_MAX_OBJ; i++) {
			if (c->mrs[i] != NULL &&
			    rdmad_mr_stag(c->mrs[i]) == (uint32_t)q->b) {
				r = rdmad_dereg_mr(c->mrs[i]);
				c->mrs[i] = NULL;
				m.status = (uint16_t)-r;
				break;
			}
			if (c->mws[i] != NULL &&
			    rdmad_mw_stag(c->mws[i]) == (uint32_t)q->b) {
				r = rdmad_dealloc_mw(c->mws[i]);
				c->mws[i] = NULL;
				m.status = (uint16_t)-r;
				break;
			}
		}
		break;
	case C_BYE:
		c->bye = true;
		break;
	default:
		m.status = EOPNOTSUPP;
		break;
	}
	s_reply(c, &m);
}

/* A receive completed on c. */
static void
s_recv(struct s_conn *c, const struct rdmad_wc *wc)
{
	struct t_msg m, q;

	if (wc->status != RDMAD_WC_SUCCESS) {
		if (!c->bye)
			info("server conn %u: qp error: receive completed "
			    "with %s, term %d/%d/0x%02x", c->id,
			    st_name(wc->status), wc->term_layer,
			    wc->term_etype, wc->term_ecode);
		c->dead = true;
		return;
	}
	if (s_post_recv(c) != 0) {
		info("server conn %u: cannot repost a receive", c->id);
		c->dead = true;
		return;
	}
	if (c->expect) {
		/* Report the data message to the client. */
		c->expect = false;
		memset(&m, 0, sizeof(m));
		m.op = C_EXPECT;
		m.status = (uint16_t)wc->status;
		m.opcode = wc->opcode;
		m.byte_len = wc->byte_len;
		m.flags = wc->flags;
		m.inv_stag = wc->inv_stag;
		m.b = wc->imm_data;
		m.a = fnv(FNV_INIT, c->rbuf, wc->byte_len <= c->rbuf_len ?
		    wc->byte_len : 0);
		s_reply(c, &m);
		return;
	}
	if (wc->opcode != RDMAD_WC_RECV || wc->byte_len != T_MSG_LEN) {
		info("server conn %u: unexpected message (opcode %d, %u "
		    "octets)", c->id, wc->opcode, wc->byte_len);
		c->dead = true;
		return;
	}
	memcpy(&q, c->rbuf, sizeof(q));
	if (q.magic != T_MAGIC) {
		info("server conn %u: bad magic", c->id);
		c->dead = true;
		return;
	}
	s_command(c, &q);
}

/* Release everything of a connection. */
static void
s_conn_free(struct s_conn *c)
{
	int i;

	t_qp_free(c->qp, NULL, NULL);
	for (i = 0; i < S_MAX_OBJ; i++) {
		if (c->mws[i] != NULL)
			(void)rdmad_dealloc_mw(c->mws[i]);
		if (c->mrs[i] != NULL)
			(void)rdmad_dereg_mr(c->mrs[i]);
	}
	if (c->mr_tgt != NULL)
		(void)rdmad_dereg_mr(c->mr_tgt);
	if (c->mr_loc != NULL)
		(void)rdmad_dereg_mr(c->mr_loc);
	t_qp_free(NULL, c->scq, c->rcq);
	if (c->mem != NULL)
		(void)rdmad_mem_free(c->mem);
	free(c);
}

/* Set up a connection for request req and accept it. */
static void
s_accept(rdmad_ctx_t *ctx, struct rdmad_conn_req *req, uint32_t id)
{
	struct t_priv_rep rep;
	const struct t_priv_req *pq;
	struct s_conn *c;
	size_t plen, maxm;
	unsigned int ird, ord;
	int r, i;

	pq = rdmad_req_private_data(req, &plen);
	if (pq == NULL || plen != sizeof(*pq) || pq->magic != T_PRIV_MAGIC ||
	    pq->max_msg > (1ull << 30)) {
		info("server: rejecting %s: bad private data",
		    rdmad_req_peer(req));
		(void)rdmad_reject(req, NULL, 0);
		return;
	}
	maxm = (size_t)pq->max_msg;
	rdmad_req_ird_ord(req, &ird, &ord);
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		(void)rdmad_reject(req, NULL, 0);
		return;
	}
	c->id = id;
	c->tgt_len = (maxm + 4095) / 4096 * 4096 + 65536;
	c->rbuf_len = (maxm + 4095) / 4096 * 4096 + 4096;
	r = rdmad_mem_alloc(ctx, c->tgt_len + c->rbuf_len + 4096, &c->mem);
	if (r == 0) {
		c->tgt = rdmad_mem_addr(c->mem);
		c->rbuf = c->tgt + c->tgt_len;
		c->rep = c->rbuf + c->rbuf_len;
		r = rdmad_reg_mr(s_pd, c->tgt, c->tgt_len,
		    RDMAD_ACCESS_LOCAL_WRITE | RDMAD_ACCESS_REMOTE_WRITE |
		    RDMAD_ACCESS_REMOTE_READ | RDMAD_ACCESS_REMOTE_ATOMIC |
		    RDMAD_ACCESS_MW_BIND, &c->mr_tgt);
	}
	if (r == 0)
		r = rdmad_reg_mr(s_pd, c->rbuf, c->rbuf_len + 4096,
		    RDMAD_ACCESS_LOCAL_WRITE, &c->mr_loc);
	if (r == 0)
		r = t_qp_make(ctx, s_pd, 64, 16, &c->scq, &c->rcq, &c->qp);
	for (i = 0; r == 0 && i < T_NRECV; i++)
		r = s_post_recv(c);
	if (r != 0) {
		info("server: cannot set up conn %u: %s (%s)", id,
		    rdmad_strerror(r), rdmad_last_error(ctx));
		(void)rdmad_reject(req, NULL, 0);
		s_conn_free(c);
		return;
	}
	memset(&rep, 0, sizeof(rep));
	rep.magic = T_PRIV_MAGIC;
	rep.stag = rdmad_mr_stag(c->mr_tgt);
	rep.addr = (uintptr_t)c->tgt;
	rep.len = c->tgt_len;
	rep.conn_id = id;
	if ((r = rdmad_accept(req, c->qp, &rep, sizeof(rep))) != 0) {
		info("server: accept of conn %u failed: %s (%s)", id,
		    rdmad_strerror(r), rdmad_last_error(ctx));
		s_conn_free(c);
		return;
	}
	if (!opt_quiet)
		info("server: conn %u accepted (qp %u, peer ird %u ord %u, "
		    "%zu octets)", id, rdmad_qp_num(c->qp), ird, ord,
		    c->tgt_len);
	c->next = s_conns;
	s_conns = c;
}

/* Server main loop: accept, serve commands, tear down dead connections. */
int
s_main(void)
{
	rdmad_ctx_t *ctx;
	struct rdmad_listener *l;
	struct rdmad_listen_attr la = { 64, opt_listen_transport };
	struct rdmad_conn_req *req;
	struct rdmad_wc wc;
	struct s_conn *c, **cp;
	struct pollfd pfd[65];
	uint32_t next_id = 0;
	double lost_at = 0;
	int r, n, idle = 0;
	bool busy;

	signal(SIGTERM, s_on_signal);
	signal(SIGINT, s_on_signal);
	if ((r = rdmad_open(opt_sock, &ctx)) != 0) {
		fprintf(stderr, "rdmatest: rdmad_open: %s (%s)\n",
		    rdmad_strerror(r), rdmad_last_error(NULL));
		return 2;
	}
	if ((r = rdmad_pd_alloc(ctx, &s_pd)) != 0 ||
	    (r = rdmad_pd_alloc(ctx, &s_pd2)) != 0 ||
	    (r = rdmad_listen_with(ctx, (uint16_t)opt_port, &la, &l)) != 0) {
		fprintf(stderr, "rdmatest: server set-up: %s (%s)\n",
		    rdmad_strerror(r), rdmad_last_error(ctx));
		rdmad_close(ctx);
		return 2;
	}
	info("server: listening on port %u", opt_port);
	while (!s_stop) {
		busy = false;
		r = lost_at > 0 ? -EAGAIN : rdmad_get_request(l, 1, &req);
		if (r == 0) {
			s_accept(ctx, req, next_id++);
			busy = true;
		} else if (r != -EAGAIN) {
			/* Give the CQs 1 s to tell the same (below). */
			info("server: get_request: %s", rdmad_strerror(r));
			lost_at = t_now();
		}
		for (c = s_conns; c != NULL; c = c->next) {
			while (!c->dead &&
			    (r = rdmad_poll_cq(c->rcq, 1, &wc)) == 1) {
				s_recv(c, &wc);
				busy = true;
			}
			if (r == -ENOTCONN && !s_stop) {
				/* The data path itself tells (rdmad.h). */
				info("server conn %u: daemon is gone: poll_cq "
				    "says %s at %.2f s", c->id,
				    rdmad_strerror(r), t_now());
				s_stop = 1;
			}
		}
		if (lost_at > 0 && (s_stop || s_conns == NULL ||
		    t_now() - lost_at > 1))
			break;
		for (cp = &s_conns; (c = *cp) != NULL;) {
			if (c->dead && c->dead_at == 0)
				c->dead_at = t_now();
			/* --linger: keep a failed QP a while before
			 * destroying it (a diagnostic for the daemon). */
			if (c->bye || (c->dead &&
			    t_now() - c->dead_at >= opt_linger / 1000.0)) {
				*cp = c->next;
				if (!opt_quiet)
					info("server: conn %u closed", c->id);
				s_conn_free(c);
			} else
				cp = &c->next;
		}
		if (busy || (opt_spin && ++idle < 100000)) {
			if (busy)
				idle = 0;
			continue;
		}
		/* Idle: sleep on the listener and every receive CQ. */
		n = 0;
		pfd[n].fd = rdmad_listener_fd(l);
		pfd[n++].events = POLLIN;
		for (c = s_conns; c != NULL && n < 65; c = c->next) {
			if (rdmad_req_notify_cq(c->rcq, 0) == 1)
				busy = true;
			pfd[n].fd = rdmad_cq_fd(c->rcq);
			pfd[n++].events = POLLIN;
		}
		if (busy)
			continue;
		if (poll(pfd, (nfds_t)n, 50) > 0)
			for (c = s_conns; c != NULL; c = c->next)
				(void)rdmad_cq_ack_event(c->rcq);
	}
	while ((c = s_conns) != NULL) {
		s_conns = c->next;
		s_conn_free(c);
	}
	(void)rdmad_listener_close(l);
	rdmad_close(ctx);
	info("server: exiting");
	return 0;
}
