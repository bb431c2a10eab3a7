/* test_term.c — every wire error maps to its RFC Terminate triple. */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "tutil.h"
#include "wire/term.h"

/*
 * The expected triple of every wire error, written out here from the RFC
 * tables (not by expanding WIRE_ERR_TABLE): RFC 5040 §4.8 Figure 9 for
 * layer 0, RFC 5041 §7.2 for layer 1, RFC 5044 §8 and RFC 6581 §8 for
 * layer 2.  Where the RFCs name no code, the choice documented in
 * src/wire/wire_err.h and src/wire/rdmap.h is repeated with its reason.
 * A row added to WIRE_ERR_TABLE without a line here fails t_complete.
 */
#define E(n, l, t, c)	{ WIRE_E_##n, #n, l, t, c }

static const struct term_t_row {
	enum wire_err	 err;
	const char	*name;
	uint8_t		 layer, etype, ecode;
} term_t_rows[] = {
	/* RFC 5041 §7.2, layer 1 DDP; type 1 tagged, type 2 untagged. */
	E(DDP_T_VERSION, 1, 1, 0x04),		/* Invalid DDP version */
	E(DDP_U_VERSION, 1, 2, 0x06),		/* Invalid DDP version */
	E(DDP_T_INV_STAG, 1, 1, 0x00),		/* Invalid STag */
	E(DDP_T_BOUNDS, 1, 1, 0x01),		/* Base or bounds violation */
	E(DDP_T_STAG_NOT_ASSOC, 1, 1, 0x02),	/* STag not associated */
	E(DDP_T_TO_WRAP, 1, 1, 0x03),		/* TO wrap */
	E(DDP_U_INV_QN, 1, 2, 0x01),		/* Invalid QN */
	E(DDP_U_NO_BUF, 1, 2, 0x02),		/* MSN: no buffer */
	E(DDP_U_MSN_RANGE, 1, 2, 0x03),		/* MSN range not valid */
	E(DDP_U_INV_MO, 1, 2, 0x04),		/* Invalid MO */
	E(DDP_U_TOO_LONG, 1, 2, 0x05),		/* Message too long */
	/* RFC 5040 Figure 9, layer 0 RDMA, type 2 Remote Operation. */
	E(RDMAP_SHORT, 0, 2, 0x07),		/* malformed: catastrophic,
						 * localized to stream */
	E(RDMAP_VERSION, 0, 2, 0x05),		/* Invalid RDMAP version */
	E(RDMAP_OPCODE, 0, 2, 0x06),		/* Unexpected OpCode */
	E(RDMAP_CATA_STREAM, 0, 2, 0x07),	/* localized to stream */
	E(RDMAP_CATA_GLOBAL, 0, 2, 0x08),	/* Catastrophic, global */
	E(RDMAP_OP_CANT_INVALIDATE, 0, 2, 0x09), /* STag can't be inv. */
	E(RDMAP_OP_UNSPEC, 0, 2, 0xff),		/* Unspecified Error */
	/* Type 0 Local Catastrophic (no code: 0 is sent). */
	E(RDMAP_LOCAL_CATA, 0, 0, 0x00),
	/* Type 1 Remote Protection. */
	E(RDMAP_INV_STAG, 0, 1, 0x00),		/* Invalid STag */
	E(RDMAP_BASE_BOUNDS, 0, 1, 0x01),	/* Base or bounds */
	E(RDMAP_ACCESS, 0, 1, 0x02),		/* Access rights */
	E(RDMAP_STAG_NOT_ASSOC, 0, 1, 0x03),	/* STag not associated */
	E(RDMAP_TO_WRAP, 0, 1, 0x04),		/* TO wrap */
	E(RDMAP_PROT_CANT_INVALIDATE, 0, 1, 0x09), /* STag can't be inv. */
	E(RDMAP_PROT_UNSPEC, 0, 1, 0xff),	/* Unspecified Error */
	/* RFC 7306 §8.2: misaligned atomic is "Remote Operation Error ...
	 * Catastrophic error, localized to RDMAP Stream". */
	E(RDMAP_ATOMIC_ALIGN, 0, 2, 0x07),
	/* RFC 7306 §5.2.1 rule 4 names no code: Unexpected OpCode. */
	E(RDMAP_ATOMIC_AOPCODE, 0, 2, 0x06),
	/* Malformed messages: localized to stream (wire_err.h, rdmap.h). */
	E(RDMAP_TERM_HDR, 0, 2, 0x07),
	E(RDMAP_EXCESS, 0, 2, 0x07),
	/* RFC 5044 §8 codes 1-4, RFC 6581 §8 codes 5-7; layer 2, type 0. */
	E(MPA_CONN_LOST, 2, 0, 0x01),		/* connection closed/lost */
	E(MPA_CRC, 2, 0, 0x02),			/* CRC mismatch */
	E(MPA_MARKER, 2, 0, 0x03),		/* Marker vs ULPDU Length */
	E(MPA_ULPDU_LEN, 2, 0, 0x03),		/* framing lost (wire_err.h) */
	E(MPA_BAD_KEY, 2, 0, 0x04),		/* invalid Request/Reply */
	E(MPA_BAD_REV, 2, 0, 0x04),
	E(MPA_PD_TOO_LONG, 2, 0, 0x04),
	E(MPA_BAD_FRAME, 2, 0, 0x04),
	E(MPA_LOCAL_CATA, 2, 0, 0x05),		/* Local catastrophic */
	E(MPA_IRD, 2, 0, 0x06),			/* Insufficient IRD */
	E(MPA_RTR, 2, 0, 0x07),			/* No matching RTR option */
	/* RFC 5043 has no codes; RFC 6581 §8 reports connection setup on
	 * both LLPs as layer 2 type 0: a bad session control message is
	 * the invalid Request/Reply frame, 0x04. */
	E(SSC_SHORT, 2, 0, 0x04),
	E(SSC_FUNCTION, 2, 0, 0x04),
	E(SSC_PD_TOO_LONG, 2, 0, 0x04),
	E(SSC_TERM_PD, 2, 0, 0x04),
	E(SSC_ENH_SHORT, 2, 0, 0x04),
	/* A broken DDP Segment chunk is a malformed message on the stream. */
	E(SSC_SEGMENT_SHORT, 0, 2, 0x07),
	E(SSC_SSN_WINDOW, 0, 2, 0x07),
};

