/* Retention policies: parsing, saved policies, and the keep rules. */
#include "gc_internal.h"
#include "jvs/duration.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/json.h"
#include "jvs/worktree.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const why_names[JVS_GC_WHY__COUNT] = {
    "head",   "latest", "pin",    "intent",  "lineage", "tagged", "recent", "last",
    "hourly", "daily",  "weekly", "monthly", "yearly",  "within", "tag",
};

const char *jvs_gc_why_name(unsigned bit)
{
	for (int i = 0; i < JVS_GC_WHY__COUNT; i++)
		if (bit == 1u << i)
			return why_names[i];
	return "?";
}

void jvs_gc_policy_clear(jvs_gc_policy *p)
{
	jvs_strv_free(p->keep_tags, p->nkeep_tags);
	memset(p, 0, sizeof *p);
}

int jvs_gc_policy_is_default(const jvs_gc_policy *p)
{
	return !p->keep_last && !p->keep_hourly && !p->keep_daily && !p->keep_weekly &&
	       !p->keep_monthly && !p->keep_yearly && !p->keep_within[0] && !p->nkeep_tags &&
	       !p->keep_tagged;
}

int jvs_gc_policy_add_tag(jvs_gc_policy *p, const char *tag)
{
	size_t at = 0;
	char **nv;
	if (jvs_tag_validate(tag) < 0)
		return -1;
	while (at < p->nkeep_tags && strcmp(p->keep_tags[at], tag) < 0)
		at++;
	if (at < p->nkeep_tags && !strcmp(p->keep_tags[at], tag))
		return 0;
	nv = realloc(p->keep_tags, (p->nkeep_tags + 1) * sizeof *nv);
	if (!nv)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	p->keep_tags = nv;
	memmove(nv + at + 1, nv + at, (p->nkeep_tags - at) * sizeof *nv);
	if (!(nv[at] = strdup(tag))) {
		memmove(nv + at, nv + at + 1, (p->nkeep_tags - at) * sizeof *nv);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	p->nkeep_tags++;
	return 0;
}

int jvs_gc_policy_set_within(jvs_gc_policy *p, const char *duration)
{
	jvs_duration d;
	if (jvs_duration_parse(duration, &d) < 0)
		return -1;
	if (strlen(duration) >= sizeof p->keep_within)
		return jvs_error_set(JVS_E_USAGE, "duration '%s' is too long", duration);
	snprintf(p->keep_within, sizeof p->keep_within, "%s", duration);
	return 0;
}

int jvs_gc__policy_copy(jvs_gc_policy *dst, const jvs_gc_policy *src)
{
	*dst = *src;
	dst->keep_tags = NULL;
	dst->nkeep_tags = 0;
	for (size_t i = 0; i < src->nkeep_tags; i++)
		if (jvs_gc_policy_add_tag(dst, src->keep_tags[i]) < 0) {
			jvs_gc_policy_clear(dst);
			return -1;
		}
	return 0;
}

static const struct {
	const char *key;
	size_t off;
} counts[] = {
    {"keep_last", offsetof(jvs_gc_policy, keep_last)},
    {"keep_hourly", offsetof(jvs_gc_policy, keep_hourly)},
    {"keep_daily", offsetof(jvs_gc_policy, keep_daily)},
    {"keep_weekly", offsetof(jvs_gc_policy, keep_weekly)},
    {"keep_monthly", offsetof(jvs_gc_policy, keep_monthly)},
    {"keep_yearly", offsetof(jvs_gc_policy, keep_yearly)},
};
#define NCOUNTS (sizeof counts / sizeof *counts)

static int *count_field(jvs_gc_policy *p, size_t i)
{
	return (int *)((char *)p + counts[i].off);
}

static int count_value(const jvs_gc_policy *p, size_t i)
{
	return *(const int *)((const char *)p + counts[i].off);
}

json_t *jvs_gc_policy_to_json(const jvs_gc_policy *p)
{
	json_t *j = json_object();
	if (!j)
		return NULL;
	for (size_t i = 0; i < NCOUNTS; i++)
		if (count_value(p, i))
			json_object_set_new(j, counts[i].key, json_integer(count_value(p, i)));
	if (p->keep_within[0])
		json_object_set_new(j, "keep_within", json_string(p->keep_within));
	if (p->nkeep_tags) {
		json_t *a = json_array();
		for (size_t i = 0; a && i < p->nkeep_tags; i++)
			json_array_append_new(a, json_string(p->keep_tags[i]));
		json_object_set_new(j, "keep_tags", a);
	}
	if (p->keep_tagged)
		json_object_set_new(j, "keep_tagged", json_true());
	return j;
}

static int add_tags_json(jvs_gc_policy *p, const json_t *v)
{
	size_t i;
	json_t *t;
	if (json_is_string(v))
		return jvs_gc_policy_add_tag(p, json_string_value(v));
	if (!json_is_array(v))
		return jvs_error_set(JVS_E_USAGE, "keep_tags must be a list of tags");
	json_array_foreach(v, i, t)
	{
		if (!json_is_string(t))
			return jvs_error_set(JVS_E_USAGE, "keep_tags must be a list of tags");
		if (jvs_gc_policy_add_tag(p, json_string_value(t)) < 0)
			return -1;
	}
	return 0;
}

int jvs_gc_policy_from_json(const json_t *j, jvs_gc_policy *out)
{
	const char *key;
	json_t *v;
	memset(out, 0, sizeof *out);
	if (!json_is_object(j))
		return jvs_error_set(JVS_E_USAGE, "a gc policy must be a JSON object");
	json_object_foreach((json_t *)j, key, v)
	{
		size_t i;
		for (i = 0; i < NCOUNTS; i++)
			if (!strcmp(key, counts[i].key))
				break;
		if (i < NCOUNTS) {
			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) > 1000000)
				goto bad;
			*count_field(out, i) = (int)json_integer_value(v);
		} else if (!strcmp(key, "keep_within")) {
			if (!json_is_string(v) ||
			    jvs_gc_policy_set_within(out, json_string_value(v)) < 0)
				goto bad;
		} else if (!strcmp(key, "keep_tags") || !strcmp(key, "keep_tag")) {
			if (add_tags_json(out, v) < 0)
				goto bad;
		} else if (!strcmp(key, "keep_tagged")) {
			if (!json_is_boolean(v))
				goto bad;
			out->keep_tagged = json_is_true(v);
		} else {
			jvs_gc_policy_clear(out);
			jvs_error_set(JVS_E_USAGE, "unknown gc policy setting '%s'", key);
			return jvs_error_hint(
			    "settings: keep_last, keep_hourly, keep_daily, "
			    "keep_weekly, keep_monthly, keep_yearly, keep_within, "
			    "keep_tags, keep_tagged");
		}
		continue;
	bad:
		jvs_gc_policy_clear(out);
		return jvs_error_set(JVS_E_USAGE, "gc policy setting '%s' has a bad value", key);
	}
	return 0;
}

