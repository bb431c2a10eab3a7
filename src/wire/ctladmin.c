/* ctladmin.c — table-driven codec of the administration messages. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "wire/ctladmin.h"

/* Field kinds: what is on the wire, in order. */
enum ctla_kind {
	CTLA_F_U8 = 1,
	CTLA_F_U32,
	CTLA_F_U64,	/* n consecutive u64 (arrays) */
	CTLA_F_STR,	/* char[n] */
	CTLA_F_RSV8,	/* reserved, zero */
	CTLA_F_RSV32
};

struct ctla_field {
	uint8_t		 kind;
	uint16_t	 off;	/* in the C struct */
	uint16_t	 n;	/* STR: array size; U64: count */
};

#define F8(s, m)	{ CTLA_F_U8, offsetof(struct s, m), 1 }
#define F32(s, m)	{ CTLA_F_U32, offsetof(struct s, m), 1 }
#define F64(s, m)	{ CTLA_F_U64, offsetof(struct s, m), 1 }
#define F64N(s, m, k)	{ CTLA_F_U64, offsetof(struct s, m), k }
#define FSTR(s, m, k)	{ CTLA_F_STR, offsetof(struct s, m), k }
#define FRSV8		{ CTLA_F_RSV8, 0, 1 }
#define FRSV32		{ CTLA_F_RSV32, 0, 1 }

static const struct ctla_field ctla_f_req[] = {
	F32(ctla_req, version), F32(ctla_req, query), F32(ctla_req, flags),
	F32(ctla_req, start),
};
static const struct ctla_field ctla_f_more[] = {
	F32(ctla_more, next), FRSV32,
};
static const struct ctla_field ctla_f_status[] = {
	FSTR(ctla_status, version, CTLA_NAME_LEN), F32(ctla_status, pid),
	F32(ctla_status, nclients), F32(ctla_status, nqps),
	F32(ctla_status, nmrs), F32(ctla_status, ncqs),
	F32(ctla_status, nlisteners), F32(ctla_status, npending), FRSV32,
	F64(ctla_status, uptime_ms),
	FSTR(ctla_status, config, CTLA_PATH_LEN),
};
static const struct ctla_field ctla_f_transport[] = {
	FSTR(ctla_transport, name, CTLA_TP_LEN), F32(ctla_transport, kind),
	F32(ctla_transport, available), F32(ctla_transport, in_use),
	F32(ctla_transport, nlisteners), F32(ctla_transport, nqps), FRSV32,
	FSTR(ctla_transport, why, CTLA_WHY_LEN),
};
static const struct ctla_field ctla_f_peer[] = {
	FSTR(ctla_peer, addr, CTLA_ADDR_LEN), F32(ctla_peer, transport),
	F32(ctla_peer, nqps), F32(ctla_peer, npaths), F32(ctla_peer, streams),
	F32(ctla_peer, flags), F32(ctla_peer, max_seg),
	F64(ctla_peer, retransmits), F64(ctla_peer, failovers),
};
static const struct ctla_field ctla_f_path[] = {
	FSTR(ctla_path, addr, CTLA_ADDR_LEN), F32(ctla_path, state),
	F32(ctla_path, primary), F32(ctla_path, rtt_us), F32(ctla_path, rto_ms),
	F32(ctla_path, mtu), F32(ctla_path, cwnd),
};
static const struct ctla_field ctla_f_qp[] = {
	F32(ctla_qp, id), F32(ctla_qp, state), F32(ctla_qp, conn),
	F32(ctla_qp, transport), F32(ctla_qp, client), F32(ctla_qp, pid),
	F32(ctla_qp, ord), F32(ctla_qp, ird),
	FSTR(ctla_qp, peer, CTLA_ADDR_LEN), FSTR(ctla_qp, why, CTLA_WHY_LEN),
	F64(ctla_qp, tx_bytes), F64(ctla_qp, rx_bytes), F64(ctla_qp, tx_segs),
	F64(ctla_qp, rx_segs), F64(ctla_qp, terms_tx), F64(ctla_qp, terms_rx),
};
static const struct ctla_field ctla_f_mr[] = {
	F32(ctla_mr, stag), F32(ctla_mr, kind), F32(ctla_mr, access),
	F32(ctla_mr, client), F32(ctla_mr, pid), FRSV32, F64(ctla_mr, len),
};
static const struct ctla_field ctla_f_client[] = {
	F32(ctla_client, id), F32(ctla_client, pid), F32(ctla_client, uid),
	F32(ctla_client, gid), FSTR(ctla_client, name, CTLA_NAME_LEN),
	F32(ctla_client, nqps), F32(ctla_client, ncqs),
	F32(ctla_client, nregions), F32(ctla_client, admin),
	F64(ctla_client, mapped),
};
static const struct ctla_field ctla_f_stats[] = {
	FSTR(ctla_stats, transport, CTLA_TP_LEN), F32(ctla_stats, flags),
	F32(ctla_stats, nqps), F64(ctla_stats, tx_bytes),
	F64(ctla_stats, rx_bytes), F64(ctla_stats, tx_segs),
	F64(ctla_stats, rx_segs), F64(ctla_stats, retransmits),
	F64(ctla_stats, failovers), F64N(ctla_stats, ops_tx, CTLA_NOPS),
	F64N(ctla_stats, ops_rx, CTLA_NOPS),
};
static const struct ctla_field ctla_f_term[] = {
	FSTR(ctla_term, transport, CTLA_TP_LEN), F32(ctla_term, dir),
	F8(ctla_term, layer), F8(ctla_term, etype), F8(ctla_term, ecode),
	FRSV8, F64(ctla_term, count),
};

