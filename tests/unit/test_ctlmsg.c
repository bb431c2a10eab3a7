/* test_ctlmsg.c — unit tests of the rdmad control-message codec. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tutil.h"

#include "wire/ctlmsg.h"

#define T_BUF	1024

/*
 * Parse an annotated hex dump into out and zero-fill up to `total`
 * octets (the long NUL paddings are not spelled out).  Returns total.
 */
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

/* ctl_msg_check() on an exactly-sized heap copy. */
static enum ctl_err
t_check(const uint8_t *p, size_t n, unsigned int nfds, struct ctl_hdr *h)
{
	uint8_t *q = t_dup(p, n);
	enum ctl_err err = ctl_msg_check(q, n, nfds, h);

	free(q);
	return err;
}

/* ---- golden messages ---------------------------------------------------- */

/* Every integer little-endian; lengths include the 16-octet header. */
static const char t_hello_hex[] =
	"01 00 00 00	# type 1 HELLO\n"
	"38 00 00 00	# length 56 = 16 + 40\n"
	"02 00 00 00	# version 2 (CTL_PROTO_VERSION)\n"
	"07 00 00 00	# request id 7\n"
	"02 00 00 00	# payload: proto version 2\n"
	"00 00 00 00	# flags 0\n"
	"72 64 6d 61 63 74 6c 00 # client_name \"rdmactl\" NUL\n"
	"		# ... 24 x 00: NUL padding to 32 octets\n";
#define T_HELLO_LEN	56

static const char t_hello_reply_hex[] =
	"02 00 00 00	# type 2 HELLO_REPLY\n"
	"38 00 00 00	# length 56\n"
	"02 00 00 00	# version 2\n"
	"07 00 00 00	# request id 7 (echoed)\n"
	"02 00 00 00	# payload: daemon proto version 2\n"
	"05 00 00 80	# flags 0x80000005 (opaque, passed through)\n"
	"72 64 6d 61 64 20 30 2e 31 00 # daemon_version \"rdmad 0.1\" NUL\n"
	"		# ... 22 x 00\n";
#define T_HELLO_REPLY_LEN 56

static const char t_result_hex[] =
	"03 00 00 00	# type 3 RESULT\n"
	"18 01 00 00	# length 280 = 16 + 264\n"
	"02 00 00 00	# version 2\n"
	"04 03 02 01	# request id 0x01020304, low octet first\n"
	"02 00 00 00	# code 2 (ENOENT-like)\n"
	"00 00 00 00	# reserved, zero\n"
	"6e 6f 20 73 75 63 68 20 64 65 76 69 63 65 00\n"
	"		# message \"no such device\" NUL, then 241 x 00\n";
#define T_RESULT_LEN	280

static const char t_end_hex[] =
	"04 00 00 00	# type 4 END\n"
	"10 00 00 00	# length 16: header only\n"
	"02 00 00 00	# version 2\n"
	"ef be ad de	# request id 0xdeadbeef\n";
#define T_END_LEN	16

struct t_golden {
	const char	*hex;
	size_t		 len;
	uint32_t	 type, reqid;
};

static const struct t_golden t_goldens[] = {
	{ t_hello_hex, T_HELLO_LEN, CTL_MSG_HELLO, 7 },
	{ t_hello_reply_hex, T_HELLO_REPLY_LEN, CTL_MSG_HELLO_REPLY, 7 },
	{ t_result_hex, T_RESULT_LEN, CTL_MSG_RESULT, 0x01020304 },
	{ t_end_hex, T_END_LEN, CTL_MSG_END, 0xdeadbeef },
};

#define T_NGOLDEN	(sizeof(t_goldens) / sizeof(t_goldens[0]))

static void
t_golden_hdr(void)
{
	uint8_t in[T_BUF];
	struct ctl_hdr h;
	size_t i, n;

	for (i = 0; i < T_NGOLDEN; i++) {
		n = t_msg(t_goldens[i].hex, t_goldens[i].len, in);
		CU_ASSERT_EQUAL(t_check(in, n, 0, &h), CTL_OK);
		CU_ASSERT_EQUAL(h.type, t_goldens[i].type);
		CU_ASSERT_EQUAL(h.len, n);
		CU_ASSERT_EQUAL(h.version, CTL_PROTO_VERSION);
		CU_ASSERT_EQUAL(h.reqid, t_goldens[i].reqid);
	}
}

