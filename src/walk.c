/*
 * walk.c - the files of a run, one step at a time (walk.h).  The walk is
 * a stack of directory listings rather than a recursion, so that a
 * caller can stop after any step and a reader thread can run it.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "walk.h"

/* One directory being listed. */
struct frame {
	char *path;
	int fd;        /* the directory, for openat(): a path walk less for
			  every file (AT_FDCWD when it cannot be opened) */
	struct dirent **entries;
	int n_entries, next;
	unsigned depth;
	dev_t dev;
	ino_t ino;
};

struct dp_walk {
	const char *const *paths;
	size_t n_paths, next_path;
	bool explicit;
	unsigned max_depth;
	struct frame *stack; /* the directories on the current walk path */
	size_t n_stack, cap_stack;
};

int
dp_walk_new(const char *const *paths, size_t n, bool explicit,
	    unsigned max_depth, struct dp_walk **ret_walk)
{
	struct dp_walk *walk = calloc(1, sizeof(*walk));

	if (!walk)
		return -ENOMEM;
	walk->paths = paths;
	walk->n_paths = n;
	walk->explicit = explicit;
	walk->max_depth = max_depth;
	*ret_walk = walk;
	return 0;
}

static void
free_frame(struct frame *f)
{
	for (int i = 0; i < f->n_entries; i++)
		free(f->entries[i]);
	free(f->entries);
	free(f->path);
	if (f->fd >= 0)
		(void) close(f->fd);
}

static void
pop_frame(struct dp_walk *walk)
{
	free_frame(&walk->stack[--walk->n_stack]);
}

void
dp_walk_free(struct dp_walk *walk)
{
	if (!walk)
		return;
	while (walk->n_stack)
		pop_frame(walk);
	free(walk->stack);
	free(walk);
}

static int
is_walkable(const struct dirent *entry)
{
	return entry->d_name[0] != '.';
}

static bool
has_json_suffix(const char *name)
{
	size_t len = strlen(name);

	return len > 5 && strcasecmp(name + len - 5, ".json") == 0;
}

static bool
on_walk_path(const struct dp_walk *walk, const struct stat *st)
{
	for (size_t i = 0; i < walk->n_stack; i++)
		if (walk->stack[i].dev == st->st_dev &&
		    walk->stack[i].ino == st->st_ino)
			return true;
	return false;
}

/* A step that ends at path (taken over): an error when err < 0. */
static int
step(struct dp_walk_step *ret, char *path, int err, bool explicit,
     bool regular, bool found)
{
	*ret = (struct dp_walk_step){.path = path, .error = err,
				     .explicit = explicit,
				     .regular = regular, .found = found,
				     .dirfd = AT_FDCWD, .name = path};
	return 1;
}

/* A regular file found in the listing on top, name at offset in path. */
static int
file_step(const struct dp_walk *walk, struct dp_walk_step *ret, char *path,
	  size_t offset)
{
	const struct frame *top = &walk->stack[walk->n_stack - 1];

	step(ret, path, 0, false, true, true);
	if (top->fd != AT_FDCWD) {
		ret->dirfd = top->fd;
		ret->name = path + offset;
	}
	return 1;
}

/*
 * Starts listing directory path (taken over), st its stat.  A directory
 * already being walked above is a symlink loop; a walk deeper than the
 * limit is treated the same way.  0 when pushed, 1 with an error step,
 * -ENOMEM.
 */
