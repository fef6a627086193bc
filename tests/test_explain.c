/*
 * test_explain.c - `explain`: the console-error table loads; every error
 * string of the seeds' troubleshooting tables (001, 002, 004; English and
 * the Chinese captions), verbatim, is recognised as exactly its error;
 * every wording the table lists is recognised as its own error; a pasted
 * ticket yields each error once, in order; unknown text says so; and the
 * table agrees with the rule catalog.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "explain.h"
#include "json.h"
#include "rules.h"
#include "testlib.h"
#include "util.h"

static struct dp_ruleset *set;
static struct dp_explain *ex;

static void
setup(void)
{
	char *msg = NULL;
	int r;

	set = dp_ruleset_new();
	ck_assert_ptr_nonnull(set);
	r = dp_ruleset_load_dir(set, getenv("DTS_PREFLIGHT_RULES_DIR"), &msg);
	ck_assert_msg(r == 0, "rules: %s", msg ? msg : "?");
	r = dp_explain_load(set, &ex, &msg);
	ck_assert_msg(r == 0, "errors.json: %s", msg ? msg : "?");
}

static void
teardown(void)
{
	dp_explain_free(ex);
	dp_ruleset_free(set);
	ex = NULL;
	set = NULL;
}

/* The ids recognised in text, joined with ' '. */
static char *
recognised(const char *text)
{
	size_t idx[64], n = 0;
	struct dp_buf buf = {0};

	ck_assert_int_eq(dp_explain_recognise(ex, text, strlen(text), idx, 64,
					      &n), 0);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(dp_buf_printf(&buf, "%s%s", i ? " " : "",
					       dp_explain_id(ex, idx[i])), 0);
	return dp_buf_steal(&buf);
}

static void
assert_recognised(const char *text, const char *ids)
{
	char *got = recognised(text);

	ck_assert_msg(strcmp(got, ids) == 0, "'%s': recognised '%s', not '%s'",
		      text, got, ids);
	free(got);
}

/* The Error column of seed 001's troubleshooting table, the captions of
 * seed 002's (Chinese console screenshots), and seed 004's error, each
 * copied verbatim. */
static const struct {
	const char *text;
	const char *ids;
} seed_errors[] = {
	{"AliyunUIDNotFound: account has not logged into the DTS console",
	 "AliyunUIDNotFound"},
	{"AliyunUidFormat: invalid Alibaba Cloud account ID format",
	 "AliyunUidFormat"},
	{"AssumeRoleFail: Invalid role arn format",
	 "AssumeRoleFail.InvalidRoleArnFormat"},
	{"AssumeRoleFail: The role not exists", "AssumeRoleFail.RoleNotExists"},
	{"AssumeRoleFail: NoPermission: You are not authorized to do this "
	 "action. You should be authorized by RAM.",
	 "AssumeRoleFail.NoPermission"},
	{"NoPermission: (Access Denied) You are not allowed to perform this "
	 "action. Please contact your account administrators to grant "
	 "permissions via RAM.",
	 "NoPermission.AccessDenied"},
	{"Abnormal.RamCheckUserRole: AliyunDTSDefaultRole entered in RAM Role "
	 "Name",
	 "Abnormal.RamCheckUserRole"},
	/* 002: the alt texts of the console screenshots. */
	{"UID错误提示_zh", "AliyunUIDNotFound AliyunUidFormat"},
	{"角色名错误", "AssumeRoleFail.RoleNotExists"},
	{"没有权限", "NoPermission.AccessDenied"},
	/* 004 */
	{"Error code: Abnormal.RamCheckUserRole", "Abnormal.RamCheckUserRole"},
	{"You have not authorized the default role \"AliyunDTSDefaultRole\" of "
	 "DTS. If your account has the write permissions on Resource Access "
	 "Management (RAM), you can authorize the role in the RAM console by "
	 "using the account. Otherwise, you must authorize the role in the RAM "
	 "console by using the Alibaba Cloud account, and then refresh this "
	 "page.",
	 "Abnormal.RamCheckUserRole"},
	{"EntityAlreadyExists.Role", "EntityAlreadyExists.Role"},
};

START_TEST(seed_errors_verbatim)
{
	assert_recognised(seed_errors[_i].text, seed_errors[_i].ids);
}
END_TEST

