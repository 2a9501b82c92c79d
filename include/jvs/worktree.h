/* Worktrees: their records (.jvs/worktrees/<name>/config.json, SPEC §4)
 * and the operations on them. */
#ifndef JVS_WORKTREE_H
#define JVS_WORKTREE_H

#include <stddef.h>

#include "jvs/repo.h"
#include "jvs/types.h"

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
int jvs_worktree_is_detached(const jvs_worktree *wt);
/* Sorted names; free with jvs_strv_free. All of them or an error, never
 * fewer (E_INTERNAL when memory runs out, E_IO when the directory cannot
 * be read). */
int jvs_worktree_list(const jvs_repo *repo, char ***out, size_t *n);

#define JVS_WORKTREE_FORK_OPTS_VERSION 1
typedef struct {
	unsigned version;	  /* JVS_WORKTREE_FORK_OPTS_VERSION */
	int wait_seconds;	  /* lock wait: 0 none, <0 forever */
	jvs_progress_fn progress; /* may be NULL; items are entries */
	void *progress_arg;
} jvs_worktree_fork_opts;
#define JVS_WORKTREE_FORK_OPTS_INIT { .version = JVS_WORKTREE_FORK_OPTS_VERSION }

/* New worktree `name` whose payload root holds snapshot `id`'s files
 * (copied, never hard-linked); base = head = latest = id. opts may be NULL.
 * E_NAME_INVALID, E_EXISTS, E_LOCKED, E_NOT_FOUND, E_IO. */
int jvs_worktree_fork(jvs_repo *repo, const char *id, const char *name,
		      const jvs_worktree_fork_opts *opts);

/* Empty worktree when from_id is NULL or "" (base, head, latest null),
 * else the same as a fork of from_id. */
int jvs_worktree_create(jvs_repo *repo, const char *name, const char *from_id, int wait_seconds);

/* Renames worktree old_name to new_name: payload root and metadata.
 * `main` needs force (E_DIRTY otherwise). Snapshots keep the worktree_name
 * they were made under. */
int jvs_worktree_rename(jvs_repo *repo, const char *old_name, const char *new_name, int force,
                        int wait_seconds);

/* Deletes a worktree's payload root and metadata; its snapshots stay.
 * Without force: `main` is refused, and so is a worktree whose files differ
 * from its head snapshot (E_DIRTY, with the number of changes). */
int jvs_worktree_remove(jvs_repo *repo, const char *name, int force, int wait_seconds);

typedef enum {
	JVS_WT_EMPTY,   /* no snapshot yet */
	JVS_WT_HEAD,    /* head == latest */
	JVS_WT_DETACHED /* head != latest */
} jvs_wt_state;

jvs_wt_state jvs_worktree_state(const jvs_worktree *wt);
const char *jvs_worktree_state_name(jvs_wt_state s);

#endif
