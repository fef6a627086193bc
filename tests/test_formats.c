/*
 * test_formats.c - the structure of the machine formats, checked without
 * tools CI may lack: every SARIF log the command writes is validated
 * against the official SARIF 2.1.0 JSON Schema (testdata/schemas/, by a
 * small draft-04 validator below) and against GitHub code scanning's
 * required fields (every ruleId in rules[], ruleIndex pointing at it);
 * every JUnit report is checked for XML 1.0 well-formedness and its
 * counts.  Inputs: the formats cases and the whole of testdata/cases as
 * one run, so that hostile inputs reach the writers too.
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcre2.h>

#include "app.h"
#include "input.h"
#include "json.h"
#include "testlib.h"
#include "util.h"

/* ---- running the command ------------------------------------------ */

/* The command's standard output for words, run in dir. */
static char *
run_in(const char *dir, const char *const *words, int *ret_status)
{
	char *argv[32];
	int argc = 0;
	char *out_text = NULL, *err_text = NULL;
	size_t out_len = 0, err_len = 0;
	FILE *out = open_memstream(&out_text, &out_len);
	FILE *err = open_memstream(&err_text, &err_len);
	char old[4096];

	ck_assert_ptr_nonnull(getcwd(old, sizeof(old)));
	ck_assert_int_eq(chdir(dir), 0);
	argv[argc++] = (char *) "dts-preflight";
	for (; *words && argc < 31; words++)
		argv[argc++] = (char *) *words;
	argv[argc] = NULL;
	*ret_status = dp_app_run(argc, argv, out, err);
	fclose(out);
	fclose(err);
	ck_assert_int_eq(chdir(old), 0);
	free(err_text);
	return out_text;
}

/* ---- a draft-04 JSON Schema validator, as much as SARIF's uses ------- */

struct validator {
	const struct dp_json *root;   /* the schema document */
	const struct dp_source *text; /* the instance's bytes */
	struct dp_buf errors;
	size_t n_errors;
	bool quiet;                   /* inside anyOf/oneOf: count only */
};

static void validate(struct validator *v, const struct dp_json *inst,
		     const struct dp_json *schema, const char *where);

static void
fail_at(struct validator *v, const char *where, const char *what,
	const char *detail)
{
	v->n_errors++;
	if (!v->quiet && v->n_errors <= 20)
		ck_assert_int_eq(dp_buf_printf(&v->errors, "  %s: %s %s\n",
					       *where ? where : "/", what,
					       detail ? detail : ""), 0);
}

static bool
kind_is(const struct dp_json *inst, const char *type)
{
	switch (inst->kind) {
	case DP_JSON_NULL:
		return strcmp(type, "null") == 0;
	case DP_JSON_TRUE:
	case DP_JSON_FALSE:
		return strcmp(type, "boolean") == 0;
	case DP_JSON_NUMBER:
		return strcmp(type, "number") == 0 ||
		       (strcmp(type, "integer") == 0 &&
			!strpbrk(inst->u.str, ".eE"));
	case DP_JSON_STRING:
		return strcmp(type, "string") == 0;
	case DP_JSON_ARRAY:
		return strcmp(type, "array") == 0;
	case DP_JSON_OBJECT:
		return strcmp(type, "object") == 0;
	}
	return false;
}

/* Two instances are equal when their source texts are (the writers
 * never write one value two ways). */
static bool
same_text(const struct validator *v, const struct dp_json *a,
	  const struct dp_json *b)
{
	size_t la = a->span.end - a->span.start, lb = b->span.end - b->span.start;

	return la == lb &&
	       memcmp(v->text->data + a->span.start,
		      v->text->data + b->span.start, la) == 0;
}

static bool
matches(const char *pattern, const char *s)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR) pattern,
				       PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err,
				       &off, NULL);
	pcre2_match_data *md;
	int r;

	ck_assert_ptr_nonnull(re);
	md = pcre2_match_data_create_from_pattern(re, NULL);
	r = pcre2_match(re, (PCRE2_SPTR) s, strlen(s), 0, 0, md, NULL);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return r >= 0;
}

