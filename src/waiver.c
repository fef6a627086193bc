/*
 * waiver.c - reads and validates the waivers of a config file, matches a
 * waiver against a finding, tells its state, and writes the listing of
 * `dts-preflight waivers`.  Which findings a run suppresses, and the
 * notes about it, are filter.c's; where the config file is, config.c's.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config_file.h"
#include "json.h"
#include "report.h"
#include "srcmap.h"
#include "util.h"
#include "waiver.h"

/* ---- dates ----------------------------------------------------------- */

static bool
leap(long year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int
dp_date_parse(const char *text, long *ret_day)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	long year = 0, month = 0, day = 0;

	if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
		return -EINVAL;
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (!isdigit((unsigned char) text[i]))
			return -EINVAL;
		if (i < 4)
			year = year * 10 + (text[i] - '0');
		else if (i < 7)
			month = month * 10 + (text[i] - '0');
		else
			day = day * 10 + (text[i] - '0');
	}
	if (year < 1970 || month < 1 || month > 12 || day < 1)
		return -EINVAL;
	if (day > days[month - 1] + (month == 2 && leap(year)))
		return -EINVAL;
	*ret_day = year * 10000 + month * 100 + day;
	return 0;
}

int
dp_waiver_today(const char *text, long *ret_day)
{
	struct tm tm;
	time_t now;

	if (text && *text)
		return dp_date_parse(text, ret_day);
	now = time(NULL);
	if (now == (time_t) -1 || !localtime_r(&now, &tm))
		return -EINVAL;
	*ret_day = (tm.tm_year + 1900L) * 10000 + (tm.tm_mon + 1L) * 100 +
		   tm.tm_mday;
	return 0;
}

/* ---- matching -------------------------------------------------------- */

/* IDs are upper case and slugs lower case, so a pattern is tried in both
 * cases: "dp3*" and "DP3*" mean the same (as on the command line). */
bool
dp_rule_pattern_matches(const struct dp_rule *rule, const char *pattern)
{
	char upper[128], lower[128];
	size_t i;

	for (i = 0; pattern[i] && i + 1 < sizeof(upper); i++) {
		upper[i] = (char) toupper((unsigned char) pattern[i]);
		lower[i] = (char) tolower((unsigned char) pattern[i]);
	}
	if (pattern[i])
		return false; /* longer than any ID or slug */
	upper[i] = lower[i] = '\0';
	return fnmatch(upper, rule->id, 0) == 0 ||
	       fnmatch(lower, rule->slug, 0) == 0;
}

bool
dp_waiver_covers(const struct dp_waiver *waiver, const char *relpath)
{
	size_t len = strlen(waiver->path);
	char *dir_glob;
	bool hit;

	if (fnmatch(waiver->path, relpath, 0) == 0)
		return true;
	/* "legacy/" covers everything below legacy. */
	if (len == 0 || waiver->path[len - 1] != '/')
		return false;
	dir_glob = dp_asprintf("%s*", waiver->path);
	hit = dir_glob && fnmatch(dir_glob, relpath, 0) == 0;
	free(dir_glob);
	return hit;
}

bool
dp_waiver_matches(const struct dp_waiver *waiver, const struct dp_rule *rule,
		  const char *relpath, const char *pointer)
{
	size_t len;

	if (!rule || !dp_rule_pattern_matches(rule, waiver->rule) ||
	    !dp_waiver_covers(waiver, relpath))
		return false;
	if (!waiver->pointer)
		return true;
	if (!pointer)
		return false;
	len = strlen(waiver->pointer);
	return strncmp(pointer, waiver->pointer, len) == 0 &&
	       (pointer[len] == '\0' || pointer[len] == '/');
}

bool
dp_waiver_expired(const struct dp_waiver *waiver, long today)
{
	return today > waiver->expires_day;
}

enum dp_waiver_state
dp_waiver_state(const struct dp_waiver *waiver, long today, bool whole_tree)
{
	if (dp_waiver_expired(waiver, today))
		return DP_WAIVER_EXPIRED;
	if (waiver->matched == 0 && (waiver->covered || whole_tree))
		return DP_WAIVER_STALE;
	return DP_WAIVER_ACTIVE;
}

