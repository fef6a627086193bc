/*
 * model.c - the canonical setup: storage for roles, tasks and notes,
 * building values from located JSON, reading trust policies, and the
 * classification rules.md defines (which roles are cross-account).  It
 * knows no export shape (adapters/) and no rule (engine.c).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "model.h"
#include "util.h"

#define DEFAULT_ROLE_NAME "AliyunDTSDefaultRole"
#define DTS_SERVICE_HOST "dts.aliyuncs.com"
#define DTS_ROLE_POLICY "AliyunDTSRolePolicy"

/* Bytes that need not end in a NUL. */
struct name_ref {
	const char *str;
	size_t len;
};

struct dp_setup *
dp_setup_new(void)
{
	struct dp_arena *arena = dp_arena_new();
	struct dp_setup *setup;

	if (!arena)
		return NULL;
	setup = dp_arena_alloc(arena, sizeof(*setup));
	if (!setup || dp_arena_share_strings(arena) < 0) {
		dp_arena_free(arena);
		return NULL;
	}
	setup->arena = arena;
	return setup;
}

void
dp_setup_free(struct dp_setup *setup)
{
	if (!setup)
		return;
	free(setup->roles);
	free(setup->tasks);
	free(setup->orphans);
	free(setup->notes);
	free(setup->roles_by_owner);
	free(setup->roles_by_name);
	free(setup->endpoints_by_role);
	for (size_t i = 0; i < setup->n_item_arrays; i++)
		free(setup->item_arrays[i].starts);
	free(setup->item_arrays);
	dp_arena_free(setup->arena);
}

struct dp_role *
dp_setup_add_role(struct dp_setup *setup)
{
	struct dp_role *role;

	if (dp_grow(&setup->roles, setup->n_roles, &setup->cap_roles,
		    sizeof(*setup->roles)) < 0)
		return NULL;
	role = dp_arena_alloc(setup->arena, sizeof(*role));
	if (role)
		setup->roles[setup->n_roles++] = role;
	return role;
}

struct dp_task *
dp_setup_add_task(struct dp_setup *setup)
{
	struct dp_task *task;

	if (dp_grow(&setup->tasks, setup->n_tasks, &setup->cap_tasks,
		    sizeof(*setup->tasks)) < 0)
		return NULL;
	task = dp_arena_alloc(setup->arena, sizeof(*task));
	if (!task)
		return NULL;
	task->source.which = "source";
	task->destination.which = "destination";
	setup->tasks[setup->n_tasks++] = task;
	return task;
}

struct dp_attachment_list *
dp_setup_add_orphan(struct dp_setup *setup)
{
	struct dp_attachment_list *list;

	if (dp_grow(&setup->orphans, setup->n_orphans, &setup->cap_orphans,
		    sizeof(*setup->orphans)) < 0)
		return NULL;
	list = dp_arena_alloc(setup->arena, sizeof(*list));
	if (list)
		setup->orphans[setup->n_orphans++] = list;
	return list;
}

/* ---- pointers relative to array elements ---------------------------- */

int
dp_setup_item_array(struct dp_setup *setup, const struct dp_source *source,
		    const char *pointer, const char **ret_base)
{
	struct dp_item_array *a;
	const char *base;

	if (!pointer)
		return -ENOMEM; /* a failed join */
	if (dp_grow(&setup->item_arrays, setup->n_item_arrays,
		    &setup->cap_item_arrays, sizeof(*setup->item_arrays)) < 0)
		return -ENOMEM;
	base = dp_arena_printf(setup->arena, "%c%zu", DP_POINTER_ITEM,
			       setup->n_item_arrays);
	if (!base)
		return -ENOMEM;
	a = &setup->item_arrays[setup->n_item_arrays++];
	*a = (struct dp_item_array){.source = source, .pointer = pointer};
	*ret_base = base;
	return 0;
}

/* The array a relative pointer names, and where its own text starts. */
static struct dp_item_array *
item_array_of(const struct dp_setup *setup, const char *pointer,
	      const char **ret_rest)
{
	char *end;
	unsigned long id;

	if (!pointer || pointer[0] != DP_POINTER_ITEM)
		return NULL;
	id = strtoul(pointer + 1, &end, 10);
	if (end == pointer + 1 || id >= setup->n_item_arrays)
		return NULL;
	*ret_rest = end;
	return &setup->item_arrays[id];
}

