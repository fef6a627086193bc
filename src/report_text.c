/*
 * report_text.c - the default format, for people: each finding with its
 * source line, a caret under the value, why the task fails and what to
 * enter instead; then notes, rules not run and a one-line summary.
 * Excerpts and secret masking come from srcmap; wording of the findings
 * from the engine.
 */
#include "config.h"

#include <assert.h>
#include <string.h>

#include "report.h"
#include "srcmap.h"
#include "util.h"

/* The bytes shown of a source line: long enough for a line of an
 * indented export, short enough to fit a terminal with the gutter. */
#define EXCERPT_WIDTH 100

/* gcc's palette, so that the output looks like the compiler's. */
#define COLOR_BOLD    "\033[1m"
#define COLOR_RED     "\033[1;31m"
#define COLOR_MAGENTA "\033[1;35m"
#define COLOR_CYAN    "\033[1;36m"
#define COLOR_GREEN   "\033[1;32m"
#define COLOR_RESET   "\033[0m"

struct text {
	struct dp_report_out *o;
	bool color;
};

/* Appends s in colour sgr when colours are on. */
static void
paint(const struct text *text, const char *sgr, const char *s)
{
	if (text->color)
		dp_report_puts(text->o, sgr);
	dp_report_puts(text->o, s);
	if (text->color)
		dp_report_puts(text->o, COLOR_RESET);
}

static const char *
severity_color(enum dp_severity severity)
{
	switch (severity) {
	case DP_SEV_ERROR:
		return COLOR_RED;
	case DP_SEV_WARNING:
		return COLOR_MAGENTA;
	default:
		return COLOR_CYAN;
	}
}

