/* test_tcp_fpdu.c — TCP/MPA transport: FPDUs over loopback. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "helpers/fake_eng.h"
#include "unit/tutil.h"
#include "wire/mpa.h"
#include "wire/rdmap.h"

static uint8_t tf_pattern[1 << 17];

static struct tp_mpa_opts
tf_opts(bool crc, bool markers)
{
	struct tp_mpa_opts o;

	memset(&o, 0, sizeof(o));
	o.revision = 2;
	o.crc = crc;
	o.markers = markers;
	o.timeout_ms = 2000;
	return o;
}

struct tf_want {
	struct eng_qp	*qp;
	int		 n;
};

static bool
tf_got_n(void *arg)
{
	struct tf_want *w = arg;

	return w->qp->rx_done >= w->n || w->qp->llp_errors > 0 ||
	    w->qp->closed > 0;
}

static bool
tf_wait_rx(struct fake_pair *p, struct eng_qp *qp, int n, int ms)
{
	struct tf_want w = { qp, n };

	return fake_run(p->base, tf_got_n, &w, ms);
}

/* Check segment i of qp: header octets and placed payload. */
static void
tf_check_rx(struct eng_qp *qp, int i, const uint8_t *hdr, size_t hl,
    const uint8_t *pay, size_t len)
{
	const struct fake_rx *r = &qp->rx[i];

	CU_ASSERT_EQUAL(r->hdr_len, hl);
	CU_ASSERT(memcmp(r->hdr, hdr, hl) == 0);
	CU_ASSERT_EQUAL(r->len, len);
	CU_ASSERT_EQUAL(r->seg_len, hl + len);
	CU_ASSERT(r->done);
	if (r->len == len)
		CU_ASSERT(memcmp(qp->mem + r->off, pay, len) == 0);
}

/*
 * Sends and Writes of many sizes, 0 ... MULPDU, each way, payload split
 * over 3 iovec elements at the sender and placed into 2 at the receiver.
 */
static void
tf_roundtrip(bool crc, bool markers)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 13, 100,
	    255, 256, 489, 490, 491, 492, 493, 494, 495, 496, 497, 508, 511,
	    512, 513, 1000, 1024, 1448, 1500, 4093, 4096, 9000, 16384 };
	struct tp_mpa_opts o = tf_opts(crc, markers);
	struct fake_pair p;
	uint8_t hdr[ENG_HDR_MAX];
	size_t i, n = sizeof(sizes) / sizeof(sizes[0]), hl, max, len;
	int k = 0, dir;

	CU_ASSERT_FATAL(fake_pair_open(&p, &o, &o, NULL, NULL) == 0);
	CU_ASSERT_FATAL(fake_pair_up(&p));
	max = p.cqp->max_seg;
	CU_ASSERT(max >= MPA_MULPDU_MIN && max <= MPA_ULPDU_MAX);
	for (dir = 0; dir < 2; dir++) {
		struct eng_qp *tx = dir ? p.sqp : p.cqp;
		struct eng_qp *rx = dir ? p.cqp : p.sqp;

		k = 0;
		for (i = 0; i <= n; i++) {
			len = i < n ? sizes[i] : max - DDP_UNTAGGED_HDR_LEN;
			CU_ASSERT_FATAL(len + DDP_UNTAGGED_HDR_LEN <= max);
			fake_qp_send(tx, (uint32_t)i + 1, tf_pattern + i, len);
			len = i < n ? sizes[i] : max - DDP_TAGGED_HDR_LEN;
			fake_qp_write(tx, 0x1234, i * 100000u,
			    tf_pattern + 2 * i, len);
		}
		CU_ASSERT_FATAL(tf_wait_rx(&p, rx, 2 * (int)(n + 1), 5000));
		CU_ASSERT_EQUAL(rx->llp_errors, 0);
		CU_ASSERT_EQUAL_FATAL(rx->nrx, 2 * (int)(n + 1));
		for (i = 0; i <= n; i++) {
			len = i < n ? sizes[i] : max - DDP_UNTAGGED_HDR_LEN;
			hl = fake_hdr_send(hdr, (uint32_t)i + 1);
			tf_check_rx(rx, k++, hdr, hl, tf_pattern + i, len);
			len = i < n ? sizes[i] : max - DDP_TAGGED_HDR_LEN;
			hl = fake_hdr_write(hdr, 0x1234, i * 100000u);
			tf_check_rx(rx, k++, hdr, hl, tf_pattern + 2 * i, len);
		}
		CU_ASSERT_EQUAL(tx->tx_done, 2 * (int)(n + 1));
		CU_ASSERT_EQUAL(tx->misuse + rx->misuse, 0);
	}
	fake_pair_close(&p);
}

