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
#include "baseline.h"
#include "cli.h"
#include "config_file.h"
#include "explain.h"
#include "filter.h"
#include "fix.h"
#include "input.h"
#include "matrix.h"
#include "report.h"
#include "rules.h"
#include "rules_man.h"
#include "run.h"
#include "trust_policy.h"
#include "util.h"
#include "waiver.h"

#define PROG "dts-preflight"

struct app {
	FILE *out;
	FILE *err;
	bool had_error; /* exit 2 whatever else was found */
	size_t max_file_size; /* for messages about it */
	bool relint;    /* linting again after --fix: paths were reported */

	/* Config file, waivers, baseline (config_file.c, filter.c). */
	struct dp_config *config;     /* NULL: none found */
	struct dp_baseline *baseline; /* --baseline, loaded once */
	long today;                   /* YYYYMMDD, for waiver expiry */
	bool list_waivers;            /* the waivers command: list, no report */
	bool whole_tree;              /* it linted the config's whole tree */
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
	/* A check run compiles the catalog's patterns as rules reach them
	 * (`rules` and the tests compile them all); --rules-dir files are
	 * the user's and are checked whole now. */
	dp_ruleset_defer_patterns(set, cli->command == DP_CMD_CHECK);
	r = dp_ruleset_load_dir(set, base, &msg);
	dp_ruleset_defer_patterns(set, false);
	for (size_t i = 0; r == 0 && i < cli->n_rules_dirs; i++)
		r = dp_ruleset_load_dir(set, cli->rules_dirs[i], &msg);
	/* Every table is read (and a broken one reported) before a command
	 * starts, but a check run never reads the console errors (a third of
	 * the catalog's bytes) nor the trust policy template: only `explain`
	 * and `trust-policy` do. */
	if (r == 0)
		r = dp_ruleset_load_tables(set, cli->command == DP_CMD_CHECK
					   ? (const char *const[]){"errors",
						 "trust-policy", NULL}
					   : NULL, &msg);
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
	else if (err == -ESTALE)
		error_msg(app, "cannot read '%s': %s", path,
			  "it changed while it was being checked; run again");
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

/* ---- config, waivers, baseline ------------------------------------- */

/* Today's date for waivers: $DTS_PREFLIGHT_TODAY, or the clock's when
 * today is NULL.  0, or -1 after an error message. */
static int
read_today(struct app *app, const char *today)
{
	if (dp_waiver_today(today, &app->today) < 0) {
		error_msg(app, "DTS_PREFLIGHT_TODAY must be a date YYYY-MM-DD, "
			  "not '%s'", today ? today : "");
		return -1;
	}
	return 0;
}

/* The config file (--config, or found upwards) merged under the command
 * line, and today's date for waivers.  0, or -1 after an error message. */
static int
load_config(struct app *app, struct dp_cli *cli)
{
	const char *today = getenv("DTS_PREFLIGHT_TODAY");
	char *path = NULL, *msg = NULL;
	int r;

	/* Only a config file has waivers: without one the clock is never
	 * read, nor /etc/localtime parsed (0.3 ms of a 3 ms run).  A date
	 * given is checked first all the same. */
	if (today && !*today)
		today = NULL;
	if (today && read_today(app, today) < 0)
		return -1;
	if (cli->config_path)
		path = dp_strdup(cli->config_path);
	else if ((r = dp_config_find(".", &path)) <= 0)
		goto found;
	r = path ? dp_config_load(path, &app->config, &msg) : -ENOMEM;
	if (r == -EINVAL)
		error_msg(app, "bad config file: %s", msg);
	else if (r < 0 && r != -ENOMEM)
		error_msg(app, "cannot read config file '%s': %s", path,
			  strerror(-r));
	else if (r == 0)
		r = dp_config_apply(app->config, cli);
	if (r == 0 && !today && read_today(app, NULL) < 0)
		r = -EINVAL;
found:
	if (r == -ENOMEM)
		error_msg(app, "%s", strerror(ENOMEM));
	free(msg);
	free(path);
	return r < 0 ? -1 : 0;
}

/* The config's rule patterns against the loaded catalog. */
static int
check_config(struct app *app, const struct dp_ruleset *set)
{
	char *msg = NULL;
	int r;

	if (!app->config)
		return 0;
	r = dp_config_check_rules(app->config, set, &msg);
	if (r < 0)
		error_msg(app, "bad config file: %s", msg ? msg : strerror(-r));
	free(msg);
	return r < 0 ? -1 : 0;
}

/*
 * The filter step between the run and the report (filter.c): waivers,
 * the baseline, --write-baseline.  Sets report->notes to the run's notes
 * followed by the filter's (*ret_notes, free() it).  0, or -1 after an
 * error message.
 */
static int
filter_findings(struct app *app, const struct dp_cli *cli, struct dp_run *run,
		struct dp_report *report, struct dp_filter_result *filtered,
		struct dp_note **ret_notes)
{
	struct dp_filter_options options = {
		.today = app->today,
		.lang = cli->lang,
		.whole_tree = app->whole_tree,
		.sources = report->sources,
		.n_sources = report->n_sources,
	};
	struct dp_findings *findings = dp_run_findings_edit(run);
	struct dp_note *notes;
	char *msg = NULL;
	int r;

