/* control.c — the control-socket server: accept, receive, check, reply. */
#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "daemon/rdmad.h"

/*
 * One AF_UNIX SOCK_SEQPACKET socket; one datagram is one control message
 * (src/wire/ctlmsg.h).  Each client is a peer with a bounded output queue
 * and a "bad: close after flush" flag (tmux struct tmuxpeer).  A client
 * that sends anything malformed loses its connection; the daemon goes on.
 * A peer is never freed from inside a handler: ctl_peer_kill() marks it
 * dead and its write event, made active, frees it from the loop.
 */

#define CTL_RX_BATCH	16	/* messages read per wake-up (fairness) */
#define CTL_RX_MAXFDS	4	/* SCM_RIGHTS slots; more is MSG_CTRUNC */

/* One queued reply. */
struct ctl_out {
	TAILQ_ENTRY(ctl_out)	 entry;
	int			 fd;		/* to attach, or -1 */
	size_t			 len;
	uint8_t			 buf[];
};

struct ctl_peer {
	TAILQ_ENTRY(ctl_peer)	 entry;
	unsigned int		 id;
	int			 fd;
	struct event		*ev_read;
	struct event		*ev_write;
	pid_t			 pid;
	uid_t			 uid;
	gid_t			 gid;
	bool			 hello;		/* HELLO exchanged */
	bool			 bad;		/* close after flush */
	bool			 dead;		/* loop frees it */
	TAILQ_HEAD(, ctl_out)	 outq;
	unsigned int		 noutq;
	struct sess		*sess;
};

static struct {
	int			 fd;
	char			*path;		/* ours: unlink */
	struct event		*ev_accept;
	TAILQ_HEAD(, ctl_peer)	 peers;
	unsigned int		 npeers;
	unsigned int		 next_id;
	uint8_t			*rbuf;		/* CTL_MSG_MAX */
} ctl_srv = { .fd = -1, .peers = TAILQ_HEAD_INITIALIZER(ctl_srv.peers) };

static void	ctl_accept_cb(evutil_socket_t, short, void *);
static void	ctl_read_cb(evutil_socket_t, short, void *);
static void	ctl_write_cb(evutil_socket_t, short, void *);

/*
 * Is another daemon serving `path`?  ECONNREFUSED: a stale socket, which
 * is unlinked.  Returns 0 when the path is free, else -1 and *cause.
 */
static int
ctl_srv_check_stale(const char *path, char **cause)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd, err;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		xasprintf(cause, "%s exists and is not a socket", path);
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strncpy(sun.sun_path, path, sizeof(sun.sun_path) - 1);
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		close(fd);
		xasprintf(cause, "another rdmad is running on %s", path);
		return -1;
	}
	err = errno;
	close(fd);
	if (err != ECONNREFUSED) {
		xasprintf(cause, "%s: %s", path, strerror(err));
		return -1;
	}
	log_info("ctl", "removing stale socket %s", path);
	if (unlink(path) == -1 && errno != ENOENT) {
		xasprintf(cause, "unlink %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The socket's directory: created (0750) when missing, refused when
 * another user owns it or anyone may write it without the sticky bit
 * (GUIDE §14), since whoever can write there can replace the socket.
 */
static int
ctl_srv_check_dir(const char *path, char **cause)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL) {
		xasprintf(cause, "%s: not an absolute path", path);
		return -1;
	}
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) == -1 && errno == ENOENT) {
		if (mkdir(dir, 0750) == -1) {
			xasprintf(cause, "mkdir %s: %s", dir, strerror(errno));
			return -1;
		}
		log_info("ctl", "created %s", dir);
	}
	if (stat(dir, &st) == -1) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		xasprintf(cause, "%s is not a directory", dir);
		return -1;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		xasprintf(cause, "%s belongs to uid %lu, not to this user",
		    dir, (unsigned long)st.st_uid);
		return -1;
	}
	if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX)) {
		xasprintf(cause, "%s is writable by everyone", dir);
		return -1;
	}
	return 0;
}

