/*
 * bench.c - the benchmark driver: generates the corpora (dp-gen-corpus),
 * then runs, in the same invocation and interleaved, the floors
 * (dp-floor: read every file; yajl's callback parse of every file) and
 * dts-preflight over the same inputs, each as a whole process, and
 * prints median wall time, files/s, MB/s, peak RSS and the ratios to the
 * floors against the targets of the performance issue.  It judges
 * nothing about findings; the golden tests do that.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

extern char **environ;

#define MAX_PROGS 4

struct sample {
	double ms;
	long rss_kb;
};

struct prog {
	const char *label;
	char *argv[8];
	struct sample *samples;
	size_t n;
};

struct scenario {
	const char *name;
	const char *input;       /* file or directory */
	unsigned long files;
	unsigned long long bytes;
	struct prog progs[MAX_PROGS];
	size_t n_progs;
	unsigned runs;
};

struct options {
	const char *preflight;
	const char *floor;
	const char *gen;
	const char *workdir;
	unsigned runs;
	unsigned scale;   /* --scale: every corpus this many times larger */
	bool quick;
	bool markdown;
	bool check;
};

static struct options opt = {.runs = 7, .scale = 1};
static int n_missed;
static struct dp_buf summary;

/* ---- running one process --------------------------------------------- */

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

/*
 * Runs argv with stdout and stderr to /dev/null (or stdout to out_path);
 * *ret gets its wall time and peak RSS.  Returns the exit status, or -1
 * when it could not run or died of a signal.
 */
static int
run_once(char *const argv[], const char *out_path, struct sample *ret)
{
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	double start;
	pid_t pid;
	int status, r;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out_path ? out_path : "/dev/null",
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	start = now_ms();
	r = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0) {
		fprintf(stderr, "dp-bench: cannot run '%s': %s\n", argv[0],
			strerror(r));
		return -1;
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return -1;
	if (ret) {
		ret->ms = now_ms() - start;
		ret->rss_kb = ru.ru_maxrss;
	}
	if (!WIFEXITED(status)) {
		fprintf(stderr, "dp-bench: '%s' died of signal %d\n", argv[0],
			WTERMSIG(status));
		return -1;
	}
	return WEXITSTATUS(status);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return x < y ? -1 : x > y;
}

