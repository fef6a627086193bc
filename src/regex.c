/*
 * regex.c - PCRE2 behind a small interface: compile with UTF and Unicode
 * properties (now, or on first use), match under limits, JIT only once a
 * pattern proves hot (a pre-commit run on one file should pay neither
 * for JIT nor for compiling patterns it never uses).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "regex.h"
#include "util.h"

/* Matches after which a pattern is JIT-compiled. */
#define JIT_AFTER 64u

struct dp_regex {
	char *pattern;
	pcre2_code *code;             /* NULL: deferred, or invalid */
	unsigned uses;
	int jit; /* 0 not yet, 1 on, -1 unavailable */
	/* A deferred pattern: where it is, and why it did not compile. */
	dp_regex_describe_fn describe;
	void *describe_arg;
	char *error;
};

static uint32_t match_limit = DP_REGEX_MATCH_LIMIT_DEFAULT;
static uint32_t depth_limit = DP_REGEX_DEPTH_LIMIT_DEFAULT;
static pcre2_match_context *match_context;
/* One match data for every pattern, per thread: a match's groups are
 * copied out before it returns, and PCRE2 keeps its backtracking frames
 * here, so a run that matches a hundred patterns allocates them once. */
static _Thread_local pcre2_match_data *match_data;

/* Whether to JIT at all: code PCRE2 generates at run time reads memory
 * valgrind cannot follow ("depends on uninitialised value" in ???),
 * so the valgrind test setup sets DTS_PREFLIGHT_NO_JIT.  -1: not read
 * yet. */
static int jit_allowed = -1;

void
dp_regex_set_limits(uint32_t new_match_limit, uint32_t new_depth_limit)
{
	match_limit = new_match_limit ? new_match_limit
				      : DP_REGEX_MATCH_LIMIT_DEFAULT;
	depth_limit = new_depth_limit ? new_depth_limit
				      : DP_REGEX_DEPTH_LIMIT_DEFAULT;
	if (match_context) {
		pcre2_set_match_limit(match_context, match_limit);
		pcre2_set_depth_limit(match_context, depth_limit);
	}
}

/* The one match context (and this thread's match data), created on
 * first use. */
static pcre2_match_context *
context(void)
{
	if (!match_context) {
		match_context = pcre2_match_context_create(NULL);
		if (!match_context)
			return NULL;
		pcre2_set_match_limit(match_context, match_limit);
		pcre2_set_depth_limit(match_context, depth_limit);
	}
	if (!match_data) {
		match_data = pcre2_match_data_create(DP_REGEX_MAX_GROUPS, NULL);
		if (!match_data)
			return NULL;
	}
	return match_context;
}

/* Compiles regex->pattern into regex->code.  0;
 * -EINVAL with *reterr_msg and *reterr_offset when given; -ENOMEM. */
static int
compile(struct dp_regex *regex, char **reterr_msg, size_t *reterr_offset)
{
	const uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE offset = 0;
	int code = 0;

	regex->code = pcre2_compile((PCRE2_SPTR)regex->pattern,
				    PCRE2_ZERO_TERMINATED, options, &code,
				    &offset, NULL);
	if (!regex->code) {
		if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
			msg[0] = '\0';
		if (reterr_msg)
			*reterr_msg = dp_strdup((const char *)msg);
		if (reterr_offset)
			*reterr_offset = offset;
		return -EINVAL;
	}
	return 0;
}

/* A regex of pattern (copied), not compiled yet; NULL on ENOMEM. */
static struct dp_regex *
regex_new(const char *pattern)
{
	struct dp_regex *regex = calloc(1, sizeof(*regex));

	if (!regex)
		return NULL;
	regex->pattern = dp_strdup(pattern);
	if (!regex->pattern) {
		free(regex);
		return NULL;
	}
	return regex;
}

