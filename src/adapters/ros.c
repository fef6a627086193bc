/*
 * ros.c - ROS templates (ROSTemplateFormatVersion + Resources):
 * ALIYUN::RAM::Role with its AssumeRolePolicyDocument as an object, its
 * inline Policies and PolicyAttachments, and ALIYUN::RAM::AttachPolicyToRole.
 * Intrinsic functions (Ref, Fn::*) are "not checkable", with a note,
 * except a Ref/Fn::GetAtt to a role of the same template (it is that
 * role) and a Ref to a parameter with a Default (the default is checked,
 * and the note says so).  Links across documents are associate.c's.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "adapters.h"
#include "associate.h"
#include "util.h"

#define ROLE_TYPE "ALIYUN::RAM::Role"
#define ATTACH_TYPE "ALIYUN::RAM::AttachPolicyToRole"

struct ros {
	struct dp_adapt_ctx *ctx;
	const struct dp_json *root;
	const char *pointer;
	const struct dp_json *resources;
	const char *resources_ptr;
	struct dp_role **roles;          /* per member of Resources, or NULL */
};

static bool
detect(const struct dp_json *root)
{
	const struct dp_json *resources;

	if (!root || root->kind != DP_JSON_OBJECT ||
	    !dp_json_get(root, "ROSTemplateFormatVersion"))
		return false;
	resources = dp_json_get(root, "Resources");
	return resources && resources->kind == DP_JSON_OBJECT;
}

/* The function name when node is an intrinsic function call ({"Ref": x}
 * or {"Fn::Join": [...]}), else NULL. */
static const char *
intrinsic(const struct dp_json *node)
{
	const char *key;

	if (!node || node->kind != DP_JSON_OBJECT || node->n != 1)
		return NULL;
	key = node->u.members[0].key;
	if (strcmp(key, "Ref") == 0 || strncmp(key, "Fn::", 4) == 0)
		return key;
	return NULL;
}

static const char *
type_of(const struct dp_json *resource)
{
	return dp_json_string(dp_json_get(resource, "Type"));
}

static int
note(struct ros *ros, const struct dp_span span, const char *pointer,
     const char *text)
{
	struct dp_origin at = {
		.source = (struct dp_source *)ros->ctx->doc->source,
		.span = span,
		.pointer = pointer,
	};

	return dp_setup_add_note(ros->ctx->setup, &at, text);
}

/* The logical ID a Ref or Fn::GetAtt [id, "RoleName"] names, or NULL. */
static const char *
ref_target(const struct dp_json *call)
{
	const char *fn = intrinsic(call);
	const struct dp_json *arg;

	if (!fn)
		return NULL;
	arg = call->u.members[0].value;
	if (strcmp(fn, "Ref") == 0)
		return dp_json_string(arg);
	if (strcmp(fn, "Fn::GetAtt") == 0 && arg->kind == DP_JSON_ARRAY &&
	    arg->n == 2 && dp_json_string(arg->u.items[1]) &&
	    strcmp(arg->u.items[1]->u.str, "RoleName") == 0)
		return dp_json_string(arg->u.items[0]);
	return NULL;
}

/* The index in Resources of the role the call refers to, or -1. */
static long
role_index(const struct ros *ros, const struct dp_json *call)
{
	const char *id = ref_target(call);

	for (uint32_t i = 0; id && i < ros->resources->n; i++) {
		const struct dp_json_member *m = &ros->resources->u.members[i];
		const char *type = type_of(m->value);

		if (strcmp(m->key, id) == 0 && type && strcmp(type, ROLE_TYPE) == 0)
			return (long)i;
	}
	return -1;
}

/* The Default of the parameter a Ref names, or NULL. */
static const struct dp_json_member *
param_default(const struct ros *ros, const struct dp_json *call,
	      const char **ret_name)
{
	const char *fn = intrinsic(call);
	const char *name;

	if (!fn || strcmp(fn, "Ref") != 0)
		return NULL;
	name = dp_json_string(call->u.members[0].value);
	if (!name)
		return NULL;
	*ret_name = name;
	return dp_json_member(dp_json_get(dp_json_get(ros->root, "Parameters"),
					  name), "Default");
}

/*
 * A property value: literal as written; a Ref to a parameter with a
 * Default as that default (noted); any other function UNKNOWN (noted).
 * label names the property in notes ("DtsRole.RoleName").
 */
