/*
 * app.c - the dts-preflight command as a function: finds and loads the
 * rules, turns the command line into a run, prints the report and every
 * error message, and decides the exit status.  The only code that prints;
 * it writes to the streams it is given (main.c passes stdout/stderr, the
 * golden tests pass memory streams) and never exits.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "atomic.h"
#include "cli.h"
#include "fix.h"
#include "input.h"
#include "report.h"
#include "rules.h"
#include "run.h"
#include "util.h"

#define PROG "dts-preflight"

struct app {
	FILE *out;
	FILE *err;
	bool had_error; /* exit 2 whatever else was found */
	size_t max_file_size; /* for messages about it */
	bool relint;    /* linting again after --fix: paths were reported */
};

static void error_msg(struct app *app, const char *fmt, ...) DP_PRINTF(2, 3);

static void
error_msg(struct app *app, const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", app->err);
	va_start(ap, fmt);
	vfprintf(app->err, fmt, ap);
	va_end(ap);
	fputc('\n', app->err);
}

/* Where the catalog lives: $DTS_PREFLIGHT_RULES_DIR, the installed copy,
 * or - for a build that was never installed - the source tree's. */
static const char *
base_rules_dir(void)
{
	const char *env = getenv("DTS_PREFLIGHT_RULES_DIR");
	struct stat st;

	if (env && *env)
		return env;
	if (stat(DP_RULES_DIR, &st) == 0 && S_ISDIR(st.st_mode))
		return DP_RULES_DIR;
	return DP_SOURCE_RULES_DIR;
}

static int
load_rules(struct app *app, const struct dp_cli *cli,
	   struct dp_ruleset **ret_set)
{
	struct dp_ruleset *set = dp_ruleset_new();
	const char *base = base_rules_dir();
	char *msg = NULL;
	int r;

