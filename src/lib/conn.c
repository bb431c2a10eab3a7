/* conn.c — librdmad's control connections: socket, HELLO, request/reply. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib.h"

/* Room for a few descriptors, so that extra ones are seen and closed. */
#define LIB_MAX_RX_FDS	4

/* Milliseconds on the monotonic clock (the vDSO's: no system call). */
int64_t
lib_conn_now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Mark the connection unusable and say why; returns code. */
static int
lib_conn_fail(struct lib_conn *c, int code, const char *what)
{
	c->dead = true;
	return lib_err(c->err, code, "connection to rdmad: %s", what);
}

/* Send len octets of c->buf, with descriptor fd unless it is -1. */
static int
lib_conn_send(struct lib_conn *c, size_t len, int fd)
{
	union {
		struct cmsghdr	 h;
		char		 b[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov = { c->buf, len };
	struct msghdr msg;
	struct cmsghdr *cmsg;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (fd >= 0) {
		memset(&cm, 0, sizeof(cm));
		msg.msg_control = cm.b;
		msg.msg_controllen = sizeof(cm.b);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	do
		n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return lib_conn_fail(c, -ETIMEDOUT,
			    "send timed out (daemon stuck?)");
		if (errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN)
			return lib_conn_fail(c, -ENOTCONN, "lost");
		return lib_conn_fail(c, -errno, rdmad_strerror(-errno));
	}
	if ((size_t)n != len)
		return lib_conn_fail(c, -EPROTO, "short send");
	return 0;
}

/*
 * Receive one datagram into c->buf within timeout_ms (-1: forever).
 * Keeps the first descriptor in *fd, closes the others, counts them all
 * in *nfds.  Returns the length or a negative errno.
 */
static int
lib_conn_rx(struct lib_conn *c, int timeout_ms, int *fd, unsigned int *nfds)
{
	union {
		struct cmsghdr	 h;
		char		 b[CMSG_SPACE(sizeof(int) * LIB_MAX_RX_FDS)];
	} cm;
	struct iovec iov = { c->buf, sizeof(c->buf) };
	struct pollfd pfd = { c->fd, POLLIN, 0 };
	int64_t deadline = lib_conn_now_ms() +
	    (timeout_ms > 0 ? timeout_ms : 0);
	struct msghdr msg;
	struct cmsghdr *cmsg;
	int fds[LIB_MAX_RX_FDS];
	size_t i, k;
	ssize_t n;
	int left, r;

	*fd = -1;
	*nfds = 0;
	for (;;) {
		left = timeout_ms < 0 ? -1 :
		    (int)(deadline - lib_conn_now_ms());
		if (timeout_ms >= 0 && left < 0)
			left = 0;
		r = poll(&pfd, 1, left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return lib_conn_fail(c, -errno, "poll failed");
		if (r == 0)
			return timeout_ms == 0 ? -EAGAIN : lib_err(c->err,
			    -ETIMEDOUT, "no answer from rdmad in time");
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cm.b;
		msg.msg_controllen = sizeof(cm.b);
		n = recvmsg(c->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return lib_conn_fail(c, errno == ECONNRESET ?
			    -ENOTCONN : -errno, "receive failed");
		break;
	}
	/* Collect every descriptor first, so none leaks on an error. */
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		k = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (k > LIB_MAX_RX_FDS)
			k = LIB_MAX_RX_FDS;
		memcpy(fds, CMSG_DATA(cmsg), k * sizeof(int));
		for (i = 0; i < k; i++) {
			if (*fd < 0)
				*fd = fds[i];
			else
				(void)close(fds[i]);
			(*nfds)++;
		}
	}
	if (n == 0 || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		if (*fd >= 0)
			(void)close(*fd);
		*fd = -1;
		if (n == 0)
			return lib_conn_fail(c, -ENOTCONN,
			    "closed by the daemon");
		return lib_conn_fail(c, -EPROTO, "oversized message");
	}
	return (int)n;
}

/* Receive, check framing and direction; see lib.h. */
int
lib_conn_recv(struct lib_conn *c, struct lib_msg *m, int timeout_ms)
{
	enum ctl_err e;
	unsigned int nfds;
	int n;

	memset(m, 0, sizeof(*m));
	if ((n = lib_conn_rx(c, timeout_ms, &m->fd, &nfds)) < 0)
		return n;
	if ((e = ctl_msg_check(c->buf, (size_t)n, nfds, &m->hdr)) == CTL_OK)
		e = ctl_msg_check_dir(&m->hdr, CTL_DIR_TO_CLIENT);
	if (e != CTL_OK) {
		if (m->fd >= 0)
			(void)close(m->fd);
		m->fd = -1;
		return lib_conn_fail(c, -EPROTO, ctl_strerror(e));
	}
	m->payload = c->buf + CTL_HDR_LEN;
	m->plen = m->hdr.len - CTL_HDR_LEN;
	return 0;
}

uint32_t
lib_conn_reqid(struct lib_conn *c)
{
	if (c->next_reqid == 0)
		c->next_reqid = 1;
	return c->next_reqid++;
}

/* Map a RESULT code to a negative errno the caller can trust. */
static int
lib_conn_result(struct lib_conn *c, const struct ctl_result *res)
{
	int code = res->code > 0 && res->code < 4096 ? (int)res->code : EIO;

	if (res->message[0] != '\0')
		return lib_err(c->err, -code, "rdmad: %s", res->message);
	return lib_err(c->err, -code, "rdmad: %s", rdmad_strerror(-code));
}

/* Send a request, wait for its reply; see lib.h. */
int
lib_conn_request(struct lib_conn *c, int len, int send_fd,
    uint32_t reply_type, union ctlv_any *out, int *rfd, int timeout_ms)
{
	int64_t deadline = lib_conn_now_ms() + timeout_ms;
	struct ctl_result res;
	struct lib_msg m;
	uint32_t reqid;
	int r, left;

	if (rfd != NULL)
		*rfd = -1;
	if (len < 0)
		return lib_err(c->err, -EINVAL, "cannot encode the request: %s",
		    ctl_strerror((enum ctl_err)-len));
	if (c->dead)
		return lib_err(c->err, -ENOTCONN, "connection to rdmad lost");
	reqid = ctl_load_le32(c->buf + 12);
	if ((r = lib_conn_send(c, (size_t)len, send_fd)) < 0)
		return r;
	for (;;) {
		left = (int)(deadline - lib_conn_now_ms());
		if ((r = lib_conn_recv(c, &m, left < 1 ? 1 : left)) < 0)
			return r;
		/* A late reply to a timed-out request, or unsolicited. */
		if (m.hdr.reqid != reqid) {
			if (m.fd >= 0)
				(void)close(m.fd);
			continue;
		}
		break;
	}
	if (m.hdr.type == CTL_MSG_RESULT) {
		if (ctl_result_decode(m.payload, m.plen, &res) != CTL_OK)
			return lib_conn_fail(c, -EPROTO, "bad RESULT");
		if (res.code != 0)
			return lib_conn_result(c, &res);
		if (reply_type == CTL_MSG_RESULT)
			return 0;
		return lib_conn_fail(c, -EPROTO, "RESULT instead of a reply");
	}
	if (m.hdr.type != reply_type ||
	    ctlv_decode(m.hdr.type, m.payload, m.plen, out) != CTL_OK) {
		if (m.fd >= 0)
			(void)close(m.fd);
		return lib_conn_fail(c, -EPROTO, "unexpected or bad reply");
	}
	if (rfd != NULL)
		*rfd = m.fd;
	else if (m.fd >= 0)
		(void)close(m.fd);
	return 0;
}

/* HELLO / HELLO_REPLY, with a clear message on a version mismatch. */
static int
lib_conn_hello(struct lib_conn *c, char *daemon_version)
{
	struct ctl_hello h = { CTL_PROTO_VERSION, 0, LIB_CLIENT_NAME };
	struct ctl_hello_reply hr;
	struct ctl_result res;
	struct ctl_hdr hdr;
	unsigned int nfds;
	enum ctl_err e;
	uint32_t their;
	int n, fd;

	if ((n = ctl_hello_encode(lib_conn_reqid(c), &h, c->buf,
	    sizeof(c->buf))) < 0)
		return lib_err(c->err, -EINVAL, "cannot encode HELLO");
	if ((n = lib_conn_send(c, (size_t)n, -1)) < 0)
		return n;
	if ((n = lib_conn_rx(c, LIB_TIMEOUT_MS, &fd, &nfds)) < 0)
		return n;
	if (fd >= 0)
		(void)close(fd);
	e = ctl_msg_check(c->buf, (size_t)n, nfds, &hdr);
	if (e == CTL_E_VERSION && hdr.type == CTL_MSG_HELLO_REPLY) {
		/* Frozen: the first payload field is the version. */
		their = hdr.len >= CTL_HDR_LEN + 4 ?
		    ctl_load_le32(c->buf + CTL_HDR_LEN) : hdr.version;
		c->dead = true;
		return lib_err(c->err, -EPROTO, "rdmad speaks control "
		    "protocol version %u, this library speaks %u",
		    (unsigned int)their, (unsigned int)CTL_PROTO_VERSION);
	}
	if (e != CTL_OK)
		return lib_conn_fail(c, -EPROTO, ctl_strerror(e));
	if (hdr.type == CTL_MSG_RESULT) {
		if (ctl_result_decode(c->buf + CTL_HDR_LEN,
		    hdr.len - CTL_HDR_LEN, &res) != CTL_OK || res.code == 0)
			return lib_conn_fail(c, -EPROTO, "bad HELLO answer");
		c->dead = true;
		return lib_conn_result(c, &res);
	}
	if (hdr.type != CTL_MSG_HELLO_REPLY || ctl_hello_reply_decode(
	    c->buf + CTL_HDR_LEN, hdr.len - CTL_HDR_LEN, &hr) != CTL_OK)
		return lib_conn_fail(c, -EPROTO, "bad HELLO_REPLY");
	if (hr.version != CTL_PROTO_VERSION) {
		c->dead = true;
		return lib_err(c->err, -EPROTO, "rdmad speaks control "
		    "protocol version %u, this library speaks %u",
		    (unsigned int)hr.version, (unsigned int)CTL_PROTO_VERSION);
	}
	memcpy(daemon_version, hr.daemon_version, CTL_NAME_LEN);
	return 0;
}

/* Connect to the daemon's socket and say HELLO. */
int
lib_conn_open(struct lib_conn *c, const char *path, char *daemon_version)
{
	struct timeval tv = { LIB_TIMEOUT_MS / 1000, 0 };
	struct sockaddr_un sun;
	int r;

	c->fd = -1;
	c->next_reqid = 1;
	c->dead = false;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return lib_err(c->err, -ENAMETOOLONG,
		    "socket path too long: %s", path);
	memcpy(sun.sun_path, path, strlen(path));
	if ((c->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0)
		return lib_err(c->err, -errno, "socket: %s",
		    rdmad_strerror(-errno));
	(void)setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		r = -errno;
		(void)close(c->fd);
		c->fd = -1;
		return lib_err(c->err, r, "cannot connect to rdmad at %s: %s",
		    path, rdmad_strerror(r));
	}
	if ((r = lib_conn_hello(c, daemon_version)) < 0) {
		(void)close(c->fd);
		c->fd = -1;
		return r;
	}
	return 0;
}

void
lib_conn_close(struct lib_conn *c)
{
	if (c->fd >= 0)
		(void)close(c->fd);
	c->fd = -1;
	c->dead = true;
}
