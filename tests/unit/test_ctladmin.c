/* test_ctladmin.c — unit tests of the administration messages. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tutil.h"

#include "wire/ctladmin.h"
#include "wire/ctlmsg.h"

#define T_BUF	1024

static const uint32_t t_types[] = {
	CTLA_MSG_REQ, CTLA_MSG_STATUS, CTLA_MSG_TRANSPORT, CTLA_MSG_PEER,
	CTLA_MSG_PATH, CTLA_MSG_QP, CTLA_MSG_MR, CTLA_MSG_CLIENT,
	CTLA_MSG_STATS, CTLA_MSG_TERM, CTLA_MSG_MORE,
};
#define T_NTYPES	(sizeof(t_types) / sizeof(t_types[0]))

/* ctla_decode() on an exactly-sized heap copy, so ASan sees over-reads. */
static enum ctl_err
t_decode(uint32_t type, const uint8_t *p, size_t n, union ctla_any *out)
{
	uint8_t *q = malloc(n ? n : 1);
	enum ctl_err err;

	CU_ASSERT_FATAL(q != NULL);
	if (n)
		memcpy(q, p, n);
	err = ctla_decode(type, q, n, out);
	free(q);
	return err;
}

/* ADMIN_REQ for "qps", request id 9, octet by octet. */
static const char t_req_hex[] =
	"c8 00 00 00	# type 200 ADMIN_REQ\n"
	"20 00 00 00	# length 32\n"
	"02 00 00 00	# protocol version 2\n"
	"09 00 00 00	# request id 9\n"
	"02 00 00 00	# admin version 2\n"
	"03 00 00 00	# query 3: qps\n"
	"00 00 00 00	# flags\n"
	"00 00 00 00	# start 0\n";

static void
t_golden_req(void)
{
	uint8_t want[T_BUF], out[T_BUF];
	union ctla_any m;
	struct ctl_hdr h;
	long n = tutil_hex(t_req_hex, want, sizeof(want));
	int len;

	CU_ASSERT_FATAL(n == CTL_HDR_LEN + CTLA_REQ_LEN);
	memset(&m, 0, sizeof(m));
	m.req.version = CTLA_VERSION;
	m.req.query = CTLA_Q_QPS;
	len = ctla_encode(CTLA_MSG_REQ, 9, &m, out, sizeof(out));
	CU_ASSERT_EQUAL(len, n);
	CU_ASSERT(memcmp(out, want, (size_t)n) == 0);
	CU_ASSERT_EQUAL(ctl_msg_check(want, (size_t)n, 0, &h), CTL_OK);
	CU_ASSERT_EQUAL(ctl_msg_check_dir(&h, CTL_DIR_TO_DAEMON), CTL_OK);
	CU_ASSERT_EQUAL(ctl_msg_check_dir(&h, CTL_DIR_TO_CLIENT),
	    CTL_E_DIRECTION);
	CU_ASSERT_EQUAL(t_decode(CTLA_MSG_REQ, want + CTL_HDR_LEN,
	    CTLA_REQ_LEN, &m), CTL_OK);
	CU_ASSERT_EQUAL(m.req.query, CTLA_Q_QPS);
	CU_ASSERT_STRING_EQUAL(ctl_type_name(CTLA_MSG_REQ), "ADMIN_REQ");
}

/* ADMIN_TERM: 3 Terminates sent over tcp, DDP (1) / tagged (1) / 0. */
static const char t_term_hex[] =
	"d1 00 00 00 30 00 00 00 02 00 00 00 02 00 00 00 # 209, 48, v2, id 2\n"
	"74 63 70 00 00 00 00 00 00 00 00 00 00 00 00 00 # \"tcp\"\n"
	"00 00 00 00	# direction: sent\n"
	"01 01 00 00	# layer 1, type 1, code 0, reserved\n"
	"03 00 00 00 00 00 00 00	# count 3\n";

static void
t_golden_term(void)
{
	uint8_t want[T_BUF], out[T_BUF];
	union ctla_any m;
	long n = tutil_hex(t_term_hex, want, sizeof(want));

	CU_ASSERT_FATAL(n == CTL_HDR_LEN + CTLA_TERM_LEN);
	memset(&m, 0, sizeof(m));
	strcpy(m.term.transport, "tcp");
	m.term.dir = CTLA_TERM_SENT;
	m.term.layer = 1;
	m.term.etype = 1;
	m.term.count = 3;
	CU_ASSERT_EQUAL(ctla_encode(CTLA_MSG_TERM, 2, &m, out, sizeof(out)),
	    n);
	CU_ASSERT(memcmp(out, want, (size_t)n) == 0);
	/* The reserved octet must be zero. */
	want[CTL_HDR_LEN + 23] = 1;
	CU_ASSERT_EQUAL(t_decode(CTLA_MSG_TERM, want + CTL_HDR_LEN,
	    CTLA_TERM_LEN, &m), CTL_E_RESERVED);
	CU_ASSERT_EQUAL(m.term.count, 0);
}

