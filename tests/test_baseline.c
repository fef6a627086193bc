/*
 * test_baseline.c - baselines: a baseline written (atomically, stable
 * order), the files re-indented and the run still clean; a new finding
 * elsewhere still reported; the same from another directory; vanished
 * findings noted; malformed baselines errors with file:line:col.
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
#include "baseline.h"
#include "testlib.h"
#include "util.h"

static char *tmp;
static char *start_cwd;

static void
put_file(const char *rel, const char *text)
{
	char *path = dp_asprintf("%s/%s", tmp, rel);
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "cannot write %s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	free(path);
}

static void
setup(void)
{
	char *git;

	start_cwd = getcwd(NULL, 0);
	tmp = dp_strdup("/tmp/dp-baseline-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	git = dp_asprintf("%s/.git", tmp);
	ck_assert_int_eq(mkdir(git, 0700), 0);
	free(git);
	ck_assert_int_eq(chdir(tmp), 0);
}

static void
teardown(void)
{
	char *cmd = dp_asprintf("rm -rf '%s'", tmp);

	ck_assert_int_eq(chdir(start_cwd), 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(tmp);
	free(start_cwd);
}

static int
run(const char *const *words, char **ret_out, char **ret_err)
{
	char *argv[32];
	int argc = 0, status;
	size_t out_len = 0, err_len = 0;
	FILE *out = open_memstream(ret_out, &out_len);
	FILE *err = open_memstream(ret_err, &err_len);

	argv[argc++] = (char *) "dts-preflight";
	for (; *words; words++)
		argv[argc++] = (char *) *words;
	argv[argc] = NULL;
	status = dp_app_run(argc, argv, out, err);
	fclose(out);
	fclose(err);
	return status;
}

/* A trust policy with both placeholders, as the console editor saves
 * it, and the same document on one line. */
static const char policy_pretty[] =
	"{\n"
	"    \"Statement\": [\n"
	"        {\n"
	"            \"Action\": \"sts:AssumeRole\",\n"
	"            \"Effect\": \"Allow\",\n"
	"            \"Principal\": {\n"
	"                \"RAM\": [\n"
	"                    \"acs:ram::<Alibaba Cloud account ID>:root\"\n"
	"                ],\n"
	"                \"Service\": [\n"
	"                    \"<Alibaba Cloud account ID>@dts.aliyuncs.com\"\n"
	"                ]\n"
	"            }\n"
	"        }\n"
	"    ],\n"
	"    \"Version\": \"1\"\n"
	"}\n";
static const char policy_oneline[] =
	"{\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\","
	"\"Principal\":{\"RAM\":[\"acs:ram::<Alibaba Cloud account ID>:root\"],"
	"\"Service\":[\"<Alibaba Cloud account ID>@dts.aliyuncs.com\"]}}],"
	"\"Version\":\"1\"}";

/* A GetRole export whose embedded policy has the placeholders, indented
 * two ways. */
static const char role_2[] =
	"{\n  \"Role\": {\n    \"RoleName\": \"ram-for-dts\",\n"
	"    \"Arn\": \"acs:ram::1411223344556677:role/ram-for-dts\",\n"
	"    \"AssumeRolePolicyDocument\": \"{\\\"Statement\\\": [{\\\"Action\\\": "
	"\\\"sts:AssumeRole\\\", \\\"Effect\\\": \\\"Allow\\\", \\\"Principal\\\": "
	"{\\\"RAM\\\": [\\\"acs:ram::<Alibaba Cloud account ID>:root\\\"]}}], "
	"\\\"Version\\\": \\\"1\\\"}\"\n  }\n}\n";
static const char role_8[] =
	"{\"Role\":\n        {\"Arn\": \"acs:ram::1411223344556677:role/ram-for-dts\","
	"\n        \"AssumeRolePolicyDocument\":\n        \"{\\\"Statement\\\": "
	"[{\\\"Action\\\": \\\"sts:AssumeRole\\\", \\\"Effect\\\": \\\"Allow\\\", "
	"\\\"Principal\\\": {\\\"RAM\\\": [\\\"acs:ram::<Alibaba Cloud account "
	"ID>:root\\\"]}}], \\\"Version\\\": \\\"1\\\"}\",\n"
	"        \"RoleName\": \"ram-for-dts\"}}";

