/*
 * prefetch.h - the files of a walk (walk.h), read ahead of the run that
 * parses and adapts them.  With a reader thread, the system calls of
 * opening and reading many small files (most of what reading 10,000
 * exports costs) run on the second core while the run parses and adapts
 * the files before them; when the reader is ahead, it also checks,
 * hashes and parses what it read, so that whichever thread has the time
 * does that work.  Files come out in walk order, errors included,
 * whether or not a thread runs.
 *
 * Ownership: a fetched file's path, source and document are the
 * caller's; dp_prefetch_free() frees what was read but not taken.
 * Nothing here prints.
 */
#ifndef DP_PREFETCH_H
#define DP_PREFETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "input.h"
#include "json.h"
#include "walk.h"

struct dp_prefetch_options {
	size_t max_file_size;          /* for dp_source_read() */
	struct dp_json_limits limits;  /* for dp_doc_parse() */
	size_t parse_below;            /* only shorter files are parsed
					  ahead: longer ones are the run's
					  to stream */
	unsigned max_dir_depth;
	unsigned threads;              /* as dp_run_options.threads: above
					  1 (0: when there is a second
					  processor), read on a thread of
					  its own once a second file is to
					  be read */
	struct dp_arena *source_pool;  /* the sources the thread reads are
					  allocated from it (see
					  dp_source_read_regular()); it
					  must outlive them; NULL: none */
};

/* A file read: its source may be unchecked (dp_source_check()) and
 * unhashed; doc is its tree when the reader parsed it. */
struct dp_fetched {
	struct dp_walk_step step;  /* step.error: read error, or walk error */
	struct dp_source *source;  /* NULL on error */
	struct dp_doc *doc;        /* parsed ahead, or NULL */
};

struct dp_prefetch;

/* Starts reading the n paths (walk.h): inline, and when options->threads
 * allows, on a thread from the second file on (a pre-commit hook's one file
 * starts none).  0 or -ENOMEM. */
int dp_prefetch_new(const char *const *paths, size_t n, bool explicit,
		    const struct dp_prefetch_options *options,
		    struct dp_prefetch **ret_prefetch);

/* The next file, in walk order: 1 with *ret set, 0 when there is none
 * left, or -ENOMEM (after which only dp_prefetch_free() may be called). */
int dp_prefetch_next(struct dp_prefetch *prefetch, struct dp_fetched *ret);

/* Frees what came out of dp_prefetch_next() (path, source, doc). */
void dp_fetched_free(struct dp_fetched *fetched);

/* Stops the reader and frees every file not taken. */
void dp_prefetch_free(struct dp_prefetch *prefetch);

#endif /* DP_PREFETCH_H */
