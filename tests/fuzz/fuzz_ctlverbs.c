/* fuzz_ctlverbs.c — libFuzzer target for the verbs payload decoders. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wire/ctlmsg.h"
#include "wire/ctlverbs.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

/* Input: one octet choosing the type (index into this list), then the
 * payload. */
static const uint32_t fz_types[] = {
	CTL_MSG_MEM_REG, CTL_MSG_MEM_DEREG, CTL_MSG_PD_ALLOC,
	CTL_MSG_PD_FREE, CTL_MSG_MR_REG, CTL_MSG_MR_DEREG, CTL_MSG_MW_ALLOC,
	CTL_MSG_MW_DEALLOC, CTL_MSG_CQ_CREATE, CTL_MSG_CQ_DESTROY,
	CTL_MSG_QP_CREATE, CTL_MSG_QP_DESTROY, CTL_MSG_QP_CONNECT,
	CTL_MSG_QP_QUERY, CTL_MSG_LISTEN, CTL_MSG_LISTEN_CLOSE,
	CTL_MSG_ACCEPT, CTL_MSG_REJECT, CTL_MSG_OBJ_REPLY, CTL_MSG_CQ_REPLY,
	CTL_MSG_QP_REPLY, CTL_MSG_CONN_REPLY, CTL_MSG_CONN_REQUEST,
	CTL_MSG_QP_INFO,
};
#define FZ_NTYPES	(sizeof(fz_types) / sizeof(fz_types[0]))

/* True when the n octets at p are all zero. */
static int
fuzz_ctlv_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++ != 0)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[CTL_HDR_LEN + 1024];
	const struct ctl_type_info *ti;
	union ctlv_any m;
	struct ctl_hdr h;
	enum ctl_err err;
	uint32_t type;
	const uint8_t *p;
	size_t n;
	int len;

	if (size < 1)
		return 0;
	type = fz_types[data[0] % FZ_NTYPES];
	p = data + 1;
	n = size - 1;
	ti = ctl_type_lookup(type);
	FZ_CHECK(ti != NULL && ti->payload_max + CTL_HDR_LEN <= sizeof(out));

	err = ctlv_decode(type, p, n, &m);
	if (err != CTL_OK) {
		FZ_CHECK(err == CTL_E_PAYLOAD_LEN || err == CTL_E_STRING ||
		    err == CTL_E_PADDING || err == CTL_E_RESERVED);
		FZ_CHECK(fuzz_ctlv_zero(&m, sizeof(m)));
		/* Only a wrong length may fail types without rules. */
		FZ_CHECK(err != CTL_E_PAYLOAD_LEN || n != ti->payload_min ||
		    type == CTL_MSG_QP_CONNECT || type == CTL_MSG_ACCEPT ||
		    type == CTL_MSG_REJECT || type == CTL_MSG_CONN_REPLY ||
		    type == CTL_MSG_CONN_REQUEST);
		return 0;
	}
	FZ_CHECK(n == ti->payload_min);

	/* Decode then encode gives back the very same octets. */
	len = ctlv_encode(type, 0x5a5a5a5a, &m, out, sizeof(out));
	FZ_CHECK(len >= 0 && (size_t)len == CTL_HDR_LEN + n);
	FZ_CHECK(memcmp(out + CTL_HDR_LEN, p, n) == 0);
	FZ_CHECK(ctl_msg_check(out, (size_t)len, ti->nfds, &h) == CTL_OK);
	FZ_CHECK(h.type == type && h.reqid == 0x5a5a5a5a);
	return 0;
}
