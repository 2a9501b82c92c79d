/* Library-internal helpers shared by changes.c and checkout.c. */
#ifndef JVS_CHANGES_INT_H
#define JVS_CHANGES_INT_H

#include "jvs/hash.h"
#include "jvs/index.h"
#include "jvs/manifest.h"
#include "jvs/repo.h"

/* Hashes the regular file `path` below dir_fd (no symlink at the last
 * component is followed) and records the result in the cache when the
 * file did not change while being read. Returns 1 with the hash, 0 when
 * the file vanished, is no longer a regular file or (lenient) cannot be
 * read, -1 on error. */
int jvs_changes__hash_file(jvs_cache *c, int dir_fd, const char *path, int lenient,
                           char out[JVS_HASH_HEX]);

/* BLAKE2b-256 of a symlink's target string; 1, 0 (gone or not a symlink), -1. */
int jvs_changes__hash_link(int dir_fd, const char *path, char out[JVS_HASH_HEX]);

/* Loads and checks snapshot `id`'s manifest (descriptor checksum, then the
 * manifest against payload_root_hash). NULL or "" gives an empty manifest. */
int jvs_changes__load_manifest(const jvs_repo *repo, const char *id, jvs_manifest *out);

/* jvs_changes_worktree that also hands back its scan of the worktree (taken
 * with special files refused, so it is also what a checkout would scan);
 * keep may be NULL. On success the caller owns *keep. */
#include "jvs/changes.h"
#include "jvs/scan.h"
int jvs_changes__worktree_scan(const jvs_repo *repo, const char *worktree, const char *id,
                               jvs_changes *out, jvs_scan *keep);

/* jvs_checkout_progress_run over a scan of dest_dir already taken (by
 * restore's check for unsnapshotted changes), which it takes over and
 * clears; NULL scans afresh. One walk of the worktree per restore. */
#include "jvs/checkout.h"
int jvs_checkout__run_scanned(const jvs_repo *repo, const char *id, const char *dest_dir,
                              const char *cache_worktree, jvs_checkout_stats *stats,
                              jvs_checkout_progress fn, void *arg, jvs_scan *prescan);

#endif
