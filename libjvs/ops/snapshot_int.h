/* Snapshot internals: recovery of interrupted snapshots, the descriptor
 * writer (jvs/snapshot.h is the public part). */
#ifndef JVS_SNAPSHOT_INT_H
#define JVS_SNAPSHOT_INT_H

#include <jansson.h>

#include "descriptor.h"
#include "jvs/snapshot.h"

typedef jvs_progress_fn jvs_snapshot_progress;

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
