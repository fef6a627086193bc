/*
 * floor.c - the floors dts-preflight is measured against: the least work
 * any JSON linter must do on the same files.  "read" reads every file
 * (one read into a reusable buffer); "yajl" also runs yajl's callback
 * parser with callbacks that only count; "tree" builds yajl_tree.  It
 * links yajl and libc only: nothing of dts-preflight.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

enum mode {
	MODE_READ,
	MODE_YAJL,
	MODE_TREE,
};

struct floor {
	enum mode mode;
	char *buf;
	size_t cap;
	unsigned long files, bytes, tokens, failed;
};

static int
count(void *ctx)
{
	((struct floor *) ctx)->tokens++;
	return 1;
}

static int
count_bool(void *ctx, int value)
{
	(void) value;
	return count(ctx);
}

static int
count_text(void *ctx, const char *text, size_t len)
{
	(void) text;
	(void) len;
	return count(ctx);
}

static int
count_string(void *ctx, const unsigned char *text, size_t len)
{
	(void) text;
	(void) len;
	return count(ctx);
}

static const yajl_callbacks callbacks = {
	.yajl_null = count,
	.yajl_boolean = count_bool,
	.yajl_number = count_text,
	.yajl_string = count_string,
	.yajl_start_map = count,
	.yajl_map_key = count_string,
	.yajl_end_map = count,
	.yajl_start_array = count,
	.yajl_end_array = count,
};

static void
parse(struct floor *fl, size_t len)
{
	if (fl->mode == MODE_YAJL) {
		yajl_handle h = yajl_alloc(&callbacks, NULL, fl);
		yajl_status st;

		if (!h) {
			fl->failed++;
			return;
		}
		st = yajl_parse(h, (const unsigned char *) fl->buf, len);
		if (st == yajl_status_ok)
			st = yajl_complete_parse(h);
		fl->failed += st != yajl_status_ok;
		yajl_free(h);
	} else if (fl->mode == MODE_TREE) {
		char err[128];
		yajl_val v = yajl_tree_parse(fl->buf, err, sizeof(err));

		fl->failed += v == NULL;
		yajl_tree_free(v);
	}
}

static int
do_file(struct floor *fl, const char *path)
{
	struct stat st;
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "dp-floor: cannot open '%s': %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if ((size_t) st.st_size + 1 > fl->cap) {
		char *bigger = realloc(fl->buf, (size_t) st.st_size + 1);

		if (!bigger) {
			close(fd);
			return -1;
		}
		fl->buf = bigger;
		fl->cap = (size_t) st.st_size + 1;
	}
	while (len < (size_t) st.st_size &&
	       (n = read(fd, fl->buf + len, (size_t) st.st_size - len)) > 0)
		len += (size_t) n;
	close(fd);
	fl->buf[len] = '\0';
	fl->files++;
	fl->bytes += len;
	parse(fl, len);
	return 0;
}

static bool
is_json(const char *name)
{
	size_t len = strlen(name);

	return len > 5 && strcmp(name + len - 5, ".json") == 0;
}

static int
do_path(struct floor *fl, const char *path)
{
	struct dirent *e;
	struct stat st;
	DIR *dir;
	int r = 0;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return do_file(fl, path);
	dir = opendir(path);
	if (!dir)
		return -1;
	while (r == 0 && (e = readdir(dir))) {
		size_t len = strlen(path) + strlen(e->d_name) + 2;
		char *child;

		if (e->d_name[0] == '.')
			continue;
		child = malloc(len);
		if (!child) {
			r = -1;
			break;
		}
		(void) snprintf(child, len, "%s/%s", path, e->d_name);
		if (e->d_type == DT_DIR ||
		    (e->d_type == DT_UNKNOWN && stat(child, &st) == 0 &&
		     S_ISDIR(st.st_mode)))
			r = do_path(fl, child);
		else if (is_json(e->d_name))
			r = do_file(fl, child);
		free(child);
	}
	closedir(dir);
	return r;
}

int
main(int argc, char **argv)
{
	struct floor fl = {0};
	bool verbose = false;
	int i = 2, r = 0;

	if (argc >= 2 && strcmp(argv[1], "-v") == 0) {
		verbose = true;
		argv++;
		argc--;
	}
	if (argc < 3) {
		fputs("usage: dp-floor [-v] read|yajl|tree PATH...\n", stderr);
		return 2;
	}
	if (strcmp(argv[1], "read") == 0)
		fl.mode = MODE_READ;
	else if (strcmp(argv[1], "yajl") == 0)
		fl.mode = MODE_YAJL;
	else if (strcmp(argv[1], "tree") == 0)
		fl.mode = MODE_TREE;
	else
		i = argc, r = 2;
	for (; i < argc && r == 0; i++)
		if (do_path(&fl, argv[i]) < 0)
			r = 1;
	if (verbose)
		printf("files %lu bytes %lu tokens %lu not-json %lu\n", fl.files,
		       fl.bytes, fl.tokens, fl.failed);
	free(fl.buf);
	return r;
}
