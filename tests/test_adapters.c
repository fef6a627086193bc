/*
 * test_adapters.c - Check suite for the export shapes (adapters/), the
 * association of documents into one setup (associate.c) and the engine
 * table lookups (classify.c).  Documents go through a whole run, so what
 * is checked is the setup the rules would see.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify.h"
#include "rules.h"
#include "run.h"
#include "testlib.h"
#include "util.h"

static struct dp_ruleset *rules;

static void
load_rules(void)
{
	rules = tl_catalog(false);
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

START_TEST(classify_unknown_stays_unknown)
{
	const char *task =
		"{\"DtsJobName\": \"t\", \"SourceEndpointInstanceType\": \"EXPRES\","
		" \"SourceEndpointEngineName\": \"MySQL\","
		" \"DestinationEndpointInstanceType\": \"rds\","
		" \"DestinationEndpointEngineName\": \"FANCYDB\"}";
	const char *docs[] = {"t.json", task, NULL};
	struct dp_run *run = run_docs(NULL, docs);
	const struct dp_task *t = dp_run_setup(run)->tasks[0];

	ck_assert_ptr_null(t->source.access_method);
	ck_assert_str_eq(t->source.database_type, "MySQL");
	ck_assert_str_eq(t->destination.access_method, "Alibaba Cloud Instance");
	ck_assert_ptr_null(t->destination.database_type);
	dp_run_free(run);
}
END_TEST

/* ---- Terraform -------------------------------------------------------- */

/* A plan: role + attachment by reference (role_name unknown), job with
 * an unknown destination owner and sensitive passwords, instance. */
static const char tf_plan[] =
	"{\"format_version\":\"1.2\",\"variables\":{\"pw\":{\"value\":\"VarPw-1\"}},"
	"\"resource_changes\":["
	"{\"address\":\"alicloud_ram_role.r\",\"mode\":\"managed\","
	"\"type\":\"alicloud_ram_role\",\"name\":\"r\",\"change\":{\"actions\":"
	"[\"create\"],\"before\":null,\"after\":{\"role_name\":\"ram-for-dts\","
	"\"assume_role_policy_document\":\"{\\\"Statement\\\":[{\\\"Action\\\":"
	"\\\"sts:AssumeRole\\\",\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":"
	"{\\\"Service\\\":\\\"" UID_B "@dts.aliyuncs.com\\\"}}],\\\"Version\\\":"
	"\\\"1\\\"}\"},\"after_unknown\":{\"arn\":true,\"document\":true}}},"
	"{\"address\":\"alicloud_ram_role_policy_attachment.a\",\"mode\":\"managed\","
	"\"type\":\"alicloud_ram_role_policy_attachment\",\"name\":\"a\","
	"\"change\":{\"actions\":[\"create\"],\"after\":{\"policy_name\":"
	"\"AliyunDTSRolePolicy\",\"policy_type\":\"System\",\"role_name\":null},"
	"\"after_unknown\":{\"role_name\":true}}},"
	"{\"address\":\"alicloud_ram_role_policy_attachment.gone\",\"mode\":\"managed\","
	"\"type\":\"alicloud_ram_role_policy_attachment\",\"name\":\"gone\","
	"\"change\":{\"actions\":[\"delete\"],\"before\":{\"policy_name\":\"X\"},"
	"\"after\":null}},"
	"{\"address\":\"alicloud_dts_synchronization_instance.i\",\"mode\":\"managed\","
	"\"type\":\"alicloud_dts_synchronization_instance\",\"name\":\"i\","
	"\"change\":{\"actions\":[\"create\"],\"after\":{\"sync_architecture\":"
	"\"bidirectional\",\"source_endpoint_region\":\"cn-hangzhou\"}}},"
	"{\"address\":\"alicloud_dts_synchronization_job.j\",\"mode\":\"managed\","
	"\"type\":\"alicloud_dts_synchronization_job\",\"name\":\"j\","
	"\"change\":{\"actions\":[\"create\"],\"after\":{"
	"\"source_endpoint_instance_type\":\"RDS\",\"source_endpoint_engine_name\":"
	"\"MySQL\",\"source_endpoint_owner_id\":\"" UID_A "\","
	"\"source_endpoint_role\":\"ram-for-dts\",\"source_endpoint_password\":"
	"\"Pw-Secret-1\",\"destination_endpoint_owner_id\":null,"
	"\"destination_endpoint_role\":\"ram-dst\",\"destination_endpoint_user_name\":"
	"\"u-Secret-2\"},\"after_unknown\":{\"destination_endpoint_owner_id\":true},"
	"\"after_sensitive\":{\"source_endpoint_password\":true,"
	"\"destination_endpoint_user_name\":true}}}],"
	"\"configuration\":{\"root_module\":{\"variables\":{\"pw\":{\"sensitive\":"
	"true}},\"resources\":[{\"address\":"
	"\"alicloud_ram_role_policy_attachment.a\",\"expressions\":{\"role_name\":"
	"{\"references\":[\"alicloud_ram_role.r.role_name\",\"alicloud_ram_role.r\"]}}},"
	"{\"address\":\"alicloud_dts_synchronization_job.j\",\"expressions\":"
	"{\"dts_instance_id\":{\"references\":[\"alicloud_dts_synchronization_instance.i.id\","
	"\"alicloud_dts_synchronization_instance.i\"]}}}]}}}";

