/* Worktree paths named on the command line (restore -- PATH, snapshot --
 * PATH): resolving them, and narrowing a scan or a manifest to them. */
#ifndef JVS_PATHS_H
#define JVS_PATHS_H

#include <stddef.h>

#include "manifest.h"
#include "repo_int.h"
#include "scan.h"

/* The worktree-relative form of each args[i] (relative to cwd unless
 * absolute; "." and ".." resolved lexically), checked to stay in the
 * payload root of worktree: outside it, or reached through a symlink in
 * the worktree, is E_PATH_ESCAPE; the root itself is
 * E_USAGE. cwd NULL: args are worktree-relative already. *out is sorted,
 * without duplicates or paths inside another one; free with jvs_strv_free. */
int jvs_paths_resolve(const jvs_repo *repo, const char *worktree, const char *cwd,
		      const char *const *args, size_t n, char ***out, size_t *nout);

/* 2 when p is one of paths or inside one, 1 when p is a directory above
 * one (a parent the path needs), else 0. paths sorted (jvs_paths_resolve). */
int jvs_paths_covers(char *const *paths, size_t n, const char *p);

/* Keeps the entries of m (sorted) for which jvs_paths_covers is 2, and with
 * parents the directories above them too. */
void jvs_manifest_keep_paths(jvs_manifest *m, char *const *paths, size_t n, int parents);

#endif
