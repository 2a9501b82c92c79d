/* BLAKE2b-256 hashing (hex output, 64 chars + NUL). */
#ifndef JVS_HASH_H
#define JVS_HASH_H

#include <stddef.h>

#define JVS_HASH_HEX 65

void jvs_hash_buf(const void *data, size_t len, char out[JVS_HASH_HEX]);
int jvs_hash_fd(int fd, char out[JVS_HASH_HEX]);
int jvs_hash_file(const char *path, char out[JVS_HASH_HEX]);
int jvs_hash_is_hex(const char *s);

#endif
