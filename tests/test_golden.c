/*
 * test_golden.c - runs every case of one group directory
 * (testdata/cases/<group>/<case>/) through dp_app_run() in-process and
 * compares stdout, stderr and the exit status with the expected files.
 *
 * A case directory holds:
 *   args             the command line after "dts-preflight", one word a line
 *   stdin            (optional) what standard input holds
 *   expected.out     what stdout must be
 *   expected.err     (optional) what stderr must be; absent = empty
 *   expected.status  the exit status
 * and its input files.  Paths in args are relative to the case directory,
 * which is the working directory while the case runs.
 * DP_UPDATE_GOLDEN=1 rewrites the expected files from the actual output:
 * review that diff like code.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "testlib.h"
#include "util.h"

static char *group_dir;
static char **cases;
static size_t n_cases;

static bool
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* The case's argv: "dts-preflight" then one word per line of args. */
static char **
read_args(const char *dir, int *ret_argc)
{
	char *path = dp_asprintf("%s/args", dir);
	char *text = exists(path) ? tl_read_file(path, NULL) : dp_strdup("");
	char **argv = calloc(256, sizeof(*argv));
	int argc = 0;

	ck_assert_ptr_nonnull(argv);
	argv[argc++] = dp_strdup("dts-preflight");
	for (char *line = text, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (*line && argc < 255)
			argv[argc++] = dp_strdup(line);
	}
	free(text);
	free(path);
	*ret_argc = argc;
	return argv;
}

static char *
read_optional(const char *dir, const char *name)
{
	char *path = dp_asprintf("%s/%s", dir, name);
	char *text = exists(path) ? tl_read_file(path, NULL) : NULL;

	free(path);
	return text;
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char *path = dp_asprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "cannot write '%s'", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	free(path);
}

/* Shows a unified diff of what was expected and what came out. */
static void
show_diff(const char *dir, const char *name, const char *actual)
{
	char tmpl[] = "/tmp/dp-golden-XXXXXX";
	int fd = mkstemp(tmpl);
	char *cmd;

	if (fd < 0)
		return;
	if (write(fd, actual, strlen(actual)) < 0)
		perror("write");
	close(fd);
	cmd = dp_asprintf("diff -u '%s/%s' '%s' >&2", dir, name, tmpl);
	if (cmd && system(cmd) < 0)
		perror("diff");
	free(cmd);
	unlink(tmpl);
}

static void
redirect_stdin(const char *dir)
{
	char *path = dp_asprintf("%s/stdin", dir);
	int fd = open(exists(path) ? path : "/dev/null", O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(dup2(fd, STDIN_FILENO), 0);
	close(fd);
	free(path);
}

START_TEST(golden_case)
{
	const char *dir = cases[_i];
	char *out_text = NULL, *err_text = NULL;
	size_t out_len = 0, err_len = 0;
	FILE *out = open_memstream(&out_text, &out_len);
	FILE *err = open_memstream(&err_text, &err_len);
	char *want_out, *want_err, *want_status;
	char status_text[16];
	int argc, status;
	char **argv = read_args(dir, &argc);

	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(chdir(dir), 0);
	redirect_stdin(dir);
	status = dp_app_run(argc, argv, out, err);
	fclose(out);
	fclose(err);
	snprintf(status_text, sizeof(status_text), "%d\n", status);

	if (getenv("DP_UPDATE_GOLDEN")) {
		write_file(dir, "expected.out", out_text);
		write_file(dir, "expected.status", status_text);
		if (err_len)
			write_file(dir, "expected.err", err_text);
		else
			unlink("expected.err");
	}
	want_out = read_optional(dir, "expected.out");
	want_err = read_optional(dir, "expected.err");
	want_status = read_optional(dir, "expected.status");
	ck_assert_msg(want_out && want_status, "%s: expected.out or "
		      "expected.status missing (DP_UPDATE_GOLDEN=1 writes them)", dir);
	if (strcmp(want_out, out_text) != 0)
		show_diff(dir, "expected.out", out_text);
	ck_assert_msg(strcmp(want_out, out_text) == 0, "%s: stdout differs", dir);
	if (want_err && strcmp(want_err, err_text) != 0)
		show_diff(dir, "expected.err", err_text);
	ck_assert_msg(strcmp(want_err ? want_err : "", err_text) == 0,
		      "%s: stderr differs:\n%s", dir, err_text);
	ck_assert_msg(strcmp(want_status, status_text) == 0,
		      "%s: exit status %d, expected %s", dir, status, want_status);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	free(out_text);
	free(err_text);
	free(want_out);
	free(want_err);
	free(want_status);
}
END_TEST

static int
is_case(const struct dirent *entry)
{
	return entry->d_name[0] != '.';
}

static void
find_cases(const char *dir)
{
	struct dirent **entries;
	int n = scandir(dir, &entries, is_case, alphasort);

	if (n < 0) {
		perror(dir);
		exit(EXIT_FAILURE);
	}
	cases = calloc((size_t)n + 1, sizeof(*cases));
	for (int i = 0; i < n; i++) {
		char *path = dp_asprintf("%s/%s", dir, entries[i]->d_name);
		struct stat st;

		if (path && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			cases[n_cases++] = path;
		else
			free(path);
		free(entries[i]);
	}
	free(entries);
}

int
main(int argc, char **argv)
{
	Suite *suite;
	TCase *tc;
	SRunner *runner;
	int failed;

	if (argc != 2) {
		fprintf(stderr, "usage: test_golden GROUP-DIR\n");
		return EXIT_FAILURE;
	}
	group_dir = realpath(argv[1], NULL);
	if (!group_dir) {
		perror(argv[1]);
		return EXIT_FAILURE;
	}
	find_cases(group_dir);
	if (n_cases == 0) {
		fprintf(stderr, "%s: no cases\n", group_dir);
		return EXIT_FAILURE;
	}
	suite = suite_create("golden");
	tc = tcase_create("cases");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, golden_case, 0, (int)n_cases);
	suite_add_tcase(suite, tc);
	runner = srunner_create(suite);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	for (size_t i = 0; i < n_cases; i++)
		free(cases[i]);
	free(cases);
	free(group_dir);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
