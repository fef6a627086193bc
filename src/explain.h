/*
 * explain.h - `dts-preflight explain`: turns the text of a DTS console
 * error (or a whole pasted ticket holding several) into what it means,
 * its causes in order of likelihood with the rules that find each
 * offline, what to export to check it, and the fix; and a rule ID into
 * the rule's documentation.  The errors, their patterns and every text
 * are data: rules/tables/errors.json.
 *
 * Ownership: a dp_explain owns its compiled patterns; it borrows every
 * text from the ruleset's "errors" table, so the ruleset must outlive it.
 */
#ifndef DP_EXPLAIN_H
#define DP_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "rules.h"

/* The longest text explain reads (a pasted ticket). */
#define DP_EXPLAIN_MAX_TEXT ((size_t)1 << 20)

struct dp_explain;

/*
 * Reads and checks the "errors" table of set (every key known, every
 * pattern compiled, every text with its English).  Returns 0; -ENOENT
 * when the table is missing; -EINVAL with *reterr_msg a malloc'd
 * "file:line:col: what is wrong"; -ENOMEM.  *ret_explain is set only on
 * success.
 */
int dp_explain_load(const struct dp_ruleset *set,
		    struct dp_explain **ret_explain, char **reterr_msg);

void dp_explain_free(struct dp_explain *explain);

/* The number of known errors, and the id and title of the i-th. */
size_t dp_explain_count(const struct dp_explain *explain);
const char *dp_explain_id(const struct dp_explain *explain, size_t i);
const char *dp_explain_title(const struct dp_explain *explain, size_t i);

/*
 * The known errors text mentions, in the order they first appear
 * (case-insensitive; a match that lies inside a longer match of another
 * error does not count): their indices in ret_indices (up to max), their
 * number in *ret_n.  0, -E2BIG when a pattern hit the PCRE2 match limit,
 * -ENOMEM.
 */
int dp_explain_recognise(struct dp_explain *explain, const char *text,
			 size_t len, size_t *ret_indices, size_t max,
			 size_t *ret_n);

/*
 * Writes the explanation of text to out in lang: the documentation of
 * each rule when text is only rule IDs or slugs, else every console
 * error it recognises; when it recognises nothing, says so and lists the
 * errors it knows.  Returns 1 when everything asked was explained, 0
 * when not (unknown text or rule), -E2BIG, -ENOMEM, -EIO.
 */
int dp_explain_write(FILE *out, struct dp_explain *explain,
		     const struct dp_ruleset *set, const char *text, size_t len,
		     enum dp_lang lang);

#endif /* DP_EXPLAIN_H */
