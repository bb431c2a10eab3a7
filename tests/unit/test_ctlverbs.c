/* test_ctlverbs.c — unit tests of the verbs messages (wire/ctlverbs.h). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tutil.h"

#include "wire/ctlmsg.h"
#include "wire/ctlverbs.h"

#define T_BUF	1024

/* Runs of zero octets, for the long NUL paddings of the golden dumps. */
#define Z4	"00 00 00 00 "
#define Z16	Z4 Z4 Z4 Z4 "\n"

/* Parse an annotated dump into out, zero-filled up to total. */
static size_t
t_msg(const char *hex, size_t total, uint8_t *out)
{
	long n;

	memset(out, 0, T_BUF);
	n = tutil_hex(hex, out, T_BUF);
	CU_ASSERT_FATAL(n >= 0 && (size_t)n <= total && total <= T_BUF);
	return total;
}

/* A heap copy of exactly n octets, so ASan flags any over-read. */
static uint8_t *
t_dup(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n ? n : 1);

	CU_ASSERT_FATAL(q != NULL);
	if (n)
		memcpy(q, p, n);
	return q;
}

/* True when the n octets at p are all zero. */
static int
t_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++ != 0)
			return 0;
	return 1;
}

/* ctlv_decode() on an exactly-sized heap copy of the payload. */
static enum ctl_err
t_decode(uint32_t type, const uint8_t *p, size_t n, union ctlv_any *out)
{
	uint8_t *q = t_dup(p, n);
	enum ctl_err err = ctlv_decode(type, q, n, out);

	free(q);
	return err;
}

/* ---- the types ----------------------------------------------------------- */

struct t_type {
	uint32_t	 type;
	const char	*name;
	uint32_t	 plen;
	uint8_t		 nfds;
	uint8_t		 dir;
	int		 mutating;
};

static const struct t_type t_types[] = {
	{ 101, "MEM_REG", 16, 1, CTL_DIR_TO_DAEMON, 1 },
	{ 102, "MEM_DEREG", 4, 0, CTL_DIR_TO_DAEMON, 1 },
	{ 103, "PD_ALLOC", 0, 0, CTL_DIR_TO_DAEMON, 1 },
	{ 104, "PD_FREE", 4, 0, CTL_DIR_TO_DAEMON, 1 },
	{ 105, "MR_REG", 40, 0, CTL_DIR_TO_DAEMON, 1 },
	{ 106, "MR_DEREG", 4, 0, CTL_DIR_TO_DAEMON, 1 },
	{ 107, "MW_ALLOC", 8, 0, CTL_DIR_TO_DAEMON, 1 },
	{ 108, "MW_DEALLOC", 4, 0, CTL_DIR_TO_DAEMON, 1 },
	{ 109, "CQ_CREATE", 4, 1, CTL_DIR_TO_DAEMON, 1 },
	{ 110, "CQ_DESTROY", 4, 0, CTL_DIR_TO_DAEMON, 1 },
	{ 111, "QP_CREATE", 28, 1, CTL_DIR_TO_DAEMON, 1 },
	{ 112, "QP_DESTROY", 4, 0, CTL_DIR_TO_DAEMON, 1 },
	{ 113, "QP_CONNECT", 524, 0, CTL_DIR_TO_DAEMON, 1 },
	{ 114, "QP_QUERY", 4, 0, CTL_DIR_TO_DAEMON, 0 },
	{ 115, "LISTEN", 8, 0, CTL_DIR_TO_DAEMON, 1 },
	{ 116, "LISTEN_CLOSE", 4, 0, CTL_DIR_TO_DAEMON, 1 },
	{ 117, "ACCEPT", 268, 0, CTL_DIR_TO_DAEMON, 1 },
	{ 118, "REJECT", 264, 0, CTL_DIR_TO_DAEMON, 1 },
	{ 151, "OBJ_REPLY", 16, 0, CTL_DIR_TO_CLIENT, 0 },
	{ 152, "CQ_REPLY", 16, 1, CTL_DIR_TO_CLIENT, 0 },
	{ 153, "QP_REPLY", 32, 1, CTL_DIR_TO_CLIENT, 0 },
	{ 154, "CONN_REPLY", 436, 0, CTL_DIR_TO_CLIENT, 0 },
	{ 155, "CONN_REQUEST", 344, 0, CTL_DIR_TO_CLIENT, 0 },
	{ 156, "QP_INFO", 180, 0, CTL_DIR_TO_CLIENT, 0 },
};
#define T_NTYPES	(sizeof(t_types) / sizeof(t_types[0]))

/* Fill private data with len octets derived from seed. */
static void
t_priv(struct ctlv_priv *p, uint32_t len, uint32_t seed)
{
	uint32_t i;

	p->len = len;
	for (i = 0; i < len; i++)
		p->data[i] = (uint8_t)(seed + i * 7 + 1);
}

