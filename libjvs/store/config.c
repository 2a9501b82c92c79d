/* Repository settings: the keys of .jvs/config.json, their environment
 * overrides and defaults, their reading and checking (the audited writes
 * are ops/config_write.c). */
#include "config.h"
#include "gc_internal.h"
#include "repo_int.h"
#include "error_int.h"
#include "config_int.h"

#include "jvs/error.h"
#include "fsutil.h"
#include "jvs/gc.h"
#include "json.h"
#include "name.h"
#include "safepath.h"
#include "textesc.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define POLICY_PREFIX "gc.policy."
#define POLICY_PREFIX_LEN (sizeof POLICY_PREFIX - 1)
#define ACTOR_MAX 255

static const char *const engines[] = {"auto",         "juicefs-clone", "btrfs-subvolume",
                                      "reflink-copy", "copy",          NULL};
static const char *const compressions[] = {"none", "fast", "default", "max", NULL};
static const char *const progress_modes[] = {"auto", "never", NULL};

/* A key, the object holding it in config.json (NULL: the top level) and
 * the member name there. */
typedef struct {
	const char *key, *group, *member, *env;
	const char *const *allowed; /* NULL: free text (audit.actor) */
	const char *dflt;           /* NULL: computed (audit.actor) */
} key_def;

static const key_def keys[] = {
    {"snapshot.engine", "snapshot", "engine", "JVS_SNAPSHOT_ENGINE", engines, "auto"},
    {"snapshot.compress", "snapshot", "compress", "JVS_SNAPSHOT_COMPRESS", compressions, "none"},
    {"audit.actor", "audit", "actor", "JVS_ACTOR", NULL, NULL},
    {"progress", NULL, "progress", "JVS_PROGRESS", progress_modes, "auto"},
};
#define NKEYS (sizeof keys / sizeof *keys)

const char *jvs_config_origin_name(jvs_config_origin origin)
{
	return origin == JVS_CONFIG_ENV ? "env" : origin == JVS_CONFIG_FILE ? "config" : "default";
}

static const key_def *find_key(const char *key)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].key, key))
			return &keys[i];
	return NULL;
}

static const char *policy_name(const char *key)
{
	return strncmp(key, POLICY_PREFIX, POLICY_PREFIX_LEN) ? NULL : key + POLICY_PREFIX_LEN;
}

int jvs_config__place(const char *key, const char **group, const char **member)
{
	const key_def *k = find_key(key);
	*group = k ? k->group : "gc_policies";
	*member = k ? k->member : policy_name(key);
	return k != NULL;
}

static void join(char *buf, size_t len, const char *const *v)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; v[i] && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		                         !i         ? ""
		                         : v[i + 1] ? ", "
		                                    : " or ",
		                         v[i]);
}

int jvs_config_key_check(const char *key)
{
	const char *name = policy_name(key);
	if (find_key(key))
		return 0;
	if (name && *name) {
		if (jvs_name_validate(name, "gc policy name") == 0)
			return 0;
		{
			jvs_error saved = jvs_error_save();
			jvs_error_set(JVS_E_USAGE, "bad key '%s': %s", key, saved.message);
			return jvs_error_hint("policy names are letters, digits, '.', '_' and '-'");
		}
	}
	jvs_error_set(JVS_E_USAGE, "unknown key '%s'", key);
	return jvs_error_hint("known keys: snapshot.engine, snapshot.compress, audit.actor, "
	                      "progress, gc.policy.NAME");
}

/* A policy in the words of jvs gc plan: "--keep-daily 7 --keep-tag v1
 * --keep-tagged" (also --opt=value), as the JSON object config.json keeps. */
