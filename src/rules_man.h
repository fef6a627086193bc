/*
 * rules_man.h - dts-preflight-rules(7), generated from the loaded rule
 * catalog (`dts-preflight rules --format man`, run by the build), so the
 * page can never describe rules that differ from rules/.
 *
 * Ownership: borrows the ruleset; writes to the stream it is given.
 */
#ifndef DP_RULES_MAN_H
#define DP_RULES_MAN_H

#include <stdio.h>

#include "rules.h"

/* Writes the page for every rule of set (English texts) to out, for
 * version.  0, -EIO when out fails, -ENOMEM. */
int dp_rules_write_man(FILE *out, const struct dp_ruleset *set,
		       const char *version);

#endif /* DP_RULES_MAN_H */
