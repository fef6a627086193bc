/*
 * fields.c - the named fields of the canonical model that rules select,
 * test in "where" and print in templates: values the model stores, and
 * values computed from it (canonical names, yes/no flags, lookups across
 * the setup such as "the roles exported for this endpoint's account").
 * It decides nothing about what is right or wrong: that is rule data.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rule_check.h"
#include "util.h"

/* ---- helpers ------------------------------------------------------- */

static const struct dp_value *
one(const struct dp_value *v, size_t i)
{
	return i == 0 ? v : NULL;
}

static size_t
field_index(const struct dp_field *field);

/* A computed value in field's scratch slot; NULL without scratch. */
static const struct dp_value *
computed(const struct dp_field *field, const struct dp_ctx *ctx,
	 const char *text, const struct dp_origin *origin)
{
	struct dp_value *v;

	if (!ctx->scratch || !text)
		return NULL;
	v = &ctx->scratch[field_index(field)];
	memset(v, 0, sizeof(*v));
	v->state = DP_VALUE_PRESENT;
	v->str = text;
	v->len = (uint32_t)strlen(text);
	if (origin)
		v->origin = *origin;
	return v;
}

static const char *
yes_no(bool b)
{
	return b ? "true" : "false";
}

static bool
values_equal(const struct dp_value *a, const struct dp_value *b)
{
	return dp_value_given(a) && dp_value_given(b) && a->len == b->len &&
	       memcmp(a->str, b->str, a->len) == 0;
}

/* Does endpoint ep name role (by name, or by the name inside an ARN typed
 * there, as rules.md counts it), in the same account when both say? */
static bool
endpoint_names_role(const struct dp_endpoint *ep, const struct dp_role *role)
{
	const char *s = ep->role_name.str;
	size_t len = ep->role_name.len;

	if (!dp_value_given(&ep->role_name) || !dp_value_given(&role->name))
		return false;
	for (size_t i = len; i >= 5; i--)
		if (memcmp(s + i - 5, "role/", 5) == 0) {
			s += i;
			len -= i;
			break;
		}
	if (len != role->name.len || memcmp(s, role->name.str, len) != 0)
		return false;
	if (dp_value_given(&ep->owner_uid) && dp_value_given(&role->owner_uid))
		return values_equal(&ep->owner_uid, &role->owner_uid);
	return true;
}

/* ---- endpoints ----------------------------------------------------- */

/* Which endpoint a field reads: the context's, the other one of its
 * task, or the task's source or destination. */
enum ep_variant {
	EP_SELF,
	EP_PEER,
	EP_SOURCE,
	EP_DESTINATION,
};

enum ep_part {
	EP_INSTANCE_TYPE,
	EP_ENGINE,
	EP_REGION,
	EP_OWNER_UID,
	EP_ROLE_NAME,
	EP_INSTANCE_ID,
	EP_ACCESS_METHOD,
	EP_DATABASE_TYPE,
	EP_WHICH,
	EP_CROSS_ACCOUNT,
	EP_RECEIVES_DATA,
	EP_OWNER_ROLES,
	EP_ROLE_OWNERS,
};

#define EP_ARG(variant, part) ((unsigned)(variant) << 8 | (unsigned)(part))

static const struct dp_endpoint *
variant_endpoint(const struct dp_ctx *ctx, enum ep_variant variant)
{
	const struct dp_task *task = ctx->task;

	switch (variant) {
	case EP_SELF:
		return ctx->endpoint;
	case EP_PEER:
		if (!ctx->endpoint || !task)
			return NULL;
		return ctx->endpoint == &task->source ? &task->destination
						      : &task->source;
	case EP_SOURCE:
		return task ? &task->source : NULL;
	case EP_DESTINATION:
		return task ? &task->destination : NULL;
	}
	return NULL;
}

/* The i-th exported role in ep's owner account (EP_OWNER_ROLES: its name)
 * or named like ep's role (EP_ROLE_OWNERS: its account). */