static bool
is_json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static unsigned
digits(unsigned n)
{
	unsigned d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/*
 * Whether a source line under the finding helps: not for files that are
 * not text (empty, UTF-16, binary), and not when the span is the whole
 * document ("role lacks a policy" points at the file, and a lone "{"
 * with a caret tells nothing).
 */
static bool
wants_excerpt(const struct dp_finding *finding)
{
	const struct dp_source *source = finding->origin.source;
	struct dp_span span = finding->origin.span;
	size_t first, last;

	if (!source)
		return false;
	if (source->problem != DP_ENC_OK && source->problem != DP_ENC_BAD_UTF8)
		return false;
	first = source->body;
	while (first < source->len && is_json_space(source->data[first]))
		first++;
	last = source->len;
	while (last > first && is_json_space(source->data[last - 1]))
		last--;
	return !(span.start <= first && span.end >= last);
}

/* "file:line:col: error: message [DP201 slug]" and its newline; a value
 * from the command line has the program's name for a place, as in gcc. */
static void
put_header(struct text *text, const struct dp_finding *finding)
{
	struct dp_report_out *o = text->o;
	char severity[16];

	if (text->color)
		dp_report_puts(o, COLOR_BOLD);
	if (finding->origin.source) {
		dp_report_put_safe(o, dp_finding_path(finding), NULL);
		dp_report_printf(o, ":%u:%u:", finding->loc.line,
				 finding->loc.column);
	} else {
		dp_report_puts(o, "dts-preflight:");
	}
	if (text->color)
		dp_report_puts(o, COLOR_RESET);
	dp_report_putc(o, ' ');
	snprintf(severity, sizeof(severity),
		 "%s:", dp_severity_name(finding->severity));
	paint(text, severity_color(finding->severity), severity);
	dp_report_putc(o, ' ');
	dp_report_put_safe(o, finding->message ? finding->message : "", NULL);
	dp_report_puts(o, " [");
	paint(text, COLOR_BOLD, finding->rule->id);
	dp_report_printf(o, " %s]\n", finding->rule->slug);
}

/*
 * "   31 |         \"RoleName\": ..." and the caret line under it.  The
 * gutter is at least four digits wide, like gcc's, and grows with the
 * line number.  No trailing blanks after an empty excerpt.
 */
static void
put_excerpt(struct text *text, const struct dp_finding *finding, unsigned width)
{
	struct dp_buf line = {0};
	struct dp_buf marker = {0};
	struct dp_report_out *o = text->o;
	int r;

	r = dp_srcmap_excerpt(finding->origin.source, finding->origin.span,
			      EXCERPT_WIDTH, &line, &marker);
	if (r < 0) {
		dp_report_fail(o, r);
		goto out;
	}
	dp_report_printf(o, " %*u |", (int) width, finding->loc.line);
	if (line.len > 0) {
		dp_report_putc(o, ' ');
		dp_report_append(o, line.data, line.len);
	}
	dp_report_printf(o, "\n %*s |", (int) width, "");
	if (marker.len > 0) {
		/* Only the caret and tildes are coloured. */
		size_t blanks = strspn(marker.data, " ");

		dp_report_putc(o, ' ');
		dp_report_append(o, marker.data, blanks);
		paint(text, COLOR_GREEN, marker.data + blanks);
	}
	dp_report_putc(o, '\n');
out:
	dp_buf_free(&line);
	dp_buf_free(&marker);
}

/* "      = why: text", continuation lines indented under the text: the
 * '=' sits under the gutter's '|', 1 + width + 1 blanks in. */
static void
put_extra(struct text *text, unsigned width, const char *label,
	  const char *body)
{
	char indent[64];
	int n = snprintf(indent, sizeof(indent), "%*s", (int) (width + 2), "");

	assert(n > 0 && (size_t) n < sizeof(indent));
	dp_report_printf(text->o, "%s= %s: ", indent, label);
	/* Continuation lines start under the first byte of the text. */
	n = snprintf(indent, sizeof(indent), "%*s",
		     (int) (width + 2 + strlen(label) + 4), "");
	assert(n > 0 && (size_t) n < sizeof(indent));
	dp_report_put_safe(text->o, body, indent);
	dp_report_putc(text->o, '\n');
}

static void
put_finding(struct text *text, const struct dp_finding *finding)
{
	unsigned width = digits(finding->loc.line);

	if (width < 4)
		width = 4;
	put_header(text, finding);
	if (wants_excerpt(finding))
		put_excerpt(text, finding, width);
	if (finding->why)
		put_extra(text, width, "why", finding->why);
	if (finding->fix)
		put_extra(text, width, "fix", finding->fix);
	if (finding->waiver_note)
		put_extra(text, width, "note", finding->waiver_note);
}

/* "note: file:line:col: text", or "note: text" for a value given on the
 * command line. */
static void
put_note(struct text *text, const struct dp_note *note)
{
	struct dp_report_out *o = text->o;

	paint(text, COLOR_CYAN, "note:");
	dp_report_putc(o, ' ');
	if (note->origin.source) {
		struct dp_location loc;
		int r = dp_srcmap_locate(note->origin.source,
					 note->origin.span.start, &loc);

		if (r < 0) {
			dp_report_fail(o, r);
			return;
		}
		dp_report_put_safe(o, note->origin.source->path, NULL);
		dp_report_printf(o, ":%u:%u: ", loc.line, loc.column);
	}
	dp_report_put_safe(o, note->text ? note->text : "", NULL);
	dp_report_putc(o, '\n');
}

static void
put_tail(struct text *text, const struct dp_report *report)
{
	struct dp_report_out *o = text->o;

	for (size_t i = 0; i < report->n_notes; i++)
		put_note(text, &report->notes[i]);
	for (size_t i = 0; i < report->n_not_run; i++) {
		dp_report_puts(o, "not run: ");
		dp_report_put_safe(o, report->not_run[i], NULL);
		dp_report_putc(o, '\n');
	}
	dp_report_put_summary(o, report);
	dp_report_putc(o, '\n');
}

int
dp_report_text(FILE *out, const struct dp_report *report)
{
	struct dp_report_out o = {0};
	struct text text = {.o = &o, .color = report->color};
	size_t shown = 0;

	for (size_t i = 0; report->findings && i < report->findings->n; i++) {
		const struct dp_finding *finding = &report->findings->items[i];

		assert(finding->rule);
		if (finding->baselined)
			continue;
		if (shown++ > 0)
			dp_report_putc(&o, '\n');
		put_finding(&text, finding);
	}
	if (!report->quiet) {
		if (shown > 0)
			dp_report_putc(&o, '\n');
		put_tail(&text, report);
	}
	return dp_report_finish(&o, out);
}