	if (!cli->no_waivers && app->config)
		options.waivers = &app->config->waivers;
	if (!cli->no_waivers && cli->baseline && !cli->write_baseline) {
		if (!app->baseline) {
			r = dp_baseline_load(cli->baseline, &app->baseline, &msg);
			if (r == -EINVAL)
				error_msg(app, "bad baseline: %s", msg);
			else if (r < 0)
				error_msg(app, "cannot read baseline '%s': %s",
					  cli->baseline, strerror(-r));
			free(msg);
			if (r < 0)
				return -1;
		}
		options.baseline = app->baseline;
	}
	r = dp_filter_apply(&options, findings, filtered);
	if (r == 0 && cli->write_baseline) {
		size_t n = 0;
		char *text;

		r = dp_filter_write_baseline(cli->write_baseline, findings, &n);
		if (r < 0 && r != -ENOMEM) {
			error_msg(app, "cannot write baseline '%s': %s",
				  cli->write_baseline, strerror(-r));
			return -1;
		}
		text = r == 0 ? dp_asprintf("recorded %zu finding%s in the "
					    "baseline '%s'", n, n == 1 ? "" : "s",
					    cli->write_baseline)
			      : NULL;
		r = text ? dp_filter_add_note(filtered, NULL, (struct dp_span){0, 0},
					      text)
			 : -ENOMEM;
		free(text);
	}
	notes = r == 0 ? calloc(report->n_notes + filtered->n_notes + 1,
				sizeof(*notes))
		       : NULL;
	if (!notes) {
		error_msg(app, "%s", strerror(ENOMEM));
		return -1;
	}
	if (report->n_notes)
		memcpy(notes, report->notes, report->n_notes * sizeof(*notes));
	if (filtered->n_notes)
		memcpy(notes + report->n_notes, filtered->notes,
		       filtered->n_notes * sizeof(*notes));
	report->notes = notes;
	report->n_notes += filtered->n_notes;
	*ret_notes = notes;
	return 0;
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
	struct dp_filter_result filtered = {0};
	struct dp_note *notes = NULL;
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
	if (dp_run_add_paths(run, (const char *const *) cli->paths,
			     cli->n_paths, true, path_error, app) < 0)
		goto nomem;
	r = dp_run_finish(run, &msg);
	if (r == -E2BIG) {
		fprintf(app->err, PROG ": %s\n", msg);
		app->had_error = true;
	} else if (r < 0) {
		goto nomem;
	}
	dp_run_report(run, &report);
	dp_filter_result_done(&filtered);
	free(notes);
	notes = NULL;
	if (filter_findings(app, cli, run, &report, &filtered, &notes) < 0)
		goto out;
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
	r = app->list_waivers
		    ? dp_waivers_write(app->out, &app->config->waivers, app->today,
				       app->whole_tree)
		    : dp_report_write(cli->format ? cli->format : "text",
				      app->out, &report);
	if (r < 0) {
		error_msg(app, "cannot write the report: %s", strerror(-r));
		goto out;
	}
	if (flush_out(app) != 0)
		goto out;
	status = app->had_error ? DP_EXIT_ERROR
		 : app->list_waivers ? DP_EXIT_OK
		 : fails(dp_run_findings(run), cli->fail_on) ? DP_EXIT_FINDINGS
							      : DP_EXIT_OK;
	goto out;
nomem:
	error_msg(app, "%s", strerror(ENOMEM));
out:
	dp_filter_result_done(&filtered);
	free(notes);
	free(msg);
	free(severity);
	free(enabled);
	dp_run_free(run);
	return status;
}

/* Paths belong to check; the table commands take none. */
static bool
refuse_paths(struct app *app, const struct dp_cli *cli, const char *command)
{
	if (!cli->n_paths)
		return false;
	error_msg(app, "'%s' takes no path ('%s'; see --help)", command,
		  cli->paths[0]);
	return true;
}

static int
cmd_matrix(struct app *app, const struct dp_cli *cli,
	   const struct dp_ruleset *set)
{
	bool json = cli->format && strcmp(cli->format, "json") == 0;
	unsigned sections = (cli->matrix_source ? DP_MATRIX_SOURCE : 0) |
			    (cli->matrix_destination ? DP_MATRIX_DESTINATION : 0) |
			    (cli->matrix_two_way ? DP_MATRIX_TWO_WAY : 0);
	int r;

	if (cli->format && !json && strcmp(cli->format, "text") != 0) {
		error_msg(app, "'matrix' prints text or json, not '%s'", cli->format);
		return DP_EXIT_ERROR;
	}
	if (refuse_paths(app, cli, "matrix"))
		return DP_EXIT_ERROR;
	r = dp_matrix_write(app->out, set, sections, json, cli->lang);
	if (r == -ENOENT)
		error_msg(app, "the rules have no support matrix (tables/matrix.json)");
	else if (r < 0)
		error_msg(app, "cannot write the matrix: %s", strerror(-r));
	return r < 0 ? DP_EXIT_ERROR : flush_out(app);
}

static int
cmd_trust_policy(struct app *app, const struct dp_cli *cli,
		 const struct dp_ruleset *set)
{
	char *msg = NULL;
	int r;

	if (!cli->trust_uid) {
		error_msg(app, "'trust-policy' needs --trust UID, the ID of the "
			  "account that creates the DTS task");
		return DP_EXIT_ERROR;
	}
	if (refuse_paths(app, cli, "trust-policy"))
		return DP_EXIT_ERROR;
	/* The policy goes to stdout, ready for a file or UpdateRole; what to
	 * do with it to stderr, so the two never mix in a pipe. */
	r = dp_trust_policy_write(app->out, cli->quiet ? NULL : app->err, set,
				  cli->trust_uid, cli->vpc, cli->lang, &msg);
	if (r == -EINVAL)
		error_msg(app, "--trust: %s", msg);
	else if (r == -ENOENT)
		error_msg(app, "the rules have no trust policy template "
			  "(tables/trust-policy.json)");
	else if (r < 0)
		error_msg(app, "cannot write the trust policy: %s", strerror(-r));
	free(msg);
	return r < 0 ? DP_EXIT_ERROR : flush_out(app);
}

/* `rules --format man`: dts-preflight-rules(7), made by the build. */
static int
cmd_rules_man(struct app *app, const struct dp_ruleset *set)
{
	int r = dp_rules_write_man(app->out, set, DP_VERSION);

	if (r < 0) {
		error_msg(app, "cannot write the man page: %s", strerror(-r));
		return DP_EXIT_ERROR;
	}
	return flush_out(app);
}

static int
cmd_rules(struct app *app, const struct dp_cli *cli,
	  const struct dp_ruleset *set)
{
	bool json = cli->format && strcmp(cli->format, "json") == 0;

	if (cli->format && strcmp(cli->format, "man") == 0)
		return cmd_rules_man(app, set);
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

			if (dp_report_json_quote(&q, summary) < 0) {
				dp_buf_free(&q);
				error_msg(app, "%s", strerror(ENOMEM));
				return DP_EXIT_ERROR;
			}
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

/* The text to explain: the words given, or standard input ("-", or no
 * words when it is not a terminal).  0, or -1 after an error message. */
static int
explain_text(struct app *app, const struct dp_cli *cli, struct dp_buf *text)
{
	struct dp_source *source = NULL;
	int r = 0;

	if (cli->n_paths == 0 && isatty(STDIN_FILENO)) {
		error_msg(app, "explain needs the text of a console error, a rule "
			  "ID, or - to read standard input (see --help)");
		return -1;
	}
	if (cli->n_paths == 0 ||
	    (cli->n_paths == 1 && strcmp(cli->paths[0], "-") == 0)) {
		r = dp_source_read("-", DP_EXPLAIN_MAX_TEXT, &source);
		if (r == 0)
			r = dp_buf_append(text, source->data, source->len);
		dp_source_free(source);
	} else {
		for (size_t i = 0; i < cli->n_paths && r == 0; i++)
			r = dp_buf_printf(text, "%s%s", i ? " " : "",
					  cli->paths[i]);
		if (r == 0 && text->len > DP_EXPLAIN_MAX_TEXT)
			r = -EFBIG;
	}
	if (r == -EFBIG)
		error_msg(app, "the text to explain is larger than %zu bytes",
			  DP_EXPLAIN_MAX_TEXT);
	else if (r < 0)
		error_msg(app, "cannot read standard input: %s", strerror(-r));
	return r < 0 ? -1 : 0;
}

static int
cmd_explain(struct app *app, const struct dp_cli *cli,
	    const struct dp_ruleset *set)
{
	struct dp_explain *explain = NULL;
	struct dp_buf text = {0};
	char *msg = NULL;
	int status = DP_EXIT_ERROR, r;

	r = dp_explain_load(set, &explain, &msg);
	if (r == -ENOENT)
		error_msg(app, "the rules lack the console error table "
			  "(tables/errors.json)");
	else if (r == -EINVAL)
		error_msg(app, "bad rule file: %s", msg);
	else if (r < 0)
		error_msg(app, "%s", strerror(-r));
	if (r < 0 || explain_text(app, cli, &text) < 0)
		goto out;
	r = dp_explain_write(app->out, explain, set, text.data ? text.data : "",
			     text.len, cli->lang);
	if (r == -E2BIG)
		error_msg(app, "a pattern of the console error table hit its "
			  "match limit");
	else if (r < 0)
		error_msg(app, "cannot write the explanation: %s", strerror(-r));
	else
		status = r == 1 ? DP_EXIT_OK : DP_EXIT_FINDINGS;
out:
	dp_buf_free(&text);
	free(msg);
	dp_explain_free(explain);
	return status;
}

/* Lints the paths given (by default the config file's whole directory)
 * and lists the waivers with what they did. */
static int
cmd_waivers(struct app *app, const struct dp_cli *cli,
	    const struct dp_ruleset *set)
{
	struct dp_cli lint = *cli;
	char *config_dir[1];

	if (!app->config) {
		fputs("no waivers: no " DP_CONFIG_NAME " found from here up to "
		      "the repository root (--config FILE names one)\n",
		      app->out);
		return flush_out(app);
	}
	if (lint.n_paths == 0) {
		config_dir[0] = app->config->dir;
		lint.paths = config_dir;
		lint.n_paths = 1;
		app->whole_tree = true;
	}
	lint.no_waivers = false;
	lint.baseline = NULL;
	lint.write_baseline = NULL;
	lint.fix = false;
	app->list_waivers = true;
	return cmd_check(app, &lint, set);
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
	if (load_config(app, &cli) < 0 || load_rules(app, &cli, &set) < 0 ||
	    check_config(app, set) < 0) {
		status = DP_EXIT_ERROR;
		goto out;
	}
	if (cli.command == DP_CMD_MATRIX || cli.command == DP_CMD_TRUST_POLICY) {
		status = cli.command == DP_CMD_MATRIX ? cmd_matrix(app, &cli, set)
						      : cmd_trust_policy(app, &cli, set);
		goto out;
	}
	switch (cli.command) {
	case DP_CMD_RULES:
		status = cmd_rules(app, &cli, set);
		break;
	case DP_CMD_EXPLAIN:
		status = cmd_explain(app, &cli, set);
		break;
	case DP_CMD_WAIVERS:
		status = cmd_waivers(app, &cli, set);
		break;
	default:
		status = cmd_check(app, &cli, set);
		break;
	}
out:
	dp_ruleset_free(set);
	dp_cli_done(&cli);
	dp_baseline_free(app->baseline);
	dp_config_free(app->config);
	return status;
}
