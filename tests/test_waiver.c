/*
 * test_waiver.c - waivers: dates, matching (rule, path glob, pointer),
 * and whole runs where a waiver suppresses, expires (the finding comes
 * back and says so), goes stale, and is listed by `dts-preflight
 * waivers`; --no-waivers shows everything.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "rules.h"
#include "waiver.h"
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
	tmp = dp_strdup("/tmp/dp-waiver-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	git = dp_asprintf("%s/.git", tmp);
	ck_assert_int_eq(mkdir(git, 0700), 0);
	free(git);
	ck_assert_int_eq(chdir(tmp), 0);
	setenv("DTS_PREFLIGHT_TODAY", "2026-06-15", 1);
}

static void
teardown(void)
{
	char *cmd = dp_asprintf("rm -rf '%s'", tmp);

	unsetenv("DTS_PREFLIGHT_TODAY");
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

START_TEST(dates)
{
	static const struct {
		const char *text;
		long day; /* 0: invalid */
	} cases[] = {
		{"2026-06-15", 20260615}, {"2024-02-29", 20240229},
		{"2000-02-29", 20000229}, {"2026-12-31", 20261231},
		{"2026-02-29", 0},        {"1900-02-29", 0},
		{"2026-13-01", 0},        {"2026-00-10", 0},
		{"2026-04-31", 0},        {"2026-1-01", 0},
		{"2026/01/01", 0},        {"26-01-01", 0},
		{"2026-01-01T00:00", 0},  {"", 0},
		{"２０２６-01-01", 0},
	};

	for (size_t i = 0; i < DP_ARRAY_SIZE(cases); i++) {
		long day = -1;
		int r = dp_date_parse(cases[i].text, &day);

		if (cases[i].day) {
			ck_assert_msg(r == 0 && day == cases[i].day, "%s",
				      cases[i].text);
		} else {
			ck_assert_msg(r < 0 && day == -1, "%s", cases[i].text);
		}
	}
	ck_assert_int_eq(dp_waiver_today("2030-01-02", &(long){0}), 0);
	ck_assert_int_lt(dp_waiver_today("tomorrow", &(long){0}), 0);
	ck_assert_int_eq(dp_waiver_today(NULL, &(long){0}), 0);
}
END_TEST

START_TEST(matching)
{
	struct dp_rule rule = {.id = "DP201", .slug = "role-arn-as-name"};
	struct dp_waiver w = {.rule = "dp2*", .path = "legacy/*.json",
			      .expires_day = 20260615};

	ck_assert(dp_rule_pattern_matches(&rule, "DP201"));
	ck_assert(dp_rule_pattern_matches(&rule, "role-arn-as-name"));
	ck_assert(dp_rule_pattern_matches(&rule, "ROLE-ARN-*"));
	ck_assert(!dp_rule_pattern_matches(&rule, "DP20"));
	ck_assert(dp_waiver_matches(&w, &rule, "legacy/a.json", "/x"));
	ck_assert(dp_waiver_matches(&w, &rule, "legacy/sub/a.json", "/x"));
	ck_assert(!dp_waiver_matches(&w, &rule, "new/a.json", "/x"));
	w.path = "legacy/";
	ck_assert(dp_waiver_matches(&w, &rule, "legacy/sub/a.json", "/x"));
	ck_assert(!dp_waiver_matches(&w, &rule, "legacyx/a.json", "/x"));
	w.pointer = "/Role";
	ck_assert(dp_waiver_matches(&w, &rule, "legacy/a.json", "/Role"));
	ck_assert(dp_waiver_matches(&w, &rule, "legacy/a.json",
				    "/Role/AssumeRolePolicyDocument"));
	ck_assert(!dp_waiver_matches(&w, &rule, "legacy/a.json", "/RoleName"));
	w.pointer = "";
	ck_assert(dp_waiver_matches(&w, &rule, "legacy/a.json", "/anything"));
	/* The last day still applies. */
	ck_assert(!dp_waiver_expired(&w, 20260615));
	ck_assert(dp_waiver_expired(&w, 20260616));
}
END_TEST

static const char policy[] =
	"{\"Statement\": [{\"Action\": \"sts:AssumeRole\", \"Effect\": "
	"\"Allow\", \"Principal\": {\"RAM\": [\"acs:ram::<Alibaba Cloud account "
	"ID>:root\"], \"Service\": [\"<Alibaba Cloud account "
	"ID>@dts.aliyuncs.com\"]}}], \"Version\": \"1\"}\n";

static const char config_head[] = "{\"waivers\": [\n";

