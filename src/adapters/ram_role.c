/*
 * ram_role.c - RAM GetRole responses (also Resource Manager's, which add
 * fields), with or without the response wrapper: {"Role": {...}} or the
 * bare Role object a `--cli-query Role` export leaves.  The trust policy
 * is a JSON-encoded string, parsed again with positions mapped back.
 */
#include "config.h"

#include <errno.h>

#include "adapters.h"
#include "util.h"

/* The Role object of a GetRole export, wrapped or bare; NULL if none. */
static const struct dp_json *
role_object(const struct dp_json *root, const char **ret_base)
{
	const struct dp_json *role = dp_json_get(root, "Role");

	if (role && role->kind == DP_JSON_OBJECT) {
		*ret_base = "/Role";
		return role;
	}
	*ret_base = "";
	return root;
}

static bool
detect(const struct dp_json *root)
{
	const char *base;
	const struct dp_json *role;

	if (!root || root->kind != DP_JSON_OBJECT)
		return false;
	role = role_object(root, &base);
	return dp_json_get(role, "RoleName") &&
	       (dp_json_get(role, "Arn") ||
		dp_json_get(role, "AssumeRolePolicyDocument"));
}

static int
load(struct dp_adapt_ctx *ctx, const struct dp_json *root, const char *pointer)
{
	struct dp_setup *setup = ctx->setup;
	struct dp_arena *arena = setup->arena;
	const struct dp_json *obj;
	struct dp_role *role;
	const char *local, *base;
	int r;

	obj = role_object(root, &local);
	base = dp_arena_printf(arena, "%s%s", pointer, local);
	role = dp_setup_add_role(setup);
	if (!role || !base)
		return -ENOMEM;
	role->shape = dp_adapter_ram_role.name;
	role->origin.source = (struct dp_source *)ctx->doc->source;
	role->origin.span = obj->span;
	role->origin.pointer = base;
	r = dp_adapt_member(ctx, obj, base, "RoleName", &role->name);
	if (r < 0)
		return r;
	r = dp_adapt_role_arn(ctx, role, dp_json_get(obj, "Arn"),
			      dp_json_pointer_join(arena, base, "Arn"));
	if (r < 0)
		return r;
	return dp_adapt_trust(ctx, dp_json_get(obj, "AssumeRolePolicyDocument"),
			      dp_json_pointer_join(arena, base,
						   "AssumeRolePolicyDocument"),
			      &role->trust);
}

static const char *const markers[] = {
	"Role", "Role/RoleName", "Role/Arn", "Role/AssumeRolePolicyDocument",
	"RoleName", "Arn", "AssumeRolePolicyDocument", NULL,
};

const struct dp_adapter dp_adapter_ram_role = {
	.name = "ram-get-role",
	.description = "RAM GetRole response (Role.RoleName with Role.Arn or "
		       "Role.AssumeRolePolicyDocument)",
	.markers = markers,
	.detect = detect,
	.load = load,
};
