/*
 * prefetch.h - the files of a walk (walk.h), read and parsed ahead of
 * the run that adapts them.  With a reader thread, the system calls of
 * opening and reading many small files, and parsing them, run on the
 * second core while the run adapts the files before them: a repository
 * of 10,000 exports then costs about what its reading costs.  Files come
 * out in walk order, errors included, whether or not a thread runs.
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
	size_t parse_below;            /* files shorter are parsed ahead;
					  longer ones are the caller's to
					  parse (to stream them) */
	unsigned max_dir_depth;
	bool thread;                   /* read on a thread of its own */
	/* Called on each document parsed ahead, on the reader's thread
	 * (so it may touch nothing else): 0 or -ENOMEM.  May be NULL. */
	int (*prepare)(struct dp_source *source, const struct dp_doc *doc);
};

struct dp_fetched {
	struct dp_walk_step step;  /* step.error: read error, or walk error */
	struct dp_source *source;  /* NULL on error */
	struct dp_doc *doc;        /* parsed ahead, or NULL */
};

struct dp_prefetch;

/* Starts reading the n paths (walk.h); with options->thread, on a
 * thread, or inline when one cannot be started.  0 or -ENOMEM. */
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
