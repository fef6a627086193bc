/*
 * rules.h - the rule catalog as loaded from rules/ (JSON files): identity,
 * severity, texts, and the compiled selection/check that the engine
 * evaluates.  Also the data tables that live beside the rules (engine
 * names, support matrix, console errors).
 *
 * Ownership: a dp_ruleset owns its rules, their compiled patterns, their
 * texts and the loaded rule files (kept for positions) until
 * dp_ruleset_free().  Findings borrow rules; a ruleset must outlive every
 * report made with it.  Files whose bytes are those of the built-in copy
 * of rules/ (catalog.h) borrow its static trees.
 */
#ifndef DP_RULES_H
#define DP_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "input.h"

enum dp_severity {
	DP_SEV_NONE = 0, /* only as a --fail-on threshold: never fail */
	DP_SEV_INFO,
	DP_SEV_WARNING,
	DP_SEV_ERROR,
};

/* "error", "warning", "info", "none"; never NULL. */
const char *dp_severity_name(enum dp_severity severity);

/* Parses a severity name; 0 or -EINVAL. */
int dp_severity_parse(const char *name, enum dp_severity *ret);

enum dp_lang {
	DP_LANG_EN = 0,
	DP_LANG_ZH,
	DP_LANG__COUNT,
};

/* A text in every language; zh may be NULL (then en is used). */
struct dp_text {
	const char *s[DP_LANG__COUNT];
};

/* The text in lang, falling back to English; "" when none. */
const char *dp_text_get(const struct dp_text *text, enum dp_lang lang);

struct dp_regex;
struct dp_check;     /* private to rules.c/engine.c */

struct dp_rule {
	const char *id;            /* "DP201" */
	const char *slug;          /* "role-arn-as-name" */
	enum dp_severity severity; /* default severity */
	bool enabled;              /* on by default */
	const char *doc;           /* seed file(s) it comes from, "001, 004" */
	const char *console_error; /* what the console says, or NULL */
	const char *needs;         /* "creator_uid" / "attachments" or NULL */
	struct dp_text summary;    /* one line, for `rules` and SARIF */
	struct dp_text description;/* what it detects and why, for docs */
	struct dp_text message;    /* templates, see engine.c */
	struct dp_text why;
	struct dp_text fix;
	const char *replacement;   /* template of the mechanical fix, or NULL */
	const char *example_wrong; /* for the man page */
	const char *example_right;
	const char **yields_to;    /* IDs of rules that explain the same value */
	size_t n_yields_to;

	/* Where the rule is defined, for errors about it. */
	struct dp_source *file;
	struct dp_span span;

	struct dp_check *check;    /* compiled selection and check */
};

/* A table from a JSON file under rules/tables/, kept as a document.  A
 * table no rule names is read only when first asked for, so that a check
 * run need not pay for the console errors only `explain` reads. */
struct dp_table {
	const char *name;          /* file stem: "engines", "matrix", ... */
	struct dp_doc *doc;        /* NULL until loaded */
	/* private */
	const char *path;
	struct dp_source *source;
	int state;                 /* 0 not read yet, 1 loaded, -errno */
	bool view;                 /* doc views a built-in tree (catalog.h) */
};

struct dp_ruleset {
	struct dp_rule **rules;    /* sorted by id */
	size_t n_rules;
	struct dp_table *tables;
	size_t n_tables;
	/* private */
	struct dp_arena *arena;
	struct dp_source **files;
	size_t n_files;
	struct dp_doc **docs;
	size_t n_docs;
	size_t cap_files;
	struct dp_regex **regexes;  /* every compiled pattern */
	size_t n_regexes;
	bool defer_patterns;
	bool no_builtin;            /* dp_ruleset_use_builtin(false) */
	size_t n_builtin;           /* files that matched the built-in copy */
	/* Built-in trees (catalog.h): one mapping, populated at once; the
	 * first scratch_size bytes hold the rule file being read, tables
	 * go after, up to layout_used. */
	void *layout;
	size_t layout_size, layout_used, scratch_size;
	/* docs[i] is NULL for a built-in rule file: its view is in arena. */
};

#define DP_MAX_RULES 4096

/* A new empty ruleset; NULL on ENOMEM. */
struct dp_ruleset *dp_ruleset_new(void);
void dp_ruleset_free(struct dp_ruleset *set);

/*
 * Loads every *.json file of dir (in name order) as rule files, and
 * lists every *.json of dir/tables as tables.  Tables that a rule names
 * are read and checked now; the others when first asked for
 * (dp_ruleset_table, dp_ruleset_load_tables).  A rule whose ID is already
 * loaded replaces the earlier one (so --rules-dir can override).
 * Returns 0; -errno when dir cannot be read; -EINVAL for content errors,
 * with *reterr_msg set to a malloc'd "file:line:col: what is wrong"
 * (free() it).  On error the ruleset is unchanged: nothing of a bad
 * file is applied.
 */
int dp_ruleset_load_dir(struct dp_ruleset *set, const char *dir,
			char **reterr_msg);

/*
 * From now on, patterns of the rule files loaded are compiled on first
 * match instead of at load (the catalog of a check run: it is checked by
 * `dts-preflight rules` and the tests).  A deferred pattern that turns
 * out invalid makes its match fail with -EINVAL; dp_regex_error() then
 * gives "file:line:col: invalid pattern: what", as a load would have.
 */
void dp_ruleset_defer_patterns(struct dp_ruleset *set, bool defer);

/*
 * Whether a file read whose bytes are exactly those of the copy of
 * rules/ built into the program (catalog.h) takes its tree from there
 * instead of being parsed (the default: true).  The result is the same
 * either way; tests compare the two.
 */
void dp_ruleset_use_builtin(struct dp_ruleset *set, bool use);

/* Compiles every deferred pattern now.  0; -EINVAL with *reterr_msg a
 * malloc'd "file:line:col: invalid pattern: what"; -ENOMEM. */
int dp_ruleset_compile_patterns(struct dp_ruleset *set, char **reterr_msg);

/* Readies every pattern of the set for matching on several threads at
 * once (dp_regex_freeze): compiles the deferred ones and JIT-compiles
 * all.  0 or -ENOMEM. */
int dp_ruleset_freeze_patterns(const struct dp_ruleset *set);

/* Loads one rule file from memory (tests, fuzzers); as above. */
int dp_ruleset_load_buffer(struct dp_ruleset *set, const char *name,
			   const char *bytes, size_t len, char **reterr_msg);

/* The rule with this ID or slug (case-insensitive), or NULL. */
const struct dp_rule *dp_ruleset_find(const struct dp_ruleset *set,
				      const char *id_or_slug);

/* The table named name, or NULL; reads it on first use (the set is
 * logically const: a table is read once, at most).  A table that cannot
 * be read or parsed is NULL here: dp_ruleset_load_tables() says why. */
const struct dp_table *dp_ruleset_table(const struct dp_ruleset *set,
					const char *name);

/*
 * Reads every table not read yet but those named in except (a NULL-
 * terminated list, or NULL), so that a broken one is reported now, as
 * dp_ruleset_load_dir() reports rule files, and no table a run uses can
 * fail later where no error can be returned.  Returns 0, -errno, or
 * -EINVAL with *reterr_msg a malloc'd "file:line:col: what is wrong".
 */
int dp_ruleset_load_tables(struct dp_ruleset *set, const char *const *except,
			   char **reterr_msg);

#endif /* DP_RULES_H */
