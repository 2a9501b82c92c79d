/* Library-internal parts of the repository handle (store/repo.c). */
#ifndef JVS_REPO_INT_H
#define JVS_REPO_INT_H

/* Creates the control plane of a new repository in dir (the .jvs-to-be):
 * its directories, format_version, config.json, the main worktree's record
 * and an empty audit log; fsyncs dir. */
int jvs_repo__make_control_plane(const char *dir, const char *repo_id, const char *created);
/* Makes name (checked by the caller) the handle's worktree. */
int jvs_repo__set_worktree(jvs_repo *repo, const char *name);

#endif
