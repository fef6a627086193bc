/*
 * adapters.h - recognising export shapes and mapping them onto the
 * canonical model.  One file per shape; this header is their common
 * interface and the registry.  Shapes are told apart by content only.
 *
 * Ownership: adapters allocate everything in the setup's arena and borrow
 * the document, which must outlive the setup.
 */
#ifndef DP_ADAPTERS_H
#define DP_ADAPTERS_H

#include <stdbool.h>

#include "json.h"
#include "model.h"

/* What an adapter gets for one document (or one element of a top-level
 * array). */
struct dp_adapt_ctx {
	struct dp_setup *setup;
	const struct dp_doc *doc;
	const char *file_stem;  /* "ram-for-dts" for ram-for-dts.policies.json */
	const char *dir;        /* directory of the file, for association */
	const char *item_base;  /* non-NULL: the top-level array's
				   elements get pointers relative to it
				   (dp_setup_item_array(), model.h) */
};

struct dp_adapter {
	const char *name;          /* stable id: "ram-get-role" */
	const char *description;   /* "RAM GetRole response" */
	/* Keys whose presence suggests the shape: for "nearest shape". */
	const char *const *markers;
	bool (*detect)(const struct dp_json *root);
	/* Fills the setup from root (at JSON Pointer pointer).  0 or -errno. */
	int (*load)(struct dp_adapt_ctx *ctx, const struct dp_json *root,
		    const char *pointer);
};

/* The registry, NULL-terminated, in detection order. */
extern const struct dp_adapter *const dp_adapters[];

/* The adapter that recognises root, or NULL. */
const struct dp_adapter *dp_adapter_detect(const struct dp_json *root);

/* The adapter whose markers root matches best (for DP002's "nearest"),
 * with how many of its markers matched; NULL when none matched at all. */
const struct dp_adapter *dp_adapter_nearest(const struct dp_json *root,
					    unsigned *ret_matched);

/*
 * Adapts a whole document: the root, or each element of a top-level
 * array.  Sets *ret_recognised to how many shapes were recognised (0:
 * unknown document).  0 or -errno.
 */
int dp_adapt_document(struct dp_adapt_ctx *ctx, unsigned *ret_recognised);

/* Adapts element index of a top-level array (`jq -s` output: each may be
 * any shape); adds 1 to *recognised when its shape is known.  0 or
 * -errno. */
int dp_adapt_array_item(struct dp_adapt_ctx *ctx, const struct dp_json *item,
			size_t index, unsigned *recognised);

/* Helpers shared by adapters. */

/* A value from member key of obj (absent when missing), pointer built
 * from base + key.  0 or -ENOMEM. */
int dp_adapt_member(struct dp_adapt_ctx *ctx, const struct dp_json *obj,
		    const char *base, const char *key, struct dp_value *ret);

/* Reads a role's trust policy from a JSON-encoded string (parsed with
 * positions) or an inline object.  Leaves *ret_trust NULL when node is
 * absent or not valid JSON (the loader recorded DP003).  0 or -ENOMEM. */
int dp_adapt_trust(struct dp_adapt_ctx *ctx, const struct dp_json *node,
		   const char *pointer, struct dp_trust_policy **ret_trust);

/* A new task of this shape at root, with the members every DTS task
 * export shares read (DtsJobId, DtsJobName, JobType,
 * SynchronizationDirection).  0 or -ENOMEM; *ret_task set on success. */
int dp_adapt_task(struct dp_adapt_ctx *ctx, const struct dp_json *root,
		  const char *pointer, const char *shape,
		  struct dp_task **ret_task);

/* Fills role->arn and role->owner_uid (the account part of the ARN). */
int dp_adapt_role_arn(struct dp_adapt_ctx *ctx, struct dp_role *role,
		      const struct dp_json *arn_node, const char *pointer);

/* One attachment from the members name_key (policy name) and type_key
 * (System/Custom) of obj.  0 or -ENOMEM. */
int dp_adapt_attachment(struct dp_adapt_ctx *ctx, const struct dp_json *obj,
			const char *base, const char *name_key,
			const char *type_key, struct dp_attachment *ret);

/* The adapters. */
extern const struct dp_adapter dp_adapter_ram_role;
extern const struct dp_adapter dp_adapter_ram_list_roles;
extern const struct dp_adapter dp_adapter_ram_list_policies;
extern const struct dp_adapter dp_adapter_sts_caller_identity;
extern const struct dp_adapter dp_adapter_terraform;
extern const struct dp_adapter dp_adapter_ros;
extern const struct dp_adapter dp_adapter_ram_policy;
extern const struct dp_adapter dp_adapter_dts_legacy;
extern const struct dp_adapter dp_adapter_dts_create_instance;
extern const struct dp_adapter dp_adapter_policy_document;
extern const struct dp_adapter dp_adapter_dts_configure;
extern const struct dp_adapter dp_adapter_dts_describe;

#endif /* DP_ADAPTERS_H */
