/*
 * json.h - the located JSON document model.  Every node and every object
 * key carries its byte span in the source file it came from, including
 * nodes of a document that was itself a JSON-encoded string inside that
 * file (an AssumeRolePolicyDocument): their spans point through the
 * string's escapes at the exact bytes of the outer file.
 *
 * Ownership (stated once, as in jq's jv.h): a dp_doc owns every node, key,
 * string and diagnostic reachable from it, in one arena, until
 * dp_doc_free().  Nodes are never freed one by one.  A doc borrows its
 * dp_source, which must outlive it.  Only json_load.c knows yajl.
 */
#ifndef DP_JSON_H
#define DP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input.h"

enum dp_json_kind {
	DP_JSON_NULL,
	DP_JSON_FALSE,
	DP_JSON_TRUE,
	DP_JSON_NUMBER, /* kept as text: numbers beyond double range survive */
	DP_JSON_STRING,
	DP_JSON_ARRAY,
	DP_JSON_OBJECT,
};

struct dp_json;

struct dp_json_member {
	const char *key;        /* decoded, NUL-terminated */
	uint32_t key_len;
	struct dp_span key_span; /* the key token, quotes included */
	struct dp_json *value;
};

struct dp_json {
	enum dp_json_kind kind;
	struct dp_span span;  /* the whole token/container in the source */
	uint32_t n;           /* string/number: bytes; array/object: count */
	bool embedded;        /* came from a JSON-encoded string */
	union {
		const char *str;                  /* STRING (decoded), NUMBER */
		struct dp_json **items;           /* ARRAY */
		struct dp_json_member *members;   /* OBJECT, in source order */
	} u;
};

/* What the loader found wrong; rules of kind "diagnostic" report them. */
enum dp_diag_kind {
	DP_DIAG_INVALID_JSON,      /* DP001: whole input unusable */
	DP_DIAG_EMBEDDED_INVALID,  /* DP003: a JSON-encoded string is not JSON */
	DP_DIAG_DUPLICATE_KEY,     /* DP004 */
	DP_DIAG__COUNT,
};

struct dp_diag {
	enum dp_diag_kind kind;
	struct dp_span span;  /* where it was seen, in the source */
	const char *msg;      /* in the doc's arena */
	const char *pointer;  /* JSON Pointer of the place, "" for root */
};

/* A field left 0 means its default. */
struct dp_json_limits {
	unsigned max_depth;     /* containers nested deeper are an error */
	size_t max_string;      /* longest string value/key in bytes */
};

#define DP_JSON_MAX_DEPTH_DEFAULT 512u
/* Deeper is never allowed: code that walks a tree recurses. */
#define DP_JSON_MAX_DEPTH_CEILING 4096u
#define DP_JSON_MAX_STRING_DEFAULT ((size_t)16 << 20)

struct dp_arena;

struct dp_doc {
	const struct dp_source *source; /* borrowed */
	struct dp_json *root;           /* NULL when the input was invalid */
	struct dp_arena *arena;
	struct dp_diag *diags;
	size_t n_diags;
	size_t cap_diags;
	struct dp_json_limits limits;
	struct dp_embed *embeds;        /* private: embedded-string maps */
	size_t n_embeds;
	/* Diagnostic texts, when the tree's arena is reset while parsing
	 * (dp_doc_parse_items()); NULL: they live in arena. */
	struct dp_arena *diag_arena;
};

/*
 * Parses source (from source->body on) into a new document.  Content
 * problems (invalid JSON, encoding problems, too deep, duplicate keys)
 * are not errors: they become diagnostics in the doc, with root NULL when
 * the input is unusable.  Returns 0 or -ENOMEM; *ret_doc is set only on
 * success.  limits may be NULL for the defaults.
 */
int dp_doc_parse(const struct dp_source *source,
		 const struct dp_json_limits *limits, struct dp_doc **ret_doc);

/*
 * Added for the built-in catalog (catalog.h): makes *doc, which the
 * caller owns and places (a doc's arena costs a fresh page), a view of
 * the tree root over source: no arena, no diagnostics, default limits.
 * It serves reading the tree and mapping its strings to the file
 * (dp_json_substr_span()); nothing may be added or parsed into it, and
 * it is never given to dp_doc_free().
 */
void dp_doc_init_view(struct dp_doc *doc, const struct dp_source *source,
		      struct dp_json *root);

/* Called with each element of a top-level array, in order, as soon as
 * it is parsed; its nodes (and whatever was parsed into doc's arena
 * meanwhile, embedded documents too) are freed when it returns.
 * 0, or -errno: stops the parse, which returns it. */
typedef int (*dp_json_item_fn)(void *data, struct dp_doc *doc,
			       const struct dp_json *item, size_t index);

/*
 * dp_doc_parse() for inputs too big to hold as one tree (a `jq -s`
 * bundle of thousands of exports): when source is a top-level array,
 * each element goes to on_item as soon as it is parsed and is then
 * freed, so that memory holds one element at a time; the root is then an
 * empty array and *ret_streamed is true.  When the text turns out not
 * to be valid JSON later on, the elements handed over before stay handed
 * over: root is NULL, the diagnostics are dp_doc_parse()'s (nothing of
 * the elements), and the caller undoes what it did with them.  Any
 * other text is exactly dp_doc_parse(), with *ret_streamed false.
 */
int dp_doc_parse_items(const struct dp_source *source,
		       const struct dp_json_limits *limits,
		       dp_json_item_fn on_item, void *data,
		       struct dp_doc **ret_doc, bool *ret_streamed);

