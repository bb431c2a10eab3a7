/* cli_config.c — rdmactl config check: the daemon's own parser, via rdmad -n. */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

#ifndef RDMAD_SBINDIR
#define RDMAD_SBINDIR	"/usr/sbin"
#endif

/*
 * `rdmactl config check FILE` runs `rdmad -n -f FILE` ($RDMAD names
 * another rdmad binary): the very parser and checks the daemon runs at
 * start-up and on SIGHUP, with the same "FILE:LINE: setting: reason"
 * errors, and without linking libconfig into rdmactl.
 */

/* Run rdmad -n -f file; its stderr into err.  Exit status, or -1. */
static int
cli_config_run(const char *rdmad, const char *file, char *err, size_t len)
{
	int p[2], st, dn;
	ssize_t n;
	size_t o = 0;
	pid_t pid;

	if (pipe(p) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		dn = open("/dev/null", O_WRONLY);
		if (dn != -1)
			dup2(dn, 1);
		dup2(p[1], 2);
		close(p[0]);
		execl(rdmad, "rdmad", "-n", "-f", file, (char *)NULL);
		fprintf(stderr, "rdmad: cannot run %s: %s\n", rdmad,
		    strerror(errno));
		_exit(127);
	}
	close(p[1]);
	while (o + 1 < len && (n = read(p[0], err + o, len - 1 - o)) > 0)
		o += (size_t)n;
	err[o] = '\0';
	close(p[0]);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int
cli_config(const struct cli_opts *o, int argc, char **argv)
{
	const char *rdmad = getenv("RDMAD");
	char err[4096], *msg, *nl;
	struct cli_json j;
	int st;

	if (argc != 3 || strcmp(argv[1], "check") != 0) {
		cli_err("usage: rdmactl config check FILE");
		return CLI_EXIT_USAGE;
	}
	if (rdmad == NULL || *rdmad == '\0')
		rdmad = RDMAD_SBINDIR "/rdmad";
	st = cli_config_run(rdmad, argv[2], err, sizeof(err));
	if (st == 127 || st == -1) {
		cli_err("cannot run %s to check the file (set RDMAD to the "
		    "rdmad binary)", rdmad);
		return CLI_EXIT_FAIL;
	}
	/* rdmad's messages start "rdmad: "; keep only the first line. */
	msg = strncmp(err, "rdmad: ", 7) == 0 ? err + 7 : err;
	if ((nl = strchr(msg, '\n')) != NULL)
		*nl = '\0';
	if (o->json) {
		cj_begin(&j, stdout);
		cj_open(&j, NULL, '{');
		cj_str(&j, "file", argv[2]);
		cj_bool(&j, "ok", st == 0);
		if (st == 0)
			cj_null(&j, "error");
		else
			cj_str(&j, "error", msg);
		cj_close(&j, '}');
		cj_end(&j);
	} else if (st == 0)
		printf("%s: configuration ok\n", argv[2]);
	if (st != 0) {
		if (!o->json)
			cli_err("%s", msg);
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}
