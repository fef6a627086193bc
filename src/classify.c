/*
 * classify.c - canonical access methods and database types for task
 * endpoints, looked up in the engines table (rules/tables/engines.json).
 * The table holds every mapping and its source; this file only knows
 * how to match (case-insensitively, most specific entry first) and how
 * to say that a value is unknown.  No rule is evaluated here.
 */
#include "config.h"

#include <errno.h>
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

/* ---- unknown values ------------------------------------------------- */

/* Levenshtein distance of two short strings, ASCII case folded; long
 * inputs count as far apart. */
static size_t
distance(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t row[65];

	if (alen > 64 || blen > 64)
		return (size_t)-1;
	for (size_t j = 0; j <= blen; j++)
		row[j] = j;
	for (size_t i = 1; i <= alen; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= blen; j++) {
			size_t up = row[j];
			bool same = dp_ascii_ieq(a + i - 1, 1, b + j - 1, 1);
			size_t best = diag + (same ? 0 : 1);

			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (up + 1 < best)
				best = up + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[blen];
}

/* The known spelling (key of the list's entries) nearest to s. */
static const char *
nearest(const struct dp_table *engines, const char *list_name,
	const char *key, const char *s, size_t len)
{
	const struct dp_json *list = table_list(engines, list_name);
	const char *best = NULL;
	size_t best_d = (size_t)-1;

	for (uint32_t i = 0; list && i < list->n; i++) {
		const struct dp_json *k = dp_json_get(list->u.items[i], key);
		size_t d;

		if (!k || k->kind != DP_JSON_STRING)
			continue;
		d = distance(s, len, k->u.str, k->n);
		if (d < best_d) {
			best_d = d;
			best = k->u.str;
		}
	}
	return best;
}

static bool
has_note(const struct dp_setup *setup, const char *text)
{
	for (size_t i = 0; i < setup->n_notes; i++)
		if (strcmp(setup->notes[i].text, text) == 0)
			return true;
	return false;
}

static int
note_unknown(struct dp_setup *setup, const struct dp_table *engines,
	     const struct dp_value *v, const char *what, const char *key,
	     const char *list_name, const char *consequence)
{
	const char *near = nearest(engines, list_name, key, v->str, v->len);
	char *text;

	text = dp_arena_printf(setup->arena,
			       "%s '%s' is not in the engine table "
			       "(rules/tables/engines.json)%s%s%s: %s cannot "
			       "be checked",
			       what, v->str, near ? "; nearest known: '" : "",
			       near ? near : "", near ? "'" : "", consequence);
	if (!text)
		return -ENOMEM;
	if (has_note(setup, text))
		return 0;
	return dp_setup_add_note(setup, &v->origin, text);
}

static int
classify_endpoint(struct dp_setup *setup, const struct dp_table *engines,
		  struct dp_endpoint *ep)
{
	const struct dp_value *it = &ep->instance_type, *en = &ep->engine;
	bool it_given = dp_value_given(it), en_given = dp_value_given(en);
	int r;

	ep->access_method = NULL;
	ep->database_type = NULL;
	if (it_given) {
		ep->access_method = dp_classify_access_method(engines, it->str,
							      it->len);
		if (!ep->access_method) {
			r = note_unknown(setup, engines, it, "instance type",
					 "instance_type", "access_methods",
					 "its access method, and so whether "
					 "the combination is supported,");
			if (r < 0)
				return r;
		}
	}
	if (!it_given && !en_given)
		return 0;
	ep->database_type = dp_classify_database_type(
		engines, it_given ? it->str : NULL, it_given ? it->len : 0,
		en_given ? en->str : NULL, en_given ? en->len : 0);
	if (!ep->database_type && en_given)
		return note_unknown(setup, engines, en, "engine name", "engine",
				    "database_types",
				    "its database type, and so whether the "
				    "combination is supported,");
	return 0;
}

int
dp_classify_endpoints(struct dp_setup *setup, const struct dp_table *engines)
{
	int r;

	if (!engines)
		return 0;
	for (size_t t = 0; t < setup->n_tasks; t++) {
		struct dp_task *task = setup->tasks[t];

		r = classify_endpoint(setup, engines, &task->source);
		if (r == 0)
			r = classify_endpoint(setup, engines, &task->destination);
		if (r < 0)
			return r;
	}
	return 0;
}