static void
t_golden_hello(void)
{
	uint8_t in[T_BUF], out[T_BUF];
	struct ctl_hello m;
	size_t n = t_msg(t_hello_hex, T_HELLO_LEN, in);

	CU_ASSERT_EQUAL(ctl_hello_decode(in + 16, n - 16, &m), CTL_OK);
	CU_ASSERT_EQUAL(m.version, 2);
	CU_ASSERT_EQUAL(m.flags, 0);
	CU_ASSERT_STRING_EQUAL(m.client_name, "rdmactl");

	memset(out, 0xee, sizeof(out));
	CU_ASSERT_EQUAL(ctl_hello_encode(7, &m, out, sizeof(out)), 56);
	CU_ASSERT_EQUAL(memcmp(out, in, 56), 0);
	CU_ASSERT_EQUAL(out[56], 0xee);		/* nothing past the end */
}

static void
t_golden_hello_reply(void)
{
	uint8_t in[T_BUF], out[T_BUF];
	struct ctl_hello_reply m;
	size_t n = t_msg(t_hello_reply_hex, T_HELLO_REPLY_LEN, in);

	CU_ASSERT_EQUAL(ctl_hello_reply_decode(in + 16, n - 16, &m), CTL_OK);
	CU_ASSERT_EQUAL(m.version, 2);
	CU_ASSERT_EQUAL(m.flags, 0x80000005u);
	CU_ASSERT_STRING_EQUAL(m.daemon_version, "rdmad 0.1");
	CU_ASSERT_EQUAL(ctl_hello_reply_encode(7, &m, out, sizeof(out)), 56);
	CU_ASSERT_EQUAL(memcmp(out, in, 56), 0);
}

static void
t_golden_result(void)
{
	uint8_t in[T_BUF], out[T_BUF];
	struct ctl_result m;
	size_t n = t_msg(t_result_hex, T_RESULT_LEN, in);

	CU_ASSERT_EQUAL(ctl_result_decode(in + 16, n - 16, &m), CTL_OK);
	CU_ASSERT_EQUAL(m.code, 2);
	CU_ASSERT_STRING_EQUAL(m.message, "no such device");
	CU_ASSERT_EQUAL(ctl_result_encode(0x01020304, &m, out, sizeof(out)),
	    280);
	CU_ASSERT_EQUAL(memcmp(out, in, 280), 0);
}

static void
t_golden_end(void)
{
	uint8_t in[T_BUF], out[T_BUF];
	size_t n = t_msg(t_end_hex, T_END_LEN, in);

	CU_ASSERT_EQUAL(ctl_end_encode(0xdeadbeef, out, sizeof(out)), 16);
	CU_ASSERT_EQUAL(memcmp(out, in, n), 0);
	CU_ASSERT_EQUAL(ctl_end_encode(0xdeadbeef, out, 16), 16);
	CU_ASSERT_EQUAL(ctl_end_encode(0xdeadbeef, out, 15),
	    -(int)CTL_E_NOSPACE);
}

/* ---- round trips -------------------------------------------------------- */