static const struct dp_value *
role_lookup(const struct dp_ctx *ctx, const struct dp_endpoint *ep,
	    enum ep_part part, size_t i)
{
	const struct dp_setup *setup = ctx->setup;
	struct dp_role *const *hits;
	size_t seen = 0, n_hits;

	/* The i-th of the roles in the owner's account (or with the role's
	 * name) straight from the sorted index: walking every role for
	 * every i made DP601/DP602 roles^2 per endpoint. */
	if (dp_setup_roles_with(setup, part == EP_OWNER_ROLES,
				part == EP_OWNER_ROLES ? &ep->owner_uid
						       : &ep->role_name,
				&hits, &n_hits)) {
		if (i >= n_hits)
			return NULL;
		return part == EP_OWNER_ROLES ? &hits[i]->name
					      : &hits[i]->owner_uid;
	}
	for (size_t r = 0; r < setup->n_roles; r++) {
		const struct dp_role *role = setup->roles[r];
		bool hit;

		if (part == EP_OWNER_ROLES)
			hit = values_equal(&role->owner_uid, &ep->owner_uid) &&
			      dp_value_given(&role->name);
		else
			hit = values_equal(&role->name, &ep->role_name) &&
			      dp_value_given(&role->owner_uid);
		if (hit && seen++ == i)
			return part == EP_OWNER_ROLES ? &role->name
						      : &role->owner_uid;
	}
	return NULL;
}

/* Is text among ep's owner roles (EP_OWNER_ROLES: a role of that name in
 * ep's owner account) or role owners (EP_ROLE_OWNERS: a role named like
 * ep's role in account text)?  Both ask for one (account, name) pair:
 * the shorter of the two index ranges is scanned, so an account of
 * 20,000 roles costs a binary search, not 20,000 comparisons. */
static enum dp_holds
holds_endpoint(const struct dp_field *field, const struct dp_ctx *ctx,
	       const char *text, size_t len)
{
	const struct dp_endpoint *ep = variant_endpoint(ctx, field->arg >> 8);
	enum ep_part part = field->arg & 0xff;
	bool by_owner = part == EP_OWNER_ROLES;
	const struct dp_value *key;
	struct dp_value wanted = {.state = DP_VALUE_PRESENT, .str = text,
				  .len = (uint32_t)len};
	struct dp_role *const *with_key, *const *with_text;
	size_t n_key, n_text;

	if (!ep)
		return DP_HOLDS_NOTHING; /* get_endpoint() has no value either */
	key = by_owner ? &ep->owner_uid : &ep->role_name;
	if ((part != EP_OWNER_ROLES && part != EP_ROLE_OWNERS) ||
	    len > UINT32_MAX ||
	    !dp_setup_roles_with(ctx->setup, by_owner, key, &with_key, &n_key) ||
	    !dp_setup_roles_with(ctx->setup, !by_owner, &wanted, &with_text,
				 &n_text))
		return DP_HOLDS_UNKNOWN;
	if (n_key == 0)
		return DP_HOLDS_NOTHING;
	if (n_key <= n_text) {
		for (size_t k = 0; k < n_key; k++)
			if (values_equal(by_owner ? &with_key[k]->name
						  : &with_key[k]->owner_uid,
					 &wanted))
				return DP_HOLDS_YES;
	} else {
		for (size_t k = 0; k < n_text; k++)
			if (values_equal(by_owner ? &with_text[k]->owner_uid
						  : &with_text[k]->name,
					 key))
				return DP_HOLDS_YES;
	}
	return DP_HOLDS_NO;
}

static const struct dp_value *get_endpoint(const struct dp_field *field,
					   const struct dp_ctx *ctx, size_t i);

/* Every owner role or role owner of ep in get_endpoint()'s order, from
 * one search of the index rather than one per value. */
