/* cli_out.c — rdmactl output: aligned text tables and escaped JSON. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* ---- JSON ------------------------------------------------------------- */

void
cj_begin(struct cli_json *j, FILE *fp)
{
	memset(j, 0, sizeof(*j));
	j->fp = fp;
	j->first[0] = true;
}

/* Octets of the valid UTF-8 sequence at p, or 0 (RFC 3629 §4). */
static size_t
cj_utf8_len(const unsigned char *p)
{
	size_t n, i;

	if (*p < 0x80)
		return 1;
	if (*p >= 0xc2 && *p <= 0xdf)
		n = 2;
	else if (*p >= 0xe0 && *p <= 0xef)
		n = 3;
	else if (*p >= 0xf0 && *p <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	/* No overlong forms, surrogates or code points past U+10FFFF. */
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
		return 0;
	return n;
}

/* A JSON string literal: quotes, backslash, control characters; an
 * octet that is not UTF-8 becomes U+FFFD, so the output is valid JSON. */
static void
cj_quote(FILE *fp, const char *s)
{
	const unsigned char *p;
	size_t n;

	fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p >= 0x80) {
			if ((n = cj_utf8_len(p)) == 0) {
				fputs("\\ufffd", fp);
				continue;
			}
			fwrite(p, 1, n, fp);
			p += n - 1;
			continue;
		}
		switch (*p) {
		case '"':
			fputs("\\\"", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(fp, "\\u%04x", *p);
			else
				fputc(*p, fp);
		}
	}
	fputc('"', fp);
}

/* Separator, indentation and key of the next value. */
static void
cj_key(struct cli_json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->fp);
	if (j->depth > 0)
		fprintf(j->fp, "\n%*s", 2 * j->depth, "");
	j->first[j->depth] = false;
	if (key != NULL) {
		cj_quote(j->fp, key);
		fputs(": ", j->fp);
	}
}

void
cj_open(struct cli_json *j, const char *key, char c)
{
	cj_key(j, key);
	fputc(c, j->fp);
	if (j->depth < 15)
		j->depth++;
	j->first[j->depth] = true;
}

void
cj_close(struct cli_json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		fprintf(j->fp, "\n%*s", 2 * j->depth, "");
	fputc(c, j->fp);
}

void
cj_str(struct cli_json *j, const char *key, const char *v)
{
	cj_key(j, key);
	cj_quote(j->fp, v);
}

void
cj_u64(struct cli_json *j, const char *key, uint64_t v)
{
	cj_key(j, key);
	fprintf(j->fp, "%llu", (unsigned long long)v);
}

void
cj_bool(struct cli_json *j, const char *key, bool v)
{
	cj_key(j, key);
	fputs(v ? "true" : "false", j->fp);
}

void
cj_null(struct cli_json *j, const char *key)
{
	cj_key(j, key);
	fputs("null", j->fp);
}

void
cj_end(struct cli_json *j)
{
	fputc('\n', j->fp);
}

/* ---- tables ------------------------------------------------------------ */

void
ct_init(struct cli_table *t, const struct cli_col *cols, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->ncols = ncols;
}

void
ct_row(struct cli_table *t, ...)
{
	va_list ap;
	size_t i;
	char **v;

	v = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*v));
	if (v == NULL) {
		cli_err("out of memory");
		exit(CLI_EXIT_FAIL);
	}
	t->cells = v;
	va_start(ap, t);
	for (i = 0; i < t->ncols; i++) {
		const char *s = va_arg(ap, const char *);

		if ((v[t->nrows * t->ncols + i] = strdup(s)) == NULL) {
			cli_err("out of memory");
			exit(CLI_EXIT_FAIL);
		}
	}
	va_end(ap);
	t->nrows++;
}

void
ct_print(const struct cli_table *t, FILE *fp, const char *none)
{
	size_t w[32], i, r, len;
	const char *s;

	if (t->nrows == 0) {
		fprintf(fp, "%s\n", none);
		return;
	}
	for (i = 0; i < t->ncols && i < 32; i++)
		w[i] = t->cols[i].head ? strlen(t->cols[i].head) : 0;
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols && i < 32; i++)
			if ((len = strlen(t->cells[r * t->ncols + i])) > w[i])
				w[i] = len;
	for (r = 0; r <= t->nrows; r++) {
		const char *sep = "";

		for (i = 0; i < t->ncols && i < 32; i++) {
			if (t->cols[i].head == NULL)
				continue;
			s = r == 0 ? t->cols[i].head :
			    t->cells[(r - 1) * t->ncols + i];
			/* The last column is not padded. */
			if (i + 1 == t->ncols)
				fprintf(fp, "%s%s", sep, s);
			else
				fprintf(fp, t->cols[i].num ? "%s%*s" : "%s%-*s",
				    sep, (int)w[i], s);
			sep = "  ";
		}
		fputc('\n', fp);
	}
}

void
ct_json(const struct cli_table *t, struct cli_json *j, const char *key)
{
	size_t r, i;
	const char *s;
	char *end;

	cj_open(j, key, '[');
	for (r = 0; r < t->nrows; r++) {
		cj_open(j, NULL, '{');
		for (i = 0; i < t->ncols; i++) {
			s = t->cells[r * t->ncols + i];
			if (t->cols[i].num) {
				unsigned long long v = strtoull(s, &end, 0);

				if (*s != '\0' && *end == '\0')
					cj_u64(j, t->cols[i].key, v);
				else
					cj_null(j, t->cols[i].key);
			} else if (strcmp(s, "-") == 0)
				cj_null(j, t->cols[i].key);	/* none */
			else
				cj_str(j, t->cols[i].key, s);
		}
		cj_close(j, '}');
	}
	cj_close(j, ']');
}

void
ct_free(struct cli_table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}

const char *
cli_bytes(uint64_t v, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double d = (double)v;
	size_t u = 0;

	while (d >= 1024 && u < 4) {
		d /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)v);
	else
		snprintf(buf, len, "%.1f %s", d, unit[u]);
	return buf;
}
