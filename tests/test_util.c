/*
 * test_util.c - unit tests for util.c: arena alignment and growth, the
 * growable buffer, dp_parse_long() edge cases and the small helpers.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

START_TEST(arena_alignment)
{
	struct dp_arena *arena = dp_arena_new();
	size_t sizes[] = {1, 3, 7, 16, 17, 31, 100, 1000, 5};
	size_t i;

	ck_assert_ptr_nonnull(arena);
	for (i = 0; i < DP_ARRAY_SIZE(sizes); i++) {
		unsigned char *p = dp_arena_alloc(arena, sizes[i]);
		size_t j;

		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq((uintptr_t) p % alignof(max_align_t), 0);
		for (j = 0; j < sizes[i]; j++)
			ck_assert_uint_eq(p[j], 0);
		memset(p, 0xAB, sizes[i]);
	}
	/* Strings are packed but still come back zero-terminated. */
	{
		char *s = dp_arena_strndup(arena, "abcdef", 3);
		char *t = dp_arena_strndup(arena, "", 0);
		void *q = dp_arena_alloc(arena, 8);

		ck_assert_str_eq(s, "abc");
		ck_assert_str_eq(t, "");
		ck_assert_uint_eq((uintptr_t) q % alignof(max_align_t), 0);
	}
	dp_arena_free(arena);
}
END_TEST

START_TEST(arena_growth)
{
	struct dp_arena *arena = dp_arena_new();
	unsigned char *big, *p;
	size_t i, used;

	ck_assert_ptr_nonnull(arena);
	ck_assert_uint_eq(dp_arena_used(arena), 0);
	/* Many small allocations span several chunks. */
	for (i = 0; i < 20000; i++) {
		p = dp_arena_alloc(arena, 24);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq(p[0], 0);
		p[0] = (unsigned char) i;
	}
	used = dp_arena_used(arena);
	ck_assert_uint_ge(used, 20000 * 24);

	/* A request larger than a chunk gets its own, zero-filled. */
	big = dp_arena_alloc(arena, (size_t) 1 << 20);
	ck_assert_ptr_nonnull(big);
	ck_assert_uint_eq(big[0], 0);
	ck_assert_uint_eq(big[((size_t) 1 << 20) - 1], 0);
	memset(big, 1, (size_t) 1 << 20);
	ck_assert_uint_ge(dp_arena_used(arena), used + ((size_t) 1 << 20));

	/* Small allocations continue after it. */
	p = dp_arena_alloc(arena, 10);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq((uintptr_t) p % alignof(max_align_t), 0);

	ck_assert_str_eq(dp_arena_printf(arena, "%s-%d", "x", 42), "x-42");
	{
		char longer[600];
		char *s;

		memset(longer, 'z', sizeof(longer) - 1);
		longer[sizeof(longer) - 1] = '\0';
		s = dp_arena_printf(arena, "<%s>", longer);
		ck_assert_ptr_nonnull(s);
		ck_assert_uint_eq(strlen(s), sizeof(longer) + 1);
		ck_assert_int_eq(s[0], '<');
		ck_assert_int_eq(s[sizeof(longer)], '>');
	}
	dp_arena_free(arena);
	dp_arena_free(NULL);
}
END_TEST

/* Interned strings: one copy per distinct byte string (length counts,
 * NUL bytes too), through every growth of the table; plain copies when
 * the arena does not share strings. */
