/*
 * config_file.c - finds .dts-preflight.json upwards from the current
 * directory, reads it (every error with file:line:col, nothing of a bad
 * file applied) into the struct dp_cli the command line fills, and
 * merges it under the command line.  Waivers are read by waiver.c and
 * applied by filter.c; printing errors is app.c's business.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config_file.h"
#include "json.h"
#include "report.h"
#include "srcmap.h"
#include "util.h"
#include "waiver.h"

char *
dp_config_verror_at(struct dp_source *source, struct dp_span span,
		    const char *fmt, va_list ap)
{
	struct dp_location loc = {0, 0};
	struct dp_buf buf = {0};

	if (dp_srcmap_locate(source, span.start, &loc) < 0 ||
	    dp_buf_printf(&buf, "%s:%u:%u: ", source->path, loc.line,
			  loc.column) < 0 ||
	    dp_buf_vprintf(&buf, fmt, ap) < 0) {
		dp_buf_free(&buf);
		return NULL;
	}
	return dp_buf_steal(&buf);
}

char *
dp_config_error_at(struct dp_source *source, struct dp_span span,
		   const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = dp_config_verror_at(source, span, fmt, ap);
	va_end(ap);
	return msg;
}

/* ---- discovery ------------------------------------------------------- */

static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* "dir/name", or name alone when dir is ".". */
static char *
join(const char *dir, const char *name)
{
	if (strcmp(dir, ".") == 0)
		return dp_strdup(name);
	return dp_asprintf("%s%s%s", dir,
			   dir[strlen(dir) - 1] == '/' ? "" : "/", name);
}

int
dp_config_find(const char *start_dir, char **ret_path)
{
	char *dir = dp_strdup(start_dir);
	int r = 0;

	for (unsigned depth = 0; depth < DP_CONFIG_MAX_DEPTH; depth++) {
		char *candidate, *git, *parent;
		struct stat st, parent_st;
		bool stop;

		if (!dir)
			return -ENOMEM;
		candidate = join(dir, DP_CONFIG_NAME);
		git = join(dir, ".git");
		parent = join(dir, "..");
		if (!candidate || !git || !parent) {
			r = -ENOMEM;
			stop = true;
		} else if (stat(candidate, &st) == 0) {
			*ret_path = candidate;
			candidate = NULL;
			r = 1;
			stop = true;
		} else {
			/* The repository root, the filesystem root, or a
			 * directory we may not look into: nothing above
			 * counts. */
			stop = (errno != ENOENT && errno != ENOTDIR) ||
			       stat(git, &st) == 0 || stat(dir, &st) < 0 ||
			       stat(parent, &parent_st) < 0 ||
			       same_file(&st, &parent_st);
		}
		free(candidate);
		free(git);
		free(dir);
		dir = parent;
		if (stop)
			break;
	}
	free(dir);
	return r;
}

/* ---- reading --------------------------------------------------------- */

struct reader {
	struct dp_config *config;
	char *error;
};

static int
fail(struct reader *rd, struct dp_span span, const char *fmt, ...)
	DP_PRINTF(3, 4);

/* Records the error at span; -EINVAL (or -ENOMEM). */
static int
fail(struct reader *rd, struct dp_span span, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rd->error = dp_config_verror_at(rd->config->source, span, fmt, ap);
	va_end(ap);
	return rd->error ? -EINVAL : -ENOMEM;
}

/* The string of a member, or an error naming the key. */
static int
string_value(struct reader *rd, const struct dp_json_member *m,
	     const char **ret)
{
	const struct dp_json *v = m->value;

	if (v->kind != DP_JSON_STRING)
		return fail(rd, v->span, "\"%s\" must be a string", m->key);
	if (v->n == 0 || strlen(v->u.str) != v->n)
		return fail(rd, v->span, "\"%s\" must not be empty or hold a "
			    "NUL character", m->key);
	*ret = v->u.str;
	return 0;
}

static int
bool_value(struct reader *rd, const struct dp_json_member *m, bool *ret)
{
	if (m->value->kind != DP_JSON_TRUE && m->value->kind != DP_JSON_FALSE)
		return fail(rd, m->value->span, "\"%s\" must be true or false",
			    m->key);
	*ret = m->value->kind == DP_JSON_TRUE;
	return 0;
}

