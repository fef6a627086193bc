/*
 * test_adapters.c - Check suite for the export shapes (adapters/), the
 * association of documents into one setup (associate.c) and the engine
 * table lookups (classify.c).  Documents go through a whole run, so what
 * is checked is the setup the rules would see.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "rules.h"
#include "run.h"
#include "testlib.h"
#include "util.h"

static struct dp_ruleset *rules;

static void
load_rules(void)
{
	const char *dir = getenv("DTS_PREFLIGHT_RULES_DIR");
	char *err = NULL;

	rules = dp_ruleset_new();
	ck_assert_ptr_nonnull(rules);
	ck_assert_ptr_nonnull(dir);
	ck_assert_msg(dp_ruleset_load_dir(rules, dir, &err) == 0, "%s",
		      err ? err : "");
}

static void
free_rules(void)
{
	dp_ruleset_free(rules);
	rules = NULL;
}

/* A finished run over name/text pairs (NULL-terminated). */
static struct dp_run *
run_docs(const char *creator_uid, const char *const *docs)
{
	struct dp_run_options options = {.creator_uid = creator_uid};
	struct dp_run *run = NULL;

	ck_assert_int_eq(dp_run_new(rules, &options, &run), 0);
	for (size_t i = 0; docs[i]; i += 2)
		ck_assert_int_eq(dp_run_add_buffer(run, docs[i], docs[i + 1],
						   strlen(docs[i + 1]), true),
				 0);
	ck_assert_int_eq(dp_run_finish(run, NULL), 0);
	return run;
}

static bool
value_is(const struct dp_value *v, const char *s)
{
	return v->state == DP_VALUE_PRESENT && v->len == strlen(s) &&
	       memcmp(v->str, s, v->len) == 0;
}

/* The note whose text contains needle, or NULL. */
static const struct dp_note *
find_note(const struct dp_setup *setup, const char *needle)
{
	for (size_t i = 0; i < setup->n_notes; i++)
		if (strstr(setup->notes[i].text, needle))
			return &setup->notes[i];
	return NULL;
}

static const struct dp_role *
find_role(const struct dp_setup *setup, const char *name, const char *path)
{
	for (size_t i = 0; i < setup->n_roles; i++) {
		const struct dp_role *role = setup->roles[i];

		if (value_is(&role->name, name) &&
		    (!path || strcmp(role->origin.source->path, path) == 0))
			return role;
	}
	return NULL;
}

#define GET_ROLE(name, uid, trusted)                                           \
	"{\"Role\": {\"RoleName\": \"" name "\", \"Arn\": \"acs:ram::" uid     \
	":role/" name "\", \"AssumeRolePolicyDocument\": \"{\\\"Statement\\\":" \
	"[{\\\"Action\\\":\\\"sts:AssumeRole\\\",\\\"Effect\\\":\\\"Allow\\\","  \
	"\\\"Principal\\\":{\\\"RAM\\\":[\\\"acs:ram::" trusted ":root\\\"]}}]," \
	"\\\"Version\\\":\\\"1\\\"}\"}, \"RequestId\": \"r\"}"

#define POLICIES                                                               \
	"{\"Policies\": {\"Policy\": [{\"PolicyName\": \"AliyunDTSRolePolicy\","  \
	" \"PolicyType\": \"System\"}, {\"PolicyName\": "                         \
	"\"AliyunVPCReadOnlyAccess\", \"PolicyType\": \"System\"}]}, "            \
	"\"RequestId\": \"r\"}"

#define CALLER(uid)                                                            \
	"{\"AccountId\": \"" uid "\", \"Arn\": \"acs:ram::" uid ":root\", "       \
	"\"IdentityType\": \"Account\", \"UserId\": \"" uid "\", "               \
	"\"RequestId\": \"r\"}"

#define UID_A "1111222233334444"
#define UID_B "5555666677778888"

/* ---- ListPoliciesForRole and association ----------------------------- */

