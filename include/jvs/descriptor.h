/* Snapshot descriptors .jvs/descriptors/<id>.json (SPEC §5). */
#ifndef JVS_DESCRIPTOR_H
#define JVS_DESCRIPTOR_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "jvs/hash.h"
#include "jvs/name.h"
#include "jvs/repo.h"

typedef struct {
	char snapshot_id[JVS_ID_BUF];
	char worktree_name[JVS_NAME_MAX + 1];
	char parent_id[JVS_ID_BUF]; /* "" for null */
	char created_at[32];
	char *note;
	char **tags;
	size_t ntags;
	char engine[32];
	/* "zstd-fast", ... for a compressed payload (jvs/compress.h); "" for
	 * none, and then absent from the JSON */
	char compression[16];
	char hash_algorithm[32];
	char payload_root_hash[JVS_HASH_HEX];
	int64_t file_count;
	int64_t total_bytes;
	/* entries the ignore rules left out (an excluded directory counts 1);
	 * in the JSON only when has_ignored_count: absent means none */
	int64_t ignored_count;
	int has_ignored_count;
	char **degraded;
	size_t ndegraded;
	/* a partial snapshot: the worktree-relative paths it holds (sorted);
	 * in the JSON only when npartial_paths > 0 */
	char **partial_paths;
	size_t npartial_paths;
	char integrity_state[16];
	char descriptor_checksum[JVS_HASH_HEX];
} jvs_descriptor;

void jvs_descriptor_clear(jvs_descriptor *d);
/* Field order matches the SPEC; integrity_state and checksum included. */
json_t *jvs_descriptor_to_json(const jvs_descriptor *d);
/* Strict: types checked; checksum verified (E_DESCRIPTOR_CORRUPT). */
int jvs_descriptor_from_json(const json_t *j, jvs_descriptor *out);
int jvs_descriptor_checksum(const jvs_descriptor *d, char out[JVS_HASH_HEX]);
int jvs_descriptor_load(const jvs_repo *repo, const char *id, jvs_descriptor *out);
int jvs_descriptor_has_tag(const jvs_descriptor *d, const char *tag);
int jvs_descriptor_add_tag(jvs_descriptor *d, const char *tag);

/* Writes d (checksum computed here) to path, created with permission bits
 * mode (umask applies), and fsyncs it (descriptor_write.c); the caller
 * renames it into place and syncs the directory. */
int jvs_descriptor_write_mode(const char *path, jvs_descriptor *d, unsigned mode);

/* Ids of published snapshots (descriptor, .READY and payload present),
 * sorted ascending. Free with jvs_strv_free. */
int jvs_snapshot_ids(const jvs_repo *repo, char ***out, size_t *n);
int jvs_snapshot_is_published(const jvs_repo *repo, const char *id);

#endif
