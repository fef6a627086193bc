/*
 * testlib.h - helpers shared by the Check suites: reading test data and
 * building sources from literals.  No test logic lives here.
 */
#ifndef DP_TESTLIB_H
#define DP_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>

#include "input.h"
#include "rules.h"

/* $DP_TESTDATA/rel, malloc'd. Aborts the test when unset. */
char *tl_testdata_path(const char *rel);

/* The catalog of $DTS_PREFLIGHT_RULES_DIR, loaded (patterns compiled on
 * first match when defer_patterns, as a check run loads them).  Fails the
 * test when it cannot be loaded. */
struct dp_ruleset *tl_catalog(bool defer_patterns);

/* The whole file, malloc'd and NUL-terminated; *ret_len set if non-NULL.
 * Fails the current test when unreadable. */
char *tl_read_file(const char *path, size_t *ret_len);

/* A source from a C string (copied), named name.  Fails the test on
 * error. */
struct dp_source *tl_source(const char *name, const char *text);

/* The byte offset of the first occurrence of needle in hay (fails the
 * test when absent): lets a test say where a span must start. */
unsigned tl_offset_of(const char *hay, const char *needle);

#endif
