/*
 * filter.c - applies waivers and the baseline to the sorted findings of
 * a run and writes new baselines: the paths they compare (relative to
 * the config or baseline file), which findings go or are marked, and the
 * notes about stale waivers and vanished baseline entries.  Reading the
 * files is config_file.c's, waiver.c's and baseline.c's; printing is
 * app.c's and the reporters'.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "srcmap.h"
#include "util.h"

/* ---- paths ----------------------------------------------------------- */

/* The non-empty '/'-separated parts of a copy of path (modified). */
static char **
split(char *path, size_t *ret_n)
{
	size_t n = 0, cap = 1;
	char **parts;

	for (const char *c = path; *c; c++)
		cap += *c == '/';
	parts = calloc(cap + 1, sizeof(*parts));
	if (!parts)
		return NULL;
	for (char *c = path; *c;) {
		char *end = strchr(c, '/');

		if (end)
			*end = '\0';
		if (*c)
			parts[n++] = c;
		if (!end)
			break;
		c = end + 1;
	}
	*ret_n = n;
	return parts;
}

/* full (absolute, resolved) relative to abs_base (the same). */
static char *
relative(const char *abs_base, const char *full)
{
	char *base_copy = dp_strdup(abs_base), *full_copy = dp_strdup(full);
	char **base_parts = NULL, **full_parts = NULL;
	size_t nb = 0, nf = 0, k = 0;
	struct dp_buf buf = {0};
	char *result = NULL;
	int r = 0;

	if (!base_copy || !full_copy)
		goto out;
	base_parts = split(base_copy, &nb);
	full_parts = split(full_copy, &nf);
	if (!base_parts || !full_parts)
		goto out;
	while (k < nb && k + 1 < nf && strcmp(base_parts[k], full_parts[k]) == 0)
		k++;
	for (size_t i = k; i < nb && r == 0; i++)
		r = dp_buf_puts(&buf, "../");
	for (size_t i = k; i < nf && r == 0; i++)
		r = dp_buf_printf(&buf, "%s%s", i > k ? "/" : "", full_parts[i]);
	if (r == 0)
		result = dp_buf_steal(&buf);
out:
	dp_buf_free(&buf);
	free(base_parts);
	free(full_parts);
	free(base_copy);
	free(full_copy);
	return result;
}

/* path as given, without "./" prefixes: when nothing can be resolved. */
static char *
lexical(const char *path)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2 + strspn(path + 2, "/");
	return dp_strdup(path);
}

/* path relative to abs_base (already resolved, or NULL when it could
 * not be). */
static char *
relpath_from(const char *abs_base, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	char *file_dir, *abs_dir = NULL, *full = NULL, *result;

	if (path[0] == '<' || !abs_base)
		return path[0] == '<' ? dp_strdup(path) : lexical(path);
	file_dir = !slash ? dp_strdup(".")
		   : slash == path ? dp_strdup("/")
				   : strndup(path, (size_t) (slash - path));
	if (!file_dir)
		return NULL; /* not a lexical path: its fingerprint differs */
	abs_dir = realpath(file_dir, NULL);
	free(file_dir);
	if (!abs_dir || !*name) {
		free(abs_dir);
		return lexical(path);
	}
	full = dp_asprintf("%s/%s", strcmp(abs_dir, "/") == 0 ? "" : abs_dir,
			   name);
	free(abs_dir);
	if (!full)
		return NULL;
	result = relative(abs_base, full);
	free(full);
	return result;
}

char *
dp_filter_relpath(const char *base_dir, const char *path)
{
	char *abs_base = realpath(base_dir, NULL);
	char *result = relpath_from(abs_base, path);

	free(abs_base);
	return result;
}

/* ---- notes ----------------------------------------------------------- */

int
dp_filter_add_note(struct dp_filter_result *result, struct dp_source *source,
		   struct dp_span span, const char *text)
{
	char **texts = realloc(result->texts,
			       (result->n_texts + 1) * sizeof(*texts));
	struct dp_note *notes;

