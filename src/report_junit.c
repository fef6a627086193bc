/*
 * report_junit.c - JUnit XML for CI test reports (GitLab, Jenkins): one
 * testsuite, one testcase per file read (a file without findings is a
 * passed test), one failure per shown finding.  Baselined findings are
 * not failures.  Text from input files is escaped for XML 1.0: markup
 * characters as entities, characters XML 1.0 forbids (control
 * characters, U+FFFE, U+FFFF) and bytes that are not UTF-8 as U+FFFD.
 * No timestamps or durations, so the output is reproducible.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "srcmap.h"

static const char replacement_char[] = "\xef\xbf\xbd"; /* U+FFFD */

/* Appends s as XML character data (attr false) or as the inside of a
 * double-quoted attribute value (attr true, where tabs and newlines are
 * written as references so that they survive normalisation). */
static void
put_xml(struct dp_report_out *o, const char *s, bool attr)
{
	size_t len = strlen(s);

	for (size_t i = 0, n; i < len && !o->err; i += n ? n : 1) {
		unsigned char c = (unsigned char) s[i];

		n = dp_utf8_seq_len(s + i, len - i);
		if (n == 0) {
			dp_report_puts(o, replacement_char);
		} else if (c == '&') {
			dp_report_puts(o, "&amp;");
		} else if (c == '<') {
			dp_report_puts(o, "&lt;");
		} else if (c == '>') {
			dp_report_puts(o, "&gt;");
		} else if (c == '"') {
			dp_report_puts(o, "&quot;");
		} else if (c == '\'') {
			dp_report_puts(o, "&apos;");
		} else if (c == '\r' || (attr && (c == '\n' || c == '\t'))) {
			dp_report_printf(o, "&#%u;", c);
		} else if ((c < 0x20 && c != '\n' && c != '\t') ||
			   (n == 3 && c == 0xef &&
			    (unsigned char) s[i + 1] == 0xbf &&
			    (unsigned char) s[i + 2] >= 0xbe)) {
			/* Not allowed in XML 1.0, not even as a reference. */
			dp_report_puts(o, replacement_char);
		} else {
			dp_report_append(o, s + i, n);
		}
	}
}

static void
put_failure(struct dp_report_out *o, const struct dp_finding *finding)
{
	const char *message = finding->message ? finding->message : "";
	const char *sev = dp_severity_name(finding->severity);

	dp_report_puts(o, "      <failure type=\"");
	put_xml(o, finding->rule->id, true);
	dp_report_puts(o, "\" message=\"");
	put_xml(o, message, true);
	dp_report_printf(o, " [%s %s]\">", finding->rule->id,
			 finding->rule->slug);
	if (finding->origin.source) {
		put_xml(o, finding->origin.source->path, false);
		dp_report_printf(o, ":%u:%u: ", finding->loc.line,
				 finding->loc.column);
	}
	dp_report_printf(o, "%s: ", sev);
	put_xml(o, message, false);
	dp_report_printf(o, " [%s %s]", finding->rule->id, finding->rule->slug);
	if (finding->why) {
		dp_report_puts(o, "\nwhy: ");
		put_xml(o, finding->why, false);
	}
	if (finding->fix) {
		dp_report_puts(o, "\nfix: ");
		put_xml(o, finding->fix, false);
	}
	if (finding->waiver_note) {
		dp_report_puts(o, "\nnote: ");
		put_xml(o, finding->waiver_note, false);
	}
	dp_report_puts(o, "</failure>\n");
}

/*
 * The index of the first finding of source in the sorted list: findings
 * without a file come first, then by path (dp_findings_sort()), so a
 * binary search finds a file's findings without a scan per file.
 */
static size_t
first_of(const struct dp_findings *findings, const struct dp_source *source)
{
	size_t lo = 0, hi = findings ? findings->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct dp_source *at = findings->items[mid].origin.source;

		if (source && (!at || strcmp(at->path, source->path) < 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether the finding at i still belongs to the run of source's path. */
static bool
same_place(const struct dp_findings *findings, size_t i,
	   const struct dp_source *source)
{
	const struct dp_source *at;

	if (!findings || i >= findings->n)
		return false;
	at = findings->items[i].origin.source;
	if (!source || !at)
		return !source && !at;
	return strcmp(at->path, source->path) == 0;
}

/* One testcase: name is the file, findings those of it (source may be
 * NULL: values from the command line). */
static void
put_testcase(struct dp_report_out *o, const struct dp_report *report,
	     const struct dp_source *source, const char *name)
{
	const struct dp_findings *findings = report->findings;
	size_t shown = 0;

	dp_report_puts(o, "    <testcase classname=\"dts-preflight\" name=\"");
	put_xml(o, name, true);
	if (source) {
		dp_report_puts(o, "\" file=\"");
		put_xml(o, name, true);
	}
	dp_report_putc(o, '"');
	for (size_t i = first_of(findings, source);
	     same_place(findings, i, source); i++) {
		const struct dp_finding *finding = &findings->items[i];

		assert(finding->rule);
		if (finding->origin.source != source || finding->baselined)
			continue;
		if (shown++ == 0)
			dp_report_puts(o, ">\n");
		put_failure(o, finding);
	}
	dp_report_puts(o, shown ? "    </testcase>\n" : "/>\n");
}

static bool
has_failure(const struct dp_report *report, const struct dp_source *source)
{
	for (size_t i = first_of(report->findings, source);
	     same_place(report->findings, i, source); i++) {
		const struct dp_finding *finding = &report->findings->items[i];

		if (finding->origin.source == source && !finding->baselined)
			return true;
	}
	return false;
}

int
dp_report_junit(FILE *out, const struct dp_report *report)
{
	struct dp_report_out o = {0};
	bool command_line = has_failure(report, NULL);
	size_t tests = (report->sources ? report->n_sources : 0) + command_line;
	size_t failures = command_line;

	for (size_t i = 0; report->sources && i < report->n_sources; i++)
		failures += has_failure(report, report->sources[i]);
	dp_report_puts(&o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	dp_report_printf(&o, "<testsuites name=\"dts-preflight\" tests=\"%zu\" "
			 "failures=\"%zu\" errors=\"0\">\n", tests, failures);
	dp_report_printf(&o, "  <testsuite name=\"dts-preflight\" tests=\"%zu\" "
			 "failures=\"%zu\" errors=\"0\" skipped=\"0\">\n",
			 tests, failures);
	if (command_line)
		put_testcase(&o, report, NULL, "<command line>");
	for (size_t i = 0; report->sources && i < report->n_sources; i++)
		put_testcase(&o, report, report->sources[i],
			     report->sources[i]->path);
	dp_report_puts(&o, "  </testsuite>\n</testsuites>\n");
	return dp_report_finish(&o, out);
}
