/* test_tcp_mpa.c — TCP/MPA transport: Startup Phase over loopback. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "helpers/fake_eng.h"
#include "transport/tcp.h"
#include "unit/tutil.h"
#include "wire/mpa.h"
#include "wire/rdmap.h"

/* Options with a short start-up timeout. */
static struct tp_mpa_opts
tm_opts(int rev, bool crc, bool markers)
{
	struct tp_mpa_opts o;

	memset(&o, 0, sizeof(o));
	o.revision = rev;
	o.crc = crc;
	o.markers = markers;
	o.timeout_ms = 2000;
	return o;
}

static struct tp_conn_params
tm_params(uint32_t ird, uint32_t ord, const char *pd)
{
	struct tp_conn_params p;

	memset(&p, 0, sizeof(p));
	p.ird = ird;
	p.ord = ord;
	p.priv = pd;
	p.priv_len = pd ? strlen(pd) : 0;
	return p;
}

static bool
tm_srv_got(void *arg)
{
	struct fake_pair *p = arg;

	return p->sqp->rx_done > 0 || p->sqp->llp_errors > 0;
}

static bool
tm_cli_got(void *arg)
{
	struct fake_pair *p = arg;

	return p->cqp->rx_done > 0 || p->cqp->llp_errors > 0;
}

/* One Send each way, checked byte for byte: Full Operation works. */
static void
tm_ping_pong(struct fake_pair *p)
{
	static const uint8_t ping[] = "ping-from-the-initiator";
	static const uint8_t pong[] = "pong-from-the-responder!";
	struct fake_rx *r;

	fake_qp_send(p->cqp, 1, ping, sizeof(ping));
	CU_ASSERT_FATAL(fake_run(p->base, tm_srv_got, p, 3000));
	CU_ASSERT_EQUAL(p->sqp->llp_errors, 0);
	CU_ASSERT_EQUAL_FATAL(p->sqp->nrx, 1);
	r = &p->sqp->rx[0];
	CU_ASSERT_EQUAL(r->hdr_len, DDP_UNTAGGED_HDR_LEN);
	CU_ASSERT_EQUAL(r->len, sizeof(ping));
	CU_ASSERT(memcmp(p->sqp->mem + r->off, ping, sizeof(ping)) == 0);
	CU_ASSERT(r->done);
	fake_qp_send(p->sqp, 1, pong, sizeof(pong));
	CU_ASSERT_FATAL(fake_run(p->base, tm_cli_got, p, 3000));
	CU_ASSERT_EQUAL_FATAL(p->cqp->nrx, 1);
	r = &p->cqp->rx[0];
	CU_ASSERT_EQUAL(r->len, sizeof(pong));
	CU_ASSERT(memcmp(p->cqp->mem + r->off, pong, sizeof(pong)) == 0);
	CU_ASSERT_EQUAL(p->cqp->misuse + p->sqp->misuse, 0);
}

/* Rev 1: no IRD/ORD word, private data both ways, local ORD/IRD kept. */
static void
test_rev1(void)
{
	struct fake_pair p;
	struct tp_mpa_opts co = tm_opts(1, true, false);
	struct tp_mpa_opts so = tm_opts(2, true, false);
	struct tp_conn_params cp = tm_params(4, 5, "hello-rev1");
	struct tp_conn_params sp = tm_params(2, 3, "welcome");
	struct tp_conn_info ci;

	CU_ASSERT_FATAL(fake_pair_open(&p, &co, &so, &cp, &sp) == 0);
	CU_ASSERT_FATAL(fake_pair_up(&p));
	CU_ASSERT_EQUAL(p.srv.nreq, 1);
	CU_ASSERT_EQUAL(p.srv.req.priv_len, 10);
	CU_ASSERT(memcmp(p.srv.req_pd, "hello-rev1", 10) == 0);
	CU_ASSERT_EQUAL(p.srv.req.ird, TP_IRD_ORD_NONE);
	CU_ASSERT_EQUAL(p.srv.req.ord, TP_IRD_ORD_NONE);
	CU_ASSERT_EQUAL(p.srv.req.service, p.port);
	CU_ASSERT_EQUAL(p.cli.res_peer.priv_len, 7);
	CU_ASSERT(memcmp(p.cli.res_pd, "welcome", 7) == 0);
	CU_ASSERT_EQUAL(p.cli.res_peer.ird, TP_IRD_ORD_NONE);
	CU_ASSERT(tp_conn_info(p.cc, &ci) == 0);
	CU_ASSERT_EQUAL(ci.revision, 1);
	CU_ASSERT(!ci.enhanced);
	CU_ASSERT(ci.crc);
	CU_ASSERT(!ci.markers_tx && !ci.markers_rx);
	CU_ASSERT(tp_conn_cookie(p.cc) == &p);
	CU_ASSERT_EQUAL(p.cqp->ord, 5);
	CU_ASSERT_EQUAL(p.cqp->ird, 4);
	CU_ASSERT_EQUAL(p.sqp->ord, 3);
	CU_ASSERT_EQUAL(p.sqp->ird, 2);
	CU_ASSERT(p.cqp->max_seg >= MPA_MULPDU_MIN &&
	    p.cqp->max_seg <= MPA_ULPDU_MAX);
	tm_ping_pong(&p);
	fake_pair_close(&p);
}

