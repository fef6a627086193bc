/*
 * report.h - one small interface for every output format.  A reporter
 * writes a finished, sorted run to a FILE * it is given; it never decides
 * what is a finding or what the exit status is.
 *
 * Ownership: struct dp_report only borrows; reporters allocate nothing
 * that outlives the call.
 */
#ifndef DP_REPORT_H
#define DP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "finding.h"
#include "model.h"
#include "rules.h"
#include "util.h"

struct dp_report {
	const struct dp_findings *findings;  /* sorted (dp_findings_sort) */
	const struct dp_ruleset *rules;
	struct dp_source *const *sources;    /* every input read, in order */
	size_t n_sources;
	size_t n_skipped;                    /* walked files of no known shape */
	const struct dp_note *notes;         /* not-checkable values, ... */
	size_t n_notes;
	const char *const *not_run;          /* "DP104, DP310: need ..." */
	size_t n_not_run;
	const char *setup_summary;           /* "1 setup: task X, ..." or NULL */
	enum dp_lang lang;
	bool color;                          /* text only: ANSI colours */
	bool quiet;                          /* only findings, no summary */
	bool has_baseline;                   /* a baseline was applied: SARIF
						writes baselineState */
	const char *tool_version;
};

/*
 * Signature of one format's writer: 0, -ENOMEM, or -EIO when writing to
 * out failed (checked with fflush() and ferror() after the last byte).
 * A writer composes its whole output in memory first, so out receives
 * nothing when it returns -ENOMEM.
 */
typedef int (*dp_report_fn)(FILE *out, const struct dp_report *report);

/* Writes report in format ("text", "gcc", "json", ...).  0, -EINVAL for
 * an unknown format, -ENOMEM, -EIO when writing failed. */
int dp_report_write(const char *format, FILE *out,
		    const struct dp_report *report);

/* NULL-terminated list of the format names, for --help and completion. */
const char *const *dp_report_formats(void);

/*
 * The writers, one per file.
 *
 * text: for humans.  Each finding is a gcc-style header line
 * ("file:line:col: severity: message [ID slug]"), the source line with a
 * caret under the value, then "= why:", "= fix:" and "= note:" lines;
 * a blank line separates findings.  Unless quiet, the notes, "not run:"
 * lines and a summary line follow.  Baselined findings are not shown,
 * only counted.
 *
 * gcc: one "file:line:col: severity: message [ID slug]" line per shown
 * finding and nothing else, for editors.
 *
 * json: every finding (baselined ones marked), the notes and a summary;
 * the schema is documented at the top of report_json.c.
 */
int dp_report_text(FILE *out, const struct dp_report *report);
int dp_report_gcc(FILE *out, const struct dp_report *report);
int dp_report_json(FILE *out, const struct dp_report *report);

/*
 * sarif: a SARIF 2.1.0 log for GitHub code scanning (decisions at the
 * top of report_sarif.c); baselined findings are included with
 * baselineState "unchanged".
 *
 * github: one workflow command per shown finding
 * ("::error file=F,line=L,col=C,endLine=..,endColumn=..,title=ID slug::
 * message"), for annotations in a GitHub Actions log.
 *
 * junit: JUnit XML, one testcase per file read and one failure per shown
 * finding, for GitLab CI, Jenkins and the like.
 *
 * diff: a unified diff of every mechanical fix (what --fix would write),
 * with three lines of context, that `git apply` and `patch -p1` accept.
 */
int dp_report_sarif(FILE *out, const struct dp_report *report);
int dp_report_github(FILE *out, const struct dp_report *report);
int dp_report_junit(FILE *out, const struct dp_report *report);
int dp_report_diff(FILE *out, const struct dp_report *report);

/* Counts the findings that are not baselined at each severity (index by
 * enum dp_severity): the numbers the summary and --fail-on use. */
void dp_report_count(const struct dp_report *report, size_t counts[4]);

/* The number of baselined findings. */
size_t dp_report_baselined(const struct dp_report *report);

/* ---- shared by the writers (report.c) -------------------------------- */

/*
 * A writer's output while it is composed.  The first error sticks and
 * turns every later append into a no-op, so a layout reads top to bottom
 * and is checked once, in dp_report_finish() (the way ferror() works for
 * a FILE).  Zero-initialise it: struct dp_report_out o = {0};
 */
struct dp_report_out {
	struct dp_buf buf;
	int err; /* 0, or the first -errno */
};

void dp_report_puts(struct dp_report_out *o, const char *s);
void dp_report_putc(struct dp_report_out *o, char c);
void dp_report_append(struct dp_report_out *o, const char *bytes, size_t len);
void dp_report_printf(struct dp_report_out *o, const char *fmt, ...)
	DP_PRINTF(2, 3);

/* Records an error from elsewhere (srcmap) unless one is recorded. */
void dp_report_fail(struct dp_report_out *o, int err);

/*
 * Appends s for a terminal: control characters (C0, DEL and the C1 range
 * U+0080..U+009F) become spaces and bytes that are not UTF-8 become
 * U+FFFD, so that a value from an input file can neither break a line an
 * editor parses nor send escape sequences to the terminal.  When indent
 * is not NULL, a newline is kept and followed by indent (continuation
 * lines of a "= why:" text).
 */
void dp_report_put_safe(struct dp_report_out *o, const char *s,
			const char *indent);

/*
 * Appends s as a JSON string literal with its quotes, or null when s is
 * NULL: '"' and '\' escaped, control characters as \u00XX (\n, \t, ...
 * in their short forms), valid UTF-8 passed through and every byte that
 * is not valid UTF-8 replaced by U+FFFD, so the output is always valid
 * JSON.
 */
void dp_report_put_json(struct dp_report_out *o, const char *s);

/* The same quoting into a plain dp_buf, for JSON written outside the
 * reporters (`rules --format json`).  0 or -ENOMEM; buf is unchanged on
 * failure. */
int dp_report_json_quote(struct dp_buf *buf, const char *s);

/*
 * Appends the summary line, without a newline:
 * "3 errors, 1 warning in 4 files, 1 skipped, 2 baselined (SETUP)" or
 * "no findings in 1 file".
 */
void dp_report_put_summary(struct dp_report_out *o,
			   const struct dp_report *report);

/*
 * Ends a writer: writes the composed output to out and flushes it unless
 * an error is recorded, and frees the buffer.  Returns the recorded error
 * (nothing is written then), -EIO when out failed, or 0.
 */
int dp_report_finish(struct dp_report_out *o, FILE *out);

#endif /* DP_REPORT_H */