int
dp_setup_item_start(struct dp_setup *setup, const char *base, size_t index,
		    uint32_t offset)
{
	const char *rest;
	struct dp_item_array *a = item_array_of(setup, base, &rest);

	if (!a)
		return -EINVAL;
	if (dp_grow(&a->starts, a->n, &a->cap, sizeof(*a->starts)) < 0)
		return -ENOMEM;
	a->starts[a->n++] = (struct dp_item_start){offset, (uint32_t)index};
	setup->item_index = index;
	return 0;
}

/* The full pointer for rest inside element index of array a. */
static const char *
item_pointer(struct dp_setup *setup, const struct dp_item_array *a,
	     size_t index, const char *rest)
{
	return dp_arena_printf(setup->arena, "%s/%zu%s", a->pointer, index,
			       rest);
}

/* The array of where's relative pointer and the index of the element
 * that holds its span (the last that starts at or before it); NULL
 * when the pointer is not relative. */
static const struct dp_item_array *
element_of(const struct dp_setup *setup, const struct dp_origin *where,
	   size_t *ret_index, const char **ret_rest)
{
	const struct dp_item_array *a = item_array_of(setup, where->pointer,
						      ret_rest);
	size_t lo = 0, hi;

	if (!a || a->source != where->source || a->n == 0)
		return NULL;
	hi = a->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->starts[mid].offset <= where->span.start)
			lo = mid;
		else
			hi = mid;
	}
	*ret_index = a->starts[lo].index;
	return a;
}

int
dp_setup_resolve_pointer(struct dp_setup *setup, struct dp_origin *where)
{
	const char *rest;
	size_t index;
	const struct dp_item_array *a = element_of(setup, where, &index,
						   &rest);

	if (!a)
		return 0;
	where->pointer = item_pointer(setup, a, index, rest);
	return where->pointer ? 0 : -ENOMEM;
}

const char *
dp_setup_pointer_text(const struct dp_setup *setup,
		      const struct dp_origin *where, char *buf, size_t size)
{
	const char *rest;
	size_t index;
	const struct dp_item_array *a = element_of(setup, where, &index,
						   &rest);

	if (!a)
		return where->pointer ? where->pointer : "";
	(void) snprintf(buf, size, "%s/%zu%s", a->pointer, index, rest);
	return buf;
}

int
dp_setup_add_note(struct dp_setup *setup, const struct dp_origin *origin,
		  const char *text)
{
	struct dp_note *note;

	if (dp_grow(&setup->notes, setup->n_notes, &setup->cap_notes,
		    sizeof(*setup->notes)) < 0)
		return -ENOMEM;
	note = &setup->notes[setup->n_notes];
	note->origin = *origin;
	note->text = dp_arena_strndup(setup->arena, text, strlen(text));
	if (!note->text)
		return -ENOMEM;
	setup->n_notes++;
	return 0;
}

/* ---- values ---------------------------------------------------------- */

/* model.h's promise: tens of values per file, 48 bytes each. */
_Static_assert(sizeof(struct dp_value) <= 48, "struct dp_value grew");

/* Fills value's location from the string node it was read from; a value
 * that cannot be located keeps only its whole span. */
static void
locate(struct dp_setup *setup, const struct dp_doc *doc,
       const struct dp_json *node, struct dp_value *value)
{
	uint32_t start;

	if (dp_json_string_locate(doc, node, setup->arena, &start,
				  &value->char_map) < 0)
		return;
	if (!value->char_map) {
		if (start < value->origin.span.start ||
		    start - value->origin.span.start > UINT8_MAX)
			return;
		value->text_skip = (uint8_t)(start - value->origin.span.start);
	}
	value->located = true;
}

int
dp_value_from_json(struct dp_setup *setup, const struct dp_doc *doc,
		   const struct dp_json *node, const char *pointer,
		   struct dp_value *ret_value)
{
	struct dp_value value = {0};

