/* fuzz_ctlmsg.c — libFuzzer target for the rdmad control-message codec. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wire/ctlmsg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

/* True when the n octets at p are all zero. */
static int
fuzz_ctl_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++ != 0)
			return 0;
	return 1;
}

/* Decode the payload of an accepted message, re-encode, compare. */
static void
fuzz_ctl_payload(const struct ctl_hdr *h, const uint8_t *p, size_t n)
{
	uint8_t out[CTL_HDR_LEN + CTL_RESULT_LEN];
	const uint8_t *pl = p + CTL_HDR_LEN;
	size_t plen = n - CTL_HDR_LEN;
	struct ctl_hello hm;
	struct ctl_hello_reply rm;
	struct ctl_result res;
	enum ctl_err err;
	int len = -1;

	switch (h->type) {
	case CTL_MSG_HELLO:
		err = ctl_hello_decode(pl, plen, &hm);
		if (err != CTL_OK) {
			FZ_CHECK(err == CTL_E_STRING || err == CTL_E_PADDING);
			FZ_CHECK(fuzz_ctl_zero(&hm, sizeof(hm)));
			return;
		}
		FZ_CHECK(memchr(hm.client_name, 0, CTL_NAME_LEN) != NULL);
		len = ctl_hello_encode(h->reqid, &hm, out, sizeof(out));
		break;
	case CTL_MSG_HELLO_REPLY:
		err = ctl_hello_reply_decode(pl, plen, &rm);
		if (err != CTL_OK) {
			FZ_CHECK(err == CTL_E_STRING || err == CTL_E_PADDING);
			FZ_CHECK(fuzz_ctl_zero(&rm, sizeof(rm)));
			return;
		}
		len = ctl_hello_reply_encode(h->reqid, &rm, out, sizeof(out));
		break;
	case CTL_MSG_RESULT:
		err = ctl_result_decode(pl, plen, &res);
		if (err != CTL_OK) {
			FZ_CHECK(err == CTL_E_STRING || err == CTL_E_PADDING ||
			    err == CTL_E_RESERVED);
			FZ_CHECK(fuzz_ctl_zero(&res, sizeof(res)));
			return;
		}
		len = ctl_result_encode(h->reqid, &res, out, sizeof(out));
		break;
	case CTL_MSG_END:
		len = ctl_end_encode(h->reqid, out, sizeof(out));
		break;
	default:
		/* Verbs payloads (100-199) are fuzz_ctlverbs' business,
		 * administration payloads (200-299) fuzz_ctladmin's. */
		FZ_CHECK(h->type >= 100 && h->type < 300);
		return;
	}
	/* decode then encode gives back the very same octets. */
	FZ_CHECK(len >= 0 && (size_t)len == n);
	FZ_CHECK(memcmp(out, p, n) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ctl_type_info *ti;
	struct ctl_hdr h;
	enum ctl_err err;
	unsigned int nfds;
	const uint8_t *p;
	size_t n;

	if (size < 1)
		return 0;
	nfds = data[0] & 3;		/* descriptors that came along */
	p = data + 1;
	n = size - 1;

	err = ctl_msg_check(p, n, nfds, &h);
	FZ_CHECK(err >= CTL_OK && err < CTL_E__COUNT);
	FZ_CHECK(ctl_strerror(err) != NULL);
	if (err == CTL_E_SHORT) {
		FZ_CHECK(n < CTL_HDR_LEN && h.type == 0 && h.len == 0);
		return 0;
	}
	/* Past the short check the header is always filled. */
	FZ_CHECK(h.type == ctl_load_le32(p) && h.len == ctl_load_le32(p + 4));
	FZ_CHECK(h.version == ctl_load_le32(p + 8));
	FZ_CHECK(h.reqid == ctl_load_le32(p + 12));
	if (err != CTL_OK)
		return 0;

	FZ_CHECK(h.len == n && n <= CTL_MSG_MAX);
	FZ_CHECK(h.version == CTL_PROTO_VERSION);
	ti = ctl_type_lookup(h.type);
	FZ_CHECK(ti != NULL && ti->nfds == nfds);
	FZ_CHECK(n - CTL_HDR_LEN >= ti->payload_min &&
	    n - CTL_HDR_LEN <= ti->payload_max);
	FZ_CHECK(ctl_msg_check_dir(&h, CTL_DIR_BOTH) == CTL_OK);
	fuzz_ctl_payload(&h, p, n);
	return 0;
}
