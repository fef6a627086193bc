/*
 * rules.c - loads rule files and tables from rules/ and validates them;
 * compiles each rule's selection, conditions and patterns once.  It does
 * not evaluate rules (engine.c) nor print anything: a bad rule file comes
 * back as one "file:line:col: what" message and changes nothing.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "catalog.h"
#include "rule_check.h"
#include "json.h"
#include "regex.h"
#include "rules.h"
#include "srcmap.h"
#include "template.h"
#include "util.h"

static const char *const severity_names[] = {
	[DP_SEV_NONE] = "none",
	[DP_SEV_INFO] = "info",
	[DP_SEV_WARNING] = "warning",
	[DP_SEV_ERROR] = "error",
};

const char *
dp_severity_name(enum dp_severity severity)
{
	if ((unsigned)severity >= DP_ARRAY_SIZE(severity_names))
		return "?";
	return severity_names[severity];
}

int
dp_severity_parse(const char *name, enum dp_severity *ret)
{
	for (size_t i = 0; i < DP_ARRAY_SIZE(severity_names); i++) {
		if (strcasecmp(name, severity_names[i]) == 0) {
			*ret = (enum dp_severity)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *
dp_text_get(const struct dp_text *text, enum dp_lang lang)
{
	if ((unsigned)lang < DP_LANG__COUNT && text->s[lang])
		return text->s[lang];
	return text->s[DP_LANG_EN] ? text->s[DP_LANG_EN] : "";
}

/* ---- the set ------------------------------------------------------- */

static void release_layout(struct dp_ruleset *set);

/* Regexes of the set, freed with it. */
struct regex_list {
	struct dp_regex **items;
	size_t n, cap;
};

struct dp_ruleset *
dp_ruleset_new(void)
{
	struct dp_ruleset *set = calloc(1, sizeof(*set));

	if (!set)
		return NULL;
	set->arena = dp_arena_new();
	if (!set->arena) {
		free(set);
		return NULL;
	}
	return set;
}

void
dp_ruleset_free(struct dp_ruleset *set)
{
	if (!set)
		return;
	/* Patterns of rules that a later file replaced are here too. */
	for (size_t i = 0; i < set->n_regexes; i++)
		dp_regex_free(set->regexes[i]);
	free(set->regexes);
	for (size_t i = 0; i < set->n_docs; i++)
		dp_doc_free(set->docs[i]);
	for (size_t i = 0; i < set->n_files; i++)
		dp_source_free(set->files[i]);
	for (size_t i = 0; i < set->n_tables; i++) {
		/* A view of a built-in tree is the set arena's. */
		if (!set->tables[i].view)
			dp_doc_free(set->tables[i].doc);
		dp_source_free(set->tables[i].source);
	}
	free(set->docs);
	free(set->files);
	release_layout(set);
	free(set->rules);
	free(set->tables);
	dp_arena_free(set->arena);
	free(set);
}

const struct dp_rule *
dp_ruleset_find(const struct dp_ruleset *set, const char *id_or_slug)
{
	for (size_t i = 0; i < set->n_rules; i++) {
		const struct dp_rule *rule = set->rules[i];

		if (strcasecmp(rule->id, id_or_slug) == 0 ||
		    strcasecmp(rule->slug, id_or_slug) == 0)
			return rule;
	}
	return NULL;
}

static int read_table(struct dp_ruleset *set, struct dp_table *table,
		      char **reterr_msg);

/* Rules run on several threads over a big setup (engine.c), and a
 * template may be the first to ask for a table. */
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;

/* The first table called name, read now if it was not; NULL when there
 * is none (*ret_r -ENOENT) or it cannot be read (*ret_r < 0, and
 * *reterr_msg says why when reterr_msg is not NULL). */
static struct dp_table *
table_get(const struct dp_ruleset *set, const char *name, int *ret_r,
	  char **reterr_msg)
{
	for (size_t i = 0; i < set->n_tables; i++) {
		struct dp_table *table = &set->tables[i];
		int state;

		if (strcmp(table->name, name) != 0)
			continue;
		/* Reading fills in this table only; the rest of the set does
		 * not change, so the set stays const to its users. */
		pthread_mutex_lock(&table_lock);
		if (table->state == 0)
			table->state = read_table((struct dp_ruleset *) set,
						  table, reterr_msg);
		state = table->state;
		pthread_mutex_unlock(&table_lock);
		*ret_r = state < 0 ? state : 0;
		return state < 0 ? NULL : table;
	}
	*ret_r = -ENOENT;
	return NULL;
}

const struct dp_table *
dp_ruleset_table(const struct dp_ruleset *set, const char *name)
{
	int r;

	return table_get(set, name, &r, NULL);
}

