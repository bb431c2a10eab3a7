/* buf.h — bounded byte cursors for decoding and encoding wire formats. */
#ifndef RDMAD_COMMON_BUF_H
#define RDMAD_COMMON_BUF_H

/*
 * A reader never reads past its end and a writer never writes past its end.
 * A failed get/put sets the sticky `bad` flag and yields zero; callers do a
 * run of gets/puts for one header and check buf_rd_ok()/buf_wr_ok() once
 * (the habit of OpenBGPD's ibuf_get_n16 family).  All multi-octet values on
 * the iWARP wire are big-endian (RFC 5040 §4, RFC 5041 §4).
 *
 * Header-only, no allocation, no I/O: usable from src/wire.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct buf_rd {
	const uint8_t	*p;	/* next octet to read */
	size_t		 left;	/* octets remaining */
	bool		 bad;	/* a read ran past the end */
};

struct buf_wr {
	uint8_t		*p;	/* next octet to write */
	size_t		 left;	/* room remaining */
	size_t		 used;	/* octets written so far */
	bool		 bad;	/* a write did not fit */
};

/* Start reading `len` octets at `p`. */
static inline struct buf_rd
buf_rd_init(const void *p, size_t len)
{
	struct buf_rd r = { (const uint8_t *)p, len, false };
	return r;
}

/* Start writing into `cap` octets at `p`. */
static inline struct buf_wr
buf_wr_init(void *p, size_t cap)
{
	struct buf_wr w = { (uint8_t *)p, cap, 0, false };
	return w;
}

static inline bool buf_rd_ok(const struct buf_rd *r) { return !r->bad; }
static inline bool buf_wr_ok(const struct buf_wr *w) { return !w->bad; }

/* Take n octets from the reader; NULL (and bad) if fewer remain. */
static inline const uint8_t *
buf_take(struct buf_rd *r, size_t n)
{
	const uint8_t *p;

	if (r->bad || r->left < n) {
		r->bad = true;
		return NULL;
	}
	p = r->p;
	r->p += n;
	r->left -= n;
	return p;
}

static inline uint8_t
buf_get_u8(struct buf_rd *r)
{
	const uint8_t *p = buf_take(r, 1);
	return p ? p[0] : 0;
}

static inline uint16_t
buf_get_be16(struct buf_rd *r)
{
	const uint8_t *p = buf_take(r, 2);
	return p ? (uint16_t)((uint16_t)p[0] << 8 | p[1]) : 0;
}

static inline uint32_t
buf_get_be32(struct buf_rd *r)
{
	const uint8_t *p = buf_take(r, 4);
	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3] : 0;
}

static inline uint64_t
buf_get_be64(struct buf_rd *r)
{
	uint64_t hi = buf_get_be32(r);
	return hi << 32 | buf_get_be32(r);
}

/* Copy n octets out; the destination is zeroed on a short read. */
static inline void
buf_get_bytes(struct buf_rd *r, void *dst, size_t n)
{
	const uint8_t *p = buf_take(r, n);
	if (p)
		memcpy(dst, p, n);
	else if (n)
		memset(dst, 0, n);
}

static inline void
buf_skip(struct buf_rd *r, size_t n)
{
	(void)buf_take(r, n);
}

/* Reserve n octets in the writer; NULL (and bad) if they do not fit. */
static inline uint8_t *
buf_reserve(struct buf_wr *w, size_t n)
{
	uint8_t *p;

	if (w->bad || w->left < n) {
		w->bad = true;
		return NULL;
	}
	p = w->p;
	w->p += n;
	w->left -= n;
	w->used += n;
	return p;
}

static inline void
buf_put_u8(struct buf_wr *w, uint8_t v)
{
	uint8_t *p = buf_reserve(w, 1);
	if (p)
		p[0] = v;
}

static inline void
buf_put_be16(struct buf_wr *w, uint16_t v)
{
	uint8_t *p = buf_reserve(w, 2);
	if (p) {
		p[0] = (uint8_t)(v >> 8);
		p[1] = (uint8_t)v;
	}
}

static inline void
buf_put_be32(struct buf_wr *w, uint32_t v)
{
	uint8_t *p = buf_reserve(w, 4);
	if (p) {
		p[0] = (uint8_t)(v >> 24);
		p[1] = (uint8_t)(v >> 16);
		p[2] = (uint8_t)(v >> 8);
		p[3] = (uint8_t)v;
	}
}

static inline void
buf_put_be64(struct buf_wr *w, uint64_t v)
{
	buf_put_be32(w, (uint32_t)(v >> 32));
	buf_put_be32(w, (uint32_t)v);
}

static inline void
buf_put_bytes(struct buf_wr *w, const void *src, size_t n)
{
	uint8_t *p = buf_reserve(w, n);
	if (p && n)
		memcpy(p, src, n);
}

static inline void
buf_put_zero(struct buf_wr *w, size_t n)
{
	uint8_t *p = buf_reserve(w, n);
	if (p && n)
		memset(p, 0, n);
}

/* Plain big-endian loads/stores for fixed offsets already bounds-checked. */
static inline uint16_t
buf_load_be16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t
buf_load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline void
buf_store_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
buf_store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif /* RDMAD_COMMON_BUF_H */
