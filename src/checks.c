/*
 * checks.c - the checks that look beyond one value: whether a value is
 * among the values of other fields (not-among, only: "the service
 * principal's account is one the RAM principal trusts", "the role is
 * among the roles exported for that account"), and whether a tuple of
 * values is a row of a data table (not-in-table: the support matrix).
 * Which fields and tables is rule data; the walk is engine.c's.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "json.h"
#include "rules.h"
#include "template.h"

/* ---- collections: NOT_AMONG, ONLY ------------------------------------ */

struct collection {
	struct dp_eval *ev;
	const struct dp_field *field;     /* the `of` field now walked */
	struct dp_value *items;           /* copies: getters reuse slots */
	size_t n, cap;
	/* items by text (index + 1; 0 empty), so that an account of many
	 * roles is not compared name by name with every one kept so far */
	size_t *slots;
	size_t cap_slots;
};

static bool
same_text(const struct dp_value *a, const struct dp_value *b)
{
	return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
}

static size_t
hash_text(const struct dp_value *v)
{
	uint64_t h = 14695981039346656037ULL; /* FNV-1a */

	for (uint32_t i = 0; i < v->len; i++)
		h = (h ^ (unsigned char)v->str[i]) * 1099511628211ULL;
	return (size_t)h;
}

/* The slot holding an item with v's text, or the empty one it would
 * take. */
static size_t
find_slot(const struct collection *col, const struct dp_value *v)
{
	size_t mask = col->cap_slots - 1, i = hash_text(v) & mask;

	while (col->slots[i] && !same_text(&col->items[col->slots[i] - 1], v))
		i = (i + 1) & mask;
	return i;
}

/* Makes room for one more item in the hash set.  0 or -ENOMEM. */
static int
grow_slots(struct collection *col)
{
	size_t cap = col->cap_slots ? col->cap_slots * 2 : 64;
	size_t *old = col->slots, old_cap = col->cap_slots;

	if (2 * (col->n + 1) <= col->cap_slots)
		return 0;
	col->slots = calloc(cap, sizeof(*col->slots));
	if (!col->slots) {
		col->slots = old;
		return -ENOMEM;
	}
	col->cap_slots = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i])
			col->slots[find_slot(col, &col->items[old[i] - 1])] = old[i];
	free(old);
	return 0;
}

/* Adds v to the collection unless it is not given, filtered out or
 * there already.  0 or -errno. */
static int
add_member(void *data, const struct dp_value *v)
{
	struct collection *col = data;
	struct dp_regex *filter = col->ev->check->filter;
	size_t slot;
	int r;

	if (!dp_value_given(v))
		return 0;
	if (filter && (r = dp_engine_match(col->ev, filter, v, NULL)) <= 0)
		return r;
	if (grow_slots(col) < 0)
		return -ENOMEM;
	slot = find_slot(col, v);
	if (col->slots[slot])
		return 0;
	if (col->n == col->cap) {
		size_t cap = col->cap ? col->cap * 2 : 8;
		void *p = realloc(col->items, cap * sizeof(*col->items));

		if (!p)
			return -ENOMEM;
		col->items = p;
		col->cap = cap;
	}
	col->items[col->n++] = *v;
	col->slots[slot] = col->n;
	return 0;
}

static int
visit_member(void *data, const struct dp_ctx *ctx)
{
	struct collection *col = data;

	return dp_field_each(col->field, ctx, add_member, col);
}

/* The context with everything below level `within` taken away, so that
 * a walk covers all of, say, the trust policy a principal belongs to. */
static struct dp_ctx
cut_to(struct dp_ctx ctx, enum dp_level within)
{
	struct dp_ctx cut = {.setup = ctx.setup, .scratch = ctx.scratch};

	if (within == DP_LEVEL_TASK || within == DP_LEVEL_ENDPOINT)
		cut.task = ctx.task;
	if (within == DP_LEVEL_ENDPOINT)
		cut.endpoint = ctx.endpoint;
	if (within >= DP_LEVEL_ROLE && within <= DP_LEVEL_STATEMENT)
		cut.role = ctx.role;
	if (within == DP_LEVEL_TRUST || within == DP_LEVEL_STATEMENT)
		cut.trust = ctx.trust;
	if (within == DP_LEVEL_STATEMENT)
		cut.statement = ctx.statement;
	return cut; /* within the setup: everything */
}

/* Does a walk of level inside ctx visit ctx itself and nothing else
 * (as dp_engine_walk() does)?  Then the field of that level answers for
 * the whole collection. */
