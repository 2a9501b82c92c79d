/* Library-internal: what the parts of a snapshot share. snapshot.c runs
 * the publish protocol; snapshot_copy.c copies the payload file by file,
 * snapshot_clone.c clones it whole. */
#ifndef JVS_SNAPSHOT_INT_H
#define JVS_SNAPSHOT_INT_H

#include "compress.h"
#include "engine.h"
#include "index.h"
#include "manifest.h"
#include "repo.h"
#include "scan.h"
#include "snapshot.h"
#include "xattr.h"
#include "snapmeta.h"

#include <stddef.h>
#include <stdint.h>

/* A payload that changed while copied or cloned is retaken this often. */
#define CHANGE_RETRIES 3

typedef struct {
	jvs_repo *repo;
	const char *worktree;
	jvs_engine engine;
	int wt_fd, tmp_fd, parent_fd;
	jvs_manifest_reader *parent; /* looked up in path order */
	jvs_manifest_writer *out;    /* written in path order */
	jvs_cache *cache;
	jvs_snapshot_stats *stats;
	char **degraded;
	size_t ndegraded;
	int is_root;
	jvs_snapshot_progress progress;
	void *progress_arg;
	uint64_t bytes_done, bytes_total;
	size_t files_done, files_total;
	size_t *copied; /* scan indexes of copied files, for sync_payload() */
	size_t ncopied;
	int sync_all;   /* too many to fsync one by one: syncfs */
	jvs_xattr_cursor xc;  /* worktree entries' xattrs, main thread only */
	jvs_xattr_cursor pxc; /* the parent snapshot's files' */
	jvs_scan clone_scan; /* of the tree clone, taken beside the second worktree scan */
	jvs_scan clone_done; /* the same, kept after the manifest for snapmeta */
	jvs_stat_meta *copy_meta; /* as root, a copy's owner, mode and mtime per scan entry */
	size_t ncopy_meta;
	jvs_compress_level compress, parent_compress; /* this snapshot's, the parent's */
} snap_ctx;

/* Records fmt (with path) in the snapshot's `degraded` list. */
int jvs_snapshot__degraded(snap_ctx *c, const char *fmt, const char *path);
/* One entry done: the progress callback, if any. */
void jvs_snapshot__progress_step(snap_ctx *c, const jvs_scan_entry *e);

/* snapshot_copy.c: the payload in c->tmp_fd, file by file, and its manifest
 * records; then its durability (step 5). */
int jvs_snapshot__materialise(snap_ctx *c, const jvs_scan *s, int64_t *file_count,
			      int64_t *total);
int jvs_snapshot__sync_payload(snap_ctx *c, const jvs_scan *s);

/* snapshot_clone.c: a clone of the whole payload into tmp (1 when the
 * worktree has ignored paths and cannot be cloned whole), and its manifest. */
int jvs_snapshot__clone_payload(snap_ctx *c, const char *payload, const char *tmp,
				jvs_scan *scan, int64_t *recorded);
int jvs_snapshot__manifest_from_clone(snap_ctx *c, const char *tmp, const jvs_scan *w,
				      int64_t recorded, int64_t *file_count, int64_t *total);

#endif
