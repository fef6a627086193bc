/*
 * test_json.c - unit tests for input.c, json.c and json_load.c: encoding
 * checks, the located tree (kinds, exact spans of nodes and keys),
 * invalid JSON messages and positions, limits, duplicate keys, and
 * embedded documents mapped through escapes to the outer file.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "input.h"
#include "json.h"
#include "srcmap.h"
#include "testlib.h"
#include "util.h"

#define ck_assert_span(sp, s, e)                                               \
	do {                                                                   \
		ck_assert_uint_eq((sp).start, (s));                            \
		ck_assert_uint_eq((sp).end, (e));                              \
	} while (0)

struct parsed {
	struct dp_source *source;
	struct dp_doc *doc;
};

static struct parsed
parse_len(const char *text, size_t len, const struct dp_json_limits *limits)
{
	struct parsed p = {0};

	ck_assert_int_eq(dp_source_from_memory("t.json", text, len, &p.source),
			 0);
	ck_assert_int_eq(dp_doc_parse(p.source, limits, &p.doc), 0);
	ck_assert_ptr_nonnull(p.doc);
	return p;
}

static struct parsed
parse(const char *text)
{
	return parse_len(text, strlen(text), NULL);
}

static void
parsed_free(struct parsed *p)
{
	dp_doc_free(p->doc);
	dp_source_free(p->source);
}

/* The one diagnostic of an invalid document. */
static const struct dp_diag *
only_diag(const struct parsed *p, enum dp_diag_kind kind)
{
	ck_assert_uint_eq(p->doc->n_diags, 1);
	ck_assert_int_eq(p->doc->diags[0].kind, kind);
	return &p->doc->diags[0];
}

/* ---- input: encodings ----------------------------------------------- */

START_TEST(encoding_problems)
{
	static const struct {
		const char *bytes;
		size_t len;
		enum dp_encoding_problem problem;
		uint32_t offset;
		uint32_t body;
	} cases[] = {
		{"", 0, DP_ENC_EMPTY, 0, 0},
		{" \n\t\r ", 5, DP_ENC_EMPTY, 0, 0},
		{"\xEF\xBB\xBF", 3, DP_ENC_EMPTY, 0, 3},
		{"\xEF\xBB\xBF \n", 5, DP_ENC_EMPTY, 0, 3},
		{"\xEF\xBB\xBF{}", 5, DP_ENC_OK, 0, 3},
		{"\xFF\xFE{\0}\0", 6, DP_ENC_UTF16, 0, 0},
		{"\xFE\xFF\0{\0}", 6, DP_ENC_UTF16, 0, 0},
		{"\0\0\xFE\xFF", 4, DP_ENC_UTF16, 0, 0},
		{"\xFF\xFE\0\0{\0\0\0", 8, DP_ENC_UTF16, 0, 0},
		{"{\"a\": 1}\0", 9, DP_ENC_NUL, 8, 0},
		{"{\0", 2, DP_ENC_NUL, 1, 0},
		{"{\"a\": \"\xC3\x28\"}", 11, DP_ENC_BAD_UTF8, 7, 0},
		{"{\"a\": 1}\xFF", 9, DP_ENC_BAD_UTF8, 8, 0},
		{"[\"\xC0\xAF\"]", 6, DP_ENC_BAD_UTF8, 2, 0},	  /* overlong */
		{"[\"\xE0\x80\xAF\"]", 7, DP_ENC_BAD_UTF8, 2, 0}, /* overlong */
		{"[\"\xF0\x80\x80\xAF\"]", 8, DP_ENC_BAD_UTF8, 2,
		 0}, /* overlong */
		{"[\"\xED\xA0\x80\"]", 7, DP_ENC_BAD_UTF8, 2,
		 0}, /* surrogate */
		{"[\"\xF4\x90\x80\x80\"]", 8, DP_ENC_BAD_UTF8, 2,
		 0}, /* > 10FFFF */
		{"[\"\xF5\x80\x80\x80\"]", 8, DP_ENC_BAD_UTF8, 2, 0},
		{"[\"\x80\"]", 5, DP_ENC_BAD_UTF8, 2, 0},     /* continuation */
		{"[\"\xE2\x82\"]", 6, DP_ENC_BAD_UTF8, 2, 0}, /* truncated */
		{"[\"x\xE2\x82", 5, DP_ENC_BAD_UTF8, 3, 0},   /* cut by EOF */
		{"[\"\xF0\x9F\x98\x80\"]", 8, DP_ENC_OK, 0, 0},
		{"[\"\xF4\x8F\xBF\xBF\xEF\xBF\xBF\xC2\x80\"]", 13, DP_ENC_OK, 0,
		 0},
		{"{}", 2, DP_ENC_OK, 0, 0},
	};
	size_t i;

	for (i = 0; i < DP_ARRAY_SIZE(cases); i++) {
		struct dp_source *s = NULL;

		ck_assert_int_eq(dp_source_from_memory("m", cases[i].bytes,
						       cases[i].len, &s),
				 0);
		ck_assert_msg(s->problem == cases[i].problem,
			      "case %zu: problem %d, expected %d", i,
			      s->problem, cases[i].problem);
		ck_assert_msg(s->problem_offset == cases[i].offset,
			      "case %zu: offset %u, expected %u", i,
			      s->problem_offset, cases[i].offset);
		ck_assert_uint_eq(s->body, cases[i].body);
		ck_assert_uint_eq(s->len, cases[i].len);
		ck_assert_int_eq(s->data[s->len], '\0');
		dp_source_free(s);
	}
	dp_source_free(NULL);
}
END_TEST

/* The fast path reads 16 bytes at a time: put the bad byte everywhere. */
START_TEST(utf8_check_every_position)
{
	char buf[80];
	size_t pos, off;

	for (pos = 0; pos < 70; pos++) {
		memset(buf, 'a', sizeof(buf));
		buf[pos] = '\0';
		off = 999;
		ck_assert_int_eq(dp_utf8_check(buf, sizeof(buf), &off),
				 DP_ENC_NUL);
		ck_assert_uint_eq(off, pos);

		memset(buf, 'a', sizeof(buf));
		buf[pos] = (char) 0xBF;
		ck_assert_int_eq(dp_utf8_check(buf, sizeof(buf), &off),
				 DP_ENC_BAD_UTF8);
		ck_assert_uint_eq(off, pos);

		/* A valid 3-byte character there is fine. */
		memset(buf, 'a', sizeof(buf));
		memcpy(buf + pos, "\xE2\x82\xAC", 3);
		ck_assert_int_eq(dp_utf8_check(buf, sizeof(buf), &off),
				 DP_ENC_OK);
	}
	ck_assert_int_eq(dp_utf8_check("", 0, &off), DP_ENC_OK);
	ck_assert_uint_eq(dp_utf8_seq_len("\xC3\xA9", 2), 2);
	ck_assert_uint_eq(dp_utf8_seq_len("\xC3\xA9", 1), 0);
	ck_assert_uint_eq(dp_utf8_seq_len("\xC1\xBF", 2), 0);
	ck_assert_uint_eq(dp_utf8_seq_len("\xEF\xBF\xBF", 3), 3);
}
END_TEST