/* Rev 2: RFC 6581 §9.1 results on both ends. */
static void
test_rev2_irdord(void)
{
	struct fake_pair p;
	struct tp_mpa_opts co = tm_opts(2, true, false);
	struct tp_mpa_opts so = tm_opts(2, true, false);
	struct tp_conn_params cp = tm_params(4, 8, "v2");
	struct tp_conn_params sp = tm_params(6, 16, "ok");
	struct tp_conn_info ci;

	CU_ASSERT_FATAL(fake_pair_open(&p, &co, &so, &cp, &sp) == 0);
	CU_ASSERT_FATAL(fake_pair_up(&p));
	/* the responder sees the Initiator IRD/ORD, and the ULP PD only */
	CU_ASSERT_EQUAL(p.srv.req.ird, 4);
	CU_ASSERT_EQUAL(p.srv.req.ord, 8);
	CU_ASSERT_EQUAL(p.srv.req.priv_len, 2);
	/* Responder IRD = its IRD (6); Responder ORD = min(16, 4) */
	CU_ASSERT_EQUAL(p.cli.res_peer.ird, 6);
	CU_ASSERT_EQUAL(p.cli.res_peer.ord, 4);
	CU_ASSERT_EQUAL(p.sqp->ird, 6);
	CU_ASSERT_EQUAL(p.sqp->ord, 4);
	/* Initiator ORD <= Responder IRD; IRD >= Responder ORD */
	CU_ASSERT_EQUAL(p.cqp->ord, 6);
	CU_ASSERT_EQUAL(p.cqp->ird, 4);
	CU_ASSERT(tp_conn_info(p.cc, &ci) == 0);
	CU_ASSERT_EQUAL(ci.revision, 2);
	CU_ASSERT(ci.enhanced);
	CU_ASSERT(!ci.p2p);
	CU_ASSERT_EQUAL(ci.rtr, 0);
	CU_ASSERT_EQUAL(ci.ord, 6);
	tm_ping_pong(&p);
	fake_pair_close(&p);
}

/* Rev 2 with 0x3FFF: no automatic negotiation (RFC 6581 §9.1). */
static void
test_rev2_noauto(void)
{
	struct fake_pair p;
	struct tp_mpa_opts co = tm_opts(2, true, false);
	struct tp_mpa_opts so = tm_opts(2, true, false);
	struct tp_conn_params cp = tm_params(TP_IRD_ORD_NONE, TP_IRD_ORD_NONE,
	    NULL);
	struct tp_conn_params sp = tm_params(5, 7, NULL);

	CU_ASSERT_FATAL(fake_pair_open(&p, &co, &so, &cp, &sp) == 0);
	CU_ASSERT_FATAL(fake_pair_up(&p));
	CU_ASSERT_EQUAL(p.srv.req.ird, TP_IRD_ORD_NONE);
	CU_ASSERT_EQUAL(p.srv.req.ord, TP_IRD_ORD_NONE);
	CU_ASSERT_EQUAL(p.cli.res_peer.ird, TP_IRD_ORD_NONE);
	CU_ASSERT_EQUAL(p.cli.res_peer.ord, TP_IRD_ORD_NONE);
	CU_ASSERT_EQUAL(p.sqp->ird, 5);
	CU_ASSERT_EQUAL(p.sqp->ord, 7);
	CU_ASSERT_EQUAL(p.cqp->ird, TP_IRD_ORD_NONE);
	CU_ASSERT_EQUAL(p.srv.req.priv_len, 0);
	fake_pair_close(&p);
}

/* C in either frame turns CRCs on for both (RFC 5044 §7.1.1). */
static void
test_crc_matrix(void)
{
	struct fake_pair p;
	struct tp_conn_info ci;
	int i;

	for (i = 0; i < 4; i++) {
		struct tp_mpa_opts co = tm_opts(2, i & 1, false);
		struct tp_mpa_opts so = tm_opts(2, (i & 2) != 0, false);

		CU_ASSERT_FATAL(fake_pair_open(&p, &co, &so, NULL, NULL) == 0);
		CU_ASSERT_FATAL(fake_pair_up(&p));
		CU_ASSERT(tp_conn_info(p.cc, &ci) == 0);
		CU_ASSERT_EQUAL(ci.crc, i != 0);
		CU_ASSERT(tp_conn_info(p.srv.req_c, &ci) == 0);
		CU_ASSERT_EQUAL(ci.crc, i != 0);
		tm_ping_pong(&p);
		fake_pair_close(&p);
	}
}

/* Markers per direction: a side that asks (M) receives them. */
static void
test_markers(void)
{
	static uint8_t big[3000];
	struct fake_pair p;
	struct tp_conn_info ci, si;
	size_t i;
	int k;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 1);
	for (k = 1; k < 4; k++) {
		struct tp_mpa_opts co = tm_opts(2, true, k & 1);
		struct tp_mpa_opts so = tm_opts(2, true, (k & 2) != 0);

		CU_ASSERT_FATAL(fake_pair_open(&p, &co, &so, NULL, NULL) == 0);
		CU_ASSERT_FATAL(fake_pair_up(&p));
		CU_ASSERT(tp_conn_info(p.cc, &ci) == 0);
		CU_ASSERT(tp_conn_info(p.srv.req_c, &si) == 0);
		CU_ASSERT_EQUAL(ci.markers_rx, (k & 1) != 0);
		CU_ASSERT_EQUAL(si.markers_tx, (k & 1) != 0);
		CU_ASSERT_EQUAL(si.markers_rx, (k & 2) != 0);
		CU_ASSERT_EQUAL(ci.markers_tx, (k & 2) != 0);
		fake_qp_send(p.cqp, 1, big, sizeof(big));
		fake_qp_send(p.sqp, 1, big + 1, sizeof(big) - 1);
		CU_ASSERT_FATAL(fake_run(p.base, tm_srv_got, &p, 3000));
		CU_ASSERT_FATAL(fake_run(p.base, tm_cli_got, &p, 3000));
		CU_ASSERT_EQUAL(p.sqp->llp_errors + p.cqp->llp_errors, 0);
		CU_ASSERT_EQUAL(p.sqp->rx[0].len, sizeof(big));
		CU_ASSERT(memcmp(p.sqp->mem, big, sizeof(big)) == 0);
		CU_ASSERT_EQUAL(p.cqp->rx[0].len, sizeof(big) - 1);
		CU_ASSERT(memcmp(p.cqp->mem, big + 1, sizeof(big) - 1) == 0);
		fake_pair_close(&p);
	}
}

