/* sess_tab.c — O(1) lookup of a session's objects by (kind, id). */
#include "config.h"

#include <stdlib.h>

#include "common/xmalloc.h"
#include "daemon/session.h"
#include "daemon/sess_tab.h"

#define SESS_TAB_MIN	16u

/* Bucket of (kind, id): a multiplicative mix, ids are sequential. */
static uint32_t
sess_tab_slot(const struct sess_tab *t, unsigned int kind, uint32_t id)
{
	uint32_t h = (id ^ ((uint32_t)kind << 27)) * 0x9e3779b1u;

	return (h ^ (h >> 16)) & (t->nb - 1);
}

/* Rehash into twice the buckets (or the first SESS_TAB_MIN). */
static void
sess_tab_grow(struct sess_tab *t)
{
	struct sess_tab nt;
	struct sess_obj *o, *next;
	uint32_t i, h;

	nt.nb = t->nb == 0 ? SESS_TAB_MIN : t->nb * 2;
	nt.n = t->n;
	nt.b = xcalloc(nt.nb, sizeof(*nt.b));
	for (i = 0; i < t->nb; i++)
		for (o = t->b[i]; o != NULL; o = next) {
			next = o->hnext;
			h = sess_tab_slot(&nt, o->kind, o->id);
			o->hnext = nt.b[h];
			nt.b[h] = o;
		}
	free(t->b);
	*t = nt;
}

void
sess_tab_add(struct sess_tab *t, struct sess_obj *o)
{
	uint32_t h;

	if (t->n >= t->nb)
		sess_tab_grow(t);
	h = sess_tab_slot(t, o->kind, o->id);
	o->hnext = t->b[h];
	t->b[h] = o;
	t->n++;
}

void
sess_tab_del(struct sess_tab *t, struct sess_obj *o)
{
	struct sess_obj **pp;

	if (t->nb == 0)
		return;
	for (pp = &t->b[sess_tab_slot(t, o->kind, o->id)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == o) {
			*pp = o->hnext;
			o->hnext = NULL;
			t->n--;
			return;
		}
}

struct sess_obj *
sess_tab_find(const struct sess_tab *t, unsigned int kind, uint32_t id)
{
	struct sess_obj *o;

	if (t->nb == 0)
		return NULL;
	for (o = t->b[sess_tab_slot(t, kind, id)]; o != NULL; o = o->hnext)
		if ((unsigned int)o->kind == kind && o->id == id)
			return o;
	return NULL;
}

/* Release the buckets (the objects are the session's to free). */
void
sess_tab_free(struct sess_tab *t)
{
	free(t->b);
	t->b = NULL;
	t->nb = t->n = 0;
}
