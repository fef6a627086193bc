/*
 * test_report.c - Check suite for the finding list (finding.c) and the
 * text, gcc and json writers (report*.c): order, exact layouts, windows
 * on long lines, secret masking, colours, counts and write errors.
 * Findings are built by hand; no rule or engine is involved.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "input.h"
#include "report.h"
#include "testlib.h"
#include "util.h"

static const struct dp_rule rule_arn = {
	.id = "DP201",
	.slug = "role-arn-as-name",
	.severity = DP_SEV_ERROR,
	.doc = "001",
	.console_error = "AssumeRoleFail: Invalid role arn format",
};

static const struct dp_rule rule_placeholder = {
	.id = "DP301",
	.slug = "placeholder-unreplaced",
	.severity = DP_SEV_ERROR,
	.doc = "001, 004",
	.console_error = "AssumeRoleFail: NoPermission",
};

static const struct dp_rule rule_region = {
	.id = "DP104",
	.slug = "region-unknown",
	.severity = DP_SEV_WARNING,
};

static const struct dp_rule rule_hint = {
	.id = "DP900",
	.slug = "just-a-hint",
	.severity = DP_SEV_INFO,
};

/* ---- helpers -------------------------------------------------------- */

/* A finding on the first occurrence of needle in source (or on no source
 * when source is NULL), texts copied; pushed onto list. */
static struct dp_finding *
add(struct dp_findings *list, const struct dp_rule *rule,
    struct dp_source *source, const char *needle, const char *message,
    const char *why, const char *fix)
{
	struct dp_finding finding = {0};

	finding.rule = rule;
	finding.severity = rule->severity;
	finding.origin.source = source;
	if (source) {
		unsigned start = tl_offset_of(source->data, needle);

		finding.origin.span.start = start;
		finding.origin.span.end = start + (unsigned) strlen(needle);
		finding.origin.pointer = "/SourceEndpoint/RoleName";
	}
	finding.message = dp_strdup(message);
	ck_assert_ptr_nonnull(finding.message);
	if (why)
		ck_assert_ptr_nonnull(finding.why = dp_strdup(why));
	if (fix)
		ck_assert_ptr_nonnull(finding.fix = dp_strdup(fix));
	ck_assert_int_eq(dp_findings_push(list, &finding), 0);
	return &list->items[list->n - 1];
}

/* Runs one writer into memory; returns the malloc'd output. */
static char *
render(const char *format, const struct dp_report *report)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(dp_report_write(format, out, report), 0);
	ck_assert_int_eq(fclose(out), 0);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(strlen(text), len);
	return text;
}

/* The output of one of report.c's composing helpers, malloc'd. */
static char *
steal(struct dp_report_out *o)
{
	char *s;

	ck_assert_int_eq(o->err, 0);
	s = dp_buf_steal(&o->buf);
	ck_assert_ptr_nonnull(s);
	return s;
}

static char *
summary(const struct dp_report *report)
{
	struct dp_report_out o = {0};

	dp_report_put_summary(&o, report);
	return steal(&o);
}

static char *
quote(const char *s)
{
	struct dp_report_out o = {0};

	dp_report_put_json(&o, s);
	return steal(&o);
}

static char *
safe(const char *s, const char *indent)
{
	struct dp_report_out o = {0};

	dp_report_put_safe(&o, s, indent);
	return steal(&o);
}

/* Thirty lines of padding, then the line of the scenario in the spec. */
static const char job_json[] =
	"{\n"
	"  \"a\": 1,\n  \"a\": 2,\n  \"a\": 3,\n  \"a\": 4,\n  \"a\": 5,\n"
	"  \"a\": 6,\n  \"a\": 7,\n  \"a\": 8,\n  \"a\": 9,\n  \"a\": 10,\n"
	"  \"a\": 11,\n  \"a\": 12,\n  \"a\": 13,\n  \"a\": 14,\n  \"a\": 15,\n"
	"  \"a\": 16,\n  \"a\": 17,\n  \"a\": 18,\n  \"a\": 19,\n  \"a\": 20,\n"
	"  \"a\": 21,\n  \"a\": 22,\n  \"a\": 23,\n  \"a\": 24,\n  \"a\": 25,\n"
	"  \"a\": 26,\n  \"a\": 27,\n  \"a\": 28,\n"
	"  \"SourceEndpoint\": {\n"
	"        \"RoleName\": "
	"\"acs:ram::1411223344556677:role/ram-for-dts\",\n"
	"        \"Region\": \"cn-hangzhuo\"\n"
	"  }\n"
	"}\n";

static const char arn_value[] =
	"\"acs:ram::1411223344556677:role/ram-for-dts\"";

static const char arn_message[] =
	"RAM Role Name holds a role ARN "
	"'acs:ram::1411223344556677:role/ram-for-dts'";

static const char arn_why[] = "DTS assumes the role by name; an ARN fails with "
			      "\"AssumeRoleFail: Invalid role arn format\"";

/* ---- finding list ----------------------------------------------------- */

