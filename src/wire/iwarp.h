/* iwarp.h — protocol constants of RDMAP, DDP, MPA and the SCTP adaptation. */
#ifndef RDMAD_WIRE_IWARP_H
#define RDMAD_WIRE_IWARP_H

/*
 * Every number here is a wire constant from the RFC named beside it.  Field
 * layouts are decoded with shifts and masks on host-order values (see
 * src/common/buf.h); nothing in src/wire casts received bytes to structs.
 */

/* ---- DDP, RFC 5041 §4 ------------------------------------------------- */
/* DDP control octet: |T|L| Rsvd |DV| (§4.1). */
#define DDP_FLAG_TAGGED		0x80u	/* T: Tagged Buffer Model */
#define DDP_FLAG_LAST		0x40u	/* L: last segment of the message */
#define DDP_MASK_RSVD		0x3cu	/* set to zero, not checked on rx */
#define DDP_MASK_DV		0x03u	/* DDP version */
#define DDP_VERSION		1u	/* DV MUST be one (§4.1) */

#define DDP_TAGGED_HDR_LEN	14u	/* ctrl, RsvdULP, STag, TO (§4.2) */
#define DDP_UNTAGGED_HDR_LEN	18u	/* ctrl, RsvdULP[40], QN, MSN, MO (§4.3) */
#define DDP_MSN_INITIAL		1u	/* first MSN on every queue (§4.3) */

/* ---- RDMAP, RFC 5040 §4.1 and RFC 7306 §4.1 --------------------------- */
/* RDMAP control octet: |RV|Rsv|Opcode|. */
#define RDMAP_MASK_RV		0xc0u
#define RDMAP_SHIFT_RV		6
#define RDMAP_MASK_RSVD		0x30u
#define RDMAP_MASK_OPCODE	0x0fu
#define RDMAP_VERSION		1u	/* RV 01b: RFC 5040 (§4.1) */
#define RDMAP_VERSION_RDMAC	0u	/* RV 00b: RDMA Consortium, also valid */

enum rdmap_opcode {
	RDMAP_OP_WRITE		= 0x0,	/* RFC 5040 */
	RDMAP_OP_READ_REQ	= 0x1,
	RDMAP_OP_READ_RESP	= 0x2,
	RDMAP_OP_SEND		= 0x3,
	RDMAP_OP_SEND_INV	= 0x4,
	RDMAP_OP_SEND_SE	= 0x5,
	RDMAP_OP_SEND_SE_INV	= 0x6,
	RDMAP_OP_TERMINATE	= 0x7,
	RDMAP_OP_IMM		= 0x8,	/* RFC 7306 */
	RDMAP_OP_IMM_SE		= 0x9,
	RDMAP_OP_ATOMIC_REQ	= 0xa,
	RDMAP_OP_ATOMIC_RESP	= 0xb,
	RDMAP_OP_MAX		= 0xb
};

/* Untagged queue numbers (RFC 5040 §4.1 Figure 4, RFC 7306 §10.2). */
#define RDMAP_QN_SEND		0u	/* Send, Immediate Data */
#define RDMAP_QN_READ_REQ	1u	/* Read Request, Atomic Request */
#define RDMAP_QN_TERMINATE	2u
#define RDMAP_QN_ATOMIC_RESP	3u
#define RDMAP_QN_COUNT		4u

#define RDMAP_READ_REQ_HDR_LEN	28u	/* RFC 5040 §4.4 Figure 6 */
#define RDMAP_IMM_HDR_LEN	8u	/* RFC 7306 §6.2 */
#define RDMAP_ATOMIC_REQ_HDR_LEN 52u	/* RFC 7306 §5.2.1 Figure 4 */
#define RDMAP_ATOMIC_RESP_HDR_LEN 12u	/* RFC 7306 §5.2.2 Figure 6 */

/* Atomic operation codes, RFC 7306 §5.2.1 Figure 5. */
#define RDMAP_AOP_FETCHADD	0x0u
#define RDMAP_AOP_CMPSWAP	0x2u
#define RDMAP_AOP_MASK		0x0fu

/* Terminate control (RFC 5040 §4.8 Figure 8): the first 32-bit word holds
 * Layer(4) EType(4) ErrorCode(8) HdrCt(3: M D R) Reserved(13). */
#define TERM_SHIFT_LAYER	28
#define TERM_SHIFT_ETYPE	24
#define TERM_SHIFT_ECODE	16
#define TERM_FLAG_M		0x00008000u	/* DDP Segment Length valid */
#define TERM_FLAG_D		0x00004000u	/* DDP header included */
#define TERM_FLAG_R		0x00002000u	/* RDMAP header included */
#define TERM_HDR_MIN_LEN	4u

/* Terminate layers (RFC 5040 §4.8 Figure 9). */
#define TERM_LAYER_RDMAP	0x0u
#define TERM_LAYER_DDP		0x1u
#define TERM_LAYER_LLP		0x2u

