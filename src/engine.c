/*
 * engine.c - evaluates rules over the canonical model: walks the contexts
 * a rule selects (endpoints, roles, principals, ...), applies the rule's
 * generic check, fills in its message templates and appends findings;
 * then drops what a more specific rule already explains.  No rule ID,
 * pattern or message is written here: they are all data in rules/.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "rules.h"
#include "template.h"

/* ---- walking contexts ---------------------------------------------- */


static int
walk_principals(const struct dp_walker *w, struct dp_ctx ctx, enum dp_level level)
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
walk_trust(const struct dp_walker *w, struct dp_ctx ctx, enum dp_level level)
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
walk_role(const struct dp_walker *w, struct dp_ctx ctx, enum dp_level level)
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

/* The task's contexts of level: the task, or its endpoints (only the
 * pinned one when ctx pins an endpoint). */
static int
walk_task(const struct dp_walker *w, struct dp_ctx ctx, enum dp_level level)
{
	const struct dp_task *task = ctx.task;
	int r;

	if (level == DP_LEVEL_TASK || ctx.endpoint)
		return w->visit(w->data, &ctx);
	ctx.endpoint = &task->source;
	r = w->visit(w->data, &ctx);
	ctx.endpoint = &task->destination;
	if (r == 0)
		r = w->visit(w->data, &ctx);
	return r;
}

static int
walk_tasks(const struct dp_walker *w, struct dp_ctx ctx, enum dp_level level)
{
	const struct dp_setup *setup = ctx.setup;
	size_t lo = 0, hi = setup->n_tasks;
	int r;

	/* A context that pins a task holds just that one: every context
	 * with a task came from this walk, so it is one of setup->tasks. */
	if (ctx.task) {
		r = walk_task(w, ctx, level);
		return r < 0 ? r : 0;
	}
	if (w->range) {
		lo = w->range->task_lo;
		hi = w->range->task_hi < hi ? w->range->task_hi : hi;
	}
	for (size_t t = lo; t < hi; t++) {
		ctx.task = setup->tasks[t];
		if ((r = walk_task(w, ctx, level)) < 0)
			return r;
	}
	return 0;
}

static int
walk_docs(const struct dp_walker *w, struct dp_ctx ctx, enum dp_level level)
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

int
dp_engine_walk(const struct dp_walker *w, struct dp_ctx ctx, enum dp_level level)
{
	const struct dp_setup *setup = ctx.setup;
	size_t lo = 0, hi = setup->n_roles;
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
	if (w->range) {
		lo = w->range->role_lo;
		hi = w->range->role_hi < hi ? w->range->role_hi : hi;
	}
	for (size_t i = lo; i < hi; i++) {
		ctx.role = setup->roles[i];
		if ((r = walk_role(w, ctx, level)) < 0)
			return r;
	}
	return 0;
}

/* ---- evaluation ------------------------------------------------------ */

/* Where the part [start, end) of a value lies in its file. */
static struct dp_span
value_part_span(const struct dp_value *v, long start, long end)
{
	struct dp_span span = v->origin.span;

	if (start >= 0 && end >= start)
		dp_value_part_span(v, (size_t)start, (size_t)(end - start), &span);
	return span;
}

int
dp_engine_emit(struct dp_eval *ev, const struct dp_ctx *ctx,
	   const struct dp_value *value, const struct dp_found *fd,
	   struct dp_origin where)
{
	const struct dp_check *c = ev->check;
	struct dp_tmpl t = {.ctx = ctx, .rule = ev->rule, .value = value,
			    .field = ev->field, .rules = ev->in->rules,
			    .lang = ev->in->lang};
	struct dp_finding f = {.rule = ev->rule, .severity = ev->severity,
			       .origin = where};
	int err = 0;
	int r;