START_TEST(a_run_with_waivers)
{
	const char *check[] = {"--fail-on", "warning", "policy.json", NULL};
	const char *audit[] = {"--no-waivers", "policy.json", NULL};
	const char *list[] = {"waivers", NULL};
	char *out = NULL, *err = NULL, *config;
	int status_all, status;

	ck_assert_int_eq(mkdir("legacy", 0700), 0);
	put_file("legacy/policy.json", policy);
	put_file("policy.json", policy);
	ck_assert_int_eq(chdir(tmp), 0);

	/* Without waivers: the placeholders are errors. */
	status_all = run(check, &out, &err);
	ck_assert_int_eq(status_all, 1);
	ck_assert_msg(strstr(out, "DP301"), "%s", out);
	free(out);
	free(err);

	/* An active waiver for every finding of policy.json. */
	config = dp_asprintf("%s%s", config_head,
			     "  {\"rule\": \"*\", \"path\": \"policy.json\", "
			     "\"reason\": \"template kept on purpose\", "
			     "\"expires\": \"2026-06-15\", \"owner\": \"sec\"},\n"
			     "  {\"rule\": \"DP201\", \"path\": \"policy.json\", "
			     "\"reason\": \"nothing\", \"expires\": \"2099-01-01\"},\n"
			     "  {\"rule\": \"DP301\", \"path\": \"gone/*\", "
			     "\"reason\": \"other files\", \"expires\": "
			     "\"2099-01-01\"}\n]}\n");
	put_file(".dts-preflight.json", config);
	free(config);
	status = run(check, &out, &err);
	ck_assert_int_eq(status, 0);
	ck_assert_msg(!strstr(out, "DP301"), "%s", out);
	/* The DP201 waiver covers a file that was checked: stale.  The
	 * one for gone/ covers no file checked: nothing said. */
	ck_assert_msg(strstr(out, "note: .dts-preflight.json:3:3: waiver for "
			     "DP201 in 'policy.json' matches no finding (stale)"),
		      "%s", out);
	ck_assert_msg(!strstr(out, "gone/*"), "%s", out);
	ck_assert_str_eq(err, "");
	free(out);
	free(err);

	/* The listing: states and counts. */
	ck_assert_int_eq(run(list, &out, &err), 0);
	ck_assert_msg(strstr(out, ".dts-preflight.json:2:3: active  * in "
			     "policy.json until 2026-06-15, owner sec: suppresses"),
		      "%s", out);
	ck_assert_msg(strstr(out, ".dts-preflight.json:3:3: stale   DP201"), "%s",
		      out);
	ck_assert_msg(strstr(out, ".dts-preflight.json:4:3: stale   DP301 in "
			     "gone/*"), "%s", out);
	ck_assert_msg(strstr(out, "    reason: template kept on purpose\n"),
		      "%s", out);
	ck_assert_msg(strstr(out, "3 waivers: 1 active, 0 expired, 2 stale\n"),
		      "%s", out);
	free(out);
	free(err);

	/* The day after: the findings are back and say why. */
	setenv("DTS_PREFLIGHT_TODAY", "2026-06-16", 1);
	ck_assert_int_eq(run(check, &out, &err), status_all);
	ck_assert_msg(strstr(out, "= note: the waiver expired on 2026-06-15 and "
			     "no longer applies (.dts-preflight.json:2:3, owner "
			     "sec: template kept on purpose)"), "%s", out);
	free(out);
	free(err);
	ck_assert_int_eq(run(list, &out, &err), 0);
	ck_assert_msg(strstr(out, "expired * in policy.json until 2026-06-15, "
			     "owner sec: no longer applies to the 2 findings it matches"), "%s", out);
	free(out);
	free(err);

	/* Audits see everything, and no notes about waivers. */
	setenv("DTS_PREFLIGHT_TODAY", "2026-06-15", 1);
	ck_assert_int_eq(run(audit, &out, &err), status_all);
	ck_assert_msg(strstr(out, "DP301") && !strstr(out, "waiver"), "%s", out);
	free(out);
	free(err);

	/* A bad date to compare with is an error. */
	setenv("DTS_PREFLIGHT_TODAY", "soon", 1);
	ck_assert_int_eq(run(check, &out, &err), 2);
	ck_assert_str_eq(err, "dts-preflight: DTS_PREFLIGHT_TODAY must be a date "
			 "YYYY-MM-DD, not 'soon'\n");
	free(out);
	free(err);
}
END_TEST

/* A waiver's path is relative to the config file, wherever the tool
 * runs from. */
START_TEST(paths_relative_to_the_config)
{
	const char *from_sub[] = {"policy.json", NULL};
	const char *from_top[] = {"legacy/policy.json", NULL};
	const char *dotted[] = {"./legacy/../legacy/policy.json", NULL};
	char *out = NULL, *err = NULL;

	ck_assert_int_eq(mkdir("legacy", 0700), 0);
	put_file("legacy/policy.json", policy);
	put_file(".dts-preflight.json",
		 "{\"waivers\": [{\"rule\": \"DP3*\", \"path\": \"legacy/*.json\", "
		 "\"reason\": \"r\", \"expires\": \"2099-01-01\"}]}");
	ck_assert_int_eq(run(from_top, &out, &err), 0);
	ck_assert_msg(!strstr(out, "[DP3"), "%s", out);
	free(out);
	free(err);
	ck_assert_int_eq(run(dotted, &out, &err), 0);
	ck_assert_msg(!strstr(out, "[DP3"), "%s", out);
	free(out);
	free(err);
	ck_assert_int_eq(chdir("legacy"), 0);
	ck_assert_int_eq(run(from_sub, &out, &err), 0);
	ck_assert_msg(!strstr(out, "[DP3"), "%s", out);
	free(out);
	free(err);
}
END_TEST

/* A waiver naming no rule is an error at its position. */
START_TEST(unknown_rule)
{
	const char *check[] = {"x.json", NULL};
	char *out = NULL, *err = NULL;

	put_file(".dts-preflight.json",
		 "{\"waivers\": [\n {\"rule\": \"DP9*\", \"path\": \"*\", "
		 "\"reason\": \"r\", \"expires\": \"2099-01-01\"}]}");
	ck_assert_int_eq(run(check, &out, &err), 2);
	ck_assert_str_eq(err, "dts-preflight: bad config file: "
			 ".dts-preflight.json:2:11: no rule matches 'DP9*' (see "
			 "'dts-preflight rules')\n");
	ck_assert_str_eq(out, "");
	free(out);
	free(err);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("waiver");
	TCase *tc = tcase_create("waiver");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, dates);
	tcase_add_test(tc, matching);
	tcase_add_test(tc, a_run_with_waivers);
	tcase_add_test(tc, paths_relative_to_the_config);
	tcase_add_test(tc, unknown_rule);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
