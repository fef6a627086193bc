/*
 * cli.c - parses the command line into struct dp_cli and writes --help.
 * It checks the words, not the world: whether a path exists or a rule
 * matches a --disable pattern is main.c's business.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "input.h"
#include "json.h"
#include "report.h"
#include "util.h"

enum {
	OPT_FAIL_ON = 256,
	OPT_SOURCE,
	OPT_DESTINATION,
	OPT_TWO_WAY,
	OPT_TRUST,
	OPT_VPC,
	OPT_FIX,
	OPT_ENABLE,
	OPT_DISABLE,
	OPT_SEVERITY,
	OPT_CREATOR_UID,
	OPT_COLOR,
	OPT_RULES_DIR,
	OPT_LANG,
	OPT_MAX_FILE_SIZE,
	OPT_MAX_DEPTH,
	OPT_MAX_FINDINGS,
	OPT_VERSION,
	OPT_CONFIG,
	OPT_NO_WAIVERS,
	OPT_BASELINE,
	OPT_WRITE_BASELINE,
};

static const struct option long_options[] = {
	{"format", required_argument, NULL, 'f'},
	{"fix", no_argument, NULL, OPT_FIX},
	{"fail-on", required_argument, NULL, OPT_FAIL_ON},
	{"source", no_argument, NULL, OPT_SOURCE},
	{"destination", no_argument, NULL, OPT_DESTINATION},
	{"two-way", no_argument, NULL, OPT_TWO_WAY},
	{"trust", required_argument, NULL, OPT_TRUST},
	{"vpc", no_argument, NULL, OPT_VPC},
	{"enable", required_argument, NULL, OPT_ENABLE},
	{"disable", required_argument, NULL, OPT_DISABLE},
	{"severity", required_argument, NULL, OPT_SEVERITY},
	{"creator-uid", required_argument, NULL, OPT_CREATOR_UID},
	{"color", required_argument, NULL, OPT_COLOR},
	{"rules-dir", required_argument, NULL, OPT_RULES_DIR},
	{"lang", required_argument, NULL, OPT_LANG},
	{"max-file-size", required_argument, NULL, OPT_MAX_FILE_SIZE},
	{"max-depth", required_argument, NULL, OPT_MAX_DEPTH},
	{"max-findings", required_argument, NULL, OPT_MAX_FINDINGS},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"no-waivers", no_argument, NULL, OPT_NO_WAIVERS},
	{"baseline", required_argument, NULL, OPT_BASELINE},
	{"write-baseline", required_argument, NULL, OPT_WRITE_BASELINE},
	{NULL, 0, NULL, 0},
};

const char *const *
dp_cli_long_options(void)
{
	static const char *names[DP_ARRAY_SIZE(long_options)];

	for (size_t i = 0; long_options[i].name; i++)
		names[i] = long_options[i].name;
	return names;
}

void
dp_cli_usage(FILE *out)
{
	fputs("usage: dts-preflight [check] [OPTIONS] PATH...\n"
	      "       dts-preflight rules [--format text|json]\n"
	      "       dts-preflight matrix [--source] [--destination] [--two-way] [-f text|json]\n"
	      "       dts-preflight trust-policy --trust UID [--vpc]\n"
	      "       dts-preflight explain TEXT|RULE-ID|-\n"
	      "       dts-preflight waivers [OPTIONS] [PATH...]\n"
	      "       dts-preflight --version | --help\n"
	      "\n"
	      "Checks exported Alibaba Cloud RAM roles, trust policies and DTS task\n"
	      "configurations for the mistakes that make a cross-account DTS task fail.\n"
	      "PATH is a JSON file, a directory (searched for *.json) or - for stdin.\n"
	      "\n"
	      "options:\n"
	      "  -f, --format FORMAT      text (default), gcc, json, sarif, github, junit\n"
	      "                           or diff (a patch of every mechanical fix)\n"
	      "      --fix                apply the mechanical fixes in place, then report\n"
	      "                           what is left\n"
	      "      --fail-on LEVEL      error, warning (default), info or none: the\n"
	      "                           lowest severity that makes the exit status 1\n"
	      "      --enable RULE        turn a rule on (ID, slug or glob like DP3*)\n"
	      "      --disable RULE       turn a rule off (ID, slug or glob)\n"
	      "      --severity RULE=LEVEL  report RULE at LEVEL (error, warning, info)\n"
	      "      --creator-uid UID    the account that creates the DTS task; enables\n"
	      "                           the rules that need it\n"
	      "      --color WHEN         auto (default), always or never; NO_COLOR is honoured\n"
	      "      --rules-dir DIR      load more rule files from DIR (same format as rules/)\n"
	      "      --lang LANG          en or zh (default: from LANG)\n"
	      "      --max-file-size SIZE larger inputs are not read (default 64M,\n"
	      "                           at most 2G; K, M and G suffixes)\n"
	      "      --max-depth N        JSON nested deeper is invalid (default 512)\n"
	      "      --max-findings N     findings shown per file (default 1000;\n"
	      "                           0: all)\n"
	      "  -q, --quiet              print findings only, no notes or summary\n"
	      "      --config FILE        read settings and waivers from FILE instead of\n"
	      "                           the .dts-preflight.json found upwards\n"
	      "      --baseline FILE      do not fail on findings recorded in FILE\n"
	      "      --write-baseline FILE  record the current findings in FILE\n"
	      "      --no-waivers         ignore every waiver and baseline (audits)\n"
	      "  -h, --help               show this help\n"
	      "      --version            show the version\n"
	      "\n"
	      "matrix: the supported cross-account combinations of seed 001\n"
	      "      --source, --destination, --two-way\n"
	      "                           show only these tables (default: all)\n"
	      "trust-policy: the trust policy of a cross-account role\n"
	      "      --trust UID          the account that creates the DTS task\n"
	      "      --vpc                the database is reached over Express Connect,\n"
	      "                           VPN Gateway or Smart Access Gateway\n"
	      "\n"
	      "exit status: 0 no finding at or above --fail-on, 1 findings,\n"
	      "2 usage error, unreadable path, bad rule file, config or baseline.\n"
	      "Command line beats config file beats defaults.\n",
	      out);
}

static int usage_error(char **reterr_msg, const char *fmt, const char *arg)
	DP_PRINTF(2, 0);

/* fmt has exactly one %s, for arg. */
static int
usage_error(char **reterr_msg, const char *fmt, const char *arg)
{
	struct dp_buf buf = {0};
	const char *at = strstr(fmt, "%s");

	if (dp_buf_append(&buf, fmt, at ? (size_t)(at - fmt) : strlen(fmt)) < 0 ||
	    (at && (dp_buf_puts(&buf, arg) < 0 || dp_buf_puts(&buf, at + 2) < 0))) {
		dp_buf_free(&buf);
		return -ENOMEM;
	}
	*reterr_msg = dp_buf_steal(&buf);
	return *reterr_msg ? -EINVAL : -ENOMEM;
}

