/*
 * json_load.c - builds the located document tree from bytes with yajl's
 * callback parser: byte spans for every node and key, duplicate keys,
 * nesting and string limits, human messages for invalid JSON, and parsing
 * of JSON-encoded strings with spans mapped to the outer file.  The only
 * file that includes yajl; it knows nothing about rules or output.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "json.h"
#include "util.h"

#define EMBEDDED_PREFIX "the JSON-encoded policy document is not valid JSON: "

/* Objects with more members than this are checked for duplicate keys by
 * sorting; smaller ones pair by pair. */
#define DUP_LINEAR_MAX 8

/* Stacks start inline; only deep or wide documents touch the heap. */
#define INLINE_FRAMES  32
#define INLINE_ITEMS   256
#define INLINE_MEMBERS 128

struct frame {
	struct dp_json *node;
	uint32_t base;	/* its first child in items[] or members[] */
	uint32_t count; /* children with a value so far */
};

struct key_ref {
	const char *key;
	uint32_t len;
	uint32_t index;
};

struct parser {
	struct dp_doc *doc;
	yajl_handle handle;

	/* The bytes handed to yajl, and how their offsets become file
	 * offsets: base + offset, or map[offset] for an embedded text. */
	const unsigned char *text;
	size_t text_len;
	uint32_t base;
	const uint32_t *map;
	bool embedded;
	const char *pointer; /* prefix of every pointer: "" or the string's */

	/* yajl_complete_parse() reports a token buffered at the end of the
	 * text relative to a one-byte buffer of its own. */
	bool completing;
	size_t prev_end; /* text offset just past the previous token */

	struct dp_json *root;
	int error;   /* -ENOMEM from a callback */
	bool failed; /* a callback added the diagnostic that ends the parse */

	struct frame *frames;
	size_t n_frames, cap_frames;
	struct dp_json **items;
	size_t n_items, cap_items;
	struct dp_json_member *members;
	size_t n_members, cap_members;
	struct key_ref *refs; /* scratch for duplicate detection */
	uint32_t *dup_count;
	size_t cap_refs;

	/* Streaming a top-level array (dp_doc_parse_items()): its elements
	 * go to on_item, not into the root, and the arena and the embeds
	 * go back to where they were before each. */
	dp_json_item_fn on_item;
	void *item_data;
	struct dp_arena_mark item_mark;
	size_t item_embeds;

	struct frame frames_inline[INLINE_FRAMES];
	struct dp_json *items_inline[INLINE_ITEMS];
	struct dp_json_member members_inline[INLINE_MEMBERS];
};

/* Bytes that can lie between the end of one token and the start of the
 * next once yajl has accepted them: whitespace (yajl's, with \v and \f),
 * ',' and ':'. */
static const bool between_tokens[256] = {
	[' '] = true,  ['\t'] = true, ['\n'] = true, ['\r'] = true,
	['\v'] = true, ['\f'] = true, [','] = true,  [':'] = true,
};

static inline bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static inline uint32_t
file_offset(const struct parser *p, size_t off)
{
	return p->map ? p->map[off] : p->base + (uint32_t) off;
}

static inline struct dp_span
file_span(const struct parser *p, size_t start, size_t end)
{
	struct dp_span span = {file_offset(p, start), file_offset(p, end)};

	return span;
}

/* ---- stacks ---------------------------------------------------------- */

/*
 * Makes room for one more element in an array that starts inline: returns
 * the array to use from now on (the same one when it had room), or NULL
 * on ENOMEM with the old array untouched.
 */
static void *
stack_grow(void *array, size_t *cap, size_t n, size_t size,
	   const void *inline_array)
{
	size_t new_cap;
	void *bigger;

	if (n < *cap)
		return array;
	if (*cap > SIZE_MAX / 2 / size)
		return NULL;
	new_cap = *cap * 2;
	if (array == inline_array) {
		bigger = malloc(new_cap * size);
		if (bigger)
			memcpy(bigger, array, n * size);
	} else {
		bigger = realloc(array, new_cap * size);
	}
	if (bigger)
		*cap = new_cap;
	return bigger;
}

static void
parser_init(struct parser *p, struct dp_doc *doc)
{
	memset(p, 0, offsetof(struct parser, frames_inline));
	p->doc = doc;
	p->frames = p->frames_inline;
	p->cap_frames = INLINE_FRAMES;
	p->items = p->items_inline;
	p->cap_items = INLINE_ITEMS;
	p->members = p->members_inline;
	p->cap_members = INLINE_MEMBERS;
}

