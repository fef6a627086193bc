/*
 * test_fix.c - mechanical fixes as bytes: the encoding of a replacement
 * for each context (whole token, part of a string, inside a JSON-encoded
 * document, twice embedded), plans (overlaps, duplicates, no-ops), that
 * applying a plan changes nothing but the spans, --fix in-process
 * (idempotent, refuses a file that changed), and the finding fingerprint.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "atomic.h"
#include "finding.h"
#include "fix.h"
#include "json.h"
#include "testlib.h"
#include "util.h"

static char *
encode_text(const char *text, bool literal, unsigned escapes)
{
	struct dp_buf buf = {0};

	ck_assert_int_eq(dp_fix_encode_text(text, literal, escapes, &buf), 0);
	return dp_buf_steal(&buf);
}

START_TEST(encode_text_levels)
{
	static const struct {
		const char *text;
		bool literal;
		unsigned escapes;
		const char *want;
	} cases[] = {
		{"ram-for-dts", true, 0, "\"ram-for-dts\""},
		{"ram-for-dts", false, 0, "ram-for-dts"},
		{"a\"b\\c", true, 0, "\"a\\\"b\\\\c\""},
		{"a\"b", false, 1, "a\\\\\\\"b"},
		{"x", true, 1, "\\\"x\\\""},
		{"x", true, 2, "\\\\\\\"x\\\\\\\""},
		{"tab\tnl\n\x01", true, 0, "\"tab\\tnl\\n\\u0001\""},
		{"\xe5\x9c\xb0\xe5\x9f\x9f", true, 1, "\\\"\xe5\x9c\xb0\xe5\x9f\x9f\\\""},
		{"", true, 0, "\"\""},
		{"", false, 3, ""},
	};

	for (size_t i = 0; i < DP_ARRAY_SIZE(cases); i++) {
		char *got = encode_text(cases[i].text, cases[i].literal,
					cases[i].escapes);

		ck_assert_msg(strcmp(got, cases[i].want) == 0,
			      "case %zu: got '%s', want '%s'", i, got,
			      cases[i].want);
		free(got);
	}
}
END_TEST

START_TEST(encode_text_rejects_bad_utf8)
{
	struct dp_buf buf = {0};

	ck_assert_int_eq(dp_fix_encode_text("a\xff", true, 0, &buf), -EINVAL);
	ck_assert_uint_eq(buf.len, 0);
	dp_buf_free(&buf);
}
END_TEST

/* The bytes that replace needle (its first occurrence) in text. */
static char *
encode_at(const char *text, const char *needle, const char *replacement,
	  int *ret_err)
{
	struct dp_source *source = tl_source("t.json", text);
	struct dp_fixer *fixer;
	struct dp_buf buf = {0};
	struct dp_span span;

	span.start = tl_offset_of(text, needle);
	span.end = span.start + (uint32_t) strlen(needle);
	ck_assert_int_eq(dp_fixer_new(source, &fixer), 0);
	*ret_err = dp_fixer_encode(fixer, span, replacement, &buf);
	dp_fixer_free(fixer);
	dp_source_free(source);
	return dp_buf_steal(&buf);
}

