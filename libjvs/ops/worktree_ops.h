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

#include "checkout.h"
#include "repo_int.h"
#include "worktree_int.h"

/* Counts entries of worktree `name` that differ from its head (for a
 * worktree without a head: every entry). A missing payload root counts 0. */
int jvs_worktree_dirty_count(const jvs_repo *repo, const char *name, size_t *out);

/* Finishes (or finds nothing to do for) an interrupted fork, create,
 * rename or remove described by a stale intent body; 0 for other
 * operations. Takes the worktree locks, failing at once if busy. The
 * caller removes the intent afterwards. */
int jvs_worktree_recover(jvs_repo *repo, const json_t *intent);

/* {name, path, created_at, base_snapshot_id, head_snapshot_id,
 *  latest_snapshot_id, state, detached, current}; NULL on OOM. */
json_t *jvs_worktree_to_json(const jvs_repo *repo, const jvs_worktree *wt);

#endif