static void
parser_done(struct parser *p)
{
	if (p->frames != p->frames_inline)
		free(p->frames);
	if (p->items != p->items_inline)
		free(p->items);
	if (p->members != p->members_inline)
		free(p->members);
	free(p->refs);
	free(p->dup_count);
	if (p->handle)
		yajl_free(p->handle);
}

/* ---- diagnostics ----------------------------------------------------- */

/*
 * The JSON Pointer of the place being parsed, through the first n_frames
 * open containers, then "/key" when key is set.  An object's pending key
 * is included when its value is being parsed.
 */
static int
build_pointer(const struct parser *p, size_t n_frames, const char *key,
	      size_t key_len, struct dp_buf *buf)
{
	size_t i;
	int r;

	r = dp_buf_puts(buf, p->pointer);
	for (i = 0; r == 0 && i < n_frames; i++) {
		const struct frame *f = &p->frames[i];
		size_t pending = (size_t) f->base + f->count;

		if (f->node->kind == DP_JSON_ARRAY) {
			r = dp_buf_printf(buf, "/%u", (unsigned) f->count);
		} else if (i + 1 < p->n_frames || pending < p->n_members) {
			const struct dp_json_member *m = &p->members[pending];

			r = dp_json_pointer_append(buf, m->key, m->key_len);
		} else {
			break; /* between members: the object's own place */
		}
	}
	if (r == 0 && key)
		r = dp_json_pointer_append(buf, key, key_len);
	return r;
}

/* Adds a diagnostic at the current place (see build_pointer()). */
static int
add_diag_here(struct parser *p, enum dp_diag_kind kind, struct dp_span span,
	      size_t n_frames, const char *key, size_t key_len, const char *msg)
{
	struct dp_buf pointer = {0};
	int r;

	r = build_pointer(p, n_frames, key, key_len, &pointer);
	if (r == 0)
		r = dp_doc_add_diag(p->doc, kind, span,
				    pointer.data ? pointer.data : "", msg);
	dp_buf_free(&pointer);
	return r;
}

/*
 * Ends the parse with a content problem: INVALID_JSON for a file,
 * EMBEDDED_INVALID (at the string's pointer) for an embedded text.
 */
static int
add_failure(struct parser *p, struct dp_span span, const char *what)
{
	char *msg = NULL;
	int r;

	p->failed = true;
	if (!p->embedded)
		return add_diag_here(p, DP_DIAG_INVALID_JSON, span, p->n_frames,
				     NULL, 0, what);
	msg = dp_asprintf("%s%s", EMBEDDED_PREFIX, what);
	if (!msg)
		return -ENOMEM;
	r = dp_doc_add_diag(p->doc, DP_DIAG_EMBEDDED_INVALID, span, p->pointer,
			    msg);
	free(msg);
	return r;
}

/* Appends key for a message: quoted, control bytes escaped, cut short
 * (at a character boundary) when long. */
