/*
 * terraform.c - `terraform show -json` output, plan or state, and raw
 * terraform.tfstate files: the alicloud RAM roles, role policy
 * attachments, DTS jobs and DTS instances of every module.  Values Terraform knows only after apply
 * (after_unknown) and values marked sensitive become "not checkable"
 * with a note, never "missing"; sensitive values are masked in the
 * source so no snippet shows them.  Links inside the plan (attachment to
 * role, job to instance) are made here, by value or by the references
 * the configuration records; links across documents are associate.c's.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters.h"
#include "associate.h"
#include "util.h"

#define MAX_MODULE_DEPTH 64

enum tf_kind {
	TF_ROLE,
	TF_ATTACHMENT,
	TF_SYNC_JOB,
	TF_MIGRATION_JOB,
	TF_INSTANCE,
};

static const struct {
	const char *type;
	enum tf_kind kind;
} tf_types[] = {
	{"alicloud_ram_role", TF_ROLE},
	{"alicloud_ram_role_policy_attachment", TF_ATTACHMENT},
	{"alicloud_dts_synchronization_job", TF_SYNC_JOB},
	{"alicloud_dts_migration_job", TF_MIGRATION_JOB},
	{"alicloud_dts_synchronization_instance", TF_INSTANCE},
	{"alicloud_dts_migration_instance", TF_INSTANCE},
};

/* A slot of the address set of struct tf. */
struct tf_addr {
	const char *address; /* NULL: empty */
	size_t hash;
};

/* One resource as the plan or state shows it. */
struct tf_res {
	enum tf_kind kind;
	const struct dp_json *node;      /* the resource object */
	const char *pointer;
	size_t index;                    /* in its array, for a pointer
					    relative to it (model.h) */
	const char *address;             /* "module.a.alicloud_ram_role.r" */
	const struct dp_json *values;    /* after / values (an object) */
	const char *values_ptr;
	const struct dp_json *unknown;   /* after_unknown, or NULL */
	const char *unknown_ptr;
	const struct dp_json *sensitive; /* after_sensitive / sensitive_values */
	struct dp_role *role;            /* TF_ROLE, once loaded */
	struct dp_task *task;            /* jobs and instances, once loaded */
	struct dp_attachment_list *list; /* TF_ATTACHMENT, once loaded */
	struct dp_buf unknown_attrs;     /* for the note */
	struct dp_buf sensitive_attrs;
	struct dp_origin first_unknown;  /* where the note points */
};

struct tf {
	struct dp_adapt_ctx *ctx;
	const struct dp_json *root;
	const char *pointer;
	struct tf_res *res;
	size_t n_res, cap_res;
	/* Addresses of res, hashed: seen() must not compare each address
	 * of a 10,000-resource plan with every other. */
	struct tf_addr *addrs;
	size_t n_addrs, cap_addrs;
	/* Resources by module and local address, for referenced(). */
	struct tf_ref *refs;
	size_t n_refs, cap_refs;
	bool refs_indexed;
};

/* ---- detection -------------------------------------------------------- */

/* A raw state file (terraform.tfstate, "version": 4) rather than the
 * output of `terraform show -json`: resources[].instances[].attributes. */
static bool
is_raw_state(const struct dp_json *root)
{
	const struct dp_json *resources = dp_json_get(root, "resources");

	return dp_json_is(dp_json_get(root, "version"), DP_JSON_NUMBER) &&
	       dp_json_get(root, "terraform_version") && resources &&
	       resources->kind == DP_JSON_ARRAY;
}

static bool
detect(const struct dp_json *root)
{
	const struct dp_json *values;

	if (!root || root->kind != DP_JSON_OBJECT)
		return false;
	if (is_raw_state(root))
		return true;
	if (!dp_json_get(root, "format_version"))
		return false;
	values = dp_json_get(root, "values");
	return dp_json_get(root, "planned_values") ||
	       dp_json_get(root, "resource_changes") ||
	       dp_json_get(values, "root_module") ||
	       dp_json_get(root, "prior_state") ||
	       dp_json_get(root, "terraform_version");
}

/* ---- secrets -------------------------------------------------------- */

/* Marks every scalar below node as secret. */
static int
mask_all(struct dp_source *source, const struct dp_json *node, unsigned depth)
{
	int r;

	if (!node || depth > MAX_MODULE_DEPTH)
		return 0;
	switch (node->kind) {
	case DP_JSON_STRING:
	case DP_JSON_NUMBER:
		return dp_source_add_secret(source, node->span);
	case DP_JSON_ARRAY:
	case DP_JSON_OBJECT:
		for (uint32_t i = 0; i < node->n; i++) {
			r = mask_all(source, node->kind == DP_JSON_ARRAY
						     ? node->u.items[i]
						     : node->u.members[i].value,
				     depth + 1);
			if (r < 0)
				return r;
		}
		return 0;
	default:
		return 0;
	}
}

/* Masks the parts of value that the sensitivity mask (after_sensitive,
 * sensitive_values: true, or an object/array of the same shape) marks. */
