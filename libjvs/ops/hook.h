/* Hooks: executables in .jvs/hooks/ run around snapshot, restore and gc. */
#ifndef JVS_HOOK_H
#define JVS_HOOK_H

#include "repo_int.h"

/* Runs hook NAME (pre-snapshot, post-snapshot, pre-restore, post-restore,
 * pre-gc, post-gc) when .jvs/hooks/NAME is a regular file, reached through
 * no symlink and executable; a missing or non-executable one is not run
 * (*ran 0). It runs with the repository root as cwd, stdin /dev/null (no
 * input: a closed descriptor 0 would be taken by the next open), stdout on
 * stderr, and JVS_OPERATION, JVS_WORKTREE, JVS_SNAPSHOT_ID (each "" when
 * NULL), JVS_HOOK and JVS_REPO in the environment. A hook that fails (exit
 * status not 0, or killed) is recorded in the audit log (operation "hook")
 * and gives E_HOOK naming it and its status; *status (may be NULL) gets the
 * exit status, or 128 + the signal. */
int jvs_hook_run(const jvs_repo *repo, const char *name, const char *operation,
		 const char *worktree, const char *snapshot_id, int *ran, int *status);

/* For doctor: a hook that is not a regular executable file, or not owned
 * by the owner of the repository root. Calls add(arg, hook, problem) for
 * each. */
void jvs_hook_problems(const jvs_repo *repo,
		       void (*add)(void *arg, const char *hook, const char *problem), void *arg);

#endif
