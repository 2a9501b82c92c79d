/* Making a directory hold exactly a snapshot's tree, incrementally. */
#ifndef JVS_CHECKOUT_H
#define JVS_CHECKOUT_H

#include <stddef.h>
#include <stdint.h>

#include "repo_int.h"
#include "jvs/types.h"


/* Verifies the snapshot's descriptor checksum and manifest hash, then
 * brings dest_dir (which must exist; it is never replaced) to the
 * snapshot's exact tree: only differing entries are written (copied with
 * the engine, never hard-linked), extras removed, modes and mtimes set.
 * Every file to be written is first staged in .jvs/tmp and checked against
 * its manifest hash, so a damaged snapshot is refused (E_PAYLOAD_HASH_MISMATCH,
 * E_PARTIAL_SNAPSHOT) with dest_dir untouched (stats->touched == 0).
 * cache_worktree: worktree whose hash cache to use and refresh (NULL: none).
 * Idempotent, so an interrupted run is completed by running it again. */

/* Called while entries are copied and put in place (done <= total). */
typedef jvs_progress_fn jvs_checkout_progress;
/* jvs_checkout with a progress callback (fn may be NULL). */
int jvs_checkout_progress_run(const jvs_repo *repo, const char *id, const char *dest_dir,
                              const char *cache_worktree, jvs_checkout_stats *stats,
                              jvs_checkout_progress fn, void *arg);

/* The same for some paths only (worktree-relative, sorted, none inside
 * another; see jvs/paths.h): each is made exactly what it is in the
 * snapshot (a directory whole, its ignored entries kept; a path the
 * snapshot lacks is removed), directories above them are created when
 * missing, and nothing else in dest_dir changes. */
int jvs_checkout_paths_run(const jvs_repo *repo, const char *id, const char *dest_dir,
                           const char *cache_worktree, char *const *paths, size_t npaths,
                           jvs_checkout_stats *stats, jvs_checkout_progress fn, void *arg);

/* dest_dir was just made as a whole-tree clone of snapshot id (a btrfs
 * subvolume snapshot): checks every entry's type, size and mode against the
 * manifest without reading data, and records the manifest's hashes in
 * cache_worktree's hash cache. E_IO naming the first difference. */
int jvs_checkout_adopt_clone(const jvs_repo *repo, const char *id, const char *dest_dir,
                             const char *cache_worktree);

#endif