static bool
is_uri(const char *s, bool absolute)
{
	for (const char *p = s; *p; p++)
		if ((unsigned char) *p <= ' ' || strchr("\"<>\\^`{|}", *p))
			return false;
	return !absolute || matches("^[A-Za-z][A-Za-z0-9+.-]*:", s);
}

static const struct dp_json *
resolve(const struct validator *v, const char *ref)
{
	const struct dp_json *defs = dp_json_get(v->root, "definitions");
	const struct dp_json *target;

	ck_assert_msg(strncmp(ref, "#/definitions/", 14) == 0,
		      "unsupported $ref %s", ref);
	target = dp_json_get(defs, ref + 14);
	ck_assert_msg(target != NULL, "dangling $ref %s", ref);
	return target;
}

static double
number(const struct dp_json *n)
{
	return strtod(n->u.str, NULL);
}

/* How many of the schemas of list the instance satisfies. */
static size_t
count_valid(struct validator *v, const struct dp_json *inst,
	    const struct dp_json *list, const char *where)
{
	size_t ok = 0;

	for (uint32_t i = 0; i < list->n; i++) {
		struct validator sub = {.root = v->root, .text = v->text,
					.quiet = true};

		validate(&sub, inst, list->u.items[i], where);
		ok += sub.n_errors == 0;
		dp_buf_free(&sub.errors);
	}
	return ok;
}

static void
validate_object(struct validator *v, const struct dp_json *inst,
		const struct dp_json *schema, const char *where)
{
	const struct dp_json *required = dp_json_get(schema, "required");
	const struct dp_json *props = dp_json_get(schema, "properties");
	const struct dp_json *extra = dp_json_get(schema, "additionalProperties");

	for (uint32_t i = 0; required && i < required->n; i++)
		if (!dp_json_get(inst, required->u.items[i]->u.str))
			fail_at(v, where, "lacks required",
				required->u.items[i]->u.str);
	for (uint32_t i = 0; i < inst->n; i++) {
		const struct dp_json_member *m = &inst->u.members[i];
		const struct dp_json *sub = props ? dp_json_get(props, m->key)
						  : NULL;
		char *path = dp_asprintf("%s/%s", where, m->key);

		if (sub)
			validate(v, m->value, sub, path);
		else if (extra && extra->kind == DP_JSON_FALSE)
			fail_at(v, path, "is not allowed here", NULL);
		else if (extra && extra->kind == DP_JSON_OBJECT)
			validate(v, m->value, extra, path);
		free(path);
	}
}

