/* tutil.c — CUnit runner wrapper and hex loader shared by unit tests. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>

#include <CUnit/Basic.h>

#include "tutil.h"

int
tutil_run(const char *suite, const struct tutil_case *cases)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite(suite, NULL, NULL);
	if (s == NULL)
		goto fail;
	for (; cases->name != NULL; cases++)
		if (CU_add_test(s, cases->name, cases->fn) == NULL)
			goto fail;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS)
		goto fail;
	failed = CU_get_number_of_failures() +
	    CU_get_number_of_tests_failed();
	if (CU_get_number_of_asserts() == 0) {
		fprintf(stderr, "%s: no assertion ran\n", suite);
		failed++;
	}
	CU_cleanup_registry();
	return failed ? 1 : 0;
fail:
	fprintf(stderr, "%s: CUnit error: %s\n", suite, CU_get_error_msg());
	CU_cleanup_registry();
	return 2;
}

/* Value of one hex digit, or -1. */
static int
tutil_nibble(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

long
tutil_hex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1, v;

	for (; *hex; hex++) {
		if (*hex == '#') {
			while (*hex && *hex != '\n')
				hex++;
			if (!*hex)
				break;
			continue;
		}
		if (isspace((unsigned char)*hex) || *hex == ':')
			continue;
		if ((v = tutil_nibble((unsigned char)*hex)) < 0)
			return -1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n >= cap)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? (long)n : -1;
}
