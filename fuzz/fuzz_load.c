/*
 * fuzz_load.c - libFuzzer harness for input checks and the JSON loader:
 * any bytes become a source and a document whose every node and
 * diagnostic has a span inside the file and a line:column, under the
 * default limits and under tight ones.  No rules, no adapters.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz.h"
#include "json.h"
#include "srcmap.h"
#include "util.h"

static void
parse_once(const struct dp_source *source, const struct dp_json_limits *limits)
{
	struct dp_doc *doc = NULL;
	struct dp_buf line = {0}, marker = {0};
	struct dp_span whole;
	int r;

	r = dp_doc_parse(source, limits, &doc);
	if (r == -ENOMEM)
		return;
	FUZZ_ASSERT(r == 0 && doc);
	if (source->problem != DP_ENC_OK)
		FUZZ_ASSERT(!doc->root);
	fuzz_check_diags(doc);
	if (doc->root) {
		fuzz_check_tree(doc, doc->root, source->body,
				(uint32_t) source->len, 0);
		whole = doc->root->span;
	} else {
		whole = doc->diags[0].span;
	}
	/* The excerpt under a finding, for the first span there is. */
	r = dp_srcmap_excerpt((struct dp_source *) source, whole, 80, &line,
			      &marker);
	FUZZ_ASSERT(r == 0);
	dp_buf_free(&line);
	dp_buf_free(&marker);
	dp_doc_free(doc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct dp_json_limits tight = {.max_depth = 4, .max_string = 8};
	struct dp_source *source = NULL;

	if (dp_source_from_memory("fuzz.json", (const char *) data, size,
				  &source) < 0)
		return 0;
	FUZZ_ASSERT(source->len == size);
	FUZZ_ASSERT(source->body <= source->len);
	parse_once(source, NULL);
	parse_once(source, &tight);
	dp_source_free(source);
	return 0;
}
