/*
 * json.c - the document model around the tree that json_load.c builds:
 * accessors, JSON Pointer helpers, diagnostics, freeing, and the mapping
 * of decoded string bytes back to file bytes (through escapes and through
 * embedded documents).  It does not parse: only json_load.c knows yajl.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

/* ---- diagnostics and freeing ---------------------------------------- */

int
dp_doc_add_diag(struct dp_doc *doc, enum dp_diag_kind kind, struct dp_span span,
		const char *pointer, const char *msg)
{
	struct dp_diag *diag;
	struct dp_arena *arena;
	const char *msg_copy, *pointer_copy;

	if (!doc || !msg)
		return -EINVAL;
	if (doc->n_diags == doc->cap_diags) {
		size_t cap = doc->cap_diags ? doc->cap_diags * 2 : 8;
		struct dp_diag *bigger;

		bigger = realloc(doc->diags, cap * sizeof(*bigger));
		if (!bigger)
			return -ENOMEM;
		doc->diags = bigger;
		doc->cap_diags = cap;
	}
	arena = doc->diag_arena ? doc->diag_arena : doc->arena;
	msg_copy = dp_arena_strndup(arena, msg, strlen(msg));
	pointer_copy = dp_arena_strndup(arena, pointer ? pointer : "",
					pointer ? strlen(pointer) : 0);
	if (!msg_copy || !pointer_copy)
		return -ENOMEM;
	diag = &doc->diags[doc->n_diags++];
	diag->kind = kind;
	diag->span = span;
	diag->msg = msg_copy;
	diag->pointer = pointer_copy;
	return 0;
}

void
dp_doc_free(struct dp_doc *doc)
{
	if (!doc)
		return;
	free(doc->diags);
	free(doc->embeds);
	dp_arena_free(doc->diag_arena);
	/* The doc itself lives in its arena. */
	dp_arena_free(doc->arena);
}

/* ---- accessors ------------------------------------------------------ */

const struct dp_json_member *
dp_json_member(const struct dp_json *obj, const char *key)
{
	size_t key_len, i;

	if (!obj || obj->kind != DP_JSON_OBJECT || !key)
		return NULL;
	key_len = strlen(key);
	for (i = 0; i < obj->n; i++) {
		const struct dp_json_member *m = &obj->u.members[i];

		/* Most keys differ in length or first byte: no call. */
		if (m->key_len == key_len && m->key[0] == key[0] &&
		    memcmp(m->key, key, key_len) == 0)
			return m;
	}
	return NULL;
}

const struct dp_json *
dp_json_get(const struct dp_json *obj, const char *key)
{
	const struct dp_json_member *m = dp_json_member(obj, key);

	return m ? m->value : NULL;
}

const struct dp_json *
dp_json_iget(const struct dp_json *obj, const char *key)
{
	size_t key_len, i;

	if (!obj || obj->kind != DP_JSON_OBJECT || !key)
		return NULL;
	key_len = strlen(key);
	for (i = 0; i < obj->n; i++) {
		const struct dp_json_member *m = &obj->u.members[i];

		if (dp_ascii_ieq(m->key, m->key_len, key, key_len))
			return m->value;
	}
	return NULL;
}

const struct dp_json *
dp_json_path(const struct dp_json *node, const char *path)
{
	const char *seg = path;

	if (!path)
		return node;
	while (node && *seg) {
		const char *slash = strchr(seg, '/');
		size_t seg_len = slash ? (size_t) (slash - seg) : strlen(seg);
		const struct dp_json *next = NULL;
		size_t i;

		if (node->kind != DP_JSON_OBJECT)
			return NULL;
		for (i = 0; i < node->n; i++) {
			const struct dp_json_member *m = &node->u.members[i];

			if (m->key_len == seg_len &&
			    memcmp(m->key, seg, seg_len) == 0) {
				next = m->value;
				break;
			}
		}
		node = next;
		if (!slash)
			break;
		seg = slash + 1;
	}
	return node;
}

const char *
dp_json_string(const struct dp_json *node)
{
	return node && node->kind == DP_JSON_STRING ? node->u.str : NULL;
}

bool
dp_json_is(const struct dp_json *node, enum dp_json_kind kind)
{
	return node && node->kind == kind;
}

/* ---- JSON Pointer --------------------------------------------------- */

int
dp_json_pointer_append(struct dp_buf *buf, const char *key, size_t key_len)
{
	size_t old_len = buf->len, i, run = 0;
	int r;

	r = dp_buf_putc(buf, '/');
	for (i = 0; r == 0 && i < key_len; i++) {
		const char *esc;

		if (key[i] == '~')
			esc = "~0";
		else if (key[i] == '/')
			esc = "~1";
		else
			continue;
		r = dp_buf_append(buf, key + run, i - run);
		if (r == 0)
			r = dp_buf_append(buf, esc, 2);
		run = i + 1;
	}
	if (r == 0)
		r = dp_buf_append(buf, key + run, key_len - run);
	if (r < 0) {
		buf->len = old_len;
		if (buf->data)
			buf->data[old_len] = '\0';
	}
	return r;
}

