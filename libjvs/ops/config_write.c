/* The audited writes of the repository settings (jvs-config(1) set and
 * unset); reading them is the store's (store/config.c). */
#include "config.h"
#include "error_int.h"
#include "config_int.h"
#include "repo_int.h"

#include "audit.h"
#include "jvs/error.h"
#include "json.h"
#include "lock.h"

#include <stdlib.h>
#include <string.h>

/* ---- writes ---- */

/* Loads, lets edit() change the object, writes it back atomically and
 * audits the change, all under the repository lock. */
static int update(const jvs_repo *repo, const char *key, const char *value, int wait_seconds,
                  int *changed)
{
	jvs_lock *lock = NULL, *cfg_lock = NULL;
	json_t *cfg = NULL, *g, *old, *details = NULL;
	char *path = NULL, *prev = NULL;
	const char *group, *member;
	int known = jvs_config__place(key, &group, &member), exists, rc = -1;
	*changed = 0;
	/* the repo lock shared (a running snapshot does not stop a setting),
	 * the config lock exclusive: one writer of config.json at a time */
	if (jvs_lock_repo(repo, JVS_LOCK_SHARED, wait_seconds, &lock) < 0)
		return -1;
	if (jvs_lock_acquire(repo, "config", JVS_LOCK_EXCLUSIVE, wait_seconds, &cfg_lock) < 0) {
		jvs_lock_release(lock);
		return -1;
	}
	if (jvs_repo__read_config(repo, &cfg, &exists) < 0)
		goto done;
	if (!exists) {
		jvs_error_set(JVS_E_NOT_FOUND, ".jvs/config.json is missing");
		jvs_error_hint("run 'jvs doctor'; restore .jvs/config.json from a backup");
		goto done;
	}
	g = jvs_config__group_of(cfg, group);
	if (g && !json_is_object(g)) {
		jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, ".jvs/config.json: \"%s\" is not an object",
		              group);
		jvs_error_hint("fix .jvs/config.json by hand (see jvs-format(5))");
		goto done;
	}
	old = g ? json_object_get(g, member) : NULL;
	if (old)
		prev =
		    json_is_string(old) ? strdup(json_string_value(old)) : jvs_json_canonical(old);
	if (value) {
		json_t *nv;
		if (!g) {
			g = json_object();
			if (!g || json_object_set_new(cfg, group, g) < 0)
				goto oom;
		}
		nv = known ? json_string(value) : json_loads(value, 0, NULL);
		if (!nv || json_object_set_new(g, member, nv) < 0)
			goto oom;
	} else {
		if (!old) {
			rc = 0;
			goto done;
		}
		json_object_del(g, member);
		if (group && json_object_size(g) == 0)
			json_object_del(cfg, group);
	}
	path = jvs_repo_path(repo, "config.json");
	if (!path || jvs_json_write_file(path, cfg) < 0)
		goto done;
	*changed = 1;
	jvs_repo__config_forget(repo); /* the audit record reads the new actor */
	details = json_pack("{s:s, s:o, s:o}", "key", key, "value", jvs_json_str_or_null(value),
	                    "previous", jvs_json_str_or_null(prev));
	rc = jvs_audit_append(repo, value ? "config_set" : "config_unset", key, details, NULL);
	goto done;
oom:
	jvs_error_set(JVS_E_INTERNAL, "out of memory");
done:
	json_decref(cfg);
	free(path);
	free(prev);
	jvs_lock_release(cfg_lock);
	jvs_lock_release(lock);
	return rc;
}

int jvs_config_set(const jvs_repo *repo, const char *key, const char *value, int wait_seconds)
{
	char *norm = NULL;
	int changed, rc;
	if (jvs_config_value_check(key, value, &norm) < 0)
		return -1;
	rc = update(repo, key, norm, wait_seconds, &changed);
	free(norm);
	return rc;
}

int jvs_config_unset(const jvs_repo *repo, const char *key, int wait_seconds)
{
	int changed;
	if (jvs_config_key_check(key) < 0)
		return -1;
	if (update(repo, key, NULL, wait_seconds, &changed) < 0)
		return -1;
	return changed;
}
