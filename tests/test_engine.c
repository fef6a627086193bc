/*
 * test_engine.c - Check suite for the rule engine's threads: over a big
 * setup the blocks of roles and tasks are shared out among threads
 * (engine.c), and what is found must be exactly what one thread finds,
 * in the same order, with the same texts.
 */
/* nftw() is XSI. */
#define _XOPEN_SOURCE 700
#include "config.h"

#include <check.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "run.h"
#include "testlib.h"
#include "util.h"

/* Copies of testdata/cases, so that the setup spans 16 blocks (of 128
 * roles or tasks), twice what the engine needs to use threads. */
#define COPIES 24

static struct dp_ruleset *rules;

static void
load_rules(void)
{
	/* As a check run loads them: patterns compiled on first match. */
	rules = tl_catalog(true);
}

static void
free_rules(void)
{
	dp_ruleset_free(rules);
	rules = NULL;
}

/* Every *.json file under testdata/cases: path and bytes. */
struct corpus {
	char **paths;
	char **texts;
	size_t *lens;
	size_t n, cap;
};

static struct corpus corpus;

static int
collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	size_t len = strlen(path);

	(void) st;
	(void) ftw;
	if (type != FTW_F || len < 5 || strcmp(path + len - 5, ".json") != 0)
		return 0;
	if (corpus.n == corpus.cap) {
		corpus.cap = corpus.cap ? 2 * corpus.cap : 256;
		corpus.paths = realloc(corpus.paths,
				       corpus.cap * sizeof(*corpus.paths));
		corpus.texts = realloc(corpus.texts,
				       corpus.cap * sizeof(*corpus.texts));
		corpus.lens = realloc(corpus.lens,
				      corpus.cap * sizeof(*corpus.lens));
		ck_assert(corpus.paths && corpus.texts && corpus.lens);
	}
	corpus.paths[corpus.n] = dp_strdup(path);
	corpus.texts[corpus.n] = tl_read_file(path, &corpus.lens[corpus.n]);
	corpus.n++;
	return 0;
}

/* A finished run over COPIES copies of the corpus, each in a directory
 * of its own, on at most `threads` threads; its status in *ret_r and
 * its limit message (malloc'd, or NULL) in *ret_msg. */
static struct dp_run *
run_corpus(unsigned threads, int *ret_r, char **ret_msg)
{
	struct dp_run_options options = {.creator_uid = "1234567890123456",
					 .max_findings = SIZE_MAX,
					 .threads = threads};
	struct dp_run *run = NULL;
	char name[4200];

	ck_assert_int_eq(dp_run_new(rules, &options, &run), 0);
	for (unsigned k = 0; k < COPIES; k++)
		for (size_t i = 0; i < corpus.n; i++) {
			snprintf(name, sizeof(name), "copy%02u/%s", k,
				 corpus.paths[i]);
			ck_assert_int_eq(dp_run_add_buffer(run, name,
							   corpus.texts[i],
							   corpus.lens[i], true),
					 0);
		}
	*ret_msg = NULL;
	*ret_r = dp_run_finish(run, ret_msg);
	return run;
}

static void
assert_same_text(const char *a, const char *b)
{
	if (!a || !b)
		ck_assert_ptr_eq(a, b);
	else
		ck_assert_str_eq(a, b);
}

static void
assert_same_finding(const struct dp_finding *a, const struct dp_finding *b)
{
	ck_assert_str_eq(a->rule->id, b->rule->id);
	ck_assert_int_eq(a->severity, b->severity);
	ck_assert_int_eq(a->origin.source == NULL, b->origin.source == NULL);
	if (a->origin.source)
		ck_assert_str_eq(a->origin.source->path, b->origin.source->path);
	ck_assert_uint_eq(a->origin.span.start, b->origin.span.start);
	ck_assert_uint_eq(a->origin.span.end, b->origin.span.end);
	assert_same_text(a->origin.pointer, b->origin.pointer);
	ck_assert_uint_eq(a->loc.line, b->loc.line);
	ck_assert_uint_eq(a->loc.column, b->loc.column);
	assert_same_text(a->message, b->message);
	assert_same_text(a->why, b->why);
	assert_same_text(a->fix, b->fix);
	assert_same_text(a->replacement, b->replacement);
	assert_same_text(a->value, b->value);
}

START_TEST(threads_find_what_one_finds)
{
	char *cases = tl_testdata_path("cases");
	const struct dp_setup *setup;
	const struct dp_findings *one, *many;
	struct dp_run *serial, *shared;
	char *serial_msg, *shared_msg;
	int serial_r, shared_r;
	size_t most;
	unsigned threads = (unsigned) _i;

	ck_assert_int_eq(nftw(cases, collect, 16, FTW_PHYS), 0);
	ck_assert_uint_gt(corpus.n, 100);
	/* Threads first, while every pattern is still deferred. */
	shared = run_corpus(threads, &shared_r, &shared_msg);
	serial = run_corpus(1, &serial_r, &serial_msg);
	setup = dp_run_setup(serial);
	most = setup->n_roles > setup->n_tasks ? setup->n_roles
					       : setup->n_tasks;
	/* Enough blocks for the engine to use threads (8 or more). */
	ck_assert_uint_ge(most, (size_t) 16 * 128);
	ck_assert_int_eq(serial_r, shared_r);
	assert_same_text(serial_msg, shared_msg);
	one = dp_run_findings(serial);
	many = dp_run_findings(shared);
	ck_assert_uint_gt(one->n, 1000);
	ck_assert_uint_eq(one->n, many->n);
	for (size_t i = 0; i < one->n; i++)
		assert_same_finding(&one->items[i], &many->items[i]);
	dp_run_free(serial);
	dp_run_free(shared);
	free(serial_msg);
	free(shared_msg);
	for (size_t i = 0; i < corpus.n; i++) {
		free(corpus.paths[i]);
		free(corpus.texts[i]);
	}
	free(corpus.paths);
	free(corpus.texts);
	free(corpus.lens);
	memset(&corpus, 0, sizeof(corpus));
	free(cases);
}
END_TEST

static Suite *
engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("threads");

	tcase_add_checked_fixture(tc, load_rules, free_rules);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, threads_find_what_one_finds, 2, 5);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(engine_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
