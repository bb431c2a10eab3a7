/* session.c — one client session: its objects, ids and request dispatch. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "daemon/session.h"
#include "wire/ctladmin.h"

#include "engine/engine.h"

/*
 * A session is created when a client connects and destroyed when it goes
 * away; it owns one engine owner and every object the client made.
 * Handlers are I/O-free: they reply through sess_send(), which queues on
 * the client's control connection (control.c).
 */

static unsigned int	sess_count;
struct sess_list	sess_all = TAILQ_HEAD_INITIALIZER(sess_all);

/* A daemon-wide unique, non-zero object id. */
uint32_t
sess_new_id(void)
{
	static uint32_t next;

	if (++next == 0)
		next = 1;
	return next;
}

struct sess *
sess_create(struct ctl_peer *p, pid_t pid, uid_t uid, gid_t gid)
{
	struct sess *s = xcalloc(1, sizeof(*s));

	s->peer = p;
	s->id = ++sess_count;
	s->pid = pid;
	s->uid = uid;
	s->gid = gid;
	TAILQ_INIT(&s->objs);
	if (eng_owner_create(rdmad.eng, &s->owner) != 0) {
		log_warnx("eng", "session %u: the engine refused a new owner",
		    s->id);
		free(s);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&sess_all, s, entry);
	return s;
}

/* The client is gone: release everything it had. */
void
sess_destroy(struct sess *s)
{
	TAILQ_REMOVE(&sess_all, s, entry);
	verbs_sess_release(s);
	sess_tab_free(&s->tab);
	free(s);
}

struct sess_obj *
sess_obj_new(struct sess *s, enum sess_kind kind, uint32_t id)
{
	struct sess_obj *o = xcalloc(1, sizeof(*o));

	o->sess = s;
	o->kind = kind;
	o->id = id;
	TAILQ_INSERT_TAIL(&s->objs, o, entry);
	sess_tab_add(&s->tab, o);
	return o;
}

/* Look an id up in this client's own objects only. */
struct sess_obj *
sess_obj_find(struct sess *s, enum sess_kind kind, uint32_t id)
{
	if (id == 0)
		return NULL;
	return sess_tab_find(&s->tab, kind, id);
}

void
sess_obj_free(struct sess_obj *o)
{
	TAILQ_REMOVE(&o->sess->objs, o, entry);
	sess_tab_del(&o->sess->tab, o);
	free(o);
}

/* Queue an encoded reply; an encoder failure is a daemon bug. */
int
sess_send(struct sess *s, const void *msg, int n, int fd)
{
	if (n < 0)
		fatalx("ctl", "cannot encode a reply: %s",
		    ctl_strerror((enum ctl_err)-n));
	return ctl_srv_send(s->peer, msg, (size_t)n, fd);
}

/* Reply RESULT(code, message) to reqid. */
int
sess_result(struct sess *s, uint32_t reqid, uint32_t code, const char *fmt,
    ...)
{
	struct ctl_result r;
	uint8_t buf[CTL_HDR_LEN + CTL_RESULT_LEN];
	va_list ap;

	memset(&r, 0, sizeof(r));
	r.code = code;
	va_start(ap, fmt);
	vsnprintf(r.message, sizeof(r.message), fmt, ap);
	va_end(ap);
	if (code != 0)
		log_debug("ctl", "client %u: reqid %u: error %u: %s", s->id,
		    reqid, code, r.message);
	return sess_send(s, buf, ctl_result_encode(reqid, &r, buf,
	    sizeof(buf)), -1);
}

/* {type, handler}: every request type a client may send after HELLO. */
static const struct {
	uint32_t	 type;
	int		(*fn)(struct sess *, const struct ctl_hdr *,
			    const uint8_t *, size_t, int);
} sess_handlers[] = {
#define SESS_VERBS	verbs_dispatch
	{ CTL_MSG_MEM_REG, SESS_VERBS },
	{ CTL_MSG_MEM_DEREG, SESS_VERBS },
	{ CTL_MSG_PD_ALLOC, SESS_VERBS },
	{ CTL_MSG_PD_FREE, SESS_VERBS },
	{ CTL_MSG_MR_REG, SESS_VERBS },
	{ CTL_MSG_MR_DEREG, SESS_VERBS },
	{ CTL_MSG_MW_ALLOC, SESS_VERBS },
	{ CTL_MSG_MW_DEALLOC, SESS_VERBS },
	{ CTL_MSG_CQ_CREATE, SESS_VERBS },
	{ CTL_MSG_CQ_DESTROY, SESS_VERBS },
	{ CTL_MSG_QP_CREATE, SESS_VERBS },
	{ CTL_MSG_QP_DESTROY, SESS_VERBS },
	{ CTL_MSG_QP_CONNECT, SESS_VERBS },
	{ CTL_MSG_QP_QUERY, SESS_VERBS },
	{ CTL_MSG_LISTEN, SESS_VERBS },
	{ CTL_MSG_LISTEN_CLOSE, SESS_VERBS },
	{ CTL_MSG_ACCEPT, SESS_VERBS },
	{ CTL_MSG_REJECT, SESS_VERBS },
#undef SESS_VERBS
	{ CTLA_MSG_REQ, admin_dispatch },
};

/* Route one checked request (not HELLO) to its handler; owns fd. */
int
sess_dispatch(struct sess *s, const struct ctl_hdr *hdr,
    const uint8_t *payload, size_t len, int fd)
{
	size_t i;

	for (i = 0; i < sizeof(sess_handlers) / sizeof(sess_handlers[0]); i++)
		if (sess_handlers[i].type == hdr->type)
			return sess_handlers[i].fn(s, hdr, payload, len, fd);
	if (fd != -1)
		close(fd);
	/* Known to the codec, daemon-bound, but nobody serves it. */
	return sess_result(s, hdr->reqid, ENOSYS, "%s: not implemented",
	    ctl_type_name(hdr->type));
}
