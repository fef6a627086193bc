/*
 * report_github.c - GitHub Actions workflow commands, one per shown
 * finding: "::error file=F,line=L,col=C,endLine=L2,endColumn=C2,
 * title=ID slug::message", which the runner turns into annotations on
 * the pull request.  Nothing else is printed; baselined findings are
 * not shown.  Paths are relative to the current directory (the
 * workspace root in a workflow); columns are bytes, as in gcc format.
 */
#include "config.h"

#include <assert.h>

#include "fix.h"
#include "report.h"
#include "srcmap.h"

static const char *
command(enum dp_severity severity)
{
	switch (severity) {
	case DP_SEV_ERROR:
		return "error";
	case DP_SEV_WARNING:
		return "warning";
	default:
		return "notice";
	}
}

/*
 * Appends s escaped as the runner unescapes it: '%', CR and LF always,
 * ':' and ',' too in a property value.  Other control characters become
 * spaces so that a value from a file cannot write a command of its own
 * or move the terminal.
 */
static void
put_escaped(struct dp_report_out *o, const char *s, bool property)
{
	for (; *s && !o->err; s++) {
		unsigned char c = (unsigned char) *s;

		if (c == '%')
			dp_report_puts(o, "%25");
		else if (c == '\r')
			dp_report_puts(o, "%0D");
		else if (c == '\n')
			dp_report_puts(o, "%0A");
		else if (property && c == ':')
			dp_report_puts(o, "%3A");
		else if (property && c == ',')
			dp_report_puts(o, "%2C");
		else if (c < 0x20 || c == 0x7f)
			dp_report_putc(o, ' ');
		else
			dp_report_putc(o, (char) c);
	}
}

static void
put_finding(struct dp_report_out *o, const struct dp_finding *finding)
{
	struct dp_source *source = finding->origin.source;
	char title[160];

	dp_report_printf(o, "::%s ", command(finding->severity));
	if (source) {
		struct dp_location end;
		struct dp_buf path = {0};
		int r = dp_srcmap_locate(source, finding->origin.span.end, &end);

		if (r == 0)
			r = dp_fix_relative_path(source->path, &path);
		if (r < 0) {
			dp_report_fail(o, r);
			dp_buf_free(&path);
			return;
		}
		dp_report_puts(o, "file=");
		put_escaped(o, path.data, true);
		dp_report_printf(o, ",line=%u,col=%u,endLine=%u,endColumn=%u,",
				 finding->loc.line, finding->loc.column,
				 end.line, end.column);
		dp_buf_free(&path);
	}
	snprintf(title, sizeof(title), "%s %s", finding->rule->id,
		 finding->rule->slug);
	dp_report_puts(o, "title=");
	put_escaped(o, title, true);
	dp_report_puts(o, "::");
	put_escaped(o, finding->message ? finding->message : "", false);
	if (finding->fix) {
		dp_report_puts(o, "%0Afix: ");
		put_escaped(o, finding->fix, false);
	}
	dp_report_putc(o, '\n');
}

int
dp_report_github(FILE *out, const struct dp_report *report)
{
	struct dp_report_out o = {0};

	for (size_t i = 0; report->findings && i < report->findings->n; i++) {
		const struct dp_finding *finding = &report->findings->items[i];

		assert(finding->rule);
		if (!finding->baselined)
			put_finding(&o, finding);
	}
	return dp_report_finish(&o, out);
}
