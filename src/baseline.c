/*
 * baseline.c - the baseline file format: reading it (strictly, every
 * error with file:line:col), looking fingerprints up, and writing it
 * atomically in a stable order.  Which findings of a run are baselined,
 * and the paths they are recorded under, is filter.c's business.
 *
 * The file:
 *   {
 *     "version": 1,
 *     "about": "...",
 *     "findings": [
 *       {"fingerprint": "16 hex digits", "rule": "DP201",
 *        "path": "job.json", "pointer": "/SourceEndpointRole"},
 *       ...
 *     ]
 *   }
 * Only the fingerprint counts; rule, path and pointer are for people
 * reading a diff of the file (and path for telling which recorded
 * findings are gone).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "baseline.h"
#include "config_file.h"
#include "json.h"
#include "report.h"
#include "util.h"

#define BASELINE_ABOUT                                                         \
	"findings recorded by dts-preflight --write-baseline: a finding "      \
	"whose fingerprint (rule, path relative to this file, JSON Pointer, "  \
	"value) is listed here is reported as baselined, not as new"

char *
dp_baseline_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return dp_strdup(".");
	if (slash == path)
		return dp_strdup("/");
	return strndup(path, (size_t) (slash - path));
}

void
dp_baseline_fingerprint(const struct dp_finding *finding, const char *relpath,
			char ret_hex[DP_FINGERPRINT_LEN + 1])
{
	struct dp_finding copy = *finding;
	struct dp_source source;

	/* dp_finding_fingerprint() hashes the source's path: hand it one
	 * that says the path relative to the baseline. */
	if (relpath && finding->origin.source) {
		source = *finding->origin.source;
		source.path = (char *) relpath;
		copy.origin.source = &source;
	}
	dp_finding_fingerprint(&copy, ret_hex);
}

/* ---- reading --------------------------------------------------------- */

struct reader {
	struct dp_baseline *baseline;
	char *error;
};

static int
fail(struct reader *rd, struct dp_span span, const char *fmt, ...)
	DP_PRINTF(3, 4);

/* Records the error at span; -EINVAL (or -ENOMEM). */
static int
fail(struct reader *rd, struct dp_span span, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rd->error = dp_config_verror_at(rd->baseline->source, span, fmt, ap);
	va_end(ap);
	return rd->error ? -EINVAL : -ENOMEM;
}

static bool
is_fingerprint(const struct dp_json *node)
{
	if (node->kind != DP_JSON_STRING || node->n != DP_FINGERPRINT_LEN)
		return false;
	for (uint32_t i = 0; i < node->n; i++)
		if (!strchr("0123456789abcdef", node->u.str[i]) ||
		    node->u.str[i] == '\0')
			return false;
	return true;
}

static int
read_entry(struct reader *rd, const struct dp_json *node,
	   struct dp_baseline_entry *entry)
{
	bool have_fingerprint = false;

	if (node->kind != DP_JSON_OBJECT)
		return fail(rd, node->span, "a baseline entry must be an object "
			    "{\"fingerprint\": ..., ...}");
	for (uint32_t i = 0; i < node->n; i++) {
		const struct dp_json_member *m = &node->u.members[i];
		const char **field;

		if (strcmp(m->key, "fingerprint") == 0) {
			if (!is_fingerprint(m->value))
				return fail(rd, m->value->span, "a fingerprint is "
					    "%d lowercase hex digits",
					    DP_FINGERPRINT_LEN);
			memcpy(entry->fingerprint, m->value->u.str,
			       DP_FINGERPRINT_LEN + 1);
			have_fingerprint = true;
			continue;
		}
		if (strcmp(m->key, "rule") == 0)
			field = &entry->rule;
		else if (strcmp(m->key, "path") == 0)
			field = &entry->path;
		else if (strcmp(m->key, "pointer") == 0)
			field = &entry->pointer;
		else
			return fail(rd, m->key_span, "unknown key \"%s\" in a "
				    "baseline entry (known: fingerprint, rule, "
				    "path, pointer)", m->key);
		if (m->value->kind != DP_JSON_STRING ||
		    strlen(m->value->u.str) != m->value->n)
			return fail(rd, m->value->span, "\"%s\" must be a string",
				    m->key);
		*field = m->value->u.str;
	}
	if (!have_fingerprint)
		return fail(rd, node->span, "a baseline entry lacks "
			    "\"fingerprint\"");
	return 0;
}

static int
read_findings(struct reader *rd, const struct dp_json *list)
{
	struct dp_baseline *baseline = rd->baseline;
	int r = 0;

	if (list->kind != DP_JSON_ARRAY)
		return fail(rd, list->span, "\"findings\" must be a list");
	if (list->n > DP_BASELINE_MAX_ENTRIES)
		return fail(rd, list->span, "more than %u findings in a baseline",
			    DP_BASELINE_MAX_ENTRIES);
	baseline->entries = calloc(list->n + 1, sizeof(*baseline->entries));
	if (!baseline->entries)
		return -ENOMEM;
	for (uint32_t i = 0; i < list->n && r == 0; i++)
		r = read_entry(rd, list->u.items[i], &baseline->entries[i]);
	baseline->n = r == 0 ? list->n : 0;
	return r;
}

