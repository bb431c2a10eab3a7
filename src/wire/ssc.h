/* ssc.h — RFC 5043 DDP/SCTP adaptation: chunk codecs and DDP-SSN arithmetic. */
#ifndef RDMAD_WIRE_SSC_H
#define RDMAD_WIRE_SSC_H

/*
 * Pure codecs for the two SCTP payload formats of RFC 5043 §5.2 and the
 * enhanced session control of RFC 6581 §7 and §9:
 *
 *   PPID 16, DDP Segment Chunk (§5.2.2):   | DDP-SSN (16) | DDP Segment ...
 *   PPID 17, Stream Session Control (§5.2.3):
 *					     | DDP-SSN (16) | Function (16) |
 *					     | Private Data (0..512) ...     |
 *
 * All fields are big-endian.  SCTP preserves message boundaries, so the
 * length of a chunk is the length recvmsg() returned: there is no length
 * field and no "need more" state.  A DDP Segment is not decoded here; its
 * octets are handed to the DDP codec.
 *
 * Ownership: decoders never copy.  Pointers in the decoded structs point
 * into the caller's input and are valid as long as that buffer is.
 * Encoders write into caller-owned buffers.  Nothing here allocates, keeps
 * state or does I/O; every function is reentrant and thread-safe.
 *
 * Errors: decoders return WIRE_OK or the most precise enum wire_err
 * (src/wire/wire_err.h); term_triple_of() gives the Terminate triple.
 * Encoders return the octet count written, or SSC_ENC_NOSPACE when the
 * buffer is too small, or SSC_ENC_INVALID when the message would break an
 * RFC rule (ssc_ctl_check() names the rule).  On a negative return the
 * buffer contents are unspecified.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/irdord.h"
#include "wire/iwarp.h"
#include "wire/wire_err.h"

#define SSC_ENC_NOSPACE	(-1)	/* encoder: buffer too small */
#define SSC_ENC_INVALID	(-2)	/* encoder: message breaks an RFC rule */

/* DDP-SSN of the first Data Chunk of every session (RFC 5043 §6.1). */
#define SSC_SSN_FIRST	0u

/* ---- PPIDs and the sctp_sndrcvinfo ppid field --------------------------- */

/*
 * The SCTP sockets API passes the PPID through untouched (RFC 6458
 * §5.3.2, §5.3.4, §5.3.5: "the SCTP stack performs no byte order
 * modification"), and the DATA chunk carries it big-endian (RFC 9260
 * §3.3.1).  So the value put in sinfo_ppid / snd_ppid must be the PPID in
 * network byte order, and a received rcv_ppid must be swapped back.
 * These are htonl/ntohl without <arpa/inet.h>.
 */
uint32_t	 ssc_ppid_to_sinfo(uint32_t ppid);
uint32_t	 ssc_ppid_from_sinfo(uint32_t sinfo_ppid);

/* ---- DDP Segment Chunk, PPID 16 (RFC 5043 §5.2.2) ----------------------- */

/* A decoded DDP Segment Chunk. */
struct ssc_seg {
	uint16_t	 ssn;		/* DDP-SSN (§5.2.1) */
	const uint8_t	*seg;		/* the DDP segment, into the input */
	size_t		 seg_len;	/* its length; may be 0 (DDP rejects) */
};

/*
 * Split a received PPID-16 chunk of `len` octets into its DDP-SSN and DDP
 * segment.  Returns WIRE_OK, or WIRE_E_SSC_SEGMENT_SHORT when len < 2
 * (*out is then zeroed).  An empty DDP segment is returned as such: the
 * DDP codec reports it as too short for its header.
 */
enum wire_err	 ssc_seg_decode(const void *chunk, size_t len,
		    struct ssc_seg *out);

/*
 * Write the 2-octet DDP-SSN prefix of a DDP Segment Chunk, so that the
 * transport can send  prefix | DDP header | payload  with one writev.
 * Returns SCTP_DDP_SSN_LEN (2) or SSC_ENC_NOSPACE.
 */
