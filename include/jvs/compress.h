/* Compressed snapshot payloads (zstd): jvs-format(5), Compression.
 *
 * A compressed snapshot's descriptor names its level (`compression`). Each
 * regular file of its payload is either stored as it is, or as exactly one
 * zstd frame of its bytes; which one is told by the size alone: a frame is
 * always smaller than the file (SIZE in the manifest), a file stored as it
 * is has exactly that size. The manifest's hash is of the uncompressed
 * bytes either way. */
#ifndef JVS_COMPRESS_H
#define JVS_COMPRESS_H

#include <stdint.h>

#include "jvs/engine.h"
#include "jvs/hash.h"
#include "jvs/repo.h"

#include "compress_level.h"

/* The repository format version a compressed snapshot needs: written to
 * .jvs/format_version before the first one is made, so an older jvs
 * refuses the repository (E_FORMAT_UNSUPPORTED) instead of restoring zstd
 * frames as file contents. */
#define JVS_FORMAT_VERSION_COMPRESS 2

/* Files smaller than this are stored as they are without trying. */
#define JVS_COMPRESS_MIN_SIZE 512

/* The compression of published snapshot id, from its descriptor. */
int jvs_compress_of_snapshot(const jvs_repo *repo, const char *id, jvs_compress_level *out);

/* ==== THE REPOSITORY DEFAULT ====
 * The level a snapshot uses when --compress is not given, and where it
 * came from (*origin, static text). Today: JVS_SNAPSHOT_COMPRESS, else
 * none. This is the one place to read `snapshot.compress` from the
 * repository configuration (environment first, then config). */
int jvs_compress_default(const jvs_repo *repo, jvs_compress_level *out, const char **origin);

/* The level a snapshot made with engine e uses: requested (NULL: the
 * repository default). The clone engines share data blocks with the
 * worktree, which compression would undo: an explicit level other than
 * none is refused (E_USAGE, with the way out); a repository default is not
 * applied, and degraded (when not NULL) says so. */
int jvs_compress_choose(const jvs_repo *repo, const char *requested, const jvs_engine *e,
			jvs_compress_level *out, char degraded[256]);

/* Raises .jvs/format_version to JVS_FORMAT_VERSION_COMPRESS (durably) when
 * it is lower; the caller holds a worktree lock. */
int jvs_compress_mark_repo(const jvs_repo *repo);
/* The repository's .jvs/format_version (1 when unreadable). */
int jvs_format_version_read(const jvs_repo *repo);

/* Writer. src is a regular file of size bytes at offset 0, dst an empty
 * file. 1: dst holds one zstd frame of src's bytes, smaller than size, and
 * hash the hash of the bytes read; 0: not worth it (small, sparse,
 * incompressible, or src changed size while read): dst is empty again and
 * both offsets are 0, the caller stores the file as it is; -1: error. */
int jvs_compress_file(int src, int dst, int64_t size, jvs_compress_level l,
		      char hash[JVS_HASH_HEX]);

/* Reader. Decodes the one zstd frame in src (from offset 0) into dst (-1:
 * nowhere), which must come to exactly size bytes: a damaged frame, data
 * after it, or output past size (a decompression bomb stops there, using
 * no more than zstd's default window of memory) are E_PAYLOAD_HASH_MISMATCH
 * saying which; write errors E_IO. hash: of the bytes decoded. */
int jvs_compress_decode(int src, int dst, int64_t size, char hash[JVS_HASH_HEX]);

/* The content size in the frame header of src (pread, offset kept): 0 and
 * *out, or E_PAYLOAD_HASH_MISMATCH when src does not start with a zstd
 * frame header holding one. For quick checks (verify --quick). */
int jvs_compress_peek_size(int src, int64_t *out);

/* For tools that need the plain bytes (diff -p): fd is the regular file
 * path of snapshot id's payload, open for reading. When it is a zstd frame
 * of a compressed snapshot, returns a new file (O_TMPFILE in .jvs/tmp)
 * holding its decoding, checked against the manifest, and closes fd; else
 * returns fd. -1 (fd closed) on error. */
int jvs_compress_plain_fd(const jvs_repo *repo, const char *id, const char *path, int fd);

#endif
