/*
 * run.c - one lint run from paths to sorted findings: reads inputs
 * (walking directories deterministically, refusing loops), parses them,
 * masks secrets, adapts each document into the setup, and hands the
 * setup to the engine.  It prints nothing: unreadable paths go to the
 * caller's callback.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/adapters.h"
#include "associate.h"
#include "classify.h"
#include "rule_check.h"
#include "engine.h"
#include "prefetch.h"
#include "run.h"
#include "util.h"

#define MAX_DIR_DEPTH_DEFAULT 64u
/* A `jq -s` bundle this big is adapted one element at a time: holding
 * the tree of 50 MB of exports costs several times the file. */
#define STREAM_FROM_DEFAULT ((size_t)1 << 20)

struct dp_run {
	const struct dp_ruleset *rules;
	struct dp_run_options options;
	struct dp_setup *setup;
	struct dp_source **sources;
	size_t n_sources, cap_sources;
	struct dp_doc **docs;
	size_t n_docs, cap_docs;
	struct dp_unknown_doc *unknown;
	size_t n_unknown, cap_unknown;
	size_t n_skipped;
	struct dp_findings findings;
	char **not_run;
	size_t n_not_run;
	char *setup_summary;
	dp_run_error_fn on_error;   /* of the last dp_run_add_path() */
	void *on_error_data;
	/* The file adapted last, whose bytes go when the next one comes:
	 * the last file of a run (the only one of a pre-commit hook, a
	 * 50 MB bundle) is never read twice. */
	struct dp_source *release_next;
	/* Sources the reader thread reads (prefetch.h); freed after them. */
	struct dp_arena *source_pool;
};

int
dp_run_new(const struct dp_ruleset *rules, const struct dp_run_options *options,
	   struct dp_run **ret_run)
{
	struct dp_run *run = calloc(1, sizeof(*run));

	if (!run)
		return -ENOMEM;
	run->rules = rules;
	if (options)
		run->options = *options;
	if (!run->options.max_file_size)
		run->options.max_file_size = DP_MAX_FILE_SIZE_DEFAULT;
	if (!run->options.max_dir_depth)
		run->options.max_dir_depth = MAX_DIR_DEPTH_DEFAULT;
	if (!run->options.max_findings)
		run->options.max_findings = DP_MAX_FINDINGS_DEFAULT;
	if (!run->options.stream_from)
		run->options.stream_from = STREAM_FROM_DEFAULT;
	run->setup = dp_setup_new();
	if (!run->setup) {
		free(run);
		return -ENOMEM;
	}
	*ret_run = run;
	return 0;
}

void
dp_run_free(struct dp_run *run)
{
	if (!run)
		return;
	dp_findings_free(&run->findings);
	for (size_t i = 0; i < run->n_docs; i++)
		if (run->docs[i]->arena) /* else stripped: in the setup */
			dp_doc_free(run->docs[i]);
	dp_setup_free(run->setup);
	for (size_t i = 0; i < run->n_sources; i++)
		dp_source_free(run->sources[i]);
	dp_arena_free(run->source_pool);
	for (size_t i = 0; i < run->n_not_run; i++)
		free(run->not_run[i]);
	free(run->not_run);
	free(run->setup_summary);
	free(run->docs);
	free(run->sources);
	free(run->unknown);
	free(run);
}

/* ---- one document ------------------------------------------------- */

/* ASCII case-insensitive: does key start with the lower-case word? */
static bool
starts_with_word(const char *key, size_t len, const char *word, size_t wl)
{
	if (len < wl)
		return false;
	for (size_t i = 0; i < wl; i++)
		if ((char)(key[i] | 0x20) != word[i])
			return false;
	return true;
}

/* Whether a key names a secret: "password", "passwd" or "secret"
 * anywhere in it, in any case.  Every key of every document passes
 * here, so most are turned away on two bytes. */
static bool
is_secret_key(const char *key, size_t len)
{
	for (size_t i = 0; i + 6 <= len; i++) {
		char c = (char)(key[i] | 0x20), next = (char)(key[i + 1] | 0x20);
		const char *rest = key + i;
		size_t left = len - i;

		if (c == 'p' && next == 'a' &&
		    (starts_with_word(rest, left, "passwd", 6) ||
		     starts_with_word(rest, left, "password", 8)))
			return true;
		if (c == 's' && next == 'e' &&
		    starts_with_word(rest, left, "secret", 6))
			return true;
	}
	return false;
}