static bool
listed(const char *const *names, const char *name)
{
	for (size_t i = 0; names && names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

int
dp_ruleset_load_tables(struct dp_ruleset *set, const char *const *except,
		       char **reterr_msg)
{
	int r = 0;

	for (size_t i = 0; i < set->n_tables && r == 0; i++)
		if (set->tables[i].state == 0 &&
		    !listed(except, set->tables[i].name))
			table_get(set, set->tables[i].name, &r, reterr_msg);
	return r;
}

/* ---- loading one file ---------------------------------------------- */

/* The keys a rule may have, in the order of rule_keys[]. */
enum rule_key {
	K_ID, K_SLUG, K_SEVERITY, K_ENABLED, K_DOC, K_CONSOLE_ERROR, K_NEEDS,
	K_SUMMARY, K_DESCRIPTION, K_MESSAGE, K_WHY, K_FIX, K_REPLACEMENT,
	K_SELECT, K_WHERE, K_CHECK, K_YIELDS_TO, K_EXAMPLES, K__COUNT,
};

static const char *const rule_keys[K__COUNT + 1] = {
	"id", "slug", "severity", "enabled", "doc", "console_error", "needs",
	"summary", "description", "message", "why", "fix", "replacement",
	"select", "where", "check", "yields_to", "examples", NULL,
};

/* State while one rule file is read; nothing reaches the set until the
 * whole file is valid. */
struct loader {
	struct dp_ruleset *set;
	struct dp_source *source;
	struct dp_doc *doc;
	char *error;              /* first error, "file:line:col: what" */
	/* doc is the built-in tree of these very bytes (catalog.h), which
	 * the generator loaded without an error through this same code
	 * (it links the same objects): what depends on the bytes alone and
	 * passed then - templates - is not checked again. */
	bool builtin;
	struct dp_rule **rules;
	size_t n_rules;
	struct regex_list regexes;
	/* The members of the rule being read, by enum rule_key: found once
	 * by check_keys() instead of by a search for every key. */
	const struct dp_json_member *rule_member[K__COUNT];
};

static void *set_alloc(struct dp_ruleset *set, size_t size);

/* Records the first error at span; always returns -EINVAL. */
static int
fail(struct loader *ld, struct dp_span span, const char *fmt, ...)
	DP_PRINTF(3, 4);

static int
fail(struct loader *ld, struct dp_span span, const char *fmt, ...)
{
	struct dp_location loc = {0, 0};
	struct dp_buf buf = {0};
	va_list ap;

	if (ld->error)
		return -EINVAL;
	if (dp_srcmap_locate(ld->source, span.start, &loc) < 0)
		return -ENOMEM;
	if (dp_buf_printf(&buf, "%s:%u:%u: ", ld->source->path, loc.line,
			  loc.column) < 0)
		return -ENOMEM;
	va_start(ap, fmt);
	if (dp_buf_vprintf(&buf, fmt, ap) < 0) {
		va_end(ap);
		dp_buf_free(&buf);
		return -ENOMEM;
	}
	va_end(ap);
	ld->error = dp_buf_steal(&buf);
	return ld->error ? -EINVAL : -ENOMEM;
}

/* A string of the rule file: the file's doc lives as long as the set,
 * so its decoded text is borrowed, not copied. */
static const char *
doc_str(const struct dp_json *node)
{
	return node->u.str;
}

/* The string of member m (NULL: absent) of obj; an error when m is
 * required but absent, or present but not a string. */
static int
member_string(struct loader *ld, const struct dp_json *obj,
	      const struct dp_json_member *m, const char *key, bool required,
	      const char **ret)
{
	*ret = NULL;
	if (!m) {
		if (required)
			return fail(ld, obj->span, "rule lacks \"%s\"", key);
		return 0;
	}
	if (m->value->kind != DP_JSON_STRING)
		return fail(ld, m->value->span, "\"%s\" must be a string", key);
	*ret = doc_str(m->value);
	return *ret ? 0 : -ENOMEM;
}

/* The value of the current rule's member k, or NULL. */
static const struct dp_json *
rule_value(const struct loader *ld, enum rule_key k)
{
	return ld->rule_member[k] ? ld->rule_member[k]->value : NULL;
}

/* The string of the current rule's member k, as get_string(). */
static int
rule_string(struct loader *ld, const struct dp_json *rule, enum rule_key k,
	    bool required, const char **ret)
{
	return member_string(ld, rule, ld->rule_member[k], rule_keys[k],
			     required, ret);
}

/* A string member; NULL with an error when present but not a string. */
static int
get_string(struct loader *ld, const struct dp_json *obj, const char *key,
	   bool required, const char **ret)
{
	return member_string(ld, obj, dp_json_member(obj, key), key, required,
			     ret);
}

/* A text: "English" or {"en": "...", "zh": "..."}. */
static int
read_text(struct loader *ld, const struct dp_json *node, struct dp_text *ret)
{
	static const char *const langs[DP_LANG__COUNT] = {"en", "zh"};

	memset(ret, 0, sizeof(*ret));
	if (node->kind == DP_JSON_STRING) {
		ret->s[DP_LANG_EN] = doc_str(node);
		return ret->s[DP_LANG_EN] ? 0 : -ENOMEM;
	}
	if (node->kind != DP_JSON_OBJECT)
		return fail(ld, node->span,
			    "a text must be a string or {\"en\": ..., \"zh\": ...}");
	for (uint32_t i = 0; i < node->n; i++) {
		const struct dp_json_member *m = &node->u.members[i];
		size_t lang;

		for (lang = 0; lang < DP_LANG__COUNT; lang++)
			if (strcmp(m->key, langs[lang]) == 0)
				break;
		if (lang == DP_LANG__COUNT)
			return fail(ld, m->key_span,
				    "unknown language \"%s\" (known: en, zh)",
				    m->key);
		if (m->value->kind != DP_JSON_STRING)
			return fail(ld, m->value->span, "a text must be a string");
		ret->s[lang] = doc_str(m->value);
		if (!ret->s[lang])
			return -ENOMEM;
	}
	if (!ret->s[DP_LANG_EN])
		return fail(ld, node->span, "a text needs its English (\"en\")");
	return 0;
}

/* Where a deferred pattern is, to say where it is wrong. */
struct pattern_origin {
	struct dp_source *source;
	struct dp_doc *doc;
	/* A copy: the tree of a built-in rule file does not outlive its
	 * loading (load_rule_source()); the string's text does. */
	struct dp_json node;
};

/* The error of an invalid pattern, pointing into the pattern where
 * PCRE2 stopped when the string has no escapes that would shift it. */
static int
pattern_error(struct loader *ld, const struct dp_json *node, const char *msg,
	      size_t offset)
{
	struct dp_span at = node->span;

	if (dp_json_substr_span(ld->doc, node, offset < node->n ? offset : 0,
				0, &at) < 0)
		at = node->span;
	return fail(ld, at, "invalid pattern: %s", msg ? msg : "?");
}

static char *
describe_pattern(void *arg, const char *msg, size_t offset)
{
	struct pattern_origin *o = arg;
	struct loader ld = {.source = o->source, .doc = o->doc};

	pattern_error(&ld, &o->node, msg, offset);
	return ld.error;
}

static int
compile_pattern(struct loader *ld, const struct dp_json *node,
		struct dp_regex **ret)
{
	struct regex_list *list = &ld->regexes;
	char *msg = NULL;
	size_t offset = 0;
	int r;

	if (node->kind != DP_JSON_STRING)
		return fail(ld, node->span, "a pattern must be a string");
	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 16;
		void *p = realloc(list->items, cap * sizeof(*list->items));

		if (!p)
			return -ENOMEM;
		list->items = p;
		list->cap = cap;
	}
	if (ld->set->defer_patterns) {
		struct pattern_origin *o = set_alloc(ld->set,
							  sizeof(*o));

		if (!o)
			return -ENOMEM;
		*o = (struct pattern_origin){ld->source, ld->doc, *node};
		r = dp_regex_defer(node->u.str, describe_pattern, o, ret);
	} else {
		r = dp_regex_compile(node->u.str, ret, &msg, &offset);
	}
	if (r == -EINVAL) {
		r = pattern_error(ld, node, msg, offset);
		free(msg);
		return r;
	}
	if (r < 0)
		return r;
	list->items[list->n++] = *ret;
	return 0;
}

/*
 * dp_field_find() through a hash table: loading the catalog looks up a
 * hundred field names, and dp_field_find() compares each with the
 * fields one by one - a tenth of a one-file run's instructions.  The
 * table holds field index + 1 (0: empty) and is built on first use; the
 * fields are static, so it never changes after.
 */
#define FIELD_SLOTS 512u

static uint32_t
field_hash(const char *name)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h;
}

static const struct dp_field *
find_field(const char *name)
{
	static uint16_t slots[FIELD_SLOTS];
	static bool built;
	size_t n = dp_field_count();
	uint32_t i;

	if (n >= FIELD_SLOTS / 2)
		return dp_field_find(name);
	if (!built) {
		/* Inserted last to first, so that a name there twice finds
		 * the first, as dp_field_find() does. */
		for (size_t k = n; k-- > 0;) {
			for (i = field_hash(dp_field_at(k)->name) % FIELD_SLOTS;
			     slots[i] && strcmp(dp_field_at(slots[i] - 1)->name,
						dp_field_at(k)->name) != 0;
			     i = (i + 1) % FIELD_SLOTS)
				;
			slots[i] = (uint16_t)(k + 1);
		}
		built = true;
	}
	for (i = field_hash(name) % FIELD_SLOTS; slots[i];
	     i = (i + 1) % FIELD_SLOTS) {
		const struct dp_field *field = dp_field_at(slots[i] - 1);

		if (strcmp(field->name, name) == 0)
			return field;
	}
	return NULL;
}

static int
resolve_field(struct loader *ld, const struct dp_json *node,
	      const struct dp_field **ret)
{
	if (node->kind != DP_JSON_STRING)
		return fail(ld, node->span, "a field name must be a string");
	*ret = find_field(node->u.str);
	if (!*ret)
		return fail(ld, node->span, "unknown field \"%s\"", node->u.str);
	return 0;
}

/* A field name or a list of them. */
static int
resolve_fields(struct loader *ld, const struct dp_json *node,
	       const struct dp_field ***ret, size_t *ret_n)
{
	size_t n = node->kind == DP_JSON_ARRAY ? node->n : 1;
	const struct dp_field **fields;
	int r;

	if (n == 0)
		return fail(ld, node->span, "an empty list of fields");
	fields = set_alloc(ld->set, n * sizeof(*fields));
	if (!fields)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		r = resolve_field(ld, node->kind == DP_JSON_ARRAY
					      ? node->u.items[i] : node,
				  &fields[i]);
		if (r < 0)
			return r;
	}
	*ret = fields;
	*ret_n = n;
	return 0;
}