	if (!pointer)
		return -ENOMEM; /* a failed dp_json_pointer_join() */
	value.origin.source = (struct dp_source *)doc->source;
	value.origin.pointer = pointer;
	if (!node || node->kind == DP_JSON_NULL) {
		const char *rest;
		const struct dp_item_array *a = item_array_of(setup, pointer,
							      &rest);

		value.state = DP_VALUE_ABSENT;
		if (a) /* no span to find the element by */
			value.origin.pointer = item_pointer(
				setup, a, setup->item_index, rest);
		*ret_value = value;
		return value.origin.pointer ? 0 : -ENOMEM;
	}
	value.origin.span = node->span;
	switch (node->kind) {
	case DP_JSON_STRING:
	case DP_JSON_NUMBER:
		value.state = DP_VALUE_PRESENT;
		/* A copy: the document is freed once it is adapted. */
		value.str = dp_arena_intern(setup->arena, node->u.str, node->n);
		value.len = node->n;
		if (!value.str)
			return -ENOMEM;
		if (node->kind == DP_JSON_STRING)
			locate(setup, doc, node, &value);
		break;
	case DP_JSON_TRUE:
	case DP_JSON_FALSE:
		value.state = DP_VALUE_PRESENT;
		value.str = node->kind == DP_JSON_TRUE ? "true" : "false";
		value.len = (uint32_t)strlen(value.str);
		break;
	default:
		/* An object or array where a scalar belongs: keep it as
		 * present-but-unreadable so that "missing" rules stay quiet
		 * and pattern rules see no text. */
		value.state = DP_VALUE_UNKNOWN;
		value.unknown_why = "not a single value";
		break;
	}
	*ret_value = value;
	return 0;
}

int
dp_value_substr(struct dp_setup *setup, const struct dp_value *whole,
		size_t off, size_t len, struct dp_value *ret_value)
{
	struct dp_value value = *whole;
	const char *text;

	if (whole->state != DP_VALUE_PRESENT || off + len > whole->len)
		return -EINVAL;
	text = dp_arena_intern(setup->arena, whole->str + off, len);
	if (!text)
		return -ENOMEM;
	value.str = text;
	value.len = (uint32_t)len;
	if (dp_value_part_span(whole, off, len, &value.origin.span)) {
		value.text_skip = 0;
		if (whole->char_map)
			value.char_map = whole->char_map + off;
	} else {
		value.located = false;
		value.char_map = NULL;
	}
	*ret_value = value;
	return 0;
}

bool
dp_value_part_span(const struct dp_value *value, size_t off, size_t len,
		   struct dp_span *ret_span)
{
	const uint32_t *map = value->char_map;
	size_t next;

	if (!value->located || value->state != DP_VALUE_PRESENT ||
	    off > value->len || len > value->len - off)
		return false;
	if (!map) {
		ret_span->start = value->origin.span.start + value->text_skip +
				  (uint32_t)off;
		ret_span->end = ret_span->start + (uint32_t)len;
		return true;
	}
	ret_span->start = map[off];
	if (len == 0) {
		ret_span->end = ret_span->start;
		return true;
	}
	/* The span ends where the character after the last byte starts
	 * (an escape may stand for several bytes). */
	next = off + len;
	while (next < value->len && map[next] == map[off + len - 1])
		next++;
	ret_span->end = map[next];
	return true;
}

void
dp_value_absent(struct dp_value *value, const struct dp_origin *where)
{
	memset(value, 0, sizeof(*value));
	value->state = DP_VALUE_ABSENT;
	if (where)
		value->origin = *where;
}

bool
dp_value_given(const struct dp_value *value)
{
	return value->state == DP_VALUE_PRESENT && value->len > 0;
}

bool
dp_value_ieq(const struct dp_value *value, const char *s)
{
	return value->state == DP_VALUE_PRESENT &&
	       dp_ascii_ieq(value->str, value->len, s, strlen(s));
}

/* ---- trust policies ------------------------------------------------- */

struct trust_builder {
	struct dp_setup *setup;
	const struct dp_doc *doc;
	struct dp_value *strings;
	size_t n_strings, cap_strings;
};

