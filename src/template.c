/*
 * template.c - expands the texts of a finding ("{field} '{value}' is
 * ...") against the context it was made in.  A variable that is not known
 * in a context makes its alternative fail, so a rule can offer a precise
 * text first and a general one after it.  It decides nothing itself.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "template.h"
#include "util.h"

static int expand_into(const struct dp_tmpl *t, const char *tmpl,
		       struct dp_buf *out);

/* Full-width digits (U+FF10..U+FF19, EF BC 90..99) become ASCII; every
 * other byte that is not a digit is dropped: a UID as it was meant. */
static int
put_digits(struct dp_buf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= '0' && c <= '9') {
			if (dp_buf_putc(out, (char)c) < 0)
				return -ENOMEM;
		} else if (c == 0xEF && i + 2 < len &&
			   (unsigned char)s[i + 1] == 0xBC &&
			   (unsigned char)s[i + 2] >= 0x90 &&
			   (unsigned char)s[i + 2] <= 0x99) {
			if (dp_buf_putc(out, (char)('0' + s[i + 2] - (char)0x90)) < 0)
				return -ENOMEM;
			i += 2;
		}
	}
	return 0;
}

const char *
dp_tmpl_table_word(const struct dp_ruleset *rules, enum dp_lang lang,
		   const char *key)
{
	const struct dp_table *table = rules ? dp_ruleset_table(rules, "fields")
					     : NULL;
	const struct dp_json *entry, *text;

	entry = table ? dp_json_get(table->doc->root, key) : NULL;
	if (!entry)
		return NULL;
	if (entry->kind == DP_JSON_STRING)
		return entry->u.str;
	text = dp_json_get(entry, lang == DP_LANG_ZH ? "zh" : "en");
	if (!text)
		text = dp_json_get(entry, "en");
	return text && text->kind == DP_JSON_STRING ? text->u.str : NULL;
}

/* "source"/"destination", translated ("which.source" in the table). */
static int
put_which(const struct dp_tmpl *t, const char *which, struct dp_buf *out)
{
	char key[32];
	const char *word;

	snprintf(key, sizeof(key), "which.%s", which);
	word = dp_tmpl_table_word(t->rules, t->lang, key);
	return dp_buf_puts(out, word ? word : which) < 0 ? -ENOMEM : 1;
}

/* The label of a field in rules/tables/fields.json, expanded itself. */
static int
put_label(const struct dp_tmpl *t, struct dp_buf *out)
{
	const char *label;
	struct dp_tmpl inner;
	int r;

	if (!t->field)
		return 0;
	label = dp_tmpl_table_word(t->rules, t->lang, t->field->name);
	if (!label)
		return dp_buf_puts(out, t->field->name) < 0 ? -ENOMEM : 1;
	if (t->depth > 2)
		return 0;
	inner = *t;
	inner.field = NULL;
	inner.depth = t->depth + 1;
	r = expand_into(&inner, label, out);
	return r < 0 ? r : r == 0; /* expand_into: 0 resolved, 1 not */
}

static int
put_value(struct dp_buf *out, const struct dp_value *v)
{
	if (!v || !dp_value_given(v))
		return 0;
	return dp_buf_append(out, v->str, v->len) < 0 ? -ENOMEM : 1;
}

static int
put_str(struct dp_buf *out, const char *s)
{
	if (!s)
		return 0;
	return dp_buf_puts(out, s) < 0 ? -ENOMEM : 1;
}

static int put_field(const struct dp_tmpl *t, const char *name, size_t len,
		     struct dp_buf *out);

/* "{?endpoint}" and friends expand to nothing where the context has that
 * part and fail elsewhere: they pick the alternative of a message or fix
 * that fits where the value was found.  "{?value}": the value is given. */
static int
guard(const struct dp_tmpl *t, const char *name, size_t len)
{
	static const struct {
		const char *name;
		size_t offset;
	} parts[] = {
		{"endpoint", offsetof(struct dp_ctx, endpoint)},
		{"task", offsetof(struct dp_ctx, task)},
		{"role", offsetof(struct dp_ctx, role)},
		{"trust", offsetof(struct dp_ctx, trust)},
		{"statement", offsetof(struct dp_ctx, statement)},
		{"principal", offsetof(struct dp_ctx, principal)},
		{"string", offsetof(struct dp_ctx, string)},
		{"attachment", offsetof(struct dp_ctx, attachment)},
	};

	if (len == 5 && memcmp(name, "value", 5) == 0)
		return t->value && dp_value_given(t->value);
	if (len > 1 && name[0] == '=') {
		/* "{?=FIELD}": the field has a given value here. */
		struct dp_buf ignored = {0};
		int r = put_field(t, name + 1, len - 1, &ignored);

		dp_buf_free(&ignored);
		return r;
	}
	for (size_t i = 0; i < DP_ARRAY_SIZE(parts); i++)
		if (strlen(parts[i].name) == len &&
		    memcmp(parts[i].name, name, len) == 0)
			return *(const void *const *)((const char *)t->ctx +
						      parts[i].offset) != NULL;
	return 0;
}

