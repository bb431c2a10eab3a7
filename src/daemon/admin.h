/* admin.h — private to admin.c and admin_list.c: paging and helpers. */
#ifndef RDMAD_DAEMON_ADMIN_H
#define RDMAD_DAEMON_ADMIN_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/session.h"
#include "wire/ctladmin.h"

struct eng_qp_stats;

#define ADMIN_NTP	3	/* transports, indexed by CTLA_TP_*; 0 unused */

/* One reply: a page of a query's items, then END or MORE. */
struct admin_reply {
	struct sess	*s;
	uint32_t	 reqid;
	uint32_t	 start, batch;	/* items to skip, items to send */
	uint32_t	 index;		/* items seen so far */
	bool		 full;		/* an item was left out */
};

/* Is the next item in this page?  Counts it either way. */
bool		 admin_item(struct admin_reply *r);
/* Queue one record of the reply. */
void		 admin_send(struct admin_reply *r, uint32_t type,
		    const union ctla_any *m);
/* The transport (CTLA_TP_*) of a QP, or 0 before it has one. */
uint32_t	 admin_qp_tp(const struct sess_obj *qp);
/* Milliseconds since start-up. */
uint64_t	 admin_uptime_ms(void);
/* May this client see every client's resources? */
bool		 admin_allowed(const struct sess *s);

/* admin_list.c: one query each. */
void		 admin_status(struct admin_reply *r);
void		 admin_peers(struct admin_reply *r);
void		 admin_qps(struct admin_reply *r);
void		 admin_mrs(struct admin_reply *r);
void		 admin_clients(struct admin_reply *r);

#endif /* RDMAD_DAEMON_ADMIN_H */