#define CTLA_ROW(t, f, l) { t, f, sizeof(f) / sizeof(f[0]), l }
static const struct {
	uint32_t			 type;
	const struct ctla_field		*f;
	size_t				 nf;
	uint32_t			 len;
} ctla_types[] = {
	CTLA_ROW(CTLA_MSG_REQ, ctla_f_req, CTLA_REQ_LEN),
	CTLA_ROW(CTLA_MSG_STATUS, ctla_f_status, CTLA_STATUS_LEN),
	CTLA_ROW(CTLA_MSG_TRANSPORT, ctla_f_transport, CTLA_TRANSPORT_LEN),
	CTLA_ROW(CTLA_MSG_PEER, ctla_f_peer, CTLA_PEER_LEN),
	CTLA_ROW(CTLA_MSG_PATH, ctla_f_path, CTLA_PATH_REC_LEN),
	CTLA_ROW(CTLA_MSG_QP, ctla_f_qp, CTLA_QP_LEN),
	CTLA_ROW(CTLA_MSG_MR, ctla_f_mr, CTLA_MR_LEN),
	CTLA_ROW(CTLA_MSG_CLIENT, ctla_f_client, CTLA_CLIENT_LEN),
	CTLA_ROW(CTLA_MSG_STATS, ctla_f_stats, CTLA_STATS_LEN),
	CTLA_ROW(CTLA_MSG_TERM, ctla_f_term, CTLA_TERM_LEN),
	CTLA_ROW(CTLA_MSG_MORE, ctla_f_more, CTLA_MORE_LEN),
};
#define CTLA_NTYPES	(sizeof(ctla_types) / sizeof(ctla_types[0]))

static const char *const ctla_queries[] = {
	NULL, "status", "peers", "qps", "mrs", "clients", "stats"
};
#define CTLA_NQUERIES	(sizeof(ctla_queries) / sizeof(ctla_queries[0]))

/* The row of an admin type, or -1. */
static int
ctla_row(uint32_t type)
{
	size_t i;

	for (i = 0; i < CTLA_NTYPES; i++)
		if (ctla_types[i].type == type)
			return (int)i;
	return -1;
}

/* Octets a field takes on the wire. */
static size_t
ctla_field_len(const struct ctla_field *f)
{
	switch (f->kind) {
	case CTLA_F_U8:
	case CTLA_F_RSV8:
		return 1;
	case CTLA_F_U64:
		return 8u * f->n;
	case CTLA_F_STR:
		return f->n;
	default:
		return 4;
	}
}

uint32_t
ctla_len(uint32_t type)
{
	int i = ctla_row(type);

	return i < 0 ? 0 : ctla_types[i].len;
}

const char *
ctla_query_name(uint32_t query)
{
	return query > 0 && query < CTLA_NQUERIES ? ctla_queries[query] : NULL;
}

