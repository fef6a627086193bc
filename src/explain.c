/*
 * explain.c - reads the console-error table (rules/tables/errors.json),
 * recognises its errors in pasted text with PCRE2, and lays out the
 * explanation of each error or rule.  What the errors are, how they are
 * recognised and every word said about them is data; this file knows no
 * error code and no rule ID.  Reading stdin and the exit status are
 * app.c's.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config_file.h"
#include "explain.h"
#include "json.h"
#include "regex.h"
#include "report.h"
#include "util.h"

#define MAX_HITS 4096u          /* matches kept from one text */
#define MAX_HITS_PER_PATTERN 256u
#define MAX_LIST 256u           /* errors, causes, patterns, ... */
#define WIDTH 76u               /* columns of wrapped text */

enum label {
	L_CAUSES,
	L_NO_RULE,
	L_CAUSE_FIX,
	L_EXPORT_FIRST,
	L_EXPORT_NEXT,
	L_THEN,
	L_SOLUTION,
	L_SEEN,
	L_UNKNOWN,
	L_KNOWN,
	L_RULES_HINT,
	L_RULE_UNKNOWN,
	L_RULE_ON,
	L_RULE_OFF,
	L_RULE_CONSOLE,
	L_RULE_SEE,
	L_RULE_NEEDS,
	L_RULE_DOC,
	L_RULE_WRONG,
	L_RULE_RIGHT,
	L__COUNT,
};

static const char *const label_names[L__COUNT] = {
	"causes", "no_rule", "cause_fix", "export_first", "export_next", "then",
	"solution", "seen", "unknown", "known", "rules_hint", "rule_unknown",
	"rule_on", "rule_off", "rule_console", "rule_see", "rule_needs",
	"rule_doc", "rule_wrong", "rule_right",
};

/* A name and its text: accounts, placeholders, "needs.*" labels. */
struct named {
	const char *name;
	struct dp_text text;
};

struct cause {
	struct dp_text text;
	const char **rules;
	size_t n_rules;
	struct dp_text note;      /* s[EN] NULL when absent */
	struct dp_text fix;
};

struct export {
	const struct named *account;
	const char **commands;
	size_t n_commands;
	struct dp_text note;
};

struct error {
	const char *id;
	const char *title;
	const char *doc;
	struct dp_text meaning;
	struct dp_text fix;
	struct cause *causes;
	size_t n_causes;
	struct export *exports;
	size_t n_exports;
	struct dp_regex **patterns;
	size_t n_patterns;
};

struct dp_explain {
	struct dp_arena *arena;
	struct dp_text labels[L__COUNT];
	struct named *extra_labels;  /* "needs.creator_uid", ... */
	size_t n_extra_labels;
	struct named *accounts;
	size_t n_accounts;
	struct named *placeholders;
	size_t n_placeholders;
	struct error *errors;
	size_t n_errors;
};

/* ---- loading --------------------------------------------------------- */

struct loader {
	struct dp_explain *ex;
	struct dp_source *source;
	char *error;
};

static int
fail(struct loader *ld, struct dp_span span, const char *fmt, ...)
	DP_PRINTF(3, 4);

static int
fail(struct loader *ld, struct dp_span span, const char *fmt, ...)
{
	va_list ap;

	if (ld->error)
		return -EINVAL;
	va_start(ap, fmt);
	ld->error = dp_config_verror_at(ld->source, span, fmt, ap);
	va_end(ap);
	return ld->error ? -EINVAL : -ENOMEM;
}

static void *
alloc(struct loader *ld, size_t n, size_t size)
{
	return dp_arena_alloc(ld->ex->arena, (n ? n : 1) * size);
}

/* Only the keys listed (NULL-terminated) may appear in obj. */
static int
check_keys(struct loader *ld, const struct dp_json *obj,
	   const char *const *keys, const char *what)
{
	for (uint32_t i = 0; i < obj->n; i++) {
		const struct dp_json_member *m = &obj->u.members[i];
		size_t k;

		for (k = 0; keys[k]; k++)
			if (strcmp(m->key, keys[k]) == 0)
				break;
		if (!keys[k])
			return fail(ld, m->key_span, "unknown key \"%s\" in %s",
				    m->key, what);
	}
	return 0;
}

static const struct dp_json *
member(struct loader *ld, const struct dp_json *obj, const char *key,
       enum dp_json_kind kind, bool required, int *r)
{
	const struct dp_json *v = dp_json_get(obj, key);
	static const char *const kinds[] = {"null", "false", "true", "a number",
					    "a string", "a list", "an object"};

	if (!v) {
		if (required)
			*r = fail(ld, obj->span, "\"%s\" is missing", key);
		return NULL;
	}
	if (v->kind != kind) {
		*r = fail(ld, v->span, "\"%s\" must be %s", key, kinds[kind]);
		return NULL;
	}
	return v;
}

static int
plain_string(struct loader *ld, const struct dp_json *v, const char **ret)
{
	if (v->kind != DP_JSON_STRING || v->n == 0 || strlen(v->u.str) != v->n)
		return fail(ld, v->span, "expected a non-empty string");
	*ret = v->u.str;
	return 0;
}

