/* tcp.h — private header of the TCP/MPA transport (tcp*.c). */
#ifndef RDMAD_TRANSPORT_TCP_H
#define RDMAD_TRANSPORT_TCP_H

/*
 * One struct tp_conn per TCP connection, i.e. per QP (RFC 5044 §7.1: MPA
 * runs on one TCP connection).  The connection owns its socket, its
 * events and its timer; all of them are freed with it.
 *
 * Layout of the work:
 *	tcp.c		the ops table, connect, lifetime (deferred
 *			free), closing, the engine's llp ops
 *	tcp_listen.c	listening sockets, accept
 *	tcp_mpa.c	the Startup Phase: MPA Request/Reply (RFC 5044 §7.1,
 *			RFC 6581 §6, §9), IRD/ORD, RTR choice and checks
 *	tcp_tx.c	Full Operation send: FPDUs gathered straight from
 *			the engine's iovec (RFC 5044 §4), partial writes
 *	tcp_rx.c	Full Operation receive: direct placement of the
 *			payload into the engine's iovec, CRC and markers
 *	tcp_close.c	graceful close after the daemon drops the QP
 *
 * Everything runs on the one event loop of the daemon; no locking.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "transport/transport.h"
#include "wire/mpa.h"

struct event;

#define TCP_RA_SIZE	2048	/* receive read-ahead, see tcp_rx.c */
#define TCP_TX_BURST	64	/* FPDUs per write callback (fairness) */
#define TCP_RAW_MAX	(MPA_REQREP_HDR_LEN + MPA_PRIV_DATA_MAX + 128)
/* A read step: up to ENG_SEG_IOV_MAX destinations, each marker inside
 * splits one of them and adds its own slot; plus slack. */
#define TCP_RX_IOV_MAX	(ENG_SEG_IOV_MAX + 2 * MPA_MARKERS_MAX + 4)
#define TCP_TX_IOV_MAX	MPA_TX_IOV_MAX(ENG_SEG_IOV_MAX + 1)
/* The same without markers (the default, RFC 5044 §7.1.1 M = 0): these
 * live in struct tp_conn; the marker-sized ones are allocated only when
 * markers are negotiated (struct tcp_mkbufs). */
#define TCP_RX_IOV_SMALL (ENG_SEG_IOV_MAX + 4)
#define TCP_TX_IOV_SMALL (ENG_SEG_IOV_MAX + 1 + 2)
#define TCP_TX_SCRATCH_SMALL (MPA_HDR_LEN + 3 + MPA_CRC_LEN)

enum tcp_state {
	TCP_S_CONNECTING,	/* initiator: TCP connect in progress */
	TCP_S_REP_WAIT,		/* initiator: Request sent, Reply awaited */
	TCP_S_ACCEPTED,		/* initiator: Reply accepted, attach awaited */
	TCP_S_REQ_WAIT,		/* responder: Request awaited */
	TCP_S_DECIDE,		/* responder: the daemon decides */
	TCP_S_REJECTED,		/* responder: Reply(R) flushing, then close */
	TCP_S_FULL,		/* Full Operation Phase */
	TCP_S_CLOSING,		/* graceful close: flushing, FIN awaited */
	TCP_S_DEAD		/* closed, waiting to be freed */
};

/* A listening socket. */
struct tcp_listener {
	TAILQ_ENTRY(tcp_listener) entry;
	struct tp		*tp;
	int			 fd;
	struct event		*ev;
	struct sockaddr_storage	 sa;	/* as given to listen() */
	socklen_t		 salen;
};

/* Receive state of one FPDU (tcp_rx.c). */
enum tcp_rx_phase {
	TCP_RX_LEN,		/* [marker] ULPDU_Length */
	TCP_RX_PEEK,		/* first ENG_HDR_PEEK ULPDU octets */
	TCP_RX_HDR,		/* rest of the DDP/RDMAP header */
	TCP_RX_PAYLOAD,		/* payload into the engine's iovec */
	TCP_RX_SKIP,		/* octets the engine drops */
	TCP_RX_TRAILER,		/* pad and CRC */
	TCP_RX_DRAIN		/* after an error: read and drop */
};

/* What the receive path keeps of the mpa_layout of the current FPDU. */
struct tcp_lay {
	size_t			 wire_len, ulpdu_len, pad_len;
	unsigned int		 nmarkers;
};