/*
 * An idle connection in Full Operation carries no marker buffers (unless
 * markers were negotiated), no read-ahead, no raw frame buffer and no
 * private data: the per-QP memory bound of BENCHMARKS.md.
 */
static void
test_footprint(void)
{
	static uint8_t big[3000];
	struct fake_pair p;
	struct tp_conn *c[2];
	int k, i;

	CU_ASSERT(sizeof(struct tp_conn) <= 2048);
	for (k = 0; k < 2; k++) {
		struct tp_mpa_opts o = tm_opts(2, true, k == 1);

		CU_ASSERT_FATAL(fake_pair_open(&p, &o, &o, NULL, NULL) == 0);
		CU_ASSERT_FATAL(fake_pair_up(&p));
		fake_qp_send(p.cqp, 1, big, sizeof(big));
		fake_qp_send(p.sqp, 1, big, sizeof(big));
		CU_ASSERT_FATAL(fake_run(p.base, tm_srv_got, &p, 3000));
		CU_ASSERT_FATAL(fake_run(p.base, tm_cli_got, &p, 3000));
		c[0] = p.cc;
		c[1] = p.srv.req_c;
		for (i = 0; i < 2; i++) {
			CU_ASSERT(c[i]->state == TCP_S_FULL);
			CU_ASSERT((c[i]->mk != NULL) == (k == 1));
			CU_ASSERT_PTR_NULL(c[i]->ra);
			CU_ASSERT_PTR_NULL(c[i]->raw);
			CU_ASSERT_PTR_NULL(c[i]->mypd);
			CU_ASSERT_PTR_NULL(c[i]->peerpd);
			CU_ASSERT_PTR_EQUAL(c[i]->rx_sink, c[i]->tp->sink);
		}
		fake_pair_close(&p);
	}
}

static bool
tm_cli_result(void *arg)
{
	return ((struct fake_pair *)arg)->cli.nresult > 0;
}

static bool
tm_srv_req(void *arg)
{
	return ((struct fake_pair *)arg)->srv.nreq > 0;
}

/* Reject with private data (R bit, RFC 5044 §7.1.2 rule 2), Rev 1 and 2. */
static void
test_reject(void)
{
	struct fake_pair p;
	int rev;

	for (rev = 1; rev <= 2; rev++) {
		struct tp_mpa_opts co = tm_opts(rev, true, false);
		struct tp_conn_params sp = tm_params(1, 1, "go away, busy");

		CU_ASSERT_FATAL(fake_pair_open(&p, &co, NULL, NULL, &sp) == 0);
		p.srv.action = FAKE_REJECT;
		CU_ASSERT_FATAL(fake_run(p.base, tm_cli_result, &p, 3000));
		CU_ASSERT_EQUAL(p.cli.result, TP_REJECTED);
		CU_ASSERT_EQUAL(p.srv.accept_rv, 0);
		CU_ASSERT(p.cli.res_peer_set);
		CU_ASSERT_EQUAL(p.cli.res_peer.priv_len, 13);
		CU_ASSERT(memcmp(p.cli.res_pd, "go away, busy", 13) == 0);
		fake_settle(p.base, 50);
		CU_ASSERT_EQUAL(p.srv.nclosed, 0);
		CU_ASSERT_EQUAL(p.cli.nclosed, 0);
		CU_ASSERT_EQUAL(p.sqp->connects + p.cqp->connects, 0);
		fake_pair_close(&p);
	}
}

/* The engine refuses the QP at accept(): nothing was sent, so the
 * daemon can still reject (transport.h). */
static void
test_accept_fails(void)
{
	struct fake_pair p;

	CU_ASSERT_FATAL(fake_pair_open(&p, NULL, NULL, NULL, NULL) == 0);
	p.sqp->connect_fail = 1;
	CU_ASSERT_FATAL(fake_run(p.base, tm_srv_req, &p, 2000));
	CU_ASSERT_EQUAL(p.srv.accept_rv, -1);
	CU_ASSERT(tp_tcp_ops.reject(p.srv.req_c, "engine", 6) == 0);
	CU_ASSERT_FATAL(fake_run(p.base, tm_cli_result, &p, 2000));
	CU_ASSERT_EQUAL(p.cli.result, TP_REJECTED);
	CU_ASSERT_EQUAL(p.cli.res_peer.priv_len, 6);
	CU_ASSERT(memcmp(p.cli.res_pd, "engine", 6) == 0);
	CU_ASSERT_EQUAL(p.cqp->connects + p.sqp->connects, 0);
	fake_pair_close(&p);
}

/* ---- raw peers --------------------------------------------------------- */

static int
tm_raw_connect(uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t sl = fake_addr(&ss, port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) < 0)
		return -1;
	return fd;
}

static int
tm_raw_listen(uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t sl = fake_addr(&ss, port);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, sl) < 0 ||
	    listen(fd, 4) < 0)
		return -1;
	return fd;
}

/*
 * Read up to want octets from a raw socket while the event loop runs.
 * Returns octets read, or -1 once the peer closed (EOF or reset) before
 * anything came.
 */
