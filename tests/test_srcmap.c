/*
 * test_srcmap.c - unit tests for srcmap.c: line:column at line starts and
 * ends, CRLF, the last line, and the excerpt with its caret marker
 * (windows on long lines, UTF-8 alignment, masked secrets).
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "srcmap.h"
#include "testlib.h"
#include "util.h"

#define ELLIPSIS "\xe2\x80\xa6"

static void
assert_loc(struct dp_source *s, uint32_t offset, unsigned line, unsigned column)
{
	struct dp_location loc = {0, 0};

	ck_assert_int_eq(dp_srcmap_locate(s, offset, &loc), 0);
	ck_assert_msg(loc.line == line && loc.column == column,
		      "offset %u: %u:%u, expected %u:%u", offset, loc.line,
		      loc.column, line, column);
}

START_TEST(locate_lines)
{
	struct dp_source *s = tl_source("t.json", "ab\ncd\n\nef");

	assert_loc(s, 0, 1, 1);
	assert_loc(s, 1, 1, 2);
	assert_loc(s, 2, 1, 3); /* the newline itself */
	assert_loc(s, 3, 2, 1);
	assert_loc(s, 5, 2, 3);
	assert_loc(s, 6, 3, 1); /* an empty line */
	assert_loc(s, 7, 4, 1);
	assert_loc(s, 8, 4, 2);
	assert_loc(s, 9, 4, 3);	  /* the end, without a final newline */
	assert_loc(s, 500, 4, 3); /* clamped */
	ck_assert_uint_eq(s->n_lines, 4);
	dp_source_free(s);

	/* A final newline does not start a line of its own. */
	s = tl_source("t.json", "ab\ncd\n");
	assert_loc(s, 5, 2, 3);
	assert_loc(s, 6, 2, 3);
	assert_loc(s, 7, 2, 3);
	ck_assert_uint_eq(s->n_lines, 2);
	dp_source_free(s);

	s = tl_source("t.json", "");
	assert_loc(s, 0, 1, 1);
	assert_loc(s, 3, 1, 1);
	dp_source_free(s);

	s = tl_source("t.json", "\n\n\n");
	assert_loc(s, 0, 1, 1);
	assert_loc(s, 1, 2, 1);
	assert_loc(s, 2, 3, 1);
	assert_loc(s, 3, 3, 1);
	dp_source_free(s);
}
END_TEST

START_TEST(locate_crlf_and_utf8)
{
	/* Columns count bytes: 'é' is two. */
	struct dp_source *s = tl_source("t.json", "{\r\n\"\xc3\xa9\": 1\r\n}");

	assert_loc(s, 1, 1, 2);	 /* '\r' */
	assert_loc(s, 2, 1, 3);	 /* '\n' */
	assert_loc(s, 3, 2, 1);	 /* '"' */
	assert_loc(s, 7, 2, 5);	 /* ':' */
	assert_loc(s, 9, 2, 7);	 /* '1' */
	assert_loc(s, 12, 3, 1); /* '}' */
	dp_source_free(s);
}
END_TEST

struct excerpt {
	char *line;
	char *marker;
};

static struct excerpt
excerpt(struct dp_source *s, uint32_t start, uint32_t end, size_t width)
{
	struct dp_buf line = {0}, marker = {0};
	struct dp_span span = {start, end};
	struct excerpt e;

	ck_assert_int_eq(dp_srcmap_excerpt(s, span, width, &line, &marker), 0);
	e.line = dp_buf_steal(&line);
	e.marker = dp_buf_steal(&marker);
	return e;
}

static void
excerpt_free(struct excerpt *e)
{
	free(e->line);
	free(e->marker);
}

START_TEST(excerpt_simple)
{
	const char *text = "{\n  \"a\": \"value\",\r\n  \"b\": 1\n}";
	struct dp_source *s = tl_source("t.json", text);
	unsigned at = tl_offset_of(text, "\"value\"");
	struct excerpt e;

	e = excerpt(s, at, at + 7, 80);
	ck_assert_str_eq(e.line, "  \"a\": \"value\",");
	ck_assert_str_eq(e.marker, "       ^~~~~~~");
	excerpt_free(&e);

	/* An empty span is a caret alone. */
	at = tl_offset_of(text, "1\n");
	e = excerpt(s, at, at, 80);
	ck_assert_str_eq(e.line, "  \"b\": 1");
	ck_assert_str_eq(e.marker, "       ^");
	excerpt_free(&e);

	/* A span running over several lines stops at the line end. */
	at = tl_offset_of(text, "\"a\"");
	e = excerpt(s, at, (uint32_t) strlen(text), 80);
	ck_assert_str_eq(e.line, "  \"a\": \"value\",");
	ck_assert_str_eq(e.marker, "  ^~~~~~~~~~~~~");
	excerpt_free(&e);

	/* On the line break: the caret goes after the text. */
	at = tl_offset_of(text, "\r\n");
	e = excerpt(s, at, at + 1, 80);
	ck_assert_str_eq(e.line, "  \"a\": \"value\",");
	ck_assert_str_eq(e.marker, "               ^");
	excerpt_free(&e);
	dp_source_free(s);
}
END_TEST