/* "English" or {"en": ..., "zh": ...}. */
static int
read_text(struct loader *ld, const struct dp_json *v, struct dp_text *ret)
{
	static const char *const keys[] = {"en", "zh", NULL};
	int r;

	memset(ret, 0, sizeof(*ret));
	if (v->kind == DP_JSON_STRING)
		return plain_string(ld, v, &ret->s[DP_LANG_EN]);
	if (v->kind != DP_JSON_OBJECT)
		return fail(ld, v->span, "a text is a string or {\"en\": ..., "
			    "\"zh\": ...}");
	if ((r = check_keys(ld, v, keys, "a text")) < 0)
		return r;
	for (uint32_t i = 0; i < v->n; i++) {
		const struct dp_json_member *m = &v->u.members[i];

		r = plain_string(ld, m->value,
				 &ret->s[strcmp(m->key, "en") == 0 ? DP_LANG_EN
								   : DP_LANG_ZH]);
		if (r < 0)
			return r;
	}
	if (!ret->s[DP_LANG_EN])
		return fail(ld, v->span, "a text needs its English (\"en\")");
	return 0;
}

static int
text_member(struct loader *ld, const struct dp_json *obj, const char *key,
	    bool required, struct dp_text *ret)
{
	const struct dp_json *v = dp_json_get(obj, key);

	memset(ret, 0, sizeof(*ret));
	if (!v)
		return required ? fail(ld, obj->span, "\"%s\" is missing", key)
				: 0;
	return read_text(ld, v, ret);
}

/* An object of name -> text. */
static int
read_named(struct loader *ld, const struct dp_json *obj, struct named **ret,
	   size_t *ret_n)
{
	struct named *list;
	int r;

	if (obj->n > MAX_LIST)
		return fail(ld, obj->span, "more than %u entries", MAX_LIST);
	list = alloc(ld, obj->n, sizeof(*list));
	if (!list)
		return -ENOMEM;
	for (uint32_t i = 0; i < obj->n; i++) {
		list[i].name = obj->u.members[i].key;
		if ((r = read_text(ld, obj->u.members[i].value, &list[i].text)) < 0)
			return r;
	}
	*ret = list;
	*ret_n = obj->n;
	return 0;
}

