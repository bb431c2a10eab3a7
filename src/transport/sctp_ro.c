/* sctp_ro.c — per-stream DDP-SSN reorder buffer, bounded (RFC 5043 §10). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "transport/sctp_ro.h"
#include "wire/ssc.h"

void
sctp_ro_init(struct sctp_ro *ro, uint32_t cap_chunks, size_t cap_bytes)
{
	memset(ro, 0, sizeof(*ro));
	ro->cap_chunks = cap_chunks;
	ro->cap_bytes = cap_bytes;
}

/* Index of the entry holding ssn, or -1.  n is small (bounded). */
static int
sctp_ro_find(const struct sctp_ro *ro, uint16_t ssn)
{
	uint32_t i;

	for (i = 0; i < ro->n; i++)
		if (ro->ent[i].ssn == ssn)
			return (int)i;
	return -1;
}

enum sctp_ro_res
sctp_ro_put(struct sctp_ro *ro, uint16_t next, uint16_t ssn, uint32_t ppid,
    uint8_t *data, size_t len)
{
	struct sctp_ro_ent *e;
	uint32_t ncap;

	/* §10: only a gap that unreceived chunks can explain.  `next`
	 * itself is held only while its stream cannot take it yet. */
	if (!ssc_ssn_in_window(ssn, next))
		return SCTP_RO_WINDOW;
	if (sctp_ro_find(ro, ssn) >= 0)
		return SCTP_RO_DUP;
	if (ro->n >= ro->cap_chunks || len > ro->cap_bytes - ro->bytes)
		return SCTP_RO_FULL;
	if (ro->n == ro->cap) {
		ncap = ro->cap == 0 ? 8 : ro->cap * 2;
		if (ncap > ro->cap_chunks)
			ncap = ro->cap_chunks;
		e = realloc(ro->ent, ncap * sizeof(*e));
		if (e == NULL)
			return SCTP_RO_FULL;
		ro->ent = e;
		ro->cap = ncap;
	}
	e = &ro->ent[ro->n++];
	e->ssn = ssn;
	e->ppid = ppid;
	e->data = data;
	e->len = len;
	ro->bytes += len;
	ro->held_total++;
	return SCTP_RO_OK;
}

const struct sctp_ro_ent *
sctp_ro_peek(const struct sctp_ro *ro, uint16_t next)
{
	int i = sctp_ro_find(ro, next);

	return i < 0 ? NULL : &ro->ent[i];
}

bool
sctp_ro_take(struct sctp_ro *ro, uint16_t next, struct sctp_ro_ent *out)
{
	int i = sctp_ro_find(ro, next);

	if (i < 0)
		return false;
	*out = ro->ent[i];
	ro->bytes -= out->len;
	ro->ent[i] = ro->ent[--ro->n];
	return true;
}

void
sctp_ro_clear(struct sctp_ro *ro)
{
	uint32_t i;

	for (i = 0; i < ro->n; i++)
		free(ro->ent[i].data);
	free(ro->ent);
	ro->ent = NULL;
	ro->n = ro->cap = 0;
	ro->bytes = 0;
}