const char *
dp_json_pointer_join(struct dp_arena *arena, const char *prefix,
		     const char *key)
{
	struct dp_buf buf = {0};
	const char *joined = NULL;
	char small[256];
	size_t plen, klen, n;

	/* A NULL prefix is a join that already failed: pass it on. */
	if (!key || !prefix)
		return NULL;
	/* Adapters join a pointer for every value they read: the common
	 * short one is built on the stack, without a malloc. */
	plen = strlen(prefix);
	klen = strlen(key);
	if (plen + 1 + 2 * klen < sizeof(small)) {
		memcpy(small, prefix, plen);
		n = plen;
		small[n++] = '/';
		for (size_t i = 0; i < klen; i++) {
			if (key[i] == '~' || key[i] == '/') {
				small[n++] = '~';
				small[n++] = key[i] == '~' ? '0' : '1';
			} else {
				small[n++] = key[i];
			}
		}
		return dp_arena_intern(arena, small, n);
	}
	if (dp_buf_append(&buf, prefix, plen) < 0)
		goto out;
	if (dp_json_pointer_append(&buf, key, klen) < 0)
		goto out;
	joined = dp_arena_intern(arena, buf.data, buf.len);
out:
	dp_buf_free(&buf);
	return joined;
}

const char *
dp_json_pointer_index(struct dp_arena *arena, const char *prefix, size_t index)
{
	char digits[24], small[256];
	size_t plen, n = sizeof(digits);

	if (!prefix)
		return NULL; /* a join that already failed */
	do {
		digits[--n] = (char)('0' + index % 10);
		index /= 10;
	} while (index);
	plen = strlen(prefix);
	if (plen + 1 + sizeof(digits) - n >= sizeof(small))
		return dp_arena_printf(arena, "%s/%.*s", prefix,
				       (int)(sizeof(digits) - n), digits + n);
	memcpy(small, prefix, plen);
	small[plen] = '/';
	memcpy(small + plen + 1, digits + n, sizeof(digits) - n);
	return dp_arena_intern(arena, small, plen + 1 + sizeof(digits) - n);
}

/* ---- string escapes ------------------------------------------------- */

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The four hex digits at s, or -1. */
static long
hex4(const char *s)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		int d = hex_value(s[i]);

		if (d < 0)
			return -1;
		v = (v << 4) | d;
	}
	return v;
}

static size_t
utf8_encode(unsigned long cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char) cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char) (0xC0 | (cp >> 6));
		out[1] = (char) (0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char) (0xE0 | (cp >> 12));
		out[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char) (0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char) (0xF0 | (cp >> 18));
	out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char) (0x80 | (cp & 0x3F));
	return 4;
}

size_t
dp_json_unescape_one(const char *raw, size_t avail, char out[4],
		     size_t *ret_out_len)
{
	long cp, low;

	if (avail < 2 || raw[0] != '\\') {
		out[0] = raw[0];
		*ret_out_len = 1;
		return 1;
	}

	*ret_out_len = 1;
	switch (raw[1]) {
	case 'b':
		out[0] = '\b';
		return 2;
	case 'f':
		out[0] = '\f';
		return 2;
	case 'n':
		out[0] = '\n';
		return 2;
	case 'r':
		out[0] = '\r';
		return 2;
	case 't':
		out[0] = '\t';
		return 2;
	case 'u':
		break;
	default:
		/* '"', '\\', '/' stand for themselves (and yajl's lexer
		 * rejects anything else before we get here). */
		out[0] = raw[1];
		return 2;
	}

	if (avail < 6 || (cp = hex4(raw + 2)) < 0) {
		out[0] = 'u';
		return 2;
	}
	if ((cp & 0xFC00) == 0xD800) {
		/* As yajl: a high surrogate takes the next \u escape,
		 * whatever it is, and stands alone as '?' otherwise. */
		if (avail >= 12 && raw[6] == '\\' && raw[7] == 'u' &&
		    (low = hex4(raw + 8)) >= 0) {
			cp = ((cp & 0x3F) << 10) |
			     ((((cp >> 6) & 0xF) + 1) << 16) | (low & 0x3FF);
			*ret_out_len = utf8_encode((unsigned long) cp, out);
			return 12;
		}
		out[0] = '?';
		return 6;
	}
	*ret_out_len = utf8_encode((unsigned long) cp, out);
	return 6;
}

