/*
 * test_rules.c - the rule loader: the shipped catalog loads and is valid;
 * every kind of bad rule file is refused with file:line:col and leaves the
 * ruleset as it was; a later file replaces a rule by ID.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "regex.h"
#include "rule_check.h"
#include "rules.h"
#include "testlib.h"
#include "util.h"

/* A minimal valid rule, with a slot for one more member. */
#define RULE(extra)                                                        \
	"{\"rules\": [{\"id\": \"DP900\", \"slug\": \"test-rule\",\n"         \
	" \"severity\": \"warning\", \"summary\": \"s\", \"message\": \"m\",\n" \
	" \"select\": \"endpoint.role_name\",\n"                             \
	" \"check\": {\"type\": \"match\", \"pattern\": \"x\"}" extra "}]}\n"

START_TEST(shipped_catalog_loads)
{
	struct dp_ruleset *set = dp_ruleset_new();
	const char *dir = getenv("DTS_PREFLIGHT_RULES_DIR");
	char *err = NULL;

	ck_assert_ptr_nonnull(dir);
	ck_assert_int_eq(dp_ruleset_load_dir(set, dir, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_uint_ge(set->n_rules, 15);
	for (size_t i = 1; i < set->n_rules; i++)
		ck_assert_int_lt(strcmp(set->rules[i - 1]->id, set->rules[i]->id), 0);
	ck_assert_ptr_nonnull(dp_ruleset_find(set, "DP201"));
	ck_assert_ptr_eq(dp_ruleset_find(set, "role-arn-as-name"),
			 dp_ruleset_find(set, "dp201"));
	ck_assert_ptr_nonnull(dp_ruleset_table(set, "fields"));
	dp_ruleset_free(set);
}
END_TEST

START_TEST(valid_rule_loads)
{
	struct dp_ruleset *set = dp_ruleset_new();
	const char *text = RULE("");
	char *err = NULL;

	ck_assert_int_eq(dp_ruleset_load_buffer(set, "t.json", text,
						 strlen(text), &err), 0);
	ck_assert_uint_eq(set->n_rules, 1);
	ck_assert_int_eq(set->rules[0]->severity, DP_SEV_WARNING);
	ck_assert(set->rules[0]->enabled);
	dp_ruleset_free(set);
}
END_TEST

/* Each bad file must fail with this message at this line:col. */
static const struct {
	const char *text;
	const char *where;
	const char *what;
} bad_files[] = {
	{RULE(", \"colour\": 1"), "t.json:4:46:", "unknown key \"colour\""},
	{RULE(", \"where\": {\"role\": \"ecs\"}"), "t.json:4:64:", "\"role\" must be"},
	{"{\"rules\": [{\"id\": \"DP9\", \"slug\": \"s\"}]}", "t.json:1:19:",
	 "a rule ID is DP and three digits"},
	{"{\"rules\": [\n{\"id\": \"DP900\", \"slug\": \"x\", \"severity\": \"fatal\", "
	 "\"summary\": \"s\", \"message\": \"m\"}]}", "t.json:2:42:",
	 "severity must be"},
	{"{\"rules\": [{\"id\": \"DP900\", \"slug\": \"x\", \"severity\": \"info\", "
	 "\"summary\": \"s\"}]}", "t.json:1:12:", "lacks \"message\""},
	{"{\"rules\": [{\"id\": \"DP900\", \"slug\": \"x\", \"severity\": \"info\", "
	 "\"summary\": \"s\", \"message\": \"m\", \"select\": \"endpoint.colour\", "
	 "\"check\": {\"type\": \"missing\"}}]}", "t.json:1:103:",
	 "unknown field \"endpoint.colour\""},
	{"{\"rules\": [{\"id\": \"DP900\", \"slug\": \"x\", \"severity\": \"info\", "
	 "\"summary\": \"s\", \"message\": \"m\", \"select\": \"role.name\", "
	 "\"check\": {\"type\": \"match\", \"pattern\": \"a(b\"}}]}", "t.json:1:",
	 "invalid pattern: missing closing parenthesis"},
	{"{\"rules\": [{\"id\": \"DP900\", \"slug\": \"x\", \"severity\": \"info\", "
	 "\"summary\": \"s\", \"message\": \"m\", \"select\": \"role.name\", "
	 "\"check\": {\"type\": \"missing\", \"pattern\": \"a\"}}]}", "t.json:1:",
	 "\"pattern\" does not belong in a \"missing\" check"},
	{"{\"rules\": [{\"id\": \"DP900\", \"slug\": \"x\", \"severity\": \"info\", "
	 "\"summary\": \"s\", \"message\": \"m\", \"select\": \"role.name\", "
	 "\"check\": {\"type\": \"frob\"}}]}", "t.json:1:", "unknown check type"},
	{"{\"rules\": [{\"id\": \"DP900\", \"slug\": \"x\", \"severity\": \"info\", "
	 "\"summary\": {\"fr\": \"s\"}}]}", "t.json:1:", "unknown language \"fr\""},
	{"{\"rules\": [}", "t.json:1:12:", "expected a value"},
	{"[]", "t.json:1:1:", "a rule file is {\"rules\": [ ... ]}"},
	{"{\"rules\": [], \"extra\": 1}", "t.json:1:15:", "unknown key \"extra\""},
};

START_TEST(bad_file_is_refused_with_position)
{
	struct dp_ruleset *set = dp_ruleset_new();
	const char *good = RULE("");
	const char *text = bad_files[_i].text;
	char *err = NULL;
	int r;

	ck_assert_int_eq(dp_ruleset_load_buffer(set, "good.json", good,
						 strlen(good), &err), 0);
	r = dp_ruleset_load_buffer(set, "t.json", text, strlen(text), &err);
	ck_assert_int_eq(r, -EINVAL);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strncmp(err, bad_files[_i].where,
			      strlen(bad_files[_i].where)) == 0,
		      "'%s' does not start with '%s'", err, bad_files[_i].where);
	ck_assert_msg(strstr(err, bad_files[_i].what), "'%s' lacks '%s'", err,
		      bad_files[_i].what);
	/* Nothing of the bad file was applied. */
	ck_assert_uint_eq(set->n_rules, 1);
	ck_assert_str_eq(set->rules[0]->slug, "test-rule");
	free(err);
	dp_ruleset_free(set);
}
END_TEST

START_TEST(yields_to_unknown_rule_is_refused)
{
	char *dir = tl_testdata_path("rules/bad-yields");
	struct dp_ruleset *set = dp_ruleset_new();
	char *err = NULL;

	ck_assert_int_eq(dp_ruleset_load_dir(set, dir, &err), -EINVAL);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, "yields to unknown rule DP999"), "%s", err);
	ck_assert_msg(strstr(err, "rules.json:2:"), "%s", err);
	free(err);
	free(dir);
	dp_ruleset_free(set);
}
END_TEST

