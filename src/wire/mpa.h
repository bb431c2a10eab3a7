/* mpa.h — MPA (RFC 5044, RFC 6581): startup frames, FPDUs, markers. */
#ifndef RDMAD_WIRE_MPA_H
#define RDMAD_WIRE_MPA_H

/*
 * Marker PDU Aligned framing carries DDP segments over a TCP byte stream.
 * This header has two halves:
 *
 *  - mpa_frame.c: the MPA Request/Reply frames of the Startup Phase
 *    (RFC 5044 §7.1.1, RFC 6581 §6 and §9), sent before any FPDU, with
 *    neither CRC nor markers;
 *  - mpa_fpdu.c: the Full Operation Phase (RFC 5044 §4): FPDU framing,
 *    pad, CRC32c, markers, the resumable receive decoder, the MULPDU.
 *
 * Ownership: decoders never allocate.  Pointers in a decoded struct
 * mpa_frame point into the caller's input and are valid while it is.
 * The FPDU receive decoder copies each ULPDU into the buffer the caller
 * gave mpa_rx_init() (markers may split a ULPDU, so it cannot in
 * general be handed out in place); mpa_fpdu_layout() gives what a
 * zero-copy receiver needs to do its own readv instead.  Encoders write
 * into caller-owned buffers.  All state lives in caller-owned structs
 * (struct mpa_tx, struct mpa_rx): every function is reentrant, and
 * thread-safe as long as one state struct is not used concurrently.
 *
 * Errors: decoders report the most precise enum wire_err
 * (src/wire/wire_err.h; term_triple_of() gives the Terminate triple):
 *	WIRE_E_MPA_BAD_KEY	key is not "MPA ID Req Frame"/"... Rep ..."
 *				(or not the one expected), 2/0/4
 *	WIRE_E_MPA_BAD_REV	Rev not 1 or 2, 2/0/4
 *	WIRE_E_MPA_PD_TOO_LONG	PD_Length > 512, 2/0/4
 *	WIRE_E_MPA_BAD_FRAME	enhanced (S) frame whose PD_Length < 4, so
 *				it cannot hold the IRD/ORD word, 2/0/4
 *	WIRE_E_MPA_CRC		FPDU CRC mismatch, 2/0/2
 *	WIRE_E_MPA_MARKER	a marker's FPDUPTR disagrees with the FPDU
 *				start found from ULPDU_Length, 2/0/3
 *	WIRE_E_MPA_ULPDU_LEN	ULPDU_Length 0 or above the receiver's
 *				maximum: no trustworthy framing, 2/0/3
 * Encoders return the octet count written (or a segment count), or
 * MPA_ENC_NOSPACE when the caller's buffer is too small, or
 * MPA_ENC_INVALID when the input breaks an RFC rule; on a negative
 * return the output is unspecified and no state was changed.
 *
 * Stream positions: a `pos` is the offset in one direction's octet
 * stream counted from the first octet of Full Operation (SeqStart of
 * RFC 5044 §4.3: the first octet after the MPA Request/Reply frame
 * that direction sent).  Only pos mod 512 matters, so a TCP sequence
 * number minus SeqStart may be passed as is, wrapping included.  Every
 * FPDU and every marker is a multiple of 4 octets long and the stream
 * starts with a marker (or an FPDU), so a valid pos is always a multiple
 * of 4; the functions that can fail reject any other pos.
 *
 * Not done here (transport or engine business): locating FPDUs from
 * markers in out-of-order TCP segments (§4.3, optional), the startup
 * timeouts (§7.1.2 rules 8, 10), the "Responder sends no FPDU before it
 * has received one" rule (§7.1.2 rule 4) and the IRD/ORD and RTR
 * negotiation decisions of RFC 6581 §9 (this file only carries the
 * values).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/irdord.h"
#include "wire/iwarp.h"
#include "wire/wire_err.h"

#define MPA_ENC_NOSPACE	(-1)	/* encoder: buffer or array too small */
#define MPA_ENC_INVALID	(-2)	/* encoder: input breaks an RFC rule */