	if (!texts)
		return -ENOMEM;
	result->texts = texts;
	notes = realloc(result->notes, (result->n_notes + 1) * sizeof(*notes));
	if (!notes)
		return -ENOMEM;
	result->notes = notes;
	texts[result->n_texts] = dp_strdup(text);
	if (!texts[result->n_texts])
		return -ENOMEM;
	notes[result->n_notes] = (struct dp_note){
		.origin = {.source = source, .span = span,
			   .pointer = source ? "" : NULL},
		.text = texts[result->n_texts],
	};
	result->n_texts++;
	result->n_notes++;
	return 0;
}

void
dp_filter_result_done(struct dp_filter_result *result)
{
	if (!result)
		return;
	for (size_t i = 0; i < result->n_texts; i++)
		free(result->texts[i]);
	free(result->texts);
	free(result->notes);
	memset(result, 0, sizeof(*result));
}

/* ---- applying -------------------------------------------------------- */

/* A source and the index of its relative path. */
struct source_index {
	const struct dp_source *source;
	size_t index;
};

/* Relative paths of every source, for one base directory, and the
 * sources sorted by address to find a finding's in log time. */
struct paths {
	char **rel;
	size_t n;
	char *abs_base;
	struct source_index *by_source;
};

static int
cmp_source(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) ((const struct source_index *) a)->source;
	uintptr_t y = (uintptr_t) ((const struct source_index *) b)->source;

	return (x > y) - (x < y);
}

static int
paths_init(struct paths *p, const char *base_dir,
	   struct dp_source *const *sources, size_t n)
{
	memset(p, 0, sizeof(*p));
	p->abs_base = realpath(base_dir, NULL);
	p->rel = calloc(n + 1, sizeof(*p->rel));
	p->by_source = calloc(n + 1, sizeof(*p->by_source));
	if (!p->rel || !p->by_source)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		p->rel[i] = relpath_from(p->abs_base, sources[i]->path);
		if (!p->rel[i])
			return -ENOMEM;
		p->by_source[i] = (struct source_index){sources[i], i};
		p->n = i + 1;
	}
	if (n > 1)
		qsort(p->by_source, n, sizeof(*p->by_source), cmp_source);
	return 0;
}

static void
paths_done(struct paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->rel[i]);
	free(p->rel);
	free(p->abs_base);
	free(p->by_source);
	memset(p, 0, sizeof(*p));
}

/* The relative path of a finding's file; borrowed from p, or a constant
 * for findings about no file. */
static const char *
path_of(const struct paths *p, const struct dp_finding *finding)
{
	struct source_index key = {finding->origin.source, 0};
	const struct source_index *hit;

	if (!finding->origin.source)
		return "<command line>";
	hit = p->n ? bsearch(&key, p->by_source, p->n, sizeof(key), cmp_source)
		   : NULL;
	return hit ? p->rel[hit->index] : finding->origin.source->path;
}

static char *
waiver_position(const struct dp_waivers *waivers, const struct dp_waiver *w)
{
	struct dp_location loc = {0, 0};

	if (!waivers->source)
		return dp_strdup("config");
	if (dp_srcmap_locate(waivers->source, w->span.start, &loc) < 0)
		return NULL;
	return dp_asprintf("%s:%u:%u", waivers->source->path, loc.line,
			   loc.column);
}

static int
expired_note(const struct dp_filter_options *options, struct dp_waiver *w)
{
	char *where;

	if (w->expired_note)
		return 0;
	where = waiver_position(options->waivers, w);
	if (!where)
		return -ENOMEM;
	if (options->lang == DP_LANG_ZH)
		w->expired_note = dp_asprintf(
			"豁免已于 %s 过期，不再生效（%s%s%s：%s）；请修复此问题或延长豁免",
			w->expires, where, w->owner ? "，负责人 " : "",
			w->owner ? w->owner : "", w->reason);
	else
		w->expired_note = dp_asprintf(
			"the waiver expired on %s and no longer applies (%s%s%s: "
			"%s); fix this or renew the waiver",
			w->expires, where, w->owner ? ", owner " : "",
			w->owner ? w->owner : "", w->reason);
	free(where);
	return w->expired_note ? 0 : -ENOMEM;
}

