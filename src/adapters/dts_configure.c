/*
 * dts_configure.c - DTS ConfigureDtsJob request parameters (API
 * 2020-01-01): one flat object with Source/DestinationEndpoint* keys, as
 * saved for the aliyun CLI or an SDK call.  Passwords in it are masked by
 * the run, never read here.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "adapters.h"
#include "util.h"

static bool
detect(const struct dp_json *root)
{
	return root && root->kind == DP_JSON_OBJECT &&
	       (dp_json_get(root, "SourceEndpointInstanceType") ||
		dp_json_get(root, "DestinationEndpointInstanceType"));
}

/* Reads the keys "<prefix>InstanceType", ... of one endpoint. */
static int
load_endpoint(struct dp_adapt_ctx *ctx, const struct dp_json *root,
	      const char *pointer, const char *prefix, struct dp_endpoint *ep)
{
	static const struct {
		const char *suffix;
		size_t offset;
	} fields[] = {
		{"InstanceType", offsetof(struct dp_endpoint, instance_type)},
		{"EngineName", offsetof(struct dp_endpoint, engine)},
		{"Region", offsetof(struct dp_endpoint, region)},
		{"OwnerID", offsetof(struct dp_endpoint, owner_uid)},
		{"Role", offsetof(struct dp_endpoint, role_name)},
		{"InstanceID", offsetof(struct dp_endpoint, instance_id)},
	};
	char key[64];
	int r;

	ep->origin.source = (struct dp_source *)ctx->doc->source;
	ep->origin.span = root->span;
	ep->origin.pointer = pointer;
	for (size_t i = 0; i < DP_ARRAY_SIZE(fields); i++) {
		struct dp_value *v = (struct dp_value *)((char *)ep +
							 fields[i].offset);

		r = snprintf(key, sizeof(key), "%s%s", prefix, fields[i].suffix);
		if (r < 0 || (size_t)r >= sizeof(key))
			return -EINVAL;
		r = dp_adapt_member(ctx, root, pointer, key, v);
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

	r = dp_adapt_task(ctx, root, pointer, dp_adapter_dts_configure.name,
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
	"SourceEndpointInstanceType", "DestinationEndpointInstanceType",
	"SourceEndpointOwnerID", "SourceEndpointRole",
	"DestinationEndpointOwnerID", "DestinationEndpointRole",
	"DtsJobName", "JobType", NULL,
};

const struct dp_adapter dp_adapter_dts_configure = {
	.name = "dts-configure-job",
	.description = "DTS ConfigureDtsJob parameters "
		       "(SourceEndpointInstanceType, ...)",
	.markers = markers,
	.detect = detect,
	.load = load,
};
