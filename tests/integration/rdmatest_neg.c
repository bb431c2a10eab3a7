/* rdmatest_neg.c — rdmatest client: negative cases and memory windows. */

#include "rdmatest.h"

/* ---- negative cases: the initiator's error completion and Terminate -- */


/*
 * After the QP failed: it leaves RTS within 5 s, and a later Send is
 * refused or flushed.
 */
static void
c_check_dead(struct c_conn *c, const char *what)
{
	struct rdmad_qp_info qi;
	struct rdmad_send_wr wr;
	struct rdmad_wc wc;
	double end = t_now() + 5;
	int r;

	do {
		r = rdmad_qp_query(c->qp, &qi);
		if (r != 0 || qi.state == RDMAD_QPS_ERROR ||
		    qi.state == RDMAD_QPS_TERMINATE)
			break;
		usleep(10000);
	} while (t_now() < end);
	check(r == 0 && (qi.state == RDMAD_QPS_ERROR ||
	    qi.state == RDMAD_QPS_TERMINATE), "%s: %s: QP is in error "
	    "(state %d: %s)", c->name, what, r == 0 ? (int)qi.state : -1,
	    r == 0 ? qi.transport_why : rdmad_strerror(r));
	memset(&wr, 0, sizeof(wr));
	wr.opcode = RDMAD_WR_SEND;
	wr.flags = RDMAD_SEND_SIGNALED;
	wr.wr_id = 424242;
	r = rdmad_post_send(c->qp, &wr);
	if (r == 0) {
		r = cq_wait(c->scq, &wc, 5000);
		check(r == 1 && wc.wr_id == 424242 &&
		    wc.status == RDMAD_WC_WR_FLUSH_ERR, "%s: %s: a later Send "
		    "is flushed (%s)", c->name, what, r == 1 ?
		    st_name(wc.status) : "no completion");
	} else
		check(r == -ENOTCONN, "%s: %s: a later Send is refused "
		    "(%s)", c->name, what, rdmad_strerror(r));
	c->broken = true;
}

/*
 * Post wr (and, when follow, an 8-octet Read of the valid buffer behind
 * it, so a Terminate about a Write has an operation to fail); exactly
 * one completion must carry want.status and the exact triple, those
 * before it succeed, those after it are flushed with the same triple.
 */
static void
c_expect_error(struct c_conn *c, const char *what,
    struct rdmad_send_wr *wr, bool follow, const struct c_term *want)
{
	struct rdmad_send_wr rd;
	struct rdmad_wc wc[2];
	int n = follow ? 2 : 1, i, got = 0, nerr = 0, bad = 0, r;

	wr->wr_id = 1;
	wr->flags |= RDMAD_SEND_SIGNALED;
	if ((r = rdmad_post_send(c->qp, wr)) != 0) {
		check(false, "%s: %s: post_send: %s", c->name, what,
		    rdmad_strerror(r));
		return;
	}
	if (follow) {
		c_wr_rdma(c, &rd, RDMAD_WR_RDMA_READ, c->res, 8, c->raddr,
		    c->rkey);
		rd.wr_id = 2;
		rd.flags = RDMAD_SEND_SIGNALED;
		if ((r = rdmad_post_send(c->qp, &rd)) != 0)
			n = 1;
	}
	for (i = 0; i < n; i++) {
		if (cq_wait(c->scq, &wc[i], 10000) != 1)
			break;
		got++;
	}
	if (!check(got == n, "%s: %s: %d of %d completions within 10 s",
	    c->name, what, got, n))
		return;
	for (i = 0; i < n; i++) {
		if (wc[i].status == RDMAD_WC_SUCCESS) {
			if (nerr > 0)
				bad++;
			continue;
		}
		if (nerr++ == 0) {
			/* The Write itself completed when it was handed to
			 * TCP; the Read behind it fails if it was on the
			 * wire when the Terminate came, else it is flushed:
			 * either way with the exact triple (engine.h). */
			check(((int)wc[i].status == want->status ||
			    (follow && wc[i].wr_id == 2 &&
			    wc[i].status == RDMAD_WC_WR_FLUSH_ERR)) &&
			    wc[i].term_layer == want->layer &&
			    wc[i].term_etype == want->etype &&
			    wc[i].term_ecode == want->ecode,
			    "%s: %s: error completion of %s: %s term "
			    "%d/%d/0x%02x (want %s%s %d/%d/0x%02x)", c->name,
			    what, wc[i].wr_id == 2 ? "the Read behind" :
			    "the request", st_name(wc[i].status), wc[i].term_layer,
			    wc[i].term_etype, wc[i].term_ecode,
			    st_name(want->status), follow ? " or a flush" : "",
			    want->layer, want->etype,
			    want->ecode);
		} else if (wc[i].status != RDMAD_WC_WR_FLUSH_ERR ||
		    wc[i].term_layer != want->layer ||
		    wc[i].term_etype != want->etype ||
		    wc[i].term_ecode != want->ecode)
			bad++;
	}
	check(nerr >= 1 && bad == 0, "%s: %s: one error completion, earlier "
	    "ones succeed, later ones flushed with the triple", c->name, what);
	c_check_dead(c, what);
}

