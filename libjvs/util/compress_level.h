/* Compression levels of snapshot payloads (compress_level.c); the
 * compressing itself is engine/compress.c (jvs/compress.h). */
#ifndef JVS_COMPRESS_LEVEL_H
#define JVS_COMPRESS_LEVEL_H

typedef enum {
	JVS_COMPRESS_NONE = 0,
	JVS_COMPRESS_FAST,    /* zstd level 1 */
	JVS_COMPRESS_DEFAULT, /* zstd level 3 */
	JVS_COMPRESS_MAX      /* zstd level 19 */
} jvs_compress_level;

/* "none", "fast", "default", "max" (also what JVS_SNAPSHOT_COMPRESS and
 * --compress accept); E_USAGE naming them for anything else. what: where
 * the value came from, for the message. */
int jvs_compress_parse(const char *s, const char *what, jvs_compress_level *out);
const char *jvs_compress_name(jvs_compress_level l);
/* zstd level of l (0 for none). */
int jvs_compress_zstd_level(jvs_compress_level l);

/* The descriptor's `compression` value: "zstd-fast", ... ; "" for none. */
const char *jvs_compress_descriptor_value(jvs_compress_level l);
/* Parses a descriptor's value ("" : none); E_FORMAT_UNSUPPORTED for one
 * this jvs does not know. */
int jvs_compress_from_descriptor(const char *value, jvs_compress_level *out);

#endif