static ssize_t
tm_raw_read(struct event_base *base, int fd, void *buf, size_t want, int ms)
{
	size_t got = 0;
	ssize_t n;
	int i;

	for (i = 0; i < ms / 5 && got < want; i++) {
		fake_settle(base, 5);
		n = recv(fd, (uint8_t *)buf + got, want - got, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN))
			return got > 0 ? (ssize_t)got : -1;
		if (n > 0)
			got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Wait (loop running) for the peer to close fd: true if it did. */
static bool
tm_raw_closed(struct event_base *base, int fd, int ms)
{
	uint8_t b[256];
	ssize_t n;
	int i;

	for (i = 0; i < ms / 5; i++) {
		fake_settle(base, 5);
		n = recv(fd, b, sizeof(b), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN))
			return true;
	}
	return false;
}

/* A responder that gets garbage closes, and shows nothing (§8 code 4). */
static void
test_bad_request(void)
{
	static const char *bad[] = {
		"GET / HTTP/1.0\r\nHost: x\r\n\r\n",
		"MPA ID Rep Frame\x40\x01\x00\x00",	/* the Reply key */
		"MPA ID Req Frame\x40\x03\x00\x00",	/* Rev 3 */
		"MPA ID Req Frame\x40\x01\x02\x01",	/* PD_Length 513 */
	};
	struct fake_pair p;
	struct tp_mpa_opts so = tm_opts(2, true, false);
	size_t i;
	int fd;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_FATAL(fake_pair_listen(&p, NULL, &so, NULL) == 0);
		fd = tm_raw_connect(p.port);
		CU_ASSERT_FATAL(fd >= 0);
		CU_ASSERT(send(fd, bad[i], 20, 0) == 20);
		CU_ASSERT(tm_raw_closed(p.base, fd, 2000));
		CU_ASSERT_EQUAL(p.srv.nreq, 0);
		CU_ASSERT_EQUAL(p.srv.nclosed, 0);
		close(fd);
		fake_settle(p.base, 20);
		fake_pair_close(&p);
	}
}

/* Responder/Responder start-up: nobody sends, the timeout closes. */
static void
test_responder_timeout(void)
{
	struct fake_pair p;
	struct tp_mpa_opts so = tm_opts(2, true, false);
	int fd;

	so.timeout_ms = 200;
	CU_ASSERT_FATAL(fake_pair_listen(&p, NULL, &so, NULL) == 0);
	fd = tm_raw_connect(p.port);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(send(fd, "MPA ID", 6, 0) == 6);	/* a partial frame */
	CU_ASSERT(tm_raw_closed(p.base, fd, 2000));
	CU_ASSERT_EQUAL(p.srv.nreq, 0);
	close(fd);
	fake_pair_close(&p);
}

/* The daemon does not decide within the timeout: conn_closed. */
static bool
tm_srv_closed(void *arg)
{
	return ((struct fake_pair *)arg)->srv.nclosed > 0;
}

static void
test_decide_timeout(void)
{
	struct fake_pair p;
	struct tp_mpa_opts so = tm_opts(2, true, false);

	so.timeout_ms = 300;
	CU_ASSERT_FATAL(fake_pair_open(&p, NULL, &so, NULL, NULL) == 0);
	p.srv.action = FAKE_HOLD;
	CU_ASSERT_FATAL(fake_run(p.base, tm_srv_closed, &p, 3000));
	CU_ASSERT_EQUAL(p.srv.nreq, 1);
	CU_ASSERT_FATAL(fake_run(p.base, tm_cli_result, &p, 3000));
	CU_ASSERT_NOT_EQUAL(p.cli.result, TP_ACCEPTED);
	CU_ASSERT_EQUAL(p.sqp->connects + p.cqp->connects, 0);
	fake_pair_close(&p);
}

/* A fake responder on a raw socket: accept, read the Request. */
static int
tm_raw_responder(struct fake_pair *p, int lfd, struct mpa_frame *req,
    uint8_t *buf, size_t cap)
{
	struct mpa_res res;
	ssize_t n;
	int fd = -1, i;

	for (i = 0; i < 400 && fd < 0; i++) {
		fake_settle(p->base, 5);
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	}
	if (fd < 0)
		return -1;
	n = tm_raw_read(p->base, fd, buf, 20, 2000);
	if (n != 20)
		return -1;
	if (buf[19] + buf[18] * 256 > 0)
		n += tm_raw_read(p->base, fd, buf + 20,
		    buf[19] + buf[18] * 256u, 2000);
	if (mpa_frame_decode(buf, (size_t)n, MPA_FRAME_REQ, req, &res) !=
	    MPA_ST_DONE || cap < (size_t)n)
		return -1;
	return fd;
}

