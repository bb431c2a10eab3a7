/* mono.h — monotonic time in seconds, for test and benchmark programs. */
#ifndef RDMAD_TESTS_MONO_H
#define RDMAD_TESTS_MONO_H

#include <time.h>

/* Seconds on CLOCK_MONOTONIC, as a double. */
static inline double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif /* RDMAD_TESTS_MONO_H */