	if (!set) {
		error_msg(app, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	r = dp_ruleset_load_dir(set, base, &msg);
	for (size_t i = 0; r == 0 && i < cli->n_rules_dirs; i++)
		r = dp_ruleset_load_dir(set, cli->rules_dirs[i], &msg);
	if (r < 0) {
		if (msg)
			error_msg(app, "bad rule file: %s", msg);
		else
			error_msg(app, "cannot load rules from '%s': %s", base,
				  strerror(-r));
		free(msg);
		dp_ruleset_free(set);
		return r;
	}
	*ret_set = set;
	return 0;
}

/* IDs are upper case and slugs lower case, so a pattern is tried in
 * both cases: "dp3*" and "DP3*" mean the same. */
static bool
rule_matches(const struct dp_rule *rule, const char *pattern)
{
	char upper[128], lower[128];
	size_t i;

	for (i = 0; pattern[i] && i + 1 < sizeof(upper); i++) {
		upper[i] = (char)toupper((unsigned char)pattern[i]);
		lower[i] = (char)tolower((unsigned char)pattern[i]);
	}
	upper[i] = lower[i] = '\0';
	return fnmatch(upper, rule->id, 0) == 0 ||
	       fnmatch(lower, rule->slug, 0) == 0;
}

/* Applies --enable/--disable/--severity in order; a pattern that matches
 * no rule is a usage error (a typo must not silently disable nothing). */
static int
select_rules(struct app *app, const struct dp_cli *cli,
	     const struct dp_ruleset *set, bool *enabled,
	     enum dp_severity *severity)
{
	for (size_t i = 0; i < set->n_rules; i++) {
		enabled[i] = set->rules[i]->enabled;
		severity[i] = set->rules[i]->severity;
	}
	for (size_t s = 0; s < cli->n_switches; s++) {
		bool hit = false;

		for (size_t i = 0; i < set->n_rules; i++)
			if (rule_matches(set->rules[i], cli->switches[s].pattern)) {
				enabled[i] = cli->switches[s].enable;
				hit = true;
			}
		if (!hit) {
			error_msg(app, "no rule matches '%s' (see 'dts-preflight rules')",
				  cli->switches[s].pattern);
			return -EINVAL;
		}
	}
	for (size_t o = 0; o < cli->n_overrides; o++) {
		bool hit = false;

		for (size_t i = 0; i < set->n_rules; i++)
			if (rule_matches(set->rules[i], cli->overrides[o].pattern)) {
				severity[i] = cli->overrides[o].severity;
				hit = true;
			}
		if (!hit) {
			error_msg(app, "no rule matches '%s' (see 'dts-preflight rules')",
				  cli->overrides[o].pattern);
			return -EINVAL;
		}
	}
	return 0;
}

/* "64 MiB", "500 KiB", "100-byte". */
static const char *
size_text(size_t bytes, char *buf, size_t len)
{
	if (bytes >= ((size_t)1 << 20) && bytes % ((size_t)1 << 20) == 0)
		(void) snprintf(buf, len, "%zu MiB", bytes >> 20);
	else if (bytes >= 1024 && bytes % 1024 == 0)
		(void) snprintf(buf, len, "%zu KiB", bytes >> 10);
	else
		(void) snprintf(buf, len, "%zu-byte", bytes);
	return buf;
}

static void
path_error(void *data, const char *path, int err)
{
	struct app *app = data;
	char size[32];

	app->had_error = true;
	if (app->relint)
		return;
	if (err == -ELOOP)
		error_msg(app, "cannot read '%s': %s", path,
			  "symbolic link loop, or directories nested too deep");
	else if (err == -EFBIG)
		error_msg(app, "cannot read '%s': file is larger than the %s "
			  "limit (see --max-file-size)", path,
			  size_text(app->max_file_size, size, sizeof(size)));
	else if (err == -EINVAL)
		error_msg(app, "cannot read '%s': %s", path,
			  "not a regular file (a FIFO, socket or device)");
	else
		error_msg(app, "cannot open '%s': %s", path, strerror(-err));
}

static bool
use_color(const struct app *app, enum dp_color color)
{
	const char *no_color = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	if (color != DP_COLOR_AUTO)
		return color == DP_COLOR_ALWAYS;
	if (no_color && *no_color)
		return false;
	return isatty(fileno(app->out)) && !(term && strcmp(term, "dumb") == 0);
}

static bool
fails(const struct dp_findings *findings, enum dp_severity fail_on)
{
	if (fail_on == DP_SEV_NONE)
		return false;
	for (size_t i = 0; i < findings->n; i++)
		if (!findings->items[i].baselined &&
		    findings->items[i].severity >= fail_on)
			return true;
	return false;
}

static int
flush_out(struct app *app)
{
	if (fflush(app->out) != 0 || ferror(app->out)) {
		error_msg(app, "cannot write the report: %s", strerror(errno));
		return DP_EXIT_ERROR;
	}
	return 0;
}

/*
 * Replaces path with bytes unless the file no longer holds what was read
 * (old): the new bytes go to a temporary file first, then the file is
 * read again and compared byte for byte just before the rename, so an
 * editor's save in between is never overwritten.  0, -ESTALE when the
 * file changed, or -errno.
 */
static int
write_fixed(const struct dp_source *old, const char *bytes, size_t len)
{
	struct dp_atomic_file *file = NULL;
	struct dp_source *now = NULL;
	int r;

	r = dp_atomic_begin(old->path, &file);
	if (r < 0)
		return r;
	r = dp_atomic_append(file, bytes, len);
	if (r == 0)
		r = dp_source_read(old->path, old->len + 1, &now);
	if (r == -EFBIG || (r == 0 && (now->len != old->len ||
				       memcmp(now->data, old->data, old->len))))
		r = -ESTALE;
	dp_source_free(now);
	if (r < 0) {
		dp_atomic_abort(file);
		return r;
	}
	return dp_atomic_commit(file);
}

/*
 * --fix: writes the mechanical fixes of every file of the report.
 * Standard input is left alone (-f diff prints its fixes).  Returns how
 * many files were changed; errors are reported and make the exit status 2.
 */
static size_t
fix_files(struct app *app, const struct dp_cli *cli,
	  const struct dp_report *report)
{
	size_t changed = 0;

	for (size_t i = 0; i < report->n_sources; i++) {
		const struct dp_source *source = report->sources[i];
		struct dp_fix_plan plan = {0};
		struct dp_buf bytes = {0};
		int r = dp_fix_plan(source, report->findings, &plan);

		if (r == 0 && plan.n > 0 && strcmp(source->path, "<stdin>") == 0) {
			error_msg(app, "cannot fix standard input in place "
				  "(-f diff prints the fixes)");
			goto next;
		}
		if (r == 0 && plan.n > 0)
			r = dp_fix_plan_apply(source, &plan, &bytes);
		if (r == 0 && plan.n > 0)
			r = write_fixed(source, bytes.data, bytes.len);
		if (r == -ESTALE) {
			error_msg(app, "not fixing '%s': it changed since it "
				  "was read", source->path);
			app->had_error = true;
		} else if (r < 0) {
			error_msg(app, "cannot write '%s': %s", source->path,
				  strerror(-r));
			app->had_error = true;
		} else if (plan.n > 0) {
			changed++;
			if (!cli->quiet)
				fprintf(app->err, PROG ": fixed %zu %s in '%s'\n",
					plan.n_findings,
					plan.n_findings == 1 ? "finding"
							     : "findings",
					source->path);
		}
next:
		dp_buf_free(&bytes);
		dp_fix_plan_free(&plan);
	}
	return changed;
}

static int
cmd_check(struct app *app, const struct dp_cli *cli,
	  const struct dp_ruleset *set)
{
	struct dp_run_options options = {.creator_uid = cli->creator_uid,
					 .lang = cli->lang,
					 .max_file_size = cli->max_file_size,
					 .limits.max_depth = cli->max_depth,
					 .max_findings = cli->max_findings};
	struct dp_run *run = NULL;
	struct dp_report report;
	enum dp_severity *severity = calloc(set->n_rules + 1, sizeof(*severity));
	bool *enabled = calloc(set->n_rules + 1, sizeof(*enabled));
	char *msg = NULL;
	int status = DP_EXIT_ERROR, r;

	app->max_file_size = options.max_file_size ? options.max_file_size
						   : DP_MAX_FILE_SIZE_DEFAULT;
	if (!severity || !enabled)
		goto nomem;
	if (select_rules(app, cli, set, enabled, severity) < 0)
		goto out;
	options.enabled = enabled;
	options.severity = severity;
again:
	if (dp_run_new(set, &options, &run) < 0)
		goto nomem;
	for (size_t i = 0; i < cli->n_paths; i++)
		if (dp_run_add_path(run, cli->paths[i], true, path_error, app) < 0)
			goto nomem;
	r = dp_run_finish(run, &msg);
	if (r == -E2BIG) {
		fprintf(app->err, PROG ": %s\n", msg);
		app->had_error = true;
	} else if (r < 0) {
		goto nomem;
	}
	dp_run_report(run, &report);
	if (cli->fix && !app->relint && fix_files(app, cli, &report) > 0) {
		/* Lint the fixed files again: the report and the exit
		 * status say what is left. */
		app->relint = true;
		dp_run_free(run);
		run = NULL;
		free(msg);
		msg = NULL;
		goto again;
	}
	report.color = use_color(app, cli->color);
	report.quiet = cli->quiet;
	report.tool_version = DP_VERSION;
	r = dp_report_write(cli->format ? cli->format : "text", app->out, &report);
	if (r < 0) {
		error_msg(app, "cannot write the report: %s", strerror(-r));
		goto out;
	}
	if (flush_out(app) != 0)
		goto out;
	status = app->had_error ? DP_EXIT_ERROR
		 : fails(dp_run_findings(run), cli->fail_on) ? DP_EXIT_FINDINGS
							      : DP_EXIT_OK;
	goto out;
nomem:
	error_msg(app, "%s", strerror(ENOMEM));
out:
	free(msg);
	free(severity);
	free(enabled);
	dp_run_free(run);
	return status;
}

static int
cmd_rules(struct app *app, const struct dp_cli *cli,
	  const struct dp_ruleset *set)
{
	bool json = cli->format && strcmp(cli->format, "json") == 0;

	if (cli->format && !json && strcmp(cli->format, "text") != 0) {
		error_msg(app, "'rules' prints text or json, not '%s'", cli->format);
		return DP_EXIT_ERROR;
	}
	if (json)
		fputs("[\n", app->out);
	for (size_t i = 0; i < set->n_rules; i++) {
		const struct dp_rule *rule = set->rules[i];
		const char *summary = dp_text_get(&rule->summary, cli->lang);

		if (json) {
			struct dp_buf q = {0};

			if (dp_report_json_quote(&q, summary) < 0)
				return DP_EXIT_ERROR;
			fprintf(app->out, "  {\"id\": \"%s\", \"slug\": \"%s\", \"severity\": "
			       "\"%s\", \"enabled\": %s, \"summary\": %s}%s\n",
			       rule->id, rule->slug, dp_severity_name(rule->severity),
			       rule->enabled ? "true" : "false", q.data,
			       i + 1 < set->n_rules ? "," : "");
			dp_buf_free(&q);
		} else {
			fprintf(app->out, "%s  %-7s  %-3s  %-28s %s\n", rule->id,
			       dp_severity_name(rule->severity),
			       rule->enabled ? "on" : "off", rule->slug, summary);
		}
	}
	if (json)
		fputs("]\n", app->out);
	return flush_out(app);
}

int
dp_app_run(int argc, char **argv, FILE *out, FILE *err)
{
	struct app app_state = {.out = out, .err = err};
	struct app *app = &app_state;
	struct dp_ruleset *set = NULL;
	struct dp_cli cli;
	char *msg = NULL;
	int status;

	if (dp_cli_parse(argc, argv, getenv("LANG"), &cli, &msg) < 0) {
		error_msg(app, "%s", msg ? msg : strerror(ENOMEM));
		free(msg);
		return DP_EXIT_ERROR;
	}
	if (cli.command == DP_CMD_HELP) {
		dp_cli_usage(app->out);
		status = flush_out(app);
		goto out;
	}
	if (cli.command == DP_CMD_VERSION) {
		fprintf(app->out, PROG " %s\n", DP_VERSION);
		status = flush_out(app);
		goto out;
	}
	if (cli.command == DP_CMD_CHECK && cli.n_paths == 0) {
		error_msg(app, "no input files (give a file, a directory or - for "
			  "stdin; see --help)");
		status = DP_EXIT_ERROR;
		goto out;
	}
	if (load_rules(app, &cli, &set) < 0) {
		status = DP_EXIT_ERROR;
		goto out;
	}
	status = cli.command == DP_CMD_RULES ? cmd_rules(app, &cli, set)
					     : cmd_check(app, &cli, set);
out:
	dp_ruleset_free(set);
	dp_cli_done(&cli);
	return status;
}