START_TEST(encoding_problem_diag)
{
	struct parsed p;
	const struct dp_diag *d;

	p = parse_len("{\"a\": 1}\0", 9, NULL);
	d = only_diag(&p, DP_DIAG_INVALID_JSON);
	ck_assert_ptr_null(p.doc->root);
	ck_assert_str_eq(d->msg,
			 "file holds a NUL byte: binary data, not JSON");
	ck_assert_span(d->span, 8, 9);
	ck_assert_str_eq(d->pointer, "");
	parsed_free(&p);

	p = parse("");
	d = only_diag(&p, DP_DIAG_INVALID_JSON);
	ck_assert_str_eq(d->msg, "file is empty");
	ck_assert_span(d->span, 0, 0);
	parsed_free(&p);

	p = parse("\xEF\xBB\xBF  \n");
	d = only_diag(&p, DP_DIAG_INVALID_JSON);
	ck_assert_str_eq(d->msg, "file is empty");
	parsed_free(&p);

	p = parse("\xFF\xFE{");
	d = only_diag(&p, DP_DIAG_INVALID_JSON);
	ck_assert_str_eq(d->msg, "file starts with a UTF-16 or UTF-32 byte "
				 "order mark: save it as UTF-8");
	parsed_free(&p);

	p = parse("{\"a\": \"\xC3\x28\"}");
	d = only_diag(&p, DP_DIAG_INVALID_JSON);
	ck_assert_str_eq(d->msg, "invalid UTF-8 byte sequence");
	ck_assert_span(d->span, 7, 8);
	parsed_free(&p);

	p = parse("{\"a\": 1}\xFF");
	d = only_diag(&p, DP_DIAG_INVALID_JSON);
	ck_assert_str_eq(d->msg, "invalid UTF-8 byte sequence");
	ck_assert_span(d->span, 8, 9);
	parsed_free(&p);
}
END_TEST

START_TEST(bom_offsets_stay_absolute)
{
	const char *text = "\xEF\xBB\xBF{\"a\": [true]}";
	struct parsed p = parse(text);
	const struct dp_json *root = p.doc->root, *a;

	ck_assert_uint_eq(p.source->body, 3);
	ck_assert_ptr_nonnull(root);
	ck_assert_uint_eq(p.doc->n_diags, 0);
	ck_assert_span(root->span, 3, strlen(text));
	ck_assert_span(root->u.members[0].key_span, 4, 7);
	a = dp_json_get(root, "a");
	ck_assert_span(a->span, tl_offset_of(text, "[true"),
		       tl_offset_of(text, "]}") + 1);
	ck_assert_span(a->u.items[0]->span, tl_offset_of(text, "true"),
		       tl_offset_of(text, "true") + 4);
	parsed_free(&p);
}
END_TEST

/* ---- input: files and pipes ----------------------------------------- */

START_TEST(read_files)
{
	char dir[] = "/tmp/dp-test-XXXXXX";
	char *path;
	struct dp_source *s = NULL;
	FILE *f;
	size_t i;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(dp_source_read(dir, 1024, &s), -EISDIR);
	ck_assert_ptr_null(s);

	path = dp_asprintf("%s/a.json", dir);
	ck_assert_int_eq(dp_source_read(path, 1024, &s), -ENOENT);

	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	for (i = 0; i < 100000; i++)
		fputc('a' + (int) (i % 26), f);
	ck_assert_int_eq(fclose(f), 0);

	ck_assert_int_eq(dp_source_read(path, 99999, &s), -EFBIG);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(dp_source_read(path, 100000, &s), 0);
	ck_assert_uint_eq(s->len, 100000);
	ck_assert_str_eq(s->path, path);
	ck_assert_int_eq(s->data[99999], 'a' + (int) (99999 % 26));
	ck_assert_int_eq(s->data[100000], '\0');
	ck_assert_int_eq(s->problem, DP_ENC_OK);
	dp_source_free(s);
	s = NULL;

	/* Empty file. */
	f = fopen(path, "wb");
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(dp_source_read(path, 0, &s), 0);
	ck_assert_uint_eq(s->len, 0);
	ck_assert_int_eq(s->problem, DP_ENC_EMPTY);
	dp_source_free(s);

	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	free(path);
}
END_TEST

/* A pipe has no size: read until EOF, with the limit checked while
 * reading. */
START_TEST(read_pipe)
{
	int fds[2], saved;
	struct dp_source *s = NULL;
	char chunk[4096];
	pid_t pid;
	size_t total = 300000, i;

	memset(chunk, ' ', sizeof(chunk));
	chunk[0] = '[';
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(pipe(fds), 0);
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			size_t sent = 0;

			close(fds[0]);
			while (sent < total) {
				size_t n = total - sent < sizeof(chunk)
						   ? total - sent
						   : sizeof(chunk);
				ssize_t w = write(fds[1], chunk, n);

				if (w <= 0)
					_exit(0);
				sent += (size_t) w;
				chunk[0] = ' ';
			}
			_exit(0);
		}
		close(fds[1]);
		saved = dup(STDIN_FILENO);
		ck_assert_int_ge(saved, 0);
		ck_assert_int_eq(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
		close(fds[0]);
		if (i == 0) {
			ck_assert_int_eq(dp_source_read("-", total, &s), 0);
			ck_assert_str_eq(s->path, "<stdin>");
			ck_assert_uint_eq(s->len, total);
			ck_assert_int_eq(s->data[0], '[');
			ck_assert_int_eq(s->data[total], '\0');
			dp_source_free(s);
			s = NULL;
		} else {
			ck_assert_int_eq(dp_source_read("-", total - 1, &s),
					 -EFBIG);
			ck_assert_ptr_null(s);
		}
		ck_assert_int_eq(dup2(saved, STDIN_FILENO), STDIN_FILENO);
		close(saved);
		chunk[0] = '[';
		ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	}
}
END_TEST

/* ---- the tree -------------------------------------------------------- */

