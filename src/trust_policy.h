/*
 * trust_policy.h - `dts-preflight trust-policy --trust UID`: the trust
 * policy a cross-account role needs for a task-creator account, from the
 * template in rules/tables/trust-policy.json, after checking the UID with
 * the catalog's own rules on account IDs.
 *
 * Ownership: borrows the ruleset; writes to the streams it is given.
 */
#ifndef DP_TRUST_POLICY_H
#define DP_TRUST_POLICY_H

#include <stdbool.h>
#include <stdio.h>

#include "rules.h"

/*
 * Checks uid with every enabled rule of set that looks at the creator
 * UID (DP101-DP103 as shipped).  When none reports an error or warning,
 * writes the trust policy for uid to out and, unless advice is NULL,
 * which policies to attach (vpc: also for Express Connect/VPN Gateway/
 * Smart Access Gateway) to advice.  Texts in lang.
 * Returns 0; -EINVAL when uid is not a valid account ID, with *reterr_msg
 * (malloc'd) saying why and what to enter; -ENOENT when the ruleset has
 * no trust-policy table; -EIO when a stream fails; -ENOMEM.
 */
int dp_trust_policy_write(FILE *out, FILE *advice, const struct dp_ruleset *set,
			  const char *uid, bool vpc, enum dp_lang lang,
			  char **reterr_msg);

#endif /* DP_TRUST_POLICY_H */
