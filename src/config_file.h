/*
 * config_file.h - the configuration file .dts-preflight.json: finding it
 * (upwards from the current directory to the repository root), reading
 * it into the same struct dp_cli the command line fills, and merging the
 * two (command line > config file > defaults).  (Not "config.h": that
 * name is the build's generated header.)
 *
 * Ownership: a dp_config owns its source, document, waivers and every
 * string its settings point to until dp_config_free().  After
 * dp_config_apply() the dp_cli borrows from the config: free the cli
 * (dp_cli_done) before the config.
 */
#ifndef DP_CONFIG_FILE_H
#define DP_CONFIG_FILE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "input.h"
#include "rules.h"
#include "util.h"
#include "waiver.h"

/* The file name looked for, and the limits on what it may hold. */
#define DP_CONFIG_NAME ".dts-preflight.json"
#define DP_CONFIG_MAX_SIZE ((size_t)4 << 20)
#define DP_CONFIG_MAX_LIST 4096u     /* entries of one list (rules, waivers) */
#define DP_CONFIG_MAX_DEPTH 256u     /* directories walked upwards */

struct dp_config {
	char *path;                  /* as found ("../.dts-preflight.json") */
	char *dir;                   /* its directory, "." for the cwd */
	struct dp_source *source;
	struct dp_doc *doc;
	struct dp_arena *arena;      /* paths joined to dir */

	/* What the file sets, in the form the command line uses: the
	 * *_given flags (and non-NULL pointers) mark the keys present.
	 * Paths (rules_dir, baseline) are already relative to the cwd. */
	struct dp_cli settings;
	bool format_given;
	struct dp_span *switch_spans;    /* one per settings.switches */
	struct dp_span *override_spans;  /* one per settings.overrides */

	struct dp_waivers waivers;
};

/*
 * Looks for DP_CONFIG_NAME in start_dir ("." for the cwd), then in each
 * parent, stopping after the first directory that holds .git (the
 * repository root), at the filesystem root, or at a directory that
 * cannot be searched.  Returns 1 with *ret_path a malloc'd path
 * relative to start_dir when found ("../../.dts-preflight.json"), 0 when
 * there is none, -ENOMEM.
 */
int dp_config_find(const char *start_dir, char **ret_path);

/*
 * Reads and validates the config file at path.  Returns 0; -errno when
 * it cannot be read (-ENOENT, -EFBIG, ...); -EINVAL for content errors,
 * with *reterr_msg a malloc'd "file:line:col: what is wrong" (free() it).
 * Nothing of a bad file is returned.  *ret_config is set only on success.
 */
int dp_config_load(const char *path, struct dp_config **ret_config,
		   char **reterr_msg);

/*
 * Checks every rule pattern of the file (enable, disable, severity,
 * waivers' rule) against the loaded catalog: a pattern that matches no
 * rule is an error at its position, like a typo on the command line.
 * 0 or -EINVAL with *reterr_msg as above; -ENOMEM.
 */
int dp_config_check_rules(const struct dp_config *config,
			  const struct dp_ruleset *set, char **reterr_msg);

/*
 * Fills in cli from the file: a setting the command line gave wins;
 * list settings (enable/disable, severity, rules_dir) come first and the
 * command line's after them, so the command line's win.  format only
 * applies to the check command.  0 or -ENOMEM (cli unchanged then).
 */
int dp_config_apply(const struct dp_config *config, struct dp_cli *cli);

void dp_config_free(struct dp_config *config);

/*
 * Formats "file:line:col: " and fmt for the error at span of source
 * (which builds its line table): the message every content error of a
 * config, waiver or baseline file carries.  NULL on ENOMEM.
 */
char *dp_config_error_at(struct dp_source *source, struct dp_span span,
			 const char *fmt, ...) DP_PRINTF(3, 4);
char *dp_config_verror_at(struct dp_source *source, struct dp_span span,
			  const char *fmt, va_list ap) DP_PRINTF(3, 0);

#endif /* DP_CONFIG_FILE_H */
