/*
 * report.c - the table of output formats and what the writers share: the
 * counts, the summary line, JSON string quoting, terminal-safe text and
 * the final write.  Each format's layout lives in its own report_*.c;
 * what is a finding and what the exit status is are decided elsewhere.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "input.h"
#include "report.h"

/*
 * Adding a format: one X() line here and one report_<name>.c defining
 * dp_report_<name>() (declared in report.h).  The order is the order of
 * --help.
 */
#define DP_REPORT_FORMATS(X)                                                   \
	X(text)                                                                \
	X(gcc)                                                                 \
	X(json)                                                                \
	X(sarif)                                                               \
	X(github)                                                              \
	X(junit)                                                               \
	X(diff)

#define FORMAT_NAME(name) #name,
#define FORMAT_FN(name)	  dp_report_##name,

static const char *const format_names[] = {DP_REPORT_FORMATS(FORMAT_NAME) NULL};
static const dp_report_fn format_fns[] = {DP_REPORT_FORMATS(FORMAT_FN)};

int
dp_report_write(const char *format, FILE *out, const struct dp_report *report)
{
	for (size_t i = 0; i < DP_ARRAY_SIZE(format_fns); i++) {
		if (strcmp(format, format_names[i]) == 0)
			return format_fns[i](out, report);
	}
	return -EINVAL;
}

const char *const *
dp_report_formats(void)
{
	return format_names;
}

void
dp_report_count(const struct dp_report *report, size_t counts[4])
{
	for (size_t s = 0; s < 4; s++)
		counts[s] = 0;
	if (!report->findings)
		return;
	for (size_t i = 0; i < report->findings->n; i++) {
		const struct dp_finding *finding = &report->findings->items[i];

		if (!finding->baselined && (unsigned) finding->severity < 4)
			counts[finding->severity]++;
	}
}

size_t
dp_report_baselined(const struct dp_report *report)
{
	size_t n = 0;

	if (!report->findings)
		return 0;
	for (size_t i = 0; i < report->findings->n; i++)
		n += report->findings->items[i].baselined;
	return n;
}

/* ---- composing output ------------------------------------------------ */

void
dp_report_fail(struct dp_report_out *o, int err)
{
	if (!o->err)
		o->err = err;
}

void
dp_report_append(struct dp_report_out *o, const char *bytes, size_t len)
{
	if (!o->err)
		dp_report_fail(o, dp_buf_append(&o->buf, bytes, len));
}

void
dp_report_puts(struct dp_report_out *o, const char *s)
{
	dp_report_append(o, s, strlen(s));
}

void
dp_report_putc(struct dp_report_out *o, char c)
{
	dp_report_append(o, &c, 1);
}

void
dp_report_printf(struct dp_report_out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->err)
		return;
	va_start(ap, fmt);
	dp_report_fail(o, dp_buf_vprintf(&o->buf, fmt, ap));
	va_end(ap);
}

int
dp_report_finish(struct dp_report_out *o, FILE *out)
{
	int r = o->err;

	if (r == 0 && o->buf.len > 0 &&
	    fwrite(o->buf.data, 1, o->buf.len, out) != o->buf.len)
		r = -EIO;
	/* Flushed even after an error: what was written must not sit in
	 * the FILE's buffer, and ferror() must be seen now. */
	if (fflush(out) != 0 || ferror(out))
		r = r ? r : -EIO;
	dp_buf_free(&o->buf);
	return r;
}

static const char replacement_char[] = "\xef\xbf\xbd"; /* U+FFFD */

