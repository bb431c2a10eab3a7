/* rdmatest_conn.c — rdmatest client: one connection, commands, completions. */

#include "rdmatest.h"

/* ---- the client: one connection --------------------------------------- */

/* Post one reply receive in slot i. */
static int
c_post_recv(struct c_conn *c, unsigned int i)
{
	struct rdmad_recv_wr rw;

	memset(&rw, 0, sizeof(rw));
	rw.wr_id = i;
	rw.num_sge = 1;
	rw.sg_list[0].addr = (uintptr_t)(c->reps + i * T_MSG_LEN);
	rw.sg_list[0].length = T_MSG_LEN;
	rw.sg_list[0].lkey = c->lkey;
	return rdmad_post_recv(c->qp, &rw);
}

/* Release a client connection (NULL-safe members). */
void
c_close(struct c_conn *c)
{
	if (c->ctx == NULL)
		return;
	t_qp_free(c->qp, c->scq, c->rcq);
	if (c->mr != NULL)
		(void)rdmad_dereg_mr(c->mr);
	if (c->mem != NULL)
		(void)rdmad_mem_free(c->mem);
	if (c->pd != NULL)
		(void)rdmad_pd_free(c->pd);
	rdmad_close(c->ctx);
	memset(c, 0, sizeof(*c));
}

/* Open a context, build a QP and connect it to the server. */
bool
c_open(struct c_conn *c, const char *name, size_t max, uint64_t seed)
{
	struct rdmad_qp_info qi;
	struct t_priv_req pq;
	const struct t_priv_rep *pr;
	size_t len, plen;
	unsigned int i;
	int r;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->max = max;
	c->rng = seed;
	if ((r = rdmad_open(opt_sock, &c->ctx)) != 0)
		return check(false, "%s: rdmad_open: %s (%s)", name,
		    rdmad_strerror(r), rdmad_last_error(NULL));
	len = (max + 2 * T_GUARD + 64 + 4095) / 4096 * 4096 + 8192;
	r = rdmad_mem_alloc(c->ctx, len, &c->mem);
	if (r == 0) {
		c->buf = rdmad_mem_addr(c->mem);
		c->cmd = c->buf + len - 8192;
		c->reps = c->cmd + T_MSG_LEN;
		c->res = c->reps + T_NRECV * T_MSG_LEN;
		r = rdmad_pd_alloc(c->ctx, &c->pd);
	}
	if (r == 0)
		r = rdmad_reg_mr(c->pd, c->buf, len,
		    RDMAD_ACCESS_LOCAL_WRITE, &c->mr);
	if (r == 0) {
		c->lkey = rdmad_mr_stag(c->mr);
		r = t_qp_make(c->ctx, c->pd, 256, 64, &c->scq, &c->rcq,
		    &c->qp);
	}
	for (i = 0; r == 0 && i < T_NRECV; i++)
		r = c_post_recv(c, i);
	if (r != 0) {
		check(false, "%s: set-up: %s (%s)", name, rdmad_strerror(r),
		    rdmad_last_error(c->ctx));
		c_close(c);
		return false;
	}
	memset(&pq, 0, sizeof(pq));
	pq.magic = T_PRIV_MAGIC;
	pq.max_msg = max;
	r = rdmad_connect(c->qp, opt_host, (uint16_t)opt_port, &pq,
	    sizeof(pq));
	if (!check(r == 0, "%s: connect to %s port %u: %s (errno %d)%s%s",
	    name, opt_host, opt_port, rdmad_strerror(r), -r, r ? " " : "",
	    r ? rdmad_last_error(c->ctx) : "")) {
		c_close(c);
		return false;
	}
	pr = rdmad_qp_peer_private_data(c->qp, &plen);
	if (!check(pr != NULL && plen == sizeof(*pr) &&
	    pr->magic == T_PRIV_MAGIC && pr->len >= max,
	    "%s: accept private data carries the target buffer (%zu "
	    "octets)", name, plen)) {
		c_close(c);
		return false;
	}
	c->rkey = pr->stag;
	c->raddr = pr->addr;
	c->rlen = pr->len;
	r = rdmad_qp_query(c->qp, &qi);
	check(r == 0 && qi.state == RDMAD_QPS_RTS &&
	    qi.transport == opt_expect && (opt_expect_why == NULL ||
	    strstr(qi.transport_why, opt_expect_why) != NULL),
	    "%s: QP %u in RTS over %s, ord %u ird %u, peer %s (%s)", name,
	    r == 0 ? qi.qp_num : 0, opt_expect == RDMAD_TRANSPORT_SCTP ?
	    "SCTP" : "TCP", r == 0 ? qi.ord : 0, r == 0 ? qi.ird : 0,
	    r == 0 ? qi.peer : "?", r == 0 ? qi.transport_why : "");
	c->ord = r == 0 && qi.ord > 0 ? qi.ord : 1;
	return true;
}