/* One of words (NULL-terminated); its index in *ret. */
static int
word_value(struct reader *rd, const struct dp_json_member *m,
	   const char *const *words, const char *known, size_t *ret)
{
	const char *s;
	int r = string_value(rd, m, &s);

	if (r < 0)
		return r;
	for (size_t i = 0; words[i]; i++)
		if (strcmp(s, words[i]) == 0) {
			*ret = i;
			return 0;
		}
	return fail(rd, m->value->span, "\"%s\" takes %s, not '%s'", m->key,
		    known, s);
}

/* A string or a list of strings: calls add() for each. */
static int
each_string(struct reader *rd, const struct dp_json_member *m,
	    int (*add)(struct reader *, const struct dp_json *, void *),
	    void *data)
{
	const struct dp_json *v = m->value;
	int r = 0;

	if (v->kind == DP_JSON_STRING)
		return add(rd, v, data);
	if (v->kind != DP_JSON_ARRAY)
		return fail(rd, v->span, "\"%s\" must be a string or a list of "
			    "strings", m->key);
	if (v->n > DP_CONFIG_MAX_LIST)
		return fail(rd, v->span, "\"%s\" holds more than %u entries",
			    m->key, DP_CONFIG_MAX_LIST);
	for (uint32_t i = 0; i < v->n && r == 0; i++) {
		const struct dp_json *item = v->u.items[i];

		if (item->kind != DP_JSON_STRING || item->n == 0 ||
		    strlen(item->u.str) != item->n)
			return fail(rd, item->span, "\"%s\" must be a list of "
				    "non-empty strings", m->key);
		r = add(rd, item, data);
	}
	return r;
}

static int
add_switch(struct reader *rd, const struct dp_json *item, void *data)
{
	struct dp_cli *s = &rd->config->settings;
	const bool *enable = data;
	size_t n = s->n_switches;
	struct dp_rule_switch *sw;
	struct dp_span *spans;

	if (item->n == 0)
		return fail(rd, item->span, "a rule pattern must not be empty");
	sw = realloc(s->switches, (n + 1) * sizeof(*sw));
	if (!sw)
		return -ENOMEM;
	s->switches = sw;
	spans = realloc(rd->config->switch_spans, (n + 1) * sizeof(*spans));
	if (!spans)
		return -ENOMEM;
	rd->config->switch_spans = spans;
	sw[n] = (struct dp_rule_switch){item->u.str, *enable};
	spans[n] = item->span;
	s->n_switches++;
	return 0;
}

static int
add_rules_dir(struct reader *rd, const struct dp_json *item, void *data)
{
	struct dp_cli *s = &rd->config->settings;
	const char **dirs = realloc(s->rules_dirs,
				    (s->n_rules_dirs + 1) * sizeof(*dirs));
	char *path;

	if (!dirs)
		return -ENOMEM;
	s->rules_dirs = dirs;
	path = item->u.str[0] == '/' ? dp_strdup(item->u.str)
				     : join(rd->config->dir, item->u.str);
	dirs[s->n_rules_dirs] = path ? dp_arena_strndup(rd->config->arena, path,
							strlen(path))
				     : NULL;
	free(path);
	if (!dirs[s->n_rules_dirs])
		return -ENOMEM;
	s->n_rules_dirs++;
	return 0;
}

static int
read_severity(struct reader *rd, const struct dp_json_member *m)
{
	struct dp_config *config = rd->config;
	struct dp_cli *s = &config->settings;
	const struct dp_json *v = m->value;

	if (v->kind != DP_JSON_OBJECT)
		return fail(rd, v->span, "\"severity\" must be an object "
			    "{\"RULE\": \"error\"|\"warning\"|\"info\", ...}");
	if (v->n > DP_CONFIG_MAX_LIST)
		return fail(rd, v->span, "\"severity\" holds more than %u "
			    "entries", DP_CONFIG_MAX_LIST);
	for (uint32_t i = 0; i < v->n; i++) {
		const struct dp_json_member *o = &v->u.members[i];
		struct dp_severity_override *ov;
		struct dp_span *spans;
		enum dp_severity sev;

		if (o->key_len == 0 || strlen(o->key) != o->key_len)
			return fail(rd, o->key_span, "a rule pattern must not be "
				    "empty");
		if (o->value->kind != DP_JSON_STRING ||
		    dp_severity_parse(o->value->u.str, &sev) < 0 ||
		    sev == DP_SEV_NONE)
			return fail(rd, o->value->span, "the severity of '%s' must "
				    "be \"error\", \"warning\" or \"info\"", o->key);
		ov = realloc(s->overrides, (s->n_overrides + 1) * sizeof(*ov));
		if (!ov)
			return -ENOMEM;
		s->overrides = ov;
		spans = realloc(config->override_spans,
				(s->n_overrides + 1) * sizeof(*spans));
		if (!spans)
			return -ENOMEM;
		config->override_spans = spans;
		ov[s->n_overrides].pattern = dp_strdup(o->key);
		ov[s->n_overrides].severity = sev;
		if (!ov[s->n_overrides].pattern)
			return -ENOMEM;
		spans[s->n_overrides] = o->key_span;
		s->n_overrides++;
	}
	return 0;
}