static void
test_roundtrip_plain(void)
{
	tf_roundtrip(true, false);
}

static void
test_roundtrip_markers(void)
{
	tf_roundtrip(true, true);
}

static void
test_roundtrip_nocrc(void)
{
	tf_roundtrip(false, true);
}

/* Many large segments both ways at once: partial writes, full buffers. */
static bool
tf_burst_done(void *arg)
{
	struct fake_pair *p = arg;

	return (p->sqp->rx_done >= 100 && p->cqp->rx_done >= 100) ||
	    p->sqp->llp_errors + p->cqp->llp_errors > 0;
}

static void
test_burst(void)
{
	struct tp_mpa_opts o = tf_opts(true, true);
	struct fake_pair p;
	uint8_t hdr[ENG_HDR_MAX];
	size_t hl, len;
	int i, n = 100;

	CU_ASSERT_FATAL(fake_pair_open(&p, &o, &o, NULL, NULL) == 0);
	CU_ASSERT_FATAL(fake_pair_up(&p));
	p.cqp->tx_split = 4;
	p.sqp->rx_split = 4;
	len = p.cqp->max_seg - DDP_TAGGED_HDR_LEN;	/* full FPDUs */
	for (i = 0; i < n; i++) {
		fake_qp_write(p.cqp, 7, (uint64_t)i * len,
		    tf_pattern + (i * 997) % 65536, len);
		fake_qp_send(p.sqp, (uint32_t)i + 1, tf_pattern + i * 13,
		    (size_t)(i * 311) % (len - 4));
	}
	CU_ASSERT_FATAL(fake_run(p.base, tf_burst_done, &p, 10000));
	CU_ASSERT_EQUAL(p.sqp->llp_errors + p.cqp->llp_errors, 0);
	CU_ASSERT_EQUAL_FATAL(p.sqp->rx_done, n);
	CU_ASSERT_EQUAL_FATAL(p.cqp->rx_done, n);
	for (i = 0; i < n; i++) {
		hl = fake_hdr_write(hdr, 7, (uint64_t)i * len);
		tf_check_rx(p.sqp, i, hdr, hl, tf_pattern + (i * 997) % 65536,
		    len);
		hl = fake_hdr_send(hdr, (uint32_t)i + 1);
		tf_check_rx(p.cqp, i, hdr, hl, tf_pattern + i * 13,
		    (size_t)(i * 311) % (len - 4));
	}
	CU_ASSERT_EQUAL(p.cqp->tx_done, n);
	CU_ASSERT_EQUAL(p.sqp->tx_done, n);
	CU_ASSERT_EQUAL(p.cqp->misuse + p.sqp->misuse, 0);
	fake_pair_close(&p);
}

/* ---- a raw peer that writes one octet at a time ------------------------ */

/* Write len octets one per send(), letting the transport run between. */
static void
tf_send_slow(struct fake_pair *p, int fd, const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (send(fd, buf + i, 1, 0) != 1)
			break;
		event_base_loop(p->base, EVLOOP_NONBLOCK);
		event_base_loop(p->base, EVLOOP_NONBLOCK);
	}
	CU_ASSERT_EQUAL(i, len);
}

/* A raw initiator: MPA Request, then the Reply; fills tx per the Reply. */
static int
tf_raw_start(struct fake_pair *p, bool slow, bool crc, bool markers,
    struct mpa_tx *tx)
{
	struct sockaddr_storage ss;
	socklen_t sl = fake_addr(&ss, p->port);
	struct mpa_frame f, rep;
	struct mpa_res res;
	uint8_t buf[600];
	size_t got = 0;
	ssize_t n;
	int fd, len, i, one = 1;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	memset(&f, 0, sizeof(f));
	f.type = MPA_FRAME_REQ;
	f.rev = 2;
	f.crc = crc;
	f.markers = markers;
	f.enhanced = true;
	f.ulp_pd = (const uint8_t *)"raw";
	f.ulp_pd_len = 3;
	len = mpa_frame_encode(&f, buf, sizeof(buf));
	if (slow)
		tf_send_slow(p, fd, buf, (size_t)len);
	else if (send(fd, buf, (size_t)len, 0) != len)
		return -1;
	for (i = 0; i < 400; i++) {
		fake_settle(p->base, 5);
		n = recv(fd, buf + got, sizeof(buf) - got, MSG_DONTWAIT);
		if (n > 0)
			got += (size_t)n;
		if (mpa_frame_decode(buf, got, MPA_FRAME_REP, &rep, &res) !=
		    MPA_ST_MORE)
			break;
	}
	if (mpa_frame_decode(buf, got, MPA_FRAME_REP, &rep, &res) !=
	    MPA_ST_DONE || rep.reject)
		return -1;
	mpa_tx_init(tx, rep.markers, rep.crc || crc, 0);
	return fd;
}