static void
validate(struct validator *v, const struct dp_json *inst,
	 const struct dp_json *schema, const char *where)
{
	const struct dp_json *kw;

	if ((kw = dp_json_get(schema, "$ref"))) {
		validate(v, inst, resolve(v, kw->u.str), where);
		return;
	}
	if ((kw = dp_json_get(schema, "type"))) {
		bool ok = false;

		if (kw->kind == DP_JSON_STRING)
			ok = kind_is(inst, kw->u.str);
		for (uint32_t i = 0; kw->kind == DP_JSON_ARRAY && i < kw->n; i++)
			ok |= kind_is(inst, kw->u.items[i]->u.str);
		if (!ok) {
			fail_at(v, where, "has the wrong type", NULL);
			return;
		}
	}
	if ((kw = dp_json_get(schema, "enum"))) {
		bool ok = false;

		for (uint32_t i = 0; i < kw->n; i++)
			ok |= inst->kind == kw->u.items[i]->kind &&
			      (inst->kind != DP_JSON_STRING ||
			       strcmp(inst->u.str, kw->u.items[i]->u.str) == 0);
		if (!ok)
			fail_at(v, where, "is not one of the enum values",
				inst->kind == DP_JSON_STRING ? inst->u.str : NULL);
	}
	if ((kw = dp_json_get(schema, "anyOf")) &&
	    count_valid(v, inst, kw, where) == 0)
		fail_at(v, where, "matches none of anyOf", NULL);
	if ((kw = dp_json_get(schema, "oneOf")) &&
	    count_valid(v, inst, kw, where) != 1)
		fail_at(v, where, "does not match exactly one of oneOf", NULL);
	if (inst->kind == DP_JSON_OBJECT)
		validate_object(v, inst, schema, where);
	if (inst->kind == DP_JSON_ARRAY) {
		if ((kw = dp_json_get(schema, "minItems")) &&
		    inst->n < number(kw))
			fail_at(v, where, "has too few items", NULL);
		if ((kw = dp_json_get(schema, "uniqueItems")) &&
		    kw->kind == DP_JSON_TRUE)
			for (uint32_t i = 0; i < inst->n; i++)
				for (uint32_t j = i + 1; j < inst->n; j++)
					if (same_text(v, inst->u.items[i],
						      inst->u.items[j]))
						fail_at(v, where,
							"has duplicate items",
							NULL);
		if ((kw = dp_json_get(schema, "items")))
			for (uint32_t i = 0; i < inst->n; i++) {
				char *path = dp_asprintf("%s/%u", where, i);

				validate(v, inst->u.items[i], kw, path);
				free(path);
			}
	}
	if (inst->kind == DP_JSON_NUMBER) {
		if ((kw = dp_json_get(schema, "minimum")) &&
		    number(inst) < number(kw))
			fail_at(v, where, "is below the minimum", inst->u.str);
		if ((kw = dp_json_get(schema, "maximum")) &&
		    number(inst) > number(kw))
			fail_at(v, where, "is above the maximum", inst->u.str);
	}
	if (inst->kind == DP_JSON_STRING) {
		if ((kw = dp_json_get(schema, "pattern")) &&
		    !matches(kw->u.str, inst->u.str))
			fail_at(v, where, "does not match its pattern",
				inst->u.str);
		if ((kw = dp_json_get(schema, "format")) &&
		    ((strcmp(kw->u.str, "uri") == 0 && !is_uri(inst->u.str, true)) ||
		     (strcmp(kw->u.str, "uri-reference") == 0 &&
		      !is_uri(inst->u.str, false))))
			fail_at(v, where, "is not a URI", inst->u.str);
	}
}

/* ---- GitHub code scanning's required fields ------------------------- */

static const struct dp_json *
need(const struct dp_json *node, const char *path, const char *what)
{
	const struct dp_json *found = dp_json_path(node, path);

	ck_assert_msg(found != NULL, "%s lacks %s", what, path);
	return found;
}

static void
need_text(const struct dp_json *node, const char *path, const char *what)
{
	const struct dp_json *found = need(node, path, what);

	ck_assert_msg(found->kind == DP_JSON_STRING && found->n > 0,
		      "%s: %s is not a non-empty string", what, path);
}