static bool
walk_is_ctx(const struct dp_ctx *ctx, enum dp_level level)
{
	switch (level) {
	case DP_LEVEL_SETUP:
		return true;
	case DP_LEVEL_TASK:
		return ctx->task != NULL;
	case DP_LEVEL_ENDPOINT:
		return ctx->task && ctx->endpoint;
	case DP_LEVEL_ROLE:
		return ctx->role != NULL;
	default:
		return false;
	}
}

/* Lower-case ASCII with '_' as '-': the spellings people mix up. */
static char
fold(char c)
{
	if (c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	return c == '_' ? '-' : c;
}

#define CLOSE_MAX_LEN 128

/* Edit distance of the folded texts, or more than max when above max. */
static size_t
distance(const char *a, size_t alen, const char *b, size_t blen, size_t max)
{
	size_t row[CLOSE_MAX_LEN + 1];

	if (alen > CLOSE_MAX_LEN || blen > CLOSE_MAX_LEN ||
	    (alen > blen ? alen - blen : blen - alen) > max)
		return max + 1;
	for (size_t j = 0; j <= blen; j++)
		row[j] = j;
	for (size_t i = 1; i <= alen; i++) {
		size_t diag = row[0], best;

		row[0] = i;
		best = row[0];
		for (size_t j = 1; j <= blen; j++) {
			size_t up = row[j];
			size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
			size_t d = diag + cost;

			if (up + 1 < d)
				d = up + 1;
			if (row[j - 1] + 1 < d)
				d = row[j - 1] + 1;
			row[j] = d;
			diag = up;
			if (d < best)
				best = d;
		}
		if (best > max)
			return max + 1;
	}
	return row[blen];
}

/* A text to compare: not NUL-terminated, and cut at a NUL like the C
 * string it is printed as. */
struct cand {
	const char *s;
	size_t len;
};

/* The search for the candidate nearest to a text: the same but for
 * letter case or '-' against '_', or at most max edits away, the first
 * of equals.  Candidates are fed one by one, so that a collection need
 * not be built (nor its repeats removed: a repeat is never nearer). */
struct nearest {
	const char *text;
	size_t len;
	size_t best_d;            /* only a nearer candidate can win */
	struct cand best;         /* .s NULL: none close enough yet */
	/* The folded letters of text, and those not yet partnered with a
	 * letter of the candidate at hand.  A candidate's letters without
	 * a partner each need an edit, so their count bounds its distance
	 * from below: most candidates are ruled out without distance(). */
	unsigned short count[256];
	unsigned short avail[256];
};

static void
nearest_init(struct nearest *nr, const char *text, size_t len, size_t max)
{
	nr->text = text;
	nr->len = len;
	nr->best_d = len > CLOSE_MAX_LEN ? 0 : max + 1; /* 0: none can win */
	nr->best = (struct cand){NULL, 0};
	memset(nr->count, 0, sizeof(nr->count));
	for (size_t i = 0; i < len && nr->best_d; i++)
		nr->count[(unsigned char)fold(text[i])]++;
	memcpy(nr->avail, nr->count, sizeof(nr->avail));
}

/* max(len, c's length) less the letters they share. */
static size_t
unpartnered(struct nearest *nr, const struct cand *c)
{
	size_t shared = 0;

	for (size_t j = 0; j < c->len; j++) {
		unsigned char f = (unsigned char)fold(c->s[j]);

		if (nr->avail[f]) {
			nr->avail[f]--;
			shared++;
		}
	}
	for (size_t j = 0; j < c->len; j++) {
		unsigned char f = (unsigned char)fold(c->s[j]);

		if (nr->avail[f] < nr->count[f])
			nr->avail[f]++;
	}
	return (nr->len > c->len ? nr->len : c->len) - shared;
}

/* Considers c; false once nothing can be nearer (an exact match). */
static bool
nearest_feed(struct nearest *nr, struct cand c)
{
	size_t d;

	if (nr->best_d == 0)
		return false;
	if (c.len > CLOSE_MAX_LEN ||
	    (nr->len > c.len ? nr->len - c.len : c.len - nr->len) >= nr->best_d ||
	    unpartnered(nr, &c) >= nr->best_d)
		return true;
	d = distance(nr->text, nr->len, c.s, c.len, nr->best_d - 1);
	if (d < nr->best_d) {
		nr->best = c;
		nr->best_d = d;
	}
	return nr->best_d > 0;
}

/* A value as a candidate: the C string it is printed as. */
static struct cand
value_cand(const struct dp_value *v)
{
	return (struct cand){v->str, strnlen(v->str, v->len)};
}

/* dp_value_fn: feeds a given value to a struct nearest; 1 to stop. */
static int
feed_value(void *data, const struct dp_value *v)
{
	if (!dp_value_given(v))
		return 0;
	return nearest_feed(data, value_cand(v)) ? 0 : 1;
}

/* Does a text of the rule name {var}, directly or in the label that
 * {field} expands with the same variables?  What no text prints is not
 * worth computing: {closest} costs an edit distance per candidate. */
static bool
texts_name(const struct dp_eval *ev, const char *var)
{
	const struct dp_check *c = ev->check;
	const struct dp_text *lists[] = {c->messages, c->whys, c->fixes};
	size_t counts[] = {c->n_messages, c->n_whys, c->n_fixes};
	const char *label;
	bool field = false;
	char open[32];

	snprintf(open, sizeof(open), "{%s", var);
	for (size_t k = 0; k < DP_ARRAY_SIZE(lists); k++)
		for (size_t i = 0; i < counts[k]; i++)
			for (size_t g = 0; g < DP_LANG__COUNT; g++) {
				const char *t = lists[k][i].s[g];

				if (!t)
					continue;
				if (strstr(t, open))
					return true;
				field = field || strstr(t, "{field");
			}
	for (size_t i = 0; i < c->n_replacements; i++) {
		if (strstr(c->replacements[i], open))
			return true;
		field = field || strstr(c->replacements[i], "{field");
	}
	if (!field || !ev->field)
		return false;
	label = dp_tmpl_table_word(ev->in->rules, ev->in->lang,
				   ev->field->name);
	return label && strstr(label, open);
}

/* "a, b, c" of a list of texts. */
static char *
join_strings(const char *const *items, size_t n)
{
	struct dp_buf b = {0};

	for (size_t i = 0; i < n; i++)
		if (dp_buf_printf(&b, "%s%s", i ? ", " : "", items[i]) < 0) {
			dp_buf_free(&b);
			return NULL;
		}
	return dp_buf_steal(&b);
}

/* "a, b, c" of the values, each cut at a NUL like the C string it is
 * printed as. */
static char *
join_values(const struct dp_value *items, size_t n)
{
	struct dp_buf b = {0};

	for (size_t i = 0; i < n; i++) {
		struct cand c = value_cand(&items[i]);

		if ((i && dp_buf_puts(&b, ", ") < 0) ||
		    dp_buf_append(&b, c.s, c.len) < 0) {
			dp_buf_free(&b);
			return NULL;
		}
	}
	return dp_buf_steal(&b);
}

/* Reports v, whose value (or field's) is not among the collection: with
 * {among} from col, and {closest} from nr, when a text of the rule
 * prints them. */
static int
emit_among(struct dp_eval *ev, const struct dp_ctx *ctx,
	   const struct dp_value *v, const struct collection *col,
	   const struct nearest *nr)
{
	struct dp_found fd = {0};
	char *closest = NULL;
	int r = -ENOMEM;

	if (col && !(fd.among = join_values(col->items, col->n)))
		goto out;
	if (nr && nr->best.s) {
		if (!(closest = strndup(nr->best.s, nr->best.len)))
			goto out;
		fd.closest = closest;
	}
	r = dp_engine_emit(ev, ctx, v, &fd, v->origin);
out:
	free(closest);
	free((char *)fd.among);
	return r;
}

/* Feeds every given value of field in ctx to nr (see dp_field_each_fn). */
static void
nearest_of_field(struct nearest *nr, const struct dp_field *field,
		 const struct dp_ctx *ctx)
{
	dp_field_each(field, ctx, feed_value, nr);
}

int
dp_check_among(struct dp_eval *ev, const struct dp_ctx *ctx, const struct dp_value *v)
{
	const struct dp_check *c = ev->check;
	struct collection col = {.ev = ev};
	struct dp_walker w = {.in = ev->in, .visit = visit_member, .data = &col};
	struct dp_ctx base = c->within == DP_LEVEL__COUNT ? *ctx
							   : cut_to(*ctx, c->within);
	const struct dp_value *subject = c->other ? dp_field_get(c->other, ctx, 0) : v;
	const struct dp_field *of = c->n_of_fields == 1 ? c->of_fields[0] : NULL;
	struct nearest nr;
	struct dp_value value;
	bool fires = false, in = false, only = true, among, closest;
	int r = 0;

	if (!subject || !dp_value_given(subject))
		return 0;
	value = *subject; /* the walk below may reuse its scratch slot */
	if (c->filter && (r = dp_engine_match(ev, c->filter, &value, NULL)) <= 0)
		return r;
	/* The usual answer, "it is among them", from the field's index:
	 * collecting every role of the account for every endpoint was
	 * endpoints x roles.  The values are read only for a finding, and
	 * only to print them: {closest} needs no collection without
	 * repeats, {among} does. */
	if (c->type == DP_CHECK_NOT_AMONG && !c->filter && of && of->holds &&
	    walk_is_ctx(&base, of->level)) {
		enum dp_holds h = of->holds(of, &base, value.str, value.len);

		if (h == DP_HOLDS_NOTHING || h == DP_HOLDS_YES)
			return 0;
		if (h == DP_HOLDS_NO && !texts_name(ev, "among")) {
			closest = texts_name(ev, "closest");
			if (closest) {
				nearest_init(&nr, value.str, value.len, 2);
				nearest_of_field(&nr, of, &base);
			}
			return emit_among(ev, ctx, v, NULL,
					  closest ? &nr : NULL);
		}
	}
	r = 0;
	for (size_t i = 0; i < c->n_of_fields && r == 0; i++) {
		col.field = c->of_fields[i];
		r = dp_engine_walk(&w, base, c->of_fields[i]->level);
	}
	if (r < 0 || col.n == 0)
		goto out;
	for (size_t k = 0; k < col.n; k++) {
		if (same_text(&col.items[k], &value))
			in = true;
		else
			only = false;
	}
	fires = c->type == DP_CHECK_NOT_AMONG ? !in : in && only;
	if (!fires)
		goto out;
	among = texts_name(ev, "among");
	closest = texts_name(ev, "closest");
	if (closest) {
		nearest_init(&nr, value.str, value.len, 2);
		for (size_t k = 0; k < col.n && nearest_feed(&nr,
				   value_cand(&col.items[k])); k++)
			;
	}
	r = emit_among(ev, ctx, v, among ? &col : NULL, closest ? &nr : NULL);
out:
	free(col.items);
	free(col.slots);
	return r;
}

/* ---- tables: NOT_IN_TABLE -------------------------------------------- */

static bool
cell_holds(const struct dp_json *cell, const struct dp_value *v)
{
	if (!cell)
		return true; /* a row without the column takes any value */
	if (cell->kind == DP_JSON_STRING)
		return dp_ascii_ieq(cell->u.str, cell->n, v->str, v->len);
	if (cell->kind == DP_JSON_ARRAY)
		for (uint32_t i = 0; i < cell->n; i++)
			if (cell_holds(cell->u.items[i], v))
				return true;
	return false;
}

/* Appends the strings of a cell to a list without repeats. */
static int
add_cell_strings(const struct dp_json *cell, const char ***list, size_t *n)
{
	if (!cell)
		return 0;
	if (cell->kind == DP_JSON_ARRAY) {
		for (uint32_t i = 0; i < cell->n; i++) {
			int r = add_cell_strings(cell->u.items[i], list, n);

			if (r < 0)
				return r;
		}
		return 0;
	}
	if (cell->kind != DP_JSON_STRING)
		return 0;
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*list)[i], cell->u.str) == 0)
			return 0;
	{
		const char **p = realloc(*list, (*n + 1) * sizeof(**list));

		if (!p)
			return -ENOMEM;
		*list = p;
		p[(*n)++] = cell->u.str;
	}
	return 0;
}

