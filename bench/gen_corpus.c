/*
 * gen_corpus.c - writes benchmark corpora, deterministically from a seed:
 * many small exports of every shape (a known fraction broken in known
 * ways, listed in MANIFEST.tsv), one large file, or one file holding N
 * roles and the N tasks that name them.  It knows the export shapes only
 * as text templates; it never links the checker's parser.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

#define FILES_PER_DIR 100u

/* ---- deterministic randomness (splitmix64) ------------------------- */

struct rng {
	uint64_t state;
};

static uint64_t
rng_next(struct rng *rng)
{
	uint64_t z = (rng->state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static unsigned
rng_below(struct rng *rng, unsigned n)
{
	return n ? (unsigned) (rng_next(rng) % n) : 0;
}

/* A 16-digit account ID that does not start with 0. */
static void
make_uid(struct rng *rng, char out[17])
{
	out[0] = (char) ('1' + rng_below(rng, 9));
	for (int i = 1; i < 16; i++)
		out[i] = (char) ('0' + rng_below(rng, 10));
	out[16] = '\0';
}

static void
make_hex(struct rng *rng, char *out, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++)
		out[i] = hex[rng_below(rng, 16)];
	out[n] = '\0';
}

/* ---- output helpers ------------------------------------------------ */

static int oom;

static void
put(struct dp_buf *b, const char *fmt, ...) DP_PRINTF(2, 3);

static void
put(struct dp_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (dp_buf_vprintf(b, fmt, ap) < 0)
		oom = 1;
	va_end(ap);
}

/* Appends s as the inside of a JSON string (quotes not included). */
static void
put_escaped(struct dp_buf *b, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char) s[i];

		if (c == '"' || c == '\\')
			put(b, "\\%c", c);
		else if (c == '\n')
			put(b, "\\n");
		else if (c < 0x20)
			put(b, "\\u%04x", c);
		else if (dp_buf_putc(b, (char) c) < 0)
			oom = 1;
	}
}

static const char *const words[] = {
	"cross-account", "synchronization", "role", "for", "the", "DTS",
	"task", "created", "by", "team", "database", "migration", "reporting",
	"replica", "nightly", "owned", "platform", "analytics", "orders",
	"ledger", "billing", "warehouse", "read-only", "access", "managed",
};

/* Appends roughly len bytes of words (a description field). */
static void
put_filler(struct dp_buf *b, struct rng *rng, size_t len)
{
	size_t start = b->len;

	while (b->len - start < len) {
		const char *w = words[rng_below(rng, DP_ARRAY_SIZE(words))];

		put(b, "%s%s", b->len > start ? " " : "", w);
	}
}

/* ---- how a file is broken ------------------------------------------ */

enum breakage {
	BROKEN_NONE = 0,
	BROKEN_TRUNCATED,       /* DP001: cut short */
	BROKEN_TRAILING_COMMA,  /* DP001 */
	BROKEN_SINGLE_QUOTES,   /* DP001 */
	BROKEN_COMMENT,         /* DP001 */
	BROKEN_UTF16_BOM,       /* DP001 */
	BROKEN_BAD_UTF8,        /* DP001 */
	BROKEN_DUPLICATE_KEY,   /* DP004 */
	BROKEN_EMBEDDED,        /* DP003: trust policy string not JSON */
	BROKEN_MASKED_UID,      /* DP102 */
	BROKEN_ARN_AS_NAME,     /* DP201 */
	BROKEN_COLLAPSED,       /* DP302: bare dts.aliyuncs.com */
	BROKEN__COUNT,
};

static const struct {
	const char *name;
	const char *rule;
} breakages[BROKEN__COUNT] = {
	[BROKEN_NONE] = {"none", "-"},
	[BROKEN_TRUNCATED] = {"truncated", "DP001"},
	[BROKEN_TRAILING_COMMA] = {"trailing-comma", "DP001"},
	[BROKEN_SINGLE_QUOTES] = {"single-quotes", "DP001"},
	[BROKEN_COMMENT] = {"comment", "DP001"},
	[BROKEN_UTF16_BOM] = {"utf16-bom", "DP001"},
	[BROKEN_BAD_UTF8] = {"bad-utf8", "DP001"},
	[BROKEN_DUPLICATE_KEY] = {"duplicate-key", "DP004"},
	[BROKEN_EMBEDDED] = {"embedded-invalid", "DP003"},
	[BROKEN_MASKED_UID] = {"masked-uid", "DP102"},
	[BROKEN_ARN_AS_NAME] = {"arn-as-role-name", "DP201"},
	[BROKEN_COLLAPSED] = {"collapsed-service", "DP302"},
};

/* ---- the shapes ---------------------------------------------------- */

enum shape {
	SHAPE_GET_ROLE,
	SHAPE_POLICIES,
	SHAPE_CONFIGURE,
	SHAPE_DESCRIBE,
	SHAPE_TRUST,
	SHAPE__COUNT,
};

