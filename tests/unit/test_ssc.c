/* test_ssc.c — unit tests of the RFC 5043 / RFC 6581 §7 SCTP adaptation. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tutil.h"

#include "wire/iwarp.h"
#include "wire/ssc.h"
#include "wire/term.h"
#include "wire/wire_err.h"

#define T_BUF	2048

/* Parse a hex dump that must be well formed. */
static size_t
t_hex(const char *hex, uint8_t *out)
{
	long n = tutil_hex(hex, out, T_BUF);

	CU_ASSERT_FATAL(n >= 0);
	return (size_t)n;
}

/* A heap copy of exactly n octets, so ASan flags any over-read. */
static uint8_t *
t_dup(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n);

	CU_ASSERT_FATAL(q != NULL || n == 0);
	if (n)
		memcpy(q, p, n);
	return q;
}

/* Assert err is `want` and carries the Terminate triple (l, t, c). */
static void
t_err(enum wire_err err, enum wire_err want, int l, int t, int c)
{
	struct term_triple tt;

	CU_ASSERT_EQUAL(err, want);
	CU_ASSERT_EQUAL(term_triple_of(err, &tt), 0);
	CU_ASSERT_EQUAL(tt.layer, l);
	CU_ASSERT_EQUAL(tt.etype, t);
	CU_ASSERT_EQUAL(tt.ecode, c);
}

/* Decode a PPID-17 message from an exactly-sized heap copy. */
static enum wire_err
t_ctl_decode(const uint8_t *p, size_t n, struct ssc_ctl *m,
    size_t *pd_off, size_t *ulp_off)
{
	uint8_t *q = t_dup(p, n);
	enum wire_err err = ssc_ctl_decode(q, n, m);

	/* Report offsets, since the pointers die with q. */
	*pd_off = m->pd ? (size_t)(m->pd - q) : SIZE_MAX;
	*ulp_off = m->ulp_pd ? (size_t)(m->ulp_pd - q) : SIZE_MAX;
	free(q);
	return err;
}

/* ---- golden vectors ----------------------------------------------------- */

/*
 * A DDP Segment Chunk (PPID 16, RFC 5043 §5.2.2) around a one-segment
 * RDMA Write: DDP tagged header (RFC 5041 §4.2) + RDMAP control (RFC
 * 5040 §4.1).  Not decoded here beyond the prefix: just bytes.
 */
static const char t_seg_write[] =
	"00 07		# DDP-SSN = 7\n"
	"c1		# DDP ctrl: T=1 L=1 Rsvd=0000 DV=01\n"
	"40		# RDMAP ctrl (RsvdULP[0]): RV=01 Rsv=00 Opcode=0\n"
	"12 34 56 78	# Data Sink STag\n"
	"00 00 00 00 00 01 00 00 # Data Sink Tagged Offset = 0x10000\n"
	"de ad be ef	# ULP payload, 4 octets\n";

static void
t_seg_golden(void)
{
	uint8_t in[T_BUF], out[T_BUF];
	size_t n = t_hex(t_seg_write, in);
	uint8_t *q = t_dup(in, n);
	struct ssc_seg s;

	CU_ASSERT_EQUAL(n, 20);
	CU_ASSERT_EQUAL(ssc_seg_decode(q, n, &s), WIRE_OK);
	CU_ASSERT_EQUAL(s.ssn, 7);
	CU_ASSERT_PTR_EQUAL(s.seg, q + 2);
	CU_ASSERT_EQUAL(s.seg_len, 18);
	CU_ASSERT_EQUAL(s.seg[0], 0xc1);
	CU_ASSERT_EQUAL(s.seg[1], 0x40);
	CU_ASSERT_EQUAL(s.seg[17], 0xef);

	/* Gather encoding: prefix, then the segment as a second iovec. */
	CU_ASSERT_EQUAL(ssc_seg_prefix_encode(7, out, 2), 2);
	CU_ASSERT_EQUAL(memcmp(out, in, 2), 0);
	CU_ASSERT_EQUAL(ssc_seg_encode(7, in + 2, 18, out, sizeof(out)), 20);
	CU_ASSERT_EQUAL(memcmp(out, in, 20), 0);
	free(q);

	/* SSN at the top of its range: 0xffff, big-endian. */
	CU_ASSERT_EQUAL(ssc_seg_prefix_encode(0xffff, out, 2), 2);
	CU_ASSERT_EQUAL(out[0], 0xff);
	CU_ASSERT_EQUAL(out[1], 0xff);
	CU_ASSERT_EQUAL(ssc_seg_prefix_encode(0x0102, out, 2), 2);
	CU_ASSERT_EQUAL(out[0], 0x01);
	CU_ASSERT_EQUAL(out[1], 0x02);
}

/* One annotated Stream Session Control vector and what it decodes to. */
struct t_ctl_vec {
	const char	*name;
	const char	*hex;
	uint16_t	 ssn, fn;
	size_t		 pd_len;
	uint16_t	 ird, ord;
	bool		 a, b, c, d;
	size_t		 ulp_len;
	bool		 exact;	/* re-encoding gives the same bytes */
};

