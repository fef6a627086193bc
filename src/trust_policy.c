/*
 * trust_policy.c - writes the trust policy a cross-account role needs
 * (`dts-preflight trust-policy --trust UID`).  The UID is checked by the
 * catalog's own rules on account IDs, run over a setup that holds only
 * that creator UID, so the command and the linter can never disagree;
 * the policy and the advice are the template of the trust-policy table.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "json.h"
#include "report.h"
#include "run.h"
#include "trust_policy.h"
#include "util.h"

/* Why uid is not an account ID, from the findings on it; NULL if none. */
static char *
uid_problems(const struct dp_findings *findings)
{
	struct dp_buf b = {0};

	for (size_t i = 0; i < findings->n; i++) {
		const struct dp_finding *f = &findings->items[i];

		if (f->severity < DP_SEV_WARNING)
			continue;
		if (dp_buf_printf(&b, "%s%s [%s %s]", b.len ? "\n" : "", f->message,
				  f->rule->id, f->rule->slug) < 0 ||
		    (f->fix && dp_buf_printf(&b, "; fix: %s", f->fix) < 0)) {
			dp_buf_free(&b);
			return NULL;
		}
	}
	return b.len ? dp_buf_steal(&b) : NULL;
}

struct writer {
	struct dp_report_out o;
	const struct dp_ctx *ctx;
	const struct dp_ruleset *set;
	enum dp_lang lang;
};

static void
indent(struct writer *w, unsigned depth)
{
	for (unsigned i = 0; i < depth; i++)
		dp_report_puts(&w->o, "    ");
}

/* A string of the template with its variables filled in. */
static void
put_string(struct writer *w, const char *tmpl)
{
	bool unresolved = false;
	char *s = dp_engine_expand(tmpl, w->ctx, NULL, NULL, w->set, w->lang,
				   &unresolved);

	if (!s) {
		dp_report_fail(&w->o, unresolved ? -EINVAL : -ENOMEM);
		return;
	}
	dp_report_put_json(&w->o, s);
	free(s);
}

/* The policy as the seeds print it: four spaces a level, one member a
 * line, short lists of strings on one line kept as lists. */
static void
put_node(struct writer *w, const struct dp_json *node, unsigned depth)
{
	switch (node->kind) {
	case DP_JSON_OBJECT:
	case DP_JSON_ARRAY:
		dp_report_putc(&w->o, node->kind == DP_JSON_OBJECT ? '{' : '[');
		for (uint32_t i = 0; i < node->n; i++) {
			dp_report_puts(&w->o, i ? ",\n" : "\n");
			indent(w, depth + 1);
			if (node->kind == DP_JSON_OBJECT) {
				dp_report_put_json(&w->o, node->u.members[i].key);
				dp_report_puts(&w->o, ": ");
				put_node(w, node->u.members[i].value, depth + 1);
			} else {
				put_node(w, node->u.items[i], depth + 1);
			}
		}
		dp_report_putc(&w->o, '\n');
		indent(w, depth);
		dp_report_putc(&w->o, node->kind == DP_JSON_OBJECT ? '}' : ']');
		break;
	case DP_JSON_STRING:
		put_string(w, node->u.str);
		break;
	case DP_JSON_NUMBER:
		dp_report_append(&w->o, node->u.str, node->n);
		break;
	case DP_JSON_TRUE:
		dp_report_puts(&w->o, "true");
		break;
	case DP_JSON_FALSE:
		dp_report_puts(&w->o, "false");
		break;
	default:
		dp_report_puts(&w->o, "null");
		break;
	}
}

static const char *
text_of(const struct dp_json *node, enum dp_lang lang)
{
	const struct dp_json *t;

	if (!node)
		return NULL;
	if (node->kind == DP_JSON_STRING)
		return node->u.str;
	t = dp_json_get(node, lang == DP_LANG_ZH ? "zh" : "en");
	if (!t)
		t = dp_json_get(node, "en");
	return t && t->kind == DP_JSON_STRING ? t->u.str : NULL;
}

int
dp_trust_policy_write(FILE *out, FILE *advice, const struct dp_ruleset *set,
		      const char *uid, bool vpc, enum dp_lang lang,
		      char **reterr_msg)
{
	const struct dp_table *table = dp_ruleset_table(set, "trust-policy");
	const struct dp_json *policy;
	struct dp_run_options options = {.creator_uid = uid, .lang = lang};
	struct dp_run *run = NULL;
	struct dp_ctx ctx = {0};
	struct writer w = {.set = set, .lang = lang, .ctx = &ctx};
	const char *tmpl;
	char *msg = NULL;
	int r;

	policy = table ? dp_json_get(table->doc->root, "policy") : NULL;
	if (!policy || policy->kind != DP_JSON_OBJECT)
		return -ENOENT;
	r = dp_run_new(set, &options, &run);
	if (r < 0)
		return r;
	r = dp_run_finish(run, &msg);
	free(msg);
	if (r < 0 && r != -E2BIG)
		goto out;
	msg = uid_problems(dp_run_findings(run));
	if (msg) {
		*reterr_msg = msg;
		r = -EINVAL;
		goto out;
	}
	ctx.setup = dp_run_setup(run);
	put_node(&w, policy, 0);
	dp_report_putc(&w.o, '\n');
	if ((r = dp_report_finish(&w.o, out)) < 0 || !advice)
		goto out;
	tmpl = text_of(dp_json_get(table->doc->root, vpc ? "advice_vpc" : "advice"),
		       lang);
	if (tmpl) {
		struct dp_report_out o = {0};
		bool unresolved;
		char *text = dp_engine_expand(tmpl, &ctx, NULL, NULL, set, lang,
					      &unresolved);

		if (!text) {
			r = unresolved ? -EINVAL : -ENOMEM;
			goto out;
		}
		dp_report_puts(&o, text);
		dp_report_putc(&o, '\n');
		free(text);
		r = dp_report_finish(&o, advice);
	}
out:
	dp_run_free(run);
	return r;
}