/* A one-SGE RDMA Write or Read of len octets at p, remote raddr/rkey. */
void
c_wr_rdma(struct c_conn *c, struct rdmad_send_wr *wr,
    enum rdmad_wr_opcode op, void *p, size_t len, uint64_t raddr,
    uint32_t rkey)
{
	memset(wr, 0, sizeof(*wr));
	wr->opcode = op;
	wr->remote_addr = raddr;
	wr->rkey = rkey;
	/* A Read Request names one sink STag: one SGE (RFC 5040 §4.4). */
	wr->num_sge = 1;
	wr->sg_list[0].addr = (uintptr_t)p;
	wr->sg_list[0].length = (uint32_t)len;
	wr->sg_list[0].lkey = c->lkey;
}

/* Wait for one completion of cq; a failed check marks c broken. */
bool
c_wait(struct c_conn *c, struct rdmad_cq *cq, struct rdmad_wc *wc,
    const char *what, int ms)
{
	int r = cq_wait(cq, wc, ms);

	if (r == 1)
		return true;
	check(false, "%s: %s: no completion within %d ms (%s)", c->name, what,
	    ms, r == 0 ? "timeout" : rdmad_strerror(r));
	c->broken = true;
	return false;
}

/* Timeout for a transfer of len octets: 10 s + 1 s per 8 MiB. */
int
c_tmo(size_t len)
{
	return 10000 + (int)(len >> 23) * 1000;
}

/* Post wr signaled and check its completion's status and opcode. */
bool
c_do(struct c_conn *c, struct rdmad_send_wr *wr, enum rdmad_wc_opcode op,
    const char *what, size_t len)
{
	struct rdmad_wc wc;
	int r;

	wr->wr_id = ++c->wrid;
	wr->flags |= RDMAD_SEND_SIGNALED;
	if ((r = rdmad_post_send(c->qp, wr)) != 0) {
		c->broken = true;
		return check(false, "%s: %s: post_send: %s", c->name, what,
		    rdmad_strerror(r));
	}
	if (!c_wait(c, c->scq, &wc, what, c_tmo(len)))
		return false;
	if (!check(wc.wr_id == wr->wr_id && wc.status == RDMAD_WC_SUCCESS &&
	    wc.opcode == op, "%s: %s completes: %s opcode %d (want %d) "
	    "term %d/%d/%d", c->name, what, st_name(wc.status), wc.opcode, op,
	    wc.term_layer, wc.term_etype, wc.term_ecode)) {
		c->broken = true;
		return false;
	}
	return true;
}

/* Wait for the server's next reply (a 64-octet Send) into *rep. */
bool
c_wait_reply(struct c_conn *c, struct t_msg *rep, const char *what)
{
	struct rdmad_wc wc;
	unsigned int slot;

	if (!c_wait(c, c->rcq, &wc, what, 30000))
		return false;
	slot = (unsigned int)wc.wr_id;
	if (!check(wc.status == RDMAD_WC_SUCCESS && wc.opcode ==
	    RDMAD_WC_RECV && wc.byte_len == T_MSG_LEN && slot < T_NRECV,
	    "%s: %s: reply received: %s opcode %d, %u octets", c->name, what,
	    st_name(wc.status), wc.opcode, wc.byte_len)) {
		c->broken = true;
		return false;
	}
	memcpy(rep, c->reps + slot * T_MSG_LEN, sizeof(*rep));
	if (c_post_recv(c, slot) != 0) {
		c->broken = true;
		return check(false, "%s: repost of a reply receive", c->name);
	}
	if (rep->magic != T_MAGIC) {
		c->broken = true;
		return check(false, "%s: %s: reply has a bad magic", c->name,
		    what);
	}
	return true;
}