static double
median_ms(const struct prog *p)
{
	double v[256];
	size_t n = p->n < 256 ? p->n : 256;

	for (size_t i = 0; i < n; i++)
		v[i] = p->samples[i].ms;
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double
min_ms(const struct prog *p)
{
	double m = p->n ? p->samples[0].ms : 0;

	for (size_t i = 1; i < p->n; i++)
		if (p->samples[i].ms < m)
			m = p->samples[i].ms;
	return m;
}

static long
max_rss(const struct prog *p)
{
	long m = 0;

	for (size_t i = 0; i < p->n; i++)
		if (p->samples[i].rss_kb > m)
			m = p->samples[i].rss_kb;
	return m;
}

/* ---- corpora ---------------------------------------------------------- */

static void
count_inputs(const char *path, unsigned long *files,
	     unsigned long long *bytes)
{
	struct stat st;
	struct dirent *e;
	DIR *dir;

	if (stat(path, &st) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		size_t len = strlen(path);

		if (len > 5 && strcmp(path + len - 5, ".json") == 0) {
			(*files)++;
			*bytes += (unsigned long long) st.st_size;
		}
		return;
	}
	dir = opendir(path);
	if (!dir)
		return;
	while ((e = readdir(dir))) {
		char *child;

		if (e->d_name[0] == '.')
			continue;
		child = dp_asprintf("%s/%s", path, e->d_name);
		if (!child)
			break;
		count_inputs(child, files, bytes);
		free(child);
	}
	closedir(dir);
}

/* Runs the generator unless DIR/NAME.stamp says this exact corpus is
 * there already; returns the corpus path (malloc'd) or NULL. */
static char *
corpus(const char *name, const char *kind, const char *count,
       const char *extra)
{
	char *path = dp_asprintf("%s/%s", opt.workdir, name);
	char *stamp = dp_asprintf("%s/%s.stamp", opt.workdir, name);
	char *want = dp_asprintf("%s %s %s 1 %s\n", kind, name, count,
				 extra ? extra : "");
	char have[256] = "";
	FILE *f;

	if (!path || !stamp || !want)
		goto fail;
	f = fopen(stamp, "r");
	if (f) {
		size_t n = fread(have, 1, sizeof(have) - 1, f);

		have[n] = '\0';
		fclose(f);
	}
	if (strcmp(have, want) != 0) {
		char *argv[] = {(char *) opt.gen, (char *) kind, path,
				(char *) count, (char *) "1", (char *) extra,
				NULL};
		char *rm[] = {(char *) "/bin/rm", (char *) "-rf", path, NULL};

		(void) run_once(rm, NULL, NULL);
		if (run_once(argv, NULL, NULL) != 0) {
			fprintf(stderr, "dp-bench: cannot generate %s\n", name);
			goto fail;
		}
		f = fopen(stamp, "w");
		if (f) {
			fputs(want, f);
			fclose(f);
		}
	}
	free(stamp);
	free(want);
	return path;
fail:
	free(path);
	free(stamp);
	free(want);
	return NULL;
}

/* ---- scenarios -------------------------------------------------------- */

static void
add_prog(struct scenario *s, const char *label, const char *a0,
	 const char *a1, const char *a2, const char *a3)
{
	struct prog *p = &s->progs[s->n_progs++];

	p->label = label;
	p->argv[0] = (char *) a0;
	p->argv[1] = (char *) a1;
	p->argv[2] = (char *) a2;
	p->argv[3] = (char *) a3;
	p->samples = calloc(s->runs, sizeof(*p->samples));
}

static void
add_floors(struct scenario *s, bool with_read)
{
	if (with_read)
		add_prog(s, "floor: read", opt.floor, "read", s->input, NULL);
	add_prog(s, "floor: yajl parse", opt.floor, "yajl", s->input, NULL);
}

static void
add_preflight(struct scenario *s)
{
	struct prog *p = &s->progs[s->n_progs];

	add_prog(s, "dts-preflight", opt.preflight, "check", s->input, NULL);
	/* A 500 MB file (--scale 10) is over the default 64 MiB limit. */
	p->argv[3] = (char *) "--max-file-size";
	p->argv[4] = (char *) "2G";
	p->argv[5] = NULL;
}

static int
measure(struct scenario *s)
{
	count_inputs(s->input, &s->files, &s->bytes);
	/* One warm-up round (page cache, lazy binding), then interleaved
	 * rounds so that a noisy moment hits every program alike. */
	for (size_t k = 0; k < s->n_progs; k++)
		if (run_once(s->progs[k].argv, NULL, NULL) < 0)
			return -1;
	for (unsigned i = 0; i < s->runs; i++)
		for (size_t k = 0; k < s->n_progs; k++) {
			struct prog *p = &s->progs[k];

			if (run_once(p->argv, NULL, &p->samples[p->n]) < 0)
				return -1;
			p->n++;
		}
	return 0;
}

static const struct prog *
find_prog(const struct scenario *s, const char *label)
{
	for (size_t k = 0; k < s->n_progs; k++)
		if (strcmp(s->progs[k].label, label) == 0)
			return &s->progs[k];
	return NULL;
}

static void
print_header(void)
{
	if (opt.markdown)
		printf("| scenario | program | median ms | min ms | files/s | "
		       "MB/s | peak RSS MiB | x read | x yajl |\n"
		       "|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
	else
		printf("%-22s %-18s %10s %9s %10s %8s %9s %7s %7s\n",
		       "scenario", "program", "median ms", "min ms", "files/s",
		       "MB/s", "RSS MiB", "x read", "x yajl");
}

static void
print_scenario(const struct scenario *s)
{
	const struct prog *rd = find_prog(s, "floor: read");
	const struct prog *yj = find_prog(s, "floor: yajl parse");
	double rd_ms = rd ? median_ms(rd) : 0, yj_ms = yj ? median_ms(yj) : 0;

	for (size_t k = 0; k < s->n_progs; k++) {
		const struct prog *p = &s->progs[k];
		double med = median_ms(p);
		double fps = med > 0 ? s->files / (med / 1e3) : 0;
		double mbs = med > 0 ? s->bytes / 1e6 / (med / 1e3) : 0;
		char xr[16] = "-", xy[16] = "-";

		if (rd_ms > 0)
			(void) snprintf(xr, sizeof(xr), "%.2f", med / rd_ms);
		if (yj_ms > 0)
			(void) snprintf(xy, sizeof(xy), "%.2f", med / yj_ms);
		if (opt.markdown)
			printf("| %s | %s | %.1f | %.1f | %.0f | %.1f | %.1f | "
			       "%s | %s |\n",
			       s->name, p->label, med, min_ms(p), fps, mbs,
			       max_rss(p) / 1024.0, xr, xy);
		else
			printf("%-22s %-18s %10.1f %9.1f %10.0f %8.1f %9.1f "
			       "%7s %7s\n",
			       s->name, p->label, med, min_ms(p), fps, mbs,
			       max_rss(p) / 1024.0, xr, xy);
	}
	fflush(stdout);
}

/* Records a target's verdict for the summary at the end. */
static void
verdict(const char *what, double got, double limit, const char *unit)
{
	bool ok = got <= limit;

	n_missed += !ok;
	(void) dp_buf_printf(&summary, "%-62s %8.2f%s  (target <= %.2f%s)  %s\n",
			     what, got, unit, limit, unit, ok ? "ok" : "MISSED");
}

static int
run_scenario(struct scenario *s)
{
	if (measure(s) < 0)
		return -1;
	print_scenario(s);
	return 0;
}

static double
ours(const struct scenario *s)
{
	return median_ms(find_prog(s, "dts-preflight"));
}

static double
floor_yajl(const struct scenario *s)
{
	return median_ms(find_prog(s, "floor: yajl parse"));
}

/* The first clean GetRole export of a corpus: what a pre-commit hook
 * typically sees. */
static char *
one_small_file(const char *dir)
{
	char *manifest = dp_asprintf("%s/MANIFEST.tsv", dir);
	char line[512], *found = NULL;
	FILE *f = manifest ? fopen(manifest, "r") : NULL;

	while (f && !found && fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t');

		if (tab && strstr(tab, "\tram-get-role\tnone\t")) {
			*tab = '\0';
			found = dp_asprintf("%s/%s", dir, line);
		}
	}
	if (f)
		fclose(f);
	free(manifest);
	return found;
}

static void
usage(FILE *out)
{
	fputs("usage: dp-bench [--runs N] [--quick] [--scale K] [--markdown] "
	      "[--check]\n"
	      "                --preflight BIN --floor BIN --gen BIN "
	      "--workdir DIR\n"
	      "Generates the corpora in DIR (once; a stamp file remembers\n"
	      "them), runs the floors and dts-preflight on each, interleaved,\n"
	      "N times (default 7), and prints medians and ratios.  --quick\n"
	      "uses small corpora (a smoke test, not a measurement); --scale K\n"
	      "makes every corpus K times larger (10: 100,000 files, a 500 MB\n"
	      "file, plans of up to 100,000 roles); --check exits 1 when a\n"
	      "target is missed.\n",
	      out);
}

static int
parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		long n;

		if (strcmp(a, "--quick") == 0) {
			opt.quick = true;
			continue;
		}
		if (strcmp(a, "--markdown") == 0) {
			opt.markdown = true;
			continue;
		}
		if (strcmp(a, "--check") == 0) {
			opt.check = true;
			continue;
		}
		if (!v)
			return -1;
		i++;
		if (strcmp(a, "--runs") == 0) {
			if (dp_parse_long(v, 1, 200, &n) < 0)
				return -1;
			opt.runs = (unsigned) n;
		} else if (strcmp(a, "--scale") == 0) {
			if (dp_parse_long(v, 1, 40, &n) < 0)
				return -1;
			opt.scale = (unsigned) n;
		} else if (strcmp(a, "--preflight") == 0) {
			opt.preflight = v;
		} else if (strcmp(a, "--floor") == 0) {
			opt.floor = v;
		} else if (strcmp(a, "--gen") == 0) {
			opt.gen = v;
		} else if (strcmp(a, "--workdir") == 0) {
			opt.workdir = v;
		} else {
			return -1;
		}
	}
	return opt.preflight && opt.floor && opt.gen && opt.workdir ? 0 : -1;
}

