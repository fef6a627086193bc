/*
 * report_diff.c - every mechanical fix as one unified diff with three
 * lines of context, for `git apply` or `patch -p1` (ShellCheck's -f diff).
 * The new contents come from fix.c, exactly what --fix would write; this
 * file only lays out the hunks.  Paths are relative to the current
 * directory with a/ and b/ prefixes and no "diff --git" line, so git
 * applies them relative to where it runs, as it does for patch(1) diffs.
 * Standard input cannot be patched and is left out.  No fix: no output.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fix.h"
#include "report.h"

#define CONTEXT 3

struct line {
	size_t start;
	size_t len;   /* '\n' included when there is one */
};

struct lines {
	struct line *items;
	size_t n;
};

/* Splits bytes into lines (the last one may lack its '\n'). */
static int
split(const char *bytes, size_t len, struct lines *ret)
{
	size_t n = 0, at = 0;

	for (size_t i = 0; i < len; i++)
		n += bytes[i] == '\n';
	n += len > 0 && bytes[len - 1] != '\n';
	ret->items = calloc(n + 1, sizeof(*ret->items));
	if (!ret->items)
		return -ENOMEM;
	ret->n = 0;
	while (at < len) {
		const char *nl = memchr(bytes + at, '\n', len - at);
		size_t end = nl ? (size_t) (nl - bytes) + 1 : len;

		ret->items[ret->n++] = (struct line){at, end - at};
		at = end;
	}
	return 0;
}

static void
put_line(struct dp_report_out *o, char mark, const char *bytes,
	 const struct line *line)
{
	dp_report_putc(o, mark);
	dp_report_append(o, bytes + line->start, line->len);
	if (line->len == 0 || bytes[line->start + line->len - 1] != '\n')
		dp_report_puts(o, "\n\\ No newline at end of file\n");
}

/* "--- a/path" with git's C-style quoting when the name needs it. */
static void
put_name(struct dp_report_out *o, const char *mark, const char *prefix,
	 const char *path)
{
	bool quote = false;

	for (const char *p = path; *p; p++)
		if ((unsigned char) *p < 0x20 || *p == '"' || *p == '\\' ||
		    *p == 0x7f)
			quote = true;
	dp_report_printf(o, "%s %s", mark, quote ? "\"" : "");
	dp_report_puts(o, prefix);
	for (const char *p = path; *p; p++) {
		unsigned char c = (unsigned char) *p;

		if (!quote)
			dp_report_putc(o, (char) c);
		else if (c == '"' || c == '\\')
			dp_report_printf(o, "\\%c", c);
		else if (c == '\n')
			dp_report_puts(o, "\\n");
		else if (c == '\t')
			dp_report_puts(o, "\\t");
		else if (c < 0x20 || c == 0x7f)
			dp_report_printf(o, "\\%03o", c);
		else
			dp_report_putc(o, (char) c);
	}
	dp_report_puts(o, quote ? "\"\n" : "\n");
}

/*
 * The hunks of old -> new.  A fix never adds or removes a line (a JSON
 * string cannot hold a raw newline, and the encoded fix has none), so
 * line i of one is line i of the other and a line differs or not; if
 * the counts ever differed the whole file would be one hunk.
 */
static void
put_hunks(struct dp_report_out *o, const char *old, const struct lines *a,
	  const char *new, const struct lines *b)
{
	size_t n = a->n;
	bool *changed;

	if (a->n != b->n) {
		dp_report_printf(o, "@@ -1,%zu +1,%zu @@\n", a->n, b->n);
		for (size_t i = 0; i < a->n; i++)
			put_line(o, '-', old, &a->items[i]);
		for (size_t i = 0; i < b->n; i++)
			put_line(o, '+', new, &b->items[i]);
		return;
	}
	changed = calloc(n + 1, sizeof(*changed));
	if (!changed) {
		dp_report_fail(o, -ENOMEM);
		return;
	}
	for (size_t i = 0; i < n; i++)
		changed[i] = a->items[i].len != b->items[i].len ||
			     memcmp(old + a->items[i].start,
				    new + b->items[i].start, a->items[i].len);
	for (size_t i = 0; i < n;) {
		size_t first, last, from, to;

		if (!changed[i]) {
			i++;
			continue;
		}
		/* Extend the hunk while the next change is close enough that
		 * the contexts would touch. */
		first = last = i;
		for (size_t j = i + 1; j < n && j <= last + 2 * CONTEXT; j++)
			if (changed[j])
				last = j;
		from = first > CONTEXT ? first - CONTEXT : 0;
		to = last + CONTEXT + 1 < n ? last + CONTEXT + 1 : n;
		dp_report_printf(o, "@@ -%zu,%zu +%zu,%zu @@\n", from + 1,
				 to - from, from + 1, to - from);
		for (size_t k = from; k < to;) {
			size_t run;

			if (!changed[k]) {
				put_line(o, ' ', old, &a->items[k++]);
				continue;
			}
			for (run = k; run < to && changed[run]; run++)
				put_line(o, '-', old, &a->items[run]);
			for (run = k; run < to && changed[run]; run++)
				put_line(o, '+', new, &b->items[run]);
			k = run;
		}
		i = to;
	}
	free(changed);
}

static void
put_file(struct dp_report_out *o, const struct dp_report *report,
	 const struct dp_source *source)
{
	struct dp_fix_plan plan = {0};
	struct dp_buf fixed = {0}, path = {0};
	struct lines a = {0}, b = {0};
	int r = dp_fix_plan(source, report->findings, &plan);

	if (r < 0 || plan.n == 0)
		goto out;
	r = dp_fix_plan_apply(source, &plan, &fixed);
	if (r == 0)
		r = dp_fix_relative_path(source->path, &path);
	if (r == 0)
		r = split(source->data, source->len, &a);
	if (r == 0)
		r = split(fixed.data, fixed.len, &b);
	if (r < 0)
		goto out;
	put_name(o, "---", "a/", path.data);
	put_name(o, "+++", "b/", path.data);
	put_hunks(o, source->data, &a, fixed.data, &b);
out:
	if (r < 0)
		dp_report_fail(o, r);
	free(a.items);
	free(b.items);
	dp_buf_free(&fixed);
	dp_buf_free(&path);
	dp_fix_plan_free(&plan);
}

int
dp_report_diff(FILE *out, const struct dp_report *report)
{
	struct dp_report_out o = {0};

	for (size_t i = 0; report->sources && i < report->n_sources; i++) {
		const struct dp_source *source = report->sources[i];
		bool seen = false;

		if (strcmp(source->path, "<stdin>") == 0)
			continue;
		/* A file named twice is patched once. */
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(report->sources[j]->path, source->path) == 0;
		if (!seen)
			put_file(&o, report, source);
	}
	return dp_report_finish(&o, out);
}