START_TEST(kinds_and_spans)
{
	const char *text = "{\"n\": null, \"t\": true, \"f\": false,\n"
			   " \"num\": -12.5e3, \"s\": \"x\\\"y\\u0041\",\n"
			   " \"arr\": [1, [], {}], \"obj\": {\"h\": \"\"}}";
	struct parsed p = parse(text);
	const struct dp_json *root = p.doc->root, *v, *arr;
	unsigned at;

	ck_assert_ptr_nonnull(root);
	ck_assert_uint_eq(p.doc->n_diags, 0);
	ck_assert_int_eq(root->kind, DP_JSON_OBJECT);
	ck_assert_uint_eq(root->n, 7);
	ck_assert_span(root->span, 0, strlen(text));
	ck_assert(!root->embedded);

	v = dp_json_get(root, "n");
	ck_assert_int_eq(v->kind, DP_JSON_NULL);
	at = tl_offset_of(text, "null");
	ck_assert_span(v->span, at, at + 4);
	ck_assert_span(root->u.members[0].key_span, 1, 4);
	ck_assert_str_eq(root->u.members[0].key, "n");
	ck_assert_uint_eq(root->u.members[0].key_len, 1);

	v = dp_json_get(root, "t");
	ck_assert_int_eq(v->kind, DP_JSON_TRUE);
	at = tl_offset_of(text, "true");
	ck_assert_span(v->span, at, at + 4);
	at = tl_offset_of(text, "\"t\"");
	ck_assert_span(root->u.members[1].key_span, at, at + 3);

	v = dp_json_get(root, "f");
	ck_assert_int_eq(v->kind, DP_JSON_FALSE);
	at = tl_offset_of(text, "false");
	ck_assert_span(v->span, at, at + 5);

	v = dp_json_get(root, "num");
	ck_assert_int_eq(v->kind, DP_JSON_NUMBER);
	ck_assert_str_eq(v->u.str, "-12.5e3");
	ck_assert_uint_eq(v->n, 7);
	at = tl_offset_of(text, "-12.5e3");
	ck_assert_span(v->span, at, at + 7);
	at = tl_offset_of(text, "\"num\"");
	ck_assert_span(root->u.members[3].key_span, at, at + 5);

	v = dp_json_get(root, "s");
	ck_assert_int_eq(v->kind, DP_JSON_STRING);
	ck_assert_str_eq(v->u.str, "x\"yA");
	ck_assert_uint_eq(v->n, 4);
	at = tl_offset_of(text, "\"x\\\"");
	ck_assert_span(v->span, at, at + strlen("\"x\\\"y\\u0041\""));

	arr = dp_json_get(root, "arr");
	ck_assert_int_eq(arr->kind, DP_JSON_ARRAY);
	ck_assert_uint_eq(arr->n, 3);
	at = tl_offset_of(text, "[1, [], {}]");
	ck_assert_span(arr->span, at, at + strlen("[1, [], {}]"));
	ck_assert_span(arr->u.items[0]->span, at + 1, at + 2);
	ck_assert_str_eq(arr->u.items[0]->u.str, "1");
	ck_assert_int_eq(arr->u.items[1]->kind, DP_JSON_ARRAY);
	ck_assert_uint_eq(arr->u.items[1]->n, 0);
	ck_assert_span(arr->u.items[1]->span, at + 4, at + 6);
	ck_assert_int_eq(arr->u.items[2]->kind, DP_JSON_OBJECT);
	ck_assert_uint_eq(arr->u.items[2]->n, 0);
	ck_assert_span(arr->u.items[2]->span, at + 8, at + 10);

	v = dp_json_path(root, "obj/h");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->u.str, "");
	ck_assert_uint_eq(v->n, 0);
	at = tl_offset_of(text, "\"\"}");
	ck_assert_span(v->span, at, at + 2);
	at = tl_offset_of(text, "{\"h\"");
	ck_assert_span(dp_json_get(root, "obj")->span, at, strlen(text) - 1);
	parsed_free(&p);
}
END_TEST

START_TEST(nested_containers)
{
	const char *text = "[[[{\"a\":[[\"deep\"]]}]],\t{}]";
	struct parsed p = parse(text);
	const struct dp_json *root = p.doc->root, *n;
	unsigned at;

	ck_assert_ptr_nonnull(root);
	ck_assert_uint_eq(root->n, 2);
	n = root->u.items[0]->u.items[0]->u.items[0];
	ck_assert_int_eq(n->kind, DP_JSON_OBJECT);
	ck_assert_span(n->span, 3, tl_offset_of(text, "]]}") + 3);
	n = dp_json_get(n, "a")->u.items[0]->u.items[0];
	at = tl_offset_of(text, "\"deep\"");
	ck_assert_span(n->span, at, at + 6);
	n = root->u.items[1];
	at = tl_offset_of(text, "{}");
	ck_assert_span(n->span, at, at + 2);
	parsed_free(&p);
}
END_TEST

START_TEST(numbers_survive)
{
	const char *text = "[1e999999, -0, 123456789012345678901234567890, "
			   "-1.5E-400, 0]";
	struct parsed p = parse(text);
	const struct dp_json *root = p.doc->root;

	ck_assert_ptr_nonnull(root);
	ck_assert_uint_eq(root->n, 5);
	ck_assert_str_eq(root->u.items[0]->u.str, "1e999999");
	ck_assert_str_eq(root->u.items[1]->u.str, "-0");
	ck_assert_str_eq(root->u.items[2]->u.str,
			 "123456789012345678901234567890");
	ck_assert_uint_eq(root->u.items[2]->n, 30);
	ck_assert_span(root->u.items[2]->span, tl_offset_of(text, "1234"),
		       tl_offset_of(text, "1234") + 30);
	ck_assert_str_eq(root->u.items[3]->u.str, "-1.5E-400");
	ck_assert_span(root->u.items[4]->span, strlen(text) - 2,
		       strlen(text) - 1);
	parsed_free(&p);
}
END_TEST

/* Wider than the inline stacks: 5000 items, objects inside. */
START_TEST(wide_array)
{
	struct dp_buf buf = {0};
	struct parsed p;
	size_t i;
	char *text;

	ck_assert_int_eq(dp_buf_putc(&buf, '['), 0);
	for (i = 0; i < 5000; i++)
		ck_assert_int_eq(dp_buf_printf(&buf, "%s{\"i\": [%zu]}",
					       i ? "," : "", i),
				 0);
	ck_assert_int_eq(dp_buf_putc(&buf, ']'), 0);
	text = dp_buf_steal(&buf);
	p = parse(text);
	ck_assert_ptr_nonnull(p.doc->root);
	ck_assert_uint_eq(p.doc->root->n, 5000);
	for (i = 0; i < 5000; i += 499) {
		const struct dp_json *item = p.doc->root->u.items[i];
		const struct dp_json *num = dp_json_get(item, "i")->u.items[0];
		char *want = dp_asprintf("{\"i\": [%zu]}", i);
		const char *at = strstr(text, want);

		ck_assert_ptr_nonnull(at);
		ck_assert_span(item->span, (unsigned) (at - text),
			       (unsigned) (at - text + strlen(want)));
		ck_assert_uint_eq(num->span.start, (unsigned) (at - text) + 7);
		free(want);
	}
	parsed_free(&p);
	free(text);
}
END_TEST

/* yajl reports a number still buffered at the end of the text during
 * yajl_complete_parse(), relative to a one-byte buffer of its own. */
START_TEST(top_level_scalar_at_eof)
{
	static const struct {
		const char *text;
		enum dp_json_kind kind;
		uint32_t start, end;
	} cases[] = {
		{"123", DP_JSON_NUMBER, 0, 3},
		{"  -0", DP_JSON_NUMBER, 2, 4},
		{"1e999999", DP_JSON_NUMBER, 0, 8},
		{"123456789012345678901234567890", DP_JSON_NUMBER, 0, 30},
		{"7 ", DP_JSON_NUMBER, 0, 1},
		{"\n\n42\n", DP_JSON_NUMBER, 2, 4},
		{"\xEF\xBB\xBF"
		 "5",
		 DP_JSON_NUMBER, 3, 4},
		{"true", DP_JSON_TRUE, 0, 4},
		{"null", DP_JSON_NULL, 0, 4},
		{" \"s\"", DP_JSON_STRING, 1, 4},
	};
	size_t i;

	for (i = 0; i < DP_ARRAY_SIZE(cases); i++) {
		struct parsed p = parse(cases[i].text);
		const struct dp_json *root = p.doc->root;

		ck_assert_msg(root != NULL, "case %zu", i);
		ck_assert_uint_eq(p.doc->n_diags, 0);
		ck_assert_int_eq(root->kind, cases[i].kind);
		ck_assert_span(root->span, cases[i].start, cases[i].end);
		parsed_free(&p);
	}
}
END_TEST