START_TEST(fixer_contexts)
{
	static const struct {
		const char *text;
		const char *span;
		const char *replacement;
		int err;
		const char *want;
	} cases[] = {
		/* A whole string token. */
		{"{\"RoleName\": \"acs:ram::1:role/x\"}", "\"acs:ram::1:role/x\"",
		 "x", 0, "\"x\""},
		/* Part of a string. */
		{"{\"P\": \"acs:ram::<UID>:root\"}", "<UID>", "1522334455667788",
		 0, "1522334455667788"},
		{"{\"P\": \"a<UID>b\"}", "<UID>", "q\"", 0, "q\\\""},
		/* Part of a string inside a JSON-encoded document. */
		{"{\"D\": \"{\\\"RAM\\\": [\\\"acs:ram::<UID>:root\\\"]}\"}",
		 "<UID>", "x\"y", 0, "x\\\\\\\"y"},
		/* A whole token inside a JSON-encoded document. */
		{"{\"D\": \"{\\\"Service\\\": [\\\"dts.aliyuncs.com\\\"]}\"}",
		 "\\\"dts.aliyuncs.com\\\"", "1@dts.aliyuncs.com", 0,
		 "\\\"1@dts.aliyuncs.com\\\""},
		/* Twice embedded. */
		{"{\"D\": \"{\\\"E\\\": \\\"{\\\\\\\"K\\\\\\\": \\\\\\\"v<U>\\\\\\\"}\\\"}\"}",
		 "<U>", "\"", 0, "\\\\\\\\\\\\\\\""},
		/* A number stays a number when the fix is one. */
		{"{\"Uid\": 12}", "12", "1522334455667788", 0, "1522334455667788"},
		{"{\"Uid\": 12}", "12", "x", 0, "\"x\""},
		{"{\"Uid\": true}", "true", "x", 0, "\"x\""},
		/* No place for a fix: a key, an object, a span across tokens. */
		{"{\"Uid\": \"12\"}", "\"Uid\"", "x", -ENOENT, ""},
		{"{\"A\": {\"B\": 1}}", "{\"B\": 1}", "x", -ENOENT, ""},
		{"{\"A\": \"1\", \"B\": \"2\"}", "\"1\", \"B\"", "x", -ENOENT, ""},
		/* Not JSON at all. */
		{"{\"A\": \"1\"", "\"1\"", "x", -ENOENT, ""},
		/* A replacement that is not UTF-8. */
		{"{\"A\": \"1\"}", "\"1\"", "\xff", -EINVAL, ""},
	};

	for (size_t i = 0; i < DP_ARRAY_SIZE(cases); i++) {
		int err;
		char *got = encode_at(cases[i].text, cases[i].span,
				      cases[i].replacement, &err);

		ck_assert_msg(err == cases[i].err, "case %zu: error %d", i, err);
		ck_assert_msg(strcmp(got, cases[i].want) == 0,
			      "case %zu: got '%s', want '%s'", i, got,
			      cases[i].want);
		free(got);
	}
}
END_TEST

static const struct dp_rule test_rule = {.id = "DP999", .slug = "test"};

static void
add_finding(struct dp_findings *list, struct dp_source *source,
	    const char *needle, unsigned nth, const char *replacement)
{
	struct dp_finding f = {.rule = &test_rule, .origin = {.source = source,
							       .pointer = ""}};
	const char *at = source->data;

	for (unsigned i = 0; i <= nth; i++) {
		at = strstr(i ? at + 1 : at, needle);
		ck_assert_ptr_nonnull(at);
	}
	f.origin.span.start = (uint32_t) (at - source->data);
	f.origin.span.end = f.origin.span.start + (uint32_t) strlen(needle);
	f.message = dp_strdup("m");
	f.replacement = replacement ? dp_strdup(replacement) : NULL;
	ck_assert_int_eq(dp_findings_push(list, &f), 0);
}

static char *
apply(struct dp_source *source, const struct dp_findings *list,
      struct dp_fix_plan *ret_plan)
{
	struct dp_buf out = {0};

	ck_assert_int_eq(dp_fix_plan(source, list, ret_plan), 0);
	ck_assert_int_eq(dp_fix_plan_apply(source, ret_plan, &out), 0);
	return dp_buf_steal(&out);
}

START_TEST(plan_changes_only_the_spans)
{
	/* A BOM, CRLF lines, odd spacing, a tab and no final newline: none
	 * of it may change. */
	static const char text[] =
		"\xef\xbb\xbf{ \"A\" :\t\"acs:ram::1:role/x\" ,\r\n"
		"   \"B\":[ \"<UID>@dts.aliyuncs.com\",\"keep\" ] ,\r\n"
		"\"C\" : \"{\\\"RAM\\\":\\\"acs:ram::<UID>:root\\\"}\"}";
	static const char want[] =
		"\xef\xbb\xbf{ \"A\" :\t\"x\" ,\r\n"
		"   \"B\":[ \"15@dts.aliyuncs.com\",\"keep\" ] ,\r\n"
		"\"C\" : \"{\\\"RAM\\\":\\\"acs:ram::15:root\\\"}\"}";
	struct dp_source *source = tl_source("t.json", text);
	struct dp_source *other = tl_source("u.json", "{\"A\": \"1\"}");
	struct dp_findings list = {0};
	struct dp_fix_plan plan;
	char *got;

	add_finding(&list, source, "\"acs:ram::1:role/x\"", 0, "x");
	add_finding(&list, source, "<UID>", 0, "15");
	add_finding(&list, source, "<UID>", 1, "15");
	add_finding(&list, source, "\"keep\"", 0, NULL);     /* no fix */
	add_finding(&list, other, "\"1\"", 0, "2");          /* other file */
	got = apply(source, &list, &plan);
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(plan.n, 3);
	ck_assert_uint_eq(plan.n_findings, 3);
	ck_assert_uint_eq(plan.n_skipped, 0);
	free(got);
	dp_fix_plan_free(&plan);
	dp_findings_free(&list);
	dp_source_free(other);
	dp_source_free(source);
}
END_TEST

