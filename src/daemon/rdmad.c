/* rdmad.c — start-up, options, configuration reload and shutdown. */
#include "config.h"

#include <sys/resource.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "daemon/rdmad.h"
#include "daemon/session.h"

#ifndef RDMAD_SYSCONFDIR
#define RDMAD_SYSCONFDIR	"/etc"
#endif
#define RDMAD_DEFAULT_CONF	RDMAD_SYSCONFDIR "/rdmad.conf"

struct rdmad rdmad;

/* Command-line logging choices; they win over the configuration. */
static struct {
	bool	 debug;			/* -d */
	char	*tokens[16];		/* -D */
	size_t	 ntokens;
} rdmad_opts;

static void __attribute__((noreturn))
rdmad_usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: rdmad [-dhnsv] [-D token] [-f file] [-S socket]\n"
	    "  -d         debug messages of every subsystem\n"
	    "  -D token   debug messages of one subsystem: rx, tx, ctl, shm,"
	    " cfg, eng, tp\n"
	    "  -f file    configuration file (default %s)\n"
	    "  -n         check the configuration, print it normalized, exit\n"
	    "  -S socket  control socket (overrides $RDMAD_SOCKET and "
	    "control.socket)\n"
	    "  -s         log to syslog instead of stderr\n"
	    "  -v         print the version and exit\n"
	    "  -h         this help\n", RDMAD_DEFAULT_CONF);
	exit(status);
}

/* Log level and tokens from the configuration, then the command line. */
static void
rdmad_apply_logging(const struct rdmad_config *conf)
{
	size_t i;

	log_set_level(rdmad_opts.debug ? LOG_LVL_DEBUG : conf->log.level);
	log_clear_tokens();
	for (i = 0; i < conf->log.ndebug; i++)
		log_enable_token(conf->log.debug[i]);
	for (i = 0; i < rdmad_opts.ntokens; i++)
		log_enable_token(rdmad_opts.tokens[i]);
}

/*
 * Load the configuration.  A missing default file means defaults; a file
 * named with -f must exist.
 */
static int
rdmad_load(const char *path, bool explicit, struct rdmad_config **conf,
    char **cause)
{
	if (!explicit && access(path, F_OK) == -1 && errno == ENOENT) {
		*cause = NULL;
		*conf = cfg_defaults();
		log_info("cfg", "%s not found: using the defaults", path);
		return 0;
	}
	return cfg_load(path, conf, cause);
}

/* Strings equal, NULL included. */
static bool
rdmad_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Swap two values of the same type. */
#define RDMAD_SWAP(a, b) do {						\
	__typeof__(a) rdmad_tmp_ = (a);					\
	(a) = (b);							\
	(b) = rdmad_tmp_;						\
} while (0)

/* Do two sctp groups hold the same numbers (addresses aside)? */
static bool
rdmad_sctp_same(const struct cfg_sctp *a, const struct cfg_sctp *b)
{
	struct cfg_sctp x, y;

	/* memcpy keeps the (calloc'd, zero) padding for memcmp. */
	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	memset(x.addresses, 0, sizeof(x.addresses));
	memset(y.addresses, 0, sizeof(y.addresses));
	return memcmp(&x, &y, sizeof(x)) == 0;
}

/*
 * Keep the settings of `old` that cannot change without a restart in
 * `new`, logging each one that differed.
 */
static void
rdmad_keep_restart_only(struct rdmad_config *new, struct rdmad_config *old)
{
	bool differ;
	size_t i;

	differ = new->nlisten != old->nlisten;
	for (i = 0; !differ && i < new->nlisten; i++)
		differ = strcmp(new->listen[i], old->listen[i]) != 0;
	if (differ)
		log_warnx("cfg", "listen: a change needs a restart");
	for (i = 0; i < CFG_MAX_LISTEN; i++)
		RDMAD_SWAP(new->listen[i], old->listen[i]);
	RDMAD_SWAP(new->nlisten, old->nlisten);
	if (new->transport != old->transport)
		log_warnx("cfg", "transport: a change needs a restart");
	new->transport = old->transport;
	differ = !rdmad_sctp_same(&new->sctp, &old->sctp);
	for (i = 0; !differ && i < new->sctp.naddresses; i++)
		differ = strcmp(new->sctp.addresses[i],
		    old->sctp.addresses[i]) != 0;
	if (differ)
		log_warnx("cfg", "sctp: a change needs a restart");
	RDMAD_SWAP(new->sctp, old->sctp);
	if (memcmp(&new->mpa, &old->mpa, sizeof(new->mpa)) != 0)
		log_warnx("cfg", "mpa: a change needs a restart");
	new->mpa = old->mpa;
	if (strcmp(new->control.socket, old->control.socket) != 0)
		log_warnx("cfg", "control.socket: a change needs a restart");
	RDMAD_SWAP(new->control.socket, old->control.socket);
	if (new->control.mode != old->control.mode)
		log_warnx("cfg", "control.mode: a change needs a restart");
	new->control.mode = old->control.mode;
	if (!rdmad_streq(new->control.group, old->control.group))
		log_warnx("cfg", "control.group: a change needs a restart");
	RDMAD_SWAP(new->control.group, old->control.group);
	if (new->limits.max_stags != old->limits.max_stags)
		log_warnx("cfg", "limits.max_stags: a change needs a restart");
	new->limits.max_stags = old->limits.max_stags;
}

