/* Repository settings in .jvs/config.json (jvs-config(1), jvs-format(5)).
 *
 * Each key has an effective value: its environment variable when set (the
 * environment wins), else the value saved in config.json, else a default.
 * Keys: snapshot.engine, snapshot.compress, audit.actor, progress and
 * gc.policy.NAME (the saved retention policies of jvs gc plan --policy). */
#ifndef JVS_CONFIG_H
#define JVS_CONFIG_H

#include <stddef.h>

#include "jvs/repo.h"

typedef enum { JVS_CONFIG_DEFAULT, JVS_CONFIG_FILE, JVS_CONFIG_ENV } jvs_config_origin;

/* "default", "config" or "env". */
const char *jvs_config_origin_name(jvs_config_origin origin);

/* 0 when key is a known key (or gc.policy.NAME with a valid NAME); else
 * E_USAGE naming the known keys. */
int jvs_config_key_check(const char *key);
/* 0 when value is allowed for key; else E_USAGE naming the allowed values.
 * out (may be NULL): the value as it is saved, malloc'd (a gc policy is
 * normalised to its canonical JSON). */
int jvs_config_value_check(const char *key, const char *value, char **out);

/* The effective value of key (malloc'd), where it came from, and the name
 * of the environment variable that overrides it (NULL when none). A
 * config.json that cannot be read or holds a bad value is an error
 * (E_PATH_ESCAPE, E_UNSUPPORTED_FILE, E_DESCRIPTOR_CORRUPT) naming it. A
 * gc.policy.NAME that is not saved: E_NOT_FOUND. */
int jvs_config_get(const jvs_repo *repo, const char *key, char **out, jvs_config_origin *origin,
                   const char **env);

/* Saves key = value in config.json (temp file, fsync, rename) under the
 * repository lock, and audits it ("config_set"). E_USAGE for an unknown key
 * or a bad value; config.json is then untouched. */
int jvs_config_set(const jvs_repo *repo, const char *key, const char *value, int wait_seconds);
/* Removes key from config.json and audits it ("config_unset"). 1 when it
 * was saved, 0 when it was not (nothing is written). */
int jvs_config_unset(const jvs_repo *repo, const char *key, int wait_seconds);

typedef struct {
	char *key;
	char *value;
	jvs_config_origin origin;
	const char *env; /* the overriding variable, or NULL */
} jvs_config_entry;

/* Every known key with its effective value, then each saved gc policy. */
int jvs_config_list(const jvs_repo *repo, jvs_config_entry **out, size_t *n);
void jvs_config_list_free(jvs_config_entry *v, size_t n);

/* Typed getters for the consumers. *out points to a static string. */

/* The engine requested: "auto" (detect), or juicefs-clone, btrfs-subvolume,
 * reflink-copy, copy. A JVS_SNAPSHOT_ENGINE value is returned as it is
 * (the engine code rejects an unknown one); *out is then the variable's. */
int jvs_config_snapshot_engine(const jvs_repo *repo, const char **out, jvs_config_origin *origin);
/* none, fast, default or max (JVS_SNAPSHOT_COMPRESS, then
 * snapshot.compress); an unknown JVS_SNAPSHOT_COMPRESS is E_USAGE. */
int jvs_config_snapshot_compress(const jvs_repo *repo, const char **out, jvs_config_origin *origin);
/* The actor audit records carry: JVS_ACTOR, audit.actor, else user@host. */
int jvs_config_audit_actor(const jvs_repo *repo, char *out, size_t len, jvs_config_origin *origin);
/* The default of --progress: auto, never or json (JVS_PROGRESS when it is
 * one of those, then progress). */
int jvs_config_progress(const jvs_repo *repo, const char **out, jvs_config_origin *origin);

/* config.json larger than this is refused. */
#define JVS_CONFIG_MAX_BYTES (1 << 20)

#endif