/*
 * Limits of RFC 5044 §3 and §4.5: the sender MUST NOT post a ULPDU
 * larger than 64768 octets and MULPDU lies in 128..64768.  The upper
 * bound also keeps every FPDUPTR below 2^16.
 */
#define MPA_ULPDU_MAX	64768u
#define MPA_MULPDU_MIN	128u

/* Outcome of the stream decoders (frames and FPDUs arrive over TCP). */
enum mpa_status {
	MPA_ST_DONE,	/* one frame / FPDU complete */
	MPA_ST_MORE,	/* incomplete: feed at least res.need more octets */
	MPA_ST_FAIL	/* malformed: res.err says why */
};

/* Details of a decoder call; every field is set on every return. */
struct mpa_res {
	size_t		 used;	/* input octets consumed */
	size_t		 len;	/* DONE: frame length, or ULPDU length */
	size_t		 need;	/* MORE: at least this many more octets */
	enum wire_err	 err;	/* FAIL: the error, else WIRE_OK */
};

/* ---- Request/Reply frames (RFC 5044 §7.1.1, RFC 6581 §6, §9) -------- */

/*
 *   0..15  Key: "MPA ID Req Frame" or "MPA ID Rep Frame"
 *   16     |M|C|R|S| Res |	(RFC 5044: |M|C|R| Res(5) |)
 *   17     Rev
 *   18..19 PD_Length (big-endian)
 *   20..   Private Data, 0..512 octets; when S: IRD/ORD word first
 *
 * Received Res bits are not checked and not reported (RFC 5044 §7.1.1:
 * "MUST be set to zero when sending, and not checked on reception");
 * the encoder writes them as zero.  S exists only from Rev 2 on (RFC
 * 6581 §6: Rev MUST be two or higher to use any enhanced feature), so
 * in a Rev 1 frame the S position is an ordinary Res bit and ignored.
 * R is meaningful only in a Reply; in a Request it is "not checked on
 * reception" and decodes as false.
 */

enum mpa_frame_type {
	MPA_FRAME_ANY,		/* decode: accept either key */
	MPA_FRAME_REQ,		/* "MPA ID Req Frame" (Initiator sends) */
	MPA_FRAME_REP		/* "MPA ID Rep Frame" (Responder sends) */
};

/*
 * A Request or Reply frame.
 *
 * Decoded: every field is set.  pd/pd_len is the whole Private Data
 * field.  When `enhanced`, io holds the decoded IRD/ORD word and
 * ulp_pd/ulp_pd_len the ULP private data after it; otherwise io is
 * zeroed and ulp_pd/ulp_pd_len equal pd/pd_len.  When A is 0, B, C and
 * D are ignored on receipt and decode as false (RFC 6581 §9.2).
 *
 * Encoded: type, rev, markers, crc, reject, enhanced, io (when enhanced)
 * and ulp_pd/ulp_pd_len are read; pd/pd_len are ignored (derived).
 */
struct mpa_frame {
	enum mpa_frame_type	 type;		/* REQ or REP */
	uint8_t			 rev;		/* 1 or 2 */
	bool			 markers;	/* M: peer must send markers */
	bool			 crc;		/* C: CRC wanted */
	bool			 reject;	/* R: Reply only */
	bool			 enhanced;	/* S: Rev 2 only */
	const uint8_t		*pd;		/* Private Data, into input */
	uint16_t		 pd_len;	/* 0..512 */
	struct irdord		 io;		/* when enhanced */
	const uint8_t		*ulp_pd;	/* ULP private data */
	uint16_t		 ulp_pd_len;	/* 0..512, or 0..508 */
};