/* A value of every field of `type`, distinct per field and per seed. */
static void
t_fill(uint32_t type, union ctlv_any *m, uint32_t seed)
{
	uint64_t big = 0x0102030405060708ull * (seed + 1);

	memset(m, 0, sizeof(*m));
	if (ctlv_is_id_type(type)) {
		m->id.id = 0xa0b0c0d0u + seed;
		return;
	}
	switch (type) {
	case CTL_MSG_MEM_REG:
		m->mem_reg.length = big;
		m->mem_reg.base = ~big;
		break;
	case CTL_MSG_MR_REG:
		m->mr_reg.pd = seed + 1;
		m->mr_reg.mem = seed + 2;
		m->mr_reg.offset = big;
		m->mr_reg.length = big >> 3;
		m->mr_reg.iova = ~big;
		m->mr_reg.access = 0x1f;
		break;
	case CTL_MSG_MW_ALLOC:
		m->mw_alloc.pd = seed + 9;
		m->mw_alloc.type = 2;
		break;
	case CTL_MSG_CQ_CREATE:
		m->cq_create.depth = 0xfffffff0u + seed;
		break;
	case CTL_MSG_QP_CREATE:
		m->qp_create.pd = 1;
		m->qp_create.send_cq = 2;
		m->qp_create.recv_cq = 3;
		m->qp_create.sq_depth = 4 + seed;
		m->qp_create.rq_depth = 5;
		m->qp_create.ord = 6;
		m->qp_create.ird = 0xffffffffu;
		break;
	case CTL_MSG_QP_CONNECT:
		m->qp_connect.qp = 77;
		m->qp_connect.port = (uint16_t)(0xfedc + seed);
		m->qp_connect.transport = 1;
		memset(m->qp_connect.host, 'h', CTLV_HOST_LEN - 1);
		t_priv(&m->qp_connect.priv, seed % 2 ? 256 : 5, seed);
		break;
	case CTL_MSG_LISTEN:
		m->listen.port = 0xffff;
		m->listen.transport = (uint16_t)(seed % 3);
		m->listen.backlog = 128 + seed;
		break;
	case CTL_MSG_ACCEPT:
		m->accept.request = 0x11223344u;
		m->accept.qp = seed;
		t_priv(&m->accept.priv, seed % 2 ? 256 : 0, seed);
		break;
	case CTL_MSG_REJECT:
		m->reject.request = 0x55667788u + seed;
		t_priv(&m->reject.priv, 17, seed);
		break;
	case CTL_MSG_OBJ_REPLY:
		m->obj_reply.id = 0xdeadbeefu;
		m->obj_reply.value = big;
		break;
	case CTL_MSG_CQ_REPLY:
		m->cq_reply.cq = 3;
		m->cq_reply.depth = 64 + seed;
		m->cq_reply.object_len = 4096 + 64 * 48;
		break;
	case CTL_MSG_QP_REPLY:
		m->qp_reply.qp = 9;
		m->qp_reply.sq_depth = 16;
		m->qp_reply.rq_depth = 32;
		m->qp_reply.ord = 4;
		m->qp_reply.ird = 8 + seed;
		m->qp_reply.object_len = big;
		break;
	case CTL_MSG_CONN_REPLY:
		m->conn_reply.code = 111 * seed;
		m->conn_reply.transport = 2;
		m->conn_reply.ord = 3;
		m->conn_reply.ird = 4;
		memset(m->conn_reply.why, 'w', CTLV_WHY_LEN - 1);
		strcpy(m->conn_reply.peer, "[2001:db8::1]:7471");
		t_priv(&m->conn_reply.priv, 100 + seed, seed);
		break;
	case CTL_MSG_CONN_REQUEST:
		m->conn_request.listener = 1;
		m->conn_request.request = 2 + seed;
		m->conn_request.ird = 3;
		m->conn_request.ord = 4;
		m->conn_request.transport = 1;
		memset(m->conn_request.peer, 'p', CTLV_PEER_LEN - 1);
		t_priv(&m->conn_request.priv, 1, seed);
		break;
	case CTL_MSG_QP_INFO:
		m->qp_info.qp = 5;
		m->qp_info.state = 2;
		m->qp_info.transport = 1;
		m->qp_info.ord = 16;
		m->qp_info.ird = 16;
		strcpy(m->qp_info.why, "SCTP association with DDP adaptation");
		strcpy(m->qp_info.peer, "peer:7471");
		break;
	default:
		break;			/* PD_ALLOC: nothing */
	}
}

/* ---- golden messages ----------------------------------------------------- */

static const char t_mr_reg_hex[] =
	"69 00 00 00	# type 105 MR_REG\n"
	"38 00 00 00	# length 56 = 16 + 40\n"
	"02 00 00 00	# version 2\n"
	"09 00 00 00	# request id 9\n"
	"03 00 00 00	# pd 3\n"
	"07 00 00 00	# mem 7\n"
	"00 10 00 00 00 00 00 00	# offset 0x1000\n"
	"00 20 00 00 00 00 00 00	# length 0x2000\n"
	"00 10 34 12 00 7f 00 00	# iova 0x7f0012341000\n"
	"07 00 00 00	# access LOCAL_WRITE|REMOTE_WRITE|REMOTE_READ\n"
	"00 00 00 00	# reserved\n";

