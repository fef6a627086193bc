/*
 * atomic.c - the one way this program replaces a file: temporary file in
 * the same directory, fsync, rename, fsync of the directory, mode and
 * owner kept.  It decides nothing about what is written (--fix and the
 * baseline build the bytes) and prints nothing.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "util.h"

/* How much of the target's name the temporary name repeats: enough to
 * see what it belongs to, short enough to stay under NAME_MAX. */
#define TEMP_NAME_KEEP 64
#define TEMP_TRIES     100

struct dp_atomic_file {
	char *target;  /* the file replaced (symbolic links resolved) */
	char *dir;     /* its directory, fsync'd after the rename */
	char *temp;    /* the temporary file beside it */
	int fd;        /* open on temp; -1 once closed */
	bool failed;   /* a write failed: commit refuses */
};

static dp_atomic_hook_fn hook_fn;
static void *hook_data;

void
dp_atomic_set_hook(dp_atomic_hook_fn hook, void *data)
{
	hook_fn = hook;
	hook_data = data;
}

static int
hook(enum dp_atomic_step step)
{
	return hook_fn ? hook_fn(step, hook_data) : 0;
}

static void
file_free(struct dp_atomic_file *file)
{
	if (file->fd >= 0)
		(void) close(file->fd);
	if (file->temp)
		(void) unlink(file->temp);
	free(file->target);
	free(file->dir);
	free(file->temp);
	free(file);
}

/* "a/b/c.json" -> "a/b"; "c.json" -> "."; "/c.json" -> "/". */
static char *
dir_of(const char *path, const char **ret_base)
{
	const char *slash = strrchr(path, '/');

	*ret_base = slash ? slash + 1 : path;
	if (!slash)
		return dp_strdup(".");
	if (slash == path)
		return dp_strdup("/");
	return strndup(path, (size_t) (slash - path));
}

/* Creates the temporary file: ".<name>.<random>.tmp" next to target. */
static int
create_temp(struct dp_atomic_file *file, const char *base, mode_t mode)
{
	static unsigned counter;
	struct timespec ts;
	int r;

	(void) clock_gettime(CLOCK_MONOTONIC, &ts);
	for (int tries = 0; tries < TEMP_TRIES; tries++) {
		uint32_t noise = (uint32_t) ts.tv_nsec ^
				 ((uint32_t) getpid() << 12) ^
				 (++counter * 2654435761u);

		free(file->temp);
		file->temp = dp_asprintf("%s/.%.*s.%08x.tmp", file->dir,
					 TEMP_NAME_KEEP, base, noise);
		if (!file->temp)
			return -ENOMEM;
		r = hook(DP_ATOMIC_OPEN);
		if (r < 0)
			goto fail;
		file->fd = open(file->temp,
				O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
					O_NOFOLLOW | O_NOCTTY,
				mode);
		if (file->fd >= 0)
			return 0;
		r = -errno;
		if (r != -EEXIST)
			goto fail;
	}
	r = -EEXIST;
fail:
	/* Nothing was created: there is nothing to unlink. */
	free(file->temp);
	file->temp = NULL;
	return r;
}

int
dp_atomic_begin(const char *path, struct dp_atomic_file **ret_file)
{
	struct dp_atomic_file *file;
	struct stat st;
	const char *base;
	bool exists;
	int r;

	if (!path || !*path || !ret_file)
		return -EINVAL;
	file = calloc(1, sizeof(*file));
	if (!file)
		return -ENOMEM;
	file->fd = -1;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		/* Replace what the link points to, keep the link. */
		file->target = realpath(path, NULL);
		if (!file->target) {
			r = -errno;
			goto fail;
		}
	} else {
		file->target = dp_strdup(path);
		if (!file->target) {
			r = -ENOMEM;
			goto fail;
		}
	}
	exists = stat(file->target, &st) == 0;
	if (!exists && errno != ENOENT) {
		r = -errno;
		goto fail;
	}
	if (exists && !S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto fail;
	}
	file->dir = dir_of(file->target, &base);
	if (!file->dir) {
		r = -ENOMEM;
		goto fail;
	}
	/* A new file gets 0666 minus the umask, like any other; a
	 * replacement starts private and gets the old mode below. */
	r = create_temp(file, base, exists ? 0600 : 0666);
	if (r < 0)
		goto fail;
	if (exists) {
		/* chown first: it may clear set-ID bits that fchmod sets.
		 * Only root may give a file away; anyone else keeps their
		 * own ownership, which is all they could have. */
		if (st.st_uid != geteuid() || st.st_gid != getegid())
			(void) fchown(file->fd, st.st_uid, st.st_gid);
		if (fchmod(file->fd, st.st_mode & 07777) < 0) {
			r = -errno;
			goto fail;
		}
	}
	*ret_file = file;
	return 0;
fail:
	file_free(file);
	return r;
}

int
dp_atomic_append(struct dp_atomic_file *file, const void *bytes, size_t len)
{
	const char *p = bytes;
	int r;

	if (!file || (!bytes && len))
		return -EINVAL;
	if (file->failed)
		return -EIO;
	while (len > 0) {
		ssize_t n;

		r = hook(DP_ATOMIC_WRITE);
		if (r < 0)
			goto fail;
		n = write(file->fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto fail;
		}
		if (n == 0) {
			r = -EIO;
			goto fail;
		}
		p += n;
		len -= (size_t) n;
	}
	return 0;
fail:
	file->failed = true;
	return r;
}

static int
sync_dir(const char *dir)
{
	int fd, r = 0;

	r = hook(DP_ATOMIC_DIRSYNC);
	if (r < 0)
		return r;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* Some file systems cannot fsync a directory (EINVAL): the rename
	 * is as durable there as it gets. */
	if (fsync(fd) < 0 && errno != EINVAL)
		r = -errno;
	(void) close(fd);
	return r;
}

int
dp_atomic_commit(struct dp_atomic_file *file)
{
	int r, fd;

	if (!file)
		return -EINVAL;
	if (file->failed) {
		r = -EIO;
		goto out;
	}
	r = hook(DP_ATOMIC_FSYNC);
	if (r == 0 && fsync(file->fd) < 0)
		r = -errno;
	if (r < 0)
		goto out;

	/* close() can report a delayed write error (NFS): it counts. */
	fd = file->fd;
	file->fd = -1;
	r = hook(DP_ATOMIC_CLOSE);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		goto out;

	r = hook(DP_ATOMIC_RENAME);
	if (r == 0 && rename(file->temp, file->target) < 0)
		r = -errno;
	if (r < 0)
		goto out;
	/* The temporary name is the target's now: nothing to unlink. */
	free(file->temp);
	file->temp = NULL;

	r = sync_dir(file->dir);
out:
	file_free(file);
	return r;
}

void
dp_atomic_abort(struct dp_atomic_file *file)
{
	if (file)
		file_free(file);
}

int
dp_atomic_write(const char *path, const void *bytes, size_t len)
{
	struct dp_atomic_file *file = NULL;
	int r;

	r = dp_atomic_begin(path, &file);
	if (r < 0)
		return r;
	r = dp_atomic_append(file, bytes, len);
	if (r < 0) {
		dp_atomic_abort(file);
		return r;
	}
	return dp_atomic_commit(file);
}