/* RFC 5043 §5.2.3 layout: DDP-SSN(16) Function(16) Private Data. */
static const struct t_ctl_vec t_ctl_vecs[] = {
	{ "Initiate, no PD",
	  "00 00	# DDP-SSN 0 (first chunk of the session, §6.1)\n"
	  "00 01	# Function 0x001 DDP Stream Session Initiate\n",
	  0, 1, 0, 0, 0, 0, 0, 0, 0, 0, true },
	{ "Initiate, PD",
	  "00 00	# DDP-SSN 0\n"
	  "00 01	# Function 0x001 Initiate\n"
	  "68 65 6c 6c 6f # Private Data \"hello\" (5 octets)\n",
	  0, 1, 5, 0, 0, 0, 0, 0, 0, 5, true },
	{ "Accept, no PD",
	  "00 00 00 02	# DDP-SSN 0, Function 0x002 Accept\n",
	  0, 2, 0, 0, 0, 0, 0, 0, 0, 0, true },
	{ "Accept, PD",
	  "00 00	# DDP-SSN 0\n"
	  "00 02	# Function 0x002 Accept\n"
	  "ab cd	# Private Data, 2 octets\n",
	  0, 2, 2, 0, 0, 0, 0, 0, 0, 2, true },
	{ "Reject, no PD",
	  "00 00 00 03	# DDP-SSN 0, Function 0x003 Reject\n",
	  0, 3, 0, 0, 0, 0, 0, 0, 0, 0, true },
	{ "Reject, PD",
	  "00 00	# DDP-SSN 0\n"
	  "00 03	# Function 0x003 Reject\n"
	  "6e 6f	# Private Data \"no\"\n",
	  0, 3, 2, 0, 0, 0, 0, 0, 0, 2, true },
	{ "Terminate",
	  "12 34	# DDP-SSN 0x1234 (after 0x1234 chunks)\n"
	  "00 04	# Function 0x004 Terminate, no Private Data\n",
	  0x1234, 4, 0, 0, 0, 0, 0, 0, 0, 0, true },
	{ "Enhanced Initiate, word only",
	  "00 00	# DDP-SSN 0\n"
	  "00 05	# Function 0x005 Enhanced Initiate (RFC 6581 §7)\n"
	  "00 04	# A=0 B=0 IRD=4 (RFC 6581 §9)\n"
	  "00 02	# C=0 D=0 ORD=2\n",
	  0, 5, 4, 4, 2, 0, 0, 0, 0, 0, true },
	{ "Enhanced Initiate, PD",
	  "00 00	# DDP-SSN 0\n"
	  "00 05	# Function 0x005 Enhanced Initiate\n"
	  "c0 10	# A=1 (p2p) B=1 (Send RTR) IRD=0x010\n"
	  "40 08	# C=0 D=1 (Read RTR) ORD=0x008\n"
	  "71 70	# ULP Private Data \"qp\"\n",
	  0, 5, 6, 16, 8, 1, 1, 0, 1, 2, true },
	{ "Enhanced Accept, word only",
	  "00 00	# DDP-SSN 0\n"
	  "00 06	# Function 0x006 Enhanced Accept\n"
	  "3f ff	# A=0 B=0 IRD=0x3fff (no auto negotiation, §9.1)\n"
	  "00 04	# C=0 D=0 ORD=4\n",
	  0, 6, 4, 0x3fff, 4, 0, 0, 0, 0, 0, true },
	{ "Enhanced Accept, PD",
	  "00 00	# DDP-SSN 0\n"
	  "00 06	# Function 0x006 Enhanced Accept\n"
	  "80 01	# A=1 B=0 IRD=1\n"
	  "80 00	# C=1 (Write RTR) D=0 ORD=0\n"
	  "01 02 03 # ULP Private Data, 3 octets\n",
	  0, 6, 7, 1, 0, 1, 0, 1, 0, 3, true },
	{ "Enhanced Reject, word only",
	  "00 00	# DDP-SSN 0\n"
	  "00 07	# Function 0x007 Enhanced Reject (carries the word)\n"
	  "80 00	# A=1 B=0 IRD=0\n"
	  "bf ff	# C=1 D=0 ORD=0x3fff\n",
	  0, 7, 4, 0, 0x3fff, 1, 0, 1, 0, 0, true },
	{ "Enhanced Reject, PD",
	  "00 00	# DDP-SSN 0\n"
	  "00 07	# Function 0x007 Enhanced Reject\n"
	  "00 00	# A=0 IRD=0\n"
	  "00 08	# ORD=8: the ORD the responder needs (§9.1)\n"
	  "78	# ULP Private Data \"x\"\n",
	  0, 7, 5, 0, 8, 0, 0, 0, 0, 1, true },
	{ "Enhanced Accept, A=0 with B/C/D set",
	  "00 00	# DDP-SSN 0\n"
	  "00 06	# Function 0x006 Enhanced Accept\n"
	  "40 02	# A=0 B=1 IRD=2: B is ignored when A=0 (§9.2)\n"
	  "c0 03	# C=1 D=1 ORD=3: ignored as well\n",
	  0, 6, 4, 2, 3, 0, 0, 0, 0, 0, false },
};

#define T_NVECS	(sizeof(t_ctl_vecs) / sizeof(t_ctl_vecs[0]))

