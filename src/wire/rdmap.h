/* rdmap.h — RDMAP (RFC 5040, RFC 7306) headers, opcode table, Terminate. */
#ifndef RDMAD_WIRE_RDMAP_H
#define RDMAD_WIRE_RDMAP_H

/*
 * One DDP segment as RDMAP sees it (RFC 5040 §4, Appendix A; RFC 7306
 * §4, Appendix A):
 *
 *   | DDP header (14 tagged / 18 untagged, src/wire/ddp.h)            |
 *   |   RsvdULP[0:7] = RDMAP control |RV(2)|Rsv(2)|Opcode(4)|         |
 *   |   untagged RsvdULP[8:39] = Invalidate STag                      |
 *   | opcode header: Read Request 28, Terminate 4..52, Immediate 8,   |
 *   |                Atomic Request 52, Atomic Response 12, else 0    |
 *   | ULP payload (Write, Read Response and the four Sends only)      |
 *
 * rdmap_decode() is the receive entry point for SCTP (a whole DDP segment
 * per message, RFC 5043 §5.2.2) and MPA (the ULPDU of one FPDU, RFC 5044
 * §4.1).  It checks everything that can be checked without stream state;
 * the engine checks the rest (STags, bounds, MSN ranges, ...).
 *
 * Decisions, each with its source:
 *  - RV: 01b is valid for every opcode; 00b (RDMA Consortium) is also
 *    accepted for the RFC 5040 opcodes 0x0-0x7, since RFC 5040 §4.1 says
 *    "Both version numbers are valid", but not for 0x8-0xB, which RFC
 *    7306 §4.1 says "MUST have ... RV field: 01b".  Anything else is
 *    WIRE_E_RDMAP_VERSION.  The decoded rv is returned so that the engine
 *    can hold a stream to one version.  Encoders write what rv holds
 *    (rdmap_seg_init() sets 01b).
 *  - Single-segment messages: the opcodes that allow no ULP payload (Read
 *    Request, Terminate, Immediate Data (SE), Atomic Request/Response;
 *    RFC 5040 §4.2 Figure 5, RFC 7306 §4.2 Figure 3) are fixed-size
 *    records that "consume one Untagged Buffer" and RDMAP itself must
 *    process them.  rdmap_decode() requires them in one segment: MO != 0
 *    is WIRE_E_DDP_U_INV_MO (RFC 5041 §4.3: the first octet has MO 0),
 *    L = 0 is WIRE_E_RDMAP_EXCESS (the message would continue past its
 *    fixed header), a segment too short for the header is
 *    WIRE_E_RDMAP_SHORT.  Any MULPDU fits these headers (RFC 5043 §9 and
 *    RFC 5044 give at least 516 octets per segment), so no sender needs
 *    to split them.
 *  - Excess octets after a fixed-size header (Read Request 28, Immediate
 *    exactly 8, RFC 7306 §6.3; Atomic Request 52; Atomic Response 12) are
 *    WIRE_E_RDMAP_EXCESS, 0/2/0x07: like a short header, a malformed
 *    message localized to the stream (see wire_err.h).
 *  - Atomic Response is 12 octets: RFC 7306 §4 says "32 bytes long as
 *    specified in Figure 5", but Figure 5 is the AOpCode table and the
 *    header in Figure 6 (and Appendix A.2) is 4 + 8 = 12 octets.  We
 *    follow the figure.
 *  - AOpCode: only FetchAdd (0) and CmpSwap (2) exist (RFC 7306 §5.2.1
 *    Figure 5, §10.1); others are WIRE_E_RDMAP_ATOMIC_AOPCODE (§5.2.1
 *    rule 4: "an error MUST be surfaced").  The 28 reserved bits before
 *    it are ignored.
 *  - Atomic alignment (RFC 7306 §8.2) is the engine's check, not the
 *    decoder's: §5.1.1 and §8.2 require the ULP Buffer *address* to be
 *    64-bit aligned, and only the engine can turn (STag, TO) into an
 *    address (the TO of a region need not start at an aligned base).  It
 *    calls rdmap_atomic_check_align() on the address.  Likewise the Read
 *    Request TO wrap check (RFC 5040 §7.2 4e) is rdmap_read_req_check_
 *    wrap(), called by the engine after the STag checks 4a-4d, so that the
 *    first failing check in the RFC's order is the one reported.
 *  - Terminate (RFC 5040 §4.8): the 16-bit DDP Segment Length is present
 *    when M or D is set ("MUST be valid if the M bit is set. It MUST be
 *    present when the D bit is set"), the terminated DDP header (14 or 18
 *    octets by its own T bit) when D is set, the 28-octet terminated RDMA
 *    header when R is set.  Fewer octets than HdrCt announces is
 *    WIRE_E_RDMAP_TERM_HDR.  Octets after them are tolerated and ignored
 *    (returned as payload) up to a Terminate header of 52 octets in all:
 *    RFC 5040 §7.1 and RFC 7306 §8.1 describe headers that are "set to
 *    zero" rather than absent, and some peers send the RDMA header
 *    without R.  Longer is WIRE_E_RDMAP_TERM_HDR.  Layer, EType and
 *    ErrorCode are not checked against Figure 9: a Terminate is reported,
 *    whatever it says.
 *
 * Ownership: decoders never copy payload; rdmap_seg.payload points into
 * the caller's input.  Encoders write only DDP + RDMAP headers into
 * caller-owned buffers; the payload is gathered by the caller (iovec).
 * Nothing here allocates, keeps state or does I/O; all functions are
 * reentrant and thread-safe.
 *
 * Errors: decoders return WIRE_OK or the most precise enum wire_err
 * (src/wire/wire_err.h); term_triple_of() (src/wire/term.h) gives the
 * Terminate triple.  Encoders return the octet count written,
 * RDMAP_ENC_NOSPACE when the buffer is too small, or RDMAP_ENC_INVALID
 * when the struct describes a segment rdmap_decode() would reject; the
 * buffer contents are then unspecified.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/ddp.h"
#include "wire/iwarp.h"
#include "wire/term.h"
#include "wire/wire_err.h"

#define RDMAP_ENC_NOSPACE	(-1)	/* encoder: buffer too small */
#define RDMAP_ENC_INVALID	(-2)	/* encoder: not a valid segment */