static const char *const shape_names[SHAPE__COUNT] = {
	"ram-get-role", "ram-list-policies-for-role", "dts-configure-job",
	"dts-describe-job-detail", "ram-trust-policy",
};

/* Share of each shape, in percent (they add up to 100). */
static const unsigned shape_weights[SHAPE__COUNT] = {30, 25, 20, 15, 10};

/* Which content breakages a shape can carry (JSON-level ones fit all). */
static bool
breakage_fits(enum breakage k, enum shape s)
{
	switch (k) {
	case BROKEN_EMBEDDED:
		return s == SHAPE_GET_ROLE;
	case BROKEN_MASKED_UID:
		return s != SHAPE_POLICIES;
	case BROKEN_ARN_AS_NAME:
		return s == SHAPE_CONFIGURE || s == SHAPE_DESCRIBE;
	case BROKEN_COLLAPSED:
		return s == SHAPE_GET_ROLE || s == SHAPE_TRUST;
	default:
		return true;
	}
}

struct doc_params {
	struct rng *rng;
	unsigned index;        /* file number: names and IDs derive from it */
	const char *role_name; /* the role this document is about */
	const char *owner_uid; /* the role's account */
	const char *trusted;   /* the task creator's account */
	enum breakage broken;
	size_t pad;            /* extra description bytes */
	unsigned statements;   /* extra trust policy statements */
	const char *indent;    /* one level: "  ", or "" for one-line */
	const char *nl;        /* "\n", or "" for one-line */
};

static void
put_uid(struct dp_buf *b, const struct doc_params *p, const char *uid)
{
	if (p->broken == BROKEN_MASKED_UID)
		put(b, "%.12s****", uid);
	else
		put(b, "%s", uid);
}

/* The trust policy, as it sits in a file or in AssumeRolePolicyDocument. */
static void
put_trust(struct dp_buf *b, const struct doc_params *p, const char *in)
{
	const char *i = p->indent, *nl = p->nl;
	unsigned extra = rng_below(p->rng, 2) + p->statements;

	put(b, "{%s%s%s\"Statement\": [%s", nl, in, i, nl);
	for (unsigned s = 0; s <= extra; s++) {
		put(b, "%s%s%s{%s", in, i, i, nl);
		put(b, "%s%s%s%s\"Action\": \"sts:AssumeRole\",%s", in, i, i, i, nl);
		put(b, "%s%s%s%s\"Effect\": \"Allow\",%s", in, i, i, i, nl);
		put(b, "%s%s%s%s\"Principal\": {%s", in, i, i, i, nl);
		if (s == 0) {
			put(b, "%s%s%s%s%s\"RAM\": [%s%s%s%s%s%s%s\"acs:ram::", in,
			    i, i, i, i, nl, in, i, i, i, i, i);
			put_uid(b, p, p->trusted);
			put(b, ":root\"%s%s%s%s%s%s],%s", nl, in, i, i, i, i, nl);
			put(b, "%s%s%s%s%s\"Service\": [%s%s%s%s%s%s%s\"", in, i,
			    i, i, i, nl, in, i, i, i, i, i);
			if (p->broken == BROKEN_COLLAPSED)
				put(b, "dts.aliyuncs.com");
			else
				put(b, "%s@dts.aliyuncs.com", p->trusted);
			put(b, "\"%s%s%s%s%s%s]%s", nl, in, i, i, i, i, nl);
		} else {
			put(b, "%s%s%s%s%s\"Service\": [%s%s%s%s%s%s%s"
			    "\"ecs.aliyuncs.com\"%s%s%s%s%s%s]%s",
			    in, i, i, i, i, nl, in, i, i, i, i, i, nl, in, i,
			    i, i, i, nl);
		}
		put(b, "%s%s%s%s}%s", in, i, i, i, nl);
		put(b, "%s%s%s}%s%s", in, i, i, s < extra ? "," : "", nl);
	}
	put(b, "%s%s],%s%s%s\"Version\": \"1\"%s%s}", in, i, nl, in, i, nl, in);
}

static void
put_request_id(struct dp_buf *b, struct rng *rng)
{
	char a[9], c[5], d[5], e[5], f[13];

	make_hex(rng, a, 8);
	make_hex(rng, c, 4);
	make_hex(rng, d, 4);
	make_hex(rng, e, 4);
	make_hex(rng, f, 12);
	put(b, "%s-%s-%s-%s-%s", a, c, d, e, f);
}