static json_t *policy_from_words(const char *value)
{
	char *copy = strdup(value), *save = NULL, *w, *arg;
	json_t *j = json_object(), *tags = NULL;
	if (!copy || !j)
		goto oom;
	for (w = strtok_r(copy, " \t\n,", &save); w; w = strtok_r(NULL, " \t\n,", &save)) {
		char key[32];
		size_t klen;
		if (strncmp(w, "--keep-", 7)) {
			jvs_error_set(JVS_E_USAGE, "'%s' is not a --keep-... option", w);
			goto fail;
		}
		arg = strchr(w, '=');
		klen = arg ? (size_t)(arg - w) : strlen(w);
		if (klen - 2 >= sizeof key) {
			jvs_error_set(JVS_E_USAGE, "unknown gc policy option '%s'", w);
			goto fail;
		}
		memcpy(key, w + 2, klen - 2);
		key[klen - 2] = '\0';
		for (char *k = key; *k; k++)
			if (*k == '-')
				*k = '_';
		if (!strcmp(key, "keep_tagged")) {
			if (arg) {
				jvs_error_set(JVS_E_USAGE, "--keep-tagged takes no value");
				goto fail;
			}
			json_object_set_new(j, key, json_true());
			continue;
		}
		arg = arg ? arg + 1 : strtok_r(NULL, " \t\n,", &save);
		if (!arg || !*arg) {
			jvs_error_set(JVS_E_USAGE, "--%.*s needs a value", (int)klen - 2, w + 2);
			goto fail;
		}
		if (!strcmp(key, "keep_tag")) {
			if (!tags && !(tags = json_array()))
				goto oom;
			json_array_append_new(tags, json_string(arg));
		} else if (!strcmp(key, "keep_within")) {
			json_object_set_new(j, key, json_string(arg));
		} else {
			char *end;
			long n = strtol(arg, &end, 10);
			if (*end || end == arg || n < 0) {
				jvs_error_set(JVS_E_USAGE, "--%s needs a count, not '%s'", w + 2,
				              arg);
				goto fail;
			}
			json_object_set_new(j, key, json_integer(n));
		}
	}
	if (tags)
		json_object_set_new(j, "keep_tags", tags);
	free(copy);
	return j;
oom:
	jvs_error_set(JVS_E_INTERNAL, "out of memory");
fail:
	json_decref(tags);
	json_decref(j);
	free(copy);
	return NULL;
}

/* The canonical JSON of a policy value (a JSON object or gc plan words). */
static int policy_value(const char *key, const char *value, char **out)
{
	const char *p = value;
	json_t *j;
	jvs_gc_policy pol;
	json_error_t jerr;
	int rc;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (!*p) {
		jvs_error_set(JVS_E_USAGE, "bad value for %s: the policy is empty", key);
		goto hint;
	}
	if (*p == '{') {
		j = json_loads(p, JSON_REJECT_DUPLICATES, &jerr);
		if (!j) {
			jvs_error_set(JVS_E_USAGE, "bad value for %s: not JSON (%s)", key,
			              jerr.text);
			goto hint;
		}
	} else if (!(j = policy_from_words(p))) {
		goto bad;
	}
	rc = jvs_gc_policy_from_json(j, &pol);
	json_decref(j);
	if (rc < 0)
		goto bad;
	j = jvs_gc_policy_to_json(&pol);
	jvs_gc_policy_clear(&pol);
	if (!j)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	if (out && !(*out = jvs_json_canonical(j))) {
		json_decref(j);
		return -1;
	}
	json_decref(j);
	return 0;
bad : {
	jvs_error saved = jvs_error_save();
	if (saved.cls != JVS_E_USAGE)
		return -1;
	jvs_error_set(JVS_E_USAGE, "bad value for %s: %s", key, saved.message);
}
hint:
	return jvs_error_hint("give a JSON object or gc plan options, e.g. '--keep-daily 7 "
	                      "--keep-weekly 4'; settings: keep_last, keep_hourly, keep_daily, "
	                      "keep_weekly, keep_monthly, keep_yearly, keep_within, keep_tags, "
	                      "keep_tagged");
}

int jvs_config_value_check(const char *key, const char *value, char **out)
{
	const key_def *k;
	char list[200];
	if (out)
		*out = NULL;
	if (jvs_config_key_check(key) < 0)
		return -1;
	if (policy_name(key) && !find_key(key))
		return policy_value(key, value, out);
	k = find_key(key);
	if (k->allowed) {
		for (size_t i = 0; k->allowed[i]; i++)
			if (!strcmp(value, k->allowed[i]))
				goto ok;
		join(list, sizeof list, k->allowed);
		jvs_error_set(JVS_E_USAGE, "bad value '%s' for %s", value, key);
		return jvs_error_hint("%s takes %s", key, list);
	}
	/* audit.actor: one line of printable UTF-8 */
	if (!*value || strlen(value) > ACTOR_MAX || !jvs_utf8_valid(value, strlen(value))) {
		jvs_error_set(JVS_E_USAGE, "bad value for %s", key);
		return jvs_error_hint("%s takes a name of 1 to %d bytes of UTF-8 text", key,
		                      ACTOR_MAX);
	}
	for (const unsigned char *c = (const unsigned char *)value; *c; c++)
		if (*c < 0x20 || *c == 0x7f) {
			jvs_error_set(JVS_E_USAGE, "bad value for %s: control characters", key);
			return jvs_error_hint("%s takes one line of printable text", key);
		}
ok:
	if (out && !(*out = strdup(value)))
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	return 0;
}

/* ---- config.json ---- */

json_t *jvs_config__group_of(json_t *cfg, const char *group)
{
	return group ? json_object_get(cfg, group) : cfg;
}