START_TEST(plan_merges_skips_and_drops)
{
	static const char text[] = "{\"A\": \"a<U>b\", \"B\": \"same\"}";
	struct dp_source *source = tl_source("t.json", text);
	struct dp_findings list = {0};
	struct dp_fix_plan plan;
	char *got;

	add_finding(&list, source, "<U>", 0, "1");
	add_finding(&list, source, "<U>", 0, "1");
	/* A fix inside another one's span: the first in span order wins,
	 * the others are left out. */
	add_finding(&list, source, "\"a<U>b\"", 0, "z");
	/* Already what the fix would write: nothing to do. */
	add_finding(&list, source, "\"same\"", 0, "same");
	/* A baselined finding is not fixed. */
	add_finding(&list, source, "\"B\"", 0, "C");
	list.items[list.n - 1].baselined = true;
	got = apply(source, &list, &plan);
	ck_assert_str_eq(got, "{\"A\": \"z\", \"B\": \"same\"}");
	ck_assert_uint_eq(plan.n, 1);
	ck_assert_uint_eq(plan.n_findings, 1);
	ck_assert_uint_eq(plan.n_skipped, 2);
	free(got);
	dp_fix_plan_free(&plan);
	dp_findings_free(&list);
	dp_source_free(source);
}
END_TEST

START_TEST(plan_merges_the_same_fix)
{
	struct dp_source *source = tl_source("t.json", "{\"A\": \"a<U>b\"}");
	struct dp_findings list = {0};
	struct dp_fix_plan plan;
	char *got;

	/* Two rules, one fix: one edit that fixes both. */
	add_finding(&list, source, "<U>", 0, "1");
	add_finding(&list, source, "<U>", 0, "1");
	got = apply(source, &list, &plan);
	ck_assert_str_eq(got, "{\"A\": \"a1b\"}");
	ck_assert_uint_eq(plan.n, 1);
	ck_assert_uint_eq(plan.n_findings, 2);
	ck_assert_uint_eq(plan.n_skipped, 0);
	free(got);
	dp_fix_plan_free(&plan);
	dp_findings_free(&list);
	dp_source_free(source);
}
END_TEST

START_TEST(relative_paths)
{
	char cwd[4096];
	char *abs;
	static const struct {
		const char *path;
		const char *want;
	} cases[] = {
		{"job.json", "job.json"},
		{"./job.json", "job.json"},
		{".//a/./b.json", "a/./b.json"},
		{"../x.json", "../x.json"},
		{"/nonexistent-dir/x.json", "/nonexistent-dir/x.json"},
	};

	for (size_t i = 0; i < DP_ARRAY_SIZE(cases); i++) {
		struct dp_buf buf = {0};

		ck_assert_int_eq(dp_fix_relative_path(cases[i].path, &buf), 0);
		ck_assert_str_eq(buf.data, cases[i].want);
		dp_buf_free(&buf);
	}
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	abs = dp_asprintf("%s/sub/job.json", cwd);
	{
		struct dp_buf buf = {0};

		ck_assert_int_eq(dp_fix_relative_path(abs, &buf), 0);
		ck_assert_str_eq(buf.data, "sub/job.json");
		dp_buf_free(&buf);
	}
	free(abs);
}
END_TEST

