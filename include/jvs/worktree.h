/* Worktree metadata: .jvs/worktrees/<name>/config.json (SPEC §4). */
#ifndef JVS_WORKTREE_H
#define JVS_WORKTREE_H

#include <stddef.h>

#include "jvs/name.h"
#include "jvs/repo.h"
#include "str.h" /* jvs_strv_free */

typedef struct {
	char name[JVS_NAME_MAX + 1];
	char created_at[32];
	char base[JVS_ID_BUF];	 /* "" means null */
	char head[JVS_ID_BUF];
	char latest[JVS_ID_BUF];
	char label[256];
} jvs_worktree;

int jvs_worktree_exists(const jvs_repo *repo, const char *name);
int jvs_worktree_load(const jvs_repo *repo, const char *name, jvs_worktree *out);
int jvs_worktree_save(const jvs_repo *repo, const jvs_worktree *wt);
int jvs_worktree_is_detached(const jvs_worktree *wt);
/* Sorted names; free with jvs_strv_free. All of them or an error, never
 * fewer (E_INTERNAL when memory runs out, E_IO when the directory cannot
 * be read). */
int jvs_worktree_list(const jvs_repo *repo, char ***out, size_t *n);

#endif
