/*
 * associate.c - one setup out of many documents: merges a ListRoles
 * record into the GetRole record of the same role, gives every
 * attachment list its role (by name, by file stem, by being the only
 * role of its document or directory), and notes what it cannot place.
 * It reads no JSON (adapters/) and judges nothing (rules/).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
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

/* ---- indexes ------------------------------------------------------- */

/* Bytes that need not end in a NUL. */
struct key {
	const char *s;
	size_t len;
};

/* Roles or tasks sorted by a key (and then by source, then by their
 * place in the setup), so that those with a given name, in a given
 * directory or document, are found by binary search: association stays
 * n log n for a Terraform plan of 10,000 roles instead of n^2. */
struct entry {
	struct key key;
	struct key key2;              /* owner UID; unused for other keys */
	const struct dp_source *source;
	size_t place;                 /* index in setup->roles or ->tasks */
	void *item;
};

struct index {
	struct entry *e;
	size_t n;
	bool fold; /* keys compare ignoring ASCII case */
};

static inline unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

static int
cmp_key(struct key a, struct key b, bool fold)
{
	if (a.len != b.len)
		return a.len < b.len ? -1 : 1;
	if (!fold)
		return a.len ? memcmp(a.s, b.s, a.len) : 0;
	for (size_t i = 0; i < a.len; i++) {
		unsigned char x = lower((unsigned char)a.s[i]);
		unsigned char y = lower((unsigned char)b.s[i]);

		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

static int
cmp_entry(const struct entry *a, const struct entry *b, bool fold)
{
	int c = cmp_key(a->key, b->key, fold);

	if (c == 0)
		c = cmp_key(a->key2, b->key2, false);
	if (c == 0 && a->source != b->source)
		c = (uintptr_t)a->source < (uintptr_t)b->source ? -1 : 1;
	if (c == 0 && a->place != b->place)
		c = a->place < b->place ? -1 : 1;
	return c;
}

static int
cmp_exact(const void *a, const void *b)
{
	return cmp_entry(a, b, false);
}

static int
cmp_folded(const void *a, const void *b)
{
	return cmp_entry(a, b, true);
}

static int
index_alloc(struct index *ix, size_t n, bool fold)
{
	ix->n = 0;
	ix->fold = fold;
	ix->e = n ? calloc(n, sizeof(*ix->e)) : NULL;
	return n && !ix->e ? -ENOMEM : 0;
}

static void
index_sort(struct index *ix)
{
	/* qsort() wants a valid pointer even for nothing to sort. */
	if (ix->n > 1)
		qsort(ix->e, ix->n, sizeof(*ix->e),
		      ix->fold ? cmp_folded : cmp_exact);
}

/* Entries [*ret_lo, *ret_hi) have key (and source, when source is not
 * NULL). */
static void
index_range(const struct index *ix, struct key key,
	    const struct dp_source *source, size_t *ret_lo, size_t *ret_hi)
{
	size_t bounds[2];

	for (int upper = 0; upper < 2; upper++) {
		size_t lo = 0, hi = ix->n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			const struct entry *e = &ix->e[mid];
			int c = cmp_key(e->key, key, ix->fold);

			if (c == 0 && source && e->source != source)
				c = (uintptr_t)e->source < (uintptr_t)source ? -1
									  : 1;
			if (c < 0 || (upper && c == 0))
				lo = mid + 1;
			else
				hi = mid;
		}
		bounds[upper] = lo;
	}
	*ret_lo = bounds[0];
	*ret_hi = bounds[1];
}

static struct key
dir_key(const struct dp_source *source)
{
	struct key k = {source->path, dir_len(source->path)};

	return k;
}

static struct key
name_key(const struct dp_value *v)
{
	struct key k = {v->str, v->len};

	return k;
}

/* The roles of a setup with a name, by name (exact and ignoring case)
 * and by directory. */
struct role_index {
	struct index name, folded, dir;
};

static void
role_index_free(struct role_index *ri)
{
	free(ri->name.e);
	free(ri->folded.e);
	free(ri->dir.e);
}

static int
role_index_build(struct role_index *ri, const struct dp_setup *setup)
{
	size_t n = setup->n_roles;

	memset(ri, 0, sizeof(*ri));
	if (index_alloc(&ri->name, n, false) < 0 ||
	    index_alloc(&ri->folded, n, true) < 0 ||
	    index_alloc(&ri->dir, n, false) < 0) {
		role_index_free(ri);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct dp_role *role = setup->roles[i];
		struct entry e = {.source = role->origin.source, .place = i,
				  .item = role};

		if (!dp_value_given(&role->name))
			continue;
		e.key = name_key(&role->name);
		ri->name.e[ri->name.n++] = e;
		ri->folded.e[ri->folded.n++] = e;
		if (!role->origin.source)
			continue;
		e.key = dir_key(role->origin.source);
		ri->dir.e[ri->dir.n++] = e;
	}
	index_sort(&ri->name);
	index_sort(&ri->folded);
	index_sort(&ri->dir);
	return 0;
}

/* Candidates among the entries [lo, hi) of a directory range whose
 * source sub-range is [slo, shi). */
static void
range_candidates(const struct index *ix, size_t lo, size_t hi, size_t slo,
		 size_t shi, struct candidates *dir, struct candidates *doc)
{
	dir->n = hi - lo;
	dir->only = dir->n == 1 ? ix->e[lo].item : NULL;
	doc->n = shi - slo;
	doc->only = doc->n == 1 ? ix->e[slo].item : NULL;
}

/* ---- duplicate role records ----------------------------------------- */

/* A ListRoles record (no trust policy) of a role that another document
 * describes more fully is the same role: keep only the fuller record,
 * so that a role is counted and checked once.  Of records with the same
 * name and owner, those with a trust policy stay; without one, a record
 * stays only when it is the first of its group and no record of the
 * group has a trust policy.  0 or -ENOMEM. */
static int
merge_duplicate_roles(struct dp_setup *setup)
{
	struct index ix;
	bool *drop;
	size_t kept = 0;

	if (setup->n_roles < 2)
		return 0;
	drop = calloc(setup->n_roles, sizeof(*drop));
	if (!drop || index_alloc(&ix, setup->n_roles, false) < 0) {
		free(drop);
		return -ENOMEM;
	}
	for (size_t i = 0; i < setup->n_roles; i++) {
		struct dp_role *role = setup->roles[i];

		if (!dp_value_given(&role->name) ||
		    !dp_value_given(&role->owner_uid))
			continue;
		ix.e[ix.n++] = (struct entry){.key = name_key(&role->name),
					      .key2 = name_key(&role->owner_uid),
					      .source = NULL, .place = i,
					      .item = role};
	}
	/* Sorted by name, owner, then place: a group is a run. */
	index_sort(&ix);
	for (size_t lo = 0, hi; lo < ix.n; lo = hi) {
		bool has_trust = false;

		for (hi = lo; hi < ix.n &&
			      cmp_key(ix.e[hi].key, ix.e[lo].key, false) == 0 &&
			      cmp_key(ix.e[hi].key2, ix.e[lo].key2, false) == 0;
		     hi++)
			has_trust |= ((struct dp_role *)ix.e[hi].item)->trust != NULL;
		for (size_t k = lo; hi - lo > 1 && k < hi; k++)
			if (!((struct dp_role *)ix.e[k].item)->trust)
				drop[ix.e[k].place] = has_trust || k > lo;
	}
	for (size_t j = 0; j < setup->n_roles; j++)
		if (!drop[j])
			setup->roles[kept++] = setup->roles[j];
	setup->n_roles = kept;
	free(ix.e);
	free(drop);
	return 0;
}

/* ---- attachment lists ----------------------------------------------- */

/* Of the roles named name: the one in the list's document, else the one
 * in its directory, else the only one.  *ret_n says how many had the
 * name (for the note when none could be chosen). */
static struct dp_role *
role_by_name(const struct role_index *ri, const struct dp_attachment_list *l,
	     const char *name, size_t *ret_n)
{
	struct candidates any = {0}, dir = {0}, doc = {0};
	struct key key = {name, strlen(name)};

	for (int ignore_case = 0; ignore_case < 2 && any.n == 0; ignore_case++) {
		const struct index *ix = ignore_case ? &ri->folded : &ri->name;
		size_t lo, hi;

		index_range(ix, key, NULL, &lo, &hi);
		for (size_t i = lo; i < hi; i++) {
			struct dp_role *role = ix->e[i].item;

			add_candidate(&any, role);
			if (role->origin.source == l->origin.source)
				add_candidate(&doc, role);
			if (dp_associate_same_dir(role->origin.source,
						  l->origin.source))
				add_candidate(&dir, role);
		}
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
only_role_near(const struct role_index *ri, const struct dp_attachment_list *l,
	       size_t *ret_in_dir)
{
	struct candidates dir = {0}, doc = {0};
	size_t lo, hi, slo, shi;

	*ret_in_dir = 0;
	if (!l->origin.source)
		return NULL; /* every list comes from a document */
	index_range(&ri->dir, dir_key(l->origin.source), NULL, &lo, &hi);
	index_range(&ri->dir, dir_key(l->origin.source), l->origin.source,
		    &slo, &shi);
	range_candidates(&ri->dir, lo, hi, slo, shi, &dir, &doc);
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
	/* From the end: an adapter attaches the list it just added. */
	for (size_t i = setup->n_orphans; i-- > 0;)
		if (setup->orphans[i] == list) {
			memmove(&setup->orphans[i], &setup->orphans[i + 1],
				(setup->n_orphans - i - 1) *
					sizeof(*setup->orphans));
			setup->n_orphans--;
			break;
		}
	return 0;
}

int
dp_associate_attach_later(struct dp_setup *setup, struct dp_role *role,
			  struct dp_attachment_list *list)
{
	int r = attach(setup, role, list);

	if (r == 0)
		list->attached = true;
	return r;
}

void
dp_associate_prune(struct dp_setup *setup)
{
	size_t kept = 0;

	for (size_t i = 0; i < setup->n_orphans; i++)
		if (!setup->orphans[i]->attached)
			setup->orphans[kept++] = setup->orphans[i];
	setup->n_orphans = kept;
	kept = 0;
	for (size_t i = 0; i < setup->n_tasks; i++)
		if (!setup->tasks[i]->merged)
			setup->tasks[kept++] = setup->tasks[i];
	setup->n_tasks = kept;
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
	struct role_index ri;
	size_t kept = 0;
	int r = 0;

	if (setup->n_orphans == 0)
		return 0;
	if (role_index_build(&ri, setup) < 0)
		return -ENOMEM;

	for (size_t i = 0; i < setup->n_orphans; i++) {
		struct dp_attachment_list *l = setup->orphans[i];
		struct dp_role *role = NULL;
		size_t n_named = 0, n_in_dir = 0;

		if (l->role_hint)
			role = role_by_name(&ri, l, l->role_hint, &n_named);
		if (!role && !l->hint_is_role_name && n_named == 0)
			role = only_role_near(&ri, l, &n_in_dir);
		if (role) {
			r = attach(setup, role, l);
		} else {
			setup->orphans[kept++] = l;
			r = note_orphan(setup, l, n_named, n_in_dir);
		}
		if (r < 0)
			break;
	}
	if (r == 0)
		setup->n_orphans = kept;
	role_index_free(&ri);
	return r;
}

/* ---- DTS instances and their tasks ------------------------------------ */

static void
fill_absent(struct dp_value *into, const struct dp_value *from)
{
	if (into->state == DP_VALUE_ABSENT && from->state != DP_VALUE_ABSENT)
		*into = *from;
}

static void
merge_instance(struct dp_task *task, const struct dp_task *instance)
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
}

int
dp_associate_instance(struct dp_setup *setup, struct dp_task *task,
		      struct dp_task *instance)
{
	merge_instance(task, instance);
	for (size_t i = setup->n_tasks; i-- > 0;)
		if (setup->tasks[i] == instance) {
			memmove(&setup->tasks[i], &setup->tasks[i + 1],
				(setup->n_tasks - i - 1) * sizeof(*setup->tasks));
			setup->n_tasks--;
			break;
		}
	return 0;
}

int
dp_associate_instance_later(struct dp_setup *setup, struct dp_task *task,
			    struct dp_task *instance)
{
	(void)setup;
	merge_instance(task, instance);
	instance->merged = true;
	return 0;
}

/* An instance exported on its own (CreateDtsInstance) belongs to the
 * only task of its document, else of its directory; otherwise it stays
 * a task of its own, so that what it says is still checked.  Tasks are
 * found through an index by directory and document, and the merged
 * instances leave setup->tasks in one pass.  0 or -ENOMEM. */
static int
associate_instances(struct dp_setup *setup)
{
	struct index ix;
	size_t kept = 0, n_instances = 0;

	for (size_t i = 0; i < setup->n_tasks; i++)
		n_instances += setup->tasks[i]->instance_only;
	if (n_instances == 0)
		return 0;
	if (index_alloc(&ix, setup->n_tasks, false) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < setup->n_tasks; i++) {
		struct dp_task *task = setup->tasks[i];

		if (task->instance_only || !task->origin.source)
			continue;
		ix.e[ix.n++] = (struct entry){.key = dir_key(task->origin.source),
					      .source = task->origin.source,
					      .place = i, .item = task};
	}
	index_sort(&ix);
	for (size_t i = 0; i < setup->n_tasks; i++) {
		struct dp_task *inst = setup->tasks[i];
		struct candidates doc = {0}, dir = {0};
		struct dp_task *task = NULL;
		size_t lo, hi, slo, shi;

		if (inst->instance_only && inst->origin.source) {
			struct key k = dir_key(inst->origin.source);

			index_range(&ix, k, NULL, &lo, &hi);
			index_range(&ix, k, inst->origin.source, &slo, &shi);
			range_candidates(&ix, lo, hi, slo, shi, &dir, &doc);
			task = doc.n ? doc.only : dir.only;
		}
		if (task)
			merge_instance(task, inst);
		else
			setup->tasks[kept++] = inst;
	}
	setup->n_tasks = kept;
	free(ix.e);
	return 0;
}

int
dp_associate(struct dp_setup *setup)
{
	int r;

	dp_associate_prune(setup);
	r = merge_duplicate_roles(setup);
	if (r == 0)
		r = associate_attachments(setup);
	if (r == 0)
		r = associate_instances(setup);
	return r;
}
