/* tutil.h — shared helpers for the CUnit test programs. */
#ifndef RDMAD_TESTS_TUTIL_H
#define RDMAD_TESTS_TUTIL_H

#include <stddef.h>
#include <stdint.h>

#include <CUnit/CUnit.h>

/* One test case: a name and its function. */
struct tutil_case {
	const char	*name;
	void		(*fn)(void);
};

/*
 * Run one suite of cases with the CUnit basic runner (verbose, so the
 * summary prints) and return the process exit status: 0 when every
 * assertion passed, 1 otherwise.  `cases` ends with a {NULL, NULL} row.
 */
int	tutil_run(const char *suite, const struct tutil_case *cases);

/*
 * Parse a hex dump ("4d 50 41", "4d5041", newlines and '#' comments to end
 * of line allowed) into out.  Returns the octet count, or -1 on a bad
 * digit or when more than cap octets would be written.
 */
long	tutil_hex(const char *hex, uint8_t *out, size_t cap);

#endif /* RDMAD_TESTS_TUTIL_H */
