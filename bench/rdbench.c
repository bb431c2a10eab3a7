/* rdbench.c — the rdbench program: a thin main around rdbench_main(). */
#include "rdbench.h"

int
main(int argc, char **argv)
{
	return rdbench_main(argc, argv);
}