/* {field: pattern, ...}: "require" of a none check, "match" of where. */
static int
read_requirements(struct loader *ld, const struct dp_json *req,
		  const char *what, struct dp_requirement **ret, size_t *ret_n)
{
	struct dp_requirement *list;
	int r;

	if (req->kind != DP_JSON_OBJECT || req->n == 0)
		return fail(ld, req->span,
			    "\"%s\" must map field names to patterns", what);
	list = set_alloc(ld->set, req->n * sizeof(*list));
	if (!list)
		return -ENOMEM;
	for (uint32_t i = 0; i < req->n; i++) {
		const struct dp_json_member *m = &req->u.members[i];

		list[i].field = find_field(m->key);
		if (!list[i].field)
			return fail(ld, m->key_span, "unknown field \"%s\"", m->key);
		r = compile_pattern(ld, m->value, &list[i].pattern);
		if (r < 0)
			return r;
	}
	*ret = list;
	*ret_n = req->n;
	return 0;
}

static int
read_where(struct loader *ld, const struct dp_json *where, struct dp_check *c)
{
	static const char *const kinds[] = {
		[DP_ROLE_OTHER] = "other",
		[DP_ROLE_DEFAULT] = "default",
		[DP_ROLE_CROSS_ACCOUNT] = "cross-account",
	};
	int r = 0;

	if (where->kind != DP_JSON_OBJECT)
		return fail(ld, where->span, "\"where\" must be an object");
	for (uint32_t i = 0; i < where->n && r == 0; i++) {
		const struct dp_json_member *m = &where->u.members[i];
		const struct dp_json *v = m->value;

		if (strcmp(m->key, "given") == 0) {
			r = resolve_fields(ld, v, &c->given, &c->n_given);
		} else if (strcmp(m->key, "missing") == 0) {
			r = resolve_fields(ld, v, &c->missing, &c->n_missing);
		} else if (strcmp(m->key, "match") == 0) {
			r = read_requirements(ld, v, "match", &c->match,
					      &c->n_match);
		} else if (strcmp(m->key, "cross_account") == 0) {
			if (v->kind != DP_JSON_TRUE && v->kind != DP_JSON_FALSE)
				return fail(ld, v->span, "\"cross_account\" must be true or false");
			c->cross_account = v->kind == DP_JSON_TRUE;
		} else if (strcmp(m->key, "role") == 0) {
			size_t n = v->kind == DP_JSON_ARRAY ? v->n : 1;

			for (size_t k = 0; k < n; k++) {
				const struct dp_json *s =
					v->kind == DP_JSON_ARRAY ? v->u.items[k] : v;
				size_t kind;

				for (kind = 0; kind < DP_ARRAY_SIZE(kinds); kind++)
					if (s->kind == DP_JSON_STRING &&
					    strcmp(s->u.str, kinds[kind]) == 0)
						break;
				if (kind == DP_ARRAY_SIZE(kinds))
					return fail(ld, s->span,
						    "\"role\" must be \"cross-account\", "
						    "\"default\" or \"other\"");
				c->role_kinds |= DP_ROLE_MASK(kind);
			}
		} else {
			r = fail(ld, m->key_span,
				 "unknown condition \"%s\" (known: given, missing, "
				 "match, cross_account, role)", m->key);
		}
	}
	return r;
}

static int
read_level(struct loader *ld, const struct dp_json *node, enum dp_level *ret)
{
	if (node->kind == DP_JSON_STRING)
		for (size_t i = 0; i < DP_LEVEL__COUNT; i++)
			if (strcmp(node->u.str, dp_level_name((enum dp_level)i)) == 0) {
				*ret = (enum dp_level)i;
				return 0;
			}
	return fail(ld, node->span, "unknown level (known: statement, "
		    "principal.ram, principal.service, trust.string, ...)");
}

static const char *const diag_kinds[DP_DIAG__COUNT] = {
	[DP_DIAG_INVALID_JSON] = "invalid-json",
	[DP_DIAG_EMBEDDED_INVALID] = "embedded-invalid",
	[DP_DIAG_DUPLICATE_KEY] = "duplicate-key",
};

static const char *const check_types[] = {
	[DP_CHECK_DIAGNOSTIC] = "diagnostic",
	[DP_CHECK_UNKNOWN_DOC] = "unknown-document",
	[DP_CHECK_MATCH] = "match",
	[DP_CHECK_NO_MATCH] = "no-match",
	[DP_CHECK_MISSING] = "missing",
	[DP_CHECK_NONE] = "none",
	[DP_CHECK_EQUALS] = "equals",
	[DP_CHECK_DIFFERS] = "differs",
	[DP_CHECK_NOT_AMONG] = "not-among",
	[DP_CHECK_ONLY] = "only",
	[DP_CHECK_NOT_IN_TABLE] = "not-in-table",
};

static bool
is_bool(const struct dp_json *v)
{
	return v->kind == DP_JSON_TRUE || v->kind == DP_JSON_FALSE;
}

static int
get_name(struct loader *ld, const struct dp_json *v, const char *key,
	 const char **ret)
{
	if (v->kind != DP_JSON_STRING || v->n == 0)
		return fail(ld, v->span, "\"%s\" must be a name", key);
	*ret = doc_str(v);
	return *ret ? 0 : -ENOMEM;
}

/* "columns" {column: field} or "lookup" {selected field: "rows.column"}. */
static int
read_columns(struct loader *ld, const struct dp_json *v, bool lookup,
	     struct dp_check *c)
{
	if (v->kind != DP_JSON_OBJECT || v->n == 0)
		return fail(ld, v->span, lookup
			    ? "\"lookup\" must map selected fields to \"rows.column\""
			    : "\"columns\" must map table columns to fields");
	if (v->n > 8)
		return fail(ld, v->span, "at most 8 columns");
	c->columns = set_alloc(ld->set, v->n * sizeof(*c->columns));
	if (!c->columns)
		return -ENOMEM;
	for (uint32_t i = 0; i < v->n; i++) {
		const struct dp_json_member *m = &v->u.members[i];
		const struct dp_json *name = lookup ? m->value : NULL;
		struct dp_column *col = &c->columns[i];

		int r;

		if (!lookup) {
			col->name = m->key;
			if ((r = resolve_field(ld, m->value, &col->field)) < 0)
				return r;
			continue;
		}
		col->field = find_field(m->key);
		if (!col->field)
			return fail(ld, m->key_span, "unknown field \"%s\"", m->key);
		if (name->kind != DP_JSON_STRING || !strchr(name->u.str, '.'))
			return fail(ld, name->span, "a lookup is \"rows.column\"");
		if (!(col->name = doc_str(name)))
			return -ENOMEM;
	}
	c->n_columns = v->n;
	c->lookup = lookup;
	return 0;
}

/* Arguments of the collection checks (not-among, only). */
static int
read_among_arg(struct loader *ld, const struct dp_json_member *m,
	       struct dp_check *c)
{
	const struct dp_json *v = m->value;
	int r;

	if (strcmp(m->key, "of") == 0)
		return resolve_fields(ld, v, &c->of_fields, &c->n_of_fields);
	if (strcmp(m->key, "filter") == 0)
		return compile_pattern(ld, v, &c->filter);
	if (strcmp(m->key, "field") == 0)
		return resolve_field(ld, v, &c->other);
	/* within: where to gather; principals and strings hold no others */
	if ((r = read_level(ld, v, &c->within)) < 0)
		return r;
	if (c->within < DP_LEVEL_SETUP || c->within > DP_LEVEL_STATEMENT)
		return fail(ld, v->span, "\"within\" is setup, task, endpoint, "
			    "role, trust or statement");
	return 0;
}

