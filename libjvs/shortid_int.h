/* Short ids inside libjvs: what snapshot creation checks (SPEC §3). */
#ifndef JVS_SHORTID_INT_H
#define JVS_SHORTID_INT_H

#include "jvs/repo.h"

/* The 8 random hex digits of id are all decimal digits. */
int jvs_id_random_all_decimal(const char *id);
/* *in_use = 1 when a published or in-progress snapshot (descriptors/,
 * snapshots/) already has the random part of id, so its short form would
 * not name one snapshot. */
int jvs_id_random_in_use(const jvs_repo *repo, const char *id, int *in_use);

#endif
