/*
 * catalog.h - the copy of rules/ built into the program: the bytes of
 * each catalog file and the tree dp_doc_parse() built from them at build
 * time (src/gen_catalog.c writes catalog_data.c).  rules.c uses a stored
 * tree only for a file read at run time whose bytes are exactly these;
 * any other file is parsed as usual, so rules/ stays the source of truth.
 *
 * The stored trees hold no pointers, only offsets: a pointer in static
 * data is a relocation that the dynamic loader writes at every start, a
 * page fault for every page of them.  dp_catalog_lay_out() lays a tree
 * out as dp_json nodes in the caller's memory (rules.c makes a doc view
 * of it, dp_doc_init_view()): what dp_doc_parse() returns for the same
 * bytes, node for node and span for span, but for strings, which stay
 * in the static pool.  Ownership: the data is static, never freed;
 * laid-out nodes are the caller's, their strings are borrowed from here.
 */
#ifndef DP_CATALOG_H
#define DP_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "input.h"

struct dp_json;

/* A dp_json without pointers: ref is the pool offset of a STRING's or
 * NUMBER's NUL-terminated text, the index of an ARRAY's first item or of
 * an OBJECT's first member, else 0. */
struct dp_catalog_node {
	uint8_t kind;           /* enum dp_json_kind */
	struct dp_span span;
	uint32_t n;
	uint32_t ref;
};

struct dp_catalog_member {
	uint32_t key;           /* pool offset of the decoded key */
	uint32_t key_len;
	struct dp_span key_span;
	uint32_t value;         /* node index */
};

#define DP_CATALOG_NAME_MAX 48

/* One file: its bytes, and its tree (root first) as ranges of the
 * arrays below; the indices inside a file's nodes are global. */
struct dp_catalog_file {
	char name[DP_CATALOG_NAME_MAX]; /* file name: "dp0-input.json" */
	uint32_t bytes;         /* pool offset; NUL-terminated */
	uint32_t len;
	uint32_t node, n_nodes;
	uint32_t member, n_members;
	uint32_t item, n_items;
	uint32_t table;         /* a table (rules/tables/), not rule file */
};

/* Defined by the generated catalog_data.c, or empty (catalog_none.c:
 * what the generator itself links, so that it parses rules/). */
extern const unsigned char dp_catalog_pool[];
extern const struct dp_catalog_node dp_catalog_nodes[];
extern const struct dp_catalog_member dp_catalog_members[];
extern const uint32_t dp_catalog_items[]; /* node indices */
extern const struct dp_catalog_file dp_catalog_files[];
extern const size_t dp_catalog_n_files;
/* Bytes the generator's ruleset arena held once the catalog was loaded:
 * about what the rules read from it take (rules.c plans for them). */
extern const size_t dp_catalog_arena_hint;

/* The built-in file called name (a file name, no directory), or NULL.
 * Whether a file read is that file is for the caller to compare. */
const struct dp_catalog_file *dp_catalog_find(const char *name);

/* The bytes of file (file->len of them, then a NUL). */
const char *dp_catalog_bytes(const struct dp_catalog_file *file);

/* Bytes dp_catalog_lay_out() writes for file's tree. */
size_t dp_catalog_tree_size(const struct dp_catalog_file *file);

/* Lays file's tree out as dp_json nodes in mem (dp_catalog_tree_size()
 * bytes, aligned for a pointer), strings in the static pool; its root,
 * or NULL for a file of no nodes. */
struct dp_json *dp_catalog_lay_out(const struct dp_catalog_file *file,
				   void *mem);

#endif /* DP_CATALOG_H */