static const char t_obj_reply_hex[] =
	"97 00 00 00	# type 151 OBJ_REPLY\n"
	"20 00 00 00	# length 32 = 16 + 16\n"
	"02 00 00 00	# version 2\n"
	"09 00 00 00	# request id 9 (echoed)\n"
	"78 56 34 12	# id: STag 0x12345678\n"
	"00 00 00 00	# reserved\n"
	"00 00 00 00 00 00 00 00	# value 0\n";

static const char t_qp_connect_hex[] =
	"71 00 00 00	# type 113 QP_CONNECT\n"
	"1c 02 00 00	# length 540 = 16 + 524\n"
	"02 00 00 00	# version 2\n"
	"0a 00 00 00	# request id 10\n"
	"2a 00 00 00	# qp 42\n"
	"2f 1d		# port 7471\n"
	"02 00		# transport 2 (TCP)\n"
	"70 65 65 72 2e 65 78 61 6d 70 6c 65 00 # host \"peer.example\" NUL\n"
	"00 00 00 " Z16 Z16 Z16 Z16 Z16 Z16 Z16 Z16 Z16 Z16 Z16 Z16 Z16 Z16
	Z16 "	# 243 x 00: host padded to 256\n"
	"03 00 00 00	# private data length 3\n"
	"61 62 63	# \"abc\", then 253 x 00\n";

static const char t_conn_reply_hex[] =
	"9a 00 00 00	# type 154 CONN_REPLY\n"
	"c4 01 00 00	# length 452 = 16 + 436\n"
	"02 00 00 00	# version 2\n"
	"0b 00 00 00	# request id 11\n"
	"6f 00 00 00	# code 111 (ECONNREFUSED on Linux)\n"
	"02 00 00 00	# transport TCP\n"
	"00 00 00 00	# ord 0\n"
	"00 00 00 00	# ird 0\n"
	"72 65 6a 65 63 74 65 64 20 62 79 20 70 65 65 72 00\n"
	"		# why \"rejected by peer\" NUL\n"
	Z16 Z16 Z16 Z16 "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
	"		# 79 x 00: why padded to 96\n"
	"31 30 2e 30 2e 30 2e 32 3a 37 34 37 31 00\n"
	"		# peer \"10.0.0.2:7471\" NUL\n"
	Z16 Z16 Z16 "00 00	# 50 x 00: peer padded to 64\n"
	"02 00 00 00	# private data length 2\n"
	"6e 6f		# \"no\", then 254 x 00\n";

static void
t_golden_mr_reg(void)
{
	uint8_t in[T_BUF], out[T_BUF];
	union ctlv_any m;
	struct ctl_hdr h;
	size_t n = t_msg(t_mr_reg_hex, 56, in);

	CU_ASSERT_EQUAL(ctl_msg_check(in, n, 0, &h), CTL_OK);
	CU_ASSERT_EQUAL(h.type, CTL_MSG_MR_REG);
	CU_ASSERT_EQUAL(h.reqid, 9);
	CU_ASSERT_EQUAL(t_decode(h.type, in + 16, n - 16, &m), CTL_OK);
	CU_ASSERT_EQUAL(m.mr_reg.pd, 3);
	CU_ASSERT_EQUAL(m.mr_reg.mem, 7);
	CU_ASSERT_EQUAL(m.mr_reg.offset, 0x1000);
	CU_ASSERT_EQUAL(m.mr_reg.length, 0x2000);
	CU_ASSERT_EQUAL(m.mr_reg.iova, 0x7f0012341000ull);
	CU_ASSERT_EQUAL(m.mr_reg.access, CTLV_ACCESS_LOCAL_WRITE |
	    CTLV_ACCESS_REMOTE_WRITE | CTLV_ACCESS_REMOTE_READ);
	memset(out, 0xee, sizeof(out));
	CU_ASSERT_EQUAL(ctlv_mr_reg_encode(9, &m.mr_reg, out, sizeof(out)),
	    56);
	CU_ASSERT_EQUAL(memcmp(out, in, 56), 0);
	CU_ASSERT_EQUAL(out[56], 0xee);		/* nothing past the end */
}

static void
t_golden_obj_reply(void)
{
	uint8_t in[T_BUF], out[T_BUF];
	union ctlv_any m;
	struct ctl_hdr h;
	size_t n = t_msg(t_obj_reply_hex, 32, in);

	CU_ASSERT_EQUAL(ctl_msg_check(in, n, 0, &h), CTL_OK);
	CU_ASSERT_EQUAL(ctl_msg_check_dir(&h, CTL_DIR_TO_CLIENT), CTL_OK);
	CU_ASSERT_EQUAL(t_decode(h.type, in + 16, n - 16, &m), CTL_OK);
	CU_ASSERT_EQUAL(m.obj_reply.id, 0x12345678u);
	CU_ASSERT_EQUAL(m.obj_reply.value, 0);
	CU_ASSERT_EQUAL(ctlv_obj_reply_encode(9, &m.obj_reply, out,
	    sizeof(out)), 32);
	CU_ASSERT_EQUAL(memcmp(out, in, 32), 0);
}

