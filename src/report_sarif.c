/*
 * report_sarif.c - the run as a SARIF 2.1.0 log that GitHub code scanning
 * accepts: one run, the rules the results refer to, one result per
 * finding with its region, fingerprint, baseline state and mechanical
 * fix.  JSON is written by hand with dp_report_put_json() (only
 * json_load.c includes yajl); what a finding is, is decided elsewhere.
 *
 * Decisions: artifact URIs are relative to the current directory (run
 * from the repository root, as CI does); columns are UTF-16 code units,
 * declared in run.columnKind, because SARIF has no byte columns;
 * rules[] lists only the rules that results name, in catalog order;
 * findings about no file (a bad --creator-uid) are tool configuration
 * notifications, since a result needs a location.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fix.h"
#include "report.h"
#include "srcmap.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#ifndef DP_HOMEPAGE
#define DP_HOMEPAGE "https://github.com/dts-preflight/dts-preflight"
#endif
/* The key of partialFingerprints: names the scheme and its version. */
#define FINGERPRINT_KEY "dtsPreflightFingerprint/v1"

/* An object or array being written (as in report_json.c). */
struct level {
	struct dp_report_out *o;
	unsigned depth;
	bool empty;
};

static struct level
open_level(struct dp_report_out *o, unsigned depth, char bracket)
{
	dp_report_putc(o, bracket);
	return (struct level){.o = o, .depth = depth, .empty = true};
}

static void
close_level(struct level *level, char bracket)
{
	if (!level->empty)
		dp_report_printf(level->o, "\n%*s",
				 (int) ((level->depth - 1) * 2), "");
	dp_report_putc(level->o, bracket);
}

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

static void
member_uint(struct level *level, const char *key, size_t value)
{
	next(level, key);
	dp_report_printf(level->o, "%zu", value);
}

/* "key": {"text": value} */
static void
member_text(struct level *level, const char *key, const char *text)
{
	struct level m;

	next(level, key);
	m = open_level(level->o, level->depth + 1, '{');
	member_str(&m, "text", text);
	close_level(&m, '}');
}

static const char *
sarif_level(enum dp_severity severity)
{
	switch (severity) {
	case DP_SEV_ERROR:
		return "error";
	case DP_SEV_WARNING:
		return "warning";
	default:
		return "note";
	}
}

/* GitHub's problem.severity: error, warning or recommendation. */
static const char *
problem_severity(enum dp_severity severity)
{
	return severity == DP_SEV_ERROR	    ? "error"
	       : severity == DP_SEV_WARNING ? "warning"
					    : "recommendation";
}

/* ---- paths and positions ------------------------------------------- */

/* Appends path as a URI reference: relative paths stay relative
 * (percent-encoded), absolute ones become file:// URIs. */