START_TEST(reformatting_keeps_findings_baselined)
{
	const char *check[] = {"--fail-on", "info", "infra", NULL};
	const char *write[] = {"--fail-on", "info", "--write-baseline",
			       "base.json", "infra", NULL};
	const char *with[] = {"--fail-on", "info", "--baseline", "base.json",
			      "infra", NULL};
	const char *audit[] = {"--fail-on", "info", "--baseline", "base.json",
			       "--no-waivers", "infra", NULL};
	char *out = NULL, *err = NULL, *written, *again;

	ck_assert_int_eq(mkdir("infra", 0700), 0);
	put_file("infra/policy.json", policy_pretty);
	put_file("infra/role.json", role_2);
	ck_assert_int_eq(run(check, &out, &err), 1);
	free(out);
	free(err);

	ck_assert_int_eq(run(write, &out, &err), 0);
	ck_assert_msg(strstr(out, "note: recorded "), "%s", out);
	ck_assert_msg(strstr(out, " in the baseline 'base.json'"), "%s", out);
	ck_assert_msg(strstr(out, " baselined"), "%s", out);
	ck_assert_str_eq(err, "");
	free(out);
	free(err);
	written = tl_read_file("base.json", NULL);
	ck_assert_msg(strstr(written, "\"path\": \"infra/policy.json\", "
			     "\"pointer\": \"/Statement/0/Principal/RAM/0\"}"),
		      "%s", written);

	/* Clean with the baseline; clean again after re-indenting. */
	ck_assert_int_eq(run(with, &out, &err), 0);
	ck_assert_msg(strstr(out, " baselined"), "%s", out);
	free(out);
	free(err);
	put_file("infra/policy.json", policy_oneline);
	put_file("infra/role.json", role_8);
	ck_assert_int_eq(run(with, &out, &err), 0);
	ck_assert_msg(!strstr(out, "error:") && strstr(out, " baselined"), "%s",
		      out);
	free(out);
	free(err);

	/* Writing again gives the same file: reformatting changes nothing
	 * in it. */
	ck_assert_int_eq(run(write, &out, &err), 0);
	free(out);
	free(err);
	again = tl_read_file("base.json", NULL);
	ck_assert_str_eq(again, written);
	free(again);
	free(written);

	/* A new finding elsewhere is reported; the old ones stay quiet. */
	put_file("infra/new.json",
		 "{\"Statement\": [{\"Action\": \"sts:AssumeRole\", \"Effect\": "
		 "\"Allow\", \"Principal\": {\"RAM\": "
		 "[\"acs:ram::164682176356****:root\"], \"Service\": "
		 "[\"164682176356****@dts.aliyuncs.com\"]}}], \"Version\": "
		 "\"1\"}");
	ck_assert_int_eq(run(with, &out, &err), 1);
	ck_assert_msg(strstr(out, "infra/new.json:"), "%s", out);
	ck_assert_msg(!strstr(out, "infra/policy.json:"), "%s", out);
	ck_assert_msg(strstr(out, " baselined"), "%s", out);
	free(out);
	free(err);

	/* An audit ignores the baseline. */
	ck_assert_int_eq(run(audit, &out, &err), 1);
	ck_assert_msg(strstr(out, "infra/policy.json:") &&
		      !strstr(out, " baselined"), "%s", out);
	free(out);
	free(err);
}
END_TEST

/* Paths are relative to the baseline: the same baseline works from the
 * repository root and from a subdirectory. */
START_TEST(any_working_directory)
{
	const char *write[] = {"--write-baseline", "ci/base.json", "infra", NULL};
	const char *from_root[] = {"--baseline", "ci/base.json", "infra", NULL};
	const char *from_infra[] = {"--baseline", "../ci/base.json", ".", NULL};
	const char *from_ci[] = {"--baseline", "base.json", "../infra/", NULL};
	char *out = NULL, *err = NULL;

	ck_assert_int_eq(mkdir("infra", 0700), 0);
	ck_assert_int_eq(mkdir("ci", 0700), 0);
	put_file("infra/policy.json", policy_pretty);
	ck_assert_int_eq(run(write, &out, &err), 0);
	free(out);
	free(err);
	ck_assert_int_eq(run(from_root, &out, &err), 0);
	free(out);
	free(err);
	ck_assert_int_eq(chdir("infra"), 0);
	ck_assert_int_eq(run(from_infra, &out, &err), 0);
	ck_assert_msg(!strstr(out, "error:"), "%s", out);
	free(out);
	free(err);
	ck_assert_int_eq(chdir("../ci"), 0);
	ck_assert_int_eq(run(from_ci, &out, &err), 0);
	ck_assert_msg(!strstr(out, "error:"), "%s", out);
	free(out);
	free(err);
}
END_TEST

/* Fixed findings: the baseline says they are gone. */
START_TEST(gone_findings_are_noted)
{
	const char *write[] = {"--write-baseline", "base.json", "policy.json",
			       NULL};
	const char *with[] = {"--baseline", "base.json", "policy.json", NULL};
	char *out = NULL, *err = NULL;

	put_file("policy.json", policy_pretty);
	ck_assert_int_eq(run(write, &out, &err), 0);
	free(out);
	free(err);
	put_file("policy.json",
		 "{\"Statement\": [{\"Action\": \"sts:AssumeRole\", \"Effect\": "
		 "\"Allow\", \"Principal\": {\"RAM\": "
		 "[\"acs:ram::1522334455667788:root\"], \"Service\": "
		 "[\"1522334455667788@dts.aliyuncs.com\"]}}], \"Version\": "
		 "\"1\"}");
	ck_assert_int_eq(run(with, &out, &err), 0);
	ck_assert_msg(strstr(out, "note: base.json:1:1: 2 recorded findings no "
			     "longer occur: refresh the baseline with "
			     "--write-baseline base.json"), "%s", out);
	free(out);
	free(err);
}
END_TEST