int jvs_gc_policy_load_named(const jvs_repo *repo, const char *name, jvs_gc_policy *p)
{
	char *path = jvs_repo_path(repo, "config.json");
	json_t *cfg = NULL, *pols, *entry;
	jvs_gc_policy saved;
	int rc = -1;
	if (!path)
		return -1;
	if (jvs_json_load_file(path, JVS_E_DESCRIPTOR_CORRUPT, &cfg) < 0)
		goto done;
	pols = json_object_get(cfg, "gc_policies");
	entry = json_object_get(pols, name);
	if (!json_is_object(pols) || !entry) {
		char names[400] = "";
		size_t used = 0;
		const char *k;
		json_t *v;
		if (json_is_object(pols))
			json_object_foreach(pols, k, v)
			{
				if (used < sizeof names)
					used += (size_t)snprintf(names + used, sizeof names - used,
					                         "%s%s", used ? ", " : "", k);
				(void)v;
			}
		jvs_error_set(JVS_E_NOT_FOUND, "no gc policy named '%s'", name);
		if (used)
			jvs_error_hint("saved policies: %s", names);
		else
			jvs_error_hint("save one in .jvs/config.json under \"gc_policies\" (see "
			               "jvs-gc-plan(1))");
		goto done;
	}
	if (jvs_gc_policy_from_json(entry, &saved) < 0) {
		jvs_error_set(JVS_E_USAGE, "gc policy '%s' in config.json: %s", name,
		              jvs_error_last()->message);
		goto done;
	}
	for (size_t i = 0; i < NCOUNTS; i++)
		if (!count_value(p, i))
			*count_field(p, i) = count_value(&saved, i);
	if (!p->keep_within[0])
		memcpy(p->keep_within, saved.keep_within, sizeof p->keep_within);
	p->keep_tagged |= saved.keep_tagged;
	for (size_t i = 0; i < saved.nkeep_tags; i++)
		if (jvs_gc_policy_add_tag(p, saved.keep_tags[i]) < 0) {
			jvs_gc_policy_clear(&saved);
			goto done;
		}
	snprintf(p->name, sizeof p->name, "%s", name);
	jvs_gc_policy_clear(&saved);
	rc = 0;
done:
	json_decref(cfg);
	free(path);
	return rc;
}