/*
 * Decode the frame at the start of the `len` octets received so far.
 * expect is the key this endpoint must see (REQ for a Responder, REP for
 * an Initiator: RFC 5044 §7.1.2 rule 8 detects Initiator/Initiator
 * startups by it), or ANY.  Checks are made as soon as the octets are
 * there, in wire order: key (octet by octet), Rev, PD_Length, S.
 *
 * Returns MPA_ST_DONE with *f filled, res->used = res->len = 20 +
 * PD_Length (octets after that are the peer's first FPDUs); MPA_ST_MORE
 * with res->need = octets still missing (exact once the 20-octet header
 * is in, "at least" before); MPA_ST_FAIL with res->err (see the top of
 * this file).  *f is zeroed unless DONE.  buf may be NULL when len is 0.
 */
enum mpa_status	 mpa_frame_decode(const void *buf, size_t len,
		    enum mpa_frame_type expect, struct mpa_frame *f,
		    struct mpa_res *res);

/* Octets mpa_frame_encode() writes for f (no checks). */
size_t		 mpa_frame_len(const struct mpa_frame *f);

/*
 * Write f into buf.  Returns 20 + PD_Length; MPA_ENC_INVALID when type is
 * not REQ/REP, rev not 1/2, enhanced without rev 2, reject in a Request,
 * the private data (with the word) above 512, or io breaks
 * irdord_valid()'s rules; MPA_ENC_NOSPACE when cap is too small.
 */
int		 mpa_frame_encode(const struct mpa_frame *f, void *buf,
		    size_t cap);

/* What the two frames settle for Full Operation, seen from one end. */
struct mpa_mode {
	bool		 tx_markers;	/* insert markers in what we send */
	bool		 rx_markers;	/* expect markers in what we receive */
	bool		 crc;		/* generate and check CRCs */
};

/*
 * Derive *m from the Request and Reply of one startup, as the Initiator
 * (initiator true) or the Responder sees it.  RFC 5044 §7.1.1: M in the
 * Request asks for markers in what the Responder sends, M in the Reply
 * for markers in what the Initiator sends; C set in either frame means
 * CRCs are generated and checked by both.  Feed the result to
 * mpa_tx_init() and mpa_rx_init().
 */
void		 mpa_negotiate(const struct mpa_frame *req,
		    const struct mpa_frame *rep, bool initiator,
		    struct mpa_mode *m);

/* The IRD/ORD word itself: irdord_load() / irdord_store() (irdord.h). */

/* ---- FPDU geometry (RFC 5044 §4.1 - §4.3) --------------------------- */

/*
 * Marker-free FPDU: | ULPDU_Length (2) | ULPDU | PAD (0-3) | CRC (4) |,
 * a multiple of 4 octets.  On the wire a 4-octet marker
 * | Reserved (16) | FPDUPTR (16) | sits at every stream offset that is a
 * multiple of 512 (when markers are on for that direction).  A marker
 * belongs to the FPDU whose octets surround it; one that falls between
 * two FPDUs belongs to the following one and carries FPDUPTR 0.  FPDUPTR
 * is the distance from the ULPDU_Length field to the marker; the CRC
 * covers every octet of the FPDU on the wire, markers included, except
 * the CRC field itself (§4.3, §4.4).
 */

/*
 * Most markers one FPDU can contain: the largest FPDU has C = 64768 + 8
 * marker-free octets; markers stand 508 of them apart, so at most
 * ceil((C - 1) / 508) = 128 fall before its octets 1..C-1 (a leading
 * marker leaves room for only 127 more).
 */
#define MPA_MARKERS_MAX	((MPA_ULPDU_MAX + 8 - 1 + 507) / 508)

/* Pad octets after a ULPDU of ulpdu_len octets (§4.1). */
static inline size_t
mpa_pad_len(size_t ulpdu_len)
{
	return (size_t)(-(MPA_HDR_LEN + ulpdu_len) & 3);
}

