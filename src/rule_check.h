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
	/* Room for values the model does not store but fields compute
	 * (canonical names, yes/no flags): one slot per field, see
	 * dp_field_count().  NULL: computed fields have no value. */
	struct dp_value *scratch;
};

struct dp_field;

typedef const struct dp_value *(*dp_field_get_fn)(const struct dp_field *field,
						  const struct dp_ctx *ctx,
						  size_t i);

/* What a field of several values says, without reading them one by one,
 * about whether text is among its given values in a context. */
enum dp_holds {
	DP_HOLDS_UNKNOWN = -1, /* cannot tell at once: read the values */
	DP_HOLDS_NOTHING,      /* no given value at all */
	DP_HOLDS_NO,           /* given values, none of them text */
	DP_HOLDS_YES,          /* text is one of them */
};

typedef enum dp_holds (*dp_field_holds_fn)(const struct dp_field *field,
					   const struct dp_ctx *ctx,
					   const char *text, size_t len);

/* Calls fn with each value of a field in a context, in the order of the
 * getter's i = 0, 1, ...; stops at and returns fn's first nonzero
 * result, else 0. */
typedef int (*dp_value_fn)(void *data, const struct dp_value *v);
typedef int (*dp_field_each_fn)(const struct dp_field *field,
				const struct dp_ctx *ctx, dp_value_fn fn,
				void *data);

/* A named field of the model (fields.c).  Its getter returns the i-th
 * value (fields such as statement.action hold several), NULL past the
 * last.  A computed value lives in ctx->scratch until the same field is
 * read again. */
struct dp_field {
	const char *name;
	enum dp_level level;
	dp_field_get_fn get;
	unsigned arg;          /* getter-specific: which endpoint, which part */
	/* Optional (NULL: read the values): answers from an index, so
	 * that "is the role among the account's roles" is not a walk over
	 * every role of the account for every endpoint. */
	dp_field_holds_fn holds;
	/* Optional (NULL: call get for i = 0, 1, ...): all the values at
	 * once, where the i-th alone costs a search. */
	dp_field_each_fn each;
};

/* The i-th value of field in ctx, or NULL. */
static inline const struct dp_value *
dp_field_get(const struct dp_field *field, const struct dp_ctx *ctx, size_t i)
{
	return field->get(field, ctx, i);
}

/* Calls fn with each value of field in ctx (see dp_field_each_fn):
 * through the field's each when it has one, where the i-th value alone
 * costs a search, else through its getter. */
static inline int
dp_field_each(const struct dp_field *field, const struct dp_ctx *ctx,
	      dp_value_fn fn, void *data)
{
	const struct dp_value *v;
	int r;

	if (field->each)
		return field->each(field, ctx, fn, data);
	for (size_t i = 0; (v = dp_field_get(field, ctx, i)); i++)
		if ((r = fn(data, v)))
			return r;
	return 0;
}

/* The field called name, or NULL. */
const struct dp_field *dp_field_find(const char *name);

/* How many fields there are: the size of a scratch array. */
size_t dp_field_count(void);

/* The i-th field (for listing them), NULL past the last. */
const struct dp_field *dp_field_at(size_t i);

/* The name of a level ("trust", "principal.ram", ...); "?" if none. */
const char *dp_level_name(enum dp_level level);

enum dp_check_type {
	DP_CHECK_DIAGNOSTIC,   /* a loader diagnostic of kind diag_kind */
	DP_CHECK_UNKNOWN_DOC,  /* a document of no known shape */
	DP_CHECK_MATCH,        /* the value matches pattern */
	DP_CHECK_NO_MATCH,     /* the value does not match pattern */
	DP_CHECK_MISSING,      /* the value is absent or empty */
	DP_CHECK_NONE,         /* no element of level `of` meets `require` */
	DP_CHECK_EQUALS,       /* the value equals field `other` */
	DP_CHECK_DIFFERS,      /* the value differs from field `other` */
	DP_CHECK_NOT_AMONG,    /* the value is not in a non-empty collection */
	DP_CHECK_ONLY,         /* a non-empty collection holds only the value */
	DP_CHECK_NOT_IN_TABLE, /* no row of a table has the fields' values */
};

/* Role kinds a rule applies to (bit per enum dp_role_kind). */
#define DP_ROLE_MASK(kind) (1u << (kind))

struct dp_requirement {
	const struct dp_field *field;
	struct dp_regex *pattern;
};

/* NOT_IN_TABLE: a table column and the field whose value it must hold. */
struct dp_column {
	const char *name;
	const struct dp_field *field;
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
	bool or_missing;                  /* NO_MATCH: absent counts as no match */
	struct dp_regex *key;             /* EQUALS, DIFFERS: compare group 1 of
					     this pattern ("" if no match) */

	/* NOT_AMONG, ONLY: the value (or field `other`'s) against every
	 * value of the `of` fields inside the context (cut back to level
	 * `within`), both sides only where they match `filter`. */
	const struct dp_field **of_fields;
	size_t n_of_fields;
	enum dp_level within;             /* DP_LEVEL__COUNT: the context */
	struct dp_regex *filter;

	/* NOT_IN_TABLE */
	const char *table;                /* rules/tables/<table>.json */
	const char *rows;                 /* its member holding the rows */
	struct dp_column *columns;        /* with lookup: name "rows.column",
					     field a selected field */
	size_t n_columns;
	bool lookup;                      /* each selected value must be in
					     its column, not a tuple a row */

	/* where */
	unsigned role_kinds;              /* 0: any role, or none needed */
	const struct dp_field **given;    /* each must be given */
	size_t n_given;
	const struct dp_field **missing;  /* each must be absent/empty */
	size_t n_missing;
	bool cross_account;               /* endpoint must be cross-account (a
					     task: one of its endpoints) */
	struct dp_requirement *match;     /* each field has a value matching */
	size_t n_match;

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
