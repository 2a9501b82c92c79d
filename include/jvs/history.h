/* Selecting and ordering snapshots for `jvs history` (SPEC §10). */
#ifndef JVS_HISTORY_H
#define JVS_HISTORY_H

#include <stddef.h>

#include "catalog.h"

typedef struct {
	int all;	  /* every snapshot instead of the lineage */
	size_t limit;	  /* 0: no limit */
	const char *grep; /* case-insensitive substring of the note */
	const char *tag;  /* exact tag, glob with *?[, else prefix fallback */
} jvs_history_opts;

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
int jvs_tag_matches(const char *pattern, const char *tag, int prefix);

#endif
