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
	const char *tool_version;
};

/* Signature of one format's writer: 0, or -EIO when out failed. */
typedef int (*dp_report_fn)(FILE *out, const struct dp_report *report);

/* Writes report in format ("text", "gcc", "json", ...).  0, -EINVAL for
 * an unknown format, -EIO when writing failed. */
int dp_report_write(const char *format, FILE *out,
		    const struct dp_report *report);

/* NULL-terminated list of the format names, for --help and completion. */
const char *const *dp_report_formats(void);

/* The writers, one per file. */
int dp_report_text(FILE *out, const struct dp_report *report);
int dp_report_gcc(FILE *out, const struct dp_report *report);
int dp_report_json(FILE *out, const struct dp_report *report);

/* Counts findings at each severity (index by enum dp_severity). */
void dp_report_count(const struct dp_report *report, size_t counts[4]);

#endif /* DP_REPORT_H */
