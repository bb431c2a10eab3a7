/* config.c — read rdmad.conf with libconfig into struct rdmad_config. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <libconfig.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "daemon/rdmad.h"

/*
 * The only file that includes <libconfig.h> (GUIDE §5).  Every setting is
 * optional, typed, range-checked; unknown names are errors.  The first
 * error stops the parse and is reported as "FILE:LINE: setting: reason".
 */

#ifndef RDMAD_RUNSTATEDIR
#define RDMAD_RUNSTATEDIR	"/run"
#endif
#define CFG_DEFAULT_SOCKET	RDMAD_RUNSTATEDIR "/rdmad/rdmad.sock"

/* State of one parse. */
struct cfg_ctx {
	const char	*path;		/* file being read */
	char		*cause;		/* first error, malloc'd */
};

static const char *const cfg_root_names[] = { "listen", "transport",
    "sctp", "mpa", "limits", "control", "log", NULL };
static const char *const cfg_sctp_names[] = { "port", "addresses",
    "streams", "rto_initial_ms", "rto_min_ms", "rto_max_ms",
    "hb_interval_ms", "path_max_retrans", "pf_threshold", "sndbuf",
    "rcvbuf", "timeout_ms", "reorder_chunks", "reorder_bytes", NULL };
static const char *const cfg_mpa_names[] = { "revision", "crc", "markers",
    "timeout_ms", NULL };
static const char *const cfg_limits_names[] = { "max_regions",
    "max_reg_bytes", "max_qps", "max_cqs", "max_cq_depth", "max_wr",
    "max_ord", "max_ird", "max_stags", "max_clients", "max_pending",
    "poll_us", NULL };
static const char *const cfg_control_names[] = { "socket", "mode", "group",
    "max_queue", NULL };
static const char *const cfg_log_names[] = { "level", "debug", NULL };

static const char *const cfg_transports[] = { "auto", "sctp", "tcp", NULL };

/* A configuration holding every default. */
struct rdmad_config *
cfg_defaults(void)
{
	struct rdmad_config *conf = xcalloc(1, sizeof(*conf));

	conf->transport = CFG_TP_AUTO;
	/* The SCTP transport's own defaults (transport/sctp.h). */
	conf->sctp.port = 5043;
	conf->sctp.streams = 2048;
	conf->sctp.rto_initial_ms = 1000;
	conf->sctp.rto_min_ms = 200;
	conf->sctp.rto_max_ms = 3000;
	conf->sctp.hb_interval_ms = 1000;
	conf->sctp.path_max_retrans = 3;
	conf->sctp.pf_threshold = 1;
	conf->sctp.sndbuf = 4u << 20;
	conf->sctp.rcvbuf = 4u << 20;
	conf->sctp.timeout_ms = 10000;
	conf->sctp.reorder_chunks = 256;
	conf->sctp.reorder_bytes = 1u << 20;
	conf->mpa.revision = 2;
	conf->mpa.crc = true;
	conf->mpa.markers = false;
	conf->mpa.timeout_ms = 5000;
	conf->limits.max_regions = 4096;
	conf->limits.max_reg_bytes = UINT64_C(1) << 30;
	conf->limits.max_qps = 256;
	conf->limits.max_cqs = 256;
	conf->limits.max_cq_depth = 4096;
	conf->limits.max_wr = 1024;
	conf->limits.max_ord = 16;
	conf->limits.max_ird = 16;
	conf->limits.max_stags = 65536;
	conf->limits.max_clients = 64;
	conf->limits.max_pending = 64;
	conf->control.socket = xstrdup(CFG_DEFAULT_SOCKET);
	conf->control.mode = 0660;
	conf->control.group = NULL;
	conf->control.max_queue = 64;
	conf->log.level = LOG_LVL_INFO;
	return conf;
}

void
cfg_free(struct rdmad_config *conf)
{
	size_t i;

	if (conf == NULL)
		return;
	free(conf->file);
	for (i = 0; i < conf->nlisten; i++)
		free(conf->listen[i]);
	for (i = 0; i < conf->sctp.naddresses; i++)
		free(conf->sctp.addresses[i]);
	free(conf->control.socket);
	free(conf->control.group);
	for (i = 0; i < conf->log.ndebug; i++)
		free(conf->log.debug[i]);
	free(conf);
}