int
dp_regex_compile(const char *pattern, struct dp_regex **ret_regex,
		 char **reterr_msg, size_t *reterr_offset)
{
	struct dp_regex *regex = regex_new(pattern);
	int r;

	if (!regex)
		return -ENOMEM;
	r = compile(regex, reterr_msg, reterr_offset);
	if (r < 0) {
		dp_regex_free(regex);
		return r;
	}
	*ret_regex = regex;
	return 0;
}

int
dp_regex_defer(const char *pattern, dp_regex_describe_fn describe, void *arg,
	       struct dp_regex **ret_regex)
{
	struct dp_regex *regex = regex_new(pattern);

	if (!regex)
		return -ENOMEM;
	regex->describe = describe;
	regex->describe_arg = arg;
	*ret_regex = regex;
	return 0;
}

int
dp_regex_prepare(struct dp_regex *regex, char **reterr_msg)
{
	char *msg = NULL;
	size_t offset = 0;
	int r;

	if (regex->code)
		return 0;
	if (!regex->error) {
		r = compile(regex, &msg, &offset);
		if (r != -EINVAL)
			return r;
		if (!msg)
			return -ENOMEM;
		regex->error = regex->describe
			? regex->describe(regex->describe_arg, msg, offset)
			: dp_strdup(msg);
		free(msg);
		if (!regex->error)
			return -ENOMEM;
	}
	if (reterr_msg) {
		*reterr_msg = dp_strdup(regex->error);
		if (!*reterr_msg)
			return -ENOMEM;
	}
	return -EINVAL;
}

const char *
dp_regex_error(const struct dp_regex *regex)
{
	return regex->error;
}

static void
jit_compile(struct dp_regex *regex)
{
	if (jit_allowed < 0)
		jit_allowed = !getenv("DTS_PREFLIGHT_NO_JIT");
	regex->jit = jit_allowed && pcre2_jit_compile(regex->code,
						     PCRE2_JIT_COMPLETE) == 0
			     ? 1 : -1;
}

int
dp_regex_freeze(struct dp_regex *regex)
{
	int r;

	if (!context())
		return -ENOMEM;
	r = dp_regex_prepare(regex, NULL);
	if (r == -ENOMEM)
		return r;
	if (regex->code && regex->jit == 0)
		jit_compile(regex);
	return 0;
}

void
dp_regex_thread_done(void)
{
	pcre2_match_data_free(match_data);
	match_data = NULL;
}

int
dp_regex_match(struct dp_regex *regex, const char *subject, size_t len,
	       struct dp_match *ret_match)
{
	pcre2_match_context *mctx = context();
	PCRE2_SIZE *ovector;
	uint32_t pairs;
	int rc;

	if (!mctx)
		return -ENOMEM;
	if (!regex->code && (rc = dp_regex_prepare(regex, NULL)) < 0)
		return rc;
	if (regex->jit == 0 && ++regex->uses >= JIT_AFTER)
		jit_compile(regex);
	rc = pcre2_match(regex->code, (PCRE2_SPTR)subject, len, 0, 0,
			 match_data, mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_JIT_STACKLIMIT)
		return -E2BIG;
	if (rc == PCRE2_ERROR_NOMEMORY)
		return -ENOMEM;
	if (rc < 0)
		return -EINVAL;
	if (!ret_match)
		return 1;
	ovector = pcre2_get_ovector_pointer(match_data);
	pairs = pcre2_get_ovector_count(match_data);
	for (uint32_t i = 0; i < DP_REGEX_MAX_GROUPS; i++) {
		bool set = i < pairs && i < (uint32_t)rc &&
			   ovector[2 * i] != PCRE2_UNSET;

		ret_match->start[i] = set ? (long)ovector[2 * i] : -1;
		ret_match->end[i] = set ? (long)ovector[2 * i + 1] : -1;
	}
	return 1;
}

const char *
dp_regex_pattern(const struct dp_regex *regex)
{
	return regex->pattern;
}

void
dp_regex_free(struct dp_regex *regex)
{
	if (!regex)
		return;
	pcre2_code_free(regex->code);
	free(regex->pattern);
	free(regex->error);
	free(regex);
}