#undef E

#define TERM_T_NROWS	(sizeof(term_t_rows) / sizeof(term_t_rows[0]))

/* One line per enum value, no gaps, no extras, no duplicates. */
static void
t_complete(void)
{
	unsigned char seen[WIRE_E__COUNT];
	size_t i;
	int e;

	CU_ASSERT_EQUAL(TERM_T_NROWS, (size_t)WIRE_E__COUNT - 1);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < TERM_T_NROWS; i++) {
		e = (int)term_t_rows[i].err;
		CU_ASSERT_TRUE_FATAL(e > WIRE_OK && e < WIRE_E__COUNT);
		CU_ASSERT_EQUAL(seen[e], 0);
		seen[e] = 1;
	}
	for (e = 1; e < WIRE_E__COUNT; e++)
		CU_ASSERT_EQUAL(seen[e], 1);
}

/* term_triple_of() gives the RFC triple for every row. */
static void
t_triples(void)
{
	struct term_triple t;
	size_t i;

	for (i = 0; i < TERM_T_NROWS; i++) {
		memset(&t, 0xee, sizeof(t));
		CU_ASSERT_EQUAL(term_triple_of(term_t_rows[i].err, &t), 0);
		CU_ASSERT_EQUAL(t.layer, term_t_rows[i].layer);
		CU_ASSERT_EQUAL(t.etype, term_t_rows[i].etype);
		CU_ASSERT_EQUAL(t.ecode, term_t_rows[i].ecode);
		/* Every mapped triple is one the RFC tables define. */
		CU_ASSERT_STRING_NOT_EQUAL(term_triple_text(&t),
		    "unknown Terminate code");
	}
}

/* Names match the enum, texts say something, names are unique. */
static void
t_names(void)
{
	const char *n, *x;
	size_t i, j;

	for (i = 0; i < TERM_T_NROWS; i++) {
		n = term_err_name(term_t_rows[i].err);
		x = term_err_text(term_t_rows[i].err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(n);
		CU_ASSERT_PTR_NOT_NULL_FATAL(x);
		CU_ASSERT_STRING_EQUAL(n, term_t_rows[i].name);
		CU_ASSERT_TRUE(x[0] != '\0');
		CU_ASSERT_STRING_NOT_EQUAL(x, "unknown error");
		for (j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(n,
			    term_err_name(term_t_rows[j].err));
	}
}

/* WIRE_OK and out-of-range values are not errors. */
static void
t_out_of_range(void)
{
	static const int bad[] = { WIRE_OK, WIRE_E__COUNT, WIRE_E__COUNT + 1,
	    -1, 1000, INT32_MIN };
	struct term_triple t;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&t, 0xee, sizeof(t));
		CU_ASSERT_EQUAL(term_triple_of((enum wire_err)bad[i], &t), -1);
		CU_ASSERT_EQUAL(t.layer, 0);
		CU_ASSERT_EQUAL(t.etype, 0);
		CU_ASSERT_EQUAL(t.ecode, 0);
		if (bad[i] != WIRE_OK) {
			CU_ASSERT_STRING_EQUAL(
			    term_err_name((enum wire_err)bad[i]), "?");
			CU_ASSERT_STRING_EQUAL(
			    term_err_text((enum wire_err)bad[i]),
			    "unknown error");
		}
	}
	CU_ASSERT_STRING_EQUAL(term_err_name(WIRE_OK), "OK");
	CU_ASSERT_STRING_EQUAL(term_err_text(WIRE_OK), "no error");
}

/* Case-insensitive "needle in haystack". */
static int
term_t_contains(const char *hay, const char *needle)
{
	size_t i, n = strlen(needle);

	for (; *hay != '\0'; hay++) {
		for (i = 0; i < n; i++)
			if (tolower((unsigned char)hay[i]) !=
			    tolower((unsigned char)needle[i]))
				break;
		if (i == n)
			return 1;
	}
	return 0;
}

