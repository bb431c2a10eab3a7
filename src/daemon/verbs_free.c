/* verbs_free.c — destroy and query requests, dispatch, session teardown. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/log.h"
#include "daemon/session.h"
#include "engine/engine.h"
#include "wire/ctlverbs.h"

/* Release the daemon's side of an object; the engine's is gone. */
static void
verbs_obj_drop(struct sess_obj *o)
{
	struct sess *s = o->sess;

	switch (o->kind) {
	case SESS_MEM:
		shm_unmap(o->u.mem.addr, o->u.mem.len);
		s->mapped -= o->u.mem.len;
		s->nregions--;
		break;
	case SESS_MR:
		if (o->u.mr.mem != NULL)
			o->u.mr.mem->refs--;
		o->u.mr.pd->refs--;
		s->nregions--;
		break;
	case SESS_CQ:
		shm_unmap(o->u.cq.map, o->u.cq.maplen);
		close(o->u.cq.efd);
		s->ncqs--;
		break;
	case SESS_QP:
		if (o->u.qp.ev_db != NULL)
			event_free(o->u.qp.ev_db);
		shm_unmap(o->u.qp.map, o->u.qp.maplen);
		close(o->u.qp.dbfd);
		o->u.qp.pd->refs--;
		o->u.qp.scq->refs--;
		o->u.qp.rcq->refs--;
		s->nqps--;
		break;
	case SESS_PD:
	case SESS_LISTENER:
		break;
	}
	sess_obj_free(o);
}

/* One of the destroy requests: look up, check, release. */
static int
verbs_destroy(struct sess *s, uint32_t type, uint32_t reqid, uint32_t id)
{
	struct sess_obj *o;
	enum sess_kind kind;
	int rv = 0;

	switch (type) {
	case CTL_MSG_MEM_DEREG:
		kind = SESS_MEM;
		break;
	case CTL_MSG_PD_FREE:
		kind = SESS_PD;
		break;
	case CTL_MSG_MR_DEREG:
	case CTL_MSG_MW_DEALLOC:
		kind = SESS_MR;
		break;
	case CTL_MSG_CQ_DESTROY:
		kind = SESS_CQ;
		break;
	default:
		kind = SESS_QP;
		break;
	}
	o = sess_obj_find(s, kind, id);
	/* A region is not a window: MR_DEREG of a window is unknown. */
	if (o != NULL && kind == SESS_MR &&
	    (o->u.mr.mem == NULL) != (type == CTL_MSG_MW_DEALLOC))
		o = NULL;
	if (o == NULL)
		return sess_result(s, reqid, ENOENT, "%s: no object %u",
		    ctl_type_name(type), id);
	if (o->refs > 0)
		return sess_result(s, reqid, EBUSY, "%s: %u is used by %u "
		    "objects", ctl_type_name(type), id, o->refs);
	switch (o->kind) {
	case SESS_PD:
		rv = eng_pd_destroy(o->u.pd.pd);
		break;
	case SESS_MR:
		rv = o->u.mr.mem != NULL ? eng_mr_dereg(s->owner, id) :
		    eng_mw_dealloc(s->owner, id);
		break;
	case SESS_CQ:
		rv = eng_cq_destroy(o->u.cq.cq);
		break;
	case SESS_QP:
		/* The transport must let go first (transport.h). */
		conn_qp_release(o);
		admin_qp_retire(o);
		eng_qp_set_cookie(o->u.qp.qp, NULL);
		eng_qp_destroy(o->u.qp.qp);
		break;
	default:
		break;
	}
	if (rv != 0)
		return sess_result(s, reqid, verbs_code(rv), "%s: refused by "
		    "the engine", ctl_type_name(type));
	verbs_obj_drop(o);
	return sess_result(s, reqid, 0, "%s", "");
}

