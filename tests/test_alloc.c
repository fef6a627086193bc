/*
 * test_alloc.c - allocation-failure injection over whole runs of the
 * command.  Linked with -Wl,--wrap for malloc, calloc, realloc, free,
 * strdup and strndup, so that every allocation the library makes goes
 * through here: run k fails allocation number k (k = 1, 2, ... until a
 * run makes fewer allocations than that).  Each run must end normally -
 * exit status 2 with "Cannot allocate memory", or exactly the output of
 * a run without failure when the failure was absorbed - and must free
 * everything it allocated (checked here, without valgrind).
 * DP_ALLOC_STRIDE=n tests only every n-th allocation (for valgrind);
 * DP_ALLOC_TRACE=k prints where allocation k of each run is made.
 * Allocations inside yajl, PCRE2 and libc are not ours and not injected.
 */
#include "config.h"

#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

/* ---- the injector ----------------------------------------------------- */

/* A run with more than one file reads ahead on a second thread
 * (prefetch.c), which allocates too: the counter and the live set are
 * shared, so every wrapper holds this lock.  Which thread meets the
 * failing allocation then depends on timing, and either must cope. */
static pthread_mutex_t injector_lock = PTHREAD_MUTEX_INITIALIZER;

static bool injecting;    /* only during dp_app_run() */
static long n_allocs;     /* allocations seen in this run */
static long fail_at;      /* which one fails; 0: none */
static bool failed;       /* the injected failure happened */
static long trace_at;     /* DP_ALLOC_TRACE */
static pthread_t main_thread;
static long reader_failures; /* failures met off the main thread */

/* Live allocations of this run: an open-addressing set of pointers. */
static void **live;
static size_t live_cap, live_n, live_used; /* used: live + tombstones */

static size_t
slot_of(const void *p, size_t cap)
{
	uintptr_t h = (uintptr_t) p;

	h ^= h >> 17;
	h *= 0x9E3779B97F4A7C15ull;
	return (size_t) (h >> 7) & (cap - 1);
}

static void
live_add(void *p)
{
	if (live_used * 2 >= live_cap) {
		size_t cap = live_cap ? live_cap * 2 : 4096;
		void **bigger = __real_calloc(cap, sizeof(*bigger));

		if (!bigger)
			abort();
		for (size_t i = 0; i < live_cap; i++) {
			size_t s;

			if (!live[i] || live[i] == (void *) 1)
				continue;
			for (s = slot_of(live[i], cap); bigger[s];
			     s = (s + 1) & (cap - 1))
				;
			bigger[s] = live[i];
		}
		__real_free(live);
		live = bigger;
		live_cap = cap;
		live_used = live_n;
	}
	{
		size_t s = slot_of(p, live_cap);

		while (live[s] && live[s] != (void *) 1)
			s = (s + 1) & (live_cap - 1);
		if (!live[s])
			live_used++;
		live[s] = p;
		live_n++;
	}
}

/* Forgets p; false when it was not allocated in this run. */
static bool
live_remove(void *p)
{
	if (!live_cap)
		return false;
	for (size_t s = slot_of(p, live_cap); live[s];
	     s = (s + 1) & (live_cap - 1)) {
		if (live[s] == p) {
			live[s] = (void *) 1; /* tombstone */
			live_n--;
			return true;
		}
	}
	return false;
}

static void
live_reset(void)
{
	__real_free(live);
	live = NULL;
	live_cap = live_n = live_used = 0;
}

static bool
inject(void)
{
	if (!injecting)
		return false;
	if (++n_allocs == trace_at) {
		void *frames[16];
		int n = backtrace(frames, 16);

		fprintf(stderr, "allocation %ld (run failing %ld):\n",
			n_allocs, fail_at);
		backtrace_symbols_fd(frames, n, STDERR_FILENO);
	}
	if (n_allocs == fail_at) {
		failed = true;
		if (!pthread_equal(pthread_self(), main_thread))
			reader_failures++;
		return true;
	}
	return false;
}

void *
__wrap_malloc(size_t size)
{
	void *p = NULL;

	pthread_mutex_lock(&injector_lock);
	if (inject()) {
		errno = ENOMEM;
	} else {
		p = __real_malloc(size);
		if (p && injecting)
			live_add(p);
	}
	pthread_mutex_unlock(&injector_lock);
	return p;
}

void *
__wrap_calloc(size_t n, size_t size)
{
	void *p = NULL;

	pthread_mutex_lock(&injector_lock);
	if (inject()) {
		errno = ENOMEM;
	} else {
		p = __real_calloc(n, size);
		if (p && injecting)
			live_add(p);
	}
	pthread_mutex_unlock(&injector_lock);
	return p;
}

void *
__wrap_realloc(void *old, size_t size)
{
	void *p = NULL;

	pthread_mutex_lock(&injector_lock);
	if (inject()) {
		errno = ENOMEM;
		pthread_mutex_unlock(&injector_lock);
		return NULL;
	}
	p = __real_realloc(old, size);
	if (p || size == 0) {
		bool was_ours = old && live_remove(old);

		/* A block from before the run that grows during it is
		 * still not the run's to free. */
		if (p && injecting && (was_ours || !old))
			live_add(p);
	}
	pthread_mutex_unlock(&injector_lock);
	return p;
}