START_TEST(bad_baselines)
{
	static const struct {
		const char *json;
		const char *error;
	} cases[] = {
		{"{\"version\": 2, \"findings\": []}",
		 "b.json:1:13: this baseline is of version 2"},
		{"{\"findings\": []}", "b.json:1:1: a baseline needs \"version\""},
		{"{\"version\": 1}", "a baseline needs \"findings\""},
		{"{\"version\": 1, \"findings\": [], \"extra\": 1}",
		 "b.json:1:32: unknown key \"extra\""},
		{"{\"version\": 1, \"findings\": [\n  {\"fingerprint\": \"XYZ\"}]}",
		 "b.json:2:19: a fingerprint is 16 lowercase hex digits"},
		{"{\"version\": 1, \"findings\": [{\"rule\": \"DP201\"}]}",
		 "b.json:1:29: a baseline entry lacks \"fingerprint\""},
		{"{\"version\": 1, \"findings\": [{\"fingerprint\": "
		 "\"0123456789abcdef\", \"line\": 3}]}",
		 "unknown key \"line\" in a baseline entry"},
		{"{\"version\": 1, \"findings\": {}}", "\"findings\" must be a list"},
		{"{\"version\": 1,", "b.json:1:"},
		{"", "b.json:"},
	};

	for (size_t i = 0; i < DP_ARRAY_SIZE(cases); i++) {
		struct dp_baseline *baseline = NULL;
		char *msg = NULL;

		put_file("b.json", cases[i].json);
		ck_assert_int_eq(dp_baseline_load("b.json", &baseline, &msg),
				 -EINVAL);
		ck_assert_ptr_null(baseline);
		ck_assert_msg(msg && strstr(msg, cases[i].error) &&
			      strncmp(msg, "b.json:", 7) == 0,
			      "'%s': '%s' lacks '%s'", cases[i].json, msg,
			      cases[i].error);
		free(msg);
	}
}
END_TEST

START_TEST(bad_baseline_through_the_command)
{
	const char *with[] = {"--baseline", "b.json", "policy.json", NULL};
	const char *missing[] = {"--baseline", "nope.json", "policy.json", NULL};
	const char *unwritable[] = {"--write-baseline", "no/such/dir/b.json",
				    "policy.json", NULL};
	char *out = NULL, *err = NULL;

	put_file("policy.json", policy_pretty);
	put_file("b.json", "{\"version\": 1, \"findings\": 3}");
	ck_assert_int_eq(run(with, &out, &err), 2);
	ck_assert_str_eq(err, "dts-preflight: bad baseline: b.json:1:28: "
			 "\"findings\" must be a list\n");
	ck_assert_str_eq(out, "");
	free(out);
	free(err);
	ck_assert_int_eq(run(missing, &out, &err), 2);
	ck_assert_str_eq(err, "dts-preflight: cannot read baseline 'nope.json': "
			 "No such file or directory\n");
	free(out);
	free(err);
	ck_assert_int_eq(run(unwritable, &out, &err), 2);
	ck_assert_str_eq(err, "dts-preflight: cannot write baseline "
			 "'no/such/dir/b.json': No such file or directory\n");
	free(out);
	free(err);
}
END_TEST

/* Each recorded finding baselines one finding. */
START_TEST(one_entry_one_finding)
{
	struct dp_baseline *baseline = NULL;
	char *msg = NULL;

	put_file("b.json", "{\"version\": 1, \"findings\": [\n"
		 "{\"fingerprint\": \"00000000000000ff\"},\n"
		 "{\"fingerprint\": \"0000000000000001\"},\n"
		 "{\"fingerprint\": \"00000000000000ff\"}]}");
	ck_assert_int_eq(dp_baseline_load("b.json", &baseline, &msg), 0);
	ck_assert(dp_baseline_take(baseline, "00000000000000ff"));
	ck_assert(dp_baseline_take(baseline, "00000000000000ff"));
	ck_assert(!dp_baseline_take(baseline, "00000000000000ff"));
	ck_assert(dp_baseline_take(baseline, "0000000000000001"));
	ck_assert(!dp_baseline_take(baseline, "0000000000000002"));
	dp_baseline_free(baseline);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("baseline");
	TCase *tc = tcase_create("baseline");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, reformatting_keeps_findings_baselined);
	tcase_add_test(tc, any_working_directory);
	tcase_add_test(tc, gone_findings_are_noted);
	tcase_add_test(tc, bad_baselines);
	tcase_add_test(tc, bad_baseline_through_the_command);
	tcase_add_test(tc, one_entry_one_finding);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
