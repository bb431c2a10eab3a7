/* eng.c — the engine object, owners, protection domains and limits. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/eng_int.h"

/* Format a diagnostic line and hand it to env->log, if any. */
void
eng_log(struct eng *e, int level, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (e->env.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	e->env.log(e->env.arg, level, line);
}

int
eng_create(const struct eng_env *env, const struct eng_limits *lim,
    struct eng **ep)
{
	struct eng *e;

	*ep = NULL;
	if (env == NULL || lim == NULL || env->random == NULL)
		return -EINVAL;
	/* The STag index is 24 bits (RFC 5042 §5 key/index split). */
	if (lim->max_stags == 0 || lim->max_stags > ENG_STAG_IDX_MAX ||
	    lim->max_wr == 0 || lim->max_cq_depth == 0)
		return -EINVAL;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return -ENOMEM;
	e->env = *env;
	e->lim = *lim;
	TAILQ_INIT(&e->owners);
	*ep = e;
	return 0;
}

void
eng_destroy(struct eng *e)
{
	struct eng_owner *o;

	if (e == NULL)
		return;
	while ((o = TAILQ_FIRST(&e->owners)) != NULL)
		eng_owner_destroy(o);
	free(e->stags);
	free(e->stag_next);
	free(e->stag_key);
	free(e);
}

int
eng_owner_create(struct eng *e, struct eng_owner **op)
{
	struct eng_owner *o;

	*op = NULL;
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return -ENOMEM;
	o->e = e;
	TAILQ_INIT(&o->pds);
	TAILQ_INIT(&o->mrs);
	TAILQ_INIT(&o->cqs);
	TAILQ_INIT(&o->qps);
	TAILQ_INIT(&o->flagged);
	TAILQ_INSERT_TAIL(&e->owners, o, entry);
	*op = o;
	return 0;
}

/*
 * Free everything of an owner: QPs are flushed and their transports
 * closed abortively (RFC 5040 §6.2.1), then CQs, STags and PDs go.
 */
void
eng_owner_destroy(struct eng_owner *o)
{
	struct eng_pd *pd;

	if (o == NULL)
		return;
	o->dying = true;
	qp_free_all(o);
	cq_free_all(o);
	stag_free_all(o);
	while ((pd = TAILQ_FIRST(&o->pds)) != NULL) {
		TAILQ_REMOVE(&o->pds, pd, entry);
		free(pd);
	}
	TAILQ_REMOVE(&o->e->owners, o, entry);
	free(o);
}

int
eng_pd_create(struct eng_owner *o, struct eng_pd **pdp)
{
	struct eng_pd *pd;

	*pdp = NULL;
	if ((pd = calloc(1, sizeof(*pd))) == NULL)
		return -ENOMEM;
	pd->owner = o;
	TAILQ_INSERT_TAIL(&o->pds, pd, entry);
	*pdp = pd;
	return 0;
}

int
eng_pd_destroy(struct eng_pd *pd)
{
	if (pd->refs != 0)
		return -EBUSY;
	TAILQ_REMOVE(&pd->owner->pds, pd, entry);
	free(pd);
	return 0;
}

void
eng_pd_ref(struct eng_pd *pd)
{
	pd->refs++;
}

void
eng_pd_unref(struct eng_pd *pd)
{
	pd->refs--;
}

uint64_t
eng_work(const struct eng *e)
{
	return e->work;
}

/* Mark a QP for eng_sweep() (its CQ overflowed); idempotent. */
void
eng_qp_flag(struct eng_qp *qp)
{
	if (qp->cq_err)
		return;
	qp->cq_err = true;
	TAILQ_INSERT_TAIL(&qp->owner->flagged, qp, flag_entry);
	qp->owner->nflagged++;
}

/* Take a QP off the sweep list (swept or freed); idempotent. */
void
eng_qp_unflag(struct eng_qp *qp)
{
	if (!qp->cq_err)
		return;
	qp->cq_err = false;
	TAILQ_REMOVE(&qp->owner->flagged, qp, flag_entry);
	qp->owner->nflagged--;
}

/*
 * After a data path call: a CQ that overflowed moves every QP using it to
 * the error state (as verbs does); done here, outside the CQE writer, so
 * no QP is torn down under the feet of the code that wrote the CQE.
 * Runs on every data path call, so it is O(1) when nothing is flagged and
 * O(flagged) otherwise; QPs flagged meanwhile are taken in the same loop.
 */
void
eng_sweep(struct eng_owner *o)
{
	struct eng_qp *qp;

	while ((qp = TAILQ_FIRST(&o->flagged)) != NULL) {
		eng_qp_unflag(qp);
		term_fatal(qp, WIRE_E_RDMAP_LOCAL_CATA, NULL, 0, 0);
	}
}