START_TEST(policies_by_file_stem)
{
	const char *docs[] = {
		"acct-a/ram-for-dts.json", GET_ROLE("ram-for-dts", UID_A, UID_B),
		"acct-a/other.json", GET_ROLE("other", UID_A, UID_B),
		"acct-a/ram-for-dts.policies.json", POLICIES,
		NULL,
	};
	struct dp_run *run = run_docs(NULL, docs);
	const struct dp_setup *setup = dp_run_setup(run);
	const struct dp_role *role = find_role(setup, "ram-for-dts", NULL);
	const struct dp_role *other = find_role(setup, "other", NULL);

	ck_assert_ptr_nonnull(role);
	ck_assert(role->has_attachments);
	ck_assert_uint_eq(role->n_attachments, 2);
	ck_assert(value_is(&role->attachments[0].name, "AliyunDTSRolePolicy"));
	ck_assert(value_is(&role->attachments[0].type, "System"));
	ck_assert_str_eq(role->attachments[0].name.origin.pointer,
			 "/Policies/Policy/0/PolicyName");
	ck_assert(value_is(&role->attachments[1].name,
			   "AliyunVPCReadOnlyAccess"));
	ck_assert_str_eq(role->attachments_origin.source->path,
			 "acct-a/ram-for-dts.policies.json");
	ck_assert(!other->has_attachments);
	ck_assert_uint_eq(setup->n_orphans, 0);
	dp_run_free(run);
}
END_TEST

START_TEST(policies_only_role_in_directory)
{
	const char *docs[] = {
		"case/role.json", GET_ROLE("ram-for-dts", UID_A, UID_B),
		"case/attached.json", POLICIES,
		"elsewhere/role.json", GET_ROLE("another", UID_B, UID_A),
		NULL,
	};
	struct dp_run *run = run_docs(NULL, docs);
	const struct dp_setup *setup = dp_run_setup(run);

	ck_assert(find_role(setup, "ram-for-dts", NULL)->has_attachments);
	ck_assert(!find_role(setup, "another", NULL)->has_attachments);
	ck_assert_uint_eq(setup->n_orphans, 0);
	dp_run_free(run);
}
END_TEST

START_TEST(policies_not_guessed)
{
	const char *docs[] = {
		"case/a.json", GET_ROLE("role-a", UID_A, UID_B),
		"case/b.json", GET_ROLE("role-b", UID_A, UID_B),
		"case/attached.json", POLICIES,
		NULL,
	};
	struct dp_run *run = run_docs(NULL, docs);
	const struct dp_setup *setup = dp_run_setup(run);
	const struct dp_note *note;

	ck_assert(!find_role(setup, "role-a", NULL)->has_attachments);
	ck_assert(!find_role(setup, "role-b", NULL)->has_attachments);
	ck_assert_uint_eq(setup->n_orphans, 1);
	ck_assert_uint_eq(setup->orphans[0]->n_attachments, 2);
	note = find_note(setup, "not associated");
	ck_assert_ptr_nonnull(note);
	ck_assert_str_eq(note->origin.source->path, "case/attached.json");
	ck_assert_ptr_nonnull(strstr(note->text, "several roles"));
	dp_run_free(run);
}
END_TEST

START_TEST(policies_same_name_prefers_directory)
{
	const char *docs[] = {
		"a/ram-for-dts.json", GET_ROLE("ram-for-dts", UID_A, UID_B),
		"b/ram-for-dts.json", GET_ROLE("ram-for-dts", UID_B, UID_A),
		"b/ram-for-dts.policies.json", POLICIES,
		NULL,
	};
	struct dp_run *run = run_docs(NULL, docs);
	const struct dp_setup *setup = dp_run_setup(run);

	ck_assert(!find_role(setup, "ram-for-dts", "a/ram-for-dts.json")
			   ->has_attachments);
	ck_assert(find_role(setup, "ram-for-dts", "b/ram-for-dts.json")
			  ->has_attachments);
	dp_run_free(run);
}
END_TEST