	if (fd) {
		t.match = fd->match;
		t.among = fd->among;
		t.closest = fd->closest;
		t.allowed = fd->allowed;
		t.caveat = fd->caveat;
		if (fd->lower && f.severity > DP_SEV_INFO)
			f.severity = DP_SEV_INFO;
	}
	f.message = dp_tmpl_first_text(&t, c->messages, c->n_messages, &err);
	if (!f.message && err == 0)
		f.message = dp_strdup(dp_text_get(&ev->rule->summary, t.lang));
	f.why = dp_tmpl_first_text(&t, c->whys, c->n_whys, &err);
	f.fix = dp_tmpl_first_text(&t, c->fixes, c->n_fixes, &err);
	f.replacement = dp_tmpl_first_string(&t, c->replacements,
					     c->n_replacements, &err);
	if (value && dp_value_given(value))
		f.value = strndup(value->str, value->len);
	if (err < 0 || !f.message || (value && dp_value_given(value) && !f.value))
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

static int
emit(struct dp_eval *ev, const struct dp_ctx *ctx, const struct dp_value *value,
     const struct dp_match *match, struct dp_origin where)
{
	struct dp_found fd = {.match = match};

	return dp_engine_emit(ev, ctx, value, &fd, where);
}

static bool
value_empty(const struct dp_value *v)
{
	return !v || v->state == DP_VALUE_ABSENT ||
	       (v->state == DP_VALUE_PRESENT && v->len == 0);
}

/* limit_hit() records each event for limit_text(): 'I' and the error of
 * an invalid pattern, or 'L' and a message; each ends in a NUL. */
static bool
has_invalid_record(const struct dp_buf *events, const char *invalid)
{
	for (size_t at = 0; at < events->len;
	     at += strlen(events->data + at) + 1)
		if (events->data[at] == 'I' &&
		    strcmp(events->data + at + 1, invalid) == 0)
			return true;
	return false;
}

/* Records that a pattern gave up on a value (hostile rule or input), or
 * that a pattern compiled on first use is invalid (once). */
static int
limit_hit(struct dp_eval *ev, const struct dp_value *v,
	  const struct dp_regex *pattern)
{
	const char *invalid = dp_regex_error(pattern);
	struct dp_buf *events = ev->limit_events;
	char pointer[512];
	int r;

	if (invalid) {
		/* Said once: every value would say the same. */
		if (has_invalid_record(events, invalid))
			return 0;
		r = dp_buf_printf(events, "I%s", invalid);
	} else {
		r = dp_buf_printf(events,
				  "Lrule %s: pattern hit its match limit on "
				  "the value at %s%s (%s)", ev->rule->id,
				  v->origin.source ? v->origin.source->path : "",
				  dp_setup_pointer_text(ev->in->setup,
							&v->origin, pointer,
							sizeof(pointer)),
				  dp_regex_pattern(pattern));
	}
	if (r == 0)
		r = dp_buf_append(events, "", 1);
	return r < 0 ? -ENOMEM : 0;
}

/* Appends the records of events to the message text: an invalid
 * pattern's error once in the whole text, every limit hit.  0 or
 * -ENOMEM. */
static int
limit_text(struct dp_buf *text, const struct dp_buf *events)
{
	for (size_t at = 0; at < events->len;) {
		const char *record = events->data + at;
		bool invalid = record[0] == 'I';

		at += strlen(record) + 1;
		if (invalid && text->len && strstr(text->data, record + 1))
			continue;
		if (dp_buf_printf(text, "%s%s%s", text->len ? "\n" : "",
				  invalid ? "bad rule file: " : "",
				  record + 1) < 0)
			return -ENOMEM;
	}
	return 0;
}

int
dp_engine_match(struct dp_eval *ev, struct dp_regex *pattern,
	      const struct dp_value *v, struct dp_match *ret_match)
{
	int r;

	if (!v || !dp_value_given(v))
		return 0;
	r = dp_regex_match(pattern, v->str, v->len, ret_match);
	if (r == -E2BIG || (r == -EINVAL && dp_regex_error(pattern)))
		return limit_hit(ev, v, pattern);
	return r;
}

/* A pattern matched against the values of a field, one at a time. */
struct value_match {
	struct dp_eval *ev;
	struct dp_regex *pattern;
	bool unknown;  /* a value seen so far cannot be checked */
};

static int
match_value(void *data, const struct dp_value *v)
{
	struct value_match *vm = data;

	if (v->state == DP_VALUE_UNKNOWN)
		vm->unknown = true;
	return dp_engine_match(vm->ev, vm->pattern, v, NULL);
}

/* Does some value of each required field match its pattern? */
static int
requirements_hold(struct dp_eval *ev, const struct dp_ctx *ctx,
		  const struct dp_requirement *req, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		struct value_match vm = {.ev = ev, .pattern = req[k].pattern};
		int r = dp_field_each(req[k].field, ctx, match_value, &vm);

		if (r <= 0)
			return r;
	}
	return 1;
}