START_TEST(accessors)
{
	const char *text = "{\"Role\": {\"RoleName\": \"r\", \"rolename\": 1, "
			   "\"a/b~\": []}, \"S\": \"x\"}";
	struct parsed p = parse(text);
	const struct dp_json *root = p.doc->root, *role;
	const struct dp_json_member *m;
	const char *ptr;

	role = dp_json_get(root, "Role");
	ck_assert_ptr_nonnull(role);
	ck_assert_ptr_null(dp_json_get(root, "role"));
	ck_assert_ptr_eq(dp_json_iget(root, "role"), role);
	ck_assert_ptr_eq(dp_json_iget(role, "ROLENAME"),
			 dp_json_get(role, "RoleName"));
	ck_assert_str_eq(dp_json_string(dp_json_path(root, "Role/RoleName")),
			 "r");
	ck_assert_ptr_null(dp_json_path(root, "Role/RoleName/x"));
	ck_assert_ptr_null(dp_json_path(root, "Nope/RoleName"));
	ck_assert_ptr_eq(dp_json_path(root, ""), root);
	ck_assert_ptr_null(dp_json_string(role));
	ck_assert_ptr_null(dp_json_string(NULL));
	ck_assert(dp_json_is(role, DP_JSON_OBJECT));
	ck_assert(!dp_json_is(NULL, DP_JSON_OBJECT));
	ck_assert_ptr_null(dp_json_get(dp_json_get(root, "S"), "x"));
	m = dp_json_member(role, "a/b~");
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->value->kind, DP_JSON_ARRAY);

	ptr = dp_json_pointer_join(p.doc->arena, "/Role", "a/b~");
	ck_assert_str_eq(ptr, "/Role/a~1b~0");
	ptr = dp_json_pointer_join(p.doc->arena, "", "~~//");
	ck_assert_str_eq(ptr, "/~0~0~1~1");
	ptr = dp_json_pointer_join(p.doc->arena, "", "");
	ck_assert_str_eq(ptr, "/");
	ptr = dp_json_pointer_index(p.doc->arena, "/Statement", 12);
	ck_assert_str_eq(ptr, "/Statement/12");
	/* A NULL prefix is a join that failed (ENOMEM): the failure goes on
	 * down the chain instead of becoming a pointer from the root. */
	ck_assert_ptr_null(dp_json_pointer_join(p.doc->arena, NULL, "x"));
	ck_assert_ptr_null(dp_json_pointer_index(p.doc->arena, NULL, 1));
	parsed_free(&p);
}
END_TEST

/* ---- invalid JSON ---------------------------------------------------- */

START_TEST(invalid_messages)
{
	static const struct {
		const char *text;
		const char *msg;
		uint32_t offset;
		const char *pointer;
	} cases[] = {
		{"{\"a\" 1}", "expected ':' after an object key", 5, "/a"},
		{"[1,,2]", "expected a value", 3, "/1"},
		{"[1,]", "trailing comma before ']'", 2, "/1"},
		{"{\"a\":1,}", "trailing comma before '}'", 6, ""},
		{"{\"a\":1 , \n}", "trailing comma before '}'", 7, ""},
		{"{\"a\":1 \"b\":2}",
		 "expected ',' or '}' after an object member", 7, ""},
		{"{\"a\":1]", "expected ',' or '}' after an object member", 6,
		 ""},
		{"[1 2]", "expected ',' or ']' after an array element", 3,
		 "/1"},
		{"[1}", "expected ',' or ']' after an array element", 2, "/1"},
		{"{\"a\": [1, 2, x]}", "unexpected character 'x'", 13, "/a/2"},
		{"['a']",
		 "single quotes are not JSON: strings and keys need double "
		 "quotes",
		 1, "/0"},
		{"[tru]", "invalid literal: expected true, false or null", 1,
		 "/0"},
		{"[nulL]", "invalid literal: expected true, false or null", 1,
		 "/0"},
		{"\"a\\x\"", "invalid escape sequence in a string", 3, ""},
		{"[\"a\tb\"]", "unescaped control character in a string", 3,
		 "/0"},
		{"[\"\\u12g4\"]", "'\\u' must be followed by four hex digits",
		 6, "/0"},
		{"{} x", "unexpected text after the JSON value", 3, ""},
		{"[1] [2]", "unexpected text after the JSON value", 4, ""},
		{"01", "unexpected text after the JSON value", 1, ""},
		{"{}}", "unexpected text after the JSON value", 2, ""},
		{"/* c */ 1", "comments are not allowed in JSON", 0, ""},
		{"[1, // c\n 2]", "comments are not allowed in JSON", 4, "/1"},
		{"{\"a\":", "unexpected end of file", 5, "/a"},
		{"{\"a\": ", "unexpected end of file", 6, "/a"},
		{"\"abc", "unexpected end of file", 4, ""},
		{"\"ab\\", "unexpected end of file", 4, ""},
		{"[\"\\u12", "unexpected end of file", 6, "/0"},
		{"[1", "unexpected end of file", 2, "/1"},
		{"[-]", "malformed number: a digit must follow '-'", 1, "/0"},
		{"-", "malformed number: a digit must follow '-'", 0, ""},
		{"[1.]", "malformed number: a digit must follow '.'", 1, "/0"},
		{"1.", "malformed number: a digit must follow '.'", 0, ""},
		{"[1e+]", "malformed number: a digit must follow the exponent",
		 1, "/0"},
		{"{1:2}", "expected a key in double quotes", 1, ""},
		{"{\"a\"::1}", "expected a value", 5, "/a"},
		{"]", "expected a value", 0, ""},
		{"tru", "invalid literal: expected true, false or null", 0, ""},
	};
	size_t i;

	for (i = 0; i < DP_ARRAY_SIZE(cases); i++) {
		struct parsed p = parse(cases[i].text);
		const struct dp_diag *d;

		ck_assert_msg(p.doc->root == NULL, "case %zu", i);
		ck_assert_msg(p.doc->n_diags == 1, "case %zu: %zu diags", i,
			      p.doc->n_diags);
		d = &p.doc->diags[0];
		ck_assert_int_eq(d->kind, DP_DIAG_INVALID_JSON);
		ck_assert_msg(strcmp(d->msg, cases[i].msg) == 0,
			      "case %zu '%s': message '%s'", i, cases[i].text,
			      d->msg);
		ck_assert_msg(d->span.start == cases[i].offset,
			      "case %zu '%s': offset %u, expected %u", i,
			      cases[i].text, d->span.start, cases[i].offset);
		ck_assert_uint_le(d->span.end, strlen(cases[i].text));
		ck_assert_msg(strcmp(d->pointer, cases[i].pointer) == 0,
			      "case %zu '%s': pointer '%s'", i, cases[i].text,
			      d->pointer);
		parsed_free(&p);
	}
}
END_TEST

/* Cut a realistic export at every byte: each prefix gives a document or
 * an INVALID_JSON diagnostic inside the text, never a crash. */
START_TEST(truncated_everywhere)
{
	char *path =
		tl_testdata_path("json/ram-getrole-dts-cross-account.json");
	size_t len, cut;
	char *text = tl_read_file(path, &len);

	for (cut = 0; cut <= len; cut++) {
		struct parsed p = parse_len(text, cut, NULL);

		if (p.doc->root) {
			ck_assert_uint_ge(cut, len - 1);
			ck_assert_uint_eq(p.doc->n_diags, 0);
		} else {
			ck_assert_uint_eq(p.doc->n_diags, 1);
			ck_assert_int_eq(p.doc->diags[0].kind,
					 DP_DIAG_INVALID_JSON);
			ck_assert_uint_le(p.doc->diags[0].span.start, cut);
			ck_assert_uint_le(p.doc->diags[0].span.end, cut);
		}
		parsed_free(&p);
	}
	free(text);
	free(path);
}
END_TEST

