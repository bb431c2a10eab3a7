/* test_config.c — rdmad.conf parsing, validation and normalized printing. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/rdmad.h"
#include "tutil.h"

/*
 * Runs inside tests/data/config (under $top_srcdir, else the current
 * directory), so that messages carry bare file names.  Every bad file is
 * checked against its exact message, file:line included.
 */

#ifndef RDMAD_RUNSTATEDIR
#error "RDMAD_RUNSTATEDIR must come from the build"
#endif

/* One bad file and the exact message cfg_load() must give. */
static const struct {
	const char	*file;
	const char	*msg;
} cfgt_bad[] = {
	{ "bad-syntax.conf", "bad-syntax.conf:3: syntax error" },
	{ "bad-duplicate.conf",
	    "bad-duplicate.conf:2: duplicate setting name" },
	{ "bad-unknown-root.conf",
	    "bad-unknown-root.conf:3: colour: unknown setting" },
	{ "bad-unknown-mpa.conf",
	    "bad-unknown-mpa.conf:3: mpa.crc32: unknown setting" },
	{ "bad-mpa-revision.conf",
	    "bad-mpa-revision.conf:4: mpa.revision: 3 is not 1 or 2" },
	{ "bad-mpa-crc-type.conf",
	    "bad-mpa-crc-type.conf:1: mpa.crc: expected true or false" },
	{ "bad-mpa-timeout.conf", "bad-mpa-timeout.conf:2: mpa.timeout_ms: "
	    "50 is not in the range 100..600000" },
	{ "bad-transport.conf", "bad-transport.conf:1: transport: \"udp\" "
	    "is not one of auto, sctp, tcp" },
	{ "bad-transport-type.conf",
	    "bad-transport-type.conf:1: transport: expected a string" },
	{ "bad-listen-addr.conf", "bad-listen-addr.conf:2: listen[1]: "
	    "\"10.0.0.300\" is not an IPv4 or IPv6 address" },
	{ "bad-listen-dup.conf",
	    "bad-listen-dup.conf:1: listen[1]: \"0:0::1\" is listed twice" },
	{ "bad-listen-type.conf", "bad-listen-type.conf:1: listen: expected "
	    "a list of strings [ ... ]" },
	{ "bad-listen-many.conf",
	    "bad-listen-many.conf:1: listen: more than 16 entries" },
	{ "bad-sctp-port.conf", "bad-sctp-port.conf:2: sctp.port: 0 is not "
	    "in the range 1..65535" },
	{ "bad-sctp-old-port.conf",
	    "bad-sctp-old-port.conf:2: sctp_port: unknown setting" },
	{ "bad-sctp-group.conf",
	    "bad-sctp-group.conf:1: sctp: expected a group { ... }" },
	{ "bad-sctp-unknown.conf",
	    "bad-sctp-unknown.conf:3: sctp.stream: unknown setting" },
	{ "bad-sctp-addr.conf", "bad-sctp-addr.conf:3: sctp.addresses[1]: "
	    "\"fe80::1::2\" is not an IPv4 or IPv6 address" },
	{ "bad-sctp-addr-dup.conf", "bad-sctp-addr-dup.conf:2: "
	    "sctp.addresses[1]: \"10.0.0.1\" is listed twice" },
	{ "bad-sctp-addr-many.conf", "bad-sctp-addr-many.conf:2: "
	    "sctp.addresses: more than 8 entries" },
	{ "bad-sctp-streams.conf", "bad-sctp-streams.conf:2: sctp.streams: "
	    "1 is not in the range 2..65535" },
	{ "bad-sctp-rto.conf", "bad-sctp-rto.conf:2: sctp.rto_min_ms: "
	    "rto_min_ms 100 <= rto_initial_ms 1000 <= rto_max_ms 50 does "
	    "not hold" },
	{ "bad-sctp-rto-range.conf", "bad-sctp-rto-range.conf:2: "
	    "sctp.rto_initial_ms: 5 is not in the range 10..600000" },
	{ "bad-sctp-hb.conf", "bad-sctp-hb.conf:2: sctp.hb_interval_ms: 0 "
	    "is not in the range 100..3600000" },
	{ "bad-sctp-pmr.conf", "bad-sctp-pmr.conf:2: sctp.path_max_retrans: "
	    "101 is not in the range 1..100" },
	{ "bad-sctp-pf.conf", "bad-sctp-pf.conf:3: sctp.pf_threshold: "
	    "pf_threshold 3 is above path_max_retrans 2" },
	{ "bad-sctp-sndbuf.conf", "bad-sctp-sndbuf.conf:2: sctp.sndbuf: "
	    "1024 is not in the range 65536..268435456" },
	{ "bad-sctp-rcvbuf.conf",
	    "bad-sctp-rcvbuf.conf:2: sctp.rcvbuf: expected an integer" },
	{ "bad-sctp-timeout.conf", "bad-sctp-timeout.conf:2: "
	    "sctp.timeout_ms: 600001 is not in the range 100..600000" },
	{ "bad-sctp-chunks.conf", "bad-sctp-chunks.conf:2: "
	    "sctp.reorder_chunks: 0 is not in the range 1..65536" },
	{ "bad-sctp-bytes.conf", "bad-sctp-bytes.conf:2: "
	    "sctp.reorder_bytes: 1073741825 is not in the range "
	    "4096..1073741824" },
	{ "bad-limits-group.conf",
	    "bad-limits-group.conf:1: limits: expected a group { ... }" },
	{ "bad-limits-qps.conf", "bad-limits-qps.conf:2: limits.max_qps: "
	    "70000 is not in the range 1..65536" },
	/* The engine's STag index is 24 bits, index 0 unused. */
	{ "bad-limits-stags.conf", "bad-limits-stags.conf:2: "
	    "limits.max_stags: 16777216 is not in the range 16..16777215" },
	{ "bad-limits-poll.conf", "bad-limits-poll.conf:2: "
	    "limits.poll_us: 1001 is not in the range 0..1000" },
	{ "bad-limits-bytes.conf", "bad-limits-bytes.conf:2: "
	    "limits.max_reg_bytes: 2199023255552 is not in the range "
	    "4096..1099511627776" },
	{ "bad-limits-float.conf",
	    "bad-limits-float.conf:2: limits.max_wr: expected an integer" },
	{ "bad-limits-unknown.conf",
	    "bad-limits-unknown.conf:2: limits.max_qp: unknown setting" },
	{ "bad-socket-relative.conf", "bad-socket-relative.conf:2: "
	    "control.socket: \"rdmad.sock\" is not an absolute path" },
	{ "bad-socket-long.conf",
	    "bad-socket-long.conf:2: control.socket: longer than 107 octets" },
	{ "bad-mode-string.conf", "bad-mode-string.conf:2: control.mode: "
	    "\"0989\" is not an octal mode" },
	{ "bad-mode-int.conf", "bad-mode-int.conf:2: control.mode: 660 is "
	    "not in the range 0..511 (write octal modes as strings: "
	    "\"0660\")" },
	{ "bad-mode-bool.conf", "bad-mode-bool.conf:2: control.mode: "
	    "expected an octal string or an integer" },
	{ "bad-group-empty.conf", "bad-group-empty.conf:2: control.group: "
	    "a group name has 1 to 32 characters" },
	{ "bad-max-queue.conf", "bad-max-queue.conf:2: control.max_queue: "
	    "0 is not in the range 1..4096" },
	{ "bad-log-level.conf", "bad-log-level.conf:2: log.level: "
	    "\"verbose\" is not one of warning, info, debug" },
	{ "bad-log-token.conf", "bad-log-token.conf:3: log.debug[1]: "
	    "\"disk\" is not one of rx, tx, ctl, shm, cfg, eng, tp" },
	{ "bad-log-token-dup.conf",
	    "bad-log-token-dup.conf:1: log.debug[1]: \"rx\" is listed twice" },
	{ "no-such-file.conf", "no-such-file.conf: No such file or directory" },
};

