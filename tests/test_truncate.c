/*
 * test_truncate.c - a valid export cut at every byte: each prefix that is
 * not the whole document must give DP001 (and nothing else for that
 * file) at a position inside what is left, with a message; the whole
 * document must not.  Exports with escaped embedded policies, non-ASCII
 * text (cut inside a UTF-8 sequence), arrays, a Terraform plan and a ROS
 * template.  Every report is also written, in text and json.
 * DP_TRUNCATE_STRIDE=n cuts only at every n-th byte (for valgrind).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "rules.h"
#include "run.h"
#include "util.h"

static const char *const exports[] = {
	"cases/trust/DP302-fail/role.json",
	"cases/shapes/array-of-shapes/bundle.json",
	"cases/formats/diff-escaping/job.json",
	"cases/shapes/sample-ros-ram-role/ros-ram-role.json",
	"cases/shapes/sample-tf-plan-dts/tf-plan-dts.json",
};

static char *
read_all(const char *path, size_t *ret_len)
{
	struct dp_buf b = {0};
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		exit(EXIT_FAILURE);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (dp_buf_append(&b, chunk, n) < 0)
			abort();
	fclose(f);
	*ret_len = b.len;
	return b.data;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Lints the first len bytes of text; the number of problems found. */
static int
check_prefix(const struct dp_ruleset *rules, const char *name,
	     const char *text, size_t len, bool complete, FILE *sink)
{
	struct dp_run *run = NULL;
	struct dp_report report;
	const struct dp_findings *f;
	size_t n_invalid = 0, n_other = 0;
	char *msg = NULL;
	int r, bad = 0;

	if (dp_run_new(rules, NULL, &run) < 0 ||
	    dp_run_add_buffer(run, name, text, len, true) < 0)
		abort();
	r = dp_run_finish(run, &msg);
	if (r < 0 && r != -E2BIG)
		abort();
	f = dp_run_findings(run);
	for (size_t i = 0; i < f->n; i++) {
		const struct dp_finding *x = &f->items[i];

		if (strcmp(x->rule->id, "DP001") != 0) {
			n_other++;
			continue;
		}
		n_invalid++;
		if (x->origin.span.start > len || !x->message ||
		    !*x->message || x->loc.line == 0 || x->loc.column == 0) {
			fprintf(stderr, "%s cut at %zu: DP001 at offset %u "
				"(%u:%u): '%s'\n", name, len,
				x->origin.span.start, x->loc.line,
				x->loc.column, x->message ? x->message : "");
			bad++;
		}
	}
	if (!complete && (n_invalid != 1 || n_other != 0)) {
		fprintf(stderr, "%s cut at %zu: %zu DP001 and %zu other "
			"findings, expected exactly one DP001\n", name, len,
			n_invalid, n_other);
		bad++;
	}
	if (complete && n_invalid != 0) {
		fprintf(stderr, "%s whole (%zu bytes): DP001\n", name, len);
		bad++;
	}
	dp_run_report(run, &report);
	report.tool_version = "test";
	if (dp_report_write("text", sink, &report) < 0 ||
	    dp_report_write("json", sink, &report) < 0) {
		fprintf(stderr, "%s cut at %zu: the report failed\n", name, len);
		bad++;
	}
	free(msg);
	dp_run_free(run);
	return bad;
}

int
main(void)
{
	const char *root = getenv("DP_TESTDATA");
	const char *rules_dir = getenv("DTS_PREFLIGHT_RULES_DIR");
	struct dp_ruleset *rules = dp_ruleset_new();
	FILE *sink = fopen("/dev/null", "w");
	const char *stride_env = getenv("DP_TRUNCATE_STRIDE");
	size_t stride = 1;
	long stride_value;
	char *msg = NULL;
	int bad = 0;

	if (stride_env && dp_parse_long(stride_env, 1, 1000, &stride_value) == 0)
		stride = (size_t)stride_value;
	if (!root || !rules_dir) {
		fprintf(stderr, "run through meson test\n");
		return EXIT_FAILURE;
	}
	if (!rules || !sink || dp_ruleset_load_dir(rules, rules_dir, &msg) < 0) {
		fprintf(stderr, "cannot load the rules: %s\n", msg ? msg : "?");
		return EXIT_FAILURE;
	}
	for (size_t e = 0; e < DP_ARRAY_SIZE(exports); e++) {
		char *path = dp_asprintf("%s/%s", root, exports[e]);
		size_t len = 0, end, cuts = 0;
		char *text = path ? read_all(path, &len) : NULL;
		int file_bad = 0;

		if (!text)
			abort();
		/* The document ends at its last non-space byte: from there
		 * on, only trailing whitespace is cut. */
		for (end = len; end > 0 && is_space(text[end - 1]); end--)
			;
		for (size_t k = 0; k <= len && file_bad < 10;
		     k = k < len && k + stride > len ? len : k + stride, cuts++)
			file_bad += check_prefix(rules, exports[e], text, k,
						 k >= end, sink);
		printf("%s: %zu cuts, %d bad\n", exports[e], cuts, file_bad);
		bad += file_bad;
		free(text);
		free(path);
	}
	fclose(sink);
	dp_ruleset_free(rules);
	return bad ? EXIT_FAILURE : EXIT_SUCCESS;
}
