/* sctp_int.h — private header of the SCTP transport (sctp*.c). */
#ifndef RDMAD_TRANSPORT_SCTP_INT_H
#define RDMAD_TRANSPORT_SCTP_INT_H

/*
 * Objects:
 *   struct sctp_tp	the transport: options, the listening socket, the
 *			services listened on, every association
 *   struct sctp_asoc	one association = one one-to-one (SOCK_STREAM)
 *			SCTP socket, its events, its receive state
 *			machine, its streams[] table and send queue
 *   struct sctp_conn	one DDP Stream Session = one QP on one stream id
 *			(what the daemon sees as struct tp_conn)
 *
 * Why one-to-one sockets: an association is then a file descriptor of
 * its own, so its events, its send-buffer back-pressure, its loss
 * (recv error, COMM_LOST) and its teardown (close) touch nothing else;
 * accept() hands over each new association with its queued
 * notifications; FIONREAD gives the length of the next message, which
 * the direct-placement receive path needs (sctp_rx.c).
 *
 * Files:
 *	sctp.c		ops table, create/destroy, connect/accept/reject/
 *			attach/abort, connection lifetime, engine llp ops
 *	sctp_asoc.c	association sockets: options, connect, listen,
 *			accept, notifications, loss
 *	sctp_ssc.c	Stream Session Control (RFC 5043 §5.2.3, §6)
 *	sctp_rx.c	receive: direct placement, reorder, dispatch
 *	sctp_tx.c	send: per-stream DDP-SSN, round robin, §10 guard
 *	sctp_info.c	association and path information, logging
 *	sctp_ro.c	the reorder buffer (kernel-free)
 *
 * Freeing is deferred: a dead conn or association is unlinked at once
 * (no callback, no lookup finds it) and freed by the reaper event from
 * the loop, so no callback ever returns into freed memory.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/sctp.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "transport/sctp.h"
#include "transport/sctp_ro.h"
#include "transport/transport.h"
#include "wire/iwarp.h"

struct event;

#define SCTP_PD_HDR_LEN		4	/* our private data header */
#define SCTP_PD_VERSION		1
#define SCTP_PD_F_NOSVC		0x01	/* Reject: no such service */
#define SCTP_CTL_MAX		(SCTP_DDP_SSC_HDR_LEN + \
				 SCTP_DDP_PRIV_DATA_MAX)	/* 516 */
#define SCTP_NOTIF_MAX		512	/* notification octets kept */
#define SCTP_RX_BURST		256	/* messages per read callback */
/* First read of a message: DDP-SSN + the shortest DDP header (tagged,
 * RFC 5041 §4.2), so a Write or Read Response segment's whole header
 * comes with it, and never a payload octet of a valid segment. */
#define SCTP_RX_HEAD_LEN	(SCTP_DDP_SSN_LEN + DDP_TAGGED_HDR_LEN)
#define SCTP_TX_BURST		16	/* segments per conn per turn */
#define SCTP_TX_BATCH		32	/* messages per sendmmsg */
#define SCTP_TX_GUARD		16384	/* §10: chunks outstanding cap */
#define SCTP_ASOC_MAX		1024	/* associations per transport */
#define SCTP_RO_ASOC_MAX	(16u << 20)	/* held octets, all streams */

enum sctp_cstate {
	SCTP_C_ASSOC_WAIT,	/* initiator: association not up yet */
	SCTP_C_INIT_SENT,	/* initiator: Initiate queued/sent */
	SCTP_C_ACCEPTED,	/* initiator: Accept got, attach awaited */
	SCTP_C_DECIDE,		/* responder: the daemon decides */
	SCTP_C_REJECTING,	/* responder: Reject queued */
	SCTP_C_FULL,		/* QP attached, data both ways */
	SCTP_C_CLOSING,		/* graceful: drain, then Terminate */
	SCTP_C_TERM_WAIT,	/* our Terminate sent/queued, peer's due */
	SCTP_C_DEAD
};

struct sctp_tp;
struct sctp_asoc;