/* Removes the findings an active waiver matches; counts every match. */
static int
apply_waivers(const struct dp_filter_options *options,
	      struct dp_findings *findings, struct dp_filter_result *ret)
{
	struct dp_waivers *waivers = options->waivers;
	struct paths p;
	int r;

	if (!waivers || waivers->n == 0)
		return 0;
	r = paths_init(&p, waivers->dir ? waivers->dir : ".", options->sources,
		       options->n_sources);
	for (size_t w = 0; w < waivers->n && r == 0; w++)
		for (size_t i = 0; i < p.n; i++)
			if (dp_waiver_covers(&waivers->items[w], p.rel[i]))
				waivers->items[w].covered = true;
	for (size_t i = 0; i < findings->n && r == 0;) {
		struct dp_finding *finding = &findings->items[i];
		const char *rel = path_of(&p, finding);
		struct dp_waiver *expired = NULL;
		bool waived = false;

		for (size_t w = 0; w < waivers->n; w++) {
			struct dp_waiver *waiver = &waivers->items[w];

			if (!dp_waiver_matches(waiver, finding->rule, rel,
					       finding->origin.pointer))
				continue;
			waiver->matched++;
			if (!dp_waiver_expired(waiver, options->today))
				waived = true;
			else if (!expired)
				expired = waiver;
		}
		if (waived) {
			dp_findings_remove(findings, i);
			ret->waived++;
			continue;
		}
		if (expired && (r = expired_note(options, expired)) == 0)
			finding->waiver_note = expired->expired_note;
		i++;
	}
	paths_done(&p);
	return r;
}

static int
waiver_notes(const struct dp_filter_options *options,
	     struct dp_filter_result *ret)
{
	struct dp_waivers *waivers = options->waivers;
	bool zh = options->lang == DP_LANG_ZH;
	int r = 0;

	if (!waivers)
		return 0;
	for (size_t w = 0; w < waivers->n && r == 0; w++) {
		const struct dp_waiver *waiver = &waivers->items[w];
		enum dp_waiver_state state =
			dp_waiver_state(waiver, options->today, options->whole_tree);
		char *text;

		if (waiver->matched || (!waiver->covered && !options->whole_tree))
			continue;
		if (state == DP_WAIVER_STALE)
			text = zh ? dp_asprintf("豁免（%s，路径 %s）没有匹配任何问题，"
						"已失效（stale）：请删除",
						waiver->rule, waiver->path)
				  : dp_asprintf("waiver for %s in '%s' matches no "
						"finding (stale): remove it",
						waiver->rule, waiver->path);
		else
			text = zh ? dp_asprintf("豁免（%s，路径 %s）已于 %s 过期，"
						"且没有匹配任何问题：请删除",
						waiver->rule, waiver->path,
						waiver->expires)
				  : dp_asprintf("waiver for %s in '%s' expired on "
						"%s and matches no finding: remove "
						"it", waiver->rule, waiver->path,
						waiver->expires);
		if (!text)
			return -ENOMEM;
		r = dp_filter_add_note(ret, waivers->source, waiver->span, text);
		free(text);
	}
	return r;
}

static int
apply_baseline(const struct dp_filter_options *options,
	       struct dp_findings *findings, struct dp_filter_result *ret)
{
	struct dp_baseline *baseline = options->baseline;
	struct paths p;
	int r;

