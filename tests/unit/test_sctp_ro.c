/* test_sctp_ro.c — the SCTP reorder buffer (RFC 5043 §6.1, §10), host-side. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "transport/sctp_ro.h"
#include "tutil.h"

static uint8_t *
ro_chunk(uint16_t ssn, uint8_t fill, size_t len)
{
	uint8_t *d = malloc(len);

	memset(d, fill, len);
	d[0] = (uint8_t)(ssn >> 8);
	d[1] = (uint8_t)ssn;
	return d;
}

/* Chunks arriving 3, 1, 2 while 0 is expected come out 1, 2, 3. */
static void
test_order(void)
{
	struct sctp_ro ro;
	struct sctp_ro_ent e;
	uint16_t next = 0;

	sctp_ro_init(&ro, 8, 1024);
	CU_ASSERT(sctp_ro_put(&ro, 0, 3, 16, ro_chunk(3, 3, 10), 10) ==
	    SCTP_RO_OK);
	CU_ASSERT(sctp_ro_put(&ro, 0, 1, 16, ro_chunk(1, 1, 10), 10) ==
	    SCTP_RO_OK);
	CU_ASSERT(sctp_ro_put(&ro, 0, 2, 17, ro_chunk(2, 2, 10), 10) ==
	    SCTP_RO_OK);
	CU_ASSERT(ro.n == 3 && ro.bytes == 30 && ro.held_total == 3);
	CU_ASSERT(sctp_ro_peek(&ro, 0) == NULL);
	CU_ASSERT(!sctp_ro_take(&ro, 0, &e));
	next = 1;
	while (sctp_ro_take(&ro, next, &e)) {
		CU_ASSERT(e.ssn == next);
		CU_ASSERT(e.data[2] == (uint8_t)next);
		CU_ASSERT(e.ppid == (next == 2 ? 17u : 16u));
		free(e.data);
		next++;
	}
	CU_ASSERT(next == 4);
	CU_ASSERT(ro.n == 0 && ro.bytes == 0);
	sctp_ro_clear(&ro);
}

/* Duplicates, the §10 window (with wrap) and both bounds are refused;
 * the caller keeps the chunk on a refusal. */
static void
test_bounds(void)
{
	struct sctp_ro ro;
	struct sctp_ro_ent e;
	uint8_t *d;
	int i;

	sctp_ro_init(&ro, 4, 100);
	CU_ASSERT(sctp_ro_put(&ro, 65534, 65535, 16, ro_chunk(65535, 0, 10),
	    10) == SCTP_RO_OK);
	CU_ASSERT(sctp_ro_put(&ro, 65534, 1, 16, ro_chunk(1, 0, 10), 10) ==
	    SCTP_RO_OK);		/* wraps: 65534 -> 1 is 3 ahead */
	d = ro_chunk(1, 0, 10);
	CU_ASSERT(sctp_ro_put(&ro, 65534, 1, 16, d, 10) == SCTP_RO_DUP);
	/* 32766 ahead is the last in the window, 32767 is outside;
	 * behind (a replay) is outside. */
	CU_ASSERT(sctp_ro_put(&ro, 65534, (uint16_t)(65534 + 32767), 16, d,
	    10) == SCTP_RO_WINDOW);
	CU_ASSERT(sctp_ro_put(&ro, 65534, 65533, 16, d, 10) ==
	    SCTP_RO_WINDOW);
	CU_ASSERT(sctp_ro_put(&ro, 65534, (uint16_t)(65534 + 32766), 16, d,
	    10) == SCTP_RO_OK);
	/* bytes: 30 held, 71 more do not fit in 100 */
	d = ro_chunk(5, 0, 71);
	CU_ASSERT(sctp_ro_put(&ro, 65534, 5, 16, d, 71) == SCTP_RO_FULL);
	CU_ASSERT(sctp_ro_put(&ro, 65534, 5, 16, d, 70) == SCTP_RO_OK);
	/* chunks: 4 held */
	d = ro_chunk(6, 0, 2);
	CU_ASSERT(sctp_ro_put(&ro, 65534, 6, 16, d, 0) == SCTP_RO_FULL);
	free(d);
	CU_ASSERT(sctp_ro_take(&ro, 65535, &e));
	free(e.data);
	CU_ASSERT(ro.n == 3);
	for (i = 0; i < 3; i++)
		CU_ASSERT(ro.ent[i].ssn != 65535);
	sctp_ro_clear(&ro);		/* frees the rest (ASan checks) */
	CU_ASSERT(ro.n == 0 && ro.ent == NULL);
}

/* A chunk equal to `next` may wait (stream not attached yet). */
static void
test_hold_next(void)
{
	struct sctp_ro ro;
	struct sctp_ro_ent e;

	sctp_ro_init(&ro, 2, 64);
	CU_ASSERT(sctp_ro_put(&ro, 7, 7, 16, ro_chunk(7, 0, 4), 4) ==
	    SCTP_RO_OK);
	CU_ASSERT(sctp_ro_peek(&ro, 7) != NULL);
	CU_ASSERT(sctp_ro_take(&ro, 7, &e) && e.len == 4);
	free(e.data);
	sctp_ro_clear(&ro);
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "order", test_order },
		{ "bounds", test_bounds },
		{ "hold_next", test_hold_next },
		{ NULL, NULL }
	};

	return tutil_run("sctp_ro", cases);
}
