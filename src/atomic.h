/*
 * atomic.h - replacing a file so that it is never half-written: every
 * write of the program (--fix, --write-baseline, ...) goes through here.
 * The new bytes go to a temporary file in the same directory, which is
 * fsync'd, renamed over the target, and the directory fsync'd.  A crash
 * or an error at any step leaves either the old file or the new one,
 * complete, and no temporary file after an error.
 *
 * Ownership: a dp_atomic_file owns its temporary file and path copies
 * until dp_atomic_commit() or dp_atomic_abort(), which both free it.
 */
#ifndef DP_ATOMIC_H
#define DP_ATOMIC_H

#include <stddef.h>

struct dp_atomic_file;

/*
 * Starts replacing path: creates the temporary file beside it.  The
 * result keeps the mode (and, when allowed, the owner and group) of the
 * file it replaces; a new file gets 0666 minus the umask.  A symbolic
 * link is followed: the file it points to is replaced and the link
 * stays.  Returns 0; -EINVAL when path exists but is not a regular file
 * (a FIFO or device cannot be replaced atomically); -errno when the
 * directory cannot be written (-EACCES, -ENOENT, -EROFS, ...); -ENOMEM.
 * *ret_file is set only on success.
 */
int dp_atomic_begin(const char *path, struct dp_atomic_file **ret_file);

/* Appends len bytes (short writes and EINTR handled).  0 or -errno
 * (-ENOSPC, -EIO, ...); after an error only dp_atomic_abort() is left. */
int dp_atomic_append(struct dp_atomic_file *file, const void *bytes,
		     size_t len);

/*
 * Makes the new contents durable and puts them in place: fsync, close,
 * rename over the target, fsync of the directory.  Frees file in every
 * case.  Returns 0, or -errno of the step that failed; when the error
 * comes before the rename the target is untouched and the temporary file
 * removed.  An error from the directory fsync (after the rename) is
 * returned too: the new contents are in place but may not survive a
 * power cut.
 */
int dp_atomic_commit(struct dp_atomic_file *file);

/* Drops the temporary file; the target is untouched.  NULL is a no-op. */
void dp_atomic_abort(struct dp_atomic_file *file);

/* The whole cycle for bytes already in memory: begin, append, commit.
 * 0 or -errno as above. */
int dp_atomic_write(const char *path, const void *bytes, size_t len);

/* ---- for tests only ------------------------------------------------- */

/* The steps of a replacement, in order. */
enum dp_atomic_step {
	DP_ATOMIC_OPEN,     /* creating the temporary file */
	DP_ATOMIC_WRITE,    /* each write() */
	DP_ATOMIC_FSYNC,    /* fsync of the temporary file */
	DP_ATOMIC_CLOSE,    /* close of the temporary file */
	DP_ATOMIC_RENAME,   /* rename over the target */
	DP_ATOMIC_DIRSYNC,  /* fsync of the directory */
	DP_ATOMIC__COUNT,
};

/*
 * Called before each step; returning -errno makes that step fail with
 * that error as if the system call had (the temporary file is then
 * cleaned up as for a real failure).  A test may also kill the process
 * from it to show that a crash at that point loses nothing.  NULL
 * removes the hook.  Process-wide; not for use outside tests.
 */
typedef int (*dp_atomic_hook_fn)(enum dp_atomic_step step, void *data);
void dp_atomic_set_hook(dp_atomic_hook_fn hook, void *data);

#endif /* DP_ATOMIC_H */