/* Terminate header pieces (RFC 5040 §4.8 Figure 7). */
#define RDMAP_TERM_SEGLEN_LEN	2u	/* DDP Segment Length field */
#define RDMAP_TERM_RDMA_HDR_LEN	RDMAP_READ_REQ_HDR_LEN	/* 224 bits */
#define RDMAP_TERM_MAX_LEN	(TERM_HDR_MIN_LEN + RDMAP_TERM_SEGLEN_LEN + \
				 DDP_UNTAGGED_HDR_LEN + RDMAP_TERM_RDMA_HDR_LEN)

/* Largest DDP + RDMAP header: untagged + Terminate (= Atomic Request). */
#define RDMAP_HDR_MAX_LEN	(DDP_UNTAGGED_HDR_LEN + RDMAP_TERM_MAX_LEN)

/* ---- The per-opcode table (RFC 5040 Figures 4/5, RFC 7306 Figures 2/3) */

struct rdmap_op_info {
	const char	*name;		/* "RDMA Write", "Send", ... */
	bool		 tagged;	/* DDP T bit the opcode must carry */
	uint8_t		 qn;		/* untagged: the queue number it uses */
	uint8_t		 hdr_len;	/* RDMAP header after the DDP header;
					 * Terminate: the minimum, 4 */
	bool		 payload;	/* ULP payload allowed; when false the
					 * message is one segment holding
					 * exactly its header */
	bool		 inv_stag;	/* Invalidate STag field valid */
	bool		 ext;		/* RFC 7306 opcode: RV must be 01b */
};

/* The row of opcode (0x0-0xB), or NULL for a reserved opcode. */
const struct rdmap_op_info *rdmap_op_info(unsigned int opcode);

