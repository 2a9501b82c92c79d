/* Walks a payload tree into a path-sorted list of entries with stat keys. */
#ifndef JVS_SCAN_H
#define JVS_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "jvs/arena.h"
#include "jvs/manifest.h"

typedef struct {
	int64_t mtime_ns, ctime_ns, size;
	uint64_t dev, ino;
	uint32_t mode; /* full st_mode */
	uint32_t uid, gid;
} jvs_filekey;

typedef struct {
	jvs_entry_type type;
	char *path;
	jvs_filekey key;
} jvs_scan_entry;

typedef struct {
	jvs_scan_entry *e;
	size_t n, cap;
	jvs_arena paths; /* e[i].path live here */
} jvs_scan;

/* Every entry under root (root itself excluded), sorted by path bytes.
 * Sockets, FIFOs and devices: E_UNSUPPORTED_FILE naming the path. */
int jvs_scan_tree(const char *root, jvs_scan *out);
/* special != 0: sockets, FIFOs and devices are listed too, as JVS_ENT_FILE
 * entries whose key.mode is not S_ISREG (for callers that remove them). */
int jvs_scan_tree_special(const char *root, int special, jvs_scan *out);
void jvs_scan_clear(jvs_scan *s);
void jvs_filekey_from_stat(const struct stat *st, jvs_filekey *k);
int jvs_filekey_equal(const jvs_filekey *a, const jvs_filekey *b);

#endif