/* Length of the marker-free FPDU carrying ulpdu_len octets. */
static inline size_t
mpa_fpdu_len(size_t ulpdu_len)
{
	return MPA_HDR_LEN + ulpdu_len + mpa_pad_len(ulpdu_len) + MPA_CRC_LEN;
}

/* Where everything of one FPDU lies on the wire. */
struct mpa_layout {
	size_t		 wire_len;	/* markers, header, ULPDU, pad, CRC */
	size_t		 hdr_off;	/* ULPDU_Length: 4 if a marker leads */
	size_t		 ulpdu_off;	/* first ULPDU octet */
	size_t		 crc_off;	/* CRC field: wire_len - 4 */
	size_t		 ulpdu_len;
	size_t		 pad_len;
	unsigned int	 nmarkers;
	uint32_t	 marker_off[MPA_MARKERS_MAX];	/* ascending */
	uint16_t	 marker_ptr[MPA_MARKERS_MAX];	/* FPDUPTR due */
};

/*
 * Octets a receiver reads at stream offset pos before it knows the
 * ULPDU_Length: 6 when a marker is due there (markers on and pos a
 * multiple of 512), else 2.  The length field is the last two of them.
 */
size_t		 mpa_fpdu_hdr_span(uint32_t pos, bool markers);

/*
 * Fill *lay for an FPDU carrying ulpdu_len octets that starts at stream
 * offset pos.  With it a zero-copy receiver can read the header with
 * mpa_fpdu_hdr_span(), then readv the ULPDU straight to its place
 * around the markers, and check each marker with mpa_marker_check().
 * Returns 0, or -1 when ulpdu_len is 0 or above MPA_ULPDU_MAX or pos is
 * not a multiple of 4.
 */
int		 mpa_fpdu_layout(uint32_t pos, bool markers, size_t ulpdu_len,
		    struct mpa_layout *lay);

/*
 * Check a received marker against the FPDUPTR it must carry.  Reserved
 * is ignored and the two low FPDUPTR bits are treated as zero (§4.2).
 * Returns WIRE_OK or WIRE_E_MPA_MARKER.
 */
enum wire_err	 mpa_marker_check(const uint8_t *marker, uint16_t ptr);

/*
 * The CRC field holds the CRC32c result least-significant octet first:
 * RFC 5044 §4.4 Figure 5 shows 0x83992352 as 52 23 99 83 (the iSCSI
 * digest convention of RFC 7143 §13.1 and Appendix A.4).
 */