static void
gen_get_role(struct dp_buf *b, const struct doc_params *p)
{
	struct dp_buf trust = {0};
	const char *i = p->indent, *nl = p->nl;

	put_trust(&trust, p, "");
	if (p->broken == BROKEN_EMBEDDED && trust.len > 2)
		trust.len -= 2; /* the policy string loses its last brace */
	put(b, "{%s%s\"RequestId\": \"", nl, i);
	put_request_id(b, p->rng);
	put(b, "\",%s", nl);
	if (p->broken == BROKEN_DUPLICATE_KEY)
		put(b, "%s\"RequestId\": \"again\",%s", i, nl);
	put(b, "%s\"Role\": {%s", i, nl);
	put(b, "%s%s\"RoleId\": \"3%015u\",%s", i, i, p->index, nl);
	put(b, "%s%s\"RoleName\": \"%s\",%s", i, i, p->role_name, nl);
	put(b, "%s%s\"Arn\": \"acs:ram::", i, i);
	put_uid(b, p, p->owner_uid);
	put(b, ":role/%s\",%s", p->role_name, nl);
	put(b, "%s%s\"Description\": \"", i, i);
	put_filler(b, p->rng, 20 + p->pad);
	put(b, "\",%s", nl);
	put(b, "%s%s\"AssumeRolePolicyDocument\": \"", i, i);
	put_escaped(b, trust.data ? trust.data : "", trust.len);
	put(b, "\",%s", nl);
	put(b, "%s%s\"MaxSessionDuration\": 3600,%s", i, i, nl);
	put(b, "%s%s\"CreateDate\": \"2025-03-01T08:00:00Z\",%s", i, i, nl);
	put(b, "%s%s\"UpdateDate\": \"2025-03-01T08:00:00Z\"%s", i, i, nl);
	put(b, "%s}%s}%s", i, nl, nl);
	dp_buf_free(&trust);
}

static const char *const policy_names[] = {
	"AliyunDTSRolePolicy", "AliyunVPCReadOnlyAccess",
	"AliyunRDSReadOnlyAccess", "AliyunECSReadOnlyAccess",
	"AliyunPolardbReadOnlyAccess", "AliyunKvstoreReadOnlyAccess",
	"AliyunMongoDBReadOnlyAccess", "AliyunOSSReadOnlyAccess",
	"AliyunLogReadOnlyAccess", "dts-custom-network",
	"AliyunCloudMonitorReadOnlyAccess", "AliyunSTSAssumeRoleAccess",
};

static void
gen_policies(struct dp_buf *b, const struct doc_params *p)
{
	const char *i = p->indent, *nl = p->nl;
	unsigned n = 1 + rng_below(p->rng, 4) + (unsigned) (p->pad / 200);

	if (n > DP_ARRAY_SIZE(policy_names))
		n = DP_ARRAY_SIZE(policy_names);
	put(b, "{%s%s\"Policies\": {%s%s%s\"Policy\": [%s", nl, i, nl, i, i, nl);
	for (unsigned k = 0; k < n; k++) {
		const char *name = policy_names[k];

		put(b, "%s%s%s{%s", i, i, i, nl);
		put(b, "%s%s%s%s\"DefaultVersion\": \"v%u\",%s", i, i, i, i,
		    1 + rng_below(p->rng, 3), nl);
		put(b, "%s%s%s%s\"Description\": \"", i, i, i, i);
		put_filler(b, p->rng, 16 + rng_below(p->rng, 48));
		put(b, "\",%s", nl);
		put(b, "%s%s%s%s\"PolicyName\": \"%s\",%s", i, i, i, i, name, nl);
		if (p->broken == BROKEN_DUPLICATE_KEY && k == 0)
			put(b, "%s%s%s%s\"PolicyName\": \"%s\",%s", i, i, i, i,
			    name, nl);
		put(b, "%s%s%s%s\"AttachDate\": \"2025-03-01T08:%02u:00Z\",%s", i,
		    i, i, i, k % 60, nl);
		put(b, "%s%s%s%s\"PolicyType\": \"%s\"%s", i, i, i, i,
		    name[0] == 'd' ? "Custom" : "System", nl);
		put(b, "%s%s%s}%s%s", i, i, i, k + 1 < n ? "," : "", nl);
	}
	put(b, "%s%s]%s%s},%s%s\"RequestId\": \"", i, i, nl, i, nl, i);
	put_request_id(b, p->rng);
	put(b, "\"%s}%s", nl, nl);
}

