/*
 * fuzz_adapters.c - libFuzzer harness for everything after the loader:
 * format detection and every adapter, association of several documents
 * into one setup, the shipped rules, sorting and every report format.
 * The input is one to four documents separated by a line "--"; the
 * first byte picks their file names (which association looks at), the
 * creator account, the language, the output format and whether arrays
 * are streamed.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "report.h"
#include "run.h"

#define MAX_DOCS 4
#define SEPARATOR "\n--\n"

static const char *const names[][MAX_DOCS] = {
	{"role.json", "job.json", "policies.json", "caller.json"},
	{"dir/ram-for-dts.json", "dir/ram-for-dts.policies.json",
	 "dir/dts-job.json", "other/ram-for-dts.json"},
};

/* The first occurrence of needle in [hay, end), or NULL (memmem is
 * not POSIX). */
static const char *
find(const char *hay, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; (size_t) (end - hay) >= n; hay++)
		if (memcmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct dp_ruleset *rules = fuzz_catalog();
	const char *const *formats = dp_report_formats();
	struct dp_run_options options = {0};
	struct dp_run *run = NULL;
	struct dp_report report;
	const char *text, *end, *format;
	char *msg = NULL;
	size_t n_formats = 0;
	uint8_t pick;
	int r;

	if (size == 0)
		return 0;
	pick = data[0];
	text = (const char *) data + 1;
	end = (const char *) data + size;
	options.lang = (pick & 2) ? DP_LANG_ZH : DP_LANG_EN;
	options.creator_uid = (pick & 4) ? "1234567890123456" : NULL;
	/* A top-level array of any size one element at a time, or (0) the
	 * default of 1 MiB: both paths (bit 0x40 also picks the format). */
	options.stream_from = (pick & 0x40) ? 1 : 0;
	if (dp_run_new(rules, &options, &run) < 0)
		return 0;
	for (size_t i = 0; i < MAX_DOCS && text <= end; i++) {
		const char *sep = find(text, end, SEPARATOR);
		const char *stop = sep && i + 1 < MAX_DOCS ? sep : end;

		r = dp_run_add_buffer(run, names[pick & 1][i], text,
				      (size_t) (stop - text), (pick & 8) == 0);
		if (r < 0)
			goto out;
		if (stop == end)
			break;
		text = stop + strlen(SEPARATOR);
	}
	r = dp_run_finish(run, &msg);
	FUZZ_ASSERT(r == 0 || r == -ENOMEM || r == -E2BIG);
	if (r == -E2BIG)
		FUZZ_ASSERT(msg && *msg);
	if (r == -ENOMEM)
		goto out;

	/* Findings are sorted and each has a place and a message. */
	{
		const struct dp_findings *f = dp_run_findings(run);

		for (size_t i = 0; i < f->n; i++) {
			FUZZ_ASSERT(f->items[i].rule && f->items[i].message);
			if (f->items[i].origin.source)
				FUZZ_ASSERT(f->items[i].origin.span.end <=
					    f->items[i].origin.source->len);
		}
	}
	while (formats[n_formats])
		n_formats++;
	format = formats[(pick >> 4) % n_formats];
	dp_run_report(run, &report);
	report.quiet = (pick & 0x80) != 0;
	report.tool_version = "fuzz";
	r = dp_report_write(format, fuzz_devnull(), &report);
	FUZZ_ASSERT(r == 0 || r == -ENOMEM);
out:
	free(msg);
	dp_run_free(run);
	return 0;
}