/* Run one named negative case on a fresh connection. */
void
c_negative(const char *name, uint64_t seed)
{
	struct c_conn cc, *c = &cc;
	struct rdmad_send_wr wr;
	struct rdmad_mr *mr;
	struct t_msg m;
	struct c_term t;
	char cn[24];
	bool rd, ok = true;
	int r;

	snprintf(cn, sizeof(cn), "neg %s", name);
	if (!c_open(c, cn, 65536, seed))
		return;
	memset(&wr, 0, sizeof(wr));
	rd = strstr(name, "read") != NULL;
	wr.opcode = rd ? RDMAD_WR_RDMA_READ : RDMAD_WR_RDMA_WRITE;
	wr.num_sge = 1;
	wr.sg_list[0].addr = (uintptr_t)(c->buf + C_DATA_OFF);
	wr.sg_list[0].length = 16;
	wr.sg_list[0].lkey = c->lkey;
	wr.rkey = c->rkey;
	wr.remote_addr = c->raddr;
	/* Tagged (Write) errors are DDP 1/1/x; Read Requests are checked
	 * by RDMAP: 0/1/x (RFC 5040 §4.8, RFC 5041 §7.2). */
	t.status = RDMAD_WC_REM_ACCESS_ERR;
	t.layer = rd ? 0 : 1;
	t.etype = 1;
	if (strcmp(name, "oob-write") == 0 || strcmp(name, "oob-read") == 0) {
		wr.remote_addr = c->raddr + c->rlen - 8;
		t.ecode = 1;		/* base or bounds violation */
	} else if (strcmp(name, "write-norights") == 0 ||
	    strcmp(name, "read-norights") == 0) {
		ok = c_call(c, C_MR, 0, 4096, RDMAD_ACCESS_LOCAL_WRITE |
		    (rd ? RDMAD_ACCESS_REMOTE_WRITE : RDMAD_ACCESS_REMOTE_READ),
		    0, &m);
		wr.rkey = (uint32_t)m.a;
		/* RDMAP: access rights violation; DDP has no rights code:
		 * invalid STag (RFC 5041 §7.1 check 2). */
		t.ecode = rd ? 2 : 0;
	} else if (strcmp(name, "inval-write") == 0 ||
	    strcmp(name, "inval-read") == 0) {
		ok = c_call(c, C_MR, 0, 4096, RDMAD_ACCESS_LOCAL_WRITE |
		    RDMAD_ACCESS_REMOTE_WRITE | RDMAD_ACCESS_REMOTE_READ, 0,
		    &m);
		wr.rkey = (uint32_t)m.a;
		ok = ok && c_call(c, C_LINV, wr.rkey, 0, 0, 0, &m);
		t.ecode = 0;		/* invalid STag */
	} else if (strcmp(name, "wrongpd-write") == 0 ||
	    strcmp(name, "wrongpd-read") == 0) {
		ok = c_call(c, C_MR, 0, 4096, RDMAD_ACCESS_LOCAL_WRITE |
		    RDMAD_ACCESS_REMOTE_WRITE | RDMAD_ACCESS_REMOTE_READ, 1,
		    &m);
		wr.rkey = (uint32_t)m.a;
		t.ecode = rd ? 3 : 2;	/* not associated with the stream */
	} else if (strcmp(name, "misaligned-fadd") == 0 ||
	    strcmp(name, "misaligned-cswap") == 0) {
		rd = true;
		wr.opcode = name[11] == 'f' ? RDMAD_WR_ATOMIC_FETCH_ADD :
		    RDMAD_WR_ATOMIC_CMP_SWAP;
		wr.remote_addr = c->raddr + 4;
		wr.sg_list[0].addr = (uintptr_t)c->res;
		wr.sg_list[0].length = 8;
		/* RFC 7306 §8.2: Remote Operation Error, catastrophic,
		 * localized to the RDMAP stream. */
		t.status = RDMAD_WC_REM_OP_ERR;
		t.layer = 0;
		t.etype = 2;
		t.ecode = 7;
	} else if (strcmp(name, "local-inv-use") == 0) {
		r = rdmad_reg_mr(c->pd, c->buf, 4096,
		    RDMAD_ACCESS_LOCAL_WRITE, &mr);
		if (!check(r == 0, "%s: register: %s", cn, rdmad_strerror(r)))
			goto out;
		memset(&wr, 0, sizeof(wr));
		wr.opcode = RDMAD_WR_LOCAL_INV;
		wr.rkey = rdmad_mr_stag(mr);
		if (c_do(c, &wr, RDMAD_WC_LOCAL_INV, "Local Invalidate", 0)) {
			memset(&wr, 0, sizeof(wr));
			wr.opcode = RDMAD_WR_SEND;
			wr.num_sge = 1;
			wr.sg_list[0].addr = (uintptr_t)c->buf;
			wr.sg_list[0].length = 16;
			wr.sg_list[0].lkey = rdmad_mr_stag(mr);
			/* A local error: the QP sends an RDMAP Local
			 * Catastrophic Terminate (engine.h). */
			t.status = RDMAD_WC_LOC_PROT_ERR;
			t.layer = 0;
			t.etype = 0;
			t.ecode = 0;
			c_expect_error(c, "Send from an invalidated lkey",
			    &wr, false, &t);
		}
		(void)rdmad_dereg_mr(mr);
		c_close(c);
		return;
	} else {
		check(false, "unknown negative case %s", name);
		goto out;
	}
	if (ok)
		c_expect_error(c, name, &wr, !rd, &t);
out:
	c_close(c);
}

