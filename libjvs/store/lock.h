/* flock-based locks in .jvs/locks/ (SPEC §11). */
#ifndef JVS_LOCK_H
#define JVS_LOCK_H

#include "repo_int.h"

typedef struct jvs_lock jvs_lock;

typedef enum { JVS_LOCK_SHARED, JVS_LOCK_EXCLUSIVE } jvs_lock_mode;

/* name: "repo" or "worktree-<name>", "audit". wait_seconds: 0 fail at once,
 * <0 wait forever. On contention: E_LOCKED naming the holder. */
int jvs_lock_acquire(const jvs_repo *repo, const char *name, jvs_lock_mode mode,
		     int wait_seconds, jvs_lock **out);
void jvs_lock_release(jvs_lock *lock);

/* The "repo" lock of a mutating command (guard.c): acquired as above, then
 * the audit log's precheck (jvs_audit_precheck), the lock released when it
 * fails. Every taker of the repo lock goes through here. */
int jvs_lock_repo(const jvs_repo *repo, jvs_lock_mode mode, int wait_seconds, jvs_lock **out);

/* The command name recorded as holder; set once by main(). */
void jvs_lock_set_command(const char *command);

/* Convenience: repo lock (shared) + worktree lock (exclusive). */
typedef struct {
	jvs_lock *repo;
	jvs_lock *worktree;
} jvs_wt_locks;
int jvs_lock_worktree(const jvs_repo *repo, const char *worktree, int wait_seconds,
		      jvs_wt_locks *out);
void jvs_unlock_worktree(jvs_wt_locks *locks);

#endif