/* Create, bind and listen on the control socket (GUIDE §6). */
int
ctl_srv_open(const char *path, unsigned int mode, const char *group,
    char **cause)
{
	struct sockaddr_un sun;
	struct group *gr;
	mode_t old;
	int fd, err;

	*cause = NULL;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		xasprintf(cause, "%s: socket path too long", path);
		return -1;
	}
	if (ctl_srv_check_dir(path, cause) == -1 ||
	    ctl_srv_check_stale(path, cause) == -1)
		return -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strncpy(sun.sun_path, path, sizeof(sun.sun_path) - 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		return -1;
	}
	/* Nobody may connect before the mode and group are right. */
	old = umask(S_IRWXG | S_IRWXO | S_IXUSR);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		err = errno;
		umask(old);
		close(fd);
		xasprintf(cause, "bind %s: %s", path, strerror(err));
		return -1;
	}
	umask(old);
	if (chmod(path, (mode_t)mode) == -1) {
		xasprintf(cause, "chmod %s: %s", path, strerror(errno));
		goto fail;
	}
	if (group != NULL) {
		if ((gr = getgrnam(group)) == NULL) {
			xasprintf(cause, "control.group: no group \"%s\"",
			    group);
			goto fail;
		}
		if (chown(path, (uid_t)-1, gr->gr_gid) == -1) {
			xasprintf(cause, "chown %s to group %s: %s", path,
			    group, strerror(errno));
			goto fail;
		}
	}
	if (listen(fd, 16) == -1) {
		xasprintf(cause, "listen %s: %s", path, strerror(errno));
		goto fail;
	}
	ctl_srv.ev_accept = event_new(rdmad.base, fd, EV_READ | EV_PERSIST,
	    ctl_accept_cb, NULL);
	if (ctl_srv.ev_accept == NULL || event_add(ctl_srv.ev_accept,
	    NULL) == -1) {
		xasprintf(cause, "cannot watch the control socket");
		goto fail;
	}
	ctl_srv.fd = fd;
	ctl_srv.path = xstrdup(path);
	ctl_srv.rbuf = xmalloc(CTL_MSG_MAX);
	log_info("ctl", "listening on %s (mode %04o%s%s)", path, mode,
	    group ? ", group " : "", group ? group : "");
	return 0;
fail:
	if (ctl_srv.ev_accept != NULL)
		event_free(ctl_srv.ev_accept);
	ctl_srv.ev_accept = NULL;
	close(fd);
	unlink(path);
	return -1;
}

/* Free a peer now: only from the loop, never inside its own handler. */
static void
ctl_peer_free(struct ctl_peer *p)
{
	struct ctl_out *o;

	log_info("ctl", "client %u: disconnected", p->id);
	p->dead = true;		/* teardown replies go nowhere */
	TAILQ_REMOVE(&ctl_srv.peers, p, entry);
	ctl_srv.npeers--;
	if (p->sess != NULL)
		sess_destroy(p->sess);
	while ((o = TAILQ_FIRST(&p->outq)) != NULL) {
		TAILQ_REMOVE(&p->outq, o, entry);
		if (o->fd != -1)
			close(o->fd);
		free(o);
	}
	event_free(p->ev_read);
	event_free(p->ev_write);
	close(p->fd);
	free(p);
}

/* Mark a peer dead; its write callback frees it from the loop. */
static void
ctl_peer_kill(struct ctl_peer *p)
{
	if (p->dead)
		return;
	p->dead = true;
	event_del(p->ev_read);
	event_active(p->ev_write, EV_WRITE, 1);
}

/* Accept a client, bounded by limits.max_clients; record SO_PEERCRED. */
static void
ctl_accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct ctl_peer *p;
	struct ucred uc;
	socklen_t len = sizeof(uc);
	int fd;

	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("ctl", "accept");
		return;
	}
	if (ctl_srv.npeers >= rdmad.conf->limits.max_clients) {
		log_warnx("ctl", "refusing a client: %u clients connected "
		    "(limits.max_clients)", ctl_srv.npeers);
		close(fd);
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1) {
		log_warn("ctl", "SO_PEERCRED");
		close(fd);
		return;
	}
	p = xcalloc(1, sizeof(*p));
	p->id = ++ctl_srv.next_id;
	p->fd = fd;
	p->pid = uc.pid;
	p->uid = uc.uid;
	p->gid = uc.gid;
	TAILQ_INIT(&p->outq);
	p->ev_read = event_new(rdmad.base, fd, EV_READ | EV_PERSIST,
	    ctl_read_cb, p);
	p->ev_write = event_new(rdmad.base, fd, EV_WRITE, ctl_write_cb, p);
	if (p->ev_read == NULL || p->ev_write == NULL)
		fatalx("ctl", "event_new failed");
	event_add(p->ev_read, NULL);
	TAILQ_INSERT_TAIL(&ctl_srv.peers, p, entry);
	ctl_srv.npeers++;
	log_info("ctl", "client %u: connected, pid %ld uid %lu gid %lu",
	    p->id, (long)p->pid, (unsigned long)p->uid,
	    (unsigned long)p->gid);
	if ((p->sess = sess_create(p, p->pid, p->uid, p->gid)) == NULL)
		ctl_peer_kill(p);
}