static int
string_list(struct loader *ld, const struct dp_json *v, const char ***ret,
	    size_t *ret_n)
{
	const char **list;
	int r;

	if (v->kind != DP_JSON_ARRAY)
		return fail(ld, v->span, "expected a list of strings");
	if (v->n > MAX_LIST)
		return fail(ld, v->span, "more than %u entries", MAX_LIST);
	list = alloc(ld, v->n, sizeof(*list));
	if (!list)
		return -ENOMEM;
	for (uint32_t i = 0; i < v->n; i++)
		if ((r = plain_string(ld, v->u.items[i], &list[i])) < 0)
			return r;
	*ret = list;
	*ret_n = v->n;
	return 0;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
looks_like_rule_id(const char *s)
{
	return (s[0] == 'D' || s[0] == 'd') && (s[1] == 'P' || s[1] == 'p') &&
	       s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9' &&
	       s[4] >= '0' && s[4] <= '9' && s[5] == '\0';
}

static int
read_cause(struct loader *ld, const struct dp_json *v, struct cause *c)
{
	static const char *const keys[] = {"text", "rules", "note", "fix", NULL};
	const struct dp_json *rules;
	int r = 0;

	if (v->kind != DP_JSON_OBJECT)
		return fail(ld, v->span, "a cause is an object {\"text\", "
			    "\"rules\", \"fix\"}");
	if ((r = check_keys(ld, v, keys, "a cause")) < 0 ||
	    (r = text_member(ld, v, "text", true, &c->text)) < 0 ||
	    (r = text_member(ld, v, "fix", true, &c->fix)) < 0 ||
	    (r = text_member(ld, v, "note", false, &c->note)) < 0)
		return r;
	rules = member(ld, v, "rules", DP_JSON_ARRAY, true, &r);
	if (!rules)
		return r;
	if ((r = string_list(ld, rules, &c->rules, &c->n_rules)) < 0)
		return r;
	for (size_t i = 0; i < c->n_rules; i++)
		if (!looks_like_rule_id(c->rules[i]))
			return fail(ld, rules->u.items[i]->span, "'%s' is not a "
				    "rule ID (DP + three digits)", c->rules[i]);
	if (c->n_rules == 0 && !c->note.s[DP_LANG_EN])
		return fail(ld, v->span, "a cause no rule finds needs a \"note\" "
			    "saying why");
	return 0;
}

static int
read_export(struct loader *ld, const struct dp_json *v, struct export *e)
{
	static const char *const keys[] = {"account", "commands", "note", NULL};
	const struct dp_json *account, *commands;
	struct dp_explain *ex = ld->ex;
	int r = 0;

	if (v->kind != DP_JSON_OBJECT)
		return fail(ld, v->span, "an export is an object {\"account\", "
			    "\"commands\"}");
	if ((r = check_keys(ld, v, keys, "an export")) < 0 ||
	    (r = text_member(ld, v, "note", false, &e->note)) < 0)
		return r;
	account = member(ld, v, "account", DP_JSON_STRING, true, &r);
	commands = member(ld, v, "commands", DP_JSON_ARRAY, true, &r);
	if (!account || !commands)
		return r;
	for (size_t i = 0; i < ex->n_accounts; i++)
		if (strcmp(ex->accounts[i].name, account->u.str) == 0)
			e->account = &ex->accounts[i];
	if (!e->account)
		return fail(ld, account->span, "unknown account '%s' (not in "
			    "\"accounts\")", account->u.str);
	return string_list(ld, commands, &e->commands, &e->n_commands);
}

static int
read_patterns(struct loader *ld, const struct dp_json *list, struct error *e)
{
	if (list->n == 0 || list->n > MAX_LIST)
		return fail(ld, list->span, "an error needs 1 to %u patterns",
			    MAX_LIST);
	e->patterns = alloc(ld, list->n, sizeof(*e->patterns));
	if (!e->patterns)
		return -ENOMEM;
	for (uint32_t i = 0; i < list->n; i++) {
		const struct dp_json *p = list->u.items[i];
		char *pattern, *msg = NULL;
		size_t offset = 0;
		int r;

		if (p->kind != DP_JSON_STRING || p->n == 0)
			return fail(ld, p->span, "a pattern is a non-empty string");
		/* Every pattern is case-insensitive. */
		pattern = dp_asprintf("(?i)%s", p->u.str);
		if (!pattern)
			return -ENOMEM;
		r = dp_regex_compile(pattern, &e->patterns[i], &msg, &offset);
		free(pattern);
		if (r == -EINVAL) {
			r = fail(ld, p->span, "invalid pattern: %s",
				 msg ? msg : "?");
			free(msg);
			return r;
		}
		if (r < 0)
			return r;
		e->n_patterns = i + 1;
	}
	return 0;
}

static int
read_texts(struct loader *ld, const struct dp_json *list)
{
	static const char *const keys[] = {"lang", "text", "verbatim", NULL};
	int r;

	if (list->kind != DP_JSON_ARRAY)
		return fail(ld, list->span, "\"texts\" must be a list");
	for (uint32_t i = 0; i < list->n; i++) {
		const struct dp_json *t = list->u.items[i];
		const struct dp_json *lang, *text;

		r = 0;
		if (t->kind != DP_JSON_OBJECT)
			return fail(ld, t->span, "a text is an object {\"lang\", "
				    "\"text\", \"verbatim\"}");
		if ((r = check_keys(ld, t, keys, "a known text")) < 0)
			return r;
		lang = member(ld, t, "lang", DP_JSON_STRING, true, &r);
		text = member(ld, t, "text", DP_JSON_STRING, true, &r);
		if (!lang || !text)
			return r;
		if (strcmp(lang->u.str, "en") != 0 && strcmp(lang->u.str, "zh") != 0)
			return fail(ld, lang->span, "\"lang\" is en or zh");
		if (dp_json_get(t, "verbatim") &&
		    !member(ld, t, "verbatim", DP_JSON_STRING, true, &r))
			return r;
	}
	return 0;
}

static int
read_error(struct loader *ld, const struct dp_json *v, struct error *e)
{
	static const char *const keys[] = {"id", "title", "doc", "texts",
					   "patterns", "meaning", "causes",
					   "export", "fix", NULL};
	const struct dp_json *id, *title, *doc, *texts, *patterns, *causes,
		*exports;
	int r = 0;

	if (v->kind != DP_JSON_OBJECT)
		return fail(ld, v->span, "an error is an object");
	if ((r = check_keys(ld, v, keys, "an error")) < 0)
		return r;
	id = member(ld, v, "id", DP_JSON_STRING, true, &r);
	title = member(ld, v, "title", DP_JSON_STRING, true, &r);
	doc = member(ld, v, "doc", DP_JSON_STRING, false, &r);
	texts = member(ld, v, "texts", DP_JSON_ARRAY, false, &r);
	patterns = member(ld, v, "patterns", DP_JSON_ARRAY, true, &r);
	causes = member(ld, v, "causes", DP_JSON_ARRAY, true, &r);
	exports = member(ld, v, "export", DP_JSON_ARRAY, true, &r);
	if (r < 0)
		return r;
	if ((r = plain_string(ld, id, &e->id)) < 0 ||
	    (r = plain_string(ld, title, &e->title)) < 0 ||
	    (doc && (r = plain_string(ld, doc, &e->doc)) < 0) ||
	    (texts && (r = read_texts(ld, texts)) < 0) ||
	    (r = text_member(ld, v, "meaning", true, &e->meaning)) < 0 ||
	    (r = text_member(ld, v, "fix", true, &e->fix)) < 0 ||
	    (r = read_patterns(ld, patterns, e)) < 0)
		return r;
	if (causes->n > MAX_LIST || exports->n > MAX_LIST)
		return fail(ld, v->span, "more than %u causes or exports",
			    MAX_LIST);
	e->causes = alloc(ld, causes->n, sizeof(*e->causes));
	e->exports = alloc(ld, exports->n, sizeof(*e->exports));
	if (!e->causes || !e->exports)
		return -ENOMEM;
	for (uint32_t i = 0; i < causes->n; i++) {
		if ((r = read_cause(ld, causes->u.items[i], &e->causes[i])) < 0)
			return r;
		e->n_causes = i + 1;
	}
	for (uint32_t i = 0; i < exports->n; i++) {
		if ((r = read_export(ld, exports->u.items[i], &e->exports[i])) < 0)
			return r;
		e->n_exports = i + 1;
	}
	return 0;
}

static int
read_labels(struct loader *ld, const struct dp_json *labels)
{
	struct dp_explain *ex = ld->ex;
	size_t n_extra = 0;
	int r;

	ex->extra_labels = alloc(ld, labels->n, sizeof(*ex->extra_labels));
	if (!ex->extra_labels)
		return -ENOMEM;
	for (uint32_t i = 0; i < labels->n; i++) {
		const struct dp_json_member *m = &labels->u.members[i];
		size_t k;

		for (k = 0; k < L__COUNT; k++)
			if (strcmp(m->key, label_names[k]) == 0)
				break;
		if (k < L__COUNT) {
			r = read_text(ld, m->value, &ex->labels[k]);
		} else if (strncmp(m->key, "needs.", 6) == 0) {
			ex->extra_labels[n_extra].name = m->key;
			r = read_text(ld, m->value, &ex->extra_labels[n_extra].text);
			n_extra++;
		} else {
			r = fail(ld, m->key_span, "unknown label \"%s\"", m->key);
		}
		if (r < 0)
			return r;
	}
	ex->n_extra_labels = n_extra;
	for (size_t k = 0; k < L__COUNT; k++)
		if (!ex->labels[k].s[DP_LANG_EN])
			return fail(ld, labels->span, "label \"%s\" is missing",
				    label_names[k]);
	return 0;
}

static int
load(struct loader *ld, const struct dp_json *root)
{
	static const char *const keys[] = {"about", "labels", "accounts",
					   "placeholders", "errors", NULL};
	struct dp_explain *ex = ld->ex;
	const struct dp_json *labels, *accounts, *placeholders, *errors;
	int r = 0;

	if (!root || root->kind != DP_JSON_OBJECT)
		return fail(ld, root ? root->span : (struct dp_span){0, 0},
			    "the error table is one JSON object");
	if ((r = check_keys(ld, root, keys, "the error table")) < 0)
		return r;
	labels = member(ld, root, "labels", DP_JSON_OBJECT, true, &r);
	accounts = member(ld, root, "accounts", DP_JSON_OBJECT, true, &r);
	placeholders = member(ld, root, "placeholders", DP_JSON_OBJECT, false,
			      &r);
	errors = member(ld, root, "errors", DP_JSON_ARRAY, true, &r);
	if (r < 0)
		return r;
	if ((r = read_labels(ld, labels)) < 0 ||
	    (r = read_named(ld, accounts, &ex->accounts, &ex->n_accounts)) < 0 ||
	    (placeholders && (r = read_named(ld, placeholders, &ex->placeholders,
					     &ex->n_placeholders)) < 0))
		return r;
	if (errors->n > MAX_LIST)
		return fail(ld, errors->span, "more than %u errors", MAX_LIST);
	ex->errors = calloc(errors->n + 1, sizeof(*ex->errors));
	if (!ex->errors)
		return -ENOMEM;
	for (uint32_t i = 0; i < errors->n; i++) {
		r = read_error(ld, errors->u.items[i], &ex->errors[i]);
		ex->n_errors = i + 1;
		if (r < 0)
			return r;
		for (uint32_t k = 0; k < i; k++)
			if (strcmp(ex->errors[k].id, ex->errors[i].id) == 0)
				return fail(ld, errors->u.items[i]->span,
					    "a second error with id '%s'",
					    ex->errors[i].id);
	}
	return 0;
}

int
dp_explain_load(const struct dp_ruleset *set, struct dp_explain **ret_explain,
		char **reterr_msg)
{
	const struct dp_table *table = dp_ruleset_table(set, "errors");
	struct dp_explain *ex;
	struct loader ld = {0};
	int r;

	*reterr_msg = NULL;
	if (!table || !table->doc)
		return -ENOENT;
	ex = calloc(1, sizeof(*ex));
	if (!ex)
		return -ENOMEM;
	ex->arena = dp_arena_new();
	if (!ex->arena) {
		free(ex);
		return -ENOMEM;
	}
	ld.ex = ex;
	/* The loaded table's source: its line table is built on demand
	 * for the position of an error, nothing else changes. */
	ld.source = (struct dp_source *) table->doc->source;
	r = load(&ld, table->doc->root);
	if (r < 0) {
		if (r == -EINVAL)
			*reterr_msg = ld.error;
		else
			free(ld.error);
		dp_explain_free(ex);
		return r;
	}
	*ret_explain = ex;
	return 0;
}

void
dp_explain_free(struct dp_explain *explain)
{
	if (!explain)
		return;
	for (size_t i = 0; i < explain->n_errors; i++)
		for (size_t k = 0; k < explain->errors[i].n_patterns; k++)
			dp_regex_free(explain->errors[i].patterns[k]);
	free(explain->errors);
	dp_arena_free(explain->arena);
	free(explain);
}

size_t
dp_explain_count(const struct dp_explain *explain)
{
	return explain->n_errors;
}

const char *
dp_explain_id(const struct dp_explain *explain, size_t i)
{
	return i < explain->n_errors ? explain->errors[i].id : NULL;
}

const char *
dp_explain_title(const struct dp_explain *explain, size_t i)
{
	return i < explain->n_errors ? explain->errors[i].title : NULL;
}

/* ---- recognising ----------------------------------------------------- */

/* Bytes of the character at s (1 for a byte that starts none). */
static size_t
one_char(const char *s, size_t avail)
{
	size_t n = avail ? dp_utf8_seq_len(s, avail) : 1;

	return n ? n : 1;
}

struct hit {
	size_t error;
	size_t start, end;
};

struct hits {
	struct hit *items;
	size_t n;
};

static int
collect(struct dp_explain *ex, const char *text, size_t len,
	struct hits *hits)
{
	hits->items = calloc(MAX_HITS, sizeof(*hits->items));
	hits->n = 0;
	if (!hits->items)
		return -ENOMEM;
	for (size_t e = 0; e < ex->n_errors; e++) {
		for (size_t p = 0; p < ex->errors[e].n_patterns; p++) {
			size_t off = 0;

			for (unsigned k = 0; k < MAX_HITS_PER_PATTERN &&
					     hits->n < MAX_HITS && off <= len; k++) {
				struct dp_match m;
				int r = dp_regex_match(ex->errors[e].patterns[p],
						       text + off, len - off, &m);

				if (r < 0)
					return r;
				if (r == 0)
					break;
				hits->items[hits->n++] = (struct hit){
					e, off + (size_t) m.start[0],
					off + (size_t) m.end[0]};
				/* On past the match; past an empty match by
				 * one whole character. */
				if (m.end[0] > m.start[0])
					off += (size_t) m.end[0];
				else
					off += (size_t) m.end[0] +
					       one_char(text + off + m.end[0],
							len - off - (size_t) m.end[0]);
			}
		}
	}
	return 0;
}

/* A match inside a longer match of another error does not count. */
static bool
hidden(const struct hits *hits, const struct hit *h)
{
	for (size_t i = 0; i < hits->n; i++) {
		const struct hit *o = &hits->items[i];

		if (o->error != h->error && o->start <= h->start &&
		    h->end <= o->end && o->end - o->start > h->end - h->start)
			return true;
	}
	return false;
}

/* The recognised errors with the offset of their first counted match. */
static int
recognise(struct dp_explain *ex, const char *text, size_t len,
	  size_t *ret_first, size_t *ret_order, size_t *ret_n)
{
	struct hits hits;
	size_t n = 0;
	int r = collect(ex, text, len, &hits);

	for (size_t e = 0; e < ex->n_errors; e++)
		ret_first[e] = (size_t) -1;
	for (size_t i = 0; r == 0 && i < hits.n; i++) {
		const struct hit *h = &hits.items[i];

		if (h->start < ret_first[h->error] && !hidden(&hits, h))
			ret_first[h->error] = h->start;
	}
	free(hits.items);
	if (r < 0)
		return r;
	/* In order of first appearance, ties in table order. */
	for (size_t e = 0; e < ex->n_errors; e++) {
		size_t at;

		if (ret_first[e] == (size_t) -1)
			continue;
		for (at = n; at > 0 && ret_first[ret_order[at - 1]] > ret_first[e];
		     at--)
			ret_order[at] = ret_order[at - 1];
		ret_order[at] = e;
		n++;
	}
	*ret_n = n;
	return 0;
}

int
dp_explain_recognise(struct dp_explain *explain, const char *text, size_t len,
		     size_t *ret_indices, size_t max, size_t *ret_n)
{
	size_t *first = calloc(explain->n_errors + 1, sizeof(*first));
	size_t *order = calloc(explain->n_errors + 1, sizeof(*order));
	size_t n = 0;
	int r = -ENOMEM;

	if (first && order)
		r = recognise(explain, text, len, first, order, &n);
	if (r == 0) {
		for (size_t i = 0; i < n && i < max; i++)
			ret_indices[i] = order[i];
		*ret_n = n < max ? n : max;
	}
	free(first);
	free(order);
	return r;
}

/* ---- laying out ------------------------------------------------------ */

/* Display columns of the UTF-8 character at s: 2 for the wide ones
 * (CJK, Hangul, full-width forms), else 1. */
static unsigned
char_width(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *) s;
	uint32_t cp;

	if (n != 3)
		return n == 4 ? 2 : 1;
	cp = ((uint32_t) (u[0] & 0x0f) << 12) | ((uint32_t) (u[1] & 0x3f) << 6) |
	     (u[2] & 0x3f);
	return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
			       (cp >= 0xac00 && cp <= 0xd7a3) ||
			       (cp >= 0xf900 && cp <= 0xfaff) ||
			       (cp >= 0xfe30 && cp <= 0xfe4f) ||
			       (cp >= 0xff00 && cp <= 0xff60) ||
			       (cp >= 0xffe0 && cp <= 0xffe6)
		       ? 2
		       : 1;
}

