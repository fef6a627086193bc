/*
 * matrix.c - prints the support matrix (rules/tables/matrix.json) for
 * `dts-preflight matrix`: which database types and access methods may be
 * cross-account sources and destinations, and which pairs two-way
 * synchronization supports.  The data and its wording are the table's;
 * this file only lays it out.  The rules read the same table (engine).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "json.h"
#include "matrix.h"
#include "report.h"
#include "util.h"

static const struct {
	unsigned bit;
	const char *rows;    /* member of the table */
	const char *limit;   /* "limit" of the seed-002 rows that concern it */
} section_list[] = {
	{DP_MATRIX_SOURCE, "source", NULL},
	{DP_MATRIX_DESTINATION, "destination", "destination"},
	{DP_MATRIX_TWO_WAY, "two_way", "two_way"},
};

/* A text of the table ("..." or {"en": ..., "zh": ...}) in lang. */
static const char *
text_of(const struct dp_json *node, enum dp_lang lang)
{
	const struct dp_json *t;

	if (!node)
		return NULL;
	if (node->kind == DP_JSON_STRING)
		return node->u.str;
	t = dp_json_get(node, lang == DP_LANG_ZH ? "zh" : "en");
	if (!t)
		t = dp_json_get(node, "en");
	return t && t->kind == DP_JSON_STRING ? t->u.str : NULL;
}

static const char *
title(const struct dp_json *root, const char *key, enum dp_lang lang)
{
	const char *t = text_of(dp_json_get(dp_json_get(root, "titles"), key),
				lang);

	return t ? t : key;
}

static const struct dp_json *
rows_of(const struct dp_json *root, const char *key)
{
	const struct dp_json *rows = dp_json_get(root, key);

	return rows && rows->kind == DP_JSON_ARRAY ? rows : NULL;
}

/* A cell: a string or a list of strings, as ", "-joined text. */
static void
put_cell(struct dp_report_out *o, const struct dp_json *cell)
{
	if (cell && cell->kind == DP_JSON_STRING) {
		dp_report_puts(o, cell->u.str);
		return;
	}
	for (uint32_t i = 0; cell && cell->kind == DP_JSON_ARRAY && i < cell->n; i++) {
		if (i)
			dp_report_puts(o, ", ");
		dp_report_puts(o, dp_json_string(cell->u.items[i]));
	}
}

/* The same cell as a JSON list. */
static void
put_json_list(struct dp_report_out *o, const struct dp_json *cell)
{
	dp_report_putc(o, '[');
	if (cell && cell->kind == DP_JSON_STRING) {
		dp_report_put_json(o, cell->u.str);
	} else {
		for (uint32_t i = 0; cell && cell->kind == DP_JSON_ARRAY &&
				     i < cell->n; i++) {
			if (i)
				dp_report_puts(o, ", ");
			dp_report_put_json(o, dp_json_string(cell->u.items[i]));
		}
	}
	dp_report_putc(o, ']');
}

static const char *
str_of(const struct dp_json *row, const char *key)
{
	const char *s = dp_json_string(dp_json_get(row, key));

	return s ? s : "";
}

/* ---- text ------------------------------------------------------------ */

static void
text_types(struct dp_report_out *o, const struct dp_json *root,
	   const struct dp_json *rows, enum dp_lang lang)
{
	const char *head = title(root, "database_type", lang);
	size_t width = strlen(head);

	for (uint32_t i = 0; i < rows->n; i++) {
		size_t len = strlen(str_of(rows->u.items[i], "database_type"));

		if (len > width)
			width = len;
	}
	dp_report_printf(o, "  %-*s  %s\n", (int)width, head,
			 title(root, "access_methods", lang));
	for (uint32_t i = 0; i < rows->n; i++) {
		const struct dp_json *row = rows->u.items[i];

		dp_report_printf(o, "  %-*s  ", (int)width,
				 str_of(row, "database_type"));
		put_cell(o, dp_json_get(row, "access_method"));
		dp_report_putc(o, '\n');
	}
}

static void
text_pairs(struct dp_report_out *o, const struct dp_json *root,
	   const struct dp_json *rows, enum dp_lang lang)
{
	for (uint32_t i = 0; i < rows->n; i++) {
		const struct dp_json *row = rows->u.items[i];
		const char *pair = text_of(dp_json_get(row, "pair"), lang);

		dp_report_printf(o, "  %s", pair ? pair : "?");
		if (dp_json_get(row, "caveat"))
			dp_report_printf(o, "  (%s)", title(root, "caveat", lang));
		dp_report_putc(o, '\n');
	}
}

static void
write_text(struct dp_report_out *o, const struct dp_json *root,
	   unsigned sections, enum dp_lang lang)
{
	const struct dp_json *legacy = rows_of(root, "legacy");
	bool first = true;

	for (size_t s = 0; s < DP_ARRAY_SIZE(section_list); s++) {
		const struct dp_json *rows = rows_of(root, section_list[s].rows);

		if (!(sections & section_list[s].bit) || !rows)
			continue;
		dp_report_printf(o, "%s%s\n", first ? "" : "\n",
				 title(root, section_list[s].rows, lang));
		first = false;
		if (section_list[s].bit == DP_MATRIX_TWO_WAY)
			text_pairs(o, root, rows, lang);
		else
			text_types(o, root, rows, lang);
		for (uint32_t i = 0; legacy && section_list[s].limit &&
				     i < legacy->n; i++) {
			const struct dp_json *row = legacy->u.items[i];
			const char *label = text_of(dp_json_get(row, "label"), lang);

			if (strcmp(str_of(row, "limit"), section_list[s].limit) == 0)
				dp_report_printf(o, "  %s: %s\n",
						 title(root, "legacy", lang),
						 label ? label : "?");
		}
	}
}

