/* sctp_ro.h — per-stream DDP-SSN reorder buffer (RFC 5043 §6.1, §10). */
#ifndef RDMAD_TRANSPORT_SCTP_RO_H
#define RDMAD_TRANSPORT_SCTP_RO_H

/*
 * Chunks of one stream that arrived ahead of the next expected DDP-SSN
 * wait here until the gap fills.  Kernel-free and event-free, so it is
 * unit-tested on the host (tests/unit/test_sctp_ro.c).
 *
 * Bounds: at most cap_chunks chunks and cap_bytes octets per stream;
 * a chunk beyond them, outside the DDP-SSN window (§10: more than 32766
 * ahead, or behind) or a duplicate is refused and the caller ends the
 * stream session (RFC 5043 §6.1: a chunk that fits no legal pattern).
 * Ownership: put() takes the malloc'd data on success only; take() gives
 * it back; clear() frees what is left.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sctp_ro_res {
	SCTP_RO_OK = 0,
	SCTP_RO_WINDOW,		/* not in next .. next + 32766 */
	SCTP_RO_DUP,		/* that DDP-SSN is already held */
	SCTP_RO_FULL		/* over cap_chunks or cap_bytes */
};

struct sctp_ro_ent {
	uint16_t	 ssn;
	uint32_t	 ppid;		/* host order: 16 or 17 */
	uint8_t		*data;		/* the whole chunk, DDP-SSN first */
	size_t		 len;
};

struct sctp_ro {
	struct sctp_ro_ent *ent;	/* n used of cap allocated */
	uint32_t	 n, cap;
	uint32_t	 cap_chunks;
	size_t		 bytes, cap_bytes;
	uint64_t	 held_total;	/* chunks ever held (stats) */
};

void		 sctp_ro_init(struct sctp_ro *ro, uint32_t cap_chunks,
		    size_t cap_bytes);
/* Hold a chunk with DDP-SSN ssn while `next` is expected. */
enum sctp_ro_res sctp_ro_put(struct sctp_ro *ro, uint16_t next, uint16_t ssn,
		    uint32_t ppid, uint8_t *data, size_t len);
/* The held chunk with DDP-SSN next, or NULL. */
const struct sctp_ro_ent *sctp_ro_peek(const struct sctp_ro *ro,
		    uint16_t next);
/* Remove the chunk with DDP-SSN next into *out; false if not held. */
bool		 sctp_ro_take(struct sctp_ro *ro, uint16_t next,
		    struct sctp_ro_ent *out);
/* Free every held chunk and the table. */
void		 sctp_ro_clear(struct sctp_ro *ro);

#endif /* RDMAD_TRANSPORT_SCTP_RO_H */
