/* log.c — daemon logging: stderr or syslog, levels and debug tokens. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "common/log.h"

static const char *const log_tokens[] = { LOG_TOKENS };
#define LOG_NTOKENS	(sizeof(log_tokens) / sizeof(log_tokens[0]))

static bool	 log_syslog;
static int	 log_level = LOG_LVL_INFO;
static bool	 log_token_on[LOG_NTOKENS];
static bool	 log_any_token;

/* Start logging to stderr or syslog. */
void
log_init(const char *ident, bool use_syslog)
{
	log_syslog = use_syslog;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	tzset();
}

void
log_set_level(int level)
{
	log_level = level;
}

int
log_get_level(void)
{
	return log_level;
}

/* Index of a token, or -1. */
static int
log_token_index(const char *token)
{
	size_t i;

	for (i = 0; i < LOG_NTOKENS; i++)
		if (strcmp(log_tokens[i], token) == 0)
			return (int)i;
	return -1;
}

bool
log_token_valid(const char *token)
{
	return log_token_index(token) >= 0;
}

int
log_enable_token(const char *token)
{
	int i = log_token_index(token);

	if (i < 0)
		return -1;
	log_token_on[i] = true;
	log_any_token = true;
	return 0;
}

void
log_clear_tokens(void)
{
	memset(log_token_on, 0, sizeof(log_token_on));
	log_any_token = false;
}

/* Would a message of this level and token be printed? */
static bool
log_wanted(int level, const char *token)
{
	int i;

	if (level <= log_level)
		return true;
	if (level != LOG_LVL_DEBUG || !log_any_token || token == NULL)
		return false;
	i = log_token_index(token);
	return i >= 0 && log_token_on[i];
}

/* Emit one line; `err` is an errno to append, or 0. */
static void log_emit(int, const char *, int, const char *, va_list)
    __attribute__((format(printf, 4, 0)));
static void
log_emit(int level, const char *token, int err, const char *fmt,
    va_list ap)
{
	char msg[1024];
	int n;

	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		msg[0] = '\0';
	if (err != 0) {
		size_t used = strlen(msg);

		snprintf(msg + used, sizeof(msg) - used, ": %s",
		    strerror(err));
	}
	if (log_syslog) {
		if (token != NULL)
			syslog(level, "[%s] %s", token, msg);
		else
			syslog(level, "%s", msg);
	} else {
		if (token != NULL)
			fprintf(stderr, "rdmad: [%s] %s\n", token, msg);
		else
			fprintf(stderr, "rdmad: %s\n", msg);
		fflush(stderr);
	}
}

void
log_vmsg(int level, const char *token, const char *fmt, va_list ap)
{
	int saved = errno;

	if (log_wanted(level, token))
		log_emit(level, token, 0, fmt, ap);
	errno = saved;
}

void
log_msg(int level, const char *token, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, token, fmt, ap);
	va_end(ap);
}

/* Warning with strerror(errno) appended. */
void
log_warn(const char *token, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (log_wanted(LOG_LVL_WARNING, token)) {
		va_start(ap, fmt);
		log_emit(LOG_LVL_WARNING, token, saved, fmt, ap);
		va_end(ap);
	}
	errno = saved;
}

void
log_warnx(const char *token, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_WARNING, token, fmt, ap);
	va_end(ap);
}

void
log_info(const char *token, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_INFO, token, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *token, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_DEBUG, token, fmt, ap);
	va_end(ap);
}

/* Fatal error with errno text: startup failures and broken invariants. */
void
fatal(const char *token, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, token, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *token, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, token, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
