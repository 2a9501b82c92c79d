/* Creating snapshots: the publish protocol of SPEC §5. */
#ifndef JVS_SNAPSHOT_H
#define JVS_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "jvs/descriptor.h"
#include "jvs/repo.h"

/* Called after each file or symlink is put in the snapshot; the totals
 * come from the scan of the worktree (done <= total). */
typedef void (*jvs_snapshot_progress)(void *arg, uint64_t bytes_done, uint64_t bytes_total,
				      size_t files_done, size_t files_total);

typedef struct {
	const char *note;
	const char *const *tags;
	size_t ntags;
	int wait_seconds; /* lock wait: 0 none, <0 forever */
	int autosave;	  /* keep head and latest where they are */
	int locked;	  /* caller holds the worktree locks already */
	/* When the worktree equals its head (the check of jvs status, with the
	 * hash cache) and no restore of it is interrupted: create nothing, set
	 * stats->unchanged and return the head's descriptor. Not audited. */
	int skip_unchanged;
	jvs_snapshot_progress progress; /* may be NULL */
	void *progress_arg;
	/* npaths > 0: a partial snapshot holding only these worktree-relative
	 * paths (sorted, none inside another: jvs_paths_resolve) and the
	 * directories above them; its descriptor lists them (partial_paths).
	 * Like an autosave it keeps head and latest where they are. A path
	 * missing from the worktree, or ignored, is E_NOT_FOUND. */
	char *const *paths;
	size_t npaths;
	/* "none", "fast", "default" or "max" (jvs/compress.h); NULL: the
	 * repository default */
	const char *compress;
} jvs_snapshot_opts;

typedef struct {
	size_t files_hashed, files_linked, files_copied, cache_hits;
	uint64_t bytes_copied;
	int new_line;			 /* made while detached */
	char old_latest[JVS_ID_BUF];	 /* the latest it left behind */
	/* Set when the snapshot was published but a later step failed (for
	 * example ENOSPC moving head and latest): the call still succeeds, its
	 * intent stays, and the next snapshot or restore of the worktree, or
	 * 'jvs doctor --repair-runtime', finishes it. */
	char unfinished[1024];
	/* A snapshot of this worktree interrupted earlier that this call
	 * finished first (moved head and latest to it), or "". */
	char recovered[JVS_ID_BUF];
	int unchanged; /* skip_unchanged: nothing made, *out is the head's */
} jvs_snapshot_stats;

int jvs_snapshot_create(jvs_repo *repo, const char *worktree, const jvs_snapshot_opts *opts,
			jvs_descriptor *out, jvs_snapshot_stats *stats);

/* Finishes every interrupted snapshot of worktree (its intents), as
 * doctor's clean_intents does: a published one gets the pointers and the
 * audit record it lacks, an unpublished one is removed. The caller holds
 * the worktree lock. recovered (may be NULL) gets the last id rolled
 * forward, or "". */
int jvs_snapshot_recover(jvs_repo *repo, const char *worktree, char recovered[JVS_ID_BUF]);
/* Finishes one interrupted snapshot from its intent (see above); 1 when it
 * was published and kept, 0 when it was removed, -1 on error. */
int jvs_snapshot_finish_intent(jvs_repo *repo, const json_t *intent);

#endif
