/*
 * fix.c - turns findings' replacements into edits of the file's bytes:
 * finds the context of each span (whole token or part of a string, and
 * how deep in embedded documents), escapes the new text for it, and
 * applies the edits.  Writing files is atomic.c's job; choosing which
 * findings exist is the engine's.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fix.h"
#include "json.h"
#include "util.h"

/* Embedded documents nest this deep at most before the fixer gives up:
 * a policy in a string in a string is already rare. */
#define MAX_EMBED_DEPTH 8

static int
escape_content(const char *s, size_t len, struct dp_buf *out)
{
	int r = 0;

	for (size_t i = 0, n; i < len && r == 0; i += n) {
		unsigned char c = (unsigned char) s[i];

		n = dp_utf8_seq_len(s + i, len - i);
		if (n == 0)
			return -EINVAL;
		switch (c) {
		case '"':
			r = dp_buf_puts(out, "\\\"");
			break;
		case '\\':
			r = dp_buf_puts(out, "\\\\");
			break;
		case '\b':
			r = dp_buf_puts(out, "\\b");
			break;
		case '\f':
			r = dp_buf_puts(out, "\\f");
			break;
		case '\n':
			r = dp_buf_puts(out, "\\n");
			break;
		case '\r':
			r = dp_buf_puts(out, "\\r");
			break;
		case '\t':
			r = dp_buf_puts(out, "\\t");
			break;
		default:
			if (c < 0x20)
				r = dp_buf_printf(out, "\\u%04x", c);
			else
				r = dp_buf_append(out, s + i, n);
		}
	}
	return r;
}

int
dp_fix_encode_text(const char *text, bool literal, unsigned escapes,
		   struct dp_buf *buf)
{
	struct dp_buf cur = {0}, next = {0};
	int r;

	r = literal ? dp_buf_putc(&cur, '"') : 0;
	if (r == 0)
		r = escape_content(text, strlen(text), &cur);
	if (r == 0 && literal)
		r = dp_buf_putc(&cur, '"');
	for (unsigned i = 0; r == 0 && i < escapes; i++) {
		dp_buf_reset(&next);
		r = escape_content(cur.data ? cur.data : "", cur.len, &next);
		if (r == 0) {
			struct dp_buf t = cur;

			cur = next;
			next = t;
		}
	}
	if (r == 0)
		r = dp_buf_append(buf, cur.data ? cur.data : "", cur.len);
	dp_buf_free(&cur);
	dp_buf_free(&next);
	return r;
}

/* ---- finding the context of a span ------------------------------------ */

struct dp_fixer {
	const struct dp_source *source;
	struct dp_doc *doc;
};

int
dp_fixer_new(const struct dp_source *source, struct dp_fixer **ret_fixer)
{
	struct dp_fixer *fixer = calloc(1, sizeof(*fixer));
	int r;

	if (!fixer)
		return -ENOMEM;
	fixer->source = source;
	r = dp_doc_parse(source, NULL, &fixer->doc);
	if (r < 0) {
		free(fixer);
		return r;
	}
	*ret_fixer = fixer;
	return 0;
}

void
dp_fixer_free(struct dp_fixer *fixer)
{
	if (!fixer)
		return;
	dp_doc_free(fixer->doc);
	free(fixer);
}

static bool
contains(struct dp_span outer, struct dp_span inner)
{
	return outer.start <= inner.start && inner.end <= outer.end;
}

static bool
span_eq(struct dp_span a, struct dp_span b)
{
	return a.start == b.start && a.end == b.end;
}

enum place {
	PLACE_NONE,
	PLACE_TOKEN,   /* a whole scalar token */
	PLACE_INSIDE,  /* a part of a string's inside */
};

struct context {
	enum place place;
	const struct dp_json *node;  /* the token, or the string */
	unsigned depth;              /* levels of embedded documents */
};

/* The innermost scalar node of the tree under node that holds span, or
 * NULL.  Object keys are not values: a span on a key finds nothing. */