/* Frame a Send of len pattern octets (msn) as the next FPDU into buf. */
static int
tf_raw_fpdu(struct mpa_tx *tx, uint32_t msn, const uint8_t *pay, size_t len,
    uint8_t *buf, size_t cap)
{
	uint8_t seg[2048 + ENG_HDR_MAX];
	size_t hl = fake_hdr_send(seg, msn);

	memcpy(seg + hl, pay, len);
	return mpa_tx_encode(tx, seg, hl + len, buf, cap);
}

/* Every FPDU split into 1-octet writes, with markers and CRC. */
static void
test_one_octet_writes(void)
{
	static const size_t sizes[] = { 1, 2, 100, 493, 600, 1200, 0, 3 };
	struct tp_mpa_opts so = tf_opts(true, true);
	struct fake_pair p;
	struct mpa_tx tx;
	uint8_t buf[4096], hdr[ENG_HDR_MAX];
	size_t i, n = sizeof(sizes) / sizeof(sizes[0]);
	int fd, len;

	CU_ASSERT_FATAL(fake_pair_listen(&p, NULL, &so, NULL) == 0);
	fd = tf_raw_start(&p, true, true, false, &tx);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(p.srv.nreq, 1);
	CU_ASSERT(tx.markers);		/* the responder asked for them */
	for (i = 0; i < n; i++) {
		len = tf_raw_fpdu(&tx, (uint32_t)i + 1, tf_pattern + 5 * i,
		    sizes[i], buf, sizeof(buf));
		CU_ASSERT_FATAL(len > 0);
		tf_send_slow(&p, fd, buf, (size_t)len);
	}
	CU_ASSERT_FATAL(tf_wait_rx(&p, p.sqp, (int)n, 3000));
	CU_ASSERT_EQUAL(p.sqp->llp_errors, 0);
	CU_ASSERT_EQUAL_FATAL(p.sqp->nrx, (int)n);
	for (i = 0; i < n; i++)
		tf_check_rx(p.sqp, (int)i, hdr, fake_hdr_send(hdr,
		    (uint32_t)i + 1), tf_pattern + 5 * i, sizes[i]);
	/* the Responder may send now (rule 4): check it reaches us */
	fake_qp_send(p.sqp, 1, tf_pattern, 10);
	fake_settle(p.base, 50);
	CU_ASSERT(recv(fd, buf, sizeof(buf), MSG_DONTWAIT) ==
	    (ssize_t)mpa_fpdu_len(DDP_UNTAGGED_HDR_LEN + 10));
	close(fd);
	fake_settle(p.base, 20);
	CU_ASSERT_EQUAL(p.sqp->closed, 1);
	CU_ASSERT(p.sqp->closed_orderly);
	fake_pair_close(&p);
}

/* The largest ULPDU (64768) with markers, from a raw sender: 127 markers
 * inside one FPDU, placed around them into 4 destination elements. */