static int
push_switch(struct dp_cli *cli, const char *pattern, bool enable)
{
	struct dp_rule_switch *s = realloc(cli->switches,
					   (cli->n_switches + 1) * sizeof(*s));

	if (!s)
		return -ENOMEM;
	cli->switches = s;
	s[cli->n_switches++] = (struct dp_rule_switch){pattern, enable};
	return 0;
}

static int
push_override(struct dp_cli *cli, const char *arg, char **reterr_msg)
{
	const char *eq = strchr(arg, '=');
	struct dp_severity_override *o;
	enum dp_severity sev;
	char *pattern;

	if (!eq || eq == arg || dp_severity_parse(eq + 1, &sev) < 0 ||
	    sev == DP_SEV_NONE)
		return usage_error(reterr_msg, "--severity takes RULE=LEVEL with "
				   "LEVEL error, warning or info, not '%s'", arg);
	pattern = strndup(arg, (size_t)(eq - arg));
	o = realloc(cli->overrides, (cli->n_overrides + 1) * sizeof(*o));
	if (!pattern || !o) {
		free(pattern);
		if (o)
			cli->overrides = o;
		return -ENOMEM;
	}
	cli->overrides = o;
	o[cli->n_overrides++] = (struct dp_severity_override){pattern, sev};
	return 0;
}

static int
push_rules_dir(struct dp_cli *cli, const char *dir)
{
	const char **d = realloc(cli->rules_dirs,
				 (cli->n_rules_dirs + 1) * sizeof(*d));

	if (!d)
		return -ENOMEM;
	cli->rules_dirs = d;
	d[cli->n_rules_dirs++] = dir;
	return 0;
}

