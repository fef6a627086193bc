/*
 * fuzz_common.c - invariants and fixtures shared by the harnesses (see
 * fuzz.h).  Built into both the libFuzzer binaries and the replay tests.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "srcmap.h"
#include "util.h"

void
fuzz_check_tree(const struct dp_doc *doc, const struct dp_json *node,
		uint32_t lo, uint32_t hi, unsigned depth)
{
	struct dp_source *source = (struct dp_source *) doc->source;
	struct dp_location loc;
	uint32_t prev = node->span.start;

	FUZZ_ASSERT(node->span.start <= node->span.end);
	FUZZ_ASSERT(node->span.start >= lo && node->span.end <= hi);
	FUZZ_ASSERT(depth <= doc->limits.max_depth + 1);
	FUZZ_ASSERT(dp_srcmap_locate(source, node->span.start, &loc) == 0);
	FUZZ_ASSERT(loc.line >= 1 && loc.column >= 1);

	switch (node->kind) {
	case DP_JSON_NULL:
	case DP_JSON_TRUE:
	case DP_JSON_FALSE:
		break;
	case DP_JSON_NUMBER:
		FUZZ_ASSERT(node->u.str && strlen(node->u.str) == node->n);
		break;
	case DP_JSON_STRING:
		FUZZ_ASSERT(node->u.str);
		FUZZ_ASSERT(node->n <= doc->limits.max_string);
		break;
	case DP_JSON_ARRAY:
		for (uint32_t i = 0; i < node->n; i++) {
			const struct dp_json *item = node->u.items[i];

			FUZZ_ASSERT(item);
			FUZZ_ASSERT(item->span.start >= prev);
			fuzz_check_tree(doc, item, node->span.start,
					node->span.end, depth + 1);
			prev = item->span.end;
		}
		break;
	case DP_JSON_OBJECT:
		for (uint32_t i = 0; i < node->n; i++) {
			const struct dp_json_member *m = &node->u.members[i];

			FUZZ_ASSERT(m->key && m->value);
			FUZZ_ASSERT(m->key_len <= doc->limits.max_string);
			FUZZ_ASSERT(m->key_span.start >= prev);
			FUZZ_ASSERT(m->key_span.start < m->key_span.end);
			FUZZ_ASSERT(m->key_span.end <= m->value->span.start);
			FUZZ_ASSERT(m->key_span.start >= node->span.start);
			fuzz_check_tree(doc, m->value, node->span.start,
					node->span.end, depth + 1);
			prev = m->value->span.end;
		}
		break;
	default:
		FUZZ_ASSERT(!"unknown node kind");
	}
}

void
fuzz_check_diags(const struct dp_doc *doc)
{
	struct dp_source *source = (struct dp_source *) doc->source;
	struct dp_location loc;

	for (size_t i = 0; i < doc->n_diags; i++) {
		const struct dp_diag *d = &doc->diags[i];

		FUZZ_ASSERT(d->kind < DP_DIAG__COUNT);
		FUZZ_ASSERT(d->msg && *d->msg && d->pointer);
		FUZZ_ASSERT(d->span.start <= d->span.end);
		FUZZ_ASSERT(d->span.end <= source->len);
		FUZZ_ASSERT(dp_srcmap_locate(source, d->span.start, &loc) == 0);
	}
	/* An unusable input says why. */
	if (!doc->root)
		FUZZ_ASSERT(doc->n_diags > 0);
}

const struct dp_ruleset *
fuzz_catalog(void)
{
	static struct dp_ruleset *set;
	const char *dir = getenv("DTS_PREFLIGHT_RULES_DIR");
	char *msg = NULL;

	if (set)
		return set;
	if (!dir || !*dir)
		dir = DP_SOURCE_RULES_DIR;
	set = dp_ruleset_new();
	if (!set || dp_ruleset_load_dir(set, dir, &msg) < 0) {
		fprintf(stderr, "cannot load the catalog from %s: %s\n", dir,
			msg ? msg : "?");
		abort();
	}
	return set;
}

/* "12:" at *p, a number from 1; advances past the colon. */
static bool
number_colon(const char **p)
{
	const char *s = *p;

	if (*s < '1' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9')
		s++;
	if (*s != ':')
		return false;
	*p = s + 1;
	return true;
}

bool
fuzz_has_position(const char *msg, const char *path)
{
	size_t len = strlen(path);
	const char *p = msg;

	if (!msg || strncmp(msg, path, len) != 0 || msg[len] != ':')
		return false;
	p += len + 1;
	return number_colon(&p) && number_colon(&p) && *p == ' ' && p[1];
}

FILE *
fuzz_devnull(void)
{
	static FILE *devnull;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	FUZZ_ASSERT(devnull);
	return devnull;
}