/* Initiator side: Reply with the wrong key, silence, refusal. */
static void
test_initiator_failures(void)
{
	struct fake_pair p;
	struct tp_mpa_opts co = tm_opts(2, true, false);
	struct sockaddr_storage ss;
	struct mpa_frame req;
	uint8_t buf[600];
	socklen_t sl;
	int lfd, fd;

	co.timeout_ms = 300;
	memset(&p, 0, sizeof(p));
	p.base = event_base_new();
	CU_ASSERT_FATAL(fake_env_init(&p.cli, p.base, &co) == 0);
	p.port = fake_port();
	lfd = tm_raw_listen(p.port);
	CU_ASSERT_FATAL(lfd >= 0);
	sl = fake_addr(&ss, p.port);

	/* 1: a Request comes back: Initiator/Initiator (rule 8) */
	CU_ASSERT_FATAL(tp_tcp_ops.connect(p.cli.tp, (struct sockaddr *)&ss,
	    sl, &(struct tp_conn_params){ .ird = 1, .ord = 1 }, NULL,
	    &p.cc) == 0);
	fd = tm_raw_responder(&p, lfd, &req, buf, sizeof(buf));
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(req.enhanced);
	CU_ASSERT_EQUAL(req.io.ird, 1);
	CU_ASSERT(send(fd, "MPA ID Req Frame\x40\x02\x00\x00", 20, 0) == 20);
	CU_ASSERT_FATAL(fake_run(p.base, tm_cli_result, &p, 2000));
	CU_ASSERT_EQUAL(p.cli.result, TP_PROTOCOL);
	CU_ASSERT(tm_raw_closed(p.base, fd, 1000));
	close(fd);

	/* 2: silence: the start-up timeout */
	p.cli.nresult = 0;
	CU_ASSERT_FATAL(tp_tcp_ops.connect(p.cli.tp, (struct sockaddr *)&ss,
	    sl, &(struct tp_conn_params){ 0 }, NULL, &p.cc) == 0);
	fd = tm_raw_responder(&p, lfd, &req, buf, sizeof(buf));
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(fake_run(p.base, tm_cli_result, &p, 2000));
	CU_ASSERT_EQUAL(p.cli.result, TP_UNREACHABLE);
	close(fd);
	close(lfd);

	/* 3: nobody listens */
	p.cli.nresult = 0;
	CU_ASSERT_FATAL(tp_tcp_ops.connect(p.cli.tp, (struct sockaddr *)&ss,
	    sl, &(struct tp_conn_params){ 0 }, NULL, &p.cc) == 0);
	CU_ASSERT_FATAL(fake_run(p.base, tm_cli_result, &p, 2000));
	CU_ASSERT_EQUAL(p.cli.result, TP_REFUSED);
	fake_env_fini(&p.cli);
	event_base_free(p.base);
}

/*
 * A Reply whose Responder ORD exceeds our IRD: the Initiator sends a
 * Terminate 2/0/6 (RFC 6581 §9.1) and fails the set-up.
 */
static void
test_ird_insufficient(void)
{
	struct fake_pair p;
	struct tp_mpa_opts co = tm_opts(2, true, false);
	struct sockaddr_storage ss;
	struct mpa_frame req, rep;
	struct mpa_rx rx;
	struct mpa_res res;
	struct rdmap_seg seg;
	uint8_t buf[600], ulpdu[256];
	socklen_t sl;
	ssize_t n;
	int lfd, fd, len;

	memset(&p, 0, sizeof(p));
	p.base = event_base_new();
	CU_ASSERT_FATAL(fake_env_init(&p.cli, p.base, &co) == 0);
	p.port = fake_port();
	lfd = tm_raw_listen(p.port);
	CU_ASSERT_FATAL(lfd >= 0);
	sl = fake_addr(&ss, p.port);
	CU_ASSERT_FATAL(tp_tcp_ops.connect(p.cli.tp, (struct sockaddr *)&ss,
	    sl, &(struct tp_conn_params){ .ird = 2, .ord = 2 }, NULL,
	    &p.cc) == 0);
	fd = tm_raw_responder(&p, lfd, &req, buf, sizeof(buf));
	CU_ASSERT_FATAL(fd >= 0);
	memset(&rep, 0, sizeof(rep));
	rep.type = MPA_FRAME_REP;
	rep.rev = 2;
	rep.crc = true;
	rep.enhanced = true;
	rep.io.ird = 2;
	rep.io.ord = 10;		/* > Initiator IRD 2 */
	len = mpa_frame_encode(&rep, buf, sizeof(buf));
	CU_ASSERT_FATAL(len == 24);
	CU_ASSERT(send(fd, buf, (size_t)len, 0) == len);
	CU_ASSERT_FATAL(fake_run(p.base, tm_cli_result, &p, 2000));
	CU_ASSERT_EQUAL(p.cli.result, TP_PROTOCOL);
	CU_ASSERT(p.cli.res_peer_set);		/* §9.1: passed up */
	CU_ASSERT_EQUAL(p.cli.res_peer.ord, 10);
	n = tm_raw_read(p.base, fd, buf, sizeof(buf), 500);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_FATAL(mpa_rx_init(&rx, false, true, 0, sizeof(ulpdu),
	    ulpdu, sizeof(ulpdu)) == 0);
	CU_ASSERT_FATAL(mpa_rx_feed(&rx, buf, (size_t)n, &res) ==
	    MPA_ST_DONE);
	CU_ASSERT_FATAL(rdmap_decode(ulpdu, res.len, &seg) == WIRE_OK);
	CU_ASSERT_EQUAL(seg.opcode, RDMAP_OP_TERMINATE);
	CU_ASSERT_EQUAL(seg.ddp.qn, RDMAP_QN_TERMINATE);
	CU_ASSERT_EQUAL(seg.u.term.triple.layer, 2);
	CU_ASSERT_EQUAL(seg.u.term.triple.etype, 0);
	CU_ASSERT_EQUAL(seg.u.term.triple.ecode, 6);
	close(fd);
	close(lfd);
	fake_env_fini(&p.cli);
	event_base_free(p.base);
}

/* ---- peer-to-peer RTR (RFC 6581 §9.2) ---------------------------------- */

