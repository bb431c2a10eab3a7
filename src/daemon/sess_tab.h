/* sess_tab.h — a session's objects by (kind, id): a chained hash table. */
#ifndef RDMAD_DAEMON_SESS_TAB_H
#define RDMAD_DAEMON_SESS_TAB_H

#include <stdint.h>

struct sess_obj;

/*
 * Buckets double when the load passes 1 and never shrink below the high
 * water mark of the session's objects, which rdmad.conf limits bound; an
 * empty table owns no memory.  Lookup and insert are O(1) on average.
 */
struct sess_tab {
	struct sess_obj	**b;
	uint32_t	  nb;		/* buckets: 0 or a power of two */
	uint32_t	  n;		/* objects in the table */
};

void		 sess_tab_add(struct sess_tab *t, struct sess_obj *o);
void		 sess_tab_del(struct sess_tab *t, struct sess_obj *o);
struct sess_obj	*sess_tab_find(const struct sess_tab *t, unsigned int kind,
		    uint32_t id);
void		 sess_tab_free(struct sess_tab *t);

#endif /* RDMAD_DAEMON_SESS_TAB_H */
