/* BLAKE2b-256 hashing (hex output, 64 chars + NUL). */
#ifndef JVS_HASH_H
#define JVS_HASH_H

#include <stddef.h>

#include "jvs/types.h" /* JVS_HASH_HEX */

/* The bytes a hash is the hex of: how the in-memory manifest keeps it. */
#define JVS_HASH_RAW 32

void jvs_hash_buf(const void *data, size_t len, char out[JVS_HASH_HEX]);
int jvs_hash_fd(int fd, char out[JVS_HASH_HEX]);
int jvs_hash_is_hex(const char *s);
/* hex: exactly 64 lowercase hex digits (as jvs_hash_is_hex), else -1. */
int jvs_hash_from_hex(const char *hex, unsigned char raw[JVS_HASH_RAW]);
void jvs_hash_to_hex(const unsigned char raw[JVS_HASH_RAW], char hex[JVS_HASH_HEX]);
/* 1 when hex is the hex of raw (0 for a malformed hex). */
int jvs_hash_eq_hex(const unsigned char raw[JVS_HASH_RAW], const char *hex);

/* Incremental hashing of a byte stream. */
typedef struct jvs_hasher jvs_hasher;
jvs_hasher *jvs_hasher_new(void); /* NULL (E_INTERNAL set) when out of memory */
void jvs_hasher_update(jvs_hasher *h, const void *data, size_t len);
/* Writes the hash of everything given and frees h. */
void jvs_hasher_final(jvs_hasher *h, char out[JVS_HASH_HEX]);
void jvs_hasher_free(jvs_hasher *h);

#endif