static int
mask_sensitive(struct dp_source *source, const struct dp_json *value,
	       const struct dp_json *mask, unsigned depth)
{
	int r;

	if (!value || !mask || depth > MAX_MODULE_DEPTH)
		return 0;
	if (mask->kind == DP_JSON_TRUE)
		return mask_all(source, value, depth);
	if (mask->kind == DP_JSON_OBJECT && value->kind == DP_JSON_OBJECT) {
		for (uint32_t i = 0; i < mask->n; i++) {
			r = mask_sensitive(source,
					   dp_json_get(value, mask->u.members[i].key),
					   mask->u.members[i].value, depth + 1);
			if (r < 0)
				return r;
		}
	} else if (mask->kind == DP_JSON_ARRAY && value->kind == DP_JSON_ARRAY) {
		for (uint32_t i = 0; i < mask->n && i < value->n; i++) {
			r = mask_sensitive(source, value->u.items[i],
					   mask->u.items[i], depth + 1);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* Everything the document itself marks sensitive, wherever it is:
 * outputs ({"sensitive": true, "value": ...}) and resource values. */
static int
mask_marked(struct dp_source *source, const struct dp_json *node,
	    unsigned depth)
{
	int r;

	if (!node || depth > 256)
		return 0;
	if (node->kind == DP_JSON_OBJECT) {
		/* Outputs carry sensitive and value; resources of
		 * planned_values, prior_state and state carry values and
		 * sensitive_values; changes before/after(_sensitive).  Each
		 * object is walked once for all eight keys (the first of
		 * each, as dp_json_get() finds it), not once per key. */
		static const struct {
			const char *key;
			size_t len;
		} keys[] = {
			{"sensitive", 9}, {"value", 5},
			{"values", 6}, {"sensitive_values", 16},
			{"after", 5}, {"after_sensitive", 15},
			{"before", 6}, {"before_sensitive", 16},
		};
		const struct dp_json *found[DP_ARRAY_SIZE(keys)] = {0};

		for (uint32_t i = 0; i < node->n; i++) {
			const struct dp_json_member *m = &node->u.members[i];

			for (size_t k = 0; k < DP_ARRAY_SIZE(keys); k++)
				if (!found[k] && m->key_len == keys[k].len &&
				    memcmp(m->key, keys[k].key, keys[k].len) == 0) {
					found[k] = m->value;
					break;
				}
		}
		if (dp_json_is(found[0], DP_JSON_TRUE)) {
			r = mask_all(source, found[1], 0);
			if (r < 0)
				return r;
		}
		for (size_t k = 2; k < DP_ARRAY_SIZE(keys); k += 2) {
			r = mask_sensitive(source, found[k], found[k + 1], 0);
			if (r < 0)
				return r;
		}
	}
	if (node->kind != DP_JSON_OBJECT && node->kind != DP_JSON_ARRAY)
		return 0;
	for (uint32_t i = 0; i < node->n; i++) {
		r = mask_marked(source, node->kind == DP_JSON_ARRAY
						? node->u.items[i]
						: node->u.members[i].value,
				depth + 1);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
mask_sensitive_variables(struct dp_source *source, const struct dp_json *root)
{
	const struct dp_json *vars = dp_json_get(root, "variables");
	const struct dp_json *config = dp_json_path(root,
						    "configuration/root_module/variables");
	int r;

	for (uint32_t i = 0; vars && vars->kind == DP_JSON_OBJECT && i < vars->n;
	     i++) {
		const struct dp_json_member *m = &vars->u.members[i];

		if (!dp_json_is(dp_json_get(dp_json_get(config, m->key),
					    "sensitive"), DP_JSON_TRUE))
			continue;
		r = mask_all(source, dp_json_get(m->value, "value"), 0);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- collecting resources ------------------------------------------- */

static bool
kind_of(const struct dp_json *node, enum tf_kind *ret_kind)
{
	const struct dp_json *type = dp_json_get(node, "type");
	const struct dp_json *mode = dp_json_get(node, "mode");

	/* Data sources read what exists; they declare nothing. */
	if (mode && !(mode->kind == DP_JSON_STRING &&
		      strcmp(mode->u.str, "managed") == 0))
		return false;
	if (!type || type->kind != DP_JSON_STRING)
		return false;
	for (size_t i = 0; i < DP_ARRAY_SIZE(tf_types); i++)
		if (strcmp(type->u.str, tf_types[i].type) == 0) {
			*ret_kind = tf_types[i].kind;
			return true;
		}
	return false;
}

static size_t
hash_address(const char *s)
{
	uint64_t h = 14695981039346656037ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

/* The slot of address (whose hash_address() is hash) in the hash set,
 * or the empty slot it would go.  Hashes are compared first: each
 * string compare reads an address from far away in the document. */
static size_t
address_slot(const struct tf_addr *slots, size_t cap, const char *address,
	     size_t hash)
{
	size_t i = hash & (cap - 1);

	while (slots[i].address && (slots[i].hash != hash ||
				    strcmp(slots[i].address, address) != 0))
		i = (i + 1) & (cap - 1);
	return i;
}

static bool
seen(const struct tf *tf, const char *address)
{
	return address && tf->cap_addrs &&
	       tf->addrs[address_slot(tf->addrs, tf->cap_addrs, address,
				      hash_address(address))].address;
}

/* Doubles the address set.  0 or -ENOMEM. */
static int
grow_addresses(struct tf *tf)
{
	size_t cap = tf->cap_addrs ? tf->cap_addrs * 2 : 64;
	struct tf_addr *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < tf->cap_addrs; i++) {
		const struct tf_addr *a = &tf->addrs[i];

		if (a->address)
			slots[address_slot(slots, cap, a->address, a->hash)] = *a;
	}
	free(tf->addrs);
	tf->addrs = slots;
	tf->cap_addrs = cap;
	return 0;
}

static int
remember_address(struct tf *tf, const char *address)
{
	size_t hash, slot;

	if (!address)
		return 0;
	hash = hash_address(address);
	if (tf->cap_addrs &&
	    tf->addrs[address_slot(tf->addrs, tf->cap_addrs, address, hash)].address)
		return 0;
	if (2 * (tf->n_addrs + 1) > tf->cap_addrs && grow_addresses(tf) < 0)
		return -ENOMEM;
	slot = address_slot(tf->addrs, tf->cap_addrs, address, hash);
	tf->addrs[slot] = (struct tf_addr){address, hash};
	tf->n_addrs++;
	return 0;
}

static int
add_res(struct tf *tf, const struct tf_res *res)
{
	if (remember_address(tf, res->address) < 0)
		return -ENOMEM;
	if (dp_grow(&tf->res, tf->n_res, &tf->cap_res, sizeof(*tf->res)) < 0)
		return -ENOMEM;
	tf->res[tf->n_res++] = *res;
	return 0;
}

/*
 * Makes the places inside the elements of the array at pointer base
 * relative to their element (model.h): a plan of 100,000 roles keeps
 * "#1/change/after/role_name" once, not 100,000 times.  Not when the
 * document is itself an element of a streamed array, whose pointers are
 * relative already: *ret_item_base stays NULL.  0 or -ENOMEM.
 */
static int
relative_to(struct tf *tf, const char *base, const char **ret_item_base)
{
	if (tf->pointer[0] == DP_POINTER_ITEM)
		return 0;
	return dp_setup_item_array(tf->ctx->setup, tf->ctx->doc->source, base,
				   ret_item_base);
}

/* resource_changes[]: what the plan will make (change.after). */
static int
collect_changes(struct tf *tf)
{
	struct dp_setup *setup = tf->ctx->setup;
	const struct dp_json *changes = dp_json_get(tf->root, "resource_changes");
	const char *base, *item_base = NULL;

	if (!changes || changes->kind != DP_JSON_ARRAY)
		return 0;
	base = dp_json_pointer_join(setup->arena, tf->pointer,
				    "resource_changes");
	if (!base)
		return -ENOMEM;
	if (relative_to(tf, base, &item_base) < 0)
		return -ENOMEM;
	for (uint32_t i = 0; i < changes->n; i++) {
		const struct dp_json *node = changes->u.items[i];
		const struct dp_json *change = dp_json_get(node, "change");
		const struct dp_json *after = dp_json_get(change, "after");
		struct tf_res res = {.node = node};
		const char *change_ptr;

		/* A resource being destroyed (after null) or deposed is
		 * not part of the setup that will exist. */
		if (!kind_of(node, &res.kind) || !after ||
		    after->kind != DP_JSON_OBJECT ||
		    dp_json_get(node, "deposed"))
			continue;
		res.index = i;
		res.pointer = item_base ? item_base
					: dp_json_pointer_index(setup->arena,
								base, i);
		if (item_base && dp_setup_item_start(setup, item_base, i,
						     node->span.start) < 0)
			return -ENOMEM;
		change_ptr = dp_json_pointer_join(setup->arena, res.pointer,
						  "change");
		res.values_ptr = dp_json_pointer_join(setup->arena, change_ptr,
						      "after");
		res.unknown_ptr = dp_json_pointer_join(setup->arena, change_ptr,
						       "after_unknown");
		if (!res.pointer || !change_ptr || !res.values_ptr ||
		    !res.unknown_ptr)
			return -ENOMEM;
		res.address = dp_json_string(dp_json_get(node, "address"));
		res.values = after;
		res.unknown = dp_json_get(change, "after_unknown");
		res.sensitive = dp_json_get(change, "after_sensitive");
		if (add_res(tf, &res) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* planned_values / values: a module and its child modules. */
static int
collect_module(struct tf *tf, const struct dp_json *module, const char *ptr,
	       unsigned depth)
{
	struct dp_arena *arena = tf->ctx->setup->arena;
	const struct dp_json *resources = dp_json_get(module, "resources");
	const struct dp_json *children = dp_json_get(module, "child_modules");
	const char *base, *item_base = NULL;
	int r;

	if (!module || module->kind != DP_JSON_OBJECT || depth > MAX_MODULE_DEPTH)
		return 0;
	base = dp_json_pointer_join(arena, ptr, "resources");
	if (!base)
		return -ENOMEM;
	for (uint32_t i = 0; resources && resources->kind == DP_JSON_ARRAY &&
			     i < resources->n; i++) {
		const struct dp_json *node = resources->u.items[i];
		const struct dp_json *values = dp_json_get(node, "values");
		struct tf_res res = {.node = node};

		res.address = dp_json_string(dp_json_get(node, "address"));
		if (!kind_of(node, &res.kind) || !values ||
		    values->kind != DP_JSON_OBJECT || seen(tf, res.address))
			continue;
		if (!item_base &&
		    (r = relative_to(tf, base, &item_base)) < 0)
			return r;
		res.index = i;
		res.pointer = item_base ? item_base
					: dp_json_pointer_index(arena, base, i);
		if (item_base && dp_setup_item_start(tf->ctx->setup, item_base,
						     i, node->span.start) < 0)
			return -ENOMEM;
		res.values_ptr = dp_json_pointer_join(arena, res.pointer,
						      "values");
		if (!res.pointer || !res.values_ptr)
			return -ENOMEM;
		res.values = values;
		res.sensitive = dp_json_get(node, "sensitive_values");
		if (add_res(tf, &res) < 0)
			return -ENOMEM;
	}
	base = dp_json_pointer_join(arena, ptr, "child_modules");
	if (!base)
		return -ENOMEM;
	for (uint32_t i = 0; children && children->kind == DP_JSON_ARRAY &&
			     i < children->n; i++) {
		const char *child = dp_json_pointer_index(arena, base, i);

		if (!child)
			return -ENOMEM;
		r = collect_module(tf, children->u.items[i], child, depth + 1);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Masks the attributes a raw state lists in sensitive_attributes
 * ([[{"type": "get_attr", "value": "source_endpoint_password"}], ...]). */
static int
mask_raw_sensitive(struct tf *tf, const struct dp_json *instance)
{
	const struct dp_json *paths = dp_json_get(instance, "sensitive_attributes");
	const struct dp_json *attrs = dp_json_get(instance, "attributes");

	for (uint32_t i = 0; paths && paths->kind == DP_JSON_ARRAY && i < paths->n;
	     i++) {
		const struct dp_json *path = paths->u.items[i];
		const struct dp_json *step;
		int r;

		if (path->kind != DP_JSON_ARRAY || path->n == 0)
			continue;
		step = path->u.items[0];
		if (!dp_json_string(dp_json_get(step, "value")))
			continue;
		r = mask_all((struct dp_source *)tf->ctx->doc->source,
			     dp_json_get(attrs, dp_json_get(step, "value")->u.str), 0);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
collect_raw_state(struct tf *tf)
{
	struct dp_arena *arena = tf->ctx->setup->arena;
	const struct dp_json *resources = dp_json_get(tf->root, "resources");
	const char *base = dp_json_pointer_join(arena, tf->pointer, "resources");
	int r;

	if (!base)
		return -ENOMEM;
	for (uint32_t i = 0; i < resources->n; i++) {
		const struct dp_json *node = resources->u.items[i];
		const struct dp_json *instances = dp_json_get(node, "instances");
		const char *module = dp_json_string(dp_json_get(node, "module"));
		const char *type = dp_json_string(dp_json_get(node, "type"));
		const char *name = dp_json_string(dp_json_get(node, "name"));
		struct tf_res res = {0};
		const char *res_ptr;

		if (!kind_of(node, &res.kind) || !name || !instances ||
		    instances->kind != DP_JSON_ARRAY)
			continue;
		res_ptr = dp_json_pointer_index(arena, base, i);
		if (!res_ptr)
			return -ENOMEM;
		for (uint32_t k = 0; k < instances->n; k++) {
			const struct dp_json *inst = instances->u.items[k];
			const struct dp_json *index = dp_json_get(inst, "index_key");
			const struct dp_json *attrs = dp_json_get(inst, "attributes");

			if (!attrs || attrs->kind != DP_JSON_OBJECT ||
			    dp_json_get(inst, "deposed"))
				continue;
			if (index && index->kind != DP_JSON_STRING &&
			    index->kind != DP_JSON_NUMBER)
				index = NULL;
			res.node = inst;
			res.values = attrs;
			res.pointer = dp_arena_printf(arena, "%s/instances/%u",
						      res_ptr, k);
			res.values_ptr = res.pointer
						 ? dp_arena_printf(arena, "%s/attributes",
								   res.pointer)
						 : NULL;
			res.address = dp_arena_printf(
				arena, "%s%s%s.%s%s%s%s%s", module ? module : "",
				module ? "." : "", type, name, index ? "[" : "",
				dp_json_is(index, DP_JSON_STRING) ? "\"" : "",
				index ? index->u.str : "",
				!index ? "" : dp_json_is(index, DP_JSON_STRING)
						      ? "\"]" : "]");
			if (!res.values_ptr || !res.address)
				return -ENOMEM;
			r = mask_raw_sensitive(tf, inst);
			if (r < 0 || (r = add_res(tf, &res)) < 0)
				return r;
		}
	}
	return 0;
}

static int
collect(struct tf *tf)
{
	struct dp_arena *arena = tf->ctx->setup->arena;
	const char *ptr;
	int r;

	if (is_raw_state(tf->root))
		return collect_raw_state(tf);

	/* A plan: resource_changes has after_unknown, so it comes first;
	 * planned_values adds what it lacks (by address, never twice). */
	r = collect_changes(tf);
	if (r < 0)
		return r;
	ptr = dp_arena_printf(arena, "%s/planned_values/root_module",
			      tf->pointer);
	if (!ptr)
		return -ENOMEM;
	r = collect_module(tf, dp_json_path(tf->root, "planned_values/root_module"),
			   ptr, 0);
	if (r < 0 || tf->n_res || dp_json_get(tf->root, "planned_values"))
		return r;
	/* A state. */
	ptr = dp_arena_printf(arena, "%s/values/root_module", tf->pointer);
	if (!ptr)
		return -ENOMEM;
	return collect_module(tf, dp_json_path(tf->root, "values/root_module"),
			      ptr, 0);
}

/* ---- values ------------------------------------------------------------ */

#define WHY_AFTER_APPLY "known only after apply"
#define WHY_SENSITIVE "sensitive in the plan"

/* Lists an attribute that cannot be checked, for the resource's note. */
static int
note_attr(struct tf_res *res, const struct dp_value *v, const char *label)
{
	bool later = strcmp(v->unknown_why, WHY_AFTER_APPLY) == 0;
	struct dp_buf *list = later ? &res->unknown_attrs : &res->sensitive_attrs;

	if (!res->unknown_attrs.len && !res->sensitive_attrs.len)
		res->first_unknown = v->origin;
	return dp_buf_printf(list, "%s%s", list->len ? ", " : "", label) < 0
		       ? -ENOMEM : 0;
}

/* Is attribute attr of res marked sensitive (after_sensitive,
 * sensitive_values)?  attr_value() reads a value so marked as UNKNOWN. */
static bool
attr_sensitive(const struct tf_res *res, const char *attr)
{
	const struct dp_json_member *s = dp_json_member(res->sensitive, attr);

	return s && s->value->kind == DP_JSON_TRUE;
}

/*
 * Reads attribute attr of res: PRESENT/ABSENT as written, UNKNOWN when
 * Terraform knows it only after apply or it is marked sensitive (then it
 * is masked and never printed).  noted: whether the report should name
 * it when it cannot be checked.
 */
static int
attr_value(struct tf *tf, struct tf_res *res, const char *attr, bool noted,
	   struct dp_value *ret)
{
	struct dp_adapt_ctx *ctx = tf->ctx;
	const struct dp_json_member *u = dp_json_member(res->unknown, attr);
	const struct dp_json *v = dp_json_get(res->values, attr);
	int r;

	r = dp_adapt_member(ctx, res->values, res->values_ptr, attr, ret);
	if (r < 0)
		return r;
	if (u && u->value->kind == DP_JSON_TRUE &&
	    (!v || v->kind == DP_JSON_NULL)) {
		ret->state = DP_VALUE_UNKNOWN;
		ret->unknown_why = WHY_AFTER_APPLY;
		ret->origin.span = u->value->span;
		ret->origin.pointer = dp_json_pointer_join(ctx->setup->arena,
							   res->unknown_ptr, attr);
		if (!ret->origin.pointer)
			return -ENOMEM;
	} else if (attr_sensitive(res, attr) && v && v->kind != DP_JSON_NULL) {
		r = mask_all((struct dp_source *)ctx->doc->source, v, 0);
		if (r < 0)
			return r;
		ret->state = DP_VALUE_UNKNOWN;
		ret->unknown_why = WHY_SENSITIVE;
	} else {
		return 0;
	}
	ret->str = NULL;
	ret->len = 0;
	ret->located = false;
	return noted ? note_attr(res, ret, attr) : 0;
}

/* The text of attribute attr of res when attr_value() would read it as
 * a given literal (a non-empty string or number, true, false): for the
 * links between resources, which only compare texts, without a copy and
 * a pointer for each job.  false when there is none. */
static bool
attr_text(const struct tf_res *res, const char *attr, const char **ret_str,
	  size_t *ret_len)
{
	const struct dp_json *v = dp_json_get(res->values, attr);

	if (!v || attr_sensitive(res, attr))
		return false;
	switch (v->kind) {
	case DP_JSON_STRING:
	case DP_JSON_NUMBER:
		*ret_str = v->u.str;
		*ret_len = v->n;
		return v->n > 0;
	case DP_JSON_TRUE:
	case DP_JSON_FALSE:
		*ret_str = v->kind == DP_JSON_TRUE ? "true" : "false";
		*ret_len = strlen(*ret_str);
		return true;
	default:
		return false;
	}
}

/* The first of two spellings that says anything (role_name / the
 * deprecated name): PRESENT wins, then UNKNOWN, then ABSENT. */
static int
attr_either(struct tf *tf, struct tf_res *res, const char *attr,
	    const char *deprecated, struct dp_value *ret)
{
	const char *which = attr;
	struct dp_value old;
	int r;

	r = attr_value(tf, res, attr, false, ret);
	if (r < 0 || dp_value_given(ret))
		return r;
	r = attr_value(tf, res, deprecated, false, &old);
	if (r < 0)
		return r;
	if (dp_value_given(&old) ||
	    (old.state == DP_VALUE_UNKNOWN && ret->state == DP_VALUE_ABSENT)) {
		*ret = old;
		which = deprecated;
	}
	return ret->state == DP_VALUE_UNKNOWN ? note_attr(res, ret, which) : 0;
}

/* A literal the export implies but does not spell (JobType of a
 * synchronization job resource), pointing at the resource type. */
static void
implied_value(struct tf *tf, const struct tf_res *res, const char *text,
	      struct dp_value *ret)
{
	const struct dp_json_member *type = dp_json_member(res->node, "type");

	memset(ret, 0, sizeof(*ret));
	ret->state = DP_VALUE_PRESENT;
	ret->str = text;
	ret->len = (uint32_t)strlen(text);
	ret->origin.source = (struct dp_source *)tf->ctx->doc->source;
	ret->origin.span = type ? type->value->span : res->node->span;
	ret->origin.pointer = res->pointer;
}

static void
set_origin(struct tf *tf, const struct tf_res *res, struct dp_origin *origin)
{
	origin->source = (struct dp_source *)tf->ctx->doc->source;
	origin->span = res->node->span;
	origin->pointer = res->pointer;
}

/* ---- resources ------------------------------------------------------ */

static int
load_role(struct tf *tf, struct tf_res *res)
{
	struct dp_setup *setup = tf->ctx->setup;
	struct dp_role *role = dp_setup_add_role(setup);
	const char *keys[] = {"assume_role_policy_document", "document"};
	struct dp_value arn;
	int r;

	if (!role)
		return -ENOMEM;
	res->role = role;
	role->shape = dp_adapter_terraform.name;
	set_origin(tf, res, &role->origin);
	/* The attachments of a role Terraform manages are the attachment
	 * resources beside it: none declared means none attached. */
	role->has_attachments = true;
	role->attachments_origin = role->origin;
	r = attr_either(tf, res, "role_name", "name", &role->name);
	if (r < 0)
		return r;
	r = attr_value(tf, res, "arn", false, &arn);
	if (r < 0)
		return r;
	if (arn.state == DP_VALUE_PRESENT) {
		r = dp_adapt_role_arn(tf->ctx, role, dp_json_get(res->values, "arn"),
				      arn.origin.pointer);
		if (r < 0)
			return r;
	} else {
		role->arn = arn;
		role->owner_uid = arn;
		if (arn.state == DP_VALUE_UNKNOWN &&
		    note_attr(res, &arn, "arn (the role's account)") < 0)
			return -ENOMEM;
	}
	/* Read sets both spellings of the trust policy: check one. */
	for (size_t i = 0; i < DP_ARRAY_SIZE(keys); i++) {
		const struct dp_json *doc = dp_json_get(res->values, keys[i]);
		struct dp_value v;

		if (!doc || doc->kind != DP_JSON_STRING)
			continue;
		/* A string is a literal unless marked sensitive.  Read as a
		 * value only then (masked and noted): a copy of the policy
		 * and a map of its bytes cost a kilobyte a role, unused. */
		if (attr_sensitive(res, keys[i]))
			return attr_value(tf, res, keys[i], true, &v);
		return dp_adapt_trust(tf->ctx, doc,
				      dp_json_pointer_join(setup->arena,
							   res->values_ptr,
							   keys[i]),
				      &role->trust);
	}
	/* Neither is a literal: say so when Terraform knows it later. */
	return attr_either(tf, res, keys[0], keys[1], &arn);
}

/* The endpoint attributes of a job, spelt out for the source (0) and
 * the destination (1) rather than printed for every resource. */
#define EP_ATTR(suffix, member)                                          \
	{{"source_endpoint_" suffix, "destination_endpoint_" suffix},     \
	 offsetof(struct dp_endpoint, member)}

static int
load_endpoint(struct tf *tf, struct tf_res *res, size_t which,
	      struct dp_endpoint *ep)
{
	static const struct {
		const char *attr[2];
		size_t offset;
	} fields[] = {
		EP_ATTR("instance_type", instance_type),
		EP_ATTR("engine_name", engine),
		EP_ATTR("region", region),
		EP_ATTR("owner_id", owner_uid),
		EP_ATTR("role", role_name),
		EP_ATTR("instance_id", instance_id),
	};
	int r;

	set_origin(tf, res, &ep->origin);
	for (size_t i = 0; i < DP_ARRAY_SIZE(fields); i++) {
		struct dp_value *v = (struct dp_value *)((char *)ep +
							 fields[i].offset);

		r = attr_value(tf, res, fields[i].attr[which], true, v);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
load_task(struct tf *tf, struct tf_res *res)
{
	struct dp_task *task = dp_setup_add_task(tf->ctx->setup);
	int r;

	if (!task)
		return -ENOMEM;
	res->task = task;
	task->shape = dp_adapter_terraform.name;
	set_origin(tf, res, &task->origin);
	if (res->kind == TF_INSTANCE) {
		task->instance_only = true;
		r = attr_value(tf, res, "sync_architecture", true,
			       &task->sync_architecture);
		if (r == 0 && dp_value_ieq(&task->sync_architecture,
					   "bidirectional"))
			task->two_way = DP_TWO_WAY_YES;
		else if (r == 0 && dp_value_ieq(&task->sync_architecture,
						"oneway"))
			task->two_way = DP_TWO_WAY_NO;
	} else {
		implied_value(tf, res, res->kind == TF_SYNC_JOB ? "SYNC"
								: "MIGRATION",
			      &task->job_type);
		r = attr_value(tf, res, "dts_job_name", false, &task->job_name);
		if (r == 0)
			r = attr_value(tf, res, "synchronization_direction", true,
				       &task->direction);
		if (r == 0 && dp_value_ieq(&task->direction, "Reverse"))
			task->two_way = DP_TWO_WAY_YES;
	}
	if (r == 0)
		r = attr_value(tf, res, "id", false, &task->job_id);
	if (r == 0)
		r = load_endpoint(tf, res, 0, &task->source);
	if (r == 0)
		r = load_endpoint(tf, res, 1, &task->destination);
	return r;
}

static int
load_attachment(struct tf *tf, struct tf_res *res)
{
	struct dp_setup *setup = tf->ctx->setup;
	struct dp_attachment_list *list = dp_setup_add_orphan(setup);
	struct dp_value role_name;
	int r;

	if (!list)
		return -ENOMEM;
	res->list = list;
	set_origin(tf, res, &list->origin);
	list->hint_is_role_name = true;
	list->attachments = dp_arena_alloc(setup->arena,
					   sizeof(*list->attachments));
	if (!list->attachments)
		return -ENOMEM;
	list->n_attachments = 1;
	r = attr_value(tf, res, "policy_name", true, &list->attachments[0].name);
	if (r == 0)
		r = attr_value(tf, res, "policy_type", true,
			       &list->attachments[0].type);
	if (r == 0)
		r = attr_value(tf, res, "role_name", true, &role_name);
	if (r == 0 && dp_value_given(&role_name))
		list->role_hint = role_name.str;
	return r;
}

/* ---- links inside the document -------------------------------------- */

/* "module.a.alicloud_x.y[0]" -> module "module.a." and "alicloud_x.y". */
static void
split_address(const char *address, size_t *ret_module_len,
	      const char **ret_local, size_t *ret_local_len)
{
	const char *local = address, *bracket;
	const char *p = address;

	while (strncmp(p, "module.", 7) == 0) {
		const char *dot = strchr(p + 7, '.');

		if (!dot)
			break;
		local = dot + 1;
		p = local;
	}
	bracket = strchr(local, '[');
	*ret_module_len = (size_t)(local - address);
	*ret_local = local;
	*ret_local_len = bracket ? (size_t)(bracket - local) : strlen(local);
}

/* The configuration block of the module that holds address. */
static const struct dp_json *
config_module(const struct dp_json *root, const char *address, size_t len)
{
	const struct dp_json *module = dp_json_path(root,
						    "configuration/root_module");
	const char *p = address, *end = address + len;

	while (module && p < end && strncmp(p, "module.", 7) == 0) {
		const char *name = p + 7;
		const char *stop = name;
		char key[128];

		while (stop < end && *stop != '.' && *stop != '[')
			stop++;
		if ((size_t)(stop - name) >= sizeof(key))
			return NULL;
		memcpy(key, name, (size_t)(stop - name));
		key[stop - name] = '\0';
		module = dp_json_get(dp_json_get(dp_json_get(module, "module_calls"),
						 key), "module");
		while (stop < end && *stop != '.')
			stop++; /* skip an index */
		p = stop + 1;
	}
	return module;
}

/* A configuration resource, or a resource of the document by its module
 * and local address, for sorted lookups. */
struct tf_ref {
	const void *scope;  /* config: the module block; res: NULL */
	const char *module; /* res: the module part of its address */
	size_t module_len;
	const char *local;  /* "alicloud_ram_role.r" */
	size_t local_len;
	int kind;           /* res: enum tf_kind; config: -1 */
	size_t at;          /* config: index in the module's resources;
			       res: index in tf->res */
	const struct dp_json *node; /* config: the resource block */
};

static int
cmp_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
	int c;

	if (alen != blen)
		return alen < blen ? -1 : 1;
	c = alen ? memcmp(a, b, alen) : 0;
	return c < 0 ? -1 : c > 0;
}

/* By scope, kind, module and local address; then document order. */
static int
cmp_refs_key(const struct tf_ref *a, const struct tf_ref *b)
{
	int c;

	if (a->scope != b->scope)
		return (uintptr_t)a->scope < (uintptr_t)b->scope ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	c = cmp_bytes(a->module, a->module_len, b->module, b->module_len);
	return c ? c : cmp_bytes(a->local, a->local_len, b->local, b->local_len);
}

static int
cmp_refs(const void *pa, const void *pb)
{
	const struct tf_ref *a = pa, *b = pb;
	int c = cmp_refs_key(a, b);

	if (c == 0 && a->at != b->at)
		c = a->at < b->at ? -1 : 1;
	return c;
}

/* Entries [*ret_lo, *ret_hi) have key's scope, kind, module and local. */
static void
refs_range(const struct tf_ref *refs, size_t n, const struct tf_ref *key,
	   size_t *ret_lo, size_t *ret_hi)
{
	size_t bounds[2];

	for (int upper = 0; upper < 2; upper++) {
		size_t lo = 0, hi = n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = cmp_refs_key(&refs[mid], key);

			if (c < 0 || (upper && c == 0))
				lo = mid + 1;
			else
				hi = mid;
		}
		bounds[upper] = lo;
	}
	*ret_lo = bounds[0];
	*ret_hi = bounds[1];
}

static int
push_ref(struct tf *tf, const struct tf_ref *ref)
{
	if (dp_grow(&tf->refs, tf->n_refs, &tf->cap_refs,
		    sizeof(*tf->refs)) < 0)
		return -ENOMEM;
	tf->refs[tf->n_refs++] = *ref;
	return 0;
}

/* The resource blocks of a configuration module and its children. */
static int
index_config(struct tf *tf, const struct dp_json *module, unsigned depth)
{
	const struct dp_json *resources = dp_json_get(module, "resources");
	const struct dp_json *calls = dp_json_get(module, "module_calls");
	int r;

	/* Every module config_module() can reach: it has no depth limit,
	 * and a document is no deeper than the ceiling. */
	if (!module || depth > DP_JSON_MAX_DEPTH_CEILING)
		return 0;
	for (uint32_t i = 0; resources && resources->kind == DP_JSON_ARRAY &&
			     i < resources->n; i++) {
		const struct dp_json *node = resources->u.items[i];
		const char *a = dp_json_string(dp_json_get(node, "address"));
		struct tf_ref ref = {.scope = module, .module = "", .kind = -1,
				     .at = i, .node = node};

		if (!a)
			continue;
		ref.local = a;
		ref.local_len = strlen(a);
		if ((r = push_ref(tf, &ref)) < 0)
			return r;
	}
	for (uint32_t i = 0; calls && calls->kind == DP_JSON_OBJECT &&
			     i < calls->n; i++) {
		r = index_config(tf, dp_json_get(calls->u.members[i].value,
						 "module"), depth + 1);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Sorts the resources of the document and of its configuration once, so
 * that following the references of each of 10,000 jobs is not a scan of
 * every resource (n^2).  0 or -ENOMEM. */
static int
index_refs(struct tf *tf)
{
	int r;

	if (tf->refs_indexed)
		return 0;
	for (size_t k = 0; k < tf->n_res; k++) {
		struct tf_ref ref = {.kind = (int)tf->res[k].kind, .at = k};

		if (!tf->res[k].address)
			continue;
		ref.module = tf->res[k].address;
		split_address(ref.module, &ref.module_len, &ref.local,
			      &ref.local_len);
		if ((r = push_ref(tf, &ref)) < 0)
			return r;
	}
	r = index_config(tf, dp_json_path(tf->root, "configuration/root_module"),
			 0);
	if (r < 0)
		return r;
	if (tf->n_refs > 1)
		qsort(tf->refs, tf->n_refs, sizeof(*tf->refs), cmp_refs);
	tf->refs_indexed = true;
	return 0;
}

/* The resource that attribute attr of res refers to in the
 * configuration ("alicloud_ram_role.r.role_name"), of kind want: the
 * only resource of that kind in res's module whose local address is
 * the reference up to a '.', a '[' or its end.  *ret_found NULL when
 * there is none or more than one.  0 or -ENOMEM. */
static int
referenced(struct tf *tf, const struct tf_res *res, const char *attr,
	   enum tf_kind want, struct tf_res **ret_found)
{
	const struct dp_json *module, *refs = NULL;
	struct tf_ref key = {0};
	size_t module_len, lo, hi;
	int r;

	*ret_found = NULL;
	if (!res->address)
		return 0;
	split_address(res->address, &module_len, &key.local, &key.local_len);
	module = config_module(tf->root, res->address, module_len);
	/* No configuration (a state, a plan without it): no references,
	 * and no index to build for every resource of the document. */
	if (!module)
		return 0;
	if ((r = index_refs(tf)) < 0)
		return r;
	key.scope = module;
	key.module = "";
	key.kind = -1;
	refs_range(tf->refs, tf->n_refs, &key, &lo, &hi);
	if (lo < hi) {
		refs = dp_json_path(tf->refs[lo].node, "expressions");
		refs = dp_json_get(dp_json_get(refs, attr), "references");
	}
	key.scope = NULL;
	key.kind = (int)want;
	key.module = res->address;
	key.module_len = module_len;
	for (uint32_t i = 0; refs && refs->kind == DP_JSON_ARRAY && i < refs->n;
	     i++) {
		const char *ref = dp_json_string(refs->u.items[i]);
		struct tf_res *found = NULL;
		size_t n_found = 0;

		if (!ref)
			continue;
		/* "alicloud_ram_role.r" or "alicloud_ram_role.r.attr" */
		for (size_t len = 0;; len++) {
			if (ref[len] == '\0' || ref[len] == '.' ||
			    ref[len] == '[') {
				key.local = ref;
				key.local_len = len;
				refs_range(tf->refs, tf->n_refs, &key, &lo, &hi);
				n_found += hi - lo;
				if (hi > lo)
					found = &tf->res[tf->refs[hi - 1].at];
			}
			if (ref[len] == '\0')
				break;
		}
		if (n_found == 1) {
			*ret_found = found;
			return 0;
		}
	}
	return 0;
}

/* A role name or an instance ID of a resource, for sorted lookups. */
struct tf_key {
	const char *str;
	size_t len;
	size_t res; /* index in tf->res */
};

static int
cmp_tf_keys(const void *pa, const void *pb)
{
	const struct tf_key *a = pa, *b = pb;
	int c;

	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	c = a->len ? memcmp(a->str, b->str, a->len) : 0;
	if (c == 0 && a->res != b->res)
		c = a->res < b->res ? -1 : 1;
	return c;
}

/* Keys [*ret_lo, *ret_hi) have the text str. */
static void
tf_key_range(const struct tf_key *keys, size_t n, const char *str,
	     size_t len, size_t *ret_lo, size_t *ret_hi)
{
	size_t bounds[2];

	for (int upper = 0; upper < 2; upper++) {
		size_t lo = 0, hi = n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = keys[mid].len != len
					? (keys[mid].len < len ? -1 : 1)
					: (len ? memcmp(keys[mid].str, str, len) : 0);

			if (c < 0 || (upper && c == 0))
				lo = mid + 1;
			else
				hi = mid;
		}
		bounds[upper] = lo;
	}
	*ret_lo = bounds[0];
	*ret_hi = bounds[1];
}

/* Gives each attachment its role: by role_name, or by the reference the
 * configuration records when role_name is known only after apply.  The
 * role names are sorted once, so that a plan of 10,000 roles does not
 * compare every attachment with every role. */
static int
link_attachments(struct tf *tf)
{
	struct tf_key *names;
	size_t n_names = 0;

	names = malloc((tf->n_res ? tf->n_res : 1) * sizeof(*names));
	if (!names)
		return -ENOMEM;
	for (size_t k = 0; k < tf->n_res; k++) {
		const struct tf_res *cand = &tf->res[k];

		if (cand->kind == TF_ROLE && cand->role &&
		    dp_value_given(&cand->role->name))
			names[n_names++] = (struct tf_key){cand->role->name.str,
							   cand->role->name.len,
							   k};
	}
	qsort(names, n_names, sizeof(*names), cmp_tf_keys);
	for (size_t i = 0; i < tf->n_res; i++) {
		struct tf_res *res = &tf->res[i];
		struct tf_res *target = NULL;
		const char *hint;
		size_t lo = 0, hi = 0;

		if (res->kind != TF_ATTACHMENT || !res->list)
			continue;
		hint = res->list->role_hint;
		if (hint && *hint)
			tf_key_range(names, n_names, hint, strlen(hint), &lo,
				     &hi);
		if (hi - lo == 1)
			target = &tf->res[names[lo].res];
		else if (referenced(tf, res, "role_name", TF_ROLE, &target) < 0) {
			free(names);
			return -ENOMEM;
		}
		if (!target || !target->role)
			continue; /* associate.c looks further, or notes it */
		if (dp_associate_attach_later(tf->ctx->setup, target->role,
					      res->list) < 0) {
			free(names);
			return -ENOMEM;
		}
		res->list = NULL;
	}
	free(names);
	return 0;
}

/* The IDs of the instances, sorted, read once for all jobs (each job
 * comparing with every instance made plans of many jobs n^2). */
static int
instance_ids(struct tf *tf, struct tf_key **ret_ids, size_t *ret_n)
{
	struct tf_key *ids = malloc((tf->n_res ? tf->n_res : 1) * sizeof(*ids));
	size_t n = 0;

	if (!ids)
		return -ENOMEM;
	for (size_t k = 0; k < tf->n_res; k++) {
		struct tf_key id = {.res = k};

		if (tf->res[k].kind == TF_INSTANCE && tf->res[k].task &&
		    attr_text(&tf->res[k], "id", &id.str, &id.len))
			ids[n++] = id;
	}
	qsort(ids, n, sizeof(*ids), cmp_tf_keys);
	*ret_ids = ids;
	*ret_n = n;
	return 0;
}

/* Merges each DTS instance into the job that runs on it: by
 * dts_instance_id, by the configuration's reference, or as the only
 * instance and the only job of the document. */
static int
link_instances(struct tf *tf)
{
	struct tf_key *ids = NULL;
	size_t n_ids = 0, n_jobs = 0, n_instances = 0;
	struct tf_res *only_job = NULL, *only_instance = NULL;

	for (size_t i = 0; i < tf->n_res; i++) {
		if (!tf->res[i].task)
			continue;
		if (tf->res[i].kind == TF_INSTANCE) {
			n_instances++;
			only_instance = &tf->res[i];
		} else {
			n_jobs++;
			only_job = &tf->res[i];
		}
	}
	if (n_instances == 0)
		return 0;
	for (size_t i = 0; i < tf->n_res; i++) {
		struct tf_res *job = &tf->res[i];
		struct tf_res *inst = NULL;
		const char *ref;
		size_t ref_len, lo, hi;
		bool has_ref;

		if (!job->task || job->kind == TF_INSTANCE)
			continue;
		has_ref = attr_text(job, "dts_instance_id", &ref, &ref_len);
		if (has_ref && !ids && instance_ids(tf, &ids, &n_ids) < 0)
			goto nomem;
		if (has_ref) {
			/* The last instance with that ID that is not merged yet. */
			tf_key_range(ids, n_ids, ref, ref_len, &lo, &hi);
			for (size_t k = lo; k < hi; k++)
				if (tf->res[ids[k].res].task)
					inst = &tf->res[ids[k].res];
		}
		if (!inst && referenced(tf, job, "dts_instance_id", TF_INSTANCE,
					&inst) < 0)
			goto nomem;
		if (!inst && n_jobs == 1 && n_instances == 1 && job == only_job)
			inst = only_instance;
		if (!inst || !inst->task)
			continue;
		if (dp_associate_instance_later(tf->ctx->setup, job->task,
						inst->task) < 0)
			goto nomem;
		inst->task = NULL;
	}
	free(ids);
	return 0;
nomem:
	free(ids);
	return -ENOMEM;
}

/* ---- notes ------------------------------------------------------------ */

static int
note_unknowns(struct tf *tf, struct tf_res *res)
{
	struct dp_setup *setup = tf->ctx->setup;
	const char *address = res->address ? res->address : "a resource";
	char *text;
	int r;

	if (res->unknown_attrs.len) {
		text = dp_arena_printf(setup->arena,
				       "%s: %s known only after apply: not "
				       "checked",
				       address, res->unknown_attrs.data);
		if (!text)
			return -ENOMEM;
		r = dp_setup_add_note(setup, &res->first_unknown, text);
		if (r < 0)
			return r;
	}
	if (res->sensitive_attrs.len) {
		text = dp_arena_printf(setup->arena,
				       "%s: %s marked sensitive: not checked, "
				       "so that it is never printed",
				       address, res->sensitive_attrs.data);
		if (!text)
			return -ENOMEM;
		r = dp_setup_add_note(setup, &res->first_unknown, text);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- the document ----------------------------------------------------- */

static int
load(struct dp_adapt_ctx *ctx, const struct dp_json *root, const char *pointer)
{
	struct dp_source *source = (struct dp_source *)ctx->doc->source;
	struct tf tf = {.ctx = ctx, .root = root, .pointer = pointer};
	int r;

	r = mask_marked(source, root, 0);
	if (r == 0)
		r = mask_sensitive_variables(source, root);
	if (r == 0)
		r = collect(&tf);
	for (size_t i = 0; r == 0 && i < tf.n_res; i++) {
		ctx->setup->item_index = tf.res[i].index; /* model.h */
		switch (tf.res[i].kind) {
		case TF_ROLE:
			r = load_role(&tf, &tf.res[i]);
			break;
		case TF_ATTACHMENT:
			r = load_attachment(&tf, &tf.res[i]);
			break;
		case TF_SYNC_JOB:
		case TF_MIGRATION_JOB:
		case TF_INSTANCE:
			r = load_task(&tf, &tf.res[i]);
			break;
		}
	}
	if (r == 0)
		r = link_attachments(&tf);
	if (r == 0)
		r = link_instances(&tf);
	/* Linked lists and instances leave the setup's arrays at once. */
	dp_associate_prune(ctx->setup);
	for (size_t i = 0; r == 0 && i < tf.n_res; i++)
		r = note_unknowns(&tf, &tf.res[i]);
	for (size_t i = 0; i < tf.n_res; i++) {
		dp_buf_free(&tf.res[i].unknown_attrs);
		dp_buf_free(&tf.res[i].sensitive_attrs);
	}
	free(tf.res);
	free(tf.addrs);
	free(tf.refs);
	return r;
}

static const char *const markers[] = {
	"format_version", "terraform_version", "planned_values",
	"resource_changes", "values/root_module", "prior_state",
	"configuration", "resources", NULL,
};

const struct dp_adapter dp_adapter_terraform = {
	.name = "terraform-json",
	.description = "Terraform `terraform show -json` plan or state "
		       "(format_version + planned_values / resource_changes / "
		       "values.root_module), or a terraform.tfstate",
	.markers = markers,
	.detect = detect,
	.load = load,
};
