/* xmalloc.c — allocators that end the daemon on failure (tmux xmalloc). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/xmalloc.h"

void *
xmalloc(size_t size)
{
	void *p;

	if (size == 0)
		fatalx(NULL, "xmalloc: zero size");
	if ((p = malloc(size)) == NULL)
		fatal(NULL, "xmalloc: allocating %zu bytes", size);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		fatalx(NULL, "xcalloc: zero size");
	if ((p = calloc(nmemb, size)) == NULL)
		fatal(NULL, "xcalloc: allocating %zu * %zu bytes", nmemb,
		    size);
	return p;
}

/* realloc with an overflow check on nmemb * size. */
void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		fatalx(NULL, "xreallocarray: zero size");
	if (nmemb > SIZE_MAX / size)
		fatalx(NULL, "xreallocarray: %zu * %zu overflows", nmemb,
		    size);
	if ((p = realloc(ptr, nmemb * size)) == NULL)
		fatal(NULL, "xreallocarray: allocating %zu * %zu bytes",
		    nmemb, size);
	return p;
}

char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		fatal(NULL, "xstrdup");
	return p;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(ret, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal(NULL, "xasprintf");
	return n;
}