/* Which keys each check type takes. */
static bool
takes(enum dp_check_type type, const char *key)
{
	static const struct {
		const char *key;
		unsigned types;
	} args[] = {
#define T(x) (1u << DP_CHECK_##x)
		{"pattern", T(MATCH) | T(NO_MATCH)},
		{"point_at_group", T(MATCH)},
		{"or_missing", T(NO_MATCH)},
		{"kind", T(DIAGNOSTIC)},
		{"field", T(EQUALS) | T(DIFFERS) | T(NOT_AMONG) | T(ONLY)},
		{"key", T(EQUALS) | T(DIFFERS)},
		{"at", T(MISSING)},
		{"of", T(NONE) | T(NOT_AMONG) | T(ONLY)},
		{"require", T(NONE)},
		{"within", T(NOT_AMONG) | T(ONLY)},
		{"filter", T(NOT_AMONG) | T(ONLY)},
		{"table", T(NOT_IN_TABLE)},
		{"rows", T(NOT_IN_TABLE)},
		{"columns", T(NOT_IN_TABLE)},
		{"lookup", T(NOT_IN_TABLE)},
#undef T
	};

	for (size_t i = 0; i < DP_ARRAY_SIZE(args); i++)
		if (strcmp(args[i].key, key) == 0)
			return (args[i].types >> type) & 1u;
	return false;
}

static int
read_check_arg(struct loader *ld, const struct dp_json_member *m,
	       struct dp_check *c)
{
	const struct dp_json *v = m->value;
	const char *key = m->key;
	size_t k;

	if (c->type == DP_CHECK_NOT_AMONG || c->type == DP_CHECK_ONLY)
		return read_among_arg(ld, m, c);
	if (strcmp(key, "pattern") == 0)
		return compile_pattern(ld, v, &c->pattern);
	if (strcmp(key, "key") == 0)
		return compile_pattern(ld, v, &c->key);
	if (strcmp(key, "point_at_group") == 0) {
		if (v->kind != DP_JSON_NUMBER ||
		    dp_parse_long(v->u.str, 0, DP_REGEX_MAX_GROUPS - 1,
				  &(long){0}) < 0)
			return fail(ld, v->span, "\"point_at_group\" must be 0..9");
		c->span_group = (int)strtol(v->u.str, NULL, 10);
		return 0;
	}
	if (strcmp(key, "or_missing") == 0) {
		if (!is_bool(v))
			return fail(ld, v->span, "\"or_missing\" must be true or false");
		c->or_missing = v->kind == DP_JSON_TRUE;
		return 0;
	}
	if (strcmp(key, "kind") == 0) {
		for (k = 0; k < DP_DIAG__COUNT; k++)
			if (v->kind == DP_JSON_STRING && diag_kinds[k] &&
			    strcmp(v->u.str, diag_kinds[k]) == 0)
				break;
		if (k == DP_DIAG__COUNT)
			return fail(ld, v->span, "unknown diagnostic kind");
		c->diag_kind = (enum dp_diag_kind)k;
		return 0;
	}
	if (strcmp(key, "field") == 0)
		return resolve_field(ld, v, &c->other);
	if (strcmp(key, "at") == 0)
		return resolve_field(ld, v, &c->at);
	if (strcmp(key, "of") == 0)
		return read_level(ld, v, &c->of);
	if (strcmp(key, "require") == 0)
		return read_requirements(ld, v, "require", &c->require,
					 &c->n_require);
	if (strcmp(key, "table") == 0)
		return get_name(ld, v, key, &c->table);
	if (strcmp(key, "rows") == 0)
		return get_name(ld, v, key, &c->rows);
	return read_columns(ld, v, strcmp(key, "lookup") == 0, c);
}

/* The parts of "check" each type needs, and nothing it does not. */
static int
read_check_args(struct loader *ld, const struct dp_json *chk, struct dp_check *c)
{
	int r = 0;

	for (uint32_t i = 0; i < chk->n && r == 0; i++) {
		const struct dp_json_member *m = &chk->u.members[i];

		if (strcmp(m->key, "type") == 0)
			continue;
		if (!takes(c->type, m->key))
			return fail(ld, m->key_span, "\"%s\" does not belong in a "
				    "\"%s\" check", m->key, check_types[c->type]);
		r = read_check_arg(ld, m, c);
	}
	if (r < 0)
		return r;
	switch (c->type) {
	case DP_CHECK_MATCH:
	case DP_CHECK_NO_MATCH:
		if (!c->pattern)
			return fail(ld, chk->span, "this check needs a \"pattern\"");
		break;
	case DP_CHECK_EQUALS:
	case DP_CHECK_DIFFERS:
		if (!c->other)
			return fail(ld, chk->span, "this check needs a \"field\"");
		break;
	case DP_CHECK_NONE:
		if (!c->require)
			return fail(ld, chk->span, "this check needs \"of\" and \"require\"");
		break;
	case DP_CHECK_NOT_AMONG:
	case DP_CHECK_ONLY:
		if (!c->of_fields)
			return fail(ld, chk->span, "this check needs \"of\"");
		break;
	case DP_CHECK_NOT_IN_TABLE:
		if (!c->table || !c->columns || (!c->lookup) != (c->rows != NULL))
			return fail(ld, chk->span, "this check needs \"table\" and "
				    "either \"rows\" and \"columns\" or \"lookup\"");
		break;
	default:
		break;
	}
	return 0;
}

static int
read_check(struct loader *ld, const struct dp_json *rule, struct dp_check *c)
{
	const struct dp_json *chk = rule_value(ld, K_CHECK);
	const struct dp_json *type;
	size_t t;

	if (!chk || chk->kind != DP_JSON_OBJECT)
		return fail(ld, chk ? chk->span : rule->span,
			    "rule needs a \"check\" object");
	type = dp_json_get(chk, "type");
	if (!type || type->kind != DP_JSON_STRING)
		return fail(ld, chk->span, "\"check\" needs a \"type\"");
	for (t = 0; t < DP_ARRAY_SIZE(check_types); t++)
		if (strcmp(type->u.str, check_types[t]) == 0)
			break;
	if (t == DP_ARRAY_SIZE(check_types))
		return fail(ld, type->span, "unknown check type \"%s\" (known: "
			    "match, no-match, missing, none, equals, differs, "
			    "not-among, only, not-in-table, diagnostic, "
			    "unknown-document)", type->u.str);
	c->type = (enum dp_check_type)t;
	c->span_group = -1;
	c->within = DP_LEVEL__COUNT;
	return read_check_args(ld, chk, c);
}

static int
read_select(struct loader *ld, const struct dp_json *rule, struct dp_check *c)
{
	const struct dp_json *sel = rule_value(ld, K_SELECT);
	int r;

	if (c->type == DP_CHECK_DIAGNOSTIC || c->type == DP_CHECK_UNKNOWN_DOC) {
		c->level = c->type == DP_CHECK_DIAGNOSTIC ? DP_LEVEL_DIAG
							  : DP_LEVEL_DOCUMENT;
		if (sel)
			return fail(ld, sel->span, "a \"%s\" check selects nothing",
				    check_types[c->type]);
		return 0;
	}
	if (!sel)
		return fail(ld, rule->span, "rule needs \"select\"");
	r = resolve_fields(ld, sel, &c->select, &c->n_select);
	if (r < 0)
		return r;
	c->level = c->select[0]->level;
	for (size_t i = 1; i < c->n_select; i++)
		if (c->select[i]->level != c->level &&
		    c->type != DP_CHECK_MATCH && c->type != DP_CHECK_NO_MATCH)
			return fail(ld, sel->span, "selected fields must be of "
				    "one kind for a \"%s\" check",
				    check_types[c->type]);
	for (size_t i = 0; c->lookup && i < c->n_select; i++) {
		size_t k;

		for (k = 0; k < c->n_columns; k++)
			if (c->columns[k].field == c->select[i])
				break;
		if (k == c->n_columns)
			return fail(ld, sel->span, "\"lookup\" names no column "
				    "for \"%s\"", c->select[i]->name);
	}
	return 0;
}

