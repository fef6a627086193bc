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
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "json.h"
#include "regex.h"
#include "rule_check.h"
#include "rules.h"
#include "srcmap.h"
#include "testlib.h"
#include "util.h"

static struct dp_ruleset *
load_catalog(void)
{
	return tl_catalog(false);
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

/* ---- the copy of rules/ built into the program (catalog.h) ---------- */

/* Where the built-in file lives under dir: dir/name or dir/tables/name. */
static char *
catalog_path(const char *dir, const char *name)
{
	char *path = dp_asprintf("%s/%s", dir, name);

	ck_assert_ptr_nonnull(path);
	if (access(path, F_OK) == 0)
		return path;
	free(path);
	path = dp_asprintf("%s/tables/%s", dir, name);
	ck_assert_ptr_nonnull(path);
	return path;
}

static void
assert_same_tree(const struct dp_json *a, const struct dp_json *b,
		 const char *where)
{
	ck_assert_msg(a->kind == b->kind && a->span.start == b->span.start &&
		      a->span.end == b->span.end && a->n == b->n &&
		      a->embedded == b->embedded,
		      "%s: node at %u differs", where, (unsigned)a->span.start);
	switch (a->kind) {
	case DP_JSON_STRING:
	case DP_JSON_NUMBER:
		/* The bytes and their NUL: a text may hold a NUL itself. */
		ck_assert_msg(memcmp(a->u.str, b->u.str, a->n + 1) == 0,
			      "%s: string at %u differs", where,
			      (unsigned)a->span.start);
		break;
	case DP_JSON_ARRAY:
		for (uint32_t i = 0; i < a->n; i++)
			assert_same_tree(a->u.items[i], b->u.items[i], where);
		if (a->n == 0)
			ck_assert_ptr_eq(a->u.items, b->u.items);
		break;
	case DP_JSON_OBJECT:
		for (uint32_t i = 0; i < a->n; i++) {
			const struct dp_json_member *ma = &a->u.members[i];
			const struct dp_json_member *mb = &b->u.members[i];

			ck_assert_msg(ma->key_len == mb->key_len &&
				      memcmp(ma->key, mb->key,
					     ma->key_len + 1) == 0 &&
				      ma->key_span.start ==
					      mb->key_span.start &&
				      ma->key_span.end == mb->key_span.end,
				      "%s: key at %u differs", where,
				      (unsigned)ma->key_span.start);
			assert_same_tree(ma->value, mb->value, where);
		}
		if (a->n == 0)
			ck_assert_ptr_eq(a->u.members, b->u.members);
		break;
	default:
		break;
	}
}

/* Each built-in file is byte for byte its file in rules/, and its tree is
 * the one dp_doc_parse() makes of it: node, span and string alike. */
START_TEST(builtin_trees_are_the_parsed_trees)
{
	const char *dir = getenv("DTS_PREFLIGHT_RULES_DIR");

	ck_assert_ptr_nonnull(dir);
	ck_assert_uint_gt(dp_catalog_n_files, 0);
	for (size_t i = 0; i < dp_catalog_n_files; i++) {
		const struct dp_catalog_file *f = &dp_catalog_files[i];
		char *path = catalog_path(dir, f->name);
		struct dp_source *source = NULL;
		struct dp_doc *parsed = NULL, stored;
		void *mem = malloc(dp_catalog_tree_size(f));

		ck_assert_ptr_eq(dp_catalog_find(f->name), f);
		ck_assert_int_eq(dp_source_read(path, DP_MAX_FILE_SIZE_DEFAULT,
						&source), 0);
		ck_assert_msg(source->len == f->len &&
			      memcmp(source->data, dp_catalog_bytes(f),
				     f->len + 1) == 0,
			      "%s is not what was built in: rebuild", path);
		ck_assert_int_eq(dp_doc_parse(source, NULL, &parsed), 0);
		ck_assert_ptr_nonnull(mem);
		dp_doc_init_view(&stored, source, dp_catalog_lay_out(f, mem));
		ck_assert_uint_eq(parsed->n_diags, 0);
		ck_assert_ptr_nonnull(stored.root);
		assert_same_tree(parsed->root, stored.root, path);
		free(mem);
		dp_doc_free(parsed);
		dp_source_free(source);
		free(path);
	}
	ck_assert_ptr_null(dp_catalog_find("no-such-file.json"));
}
END_TEST

static struct dp_ruleset *
load_all(const char *dir, bool builtin)
{
	struct dp_ruleset *set = dp_ruleset_new();
	char *err = NULL;

	ck_assert_ptr_nonnull(set);
	dp_ruleset_use_builtin(set, builtin);
	ck_assert_msg(dp_ruleset_load_dir(set, dir, &err) == 0 &&
		      dp_ruleset_load_tables(set, NULL, &err) == 0 &&
		      dp_ruleset_compile_patterns(set, &err) == 0, "%s",
		      err ? err : "cannot load the rules");
	return set;
}

static void
assert_same_str(const char *a, const char *b, const char *id, const char *what)
{
	ck_assert_msg((!a && !b) || (a && b && strcmp(a, b) == 0),
		      "rule %s: %s differs", id, what);
}

static void
assert_same_texts(const struct dp_text *a, size_t n_a,
		  const struct dp_text *b, size_t n_b, const char *id,
		  const char *what)
{
	ck_assert_msg(n_a == n_b, "rule %s: number of %s differs", id, what);
	for (size_t i = 0; i < n_a; i++)
		for (int l = 0; l < DP_LANG__COUNT; l++)
			assert_same_str(a[i].s[l], b[i].s[l], id, what);
}

static void
assert_same_regex(const struct dp_regex *a, const struct dp_regex *b,
		  const char *id)
{
	ck_assert_msg(!a == !b, "rule %s: a pattern differs", id);
	if (a)
		assert_same_str(dp_regex_pattern(a), dp_regex_pattern(b), id,
				"a pattern");
}

static void
assert_same_fields(const struct dp_field *const *a, size_t n_a,
		   const struct dp_field *const *b, size_t n_b, const char *id)
{
	ck_assert_msg(n_a == n_b, "rule %s: a list of fields differs", id);
	for (size_t i = 0; i < n_a; i++)
		ck_assert_msg(a[i] == b[i], "rule %s: a field differs", id);
}

static void
assert_same_requirements(const struct dp_requirement *a, size_t n_a,
			 const struct dp_requirement *b, size_t n_b,
			 const char *id)
{
	ck_assert_msg(n_a == n_b, "rule %s: requirements differ", id);
	for (size_t i = 0; i < n_a; i++) {
		ck_assert_msg(a[i].field == b[i].field,
			      "rule %s: a requirement differs", id);
		assert_same_regex(a[i].pattern, b[i].pattern, id);
	}
}

static void
assert_same_rule(const struct dp_rule *a, const struct dp_rule *b)
{
	const struct dp_check *ca = a->check, *cb = b->check;
	const char *id = a->id;

	assert_same_str(a->id, b->id, id, "id");
	assert_same_str(a->slug, b->slug, id, "slug");
	ck_assert_msg(a->severity == b->severity && a->enabled == b->enabled,
		      "rule %s: severity or enabled differs", id);
	assert_same_str(a->doc, b->doc, id, "doc");
	assert_same_str(a->console_error, b->console_error, id,
			"console_error");
	assert_same_str(a->needs, b->needs, id, "needs");
	assert_same_texts(&a->summary, 1, &b->summary, 1, id, "summary");
	assert_same_texts(&a->description, 1, &b->description, 1, id,
			  "description");
	assert_same_texts(&a->message, 1, &b->message, 1, id, "message");
	assert_same_texts(&a->why, 1, &b->why, 1, id, "why");
	assert_same_texts(&a->fix, 1, &b->fix, 1, id, "fix");
	assert_same_str(a->replacement, b->replacement, id, "replacement");
	assert_same_str(a->example_wrong, b->example_wrong, id, "examples");
	assert_same_str(a->example_right, b->example_right, id, "examples");
	ck_assert_uint_eq(a->n_yields_to, b->n_yields_to);
	for (size_t i = 0; i < a->n_yields_to; i++)
		assert_same_str(a->yields_to[i], b->yields_to[i], id,
				"yields_to");
	assert_same_str(a->file->path, b->file->path, id, "file");
	ck_assert_msg(a->file->len == b->file->len &&
		      memcmp(a->file->data, b->file->data, a->file->len) == 0,
		      "rule %s: file bytes differ", id);
	ck_assert_msg(a->span.start == b->span.start &&
		      a->span.end == b->span.end, "rule %s: span differs", id);

	assert_same_fields(ca->select, ca->n_select, cb->select, cb->n_select,
			   id);
	ck_assert_msg(ca->level == cb->level && ca->type == cb->type &&
		      ca->span_group == cb->span_group &&
		      ca->diag_kind == cb->diag_kind &&
		      ca->other == cb->other && ca->of == cb->of &&
		      ca->at == cb->at && ca->or_missing == cb->or_missing &&
		      ca->within == cb->within && ca->lookup == cb->lookup &&
		      ca->role_kinds == cb->role_kinds &&
		      ca->cross_account == cb->cross_account,
		      "rule %s: its check differs", id);
	assert_same_regex(ca->pattern, cb->pattern, id);
	assert_same_regex(ca->key, cb->key, id);
	assert_same_regex(ca->filter, cb->filter, id);
	assert_same_requirements(ca->require, ca->n_require, cb->require,
				 cb->n_require, id);
	assert_same_requirements(ca->match, ca->n_match, cb->match,
				 cb->n_match, id);
	assert_same_fields(ca->of_fields, ca->n_of_fields, cb->of_fields,
			   cb->n_of_fields, id);
	assert_same_fields(ca->given, ca->n_given, cb->given, cb->n_given, id);
	assert_same_fields(ca->missing, ca->n_missing, cb->missing,
			   cb->n_missing, id);
	assert_same_str(ca->table, cb->table, id, "table");
	assert_same_str(ca->rows, cb->rows, id, "rows");
	ck_assert_uint_eq(ca->n_columns, cb->n_columns);
	for (size_t i = 0; i < ca->n_columns; i++) {
		assert_same_str(ca->columns[i].name, cb->columns[i].name, id,
				"a column");
		ck_assert_ptr_eq(ca->columns[i].field, cb->columns[i].field);
	}
	assert_same_texts(ca->messages, ca->n_messages, cb->messages,
			  cb->n_messages, id, "messages");
	assert_same_texts(ca->whys, ca->n_whys, cb->whys, cb->n_whys, id,
			  "whys");
	assert_same_texts(ca->fixes, ca->n_fixes, cb->fixes, cb->n_fixes, id,
			  "fixes");
	ck_assert_uint_eq(ca->n_replacements, cb->n_replacements);
	for (size_t i = 0; i < ca->n_replacements; i++)
		assert_same_str(ca->replacements[i], cb->replacements[i], id,
				"replacements");
}

/* The catalog loaded through the built-in copy is the catalog parsed
 * from rules/, rule by rule and field by field, tables too. */
START_TEST(builtin_ruleset_is_the_parsed_ruleset)
{
	const char *dir = getenv("DTS_PREFLIGHT_RULES_DIR");
	struct dp_ruleset *stored, *parsed;

	ck_assert_ptr_nonnull(dir);
	stored = load_all(dir, true);
	parsed = load_all(dir, false);
	ck_assert_uint_eq(stored->n_builtin, dp_catalog_n_files);
	ck_assert_uint_eq(parsed->n_builtin, 0);
	ck_assert_uint_eq(stored->n_rules, parsed->n_rules);
	for (size_t i = 0; i < stored->n_rules; i++)
		assert_same_rule(stored->rules[i], parsed->rules[i]);
	ck_assert_uint_eq(stored->n_tables, parsed->n_tables);
	for (size_t i = 0; i < stored->n_tables; i++) {
		const struct dp_table *a = &stored->tables[i];
		const struct dp_table *b = &parsed->tables[i];

		ck_assert_str_eq(a->name, b->name);
		ck_assert_ptr_nonnull(a->doc);
		ck_assert_ptr_nonnull(b->doc);
		ck_assert_uint_eq(a->doc->n_diags, b->doc->n_diags);
		assert_same_tree(a->doc->root, b->doc->root, a->name);
	}
	dp_ruleset_free(parsed);
	dp_ruleset_free(stored);
}
END_TEST

/* A scratch rules directory holding one file, written from bytes. */
static char *
scratch_dir_with(const char *name, const char *bytes, size_t len)
{
	char *dir = dp_strdup("/tmp/dp-catalog-XXXXXX");
	char *path;
	FILE *f;

	ck_assert_ptr_nonnull(dir);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	path = dp_asprintf("%s/%s", dir, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	free(path);
	return dir;
}

static void
remove_scratch(char *dir, const char *name)
{
	char *path = dp_asprintf("%s/%s", dir, name);

	(void)unlink(path);
	(void)rmdir(dir);
	free(path);
	free(dir);
}

/* The first built-in rule file (a name starting "dp"). */
static const struct dp_catalog_file *
builtin_rule_file(void)
{
	for (size_t i = 0; i < dp_catalog_n_files; i++)
		if (strncmp(dp_catalog_files[i].name, "dp", 2) == 0)
			return &dp_catalog_files[i];
	ck_abort_msg("no rule file is built in");
	return NULL;
}

/* A copy of a rule file elsewhere (--rules-dir, DTS_PREFLIGHT_RULES_DIR)
 * with the same bytes takes the built-in tree; with other bytes it is
 * parsed: an error in it is found, at its file:line:col. */
START_TEST(only_the_same_bytes_take_the_builtin_tree)
{
	const struct dp_catalog_file *f = builtin_rule_file();
	const char *bytes = dp_catalog_bytes(f);
	const char *sev = strstr(bytes, "\"severity\": \"");
	struct dp_ruleset *set;
	struct dp_location loc = {0, 0};
	struct dp_source *edited_source = NULL;
	char *edited, *dir, *err = NULL, *want;
	size_t at;

	/* The same bytes, in another directory. */
	dir = scratch_dir_with(f->name, bytes, f->len);
	set = dp_ruleset_new();
	ck_assert_int_eq(dp_ruleset_load_dir(set, dir, &err), 0);
	ck_assert_uint_eq(set->n_builtin, 1);
	dp_ruleset_free(set);
	remove_scratch(dir, f->name);

	/* One byte more: parsed, and the same rules. */
	edited = malloc(f->len + 2);
	ck_assert_ptr_nonnull(edited);
	memcpy(edited, bytes, f->len);
	edited[f->len] = '\n';
	dir = scratch_dir_with(f->name, edited, f->len + 1);
	set = dp_ruleset_new();
	ck_assert_int_eq(dp_ruleset_load_dir(set, dir, &err), 0);
	ck_assert_uint_eq(set->n_builtin, 0);
	ck_assert_uint_gt(set->n_rules, 0);
	dp_ruleset_free(set);
	remove_scratch(dir, f->name);

	/* A broken severity, same length: parsed, and reported where. */
	ck_assert_ptr_nonnull(sev);
	at = (size_t)(sev - bytes) + strlen("\"severity\": \"");
	memcpy(edited, bytes, f->len);
	memcpy(edited + at, "fatal", 5);
	dir = scratch_dir_with(f->name, edited, f->len);
	set = dp_ruleset_new();
	ck_assert_int_eq(dp_ruleset_load_dir(set, dir, &err), -EINVAL);
	ck_assert_uint_eq(set->n_builtin, 0);
	ck_assert_int_eq(dp_source_from_memory("x", edited, f->len,
					       &edited_source), 0);
	ck_assert_int_eq(dp_srcmap_locate(edited_source, (uint32_t)at - 1,
					  &loc), 0);
	want = dp_asprintf("%s/%s:%u:%u: severity must be", dir, f->name,
			   loc.line, loc.column);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0,
		      "got \"%s\", want \"%s...\"", err, want);
	free(want);
	free(err);
	dp_source_free(edited_source);
	dp_ruleset_free(set);
	remove_scratch(dir, f->name);
	free(edited);
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
	tcase_add_test(tc, builtin_trees_are_the_parsed_trees);
	tcase_add_test(tc, builtin_ruleset_is_the_parsed_ruleset);
	tcase_add_test(tc, only_the_same_bytes_take_the_builtin_tree);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
