/* tutil.h — shared helpers for the CUnit test programs. */
#ifndef RDMAD_TESTS_TUTIL_H
#define RDMAD_TESTS_TUTIL_H

#include <stddef.h>
#include <stdint.h>

#include <CUnit/CUnit.h>

#include "wire/term.h"

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

/* Assert err == want and that want maps to the Terminate triple (l, t, c). */
static inline void
tutil_expect_err(enum wire_err err, enum wire_err want, int l, int t, int c)
{
	struct term_triple tr;

	CU_ASSERT_EQUAL(err, want);
	CU_ASSERT_EQUAL(term_triple_of(want, &tr), 0);
	CU_ASSERT_EQUAL(tr.layer, l);
	CU_ASSERT_EQUAL(tr.etype, t);
	CU_ASSERT_EQUAL(tr.ecode, c);
}

/* tutil_hex() that asserts (fatally) a non-empty result; the length. */
static inline size_t
tutil_hex_ok(const char *hex, uint8_t *buf, size_t cap)
{
	long n = tutil_hex(hex, buf, cap);

	CU_ASSERT_FATAL(n > 0);
	return (size_t)n;
}

#endif /* RDMAD_TESTS_TUTIL_H */
