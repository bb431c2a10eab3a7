/* main.c — rdmad entry point; everything else lives in libdaemon.la. */
#include "config.h"

#include "daemon/rdmad.h"

int
main(int argc, char *argv[])
{
	return rdmad_main(argc, argv);
}
