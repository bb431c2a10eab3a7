/* test_sess_tab.c — the session object hash table (sess_tab.c). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "daemon/session.h"
#include "tutil.h"

#define NOBJ	5000

/* Insert many objects of two kinds sharing ids; find, delete, refind. */
static void
t_add_find_del(void)
{
	struct sess_tab t;
	struct sess_obj *o;
	uint32_t i;
	int bad = 0;

	memset(&t, 0, sizeof(t));
	CU_ASSERT_PTR_NULL(sess_tab_find(&t, SESS_QP, 1));
	o = calloc(2 * NOBJ, sizeof(*o));
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	for (i = 0; i < NOBJ; i++) {
		o[i].kind = SESS_QP;
		o[i].id = i + 1;
		o[NOBJ + i].kind = SESS_MR;
		o[NOBJ + i].id = i + 1;		/* same id, other kind */
		sess_tab_add(&t, &o[i]);
		sess_tab_add(&t, &o[NOBJ + i]);
	}
	CU_ASSERT_EQUAL(t.n, 2 * NOBJ);
	CU_ASSERT(t.nb >= t.n && (t.nb & (t.nb - 1)) == 0);
	for (i = 0; i < NOBJ; i++) {
		if (sess_tab_find(&t, SESS_QP, i + 1) != &o[i])
			bad++;
		if (sess_tab_find(&t, SESS_MR, i + 1) != &o[NOBJ + i])
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_PTR_NULL(sess_tab_find(&t, SESS_CQ, 1));
	CU_ASSERT_PTR_NULL(sess_tab_find(&t, SESS_QP, NOBJ + 1));
	/* Delete the odd QPs; the rest stays findable. */
	for (i = 0; i < NOBJ; i += 2)
		sess_tab_del(&t, &o[i]);
	sess_tab_del(&t, &o[0]);		/* not in the table: no-op */
	CU_ASSERT_EQUAL(t.n, 2 * NOBJ - NOBJ / 2);
	for (i = 0; i < NOBJ; i++) {
		if (sess_tab_find(&t, SESS_QP, i + 1) !=
		    (i % 2 == 0 ? NULL : &o[i]))
			bad++;
		if (sess_tab_find(&t, SESS_MR, i + 1) != &o[NOBJ + i])
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	sess_tab_free(&t);
	CU_ASSERT(t.nb == 0 && t.n == 0 && t.b == NULL);
	CU_ASSERT_PTR_NULL(sess_tab_find(&t, SESS_MR, 1));
	free(o);
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "add, find, delete", t_add_find_del },
		{ NULL, NULL }
	};

	return tutil_run("sess_tab", cases);
}