/* A template string names only variables the engine knows: a typo would
 * otherwise make its alternative fail silently, every time. */
static int
validate_template(struct loader *ld, const struct dp_json *node)
{
	const char *bad = NULL;
	size_t len = 0;
	struct dp_span at = node->span;

	/* dp_tmpl_validate() depends on the string only. */
	if (ld->builtin)
		return 0;
	if (node->kind != DP_JSON_STRING ||
	    dp_tmpl_validate(node->u.str, &bad, &len) == 0)
		return 0;
	if (dp_json_substr_span(ld->doc, node, (size_t)(bad - node->u.str), len,
				&at) < 0)
		at = node->span;
	return fail(ld, at, "unknown template variable \"%.*s\"", (int)len, bad);
}

/* Every string of a text ("..." or {"en": ..., "zh": ...}). */
static int
validate_text(struct loader *ld, const struct dp_json *node)
{
	int r;

	if (node->kind != DP_JSON_OBJECT)
		return validate_template(ld, node);
	for (uint32_t i = 0; i < node->n; i++)
		if ((r = validate_template(ld, node->u.members[i].value)) < 0)
			return r;
	return 0;
}

/* A text or a list of texts: the engine uses the first whose variables
 * all resolve (a fix that names the creator UID only when it is known). */
static int
read_text_list(struct loader *ld, const struct dp_json *node,
	       const struct dp_text **ret, size_t *ret_n)
{
	size_t n = node->kind == DP_JSON_ARRAY ? node->n : 1;
	struct dp_text *texts;
	int r;

	if (n == 0)
		return fail(ld, node->span, "an empty list of texts");
	texts = set_alloc(ld->set, n * sizeof(*texts));
	if (!texts)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct dp_json *item =
			node->kind == DP_JSON_ARRAY ? node->u.items[i] : node;

		if ((r = read_text(ld, item, &texts[i])) < 0 ||
		    (r = validate_text(ld, item)) < 0)
			return r;
	}
	*ret = texts;
	*ret_n = n;
	return 0;
}

/* "message", "why", "fix" and "replacement". */
static int
read_templates(struct loader *ld, const struct dp_json *rule,
	       struct dp_rule *out, struct dp_check *c)
{
	const struct dp_json *msg = rule_value(ld, K_MESSAGE);
	const struct dp_json *why = rule_value(ld, K_WHY);
	const struct dp_json *fix = rule_value(ld, K_FIX);
	const struct dp_json *repl = rule_value(ld, K_REPLACEMENT);
	size_t n;
	int r;

	if (!msg)
		return fail(ld, rule->span, "rule %s lacks \"message\"", out->id);
	if ((r = read_text_list(ld, msg, &c->messages, &c->n_messages)) < 0)
		return r;
	out->message = c->messages[0];
	if (why) {
		if ((r = read_text_list(ld, why, &c->whys, &c->n_whys)) < 0)
			return r;
		out->why = c->whys[0];
	}
	if (fix) {
		if ((r = read_text_list(ld, fix, &c->fixes, &c->n_fixes)) < 0)
			return r;
		out->fix = c->fixes[0];
	}
	if (repl) {
		n = repl->kind == DP_JSON_ARRAY ? repl->n : 1;
		c->replacements = set_alloc(ld->set,
						 n * sizeof(*c->replacements));
		if (!c->replacements)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++) {
			const struct dp_json *s =
				repl->kind == DP_JSON_ARRAY ? repl->u.items[i] : repl;

			if (s->kind != DP_JSON_STRING)
				return fail(ld, s->span, "a replacement must be a string");
			if ((r = validate_template(ld, s)) < 0)
				return r;
			c->replacements[i] = doc_str(s);
			if (!c->replacements[i])
				return -ENOMEM;
		}
		c->n_replacements = n;
		out->replacement = c->replacements[0];
	}
	return 0;
}

static int
read_yields(struct loader *ld, struct dp_rule *out)
{
	const struct dp_json *y = rule_value(ld, K_YIELDS_TO);

	if (!y)
		return 0;
	if (y->kind != DP_JSON_ARRAY)
		return fail(ld, y->span, "\"yields_to\" must be a list of rule IDs");
	out->yields_to = set_alloc(ld->set,
					(y->n + 1) * sizeof(*out->yields_to));
	if (!out->yields_to)
		return -ENOMEM;
	for (uint32_t i = 0; i < y->n; i++) {
		if (y->u.items[i]->kind != DP_JSON_STRING)
			return fail(ld, y->u.items[i]->span, "a rule ID must be a string");
		out->yields_to[i] = doc_str(y->u.items[i]);
		if (!out->yields_to[i])
			return -ENOMEM;
	}
	out->n_yields_to = y->n;
	return 0;
}

static int
check_keys(struct loader *ld, const struct dp_json *rule)
{
	memset(ld->rule_member, 0, sizeof(ld->rule_member));
	for (uint32_t i = 0; i < rule->n; i++) {
		const struct dp_json_member *m = &rule->u.members[i];
		size_t k;

		for (k = 0; rule_keys[k]; k++)
			if (m->key[0] == rule_keys[k][0] &&
			    strcmp(m->key, rule_keys[k]) == 0)
				break;
		if (!rule_keys[k])
			return fail(ld, m->key_span, "unknown key \"%s\" in a rule",
				    m->key);
		/* A key twice is a duplicate-key error of the doc already:
		 * the first one is the one dp_json_get() would find. */
		if (!ld->rule_member[k])
			ld->rule_member[k] = m;
	}
	return 0;
}

static bool
valid_id(const char *id)
{
	return strlen(id) == 5 && strncmp(id, "DP", 2) == 0 &&
	       strspn(id + 2, "0123456789") == 3;
}

static bool
valid_slug(const char *slug)
{
	return slug[0] && strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789-") ==
				  strlen(slug);
}

static int
read_identity(struct loader *ld, const struct dp_json *node, struct dp_rule *rule)
{
	const struct dp_json *v;
	const char *sev = NULL;
	int r;

	/* Each value is checked as soon as it is read, so the error names
	 * the first thing wrong in the order a reader meets it. */
	if ((r = rule_string(ld, node, K_ID, true, &rule->id)) < 0)
		return r;
	if (!valid_id(rule->id))
		return fail(ld, rule_value(ld, K_ID)->span,
			    "a rule ID is DP and three digits, not \"%s\"", rule->id);
	if ((r = rule_string(ld, node, K_SLUG, true, &rule->slug)) < 0)
		return r;
	if (!valid_slug(rule->slug))
		return fail(ld, rule_value(ld, K_SLUG)->span,
			    "a slug is lowercase letters, digits and hyphens");
	if ((r = rule_string(ld, node, K_SEVERITY, true, &sev)) < 0 ||
	    (r = rule_string(ld, node, K_DOC, false, &rule->doc)) < 0 ||
	    (r = rule_string(ld, node, K_CONSOLE_ERROR, false,
			     &rule->console_error)) < 0 ||
	    (r = rule_string(ld, node, K_NEEDS, false, &rule->needs)) < 0)
		return r;
	if (dp_severity_parse(sev, &rule->severity) < 0 ||
	    rule->severity == DP_SEV_NONE)
		return fail(ld, rule_value(ld, K_SEVERITY)->span,
			    "severity must be \"error\", \"warning\" or \"info\"");
	if (rule->needs && strcmp(rule->needs, "creator_uid") != 0 &&
	    strcmp(rule->needs, "attachments") != 0)
		return fail(ld, rule_value(ld, K_NEEDS)->span,
			    "\"needs\" must be \"creator_uid\" or \"attachments\"");
	v = rule_value(ld, K_ENABLED);
	rule->enabled = true;
	if (v) {
		if (v->kind != DP_JSON_TRUE && v->kind != DP_JSON_FALSE)
			return fail(ld, v->span, "\"enabled\" must be true or false");
		rule->enabled = v->kind == DP_JSON_TRUE;
	}
	return 0;
}

