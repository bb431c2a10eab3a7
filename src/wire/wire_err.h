/* wire_err.h — every decode error of src/wire and its Terminate triple. */
#ifndef RDMAD_WIRE_WIRE_ERR_H
#define RDMAD_WIRE_WIRE_ERR_H

#include "wire/iwarp.h"

/*
 * The one table of wire errors.  Each row is
 *
 *	WIRE_ERR(NAME, layer, error type, error code, "what went wrong")
 *
 * and becomes enum member WIRE_E_NAME; term.c turns the same rows into the
 * (layer, etype, ecode) triple that a Terminate message carries
 * (RFC 5040 §4.8 Figure 9, RFC 5041 §7.2, RFC 5044 §8, RFC 6581 §8).
 *
 * Choices where the RFCs give no code of their own (said once, here):
 *  - A DDP segment too short for the header its control octet announces,
 *    or an RDMAP header cut short inside a complete segment, is a
 *    malformed message on this stream: RDMAP Remote Operation Error,
 *    "Catastrophic error, localized to RDMAP Stream" (0/2/0x07).
 *  - RFC 5043 defines no error codes; RFC 6581 §8 reports connection
 *    establishment errors on both LLPs as Layer 2 (LLP), EType 0.  A
 *    malformed Stream Session Control message is therefore 2/0/0x04, the
 *    code RFC 5044 §8 gives an invalid MPA Request/Reply frame.
 *  - An MPA FPDU whose ULPDU length exceeds what the receiver accepts
 *    (RFC 5044 §4.5) cannot be framed: 2/0/0x03, the framing error, since
 *    the receiver can no longer find FPDU boundaries it can trust.
 *
 * Adding a row: append it to the right section; never renumber, since
 * the values appear in logs and test expectations by name only.
 */