/* Check a decoded message against a vector, given the PD offsets. */
static void
t_ctl_expect(const struct t_ctl_vec *v, const struct ssc_ctl *m,
    size_t pd_off, size_t ulp_off)
{
	bool enh = v->fn >= SSC_FN_ENH_INITIATE;

	CU_ASSERT_EQUAL(m->ssn, v->ssn);
	CU_ASSERT_EQUAL(m->fn, v->fn);
	CU_ASSERT_EQUAL(m->pd_len, v->pd_len);
	CU_ASSERT_EQUAL(pd_off, 4);
	CU_ASSERT_EQUAL(m->ulp_pd_len, v->ulp_len);
	CU_ASSERT_EQUAL(ulp_off, enh ? 8 : 4);
	CU_ASSERT_EQUAL(m->io.ird, v->ird);
	CU_ASSERT_EQUAL(m->io.ord, v->ord);
	CU_ASSERT_EQUAL(m->io.p2p, v->a);
	CU_ASSERT_EQUAL(m->io.rtr_send, v->b);
	CU_ASSERT_EQUAL(m->io.rtr_write, v->c);
	CU_ASSERT_EQUAL(m->io.rtr_read, v->d);
}

static void
t_ctl_golden(void)
{
	uint8_t in[T_BUF], out[T_BUF];
	struct ssc_ctl m;
	size_t i, n, pd_off, ulp_off;
	uint8_t *q;

	for (i = 0; i < T_NVECS; i++) {
		const struct t_ctl_vec *v = &t_ctl_vecs[i];

		n = t_hex(v->hex, in);
		CU_ASSERT_EQUAL(n, 4 + v->pd_len);
		CU_ASSERT_EQUAL(t_ctl_decode(in, n, &m, &pd_off, &ulp_off),
		    WIRE_OK);
		t_ctl_expect(v, &m, pd_off, ulp_off);

		/* Re-encode from a live decode so ulp_pd points somewhere. */
		q = t_dup(in, n);
		CU_ASSERT_EQUAL(ssc_ctl_decode(q, n, &m), WIRE_OK);
		CU_ASSERT_EQUAL(ssc_ctl_encoded_len(&m), n);
		CU_ASSERT_EQUAL(ssc_ctl_encode(&m, out, sizeof(out)), (int)n);
		if (v->exact) {
			CU_ASSERT_EQUAL(memcmp(out, in, n), 0);
		} else {
			/* A=0: re-encoded with B, C, D cleared. */
			CU_ASSERT_EQUAL(t_hex("00 00 00 06 00 02 00 03",
			    in), n);
			CU_ASSERT_EQUAL(memcmp(out, in, n), 0);
		}
		free(q);
	}
}

/*
 * Every function code at 512 octets of Private Data (the most allowed,
 * the word included for 5..7) and at 513.  Terminate is covered by
 * t_ctl_errors.  Hand dissection of the 512 case of Enhanced Accept:
 *	00 09		DDP-SSN 9
 *	00 06		Enhanced Accept
 *	00 05 00 06	A=0 IRD=5, C=D=0 ORD=6
 *	5a x 508	ULP Private Data
 * = 516 octets, the minimum segment of RFC 5043 §9.
 */
static void
t_ctl_pd_limits(void)
{
	static const uint16_t fns[] = { 1, 2, 3, 5, 6, 7 };
	uint8_t in[T_BUF], out[T_BUF];
	struct ssc_ctl m;
	size_t i, pd_off, ulp_off;
	bool enh;

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		enh = fns[i] >= 5;
		memset(in, 0x5a, sizeof(in));
		in[0] = 0x00, in[1] = 0x09;
		in[2] = 0x00, in[3] = (uint8_t)fns[i];
		in[4] = 0x00, in[5] = 0x05, in[6] = 0x00, in[7] = 0x06;

		CU_ASSERT_EQUAL(t_ctl_decode(in, 516, &m, &pd_off, &ulp_off),
		    WIRE_OK);
		CU_ASSERT_EQUAL(m.ssn, 9);
		CU_ASSERT_EQUAL(m.fn, fns[i]);
		CU_ASSERT_EQUAL(m.pd_len, 512);
		CU_ASSERT_EQUAL(m.ulp_pd_len, enh ? 508 : 512);
		CU_ASSERT_EQUAL(m.io.ird, enh ? 5 : 0);
		CU_ASSERT_EQUAL(m.io.ord, enh ? 6 : 0);

		t_err(t_ctl_decode(in, 517, &m, &pd_off, &ulp_off),
		    WIRE_E_SSC_PD_TOO_LONG, 2, 0, 4);
		CU_ASSERT_EQUAL(m.fn, fns[i]);
		CU_ASSERT_EQUAL(m.pd_len, 513);
		CU_ASSERT_EQUAL(m.ulp_pd_len, 0);

		/* The encoder enforces the same limit. */
		m.ssn = 9;
		m.fn = fns[i];
		m.io.ird = 5;
		m.io.ord = 6;
		m.io.p2p = m.io.rtr_send = m.io.rtr_write = false;
		m.io.rtr_read = false;
		m.ulp_pd = in + (enh ? 8 : 4);
		m.ulp_pd_len = enh ? 508 : 512;
		CU_ASSERT_EQUAL(ssc_ctl_check(&m), WIRE_OK);
		CU_ASSERT_EQUAL(ssc_ctl_encode(&m, out, sizeof(out)), 516);
		CU_ASSERT_EQUAL(memcmp(out, in, 516), 0);
		m.ulp_pd_len++;
		CU_ASSERT_EQUAL(ssc_ctl_check(&m), WIRE_E_SSC_PD_TOO_LONG);
		CU_ASSERT_EQUAL(ssc_ctl_encode(&m, out, sizeof(out)),
		    SSC_ENC_INVALID);
	}
}

