/*
 * dts_legacy.c - the legacy DTS ConfigureMigrationJob request, whose
 * endpoints are SourceEndpoint / DestinationEndpoint structures with
 * OwnerID and Role, written as objects or as the flat dotted keys the
 * aliyun CLI takes (--SourceEndpoint.OwnerID).  Its spellings (Express,
 * LocalInstance, dg, cen) are the engine table's business, not this
 * file's.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "adapters.h"
#include "util.h"

static const struct {
	const char *name;
	size_t offset;
} fields[] = {
	{"InstanceType", offsetof(struct dp_endpoint, instance_type)},
	{"EngineName", offsetof(struct dp_endpoint, engine)},
	{"Region", offsetof(struct dp_endpoint, region)},
	{"OwnerID", offsetof(struct dp_endpoint, owner_uid)},
	{"Role", offsetof(struct dp_endpoint, role_name)},
	{"InstanceID", offsetof(struct dp_endpoint, instance_id)},
};

static bool
legacy_object(const struct dp_json *ep)
{
	return ep && ep->kind == DP_JSON_OBJECT &&
	       (dp_json_get(ep, "OwnerID") || dp_json_get(ep, "Role") ||
		(dp_json_get(ep, "InstanceType") &&
		 !dp_json_get(ep, "AliyunUid") && !dp_json_get(ep, "RoleName")));
}

static bool
detect(const struct dp_json *root)
{
	if (!root || root->kind != DP_JSON_OBJECT)
		return false;
	if (dp_json_get(root, "SourceEndpoint.InstanceType") ||
	    dp_json_get(root, "DestinationEndpoint.InstanceType"))
		return true;
	/* DescribeDtsJobDetail has the same objects with AliyunUid and
	 * RoleName: it is told apart by those and by DtsJobId. */
	if (dp_json_get(root, "DtsJobId"))
		return false;
	return legacy_object(dp_json_get(root, "SourceEndpoint")) ||
	       legacy_object(dp_json_get(root, "DestinationEndpoint"));
}

static int
load_endpoint(struct dp_adapt_ctx *ctx, const struct dp_json *root,
	      const char *pointer, const char *key, struct dp_endpoint *ep)
{
	const struct dp_json *obj = dp_json_get(root, key);
	const char *base = dp_json_pointer_join(ctx->setup->arena, pointer, key);
	char flat[64];
	int r;

	if (!base)
		return -ENOMEM;
	if (obj && obj->kind != DP_JSON_OBJECT)
		obj = NULL;
	ep->origin.source = (struct dp_source *)ctx->doc->source;
	ep->origin.span = obj ? obj->span : root->span;
	ep->origin.pointer = obj ? base : pointer;
	for (size_t i = 0; i < DP_ARRAY_SIZE(fields); i++) {
		struct dp_value *v = (struct dp_value *)((char *)ep +
							 fields[i].offset);

		if (obj) {
			r = dp_adapt_member(ctx, obj, base, fields[i].name, v);
		} else {
			r = snprintf(flat, sizeof(flat), "%s.%s", key,
				     fields[i].name);
			if (r < 0 || (size_t)r >= sizeof(flat))
				return -EINVAL;
			r = dp_adapt_member(ctx, root, pointer, flat, v);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int
load(struct dp_adapt_ctx *ctx, const struct dp_json *root, const char *pointer)
{
	struct dp_task *task = dp_setup_add_task(ctx->setup);
	const struct dp_json_member *id;
	int r;

	if (!task)
		return -ENOMEM;
	task->shape = dp_adapter_dts_legacy.name;
	task->origin.source = (struct dp_source *)ctx->doc->source;
	task->origin.span = root->span;
	task->origin.pointer = pointer;
	r = dp_adapt_member(ctx, root, pointer, "MigrationJobId", &task->job_id);
	if (r == 0)
		r = dp_adapt_member(ctx, root, pointer, "MigrationJobName",
				    &task->job_name);
	if (r < 0)
		return r;
	/* The operation itself says what the task is. */
	id = dp_json_member(root, "MigrationJobId");
	task->job_type.state = DP_VALUE_PRESENT;
	task->job_type.str = "MIGRATION";
	task->job_type.len = 9;
	task->job_type.origin = task->origin;
	if (id)
		task->job_type.origin.span = id->key_span;
	task->two_way = DP_TWO_WAY_NO; /* migration is one-way */
	r = load_endpoint(ctx, root, pointer, "SourceEndpoint", &task->source);
	if (r == 0)
		r = load_endpoint(ctx, root, pointer, "DestinationEndpoint",
				  &task->destination);
	return r;
}

static const char *const markers[] = {
	"MigrationJobId", "SourceEndpoint", "DestinationEndpoint",
	"SourceEndpoint/OwnerID", "SourceEndpoint/Role",
	"SourceEndpoint.InstanceType", "MigrationMode", NULL,
};

const struct dp_adapter dp_adapter_dts_legacy = {
	.name = "dts-configure-migration-job",
	.description = "DTS legacy ConfigureMigrationJob request "
		       "(SourceEndpoint.OwnerID / SourceEndpoint.Role)",
	.markers = markers,
	.detect = detect,
	.load = load,
};