static void
check_github(const struct dp_json *log)
{
	const struct dp_json *runs = need(log, "runs", "the log");
	const struct dp_json *run, *rules, *results;

	ck_assert_str_eq(need(log, "version", "the log")->u.str, "2.1.0");
	need_text(log, "$schema", "the log");
	ck_assert_uint_eq(runs->n, 1);
	run = runs->u.items[0];
	need_text(run, "tool/driver/name", "the run");
	need_text(run, "tool/driver/version", "the run");
	need_text(run, "tool/driver/informationUri", "the run");
	rules = need(run, "tool/driver/rules", "the run");
	results = need(run, "results", "the run");
	for (uint32_t i = 0; i < rules->n; i++) {
		const struct dp_json *rule = rules->u.items[i];

		need_text(rule, "id", "a rule");
		need_text(rule, "name", "a rule");
		need_text(rule, "shortDescription/text", "a rule");
		need_text(rule, "fullDescription/text", "a rule");
		need_text(rule, "help/text", "a rule");
		need_text(rule, "help/markdown", "a rule");
		need_text(rule, "defaultConfiguration/level", "a rule");
		for (uint32_t j = 0; j < i; j++)
			ck_assert_str_ne(dp_json_get(rules->u.items[j], "id")->u.str,
					 dp_json_get(rule, "id")->u.str);
	}
	for (uint32_t i = 0; i < results->n; i++) {
		const struct dp_json *result = results->u.items[i];
		const struct dp_json *id = need(result, "ruleId", "a result");
		const struct dp_json *index = need(result, "ruleIndex", "a result");
		const struct dp_json *locs = need(result, "locations", "a result");
		const struct dp_json *phys, *uri, *fp;
		long k;

		ck_assert_int_eq(dp_parse_long(index->u.str, 0, rules->n - 1,
					       &k), 0);
		ck_assert_str_eq(dp_json_get(rules->u.items[k], "id")->u.str,
				 id->u.str);
		need_text(result, "level", "a result");
		need_text(result, "message/text", "a result");
		ck_assert_uint_ge(locs->n, 1);
		phys = need(locs->u.items[0], "physicalLocation", "a location");
		uri = need(phys, "artifactLocation/uri", "a location");
		ck_assert_msg(uri->n > 0 && uri->u.str[0] != '/' &&
			      !strstr(uri->u.str, ":/"),
			      "uri '%s' is not repository-relative", uri->u.str);
		for (size_t f = 0; f < 4; f++) {
			static const char *const fields[] = {
				"region/startLine", "region/startColumn",
				"region/endLine", "region/endColumn"};

			ck_assert(need(phys, fields[f], "a location")->kind ==
				  DP_JSON_NUMBER);
		}
		fp = need(result, "partialFingerprints", "a result");
		ck_assert_uint_ge(fp->n, 1);
	}
}

static void
check_sarif(const char *label, const char *text)
{
	char *schema_path = tl_testdata_path("schemas/sarif-schema-2.1.0.json");
	struct dp_source *schema_src = NULL, *log_src = NULL;
	struct dp_doc *schema = NULL, *log = NULL;
	struct validator v = {0};

	ck_assert_int_eq(dp_source_read(schema_path, DP_MAX_FILE_SIZE_DEFAULT,
					&schema_src), 0);
	ck_assert_int_eq(dp_doc_parse(schema_src, NULL, &schema), 0);
	ck_assert_ptr_nonnull(schema->root);
	ck_assert_int_eq(dp_source_from_memory(label, text, strlen(text),
					       &log_src), 0);
	ck_assert_int_eq(dp_doc_parse(log_src, NULL, &log), 0);
	ck_assert_msg(log->root && log->n_diags == 0, "%s: not valid JSON",
		      label);
	v.root = schema->root;
	v.text = log_src;
	validate(&v, log->root, schema->root, "");
	ck_assert_msg(v.n_errors == 0, "%s: %zu schema errors:\n%s", label,
		      v.n_errors, v.errors.data);
	check_github(log->root);
	dp_buf_free(&v.errors);
	dp_doc_free(log);
	dp_doc_free(schema);
	dp_source_free(log_src);
	dp_source_free(schema_src);
	free(schema_path);
}

/* ---- XML 1.0 well-formedness ------------------------------------------ */

struct xml {
	const char *s;
	size_t len, at;
	const char *error;
	char *stack[32];
	size_t depth;
	size_t testcases, failures, suites;
};

static bool
xml_char_ok(const char *s, size_t avail, size_t *ret_n)
{
	unsigned char c = (unsigned char) s[0];
	size_t n = dp_utf8_seq_len(s, avail);

	*ret_n = n ? n : 1;
	if (n == 0)
		return false;
	if (n == 1)
		return c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
	/* U+FFFE and U+FFFF are not XML characters. */
	return !(n == 3 && c == 0xef && (unsigned char) s[1] == 0xbf &&
		 (unsigned char) s[2] >= 0xbe);
}

