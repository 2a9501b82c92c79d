/* Library-internal: what the worktree operations (worktree_ops.c) and their
 * recovery (worktree_recover.c) share. */
#ifndef JVS_WORKTREE_INT_H
#define JVS_WORKTREE_INT_H

#include "lock.h"
#include "repo.h"

/* The two worktree locks of a rename, taken in name order so that two
 * renames waiting for each other cannot deadlock. */
typedef struct {
	jvs_lock *repo, *a, *b;
} jvs_rename_locks;

int jvs_worktree__lock_pair(const jvs_repo *repo, const char *x, const char *y,
			    int wait_seconds, jvs_rename_locks *out);
void jvs_worktree__unlock_pair(jvs_rename_locks *l);
/* fsync of ROOT/.jvs/worktrees. */
int jvs_worktree__fsync_config_dir(const jvs_repo *repo);
/* The config of a new worktree: base = head = latest = id (or all null). */
int jvs_worktree__save_new_config(const jvs_repo *repo, const char *name, const char *id);
/* Drops the worktree's hash cache (the index is a cache: never an error). */
void jvs_worktree__forget_cache(const jvs_repo *repo, const char *name);

#endif