static int
append_shown_key(struct dp_buf *buf, const char *key, size_t key_len)
{
	const size_t max_shown = 60;
	size_t i = 0;
	int r;

	r = dp_buf_putc(buf, '"');
	while (r == 0 && i < key_len) {
		unsigned char c = (unsigned char) key[i];
		size_t n = 1;

		if (i >= max_shown) {
			r = dp_buf_puts(buf, "\xe2\x80\xa6");
			break;
		}
		if (c == '"' || c == '\\')
			r = dp_buf_printf(buf, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			r = dp_buf_printf(buf, "\\u%04x", c);
		else if (c < 0x80)
			r = dp_buf_putc(buf, (char) c);
		else if ((n = dp_utf8_seq_len(key + i, key_len - i)) > 0)
			r = dp_buf_append(buf, key + i, n);
		else
			r = dp_buf_putc(buf, '?');
		i += n ? n : 1;
	}
	if (r == 0)
		r = dp_buf_putc(buf, '"');
	return r;
}

static int
report_duplicate(struct parser *p, const struct dp_json_member *m,
		 uint32_t count)
{
	struct dp_buf msg = {0};
	int r;

	r = dp_buf_puts(&msg, "key ");
	if (r == 0)
		r = append_shown_key(&msg, m->key, m->key_len);
	if (r == 0 && count == 2)
		r = dp_buf_puts(&msg, " appears twice in this object");
	else if (r == 0)
		r = dp_buf_printf(&msg, " appears %u times in this object",
				  (unsigned) count);
	if (r == 0)
		r = dp_buf_puts(&msg, "; the service keeps only one of them");
	/* The object's frame is still the top one: its pointer plus the
	 * key is the member's. */
	if (r == 0)
		r = add_diag_here(p, DP_DIAG_DUPLICATE_KEY, m->key_span,
				  p->n_frames - 1, m->key, m->key_len,
				  msg.data);
	dp_buf_free(&msg);
	return r;
}

static inline bool
same_key(const struct dp_json_member *a, const struct dp_json_member *b)
{
	return a->key_len == b->key_len &&
	       memcmp(a->key, b->key, a->key_len) == 0;
}

static int
compare_refs(const void *va, const void *vb)
{
	const struct key_ref *a = va, *b = vb;
	int c;

	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	c = memcmp(a->key, b->key, a->len);
	if (c != 0)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

/*
 * Reports every member whose key an earlier member of the same object
 * already has, in source order.  Large objects are sorted (a copy of
 * their keys) so that a 100k-member object costs n log n, not n^2.
 */
static int
check_duplicates(struct parser *p, const struct dp_json *obj)
{
	const struct dp_json_member *m = obj->u.members;
	size_t n = obj->n, i, j, run;
	bool any = false;
	int r;

	if (n < 2)
		return 0;
	if (n <= DUP_LINEAR_MAX) {
		for (j = 1; j < n; j++) {
			uint32_t count = 0;
			bool later = false;

			for (i = 0; i < n; i++) {
				if (i != j && same_key(&m[i], &m[j])) {
					count++;
					later = later || i < j;
				}
			}
			if (later) {
				r = report_duplicate(p, &m[j], count + 1);
				if (r < 0)
					return r;
			}
		}
		return 0;
	}

	if (n > p->cap_refs) {
		struct key_ref *refs;
		uint32_t *dup_count;

		refs = realloc(p->refs, n * sizeof(*refs));
		if (!refs)
			return -ENOMEM;
		p->refs = refs;
		dup_count = realloc(p->dup_count, n * sizeof(*dup_count));
		if (!dup_count)
			return -ENOMEM;
		p->dup_count = dup_count;
		p->cap_refs = n;
	}
	for (i = 0; i < n; i++) {
		p->refs[i].key = m[i].key;
		p->refs[i].len = m[i].key_len;
		p->refs[i].index = (uint32_t) i;
		p->dup_count[i] = 0;
	}
	qsort(p->refs, n, sizeof(*p->refs), compare_refs);
	for (i = 0; i < n; i = run) {
		for (run = i + 1; run < n; run++) {
			if (p->refs[run].len != p->refs[i].len ||
			    memcmp(p->refs[run].key, p->refs[i].key,
				   p->refs[i].len) != 0)
				break;
		}
		/* Sorted by index within a run: the first is kept. */
		for (j = i + 1; j < run; j++) {
			p->dup_count[p->refs[j].index] = (uint32_t) (run - i);
			any = true;
		}
	}
	for (i = 0; any && i < n; i++) {
		if (p->dup_count[i]) {
			r = report_duplicate(p, &m[i], p->dup_count[i]);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* ---- callbacks ------------------------------------------------------- */

static inline size_t
token_end(const struct parser *p)
{
	return p->completing ? p->text_len : yajl_get_bytes_consumed(p->handle);
}

static inline size_t
token_start(const struct parser *p, size_t end)
{
	size_t i = p->prev_end;

	while (i < end && between_tokens[p->text[i]])
		i++;
	return i;
}

/* Whether the open container is a top-level array being streamed. */
static inline bool
streaming_root(const struct parser *p)
{
	return p->on_item && p->n_frames == 1 &&
	       p->frames[0].node->kind == DP_JSON_ARRAY;
}

/* Hands a complete element of the streamed root array over, then frees
 * everything parsed since the array (or the element before) began. */
static int
stream_item(struct parser *p, struct dp_json *item)
{
	struct frame *f = &p->frames[0];
	int r = p->on_item(p->item_data, p->doc, item, f->count++);

	if (r < 0) {
		p->error = r;
		return 0;
	}
	p->doc->n_embeds = p->item_embeds;
	dp_arena_reset(p->doc->arena, &p->item_mark);
	return 1;
}

/* Hangs node under the open container, or makes it the root. */
static int
attach(struct parser *p, struct dp_json *node)
{
	struct frame *f;

	if (p->n_frames == 0) {
		p->root = node;
		return 1;
	}
	if (streaming_root(p))
		return stream_item(p, node);
	f = &p->frames[p->n_frames - 1];
	if (f->node->kind == DP_JSON_ARRAY) {
		struct dp_json **items;

		items = stack_grow(p->items, &p->cap_items, p->n_items,
				   sizeof(*items), p->items_inline);
		if (!items) {
			p->error = -ENOMEM;
			return 0;
		}
		p->items = items;
		p->items[p->n_items++] = node;
	} else {
		p->members[f->base + f->count].value = node;
	}
	f->count++;
	return 1;
}

static struct dp_json *
new_node(struct parser *p, enum dp_json_kind kind, size_t start, size_t end)
{
	struct dp_json *node;

	node = dp_arena_alloc(p->doc->arena, sizeof(*node));
	if (!node) {
		p->error = -ENOMEM;
		return NULL;
	}
	node->kind = kind;
	node->span = file_span(p, start, end);
	node->embedded = p->embedded;
	return node;
}

static int
add_scalar(struct parser *p, enum dp_json_kind kind, const char *text,
	   size_t len)
{
	size_t end = token_end(p), start = token_start(p, end);
	struct dp_json *node;

	p->prev_end = end;
	node = new_node(p, kind, start, end);
	if (!node)
		return 0;
	if (text) {
		node->u.str = dp_arena_strndup(p->doc->arena, text, len);
		if (!node->u.str) {
			p->error = -ENOMEM;
			return 0;
		}
		node->n = (uint32_t) len;
	}
	return attach(p, node);
}

static int
too_long(struct parser *p, size_t start, size_t end)
{
	char what[96];
	int r;

	(void) snprintf(what, sizeof(what), "string longer than %zu bytes",
			p->doc->limits.max_string);
	r = add_failure(p, file_span(p, start, end), what);
	if (r < 0)
		p->error = r;
	return 0;
}

static int
on_null(void *ctx)
{
	return add_scalar(ctx, DP_JSON_NULL, NULL, 0);
}

static int
on_boolean(void *ctx, int value)
{
	return add_scalar(ctx, value ? DP_JSON_TRUE : DP_JSON_FALSE, NULL, 0);
}

static int
on_number(void *ctx, const char *text, size_t len)
{
	return add_scalar(ctx, DP_JSON_NUMBER, text, len);
}

static int
on_string(void *ctx, const unsigned char *text, size_t len)
{
	struct parser *p = ctx;

	if (len > p->doc->limits.max_string) {
		size_t end = token_end(p);

		return too_long(p, token_start(p, end), end);
	}
	return add_scalar(p, DP_JSON_STRING, (const char *) text, len);
}

static int
on_map_key(void *ctx, const unsigned char *text, size_t len)
{
	struct parser *p = ctx;
	size_t end = token_end(p), start = token_start(p, end);
	struct dp_json_member *members, *m;

	if (len > p->doc->limits.max_string)
		return too_long(p, start, end);
	p->prev_end = end;
	members = stack_grow(p->members, &p->cap_members, p->n_members,
			     sizeof(*members), p->members_inline);
	if (!members) {
		p->error = -ENOMEM;
		return 0;
	}
	p->members = members;
	m = &p->members[p->n_members];
	m->key = dp_arena_strndup(p->doc->arena, (const char *) text, len);
	if (!m->key) {
		p->error = -ENOMEM;
		return 0;
	}
	m->key_len = (uint32_t) len;
	m->key_span = file_span(p, start, end);
	m->value = NULL;
	p->n_members++;
	return 1;
}

static int
start_container(struct parser *p, enum dp_json_kind kind)
{
	size_t end = token_end(p), start = token_start(p, end);
	struct dp_json *node;
	struct frame *frames, *f;

	p->prev_end = end;
	if (p->n_frames >= p->doc->limits.max_depth) {
		char what[64];
		int r;

		(void) snprintf(what, sizeof(what),
				"nesting deeper than %u levels",
				p->doc->limits.max_depth);
		r = add_failure(p, file_span(p, start, end), what);
		if (r < 0)
			p->error = r;
		return 0;
	}
	frames = stack_grow(p->frames, &p->cap_frames, p->n_frames,
			    sizeof(*frames), p->frames_inline);
	if (!frames) {
		p->error = -ENOMEM;
		return 0;
	}
	p->frames = frames;
	node = new_node(p, kind, start, end);
	if (!node)
		return 0;
	f = &p->frames[p->n_frames++];
	f->node = node;
	f->base =
		(uint32_t) (kind == DP_JSON_ARRAY ? p->n_items : p->n_members);
	f->count = 0;
	if (streaming_root(p)) {
		dp_arena_mark(p->doc->arena, &p->item_mark);
		p->item_embeds = p->doc->n_embeds;
	}
	return 1;
}

static int
end_container(struct parser *p)
{
	size_t end = token_end(p);
	struct frame *f = &p->frames[p->n_frames - 1];
	struct dp_json *node = f->node;
	struct dp_arena *arena = p->doc->arena;
	int r;

	p->prev_end = end;
	node->span.end = file_offset(p, end);
	node->n = f->count;
	if (streaming_root(p)) {
		node->n = 0; /* its elements went to on_item */
		p->n_frames--;
		return attach(p, node);
	}
	if (node->kind == DP_JSON_ARRAY) {
		if (f->count) {
			node->u.items = dp_arena_alloc(
				arena, f->count * sizeof(*node->u.items));
			if (!node->u.items)
				goto nomem;
			memcpy(node->u.items, p->items + f->base,
			       f->count * sizeof(*node->u.items));
		}
		p->n_items = f->base;
	} else {
		if (f->count) {
			node->u.members = dp_arena_alloc(
				arena, f->count * sizeof(*node->u.members));
			if (!node->u.members)
				goto nomem;
			memcpy(node->u.members, p->members + f->base,
			       f->count * sizeof(*node->u.members));
			r = check_duplicates(p, node);
			if (r < 0) {
				p->error = r;
				return 0;
			}
		}
		p->n_members = f->base;
	}
	p->n_frames--;
	return attach(p, node);

nomem:
	p->error = -ENOMEM;
	return 0;
}

static int
on_start_map(void *ctx)
{
	return start_container(ctx, DP_JSON_OBJECT);
}

static int
on_start_array(void *ctx)
{
	return start_container(ctx, DP_JSON_ARRAY);
}

static int
on_end_container(void *ctx)
{
	return end_container(ctx);
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_boolean,
	.yajl_number = on_number,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_map_key,
	.yajl_end_map = on_end_container,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end_container,
};

/* ---- yajl's errors, in words for people ------------------------------ */

enum error_place {
	AT_TOKEN,  /* the offending token, found by scanning */
	AT_CHAR,   /* the same, and the message names the character */
	IN_STRING, /* yajl's offset is the offending byte of a string */
	AT_EOF,	   /* the end of the text */
};

static const struct {
	const char *yajl; /* a substring of yajl's message */
	const char *human;
	enum error_place place;
} yajl_errors[] = {
	{"premature EOF", NULL, AT_EOF},
	{"trailing garbage", "unexpected text after the JSON value", AT_TOKEN},
	{"separated by a colon", "expected ':' after an object key", AT_TOKEN},
	{"after key and value", "expected ',' or '}' after an object member",
	 AT_TOKEN},
	{"after array element", "expected ',' or ']' after an array element",
	 AT_TOKEN},
	{"invalid object key", "expected a key in double quotes", AT_TOKEN},
	{"unallowed token", "expected a value", AT_TOKEN},
	{"invalid bytes in UTF8", "invalid UTF-8 in a string", IN_STRING},
	{"occurs before a character", "invalid escape sequence in a string",
	 IN_STRING},
	{"invalid character inside string",
	 "unescaped control character in a string", IN_STRING},
	{"non-hex", "'\\u' must be followed by four hex digits", IN_STRING},
	{"invalid char in json text", "unexpected character", AT_CHAR},
	{"invalid string in json text",
	 "invalid literal: expected true, false or null", AT_TOKEN},
	{"after the minus sign", "malformed number: a digit must follow '-'",
	 AT_TOKEN},
	{"after the decimal point", "malformed number: a digit must follow '.'",
	 AT_TOKEN},
	{"after the exponent",
	 "malformed number: a digit must follow the exponent", AT_TOKEN},
	{"comment", "comments are not allowed in JSON", AT_TOKEN},
};

/*
 * The start of the token yajl choked on: past the last good token, over
 * whitespace and any ',' or ':' yajl accepted before it (those end before
 * limit, the offset yajl stopped at).
 */
static size_t
error_token_start(const struct parser *p, size_t limit)
{
	size_t i = p->prev_end;

	for (;;) {
		while (i < limit && is_space(p->text[i]))
			i++;
		if (i + 1 < limit && (p->text[i] == ',' || p->text[i] == ':')) {
			i++;
			continue;
		}
		return i;
	}
}

/* The last non-space byte before at, if it is a comma: its offset + 1. */
static size_t
comma_before(const struct parser *p, size_t at)
{
	while (at > 0 && is_space(p->text[at - 1]))
		at--;
	return at > 0 && p->text[at - 1] == ',' ? at : 0;
}

static int
report_yajl_error(struct parser *p)
{
	unsigned char *yajl_msg;
	const char *human = NULL, *raw = "";
	enum error_place place = AT_TOKEN;
	char what[128];
	size_t consumed, pos, i, comma;

	yajl_msg = yajl_get_error(p->handle, 0, p->text, p->text_len);
	if (yajl_msg)
		raw = (const char *) yajl_msg;
	for (i = 0; i < DP_ARRAY_SIZE(yajl_errors); i++) {
		if (strstr(raw, yajl_errors[i].yajl)) {
			human = yajl_errors[i].human;
			place = yajl_errors[i].place;
			break;
		}
	}
	if (!human && place != AT_EOF) {
		/* Unknown to this table: yajl's words minus its prefix. */
		const char *colon = strstr(raw, "error: ");
		size_t len;

		raw = colon ? colon + strlen("error: ") : raw;
		len = strcspn(raw, ".\n");
		(void) snprintf(what, sizeof(what), "%.*s", (int) len, raw);
		human = what;
	}

	consumed = yajl_get_bytes_consumed(p->handle);
	if (consumed > p->text_len)
		consumed = p->text_len;
	/* A string cut by the end of the text fails in the one-byte buffer
	 * of yajl_complete_parse(): it is a truncation. */
	if (p->completing && place == IN_STRING)
		place = AT_EOF;

	switch (place) {
	case AT_EOF:
		pos = p->text_len;
		human = p->embedded ? "unexpected end of the document"
				    : "unexpected end of file";
		break;
	case IN_STRING:
		pos = consumed;
		break;
	case AT_TOKEN:
	case AT_CHAR:
	default:
		pos = error_token_start(p,
					p->completing ? p->text_len : consumed);
		if (pos < p->text_len &&
		    (p->text[pos] == ']' || p->text[pos] == '}') &&
		    (comma = comma_before(p, pos)) > 0) {
			(void) snprintf(what, sizeof(what),
					"trailing comma before '%c'",
					p->text[pos]);
			human = what;
			pos = comma - 1;
		} else if (place == AT_CHAR && pos < p->text_len) {
			unsigned char c = p->text[pos];

			if (c == '\'')
				human = "single quotes are not JSON: strings "
					"and keys need double quotes";
			else if (c > 0x20 && c < 0x7f) {
				(void) snprintf(what, sizeof(what),
						"unexpected character '%c'", c);
				human = what;
			}
		}
		break;
	}

	if (yajl_msg)
		yajl_free_error(p->handle, yajl_msg);
	return add_failure(
		p, file_span(p, pos, pos < p->text_len ? pos + 1 : pos), human);
}

/* ---- driving yajl ---------------------------------------------------- */

/*
 * Parses p->text.  Sets p->root, or adds the diagnostic that explains
 * why there is none (and drops the diagnostics of the failed attempt).
 */
static int
run(struct parser *p)
{
	size_t n_diags_before = p->doc->n_diags;
	yajl_status status;
	int r;

	p->handle = yajl_alloc(&callbacks, NULL, p);
	if (!p->handle)
		return -ENOMEM;
	/* Every byte was checked for UTF-8 before: no need twice.
	 * Comments, trailing garbage, several values: all stay errors. */
	(void) yajl_config(p->handle, yajl_dont_validate_strings, 1);

	status = yajl_parse(p->handle, p->text, p->text_len);
	if (status == yajl_status_ok) {
		p->completing = true;
		status = yajl_complete_parse(p->handle);
	}
	if (p->error < 0)
		return p->error;
	if (status == yajl_status_ok && p->root)
		return 0;

	p->root = NULL;
	/* Duplicate keys in a text that is not JSON are noise. */
	if (!p->failed) {
		p->doc->n_diags = n_diags_before;
		r = report_yajl_error(p);
	} else {
		struct dp_diag last = p->doc->diags[p->doc->n_diags - 1];

		p->doc->diags[n_diags_before] = last;
		p->doc->n_diags = n_diags_before + 1;
		r = 0;
	}
	return r;
}

/* ---- whole files ----------------------------------------------------- */

static struct dp_doc *
doc_new(const struct dp_source *source, const struct dp_json_limits *limits)
{
	struct dp_arena *arena = dp_arena_new();
	struct dp_doc *doc;

	if (!arena)
		return NULL;
	doc = dp_arena_alloc(arena, sizeof(*doc));
	if (!doc) {
		dp_arena_free(arena);
		return NULL;
	}
	doc->arena = arena;
	doc->source = source;
	doc->limits.max_depth = DP_JSON_MAX_DEPTH_DEFAULT;
	doc->limits.max_string = DP_JSON_MAX_STRING_DEFAULT;
	if (limits && limits->max_depth)
		doc->limits.max_depth = limits->max_depth;
	if (limits && limits->max_string)
		doc->limits.max_string = limits->max_string;
	return doc;
}

/* Parses the text of source into doc; on_item: see dp_doc_parse_items(). */
static int
parse_text(struct dp_doc *doc, dp_json_item_fn on_item, void *data)
{
	const struct dp_source *source = doc->source;
	struct parser *p;
	int r;

	if (source->problem != DP_ENC_OK) {
		uint32_t at = source->problem_offset;
		struct dp_span span = {at, at};

		if (source->problem != DP_ENC_EMPTY && at < source->len)
			span.end = at + 1;
		return dp_doc_add_diag(doc, DP_DIAG_INVALID_JSON, span, "",
				       dp_encoding_problem_text(source->problem));
	}
	p = malloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	parser_init(p, doc);
	p->text = (const unsigned char *) source->data + source->body;
	p->text_len = source->len - source->body;
	p->base = source->body;
	p->prev_end = 0;
	p->pointer = "";
	p->on_item = on_item;
	p->item_data = data;
	r = run(p);
	doc->root = p->root;
	parser_done(p);
	free(p);
	return r;
}

/* A new document of source, parsed; its top-level array's elements go
 * to on_item when that is not NULL (dp_doc_parse_items()).  0, -EFBIG
 * or -ENOMEM. */
static int
parse_source(const struct dp_source *source,
	     const struct dp_json_limits *limits, dp_json_item_fn on_item,
	     void *data, struct dp_doc **ret_doc)
{
	struct dp_doc *doc;
	int r = 0;

	if (source->len >= UINT32_MAX)
		return -EFBIG;
	doc = doc_new(source, limits);
	if (!doc)
		return -ENOMEM;
	/* A streamed element's arena is reset after it: the diagnostics
	 * go where they outlive it. */
	if (on_item && !(doc->diag_arena = dp_arena_new()))
		r = -ENOMEM;
	if (r == 0)
		r = parse_text(doc, on_item, data);
	if (r < 0) {
		dp_doc_free(doc);
		return r;
	}
	*ret_doc = doc;
	return 0;
}

int
dp_doc_parse(const struct dp_source *source,
	     const struct dp_json_limits *limits, struct dp_doc **ret_doc)
{
	if (!source || !ret_doc)
		return -EINVAL;
	return parse_source(source, limits, NULL, NULL, ret_doc);
}

/* Added for the built-in catalog: see json.h. */
void
dp_doc_init_view(struct dp_doc *doc, const struct dp_source *source,
		 struct dp_json *root)
{
	memset(doc, 0, sizeof(*doc));
	doc->source = source;
	doc->root = root;
	doc->limits.max_depth = DP_JSON_MAX_DEPTH_DEFAULT;
	doc->limits.max_string = DP_JSON_MAX_STRING_DEFAULT;
}

/* Whether the text of source starts a top-level array. */
static bool
starts_array(const struct dp_source *source)
{
	const unsigned char *text = (const unsigned char *) source->data;
	size_t i = source->body;

	if (source->problem != DP_ENC_OK)
		return false;
	while (i < source->len && is_space(text[i]))
		i++;
	return i < source->len && text[i] == '[';
}

int
dp_doc_parse_items(const struct dp_source *source,
		   const struct dp_json_limits *limits,
		   dp_json_item_fn on_item, void *data,
		   struct dp_doc **ret_doc, bool *ret_streamed)
{
	bool stream;
	int r;

	if (!source || !ret_doc || !on_item || !ret_streamed)
		return -EINVAL;
	stream = starts_array(source);
	r = parse_source(source, limits, stream ? on_item : NULL, data,
			 ret_doc);
	if (r == 0)
		*ret_streamed = stream;
	return r;
}

/* ---- embedded documents --------------------------------------------- */

static int
add_embed(struct dp_doc *doc, const struct dp_embed *embed)
{
	size_t n = doc->n_embeds, at;

	/* The capacity is implied: 4, then every power of two. */
	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
		size_t cap = n ? n * 2 : 4;
		struct dp_embed *bigger;

		bigger = realloc(doc->embeds, cap * sizeof(*bigger));
		if (!bigger)
			return -ENOMEM;
		doc->embeds = bigger;
	}
	/* Kept sorted by start, so that json.c finds the embed of a node
	 * by binary search; adapters mostly parse in file order, so this
	 * is nearly always an append. */
	at = n;
	if (n > 0 && doc->embeds[n - 1].span.start > embed->span.start) {
		size_t lo = 0, hi = n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (doc->embeds[mid].span.start <= embed->span.start)
				lo = mid + 1;
			else
				hi = mid;
		}
		at = lo;
		memmove(&doc->embeds[at + 1], &doc->embeds[at],
			(n - at) * sizeof(*doc->embeds));
	}
	doc->embeds[at] = *embed;
	doc->n_embeds = n + 1;
	return 0;
}

static int
embedded_invalid(struct dp_doc *doc, struct dp_span span, const char *pointer,
		 const char *what)
{
	char *msg = dp_asprintf("%s%s", EMBEDDED_PREFIX, what);
	int r;

	if (!msg)
		return -ENOMEM;
	r = dp_doc_add_diag(doc, DP_DIAG_EMBEDDED_INVALID, span, pointer, msg);
	free(msg);
	return r;
}

int
dp_doc_parse_embedded(struct dp_doc *doc, const struct dp_json *str,
		      const char *pointer, struct dp_json **ret_root)
{
	struct dp_raw_token raw;
	struct dp_embed embed = {0};
	struct parser *p = NULL;
	enum dp_encoding_problem problem;
	char *decoded;
	uint32_t *map;
	size_t i, k, inside, bad = 0;
	int r;

	if (!doc || !ret_root)
		return -EINVAL;
	r = dp_json_raw_token(doc, str, &raw);
	if (r < 0)
		return r;
	if (!pointer)
		pointer = "";

	/* Decode the token again, this time remembering where each decoded
	 * byte came from. */
	inside = raw.len - 2;
	decoded = dp_arena_alloc(doc->arena, inside + 1);
	map = dp_arena_alloc(doc->arena, (inside + 1) * sizeof(*map));
	if (!decoded || !map)
		return -ENOMEM;
	for (i = 1, k = 0; i < raw.len - 1;) {
		const char *backslash;
		char out[4];
		size_t out_len, used, end, j;
		uint32_t from;

		if (raw.text[i] != '\\') {
			/* A run of plain bytes maps one to one. */
			backslash = memchr(raw.text + i, '\\', raw.len - 1 - i);
			end = backslash ? (size_t) (backslash - raw.text)
					: raw.len - 1;
			used = end - i;
			memcpy(decoded + k, raw.text + i, used);
			for (j = 0; j < used; j++)
				map[k + j] =
					dp_raw_token_file_offset(&raw, i + j);
			k += used;
			i += used;
			continue;
		}
		used = dp_json_unescape_one(raw.text + i, raw.len - 1 - i, out,
					    &out_len);
		from = dp_raw_token_file_offset(&raw, i);
		for (j = 0; j < out_len; j++) {
			decoded[k] = out[j];
			map[k++] = from;
		}
		i += used;
	}
	map[k] = dp_raw_token_file_offset(&raw, raw.len - 1);
	decoded[k] = '\0';

	for (i = 0; i < k && is_space((unsigned char) decoded[i]); i++)
		;
	if (i == k) {
		r = embedded_invalid(doc, str->span, pointer, "it is empty");
		goto not_json;
	}
	problem = dp_utf8_check(decoded, k, &bad);
	if (problem != DP_ENC_OK) {
		struct dp_span span = {map[bad], map[bad + 1]};

		r = embedded_invalid(doc, span, pointer,
				     problem == DP_ENC_NUL
					     ? "it holds a NUL character "
					       "(\\u0000)"
					     : "a \\u escape encodes an "
					       "unpaired UTF-16 surrogate");
		goto not_json;
	}

	p = malloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	parser_init(p, doc);
	p->text = (const unsigned char *) decoded;
	p->text_len = k;
	p->map = map;
	p->embedded = true;
	p->pointer = pointer;
	r = run(p);
	if (r == 0 && p->root) {
		embed.span = str->span;
		embed.decoded = decoded;
		embed.len = (uint32_t) k;
		embed.map = map;
		r = add_embed(doc, &embed);
	}
	if (r == 0)
		*ret_root = p->root;
	parser_done(p);
	free(p);
	return r;

not_json:
	if (r < 0)
		return r;
	*ret_root = NULL;
	return 0;
}
