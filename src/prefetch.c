/*
 * prefetch.c - files read ahead (prefetch.h).  The reader
 * thread and the run share one small ring of fetched files under a
 * mutex; the reader stops when the ring is full, so that memory holds a
 * few files ahead, never the whole walk.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "prefetch.h"
#include "util.h"

/* Files read ahead at most: enough to ride out a slow read, few enough
 * that their bytes cost little.  A side that waits is woken only once
 * BATCH files (or room for them) are there: waking the other thread
 * for every small file costs more than reading it. */
#define RING_SIZE 64u
#define BATCH 16u

struct dp_prefetch {
	struct dp_walk *walk;
	struct dp_prefetch_options options;

	bool may_thread;         /* until it is decided */
	size_t taken;            /* files read inline */
	bool threaded;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled;   /* the ring got a file, or the end */
	pthread_cond_t drained;  /* the ring has room, or stop was asked */
	struct dp_fetched ring[RING_SIZE];
	size_t head, count;      /* guarded by lock, as are the two below */
	int end;                 /* 1: the walk is over; -ENOMEM: it failed */
	bool stop;               /* dp_prefetch_free(): the reader quits */
};

void
dp_fetched_free(struct dp_fetched *fetched)
{
	if (!fetched)
		return;
	dp_doc_free(fetched->doc);
	dp_source_free(fetched->source);
	free(fetched->step.path);
	*fetched = (struct dp_fetched){0};
}

/* Reads the file of one walk step, its source from pool (or NULL).  0
 * or -ENOMEM; a file that cannot be read is a step with an error. */
static int
fetch(const struct dp_prefetch_options *options, struct dp_arena *pool,
      struct dp_fetched *f)
{
	int r;

	if (f->step.error)
		return 0;
	r = f->step.found ? dp_source_read_regular(f->step.dirfd,
						   f->step.name, f->step.path,
						   options->max_file_size,
						   pool, &f->source)
			  : dp_source_read(f->step.path, options->max_file_size,
					   &f->source);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		f->step.error = r;
	return 0;
}

/* The run's first steps with a file read (the encoding check, the hash
 * of a file it will release, the parse of a small one), taken by the
 * reader when it is ahead.  0 or -ENOMEM. */
static int
prepare(const struct dp_prefetch_options *options, struct dp_fetched *f)
{
	if (f->step.error)
		return 0;
	dp_source_check(f->source);
	if (f->step.regular)
		dp_source_hash(f->source);
	if (f->source->len >= options->parse_below)
		return 0;
	return dp_doc_parse(f->source, &options->limits, &f->doc);
}

/* The next file of the walk, read: 1, 0 at the end, or -ENOMEM.  Only
 * the reader thread reads sources into the pool: a run of one file
 * should not pay for a 2 MiB page. */
static int
fetch_next(struct dp_prefetch *pf, struct dp_arena *pool,
	   struct dp_fetched *ret)
{
	int r;

	*ret = (struct dp_fetched){0};
	r = dp_walk_next(pf->walk, &ret->step);
	if (r <= 0)
		return r;
	r = fetch(&pf->options, pool, ret);
	if (r < 0) {
		dp_fetched_free(ret);
		return r;
	}
	return 1;
}

static void *
reader(void *data)
{
	struct dp_prefetch *pf = data;
	size_t waiting = 0; /* in the ring after the last file went in */
	struct dp_fetched f;
	int r;

	do {
		r = fetch_next(pf, pf->options.source_pool, &f);
		/* Half a ring ahead of the run: time to spare for its work. */
		if (r > 0 && waiting >= RING_SIZE / 2 &&
		    (r = prepare(&pf->options, &f)) == 0)
			r = 1;
		if (r < 0)
			dp_fetched_free(&f);
		pthread_mutex_lock(&pf->lock);
		if (r > 0 && pf->count == RING_SIZE)
			while (pf->count > RING_SIZE - BATCH && !pf->stop)
				pthread_cond_wait(&pf->drained, &pf->lock);
		if (pf->stop) {
			pthread_mutex_unlock(&pf->lock);
			dp_fetched_free(&f);
			return NULL;
		}
		if (r > 0)
			pf->ring[(pf->head + pf->count++) % RING_SIZE] = f;
		else
			pf->end = r == 0 ? 1 : r;
		waiting = pf->count;
		if (pf->count >= BATCH || pf->end)
			pthread_cond_signal(&pf->filled);
		pthread_mutex_unlock(&pf->lock);
	} while (r > 0);
	return NULL;
}