static bool
is_name_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c == ':' || (!first && ((c >= '0' && c <= '9') || c == '-' ||
				       c == '.'));
}

static size_t
xml_name(struct xml *x)
{
	size_t start = x->at;

	if (x->at < x->len && is_name_char(x->s[x->at], true))
		for (x->at++; x->at < x->len && is_name_char(x->s[x->at], false);)
			x->at++;
	if (x->at == start)
		x->error = "expected a name";
	return x->at - start;
}

static void
xml_space(struct xml *x)
{
	while (x->at < x->len && strchr(" \t\r\n", x->s[x->at]))
		x->at++;
}

/* A reference after '&': a predefined entity or a character reference
 * to an XML character. */
static void
xml_reference(struct xml *x)
{
	static const char *const entities[] = {"amp;", "lt;", "gt;", "quot;",
					       "apos;"};
	const char *p = x->s + x->at;

	if (*p == '#') {
		char *end;
		unsigned long c = p[1] == 'x' ? strtoul(p + 2, &end, 16)
					      : strtoul(p + 1, &end, 10);

		if (*end != ';' || end == p + 1 + (p[1] == 'x') ||
		    !(c == 9 || c == 10 || c == 13 || (c >= 0x20 && c <= 0xd7ff) ||
		      (c >= 0xe000 && c <= 0xfffd) ||
		      (c >= 0x10000 && c <= 0x10ffff)))
			x->error = "bad character reference";
		x->at = (size_t) (end - x->s) + 1;
		return;
	}
	for (size_t i = 0; i < DP_ARRAY_SIZE(entities); i++)
		if (strncmp(p, entities[i], strlen(entities[i])) == 0) {
			x->at += strlen(entities[i]);
			return;
		}
	x->error = "undefined entity";
}

/* Character data or an attribute value up to stop ('<' or the quote). */
static void
xml_text(struct xml *x, char stop)
{
	while (!x->error && x->at < x->len && x->s[x->at] != stop) {
		size_t n;

		if (x->s[x->at] == '&') {
			x->at++;
			xml_reference(x);
		} else if (stop != '<' && x->s[x->at] == '<') {
			x->error = "'<' in an attribute value";
		} else if (stop == '<' && strncmp(x->s + x->at, "]]>", 3) == 0) {
			x->error = "']]>' in character data";
		} else if (!xml_char_ok(x->s + x->at, x->len - x->at, &n)) {
			x->error = "a character XML 1.0 does not allow";
		} else {
			x->at += n;
		}
	}
}