/* Ways people write them: case, full-width colon, line breaks, codes. */
START_TEST(variants)
{
	assert_recognised("assumerolefail: nopermission", "AssumeRoleFail.NoPermission");
	assert_recognised("AssumeRoleFail：NoPermission：您没有权限执行此操作，需要通过 RAM 进行授权。",
			  "AssumeRoleFail.NoPermission");
	assert_recognised("You are not authorized to do this\naction. You should "
			  "be\nauthorized by RAM.", "AssumeRoleFail.NoPermission");
	assert_recognised("NoPermission",
			  "AssumeRoleFail.NoPermission NoPermission.AccessDenied");
	assert_recognised("AssumeRoleFail",
			  "AssumeRoleFail.InvalidRoleArnFormat "
			  "AssumeRoleFail.RoleNotExists AssumeRoleFail.NoPermission");
	assert_recognised("EntityNotExist.Role: The role not exists",
			  "AssumeRoleFail.RoleNotExists");
	assert_recognised("您还没有授权DTS默认角色", "Abnormal.RamCheckUserRole");
	assert_recognised("该账号未登录过DTS控制台", "AliyunUIDNotFound");
	assert_recognised("阿里云账号ID格式错误", "AliyunUidFormat");
	assert_recognised("an \"invalid permissions\" error",
			  "invalid-permissions");
	assert_recognised("Service was automatically changed to "
			  "dts.aliyuncs.com", "service-principal-collapsed");
	/* Not console errors. */
	assert_recognised("Access denied for user 'dts'@'10.0.0.1'", "");
	assert_recognised("AliyunDTSDefaultRole", "");
	assert_recognised("RAM", "");
	assert_recognised("", "");
}
END_TEST

/* A ticket with noise around three errors, one of them twice. */
START_TEST(pasted_ticket)
{
	const char *ticket =
		"Hi, our task dtsabc123 fails at precheck.\n"
		"Step 1 said: AssumeRoleFail: Invalid role arn format\n"
		"we fixed the name, now:\n"
		"   AssumeRoleFail: NoPermission: You are not authorized to do "
		"this action. You should be authorized by RAM.\n"
		"and the colleague's screenshot said 没有权限\n"
		"(again AssumeRoleFail: NoPermission)\n";

	assert_recognised(ticket, "AssumeRoleFail.InvalidRoleArnFormat "
				  "AssumeRoleFail.NoPermission "
				  "NoPermission.AccessDenied");
}
END_TEST

/* Every wording errors.json lists is recognised as (at least) its own
 * error; the verbatim English ones as exactly their own. */
START_TEST(every_listed_text)
{
	char *path = dp_asprintf("%s/tables/errors.json",
				 getenv("DTS_PREFLIGHT_RULES_DIR"));
	char *bytes = tl_read_file(path, NULL);
	struct dp_source *source = tl_source("errors.json", bytes);
	struct dp_doc *doc = NULL;
	const struct dp_json *errors;
	size_t checked = 0;

	ck_assert_int_eq(dp_doc_parse(source, NULL, &doc), 0);
	errors = dp_json_get(doc->root, "errors");
	ck_assert_ptr_nonnull(errors);
	for (uint32_t i = 0; i < errors->n; i++) {
		const struct dp_json *e = errors->u.items[i];
		const char *id = dp_json_string(dp_json_get(e, "id"));
		const struct dp_json *texts = dp_json_get(e, "texts");

		ck_assert_msg(texts && texts->n > 0, "%s lists no texts", id);
		for (uint32_t t = 0; t < texts->n; t++) {
			const struct dp_json *text = texts->u.items[t];
			const char *s = dp_json_string(dp_json_get(text, "text"));
			const char *lang = dp_json_string(dp_json_get(text, "lang"));
			char *got = recognised(s);
			char *padded = dp_asprintf(" %s ", got);
			char *want = dp_asprintf(" %s ", id);

			ck_assert_msg(strstr(padded, want), "%s text '%s' is "
				      "recognised as '%s'", id, s, got);
			if (dp_json_get(text, "verbatim") && strcmp(lang, "en") == 0)
				ck_assert_msg(strcmp(got, id) == 0, "%s text '%s' "
					      "is recognised as '%s'", id, s, got);
			checked++;
			free(got);
			free(padded);
			free(want);
		}
	}
	ck_assert_uint_ge(checked, 20);
	dp_doc_free(doc);
	dp_source_free(source);
	free(bytes);
	free(path);
}
END_TEST