int		 ssc_seg_prefix_encode(uint16_t ssn, void *buf, size_t cap);

/*
 * Write a whole DDP Segment Chunk (prefix and a copy of the segment) into
 * buf.  Returns 2 + seg_len, or SSC_ENC_NOSPACE; SSC_ENC_INVALID when the
 * result would not fit an int.  seg may be NULL when seg_len is 0.
 */
int		 ssc_seg_encode(uint16_t ssn, const void *seg, size_t seg_len,
		    void *buf, size_t cap);

/* ---- Stream Session Control, PPID 17 (RFC 5043 §5.2.3, RFC 6581 §7) ---- */

/*
 * A Stream Session Control message.
 *
 * Decoded: every field is set.  pd/pd_len is the whole Private Data field
 * (RFC 5043 §5.2.3); for enhanced codes io holds the decoded word and
 * ulp_pd/ulp_pd_len is the ULP private data after it (RFC 6581 §7), for
 * the others io is zeroed and ulp_pd == pd.  When A is 0 the B, C and D
 * flags are ignored on receipt and decoded as false (RFC 6581 §9.2).
 *
 * Encoded: ssn, fn, io (enhanced codes only) and ulp_pd/ulp_pd_len are
 * read; pd/pd_len are ignored (the encoder derives them).
 */
struct ssc_ctl {
	uint16_t		 ssn;		/* DDP-SSN (§5.2.1) */
	uint16_t		 fn;		/* enum ssc_function */
	const uint8_t		*pd;		/* Private Data (into input) */
	size_t			 pd_len;	/* its length, 0..512 */
	struct irdord		 io;		/* enhanced codes only */
	const uint8_t		*ulp_pd;	/* ULP private data */
	size_t			 ulp_pd_len;	/* 0..512, or 0..508 if enh. */
};

/*
 * Decision on Enhanced Reject (0x007): it carries the IRD/ORD word, like
 * Enhanced Initiate and Accept.  RFC 6581 §7 and §9 name only Initiate
 * and Accept, but §9.1 lets the responder "specify the required ORD in
 * the ... Reject ... responder ORD", the initiator "MUST pass the
 * responder provided IRD and ORD to the ULP for both ... Accept and
 * Reject messages", and §7 lets the provider answer with "a reject reply
 * message indicating which RTR indication types it supports".  On MPA
 * that is the S bit of the Reject frame; SCTP has no S bit, so the
 * function code must fix the layout, and only "word present" can carry
 * what §9.1 requires.  An Enhanced Reject shorter than the word is
 * WIRE_E_SSC_ENH_SHORT (with ssn, fn, pd and pd_len still filled, so the
 * engine may treat it as the rejection it is).
 */

/* True for the enhanced function codes 5, 6 and 7 (RFC 6581 §7). */
bool		 ssc_fn_is_enhanced(uint16_t fn);

/* "Initiate", "Enhanced Accept", ... or NULL for an unknown code. */
const char	*ssc_fn_name(uint16_t fn);

/*
 * Decode a received PPID-17 chunk of `len` octets.  Returns WIRE_OK or,
 * in this order of precedence:
 *   WIRE_E_SSC_SHORT		len < 4 (no DDP-SSN and function code);
 *   WIRE_E_SSC_FUNCTION	function code not 1..7;
 *   WIRE_E_SSC_TERM_PD		Terminate (4) with any private data;
 *   WIRE_E_SSC_PD_TOO_LONG	private data > 512 octets, the IRD/ORD
 *				word included (RFC 6581 §7);
 *   WIRE_E_SSC_ENH_SHORT	enhanced code with fewer than 4 octets of
 *				private data.
 * On SSC_SHORT and SSC_FUNCTION *out is zeroed; on the others ssn, fn,
 * pd and pd_len are filled and the rest zeroed.
 */
