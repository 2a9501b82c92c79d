/* Whether a short id is taken, for snapshot creation (SPEC §3). */
#ifndef JVS_SHORTID_USE_H
#define JVS_SHORTID_USE_H

#include "jvs/repo.h"

/* *in_use = 1 when a published snapshot (descriptors/) already has the
 * random part of id, so its short form would not name one snapshot. */
int jvs_id_random_in_use(const jvs_repo *repo, const char *id, int *in_use);

#endif