static void
t_golden_qp_connect(void)
{
	uint8_t in[T_BUF], out[T_BUF];
	struct ctlv_qp_connect c;
	union ctlv_any m;
	struct ctl_hdr h;
	size_t n = t_msg(t_qp_connect_hex, 540, in);

	CU_ASSERT_EQUAL(in[280], 3);		/* the dump lines up */
	CU_ASSERT_EQUAL(ctl_msg_check(in, n, 0, &h), CTL_OK);
	CU_ASSERT_EQUAL(h.type, CTL_MSG_QP_CONNECT);
	CU_ASSERT_EQUAL(t_decode(h.type, in + 16, n - 16, &m), CTL_OK);
	CU_ASSERT_EQUAL(m.qp_connect.qp, 42);
	CU_ASSERT_EQUAL(m.qp_connect.port, 7471);
	CU_ASSERT_EQUAL(m.qp_connect.transport, CTLV_TRANSPORT_TCP);
	CU_ASSERT_STRING_EQUAL(m.qp_connect.host, "peer.example");
	CU_ASSERT_EQUAL(m.qp_connect.priv.len, 3);
	CU_ASSERT_EQUAL(memcmp(m.qp_connect.priv.data, "abc", 3), 0);
	CU_ASSERT(t_zero(m.qp_connect.priv.data + 3, 253));

	/* Built from scratch, with junk past the private data length. */
	memset(&c, 0, sizeof(c));
	c.qp = 42;
	c.port = 7471;
	c.transport = CTLV_TRANSPORT_TCP;
	strcpy(c.host, "peer.example");
	memset(c.priv.data, 0xa5, sizeof(c.priv.data));
	memcpy(c.priv.data, "abc", 3);
	c.priv.len = 3;
	CU_ASSERT_EQUAL(ctlv_qp_connect_encode(10, &c, out, sizeof(out)),
	    540);
	CU_ASSERT_EQUAL(memcmp(out, in, 540), 0);
}

static void
t_golden_conn_reply(void)
{
	uint8_t in[T_BUF], out[T_BUF];
	union ctlv_any m;
	struct ctl_hdr h;
	size_t n = t_msg(t_conn_reply_hex, 452, in);

	CU_ASSERT_EQUAL(in[16 + 16 + 96 + 64], 2);	/* priv length */
	CU_ASSERT_EQUAL(ctl_msg_check(in, n, 0, &h), CTL_OK);
	CU_ASSERT_EQUAL(h.type, CTL_MSG_CONN_REPLY);
	CU_ASSERT_EQUAL(h.reqid, 11);
	CU_ASSERT_EQUAL(t_decode(h.type, in + 16, n - 16, &m), CTL_OK);
	CU_ASSERT_EQUAL(m.conn_reply.code, 111);
	CU_ASSERT_EQUAL(m.conn_reply.transport, CTLV_TRANSPORT_TCP);
	CU_ASSERT_STRING_EQUAL(m.conn_reply.why, "rejected by peer");
	CU_ASSERT_STRING_EQUAL(m.conn_reply.peer, "10.0.0.2:7471");
	CU_ASSERT_EQUAL(m.conn_reply.priv.len, 2);
	CU_ASSERT_EQUAL(memcmp(m.conn_reply.priv.data, "no", 2), 0);
	CU_ASSERT_EQUAL(ctlv_conn_reply_encode(11, &m.conn_reply, out,
	    sizeof(out)), 452);
	CU_ASSERT_EQUAL(memcmp(out, in, 452), 0);
}

/* ---- round trips, truncation --------------------------------------------- */

/* Encode, frame-check, decode and re-encode every type with two seeds. */
static void
t_roundtrip(void)
{
	uint8_t out[T_BUF], out2[T_BUF];
	union ctlv_any m, d;
	struct ctl_hdr h;
	const struct t_type *t;
	uint32_t seed;
	size_t i;
	int n;

	for (i = 0; i < T_NTYPES; i++) {
		t = &t_types[i];
		for (seed = 0; seed < 2; seed++) {
			t_fill(t->type, &m, seed);
			n = ctlv_encode(t->type, 1000 + seed, &m, out,
			    sizeof(out));
			CU_ASSERT_EQUAL(n, (int)(CTL_HDR_LEN + t->plen));
			if (n < 0)
				continue;
			CU_ASSERT_EQUAL(ctl_msg_check(out, (size_t)n, t->nfds,
			    &h), CTL_OK);
			CU_ASSERT_EQUAL(h.type, t->type);
			CU_ASSERT_EQUAL(h.reqid, 1000 + seed);
			CU_ASSERT_EQUAL(ctl_msg_check_dir(&h, t->dir), CTL_OK);
			CU_ASSERT_EQUAL(t_decode(t->type, out + 16,
			    (size_t)n - 16, &d), CTL_OK);
			CU_ASSERT_EQUAL(memcmp(&d, &m, sizeof(m)), 0);
			CU_ASSERT_EQUAL(ctlv_encode(t->type, 1000 + seed, &d,
			    out2, sizeof(out2)), n);
			CU_ASSERT_EQUAL(memcmp(out, out2, (size_t)n), 0);
		}
	}
}