static void
tm_rtr_case(unsigned int crtr, bool server_first)
{
	static const uint8_t a[] = "first-real-send", b[] = "responder-data";
	struct fake_pair p;
	struct tp_mpa_opts co = tm_opts(2, true, false);
	struct tp_mpa_opts so = tm_opts(2, true, false);
	struct tp_conn_info ci, si;

	co.p2p = true;
	co.rtr = crtr;
	CU_ASSERT_FATAL(fake_pair_open(&p, &co, &so, NULL, NULL) == 0);
	CU_ASSERT_FATAL(fake_pair_up(&p));
	CU_ASSERT(tp_conn_info(p.cc, &ci) == 0);
	CU_ASSERT(ci.p2p);
	CU_ASSERT_EQUAL(ci.rtr, crtr);
	if (server_first) {
		/* the point of p2p: the Responder may send first */
		fake_qp_send(p.sqp, 1, b, sizeof(b));
		CU_ASSERT_FATAL(fake_run(p.base, tm_cli_got, &p, 2000));
		CU_ASSERT_EQUAL(p.cqp->nrx, 1);
		CU_ASSERT(memcmp(p.cqp->mem, b, sizeof(b)) == 0);
	}
	fake_qp_send(p.cqp, 1, a, sizeof(a));
	CU_ASSERT_FATAL(fake_run(p.base, tm_srv_got, &p, 2000));
	CU_ASSERT_EQUAL(p.sqp->llp_errors, 0);
	/* the RTR never reaches the engine; MSN 1 is the engine's view */
	CU_ASSERT_EQUAL_FATAL(p.sqp->nrx, 1);
	CU_ASSERT_EQUAL(p.sqp->rx[0].hdr[13], 1);
	CU_ASSERT(memcmp(p.sqp->mem, a, sizeof(a)) == 0);
	CU_ASSERT(tp_conn_info(p.srv.req_c, &si) == 0);
	CU_ASSERT_EQUAL(si.rtr, crtr);
	if (!server_first) {
		fake_qp_send(p.sqp, 1, b, sizeof(b));
		CU_ASSERT_FATAL(fake_run(p.base, tm_cli_got, &p, 2000));
	}
	/* a Read RTR's zero-length response is consumed too */
	CU_ASSERT_EQUAL(p.cqp->nrx, 1);
	CU_ASSERT_EQUAL(p.cqp->llp_errors, 0);
	CU_ASSERT_EQUAL(p.cqp->misuse + p.sqp->misuse, 0);
	fake_pair_close(&p);
}

static void
test_rtr_write(void)
{
	tm_rtr_case(TP_RTR_WRITE, true);
	tm_rtr_case(TP_RTR_WRITE, false);
}

static void
test_rtr_read(void)
{
	tm_rtr_case(TP_RTR_READ, true);
	tm_rtr_case(TP_RTR_READ, false);
}

static void
test_rtr_send(void)
{
	tm_rtr_case(TP_RTR_SEND, true);
	tm_rtr_case(TP_RTR_SEND, false);
}

/* No common RTR option: the Initiator sends Terminate 2/0/7. */
static void
test_rtr_nomatch(void)
{
	struct fake_pair p;
	struct tp_mpa_opts co = tm_opts(2, true, false);
	struct tp_mpa_opts so = tm_opts(2, true, false);
	const struct fake_rx *r;

	co.p2p = true;
	co.rtr = TP_RTR_SEND;
	so.rtr = TP_RTR_WRITE;
	CU_ASSERT_FATAL(fake_pair_open(&p, &co, &so, NULL, NULL) == 0);
	CU_ASSERT_FATAL(fake_run(p.base, tm_cli_result, &p, 2000));
	CU_ASSERT_EQUAL(p.cli.result, TP_PROTOCOL);
	CU_ASSERT_FATAL(fake_run(p.base, tm_srv_got, &p, 2000));
	/* the responder's engine gets the Terminate */
	CU_ASSERT_EQUAL_FATAL(p.sqp->nrx, 1);
	r = &p.sqp->rx[0];
	CU_ASSERT_EQUAL(r->hdr[1] & RDMAP_MASK_OPCODE, RDMAP_OP_TERMINATE);
	CU_ASSERT_EQUAL(r->hdr[18], 0x20);	/* layer 2, etype 0 */
	CU_ASSERT_EQUAL(r->hdr[19], 0x07);	/* no matching RTR */
	fake_pair_close(&p);
}

/*
 * A listener (Rev 2, CRC) and a raw Initiator: TCP connect, send a
 * Request of revision rev (p2p: enhanced, RTR Write), read the Reply
 * into buf.  Returns the fd.
 */
static int
tm_raw_start(struct fake_pair *p, int rev, bool p2p, uint8_t *buf,
    size_t cap)
{
	struct tp_mpa_opts so = tm_opts(2, true, false);
	struct mpa_frame f;
	int fd, len;

	CU_ASSERT_FATAL(fake_pair_listen(p, NULL, &so, NULL) == 0);
	fd = tm_raw_connect(p->port);
	CU_ASSERT_FATAL(fd >= 0);
	memset(&f, 0, sizeof(f));
	f.type = MPA_FRAME_REQ;
	f.rev = (uint8_t)rev;
	f.crc = true;
	f.enhanced = f.io.p2p = f.io.rtr_write = p2p;
	len = mpa_frame_encode(&f, buf, cap);
	CU_ASSERT_FATAL(len == (p2p ? 24 : 20));
	CU_ASSERT(send(fd, buf, (size_t)len, 0) == len);
	CU_ASSERT(tm_raw_read(p->base, fd, buf, (size_t)len, 2000) == len);
	return fd;
}

/* Send seg (len octets) as the first FPDU (CRC on; bad_crc: wrong). */
static void
tm_raw_fpdu(int fd, const uint8_t *seg, size_t len, bool bad_crc)
{
	struct mpa_tx tx;
	uint8_t buf[700];
	int n;

	CU_ASSERT_FATAL(mpa_tx_init(&tx, false, true, 0) == 0);
	n = mpa_tx_encode(&tx, seg, len, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0);
	if (bad_crc)
		buf[n - 1] ^= 0x01;
	CU_ASSERT(send(fd, buf, (size_t)n, 0) == n);
}

