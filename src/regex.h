/*
 * regex.h - the patterns rules use, compiled once: when rules load, or
 * on first use for the catalog of a check run.  The
 * only module that knows PCRE2.  Every match runs under match and depth
 * limits: rule files are input too, and a hostile pattern must end in an
 * error, not a hang.
 *
 * Ownership: a dp_regex owns its compiled code and match data; matching
 * writes into the regex's own match data, so one regex is not to be
 * matched from two threads at once.
 */
#ifndef DP_REGEX_H
#define DP_REGEX_H

#include <stddef.h>
#include <stdint.h>

struct dp_regex;

#define DP_REGEX_MAX_GROUPS 10

#define DP_REGEX_MATCH_LIMIT_DEFAULT 100000u
#define DP_REGEX_DEPTH_LIMIT_DEFAULT 1000u

/* Offsets of the whole match (0) and groups 1..9; -1 when unset. */
struct dp_match {
	long start[DP_REGEX_MAX_GROUPS];
	long end[DP_REGEX_MAX_GROUPS];
};

/*
 * Compiles pattern (UTF-8, Unicode properties on; \s also matches
 * ideographic space).  Returns 0; -EINVAL when the pattern is invalid,
 * with *reterr_msg a malloc'd description and *reterr_offset the byte
 * offset in the pattern where PCRE2 stopped; -ENOMEM.
 */
int dp_regex_compile(const char *pattern, struct dp_regex **ret_regex,
		     char **reterr_msg, size_t *reterr_offset);

/*
 * Says where a deferred pattern is, for its error: returns a malloc'd
 * "file:line:col: invalid pattern: msg" for a failure at byte offset of
 * the pattern, or NULL (ENOMEM).  arg is what dp_regex_defer() was given.
 */
typedef char *(*dp_regex_describe_fn)(void *arg, const char *msg,
				      size_t offset);

/*
 * A pattern compiled on its first match, not now: a run that never
 * reaches a rule does not pay for compiling its patterns.  describe
 * (may be NULL) and arg must outlive the regex.  Returns 0 or -ENOMEM.
 * Whether the pattern is valid is known at dp_regex_prepare() or at the
 * first dp_regex_match().
 */
int dp_regex_defer(const char *pattern, dp_regex_describe_fn describe,
		   void *arg, struct dp_regex **ret_regex);

/*
 * Compiles a deferred pattern now (a no-op for a compiled one).  Returns
 * 0; -EINVAL when the pattern is invalid, with *reterr_msg (when not
 * NULL) a malloc'd message from describe (or PCRE2's bare message);
 * -ENOMEM.  An invalid pattern stays invalid: later calls and matches
 * fail the same way.
 */
int dp_regex_prepare(struct dp_regex *regex, char **reterr_msg);

/* Why a deferred pattern could not be compiled (borrowed), or NULL. */
const char *dp_regex_error(const struct dp_regex *regex);

/*
 * Matches subject[0..len).  Returns 1 (match, *ret_match filled when not
 * NULL), 0 (no match), -E2BIG when the match or depth limit was hit,
 * -EINVAL when a deferred pattern is invalid (dp_regex_error() says
 * why), -ENOMEM.  A match may compile a deferred pattern and JIT-compile
 * a hot one: several threads may match one regex at once only after
 * dp_regex_freeze().
 */
int dp_regex_match(struct dp_regex *regex, const char *subject, size_t len,
		   struct dp_match *ret_match);

/*
 * Does now what a match would otherwise do on the way - compile a
 * deferred pattern (an invalid one keeps its error, which every match
 * then returns), JIT-compile it - so that matching it changes nothing
 * shared any more: from then on any thread may match it.  0 or -ENOMEM.
 */
int dp_regex_freeze(struct dp_regex *regex);

/* Frees the match data of the calling thread: a thread that matched,
 * other than the one that started the process, calls it before it
 * ends.  (Each thread matches with its own.) */
void dp_regex_thread_done(void);

/* The pattern text as compiled (borrowed). */
const char *dp_regex_pattern(const struct dp_regex *regex);

/* Sets the limits for every later match of every regex (a process-wide
 * setting, from the command line, made while one thread runs).  0 means
 * the default. */
void dp_regex_set_limits(uint32_t match_limit, uint32_t depth_limit);

void dp_regex_free(struct dp_regex *regex);

#endif /* DP_REGEX_H */