START_TEST(policies_same_name_ambiguous)
{
	const char *docs[] = {
		"a/ram-for-dts.json", GET_ROLE("ram-for-dts", UID_A, UID_B),
		"b/ram-for-dts.json", GET_ROLE("ram-for-dts", UID_B, UID_A),
		"c/ram-for-dts.policies.json", POLICIES,
		NULL,
	};
	struct dp_run *run = run_docs(NULL, docs);
	const struct dp_setup *setup = dp_run_setup(run);

	ck_assert_uint_eq(setup->n_orphans, 1);
	ck_assert_ptr_nonnull(find_note(setup, "2 roles are named 'ram-for-dts'"));
	dp_run_free(run);
}
END_TEST

START_TEST(policies_empty_list)
{
	static const char *const empties[] = {
		"{\"Policies\": {}, \"RequestId\": \"r\"}",
		"{\"Policies\": {\"Policy\": []}, \"RequestId\": \"r\"}",
	};

	for (size_t i = 0; i < DP_ARRAY_SIZE(empties); i++) {
		const char *docs[] = {
			"x/ram-for-dts.json", GET_ROLE("ram-for-dts", UID_A, UID_B),
			"x/ram-for-dts.policies.json", empties[i],
			NULL,
		};
		struct dp_run *run = run_docs(NULL, docs);
		const struct dp_role *role =
			find_role(dp_run_setup(run), "ram-for-dts", NULL);

		ck_assert(role->has_attachments);
		ck_assert_uint_eq(role->n_attachments, 0);
		dp_run_free(run);
	}
}
END_TEST

/* ---- GetCallerIdentity -------------------------------------------- */

START_TEST(caller_identity_is_creator)
{
	const char *docs[] = {"set/caller.json", CALLER(UID_B), NULL};
	struct dp_run *run = run_docs(NULL, docs);
	const struct dp_value *creator = &dp_run_setup(run)->creator_uid;

	ck_assert(value_is(creator, UID_B));
	ck_assert_str_eq(creator->origin.source->path, "set/caller.json");
	ck_assert_str_eq(creator->origin.pointer, "/AccountId");
	dp_run_free(run);
}
END_TEST

START_TEST(caller_identity_conflict)
{
	const char *docs[] = {
		"one/caller.json", CALLER(UID_A),
		"two/caller.json", CALLER(UID_B),
		"three/caller.json", CALLER(UID_A),
		NULL,
	};
	struct dp_run *run = run_docs(NULL, docs);
	const struct dp_setup *setup = dp_run_setup(run);

	ck_assert_int_eq(setup->creator_uid.state, DP_VALUE_UNKNOWN);
	ck_assert_ptr_nonnull(find_note(setup, "name two accounts"));
	dp_run_free(run);
}
END_TEST

START_TEST(command_line_creator_wins)
{
	const char *docs[] = {"set/caller.json", CALLER(UID_B), NULL};
	struct dp_run *run = run_docs(UID_A, docs);
	const struct dp_setup *setup = dp_run_setup(run);
	const struct dp_note *note = find_note(setup, "--creator-uid");

	ck_assert(value_is(&setup->creator_uid, UID_A));
	ck_assert_ptr_nonnull(note);
	ck_assert_ptr_nonnull(strstr(note->text, UID_B));
	dp_run_free(run);
}
END_TEST

START_TEST(command_line_creator_agrees)
{
	const char *docs[] = {"set/caller.json", CALLER(UID_B), NULL};
	struct dp_run *run = run_docs(UID_B, docs);
	const struct dp_setup *setup = dp_run_setup(run);

	ck_assert(value_is(&setup->creator_uid, UID_B));
	ck_assert_str_eq(setup->creator_uid.origin.source->path,
			 "set/caller.json");
	ck_assert_ptr_null(find_note(setup, "--creator-uid"));
	dp_run_free(run);
}
END_TEST