/* A record of every type with every field set. */
static void
t_fill(uint32_t type, union ctla_any *m)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	switch (type) {
	case CTLA_MSG_REQ:
		m->req = (struct ctla_req){ 1, CTLA_Q_STATS, 0x80000001u, 7 };
		break;
	case CTLA_MSG_STATUS:
		strcpy(m->status.version, "rdmad 0.1.0");
		m->status.pid = 4242;
		m->status.nclients = 3;
		m->status.nqps = 0xfffffffeu;
		m->status.nmrs = 5;
		m->status.ncqs = 6;
		m->status.nlisteners = 7;
		m->status.npending = 8;
		m->status.uptime_ms = 0x0102030405060708ull;
		memset(m->status.config, 'c', CTLA_PATH_LEN - 1);
		break;
	case CTLA_MSG_TRANSPORT:
		strcpy(m->transport.name, "sctp");
		m->transport = (struct ctla_transport){ "sctp", 1, 0, 0, 2,
		    3, "socket(IPPROTO_SCTP): Protocol not supported" };
		break;
	case CTLA_MSG_PEER:
		m->peer = (struct ctla_peer){ "[2001:db8::1]:7471", 1, 4, 2,
		    2048, CTLA_PEER_UP | CTLA_PEER_RTX, 1400,
		    UINT64_C(0x0102030405060708), 3 };
		break;
	case CTLA_MSG_PATH:
		m->path = (struct ctla_path){ "10.0.0.1", 3, 1, 1500, 3000,
		    1500, 4380 };
		break;
	case CTLA_MSG_QP:
		m->qp = (struct ctla_qp){ 17, 1, 3, 2, 4, 999, 16, 16,
		    "127.0.0.2:7471", "TCP/MPA: no SCTP in this kernel",
		    1, 2, 3, 4, 5, 6 };
		break;
	case CTLA_MSG_MR:
		m->mr = (struct ctla_mr){ 0x1234567u, 2, 0x1f, 3, 77,
		    1ull << 40 };
		break;
	case CTLA_MSG_CLIENT:
		m->client = (struct ctla_client){ 1, 2, 1000, 1001, "rdmactl",
		    3, 4, 5, 1, 1ull << 33 };
		break;
	case CTLA_MSG_STATS:
		strcpy(m->stats.transport, "tcp");
		m->stats.flags = CTLA_ST_RETRANS;
		m->stats.nqps = 9;
		m->stats.tx_bytes = 10;
		m->stats.rx_bytes = 11;
		m->stats.tx_segs = 12;
		m->stats.rx_segs = 13;
		m->stats.retransmits = 14;
		m->stats.failovers = 15;
		for (i = 0; i < CTLA_NOPS; i++) {
			m->stats.ops_tx[i] = 100 + i;
			m->stats.ops_rx[i] = (uint64_t)1 << (i + 40);
		}
		break;
	case CTLA_MSG_MORE:
		m->more.next = 0xdeadbeefu;
		break;
	case CTLA_MSG_TERM:
		m->term = (struct ctla_term){ "tcp", 1, 2, 3, 4, 5 };
		break;
	}
}

static void
t_roundtrip(void)
{
	uint8_t buf[T_BUF];
	union ctla_any m, back;
	struct ctl_hdr h;
	size_t i;
	int n;

	for (i = 0; i < T_NTYPES; i++) {
		t_fill(t_types[i], &m);
		n = ctla_encode(t_types[i], 5, &m, buf, sizeof(buf));
		CU_ASSERT_EQUAL_FATAL(n, (int)(CTL_HDR_LEN +
		    ctla_len(t_types[i])));
		CU_ASSERT_EQUAL(ctl_msg_check(buf, (size_t)n, 0, &h), CTL_OK);
		CU_ASSERT_EQUAL(h.type, t_types[i]);
		CU_ASSERT_EQUAL(t_decode(t_types[i], buf + CTL_HDR_LEN,
		    (size_t)n - CTL_HDR_LEN, &back), CTL_OK);
		if (memcmp(&m, &back, sizeof(m)) != 0) {
			printf("type %u differs after a round trip\n",
			    t_types[i]);
			CU_FAIL("round trip");
		}
		/* Every type decodes from zeros too (empty strings). */
		memset(buf, 0, sizeof(buf));
		CU_ASSERT_EQUAL(t_decode(t_types[i], buf,
		    ctla_len(t_types[i]), &back), CTL_OK);
	}
}

