/*
 * fuzz_app.c - libFuzzer harness for the whole command, dp_app_run(), as
 * a user runs it: the input is either standard input of
 * "dts-preflight [options] -" (options picked by the first byte), or the
 * repository's .dts-preflight.json config found by discovery while a
 * fixed role is linted.  The exit status must be 0, 1 or 2.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "fuzz.h"
#include "util.h"

static const char role_json[] =
	"{\"Role\": {\"RoleName\": \"ram-for-dts\", \"Arn\":"
	" \"acs:ram::1234567890123456:role/ram-for-dts\","
	" \"AssumeRolePolicyDocument\": \"{\\\"Statement\\\": [{\\\"Action\\\":"
	" \\\"sts:AssumeRole\\\", \\\"Effect\\\": \\\"Allow\\\","
	" \\\"Principal\\\": {\\\"RAM\\\": [\\\"acs:ram::99:root\\\"]}}],"
	" \\\"Version\\\": \\\"1\\\"}\"}}\n";

static FILE *stdin_file;
static char *repo;

static void
remove_repo(void)
{
	static const char *const names[] = {".dts-preflight.json", "role.json",
					    ".git"};

	for (size_t i = 0; i < DP_ARRAY_SIZE(names); i++) {
		char *path = dp_asprintf("%s/%s", repo, names[i]);

		if (path)
			(void) remove(path);
		free(path);
	}
	(void) rmdir(repo);
	free(repo);
	repo = NULL;
	if (stdin_file)
		fclose(stdin_file);
}

/* A scratch repository: .git, a role, and the config written per input;
 * removed at exit. */
static void
init_repo(void)
{
	char tmpl[] = "/tmp/dp-fuzz-app-XXXXXX";
	char *git, *role;
	FILE *f;

	if (repo)
		return;
	FUZZ_ASSERT(mkdtemp(tmpl));
	repo = dp_strdup(tmpl);
	git = dp_asprintf("%s/.git", repo);
	role = dp_asprintf("%s/role.json", repo);
	FUZZ_ASSERT(repo && git && role);
	FUZZ_ASSERT(mkdir(git, 0700) == 0);
	f = fopen(role, "w");
	FUZZ_ASSERT(f && fputs(role_json, f) >= 0 && fclose(f) == 0);
	free(git);
	free(role);
	stdin_file = tmpfile();
	FUZZ_ASSERT(stdin_file);
	FUZZ_ASSERT(atexit(remove_repo) == 0);
}

/* DP_FUZZ_VERBOSE=1 shows what the command printed (for replays). */
static int
run_app(int argc, char **argv)
{
	FILE *err = getenv("DP_FUZZ_VERBOSE") ? stderr : fuzz_devnull();
	int status = dp_app_run(argc, argv, err, err);

	FUZZ_ASSERT(status >= 0 && status <= 2);
	return status;
}

/* argv words: dp_app_run() takes char **, and -Wwrite-strings makes
 * literals const. */
static char w_prog[] = "dts-preflight", w_format[] = "-f", w_text[] = "text",
	    w_gcc[] = "gcc", w_json[] = "json", w_creator[] = "--creator-uid",
	    w_uid[] = "1234567890123456", w_lang[] = "--lang", w_zh[] = "zh",
	    w_quiet[] = "-q", w_stdin[] = "-", w_role[] = "role.json";

static void
as_stdin(const uint8_t *data, size_t size, uint8_t pick)
{
	char *const formats[] = {w_text, w_gcc, w_json};
	char *argv[16];
	int argc = 0, fd = fileno(stdin_file);

	FUZZ_ASSERT(ftruncate(fd, 0) == 0);
	FUZZ_ASSERT(pwrite(fd, data, size, 0) == (ssize_t) size);
	FUZZ_ASSERT(lseek(fd, 0, SEEK_SET) == 0);
	FUZZ_ASSERT(dup2(fd, STDIN_FILENO) == STDIN_FILENO);

	argv[argc++] = w_prog;
	argv[argc++] = w_format;
	argv[argc++] = formats[(pick >> 2) % 3];
	if (pick & 0x10) {
		argv[argc++] = w_creator;
		argv[argc++] = w_uid;
	}
	if (pick & 0x20) {
		argv[argc++] = w_lang;
		argv[argc++] = w_zh;
	}
	if (pick & 0x40)
		argv[argc++] = w_quiet;
	argv[argc++] = w_stdin;
	argv[argc] = NULL;
	run_app(argc, argv);
}

static void
as_config(const uint8_t *data, size_t size)
{
	char *config = dp_asprintf("%s/.dts-preflight.json", repo);
	char *argv[] = {w_prog, w_role, NULL};
	char cwd[4096];
	FILE *f;

	FUZZ_ASSERT(config && getcwd(cwd, sizeof(cwd)));
	f = fopen(config, "w");
	FUZZ_ASSERT(f);
	FUZZ_ASSERT(fwrite(data, 1, size, f) == size && fclose(f) == 0);
	FUZZ_ASSERT(chdir(repo) == 0);
	run_app(2, argv);
	FUZZ_ASSERT(chdir(cwd) == 0);
	free(config);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	init_repo();
	if (data[0] & 1)
		as_config(data + 1, size - 1);
	else
		as_stdin(data + 1, size - 1, data[0]);
	return 0;
}