/* Step buffers sized for markers in every FPDU (tcp_bufs_markers()). */
struct tcp_mkbufs {
	struct mpa_layout	 lay;		/* markers of that FPDU */
	struct mpa_iov		 tx_out[TCP_TX_IOV_MAX];
	struct iovec		 tx_iov[TCP_TX_IOV_MAX];
	uint8_t			 tx_scratch[MPA_TX_SCRATCH_MAX];
	uint8_t			 rx_mkbuf[MPA_MARKERS_MAX][MPA_MARKER_LEN];
	struct iovec		 rx_iov[TCP_RX_IOV_MAX];
	int			 rx_kind[TCP_RX_IOV_MAX];
};

/* The same without markers, inside struct tp_conn. */
struct tcp_smallbufs {
	struct mpa_iov		 tx_out[TCP_TX_IOV_SMALL];
	struct iovec		 tx_iov[TCP_TX_IOV_SMALL];
	uint8_t			 tx_scratch[TCP_TX_SCRATCH_SMALL];
	struct iovec		 rx_iov[TCP_RX_IOV_SMALL];
	int			 rx_kind[TCP_RX_IOV_SMALL];
};

struct tp_conn {
	struct tp_conn_head	 head;		/* first: transport.c */
	TAILQ_ENTRY(tp_conn)	 entry;
	struct tp		*tp;
	enum tcp_state		 state;
	bool			 initiator;
	int			 fd;
	struct event		*ev_read, *ev_write, *ev_timer;
	int			 busy;		/* callbacks on the stack */
	bool			 dead;		/* free when busy drops to 0 */
	bool			 known;		/* the daemon holds c */
	struct sockaddr_storage	 peer;
	socklen_t		 peer_len;
	uint16_t		 service;

	/* Startup Phase */
	struct tp_conn_params	 local;		/* our ird/ord */
	uint8_t			*mypd;		/* malloc'd, until Full Op. */
	size_t			 mypd_len;
	struct mpa_frame	 req, rep;	/* as sent / received */
	uint8_t			*peerpd;	/* malloc'd, until Full Op. */
	size_t			 peerpd_len;
	uint32_t		 peer_ird, peer_ord;
	struct tp_conn_info	 info;
	bool			 info_ok;

	/* RTR (RFC 6581 §9.2; see tcp_mpa.c) */
	unsigned int		 rtr_offer;	/* resp.: options offered */
	bool			 rtr_expect;	/* resp.: first FPDU is RTR */
	bool			 rtr_send;	/* init.: RTR still to send */
	bool			 rtr_resp_wait;	/* init.: Read RTR answer due */
	bool			 rtr_resp_send;	/* resp.: Read Response due */
	uint32_t		 rtr_sink_stag;
	uint64_t		 rtr_sink_to;
	uint32_t		 msn_shift_qn;	/* queue whose MSNs carry +1 on
					 * the wire, or UINT32_MAX */

	/* raw octets to write first: frames, transport FPDUs */
	uint8_t			*raw;		/* TCP_RAW_MAX, while in use */
	size_t			 raw_len, raw_off;
	bool			 close_after_raw;

	/* Full Operation */
	struct eng_qp		*qp;
	size_t			 max_seg;
	bool			 first_rx;	/* a valid FPDU arrived (§7.1.2
					 * rule 4 gates the responder) */
	bool			 closing_abortive;
	bool			 by_daemon;	/* abort(): no conn_closed() */

	/* send */
	struct mpa_tx		 mtx;
	struct eng_seg		 seg;		/* being sent */
	bool			 seg_busy;
	struct mpa_iov		*tx_out;	/* tx_max elements */
	struct iovec		*tx_iov;	/* tx_max elements */
	unsigned int		 tx_max;
	int			 tx_cnt, tx_idx;
	uint8_t			*tx_scratch;	/* tx_scap octets */
	size_t			 tx_scap;
	bool			 shut_wr;
	uint8_t			*tx_copy;	/* FPDU rest after tcp_detach() */

	/* receive: the read-ahead (TCP_RA_SIZE octets) is the transport's
	 * shared one during a read callback, a private copy only while
	 * octets wait in it between callbacks (tcp_ra_borrow/return) */
	uint8_t			*ra;
	size_t			 ra_off, ra_len;
	bool			 rx_eof;
	bool			 rx_drained;	/* last readv was short */
	bool			 rx_markers, rx_crc;
	uint16_t		 rx_pos;	/* stream offset mod 512 */
	enum tcp_rx_phase	 rx_phase;
	struct tcp_lay		 lay;		/* of the FPDU being read */
	uint32_t		 rx_wire;	/* wire octets of FPDU done */
	unsigned int		 rx_mk;		/* next marker of lay */
	uint32_t		 rx_crc_state;
	enum wire_err		 rx_mk_err;	/* marker error, after CRC */
	uint8_t			 rx_lenf[MPA_MARKER_LEN + MPA_HDR_LEN];
	uint8_t			 rx_hdr[ENG_HDR_MAX];
	size_t			 rx_hl;		/* header octets wanted */
	uint8_t			 rx_trailer[3 + MPA_CRC_LEN];
	uint8_t			(*rx_mkbuf)[MPA_MARKER_LEN];	/* markers */
	uint8_t			*rx_sink;	/* tp->sink: discarded octets */
	struct eng_rx_place	 pl;
	/* the current read step: a wire-ordered iovec */
	struct iovec		*rx_iov;
	int			*rx_kind;	/* marker # or TCP_K_* */
	int			 rx_cnt, rx_idx;
	size_t			 rx_ioff;
	size_t			 rx_sink_left;	/* discard octets to go */
	/* where the pointers above point: sb, or mk with markers */
	struct tcp_smallbufs	 sb;
	struct tcp_mkbufs	*mk;
};

