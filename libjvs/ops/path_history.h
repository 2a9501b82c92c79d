/* Which snapshots changed given paths (`jvs history -- PATH...`), and the
 * worktree-relative form of a PATH argument. */
#ifndef JVS_PATH_HISTORY_H
#define JVS_PATH_HISTORY_H

#include <stddef.h>

#include "catalog.h"
#include "jvs/history.h"

/* The worktree-relative form of arg, resolved lexically ("." and ".."
 * components, repeated slashes): relative to cwd when cwd is root or below
 * it, else relative to root; an absolute arg must lie in root. "" is the
 * root itself. root and cwd are absolute and canonical (cwd may be NULL);
 * root NULL (no worktree): arg is relative to a payload root.
 * NULL with E_PATH_ESCAPE when the path leaves root. Malloc'd. */
char *jvs_path_worktree_rel(const char *root, const char *cwd, const char *arg);

/* 1 when the manifest path `path` is `want` or lies below it ("" matches
 * every path). */
int jvs_path_matches(const char *path, const char *want);

/* Sorts paths (strcmp order) and drops duplicates; returns the new count. */
size_t jvs_path_sort_unique(char **paths, size_t n);

typedef struct {
	/* per item of the listing: npaths letters 'A', 'M', 'D' or '-' (no
	 * change) and a NUL; NULL for items not examined (after limit) */
	char **letters;
	size_t n;
} jvs_path_history;

/* For each snapshot h->items[i] (i < h->n), how each of paths[0..npaths)
 * (sorted and unique, as given by jvs_path_sort_unique) differs between
 * its manifest and its parent's (the empty tree when it has no parent or
 * the parent was deleted): A added, D removed, M changed (a directory path
 * covers every entry below it). Manifests are read from the start to past
 * the last path only, and not at all when the payload_root_hash equals the
 * parent's. Stops once `limit` snapshots (0: no limit) have a change. */
int jvs_path_history_compute(const jvs_repo *repo, const jvs_catalog *cat, const jvs_history *h,
			     char *const *paths, size_t npaths, size_t limit,
			     jvs_path_history *out);
void jvs_path_history_clear(jvs_path_history *ph);

#endif
