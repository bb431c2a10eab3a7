/* irdord.h — the RFC 6581 §9 IRD/ORD word, shared by MPA and SCTP SSC. */
#ifndef RDMAD_WIRE_IRDORD_H
#define RDMAD_WIRE_IRDORD_H

/*
 * The enhanced RDMA connection establishment data, RFC 6581 §9:
 *
 *    0                   1                   2                   3
 *   |A|B|         IRD (14)          |C|D|         ORD (14)          |
 *
 * It opens the private data of an MPA Request/Reply of revision 2
 * (RFC 6581 §5) and of the enhanced Stream Session Control codes 5/6/7
 * of RFC 5043 (RFC 6581 §7); both codecs use these functions.
 */

#include <stdbool.h>
#include <stdint.h>

#define IRDORD_LEN	4u		/* octets on the wire */

struct irdord {
	uint16_t	 ird;		/* 0..0x3fff; 0x3fff: no auto (§9.1) */
	uint16_t	 ord;		/* 0..0x3fff; 0x3fff: no auto (§9.1) */
	bool		 p2p;		/* A: peer-to-peer model (§9.2) */
	bool		 rtr_send;	/* B: zero-length Send RTR */
	bool		 rtr_write;	/* C: zero-length RDMA Write RTR */
	bool		 rtr_read;	/* D: zero-length RDMA Read RTR */
};

/* Decode the word at p[0..3]; cannot fail.  With A = 0, B, C and D are
 * ignored on receipt and decode as false (RFC 6581 §9.2). */
void	irdord_load(const uint8_t *p, struct irdord *io);

/* True when io may go on the wire: IRD and ORD fit in 14 bits, and B, C,
 * D are clear unless A is set ("If Control Flag A is set to 0, then
 * Control Flags B, C, and D MUST also be set to 0", RFC 6581 §9.2). */
bool	irdord_valid(const struct irdord *io);

/* Encode io, which has passed irdord_valid(), into p[0..3]. */
void	irdord_store(const struct irdord *io, uint8_t *p);

#endif /* RDMAD_WIRE_IRDORD_H */
