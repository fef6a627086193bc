/*
 * walk.h - which files a run reads, in order: the paths given, and below
 * each directory every *.json file, in name order, skipping names that
 * start with '.', refusing symlink loops and walks deeper than a limit.
 * A walk opens no file; it says which paths to read and which cannot be
 * walked, one step at a time, so that reading can run ahead of it or
 * beside it (prefetch.h).
 *
 * Ownership: a walk borrows the paths it was given; each step's path is
 * malloc'd and belongs to the caller.
 */
#ifndef DP_WALK_H
#define DP_WALK_H

#include <stdbool.h>
#include <stddef.h>

struct dp_walk_step {
	char *path;    /* as given, or as found below a directory */
	int error;     /* 0, or a negative errno: cannot be walked or read
			  (-ELOOP for a symlink loop or a walk too deep,
			  -EINVAL for a FIFO, socket or device found below a
			  directory: never opened, it could block forever) */
	bool explicit; /* named by the user, not found by the walk */
	bool regular;  /* a regular file: its bytes can be read again */
	bool found;    /* found below a directory: read it with
			  dp_source_read_regular(dirfd, name, path) */
	int dirfd;     /* found: its directory, open until the next step
			  (AT_FDCWD when it could not be opened) */
	const char *name; /* found: path relative to dirfd (inside path) */
};

struct dp_walk;

/* A walk over n paths ("-" is standard input); explicit marks them as
 * named by the user.  max_depth: how deep below a path it may go.
 * 0 or -ENOMEM. */
int dp_walk_new(const char *const *paths, size_t n, bool explicit,
		unsigned max_depth, struct dp_walk **ret_walk);

/* The next step: 1 with *ret_step set, 0 when the walk is over, or
 * -ENOMEM. */
int dp_walk_next(struct dp_walk *walk, struct dp_walk_step *ret_step);

/* Whether the walk is inside a directory or has paths left: more files
 * may follow the last step. */
bool dp_walk_goes_on(const struct dp_walk *walk);

void dp_walk_free(struct dp_walk *walk);

#endif /* DP_WALK_H */
