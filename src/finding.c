/*
 * finding.c - the finding list: growing it, removing from it, freeing it,
 * and the one deterministic order every format prints.  It does not
 * decide what is a finding (engine.c) nor how one is printed (report_*).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"

static void
finding_free_strings(struct dp_finding *finding)
{
	free(finding->message);
	free(finding->why);
	free(finding->fix);
	free(finding->replacement);
	free(finding->value);
}

int
dp_findings_push(struct dp_findings *list, struct dp_finding *finding)
{
	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 16;
		struct dp_finding *items;

		if (cap < list->cap || cap > SIZE_MAX / sizeof(*items))
			return -ENOMEM;
		items = realloc(list->items, cap * sizeof(*items));
		if (!items)
			return -ENOMEM;
		list->items = items;
		list->cap = cap;
	}
	list->items[list->n++] = *finding;

	/* The list owns the strings now: a caller that frees its copy by
	 * mistake frees NULL, not the list's memory. */
	finding->message = NULL;
	finding->why = NULL;
	finding->fix = NULL;
	finding->replacement = NULL;
	finding->value = NULL;
	return 0;
}

void
dp_findings_remove(struct dp_findings *list, size_t i)
{
	if (i >= list->n)
		return;
	finding_free_strings(&list->items[i]);
	memmove(&list->items[i], &list->items[i + 1],
		(list->n - i - 1) * sizeof(list->items[0]));
	list->n--;
}

void
dp_findings_remove_marked(struct dp_findings *list, size_t first,
			  const bool *drop)
{
	size_t kept = first;

	for (size_t i = first; i < list->n; i++) {
		if (drop[i - first])
			finding_free_strings(&list->items[i]);
		else
			list->items[kept++] = list->items[i];
	}
	list->n = kept;
}

void
dp_findings_free(struct dp_findings *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->n; i++)
		finding_free_strings(&list->items[i]);
	free(list->items);
	list->items = NULL;
	list->n = 0;
	list->cap = 0;
}

const char *
dp_finding_path(const struct dp_finding *finding)
{
	if (!finding->origin.source)
		return "<command line>";
	return finding->origin.source->path;
}

/* FNV-1a, 64 bits: tiny, stable across platforms and releases, and
 * spread well enough for the few thousand findings of a repository. */
#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME  0x100000001b3ULL

/* Hashes s and its terminating NUL, so that ("ab", "c") and ("a", "bc")
 * differ. */
static uint64_t
fnv_str(uint64_t h, const char *s)
{
	const unsigned char *p = (const unsigned char *) (s ? s : "");

	do {
		h ^= *p;
		h *= FNV64_PRIME;
	} while (*p++);
	return h;
}

void
dp_finding_fingerprint(const struct dp_finding *finding,
		       char ret_hex[DP_FINGERPRINT_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	const char *path = finding->origin.source ? finding->origin.source->path
						  : "";
	uint64_t h = FNV64_OFFSET;

	while (path[0] == '.' && path[1] == '/')
		path += 2 + strspn(path + 2, "/");
	h = fnv_str(h, "dts-preflight/1");
	h = fnv_str(h, finding->rule ? finding->rule->id : "");
	h = fnv_str(h, path);
	h = fnv_str(h, finding->origin.pointer);
	h = fnv_str(h, finding->value);
	for (int i = DP_FINGERPRINT_LEN - 1; i >= 0; i--) {
		ret_hex[i] = hex[h & 0xf];
		h >>= 4;
	}
	ret_hex[DP_FINGERPRINT_LEN] = '\0';
}

/* NULL sorts before every string, so optional texts order totally. */
static int
cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
cmp_uint(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

/*
 * Findings without a file (command-line values) come first: they are
 * about the whole run.  Everything after the rule ID only breaks ties
 * between findings that print alike, so that the order never depends on
 * qsort's whims or on the order the engine produced them in.
 */
static int
cmp_finding(const void *pa, const void *pb)
{
	const struct dp_finding *a = pa;
	const struct dp_finding *b = pb;
	int r;

	if (!a->origin.source || !b->origin.source) {
		r = (a->origin.source != NULL) - (b->origin.source != NULL);
		if (r)
			return r;
	} else if ((r = strcmp(a->origin.source->path,
			       b->origin.source->path))) {
		return r;
	}
	if ((r = cmp_uint(a->loc.line, b->loc.line)))
		return r;
	if ((r = cmp_uint(a->loc.column, b->loc.column)))
		return r;
	if ((r = cmp_str(a->rule ? a->rule->id : NULL,
			 b->rule ? b->rule->id : NULL)))
		return r;
	if ((r = cmp_str(a->message, b->message)))
		return r;
	if ((r = cmp_uint(a->origin.span.end, b->origin.span.end)))
		return r;
	if ((r = cmp_str(a->origin.pointer, b->origin.pointer)))
		return r;
	if ((r = cmp_uint(a->severity, b->severity)))
		return r;
	if ((r = cmp_str(a->value, b->value)))
		return r;
	if ((r = cmp_str(a->why, b->why)))
		return r;
	if ((r = cmp_str(a->fix, b->fix)))
		return r;
	if ((r = cmp_str(a->replacement, b->replacement)))
		return r;
	if ((r = cmp_uint(a->baselined, b->baselined)))
		return r;
	return cmp_str(a->waiver_note, b->waiver_note);
}

int
dp_findings_sort(struct dp_findings *list)
{
	int r;

	for (size_t i = 0; i < list->n; i++) {
		struct dp_finding *finding = &list->items[i];
		struct dp_location loc = {0, 0};

		if (finding->origin.source) {
			r = dp_srcmap_locate(finding->origin.source,
					     finding->origin.span.start, &loc);
			if (r < 0)
				return r;
		}
		finding->loc = loc;
	}
	if (list->n > 1)
		qsort(list->items, list->n, sizeof(list->items[0]),
		      cmp_finding);
	return 0;
}