/* ---- JSON ------------------------------------------------------------ */

static void
json_types(struct dp_report_out *o, const struct dp_json *rows)
{
	for (uint32_t i = 0; i < rows->n; i++) {
		const struct dp_json *row = rows->u.items[i];

		dp_report_puts(o, i ? ",\n    {\"database_type\": "
				    : "\n    {\"database_type\": ");
		dp_report_put_json(o, str_of(row, "database_type"));
		dp_report_puts(o, ", \"access_methods\": ");
		put_json_list(o, dp_json_get(row, "access_method"));
		dp_report_puts(o, ", \"doc\": ");
		dp_report_put_json(o, str_of(row, "doc"));
		dp_report_putc(o, '}');
	}
}

static void
json_end(struct dp_report_out *o, const char *which, const struct dp_json *row)
{
	char key[64];

	snprintf(key, sizeof(key), "%s_database_type", which);
	dp_report_printf(o, "\"%s\": {\"database_type\": ", which);
	dp_report_put_json(o, str_of(row, key));
	snprintf(key, sizeof(key), "%s_access_method", which);
	dp_report_puts(o, ", \"access_method\": ");
	dp_report_put_json(o, str_of(row, key));
	dp_report_putc(o, '}');
}

static void
json_pairs(struct dp_report_out *o, const struct dp_json *rows,
	   enum dp_lang lang)
{
	for (uint32_t i = 0; i < rows->n; i++) {
		const struct dp_json *row = rows->u.items[i];

		dp_report_puts(o, i ? ",\n    {" : "\n    {");
		json_end(o, "source", row);
		dp_report_puts(o, ", ");
		json_end(o, "destination", row);
		dp_report_puts(o, ", \"pair\": ");
		dp_report_put_json(o, text_of(dp_json_get(row, "pair"), lang));
		dp_report_puts(o, ", \"caveat\": ");
		dp_report_put_json(o, text_of(dp_json_get(row, "caveat"), lang));
		dp_report_puts(o, ", \"doc\": ");
		dp_report_put_json(o, str_of(row, "doc"));
		dp_report_putc(o, '}');
	}
}

static void
json_legacy(struct dp_report_out *o, const struct dp_json *legacy,
	    unsigned sections, enum dp_lang lang)
{
	bool first = true;

	dp_report_puts(o, "  \"legacy\": [");
	for (uint32_t i = 0; legacy && i < legacy->n; i++) {
		const struct dp_json *row = legacy->u.items[i];
		bool wanted = false;

		for (size_t s = 0; s < DP_ARRAY_SIZE(section_list); s++)
			wanted |= (sections & section_list[s].bit) &&
				  section_list[s].limit &&
				  strcmp(str_of(row, "limit"), section_list[s].limit) == 0;
		if (!wanted)
			continue;
		dp_report_puts(o, first ? "\n    {\"limit\": " : ",\n    {\"limit\": ");
		first = false;
		dp_report_put_json(o, str_of(row, "limit"));
		dp_report_puts(o, ", \"database_type\": ");
		dp_report_put_json(o, str_of(row, "database_type"));
		dp_report_puts(o, ", \"access_method\": ");
		dp_report_put_json(o, str_of(row, "access_method"));
		dp_report_puts(o, ", \"label\": ");
		dp_report_put_json(o, text_of(dp_json_get(row, "label"), lang));
		dp_report_puts(o, ", \"doc\": ");
		dp_report_put_json(o, str_of(row, "doc"));
		dp_report_putc(o, '}');
	}
	dp_report_puts(o, first ? "]\n" : "\n  ]\n");
}

static void
write_json(struct dp_report_out *o, const struct dp_json *root,
	   unsigned sections, enum dp_lang lang)
{
	dp_report_puts(o, "{\n");
	for (size_t s = 0; s < DP_ARRAY_SIZE(section_list); s++) {
		const struct dp_json *rows = rows_of(root, section_list[s].rows);

		if (!(sections & section_list[s].bit))
			continue;
		dp_report_printf(o, "  \"%s\": [", section_list[s].rows);
		if (rows && section_list[s].bit == DP_MATRIX_TWO_WAY)
			json_pairs(o, rows, lang);
		else if (rows)
			json_types(o, rows);
		dp_report_puts(o, rows && rows->n ? "\n  ],\n" : "],\n");
	}
	json_legacy(o, rows_of(root, "legacy"), sections, lang);
	dp_report_puts(o, "}\n");
}

int
dp_matrix_write(FILE *out, const struct dp_ruleset *set, unsigned sections,
		bool json, enum dp_lang lang)
{
	const struct dp_table *table = dp_ruleset_table(set, "matrix");
	struct dp_report_out o = {0};

	if (!table || !table->doc->root)
		return -ENOENT;
	if (!sections)
		sections = DP_MATRIX_ALL;
	if (json)
		write_json(&o, table->doc->root, sections, lang);
	else
		write_text(&o, table->doc->root, sections, lang);
	return dp_report_finish(&o, out);
}
