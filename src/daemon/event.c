/* event.c — the daemon's one event_base and its signal events. */
#include "config.h"

#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "common/log.h"
#include "daemon/rdmad.h"
#include "engine/engine.h"

/*
 * Signals are libevent evsignal events: no work runs in a raw handler
 * (tmux proc_set_signals).  SIGPIPE is ignored; sends use MSG_NOSIGNAL
 * anyway.
 */

static struct event_base	*ev_base;
static struct event		*ev_sigterm, *ev_sigint, *ev_sighup;

/* SIGTERM, SIGINT: shutdown; SIGHUP: reload. */
static void
ev_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	switch (sig) {
	case SIGHUP:
		log_info(NULL, "SIGHUP: reloading the configuration");
		rdmad_reload();
		break;
	case SIGTERM:
	case SIGINT:
		log_info(NULL, "%s: shutting down",
		    sig == SIGTERM ? "SIGTERM" : "SIGINT");
		rdmad_shutdown();
		break;
	}
}

/* Add one signal event, or die: start-up only. */
static struct event *
ev_add_signal(int sig)
{
	struct event *ev;

	if ((ev = evsignal_new(ev_base, sig, ev_signal_cb, NULL)) == NULL ||
	    evsignal_add(ev, NULL) == -1)
		fatalx(NULL, "cannot watch signal %d", sig);
	return ev;
}

/* Create the base and the signal events. */
struct event_base *
ev_init(void)
{
	struct sigaction sa;

	if ((ev_base = event_base_new()) == NULL)
		fatalx(NULL, "event_base_new failed");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGPIPE, &sa, NULL) == -1)
		fatal(NULL, "sigaction SIGPIPE");
	ev_sigterm = ev_add_signal(SIGTERM);
	ev_sigint = ev_add_signal(SIGINT);
	ev_sighup = ev_add_signal(SIGHUP);
	log_debug(NULL, "libevent %s, method %s", event_get_version(),
	    event_base_get_method(ev_base));
	return ev_base;
}

/* Monotonic microseconds. */
static uint64_t
ev_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/*
 * Run until ev_exit(); 0 on a clean exit.  Adaptive polling: once the
 * engine did data path work, the loop keeps polling (epoll_wait with a
 * zero timeout) for limits.poll_us microseconds after the last work
 * before it sleeps again, so that a reply arriving soon is taken without
 * a wake-up; it yields the CPU between polls, so that a peer process
 * that wants it runs.  0 (the default) never polls: it pays only with a
 * free core per polling daemon (BENCHMARKS.md).
 */
int
ev_loop(void)
{
	uint64_t seen = 0, work, last = 0;
	uint32_t spin;
	int r;

	for (;;) {
		spin = rdmad.conf->limits.poll_us;
		if (spin > 0 && ev_now_us() - last < spin) {
			r = event_base_loop(ev_base, EVLOOP_NONBLOCK);
			/* Poll without holding a CPU someone else wants. */
			sched_yield();
		} else
			r = event_base_loop(ev_base, EVLOOP_ONCE);
		if (r == -1)
			return -1;
		if (event_base_got_break(ev_base) ||
		    event_base_got_exit(ev_base))
			return 0;
		if (spin > 0 && (work = eng_work(rdmad.eng)) != seen) {
			seen = work;
			last = ev_now_us();
		}
	}
}

void
ev_exit(void)
{
	event_base_loopbreak(ev_base);
}

/*
 * Keep the loop running while busy() says so, at most ms milliseconds
 * (shutdown: streams finish their graceful close), in 50 ms slices.
 */
void
ev_drain(bool (*busy)(void), int ms)
{
	struct timeval slice = { 0, 50000 };
	int left;

	for (left = ms; left > 0 && busy(); left -= 50) {
		if (event_base_loopexit(ev_base, &slice) == -1 ||
		    event_base_dispatch(ev_base) == -1)
			break;
	}
}

/* Free the signal events and the base. */
void
ev_free(void)
{
	if (ev_sigterm != NULL)
		event_free(ev_sigterm);
	if (ev_sigint != NULL)
		event_free(ev_sigint);
	if (ev_sighup != NULL)
		event_free(ev_sighup);
	ev_sigterm = ev_sigint = ev_sighup = NULL;
	if (ev_base != NULL)
		event_base_free(ev_base);
	ev_base = NULL;
}