START_TEST(test_push_takes_ownership)
{
	struct dp_findings list = {0};
	struct dp_finding finding = {0};

	for (int i = 0; i < 100; i++) {
		finding.rule = &rule_arn;
		finding.message = dp_asprintf("finding %d", i);
		finding.value = dp_strdup("v");
		ck_assert_int_eq(dp_findings_push(&list, &finding), 0);
		/* The caller's copy owns nothing any more. */
		ck_assert_ptr_null(finding.message);
		ck_assert_ptr_null(finding.value);
	}
	ck_assert_uint_eq(list.n, 100);
	ck_assert_str_eq(list.items[42].message, "finding 42");

	dp_findings_remove(&list, 0);
	dp_findings_remove(&list, 50);
	dp_findings_remove(&list, 1000); /* past the end: no-op */
	ck_assert_uint_eq(list.n, 98);
	ck_assert_str_eq(list.items[0].message, "finding 1");
	ck_assert_str_eq(list.items[49].message, "finding 50");
	ck_assert_str_eq(list.items[50].message, "finding 52");

	dp_findings_free(&list);
	ck_assert_uint_eq(list.n, 0);
	ck_assert_ptr_null(list.items);
	dp_findings_free(&list);
	dp_findings_free(NULL);
}
END_TEST

START_TEST(test_finding_path)
{
	struct dp_source *source = tl_source("ticket/job.json", "{}");
	struct dp_finding finding = {.rule = &rule_arn};

	ck_assert_str_eq(dp_finding_path(&finding), "<command line>");
	finding.origin.source = source;
	ck_assert_str_eq(dp_finding_path(&finding), "ticket/job.json");
	dp_source_free(source);
}
END_TEST

/* The order of the finding list, as "path:line:col:ID message" lines. */
static char *
order_of(const struct dp_findings *list)
{
	struct dp_buf buf = {0};

	for (size_t i = 0; i < list->n; i++) {
		const struct dp_finding *f = &list->items[i];

		ck_assert_int_eq(dp_buf_printf(&buf, "%s:%u:%u:%s %s\n",
					       dp_finding_path(f), f->loc.line,
					       f->loc.column, f->rule->id,
					       f->message),
				 0);
	}
	return dp_buf_steal(&buf);
}

START_TEST(test_sort_order)
{
	static const char b_text[] =
		"{\n  \"x\": \"one\",\n  \"y\": \"two\"\n}\n";
	static const char a_text[] = "{\"p\": \"first\",\n"
				     " \"q\": \"second\", \"r\": \"third\",\n"
				     " \"s\": \"fourth\"}\n";
	static const char expected[] =
		"<command line>:0:0:DP104 creator uid\n"
		"a.json:1:7:DP301 a first\n"
		"a.json:2:7:DP201 a second, other rule first\n"
		"a.json:2:7:DP301 a second\n"
		"a.json:2:7:DP301 a second, same rule: by message\n"
		"a.json:2:22:DP104 a third\n"
		"a.json:3:7:DP201 a fourth\n"
		"b.json:2:8:DP104 b one\n"
		"b.json:3:8:DP201 b two\n";
	struct dp_source *a = tl_source("a.json", a_text);
	struct dp_source *b = tl_source("b.json", b_text);
	struct dp_findings fwd = {0}, rev = {0};
	char *got;

	/* Pushed in a shuffled order, then again in the reverse of it. */
	for (int pass = 0; pass < 2; pass++) {
		struct dp_findings *list = pass ? &rev : &fwd;
		struct {
			const struct dp_rule *rule;
			struct dp_source *source;
			const char *needle;
			const char *message;
		} in[] = {
			{&rule_arn, b, "\"two\"", "b two"},
			{&rule_placeholder, a, "\"second\"", "a second"},
			{&rule_region, a, "\"third\"", "a third"},
			{&rule_region, NULL, NULL, "creator uid"},
			{&rule_placeholder, a, "\"second\"",
			 "a second, same rule: by message"},
			{&rule_arn, a, "\"fourth\"", "a fourth"},
			{&rule_region, b, "\"one\"", "b one"},
			{&rule_arn, a, "\"second\"",
			 "a second, other rule first"},
			{&rule_placeholder, a, "\"first\"", "a first"},
		};
		size_t n = sizeof(in) / sizeof(in[0]);

		for (size_t i = 0; i < n; i++) {
			size_t k = pass ? n - 1 - i : i;

			add(list, in[k].rule, in[k].source, in[k].needle,
			    in[k].message, NULL, NULL);
		}
		ck_assert_int_eq(dp_findings_sort(list), 0);
		got = order_of(list);
		ck_assert_str_eq(got, expected);
		free(got);
	}

	dp_findings_free(&fwd);
	dp_findings_free(&rev);
	dp_source_free(a);
	dp_source_free(b);
}
END_TEST

/* ---- text ------------------------------------------------------------- */

