/*
 * fuzz_embedded.c - libFuzzer harness for JSON-encoded strings (an
 * AssumeRolePolicyDocument): the input is escaped into the string of an
 * outer document in one of several ways (first byte), the string parsed
 * as a document of its own, and every node of it - and of the strings
 * embedded in it, three levels down - must point inside the outer
 * string token through the escapes.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json.h"
#include "util.h"

#define MAX_NESTED 3
#define MAX_STRINGS 64

/* How the input is escaped into the outer string. */
enum escaping {
	ESC_MINIMAL,    /* only '"', '\\' and control bytes */
	ESC_ALL_ASCII,  /* every ASCII byte as \u00XX */
	ESC_SHORT,      /* \/ \b \f \n \r \t where they apply */
	ESC_RAW,        /* the input is the outer document itself */
};

static int
escape_into(struct dp_buf *b, const uint8_t *data, size_t size,
	    enum escaping how)
{
	static const char hex[] = "0123456789abcdef";
	int r = 0;

	for (size_t i = 0; i < size && r == 0; i++) {
		uint8_t c = data[i];

		if (how == ESC_ALL_ASCII && c < 0x80) {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4],
				     hex[c & 15]};

			r = dp_buf_append(b, u, sizeof(u));
		} else if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char) c};

			r = dp_buf_append(b, e, 2);
		} else if (how == ESC_SHORT && strchr("/\b\f\n\r\t", c) && c) {
			static const char from[] = "/\b\f\n\r\t";
			static const char to[] = "/bfnrt";
			char e[2] = {'\\', to[strchr(from, c) - from]};

			r = dp_buf_append(b, e, 2);
		} else if (c < 0x20) {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4],
				     hex[c & 15]};

			r = dp_buf_append(b, u, sizeof(u));
		} else {
			r = dp_buf_putc(b, (char) c);
		}
	}
	return r;
}

static void check_strings(struct dp_doc *doc, const struct dp_json *node,
			  unsigned level, unsigned *budget);

/* Parses str as an embedded document and checks it. */
static void
check_embedded(struct dp_doc *doc, const struct dp_json *str, unsigned level,
	       unsigned *budget)
{
	struct dp_json *root = NULL;
	size_t before = doc->n_diags;
	int r;

	if (*budget == 0)
		return;
	(*budget)--;
	r = dp_doc_parse_embedded(doc, str, "/x", &root);
	if (r == -ENOMEM)
		return;
	FUZZ_ASSERT(r == 0);
	fuzz_check_diags(doc);
	if (!root) {
		/* Not JSON: exactly one diagnostic says why, inside the
		 * string token. */
		FUZZ_ASSERT(doc->n_diags == before + 1);
		FUZZ_ASSERT(doc->diags[before].kind ==
			    DP_DIAG_EMBEDDED_INVALID ||
			    doc->diags[before].kind == DP_DIAG_DUPLICATE_KEY);
		FUZZ_ASSERT(doc->diags[before].span.start >= str->span.start);
		FUZZ_ASSERT(doc->diags[before].span.end <= str->span.end);
		return;
	}
	FUZZ_ASSERT(root->embedded);
	fuzz_check_tree(doc, root, str->span.start + 1, str->span.end - 1, 0);
	if (level < MAX_NESTED)
		check_strings(doc, root, level + 1, budget);
}

/* Every string under node, parsed as an embedded document; and a
 * substring span of each, which must lie inside it. */
static void
check_strings(struct dp_doc *doc, const struct dp_json *node, unsigned level,
	      unsigned *budget)
{
	struct dp_span sub;

	switch (node->kind) {
	case DP_JSON_STRING:
		if (node->n > 0) {
			FUZZ_ASSERT(dp_json_substr_span(doc, node, node->n / 2,
							node->n - node->n / 2,
							&sub) == 0);
			FUZZ_ASSERT(sub.start >= node->span.start &&
				    sub.end <= node->span.end);
		}
		FUZZ_ASSERT(dp_json_substr_span(doc, node, node->n + 1, 0,
						&sub) == -EINVAL);
		check_embedded(doc, node, level, budget);
		break;
	case DP_JSON_ARRAY:
		for (uint32_t i = 0; i < node->n; i++)
			check_strings(doc, node->u.items[i], level, budget);
		break;
	case DP_JSON_OBJECT:
		for (uint32_t i = 0; i < node->n; i++)
			check_strings(doc, node->u.members[i].value, level,
				      budget);
		break;
	default:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dp_buf text = {0};
	struct dp_source *source = NULL;
	struct dp_doc *doc = NULL;
	unsigned budget = MAX_STRINGS;
	enum escaping how;

	if (size == 0)
		return 0;
	how = (enum escaping) (data[0] % 4);
	data++;
	size--;
	if (how == ESC_RAW) {
		if (dp_buf_append(&text, data, size) < 0)
			goto out;
	} else if (dp_buf_puts(&text, "{\"AssumeRolePolicyDocument\": \"") < 0 ||
		   escape_into(&text, data, size, how) < 0 ||
		   dp_buf_puts(&text, "\"}") < 0) {
		goto out;
	}
	if (dp_source_from_memory("fuzz.json", text.data ? text.data : "",
				  text.len, &source) < 0 ||
	    dp_doc_parse(source, NULL, &doc) < 0)
		goto out;
	fuzz_check_diags(doc);
	/* Valid UTF-8 escaped this way is always a valid outer document. */
	if (how != ESC_RAW && source->problem == DP_ENC_OK)
		FUZZ_ASSERT(doc->root);
	if (doc->root)
		check_strings(doc, doc->root, 1, &budget);
out:
	dp_doc_free(doc);
	dp_source_free(source);
	dp_buf_free(&text);
	return 0;
}