void
__wrap_free(void *p)
{
	pthread_mutex_lock(&injector_lock);
	if (p)
		(void) live_remove(p);
	__real_free(p);
	pthread_mutex_unlock(&injector_lock);
}

char *
__wrap_strdup(const char *s)
{
	return __wrap_strndup(s, strlen(s));
}

char *
__wrap_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *copy = __wrap_malloc(len + 1);

	if (copy) {
		memcpy(copy, s, len);
		copy[len] = '\0';
	}
	return copy;
}

/* ---- runs ------------------------------------------------------------- */

struct result {
	int status;
	char *out, *err;
	size_t out_len, err_len;
	long allocs;
	size_t leaked;
};

static void
result_free(struct result *r)
{
	free(r->out);
	free(r->err);
}

static void
run(char **argv, int argc, long fail, struct result *ret)
{
	FILE *out, *err;

	memset(ret, 0, sizeof(*ret));
	out = open_memstream(&ret->out, &ret->out_len);
	err = open_memstream(&ret->err, &ret->err_len);
	if (!out || !err)
		abort();
	n_allocs = 0;
	fail_at = fail;
	failed = false;
	injecting = true;
	ret->status = dp_app_run(argc, argv, out, err);
	injecting = false;
	ret->allocs = n_allocs;
	ret->leaked = live_n;
	live_reset();
	fclose(out);
	fclose(err);
}

static bool
same(const struct result *a, const struct result *b)
{
	return a->status == b->status && a->out_len == b->out_len &&
	       a->err_len == b->err_len &&
	       memcmp(a->out, b->out, a->out_len) == 0 &&
	       memcmp(a->err, b->err, a->err_len) == 0;
}

/* Runs argv failing each allocation in turn, calling prepare (when not
 * NULL) before each run; the number of bad runs. */
static int
scenario(const char *name, char **argv, int argc, long stride,
	 void (*prepare)(void))
{
	struct result base, r;
	long k, tested = 0, absorbed = 0;
	int bad = 0;

	reader_failures = 0;

	if (prepare)
		prepare();
	run(argv, argc, 0, &base);
	if (base.leaked) {
		fprintf(stderr, "%s: %zu allocations leaked without any "
			"failure\n", name, base.leaked);
		bad++;
	}
	for (k = 1; k <= base.allocs; k += stride) {
		if (prepare)
			prepare();
		run(argv, argc, k, &r);
		tested++;
		if (!failed) {
			/* The run took another path and made fewer
			 * allocations: nothing was injected. */
		} else if (r.status == 2 && r.err_len &&
			   strstr(r.err, strerror(ENOMEM))) {
			/* The error was reported. */
		} else if (same(&r, &base)) {
			absorbed++;
		} else {
			fprintf(stderr,
				"%s: allocation %ld of %ld failed: exit %d "
				"and output that differs from a normal run "
				"without saying so\n--- stderr:\n%.*s\n",
				name, k, base.allocs, r.status,
				(int) (r.err_len < 2000 ? r.err_len : 2000),
				r.err ? r.err : "");
			bad++;
		}
		if (r.status < 0 || r.status > 2) {
			fprintf(stderr, "%s: allocation %ld: exit %d\n", name,
				k, r.status);
			bad++;
		}
		if (r.leaked) {
			fprintf(stderr, "%s: allocation %ld of %ld failed: "
				"%zu allocations leaked\n", name, k,
				base.allocs, r.leaked);
			bad++;
		}
		result_free(&r);
		if (bad > 200)
			break;
	}
	printf("%s: %ld allocations in a run, %ld failures injected "
	       "(%ld on the reader thread), %ld absorbed, %d bad\n",
	       name, base.allocs, tested, reader_failures, absorbed, bad);
	result_free(&base);
	return bad;
}

static char *
testdata(const char *rel)
{
	const char *root = getenv("DP_TESTDATA");
	size_t len;
	char *path;

	if (!root) {
		fprintf(stderr, "DP_TESTDATA is not set: run through meson "
			"test\n");
		exit(EXIT_FAILURE);
	}
	len = strlen(root) + strlen(rel) + 2;
	path = malloc(len);
	if (!path)
		abort();
	(void) snprintf(path, len, "%s/%s", root, rel);
	return path;
}

/* A scratch directory for what the runs write, and a file --fix edits:
 * put back before every run. */
static char scratch[] = "/tmp/dp-alloc-XXXXXX";
static char *fix_source, *fix_target;

static char *
scratch_path(const char *name)
{
	size_t len = strlen(scratch) + strlen(name) + 2;
	char *path = malloc(len);

	if (!path)
		abort();
	(void) snprintf(path, len, "%s/%s", scratch, name);
	return path;
}