static void
xml_element(struct xml *x)
{
	size_t name_at = x->at + 1, name_len;
	char *names[16];
	size_t n_attrs = 0;
	bool is_testcase, is_suite;

	x->at++; /* '<' */
	name_len = xml_name(x);
	if (x->error)
		return;
	is_testcase = name_len == 8 && strncmp(x->s + name_at, "testcase", 8) == 0;
	is_suite = name_len == 9 && strncmp(x->s + name_at, "testsuite", 9) == 0;
	x->testcases += is_testcase;
	x->suites += is_suite;
	x->failures += name_len == 7 && strncmp(x->s + name_at, "failure", 7) == 0;
	for (;;) {
		size_t attr_at, attr_len;
		char quote;

		xml_space(x);
		if (x->at >= x->len) {
			x->error = "unterminated tag";
			goto out;
		}
		if (x->s[x->at] == '/' || x->s[x->at] == '>')
			break;
		attr_at = x->at;
		attr_len = xml_name(x);
		if (x->error)
			goto out;
		for (size_t i = 0; i < n_attrs; i++)
			if (strlen(names[i]) == attr_len &&
			    strncmp(names[i], x->s + attr_at, attr_len) == 0)
				x->error = "duplicate attribute";
		if (n_attrs < DP_ARRAY_SIZE(names))
			names[n_attrs++] = strndup(x->s + attr_at, attr_len);
		xml_space(x);
		if (x->at >= x->len || x->s[x->at] != '=') {
			x->error = "expected '='";
			goto out;
		}
		x->at++;
		xml_space(x);
		quote = x->at < x->len ? x->s[x->at] : 0;
		if (quote != '"' && quote != '\'') {
			x->error = "unquoted attribute value";
			goto out;
		}
		x->at++;
		xml_text(x, quote);
		if (x->error)
			goto out;
		if (x->at >= x->len) {
			x->error = "unterminated attribute value";
			goto out;
		}
		x->at++;
	}
	if (x->s[x->at] == '/') {
		if (x->at + 1 >= x->len || x->s[x->at + 1] != '>')
			x->error = "expected '/>'";
		x->at += 2;
		goto out;
	}
	x->at++; /* '>' */
	for (;;) {
		xml_text(x, '<');
		if (x->error)
			goto out;
		if (x->at + 1 >= x->len) {
			x->error = "unclosed element";
			goto out;
		}
		if (x->s[x->at + 1] == '/')
			break;
		if (x->depth >= DP_ARRAY_SIZE(x->stack)) {
			x->error = "too deep";
			goto out;
		}
		x->depth++;
		xml_element(x);
		x->depth--;
		if (x->error)
			goto out;
	}
	x->at += 2; /* "</" */
	if (strncmp(x->s + x->at, x->s + name_at, name_len) != 0 ||
	    x->s[x->at + name_len] != '>') {
		x->error = "end tag does not match";
		goto out;
	}
	x->at += name_len + 1;
out:
	for (size_t i = 0; i < n_attrs; i++)
		free(names[i]);
}

static void
check_junit(const char *label, const char *text)
{
	static const char decl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
	struct xml x = {.s = text, .len = strlen(text)};
	const char *tests_attr;

	ck_assert_msg(strncmp(text, decl, strlen(decl)) == 0,
		      "%s: no XML declaration", label);
	x.at = strlen(decl);
	xml_space(&x);
	ck_assert_msg(strncmp(text + x.at, "<testsuites", 11) == 0,
		      "%s: the root is not <testsuites>", label);
	xml_element(&x);
	if (!x.error) {
		xml_space(&x);
		if (x.at != x.len)
			x.error = "content after the root element";
	}
	ck_assert_msg(!x.error, "%s: not well-formed at byte %zu: %s", label,
		      x.at, x.error);
	ck_assert_uint_eq(x.suites, 1);
	/* The counts say what the elements are. */
	tests_attr = strstr(text, "<testsuite ");
	ck_assert_ptr_nonnull(tests_attr);
	{
		char *want = dp_asprintf("<testsuite name=\"dts-preflight\" "
					 "tests=\"%zu\"", x.testcases);

		ck_assert_msg(strncmp(tests_attr, want, strlen(want)) == 0,
			      "%s: tests= is not the number of testcases (%zu)",
			      label, x.testcases);
		free(want);
	}
}

START_TEST(xml_checker_catches_mistakes)
{
	static const char *const bad[] = {
		"<testsuites><testsuite tests=\"0\"></testsuites>",
		"<testsuites a=\"1\" a=\"2\"/>",
		"<testsuites a=\"x<y\"/>",
		"<testsuites>&nbsp;</testsuites>",
		"<testsuites>\x01</testsuites>",
		"<testsuites>&#1;</testsuites>",
		"<testsuites>\xef\xbf\xbf</testsuites>",
		"<testsuites>\xff</testsuites>",
		"<testsuites a=1/>",
		"<testsuites/><x/>",
	};

	for (size_t i = 0; i < DP_ARRAY_SIZE(bad); i++) {
		struct xml x = {.s = bad[i], .len = strlen(bad[i])};

		xml_element(&x);
		if (!x.error) {
			xml_space(&x);
			if (x.at != x.len)
				x.error = "trailing";
		}
		ck_assert_msg(x.error != NULL, "accepted: %s", bad[i]);
	}
}
END_TEST