/* Queue one whole message for the peer; takes ownership of fd. */
int
ctl_srv_send(struct ctl_peer *p, const void *msg, size_t len, int fd)
{
	struct ctl_out *o;

	if (p->dead || len == 0 || len > CTL_MSG_MAX) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (p->noutq >= rdmad.conf->control.max_queue) {
		log_warnx("ctl", "client %u: not reading its replies (%u "
		    "queued): dropping it", p->id, p->noutq);
		if (fd != -1)
			close(fd);
		ctl_peer_kill(p);
		return -1;
	}
	o = xmalloc(sizeof(*o) + len);
	o->fd = fd;
	o->len = len;
	memcpy(o->buf, msg, len);
	TAILQ_INSERT_TAIL(&p->outq, o, entry);
	p->noutq++;
	event_add(p->ev_write, NULL);
	return 0;
}

void
ctl_srv_close_after_flush(struct ctl_peer *p)
{
	p->bad = true;
	event_del(p->ev_read);
	if (TAILQ_EMPTY(&p->outq))
		ctl_peer_kill(p);
}

/* Send one queued message; 1 sent, 0 would block, -1 error. */
static int
ctl_peer_send_one(struct ctl_peer *p, struct ctl_out *o)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct msghdr msg;
	struct cmsghdr *c;
	struct iovec iov;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = o->buf;
	iov.iov_len = o->len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (o->fd != -1) {
		memset(&cm, 0, sizeof(cm));
		msg.msg_control = cm.buf;
		msg.msg_controllen = sizeof(cm.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &o->fd, sizeof(int));
	}
	if (sendmsg(p->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT) == -1) {
		if (errno == EAGAIN || errno == EINTR || errno == ENOBUFS)
			return 0;
		log_warn("ctl", "client %u: sendmsg", p->id);
		return -1;
	}
	return 1;
}

/* Flush the output queue; free the peer when dead or bad and empty. */
static void
ctl_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_peer *p = arg;
	struct ctl_out *o;
	int r;

	while (!p->dead && (o = TAILQ_FIRST(&p->outq)) != NULL) {
		if ((r = ctl_peer_send_one(p, o)) == 0) {
			event_add(p->ev_write, NULL);
			return;
		}
		if (r == -1) {
			p->dead = true;
			break;
		}
		TAILQ_REMOVE(&p->outq, o, entry);
		p->noutq--;
		if (o->fd != -1)
			close(o->fd);	/* the client has its own copy */
		free(o);
	}
	if (p->dead || p->bad)
		ctl_peer_free(p);
}

/* A HELLO of any version: reply with ours; a mismatch closes after it. */
static int
ctl_peer_hello(struct ctl_peer *p, const struct ctl_hdr *hdr,
    const uint8_t *payload, size_t len)
{
	struct ctl_hello_reply hr;
	struct ctl_hello h;
	uint8_t out[CTL_HDR_LEN + CTL_HELLO_REPLY_LEN];
	uint32_t version;
	int n;

	/* The first payload field of HELLO is frozen: u32 version. */
	version = len >= 4 ? ctl_load_le32(payload) : hdr->version;
	memset(&hr, 0, sizeof(hr));
	hr.version = CTL_PROTO_VERSION;
	snprintf(hr.daemon_version, sizeof(hr.daemon_version), "rdmad %s",
	    PACKAGE_VERSION);
	if ((n = ctl_hello_reply_encode(hdr->reqid, &hr, out,
	    sizeof(out))) < 0)
		fatalx("ctl", "cannot encode HELLO_REPLY");
	if (hdr->version != CTL_PROTO_VERSION || version !=
	    CTL_PROTO_VERSION) {
		log_warnx("ctl", "client %u: protocol version %u not "
		    "supported (this daemon speaks %u)", p->id, version,
		    CTL_PROTO_VERSION);
		if (ctl_srv_send(p, out, (size_t)n, -1) == 0)
			ctl_srv_close_after_flush(p);
		return 0;
	}
	if (ctl_hello_decode(payload, len, &h) != CTL_OK) {
		log_warnx("ctl", "client %u: malformed HELLO", p->id);
		return -1;
	}
	p->hello = true;
	log_info("ctl", "client %u: HELLO from \"%s\", version %u", p->id,
	    h.client_name, h.version);
	return ctl_srv_send(p, out, (size_t)n, -1);
}

