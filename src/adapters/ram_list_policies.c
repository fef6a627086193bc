/*
 * ram_list_policies.c - RAM ListPoliciesForRole responses:
 * {"Policies": {"Policy": [{"PolicyName", "PolicyType", ...}]}}.  The
 * response does not name the role, so the list is kept aside with the
 * file's stem as a hint; associate.c finds its role once every document
 * is read.  An empty list ({"Policies": {}} or {"Policy": []}) is an
 * export too: a role with nothing attached.
 */
#include "config.h"

#include <errno.h>

#include "adapters.h"
#include "util.h"

/* The Policy list of a Policies wrapper, or NULL when there is none
 * (RAM serialises an empty list in several ways). */
static const struct dp_json *
policy_list(const struct dp_json *policies)
{
	const struct dp_json *list = dp_json_get(policies, "Policy");

	return list && (list->kind == DP_JSON_ARRAY ||
			list->kind == DP_JSON_OBJECT) ? list : NULL;
}

static bool
detect(const struct dp_json *root)
{
	const struct dp_json *policies;

	if (!root || root->kind != DP_JSON_OBJECT)
		return false;
	policies = dp_json_get(root, "Policies");
	if (!policies || policies->kind != DP_JSON_OBJECT)
		return false;
	return policy_list(policies) || policies->n == 0;
}

static int
load(struct dp_adapt_ctx *ctx, const struct dp_json *root, const char *pointer)
{
	struct dp_setup *setup = ctx->setup;
	const struct dp_json *list = policy_list(dp_json_get(root, "Policies"));
	struct dp_attachment_list *pending;
	const char *base;
	size_t n;

	pending = dp_setup_add_orphan(setup);
	base = dp_arena_printf(setup->arena, "%s/Policies/Policy", pointer);
	if (!pending || !base)
		return -ENOMEM;
	pending->origin.source = (struct dp_source *)ctx->doc->source;
	pending->origin.span = root->span;
	pending->origin.pointer = pointer;
	pending->role_hint = ctx->file_stem;
	if (!list)
		return 0;
	/* One policy written without the array is still one policy. */
	n = list->kind == DP_JSON_ARRAY ? list->n : 1;
	if (n == 0)
		return 0;
	pending->attachments = dp_arena_alloc(setup->arena,
					      n * sizeof(*pending->attachments));
	if (!pending->attachments)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct dp_json *item = list;
		const char *item_ptr = base;
		int r;

		if (list->kind == DP_JSON_ARRAY) {
			item = list->u.items[i];
			item_ptr = dp_json_pointer_index(setup->arena, base, i);
			if (!item_ptr)
				return -ENOMEM;
		}
		if (item->kind != DP_JSON_OBJECT)
			continue;
		r = dp_adapt_attachment(ctx, item, item_ptr, "PolicyName",
					"PolicyType",
					&pending->attachments[pending->n_attachments]);
		if (r < 0)
			return r;
		pending->n_attachments++;
	}
	return 0;
}

static const char *const markers[] = {
	"Policies", "Policies/Policy", NULL,
};

const struct dp_adapter dp_adapter_ram_list_policies = {
	.name = "ram-list-policies-for-role",
	.description = "RAM ListPoliciesForRole response "
		       "(Policies.Policy[] with PolicyName/PolicyType)",
	.markers = markers,
	.detect = detect,
	.load = load,
};
