/*
 * fuzz_config.c - libFuzzer harness for the other files a user hands the
 * program: the config file .dts-preflight.json (settings and waivers)
 * and a baseline.  The first byte picks which; the rest is the file.
 * Either it loads - and its rule patterns are checked against the
 * catalog, its settings merged into a command line, its waivers matched
 * and listed - or it is refused with one "file:line:col: what" message.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "cli.h"
#include "config_file.h"
#include "fuzz.h"
#include "util.h"
#include "waiver.h"

static char *dir, *path;

static void
cleanup(void)
{
	if (path)
		(void) unlink(path);
	if (dir)
		(void) rmdir(dir);
	free(path);
	free(dir);
}

/* The bytes as a file: the loaders read paths. */
static void
write_file(const uint8_t *data, size_t size)
{
	int fd;

	if (!dir) {
		char tmpl[] = "/tmp/dp-fuzz-config-XXXXXX";

		FUZZ_ASSERT(mkdtemp(tmpl));
		dir = dp_strdup(tmpl);
		path = dp_asprintf("%s/" DP_CONFIG_NAME, tmpl);
		FUZZ_ASSERT(dir && path);
		FUZZ_ASSERT(atexit(cleanup) == 0);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FUZZ_ASSERT(fd >= 0);
	FUZZ_ASSERT(size == 0 || write(fd, data, size) == (ssize_t) size);
	FUZZ_ASSERT(close(fd) == 0);
}

/* A content error names the file and a position in it. */
static void
check_error(int r, char *msg)
{
	if (r == -EINVAL) {
		if (!fuzz_has_position(msg, path))
			fprintf(stderr, "no file:line:col in '%s'\n", msg);
		FUZZ_ASSERT(fuzz_has_position(msg, path));
	} else {
		FUZZ_ASSERT(r == -ENOMEM || r == -EFBIG);
	}
	free(msg);
}

static void
config(void)
{
	const struct dp_ruleset *rules = fuzz_catalog();
	struct dp_config *cfg = NULL;
	struct dp_cli cli;
	char prog[] = "dts-preflight", file[] = "role.json";
	char *argv[] = {prog, file, NULL};
	char *msg = NULL;
	int r;

	r = dp_config_load(path, &cfg, &msg);
	if (r < 0) {
		FUZZ_ASSERT(!cfg);
		check_error(r, msg);
		return;
	}
	FUZZ_ASSERT(cfg && !msg);
	r = dp_config_check_rules(cfg, rules, &msg);
	if (r < 0)
		check_error(r, msg);
	msg = NULL;
	if (dp_cli_parse(2, argv, NULL, &cli, &msg) == 0) {
		r = dp_config_apply(cfg, &cli);
		FUZZ_ASSERT(r == 0 || r == -ENOMEM);
		dp_cli_done(&cli);
	}
	free(msg);
	for (size_t i = 0; i < cfg->waivers.n; i++) {
		const struct dp_waiver *w = &cfg->waivers.items[i];

		FUZZ_ASSERT(w->rule && w->path && w->reason && w->expires);
		(void) dp_waiver_covers(w, "dir/role.json");
		for (size_t k = 0; k < rules->n_rules && k < 8; k++)
			(void) dp_waiver_matches(w, rules->rules[k],
						 "role.json", "/Role/RoleName");
	}
	r = dp_waivers_write(fuzz_devnull(), &cfg->waivers, 20260115, false);
	FUZZ_ASSERT(r == 0 || r == -ENOMEM);
	dp_config_free(cfg);
}

static void
baseline(void)
{
	struct dp_baseline *b = NULL;
	char *msg = NULL;
	int r;

	r = dp_baseline_load(path, &b, &msg);
	if (r < 0) {
		FUZZ_ASSERT(!b);
		check_error(r, msg);
		return;
	}
	FUZZ_ASSERT(b && !msg);
	/* Sorted by fingerprint: each one is found. */
	for (size_t i = 0; i < b->n && i < 64; i++)
		FUZZ_ASSERT(dp_baseline_take(b, b->entries[i].fingerprint));
	dp_baseline_free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	write_file(data + 1, size - 1);
	if (data[0] & 1)
		baseline();
	else
		config();
	return 0;
}