START_TEST(depth_limit)
{
	size_t depth = 10000, i;
	char *text = malloc(2 * depth + 1);
	struct parsed p;
	struct dp_json_limits limits = {.max_depth = 20000};
	const struct dp_json *n;
	const struct dp_diag *d;

	for (i = 0; i < depth; i++) {
		text[i] = '[';
		text[depth + i] = ']';
	}
	text[2 * depth] = '\0';

	p = parse(text);
	d = only_diag(&p, DP_DIAG_INVALID_JSON);
	ck_assert_ptr_null(p.doc->root);
	ck_assert_str_eq(d->msg, "nesting deeper than 512 levels");
	ck_assert_span(d->span, 512, 513);
	ck_assert_uint_eq(strlen(d->pointer), 512 * 2);
	parsed_free(&p);

	/* With a higher limit yajl copes (it has no limit of its own) and
	 * so does the loader: no recursion anywhere. */
	p = parse_len(text, strlen(text), &limits);
	ck_assert_ptr_nonnull(p.doc->root);
	for (n = p.doc->root, i = 1; n->n; n = n->u.items[0], i++)
		ck_assert_span(n->span, i - 1, 2 * depth - i + 1);
	ck_assert_uint_eq(i, depth);
	parsed_free(&p);

	/* Objects, and the pointer of the place. */
	limits.max_depth = 2;
	p = parse_len("{\"a\": {\"b\": [1]}}", 17, &limits);
	d = only_diag(&p, DP_DIAG_INVALID_JSON);
	ck_assert_str_eq(d->msg, "nesting deeper than 2 levels");
	ck_assert_span(d->span, 12, 13);
	ck_assert_str_eq(d->pointer, "/a/b");
	parsed_free(&p);
	free(text);
}
END_TEST

START_TEST(string_limit)
{
	struct dp_json_limits limits = {.max_string = 4};
	struct parsed p;
	const struct dp_diag *d;

	p = parse_len("{\"abcd\": \"wxyz\"}", 16, &limits);
	ck_assert_ptr_nonnull(p.doc->root);
	parsed_free(&p);

	p = parse_len("[\"abcde\"]", 9, &limits);
	d = only_diag(&p, DP_DIAG_INVALID_JSON);
	ck_assert_str_eq(d->msg, "string longer than 4 bytes");
	ck_assert_span(d->span, 1, 8);
	ck_assert_str_eq(d->pointer, "/0");
	parsed_free(&p);

	p = parse_len("{\"x\": {\"abcde\": 1}}", 19, &limits);
	d = only_diag(&p, DP_DIAG_INVALID_JSON);
	ck_assert_str_eq(d->msg, "string longer than 4 bytes");
	ck_assert_span(d->span, 7, 14);
	ck_assert_str_eq(d->pointer, "/x");
	parsed_free(&p);
}
END_TEST

/* ---- duplicate keys -------------------------------------------------- */

START_TEST(duplicate_keys_small)
{
	const char *text =
		"{\"Role\": {\"RoleName\": \"a\", \"x\": 1, "
		"\"RoleName\": \"b\"}, \"l\": [{\"k\": 1}, "
		"{\"k\": 1, \"a/b~\": 2, \"a/b~\": 3, \"a/b~\": 4}]}";
	struct parsed p = parse(text);
	const struct dp_diag *d;
	unsigned at;

	ck_assert_ptr_nonnull(p.doc->root);
	ck_assert_uint_eq(p.doc->n_diags, 3);

	d = &p.doc->diags[0];
	ck_assert_int_eq(d->kind, DP_DIAG_DUPLICATE_KEY);
	at = tl_offset_of(text, "\"RoleName\": \"b\"");
	ck_assert_span(d->span, at, at + 10);
	ck_assert_str_eq(d->pointer, "/Role/RoleName");
	ck_assert_str_eq(d->msg, "key \"RoleName\" appears twice in this "
				 "object; the service keeps only one of them");

	d = &p.doc->diags[1];
	at = tl_offset_of(text, "\"a/b~\": 3");
	ck_assert_span(d->span, at, at + 6);
	ck_assert_str_eq(d->pointer, "/l/1/a~1b~0");
	ck_assert_str_eq(d->msg, "key \"a/b~\" appears 3 times in this "
				 "object; the service keeps only one of them");
	d = &p.doc->diags[2];
	at = tl_offset_of(text, "\"a/b~\": 4");
	ck_assert_span(d->span, at, at + 6);

	/* The first-come value stays reachable. */
	ck_assert_str_eq(
		dp_json_string(dp_json_path(p.doc->root, "Role/RoleName")),
		"a");
	parsed_free(&p);

	/* A key with control bytes is shown escaped. */
	p = parse("{\"a\\nb\\\"\": 1, \"a\\nb\\\"\": 2}");
	ck_assert_uint_eq(p.doc->n_diags, 1);
	ck_assert_str_eq(p.doc->diags[0].msg,
			 "key \"a\\u000ab\\\"\" appears twice in this object; "
			 "the service keeps only one of them");
	parsed_free(&p);

	/* Not JSON after all: the duplicate is not worth a word. */
	p = parse("{\"a\": 1, \"a\": 2} x");
	d = only_diag(&p, DP_DIAG_INVALID_JSON);
	ck_assert_str_eq(d->msg, "unexpected text after the JSON value");
	parsed_free(&p);
}
END_TEST

/* Builds {"k0": 0, ..., "k<n-1>": 0} plus the keys in extra. */
static char *
object_text(size_t n, const char *const *extra, size_t n_extra)
{
	struct dp_buf buf = {0};
	size_t i;

	ck_assert_int_eq(dp_buf_putc(&buf, '{'), 0);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(dp_buf_printf(&buf, "%s\"k%zu\": %zu",
					       i ? ", " : "", i, i),
				 0);
	for (i = 0; i < n_extra; i++)
		ck_assert_int_eq(
			dp_buf_printf(&buf, ", \"%s\": true", extra[i]), 0);
	ck_assert_int_eq(dp_buf_putc(&buf, '}'), 0);
	return dp_buf_steal(&buf);
}

START_TEST(duplicate_keys_large)
{
	static const char *const extra[] = {"k50", "k5", "k50", "new"};
	char *text = object_text(100, extra, DP_ARRAY_SIZE(extra));
	struct parsed p = parse(text);
	const char *second_k50 =
		strstr(strstr(text, "\"k50\": true") + 1, "\"k50\"");

	ck_assert_ptr_nonnull(p.doc->root);
	ck_assert_uint_eq(p.doc->root->n, 104);
	ck_assert_uint_eq(p.doc->n_diags, 3);
	/* In source order. */
	ck_assert_span(p.doc->diags[0].span,
		       tl_offset_of(text, "\"k50\": true"),
		       tl_offset_of(text, "\"k50\": true") + 5);
	ck_assert_str_eq(p.doc->diags[0].pointer, "/k50");
	ck_assert(strstr(p.doc->diags[0].msg, "appears 3 times"));
	ck_assert_span(p.doc->diags[1].span, tl_offset_of(text, "\"k5\": true"),
		       tl_offset_of(text, "\"k5\": true") + 4);
	ck_assert(strstr(p.doc->diags[1].msg, "appears twice"));
	ck_assert_uint_eq(p.doc->diags[2].span.start,
			  (unsigned) (second_k50 - text));
	ck_assert_int_eq(dp_json_get(p.doc->root, "k50")->kind, DP_JSON_NUMBER);
	parsed_free(&p);
	free(text);
}
END_TEST