static void
copy_file(const char *from, const char *to)
{
	char chunk[4096];
	size_t n;
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");

	if (!in || !out)
		abort();
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		if (fwrite(chunk, 1, n, out) != n)
			abort();
	fclose(in);
	if (fclose(out) != 0)
		abort();
}

static void
put_back_fixable(void)
{
	copy_file(fix_source, fix_target);
}

int
main(void)
{
	char *walk = testdata("cases/cli/directory-walk/setup");
	char *collapsed = testdata("cases/trust/DP302-fail/role.json");
	char *cut = testdata("cases/input/DP001-truncated/cut.json");
	char *embedded = testdata("cases/trust/DP301-embedded");
	char *dup = testdata("cases/input/DP004-fail");
	char *waived = testdata("cases/waivers/expired/policy.json");
	char *config = testdata("cases/waivers/expired/.dts-preflight.json");
	const char *stride_env = getenv("DP_ALLOC_STRIDE");
	long stride = stride_env ? strtol(stride_env, NULL, 10) : 1;
	char *baseline, *fixed_copy, *list;
	char prog[] = "dts-preflight", f[] = "-f", text[] = "text",
	     json[] = "json", gcc[] = "gcc", sarif[] = "sarif",
	     junit[] = "junit", diff[] = "diff", creator[] = "--creator-uid",
	     uid[] = "1234567890123456", lang[] = "--lang", zh[] = "zh",
	     cfg[] = "--config", write_bl[] = "--write-baseline",
	     read_bl[] = "--baseline", fix[] = "--fix", explain[] = "explain",
	     error_text[] = "AssumeRoleFail: NoPermission", rules[] = "rules",
	     matrix[] = "matrix", trust_policy[] = "trust-policy",
	     trust[] = "--trust", waivers[] = "waivers";
	int bad = 0;

	main_thread = pthread_self();
	if (stride < 1)
		stride = 1;
	if (getenv("DP_ALLOC_TRACE"))
		trace_at = strtol(getenv("DP_ALLOC_TRACE"), NULL, 10);
	if (!mkdtemp(scratch))
		abort();
	baseline = scratch_path("baseline.json");
	fixed_copy = scratch_path("job.json");
	list = scratch_path("list");
	fix_source = testdata("cases/role-name/DP201-fail/job.json");
	fix_target = fixed_copy;

	{
		char *argv[] = {prog, f, text, creator, uid, walk, collapsed,
				cut, embedded, dup, NULL};
		bad += scenario("text", argv, 10, stride, NULL);
	}
	{
		char *argv[] = {prog, f, json, lang, zh, walk, collapsed, cut,
				NULL};
		bad += scenario("json", argv, 8, stride, NULL);
	}
	{
		char *argv[] = {prog, f, gcc, embedded, dup, NULL};
		bad += scenario("gcc", argv, 5, stride, NULL);
	}
	{
		char *argv[] = {prog, f, sarif, walk, collapsed, NULL};
		bad += scenario("sarif", argv, 5, stride, NULL);
	}
	{
		char *argv[] = {prog, f, junit, walk, cut, NULL};
		bad += scenario("junit", argv, 5, stride, NULL);
	}
	{
		char *argv[] = {prog, f, diff, creator, uid, fix_source, NULL};
		bad += scenario("diff", argv, 6, stride, NULL);
	}
	{
		char *argv[] = {prog, cfg, config, waived, NULL};
		bad += scenario("config and waivers", argv, 4, stride, NULL);
	}
	{
		char *argv[] = {prog, waivers, cfg, config, waived, NULL};
		bad += scenario("waivers command", argv, 5, stride, NULL);
	}
	{
		char *argv[] = {prog, write_bl, baseline, walk, collapsed, NULL};
		bad += scenario("--write-baseline", argv, 5, stride, NULL);
	}
	{
		char *argv[] = {prog, read_bl, baseline, walk, collapsed, cut,
				NULL};
		bad += scenario("--baseline", argv, 6, stride, NULL);
	}
	{
		char *argv[] = {prog, fix, fixed_copy, NULL};
		bad += scenario("--fix", argv, 3, stride, put_back_fixable);
	}
	{
		char *argv[] = {prog, explain, error_text, NULL};
		bad += scenario("explain", argv, 3, stride, NULL);
	}
	{
		char *argv[] = {prog, rules, f, json, NULL};
		bad += scenario("rules", argv, 4, stride, NULL);
	}
	{
		char *argv[] = {prog, matrix, NULL};
		bad += scenario("matrix", argv, 2, stride, NULL);
	}
	{
		char *argv[] = {prog, trust_policy, trust, uid, NULL};
		bad += scenario("trust-policy", argv, 4, stride, NULL);
	}
	(void) unlink(baseline);
	(void) unlink(fixed_copy);
	(void) rmdir(scratch);
	free(list);
	free(baseline);
	free(fixed_copy);
	free(fix_source);
	free(walk);
	free(collapsed);
	free(cut);
	free(embedded);
	free(dup);
	free(waived);
	free(config);
	return bad ? EXIT_FAILURE : EXIT_SUCCESS;
}