static int
push_dir(struct dp_walk *walk, char *path, const struct stat *st,
	 unsigned depth, struct dp_walk_step *ret)
{
	struct frame f = {.path = path, .fd = AT_FDCWD, .depth = depth,
			  .dev = st->st_dev, .ino = st->st_ino};

	if (depth > walk->max_depth || on_walk_path(walk, st))
		return step(ret, path, -ELOOP, false, false, false);
	f.n_entries = scandir(path, &f.entries, is_walkable, alphasort);
	if (f.n_entries < 0)
		return step(ret, path, -errno, false, false, false);
	f.fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f.fd < 0)
		f.fd = AT_FDCWD; /* the files are opened by path then */
	if (dp_grow(&walk->stack, walk->n_stack, &walk->cap_stack,
		    sizeof(*walk->stack)) < 0) {
		free_frame(&f);
		return -ENOMEM;
	}
	walk->stack[walk->n_stack++] = f;
	return 0;
}

/* A path given by the user: a directory to list, or a file to read. */
static int
start_path(struct dp_walk *walk, const char *given, struct dp_walk_step *ret)
{
	struct stat st;
	bool found = strcmp(given, "-") != 0 && stat(given, &st) == 0;
	char *path = dp_strdup(given);

	if (!path)
		return -ENOMEM;
	if (found && S_ISDIR(st.st_mode))
		return push_dir(walk, path, &st, 0, ret);
	return step(ret, path, 0, walk->explicit, found && S_ISREG(st.st_mode),
		    false);
}

/* dir (len bytes) + sep + name, malloc'd; NULL on ENOMEM. */
static char *
join_path(const char *dir, size_t len, const char *sep, const char *name)
{
	size_t sep_len = strlen(sep), name_len = strlen(name);
	char *path = malloc(len + sep_len + name_len + 1);

	if (!path)
		return NULL;
	memcpy(path, dir, len);
	memcpy(path + len, sep, sep_len);
	memcpy(path + len + sep_len, name, name_len + 1);
	return path;
}

/* An entry found in the listing on top: 0 when skipped or listed, else
 * 1 with a step, or -ENOMEM. */
static int
visit_entry(struct dp_walk *walk, const struct dirent *entry,
	    struct dp_walk_step *ret)
{
	const struct frame *top = &walk->stack[walk->n_stack - 1];
	size_t len = strlen(top->path);
	const char *sep = len && top->path[len - 1] == '/' ? "" : "/";
	unsigned depth = top->depth + 1;
	struct stat st;
	char *path;

#ifdef DT_REG
	/* Most entries are plain files: their type comes with the listing,
	 * and one stat per file less is a tenth of a large walk. */
	if (entry->d_type == DT_REG && !has_json_suffix(entry->d_name))
		return 0;
#endif
	/* Joined by hand: through printf, joining took half of what the
	 * reader thread spends on a small file besides system calls. */
	path = join_path(top->path, len, sep, entry->d_name);
	if (!path)
		return -ENOMEM;
#ifdef DT_REG
	if (entry->d_type == DT_REG)
		return file_step(walk, ret, path, len + strlen(sep));
#endif
	/* A link, or a type the listing does not tell. */
	if (stat(path, &st) < 0) /* vanished, or a dangling link */
		return step(ret, path, -errno, false, false, true);
	if (S_ISDIR(st.st_mode))
		return push_dir(walk, path, &st, depth, ret);
	if (!has_json_suffix(path)) {
		free(path);
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return step(ret, path, -EINVAL, false, false, true);
	return file_step(walk, ret, path, len + strlen(sep));
}

bool
dp_walk_goes_on(const struct dp_walk *walk)
{
	return walk->n_stack > 0 || walk->next_path < walk->n_paths;
}

int
dp_walk_next(struct dp_walk *walk, struct dp_walk_step *ret_step)
{
	int r = 0;

	while (r == 0) {
		struct frame *top = walk->n_stack
					    ? &walk->stack[walk->n_stack - 1]
					    : NULL;

		if (!top && walk->next_path == walk->n_paths)
			return 0;
		if (!top)
			r = start_path(walk, walk->paths[walk->next_path++],
				       ret_step);
		else if (top->next == top->n_entries)
			pop_frame(walk);
		else
			r = visit_entry(walk, top->entries[top->next++],
					ret_step);
	}
	return r;
}