static int
where_holds(struct dp_eval *ev, const struct dp_ctx *ctx)
{
	const struct dp_check *c = ev->check;
	const char *needs = ev->rule->needs;
	bool cross;

	/* A role condition filters contexts that have a role; an endpoint
	 * selected beside role fields passes it. */
	if (c->role_kinds && ctx->role &&
	    !(c->role_kinds & DP_ROLE_MASK(ctx->role->kind)))
		return 0;
	if (c->cross_account) {
		cross = ctx->endpoint ? ctx->endpoint->cross_account
			: ctx->task && (ctx->task->source.cross_account ||
					ctx->task->destination.cross_account);
		if (!cross)
			return 0;
	}
	if (needs && strcmp(needs, "attachments") == 0 &&
	    !(ctx->role && ctx->role->has_attachments))
		return 0;
	for (size_t i = 0; i < c->n_given; i++) {
		const struct dp_value *v = dp_field_get(c->given[i], ctx, 0);

		if (!v || !dp_value_given(v))
			return 0;
	}
	for (size_t i = 0; i < c->n_missing; i++)
		if (!value_empty(dp_field_get(c->missing[i], ctx, 0)))
			return 0;
	return requirements_hold(ev, ctx, c->match, c->n_match);
}

static int
check_pattern(struct dp_eval *ev, const struct dp_ctx *ctx, const struct dp_value *v)
{
	const struct dp_check *c = ev->check;
	struct dp_match m;
	struct dp_origin where = v->origin;
	int r;

	if (!dp_value_given(v))
		return c->type == DP_CHECK_NO_MATCH && c->or_missing &&
				       v->state != DP_VALUE_UNKNOWN
			       ? emit(ev, ctx, v, NULL, where) : 0;
	r = dp_regex_match(c->pattern, v->str, v->len, &m);
	if (r == -E2BIG || (r == -EINVAL && dp_regex_error(c->pattern)))
		return limit_hit(ev, v, c->pattern);
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
	struct dp_eval *ev;
	bool found;
};

/* Could each requirement hold, counting a value that cannot be checked
 * (known only after apply, a ROS function) as one that might match? */
static int
requirements_may_hold(struct dp_eval *ev, const struct dp_ctx *ctx,
		      const struct dp_requirement *req, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		struct value_match vm = {.ev = ev, .pattern = req[k].pattern};
		int r = dp_field_each(req[k].field, ctx, match_value, &vm);

		if (r < 0)
			return r;
		if (r == 0 && !vm.unknown)
			return 0;
	}
	return 1;
}

static int
visit_requirement(void *data, const struct dp_ctx *ctx)
{
	struct none_state *st = data;
	const struct dp_check *c = st->ev->check;
	/* "None has it" is not proven while some element cannot be read. */
	int r = requirements_may_hold(st->ev, ctx, c->require, c->n_require);

	if (r > 0)
		st->found = true;
	return r < 0 ? r : 0;
}

static int
check_none(struct dp_eval *ev, const struct dp_ctx *ctx, const struct dp_value *v)
{
	struct none_state st = {.ev = ev};
	struct dp_walker w = {.in = ev->in, .visit = visit_requirement, .data = &st};
	int r = dp_engine_walk(&w, *ctx, ev->check->of);

	if (r < 0)
		return r;
	return st.found ? 0 : emit(ev, ctx, v, NULL, v->origin);
}

/* EQUALS/DIFFERS compare the whole values, or with a `key` pattern the
 * text of its group 1 in each ("" where it does not match). */
static int
compared_part(struct dp_eval *ev, const struct dp_value *v, const char **ret_s,
	      size_t *ret_len)
{
	struct dp_match m;
	int r;

	*ret_s = v->str;
	*ret_len = v->len;
	if (!ev->check->key)
		return 0;
	r = dp_engine_match(ev, ev->check->key, v, &m);
	if (r < 0)
		return r;
	*ret_len = 0;
	if (r == 1 && m.start[1] >= 0) {
		*ret_s = v->str + m.start[1];
		*ret_len = (size_t)(m.end[1] - m.start[1]);
	}
	return 0;
}

