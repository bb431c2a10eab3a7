/* rdmad.h — private header of the daemon, sectioned by defining file. */
#ifndef RDMAD_DAEMON_RDMAD_H
#define RDMAD_DAEMON_RDMAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "wire/ctlmsg.h"

struct event_base;
struct eng;
struct sess;
struct ctl_peer;

/* ---- config.c: the configuration, filled from rdmad.conf ------------ */

enum cfg_transport {
	CFG_TP_AUTO = 0,
	CFG_TP_SCTP,
	CFG_TP_TCP
};

#define CFG_MAX_LISTEN		16	/* listen addresses */
#define CFG_MAX_SCTP_ADDRS	8	/* sctp.addresses (TP_SCTP_LOCAL_MAX) */
#define RDMAD_DRAIN_MS		2000	/* shutdown: graceful closes */

/* Per-client and global bounds (group "limits"). */
struct cfg_limits {
	uint32_t	 max_regions;	/* MEM_REG + MR + MW per client */
	uint64_t	 max_reg_bytes;	/* mapped octets per client */
	uint32_t	 max_qps;	/* per client */
	uint32_t	 max_cqs;	/* per client */
	uint32_t	 max_cq_depth;
	uint32_t	 max_wr;	/* SQ/RQ depth */
	uint32_t	 max_ord;
	uint32_t	 max_ird;
	uint32_t	 max_stags;	/* global STag table */
	uint32_t	 max_clients;	/* control connections */
	uint32_t	 max_pending;	/* pending requests, global */
	uint32_t	 poll_us;	/* keep polling after work, µs */
};

/* The whole configuration: plain C, no libconfig type leaks out. */
struct rdmad_config {
	char		*file;		/* its file; NULL: defaults */
	char		*listen[CFG_MAX_LISTEN];	/* IP literals */
	size_t		 nlisten;	/* 0: every address */
	int		 transport;	/* enum cfg_transport */
	struct cfg_sctp {		/* group "sctp": struct tp_sctp_opts */
		uint16_t port;		/* the daemons' SCTP port */
		char	*addresses[CFG_MAX_SCTP_ADDRS];	/* IP literals */
		size_t	 naddresses;	/* 0: listen's, or any */
		uint32_t streams;	/* 2..65535 */
		uint32_t rto_initial_ms, rto_min_ms, rto_max_ms;
		uint32_t hb_interval_ms;
		uint32_t path_max_retrans, pf_threshold;
		uint32_t sndbuf, rcvbuf;
		uint32_t timeout_ms;	/* set-up; "auto" falls back after */
		uint32_t reorder_chunks, reorder_bytes;
	} sctp;
	struct {
		int	 revision;	/* 1 or 2 */
		bool	 crc;
		bool	 markers;
		int	 timeout_ms;
	} mpa;
	struct cfg_limits limits;
	struct {
		char	*socket;	/* absolute path */
		unsigned int mode;	/* 0 .. 0777 */
		char	*group;		/* NULL: leave it alone */
		uint32_t max_queue;	/* replies queued per client */
	} control;
	struct {
		int	 level;		/* LOG_LVL_* */
		char	*debug[8];	/* tokens */
		size_t	 ndebug;
	} log;
};

/* A configuration holding every default. */
struct rdmad_config *cfg_defaults(void);
/*
 * Parse and validate `path`.  On success return 0 and *out; on failure
 * return -1 and a malloc'd "FILE:LINE: setting: reason" in *cause.
 */
int		 cfg_load(const char *path, struct rdmad_config **out,
		    char **cause);
void		 cfg_free(struct rdmad_config *conf);
const char	*cfg_transport_name(int transport);
const char	*cfg_level_name(int level);

/* ---- printconf.c: the normalized form (parses again identically) ---- */

void		 cfg_print(FILE *fp, const struct rdmad_config *conf);

/* ---- rdmad.c: start-up, reload, shutdown ----------------------------- */

/* The daemon's global state. */
struct rdmad {
	struct rdmad_config	*conf;
	struct event_base	*base;
	struct eng		*eng;		/* the RDMA engine */
	const char		*conf_path;
	const char		*sock_override;	/* -S */
	const char		*sock_path;	/* the control socket */
	bool			 stopping;
};

extern struct rdmad rdmad;

int		 rdmad_main(int argc, char *argv[]);
/* SIGHUP: re-read the configuration. */
void		 rdmad_reload(void);
/* SIGTERM/SIGINT: leave the loop. */
void		 rdmad_shutdown(void);

/* ---- event.c: the one event_base and the signals ------------------- */

struct event_base *ev_init(void);
int		 ev_loop(void);
void		 ev_exit(void);
void		 ev_drain(bool (*busy)(void), int ms);
void		 ev_free(void);

/* ---- notify.c: systemd Type=notify without libsystemd -------------- */

/* Send a state string to $NOTIFY_SOCKET; 0 when unset or sent. */
int		 notify_send(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));

/* ---- control.c: the control-socket server --------------------------- */

/*
 * Create the socket (stale check, umask, chmod, chown).  0, or -1 with a
 * malloc'd reason in *cause.
 */
int		 ctl_srv_open(const char *path, unsigned int mode,
		    const char *group, char **cause);
/* Stop accepting, drop every client, unlink the socket. */
void		 ctl_srv_close(void);
/* Number of connected clients. */
unsigned int	 ctl_srv_nclients(void);
/*
 * Queue one message (len octets, a complete control message) for the
 * peer, with `fd` attached unless -1 (the server duplicates nothing: it
 * takes ownership of fd).  Returns 0, or -1 when the peer is gone or its
 * queue is full (the peer is then dropped and fd closed).
 */
int		 ctl_srv_send(struct ctl_peer *p, const void *msg,
		    size_t len, int fd);
/* Close the peer once its queue is flushed. */
void		 ctl_srv_close_after_flush(struct ctl_peer *p);

/* ---- session.c: one client session, dispatch of verbs messages ----- */

/* A session with its engine owner; NULL when the engine refuses one. */
struct sess	*sess_create(struct ctl_peer *p, pid_t pid, uid_t uid,
		    gid_t gid);
void		 sess_destroy(struct sess *s);
/*
 * Handle one checked message (type not HELLO).  Takes ownership of fd
 * (-1 if none).  Returns 0, or -1 when the client broke the protocol and
 * must be dropped.
 */
int		 sess_dispatch(struct sess *s, const struct ctl_hdr *hdr,
		    const uint8_t *payload, size_t len, int fd);
/* Reply RESULT(code, message) to request reqid. */
int		 sess_result(struct sess *s, uint32_t reqid, uint32_t code,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif /* RDMAD_DAEMON_RDMAD_H */