/* Every shorter (and one longer) payload is CTL_E_PAYLOAD_LEN. */
static void
t_truncation(void)
{
	uint8_t out[T_BUF];
	union ctlv_any m;
	struct ctl_hdr h;
	const struct t_type *t;
	size_t i, k;
	int n;

	for (i = 0; i < T_NTYPES; i++) {
		t = &t_types[i];
		t_fill(t->type, &m, 1);
		n = ctlv_encode(t->type, 5, &m, out, sizeof(out));
		CU_ASSERT_FATAL(n == (int)(CTL_HDR_LEN + t->plen));
		for (k = 0; k < t->plen; k++) {
			CU_ASSERT_EQUAL(t_decode(t->type, out + 16, k, &m),
			    CTL_E_PAYLOAD_LEN);
			CU_ASSERT(t_zero(&m, sizeof(m)));
		}
		out[n] = 0;
		CU_ASSERT_EQUAL(t_decode(t->type, out + 16, t->plen + 1, &m),
		    CTL_E_PAYLOAD_LEN);
		/* Framing: a cut datagram disagrees with its header. */
		for (k = 0; k < (size_t)n; k++)
			CU_ASSERT_EQUAL(ctl_msg_check(out, k, t->nfds, &h),
			    k < CTL_HDR_LEN ? CTL_E_SHORT : CTL_E_LENGTH);
		/* A header claiming the cut length: wrong for the type. */
		if (t->plen > 0) {
			ctl_store_le32(out + 4, (uint32_t)n - 1);
			CU_ASSERT_EQUAL(ctl_msg_check(out, (size_t)n - 1,
			    t->nfds, &h), CTL_E_PAYLOAD_LEN);
		}
	}
}

/* ---- the type table ------------------------------------------------------ */

static void
t_table(void)
{
	const struct ctl_type_info *ti;
	uint8_t out[T_BUF];
	union ctlv_any m;
	struct ctl_hdr h;
	size_t i;
	int n;

	for (i = 0; i < T_NTYPES; i++) {
		ti = ctl_type_lookup(t_types[i].type);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ti);
		CU_ASSERT_STRING_EQUAL(ti->name, t_types[i].name);
		CU_ASSERT_EQUAL(ti->payload_min, t_types[i].plen);
		CU_ASSERT_EQUAL(ti->payload_max, t_types[i].plen);
		CU_ASSERT_EQUAL(ti->nfds, t_types[i].nfds);
		CU_ASSERT_EQUAL(ti->dir, t_types[i].dir);
		CU_ASSERT_EQUAL(ti->mutating, t_types[i].mutating);
		/* Descriptor count and direction are enforced. */
		t_fill(t_types[i].type, &m, 0);
		n = ctlv_encode(t_types[i].type, 1, &m, out, sizeof(out));
		CU_ASSERT_FATAL(n > 0);
		CU_ASSERT_EQUAL(ctl_msg_check(out, (size_t)n,
		    t_types[i].nfds + 1u, &h), CTL_E_FD_UNEXPECTED);
		if (t_types[i].nfds > 0)
			CU_ASSERT_EQUAL(ctl_msg_check(out, (size_t)n, 0, &h),
			    CTL_E_FD_MISSING);
		CU_ASSERT_EQUAL(ctl_msg_check(out, (size_t)n, t_types[i].nfds,
		    &h), CTL_OK);
		CU_ASSERT_EQUAL(ctl_msg_check_dir(&h, t_types[i].dir ==
		    CTL_DIR_TO_DAEMON ? CTL_DIR_TO_CLIENT : CTL_DIR_TO_DAEMON),
		    CTL_E_DIRECTION);
	}
	/* 100 and the gaps stay unknown. */
	CU_ASSERT_PTR_NULL(ctl_type_lookup(100));
	CU_ASSERT_PTR_NULL(ctl_type_lookup(119));
	CU_ASSERT_PTR_NULL(ctl_type_lookup(150));
	CU_ASSERT_PTR_NULL(ctl_type_lookup(157));
	CU_ASSERT_EQUAL(CTL_MSG_QP_INFO, 156);
	CU_ASSERT_EQUAL(CTLV_MSG_FIRST, CTL_MSG_MEM_REG);
}

/* ---- decoder errors ------------------------------------------------------ */

/*
 * Encode `type` (seed 0), overwrite payload[off .. off+len) with `v`,
 * decode, and return the error; the output must be zero on failure.
 */
static enum ctl_err
t_corrupt(uint32_t type, size_t off, size_t len, uint8_t v)
{
	uint8_t out[T_BUF];
	union ctlv_any m;
	enum ctl_err err;
	int n;

	t_fill(type, &m, 0);
	n = ctlv_encode(type, 1, &m, out, sizeof(out));
	CU_ASSERT_FATAL(n >= (int)(CTL_HDR_LEN + off + len));
	memset(out + CTL_HDR_LEN + off, v, len);
	err = t_decode(type, out + CTL_HDR_LEN, (size_t)n - CTL_HDR_LEN, &m);
	if (err != CTL_OK)
		CU_ASSERT(t_zero(&m, sizeof(m)));
	return err;
}