/*
 * Octets to read before decoding a segment whose first two octets are
 * ddp_ctrl and rdmap_ctrl: the DDP header plus the opcode's header, or
 * plus RDMAP_TERM_MAX_LEN for a Terminate, or the DDP header alone for a
 * reserved opcode.  The caller reads min(this, segment length); the
 * decoder then reports any error.
 */
size_t		 rdmap_hdr_len(uint8_t ddp_ctrl, uint8_t rdmap_ctrl);

/* ---- Opcode headers ---------------------------------------------------- */

/* RDMA Read Request header, RFC 5040 §4.4 Figure 6 (28 octets). */
struct rdmap_read_req {
	uint32_t	 sink_stag;	/* Data Sink STag */
	uint64_t	 sink_to;	/* Data Sink Tagged Offset */
	uint32_t	 size;		/* RDMA Read Message Size */
	uint32_t	 src_stag;	/* Data Source STag */
	uint64_t	 src_to;	/* Data Source Tagged Offset */
};

/* Atomic Operation Request header, RFC 7306 §5.2.1 Figure 4 (52 octets). */
struct rdmap_atomic_req {
	uint8_t		 aopcode;	/* RDMAP_AOP_FETCHADD or _CMPSWAP */
	uint32_t	 req_id;	/* Request Identifier */
	uint32_t	 stag;		/* Remote STag */
	uint64_t	 to;		/* Remote Tagged Offset */
	uint64_t	 add_swap;	/* Add or Swap Data */
	uint64_t	 add_swap_mask;	/* Add or Swap Mask */
	uint64_t	 cmp;		/* Compare Data */
	uint64_t	 cmp_mask;	/* Compare Mask */
};

/* Atomic Operation Response header, RFC 7306 §5.2.2 Figure 6 (12 octets). */
struct rdmap_atomic_resp {
	uint32_t	 req_id;	/* Original Request Identifier */
	uint64_t	 orig;		/* Original Remote Data Value */
};

/* Immediate Data header, RFC 7306 §6.2 Figure 7 (8 octets). */
struct rdmap_imm {
	uint8_t		 raw[RDMAP_IMM_HDR_LEN];	/* encoded from */
	uint64_t	 data;		/* raw read big-endian; decode only */
};

/*
 * Terminate header, RFC 5040 §4.8 Figure 7.  On the wire: the control
 * word |Layer(4)|EType(4)|ErrorCode(8)|M|D|R|Reserved(13)|, then the DDP
 * Segment Length (16) if m or d, the terminated DDP header if d, the
 * terminated RDMA header if r.  Reserved bits are written as zero and not
 * checked.
 */
struct rdmap_term {
	struct term_triple	 triple;	/* layer, etype, ecode */
	bool			 m;		/* DDP Segment Length valid */
	bool			 d;		/* DDP header included */
	bool			 r;		/* RDMA header included */
	uint16_t		 ddp_seg_len;	/* valid if m; sent if m or d */
	uint8_t			 ddp_hdr_len;	/* d: 14 or 18 by ddp_hdr[0]'s
						 * T bit; else 0 */
	uint8_t			 ddp_hdr[DDP_UNTAGGED_HDR_LEN];
	uint8_t			 rdma_hdr[RDMAP_TERM_RDMA_HDR_LEN]; /* if r */
};

/* ---- Decoded segment ----------------------------------------------------- */

struct rdmap_seg {
	struct ddp_hdr	 ddp;		/* DDP header; ddp.rsvdulp is the
					 * RDMAP control octet as received,
					 * ddp.inv_stag the Invalidate STag
					 * (meaningful if the opcode's
					 * inv_stag is true) */
	uint8_t		 rv;		/* RDMAP version: 1, or 0 (RDMAC) */
	uint8_t		 opcode;	/* enum rdmap_opcode */
	union {
		struct rdmap_read_req	 read_req;	/* RDMAP_OP_READ_REQ */
		struct rdmap_atomic_req	 atomic_req;	/* ..._ATOMIC_REQ */
		struct rdmap_atomic_resp atomic_resp;	/* ..._ATOMIC_RESP */
		struct rdmap_imm	 imm;		/* RDMAP_OP_IMM(_SE) */
		struct rdmap_term	 term;		/* RDMAP_OP_TERMINATE */
	} u;				/* by opcode; zero otherwise */
	size_t		 hdr_len;	/* DDP + RDMAP header octets */
	const uint8_t	*payload;	/* seg + hdr_len, or NULL when the
					 * caller passed the header only */
	size_t		 payload_len;	/* segment length - hdr_len */
};

