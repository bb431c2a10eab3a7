/* printconf.c — print a configuration in normalized libconfig syntax. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "common/log.h"
#include "daemon/rdmad.h"

/*
 * The output names every setting with its value (defaults filled in), in
 * a fixed order, and parses again into an identical configuration: the
 * tests check print -> parse -> print for a fixed point (GUIDE §5).
 */

/* A libconfig string literal, escaped. */
static void
cfg_print_str(FILE *fp, const char *s)
{
	const unsigned char *p;

	fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(fp, "\\x%02x", *p);
		else
			fputc(*p, fp);
	}
	fputc('"', fp);
}

/* A list of strings: [ "a", "b" ] or [ ]. */
static void
cfg_print_list(FILE *fp, char *const *v, size_t n)
{
	size_t i;

	fputs("[ ", fp);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputs(", ", fp);
		cfg_print_str(fp, v[i]);
	}
	fputs(i > 0 ? " ]" : "]", fp);
}

/* An unsigned value; 64-bit literals need the L suffix past INT32_MAX. */
static void
cfg_print_u64(FILE *fp, const char *name, uint64_t v)
{
	fprintf(fp, "\t%s = %" PRIu64 "%s;\n", name, v,
	    v > INT32_MAX ? "L" : "");
}

void
cfg_print(FILE *fp, const struct rdmad_config *conf)
{
	const struct cfg_limits *l = &conf->limits;

	fputs("# rdmad configuration, normalized (rdmad -n)\n", fp);
	fputs("listen = ", fp);
	cfg_print_list(fp, conf->listen, conf->nlisten);
	fputs(";\n", fp);
	fprintf(fp, "transport = \"%s\";\n",
	    cfg_transport_name(conf->transport));

	fputs("sctp = {\n", fp);
	fprintf(fp, "\tport = %u;\n", conf->sctp.port);
	fputs("\taddresses = ", fp);
	cfg_print_list(fp, conf->sctp.addresses, conf->sctp.naddresses);
	fputs(";\n", fp);
	cfg_print_u64(fp, "streams", conf->sctp.streams);
	cfg_print_u64(fp, "rto_initial_ms", conf->sctp.rto_initial_ms);
	cfg_print_u64(fp, "rto_min_ms", conf->sctp.rto_min_ms);
	cfg_print_u64(fp, "rto_max_ms", conf->sctp.rto_max_ms);
	cfg_print_u64(fp, "hb_interval_ms", conf->sctp.hb_interval_ms);
	cfg_print_u64(fp, "path_max_retrans", conf->sctp.path_max_retrans);
	cfg_print_u64(fp, "pf_threshold", conf->sctp.pf_threshold);
	cfg_print_u64(fp, "sndbuf", conf->sctp.sndbuf);
	cfg_print_u64(fp, "rcvbuf", conf->sctp.rcvbuf);
	cfg_print_u64(fp, "timeout_ms", conf->sctp.timeout_ms);
	cfg_print_u64(fp, "reorder_chunks", conf->sctp.reorder_chunks);
	cfg_print_u64(fp, "reorder_bytes", conf->sctp.reorder_bytes);
	fputs("};\n", fp);

	fputs("mpa = {\n", fp);
	fprintf(fp, "\trevision = %d;\n", conf->mpa.revision);
	fprintf(fp, "\tcrc = %s;\n", conf->mpa.crc ? "true" : "false");
	fprintf(fp, "\tmarkers = %s;\n", conf->mpa.markers ? "true" : "false");
	fprintf(fp, "\ttimeout_ms = %d;\n", conf->mpa.timeout_ms);
	fputs("};\n", fp);

	fputs("limits = {\n", fp);
	cfg_print_u64(fp, "max_regions", l->max_regions);
	cfg_print_u64(fp, "max_reg_bytes", l->max_reg_bytes);
	cfg_print_u64(fp, "max_qps", l->max_qps);
	cfg_print_u64(fp, "max_cqs", l->max_cqs);
	cfg_print_u64(fp, "max_cq_depth", l->max_cq_depth);
	cfg_print_u64(fp, "max_wr", l->max_wr);
	cfg_print_u64(fp, "max_ord", l->max_ord);
	cfg_print_u64(fp, "max_ird", l->max_ird);
	cfg_print_u64(fp, "max_stags", l->max_stags);
	cfg_print_u64(fp, "max_clients", l->max_clients);
	cfg_print_u64(fp, "max_pending", l->max_pending);
	cfg_print_u64(fp, "poll_us", l->poll_us);
	fputs("};\n", fp);

	fputs("control = {\n\tsocket = ", fp);
	cfg_print_str(fp, conf->control.socket);
	fprintf(fp, ";\n\tmode = \"%04o\";\n", conf->control.mode);
	if (conf->control.group != NULL) {
		fputs("\tgroup = ", fp);
		cfg_print_str(fp, conf->control.group);
		fputs(";\n", fp);
	}
	cfg_print_u64(fp, "max_queue", conf->control.max_queue);
	fputs("};\n", fp);

	fputs("log = {\n", fp);
	fprintf(fp, "\tlevel = \"%s\";\n", cfg_level_name(conf->log.level));
	fputs("\tdebug = ", fp);
	cfg_print_list(fp, conf->log.debug, conf->log.ndebug);
	fputs(";\n};\n", fp);
}