START_TEST(test_text_exact)
{
	static const char expected[] =
		"job.json:31:21: error: RAM Role Name holds a role ARN "
		"'acs:ram::1411223344556677:role/ram-for-dts' "
		"[DP201 role-arn-as-name]\n"
		"   31 |         \"RoleName\": "
		"\"acs:ram::1411223344556677:role/ram-for-dts\",\n"
		"      |                     "
		"^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
		"      = why: DTS assumes the role by name; an ARN fails with "
		"\"AssumeRoleFail: Invalid role arn format\"\n"
		"      = fix: \"ram-for-dts\"\n"
		"\n"
		"1 error in 1 file\n";
	struct dp_source *source = tl_source("job.json", job_json);
	struct dp_findings list = {0};
	struct dp_report report = {
		.findings = &list,
		.n_sources = 1,
	};
	char *got;

	add(&list, &rule_arn, source, arn_value, arn_message, arn_why,
	    "\"ram-for-dts\"");
	ck_assert_int_eq(dp_findings_sort(&list), 0);
	got = render("text", &report);
	ck_assert_str_eq(got, expected);
	free(got);

	/* The default format is what dp_report_text() writes. */
	report.quiet = true;
	got = render("text", &report);
	ck_assert_str_eq(got,
			 "job.json:31:21: error: RAM Role Name holds a role "
			 "ARN 'acs:ram::1411223344556677:role/ram-for-dts' "
			 "[DP201 role-arn-as-name]\n"
			 "   31 |         \"RoleName\": "
			 "\"acs:ram::1411223344556677:role/ram-for-dts\",\n"
			 "      |                     "
			 "^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
			 "      = why: DTS assumes the role by name; an ARN "
			 "fails with \"AssumeRoleFail: Invalid role arn "
			 "format\"\n"
			 "      = fix: \"ram-for-dts\"\n");
	free(got);

	dp_findings_free(&list);
	dp_source_free(source);
}
END_TEST

START_TEST(test_text_several)
{
	static const char text[] = "{\"Region\": \"mars-1\",\n"
				   " \"RoleName\": \"x\"}\n";
	static const char expected[] =
		"dts-preflight: warning: --creator-uid is not a UID "
		"[DP104 region-unknown]\n"
		"      = why: first line\n"
		"             second line\n"
		"\n"
		"t.json:1:12: warning: region 'mars-1' [DP104 region-unknown]\n"
		"    1 | {\"Region\": \"mars-1\",\n"
		"      |            ^~~~~~~~\n"
		"      = note: waiver expired 2026-01-01\n"
		"\n"
		"t.json:2:14: info: hint [DP900 just-a-hint]\n"
		"    2 |  \"RoleName\": \"x\"}\n"
		"      |              ^~~\n"
		"\n"
		"note: t.json:2:2: RoleName is resolved at apply time\n"
		"note: no caller identity\n"
		"not run: DP310: needs --creator-uid\n"
		"2 warnings, 1 info in 3 files, 2 skipped "
		"(1 setup: task dtsx, role r)\n";
	struct dp_source *source = tl_source("t.json", text);
	struct dp_findings list = {0};
	struct dp_note notes[2] = {
		{.origin = {.source = source,
			    .span = {tl_offset_of(text, "\"RoleName\""), 0},
			    .pointer = "/RoleName"},
		 .text = "RoleName is resolved at apply time"},
		{.text = "no caller identity"},
	};
	const char *not_run[] = {"DP310: needs --creator-uid"};
	struct dp_report report = {
		.findings = &list,
		.n_sources = 3,
		.n_skipped = 2,
		.notes = notes,
		.n_notes = 2,
		.not_run = not_run,
		.n_not_run = 1,
		.setup_summary = "1 setup: task dtsx, role r",
	};
	struct dp_finding *f;
	char *got;

	notes[0].origin.span.end = notes[0].origin.span.start + 10;
	f = add(&list, &rule_region, source, "\"mars-1\"", "region 'mars-1'",
		NULL, NULL);
	f->waiver_note = "waiver expired 2026-01-01";
	add(&list, &rule_hint, source, "\"x\"", "hint", NULL, NULL);
	add(&list, &rule_region, NULL, NULL, "--creator-uid is not a UID",
	    "first line\nsecond line", NULL);
	ck_assert_int_eq(dp_findings_sort(&list), 0);
	got = render("text", &report);
	ck_assert_str_eq(got, expected);
	free(got);

	dp_findings_free(&list);
	dp_source_free(source);
}
END_TEST

START_TEST(test_text_whole_document)
{
	/* A finding about the file as a whole shows no "{" excerpt. */
	static const char text[] = "\n{\"Policies\": {\"Policy\": []}}\n";
	struct dp_source *source = tl_source("r.policies.json", text);
	struct dp_findings list = {0};
	struct dp_report report = {.findings = &list, .n_sources = 1};
	char *got;

	add(&list, &rule_placeholder, source,
	    "{\"Policies\": {\"Policy\": []}}", "role lacks the policy", NULL,
	    "attach AliyunDTSRolePolicy");
	ck_assert_int_eq(dp_findings_sort(&list), 0);
	report.quiet = true;
	got = render("text", &report);
	ck_assert_str_eq(got, "r.policies.json:2:1: error: role lacks the "
			      "policy [DP301 placeholder-unreplaced]\n"
			      "      = fix: attach AliyunDTSRolePolicy\n");
	free(got);
	dp_findings_free(&list);
	dp_source_free(source);
}
END_TEST

