/* term.h — map wire errors to RFC 5040 §4.8 Terminate triples. */
#ifndef RDMAD_WIRE_TERM_H
#define RDMAD_WIRE_TERM_H

#include <stdint.h>

#include "wire/wire_err.h"

/* The (layer, error type, error code) a Terminate message carries. */
struct term_triple {
	uint8_t	layer;	/* TERM_LAYER_* (4 bits on the wire) */
	uint8_t	etype;	/* error type (4 bits) */
	uint8_t	ecode;	/* error code (8 bits) */
};

/*
 * Fill *t with the Terminate triple of err.  Returns 0, or -1 (t zeroed)
 * when err is WIRE_OK or out of range.
 */
int		 term_triple_of(enum wire_err err, struct term_triple *t);

/* Stable upper-case name of err ("DDP_T_VERSION"), "OK", or "?". */
const char	*term_err_name(enum wire_err err);

/* One-line human description of err ("invalid DDP version"). */
const char	*term_err_text(enum wire_err err);

/*
 * Describe a received triple for logs and rdmactl, e.g. "DDP untagged
 * buffer error: invalid MSN - no buffer available".  Never NULL.
 */
const char	*term_triple_text(const struct term_triple *t);

#endif /* RDMAD_WIRE_TERM_H */