#define CFGT_NBAD	(sizeof(cfgt_bad) / sizeof(cfgt_bad[0]))

/* The good files; each must print, parse and print the same again. */
static const char *const cfgt_good[] = {
	"good-empty.conf", "good-full.conf", "good-mode-string.conf",
	"../../../etc/rdmad.conf",
};

/* Print conf into a malloc'd string. */
static char *
cfgt_print(const struct rdmad_config *conf)
{
	char *s = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&s, &len);

	if (fp == NULL)
		return NULL;
	cfg_print(fp, conf);
	fclose(fp);
	return s;
}

/* Read a whole file into a malloc'd string. */
static char *
cfgt_slurp(const char *path)
{
	char *s = NULL;
	size_t len = 0, n;
	char buf[4096];
	FILE *in, *out;

	if ((in = fopen(path, "r")) == NULL)
		return NULL;
	out = open_memstream(&s, &len);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	fclose(out);
	return s;
}

/* Replace the one "@RUNSTATEDIR@" of a golden text. */
static char *
cfgt_subst(const char *golden)
{
	const char *tag = "@RUNSTATEDIR@", *p = strstr(golden, tag);
	char *s;
	size_t len;

	if (p == NULL)
		return strdup(golden);
	len = strlen(golden) - strlen(tag) + strlen(RDMAD_RUNSTATEDIR) + 1;
	if ((s = malloc(len)) == NULL)
		return NULL;
	snprintf(s, len, "%.*s%s%s", (int)(p - golden), golden,
	    RDMAD_RUNSTATEDIR, p + strlen(tag));
	return s;
}

