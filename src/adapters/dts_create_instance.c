/*
 * dts_create_instance.c - DTS CreateDtsInstance request parameters: the
 * instance a task will run on, with its SyncArchitecture (oneway or
 * bidirectional), engines and regions.  It names no account or role;
 * associate.c merges it into the task of the same document or
 * directory, or keeps it as a task of its own.
 */
#include "config.h"

#include <errno.h>

#include "adapters.h"
#include "util.h"

static bool
detect(const struct dp_json *root)
{
	return root && root->kind == DP_JSON_OBJECT &&
	       dp_json_get(root, "Type") &&
	       !dp_json_get(root, "SourceEndpointInstanceType") &&
	       (dp_json_get(root, "SyncArchitecture") ||
		dp_json_get(root, "SourceRegion") ||
		dp_json_get(root, "DestinationRegion"));
}

static int
load(struct dp_adapt_ctx *ctx, const struct dp_json *root, const char *pointer)
{
	struct dp_task *task = dp_setup_add_task(ctx->setup);
	struct dp_endpoint *eps[] = {&task->source, &task->destination};
	static const char *const engine_keys[] = {
		"SourceEndpointEngineName", "DestinationEndpointEngineName",
	};
	static const char *const region_keys[] = {
		"SourceRegion", "DestinationRegion",
	};
	int r;

	if (!task)
		return -ENOMEM;
	task->shape = dp_adapter_dts_create_instance.name;
	task->instance_only = true;
	task->origin.source = (struct dp_source *)ctx->doc->source;
	task->origin.span = root->span;
	task->origin.pointer = pointer;
	r = dp_adapt_member(ctx, root, pointer, "Type", &task->job_type);
	if (r == 0)
		r = dp_adapt_member(ctx, root, pointer, "JobId", &task->job_id);
	if (r == 0)
		r = dp_adapt_member(ctx, root, pointer, "SyncArchitecture",
				    &task->sync_architecture);
	if (r < 0)
		return r;
	if (dp_value_ieq(&task->sync_architecture, "bidirectional"))
		task->two_way = DP_TWO_WAY_YES;
	else if (dp_value_ieq(&task->sync_architecture, "oneway"))
		task->two_way = DP_TWO_WAY_NO;
	for (size_t i = 0; i < 2; i++) {
		eps[i]->origin = task->origin;
		r = dp_adapt_member(ctx, root, pointer, engine_keys[i],
				    &eps[i]->engine);
		if (r == 0)
			r = dp_adapt_member(ctx, root, pointer, region_keys[i],
					    &eps[i]->region);
		if (r < 0)
			return r;
		dp_value_absent(&eps[i]->instance_type, &task->origin);
		dp_value_absent(&eps[i]->owner_uid, &task->origin);
		dp_value_absent(&eps[i]->role_name, &task->origin);
		dp_value_absent(&eps[i]->instance_id, &task->origin);
	}
	return 0;
}

static const char *const markers[] = {
	"Type", "SyncArchitecture", "SourceRegion", "DestinationRegion",
	"InstanceClass", "PayType", NULL,
};

const struct dp_adapter dp_adapter_dts_create_instance = {
	.name = "dts-create-instance",
	.description = "DTS CreateDtsInstance request (SyncArchitecture + Type)",
	.markers = markers,
	.detect = detect,
	.load = load,
};