const char *
cfg_transport_name(int transport)
{
	if (transport < 0 || transport > CFG_TP_TCP)
		return "?";
	return cfg_transports[transport];
}

const char *
cfg_level_name(int level)
{
	switch (level) {
	case LOG_LVL_WARNING:
		return "warning";
	case LOG_LVL_INFO:
		return "info";
	case LOG_LVL_DEBUG:
		return "debug";
	}
	return "?";
}

/* Append the dotted name of s ("mpa.revision", "listen[1]") to buf. */
static void
cfg_setting_path(const config_setting_t *s, char *buf, size_t len)
{
	const config_setting_t *parent = config_setting_parent(s);
	size_t used;
	int n;

	if (parent == NULL)		/* the root group */
		return;
	cfg_setting_path(parent, buf, len);
	used = strlen(buf);
	if (config_setting_name(s) == NULL)
		n = snprintf(buf + used, len - used, "[%d]",
		    config_setting_index(s));
	else
		n = snprintf(buf + used, len - used, "%s%s",
		    used > 0 ? "." : "", config_setting_name(s));
	if (n < 0)
		buf[used] = '\0';
}

/* Record the first error, at setting s: "FILE:LINE: name: reason". */
static int __attribute__((format(printf, 3, 4)))
cfg_err(struct cfg_ctx *c, const config_setting_t *s, const char *fmt, ...)
{
	char name[256], msg[512];
	const char *file;
	va_list ap;

	if (c->cause != NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	name[0] = '\0';
	cfg_setting_path(s, name, sizeof(name));
	file = config_setting_source_file(s);
	if (file == NULL)
		file = c->path;
	xasprintf(&c->cause, "%s:%u: %s: %s", file,
	    (unsigned int)config_setting_source_line(s), name, msg);
	return -1;
}

/* Every member of group g must be one of names[]. */
static int
cfg_check_names(struct cfg_ctx *c, const config_setting_t *g,
    const char *const *names)
{
	const config_setting_t *s;
	const char *const *n;
	int i;

	for (i = 0; (s = config_setting_get_elem(g, (unsigned int)i)) !=
	    NULL; i++) {
		for (n = names; *n != NULL; n++)
			if (strcmp(*n, config_setting_name(s)) == 0)
				break;
		if (*n == NULL)
			return cfg_err(c, s, "unknown setting");
	}
	return 0;
}

/* Optional sub-group `name` of g; -1 when present but not a group. */
static int
cfg_group(struct cfg_ctx *c, const config_setting_t *g, const char *name,
    const char *const *names, config_setting_t **out)
{
	config_setting_t *s = config_setting_get_member(g, name);

	*out = NULL;
	if (s == NULL)
		return 0;
	if (!config_setting_is_group(s))
		return cfg_err(c, s, "expected a group { ... }");
	*out = s;
	return cfg_check_names(c, s, names);
}

/* Optional integer `name` of g in [min, max]; left alone when absent. */
static int
cfg_int(struct cfg_ctx *c, const config_setting_t *g, const char *name,
    int64_t min, int64_t max, int64_t *out, bool *found)
{
	config_setting_t *s;
	long long v;

	*found = false;
	if (g == NULL || (s = config_setting_get_member(g, name)) == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64)
		return cfg_err(c, s, "expected an integer");
	v = config_setting_get_int64(s);
	if (v < min || v > max)
		return cfg_err(c, s, "%lld is not in the range %lld..%lld", v,
		    (long long)min, (long long)max);
	*out = v;
	*found = true;
	return 0;
}

/* cfg_int() into a uint32_t. */
static int
cfg_u32(struct cfg_ctx *c, const config_setting_t *g, const char *name,
    uint32_t min, uint32_t max, uint32_t *out)
{
	int64_t v;
	bool found;

	if (cfg_int(c, g, name, min, max, &v, &found) == -1)
		return -1;
	if (found)
		*out = (uint32_t)v;
	return 0;
}

/* Optional boolean. */
static int
cfg_bool(struct cfg_ctx *c, const config_setting_t *g, const char *name,
    bool *out)
{
	config_setting_t *s;

	if (g == NULL || (s = config_setting_get_member(g, name)) == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return cfg_err(c, s, "expected true or false");
	*out = config_setting_get_bool(s) != 0;
	return 0;
}

/* Optional string; *out points into libconfig memory (copy it). */
static int
cfg_str(struct cfg_ctx *c, const config_setting_t *g, const char *name,
    const char **out, config_setting_t **where)
{
	config_setting_t *s;

	*out = NULL;
	if (g == NULL || (s = config_setting_get_member(g, name)) == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return cfg_err(c, s, "expected a string");
	*out = config_setting_get_string(s);
	if (where != NULL)
		*where = s;
	return 0;
}

/* A list or array of strings, at most max; calls fn on each element. */
static int
cfg_strlist(struct cfg_ctx *c, const config_setting_t *g, const char *name,
    size_t max, int (*fn)(struct cfg_ctx *, const config_setting_t *,
    const char *, void *), void *arg)
{
	config_setting_t *s, *e;
	int i, n;

	if ((s = config_setting_get_member(g, name)) == NULL)
		return 0;
	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return cfg_err(c, s, "expected a list of strings [ ... ]");
	n = config_setting_length(s);
	if (n > (int)max)
		return cfg_err(c, s, "more than %zu entries", max);
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned int)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return cfg_err(c, e, "expected a string");
		if (fn(c, e, config_setting_get_string(e), arg) == -1)
			return -1;
	}
	return 0;
}

/* Add an IPv4 or IPv6 literal to list[*n], refusing duplicates. */
static int
cfg_addr_add(struct cfg_ctx *c, const config_setting_t *e, const char *v,
    char **list, size_t *n)
{
	unsigned char a[sizeof(struct in6_addr)], b[sizeof(a)];
	int fam, bfam;
	size_t i;

	fam = inet_pton(AF_INET, v, a) == 1 ? AF_INET :
	    inet_pton(AF_INET6, v, a) == 1 ? AF_INET6 : 0;
	if (fam == 0)
		return cfg_err(c, e, "\"%s\" is not an IPv4 or IPv6 address",
		    v);
	for (i = 0; i < *n; i++) {
		bfam = inet_pton(AF_INET, list[i], b) == 1 ?
		    AF_INET : AF_INET6;
		inet_pton(bfam, list[i], b);
		if (bfam == fam && memcmp(a, b, fam == AF_INET ? 4 : 16) == 0)
			return cfg_err(c, e, "\"%s\" is listed twice", v);
	}
	list[(*n)++] = xstrdup(v);
	return 0;
}

/* One listen address: an IPv4 or IPv6 literal, no duplicates. */
static int
cfg_listen_one(struct cfg_ctx *c, const config_setting_t *e, const char *v,
    void *arg)
{
	struct rdmad_config *conf = arg;

	return cfg_addr_add(c, e, v, conf->listen, &conf->nlisten);
}

/* One sctp.addresses entry (bound with sctp_bindx, multihoming). */
static int
cfg_sctp_addr_one(struct cfg_ctx *c, const config_setting_t *e,
    const char *v, void *arg)
{
	struct cfg_sctp *sc = arg;

	return cfg_addr_add(c, e, v, sc->addresses, &sc->naddresses);
}

/* One debug token of log.debug. */
static int
cfg_debug_one(struct cfg_ctx *c, const config_setting_t *e, const char *v,
    void *arg)
{
	struct rdmad_config *conf = arg;
	size_t i;

	if (!log_token_valid(v))
		return cfg_err(c, e, "\"%s\" is not one of rx, tx, ctl, shm, "
		    "cfg, eng, tp", v);
	for (i = 0; i < conf->log.ndebug; i++)
		if (strcmp(conf->log.debug[i], v) == 0)
			return cfg_err(c, e, "\"%s\" is listed twice", v);
	conf->log.debug[conf->log.ndebug++] = xstrdup(v);
	return 0;
}

/* Top-level settings: listen, transport. */
static int
cfg_read_root(struct cfg_ctx *c, config_setting_t *root,
    struct rdmad_config *conf)
{
	config_setting_t *s;
	const char *v;
	int i;

	if (cfg_check_names(c, root, cfg_root_names) == -1)
		return -1;
	if (cfg_strlist(c, root, "listen", CFG_MAX_LISTEN, cfg_listen_one,
	    conf) == -1)
		return -1;
	if (cfg_str(c, root, "transport", &v, &s) == -1)
		return -1;
	if (v != NULL) {
		for (i = 0; cfg_transports[i] != NULL; i++)
			if (strcmp(cfg_transports[i], v) == 0)
				break;
		if (cfg_transports[i] == NULL)
			return cfg_err(c, s, "\"%s\" is not one of auto, sctp, "
			    "tcp", v);
		conf->transport = i;
	}
	return 0;
}

/* The first of names[] set in g (for an error about their relation). */
static config_setting_t *
cfg_first_of(config_setting_t *g, const char *const *names)
{
	config_setting_t *s;

	for (; *names != NULL; names++)
		if ((s = config_setting_get_member(g, *names)) != NULL)
			return s;
	return g;
}

/*
 * Group sctp: the SCTP transport (RFC 5043, RFC 4960 protocol
 * parameters, RFC 7829 PF), mapped onto struct tp_sctp_opts.
 */
static int
cfg_read_sctp(struct cfg_ctx *c, config_setting_t *root,
    struct rdmad_config *conf)
{
	static const char *const rto[] = { "rto_initial_ms", "rto_min_ms",
	    "rto_max_ms", NULL };
	static const char *const pf[] = { "pf_threshold",
	    "path_max_retrans", NULL };
	struct cfg_sctp *sc = &conf->sctp;
	config_setting_t *g;
	uint32_t port = sc->port;

	if (cfg_group(c, root, "sctp", cfg_sctp_names, &g) == -1 || g == NULL)
		return c->cause ? -1 : 0;
	if (cfg_u32(c, g, "port", 1, 65535, &port) == -1 ||
	    cfg_strlist(c, g, "addresses", CFG_MAX_SCTP_ADDRS,
	    cfg_sctp_addr_one, sc) == -1 ||
	    cfg_u32(c, g, "streams", 2, 65535, &sc->streams) == -1 ||
	    cfg_u32(c, g, "rto_initial_ms", 10, 600000,
	    &sc->rto_initial_ms) == -1 ||
	    cfg_u32(c, g, "rto_min_ms", 10, 600000, &sc->rto_min_ms) == -1 ||
	    cfg_u32(c, g, "rto_max_ms", 10, 600000, &sc->rto_max_ms) == -1 ||
	    cfg_u32(c, g, "hb_interval_ms", 100, 3600000,
	    &sc->hb_interval_ms) == -1 ||
	    cfg_u32(c, g, "path_max_retrans", 1, 100,
	    &sc->path_max_retrans) == -1 ||
	    cfg_u32(c, g, "pf_threshold", 1, 100, &sc->pf_threshold) == -1 ||
	    cfg_u32(c, g, "sndbuf", 65536, 268435456, &sc->sndbuf) == -1 ||
	    cfg_u32(c, g, "rcvbuf", 65536, 268435456, &sc->rcvbuf) == -1 ||
	    cfg_u32(c, g, "timeout_ms", 100, 600000, &sc->timeout_ms) == -1 ||
	    cfg_u32(c, g, "reorder_chunks", 1, 65536, &sc->reorder_chunks) ==
	    -1 ||
	    cfg_u32(c, g, "reorder_bytes", 4096, 1073741824,
	    &sc->reorder_bytes) == -1)
		return -1;
	sc->port = (uint16_t)port;
	/* RFC 4960 §6.3.1: RTO.Min <= RTO.Initial <= RTO.Max. */
	if (sc->rto_min_ms > sc->rto_initial_ms ||
	    sc->rto_initial_ms > sc->rto_max_ms)
		return cfg_err(c, cfg_first_of(g, rto), "rto_min_ms %u <= "
		    "rto_initial_ms %u <= rto_max_ms %u does not hold",
		    sc->rto_min_ms, sc->rto_initial_ms, sc->rto_max_ms);
	/* RFC 7829 §5.2: PFMR <= PMR. */
	if (sc->pf_threshold > sc->path_max_retrans)
		return cfg_err(c, cfg_first_of(g, pf), "pf_threshold %u is "
		    "above path_max_retrans %u", sc->pf_threshold,
		    sc->path_max_retrans);
	return 0;
}

/* Group mpa: revision, crc, markers, timeout_ms (RFC 5044, 6581). */
static int
cfg_read_mpa(struct cfg_ctx *c, config_setting_t *root,
    struct rdmad_config *conf)
{
	config_setting_t *g, *s;
	int64_t n;
	bool found;

	if (cfg_group(c, root, "mpa", cfg_mpa_names, &g) == -1 || g == NULL)
		return c->cause ? -1 : 0;
	if ((s = config_setting_get_member(g, "revision")) != NULL) {
		if (config_setting_type(s) != CONFIG_TYPE_INT &&
		    config_setting_type(s) != CONFIG_TYPE_INT64)
			return cfg_err(c, s, "expected an integer");
		n = config_setting_get_int64(s);
		if (n != 1 && n != 2)
			return cfg_err(c, s, "%lld is not 1 or 2",
			    (long long)n);
		conf->mpa.revision = (int)n;
	}
	if (cfg_bool(c, g, "crc", &conf->mpa.crc) == -1 ||
	    cfg_bool(c, g, "markers", &conf->mpa.markers) == -1)
		return -1;
	if (cfg_int(c, g, "timeout_ms", 100, 600000, &n, &found) == -1)
		return -1;
	if (found)
		conf->mpa.timeout_ms = (int)n;
	return 0;
}

/* Group limits. */
static int
cfg_read_limits(struct cfg_ctx *c, config_setting_t *root,
    struct rdmad_config *conf)
{
	struct cfg_limits *l = &conf->limits;
	config_setting_t *g;
	int64_t n;
	bool found;

	if (cfg_group(c, root, "limits", cfg_limits_names, &g) == -1 ||
	    g == NULL)
		return c->cause ? -1 : 0;
	if (cfg_u32(c, g, "max_regions", 1, 1048576, &l->max_regions) == -1)
		return -1;
	if (cfg_int(c, g, "max_reg_bytes", 4096, INT64_C(1) << 40, &n,
	    &found) == -1)
		return -1;
	if (found)
		l->max_reg_bytes = (uint64_t)n;
	if (cfg_u32(c, g, "max_qps", 1, 65536, &l->max_qps) == -1 ||
	    cfg_u32(c, g, "max_cqs", 1, 65536, &l->max_cqs) == -1 ||
	    cfg_u32(c, g, "max_cq_depth", 1, 1048576, &l->max_cq_depth) ==
	    -1 ||
	    cfg_u32(c, g, "max_wr", 1, 65536, &l->max_wr) == -1 ||
	    cfg_u32(c, g, "max_ord", 0, 1024, &l->max_ord) == -1 ||
	    cfg_u32(c, g, "max_ird", 0, 1024, &l->max_ird) == -1 ||
	    cfg_u32(c, g, "max_stags", 16, 16777215, &l->max_stags) == -1 ||
	    cfg_u32(c, g, "max_clients", 1, 4096, &l->max_clients) == -1 ||
	    cfg_u32(c, g, "max_pending", 1, 4096, &l->max_pending) == -1 ||
	    cfg_u32(c, g, "poll_us", 0, 1000, &l->poll_us) == -1)
		return -1;
	return 0;
}

/* control.mode: an octal string ("0660") or an integer, <= 0777. */
static int
cfg_read_mode(struct cfg_ctx *c, config_setting_t *g,
    struct rdmad_config *conf)
{
	config_setting_t *s;
	const char *v, *p;
	long long n;

	if ((s = config_setting_get_member(g, "mode")) == NULL)
		return 0;
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		v = config_setting_get_string(s);
		if (*v == '\0' || strlen(v) > 4)
			return cfg_err(c, s, "\"%s\" is not an octal mode", v);
		for (p = v, n = 0; *p != '\0'; p++) {
			if (*p < '0' || *p > '7')
				return cfg_err(c, s, "\"%s\" is not an octal "
				    "mode", v);
			n = n * 8 + (*p - '0');
		}
	} else if (config_setting_type(s) == CONFIG_TYPE_INT) {
		n = config_setting_get_int(s);
	} else
		return cfg_err(c, s, "expected an octal string or an integer");
	if (n < 0 || n > 0777)
		return cfg_err(c, s, "%lld is not in the range 0..511 "
		    "(write octal modes as strings: \"0660\")", n);
	conf->control.mode = (unsigned int)n;
	return 0;
}

