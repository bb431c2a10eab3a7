/* rdmatest_ops.c — rdmatest client: every RDMA operation, random sizes. */

#include "rdmatest.h"

/* Send (optionally solicited, optionally invalidating) of len octets. */
static void
op_send(struct c_conn *c, size_t len, bool se, bool inv)
{
	struct rdmad_send_wr wr;
	struct t_msg m;
	uint64_t seed = rnd(&c->rng), sum, mw = 0, off;
	uint8_t *p = c->buf + C_DATA_OFF + rnd(&c->rng) % 64;
	uint32_t flags = 0;
	char what[64];

	snprintf(what, sizeof(what), "Send%s%s %zu B", se ? " with SE" : "",
	    inv ? " with Invalidate" : "", len);
	if (inv) {
		off = c_roff(c, 4096);
		if (!c_call(c, C_MW, off, 4096, RDMAD_ACCESS_REMOTE_WRITE |
		    RDMAD_ACCESS_REMOTE_READ, RDMAD_MW_TYPE_2, &m))
			return;
		mw = m.a;
	}
	pat_fill(p, 0, len, seed);
	sum = fnv(FNV_INIT, p, len);
	if (!c_call(c, C_EXPECT, 0, 0, 0, 0, &m))
		return;
	memset(&wr, 0, sizeof(wr));
	wr.opcode = inv ? RDMAD_WR_SEND_WITH_INV : RDMAD_WR_SEND;
	wr.flags = se ? RDMAD_SEND_SOLICITED : 0;
	wr.rkey = (uint32_t)mw;
	c_sges(c, &wr, p, len);
	if (!c_do(c, &wr, RDMAD_WC_SEND, what, len) ||
	    !c_wait_reply(c, &m, what))
		return;
	if (se)
		flags |= RDMAD_WC_F_SOLICITED;
	if (inv)
		flags |= RDMAD_WC_F_WITH_INV;
	c_report(c, what, &m, RDMAD_WC_RECV, (uint32_t)len, flags,
	    (uint32_t)mw, 0, sum);
	if (inv && !c->broken)
		c_call(c, C_DEREG, mw, 0, 0, 0, &m);
}

/* RDMA Write (optionally with Immediate Data) of len octets, guards
 * around it checked. */
static void
op_write(struct c_conn *c, size_t len, bool imm)
{
	struct rdmad_send_wr wr;
	struct t_msg m;
	uint64_t seed = rnd(&c->rng), gseed = rnd(&c->rng);
	uint64_t off = c_roff(c, len), g1, g2, sum, iv = rnd(&c->rng);
	uint8_t *p = c->buf + C_DATA_OFF + rnd(&c->rng) % 64;
	char what[64];

	snprintf(what, sizeof(what), "RDMA Write%s %zu B at +%" PRIu64,
	    imm ? " with Immediate" : "", len, off);
	g1 = off < T_GUARD ? off : T_GUARD;
	g2 = c->rlen - off - len < T_GUARD ? c->rlen - off - len : T_GUARD;
	if (!c_call(c, C_FILL, off - g1, g1, gseed, 0, &m) ||
	    !c_call(c, C_FILL, off + len, g2, gseed, 0, &m))
		return;
	pat_fill(p, 0, len, seed);
	if (imm && !c_call(c, C_EXPECT, 0, 0, 0, 0, &m))
		return;
	memset(&wr, 0, sizeof(wr));
	wr.opcode = imm ? RDMAD_WR_RDMA_WRITE_WITH_IMM : RDMAD_WR_RDMA_WRITE;
	wr.remote_addr = c->raddr + off;
	wr.rkey = c->rkey;
	wr.imm_data = iv;
	c_sges(c, &wr, p, len);
	if (!c_do(c, &wr, RDMAD_WC_RDMA_WRITE, what, len))
		return;
	if (imm) {
		if (!c_wait_reply(c, &m, what) ||
		    !c_report(c, what, &m, RDMAD_WC_RECV_IMM, 0,
		    RDMAD_WC_F_WITH_IMM, 0, iv, FNV_INIT))
			return;
	}
	if (!c_call(c, C_CKSUM, off - g1, g1 + len + g2, 0, 0, &m))
		return;
	sum = pat_fnv(FNV_INIT, off - g1, g1, gseed);
	sum = fnv(sum, p, len);
	sum = pat_fnv(sum, off + len, g2, gseed);
	check(m.a == sum, "%s: %s: placed data and %" PRIu64 "+%" PRIu64
	    " guard octets match (%016" PRIx64 " vs %016" PRIx64 ")", c->name,
	    what, g1, g2, m.a, sum) || (c->broken = true);
}