/* ---- ListRoles ------------------------------------------------------ */

#define LIST_ROLES(truncated)                                                  \
	"{\"IsTruncated\": " truncated ", \"Roles\": {\"Role\": ["               \
	"{\"RoleName\": \"ram-for-dts\", \"Arn\": \"acs:ram::" UID_A             \
	":role/ram-for-dts\"}, {\"RoleName\": \"AliyunDTSDefaultRole\", "        \
	"\"Arn\": \"acs:ram::" UID_A ":role/AliyunDTSDefaultRole\"}]}}"

START_TEST(list_roles)
{
	const char *docs[] = {"a/roles.json", LIST_ROLES("false"), NULL};
	struct dp_run *run = run_docs(NULL, docs);
	const struct dp_setup *setup = dp_run_setup(run);
	const struct dp_role *role = find_role(setup, "ram-for-dts", NULL);

	ck_assert_uint_eq(setup->n_roles, 2);
	ck_assert(value_is(&role->owner_uid, UID_A));
	ck_assert_str_eq(role->owner_uid.origin.pointer, "/Roles/Role/0/Arn");
	ck_assert_ptr_null(role->trust);
	ck_assert_ptr_null(find_note(setup, "truncated"));
	dp_run_free(run);
}
END_TEST

START_TEST(list_roles_truncated)
{
	const char *docs[] = {"a/roles.json", LIST_ROLES("true"), NULL};
	struct dp_run *run = run_docs(NULL, docs);

	ck_assert_ptr_nonnull(find_note(dp_run_setup(run), "truncated"));
	dp_run_free(run);
}
END_TEST

START_TEST(list_roles_merge_with_get_role)
{
	const char *docs[] = {
		"a/roles.json", LIST_ROLES("false"),
		"a/ram-for-dts.json", GET_ROLE("ram-for-dts", UID_A, UID_B),
		"a/ram-for-dts.policies.json", POLICIES,
		NULL,
	};
	struct dp_run *run = run_docs(NULL, docs);
	const struct dp_setup *setup = dp_run_setup(run);
	const struct dp_role *role = find_role(setup, "ram-for-dts", NULL);

	ck_assert_uint_eq(setup->n_roles, 2);
	ck_assert_ptr_nonnull(role->trust);
	ck_assert(role->has_attachments);
	dp_run_free(run);
}
END_TEST

/* ---- classify ------------------------------------------------------- */

START_TEST(classify_lookups)
{
	const struct dp_table *t = dp_ruleset_table(rules, "engines");
	static const struct {
		const char *type, *engine, *method, *db;
	} cases[] = {
		{"RDS", "MYSQL", "Alibaba Cloud Instance", "MySQL"},
		{"rds", "MySQL", "Alibaba Cloud Instance", "MySQL"},
		{"RDS", "MSSQL", "Alibaba Cloud Instance", "SQL Server"},
		{"PolarDB", "MySQL", "Alibaba Cloud Instance", "PolarDB for MySQL"},
		{"POLARDB", "polardb_pg", "Alibaba Cloud Instance",
		 "PolarDB for PostgreSQL"},
		{"PolarDB_o", NULL, "Alibaba Cloud Instance",
		 "PolarDB (Compatible with Oracle)"},
		{"EXPRESS", "ORACLE",
		 "Express Connect/VPN Gateway/Smart Access Gateway", "Oracle"},
		{"Express", "MySQL",
		 "Express Connect/VPN Gateway/Smart Access Gateway", "MySQL"},
		{"ECS", "DB2", "Self-managed Database on ECS", "DB2 for LUW"},
		{"cen", "Redis", "Cloud Enterprise Network (CEN)", "Tair/Redis"},
		{"dg", "REDIS", "Database Gateway", "Tair/Redis"},
		{"OTHER", "MONGODB", "public IP", "MongoDB"},
		{"LocalInstance", "MySQL", "public IP", "MySQL"},
		{"REDIS", NULL, "Alibaba Cloud Instance", "Tair/Redis"},
		{"ADS", "ADB30", "Alibaba Cloud Instance",
		 "AnalyticDB for MySQL 3.0"},
		{"RDS", NULL, "Alibaba Cloud Instance", NULL},
		{"VPN", "MySQL", NULL, "MySQL"},
		{NULL, "FANCYDB", NULL, NULL},
	};

	ck_assert_ptr_nonnull(t);
	for (size_t i = 0; i < DP_ARRAY_SIZE(cases); i++) {
		const char *type = cases[i].type, *engine = cases[i].engine;
		const char *method = type ? dp_classify_access_method(
						    t, type, strlen(type)) : NULL;
		const char *db = dp_classify_database_type(
			t, type, type ? strlen(type) : 0, engine,
			engine ? strlen(engine) : 0);

		if (cases[i].method)
			ck_assert_str_eq(method, cases[i].method);
		else
			ck_assert_ptr_null(method);
		if (cases[i].db)
			ck_assert_str_eq(db, cases[i].db);
		else
			ck_assert_ptr_null(db);
	}
}
END_TEST

