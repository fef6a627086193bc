/*
 * catalog.c - the built-in copy of rules/ at run time (catalog.h): finds
 * a file by name and lays its stored tree out.  The data
 * is generated (catalog_data.c) or empty (catalog_none.c); whether a
 * file read matches it is decided by rules.c, with input.c's help.
 */
#include "config.h"

#include <string.h>

#include "catalog.h"
#include "json.h"

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

size_t
dp_catalog_tree_size(const struct dp_catalog_file *file)
{
	return file->n_nodes * sizeof(struct dp_json) +
	       file->n_members * sizeof(struct dp_json_member) +
	       file->n_items * sizeof(struct dp_json *);
}

struct dp_json *
dp_catalog_lay_out(const struct dp_catalog_file *f, void *mem)
{
	/* Nodes, then members, then items: each size keeps the next one
	 * aligned. */
	struct dp_json *nodes = mem;
	struct dp_json_member *members = (void *)(nodes + f->n_nodes);
	struct dp_json **items = (void *)(members + f->n_members);
	const char *pool = (const char *)dp_catalog_pool;

	if (f->n_nodes == 0)
		return NULL;
	for (uint32_t i = 0; i < f->n_nodes; i++) {
		const struct dp_catalog_node *c =
			&dp_catalog_nodes[f->node + i];
		struct dp_json *node = &nodes[i];

		node->kind = (enum dp_json_kind)c->kind;
		node->span = c->span;
		node->n = c->n;
		node->embedded = false;
		node->u.str = NULL;
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