/* Store a little-endian u32 into the payload and decode. */
static enum ctl_err
t_corrupt32(uint32_t type, size_t off, uint32_t v)
{
	uint8_t out[T_BUF];
	union ctlv_any m;
	enum ctl_err err;
	int n;

	t_fill(type, &m, 0);
	n = ctlv_encode(type, 1, &m, out, sizeof(out));
	CU_ASSERT_FATAL(n >= (int)(CTL_HDR_LEN + off + 4));
	ctl_store_le32(out + CTL_HDR_LEN + off, v);
	err = t_decode(type, out + CTL_HDR_LEN, (size_t)n - CTL_HDR_LEN, &m);
	if (err != CTL_OK)
		CU_ASSERT(t_zero(&m, sizeof(m)));
	return err;
}

/* Write "a" NUL ... 'x' into a string field: junk after the NUL. */
static enum ctl_err
t_pad(uint32_t type, size_t off, size_t len)
{
	uint8_t out[T_BUF];
	union ctlv_any m;
	enum ctl_err err;
	int n;

	t_fill(type, &m, 0);
	n = ctlv_encode(type, 1, &m, out, sizeof(out));
	CU_ASSERT_FATAL(n >= (int)(CTL_HDR_LEN + off + len));
	memset(out + CTL_HDR_LEN + off, 0, len);
	out[CTL_HDR_LEN + off] = 'a';
	out[CTL_HDR_LEN + off + len - 1] = 'x';
	err = t_decode(type, out + CTL_HDR_LEN, (size_t)n - CTL_HDR_LEN, &m);
	CU_ASSERT(t_zero(&m, sizeof(m)));
	return err;
}

/* Strings: no NUL inside the array, or a non-NUL after the NUL. */
static void
t_err_strings(void)
{
	static const struct {
		uint32_t	 type;
		size_t		 off, len;
	} f[] = {
		{ CTL_MSG_QP_CONNECT, 8, CTLV_HOST_LEN },
		{ CTL_MSG_CONN_REPLY, 16, CTLV_WHY_LEN },
		{ CTL_MSG_CONN_REPLY, 112, CTLV_PEER_LEN },
		{ CTL_MSG_CONN_REQUEST, 20, CTLV_PEER_LEN },
		{ CTL_MSG_QP_INFO, 20, CTLV_WHY_LEN },
		{ CTL_MSG_QP_INFO, 116, CTLV_PEER_LEN },
	};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		CU_ASSERT_EQUAL(t_corrupt(f[i].type, f[i].off, f[i].len, 'x'),
		    CTL_E_STRING);
		/* Empty string, then junk in the padding. */
		CU_ASSERT_EQUAL(t_corrupt(f[i].type, f[i].off, f[i].len, 0),
		    CTL_OK);
		CU_ASSERT_EQUAL(t_pad(f[i].type, f[i].off, f[i].len),
		    CTL_E_PADDING);
		/* The last octet is the NUL: the longest string. */
		CU_ASSERT_EQUAL(t_corrupt(f[i].type, f[i].off, f[i].len - 1,
		    'y'), CTL_OK);
	}
}

/* LISTEN's transport (CTL_PROTO_VERSION 2, once a reserved u16): any
 * value crosses, at offset 2, little-endian; the daemon range-checks. */
