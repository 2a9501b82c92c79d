/* Differences between a worktree and a snapshot, or two snapshots. */
#ifndef JVS_CHANGES_H
#define JVS_CHANGES_H

#include <stddef.h>

#include "manifest.h"
#include "repo_int.h"

typedef enum {
	JVS_CHANGE_ADDED = 'A',
	JVS_CHANGE_MODIFIED = 'M',
	JVS_CHANGE_DELETED = 'D'
} jvs_change_kind;

typedef struct {
	jvs_change_kind kind;
	char *path;
} jvs_change;

typedef struct {
	jvs_change *c; /* sorted by path */
	size_t n, cap;
} jvs_changes;

/* Worktree files vs snapshot `id` ("" or NULL: the empty tree). Content is
 * compared by hash, using and refreshing the file-hash cache; a change of
 * type or mode is a modification, an mtime-only change is not. */
int jvs_changes_worktree(const jvs_repo *repo, const char *worktree, const char *id,
			 jvs_changes *out);
/* Snapshot vs snapshot, by manifests. */
int jvs_changes_snapshots(const jvs_repo *repo, const char *from, const char *to,
			  jvs_changes *out);
void jvs_changes_clear(jvs_changes *ch);

#endif