START_TEST(test_text_wide_gutter)
{
	struct dp_buf text = {0};
	struct dp_source *source;
	struct dp_findings list = {0};
	struct dp_report report = {.findings = &list, .quiet = true};
	char *got;

	for (int i = 1; i < 123456; i++)
		ck_assert_int_eq(dp_buf_puts(&text, "\n"), 0);
	/* Something follows, so the span is not the whole document. */
	ck_assert_int_eq(dp_buf_puts(&text, "\"deep\"\n1\n"), 0);
	source = tl_source("long.json", text.data);

	add(&list, &rule_hint, source, "\"deep\"", "deep", "why", NULL);
	ck_assert_int_eq(dp_findings_sort(&list), 0);
	got = render("text", &report);
	ck_assert_str_eq(got, "long.json:123456:1: info: deep "
			      "[DP900 just-a-hint]\n"
			      " 123456 | \"deep\"\n"
			      "        | ^~~~~~\n"
			      "        = why: why\n");
	free(got);
	dp_findings_free(&list);
	dp_source_free(source);
	dp_buf_free(&text);
}
END_TEST

/* Code points in the n bytes at s: display columns of an excerpt. */
static size_t
columns(const char *s, size_t n)
{
	size_t cols = 0;

	for (size_t i = 0; i < n; i++)
		cols += ((unsigned char) s[i] & 0xc0) != 0x80;
	return cols;
}

START_TEST(test_text_long_line)
{
	/* A one-line terraform plan: 100 KB on line 1, the value in the
	 * middle.  The excerpt is a window, and the caret is under it. */
	struct dp_buf text = {0};
	struct dp_source *source;
	struct dp_findings list = {0};
	struct dp_report report = {.findings = &list, .quiet = true};
	const char *excerpt, *marker, *value, *caret, *nl;
	char *got;

	ck_assert_int_eq(dp_buf_puts(&text, "{\"pad\": \""), 0);
	for (int i = 0; i < 50000; i++)
		ck_assert_int_eq(dp_buf_puts(&text, "x"), 0);
	ck_assert_int_eq(dp_buf_puts(&text, "\", \"RoleName\": \"acs:ram::1:"
					    "role/r\", \"more\": \""),
			 0);
	for (int i = 0; i < 50000; i++)
		ck_assert_int_eq(dp_buf_puts(&text, "y"), 0);
	ck_assert_int_eq(dp_buf_puts(&text, "\"}"), 0);
	source = tl_source("plan.json", text.data);

	add(&list, &rule_arn, source, "\"acs:ram::1:role/r\"",
	    "RAM Role Name holds a role ARN", NULL, NULL);
	ck_assert_int_eq(dp_findings_sort(&list), 0);
	ck_assert_uint_eq(list.items[0].loc.line, 1);
	ck_assert_uint_eq(list.items[0].loc.column, 50025);
	got = render("text", &report);

	excerpt = strstr(got, "\n    1 | ");
	ck_assert_ptr_nonnull(excerpt);
	excerpt += strlen("\n    1 | ");
	marker = strstr(excerpt, "\n      | ");
	ck_assert_ptr_nonnull(marker);
	/* At most the window (plus the "…" marks), not 100 KB. */
	ck_assert_uint_le(marker - excerpt, 100 + 2 * 3);
	ck_assert_ptr_nonnull(strstr(got, "…"));
	marker += strlen("\n      | ");
	value = strstr(excerpt, "\"acs:ram::1:role/r\"");
	ck_assert_ptr_nonnull(value);
	caret = strchr(marker, '^');
	ck_assert_ptr_nonnull(caret);
	nl = strchr(caret, '\n');
	ck_assert_ptr_nonnull(nl);
	ck_assert_uint_eq(columns(excerpt, value - excerpt),
			  columns(marker, caret - marker));
	ck_assert_uint_eq(nl - caret, strlen("\"acs:ram::1:role/r\""));

	free(got);
	dp_findings_free(&list);
	dp_source_free(source);
	dp_buf_free(&text);
}
END_TEST

START_TEST(test_text_secret_masked)
{
	static const char text[] = "{\"User\": \"dts\\u0000\", \"Password\": "
				   "\"hunter2-Secret\"}\n";
	struct dp_source *source = tl_source("ep.json", text);
	struct dp_findings list = {0};
	struct dp_report report = {.findings = &list, .quiet = true};
	struct dp_span secret;
	char *got;

	secret.start = tl_offset_of(text, "hunter2");
	secret.end = secret.start + (unsigned) strlen("hunter2-Secret");
	ck_assert_int_eq(dp_source_add_secret(source, secret), 0);
	add(&list, &rule_hint, source, "\"dts\\u0000\"", "user name", NULL,
	    NULL);
	ck_assert_int_eq(dp_findings_sort(&list), 0);

	got = render("text", &report);
	ck_assert_ptr_null(strstr(got, "hunter2"));
	ck_assert_ptr_null(strstr(got, "Secret"));
	ck_assert_ptr_nonnull(strstr(got, "\"Password\": \"**************\""));
	free(got);

	/* Even a finding on the secret itself shows only stars. */
	add(&list, &rule_hint, source, "\"hunter2-Secret\"", "password", NULL,
	    NULL);
	ck_assert_int_eq(dp_findings_sort(&list), 0);
	got = render("text", &report);
	ck_assert_ptr_null(strstr(got, "hunter2"));
	free(got);

	dp_findings_free(&list);
	dp_source_free(source);
}
END_TEST

