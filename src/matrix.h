/*
 * matrix.h - `dts-preflight matrix`: the support tables of
 * rules/tables/matrix.json (cross-account sources, destinations, two-way
 * pairs, and the older limits of seed 002) as text or JSON.
 *
 * Ownership: borrows the ruleset; writes to the stream it is given.
 */
#ifndef DP_MATRIX_H
#define DP_MATRIX_H

#include <stdbool.h>
#include <stdio.h>

#include "rules.h"

enum {
	DP_MATRIX_SOURCE = 1u << 0,
	DP_MATRIX_DESTINATION = 1u << 1,
	DP_MATRIX_TWO_WAY = 1u << 2,
	DP_MATRIX_ALL = DP_MATRIX_SOURCE | DP_MATRIX_DESTINATION | DP_MATRIX_TWO_WAY,
};

/*
 * Writes the sections (DP_MATRIX_* bits; 0 means all) of the ruleset's
 * "matrix" table to out, as text or JSON, texts in lang.  Each section
 * ends with the older limit of seed 002 that concerns it.  Returns 0,
 * -ENOENT when the ruleset has no matrix table, -EIO when out fails,
 * -ENOMEM.
 */
int dp_matrix_write(FILE *out, const struct dp_ruleset *set, unsigned sections,
		    bool json, enum dp_lang lang);

#endif /* DP_MATRIX_H */