START_TEST(fingerprint_ignores_position)
{
	struct dp_source *a = tl_source("./dir/job.json", "{\"A\": \"v\"}");
	struct dp_source *b = tl_source("dir/job.json", "{\n\n  \"A\":   \"v\"\n}");
	struct dp_finding fa = {.rule = &test_rule,
				.origin = {.source = a, .span = {6, 9},
					   .pointer = "/A"},
				.value = (char *) "v"};
	struct dp_finding fb = fa;
	char ha[DP_FINGERPRINT_LEN + 1], hb[DP_FINGERPRINT_LEN + 1];

	fb.origin.source = b;
	fb.origin.span = (struct dp_span){13, 16};
	dp_finding_fingerprint(&fa, ha);
	dp_finding_fingerprint(&fb, hb);
	ck_assert_uint_eq(strlen(ha), DP_FINGERPRINT_LEN);
	ck_assert_str_eq(ha, hb);
	/* Pinned: the baseline files people commit depend on it. */
	ck_assert_str_eq(ha, "b85c64d6bef97c3c");
	fb.origin.pointer = "/B";
	dp_finding_fingerprint(&fb, hb);
	ck_assert_str_ne(ha, hb);
	fb.origin.pointer = "/A";
	fb.value = (char *) "w";
	dp_finding_fingerprint(&fb, hb);
	ck_assert_str_ne(ha, hb);
	/* ("ab", "c") and ("a", "bc") differ. */
	fb.origin.pointer = "/Av";
	fb.value = (char *) "";
	dp_finding_fingerprint(&fb, hb);
	ck_assert_str_ne(ha, hb);
	dp_source_free(a);
	dp_source_free(b);
}
END_TEST

/* ---- --fix through the whole command ---------------------------------- */

static char tmpdir[64];

static void
write_file(const char *name, const char *text)
{
	char *path = dp_asprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	free(path);
}

static char *
read_back(const char *name)
{
	char *path = dp_asprintf("%s/%s", tmpdir, name);
	char *text = tl_read_file(path, NULL);

	free(path);
	return text;
}

/* Runs dts-preflight with words in tmpdir; returns the status. */
static int
run_app(const char *const *words, char **ret_err)
{
	char *argv[16];
	int argc = 0, status;
	char *out_text = NULL, *err_text = NULL;
	size_t out_len = 0, err_len = 0;
	FILE *out = open_memstream(&out_text, &out_len);
	FILE *err = open_memstream(&err_text, &err_len);
	char old[4096];

	ck_assert_ptr_nonnull(getcwd(old, sizeof(old)));
	ck_assert_int_eq(chdir(tmpdir), 0);
	argv[argc++] = (char *) "dts-preflight";
	for (; *words; words++)
		argv[argc++] = (char *) *words;
	argv[argc] = NULL;
	status = dp_app_run(argc, argv, out, err);
	fclose(out);
	fclose(err);
	ck_assert_int_eq(chdir(old), 0);
	free(out_text);
	if (ret_err)
		*ret_err = err_text;
	else
		free(err_text);
	return status;
}

static const char job[] =
	"{\n"
	"  \"RegionId\": \"cn-hangzhou\",\n"
	"  \"DtsJobName\": \"j\",\n"
	"  \"JobType\": \"SYNC\",\n"
	"  \"SourceEndpointInstanceType\": \"RDS\",\n"
	"  \"SourceEndpointEngineName\": \"MYSQL\",\n"
	"  \"SourceEndpointInstanceID\": \"rm-1\",\n"
	"  \"SourceEndpointRegion\": \"cn-hangzhou\",\n"
	"  \"SourceEndpointOwnerID\": \"1111222233334444\",\n"
	"  \"SourceEndpointRole\":   \"acs:ram::1111222233334444:role/ram-for-dts\",\n"
	"  \"DestinationEndpointInstanceType\": \"RDS\",\n"
	"  \"DestinationEndpointEngineName\": \"MYSQL\",\n"
	"  \"DestinationEndpointInstanceID\": \"rm-2\",\n"
	"  \"DestinationEndpointRegion\": \"cn-hangzhou\"\n"
	"}";