static void
t_roundtrip(void)
{
	static const char *const names[] = { "", "a", "librdmad/0.1 pid 4242",
	    "0123456789abcdef0123456789abcde" /* 31: the longest */ };
	static const uint32_t u32s[] = { 0, 1, 0x7fffffff, 0x80000000,
	    0xffffffff };
	uint8_t out[T_BUF];
	char msg[CTL_RESULT_MSG_LEN];
	struct ctl_hello h, h2;
	struct ctl_hello_reply r, r2;
	struct ctl_result res, res2;
	struct ctl_hdr hdr;
	size_t i, j;
	int n;

	for (i = 0; i < 4; i++)
		for (j = 0; j < 5; j++) {
			memset(&h, 0, sizeof(h));
			h.version = u32s[j];
			h.flags = u32s[4 - j];
			strcpy(h.client_name, names[i]);
			n = ctl_hello_encode(u32s[j], &h, out, sizeof(out));
			CU_ASSERT_EQUAL(n, 56);
			CU_ASSERT_EQUAL(t_check(out, 56, 0, &hdr), CTL_OK);
			CU_ASSERT_EQUAL(hdr.reqid, u32s[j]);
			CU_ASSERT_EQUAL(hdr.type, CTL_MSG_HELLO);
			CU_ASSERT_EQUAL(ctl_hello_decode(out + 16, 40, &h2),
			    CTL_OK);
			CU_ASSERT_EQUAL(memcmp(&h, &h2, sizeof(h)), 0);

			memset(&r, 0, sizeof(r));
			r.version = u32s[4 - j];
			r.flags = u32s[j];
			strcpy(r.daemon_version, names[i]);
			n = ctl_hello_reply_encode(9, &r, out, 56);
			CU_ASSERT_EQUAL(n, 56);
			CU_ASSERT_EQUAL(t_check(out, 56, 0, &hdr), CTL_OK);
			CU_ASSERT_EQUAL(ctl_hello_reply_decode(out + 16, 40,
			    &r2), CTL_OK);
			CU_ASSERT_EQUAL(memcmp(&r, &r2, sizeof(r)), 0);
		}

	/* RESULT messages of every length up to 255 characters. */
	for (i = 0; i < CTL_RESULT_MSG_LEN; i++) {
		memset(&res, 0, sizeof(res));
		memset(msg, 'm', i);
		msg[i] = '\0';
		res.code = (uint32_t)i * 0x01010101u;
		strcpy(res.message, msg);
		n = ctl_result_encode((uint32_t)i, &res, out, 280);
		CU_ASSERT_EQUAL(n, 280);
		CU_ASSERT_EQUAL(t_check(out, 280, 0, &hdr), CTL_OK);
		CU_ASSERT_EQUAL(hdr.reqid, i);
		CU_ASSERT_EQUAL(ctl_result_decode(out + 16, 264, &res2),
		    CTL_OK);
		CU_ASSERT_EQUAL(res2.code, res.code);
		CU_ASSERT_STRING_EQUAL(res2.message, msg);
	}
}

/* ---- truncation sweep --------------------------------------------------- */

/*
 * Every strict prefix of every valid message: below 16 octets the header
 * is missing (CTL_E_SHORT), beyond that the header length no longer
 * matches the datagram (CTL_E_LENGTH).  Never CTL_OK.  The payload
 * decoders given a short payload say CTL_E_PAYLOAD_LEN.
 */
static void
t_truncation(void)
{
	uint8_t in[T_BUF];
	struct ctl_hdr h;
	struct ctl_hello hm;
	struct ctl_hello_reply rm;
	struct ctl_result res;
	size_t i, k, n;
	uint8_t *q;

	for (i = 0; i < T_NGOLDEN; i++) {
		n = t_msg(t_goldens[i].hex, t_goldens[i].len, in);
		for (k = 0; k < n; k++) {
			enum ctl_err err = t_check(in, k, 0, &h);

			if (k < CTL_HDR_LEN) {
				CU_ASSERT_EQUAL(err, CTL_E_SHORT);
				CU_ASSERT_EQUAL(h.type, 0);
				CU_ASSERT_EQUAL(h.len, 0);
			} else {
				CU_ASSERT_EQUAL(err, CTL_E_LENGTH);
				CU_ASSERT_EQUAL(h.type, t_goldens[i].type);
				CU_ASSERT_EQUAL(h.len, n);
			}
			if (k < CTL_HDR_LEN)
				continue;
			q = t_dup(in + CTL_HDR_LEN, k - CTL_HDR_LEN);
			switch (t_goldens[i].type) {
			case CTL_MSG_HELLO:
				CU_ASSERT_EQUAL(ctl_hello_decode(q, k - 16,
				    &hm), CTL_E_PAYLOAD_LEN);
				CU_ASSERT_EQUAL(hm.client_name[0], '\0');
				break;
			case CTL_MSG_HELLO_REPLY:
				CU_ASSERT_EQUAL(ctl_hello_reply_decode(q,
				    k - 16, &rm), CTL_E_PAYLOAD_LEN);
				break;
			case CTL_MSG_RESULT:
				CU_ASSERT_EQUAL(ctl_result_decode(q, k - 16,
				    &res), CTL_E_PAYLOAD_LEN);
				CU_ASSERT_EQUAL(res.code, 0);
				break;
			default:
				break;
			}
			free(q);
		}
	}
}

/* ---- error paths -------------------------------------------------------- */

/* Patch the u32 at offset off of a message. */
static void
t_set32(uint8_t *p, size_t off, uint32_t v)
{
	ctl_store_le32(p + off, v);
}