static const struct dp_json *
innermost(const struct dp_json *node, struct dp_span span)
{
	while (node && contains(node->span, span)) {
		const struct dp_json *child = NULL;

		if (node->kind == DP_JSON_ARRAY) {
			for (uint32_t i = 0; i < node->n && !child; i++)
				if (contains(node->u.items[i]->span, span))
					child = node->u.items[i];
		} else if (node->kind == DP_JSON_OBJECT) {
			for (uint32_t i = 0; i < node->n && !child; i++)
				if (contains(node->u.members[i].value->span, span))
					child = node->u.members[i].value;
		} else {
			return node;
		}
		node = child;
	}
	return NULL;
}

static int
find_context(struct dp_doc *doc, const struct dp_json *root,
	     struct dp_span span, unsigned depth, struct context *ret)
{
	const struct dp_json *node = innermost(root, span);
	struct dp_json *inner = NULL;
	int r;

	if (!node)
		return 0;
	if (span_eq(node->span, span)) {
		*ret = (struct context){PLACE_TOKEN, node, depth};
		return 0;
	}
	if (node->kind != DP_JSON_STRING)
		return 0;
	/* Inside a string: maybe inside a document the string holds. */
	if (depth < MAX_EMBED_DEPTH) {
		r = dp_doc_parse_embedded(doc, node, "", &inner);
		if (r < 0 && r != -EINVAL)
			return r;
		if (inner) {
			r = find_context(doc, inner, span, depth + 1, ret);
			if (r < 0 || ret->place != PLACE_NONE)
				return r;
		}
	}
	/* Strictly between the quotes (whatever their escaping). */
	if (span.start > node->span.start && span.end < node->span.end)
		*ret = (struct context){PLACE_INSIDE, node, depth};
	return 0;
}

/* Whether s is a JSON number (RFC 8259 grammar). */
static bool
is_json_number(const char *s)
{
	const char *p = s;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		p += strspn(p, "0123456789");
	else
		return false;
	if (*p == '.') {
		size_t n = strspn(++p, "0123456789");

		if (n == 0)
			return false;
		p += n;
	}
	if (*p == 'e' || *p == 'E') {
		size_t n;

		p++;
		if (*p == '+' || *p == '-')
			p++;
		n = strspn(p, "0123456789");
		if (n == 0)
			return false;
		p += n;
	}
	return *p == '\0';
}

int
dp_fixer_encode(struct dp_fixer *fixer, struct dp_span span,
		const char *replacement, struct dp_buf *ret_bytes)
{
	struct context ctx = {PLACE_NONE, NULL, 0};
	struct dp_buf out = {0};
	int r;

	if (!fixer->doc->root || span.start >= span.end)
		return -ENOENT;
	r = find_context(fixer->doc, fixer->doc->root, span, 0, &ctx);
	if (r < 0)
		return r;
	switch (ctx.place) {
	case PLACE_NONE:
		return -ENOENT;
	case PLACE_TOKEN:
		if (ctx.node->kind == DP_JSON_NUMBER &&
		    is_json_number(replacement))
			r = dp_fix_encode_text(replacement, false, ctx.depth,
					       &out);
		else
			r = dp_fix_encode_text(replacement, true, ctx.depth,
					       &out);
		break;
	case PLACE_INSIDE:
		r = dp_fix_encode_text(replacement, false, ctx.depth, &out);
		break;
	}
	if (r == 0)
		r = dp_buf_append(ret_bytes, out.data ? out.data : "", out.len);
	dp_buf_free(&out);
	return r;
}

/* ---- plans ------------------------------------------------------------ */

static int
cmp_edit(const void *pa, const void *pb)
{
	const struct dp_fix_edit *a = pa;
	const struct dp_fix_edit *b = pb;

	if (a->span.start != b->span.start)
		return a->span.start < b->span.start ? -1 : 1;
	if (a->span.end != b->span.end)
		return a->span.end < b->span.end ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return memcmp(a->bytes, b->bytes, a->len);
}

static int
push_edit(struct dp_fix_plan *plan, struct dp_span span, struct dp_buf *bytes)
{
	/* len first: dp_buf_steal() resets it. */
	size_t len = bytes->len;
	char *data;

	if (plan->n == plan->cap) {
		size_t cap = plan->cap ? plan->cap * 2 : 8;
		struct dp_fix_edit *edits = realloc(plan->edits,
						    cap * sizeof(*edits));

		if (!edits)
			return -ENOMEM;
		plan->edits = edits;
		plan->cap = cap;
	}
	data = dp_buf_steal(bytes);
	if (!data)
		return -ENOMEM;
	plan->edits[plan->n++] = (struct dp_fix_edit){
		.span = span, .bytes = data, .len = len, .n_findings = 1};
	return 0;
}