static int
parse_format(const char *arg, const char **ret, char **reterr_msg)
{
	const char *const *formats = dp_report_formats();

	for (size_t i = 0; formats[i]; i++)
		if (strcmp(arg, formats[i]) == 0) {
			*ret = formats[i];
			return 0;
		}
	return usage_error(reterr_msg, "unknown format '%s' (known: text, gcc, "
			   "json, sarif, github, junit, diff)", arg);
}

/* "500", "500K", "64M", "1G": bytes, KiB, MiB, GiB; from 1 byte to the
 * ceiling. */
static int
parse_size(const char *arg, size_t *ret, char **reterr_msg)
{
	char digits[32];
	size_t len = strlen(arg), unit = 1;
	long n;

	if (len > 0 && len < sizeof(digits)) {
		memcpy(digits, arg, len + 1);
		if (digits[len - 1] == 'K' || digits[len - 1] == 'k')
			unit = 1024;
		else if (digits[len - 1] == 'M' || digits[len - 1] == 'm')
			unit = 1024 * 1024;
		else if (digits[len - 1] == 'G' || digits[len - 1] == 'g')
			unit = 1024 * 1024 * 1024;
		if (unit > 1)
			digits[len - 1] = '\0';
		if (dp_parse_long(digits, 1,
				  (long)(DP_MAX_FILE_SIZE_CEILING / unit),
				  &n) == 0) {
			*ret = (size_t)n * unit;
			return 0;
		}
	}
	return usage_error(reterr_msg, "--max-file-size takes a size from 1 "
			   "byte to 2G (like 500K, 64M or 1G), not '%s'", arg);
}

static int
parse_option(struct dp_cli *cli, int opt, const char *arg, char **reterr_msg)
{
	long n;

	switch (opt) {
	case 'f':
		/* The man page is generated by the build from the rules. */
		if (cli->command == DP_CMD_RULES && strcmp(arg, "man") == 0) {
			cli->format = "man";
			return 0;
		}
		return parse_format(arg, &cli->format, reterr_msg);
	case OPT_SOURCE:
		cli->matrix_source = true;
		return 0;
	case OPT_DESTINATION:
		cli->matrix_destination = true;
		return 0;
	case OPT_TWO_WAY:
		cli->matrix_two_way = true;
		return 0;
	case OPT_TRUST:
		cli->trust_uid = arg;
		return 0;
	case OPT_VPC:
		cli->vpc = true;
		return 0;
	case OPT_FAIL_ON:
		if (dp_severity_parse(arg, &cli->fail_on) < 0)
			return usage_error(reterr_msg, "--fail-on takes error, "
					   "warning, info or none, not '%s'", arg);
		cli->fail_on_given = true;
		return 0;
	case OPT_ENABLE:
	case OPT_DISABLE:
		return push_switch(cli, arg, opt == OPT_ENABLE);
	case OPT_SEVERITY:
		return push_override(cli, arg, reterr_msg);
	case OPT_CREATOR_UID:
		cli->creator_uid = arg;
		return 0;
	case OPT_COLOR:
		if (strcmp(arg, "auto") == 0)
			cli->color = DP_COLOR_AUTO;
		else if (strcmp(arg, "always") == 0)
			cli->color = DP_COLOR_ALWAYS;
		else if (strcmp(arg, "never") == 0)
			cli->color = DP_COLOR_NEVER;
		else
			return usage_error(reterr_msg, "--color takes auto, always "
					   "or never, not '%s'", arg);
		cli->color_given = true;
		return 0;
	case OPT_MAX_FILE_SIZE:
		return parse_size(arg, &cli->max_file_size, reterr_msg);
	case OPT_MAX_DEPTH:
		if (dp_parse_long(arg, 1, DP_JSON_MAX_DEPTH_CEILING, &n) < 0)
			return usage_error(reterr_msg, "--max-depth takes a "
					   "number from 1 to 4096, not '%s'", arg);
		cli->max_depth = (unsigned)n;
		return 0;
	case OPT_MAX_FINDINGS:
		if (dp_parse_long(arg, 0, LONG_MAX, &n) < 0)
			return usage_error(reterr_msg, "--max-findings takes a "
					   "number (0: no limit), not '%s'", arg);
		cli->max_findings = n ? (size_t)n : SIZE_MAX;
		return 0;
	case OPT_RULES_DIR:
		return push_rules_dir(cli, arg);
	case OPT_LANG:
		if (strcmp(arg, "en") == 0)
			cli->lang = DP_LANG_EN;
		else if (strcmp(arg, "zh") == 0)
			cli->lang = DP_LANG_ZH;
		else
			return usage_error(reterr_msg, "--lang takes en or zh, not '%s'",
					   arg);
		cli->lang_given = true;
		return 0;
	case 'q':
		cli->quiet = true;
		return 0;
	case OPT_FIX:
		cli->fix = true;
		return 0;
	case 'h':
		cli->command = DP_CMD_HELP;
		return 0;
	case OPT_VERSION:
		cli->command = DP_CMD_VERSION;
		return 0;
	case OPT_CONFIG:
		cli->config_path = arg;
		return 0;
	case OPT_NO_WAIVERS:
		cli->no_waivers = true;
		return 0;
	case OPT_BASELINE:
		cli->baseline = arg;
		return 0;
	case OPT_WRITE_BASELINE:
		cli->write_baseline = arg;
		return 0;
	default:
		return -EINVAL;
	}
}

