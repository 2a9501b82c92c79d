/* BLAKE2b-256 hashing (hex output, 64 chars + NUL). */
#ifndef JVS_HASH_H
#define JVS_HASH_H

#include <stddef.h>

#include "jvs/types.h" /* JVS_HASH_HEX */

void jvs_hash_buf(const void *data, size_t len, char out[JVS_HASH_HEX]);
int jvs_hash_fd(int fd, char out[JVS_HASH_HEX]);
int jvs_hash_is_hex(const char *s);

/* Incremental hashing of a byte stream. */
typedef struct jvs_hasher jvs_hasher;
jvs_hasher *jvs_hasher_new(void); /* NULL (E_INTERNAL set) when out of memory */
void jvs_hasher_update(jvs_hasher *h, const void *data, size_t len);
/* Writes the hash of everything given and frees h. */
void jvs_hasher_final(jvs_hasher *h, char out[JVS_HASH_HEX]);
void jvs_hasher_free(jvs_hasher *h);

#endif
