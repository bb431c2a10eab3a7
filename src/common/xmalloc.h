/* xmalloc.h — allocators that end the daemon on failure (tmux xmalloc). */
#ifndef RDMAD_COMMON_XMALLOC_H
#define RDMAD_COMMON_XMALLOC_H

#include <stddef.h>

/* Daemon-only: codecs and the library never abort. */
void	*xmalloc(size_t size);
void	*xcalloc(size_t nmemb, size_t size);
void	*xreallocarray(void *ptr, size_t nmemb, size_t size);
char	*xstrdup(const char *s);
int	 xasprintf(char **ret, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif /* RDMAD_COMMON_XMALLOC_H */
