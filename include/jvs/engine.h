/* Snapshot engines (SPEC §5): how file data is materialised. */
#ifndef JVS_ENGINE_H
#define JVS_ENGINE_H

#include <stdint.h>

#include "jvs/repo.h"

typedef enum { JVS_ENGINE_COPY, JVS_ENGINE_REFLINK, JVS_ENGINE_JUICEFS } jvs_engine_kind;

typedef struct {
	jvs_engine_kind kind;
	char why[256];	    /* human reason for the choice */
	char degraded[256]; /* non-empty when a requested engine fell back */
} jvs_engine;

/* Auto-detects, or honours JVS_SNAPSHOT_ENGINE (E_USAGE if unknown). */
int jvs_engine_detect(const jvs_repo *repo, jvs_engine *out);
const char *jvs_engine_name(jvs_engine_kind kind);
/* Clones/copies the data of src into the empty dst. */
int jvs_engine_copy_data(const jvs_engine *e, int src_fd, int dst_fd, uint64_t size);

#endif
