/* Manifests: sorted entry records and the payload root hash (SPEC §5). */
#ifndef JVS_MANIFEST_H
#define JVS_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "jvs/hash.h"
#include "jvs/repo.h"

typedef enum { JVS_ENT_FILE, JVS_ENT_DIR, JVS_ENT_SYMLINK } jvs_entry_type;

typedef struct {
	jvs_entry_type type;
	char *path;	/* unescaped, relative, '/'-separated */
	unsigned mode;	/* permission bits (07777); 0 for symlinks */
	int64_t size;	/* files only, else -1 */
	char hash[JVS_HASH_HEX]; /* files and symlinks, else "" */
} jvs_manifest_entry;

typedef struct {
	jvs_manifest_entry *e;
	size_t n, cap;
} jvs_manifest;

int jvs_manifest_add(jvs_manifest *m, jvs_entry_type type, const char *path, unsigned mode,
		     int64_t size, const char *hash);
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

/* Path escaping for manifest fields: '\\' -> "\\\\", tab -> "\\t", nl -> "\\n". */
char *jvs_path_escape(const char *path);

#endif
