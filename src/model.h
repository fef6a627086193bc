/*
 * model.h - the canonical model every rule works on (formats.md): one
 * setup of roles, their trust policies and attachments, tasks with their
 * endpoints, and the task-creator account.  Adapters fill it from any
 * export shape; rules read it by field name (see engine.c).
 *
 * Ownership: a dp_setup owns every role, task, value text and pointer
 * string in its arena until dp_setup_free().  Values borrow the
 * dp_source they came from (origin.source), which must outlive the setup.
 */
#ifndef DP_MODEL_H
#define DP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input.h"

struct dp_arena;
struct dp_doc;
struct dp_json;

/*
 * The JSON Pointer of a place inside an element of a big array (a
 * streamed top-level array, a plan's resource_changes) is kept relative
 * to the element: "#<array>" stands for "<array's pointer>/<index>", as
 * in "#0/Role/Arn".  The element is the one whose bytes hold the span,
 * and dp_setup_resolve_pointer() writes the index in before anything
 * is reported.  A 50 MB bundle or a plan of 100,000 roles then keeps one
 * "#0/Role/Arn" for all its elements rather than a string per element,
 * a third of its setup.  A place without a span (an absent value) gets
 * its full pointer at once, from the setup's item_index.
 */
#define DP_POINTER_ITEM '#'

/* Where each recorded element of such an array starts (in order). */
struct dp_item_start {
	uint32_t offset;
	uint32_t index;
};

struct dp_item_array {
	const struct dp_source *source; /* its offsets are into */
	const char *pointer;      /* of the array itself: "" or
				     "/resource_changes" */
	struct dp_item_start *starts;
	size_t n, cap;
};

/* Where a value was written: file, byte span, JSON Pointer. */
struct dp_origin {
	struct dp_source *source; /* NULL for values given on the command line */
	struct dp_span span;
	const char *pointer;      /* "" for the root; never NULL when source set */
};

enum dp_value_state {
	DP_VALUE_ABSENT = 0, /* not in the export (or JSON null) */
	DP_VALUE_PRESENT,    /* a literal: str holds it */
	DP_VALUE_UNKNOWN,    /* not checkable: unknown until apply, Ref/Fn::* */
};

struct dp_value {
	const char *str;          /* PRESENT: the text as written (decoded) */
	struct dp_origin origin;  /* ABSENT: the object it is missing from */
	union {
		const char *unknown_why;  /* UNKNOWN: why it cannot be checked */
		const uint32_t *char_map; /* PRESENT: see located */
	};
	uint32_t len;
	uint8_t state;            /* enum dp_value_state */
	/* Where each byte of str lies in the file, so that a finding can
	 * point at part of a string (the UID inside "acs:ram::<UID>:root")
	 * without keeping the document: byte k was written at
	 * origin.span.start + text_skip + k (char_map NULL: no escape
	 * between), or at char_map[k]; index len is where the string ends.
	 * located is false for values not read from a string.  char_map
	 * lives in the setup's arena.  A setup holds tens of values per
	 * file: this layout keeps one in 48 bytes. */
	bool located;
	uint8_t text_skip;
};

/* A principal entry of a trust policy statement. */
struct dp_principal {
	struct dp_value value;  /* the whole entry */
	struct dp_value uid;    /* the account part, when the form has one */
	struct dp_value rest;   /* RAM: "root"/"user/x"/"role/x"; Service: the
				   host after '@' (or the whole bare name) */
};

struct dp_statement {
	struct dp_origin origin;
	struct dp_value effect;
	struct dp_value *actions;
	size_t n_actions;
	struct dp_principal *ram;
	size_t n_ram;
	struct dp_principal *service;
	size_t n_service;
	struct dp_principal *federated;
	size_t n_federated;
};

struct dp_trust_policy {
	struct dp_origin origin;   /* the document (string or object) */
	struct dp_value document;  /* the same, as a value rules can select */
	struct dp_value version;
	struct dp_statement *statements;
	size_t n_statements;
	struct dp_value *strings;  /* every string in the document */
	size_t n_strings;
};

struct dp_attachment {
	struct dp_value name;
	struct dp_value type;      /* "System" / "Custom" as written */
};

enum dp_role_kind {
	DP_ROLE_OTHER = 0,        /* not this tool's business */
	DP_ROLE_DEFAULT,          /* AliyunDTSDefaultRole */
	DP_ROLE_CROSS_ACCOUNT,    /* rules.md's definition */
};