static size_t
width_of(const char *s, size_t len)
{
	size_t w = 0;

	for (size_t i = 0, n; i < len; i += n ? n : 1) {
		n = dp_utf8_seq_len(s + i, len - i);
		w += char_width(s + i, n);
	}
	return w;
}

struct writer {
	struct dp_report_out o;
	size_t col;
	enum dp_lang lang;
	const struct dp_explain *ex;
};

static void
put(struct writer *w, const char *s)
{
	dp_report_put_safe(&w->o, s, NULL);
	w->col += width_of(s, strlen(s));
}

static void
put_n(struct writer *w, const char *s, size_t len)
{
	char *copy = strndup(s, len);

	if (!copy) {
		dp_report_fail(&w->o, -ENOMEM);
		return;
	}
	put(w, copy);
	free(copy);
}

static void
newline(struct writer *w)
{
	dp_report_putc(&w->o, '\n');
	w->col = 0;
}

static void
spaces(struct writer *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dp_report_putc(&w->o, ' ');
	w->col += n;
}

/* Whether a word may break before the character at s (a wide one). */
static bool
is_wide(const char *s, size_t avail)
{
	size_t n = dp_utf8_seq_len(s, avail);

	return n >= 3 && char_width(s, n) == 2;
}

/* Full-width punctuation that must not start a line. */
static bool
closing(const char *s, size_t avail)
{
	static const char *const marks[] = {"，", "。", "、", "；", "：", "）",
					    "”", "！", "？"};

	for (size_t i = 0; avail >= 3 && i < DP_ARRAY_SIZE(marks); i++)
		if (memcmp(s, marks[i], 3) == 0)
			return true;
	return false;
}