const char *
dp_waiver_state_name(enum dp_waiver_state state)
{
	switch (state) {
	case DP_WAIVER_ACTIVE:
		return "active";
	case DP_WAIVER_EXPIRED:
		return "expired";
	case DP_WAIVER_STALE:
		return "stale";
	}
	return "?";
}

/* ---- reading --------------------------------------------------------- */

struct parse {
	struct dp_source *source;
	char **reterr_msg;
};

static int
fail(struct parse *p, struct dp_span span, const char *fmt, ...)
	DP_PRINTF(3, 4);

/* Always -EINVAL (or -ENOMEM). */
static int
fail(struct parse *p, struct dp_span span, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*p->reterr_msg = dp_config_verror_at(p->source, span, fmt, ap);
	va_end(ap);
	return *p->reterr_msg ? -EINVAL : -ENOMEM;
}

/* RFC 6901: "" or "/token..." where '~' is followed by 0 or 1. */
static bool
valid_pointer(const char *pointer)
{
	if (*pointer && *pointer != '/')
		return false;
	for (const char *c = pointer; *c; c++)
		if (*c == '~' && c[1] != '0' && c[1] != '1')
			return false;
	return true;
}

/* A non-empty string member without NUL bytes, or NULL when absent. */
static int
string_member(struct parse *p, const struct dp_json_member *m,
	      const char **ret)
{
	if (m->value->kind != DP_JSON_STRING)
		return fail(p, m->value->span, "waiver \"%s\" must be a string",
			    m->key);
	if (strlen(m->value->u.str) != m->value->n)
		return fail(p, m->value->span, "waiver \"%s\" holds a NUL "
			    "character", m->key);
	*ret = m->value->u.str;
	return 0;
}

static int
parse_one(struct parse *p, const struct dp_json *node, struct dp_waiver *w)
{
	static const char *const required[] = {"rule", "path", "reason",
					       "expires"};
	int r;

	if (node->kind != DP_JSON_OBJECT)
		return fail(p, node->span, "a waiver must be an object "
			    "{\"rule\", \"path\", \"reason\", \"expires\", ...}");
	memset(w, 0, sizeof(*w));
	w->span = node->span;
	for (uint32_t i = 0; i < node->n; i++) {
		const struct dp_json_member *m = &node->u.members[i];
		const char **field = NULL;

		if (strcmp(m->key, "rule") == 0) {
			field = &w->rule;
			w->rule_span = m->value->span;
		} else if (strcmp(m->key, "path") == 0) {
			field = &w->path;
		} else if (strcmp(m->key, "pointer") == 0) {
			field = &w->pointer;
		} else if (strcmp(m->key, "reason") == 0) {
			field = &w->reason;
		} else if (strcmp(m->key, "expires") == 0) {
			field = &w->expires;
		} else if (strcmp(m->key, "owner") == 0) {
			field = &w->owner;
		} else {
			return fail(p, m->key_span, "unknown waiver key \"%s\" "
				    "(known: rule, path, pointer, reason, "
				    "expires, owner)", m->key);
		}
		if ((r = string_member(p, m, field)) < 0)
			return r;
		if (field != &w->pointer && **field == '\0')
			return fail(p, m->value->span, "waiver \"%s\" is empty",
				    m->key);
		if (field == &w->pointer && !valid_pointer(w->pointer))
			return fail(p, m->value->span, "waiver pointer '%s' is not "
				    "a JSON Pointer (\"/Role/RoleName\"; ~0 and ~1 "
				    "escape ~ and /)", w->pointer);
		if (field == &w->expires &&
		    dp_date_parse(w->expires, &w->expires_day) < 0)
			return fail(p, m->value->span, "waiver expiry '%s' is "
				    "not a date YYYY-MM-DD", w->expires);
	}
	for (size_t k = 0; k < DP_ARRAY_SIZE(required); k++)
		if (!dp_json_get(node, required[k]))
			return fail(p, node->span, "waiver lacks \"%s\" (every "
				    "waiver needs rule, path, reason and expires)",
				    required[k]);
	while (w->path[0] == '.' && w->path[1] == '/')
		w->path += 2;
	return 0;
}

