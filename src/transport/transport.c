/* transport.c — per-connection calls common to every transport. */
#include "config.h"

#include "transport/sctp.h"
#include "transport/tcp.h"

/* The daemon's cookie of a connection of any transport. */
void *
tp_conn_cookie(const struct tp_conn *c)
{
	return ((const struct tp_conn_head *)(const void *)c)->cookie;
}

void
tp_conn_set_cookie(struct tp_conn *c, void *cookie)
{
	((struct tp_conn_head *)(void *)c)->cookie = cookie;
}

/* What the set-up exchange negotiated, from the owning transport. */
int
tp_conn_info(const struct tp_conn *c, struct tp_conn_info *ci)
{
	const struct tp_conn_head *h = (const void *)c;

	if (h->kind == TP_SCTP)
		return sctp_conn_info((const struct sctp_conn *)h, ci);
	return tcp_conn_info(c, ci);
}

/* Which transport a connection belongs to (the daemon picks its ops). */
enum tp_kind
tp_conn_kind(const struct tp_conn *c)
{
	return ((const struct tp_conn_head *)(const void *)c)->kind;
}