/* "{=endpoint.database_type}": the first given value of a field. */
static int
put_field(const struct dp_tmpl *t, const char *name, size_t len,
	  struct dp_buf *out)
{
	char fname[64];
	const struct dp_field *field;
	const struct dp_value *v;

	if (len >= sizeof(fname))
		return 0;
	memcpy(fname, name, len);
	fname[len] = '\0';
	field = dp_field_find(fname);
	if (!field)
		return 0;
	for (size_t i = 0; (v = dp_field_get(field, t->ctx, i)); i++)
		if (dp_value_given(v))
			return put_value(out, v);
	return 0;
}

static bool
all_digits(const struct dp_value *v)
{
	return dp_value_given(v) && strspn(v->str, "0123456789") == v->len;
}

static bool
same_uid(const struct dp_value *a, const struct dp_value *b)
{
	return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
}

/* The one account, other than the role's owner, that the RAM and Service
 * principals of the context's trust policy name with an all-digit ID:
 * whom the policy means to trust, for a fix that completes it.  NULL
 * when there is none, or more than one. */
static const struct dp_value *
trusted_uid(const struct dp_ctx *ctx)
{
	const struct dp_trust_policy *trust = ctx->trust;
	const struct dp_value *owner = ctx->role ? &ctx->role->owner_uid : NULL;
	const struct dp_value *found = NULL;

	if (!trust && ctx->role)
		trust = ctx->role->trust;
	for (size_t s = 0; trust && s < trust->n_statements; s++) {
		const struct dp_statement *st = &trust->statements[s];
		size_t n = st->n_ram + st->n_service;

		for (size_t i = 0; i < n; i++) {
			const struct dp_value *uid = i < st->n_ram
				? &st->ram[i].uid : &st->service[i - st->n_ram].uid;

			if (!all_digits(uid) ||
			    (owner && dp_value_given(owner) && same_uid(owner, uid)))
				continue;
			if (found && !same_uid(found, uid))
				return NULL;
			found = uid;
		}
	}
	return found;
}

/* Writes variable name (with an optional "|digits" filter) to out: 1 when
 * it resolved, 0 when it is not known here, -ENOMEM. */
static int
put_var(const struct dp_tmpl *t, const char *name, size_t len,
	struct dp_buf *out)
{
	const struct dp_ctx *ctx = t->ctx;
	const char *bar = memchr(name, '|', len);
	size_t nlen = bar ? (size_t)(bar - name) : len;

#define IS(s) (nlen == sizeof(s) - 1 && memcmp(name, s, nlen) == 0)
	if (nlen > 1 && name[0] == '?')
		return guard(t, name + 1, nlen - 1);
	if (nlen > 1 && name[0] == '=' && !bar)
		return put_field(t, name + 1, nlen - 1, out);
	if (bar) {
		if (!IS("value") || len - nlen - 1 != 6 ||
		    memcmp(bar + 1, "digits", 6) != 0 || !t->value ||
		    !dp_value_given(t->value))
			return 0;
		return put_digits(out, t->value->str, t->value->len) < 0 ? -ENOMEM : 1;
	}
	if (nlen == 1 && name[0] >= '0' && name[0] <= '9') {
		int g = name[0] - '0';

		if (!t->match || t->match->start[g] < 0)
			return 0;
		return dp_buf_append(out, t->value->str + t->match->start[g],
				     (size_t)(t->match->end[g] - t->match->start[g])) < 0
			       ? -ENOMEM : 1;
	}
	if (IS("value"))
		return put_value(out, t->value);
	if (IS("field"))
		return put_label(t, out);
	if (IS("which"))
		return ctx->endpoint ? put_which(t, ctx->endpoint->which, out) : 0;
	if (IS("role"))
		return ctx->role ? put_value(out, &ctx->role->name) : 0;
	if (IS("role_owner"))
		return ctx->role ? put_value(out, &ctx->role->owner_uid) : 0;
	if (IS("role_name"))
		return ctx->endpoint ? put_value(out, &ctx->endpoint->role_name) : 0;
	if (IS("owner_uid"))
		return ctx->endpoint ? put_value(out, &ctx->endpoint->owner_uid) : 0;
	if (IS("creator_uid"))
		return put_value(out, &ctx->setup->creator_uid);
	if (IS("trusted_uid"))
		return put_value(out, trusted_uid(ctx));
	if (IS("console_error"))
		return t->rule ? put_str(out, t->rule->console_error) : 0;
	if (IS("detail"))
		return ctx->diag ? put_str(out, ctx->diag->msg) : 0;
	if (IS("tried"))
		return ctx->unknown ? put_str(out, ctx->unknown->tried) : 0;
	if (IS("nearest"))
		return ctx->unknown ? put_str(out, ctx->unknown->nearest) : 0;
	if (IS("among"))
		return put_str(out, t->among);
	if (IS("closest"))
		return put_str(out, t->closest);
	if (IS("allowed"))
		return put_str(out, t->allowed);
	if (IS("caveat"))
		return put_str(out, t->caveat);
#undef IS
	return 0;
}

