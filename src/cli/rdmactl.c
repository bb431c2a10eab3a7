/* rdmactl.c — the rdmad command-line tool: options and subcommands. */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rdmad/rdmad.h>

#include "bench/rdbench.h"
#include "cli/cli.h"
#include "wire/ctlmsg.h"

#ifndef RDMAD_RUNSTATEDIR
#define RDMAD_RUNSTATEDIR	"/run"
#endif
#define CLI_DEFAULT_SOCKET	RDMAD_RUNSTATEDIR "/rdmad/rdmad.sock"

void
cli_err(const char *fmt, ...)
{
	va_list ap;

	fputs("rdmactl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
cli_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: rdmactl [-hjv] [-S socket] command [arguments]\n"
	    "  -S socket  rdmad's control socket (default $RDMAD_SOCKET, "
	    "else %s)\n"
	    "  -j         JSON output (--json)\n"
	    "  -v         print the version and exit\n"
	    "  -h         this help\n"
	    "commands:\n"
	    "  status                 version, uptime, transports, counts\n"
	    "  peers (assoc)          TCP peers, SCTP associations and their "
	    "paths\n"
	    "  qps                    queue pairs: state, transport, peer, "
	    "counters\n"
	    "  mrs                    memory regions and windows\n"
	    "  clients                connected applications\n"
	    "  stats                  counters per transport, Terminates\n"
	    "  config check FILE      check a configuration file\n"
	    "  ping [-c n] [-i s] [-s size] HOST[:PORT]\n"
	    "                         RDMA round trips to `rdmactl echo` at "
	    "HOST\n"
	    "  echo [-n conns] [-p port]\n"
	    "                         the echo service of ping (port %u)\n"
	    "  bench [OPTIONS]        rdbench benchmarks (rdmactl bench --help)\n"
	    "exit status: 0 ok, 1 failed, 2 usage, 3 cannot reach rdmad\n",
	    CLI_DEFAULT_SOCKET, CLI_PING_PORT);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_opts o;
	const char *cmd, *env;
	uint32_t q;
	int ch;

	memset(&o, 0, sizeof(o));
	/* '+': options after the command belong to it. */
	while ((ch = getopt_long(argc, argv, "+hjS:v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			cli_usage(stdout);
			return CLI_EXIT_OK;
		case 'j':
			o.json = true;
			break;
		case 'S':
			o.socket = optarg;
			break;
		case 'v':
			printf("rdmactl %s (control protocol %u, admin %u)\n",
			    PACKAGE_VERSION, CTL_PROTO_VERSION, CTLA_VERSION);
			return CLI_EXIT_OK;
		default:
			cli_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (o.socket == NULL && (env = getenv(RDMAD_ENV_SOCKET)) != NULL &&
	    *env != '\0')
		o.socket = env;
	if (o.socket == NULL)
		o.socket = CLI_DEFAULT_SOCKET;
	if (optind >= argc) {
		cli_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	cmd = argv[optind];
	if (strcmp(cmd, "assoc") == 0)
		cmd = "peers";
	argc -= optind;
	argv += optind;
	if ((q = ctla_query_lookup(cmd)) != 0) {
		if (argc != 1) {
			cli_err("%s takes no arguments", cmd);
			return CLI_EXIT_USAGE;
		}
		return cli_show(&o, q);
	}
	if (strcmp(cmd, "config") == 0)
		return cli_config(&o, argc, argv);
	if (strcmp(cmd, "ping") == 0)
		return cli_ping(&o, argc, argv);
	if (strcmp(cmd, "echo") == 0)
		return cli_echo(&o, argc, argv);
	if (strcmp(cmd, "bench") == 0) {
		/* bench/rdbench_core.c; the resolved socket reaches it
		 * through the library's RDMAD_SOCKET unless -S is given. */
		if (o.socket != NULL && setenv("RDMAD_SOCKET", o.socket, 1) != 0)
			return CLI_EXIT_FAIL;
		return rdbench_main(argc, argv);
	}
	cli_err("unknown command \"%s\" (rdmactl -h lists them)", cmd);
	return CLI_EXIT_USAGE;
}
