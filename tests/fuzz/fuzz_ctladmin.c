/* fuzz_ctladmin.c — libFuzzer target for the administration decoders. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wire/ctladmin.h"
#include "wire/ctlmsg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

/* Input: one octet choosing the type (200 + octet % 11), then the
 * payload. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[CTL_HDR_LEN + 512];
	const struct ctl_type_info *ti;
	union ctla_any m, zero;
	struct ctl_hdr h;
	enum ctl_err err;
	uint32_t type;
	int len;

	if (size < 1)
		return 0;
	type = CTLA_MSG_REQ + data[0] % 11u;
	ti = ctl_type_lookup(type);
	FZ_CHECK(ti != NULL && ti->payload_min == ctla_len(type));
	FZ_CHECK(ctla_fields_len(type) == ctla_len(type));
	err = ctla_decode(type, data + 1, size - 1, &m);
	if (err != CTL_OK) {
		FZ_CHECK(err == CTL_E_PAYLOAD_LEN || err == CTL_E_STRING ||
		    err == CTL_E_PADDING || err == CTL_E_RESERVED);
		memset(&zero, 0, sizeof(zero));
		FZ_CHECK(memcmp(&m, &zero, sizeof(m)) == 0);
		return 0;
	}
	FZ_CHECK(size - 1 == ctla_len(type));
	/* Decode then encode gives back the very same octets. */
	len = ctla_encode(type, 7, &m, out, sizeof(out));
	FZ_CHECK(len >= 0 && (size_t)len == CTL_HDR_LEN + size - 1);
	FZ_CHECK(memcmp(out + CTL_HDR_LEN, data + 1, size - 1) == 0);
	FZ_CHECK(ctl_msg_check(out, (size_t)len, 0, &h) == CTL_OK);
	FZ_CHECK(h.type == type && h.reqid == 7);
	return 0;
}
