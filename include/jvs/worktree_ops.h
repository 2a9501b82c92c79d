/* Creating, forking, renaming and removing worktrees (SPEC §4).
 *
 * Every operation is crash-safe through an intent in .jvs/intents/ whose
 * body says how to finish or undo it (for `jvs doctor`):
 *
 *   fork-<name>.json, create-<name>.json
 *     {"operation": "fork"|"create", "worktree", "snapshot_id" (or null),
 *      "tmp_path", "payload_root", "pid"}
 *     The payload root is moved into place only when complete and synced,
 *     so: config present, or payload root absent: finished or never
 *     started; remove tmp_path. Payload root present without a config:
 *     roll forward by writing the config.
 *   rename-<old>.json
 *     {"operation": "rename", "from", "to", "from_path", "to_path", "pid"}
 *     Payload still at from_path: nothing happened. Payload at to_path:
 *     write the config of `to` from the config of `from` if missing, then
 *     remove the config directory of `from`.
 *   remove-<name>.json
 *     {"operation": "remove", "worktree", "payload_root", "tmp_path", "pid"}
 *     Payload still at payload_root with its config: nothing happened.
 *     Otherwise finish: remove the config directory and tmp_path.
 *
 * jvs_worktree_recover() applies these rules; paths are recomputed from the
 * names, never taken from the intent.
 *
 * Temporary payload roots live at the repository root as
 * `.jvs-tmp-<op>-<name>` (same file system as worktrees/). */
#ifndef JVS_WORKTREE_OPS_H
#define JVS_WORKTREE_OPS_H

#include <jansson.h>
#include <stddef.h>

#include "jvs/checkout.h"
#include "jvs/repo.h"
#include "jvs/worktree.h"

/* New worktree `name` whose payload root holds snapshot `id`'s files
 * (copied, never hard-linked); base = head = latest = id.
 * E_NAME_INVALID, E_EXISTS, E_LOCKED, E_NOT_FOUND, E_IO. */
/* Reports the copy's progress through fn (may be NULL). */
int jvs_worktree_fork_progress(jvs_repo *repo, const char *id, const char *name, int wait_seconds,
                               jvs_checkout_progress fn, void *arg);

/* Empty worktree when from_id is NULL or "" (base, head, latest null),
 * else the same as a fork of from_id. */
int jvs_worktree_create(jvs_repo *repo, const char *name, const char *from_id, int wait_seconds);

/* Renames worktree old_name to new_name: payload root and metadata.
 * `main` needs force (E_DIRTY otherwise). Snapshots keep the worktree_name
 * they were made under. */
int jvs_worktree_rename(jvs_repo *repo, const char *old_name, const char *new_name, int force,
                        int wait_seconds);

/* Deletes a worktree's payload root and metadata; its snapshots stay.
 * Without force: `main` is refused, and so is a worktree whose files differ
 * from its head snapshot (E_DIRTY, with the number of changes). */
int jvs_worktree_remove(jvs_repo *repo, const char *name, int force, int wait_seconds);

/* Counts entries of worktree `name` that differ from its head (for a
 * worktree without a head: every entry). A missing payload root counts 0. */
int jvs_worktree_dirty_count(const jvs_repo *repo, const char *name, size_t *out);

typedef enum {
	JVS_WT_EMPTY,   /* no snapshot yet */
	JVS_WT_HEAD,    /* head == latest */
	JVS_WT_DETACHED /* head != latest */
} jvs_wt_state;

jvs_wt_state jvs_worktree_state(const jvs_worktree *wt);
const char *jvs_worktree_state_name(jvs_wt_state s);

/* Finishes (or finds nothing to do for) an interrupted fork, create,
 * rename or remove described by a stale intent body; 0 for other
 * operations. Takes the worktree locks, failing at once if busy. The
 * caller removes the intent afterwards. */
int jvs_worktree_recover(jvs_repo *repo, const json_t *intent);

/* {name, path, created_at, base_snapshot_id, head_snapshot_id,
 *  latest_snapshot_id, state, detached, current}; NULL on OOM. */
json_t *jvs_worktree_to_json(const jvs_repo *repo, const jvs_worktree *wt);

#endif