static void
test_max_ulpdu_markers(void)
{
	struct tp_mpa_opts so = tf_opts(true, true);
	struct fake_pair p;
	struct mpa_tx tx;
	static uint8_t seg[MPA_ULPDU_MAX], wire[MPA_ULPDU_MAX + 1024];
	uint8_t hdr[ENG_HDR_MAX];
	size_t hl, len;
	ssize_t n;
	int fd, wl, k, off;

	CU_ASSERT_FATAL(fake_pair_listen(&p, NULL, &so, NULL) == 0);
	p.sqp->rx_split = 4;
	fd = tf_raw_start(&p, false, true, false, &tx);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(tx.markers);
	for (k = 0; k < 3; k++) {	/* three, to move the marker phase */
		hl = fake_hdr_write(seg, 5, (uint64_t)k << 20);
		len = MPA_ULPDU_MAX - hl - (size_t)k * 333;
		memcpy(seg + hl, tf_pattern + k, len);
		wl = mpa_tx_encode(&tx, seg, hl + len, wire, sizeof(wire));
		CU_ASSERT_FATAL(wl > 0);
		for (off = 0; off < wl; off += (int)n) {
			n = send(fd, wire + off, (size_t)(wl - off),
			    MSG_DONTWAIT);
			if (n < 0)
				n = 0;
			fake_settle(p.base, 2);
		}
	}
	CU_ASSERT_FATAL(tf_wait_rx(&p, p.sqp, 3, 3000));
	CU_ASSERT_EQUAL(p.sqp->llp_errors, 0);
	for (k = 0; k < 3; k++) {
		hl = fake_hdr_write(hdr, 5, (uint64_t)k << 20);
		len = MPA_ULPDU_MAX - hl - (size_t)k * 333;
		tf_check_rx(p.sqp, k, hdr, hl, tf_pattern + k, len);
	}
	close(fd);
	fake_settle(p.base, 20);
	fake_pair_close(&p);
}

/*
 * Corrupt octet `at` of the second FPDU (a payload octet, the CRC, a
 * marker or the length): the error reaches the engine, and nothing
 * after it is delivered (RFC 5044 §8).
 */
static void
tf_corrupt_case(bool crc, bool markers, size_t len2, long at, uint8_t val,
    enum wire_err want_err)
{
	struct tp_mpa_opts so = tf_opts(crc, markers);
	struct fake_pair p;
	struct mpa_tx tx;
	uint8_t buf[3 * 4096];
	int fd, l1, l2, l3;

	CU_ASSERT_FATAL(fake_pair_listen(&p, NULL, &so, NULL) == 0);
	fd = tf_raw_start(&p, false, crc, false, &tx);
	CU_ASSERT_FATAL(fd >= 0);
	l1 = tf_raw_fpdu(&tx, 1, tf_pattern, 20, buf, sizeof(buf));
	l2 = tf_raw_fpdu(&tx, 2, tf_pattern, len2, buf + l1, sizeof(buf) - l1);
	l3 = tf_raw_fpdu(&tx, 3, tf_pattern, 30, buf + l1 + l2,
	    sizeof(buf) - l1 - l2);
	CU_ASSERT_FATAL(l1 > 0 && l2 > 0 && l3 > 0);
	if (at < 0)
		at += l2;
	buf[l1 + at] = val;
	CU_ASSERT(send(fd, buf, (size_t)(l1 + l2 + l3), 0) == l1 + l2 + l3);
	CU_ASSERT_FATAL(tf_wait_rx(&p, p.sqp, 3, 2000));
	fake_settle(p.base, 30);
	CU_ASSERT_EQUAL(p.sqp->rx_done, 1);
	CU_ASSERT_EQUAL(p.sqp->llp_errors, 1);
	CU_ASSERT_EQUAL(p.sqp->llp_err, want_err);
	CU_ASSERT_EQUAL(p.sqp->closed, 0);	/* §8: MPA does not close */
	close(fd);
	fake_settle(p.base, 20);
	CU_ASSERT_EQUAL(p.sqp->closed, 1);
	fake_pair_close(&p);
}

static void
test_crc_error(void)
{
	/* a payload octet */
	tf_corrupt_case(true, false, 100, 40, 0xee, WIRE_E_MPA_CRC);
	tf_corrupt_case(true, false, 100, -1, 0x00, WIRE_E_MPA_CRC);  /* CRC */
	tf_corrupt_case(true, true, 1000, 700, 0x5a, WIRE_E_MPA_CRC);
	/* the whole-segment path (no payload) */
	tf_corrupt_case(true, false, 0, 5, 0x77, WIRE_E_MPA_CRC);
}

static void
test_marker_error(void)
{
	/* FPDU 1 is a leading marker + 44 octets, so FPDU 2 starts at
	 * stream offset 48; its first marker (at 512) lies at FPDU offset
	 * 464 and must carry FPDUPTR 464 = 0x01d0; break its low octet. */
	tf_corrupt_case(false, true, 1000, 464 + 3, 0x10, WIRE_E_MPA_MARKER);
}

static void
test_length_error(void)
{
	/* ULPDU_Length 0: no trustworthy framing */
	tf_corrupt_case(true, false, 100, 0, 0xff, WIRE_E_MPA_ULPDU_LEN);
	tf_corrupt_case(true, false, 100, 1, 0, WIRE_E_MPA_ULPDU_LEN);
}