static int
check_compare(struct dp_eval *ev, const struct dp_ctx *ctx, const struct dp_value *v)
{
	const struct dp_check *c = ev->check;
	struct dp_value other_copy;
	const struct dp_value *other = dp_field_get(c->other, ctx, 0);
	const char *a, *b;
	size_t alen, blen;
	bool same;
	int r;

	if (!other || !dp_value_given(v) || !dp_value_given(other))
		return 0;
	other_copy = *other; /* v may share its scratch slot */
	if ((r = compared_part(ev, v, &a, &alen)) < 0 ||
	    (r = compared_part(ev, &other_copy, &b, &blen)) < 0)
		return r;
	same = alen == blen && memcmp(a, b, alen) == 0;
	return same == (c->type == DP_CHECK_EQUALS)
		       ? emit(ev, ctx, v, NULL, v->origin) : 0;
}

static int
check_value(struct dp_eval *ev, const struct dp_ctx *ctx, const struct dp_value *v)
{
	const struct dp_check *c = ev->check;
	const struct dp_value *at;

	switch (c->type) {
	case DP_CHECK_MATCH:
	case DP_CHECK_NO_MATCH:
		return check_pattern(ev, ctx, v);
	case DP_CHECK_MISSING:
		if (!value_empty(v))
			return 0;
		at = c->at ? dp_field_get(c->at, ctx, 0) : NULL;
		return emit(ev, ctx, v, NULL,
			    v->state == DP_VALUE_PRESENT || !at || !at->origin.source
				    ? v->origin : at->origin);
	case DP_CHECK_NONE:
		return check_none(ev, ctx, v);
	case DP_CHECK_EQUALS:
	case DP_CHECK_DIFFERS:
		return check_compare(ev, ctx, v);
	case DP_CHECK_NOT_AMONG:
	case DP_CHECK_ONLY:
		return dp_check_among(ev, ctx, v);
	case DP_CHECK_NOT_IN_TABLE:
		return dp_check_table(ev, ctx, v);
	case DP_CHECK_DIAGNOSTIC:
	case DP_CHECK_UNKNOWN_DOC:
		break;
	}
	return 0;
}

/* A document-level finding: a loader diagnostic or an unknown shape. */
static int
check_document(struct dp_eval *ev, const struct dp_ctx *ctx)
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

/* The selected field's values in one context, checked one at a time. */
struct selected {
	struct dp_eval *ev;
	const struct dp_ctx *ctx;
};

#define STOP 1 /* a MISSING check reads the first value only */

static int
check_selected(void *data, const struct dp_value *v)
{
	struct selected *sel = data;
	struct dp_value copy;
	int r;

	if (v->state == DP_VALUE_UNKNOWN)
		return 0; /* not checkable: the adapters said so */
	copy = *v; /* a check may read the same field again */
	if ((r = check_value(sel->ev, sel->ctx, &copy)) < 0)
		return r;
	return sel->ev->check->type == DP_CHECK_MISSING ? STOP : 0;
}

static int
visit_rule(void *data, const struct dp_ctx *ctx)
{
	struct dp_eval *ev = data;
	struct selected sel = {.ev = ev, .ctx = ctx};
	int r;

	if (ev->check->type == DP_CHECK_DIAGNOSTIC ||
	    ev->check->type == DP_CHECK_UNKNOWN_DOC)
		return check_document(ev, ctx);
	if ((r = where_holds(ev, ctx)) <= 0)
		return r;
	r = dp_field_each(ev->field, ctx, check_selected, &sel);
	return r < 0 ? r : 0;
}

/* ---- rules over the setup, a block at a time ------------------------ */

/*
 * Rules visit the setup a block of roles and tasks at a time: every rule
 * walks one block before any walks the next, so that its roles, tasks
 * and texts are still in the cache for the next rule.  Rule after rule
 * over the whole setup, each of some fifty walks read a 100,000-role
 * plan from memory again, and the time per role grew with the plan
 * (cache misses: the instructions per role stayed the same).
 */
#define BLOCK_SIZE 128

/* One walk of one rule: a field it selects, or the documents for a
 * document check. */
struct pass {
	const struct dp_rule *rule;
	enum dp_severity severity;
	const struct dp_field *field; /* NULL: a document check */
	enum dp_level level;
};