/* ---- round trips -------------------------------------------------------- */

/* Encode m, decode it back and compare every field. */
static void
t_ctl_roundtrip_one(const struct ssc_ctl *m)
{
	uint8_t out[T_BUF];
	struct ssc_ctl d;
	size_t len = ssc_ctl_encoded_len(m);
	uint8_t *q;
	int n;

	n = ssc_ctl_encode(m, out, sizeof(out));
	CU_ASSERT_EQUAL_FATAL(n, (int)len);
	/* Exactly len octets suffice and one fewer does not. */
	CU_ASSERT_EQUAL(ssc_ctl_encode(m, out, len), n);
	CU_ASSERT_EQUAL(ssc_ctl_encode(m, out, len - 1), SSC_ENC_NOSPACE);

	q = t_dup(out, len);
	CU_ASSERT_EQUAL(ssc_ctl_decode(q, len, &d), WIRE_OK);
	CU_ASSERT_EQUAL(d.ssn, m->ssn);
	CU_ASSERT_EQUAL(d.fn, m->fn);
	CU_ASSERT_EQUAL(d.ulp_pd_len, m->ulp_pd_len);
	if (d.ulp_pd_len == m->ulp_pd_len && m->ulp_pd_len) {
		CU_ASSERT_EQUAL(memcmp(d.ulp_pd, m->ulp_pd, m->ulp_pd_len), 0);
	}
	if (ssc_fn_is_enhanced(m->fn)) {
		CU_ASSERT_EQUAL(d.pd_len, m->ulp_pd_len + 4);
		CU_ASSERT_EQUAL(d.io.ird, m->io.ird);
		CU_ASSERT_EQUAL(d.io.ord, m->io.ord);
		CU_ASSERT_EQUAL(d.io.p2p, m->io.p2p);
		CU_ASSERT_EQUAL(d.io.rtr_send, m->io.rtr_send);
		CU_ASSERT_EQUAL(d.io.rtr_write, m->io.rtr_write);
		CU_ASSERT_EQUAL(d.io.rtr_read, m->io.rtr_read);
	} else {
		CU_ASSERT_EQUAL(d.pd_len, m->ulp_pd_len);
		CU_ASSERT_PTR_EQUAL(d.pd, d.ulp_pd);
		CU_ASSERT_EQUAL(d.io.ird, 0);
		CU_ASSERT_FALSE(d.io.p2p);
	}
	free(q);
}

static void
t_ctl_roundtrip(void)
{
	static const uint16_t ssns[] = { 0, 1, 0x7fff, 0x8000, 0xffff };
	static const uint16_t vals[] = { 0, 1, 0x1fff, 0x3ffe, 0x3fff };
	static const size_t lens[] = { 0, 1, 100, 508 };
	uint8_t pd[512];
	struct ssc_ctl m;
	unsigned int fn, flags, i, j, k;

	for (i = 0; i < sizeof(pd); i++)
		pd[i] = (uint8_t)(i * 7 + 1);
	memset(&m, 0, sizeof(m));
	m.ulp_pd = pd;

	/* Plain codes: every SSN class and PD length up to the limit. */
	for (fn = 1; fn <= 4; fn++)
		for (i = 0; i < 5; i++)
			for (j = 0; j < 4; j++) {
				m.fn = (uint16_t)fn;
				m.ssn = ssns[i];
				m.ulp_pd_len = fn == 4 ? 0 : lens[j];
				t_ctl_roundtrip_one(&m);
			}
	m.fn = 1;
	m.ulp_pd_len = 512;
	t_ctl_roundtrip_one(&m);

	/* Enhanced codes: all legal flag sets and IRD/ORD extremes. */
	for (fn = 5; fn <= 7; fn++)
		for (flags = 0; flags < 16; flags++)
			for (i = 0; i < 5; i++)
				for (k = 0; k < 4; k++) {
					m.fn = (uint16_t)fn;
					m.ssn = ssns[i];
					m.io.ird = vals[i];
					m.io.ord = vals[4 - i];
					m.io.p2p = flags & 1;
					m.io.rtr_send = flags & 2;
					m.io.rtr_write = flags & 4;
					m.io.rtr_read = flags & 8;
					m.ulp_pd_len = lens[k];
					if (!m.io.p2p && flags != 0) {
						/* B/C/D without A (§9.2). */
						CU_ASSERT_EQUAL(ssc_ctl_encode(
						    &m, pd, 0),
						    SSC_ENC_INVALID);
						continue;
					}
					t_ctl_roundtrip_one(&m);
				}
}

