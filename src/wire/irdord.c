/* irdord.c — encode and decode the RFC 6581 §9 IRD/ORD word. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>

#include "common/buf.h"
#include "wire/iwarp.h"
#include "wire/irdord.h"

/* Decode the IRD/ORD word (RFC 6581 §9). */
void
irdord_load(const uint8_t *p, struct irdord *io)
{
	uint16_t hi = buf_load_be16(p), lo = buf_load_be16(p + 2);

	io->ird = hi & MPA_V2_IRD_ORD_MASK;
	io->ord = lo & MPA_V2_IRD_ORD_MASK;
	io->p2p = (hi & MPA_V2_FLAG_A_P2P) != 0;
	/* "if Control Flag A is set to 0, then ... B, C, and D MUST be
	 * ignored" on reception, RFC 6581 §9.2. */
	io->rtr_send = io->p2p && (hi & MPA_V2_FLAG_B_SEND_RTR) != 0;
	io->rtr_write = io->p2p && (lo & MPA_V2_FLAG_C_WRITE_RTR) != 0;
	io->rtr_read = io->p2p && (lo & MPA_V2_FLAG_D_READ_RTR) != 0;
}

/* True when io can be put on the wire as RFC 6581 §9 defines it. */
bool
irdord_valid(const struct irdord *io)
{
	if (io->ird > MPA_V2_IRD_ORD_MASK || io->ord > MPA_V2_IRD_ORD_MASK)
		return false;
	/* RFC 6581 §9.2: B, C and D only with A. */
	return io->p2p || !(io->rtr_send || io->rtr_write || io->rtr_read);
}

/* Encode a valid IRD/ORD word. */
void
irdord_store(const struct irdord *io, uint8_t *p)
{
	uint16_t hi = io->ird, lo = io->ord;

	if (io->p2p)
		hi |= MPA_V2_FLAG_A_P2P;
	if (io->rtr_send)
		hi |= MPA_V2_FLAG_B_SEND_RTR;
	if (io->rtr_write)
		lo |= MPA_V2_FLAG_C_WRITE_RTR;
	if (io->rtr_read)
		lo |= MPA_V2_FLAG_D_READ_RTR;
	buf_store_be16(p, hi);
	buf_store_be16(p + 2, lo);
}