struct dp_role {
	struct dp_origin origin;
	const char *shape;         /* adapter that produced it */
	struct dp_value name;
	struct dp_value arn;
	struct dp_value owner_uid; /* the account part of arn */
	struct dp_trust_policy *trust;     /* NULL: not exported */
	bool has_attachments;              /* an attachment list was exported */
	struct dp_attachment *attachments;
	size_t n_attachments;
	struct dp_origin attachments_origin;
	enum dp_role_kind kind;            /* set by dp_setup_classify() */
	bool named_by_task;                /* set by dp_setup_classify() */
};

enum dp_two_way {
	DP_TWO_WAY_UNKNOWN = 0,
	DP_TWO_WAY_NO,
	DP_TWO_WAY_YES,
};

struct dp_endpoint {
	const char *which;         /* "source" or "destination" */
	struct dp_origin origin;   /* the endpoint object, or the task */
	struct dp_value instance_type;
	struct dp_value engine;
	struct dp_value region;
	struct dp_value owner_uid;
	struct dp_value role_name;
	struct dp_value instance_id;
	const char *access_method; /* canonical name, NULL when unknown */
	const char *database_type; /* canonical name, NULL when unknown */
	bool cross_account;        /* owner UID and/or role name given */
};

struct dp_task {
	struct dp_origin origin;
	const char *shape;
	struct dp_value job_id;
	struct dp_value job_name;         /* DtsJobName, for the summary */
	struct dp_value job_type;
	struct dp_value direction;        /* SynchronizationDirection */
	struct dp_value sync_architecture;/* oneway / bidirectional */
	enum dp_two_way two_way;
	struct dp_endpoint source;
	struct dp_endpoint destination;
	/* Describes a DTS instance (CreateDtsInstance, a Terraform
	 * *_instance) rather than a configured task: associate.c merges it
	 * into the task that runs on it, or keeps it on its own. */
	bool instance_only;
	/* Merged into its task; leaves setup->tasks at dp_associate_prune(). */
	bool merged;
};

/* An attachment list before association (associate.c), and afterwards
 * one that no role could be found for (reported, info). */
struct dp_attachment_list {
	struct dp_origin origin;
	const char *role_hint;     /* from the file name, may be NULL */
	bool hint_is_role_name;    /* role_hint was written in the document
				      (Terraform role_name, ROS RoleName),
				      not taken from a file name */
	struct dp_attachment *attachments;
	size_t n_attachments;
	/* Given to its role; leaves setup->orphans at dp_associate_prune(). */
	bool attached;
};

/* Something the report should say that is not a rule finding. */
struct dp_note {
	struct dp_origin origin;
	const char *text;
};

struct dp_setup {
	struct dp_arena *arena;
	struct dp_value creator_uid;
	struct dp_role **roles;
	size_t n_roles, cap_roles;
	struct dp_task **tasks;
	size_t n_tasks, cap_tasks;
	struct dp_attachment_list **orphans;
	size_t n_orphans, cap_orphans;
	struct dp_note *notes;
	size_t n_notes, cap_notes;
	/* Set by dp_setup_classify(): the roles that have both a name and
	 * an owner UID, sorted by owner UID and by name (setup order within
	 * equal keys), for dp_setup_roles_with().  NULL without memory. */
	struct dp_role **roles_by_owner;
	struct dp_role **roles_by_name;
	size_t n_roles_indexed;
	size_t indexed_of;   /* n_roles when the index was built */
	/* Set by dp_setup_classify(): the task endpoints that name a role,
	 * sorted by the name they mean (task order within equal names),
	 * for dp_setup_endpoints_naming().  NULL without memory. */
	struct dp_endpoint **endpoints_by_role;
	size_t n_endpoints_indexed;
	size_t endpoints_indexed_of; /* n_tasks when it was built */
	/* Arrays whose elements' pointers are relative (DP_POINTER_ITEM),
	 * and the index of the element being adapted now. */
	struct dp_item_array *item_arrays;
	size_t n_item_arrays, cap_item_arrays;
	size_t item_index;
};

/* A new, empty setup; NULL on ENOMEM. */
struct dp_setup *dp_setup_new(void);
void dp_setup_free(struct dp_setup *setup);

/* New zeroed objects owned by the setup, already appended to it.
 * NULL on ENOMEM. */
struct dp_role *dp_setup_add_role(struct dp_setup *setup);
struct dp_task *dp_setup_add_task(struct dp_setup *setup);
struct dp_attachment_list *dp_setup_add_orphan(struct dp_setup *setup);