uint32_t
ctla_query_lookup(const char *s)
{
	size_t i;

	for (i = 1; i < CTLA_NQUERIES; i++)
		if (strcmp(s, ctla_queries[i]) == 0)
			return (uint32_t)i;
	return 0;
}

/* Decode one field into the struct at base. */
static enum ctl_err
ctla_get_field(struct buf_rd *r, const struct ctla_field *f, uint8_t *base)
{
	uint64_t v;
	uint32_t w;
	uint16_t i;

	switch (f->kind) {
	case CTLA_F_U8:
		base[f->off] = ctl_get_u8(r);
		break;
	case CTLA_F_U32:
		w = ctl_get_le32(r);
		memcpy(base + f->off, &w, sizeof(w));
		break;
	case CTLA_F_U64:
		for (i = 0; i < f->n; i++) {
			v = ctl_get_le64(r);
			memcpy(base + f->off + i * sizeof(v), &v, sizeof(v));
		}
		break;
	case CTLA_F_STR:
		return ctl_get_str(r, (char *)base + f->off, f->n);
	case CTLA_F_RSV8:
		if (ctl_get_u8(r) != 0)
			return CTL_E_RESERVED;
		break;
	case CTLA_F_RSV32:
		if (ctl_get_le32(r) != 0)
			return CTL_E_RESERVED;
		break;
	}
	return buf_rd_ok(r) ? CTL_OK : CTL_E_PAYLOAD_LEN;
}

enum ctl_err
ctla_decode(uint32_t type, const void *payload, size_t len,
    union ctla_any *out)
{
	struct buf_rd r = buf_rd_init(payload, len);
	enum ctl_err err = CTL_OK;
	size_t j;
	int i;

	memset(out, 0, sizeof(*out));
	if ((i = ctla_row(type)) < 0)
		return CTL_E_TYPE;
	if (len != ctla_types[i].len)
		return CTL_E_PAYLOAD_LEN;
	for (j = 0; j < ctla_types[i].nf && err == CTL_OK; j++)
		err = ctla_get_field(&r, &ctla_types[i].f[j], (uint8_t *)out);
	if (err != CTL_OK)
		memset(out, 0, sizeof(*out));
	return err;
}

/* Encode one field from the struct at base. */
static enum ctl_err
ctla_put_field(struct buf_wr *w, const struct ctla_field *f,
    const uint8_t *base)
{
	uint64_t v;
	uint32_t x;
	uint16_t i;

	switch (f->kind) {
	case CTLA_F_U8:
		ctl_put_u8(w, base[f->off]);
		break;
	case CTLA_F_U32:
		memcpy(&x, base + f->off, sizeof(x));
		ctl_put_le32(w, x);
		break;
	case CTLA_F_U64:
		for (i = 0; i < f->n; i++) {
			memcpy(&v, base + f->off + i * sizeof(v), sizeof(v));
			ctl_put_le64(w, v);
		}
		break;
	case CTLA_F_STR:
		return ctl_put_str(w, (const char *)base + f->off, f->n);
	case CTLA_F_RSV8:
		ctl_put_u8(w, 0);
		break;
	case CTLA_F_RSV32:
		ctl_put_le32(w, 0);
		break;
	}
	return CTL_OK;
}

int
ctla_encode(uint32_t type, uint32_t reqid, const union ctla_any *m,
    void *buf, size_t cap)
{
	struct buf_wr w;
	enum ctl_err err;
	size_t j;
	int i;

	if ((i = ctla_row(type)) < 0)
		return -CTL_E_TYPE;
	w = ctl_msg_begin(buf, cap, type, reqid);
	for (j = 0; j < ctla_types[i].nf; j++)
		if ((err = ctla_put_field(&w, &ctla_types[i].f[j],
		    (const uint8_t *)m)) != CTL_OK)
			return -(int)err;
	return ctl_msg_finish(&w, buf);
}

/* The sum of a type's field sizes (the tests hold it to ctla_len()). */
size_t
ctla_fields_len(uint32_t type)
{
	size_t j, n = 0;
	int i;

	if ((i = ctla_row(type)) < 0)
		return 0;
	for (j = 0; j < ctla_types[i].nf; j++)
		n += ctla_field_len(&ctla_types[i].f[j]);
	return n;
}