static int
prop_value(struct ros *ros, const struct dp_json *node, const char *pointer,
	   const char *label, struct dp_value *ret)
{
	struct dp_arena *arena = ros->ctx->setup->arena;
	const struct dp_json_member *def;
	const char *fn = intrinsic(node), *param = NULL;
	char *text;
	int r;

	r = dp_value_from_json(ros->ctx->setup, ros->ctx->doc, node, pointer,
			       ret);
	if (r < 0 || !fn)
		return r;
	def = param_default(ros, node, &param);
	if (def && def->value->kind == DP_JSON_STRING) {
		const char *def_ptr = dp_arena_printf(arena,
						      "%s/Parameters/%s/Default",
						      ros->pointer, param);

		if (!def_ptr)
			return -ENOMEM;
		r = dp_value_from_json(ros->ctx->setup, ros->ctx->doc,
				       def->value, def_ptr, ret);
		if (r < 0)
			return r;
		text = dp_arena_printf(arena,
				       "%s is the Default of parameter %s ('%s'), "
				       "checked as such; a value given when the "
				       "stack is created is not checked",
				       label, param, def->value->u.str);
		return text ? note(ros, node->span, pointer, text) : -ENOMEM;
	}
	ret->unknown_why = dp_arena_printf(arena, "a ROS intrinsic function (%s)",
					   fn);
	text = dp_arena_printf(arena, "%s is a ROS intrinsic function (%s): "
			       "not checked", label, fn);
	if (!ret->unknown_why || !text)
		return -ENOMEM;
	return note(ros, node->span, pointer, text);
}

/* ---- trust policies with functions inside ----------------------------- */

struct calls {
	const struct dp_json **nodes;
	size_t n, cap;
};

static int
find_calls(struct calls *c, const struct dp_json *node, unsigned depth)
{
	if (!node || depth > 64)
		return 0;
	if (intrinsic(node)) {
		if (c->n == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 8;
			const struct dp_json **bigger =
				realloc(c->nodes, cap * sizeof(*bigger));

			if (!bigger)
				return -ENOMEM;
			c->nodes = bigger;
			c->cap = cap;
		}
		c->nodes[c->n++] = node;
		return 0;
	}
	if (node->kind != DP_JSON_OBJECT && node->kind != DP_JSON_ARRAY)
		return 0;
	for (uint32_t i = 0; i < node->n; i++) {
		int r = find_calls(c, node->kind == DP_JSON_ARRAY
					      ? node->u.items[i]
					      : node->u.members[i].value,
				   depth + 1);

		if (r < 0)
			return r;
	}
	return 0;
}

static const struct dp_json *
call_at(const struct calls *c, struct dp_span span)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->nodes[i]->span.start <= span.start &&
		    span.end <= c->nodes[i]->span.end)
			return c->nodes[i];
	return NULL;
}

static void
mark_values(struct dp_setup *setup, const struct calls *c, struct dp_value *v,
	    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct dp_json *call;

		if (v[i].state != DP_VALUE_UNKNOWN)
			continue;
		call = call_at(c, v[i].origin.span);
		if (call)
			v[i].unknown_why = dp_arena_printf(
				setup->arena, "a ROS intrinsic function (%s)",
				call->u.members[0].key);
	}
}

static void
mark_principals(struct dp_setup *setup, const struct calls *c,
		struct dp_principal *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mark_values(setup, c, &p[i].value, 1);
}

/* Says which values of the policy are functions, and keeps the text
 * inside them ("acs:ram::${Uid}:root" of an Fn::Sub) away from the rules
 * that read every string of a policy. */
static int
mark_functions(struct ros *ros, const struct dp_json *policy,
	       const char *pointer, const char *label,
	       struct dp_trust_policy *trust)
{
	struct dp_setup *setup = ros->ctx->setup;
	struct calls c = {0};
	struct dp_buf names = {0};
	size_t kept = 0;
	int r;

	r = find_calls(&c, policy, 0);
	if (r < 0 || c.n == 0)
		goto out;
	mark_values(setup, &c, &trust->version, 1);
	for (size_t i = 0; i < trust->n_statements; i++) {
		struct dp_statement *st = &trust->statements[i];

		mark_values(setup, &c, &st->effect, 1);
		mark_values(setup, &c, st->actions, st->n_actions);
		mark_principals(setup, &c, st->ram, st->n_ram);
		mark_principals(setup, &c, st->service, st->n_service);
		mark_principals(setup, &c, st->federated, st->n_federated);
	}
	for (size_t i = 0; i < trust->n_strings; i++)
		if (!call_at(&c, trust->strings[i].origin.span))
			trust->strings[kept++] = trust->strings[i];
	trust->n_strings = kept;
	for (size_t i = 0; i < c.n && r == 0; i++) {
		const char *fn = c.nodes[i]->u.members[0].key;

		if (!names.data || !strstr(names.data, fn))
			r = dp_buf_printf(&names, "%s%s", names.len ? ", " : "",
					  fn);
	}
	if (r == 0) {
		char *text = dp_arena_printf(setup->arena,
					     "%s holds ROS intrinsic functions "
					     "(%s): the values they compute are "
					     "not checked",
					     label, names.data);

		r = text ? note(ros, c.nodes[0]->span, pointer, text) : -ENOMEM;
	}
out:
	dp_buf_free(&names);
	free(c.nodes);
	return r < 0 ? -ENOMEM : 0;
}