/*
 * Parses the decoded value of the string node str (which belongs to doc)
 * as a JSON document of its own, in doc's arena.  Every span of the
 * result points at the outer file's bytes through the string's escapes.
 * pointer is the JSON Pointer of str, used for diagnostics.
 * Returns 0 with *ret_root set; 0 with *ret_root NULL when the string is
 * not valid JSON (a DP_DIAG_EMBEDDED_INVALID diagnostic is added to doc
 * at the exact outer position); -EINVAL when str is not a string;
 * -ENOMEM.
 */
int dp_doc_parse_embedded(struct dp_doc *doc, const struct dp_json *str,
			  const char *pointer, struct dp_json **ret_root);

/*
 * The span in the source of the decoded bytes [off, off + len) of the
 * string node str (off/len in decoded bytes): lets a finding point at the
 * UID inside "acs:ram::<UID>:root", through escapes, in embedded
 * documents too.  Returns 0, or -EINVAL when out of range.
 */
int dp_json_substr_span(const struct dp_doc *doc, const struct dp_json *str,
			size_t off, size_t len, struct dp_span *ret_span);

/*
 * Where every decoded byte of the string node str was written in the
 * file, for a copy of its text that outlives doc: when no escape lies
 * between them, byte k was at *ret_start + k and *ret_map is NULL; else
 * *ret_map holds str->n + 1 file offsets (allocated in arena): byte k
 * came from the character or escape at (*ret_map)[k], and index str->n
 * is the closing quote.  0, -EINVAL when str is not a string, -ENOMEM.
 */
int dp_json_string_locate(const struct dp_doc *doc, const struct dp_json *str,
			  struct dp_arena *arena, uint32_t *ret_start,
			  const uint32_t **ret_map);

/* Adds a diagnostic (msg is copied).  0 or -ENOMEM. */
int dp_doc_add_diag(struct dp_doc *doc, enum dp_diag_kind kind,
		    struct dp_span span, const char *pointer, const char *msg);

void dp_doc_free(struct dp_doc *doc);

/* ---- accessors: all borrow from the doc; NULL when absent ---------- */

/* Member value of an object by exact key (first occurrence), or NULL. */
const struct dp_json *dp_json_get(const struct dp_json *obj, const char *key);

/* Member value by ASCII case-insensitive key (first occurrence). */
const struct dp_json *dp_json_iget(const struct dp_json *obj, const char *key);

/* The member (key and value) by exact key, or NULL. */
const struct dp_json_member *dp_json_member(const struct dp_json *obj,
					    const char *key);

/* Follows a '/'-separated path of object keys ("Role/RoleName"). */
const struct dp_json *dp_json_path(const struct dp_json *node,
				   const char *path);

/* The string of a STRING node, else NULL. */
const char *dp_json_string(const struct dp_json *node);

bool dp_json_is(const struct dp_json *node, enum dp_json_kind kind);

/* Escapes key for use as one JSON Pointer token ('~' -> "~0",
 * '/' -> "~1") and appends "/token" to prefix, in the arena.  NULL on
 * ENOMEM, and when prefix is NULL (a join that failed before), so that
 * a chain of joins fails as a whole and callers check only the end. */
const char *dp_json_pointer_join(struct dp_arena *arena, const char *prefix,
			   const char *key);

/* The same for an array index. */
const char *dp_json_pointer_index(struct dp_arena *arena, const char *prefix,
			    size_t index);

struct dp_buf;

/* Appends "/" and the key_len bytes of key, escaped as one JSON Pointer
 * token, to buf.  0 or -ENOMEM. */
int dp_json_pointer_append(struct dp_buf *buf, const char *key,
			   size_t key_len);

/* ---- private to json.c and json_load.c ----------------------------- */

/*
 * How one JSON-encoded string was decoded for dp_doc_parse_embedded():
 * decoded byte k came from the escape (or plain byte) at file offset
 * map[k]; map[len] is the string's closing quote.  Spans of the nodes
 * parsed from it are map[start], map[end].  Nested embedded strings get
 * maps composed all the way to the file.
 */
struct dp_embed {
	struct dp_span span;  /* the string token in the file, quotes too */
	const char *decoded;  /* len bytes + NUL, in the doc's arena */
	uint32_t len;
	const uint32_t *map;  /* len + 1 file offsets, in the doc's arena */
};

/*
 * Where the raw text of a string token lives: in the file for nodes of
 * the file itself, in the decoded text of the enclosing embedded string
 * for embedded nodes.  dp_raw_token_file_offset() turns an index into
 * text into a file offset.
 */
struct dp_raw_token {
	const char *text;     /* the opening quote */
	size_t len;           /* bytes, both quotes included */
	const uint32_t *map;  /* NULL: the file itself */
	uint32_t base;        /* file offset / map index of text[0] */
};

/* The raw token of the string node str; 0 or -EINVAL. */
int dp_json_raw_token(const struct dp_doc *doc, const struct dp_json *str,
		      struct dp_raw_token *ret_raw);

static inline uint32_t
dp_raw_token_file_offset(const struct dp_raw_token *raw, size_t index)
{
	return raw->map ? raw->map[raw->base + index]
			: raw->base + (uint32_t) index;
}

/*
 * Decodes the character or escape at raw[0] of a string token's inside
 * (avail bytes readable) exactly as yajl does, including its handling of
 * unpaired surrogates: writes 1-4 bytes to out, their count to
 * *ret_out_len, and returns how many raw bytes it used (>= 1).
 */
size_t dp_json_unescape_one(const char *raw, size_t avail, char out[4],
			    size_t *ret_out_len);

#endif /* DP_JSON_H */