void
dp_report_put_safe(struct dp_report_out *o, const char *s, const char *indent)
{
	size_t len = strlen(s);

	for (size_t i = 0, n; i < len && !o->err; i += n ? n : 1) {
		unsigned char c = (unsigned char) s[i];
		size_t run = i;

		/* Printable ASCII, nearly all of a report, goes in one run
		 * instead of one append per byte. */
		while (run < len && (unsigned char) s[run] >= 0x20 &&
		       (unsigned char) s[run] < 0x7f)
			run++;
		if (run > i) {
			n = run - i;
			dp_report_append(o, s + i, n);
			continue;
		}
		n = dp_utf8_seq_len(s + i, len - i);
		if (c == '\n' && indent) {
			dp_report_putc(o, '\n');
			dp_report_puts(o, indent);
		} else if (c < 0x20 || c == 0x7f ||
			   (n == 2 && c == 0xc2 &&
			    (unsigned char) s[i + 1] < 0xa0)) {
			/* C0, DEL, and C1 (U+0080..U+009F: U+009B is CSI
			 * on some terminals). */
			dp_report_putc(o, ' ');
		} else if (n == 0) {
			dp_report_puts(o, replacement_char);
		} else {
			dp_report_append(o, s + i, n);
		}
	}
}

/* The short escapes JSON has; NULL for any other byte. */
static const char *
json_short_escape(unsigned char c)
{
	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\b':
		return "\\b";
	case '\f':
		return "\\f";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	default:
		return NULL;
	}
}

void
dp_report_put_json(struct dp_report_out *o, const char *s)
{
	size_t len;

	if (!s) {
		dp_report_puts(o, "null");
		return;
	}
	len = strlen(s);
	dp_report_putc(o, '"');
	for (size_t i = 0, n; i < len && !o->err; i += n ? n : 1) {
		unsigned char c = (unsigned char) s[i];
		const char *esc = json_short_escape(c);

		n = dp_utf8_seq_len(s + i, len - i);
		if (esc)
			dp_report_puts(o, esc);
		else if (c < 0x20)
			dp_report_printf(o, "\\u%04x", c);
		else if (n == 0)
			dp_report_puts(o, replacement_char);
		else
			dp_report_append(o, s + i, n);
	}
	dp_report_putc(o, '"');
}

int
dp_report_json_quote(struct dp_buf *buf, const char *s)
{
	struct dp_report_out o = {.buf = *buf};
	size_t old_len = buf->len;

	dp_report_put_json(&o, s);
	*buf = o.buf;
	if (o.err && buf->data) {
		buf->len = old_len;
		buf->data[old_len] = '\0';
	}
	return o.err;
}

/*
 * Wording: "error"/"errors" and "warning"/"warnings" are counted nouns;
 * "info" is used as a mass noun and never takes an "s" ("2 info"), which
 * reads better than "infos" and stays one word a script can match.  The
 * JSON summary spells the same counts with the keys errors, warnings,
 * infos.  Skipped files and baselined findings are named only when there
 * are some.
 */
void
dp_report_put_summary(struct dp_report_out *o, const struct dp_report *report)
{
	static const struct {
		enum dp_severity severity;
		const char *one;
		const char *many;
	} words[] = {
		{DP_SEV_ERROR, "error", "errors"},
		{DP_SEV_WARNING, "warning", "warnings"},
		{DP_SEV_INFO, "info", "info"},
	};
	size_t counts[4];
	size_t baselined = dp_report_baselined(report);
	const char *sep = "";

	dp_report_count(report, counts);
	for (size_t i = 0; i < DP_ARRAY_SIZE(words); i++) {
		size_t n = counts[words[i].severity];

		if (n == 0)
			continue;
		dp_report_printf(o, "%s%zu %s", sep, n,
				 n == 1 ? words[i].one : words[i].many);
		sep = ", ";
	}
	if (!*sep)
		dp_report_puts(o, "no findings");
	dp_report_printf(o, " in %zu %s", report->n_sources,
			 report->n_sources == 1 ? "file" : "files");
	if (report->n_skipped > 0)
		dp_report_printf(o, ", %zu skipped", report->n_skipped);
	if (baselined > 0)
		dp_report_printf(o, ", %zu baselined", baselined);
	if (report->setup_summary) {
		dp_report_puts(o, " (");
		dp_report_put_safe(o, report->setup_summary, NULL);
		dp_report_putc(o, ')');
	}
}