static int
each_endpoint(const struct dp_field *field, const struct dp_ctx *ctx,
	      dp_value_fn fn, void *data)
{
	const struct dp_endpoint *ep = variant_endpoint(ctx, field->arg >> 8);
	enum ep_part part = field->arg & 0xff;
	struct dp_role *const *hits;
	const struct dp_value *v;
	size_t n_hits;
	int r;

	if (ep && (part == EP_OWNER_ROLES || part == EP_ROLE_OWNERS) &&
	    dp_setup_roles_with(ctx->setup, part == EP_OWNER_ROLES,
				part == EP_OWNER_ROLES ? &ep->owner_uid
						       : &ep->role_name,
				&hits, &n_hits)) {
		for (size_t k = 0; k < n_hits; k++)
			if ((r = fn(data, part == EP_OWNER_ROLES
						  ? &hits[k]->name
						  : &hits[k]->owner_uid)))
				return r;
		return 0;
	}
	for (size_t i = 0; (v = get_endpoint(field, ctx, i)); i++)
		if ((r = fn(data, v)))
			return r;
	return 0;
}

static const struct dp_value *
get_endpoint(const struct dp_field *field, const struct dp_ctx *ctx, size_t i)
{
	const struct dp_endpoint *ep = variant_endpoint(ctx, field->arg >> 8);
	enum ep_part part = field->arg & 0xff;
	const struct dp_value *from;
	const char *text;

	if (!ep)
		return NULL;
	switch (part) {
	case EP_INSTANCE_TYPE:
		return one(&ep->instance_type, i);
	case EP_ENGINE:
		return one(&ep->engine, i);
	case EP_REGION:
		return one(&ep->region, i);
	case EP_OWNER_UID:
		return one(&ep->owner_uid, i);
	case EP_ROLE_NAME:
		return one(&ep->role_name, i);
	case EP_INSTANCE_ID:
		return one(&ep->instance_id, i);
	case EP_ACCESS_METHOD:
	case EP_DATABASE_TYPE:
		/* A canonical name points where the API name was written; a
		 * value that cannot be checked stays that way. */
		from = part == EP_ACCESS_METHOD ? &ep->instance_type : &ep->engine;
		text = part == EP_ACCESS_METHOD ? ep->access_method
						: ep->database_type;
		if (i != 0)
			return NULL;
		if (!text)
			return from->state == DP_VALUE_UNKNOWN ? from : NULL;
		return computed(field, ctx, text, from->state == DP_VALUE_ABSENT
						  ? &ep->origin : &from->origin);
	case EP_WHICH:
		return i == 0 ? computed(field, ctx, ep->which, &ep->origin) : NULL;
	case EP_CROSS_ACCOUNT:
		return i == 0 ? computed(field, ctx, yes_no(ep->cross_account),
					 &ep->origin) : NULL;
	case EP_RECEIVES_DATA:
		/* Data flows into the destination, and into both ends of a
		 * two-way synchronization. */
		if (i != 0 || !ctx->task)
			return NULL;
		return computed(field, ctx,
				yes_no(ep == &ctx->task->destination ||
				       ctx->task->two_way == DP_TWO_WAY_YES),
				&ep->origin);
	case EP_OWNER_ROLES:
	case EP_ROLE_OWNERS:
		return role_lookup(ctx, ep, part, i);
	}
	return NULL;
}

/* ---- tasks ----------------------------------------------------------- */

enum task_part {
	TASK_JOB_TYPE,
	TASK_DIRECTION,
	TASK_TWO_WAY,
	TASK_CROSS_ACCOUNT,
};