static void
gen_configure(struct dp_buf *b, const struct doc_params *p)
{
	const char *i = p->indent, *nl = p->nl;
	char inst[13];

	make_hex(p->rng, inst, 12);
	put(b, "{%s%s\"RegionId\": \"cn-hangzhou\",%s", nl, i, nl);
	put(b, "%s\"DtsInstanceId\": \"dts%s\",%s", i, inst, nl);
	put(b, "%s\"DtsJobName\": \"job-%u-", i, p->index);
	put_filler(b, p->rng, p->pad / 4);
	put(b, "\",%s", nl);
	if (p->broken == BROKEN_DUPLICATE_KEY)
		put(b, "%s\"DtsJobName\": \"again\",%s", i, nl);
	put(b, "%s\"JobType\": \"SYNC\",%s", i, nl);
	put(b, "%s\"SynchronizationDirection\": \"Forward\",%s", i, nl);
	put(b, "%s\"SourceEndpointInstanceType\": \"RDS\",%s", i, nl);
	put(b, "%s\"SourceEndpointEngineName\": \"MYSQL\",%s", i, nl);
	put(b, "%s\"SourceEndpointInstanceID\": \"rm-%s\",%s", i, inst, nl);
	put(b, "%s\"SourceEndpointRegion\": \"cn-hangzhou\",%s", i, nl);
	put(b, "%s\"SourceEndpointUserName\": \"dtstest\",%s", i, nl);
	put(b, "%s\"SourceEndpointPassword\": \"Test%06u\",%s", i, p->index, nl);
	put(b, "%s\"SourceEndpointOwnerID\": \"", i);
	put_uid(b, p, p->owner_uid);
	put(b, "\",%s", nl);
	if (p->broken == BROKEN_ARN_AS_NAME)
		put(b, "%s\"SourceEndpointRole\": \"acs:ram::%s:role/%s\",%s",
		    i, p->owner_uid, p->role_name, nl);
	else
		put(b, "%s\"SourceEndpointRole\": \"%s\",%s", i, p->role_name,
		    nl);
	put(b, "%s\"DestinationEndpointInstanceType\": \"RDS\",%s", i, nl);
	put(b, "%s\"DestinationEndpointEngineName\": \"MYSQL\",%s", i, nl);
	put(b, "%s\"DestinationEndpointInstanceID\": \"rm-%s\",%s", i, inst, nl);
	put(b, "%s\"DestinationEndpointRegion\": \"cn-shanghai\",%s", i, nl);
	put(b, "%s\"DestinationEndpointUserName\": \"dtstest\",%s", i, nl);
	put(b, "%s\"DestinationEndpointPassword\": \"Test%06u\",%s", i,
	    p->index + 1, nl);
	put(b, "%s\"StructureInitialization\": true,%s", i, nl);
	put(b, "%s\"DataInitialization\": true,%s", i, nl);
	put(b, "%s\"DataSynchronization\": true,%s", i, nl);
	put(b, "%s\"DbList\": \"{\\\"orders\\\":{\\\"name\\\":\\\"orders\\\","
	    "\\\"all\\\":true}}\"%s}%s", i, nl, nl);
}

static void
put_endpoint(struct dp_buf *b, const struct doc_params *p, const char *which,
	     bool cross, const char *inst)
{
	const char *i = p->indent, *nl = p->nl;

	put(b, "%s\"%sEndpoint\": {%s", i, which, nl);
	put(b, "%s%s\"AliyunUid\": \"", i, i);
	if (cross)
		put_uid(b, p, p->owner_uid);
	put(b, "\",%s", nl);
	if (cross && p->broken == BROKEN_ARN_AS_NAME)
		put(b, "%s%s\"RoleName\": \"acs:ram::%s:role/%s\",%s", i, i,
		    p->owner_uid, p->role_name, nl);
	else
		put(b, "%s%s\"RoleName\": \"%s\",%s", i, i,
		    cross ? p->role_name : "", nl);
	put(b, "%s%s\"InstanceType\": \"RDS\",%s", i, i, nl);
	put(b, "%s%s\"EngineName\": \"MySQL\",%s", i, i, nl);
	put(b, "%s%s\"InstanceID\": \"rm-%s\",%s", i, i, inst, nl);
	put(b, "%s%s\"Region\": \"cn-hangzhou\",%s", i, i, nl);
	put(b, "%s%s\"Ip\": \"172.16.88.%u\",%s", i, i, 1 + rng_below(p->rng, 250),
	    nl);
	put(b, "%s%s\"Port\": \"3306\",%s", i, i, nl);
	put(b, "%s%s\"DatabaseName\": \"orders\",%s", i, i, nl);
	put(b, "%s%s\"UserName\": \"dtstest\",%s", i, i, nl);
	put(b, "%s%s\"OracleSID\": \"\",%s", i, i, nl);
	put(b, "%s%s\"SslSolutionEnum\": \"DISABLE\",%s", i, i, nl);
	put(b, "%s%s\"CanModifyPassword\": false%s", i, i, nl);
	put(b, "%s},%s", i, nl);
}

