/* Repository internals: control-plane paths, payload checks (jvs/repo.h
 * is the public part). */
#ifndef JVS_REPO_INT_H
#define JVS_REPO_INT_H

#include "jvs/repo.h"

/* malloc'd absolute path of a control-plane file: jvs_repo_path(r, "descriptors/x.json"). */
char *jvs_repo_path(const jvs_repo *repo, const char *rel);
char *jvs_repo_pathf(const jvs_repo *repo, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* E_PATH_ESCAPE when the payload root (or ROOT/worktrees) exists but is a
 * symlink or not a directory: snapshot, restore and status would otherwise
 * read or write outside the repository. 0 when missing or a real directory. */
int jvs_repo_payload_check(const jvs_repo *repo, const char *worktree);
/* Creates ROOT/worktrees/worktrees -> . (idempotent). */
int jvs_repo_link_worktrees(const char *root);
/* Path of a worktree-relative location the user is in ("" at the root). */
const char *jvs_repo_prefix(const jvs_repo *repo);

#endif
