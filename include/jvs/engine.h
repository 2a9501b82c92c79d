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
	char juicefs[4096]; /* JUICEFS: the client binary to run */
} jvs_engine;

/* Auto-detects, or honours JVS_SNAPSHOT_ENGINE (E_USAGE if unknown). */
int jvs_engine_detect(const jvs_repo *repo, jvs_engine *out);
const char *jvs_engine_name(jvs_engine_kind kind);
/* Clones/copies the data of src into the empty dst. */
int jvs_engine_copy_data(const jvs_engine *e, int src_fd, int dst_fd, uint64_t size);
/* JUICEFS only: `juicefs clone -p src dst` (fork/exec, no shell); dst must
 * not exist. Metadata only: data blocks are shared, mode, owner and mtimes
 * are preserved. E_IO with the client's last message on failure. */
int jvs_engine_clone(const jvs_engine *e, const char *src, const char *dst);
/* 1 when the engine clones data without copying it (reflink, juicefs). */
int jvs_engine_is_clone(const jvs_engine *e);

#endif