static void
t_seg_roundtrip(void)
{
	static const uint16_t ssns[] = { 0, 1, 0x7fff, 0x8000, 0xfffe, 0xffff };
	uint8_t seg[600], out[T_BUF];
	struct ssc_seg s;
	size_t i, len;
	uint8_t *q;

	for (i = 0; i < sizeof(seg); i++)
		seg[i] = (uint8_t)(0xff - i);
	for (i = 0; i < sizeof(ssns) / sizeof(ssns[0]); i++)
		for (len = 0; len <= sizeof(seg); len += 149) {
			CU_ASSERT_EQUAL(ssc_seg_encode(ssns[i], seg, len, out,
			    len + 2), (int)len + 2);
			CU_ASSERT_EQUAL(ssc_seg_encode(ssns[i], seg, len, out,
			    len + 1), SSC_ENC_NOSPACE);
			CU_ASSERT_EQUAL(ssc_seg_encode(ssns[i], seg, len, out,
			    len + 2), (int)len + 2);
			q = t_dup(out, len + 2);
			CU_ASSERT_EQUAL(ssc_seg_decode(q, len + 2, &s),
			    WIRE_OK);
			CU_ASSERT_EQUAL(s.ssn, ssns[i]);
			CU_ASSERT_EQUAL(s.seg_len, len);
			CU_ASSERT_PTR_EQUAL(s.seg, q + 2);
			CU_ASSERT_EQUAL(memcmp(s.seg, seg, len), 0);
			free(q);
		}
	CU_ASSERT_EQUAL(ssc_seg_encode(1, NULL, 0, out, 2), 2);
	CU_ASSERT_EQUAL(ssc_seg_prefix_encode(1, out, 1), SSC_ENC_NOSPACE);
	CU_ASSERT_EQUAL(ssc_seg_prefix_encode(1, out, 0), SSC_ENC_NOSPACE);
	CU_ASSERT_EQUAL(ssc_seg_encode(1, seg, SIZE_MAX - 1, out, 4),
	    SSC_ENC_INVALID);
}

static void
t_ird_ord(void)
{
	struct irdord io, back;
	uint8_t w[4];
	unsigned int flags;

	memset(&io, 0, sizeof(io));
	io.ird = 0x1234 & 0x3fff;
	io.ord = 0x0abc;
	for (flags = 0; flags < 16; flags++) {
		io.p2p = flags & 1;
		io.rtr_send = flags & 2;
		io.rtr_write = flags & 4;
		io.rtr_read = flags & 8;
		if (!io.p2p && flags) {
			CU_ASSERT_EQUAL(ssc_ird_ord_encode(&io, w, 4),
			    SSC_ENC_INVALID);
			continue;
		}
		CU_ASSERT_EQUAL(ssc_ird_ord_encode(&io, w, 4), 4);
		CU_ASSERT_EQUAL(ssc_ird_ord_encode(&io, w, 3),
		    SSC_ENC_NOSPACE);
		/* |A|B| IRD | and |C|D| ORD |, big-endian (RFC 6581 §9). */
		CU_ASSERT_EQUAL(w[0], (io.p2p ? 0x80 : 0) |
		    (io.rtr_send ? 0x40 : 0) | 0x12);
		CU_ASSERT_EQUAL(w[1], 0x34);
		CU_ASSERT_EQUAL(w[2], (io.rtr_write ? 0x80 : 0) |
		    (io.rtr_read ? 0x40 : 0) | 0x0a);
		CU_ASSERT_EQUAL(w[3], 0xbc);
		irdord_load(w, &back);
		CU_ASSERT_EQUAL(memcmp(&back, &io, sizeof(io)), 0);
	}
	io.p2p = true;
	io.ird = 0x4000;
	CU_ASSERT_EQUAL(ssc_ird_ord_encode(&io, w, 4), SSC_ENC_INVALID);
	io.ird = 0;
	io.ord = 0x4000;
	CU_ASSERT_EQUAL(ssc_ird_ord_encode(&io, w, 4), SSC_ENC_INVALID);
}

/* ---- truncation sweeps ------------------------------------------------- */

/*
 * SCTP delivers whole messages (RFC 9260 §1.5.3, RFC 5043 §5.2), so a
 * prefix of a session control message is a shorter message: below 4
 * octets it is SSC_SHORT, below the word of an enhanced code it is
 * SSC_ENH_SHORT, and past that it decodes with correspondingly less
 * private data.  Each prefix sits in an exactly-sized heap buffer.
 */
static void
t_ctl_truncation(void)
{
	uint8_t in[T_BUF];
	struct ssc_ctl m;
	size_t i, n, k, pd_off, ulp_off;
	enum wire_err err;

	for (i = 0; i < T_NVECS; i++) {
		const struct t_ctl_vec *v = &t_ctl_vecs[i];
		bool enh = v->fn >= SSC_FN_ENH_INITIATE;

		n = t_hex(v->hex, in);
		for (k = 0; k < n; k++) {
			err = t_ctl_decode(in, k, &m, &pd_off, &ulp_off);
			if (k < 4) {
				t_err(err, WIRE_E_SSC_SHORT, 2, 0, 4);
				CU_ASSERT_EQUAL(m.fn, 0);
				CU_ASSERT_PTR_NULL(m.pd);
			} else if (enh && k < 8) {
				t_err(err, WIRE_E_SSC_ENH_SHORT, 2, 0, 4);
				CU_ASSERT_EQUAL(m.fn, v->fn);
				CU_ASSERT_EQUAL(m.pd_len, k - 4);
				CU_ASSERT_EQUAL(m.ulp_pd_len, 0);
			} else {
				CU_ASSERT_EQUAL(err, WIRE_OK);
				CU_ASSERT_EQUAL(m.ssn, v->ssn);
				CU_ASSERT_EQUAL(m.fn, v->fn);
				CU_ASSERT_EQUAL(m.pd_len, k - 4);
				CU_ASSERT_EQUAL(m.ulp_pd_len,
				    k - (enh ? 8 : 4));
				CU_ASSERT_EQUAL(m.io.ird, v->ird);
				CU_ASSERT_EQUAL(m.io.ord, v->ord);
			}
		}
	}
}