static int
read_texts(struct loader *ld, const struct dp_json *node, struct dp_rule *rule)
{
	static const struct {
		enum rule_key key;
		size_t offset;
		bool required;
	} texts[] = {
		{K_SUMMARY, offsetof(struct dp_rule, summary), true},
		{K_DESCRIPTION, offsetof(struct dp_rule, description), false},
	};
	const struct dp_json *ex;
	int r;

	for (size_t i = 0; i < DP_ARRAY_SIZE(texts); i++) {
		const struct dp_json *v = rule_value(ld, texts[i].key);

		if (!v && texts[i].required)
			return fail(ld, node->span, "rule %s lacks \"%s\"", rule->id,
				    rule_keys[texts[i].key]);
		if (!v)
			continue;
		r = read_text(ld, v, (struct dp_text *)((char *)rule +
							texts[i].offset));
		if (r < 0)
			return r;
	}
	ex = rule_value(ld, K_EXAMPLES);
	if (ex) {
		if (ex->kind != DP_JSON_OBJECT)
			return fail(ld, ex->span, "\"examples\" must be "
				    "{\"wrong\": ..., \"right\": ...}");
		if ((r = get_string(ld, ex, "wrong", false, &rule->example_wrong)) < 0 ||
		    (r = get_string(ld, ex, "right", false, &rule->example_right)) < 0)
			return r;
	}
	return 0;
}

static int
read_rule(struct loader *ld, const struct dp_json *node, struct dp_rule **ret)
{
	struct dp_rule *rule = set_alloc(ld->set, sizeof(*rule));
	struct dp_check *c = set_alloc(ld->set, sizeof(*c));
	const struct dp_json *where;
	int r;

	if (!rule || !c)
		return -ENOMEM;
	if (node->kind != DP_JSON_OBJECT)
		return fail(ld, node->span, "a rule must be an object");
	rule->file = ld->source;
	rule->span = node->span;
	rule->check = c;
	if ((r = check_keys(ld, node)) < 0 ||
	    (r = read_identity(ld, node, rule)) < 0 ||
	    (r = read_texts(ld, node, rule)) < 0 ||
	    (r = read_templates(ld, node, rule, c)) < 0 ||
	    (r = read_check(ld, node, c)) < 0 ||
	    (r = read_select(ld, node, c)) < 0 ||
	    (r = read_yields(ld, rule)) < 0)
		return r;
	where = rule_value(ld, K_WHERE);
	if (where && (r = read_where(ld, where, c)) < 0)
		return r;
	*ret = rule;
	return 0;
}

static int
read_rule_file(struct loader *ld)
{
	const struct dp_json *root = ld->doc->root;
	const struct dp_json *rules;
	int r;

	if (ld->doc->n_diags > 0 || !root)
		return fail(ld, ld->doc->diags[0].span, "%s", ld->doc->diags[0].msg);
	rules = dp_json_get(root, "rules");
	if (root->kind != DP_JSON_OBJECT || !rules || rules->kind != DP_JSON_ARRAY)
		return fail(ld, root->span,
			    "a rule file is {\"rules\": [ ... ]}");
	for (uint32_t i = 0; i < root->n; i++)
		if (strcmp(root->u.members[i].key, "rules") != 0 &&
		    strcmp(root->u.members[i].key, "about") != 0)
			return fail(ld, root->u.members[i].key_span,
				    "unknown key \"%s\" (known: rules, about)",
				    root->u.members[i].key);
	if (ld->set->n_rules + rules->n > DP_MAX_RULES)
		return fail(ld, rules->span, "more than %d rules", DP_MAX_RULES);
	ld->rules = calloc(rules->n ? rules->n : 1, sizeof(*ld->rules));
	if (!ld->rules)
		return -ENOMEM;
	for (uint32_t i = 0; i < rules->n; i++) {
		r = read_rule(ld, rules->u.items[i], &ld->rules[i]);
		if (r < 0)
			return r;
		for (size_t k = 0; k < i; k++)
			if (strcmp(ld->rules[k]->id, ld->rules[i]->id) == 0)
				return fail(ld, rules->u.items[i]->span,
					    "rule %s is defined twice in this file",
					    ld->rules[i]->id);
		ld->n_rules++;
	}
	return 0;
}

static int
cmp_rules(const void *a, const void *b)
{
	const struct dp_rule *ra = *(const struct dp_rule *const *)a;
	const struct dp_rule *rb = *(const struct dp_rule *const *)b;

	return strcmp(ra->id, rb->id);
}

/* Keeps the source and doc of a file for the life of the set. */
static int
keep_file(struct dp_ruleset *set, struct dp_source *source, struct dp_doc *doc)
{
	if (set->n_files == set->cap_files) {
		size_t cap = set->cap_files ? set->cap_files * 2 : 16;
		void *f = realloc(set->files, cap * sizeof(*set->files));

		if (!f)
			return -ENOMEM;
		set->files = f;
		f = realloc(set->docs, cap * sizeof(*set->docs));
		if (!f)
			return -ENOMEM;
		set->docs = f;
		set->cap_files = cap;
	}
	set->files[set->n_files++] = source;
	set->docs[set->n_docs++] = doc;
	return 0;
}

/* Where the rule whose ID is exactly id is among the n rules, which are
 * sorted by cmp_rules(); NULL when none is. */