static void
t_err_framing(void)
{
	uint8_t in[T_BUF], *big;
	struct ctl_hdr h;
	size_t n;

	/* Oversize: datagram or header length above 65536. */
	big = calloc(1, CTL_MSG_MAX + 1);
	CU_ASSERT_FATAL(big != NULL);
	t_set32(big, 0, CTL_MSG_HELLO);
	t_set32(big, 4, CTL_MSG_MAX + 1);
	t_set32(big, 8, CTL_PROTO_VERSION);
	CU_ASSERT_EQUAL(ctl_msg_check(big, CTL_MSG_MAX + 1, 0, &h),
	    CTL_E_OVERSIZE);
	CU_ASSERT_EQUAL(h.len, CTL_MSG_MAX + 1);
	t_set32(big, 4, 56);
	CU_ASSERT_EQUAL(ctl_msg_check(big, CTL_MSG_MAX + 1, 0, &h),
	    CTL_E_OVERSIZE);
	/* 65536 itself passes framing; HELLO's payload rule then fails. */
	t_set32(big, 4, CTL_MSG_MAX);
	CU_ASSERT_EQUAL(ctl_msg_check(big, CTL_MSG_MAX, 0, &h),
	    CTL_E_PAYLOAD_LEN);
	free(big);

	n = t_msg(t_hello_hex, T_HELLO_LEN, in);
	t_set32(in, 4, 0xffffffffu);
	CU_ASSERT_EQUAL(t_check(in, n, 0, &h), CTL_E_OVERSIZE);
	t_set32(in, 4, CTL_MSG_MAX + 1);
	CU_ASSERT_EQUAL(t_check(in, n, 0, &h), CTL_E_OVERSIZE);

	/* Header length differs from the datagram length. */
	t_set32(in, 4, 57);
	CU_ASSERT_EQUAL(t_check(in, n, 0, &h), CTL_E_LENGTH);
	t_set32(in, 4, 55);
	CU_ASSERT_EQUAL(t_check(in, n, 0, &h), CTL_E_LENGTH);
	t_set32(in, 4, 0);
	CU_ASSERT_EQUAL(t_check(in, n, 0, &h), CTL_E_LENGTH);
	t_set32(in, 4, 15);
	CU_ASSERT_EQUAL(t_check(in, 16, 0, &h), CTL_E_LENGTH);
	/* Trailing octets after a correct message. */
	t_set32(in, 4, 56);
	CU_ASSERT_EQUAL(t_check(in, 57, 0, &h), CTL_E_LENGTH);
	/* Framing goes before the version. */
	t_set32(in, 8, 3);
	CU_ASSERT_EQUAL(t_check(in, 57, 0, &h), CTL_E_LENGTH);

	CU_ASSERT_EQUAL(t_check(in, 0, 0, &h), CTL_E_SHORT);
	CU_ASSERT_EQUAL(t_check(in, 15, 0, &h), CTL_E_SHORT);
}

static void
t_err_version(void)
{
	uint8_t in[T_BUF];
	struct ctl_hdr h;
	size_t n = t_msg(t_hello_hex, T_HELLO_LEN, in);

	/* A HELLO from version 3: recognisable, header filled. */
	t_set32(in, 8, 3);
	CU_ASSERT_EQUAL(t_check(in, n, 0, &h), CTL_E_VERSION);
	CU_ASSERT_EQUAL(h.type, CTL_MSG_HELLO);
	CU_ASSERT_EQUAL(h.version, 3);
	CU_ASSERT_EQUAL(h.reqid, 7);
	CU_ASSERT_EQUAL(h.len, 56);
	t_set32(in, 8, 0);
	CU_ASSERT_EQUAL(t_check(in, n, 0, &h), CTL_E_VERSION);

	/* Another version may have another HELLO payload: still VERSION,
	 * never PAYLOAD_LEN, since only the framing is frozen. */
	t_set32(in, 4, 100);
	t_set32(in, 8, 3);
	CU_ASSERT_EQUAL(t_check(in, 100, 0, &h), CTL_E_VERSION);
	CU_ASSERT_EQUAL(h.type, CTL_MSG_HELLO);
	CU_ASSERT_EQUAL(h.version, 3);

	/* The daemon's HELLO_REPLY seen by an older client. */
	n = t_msg(t_hello_reply_hex, T_HELLO_REPLY_LEN, in);
	t_set32(in, 8, 9);
	CU_ASSERT_EQUAL(t_check(in, n, 0, &h), CTL_E_VERSION);
	CU_ASSERT_EQUAL(h.type, CTL_MSG_HELLO_REPLY);
	CU_ASSERT_EQUAL(h.version, 9);
}

