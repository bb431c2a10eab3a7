/* tcp_listen.c — TCP/MPA transport: listening sockets and accept. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "transport/tcp.h"

/*
 * An application listening on port P makes the daemon listen on TCP port
 * P (on each configured address): the wire is plain iWARP, a peer's
 * connect(host, P) is a TCP connect to host:P, and the MPA Request that
 * follows is the application's (RFC 5044 §7.1.4.2, immediate start-up).
 * Every accepted socket becomes a Responder connection waiting for the
 * MPA Request under the start-up timeout.
 */

/* A listener is readable: accept what is waiting (bounded). */
static void
tcp_accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct tcp_listener *l = arg;
	struct tp *tp = l->tp;
	struct sockaddr_storage ss, local;
	socklen_t sl, ll;
	struct tp_conn *c;
	int fd, i;

	(void)what;
	for (i = 0; i < 16; i++) {
		sl = sizeof(ss);
		fd = accept4(lfd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (tcp_sockopts(fd) < 0 ||
		    (c = tcp_conn_new(tp, fd, false)) == NULL) {
			close(fd);
			continue;
		}
		memcpy(&c->peer, &ss, sizeof(ss));
		c->peer_len = sl;
		ll = sizeof(local);
		if (getsockname(fd, (struct sockaddr *)&local, &ll) == 0)
			c->service = local.ss_family == AF_INET6 ?
			    ntohs(((struct sockaddr_in6 *)&local)->sin6_port) :
			    ntohs(((struct sockaddr_in *)&local)->sin_port);
		c->state = TCP_S_REQ_WAIT;
		tcp_timer(c, tp->opts.timeout_ms);
		tcp_want_read(c, true);
	}
}

int
tcp_listen(struct tp *tp, const struct sockaddr *sa, socklen_t salen,
    char *cause, size_t causelen)
{
	struct tcp_listener *l;
	int fd, one = 1;

	if (salen > sizeof(l->sa)) {
		snprintf(cause, causelen, "bad address length");
		errno = EINVAL;
		return -1;
	}
	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0)
		goto fail;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (sa->sa_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one));
	if (bind(fd, sa, salen) < 0 || listen(fd, 128) < 0)
		goto fail;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		goto fail;
	l->tp = tp;
	l->fd = fd;
	memcpy(&l->sa, sa, salen);
	l->salen = salen;
	l->ev = event_new(tp->env.base, fd, EV_READ | EV_PERSIST,
	    tcp_accept_cb, l);
	if (l->ev == NULL || event_add(l->ev, NULL) < 0) {
		if (l->ev)
			event_free(l->ev);
		free(l);
		errno = ENOMEM;
		goto fail;
	}
	TAILQ_INSERT_TAIL(&tp->listeners, l, entry);
	return 0;
fail:
	snprintf(cause, causelen, "listen: %s", strerror(errno));
	if (fd >= 0) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return -1;
}

void
tcp_unlisten(struct tp *tp, const struct sockaddr *sa, socklen_t salen)
{
	struct tcp_listener *l;

	TAILQ_FOREACH(l, &tp->listeners, entry) {
		if (l->salen == salen && memcmp(&l->sa, sa, salen) == 0) {
			TAILQ_REMOVE(&tp->listeners, l, entry);
			event_free(l->ev);
			close(l->fd);
			free(l);
			return;
		}
	}
}
