/*
 * catalog_none.c - an empty built-in catalog, for the generator
 * (gen_catalog.c): it must read and check rules/ from disk with the
 * normal loader, not find the copy it is about to write.
 */
#include "config.h"

#include "catalog.h"

const unsigned char dp_catalog_pool[1];
const struct dp_catalog_node dp_catalog_nodes[1];
const struct dp_catalog_member dp_catalog_members[1];
const uint32_t dp_catalog_items[1];
const struct dp_catalog_file dp_catalog_files[1];
const size_t dp_catalog_n_files = 0;
const size_t dp_catalog_arena_hint = 0;