/* Send a command and wait for its reply (into *rep). */
static bool
c_cmd(struct c_conn *c, struct t_msg *q, struct t_msg *rep)
{
	struct rdmad_send_wr wr;
	struct rdmad_wc wc;
	char what[32];

	if (c->broken)
		return false;
	t_msg_wr(&wr, c->cmd, q, c->lkey);
	snprintf(what, sizeof(what), "command %u", q->op);
	wr.wr_id = ++c->wrid;
	wr.flags = RDMAD_SEND_SIGNALED;
	if (rdmad_post_send(c->qp, &wr) != 0 ||
	    !c_wait(c, c->scq, &wc, what, 10000) ||
	    wc.status != RDMAD_WC_SUCCESS || wc.opcode != RDMAD_WC_SEND) {
		c->broken = true;
		return check(false, "%s: %s: send failed", c->name, what);
	}
	return c_wait_reply(c, rep, what);
}

/* A command with arguments b..e; false (and a failed check) on error. */
bool
c_call(struct c_conn *c, uint16_t op, uint64_t b, uint64_t cc, uint64_t d,
    uint64_t e, struct t_msg *rep)
{
	struct t_msg q;

	memset(&q, 0, sizeof(q));
	q.op = op;
	q.b = b;
	q.c = cc;
	q.d = d;
	q.e = e;
	if (!c_cmd(c, &q, rep))
		return false;
	if (rep->op != op || rep->status != 0) {
		c->broken = true;
		return check(false, "%s: command %u refused by the server: "
		    "status %u", c->name, op, rep->status);
	}
	return true;
}

/* Split [addr, addr + len) into 1..RDMAD_MAX_SGE contiguous SGEs. */
void
c_sges(struct c_conn *c, struct rdmad_send_wr *wr, uint8_t *p, size_t len)
{
	unsigned int n = 1 + (unsigned int)(rnd(&c->rng) % RDMAD_MAX_SGE);
	size_t left = len, piece;
	unsigned int i;

	if (len < n)
		n = len == 0 ? 1 : (unsigned int)len;
	for (i = 0; i < n; i++) {
		piece = i == n - 1 ? left : (size_t)(rnd(&c->rng) %
		    (left - (n - 1 - i) + 1));
		if (i < n - 1 && piece == 0)
			piece = 1;
		wr->sg_list[i].addr = (uintptr_t)p;
		wr->sg_list[i].length = (uint32_t)piece;
		wr->sg_list[i].lkey = c->lkey;
		p += piece;
		left -= piece;
	}
	wr->num_sge = n;
}

/* A random offset for len octets inside the server's target buffer. */
uint64_t
c_roff(struct c_conn *c, size_t len)
{
	return rnd(&c->rng) % (c->rlen - len + 1);
}

/* Check the server's report of a data message against expectations. */
bool
c_report(struct c_conn *c, const char *what, const struct t_msg *m,
    uint32_t opcode, uint32_t byte_len, uint32_t flags, uint32_t inv,
    uint64_t imm, uint64_t sum)
{
	return check(m->status == RDMAD_WC_SUCCESS && m->opcode == opcode &&
	    m->byte_len == byte_len && m->flags == flags &&
	    m->inv_stag == inv && (!(flags & RDMAD_WC_F_WITH_IMM) ||
	    m->b == imm) && m->a == sum,
	    "%s: %s: peer's completion %s opcode %u (want %u) %u octets "
	    "(want %u) flags %#x (want %#x) inv %#x (want %#x) imm %#" PRIx64
	    " checksum %016" PRIx64 " (want %016" PRIx64 ")", c->name, what,
	    st_name(m->status), m->opcode, opcode, m->byte_len, byte_len,
	    m->flags, flags, m->inv_stag, inv, m->b, m->a, sum) ||
	    (c->broken = true, false);
}