static int
read_root(struct reader *rd, const struct dp_json *root)
{
	const struct dp_json *findings = NULL;
	bool have_version = false;
	int r;

	if (!root || root->kind != DP_JSON_OBJECT)
		return fail(rd, root ? root->span : (struct dp_span){0, 0},
			    "a baseline is one JSON object {\"version\": 1, "
			    "\"findings\": [...]}");
	for (uint32_t i = 0; i < root->n; i++) {
		const struct dp_json_member *m = &root->u.members[i];

		if (strcmp(m->key, "version") == 0) {
			if (m->value->kind != DP_JSON_NUMBER ||
			    strcmp(m->value->u.str, "1") != 0)
				return fail(rd, m->value->span, "this baseline "
					    "is of version %s; dts-preflight "
					    "reads version 1", m->value->kind ==
					    DP_JSON_NUMBER ? m->value->u.str
							   : "(not a number)");
			have_version = true;
		} else if (strcmp(m->key, "findings") == 0) {
			findings = m->value;
		} else if (strcmp(m->key, "about") == 0 ||
			   strcmp(m->key, "tool") == 0) {
			if (m->value->kind != DP_JSON_STRING)
				return fail(rd, m->value->span, "\"%s\" must be "
					    "a string", m->key);
		} else {
			return fail(rd, m->key_span, "unknown key \"%s\" (known: "
				    "version, about, tool, findings)", m->key);
		}
	}
	if (!have_version || !findings)
		return fail(rd, root->span, "a baseline needs \"%s\"",
			    have_version ? "findings" : "version");
	r = read_findings(rd, findings);
	return r;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct dp_baseline_entry *x = a, *y = b;

	return strcmp(x->fingerprint, y->fingerprint);
}

int
dp_baseline_load(const char *path, struct dp_baseline **ret_baseline,
		 char **reterr_msg)
{
	struct dp_baseline *baseline = calloc(1, sizeof(*baseline));
	struct reader rd = {.baseline = baseline};
	int r;

	*reterr_msg = NULL;
	if (!baseline)
		return -ENOMEM;
	baseline->path = dp_strdup(path);
	baseline->dir = dp_baseline_dir(path);
	if (!baseline->path || !baseline->dir) {
		r = -ENOMEM;
		goto out;
	}
	r = dp_source_read(path, DP_MAX_FILE_SIZE_DEFAULT, &baseline->source);
	if (r < 0)
		goto out;
	r = dp_doc_parse(baseline->source, NULL, &baseline->doc);
	if (r < 0)
		goto out;
	if (baseline->doc->n_diags > 0)
		r = fail(&rd, baseline->doc->diags[0].span, "%s",
			 baseline->doc->diags[0].msg);
	else
		r = read_root(&rd, baseline->doc->root);
	if (r == 0 && baseline->n > 1)
		qsort(baseline->entries, baseline->n, sizeof(*baseline->entries),
		      cmp_entry);
out:
	if (r < 0) {
		if (r == -EINVAL)
			*reterr_msg = rd.error;
		else
			free(rd.error);
		dp_baseline_free(baseline);
		return r;
	}
	*ret_baseline = baseline;
	return 0;
}

void
dp_baseline_free(struct dp_baseline *baseline)
{
	if (!baseline)
		return;
	free(baseline->entries);
	dp_doc_free(baseline->doc);
	dp_source_free(baseline->source);
	free(baseline->path);
	free(baseline->dir);
	free(baseline);
}

bool
dp_baseline_take(struct dp_baseline *baseline, const char *fingerprint)
{
	size_t lo = 0, hi = baseline->n;

	/* The first entry with this fingerprint, then the first unused. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(baseline->entries[mid].fingerprint, fingerprint) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < baseline->n &&
	       strcmp(baseline->entries[lo].fingerprint, fingerprint) == 0;
	     lo++)
		if (!baseline->entries[lo].used) {
			baseline->entries[lo].used = true;
			return true;
		}
	return false;
}

/* ---- writing --------------------------------------------------------- */

static int
cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int
cmp_record(const void *a, const void *b)
{
	const struct dp_baseline_record *x = a, *y = b;
	int r;

	if ((r = cmp_str(x->path, y->path)) || (r = cmp_str(x->pointer, y->pointer)) ||
	    (r = cmp_str(x->rule, y->rule)))
		return r;
	return strcmp(x->fingerprint, y->fingerprint);
}

int
dp_baseline_write(const char *path, struct dp_baseline_record *records,
		  size_t n)
{
	struct dp_buf buf = {0};
	int r = 0;

	if (n > 1)
		qsort(records, n, sizeof(*records), cmp_record);
	r = dp_buf_puts(&buf, "{\n  \"version\": 1,\n  \"about\": ");
	if (r == 0)
		r = dp_report_json_quote(&buf, BASELINE_ABOUT);
	if (r == 0)
		r = dp_buf_puts(&buf, n ? ",\n  \"findings\": [\n" :
				",\n  \"findings\": [");
	for (size_t i = 0; i < n && r == 0; i++) {
		r = dp_buf_printf(&buf, "    {\"fingerprint\": \"%s\", \"rule\": ",
				  records[i].fingerprint);
		if (r == 0)
			r = dp_report_json_quote(&buf, records[i].rule);
		if (r == 0)
			r = dp_buf_puts(&buf, ", \"path\": ");
		if (r == 0)
			r = dp_report_json_quote(&buf, records[i].path);
		if (r == 0)
			r = dp_buf_puts(&buf, ", \"pointer\": ");
		if (r == 0)
			r = dp_report_json_quote(&buf, records[i].pointer);
		if (r == 0)
			r = dp_buf_puts(&buf, i + 1 < n ? "},\n" : "}\n");
	}
	if (r == 0)
		r = dp_buf_puts(&buf, n ? "  ]\n}\n" : "]\n}\n");
	if (r == 0)
		r = dp_atomic_write(path, buf.data, buf.len);
	dp_buf_free(&buf);
	return r;
}
