/*
 * test_catalog.c - the shipped catalog is complete: every rule loaded
 * from rules/ has a failing and a passing golden case named after its ID
 * (testdata/cases/<group>/<ID>-fail..., <ID>-pass...), and the texts the
 * man page and the reports need (description, examples, Chinese).  It
 * reads the rules, never the specification: the tests stand alone.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "testlib.h"
#include "util.h"

static struct dp_ruleset *
load_catalog(void)
{
	struct dp_ruleset *set = dp_ruleset_new();
	const char *dir = getenv("DTS_PREFLIGHT_RULES_DIR");
	char *err = NULL;

	ck_assert_ptr_nonnull(set);
	ck_assert_ptr_nonnull(dir);
	ck_assert_msg(dp_ruleset_load_dir(set, dir, &err) == 0, "%s",
		      err ? err : "cannot load the rules");
	return set;
}

/* Does some testdata/cases/<group>/ hold a directory "<id>-<kind>..."? */
static bool
has_case(const char *id, const char *kind)
{
	char *cases = tl_testdata_path("cases");
	char *prefix = dp_asprintf("%s-%s", id, kind);
	DIR *top = opendir(cases);
	struct dirent *g;
	bool found = false;

	ck_assert_ptr_nonnull(top);
	while (!found && (g = readdir(top))) {
		char *group = dp_asprintf("%s/%s", cases, g->d_name);
		DIR *d = g->d_name[0] == '.' ? NULL : opendir(group);
		struct dirent *c;

		while (d && !found && (c = readdir(d)))
			found = strncmp(c->d_name, prefix, strlen(prefix)) == 0;
		if (d)
			closedir(d);
		free(group);
	}
	closedir(top);
	free(prefix);
	free(cases);
	return found;
}

START_TEST(every_rule_has_a_failing_and_a_passing_case)
{
	struct dp_ruleset *set = load_catalog();

	ck_assert_uint_gt(set->n_rules, 0);
	for (size_t i = 0; i < set->n_rules; i++) {
		const char *id = set->rules[i]->id;

		ck_assert_msg(has_case(id, "fail"), "rule %s has no case "
			      "directory %s-fail* under testdata/cases/", id, id);
		ck_assert_msg(has_case(id, "pass"), "rule %s has no case "
			      "directory %s-pass* under testdata/cases/", id, id);
	}
	dp_ruleset_free(set);
}
END_TEST

START_TEST(every_rule_is_documented_in_both_languages)
{
	struct dp_ruleset *set = load_catalog();

	for (size_t i = 0; i < set->n_rules; i++) {
		const struct dp_rule *r = set->rules[i];

		ck_assert_msg(r->description.s[DP_LANG_EN] && r->example_wrong &&
			      r->example_right, "rule %s lacks its description or "
			      "a wrong and a right example (man page)", r->id);
		ck_assert_msg(r->doc, "rule %s names no source (doc)", r->id);
		ck_assert_msg(r->summary.s[DP_LANG_ZH] && r->message.s[DP_LANG_ZH] &&
			      r->description.s[DP_LANG_ZH],
			      "rule %s lacks its Chinese texts", r->id);
		ck_assert_msg(!r->why.s[DP_LANG_EN] || r->why.s[DP_LANG_ZH],
			      "rule %s: its why has no Chinese", r->id);
		ck_assert_msg(!r->fix.s[DP_LANG_EN] || r->fix.s[DP_LANG_ZH],
			      "rule %s: its fix has no Chinese", r->id);
	}
	dp_ruleset_free(set);
}
END_TEST

START_TEST(tables_the_rules_read_are_there)
{
	struct dp_ruleset *set = load_catalog();

	ck_assert_ptr_nonnull(dp_ruleset_table(set, "matrix"));
	ck_assert_ptr_nonnull(dp_ruleset_table(set, "trust-policy"));
	ck_assert_ptr_nonnull(dp_ruleset_table(set, "fields"));
	dp_ruleset_free(set);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("catalog");
	TCase *tc = tcase_create("catalog");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, every_rule_has_a_failing_and_a_passing_case);
	tcase_add_test(tc, every_rule_is_documented_in_both_languages);
	tcase_add_test(tc, tables_the_rules_read_are_there);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