/* Every bad file fails with its exact message and no configuration. */
static void
test_bad_files(void)
{
	struct rdmad_config *conf;
	char *cause;
	size_t i;
	int r;

	for (i = 0; i < CFGT_NBAD; i++) {
		conf = (struct rdmad_config *)1;
		cause = NULL;
		r = cfg_load(cfgt_bad[i].file, &conf, &cause);
		CU_ASSERT_EQUAL(r, -1);
		CU_ASSERT_PTR_NULL(conf);
		CU_ASSERT_PTR_NOT_NULL_FATAL(cause);
		if (strcmp(cause, cfgt_bad[i].msg) != 0)
			fprintf(stderr, "\n%s:\n  got  %s\n  want %s\n",
			    cfgt_bad[i].file, cause, cfgt_bad[i].msg);
		CU_ASSERT_STRING_EQUAL(cause, cfgt_bad[i].msg);
		free(cause);
	}
}

/* An empty file gives exactly the built-in defaults. */
static void
test_defaults(void)
{
	struct rdmad_config *conf, *def = cfg_defaults();
	char *cause, *a, *b;

	CU_ASSERT_EQUAL_FATAL(cfg_load("good-empty.conf", &conf, &cause), 0);
	CU_ASSERT_PTR_NULL(cause);
	CU_ASSERT_EQUAL(conf->nlisten, 0);
	CU_ASSERT_EQUAL(conf->transport, CFG_TP_AUTO);
	CU_ASSERT_EQUAL(conf->sctp.port, 5043);
	CU_ASSERT_EQUAL(conf->sctp.naddresses, 0);
	CU_ASSERT_EQUAL(conf->sctp.streams, 2048);
	CU_ASSERT_EQUAL(conf->sctp.rto_initial_ms, 1000);
	CU_ASSERT_EQUAL(conf->sctp.rto_min_ms, 200);
	CU_ASSERT_EQUAL(conf->sctp.rto_max_ms, 3000);
	CU_ASSERT_EQUAL(conf->sctp.hb_interval_ms, 1000);
	CU_ASSERT_EQUAL(conf->sctp.path_max_retrans, 3);
	CU_ASSERT_EQUAL(conf->sctp.pf_threshold, 1);
	CU_ASSERT_EQUAL(conf->sctp.sndbuf, 4194304);
	CU_ASSERT_EQUAL(conf->sctp.rcvbuf, 4194304);
	CU_ASSERT_EQUAL(conf->sctp.timeout_ms, 10000);
	CU_ASSERT_EQUAL(conf->sctp.reorder_chunks, 256);
	CU_ASSERT_EQUAL(conf->sctp.reorder_bytes, 1048576);
	CU_ASSERT_EQUAL(conf->mpa.revision, 2);
	CU_ASSERT_TRUE(conf->mpa.crc);
	CU_ASSERT_FALSE(conf->mpa.markers);
	CU_ASSERT_EQUAL(conf->mpa.timeout_ms, 5000);
	CU_ASSERT_EQUAL(conf->limits.max_reg_bytes, 1073741824u);
	CU_ASSERT_EQUAL(conf->limits.max_clients, 64);
	CU_ASSERT_STRING_EQUAL(conf->control.socket,
	    RDMAD_RUNSTATEDIR "/rdmad/rdmad.sock");
	CU_ASSERT_EQUAL(conf->control.mode, 0660);
	CU_ASSERT_PTR_NULL(conf->control.group);
	CU_ASSERT_EQUAL(conf->log.level, LOG_LVL_INFO);
	CU_ASSERT_EQUAL(conf->log.ndebug, 0);
	a = cfgt_print(conf);
	b = cfgt_print(def);
	CU_ASSERT_STRING_EQUAL(a, b);
	free(a);
	free(b);
	cfg_free(conf);
	cfg_free(def);
}