/* What one pass found in one block.  Kept apart, and joined pass by
 * pass in block order at the end, so that neither blocks nor the
 * threads that walk them change what is reported or in which order. */
struct found_part {
	struct dp_findings found;
	struct dp_buf limit_events;   /* see limit_hit() */
};

static bool
is_document_check(const struct dp_check *c)
{
	return c->type == DP_CHECK_DIAGNOSTIC || c->type == DP_CHECK_UNKNOWN_DOC;
}

/* How many walks rule i of in makes: 0 when it does not run. */
static size_t
rule_walks(const struct dp_engine_input *in, size_t i)
{
	const struct dp_rule *rule = in->rules->rules[i];

	if (in->enabled && !in->enabled[i])
		return 0;
	if (rule->needs && strcmp(rule->needs, "creator_uid") == 0 &&
	    !dp_value_given(&in->setup->creator_uid))
		return 0;
	return is_document_check(rule->check) ? 1 : rule->check->n_select;
}

/* The walks of the enabled rules, in rule order.  0 or -ENOMEM. */
static int
plan_passes(const struct dp_engine_input *in, struct pass **ret_passes,
	    size_t *ret_n)
{
	struct pass *passes;
	size_t n = 0;

	for (size_t i = 0; i < in->rules->n_rules; i++)
		n += rule_walks(in, i);
	passes = calloc(n ? n : 1, sizeof(*passes));
	if (!passes)
		return -ENOMEM;
	n = 0;
	for (size_t i = 0; i < in->rules->n_rules; i++) {
		const struct dp_rule *rule = in->rules->rules[i];
		const struct dp_check *c = rule->check;
		size_t walks = rule_walks(in, i);

		for (size_t k = 0; k < walks; k++) {
			struct pass *p = &passes[n++];

			p->rule = rule;
			p->severity = in->severity ? in->severity[i]
						   : rule->severity;
			p->field = is_document_check(c) ? NULL : c->select[k];
			p->level = p->field ? p->field->level : c->level;
		}
	}
	*ret_passes = passes;
	*ret_n = n;
	return 0;
}

/* Walks of the documents or of the setup as a whole visit no role or
 * task: they run with the first block only. */
static bool
walks_once(enum dp_level level)
{
	return level == DP_LEVEL_DIAG || level == DP_LEVEL_DOCUMENT ||
	       level == DP_LEVEL_SETUP;
}

/*
 * The blocks are handed out one at a time to the threads that walk them
 * (one per online processor, at most MAX_WALKERS, and only over a setup
 * of MIN_BLOCKS blocks or more: a thread costs more than a few blocks
 * take).  Handed out as they are asked for, not as halves, they keep the
 * threads busy to the end: the first block also carries the walks of the
 * documents, and some blocks hold more findings than others.  The walk
 * only reads the setup and the rules; matching is the one thing that
 * changes shared state (deferred patterns, JIT), and
 * dp_ruleset_freeze_patterns() settles it before threads start.
 */
#define MIN_BLOCKS 8
#define MAX_WALKERS 8

struct blocks {
	const struct dp_engine_input *in;
	const struct pass *passes;
	size_t n_passes, n_blocks;
	struct found_part *parts;     /* [block * n_passes + pass] */
	pthread_mutex_t lock;         /* guards next and result */
	size_t next;                  /* the first block not handed out */
	int result;                   /* the first error, or 0 */
};

/* Runs every pass over block b, into its parts. */
static int
walk_block(struct dp_eval *ev, struct blocks *bl, size_t b)
{
	size_t lo = b * BLOCK_SIZE;
	struct dp_walk_range block = {lo, lo + BLOCK_SIZE, lo, lo + BLOCK_SIZE};
	struct dp_walker w = {.in = bl->in, .visit = visit_rule, .data = ev,
			      .range = &block};
	struct dp_ctx root = {.setup = bl->in->setup, .scratch = ev->scratch};
	int r;

	for (size_t i = 0; i < bl->n_passes; i++) {
		const struct pass *p = &bl->passes[i];
		struct found_part *part = &bl->parts[b * bl->n_passes + i];

		if (b > 0 && walks_once(p->level))
			continue;
		ev->rule = p->rule;
		ev->check = p->rule->check;
		ev->severity = p->severity;
		ev->field = p->field;
		ev->out = &part->found;
		ev->limit_events = &part->limit_events;
		if ((r = dp_engine_walk(&w, root, p->level)) < 0)
			return r;
	}
	return 0;
}