/* Immediate Data alone, optionally solicited (RFC 7306). */
static void
op_imm(struct c_conn *c, bool se)
{
	struct rdmad_send_wr wr;
	struct t_msg m;
	uint64_t iv = rnd(&c->rng);
	const char *what = se ? "Immediate Data with SE" : "Immediate Data";

	if (!c_call(c, C_EXPECT, 0, 0, 0, 0, &m))
		return;
	memset(&wr, 0, sizeof(wr));
	wr.opcode = RDMAD_WR_IMM_DATA;
	wr.flags = se ? RDMAD_SEND_SOLICITED : 0;
	wr.imm_data = iv;
	if (!c_do(c, &wr, RDMAD_WC_IMM, what, 0) ||
	    !c_wait_reply(c, &m, what))
		return;
	c_report(c, what, &m, RDMAD_WC_RECV_IMM, 0, RDMAD_WC_F_WITH_IMM |
	    (se ? RDMAD_WC_F_SOLICITED : 0), 0, iv, FNV_INIT);
}

/* RDMA Read of len octets into a guarded local buffer. */
static void
op_read(struct c_conn *c, size_t len)
{
	struct rdmad_send_wr wr;
	struct t_msg m;
	uint64_t seed = rnd(&c->rng), off = c_roff(c, len), want;
	size_t lo = (size_t)(rnd(&c->rng) % 64), i;
	uint8_t *p = c->buf + C_DATA_OFF + lo;
	bool guards = true;
	char what[64];

	snprintf(what, sizeof(what), "RDMA Read %zu B at +%" PRIu64, len,
	    off);
	if (!c_call(c, C_FILL, off, len, seed, 0, &m))
		return;
	want = pat_fnv(FNV_INIT, off, len, seed);
	if (!check(m.a == want, "%s: %s: server filled the source", c->name,
	    what))
		return;
	memset(p - T_GUARD, 0x5a, T_GUARD);
	memset(p, 0xee, len);
	memset(p + len, 0xa5, T_GUARD);
	c_wr_rdma(c, &wr, RDMAD_WR_RDMA_READ, p, len, c->raddr + off,
	    c->rkey);
	if (!c_do(c, &wr, RDMAD_WC_RDMA_READ, what, len))
		return;
	for (i = 0; i < T_GUARD; i++)
		if (p[-1 - (ssize_t)i] != 0x5a || p[len + i] != 0xa5)
			guards = false;
	check(fnv(FNV_INIT, p, len) == m.a && guards,
	    "%s: %s: data read matches the server's checksum %016" PRIx64
	    ", guards intact", c->name, what, m.a) || (c->broken = true);
}

/* One atomic work request; returns the original value fetched. */
static bool
c_atomic(struct c_conn *c, enum rdmad_wr_opcode op, uint64_t off,
    uint64_t ca, uint64_t sw, uint64_t *orig, const char *what)
{
	struct rdmad_send_wr wr;

	memset(&wr, 0, sizeof(wr));
	wr.opcode = op;
	wr.remote_addr = c->raddr + off;
	wr.rkey = c->rkey;
	wr.compare_add = ca;
	wr.swap = sw;
	wr.num_sge = 1;
	wr.sg_list[0].addr = (uintptr_t)c->res;
	wr.sg_list[0].length = 8;
	wr.sg_list[0].lkey = c->lkey;
	memset(c->res, 0xcc, 8);
	if (!c_do(c, &wr, op == RDMAD_WR_ATOMIC_FETCH_ADD ?
	    RDMAD_WC_FETCH_ADD : RDMAD_WC_CMP_SWAP, what, 8))
		return false;
	memcpy(orig, c->res, 8);
	return true;
}

/* FetchAdd, matching and failing CmpSwap: originals and memory. */
static void
op_atomic(struct c_conn *c)
{
	struct t_msg m;
	uint64_t off = (rnd(&c->rng) % (c->rlen / 8)) * 8;
	uint64_t v0 = rnd(&c->rng), add = rnd(&c->rng), v1 = rnd(&c->rng);
	uint64_t o;

	if (!c_call(c, C_SET64, off, v0, 0, 0, &m) ||
	    !c_atomic(c, RDMAD_WR_ATOMIC_FETCH_ADD, off, add, 0, &o,
	    "FetchAdd"))
		return;
	check(o == v0, "%s: FetchAdd at +%" PRIu64 " returns the original "
	    "%#" PRIx64 " (got %#" PRIx64 ")", c->name, off, v0, o);
	if (!c_call(c, C_GET64, off, 0, 0, 0, &m))
		return;
	check(m.a == v0 + add, "%s: FetchAdd leaves %#" PRIx64 " (got %#"
	    PRIx64 ")", c->name, v0 + add, m.a);
	if (!c_atomic(c, RDMAD_WR_ATOMIC_CMP_SWAP, off, v0 + add, v1, &o,
	    "CmpSwap (equal)"))
		return;
	check(o == v0 + add, "%s: CmpSwap (equal) returns the original",
	    c->name);
	if (!c_call(c, C_GET64, off, 0, 0, 0, &m))
		return;
	check(m.a == v1, "%s: CmpSwap (equal) swapped: %#" PRIx64 " (got %#"
	    PRIx64 ")", c->name, v1, m.a);
	if (!c_atomic(c, RDMAD_WR_ATOMIC_CMP_SWAP, off, ~v1, v0, &o,
	    "CmpSwap (different)"))
		return;
	check(o == v1, "%s: CmpSwap (different) returns the original",
	    c->name);
	if (!c_call(c, C_GET64, off, 0, 0, 0, &m))
		return;
	check(m.a == v1, "%s: CmpSwap (different) left memory alone: %#"
	    PRIx64 " (got %#" PRIx64 ")", c->name, v1, m.a);
}