START_TEST(terraform_plan)
{
	const char *docs[] = {"plan.json", tf_plan, NULL};
	struct dp_run *run = run_docs(NULL, docs);
	const struct dp_setup *setup = dp_run_setup(run);
	const struct dp_role *role = find_role(setup, "ram-for-dts", NULL);
	const struct dp_task *task;
	const struct dp_source *src;
	struct dp_origin where;

	ck_assert_ptr_nonnull(role);
	ck_assert_ptr_nonnull(role->trust);
	ck_assert(value_is(&role->trust->statements[0].service[0].uid, UID_B));
	ck_assert_int_eq(role->owner_uid.state, DP_VALUE_UNKNOWN);
	ck_assert(role->has_attachments);
	ck_assert_uint_eq(role->n_attachments, 1);
	ck_assert(value_is(&role->attachments[0].name, "AliyunDTSRolePolicy"));
	ck_assert_uint_eq(setup->n_orphans, 0);
	/* The instance merged into its job: one task, two-way. */
	ck_assert_uint_eq(setup->n_tasks, 1);
	task = setup->tasks[0];
	ck_assert_int_eq(task->two_way, DP_TWO_WAY_YES);
	ck_assert(value_is(&task->sync_architecture, "bidirectional"));
	ck_assert(value_is(&task->source.region, "cn-hangzhou"));
	ck_assert(value_is(&task->job_type, "SYNC"));
	ck_assert_str_eq(task->source.access_method, "Alibaba Cloud Instance");
	ck_assert_int_eq(task->destination.owner_uid.state, DP_VALUE_UNKNOWN);
	ck_assert_str_eq(task->destination.owner_uid.unknown_why,
			 "known only after apply");
	/* Kept relative to its resource until reported (model.h). */
	where = task->destination.owner_uid.origin;
	ck_assert_str_eq(where.pointer,
			 "#0/change/after_unknown/destination_endpoint_owner_id");
	ck_assert_int_eq(dp_setup_resolve_pointer((struct dp_setup *) setup,
						  &where), 0);
	ck_assert_str_eq(where.pointer,
			 "/resource_changes/4/change/after_unknown/"
			 "destination_endpoint_owner_id");
	ck_assert(value_is(&task->destination.role_name, "ram-dst"));
	ck_assert_ptr_nonnull(find_note(setup, "alicloud_dts_synchronization_job.j: "
					       "destination_endpoint_owner_id "
					       "known only after apply"));
	ck_assert_ptr_nonnull(find_note(setup, "arn (the role's account)"));
	/* Sensitive and password values never reach a snippet. */
	src = role->origin.source;
	ck_assert(dp_source_is_secret(src, tl_offset_of(src->data, "Pw-Secret-1")));
	ck_assert(dp_source_is_secret(src, tl_offset_of(src->data, "u-Secret-2")));
	ck_assert(dp_source_is_secret(src, tl_offset_of(src->data, "VarPw-1")));
	dp_run_free(run);
}
END_TEST

START_TEST(terraform_state_deprecated_names)
{
	const char *state =
		"{\"format_version\":\"1.0\",\"values\":{\"root_module\":{"
		"\"child_modules\":[{\"child_modules\":[{\"resources\":[{"
		"\"address\":\"module.a.module.b.alicloud_ram_role.old\","
		"\"mode\":\"managed\",\"type\":\"alicloud_ram_role\","
		"\"values\":{\"name\":\"legacy-role\",\"role_name\":null,"
		"\"arn\":\"acs:ram::" UID_A ":role/legacy-role\","
		"\"assume_role_policy_document\":null,\"document\":"
		"\"{\\\"Statement\\\":[],\\\"Version\\\":\\\"1\\\"}\"}}]}]}]}}}";
	const char *docs[] = {"state.json", state, NULL};
	struct dp_run *run = run_docs(NULL, docs);
	struct dp_setup *setup = (struct dp_setup *) dp_run_setup(run);
	const struct dp_role *role = find_role(setup, "legacy-role", NULL);
	struct dp_origin where;

	ck_assert_ptr_nonnull(role);
	ck_assert(value_is(&role->owner_uid, UID_A));
	ck_assert_ptr_nonnull(role->trust);
	/* Relative to the resource, written out when reported. */
	where = role->trust->origin;
	ck_assert_int_eq(dp_setup_resolve_pointer(setup, &where), 0);
	ck_assert_str_eq(where.pointer,
			 "/values/root_module/child_modules/0/child_modules/0/"
			 "resources/0/values/document");
	dp_run_free(run);
}
END_TEST