/*
 * Decode one complete DDP segment of `len` octets (seg may be NULL when
 * len is 0).  On WIRE_OK *out is filled; payload points into seg.  On
 * error *out is zeroed.  Errors, in the order checked:
 *   WIRE_E_RDMAP_SHORT, WIRE_E_DDP_T_VERSION, WIRE_E_DDP_U_VERSION
 *				as ddp_decode() (RFC 5041 §4, §7.2);
 *   WIRE_E_DDP_U_INV_QN	untagged QN >= 4 (RFC 7306 §10.2);
 *   WIRE_E_RDMAP_VERSION	RV not 01b, or 00b on an RFC 7306 opcode
 *				(RFC 5040 §4.1, RFC 7306 §4.1);
 *   WIRE_E_RDMAP_OPCODE	reserved opcode 0xC-0xF, or T bit not the
 *				opcode's (RFC 5040 §4.1 Figure 4, RFC 7306
 *				Figure 2);
 *   WIRE_E_DDP_U_INV_QN	QN not the opcode's queue;
 *   WIRE_E_DDP_U_INV_MO	single-segment opcode with MO != 0;
 *   WIRE_E_RDMAP_SHORT		segment shorter than DDP + opcode header;
 *   WIRE_E_RDMAP_EXCESS	single-segment opcode with L = 0, or octets
 *				after a fixed-size header;
 *   WIRE_E_RDMAP_ATOMIC_AOPCODE AOpCode not 0 or 2 (RFC 7306 §5.2.1);
 *   WIRE_E_RDMAP_TERM_HDR	Terminate shorter than its HdrCt announces
 *				or longer than 52 octets (RFC 5040 §4.8).
 */
enum wire_err	 rdmap_decode(const uint8_t *seg, size_t len,
		    struct rdmap_seg *out);

/*
 * The same for a segment of seg_len octets of which only the first
 * `avail` are at hdr (avail <= seg_len; at least min(seg_len,
 * rdmap_hdr_len(hdr[0], hdr[1])) for a meaningful answer): the engine
 * reads the header first and then places the payload straight into
 * registered memory.  Lengths are judged on seg_len; payload is NULL
 * unless avail >= seg_len.  Octets of a header that are not in `avail`
 * count as missing (WIRE_E_RDMAP_SHORT or, inside a Terminate,
 * WIRE_E_RDMAP_TERM_HDR).
 */
enum wire_err	 rdmap_decode_hdr(const uint8_t *hdr, size_t avail,
		    size_t seg_len, struct rdmap_seg *out);

/*
 * Start a segment of opcode op for rdmap_encode(): zero *s, then set rv
 * 01b, the opcode, T and QN from the table, DV, L = 1, and for an Atomic
 * Request the FetchAdd defaults of RFC 7306 §5.2.1 (Compare Mask all
 * ones).  The caller fills the rest (MSN, STag/TO, header fields) and
 * clears L / sets MO or TO per segment (ddp_seg_iter_next()).  Returns
 * 0, or -1 for a reserved opcode (*s zeroed).
 */
int		 rdmap_seg_init(struct rdmap_seg *s, unsigned int op);

/*
 * Write the DDP header and the opcode's RDMAP header of s into buf
 * (payload, hdr_len and payload_len of s are ignored).  The RDMAP control
 * octet is built from rv and opcode (ddp.rsvdulp is ignored), reserved
 * fields are zero.  Returns the octet count (14 to 70), RDMAP_ENC_NOSPACE,
 * or RDMAP_ENC_INVALID when rdmap_decode() would reject the result: bad
 * rv/opcode pair, T or QN not the opcode's, a single-segment opcode
 * without L or with MO != 0, an unknown AOpCode, or a Terminate that
 * rdmap_term_encode() refuses.  Encoding a decoded segment reproduces its
 * header octets, reserved fields set to zero.
 */