static void
t_err_type(void)
{
	static const uint32_t bad[] = { 0, 5, 99, 100, 299, 0xffffffffu };
	uint8_t in[T_BUF];
	struct ctl_hdr h;
	size_t i, n = t_msg(t_end_hex, T_END_LEN, in);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t_set32(in, 0, bad[i]);
		CU_ASSERT_EQUAL(t_check(in, n, 0, &h), CTL_E_TYPE);
		CU_ASSERT_EQUAL(h.type, bad[i]);
		CU_ASSERT_EQUAL(ctl_msg_check_dir(&h, CTL_DIR_BOTH),
		    CTL_E_TYPE);
		CU_ASSERT_PTR_NULL(ctl_type_lookup(bad[i]));
		CU_ASSERT_STRING_EQUAL(ctl_type_name(bad[i]), "?");
	}
}

static void
t_err_payload_len(void)
{
	uint8_t in[T_BUF];
	struct ctl_hello hm;
	struct ctl_hdr h;
	size_t n;

	/* HELLO with 39 and 41 octets of payload. */
	n = t_msg(t_hello_hex, T_HELLO_LEN, in);
	t_set32(in, 4, 55);
	CU_ASSERT_EQUAL(t_check(in, 55, 0, &h), CTL_E_PAYLOAD_LEN);
	t_set32(in, 4, 57);
	CU_ASSERT_EQUAL(t_check(in, 57, 0, &h), CTL_E_PAYLOAD_LEN);
	/* HELLO with an empty payload. */
	t_set32(in, 4, 16);
	CU_ASSERT_EQUAL(t_check(in, 16, 0, &h), CTL_E_PAYLOAD_LEN);
	CU_ASSERT_EQUAL(ctl_hello_decode(in + 16, 0, &hm), CTL_E_PAYLOAD_LEN);
	CU_ASSERT_EQUAL(ctl_hello_decode(in + 16, 41, &hm),
	    CTL_E_PAYLOAD_LEN);

	/* END carrying one octet. */
	n = t_msg(t_end_hex, T_END_LEN, in);
	t_set32(in, 4, 17);
	CU_ASSERT_EQUAL(t_check(in, 17, 0, &h), CTL_E_PAYLOAD_LEN);

	/* RESULT one short and one long. */
	n = t_msg(t_result_hex, T_RESULT_LEN, in);
	t_set32(in, 4, 279);
	CU_ASSERT_EQUAL(t_check(in, 279, 0, &h), CTL_E_PAYLOAD_LEN);
	t_set32(in, 4, 281);
	CU_ASSERT_EQUAL(t_check(in, 281, 0, &h), CTL_E_PAYLOAD_LEN);
	(void)n;
}

static void
t_err_fds(void)
{
	static const struct ctl_type_info takes_fd = {
		150, "TEST_FD", 8, 8, 1, CTL_DIR_TO_DAEMON, true
	};
	uint8_t in[T_BUF];
	struct ctl_hdr h;
	size_t i, n;

	/* No current type takes a descriptor: any fd is unexpected. */
	for (i = 0; i < T_NGOLDEN; i++) {
		n = t_msg(t_goldens[i].hex, t_goldens[i].len, in);
		CU_ASSERT_EQUAL(t_check(in, n, 1, &h), CTL_E_FD_UNEXPECTED);
		CU_ASSERT_EQUAL(t_check(in, n, 2, &h), CTL_E_FD_UNEXPECTED);
		CU_ASSERT_EQUAL(t_check(in, n, 0, &h), CTL_OK);
	}
	/* A row expecting exactly one, as later types will. */
	CU_ASSERT_EQUAL(ctl_type_check(&takes_fd, 8, 1), CTL_OK);
	CU_ASSERT_EQUAL(ctl_type_check(&takes_fd, 8, 0), CTL_E_FD_MISSING);
	CU_ASSERT_EQUAL(ctl_type_check(&takes_fd, 8, 2),
	    CTL_E_FD_UNEXPECTED);
	/* Payload length is judged before descriptors. */
	CU_ASSERT_EQUAL(ctl_type_check(&takes_fd, 7, 0), CTL_E_PAYLOAD_LEN);
	CU_ASSERT_EQUAL(ctl_type_check(&takes_fd, 9, 1), CTL_E_PAYLOAD_LEN);
}