static void
t_listen_transport(void)
{
	static const uint8_t want[] = { 0x98, 0x1b, 0x01, 0x00, 0x05, 0x00,
	    0x00, 0x00 };
	struct ctlv_listen m = { 7064, CTLV_TRANSPORT_SCTP, 5 }, out;
	uint8_t buf[T_BUF];
	int n;

	n = ctlv_listen_encode(9, &m, buf, sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(n, (int)(CTL_HDR_LEN + CTLV_LISTEN_LEN));
	CU_ASSERT_EQUAL(memcmp(buf + CTL_HDR_LEN, want, sizeof(want)), 0);
	CU_ASSERT_EQUAL(ctlv_listen_decode(buf + CTL_HDR_LEN, CTLV_LISTEN_LEN,
	    &out), CTL_OK);
	CU_ASSERT_EQUAL(out.port, 7064);
	CU_ASSERT_EQUAL(out.transport, CTLV_TRANSPORT_SCTP);
	CU_ASSERT_EQUAL(out.backlog, 5);
	buf[CTL_HDR_LEN + 3] = 0x01;		/* 0x0101: decoded as is */
	CU_ASSERT_EQUAL(ctlv_listen_decode(buf + CTL_HDR_LEN, CTLV_LISTEN_LEN,
	    &out), CTL_OK);
	CU_ASSERT_EQUAL(out.transport, 0x0101);
}

/* Reserved fields must be zero. */
static void
t_err_reserved(void)
{
	CU_ASSERT_EQUAL(t_corrupt(CTL_MSG_MR_REG, 36, 1, 1), CTL_E_RESERVED);
	CU_ASSERT_EQUAL(t_corrupt(CTL_MSG_MR_REG, 39, 1, 0x80),
	    CTL_E_RESERVED);
	CU_ASSERT_EQUAL(t_corrupt(CTL_MSG_OBJ_REPLY, 4, 4, 0xff),
	    CTL_E_RESERVED);
	CU_ASSERT_EQUAL(t_corrupt(CTL_MSG_QP_REPLY, 20, 1, 1),
	    CTL_E_RESERVED);
	CU_ASSERT_EQUAL(t_corrupt(CTL_MSG_QP_REPLY, 23, 1, 1),
	    CTL_E_RESERVED);
	/* Neighbours of reserved fields are free. */
	CU_ASSERT_EQUAL(t_corrupt(CTL_MSG_MR_REG, 32, 4, 0xff), CTL_OK);
	CU_ASSERT_EQUAL(t_corrupt(CTL_MSG_QP_REPLY, 24, 8, 0xff), CTL_OK);
}

/* Private data: length bound, octets past the length zero. */
static void
t_err_priv(void)
{
	static const struct {
		uint32_t	 type;
		size_t		 off;		/* of the u32 length */
	} f[] = {
		{ CTL_MSG_QP_CONNECT, 264 },
		{ CTL_MSG_ACCEPT, 8 },
		{ CTL_MSG_REJECT, 4 },
		{ CTL_MSG_CONN_REPLY, 176 },
		{ CTL_MSG_CONN_REQUEST, 84 },
	};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		CU_ASSERT_EQUAL(t_corrupt32(f[i].type, f[i].off, 257),
		    CTL_E_PAYLOAD_LEN);
		CU_ASSERT_EQUAL(t_corrupt32(f[i].type, f[i].off, 0xffffffffu),
		    CTL_E_PAYLOAD_LEN);
		/* All 256 used: any octet may be anything. */
		CU_ASSERT_EQUAL(t_corrupt32(f[i].type, f[i].off, 256), CTL_OK);
		/* A non-zero last data octet past the length. */
		CU_ASSERT_EQUAL(t_corrupt(f[i].type, f[i].off + 4 + 255, 1, 9),
		    CTL_E_RESERVED);
	}
	/* REJECT carries 17 octets at seed 0: octet 17 must be zero. */
	CU_ASSERT_EQUAL(t_corrupt(CTL_MSG_REJECT, 8 + 17, 1, 1),
	    CTL_E_RESERVED);
	CU_ASSERT_EQUAL(t_corrupt(CTL_MSG_REJECT, 8 + 16, 1, 1), CTL_OK);
}

/* ---- encoder errors ------------------------------------------------------ */