static const struct dp_value *
get_task(const struct dp_field *field, const struct dp_ctx *ctx, size_t i)
{
	const struct dp_task *task = ctx->task;
	const struct dp_origin *where;

	if (!task)
		return NULL;
	switch ((enum task_part)field->arg) {
	case TASK_JOB_TYPE:
		return one(&task->job_type, i);
	case TASK_DIRECTION:
		return one(&task->direction, i);
	case TASK_TWO_WAY:
		/* Unknown stays absent: "yes" and "no" are what an export said. */
		if (i != 0 || task->two_way == DP_TWO_WAY_UNKNOWN)
			return NULL;
		where = dp_value_given(&task->sync_architecture)
				? &task->sync_architecture.origin
			: dp_value_given(&task->direction) ? &task->direction.origin
							   : &task->origin;
		return computed(field, ctx, task->two_way == DP_TWO_WAY_YES
					    ? "yes" : "no", where);
	case TASK_CROSS_ACCOUNT:
		return i == 0 ? computed(field, ctx,
					 yes_no(task->source.cross_account ||
						task->destination.cross_account),
					 &task->origin) : NULL;
	}
	return NULL;
}

/* ---- roles ----------------------------------------------------------- */

enum role_part {
	ROLE_NAME,
	ROLE_ARN,
	ROLE_OWNER_UID,
	ROLE_KIND,
	ROLE_ATTACHMENTS,
	ROLE_ATTACHMENTS_EXPORTED,
	ROLE_NAMED_BY_TASK,
	ROLE_ENDPOINT_ACCESS_METHOD,
};

/* The i-th task endpoint that names role. */
static const struct dp_endpoint *
nth_endpoint_of(const struct dp_setup *setup, const struct dp_role *role,
		size_t i)
{
	struct dp_endpoint *const *eps_named;
	size_t seen = 0, n_named;

	/* Only the endpoints that mean role's name, from the sorted index:
	 * walking every task for every role and every i was roles x tasks
	 * (a 10,000-role plan took 19 s). */
	if (dp_setup_endpoints_naming(setup, &role->name, &eps_named,
				      &n_named)) {
		for (size_t k = 0; k < n_named; k++)
			if (endpoint_names_role(eps_named[k], role) &&
			    seen++ == i)
				return eps_named[k];
		return NULL;
	}
	for (size_t t = 0; t < setup->n_tasks; t++) {
		const struct dp_endpoint *eps[] = {&setup->tasks[t]->source,
						   &setup->tasks[t]->destination};

		for (size_t e = 0; e < 2; e++)
			if (endpoint_names_role(eps[e], role) && seen++ == i)
				return eps[e];
	}
	return NULL;
}

/* role.endpoint.access_method's value for an endpoint naming the role. */
static const struct dp_value *
access_method_of(const struct dp_field *field, const struct dp_ctx *ctx,
		 const struct dp_endpoint *ep)
{
	if (ep->access_method)
		return computed(field, ctx, ep->access_method,
				&ep->instance_type.origin);
	if (ep->instance_type.state == DP_VALUE_UNKNOWN)
		return &ep->instance_type;
	return computed(field, ctx, "", &ep->origin); /* not known */
}

/* Every value of role.endpoint.access_method in get_role()'s order, in
 * one pass over the endpoints naming the role: asking get_role() for
 * each i restarted the pass, so a role named by 20,000 tasks cost
 * 20,000^2 / 2 steps. */
static int
each_role(const struct dp_field *field, const struct dp_ctx *ctx,
	  dp_value_fn fn, void *data)
{
	const struct dp_role *role = ctx->role;
	const struct dp_setup *setup = ctx->setup;
	struct dp_endpoint *const *eps_named;
	const struct dp_value *v;
	size_t n_named;
	int r;

	if (!role || field->arg != ROLE_ENDPOINT_ACCESS_METHOD) {
		for (size_t i = 0; (v = dp_field_get(field, ctx, i)); i++)
			if ((r = fn(data, v)))
				return r;
		return 0;
	}
	if (dp_setup_endpoints_naming(setup, &role->name, &eps_named,
				      &n_named)) {
		for (size_t k = 0; k < n_named; k++) {
			if (!endpoint_names_role(eps_named[k], role))
				continue;
			/* NULL (no scratch) ends the values, as in get. */
			v = access_method_of(field, ctx, eps_named[k]);
			if (!v)
				return 0;
			if ((r = fn(data, v)))
				return r;
		}
		return 0;
	}
	for (size_t t = 0; t < setup->n_tasks; t++) {
		const struct dp_endpoint *eps[] = {&setup->tasks[t]->source,
						   &setup->tasks[t]->destination};

		for (size_t e = 0; e < 2; e++) {
			if (!endpoint_names_role(eps[e], role))
				continue;
			v = access_method_of(field, ctx, eps[e]);
			if (!v)
				return 0;
			if ((r = fn(data, v)))
				return r;
		}
	}
	return 0;
}

