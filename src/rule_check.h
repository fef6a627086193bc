/*
 * rule_check.h - private contract between rules.c (which compiles a rule's
 * "select", "where" and "check" from its JSON) and engine.c (which
 * evaluates them over the model).  Not part of the library's interface.
 *
 * Ownership: a dp_check lives in its ruleset's arena; its regexes are
 * owned by the ruleset (freed in dp_ruleset_free()).
 */
#ifndef DP_RULE_CHECK_H
#define DP_RULE_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"
#include "model.h"

/* Where in the model a field lives; contexts nest in this order. */
enum dp_level {
	DP_LEVEL_DIAG,        /* a loader diagnostic of a document */
	DP_LEVEL_DOCUMENT,    /* a document of no known shape */
	DP_LEVEL_SETUP,
	DP_LEVEL_TASK,
	DP_LEVEL_ENDPOINT,
	DP_LEVEL_ROLE,
	DP_LEVEL_TRUST,
	DP_LEVEL_STATEMENT,
	DP_LEVEL_PRINCIPAL_RAM,
	DP_LEVEL_PRINCIPAL_SERVICE,
	DP_LEVEL_PRINCIPAL_FEDERATED,
	DP_LEVEL_TRUST_STRING,
	DP_LEVEL_ATTACHMENT,
	DP_LEVEL__COUNT,
};

/* A document the run could not map onto any shape (for DP002). */
struct dp_unknown_doc {
	const struct dp_doc *doc;
	const char *tried;    /* "RAM GetRole response, ..." */
	const char *nearest;  /* description of the nearest shape, or NULL */
};

/* Everything a field getter or a template can see at one place. */
struct dp_ctx {
	const struct dp_setup *setup;
	const struct dp_task *task;
	const struct dp_endpoint *endpoint;
	const struct dp_role *role;
	const struct dp_trust_policy *trust;
	const struct dp_statement *statement;
	const struct dp_principal *principal;
	const struct dp_value *string;        /* TRUST_STRING */
	const struct dp_attachment *attachment;
	const struct dp_doc *doc;             /* DIAG, DOCUMENT */
	const struct dp_diag *diag;
	const struct dp_unknown_doc *unknown;
};

/* A named field of the model.  get() returns its i-th value (fields
 * such as statement.action hold several), NULL past the last. */
struct dp_field {
	const char *name;
	enum dp_level level;
	const struct dp_value *(*get)(const struct dp_ctx *ctx, size_t i);
};

/* The field called name, or NULL. */
const struct dp_field *dp_field_find(const char *name);

/* NULL-terminated list of every field, for rule-file errors. */
const struct dp_field *const *dp_fields(void);

enum dp_check_type {
	DP_CHECK_DIAGNOSTIC,   /* a loader diagnostic of kind diag_kind */
	DP_CHECK_UNKNOWN_DOC,  /* a document of no known shape */
	DP_CHECK_MATCH,        /* the value matches pattern */
	DP_CHECK_NO_MATCH,     /* the value does not match pattern */
	DP_CHECK_MISSING,      /* the value is absent or empty */
	DP_CHECK_NONE,         /* no element of level `of` meets `require` */
	DP_CHECK_EQUALS,       /* the value equals field `other` */
	DP_CHECK_DIFFERS,      /* the value differs from field `other` */
};

/* Role kinds a rule applies to (bit per enum dp_role_kind). */
#define DP_ROLE_MASK(kind) (1u << (kind))

struct dp_requirement {
	const struct dp_field *field;
	struct dp_regex *pattern;
};

struct dp_check {
	const struct dp_field **select;   /* fields whose values are checked */
	size_t n_select;
	enum dp_level level;              /* of every selected field */
	enum dp_check_type type;
	struct dp_regex *pattern;         /* MATCH, NO_MATCH */
	int span_group;                   /* MATCH: group to point at, -1 value */
	enum dp_diag_kind diag_kind;      /* DIAGNOSTIC */
	const struct dp_field *other;     /* EQUALS, DIFFERS */
	enum dp_level of;                 /* NONE */
	struct dp_requirement *require;   /* NONE */
	size_t n_require;
	const struct dp_field *at;        /* MISSING: where to point if absent */

	/* where */
	unsigned role_kinds;              /* 0: any role, or none needed */
	const struct dp_field **given;    /* each must be given */
	size_t n_given;
	const struct dp_field **missing;  /* each must be absent/empty */
	size_t n_missing;
	bool cross_account;               /* endpoint must be cross-account */

	/* templates, first resolvable wins */
	const struct dp_text *messages;
	size_t n_messages;
	const struct dp_text *whys;
	size_t n_whys;
	const struct dp_text *fixes;
	size_t n_fixes;
	const char **replacements;
	size_t n_replacements;
};

#endif /* DP_RULE_CHECK_H */