/* The saved string of key k, validated; NULL when not saved. */
static int saved_value(const json_t *cfg, const key_def *k, const char **out)
{
	json_t *g = jvs_config__group_of((json_t *)cfg, k->group), *v;
	*out = NULL;
	if (!g)
		return 0;
	if (!json_is_object(g))
		goto bad;
	v = json_object_get(g, k->member);
	if (!v)
		return 0;
	if (!json_is_string(v) || jvs_config_value_check(k->key, json_string_value(v), NULL) < 0)
		goto bad;
	*out = json_string_value(v);
	return 0;
bad:
	jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, ".jvs/config.json holds a bad %s", k->key);
	return jvs_error_hint("set it again with 'jvs config set %s VALUE', or 'jvs config unset "
	                      "%s'",
	                      k->key, k->key);
}

static void default_actor(char *out, size_t len)
{
	struct passwd *pw = getpwuid(geteuid());
	char host[256] = "localhost";
	gethostname(host, sizeof host - 1);
	host[sizeof host - 1] = '\0';
	snprintf(out, len, "%s@%s", pw ? pw->pw_name : "unknown", host);
}

/* The environment's value of k, or NULL when it does not override. */
static const char *env_value(const key_def *k)
{
	const char *v = getenv(k->env);
	if (!v || !*v)
		return NULL;
	/* jvs(1): JVS_PROGRESS values other than these are ignored */
	if (!strcmp(k->key, "progress") && strcmp(v, "auto") && strcmp(v, "never") &&
	    strcmp(v, "json"))
		return NULL;
	return v;
}

/* Effective value of a known key: *out points into env, cfg or static
 * storage (the actor into buf). */
static int effective(const json_t *cfg, const key_def *k, const char **out,
                     jvs_config_origin *origin, char *buf, size_t len)
{
	const char *v = env_value(k);
	if (v) {
		*out = v;
		*origin = JVS_CONFIG_ENV;
		return 0;
	}
	if (saved_value(cfg, k, &v) < 0)
		return -1;
	if (v) {
		*out = v;
		*origin = JVS_CONFIG_FILE;
		return 0;
	}
	*origin = JVS_CONFIG_DEFAULT;
	if (k->dflt) {
		*out = k->dflt;
	} else {
		default_actor(buf, len);
		*out = buf;
	}
	return 0;
}

static int getter(const jvs_repo *repo, const char *key, const char **out,
                  jvs_config_origin *origin, char *buf, size_t len)
{
	const key_def *k = find_key(key);
	json_t *cfg = NULL;
	jvs_config_origin o;
	const char *v;
	int rc;
	if (env_value(k)) /* the environment wins: config.json is not read */
		return effective(NULL, k, out, origin ? origin : &o, buf, len);
	if (!(cfg = jvs_repo__config(repo))) /* read once per handle */
		return -1;
	rc = effective(cfg, k, &v, origin ? origin : &o, buf, len);
	if (rc == 0 && v != buf) {
		/* out must outlive cfg: the value is one of the allowed ones */
		for (size_t i = 0; k->allowed && k->allowed[i]; i++)
			if (!strcmp(v, k->allowed[i]))
				v = k->allowed[i];
		if (!k->allowed) {
			snprintf(buf, len, "%s", v);
			v = buf;
		}
	}
	json_decref(cfg);
	*out = v;
	return rc;
}

int jvs_config_snapshot_engine(const jvs_repo *repo, const char **out, jvs_config_origin *origin)
{
	char buf[8];
	return getter(repo, "snapshot.engine", out, origin, buf, sizeof buf);
}

int jvs_config_snapshot_compress(const jvs_repo *repo, const char **out, jvs_config_origin *origin)
{
	char buf[8];
	if (getter(repo, "snapshot.compress", out, origin, buf, sizeof buf) < 0)
		return -1;
	for (size_t i = 0; compressions[i]; i++)
		if (!strcmp(*out, compressions[i])) {
			*out = compressions[i];
			return 0;
		}
	jvs_error_set(JVS_E_USAGE, "JVS_SNAPSHOT_COMPRESS: unknown compression '%s'", *out);
	return jvs_error_hint("use none, fast, default or max");
}

int jvs_config_audit_actor(const jvs_repo *repo, char *out, size_t len, jvs_config_origin *origin)
{
	const char *v;
	if (getter(repo, "audit.actor", &v, origin, out, len) < 0)
		return -1;
	if (v != out)
		snprintf(out, len, "%s", v);
	return 0;
}