/* Check one datagram and hand it on; -1 drops the peer. */
static int
ctl_peer_msg(struct ctl_peer *p, const uint8_t *buf, size_t len, int *fds,
    unsigned int nfds)
{
	struct ctl_hdr hdr;
	enum ctl_err err;
	int fd;

	err = ctl_msg_check(buf, len, nfds, &hdr);
	if (err == CTL_E_VERSION && !p->hello && hdr.type == CTL_MSG_HELLO)
		return ctl_peer_hello(p, &hdr, buf + CTL_HDR_LEN,
		    len - CTL_HDR_LEN);
	if (err == CTL_OK)
		err = ctl_msg_check_dir(&hdr, CTL_DIR_TO_DAEMON);
	if (err != CTL_OK) {
		log_warnx("ctl", "client %u: %s (type %u, %zu octets, %u fds)",
		    p->id, ctl_strerror(err), hdr.type, len, nfds);
		return -1;
	}
	log_debug("ctl", "client %u: %s reqid %u, %zu octets", p->id,
	    ctl_type_name(hdr.type), hdr.reqid, len);
	if (hdr.type == CTL_MSG_HELLO) {
		if (p->hello) {
			log_warnx("ctl", "client %u: second HELLO", p->id);
			return -1;
		}
		return ctl_peer_hello(p, &hdr, buf + CTL_HDR_LEN,
		    len - CTL_HDR_LEN);
	}
	if (!p->hello) {
		log_warnx("ctl", "client %u: %s before HELLO", p->id,
		    ctl_type_name(hdr.type));
		return -1;
	}
	/* ctl_msg_check() allowed exactly the table's count: 0 or 1. */
	fd = nfds > 0 ? fds[0] : -1;
	fds[0] = -1;
	return sess_dispatch(p->sess, &hdr, buf + CTL_HDR_LEN,
	    len - CTL_HDR_LEN, fd);
}

/* Receive one datagram with its descriptors; 1 got one, 0 none, -1 drop. */
static int
ctl_peer_recv(struct ctl_peer *p, size_t *len, int *fds, unsigned int *nfds)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) *
				    CTL_RX_MAXFDS)];
	} cm;
	struct msghdr msg;
	struct cmsghdr *c;
	struct iovec iov;
	unsigned int i, n;
	ssize_t r;
	int fd;

	*nfds = 0;
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = ctl_srv.rbuf;
	iov.iov_len = CTL_MSG_MAX;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.buf;
	msg.msg_controllen = sizeof(cm.buf);
	r = recvmsg(p->fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (r == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		log_warn("ctl", "client %u: recvmsg", p->id);
		return -1;
	}
	/* Collect every descriptor first, so that all get closed. */
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (unsigned int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (*nfds < CTL_RX_MAXFDS)
				fds[(*nfds)++] = fd;
			else
				close(fd);
		}
	}
	if (r == 0) {
		log_debug("ctl", "client %u: end of stream", p->id);
		return -1;
	}
	if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		log_warnx("ctl", "client %u: %s truncated: dropping it", p->id,
		    (msg.msg_flags & MSG_TRUNC) ? "message" : "descriptors");
		return -1;
	}
	*len = (size_t)r;
	return 1;
}

/* Read up to CTL_RX_BATCH messages; drop the peer on any violation. */
static void
ctl_read_cb(evutil_socket_t sfd, short what, void *arg)
{
	struct ctl_peer *p = arg;
	int fds[CTL_RX_MAXFDS];
	unsigned int nfds, i, n;
	size_t len;
	int r;

	for (n = 0; n < CTL_RX_BATCH && !p->dead && !p->bad; n++) {
		r = ctl_peer_recv(p, &len, fds, &nfds);
		if (r == 1)
			r = ctl_peer_msg(p, ctl_srv.rbuf, len, fds, nfds) == 0 ?
			    1 : -1;
		for (i = 0; i < nfds; i++)
			if (fds[i] != -1)
				close(fds[i]);
		if (r == 0)
			return;
		if (r == -1) {
			ctl_peer_kill(p);
			return;
		}
	}
}

unsigned int
ctl_srv_nclients(void)
{
	return ctl_srv.npeers;
}

/* Stop accepting, drop every client, unlink the socket. */
void
ctl_srv_close(void)
{
	struct ctl_peer *p;

	if (ctl_srv.ev_accept != NULL)
		event_free(ctl_srv.ev_accept);
	ctl_srv.ev_accept = NULL;
	if (ctl_srv.fd != -1)
		close(ctl_srv.fd);
	ctl_srv.fd = -1;
	while ((p = TAILQ_FIRST(&ctl_srv.peers)) != NULL)
		ctl_peer_free(p);
	if (ctl_srv.path != NULL) {
		if (unlink(ctl_srv.path) == -1 && errno != ENOENT)
			log_warn("ctl", "unlink %s", ctl_srv.path);
		free(ctl_srv.path);
		ctl_srv.path = NULL;
	}
	free(ctl_srv.rbuf);
	ctl_srv.rbuf = NULL;
}
