/*
 * srcmap.h - byte offsets to line:column, and the source excerpt shown
 * under a finding.  Positions are computed only when a finding is
 * reported; the line table is built on first use and kept in the source.
 *
 * Lines and columns are 1-based; a column counts bytes of UTF-8 (a tab is
 * one byte), as gcc and the man page say.
 */
#ifndef DP_SRCMAP_H
#define DP_SRCMAP_H

#include <stddef.h>
#include <stdint.h>

#include "input.h"

struct dp_buf;

struct dp_location {
	unsigned line;
	unsigned column;
};

/*
 * Line and column of offset in source (offset == len is the end of the
 * file).  Builds the line table on first call: 0 or -ENOMEM.
 */
int dp_srcmap_locate(struct dp_source *source, uint32_t offset,
		     struct dp_location *ret_loc);

/*
 * An excerpt of the line holding span.start, for display under a finding:
 * at most width bytes of the line, a window around the span when the line
 * is longer (lines of a one-line terraform plan are 100 KB), with "…" where
 * it was cut.  Bytes in secret spans are shown as '*'; control bytes as
 * spaces.  Appends to ret_line the excerpt and to ret_marker a line of
 * spaces with '^' under span.start and '~' under the rest of the span that
 * lies on this line and in the window.  ret_col_in_excerpt is not needed:
 * the two strings line up byte for byte (multi-byte UTF-8 characters in
 * the excerpt are matched by as many marker bytes as display columns, one
 * per code point).  0 or -ENOMEM.
 */
int dp_srcmap_excerpt(struct dp_source *source, struct dp_span span,
		      size_t width, struct dp_buf *ret_line,
		      struct dp_buf *ret_marker);

#endif /* DP_SRCMAP_H */