static void
t_err_direction(void)
{
	struct ctl_hdr h = { 0, 0, CTL_PROTO_VERSION, 0 };

	h.type = CTL_MSG_HELLO;
	CU_ASSERT_EQUAL(ctl_msg_check_dir(&h, CTL_DIR_TO_DAEMON), CTL_OK);
	CU_ASSERT_EQUAL(ctl_msg_check_dir(&h, CTL_DIR_TO_CLIENT),
	    CTL_E_DIRECTION);
	h.type = CTL_MSG_HELLO_REPLY;
	CU_ASSERT_EQUAL(ctl_msg_check_dir(&h, CTL_DIR_TO_CLIENT), CTL_OK);
	CU_ASSERT_EQUAL(ctl_msg_check_dir(&h, CTL_DIR_TO_DAEMON),
	    CTL_E_DIRECTION);
	h.type = CTL_MSG_RESULT;
	CU_ASSERT_EQUAL(ctl_msg_check_dir(&h, CTL_DIR_TO_DAEMON),
	    CTL_E_DIRECTION);
	h.type = CTL_MSG_END;
	CU_ASSERT_EQUAL(ctl_msg_check_dir(&h, CTL_DIR_TO_DAEMON),
	    CTL_E_DIRECTION);
	CU_ASSERT_EQUAL(ctl_msg_check_dir(&h, CTL_DIR_TO_CLIENT), CTL_OK);
}

static void
t_err_strings(void)
{
	uint8_t in[T_BUF];
	struct ctl_hello hm;
	struct ctl_hello_reply rm;
	struct ctl_result res;

	/* client_name: 32 octets, none NUL. */
	t_msg(t_hello_hex, T_HELLO_LEN, in);
	memset(in + 24, 'x', 32);
	CU_ASSERT_EQUAL(ctl_hello_decode(in + 16, 40, &hm), CTL_E_STRING);
	CU_ASSERT_EQUAL(hm.client_name[0], '\0');
	CU_ASSERT_EQUAL(hm.version, 0);
	/* NUL in the last octet is fine: 31 characters. */
	in[55] = 0;
	CU_ASSERT_EQUAL(ctl_hello_decode(in + 16, 40, &hm), CTL_OK);
	CU_ASSERT_EQUAL(strlen(hm.client_name), 31);
	/* Garbage after the NUL: padding must be NUL. */
	in[30] = 0;
	CU_ASSERT_EQUAL(ctl_hello_decode(in + 16, 40, &hm), CTL_E_PADDING);
	CU_ASSERT_EQUAL(hm.client_name[0], '\0');

	t_msg(t_hello_reply_hex, T_HELLO_REPLY_LEN, in);
	memset(in + 24, 'v', 32);
	CU_ASSERT_EQUAL(ctl_hello_reply_decode(in + 16, 40, &rm),
	    CTL_E_STRING);
	in[24] = 0;
	CU_ASSERT_EQUAL(ctl_hello_reply_decode(in + 16, 40, &rm),
	    CTL_E_PADDING);

	t_msg(t_result_hex, T_RESULT_LEN, in);
	memset(in + 24, 'r', 256);
	CU_ASSERT_EQUAL(ctl_result_decode(in + 16, 264, &res), CTL_E_STRING);
	CU_ASSERT_EQUAL(res.code, 0);
	in[279] = 0;
	CU_ASSERT_EQUAL(ctl_result_decode(in + 16, 264, &res), CTL_OK);
	CU_ASSERT_EQUAL(res.code, 2);
	in[100] = 0;
	CU_ASSERT_EQUAL(ctl_result_decode(in + 16, 264, &res),
	    CTL_E_PADDING);
}

static void
t_err_reserved(void)
{
	uint8_t in[T_BUF];
	struct ctl_result res;

	t_msg(t_result_hex, T_RESULT_LEN, in);
	in[23] = 0x80;			/* reserved = 0x80000000 */
	CU_ASSERT_EQUAL(ctl_result_decode(in + 16, 264, &res),
	    CTL_E_RESERVED);
	CU_ASSERT_EQUAL(res.code, 0);
	CU_ASSERT_EQUAL(res.message[0], '\0');
}