static const struct dp_value *
get_role(const struct dp_field *field, const struct dp_ctx *ctx, size_t i)
{
	static const char *const kinds[] = {
		[DP_ROLE_OTHER] = "other",
		[DP_ROLE_DEFAULT] = "default",
		[DP_ROLE_CROSS_ACCOUNT] = "cross-account",
	};
	const struct dp_role *role = ctx->role;
	const struct dp_endpoint *ep;

	if (!role)
		return NULL;
	switch ((enum role_part)field->arg) {
	case ROLE_NAME:
		return one(&role->name, i);
	case ROLE_ARN:
		return one(&role->arn, i);
	case ROLE_OWNER_UID:
		return one(&role->owner_uid, i);
	case ROLE_KIND:
		return i == 0 && (size_t)role->kind < DP_ARRAY_SIZE(kinds)
			       ? computed(field, ctx, kinds[role->kind], &role->origin)
			       : NULL;
	case ROLE_ATTACHMENTS:
		/* The list as a whole (like "trust"): only when exported. */
		if (i != 0 || !role->has_attachments)
			return NULL;
		return computed(field, ctx, "",
				role->attachments_origin.source
					? &role->attachments_origin : &role->origin);
	case ROLE_ATTACHMENTS_EXPORTED:
		return i == 0 ? computed(field, ctx, yes_no(role->has_attachments),
					 &role->origin) : NULL;
	case ROLE_NAMED_BY_TASK:
		return i == 0 ? computed(field, ctx, yes_no(role->named_by_task),
					 &role->origin) : NULL;
	case ROLE_ENDPOINT_ACCESS_METHOD:
		/* Several values, one per endpoint: a scratch slot holds only
		 * one at a time, which is all a reader of values needs. */
		ep = nth_endpoint_of(ctx->setup, role, i);
		return ep ? access_method_of(field, ctx, ep) : NULL;
	}
	return NULL;
}

/* ---- trust policies, attachments, the setup ----------------------- */

enum trust_part {
	TRUST_DOCUMENT,
	TRUST_VERSION,
	TRUST_EFFECT,
	TRUST_ACTION,
	TRUST_PRINCIPAL,
	TRUST_PRINCIPAL_UID,
	TRUST_PRINCIPAL_REST,
	TRUST_STRING,
	ATTACHMENT_NAME,
	ATTACHMENT_TYPE,
	SETUP_CREATOR_UID,
};

static const struct dp_value *
get_other(const struct dp_field *field, const struct dp_ctx *ctx, size_t i)
{
	switch ((enum trust_part)field->arg) {
	case TRUST_DOCUMENT:
		return ctx->trust ? one(&ctx->trust->document, i) : NULL;
	case TRUST_VERSION:
		return ctx->trust ? one(&ctx->trust->version, i) : NULL;
	case TRUST_EFFECT:
		return ctx->statement ? one(&ctx->statement->effect, i) : NULL;
	case TRUST_ACTION:
		if (!ctx->statement || i >= ctx->statement->n_actions)
			return NULL;
		return &ctx->statement->actions[i];
	case TRUST_PRINCIPAL:
		return ctx->principal ? one(&ctx->principal->value, i) : NULL;
	case TRUST_PRINCIPAL_UID:
		return ctx->principal ? one(&ctx->principal->uid, i) : NULL;
	case TRUST_PRINCIPAL_REST:
		return ctx->principal ? one(&ctx->principal->rest, i) : NULL;
	case TRUST_STRING:
		return ctx->string ? one(ctx->string, i) : NULL;
	case ATTACHMENT_NAME:
		return ctx->attachment ? one(&ctx->attachment->name, i) : NULL;
	case ATTACHMENT_TYPE:
		return ctx->attachment ? one(&ctx->attachment->type, i) : NULL;
	case SETUP_CREATOR_UID:
		return one(&ctx->setup->creator_uid, i);
	}
	return NULL;
}

