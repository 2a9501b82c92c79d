/* Library-internal: the packed descriptor of the catalogue cache, written
 * and read by catalog.c, encoded by catalog_pack.c. */
#ifndef JVS_CATALOG_PACK_H
#define JVS_CATALOG_PACK_H

#include <stddef.h>

#include "jvs/descriptor.h"

/* Packs d into a malloc'd blob of *len bytes; NULL when out of memory. */
char *jvs_catalog__pack(const jvs_descriptor *d, size_t *len);
/* Fills d, with snapshot id `id`, from the len-byte blob; -1 (d cleared)
 * when the blob is not exactly one packed descriptor. */
int jvs_catalog__unpack(const char *blob, size_t len, const char *id, jvs_descriptor *d);

#endif
