/*
 * dts_describe.c - DTS DescribeDtsJobDetail responses: the task with
 * SourceEndpoint/DestinationEndpoint objects whose owner account is
 * AliyunUid and whose role is RoleName (what `aliyun dts
 * DescribeDtsJobDetail` prints).
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "adapters.h"
#include "util.h"

static bool
has_cross_account_fields(const struct dp_json *ep)
{
	return ep && ep->kind == DP_JSON_OBJECT &&
	       (dp_json_get(ep, "AliyunUid") || dp_json_get(ep, "RoleName"));
}

static bool
detect(const struct dp_json *root)
{
	return root && root->kind == DP_JSON_OBJECT &&
	       (has_cross_account_fields(dp_json_get(root, "SourceEndpoint")) ||
		has_cross_account_fields(dp_json_get(root, "DestinationEndpoint")) ||
		(dp_json_get(root, "DtsJobId") &&
		 dp_json_get(root, "SourceEndpoint")));
}

static int
load_endpoint(struct dp_adapt_ctx *ctx, const struct dp_json *root,
	      const char *pointer, const char *key, struct dp_endpoint *ep)
{
	static const struct {
		const char *name;
		size_t offset;
	} fields[] = {
		{"InstanceType", offsetof(struct dp_endpoint, instance_type)},
		{"EngineName", offsetof(struct dp_endpoint, engine)},
		{"Region", offsetof(struct dp_endpoint, region)},
		{"AliyunUid", offsetof(struct dp_endpoint, owner_uid)},
		{"RoleName", offsetof(struct dp_endpoint, role_name)},
		{"InstanceID", offsetof(struct dp_endpoint, instance_id)},
	};
	const struct dp_json *obj = dp_json_get(root, key);
	const char *base = dp_json_pointer_join(ctx->setup->arena, pointer, key);
	int r;

	if (!base)
		return -ENOMEM;
	ep->origin.source = (struct dp_source *)ctx->doc->source;
	ep->origin.span = obj ? obj->span : root->span;
	ep->origin.pointer = obj ? base : pointer;
	if (!obj || obj->kind != DP_JSON_OBJECT) {
		for (size_t i = 0; i < DP_ARRAY_SIZE(fields); i++)
			dp_value_absent((struct dp_value *)((char *)ep +
							    fields[i].offset),
					&ep->origin);
		return 0;
	}
	for (size_t i = 0; i < DP_ARRAY_SIZE(fields); i++) {
		r = dp_adapt_member(ctx, obj, base, fields[i].name,
				    (struct dp_value *)((char *)ep +
							fields[i].offset));
		if (r < 0)
			return r;
	}
	return 0;
}

static int
load(struct dp_adapt_ctx *ctx, const struct dp_json *root, const char *pointer)
{
	struct dp_task *task = NULL;
	int r;

	r = dp_adapt_task(ctx, root, pointer, dp_adapter_dts_describe.name,
			  &task);
	if (r == 0)
		r = load_endpoint(ctx, root, pointer, "SourceEndpoint",
				  &task->source);
	if (r == 0)
		r = load_endpoint(ctx, root, pointer, "DestinationEndpoint",
				  &task->destination);
	if (r == 0 && dp_value_ieq(&task->direction, "Reverse"))
		task->two_way = DP_TWO_WAY_YES;
	return r;
}

static const char *const markers[] = {
	"DtsJobId", "SourceEndpoint", "DestinationEndpoint",
	"SourceEndpoint/AliyunUid", "SourceEndpoint/RoleName",
	"DestinationEndpoint/AliyunUid", "DestinationEndpoint/RoleName",
	"JobType", NULL,
};

const struct dp_adapter dp_adapter_dts_describe = {
	.name = "dts-describe-job-detail",
	.description = "DTS DescribeDtsJobDetail response "
		       "(SourceEndpoint.AliyunUid / RoleName)",
	.markers = markers,
	.detect = detect,
	.load = load,
};
