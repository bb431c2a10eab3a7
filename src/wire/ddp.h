/* ddp.h — DDP (RFC 5041) segment headers and segmentation arithmetic. */
#ifndef RDMAD_WIRE_DDP_H
#define RDMAD_WIRE_DDP_H

/*
 * The two DDP header formats of RFC 5041 §4, as they start every DDP
 * segment (SCTP hands over whole segments; MPA hands over the ULPDU of an
 * FPDU, RFC 5044 §4.1):
 *
 *   tagged (§4.2, 14 octets)     |T=1|L|Rsvd|DV| RsvdULP | STag | TO(64) |
 *   untagged (§4.3, 18 octets)   |T=0|L|Rsvd|DV| RsvdULP[0:7] |
 *				  RsvdULP[8:39] | QN | MSN | MO |
 *
 * All fields are big-endian.  RDMAP uses RsvdULP[0:7] as its control
 * octet and, on untagged segments, RsvdULP[8:39] as the Invalidate STag
 * (RFC 5040 §4.1); DDP itself treats both as opaque.
 *
 * Ownership: nothing here allocates, copies payload, keeps state or does
 * I/O.  Decoders read only the octets they are given; encoders write only
 * into the caller's buffer.  Every function is reentrant and thread-safe.
 *
 * Errors: the decoder returns WIRE_OK or an enum wire_err
 * (src/wire/wire_err.h; term_triple_of() in src/wire/term.h gives the
 * Terminate triple).  The encoder returns the octet count written, or
 * DDP_ENC_NOSPACE when the buffer is too small (the buffer contents are
 * then unspecified).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/iwarp.h"
#include "wire/wire_err.h"

#define DDP_ENC_NOSPACE		(-1)	/* encoder: buffer too small */

#define DDP_HDR_MAX_LEN		DDP_UNTAGGED_HDR_LEN

/*
 * One DDP header, decoded.  Fields of the other buffer model are zero
 * after decoding and ignored when encoding.  The four reserved bits of the
 * control octet are neither stored nor checked (RFC 5041 §4.1: "set to
 * zero on transmit, and not checked on receive"); the encoder writes zero.
 */
struct ddp_hdr {
	bool		 tagged;	/* T: Tagged Buffer Model (§4.1) */
	bool		 last;		/* L: last segment of the message */
	uint8_t		 dv;		/* DV: decoded value, always
					 * DDP_VERSION; the encoder writes
					 * DDP_VERSION whatever this holds */
	uint8_t		 rsvdulp;	/* RsvdULP[0:7]: RDMAP control octet */
	uint32_t	 inv_stag;	/* untagged: RsvdULP[8:39], carried
					 * as is (RDMAP: Invalidate STag) */
	uint32_t	 stag;		/* tagged: Steering Tag (§4.2) */
	uint64_t	 to;		/* tagged: Tagged Offset */
	uint32_t	 qn;		/* untagged: Queue Number (§4.3) */
	uint32_t	 msn;		/* untagged: Message Sequence Number */
	uint32_t	 mo;		/* untagged: Message Offset */
};

/* Header length for a segment whose DDP control octet is ctrl: 14 or 18. */
size_t		 ddp_hdr_len(uint8_t ctrl);

/*
 * Decode the DDP header at the start of a DDP segment of `len` octets.
 * On WIRE_OK *h is filled and *hdr_len (may be NULL) is 14 or 18; the
 * rest of the segment is ULP payload.  Errors, in this order:
 *   WIRE_E_RDMAP_SHORT		len is 0;
 *   WIRE_E_DDP_T_VERSION	T=1 and DV != 1 (RFC 5041 §4.1, §7.2);
 *   WIRE_E_DDP_U_VERSION	T=0 and DV != 1;
 *   WIRE_E_RDMAP_SHORT		len is shorter than the header the T bit
 *				announces.
 * On error *h is zeroed and *hdr_len is 0.  Reserved bits are not checked.
 * The DDP checks that need stream state (STag, QN buffers, MSN range,
 * MO bounds, RFC 5041 §7.1) are the engine's.
 */
enum wire_err	 ddp_decode(const uint8_t *seg, size_t len, struct ddp_hdr *h,
		    size_t *hdr_len);

/*
 * Write the DDP header of h (14 or 18 octets by h->tagged) into buf.
 * Returns that length or DDP_ENC_NOSPACE.
 */
int		 ddp_encode(const struct ddp_hdr *h, uint8_t *buf, size_t cap);

/*
 * RFC 5041 §7.1 tagged check 5: a 64-bit unsigned sum of the segment's
 * payload length and its TO must not wrap.  Returns WIRE_OK, or
 * WIRE_E_DDP_T_TO_WRAP when to + len exceeds 2^64 - 1 (a sum of exactly
 * 2^64 wraps to 0 and is therefore an error).  Zero-length segments are
 * never checked (§5.2: "The STag and TO fields MUST NOT be checked").
 */
enum wire_err	 ddp_check_to_wrap(uint64_t to, uint64_t len);

/* ---- Segmentation at the Data Source (RFC 5041 §5.2) ------------------ */

/*
 * Payload octets that fit one DDP segment: mulpdu (the LLP's MULPDU, e.g.
 * the MPA ULPDU size or the SCTP share) minus hdr_len (DDP header plus any
 * RDMAP header).  0 when nothing fits.  Example from §5.2: MULPDU 1500,
 * untagged: 1482; tagged: 1486.
 */
uint32_t	 ddp_seg_payload_max(uint32_t mulpdu, size_t hdr_len);

/*
 * Iterator splitting one ULP message of msg_len octets (< 2^32, §5.2) into
 * segments of at most max_payload payload octets each.  Every segment
 * but the last carries exactly max_payload octets; L is set on the last
 * only (§4.1); a zero-length message is exactly one segment of length 0
 * (§5.2).  Caller-owned, no allocation; treat the members as private.
 */
struct ddp_seg_iter {
	uint32_t	 msg_len;
	uint32_t	 max_payload;
	uint32_t	 off;		/* octets handed out so far */
	bool		 done;		/* the last segment was handed out */
};

/* One step of the iterator. */
struct ddp_seg_step {
	uint32_t	 off;		/* MO (untagged) or TO - initial TO */
	uint32_t	 len;		/* payload octets of this segment */
	bool		 last;		/* set L on this segment */
};

/*
 * Start iterating.  Returns 0, or -1 (iterator left done) when
 * max_payload is 0.
 */
int		 ddp_seg_iter_init(struct ddp_seg_iter *it, uint32_t msg_len,
		    uint32_t max_payload);

/* Fill *st with the next segment; false when the message is exhausted. */
bool		 ddp_seg_iter_next(struct ddp_seg_iter *it,
		    struct ddp_seg_step *st);

/*
 * The header of the segment st of a message whose first segment header is
 * tmpl: MO = st->off (untagged) or TO = tmpl->to + st->off (tagged, modulo
 * 2^64; use ddp_check_to_wrap() first), L = st->last, all else copied
 * (§4.2, §4.3: STag, QN, MSN and RsvdULP are equal in every segment).
 */
void		 ddp_seg_apply(const struct ddp_hdr *tmpl,
		    const struct ddp_seg_step *st, struct ddp_hdr *out);

#endif /* RDMAD_WIRE_DDP_H */
