/*
 * template.h - private to the engine: expanding a rule's message, why,
 * fix and replacement templates against the context a finding was made
 * in.  The variables are listed in rules/README.md.
 *
 * Ownership: a dp_tmpl borrows everything it points at; expansions are
 * malloc'd and owned by the caller.
 */
#ifndef DP_TEMPLATE_H
#define DP_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "regex.h"
#include "rule_check.h"
#include "rules.h"

struct dp_tmpl {
	const struct dp_ctx *ctx;
	const struct dp_rule *rule;
	const struct dp_value *value;      /* the value checked, or NULL */
	const struct dp_match *match;      /* groups of value, or NULL */
	const struct dp_field *field;      /* the selected field, or NULL */
	const struct dp_ruleset *rules;
	enum dp_lang lang;
	/* What a check found besides the value (NULL: not known here). */
	const char *among;    /* the collection it compared with, ", "-joined */
	const char *closest;  /* the member or table entry nearest the value */
	const char *allowed;  /* what a table allows given the other columns */
	const char *caveat;   /* the caveat of the table row that matched */
	unsigned depth;
};

/* Expands tmpl: a malloc'd string; NULL when a variable is not known
 * here (*ret_unresolved true) or on ENOMEM (false). */
char *dp_tmpl_expand(const struct dp_tmpl *t, const char *tmpl,
		     bool *ret_unresolved);

/* The first of n texts (in t->lang) that resolves, or NULL (then
 * *ret_err is -ENOMEM if that was the reason). */
char *dp_tmpl_first_text(const struct dp_tmpl *t, const struct dp_text *texts,
			 size_t n, int *ret_err);

/* The same for plain template strings (replacements). */
char *dp_tmpl_first_string(const struct dp_tmpl *t, const char *const *tmpls,
			   size_t n, int *ret_err);

/* Checks that every variable of tmpl is one the engine knows.  0, or
 * -EINVAL with *ret_bad pointing at the first unknown "{...}" in tmpl
 * and *ret_len its length. */
int dp_tmpl_validate(const char *tmpl, const char **ret_bad, size_t *ret_len);

/* A word of the "fields" table in t->lang (labels, "which.source"). */
const char *dp_tmpl_table_word(const struct dp_ruleset *rules,
			       enum dp_lang lang, const char *key);

#endif /* DP_TEMPLATE_H */