/* 100k members: must not be quadratic (this would take minutes). */
START_TEST(duplicate_keys_huge)
{
	static const char *const extra[] = {"k99999", "k0"};
	char *text = object_text(100000, extra, DP_ARRAY_SIZE(extra));
	struct parsed p = parse(text);

	ck_assert_ptr_nonnull(p.doc->root);
	ck_assert_uint_eq(p.doc->root->n, 100002);
	ck_assert_uint_eq(p.doc->n_diags, 2);
	ck_assert_str_eq(p.doc->diags[0].pointer, "/k99999");
	ck_assert_str_eq(p.doc->diags[1].pointer, "/k0");
	parsed_free(&p);
	free(text);
}
END_TEST

/* ---- strings: sub-spans ---------------------------------------------- */

START_TEST(substr_top_level)
{
	const char *text = "{\"a\": \"acs:ram::5555666677778888:root\", "
			   "\"b\": \"\\u0061cs:\\\"\\u00e9\\u20ac1234\", "
			   "\"c\": \"\\ud83d\\ude00x\\ud800y\\ud800\\u0041z\"}";
	struct parsed p = parse(text);
	const struct dp_json *a, *b, *c;
	struct dp_span span;
	unsigned at;

	a = dp_json_get(p.doc->root, "a");
	ck_assert_int_eq(dp_json_substr_span(p.doc, a, 9, 16, &span), 0);
	at = tl_offset_of(text, "5555");
	ck_assert_span(span, at, at + 16);

	b = dp_json_get(p.doc->root, "b");
	ck_assert_str_eq(b->u.str, "acs:\"\xc3\xa9\xe2\x82\xac"
				   "1234");
	/* "1234" is decoded bytes 10..13. */
	ck_assert_int_eq(dp_json_substr_span(p.doc, b, 10, 4, &span), 0);
	at = tl_offset_of(text, "1234");
	ck_assert_span(span, at, at + 4);
	/* The 'a' from \u0061. */
	ck_assert_int_eq(dp_json_substr_span(p.doc, b, 0, 1, &span), 0);
	at = tl_offset_of(text, "\\u0061");
	ck_assert_span(span, at, at + 6);
	/* One byte in the middle of U+00E9 covers its whole escape. */
	ck_assert_int_eq(dp_json_substr_span(p.doc, b, 6, 1, &span), 0);
	at = tl_offset_of(text, "\\u00e9");
	ck_assert_span(span, at, at + 6);
	/* Empty spans, and the end of the string (its closing quote). */
	ck_assert_int_eq(dp_json_substr_span(p.doc, b, 14, 0, &span), 0);
	at = tl_offset_of(text, "1234\"") + 4;
	ck_assert_span(span, at, at);
	ck_assert_int_eq(dp_json_substr_span(p.doc, b, 15, 0, &span), -EINVAL);
	ck_assert_int_eq(dp_json_substr_span(p.doc, b, 10, 5, &span), -EINVAL);
	ck_assert_int_eq(dp_json_substr_span(p.doc, p.doc->root, 0, 0, &span),
			 -EINVAL);

	/* Surrogates decode as yajl decodes them. */
	c = dp_json_get(p.doc->root, "c");
	ck_assert_uint_eq(c->n, 4 + 1 + 1 + 1 + 4 + 1);
	ck_assert_int_eq(memcmp(c->u.str, "\xf0\x9f\x98\x80x?y", 7), 0);
	ck_assert_int_eq(dp_json_substr_span(p.doc, c, 4, 1, &span), 0);
	at = tl_offset_of(text, "x\\ud800");
	ck_assert_span(span, at, at + 1);
	ck_assert_int_eq(dp_json_substr_span(p.doc, c, 6, 1, &span), 0);
	at = tl_offset_of(text, "y\\ud800");
	ck_assert_span(span, at, at + 1);
	ck_assert_int_eq(dp_json_substr_span(p.doc, c, 11, 1, &span), 0);
	at = tl_offset_of(text, "z\"");
	ck_assert_span(span, at, at + 1);
	parsed_free(&p);
}
END_TEST

/* ---- embedded documents ---------------------------------------------- */

static const char brief_role[] =
	"{\"Role\": {\"AssumeRolePolicyDocument\": \"{\\n  \\\"Statement\\\": "
	"[{\\\"Principal\\\": {\\\"Service\\\": "
	"[\\\"5555666677778888@dts.aliyuncs.com\\\"]}}], "
	"\\\"Version\\\": \\\"1\\\"}\"}}";

START_TEST(embedded_positions)
{
	const char *text = brief_role;
	struct parsed p = parse(text);
	const struct dp_json *str, *root, *stmt, *service, *uid_str, *version;
	const struct dp_json_member *m;
	struct dp_json *inner = NULL;
	struct dp_span span;
	unsigned at;

	ck_assert_ptr_nonnull(p.doc->root);
	str = dp_json_path(p.doc->root, "Role/AssumeRolePolicyDocument");
	ck_assert_ptr_nonnull(str);
	ck_assert_int_eq(dp_doc_parse_embedded(p.doc, str,
					       "/Role/AssumeRolePolicyDocument",
					       &inner),
			 0);
	ck_assert_ptr_nonnull(inner);
	root = inner;
	ck_assert(root->embedded);
	ck_assert_uint_eq(p.doc->n_diags, 0);
	/* The embedded root spans the string's inside. */
	ck_assert_span(root->span, str->span.start + 1, str->span.end - 1);

	stmt = dp_json_get(root, "Statement");
	ck_assert_ptr_nonnull(stmt);
	at = tl_offset_of(text, "[{\\\"Principal");
	ck_assert_uint_eq(stmt->span.start, at);
	m = &root->u.members[0];
	at = tl_offset_of(text, "\\\"Statement\\\"");
	ck_assert_span(m->key_span, at, at + strlen("\\\"Statement\\\""));

	service = dp_json_path(stmt->u.items[0], "Principal/Service");
	ck_assert_ptr_nonnull(service);
	ck_assert(service->embedded);
	uid_str = service->u.items[0];
	ck_assert_str_eq(uid_str->u.str, "5555666677778888@dts.aliyuncs.com");
	at = tl_offset_of(text, "\\\"5555666677778888@dts");
	ck_assert_span(
		uid_str->span, at,
		at + strlen("\\\"5555666677778888@dts.aliyuncs.com\\\""));
	ck_assert_span(service->span, at - 1, tl_offset_of(text, "]}}]") + 1);

	ck_assert_int_eq(dp_json_substr_span(p.doc, uid_str, 0, 16, &span), 0);
	at = tl_offset_of(text, "5555666677778888@");
	ck_assert_span(span, at, at + 16);
	ck_assert_int_eq(dp_json_substr_span(p.doc, uid_str, 17, 16, &span), 0);
	at = tl_offset_of(text, "dts.aliyuncs.com");
	ck_assert_span(span, at, at + 16);

	version = dp_json_get(root, "Version");
	at = tl_offset_of(text, "\\\"1\\\"");
	ck_assert_span(version->span, at, at + 5);
	ck_assert_int_eq(dp_json_substr_span(p.doc, version, 0, 1, &span), 0);
	ck_assert_span(span, at + 2, at + 3);

	/* Not a string. */
	ck_assert_int_eq(dp_doc_parse_embedded(p.doc, p.doc->root, "", &inner),
			 -EINVAL);
	parsed_free(&p);
}
END_TEST