/* ---- resources ------------------------------------------------------- */

/* The document a role's AssumeRolePolicyDocument stands for: the object
 * itself, or the Default of the Json parameter a Ref names. */
static const struct dp_json *
policy_object(struct ros *ros, const struct dp_json *node, const char *pointer,
	      const char *label, const char **ret_pointer, int *ret_err)
{
	struct dp_arena *arena = ros->ctx->setup->arena;
	const struct dp_json_member *def;
	const char *param = NULL, *fn = intrinsic(node);
	char *text;

	*ret_err = 0;
	*ret_pointer = pointer;
	if (!node)
		return NULL;
	if (!fn)
		return node->kind == DP_JSON_OBJECT ? node : NULL;
	def = param_default(ros, node, &param);
	if (def && def->value->kind == DP_JSON_OBJECT) {
		*ret_pointer = dp_arena_printf(arena, "%s/Parameters/%s/Default",
					       ros->pointer, param);
		text = dp_arena_printf(arena,
				       "%s is the Default of parameter %s, "
				       "checked as such; a value given when the "
				       "stack is created is not checked",
				       label, param);
		if (!*ret_pointer || !text)
			*ret_err = -ENOMEM;
		else
			*ret_err = note(ros, node->span, pointer, text);
		return def->value;
	}
	text = dp_arena_printf(arena, "%s is a ROS intrinsic function (%s): "
			       "the trust policy is not checked", label, fn);
	*ret_err = text ? note(ros, node->span, pointer, text) : -ENOMEM;
	return NULL;
}

/* Inline Policies ([{PolicyName, PolicyDocument}]) are custom policies;
 * PolicyAttachments ({"System": [...], "Custom": [...]}) name either. */
static int
role_attachments(struct ros *ros, const struct dp_json *props,
		 const char *props_ptr, struct dp_attachment_list *list)
{
	struct dp_setup *setup = ros->ctx->setup;
	const struct dp_json *inline_list = dp_json_get(props, "Policies");
	const struct dp_json *attach = dp_json_get(props, "PolicyAttachments");
	size_t cap = 0;
	int r;

	if (inline_list && inline_list->kind == DP_JSON_ARRAY)
		cap += inline_list->n;
	for (uint32_t i = 0; attach && attach->kind == DP_JSON_OBJECT &&
			     i < attach->n; i++)
		if (attach->u.members[i].value->kind == DP_JSON_ARRAY)
			cap += attach->u.members[i].value->n;
	if (cap == 0)
		return 0;
	list->attachments = dp_arena_alloc(setup->arena,
					   cap * sizeof(*list->attachments));
	if (!list->attachments)
		return -ENOMEM;
	for (uint32_t i = 0; inline_list && inline_list->kind == DP_JSON_ARRAY &&
			     i < inline_list->n; i++) {
		const struct dp_json *p = inline_list->u.items[i];
		struct dp_attachment *a = &list->attachments[list->n_attachments];
		const char *ptr = dp_arena_printf(setup->arena, "%s/Policies/%u",
						  props_ptr, i);
		const struct dp_json *name = dp_json_get(p, "PolicyName");

		if (!ptr)
			return -ENOMEM;
		if (p->kind != DP_JSON_OBJECT)
			continue;
		r = prop_value(ros, name, dp_json_pointer_join(setup->arena, ptr,
							       "PolicyName"),
			       "an inline policy's PolicyName", &a->name);
		if (r < 0)
			return r;
		/* An inline policy is always a custom policy. */
		a->type.state = DP_VALUE_PRESENT;
		a->type.str = "Custom";
		a->type.len = 6;
		a->type.origin = a->name.origin;
		list->n_attachments++;
	}
	for (uint32_t i = 0; attach && attach->kind == DP_JSON_OBJECT &&
			     i < attach->n; i++) {
		const struct dp_json_member *m = &attach->u.members[i];
		const char *ptr = dp_arena_printf(setup->arena,
						  "%s/PolicyAttachments",
						  props_ptr);

		if (!ptr || !(ptr = dp_json_pointer_join(setup->arena, ptr,
							 m->key)))
			return -ENOMEM;
		for (uint32_t k = 0; m->value->kind == DP_JSON_ARRAY &&
				     k < m->value->n; k++) {
			struct dp_attachment *a =
				&list->attachments[list->n_attachments];
			const char *item = dp_json_pointer_index(setup->arena,
								 ptr, k);

			if (!item)
				return -ENOMEM;
			r = prop_value(ros, m->value->u.items[k], item,
				       "a PolicyAttachments entry", &a->name);
			if (r < 0)
				return r;
			/* The key says the type: "System" or "Custom". */
			a->type.state = DP_VALUE_PRESENT;
			a->type.str = dp_arena_strndup(setup->arena, m->key,
						       m->key_len);
			a->type.len = m->key_len;
			if (!a->type.str)
				return -ENOMEM;
			a->type.origin.source = a->name.origin.source;
			a->type.origin.span = m->key_span;
			a->type.origin.pointer = ptr;
			list->n_attachments++;
		}
	}
	return 0;
}

