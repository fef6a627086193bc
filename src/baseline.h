/*
 * baseline.h - the baseline file: findings recorded once (--write-baseline)
 * so that a repository can adopt the gate without fixing the past first;
 * later runs (--baseline) mark findings whose fingerprint is recorded as
 * baselined.  A fingerprint is dp_finding_fingerprint() of the rule ID,
 * the file's path relative to the baseline file's directory, the JSON
 * Pointer and the value: never a line number, so reformatting a file
 * keeps its findings baselined.
 *
 * Ownership: a dp_baseline owns its source, document and entries until
 * dp_baseline_free(); entries borrow their strings from the document.
 */
#ifndef DP_BASELINE_H
#define DP_BASELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"
#include "input.h"

#define DP_BASELINE_MAX_ENTRIES 1000000u

struct dp_baseline_entry {
	char fingerprint[DP_FINGERPRINT_LEN + 1];
	const char *rule;     /* for people reading the file; may be NULL */
	const char *path;     /* relative to the baseline's directory, or NULL */
	const char *pointer;  /* may be NULL */
	bool used;            /* matched a finding of this run */
};

struct dp_baseline {
	char *path;
	char *dir;            /* the directory paths are relative to */
	struct dp_source *source;
	struct dp_doc *doc;
	struct dp_baseline_entry *entries;  /* sorted by fingerprint */
	size_t n;
};

/*
 * Reads a baseline file.  Returns 0; -errno when it cannot be read;
 * -EINVAL for a malformed file, with *reterr_msg a malloc'd
 * "file:line:col: what is wrong"; -ENOMEM.  *ret_baseline is set only
 * on success.
 */
int dp_baseline_load(const char *path, struct dp_baseline **ret_baseline,
		     char **reterr_msg);

void dp_baseline_free(struct dp_baseline *baseline);

/* The directory that a baseline file at path takes paths relative to
 * ("." for a bare file name); malloc'd, NULL on ENOMEM. */
char *dp_baseline_dir(const char *path);

/*
 * The fingerprint of finding with its file's path given as relpath
 * (relative to the baseline's directory; NULL: the path as given).
 */
void dp_baseline_fingerprint(const struct dp_finding *finding,
			     const char *relpath,
			     char ret_hex[DP_FINGERPRINT_LEN + 1]);

/* Finds an unused entry with this fingerprint and marks it used: each
 * entry baselines one finding, so a second identical finding is new.
 * true when one was found. */
bool dp_baseline_take(struct dp_baseline *baseline, const char *fingerprint);

/* One finding as recorded. */
struct dp_baseline_record {
	char fingerprint[DP_FINGERPRINT_LEN + 1];
	const char *rule;
	const char *path;
	const char *pointer;
};

/*
 * Writes records (sorted here by path, pointer, rule and fingerprint, so
 * the file does not change when the input is only reformatted) to path,
 * replacing it atomically (atomic.h).  0, -ENOMEM, or -errno of the
 * write.
 */
int dp_baseline_write(const char *path, struct dp_baseline_record *records,
		      size_t n);

#endif /* DP_BASELINE_H */
