/* GC tombstones .jvs/gc/tombstones/<id>.json: the lineage facts of a
 * snapshot that garbage collection marked or deleted (SPEC §9). */
#ifndef JVS_TOMBSTONE_H
#define JVS_TOMBSTONE_H

#include <stddef.h>

#include "descriptor.h"
#include "name.h"
#include "repo_int.h"

#define JVS_GC_PLAN_ID_LEN 16
#include "jvs/types.h" /* JVS_GC_PLAN_ID_BUF */

typedef struct {
	char snapshot_id[JVS_ID_BUF];
	char parent_id[JVS_ID_BUF]; /* "" for null */
	char created_at[32];
	char worktree_name[JVS_NAME_MAX + 1];
	char *note;
	char **tags;
	size_t ntags;
	char plan_id[JVS_GC_PLAN_ID_BUF];
	char state[16]; /* "marked", "deleted" or "failed" */
	char marked_at[32];
	char deleted_at[32]; /* "" until deleted */
	char *error;         /* why it failed, else NULL */
} jvs_tombstone;

/* E_NOT_FOUND when the snapshot has no tombstone. */
int jvs_tombstone_load(const jvs_repo *repo, const char *id, jvs_tombstone *out);
int jvs_tombstone_save(const jvs_repo *repo, const jvs_tombstone *t);
/* A "marked" tombstone holding d's lineage facts. */
int jvs_tombstone_from_descriptor(const jvs_descriptor *d, const char *plan_id, jvs_tombstone *out);
void jvs_tombstone_clear(jvs_tombstone *t);
json_t *jvs_tombstone_to_json(const jvs_tombstone *t);

#endif