static void
t_err_encode(void)
{
	uint8_t out[T_BUF];
	struct ctl_hello h;
	struct ctl_hello_reply r;
	struct ctl_result res;
	size_t cap;

	memset(&h, 0, sizeof(h));
	strcpy(h.client_name, "x");
	for (cap = 0; cap < 56; cap++)
		CU_ASSERT_EQUAL(ctl_hello_encode(1, &h, out, cap),
		    -(int)CTL_E_NOSPACE);
	memset(h.client_name, 'y', sizeof(h.client_name));
	CU_ASSERT_EQUAL(ctl_hello_encode(1, &h, out, sizeof(out)),
	    -(int)CTL_E_STRING);

	memset(&r, 0, sizeof(r));
	CU_ASSERT_EQUAL(ctl_hello_reply_encode(1, &r, out, 55),
	    -(int)CTL_E_NOSPACE);
	memset(r.daemon_version, 'z', sizeof(r.daemon_version));
	CU_ASSERT_EQUAL(ctl_hello_reply_encode(1, &r, out, sizeof(out)),
	    -(int)CTL_E_STRING);

	memset(&res, 0, sizeof(res));
	CU_ASSERT_EQUAL(ctl_result_encode(1, &res, out, 279),
	    -(int)CTL_E_NOSPACE);
	CU_ASSERT_EQUAL(ctl_result_encode(1, &res, out, 280), 280);
	memset(res.message, 'q', sizeof(res.message));
	CU_ASSERT_EQUAL(ctl_result_encode(1, &res, out, sizeof(out)),
	    -(int)CTL_E_STRING);
}

static void
t_framing_helpers(void)
{
	uint8_t *big, small[8];
	struct buf_wr w;
	struct ctl_hdr h;

	/* A message that grows past CTL_MSG_MAX is refused. */
	big = malloc(CTL_MSG_MAX + 64);
	CU_ASSERT_FATAL(big != NULL);
	w = ctl_msg_begin(big, CTL_MSG_MAX + 64, 150, 5);
	buf_put_zero(&w, CTL_MSG_MAX - CTL_HDR_LEN);
	CU_ASSERT_EQUAL(ctl_msg_finish(&w, big), (int)CTL_MSG_MAX);
	ctl_hdr_load(big, &h);
	CU_ASSERT_EQUAL(h.type, 150);
	CU_ASSERT_EQUAL(h.len, CTL_MSG_MAX);
	CU_ASSERT_EQUAL(h.version, CTL_PROTO_VERSION);
	CU_ASSERT_EQUAL(h.reqid, 5);
	ctl_put_u8(&w, 0);
	CU_ASSERT_EQUAL(ctl_msg_finish(&w, big), -(int)CTL_E_OVERSIZE);
	free(big);

	/* A buffer too small for the header. */
	w = ctl_msg_begin(small, sizeof(small), 1, 1);
	CU_ASSERT_FALSE(buf_wr_ok(&w));
	CU_ASSERT_EQUAL(ctl_msg_finish(&w, small), -(int)CTL_E_NOSPACE);

	/* ctl_put_str never truncates and never over-reads. */
	w = buf_wr_init(small, sizeof(small));
	CU_ASSERT_EQUAL(ctl_put_str(&w, "abc", 4), CTL_OK);
	CU_ASSERT_EQUAL(ctl_put_str(&w, "abcd", 4), CTL_E_STRING);
	CU_ASSERT_EQUAL(w.used, 4);
	CU_ASSERT_EQUAL(ctl_put_str(&w, "", 4), CTL_OK);
	CU_ASSERT_EQUAL(memcmp(small, "abc\0\0\0\0\0", 8), 0);
	CU_ASSERT_EQUAL(ctl_put_str(&w, "", 1), CTL_E_NOSPACE);
}

