/* The set of published snapshots, and reference resolution (SPEC §3). */
#ifndef JVS_CATALOG_H
#define JVS_CATALOG_H

#include <stddef.h>

#include "jvs/descriptor.h"
#include "jvs/repo.h"

typedef struct {
	jvs_descriptor *d; /* sorted by id ascending (oldest first) */
	size_t n;
	char **bad;	   /* ids whose descriptor failed to load */
	size_t nbad;
} jvs_catalog;

int jvs_catalog_load(const jvs_repo *repo, jvs_catalog *out);
void jvs_catalog_clear(jvs_catalog *c);
const jvs_descriptor *jvs_catalog_get(const jvs_catalog *c, const char *id);

/* Resolves REF for `worktree` (may be NULL: HEAD then fails). */
int jvs_ref_resolve(const jvs_repo *repo, const jvs_catalog *cat, const char *worktree,
		    const char *ref, char out[JVS_ID_BUF]);
/* Newest snapshot carrying tag; E_NOT_FOUND otherwise. */
int jvs_ref_latest_tag(const jvs_catalog *cat, const char *tag, char out[JVS_ID_BUF]);

#endif
