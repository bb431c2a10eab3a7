/* rdbench.h — the rdmad benchmark (client and server), callable as a library. */
#ifndef RDMAD_RDBENCH_H
#define RDMAD_RDBENCH_H

/*
 * rdbench measures what an application sees through librdmad and two
 * rdmad daemons: RDMA Write, RDMA Read and Send/Receive bandwidth over a
 * range of message sizes, the round-trip time of small Sends, the rate
 * of QP set-up (connect + accept + disconnect), and it can hold many idle
 * QPs and registered regions open so that their cost can be measured.
 * It uses only the public API (<rdmad/rdmad.h>).
 *
 * rdbench_main() takes the command line of the rdbench program (argv[0]
 * is only used in messages; "rdbench --help" lists the options), prints
 * its results on stdout (a table, or CSV lines with --csv) and returns
 * the process exit status: 0 on success, 1 when a measurement or an
 * integrity check failed, 2 for a usage or set-up error.  It may be
 * called more than once in a process, from one thread at a time; it
 * resets getopt (optind) itself.  In server mode it returns on SIGINT
 * or SIGTERM (it installs handlers for them and restores the old ones).
 */
int	rdbench_main(int argc, char **argv);

#endif /* RDMAD_RDBENCH_H */
