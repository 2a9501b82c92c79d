/* The snapshot catalogue, reference resolution, and selecting and ordering
 * snapshots for `jvs history` (SPEC §10). */
#ifndef JVS_HISTORY_H
#define JVS_HISTORY_H

#include <stddef.h>

#include "jvs/snapshot.h"
#include "jvs/types.h"

/* The published snapshots of a repository, loaded once (opaque). Each
 * descriptor is checked (SPEC §7: the cache in .jvs/index.sqlite is used
 * only where it provably matches the files). */
typedef struct jvs_catalog jvs_catalog;

int jvs_catalog_open(const jvs_repo *repo, jvs_catalog **out);
void jvs_catalog_free(jvs_catalog *cat);
size_t jvs_catalog_count(const jvs_catalog *cat);
/* The i-th snapshot, oldest first (i < jvs_catalog_count). */
const jvs_descriptor *jvs_catalog_at(const jvs_catalog *cat, size_t i);
/* The snapshot with this full id, or NULL. */
const jvs_descriptor *jvs_catalog_get(const jvs_catalog *c, const char *id);

/* Resolves REF (an id or unique id prefix, HEAD, HEAD~N, latest, a tag,
 * SPEC §3) for `worktree` (may be NULL: HEAD then fails). */
int jvs_ref_resolve(const jvs_repo *repo, const jvs_catalog *cat, const char *worktree,
		    const char *ref, char out[JVS_ID_BUF]);

#define JVS_HISTORY_OPTS_VERSION 1
typedef struct {
	unsigned version; /* JVS_HISTORY_OPTS_VERSION */
	int all;	  /* every snapshot instead of the lineage */
	size_t limit;	  /* 0: no limit */
	const char *grep; /* case-insensitive substring of the note */
	const char *tag;  /* exact tag, glob with *?[, else prefix fallback */
} jvs_history_opts;
#define JVS_HISTORY_OPTS_INIT { .version = JVS_HISTORY_OPTS_VERSION }

typedef struct {
	const jvs_descriptor **items; /* newest first, pointers into the catalog */
	size_t n;
	size_t total;		      /* before --limit */
	int tag_prefix_fallback;      /* --tag matched by prefix */
	int whole_repository;	      /* every snapshot, not one lineage */
	int ends_pruned;	      /* lineage reaches a deleted snapshot */
	/* The lineage meets a snapshot whose descriptor is damaged (in the
	 * catalog's bad list) or missing: the listing stops before it. */
	char damaged[JVS_ID_BUF];
	char head[JVS_ID_BUF], latest[JVS_ID_BUF];
} jvs_history;

/* Filters (--tag, --grep) search the whole repository; so does a call
 * without a worktree (NULL), which lists every snapshot. */
int jvs_history_list(const jvs_repo *repo, const jvs_catalog *cat, const char *worktree,
		     const jvs_history_opts *opts, jvs_history *out);
void jvs_history_clear(jvs_history *h);

#endif