const char *const neg_all[] = {
	"oob-write", "oob-read", "write-norights", "read-norights",
	"inval-write", "inval-read", "wrongpd-write", "wrongpd-read",
	"misaligned-fadd", "misaligned-cswap", "local-inv-use", NULL
};

/* ---- memory windows: bind, use, invalidate, then access fails ------- */

/* Write then Read len octets through window stag at window offset woff. */
static void
c_mw_use(struct c_conn *c, uint32_t stag, uint64_t base, size_t len,
    const char *what)
{
	struct rdmad_send_wr wr;
	struct t_msg m;
	uint8_t *p = c->buf + C_DATA_OFF;
	uint64_t seed = rnd(&c->rng);

	pat_fill(p, 0, len, seed);
	memset(&wr, 0, sizeof(wr));
	wr.opcode = RDMAD_WR_RDMA_WRITE;
	wr.remote_addr = c->raddr + base;
	wr.rkey = stag;
	c_sges(c, &wr, p, len);
	if (!c_do(c, &wr, RDMAD_WC_RDMA_WRITE, what, len) ||
	    !c_call(c, C_CKSUM, base, len, 0, 0, &m))
		return;
	check(m.a == fnv(FNV_INIT, p, len), "%s: %s: Write through the "
	    "window placed %zu B", c->name, what, len);
	memset(p, 0, len);
	c_wr_rdma(c, &wr, RDMAD_WR_RDMA_READ, p, len, c->raddr + base, stag);
	if (!c_do(c, &wr, RDMAD_WC_RDMA_READ, what, len))
		return;
	check(fnv(FNV_INIT, p, len) == m.a, "%s: %s: Read through the "
	    "window returns the same %zu B", c->name, what, len);
}