static int
load_role(struct ros *ros, uint32_t index)
{
	struct dp_setup *setup = ros->ctx->setup;
	struct dp_arena *arena = setup->arena;
	const struct dp_json_member *m = &ros->resources->u.members[index];
	const struct dp_json *props = dp_json_get(m->value, "Properties");
	const struct dp_json *policy;
	struct dp_attachment_list list = {0};
	struct dp_role *role = dp_setup_add_role(setup);
	const char *res_ptr, *props_ptr, *policy_ptr, *label;
	int r;

	res_ptr = dp_json_pointer_join(arena, ros->resources_ptr, m->key);
	props_ptr = res_ptr ? dp_json_pointer_join(arena, res_ptr, "Properties")
			    : NULL;
	label = dp_arena_printf(arena, "%s.RoleName", m->key);
	if (!role || !props_ptr || !label)
		return -ENOMEM;
	ros->roles[index] = role;
	role->shape = dp_adapter_ros.name;
	role->origin.source = (struct dp_source *)ros->ctx->doc->source;
	role->origin.span = m->value->span;
	role->origin.pointer = res_ptr;
	dp_value_absent(&role->arn, &role->origin);
	dp_value_absent(&role->owner_uid, &role->origin);
	/* A template's role has the attachments the template declares. */
	role->has_attachments = true;
	role->attachments_origin = role->origin;
	r = prop_value(ros, dp_json_get(props, "RoleName"),
		       dp_json_pointer_join(arena, props_ptr, "RoleName"), label,
		       &role->name);
	if (r < 0)
		return r;
	if (role->name.state == DP_VALUE_ABSENT)
		role->name.origin.span = props ? props->span : m->value->span;
	list.origin = role->origin;
	r = role_attachments(ros, props, props_ptr, &list);
	if (r < 0)
		return r;
	role->attachments = list.attachments;
	role->n_attachments = list.n_attachments;
	label = dp_arena_printf(arena, "%s.AssumeRolePolicyDocument", m->key);
	policy_ptr = dp_json_pointer_join(arena, props_ptr,
					  "AssumeRolePolicyDocument");
	if (!label || !policy_ptr)
		return -ENOMEM;
	policy = policy_object(ros, dp_json_get(props, "AssumeRolePolicyDocument"),
			       policy_ptr, label, &policy_ptr, &r);
	if (r < 0 || !policy)
		return r;
	r = dp_trust_from_json(setup, ros->ctx->doc, policy, policy_ptr,
			       &role->trust);
	if (r < 0)
		return r;
	return mark_functions(ros, policy, policy_ptr, label, role->trust);
}