/* A p2p Initiator whose first FPDU is no RTR: RTR error at the Responder. */
static void
test_rtr_bad_first(void)
{
	struct fake_pair p;
	uint8_t buf[700], seg[64];
	size_t hl;
	int fd;

	fd = tm_raw_start(&p, 2, true, buf, sizeof(buf));
	CU_ASSERT(buf[20] & 0x80);		/* A mirrored */
	CU_ASSERT(buf[22] & 0x80);		/* C offered */
	hl = fake_hdr_send(seg, 1);
	memcpy(seg + hl, "not an RTR", 10);
	tm_raw_fpdu(fd, seg, hl + 10, false);
	CU_ASSERT_FATAL(fake_run(p.base, tm_srv_got, &p, 2000));
	CU_ASSERT_EQUAL(p.sqp->llp_errors, 1);
	CU_ASSERT_EQUAL(p.sqp->llp_err, WIRE_E_MPA_RTR);
	CU_ASSERT_EQUAL(p.sqp->rx_done, 0);
	close(fd);
	fake_settle(p.base, 20);
	fake_pair_close(&p);
}

/* The engine refused the header of the first FPDU: the Responder sends
 * its Terminate anyway (rule 4 only waits for an FPDU to arrive). */
static bool
tm_srv_refused(void *arg)
{
	struct fake_pair *p = arg;

	return p->sqp->fail_hdr == WIRE_OK;
}

static void
test_refused_first(void)
{
	struct fake_pair p;
	uint8_t buf[700], seg[64];
	size_t hl;
	int fd;

	fd = tm_raw_start(&p, 2, false, buf, sizeof(buf));
	p.sqp->fail_hdr = WIRE_E_DDP_T_INV_STAG;
	hl = fake_hdr_send(seg, 1);
	memcpy(seg + hl, "refused", 7);
	tm_raw_fpdu(fd, seg, hl + 7, false);
	CU_ASSERT_FATAL(fake_run(p.base, tm_srv_refused, &p, 2000));
	/* what the engine queues then (a header-only segment) goes out */
	fake_qp_post(p.sqp, seg, hl, NULL, 0);
	CU_ASSERT(tm_raw_read(p.base, fd, buf, 2 + hl + 4, 2000) ==
	    (ssize_t)(2 + hl + 4));
	CU_ASSERT(buf[0] == 0 && buf[1] == hl);
	close(fd);
	fake_settle(p.base, 20);
	fake_pair_close(&p);
}

/* A whole FPDU with a bad CRC: DDP never sees its header (RFC 5044 §6),
 * the error is the CRC's (§8 code 2). */
static void
test_crc_first(void)
{
	struct fake_pair p;
	uint8_t buf[700], seg[64];
	size_t hl;
	int fd;

	fd = tm_raw_start(&p, 1, false, buf, sizeof(buf));
	hl = fake_hdr_write(seg, 0xdead0001, 0);
	memset(seg + hl, 0x55, 32);
	tm_raw_fpdu(fd, seg, hl + 32, true);
	CU_ASSERT_FATAL(fake_run(p.base, tm_srv_got, &p, 2000));
	CU_ASSERT_EQUAL(p.sqp->llp_errors, 1);
	CU_ASSERT_EQUAL(p.sqp->llp_err, WIRE_E_MPA_CRC);
	CU_ASSERT_EQUAL(p.sqp->nrx, 0);		/* header never interpreted */
	close(fd);
	fake_settle(p.base, 20);
	fake_pair_close(&p);
}

/* ---- teardown ---------------------------------------------------------- */

static bool
tm_both_closed(void *arg)
{
	struct fake_pair *p = arg;

	return p->sqp->closed > 0 && p->cqp->closed > 0;
}

/* Graceful close by the engine, and an abort by the daemon. */
static void
test_close(void)
{
	struct fake_pair p;

	CU_ASSERT_FATAL(fake_pair_open(&p, NULL, NULL, NULL, NULL) == 0);
	CU_ASSERT_FATAL(fake_pair_up(&p));
	fake_qp_close(p.cqp, false);
	CU_ASSERT_FATAL(fake_run(p.base, tm_both_closed, &p, 3000));
	CU_ASSERT(p.sqp->closed_orderly);
	CU_ASSERT(p.cqp->closed_orderly);
	CU_ASSERT_EQUAL(p.srv.nclosed, 1);
	CU_ASSERT_EQUAL(p.cli.nclosed, 1);
	CU_ASSERT_EQUAL(p.sqp->closed + p.cqp->closed, 2);
	fake_pair_close(&p);

	CU_ASSERT_FATAL(fake_pair_open(&p, NULL, NULL, NULL, NULL) == 0);
	CU_ASSERT_FATAL(fake_pair_up(&p));
	/* The daemon drops a QP in Full Operation: detached at once, the
	 * stream closed gracefully (tcp_close.c), so the peer sees FIN. */
	tp_tcp_ops.abort(p.cc);
	CU_ASSERT_EQUAL(p.cqp->closed, 1);	/* at once */
	CU_ASSERT_FATAL(fake_run(p.base, tm_both_closed, &p, 3000));
	CU_ASSERT(p.sqp->closed_orderly);	/* FIN, no reset */
	CU_ASSERT_EQUAL(p.srv.nclosed, 1);
	CU_ASSERT_EQUAL(p.cli.nclosed, 0);	/* the daemon asked */
	fake_pair_close(&p);

	/* The daemon drops a QP whose engine still has a segment queued
	 * (a Terminate): it goes out before the FIN. */
	CU_ASSERT_FATAL(fake_pair_open(&p, NULL, NULL, NULL, NULL) == 0);
	CU_ASSERT_FATAL(fake_pair_up(&p));
	{
		uint8_t hdr[ENG_HDR_MAX];
		size_t hl = fake_hdr_send(hdr, 1);

		fake_qp_post(p.cqp, hdr, hl, NULL, 0);
		tp_tcp_ops.abort(p.cc);		/* before the loop sends it */
		CU_ASSERT_FATAL(fake_run(p.base, tm_both_closed, &p, 3000));
		CU_ASSERT_EQUAL(p.sqp->nrx, 1);
		CU_ASSERT_EQUAL(p.sqp->rx_done, 1);
		CU_ASSERT(p.sqp->closed_orderly);
	}
	fake_pair_close(&p);

	/* abortive close by the engine */
	CU_ASSERT_FATAL(fake_pair_open(&p, NULL, NULL, NULL, NULL) == 0);
	CU_ASSERT_FATAL(fake_pair_up(&p));
	fake_qp_close(p.sqp, true);
	CU_ASSERT_FATAL(fake_run(p.base, tm_both_closed, &p, 3000));
	CU_ASSERT(!p.cqp->closed_orderly);
	CU_ASSERT_EQUAL(p.srv.nclosed, 1);
	CU_ASSERT_EQUAL(p.cli.nclosed, 1);
	fake_pair_close(&p);
}

