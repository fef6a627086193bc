/*
 * srcmap.c - turns byte offsets into line:column through a line table
 * built on first use, and cuts the excerpt and caret marker shown under a
 * finding (windowed on long lines, secrets masked).  It does not know
 * where offsets come from; it never parses JSON.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "srcmap.h"
#include "util.h"

#define ELLIPSIS "\xe2\x80\xa6"

/* Starts of lines: 0 and every offset after a '\n' that is not the end. */
static int
build_lines(struct dp_source *source)
{
	const char *data = source->data, *nl;
	size_t len = source->len, n = 1, i;
	uint32_t *starts;

	if (source->line_starts)
		return 0;
	for (i = 0; i < len && (nl = memchr(data + i, '\n', len - i));) {
		i = (size_t) (nl - data) + 1;
		if (i < len)
			n++;
	}
	starts = malloc(n * sizeof(*starts));
	if (!starts)
		return -ENOMEM;
	starts[0] = 0;
	n = 1;
	for (i = 0; i < len && (nl = memchr(data + i, '\n', len - i));) {
		i = (size_t) (nl - data) + 1;
		if (i < len)
			starts[n++] = (uint32_t) i;
	}
	source->line_starts = starts;
	source->n_lines = n;
	return 0;
}

/*
 * Offsets past the end are the end; the end of a file that ends with a
 * newline is that newline, so that "unexpected end of file" lands on the
 * last line instead of an empty one after it.
 */
static uint32_t
clamp_offset(const struct dp_source *source, uint32_t offset)
{
	if (offset >= source->len) {
		offset = (uint32_t) source->len;
		if (offset > 0 && source->data[offset - 1] == '\n')
			offset--;
	}
	return offset;
}

/* Index of the line holding offset. */
static size_t
line_index(const struct dp_source *source, uint32_t offset)
{
	size_t lo = 0, hi = source->n_lines;

	/* Last start <= offset; starts[0] == 0 so there is one. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (source->line_starts[mid] <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

int
dp_srcmap_locate(struct dp_source *source, uint32_t offset,
		 struct dp_location *ret_loc)
{
	size_t idx;
	int r;

	r = build_lines(source);
	if (r < 0)
		return r;
	offset = clamp_offset(source, offset);
	idx = line_index(source, offset);
	ret_loc->line = (unsigned) idx + 1;
	ret_loc->column = offset - source->line_starts[idx] + 1;
	return 0;
}

static inline bool
is_continuation(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Whether any of the n bytes at offset is secret. */
static bool
any_secret(const struct dp_source *source, uint32_t offset, size_t n)
{
	size_t i;

	if (source->n_secrets == 0)
		return false;
	for (i = 0; i < n; i++) {
		if (dp_source_is_secret(source, offset + (uint32_t) i))
			return true;
	}
	return false;
}

int
dp_srcmap_excerpt(struct dp_source *source, struct dp_span span, size_t width,
		  struct dp_buf *ret_line, struct dp_buf *ret_marker)
{
	const unsigned char *d = (const unsigned char *) source->data;
	struct dp_buf line = {0}, marker = {0};
	size_t idx, ls, nl, le, ws, we, s, e, p;
	bool caret_done = false;
	size_t old_line_len = ret_line->len;
	int r;

	r = build_lines(source);
	if (r < 0)
		return r;
	s = clamp_offset(source, span.start);
	e = span.end > span.start ? span.end : span.start;
	if (e > source->len)
		e = source->len;

	/* The line: [ls, le), without its newline and a '\r' before it. */
	idx = line_index(source, (uint32_t) s);
	ls = source->line_starts[idx];
	if (idx + 1 < source->n_lines)
		nl = source->line_starts[idx + 1] - 1;
	else if (source->len > 0 && d[source->len - 1] == '\n')
		nl = source->len - 1;
	else
		nl = source->len;
	le = nl;
	if (le > ls && d[le - 1] == '\r')
		le--;
	if (s > le)
		s = le; /* on the line break: show the caret after the text */

	/* The window: all of it, or width bytes starting a quarter width
	 * before the span, so that most of the span shows. */
	ws = ls;
	we = le;
	if (width > 0 && le - ls > width) {
		ws = s - ls > width / 4 ? s - width / 4 : ls;
		we = ws + width;
		if (we > le) {
			we = le;
			ws = le - width;
		}
		/* Never cut a character in two. */
		while (ws < s && is_continuation(d[ws]))
			ws++;
		while (we > s && we < le && is_continuation(d[we]))
			we--;
	}

	if (ws > ls) {
		r = dp_buf_puts(&line, ELLIPSIS);
		if (r == 0)
			r = dp_buf_putc(&marker, ' ');
	}
	for (p = ws; r == 0 && p < we;) {
		size_t n = dp_utf8_seq_len((const char *) d + p, we - p);
		unsigned char c = d[p];
		char mark;

		if (any_secret(source, (uint32_t) p, n ? n : 1))
			r = dp_buf_putc(&line, '*');
		else if (n == 0)
			r = dp_buf_putc(&line, '?'); /* not UTF-8 */
		else if (c < 0x20 || c == 0x7f)
			r = dp_buf_putc(&line, ' '); /* tabs too: one column */
		else if (c == 0xC2 && d[p + 1] < 0xA0)
			r = dp_buf_putc(&line, ' '); /* C1 controls */
		else
			r = dp_buf_append(&line, d + p, n);
		if (n == 0)
			n = 1;

		/* One marker byte per displayed character. */
		if (p + n <= s)
			mark = ' ';
		else if (p <= s)
			mark = '^';
		else if (p < e)
			mark = '~';
		else
			mark = 0;
		if (mark == '^')
			caret_done = true;
		if (r == 0 && mark)
			r = dp_buf_putc(&marker, mark);
		p += n;
	}
	if (r == 0 && !caret_done)
		r = dp_buf_putc(&marker, '^'); /* at the end of the line */
	if (r == 0 && we < le)
		r = dp_buf_puts(&line, ELLIPSIS);
	if (r < 0)
		goto out;

	r = dp_buf_append(ret_line, line.data ? line.data : "", line.len);
	if (r < 0)
		goto out;
	r = dp_buf_append(ret_marker, marker.data, marker.len);
	if (r < 0) {
		/* Leave both as they were. */
		ret_line->len = old_line_len;
		if (ret_line->data)
			ret_line->data[old_line_len] = '\0';
	}
out:
	dp_buf_free(&line);
	dp_buf_free(&marker);
	return r;
}
