/*
 * waiver.h - waivers: the config file's list of known exceptions, each
 * with a reason and an expiry date.  Reading and validating them, dates,
 * matching one against a finding, their state after a run, and the
 * listing `dts-preflight waivers` prints.  Applying them to a run is
 * filter.c's business.
 *
 * Ownership: a dp_waivers owns its items array and the notes the filter
 * stores in them; the strings of each waiver are borrowed from the
 * config document, which must outlive the list.
 */
#ifndef DP_WAIVER_H
#define DP_WAIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "input.h"
#include "rules.h"

struct dp_json;

struct dp_waiver {
	const char *rule;        /* ID, slug or glob ("DP3*") */
	const char *path;        /* glob over paths relative to the config's
				    directory; '*' also matches '/' */
	const char *pointer;     /* JSON Pointer, NULL: anywhere in the file */
	const char *reason;
	const char *expires;     /* "YYYY-MM-DD", the last day it applies */
	const char *owner;       /* NULL when not given */
	long expires_day;        /* YYYYMMDD */
	struct dp_span span;     /* the waiver object in the config file */
	struct dp_span rule_span;

	/* The outcome of one run (filter.c). */
	size_t matched;          /* findings it matched (suppressed or not) */
	bool covered;            /* a file it covers was linted */
	char *expired_note;      /* malloc'd "waiver expired on ...", or NULL */
};

struct dp_waivers {
	struct dp_waiver *items;
	size_t n;
	struct dp_source *source; /* the config file (borrowed) */
	const char *dir;          /* its directory (borrowed) */
};

enum dp_waiver_state {
	DP_WAIVER_ACTIVE,   /* in force (and matched, or not checked) */
	DP_WAIVER_EXPIRED,  /* past its date: no longer suppresses */
	DP_WAIVER_STALE,    /* in force but matched no finding */
};

/*
 * Reads the "waivers" array of a config file (node, of source) into
 * ret.  Every waiver needs rule, path, reason and expires; pointer and
 * owner are optional; other keys are errors.  Returns 0; -EINVAL with
 * *reterr_msg a malloc'd "file:line:col: what" for a bad waiver
 * (ret untouched); -ENOMEM.
 */
int dp_waivers_parse(struct dp_source *source, const struct dp_json *node,
		     struct dp_waivers *ret, char **reterr_msg);

/* Frees the items and their notes; the list is empty after. */
void dp_waivers_done(struct dp_waivers *waivers);

/* Parses a calendar date "YYYY-MM-DD" (a real day: no 2026-02-30) into
 * YYYYMMDD.  0 or -EINVAL; *ret_day untouched on failure. */
int dp_date_parse(const char *text, long *ret_day);

/* Today as YYYYMMDD: from text (DTS_PREFLIGHT_TODAY, for tests and
 * reproducible runs) when it is not NULL or empty, else the local date.
 * 0 or -EINVAL when text is not a date. */
int dp_waiver_today(const char *text, long *ret_day);

/* Whether a rule matches a pattern of --enable, --disable, --severity or
 * a waiver: the ID or the slug, as a glob, in any letter case. */
bool dp_rule_pattern_matches(const struct dp_rule *rule, const char *pattern);

/* Whether the waiver's path glob covers relpath (relative to the config
 * file's directory). */
bool dp_waiver_covers(const struct dp_waiver *waiver, const char *relpath);

/* Whether the waiver matches a finding of rule at relpath and pointer
 * (a pointer below the waiver's matches too), ignoring its date. */
bool dp_waiver_matches(const struct dp_waiver *waiver,
		       const struct dp_rule *rule, const char *relpath,
		       const char *pointer);

/* Expired when today is after the expiry day. */
bool dp_waiver_expired(const struct dp_waiver *waiver, long today);

/* The state after a run.  whole_tree: every file the waiver could cover
 * was linted, so covering none makes it stale too. */
enum dp_waiver_state dp_waiver_state(const struct dp_waiver *waiver,
				     long today, bool whole_tree);

/* "active", "expired", "stale". */
const char *dp_waiver_state_name(enum dp_waiver_state state);

/*
 * Writes the listing of `dts-preflight waivers`: for each waiver its
 * position in the config file, state, rule, path, pointer, expiry,
 * owner, how many findings it matched, and its reason; then a count per
 * state.  0, -ENOMEM, or -EIO when writing failed.
 */
int dp_waivers_write(FILE *out, const struct dp_waivers *waivers, long today,
		     bool whole_tree);

#endif /* DP_WAIVER_H */
