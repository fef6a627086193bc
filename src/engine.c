/*
 * engine.c - evaluates rules over the canonical model: walks the contexts
 * a rule selects (endpoints, roles, principals, ...), applies the rule's
 * generic check, fills in its message templates and appends findings;
 * then drops what a more specific rule already explains.  No rule ID,
 * pattern or message is written here: they are all data in rules/.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "regex.h"
#include "util.h"

/* ---- fields ---------------------------------------------------------- */

/* Getters return a pointer to the i-th value or NULL.  Values that the
 * model does not store (a trust policy as a whole) are built in a
 * per-context scratch slot. */

static const struct dp_value *
one(const struct dp_value *v, size_t i)
{
	return i == 0 ? v : NULL;
}

#define ENDPOINT_FIELD(fname, member)                                         \
	static const struct dp_value *get_endpoint_##member(                   \
		const struct dp_ctx *ctx, size_t i)                            \
	{                                                                      \
		return ctx->endpoint ? one(&ctx->endpoint->member, i) : NULL;  \
	}
ENDPOINT_FIELD("endpoint.instance_type", instance_type)
ENDPOINT_FIELD("endpoint.engine", engine)
ENDPOINT_FIELD("endpoint.region", region)
ENDPOINT_FIELD("endpoint.owner_uid", owner_uid)
ENDPOINT_FIELD("endpoint.role_name", role_name)
ENDPOINT_FIELD("endpoint.instance_id", instance_id)

static const struct dp_value *
get_role_name(const struct dp_ctx *ctx, size_t i)
{
	return ctx->role ? one(&ctx->role->name, i) : NULL;
}

static const struct dp_value *
get_role_arn(const struct dp_ctx *ctx, size_t i)
{
	return ctx->role ? one(&ctx->role->arn, i) : NULL;
}

static const struct dp_value *
get_role_owner_uid(const struct dp_ctx *ctx, size_t i)
{
	return ctx->role ? one(&ctx->role->owner_uid, i) : NULL;
}

static const struct dp_value *
get_trust_document(const struct dp_ctx *ctx, size_t i)
{
	return ctx->trust ? one(&ctx->trust->document, i) : NULL;
}

static const struct dp_value *
get_trust_version(const struct dp_ctx *ctx, size_t i)
{
	return ctx->trust ? one(&ctx->trust->version, i) : NULL;
}

static const struct dp_value *
get_statement_effect(const struct dp_ctx *ctx, size_t i)
{
	return ctx->statement ? one(&ctx->statement->effect, i) : NULL;
}

static const struct dp_value *
get_statement_action(const struct dp_ctx *ctx, size_t i)
{
	if (!ctx->statement || i >= ctx->statement->n_actions)
		return NULL;
	return &ctx->statement->actions[i];
}

static const struct dp_value *
get_principal(const struct dp_ctx *ctx, size_t i)
{
	return ctx->principal ? one(&ctx->principal->value, i) : NULL;
}

static const struct dp_value *
get_principal_uid(const struct dp_ctx *ctx, size_t i)
{
	return ctx->principal ? one(&ctx->principal->uid, i) : NULL;
}

static const struct dp_value *
get_principal_rest(const struct dp_ctx *ctx, size_t i)
{
	return ctx->principal ? one(&ctx->principal->rest, i) : NULL;
}

static const struct dp_value *
get_trust_string(const struct dp_ctx *ctx, size_t i)
{
	return ctx->string ? one(ctx->string, i) : NULL;
}

static const struct dp_value *
get_attachment_name(const struct dp_ctx *ctx, size_t i)
{
	return ctx->attachment ? one(&ctx->attachment->name, i) : NULL;
}

static const struct dp_value *
get_attachment_type(const struct dp_ctx *ctx, size_t i)
{
	return ctx->attachment ? one(&ctx->attachment->type, i) : NULL;
}

static const struct dp_value *
get_creator_uid(const struct dp_ctx *ctx, size_t i)
{
	return one(&ctx->setup->creator_uid, i);
}