START_TEST(test_text_color)
{
	static const char text[] = "{\"a\": \"b\",\n \"c\": \"d\"}\n";
	struct dp_source *source = tl_source("c.json", text);
	struct dp_findings list = {0};
	struct dp_report report = {.findings = &list, .n_sources = 1};
	char *got;

	add(&list, &rule_arn, source, "\"b\"", "m", "w", NULL);
	add(&list, &rule_region, source, "\"d\"", "n", NULL, NULL);
	add(&list, &rule_hint, NULL, NULL, "o", NULL, NULL);
	ck_assert_int_eq(dp_findings_sort(&list), 0);

	got = render("text", &report);
	ck_assert_ptr_null(strchr(got, '\033'));
	free(got);

	report.color = true;
	got = render("text", &report);
	ck_assert_str_eq(
		got, "\033[1mdts-preflight:\033[0m \033[1;36minfo:\033[0m o "
		     "[\033[1mDP900\033[0m just-a-hint]\n"
		     "\n"
		     "\033[1mc.json:1:7:\033[0m \033[1;31merror:\033[0m m "
		     "[\033[1mDP201\033[0m role-arn-as-name]\n"
		     "    1 | {\"a\": \"b\",\n"
		     "      |       \033[1;32m^~~\033[0m\n"
		     "      = why: w\n"
		     "\n"
		     "\033[1mc.json:2:7:\033[0m \033[1;35mwarning:\033[0m n "
		     "[\033[1mDP104\033[0m region-unknown]\n"
		     "    2 |  \"c\": \"d\"}\n"
		     "      |       \033[1;32m^~~\033[0m\n"
		     "\n"
		     "1 error, 1 warning, 1 info in 1 file\n");
	free(got);

	dp_findings_free(&list);
	dp_source_free(source);
}
END_TEST

START_TEST(test_text_hostile_message)
{
	/* A value from an input file must not reach the terminal as an
	 * escape sequence nor split the gcc line. */
	struct dp_findings list = {0};
	struct dp_report report = {.findings = &list, .quiet = true};
	char *got;

	add(&list, &rule_hint, NULL, NULL,
	    "role '\033]0;pwned\007\nx\xc2\x9b"
	    "1m'",
	    NULL, NULL);
	got = render("text", &report);
	ck_assert_str_eq(got, "dts-preflight: info: role ' ]0;pwned  x 1m' "
			      "[DP900 just-a-hint]\n");
	free(got);
	got = render("gcc", &report);
	ck_assert_str_eq(got, "dts-preflight: info: role ' ]0;pwned  x 1m' "
			      "[DP900 just-a-hint]\n");
	free(got);
	dp_findings_free(&list);
}
END_TEST

/* ---- summary ---------------------------------------------------------- */

START_TEST(test_summary_wording)
{
	struct dp_findings list = {0};
	struct dp_report report = {.findings = &list, .n_sources = 4};
	struct dp_finding *f;
	char *got;

	got = summary(&report);
	ck_assert_str_eq(got, "no findings in 4 files");
	free(got);

	report.n_sources = 1;
	add(&list, &rule_arn, NULL, NULL, "e1", NULL, NULL);
	got = summary(&report);
	ck_assert_str_eq(got, "1 error in 1 file");
	free(got);

	report.n_sources = 0;
	add(&list, &rule_arn, NULL, NULL, "e2", NULL, NULL);
	add(&list, &rule_region, NULL, NULL, "w1", NULL, NULL);
	got = summary(&report);
	ck_assert_str_eq(got, "2 errors, 1 warning in 0 files");
	free(got);

	report.n_sources = 7;
	report.n_skipped = 3;
	add(&list, &rule_hint, NULL, NULL, "i1", NULL, NULL);
	add(&list, &rule_hint, NULL, NULL, "i2", NULL, NULL);
	add(&list, &rule_region, NULL, NULL, "w2", NULL, NULL);
	got = summary(&report);
	ck_assert_str_eq(got, "2 errors, 2 warnings, 2 info in 7 files, "
			      "3 skipped");
	free(got);

	/* A severity override counts where it lands. */
	list.items[0].severity = DP_SEV_INFO;
	report.n_skipped = 1;
	report.setup_summary = "1 setup: task i9k2l3m4n5o6p";
	got = summary(&report);
	ck_assert_str_eq(got, "1 error, 2 warnings, 3 info in 7 files, "
			      "1 skipped (1 setup: task i9k2l3m4n5o6p)");
	free(got);

	dp_findings_free(&list);
	report.n_skipped = 0;
	report.setup_summary = NULL;
	report.n_sources = 1;
	f = add(&list, &rule_hint, NULL, NULL, "i", NULL, NULL);
	f->baselined = true;
	got = summary(&report);
	ck_assert_str_eq(got, "no findings in 1 file, 1 baselined");
	free(got);

	dp_findings_free(&list);
}
END_TEST

