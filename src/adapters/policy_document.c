/*
 * policy_document.c - a bare policy document, as saved from the console's
 * trust-policy editor: {"Statement": [...], "Version": "1"}.  It becomes
 * the trust policy of an unnamed role, so the DP3xx rules that need no
 * owner can run on it.
 */
#include "config.h"

#include <errno.h>

#include "adapters.h"
#include "util.h"

static bool
detect(const struct dp_json *root)
{
	/* Version is not required: DP308 reports a missing one. */
	return root && root->kind == DP_JSON_OBJECT &&
	       dp_json_iget(root, "Statement");
}

static int
load(struct dp_adapt_ctx *ctx, const struct dp_json *root, const char *pointer)
{
	struct dp_role *role = dp_setup_add_role(ctx->setup);

	if (!role)
		return -ENOMEM;
	role->shape = dp_adapter_policy_document.name;
	role->origin.source = (struct dp_source *)ctx->doc->source;
	role->origin.span = root->span;
	role->origin.pointer = pointer;
	dp_value_absent(&role->name, &role->origin);
	dp_value_absent(&role->arn, &role->origin);
	dp_value_absent(&role->owner_uid, &role->origin);
	return dp_trust_from_json(ctx->setup, ctx->doc, root, pointer,
				  &role->trust);
}

static const char *const markers[] = {"Statement", "Version", NULL};

const struct dp_adapter dp_adapter_policy_document = {
	.name = "policy-document",
	.description = "policy document (Statement + Version)",
	.markers = markers,
	.detect = detect,
	.load = load,
};