/* The subcommand word, if argv[1] is one. */
static int
take_command(int argc, char **argv, struct dp_cli *cli)
{
	if (argc < 2)
		return 0;
	if (strcmp(argv[1], "check") == 0) {
		cli->command = DP_CMD_CHECK;
		return 1;
	}
	if (strcmp(argv[1], "matrix") == 0) {
		cli->command = DP_CMD_MATRIX;
		return 1;
	}
	if (strcmp(argv[1], "trust-policy") == 0) {
		cli->command = DP_CMD_TRUST_POLICY;
		return 1;
	}
	if (strcmp(argv[1], "rules") == 0) {
		cli->command = DP_CMD_RULES;
		return 1;
	}
	if (strcmp(argv[1], "explain") == 0) {
		cli->command = DP_CMD_EXPLAIN;
		return 1;
	}
	if (strcmp(argv[1], "waivers") == 0) {
		cli->command = DP_CMD_WAIVERS;
		return 1;
	}
	return 0;
}

int
dp_cli_parse(int argc, char **argv, const char *lang_env, struct dp_cli *ret_cli,
	     char **reterr_msg)
{
	struct dp_cli cli = {.fail_on = DP_SEV_WARNING};
	int skip, opt, n_args, r = 0;
	char **args;

	*reterr_msg = NULL;
	if (lang_env && strncmp(lang_env, "zh", 2) == 0)
		cli.lang = DP_LANG_ZH;
	skip = take_command(argc, argv, &cli);
	/* getopt sees the words after the subcommand.  optind = 0, not 1:
	 * only that makes glibc forget the previous parse, and dp_app_run()
	 * runs many times in one process (tests, fuzzers) - a position left
	 * inside an earlier argv, freed since, was read again. */
	args = argv + skip;
	n_args = argc - skip;
	optind = 0;
	opterr = 0;
	while (r == 0 && (opt = getopt_long(n_args, args, ":f:qh",
					    long_options, NULL)) != -1) {
		if (opt == '?')
			r = usage_error(reterr_msg, "unknown option '%s' "
					"(see --help)", args[optind - 1]);
		else if (opt == ':')
			r = usage_error(reterr_msg, "option '%s' needs a value",
					args[optind - 1]);
		else
			r = parse_option(&cli, opt, optarg, reterr_msg);
	}
	if (r == 0 && (cli.trust_uid || cli.vpc) &&
	    cli.command != DP_CMD_TRUST_POLICY)
		r = usage_error(reterr_msg, "'%s' belongs to the trust-policy "
				"command", cli.trust_uid ? "--trust" : "--vpc");
	if (r == 0 && (cli.matrix_source || cli.matrix_destination ||
		       cli.matrix_two_way) && cli.command != DP_CMD_MATRIX)
		r = usage_error(reterr_msg, "'%s' belongs to the matrix command",
				cli.matrix_source ? "--source"
				: cli.matrix_destination ? "--destination" : "--two-way");
	if (r < 0) {
		dp_cli_done(&cli);
		return r;
	}
	cli.paths = args + optind;
	cli.n_paths = (size_t)(n_args - optind);
	*ret_cli = cli;
	return 0;
}

void
dp_cli_done(struct dp_cli *cli)
{
	for (size_t i = 0; i < cli->n_overrides; i++)
		free((char *)cli->overrides[i].pattern);
	free(cli->overrides);
	free(cli->switches);
	free(cli->rules_dirs);
	memset(cli, 0, sizeof(*cli));
}
