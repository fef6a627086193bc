/*
 * run.h - one lint run: the paths given, read and parsed, adapted into
 * one setup, checked by the enabled rules, findings sorted.  This is the
 * library's front door; the CLI, the tests, the fuzzers and the
 * benchmark all go through it.
 *
 * Ownership: a run owns its sources, documents, setup and findings until
 * dp_run_free(); it borrows the ruleset, which must outlive it.
 *
 * Memory: only the setup grows with the inputs.  Each document's tree is
 * freed once adapted (a big top-level array one element at a time), and
 * a regular file's bytes once the next file is adapted - a big array's
 * (2 MiB or more) as it is parsed; dp_run_finish() reads again the files
 * a finding or note points at.  Until then a source's data may be NULL
 * (released).  Several paths, or a directory, are read and parsed ahead
 * on a second thread (prefetch.h); the run is the same without it.
 */
#ifndef DP_RUN_H
#define DP_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"
#include "json.h"
#include "model.h"
#include "report.h"
#include "rules.h"

/* Findings kept per file when max_findings is 0 (--max-findings). */
#define DP_MAX_FINDINGS_DEFAULT 1000u

struct dp_run_options {
	const char *creator_uid;         /* --creator-uid, or NULL */
	enum dp_lang lang;
	size_t max_file_size;            /* 0: DP_MAX_FILE_SIZE_DEFAULT */
	struct dp_json_limits limits;    /* zeros: defaults */
	unsigned max_dir_depth;          /* 0: default (64) */
	size_t max_findings;             /* per file; 0: default, SIZE_MAX:
					    no limit */
	const bool *enabled;             /* per rule of the set; NULL: defaults */
	const enum dp_severity *severity;/* per rule; NULL: defaults */
	size_t stream_from;              /* a top-level array of at least
					    this many bytes is adapted one
					    element at a time; 0: 1 MiB */
	unsigned threads;                /* most threads a run uses: to read
					    ahead, and for rules over a big
					    setup; 0: one per online
					    processor, 1: none but the
					    caller's.  Output is the same. */
};

/* Called for each path that cannot be read (the run goes on without it):
 * path as given or as found by the walk, err a negative errno (-ELOOP
 * for a symlink loop, -EFBIG for a file over the size limit, -EINVAL for
 * a FIFO, socket or device found by the walk: never opened, since
 * reading it could block forever). */
typedef void (*dp_run_error_fn)(void *data, const char *path, int err);

struct dp_run;

/* 0 or -ENOMEM. */
int dp_run_new(const struct dp_ruleset *rules,
	       const struct dp_run_options *options, struct dp_run **ret_run);

/*
 * Adds a file, a directory (walked recursively for *.json files, in name
 * order, skipping names that start with '.'), or "-" for standard input.
 * explicit marks a path named by the user: only those get DP002 when no
 * shape matches; files found by the walk are skipped silently instead.
 * Unreadable paths go to on_error.  Returns 0 or -ENOMEM.
 */
int dp_run_add_path(struct dp_run *run, const char *path, bool explicit,
		    dp_run_error_fn on_error, void *data);

/* dp_run_add_path() of n paths, in order.  Files are read and parsed
 * ahead on a second thread when there are several and a second core
 * (prefetch.h); what the run sees is the same either way. */
int dp_run_add_paths(struct dp_run *run, const char *const *paths, size_t n,
		     bool explicit, dp_run_error_fn on_error, void *data);

/* Adds bytes already in memory as if read from a file called name. */
int dp_run_add_buffer(struct dp_run *run, const char *name, const char *bytes,
		      size_t len, bool explicit);

/*
 * Associates the documents into one setup, runs the rules and sorts the
 * findings.  Call once.  A released file that changed or vanished since
 * it was read loses its findings and goes to the on_error of the last
 * dp_run_add_path() with -ESTALE.  Returns 0, -ENOMEM, or -E2BIG when a
 * rule's pattern hit its limit (*reterr_msg says where; the findings of
 * every other rule are there all the same).
 */
int dp_run_finish(struct dp_run *run, char **reterr_msg);

/* The finished run as a report (borrowing from the run). */
void dp_run_report(const struct dp_run *run, struct dp_report *ret_report);

const struct dp_findings *dp_run_findings(const struct dp_run *run);

/* The same findings for the filter step (filter.h) to suppress and mark;
 * their order stays as sorted. */
struct dp_findings *dp_run_findings_edit(struct dp_run *run);
const struct dp_setup *dp_run_setup(const struct dp_run *run);

void dp_run_free(struct dp_run *run);

#endif /* DP_RUN_H */
