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

/*
 * The last answers, by the exact texts asked about: a repository of
 * thousands of tasks names a handful of instance types and engines, and
 * each lookup walks the whole table.  Exact bytes, not case-folded: a
 * differently written value is simply looked up.
 */
#define RECENT 8

struct recent {
	const char *it, *en;    /* the values' texts (the setup's) */
	uint32_t it_len, en_len;
	bool it_given, en_given;
	const char *access_method, *database_type;
};

struct recent_answers {
	struct recent e[RECENT];
	size_t n;     /* filled entries */
	size_t next;  /* the one replaced next */
};

static bool
same_text(bool given_a, const char *a, uint32_t len_a, bool given_b,
	  const char *b, uint32_t len_b)
{
	if (given_a != given_b)
		return false;
	return !given_a || (len_a == len_b && memcmp(a, b, len_a) == 0);
}

static void
classify_endpoint(const struct dp_table *engines, struct dp_endpoint *ep,
		  struct recent_answers *recent)
{
	const struct dp_value *it = &ep->instance_type, *en = &ep->engine;
	bool it_given = dp_value_given(it), en_given = dp_value_given(en);
	struct recent *r;

	for (size_t i = 0; i < recent->n; i++) {
		r = &recent->e[i];
		if (same_text(it_given, it->str, it->len, r->it_given, r->it,
			      r->it_len) &&
		    same_text(en_given, en->str, en->len, r->en_given, r->en,
			      r->en_len)) {
			ep->access_method = r->access_method;
			ep->database_type = r->database_type;
			return;
		}
	}
	ep->access_method = it_given ? dp_classify_access_method(engines, it->str,
								 it->len)
				     : NULL;
	ep->database_type = dp_classify_database_type(
		engines, it_given ? it->str : NULL, it_given ? it->len : 0,
		en_given ? en->str : NULL, en_given ? en->len : 0);
	r = &recent->e[recent->next];
	recent->next = (recent->next + 1) % RECENT;
	if (recent->n < RECENT)
		recent->n++;
	*r = (struct recent){
		.it = it->str, .en = en->str,
		.it_len = it->len, .en_len = en->len,
		.it_given = it_given, .en_given = en_given,
		.access_method = ep->access_method,
		.database_type = ep->database_type};
}

int
dp_classify_endpoints(struct dp_setup *setup, const struct dp_table *engines)
{
	struct recent_answers recent = {0};

	if (!engines)
		return 0;
	for (size_t t = 0; t < setup->n_tasks; t++) {
		classify_endpoint(engines, &setup->tasks[t]->source, &recent);
		classify_endpoint(engines, &setup->tasks[t]->destination,
				  &recent);
	}
	return 0;
}
