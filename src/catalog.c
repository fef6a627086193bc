/*
 * catalog.c - the built-in copy of rules/ at run time (catalog.h): finds
 * a file by name and lays its stored tree out as a document.  The data
 * is generated (catalog_data.c) or empty (catalog_none.c); whether a
 * file read matches it is decided by rules.c, with input.c's help.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "catalog.h"
#include "json.h"
#include "util.h"

const struct dp_catalog_file *
dp_catalog_find(const char *name)
{
	for (size_t i = 0; i < dp_catalog_n_files; i++)
		if (strcmp(dp_catalog_files[i].name, name) == 0)
			return &dp_catalog_files[i];
	return NULL;
}

const char *
dp_catalog_bytes(const struct dp_catalog_file *file)
{
	return (const char *)dp_catalog_pool + file->bytes;
}

/* Lays the tree of file out in arena; its root. */
static struct dp_json *
lay_out(const struct dp_catalog_file *f, struct dp_arena *arena)
{
	struct dp_json *nodes;
	struct dp_json_member *members = NULL;
	struct dp_json **items = NULL;
	const char *pool = (const char *)dp_catalog_pool;

	if (f->n_nodes == 0)
		return NULL;
	nodes = dp_arena_alloc(arena, f->n_nodes * sizeof(*nodes));
	if (f->n_members)
		members = dp_arena_alloc(arena, f->n_members * sizeof(*members));
	if (f->n_items)
		items = dp_arena_alloc(arena, f->n_items * sizeof(*items));
	if (!nodes || (f->n_members && !members) || (f->n_items && !items))
		return NULL;
	for (uint32_t i = 0; i < f->n_nodes; i++) {
		const struct dp_catalog_node *c = &dp_catalog_nodes[f->node + i];
		struct dp_json *node = &nodes[i];

		node->kind = (enum dp_json_kind)c->kind;
		node->span = c->span;
		node->n = c->n;
		if (c->kind == DP_JSON_STRING || c->kind == DP_JSON_NUMBER)
			node->u.str = pool + c->ref;
		else if (c->kind == DP_JSON_ARRAY && c->n)
			node->u.items = &items[c->ref - f->item];
		else if (c->kind == DP_JSON_OBJECT && c->n)
			node->u.members = &members[c->ref - f->member];
	}
	for (uint32_t i = 0; i < f->n_members; i++) {
		const struct dp_catalog_member *c =
			&dp_catalog_members[f->member + i];

		members[i].key = pool + c->key;
		members[i].key_len = c->key_len;
		members[i].key_span = c->key_span;
		members[i].value = &nodes[c->value - f->node];
	}
	for (uint32_t i = 0; i < f->n_items; i++)
		items[i] = &nodes[dp_catalog_items[f->item + i] - f->node];
	return nodes;
}

int
dp_catalog_doc(const struct dp_catalog_file *file,
	       const struct dp_source *source, struct dp_doc **ret_doc)
{
	struct dp_doc *doc = NULL;
	int r;

	if (!file || !source || source->len != file->len)
		return -EINVAL;
	r = dp_doc_new_unparsed(source, &doc);
	if (r < 0)
		return r;
	doc->root = lay_out(file, doc->arena);
	if (!doc->root) {
		dp_doc_free(doc);
		return file->n_nodes ? -ENOMEM : -EINVAL;
	}
	*ret_doc = doc;
	return 0;
}