/* A deferred pattern is not compiled at load; compiled, it fails with
 * the message and position an eager load gives. */
START_TEST(deferred_pattern_fails_like_an_eager_one)
{
	const char *text =
		"{\"rules\": [{\"id\": \"DP900\", \"slug\": \"x\",\n"
		"  \"severity\": \"info\", \"summary\": \"s\", \"message\": \"m\",\n"
		"  \"select\": \"role.name\",\n"
		"  \"check\": {\"type\": \"match\", \"pattern\": \"a(b\"}}]}\n";
	struct dp_ruleset *eager = dp_ruleset_new();
	struct dp_ruleset *set = dp_ruleset_new();
	const struct dp_check *c;
	char *want = NULL, *err = NULL;

	ck_assert_int_eq(dp_ruleset_load_buffer(eager, "t.json", text,
						 strlen(text), &want), -EINVAL);
	ck_assert_msg(strstr(want, "t.json:4:"), "%s", want);
	dp_ruleset_defer_patterns(set, true);
	ck_assert_int_eq(dp_ruleset_load_buffer(set, "t.json", text,
						 strlen(text), &err), 0);
	ck_assert_uint_eq(set->n_rules, 1);
	ck_assert_int_eq(dp_ruleset_compile_patterns(set, &err), -EINVAL);
	ck_assert_str_eq(err, want);
	c = set->rules[0]->check;
	ck_assert_int_eq(dp_regex_match(c->pattern, "ab", 2, NULL), -EINVAL);
	ck_assert_str_eq(dp_regex_error(c->pattern), want);
	free(err);
	free(want);
	dp_ruleset_free(set);
	dp_ruleset_free(eager);
}
END_TEST