/* Takes blocks until none is left or a walker failed, and records the
 * first error.  A thread's start routine, and called here too. */
static void *
walker(void *data)
{
	struct blocks *bl = data;
	struct dp_eval ev = {.in = bl->in};
	int r = 0;

	ev.scratch = calloc(dp_field_count(), sizeof(*ev.scratch));
	if (!ev.scratch)
		r = -ENOMEM;
	while (r == 0) {
		size_t b;

		pthread_mutex_lock(&bl->lock);
		b = bl->result == 0 ? bl->next++ : bl->n_blocks;
		pthread_mutex_unlock(&bl->lock);
		if (b >= bl->n_blocks)
			break;
		r = walk_block(&ev, bl, b);
	}
	free(ev.scratch);
	if (r < 0) {
		pthread_mutex_lock(&bl->lock);
		if (bl->result == 0)
			bl->result = r;
		pthread_mutex_unlock(&bl->lock);
	}
	return NULL;
}

/* A walker on a thread of its own, which frees its match data when it
 * ends (the calling thread keeps its own for later matches). */
static void *
walker_thread(void *data)
{
	(void) walker(data);
	dp_regex_thread_done();
	return NULL;
}

static size_t
count_walkers(const struct dp_engine_input *in, size_t n_blocks)
{
	unsigned n;

	if (n_blocks < MIN_BLOCKS)
		return 1;
	n = dp_thread_count(in->threads);
	return n > MAX_WALKERS ? MAX_WALKERS : n;
}

/* Walks every block on n threads, this one among them (alone when no
 * other can be had).  The first error, or 0. */
static int
walk_blocks(struct blocks *bl, size_t n)
{
	pthread_t threads[MAX_WALKERS];
	size_t started = 0;
	int r;

	if (pthread_mutex_init(&bl->lock, NULL) != 0)
		return -ENOMEM;
	if (n > 1 && (r = dp_ruleset_freeze_patterns(bl->in->rules)) < 0) {
		pthread_mutex_destroy(&bl->lock);
		return r;
	}
	while (started + 1 < n &&
	       pthread_create(&threads[started], NULL, walker_thread, bl) == 0)
		started++;
	(void) walker(bl);
	for (size_t k = 0; k < started; k++)
		pthread_join(threads[k], NULL);
	pthread_mutex_destroy(&bl->lock);
	return bl->result;
}

/* Moves the findings of from to the end of out.  0, or -ENOMEM with
 * the findings not moved freed. */