#define WIRE_ERR_TABLE(WIRE_ERR)					\
	/* -- DDP (RFC 5041 §7.2), layer 1 -- */			\
	WIRE_ERR(DDP_T_VERSION, 1, 1, 0x04, "tagged segment: invalid DDP version") \
	WIRE_ERR(DDP_U_VERSION, 1, 2, 0x06, "untagged segment: invalid DDP version") \
	WIRE_ERR(DDP_T_INV_STAG, 1, 1, 0x00, "invalid STag")		\
	WIRE_ERR(DDP_T_BOUNDS, 1, 1, 0x01, "base or bounds violation") \
	WIRE_ERR(DDP_T_STAG_NOT_ASSOC, 1, 1, 0x02, "STag not associated with DDP stream") \
	WIRE_ERR(DDP_T_TO_WRAP, 1, 1, 0x03, "tagged offset wraps")	\
	WIRE_ERR(DDP_U_INV_QN, 1, 2, 0x01, "invalid queue number")	\
	WIRE_ERR(DDP_U_NO_BUF, 1, 2, 0x02, "invalid MSN: no buffer available") \
	WIRE_ERR(DDP_U_MSN_RANGE, 1, 2, 0x03, "invalid MSN: out of range") \
	WIRE_ERR(DDP_U_INV_MO, 1, 2, 0x04, "invalid message offset")	\
	WIRE_ERR(DDP_U_TOO_LONG, 1, 2, 0x05, "DDP message too long for buffer") \
	/* -- RDMAP (RFC 5040 §4.8, RFC 7306 §8), layer 0 -- */	\
	WIRE_ERR(RDMAP_SHORT, 0, 2, 0x07, "segment shorter than its headers") \
	WIRE_ERR(RDMAP_VERSION, 0, 2, 0x05, "invalid RDMAP version")	\
	WIRE_ERR(RDMAP_OPCODE, 0, 2, 0x06, "unexpected opcode")	\
	WIRE_ERR(RDMAP_CATA_STREAM, 0, 2, 0x07, "catastrophic error, localized to stream") \
	WIRE_ERR(RDMAP_CATA_GLOBAL, 0, 2, 0x08, "catastrophic error, global") \
	WIRE_ERR(RDMAP_OP_CANT_INVALIDATE, 0, 2, 0x09, "STag cannot be invalidated") \
	WIRE_ERR(RDMAP_OP_UNSPEC, 0, 2, 0xff, "unspecified remote operation error") \
	WIRE_ERR(RDMAP_LOCAL_CATA, 0, 0, 0x00, "local catastrophic error") \
	WIRE_ERR(RDMAP_INV_STAG, 0, 1, 0x00, "invalid STag")		\
	WIRE_ERR(RDMAP_BASE_BOUNDS, 0, 1, 0x01, "base or bounds violation") \
	WIRE_ERR(RDMAP_ACCESS, 0, 1, 0x02, "access rights violation")	\
	WIRE_ERR(RDMAP_STAG_NOT_ASSOC, 0, 1, 0x03, "STag not associated with RDMAP stream") \
	WIRE_ERR(RDMAP_TO_WRAP, 0, 1, 0x04, "tagged offset wraps")	\
	WIRE_ERR(RDMAP_PROT_CANT_INVALIDATE, 0, 1, 0x09, "STag cannot be invalidated") \
	WIRE_ERR(RDMAP_PROT_UNSPEC, 0, 1, 0xff, "unspecified protection error") \
	WIRE_ERR(RDMAP_ATOMIC_ALIGN, 0, 2, 0x07, "atomic target not 64-bit aligned") \
	WIRE_ERR(RDMAP_ATOMIC_AOPCODE, 0, 2, 0x06, "unsupported atomic operation code") \
	WIRE_ERR(RDMAP_TERM_HDR, 0, 2, 0x07, "malformed Terminate header") \
	WIRE_ERR(RDMAP_EXCESS, 0, 2, 0x07, "message longer than its opcode allows") \
	/* -- MPA (RFC 5044 §8, RFC 6581 §8), layer 2 -- */		\
	WIRE_ERR(MPA_CONN_LOST, 2, 0, 0x01, "connection closed or lost") \
	WIRE_ERR(MPA_CRC, 2, 0, 0x02, "MPA CRC mismatch")		\
	WIRE_ERR(MPA_MARKER, 2, 0, 0x03, "MPA marker does not point at the FPDU start") \
	WIRE_ERR(MPA_ULPDU_LEN, 2, 0, 0x03, "ULPDU length out of range") \
	WIRE_ERR(MPA_BAD_KEY, 2, 0, 0x04, "MPA frame key is wrong") \
	WIRE_ERR(MPA_BAD_REV, 2, 0, 0x04, "unsupported MPA revision") \
	WIRE_ERR(MPA_PD_TOO_LONG, 2, 0, 0x04, "MPA private data longer than 512") \
	WIRE_ERR(MPA_BAD_FRAME, 2, 0, 0x04, "invalid MPA request or reply frame") \
	WIRE_ERR(MPA_LOCAL_CATA, 2, 0, 0x05, "local catastrophic")	\
	WIRE_ERR(MPA_IRD, 2, 0, 0x06, "insufficient IRD resources")	\
	WIRE_ERR(MPA_RTR, 2, 0, 0x07, "no matching RTR option")	\
	/* -- SCTP stream session control (RFC 5043 §5.2.3, RFC 6581 §7) -- */ \
	WIRE_ERR(SSC_SHORT, 2, 0, 0x04, "session control message too short") \
	WIRE_ERR(SSC_FUNCTION, 2, 0, 0x04, "unknown session control function code") \
	WIRE_ERR(SSC_PD_TOO_LONG, 2, 0, 0x04, "session control private data longer than 512") \
	WIRE_ERR(SSC_TERM_PD, 2, 0, 0x04, "session Terminate carries private data") \
	WIRE_ERR(SSC_ENH_SHORT, 2, 0, 0x04, "enhanced session control lacks IRD/ORD") \
	WIRE_ERR(SSC_SEGMENT_SHORT, 0, 2, 0x07, "DDP segment chunk shorter than DDP-SSN") \
	WIRE_ERR(SSC_SSN_WINDOW, 0, 2, 0x07, "DDP-SSN outside the receive window")

enum wire_err {
	WIRE_OK = 0,
#define WIRE_ERR_ENUM(name, layer, etype, ecode, text) WIRE_E_##name,
	WIRE_ERR_TABLE(WIRE_ERR_ENUM)
#undef WIRE_ERR_ENUM
	WIRE_E__COUNT
};

#endif /* RDMAD_WIRE_WIRE_ERR_H */
