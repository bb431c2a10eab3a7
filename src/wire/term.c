/* term.c — the one place where wire errors become Terminate triples. */
#include "config.h"

#include <stddef.h>

#include "wire/term.h"

struct term_row {
	const char	*name;
	const char	*text;
	uint8_t		 layer, etype, ecode;
};

/* Rows in enum order: index = enum wire_err - 1. */
static const struct term_row term_rows[] = {
#define TERM_ROW(n, l, t, c, s) { #n, s, l, t, c },
	WIRE_ERR_TABLE(TERM_ROW)
#undef TERM_ROW
};

_Static_assert(sizeof(term_rows) / sizeof(term_rows[0]) ==
    WIRE_E__COUNT - 1, "one Terminate row per wire error");

/* Row of err, or NULL when err is not an error. */
static const struct term_row *
term_row(enum wire_err err)
{
	if ((int)err <= WIRE_OK || err >= WIRE_E__COUNT)
		return NULL;
	return &term_rows[err - 1];
}

int
term_triple_of(enum wire_err err, struct term_triple *t)
{
	const struct term_row *r = term_row(err);

	if (r == NULL) {
		t->layer = t->etype = t->ecode = 0;
		return -1;
	}
	t->layer = r->layer;
	t->etype = r->etype;
	t->ecode = r->ecode;
	return 0;
}

const char *
term_err_name(enum wire_err err)
{
	const struct term_row *r = term_row(err);

	if (err == WIRE_OK)
		return "OK";
	return r ? r->name : "?";
}

const char *
term_err_text(enum wire_err err)
{
	const struct term_row *r = term_row(err);

	if (err == WIRE_OK)
		return "no error";
	return r ? r->text : "unknown error";
}

/* Names of received triples, RFC 5040 §4.8 Figure 9, RFC 5041 §7.2,
 * RFC 5044 §8, RFC 6581 §8. */
struct term_name {
	uint8_t		 layer, etype;
	int		 ecode;		/* -1: any code */
	const char	*text;
};

static const struct term_name term_names[] = {
	{ 0, 0, -1, "RDMAP local catastrophic error" },
	{ 0, 1, 0x00, "RDMAP remote protection error: invalid STag" },
	{ 0, 1, 0x01, "RDMAP remote protection error: base or bounds violation" },
	{ 0, 1, 0x02, "RDMAP remote protection error: access rights violation" },
	{ 0, 1, 0x03, "RDMAP remote protection error: STag not associated with RDMAP stream" },
	{ 0, 1, 0x04, "RDMAP remote protection error: TO wrap" },
	{ 0, 1, 0x09, "RDMAP remote protection error: STag cannot be invalidated" },
	{ 0, 1, 0xff, "RDMAP remote protection error: unspecified" },
	{ 0, 2, 0x05, "RDMAP remote operation error: invalid RDMAP version" },
	{ 0, 2, 0x06, "RDMAP remote operation error: unexpected opcode" },
	{ 0, 2, 0x07, "RDMAP remote operation error: catastrophic, localized to stream" },
	{ 0, 2, 0x08, "RDMAP remote operation error: catastrophic, global" },
	{ 0, 2, 0x09, "RDMAP remote operation error: STag cannot be invalidated" },
	{ 0, 2, 0xff, "RDMAP remote operation error: unspecified" },
	{ 1, 0, -1, "DDP local catastrophic error" },
	{ 1, 1, 0x00, "DDP tagged buffer error: invalid STag" },
	{ 1, 1, 0x01, "DDP tagged buffer error: base or bounds violation" },
	{ 1, 1, 0x02, "DDP tagged buffer error: STag not associated with DDP stream" },
	{ 1, 1, 0x03, "DDP tagged buffer error: TO wrap" },
	{ 1, 1, 0x04, "DDP tagged buffer error: invalid DDP version" },
	{ 1, 2, 0x01, "DDP untagged buffer error: invalid QN" },
	{ 1, 2, 0x02, "DDP untagged buffer error: invalid MSN - no buffer available" },
	{ 1, 2, 0x03, "DDP untagged buffer error: invalid MSN - MSN range is not valid" },
	{ 1, 2, 0x04, "DDP untagged buffer error: invalid MO" },
	{ 1, 2, 0x05, "DDP untagged buffer error: DDP message too long for available buffer" },
	{ 1, 2, 0x06, "DDP untagged buffer error: invalid DDP version" },
	{ 2, 0, 0x01, "LLP error: connection closed, terminated or lost" },
	{ 2, 0, 0x02, "LLP error: MPA CRC mismatch" },
	{ 2, 0, 0x03, "LLP error: MPA marker and ULPDU length disagree" },
	{ 2, 0, 0x04, "LLP error: invalid request or reply frame" },
	{ 2, 0, 0x05, "LLP error: local catastrophic" },
	{ 2, 0, 0x06, "LLP error: insufficient IRD resources" },
	{ 2, 0, 0x07, "LLP error: no matching RTR option" },
};

const char *
term_triple_text(const struct term_triple *t)
{
	size_t i;

	for (i = 0; i < sizeof(term_names) / sizeof(term_names[0]); i++) {
		const struct term_name *n = &term_names[i];
		if (n->layer == t->layer && n->etype == t->etype &&
		    (n->ecode < 0 || n->ecode == t->ecode))
			return n->text;
	}
	return "unknown Terminate code";
}