int jvs_config_progress(const jvs_repo *repo, const char **out, jvs_config_origin *origin)
{
	static const char *const env_modes[] = {"auto", "never", "json"};
	char buf[8];
	if (getter(repo, "progress", out, origin, buf, sizeof buf) < 0)
		return -1;
	for (size_t i = 0; i < 3; i++)
		if (!strcmp(*out, env_modes[i]))
			*out = env_modes[i];
	return 0;
}

/* The canonical JSON of the saved policy NAME of cfg. */
static int policy_get(const json_t *cfg, const char *name, char **out)
{
	json_t *pols = json_object_get(cfg, "gc_policies"), *pol = json_object_get(pols, name);
	jvs_gc_policy p;
	json_t *norm;
	*out = NULL;
	if (!pol) {
		jvs_error_set(JVS_E_NOT_FOUND, "no gc policy named '%s'", name);
		return jvs_error_hint(
		    "save one with 'jvs config set " POLICY_PREFIX "%s \"--keep-daily 7\"'", name);
	}
	if (jvs_gc_policy_from_json(pol, &p) < 0) {
		jvs_error saved = jvs_error_save();
		jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT,
		              ".jvs/config.json holds a bad " POLICY_PREFIX "%s: %s", name,
		              saved.message);
		return jvs_error_hint(
		    "set it again with 'jvs config set " POLICY_PREFIX "%s VALUE'", name);
	}
	norm = jvs_gc_policy_to_json(&p);
	jvs_gc_policy_clear(&p);
	if (!norm)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	*out = jvs_json_canonical(norm);
	json_decref(norm);
	return *out ? 0 : -1;
}

int jvs_config_get(const jvs_repo *repo, const char *key, char **out, jvs_config_origin *origin,
                   const char **env)
{
	const key_def *k;
	const char *v;
	char buf[ACTOR_MAX + 300];
	json_t *cfg = NULL;
	jvs_config_origin o;
	int rc;
	*out = NULL;
	if (env)
		*env = NULL;
	if (!origin)
		origin = &o;
	if (jvs_config_key_check(key) < 0)
		return -1;
	k = find_key(key);
	if (k) {
		if (env)
			*env = k->env;
		if (getter(repo, key, &v, origin, buf, sizeof buf) < 0)
			return -1;
		*out = strdup(v);
		return *out ? 0 : jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	if (jvs_repo__read_config(repo, &cfg, NULL) < 0)
		return -1;
	rc = policy_get(cfg, policy_name(key), out);
	json_decref(cfg);
	*origin = JVS_CONFIG_FILE;
	return rc;
}

/* ---- list ---- */

static int push(jvs_config_entry **v, size_t *n, const char *key, const char *value,
                jvs_config_origin origin, const char *env)
{
	jvs_config_entry *nv = realloc(*v, (*n + 1) * sizeof *nv);
	if (!nv)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	*v = nv;
	nv[*n].key = strdup(key);
	nv[*n].value = strdup(value);
	nv[*n].origin = origin;
	nv[*n].env = env;
	if (!nv[*n].key || !nv[*n].value) {
		free(nv[*n].key);
		free(nv[*n].value);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	(*n)++;
	return 0;
}

int jvs_config_list(const jvs_repo *repo, jvs_config_entry **out, size_t *n)
{
	json_t *cfg = NULL, *pols;
	char buf[ACTOR_MAX + 300];
	*out = NULL;
	*n = 0;
	if (jvs_repo__read_config(repo, &cfg, NULL) < 0)
		return -1;
	for (size_t i = 0; i < NKEYS; i++) {
		const char *v;
		jvs_config_origin o;
		if (effective(cfg, &keys[i], &v, &o, buf, sizeof buf) < 0 ||
		    push(out, n, keys[i].key, v, o, keys[i].env) < 0)
			goto fail;
	}
	pols = json_object_get(cfg, "gc_policies");
	if (pols && !json_is_object(pols)) {
		jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT,
		              ".jvs/config.json: \"gc_policies\" is not an object");
		jvs_error_hint("fix .jvs/config.json by hand (see jvs-format(5))");
		goto fail;
	}
	if (pols) {
		const char *name;
		json_t *p;
		json_object_foreach(pols, name, p)
		{
			char *key = jvs_strf(POLICY_PREFIX "%s", name), *v = NULL;
			int rc = key ? policy_get(cfg, name, &v) : -1;
			(void)p;
			if (rc == 0)
				rc = push(out, n, key, v, JVS_CONFIG_FILE, NULL);
			free(key);
			free(v);
			if (rc < 0)
				goto fail;
		}
	}
	json_decref(cfg);
	return 0;
fail:
	json_decref(cfg);
	jvs_config_list_free(*out, *n);
	*out = NULL;
	*n = 0;
	return -1;
}

void jvs_config_list_free(jvs_config_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}
