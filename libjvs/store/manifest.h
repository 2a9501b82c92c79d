/* Manifests: sorted entry records and the payload root hash (SPEC §5). */
#ifndef JVS_MANIFEST_H
#define JVS_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "hash.h"
#include "repo_int.h"

typedef enum { JVS_ENT_FILE, JVS_ENT_DIR, JVS_ENT_SYMLINK } jvs_entry_type;

/* 64 bytes on LP64 (a million of them in a restore: t/unit/test-entry-size.c):
 * the hash is kept as its raw bytes, the manifest file keeps the hex. */
typedef struct {
	char *path;	/* unescaped, relative, '/'-separated */
	int64_t size;	/* files only, else -1 */
	const char *xattrs; /* encoded extended attributes (jvs/xattr.h), NULL: none */
	unsigned mode;	/* permission bits (07777); 0 for symlinks */
	jvs_entry_type type;
	unsigned char hash_raw[JVS_HASH_RAW]; /* files and symlinks, else all zero */
} jvs_manifest_entry;

/* The hash as hex into out; "" for a directory. */
void jvs_manifest_entry_hex(const jvs_manifest_entry *e, char out[JVS_HASH_HEX]);
/* 1 when e is a file or symlink whose hash is hex. */
int jvs_manifest_entry_hash_is(const jvs_manifest_entry *e, const char *hex);

/* The optional sixth field of a record: this prefix and the encoding. */
#define JVS_MANIFEST_XATTR_PREFIX "xattr:"

typedef struct {
	jvs_manifest_entry *e;
	size_t n, cap;
	jvs_arena paths; /* e[i].path live here */
} jvs_manifest;

/* hash: hex, required (64 lowercase hex digits) for a file or symlink,
 * ignored for a directory; E_INTERNAL when missing or malformed. */
int jvs_manifest_add(jvs_manifest *m, jvs_entry_type type, const char *path, unsigned mode,
		     int64_t size, const char *hash);
/* The same with extended attributes (NULL or "": none). */
int jvs_manifest_add_x(jvs_manifest *m, jvs_entry_type type, const char *path, unsigned mode,
		       int64_t size, const char *hash, const char *xattrs);
void jvs_manifest_sort(jvs_manifest *m);
/* Serialised bytes (malloc'd) of a sorted manifest. */
char *jvs_manifest_format(const jvs_manifest *m, size_t *len);
/* Strict parser: E_DESCRIPTOR_CORRUPT on any malformed line, unsorted or
 * duplicate paths, or paths with "..", "." or empty components. */
int jvs_manifest_parse(const char *buf, size_t len, jvs_manifest *out);
/* Loads .jvs/manifests/<id>; if want_hash is non-NULL checks it. */
int jvs_manifest_load(const jvs_repo *repo, const char *id, const char *want_hash,
		      jvs_manifest *out);
const jvs_manifest_entry *jvs_manifest_find(const jvs_manifest *m, const char *path);
void jvs_manifest_clear(jvs_manifest *m);
const char *jvs_entry_type_name(jvs_entry_type t);

/* ---- streaming: bounded memory whatever the number of entries ---- */

/* Reads .jvs/manifests/<id> a chunk at a time. With want_hash, the bytes are
 * hashed as they are read and a mismatch is reported (E_PAYLOAD_HASH_MISMATCH)
 * when the end is reached, by next(); a malformed line is reported as such
 * only if the whole file still hashes to want_hash (else as the mismatch,
 * as jvs_manifest_load does). */
typedef struct jvs_manifest_reader jvs_manifest_reader;
jvs_manifest_reader *jvs_manifest_reader_open(const jvs_repo *repo, const char *id,
					      const char *want_hash);
/* The same for a manifest file at path; errors name it as "manifest of <label>". */
jvs_manifest_reader *jvs_manifest_reader_open_path(const char *path, const char *label,
						   const char *want_hash);
/* 1: *e is the next entry (valid until the next call); 0: end; -1: error. */
int jvs_manifest_reader_next(jvs_manifest_reader *r, const jvs_manifest_entry **e);
/* Forward-only lookup for callers visiting paths in increasing order:
 * entries before path are skipped; NULL when path is absent or on error
 * (after an error every later lookup is NULL too). */
const jvs_manifest_entry *jvs_manifest_reader_seek(jvs_manifest_reader *r, const char *path);
void jvs_manifest_reader_close(jvs_manifest_reader *r);

/* Reads the whole manifest to check that it parses and hashes to want_hash,
 * keeping nothing: the errors of jvs_manifest_load. */
int jvs_manifest_check(const jvs_repo *repo, const char *id, const char *want_hash);
/* The same, also counting what a descriptor's file_count (entries that are
 * not directories) and total_bytes (the regular files' sizes) must say. */
int jvs_manifest_check_counts(const jvs_repo *repo, const char *id, const char *want_hash,
			      int64_t *files, int64_t *bytes);

/* Writes a manifest to path entry by entry (entries must come in increasing
 * path order: E_INTERNAL otherwise) and hashes it on the way. */
typedef struct jvs_manifest_writer jvs_manifest_writer;
jvs_manifest_writer *jvs_manifest_writer_open(const char *path);
/* The same, creating the file with permission bits mode (umask applies). */
jvs_manifest_writer *jvs_manifest_writer_open_mode(const char *path, unsigned mode);
int jvs_manifest_writer_add(jvs_manifest_writer *w, jvs_entry_type type, const char *path,
			    unsigned mode, int64_t size, const char *hash);
int jvs_manifest_writer_add_x(jvs_manifest_writer *w, jvs_entry_type type, const char *path,
			      unsigned mode, int64_t size, const char *hash, const char *xattrs);
/* Flushes, fsyncs and closes; hash: of the bytes written. Frees w. */
int jvs_manifest_writer_finish(jvs_manifest_writer *w, char hash[JVS_HASH_HEX]);
/* Closes and frees w, leaving the file for the caller to remove. */
void jvs_manifest_writer_abort(jvs_manifest_writer *w);

/* Path escaping for manifest fields: '\\' -> "\\\\", tab -> "\\t", nl -> "\\n". */
char *jvs_path_escape(const char *path);

#endif