/* Marks the value of every *Password / *_password member as a secret, so
 * that no snippet or message ever shows it. */
static int
mask_secrets(struct dp_source *source, const struct dp_json *node,
	     unsigned depth)
{
	int r;

	if (!node || depth > 256)
		return 0;
	for (uint32_t i = 0; i < node->n; i++) {
		if (node->kind == DP_JSON_OBJECT) {
			const struct dp_json_member *m = &node->u.members[i];

			if (is_secret_key(m->key, m->key_len) &&
			    m->value->kind == DP_JSON_STRING) {
				r = dp_source_add_secret(source, m->value->span);
				if (r < 0)
					return r;
			}
			r = mask_secrets(source, m->value, depth + 1);
		} else if (node->kind == DP_JSON_ARRAY) {
			r = mask_secrets(source, node->u.items[i], depth + 1);
		} else {
			return 0;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* "dir/ram-for-dts.policies.json" -> stem "ram-for-dts", dir "dir". */
static void
split_path(struct dp_arena *arena, const char *path, const char **ret_stem,
	   const char **ret_dir)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t len = strlen(base);

	if (len > 5 && strcmp(base + len - 5, ".json") == 0)
		len -= 5;
	if (len > 9 && strncmp(base + len - 9, ".policies", 9) == 0)
		len -= 9;
	*ret_stem = dp_arena_strndup(arena, base, len);
	*ret_dir = slash ? dp_arena_strndup(arena, path, (size_t)(slash - path))
			 : ".";
}

/* Names every shape, and the nearest one, for DP002. */
static int
note_unknown(struct dp_run *run, struct dp_doc *doc)
{
	struct dp_arena *arena = run->setup->arena;
	struct dp_unknown_doc *u;
	const struct dp_adapter *near;
	struct dp_buf tried = {0};
	unsigned matched = 0;
	int r = 0;

	if (dp_grow(&run->unknown, run->n_unknown, &run->cap_unknown,
		    sizeof(*run->unknown)) < 0)
		return -ENOMEM;
	u = &run->unknown[run->n_unknown];
	for (size_t i = 0; dp_adapters[i] && r == 0; i++)
		r = dp_buf_printf(&tried, "%s%s", i ? "; " : "",
				  dp_adapters[i]->description);
	near = dp_adapter_nearest(doc->root, &matched);
	u->doc = doc;
	u->tried = r == 0 ? dp_arena_strndup(arena, tried.data, tried.len) : NULL;
	u->nearest = near ? near->description : NULL;
	dp_buf_free(&tried);
	if (!u->tried)
		return -ENOMEM;
	run->n_unknown++;
	return 0;
}

/*
 * A copy of doc that holds only what rules read of it (its source and
 * diagnostics), in the setup's arena, so that the tree can go: a run
 * over a repository keeps every broken file's diagnostics, not its tree.
 * Its arena is NULL: dp_run_free() does not free it.
 */
static struct dp_doc *
strip_doc(struct dp_run *run, const struct dp_doc *doc)
{
	struct dp_arena *arena = run->setup->arena;
	struct dp_doc *copy = dp_arena_alloc(arena, sizeof(*copy));
	struct dp_diag *diags = dp_arena_alloc(arena, doc->n_diags *
						      sizeof(*diags));

	if (!copy || !diags)
		return NULL;
	copy->source = doc->source;
	copy->limits = doc->limits;
	copy->diags = diags;
	copy->n_diags = copy->cap_diags = doc->n_diags;
	for (size_t i = 0; i < doc->n_diags; i++) {
		const struct dp_diag *d = &doc->diags[i];

		diags[i] = *d;
		diags[i].msg = dp_arena_intern(arena, d->msg, strlen(d->msg));
		diags[i].pointer = d->pointer ? dp_arena_intern(
			arena, d->pointer, strlen(d->pointer)) : NULL;
		if (!diags[i].msg || (d->pointer && !diags[i].pointer))
			return NULL;
	}
	return copy;
}

/* One element of a streamed top-level array: masked and adapted while
 * its nodes exist. */
struct stream {
	struct dp_adapt_ctx ctx;
	struct dp_source *source;
	unsigned recognised;
	bool forget; /* the bytes behind each element can go */
};

static int
adapt_item(void *data, struct dp_doc *doc, const struct dp_json *item,
	   size_t index)
{
	struct stream *st = data;
	int r = mask_secrets(st->source, item, 1);

	if (r < 0)
		return r;
	st->ctx.doc = doc;
	r = dp_adapt_array_item(&st->ctx, item, index, &st->recognised);
	if (r == 0 && st->forget)
		dp_source_forget_before(st->source, item->span.start);
	return r;
}

/* What adapting a document can change in a setup: counts only grow,
 * and the creator is the one value an export may overwrite. */
struct setup_mark {
	size_t n_roles, n_tasks, n_orphans, n_notes;
	struct dp_value creator_uid;
};

static void
setup_mark(const struct dp_setup *setup, struct setup_mark *ret)
{
	ret->n_roles = setup->n_roles;
	ret->n_tasks = setup->n_tasks;
	ret->n_orphans = setup->n_orphans;
	ret->n_notes = setup->n_notes;
	ret->creator_uid = setup->creator_uid;
}

/* Forgets what was adapted since mark (the memory stays in the arena). */
static void
setup_rollback(struct dp_setup *setup, const struct setup_mark *mark)
{
	setup->n_roles = mark->n_roles;
	setup->n_tasks = mark->n_tasks;
	setup->n_orphans = mark->n_orphans;
	setup->n_notes = mark->n_notes;
	setup->creator_uid = mark->creator_uid;
}

/* dp_doc_parse_items() with adapt_item(), the elements' pointers
 * relative to them (model.h).  0 or -ENOMEM (*ret_doc may be set all
 * the same). */
static int
parse_streaming(struct dp_run *run, struct stream *st, struct dp_doc **ret_doc,
		bool *ret_streamed)
{
	int r;

	r = dp_setup_item_array(run->setup, st->source, "", &st->ctx.item_base);
	if (r < 0)
		return r;
	st->source->secrets_marked = true; /* element by element */
	if (st->forget) /* before any byte goes */
		dp_source_hash(st->source);
	return dp_doc_parse_items(st->source, &run->options.limits, adapt_item,
				  st, ret_doc, ret_streamed);
}

/* Parses source into *ret_doc (unless doc is its tree, parsed ahead) and
 * adapts it, a big top-level array one element at a time, giving back
 * the bytes behind each element when they can be read again
 * (rereadable).  0 or -ENOMEM. */
static int
parse_and_adapt(struct dp_run *run, struct dp_source *source,
		bool rereadable, struct dp_doc *doc, struct dp_doc **ret_doc,
		unsigned *ret_recognised)
{
	struct stream st = {.ctx.setup = run->setup, .source = source,
			    .forget = rereadable};
	struct setup_mark mark;
	bool streamed = false;
	int r;

	split_path(run->setup->arena, source->path, &st.ctx.file_stem,
		   &st.ctx.dir);
	if (!st.ctx.file_stem || !st.ctx.dir)
		return -ENOMEM;
	setup_mark(run->setup, &mark);
	dp_source_check(source); /* unless the reader did */
	if (doc)
		r = 0;
	else if (source->len >= run->options.stream_from)
		r = parse_streaming(run, &st, &doc, &streamed);
	else
		r = dp_doc_parse(source, &run->options.limits, &doc);
	*ret_doc = doc;
	if (r < 0)
		return r;
	if (streamed && !doc->root) {
		/* Not JSON after all: like any unusable file, it adds
		 * nothing, not even the elements adapted before the error
		 * was seen (a second pass to know first costs a parse). */
		setup_rollback(run->setup, &mark);
		*ret_recognised = 0;
		return 0;
	}
	if (streamed || !doc->root) {
		*ret_recognised = st.recognised;
		return 0;
	}
	st.ctx.doc = doc;
	return dp_adapt_document(&st.ctx, ret_recognised);
}

/* Takes over source, and parsed, its tree when it was parsed ahead:
 * parses, adapts.  rereadable: the bytes can be read again from
 * source->path.  0 or -ENOMEM. */
static int
add_source(struct dp_run *run, struct dp_source *source,
	   struct dp_doc *parsed, bool explicit, bool rereadable)
{
	struct dp_doc *doc = NULL;
	unsigned recognised = 0;
	int r;

	if (dp_grow(&run->sources, run->n_sources, &run->cap_sources,
		    sizeof(*run->sources)) < 0 ||
	    dp_grow(&run->docs, run->n_docs, &run->cap_docs,
		    sizeof(*run->docs)) < 0) {
		dp_doc_free(parsed);
		dp_source_free(source);
		return -ENOMEM;
	}
	run->sources[run->n_sources++] = source;
	r = parse_and_adapt(run, source, rereadable, parsed, &doc,
			    &recognised);
	if (source->forgotten)
		dp_source_release(source); /* what is left of it, now */
	if (doc)
		run->docs[run->n_docs++] = doc;
	if (r < 0 || !doc->root)
		return r;
	if (!recognised && explicit)
		return note_unknown(run, doc);
	if (!recognised)
		run->n_skipped++;
	/* The setup holds copies of what it needs: only a document that
	 * rules still read (diagnostics, an unknown shape) stays parsed, so
	 * that memory does not grow with every file of a large run. */
	if (doc->n_diags == 0) {
		run->docs[--run->n_docs] = NULL;
	} else {
		run->docs[run->n_docs - 1] = strip_doc(run, doc);
		if (!run->docs[run->n_docs - 1]) {
			run->docs[run->n_docs - 1] = doc;
			return -ENOMEM;
		}
	}
	dp_doc_free(doc);
	if (rereadable)
		run->release_next = source;
	return 0;
}

/* Releases the bytes of the file adapted before, now that another one
 * is about to be read. */
static void
release_previous(struct dp_run *run)
{
	if (run->release_next)
		dp_source_release(run->release_next);
	run->release_next = NULL;
}

int
dp_run_add_buffer(struct dp_run *run, const char *name, const char *bytes,
		  size_t len, bool explicit)
{
	struct dp_source *source = NULL;
	int r;

	release_previous(run);
	r = dp_source_from_memory(name, bytes, len, &source);

	if (r < 0)
		return r;
	return add_source(run, source, NULL, explicit, false);
}

/* ---- paths and directory walks ------------------------------------- */

/* Adds one file of the walk (taking it over); an unreadable one goes to
 * on_error.  0 or -ENOMEM. */
static int
add_fetched(struct dp_run *run, struct dp_fetched *f,
	    dp_run_error_fn on_error, void *data)
{
	int r;

	if (f->step.error) {
		if (on_error)
			on_error(data, f->step.path, f->step.error);
		dp_fetched_free(f);
		return 0;
	}
	release_previous(run);
	r = add_source(run, f->source, f->doc, f->step.explicit,
		       f->step.regular);
	f->source = NULL;
	f->doc = NULL;
	dp_fetched_free(f);
	return r;
}

int
dp_run_add_paths(struct dp_run *run, const char *const *paths, size_t n,
		 bool explicit, dp_run_error_fn on_error, void *data)
{
	struct dp_prefetch_options ahead = {
		.max_file_size = run->options.max_file_size,
		.limits = run->options.limits,
		.parse_below = run->options.stream_from,
		.max_dir_depth = run->options.max_dir_depth,
		.threads = run->options.threads,
	};
	struct dp_prefetch *prefetch;
	struct dp_fetched fetched;
	int r;

	if (n == 0)
		return 0;
	run->on_error = on_error;
	run->on_error_data = data;
	/* Its first 2 MiB are taken only when the reader thread starts. */
	if (!run->source_pool && !(run->source_pool = dp_arena_new_big()))
		return -ENOMEM;
	ahead.source_pool = run->source_pool;
	if (dp_prefetch_new(paths, n, explicit, &ahead, &prefetch) < 0)
		return -ENOMEM;
	while ((r = dp_prefetch_next(prefetch, &fetched)) > 0)
		if ((r = add_fetched(run, &fetched, on_error, data)) < 0)
			break;
	dp_prefetch_free(prefetch);
	return r < 0 ? r : 0;
}

int
dp_run_add_path(struct dp_run *run, const char *path, bool explicit,
		dp_run_error_fn on_error, void *data)
{
	return dp_run_add_paths(run, &path, 1, explicit, on_error, data);
}

/* ---- finishing ------------------------------------------------------ */

/* The kept findings of one file [start, end) of the sorted list: the
 * max most severe ones, in report order.  Marks keep[]; returns how many
 * were dropped. */
static size_t
choose_kept(const struct dp_findings *list, size_t start, size_t end,
	    size_t max, bool *keep)
{
	size_t count[DP_SEV_ERROR + 1] = {0}, above = 0, quota = 0;
	int threshold = DP_SEV_ERROR;

	for (size_t i = start; i < end; i++)
		count[list->items[i].severity]++;
	/* The lowest severity some of which still fit, and how many. */
	for (threshold = DP_SEV_ERROR; threshold > DP_SEV_NONE; threshold--) {
		if (above + count[threshold] >= max)
			break;
		above += count[threshold];
	}
	quota = max - above;
	for (size_t i = start; i < end; i++) {
		int sev = (int)list->items[i].severity;

		keep[i] = sev > threshold || (sev == threshold && quota > 0);
		if (sev == threshold && keep[i])
			quota--;
	}
	return end - start - max;
}

/*
 * Keeps at most max_findings findings per file, so that a generated file
 * with one mistake repeated a hundred thousand times still gives a
 * report someone can read; a note says how many more there were.  The
 * most severe are kept, so the exit status is what it would have been.
 */
static int
cap_findings(struct dp_run *run)
{
	struct dp_findings *list = &run->findings;
	size_t max = run->options.max_findings, n = list->n, kept = 0;
	struct dp_finding *order = NULL;
	bool *keep = NULL;
	int r = 0;

	if (max == SIZE_MAX || n <= max)
		return 0;
	keep = calloc(n, sizeof(*keep));
	order = malloc(n * sizeof(*order));
	if (!keep || !order) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t start = 0, end; start < n && r == 0; start = end) {
		const char *path = dp_finding_path(&list->items[start]);
		size_t dropped = 0;

		for (end = start + 1; end < n && strcmp(dp_finding_path(
				&list->items[end]), path) == 0; end++)
			;
		if (end - start <= max) {
			memset(keep + start, 1, (end - start) * sizeof(*keep));
			continue;
		}
		dropped = choose_kept(list, start, end, max, keep);
		for (size_t i = start; i < end; i++) {
			char *text;

			if (keep[i])
				continue;
			text = dp_asprintf("findings not shown in this file: "
					   "%zu more (--max-findings %zu)",
					   dropped, max);
			r = text ? dp_setup_add_note(run->setup,
						     &list->items[i].origin,
						     text)
				 : -ENOMEM;
			free(text);
			break;
		}
	}
	if (r < 0)
		goto out;
	/* The kept ones first, in order; the dropped ones after them are
	 * then removed from the end, one by one at no cost. */
	for (size_t i = 0; i < n; i++)
		if (keep[i])
			order[kept++] = list->items[i];
	for (size_t i = 0, k = kept; i < n; i++)
		if (!keep[i])
			order[k++] = list->items[i];
	memcpy(list->items, order, n * sizeof(*order));
	while (list->n > kept)
		dp_findings_remove(list, list->n - 1);
out:
	free(order);
	free(keep);
	return r;
}

/* --creator-uid (or the config) wins over a GetCallerIdentity export;
 * when they disagree the report says so. */
static int
set_creator(struct dp_run *run)
{
	struct dp_value *creator = &run->setup->creator_uid;
	const char *uid = run->options.creator_uid;
	int r;

	if (!uid)
		return 0;
	if (dp_value_given(creator) && creator->len == strlen(uid) &&
	    memcmp(creator->str, uid, creator->len) == 0)
		return 0; /* the same account: keep where the export says it */
	if (dp_value_given(creator)) {
		char *text = dp_arena_printf(
			run->setup->arena,
			"--creator-uid %s is used; the GetCallerIdentity export "
			"names account %s", uid, creator->str);

		if (!text)
			return -ENOMEM;
		r = dp_setup_add_note(run->setup, &creator->origin, text);
		if (r < 0)
			return r;
	}
	memset(creator, 0, sizeof(*creator));
	creator->state = DP_VALUE_PRESENT;
	creator->str = dp_arena_strndup(run->setup->arena, uid, strlen(uid));
	creator->len = (uint32_t)strlen(uid);
	creator->origin.pointer = "";
	return creator->str ? 0 : -ENOMEM;
}

/* Would rule have had anything to look at here?  A rule on endpoints
 * needs a task; one on roles, policies or attachments a role that is
 * this tool's business.  Saying that a rule did not run is noise when
 * it would have found nothing to check anyway. */
static bool
has_contexts(const struct dp_setup *setup, const struct dp_rule *rule)
{
	enum dp_level level = rule->check->level;

	if (level == DP_LEVEL_TASK || level == DP_LEVEL_ENDPOINT)
		return setup->n_tasks > 0;
	if (level < DP_LEVEL_ROLE)
		return true;
	for (size_t i = 0; i < setup->n_roles; i++)
		if (setup->roles[i]->kind != DP_ROLE_OTHER)
			return true;
	return false;
}

/* Which enabled rules could not run, said once each. */
static int
list_not_run(struct dp_run *run)
{
	struct dp_buf ids = {0};
	const struct dp_ruleset *set = run->rules;
	int r = 0;

	if (dp_value_given(&run->setup->creator_uid))
		return 0;
	for (size_t i = 0; i < set->n_rules && r == 0; i++) {
		const struct dp_rule *rule = set->rules[i];
		bool on = run->options.enabled ? run->options.enabled[i]
					       : rule->enabled;

		if (on && rule->needs && strcmp(rule->needs, "creator_uid") == 0 &&
		    has_contexts(run->setup, rule))
			r = dp_buf_printf(&ids, "%s%s", ids.len ? ", " : "", rule->id);
	}
	if (r == 0 && ids.len) {
		run->not_run = calloc(1, sizeof(*run->not_run));
		if (run->not_run)
			run->not_run[0] = dp_asprintf(
				"%s: need the task creator's account ID "
				"(--creator-uid, or a GetCallerIdentity export)",
				ids.data);
		r = run->not_run && run->not_run[0] ? 0 : -ENOMEM;
		if (r == 0)
			run->n_not_run = 1;
	}
	dp_buf_free(&ids);
	return r;
}

/* At most this many tasks and roles are named in the summary; more are
 * counted: a repository of thousands of setups gets one short line. */
#define SUMMARY_MAX_NAMES 4

static size_t
count_relevant_roles(const struct dp_setup *setup)
{
	size_t n = 0;

	for (size_t i = 0; i < setup->n_roles; i++)
		n += setup->roles[i]->kind != DP_ROLE_OTHER;
	return n;
}

/* ": task X, role Y" (each task and each role this tool checks). */
static int
name_members(const struct dp_setup *setup, struct dp_buf *b)
{
	int r = 0;

	for (size_t i = 0; i < setup->n_tasks && r == 0; i++) {
		const struct dp_task *task = setup->tasks[i];
		const struct dp_value *id = dp_value_given(&task->job_id)
						    ? &task->job_id : &task->job_name;

		r = dp_value_given(id)
			    ? dp_buf_printf(b, "%s task %s", i ? "," : ":", id->str)
			    : dp_buf_printf(b, "%s a task", i ? "," : ":");
	}
	for (size_t i = 0; i < setup->n_roles && r == 0; i++) {
		const struct dp_role *role = setup->roles[i];

		if (role->kind == DP_ROLE_OTHER)
			continue;
		r = dp_buf_printf(b, "%s role %s",
				  b->len > strlen("1 setup") ? "," : ":",
				  dp_value_given(&role->name) ? role->name.str
							      : "(unnamed)");
	}
	return r;
}

/* "1 setup: task X, role Y, creator Z" when there is something to say;
 * "1 setup: 4059 tasks, 3170 roles, creator Z" when there is a lot. */
static int
summarise_setup(struct dp_run *run)
{
	const struct dp_setup *setup = run->setup;
	size_t n_roles = count_relevant_roles(setup);
	struct dp_buf b = {0};
	int r = 0;

	if (!setup->n_tasks && !setup->n_roles)
		return 0;
	r = dp_buf_puts(&b, "1 setup");
	if (r == 0 && setup->n_tasks + n_roles <= SUMMARY_MAX_NAMES)
		r = name_members(setup, &b);
	else if (r == 0)
		r = dp_buf_printf(&b, ": %zu task%s, %zu role%s", setup->n_tasks,
				  setup->n_tasks == 1 ? "" : "s", n_roles,
				  n_roles == 1 ? "" : "s");
	if (r == 0 && dp_value_given(&setup->creator_uid))
		r = dp_buf_printf(&b, "%s creator %s",
				  b.len > strlen("1 setup") ? "," : ":",
				  setup->creator_uid.str);
	if (r == 0)
		run->setup_summary = dp_buf_steal(&b);
	dp_buf_free(&b);
	return r == 0 && !run->setup_summary ? -ENOMEM : r;
}

/* Drops what points into a file that changed during the run, and says
 * so: its findings would show positions in bytes that are gone. */
static void
drop_stale(struct dp_run *run, struct dp_source *stale)
{
	struct dp_setup *setup = run->setup;
	size_t kept = 0;

	for (size_t i = run->findings.n; i-- > 0;)
		if (run->findings.items[i].origin.source == stale)
			dp_findings_remove(&run->findings, i);
	for (size_t i = 0; i < setup->n_notes; i++)
		if (setup->notes[i].origin.source != stale)
			setup->notes[kept++] = setup->notes[i];
	setup->n_notes = kept;
	if (run->on_error)
		run->on_error(run->on_error_data, stale->path, -ESTALE);
}

/*
 * Marks the secrets of a file that is reported, for its excerpts.  Only
 * excerpts read them, so a file is parsed for them again here, once,
 * when something in it is reported (8% of a repository's files, say),
 * rather than every file being walked for them as it is adapted.  A
 * streamed array was marked element by element.  0 or -ENOMEM.
 */
static int
mark_secrets(const struct dp_run *run, struct dp_source *source)
{
	struct dp_doc *doc = NULL;
	int r;

	if (source->secrets_marked || !source->data)
		return 0;
	source->secrets_marked = true;
	r = dp_doc_parse(source, &run->options.limits, &doc);
	if (r == 0 && doc->root)
		r = mask_secrets(source, doc->root, 0);
	dp_doc_free(doc);
	return r;
}

/* A file something is reported in, the first time it is pointed at. */
struct reported {
	struct dp_source *source;
	size_t first;      /* the index of that finding (notes after them) */
	int result;        /* of bring_back() */
};

static int
cmp_reported_first(const void *pa, const void *pb)
{
	const struct reported *a = pa, *b = pb;

	return a->first < b->first ? -1 : a->first > b->first;
}

static int
cmp_reported_source(const void *pa, const void *pb)
{
	const struct reported *a = pa, *b = pb;

	if (a->source != b->source)
		return (uintptr_t)a->source < (uintptr_t)b->source ? -1 : 1;
	return cmp_reported_first(pa, pb);
}

/* The files findings and notes point at, each once, in the order they
 * are first pointed at.  0 or -ENOMEM. */
static int
list_reported(const struct dp_run *run, struct reported **ret_list,
	      size_t *ret_n)
{
	size_t n_findings = run->findings.n, n = 0, kept = 0;
	struct reported *list;

	list = malloc((n_findings + run->setup->n_notes + 1) * sizeof(*list));
	if (!list)
		return -ENOMEM;
	for (size_t i = 0; i < n_findings + run->setup->n_notes; i++) {
		struct dp_source *source =
			i < n_findings ? run->findings.items[i].origin.source
				       : run->setup->notes[i - n_findings]
						 .origin.source;

		if (source)
			list[n++] = (struct reported){source, i, 0};
	}
	qsort(list, n, sizeof(*list), cmp_reported_source);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || list[i].source != list[i - 1].source)
			list[kept++] = list[i];
	qsort(list, kept, sizeof(*list), cmp_reported_first);
	*ret_list = list;
	*ret_n = kept;
	return 0;
}