/* The string of list nearest to text (see struct nearest), or NULL. */
static const char *
closest_string(const char *text, size_t len, const char *const *list,
	       size_t n, size_t max)
{
	struct nearest nr;

	nearest_init(&nr, text, len, max);
	for (size_t i = 0; i < n && nearest_feed(&nr, (struct cand){list[i],
					strlen(list[i])}); i++)
		;
	return nr.best.s;
}

/* A text of a table ("..." or {"en": ..., "zh": ...}) in lang. */
static const char *
cell_text(const struct dp_json *cell, enum dp_lang lang)
{
	const struct dp_json *t;

	if (!cell)
		return NULL;
	if (cell->kind == DP_JSON_STRING)
		return cell->u.str;
	t = dp_json_get(cell, lang == DP_LANG_ZH ? "zh" : "en");
	if (!t)
		t = dp_json_get(cell, "en");
	return t && t->kind == DP_JSON_STRING ? t->u.str : NULL;
}

/* The rows of a lookup ("rows.column") for the selected field, and the
 * column; NULL when the table lacks them. */
static const struct dp_json *
lookup_rows(const struct dp_eval *ev, const struct dp_table *table,
	    const char **ret_column)
{
	const struct dp_check *c = ev->check;
	const struct dp_json *root = table->doc->root;

	for (size_t k = 0; k < c->n_columns; k++) {
		const char *name = c->columns[k].name;
		const char *dot = strchr(name, '.');

		if (c->columns[k].field != ev->field || !dot)
			continue;
		*ret_column = dot + 1;
		for (uint32_t i = 0; root && root->kind == DP_JSON_OBJECT &&
				     i < root->n; i++)
			if (root->u.members[i].key_len == (size_t)(dot - name) &&
			    memcmp(root->u.members[i].key, name,
				   (size_t)(dot - name)) == 0)
				return root->u.members[i].value;
	}
	return NULL;
}

