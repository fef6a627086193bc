/*
 * associate.c - one setup out of many documents: merges a ListRoles
 * record into the GetRole record of the same role, gives every
 * attachment list its role (by name, by file stem, by being the only
 * role of its document or directory), and notes what it cannot place.
 * It reads no JSON (adapters/) and judges nothing (rules/).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "associate.h"
#include "util.h"

/* Length of the directory part of path ("" and "x.json" -> 0). */
static size_t
dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (size_t)(slash - path) : 0;
}

bool
dp_associate_same_dir(const struct dp_source *a, const struct dp_source *b)
{
	size_t la, lb;

	if (!a || !b)
		return false;
	la = dir_len(a->path);
	lb = dir_len(b->path);
	return la == lb && memcmp(a->path, b->path, la) == 0;
}

static bool
same_text(const struct dp_value *a, const struct dp_value *b)
{
	return dp_value_given(a) && dp_value_given(b) && a->len == b->len &&
	       memcmp(a->str, b->str, a->len) == 0;
}

/* ---- duplicate role records ----------------------------------------- */

/* A ListRoles record (no trust policy) of a role that another document
 * describes more fully is the same role: keep only the fuller record,
 * so that a role is counted and checked once. */
static void
merge_duplicate_roles(struct dp_setup *setup)
{
	size_t kept = 0;

	for (size_t j = 0; j < setup->n_roles; j++) {
		struct dp_role *role = setup->roles[j];
		bool duplicate = false;

		for (size_t i = 0; i < setup->n_roles && !duplicate; i++) {
			const struct dp_role *other = setup->roles[i];

			if (i == j || !same_text(&role->name, &other->name) ||
			    !same_text(&role->owner_uid, &other->owner_uid))
				continue;
			/* Drop the poorer record; of two equal ones, the
			 * later. */
			if (role->trust)
				continue;
			duplicate = other->trust || i < j;
		}
		if (!duplicate)
			setup->roles[kept++] = role;
	}
	setup->n_roles = kept;
}

/* ---- attachment lists ----------------------------------------------- */

/* Counts what fits and keeps it while it is the only one. */
struct candidates {
	void *only;  /* the single candidate, when n == 1 */
	size_t n;
};

static void
add_candidate(struct candidates *c, void *candidate)
{
	c->only = c->n == 0 ? candidate : NULL;
	c->n++;
}

static bool
name_is(const struct dp_value *name, const char *s, bool ignore_case)
{
	size_t len = strlen(s);

	if (!dp_value_given(name) || name->len != len)
		return false;
	return ignore_case ? dp_ascii_ieq(name->str, name->len, s, len)
			   : memcmp(name->str, s, len) == 0;
}

/* Of the roles named name: the one in the list's document, else the one
 * in its directory, else the only one.  *ret_n says how many had the
 * name (for the note when none could be chosen). */
static struct dp_role *
role_by_name(const struct dp_setup *setup, const struct dp_attachment_list *l,
	     const char *name, size_t *ret_n)
{
	struct candidates any = {0}, dir = {0}, doc = {0};

	for (int ignore_case = 0; ignore_case < 2 && any.n == 0; ignore_case++)
		for (size_t i = 0; i < setup->n_roles; i++) {
			struct dp_role *role = setup->roles[i];

			if (!name_is(&role->name, name, ignore_case))
				continue;
			add_candidate(&any, role);
			if (role->origin.source == l->origin.source)
				add_candidate(&doc, role);
			if (dp_associate_same_dir(role->origin.source,
						  l->origin.source))
				add_candidate(&dir, role);
		}
	*ret_n = any.n;
	if (doc.n)
		return doc.only;
	if (dir.n)
		return dir.only;
	return any.only;
}

/* The only named role of the list's document, else of its directory. */
static struct dp_role *
only_role_near(const struct dp_setup *setup, const struct dp_attachment_list *l,
	       size_t *ret_in_dir)
{
	struct candidates dir = {0}, doc = {0};

	for (size_t i = 0; i < setup->n_roles; i++) {
		struct dp_role *role = setup->roles[i];

		if (!dp_value_given(&role->name))
			continue;
		if (role->origin.source == l->origin.source)
			add_candidate(&doc, role);
		if (dp_associate_same_dir(role->origin.source, l->origin.source))
			add_candidate(&dir, role);
	}
	*ret_in_dir = dir.n;
	return doc.n ? doc.only : dir.only;
}

static int
attach(struct dp_setup *setup, struct dp_role *role,
       const struct dp_attachment_list *l)
{
	struct dp_attachment *all;
	size_t n;

	if (!role->has_attachments || role->n_attachments == 0)
		role->attachments_origin = l->origin;
	role->has_attachments = true;
	if (role->n_attachments == 0) {
		role->attachments = l->attachments;
		role->n_attachments = l->n_attachments;
		return 0;
	}
	/* Several lists for one role (Terraform: one resource per policy). */
	n = role->n_attachments + l->n_attachments;
	if (n == role->n_attachments)
		return 0;
	all = dp_arena_alloc(setup->arena, n * sizeof(*all));
	if (!all)
		return -ENOMEM;
	memcpy(all, role->attachments, role->n_attachments * sizeof(*all));
	memcpy(all + role->n_attachments, l->attachments,
	       l->n_attachments * sizeof(*all));
	role->attachments = all;
	role->n_attachments = n;
	return 0;
}

