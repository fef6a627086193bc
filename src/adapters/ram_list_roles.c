/*
 * ram_list_roles.c - RAM ListRoles responses: {"Roles": {"Role": [...]}}.
 * Each entry is a role with name and ARN but no trust policy (ListRoles
 * does not return it): enough to know which roles an account has
 * (DP601/DP602), not to check what they trust.
 */
#include "config.h"

#include <errno.h>

#include "adapters.h"
#include "util.h"

static const struct dp_json *
role_list(const struct dp_json *root)
{
	const struct dp_json *list = dp_json_path(root, "Roles/Role");

	return list && (list->kind == DP_JSON_ARRAY ||
			list->kind == DP_JSON_OBJECT) ? list : NULL;
}

static bool
detect(const struct dp_json *root)
{
	const struct dp_json *roles;

	if (!root || root->kind != DP_JSON_OBJECT)
		return false;
	roles = dp_json_get(root, "Roles");
	return roles && roles->kind == DP_JSON_OBJECT &&
	       (role_list(root) || roles->n == 0);
}

static int
load_role(struct dp_adapt_ctx *ctx, const struct dp_json *obj,
	  const char *base)
{
	struct dp_role *role = dp_setup_add_role(ctx->setup);
	int r;

	if (!role)
		return -ENOMEM;
	role->shape = dp_adapter_ram_list_roles.name;
	role->origin.source = (struct dp_source *)ctx->doc->source;
	role->origin.span = obj->span;
	role->origin.pointer = base;
	r = dp_adapt_member(ctx, obj, base, "RoleName", &role->name);
	if (r < 0)
		return r;
	r = dp_adapt_role_arn(ctx, role, dp_json_get(obj, "Arn"),
			      dp_json_pointer_join(ctx->setup->arena, base,
						   "Arn"));
	if (r == 0 && role->owner_uid.state == DP_VALUE_ABSENT)
		role->owner_uid.origin = role->origin;
	return r;
}

static int
load(struct dp_adapt_ctx *ctx, const struct dp_json *root, const char *pointer)
{
	struct dp_arena *arena = ctx->setup->arena;
	const struct dp_json *list = role_list(root);
	const char *base = dp_arena_printf(arena, "%s/Roles/Role", pointer);
	int r;

	if (!base)
		return -ENOMEM;
	if (dp_json_is(dp_json_get(root, "IsTruncated"), DP_JSON_TRUE)) {
		/* The roles after Marker were not exported: a role missing
		 * from this list may exist all the same. */
		struct dp_origin at = {
			.source = (struct dp_source *)ctx->doc->source,
			.span = dp_json_get(root, "IsTruncated")->span,
			.pointer = pointer,
		};

		r = dp_setup_add_note(ctx->setup, &at,
				      "this ListRoles export is truncated "
				      "(IsTruncated): roles after its Marker "
				      "were not exported; export with "
				      "--MaxItems 1000 or page through Marker");
		if (r < 0)
			return r;
	}
	if (!list)
		return 0;
	if (list->kind == DP_JSON_OBJECT)
		return load_role(ctx, list, base);
	for (uint32_t i = 0; i < list->n; i++) {
		const char *item_ptr;

		if (list->u.items[i]->kind != DP_JSON_OBJECT)
			continue;
		item_ptr = dp_json_pointer_index(arena, base, i);
		if (!item_ptr)
			return -ENOMEM;
		r = load_role(ctx, list->u.items[i], item_ptr);
		if (r < 0)
			return r;
	}
	return 0;
}

static const char *const markers[] = {
	"Roles", "Roles/Role", "IsTruncated", NULL,
};

const struct dp_adapter dp_adapter_ram_list_roles = {
	.name = "ram-list-roles",
	.description = "RAM ListRoles response (Roles.Role[])",
	.markers = markers,
	.detect = detect,
	.load = load,
};