/* Reads a reported file again if its bytes were given back, and marks
 * its secrets: 0, -ESTALE when it changed, -ENOMEM. */
static int
bring_back(const struct dp_run *run, struct dp_source *source)
{
	int r = dp_source_reload(source, run->options.max_file_size);

	return r < 0 ? r : mark_secrets(run, source);
}

/* Files brought back on a second thread: every other one of the list,
 * from the second.  A thread pays off only for many of them. */
#define BRING_BACK_THREAD_FROM 64

struct bring_back_half {
	const struct dp_run *run;
	struct reported *list;
	size_t n;
};

static void *
bring_back_odd(void *data)
{
	struct bring_back_half *h = data;

	for (size_t i = 1; i < h->n; i += 2)
		h->list[i].result = bring_back(h->run, h->list[i].source);
	return NULL;
}

/*
 * Reads again the bytes of every file a finding or a note points at, on
 * two threads when there are many (each file is read and parsed for its
 * secrets apart from the others: 700 files of 10,000 took 6 ms), then
 * drops, in the order the files were first pointed at, what points into
 * one that changed.
 */
static int
reload_reported(struct dp_run *run)
{
	struct bring_back_half odd;
	struct reported *list;
	pthread_t thread;
	bool threaded = false;
	size_t n;
	int r;

	if ((r = list_reported(run, &list, &n)) < 0)
		return r;
	odd = (struct bring_back_half){run, list, n};
	if (n >= BRING_BACK_THREAD_FROM &&
	    dp_thread_count(run->options.threads) > 1)
		threaded = pthread_create(&thread, NULL, bring_back_odd,
					  &odd) == 0;
	for (size_t i = 0; i < n; i += threaded ? 2 : 1)
		list[i].result = bring_back(run, list[i].source);
	if (threaded)
		pthread_join(thread, NULL);
	for (size_t i = 0; i < n && r == 0; i++) {
		if (list[i].result == -ESTALE)
			drop_stale(run, list[i].source);
		else if (list[i].result < 0)
			r = list[i].result;
	}
	free(list);
	return r;
}