/* A whole number in [min, max] written as a JSON number. */
static int
number_value(struct reader *rd, const struct dp_json_member *m, long min,
	     long max, long *ret)
{
	if (m->value->kind != DP_JSON_NUMBER ||
	    dp_parse_long(m->value->u.str, min, max, ret) < 0)
		return fail(rd, m->value->span, "\"%s\" takes a whole number from "
			    "%ld to %ld", m->key, min, max);
	return 0;
}

/* max_file_size: bytes as a number, or "500K" / "64M" / "1G" as on the
 * command line. */
static int
size_value(struct reader *rd, const struct dp_json_member *m, size_t *ret)
{
	const long ceiling = (long) DP_MAX_FILE_SIZE_CEILING;
	const struct dp_json *v = m->value;
	char digits[32];
	long n, unit = 1;

	if (v->kind == DP_JSON_STRING && v->n > 0 && v->n < sizeof(digits) &&
	    strlen(v->u.str) == v->n) {
		memcpy(digits, v->u.str, v->n + 1);
		if (strchr("Kk", digits[v->n - 1]))
			unit = 1024;
		else if (strchr("Mm", digits[v->n - 1]))
			unit = 1024 * 1024;
		else if (strchr("Gg", digits[v->n - 1]))
			unit = 1024 * 1024 * 1024;
		if (unit > 1)
			digits[v->n - 1] = '\0';
		if (dp_parse_long(digits, 1, ceiling / unit, &n) == 0) {
			*ret = (size_t) (n * unit);
			return 0;
		}
	} else if (v->kind == DP_JSON_NUMBER &&
		   dp_parse_long(v->u.str, 1, ceiling, &n) == 0) {
		*ret = (size_t) n;
		return 0;
	}
	return fail(rd, v->span, "\"max_file_size\" takes a size from 1 byte "
		    "to 2G (a number of bytes, or like \"500K\", \"64M\" or "
		    "\"1G\")");
}

