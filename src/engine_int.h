/*
 * engine_int.h - private to the engine's files (engine.c, checks.c): the
 * walk over contexts, the state of one rule's evaluation, and emitting a
 * finding.  Not part of the library's interface.
 *
 * Ownership: as engine.h; a dp_found borrows its texts for one emit.
 */
#ifndef DP_ENGINE_INT_H
#define DP_ENGINE_INT_H

#include <stdbool.h>

#include "engine.h"
#include "regex.h"
#include "util.h"

typedef int (*dp_visit_fn)(void *data, const struct dp_ctx *ctx);

/* A block of setup->roles and of setup->tasks: [*_lo, *_hi). */
struct dp_walk_range {
	size_t role_lo, role_hi;
	size_t task_lo, task_hi;
};

struct dp_walker {
	const struct dp_engine_input *in;
	dp_visit_fn visit;
	void *data;
	/* What a walk of the whole setup covers of its roles and tasks;
	 * NULL: all of them.  A walk inside a context ignores it. */
	const struct dp_walk_range *range;
};

/* Visits every context of level inside ctx (which may already pin a
 * task, an endpoint, a role, a trust policy or a statement: then only
 * what lies within; else only w->range, when set).  0 or the first
 * negative visit() result. */
int dp_engine_walk(const struct dp_walker *w, struct dp_ctx ctx,
		   enum dp_level level);

/* One rule being evaluated. */
struct dp_eval {
	const struct dp_engine_input *in;
	const struct dp_rule *rule;
	const struct dp_check *check;
	const struct dp_field *field;     /* the selected field now walked */
	enum dp_severity severity;
	struct dp_findings *out;
	/* Patterns that hit their limit, as records for limit_text() */
	struct dp_buf *limit_events;
	struct dp_value *scratch;         /* computed values, per field */
};

/* What a check learnt beyond the value, for the templates. */
struct dp_found {
	const struct dp_match *match;
	const char *among;
	const char *closest;
	const char *allowed;
	const char *caveat;
	bool lower;                       /* a caveat: report at info */
};

/* Appends a finding of ev's rule for value at where; fd may be NULL.
 * 0 or -ENOMEM. */
int dp_engine_emit(struct dp_eval *ev, const struct dp_ctx *ctx,
		   const struct dp_value *value, const struct dp_found *fd,
		   struct dp_origin where);

/* 1 when v is given and matches pattern, 0 when not, -errno; a pattern
 * that hits its limit is recorded (see dp_engine_run) and counts as no
 * match. */
int dp_engine_match(struct dp_eval *ev, struct dp_regex *pattern,
		    const struct dp_value *v, struct dp_match *ret_match);

/* The collection checks (not-among, only) and the table check
 * (not-in-table), in checks.c.  0 or -errno. */
int dp_check_among(struct dp_eval *ev, const struct dp_ctx *ctx,
		   const struct dp_value *v);
int dp_check_table(struct dp_eval *ev, const struct dp_ctx *ctx,
		   const struct dp_value *v);

#endif /* DP_ENGINE_INT_H */
