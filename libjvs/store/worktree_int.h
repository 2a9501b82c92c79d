/* Worktree record internals (jvs/worktree.h is the public part). */
#ifndef JVS_WORKTREE_INT_H
#define JVS_WORKTREE_INT_H

#include "name.h"
#include "repo_int.h"
#include "jvs/worktree.h"

int jvs_worktree_save(const jvs_repo *repo, const jvs_worktree *wt);

#endif