static int
read_member(struct reader *rd, const struct dp_json_member *m)
{
	static const char *const levels[] = {"none", "info", "warning", "error",
					     NULL};
	static const char *const colors[] = {"auto", "always", "never", NULL};
	static const char *const langs[] = {"en", "zh", NULL};
	static const bool yes = true, no = false;
	struct dp_config *config = rd->config;
	struct dp_cli *s = &config->settings;
	const char *text;
	size_t index;
	long n;
	int r;

	if (strcmp(m->key, "creator_uid") == 0)
		return string_value(rd, m, &s->creator_uid);
	if (strcmp(m->key, "enable") == 0)
		return each_string(rd, m, add_switch, (void *) &yes);
	if (strcmp(m->key, "disable") == 0)
		return each_string(rd, m, add_switch, (void *) &no);
	if (strcmp(m->key, "severity") == 0)
		return read_severity(rd, m);
	if (strcmp(m->key, "rules_dir") == 0)
		return each_string(rd, m, add_rules_dir, NULL);
	if (strcmp(m->key, "fail_on") == 0) {
		r = word_value(rd, m, levels, "error, warning, info or none",
			       &index);
		s->fail_on = (enum dp_severity) index;
		s->fail_on_given = r == 0;
		return r;
	}
	if (strcmp(m->key, "color") == 0) {
		r = word_value(rd, m, colors, "auto, always or never", &index);
		s->color = (enum dp_color) index;
		s->color_given = r == 0;
		return r;
	}
	if (strcmp(m->key, "lang") == 0) {
		r = word_value(rd, m, langs, "en or zh", &index);
		s->lang = (enum dp_lang) index;
		s->lang_given = r == 0;
		return r;
	}
	if (strcmp(m->key, "format") == 0) {
		const char *const *formats = dp_report_formats();
		struct dp_buf known = {0};

		if ((r = string_value(rd, m, &text)) < 0)
			return r;
		for (size_t i = 0; formats[i]; i++)
			if (strcmp(text, formats[i]) == 0) {
				s->format = formats[i];
				config->format_given = true;
				return 0;
			}
		for (size_t i = 0; formats[i]; i++)
			if (dp_buf_printf(&known, "%s%s", i ? ", " : "",
					  formats[i]) < 0) {
				dp_buf_free(&known);
				return -ENOMEM;
			}
		r = fail(rd, m->value->span, "unknown format '%s' (known: %s)",
			 text, known.data ? known.data : "");
		dp_buf_free(&known);
		return r;
	}
	if (strcmp(m->key, "max_file_size") == 0)
		return size_value(rd, m, &s->max_file_size);
	if (strcmp(m->key, "max_depth") == 0) {
		r = number_value(rd, m, 1, DP_JSON_MAX_DEPTH_CEILING, &n);
		s->max_depth = r == 0 ? (unsigned) n : 0;
		return r;
	}
	if (strcmp(m->key, "max_findings") == 0) {
		r = number_value(rd, m, 0, LONG_MAX, &n);
		s->max_findings = r < 0 ? 0 : n ? (size_t) n : SIZE_MAX;
		return r;
	}
	if (strcmp(m->key, "quiet") == 0)
		return bool_value(rd, m, &s->quiet);
	if (strcmp(m->key, "no_waivers") == 0)
		return bool_value(rd, m, &s->no_waivers);
	if (strcmp(m->key, "baseline") == 0) {
		char *path;

		if ((r = string_value(rd, m, &text)) < 0)
			return r;
		path = text[0] == '/' ? dp_strdup(text) : join(config->dir, text);
		s->baseline = path ? dp_arena_strndup(config->arena, path,
						      strlen(path))
				   : NULL;
		free(path);
		return s->baseline ? 0 : -ENOMEM;
	}
	if (strcmp(m->key, "waivers") == 0) {
		char *msg = NULL;

		r = dp_waivers_parse(config->source, m->value, &config->waivers,
				     &msg);
		if (r == -EINVAL)
			rd->error = msg;
		else
			free(msg);
		config->waivers.dir = config->dir;
		return r;
	}
	return fail(rd, m->key_span, "unknown key \"%s\" (known: baseline, "
		    "color, creator_uid, disable, enable, fail_on, format, lang, "
		    "max_depth, max_file_size, max_findings, no_waivers, quiet, "
		    "rules_dir, severity, waivers)", m->key);
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return dp_strdup(".");
	if (slash == path)
		return dp_strdup("/");
	return strndup(path, (size_t) (slash - path));
}

int
dp_config_load(const char *path, struct dp_config **ret_config,
	       char **reterr_msg)
{
	struct dp_config *config = calloc(1, sizeof(*config));
	struct reader rd = {.config = config};
	const struct dp_doc *doc;
	int r;

	*reterr_msg = NULL;
	if (!config)
		return -ENOMEM;
	config->settings.fail_on = DP_SEV_WARNING;
	config->path = dp_strdup(path);
	config->dir = dir_of(path);
	config->arena = dp_arena_new();
	if (!config->path || !config->dir || !config->arena) {
		r = -ENOMEM;
		goto out;
	}
	r = dp_source_read(path, DP_CONFIG_MAX_SIZE, &config->source);
	if (r < 0)
		goto out;
	r = dp_doc_parse(config->source, NULL, &config->doc);
	if (r < 0)
		goto out;
	doc = config->doc;
	if (doc->n_diags > 0) {
		r = fail(&rd, doc->diags[0].span, "%s", doc->diags[0].msg);
		goto out;
	}
	if (!doc->root || doc->root->kind != DP_JSON_OBJECT) {
		r = fail(&rd, doc->root ? doc->root->span : (struct dp_span){0, 0},
			 "a config file is one JSON object {\"key\": value, ...}");
		goto out;
	}
	for (uint32_t i = 0; i < doc->root->n && r == 0; i++)
		r = read_member(&rd, &doc->root->u.members[i]);
out:
	if (r < 0) {
		if (r == -EINVAL)
			*reterr_msg = rd.error;
		else
			free(rd.error);
		dp_config_free(config);
		return r;
	}
	*ret_config = config;
	return 0;
}

/* ---- using it -------------------------------------------------------- */

static int
check_pattern(const struct dp_config *config, const struct dp_ruleset *set,
	      const char *pattern, struct dp_span span, char **reterr_msg)
{
	for (size_t i = 0; i < set->n_rules; i++)
		if (dp_rule_pattern_matches(set->rules[i], pattern))
			return 0;
	*reterr_msg = dp_config_error_at(config->source, span, "no rule matches "
					 "'%s' (see 'dts-preflight rules')",
					 pattern);
	return *reterr_msg ? -EINVAL : -ENOMEM;
}

