/*
 * test_config.c - the config file: discovery upwards to the repository
 * root, every key, every malformed file an error at its position with
 * nothing applied, and the precedence command line > config > defaults,
 * in the library and through the whole command.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "cli.h"
#include "config_file.h"
#include "testlib.h"
#include "util.h"

static char *tmp;       /* a fresh directory per test */
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
put_dir(const char *rel)
{
	char *path = dp_asprintf("%s/%s", tmp, rel);

	ck_assert_int_eq(mkdir(path, 0700), 0);
	free(path);
}

static void
enter(const char *rel)
{
	char *path = dp_asprintf("%s/%s", tmp, rel);

	ck_assert_int_eq(chdir(path), 0);
	free(path);
}

static void
setup(void)
{
	start_cwd = getcwd(NULL, 0);
	tmp = dp_strdup("/tmp/dp-config-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	unsetenv("DTS_PREFLIGHT_TODAY");
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

/* Runs the command with words (NULL-terminated) in the cwd. */
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

START_TEST(found_upwards)
{
	char *path = NULL;

	put_dir("repo");
	put_dir("repo/.git");
	put_dir("repo/a");
	put_dir("repo/a/b");
	put_file("repo/" DP_CONFIG_NAME, "{}");
	enter("repo/a/b");
	ck_assert_int_eq(dp_config_find(".", &path), 1);
	ck_assert_str_eq(path, "../../" DP_CONFIG_NAME);
	free(path);
	enter("repo");
	ck_assert_int_eq(dp_config_find(".", &path), 1);
	ck_assert_str_eq(path, DP_CONFIG_NAME);
	free(path);
}
END_TEST

/* The repository root ends the walk: a file above it is not this
 * repository's. */
START_TEST(stops_at_the_repository_root)
{
	char *path = NULL;

	put_file(DP_CONFIG_NAME, "{}");
	put_dir("repo");
	put_file("repo/.git", "gitdir: elsewhere\n"); /* a worktree */
	put_dir("repo/sub");
	enter("repo/sub");
	ck_assert_int_eq(dp_config_find(".", &path), 0);
	ck_assert_ptr_null(path);
}
END_TEST

START_TEST(every_key)
{
	struct dp_config *config = NULL;
	char *msg = NULL;

	put_dir("conf");
	put_file("conf/c.json",
		 "{\"creator_uid\": \"1522334455667788\",\n"
		 " \"disable\": [\"DP3*\", \"DP507\"], \"enable\": \"DP301\",\n"
		 " \"severity\": {\"DP004\": \"error\", \"dp1*\": \"info\"},\n"
		 " \"fail_on\": \"error\", \"rules_dir\": [\"more\", \"/abs\"],\n"
		 " \"baseline\": \"base.json\", \"format\": \"gcc\",\n"
		 " \"lang\": \"zh\", \"color\": \"never\", \"quiet\": true,\n"
		 " \"no_waivers\": false, \"max_file_size\": \"500K\",\n"
		 " \"max_depth\": 64, \"max_findings\": 0,\n"
		 " \"waivers\": [{\"rule\": \"DP201\", \"path\": \"./legacy/*\",\n"
		 "   \"reason\": \"old\", \"expires\": \"2099-12-31\",\n"
		 "   \"owner\": \"dba\", \"pointer\": \"/SourceEndpointRole\"}]}\n");
	enter(".");
	ck_assert_int_eq(dp_config_load("conf/c.json", &config, &msg), 0);
	ck_assert_str_eq(config->dir, "conf");
	ck_assert_str_eq(config->settings.creator_uid, "1522334455667788");
	ck_assert_uint_eq(config->settings.n_switches, 3);
	ck_assert_str_eq(config->settings.switches[0].pattern, "DP3*");
	ck_assert(!config->settings.switches[1].enable);
	ck_assert(config->settings.switches[2].enable);
	ck_assert_uint_eq(config->settings.n_overrides, 2);
	ck_assert_int_eq(config->settings.overrides[1].severity, DP_SEV_INFO);
	ck_assert(config->settings.fail_on_given);
	ck_assert_int_eq(config->settings.fail_on, DP_SEV_ERROR);
	ck_assert_uint_eq(config->settings.n_rules_dirs, 2);
	ck_assert_str_eq(config->settings.rules_dirs[0], "conf/more");
	ck_assert_str_eq(config->settings.rules_dirs[1], "/abs");
	ck_assert_str_eq(config->settings.baseline, "conf/base.json");
	ck_assert_str_eq(config->settings.format, "gcc");
	ck_assert_int_eq(config->settings.lang, DP_LANG_ZH);
	ck_assert_int_eq(config->settings.color, DP_COLOR_NEVER);
	ck_assert(config->settings.quiet);
	ck_assert_uint_eq(config->settings.max_file_size, 500 * 1024);
	ck_assert_uint_eq(config->settings.max_depth, 64);
	ck_assert_uint_eq(config->settings.max_findings, SIZE_MAX);
	ck_assert_uint_eq(config->waivers.n, 1);
	ck_assert_str_eq(config->waivers.items[0].path, "legacy/*");
	ck_assert_str_eq(config->waivers.items[0].owner, "dba");
	ck_assert_int_eq(config->waivers.items[0].expires_day, 20991231);
	dp_config_free(config);
}
END_TEST

/* Every malformed file: an error with file:line:col, nothing returned. */
START_TEST(errors_have_positions)
{
	static const struct {
		const char *json;
		const char *error;
	} cases[] = {
		{"{\n  \"creator\": \"1\"\n}", "c.json:2:3: unknown key \"creator\""},
		{"{\"fail_on\": \"fatal\"}", "c.json:1:13: \"fail_on\" takes error, "
		 "warning, info or none, not 'fatal'"},
		{"{\"fail_on\": 1}", "c.json:1:13: \"fail_on\" must be a string"},
		{"{\"quiet\": \"yes\"}", "c.json:1:11: \"quiet\" must be true or false"},
		{"{\"lang\": \"fr\"}", "\"lang\" takes en or zh, not 'fr'"},
		{"{\"color\": \"blue\"}", "not 'blue'"},
		{"{\"format\": \"yaml\"}", "c.json:1:12: unknown format 'yaml'"},
		{"{\"disable\": [\"DP1*\", 3]}", "c.json:1:22: \"disable\" must be a "
		 "list of non-empty strings"},
		{"{\"enable\": {}}", "must be a string or a list of strings"},
		{"{\"severity\": {\"DP004\": \"fatal\"}}",
		 "c.json:1:24: the severity of 'DP004' must be"},
		{"{\"severity\": [\"DP004=error\"]}", "\"severity\" must be an object"},
		{"{\"creator_uid\": \"\"}", "must not be empty"},
		{"{\"baseline\": 1}", "\"baseline\" must be a string"},
		{"{\"max_depth\": 0}", "c.json:1:15: \"max_depth\" takes a whole "
		 "number from 1 to 4096"},
		{"{\"max_findings\": -1}", "\"max_findings\" takes a whole number"},
		{"{\"max_file_size\": \"3G\"}", "c.json:1:19: \"max_file_size\" "
		 "takes a size from 1 byte to 2G"},
		{"{\"max_file_size\": 1.5}", "\"max_file_size\" takes a size"},
		{"{\"waivers\": {}}", "c.json:1:13: \"waivers\" must be a list"},
		{"{\"waivers\": [{\"rule\": \"DP201\", \"path\": \"x\", \"expires\": "
		 "\"2099-01-01\"}]}", "c.json:1:14: waiver lacks \"reason\""},
		{"{\"waivers\": [{\"rule\": \"DP201\", \"path\": \"x\", \"reason\": "
		 "\"r\"}]}", "waiver lacks \"expires\""},
		{"{\"waivers\": [{\"rule\": \"DP201\", \"path\": \"x\", \"reason\": "
		 "\"r\", \"expires\": \"2026-02-30\"}]}",
		 "c.json:1:71: waiver expiry '2026-02-30' is not a date YYYY-MM-DD"},
		{"{\"waivers\": [{\"rule\": \"DP201\", \"path\": \"x\", \"reason\": "
		 "\"\", \"expires\": \"2099-01-01\"}]}", "waiver \"reason\" is empty"},
		{"{\"waivers\": [{\"rule\": \"DP201\", \"path\": \"x\", \"reason\": "
		 "\"r\", \"expires\": \"2099-01-01\", \"pointer\": \"Role\"}]}",
		 "waiver pointer 'Role' is not a JSON Pointer"},
		{"{\"waivers\": [{\"rule\": \"DP201\", \"path\": \"x\", \"reason\": "
		 "\"r\", \"expires\": \"2099-01-01\", \"until\": \"x\"}]}",
		 "unknown waiver key \"until\""},
		{"{\"waivers\": [\"DP201\"]}", "c.json:1:14: a waiver must be an object"},
		{"{\"quiet\": true,}", "c.json:1:"},
		{"{\"quiet\": true, \"quiet\": false}", "c.json:1:"},
		{"[]", "c.json:1:1: a config file is one JSON object"},
		{"", "c.json:"},
	};

	enter(".");
	for (size_t i = 0; i < DP_ARRAY_SIZE(cases); i++) {
		struct dp_config *config = NULL;
		char *msg = NULL;

		put_file("c.json", cases[i].json);
		ck_assert_int_eq(dp_config_load("c.json", &config, &msg), -EINVAL);
		ck_assert_ptr_null(config);
		ck_assert_ptr_nonnull(msg);
		ck_assert_msg(strstr(msg, cases[i].error) == msg ||
			      strstr(msg, cases[i].error),
			      "'%s': '%s' lacks '%s'", cases[i].json, msg,
			      cases[i].error);
		ck_assert_msg(strncmp(msg, "c.json:", 7) == 0, "'%s'", msg);
		free(msg);
	}
}
END_TEST

START_TEST(command_line_wins)
{
	char *argv[] = {(char *) "dts-preflight", (char *) "--fail-on",
			(char *) "info", (char *) "--disable", (char *) "DP101",
			(char *) "--severity", (char *) "DP004=warning",
			(char *) "x.json", NULL};
	struct dp_config *config = NULL;
	struct dp_cli cli;
	char *msg = NULL;

	enter(".");
	put_file("c.json", "{\"fail_on\": \"error\", \"lang\": \"zh\", "
		 "\"enable\": \"DP101\", \"severity\": {\"DP004\": \"error\"}, "
		 "\"format\": \"json\", \"creator_uid\": \"1522334455667788\"}");
	ck_assert_int_eq(dp_config_load("c.json", &config, &msg), 0);
	ck_assert_int_eq(dp_cli_parse(8, argv, "C", &cli, &msg), 0);
	ck_assert_int_eq(dp_config_apply(config, &cli), 0);
	ck_assert_int_eq(cli.fail_on, DP_SEV_INFO);     /* command line */
	ck_assert_int_eq(cli.lang, DP_LANG_ZH);         /* config over LANG */
	ck_assert_str_eq(cli.format, "json");           /* config */
	ck_assert_str_eq(cli.creator_uid, "1522334455667788");
	/* Lists: the config's first, the command line's after (they win). */
	ck_assert_uint_eq(cli.n_switches, 2);
	ck_assert(cli.switches[0].enable);
	ck_assert(!cli.switches[1].enable);
	ck_assert_uint_eq(cli.n_overrides, 2);
	ck_assert_int_eq(cli.overrides[1].severity, DP_SEV_WARNING);
	dp_cli_done(&cli);
	dp_config_free(config);
}
END_TEST

/* The format of the config file is for checking only. */
START_TEST(format_only_for_check)
{
	char *argv[] = {(char *) "dts-preflight", (char *) "rules", NULL};
	struct dp_config *config = NULL;
	struct dp_cli cli;
	char *msg = NULL;

	enter(".");
	put_file("c.json", "{\"format\": \"sarif\"}");
	ck_assert_int_eq(dp_config_load("c.json", &config, &msg), 0);
	ck_assert_int_eq(dp_cli_parse(2, argv, NULL, &cli, &msg), 0);
	ck_assert_int_eq(dp_config_apply(config, &cli), 0);
	ck_assert_ptr_null(cli.format);
	dp_cli_done(&cli);
	dp_config_free(config);
}
END_TEST

static const char role_with_placeholders[] =
	"{\"Statement\": [{\"Action\": \"sts:AssumeRole\", \"Effect\": "
	"\"Allow\", \"Principal\": {\"RAM\": [\"acs:ram::<Alibaba Cloud account "
	"ID>:root\"], \"Service\": [\"<Alibaba Cloud account "
	"ID>@dts.aliyuncs.com\"]}}], \"Version\": \"1\"}\n";

/* Through the command: discovered, applied, errors exit 2 with the
 * position, --config picks another file. */
START_TEST(through_the_command)
{
	const char *check[] = {"policy.json", NULL};
	const char *other[] = {"--config", "other.json", "policy.json", NULL};
	const char *cli_wins[] = {"--fail-on", "error", "policy.json", NULL};
	char *out = NULL, *err = NULL;

	put_dir("repo");
	put_dir("repo/.git");
	put_dir("repo/sub");
	put_file("repo/sub/policy.json", role_with_placeholders);
	put_file("repo/" DP_CONFIG_NAME, "{\"fail_on\": \"none\"}");
	put_file("repo/sub/other.json", "{\n  \"fail_on\": \"nope\"\n}");
	enter("repo/sub");

	/* The config says fail_on none; the command line beats it. */
	ck_assert_int_eq(run(check, &out, &err), 0);
	ck_assert_msg(strstr(out, "placeholder"), "%s", out);
	free(out);
	free(err);
	ck_assert_int_eq(run(cli_wins, &out, &err), 1);
	free(out);
	free(err);
	ck_assert_int_eq(run(other, &out, &err), 2);
	ck_assert_str_eq(err, "dts-preflight: bad config file: other.json:2:14: "
			 "\"fail_on\" takes error, warning, info or none, not "
			 "'nope'\n");
	ck_assert_str_eq(out, "");
	free(out);
	free(err);

	put_file("repo/" DP_CONFIG_NAME, "{\"disable\": [\"DP999\"]}");
	ck_assert_int_eq(run(check, &out, &err), 2);
	ck_assert_str_eq(err, "dts-preflight: bad config file: ../"
			 DP_CONFIG_NAME ":1:14: no rule matches 'DP999' (see "
			 "'dts-preflight rules')\n");
	free(out);
	free(err);

	other[1] = "missing.json";
	ck_assert_int_eq(run(other, &out, &err), 2);
	ck_assert_str_eq(err, "dts-preflight: cannot read config file "
			 "'missing.json': No such file or directory\n");
	free(out);
	free(err);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, found_upwards);
	tcase_add_test(tc, stops_at_the_repository_root);
	tcase_add_test(tc, every_key);
	tcase_add_test(tc, errors_have_positions);
	tcase_add_test(tc, command_line_wins);
	tcase_add_test(tc, format_only_for_check);
	tcase_add_test(tc, through_the_command);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