/*
 * Every triple of RFC 5040 Figure 9, RFC 5041 §7.2, RFC 5044 §8 and
 * RFC 6581 §8 with a key phrase of its RFC name and its layer's word.
 */
static const struct {
	uint8_t		 layer, etype, ecode;
	const char	*phrase;
} term_t_texts[] = {
	/* RFC 5040 Figure 9 */
	{ 0, 0, 0x00, "catastrophic" },
	{ 0, 0, 0x5a, "catastrophic" },		/* "Any value ... acceptable" */
	{ 0, 1, 0x00, "invalid STag" },
	{ 0, 1, 0x01, "base or bounds" },
	{ 0, 1, 0x02, "access rights" },
	{ 0, 1, 0x03, "not associated with RDMAP stream" },
	{ 0, 1, 0x04, "TO wrap" },
	{ 0, 1, 0x09, "cannot be invalidated" },
	{ 0, 1, 0xff, "unspecified" },
	{ 0, 2, 0x05, "RDMAP version" },
	{ 0, 2, 0x06, "opcode" },
	{ 0, 2, 0x07, "localized" },
	{ 0, 2, 0x08, "global" },
	{ 0, 2, 0x09, "cannot be invalidated" },
	{ 0, 2, 0xff, "unspecified" },
	/* RFC 5041 §7.2 */
	{ 1, 0, 0x00, "catastrophic" },
	{ 1, 1, 0x00, "invalid STag" },
	{ 1, 1, 0x01, "base or bounds" },
	{ 1, 1, 0x02, "not associated with DDP stream" },
	{ 1, 1, 0x03, "TO wrap" },
	{ 1, 1, 0x04, "DDP version" },
	{ 1, 2, 0x01, "invalid QN" },
	{ 1, 2, 0x02, "no buffer available" },
	{ 1, 2, 0x03, "MSN range" },
	{ 1, 2, 0x04, "invalid MO" },
	{ 1, 2, 0x05, "too long" },
	{ 1, 2, 0x06, "DDP version" },
	/* RFC 5044 §8 */
	{ 2, 0, 0x01, "connection" },
	{ 2, 0, 0x02, "CRC" },
	{ 2, 0, 0x03, "marker" },
	{ 2, 0, 0x04, "request or reply frame" },
	/* RFC 6581 §8 */
	{ 2, 0, 0x05, "local catastrophic" },
	{ 2, 0, 0x06, "IRD" },
	{ 2, 0, 0x07, "RTR" },
};

static void
t_triple_text(void)
{
	static const char *layer_word[] = { "RDMAP", "DDP", "LLP" };
	struct term_triple t;
	const char *s;
	size_t i, j;

	for (i = 0; i < sizeof(term_t_texts) / sizeof(term_t_texts[0]); i++) {
		t.layer = term_t_texts[i].layer;
		t.etype = term_t_texts[i].etype;
		t.ecode = term_t_texts[i].ecode;
		s = term_triple_text(&t);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT_TRUE(term_t_contains(s, term_t_texts[i].phrase));
		CU_ASSERT_TRUE(term_t_contains(s, layer_word[t.layer]));
		CU_ASSERT_STRING_NOT_EQUAL(s, "unknown Terminate code");
		/* Distinct codes of one (layer, type) read differently. */
		for (j = 0; j < i; j++)
			if (term_t_texts[j].layer == t.layer &&
			    term_t_texts[j].etype == t.etype &&
			    t.etype != 0 && t.layer != 2)
				CU_ASSERT_STRING_NOT_EQUAL(s, term_triple_text(
				    &(struct term_triple){ t.layer, t.etype,
				    term_t_texts[j].ecode }));
	}
}

/* Codes the RFC tables do not define. */
static void
t_triple_text_unknown(void)
{
	static const struct term_triple unknown[] = {
		{ 0, 1, 0x05 }, { 0, 1, 0x08 }, { 0, 1, 0xfe },
		{ 0, 2, 0x00 }, { 0, 2, 0x04 }, { 0, 2, 0x0a },
		{ 0, 3, 0x00 }, { 0, 0xf, 0x00 },
		{ 1, 1, 0x05 }, { 1, 2, 0x00 }, { 1, 2, 0x07 },
		{ 1, 3, 0x00 },			/* "Reserved for ... the LLP" */
		{ 2, 0, 0x00 }, { 2, 0, 0x08 }, { 2, 1, 0x01 },
		{ 3, 0, 0x00 }, { 0xf, 0xf, 0xff },
	};
	size_t i;

	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		CU_ASSERT_STRING_EQUAL(term_triple_text(&unknown[i]),
		    "unknown Terminate code");
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "expectation table covers every row", t_complete },
		{ "term_triple_of, every row", t_triples },
		{ "names and texts", t_names },
		{ "WIRE_OK and out of range", t_out_of_range },
		{ "term_triple_text, every RFC triple", t_triple_text },
		{ "term_triple_text, undefined", t_triple_text_unknown },
		{ NULL, NULL }
	};

	return tutil_run("term", cases);
}
