/*
 * classify.h - the canonical access method and database type of every
 * task endpoint, from the instance type and engine name as written,
 * through the table rules/tables/engines.json (data, not code).
 *
 * Ownership: the names set on endpoints are borrowed from the table's
 * document (owned by the ruleset, which outlives the run).
 */
#ifndef DP_CLASSIFY_H
#define DP_CLASSIFY_H

#include "model.h"
#include "rules.h"

/* The canonical access method of instance_type (case-insensitive), or
 * NULL when the table does not know it. */
const char *dp_classify_access_method(const struct dp_table *engines,
				      const char *instance_type, size_t len);

/* The canonical database type of an endpoint from its engine name and
 * instance type (either may be NULL), or NULL when the table does not
 * decide it. */
const char *dp_classify_database_type(const struct dp_table *engines,
				      const char *instance_type,
				      size_t instance_type_len,
				      const char *engine, size_t engine_len);

/*
 * Sets access_method and database_type of every endpoint of setup.  A
 * value the table does not know leaves the name NULL, never a guess
 * (rule DP508 reports it).  engines may be NULL (no table loaded): then
 * nothing is set.  Returns 0.
 */
int dp_classify_endpoints(struct dp_setup *setup,
			  const struct dp_table *engines);

#endif /* DP_CLASSIFY_H */
