/* Repository handle: creation, discovery, the current worktree. */
#ifndef JVS_REPO_H
#define JVS_REPO_H

#include "jvs/types.h"

/* Creates a repository in dir (absent or empty). out_root: malloc'd
 * absolute path of the new repository. */
int jvs_repo_init(const char *dir, char **out_root);

/* Walks up from start_dir (NULL: cwd) to the first directory holding
 * .jvs/format_version. E_NOT_A_REPO, E_FORMAT_UNSUPPORTED. */
int jvs_repo_open(jvs_repo **out, const char *start_dir);
void jvs_repo_free(jvs_repo *repo);

const char *jvs_repo_root(const jvs_repo *repo);
const char *jvs_repo_id(const jvs_repo *repo);
/* Worktree the process is in (or chosen with jvs_repo_select_worktree);
 * NULL when none. */
const char *jvs_repo_worktree(const jvs_repo *repo);
int jvs_repo_select_worktree(jvs_repo *repo, const char *name);
/* Current worktree or E_NO_WORKTREE with a hint. */
int jvs_repo_require_worktree(const jvs_repo *repo, const char **out_name);
/* Payload root of a worktree: ROOT/main or ROOT/worktrees/NAME. malloc'd. */
char *jvs_repo_payload_root(const jvs_repo *repo, const char *worktree);

#endif