/* RDMAP error types and codes (RFC 5040 §4.8 Figure 9). */
#define RDMAP_ETYPE_CATASTROPHIC	0x0u
#define RDMAP_ETYPE_REMOTE_PROT		0x1u
#define RDMAP_ETYPE_REMOTE_OP		0x2u
#define RDMAP_ECODE_INV_STAG		0x00u
#define RDMAP_ECODE_BASE_BOUNDS		0x01u
#define RDMAP_ECODE_ACCESS		0x02u
#define RDMAP_ECODE_STAG_NOT_ASSOC	0x03u
#define RDMAP_ECODE_TO_WRAP		0x04u
#define RDMAP_ECODE_VERSION		0x05u
#define RDMAP_ECODE_OPCODE		0x06u
#define RDMAP_ECODE_CATA_STREAM		0x07u
#define RDMAP_ECODE_CATA_GLOBAL		0x08u
#define RDMAP_ECODE_CANT_INVALIDATE	0x09u
#define RDMAP_ECODE_UNSPECIFIED		0xffu

/* DDP error types and codes (RFC 5041 §7.2). */
#define DDP_ETYPE_CATASTROPHIC		0x0u
#define DDP_ETYPE_TAGGED		0x1u
#define DDP_ETYPE_UNTAGGED		0x2u
#define DDP_ECODE_T_INV_STAG		0x00u
#define DDP_ECODE_T_BASE_BOUNDS		0x01u
#define DDP_ECODE_T_STAG_NOT_ASSOC	0x02u
#define DDP_ECODE_T_TO_WRAP		0x03u
#define DDP_ECODE_T_VERSION		0x04u
#define DDP_ECODE_U_INV_QN		0x01u
#define DDP_ECODE_U_NO_BUF		0x02u
#define DDP_ECODE_U_MSN_RANGE		0x03u
#define DDP_ECODE_U_INV_MO		0x04u
#define DDP_ECODE_U_TOO_LONG		0x05u
#define DDP_ECODE_U_VERSION		0x06u

/* LLP (MPA) error type and codes (RFC 5044 §8, RFC 6581 §8). */
#define MPA_ETYPE			0x0u
#define MPA_ECODE_CONN_LOST		0x01u
#define MPA_ECODE_CRC			0x02u
#define MPA_ECODE_MARKER		0x03u
#define MPA_ECODE_BAD_FRAME		0x04u
#define MPA_ECODE_LOCAL_CATA		0x05u
#define MPA_ECODE_IRD			0x06u
#define MPA_ECODE_RTR			0x07u

/* ---- MPA, RFC 5044 and RFC 6581 --------------------------------------- */
#define MPA_KEY_LEN		16u
#define MPA_KEY_REQ		"MPA ID Req Frame"	/* §7.1.1 */
#define MPA_KEY_REP		"MPA ID Rep Frame"
#define MPA_REQREP_HDR_LEN	20u	/* key, flags, rev, PD length */
#define MPA_PRIV_DATA_MAX	512u	/* §7.1.1 */
#define MPA_FLAG_M		0x80u	/* markers wanted */
#define MPA_FLAG_C		0x40u	/* CRC wanted */
#define MPA_FLAG_R		0x20u	/* rejected */
#define MPA_FLAG_S		0x10u	/* enhanced (RFC 6581 §6) */
#define MPA_REVISION_1		1u
#define MPA_REVISION_2		2u
#define MPA_MARKER_PERIOD	512u	/* §4.3: a marker every 512 octets */
#define MPA_MARKER_LEN		4u
#define MPA_HDR_LEN		2u	/* ULPDU length */
#define MPA_CRC_LEN		4u

/* RFC 6581 §9: IRD/ORD word at the start of enhanced private data,
 * |A|B| IRD(14) |C|D| ORD(14) |, network byte order. */
#define MPA_V2_IRD_ORD_LEN	4u
#define MPA_V2_FLAG_A_P2P	0x8000u	/* IRD half: peer-to-peer model */
#define MPA_V2_FLAG_B_SEND_RTR	0x4000u	/* IRD half: zero-length Send RTR */
#define MPA_V2_FLAG_C_WRITE_RTR	0x8000u	/* ORD half: zero-length Write RTR */
#define MPA_V2_FLAG_D_READ_RTR	0x4000u	/* ORD half: zero-length Read RTR */
#define MPA_V2_IRD_ORD_MASK	0x3fffu	/* 14-bit IRD / ORD */
#define MPA_V2_IRD_ORD_AUTO_OFF	0x3fffu	/* all ones: no auto negotiation */

/* ---- SCTP adaptation, RFC 5043 --------------------------------------- */
#define SCTP_DDP_ADAPTATION_IND	0x00000001u	/* §5.1 */
#define SCTP_DDP_PPID_SEGMENT	16u		/* §5.2 */
#define SCTP_DDP_PPID_SSC	17u
#define SCTP_DDP_SSN_LEN	2u		/* §5.2.1 */
#define SCTP_DDP_SSC_HDR_LEN	4u		/* DDP-SSN + function code */
#define SCTP_DDP_PRIV_DATA_MAX	512u		/* §5.2.3 */
#define SCTP_DDP_SSN_WINDOW	32767u		/* §10: outstanding limit */
#define SCTP_DDP_MIN_SEGMENT	516u		/* §9: smallest usable MTU share */

enum ssc_function {
	SSC_FN_INITIATE		= 0x001,	/* RFC 5043 §5.2.3 */
	SSC_FN_ACCEPT		= 0x002,
	SSC_FN_REJECT		= 0x003,
	SSC_FN_TERMINATE	= 0x004,
	SSC_FN_ENH_INITIATE	= 0x005,	/* RFC 6581 §7 */
	SSC_FN_ENH_ACCEPT	= 0x006,
	SSC_FN_ENH_REJECT	= 0x007
};

#endif /* RDMAD_WIRE_IWARP_H */