static void
t_seg_truncation(void)
{
	uint8_t in[T_BUF];
	struct ssc_seg s;
	size_t n = t_hex(t_seg_write, in), k;
	uint8_t *q;

	for (k = 0; k < n; k++) {
		q = t_dup(in, k);
		if (k < 2) {
			t_err(ssc_seg_decode(q, k, &s),
			    WIRE_E_SSC_SEGMENT_SHORT, 0, 2, 7);
			CU_ASSERT_PTR_NULL(s.seg);
			CU_ASSERT_EQUAL(s.ssn, 0);
		} else {
			/* The DDP codec judges a short segment. */
			CU_ASSERT_EQUAL(ssc_seg_decode(q, k, &s), WIRE_OK);
			CU_ASSERT_EQUAL(s.ssn, 7);
			CU_ASSERT_EQUAL(s.seg_len, k - 2);
		}
		free(q);
	}
}

/* ---- error paths -------------------------------------------------------- */

static void
t_ctl_errors(void)
{
	uint8_t in[T_BUF];
	struct ssc_ctl m;
	size_t n, pd_off, ulp_off;

	/* Unknown function codes: 0, 8, 0x100 and 0xffff. */
	n = t_hex("00 00 00 00 # SSN 0, Function 0x000 (unassigned)", in);
	t_err(t_ctl_decode(in, n, &m, &pd_off, &ulp_off),
	    WIRE_E_SSC_FUNCTION, 2, 0, 4);
	CU_ASSERT_EQUAL(m.fn, 0);
	CU_ASSERT_PTR_NULL(m.pd);
	n = t_hex("00 01 00 08 aa # Function 0x008 (unassigned)", in);
	t_err(t_ctl_decode(in, n, &m, &pd_off, &ulp_off),
	    WIRE_E_SSC_FUNCTION, 2, 0, 4);
	n = t_hex("00 01 01 00 # Function 0x100", in);
	t_err(t_ctl_decode(in, n, &m, &pd_off, &ulp_off),
	    WIRE_E_SSC_FUNCTION, 2, 0, 4);
	n = t_hex("00 01 ff ff # Function 0xffff", in);
	t_err(t_ctl_decode(in, n, &m, &pd_off, &ulp_off),
	    WIRE_E_SSC_FUNCTION, 2, 0, 4);

	/* Terminate with any Private Data (§5.2.3), even past 512. */
	n = t_hex("00 05 00 04 # SSN 5, Terminate\n 00 # one octet of PD", in);
	t_err(t_ctl_decode(in, n, &m, &pd_off, &ulp_off),
	    WIRE_E_SSC_TERM_PD, 2, 0, 4);
	CU_ASSERT_EQUAL(m.ssn, 5);
	CU_ASSERT_EQUAL(m.fn, 4);
	CU_ASSERT_EQUAL(m.pd_len, 1);
	memset(in + 4, 0, 600);
	t_err(t_ctl_decode(in, 604, &m, &pd_off, &ulp_off),
	    WIRE_E_SSC_TERM_PD, 2, 0, 4);

	/* Private Data over 512, counting the enhanced word (RFC 6581 §7). */
	memset(in, 0, 700);
	in[3] = 2;
	t_err(t_ctl_decode(in, 4 + 513, &m, &pd_off, &ulp_off),
	    WIRE_E_SSC_PD_TOO_LONG, 2, 0, 4);
	t_err(t_ctl_decode(in, 700, &m, &pd_off, &ulp_off),
	    WIRE_E_SSC_PD_TOO_LONG, 2, 0, 4);

	/* Enhanced codes whose Private Data cannot hold the word. */
	n = t_hex("00 00 00 05 3f ff 00 # Enhanced Initiate, 3 octets", in);
	t_err(t_ctl_decode(in, n, &m, &pd_off, &ulp_off),
	    WIRE_E_SSC_ENH_SHORT, 2, 0, 4);
	CU_ASSERT_EQUAL(m.pd_len, 3);
	n = t_hex("00 00 00 06 # Enhanced Accept, no PD at all", in);
	t_err(t_ctl_decode(in, n, &m, &pd_off, &ulp_off),
	    WIRE_E_SSC_ENH_SHORT, 2, 0, 4);
	n = t_hex("00 03 00 07 # Enhanced Reject without the word", in);
	t_err(t_ctl_decode(in, n, &m, &pd_off, &ulp_off),
	    WIRE_E_SSC_ENH_SHORT, 2, 0, 4);
	/* Still recognisable as the rejection it is. */
	CU_ASSERT_EQUAL(m.ssn, 3);
	CU_ASSERT_EQUAL(m.fn, SSC_FN_ENH_REJECT);

	/* Short header. */
	t_err(t_ctl_decode(in, 0, &m, &pd_off, &ulp_off),
	    WIRE_E_SSC_SHORT, 2, 0, 4);
	t_err(t_ctl_decode(in, 3, &m, &pd_off, &ulp_off),
	    WIRE_E_SSC_SHORT, 2, 0, 4);
}