static inline uint32_t
mpa_crc_load(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void
mpa_crc_store(uint8_t *p, uint32_t crc)
{
	p[0] = (uint8_t)crc;
	p[1] = (uint8_t)(crc >> 8);
	p[2] = (uint8_t)(crc >> 16);
	p[3] = (uint8_t)(crc >> 24);
}

/* ---- Sending FPDUs (RFC 5044 §4) ------------------------------------ */

/* Per-direction sender state; initialise with mpa_tx_init(). */
struct mpa_tx {
	bool		 markers;	/* peer asked for markers (its M bit) */
	bool		 crc;		/* CRC negotiated (either C bit) */
	uint16_t	 pos;		/* next stream offset, mod 512 */
};

/*
 * Set up a sender.  markers: insert markers (RFC 5044 §7.1.1: the
 * peer's M bit); crc: compute the CRC, else the field is sent as zero
 * (§4.1: "may contain any value"); pos: stream offset of the next octet
 * to send, normally 0.  Returns 0, or -1 when pos is not a multiple
 * of 4.
 */
int		 mpa_tx_init(struct mpa_tx *tx, bool markers, bool crc,
		    uint32_t pos);

/* A gather element, the shape of struct iovec without <sys/uio.h>. */
struct mpa_iov {
	const void	*base;
	size_t		 len;
};

/* Scratch octets mpa_tx_gather() may need for one FPDU. */
#define MPA_TX_SCRATCH_MAX \
	(MPA_HDR_LEN + 3 + MPA_CRC_LEN + MPA_MARKER_LEN * MPA_MARKERS_MAX)

/* Output elements mpa_tx_gather() may need for nin input elements. */
#define MPA_TX_IOV_MAX(nin)	((nin) + 2 * MPA_MARKERS_MAX + 2)

/*
 * Frame the ULPDU given as nin elements (their lengths add up to the
 * ULPDU length) as the next FPDU of tx, without copying it: fill out[]
 * with elements that, written in order (writev), form the FPDU on the
 * wire.  ULPDU octets are referenced in place; markers, header, pad and
 * CRC are written to scratch (at most MPA_TX_SCRATCH_MAX octets), and
 * adjacent scratch octets share one element.  The CRC is computed over
 * the scattered FPDU with crc32c_update().  On success tx->pos advances
 * past the FPDU, and *wire_len (if not NULL) is its length.
 *
 * Returns the number of elements used (at most MPA_TX_IOV_MAX(nin));
 * MPA_ENC_INVALID when the ULPDU is empty or above MPA_ULPDU_MAX;
 * MPA_ENC_NOSPACE when outmax or scap is too small.
 */
int		 mpa_tx_gather(struct mpa_tx *tx, const struct mpa_iov *in,
		    unsigned int nin, struct mpa_iov *out, unsigned int outmax,
		    uint8_t *scratch, size_t scap, size_t *wire_len);

/*
 * One-shot form of mpa_tx_gather(): write the next FPDU carrying the
 * ulpdu_len octets at ulpdu into buf.  Returns the wire length (see
 * mpa_fpdu_layout()), MPA_ENC_INVALID or MPA_ENC_NOSPACE.
 */
int		 mpa_tx_encode(struct mpa_tx *tx, const void *ulpdu,
		    size_t ulpdu_len, void *buf, size_t cap);

/*
 * Marker insertion on a whole FPDU: fpdu is a marker-free FPDU of len
 * octets (len must equal mpa_fpdu_len() of its ULPDU_Length) that will
 * start at stream offset pos.  Writes it to out with its markers and,
 * when crc is true, with the CRC recomputed over the wire octets (the
 * markers are covered); when false the CRC field is copied unchanged.
 * Returns the wire length, MPA_ENC_INVALID (bad len, pos or
 * ULPDU_Length) or MPA_ENC_NOSPACE.
 */
int		 mpa_marker_insert(uint32_t pos, bool crc, const void *fpdu,
		    size_t len, void *out, size_t cap);

/*
 * Marker removal on a whole FPDU: decode the FPDU that starts at stream
 * offset pos at the head of the len wire octets, verify its CRC when
 * crc is true, verify every marker's FPDUPTR, and write the marker-free
 * FPDU (header, ULPDU, pad and the CRC field as received) to out.
 * Returns DONE (res->used: wire octets of the FPDU, res->len: octets
 * written), MORE (res->need: octets missing) or FAIL with
 * WIRE_E_MPA_ULPDU_LEN (length 0 or above MPA_ULPDU_MAX or above what
 * fits cap), WIRE_E_MPA_CRC, or WIRE_E_MPA_MARKER (checked after the
 * CRC, as RFC 5044 §8 code 3 says).  pos must be a multiple of 4;
 * another pos fails with WIRE_E_MPA_MARKER.
 */
enum mpa_status	 mpa_marker_strip(uint32_t pos, bool crc, const void *wire,
		    size_t len, void *out, size_t cap, struct mpa_res *res);

/* ---- Receiving FPDUs (RFC 5044 §4, §6, §8) -------------------------- */

/*
 * Resumable receive state of one direction.  The fields are private to
 * mpa_fpdu.c; the caller owns the memory and sets it up with
 * mpa_rx_init().
 */
struct mpa_rx {
	/* configuration */
	bool		 markers;	/* peer inserts markers (our M) */
	bool		 crc;		/* check the CRC */
	uint16_t	 max_ulpdu;	/* largest ULPDU_Length accepted */
	uint8_t		*buf;		/* ULPDU goes here, max_ulpdu */
	/* progress in the current FPDU */
	uint16_t	 pos;		/* next octet's offset, mod 512 */
	uint16_t	 ulpdu_len;	/* from the header, once known */
	uint32_t	 off;		/* marker-free octets seen */
	uint32_t	 since_hdr;	/* wire octets since the header */
	uint32_t	 crc_state;	/* CRC32c register so far */
	uint8_t		 hdr[MPA_HDR_LEN];
	uint8_t		 mk[MPA_MARKER_LEN];
	uint8_t		 crcf[MPA_CRC_LEN];
	enum wire_err	 bad_marker;	/* marker error, reported after CRC */
	enum wire_err	 err;		/* sticky error (RFC 5044 §8) */
};

/*
 * Set up a receiver.  markers: the peer inserts markers (we sent M=1);
 * crc: check CRCs (the C bit was set in either frame, RFC 5044 §7.1.1);
 * pos: stream offset of the next octet, normally 0; buf/cap: where each
 * ULPDU is assembled, cap >= max_ulpdu; max_ulpdu: the largest
 * ULPDU_Length accepted, 1..MPA_ULPDU_MAX (typically our MULPDU or the
 * receive buffer size).  Returns 0, or -1 on a bad argument.
 */
int		 mpa_rx_init(struct mpa_rx *rx, bool markers, bool crc,
		    uint32_t pos, uint16_t max_ulpdu, uint8_t *buf, size_t cap);

/*
 * Feed the len octets at in (any chunking, down to one octet at a time).
 * The decoder consumes octets up to the end of one FPDU at most:
 *
 * DONE: the FPDU was complete and valid.  The ULPDU is in rx->buf
 *	(mpa_rx_ulpdu()), res->len octets, valid until the next call;
 *	res->used octets were consumed, feed the rest (in + used) next.
 * MORE: all len octets were consumed (res->used == len); at least
 *	res->need more are needed for this FPDU (exact once the header is
 *	in).
 * FAIL: res->err is WIRE_E_MPA_ULPDU_LEN (as soon as the header is in),
 *	WIRE_E_MPA_CRC or WIRE_E_MPA_MARKER (when the FPDU is complete,
 *	CRC first: RFC 5044 §8 code 3 applies "in the event that the CRC
 *	is valid").  The error is sticky: MPA "MUST NOT pass or deliver
 *	any additional FPDUs on that half connection" (§8), so later
 *	calls fail again with res->used = 0.
 *
 * Pad octets are covered by the CRC and otherwise ignored (§4.1); marker
 * Reserved bits are ignored (§4.2); every marker is checked.
 */
enum mpa_status	 mpa_rx_feed(struct mpa_rx *rx, const void *in, size_t len,
		    struct mpa_res *res);

/* The ULPDU of the FPDU the last DONE returned. */
static inline const uint8_t *
mpa_rx_ulpdu(const struct mpa_rx *rx)
{
	return rx->buf;
}

/* ---- FPDU sizing (RFC 5044 §4.5) ------------------------------------ */

/*
 * MULPDU, the largest ULPDU to hand to one FPDU for a TCP EMSS:
 *	markers:	EMSS - (6 + 4 * ceil(EMSS / 512) + EMSS mod 4)
 *	no markers:	EMSS - (6 + EMSS mod 4)
 * clamped to MPA_MULPDU_MIN..MPA_ULPDU_MAX (§3: "The range of MULPDU
 * values MUST be between 128 octets and 64768 octets, inclusive"; §4.5:
 * never below 128 even when EMSS shrinks).
 */
size_t		 mpa_mulpdu(size_t emss, bool markers);

#endif /* RDMAD_WIRE_MPA_H */
