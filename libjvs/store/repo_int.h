/* Library-internal parts of the repository handle (store/repo.c);
 * jvs/repo.h is the public part. */
#ifndef JVS_REPO_INT_H
#define JVS_REPO_INT_H

#include "jvs/repo.h"

#include <jansson.h>

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

/* Creates the control plane of a new repository in dir (the .jvs-to-be):
 * its directories, format_version, config.json, the main worktree's record
 * and an empty audit log; fsyncs dir. */
int jvs_repo__make_control_plane(const char *dir, const char *repo_id, const char *created);
/* .jvs/config.json as an object ({} when it is missing, *exists then 0).
 * Never through a symlink, never a FIFO, at most JVS_CONFIG_MAX_BYTES. */
int jvs_repo__read_config(const jvs_repo *repo, json_t **out, int *exists);
/* The same as this handle first read it (a new reference; NULL and the
 * error of jvs_repo__read_config when it cannot be read): one command
 * sees one version of its settings, read once. */
json_t *jvs_repo__config(const jvs_repo *repo);
/* Drops the handle's copy: the next read sees the file (after a write). */
void jvs_repo__config_forget(const jvs_repo *repo);
/* Makes name (checked by the caller) the handle's worktree. */
int jvs_repo__set_worktree(jvs_repo *repo, const char *name);

#endif