/*
 * Writes text from the current column, wrapping at WIDTH: at spaces, and
 * between wide (CJK) characters; continuation lines start at indent.
 */
static void
put_wrapped(struct writer *w, const char *text, size_t indent)
{
	size_t len = strlen(text);
	bool space = false;

	for (size_t i = 0; i < len;) {
		size_t start, end, n;

		if (text[i] == ' ') {
			space = true;
			i++;
			continue;
		}
		start = i;
		n = dp_utf8_seq_len(text + i, len - i);
		if (is_wide(text + i, len - i)) {
			/* A wide character, with the punctuation that must
			 * not start a line. */
			end = i + n;
			while (end < len && closing(text + end, len - end))
				end += 3;
		} else {
			end = i;
			while (end < len && text[end] != ' ' &&
			       !is_wide(text + end, len - end)) {
				n = dp_utf8_seq_len(text + end, len - end);
				end += n ? n : 1;
			}
		}
		n = width_of(text + start, end - start);
		/* Closing punctuation stays with what it closes, even past
		 * the width. */
		if (w->col > indent && w->col + (space ? 1 : 0) + n > WIDTH &&
		    (space || !closing(text + start, len - start))) {
			newline(w);
			spaces(w, indent);
		} else if (space) {
			spaces(w, 1);
		}
		put_n(w, text + start, end - start);
		space = false;
		i = end;
	}
}