START_TEST(test_count)
{
	struct dp_findings list = {0};
	struct dp_report report = {.findings = &list};
	size_t counts[4];

	add(&list, &rule_arn, NULL, NULL, "e", NULL, NULL);
	add(&list, &rule_arn, NULL, NULL, "e", NULL, NULL)->baselined = true;
	add(&list, &rule_region, NULL, NULL, "w", NULL, NULL);
	dp_report_count(&report, counts);
	ck_assert_uint_eq(counts[DP_SEV_NONE], 0);
	ck_assert_uint_eq(counts[DP_SEV_INFO], 0);
	ck_assert_uint_eq(counts[DP_SEV_WARNING], 1);
	ck_assert_uint_eq(counts[DP_SEV_ERROR], 1);
	ck_assert_uint_eq(dp_report_baselined(&report), 1);
	dp_findings_free(&list);

	report.findings = NULL;
	dp_report_count(&report, counts);
	ck_assert_uint_eq(counts[DP_SEV_ERROR], 0);
	ck_assert_uint_eq(dp_report_baselined(&report), 0);
}
END_TEST

START_TEST(test_baselined_hidden_but_counted)
{
	static const char text[] = "{\"a\": \"old\", \"b\": \"new\"}\n";
	struct dp_source *source = tl_source("x.json", text);
	struct dp_findings list = {0};
	struct dp_report report = {.findings = &list, .n_sources = 1};
	char *got;

	add(&list, &rule_arn, source, "\"old\"", "old one", NULL, NULL)
		->baselined = true;
	add(&list, &rule_arn, source, "\"new\"", "new one", NULL, NULL);
	ck_assert_int_eq(dp_findings_sort(&list), 0);

	got = render("text", &report);
	ck_assert_ptr_null(strstr(got, "old one"));
	ck_assert_ptr_nonnull(strstr(got, "new one"));
	ck_assert_ptr_nonnull(
		strstr(got, "\n1 error in 1 file, 1 baselined\n"));
	free(got);

	got = render("gcc", &report);
	ck_assert_str_eq(got, "x.json:1:19: error: new one "
			      "[DP201 role-arn-as-name]\n");
	free(got);

	got = render("json", &report);
	ck_assert_ptr_nonnull(strstr(got, "\"baselined\": true"));
	ck_assert_ptr_nonnull(strstr(got, "\"baselined\": false"));
	ck_assert_ptr_nonnull(strstr(got, "\"message\": \"old one\""));
	ck_assert_ptr_nonnull(strstr(got, "\"errors\": 1,"));
	ck_assert_ptr_nonnull(strstr(got, "\"baselined\": 1\n"));
	free(got);

	/* All baselined: nothing but the summary. */
	list.items[1].baselined = true;
	got = render("text", &report);
	ck_assert_str_eq(got, "no findings in 1 file, 2 baselined\n");
	free(got);
	report.quiet = true;
	got = render("text", &report);
	ck_assert_str_eq(got, "");
	free(got);

	dp_findings_free(&list);
	dp_source_free(source);
}
END_TEST

/* ---- gcc -------------------------------------------------------------- */

START_TEST(test_gcc_exact)
{
	static const char text[] = "{\n  \"RoleName\": \"acs:ram::1:role/r\",\n"
				   "  \"Region\": \"mars\"\n}\n";
	struct dp_source *source = tl_source("ticket/job.json", text);
	struct dp_findings list = {0};
	struct dp_note note = {.text = "notes are not for editors"};
	const char *not_run[] = {"DP310"};
	struct dp_report report = {
		.findings = &list,
		.n_sources = 1,
		.notes = &note,
		.n_notes = 1,
		.not_run = not_run,
		.n_not_run = 1,
		.setup_summary = "1 setup",
	};
	char *got;

	add(&list, &rule_region, source, "\"mars\"", "region 'mars'", "why",
	    "fix");
	add(&list, &rule_arn, source, "\"acs:ram::1:role/r\"",
	    "RAM Role Name holds a role ARN", NULL, NULL);
	add(&list, &rule_hint, NULL, NULL, "creator unknown", NULL, NULL);
	ck_assert_int_eq(dp_findings_sort(&list), 0);
	got = render("gcc", &report);
	ck_assert_str_eq(got,
			 "dts-preflight: info: creator unknown "
			 "[DP900 just-a-hint]\n"
			 "ticket/job.json:2:15: error: RAM Role Name holds a "
			 "role ARN [DP201 role-arn-as-name]\n"
			 "ticket/job.json:3:13: warning: region 'mars' "
			 "[DP104 region-unknown]\n");
	free(got);

	/* No findings: no output at all. */
	dp_findings_free(&list);
	got = render("gcc", &report);
	ck_assert_str_eq(got, "");
	free(got);
	dp_source_free(source);
}
END_TEST

