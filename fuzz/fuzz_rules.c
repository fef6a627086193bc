/*
 * fuzz_rules.c - libFuzzer harness for the rule loader: any bytes as a
 * --rules-dir rule file either load or give one "file:line:col: what"
 * error and leave the set as it was; rules that load are then run over
 * a fixed setup (a role, its trust policy and a DTS task), so that the
 * compiled selections, conditions, patterns (under their PCRE2 limits)
 * and message templates all meet real values.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "report.h"
#include "run.h"

static const char role_json[] =
	"{\"Role\": {\"RoleName\": \"acs:ram::1234567890123456:role/x\","
	" \"Arn\": \"acs:ram::1234567890123456:role/ram-for-dts\","
	" \"AssumeRolePolicyDocument\": \"{\\\"Statement\\\": [{\\\"Action\\\":"
	" \\\"sts:AssumeRole\\\", \\\"Effect\\\": \\\"Allow\\\","
	" \\\"Principal\\\": {\\\"RAM\\\": [\\\"acs:ram::99:root\\\"],"
	" \\\"Service\\\": [\\\"dts.aliyuncs.com\\\"]}}],"
	" \\\"Version\\\": \\\"1\\\"}\"}}";

static const char job_json[] =
	"{\"DtsJobId\": \"dtsxyz\", \"SourceEndpoint\": {\"InstanceType\":"
	" \"RDS\", \"EngineName\": \"MySQL\", \"Region\": \"cn-hangzhou\","
	" \"AliyunUid\": \"1234567890123456\", \"RoleName\": \"ram-for-dts\"},"
	" \"DestinationEndpoint\": {\"InstanceType\": \"PolarDB\","
	" \"EngineName\": \"MySQL\", \"Region\": \"cn-beijing\"}}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dp_ruleset *set = dp_ruleset_new();
	struct dp_run_options options = {.creator_uid = "1234567890123456"};
	struct dp_run *run = NULL;
	struct dp_report report;
	char *msg = NULL;
	int r;

	if (!set)
		return 0;
	r = dp_ruleset_load_buffer(set, "fuzz-rules.json", (const char *) data,
				   size, &msg);
	if (r == -ENOMEM)
		goto out;
	if (r < 0) {
		/* "fuzz-rules.json:LINE:COL: what", and nothing applied. */
		FUZZ_ASSERT(r == -EINVAL);
		if (!fuzz_has_position(msg, "fuzz-rules.json"))
			fprintf(stderr, "no file:line:col in '%s'\n", msg);
		FUZZ_ASSERT(fuzz_has_position(msg, "fuzz-rules.json"));
		FUZZ_ASSERT(set->n_rules == 0 && set->n_regexes == 0);
		goto out;
	}
	FUZZ_ASSERT(!msg);
	if (set->n_rules == 0)
		goto out;
	if (dp_run_new(set, &options, &run) < 0 ||
	    dp_run_add_buffer(run, "role.json", role_json, strlen(role_json),
			      true) < 0 ||
	    dp_run_add_buffer(run, "job.json", job_json, strlen(job_json),
			      true) < 0)
		goto out;
	r = dp_run_finish(run, &msg);
	FUZZ_ASSERT(r == 0 || r == -ENOMEM || r == -E2BIG);
	if (r == 0 || r == -E2BIG) {
		dp_run_report(run, &report);
		r = dp_report_write("text", fuzz_devnull(), &report);
		FUZZ_ASSERT(r == 0 || r == -ENOMEM);
	}
out:
	free(msg);
	dp_run_free(run);
	dp_ruleset_free(set);
	return 0;
}