static const char *
label(const struct writer *w, enum label which)
{
	return dp_text_get(&w->ex->labels[which], w->lang);
}

/* template with each "{name}" of names replaced by the value beside
 * it (n pairs), malloc'd; NULL on ENOMEM. */
static char *
fill(const char *template, const char *const *names,
     const char *const *values, size_t n)
{
	struct dp_buf buf = {0};
	int r = 0;

	for (const char *c = template; *c && r == 0;) {
		size_t k, name_len = 0;

		for (k = 0; *c == '{' && k < n; k++) {
			name_len = strlen(names[k]);
			if (strncmp(c + 1, names[k], name_len) == 0 &&
			    c[1 + name_len] == '}')
				break;
		}
		if (*c == '{' && k < n) {
			r = dp_buf_puts(&buf, values[k]);
			c += name_len + 2;
		} else {
			r = dp_buf_putc(&buf, *c++);
		}
	}
	if (r == 0 && !buf.data)
		r = dp_buf_puts(&buf, "");
	if (r < 0) {
		dp_buf_free(&buf);
		return NULL;
	}
	return dp_buf_steal(&buf);
}

/* A label with its {names} filled in, wrapped from the current column. */
static void
put_label(struct writer *w, enum label which, const char *const *names,
	  const char *const *values, size_t n, size_t indent)
{
	char *text = fill(label(w, which), names, values, n);

	if (!text) {
		dp_report_fail(&w->o, -ENOMEM);
		return;
	}
	put_wrapped(w, text, indent);
	free(text);
}

/* A label that leads a text ("fix:"), and a blank after it unless it
 * ends in a full-width character ("修复："). */
static void
put_lead(struct writer *w, enum label which)
{
	const char *text = label(w, which);
	size_t len = strlen(text);

	put(w, text);
	if (len && !((unsigned char) text[len - 1] & 0x80))
		spaces(w, 1);
}