/* Writes the element index into every reported pointer that stands for
 * it, before anything sorts, hashes or prints them. */
static int
resolve_item_pointers(struct dp_run *run)
{
	int r = 0;

	if (!run->setup->n_item_arrays)
		return 0;
	for (size_t i = 0; i < run->findings.n && r == 0; i++)
		r = dp_setup_resolve_pointer(run->setup,
					     &run->findings.items[i].origin);
	for (size_t i = 0; i < run->setup->n_notes && r == 0; i++)
		r = dp_setup_resolve_pointer(run->setup,
					     &run->setup->notes[i].origin);
	return r;
}

int
dp_run_finish(struct dp_run *run, char **reterr_msg)
{
	struct dp_engine_input in = {
		.rules = run->rules,
		.setup = run->setup,
		.docs = run->docs,
		.n_docs = run->n_docs,
		.unknown = run->unknown,
		.n_unknown = run->n_unknown,
		.enabled = run->options.enabled,
		.severity = run->options.severity,
		.lang = run->options.lang,
		.threads = run->options.threads,
	};
	bool *defaults = NULL;
	int r, engine_r;

	/* Every document is in: what is shared stays shared, the table
	 * that found it (up to 2 MiB) is not needed any more. */
	dp_arena_stop_sharing(run->setup->arena);
	if ((r = set_creator(run)) < 0 || (r = dp_associate(run->setup)) < 0 ||
	    (r = dp_classify_endpoints(run->setup,
				       dp_ruleset_table(run->rules, "engines"))) < 0)
		return r;
	dp_setup_classify(run->setup);
	if (!in.enabled) {
		defaults = calloc(run->rules->n_rules + 1, sizeof(*defaults));
		if (!defaults)
			return -ENOMEM;
		for (size_t i = 0; i < run->rules->n_rules; i++)
			defaults[i] = run->rules->rules[i]->enabled;
		in.enabled = defaults;
	}
	engine_r = dp_engine_run(&in, &run->findings, reterr_msg);
	free(defaults);
	if (engine_r < 0 && engine_r != -E2BIG)
		return engine_r;
	if ((r = resolve_item_pointers(run)) < 0 ||
	    (r = reload_reported(run)) < 0 ||
	    (r = dp_findings_sort(&run->findings)) < 0 ||
	    (r = cap_findings(run)) < 0 ||
	    (r = list_not_run(run)) < 0 || (r = summarise_setup(run)) < 0)
		return r;
	return engine_r;
}

void
dp_run_report(const struct dp_run *run, struct dp_report *ret_report)
{
	memset(ret_report, 0, sizeof(*ret_report));
	ret_report->findings = &run->findings;
	ret_report->rules = run->rules;
	ret_report->sources = run->sources;
	ret_report->n_sources = run->n_sources;
	ret_report->n_skipped = run->n_skipped;
	ret_report->notes = run->setup->notes;
	ret_report->n_notes = run->setup->n_notes;
	ret_report->not_run = (const char *const *)run->not_run;
	ret_report->n_not_run = run->n_not_run;
	ret_report->setup_summary = run->setup_summary;
	ret_report->lang = run->options.lang;
}

const struct dp_findings *
dp_run_findings(const struct dp_run *run)
{
	return &run->findings;
}

struct dp_findings *
dp_run_findings_edit(struct dp_run *run)
{
	return &run->findings;
}

const struct dp_setup *
dp_run_setup(const struct dp_run *run)
{
	return run->setup;
}
