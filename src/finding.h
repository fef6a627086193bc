/*
 * finding.h - what a rule found: the rule, the effective severity, the
 * place (file, span, JSON Pointer, line:column), and the texts already
 * filled in for the chosen language.  Also the list type and its one
 * deterministic order.
 *
 * Ownership: a finding owns its message, why, fix, replacement and value
 * strings (malloc'd); it borrows its rule (from the ruleset) and its
 * source.  dp_findings_free() frees every finding in a list.
 */
#ifndef DP_FINDING_H
#define DP_FINDING_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "rules.h"
#include "srcmap.h"

struct dp_finding {
	const struct dp_rule *rule;
	enum dp_severity severity;  /* after --severity overrides */
	struct dp_origin origin;    /* origin.source NULL: not in a file */
	struct dp_location loc;     /* filled by dp_findings_sort() */
	char *message;              /* one line, names the value seen */
	char *why;                  /* why the task fails, may be NULL */
	char *fix;                  /* what to enter instead, may be NULL */
	char *replacement;          /* the mechanical fix's new text, or NULL */
	char *value;                /* the offending value, or NULL (never a
				       secret) */
	bool baselined;             /* suppressed by the baseline */
	const char *waiver_note;    /* e.g. "waiver expired 2026-01-01" */
};

struct dp_findings {
	struct dp_finding *items;
	size_t n;
	size_t cap;
};

/* Appends a copy of *finding (takes ownership of its strings on success,
 * leaves them to the caller on failure).  On success the string pointers
 * in *finding are set to NULL, so the caller's copy owns nothing.
 * 0 or -ENOMEM. */
int dp_findings_push(struct dp_findings *list, struct dp_finding *finding);

/* Computes line:column of every finding and sorts by file path, line,
 * column, rule ID, message: the one order every format uses.  Findings
 * without a file (loc 0:0) come first.  The remaining fields break the
 * last ties, so the order is total and never depends on the input order.
 * 0 or -ENOMEM. */
int dp_findings_sort(struct dp_findings *list);

/* Removes the finding at index i (frees its strings); keeps the order of
 * the others.  An index past the end is a no-op. */
void dp_findings_remove(struct dp_findings *list, size_t i);

/* Removes, in one pass, each finding at index first + k for which
 * drop[k] is true (k < list->n - first), freeing its strings; keeps the
 * order of the others. */
void dp_findings_remove_marked(struct dp_findings *list, size_t first,
			       const bool *drop);

/* Frees every finding's strings and the array; the list is empty after.
 * NULL is a no-op. */
void dp_findings_free(struct dp_findings *list);

/* The path to print for a finding's file: as given ("<stdin>" for
 * standard input), or "<command line>" when the finding has no source. */
const char *dp_finding_path(const struct dp_finding *finding);

/* Hex digits of a fingerprint, without the NUL. */
#define DP_FINGERPRINT_LEN 16

/*
 * A fingerprint that survives reformatting: a 64-bit FNV-1a hash of the
 * rule ID, the file path (as given, leading "./" removed), the JSON
 * Pointer and the offending value - never of a line or column.  The
 * SARIF partialFingerprints and the baseline both use it, so the same
 * finding has the same key everywhere.  Writes DP_FINGERPRINT_LEN
 * lowercase hex digits and a NUL to ret_hex.  Version 1 of the scheme:
 * changing what goes in is a new version.
 */
void dp_finding_fingerprint(const struct dp_finding *finding,
			    char ret_hex[DP_FINGERPRINT_LEN + 1]);

#endif /* DP_FINDING_H */