static void
t_le_helpers(void)
{
	uint8_t b[16];
	struct buf_wr w = buf_wr_init(b, sizeof(b));
	struct buf_rd r;

	ctl_put_u8(&w, 0xa5);
	ctl_put_le16(&w, 0x0102);
	ctl_put_le32(&w, 0x03040506);
	ctl_put_le64(&w, 0x0708090a0b0c0d0eull);
	CU_ASSERT_TRUE(buf_wr_ok(&w));
	CU_ASSERT_EQUAL(w.used, 15);
	CU_ASSERT_EQUAL(memcmp(b, "\xa5\x02\x01\x06\x05\x04\x03"
	    "\x0e\x0d\x0c\x0b\x0a\x09\x08\x07", 15), 0);
	ctl_put_le16(&w, 1);		/* one octet left: refused */
	CU_ASSERT_FALSE(buf_wr_ok(&w));
	CU_ASSERT_EQUAL(w.used, 15);

	r = buf_rd_init(b, 15);
	CU_ASSERT_EQUAL(ctl_get_u8(&r), 0xa5);
	CU_ASSERT_EQUAL(ctl_get_le16(&r), 0x0102);
	CU_ASSERT_EQUAL(ctl_get_le32(&r), 0x03040506);
	CU_ASSERT_EQUAL(ctl_get_le64(&r), 0x0708090a0b0c0d0eull);
	CU_ASSERT_TRUE(buf_rd_ok(&r));
	CU_ASSERT_EQUAL(ctl_get_le32(&r), 0);	/* past the end */
	CU_ASSERT_FALSE(buf_rd_ok(&r));
	r = buf_rd_init(b, 7);
	CU_ASSERT_EQUAL(ctl_get_le64(&r), 0);
	CU_ASSERT_FALSE(buf_rd_ok(&r));
	r = buf_rd_init(b, 1);
	CU_ASSERT_EQUAL(ctl_get_le16(&r), 0);
	CU_ASSERT_FALSE(buf_rd_ok(&r));
}

static void
t_tables(void)
{
	static const char *const names[] = { NULL, "HELLO", "HELLO_REPLY",
	    "RESULT", "END" };
	const struct ctl_type_info *ti;
	int e, f;
	uint32_t t;

	for (t = 1; t <= 4; t++) {
		ti = ctl_type_lookup(t);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ti);
		CU_ASSERT_EQUAL(ti->type, t);
		CU_ASSERT_STRING_EQUAL(ti->name, names[t]);
		CU_ASSERT_STRING_EQUAL(ctl_type_name(t), names[t]);
		CU_ASSERT_EQUAL(ti->nfds, 0);
		CU_ASSERT_FALSE(ti->mutating);
	}
	CU_ASSERT_EQUAL(ctl_type_lookup(CTL_MSG_HELLO)->payload_min, 40);
	CU_ASSERT_EQUAL(ctl_type_lookup(CTL_MSG_HELLO)->dir,
	    CTL_DIR_TO_DAEMON);
	CU_ASSERT_EQUAL(ctl_type_lookup(CTL_MSG_RESULT)->payload_max, 264);
	CU_ASSERT_EQUAL(ctl_type_lookup(CTL_MSG_END)->payload_max, 0);

	/* Every error has its own text. */
	CU_ASSERT_STRING_EQUAL(ctl_strerror(CTL_OK), "no error");
	for (e = 1; e < CTL_E__COUNT; e++) {
		CU_ASSERT_PTR_NOT_NULL(ctl_strerror((enum ctl_err)e));
		for (f = 0; f < e; f++)
			CU_ASSERT_STRING_NOT_EQUAL(
			    ctl_strerror((enum ctl_err)e),
			    ctl_strerror((enum ctl_err)f));
	}
	CU_ASSERT_STRING_EQUAL(ctl_strerror(CTL_E__COUNT),
	    "unknown control error");
	CU_ASSERT_STRING_EQUAL(ctl_strerror(CTL_E_VERSION),
	    "unsupported protocol version");
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "golden headers", t_golden_hdr },
		{ "golden HELLO", t_golden_hello },
		{ "golden HELLO_REPLY", t_golden_hello_reply },
		{ "golden RESULT", t_golden_result },
		{ "golden END", t_golden_end },
		{ "round trips", t_roundtrip },
		{ "truncation sweep", t_truncation },
		{ "framing errors", t_err_framing },
		{ "version mismatch", t_err_version },
		{ "unknown types", t_err_type },
		{ "payload length", t_err_payload_len },
		{ "descriptor count", t_err_fds },
		{ "direction", t_err_direction },
		{ "string rules", t_err_strings },
		{ "reserved field", t_err_reserved },
		{ "encoder errors", t_err_encode },
		{ "framing helpers", t_framing_helpers },
		{ "little-endian helpers", t_le_helpers },
		{ "tables and texts", t_tables },
		{ NULL, NULL }
	};

	return tutil_run("ctlmsg", cases);
}