/* Every field of the file that sets everything. */
static void
test_full(void)
{
	struct rdmad_config *conf;
	char *cause;

	CU_ASSERT_EQUAL_FATAL(cfg_load("good-full.conf", &conf, &cause), 0);
	CU_ASSERT_EQUAL_FATAL(conf->nlisten, 3);
	CU_ASSERT_STRING_EQUAL(conf->listen[0], "127.0.0.1");
	CU_ASSERT_STRING_EQUAL(conf->listen[1], "::1");
	CU_ASSERT_STRING_EQUAL(conf->listen[2], "192.0.2.7");
	CU_ASSERT_EQUAL(conf->transport, CFG_TP_TCP);
	CU_ASSERT_EQUAL(conf->sctp.port, 9999);
	CU_ASSERT_EQUAL_FATAL(conf->sctp.naddresses, 2);
	CU_ASSERT_STRING_EQUAL(conf->sctp.addresses[0], "192.0.2.7");
	CU_ASSERT_STRING_EQUAL(conf->sctp.addresses[1], "2001:db8::7");
	CU_ASSERT_EQUAL(conf->sctp.streams, 2);
	CU_ASSERT_EQUAL(conf->sctp.rto_initial_ms, 500);
	CU_ASSERT_EQUAL(conf->sctp.rto_min_ms, 100);
	CU_ASSERT_EQUAL(conf->sctp.rto_max_ms, 60000);
	CU_ASSERT_EQUAL(conf->sctp.hb_interval_ms, 3600000);
	CU_ASSERT_EQUAL(conf->sctp.path_max_retrans, 100);
	CU_ASSERT_EQUAL(conf->sctp.pf_threshold, 100);
	CU_ASSERT_EQUAL(conf->sctp.sndbuf, 65536);
	CU_ASSERT_EQUAL(conf->sctp.rcvbuf, 268435456);
	CU_ASSERT_EQUAL(conf->sctp.timeout_ms, 100);
	CU_ASSERT_EQUAL(conf->sctp.reorder_chunks, 65536);
	CU_ASSERT_EQUAL(conf->sctp.reorder_bytes, 4096);
	CU_ASSERT_EQUAL(conf->mpa.revision, 1);
	CU_ASSERT_FALSE(conf->mpa.crc);
	CU_ASSERT_TRUE(conf->mpa.markers);
	CU_ASSERT_EQUAL(conf->mpa.timeout_ms, 100);
	CU_ASSERT_EQUAL(conf->limits.max_regions, 1);
	CU_ASSERT_EQUAL(conf->limits.max_reg_bytes, UINT64_C(1) << 40);
	CU_ASSERT_EQUAL(conf->limits.max_qps, 65536);
	CU_ASSERT_EQUAL(conf->limits.max_cqs, 2);
	CU_ASSERT_EQUAL(conf->limits.max_cq_depth, 1048576);
	CU_ASSERT_EQUAL(conf->limits.max_wr, 3);
	CU_ASSERT_EQUAL(conf->limits.max_ord, 0);
	CU_ASSERT_EQUAL(conf->limits.max_ird, 1024);
	CU_ASSERT_EQUAL(conf->limits.max_stags, 16);
	CU_ASSERT_EQUAL(conf->limits.poll_us, 25);
	CU_ASSERT_EQUAL(conf->limits.max_clients, 4096);
	CU_ASSERT_EQUAL(conf->limits.max_pending, 1);
	CU_ASSERT_STRING_EQUAL(conf->control.socket,
	    "/tmp/rdmad \"test\"/s.sock");
	CU_ASSERT_EQUAL(conf->control.mode, 0600);
	CU_ASSERT_STRING_EQUAL(conf->control.group, "rdma");
	CU_ASSERT_EQUAL(conf->control.max_queue, 4096);
	CU_ASSERT_EQUAL(conf->log.level, LOG_LVL_DEBUG);
	CU_ASSERT_EQUAL_FATAL(conf->log.ndebug, 3);
	CU_ASSERT_STRING_EQUAL(conf->log.debug[0], "tp");
	CU_ASSERT_STRING_EQUAL(conf->log.debug[2], "cfg");
	cfg_free(conf);
}