struct sctp_conn {
	struct tp_conn_head	 head;		/* first: transport.c */
	TAILQ_ENTRY(sctp_conn)	 entry;		/* as->conns */
	TAILQ_ENTRY(sctp_conn)	 txe;		/* as->txq */
	bool			 in_txq;
	struct sctp_asoc	*as;
	int			 sid;		/* -1 until allocated */
	bool			 initiator;
	enum sctp_cstate	 state;
	bool			 known;		/* the daemon holds it */
	bool			 dead;
	struct event		*ev_timer;	/* set-up / Terminate timeout */
	struct event		*ev_close;	/* deferred llp close */
	bool			 close_abortive;

	uint16_t		 service;
	struct tp_conn_params	 local;		/* our ird/ord */
	uint8_t			 pd[SCTP_DDP_PRIV_DATA_MAX];
	size_t			 pd_len;	/* peer's app private data */
	uint32_t		 peer_ird, peer_ord;
	struct sockaddr_storage	 peer;
	socklen_t		 peer_len;
	struct tp_conn_info	 info;
	bool			 info_ok;

	struct eng_qp		*qp;
	bool			 qp_closed;	/* eng_qp_llp_closed() done */
	bool			 rx_stopped;	/* engine refused: drop data */

	/* DDP-SSN (RFC 5043 §5.2.1, §6.1), from 0 per session */
	uint16_t		 tx_ssn;
	uint16_t		 rx_next;
	struct sctp_ro		 ro;
	uint8_t			*next_init;	/* next session's Initiate */
	size_t			 next_init_len;

	/* send: one control message, then segments */
	uint8_t			 ctl[SCTP_CTL_MAX];
	size_t			 ctl_len;	/* 0: none queued */
	uint16_t		 ctl_fn;
	uint16_t		 tx_queued;	/* its segments in as->txb */
	uint16_t		 tx_bssn;	/* DDP-SSN cursor of a batch */
	bool			 term_sent;
	bool			 term_rcvd;	/* the peer's came in order */
	bool			 term_after;	/* Terminate after ctl[] */
	bool			 term_on_reply;	/* §6.6: after the reply */
};

/* Receive state machine of an association (sctp_rx.c). */
enum sctp_rx_phase {
	SCTP_RX_HEAD,		/* first octets: SCTP_RX_HEAD_LEN */
	SCTP_RX_BUF,		/* the rest into rx.buf (notif, SSC) */
	SCTP_RX_HDR,		/* rest of the DDP/RDMAP header */
	SCTP_RX_PAYLOAD,	/* straight into the region */
	SCTP_RX_DISCARD,	/* octets the engine drops */
	SCTP_RX_STASH,		/* the whole chunk, to be held */
	SCTP_RX_DRAIN		/* read and drop to the end */
};

struct sctp_rx {
	enum sctp_rx_phase	 phase;
	bool			 started;	/* first recvmsg of message */
	bool			 eor;
	bool			 notif;
	uint16_t		 sid;
	uint32_t		 ppid;		/* host order */
	/* SCTP_NXTINFO that came with the end of the last message: the
	 * next one's length (kept across sctp_rx_reset, taken by the
	 * next message's first read: len_ok if it matches that one) */
	bool			 nxt_ok, nxt_notif;
	uint16_t		 nxt_sid;
	uint32_t		 nxt_ppid;	/* as on the wire */
	size_t			 nxt_len;
	bool			 len_ok;
	uint8_t			 head[SCTP_RX_HEAD_LEN];
	size_t			 got;		/* octets of message read */
	size_t			 msg_len;	/* FIONREAD estimate */
	uint8_t			 buf[SCTP_CTL_MAX + SCTP_NOTIF_MAX];
	size_t			 buf_len, buf_cap;
	uint8_t			 hdr[ENG_HDR_MAX];
	size_t			 hdr_got, hdr_len, seg_len;
	struct sctp_conn	*c;		/* direct placement target */
	enum wire_err		 err;
	struct eng_rx_place	 pl;
	int			 pl_idx;
	size_t			 pl_off;
	size_t			 discard;
	uint8_t			*stash;
	size_t			 stash_len;
	int			 drain_sid;	/* drain: then fail this sid */
	enum wire_err		 drain_err;
	uint8_t			 sink[4096];
};

