/*
 * report_json.c - the whole run as one JSON document for scripts, in a
 * versioned schema (below).  It writes what the run found, baselined
 * findings included and marked; it does not filter, and it writes JSON
 * by hand with dp_report_put_json() (only json_load.c includes yajl).
 *
 * Schema, version 1.  Keys always appear, in this order; two spaces of
 * indentation; the document ends with a newline.  A new key may be added
 * without a new version; a key renamed, removed or changed in meaning
 * bumps "version".
 *
 *   {
 *     "version": 1,
 *     "tool": {
 *       "name": "dts-preflight",
 *       "version": STRING           the program's version
 *     },
 *     "findings": [                 in the order of the text output: file,
 *       {                           line, column, rule ID
 *         "rule": STRING,           rule ID, "DP201"
 *         "slug": STRING,           "role-arn-as-name"
 *         "severity": STRING,       "error" | "warning" | "info", after
 *                                   --severity overrides
 *         "message": STRING,        one line, in the chosen language
 *         "why": STRING | null,     why the DTS task fails (may hold "\n")
 *         "fix": STRING | null,     what to do instead (may hold "\n")
 *         "replacement": STRING | null,  the mechanical fix: the new text
 *                                   of the value (what --fix writes)
 *         "file": STRING | null,    path as given ("<stdin>" for standard
 *                                   input); null: a command-line value
 *         "line": NUMBER | null,    1-based, where the value starts
 *         "column": NUMBER | null,  1-based, in bytes of UTF-8
 *         "end_line": NUMBER | null,    just past the value's last byte
 *         "end_column": NUMBER | null,  (exclusive end)
 *         "pointer": STRING | null, JSON Pointer of the value in its file
 *                                   ("" is the whole document)
 *         "value": STRING | null,   the offending value (never a secret)
 *         "baselined": BOOLEAN,     suppressed by the baseline: not counted
 *                                   in "summary" and not shown by text/gcc
 *         "waiver_note": STRING | null,  e.g. "waiver expired 2026-01-01"
 *         "console_error": STRING | null,  the error the DTS console shows
 *                                   for this mistake
 *         "doc": STRING | null      documentation the rule comes from,
 *                                   "001, 004"
 *       }
 *     ],
 *     "notes": [                    things that are not findings (values
 *       {                           that cannot be checked, ...)
 *         "file": STRING | null,
 *         "line": NUMBER | null,
 *         "column": NUMBER | null,
 *         "text": STRING
 *       }
 *     ],
 *     "not_run": [STRING],          rules that could not run, and why
 *     "summary": {
 *       "files": NUMBER,            inputs read
 *       "skipped": NUMBER,          files of no known shape, not checked
 *       "errors": NUMBER,           findings not baselined, per severity
 *       "warnings": NUMBER,
 *       "infos": NUMBER,
 *       "baselined": NUMBER
 *     }
 *   }
 *
 * Strings are valid UTF-8: bytes of an input that are not UTF-8 come out
 * as U+FFFD.
 */
#include "config.h"

#include <assert.h>
#include <stdbool.h>

#include "report.h"
#include "srcmap.h"

#define JSON_SCHEMA_VERSION 1

/* An object or array being written: its depth (for the indentation of
 * its members) and whether a member was written yet (for the commas). */
struct level {
	struct dp_report_out *o;
	unsigned depth;
	bool empty;
};

static struct level
open_level(struct dp_report_out *o, unsigned depth, char bracket)
{
	struct level level = {.o = o, .depth = depth, .empty = true};

	dp_report_putc(o, bracket);
	return level;
}

/* Closes with bracket: "{}" / "[]" when it stayed empty. */
static void
close_level(struct level *level, char bracket)
{
	if (!level->empty)
		dp_report_printf(level->o, "\n%*s",
				 (int) ((level->depth - 1) * 2), "");
	dp_report_putc(level->o, bracket);
}

/* Starts the next member (key non-NULL) or array element: the comma
 * after the previous one, a newline and the indentation. */
static void
next(struct level *level, const char *key)
{
	dp_report_printf(level->o, "%s\n%*s", level->empty ? "" : ",",
			 (int) (level->depth * 2), "");
	level->empty = false;
	if (key) {
		dp_report_put_json(level->o, key);
		dp_report_puts(level->o, ": ");
	}
}

static void
member_str(struct level *level, const char *key, const char *value)
{
	next(level, key);
	dp_report_put_json(level->o, value);
}

/* A number, or null when there is none (a value from the command line
 * has no line). */
static void
member_uint(struct level *level, const char *key, bool present, size_t value)
{
	next(level, key);
	if (present)
		dp_report_printf(level->o, "%zu", value);
	else
		dp_report_puts(level->o, "null");
}

