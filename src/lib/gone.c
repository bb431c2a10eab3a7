/* gone.c — librdmad: noticing on the data path that the daemon died. */
#include "config.h"

#include <sys/epoll.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <unistd.h>

#include "lib.h"

/*
 * The rings in shared memory keep working after the daemon is gone: no
 * completion ever comes and poll_cq() would return 0 for ever.  The
 * control connection tells: the kernel hangs it up when the daemon's
 * process ends (kill -9 included).  Two ways to see it:
 *
 *  - the data path checks the socket with poll(0) when a CQ is empty,
 *    at most every LIB_GONE_CHECK_MS (the clock is the vDSO's: no
 *    system call between checks), and always before arming a
 *    notification;
 *  - rdmad_cq_fd() is an epoll set of the CQ's eventfd and the control
 *    socket (hang-up only), so an application asleep on it wakes up.
 *
 * Once seen, ctx->gone stays set (atomically: any thread may set it)
 * and the data-path calls fail with -ENOTCONN.
 */

#define LIB_GONE_CHECK_MS	20

/* Has the daemon gone?  now: check the socket even if checked lately. */
bool
lib_gone(struct rdmad_ctx *ctx, bool now)
{
	struct pollfd p;
	int64_t t;

	if (__atomic_load_n(&ctx->gone, __ATOMIC_ACQUIRE))
		return true;
	if (!now) {
		t = lib_conn_now_ms();
		if (t < __atomic_load_n(&ctx->gone_next, __ATOMIC_RELAXED))
			return false;
		__atomic_store_n(&ctx->gone_next, t + LIB_GONE_CHECK_MS,
		    __ATOMIC_RELAXED);
	}
	p.fd = ctx->conn.fd;
	p.events = POLLRDHUP;
	p.revents = 0;
	if (p.fd < 0 || (poll(&p, 1, 0) == 1 &&
	    (p.revents & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL)) != 0)) {
		__atomic_store_n(&ctx->gone, 1, __ATOMIC_RELEASE);
		return true;
	}
	return false;
}

/* The CQ's pollable descriptor: its eventfd plus the socket's hang-up. */
int
lib_cq_pollfd(struct rdmad_ctx *ctx, int efd)
{
	struct epoll_event ev = { 0 };
	int pfd, e;

	if ((pfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return -errno;
	ev.events = EPOLLIN;
	ev.data.fd = efd;
	if (epoll_ctl(pfd, EPOLL_CTL_ADD, efd, &ev) < 0)
		goto fail;
	ev.events = EPOLLRDHUP;		/* EPOLLHUP and EPOLLERR: always */
	ev.data.fd = ctx->conn.fd;
	if (epoll_ctl(pfd, EPOLL_CTL_ADD, ctx->conn.fd, &ev) < 0)
		goto fail;
	return pfd;
fail:
	e = -errno;
	(void)close(pfd);
	return e;
}