/* Each rule's console_error is explained by an entry that names the
 * rule; each rule an entry names is in rules.md's catalog. */
START_TEST(agrees_with_the_catalog)
{
	static const char *const catalog =
		" DP001 DP002 DP003 DP004 DP101 DP102 DP103 DP104 DP201 DP202"
		" DP203 DP204 DP205 DP206 DP301 DP302 DP303 DP304 DP305 DP306"
		" DP307 DP308 DP309 DP310 DP351 DP352 DP401 DP402 DP403 DP501"
		" DP502 DP503 DP504 DP505 DP506 DP507 DP508 DP601 DP602 DP603 ";

	for (size_t i = 0; i < set->n_rules; i++) {
		const struct dp_rule *rule = set->rules[i];
		char *out = NULL;
		size_t len = 0, idx[16], n = 0;
		FILE *f;
		bool named = false;

		if (!rule->console_error)
			continue;
		ck_assert_int_eq(dp_explain_recognise(ex, rule->console_error,
						      strlen(rule->console_error),
						      idx, 16, &n), 0);
		ck_assert_msg(n > 0, "%s: console error '%s' is not recognised",
			      rule->id, rule->console_error);
		/* The rule documentation names the entries listing it. */
		f = open_memstream(&out, &len);
		ck_assert_int_eq(dp_explain_write(f, ex, set, rule->id,
						  strlen(rule->id), DP_LANG_EN), 1);
		fclose(f);
		for (size_t k = 0; k < n; k++) {
			char *line = dp_asprintf("explain '%s'",
						 dp_explain_title(ex, idx[k]));

			named = named || strstr(out, line);
			free(line);
		}
		ck_assert_msg(named, "%s: no entry for '%s' lists it:\n%s",
			      rule->id, rule->console_error, out);
		free(out);
	}
	/* Every rule the table names exists (or will: rules.md). */
	for (size_t e = 0; e < dp_explain_count(ex); e++) {
		char *out = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);
		const char *p;

		ck_assert_int_eq(dp_explain_write(f, ex, set,
						  dp_explain_title(ex, e),
						  strlen(dp_explain_title(ex, e)),
						  DP_LANG_EN), 1);
		fclose(f);
		for (p = strstr(out, "DP"); p; p = strstr(p + 2, "DP")) {
			char id[8];

			if (!(p[2] >= '0' && p[2] <= '9'))
				continue;
			snprintf(id, sizeof(id), " %.5s ", p);
			ck_assert_msg(strstr(catalog, id), "%s names %s",
				      dp_explain_id(ex, e), id);
		}
		free(out);
	}
}
END_TEST

static char *
explain(const char *text, enum dp_lang lang, int want)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	ck_assert_int_eq(dp_explain_write(f, ex, set, text, strlen(text), lang),
			 want);
	fclose(f);
	return out;
}

/* Scenario 2 of scenarios.md: what it means, the causes with their
 * rules, the exports, the command to run. */
START_TEST(scenario_two)
{
	char *out = explain("AssumeRoleFail: NoPermission: You are not "
			    "authorized to do this action. You should be "
			    "authorized by RAM.", DP_LANG_EN, 1);
	const char *want[] = {
		"AssumeRoleFail: NoPermission — ",
		"DP401\n",
		"DP303, DP301\n",
		"DP309, DP310, DP302\n",
		"DP305\n",
		"  aliyun ram GetRole --RoleName ROLE > ROLE.json\n",
		"  aliyun ram ListPoliciesForRole --RoleName ROLE > ROLE.policies.json\n",
		"  aliyun sts GetCallerIdentity > caller-identity.json\n",
		"dts-preflight .\n",
		"Fix: ",
	};
	const char *at = out;

	for (size_t i = 0; i < DP_ARRAY_SIZE(want); i++) {
		const char *hit = strstr(at, want[i]);

		ck_assert_msg(hit, "no '%s' (in order) in:\n%s", want[i], out);
		at = hit;
	}
	free(out);
}
END_TEST