/* First index in map[0..n) whose value is >= offset. */
static size_t
map_lower_bound(const uint32_t *map, size_t n, uint32_t offset)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (map[mid] < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The embedded document a node came from: the innermost embed whose
 * string token strictly contains the node's span.  (The embed of a
 * string that was itself parsed has exactly the string's span, so it is
 * not the string's own producer.)
 */
static const struct dp_embed *
find_producer(const struct dp_doc *doc, struct dp_span span)
{
	size_t lo = 0, hi = doc->n_embeds;

	/* Embeds are sorted by start (json_load.c) and, being string
	 * tokens, nested or disjoint: of those starting before span, the
	 * nearest one that contains it is the innermost.  A 10,000-role
	 * plan no longer scans every embed for every substring. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (doc->embeds[mid].span.start < span.start)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo-- > 0) {
		const struct dp_embed *e = &doc->embeds[lo];

		if (span.end < e->span.end)
			return e;
	}
	return NULL;
}

int
dp_json_raw_token(const struct dp_doc *doc, const struct dp_json *str,
		  struct dp_raw_token *ret_raw)
{
	struct dp_raw_token raw = {0};
	const struct dp_embed *e = NULL;

	if (!doc || !str || str->kind != DP_JSON_STRING)
		return -EINVAL;
	if (str->embedded)
		e = find_producer(doc, str->span);
	if (e) {
		size_t a = map_lower_bound(e->map, (size_t) e->len + 1,
					   str->span.start);
		size_t b = map_lower_bound(e->map, (size_t) e->len + 1,
					   str->span.end);

		if (a >= b || b > e->len)
			return -EINVAL;
		raw.text = e->decoded + a;
		raw.len = b - a;
		raw.map = e->map;
		raw.base = (uint32_t) a;
	} else {
		if (str->span.start >= str->span.end ||
		    str->span.end > doc->source->len)
			return -EINVAL;
		raw.text = doc->source->data + str->span.start;
		raw.len = str->span.end - str->span.start;
		raw.map = NULL;
		raw.base = str->span.start;
	}
	if (raw.len < 2 || raw.text[0] != '"' || raw.text[raw.len - 1] != '"')
		return -EINVAL;
	*ret_raw = raw;
	return 0;
}

/* Whether the raw token's bytes 1 .. len-1 lie one after another in the
 * file: the string has no escape, and no escape of an enclosing string
 * falls inside it. */
static bool
raw_is_linear(const struct dp_raw_token *raw, size_t decoded_len)
{
	uint32_t first;

	if (raw->len - 2 != decoded_len)
		return false; /* every escape is longer than what it means */
	if (!raw->map)
		return true;
	first = raw->map[raw->base + 1];
	for (size_t i = 2; i < raw->len; i++)
		if (raw->map[raw->base + i] != first + (uint32_t)(i - 1))
			return false;
	return true;
}

int
dp_json_string_locate(const struct dp_doc *doc, const struct dp_json *str,
		      struct dp_arena *arena, uint32_t *ret_start,
		      const uint32_t **ret_map)
{
	struct dp_raw_token raw;
	uint32_t *map;
	size_t i = 1, k = 0;
	int r = dp_json_raw_token(doc, str, &raw);

	if (r < 0)
		return r;
	*ret_start = dp_raw_token_file_offset(&raw, 1);
	*ret_map = NULL;
	if (raw_is_linear(&raw, str->n))
		return 0;
	map = dp_arena_alloc(arena, ((size_t) str->n + 1) * sizeof(*map));
	if (!map)
		return -ENOMEM;
	while (i < raw.len - 1) {
		char out[4];
		size_t out_len;
		size_t used = dp_json_unescape_one(raw.text + i,
						   raw.len - 1 - i, out,
						   &out_len);

		if (k + out_len > str->n)
			return -EINVAL;
		for (size_t b = 0; b < out_len; b++)
			map[k++] = dp_raw_token_file_offset(&raw, i);
		i += used;
	}
	if (k != str->n)
		return -EINVAL;
	map[k] = dp_raw_token_file_offset(&raw, raw.len - 1);
	*ret_map = map;
	return 0;
}

int
dp_json_substr_span(const struct dp_doc *doc, const struct dp_json *str,
		    size_t off, size_t len, struct dp_span *ret_span)
{
	struct dp_raw_token raw;
	size_t i, k = 0, last, start_raw = 0, end_raw = 0;
	bool have_start = false;
	int r;

	if (!str || str->kind != DP_JSON_STRING || off > str->n ||
	    len > str->n - off)
		return -EINVAL;
	r = dp_json_raw_token(doc, str, &raw);
	if (r < 0)
		return r;

	/* Decoded byte off + len - 1 is the last one the span covers. */
	last = off + len - 1;
	i = 1;
	while (i < raw.len - 1) {
		char out[4];
		size_t out_len;
		size_t used = dp_json_unescape_one(
			raw.text + i, raw.len - 1 - i, out, &out_len);

		if (!have_start && off < k + out_len) {
			start_raw = i;
			have_start = true;
		}
		if (len > 0 && last < k + out_len) {
			end_raw = i + used;
			break;
		}
		k += out_len;
		i += used;
	}
	if (!have_start) {
		/* off == the decoded length: the closing quote. */
		if (off != k || len != 0)
			return -EINVAL;
		start_raw = raw.len - 1;
	}
	if (len == 0)
		end_raw = start_raw;
	else if (end_raw == 0)
		return -EINVAL;

	ret_span->start = dp_raw_token_file_offset(&raw, start_raw);
	ret_span->end = dp_raw_token_file_offset(&raw, end_raw);
	return 0;
}