START_TEST(classify_unknown_noted_once)
{
	const char *task =
		"{\"DtsJobName\": \"t\", \"SourceEndpointInstanceType\": \"EXPRES\","
		" \"SourceEndpointEngineName\": \"MySQL\","
		" \"DestinationEndpointInstanceType\": \"EXPRES\","
		" \"DestinationEndpointEngineName\": \"FANCYDB\"}";
	const char *docs[] = {"t.json", task, NULL};
	struct dp_run *run = run_docs(NULL, docs);
	const struct dp_setup *setup = dp_run_setup(run);
	const struct dp_task *t = setup->tasks[0];
	const struct dp_note *note;
	size_t n = 0;

	ck_assert_ptr_null(t->source.access_method);
	ck_assert_str_eq(t->source.database_type, "MySQL");
	ck_assert_ptr_null(t->destination.database_type);
	for (size_t i = 0; i < setup->n_notes; i++)
		n += strstr(setup->notes[i].text, "'EXPRES'") != NULL;
	ck_assert_uint_eq(n, 1);
	note = find_note(setup, "'EXPRES'");
	ck_assert_ptr_nonnull(strstr(note->text, "nearest known: 'EXPRESS'"));
	ck_assert_str_eq(note->origin.pointer, "/SourceEndpointInstanceType");
	ck_assert_ptr_nonnull(find_note(setup, "engine name 'FANCYDB'"));
	dp_run_free(run);
}
END_TEST

static Suite *
adapters_suite(void)
{
	Suite *s = suite_create("adapters");
	TCase *tc = tcase_create("association");

	tcase_add_checked_fixture(tc, load_rules, free_rules);
	tcase_add_test(tc, policies_by_file_stem);
	tcase_add_test(tc, policies_only_role_in_directory);
	tcase_add_test(tc, policies_not_guessed);
	tcase_add_test(tc, policies_same_name_prefers_directory);
	tcase_add_test(tc, policies_same_name_ambiguous);
	tcase_add_test(tc, policies_empty_list);
	tcase_add_test(tc, caller_identity_is_creator);
	tcase_add_test(tc, caller_identity_conflict);
	tcase_add_test(tc, command_line_creator_wins);
	tcase_add_test(tc, command_line_creator_agrees);
	tcase_add_test(tc, list_roles);
	tcase_add_test(tc, list_roles_truncated);
	tcase_add_test(tc, list_roles_merge_with_get_role);
	suite_add_tcase(s, tc);
	tc = tcase_create("classify");
	tcase_add_checked_fixture(tc, load_rules, free_rules);
	tcase_add_test(tc, classify_lookups);
	tcase_add_test(tc, classify_unknown_noted_once);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(adapters_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
