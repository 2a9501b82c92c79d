/* Restoring a worktree to a snapshot, in place (SPEC §6). */
#ifndef JVS_RESTORE_H
#define JVS_RESTORE_H

#include <stddef.h>

#include "jvs/types.h"

#define JVS_RESTORE_OPTS_VERSION 1
typedef struct {
	unsigned version;               /* JVS_RESTORE_OPTS_VERSION */
	int discard;                    /* drop unsnapshotted changes instead of autosaving them */
	int wait_seconds;               /* lock wait: 0 none, <0 forever */
	int delete_missing;             /* jvs_restore_paths: remove paths the target lacks */
	jvs_progress_fn progress;       /* may be NULL; items are entries */
	void *progress_arg;
} jvs_restore_opts;
#define JVS_RESTORE_OPTS_INIT { .version = JVS_RESTORE_OPTS_VERSION }

typedef struct {
	char snapshot_id[JVS_ID_BUF];
	char autosave_id[JVS_ID_BUF];              /* "" when nothing needed saving */
	char head[JVS_ID_BUF], latest[JVS_ID_BUF]; /* the worktree afterwards */
	int detached;                              /* head != latest afterwards */
	int resumed;                               /* finished an interrupted restore */
	char *note;                                /* the target's note (malloc'd) */
	jvs_checkout_stats stats;
} jvs_restore_result;

/* Locks the worktree; if it differs from its head and !discard, saves it
 * first as a snapshot tagged "autosave" (head and latest stay); records a
 * restore intent; checks the target out in place; moves head to it
 * (latest stays, so an older target leaves the worktree detached);
 * removes the intent; appends an audit record.
 * A pending intent for the same target is completed without autosave; a
 * pending intent for another target is E_DIRTY unless discard. A partial
 * target (partial_paths) is E_USAGE: jvs_restore_paths restores it. */
int jvs_restore(jvs_repo *repo, const char *worktree, const char *target_id,
                const jvs_restore_opts *opts, jvs_restore_result *out);
void jvs_restore_result_clear(jvs_restore_result *r);

/* Restores only paths (worktree-relative, sorted, none inside another) to what
 * they are in target_id ; head and
 * latest stay. Every path is checked first: one the target does not hold
 * (for a partial target: one outside its partial_paths; one holding more
 * than the partial snapshot has is always refused) is E_NOT_FOUND unless
 * delete_missing. Unless discard, the paths' unsnapshotted changes are
 * first saved as a partial snapshot tagged "autosave". The restore intent
 * records the paths: a pending one for the same target and paths is
 * completed, any other is E_DIRTY unless discard. */
int jvs_restore_paths(jvs_repo *repo, const char *worktree, const char *target_id,
                      char *const *paths, size_t npaths, const jvs_restore_opts *opts,
                      jvs_restore_result *out);

/* 1 and the target when a restore of worktree was interrupted, 2 when its
 * process still seems to run (same host, live pid, or another host), else 0.
 * The target is "" when the intent is unreadable. */
int jvs_restore_interrupted(const jvs_repo *repo, const char *worktree,
                            char target_out[JVS_ID_BUF]);

#endif