int
dp_associate_attach(struct dp_setup *setup, struct dp_role *role,
		    struct dp_attachment_list *list)
{
	int r = attach(setup, role, list);

	if (r < 0)
		return r;
	for (size_t i = 0; i < setup->n_orphans; i++)
		if (setup->orphans[i] == list) {
			memmove(&setup->orphans[i], &setup->orphans[i + 1],
				(setup->n_orphans - i - 1) *
					sizeof(*setup->orphans));
			setup->n_orphans--;
			break;
		}
	return 0;
}

/* Says why l stays unassociated.  0 or -ENOMEM. */
static int
note_orphan(struct dp_setup *setup, const struct dp_attachment_list *l,
	    size_t n_named, size_t n_in_dir)
{
	const char *hint = l->role_hint ? l->role_hint : "";
	char *text;

	if (n_named > 1)
		text = dp_arena_printf(setup->arena,
				       "attachment list not associated with a "
				       "role: %zu roles are named '%s' in "
				       "other documents and directories; "
				       "lint each setup on its own",
				       n_named, hint);
	else if (l->hint_is_role_name)
		text = dp_arena_printf(setup->arena,
				       "attachments of role '%s' not associated "
				       "with a role: no role of that name was "
				       "exported, so DP4xx rules cannot check "
				       "them",
				       hint);
	else
		text = dp_arena_printf(setup->arena,
				       "attachment list not associated with a "
				       "role: no role named '%s' was exported "
				       "and its directory holds %s; name the "
				       "file ROLE.policies.json after its role",
				       hint,
				       n_in_dir == 0 ? "no role" : "several roles");
	if (!text)
		return -ENOMEM;
	return dp_setup_add_note(setup, &l->origin, text);
}

static int
associate_attachments(struct dp_setup *setup)
{
	size_t kept = 0;
	int r;

	for (size_t i = 0; i < setup->n_orphans; i++) {
		struct dp_attachment_list *l = setup->orphans[i];
		struct dp_role *role = NULL;
		size_t n_named = 0, n_in_dir = 0;

		if (l->role_hint)
			role = role_by_name(setup, l, l->role_hint, &n_named);
		if (!role && !l->hint_is_role_name && n_named == 0)
			role = only_role_near(setup, l, &n_in_dir);
		if (role) {
			r = attach(setup, role, l);
		} else {
			setup->orphans[kept++] = l;
			r = note_orphan(setup, l, n_named, n_in_dir);
		}
		if (r < 0)
			return r;
	}
	setup->n_orphans = kept;
	return 0;
}

/* ---- DTS instances and their tasks ------------------------------------ */

static void
fill_absent(struct dp_value *into, const struct dp_value *from)
{
	if (into->state == DP_VALUE_ABSENT && from->state != DP_VALUE_ABSENT)
		*into = *from;
}

int
dp_associate_instance(struct dp_setup *setup, struct dp_task *task,
		      struct dp_task *instance)
{
	struct dp_endpoint *eps[] = {&task->source, &task->destination};
	const struct dp_endpoint *from[] = {&instance->source,
					    &instance->destination};

	fill_absent(&task->sync_architecture, &instance->sync_architecture);
	/* A bidirectional instance makes even its forward task two-way. */
	if (instance->two_way == DP_TWO_WAY_YES ||
	    task->two_way == DP_TWO_WAY_UNKNOWN)
		task->two_way = instance->two_way == DP_TWO_WAY_UNKNOWN
					? task->two_way : instance->two_way;
	for (size_t i = 0; i < 2; i++) {
		fill_absent(&eps[i]->engine, &from[i]->engine);
		fill_absent(&eps[i]->region, &from[i]->region);
	}
	for (size_t i = 0; i < setup->n_tasks; i++)
		if (setup->tasks[i] == instance) {
			memmove(&setup->tasks[i], &setup->tasks[i + 1],
				(setup->n_tasks - i - 1) * sizeof(*setup->tasks));
			setup->n_tasks--;
			break;
		}
	return 0;
}

/* An instance exported on its own (CreateDtsInstance) belongs to the
 * only task of its document, else of its directory; otherwise it stays
 * a task of its own, so that what it says is still checked. */
static int
associate_instances(struct dp_setup *setup)
{
	for (size_t i = 0; i < setup->n_tasks;) {
		struct dp_task *inst = setup->tasks[i];
		struct candidates doc = {0}, dir = {0};
		struct dp_task *task;

		if (!inst->instance_only) {
			i++;
			continue;
		}
		for (size_t k = 0; k < setup->n_tasks; k++) {
			struct dp_task *cand = setup->tasks[k];

			if (cand->instance_only)
				continue;
			if (cand->origin.source == inst->origin.source)
				add_candidate(&doc, cand);
			if (dp_associate_same_dir(cand->origin.source,
						  inst->origin.source))
				add_candidate(&dir, cand);
		}
		task = doc.n ? doc.only : dir.only;
		if (!task) {
			i++;
			continue;
		}
		dp_associate_instance(setup, task, inst);
	}
	return 0;
}

int
dp_associate(struct dp_setup *setup)
{
	int r;

	merge_duplicate_roles(setup);
	r = associate_attachments(setup);
	if (r == 0)
		r = associate_instances(setup);
	return r;
}