static void
t_err_encode(void)
{
	uint8_t out[T_BUF];
	union ctlv_any m;
	struct ctlv_id id = { 1 };
	size_t i;
	int n;

	/* Every type: one octet short is NOSPACE, exact fits. */
	for (i = 0; i < T_NTYPES; i++) {
		t_fill(t_types[i].type, &m, 0);
		n = (int)(CTL_HDR_LEN + t_types[i].plen);
		CU_ASSERT_EQUAL(ctlv_encode(t_types[i].type, 1, &m, out,
		    (size_t)n - 1), -(int)CTL_E_NOSPACE);
		CU_ASSERT_EQUAL(ctlv_encode(t_types[i].type, 1, &m, out, 0),
		    -(int)CTL_E_NOSPACE);
		CU_ASSERT_EQUAL(ctlv_encode(t_types[i].type, 1, &m, out,
		    (size_t)n), n);
	}

	/* Strings without NUL are refused, never truncated. */
	t_fill(CTL_MSG_QP_CONNECT, &m, 0);
	memset(m.qp_connect.host, 'h', CTLV_HOST_LEN);
	CU_ASSERT_EQUAL(ctlv_qp_connect_encode(1, &m.qp_connect, out,
	    sizeof(out)), -(int)CTL_E_STRING);
	t_fill(CTL_MSG_CONN_REPLY, &m, 0);
	memset(m.conn_reply.why, 'w', CTLV_WHY_LEN);
	CU_ASSERT_EQUAL(ctlv_conn_reply_encode(1, &m.conn_reply, out,
	    sizeof(out)), -(int)CTL_E_STRING);
	t_fill(CTL_MSG_CONN_REPLY, &m, 0);
	memset(m.conn_reply.peer, 'p', CTLV_PEER_LEN);
	CU_ASSERT_EQUAL(ctlv_conn_reply_encode(1, &m.conn_reply, out,
	    sizeof(out)), -(int)CTL_E_STRING);
	t_fill(CTL_MSG_CONN_REQUEST, &m, 0);
	memset(m.conn_request.peer, 'p', CTLV_PEER_LEN);
	CU_ASSERT_EQUAL(ctlv_conn_request_encode(1, &m.conn_request, out,
	    sizeof(out)), -(int)CTL_E_STRING);
	t_fill(CTL_MSG_QP_INFO, &m, 0);
	memset(m.qp_info.why, 'w', CTLV_WHY_LEN);
	CU_ASSERT_EQUAL(ctlv_qp_info_encode(1, &m.qp_info, out, sizeof(out)),
	    -(int)CTL_E_STRING);
	t_fill(CTL_MSG_QP_INFO, &m, 0);
	memset(m.qp_info.peer, 'p', CTLV_PEER_LEN);
	CU_ASSERT_EQUAL(ctlv_qp_info_encode(1, &m.qp_info, out, sizeof(out)),
	    -(int)CTL_E_STRING);

	/* Private data longer than 256. */
	t_fill(CTL_MSG_QP_CONNECT, &m, 0);
	m.qp_connect.priv.len = 257;
	CU_ASSERT_EQUAL(ctlv_qp_connect_encode(1, &m.qp_connect, out,
	    sizeof(out)), -(int)CTL_E_PAYLOAD_LEN);
	t_fill(CTL_MSG_ACCEPT, &m, 0);
	m.accept.priv.len = 0x80000000u;
	CU_ASSERT_EQUAL(ctlv_accept_encode(1, &m.accept, out, sizeof(out)),
	    -(int)CTL_E_PAYLOAD_LEN);
	t_fill(CTL_MSG_REJECT, &m, 0);
	m.reject.priv.len = 257;
	CU_ASSERT_EQUAL(ctlv_reject_encode(1, &m.reject, out, sizeof(out)),
	    -(int)CTL_E_PAYLOAD_LEN);
	t_fill(CTL_MSG_CONN_REPLY, &m, 0);
	m.conn_reply.priv.len = 1000;
	CU_ASSERT_EQUAL(ctlv_conn_reply_encode(1, &m.conn_reply, out,
	    sizeof(out)), -(int)CTL_E_PAYLOAD_LEN);
	t_fill(CTL_MSG_CONN_REQUEST, &m, 0);
	m.conn_request.priv.len = 257;
	CU_ASSERT_EQUAL(ctlv_conn_request_encode(1, &m.conn_request, out,
	    sizeof(out)), -(int)CTL_E_PAYLOAD_LEN);

	/* Junk past the private data length is not sent. */
	t_fill(CTL_MSG_REJECT, &m, 0);
	memset(m.reject.priv.data + 17, 0xcc, CTLV_PRIV_MAX - 17);
	n = ctlv_reject_encode(1, &m.reject, out, sizeof(out));
	CU_ASSERT_EQUAL(n, 16 + 264);
	CU_ASSERT(t_zero(out + 16 + 8 + 17, CTLV_PRIV_MAX - 17));

	/* Types that are not verbs types, or not id types. */
	CU_ASSERT_EQUAL(ctlv_id_encode(CTL_MSG_MR_REG, 1, &id, out,
	    sizeof(out)), -(int)CTL_E_TYPE);
	CU_ASSERT_EQUAL(ctlv_id_encode(CTL_MSG_PD_ALLOC, 1, &id, out,
	    sizeof(out)), -(int)CTL_E_TYPE);
	CU_ASSERT_EQUAL(ctlv_encode(CTL_MSG_END, 1, &m, out, sizeof(out)),
	    -(int)CTL_E_TYPE);
	CU_ASSERT_EQUAL(ctlv_encode(100, 1, &m, out, sizeof(out)),
	    -(int)CTL_E_TYPE);
	CU_ASSERT_EQUAL(ctlv_decode(CTL_MSG_HELLO, out, 40, &m), CTL_E_TYPE);
	CU_ASSERT(t_zero(&m, sizeof(m)));
	CU_ASSERT_EQUAL(ctlv_decode(0, out, 0, &m), CTL_E_TYPE);
}

/* The id types, exactly. */
static void
t_id_types(void)
{
	uint32_t t;
	int count = 0;

	for (t = 0; t < 300; t++)
		count += ctlv_is_id_type(t);
	CU_ASSERT_EQUAL(count, 8);
	CU_ASSERT(ctlv_is_id_type(CTL_MSG_MEM_DEREG));
	CU_ASSERT(ctlv_is_id_type(CTL_MSG_PD_FREE));
	CU_ASSERT(ctlv_is_id_type(CTL_MSG_MR_DEREG));
	CU_ASSERT(ctlv_is_id_type(CTL_MSG_MW_DEALLOC));
	CU_ASSERT(ctlv_is_id_type(CTL_MSG_CQ_DESTROY));
	CU_ASSERT(ctlv_is_id_type(CTL_MSG_QP_DESTROY));
	CU_ASSERT(ctlv_is_id_type(CTL_MSG_QP_QUERY));
	CU_ASSERT(ctlv_is_id_type(CTL_MSG_LISTEN_CLOSE));
	CU_ASSERT_EQUAL(ctlv_pd_alloc_decode(NULL, 0), CTL_OK);
	CU_ASSERT_EQUAL(ctlv_pd_alloc_decode("x", 1), CTL_E_PAYLOAD_LEN);
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "golden MR_REG", t_golden_mr_reg },
		{ "golden OBJ_REPLY", t_golden_obj_reply },
		{ "golden QP_CONNECT", t_golden_qp_connect },
		{ "golden CONN_REPLY", t_golden_conn_reply },
		{ "round trip of every type", t_roundtrip },
		{ "truncation sweep", t_truncation },
		{ "type table", t_table },
		{ "string rules", t_err_strings },
		{ "reserved fields", t_err_reserved },
		{ "LISTEN transport", t_listen_transport },
		{ "private data", t_err_priv },
		{ "encoder errors", t_err_encode },
		{ "id types", t_id_types },
		{ NULL, NULL }
	};

	return tutil_run("ctlverbs", cases);
}