/* The shipped catalog's patterns all compile (a check run defers them). */
START_TEST(shipped_patterns_compile)
{
	struct dp_ruleset *set = dp_ruleset_new();
	char *err = NULL;

	dp_ruleset_defer_patterns(set, true);
	ck_assert_int_eq(dp_ruleset_load_dir(set,
			 getenv("DTS_PREFLIGHT_RULES_DIR"), &err), 0);
	ck_assert_uint_ge(set->n_regexes, 20);
	ck_assert_int_eq(dp_ruleset_compile_patterns(set, &err), 0);
	ck_assert_ptr_null(err);
	dp_ruleset_free(set);
}
END_TEST

/* A table no rule names is read when first asked for; a broken one is
 * still reported with its position by dp_ruleset_load_tables(). */
START_TEST(unnamed_table_is_read_when_asked_for)
{
	char *dir = tl_testdata_path("rules/broken-table");
	struct dp_ruleset *set = dp_ruleset_new();
	char *err = NULL;

	ck_assert_int_eq(dp_ruleset_load_dir(set, dir, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_uint_eq(set->n_tables, 1);
	ck_assert_ptr_null(set->tables[0].doc);
	ck_assert_int_eq(dp_ruleset_load_tables(set,
			 (const char *const[]){"other", "notes", NULL}, &err), 0);
	ck_assert_ptr_null(set->tables[0].doc);
	ck_assert_int_eq(dp_ruleset_load_tables(set, NULL, &err), -EINVAL);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, "notes.json:3:9: "), "%s", err);
	ck_assert_ptr_null(dp_ruleset_table(set, "notes"));
	free(err);
	free(dir);
	dp_ruleset_free(set);
}
END_TEST

START_TEST(later_file_replaces_rule_by_id)
{
	struct dp_ruleset *set = dp_ruleset_new();
	const char *first = RULE("");
	const char *second = RULE(", \"enabled\": false");
	char *err = NULL;

	ck_assert_int_eq(dp_ruleset_load_buffer(set, "a.json", first,
						 strlen(first), &err), 0);
	ck_assert_int_eq(dp_ruleset_load_buffer(set, "b.json", second,
						 strlen(second), &err), 0);
	ck_assert_uint_eq(set->n_rules, 1);
	ck_assert(!set->rules[0]->enabled);
	dp_ruleset_free(set);
}
END_TEST

START_TEST(missing_dir_is_an_errno)
{
	struct dp_ruleset *set = dp_ruleset_new();
	char *err = NULL;

	ck_assert_int_eq(dp_ruleset_load_dir(set, "/nonexistent/rules", &err),
			 -ENOENT);
	dp_ruleset_free(set);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("loader");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, shipped_catalog_loads);
	tcase_add_test(tc, valid_rule_loads);
	tcase_add_loop_test(tc, bad_file_is_refused_with_position, 0,
			    (int)DP_ARRAY_SIZE(bad_files));
	tcase_add_test(tc, yields_to_unknown_rule_is_refused);
	tcase_add_test(tc, deferred_pattern_fails_like_an_eager_one);
	tcase_add_test(tc, shipped_patterns_compile);
	tcase_add_test(tc, unnamed_table_is_read_when_asked_for);
	tcase_add_test(tc, later_file_replaces_rule_by_id);
	tcase_add_test(tc, missing_dir_is_an_errno);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
