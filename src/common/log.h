/* log.h — daemon logging: stderr or syslog, levels and debug tokens. */
#ifndef RDMAD_COMMON_LOG_H
#define RDMAD_COMMON_LOG_H

/*
 * After OpenBGPD's log.c and lldpd's token filter.  Every call takes a
 * subsystem token first ("ctl", "cfg", ...; NULL for none).  Messages of
 * level LOG_DEBUG print only when the debug level is on globally (-d) or
 * their token was enabled (-D token).  All functions save and restore
 * errno.  Daemon-only: codecs and the library never log.
 */

#include <stdarg.h>
#include <stdbool.h>

/* The known subsystem tokens; -D and log.debug accept these only. */
#define LOG_TOKENS	"rx", "tx", "ctl", "shm", "cfg", "eng", "tp"

/* Level thresholds; the values are syslog's. */
#define LOG_LVL_WARNING	4
#define LOG_LVL_INFO	6
#define LOG_LVL_DEBUG	7

/* Start logging as `ident`: to stderr when !use_syslog, else syslog. */
void	log_init(const char *ident, bool use_syslog);
/* Messages above `level` (LOG_LVL_*) are dropped, unless debug tokens. */
void	log_set_level(int level);
int	log_get_level(void);
/* Enable debug messages of one token; -1 if the token is unknown. */
int	log_enable_token(const char *token);
/* Disable every token. */
void	log_clear_tokens(void);
/* Is `token` a known token? */
bool	log_token_valid(const char *token);

void	log_warn(const char *token, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_warnx(const char *token, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_info(const char *token, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_debug(const char *token, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Log at `level` (LOG_LVL_*), no errno text. */
void	log_msg(int level, const char *token, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	log_vmsg(int level, const char *token, const char *fmt, va_list ap)
	    __attribute__((format(printf, 3, 0)));
/* Log with strerror(errno) appended, then exit(1). */
void	fatal(const char *token, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
/* Log, then exit(1). */
void	fatalx(const char *token, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

#endif /* RDMAD_COMMON_LOG_H */