/* \u escapes before a value shift every later offset. */
START_TEST(embedded_escapes_shift)
{
	const char *text = "{\"d\": \"{\\\"\\u0041\\\": \\\"x\\\", \\\"B\\\": "
			   "\\\"\\u00e9\\u20acUID123\\\", \\\"C\\\"\\t:\\r\\n"
			   "\\\"acs:ram::42:root\\\"}\"}";
	struct parsed p = parse(text);
	const struct dp_json *str = dp_json_get(p.doc->root, "d"), *b, *c;
	struct dp_json *inner = NULL;
	struct dp_span span;
	unsigned at;

	ck_assert_int_eq(dp_doc_parse_embedded(p.doc, str, "/d", &inner), 0);
	ck_assert_ptr_nonnull(inner);
	ck_assert_str_eq(inner->u.members[0].key, "A");
	at = tl_offset_of(text, "\\\"\\u0041");
	ck_assert_span(inner->u.members[0].key_span, at,
		       at + strlen("\\\"\\u0041\\\""));
	at = tl_offset_of(text, "\\\"x\\\"");
	ck_assert_span(inner->u.members[0].value->span, at, at + 5);

	b = dp_json_get(inner, "B");
	ck_assert_str_eq(b->u.str, "\xc3\xa9\xe2\x82\xacUID123");
	at = tl_offset_of(text, "\\\"\\u00e9");
	ck_assert_span(b->span, at, tl_offset_of(text, "123") + 5);
	ck_assert_int_eq(dp_json_substr_span(p.doc, b, 5, 6, &span), 0);
	at = tl_offset_of(text, "UID123");
	ck_assert_span(span, at, at + 6);
	ck_assert_int_eq(dp_json_substr_span(p.doc, b, 2, 3, &span), 0);
	at = tl_offset_of(text, "\\u20ac");
	ck_assert_span(span, at, at + 6);

	/* Escaped whitespace between tokens. */
	c = dp_json_get(inner, "C");
	at = tl_offset_of(text, "\\\"acs:");
	ck_assert_span(c->span, at, at + strlen("\\\"acs:ram::42:root\\\""));
	ck_assert_int_eq(dp_json_substr_span(p.doc, c, 9, 2, &span), 0);
	at = tl_offset_of(text, "42:");
	ck_assert_span(span, at, at + 2);
	parsed_free(&p);
}
END_TEST

/* JSON-encodes s as a string token. */
static char *
encode(const char *s)
{
	struct dp_buf buf = {0};

	ck_assert_int_eq(dp_buf_putc(&buf, '"'), 0);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			ck_assert_int_eq(dp_buf_putc(&buf, '\\'), 0);
		if (*s == '\n')
			ck_assert_int_eq(dp_buf_puts(&buf, "\\n"), 0);
		else
			ck_assert_int_eq(dp_buf_putc(&buf, *s), 0);
	}
	ck_assert_int_eq(dp_buf_putc(&buf, '"'), 0);
	return dp_buf_steal(&buf);
}

/* A JSON string inside a JSON string inside the file. */
START_TEST(embedded_nested)
{
	char *inner_enc = encode("{\"f\": \"UID9\"}");
	char *mid = dp_asprintf("{\"e\": %s,\n \"g\": 1}", inner_enc);
	char *mid_enc = encode(mid);
	char *text = dp_asprintf("{\"d\": %s}", mid_enc);
	struct parsed p = parse(text);
	struct dp_json *level1 = NULL, *level2 = NULL;
	const struct dp_json *e, *f, *g;
	struct dp_span span;
	unsigned at;

	ck_assert_int_eq(dp_doc_parse_embedded(p.doc,
					       dp_json_get(p.doc->root, "d"),
					       "/d", &level1),
			 0);
	ck_assert_ptr_nonnull(level1);
	e = dp_json_get(level1, "e");
	g = dp_json_get(level1, "g");
	at = tl_offset_of(text, "1}\"}");
	ck_assert_span(g->span, at, at + 1);
	at = tl_offset_of(text, "\\\"{");
	ck_assert_uint_eq(e->span.start, at);

	ck_assert_int_eq(dp_doc_parse_embedded(p.doc, e, "/d/e", &level2), 0);
	ck_assert_ptr_nonnull(level2);
	f = dp_json_get(level2, "f");
	ck_assert_str_eq(f->u.str, "UID9");
	/* \\\"UID9\\\" in the file: three backslashes and a quote on each
	 * side. */
	at = tl_offset_of(text, "\\\\\\\"UID9");
	ck_assert_span(f->span, at, at + 4 + 4 + 4);
	at = tl_offset_of(text, "\\\\\\\"f\\\\\\\"");
	ck_assert_span(level2->u.members[0].key_span, at, at + 4 + 1 + 4);
	ck_assert_int_eq(dp_json_substr_span(p.doc, f, 0, 4, &span), 0);
	at = tl_offset_of(text, "UID9");
	ck_assert_span(span, at, at + 4);
	ck_assert_int_eq(dp_json_substr_span(p.doc, f, 3, 1, &span), 0);
	ck_assert_span(span, at + 3, at + 4);
	/* The middle level still maps through its own embed. */
	ck_assert_int_eq(dp_json_substr_span(p.doc, e, 0, 1, &span), 0);
	at = tl_offset_of(text, "{\\\\\\\"f");
	ck_assert_span(span, at, at + 1);

	parsed_free(&p);
	free(text);
	free(mid_enc);
	free(mid);
	free(inner_enc);
}
END_TEST

START_TEST(embedded_invalid)
{
	static const struct {
		const char *text;
		const char *what;
		const char *at; /* where the error is, in the file */
		int delta;
	} cases[] = {
		{"{\"d\": \"{\\\"a\\\": 1,}\"}", "trailing comma before '}'",
		 ",}", 0},
		{"{\"d\": \"{\\\"a\\\" 1}\"}",
		 "expected ':' after an object key", "1}", 0},
		{"{\"d\": \"{\\\"a\\\": \"}", "unexpected end of the document",
		 "\"}", 0},
		{"{\"d\": \"\"}", "it is empty", "\"\"", 0},
		{"{\"d\": \" \\n \"}", "it is empty", "\" \\n", 0},
		{"{\"d\": \"[1, \\u0000]\"}",
		 "it holds a NUL character (\\u0000)", "\\u0000", 0},
		{"{\"d\": \"[\\\"\\udc00\\\"]\"}",
		 "a \\u escape encodes an unpaired UTF-16 surrogate", "\\udc00",
		 0},
		{"{\"d\": \"{\\\"a\\\": x}\"}", "unexpected character 'x'",
		 "x}", 0},
		{"{\"d\": \"{} {}\"}", "unexpected text after the JSON value",
		 "{}\"", 0},
		{"{\"d\": \"{\\\"a\\\": \\\"b\\\\q\\\"}\"}",
		 "invalid escape sequence in a string", "q\\\"}", 0},
		{"{\"d\": \"[\\t\\\"a\\tb\\\"]\"}",
		 "unescaped control character in a string", "\\tb", 0},
	};
	size_t i;

	for (i = 0; i < DP_ARRAY_SIZE(cases); i++) {
		struct parsed p = parse(cases[i].text);
		const struct dp_json *str = dp_json_get(p.doc->root, "d");
		struct dp_json *inner = (struct dp_json *) 1;
		const struct dp_diag *d;
		char *msg;

		ck_assert_msg(str != NULL, "case %zu", i);
		ck_assert_int_eq(
			dp_doc_parse_embedded(p.doc, str, "/d", &inner), 0);
		ck_assert_ptr_null(inner);
		d = only_diag(&p, DP_DIAG_EMBEDDED_INVALID);
		msg = dp_asprintf("the JSON-encoded policy document is not "
				  "valid JSON: %s",
				  cases[i].what);
		ck_assert_msg(strcmp(d->msg, msg) == 0, "case %zu: '%s'", i,
			      d->msg);
		ck_assert_str_eq(d->pointer, "/d");
		ck_assert_msg(d->span.start ==
				      tl_offset_of(cases[i].text, cases[i].at) +
					      (unsigned) cases[i].delta,
			      "case %zu: at %u", i, d->span.start);
		free(msg);
		parsed_free(&p);
	}
}
END_TEST

