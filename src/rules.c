/*
 * rules.c - loads rule files and tables from rules/ and validates them;
 * compiles each rule's selection and patterns once.  It does not evaluate
 * rules (engine.c) nor print anything.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "rules.h"

static const char *const severity_names[] = {
	[DP_SEV_NONE] = "none",
	[DP_SEV_INFO] = "info",
	[DP_SEV_WARNING] = "warning",
	[DP_SEV_ERROR] = "error",
};

const char *
dp_severity_name(enum dp_severity severity)
{
	if ((unsigned)severity >= sizeof(severity_names) / sizeof(*severity_names))
		return "?";
	return severity_names[severity];
}

int
dp_severity_parse(const char *name, enum dp_severity *ret)
{
	for (size_t i = 0; i < sizeof(severity_names) / sizeof(*severity_names); i++) {
		if (strcasecmp(name, severity_names[i]) == 0) {
			*ret = (enum dp_severity)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *
dp_text_get(const struct dp_text *text, enum dp_lang lang)
{
	if ((unsigned)lang < DP_LANG__COUNT && text->s[lang])
		return text->s[lang];
	return text->s[DP_LANG_EN] ? text->s[DP_LANG_EN] : "";
}