/* A DDP segment pulled from the engine, waiting in the batch. */
struct sctp_txslot {
	struct sctp_conn	*c;
	struct eng_seg		 seg;
};

/*
 * The send batch of an association (sctp_tx.c): segments pulled from
 * the engine, in pull order, go out with one sendmmsg; slot[head..n)
 * are still unsent.  Each message has its own iovec and SCTP_SNDINFO.
 */
struct sctp_txb {
	unsigned int		 head, n;
	struct sctp_txslot	 slot[SCTP_TX_BATCH];
	struct mmsghdr		 mm[SCTP_TX_BATCH];
	struct iovec		 iov[SCTP_TX_BATCH][ENG_SEG_IOV_MAX + 2];
	uint8_t			 prefix[SCTP_TX_BATCH][SCTP_DDP_SSN_LEN];
	union {
		struct cmsghdr	 align;
		char		 buf[CMSG_SPACE(sizeof(struct sctp_sndinfo))];
	}			 cbuf[SCTP_TX_BATCH];
};

enum sctp_astate {
	SCTP_A_CONNECTING,	/* connect in progress / COMM_UP awaited */
	SCTP_A_UP,		/* DDP adaptation confirmed */
	SCTP_A_DEAD
};

struct sctp_asoc {
	TAILQ_ENTRY(sctp_asoc)	 entry;
	struct sctp_tp		*tp;
	int			 fd;
	struct event		*ev_read, *ev_write, *ev_timer;
	enum sctp_astate	 state;
	bool			 initiator;	/* we connected: even sids */
	bool			 comm_up;
	bool			 ddp;		/* peer indicated DDP */
	struct sockaddr_storage	 peer;		/* as connected / accepted */
	socklen_t		 peer_len;
	uint16_t		 nstreams;
	struct sctp_conn	**streams;	/* [nstreams] */
	uint32_t		 next_sid;	/* allocation cursor */
	uint32_t		 owned_used;	/* our sessions in streams[] */
	uint32_t		 nconns;
	TAILQ_HEAD(, sctp_conn)	 conns;
	TAILQ_HEAD(, sctp_conn)	 txq;
	size_t			 max_seg;
	uint32_t		 tx_since_check;	/* §10 guard */
	bool			 tx_blocked;
	struct sctp_txb		 txb;
	uint64_t		 tx_msgs, tx_calls;	/* sent; sendmsg +
						 * sendmmsg calls (debug log) */
	uint64_t		 rx_calls;	/* recvmsg + ioctl calls */
	struct sctp_rx		 rx;
	uint64_t		 reorder_held;
	size_t			 ro_bytes;	/* held in all c->ro */
	uint64_t		 failovers;	/* tp_sctp_assoc_info */
};

struct sctp_service {
	TAILQ_ENTRY(sctp_service) entry;
	uint16_t		 port;
	struct sockaddr_storage	 sa;
	socklen_t		 salen;
};

struct sctp_tp {
	struct tp_env		 env;
	struct tp_sctp_opts	 o;		/* defaults filled in */
	struct sockaddr_storage	 local[TP_SCTP_LOCAL_MAX];
	int			 lfd;		/* listening socket or -1 */
	struct event		*ev_listen;
	struct event		*ev_reap;
	TAILQ_HEAD(, sctp_service) services;
	TAILQ_HEAD(, sctp_asoc)	 asocs;
	TAILQ_HEAD(, sctp_asoc)	 dead_asocs;
	TAILQ_HEAD(, sctp_conn)	 dead_conns;
	uint32_t		 nasocs;
	uint32_t		 pending;	/* conns in DECIDE */
	bool			 destroying;
};