/* Duplicate keys inside an embedded document point into it. */
START_TEST(embedded_duplicates)
{
	const char *text = "{\"d\": \"{\\\"Version\\\": \\\"1\\\", "
			   "\\\"Version\\\": \\\"2\\\"}\"}";
	struct parsed p = parse(text);
	struct dp_json *inner = NULL;
	const struct dp_diag *d;
	unsigned at;

	ck_assert_int_eq(dp_doc_parse_embedded(p.doc,
					       dp_json_get(p.doc->root, "d"),
					       "/d", &inner),
			 0);
	ck_assert_ptr_nonnull(inner);
	d = only_diag(&p, DP_DIAG_DUPLICATE_KEY);
	at = tl_offset_of(text, "\\\"Version\\\": \\\"2");
	ck_assert_span(d->span, at, at + strlen("\\\"Version\\\""));
	ck_assert_str_eq(d->pointer, "/d/Version");
	parsed_free(&p);
}
END_TEST

/* Every prefix of a policy, embedded: a document or a diagnostic. */
START_TEST(embedded_truncated_everywhere)
{
	const char *policy =
		"{\"Statement\": [{\"Action\": \"sts:AssumeRole\", "
		"\"Effect\": \"Allow\", \"Principal\": "
		"{\"Service\": [\"dts.aliyuncs.com\"]}}], "
		"\"Version\": \"1\"}";
	size_t cut, len = strlen(policy);

	for (cut = 0; cut <= len; cut++) {
		char *prefix = dp_asprintf("%.*s", (int) cut, policy);
		char *enc = encode(prefix);
		char *text = dp_asprintf("{\"d\": %s}", enc);
		struct parsed p = parse(text);
		struct dp_json *inner = NULL;

		ck_assert_int_eq(dp_doc_parse_embedded(
					 p.doc, dp_json_get(p.doc->root, "d"),
					 "/d", &inner),
				 0);
		if (inner) {
			ck_assert_uint_eq(cut, len);
		} else {
			const struct dp_diag *d =
				only_diag(&p, DP_DIAG_EMBEDDED_INVALID);

			ck_assert_uint_ge(d->span.start, 6);
			ck_assert_uint_lt(d->span.start, strlen(text) - 1);
		}
		parsed_free(&p);
		free(text);
		free(enc);
		free(prefix);
	}
}
END_TEST

/* The real export: the Service value's line and column via srcmap. */
START_TEST(real_sample)
{
	char *path =
		tl_testdata_path("json/ram-getrole-dts-cross-account.json");
	struct dp_source *source = NULL;
	struct dp_doc *doc = NULL;
	const struct dp_json *str, *service;
	struct dp_json *inner = NULL;
	struct dp_location loc;
	struct dp_span span;

	ck_assert_int_eq(
		dp_source_read(path, DP_MAX_FILE_SIZE_DEFAULT, &source), 0);
	ck_assert_int_eq(dp_doc_parse(source, NULL, &doc), 0);
	ck_assert_ptr_nonnull(doc->root);
	ck_assert_uint_eq(doc->n_diags, 0);
	str = dp_json_path(doc->root, "Role/AssumeRolePolicyDocument");
	ck_assert_int_eq(dp_doc_parse_embedded(doc, str,
					       "/Role/AssumeRolePolicyDocument",
					       &inner),
			 0);
	ck_assert_ptr_nonnull(inner);
	service = dp_json_path(dp_json_get(inner, "Statement")->u.items[0],
			       "Principal/Service")
			  ->u.items[0];
	ck_assert_str_eq(service->u.str, "5555666677778888@dts.aliyuncs.com");
	ck_assert_span(service->span, 350, 387);
	ck_assert_int_eq(dp_srcmap_locate(source, service->span.start, &loc),
			 0);
	ck_assert_uint_eq(loc.line, 3);
	ck_assert_uint_eq(loc.column, 337);
	ck_assert_int_eq(dp_json_substr_span(doc, service, 0, 16, &span), 0);
	ck_assert_int_eq(dp_srcmap_locate(source, span.start, &loc), 0);
	ck_assert_uint_eq(loc.line, 3);
	ck_assert_uint_eq(loc.column, 339);
	ck_assert_int_eq(
		memcmp(source->data + span.start, "5555666677778888", 16), 0);

	dp_doc_free(doc);
	dp_source_free(source);
	free(path);
}
END_TEST

static Suite *
json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc;

	tc = tcase_create("input");
	tcase_add_test(tc, encoding_problems);
	tcase_add_test(tc, utf8_check_every_position);
	tcase_add_test(tc, encoding_problem_diag);
	tcase_add_test(tc, bom_offsets_stay_absolute);
	tcase_add_test(tc, read_files);
	tcase_add_test(tc, read_pipe);
	suite_add_tcase(s, tc);

	tc = tcase_create("tree");
	tcase_add_test(tc, kinds_and_spans);
	tcase_add_test(tc, nested_containers);
	tcase_add_test(tc, numbers_survive);
	tcase_add_test(tc, wide_array);
	tcase_add_test(tc, top_level_scalar_at_eof);
	tcase_add_test(tc, accessors);
	tcase_add_test(tc, substr_top_level);
	suite_add_tcase(s, tc);

	tc = tcase_create("invalid");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, invalid_messages);
	tcase_add_test(tc, truncated_everywhere);
	tcase_add_test(tc, depth_limit);
	tcase_add_test(tc, string_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("duplicates");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, duplicate_keys_small);
	tcase_add_test(tc, duplicate_keys_large);
	tcase_add_test(tc, duplicate_keys_huge);
	suite_add_tcase(s, tc);

	tc = tcase_create("embedded");
	tcase_add_test(tc, embedded_positions);
	tcase_add_test(tc, embedded_escapes_shift);
	tcase_add_test(tc, embedded_nested);
	tcase_add_test(tc, embedded_invalid);
	tcase_add_test(tc, embedded_duplicates);
	tcase_add_test(tc, embedded_truncated_everywhere);
	tcase_add_test(tc, real_sample);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(json_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