/* ---- ROS ------------------------------------------------------------ */

static const char ros_template[] =
	"{\"ROSTemplateFormatVersion\":\"2015-09-01\",\"Parameters\":{"
	"\"Key\":{\"Type\":\"String\",\"NoEcho\":true,\"Default\":\"k-Secret-3\"},"
	"\"Name\":{\"Type\":\"String\",\"Default\":\"ram-for-dts\"}},"
	"\"Resources\":{\"Role\":{\"Type\":\"ALIYUN::RAM::Role\",\"Properties\":{"
	"\"RoleName\":{\"Ref\":\"Name\"},\"AssumeRolePolicyDocument\":{"
	"\"Version\":\"1\",\"Statement\":[{\"Action\":\"sts:AssumeRole\","
	"\"Effect\":\"Allow\",\"Principal\":{\"RAM\":[{\"Fn::Sub\":"
	"\"acs:ram::${Uid}:root\"}],\"Service\":\"" UID_B "@dts.aliyuncs.com\"}}]},"
	"\"Policies\":[{\"PolicyName\":\"inline-one\",\"PolicyDocument\":{}}],"
	"\"PolicyAttachments\":{\"System\":[\"AliyunVPCReadOnlyAccess\"]}}},"
	"\"Attach\":{\"Type\":\"ALIYUN::RAM::AttachPolicyToRole\",\"Properties\":{"
	"\"PolicyName\":\"AliyunDTSRolePolicy\",\"PolicyType\":\"System\","
	"\"RoleName\":{\"Fn::GetAtt\":[\"Role\",\"RoleName\"]}}}}}";

START_TEST(ros_template_links)
{
	const char *docs[] = {"t.json", ros_template, NULL};
	struct dp_run *run = run_docs(NULL, docs);
	const struct dp_setup *setup = dp_run_setup(run);
	const struct dp_role *role = find_role(setup, "ram-for-dts", NULL);
	const struct dp_statement *st;

	ck_assert_ptr_nonnull(role);
	ck_assert_str_eq(role->name.origin.pointer, "/Parameters/Name/Default");
	ck_assert_ptr_nonnull(find_note(setup, "Default of parameter Name"));
	ck_assert_uint_eq(role->n_attachments, 3);
	ck_assert(value_is(&role->attachments[0].name, "inline-one"));
	ck_assert(value_is(&role->attachments[0].type, "Custom"));
	ck_assert(value_is(&role->attachments[1].name, "AliyunVPCReadOnlyAccess"));
	ck_assert(value_is(&role->attachments[1].type, "System"));
	ck_assert(value_is(&role->attachments[2].name, "AliyunDTSRolePolicy"));
	ck_assert_uint_eq(setup->n_orphans, 0);
	st = &role->trust->statements[0];
	ck_assert_int_eq(st->ram[0].value.state, DP_VALUE_UNKNOWN);
	ck_assert_str_eq(st->ram[0].value.unknown_why,
			 "a ROS intrinsic function (Fn::Sub)");
	ck_assert(value_is(&st->service[0].uid, UID_B));
	/* The text inside Fn::Sub is not a string of the policy. */
	for (size_t i = 0; i < role->trust->n_strings; i++)
		ck_assert_ptr_null(strstr(role->trust->strings[i].str, "${"));
	ck_assert_ptr_nonnull(find_note(setup, "intrinsic functions (Fn::Sub)"));
	ck_assert(dp_source_is_secret(role->origin.source,
				      tl_offset_of(role->origin.source->data,
						   "k-Secret-3")));
	dp_run_free(run);
}
END_TEST

/* ---- legacy task and CreateDtsInstance ----------------------------- */