/* mode as a string without the leading 0; level warning. */
static void
test_mode_string(void)
{
	struct rdmad_config *conf;
	char *cause;

	CU_ASSERT_EQUAL_FATAL(cfg_load("good-mode-string.conf", &conf,
	    &cause), 0);
	CU_ASSERT_EQUAL(conf->control.mode, 0600);
	CU_ASSERT_EQUAL(conf->log.level, LOG_LVL_WARNING);
	cfg_free(conf);
}

/* The normalized forms of the sample and the full file, octet for octet. */
static void
test_golden(void)
{
	static const struct {
		const char *conf, *golden;
	} g[] = {
		{ "../../../etc/rdmad.conf", "sample.golden" },
		{ "good-full.conf", "good-full.golden" },
	};
	struct rdmad_config *conf;
	char *cause, *out, *raw, *want;
	size_t i;

	for (i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(cfg_load(g[i].conf, &conf, &cause), 0);
		out = cfgt_print(conf);
		raw = cfgt_slurp(g[i].golden);
		CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
		want = cfgt_subst(raw);
		CU_ASSERT_PTR_NOT_NULL_FATAL(want);
		if (strcmp(out, want) != 0)
			fprintf(stderr, "\n%s: got\n%s", g[i].conf, out);
		CU_ASSERT_STRING_EQUAL(out, want);
		free(out);
		free(raw);
		free(want);
		cfg_free(conf);
	}
}

/* print -> parse -> print is a fixed point for every good file. */
static void
test_idempotent(void)
{
	char tmpl[] = "/tmp/test_config.XXXXXX";
	struct rdmad_config *conf, *again;
	char *cause, *first, *second;
	size_t i;
	FILE *fp;
	int fd;

	fd = mkstemp(tmpl);
	CU_ASSERT_FATAL(fd != -1);
	close(fd);
	for (i = 0; i < sizeof(cfgt_good) / sizeof(cfgt_good[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(cfg_load(cfgt_good[i], &conf, &cause),
		    0);
		first = cfgt_print(conf);
		fp = fopen(tmpl, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
		fputs(first, fp);
		fclose(fp);
		cause = NULL;
		CU_ASSERT_EQUAL(cfg_load(tmpl, &again, &cause), 0);
		if (cause != NULL)
			fprintf(stderr, "\n%s: %s\n", cfgt_good[i], cause);
		CU_ASSERT_PTR_NOT_NULL_FATAL(again);
		second = cfgt_print(again);
		CU_ASSERT_STRING_EQUAL(first, second);
		free(first);
		free(second);
		cfg_free(conf);
		cfg_free(again);
	}
	unlink(tmpl);
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "bad files: exact file:line messages", test_bad_files },
		{ "empty file: defaults", test_defaults },
		{ "full file: every field", test_full },
		{ "mode as an octal string", test_mode_string },
		{ "normalized output vs golden files", test_golden },
		{ "print-parse-print is a fixed point", test_idempotent },
		{ NULL, NULL }
	};
	const char *top = getenv("top_srcdir");
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s/tests/data/config", top ? top : ".");
	if (chdir(dir) == -1) {
		perror(dir);
		return 2;
	}
	return tutil_run("config", cases);
}
