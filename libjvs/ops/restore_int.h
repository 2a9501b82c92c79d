/* Library-internal: what the whole restore (restore.c) and the restore of
 * paths (restore_paths.c) share. */
#ifndef JVS_RESTORE_INT_H
#define JVS_RESTORE_INT_H

#include "checkout.h"
#include "lock.h"
#include "manifest.h"
#include "snapshot_int.h"
#include "jvs/restore.h"
#include "repo_int.h"
#include "worktree_int.h"

#include <jansson.h>
#include <stddef.h>

/* Writes the restore intent NAME; paths (n of them, or NULL) are recorded
 * for a restore of paths. A resumed restore (previous: its intent) keeps the
 * first run's from_snapshot_id, autosave_snapshot_id and started_at. */
int jvs_restore__write_intent(const jvs_repo *repo, const char *name, const char *worktree,
                              const char *target, const jvs_worktree *wt,
                              const char *autosave_id, char *const *paths, size_t n,
                              const json_t *previous);

/* The name of a worktree's restore intent: restore-WORKTREE (recover_restore.c). */
void jvs_restore__intent_name(const char *worktree, char out[JVS_NAME_MAX + 16]);
/* 1 pending (target "" if unreadable), 0 none, -1 error. *body (optional)
 * receives the intent when it could be read. */
int jvs_restore__pending(const jvs_repo *repo, const char *worktree, char target[JVS_ID_BUF],
                         json_t **body);

/* What a whole restore and a restore of paths do first: out cleared and
 * its snapshot_id set, the worktree's locks taken (in *locks, which the
 * caller releases however this ends), an interrupted snapshot finished,
 * the worktree's record loaded into *wt, a payload root on another mount
 * refused, and the target's descriptor and manifest loaded into *d and *m
 * (so a damaged target is refused before anything is written) and its
 * note copied into out. -1 on error. */
int jvs_restore__begin(jvs_repo *repo, const char *worktree, const char *target_id,
                       const jvs_restore_opts *opts, jvs_restore_result *out,
                       jvs_wt_locks *locks, jvs_worktree *wt, jvs_descriptor *d,
                       jvs_manifest *m);

/* Wraps the last error (the autosave failed) in what restore says then; -1. */
int jvs_restore__cannot_save(void);

#endif
