/*
 * test_atomic.c - the atomic-write helper under failure: every step made
 * to fail (write, fsync, close, rename, ...) and the process killed
 * between every two steps must leave the original file intact, and no
 * temporary file behind after an error.  Also mode, owner and links kept.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomic.h"
#include "util.h"

#define OLD_TEXT "{\"old\": true}\n"
#define NEW_TEXT "{\"new\": true, \"longer\": \"than the old one\"}\n"

static char dir[] = "/tmp/dp-atomic-XXXXXX";

static char *
path_in(const char *name)
{
	char *p = dp_asprintf("%s/%s", dir, name);

	ck_assert_ptr_nonnull(p);
	return p;
}

static void
put(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t) strlen(text));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	ck_assert_int_eq(close(fd), 0);
}

static char *
get(const char *path)
{
	struct dp_buf b = {0};
	char chunk[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		ck_assert_int_eq(dp_buf_append(&b, chunk, (size_t) n), 0);
	close(fd);
	return b.data ? b.data : dp_strdup("");
}

/* How many entries of dir (besides . and ..) there are. */
static int
count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char *cmd = dp_asprintf("rm -rf '%s'", dir);

	if (cmd && system(cmd) != 0)
		perror("rm");
	free(cmd);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

START_TEST(new_file_gets_umask_mode)
{
	char *p = path_in("new.json");
	mode_t old_umask = umask(022);
	struct stat st;
	char *text;

	ck_assert_int_eq(dp_atomic_write(p, NEW_TEXT, strlen(NEW_TEXT)), 0);
	umask(old_umask);
	text = get(p);
	ck_assert_str_eq(text, NEW_TEXT);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	ck_assert_int_eq(count_entries(), 1);
	free(text);
	free(p);
}
END_TEST

START_TEST(replace_keeps_mode)
{
	char *p = path_in("role.json");
	struct stat st;
	char *text;

	put(p, OLD_TEXT, 0640);
	ck_assert_int_eq(dp_atomic_write(p, NEW_TEXT, strlen(NEW_TEXT)), 0);
	text = get(p);
	ck_assert_str_eq(text, NEW_TEXT);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(count_entries(), 1);
	free(text);

	/* Empty contents are contents too. */
	ck_assert_int_eq(dp_atomic_write(p, "", 0), 0);
	text = get(p);
	ck_assert_str_eq(text, "");
	free(text);
	free(p);
}
END_TEST

START_TEST(symlink_is_followed_and_kept)
{
	char *real = path_in("real.json"), *link = path_in("link.json");
	struct stat st;
	char *text;

	put(real, OLD_TEXT, 0600);
	ck_assert_int_eq(symlink("real.json", link), 0);
	ck_assert_int_eq(dp_atomic_write(link, NEW_TEXT, strlen(NEW_TEXT)), 0);
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	text = get(real);
	ck_assert_str_eq(text, NEW_TEXT);
	ck_assert_int_eq(count_entries(), 2);
	free(text);
	free(real);
	free(link);
}
END_TEST

START_TEST(refuses_what_it_cannot_replace)
{
	char *fifo = path_in("fifo.json"), *sub = path_in("sub");
	char *missing = path_in("no/such/dir.json");
	struct dp_atomic_file *file = NULL;

	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	ck_assert_int_eq(dp_atomic_write(fifo, "x", 1), -EINVAL);
	ck_assert_int_eq(dp_atomic_write(sub, "x", 1), -EISDIR);
	ck_assert_int_eq(dp_atomic_write(missing, "x", 1), -ENOENT);
	ck_assert_int_eq(dp_atomic_write("", "x", 1), -EINVAL);
	ck_assert_int_eq(dp_atomic_begin(NULL, &file), -EINVAL);
	ck_assert_ptr_null(file);
	ck_assert_int_eq(count_entries(), 2);
	dp_atomic_abort(NULL);
	free(fifo);
	free(sub);
	free(missing);
}
END_TEST

START_TEST(abort_leaves_nothing)
{
	char *p = path_in("role.json");
	struct dp_atomic_file *file = NULL;
	char *text;

	put(p, OLD_TEXT, 0644);
	ck_assert_int_eq(dp_atomic_begin(p, &file), 0);
	ck_assert_int_eq(dp_atomic_append(file, NEW_TEXT, 5), 0);
	ck_assert_int_eq(count_entries(), 2);
	dp_atomic_abort(file);
	ck_assert_int_eq(count_entries(), 1);
	text = get(p);
	ck_assert_str_eq(text, OLD_TEXT);
	free(text);
	free(p);
}
END_TEST

/* ---- injected failures ---------------------------------------------- */

struct injection {
	enum dp_atomic_step step;
	int nth;    /* fail the nth time the step comes (1-based) */
	int seen;
	int err;
	bool kill;  /* SIGKILL instead of an error */
};

static int
inject(enum dp_atomic_step step, void *data)
{
	struct injection *in = data;

	if (step != in->step || ++in->seen != in->nth)
		return 0;
	if (in->kill)
		raise(SIGKILL);
	return in->err;
}

static const char *const step_names[] = {
	"open", "write", "fsync", "close", "rename", "dirsync",
};

/* Every step fails in turn with EIO (and ENOSPC for writes): the target
 * keeps its old bytes, except after the rename, and no temporary file
 * remains. */
