/* Library-internal: the lazy hash cache of a worktree forked by a JuiceFS
 * tree clone of a snapshot. The fork records a seed row (index.sqlite,
 * table forkseed: worktree, snapshot, manifest hash, T = the clock read
 * before the clone) instead of walking the new tree; a later cache miss in
 * that worktree takes the snapshot's manifest hash for a file the clone
 * made and nothing touched since: JuiceFS gives the clone a new inode but
 * keeps mtime and ctime, and any write, rename or mode change after the
 * clone sets ctime past T. The seed goes at the worktree's first full-tree
 * cache commit, or when the worktree is removed or renamed (index.c). */
#ifndef JVS_FORKSEED_H
#define JVS_FORKSEED_H

#include <stdint.h>

#include "filekey.h"
#include "index.h"
#include "manifest.h"
#include "repo_int.h"
#include "scan_int.h"

/* A recorded ctime must be older than T by this much: timestamps stamped
 * by a client whose clock runs behind. */
#define JVS_FORKSEED_MARGIN_NS 2000000000LL

/* Whether a file of the forked worktree, as key describes it now, is the
 * untouched clone of manifest entry e whose payload inode was recorded as
 * rec; t_ns: the clock read before the clone. Pure. */
int jvs_forkseed_accept(const jvs_manifest_entry *e, const jvs_stat_meta *rec,
			const jvs_filekey *key, int64_t t_ns);

/* 1 when a fork of snapshot id (its manifest hashing to mhash, its payload
 * at payload) may be seeded: every entry recorded with its ctime, no
 * xattrs in the manifest nor on the payload's file system. 0 otherwise
 * (error cleared). */
int jvs_forkseed_usable(const jvs_repo *repo, jvs_index *idx, const char *id, const char *mhash,
			const char *payload);
/* Records worktree's seed, dropping any cache rows of that name. 0, or -1
 * with the last error set. */
int jvs_forkseed_record(jvs_index *idx, const char *worktree, const char *id, const char *mhash,
			int64_t t_ns);

/* jvs_cache_begin of worktree, its misses answered by its seed if it has
 * one (loaded at the first miss). */
jvs_cache *jvs_forkseed_cache_begin(const jvs_repo *repo, jvs_index *idx, const char *worktree);

#endif