/* Collects every string of the policy, for placeholder searches. */
static int
collect_strings(struct trust_builder *b, const struct dp_json *node,
		const char *pointer, unsigned depth)
{
	struct dp_arena *arena = b->setup->arena;
	const char *child;
	int r;

	if (depth > 64)
		return 0;
	if (node->kind == DP_JSON_STRING) {
		if (dp_grow(&b->strings, b->n_strings, &b->cap_strings,
			    sizeof(*b->strings)) < 0)
			return -ENOMEM;
		r = dp_value_from_json(b->setup, b->doc, node, pointer,
				       &b->strings[b->n_strings]);
		if (r < 0)
			return r;
		b->n_strings++;
		return 0;
	}
	for (uint32_t i = 0; i < node->n; i++) {
		if (node->kind == DP_JSON_OBJECT) {
			child = dp_json_pointer_join(arena, pointer,
						     node->u.members[i].key);
			if (!child)
				return -ENOMEM;
			r = collect_strings(b, node->u.members[i].value, child,
					    depth + 1);
		} else if (node->kind == DP_JSON_ARRAY) {
			child = dp_json_pointer_index(arena, pointer, i);
			if (!child)
				return -ENOMEM;
			r = collect_strings(b, node->u.items[i], child,
					    depth + 1);
		} else {
			break;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* Splits "acs:ram::<UID>:rest" and "<UID>@host" into their parts. */
static int
split_principal(struct dp_setup *setup, const struct dp_doc *doc,
		struct dp_principal *p, bool is_ram)
{
	const struct dp_value *v = &p->value;
	static const char arn_prefix[] = "acs:ram::";
	size_t plen = sizeof(arn_prefix) - 1;
	const char *sep;
	int r;

	if (v->state != DP_VALUE_PRESENT)
		return 0;
	if (is_ram) {
		if (v->len <= plen ||
		    !dp_ascii_ieq(v->str, plen, arn_prefix, plen))
			return 0;
		sep = memchr(v->str + plen, ':', v->len - plen);
		if (!sep)
			return 0;
		r = dp_value_substr(setup, v, plen,
				    (size_t)(sep - v->str) - plen, &p->uid);
		if (r < 0)
			return r;
		return dp_value_substr(setup, v,
				       (size_t)(sep - v->str) + 1,
				       v->len - (size_t)(sep - v->str) - 1,
				       &p->rest);
	}
	sep = memchr(v->str, '@', v->len);
	if (!sep)
		return dp_value_substr(setup, v, 0, v->len,
				       &p->rest);
	r = dp_value_substr(setup, v, 0,
			    (size_t)(sep - v->str), &p->uid);
	if (r < 0)
		return r;
	return dp_value_substr(setup, v, (size_t)(sep - v->str) + 1,
			       v->len - (size_t)(sep - v->str) - 1, &p->rest);
}

/* Reads one element that may be a string or an array of strings. */
static int
read_multi(struct dp_setup *setup, const struct dp_doc *doc,
	   const struct dp_json *node, const char *pointer,
	   struct dp_value **ret_values, size_t *ret_n)
{
	struct dp_value *values;
	size_t n = 1;
	int r;

	*ret_values = NULL;
	*ret_n = 0;
	if (!node || node->kind == DP_JSON_NULL)
		return 0;
	if (node->kind == DP_JSON_ARRAY)
		n = node->n;
	if (n == 0)
		return 0;
	values = dp_arena_alloc(setup->arena, n * sizeof(*values));
	if (!values)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct dp_json *item = node;
		const char *item_ptr = pointer;

		if (node->kind == DP_JSON_ARRAY) {
			item = node->u.items[i];
			item_ptr = dp_json_pointer_index(setup->arena, pointer, i);
			if (!item_ptr)
				return -ENOMEM;
		}
		r = dp_value_from_json(setup, doc, item, item_ptr, &values[i]);
		if (r < 0)
			return r;
	}
	*ret_values = values;
	*ret_n = n;
	return 0;
}

static int
read_principals(struct dp_setup *setup, const struct dp_doc *doc,
		const struct dp_json *principal, const char *pointer,
		const char *key, bool is_ram, struct dp_principal **ret,
		size_t *ret_n)
{
	const struct dp_json_member *m = NULL;
	struct dp_value *values;
	struct dp_principal *ps;
	const char *ptr;
	size_t n;
	int r;

	*ret = NULL;
	*ret_n = 0;
	/* Principal keys are compared case-insensitively: RAM accepts
	 * "Service" and users write "service". */
	for (uint32_t i = 0; principal && principal->kind == DP_JSON_OBJECT &&
			     i < principal->n; i++) {
		const struct dp_json_member *cand = &principal->u.members[i];

		if (dp_ascii_ieq(cand->key, cand->key_len, key, strlen(key))) {
			m = cand;
			break;
		}
	}
	if (!m)
		return 0;
	ptr = dp_json_pointer_join(setup->arena, pointer, m->key);
	if (!ptr)
		return -ENOMEM;
	r = read_multi(setup, doc, m->value, ptr, &values, &n);
	if (r < 0 || n == 0)
		return r;
	ps = dp_arena_alloc(setup->arena, n * sizeof(*ps));
	if (!ps)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		ps[i].value = values[i];
		r = split_principal(setup, doc, &ps[i], is_ram);
		if (r < 0)
			return r;
	}
	*ret = ps;
	*ret_n = n;
	return 0;
}

static int
read_statement(struct dp_setup *setup, const struct dp_doc *doc,
	       const struct dp_json *node, const char *pointer,
	       struct dp_statement *st)
{
	struct dp_arena *arena = setup->arena;
	const struct dp_json *principal = dp_json_iget(node, "Principal");
	const char *pptr;
	int r;

	st->origin.source = (struct dp_source *)doc->source;
	st->origin.span = node->span;
	st->origin.pointer = pointer;
	r = dp_value_from_json(setup, doc, dp_json_iget(node, "Effect"),
			       dp_json_pointer_join(arena, pointer, "Effect"),
			       &st->effect);
	if (r < 0)
		return r;
	r = read_multi(setup, doc, dp_json_iget(node, "Action"),
		       dp_json_pointer_join(arena, pointer, "Action"),
		       &st->actions, &st->n_actions);
	if (r < 0 || !principal)
		return r;
	pptr = dp_json_pointer_join(arena, pointer, "Principal");
	if (!pptr)
		return -ENOMEM;
	r = read_principals(setup, doc, principal, pptr, "RAM", true,
			    &st->ram, &st->n_ram);
	if (r == 0)
		r = read_principals(setup, doc, principal, pptr, "Service",
				    false, &st->service, &st->n_service);
	if (r == 0)
		r = read_principals(setup, doc, principal, pptr, "Federated",
				    true, &st->federated, &st->n_federated);
	return r;
}

int
dp_trust_from_json(struct dp_setup *setup, const struct dp_doc *doc,
		   const struct dp_json *policy, const char *pointer,
		   struct dp_trust_policy **ret_trust)
{
	struct trust_builder b = {.setup = setup, .doc = doc};
	const struct dp_json *statements;
	struct dp_trust_policy *trust;
	int r;

	if (!pointer)
		return -ENOMEM; /* a failed dp_json_pointer_join() */
	trust = dp_arena_alloc(setup->arena, sizeof(*trust));
	if (!trust)
		return -ENOMEM;
	trust->origin.source = (struct dp_source *)doc->source;
	trust->origin.span = policy->span;
	trust->origin.pointer = dp_arena_strndup(setup->arena, pointer,
						 strlen(pointer));
	if (!trust->origin.pointer)
		return -ENOMEM;
	trust->document.state = DP_VALUE_PRESENT;
	trust->document.str = "";
	trust->document.origin = trust->origin;
	r = dp_value_from_json(setup, doc, dp_json_iget(policy, "Version"),
			       dp_json_pointer_join(setup->arena, pointer,
						    "Version"),
			       &trust->version);
	if (r < 0)
		return r;
	if (trust->version.state == DP_VALUE_ABSENT)
		trust->version.origin.span = policy->span;
	statements = dp_json_iget(policy, "Statement");
	if (statements && statements->kind == DP_JSON_OBJECT) {
		/* A single statement written without the array. */
		trust->statements = dp_arena_alloc(setup->arena,
						   sizeof(*trust->statements));
		if (!trust->statements)
			return -ENOMEM;
		trust->n_statements = 1;
		r = read_statement(setup, doc, statements,
				   dp_json_pointer_join(setup->arena, pointer,
							"Statement"),
				   trust->statements);
		if (r < 0)
			return r;
	} else if (statements && statements->kind == DP_JSON_ARRAY &&
		   statements->n > 0) {
		const char *sptr = dp_json_pointer_join(setup->arena, pointer,
							"Statement");

		trust->statements = dp_arena_alloc(
			setup->arena, statements->n * sizeof(*trust->statements));
		if (!trust->statements || !sptr)
			return -ENOMEM;
		for (uint32_t i = 0; i < statements->n; i++) {
			const struct dp_json *st = statements->u.items[i];

			if (st->kind != DP_JSON_OBJECT)
				continue;
			r = read_statement(setup, doc, st,
					   dp_json_pointer_index(setup->arena,
								 sptr, i),
					   &trust->statements[trust->n_statements++]);
			if (r < 0)
				return r;
		}
	}
	r = collect_strings(&b, policy, pointer, 0);
	if (r < 0) {
		free(b.strings);
		return r;
	}
	if (b.n_strings) {
		trust->strings = dp_arena_alloc(setup->arena,
						b.n_strings * sizeof(*b.strings));
		if (!trust->strings) {
			free(b.strings);
			return -ENOMEM;
		}
		memcpy(trust->strings, b.strings, b.n_strings * sizeof(*b.strings));
		trust->n_strings = b.n_strings;
	}
	free(b.strings);
	*ret_trust = trust;
	return 0;
}

/* ---- classification ------------------------------------------------- */

/* The role name a task endpoint means: the name itself, or the part after
 * "role/" when an ARN was typed there (rules.md: "by the name inside an
 * ARN wrongly typed there").  false when the endpoint names none. */
static bool
endpoint_role(const struct dp_endpoint *ep, struct name_ref *ret)
{
	const char *s = ep->role_name.str, *slash = NULL;
	size_t len = ep->role_name.len;

	if (!dp_value_given(&ep->role_name))
		return false;
	for (size_t i = 0; i + 5 <= len; i++)
		if (memcmp(s + i, "role/", 5) == 0)
			slash = s + i + 5;
	if (slash) {
		len -= (size_t)(slash - s);
		s = slash;
	}
	ret->str = s;
	ret->len = len;
	return true;
}

static int
cmp_names(const void *pa, const void *pb)
{
	const struct name_ref *a = pa, *b = pb;

	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return memcmp(a->str, b->str, a->len);
}

/* Every role name the tasks name, sorted, so that each role looks itself
 * up instead of asking every task (roles x tasks made a 10,000-role
 * Terraform plan take seconds).  NULL when there is no memory: the
 * caller then asks every task, which needs none. */
static struct name_ref *
task_role_names(const struct dp_setup *setup, size_t *ret_n)
{
	struct name_ref *names;
	size_t n = 0;

	*ret_n = 0;
	if (setup->n_tasks == 0 ||
	    setup->n_tasks > SIZE_MAX / 2 / sizeof(*names))
		return NULL;
	names = malloc(2 * setup->n_tasks * sizeof(*names));
	if (!names)
		return NULL;
	for (size_t t = 0; t < setup->n_tasks; t++) {
		const struct dp_task *task = setup->tasks[t];

		n += endpoint_role(&task->source, &names[n]);
		n += endpoint_role(&task->destination, &names[n]);
	}
	qsort(names, n, sizeof(*names), cmp_names);
	*ret_n = n;
	return names;
}

static bool
named_by_task(const struct dp_setup *setup, const struct name_ref *sorted,
	      size_t n_sorted, const struct dp_role *role)
{
	struct name_ref want = {role->name.str, role->name.len}, got;

	if (!dp_value_given(&role->name))
		return false;
	if (sorted)
		return bsearch(&want, sorted, n_sorted, sizeof(*sorted),
			       cmp_names) != NULL;
	for (size_t t = 0; t < setup->n_tasks; t++) {
		const struct dp_task *task = setup->tasks[t];

		if ((endpoint_role(&task->source, &got) &&
		     cmp_names(&got, &want) == 0) ||
		    (endpoint_role(&task->destination, &got) &&
		     cmp_names(&got, &want) == 0))
			return true;
	}
	return false;
}

static bool
trust_names_dts(const struct dp_trust_policy *trust)
{
	for (size_t i = 0; trust && i < trust->n_statements; i++) {
		const struct dp_statement *st = &trust->statements[i];

		for (size_t j = 0; j < st->n_service; j++)
			if (dp_value_ieq(&st->service[j].rest, DTS_SERVICE_HOST))
				return true;
	}
	return false;
}

/* A bare trust policy (no role name or ARN: a document saved from the
 * console editor) that trusts accounts and no service is taken for a DTS
 * role, so that formats.md's "DP3xx rules run" holds: it is what the
 * console saves for a role trusting another account before the DTS
 * principal is added.  One that trusts some other service (an ECS role)
 * or no principal at all (a permission policy) is not. */
static bool
bare_trust_for_dts(const struct dp_role *role)
{
	bool trusts_account = false;

	if (!role->trust || role->name.state != DP_VALUE_ABSENT ||
	    role->arn.state != DP_VALUE_ABSENT)
		return false;
	for (size_t i = 0; i < role->trust->n_statements; i++) {
		const struct dp_statement *st = &role->trust->statements[i];

		if (st->n_service || st->n_federated)
			return false;
		trusts_account |= st->n_ram > 0;
	}
	return trusts_account;
}

static bool
attaches_dts_policy(const struct dp_role *role)
{
	for (size_t i = 0; i < role->n_attachments; i++)
		if (dp_value_ieq(&role->attachments[i].name, DTS_ROLE_POLICY))
			return true;
	return false;
}

static int
cmp_values(const struct dp_value *a, const struct dp_value *b)
{
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return memcmp(a->str, b->str, a->len);
}

/* Ties keep setup order: the arrays hold pointers into setup->roles'
 * order, compared through their position, kept in ->place below. */
struct placed_role {
	struct dp_role *role;
	size_t place;
};

static int
cmp_by_owner(const void *pa, const void *pb)
{
	const struct placed_role *a = pa, *b = pb;
	int c = cmp_values(&a->role->owner_uid, &b->role->owner_uid);

	return c ? c : (a->place > b->place) - (a->place < b->place);
}

static int
cmp_by_name(const void *pa, const void *pb)
{
	const struct placed_role *a = pa, *b = pb;
	int c = cmp_values(&a->role->name, &b->role->name);

	return c ? c : (a->place > b->place) - (a->place < b->place);
}

/* Builds setup->roles_by_owner and ->roles_by_name; leaves them NULL
 * when there is no memory (lookups then walk every role). */
static void
index_roles(struct dp_setup *setup)
{
	struct placed_role *tmp;
	size_t n = 0;

	free(setup->roles_by_owner);
	free(setup->roles_by_name);
	setup->roles_by_owner = setup->roles_by_name = NULL;
	setup->n_roles_indexed = 0;
	tmp = malloc((setup->n_roles ? setup->n_roles : 1) * sizeof(*tmp));
	setup->roles_by_owner = malloc((setup->n_roles ? setup->n_roles : 1) *
				       sizeof(*setup->roles_by_owner));
	setup->roles_by_name = malloc((setup->n_roles ? setup->n_roles : 1) *
				      sizeof(*setup->roles_by_name));
	if (!tmp || !setup->roles_by_owner || !setup->roles_by_name) {
		free(tmp);
		free(setup->roles_by_owner);
		free(setup->roles_by_name);
		setup->roles_by_owner = setup->roles_by_name = NULL;
		return;
	}
	for (size_t i = 0; i < setup->n_roles; i++)
		if (dp_value_given(&setup->roles[i]->name) &&
		    dp_value_given(&setup->roles[i]->owner_uid))
			tmp[n++] = (struct placed_role){setup->roles[i], i};
	qsort(tmp, n, sizeof(*tmp), cmp_by_owner);
	for (size_t i = 0; i < n; i++)
		setup->roles_by_owner[i] = tmp[i].role;
	qsort(tmp, n, sizeof(*tmp), cmp_by_name);
	for (size_t i = 0; i < n; i++)
		setup->roles_by_name[i] = tmp[i].role;
	free(tmp);
	setup->n_roles_indexed = n;
	setup->indexed_of = setup->n_roles;
}

/*
 * The range [bounds[0], bounds[1]) of a sorted index whose entries
 * compare equal to a key: cmp(key, i) is the entry i's order against it
 * (<0: before).  Both indexes of the setup are searched this way.
 */
static void
equal_range(size_t n, int (*cmp)(const void *key, size_t i), const void *key,
	    size_t bounds[2])
{
	for (int upper = 0; upper < 2; upper++) {
		size_t lo = 0, hi = n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = cmp(key, mid);

			if (c < 0 || (upper && c == 0))
				lo = mid + 1;
			else
				hi = mid;
		}
		bounds[upper] = lo;
	}
}

