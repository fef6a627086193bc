/*
 * fuzz.h - what the libFuzzer harnesses share: the entry points, the
 * invariants every located document must keep, and the rule catalog.
 * A harness aborts (a crash libFuzzer reports) when an invariant fails;
 * content errors in the input are never a failure.
 */
#ifndef DP_FUZZ_H
#define DP_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with a message when cond is false. */
#define FUZZ_ASSERT(cond)                                                     \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",       \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/*
 * Checks every node of the tree under node: spans inside [lo, hi], the
 * children of a container inside it and in source order, keys before
 * their values, counts that match; line:column computable for each
 * start.  lo/hi bound the whole tree (the file, or an embedded string).
 */
void fuzz_check_tree(const struct dp_doc *doc, const struct dp_json *node,
		     uint32_t lo, uint32_t hi, unsigned depth);

/* Checks what the loader found wrong: spans inside the file, a message
 * and a pointer on each. */
void fuzz_check_diags(const struct dp_doc *doc);

/* The shipped catalog ($DTS_PREFLIGHT_RULES_DIR or the source tree's),
 * loaded once and kept for the life of the process; aborts when it does
 * not load. */
const struct dp_ruleset *fuzz_catalog(void);

/* Whether msg is "path:LINE:COL: what", with LINE and COL from 1. */
bool fuzz_has_position(const char *msg, const char *path);

/* A FILE * that swallows output, opened once. */
FILE *fuzz_devnull(void);

#endif /* DP_FUZZ_H */
