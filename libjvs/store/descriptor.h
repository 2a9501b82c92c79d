/* Snapshot descriptors .jvs/descriptors/<id>.json (SPEC §5): JSON form,
 * checksum (jvs/snapshot.h has the struct). */
#ifndef JVS_DESCRIPTOR_H
#define JVS_DESCRIPTOR_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "hash.h"
#include "name.h"
#include "repo_int.h"
#include "jvs/snapshot.h"

/* Field order matches the SPEC; integrity_state and checksum included. */
json_t *jvs_descriptor_to_json(const jvs_descriptor *d);
/* Strict: types checked; checksum verified (E_DESCRIPTOR_CORRUPT). */
int jvs_descriptor_from_json(const json_t *j, jvs_descriptor *out);
int jvs_descriptor_checksum(const jvs_descriptor *d, char out[JVS_HASH_HEX]);
int jvs_descriptor_add_tag(jvs_descriptor *d, const char *tag);

/* Writes d (checksum computed here) to path, created with permission bits
 * mode (umask applies), and fsyncs it (descriptor_write.c); the caller
 * renames it into place and syncs the directory. */
int jvs_descriptor_write_mode(const char *path, jvs_descriptor *d, unsigned mode);

#endif