static void
put_uri(struct dp_report_out *o, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	struct dp_buf rel = {0}, uri = {0};
	int r = dp_fix_relative_path(path, &rel);

	if (r == 0 && rel.data[0] == '/')
		r = dp_buf_puts(&uri, "file://");
	for (size_t i = 0; r == 0 && i < rel.len; i++) {
		unsigned char c = (unsigned char) rel.data[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~/", c))
			r = dp_buf_putc(&uri, (char) c);
		else
			r = dp_buf_printf(&uri, "%%%c%c", hex[c >> 4],
					  hex[c & 0xf]);
	}
	if (r < 0)
		dp_report_fail(o, r);
	else
		dp_report_put_json(o, uri.data ? uri.data : "");
	dp_buf_free(&rel);
	dp_buf_free(&uri);
}

/* Line and UTF-16 column of offset (SARIF's default column kind). */
static int
locate_utf16(struct dp_source *source, uint32_t offset,
	     struct dp_location *ret_loc)
{
	struct dp_location loc;
	int r = dp_srcmap_locate(source, offset, &loc);
	size_t start, end, units = 0;

	if (r < 0)
		return r;
	start = source->line_starts[loc.line - 1];
	end = start + loc.column - 1;
	for (size_t i = start, n; i < end; i += n) {
		n = dp_utf8_seq_len(source->data + i, end - i);
		if (n == 0)
			n = 1;  /* a stray byte: one unit, as a decoder's U+FFFD */
		units += n == 4 ? 2 : 1;
	}
	ret_loc->line = loc.line;
	ret_loc->column = (unsigned) units + 1;
	return 0;
}

/* "region": {...} of span; with byteOffset/byteLength when bytes. */
static void
member_region(struct level *level, struct dp_source *source,
	      struct dp_span span, bool bytes)
{
	struct dp_location start, end;
	struct level m;
	int r = locate_utf16(source, span.start, &start);

	if (r == 0)
		r = locate_utf16(source, span.end, &end);
	if (r < 0) {
		dp_report_fail(level->o, r);
		return;
	}
	next(level, "region");
	m = open_level(level->o, level->depth + 1, '{');
	member_uint(&m, "startLine", start.line);
	member_uint(&m, "startColumn", start.column);
	member_uint(&m, "endLine", end.line);
	member_uint(&m, "endColumn", end.column);
	if (bytes) {
		member_uint(&m, "byteOffset", span.start);
		member_uint(&m, "byteLength", span.end - span.start);
	}
	close_level(&m, '}');
}

static void
member_artifact(struct level *level, const char *path)
{
	struct level m;

	next(level, "artifactLocation");
	m = open_level(level->o, level->depth + 1, '{');
	next(&m, "uri");
	put_uri(level->o, path);
	close_level(&m, '}');
}

/* ---- rules ------------------------------------------------------------ */

/* The index of rule in the ruleset, or n_rules. */
static size_t
rule_index(const struct dp_ruleset *rules, const struct dp_rule *rule)
{
	size_t i;

	for (i = 0; rules && i < rules->n_rules; i++)
		if (rules->rules[i] == rule)
			break;
	return i;
}

/* Appends "\n\n" then s unless s is empty. */
static int
para(struct dp_buf *buf, const char *label, const char *s)
{
	if (!s || !*s)
		return 0;
	return dp_buf_printf(buf, "%s%s%s", buf->len ? "\n\n" : "",
			     label ? label : "", s);
}

/* Appends sep (when s is not empty) and s for Markdown: '&', '<' and
 * '>' as entities, or GitHub's sanitiser would take the template's
 * "<Alibaba Cloud account ID>" for a tag and drop it. */
static int
md_para(struct dp_buf *buf, const char *sep, const char *s)
{
	int r = 0;

	if (!s || !*s)
		return 0;
	r = dp_buf_puts(buf, sep);
	for (; *s && r == 0; s++)
		r = *s == '&'   ? dp_buf_puts(buf, "&amp;")
		    : *s == '<' ? dp_buf_puts(buf, "&lt;")
		    : *s == '>' ? dp_buf_puts(buf, "&gt;")
				: dp_buf_putc(buf, *s);
	return r;
}

static int
help_texts(const struct dp_rule *rule, enum dp_lang lang,
	   struct dp_buf *text, struct dp_buf *md)
{
	const char *summary = dp_text_get(&rule->summary, lang);
	const char *description = dp_text_get(&rule->description, lang);
	int r = 0;

	r |= para(text, NULL, summary);
	r |= para(text, NULL, description);
	r |= para(text, "Console error: ", rule->console_error);
	r |= para(text, "Wrong: ", rule->example_wrong);
	r |= para(text, "Right: ", rule->example_right);
	r |= para(text, "From the DTS documentation: ", rule->doc);

	r |= dp_buf_puts(md, "**");
	r |= md_para(md, "", summary);
	r |= dp_buf_puts(md, "**");
	r |= md_para(md, "\n\n", description);
	if (rule->console_error)
		r |= dp_buf_printf(md, "\n\nConsole error: `%s`",
				   rule->console_error);
	if (rule->example_wrong)
		r |= dp_buf_printf(md, "\n\nWrong:\n\n```json\n%s\n```",
				   rule->example_wrong);
	if (rule->example_right)
		r |= dp_buf_printf(md, "\n\nRight:\n\n```json\n%s\n```",
				   rule->example_right);
	r |= para(md, "From the DTS documentation: ", rule->doc);
	return r ? -ENOMEM : 0;
}

static void
put_rule(struct dp_report_out *o, const struct dp_rule *rule,
	 enum dp_lang lang, unsigned depth)
{
	const char *summary = dp_text_get(&rule->summary, lang);
	const char *description = dp_text_get(&rule->description, lang);
	struct dp_buf text = {0}, md = {0};
	struct level d, m;
	int r = help_texts(rule, lang, &text, &md);

	if (r < 0) {
		dp_report_fail(o, r);
		goto out;
	}
	d = open_level(o, depth, '{');
	member_str(&d, "id", rule->id);
	member_str(&d, "name", rule->slug);
	member_text(&d, "shortDescription", summary);
	member_text(&d, "fullDescription", *description ? description : summary);
	next(&d, "help");
	m = open_level(o, depth + 1, '{');
	member_str(&m, "text", text.data);
	member_str(&m, "markdown", md.data);
	close_level(&m, '}');
	next(&d, "defaultConfiguration");
	m = open_level(o, depth + 1, '{');
	member_str(&m, "level", sarif_level(rule->severity));
	close_level(&m, '}');
	next(&d, "properties");
	m = open_level(o, depth + 1, '{');
	member_str(&m, "problem.severity", problem_severity(rule->severity));
	next(&m, "tags");
	dp_report_puts(o, "[\"dts\", \"alibaba-cloud\", \"ram\"]");
	close_level(&m, '}');
	close_level(&d, '}');
out:
	dp_buf_free(&text);
	dp_buf_free(&md);
}

/* ---- results ------------------------------------------------------------ */

struct sarif {
	struct dp_report_out *o;
	const struct dp_report *report;
	size_t *index;            /* per catalog rule: index in rules[] */
	bool baseline;            /* write baselineState */
	/* The fixer of the source of the findings written now: findings
	 * come sorted by file, so each file is parsed once. */
	const struct dp_source *fixer_source;
	struct dp_fixer *fixer;
};

/* The message, then why and fix on lines of their own.  0 or -ENOMEM. */
static int
message_text(struct dp_buf *buf, const struct dp_finding *finding)
{
	int r = dp_buf_puts(buf, finding->message ? finding->message : "");

	if (r == 0 && finding->why)
		r = dp_buf_printf(buf, "\nwhy: %s", finding->why);
	if (r == 0 && finding->fix)
		r = dp_buf_printf(buf, "\nfix: %s", finding->fix);
	return r;
}

/* The encoded bytes of finding's mechanical fix: 1 when there is one
 * that would change the file, 0 when not, or -ENOMEM. */
static int
fix_bytes(struct sarif *s, const struct dp_finding *finding,
	  struct dp_buf *ret_bytes)
{
	const struct dp_source *source = finding->origin.source;
	struct dp_span span = finding->origin.span;
	int r;

	if (!finding->replacement || !source)
		return 0;
	if (s->fixer_source != source) {
		dp_fixer_free(s->fixer);
		s->fixer = NULL;
		s->fixer_source = NULL;
		r = dp_fixer_new(source, &s->fixer);
		if (r < 0)
			return r;
		s->fixer_source = source;
	}
	r = dp_fixer_encode(s->fixer, span, finding->replacement, ret_bytes);
	if (r == -ENOENT || r == -EINVAL)
		return 0;
	if (r < 0)
		return r;
	return !(ret_bytes->len == span.end - span.start &&
		 memcmp(ret_bytes->data, source->data + span.start,
			ret_bytes->len) == 0);
}

static void
put_fixes(struct sarif *s, struct level *result,
	  const struct dp_finding *finding)
{
	struct dp_report_out *o = s->o;
	struct dp_buf bytes = {0};
	struct level fixes, fix, changes, change, repls, repl, ins;
	int r = fix_bytes(s, finding, &bytes);

	if (r < 0)
		dp_report_fail(o, r);
	if (r <= 0)
		goto out;
	next(result, "fixes");
	fixes = open_level(o, result->depth + 1, '[');
	next(&fixes, NULL);
	fix = open_level(o, fixes.depth + 1, '{');
	member_text(&fix, "description",
		    finding->fix ? finding->fix : finding->replacement);
	next(&fix, "artifactChanges");
	changes = open_level(o, fix.depth + 1, '[');
	next(&changes, NULL);
	change = open_level(o, changes.depth + 1, '{');
	member_artifact(&change, finding->origin.source->path);
	next(&change, "replacements");
	repls = open_level(o, change.depth + 1, '[');
	next(&repls, NULL);
	repl = open_level(o, repls.depth + 1, '{');
	next(&repl, "deletedRegion");
	{
		struct level region = open_level(o, repl.depth + 1, '{');
		struct dp_location a, b;
		struct dp_span span = finding->origin.span;

		if ((r = locate_utf16(finding->origin.source, span.start, &a)) ||
		    (r = locate_utf16(finding->origin.source, span.end, &b))) {
			dp_report_fail(o, r);
			goto out;
		}
		member_uint(&region, "startLine", a.line);
		member_uint(&region, "startColumn", a.column);
		member_uint(&region, "endLine", b.line);
		member_uint(&region, "endColumn", b.column);
		member_uint(&region, "byteOffset", span.start);
		member_uint(&region, "byteLength", span.end - span.start);
		close_level(&region, '}');
	}
	next(&repl, "insertedContent");
	ins = open_level(o, repl.depth + 1, '{');
	member_str(&ins, "text", bytes.data);
	close_level(&ins, '}');
	close_level(&repl, '}');
	close_level(&repls, ']');
	close_level(&change, '}');
	close_level(&changes, ']');
	close_level(&fix, '}');
	close_level(&fixes, ']');
out:
	dp_buf_free(&bytes);
}

/* The fingerprint of finding with the path as the artifact URI says it
 * (relative to the current directory), so that a checkout in another
 * place gives the same fingerprints.  0 or -ENOMEM. */
static int
fingerprint_of(const struct dp_finding *finding,
	       char ret_hex[DP_FINGERPRINT_LEN + 1])
{
	struct dp_finding copy = *finding;
	struct dp_source source = *finding->origin.source;
	struct dp_buf rel = {0};

	if (dp_fix_relative_path(source.path, &rel) < 0)
		return -ENOMEM;
	source.path = rel.data;
	copy.origin.source = &source;
	dp_finding_fingerprint(&copy, ret_hex);
	dp_buf_free(&rel);
	return 0;
}

static void
put_result(struct sarif *s, const struct dp_finding *finding, unsigned depth)
{
	struct dp_report_out *o = s->o;
	const struct dp_ruleset *rules = s->report->rules;
	size_t k = rule_index(rules, finding->rule);
	char fingerprint[DP_FINGERPRINT_LEN + 1];
	struct dp_buf text = {0};
	struct level res, m, locs, loc, phys;

	if (message_text(&text, finding) < 0) {
		dp_buf_free(&text);
		dp_report_fail(o, -ENOMEM);
		return;
	}
	res = open_level(o, depth, '{');
	member_str(&res, "ruleId", finding->rule->id);
	if (rules && k < rules->n_rules)
		member_uint(&res, "ruleIndex", s->index[k]);
	member_str(&res, "level", sarif_level(finding->severity));
	member_text(&res, "message", text.data);
	dp_buf_free(&text);

	next(&res, "locations");
	locs = open_level(o, depth + 1, '[');
	next(&locs, NULL);
	loc = open_level(o, depth + 2, '{');
	next(&loc, "physicalLocation");
	phys = open_level(o, depth + 3, '{');
	member_artifact(&phys, finding->origin.source->path);
	member_region(&phys, finding->origin.source, finding->origin.span,
		      false);
	close_level(&phys, '}');
	close_level(&loc, '}');
	close_level(&locs, ']');

	if (fingerprint_of(finding, fingerprint) < 0) {
		dp_report_fail(o, -ENOMEM);
		return;
	}
	next(&res, "partialFingerprints");
	m = open_level(o, depth + 1, '{');
	member_str(&m, FINGERPRINT_KEY, fingerprint);
	close_level(&m, '}');
	if (s->baseline)
		member_str(&res, "baselineState",
			   finding->baselined ? "unchanged" : "new");
	put_fixes(s, &res, finding);

	next(&res, "properties");
	m = open_level(o, depth + 1, '{');
	member_str(&m, "slug", finding->rule->slug);
	member_str(&m, "jsonPointer", finding->origin.pointer);
	if (finding->waiver_note)
		member_str(&m, "waiverNote", finding->waiver_note);
	close_level(&m, '}');
	close_level(&res, '}');
}

/* A finding about no file, as a notification of the invocation. */
static void
put_notification(struct sarif *s, const struct dp_finding *finding,
		 unsigned depth)
{
	struct dp_buf text = {0};
	struct level n, d;

	if (message_text(&text, finding) < 0) {
		dp_buf_free(&text);
		dp_report_fail(s->o, -ENOMEM);
		return;
	}
	n = open_level(s->o, depth, '{');
	next(&n, "descriptor");
	d = open_level(s->o, depth + 1, '{');
	member_str(&d, "id", finding->rule->id);
	close_level(&d, '}');
	member_str(&n, "level", sarif_level(finding->severity));
	member_text(&n, "message", text.data);
	close_level(&n, '}');
	dp_buf_free(&text);
}

int
dp_report_sarif(FILE *out, const struct dp_report *report)
{
	const struct dp_findings *findings = report->findings;
	const struct dp_ruleset *rules = report->rules;
	size_t n_rules = rules ? rules->n_rules : 0;
	struct dp_report_out o = {0};
	struct sarif s = {.o = &o, .report = report,
			  .baseline = report->has_baseline};
	bool *used = calloc(n_rules + 1, sizeof(*used));
	size_t n_used = 0, n_notes = 0;
	struct level doc, runs, run, tool, driver, list;

	s.index = calloc(n_rules + 1, sizeof(*s.index));
	if (!used || !s.index) {
		dp_report_fail(&o, -ENOMEM);
		goto out;
	}
	for (size_t i = 0; findings && i < findings->n; i++) {
		const struct dp_finding *finding = &findings->items[i];
		size_t k = rule_index(rules, finding->rule);

		assert(finding->rule);
		if (k < n_rules)
			used[k] = true;
		s.baseline |= finding->baselined;
		n_notes += !finding->origin.source;
	}
	for (size_t k = 0; k < n_rules; k++)
		if (used[k])
			s.index[k] = n_used++;

	doc = open_level(&o, 1, '{');
	member_str(&doc, "$schema", SARIF_SCHEMA);
	member_str(&doc, "version", "2.1.0");
	next(&doc, "runs");
	runs = open_level(&o, 2, '[');
	next(&runs, NULL);
	run = open_level(&o, 3, '{');

	next(&run, "tool");
	tool = open_level(&o, 4, '{');
	next(&tool, "driver");
	driver = open_level(&o, 5, '{');
	member_str(&driver, "name", "dts-preflight");
	member_str(&driver, "version",
		   report->tool_version ? report->tool_version : DP_VERSION);
	member_str(&driver, "informationUri", DP_HOMEPAGE);
	next(&driver, "rules");
	list = open_level(&o, 6, '[');
	for (size_t k = 0; k < n_rules; k++) {
		if (!used[k])
			continue;
		next(&list, NULL);
		put_rule(&o, rules->rules[k], report->lang, 7);
	}
	close_level(&list, ']');
	close_level(&driver, '}');
	close_level(&tool, '}');

	if (n_notes > 0) {
		struct level invs, inv;

		next(&run, "invocations");
		invs = open_level(&o, 4, '[');
		next(&invs, NULL);
		inv = open_level(&o, 5, '{');
		next(&inv, "executionSuccessful");
		dp_report_puts(&o, "true");
		next(&inv, "toolConfigurationNotifications");
		list = open_level(&o, 6, '[');
		for (size_t i = 0; i < findings->n; i++) {
			if (findings->items[i].origin.source)
				continue;
			next(&list, NULL);
			put_notification(&s, &findings->items[i], 7);
		}
		close_level(&list, ']');
		close_level(&inv, '}');
		close_level(&invs, ']');
	}

	member_str(&run, "columnKind", "utf16CodeUnits");
	next(&run, "results");
	list = open_level(&o, 4, '[');
	for (size_t i = 0; findings && i < findings->n; i++) {
		if (!findings->items[i].origin.source)
			continue;
		next(&list, NULL);
		put_result(&s, &findings->items[i], 5);
	}
	close_level(&list, ']');
	close_level(&run, '}');
	close_level(&runs, ']');
	close_level(&doc, '}');
	dp_report_putc(&o, '\n');
out:
	dp_fixer_free(s.fixer);
	free(used);
	free(s.index);
	return dp_report_finish(&o, out);
}