static void
gen_describe(struct dp_buf *b, const struct doc_params *p)
{
	const char *i = p->indent, *nl = p->nl;
	char job[13], inst[13];

	make_hex(p->rng, job, 12);
	make_hex(p->rng, inst, 12);
	put(b, "{%s%s\"RequestId\": \"", nl, i);
	put_request_id(b, p->rng);
	put(b, "\",%s", nl);
	put(b, "%s\"HttpStatusCode\": 200,%s%s\"Success\": true,%s", i, nl, i,
	    nl);
	put(b, "%s\"DtsInstanceID\": \"dtsi%s\",%s", i, job, nl);
	put(b, "%s\"DtsJobId\": \"%s\",%s", i, job, nl);
	if (p->broken == BROKEN_DUPLICATE_KEY)
		put(b, "%s\"DtsJobId\": \"%s\",%s", i, job, nl);
	put(b, "%s\"DtsJobName\": \"", i);
	put_filler(b, p->rng, 8 + p->pad / 4);
	put(b, "\",%s", nl);
	put(b, "%s\"DtsJobClass\": \"xlarge\",%s", i, nl);
	put(b, "%s\"DtsJobDirection\": \"Forward\",%s", i, nl);
	put(b, "%s\"SynchronizationDirection\": \"Forward\",%s", i, nl);
	put(b, "%s\"JobType\": \"sync\",%s", i, nl);
	put(b, "%s\"PayType\": \"PrePaid\",%s", i, nl);
	put(b, "%s\"Status\": \"Synchronizing\",%s", i, nl);
	put(b, "%s\"CreateTime\": \"2025-06-16T08:01:19Z\",%s", i, nl);
	put(b, "%s\"Checkpoint\": %u,%s", i, 1616405159u + p->index, nl);
	put(b, "%s\"Delay\": 0,%s", i, nl);
	put(b, "%s\"DbObject\": \"{\\\"orders\\\":{\\\"name\\\":\\\"orders\\\","
	    "\\\"all\\\":true}}\",%s", i, nl);
	put(b, "%s\"Reserved\": \"{\\\"srcNetType\\\":\\\"VPC\\\","
	    "\\\"destNetType\\\":\\\"VPC\\\"}\",%s", i, nl);
	put(b, "%s\"MigrationMode\": {%s", i, nl);
	put(b, "%s%s\"StructureInitialization\": true,%s", i, i, nl);
	put(b, "%s%s\"DataInitialization\": true,%s", i, i, nl);
	put(b, "%s%s\"DataSynchronization\": true%s%s},%s", i, i, nl, i, nl);
	put_endpoint(b, p, "Source", true, inst);
	put_endpoint(b, p, "Destination", false, job);
	put(b, "%s\"DataSynchronizationStatus\": {%s", i, nl);
	put(b, "%s%s\"Status\": \"Catched\",%s", i, i, nl);
	put(b, "%s%s\"Percent\": \"95\",%s", i, i, nl);
	put(b, "%s%s\"NeedUpgrade\": false,%s", i, i, nl);
	put(b, "%s%s\"ErrorMessage\": \"\"%s%s},%s", i, i, nl, i, nl);
	put(b, "%s\"RetryState\": {%s", i, nl);
	put(b, "%s%s\"Retrying\": false,%s", i, i, nl);
	put(b, "%s%s\"RetryCount\": 0,%s", i, i, nl);
	put(b, "%s%s\"RetryTarget\": \"srcDB\",%s", i, i, nl);
	put(b, "%s%s\"MaxRetryTime\": 7200,%s", i, i, nl);
	put(b, "%s%s\"JobId\": \"%s\"%s%s},%s", i, i, job, nl, i, nl);
	put(b, "%s\"SubSyncJob\": []%s}%s", i, nl, nl);
}

static void
gen_trust_file(struct dp_buf *b, const struct doc_params *p)
{
	struct dp_buf trust = {0};
	struct doc_params q = *p;

	/* A policy file has no description: it grows by statements. */
	q.statements = (unsigned) (p->pad / 250);
	put_trust(&trust, &q, "");
	if (p->broken == BROKEN_DUPLICATE_KEY && trust.len > 1) {
		/* "Version" twice: once more before the policy's own. */
		put(b, "{%s%s\"Version\": \"1\",", p->nl, p->indent);
		if (dp_buf_append(b, trust.data + 1, trust.len - 1) < 0)
			oom = 1;
	} else if (trust.len && dp_buf_append(b, trust.data, trust.len) < 0) {
		oom = 1;
	}
	put(b, "%s", p->nl);
	dp_buf_free(&trust);
}

static void
gen_doc(struct dp_buf *b, enum shape shape, const struct doc_params *p)
{
	switch (shape) {
	case SHAPE_GET_ROLE:
		gen_get_role(b, p);
		break;
	case SHAPE_POLICIES:
		gen_policies(b, p);
		break;
	case SHAPE_CONFIGURE:
		gen_configure(b, p);
		break;
	case SHAPE_DESCRIBE:
		gen_describe(b, p);
		break;
	case SHAPE_TRUST:
	case SHAPE__COUNT:
		gen_trust_file(b, p);
		break;
	}
}

/* ---- JSON-level breakage, applied to the finished text -------------- */

static void
insert_at(struct dp_buf *b, size_t at, const char *s, size_t len)
{
	if (dp_buf_append(b, s, len) < 0) { /* make room */
		oom = 1;
		return;
	}
	memmove(b->data + at + len, b->data + at, b->len - len - at);
	memcpy(b->data + at, s, len);
}

