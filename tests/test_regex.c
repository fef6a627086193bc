/*
 * test_regex.c - patterns compiled now and on first use behave alike:
 * same matches (before and after JIT kicks in), and an invalid deferred
 * pattern fails every time with the message its describer gives.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "regex.h"
#include "util.h"

/* describe()'s argument: the file a pattern is in. */
static char rule_file[] = "t.json";

static char *
describe(void *arg, const char *msg, size_t offset)
{
	return dp_asprintf("%s:%zu: invalid pattern: %s", (const char *)arg,
			   offset, msg);
}

START_TEST(deferred_matches_like_compiled)
{
	const char *pattern = "^\\s*acs:ram:[^:]*:([^:]*):role/(.+?)\\s*$";
	const char *subject = " acs:ram::1411223344556677:role/ram-for-dts ";
	struct dp_regex *now = NULL, *later = NULL;
	struct dp_match a, b;

	ck_assert_int_eq(dp_regex_compile(pattern, &now, NULL, NULL), 0);
	ck_assert_int_eq(dp_regex_defer(pattern, describe, rule_file, &later), 0);
	ck_assert_str_eq(dp_regex_pattern(later), pattern);
	ck_assert_ptr_null(dp_regex_error(later));
	/* Past the use count that turns JIT on. */
	for (int i = 0; i < 100; i++) {
		ck_assert_int_eq(dp_regex_match(now, subject, strlen(subject), &a), 1);
		ck_assert_int_eq(dp_regex_match(later, subject, strlen(subject), &b), 1);
		ck_assert_mem_eq(&a, &b, sizeof(a));
		ck_assert_int_eq(dp_regex_match(later, "role/x", 6, NULL), 0);
	}
	ck_assert_int_eq(dp_regex_prepare(later, NULL), 0);
	dp_regex_free(now);
	dp_regex_free(later);
}
END_TEST

START_TEST(invalid_deferred_pattern)
{
	struct dp_regex *re = NULL;
	char *err = NULL;

	ck_assert_int_eq(dp_regex_defer("a(b", describe, rule_file, &re), 0);
	ck_assert_int_eq(dp_regex_match(re, "ab", 2, NULL), -EINVAL);
	ck_assert_str_eq(dp_regex_error(re),
			 "t.json:3: invalid pattern: missing closing parenthesis");
	ck_assert_int_eq(dp_regex_prepare(re, &err), -EINVAL);
	ck_assert_str_eq(err, dp_regex_error(re));
	ck_assert_int_eq(dp_regex_match(re, "ab", 2, NULL), -EINVAL);
	free(err);
	dp_regex_free(re);
	/* Without a describer: PCRE2's message alone. */
	ck_assert_int_eq(dp_regex_defer("[", NULL, NULL, &re), 0);
	ck_assert_int_eq(dp_regex_prepare(re, NULL), -EINVAL);
	ck_assert_str_eq(dp_regex_error(re),
			 "missing terminating ] for character class");
	dp_regex_free(re);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("regex");
	TCase *tc = tcase_create("regex");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, deferred_matches_like_compiled);
	tcase_add_test(tc, invalid_deferred_pattern);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
