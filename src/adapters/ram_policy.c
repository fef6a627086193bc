/*
 * ram_policy.c - RAM GetPolicy and GetPolicyVersion responses.  The
 * document is DefaultPolicyVersion.PolicyDocument (GetPolicy) or
 * PolicyVersion.PolicyDocument, a JSON-encoded string that is parsed
 * again so that a broken one is reported where it is; the deprecated
 * Policy.PolicyDocument ("N/A") is not read.  A permission policy is not
 * a trust policy: nothing of it enters the model.
 */
#include "config.h"

#include <errno.h>

#include "adapters.h"
#include "util.h"

static const char *const document_paths[] = {
	"DefaultPolicyVersion", "PolicyVersion",
};

static bool
detect(const struct dp_json *root)
{
	const struct dp_json *policy;

	if (!root || root->kind != DP_JSON_OBJECT)
		return false;
	for (size_t i = 0; i < DP_ARRAY_SIZE(document_paths); i++) {
		const struct dp_json *v = dp_json_get(root, document_paths[i]);

		if (v && v->kind == DP_JSON_OBJECT &&
		    dp_json_get(v, "PolicyDocument"))
			return true;
	}
	policy = dp_json_get(root, "Policy");
	return policy && policy->kind == DP_JSON_OBJECT &&
	       dp_json_get(policy, "PolicyName") &&
	       dp_json_get(policy, "PolicyType");
}

static int
load(struct dp_adapt_ctx *ctx, const struct dp_json *root, const char *pointer)
{
	struct dp_arena *arena = ctx->setup->arena;

	for (size_t i = 0; i < DP_ARRAY_SIZE(document_paths); i++) {
		const struct dp_json *v = dp_json_get(root, document_paths[i]);
		const struct dp_json *doc = dp_json_get(v, "PolicyDocument");
		struct dp_json *parsed = NULL;
		const char *ptr;
		int r;

		if (!doc || doc->kind != DP_JSON_STRING)
			continue;
		ptr = dp_arena_printf(arena, "%s/%s/PolicyDocument", pointer,
				      document_paths[i]);
		if (!ptr)
			return -ENOMEM;
		r = dp_doc_parse_embedded((struct dp_doc *)ctx->doc, doc, ptr,
					  &parsed);
		if (r < 0)
			return r;
	}
	return 0;
}

static const char *const markers[] = {
	"Policy", "Policy/PolicyName", "Policy/PolicyType",
	"DefaultPolicyVersion", "PolicyVersion", NULL,
};

const struct dp_adapter dp_adapter_ram_policy = {
	.name = "ram-get-policy",
	.description = "RAM GetPolicy / GetPolicyVersion response "
		       "(DefaultPolicyVersion.PolicyDocument)",
	.markers = markers,
	.detect = detect,
	.load = load,
};