static void
break_text(struct dp_buf *b, struct rng *rng, enum breakage k)
{
	char *q1, *q2, *last;
	size_t at;

	switch (k) {
	case BROKEN_TRUNCATED:
		at = b->len / 4 + rng_below(rng, (unsigned) (b->len / 2));
		b->len = at;
		b->data[at] = '\0';
		break;
	case BROKEN_TRAILING_COMMA:
		last = strrchr(b->data, '}');
		for (at = (size_t) (last - b->data);
		     at > 0 && (b->data[at - 1] == ' ' || b->data[at - 1] == '\n');
		     at--)
			;
		insert_at(b, at, ",", 1);
		break;
	case BROKEN_SINGLE_QUOTES:
		q1 = strchr(b->data, '"');
		q2 = q1 ? strchr(q1 + 1, '"') : NULL;
		if (q2) {
			*q1 = '\'';
			*q2 = '\'';
		}
		break;
	case BROKEN_COMMENT:
		insert_at(b, 1, "\n// exported by hand", 20);
		break;
	case BROKEN_UTF16_BOM:
		insert_at(b, 0, "\xff\xfe", 2);
		break;
	case BROKEN_BAD_UTF8:
		q1 = strstr(b->data, "\": \"");
		if (q1)
			q1[4] = (char) 0xC3, q1[5] = '(';
		break;
	default:
		break;
	}
}

/* ---- files ---------------------------------------------------------- */

static int
write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int r = 0;

	if (!f)
		return -errno;
	if (len && fwrite(data, 1, len, f) != len)
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	return r;
}

