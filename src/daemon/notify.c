/* notify.c — systemd Type=notify over $NOTIFY_SOCKET, without libsystemd. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/rdmad.h"

/*
 * sd_notify(3) protocol: one datagram of "KEY=value\n" lines to the
 * AF_UNIX socket named by $NOTIFY_SOCKET; a leading '@' means the
 * abstract namespace (the '@' becomes a NUL).  Best-effort: a failure is
 * logged and otherwise ignored.
 */
int
notify_send(const char *fmt, ...)
{
	struct sockaddr_un sun;
	const char *path;
	char msg[512];
	socklen_t slen;
	size_t plen;
	va_list ap;
	int fd, saved;

	if ((path = getenv("NOTIFY_SOCKET")) == NULL || *path == '\0')
		return 0;
	plen = strlen(path);
	if ((path[0] != '/' && path[0] != '@') ||
	    plen >= sizeof(sun.sun_path)) {
		log_warnx(NULL, "NOTIFY_SOCKET \"%s\" is not usable", path);
		return -1;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, plen);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen +
	    (path[0] == '@' ? 0 : 1));

	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn(NULL, "notify: socket");
		return -1;
	}
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, slen) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		log_warn(NULL, "notify: sendto %s", path);
		return -1;
	}
	close(fd);
	return 0;
}