START_TEST(legacy_migration_job)
{
	const char *objects =
		"{\"MigrationJobId\":\"dtsabc\",\"SourceEndpoint\":{\"InstanceType\":"
		"\"Express\",\"EngineName\":\"MySQL\",\"OwnerID\":\"" UID_A "\","
		"\"Role\":\"ram-for-dts\"},\"DestinationEndpoint\":{\"InstanceType\":"
		"\"LocalInstance\",\"EngineName\":\"SQLServer\"}}";
	const char *flat =
		"{\"SourceEndpoint.InstanceType\":\"dg\",\"SourceEndpoint.EngineName\":"
		"\"Redis\",\"SourceEndpoint.OwnerID\":\"" UID_B "\","
		"\"DestinationEndpoint.InstanceType\":\"cen\"}";
	const char *docs[] = {"a/o.json", objects, "b/f.json", flat, NULL};
	struct dp_run *run = run_docs(NULL, docs);
	const struct dp_setup *setup = dp_run_setup(run);
	const struct dp_task *t0 = setup->tasks[0], *t1 = setup->tasks[1];

	ck_assert_uint_eq(setup->n_tasks, 2);
	ck_assert(value_is(&t0->source.owner_uid, UID_A));
	ck_assert_str_eq(t0->source.owner_uid.origin.pointer,
			 "/SourceEndpoint/OwnerID");
	ck_assert(value_is(&t0->source.role_name, "ram-for-dts"));
	ck_assert_str_eq(t0->source.access_method,
			 "Express Connect/VPN Gateway/Smart Access Gateway");
	ck_assert_str_eq(t0->destination.access_method, "public IP");
	ck_assert_str_eq(t0->destination.database_type, "SQL Server");
	ck_assert(value_is(&t0->job_type, "MIGRATION"));
	ck_assert(value_is(&t1->source.owner_uid, UID_B));
	ck_assert_str_eq(t1->source.owner_uid.origin.pointer,
			 "/SourceEndpoint.OwnerID");
	ck_assert_str_eq(t1->source.access_method, "Database Gateway");
	ck_assert_str_eq(t1->source.database_type, "Tair/Redis");
	ck_assert_str_eq(t1->destination.access_method,
			 "Cloud Enterprise Network (CEN)");
	dp_run_free(run);
}
END_TEST

START_TEST(create_instance_merge)
{
	const char *inst =
		"{\"Type\":\"SYNC\",\"SyncArchitecture\":\"bidirectional\","
		"\"SourceRegion\":\"cn-hangzhou\",\"DestinationRegion\":"
		"\"cn-shanghai\",\"DestinationEndpointEngineName\":\"MySQL\"}";
	const char *job =
		"{\"DtsJobName\":\"j\",\"SourceEndpointInstanceType\":\"RDS\","
		"\"DestinationEndpointInstanceType\":\"RDS\"}";
	const char *docs[] = {
		"same/inst.json", inst, "same/job.json", job,
		"alone/inst.json", inst, NULL,
	};
	struct dp_run *run = run_docs(NULL, docs);
	const struct dp_setup *setup = dp_run_setup(run);
	const struct dp_task *merged = NULL, *alone = NULL;

	ck_assert_uint_eq(setup->n_tasks, 2);
	for (size_t i = 0; i < setup->n_tasks; i++) {
		if (setup->tasks[i]->instance_only)
			alone = setup->tasks[i];
		else
			merged = setup->tasks[i];
	}
	ck_assert_ptr_nonnull(merged);
	ck_assert_ptr_nonnull(alone);
	ck_assert_str_eq(alone->origin.source->path, "alone/inst.json");
	ck_assert_int_eq(merged->two_way, DP_TWO_WAY_YES);
	ck_assert(value_is(&merged->destination.region, "cn-shanghai"));
	ck_assert_str_eq(merged->destination.region.origin.source->path,
			 "same/inst.json");
	ck_assert_str_eq(merged->destination.database_type, "MySQL");
	dp_run_free(run);
}
END_TEST

START_TEST(array_of_shapes)
{
	char *bundle = dp_asprintf("[%s, %s, %s]", GET_ROLE("ram-for-dts", UID_A,
							      UID_B),
				   POLICIES, CALLER(UID_B));
	const char *docs[] = {"bundle.json", bundle, NULL};
	struct dp_run *run = run_docs(NULL, docs);
	const struct dp_setup *setup = dp_run_setup(run);
	const struct dp_role *role = find_role(setup, "ram-for-dts", NULL);

	/* The only role of the document gets the list of the document. */
	ck_assert(role->has_attachments);
	ck_assert_str_eq(role->attachments[0].name.origin.pointer,
			 "/1/Policies/Policy/0/PolicyName");
	ck_assert(value_is(&setup->creator_uid, UID_B));
	ck_assert_str_eq(setup->creator_uid.origin.pointer, "/2/AccountId");
	dp_run_free(run);
	free(bundle);
}
END_TEST

/* ---- files whose bytes were freed after adapting ---------------- */

static const char arn_job[] =
	"{\"JobType\":\"SYNC\",\"SourceEndpointInstanceType\":\"RDS\",\n"
	"\"SourceEndpointEngineName\":\"MYSQL\",\n"
	"\"SourceEndpointOwnerID\":\"" UID_A "\",\n"
	"\"SourceEndpointRole\":\"acs:ram::" UID_A ":role/ram-for-dts\",\n"
	"\"SourceEndpointPassword\":\"Pa55-word\"}\n";

struct path_errors {
	char path[512];
	int err;
	unsigned calls;
};