static int
make_dir(const char *path)
{
	if (mkdir(path, 0777) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static enum shape
pick_shape(struct rng *rng)
{
	unsigned x = rng_below(rng, 100), acc = 0;

	for (unsigned s = 0; s < SHAPE__COUNT; s++) {
		acc += shape_weights[s];
		if (x < acc)
			return (enum shape) s;
	}
	return SHAPE_GET_ROLE;
}

static enum breakage
pick_breakage(struct rng *rng, enum shape shape)
{
	for (;;) {
		enum breakage k =
			(enum breakage) (1 + rng_below(rng, BROKEN__COUNT - 1));

		if (breakage_fits(k, shape))
			return k;
	}
}

/*
 * N small files in DIR/NNN/ (100 a directory), laid out as a repository
 * of setups: a task and an attachment list name the latest role of their
 * directory (so the file-stem association applies).  per_mille of them
 * are broken; MANIFEST.tsv says which, how and which rule must fire.
 */
static int
gen_small(const char *dir, unsigned n, uint64_t seed, unsigned per_mille)
{
	struct rng rng = {seed};
	struct dp_buf doc = {0}, manifest = {0}, path = {0};
	char owner[17], trusted[17], role[64] = "";
	unsigned long long total = 0;
	unsigned n_broken = 0, by_shape[SHAPE__COUNT] = {0};
	bool role_has_policies = false;
	int r;

	if ((r = make_dir(dir)) < 0)
		return r;
	make_uid(&rng, trusted);
	make_uid(&rng, owner);
	put(&manifest, "# path\tshape\tbroken\texpect\tbytes\n");
	for (unsigned f = 0; f < n; f++) {
		struct doc_params p = {.rng = &rng, .index = f,
				       .owner_uid = owner, .trusted = trusted,
				       .indent = "  ", .nl = "\n"};
		enum shape shape = pick_shape(&rng);
		size_t target = 512 + rng_below(&rng, 2560);
		bool broken = rng_below(&rng, 1000) < per_mille;

		if (f % FILES_PER_DIR == 0) {
			dp_buf_reset(&path);
			put(&path, "%s/%03u", dir, f / FILES_PER_DIR);
			if ((r = make_dir(path.data)) < 0)
				goto out;
			role[0] = '\0';
			make_uid(&rng, owner);
		}
		/* Every directory is a consistent setup, so that only the
		 * files broken on purpose get findings: it starts with a
		 * GetRole, each GetRole is followed by its role's attachment
		 * list, and a task names the latest role, exported with its
		 * attachments (a second list for it would be a task).  A
		 * broken role or list starts a new role. */
		if (!role[0])
			shape = SHAPE_GET_ROLE;
		else if (!role_has_policies)
			shape = SHAPE_POLICIES;
		else if (shape == SHAPE_POLICIES)
			shape = f % 2 ? SHAPE_CONFIGURE : SHAPE_DESCRIBE;
		if (shape == SHAPE_GET_ROLE)
			(void) snprintf(role, sizeof(role), "ram-for-dts-%u", f);
		if (shape == SHAPE_GET_ROLE)
			role_has_policies = false;
		else if (shape == SHAPE_POLICIES)
			role_has_policies = true;
		p.role_name = role;
		p.broken = broken ? pick_breakage(&rng, shape) : BROKEN_NONE;

		/* A first pass tells the natural size; the second pads. */
		dp_buf_reset(&doc);
		{
			struct rng probe = rng;

			p.rng = &probe;
			gen_doc(&doc, shape, &p);
		}
		p.rng = &rng;
		p.pad = doc.len < target ? target - doc.len : 0;
		dp_buf_reset(&doc);
		gen_doc(&doc, shape, &p);
		break_text(&doc, &rng, p.broken);

		dp_buf_reset(&path);
		if (shape == SHAPE_POLICIES)
			put(&path, "%s/%03u/%s.policies.json", dir,
			    f / FILES_PER_DIR, role);
		else if (shape == SHAPE_GET_ROLE)
			put(&path, "%s/%03u/%s.json", dir, f / FILES_PER_DIR,
			    role);
		else
			put(&path, "%s/%03u/%s-%05u.json", dir,
			    f / FILES_PER_DIR, shape_names[shape], f);
		if (oom) {
			r = -ENOMEM;
			goto out;
		}
		if ((r = write_file(path.data, doc.data, doc.len)) < 0)
			goto out;
		put(&manifest, "%s\t%s\t%s\t%s\t%zu\n",
		    path.data + strlen(dir) + 1, shape_names[shape],
		    breakages[p.broken].name, breakages[p.broken].rule, doc.len);
		total += doc.len;
		n_broken += p.broken != BROKEN_NONE;
		if (p.broken != BROKEN_NONE &&
		    (shape == SHAPE_GET_ROLE || shape == SHAPE_POLICIES))
			role[0] = '\0';
		by_shape[shape]++;
	}
	dp_buf_reset(&path);
	put(&path, "%s/MANIFEST.tsv", dir);
	if (oom) {
		r = -ENOMEM;
		goto out;
	}
	r = write_file(path.data, manifest.data, manifest.len);
	fprintf(stderr,
		"gen-corpus: %u files, %llu bytes (%.0f per file), %u broken "
		"(%.1f%%); shapes:",
		n, total, n ? (double) total / n : 0.0, n_broken,
		n ? 100.0 * n_broken / n : 0.0);
	for (unsigned s = 0; s < SHAPE__COUNT; s++)
		fprintf(stderr, " %s %u", shape_names[s], by_shape[s]);
	fputc('\n', stderr);
out:
	dp_buf_free(&doc);
	dp_buf_free(&manifest);
	dp_buf_free(&path);
	return r;
}

/* One JSON array of valid documents of every shape, at least mb MB. */
static int
gen_large(const char *file, unsigned mb, uint64_t seed)
{
	struct rng rng = {seed};
	struct dp_buf out = {0};
	char owner[17], trusted[17], role[64] = "ram-for-dts-0";
	size_t want = (size_t) mb * 1000 * 1000;
	unsigned n = 0;
	int r;

	make_uid(&rng, trusted);
	make_uid(&rng, owner);
	put(&out, "[\n");
	while (out.len < want && !oom) {
		struct doc_params p = {.rng = &rng, .index = n,
				       .owner_uid = owner, .trusted = trusted,
				       .role_name = role, .indent = "  ",
				       .nl = "\n"};
		enum shape shape = pick_shape(&rng);

		if (shape == SHAPE_GET_ROLE)
			(void) snprintf(role, sizeof(role), "ram-for-dts-%u", n);
		p.pad = rng_below(&rng, 1024);
		if (n)
			put(&out, ",\n");
		gen_doc(&out, shape, &p);
		/* Documents end with a newline; inside the array it is noise. */
		if (out.len && out.data[out.len - 1] == '\n')
			out.len--;
		n++;
	}
	put(&out, "\n]\n");
	if (oom) {
		dp_buf_free(&out);
		return -ENOMEM;
	}
	r = write_file(file, out.data, out.len);
	fprintf(stderr, "gen-corpus: %s: %u documents, %zu bytes\n", file, n,
		out.len);
	dp_buf_free(&out);
	return r;
}

/*
 * One setup of n roles and the n tasks that name them, as one file:
 * a JSON array of GetRole and ConfigureDtsJob documents, or a Terraform
 * plan (`terraform show -json`) of alicloud_ram_role,
 * alicloud_ram_role_policy_attachment and alicloud_dts_synchronization_job.
 */
static int
gen_roles(const char *file, unsigned n, uint64_t seed, bool terraform)
{
	struct rng rng = {seed};
	struct dp_buf out = {0}, trust = {0};
	char owner[17], trusted[17], role[64];
	int r;

	make_uid(&rng, trusted);
	make_uid(&rng, owner);
	if (terraform)
		put(&out, "{\n  \"format_version\": \"1.2\",\n"
			  "  \"terraform_version\": \"1.9.8\",\n"
			  "  \"planned_values\": {\n    \"root_module\": {\n"
			  "      \"resources\": [\n");
	else
		put(&out, "[\n");
	for (unsigned k = 0; k < n && !oom; k++) {
		struct doc_params p = {.rng = &rng, .index = k,
				       .owner_uid = owner, .trusted = trusted,
				       .role_name = role, .indent = "  ",
				       .nl = "\n"};

		(void) snprintf(role, sizeof(role), "ram-for-dts-%u", k);
		if (!terraform) {
			put(&out, "%s", k ? ",\n" : "");
			gen_get_role(&out, &p);
			put(&out, ",\n");
			gen_configure(&out, &p);
			continue;
		}
		dp_buf_reset(&trust);
		p.indent = "";
		p.nl = "";
		put_trust(&trust, &p, "");
		put(&out, "%s        {\n"
			  "          \"address\": \"alicloud_ram_role.r%u\",\n"
			  "          \"mode\": \"managed\",\n"
			  "          \"type\": \"alicloud_ram_role\",\n"
			  "          \"name\": \"r%u\",\n"
			  "          \"values\": {\n"
			  "            \"assume_role_policy_document\": \"",
		    k ? ",\n" : "", k, k);
		put_escaped(&out, trust.data ? trust.data : "", trust.len);
		put(&out, "\",\n            \"description\": \"role %u\",\n"
			  "            \"force\": true,\n"
			  "            \"role_name\": \"%s\"\n"
			  "          }\n        },\n", k, role);
		put(&out, "        {\n"
			  "          \"address\": "
			  "\"alicloud_ram_role_policy_attachment.a%u\",\n"
			  "          \"mode\": \"managed\",\n"
			  "          \"type\": "
			  "\"alicloud_ram_role_policy_attachment\",\n"
			  "          \"name\": \"a%u\",\n"
			  "          \"values\": {\n"
			  "            \"policy_name\": \"AliyunDTSRolePolicy\",\n"
			  "            \"policy_type\": \"System\",\n"
			  "            \"role_name\": \"%s\"\n"
			  "          }\n        },\n", k, k, role);
		put(&out, "        {\n"
			  "          \"address\": "
			  "\"alicloud_dts_synchronization_job.j%u\",\n"
			  "          \"mode\": \"managed\",\n"
			  "          \"type\": \"alicloud_dts_synchronization_job\",\n"
			  "          \"name\": \"j%u\",\n"
			  "          \"values\": {\n"
			  "            \"dts_job_name\": \"job-%u\",\n"
			  "            \"source_endpoint_instance_type\": \"RDS\",\n"
			  "            \"source_endpoint_engine_name\": \"MySQL\",\n"
			  "            \"source_endpoint_region\": \"cn-hangzhou\",\n"
			  "            \"source_endpoint_owner_id\": \"%s\",\n"
			  "            \"source_endpoint_role\": \"%s\",\n"
			  "            \"source_endpoint_password\": \"Test%06u\",\n"
			  "            \"destination_endpoint_instance_type\": \"RDS\",\n"
			  "            \"destination_endpoint_engine_name\": \"MySQL\",\n"
			  "            \"destination_endpoint_region\": \"cn-hangzhou\"\n"
			  "          }\n        }",
		    k, k, k, owner, role, k);
	}
	put(&out, terraform ? "\n      ]\n    }\n  }\n}\n" : "\n]\n");
	dp_buf_free(&trust);
	if (oom) {
		dp_buf_free(&out);
		return -ENOMEM;
	}
	r = write_file(file, out.data, out.len);
	dp_buf_free(&out);
	return r;
}

static void
usage(FILE *out)
{
	fputs("usage: dp-gen-corpus small DIR N [SEED [BROKEN-PER-MILLE]]\n"
	      "       dp-gen-corpus large FILE MB [SEED]\n"
	      "       dp-gen-corpus roles FILE N [SEED] [--terraform]\n"
	      "Writes a deterministic benchmark corpus (same seed, same bytes).\n"
	      "small: N exports of every shape in DIR/NNN/, BROKEN-PER-MILLE\n"
	      "  (default 80) of them broken; DIR/MANIFEST.tsv lists each file,\n"
	      "  its shape, how it is broken and which rule must report it.\n"
	      "large: one JSON array of valid exports of at least MB megabytes.\n"
	      "roles: one setup of N GetRole exports and N tasks naming them.\n",
	      out);
}

static int
number(const char *s, long max, long *ret)
{
	if (dp_parse_long(s, 0, max, ret) < 0) {
		fprintf(stderr, "dp-gen-corpus: not a number: '%s'\n", s);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	long n = 0, seed = 1, per_mille = 80;
	bool terraform = false;
	int r;

	if (argc >= 2 && strcmp(argv[argc - 1], "--terraform") == 0) {
		terraform = true;
		argc--;
	}
	if (argc < 4 || argc > 6) {
		usage(stderr);
		return 2;
	}
	if (number(argv[3], 100000000, &n) < 0 ||
	    (argc > 4 && number(argv[4], 0x7fffffffL, &seed) < 0) ||
	    (argc > 5 && number(argv[5], 1000, &per_mille) < 0))
		return 2;
	if (strcmp(argv[1], "small") == 0)
		r = gen_small(argv[2], (unsigned) n, (uint64_t) seed,
			      (unsigned) per_mille);
	else if (strcmp(argv[1], "large") == 0 && argc <= 5)
		r = gen_large(argv[2], (unsigned) n, (uint64_t) seed);
	else if (strcmp(argv[1], "roles") == 0 && argc <= 5)
		r = gen_roles(argv[2], (unsigned) n, (uint64_t) seed, terraform);
	else {
		usage(stderr);
		return 2;
	}
	if (r < 0) {
		fprintf(stderr, "dp-gen-corpus: cannot write '%s': %s\n", argv[2],
			strerror(-r));
		return 1;
	}
	return 0;
}