START_TEST(uid_not_found_says_no_rule_sees_it)
{
	char *out = explain("AliyunUIDNotFound", DP_LANG_EN, 1);

	ck_assert_msg(strstr(out, "no offline rule"), "%s", out);
	ck_assert_msg(strstr(out, "log on to the DTS console"), "%s", out);
	ck_assert_msg(strstr(out, "DP101") && strstr(out, "DP102") &&
		      strstr(out, "DP103"), "%s", out);
	free(out);
}
END_TEST

START_TEST(chinese)
{
	char *out = explain("角色名错误", DP_LANG_ZH, 1);

	ck_assert_msg(strstr(out, "AssumeRoleFail: The role not exists — "),
		      "%s", out);
	ck_assert_msg(strstr(out, "最可能的原因"), "%s", out);
	ck_assert_msg(strstr(out, "aliyun ram ListRoles"), "%s", out);
	ck_assert_msg(strstr(out, "解决方法："), "%s", out);
	free(out);
}
END_TEST

START_TEST(unknown_text_lists_what_it_knows)
{
	char *out = explain("the database is slow", DP_LANG_EN, 0);

	ck_assert_msg(strstr(out, "recognises no DTS console error"), "%s", out);
	for (size_t e = 0; e < dp_explain_count(ex); e++)
		ck_assert_msg(strstr(out, dp_explain_title(ex, e)), "%s", out);
	free(out);
}
END_TEST

START_TEST(rule_ids)
{
	char *out = explain("dp201", DP_LANG_EN, 1);

	ck_assert_msg(strstr(out, "DP201 role-arn-as-name — "), "%s", out);
	ck_assert_msg(strstr(out, "wrong: "), "%s", out);
	free(out);
	out = explain("uid-masked DP999", DP_LANG_EN, 0);
	ck_assert_msg(strstr(out, "DP102 uid-masked") &&
		      strstr(out, "no rule 'DP999'"), "%s", out);
	free(out);
}
END_TEST

/* A hostile table: errors with positions, nothing half loaded. */
START_TEST(bad_tables)
{
	static const struct {
		const char *json;
		const char *error;
	} cases[] = {
		{"[]", "errors.json:1:1: the error table is one JSON object"},
		{"{\"labels\": {}, \"accounts\": {}, \"errors\": []}",
		 "label \"causes\" is missing"},
		{"{\"errorz\": []}", "errors.json:1:2: unknown key \"errorz\""},
	};

	for (size_t i = 0; i < DP_ARRAY_SIZE(cases); i++) {
		struct dp_ruleset *bad = dp_ruleset_new();
		struct dp_explain *bad_ex = NULL;
		char *dir = dp_asprintf("/tmp/dp-explain-XXXXXX");
		char *tables, *file, *msg = NULL;
		FILE *f;

		ck_assert_ptr_nonnull(mkdtemp(dir));
		tables = dp_asprintf("%s/tables", dir);
		file = dp_asprintf("%s/errors.json", tables);
		ck_assert_int_eq(mkdir(tables, 0700), 0);
		f = fopen(file, "w");
		fputs(cases[i].json, f);
		fclose(f);
		ck_assert_int_eq(dp_ruleset_load_dir(bad, dir, &msg), 0);
		ck_assert_int_eq(dp_explain_load(bad, &bad_ex, &msg), -EINVAL);
		ck_assert_msg(strstr(msg, cases[i].error), "'%s' lacks '%s'", msg,
			      cases[i].error);
		free(msg);
		unlink(file);
		rmdir(tables);
		rmdir(dir);
		free(file);
		free(tables);
		free(dir);
		dp_ruleset_free(bad);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("explain");
	TCase *tc = tcase_create("explain");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, seed_errors_verbatim, 0,
			    (int) DP_ARRAY_SIZE(seed_errors));
	tcase_add_test(tc, variants);
	tcase_add_test(tc, pasted_ticket);
	tcase_add_test(tc, every_listed_text);
	tcase_add_test(tc, agrees_with_the_catalog);
	tcase_add_test(tc, scenario_two);
	tcase_add_test(tc, uid_not_found_says_no_rule_sees_it);
	tcase_add_test(tc, chinese);
	tcase_add_test(tc, unknown_text_lists_what_it_knows);
	tcase_add_test(tc, rule_ids);
	tcase_add_test(tc, bad_tables);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
