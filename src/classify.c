/*
 * classify.c - canonical access methods and database types for task
 * endpoints, looked up in the engines table (rules/tables/engines.json).
 * The table holds every mapping and its source; this file only knows
 * how to match (case-insensitively, most specific entry first).  A value
 * the table does not know stays NULL: DP508 (a rule) reports it, once.
 */
#include "config.h"

#include <string.h>

#include "classify.h"
#include "json.h"
#include "util.h"

static const struct dp_json *
table_list(const struct dp_table *engines, const char *key)
{
	const struct dp_json *list;

	if (!engines || !engines->doc)
		return NULL;
	list = dp_json_get(engines->doc->root, key);
	return list && list->kind == DP_JSON_ARRAY ? list : NULL;
}

static bool
str_ieq(const struct dp_json *node, const char *s, size_t len)
{
	return node && node->kind == DP_JSON_STRING &&
	       dp_ascii_ieq(node->u.str, node->n, s, len);
}

const char *
dp_classify_access_method(const struct dp_table *engines,
			  const char *instance_type, size_t len)
{
	const struct dp_json *list = table_list(engines, "access_methods");

	for (uint32_t i = 0; list && instance_type && i < list->n; i++) {
		const struct dp_json *e = list->u.items[i];

		if (str_ieq(dp_json_get(e, "instance_type"), instance_type, len))
			return dp_json_string(dp_json_get(e, "access_method"));
	}
	return NULL;
}

const char *
dp_classify_database_type(const struct dp_table *engines,
			  const char *instance_type, size_t instance_type_len,
			  const char *engine, size_t engine_len)
{
	const struct dp_json *list = table_list(engines, "database_types");
	const char *best = NULL;
	int best_score = 0;

	/* An entry matches when every key it names matches.  The engine
	 * decides more than the instance type (RDS holds four engines), so
	 * it weighs more; an entry naming both beats either alone. */
	for (uint32_t i = 0; list && i < list->n; i++) {
		const struct dp_json *e = list->u.items[i];
		const struct dp_json *it = dp_json_get(e, "instance_type");
		const struct dp_json *en = dp_json_get(e, "engine");
		int score = 0;

		if (!it && !en)
			continue;
		if (it) {
			if (!instance_type ||
			    !str_ieq(it, instance_type, instance_type_len))
				continue;
			score += 1;
		}
		if (en) {
			if (!engine || !str_ieq(en, engine, engine_len))
				continue;
			score += 2;
		}
		if (score > best_score) {
			best_score = score;
			best = dp_json_string(dp_json_get(e, "database_type"));
		}
	}
	return best;
}

static void
classify_endpoint(const struct dp_table *engines, struct dp_endpoint *ep)
{
	const struct dp_value *it = &ep->instance_type, *en = &ep->engine;
	bool it_given = dp_value_given(it), en_given = dp_value_given(en);

	ep->access_method = it_given ? dp_classify_access_method(engines, it->str,
								 it->len)
				     : NULL;
	ep->database_type = dp_classify_database_type(
		engines, it_given ? it->str : NULL, it_given ? it->len : 0,
		en_given ? en->str : NULL, en_given ? en->len : 0);
}

int
dp_classify_endpoints(struct dp_setup *setup, const struct dp_table *engines)
{
	if (!engines)
		return 0;
	for (size_t t = 0; t < setup->n_tasks; t++) {
		classify_endpoint(engines, &setup->tasks[t]->source);
		classify_endpoint(engines, &setup->tasks[t]->destination);
	}
	return 0;
}