START_TEST(schema_checker_catches_mistakes)
{
	/* A log that breaks the schema in three ways must fail. */
	static const char bad[] =
		"{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": "
		"{\"name\": \"x\", \"rules\": [{\"idd\": \"DP1\"}]}}, "
		"\"results\": [{\"message\": {}, \"level\": \"fatal\"}]}]}";
	char *schema_path = tl_testdata_path("schemas/sarif-schema-2.1.0.json");
	struct dp_source *schema_src, *log_src;
	struct dp_doc *schema, *log;
	struct validator v = {0};

	ck_assert_int_eq(dp_source_read(schema_path, DP_MAX_FILE_SIZE_DEFAULT,
					&schema_src), 0);
	ck_assert_int_eq(dp_doc_parse(schema_src, NULL, &schema), 0);
	ck_assert_int_eq(dp_source_from_memory("bad", bad, strlen(bad),
					       &log_src), 0);
	ck_assert_int_eq(dp_doc_parse(log_src, NULL, &log), 0);
	v.root = schema->root;
	v.text = log_src;
	validate(&v, log->root, schema->root, "");
	/* idd not allowed, id missing, message lacks text, level not in enum */
	ck_assert_uint_ge(v.n_errors, 4);
	dp_buf_free(&v.errors);
	dp_doc_free(log);
	dp_doc_free(schema);
	dp_source_free(log_src);
	dp_source_free(schema_src);
	free(schema_path);
}
END_TEST

/* ---- the runs checked ------------------------------------------------ */

struct run_case {
	const char *dir;  /* under testdata/ */
	const char *args[8];
};

static const struct run_case runs[] = {
	{"cases/formats/sarif", {"--creator-uid", "1522334455667788",
				 "job.json", "role.json", "collapsed.json",
				 "clean.json", NULL}},
	{"cases/formats/sarif-escaping", {"job.json", NULL}},
	{"cases/formats/sarif-clean", {"clean.json", NULL}},
	{"cases/formats/sarif-command-line", {"--creator-uid", "15223344",
					      "clean.json", NULL}},
	/* Every case input as one run: hostile files, every shape. */
	{"cases", {"--creator-uid", "1522334455667788", ".", NULL}},
	{"cases", {"--lang", "zh", ".", NULL}},
};

static char *
run_format(const struct run_case *c, const char *format)
{
	const char *words[16] = {"-f", format};
	char *dir = tl_testdata_path(c->dir);
	size_t n = 2;
	int status;
	char *out;

	for (size_t i = 0; c->args[i]; i++)
		words[n++] = c->args[i];
	words[n] = NULL;
	out = run_in(dir, words, &status);
	ck_assert_msg(status == 0 || status == 1, "%s: exit %d", c->dir,
		      status);
	free(dir);
	return out;
}

START_TEST(sarif_is_valid)
{
	char *out = run_format(&runs[_i], "sarif");

	check_sarif(runs[_i].dir, out);
	free(out);
}
END_TEST

START_TEST(junit_is_well_formed)
{
	char *out = run_format(&runs[_i], "junit");

	check_junit(runs[_i].dir, out);
	free(out);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("formats");
	TCase *tc = tcase_create("formats");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, xml_checker_catches_mistakes);
	tcase_add_test(tc, schema_checker_catches_mistakes);
	tcase_add_loop_test(tc, sarif_is_valid, 0, DP_ARRAY_SIZE(runs));
	tcase_add_loop_test(tc, junit_is_well_formed, 0, DP_ARRAY_SIZE(runs));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