static void
setup_tmp(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/dp-fix-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown_tmp(void)
{
	char *cmd = dp_asprintf("rm -rf '%s'", tmpdir);

	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

START_TEST(fix_in_place_is_idempotent)
{
	const char *words[] = {"--fix", "-q", "job.json", NULL};
	char *want = dp_strdup(job), *got, *err = NULL, *at;
	char *path = dp_asprintf("%s/job.json", tmpdir);
	struct stat st;

	write_file("job.json", job);
	ck_assert_int_eq(chmod(path, 0640), 0);
	at = strstr(want, "\"acs:ram::1111222233334444:role/ram-for-dts\"");
	memmove(at, "\"ram-for-dts\"", 13);
	memmove(at + 13, at + 44, strlen(at + 44) + 1);
	ck_assert_int_eq(run_app(words, &err), 0);
	ck_assert_str_eq(err, "");
	free(err);
	got = read_back("job.json");
	ck_assert_str_eq(got, want);
	free(got);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	/* Nothing left: the file is not even rewritten. */
	ck_assert_int_eq(run_app(words, NULL), 0);
	got = read_back("job.json");
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	free(path);
}
END_TEST

START_TEST(fix_says_what_it_did)
{
	const char *words[] = {"--fix", "job.json", NULL};
	char *err = NULL;

	write_file("job.json", job);
	ck_assert_int_eq(run_app(words, &err), 0);
	ck_assert_str_eq(err, "dts-preflight: fixed 1 finding in 'job.json'\n");
	free(err);
}
END_TEST

/* Changes the file being fixed between the read and the rename, as an
 * editor saving at the wrong moment would. */
static int
edit_behind_our_back(enum dp_atomic_step step, void *data)
{
	if (step == DP_ATOMIC_WRITE) {
		FILE *f = fopen(data, "a");

		ck_assert_ptr_nonnull(f);
		fputs("\n", f);
		ck_assert_int_eq(fclose(f), 0);
	}
	return 0;
}

START_TEST(fix_leaves_a_changed_file_alone)
{
	const char *words[] = {"--fix", "job.json", NULL};
	char *path = dp_asprintf("%s/job.json", tmpdir);
	char *err = NULL, *got, *want = dp_asprintf("%s\n", job);
	write_file("job.json", job);
	dp_atomic_set_hook(edit_behind_our_back, path);
	ck_assert_int_eq(run_app(words, &err), 2);
	dp_atomic_set_hook(NULL, NULL);
	ck_assert_msg(strstr(err, "not fixing 'job.json': it changed since it "
			     "was read"), "%s", err);
	got = read_back("job.json");
	ck_assert_str_eq(got, want);
	{
		/* No temporary file is left behind. */
		char *cmd = dp_asprintf("test \"$(ls -A '%s')\" = job.json",
					tmpdir);

		ck_assert_int_eq(system(cmd), 0);
		free(cmd);
	}
	free(got);
	free(want);
	free(err);
	free(path);
}
END_TEST

START_TEST(fix_skips_stdin)
{
	const char *words[] = {"--fix", "-", NULL};
	char *err = NULL;
	char *path = dp_asprintf("%s/job.json", tmpdir);
	FILE *in;

	write_file("job.json", job);
	in = freopen(path, "r", stdin);
	ck_assert_ptr_nonnull(in);
	ck_assert_int_eq(run_app(words, &err), 1);
	ck_assert_msg(strstr(err, "cannot fix standard input in place"), "%s",
		      err);
	free(err);
	free(path);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fix");
	TCase *tc = tcase_create("encode");
	TCase *app = tcase_create("app");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, encode_text_levels);
	tcase_add_test(tc, encode_text_rejects_bad_utf8);
	tcase_add_test(tc, fixer_contexts);
	tcase_add_test(tc, plan_changes_only_the_spans);
	tcase_add_test(tc, plan_merges_skips_and_drops);
	tcase_add_test(tc, plan_merges_the_same_fix);
	tcase_add_test(tc, relative_paths);
	tcase_add_test(tc, fingerprint_ignores_position);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(app, setup_tmp, teardown_tmp);
	tcase_add_test(app, fix_in_place_is_idempotent);
	tcase_add_test(app, fix_says_what_it_did);
	tcase_add_test(app, fix_leaves_a_changed_file_alone);
	tcase_add_test(app, fix_skips_stdin);
	suite_add_tcase(s, app);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
