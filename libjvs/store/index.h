/* .jvs/index.sqlite: the per-worktree file-hash cache (SPEC §7).
 * A cache only: any failure degrades to "no cache", never to an error. */
#ifndef JVS_INDEX_H
#define JVS_INDEX_H

#include <stdint.h>

#include "hash.h"
#include "jvs/repo.h"
#include "filekey.h" /* jvs_filekey */
#include "repo_int.h"

typedef struct jvs_index jvs_index;

/* NULL when JVS_NO_CACHE=1 or the index cannot be opened or rebuilt. */
jvs_index *jvs_index_open(const jvs_repo *repo);
void jvs_index_close(jvs_index *idx);
/* The open database, for other caches kept in the same file (catalog.c). */
struct sqlite3;
struct sqlite3 *jvs_index_db(jvs_index *idx);

/* A forward-only lookup over one worktree's cache rows. Paths must be
 * asked for in increasing byte order. Rows passed over are dropped at
 * commit (their files are gone). */
typedef struct jvs_cache jvs_cache;
jvs_cache *jvs_cache_begin(jvs_index *idx, const char *worktree);
/* 1 and the hash when trusted (all keys equal and mtime < recorded), or
 * else when the fallback answers (the row it gives is put then). */
int jvs_cache_lookup(jvs_cache *c, const char *path, const jvs_filekey *key,
		     char out[JVS_HASH_HEX]);
/* A second source of hashes, asked (in the lookups' path order) for files
 * without a trusted row: lookup gives 1, the hash and the row's recorded_ns
 * when it vouches for the file as key describes it. release(arg) is called
 * once the cache is committed or aborted (or at once when c is NULL). */
typedef struct {
	int (*lookup)(void *arg, const char *path, const jvs_filekey *key,
		      char out[JVS_HASH_HEX], int64_t *recorded_ns);
	void (*release)(void *arg);
	void *arg;
} jvs_cache_fallback;
void jvs_cache_set_fallback(jvs_cache *c, const jvs_cache_fallback *fb);
void jvs_cache_put(jvs_cache *c, const char *path, const jvs_filekey *key, const char *hash,
		   int64_t recorded_ns);
/* Writes puts and drops; prune_unseen also drops rows never looked up,
 * and the worktree's fork seed (forkseed.h): its rows are all there now. */
void jvs_cache_commit(jvs_cache *c, int prune_unseen);
void jvs_cache_abort(jvs_cache *c);

/* Coarse wall clock, the same granularity the kernel stamps inodes with. */
int64_t jvs_cache_clock_ns(void);
/* Drops every row of a worktree, and its fork seed (after rename/remove). */
void jvs_index_forget_worktree(jvs_index *idx, const char *worktree);

#endif