static const struct dp_value *
get_task_job_type(const struct dp_ctx *ctx, size_t i)
{
	return ctx->task ? one(&ctx->task->job_type, i) : NULL;
}

static const struct dp_value *
get_task_direction(const struct dp_ctx *ctx, size_t i)
{
	return ctx->task ? one(&ctx->task->direction, i) : NULL;
}

#define FIELD(n, lvl, fn) {.name = n, .level = DP_LEVEL_##lvl, .get = fn}

static const struct dp_field field_table[] = {
	FIELD("endpoint.instance_type", ENDPOINT, get_endpoint_instance_type),
	FIELD("endpoint.engine", ENDPOINT, get_endpoint_engine),
	FIELD("endpoint.region", ENDPOINT, get_endpoint_region),
	FIELD("endpoint.owner_uid", ENDPOINT, get_endpoint_owner_uid),
	FIELD("endpoint.role_name", ENDPOINT, get_endpoint_role_name),
	FIELD("endpoint.instance_id", ENDPOINT, get_endpoint_instance_id),
	FIELD("task.job_type", TASK, get_task_job_type),
	FIELD("task.direction", TASK, get_task_direction),
	FIELD("role.name", ROLE, get_role_name),
	FIELD("role.arn", ROLE, get_role_arn),
	FIELD("role.owner_uid", ROLE, get_role_owner_uid),
	FIELD("trust", TRUST, get_trust_document),
	FIELD("trust.version", TRUST, get_trust_version),
	FIELD("statement.effect", STATEMENT, get_statement_effect),
	FIELD("statement.action", STATEMENT, get_statement_action),
	FIELD("principal.ram", PRINCIPAL_RAM, get_principal),
	FIELD("principal.ram.uid", PRINCIPAL_RAM, get_principal_uid),
	FIELD("principal.ram.rest", PRINCIPAL_RAM, get_principal_rest),
	FIELD("principal.service", PRINCIPAL_SERVICE, get_principal),
	FIELD("principal.service.uid", PRINCIPAL_SERVICE, get_principal_uid),
	FIELD("principal.service.host", PRINCIPAL_SERVICE, get_principal_rest),
	FIELD("principal.federated", PRINCIPAL_FEDERATED, get_principal),
	FIELD("trust.string", TRUST_STRING, get_trust_string),
	FIELD("attachment.name", ATTACHMENT, get_attachment_name),
	FIELD("attachment.type", ATTACHMENT, get_attachment_type),
	FIELD("creator_uid", SETUP, get_creator_uid),
};

const struct dp_field *
dp_field_find(const char *name)
{
	for (size_t i = 0; i < DP_ARRAY_SIZE(field_table); i++)
		if (strcmp(field_table[i].name, name) == 0)
			return &field_table[i];
	return NULL;
}

/* ---- walking contexts ---------------------------------------------- */

typedef int (*visit_fn)(void *data, const struct dp_ctx *ctx);

struct walker {
	const struct dp_engine_input *in;
	visit_fn visit;
	void *data;
};

static int walk(const struct walker *w, struct dp_ctx ctx, enum dp_level level);

static int
walk_principals(const struct walker *w, struct dp_ctx ctx, enum dp_level level)
{
	const struct dp_statement *st = ctx.statement;
	const struct dp_principal *list = st->ram;
	size_t n = st->n_ram;
	int r;

	if (level == DP_LEVEL_PRINCIPAL_SERVICE) {
		list = st->service;
		n = st->n_service;
	} else if (level == DP_LEVEL_PRINCIPAL_FEDERATED) {
		list = st->federated;
		n = st->n_federated;
	}
	for (size_t i = 0; i < n; i++) {
		ctx.principal = &list[i];
		if ((r = w->visit(w->data, &ctx)) < 0)
			return r;
	}
	return 0;
}

