/* Library-internal parts of GC shared by gc_policy.c, gc_plan.c, gc_run.c. */
#ifndef JVS_GC_INTERNAL_H
#define JVS_GC_INTERNAL_H

#include <stdint.h>

#include "jvs/catalog.h"
#include "jvs/gc.h"

#define JVS_GC_RECENT_MS (24LL * 3600 * 1000)

/* Sets why[i] for cat->d[i] from the policy's own rules (the default
 * policy's tagged and recent rules included; not lineage). */
int jvs_gc__retain(const jvs_catalog *cat, const jvs_gc_policy *p, int64_t now_ms, unsigned *why);
/* The whole plan over a loaded catalog; writes nothing. */
int jvs_gc__compute(const jvs_repo *repo, const jvs_catalog *cat, const jvs_gc_policy *p,
                    int64_t now_ms, jvs_gc_plan *out);
/* Blocks of the inodes in the payload trees of ids that nothing else links. */
int jvs_gc__bytes(const jvs_repo *repo, char *const *ids, size_t n, uint64_t *out);
int jvs_gc__policy_copy(jvs_gc_policy *dst, const jvs_gc_policy *src);
int jvs_gc__plan_id_valid(const char *s);

#endif