static void
t_ctl_encode_errors(void)
{
	uint8_t out[T_BUF], pd[600];
	struct ssc_ctl m;

	memset(pd, 0, sizeof(pd));
	memset(&m, 0, sizeof(m));
	m.ulp_pd = pd;

	m.fn = 0;
	CU_ASSERT_EQUAL(ssc_ctl_check(&m), WIRE_E_SSC_FUNCTION);
	CU_ASSERT_EQUAL(ssc_ctl_encode(&m, out, sizeof(out)), SSC_ENC_INVALID);
	m.fn = 8;
	CU_ASSERT_EQUAL(ssc_ctl_check(&m), WIRE_E_SSC_FUNCTION);
	CU_ASSERT_EQUAL(ssc_ctl_encode(&m, out, sizeof(out)), SSC_ENC_INVALID);

	m.fn = SSC_FN_TERMINATE;
	CU_ASSERT_EQUAL(ssc_ctl_check(&m), WIRE_OK);
	CU_ASSERT_EQUAL(ssc_ctl_encode(&m, out, 4), 4);
	CU_ASSERT_EQUAL(ssc_ctl_encode(&m, out, 3), SSC_ENC_NOSPACE);
	m.ulp_pd_len = 1;
	CU_ASSERT_EQUAL(ssc_ctl_check(&m), WIRE_E_SSC_TERM_PD);
	CU_ASSERT_EQUAL(ssc_ctl_encode(&m, out, sizeof(out)), SSC_ENC_INVALID);

	m.fn = SSC_FN_ENH_INITIATE;
	m.ulp_pd_len = 509;
	CU_ASSERT_EQUAL(ssc_ctl_check(&m), WIRE_E_SSC_PD_TOO_LONG);
	m.ulp_pd_len = SIZE_MAX;	/* saturates, does not wrap */
	CU_ASSERT_EQUAL(ssc_ctl_check(&m), WIRE_E_SSC_PD_TOO_LONG);
	CU_ASSERT_EQUAL(ssc_ctl_encoded_len(&m), SIZE_MAX);
	CU_ASSERT_EQUAL(ssc_ctl_encode(&m, out, sizeof(out)), SSC_ENC_INVALID);

	m.ulp_pd_len = 0;
	m.io.ird = 0x4000;
	CU_ASSERT_EQUAL(ssc_ctl_check(&m), WIRE_OK);
	CU_ASSERT_EQUAL(ssc_ctl_encode(&m, out, sizeof(out)), SSC_ENC_INVALID);
	m.io.ird = 0;
	m.io.rtr_read = true;		/* D without A, RFC 6581 §9.2 */
	CU_ASSERT_EQUAL(ssc_ctl_encode(&m, out, sizeof(out)), SSC_ENC_INVALID);
	m.io.p2p = true;
	CU_ASSERT_EQUAL(ssc_ctl_encode(&m, out, sizeof(out)), 8);
	CU_ASSERT_EQUAL(ssc_ctl_encode(&m, out, 7), SSC_ENC_NOSPACE);

	m.ulp_pd = NULL;
	m.ulp_pd_len = 1;
	CU_ASSERT_EQUAL(ssc_ctl_encode(&m, out, sizeof(out)), SSC_ENC_INVALID);
}

static void
t_fn_table(void)
{
	static const char *const names[] = { NULL, "Initiate", "Accept",
	    "Reject", "Terminate", "Enhanced Initiate", "Enhanced Accept",
	    "Enhanced Reject", NULL };
	unsigned int fn;

	for (fn = 0; fn <= 8; fn++) {
		if (names[fn] == NULL) {
			CU_ASSERT_PTR_NULL(ssc_fn_name((uint16_t)fn));
		} else {
			CU_ASSERT_STRING_EQUAL(ssc_fn_name((uint16_t)fn),
			    names[fn]);
		}
		CU_ASSERT_EQUAL(ssc_fn_is_enhanced((uint16_t)fn),
		    fn >= 5 && fn <= 7);
	}
	CU_ASSERT_PTR_NULL(ssc_fn_name(0xffff));
	CU_ASSERT_FALSE(ssc_fn_is_enhanced(0xffff));
}

/* ---- PPIDs and DDP-SSN arithmetic --------------------------------------- */

static void
t_ppid(void)
{
	uint32_t v;
	uint8_t b[4];

	/* In memory, the sinfo value holds the PPID big-endian. */
	v = ssc_ppid_to_sinfo(SCTP_DDP_PPID_SEGMENT);
	memcpy(b, &v, 4);
	CU_ASSERT(b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 16);
	v = ssc_ppid_to_sinfo(SCTP_DDP_PPID_SSC);
	memcpy(b, &v, 4);
	CU_ASSERT(b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 17);
	v = ssc_ppid_to_sinfo(0x01020304u);
	memcpy(b, &v, 4);
	CU_ASSERT(b[0] == 1 && b[1] == 2 && b[2] == 3 && b[3] == 4);

	memcpy(&v, "\x00\x00\x00\x11", 4);
	CU_ASSERT_EQUAL(ssc_ppid_from_sinfo(v), SCTP_DDP_PPID_SSC);
	memcpy(&v, "\xde\xad\xbe\xef", 4);
	CU_ASSERT_EQUAL(ssc_ppid_from_sinfo(v), 0xdeadbeefu);
	CU_ASSERT_EQUAL(ssc_ppid_from_sinfo(ssc_ppid_to_sinfo(0x80000001u)),
	    0x80000001u);
}