/* "  1. cause text ........................ DP303, DP301" */
static void
put_cause(struct writer *w, size_t number, const struct cause *c)
{
	struct dp_buf rules = {0};
	size_t right_width, dots;
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "  %zu. ", number);
	put(w, prefix);
	for (size_t i = 0; i < c->n_rules; i++)
		if (dp_buf_printf(&rules, "%s%s", i ? ", " : "", c->rules[i]) < 0)
			dp_report_fail(&w->o, -ENOMEM);
	if (!c->n_rules && dp_buf_puts(&rules, label(w, L_NO_RULE)) < 0)
		dp_report_fail(&w->o, -ENOMEM);
	right_width = rules.data ? width_of(rules.data, rules.len) : 0;
	put_wrapped(w, dp_text_get(&c->text, w->lang), 5);
	/* Dots up to the rules, right-aligned at WIDTH; a line of their
	 * own when the text leaves no room. */
	if (w->col + 2 + 3 + right_width > WIDTH) {
		newline(w);
		spaces(w, 4);
	}
	dots = WIDTH - w->col - 2 - right_width;
	spaces(w, 1);
	for (size_t i = 0; i < dots; i++)
		dp_report_putc(&w->o, '.');
	w->col += dots;
	spaces(w, 1);
	put(w, rules.data ? rules.data : "");
	dp_buf_free(&rules);
	newline(w);
	if (c->note.s[DP_LANG_EN]) {
		spaces(w, 5);
		put_wrapped(w, dp_text_get(&c->note, w->lang), 5);
		newline(w);
	}
	spaces(w, 5);
	put_lead(w, L_CAUSE_FIX);
	put_wrapped(w, dp_text_get(&c->fix, w->lang), w->col);
	newline(w);
}

static void
put_exports(struct writer *w, const struct error *e)
{
	bool used[16] = {false};

	for (size_t i = 0; i < e->n_exports; i++) {
		const struct export *x = &e->exports[i];
		const char *name = "account";
		const char *value = dp_text_get(&x->account->text, w->lang);

		put_label(w, i ? L_EXPORT_NEXT : L_EXPORT_FIRST, &name, &value, 1,
			  0);
		newline(w);
		for (size_t k = 0; k < x->n_commands; k++) {
			spaces(w, 2);
			put(w, x->commands[k]);
			newline(w);
			for (size_t p = 0; p < w->ex->n_placeholders &&
					   p < DP_ARRAY_SIZE(used); p++)
				if (strstr(x->commands[k],
					   w->ex->placeholders[p].name))
					used[p] = true;
		}
		if (x->note.s[DP_LANG_EN]) {
			spaces(w, 2);
			put(w, "(");
			put_wrapped(w, dp_text_get(&x->note, w->lang), 3);
			put(w, ")");
			newline(w);
		}
	}
	if (!e->n_exports)
		return;
	put(w, label(w, L_THEN));
	newline(w);
	for (size_t p = 0; p < w->ex->n_placeholders && p < DP_ARRAY_SIZE(used);
	     p++)
		if (used[p]) {
			spaces(w, 2);
			put_wrapped(w, dp_text_get(&w->ex->placeholders[p].text,
						   w->lang), 2);
			newline(w);
		}
}

/* The line of text holding offset, shortened, for "(line 3: ...)". */
static void
put_seen(struct writer *w, const char *text, size_t len, size_t offset)
{
	static const char *const names[] = {"line", "text"};
	const char *values[2];
	size_t line = 1, start = 0, end, shown = 0, cut = 0;
	char number[24];
	char *excerpt;

	for (size_t i = 0; i < offset && i < len; i++)
		if (text[i] == '\n') {
			line++;
			start = i + 1;
		}
	end = start;
	while (end < len && text[end] != '\n')
		end++;
	while (start < end && (text[start] == ' ' || text[start] == '\t'))
		start++;
	/* At most 60 columns of it. */
	for (size_t i = start, n; i < end; i += n ? n : 1) {
		n = dp_utf8_seq_len(text + i, end - i);
		shown += char_width(text + i, n);
		if (shown > 60) {
			cut = i;
			break;
		}
	}
	excerpt = dp_asprintf("%.*s%s", (int) ((cut ? cut : end) - start),
			      text + start, cut ? "…" : "");
	snprintf(number, sizeof(number), "%zu", line);
	if (!excerpt) {
		dp_report_fail(&w->o, -ENOMEM);
		return;
	}
	values[0] = number;
	values[1] = excerpt;
	spaces(w, 2);
	put_label(w, L_SEEN, names, values, 2, 4);
	newline(w);
	free(excerpt);
}

static void
put_error(struct writer *w, const struct error *e, const char *text,
	  size_t len, size_t offset)
{
	put(w, e->title);
	put(w, " — ");
	put_wrapped(w, dp_text_get(&e->meaning, w->lang), 2);
	newline(w);
	if (memchr(text, '\n', len))
		put_seen(w, text, len, offset);
	if (e->n_causes) {
		put(w, label(w, L_CAUSES));
		newline(w);
		for (size_t i = 0; i < e->n_causes; i++)
			put_cause(w, i + 1, &e->causes[i]);
	}
	put_exports(w, e);
	put_lead(w, L_SOLUTION);
	put_wrapped(w, dp_text_get(&e->fix, w->lang), 2);
	newline(w);
}

static void
put_known(struct writer *w)
{
	put(w, label(w, L_UNKNOWN));
	newline(w);
	put_wrapped(w, label(w, L_KNOWN), 0);
	newline(w);
	for (size_t i = 0; i < w->ex->n_errors; i++) {
		spaces(w, 2);
		put(w, w->ex->errors[i].title);
		newline(w);
	}
	put_wrapped(w, label(w, L_RULES_HINT), 0);
	newline(w);
}

