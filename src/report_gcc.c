/*
 * report_gcc.c - one "file:line:col: severity: message [ID slug]" line per
 * finding, the format editors and compilers' error parsers understand.
 * Nothing else is printed: no excerpt, no notes, no summary, and no
 * baselined finding.
 */
#include "config.h"

#include <assert.h>

#include "report.h"

/* A value from the command line has the program's name for a place, as
 * gcc's own "gcc: error: ..." lines do. */
static void
put_finding(struct dp_report_out *o, const struct dp_finding *finding)
{
	if (finding->origin.source) {
		dp_report_put_safe(o, dp_finding_path(finding), NULL);
		dp_report_printf(o, ":%u:%u: ", finding->loc.line,
				 finding->loc.column);
	} else {
		dp_report_puts(o, "dts-preflight: ");
	}
	dp_report_printf(o, "%s: ", dp_severity_name(finding->severity));
	dp_report_put_safe(o, finding->message ? finding->message : "", NULL);
	dp_report_printf(o, " [%s %s]\n", finding->rule->id,
			 finding->rule->slug);
}

int
dp_report_gcc(FILE *out, const struct dp_report *report)
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