/*
 * Window test `how`: "mw1" (type 1, deallocated), "mw1-bounds" (access
 * outside the window), "mw2-local" (type 2, Local Invalidate by the
 * server), "mw2-remote" (type 2, Send with Invalidate by us).  Each ends
 * with an access that must fail with the exact Terminate.
 */
void
c_mw(const char *how, uint64_t seed)
{
	struct c_conn cc, *c = &cc;
	struct rdmad_send_wr wr;
	struct t_msg m;
	struct c_term t = { RDMAD_WC_REM_ACCESS_ERR, 1, 1, 0 };
	uint64_t base = 8192, wlen = 16384;
	uint32_t stag;
	int type = how[2] == '1' ? RDMAD_MW_TYPE_1 : RDMAD_MW_TYPE_2;
	char cn[24];

	snprintf(cn, sizeof(cn), "%s", how);
	if (!c_open(c, cn, 65536, seed))
		return;
	if (!c_call(c, C_MW, base, wlen, RDMAD_ACCESS_REMOTE_WRITE |
	    RDMAD_ACCESS_REMOTE_READ, (uint64_t)type, &m))
		goto out;
	stag = (uint32_t)m.a;
	check(stag != c->rkey, "%s: window bound, STag %#x", cn, stag);
	c_mw_use(c, stag, base, 1 + rnd(&c->rng) % wlen, "in bounds");
	c_mw_use(c, stag, base + wlen - 100, 100, "at the end");
	if (c->broken)
		goto out;
	c_wr_rdma(c, &wr, RDMAD_WR_RDMA_WRITE, c->buf + C_DATA_OFF, 16,
	    c->raddr + base, stag);
	if (strcmp(how, "mw1-bounds") == 0) {
		/* Inside the region, outside the window. */
		wr.remote_addr = c->raddr + base + wlen - 8;
		t.ecode = 1;
		c_expect_error(c, "Write across the window's end", &wr, true,
		    &t);
		goto out;
	}
	if (strcmp(how, "mw1") == 0) {
		if (!c_call(c, C_DEREG, stag, 0, 0, 0, &m))
			goto out;
		check(true, "%s: window deallocated by the server", cn);
	} else if (strcmp(how, "mw2-local") == 0) {
		if (!c_call(c, C_LINV, stag, 0, 0, 0, &m))
			goto out;
		check(true, "%s: window invalidated locally by the server",
		    cn);
	} else {
		if (!c_call(c, C_EXPECT, 0, 0, 0, 0, &m))
			goto out;
		memset(&wr, 0, sizeof(wr));
		wr.opcode = RDMAD_WR_SEND_WITH_INV;
		wr.rkey = stag;
		if (!c_do(c, &wr, RDMAD_WC_SEND, "Send with Invalidate", 0) ||
		    !c_wait_reply(c, &m, "Send with Invalidate") ||
		    !c_report(c, "Send with Invalidate", &m, RDMAD_WC_RECV, 0,
		    RDMAD_WC_F_WITH_INV, stag, 0, FNV_INIT))
			goto out;
		c_wr_rdma(c, &wr, RDMAD_WR_RDMA_WRITE, c->buf + C_DATA_OFF,
		    16, c->raddr + base, stag);
	}
	c_expect_error(c, "Write through the invalidated window", &wr, true,
	    &t);
out:
	c_close(c);
}
