/*
 * filter.h - the step between the engine and the reporters: waivers
 * suppress findings (or, expired, say so on them), the baseline marks
 * recorded findings as baselined, and what the user should know about
 * both (stale waivers, recorded findings that are gone) becomes notes.
 * --fail-on is counted by the caller over the findings that are left.
 *
 * Paths: a waiver's path glob is matched against the file's path
 * relative to the config file's directory, a baseline's fingerprints
 * use the path relative to the baseline file's directory, so both work
 * from whatever directory the tool runs in.
 *
 * Ownership: a dp_filter_result owns its notes and their texts; notes
 * borrow the config and baseline sources, which must outlive it.
 */
#ifndef DP_FILTER_H
#define DP_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "baseline.h"
#include "finding.h"
#include "model.h"
#include "waiver.h"

struct dp_filter_options {
	struct dp_waivers *waivers;      /* NULL: none; run outcome stored in
					    the items */
	struct dp_baseline *baseline;    /* NULL: none; entries marked used */
	long today;                      /* YYYYMMDD (dp_waiver_today) */
	enum dp_lang lang;
	bool whole_tree;                 /* every file a waiver could cover
					    was linted (`waivers` command) */
	struct dp_source *const *sources;/* every file linted */
	size_t n_sources;
};

struct dp_filter_result {
	struct dp_note *notes;           /* stale waivers, gone baseline
					    entries */
	size_t n_notes;
	size_t waived;                   /* findings removed by waivers */
	size_t baselined;                /* findings marked baselined */
	size_t gone;                     /* recorded findings not seen again */
	char **texts;                    /* private: the notes' texts */
	size_t n_texts;
};

/*
 * Applies waivers then the baseline to findings (sorted; the order is
 * kept): a finding an active waiver matches is removed; one only an
 * expired waiver matches stays, with waiver_note saying so; a finding
 * whose fingerprint the baseline holds is marked baselined.
 * 0 or -ENOMEM; *ret is set in both cases (free it with
 * dp_filter_result_done()).
 */
int dp_filter_apply(const struct dp_filter_options *options,
		    struct dp_findings *findings, struct dp_filter_result *ret);

void dp_filter_result_done(struct dp_filter_result *result);

/*
 * Records every finding in a new baseline at path (atomic replacement),
 * under paths relative to path's directory, and marks them baselined.
 * Returns 0 with *ret_n the number written, -ENOMEM, or -errno of the
 * write (the old file is untouched then).
 */
int dp_filter_write_baseline(const char *path, struct dp_findings *findings,
			     size_t *ret_n);

/*
 * path (as given, relative to the cwd) relative to base_dir: "a/b.json",
 * "../x.json", never a "./" prefix; both directories are resolved
 * (symbolic links, "..") first.  Paths of no file ("<stdin>") come back
 * as they are.  malloc'd; NULL on ENOMEM.
 */
char *dp_filter_relpath(const char *base_dir, const char *path);

/* Appends a note (text is copied) to result.  0 or -ENOMEM. */
int dp_filter_add_note(struct dp_filter_result *result,
		       struct dp_source *source, struct dp_span span,
		       const char *text);

#endif /* DP_FILTER_H */