/* Registers an array at pointer (in the setup's arena) of source whose
 * elements' pointers will be relative; *ret_base is "#<n>", the pointer
 * to use for its elements.  0 or -ENOMEM. */
int dp_setup_item_array(struct dp_setup *setup, const struct dp_source *source,
			const char *pointer, const char **ret_base);

/* Records that element index of the array of base starts at offset (in
 * increasing order of offsets), and makes it the element being adapted.
 * 0 or -ENOMEM. */
int dp_setup_item_start(struct dp_setup *setup, const char *base,
			size_t index, uint32_t offset);

/* Rewrites a relative pointer of where (DP_POINTER_ITEM) as the full
 * one.  0 or -ENOMEM. */
int dp_setup_resolve_pointer(struct dp_setup *setup, struct dp_origin *where);

/* The full pointer of where written into buf (size bytes, truncated
 * when longer), for a message built before pointers are resolved;
 * returns buf, or where's own pointer when it is not relative. */
const char *dp_setup_pointer_text(const struct dp_setup *setup,
				  const struct dp_origin *where, char *buf,
				  size_t size);

/* Adds a note (text is copied).  0 or -ENOMEM. */
int dp_setup_add_note(struct dp_setup *setup, const struct dp_origin *origin,
		      const char *text);

/* ---- building values (for adapters) --------------------------------- */

/* A value from a JSON node of doc: PRESENT for a string (and for numbers
 * and booleans, as their text), ABSENT for NULL or JSON null.  The text
 * is copied: the value does not borrow doc, which may be freed once the
 * document is adapted.  pointer is borrowed: it must live in the setup's
 * arena (dp_json_pointer_join() on it), as every value's does.  A NULL
 * pointer is a join that failed: -ENOMEM.  0 or -ENOMEM. */
int dp_value_from_json(struct dp_setup *setup, const struct dp_doc *doc,
		       const struct dp_json *node, const char *pointer,
		       struct dp_value *ret_value);

/* The bytes [off, off+len) of a PRESENT value, as a value of its own with
 * the exact source span when whole is located.  0, -EINVAL or -ENOMEM. */
int dp_value_substr(struct dp_setup *setup, const struct dp_value *whole,
		    size_t off, size_t len, struct dp_value *ret_value);

/* Where the bytes [off, off+len) of a located value were written.
 * false (and *ret_span untouched) when value is not located or the range
 * is out of it. */
bool dp_value_part_span(const struct dp_value *value, size_t off, size_t len,
			struct dp_span *ret_span);

/* An ABSENT value that remembers where it should have been. */
void dp_value_absent(struct dp_value *value, const struct dp_origin *where);

/* PRESENT with a non-empty text (after nothing: whitespace counts). */
bool dp_value_given(const struct dp_value *value);

/* Case-insensitive ASCII equality with a C string; false unless PRESENT. */
bool dp_value_ieq(const struct dp_value *value, const char *s);

/* Fills a trust policy from a policy document node (an object: parsed
 * from a string or written inline).  0 or -ENOMEM. */
int dp_trust_from_json(struct dp_setup *setup, const struct dp_doc *doc,
		       const struct dp_json *policy, const char *pointer,
		       struct dp_trust_policy **ret_trust);

/* ---- association and classification --------------------------------- */

/* Computes role kinds and which roles tasks name; call once after every
 * document was adapted and before rules run.  Pure: never fails. */
void dp_setup_classify(struct dp_setup *setup);

/* The roles, of those with both a name and an owner UID, whose owner UID
 * (by_owner) or name equals value, in setup order: *ret_roles[0 ..
 * *ret_n).  false when dp_setup_classify() built no index (no memory,
 * or roles changed since): the caller then walks setup->roles. */
bool dp_setup_roles_with(const struct dp_setup *setup, bool by_owner,
			 const struct dp_value *value,
			 struct dp_role *const **ret_roles, size_t *ret_n);

/* The task endpoints (in task order, source before destination) whose
 * role name means name (the name itself, or the part after the last
 * "role/" of an ARN typed there): *ret_eps[0 .. *ret_n).  false when
 * dp_setup_classify() built no index: the caller then walks the tasks. */
bool dp_setup_endpoints_naming(const struct dp_setup *setup,
			       const struct dp_value *name,
			       struct dp_endpoint *const **ret_eps,
			       size_t *ret_n);

/* The role named name (case-sensitive) in account owner_uid (NULL: any),
 * or NULL. */
struct dp_role *dp_setup_find_role(const struct dp_setup *setup,
				   const char *name, const char *owner_uid);

#endif /* DP_MODEL_H */