START_TEST(arena_intern)
{
	struct dp_arena *plain = dp_arena_new(), *shared = dp_arena_new();
	const char *first[1000];
	char text[32];

	ck_assert_ptr_nonnull(plain);
	ck_assert_ptr_nonnull(shared);
	ck_assert_ptr_ne(dp_arena_intern(plain, "System", 6),
			 dp_arena_intern(plain, "System", 6));
	ck_assert_int_eq(dp_arena_share_strings(shared), 0);
	ck_assert_int_eq(dp_arena_share_strings(shared), 0);
	for (int i = 0; i < 1000; i++) {
		int n = snprintf(text, sizeof(text), "/Statement/%d", i);

		first[i] = dp_arena_intern(shared, text, (size_t)n);
		ck_assert_str_eq(first[i], text);
	}
	for (int i = 0; i < 1000; i++) {
		int n = snprintf(text, sizeof(text), "/Statement/%d", i);

		ck_assert_ptr_eq(dp_arena_intern(shared, text, (size_t)n),
				 first[i]);
	}
	/* Prefixes and embedded NULs are other strings. */
	ck_assert_ptr_ne(dp_arena_intern(shared, "/Statement/1", 11),
			 first[1]);
	ck_assert_ptr_ne(dp_arena_intern(shared, "ab\0c", 4),
			 dp_arena_intern(shared, "ab", 2));
	ck_assert_ptr_eq(dp_arena_intern(shared, "ab\0c", 4),
			 dp_arena_intern(shared, "ab\0cd", 4));
	ck_assert_str_eq(dp_arena_intern(shared, "", 0), "");
	/* Past the table's size, new strings are plain copies (each call a
	 * new one) and the ones shared before still are. */
	for (int i = 0; i < 70000; i++) {
		int n = snprintf(text, sizeof(text), "/many/%d", i);

		ck_assert_str_eq(dp_arena_intern(shared, text, (size_t)n), text);
	}
	ck_assert_ptr_ne(dp_arena_intern(shared, "/many/69999", 11),
			 dp_arena_intern(shared, "/many/69999", 11));
	ck_assert_ptr_eq(dp_arena_intern(shared, "/Statement/7", 12), first[7]);
	dp_arena_free(plain);
	dp_arena_free(shared);
}
END_TEST

/* Everything after a mark goes, everything before stays: small and
 * oversized allocations, across new chunks, again and again. */
START_TEST(arena_mark_reset)
{
	struct dp_arena *arena = dp_arena_new();
	struct dp_arena_mark mark;
	char *kept;

	ck_assert_ptr_nonnull(arena);
	kept = dp_arena_strndup(arena, "kept", 4);
	dp_arena_mark(arena, &mark);
	for (int round = 0; round < 50; round++) {
		size_t before = dp_arena_used(arena);

		for (int i = 0; i < 100; i++)
			ck_assert_ptr_nonnull(dp_arena_alloc(arena, 1000));
		ck_assert_ptr_nonnull(dp_arena_alloc(arena, 100000));
		ck_assert_uint_gt(dp_arena_used(arena), before);
		dp_arena_reset(arena, &mark);
		ck_assert_uint_eq(dp_arena_used(arena), before);
		ck_assert_str_eq(kept, "kept");
	}
	/* A mark on an empty arena frees everything. */
	dp_arena_free(arena);
	arena = dp_arena_new();
	ck_assert_ptr_nonnull(arena);
	dp_arena_mark(arena, &mark);
	ck_assert_ptr_nonnull(dp_arena_alloc(arena, 70000));
	ck_assert_ptr_nonnull(dp_arena_alloc(arena, 10));
	dp_arena_reset(arena, &mark);
	ck_assert_uint_eq(dp_arena_used(arena), 0);
	ck_assert_str_eq(dp_arena_strndup(arena, "again", 5), "again");
	dp_arena_free(arena);
}
END_TEST

START_TEST(buf_basics)
{
	struct dp_buf buf = {0};
	char *s;
	size_t i;

	ck_assert_int_eq(dp_buf_puts(&buf, "abc"), 0);
	ck_assert_int_eq(dp_buf_putc(&buf, '-'), 0);
	ck_assert_int_eq(dp_buf_append(&buf, "xyz", 2), 0);
	ck_assert_int_eq(dp_buf_printf(&buf, "[%d]", 7), 0);
	ck_assert_str_eq(buf.data, "abc-xy[7]");
	ck_assert_uint_eq(buf.len, 9);

	dp_buf_reset(&buf);
	ck_assert_uint_eq(buf.len, 0);
	ck_assert_str_eq(buf.data, "");

	/* Growth well past the first capacity, through printf too. */
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(dp_buf_printf(&buf, "%04zu", i), 0);
	ck_assert_uint_eq(buf.len, 4000);
	ck_assert_int_eq(strncmp(buf.data + 3996, "0999", 4), 0);
	ck_assert_int_eq(buf.data[4000], '\0');

	s = dp_buf_steal(&buf);
	ck_assert_uint_eq(strlen(s), 4000);
	ck_assert_ptr_null(buf.data);
	ck_assert_uint_eq(buf.len, 0);
	free(s);

	/* Stealing an untouched buffer gives an empty string. */
	s = dp_buf_steal(&buf);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "");
	free(s);

	ck_assert_int_eq(dp_buf_printf(&buf, "%s", ""), 0);
	ck_assert_ptr_nonnull(buf.data);
	ck_assert_str_eq(buf.data, "");
	dp_buf_free(&buf);
	dp_buf_free(&buf);
	dp_buf_free(NULL);
}
END_TEST

