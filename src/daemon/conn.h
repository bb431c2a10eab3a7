/* conn.h — private to conn.c, conn_out.c, conn_tp.c and admin_list.c. */
#ifndef RDMAD_DAEMON_CONN_H
#define RDMAD_DAEMON_CONN_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport/transport.h"

struct sess_obj;

/* ---- conn_tp.c: the transports and what they are for ---------------- */

/*
 * Create TCP/MPA always and SCTP when the kernel has it (else remember
 * available()'s reason).  The callbacks go to conn.c / conn_out.c.
 */
int		 conn_tp_init(char **cause);
void		 conn_tp_shutdown(void);
bool		 conn_tp_closing(void);
/* The transport of a kind, or NULL when this daemon has none. */
struct tp	*conn_tp_of(enum tp_kind kind);
/* The ops table of a kind, and of the transport owning c. */
const struct tp_ops *conn_tp_ops(enum tp_kind kind);
const struct tp_ops *conn_ops_of(const struct tp_conn *c);
/* Does this daemon run SCTP?  Else why not ("no kernel SCTP: ..."). */
bool		 conn_tp_sctp(const char **why);
/* "TCP/MPA" or "SCTP". */
const char	*conn_tp_label(enum tp_kind kind);
/* Log the transport towards a peer host once, and when it changes. */
void		 conn_tp_peer_note(const char *host, enum tp_kind kind,
		    const char *why);
/* "host:port" ("[v6]:port") and bare numeric host of an address. */
void		 conn_peer_str(const struct sockaddr *sa, socklen_t salen,
		    char *buf, size_t len);
void		 conn_host_str(const struct sockaddr *sa, socklen_t salen,
		    char *buf, size_t len);

/* ---- conn.c: the passive side (transport callbacks) ------------------ */

void		 conn_request_cb(void *arg, struct tp_conn *c,
		    const struct tp_conn_req *req);
void		 conn_closed_cb(void *arg, struct tp_conn *c);
/* Listeners listening on a transport kind (rdmactl status). */
unsigned int	 conn_nlisteners(enum tp_kind kind);

/* ---- conn_out.c: the active side and the shared replies -------------- */

void		 conn_result_cb(void *arg, struct tp_conn *c,
		    enum tp_result r, const struct tp_conn_params *peer,
		    const char *why);
/* Send CONN_REPLY for the QP's owed request (peer: its private data). */
void		 conn_reply(struct sess_obj *qp, uint32_t code,
		    const char *why, const struct tp_conn_params *peer);
/* The stream of qp is up: record what was negotiated, reply. */
void		 conn_up(struct sess_obj *qp);
/* Forget an automatic attempt of qp (its SCTP try and timer). */
void		 conn_try_drop(struct sess_obj *qp);
/* QP_CONNECT (decoded). */
struct sess;
struct ctlv_qp_connect;
int		 conn_connect(struct sess *s, uint32_t reqid,
		    const struct ctlv_qp_connect *m);

#endif /* RDMAD_DAEMON_CONN_H */