/* lookup: the value must be written in its column of some row. */
static int
check_lookup(struct dp_eval *ev, const struct dp_ctx *ctx,
	     const struct dp_table *table, const struct dp_value *v)
{
	const char *column = NULL;
	const struct dp_json *rows = lookup_rows(ev, table, &column);
	const char **known = NULL;
	size_t n_known = 0;
	struct dp_found fd = {0};
	int r = 0;

	if (!rows || rows->kind != DP_JSON_ARRAY || !dp_value_given(v))
		return 0;
	for (uint32_t i = 0; i < rows->n && r == 0; i++) {
		const struct dp_json *cell = dp_json_get(rows->u.items[i], column);

		if (cell && cell_holds(cell, v))
			goto out;
		r = add_cell_strings(cell, &known, &n_known);
	}
	if (r == 0) {
		/* A name nobody wrote alike is no hint: about half of it
		 * may differ. */
		fd.closest = closest_string(v->str, v->len, known, n_known,
					    v->len / 2 + 1);
		r = dp_engine_emit(ev, ctx, v, &fd, v->origin);
	}
out:
	free(known);
	return r;
}

#define MAX_COLUMNS 8

int
dp_check_table(struct dp_eval *ev, const struct dp_ctx *ctx,
	       const struct dp_value *v)
{
	const struct dp_check *c = ev->check;
	const struct dp_table *table = dp_ruleset_table(ev->in->rules, c->table);
	const struct dp_json *rows;
	struct dp_value values[MAX_COLUMNS];
	const struct dp_json *caveat_row = NULL;
	const char **allowed = NULL, **firsts = NULL;
	size_t n_allowed = 0, n_firsts = 0;
	struct dp_found fd = {0};
	bool supported = false;
	int r = 0;

	if (!table)
		return 0;
	if (c->lookup)
		return check_lookup(ev, ctx, table, v);
	rows = dp_json_get(table->doc->root, c->rows);
	if (!rows || rows->kind != DP_JSON_ARRAY || c->n_columns > MAX_COLUMNS)
		return 0;
	for (size_t k = 0; k < c->n_columns; k++) {
		const struct dp_value *cv = dp_field_get(c->columns[k].field, ctx, 0);

		if (!cv || !dp_value_given(cv))
			return 0; /* not checkable: a rule on the unknown name says so */
		values[k] = *cv;
	}
	for (uint32_t i = 0; i < rows->n && r == 0 && !supported; i++) {
		const struct dp_json *row = rows->u.items[i];
		size_t k;

		for (k = 0; k < c->n_columns; k++)
			if (!cell_holds(dp_json_get(row, c->columns[k].name), &values[k]))
				break;
		if (k == c->n_columns) {
			supported = !dp_json_get(row, "caveat");
			if (!caveat_row)
				caveat_row = row;
		} else if (k == c->n_columns - 1) {
			r = add_cell_strings(dp_json_get(row, c->columns[k].name),
					     &allowed, &n_allowed);
		}
		if (r == 0)
			r = add_cell_strings(dp_json_get(row, c->columns[0].name),
					     &firsts, &n_firsts);
	}
	if (r < 0 || supported)
		goto out;
	if (caveat_row) {
		fd.caveat = cell_text(dp_json_get(caveat_row, "caveat"), ev->in->lang);
		fd.lower = true;
	} else {
		if (n_allowed && !(fd.allowed = join_strings(allowed, n_allowed))) {
			r = -ENOMEM;
			goto out;
		}
		fd.closest = closest_string(values[0].str, values[0].len, firsts,
					    n_firsts, 2);
	}
	r = dp_engine_emit(ev, ctx, v, &fd, v->origin);
out:
	free((char *)fd.allowed);
	free(allowed);
	free(firsts);
	return r;
}
