/*
 * test_input.c - the encoding check: dp_utf8_check() (an automaton that
 * skips ASCII 16 bytes at a time) gives exactly what a plain byte-by-byte
 * reading of UTF-8 gives, for every short sequence of interesting bytes
 * at every position of a 16-byte block, and for random text.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "util.h"

/* The reference: one sequence at a time, as RFC 3629 reads. */
static enum dp_encoding_problem
reference(const char *bytes, size_t len, size_t *ret_offset)
{
	size_t i = 0, n;

	while (i < len) {
		if (bytes[i] == 0) {
			*ret_offset = i;
			return DP_ENC_NUL;
		}
		n = dp_utf8_seq_len(bytes + i, len - i);
		if (n == 0) {
			*ret_offset = i;
			return DP_ENC_BAD_UTF8;
		}
		i += n;
	}
	return DP_ENC_OK;
}

static void
assert_same(const char *bytes, size_t len)
{
	size_t want_off = 0, got_off = 0;
	enum dp_encoding_problem want = reference(bytes, len, &want_off);
	enum dp_encoding_problem got = dp_utf8_check(bytes, len, &got_off);

	ck_assert_int_eq(got, want);
	if (want != DP_ENC_OK)
		ck_assert_uint_eq(got_off, want_off);
}

static const unsigned char interesting[] = {
	0x00, 0x01, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0,
	0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1,
	0xF3, 0xF4, 0xF5, 0xFF,
};

/* Every sequence of up to four interesting bytes, after 0..17 bytes of
 * ASCII or of Chinese, before more of either: each lands at every offset
 * of a block, and on both sides of a block's end. */
START_TEST(every_short_sequence)
{
	const size_t n = DP_ARRAY_SIZE(interesting);
	const char *zh = "\xe8\xa7\x92\xe8\x89\xb2\xe5\x90\x8d\xe7\xa7\xb0";
	char buf[64];

	for (size_t a = 0; a < n; a++)
	for (size_t b = 0; b <= n; b++)
	for (size_t c = 0; c <= n; c++)
	for (size_t lead = 0; lead < 18; lead++) {
		size_t len = 0;

		if (_i == 1 && lead > 12)
			break;
		if (_i == 0)
			memset(buf, 'x', lead);
		else
			memcpy(buf, zh, lead);
		len = lead;
		buf[len++] = (char)interesting[a];
		if (b < n)
			buf[len++] = (char)interesting[b];
		if (b < n && c < n)
			buf[len++] = (char)interesting[c];
		if (b < n && c < n && interesting[a] >= 0xF0)
			buf[len++] = (char)0x80;
		assert_same(buf, len);
		memcpy(buf + len, zh, 12);
		memset(buf + len + 12, 'y', 8);
		assert_same(buf, len + 20);
	}
}
END_TEST

/* Valid text of every width, then one byte changed. */
START_TEST(random_text)
{
	static const char *const pieces[] = {
		"a", "{\"k\": ", "\xc3\xa9", "\xe8\xa7\x92", "\xf0\x9f\x98\x80",
		"\xef\xbf\xbd", "\xed\x9f\xbf", "\xf4\x8f\xbf\xbf", "        ",
	};
	char buf[256];

	srand(7);
	for (int round = 0; round < 20000; round++) {
		size_t len = 0;

		while (len < 200) {
			const char *p = pieces[rand() % DP_ARRAY_SIZE(pieces)];

			memcpy(buf + len, p, strlen(p));
			len += strlen(p);
		}
		assert_same(buf, len);
		buf[rand() % len] = (char)(rand() % 256);
		assert_same(buf, len);
		assert_same(buf, len - (size_t)(rand() % 5));
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("input");
	TCase *tc = tcase_create("utf8");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, every_short_sequence, 0, 2);
	tcase_add_test(tc, random_text);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