/* ---- json ------------------------------------------------------------- */

START_TEST(test_json_quote)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
		{"", "\"\""},
		{"plain", "\"plain\""},
		{"say \"hi\"", "\"say \\\"hi\\\"\""},
		{"C:\\dir", "\"C:\\\\dir\""},
		{"a\nb\tc\rd\be\ff", "\"a\\nb\\tc\\rd\\be\\ff\""},
		{"\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\""},
		{"/slash", "\"/slash\""},
		/* Valid UTF-8 passes through: 2, 3 and 4 bytes. */
		{"caf\xc3\xa9 \xe8\xa7\x92\xe8\x89\xb2 \xf0\x9f\x94\x91",
		 "\"caf\xc3\xa9 \xe8\xa7\x92\xe8\x89\xb2 \xf0\x9f\x94\x91\""},
		{"\xe2\x80\xa6", "\"\xe2\x80\xa6\""},
		/* Bytes that are not UTF-8 become U+FFFD, one per byte. */
		{"a\xff"
		 "b",
		 "\"a\xef\xbf\xbd"
		 "b\""},
		{"\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\""}, /* overlong */
		{"\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},
		{"\xf4\x90\x80\x80", /* > 10FFFF */
		 "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},
		{"\xe8\xa7", "\"\xef\xbf\xbd\xef\xbf\xbd\""}, /* cut */
		{"\xe8\xa7\"", "\"\xef\xbf\xbd\xef\xbf\xbd\\\"\""},
	};
	char *got;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = quote(cases[i].in);
		ck_assert_msg(strcmp(got, cases[i].out) == 0,
			      "case %zu: got %s", i, got);
		free(got);
	}
	got = quote(NULL);
	ck_assert_str_eq(got, "null");
	free(got);

	/* The dp_buf form appends to what is there. */
	{
		struct dp_buf buf = {0};

		ck_assert_int_eq(dp_buf_puts(&buf, "x="), 0);
		ck_assert_int_eq(dp_report_json_quote(&buf, "a\"b"), 0);
		ck_assert_int_eq(dp_report_json_quote(&buf, NULL), 0);
		ck_assert_str_eq(buf.data, "x=\"a\\\"b\"null");
		dp_buf_free(&buf);
	}
}
END_TEST

START_TEST(test_put_safe)
{
	char *got;

	got = safe("a\033[31mred\033[0m", NULL);
	ck_assert_str_eq(got, "a [31mred [0m");
	free(got);
	got = safe("tab\there\r\nDEL\x7f C1\xc2\x9b"
		   "x \xc2\xa0nbsp",
		   NULL);
	ck_assert_str_eq(got, "tab here  DEL  C1 x \xc2\xa0nbsp");
	free(got);
	got = safe("one\ntwo\nthree", "  ");
	ck_assert_str_eq(got, "one\n  two\n  three");
	free(got);
	got = safe("bad\xff \xe8\xa7\x92", NULL);
	ck_assert_str_eq(got, "bad\xef\xbf\xbd \xe8\xa7\x92");
	free(got);
}
END_TEST

/* The run of the golden file: every field, escapes, a finding and a
 * note without a file, a baselined finding with a waiver note. */
static void
golden_run(struct dp_findings *list, struct dp_source *source)
{
	struct dp_finding *f;

	f = add(list, &rule_arn, source, arn_value, arn_message, arn_why,
		"\"ram-for-dts\"");
	f->replacement = dp_strdup("ram-for-dts");
	f->value = dp_strdup("acs:ram::1411223344556677:role/ram-for-dts");
	ck_assert_ptr_nonnull(f->replacement);
	ck_assert_ptr_nonnull(f->value);

	f = add(list, &rule_region, source, "\"cn-hangzhuo\"",
		"region 'cn-hangzhuo' is not a DTS region: \"did you mean\" "
		"cn-hangzhou?\tcheck \xe5\x9c\xb0\xe5\x9f\x9f \x01",
		NULL, "cn-hangzhou");
	f->origin.pointer = "/SourceEndpoint/Region";
	f->baselined = true;
	f->waiver_note = "waiver expired 2026-01-01";

	add(list, &rule_hint, NULL, NULL, "--creator-uid 'abc' is not a UID",
	    NULL, NULL);
	ck_assert_int_eq(dp_findings_sort(list), 0);
}

START_TEST(test_json_golden)
{
	struct dp_source *source = tl_source("ticket/job.json", job_json);
	struct dp_findings list = {0};
	struct dp_note notes[2] = {
		{.origin = {.source = source,
			    .span = {tl_offset_of(job_json, "\"Region\""), 0},
			    .pointer = "/SourceEndpoint/Region"},
		 .text = "Region is \"computed\""},
		{.text = "no caller identity"},
	};
	const char *not_run[] = {"DP310, DP311: need --creator-uid",
				 "DP401: needs attachments"};
	struct dp_report report = {
		.findings = &list,
		.n_sources = 3,
		.n_skipped = 1,
		.notes = notes,
		.n_notes = 2,
		.not_run = not_run,
		.n_not_run = 2,
		.setup_summary = "ignored by json",
		.tool_version = "9.8.7",
	};
	char *path = tl_testdata_path("report/golden.json");
	char *expected = tl_read_file(path, NULL);
	char *got;

	golden_run(&list, source);
	got = render("json", &report);
	ck_assert_str_eq(got, expected);
	free(got);

	free(expected);
	free(path);
	dp_findings_free(&list);
	dp_source_free(source);
}
END_TEST