/* Local Invalidate of a fresh local region. */
static void
op_linv(struct c_conn *c)
{
	struct rdmad_send_wr wr;
	struct rdmad_mr *mr;
	int r;

	r = rdmad_reg_mr(c->pd, c->buf, 4096, RDMAD_ACCESS_LOCAL_WRITE |
	    RDMAD_ACCESS_REMOTE_WRITE | RDMAD_ACCESS_REMOTE_READ, &mr);
	if (!check(r == 0, "%s: register a region to invalidate: %s",
	    c->name, rdmad_strerror(r)))
		return;
	memset(&wr, 0, sizeof(wr));
	wr.opcode = RDMAD_WR_LOCAL_INV;
	wr.rkey = rdmad_mr_stag(mr);
	c_do(c, &wr, RDMAD_WC_LOCAL_INV, "Local Invalidate", 0);
	r = rdmad_dereg_mr(mr);
	check(r == 0, "%s: deregister the invalidated region: %s", c->name,
	    rdmad_strerror(r));
}

/* Size for iteration it: 0, max and 1 first, then log-uniform. */
static size_t
c_size(struct c_conn *c, unsigned int it)
{
	unsigned int bits;
	uint64_t r;

	if (it == 0)
		return 0;
	if (it == 1)
		return c->max;
	if (it == 2)
		return 1;
	r = rnd(&c->rng);
	for (bits = 0; ((size_t)1 << bits) < c->max; bits++)
		;
	bits = (unsigned int)(r % (bits + 1));
	r = rnd(&c->rng) % (((uint64_t)1 << bits) + 1);
	return r > c->max ? c->max : (size_t)r;
}

/* Is op named in the comma list opt_ops (or is it "all")? */
bool
c_want(const char *op)
{
	const char *p = opt_ops;
	size_t n = strlen(op);

	if (strcmp(opt_ops, "all") == 0)
		return strcmp(op, "flood") != 0;
	while (p != NULL && *p != '\0') {
		if (strncmp(p, op, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
		if ((p = strchr(p, ',')) != NULL)
			p++;
	}
	return false;
}

/* Parse the --sizes list into sz[]; returns the count. */
static unsigned int
c_sizes(size_t *sz, unsigned int max)
{
	const char *p = opt_sizes;
	unsigned int n = 0;
	char *end;

	while (p != NULL && *p != '\0' && n < max) {
		sz[n] = (size_t)strtoull(p, &end, 0);
		if (*end == 'k' || *end == 'K')
			sz[n] <<= 10, end++;
		else if (*end == 'm' || *end == 'M')
			sz[n] <<= 20, end++;
		n++;
		p = *end == ',' ? end + 1 : NULL;
	}
	return n;
}

/* The positive operations on one connection, until iterations or time
 * run out. */
void
c_run_ops(struct c_conn *c, double deadline)
{
	size_t list[64], len;
	unsigned int it, nl = c_sizes(list, 64), n;

	n = nl > 0 ? nl : opt_iter;
	for (it = 0; it < n && !c->broken && t_now() < deadline; it++) {
		len = nl > 0 ? list[it] : c_size(c, it);
		if (len > c->max)
			len = c->max;
		if (c_want("send"))
			op_send(c, len, false, false);
		if (c_want("send_se") && !c->broken)
			op_send(c, len, true, false);
		if (c_want("send_inv") && !c->broken)
			op_send(c, len, false, true);
		if (c_want("send_se_inv") && !c->broken)
			op_send(c, len, true, true);
		if (c_want("write") && !c->broken)
			op_write(c, len, false);
		if (c_want("write_imm") && !c->broken)
			op_write(c, len, true);
		if (c_want("imm") && !c->broken)
			op_imm(c, false);
		if (c_want("imm_se") && !c->broken)
			op_imm(c, true);
		if (c_want("read") && !c->broken)
			op_read(c, len);
		if (c_want("atomic") && !c->broken)
			op_atomic(c);
		if (c_want("linv") && !c->broken)
			op_linv(c);
	}
	if (!c->broken && t_now() >= deadline)
		info("%s: time limit reached after %u iterations", c->name,
		    it);
}

/* Say goodbye so the server releases the connection's memory. */
void
c_bye(struct c_conn *c)
{
	struct t_msg m;

	if (!c->broken)
		(void)c_call(c, C_BYE, 0, 0, 0, 0, &m);
}