/* 0 when every variable resolved, 1 when one did not, -ENOMEM. */
static int
expand_into(const struct dp_tmpl *t, const char *tmpl, struct dp_buf *out)
{
	const char *p = tmpl;
	int r;

	while (*p) {
		const char *open = strchr(p, '{');
		const char *close;

		if (!open)
			return dp_buf_puts(out, p) < 0 ? -ENOMEM : 0;
		close = strchr(open, '}');
		if (!close)
			return dp_buf_puts(out, p) < 0 ? -ENOMEM : 0;
		if (dp_buf_append(out, p, (size_t)(open - p)) < 0)
			return -ENOMEM;
		r = put_var(t, open + 1, (size_t)(close - open - 1), out);
		if (r < 0)
			return r;
		if (r == 0)
			return 1;
		p = close + 1;
	}
	return 0;
}

char *
dp_tmpl_expand(const struct dp_tmpl *t, const char *tmpl, bool *ret_unresolved)
{
	struct dp_buf out = {0};
	int r = expand_into(t, tmpl, &out);

	*ret_unresolved = r == 1;
	if (r != 0) {
		dp_buf_free(&out);
		return NULL;
	}
	return dp_buf_steal(&out); /* NULL only on ENOMEM */
}

char *
dp_tmpl_first_text(const struct dp_tmpl *t, const struct dp_text *texts,
		   size_t n, int *ret_err)
{
	bool unresolved;

	for (size_t i = 0; i < n; i++) {
		char *s = dp_tmpl_expand(t, dp_text_get(&texts[i], t->lang),
					 &unresolved);

		if (s)
			return s;
		if (!unresolved) {
			*ret_err = -ENOMEM;
			return NULL;
		}
	}
	return NULL;
}

char *
dp_tmpl_first_string(const struct dp_tmpl *t, const char *const *tmpls,
		     size_t n, int *ret_err)
{
	bool unresolved;

	for (size_t i = 0; i < n; i++) {
		char *s = dp_tmpl_expand(t, tmpls[i], &unresolved);

		if (s)
			return s;
		if (!unresolved) {
			*ret_err = -ENOMEM;
			return NULL;
		}
	}
	return NULL;
}

int
dp_tmpl_validate(const char *tmpl, const char **ret_bad, size_t *ret_len)
{
	static const char *const vars[] = {
		"value", "value|digits", "field", "which", "role", "role_owner",
		"role_name", "owner_uid", "creator_uid", "trusted_uid",
		"console_error", "detail", "tried", "nearest", "among",
		"closest", "allowed", "caveat", "?value", "?endpoint", "?task",
		"?role", "?trust", "?statement", "?principal", "?string",
		"?attachment",
	};

	for (const char *p = strchr(tmpl, '{'); p; p = strchr(p + 1, '{')) {
		const char *close = strchr(p, '}');
		size_t len;
		bool known = false;
		char name[64];

		if (!close)
			break;
		len = (size_t)(close - p - 1);
		if (len == 1 && p[1] >= '0' && p[1] <= '9')
			continue;
		for (size_t i = 0; i < DP_ARRAY_SIZE(vars) && !known; i++)
			known = strlen(vars[i]) == len && memcmp(vars[i], p + 1, len) == 0;
		if (!known && len > 1 && len < sizeof(name) && p[1] == '=') {
			memcpy(name, p + 2, len - 1);
			name[len - 1] = '\0';
			known = dp_field_find(name) != NULL;
		}
		if (!known && len > 2 && len < sizeof(name) && p[1] == '?' &&
		    p[2] == '=') {
			memcpy(name, p + 3, len - 2);
			name[len - 2] = '\0';
			known = dp_field_find(name) != NULL;
		}
		if (!known) {
			*ret_bad = p;
			*ret_len = len + 2;
			return -EINVAL;
		}
	}
	return 0;
}
