/* errors.c — error texts and the last-error buffers of librdmad. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib.h"

/* Last rdmad_open() failure per thread: there is no context to hold it. */
static _Thread_local char lib_open_errbuf[LIB_ERR_LEN];

/*
 * Our own texts, so that rdmad_strerror() returns static strings and is
 * thread-safe (strerror() need not be).  Only codes the library or the
 * daemon can return are listed.
 */
static const struct {
	int		 code;
	const char	*text;
} lib_errtab[] = {
	{ 0, "success" },
	{ EPERM, "operation not permitted" },
	{ ENOENT, "no such object, or no daemon socket at that path" },
	{ EINTR, "interrupted" },
	{ EIO, "input/output error" },
	{ EBADF, "bad descriptor or object id" },
	{ EAGAIN, "nothing available now" },
	{ ENOMEM, "out of memory, or queue full" },
	{ EACCES, "permission denied" },
	{ EFAULT, "address range not inside shared memory of the context" },
	{ EBUSY, "object still in use" },
	{ EEXIST, "object exists" },
	{ EINVAL, "invalid argument" },
	{ EMFILE, "too many open files" },
	{ ENOSPC, "daemon limit reached" },
	{ EPIPE, "connection to rdmad broken" },
	{ ERANGE, "value out of range" },
	{ ENAMETOOLONG, "socket path too long" },
	{ ENOSYS, "not implemented" },
	{ EOVERFLOW, "completion queue overflowed" },
	{ EPROTO, "protocol error (version mismatch or bad message)" },
	{ EMSGSIZE, "message too long" },
	{ EOPNOTSUPP, "operation not supported" },
	{ EADDRINUSE, "port already has a listener" },
	{ ENETUNREACH, "network unreachable" },
	{ ECONNABORTED, "connection aborted" },
	{ ECONNRESET, "connection reset by peer" },
	{ EISCONN, "QP already connected or tried" },
	{ ENOTCONN, "not connected" },
	{ ETIMEDOUT, "timed out" },
	{ ECONNREFUSED, "connection refused (rejected, or no daemon)" },
	{ EHOSTUNREACH, "host unreachable" },
	{ EALREADY, "operation already in progress" },
	{ EPROTONOSUPPORT, "protocol not supported here or by the peer" },
	{ ENETDOWN, "network is down" },
	{ EHOSTDOWN, "host is down" },
};

/* Text of 0 or a negative errno value. */
const char *
rdmad_strerror(int err)
{
	size_t i;
	int code = err < 0 ? -err : err;

	for (i = 0; i < sizeof(lib_errtab) / sizeof(lib_errtab[0]); i++)
		if (lib_errtab[i].code == code)
			return lib_errtab[i].text;
	return "unknown error";
}

/* Format a detailed message into err (when given) and return code. */
int
lib_err(char *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		va_start(ap, fmt);
		(void)vsnprintf(err, LIB_ERR_LEN, fmt, ap);
		va_end(ap);
	}
	return code;
}

char *
lib_open_err(void)
{
	return lib_open_errbuf;
}

/* The context's last error, or this thread's open error. */
const char *
rdmad_last_error(const rdmad_ctx_t *ctx)
{
	if (ctx == NULL)
		return lib_open_errbuf;
	return ctx->err;
}

const char *
rdmad_daemon_version(const rdmad_ctx_t *ctx)
{
	return ctx->daemon_version;
}
