/* crc32c.h — CRC32c (Castagnoli), as used by MPA FPDUs and SCTP. */
#ifndef RDMAD_WIRE_CRC32C_H
#define RDMAD_WIRE_CRC32C_H

/*
 * CRC32c as RFC 5044 §4.4 requires it for the MPA FPDU CRC field: "the
 * CRC32c polynomial in the manner described in the iSCSI Protocol", i.e.
 * RFC 7143 §13.1 (and RFC 3385): generator 0x1EDC6F41, processed
 * reflected (0x82F63B78), register preset to all ones, result
 * complemented.  crc32c("123456789", 9) == 0xE3069283.
 *
 * Byte order on the wire is the caller's business (see mpa_crc_store()
 * in mpa.h: MPA writes the 32-bit result least-significant octet first).
 *
 * Incremental use, e.g. over an FPDU scattered across an iovec:
 *
 *	uint32_t s = crc32c_init();
 *	for (i = 0; i < iovcnt; i++)
 *		s = crc32c_update(s, iov[i].iov_base, iov[i].iov_len);
 *	crc = crc32c_final(s);
 *
 * The state is a plain value: no allocation, no hidden state, every
 * function is reentrant and thread-safe.  p may be NULL when n is 0.
 *
 * Three implementations compute identical results: a portable
 * slicing-by-8 over static const tables; on x86-64 the SSE4.2 crc32
 * instruction in one chain; and, for 384 octets or more when the CPU
 * also has PCLMULQDQ, three interleaved crc32 chains joined by a
 * carry-less multiply (about 3x one chain).  Chosen per call by
 * __builtin_cpu_supports().
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRC32C_INIT	0xffffffffu	/* register preset (RFC 3385 §3) */
#define CRC32C_XOROUT	0xffffffffu	/* final complement */
#define CRC32C_CHECK	0xe3069283u	/* crc32c("123456789") */

/* Initial state for crc32c_update(). */
static inline uint32_t
crc32c_init(void)
{
	return CRC32C_INIT;
}

/* The CRC value of a finished state. */
static inline uint32_t
crc32c_final(uint32_t state)
{
	return state ^ CRC32C_XOROUT;
}

/*
 * Feed n octets at p into state and return the new state.  Uses the
 * SSE4.2 instruction when the CPU has it, else crc32c_update_sw().
 */
uint32_t	 crc32c_update(uint32_t state, const void *p, size_t n);

/* Portable slicing-by-8 path of crc32c_update(), exported for tests. */
uint32_t	 crc32c_update_sw(uint32_t state, const void *p, size_t n);

/* One-chain SSE4.2 path (slicing without SSE4.2), exported for tests. */
uint32_t	 crc32c_update_hw1(uint32_t state, const void *p, size_t n);

/* True when crc32c_update() uses the SSE4.2 instruction on this CPU. */
bool		 crc32c_hw_available(void);

/* True when it uses the three-chain path (SSE4.2 and PCLMULQDQ). */
bool		 crc32c_hw3_available(void);

/* One-shot CRC32c of n octets at p. */
uint32_t	 crc32c(const void *p, size_t n);

#endif /* RDMAD_WIRE_CRC32C_H */
