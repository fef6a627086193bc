/*
 * cli.h - the command line: the option table, parsing argv into a
 * struct, and the texts of --help.  Every user-facing option lives here
 * once, so --help, the man page test and the completion agree.
 *
 * Ownership: a dp_cli borrows argv strings; the lists it builds are
 * freed by dp_cli_done().
 */
#ifndef DP_CLI_H
#define DP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "rules.h"

enum dp_exit {
	DP_EXIT_OK = 0,        /* no finding at or above --fail-on */
	DP_EXIT_FINDINGS = 1,  /* at least one such finding */
	DP_EXIT_ERROR = 2,     /* usage, unreadable path, bad rules or config */
};

enum dp_command {
	DP_CMD_CHECK,
	DP_CMD_RULES,
	DP_CMD_HELP,
	DP_CMD_VERSION,
	DP_CMD_MATRIX,                /* matrix [--source|--destination|--two-way] */
	DP_CMD_TRUST_POLICY,          /* trust-policy --trust UID [--vpc] */
	DP_CMD_EXPLAIN,               /* explain TEXT|RULE-ID|- (explain.c) */
	DP_CMD_WAIVERS,               /* waivers [PATH...] (waiver.c) */
};

enum dp_color {
	DP_COLOR_AUTO,
	DP_COLOR_ALWAYS,
	DP_COLOR_NEVER,
};

/* A rule switch in the order given: later ones win. */
struct dp_rule_switch {
	const char *pattern;          /* ID, slug or glob ("DP3*") */
	bool enable;
};

struct dp_severity_override {
	const char *pattern;
	enum dp_severity severity;
};

struct dp_cli {
	enum dp_command command;
	const char *format;           /* NULL: text */
	enum dp_severity fail_on;
	enum dp_color color;
	enum dp_lang lang;
	bool quiet;
	bool fix;                     /* --fix: write the mechanical fixes */
	const char *creator_uid;
	bool matrix_source;           /* matrix: which tables (none: all) */
	bool matrix_destination;
	bool matrix_two_way;
	const char *trust_uid;        /* trust-policy --trust UID */
	bool vpc;                     /* trust-policy --vpc */
	const char **rules_dirs;      /* --rules-dir, in order */
	size_t n_rules_dirs;
	struct dp_rule_switch *switches;
	size_t n_switches;
	struct dp_severity_override *overrides;
	size_t n_overrides;
	char **paths;                 /* borrowed from argv */
	size_t n_paths;

	/* Limits; 0 means the default (see run.h, json.h, input.h). */
	size_t max_file_size;         /* --max-file-size, in bytes */
	unsigned max_depth;           /* --max-depth */
	size_t max_findings;          /* --max-findings; SIZE_MAX: none */

	/* Config file, waivers and baseline (config.c, filter.c). */
	const char *config_path;      /* --config: no discovery */
	const char *baseline;         /* --baseline FILE */
	const char *write_baseline;   /* --write-baseline FILE */
	bool no_waivers;              /* ignore waivers and the baseline */
	/* Which settings the command line gave: a config file only fills
	 * in the others (command line > config > defaults). */
	bool fail_on_given;
	bool color_given;
	bool lang_given;
};

/*
 * Parses argv.  Returns 0; -EINVAL for a usage error with *reterr_msg a
 * malloc'd message ("unknown option '--x'"); -ENOMEM.  lang_env is the
 * value of LANG (for the default language), may be NULL.
 */
int dp_cli_parse(int argc, char **argv, const char *lang_env,
		 struct dp_cli *ret_cli, char **reterr_msg);

/* Writes --help to out. */
void dp_cli_usage(FILE *out);

/* NULL-terminated names of every long option, for tests and completion. */
const char *const *dp_cli_long_options(void);

void dp_cli_done(struct dp_cli *cli);

#endif /* DP_CLI_H */