START_TEST(every_step_fails_cleanly)
{
	enum dp_atomic_step step = (enum dp_atomic_step) _i;
	char *p = path_in("role.json");
	struct injection in = {.step = step, .nth = 1, .err = -EIO};
	struct dp_atomic_file *file = NULL;
	char *text;
	int r;

	if (step == DP_ATOMIC_WRITE)
		in.err = -ENOSPC;
	put(p, OLD_TEXT, 0644);
	dp_atomic_set_hook(inject, &in);
	r = dp_atomic_begin(p, &file);
	if (r == 0) {
		r = dp_atomic_append(file, NEW_TEXT, strlen(NEW_TEXT));
		if (r == 0)
			r = dp_atomic_commit(file);
		else
			dp_atomic_abort(file);
	}
	dp_atomic_set_hook(NULL, NULL);
	ck_assert_msg(r == in.err, "step %s: got %d", step_names[step], r);
	text = get(p);
	if (step == DP_ATOMIC_DIRSYNC)
		ck_assert_str_eq(text, NEW_TEXT);
	else
		ck_assert_msg(strcmp(text, OLD_TEXT) == 0,
			      "step %s: target changed", step_names[step]);
	ck_assert_msg(count_entries() == 1, "step %s: temp file left",
		      step_names[step]);
	free(text);
	free(p);
}
END_TEST

/* A write that fails half-way (the second of two appends) poisons the
 * file: commit refuses, the target is untouched. */
START_TEST(failed_append_poisons_commit)
{
	char *p = path_in("role.json");
	struct injection in = {.step = DP_ATOMIC_WRITE, .nth = 2,
			       .err = -ENOSPC};
	struct dp_atomic_file *file = NULL;
	char *text;

	put(p, OLD_TEXT, 0644);
	dp_atomic_set_hook(inject, &in);
	ck_assert_int_eq(dp_atomic_begin(p, &file), 0);
	ck_assert_int_eq(dp_atomic_append(file, NEW_TEXT, 10), 0);
	ck_assert_int_eq(dp_atomic_append(file, &NEW_TEXT[10], 10), -ENOSPC);
	ck_assert_int_eq(dp_atomic_append(file, &NEW_TEXT[20], 10), -EIO);
	ck_assert_int_ne(dp_atomic_commit(file), 0);
	dp_atomic_set_hook(NULL, NULL);
	text = get(p);
	ck_assert_str_eq(text, OLD_TEXT);
	ck_assert_int_eq(count_entries(), 1);
	free(text);
	free(p);
}
END_TEST

/* The process is killed just before each step: the target holds either
 * all of the old bytes or all of the new ones, never a mix, never
 * nothing.  (A crash may leave the temporary file; only an error
 * cleans it up.) */
START_TEST(killed_before_every_step)
{
	enum dp_atomic_step step = (enum dp_atomic_step) _i;
	char *p = path_in("role.json");
	struct stat st;
	char *text;
	pid_t pid;
	int status;

	put(p, OLD_TEXT, 0604);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct injection in = {.step = step, .nth = 1, .kill = true};

		dp_atomic_set_hook(inject, &in);
		_exit(dp_atomic_write(p, NEW_TEXT, strlen(NEW_TEXT)) == 0 ? 0
									 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		      "step %s: child was not killed", step_names[step]);
	text = get(p);
	ck_assert_ptr_nonnull(text);
	if (step == DP_ATOMIC_DIRSYNC)
		ck_assert_str_eq(text, NEW_TEXT);
	else
		ck_assert_msg(strcmp(text, OLD_TEXT) == 0,
			      "step %s: target damaged: '%s'",
			      step_names[step], text);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0604);
	free(text);
	free(p);
}
END_TEST

/* Without permission to write the directory, nothing is created. */
START_TEST(read_only_directory)
{
	char *sub = path_in("ro"), *p = path_in("ro/role.json");
	char *text;
	int r;

	ck_assert_int_eq(mkdir(sub, 0755), 0);
	put(p, OLD_TEXT, 0644);
	ck_assert_int_eq(chmod(sub, 0555), 0);
	r = dp_atomic_write(p, NEW_TEXT, strlen(NEW_TEXT));
	ck_assert_int_eq(chmod(sub, 0755), 0);
	/* root writes anyway: then it simply succeeded. */
	if (geteuid() != 0)
		ck_assert_int_eq(r, -EACCES);
	text = get(p);
	ck_assert_str_eq(text, r == 0 ? NEW_TEXT : OLD_TEXT);
	free(text);
	free(sub);
	free(p);
}
END_TEST

static Suite *
atomic_suite(void)
{
	Suite *s = suite_create("atomic");
	TCase *tc = tcase_create("atomic");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, new_file_gets_umask_mode);
	tcase_add_test(tc, replace_keeps_mode);
	tcase_add_test(tc, symlink_is_followed_and_kept);
	tcase_add_test(tc, refuses_what_it_cannot_replace);
	tcase_add_test(tc, abort_leaves_nothing);
	tcase_add_loop_test(tc, every_step_fails_cleanly, 0, DP_ATOMIC__COUNT);
	tcase_add_test(tc, failed_append_poisons_commit);
	tcase_add_loop_test(tc, killed_before_every_step, 0, DP_ATOMIC__COUNT);
	tcase_add_test(tc, read_only_directory);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(atomic_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