static void
t_ssn(void)
{
	struct term_triple tt;
	uint32_t a, b;
	unsigned int bad = 0;

	CU_ASSERT_EQUAL(SSC_SSN_FIRST, 0);
	CU_ASSERT_EQUAL(ssc_ssn_next(0), 1);
	CU_ASSERT_EQUAL(ssc_ssn_next(0x7fff), 0x8000);
	CU_ASSERT_EQUAL(ssc_ssn_next(0xffff), 0);	/* wrap, §6.1 */
	CU_ASSERT_EQUAL(ssc_ssn_dist(0xffff, 0), 1);
	CU_ASSERT_EQUAL(ssc_ssn_dist(0xfff0, 0x000f), 0x1f);
	CU_ASSERT_EQUAL(ssc_ssn_dist(1, 0), 0xffff);

	/* RFC 1982 comparison across the wrap. */
	CU_ASSERT_TRUE(ssc_ssn_lt(0xffff, 0));
	CU_ASSERT_FALSE(ssc_ssn_lt(0, 0xffff));
	CU_ASSERT_TRUE(ssc_ssn_lt(0, 0x7fff));
	CU_ASSERT_FALSE(ssc_ssn_lt(0x7fff, 0));
	CU_ASSERT_FALSE(ssc_ssn_lt(5, 5));
	/* Exactly half the space apart: unordered both ways. */
	CU_ASSERT_FALSE(ssc_ssn_lt(0, 0x8000));
	CU_ASSERT_FALSE(ssc_ssn_lt(0x8000, 0));
	CU_ASSERT_FALSE(ssc_ssn_lt(0xc000, 0x4000));
	CU_ASSERT_FALSE(ssc_ssn_lt(0x4000, 0xc000));

	/* Exhaustive over b for a few a: the defining property. */
	for (a = 0; a <= 0xffff; a += 0x3fff)
		for (b = 0; b <= 0xffff; b++) {
			uint16_t d = (uint16_t)(b - a);
			bool lt = ssc_ssn_lt((uint16_t)a, (uint16_t)b);
			bool gt = ssc_ssn_lt((uint16_t)b, (uint16_t)a);

			if (lt != (d >= 1 && d <= 0x7fff) ||
			    gt != (d >= 0x8001) || (lt && gt))
				bad++;
			if (ssc_ssn_in_window((uint16_t)b, (uint16_t)a) !=
			    (d < 32767))
				bad++;
		}
	CU_ASSERT_EQUAL(bad, 0);

	/* The receive window: next .. next + 32766, across the wrap. */
	CU_ASSERT_TRUE(ssc_ssn_in_window(0xfff0, 0xfff0));
	CU_ASSERT_TRUE(ssc_ssn_in_window(0x0000, 0xffff));
	CU_ASSERT_TRUE(ssc_ssn_in_window(0x7fee, 0xfff0));	/* +32766 */
	CU_ASSERT_FALSE(ssc_ssn_in_window(0x7fef, 0xfff0));	/* +32767 */
	CU_ASSERT_FALSE(ssc_ssn_in_window(0xffef, 0xfff0));	/* behind */
	CU_ASSERT_TRUE(ssc_ssn_in_window(0x7ffe, 0));
	CU_ASSERT_FALSE(ssc_ssn_in_window(0x7fff, 0));
	CU_ASSERT_FALSE(ssc_ssn_in_window(0xffff, 0));

	CU_ASSERT_EQUAL(ssc_ssn_check(0, 0xffff), WIRE_OK);
	CU_ASSERT_EQUAL(ssc_ssn_check(0x7ffe, 0), WIRE_OK);
	t_err(ssc_ssn_check(0x7fff, 0), WIRE_E_SSC_SSN_WINDOW, 0, 2, 7);
	t_err(ssc_ssn_check(0xfffe, 0xffff), WIRE_E_SSC_SSN_WINDOW, 0, 2, 7);
	CU_ASSERT_EQUAL(term_triple_of(WIRE_E_SSC_SSN_WINDOW, &tt), 0);
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "segment chunk golden", t_seg_golden },
		{ "session control golden", t_ctl_golden },
		{ "private data 512/513", t_ctl_pd_limits },
		{ "session control round trip", t_ctl_roundtrip },
		{ "segment chunk round trip", t_seg_roundtrip },
		{ "IRD/ORD word", t_ird_ord },
		{ "session control truncation", t_ctl_truncation },
		{ "segment chunk truncation", t_seg_truncation },
		{ "session control errors", t_ctl_errors },
		{ "session control encode errors", t_ctl_encode_errors },
		{ "function code table", t_fn_table },
		{ "PPID byte order", t_ppid },
		{ "DDP-SSN arithmetic", t_ssn },
		{ NULL, NULL }
	};

	return tutil_run("ssc", cases);
}