struct role_key {
	struct dp_role *const *sorted;
	bool by_owner;
	const struct dp_value *value;
};

static int
cmp_role_at(const void *key, size_t i)
{
	const struct role_key *k = key;
	const struct dp_role *role = k->sorted[i];

	return cmp_values(k->by_owner ? &role->owner_uid : &role->name,
			  k->value);
}

struct endpoint_key {
	struct dp_endpoint *const *sorted;
	const struct name_ref *want;
};

static int
cmp_endpoint_at(const void *key, size_t i)
{
	const struct endpoint_key *k = key;
	struct name_ref got;

	(void)endpoint_role(k->sorted[i], &got);
	return cmp_names(&got, k->want);
}

bool
dp_setup_roles_with(const struct dp_setup *setup, bool by_owner,
		    const struct dp_value *value,
		    struct dp_role *const **ret_roles, size_t *ret_n)
{
	struct dp_role *const *sorted = by_owner ? setup->roles_by_owner
						 : setup->roles_by_name;
	size_t bounds[2];

	if (!sorted || setup->indexed_of != setup->n_roles)
		return false;
	if (!dp_value_given(value)) {
		*ret_roles = sorted;
		*ret_n = 0;
		return true;
	}
	equal_range(setup->n_roles_indexed, cmp_role_at,
		    &(struct role_key){sorted, by_owner, value}, bounds);
	*ret_roles = sorted + bounds[0];
	*ret_n = bounds[1] - bounds[0];
	return true;
}