int
main(int argc, char **argv)
{
	unsigned long small_n = 10000, mid_n = 1000, mb_n = 50;
	unsigned long role_n[] = {10, 100, 1000, 10000};
	char *n_small, *n_mid, *mb, *role_counts[DP_ARRAY_SIZE(role_n)];
	size_t n_role_counts = DP_ARRAY_SIZE(role_n);
	struct scenario small = {0}, mid = {0}, single = {0}, large = {0};
	struct scenario roles[4] = {{0}};
	char *dir_small, *dir_mid, *file_large, *file_one;
	char label[64];

	if (parse_args(argc, argv) < 0) {
		usage(stderr);
		return 2;
	}
	if (opt.quick) {
		small_n = 1000;
		mid_n = 100;
		mb_n = 5;
		n_role_counts = 3;
		if (opt.runs > 3)
			opt.runs = 3;
	}
	n_small = dp_asprintf("%lu", small_n * opt.scale);
	n_mid = dp_asprintf("%lu", mid_n * opt.scale);
	mb = dp_asprintf("%lu", mb_n * opt.scale);
	for (size_t i = 0; i < n_role_counts; i++)
		role_counts[i] = dp_asprintf("%lu", role_n[i] * opt.scale);
	if (!n_small || !n_mid || !mb || !role_counts[n_role_counts - 1])
		return 1;
	if (mkdir(opt.workdir, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "dp-bench: cannot create '%s': %s\n",
			opt.workdir, strerror(errno));
		return 1;
	}
	/* The tool must find the catalog it was built with. */
	if (!getenv("DTS_PREFLIGHT_RULES_DIR"))
		setenv("DTS_PREFLIGHT_RULES_DIR", DP_SOURCE_RULES_DIR, 1);

	dir_small = corpus("small", "small", n_small, NULL);
	dir_mid = corpus("mid", "small", n_mid, NULL);
	file_large = corpus("large.json", "large", mb, NULL);
	if (!dir_small || !dir_mid || !file_large)
		return 1;
	file_one = one_small_file(dir_small);
	if (!file_one) {
		fprintf(stderr, "dp-bench: no clean GetRole export in %s\n",
			dir_small);
		return 1;
	}
	printf("dp-bench: %u runs per program, medians; corpora in %s\n\n",
	       opt.runs, opt.workdir);
	print_header();

	small.name = dp_asprintf("%s files", n_small);
	small.input = dir_small;
	small.runs = opt.runs;
	add_floors(&small, true);
	add_preflight(&small);
	if (run_scenario(&small) < 0)
		return 1;

	mid.name = dp_asprintf("%s files", n_mid);
	mid.input = dir_mid;
	mid.runs = opt.runs;
	add_floors(&mid, true);
	add_preflight(&mid);
	if (run_scenario(&mid) < 0)
		return 1;

	/* A process costs little: many more runs for a stable median. */
	single.name = "1 file, whole process";
	single.input = file_one;
	single.runs = opt.runs * 8;
	add_floors(&single, false);
	add_preflight(&single);
	if (run_scenario(&single) < 0)
		return 1;

	large.name = dp_asprintf("%s MB file", mb);
	large.input = file_large;
	large.runs = opt.runs > 5 ? 5 : opt.runs;
	add_floors(&large, true);
	add_preflight(&large);
	if (run_scenario(&large) < 0)
		return 1;

	for (size_t i = 0; i < n_role_counts; i++) {
		char *name = dp_asprintf("roles-%s.json", role_counts[i]);
		char *file = name ? corpus(name, "roles", role_counts[i],
					   "--terraform")
				  : NULL;

		if (!file)
			return 1;
		roles[i].name = dp_asprintf("plan, %s roles", role_counts[i]);
		roles[i].input = file;
		roles[i].runs = opt.runs > 5 ? 5 : opt.runs;
		add_floors(&roles[i], false);
		add_preflight(&roles[i]);
		if (run_scenario(&roles[i]) < 0)
			return 1;
		free(name);
	}

	(void) snprintf(label, sizeof(label), "%s small files vs yajl floor",
			n_small);
	verdict(label,
		ours(&small) / floor_yajl(&small), 1.5, "x");
	verdict("one small file, whole process, vs C program parsing it",
		ours(&single) / floor_yajl(&single), 1.5, "x");
	(void) snprintf(label, sizeof(label), "%s vs yajl floor", large.name);
	verdict(label,
		ours(&large) / floor_yajl(&large), 3.0, "x");
	(void) snprintf(label, sizeof(label), "%s: peak RSS / file size",
			large.name);
	verdict(label,
		max_rss(find_prog(&large, "dts-preflight")) * 1024.0 /
			(double) large.bytes,
		3.0, "x");
	(void) snprintf(label, sizeof(label), "peak RSS, %s / %s",
			small.name, mid.name);
	verdict(label,
		(double) max_rss(find_prog(&small, "dts-preflight")) /
			(double) max_rss(find_prog(&mid, "dts-preflight")),
		1.25, "x");
	{
		/* Per role, above the fixed cost of the smallest plan: near-
		 * linear means the largest plan costs about what the middle
		 * one does per role. */
		const struct scenario *a = &roles[0], *b = &roles[n_role_counts - 2],
				      *c = &roles[n_role_counts - 1];
		double na = strtod(role_counts[0], NULL);
		double nb = strtod(role_counts[n_role_counts - 2], NULL);
		double nc = strtod(role_counts[n_role_counts - 1], NULL);
		double per_b = (ours(b) - ours(a)) / (nb - na);
		double per_c = (ours(c) - ours(a)) / (nc - na);

		(void) snprintf(label, sizeof(label),
				"plan: ms per role at %s vs at %s roles",
				role_counts[n_role_counts - 1],
				role_counts[n_role_counts - 2]);
		verdict(label, per_b > 0 ? per_c / per_b : 0, 1.5, "x");
	}
	printf("\n%s", summary.data ? summary.data : "");
	dp_buf_free(&summary);
	return opt.check && n_missed ? 1 : 0;
}