int		 rdmap_encode(const struct rdmap_seg *s, uint8_t *buf,
		    size_t cap);

/* ---- Terminate (RFC 5040 §4.8) ----------------------------------------- */

/*
 * Decode a Terminate header: the `len` octets after the DDP header of a
 * Terminate segment.  *used (may be NULL) gets the octets the HdrCt bits
 * account for; the rest up to RDMAP_TERM_MAX_LEN is ignored (see the
 * decisions above).  Returns WIRE_OK, WIRE_E_RDMAP_SHORT when len < 4,
 * or WIRE_E_RDMAP_TERM_HDR; on error *t is zeroed.
 */
enum wire_err	 rdmap_term_decode(const uint8_t *p, size_t len,
		    struct rdmap_term *t, size_t *used);

/*
 * Write the Terminate header t (without DDP header) into buf.  Returns
 * its length (4 to 52), RDMAP_ENC_NOSPACE, or RDMAP_ENC_INVALID when
 * layer or etype exceed 4 bits or d is set and ddp_hdr_len is not the
 * length ddp_hdr[0]'s T bit gives.
 */
int		 rdmap_term_encode(const struct rdmap_term *t, uint8_t *buf,
		    size_t cap);

/*
 * Fill *out with the Terminate the engine sends for error triple *t about
 * an incoming segment of seg_len octets, of which the first `avail` are
 * at hdr (hdr NULL / avail 0: no incoming segment, as for errors "not
 * directly associated with an incoming Message", RFC 5040 §7.1 case 1).
 * Follows RFC 5040 §4.8 Figure 10:
 *   RDMAP Local Catastrophic, LLP, unknown layers: no headers;
 *   RDMAP Remote Operation, DDP: D and the DDP header, if avail holds
 *	it ("Yes, if possible"); M and the DDP Segment Length with it
 *	when seg_len fits 16 bits (else the field is sent as 0, M clear);
 *   RDMAP Remote Protection: as above, plus R and the 28-octet Read
 *	Request header when the segment is an untagged Read Request whose
 *	header is in avail ("only sent back if the terminate is associated
 *	with an RDMA Read Request Message"; RFC 7306 §8.1 keeps it zero
 *	for atomics and Immediate Data).
 * The copied headers are the received octets, reserved bits included.
 * For a Read Request terminated mid-way the engine then rewrites
 * rdma_hdr with rdmap_read_req_store() (RFC 5040 §4.8, updated TOs and
 * remaining size).
 */
void		 rdmap_term_build(struct rdmap_term *out,
		    const struct term_triple *t, const uint8_t *hdr,
		    size_t avail, size_t seg_len);

/* Write rr as the 28-octet Read Request header (RFC 5040 §4.4). */
void		 rdmap_read_req_store(uint8_t out[RDMAP_READ_REQ_HDR_LEN],
		    const struct rdmap_read_req *rr);

/* ---- Stateless checks the engine runs at the right moment -------------- */

/*
 * RFC 7306 §5.1.1, §5.1.2, §8.2: the ULP Buffer address an Atomic
 * Request targets must be 64-bit aligned.  Returns WIRE_OK or
 * WIRE_E_RDMAP_ATOMIC_ALIGN.
 */
enum wire_err	 rdmap_atomic_check_align(uint64_t addr);

/*
 * RFC 5040 §7.2 check 4e: for a non-zero Read Message Size, Data Source
 * TO + size must not wrap 64 bits.  Returns WIRE_OK or
 * WIRE_E_RDMAP_TO_WRAP.
 */
enum wire_err	 rdmap_read_req_check_wrap(const struct rdmap_read_req *rr);

#endif /* RDMAD_WIRE_RDMAP_H */
