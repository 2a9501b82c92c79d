/* Snapshot engines (SPEC §5): how file data is materialised. */
#ifndef JVS_ENGINE_H
#define JVS_ENGINE_H

#include <stdint.h>

#include "repo_int.h"

typedef enum {
	JVS_ENGINE_COPY,
	JVS_ENGINE_REFLINK,
	JVS_ENGINE_JUICEFS,
	JVS_ENGINE_BTRFS /* btrfs-subvolume */
} jvs_engine_kind;

typedef struct {
	jvs_engine_kind kind;
	char why[256];	    /* human reason for the choice */
	char degraded[256]; /* non-empty when a requested engine fell back */
	char juicefs[4096]; /* JUICEFS: the client binary to run */
} jvs_engine;

/* Auto-detects, or honours JVS_SNAPSHOT_ENGINE (E_USAGE if unknown). */
int jvs_engine_detect(const jvs_repo *repo, jvs_engine *out);
const char *jvs_engine_name(jvs_engine_kind kind);
/* Clones/copies the data of src into the empty dst. */
int jvs_engine_copy_data(const jvs_engine *e, int src_fd, int dst_fd, uint64_t size);
/* JUICEFS: `juicefs clone -p src dst` (fork/exec, no shell); BTRFS: a
 * read-only snapshot of the subvolume src as dst. dst must not exist.
 * Metadata only: data blocks are shared, mode, owner and mtimes are
 * preserved. E_IO with the reason on failure. */
int jvs_engine_clone(const jvs_engine *e, const char *src, const char *dst);
/* 1 when path is the root of a btrfs subvolume. */
int jvs_btrfs_is_subvolume(const char *path);
/* A writable snapshot of the subvolume src as dst (a fork's payload root). */
int jvs_btrfs_snapshot_writable(const char *src, const char *dst);
/* Creates path as a btrfs subvolume (E_IO when that cannot be done). */
int jvs_btrfs_subvolume_create(const char *path);
/* engine_policy.c: the engine asked for (*want: NULL for auto), from
 * JVS_SNAPSHOT_ENGINE, else the repository's snapshot.engine (jvs-config(1));
 * without a repository (jvs init) the variable only; *by names which. The
 * engine a snapshot of payload uses (a btrfs payload root that is no
 * subvolume, or some_paths, copies per file, noting a requested
 * btrfs-subvolume's fallback in e->degraded); and the per-file engine a
 * tree-clone engine falls back to. */
int jvs_engine_requested(const jvs_repo *repo, const char **want, const char **by);
void jvs_engine_for_snapshot(const jvs_repo *repo, jvs_engine *e, const char *payload,
			     const char *worktree, int some_paths);
jvs_engine_kind jvs_engine_per_file(jvs_engine_kind kind);
/* 1 when the engine clones data without copying it (reflink, juicefs, btrfs). */
int jvs_engine_is_clone(const jvs_engine *e);

#endif