/* ---- rules ----------------------------------------------------------- */

/* text split at blanks into at most max words of at most 63 bytes;
 * (size_t) -1 when it is not that (or holds a NUL byte). */
static size_t
words_of(const char *text, size_t len, char words[][64], size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		size_t start;

		while (i < len && is_blank(text[i]))
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && !is_blank(text[i])) {
			if (text[i] == '\0')
				return (size_t) -1;
			i++;
		}
		if (n == max || i - start >= 64)
			return (size_t) -1;
		memcpy(words[n], text + start, i - start);
		words[n][i - start] = '\0';
		n++;
	}
	return n;
}

static void
put_field(struct writer *w, enum label which, const char *value)
{
	spaces(w, 2);
	if (*value) {
		put_lead(w, which);
		put_wrapped(w, value, 4);
	} else {
		put(w, label(w, which));
	}
	newline(w);
}

static void
put_rule(struct writer *w, const struct dp_rule *rule)
{
	static const char *const names[] = {"severity", "id"};
	const char *values[] = {dp_severity_name(rule->severity), rule->id};
	bool any = false;

	put(w, rule->id);
	spaces(w, 1);
	put(w, rule->slug);
	put(w, " — ");
	put_wrapped(w, dp_text_get(&rule->summary, w->lang), 2);
	newline(w);
	spaces(w, 2);
	put_label(w, rule->enabled ? L_RULE_ON : L_RULE_OFF, names, values, 2,
		  4);
	newline(w);
	if (rule->description.s[DP_LANG_EN]) {
		spaces(w, 2);
		put_wrapped(w, dp_text_get(&rule->description, w->lang), 2);
		newline(w);
	}
	if (rule->console_error)
		put_field(w, L_RULE_CONSOLE, rule->console_error);
	for (size_t i = 0; i < w->ex->n_errors; i++) {
		const struct error *e = &w->ex->errors[i];
		bool listed = false;

		for (size_t c = 0; c < e->n_causes && !listed; c++)
			for (size_t k = 0; k < e->causes[c].n_rules; k++)
				if (strcmp(e->causes[c].rules[k], rule->id) == 0)
					listed = true;
		if (!listed)
			continue;
		if (!any)
			put_field(w, L_RULE_SEE, "");
		any = true;
		spaces(w, 4);
		put(w, "dts-preflight explain '");
		put(w, e->title);
		put(w, "'");
		newline(w);
	}
	if (rule->needs) {
		const char *needs = rule->needs;
		char key[64];

		snprintf(key, sizeof(key), "needs.%s", rule->needs);
		for (size_t i = 0; i < w->ex->n_extra_labels; i++)
			if (strcmp(w->ex->extra_labels[i].name, key) == 0)
				needs = dp_text_get(&w->ex->extra_labels[i].text,
						    w->lang);
		put_field(w, L_RULE_NEEDS, needs);
	}
	if (rule->doc)
		put_field(w, L_RULE_DOC, rule->doc);
	if (rule->example_wrong)
		put_field(w, L_RULE_WRONG, rule->example_wrong);
	if (rule->example_right)
		put_field(w, L_RULE_RIGHT, rule->example_right);
}

/* 1 all explained, 0 an unknown ID among them, -1 not rule words. */
static int
explain_rules(struct writer *w, const struct dp_ruleset *set, const char *text,
	      size_t len)
{
	char words[16][64];
	size_t n = words_of(text, len, words, 16);
	int result = 1;

	if (n == 0 || n == (size_t) -1)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!dp_ruleset_find(set, words[i]) &&
		    !looks_like_rule_id(words[i]))
			return -1;
	for (size_t i = 0; i < n; i++) {
		const struct dp_rule *rule = dp_ruleset_find(set, words[i]);

		if (i)
			newline(w);
		if (rule) {
			put_rule(w, rule);
		} else {
			const char *name = "rule";
			const char *value = words[i];

			put_label(w, L_RULE_UNKNOWN, &name, &value, 1, 0);
			newline(w);
			result = 0;
		}
	}
	return result;
}

int
dp_explain_write(FILE *out, struct dp_explain *explain,
		 const struct dp_ruleset *set, const char *text, size_t len,
		 enum dp_lang lang)
{
	struct writer w = {.lang = lang, .ex = explain};
	size_t *first = calloc(explain->n_errors + 1, sizeof(*first));
	size_t *order = calloc(explain->n_errors + 1, sizeof(*order));
	size_t n = 0;
	int result, r;

	if (!first || !order) {
		r = -ENOMEM;
		goto out;
	}
	result = explain_rules(&w, set, text, len);
	if (result < 0) {
		r = recognise(explain, text, len, first, order, &n);
		if (r < 0)
			goto out;
		for (size_t i = 0; i < n; i++) {
			if (i)
				newline(&w);
			put_error(&w, &explain->errors[order[i]], text, len,
				  first[order[i]]);
		}
		if (n == 0)
			put_known(&w);
		result = n > 0;
	}
	r = dp_report_finish(&w.o, out);
	if (r == 0)
		r = result;
out:
	if (r < 0)
		dp_buf_free(&w.o.buf);
	free(first);
	free(order);
	return r;
}