/* Below a trust policy: statements, their principals, its strings. */
static int
walk_trust(const struct walker *w, struct dp_ctx ctx, enum dp_level level)
{
	const struct dp_trust_policy *trust = ctx.trust;
	int r;

	if (level == DP_LEVEL_TRUST)
		return w->visit(w->data, &ctx);
	if (level == DP_LEVEL_TRUST_STRING) {
		for (size_t i = 0; i < trust->n_strings; i++) {
			ctx.string = &trust->strings[i];
			if ((r = w->visit(w->data, &ctx)) < 0)
				return r;
		}
		return 0;
	}
	for (size_t i = 0; i < trust->n_statements; i++) {
		ctx.statement = &trust->statements[i];
		r = level == DP_LEVEL_STATEMENT ? w->visit(w->data, &ctx)
						: walk_principals(w, ctx, level);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
walk_role(const struct walker *w, struct dp_ctx ctx, enum dp_level level)
{
	const struct dp_role *role = ctx.role;
	int r;

	if (level == DP_LEVEL_ROLE)
		return w->visit(w->data, &ctx);
	if (level == DP_LEVEL_ATTACHMENT) {
		for (size_t i = 0; i < role->n_attachments; i++) {
			ctx.attachment = &role->attachments[i];
			if ((r = w->visit(w->data, &ctx)) < 0)
				return r;
		}
		return 0;
	}
	if (!role->trust)
		return 0;
	if (!ctx.trust)
		ctx.trust = role->trust;
	return walk_trust(w, ctx, level);
}

static int
walk_tasks(const struct walker *w, struct dp_ctx ctx, enum dp_level level)
{
	const struct dp_setup *setup = ctx.setup;
	int r;

	for (size_t t = 0; t < setup->n_tasks; t++) {
		const struct dp_task *task = setup->tasks[t];

		if (ctx.task && ctx.task != task)
			continue;
		ctx.task = task;
		if (level == DP_LEVEL_TASK) {
			r = w->visit(w->data, &ctx);
		} else {
			ctx.endpoint = &task->source;
			r = w->visit(w->data, &ctx);
			ctx.endpoint = &task->destination;
			if (r == 0)
				r = w->visit(w->data, &ctx);
			ctx.endpoint = NULL;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int
walk_docs(const struct walker *w, struct dp_ctx ctx, enum dp_level level)
{
	const struct dp_engine_input *in = w->in;
	int r;

	if (level == DP_LEVEL_DOCUMENT) {
		for (size_t i = 0; i < in->n_unknown; i++) {
			ctx.unknown = &in->unknown[i];
			ctx.doc = in->unknown[i].doc;
			if ((r = w->visit(w->data, &ctx)) < 0)
				return r;
		}
		return 0;
	}
	for (size_t d = 0; d < in->n_docs; d++) {
		ctx.doc = in->docs[d];
		for (size_t i = 0; i < ctx.doc->n_diags; i++) {
			ctx.diag = &ctx.doc->diags[i];
			if ((r = w->visit(w->data, &ctx)) < 0)
				return r;
		}
	}
	return 0;
}

/* Visits every context of level inside ctx (which may already pin a
 * role, a trust policy or a statement: then only what lies within). */
static int
walk(const struct walker *w, struct dp_ctx ctx, enum dp_level level)
{
	const struct dp_setup *setup = ctx.setup;
	int r;

	switch (level) {
	case DP_LEVEL_DIAG:
	case DP_LEVEL_DOCUMENT:
		return walk_docs(w, ctx, level);
	case DP_LEVEL_SETUP:
		return w->visit(w->data, &ctx);
	case DP_LEVEL_TASK:
	case DP_LEVEL_ENDPOINT:
		return walk_tasks(w, ctx, level);
	case DP_LEVEL_STATEMENT:
	case DP_LEVEL_PRINCIPAL_RAM:
	case DP_LEVEL_PRINCIPAL_SERVICE:
	case DP_LEVEL_PRINCIPAL_FEDERATED:
		if (ctx.statement) {
			if (level == DP_LEVEL_STATEMENT)
				return w->visit(w->data, &ctx);
			return walk_principals(w, ctx, level);
		}
		if (ctx.trust)
			return walk_trust(w, ctx, level);
		break;
	case DP_LEVEL_TRUST_STRING:
	case DP_LEVEL_TRUST:
		if (ctx.trust)
			return walk_trust(w, ctx, level);
		break;
	case DP_LEVEL_ROLE:
	case DP_LEVEL_ATTACHMENT:
		if (ctx.role)
			return walk_role(w, ctx, level);
		break;
	case DP_LEVEL__COUNT:
		return -EINVAL;
	}
	for (size_t i = 0; i < setup->n_roles; i++) {
		ctx.role = setup->roles[i];
		if ((r = walk_role(w, ctx, level)) < 0)
			return r;
	}
	return 0;
}

/* ---- templates ------------------------------------------------------- */

struct tmpl {
	const struct dp_ctx *ctx;
	const struct dp_rule *rule;
	const struct dp_value *value;
	const struct dp_match *match;      /* groups of value, or NULL */
	const struct dp_field *field;      /* the selected field, or NULL */
	const struct dp_ruleset *rules;
	enum dp_lang lang;
	unsigned depth;
};

static int expand_into(const struct tmpl *t, const char *tmpl,
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

/* A word from rules/tables/fields.json in the run's language. */
static const char *
table_word(const struct tmpl *t, const char *key)
{
	const struct dp_table *table = dp_ruleset_table(t->rules, "fields");
	const struct dp_json *entry, *text;

	entry = table ? dp_json_get(table->doc->root, key) : NULL;
	if (!entry)
		return NULL;
	if (entry->kind == DP_JSON_STRING)
		return entry->u.str;
	text = dp_json_get(entry, t->lang == DP_LANG_ZH ? "zh" : "en");
	if (!text)
		text = dp_json_get(entry, "en");
	return text && text->kind == DP_JSON_STRING ? text->u.str : NULL;
}

/* "source"/"destination", translated ("which.source" in the table). */
static int
put_which(const struct tmpl *t, const char *which, struct dp_buf *out)
{
	char key[32];
	const char *word;

	snprintf(key, sizeof(key), "which.%s", which);
	word = table_word(t, key);
	return dp_buf_puts(out, word ? word : which) < 0 ? -ENOMEM : 1;
}

/* The label of a field in rules/tables/fields.json, expanded itself. */
static int
put_label(const struct tmpl *t, struct dp_buf *out)
{
	const char *label;
	int r;

	if (!t->field)
		return 0;
	label = table_word(t, t->field->name);
	if (!label)
		return dp_buf_puts(out, t->field->name) < 0 ? -ENOMEM : 1;
	if (t->depth > 2)
		return 0;
	r = expand_into(&(struct tmpl){.ctx = t->ctx, .rule = t->rule,
				      .value = t->value, .field = NULL,
				      .rules = t->rules, .lang = t->lang,
				      .depth = t->depth + 1},
			label, out);
	return r < 0 ? r : r == 0; /* expand_into: 0 resolved, 1 not */
}

static int
put_value(struct dp_buf *out, const struct dp_value *v)
{
	if (!v || !dp_value_given(v))
		return 0;
	return dp_buf_append(out, v->str, v->len) < 0 ? -ENOMEM : 1;
}

/* "{?endpoint}" and friends expand to nothing where the context has that
 * part and fail elsewhere: they pick the alternative of a message or fix
 * that fits where the value was found. */
static int
guard(const struct dp_ctx *ctx, const char *name, size_t len)
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

	for (size_t i = 0; i < DP_ARRAY_SIZE(parts); i++)
		if (strlen(parts[i].name) == len &&
		    memcmp(parts[i].name, name, len) == 0)
			return *(const void *const *)((const char *)ctx +
						      parts[i].offset) != NULL;
	return 0;
}

/* Writes variable name (with an optional "|digits" filter) to out: 1 when
 * it resolved, 0 when it is not known here, -ENOMEM. */
static int
put_var(const struct tmpl *t, const char *name, size_t len, struct dp_buf *out)
{
	const struct dp_ctx *ctx = t->ctx;
	const char *bar = memchr(name, '|', len);
	size_t nlen = bar ? (size_t)(bar - name) : len;

#define IS(s) (nlen == sizeof(s) - 1 && memcmp(name, s, nlen) == 0)
	if (nlen > 1 && name[0] == '?')
		return guard(ctx, name + 1, nlen - 1);
	if (bar) {
		if (!IS("value") || len - nlen - 1 != 6 ||
		    memcmp(bar + 1, "digits", 6) != 0 || !dp_value_given(t->value))
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
	if (IS("console_error"))
		return t->rule->console_error
			       ? (dp_buf_puts(out, t->rule->console_error) < 0 ? -ENOMEM : 1)
			       : 0;
	if (IS("detail"))
		return ctx->diag ? (dp_buf_puts(out, ctx->diag->msg) < 0 ? -ENOMEM : 1) : 0;
	if (IS("tried"))
		return ctx->unknown ? (dp_buf_puts(out, ctx->unknown->tried) < 0 ? -ENOMEM : 1) : 0;
	if (IS("nearest"))
		return ctx->unknown && ctx->unknown->nearest
			       ? (dp_buf_puts(out, ctx->unknown->nearest) < 0 ? -ENOMEM : 1)
			       : 0;
#undef IS
	return 0;
}

/* 0 when every variable resolved, 1 when one did not, -ENOMEM. */
static int
expand_into(const struct tmpl *t, const char *tmpl, struct dp_buf *out)
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

static char *
expand(const struct tmpl *t, const char *tmpl, bool *ret_unresolved)
{
	struct dp_buf out = {0};
	int r = expand_into(t, tmpl, &out);

	*ret_unresolved = r == 1;
	if (r != 0) {
		dp_buf_free(&out);
		return NULL;
	}
	return dp_buf_steal(&out);
}

char *
dp_engine_expand(const char *tmpl, const struct dp_ctx *ctx,
		 const struct dp_rule *rule, const struct dp_value *value,
		 const struct dp_ruleset *rules, enum dp_lang lang,
		 bool *ret_unresolved)
{
	struct tmpl t = {.ctx = ctx, .rule = rule, .value = value,
			 .rules = rules, .lang = lang};

	return expand(&t, tmpl, ret_unresolved);
}

/* The first of texts that resolves, or NULL. */
static char *
first_text(const struct tmpl *t, const struct dp_text *texts, size_t n,
	   int *ret_err)
{
	bool unresolved;

	for (size_t i = 0; i < n; i++) {
		char *s = expand(t, dp_text_get(&texts[i], t->lang), &unresolved);

		if (s)
			return s;
		if (!unresolved) {
			*ret_err = -ENOMEM;
			return NULL;
		}
	}
	return NULL;
}

static char *
first_string(const struct tmpl *t, const char **tmpls, size_t n, int *ret_err)
{
	bool unresolved;

	for (size_t i = 0; i < n; i++) {
		char *s = expand(t, tmpls[i], &unresolved);

		if (s)
			return s;
		if (!unresolved) {
			*ret_err = -ENOMEM;
			return NULL;
		}
	}
	return NULL;
}

/* ---- evaluation ------------------------------------------------------ */

struct eval {
	const struct dp_engine_input *in;
	const struct dp_rule *rule;
	const struct dp_check *check;
	const struct dp_field *field;     /* the selected field now walked */
	enum dp_severity severity;
	struct dp_findings *out;
	struct dp_buf limit_errors;       /* patterns that hit their limit */
};

/* Where the part [start, end) of a value lies in its file. */
static struct dp_span
value_part_span(const struct dp_value *v, long start, long end)
{
	struct dp_span span = v->origin.span;

	if (v->node && start >= 0 &&
	    dp_json_substr_span(v->doc, v->node, v->node_off + (size_t)start,
				(size_t)(end - start), &span) < 0)
		span = v->origin.span;
	return span;
}

static int
emit(struct eval *ev, const struct dp_ctx *ctx, const struct dp_value *value,
     const struct dp_match *match, struct dp_origin where)
{
	const struct dp_check *c = ev->check;
	struct tmpl t = {.ctx = ctx, .rule = ev->rule, .value = value,
			 .match = match, .field = ev->field,
			 .rules = ev->in->rules, .lang = ev->in->lang};
	struct dp_finding f = {.rule = ev->rule, .severity = ev->severity,
			       .origin = where};
	int err = 0;
	int r;

	f.message = first_text(&t, c->messages, c->n_messages, &err);
	if (!f.message && err == 0)
		f.message = dp_strdup(dp_text_get(&ev->rule->summary, t.lang));
	f.why = first_text(&t, c->whys, c->n_whys, &err);
	f.fix = first_text(&t, c->fixes, c->n_fixes, &err);
	f.replacement = first_string(&t, c->replacements, c->n_replacements, &err);
	if (value && dp_value_given(value))
		f.value = strndup(value->str, value->len);
	if (err < 0 || !f.message)
		goto nomem;
	r = dp_findings_push(ev->out, &f);
	if (r < 0)
		goto nomem;
	return 0;
nomem:
	free(f.message);
	free(f.why);
	free(f.fix);
	free(f.replacement);
	free(f.value);
	return -ENOMEM;
}

static bool
value_empty(const struct dp_value *v)
{
	return !v || v->state == DP_VALUE_ABSENT ||
	       (v->state == DP_VALUE_PRESENT && v->len == 0);
}

static bool
where_holds(const struct eval *ev, const struct dp_ctx *ctx)
{
	const struct dp_check *c = ev->check;
	const char *needs = ev->rule->needs;

	/* A role condition filters contexts that have a role; an endpoint
	 * selected beside role fields passes it. */
	if (c->role_kinds && ctx->role &&
	    !(c->role_kinds & DP_ROLE_MASK(ctx->role->kind)))
		return false;
	if (c->cross_account && !(ctx->endpoint && ctx->endpoint->cross_account))
		return false;
	if (needs && strcmp(needs, "attachments") == 0 &&
	    !(ctx->role && ctx->role->has_attachments))
		return false;
	for (size_t i = 0; i < c->n_given; i++) {
		const struct dp_value *v = c->given[i]->get(ctx, 0);

		if (!v || !dp_value_given(v))
			return false;
	}
	for (size_t i = 0; i < c->n_missing; i++)
		if (!value_empty(c->missing[i]->get(ctx, 0)))
			return false;
	return true;
}

/* Records that a pattern gave up on a value (hostile rule or input). */
static int
limit_hit(struct eval *ev, const struct dp_value *v)
{
	return dp_buf_printf(&ev->limit_errors,
			     "%srule %s: pattern hit its match limit on the value "
			     "at %s%s (%s)", ev->limit_errors.len ? "\n" : "",
			     ev->rule->id,
			     v->origin.source ? v->origin.source->path : "",
			     v->origin.pointer ? v->origin.pointer : "",
			     dp_regex_pattern(ev->check->pattern)) < 0 ? -ENOMEM : 0;
}

static int
check_pattern(struct eval *ev, const struct dp_ctx *ctx, const struct dp_value *v)
{
	const struct dp_check *c = ev->check;
	struct dp_match m;
	struct dp_origin where = v->origin;
	int r;

	if (!dp_value_given(v))
		return 0;
	r = dp_regex_match(c->pattern, v->str, v->len, &m);
	if (r == -E2BIG)
		return limit_hit(ev, v);
	if (r < 0)
		return r;
	if (c->type == DP_CHECK_NO_MATCH)
		return r == 0 ? emit(ev, ctx, v, NULL, where) : 0;
	if (r == 0)
		return 0;
	if (c->span_group >= 0 && m.start[c->span_group] >= 0)
		where.span = value_part_span(v, m.start[c->span_group],
					     m.end[c->span_group]);
	return emit(ev, ctx, v, &m, where);
}

/* NONE: does any element of level `of` inside ctx meet every
 * requirement (each a field with some value matching its pattern)? */
struct none_state {
	struct eval *ev;
	bool found;
	int error;
};

static int
visit_requirement(void *data, const struct dp_ctx *ctx)
{
	struct none_state *st = data;
	const struct dp_check *c = st->ev->check;

	for (size_t k = 0; k < c->n_require; k++) {
		const struct dp_value *v;
		bool ok = false;

		for (size_t i = 0; (v = c->require[k].field->get(ctx, i)); i++) {
			int r;

			if (!dp_value_given(v))
				continue;
			r = dp_regex_match(c->require[k].pattern, v->str, v->len, NULL);
			if (r < 0)
				return r == -E2BIG ? limit_hit(st->ev, v) : r;
			if (r == 1) {
				ok = true;
				break;
			}
		}
		if (!ok)
			return 0;
	}
	st->found = true;
	return 0;
}

static int
check_none(struct eval *ev, const struct dp_ctx *ctx, const struct dp_value *v)
{
	struct none_state st = {.ev = ev};
	struct walker w = {.in = ev->in, .visit = visit_requirement, .data = &st};
	int r = walk(&w, *ctx, ev->check->of);

	if (r < 0)
		return r;
	return st.found ? 0 : emit(ev, ctx, v, NULL, v->origin);
}

static int
check_value(struct eval *ev, const struct dp_ctx *ctx, const struct dp_value *v)
{
	const struct dp_check *c = ev->check;
	const struct dp_value *other, *at;

	switch (c->type) {
	case DP_CHECK_MATCH:
	case DP_CHECK_NO_MATCH:
		return check_pattern(ev, ctx, v);
	case DP_CHECK_MISSING:
		if (!value_empty(v))
			return 0;
		at = c->at ? c->at->get(ctx, 0) : NULL;
		return emit(ev, ctx, v, NULL,
			    v->state == DP_VALUE_PRESENT || !at || !at->origin.source
				    ? v->origin : at->origin);
	case DP_CHECK_NONE:
		return check_none(ev, ctx, v);
	case DP_CHECK_EQUALS:
	case DP_CHECK_DIFFERS:
		other = c->other->get(ctx, 0);
		if (!other || !dp_value_given(v) || !dp_value_given(other))
			return 0;
		if ((v->len == other->len && memcmp(v->str, other->str, v->len) == 0) ==
		    (c->type == DP_CHECK_EQUALS))
			return emit(ev, ctx, v, NULL, v->origin);
		return 0;
	case DP_CHECK_DIAGNOSTIC:
	case DP_CHECK_UNKNOWN_DOC:
		break;
	}
	return 0;
}

/* A document-level finding: a loader diagnostic or an unknown shape. */
static int
check_document(struct eval *ev, const struct dp_ctx *ctx)
{
	struct dp_origin where = {.source = (struct dp_source *)ctx->doc->source,
				  .pointer = ""};

	if (ev->check->type == DP_CHECK_DIAGNOSTIC) {
		if (ctx->diag->kind != ev->check->diag_kind)
			return 0;
		where.span = ctx->diag->span;
		where.pointer = ctx->diag->pointer ? ctx->diag->pointer : "";
	} else if (ctx->doc->root) {
		where.span.start = ctx->doc->root->span.start;
		where.span.end = ctx->doc->root->span.start + 1;
	}
	return emit(ev, ctx, NULL, NULL, where);
}

static int
visit_rule(void *data, const struct dp_ctx *ctx)
{
	struct eval *ev = data;
	const struct dp_value *v;
	int r;

	if (ev->check->type == DP_CHECK_DIAGNOSTIC ||
	    ev->check->type == DP_CHECK_UNKNOWN_DOC)
		return check_document(ev, ctx);
	if (!where_holds(ev, ctx))
		return 0;
	for (size_t i = 0; (v = ev->field->get(ctx, i)); i++) {
		if (v->state == DP_VALUE_UNKNOWN)
			continue; /* not checkable: the adapters said so */
		if ((r = check_value(ev, ctx, v)) < 0)
			return r;
		if (ev->check->type == DP_CHECK_MISSING)
			break;
	}
	return 0;
}

static int
run_rule(struct eval *ev)
{
	const struct dp_check *c = ev->check;
	struct walker w = {.in = ev->in, .visit = visit_rule, .data = ev};
	struct dp_ctx root = {.setup = ev->in->setup};
	int r;

	if (c->type == DP_CHECK_DIAGNOSTIC || c->type == DP_CHECK_UNKNOWN_DOC) {
		ev->field = NULL;
		return walk(&w, root, c->level);
	}
	for (size_t i = 0; i < c->n_select; i++) {
		ev->field = c->select[i];
		if ((r = walk(&w, root, ev->field->level)) < 0)
			return r;
	}
	return 0;
}

/* ---- one mistake, one finding --------------------------------------- */

static bool
yields(const struct dp_rule *rule, const char *id)
{
	for (size_t i = 0; i < rule->n_yields_to; i++)
		if (strcmp(rule->yields_to[i], id) == 0)
			return true;
	return false;
}

static bool
overlaps(const struct dp_finding *a, const struct dp_finding *b)
{
	if (a->origin.source != b->origin.source)
		return false;
	if (a->origin.span.start == b->origin.span.start)
		return true;
	return a->origin.span.start < b->origin.span.end &&
	       b->origin.span.start < a->origin.span.end;
}

static int
cmp_by_place(const void *pa, const void *pb)
{
	const struct dp_finding *a = *(const struct dp_finding *const *)pa;
	const struct dp_finding *b = *(const struct dp_finding *const *)pb;

	if (a->origin.source != b->origin.source)
		return (uintptr_t)a->origin.source < (uintptr_t)b->origin.source ? -1 : 1;
	if (a->origin.span.start != b->origin.span.start)
		return a->origin.span.start < b->origin.span.start ? -1 : 1;
	return 0;
}

/* Drops, from the findings added since `first`, each one whose rule
 * yields to the rule of an overlapping finding in the same file.  Only
 * findings of one file are compared, so the cost stays per file. */
static int
drop_explained(struct dp_findings *list, size_t first)
{
	size_t n = list->n - first;
	struct dp_finding **byplace;
	bool *drop;

	if (n < 2)
		return 0;
	byplace = malloc(n * sizeof(*byplace));
	drop = calloc(n, sizeof(*drop));
	if (!byplace || !drop) {
		free(byplace);
		free(drop);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		byplace[i] = &list->items[first + i];
	qsort(byplace, n, sizeof(*byplace), cmp_by_place);
	for (size_t i = 0, group = 0; i < n; i++) {
		const struct dp_finding *f = byplace[i];

		if (f->origin.source != byplace[group]->origin.source)
			group = i;
		if (!f->rule->n_yields_to)
			continue;
		for (size_t k = group; k < n && byplace[k]->origin.source ==
						   f->origin.source; k++)
			if (k != i && yields(f->rule, byplace[k]->rule->id) &&
			    overlaps(f, byplace[k])) {
				drop[byplace[i] - &list->items[first]] = true;
				break;
			}
	}
	for (size_t i = n; i-- > 0;)
		if (drop[i])
			dp_findings_remove(list, first + i);
	free(byplace);
	free(drop);
	return 0;
}

int
dp_engine_run(const struct dp_engine_input *in, struct dp_findings *out,
	      char **reterr_msg)
{
	struct eval ev = {.in = in, .out = out};
	size_t first = out->n;
	int r = 0;

	for (size_t i = 0; i < in->rules->n_rules && r == 0; i++) {
		const struct dp_rule *rule = in->rules->rules[i];

		if (in->enabled && !in->enabled[i])
			continue;
		if (rule->needs && strcmp(rule->needs, "creator_uid") == 0 &&
		    !dp_value_given(&in->setup->creator_uid))
			continue;
		ev.rule = rule;
		ev.check = rule->check;
		ev.severity = in->severity ? in->severity[i] : rule->severity;
		r = run_rule(&ev);
	}
	if (r == 0)
		r = drop_explained(out, first);
	if (r == 0 && ev.limit_errors.len) {
		if (reterr_msg)
			*reterr_msg = dp_buf_steal(&ev.limit_errors);
		r = -E2BIG;
	}
	dp_buf_free(&ev.limit_errors);
	return r;
}