int
dp_waivers_parse(struct dp_source *source, const struct dp_json *node,
		 struct dp_waivers *ret, char **reterr_msg)
{
	struct parse p = {.source = source, .reterr_msg = reterr_msg};
	struct dp_waiver *items;
	int r = 0;

	*reterr_msg = NULL;
	if (node->kind != DP_JSON_ARRAY)
		return fail(&p, node->span, "\"waivers\" must be a list of "
			    "waivers");
	if (node->n > DP_CONFIG_MAX_LIST)
		return fail(&p, node->span, "more than %u waivers",
			    DP_CONFIG_MAX_LIST);
	items = calloc(node->n + 1, sizeof(*items));
	if (!items)
		return -ENOMEM;
	for (uint32_t i = 0; i < node->n && r == 0; i++)
		r = parse_one(&p, node->u.items[i], &items[i]);
	if (r < 0) {
		free(items);
		return r;
	}
	ret->items = items;
	ret->n = node->n;
	ret->source = source;
	return 0;
}

void
dp_waivers_done(struct dp_waivers *waivers)
{
	if (!waivers)
		return;
	for (size_t i = 0; i < waivers->n; i++)
		free(waivers->items[i].expired_note);
	free(waivers->items);
	memset(waivers, 0, sizeof(*waivers));
}

/* ---- the listing ----------------------------------------------------- */

int
dp_waivers_write(FILE *out, const struct dp_waivers *waivers, long today,
		 bool whole_tree)
{
	struct dp_report_out o = {0};
	size_t counts[3] = {0, 0, 0};

	for (size_t i = 0; i < waivers->n; i++) {
		const struct dp_waiver *w = &waivers->items[i];
		enum dp_waiver_state state = dp_waiver_state(w, today, whole_tree);
		struct dp_location loc = {0, 0};

		counts[state]++;
		if (waivers->source) {
			dp_report_fail(&o, dp_srcmap_locate(waivers->source,
							    w->span.start, &loc));
			dp_report_put_safe(&o, waivers->source->path, NULL);
			dp_report_printf(&o, ":%u:%u: ", loc.line, loc.column);
		}
		dp_report_printf(&o, "%-7s ", dp_waiver_state_name(state));
		dp_report_put_safe(&o, w->rule, NULL);
		dp_report_puts(&o, " in ");
		dp_report_put_safe(&o, w->path, NULL);
		if (w->pointer) {
			dp_report_puts(&o, " at ");
			dp_report_put_safe(&o, *w->pointer ? w->pointer : "\"\"",
					   NULL);
		}
		dp_report_printf(&o, " until %s", w->expires);
		if (w->owner) {
			dp_report_puts(&o, ", owner ");
			dp_report_put_safe(&o, w->owner, NULL);
		}
		if (state == DP_WAIVER_STALE)
			dp_report_puts(&o, ": matches no finding, remove it");
		else if (state == DP_WAIVER_EXPIRED && w->matched)
			dp_report_printf(&o, ": no longer applies to the %zu "
					 "finding%s it matches", w->matched,
					 w->matched == 1 ? "" : "s");
		else if (state == DP_WAIVER_EXPIRED)
			dp_report_puts(&o, ": matches no finding, remove it");
		else if (w->matched)
			dp_report_printf(&o, ": suppresses %zu finding%s",
					 w->matched, w->matched == 1 ? "" : "s");
		else
			dp_report_puts(&o, ": covers no file that was checked");
		dp_report_puts(&o, "\n    reason: ");
		dp_report_put_safe(&o, w->reason, "            ");
		dp_report_putc(&o, '\n');
	}
	if (waivers->n == 0)
		dp_report_puts(&o, "no waivers\n");
	else
		dp_report_printf(&o, "%zu waiver%s: %zu active, %zu expired, "
				 "%zu stale\n", waivers->n,
				 waivers->n == 1 ? "" : "s",
				 counts[DP_WAIVER_ACTIVE],
				 counts[DP_WAIVER_EXPIRED],
				 counts[DP_WAIVER_STALE]);
	return dp_report_finish(&o, out);
}
