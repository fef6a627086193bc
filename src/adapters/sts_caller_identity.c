/*
 * sts_caller_identity.c - STS GetCallerIdentity responses
 * ({"AccountId", "Arn", "IdentityType", "UserId", ...}).  In a set of
 * exports this is the task-creator account: its AccountId becomes the
 * setup's creator UID.  Two exports naming different accounts make the
 * creator unknown (and say so) rather than picking one.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "adapters.h"
#include "util.h"

static bool
detect(const struct dp_json *root)
{
	return root && root->kind == DP_JSON_OBJECT &&
	       dp_json_get(root, "AccountId") &&
	       (dp_json_get(root, "IdentityType") || dp_json_get(root, "Arn"));
}

static bool
same_text(const struct dp_value *a, const struct dp_value *b)
{
	return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
}

static int
load(struct dp_adapt_ctx *ctx, const struct dp_json *root, const char *pointer)
{
	struct dp_setup *setup = ctx->setup;
	struct dp_value *creator = &setup->creator_uid;
	struct dp_value account;
	char *text;
	int r;

	r = dp_adapt_member(ctx, root, pointer, "AccountId", &account);
	if (r < 0 || account.state != DP_VALUE_PRESENT)
		return r;
	if (creator->state == DP_VALUE_ABSENT) {
		*creator = account;
		return 0;
	}
	if (creator->state == DP_VALUE_PRESENT && same_text(creator, &account))
		return 0;
	if (creator->state == DP_VALUE_PRESENT) {
		text = dp_arena_printf(setup->arena,
				       "GetCallerIdentity exports name two "
				       "accounts, %s (%s) and %s: the task "
				       "creator is not guessed; give "
				       "--creator-uid, or lint each setup on "
				       "its own",
				       creator->str,
				       creator->origin.source
					       ? creator->origin.source->path
					       : "-",
				       account.str);
		if (!text)
			return -ENOMEM;
		creator->state = DP_VALUE_UNKNOWN;
		creator->unknown_why = "conflicting GetCallerIdentity exports";
		return dp_setup_add_note(setup, &account.origin, text);
	}
	/* Already in conflict: one more account changes nothing. */
	return 0;
}

static const char *const markers[] = {
	"AccountId", "Arn", "IdentityType", "PrincipalId", "UserId", NULL,
};

const struct dp_adapter dp_adapter_sts_caller_identity = {
	.name = "sts-get-caller-identity",
	.description = "STS GetCallerIdentity response "
		       "(AccountId + Arn + IdentityType)",
	.markers = markers,
	.detect = detect,
	.load = load,
};
