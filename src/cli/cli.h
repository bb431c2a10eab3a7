/* cli.h — private header of rdmactl, sectioned by defining file. */
#ifndef RDMAD_CLI_CLI_H
#define RDMAD_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wire/ctladmin.h"

/* Exit codes (rdmactl(8)). */
#define CLI_EXIT_OK		0
#define CLI_EXIT_FAIL		1	/* the operation failed */
#define CLI_EXIT_USAGE		2
#define CLI_EXIT_UNREACHABLE	3	/* cannot reach the daemon */

/* Global options. */
struct cli_opts {
	const char	*socket;	/* resolved: -S, $RDMAD_SOCKET, default */
	bool		 json;		/* -j */
};

/* rdmactl.c */
void		 cli_err(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));

/* ---- cli_ctl.c: one admin query over the control socket ------------ */

/* One record received. */
struct cli_rec {
	uint32_t	 type;		/* CTLA_MSG_* */
	union ctla_any	 m;
};

struct cli_recs {
	struct cli_rec	*v;
	size_t		 n;
};

/*
 * Connect, say HELLO, run the query (following MORE), and return the
 * records.  On failure prints why and returns an exit code (CLI_EXIT_*);
 * CLI_EXIT_OK on success.
 */
int		 cli_query(const struct cli_opts *o, uint32_t query,
		    struct cli_recs *out);
void		 cli_recs_free(struct cli_recs *r);

/* ---- cli_out.c: aligned tables and JSON ------------------------------- */

/* A JSON writer: pretty-printed, keys and strings escaped. */
struct cli_json {
	FILE		*fp;
	int		 depth;
	bool		 first[16];
};
void		 cj_begin(struct cli_json *j, FILE *fp);
/* Open '{' or '[' under key (NULL inside an array or at the top). */
void		 cj_open(struct cli_json *j, const char *key, char c);
void		 cj_close(struct cli_json *j, char c);
void		 cj_str(struct cli_json *j, const char *key, const char *v);
void		 cj_u64(struct cli_json *j, const char *key, uint64_t v);
void		 cj_bool(struct cli_json *j, const char *key, bool v);
void		 cj_null(struct cli_json *j, const char *key);
void		 cj_end(struct cli_json *j);

/* A table: columns, then rows of cells; printed as text or JSON. */
struct cli_col {
	const char	*key;		/* JSON key */
	const char	*head;		/* text heading; NULL: JSON only */
	bool		 num;		/* JSON number, right-aligned */
};
struct cli_table {
	const struct cli_col *cols;
	size_t		 ncols;
	char		**cells;	/* nrows * ncols */
	size_t		 nrows;
};
void		 ct_init(struct cli_table *t, const struct cli_col *cols,
		    size_t ncols);
/* Append a row: ncols printf-style cells given as strings. */
void		 ct_row(struct cli_table *t, ...);
/* Text: aligned columns with headings; "(none)" line when empty. */
void		 ct_print(const struct cli_table *t, FILE *fp,
		    const char *none);
/* JSON: an array of objects (under key, or at the top); a "-" cell
 * (nothing) is null. */
void		 ct_json(const struct cli_table *t, struct cli_json *j,
		    const char *key);
void		 ct_free(struct cli_table *t);
/* Human-readable octets: "1.5 MiB". */
const char	*cli_bytes(uint64_t v, char *buf, size_t len);

/* ---- cli_show.c: status, peers, qps, mrs, clients, stats -------------- */

int		 cli_show(const struct cli_opts *o, uint32_t query);
/* Names used in text and JSON. */
const char	*cli_tp_name(uint32_t tp);
const char	*cli_op_name(unsigned int op);

/* ---- cli_ping.c: RDMA round trips through librdmad -------------------- */

#define CLI_PING_PORT		7174u	/* the echo service (rdmactl echo) */
int		 cli_ping(const struct cli_opts *o, int argc, char **argv);
int		 cli_echo(const struct cli_opts *o, int argc, char **argv);

/* ---- cli_config.c: config check through rdmad -n ----------------------- */

int		 cli_config(const struct cli_opts *o, int argc, char **argv);

#endif /* RDMAD_CLI_CLI_H */
