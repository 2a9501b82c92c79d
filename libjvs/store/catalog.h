/* The set of published snapshots (the struct behind jvs/history.h's
 * jvs_catalog), and reference resolution (SPEC §3). */
#ifndef JVS_CATALOG_H
#define JVS_CATALOG_H

#include <stddef.h>

#include "descriptor.h"
#include "repo_int.h"
#include "jvs/history.h"

typedef struct jvs_catalog {
	jvs_descriptor *d; /* sorted by id ascending (oldest first) */
	size_t n;
	char **bad;	   /* ids whose descriptor failed to load */
	size_t nbad;
} jvs_catalog;

/* Every published snapshot, descriptors checked (SPEC §7: the cache in
 * .jvs/index.sqlite is used only where it provably matches the files). */
int jvs_catalog_load(const jvs_repo *repo, jvs_catalog *out);

/* While neither descriptors/ nor snapshots/ changed since the cache last
 * matched them, trust the cached descriptors without looking at each file:
 * a descriptor edited in place is then not noticed. For listing (history)
 * only; integrity checks (verify, doctor, gc) use jvs_catalog_load. */
#define JVS_CATALOG_TRUST_DIRS 1u
int jvs_catalog_load_flags(const jvs_repo *repo, unsigned flags, jvs_catalog *out);
void jvs_catalog_clear(jvs_catalog *c);

/* Newest snapshot carrying tag; E_NOT_FOUND otherwise. */
int jvs_ref_latest_tag(const jvs_catalog *cat, const char *tag, char out[JVS_ID_BUF]);

/* Whether tag matches pattern: exactly, as a glob with *?[, or (prefix) as a
 * prefix. */
int jvs_tag_matches(const char *pattern, const char *tag, int prefix);

#endif