static int
move_findings(struct dp_findings *out, struct dp_findings *from)
{
	int r = 0;

	for (size_t i = 0; i < from->n && r == 0; i++)
		r = dp_findings_push(out, &from->items[i]);
	/* What was pushed left NULL texts behind. */
	dp_findings_free(from);
	return r;
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

/* Does f, byplace[i], yield to a finding it overlaps in its file, whose
 * findings are byplace[lo, hi) (sorted by start)?  max_end[k] is the
 * largest end of byplace[lo..k]: a file of 100,000 roles holds as many
 * findings, and comparing each with every other was n^2.  Only those
 * that can overlap f are compared: the ones starting where f starts,
 * those after it that start inside it, and those before it up to where
 * none ends past its start. */
static bool
is_explained(struct dp_finding *const *byplace, const uint32_t *max_end,
	     size_t lo, size_t hi, size_t i)
{
	const struct dp_finding *f = byplace[i];
	uint32_t start = f->origin.span.start;

	for (size_t k = i + 1; k < hi; k++) {
		const struct dp_finding *g = byplace[k];

		if (g->origin.span.start != start &&
		    g->origin.span.start >= f->origin.span.end)
			break;
		if (yields(f->rule, g->rule->id) && overlaps(f, g))
			return true;
	}
	for (size_t k = i; k-- > lo;) {
		const struct dp_finding *g = byplace[k];

		if (g->origin.span.start != start && max_end[k] <= start)
			break;
		if (yields(f->rule, g->rule->id) && overlaps(f, g))
			return true;
	}
	return false;
}

/* Drops, from the findings added since `first`, each one whose rule
 * yields to the rule of an overlapping finding in the same file. */
static int
drop_explained(struct dp_findings *list, size_t first)
{
	size_t n = list->n - first;
	struct dp_finding **byplace;
	uint32_t *max_end;
	bool *drop;

	if (n < 2)
		return 0;
	byplace = malloc(n * sizeof(*byplace));
	max_end = malloc(n * sizeof(*max_end));
	drop = calloc(n, sizeof(*drop));
	if (!byplace || !max_end || !drop) {
		free(byplace);
		free(max_end);
		free(drop);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		byplace[i] = &list->items[first + i];
	qsort(byplace, n, sizeof(*byplace), cmp_by_place);
	for (size_t lo = 0, hi; lo < n; lo = hi) {
		const struct dp_source *source = byplace[lo]->origin.source;

		for (hi = lo; hi < n && byplace[hi]->origin.source == source;
		     hi++) {
			uint32_t end = byplace[hi]->origin.span.end;

			max_end[hi] = hi > lo && max_end[hi - 1] > end
					      ? max_end[hi - 1] : end;
		}
		for (size_t i = lo; i < hi; i++)
			if (byplace[i]->rule->n_yields_to &&
			    is_explained(byplace, max_end, lo, hi, i))
				drop[byplace[i] - &list->items[first]] = true;
	}
	dp_findings_remove_marked(list, first, drop);
	free(byplace);
	free(max_end);
	free(drop);
	return 0;
}

/* Joins what the passes found, pass by pass in block order, into out and
 * the limit events into limit_msg, and frees the parts' contents. */
static int
join_parts(struct blocks *bl, struct dp_findings *out,
	   struct dp_buf *limit_msg)
{
	int r = 0;

	for (size_t i = 0; i < bl->n_passes; i++)
		for (size_t b = 0; b < bl->n_blocks; b++) {
			struct found_part *part =
				&bl->parts[b * bl->n_passes + i];

			if (move_findings(out, &part->found) < 0 && r == 0)
				r = -ENOMEM;
			if (r == 0)
				r = limit_text(limit_msg, &part->limit_events);
			dp_buf_free(&part->limit_events);
		}
	return r;
}

int
dp_engine_run(const struct dp_engine_input *in, struct dp_findings *out,
	      char **reterr_msg)
{
	const struct dp_setup *setup = in->setup;
	size_t most = setup->n_roles > setup->n_tasks ? setup->n_roles
						      : setup->n_tasks;
	struct blocks bl = {.in = in};
	struct dp_buf limit_msg = {0};
	struct pass *passes = NULL;
	size_t first = out->n;
	int r, join_r;

	bl.n_blocks = most ? (most + BLOCK_SIZE - 1) / BLOCK_SIZE : 1;
	r = plan_passes(in, &passes, &bl.n_passes);
	bl.passes = passes;
	if (r == 0) {
		bl.parts = calloc(bl.n_blocks * (bl.n_passes ? bl.n_passes : 1),
				  sizeof(*bl.parts));
		if (!bl.parts)
			r = -ENOMEM;
	}
	if (r == 0)
		r = walk_blocks(&bl, count_walkers(in, bl.n_blocks));
	/* Even after a failure: out owns what was found. */
	if (bl.parts) {
		join_r = join_parts(&bl, out, &limit_msg);
		if (r == 0)
			r = join_r;
	}
	if (r == 0)
		r = drop_explained(out, first);
	if (r == 0 && limit_msg.len) {
		if (reterr_msg)
			*reterr_msg = dp_buf_steal(&limit_msg);
		r = -E2BIG;
	}
	dp_buf_free(&limit_msg);
	free(bl.parts);
	free(passes);
	return r;
}

char *
dp_engine_expand(const char *tmpl, const struct dp_ctx *ctx,
		 const struct dp_rule *rule, const struct dp_value *value,
		 const struct dp_ruleset *rules, enum dp_lang lang,
		 bool *ret_unresolved)
{
	struct dp_tmpl t = {.ctx = ctx, .rule = rule, .value = value,
			    .rules = rules, .lang = lang};

	return dp_tmpl_expand(&t, tmpl, ret_unresolved);
}
