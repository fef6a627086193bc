/*
 * engine.h - evaluates the enabled rules of a ruleset over one setup and
 * the documents it came from, and appends findings.  It knows no rule by
 * ID: what to select, what to check and what to say is all rule data.
 * It never prints.
 *
 * Ownership: the engine borrows everything in dp_engine_input; findings
 * it appends own their texts (see finding.h).
 */
#ifndef DP_ENGINE_H
#define DP_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "rule_check.h"
#include "finding.h"
#include "json.h"
#include "model.h"
#include "rules.h"

struct dp_engine_input {
	const struct dp_ruleset *rules;
	const struct dp_setup *setup;
	struct dp_doc *const *docs;            /* every document of the setup */
	size_t n_docs;
	const struct dp_unknown_doc *unknown;  /* documents of no known shape */
	size_t n_unknown;
	const bool *enabled;                   /* per rules->rules[i] */
	const enum dp_severity *severity;      /* per rule; NULL: defaults */
	enum dp_lang lang;
	size_t max_findings;                   /* per file; 0: no limit */
	/* Most threads the rules may run on over a big setup (what is
	 * found is the same); 0: one per online processor. */
	unsigned threads;
};

/*
 * Runs every enabled rule and appends what it finds to out, then drops
 * findings that a more specific rule explains ("one mistake, one
 * finding": a rule's yields_to).  Returns 0, -ENOMEM, or -E2BIG when a
 * pattern hit its match or depth limit: every other rule still ran and
 * *reterr_msg (malloc'd) names each rule and value that gave up.
 */
int dp_engine_run(const struct dp_engine_input *in, struct dp_findings *out,
		  char **reterr_msg);

/* Expands a message template against ctx: exposed for `trust-policy`
 * and the tests.  Returns a malloc'd string, or NULL when a variable is
 * unknown here (*ret_unresolved true) or on ENOMEM. */
char *dp_engine_expand(const char *tmpl, const struct dp_ctx *ctx,
		       const struct dp_rule *rule, const struct dp_value *value,
		       const struct dp_ruleset *rules, enum dp_lang lang,
		       bool *ret_unresolved);

#endif /* DP_ENGINE_H */