START_TEST(excerpt_end_of_file)
{
	struct dp_source *s = tl_source("t.json", "[1,\n");
	struct excerpt e;

	e = excerpt(s, 4, 4, 80);
	ck_assert_str_eq(e.line, "[1,");
	ck_assert_str_eq(e.marker, "   ^");
	excerpt_free(&e);
	dp_source_free(s);

	s = tl_source("t.json", "");
	e = excerpt(s, 0, 0, 80);
	ck_assert_str_eq(e.line, "");
	ck_assert_str_eq(e.marker, "^");
	excerpt_free(&e);
	dp_source_free(s);
}
END_TEST

START_TEST(excerpt_controls_and_utf8)
{
	/* A tab is one space; 'é' and '€' are one marker column each. */
	const char *text = "\t\"\xc3\xa9\xe2\x82\xac\x01\": \"x\"";
	struct dp_source *s = tl_source("t.json", text);
	unsigned at = tl_offset_of(text, "\"x\"");
	struct excerpt e;

	e = excerpt(s, at, at + 3, 80);
	ck_assert_str_eq(e.line, " \"\xc3\xa9\xe2\x82\xac \": \"x\"");
	ck_assert_str_eq(e.marker, "        ^~~");
	excerpt_free(&e);

	/* A span starting on a multi-byte character. */
	at = tl_offset_of(text, "\xe2\x82\xac");
	e = excerpt(s, at, at + 3, 80);
	ck_assert_str_eq(e.marker, "   ^");
	excerpt_free(&e);
	dp_source_free(s);

	/* Bytes that are not UTF-8 are never copied out. */
	s = NULL;
	ck_assert_int_eq(dp_source_from_memory("t", "[\"\xff\"]", 5, &s), 0);
	e = excerpt(s, 2, 3, 80);
	ck_assert_str_eq(e.line, "[\"?\"]");
	ck_assert_str_eq(e.marker, "  ^");
	excerpt_free(&e);
	dp_source_free(s);
}
END_TEST

START_TEST(excerpt_secrets)
{
	const char *text = "{\"Password\": \"hunter2\xc3\xa9\", \"x\": 1}";
	struct dp_source *s = tl_source("t.json", text);
	unsigned pw = tl_offset_of(text, "hunter2");
	struct dp_span secret = {pw, pw + 9};
	struct excerpt e;
	unsigned at;

	ck_assert_int_eq(dp_source_add_secret(s, secret), 0);
	ck_assert(dp_source_is_secret(s, pw));
	ck_assert(dp_source_is_secret(s, pw + 8));
	ck_assert(!dp_source_is_secret(s, pw + 9));
	ck_assert(!dp_source_is_secret(s, pw - 1));

	at = tl_offset_of(text, "\"x\"");
	e = excerpt(s, at, at + 3, 80);
	ck_assert_str_eq(e.line, "{\"Password\": \"********\", \"x\": 1}");
	ck_assert_str_eq(e.marker, "                         ^~~");
	ck_assert_ptr_null(strstr(e.line, "hunter"));
	excerpt_free(&e);
	dp_source_free(s);
}
END_TEST

START_TEST(secret_spans_merge)
{
	struct dp_source *s = tl_source("t", "0123456789012345678901234567890");
	struct dp_span spans[] = {
		{20, 22}, {2, 4},   {10, 12}, {3, 6},	{12, 13},
		{0, 0},	  {25, 27}, {8, 21},  {26, 30},
		/* Spans already covered, out of order: no change. */
		{9, 21},  {2, 6},   {3, 5},   {25, 30}, {8, 22},
	};
	size_t i;

	for (i = 0; i < DP_ARRAY_SIZE(spans); i++)
		ck_assert_int_eq(dp_source_add_secret(s, spans[i]), 0);
	/* {2,6} {8,22} {25,30} */
	ck_assert_uint_eq(s->n_secrets, 3);
	ck_assert_uint_eq(s->secrets[0].start, 2);
	ck_assert_uint_eq(s->secrets[0].end, 6);
	ck_assert_uint_eq(s->secrets[1].start, 8);
	ck_assert_uint_eq(s->secrets[1].end, 22);
	ck_assert_uint_eq(s->secrets[2].start, 25);
	ck_assert_uint_eq(s->secrets[2].end, 30);
	for (i = 0; i < 32; i++) {
		bool want = (i >= 2 && i < 6) || (i >= 8 && i < 22) ||
			    (i >= 25 && i < 30);

		ck_assert_msg(dp_source_is_secret(s, (uint32_t) i) == want,
			      "offset %zu", i);
	}
	dp_source_free(s);
}
END_TEST