/* SIGHUP: parse, validate, swap in what may change (GUIDE §5). */
void
rdmad_reload(void)
{
	struct rdmad_config *conf;
	char *cause;

	notify_send("RELOADING=1\nSTATUS=reloading %s", rdmad.conf_path);
	if (rdmad_load(rdmad.conf_path, true, &conf, &cause) == -1) {
		log_warnx("cfg", "reload: %s; keeping the running "
		    "configuration", cause);
		free(cause);
		notify_send("READY=1\nSTATUS=reload failed, running with the "
		    "previous configuration");
		return;
	}
	rdmad_keep_restart_only(conf, rdmad.conf);
	if (memcmp(&conf->limits, &rdmad.conf->limits,
	    sizeof(conf->limits)) != 0)
		log_info("cfg", "limits: the daemon applies the new values to "
		    "new objects; the engine keeps its start-up copy");
	cfg_free(rdmad.conf);
	rdmad.conf = conf;
	rdmad_apply_logging(conf);
	log_info("cfg", "reloaded %s: limits apply to new objects",
	    rdmad.conf_path);
	notify_send("READY=1\nSTATUS=serving %u clients",
	    ctl_srv_nclients());
}

/* SIGTERM/SIGINT: leave the loop; rdmad_main() cleans up. */
void
rdmad_shutdown(void)
{
	rdmad.stopping = true;
	notify_send("STOPPING=1");
	ev_exit();
}

/*
 * Raise the soft open-file limit to the hard one: every QP holds a
 * descriptor of the daemon (its doorbell eventfd) and a TCP/MPA QP a
 * second one (its socket), so the usual soft limit of 1024 would cap a
 * daemon at a few hundred QPs.
 */
static void
rdmad_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			log_warn(NULL, "raising the open-file limit");
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		log_info(NULL, "open files: at most %llu (one per QP, two "
		    "per TCP/MPA QP)", (unsigned long long)rl.rlim_cur);
}

/* The daemon: options, configuration, socket, loop (GUIDE §4). */
int
rdmad_main(int argc, char *argv[])
{
	struct rdmad_config *conf;
	const char *path = RDMAD_DEFAULT_CONF;
	const char *sock;
	bool explicit = false, check = false, use_syslog = false;
	char *cause;
	int ch;

	while ((ch = getopt(argc, argv, "dD:f:hnS:sv")) != -1) {
		switch (ch) {
		case 'd':
			rdmad_opts.debug = true;
			break;
		case 'D':
			if (!log_token_valid(optarg)) {
				fprintf(stderr, "rdmad: -D %s: unknown token "
				    "(rx, tx, ctl, shm, cfg, eng, tp)\n",
				    optarg);
				return 1;
			}
			if (rdmad_opts.ntokens < 16)
				rdmad_opts.tokens[rdmad_opts.ntokens++] =
				    optarg;
			break;
		case 'f':
			path = optarg;
			explicit = true;
			break;
		case 'h':
			rdmad_usage(0);
		case 'n':
			check = true;
			break;
		case 'S':
			rdmad.sock_override = optarg;
			break;
		case 's':
			use_syslog = true;
			break;
		case 'v':
			printf("rdmad %s (control protocol %u)\n",
			    PACKAGE_VERSION, CTL_PROTO_VERSION);
			return 0;
		default:
			rdmad_usage(1);
		}
	}
	if (optind != argc)
		rdmad_usage(1);
	log_init("rdmad", use_syslog);
	rdmad.conf_path = path;

	if (rdmad_load(path, explicit, &conf, &cause) == -1) {
		log_warnx(NULL, "%s", cause);
		free(cause);
		return 1;
	}
	if (check) {
		cfg_print(stdout, conf);
		cfg_free(conf);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	rdmad.conf = conf;
	rdmad_apply_logging(conf);
	/* -S, then $RDMAD_SOCKET (as clients read it), then the config. */
	sock = rdmad.sock_override;
	if (sock == NULL && (sock = getenv("RDMAD_SOCKET")) != NULL &&
	    *sock == '\0')
		sock = NULL;
	if (sock == NULL)
		sock = conf->control.socket;

	rdmad.sock_path = sock;
	rdmad_raise_nofile();
	admin_init();
	rdmad.base = ev_init();
	if (verbs_init(&cause) == -1 || conn_init(&cause) == -1)
		fatalx(NULL, "%s", cause);
	if (ctl_srv_open(sock, conf->control.mode, conf->control.group,
	    &cause) == -1)
		fatalx("ctl", "%s", cause);
	log_info(NULL, "rdmad %s started (pid %ld)", PACKAGE_VERSION,
	    (long)getpid());
	notify_send("READY=1\nSTATUS=listening on %s\nMAINPID=%ld", sock,
	    (long)getpid());

	if (ev_loop() == -1)
		log_warnx(NULL, "event loop failed");

	/* Clean shutdown: clients (and their QPs) first, then the rest;
	 * the QPs' streams get RDMAD_DRAIN_MS to close gracefully (a
	 * queued Terminate, then FIN), then what is left is reset. */
	ctl_srv_close();
	ev_drain(conn_closing, RDMAD_DRAIN_MS);
	conn_shutdown();
	verbs_shutdown();
	ev_free();
	cfg_free(rdmad.conf);
	rdmad.conf = NULL;
	log_info(NULL, "exiting");
	return 0;
}
