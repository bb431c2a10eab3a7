/* test_mpa.c — placeholder. */
#include "config.h"
#include "tutil.h"
static void t_none(void) { CU_FAIL("not written yet"); }
int main(void) { static const struct tutil_case c[] = { { "none", t_none }, { NULL, NULL } }; return tutil_run("mpa", c); }