enum wire_err	 ssc_ctl_decode(const void *chunk, size_t len,
		    struct ssc_ctl *out);

/*
 * The RFC rules on a message to be sent: WIRE_OK, or SSC_FUNCTION,
 * SSC_TERM_PD or SSC_PD_TOO_LONG as in ssc_ctl_decode(), counting the
 * word for enhanced codes.  Structural mistakes the wire cannot express
 * (ird or ord above 0x3fff, B/C/D set without A, which RFC 6581 §9.2
 * forbids) are reported by ssc_ctl_encode() as SSC_ENC_INVALID.
 */
enum wire_err	 ssc_ctl_check(const struct ssc_ctl *m);

/* Octets ssc_ctl_encode() writes for m (no checks). */
size_t		 ssc_ctl_encoded_len(const struct ssc_ctl *m);

/*
 * Write m as a PPID-17 chunk into buf.  Returns the octet count (4 to
 * 516, RFC 5043 §9), SSC_ENC_INVALID if m breaks a rule above, or
 * SSC_ENC_NOSPACE.
 */
int		 ssc_ctl_encode(const struct ssc_ctl *m, void *buf, size_t cap);

/*
 * Encode the 4-octet IRD/ORD word alone (RFC 6581 §9, decoder:
 * irdord_load()).  Returns 4, SSC_ENC_NOSPACE or SSC_ENC_INVALID (see
 * irdord_valid()).
 */
int		 ssc_ird_ord_encode(const struct irdord *io, void *buf,
		    size_t cap);

/* ---- DDP-SSN sequencing (RFC 5043 §6.1, §10; RFC 1982 §3.2) ------------ */

/*
 * The DDP-SSN starts at SSC_SSN_FIRST, grows by one per Data Chunk with no
 * gaps (§6) and wraps modulo 2^16.  A sender has at most
 * SCTP_DDP_SSN_WINDOW (32767) chunks outstanding per stream (§10), so a
 * receiver whose next expected SSN is `next` accepts only
 * next .. next + 32766 (mod 2^16): anything else is a replay or a peer
 * running ahead of the window, "an invalid DDP-SSN" (§10).
 *
 * Comparison is serial-number arithmetic over 16 bits (RFC 1982): a < b
 * when b - a mod 2^16 is in 1..32767.  Two numbers exactly 32768 apart
 * are unordered: neither ssc_ssn_lt(a, b) nor ssc_ssn_lt(b, a).
 */

/* The SSN after s: s + 1 mod 2^16. */
static inline uint16_t
ssc_ssn_next(uint16_t s)
{
	return (uint16_t)(s + 1u);
}

/* Forward distance from `from` to `to`: to - from mod 2^16. */
static inline uint16_t
ssc_ssn_dist(uint16_t from, uint16_t to)
{
	return (uint16_t)(to - from);
}

/* RFC 1982 "a < b" for 16-bit serial numbers. */
static inline bool
ssc_ssn_lt(uint16_t a, uint16_t b)
{
	uint16_t d = ssc_ssn_dist(a, b);

	return d != 0 && d < 0x8000u;
}

/*
 * True when ssn may arrive while `next` is the next SSN expected in
 * order: ssc_ssn_dist(next, ssn) < SCTP_DDP_SSN_WINDOW.  The distance is
 * then also the slot of the chunk in a 32767-entry reorder buffer.
 */
static inline bool
ssc_ssn_in_window(uint16_t ssn, uint16_t next)
{
	return ssc_ssn_dist(next, ssn) < SCTP_DDP_SSN_WINDOW;
}

/* WIRE_OK when ssc_ssn_in_window(), else WIRE_E_SSC_SSN_WINDOW. */
enum wire_err	 ssc_ssn_check(uint16_t ssn, uint16_t next);

#endif /* RDMAD_WIRE_SSC_H */