char *jvs_gc_policy_describe(const jvs_gc_policy *p)
{
	char buf[2048];
	size_t used = 0;
	buf[0] = '\0';
#define ADD(...)                                                                                   \
	do {                                                                                       \
		if (used < sizeof buf)                                                             \
			used += (size_t)snprintf(buf + used, sizeof buf - used, __VA_ARGS__);      \
	} while (0)
	if (jvs_gc_policy_is_default(p))
		ADD("default (keep ancestors of kept snapshots, tagged ones and those younger "
		    "than 24 hours)");
	for (size_t i = 0; i < NCOUNTS; i++)
		if (count_value(p, i))
			ADD("%s--keep-%s %d", used ? " " : "", counts[i].key + 5,
			    count_value(p, i));
	if (p->keep_within[0])
		ADD("%s--keep-within %s", used ? " " : "", p->keep_within);
	for (size_t i = 0; i < p->nkeep_tags; i++)
		ADD("%s--keep-tag %s", used ? " " : "", p->keep_tags[i]);
	if (p->keep_tagged)
		ADD("%s--keep-tagged", used ? " " : "");
	if (p->name[0])
		ADD(" (policy %s)", p->name);
#undef ADD
	return jvs_strf("%s", buf);
}

/* ---- keep rules ---- */

static int64_t created_ms(const jvs_descriptor *d)
{
	int64_t ms;
	if (jvs_parse_time_ms(d->created_at, &ms) == 0)
		return ms;
	return jvs_id_ms(d->snapshot_id);
}

typedef enum { B_LAST, B_HOURLY, B_DAILY, B_WEEKLY, B_MONTHLY, B_YEARLY, B_COUNT } bucket_kind;

static int64_t iso_week_key(const struct tm *tm)
{
	char buf[16];
	strftime(buf, sizeof buf, "%G%V", tm);
	return strtoll(buf, NULL, 10);
}

static int64_t bucket_key(bucket_kind k, const struct tm *tm, size_t index)
{
	int64_t y = tm->tm_year + 1900, m = tm->tm_mon + 1;
	switch (k) {
	case B_LAST:
		return (int64_t)index;
	case B_HOURLY:
		return ((y * 100 + m) * 100 + tm->tm_mday) * 100 + tm->tm_hour;
	case B_DAILY:
		return (y * 100 + m) * 100 + tm->tm_mday;
	case B_WEEKLY:
		return iso_week_key(tm);
	case B_MONTHLY:
		return y * 100 + m;
	default:
		return y;
	}
}

int jvs_gc__retain(const jvs_catalog *cat, const jvs_gc_policy *p, int64_t now_ms, unsigned *why)
{
	static const unsigned bucket_why[B_COUNT] = {
	    JVS_GC_WHY_LAST,   JVS_GC_WHY_HOURLY,  JVS_GC_WHY_DAILY,
	    JVS_GC_WHY_WEEKLY, JVS_GC_WHY_MONTHLY, JVS_GC_WHY_YEARLY,
	};
	int left[B_COUNT];
	int64_t last[B_COUNT], within_after = 0, newest = 0;
	int have_last[B_COUNT] = {0}, within = 0;

	if (jvs_gc_policy_is_default(p)) {
		for (size_t i = 0; i < cat->n; i++) {
			if (cat->d[i].ntags)
				why[i] |= JVS_GC_WHY_TAGGED;
			if (created_ms(&cat->d[i]) > now_ms - JVS_GC_RECENT_MS)
				why[i] |= JVS_GC_WHY_RECENT;
		}
		return 0;
	}
	for (size_t b = 0; b < B_COUNT; b++)
		left[b] = count_value(p, b);
	if (p->keep_within[0]) {
		jvs_duration d;
		if (jvs_duration_parse(p->keep_within, &d) < 0)
			return -1;
		for (size_t i = 0; i < cat->n; i++)
			if (created_ms(&cat->d[i]) > newest)
				newest = created_ms(&cat->d[i]);
		within_after = jvs_duration_shift(newest, &d, -1);
		within = 1;
	}
	/* Newest first, as restic's forget walks them. */
	for (size_t i = cat->n; i-- > 0;) {
		const jvs_descriptor *d = &cat->d[i];
		int64_t ms = created_ms(d);
		time_t secs = (time_t)(ms / 1000);
		struct tm tm;
		if (p->keep_tagged && d->ntags)
			why[i] |= JVS_GC_WHY_TAGGED;
		for (size_t t = 0; t < p->nkeep_tags; t++)
			if (jvs_descriptor_has_tag(d, p->keep_tags[t]))
				why[i] |= JVS_GC_WHY_TAG;
		if (within && ms > within_after)
			why[i] |= JVS_GC_WHY_WITHIN;
		localtime_r(&secs, &tm);
		for (size_t b = 0; b < B_COUNT; b++) {
			int64_t key;
			if (left[b] <= 0)
				continue;
			key = bucket_key(b, &tm, i);
			if (have_last[b] && key == last[b])
				continue;
			why[i] |= bucket_why[b];
			last[b] = key;
			have_last[b] = 1;
			left[b]--;
		}
	}
	return 0;
}