struct tp {
	struct tp_env		 env;
	struct tp_mpa_opts	 opts;
	TAILQ_HEAD(, tcp_listener) listeners;
	TAILQ_HEAD(, tp_conn)	 conns;
	/* One event loop, one callback at a time: every connection reads
	 * through these (tcp_ra_borrow(); the sink is written and its CRC
	 * taken within one step). */
	uint8_t			 ra[TCP_RA_SIZE];
	struct tp_conn		*ra_user;	/* holds ra, or NULL */
	uint8_t			 sink[256];
};

/* tcp.c */
struct tp_conn *tcp_conn_new(struct tp *tp, int fd, bool initiator);
int	tcp_bufs_markers(struct tp_conn *c);
void	tcp_ra_borrow(struct tp_conn *c);
uint8_t	*tcp_raw_room(struct tp_conn *c, size_t *room);
void	tcp_raw_sent(struct tp_conn *c);
int	tcp_pd_keep(uint8_t **dst, size_t *dlen, const void *src,
	    size_t len);
void	tcp_pd_free(struct tp_conn *c);
int	tcp_ra_return(struct tp_conn *c);
int	tcp_sockopts(int fd);
void	tcp_log(struct tp_conn *c, int level, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	tcp_hold(struct tp_conn *c);
void	tcp_release(struct tp_conn *c);
void	tcp_want_write(struct tp_conn *c);
void	tcp_want_read(struct tp_conn *c, bool on);
void	tcp_timer(struct tp_conn *c, int ms);
void	tcp_fail(struct tp_conn *c, enum tp_result r, const char *why);
void	tcp_fail_peer(struct tp_conn *c, enum tp_result r,
	    const struct tp_conn_params *peer, const char *why);
void	tcp_finish(struct tp_conn *c, bool orderly, bool abortive);
void	tcp_kill(struct tp_conn *c, bool abortive);
extern const struct eng_llp_ops tcp_llp_ops;
int	tcp_conn_info(const struct tp_conn *c, struct tp_conn_info *ci);

/* tcp_close.c */
int	tcp_detach(struct tp_conn *c);
void	tcp_detached_read(struct tp_conn *c);

/* tcp_listen.c */
int	tcp_listen(struct tp *tp, const struct sockaddr *sa, socklen_t salen,
	    char *cause, size_t causelen);
void	tcp_unlisten(struct tp *tp, const struct sockaddr *sa,
	    socklen_t salen);

/* tcp_mpa.c */
int	tcp_mpa_send_req(struct tp_conn *c);
void	tcp_mpa_read(struct tp_conn *c);
int	tcp_mpa_accept(struct tp_conn *c, struct eng_qp *qp,
	    const struct tp_conn_params *p);
int	tcp_mpa_reject(struct tp_conn *c, const void *priv, size_t len);
int	tcp_mpa_attach(struct tp_conn *c, struct eng_qp *qp);
int	tcp_mpa_term(struct tp_conn *c, enum wire_err err);
int	tcp_mpa_rtr_rx(struct tp_conn *c, const uint8_t *seg, size_t len);
int	tcp_mpa_rtr_tx(struct tp_conn *c);

/* tcp_tx.c */
void	tcp_tx_start(struct tp_conn *c, bool markers, bool crc);
void	tcp_tx_run(struct tp_conn *c);
int	tcp_tx_raw_fpdu(struct tp_conn *c, const uint8_t *ulpdu, size_t len);
void	tcp_msn_shift(struct tp_conn *c, uint8_t *hdr, size_t len, int dir);

/* tcp_rx.c */
void	tcp_rx_start(struct tp_conn *c, bool markers, bool crc);
void	tcp_rx_run(struct tp_conn *c);
ssize_t	tcp_rx_fill_ra(struct tp_conn *c);

#endif /* RDMAD_TRANSPORT_TCP_H */