/* ---- the table --------------------------------------------------- */

#define FIELD(n, lvl, fn, a) \
	{.name = n, .level = DP_LEVEL_##lvl, .get = fn, .arg = (a)}

/* A field of several values read from an index: it can say at once
 * whether it holds one, and list them all in one go. */
#define FIELD_INDEXED(n, lvl, fn, a, h, e)                                   \
	{.name = n, .level = DP_LEVEL_##lvl, .get = fn, .arg = (a),          \
	 .holds = h, .each = e}

#define ENDPOINT_FIELDS(prefix, lvl, variant)                                   \
	FIELD(prefix ".instance_type", lvl, get_endpoint,                      \
	      EP_ARG(variant, EP_INSTANCE_TYPE)),                              \
	FIELD(prefix ".engine", lvl, get_endpoint, EP_ARG(variant, EP_ENGINE)), \
	FIELD(prefix ".region", lvl, get_endpoint, EP_ARG(variant, EP_REGION)), \
	FIELD(prefix ".owner_uid", lvl, get_endpoint,                          \
	      EP_ARG(variant, EP_OWNER_UID)),                                  \
	FIELD(prefix ".role_name", lvl, get_endpoint,                          \
	      EP_ARG(variant, EP_ROLE_NAME)),                                  \
	FIELD(prefix ".instance_id", lvl, get_endpoint,                        \
	      EP_ARG(variant, EP_INSTANCE_ID)),                                \
	FIELD(prefix ".access_method", lvl, get_endpoint,                      \
	      EP_ARG(variant, EP_ACCESS_METHOD)),                              \
	FIELD(prefix ".database_type", lvl, get_endpoint,                      \
	      EP_ARG(variant, EP_DATABASE_TYPE)),                              \
	FIELD(prefix ".which", lvl, get_endpoint, EP_ARG(variant, EP_WHICH)),   \
	FIELD(prefix ".cross_account", lvl, get_endpoint,                      \
	      EP_ARG(variant, EP_CROSS_ACCOUNT)),                              \
	FIELD(prefix ".receives_data", lvl, get_endpoint,                      \
	      EP_ARG(variant, EP_RECEIVES_DATA)),                              \
	FIELD_INDEXED(prefix ".owner_roles", lvl, get_endpoint,                \
		      EP_ARG(variant, EP_OWNER_ROLES), holds_endpoint,         \
		      each_endpoint),                                          \
	FIELD_INDEXED(prefix ".role_owners", lvl, get_endpoint,                \
		      EP_ARG(variant, EP_ROLE_OWNERS), holds_endpoint,         \
		      each_endpoint)

static const struct dp_field field_table[] = {
	ENDPOINT_FIELDS("endpoint", ENDPOINT, EP_SELF),
	ENDPOINT_FIELDS("peer", ENDPOINT, EP_PEER),
	ENDPOINT_FIELDS("source", TASK, EP_SOURCE),
	ENDPOINT_FIELDS("destination", TASK, EP_DESTINATION),
	FIELD("task.job_type", TASK, get_task, TASK_JOB_TYPE),
	FIELD("task.direction", TASK, get_task, TASK_DIRECTION),
	FIELD("task.two_way", TASK, get_task, TASK_TWO_WAY),
	FIELD("task.cross_account", TASK, get_task, TASK_CROSS_ACCOUNT),
	FIELD("role.name", ROLE, get_role, ROLE_NAME),
	FIELD("role.arn", ROLE, get_role, ROLE_ARN),
	FIELD("role.owner_uid", ROLE, get_role, ROLE_OWNER_UID),
	FIELD("role.kind", ROLE, get_role, ROLE_KIND),
	FIELD("role.attachments", ROLE, get_role, ROLE_ATTACHMENTS),
	FIELD("role.attachments_exported", ROLE, get_role,
	      ROLE_ATTACHMENTS_EXPORTED),
	FIELD("role.named_by_task", ROLE, get_role, ROLE_NAMED_BY_TASK),
	FIELD_INDEXED("role.endpoint.access_method", ROLE, get_role,
		      ROLE_ENDPOINT_ACCESS_METHOD, NULL, each_role),
	FIELD("trust", TRUST, get_other, TRUST_DOCUMENT),
	FIELD("trust.version", TRUST, get_other, TRUST_VERSION),
	FIELD("statement.effect", STATEMENT, get_other, TRUST_EFFECT),
	FIELD("statement.action", STATEMENT, get_other, TRUST_ACTION),
	FIELD("principal.ram", PRINCIPAL_RAM, get_other, TRUST_PRINCIPAL),
	FIELD("principal.ram.uid", PRINCIPAL_RAM, get_other, TRUST_PRINCIPAL_UID),
	FIELD("principal.ram.rest", PRINCIPAL_RAM, get_other, TRUST_PRINCIPAL_REST),
	FIELD("principal.service", PRINCIPAL_SERVICE, get_other, TRUST_PRINCIPAL),
	FIELD("principal.service.uid", PRINCIPAL_SERVICE, get_other,
	      TRUST_PRINCIPAL_UID),
	FIELD("principal.service.host", PRINCIPAL_SERVICE, get_other,
	      TRUST_PRINCIPAL_REST),
	FIELD("principal.federated", PRINCIPAL_FEDERATED, get_other,
	      TRUST_PRINCIPAL),
	FIELD("trust.string", TRUST_STRING, get_other, TRUST_STRING),
	FIELD("attachment.name", ATTACHMENT, get_other, ATTACHMENT_NAME),
	FIELD("attachment.type", ATTACHMENT, get_other, ATTACHMENT_TYPE),
	FIELD("creator_uid", SETUP, get_other, SETUP_CREATOR_UID),
};

static size_t
field_index(const struct dp_field *field)
{
	return (size_t)(field - field_table);
}

const struct dp_field *
dp_field_find(const char *name)
{
	for (size_t i = 0; i < DP_ARRAY_SIZE(field_table); i++)
		if (strcmp(field_table[i].name, name) == 0)
			return &field_table[i];
	return NULL;
}

size_t
dp_field_count(void)
{
	return DP_ARRAY_SIZE(field_table);
}

const struct dp_field *
dp_field_at(size_t i)
{
	return i < DP_ARRAY_SIZE(field_table) ? &field_table[i] : NULL;
}

const char *
dp_level_name(enum dp_level level)
{
	static const char *const names[DP_LEVEL__COUNT] = {
		[DP_LEVEL_DIAG] = "diagnostic",
		[DP_LEVEL_DOCUMENT] = "document",
		[DP_LEVEL_SETUP] = "setup",
		[DP_LEVEL_TASK] = "task",
		[DP_LEVEL_ENDPOINT] = "endpoint",
		[DP_LEVEL_ROLE] = "role",
		[DP_LEVEL_TRUST] = "trust",
		[DP_LEVEL_STATEMENT] = "statement",
		[DP_LEVEL_PRINCIPAL_RAM] = "principal.ram",
		[DP_LEVEL_PRINCIPAL_SERVICE] = "principal.service",
		[DP_LEVEL_PRINCIPAL_FEDERATED] = "principal.federated",
		[DP_LEVEL_TRUST_STRING] = "trust.string",
		[DP_LEVEL_ATTACHMENT] = "attachment",
	};

	return (unsigned)level < DP_LEVEL__COUNT && names[level] ? names[level]
								  : "?";
}