START_TEST(test_json_empty)
{
	static const char expected[] = "{\n"
				       "  \"version\": 1,\n"
				       "  \"tool\": {\n"
				       "    \"name\": \"dts-preflight\",\n"
				       "    \"version\": \"" DP_VERSION "\"\n"
				       "  },\n"
				       "  \"findings\": [],\n"
				       "  \"notes\": [],\n"
				       "  \"not_run\": [],\n"
				       "  \"summary\": {\n"
				       "    \"files\": 0,\n"
				       "    \"skipped\": 0,\n"
				       "    \"errors\": 0,\n"
				       "    \"warnings\": 0,\n"
				       "    \"infos\": 0,\n"
				       "    \"baselined\": 0\n"
				       "  }\n"
				       "}\n";
	struct dp_report report = {0};
	char *got;

	got = render("json", &report);
	ck_assert_str_eq(got, expected);
	free(got);
}
END_TEST

/* ---- the table and write errors ----------------------------------------- */

START_TEST(test_formats)
{
	const char *const *names = dp_report_formats();
	struct dp_report report = {0};

	ck_assert_str_eq(names[0], "text");
	ck_assert_str_eq(names[1], "gcc");
	ck_assert_str_eq(names[2], "json");
	ck_assert_str_eq(names[3], "sarif");
	ck_assert_str_eq(names[4], "github");
	ck_assert_str_eq(names[5], "junit");
	ck_assert_str_eq(names[6], "diff");
	ck_assert_ptr_null(names[7]);
	ck_assert_int_eq(dp_report_write("xml", stdout, &report), -EINVAL);
	ck_assert_int_eq(dp_report_write("", stdout, &report), -EINVAL);
	ck_assert_int_eq(dp_report_write("TEXT", stdout, &report), -EINVAL);
}
END_TEST

START_TEST(test_write_error)
{
	struct dp_source *source = tl_source("ticket/job.json", job_json);
	struct dp_findings list = {0};
	struct dp_report report = {.findings = &list, .sources = &source,
				   .n_sources = 1};
	const char *const *names = dp_report_formats();

	golden_run(&list, source);
	for (size_t i = 0; names[i]; i++) {
		/* /dev/full accepts the buffered write; the flush fails. */
		FILE *out = fopen("/dev/full", "w");

		ck_assert_ptr_nonnull(out);
		ck_assert_msg(dp_report_write(names[i], out, &report) == -EIO,
			      "format %s did not report the write error",
			      names[i]);
		fclose(out);
	}
	dp_findings_free(&list);
	dp_source_free(source);
}
END_TEST

START_TEST(test_finish_keeps_first_error)
{
	struct dp_report_out o = {0};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(out);
	dp_report_puts(&o, "half a report");
	dp_report_fail(&o, -ENOMEM);
	dp_report_fail(&o, -EIO); /* the first error wins */
	dp_report_puts(&o, " and more");
	ck_assert_int_eq(dp_report_finish(&o, out), -ENOMEM);
	ck_assert_ptr_null(o.buf.data);
	ck_assert_int_eq(fclose(out), 0);
	/* Nothing of a failed report reaches the stream. */
	ck_assert_uint_eq(len, 0);
	free(text);
}
END_TEST

static Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc;

	tc = tcase_create("findings");
	tcase_add_test(tc, test_push_takes_ownership);
	tcase_add_test(tc, test_finding_path);
	tcase_add_test(tc, test_sort_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_test(tc, test_text_exact);
	tcase_add_test(tc, test_text_several);
	tcase_add_test(tc, test_text_whole_document);
	tcase_add_test(tc, test_text_wide_gutter);
	tcase_add_test(tc, test_text_long_line);
	tcase_add_test(tc, test_text_secret_masked);
	tcase_add_test(tc, test_text_color);
	tcase_add_test(tc, test_text_hostile_message);
	suite_add_tcase(s, tc);

	tc = tcase_create("summary");
	tcase_add_test(tc, test_summary_wording);
	tcase_add_test(tc, test_count);
	tcase_add_test(tc, test_baselined_hidden_but_counted);
	suite_add_tcase(s, tc);

	tc = tcase_create("gcc");
	tcase_add_test(tc, test_gcc_exact);
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_test(tc, test_json_quote);
	tcase_add_test(tc, test_put_safe);
	tcase_add_test(tc, test_json_golden);
	tcase_add_test(tc, test_json_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("table");
	tcase_add_test(tc, test_formats);
	tcase_add_test(tc, test_write_error);
	tcase_add_test(tc, test_finish_keeps_first_error);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(report_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