START_TEST(buf_long_printf)
{
	struct dp_buf buf = {0};
	char big[5000];

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(dp_buf_puts(&buf, "a"), 0);
	ck_assert_int_eq(dp_buf_printf(&buf, "%s|%s", big, "end"), 0);
	ck_assert_uint_eq(buf.len, 1 + 4999 + 4);
	ck_assert_str_eq(buf.data + buf.len - 4, "|end");
	dp_buf_free(&buf);
}
END_TEST

START_TEST(parse_long_edges)
{
	long v = 12345;

	ck_assert_int_eq(dp_parse_long("0", 0, 10, &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(dp_parse_long("-5", -10, 10, &v), 0);
	ck_assert_int_eq(v, -5);
	ck_assert_int_eq(dp_parse_long("10", 0, 10, &v), 0);
	ck_assert_int_eq(v, 10);

	v = 77;
	ck_assert_int_eq(dp_parse_long("11", 0, 10, &v), -ERANGE);
	ck_assert_int_eq(dp_parse_long("-1", 0, 10, &v), -ERANGE);
	ck_assert_int_eq(dp_parse_long("99999999999999999999999", LONG_MIN,
				       LONG_MAX, &v),
			 -ERANGE);
	ck_assert_int_eq(dp_parse_long("-99999999999999999999999", LONG_MIN,
				       LONG_MAX, &v),
			 -ERANGE);
	ck_assert_int_eq(dp_parse_long("", 0, 10, &v), -EINVAL);
	ck_assert_int_eq(dp_parse_long(" 1", 0, 10, &v), -EINVAL);
	ck_assert_int_eq(dp_parse_long("1 ", 0, 10, &v), -EINVAL);
	ck_assert_int_eq(dp_parse_long("+1", 0, 10, &v), -EINVAL);
	ck_assert_int_eq(dp_parse_long("1x", 0, 10, &v), -EINVAL);
	ck_assert_int_eq(dp_parse_long("0x10", 0, 100, &v), -EINVAL);
	ck_assert_int_eq(dp_parse_long("-", 0, 10, &v), -EINVAL);
	ck_assert_int_eq(dp_parse_long(NULL, 0, 10, &v), -EINVAL);
	/* Untouched on failure. */
	ck_assert_int_eq(v, 77);

	ck_assert_int_eq(
		dp_parse_long("9223372036854775807", LONG_MIN, LONG_MAX, &v),
		0);
	ck_assert_int_eq(v, LONG_MAX);
	ck_assert_int_eq(
		dp_parse_long("-9223372036854775808", LONG_MIN, LONG_MAX, &v),
		0);
	ck_assert_int_eq(v, LONG_MIN);
	ck_assert_int_eq(dp_parse_long("007", 0, 10, &v), 0);
	ck_assert_int_eq(v, 7);
}
END_TEST

START_TEST(strings)
{
	char *s;

	ck_assert(dp_ascii_ieq("RoleName", 8, "rolename", 8));
	ck_assert(dp_ascii_ieq("", 0, "", 0));
	ck_assert(!dp_ascii_ieq("Role", 4, "Roles", 5));
	ck_assert(!dp_ascii_ieq("a[", 2, "A{", 2));
	/* Only ASCII folds: bytes >= 0x80 compare exactly. */
	ck_assert(!dp_ascii_ieq("\xc3\xa9", 2, "\xc3\x89", 2));

	s = dp_strdup("hello");
	ck_assert_str_eq(s, "hello");
	free(s);
	ck_assert_ptr_null(dp_strdup(NULL));

	s = dp_asprintf("%s:%u:%u", "f.json", 3u, 14u);
	ck_assert_str_eq(s, "f.json:3:14");
	free(s);
}
END_TEST

static Suite *
util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, arena_alignment);
	tcase_add_test(tc, arena_growth);
	tcase_add_test(tc, arena_intern);
	tcase_add_test(tc, arena_mark_reset);
	tcase_add_test(tc, buf_basics);
	tcase_add_test(tc, buf_long_printf);
	tcase_add_test(tc, parse_long_edges);
	tcase_add_test(tc, strings);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(util_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