/* An endpoint with the name it means and its place in task order. */
struct placed_endpoint {
	struct dp_endpoint *ep;
	struct name_ref name;
	size_t place;
};

static int
cmp_placed_endpoints(const void *pa, const void *pb)
{
	const struct placed_endpoint *a = pa, *b = pb;
	int c = cmp_names(&a->name, &b->name);

	return c ? c : (a->place > b->place) - (a->place < b->place);
}

/* Builds setup->endpoints_by_role; leaves it NULL without memory. */
static void
index_endpoints(struct dp_setup *setup)
{
	size_t cap = 2 * setup->n_tasks + 1, n = 0;
	struct placed_endpoint *tmp;

	free(setup->endpoints_by_role);
	setup->endpoints_by_role = NULL;
	setup->n_endpoints_indexed = 0;
	if (setup->n_tasks > SIZE_MAX / 2 / sizeof(*tmp))
		return;
	tmp = malloc(cap * sizeof(*tmp));
	setup->endpoints_by_role =
		malloc(cap * sizeof(*setup->endpoints_by_role));
	if (!tmp || !setup->endpoints_by_role) {
		free(tmp);
		free(setup->endpoints_by_role);
		setup->endpoints_by_role = NULL;
		return;
	}
	for (size_t t = 0; t < setup->n_tasks; t++) {
		struct dp_endpoint *eps[] = {&setup->tasks[t]->source,
					     &setup->tasks[t]->destination};

		for (size_t e = 0; e < 2; e++)
			if (endpoint_role(eps[e], &tmp[n].name)) {
				tmp[n].ep = eps[e];
				tmp[n].place = 2 * t + e;
				n++;
			}
	}
	qsort(tmp, n, sizeof(*tmp), cmp_placed_endpoints);
	for (size_t i = 0; i < n; i++)
		setup->endpoints_by_role[i] = tmp[i].ep;
	free(tmp);
	setup->n_endpoints_indexed = n;
	setup->endpoints_indexed_of = setup->n_tasks;
}

