/*
 * testlib.c - see testlib.h.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "util.h"

char *
tl_testdata_path(const char *rel)
{
	const char *root = getenv("DP_TESTDATA");
	char *path;

	ck_assert_msg(root != NULL, "DP_TESTDATA is not set (run via meson test)");
	path = dp_asprintf("%s/%s", root, rel);
	ck_assert_ptr_nonnull(path);
	return path;
}

struct dp_ruleset *
tl_catalog(bool defer_patterns)
{
	const char *dir = getenv("DTS_PREFLIGHT_RULES_DIR");
	struct dp_ruleset *set = dp_ruleset_new();
	char *err = NULL;

	ck_assert_ptr_nonnull(set);
	ck_assert_msg(dir != NULL,
		      "DTS_PREFLIGHT_RULES_DIR is not set (run via meson test)");
	dp_ruleset_defer_patterns(set, defer_patterns);
	ck_assert_msg(dp_ruleset_load_dir(set, dir, &err) == 0, "%s",
		      err ? err : "cannot load the rules");
	return set;
}

char *
tl_read_file(const char *path, size_t *ret_len)
{
	struct dp_buf buf = {0};
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	ck_assert_msg(f != NULL, "cannot open '%s'", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ck_assert_int_eq(dp_buf_append(&buf, chunk, n), 0);
	ck_assert_int_eq(ferror(f), 0);
	fclose(f);
	if (ret_len)
		*ret_len = buf.len;
	return dp_buf_steal(&buf);
}

struct dp_source *
tl_source(const char *name, const char *text)
{
	struct dp_source *source = NULL;

	ck_assert_int_eq(dp_source_from_memory(name, text, strlen(text), &source), 0);
	ck_assert_ptr_nonnull(source);
	return source;
}

unsigned
tl_offset_of(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);

	ck_assert_msg(p != NULL, "'%s' not found", needle);
	return (unsigned)(p - hay);
}