int
dp_config_check_rules(const struct dp_config *config,
		      const struct dp_ruleset *set, char **reterr_msg)
{
	const struct dp_cli *s = &config->settings;
	int r = 0;

	*reterr_msg = NULL;
	for (size_t i = 0; i < s->n_switches && r == 0; i++)
		r = check_pattern(config, set, s->switches[i].pattern,
				  config->switch_spans[i], reterr_msg);
	for (size_t i = 0; i < s->n_overrides && r == 0; i++)
		r = check_pattern(config, set, s->overrides[i].pattern,
				  config->override_spans[i], reterr_msg);
	for (size_t i = 0; i < config->waivers.n && r == 0; i++)
		r = check_pattern(config, set, config->waivers.items[i].rule,
				  config->waivers.items[i].rule_span, reterr_msg);
	return r;
}

/* first[0..n_first) then second[0..n_second) in a new array. */
static void *
concat(const void *first, size_t n_first, const void *second, size_t n_second,
       size_t size)
{
	char *all = calloc(n_first + n_second + 1, size);

	if (!all)
		return NULL;
	if (n_first)
		memcpy(all, first, n_first * size);
	if (n_second)
		memcpy(all + n_first * size, second, n_second * size);
	return all;
}

int
dp_config_apply(const struct dp_config *config, struct dp_cli *cli)
{
	const struct dp_cli *s = &config->settings;
	struct dp_rule_switch *switches;
	struct dp_severity_override *overrides;
	const char **dirs;
	size_t n_overrides = s->n_overrides + cli->n_overrides;

	switches = concat(s->switches, s->n_switches, cli->switches,
			  cli->n_switches, sizeof(*switches));
	overrides = concat(s->overrides, s->n_overrides, cli->overrides,
			   cli->n_overrides, sizeof(*overrides));
	dirs = concat(s->rules_dirs, s->n_rules_dirs, cli->rules_dirs,
		      cli->n_rules_dirs, sizeof(*dirs));
	if (!switches || !overrides || !dirs)
		goto nomem;
	/* The overrides own their patterns (dp_cli_done frees them). */
	for (size_t i = 0; i < s->n_overrides; i++)
		overrides[i].pattern = NULL;
	for (size_t i = 0; i < s->n_overrides; i++) {
		overrides[i].pattern = dp_strdup(s->overrides[i].pattern);
		if (!overrides[i].pattern)
			goto nomem;
	}
	free(cli->switches);
	cli->switches = switches;
	cli->n_switches += s->n_switches;
	free(cli->overrides);
	cli->overrides = overrides;
	cli->n_overrides = n_overrides;
	free(cli->rules_dirs);
	cli->rules_dirs = dirs;
	cli->n_rules_dirs += s->n_rules_dirs;

	if (!cli->fail_on_given && s->fail_on_given)
		cli->fail_on = s->fail_on;
	if (!cli->color_given && s->color_given)
		cli->color = s->color;
	if (!cli->lang_given && s->lang_given)
		cli->lang = s->lang;
	if (!cli->format && config->format_given &&
	    cli->command == DP_CMD_CHECK)
		cli->format = s->format;
	if (!cli->creator_uid)
		cli->creator_uid = s->creator_uid;
	if (!cli->baseline)
		cli->baseline = s->baseline;
	if (!cli->max_file_size)
		cli->max_file_size = s->max_file_size;
	if (!cli->max_depth)
		cli->max_depth = s->max_depth;
	if (!cli->max_findings)
		cli->max_findings = s->max_findings;
	cli->quiet = cli->quiet || s->quiet;
	cli->no_waivers = cli->no_waivers || s->no_waivers;
	return 0;
nomem:
	if (overrides)
		for (size_t i = 0; i < s->n_overrides; i++)
			free((char *) overrides[i].pattern);
	free(switches);
	free(overrides);
	free(dirs);
	return -ENOMEM;
}

void
dp_config_free(struct dp_config *config)
{
	if (!config)
		return;
	dp_waivers_done(&config->waivers);
	dp_cli_done(&config->settings);
	free(config->switch_spans);
	free(config->override_spans);
	dp_doc_free(config->doc);
	dp_source_free(config->source);
	dp_arena_free(config->arena);
	free(config->path);
	free(config->dir);
	free(config);
}