static struct dp_rule **
find_id(struct dp_rule **rules, size_t n, const char *id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(rules[mid]->id, id);

		if (c == 0)
			return &rules[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Moves the loader's rules into the set (replacing same IDs).  Rule
 * files are read in name order and number their rules in order, so new
 * rules usually just go after the last: sorting again is the exception. */
static int
commit_rules(struct loader *ld)
{
	struct dp_ruleset *set = ld->set;
	struct dp_rule **rules, **same;
	size_t n = set->n_rules, n_old = set->n_rules;
	bool sorted = true;

	rules = realloc(set->rules, (n + ld->n_rules + 1) * sizeof(*rules));
	if (!rules)
		return -ENOMEM;
	set->rules = rules;
	for (size_t i = 0; i < ld->n_rules; i++) {
		/* IDs are unique within a file: only the old rules can
		 * hold this one's. */
		same = find_id(rules, n_old, ld->rules[i]->id);
		if (same) {
			*same = ld->rules[i];
			continue;
		}
		if (n > 0 && strcmp(rules[n - 1]->id, ld->rules[i]->id) > 0)
			sorted = false;
		rules[n++] = ld->rules[i];
	}
	set->n_rules = n;
	if (!sorted)
		qsort(set->rules, n, sizeof(*set->rules), cmp_rules);
	return 0;
}

/* Hands the loader's compiled patterns to the set. */
static int
commit_regexes(struct loader *ld)
{
	struct dp_ruleset *set = ld->set;
	struct dp_regex **all;

	all = realloc(set->regexes,
		      (set->n_regexes + ld->regexes.n + 1) * sizeof(*all));
	if (!all)
		return -ENOMEM;
	set->regexes = all;
	if (ld->regexes.n)
		memcpy(all + set->n_regexes, ld->regexes.items,
		       ld->regexes.n * sizeof(*all));
	set->n_regexes += ld->regexes.n;
	ld->regexes.n = 0;
	return 0;
}

static void
loader_drop(struct loader *ld)
{
	for (size_t i = 0; i < ld->regexes.n; i++)
		dp_regex_free(ld->regexes.items[i]);
	ld->regexes.n = 0;
}

/*
 * Reads the catalog file at path: *ret_known is its built-in copy when
 * the bytes are exactly those of the built-in file of that name
 * (catalog.h) - then the source borrows them, unchecked again - else
 * NULL.
 */
static int
read_catalog_file(const struct dp_ruleset *set, const char *path,
		  struct dp_source **ret_source,
		  const struct dp_catalog_file **ret_known)
{
	const char *slash = strrchr(path, '/');
	const struct dp_catalog_file *known = NULL;
	bool same = false;
	int r;

	if (!set->no_builtin)
		known = dp_catalog_find(slash ? slash + 1 : path);
	r = dp_source_read_expect(path, DP_MAX_FILE_SIZE_DEFAULT,
				  known ? dp_catalog_bytes(known) : NULL,
				  known ? known->len : 0, ret_source, &same);
	if (r == 0)
		*ret_known = same ? known : NULL;
	return r;
}

#ifndef MAP_POPULATE
#define MAP_POPULATE 0 /* then pages fault in one by one, as malloc's */
#endif

/* Sizes in the layout mapping keep pointers aligned. */
static size_t
aligned(size_t size)
{
	return (size + 15) & ~(size_t)15;
}

/*
 * The layout mapping of a freed set, kept for the next one: munmap() of
 * populated pages costs more than the whole catalog load (0.5 ms on this
 * kind of VM, where a TLB flush traps), so a process that loads the rules
 * once leaves the mapping to exit(), which drops every page at once.
 * used: the bytes the set wrote, to zero again.
 */
static struct {
	void *map;
	size_t size, used;
} spare_layout;

/* A populated, zeroed mapping of size bytes: the spare one when it fits.
 * NULL on ENOMEM. */
static void *
get_layout(size_t size)
{
	void *map;

	if (spare_layout.map && spare_layout.size == size) {
		map = spare_layout.map;
		memset(map, 0, spare_layout.used);
		spare_layout.map = NULL;
		return map;
	}
	map = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	return map == MAP_FAILED ? NULL : map;
}

/* Keeps set's mapping as the spare one, or unmaps it when there is one. */
static void
release_layout(struct dp_ruleset *set)
{
	if (!set->layout)
		return;
	if (spare_layout.map) {
		(void)munmap(set->layout, set->layout_size);
		return;
	}
	spare_layout.map = set->layout;
	spare_layout.size = set->layout_size;
	spare_layout.used = set->layout_used;
}

/*
 * The mapping that built-in trees are laid out in: room for the largest
 * rule file's (reused file after file), every table's, and what the
 * rules read from them take (set_alloc()), populated in one call - on
 * this kind of VM a page fault costs ~10 us, and a tree a dozen pages.
 * 0 or -ENOMEM.
 */
static int
map_layout(struct dp_ruleset *set)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t scratch = 0, tables = 0, size;
	void *map;

	if (set->layout)
		return 0;
	for (size_t i = 0; i < dp_catalog_n_files; i++) {
		const struct dp_catalog_file *f = &dp_catalog_files[i];
		size_t need = aligned(dp_catalog_tree_size(f));

		if (f->table)
			tables += need;
		else if (need > scratch)
			scratch = need;
	}
	if (page <= 0)
		page = 4096;
	/* What the rules read from the catalog take, with room to spare:
	 * deferred patterns and views take more than the generator's. */
	tables += aligned(dp_catalog_arena_hint + dp_catalog_arena_hint / 2);
	size = (scratch + tables + (size_t)page - 1) & ~((size_t)page - 1);
	if (size == 0)
		return 0;
	map = get_layout(size);
	if (!map)
		return -ENOMEM;
	set->layout = map;
	set->layout_size = size;
	set->scratch_size = scratch;
	set->layout_used = scratch;
	return 0;
}

/* Zeroed memory that lives as long as the set: from the layout mapping
 * while it has room (its pages are populated already), else from the
 * set's arena. */
static void *
set_alloc(struct dp_ruleset *set, size_t size)
{
	size_t need = aligned(size);

	if (set->layout && need <= set->layout_size - set->layout_used) {
		void *p = (char *)set->layout + set->layout_used;

		set->layout_used += need;
		return p;
	}
	return dp_arena_alloc(set->arena, size);
}

/*
 * The doc of source: parsed, or - when known is set - a view (json.h:
 * dp_doc_init_view(), never dp_doc_free()d) of the built-in tree of the
 * same bytes, in the set's arena: a doc of its own would cost an arena,
 * a fresh page, a page fault.  The tree goes in the layout mapping
 * (map_layout()); with scratch, in its part that the next built-in rule
 * file reuses: nothing keeps a node of a rule file once its rules are
 * read, only strings, which are static.
 */
static int
make_doc(struct dp_ruleset *set, const struct dp_source *source,
	 const struct dp_catalog_file *known, bool scratch,
	 struct dp_doc **ret_doc)
{
	struct dp_doc *view;
	size_t need;
	void *mem;

	if (!known)
		return dp_doc_parse(source, NULL, ret_doc);
	if (known->n_nodes == 0 || source->len != known->len)
		return -EINVAL;
	if (map_layout(set) < 0 ||
	    !(view = set_alloc(set, sizeof(*view))))
		return -ENOMEM;
	need = aligned(dp_catalog_tree_size(known));
	if (scratch && need <= set->scratch_size) {
		mem = set->layout;
	} else {
		/* A table; or, not in the plan, a rule file named as one. */
		mem = set_alloc(set, need);
		if (!mem)
			return -ENOMEM;
	}
	dp_doc_init_view(view, source, dp_catalog_lay_out(known, mem));
	set->n_builtin++;
	*ret_doc = view;
	return 0;
}

/* Loads one rule file whose bytes are in source (taken over); known:
 * see make_doc(). */
static int
load_rule_source(struct dp_ruleset *set, struct dp_source *source,
		 const struct dp_catalog_file *known, char **reterr_msg)
{
	struct loader ld = {.set = set, .source = source,
			     .builtin = known != NULL};
	int r;

	r = make_doc(set, source, known, true, &ld.doc);
	if (r < 0) {
		dp_source_free(source);
		return r;
	}
	r = read_rule_file(&ld);
	/* A built-in tree is in scratch memory: the next file's soon.  Its
	 * view stays in the set's arena for the deferred patterns. */
	if (known)
		ld.doc->root = NULL;
	if (r == 0)
		r = keep_file(set, source, known ? NULL : ld.doc);
	if (r == 0)
		r = commit_regexes(&ld);
	if (r == 0)
		r = commit_rules(&ld);
	if (r < 0) {
		/* Nothing of a bad file stays: its regexes go; its rules were
		 * never linked into the set. */
		loader_drop(&ld);
		if (set->n_files && set->files[set->n_files - 1] == source) {
			set->n_files--;
			set->n_docs--;
		}
		if (reterr_msg && ld.error)
			*reterr_msg = ld.error;
		else
			free(ld.error);
		if (!known)
			dp_doc_free(ld.doc);
		dp_source_free(source);
	}
	free(ld.regexes.items);
	free(ld.rules);
	return r;
}

int
dp_ruleset_load_buffer(struct dp_ruleset *set, const char *name,
		       const char *bytes, size_t len, char **reterr_msg)
{
	struct dp_source *source = NULL;
	int r = dp_source_from_memory(name, bytes, len, &source);

	if (r < 0)
		return r;
	return load_rule_source(set, source, NULL, reterr_msg);
}

/* Reads and parses a listed table; 1 when loaded, else -errno or
 * -EINVAL with *reterr_msg (when not NULL) saying where and what. */
static int
read_table(struct dp_ruleset *set, struct dp_table *table, char **reterr_msg)
{
	struct dp_source *source = NULL;
	struct dp_doc *doc = NULL;
	const struct dp_catalog_file *known = NULL;
	int r;

	r = read_catalog_file(set, table->path, &source, &known);
	if (r < 0)
		return r;
	r = make_doc(set, source, known, false, &doc);
	if (r < 0) {
		dp_source_free(source);
		return r;
	}
	if (doc->n_diags > 0 || !doc->root) {
		struct loader ld = {.set = set, .source = source, .doc = doc};

		r = fail(&ld, doc->diags[0].span, "%s", doc->diags[0].msg);
		if (reterr_msg)
			*reterr_msg = ld.error;
		else
			free(ld.error);
		dp_doc_free(doc);
		dp_source_free(source);
		return r;
	}
	table->source = source;
	table->doc = doc;
	table->view = known != NULL;
	return 1;
}

/* Lists a table; it is read when first needed. */
static int
add_table(struct dp_ruleset *set, const char *path, const char *stem)
{
	struct dp_table *tables, *table;

	tables = realloc(set->tables, (set->n_tables + 1) * sizeof(*tables));
	if (!tables)
		return -ENOMEM;
	set->tables = tables;
	table = &tables[set->n_tables];
	memset(table, 0, sizeof(*table));
	table->name = dp_arena_strndup(set->arena, stem, strlen(stem));
	table->path = dp_arena_strndup(set->arena, path, strlen(path));
	if (!table->name || !table->path)
		return -ENOMEM;
	set->n_tables++;
	return 0;
}

static int
is_json_file(const struct dirent *entry)
{
	size_t len = strlen(entry->d_name);

	return entry->d_name[0] != '.' && len > 5 &&
	       strcmp(entry->d_name + len - 5, ".json") == 0;
}

/* Every *.json of dir in name order, loaded by load(). */
static int
load_each(struct dp_ruleset *set, const char *dir, bool tables,
	  char **reterr_msg)
{
	struct dirent **entries = NULL;
	int n = scandir(dir, &entries, is_json_file, alphasort);
	int r = 0;

	if (n < 0)
		return (tables && errno == ENOENT) ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		char *path = dp_asprintf("%s/%s", dir, entries[i]->d_name);
		struct dp_source *source = NULL;
		const struct dp_catalog_file *known = NULL;

		if (!path)
			r = -ENOMEM;
		if (r == 0 && tables) {
			entries[i]->d_name[strlen(entries[i]->d_name) - 5] = '\0';
			r = add_table(set, path, entries[i]->d_name);
		} else if (r == 0) {
			r = read_catalog_file(set, path, &source, &known);
			if (r == 0)
				r = load_rule_source(set, source, known,
						     reterr_msg);
			else if (reterr_msg)
				*reterr_msg = dp_asprintf("%s: %s", path, strerror(-r));
		}
		free(path);
		if (r < 0)
			break;
	}
	for (int i = 0; i < n; i++)
		free(entries[i]);
	free(entries);
	return r;
}

