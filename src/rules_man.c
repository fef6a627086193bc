/*
 * rules_man.c - writes dts-preflight-rules(7) in man(7) macros from the
 * rule catalog: per rule its ID, slug, severity, what it detects and why,
 * the console error it prevents, its source, and a wrong and a right
 * example.  It adds no knowledge of its own: every word about a rule is
 * the rule file's.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "report.h"
#include "rules_man.h"
#include "util.h"

/* The page's date: that of the catalog's last change of format. */
#define MAN_DATE "2026-11-22"

static void put_escaped(struct dp_report_out *o, const char *s, bool split);

/* Running text: sentences on lines of their own. */
static void
put_text(struct dp_report_out *o, const char *s)
{
	put_escaped(o, s, true);
}

/* Text for a man page line: backslashes escaped, hyphens as \-, a
 * leading '.' or '\'' defused so no input becomes a request, and each
 * new sentence on a new line (man(7) spaces sentences that way). */
static void
put_escaped(struct dp_report_out *o, const char *s, bool split)
{
	bool line_start = true;

	for (; s && *s; s++) {
		if (line_start && (*s == '.' || *s == '\''))
			dp_report_puts(o, "\\&");
		line_start = *s == '\n';
		if (*s == '\\') {
			dp_report_puts(o, "\\e");
		} else if (*s == '-') {
			dp_report_puts(o, "\\-");
		} else if (split && *s == ' ' && s[-1] == '.' && s[1] >= 'A' &&
			   s[1] <= 'Z') {
			dp_report_putc(o, '\n');
			line_start = true;
		} else {
			dp_report_putc(o, *s);
		}
	}
}

static void
put_example(struct dp_report_out *o, const char *label, const char *text)
{
	if (!text)
		return;
	dp_report_printf(o, ".PP\n%s:\n.RS\n.EX\n", label);
	put_text(o, text);
	dp_report_puts(o, "\n.EE\n.RE\n");
}

static void
put_rule(struct dp_report_out *o, const struct dp_rule *rule)
{
	const char *desc = dp_text_get(&rule->description, DP_LANG_EN);

	dp_report_printf(o, ".SS %s ", rule->id);
	put_text(o, rule->slug);
	dp_report_printf(o, " (%s%s)\n", dp_severity_name(rule->severity),
			 rule->enabled ? "" : ", off by default");
	put_text(o, dp_text_get(&rule->summary, DP_LANG_EN));
	dp_report_putc(o, '.');
	dp_report_putc(o, '\n');
	if (desc && *desc) {
		dp_report_puts(o, ".PP\n");
		put_text(o, desc);
		dp_report_putc(o, '\n');
	}
	if (rule->console_error || (rule->doc && strcmp(rule->doc, "-") != 0) ||
	    rule->needs || rule->n_yields_to)
		dp_report_puts(o, ".PP\n");
	if (rule->console_error) {
		dp_report_puts(o, "Console error it prevents:\n.B \"");
		put_escaped(o, rule->console_error, false);
		dp_report_putc(o, '"');
		dp_report_puts(o, "\n.br\n");
	}
	if (rule->doc && strcmp(rule->doc, "-") != 0) {
		dp_report_puts(o, "Source: ");
		put_text(o, strspn(rule->doc, "0123456789, ") == strlen(rule->doc)
				    ? "seed " : "");
		put_text(o, rule->doc);
		dp_report_puts(o, "\n.br\n");
	}
	if (rule->needs) {
		dp_report_puts(o, strcmp(rule->needs, "creator_uid") == 0
			       ? "Runs only when the task creator's account ID is known\n"
				 "(\\-\\-creator\\-uid, the config file, or a "
				 "GetCallerIdentity export).\n.br\n"
			       : "Runs only for roles whose attachment list was "
				 "exported.\n.br\n");
	}
	if (rule->n_yields_to) {
		dp_report_puts(o, "Stays silent where a more specific rule reports "
			       "the same value:\n");
		for (size_t i = 0; i < rule->n_yields_to; i++)
			dp_report_printf(o, "%s%s", i ? ", " : "", rule->yields_to[i]);
		dp_report_puts(o, ".\n");
	}
	put_example(o, "Wrong", rule->example_wrong);
	put_example(o, "Right", rule->example_right);
}

int
dp_rules_write_man(FILE *out, const struct dp_ruleset *set, const char *version)
{
	struct dp_report_out o = {0};

	dp_report_puts(&o, ".\\\" Generated from rules/*.json by "
		       "`dts-preflight rules --format man`: edit the rules, not this.\n");
	dp_report_puts(&o, ".TH DTS\\-PREFLIGHT\\-RULES 7 " MAN_DATE " \"dts\\-preflight ");
	put_text(&o, version);
	dp_report_puts(&o, "\" \"Miscellaneous Information Manual\"\n"
		       ".SH NAME\n"
		       "dts\\-preflight\\-rules \\- the rules of dts\\-preflight: what each "
		       "detects, why the DTS task fails, a wrong and a right example\n"
		       ".SH DESCRIPTION\n"
		       "Every rule has a stable ID and slug, a default severity and a "
		       "source: the Alibaba Cloud documentation page (seed) that states "
		       "the requirement.\n"
		       ".B error\n"
		       "means the task will fail or the service will reject the value;\n"
		       ".B warning\n"
		       "means very likely wrong, or the setup is incomplete;\n"
		       ".B info\n"
		       "is worth knowing and never fails a run by default.\n"
		       "Rules are switched with\n"
		       ".BR \\-\\-enable ,\n"
		       ".B \\-\\-disable\n"
		       "and\n"
		       ".BR \\-\\-severity ,\n"
		       "or in the config file; see\n"
		       ".BR dts\\-preflight (1).\n"
		       ".PP\n"
		       "One mistake gives one finding: where a specific rule explains "
		       "a value, the general rules on that value stay silent.\n"
		       ".SH RULES\n");
	for (size_t i = 0; i < set->n_rules; i++)
		put_rule(&o, set->rules[i]);
	dp_report_puts(&o, ".SH SEE ALSO\n.BR dts\\-preflight (1)\n");
	return dp_report_finish(&o, out);
}