static int
load_attachment(struct ros *ros, uint32_t index)
{
	struct dp_setup *setup = ros->ctx->setup;
	struct dp_arena *arena = setup->arena;
	const struct dp_json_member *m = &ros->resources->u.members[index];
	const struct dp_json *props = dp_json_get(m->value, "Properties");
	const struct dp_json *role_node = dp_json_get(props, "RoleName");
	struct dp_attachment_list *list = dp_setup_add_orphan(setup);
	const char *res_ptr, *props_ptr, *label;
	struct dp_value role_name;
	long target;
	int r;

	res_ptr = dp_json_pointer_join(arena, ros->resources_ptr, m->key);
	props_ptr = res_ptr ? dp_json_pointer_join(arena, res_ptr, "Properties")
			    : NULL;
	if (!list || !props_ptr)
		return -ENOMEM;
	list->origin.source = (struct dp_source *)ros->ctx->doc->source;
	list->origin.span = m->value->span;
	list->origin.pointer = res_ptr;
	list->hint_is_role_name = true;
	list->attachments = dp_arena_alloc(arena, sizeof(*list->attachments));
	if (!list->attachments)
		return -ENOMEM;
	list->n_attachments = 1;
	label = dp_arena_printf(arena, "%s.PolicyName", m->key);
	if (!label)
		return -ENOMEM;
	r = prop_value(ros, dp_json_get(props, "PolicyName"),
		       dp_json_pointer_join(arena, props_ptr, "PolicyName"),
		       label, &list->attachments[0].name);
	if (r < 0)
		return r;
	label = dp_arena_printf(arena, "%s.PolicyType", m->key);
	if (!label)
		return -ENOMEM;
	r = prop_value(ros, dp_json_get(props, "PolicyType"),
		       dp_json_pointer_join(arena, props_ptr, "PolicyType"),
		       label, &list->attachments[0].type);
	if (r < 0)
		return r;
	/* A Ref or Fn::GetAtt to a role of this template is that role. */
	target = role_index(ros, role_node);
	if (target >= 0)
		return ros->roles[target]
			       ? dp_associate_attach(setup, ros->roles[target], list)
			       : 0;
	label = dp_arena_printf(arena, "%s.RoleName", m->key);
	if (!label)
		return -ENOMEM;
	r = prop_value(ros, role_node,
		       dp_json_pointer_join(arena, props_ptr, "RoleName"), label,
		       &role_name);
	if (r < 0 || !dp_value_given(&role_name))
		return r;
	list->role_hint = role_name.str;
	/* By name among the roles of this template. */
	for (uint32_t i = 0; i < ros->resources->n; i++) {
		struct dp_role *role = ros->roles[i];

		if (role && dp_value_given(&role->name) &&
		    role->name.len == role_name.len &&
		    memcmp(role->name.str, role_name.str, role_name.len) == 0)
			return dp_associate_attach(setup, role, list);
	}
	return 0; /* associate.c looks in the other documents */
}

/* A parameter declared NoEcho (a password, a key) never shows its
 * Default in a snippet. */
static int
mask_no_echo(struct dp_adapt_ctx *ctx, const struct dp_json *root)
{
	const struct dp_json *params = dp_json_get(root, "Parameters");

	for (uint32_t i = 0; params && params->kind == DP_JSON_OBJECT &&
			     i < params->n; i++) {
		const struct dp_json *p = params->u.members[i].value;
		const struct dp_json *echo = dp_json_get(p, "NoEcho");
		const struct dp_json *def = dp_json_get(p, "Default");
		int r;

		if (!def || !(dp_json_is(echo, DP_JSON_TRUE) ||
			      (dp_json_string(echo) &&
			       dp_ascii_ieq(echo->u.str, echo->n, "true", 4))))
			continue;
		if (def->kind != DP_JSON_STRING && def->kind != DP_JSON_NUMBER)
			continue;
		r = dp_source_add_secret((struct dp_source *)ctx->doc->source,
					 def->span);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
load(struct dp_adapt_ctx *ctx, const struct dp_json *root, const char *pointer)
{
	struct ros ros = {.ctx = ctx, .root = root, .pointer = pointer};
	int r;

	r = mask_no_echo(ctx, root);
	if (r < 0)
		return r;

	ros.resources = dp_json_get(root, "Resources");
	ros.resources_ptr = dp_json_pointer_join(ctx->setup->arena, pointer,
						 "Resources");
	if (!ros.resources_ptr)
		return -ENOMEM;
	if (ros.resources->n == 0)
		return 0;
	ros.roles = calloc(ros.resources->n, sizeof(*ros.roles));
	if (!ros.roles)
		return -ENOMEM;
	/* Roles first, so that attachments can refer to them. */
	for (uint32_t i = 0; r == 0 && i < ros.resources->n; i++) {
		const char *type = type_of(ros.resources->u.members[i].value);

		if (type && strcmp(type, ROLE_TYPE) == 0)
			r = load_role(&ros, i);
	}
	for (uint32_t i = 0; r == 0 && i < ros.resources->n; i++) {
		const char *type = type_of(ros.resources->u.members[i].value);

		if (type && strcmp(type, ATTACH_TYPE) == 0)
			r = load_attachment(&ros, i);
	}
	free(ros.roles);
	return r;
}

static const char *const markers[] = {
	"ROSTemplateFormatVersion", "Resources", "Parameters", "Outputs", NULL,
};

const struct dp_adapter dp_adapter_ros = {
	.name = "ros-template",
	.description = "ROS template (ROSTemplateFormatVersion + Resources)",
	.markers = markers,
	.detect = detect,
	.load = load,
};