static void
member_bool(struct level *level, const char *key, bool value)
{
	next(level, key);
	dp_report_puts(level->o, value ? "true" : "false");
}

static void
put_finding(struct dp_report_out *o, const struct dp_finding *finding,
	    unsigned depth)
{
	const struct dp_rule *rule = finding->rule;
	struct dp_source *source = finding->origin.source;
	struct dp_location end = {0, 0};
	struct level f;
	int r;

	if (source) {
		r = dp_srcmap_locate(source, finding->origin.span.end, &end);
		if (r < 0) {
			dp_report_fail(o, r);
			return;
		}
	}
	f = open_level(o, depth, '{');
	member_str(&f, "rule", rule->id);
	member_str(&f, "slug", rule->slug);
	member_str(&f, "severity", dp_severity_name(finding->severity));
	member_str(&f, "message", finding->message ? finding->message : "");
	member_str(&f, "why", finding->why);
	member_str(&f, "fix", finding->fix);
	member_str(&f, "replacement", finding->replacement);
	member_str(&f, "file", source ? source->path : NULL);
	member_uint(&f, "line", source, finding->loc.line);
	member_uint(&f, "column", source, finding->loc.column);
	member_uint(&f, "end_line", source, end.line);
	member_uint(&f, "end_column", source, end.column);
	member_str(&f, "pointer", finding->origin.pointer);
	member_str(&f, "value", finding->value);
	member_bool(&f, "baselined", finding->baselined);
	member_str(&f, "waiver_note", finding->waiver_note);
	member_str(&f, "console_error", rule->console_error);
	member_str(&f, "doc", rule->doc);
	close_level(&f, '}');
}

static void
put_note(struct dp_report_out *o, const struct dp_note *note, unsigned depth)
{
	struct dp_source *source = note->origin.source;
	struct dp_location loc = {0, 0};
	struct level n;
	int r;

	if (source) {
		r = dp_srcmap_locate(source, note->origin.span.start, &loc);
		if (r < 0) {
			dp_report_fail(o, r);
			return;
		}
	}
	n = open_level(o, depth, '{');
	member_str(&n, "file", source ? source->path : NULL);
	member_uint(&n, "line", source, loc.line);
	member_uint(&n, "column", source, loc.column);
	member_str(&n, "text", note->text ? note->text : "");
	close_level(&n, '}');
}

static void
put_summary(struct dp_report_out *o, const struct dp_report *report,
	    unsigned depth)
{
	size_t counts[4];
	struct level s = open_level(o, depth, '{');

	dp_report_count(report, counts);
	member_uint(&s, "files", true, report->n_sources);
	member_uint(&s, "skipped", true, report->n_skipped);
	member_uint(&s, "errors", true, counts[DP_SEV_ERROR]);
	member_uint(&s, "warnings", true, counts[DP_SEV_WARNING]);
	member_uint(&s, "infos", true, counts[DP_SEV_INFO]);
	member_uint(&s, "baselined", true, dp_report_baselined(report));
	close_level(&s, '}');
}

int
dp_report_json(FILE *out, const struct dp_report *report)
{
	const char *version =
		report->tool_version ? report->tool_version : DP_VERSION;
	const struct dp_findings *findings = report->findings;
	struct dp_report_out o = {0};
	struct level doc, inner;

	doc = open_level(&o, 1, '{');
	member_uint(&doc, "version", true, JSON_SCHEMA_VERSION);

	next(&doc, "tool");
	inner = open_level(&o, 2, '{');
	member_str(&inner, "name", "dts-preflight");
	member_str(&inner, "version", version);
	close_level(&inner, '}');

	next(&doc, "findings");
	inner = open_level(&o, 2, '[');
	for (size_t i = 0; findings && i < findings->n; i++) {
		assert(findings->items[i].rule);
		next(&inner, NULL);
		put_finding(&o, &findings->items[i], 3);
	}
	close_level(&inner, ']');

	next(&doc, "notes");
	inner = open_level(&o, 2, '[');
	for (size_t i = 0; i < report->n_notes; i++) {
		next(&inner, NULL);
		put_note(&o, &report->notes[i], 3);
	}
	close_level(&inner, ']');

	next(&doc, "not_run");
	inner = open_level(&o, 2, '[');
	for (size_t i = 0; i < report->n_not_run; i++) {
		next(&inner, NULL);
		dp_report_put_json(&o, report->not_run[i]);
	}
	close_level(&inner, ']');

	next(&doc, "summary");
	put_summary(&o, report, 2);
	close_level(&doc, '}');
	dp_report_putc(&o, '\n');
	return dp_report_finish(&o, out);
}
