/* Snapshots: their descriptors, and creating them (the publish protocol of
 * SPEC §5). */
#ifndef JVS_SNAPSHOT_H
#define JVS_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "jvs/types.h"

/* A snapshot's descriptor (.jvs/descriptors/<id>.json). */
typedef struct {
	char snapshot_id[JVS_ID_BUF];
	char worktree_name[JVS_NAME_MAX + 1];
	char parent_id[JVS_ID_BUF]; /* "" for null */
	char created_at[32];
	char *note;
	char **tags;
	size_t ntags;
	char engine[32];
	/* "zstd-fast", ... for a compressed payload (jvs-format(5)); "" for
	 * none, and then absent from the JSON */
	char compression[16];
	char hash_algorithm[32];
	char payload_root_hash[JVS_HASH_HEX];
	int64_t file_count;
	int64_t total_bytes;
	/* entries the ignore rules left out (an excluded directory counts 1);
	 * in the JSON only when has_ignored_count: absent means none */
	int64_t ignored_count;
	int has_ignored_count;
	char **degraded;
	size_t ndegraded;
	/* a partial snapshot: the worktree-relative paths it holds (sorted);
	 * in the JSON only when npartial_paths > 0 */
	char **partial_paths;
	size_t npartial_paths;
	char integrity_state[16];
	char descriptor_checksum[JVS_HASH_HEX];
} jvs_descriptor;

void jvs_descriptor_clear(jvs_descriptor *d);
/* Loads and checks (checksum) the descriptor of snapshot id. */
int jvs_descriptor_load(const jvs_repo *repo, const char *id, jvs_descriptor *out);
int jvs_descriptor_has_tag(const jvs_descriptor *d, const char *tag);

/* Ids of published snapshots (descriptor, .READY and payload present),
 * sorted ascending. Free with jvs_strv_free. */
int jvs_snapshot_ids(const jvs_repo *repo, char ***out, size_t *n);
int jvs_snapshot_is_published(const jvs_repo *repo, const char *id);

#define JVS_SNAPSHOT_OPTS_VERSION 1
typedef struct {
	unsigned version; /* JVS_SNAPSHOT_OPTS_VERSION */
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
	jvs_progress_fn progress; /* may be NULL; items are files */
	void *progress_arg;
	/* npaths > 0: a partial snapshot holding only these worktree-relative
	 * paths (sorted, none inside another) and the
	 * directories above them; its descriptor lists them (partial_paths).
	 * Like an autosave it keeps head and latest where they are. A path
	 * missing from the worktree, or ignored, is E_NOT_FOUND. */
	char *const *paths;
	size_t npaths;
	/* "none", "fast", "default" or "max" (jvs/compress.h); NULL: the
	 * repository default */
	const char *compress;
} jvs_snapshot_opts;
#define JVS_SNAPSHOT_OPTS_INIT { .version = JVS_SNAPSHOT_OPTS_VERSION }

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

/* Snapshots worktree (a name: jvs_repo_worktree, jvs_repo_require_worktree)
 * into a new snapshot; *out gets its descriptor (jvs_descriptor_clear it),
 * stats (may be NULL) what it took. */
int jvs_snapshot_create(jvs_repo *repo, const char *worktree, const jvs_snapshot_opts *opts,
			jvs_descriptor *out, jvs_snapshot_stats *stats);

#endif