/* QP_INFO state: the daemon's connection state, else the engine's. */
static uint32_t
verbs_qp_info_state(const struct sess_obj *o)
{
	if (o->u.qp.conn_state == SESS_QPC_CONNECTING ||
	    o->u.qp.conn_state == SESS_QPC_ACCEPTING)
		return CTLV_QPS_CONNECTING;
	switch (eng_qp_state(o->u.qp.qp)) {
	case ENG_QPS_IDLE:
		return CTLV_QPS_IDLE;
	case ENG_QPS_RTS:
		return CTLV_QPS_RTS;
	case ENG_QPS_CLOSING:
		return CTLV_QPS_CLOSING;
	case ENG_QPS_TERMINATE:
		return CTLV_QPS_TERMINATE;
	case ENG_QPS_ERROR:
		break;
	}
	return CTLV_QPS_ERROR;
}

/* QP_QUERY -> QP_INFO. */
static int
verbs_qp_query(struct sess *s, uint32_t reqid, uint32_t id)
{
	uint8_t buf[CTL_HDR_LEN + CTLV_QP_INFO_LEN];
	struct ctlv_qp_info m;
	struct sess_obj *o;

	if ((o = sess_obj_find(s, SESS_QP, id)) == NULL)
		return sess_result(s, reqid, ENOENT, "no QP %u", id);
	memset(&m, 0, sizeof(m));
	m.qp = o->id;
	m.state = verbs_qp_info_state(o);
	m.transport = o->u.qp.transport;
	m.ord = o->u.qp.ord;
	m.ird = o->u.qp.ird;
	snprintf(m.why, sizeof(m.why), "%s", o->u.qp.why);
	snprintf(m.peer, sizeof(m.peer), "%s", o->u.qp.peer);
	return sess_send(s, buf, ctlv_qp_info_encode(reqid, &m, buf,
	    sizeof(buf)), -1);
}

/*
 * Decode and run one verbs request.  A payload that does not decode is
 * a protocol violation (-1: drop the client); a request that cannot be
 * served gets a RESULT.  Takes ownership of fd.
 */
int
verbs_dispatch(struct sess *s, const struct ctl_hdr *hdr,
    const uint8_t *payload, size_t len, int fd)
{
	const struct verbs_handler *h;
	union ctlv_any m;
	enum ctl_err err;

	if ((err = ctlv_decode(hdr->type, payload, len, &m)) != CTL_OK) {
		log_warnx("ctl", "client %u: %s: %s", s->id,
		    ctl_type_name(hdr->type), ctl_strerror(err));
		if (fd != -1)
			close(fd);
		return -1;
	}
	for (h = verbs_create_handlers; h->fn != NULL; h++)
		if (h->type == hdr->type)
			return h->fn(s, hdr->reqid, &m, fd);
	if (fd != -1)		/* the table gives fds to creators only */
		close(fd);
	switch (hdr->type) {
	case CTL_MSG_QP_QUERY:
		return verbs_qp_query(s, hdr->reqid, m.id.id);
	case CTL_MSG_MEM_DEREG:
	case CTL_MSG_PD_FREE:
	case CTL_MSG_MR_DEREG:
	case CTL_MSG_MW_DEALLOC:
	case CTL_MSG_CQ_DESTROY:
	case CTL_MSG_QP_DESTROY:
		return verbs_destroy(s, hdr->type, hdr->reqid, m.id.id);
	}
	return conn_dispatch(s, hdr, &m);
}

/*
 * The client is gone: streams first (the transport detaches every QP),
 * then the engine owner (which frees every engine object of the
 * client), then the mappings and descriptors.
 */
void
verbs_sess_release(struct sess *s)
{
	struct sess_obj *o;

	conn_sess_closing(s);
	/* No engine callback may reach an object being torn down. */
	TAILQ_FOREACH(o, &s->objs, entry) {
		if (o->kind == SESS_QP) {
			admin_qp_retire(o);
			eng_qp_set_cookie(o->u.qp.qp, NULL);
			if (o->u.qp.ev_db != NULL)
				event_free(o->u.qp.ev_db);
			o->u.qp.ev_db = NULL;
		} else if (o->kind == SESS_CQ)
			eng_cq_set_cookie(o->u.cq.cq, NULL);
	}
	if (s->owner != NULL)
		eng_owner_destroy(s->owner);
	s->owner = NULL;
	/* Children before parents: newest first. */
	while ((o = TAILQ_LAST(&s->objs, sess_objs)) != NULL)
		verbs_obj_drop(o);
}
