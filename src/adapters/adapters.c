/*
 * adapters.c - the registry of export shapes, detection by content, and
 * the helpers every adapter shares (members as located values, embedded
 * trust policies, role ARNs).  The shapes themselves live one per file.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "adapters.h"
#include "util.h"

const struct dp_adapter *const dp_adapters[] = {
	&dp_adapter_terraform,
	&dp_adapter_ros,
	&dp_adapter_ram_role,
	&dp_adapter_ram_list_roles,
	&dp_adapter_ram_list_policies,
	&dp_adapter_ram_policy,
	&dp_adapter_sts_caller_identity,
	&dp_adapter_dts_legacy,
	&dp_adapter_dts_describe,
	&dp_adapter_dts_configure,
	&dp_adapter_dts_create_instance,
	&dp_adapter_policy_document,
	NULL,
};

const struct dp_adapter *
dp_adapter_detect(const struct dp_json *root)
{
	for (size_t i = 0; dp_adapters[i]; i++)
		if (dp_adapters[i]->detect(root))
			return dp_adapters[i];
	return NULL;
}

const struct dp_adapter *
dp_adapter_nearest(const struct dp_json *root, unsigned *ret_matched)
{
	const struct dp_adapter *best = NULL;
	unsigned best_n = 0;

	if (!root || root->kind != DP_JSON_OBJECT)
		return NULL;
	for (size_t i = 0; dp_adapters[i]; i++) {
		unsigned n = 0;

		for (size_t k = 0; dp_adapters[i]->markers[k]; k++)
			if (dp_json_path(root, dp_adapters[i]->markers[k]))
				n++;
		if (n > best_n) {
			best = dp_adapters[i];
			best_n = n;
		}
	}
	if (ret_matched)
		*ret_matched = best_n;
	return best;
}

int
dp_adapt_array_item(struct dp_adapt_ctx *ctx, const struct dp_json *item,
		    size_t index, unsigned *recognised)
{
	const struct dp_adapter *adapter = dp_adapter_detect(item);
	const char *ptr;
	int r;

	if (!adapter)
		return 0;
	if (ctx->item_base) {
		ptr = ctx->item_base;
		if (dp_setup_item_start(ctx->setup, ptr, index,
					item->span.start) < 0)
			return -ENOMEM;
	} else {
		ptr = dp_json_pointer_index(ctx->setup->arena, "", index);
	}
	if (!ptr)
		return -ENOMEM;
	r = adapter->load(ctx, item, ptr);
	if (r < 0)
		return r;
	(*recognised)++;
	return 0;
}

int
dp_adapt_document(struct dp_adapt_ctx *ctx, unsigned *ret_recognised)
{
	const struct dp_json *root = ctx->doc->root;
	const struct dp_adapter *adapter;
	unsigned recognised = 0;
	int r;

	if (!root)
		goto out;
	if (root->kind == DP_JSON_ARRAY) {
		for (uint32_t i = 0; i < root->n; i++) {
			r = dp_adapt_array_item(ctx, root->u.items[i], i,
						&recognised);
			if (r < 0)
				return r;
		}
		goto out;
	}
	adapter = dp_adapter_detect(root);
	if (adapter) {
		r = adapter->load(ctx, root, "");
		if (r < 0)
			return r;
		recognised++;
	}
out:
	*ret_recognised = recognised;
	return 0;
}

int
dp_adapt_member(struct dp_adapt_ctx *ctx, const struct dp_json *obj,
		const char *base, const char *key, struct dp_value *ret)
{
	const struct dp_json_member *m = dp_json_member(obj, key);
	const char *ptr = dp_json_pointer_join(ctx->setup->arena, base, key);
	int r;

	if (!ptr)
		return -ENOMEM;
	r = dp_value_from_json(ctx->setup, ctx->doc, m ? m->value : NULL, ptr,
			       ret);
	if (r == 0 && ret->state == DP_VALUE_ABSENT && obj) {
		/* Missing: point at the key when it is there (null), else
		 * at the object that lacks it. */
		ret->origin.span = m ? m->key_span : obj->span;
	}
	return r;
}

int
dp_adapt_trust(struct dp_adapt_ctx *ctx, const struct dp_json *node,
	       const char *pointer, struct dp_trust_policy **ret_trust)
{
	struct dp_json *policy = NULL;
	int r;

	*ret_trust = NULL;
	if (!node)
		return 0;
	if (node->kind == DP_JSON_STRING) {
		r = dp_doc_parse_embedded((struct dp_doc *)ctx->doc, node,
					  pointer, &policy);
		if (r < 0)
			return r;
	} else if (node->kind == DP_JSON_OBJECT) {
		policy = (struct dp_json *)node;
	}
	if (!policy || policy->kind != DP_JSON_OBJECT)
		return 0;
	return dp_trust_from_json(ctx->setup, ctx->doc, policy, pointer,
				  ret_trust);
}

int
dp_adapt_role_arn(struct dp_adapt_ctx *ctx, struct dp_role *role,
		  const struct dp_json *arn_node, const char *pointer)
{
	static const char prefix[] = "acs:ram::";
	const size_t plen = sizeof(prefix) - 1;
	const struct dp_value *arn = &role->arn;
	const char *colon;
	int r;

	r = dp_value_from_json(ctx->setup, ctx->doc, arn_node, pointer,
			       &role->arn);
	if (r < 0 || arn->state != DP_VALUE_PRESENT || arn->len <= plen ||
	    !dp_ascii_ieq(arn->str, plen, prefix, plen))
		return r;
	colon = memchr(arn->str + plen, ':', arn->len - plen);
	if (!colon)
		return 0;
	return dp_value_substr(ctx->setup, arn, plen,
			       (size_t)(colon - arn->str) - plen,
			       &role->owner_uid);
}

int
dp_adapt_attachment(struct dp_adapt_ctx *ctx, const struct dp_json *obj,
		    const char *base, const char *name_key,
		    const char *type_key, struct dp_attachment *ret)
{
	int r = dp_adapt_member(ctx, obj, base, name_key, &ret->name);

	if (r == 0)
		r = dp_adapt_member(ctx, obj, base, type_key, &ret->type);
	return r;
}

int
dp_adapt_task(struct dp_adapt_ctx *ctx, const struct dp_json *root,
	      const char *pointer, const char *shape, struct dp_task **ret_task)
{
	struct dp_task *task = dp_setup_add_task(ctx->setup);
	int r;

	if (!task)
		return -ENOMEM;
	task->shape = shape;
	task->origin.source = (struct dp_source *)ctx->doc->source;
	task->origin.span = root->span;
	task->origin.pointer = pointer;
	r = dp_adapt_member(ctx, root, pointer, "DtsJobId", &task->job_id);
	if (r == 0)
		r = dp_adapt_member(ctx, root, pointer, "DtsJobName",
				    &task->job_name);
	if (r == 0)
		r = dp_adapt_member(ctx, root, pointer, "JobType",
				    &task->job_type);
	if (r == 0)
		r = dp_adapt_member(ctx, root, pointer,
				    "SynchronizationDirection", &task->direction);
	if (r == 0)
		*ret_task = task;
	return r;
}