/* The engine refuses a header: the rest is dropped, nothing delivered. */
static void
test_engine_refuses(void)
{
	struct tp_mpa_opts o = tf_opts(true, false);
	struct fake_pair p;

	CU_ASSERT_FATAL(fake_pair_open(&p, &o, &o, NULL, NULL) == 0);
	CU_ASSERT_FATAL(fake_pair_up(&p));
	fake_qp_send(p.cqp, 1, tf_pattern, 100);
	CU_ASSERT_FATAL(tf_wait_rx(&p, p.sqp, 1, 2000));
	p.sqp->fail_hdr = WIRE_E_DDP_T_INV_STAG;
	fake_qp_send(p.cqp, 2, tf_pattern, 3000);
	fake_qp_send(p.cqp, 3, tf_pattern, 10);
	fake_settle(p.base, 100);
	CU_ASSERT_EQUAL(p.sqp->rx_done, 1);
	CU_ASSERT_EQUAL(p.sqp->nrx, 1);
	CU_ASSERT_EQUAL(p.sqp->llp_errors, 0);	/* the engine knows */
	CU_ASSERT_EQUAL(p.cqp->tx_done, 3);
	fake_pair_close(&p);
}

/* The engine drops a payload (pl.discard): framing goes on. */
static void
test_engine_discards(void)
{
	struct tp_mpa_opts o = tf_opts(true, true);
	struct fake_pair p;
	uint8_t hdr[ENG_HDR_MAX];

	CU_ASSERT_FATAL(fake_pair_open(&p, &o, &o, NULL, NULL) == 0);
	CU_ASSERT_FATAL(fake_pair_up(&p));
	p.sqp->rx_discard = true;
	fake_qp_send(p.cqp, 1, tf_pattern, 5000);
	CU_ASSERT_FATAL(tf_wait_rx(&p, p.sqp, 1, 2000));
	p.sqp->rx_discard = false;
	fake_qp_send(p.cqp, 2, tf_pattern + 9, 777);
	CU_ASSERT_FATAL(tf_wait_rx(&p, p.sqp, 2, 2000));
	CU_ASSERT_EQUAL(p.sqp->llp_errors, 0);
	CU_ASSERT_EQUAL(p.sqp->rx[0].len, 0);
	tf_check_rx(p.sqp, 1, hdr, fake_hdr_send(hdr, 2), tf_pattern + 9, 777);
	fake_pair_close(&p);
}

/*
 * Traffic for the Wireshark check (tests/integration/tshark-mpa.sh):
 * one FPDU at a time, each answered before the next, so that every FPDU
 * starts a TCP segment (the Wireshark MPA dissector only finds markers
 * then).  Three connections: Rev 2 with markers and CRC both ways, Rev 1
 * without CRC, Rev 2 peer-to-peer with a Write RTR.
 */
static void
test_wire_sample(void)
{
	static const size_t sizes[] = { 0, 7, 200, 480, 500, 600, 1000, 1400,
	    3000, 5000, 9000 };
	uint8_t hdr[ENG_HDR_MAX];
	struct fake_pair p;
	size_t i, n = sizeof(sizes) / sizeof(sizes[0]);
	int k;

	for (k = 0; k < 3; k++) {
		struct tp_mpa_opts o = tf_opts(k != 1, k == 0);

		o.revision = k == 1 ? 1 : 2;
		o.p2p = k == 2;
		o.rtr = TP_RTR_WRITE;
		CU_ASSERT_FATAL(fake_pair_open(&p, &o, &o, NULL, NULL) == 0);
		CU_ASSERT_FATAL(fake_pair_up(&p));
		for (i = 0; i < n; i++) {
			fake_qp_send(p.cqp, (uint32_t)i + 1, tf_pattern + i,
			    sizes[i]);
			CU_ASSERT_FATAL(tf_wait_rx(&p, p.sqp, (int)i + 1,
			    2000));
			fake_qp_write(p.sqp, 99, i, tf_pattern + 3 * i,
			    sizes[i]);
			CU_ASSERT_FATAL(tf_wait_rx(&p, p.cqp, (int)i + 1,
			    2000));
		}
		for (i = 0; i < n; i++) {
			tf_check_rx(p.sqp, (int)i, hdr, fake_hdr_send(hdr,
			    (uint32_t)i + 1), tf_pattern + i, sizes[i]);
			tf_check_rx(p.cqp, (int)i, hdr, fake_hdr_write(hdr, 99,
			    i), tf_pattern + 3 * i, sizes[i]);
		}
		fake_qp_close(p.cqp, false);
		fake_settle(p.base, 30);
		CU_ASSERT_EQUAL(p.sqp->closed, 1);
		fake_pair_close(&p);
	}
}