static void
on_path_error(void *data, const char *path, int err)
{
	struct path_errors *pe = data;

	snprintf(pe->path, sizeof(pe->path), "%s", path);
	pe->err = err;
	pe->calls++;
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

/* How many findings of rule id the run has, and the line of the last. */
static size_t
count_rule(const struct dp_run *run, const char *id, unsigned *ret_line)
{
	const struct dp_findings *list = dp_run_findings(run);
	size_t n = 0;

	for (size_t i = 0; i < list->n; i++) {
		if (strcmp(list->items[i].rule->id, id) != 0)
			continue;
		n++;
		*ret_line = list->items[i].loc.line;
	}
	return n;
}

/* A file read from disk is freed once adapted (when the next one is
 * read: here zz.json) and read again for the report: the finding still
 * has its line, and the bytes are back. */
START_TEST(released_bytes_come_back)
{
	char dir[] = "/tmp/dp-released-XXXXXX", path[600], next[600];
	const struct dp_source *source;
	struct path_errors pe = {0};
	struct dp_run *run = NULL;
	unsigned line = 0;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/job.json", dir);
	snprintf(next, sizeof(next), "%s/zz.json", dir);
	write_text(path, arn_job);
	write_text(next, CALLER(UID_B));
	ck_assert_int_eq(dp_run_new(rules, NULL, &run), 0);
	ck_assert_int_eq(dp_run_add_path(run, dir, true, on_path_error, &pe),
			 0);
	ck_assert_int_eq(dp_run_finish(run, NULL), 0);
	ck_assert_uint_eq(pe.calls, 0);
	ck_assert_uint_eq(count_rule(run, "DP201", &line), 1);
	ck_assert_uint_eq(line, 4);
	source = dp_run_findings(run)->items[0].origin.source;
	ck_assert_ptr_nonnull(source->data);
	/* Its secrets are marked once it is reported, for the excerpts. */
	ck_assert(dp_source_is_secret(source, tl_offset_of(source->data,
							   "Pa55-word")));
	dp_run_free(run);
	unlink(path);
	unlink(next);
	rmdir(dir);
}
END_TEST

/* A file that changes between reading and reporting: its findings would
 * point into bytes that are gone, so they are dropped and the path is
 * reported as unreadable (exit 2), never shown with a wrong position. */
START_TEST(released_bytes_changed)
{
	char dir[] = "/tmp/dp-released-XXXXXX", path[600], next[600];
	struct path_errors pe = {0};
	struct dp_run *run = NULL;
	char *changed = strdup(arn_job);
	unsigned line = 0;

	ck_assert_ptr_nonnull(changed);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/job.json", dir);
	snprintf(next, sizeof(next), "%s/zz.json", dir);
	write_text(path, arn_job);
	write_text(next, CALLER(UID_B));
	ck_assert_int_eq(dp_run_new(rules, NULL, &run), 0);
	ck_assert_int_eq(dp_run_add_path(run, dir, true, on_path_error, &pe),
			 0);
	/* Same length, other bytes. */
	*strstr(changed, "SYNC") = 'X';
	write_text(path, changed);
	ck_assert_int_eq(dp_run_finish(run, NULL), 0);
	ck_assert_uint_eq(pe.calls, 1);
	ck_assert_int_eq(pe.err, -ESTALE);
	ck_assert_str_eq(pe.path, path);
	ck_assert_uint_eq(count_rule(run, "DP201", &line), 0);
	dp_run_free(run);

	/* Gone altogether: the same. */
	memset(&pe, 0, sizeof(pe));
	write_text(path, arn_job);
	ck_assert_int_eq(dp_run_new(rules, NULL, &run), 0);
	ck_assert_int_eq(dp_run_add_path(run, path, true, on_path_error, &pe),
			 0);
	ck_assert_int_eq(dp_run_add_path(run, next, true, on_path_error, &pe),
			 0);
	unlink(path);
	ck_assert_int_eq(dp_run_finish(run, NULL), 0);
	ck_assert_uint_eq(pe.calls, 1);
	ck_assert_int_eq(pe.err, -ESTALE);
	ck_assert_uint_eq(count_rule(run, "DP201", &line), 0);
	dp_run_free(run);

	/* The last file is never released: what was checked is shown. */
	memset(&pe, 0, sizeof(pe));
	write_text(path, arn_job);
	ck_assert_int_eq(dp_run_new(rules, NULL, &run), 0);
	ck_assert_int_eq(dp_run_add_path(run, path, true, on_path_error, &pe),
			 0);
	write_text(path, changed);
	ck_assert_int_eq(dp_run_finish(run, NULL), 0);
	ck_assert_uint_eq(pe.calls, 0);
	ck_assert_uint_eq(count_rule(run, "DP201", &line), 1);
	ck_assert_uint_eq(line, 4);
	dp_run_free(run);
	unlink(path);
	unlink(next);
	rmdir(dir);
	free(changed);
}
END_TEST

/* ---- a big top-level array, one element at a time --------------- */

/* A bundle with a bit of everything: a role whose task names it by ARN
 * (DP201), a duplicate key (DP004), a password, a policy string that is
 * not JSON (DP003), an element of no known shape. */
#define STREAM_BUNDLE                                                          \
	"[" GET_ROLE("ram-for-dts", UID_A, UID_B) ",\n" POLICIES ",\n"         \
	CALLER(UID_B) ",\n"                                                    \
	"{\"JobType\":\"SYNC\",\"JobType\":\"SYNC\","                          \
	"\"SourceEndpointInstanceType\":\"RDS\","                              \
	"\"SourceEndpointEngineName\":\"MYSQL\","                              \
	"\"SourceEndpointPassword\":\"Pa55-word\","                            \
	"\"SourceEndpointOwnerID\":\"" UID_A "\","                             \
	"\"SourceEndpointRole\":\"acs:ram::" UID_A ":role/ram-for-dts\"},\n"   \
	"{\"Role\": {\"RoleName\": \"broken\", \"Arn\": \"acs:ram::" UID_A     \
	":role/broken\", \"AssumeRolePolicyDocument\": \"{\\\"Statement\"}},\n" \
	"{\"Something\": \"else\"}]\n"

static struct dp_run *
run_bundle(size_t stream_from)
{
	struct dp_run_options options = {.stream_from = stream_from};
	struct dp_run *run = NULL;

	ck_assert_int_eq(dp_run_new(rules, &options, &run), 0);
	ck_assert_int_eq(dp_run_add_buffer(run, "bundle.json", STREAM_BUNDLE,
					   strlen(STREAM_BUNDLE), true),
			 0);
	ck_assert_int_eq(dp_run_finish(run, NULL), 0);
	return run;
}

/* Streamed (every array, from 1 byte) or held whole (never): the same
 * findings at the same places, the same setup, the password masked. */
START_TEST(streamed_array_same_findings)
{
	struct dp_run *whole = run_bundle(SIZE_MAX), *streamed = run_bundle(1);
	const struct dp_findings *a = dp_run_findings(whole);
	const struct dp_findings *b = dp_run_findings(streamed);
	const struct dp_setup *sa = dp_run_setup(whole);
	const struct dp_setup *sb = dp_run_setup(streamed);
	const struct dp_source *source = b->items[0].origin.source;
	unsigned password = tl_offset_of(STREAM_BUNDLE, "Pa55-word");
	const char *ids[] = {"DP003", "DP004", "DP201"};
	unsigned line = 0;

	ck_assert_uint_gt(a->n, 0);
	ck_assert_uint_eq(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		ck_assert_str_eq(a->items[i].rule->id, b->items[i].rule->id);
		ck_assert_uint_eq(a->items[i].origin.span.start,
				  b->items[i].origin.span.start);
		ck_assert_uint_eq(a->items[i].origin.span.end,
				  b->items[i].origin.span.end);
		ck_assert_str_eq(a->items[i].origin.pointer,
				 b->items[i].origin.pointer);
		ck_assert_str_eq(a->items[i].message, b->items[i].message);
	}
	for (size_t i = 0; i < DP_ARRAY_SIZE(ids); i++)
		ck_assert_uint_eq(count_rule(streamed, ids[i], &line), 1);
	ck_assert_uint_eq(sa->n_roles, sb->n_roles);
	ck_assert_uint_eq(sa->n_tasks, sb->n_tasks);
	ck_assert_uint_eq(sa->n_orphans, sb->n_orphans);
	ck_assert_uint_eq(sa->n_notes, sb->n_notes);
	ck_assert(value_is(&sb->creator_uid, UID_B));
	ck_assert(dp_source_is_secret(source, password));
	dp_run_free(whole);
	dp_run_free(streamed);
}
END_TEST

/* STREAM_BUNDLE's elements and a task that names an owner but no role
 * (DP205), three times, with 1.2 MB of elements of no known shape
 * between them: a file big enough to be read into a mapping whose
 * parsed part goes back to the system as it is adapted. */
static char *
big_bundle(size_t *ret_len)
{
	static const char task[] =
		"{\"JobType\":\"SYNC\",\"SourceEndpointInstanceType\":\"RDS\","
		"\"SourceEndpointEngineName\":\"MYSQL\","
		"\"SourceEndpointOwnerID\":\"" UID_A "\"}";
	static const char filler[] = ",\n{\"Something\": \"else\"}";
	const char *inner = &STREAM_BUNDLE[1];
	int inner_len = (int) strlen(inner) - 2; /* without "]\n" */
	size_t n_fillers = 50000, one = strlen(filler);
	size_t cap = 3 * (strlen(inner) + sizeof(task) + 4) +
		     2 * n_fillers * one + 4;
	char *text = malloc(cap), *at = text;

	ck_assert_ptr_nonnull(text);
	for (int part = 0; part < 3; part++) {
		at += snprintf(at, cap - (size_t)(at - text), "%s%.*s,\n%s",
			       part ? ",\n" : "[", inner_len, inner, task);
		for (size_t i = 0; part < 2 && i < n_fillers; i++, at += one)
			memcpy(at, filler, one);
	}
	at += snprintf(at, cap - (size_t)(at - text), "]\n");
	*ret_len = (size_t)(at - text);
	return text;
}

/* Paths reported unreadable, in order. */
struct stale_paths {
	char paths[4][600];
	int errs[4];
	unsigned calls;
};

static void
on_stale(void *data, const char *path, int err)
{
	struct stale_paths *sp = data;

	if (sp->calls < 4) {
		snprintf(sp->paths[sp->calls], sizeof(sp->paths[0]), "%s", path);
		sp->errs[sp->calls] = err;
	}
	sp->calls++;
}

/* Many reported files are read again on two threads: each comes back
 * with its secrets marked, and the two that changed are dropped and
 * reported in the order they were first pointed at. */
START_TEST(many_released_files_come_back)
{
	char dir[] = "/tmp/dp-released-XXXXXX", path[100][600];
	const struct dp_findings *found;
	struct stale_paths sp = {0};
	struct dp_run *run = NULL;
	char *changed = strdup(arn_job);
	unsigned line = 0;

	ck_assert_ptr_nonnull(changed);
	*strstr(changed, "SYNC") = 'X'; /* same length, other bytes */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (int i = 0; i < 100; i++) {
		snprintf(path[i], sizeof(path[i]), "%s/job%02d.json", dir, i);
		write_text(path[i], arn_job);
	}
	ck_assert_int_eq(dp_run_new(rules, NULL, &run), 0);
	ck_assert_int_eq(dp_run_add_path(run, dir, true, on_stale, &sp), 0);
	write_text(path[70], changed);
	write_text(path[3], changed);
	ck_assert_int_eq(dp_run_finish(run, NULL), 0);
	ck_assert_uint_eq(sp.calls, 2);
	ck_assert_str_eq(sp.paths[0], path[3]);
	ck_assert_str_eq(sp.paths[1], path[70]);
	ck_assert_int_eq(sp.errs[0], -ESTALE);
	ck_assert_int_eq(sp.errs[1], -ESTALE);
	ck_assert_uint_eq(count_rule(run, "DP201", &line), 98);
	found = dp_run_findings(run);
	for (size_t i = 0; i < found->n; i++) {
		const struct dp_source *source = found->items[i].origin.source;

		ck_assert_ptr_nonnull(source->data);
		ck_assert(dp_source_is_secret(source,
			tl_offset_of(source->data, "Pa55-word")));
	}
	dp_run_free(run);
	for (int i = 0; i < 100; i++)
		unlink(path[i]);
	rmdir(dir);
	free(changed);
}
END_TEST

/* From disk, streamed, its bytes given back and read again for the
 * report: the same findings at the same places and pointers as the
 * bundle held whole in memory.  Changed before the report: dropped. */
START_TEST(big_bundle_from_disk)
{
	struct dp_run_options whole_options = {.stream_from = SIZE_MAX,
					       .max_findings = SIZE_MAX};
	struct dp_run_options disk_options = {.max_findings = SIZE_MAX};
	char dir[] = "/tmp/dp-big-XXXXXX", path[600];
	struct dp_run *whole = NULL, *disk = NULL;
	struct path_errors pe = {0};
	const struct dp_findings *a, *b;
	unsigned line = 0;
	size_t len;
	char *text = big_bundle(&len);
	FILE *f;

	ck_assert_uint_gt(len, (size_t) 2 << 20);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bundle.json", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);

	ck_assert_int_eq(dp_run_new(rules, &whole_options, &whole), 0);
	ck_assert_int_eq(dp_run_add_buffer(whole, path, text, len, true), 0);
	ck_assert_int_eq(dp_run_finish(whole, NULL), 0);
	ck_assert_int_eq(dp_run_new(rules, &disk_options, &disk), 0);
	ck_assert_int_eq(dp_run_add_path(disk, path, true, on_path_error, &pe),
			 0);
	ck_assert_int_eq(dp_run_finish(disk, NULL), 0);
	ck_assert_uint_eq(pe.calls, 0);
	a = dp_run_findings(whole);
	b = dp_run_findings(disk);
	ck_assert_uint_eq(count_rule(disk, "DP205", &line), 3);
	ck_assert_uint_eq(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		ck_assert_str_eq(a->items[i].rule->id, b->items[i].rule->id);
		ck_assert_uint_eq(a->items[i].origin.span.start,
				  b->items[i].origin.span.start);
		ck_assert_str_eq(a->items[i].origin.pointer,
				 b->items[i].origin.pointer);
		ck_assert_uint_eq(a->items[i].loc.line, b->items[i].loc.line);
		ck_assert_uint_eq(a->items[i].loc.column, b->items[i].loc.column);
		ck_assert_str_eq(a->items[i].message, b->items[i].message);
	}
	/* The last element: its index written into the pointer. */
	ck_assert_str_eq(b->items[b->n - 1].origin.pointer,
			 "/100020/SourceEndpointOwnerID");
	ck_assert_uint_eq(dp_run_setup(whole)->n_notes,
			  dp_run_setup(disk)->n_notes);
	for (size_t i = 0; i < dp_run_setup(disk)->n_notes; i++)
		ck_assert_str_eq(dp_run_setup(whole)->notes[i].origin.pointer,
				 dp_run_setup(disk)->notes[i].origin.pointer);
	ck_assert_ptr_nonnull(b->items[0].origin.source->data);
	dp_run_free(disk);

	/* Changed between reading and reporting: its bytes were given back,
	 * so its findings go and the path is reported (exit 2). */
	memset(&pe, 0, sizeof(pe));
	ck_assert_int_eq(dp_run_new(rules, &disk_options, &disk), 0);
	ck_assert_int_eq(dp_run_add_path(disk, path, true, on_path_error, &pe),
			 0);
	*strstr(text, "SYNC") = 'X';
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(dp_run_finish(disk, NULL), 0);
	ck_assert_uint_eq(pe.calls, 1);
	ck_assert_int_eq(pe.err, -ESTALE);
	ck_assert_uint_eq(dp_run_findings(disk)->n, 0);
	dp_run_free(disk);
	dp_run_free(whole);
	unlink(path);
	rmdir(dir);
	free(text);
}
END_TEST

/* An array found not to be JSON only after some of its elements were
 * adapted adds nothing, as any unusable file: the elements are taken
 * back out of the setup (roles, tasks, the creator, notes), and only
 * DP001 is reported - exactly what the whole-tree path gives. */
START_TEST(invalid_array_adds_nothing)
{
	static const char text[] =
		"[" GET_ROLE("ram-for-dts", UID_A, UID_B) ",\n" CALLER(UID_B)
		",\n{\"JobType\":\"SYNC\",\"JobType\":\"SYNC\","
		"\"SourceEndpointRole\":\"acs:ram::" UID_A ":role/ram-for-dts\"}"
		",\n{\"a\": }]";
	const size_t from[] = {1, SIZE_MAX};
	unsigned line = 0;

	for (size_t i = 0; i < DP_ARRAY_SIZE(from); i++) {
		struct dp_run_options options = {.stream_from = from[i]};
		struct dp_run *run = NULL;
		const struct dp_setup *setup;

		ck_assert_int_eq(dp_run_new(rules, &options, &run), 0);
		ck_assert_int_eq(dp_run_add_buffer(run, "bad.json", text,
						   strlen(text), true),
				 0);
		ck_assert_int_eq(dp_run_finish(run, NULL), 0);
		setup = dp_run_setup(run);
		ck_assert_uint_eq(dp_run_findings(run)->n, 1);
		ck_assert_uint_eq(count_rule(run, "DP001", &line), 1);
		ck_assert_uint_eq(line, 4);
		ck_assert_uint_eq(setup->n_roles, 0);
		ck_assert_uint_eq(setup->n_tasks, 0);
		ck_assert_uint_eq(setup->n_notes, 0);
		ck_assert(!dp_value_given(&setup->creator_uid));
		dp_run_free(run);
	}
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
	tc = tcase_create("shapes");
	tcase_add_checked_fixture(tc, load_rules, free_rules);
	tcase_add_test(tc, terraform_plan);
	tcase_add_test(tc, terraform_state_deprecated_names);
	tcase_add_test(tc, ros_template_links);
	tcase_add_test(tc, legacy_migration_job);
	tcase_add_test(tc, create_instance_merge);
	tcase_add_test(tc, array_of_shapes);
	suite_add_tcase(s, tc);
	tc = tcase_create("classify");
	tcase_add_checked_fixture(tc, load_rules, free_rules);
	tcase_add_test(tc, classify_lookups);
	tcase_add_test(tc, classify_unknown_stays_unknown);
	suite_add_tcase(s, tc);
	tc = tcase_create("released");
	tcase_add_checked_fixture(tc, load_rules, free_rules);
	tcase_add_test(tc, released_bytes_come_back);
	tcase_add_test(tc, released_bytes_changed);
	tcase_add_test(tc, many_released_files_come_back);
	tcase_add_test(tc, streamed_array_same_findings);
	tcase_add_test(tc, invalid_array_adds_nothing);
	tcase_add_test(tc, big_bundle_from_disk);
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