	if (!baseline)
		return 0;
	r = paths_init(&p, baseline->dir, options->sources, options->n_sources);
	for (size_t i = 0; i < findings->n && r == 0; i++) {
		struct dp_finding *finding = &findings->items[i];
		char hex[DP_FINGERPRINT_LEN + 1];

		dp_baseline_fingerprint(finding, path_of(&p, finding), hex);
		if (dp_baseline_take(baseline, hex)) {
			finding->baselined = true;
			ret->baselined++;
		}
	}
	/* Recorded findings of files linted now that did not come back:
	 * fixed (or changed).  Files not linted this time say nothing. */
	for (size_t e = 0; e < baseline->n && r == 0; e++) {
		const struct dp_baseline_entry *entry = &baseline->entries[e];

		if (entry->used || !entry->path)
			continue;
		for (size_t i = 0; i < p.n; i++)
			if (strcmp(p.rel[i], entry->path) == 0) {
				ret->gone++;
				break;
			}
	}
	if (r == 0 && ret->gone) {
		char *text = options->lang == DP_LANG_ZH
			? dp_asprintf("基线中有 %zu 个问题已不再出现：用 "
				      "--write-baseline %s 更新基线",
				      ret->gone, baseline->path)
			: dp_asprintf("%zu recorded finding%s no longer occur%s: "
				      "refresh the baseline with "
				      "--write-baseline %s", ret->gone,
				      ret->gone == 1 ? "" : "s",
				      ret->gone == 1 ? "s" : "", baseline->path);

		r = text ? dp_filter_add_note(ret, baseline->source,
					      (struct dp_span){0, 0}, text)
			 : -ENOMEM;
		free(text);
	}
	paths_done(&p);
	return r;
}

int
dp_filter_apply(const struct dp_filter_options *options,
		struct dp_findings *findings, struct dp_filter_result *ret)
{
	int r;

	memset(ret, 0, sizeof(*ret));
	/* A run linted again (after --fix) starts from nothing. */
	if (options->waivers)
		for (size_t w = 0; w < options->waivers->n; w++) {
			options->waivers->items[w].matched = 0;
			options->waivers->items[w].covered = false;
		}
	if (options->baseline)
		for (size_t e = 0; e < options->baseline->n; e++)
			options->baseline->entries[e].used = false;
	if ((r = apply_waivers(options, findings, ret)) < 0 ||
	    (r = waiver_notes(options, ret)) < 0)
		return r;
	return apply_baseline(options, findings, ret);
}

int
dp_filter_write_baseline(const char *path, struct dp_findings *findings,
			 size_t *ret_n)
{
	struct dp_baseline_record *records = calloc(findings->n + 1,
						    sizeof(*records));
	char *dir = dp_baseline_dir(path);
	char *abs_base = dir ? realpath(dir, NULL) : NULL;
	int saved_errno = errno;
	char **rel = calloc(findings->n + 1, sizeof(*rel));
	int r = 0;

	if (!records || !dir || !rel) {
		r = -ENOMEM;
		goto out;
	}
	if (!abs_base) {
		/* The baseline's directory cannot be resolved (it does not
		 * exist): the write would fail for the same reason. */
		r = saved_errno ? -saved_errno : -ENOENT;
		goto out;
	}
	for (size_t i = 0; i < findings->n; i++) {
		const struct dp_finding *finding = &findings->items[i];

		rel[i] = finding->origin.source
				 ? relpath_from(abs_base, finding->origin.source->path)
				 : dp_strdup("<command line>");
		if (!rel[i]) {
			r = -ENOMEM;
			goto out;
		}
		dp_baseline_fingerprint(finding, rel[i], records[i].fingerprint);
		records[i].rule = finding->rule ? finding->rule->id : NULL;
		records[i].path = rel[i];
		records[i].pointer = finding->origin.pointer;
	}
	r = dp_baseline_write(path, records, findings->n);
	if (r == 0) {
		for (size_t i = 0; i < findings->n; i++)
			findings->items[i].baselined = true;
		*ret_n = findings->n;
	}
out:
	if (rel)
		for (size_t i = 0; i < findings->n; i++)
			free(rel[i]);
	free(rel);
	free(records);
	free(abs_base);
	free(dir);
	return r;
}