bool
dp_setup_endpoints_naming(const struct dp_setup *setup,
			  const struct dp_value *name,
			  struct dp_endpoint *const **ret_eps, size_t *ret_n)
{
	struct dp_endpoint *const *sorted = setup->endpoints_by_role;
	struct name_ref want = {name->str, name->len};
	size_t bounds[2];

	if (!sorted || setup->endpoints_indexed_of != setup->n_tasks)
		return false;
	if (!dp_value_given(name)) {
		*ret_eps = sorted;
		*ret_n = 0;
		return true;
	}
	equal_range(setup->n_endpoints_indexed, cmp_endpoint_at,
		    &(struct endpoint_key){sorted, &want}, bounds);
	*ret_eps = sorted + bounds[0];
	*ret_n = bounds[1] - bounds[0];
	return true;
}

void
dp_setup_classify(struct dp_setup *setup)
{
	struct name_ref *names;
	size_t n_names;

	for (size_t t = 0; t < setup->n_tasks; t++) {
		struct dp_task *task = setup->tasks[t];
		struct dp_endpoint *eps[] = {&task->source, &task->destination};

		for (size_t e = 0; e < 2; e++)
			eps[e]->cross_account = dp_value_given(&eps[e]->owner_uid) ||
						dp_value_given(&eps[e]->role_name);
	}
	index_roles(setup);
	index_endpoints(setup);
	names = task_role_names(setup, &n_names);
	for (size_t r = 0; r < setup->n_roles; r++) {
		struct dp_role *role = setup->roles[r];

		role->named_by_task =
			named_by_task(setup, names, n_names, role);
		if (dp_value_ieq(&role->name, DEFAULT_ROLE_NAME))
			role->kind = DP_ROLE_DEFAULT;
		else if (role->named_by_task || trust_names_dts(role->trust) ||
			 attaches_dts_policy(role) || bare_trust_for_dts(role))
			role->kind = DP_ROLE_CROSS_ACCOUNT;
		else
			role->kind = DP_ROLE_OTHER;
	}
	free(names);
}

struct dp_role *
dp_setup_find_role(const struct dp_setup *setup, const char *name,
		   const char *owner_uid)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < setup->n_roles; i++) {
		struct dp_role *role = setup->roles[i];

		if (role->name.state != DP_VALUE_PRESENT ||
		    role->name.len != len || memcmp(role->name.str, name, len))
			continue;
		if (owner_uid && !(role->owner_uid.state == DP_VALUE_PRESENT &&
				   strcmp(role->owner_uid.str, owner_uid) == 0))
			continue;
		return role;
	}
	return NULL;
}