/* Every yields_to names a loaded rule. */
/* Is rows (up to len bytes) a list of rows in table? */
static bool
has_rows(const struct dp_table *table, const char *rows, size_t len)
{
	const struct dp_json *root = table ? table->doc->root : NULL;

	for (uint32_t i = 0; root && root->kind == DP_JSON_OBJECT && i < root->n;
	     i++)
		if (root->u.members[i].key_len == len &&
		    memcmp(root->u.members[i].key, rows, len) == 0)
			return root->u.members[i].value->kind == DP_JSON_ARRAY;
	return false;
}

/* A not-in-table check names a table and lists of rows that exist. */
static int
check_table_refs(struct dp_ruleset *set, const struct dp_rule *rule,
		 char **reterr_msg)
{
	const struct dp_check *c = rule->check;
	const struct dp_table *table;
	struct loader ld = {.set = set, .source = rule->file};
	int r;

	if (c->type != DP_CHECK_NOT_IN_TABLE)
		return 0;
	/* A table a rule names is read now: it must exist and be valid
	 * before any rule runs. */
	table = table_get(set, c->table, &r, reterr_msg);
	if (r < 0 && r != -ENOENT)
		return r;
	if (!table) {
		fail(&ld, rule->span, "rule %s names unknown table \"%s\" "
		     "(rules/tables/%s.json)", rule->id, c->table, c->table);
		goto bad;
	}
	if (!c->lookup && !has_rows(table, c->rows, strlen(c->rows))) {
		fail(&ld, rule->span, "rule %s: table \"%s\" has no list \"%s\"",
		     rule->id, c->table, c->rows);
		goto bad;
	}
	for (size_t i = 0; c->lookup && i < c->n_columns; i++) {
		const char *name = c->columns[i].name;

		if (has_rows(table, name, (size_t)(strchr(name, '.') - name)))
			continue;
		fail(&ld, rule->span, "rule %s: table \"%s\" has no list for "
		     "\"%s\"", rule->id, c->table, name);
		goto bad;
	}
	return 0;
bad:
	if (reterr_msg)
		*reterr_msg = ld.error;
	else
		free(ld.error);
	return -EINVAL;
}

static int
check_references(struct dp_ruleset *set, char **reterr_msg)
{
	for (size_t i = 0; i < set->n_rules; i++) {
		const struct dp_rule *rule = set->rules[i];

		for (size_t k = 0; k < rule->n_yields_to; k++) {
			struct loader ld = {.set = set, .source = rule->file};

			/* Mostly an ID as it is written: found at once. */
			if (find_id(set->rules, set->n_rules,
				    rule->yields_to[k]) ||
			    dp_ruleset_find(set, rule->yields_to[k]))
				continue;
			fail(&ld, rule->span, "rule %s yields to unknown rule %s",
			     rule->id, rule->yields_to[k]);
			if (reterr_msg)
				*reterr_msg = ld.error;
			else
				free(ld.error);
			return -EINVAL;
		}
		int r = check_table_refs(set, rule, reterr_msg);

		if (r < 0)
			return r;
	}
	return 0;
}

void
dp_ruleset_defer_patterns(struct dp_ruleset *set, bool defer)
{
	set->defer_patterns = defer;
}

void
dp_ruleset_use_builtin(struct dp_ruleset *set, bool use)
{
	set->no_builtin = !use;
}

int
dp_ruleset_compile_patterns(struct dp_ruleset *set, char **reterr_msg)
{
	int r;

	for (size_t i = 0; i < set->n_regexes; i++)
		if ((r = dp_regex_prepare(set->regexes[i], reterr_msg)) < 0)
			return r;
	return 0;
}

int
dp_ruleset_freeze_patterns(const struct dp_ruleset *set)
{
	int r;

	/* The patterns are the set's, the set stays const to its users
	 * (as with tables): what changes is how they are matched. */
	for (size_t i = 0; i < set->n_regexes; i++)
		if ((r = dp_regex_freeze(set->regexes[i])) < 0)
			return r;
	return 0;
}

int
dp_ruleset_load_dir(struct dp_ruleset *set, const char *dir, char **reterr_msg)
{
	char *tables_dir;
	int r;

	r = load_each(set, dir, false, reterr_msg);
	if (r < 0)
		return r;
	tables_dir = dp_asprintf("%s/tables", dir);
	if (!tables_dir)
		return -ENOMEM;
	r = load_each(set, tables_dir, true, reterr_msg);
	free(tables_dir);
	if (r < 0)
		return r;
	return check_references(set, reterr_msg);
}
