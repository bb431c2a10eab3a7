/* session.h — client sessions, their objects, verbs, conn and shm. */
#ifndef RDMAD_DAEMON_SESSION_H
#define RDMAD_DAEMON_SESSION_H

#include <sys/queue.h>
#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/rdmad.h"
#include "daemon/sess_tab.h"
#include "wire/ctlverbs.h"

struct event;
struct eng_owner;
struct eng_pd;
struct eng_cq;
struct eng_qp;
struct tp_conn;

/*
 * Every object a client creates lives in its session's list and is found
 * by (kind, id) in that session's hash table (sess_tab.h) only: an id of another client is simply
 * unknown (RESULT ENOENT).  Ids are daemon-wide unique and never 0
 * (ctlverbs.h); STags are the engine's.
 */
enum sess_kind {
	SESS_MEM = 1,
	SESS_PD,
	SESS_MR,		/* regions and windows: id is the STag */
	SESS_CQ,
	SESS_QP,
	SESS_LISTENER
};

/* Connection state of a QP, as the daemon sees it. */
enum sess_qp_conn {
	SESS_QPC_IDLE = 0,	/* never connected */
	SESS_QPC_CONNECTING,	/* QP_CONNECT: waiting for the result */
	SESS_QPC_ACCEPTING,	/* ACCEPT done, waiting for RTS */
	SESS_QPC_UP,		/* stream attached */
	SESS_QPC_DOWN		/* stream ended; the QP cannot reconnect */
};

struct sess_obj {
	TAILQ_ENTRY(sess_obj)	 entry;
	struct sess_obj		*hnext;		/* sess_tab chain */
	struct sess		*sess;
	enum sess_kind		 kind;
	uint32_t		 id;
	unsigned int		 refs;		/* children */
	union {
		struct {			/* SESS_MEM */
			void		*addr;
			size_t		 len;
			uint64_t	 base;	/* client's address */
		} mem;
		struct {			/* SESS_PD */
			struct eng_pd	*pd;
		} pd;
		struct {			/* SESS_MR */
			struct sess_obj	*mem;	/* NULL: window */
			struct sess_obj	*pd;
			uint64_t	 len;
			uint32_t	 access;	/* for rdmactl */
			uint32_t	 mw_type;	/* window: 1 or 2 */
		} mr;
		struct {			/* SESS_CQ */
			struct eng_cq	*cq;
			int		 efd;	/* client's eventfd */
			void		*map;
			size_t		 maplen;
		} cq;
		struct {			/* SESS_QP */
			struct eng_qp	*qp;
			struct sess_obj	*pd, *scq, *rcq;
			int		 dbfd;	/* doorbell eventfd */
			struct event	*ev_db;
			void		*map;
			size_t		 maplen;
			enum sess_qp_conn conn_state;
			struct tp_conn	*conn;
			uint32_t	 reply_reqid;	/* owed */
			uint32_t	 ord, ird;	/* granted */
			uint32_t	 transport;	/* CTLV_* */
			char		 peer[64];
			char		 why[96];
			/* the peer's accept private data, for CONN_REPLY */
			uint8_t		 peer_priv[CTLV_PRIV_MAX];
			uint32_t	 peer_priv_len;
			bool		 term_counted;	/* admin.c */
		} qp;
		struct {			/* SESS_LISTENER */
			uint16_t	 port;
			uint32_t	 backlog;
			uint32_t	 pending;
		} lst;
	} u;
};

TAILQ_HEAD(sess_objs, sess_obj);

struct sess {
	TAILQ_ENTRY(sess)	 entry;		/* sess_all */
	struct ctl_peer		*peer;
	unsigned int		 id;		/* for logs */
	pid_t			 pid;
	uid_t			 uid;
	gid_t			 gid;
	struct eng_owner	*owner;		/* engine side */
	struct sess_objs	 objs;
	struct sess_tab		 tab;		/* objs by (kind, id) */
	/* Per-client counts against rdmad.conf->limits. */
	uint32_t		 nregions, nqps, ncqs;
	uint64_t		 mapped;	/* octets of MEM_REG mappings */
};

/* session.c */
TAILQ_HEAD(sess_list, sess);
extern struct sess_list	 sess_all;	/* every session, oldest first */
uint32_t	 sess_new_id(void);
struct sess_obj	*sess_obj_new(struct sess *s, enum sess_kind kind,
		    uint32_t id);
struct sess_obj	*sess_obj_find(struct sess *s, enum sess_kind kind,
		    uint32_t id);
void		 sess_obj_free(struct sess_obj *o);
/* Send a whole message built by an encoder (n < 0: fatal), with fd. */
int		 sess_send(struct sess *s, const void *msg, int n, int fd);

/* verbs.c: objects; engine glue */
int		 verbs_init(char **cause);
void		 verbs_shutdown(void);
/* An engine return value (negative errno) as a RESULT code. */
uint32_t	 verbs_code(int r);
int		 verbs_obj_reply(struct sess *s, uint32_t reqid, uint32_t id,
		    uint64_t value);
/* The handlers of verbs.c, for the table in verbs_free.c. */
struct verbs_handler {
	uint32_t	 type;
	int		(*fn)(struct sess *, uint32_t,
			    const union ctlv_any *, int);
};
extern const struct verbs_handler verbs_create_handlers[];

/* verbs_free.c: destroy, query, dispatch, session teardown */
int		 verbs_dispatch(struct sess *s, const struct ctl_hdr *hdr,
		    const uint8_t *payload, size_t len, int fd);
/* Release every object of a closing session (engine owner included). */
void		 verbs_sess_release(struct sess *s);

/* conn.c: listeners, requests, connections through the transport */
int		 conn_init(char **cause);
bool		 conn_closing(void);
void		 conn_shutdown(void);
/* QP_CONNECT, LISTEN, LISTEN_CLOSE, ACCEPT, REJECT (decoded). */
int		 conn_dispatch(struct sess *s, const struct ctl_hdr *hdr,
		    const union ctlv_any *m);
/* The session is closing: drop its listeners, requests, streams. */
void		 conn_sess_closing(struct sess *s);
/* A QP is being destroyed: abort its stream first. */
void		 conn_qp_release(struct sess_obj *qp);
/* The engine says a QP changed state. */
void		 conn_qp_state(struct sess_obj *qp);

/* admin.c: rdmactl's queries (wire/ctladmin.h) and the counters */
void		 admin_init(void);
int		 admin_dispatch(struct sess *s, const struct ctl_hdr *hdr,
		    const uint8_t *payload, size_t len, int fd);
/* The engine says a QP changed state: count its Terminate. */
void		 admin_qp_state(struct sess_obj *qp);
/* A QP is about to be destroyed: keep its counters. */
void		 admin_qp_retire(struct sess_obj *qp);

/* conn.c, for rdmactl: connection requests waiting for ACCEPT/REJECT. */
unsigned int	 conn_npending(void);

/* shm.c: memfd objects and client mappings */
int		 shm_create(const char *name, size_t len, int *fd,
		    void **addr);
int		 shm_map_client(int fd, uint64_t len, void **addr,
		    const char **why);
void		 shm_unmap(void *addr, size_t len);
size_t		 shm_round(size_t len);

#endif /* RDMAD_DAEMON_SESSION_H */