/* A one-line terraform plan: 100 KB, the finding in the middle. */
START_TEST(excerpt_long_line)
{
	size_t len = 100000, at = 50000, i;
	char *text = malloc(len + 1);
	struct dp_source *s;
	struct excerpt e;
	char *caret;
	size_t spaces;

	for (i = 0; i < len; i++)
		text[i] = (char) ('a' + i % 26);
	memcpy(text + at, "NEEDLE", 6);
	text[len] = '\0';
	s = tl_source("plan.json", text);

	e = excerpt(s, (uint32_t) at, (uint32_t) at + 6, 80);
	ck_assert_int_eq(strncmp(e.line, ELLIPSIS, 3), 0);
	ck_assert_str_eq(e.line + strlen(e.line) - 3, ELLIPSIS);
	ck_assert_uint_eq(strlen(e.line), 3 + 80 + 3);
	ck_assert_ptr_nonnull(strstr(e.line, "NEEDLE"));
	/* The window starts a quarter width before the span. */
	ck_assert_int_eq(strncmp(e.line + 3 + 20, "NEEDLE", 6), 0);
	caret = strchr(e.marker, '^');
	ck_assert_ptr_nonnull(caret);
	spaces = (size_t) (caret - e.marker);
	ck_assert_uint_eq(spaces, 1 + 20); /* the "…" is one column */
	ck_assert_str_eq(caret, "^~~~~~");
	excerpt_free(&e);

	/* Near the start: no leading "…". */
	e = excerpt(s, 5, 7, 80);
	ck_assert_int_eq(strncmp(e.line, "abcdefg", 7), 0);
	ck_assert_str_eq(e.marker, "     ^~");
	ck_assert_uint_eq(strlen(e.line), 80 + 3);
	excerpt_free(&e);

	/* Near the end: no trailing "…", the window ends with the line. */
	e = excerpt(s, (uint32_t) len - 2, (uint32_t) len, 80);
	ck_assert_int_eq(strncmp(e.line, ELLIPSIS, 3), 0);
	ck_assert_uint_eq(strlen(e.line), 3 + 80);
	ck_assert_str_eq(e.marker + 1 + 78, "^~");
	excerpt_free(&e);

	/* A span longer than the window is cut with it. */
	e = excerpt(s, (uint32_t) at, (uint32_t) at + 1000, 80);
	ck_assert_uint_eq(strlen(e.marker), 1 + 20 + 60);
	excerpt_free(&e);

	/* Width 0: the whole line. */
	e = excerpt(s, (uint32_t) at, (uint32_t) at + 6, 0);
	ck_assert_uint_eq(strlen(e.line), len);
	excerpt_free(&e);
	dp_source_free(s);
	free(text);
}
END_TEST

/* Windows never cut a UTF-8 character in two. */
START_TEST(excerpt_long_utf8_line)
{
	struct dp_buf text = {0};
	struct dp_source *s;
	size_t i, at;
	struct excerpt e;
	size_t off;

	for (i = 0; i < 3000; i++)
		ck_assert_int_eq(
			dp_buf_puts(&text, i % 2 ? "\xc3\xa9" : "\xe2\x82\xac"),
			0);
	at = text.len / 2 + 1; /* inside a character: fine too */
	s = tl_source("t.json", text.data);
	for (i = 0; i < 7; i++) {
		const char *p;
		size_t columns = 0;

		e = excerpt(s, (uint32_t) (at + i), (uint32_t) (at + i + 4),
			    81);
		ck_assert_int_eq(dp_utf8_check(e.line, strlen(e.line), &off),
				 DP_ENC_OK);
		ck_assert_uint_le(strlen(e.line), 3 + 81 + 3);
		/* The marker lines up: one column per code point. */
		for (p = e.line; *p; p++)
			columns += ((unsigned char) *p & 0xC0) != 0x80;
		ck_assert_uint_le(strlen(e.marker), columns);
		ck_assert_ptr_nonnull(strchr(e.marker, '^'));
		excerpt_free(&e);
	}
	dp_source_free(s);
	dp_buf_free(&text);
}
END_TEST

START_TEST(excerpt_appends)
{
	struct dp_source *s = tl_source("t.json", "[1]");
	struct dp_buf line = {0}, marker = {0};
	struct dp_span span = {1, 2};

	ck_assert_int_eq(dp_buf_puts(&line, "> "), 0);
	ck_assert_int_eq(dp_buf_puts(&marker, "> "), 0);
	ck_assert_int_eq(dp_srcmap_excerpt(s, span, 80, &line, &marker), 0);
	ck_assert_str_eq(line.data, "> [1]");
	ck_assert_str_eq(marker.data, ">  ^");
	dp_buf_free(&line);
	dp_buf_free(&marker);
	dp_source_free(s);
}
END_TEST

static Suite *
srcmap_suite(void)
{
	Suite *s = suite_create("srcmap");
	TCase *tc = tcase_create("srcmap");

	tcase_add_test(tc, locate_lines);
	tcase_add_test(tc, locate_crlf_and_utf8);
	tcase_add_test(tc, excerpt_simple);
	tcase_add_test(tc, excerpt_end_of_file);
	tcase_add_test(tc, excerpt_controls_and_utf8);
	tcase_add_test(tc, excerpt_secrets);
	tcase_add_test(tc, secret_spans_merge);
	tcase_add_test(tc, excerpt_long_line);
	tcase_add_test(tc, excerpt_long_utf8_line);
	tcase_add_test(tc, excerpt_appends);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(srcmap_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