/* A segment above max_seg is the engine's bug: local error (2/0/5). */
static void
test_oversize(void)
{
	struct tp_mpa_opts o = tf_opts(true, false);
	struct fake_pair p;
	uint8_t hdr[ENG_HDR_MAX];

	CU_ASSERT_FATAL(fake_pair_open(&p, &o, &o, NULL, NULL) == 0);
	CU_ASSERT_FATAL(fake_pair_up(&p));
	fake_qp_send(p.cqp, 1, tf_pattern, p.cqp->max_seg);	/* + 18 */
	fake_qp_send(p.cqp, 2, tf_pattern, 10);
	CU_ASSERT_FATAL(tf_wait_rx(&p, p.sqp, 1, 2000));
	CU_ASSERT_EQUAL(p.cqp->llp_errors, 1);
	CU_ASSERT_EQUAL(p.cqp->llp_err, WIRE_E_MPA_LOCAL_CATA);
	CU_ASSERT_EQUAL(p.cqp->tx_done, 1);	/* only the second: never
						 * reported as sent */
	CU_ASSERT_EQUAL(p.sqp->nrx, 1);
	tf_check_rx(p.sqp, 0, hdr, fake_hdr_send(hdr, 2), tf_pattern, 10);
	fake_pair_close(&p);
}

/* eng_qp_connect() fails at attach: Terminate 2/0/5 to the peer. */
static void
test_attach_fails(void)
{
	struct tp_mpa_opts o = tf_opts(true, false);
	struct fake_pair p;
	const struct fake_rx *r;

	CU_ASSERT_FATAL(fake_pair_open(&p, &o, &o, NULL, NULL) == 0);
	p.cqp->connect_fail = 1;
	CU_ASSERT_FATAL(tf_wait_rx(&p, p.sqp, 1, 2000));
	CU_ASSERT_EQUAL(p.cli.result, TP_ACCEPTED);
	CU_ASSERT_EQUAL(p.cli.attach_rv, -1);
	tp_tcp_ops.abort(p.cc);			/* transport.h: we drop it */
	CU_ASSERT_EQUAL_FATAL(p.sqp->nrx, 1);
	r = &p.sqp->rx[0];
	CU_ASSERT_EQUAL(r->hdr[1] & RDMAP_MASK_OPCODE, RDMAP_OP_TERMINATE);
	CU_ASSERT_EQUAL(r->hdr[18], 0x20);
	CU_ASSERT_EQUAL(r->hdr[19], 0x05);
	fake_settle(p.base, 30);
	CU_ASSERT_EQUAL(p.sqp->closed, 1);
	CU_ASSERT_EQUAL(p.cli.nclosed, 0);
	fake_pair_close(&p);
}

int
main(int argc, char **argv)
{
	static const struct tutil_case all[] = {
		{ "roundtrip_plain", test_roundtrip_plain },
		{ "roundtrip_markers", test_roundtrip_markers },
		{ "roundtrip_nocrc", test_roundtrip_nocrc },
		{ "burst", test_burst },
		{ "one_octet_writes", test_one_octet_writes },
		{ "max_ulpdu_markers", test_max_ulpdu_markers },
		{ "crc_error", test_crc_error },
		{ "marker_error", test_marker_error },
		{ "length_error", test_length_error },
		{ "engine_refuses", test_engine_refuses },
		{ "engine_discards", test_engine_discards },
		{ "oversize", test_oversize },
		{ "attach_fails", test_attach_fails },
		{ "wire_sample", test_wire_sample },
		{ NULL, NULL }
	};
	struct tutil_case cases[sizeof(all) / sizeof(all[0])];
	size_t i, n = 0;
	int a;

	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < sizeof(tf_pattern); i++)
		tf_pattern[i] = (uint8_t)(i * 31 + (i >> 8) + 7);
	/* optional arguments: run only the named cases (for captures) */
	for (i = 0; all[i].name != NULL; i++) {
		bool pick = argc < 2;

		for (a = 1; a < argc; a++)
			pick |= strcmp(argv[a], all[i].name) == 0;
		if (pick)
			cases[n++] = all[i];
	}
	cases[n].name = NULL;
	cases[n].fn = NULL;
	return tutil_run("tcp_fpdu", cases);
}