/* Every shorter or longer payload and every shorter datagram fails. */
static void
t_truncation(void)
{
	uint8_t buf[T_BUF];
	union ctla_any m;
	struct ctl_hdr h;
	size_t i, k;
	int n;

	for (i = 0; i < T_NTYPES; i++) {
		t_fill(t_types[i], &m);
		n = ctla_encode(t_types[i], 5, &m, buf, sizeof(buf));
		CU_ASSERT_FATAL(n > 0);
		for (k = 0; k < (size_t)n - CTL_HDR_LEN; k++)
			CU_ASSERT_EQUAL(t_decode(t_types[i], buf + CTL_HDR_LEN,
			    k, &m), CTL_E_PAYLOAD_LEN);
		CU_ASSERT_EQUAL(t_decode(t_types[i], buf + CTL_HDR_LEN,
		    (size_t)n - CTL_HDR_LEN + 1, &m), CTL_E_PAYLOAD_LEN);
		for (k = 0; k < (size_t)n; k++)
			CU_ASSERT_NOT_EQUAL(ctl_msg_check(buf, k, 0, &h),
			    CTL_OK);
		/* A buffer one octet short refuses to encode. */
		CU_ASSERT_EQUAL(ctla_encode(t_types[i], 5, &m, buf,
		    (size_t)n - 1), -CTL_E_NOSPACE);
	}
}

static void
t_table(void)
{
	const struct ctl_type_info *ti;
	size_t i;

	for (i = 0; i < T_NTYPES; i++) {
		ti = ctl_type_lookup(t_types[i]);
		CU_ASSERT_FATAL(ti != NULL);
		CU_ASSERT_EQUAL(ti->payload_min, ctla_len(t_types[i]));
		CU_ASSERT_EQUAL(ti->payload_max, ctla_len(t_types[i]));
		CU_ASSERT_EQUAL(ctla_fields_len(t_types[i]),
		    ctla_len(t_types[i]));
		CU_ASSERT_EQUAL(ti->nfds, 0);
		CU_ASSERT_FALSE(ti->mutating);
		CU_ASSERT_EQUAL(ti->dir, i == 0 ? CTL_DIR_TO_DAEMON :
		    CTL_DIR_TO_CLIENT);
	}
	CU_ASSERT_EQUAL(ctla_len(CTLA_MSG_QP), 240);
	CU_ASSERT_EQUAL(ctla_len(CTLA_MSG_STATS), 328);
	CU_ASSERT_EQUAL(ctla_len(CTL_MSG_HELLO), 0);
	CU_ASSERT_EQUAL(ctla_decode(CTL_MSG_HELLO, "", 0,
	    (union ctla_any *)&(union ctla_any){ .req = { .version = 0 } }),
	    CTL_E_TYPE);
	CU_ASSERT_EQUAL(ctla_query_lookup("qps"), CTLA_Q_QPS);
	CU_ASSERT_EQUAL(ctla_query_lookup("nope"), 0);
	CU_ASSERT_STRING_EQUAL(ctla_query_name(CTLA_Q_STATS), "stats");
	CU_ASSERT_PTR_NULL(ctla_query_name(0));
	CU_ASSERT_PTR_NULL(ctla_query_name(7));
}

/* Strings: no NUL, junk after the NUL; reserved u32; encoder refusals. */
static void
t_errors(void)
{
	uint8_t buf[T_BUF];
	union ctla_any m;
	int n;

	t_fill(CTLA_MSG_PEER, &m);
	n = ctla_encode(CTLA_MSG_PEER, 1, &m, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0);
	buf[CTL_HDR_LEN + CTLA_ADDR_LEN - 1] = 'x';
	CU_ASSERT_EQUAL(t_decode(CTLA_MSG_PEER, buf + CTL_HDR_LEN,
	    CTLA_PEER_LEN, &m), CTL_E_PADDING);
	memset(buf + CTL_HDR_LEN, 'a', CTLA_ADDR_LEN);
	CU_ASSERT_EQUAL(t_decode(CTLA_MSG_PEER, buf + CTL_HDR_LEN,
	    CTLA_PEER_LEN, &m), CTL_E_STRING);
	t_fill(CTLA_MSG_MORE, &m);
	n = ctla_encode(CTLA_MSG_MORE, 1, &m, buf, sizeof(buf));
	buf[n - 1] = 0x80;
	CU_ASSERT_EQUAL(t_decode(CTLA_MSG_MORE, buf + CTL_HDR_LEN,
	    CTLA_MORE_LEN, &m), CTL_E_RESERVED);
	/* Strings are refused, never truncated; unknown types too. */
	t_fill(CTLA_MSG_PEER, &m);
	memset(m.peer.addr, 'a', sizeof(m.peer.addr));
	CU_ASSERT_EQUAL(ctla_encode(CTLA_MSG_PEER, 1, &m, buf, sizeof(buf)),
	    -CTL_E_STRING);
	CU_ASSERT_EQUAL(ctla_encode(CTL_MSG_RESULT, 1, &m, buf, sizeof(buf)),
	    -CTL_E_TYPE);
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "golden ADMIN_REQ", t_golden_req },
		{ "golden ADMIN_TERM", t_golden_term },
		{ "round trip of every type", t_roundtrip },
		{ "truncation sweep", t_truncation },
		{ "type table", t_table },
		{ "errors", t_errors },
		{ NULL, NULL }
	};

	return tutil_run("ctladmin", cases);
}
