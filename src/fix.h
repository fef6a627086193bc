/*
 * fix.h - mechanical fixes as bytes: where a finding's replacement goes
 * in its file, how it must be escaped there, and a file's new contents
 * with every fix applied.  --fix, the diff format and SARIF's "fixes"
 * all use it, so the three never disagree.  It never writes a file
 * (atomic.c does) and never prints.
 *
 * A finding's replacement is the new *decoded* text of the offending
 * value or of a part of it; its span is either a whole token (quotes
 * included) or a part of a string's inside.  In a document that is
 * itself a JSON-encoded string (an AssumeRolePolicyDocument) the file
 * holds that text escaped once more per level of embedding, so the
 * encoding depends on where the span lies; the fixer parses the file
 * again to find out.
 *
 * Ownership: a dp_fix_plan owns its edits' bytes; a fixer borrows its
 * source, which must outlive it.
 */
#ifndef DP_FIX_H
#define DP_FIX_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"
#include "input.h"

struct dp_buf;

/*
 * The pure encoding step, for the tests and for the fixer: appends text
 * to buf as a JSON string literal with its quotes (literal true) or as
 * JSON string content without quotes (literal false), and then escapes
 * the result as string content escapes more times.  '"', '\' and
 * control characters are escaped; valid UTF-8 passes through.  Returns
 * 0, -EINVAL when text is not valid UTF-8 (nothing appended), -ENOMEM
 * (buf unchanged).
 */
int dp_fix_encode_text(const char *text, bool literal, unsigned escapes,
		       struct dp_buf *buf);

/* A source parsed again, to look up the context of spans in it. */
struct dp_fixer;

/* 0 or -ENOMEM.  A source that is not valid JSON gives a fixer that
 * finds no context for any span. */
int dp_fixer_new(const struct dp_source *source, struct dp_fixer **ret_fixer);

/* NULL is a no-op. */
void dp_fixer_free(struct dp_fixer *fixer);

/*
 * Appends to ret_bytes what replaces the bytes of span in the file to
 * give the value (or the part of a string) the decoded text replacement:
 *   - span is a whole string token: a JSON string literal;
 *   - span is a whole number token and replacement is a JSON number: the
 *     number as it is (the value keeps its type); any other whole scalar
 *     token: a string literal;
 *   - span is a part of a string's inside: string content;
 * each escaped once more per level of embedded document the token lies
 * in.  Returns 0; -ENOENT when span is neither a whole scalar token nor
 * a part of a string (no mechanical fix can go there); -EINVAL when
 * replacement is not UTF-8; -ENOMEM.  ret_bytes is unchanged on error.
 */
int dp_fixer_encode(struct dp_fixer *fixer, struct dp_span span,
		    const char *replacement, struct dp_buf *ret_bytes);

/* One change to a file: the bytes of span become bytes[0..len). */
struct dp_fix_edit {
	struct dp_span span;
	char *bytes;
	size_t len;
	size_t n_findings;  /* findings this edit fixes (same span, same fix) */
};

/* Every edit for one file, sorted by span, none overlapping. */
struct dp_fix_plan {
	struct dp_fix_edit *edits;
	size_t n;
	size_t cap;
	size_t n_findings;  /* findings fixed, summed over the edits */
	size_t n_skipped;   /* fixable findings left out: overlap, context */
};

/*
 * Plans the fixes of source: every finding of findings in that source
 * that is not baselined and has a replacement.  A finding whose span is
 * no place for a fix (dp_fixer_encode() says -ENOENT or -EINVAL), or
 * that overlaps an edit planned before (in span order), is counted in
 * n_skipped; one whose encoded bytes equal the bytes already in the file
 * is dropped silently, so a second --fix finds nothing to do.  Several
 * findings with the same span and the same bytes make one edit.
 * Returns 0 or -ENOMEM; *ret_plan is filled on success (possibly with no
 * edit) and must be freed with dp_fix_plan_free().
 */
int dp_fix_plan(const struct dp_source *source,
		const struct dp_findings *findings,
		struct dp_fix_plan *ret_plan);

/* The source's bytes with every edit of plan applied, appended to
 * ret_bytes (from the first byte of the file, BOM included).
 * 0 or -ENOMEM. */
int dp_fix_plan_apply(const struct dp_source *source,
		      const struct dp_fix_plan *plan, struct dp_buf *ret_bytes);

/* Frees the edits; the plan is empty after.  NULL is a no-op. */
void dp_fix_plan_free(struct dp_fix_plan *plan);

/*
 * The path of a source as a patch or a SARIF artifact names it: relative
 * to the current directory.  A relative path loses its leading "./"; an
 * absolute path under the current directory becomes relative; any other
 * absolute path stays as it is.  Appends to buf; 0 or -ENOMEM.
 */
int dp_fix_relative_path(const char *path, struct dp_buf *buf);

#endif /* DP_FIX_H */
