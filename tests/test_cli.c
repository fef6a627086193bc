/*
 * test_cli.c - the command line: option parsing and usage errors, and
 * documentation that cannot drift: every long option of the option table
 * appears in --help and in the man page (curl's test1139 idea).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "testlib.h"
#include "util.h"

static int
parse(const char *const *words, struct dp_cli *cli, char **err)
{
	/* Static: the parsed cli's paths point into it after we return. */
	static char *argv[32];
	int argc = 0;

	argv[argc++] = (char *)"dts-preflight";
	for (; *words; words++)
		argv[argc++] = (char *)*words;
	argv[argc] = NULL;
	return dp_cli_parse(argc, argv, NULL, cli, err);
}

START_TEST(parses_check_options)
{
	const char *words[] = {"check", "-f", "gcc", "--fail-on", "error",
			       "--disable", "DP3*", "--enable", "DP507",
			       "--severity", "DP004=error", "--creator-uid",
			       "1522334455667788", "--color", "never", "-q",
			       "a.json", "-", NULL};
	struct dp_cli cli;
	char *err = NULL;

	ck_assert_int_eq(parse(words, &cli, &err), 0);
	ck_assert_int_eq(cli.command, DP_CMD_CHECK);
	ck_assert_str_eq(cli.format, "gcc");
	ck_assert_int_eq(cli.fail_on, DP_SEV_ERROR);
	ck_assert_uint_eq(cli.n_switches, 2);
	ck_assert(!cli.switches[0].enable);
	ck_assert(cli.switches[1].enable);
	ck_assert_uint_eq(cli.n_overrides, 1);
	ck_assert_int_eq(cli.overrides[0].severity, DP_SEV_ERROR);
	ck_assert_str_eq(cli.creator_uid, "1522334455667788");
	ck_assert_int_eq(cli.color, DP_COLOR_NEVER);
	ck_assert(cli.quiet);
	ck_assert_uint_eq(cli.n_paths, 2);
	ck_assert_str_eq(cli.paths[1], "-");
	dp_cli_done(&cli);
}
END_TEST

START_TEST(usage_errors_name_the_word)
{
	static const struct {
		const char *words[4];
		const char *message;
	} cases[] = {
		{{"--frobnicate", NULL}, "unknown option '--frobnicate'"},
		{{"-f", "yaml", NULL}, "unknown format 'yaml'"},
		{{"--fail-on", "fatal", NULL}, "not 'fatal'"},
		{{"--severity", "DP001", NULL}, "not 'DP001'"},
		{{"--color", "sometimes", NULL}, "not 'sometimes'"},
		{{"--lang", "fr", NULL}, "not 'fr'"},
		{{"--format", NULL}, "needs a value"},
	};

	for (size_t i = 0; i < DP_ARRAY_SIZE(cases); i++) {
		struct dp_cli cli;
		char *err = NULL;

		ck_assert_int_eq(parse(cases[i].words, &cli, &err), -EINVAL);
		ck_assert_ptr_nonnull(err);
		ck_assert_msg(strstr(err, cases[i].message), "'%s' lacks '%s'",
			      err, cases[i].message);
		free(err);
	}
}
END_TEST

START_TEST(default_language_from_lang)
{
	char *argv[] = {(char *)"dts-preflight", (char *)"x.json", NULL};
	struct dp_cli cli;
	char *err = NULL;

	ck_assert_int_eq(dp_cli_parse(2, argv, "zh_CN.UTF-8", &cli, &err), 0);
	ck_assert_int_eq(cli.lang, DP_LANG_ZH);
	dp_cli_done(&cli);
	ck_assert_int_eq(dp_cli_parse(2, argv, "C.UTF-8", &cli, &err), 0);
	ck_assert_int_eq(cli.lang, DP_LANG_EN);
	dp_cli_done(&cli);
}
END_TEST

/* "--fail-on" as man(7) writes it: "\-\-fail\-on". */
static char *
man_spelling(const char *option)
{
	struct dp_buf buf = {0};

	ck_assert_int_eq(dp_buf_puts(&buf, "\\-\\-"), 0);
	for (const char *p = option; *p; p++)
		ck_assert_int_eq(*p == '-' ? dp_buf_puts(&buf, "\\-")
					   : dp_buf_putc(&buf, *p), 0);
	return dp_buf_steal(&buf);
}

START_TEST(every_option_is_documented)
{
	const char *const *options = dp_cli_long_options();
	const char *root = getenv("DP_SOURCE_ROOT");
	char *man_path, *man, *help = NULL;
	size_t help_len = 0;
	FILE *f = open_memstream(&help, &help_len);

	ck_assert_ptr_nonnull(root);
	man_path = dp_asprintf("%s/man/dts-preflight.1.in", root);
	man = tl_read_file(man_path, NULL);
	dp_cli_usage(f);
	fclose(f);
	for (size_t i = 0; options[i]; i++) {
		char *in_help = dp_asprintf("--%s", options[i]);
		char *in_man = man_spelling(options[i]);

		ck_assert_msg(strstr(help, in_help), "--help lacks %s", in_help);
		ck_assert_msg(strstr(man, in_man), "the man page lacks %s", in_help);
		free(in_help);
		free(in_man);
	}
	free(help);
	free(man);
	free(man_path);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, parses_check_options);
	tcase_add_test(tc, usage_errors_name_the_word);
	tcase_add_test(tc, default_language_from_lang);
	tcase_add_test(tc, every_option_is_documented);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