/* Group control: socket, mode, group, max_queue. */
static int
cfg_read_control(struct cfg_ctx *c, config_setting_t *root,
    struct rdmad_config *conf)
{
	config_setting_t *g, *s;
	const char *v;

	if (cfg_group(c, root, "control", cfg_control_names, &g) == -1 ||
	    g == NULL)
		return c->cause ? -1 : 0;
	if (cfg_str(c, g, "socket", &v, &s) == -1)
		return -1;
	if (v != NULL) {
		if (v[0] != '/')
			return cfg_err(c, s, "\"%s\" is not an absolute path",
			    v);
		if (strlen(v) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return cfg_err(c, s, "longer than %zu octets",
			    sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
		free(conf->control.socket);
		conf->control.socket = xstrdup(v);
	}
	if (cfg_read_mode(c, g, conf) == -1)
		return -1;
	if (cfg_str(c, g, "group", &v, &s) == -1)
		return -1;
	if (v != NULL) {
		if (*v == '\0' || strlen(v) > 32)
			return cfg_err(c, s, "a group name has 1 to 32 "
			    "characters");
		conf->control.group = xstrdup(v);
	}
	return cfg_u32(c, g, "max_queue", 1, 4096, &conf->control.max_queue);
}

/* Group log: level, debug tokens. */
static int
cfg_read_log(struct cfg_ctx *c, config_setting_t *root,
    struct rdmad_config *conf)
{
	config_setting_t *g, *s;
	const char *v;

	if (cfg_group(c, root, "log", cfg_log_names, &g) == -1 || g == NULL)
		return c->cause ? -1 : 0;
	if (cfg_str(c, g, "level", &v, &s) == -1)
		return -1;
	if (v != NULL) {
		if (strcmp(v, "warning") == 0)
			conf->log.level = LOG_LVL_WARNING;
		else if (strcmp(v, "info") == 0)
			conf->log.level = LOG_LVL_INFO;
		else if (strcmp(v, "debug") == 0)
			conf->log.level = LOG_LVL_DEBUG;
		else
			return cfg_err(c, s, "\"%s\" is not one of warning, "
			    "info, debug", v);
	}
	return cfg_strlist(c, g, "debug",
	    sizeof(conf->log.debug) / sizeof(conf->log.debug[0]),
	    cfg_debug_one, conf);
}

/* Parse and validate one file; nothing of libconfig survives the call. */
int
cfg_load(const char *path, struct rdmad_config **out, char **cause)
{
	struct cfg_ctx c = { path, NULL };
	struct rdmad_config *conf;
	config_setting_t *root;
	config_t cf;
	FILE *fp;

	*out = NULL;
	*cause = NULL;
	/* libconfig says only "file I/O error": ask the system first. */
	if ((fp = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	fclose(fp);

	config_init(&cf);
	if (config_read_file(&cf, path) != CONFIG_TRUE) {
		xasprintf(cause, "%s:%d: %s", config_error_file(&cf) ?
		    config_error_file(&cf) : path, config_error_line(&cf),
		    config_error_text(&cf));
		config_destroy(&cf);
		return -1;
	}
	conf = cfg_defaults();
	conf->file = xstrdup(path);
	root = config_root_setting(&cf);
	if (cfg_read_root(&c, root, conf) == -1 ||
	    cfg_read_sctp(&c, root, conf) == -1 ||
	    cfg_read_mpa(&c, root, conf) == -1 ||
	    cfg_read_limits(&c, root, conf) == -1 ||
	    cfg_read_control(&c, root, conf) == -1 ||
	    cfg_read_log(&c, root, conf) == -1) {
		config_destroy(&cf);
		cfg_free(conf);
		*cause = c.cause;
		return -1;
	}
	config_destroy(&cf);
	*out = conf;
	return 0;
}