/* Sorts the edits, merges duplicates and drops overlaps. */
static void
settle(struct dp_fix_plan *plan)
{
	size_t kept = 0;

	if (plan->n > 1)
		qsort(plan->edits, plan->n, sizeof(plan->edits[0]), cmp_edit);
	for (size_t i = 0; i < plan->n; i++) {
		struct dp_fix_edit *edit = &plan->edits[i];
		struct dp_fix_edit *last = kept ? &plan->edits[kept - 1] : NULL;

		if (last && span_eq(last->span, edit->span) &&
		    last->len == edit->len &&
		    memcmp(last->bytes, edit->bytes, edit->len) == 0) {
			last->n_findings++;
			free(edit->bytes);
		} else if (last && edit->span.start < last->span.end) {
			plan->n_skipped++;
			free(edit->bytes);
		} else {
			plan->edits[kept++] = *edit;
		}
	}
	plan->n = kept;
	plan->n_findings = 0;
	for (size_t i = 0; i < plan->n; i++)
		plan->n_findings += plan->edits[i].n_findings;
}

int
dp_fix_plan(const struct dp_source *source, const struct dp_findings *findings,
	    struct dp_fix_plan *ret_plan)
{
	struct dp_fix_plan plan = {0};
	struct dp_fixer *fixer = NULL;
	struct dp_buf bytes = {0};
	int r = 0;

	for (size_t i = 0; findings && i < findings->n; i++) {
		const struct dp_finding *finding = &findings->items[i];
		struct dp_span span = finding->origin.span;

		if (finding->origin.source != source || finding->baselined ||
		    !finding->replacement)
			continue;
		if (!fixer && (r = dp_fixer_new(source, &fixer)) < 0)
			goto out;
		dp_buf_reset(&bytes);
		r = dp_fixer_encode(fixer, span, finding->replacement, &bytes);
		if (r == -ENOENT || r == -EINVAL) {
			plan.n_skipped++;
			r = 0;
			continue;
		}
		if (r < 0)
			goto out;
		if (bytes.len == span.end - span.start &&
		    memcmp(bytes.data, source->data + span.start, bytes.len) == 0)
			continue;  /* already what the fix would write */
		r = push_edit(&plan, span, &bytes);
		if (r < 0)
			goto out;
	}
	settle(&plan);
out:
	dp_buf_free(&bytes);
	dp_fixer_free(fixer);
	if (r < 0) {
		dp_fix_plan_free(&plan);
		return r;
	}
	*ret_plan = plan;
	return 0;
}

int
dp_fix_plan_apply(const struct dp_source *source,
		  const struct dp_fix_plan *plan, struct dp_buf *ret_bytes)
{
	struct dp_buf out = {0};
	size_t at = 0;
	int r = 0;

	for (size_t i = 0; r == 0 && i < plan->n; i++) {
		const struct dp_fix_edit *edit = &plan->edits[i];

		r = dp_buf_append(&out, source->data + at, edit->span.start - at);
		if (r == 0)
			r = dp_buf_append(&out, edit->bytes, edit->len);
		at = edit->span.end;
	}
	if (r == 0)
		r = dp_buf_append(&out, source->data + at, source->len - at);
	if (r == 0)
		r = dp_buf_append(ret_bytes, out.data ? out.data : "", out.len);
	dp_buf_free(&out);
	return r;
}

void
dp_fix_plan_free(struct dp_fix_plan *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->n; i++)
		free(plan->edits[i].bytes);
	free(plan->edits);
	memset(plan, 0, sizeof(*plan));
}

/* ---- paths ------------------------------------------------------------ */

int
dp_fix_relative_path(const char *path, struct dp_buf *buf)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' && getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/") != 0) {
		size_t n = strlen(cwd);

		if (strncmp(path, cwd, n) == 0 && path[n] == '/' && path[n + 1])
			path += n + 1;
	}
	while (path[0] == '.' && path[1] == '/' && path[2])
		path += 2 + strspn(path + 2, "/");
	return dp_buf_puts(buf, path);
}