/* Many connections at once on one listener, and one over IPv6 (::1). */
#define MANY	16

struct tm_many {
	struct fake_env	 srv, cli;
	struct eng_qp	*sq[MANY], *cq[MANY];
};

static bool
tm_many_up(void *arg)
{
	struct tm_many *m = arg;
	int i;

	for (i = 0; i < MANY; i++)
		if (m->sq[i]->rx_done < 1 || m->cq[i]->connects < 1)
			return false;
	return true;
}

static void
test_many(void)
{
	struct event_base *base = event_base_new();
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct tp_conn *c;
	struct tm_many m;
	char cause[128];
	uint8_t msg[MANY][8];
	socklen_t sl;
	uint16_t port = fake_port();
	int i, j;

	CU_ASSERT_FATAL(base != NULL);
	memset(&m, 0, sizeof(m));
	CU_ASSERT_FATAL(fake_env_init(&m.srv, base, NULL) == 0);
	CU_ASSERT_FATAL(fake_env_init(&m.cli, base, NULL) == 0);
	for (i = 0; i < MANY; i++) {
		m.sq[i] = fake_qp_new();
		m.cq[i] = fake_qp_new();
		snprintf((char *)msg[i], sizeof(msg[i]), "conn%03d", i);
	}
	m.srv.pool = m.sq;
	m.srv.npool = MANY;
	m.cli.pool = m.cq;
	m.cli.npool = MANY;
	sl = fake_addr(&ss, port);
	CU_ASSERT_FATAL(tp_tcp_ops.listen(m.srv.tp, (struct sockaddr *)&ss,
	    sl, cause, sizeof(cause)) == 0);
	/* the same port on ::1, when the host has IPv6 */
	memset(&ss, 0, sizeof(ss));
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	s6->sin6_addr = in6addr_loopback;
	j = tp_tcp_ops.listen(m.srv.tp, (struct sockaddr *)&ss, sizeof(*s6),
	    cause, sizeof(cause));
	for (i = 0; i < MANY; i++) {
		if (j < 0 || (i & 1) == 0)
			sl = fake_addr(&ss, port);
		else {
			memset(&ss, 0, sizeof(ss));
			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons(port);
			s6->sin6_addr = in6addr_loopback;
			sl = sizeof(*s6);
		}
		CU_ASSERT_FATAL(tp_tcp_ops.connect(m.cli.tp,
		    (struct sockaddr *)&ss, sl, &(struct tp_conn_params){ 0 },
		    m.cq[i], &c) == 0);
		fake_qp_send(m.cq[i], 1, msg[i], sizeof(msg[i]));
	}
	CU_ASSERT(fake_run(base, tm_many_up, &m, 5000));
	CU_ASSERT_EQUAL(m.srv.nreq, MANY);
	CU_ASSERT_EQUAL(m.cli.nresult, MANY);
	/* each server QP got exactly one message from one client QP */
	for (i = 0; i < MANY; i++) {
		CU_ASSERT_EQUAL(m.sq[i]->nrx, 1);
		CU_ASSERT(memcmp(m.sq[i]->mem, "conn", 4) == 0);
		for (j = 0; j < i; j++)
			CU_ASSERT(memcmp(m.sq[i]->mem, m.sq[j]->mem, 8) != 0);
	}
	fake_env_fini(&m.cli);
	fake_env_fini(&m.srv);
	for (i = 0; i < MANY; i++) {
		CU_ASSERT_EQUAL(m.sq[i]->closed, 1);
		fake_qp_free(m.sq[i]);
		fake_qp_free(m.cq[i]);
	}
	event_base_free(base);
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "rev1", test_rev1 },
		{ "rev2_irdord", test_rev2_irdord },
		{ "rev2_noauto", test_rev2_noauto },
		{ "crc_matrix", test_crc_matrix },
		{ "markers", test_markers },
		{ "footprint", test_footprint },
		{ "reject", test_reject },
		{ "accept_fails", test_accept_fails },
		{ "bad_request", test_bad_request },
		{ "responder_timeout", test_responder_timeout },
		{ "decide_timeout", test_decide_timeout },
		{ "initiator_failures", test_initiator_failures },
		{ "ird_insufficient", test_ird_insufficient },
		{ "rtr_write", test_rtr_write },
		{ "rtr_read", test_rtr_read },
		{ "rtr_send", test_rtr_send },
		{ "rtr_nomatch", test_rtr_nomatch },
		{ "rtr_bad_first", test_rtr_bad_first },
		{ "refused_first", test_refused_first },
		{ "crc_first", test_crc_first },
		{ "close", test_close },
		{ "many", test_many },
		{ NULL, NULL }
	};

	signal(SIGPIPE, SIG_IGN);
	return tutil_run("tcp_mpa", cases);
}
