/* The guard of a mutating command: the repo lock, then the audit precheck.
 * Above both lock.c and audit.c (audit.c takes the audit lock itself). */
#include "lock.h"
#include "audit.h"

#include <stdio.h>

int jvs_lock_repo(const jvs_repo *repo, jvs_lock_mode mode, int wait_seconds, jvs_lock **out)
{
	jvs_lock *lock;
	if (jvs_lock_acquire(repo, "repo", mode, wait_seconds, &lock) < 0)
		return -1;
	/* Every mutating command takes the repo lock first: a log that cannot
	 * take the closing audit record must stop it before anything changes. */
	if (jvs_audit_precheck(repo) < 0) {
		jvs_lock_release(lock);
		return -1;
	}
	*out = lock;
	return 0;
}

int jvs_lock_worktree(const jvs_repo *repo, const char *worktree, int wait_seconds,
		      jvs_wt_locks *out)
{
	char name[160];
	out->repo = out->worktree = NULL;
	if (jvs_lock_repo(repo, JVS_LOCK_SHARED, wait_seconds, &out->repo) < 0)
		return -1;
	snprintf(name, sizeof name, "worktree-%s", worktree);
	if (jvs_lock_acquire(repo, name, JVS_LOCK_EXCLUSIVE, wait_seconds, &out->worktree) < 0) {
		jvs_lock_release(out->repo);
		out->repo = NULL;
		return -1;
	}
	return 0;
}

void jvs_unlock_worktree(jvs_wt_locks *locks)
{
	jvs_lock_release(locks->worktree);
	jvs_lock_release(locks->repo);
	locks->worktree = locks->repo = NULL;
}