#define SCTP_TP(tp)	((struct sctp_tp *)(void *)(tp))
#define SCTP_CONN(c)	((struct sctp_conn *)(void *)(c))
#define SCTP_TPC(c)	((struct tp_conn *)(void *)(c))

/* sctp.c */
struct sctp_conn *sctp_conn_new(struct sctp_asoc *as, bool initiator);
void	sctp_conn_kill(struct sctp_conn *c);
void	sctp_conn_reap(struct sctp_tp *tp);
void	sctp_conn_timer(struct sctp_conn *c, int ms);
void	sctp_conn_fail(struct sctp_conn *c, enum tp_result r,
	    const struct tp_conn_params *peer, const char *why);
void	sctp_conn_terminate(struct sctp_conn *c);
void	sctp_conn_ended(struct sctp_conn *c, bool orderly);
void	sctp_conn_proto_err(struct sctp_conn *c, enum wire_err err,
	    const char *why);
void	sctp_conn_bind_qp(struct sctp_conn *c);
extern const struct eng_llp_ops sctp_llp_ops;

/* sctp_asoc.c */
int	sctp_asoc_sockopts(struct sctp_tp *tp, int fd);
struct sctp_asoc *sctp_asoc_new(struct sctp_tp *tp, int fd, bool initiator,
	    const struct sockaddr *peer, socklen_t peer_len);
struct sctp_asoc *sctp_asoc_connect(struct sctp_tp *tp,
	    const struct sockaddr *sa, socklen_t salen);
struct sctp_asoc *sctp_asoc_find(struct sctp_tp *tp,
	    const struct sockaddr *sa, socklen_t salen);
int	sctp_asoc_alloc_sid(struct sctp_asoc *as, struct sctp_conn *c);
void	sctp_asoc_free_sid(struct sctp_asoc *as, struct sctp_conn *c);
bool	sctp_asoc_owns(const struct sctp_asoc *as, uint16_t sid);
void	sctp_asoc_lost(struct sctp_asoc *as, const char *why);
void	sctp_asoc_want_write(struct sctp_asoc *as);
void	sctp_asoc_notif(struct sctp_asoc *as, const uint8_t *p, size_t len);
void	sctp_asoc_adapt_check(struct sctp_asoc *as);
int	sctp_listen(struct tp *tp, const struct sockaddr *sa, socklen_t salen,
	    char *cause, size_t causelen);
void	sctp_unlisten(struct tp *tp, const struct sockaddr *sa,
	    socklen_t salen);
void	sctp_asoc_close_all(struct sctp_tp *tp);

/* sctp_ssc.c */
int	sctp_ssc_queue(struct sctp_conn *c, uint16_t fn, uint8_t flags,
	    const void *app_pd, size_t app_len);
void	sctp_ssc_rx(struct sctp_asoc *as, struct sctp_conn *c, uint16_t sid,
	    const uint8_t *chunk, size_t len);
void	sctp_ssc_start(struct sctp_conn *c);
uint16_t sctp_io14(uint32_t v);

/* sctp_rx.c */
void	sctp_rx_run(struct sctp_asoc *as);
void	sctp_rx_chunk(struct sctp_asoc *as, uint16_t sid, uint32_t ppid,
	    uint8_t *data, size_t len);
void	sctp_rx_feed(struct sctp_conn *c);

/* sctp_tx.c */
void	sctp_tx_want(struct sctp_conn *c);
void	sctp_tx_drop(struct sctp_conn *c);
void	sctp_tx_purge(struct sctp_conn *c);
void	sctp_tx_run(struct sctp_asoc *as);

/* sctp_info.c */
void	sctp_log(struct sctp_tp *tp, int level, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	sctp_clog(struct sctp_conn *c, int level, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
const char *sctp_addr_str(const struct sockaddr *sa, char *buf, size_t len);
size_t	sctp_asoc_max_seg(struct sctp_asoc *as);
struct sctp_paddr_change;
void	sctp_info_path_change(struct sctp_asoc *as,
	    const struct sctp_paddr_change *pc);

#endif /* RDMAD_TRANSPORT_SCTP_INT_H */