/* Starts the reader, if a second thread is to be had. */
static bool
start_thread(struct dp_prefetch *pf)
{
	if (dp_thread_count(pf->options.threads) < 2)
		return false;
	if (pthread_mutex_init(&pf->lock, NULL) != 0)
		return false;
	if (pthread_cond_init(&pf->filled, NULL) != 0)
		goto no_filled;
	if (pthread_cond_init(&pf->drained, NULL) != 0)
		goto no_drained;
	if (pthread_create(&pf->thread, NULL, reader, pf) != 0)
		goto no_thread;
	return true;
no_thread:
	pthread_cond_destroy(&pf->drained);
no_drained:
	pthread_cond_destroy(&pf->filled);
no_filled:
	pthread_mutex_destroy(&pf->lock);
	return false;
}

int
dp_prefetch_new(const char *const *paths, size_t n, bool explicit,
		const struct dp_prefetch_options *options,
		struct dp_prefetch **ret_prefetch)
{
	struct dp_prefetch *pf = calloc(1, sizeof(*pf));

	if (!pf)
		return -ENOMEM;
	pf->options = *options;
	if (dp_walk_new(paths, n, explicit, options->max_dir_depth,
			&pf->walk) < 0) {
		free(pf);
		return -ENOMEM;
	}
	/* Without a thread (none asked, or none to be had) the same files
	 * come out, read when they are asked for. */
	pf->may_thread = options->threads != 1;
	*ret_prefetch = pf;
	return 0;
}

int
dp_prefetch_next(struct dp_prefetch *pf, struct dp_fetched *ret)
{
	int r;

	if (pf->may_thread && pf->taken && dp_walk_goes_on(pf->walk)) {
		/* The first file came inline; more follow. */
		pf->may_thread = false;
		pf->threaded = start_thread(pf);
	}
	if (!pf->threaded) {
		pf->taken++;
		return fetch_next(pf, NULL, ret);
	}
	pthread_mutex_lock(&pf->lock);
	if (pf->count == 0)
		while (pf->count < BATCH && !pf->end)
			pthread_cond_wait(&pf->filled, &pf->lock);
	if (pf->count) {
		*ret = pf->ring[pf->head];
		pf->head = (pf->head + 1) % RING_SIZE;
		if (pf->count-- == RING_SIZE - BATCH + 1)
			pthread_cond_signal(&pf->drained);
		r = 1;
	} else {
		r = pf->end < 0 ? pf->end : 0;
	}
	pthread_mutex_unlock(&pf->lock);
	return r;
}

void
dp_prefetch_free(struct dp_prefetch *pf)
{
	if (!pf)
		return;
	if (pf->threaded) {
		pthread_mutex_lock(&pf->lock);
		pf->stop = true;
		pthread_cond_signal(&pf->drained);
		pthread_mutex_unlock(&pf->lock);
		pthread_join(pf->thread, NULL);
		for (; pf->count; pf->count--) {
			dp_fetched_free(&pf->ring[pf->head]);
			pf->head = (pf->head + 1) % RING_SIZE;
		}
		pthread_cond_destroy(&pf->drained);
		pthread_cond_destroy(&pf->filled);
		pthread_mutex_destroy(&pf->lock);
	}
	dp_walk_free(pf->walk);
	free(pf);
}
