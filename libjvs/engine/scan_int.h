/* Library-internal: the parallel scan behind jvs_scan_tree (walk_parallel.c). */
#ifndef JVS_SCAN_INT_H
#define JVS_SCAN_INT_H

#include "hash.h"
#include "scan.h"

#include <dirent.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Threads to walk the tree below root_fd with: $JVS_WALK_THREADS, else 8
 * on FUSE (each stat a round trip), else 1. */
int jvs_scan__threads(int root_fd);
/* Lists everything below root_fd (consumed) into out, unsorted. With
 * saw_rules, a .jvsignore or CACHEDIR.TAG met stops the walk at once: -1
 * and *saw_rules set (the caller walks again, applying the rules). */
int jvs_scan__parallel(int root_fd, int special, int threads, int *saw_rules, jvs_scan *out);
/* E_UNSUPPORTED_FILE for a socket, FIFO or device at path; -1. */
int jvs_scan__refuse_special(const char *path, mode_t mode);

/* The steps both walks take for one directory entry. */
int jvs_scan__push(jvs_scan *s, jvs_entry_type type, const char *path, const struct stat *st);
/* lstat of name in d into *st, *path its path below the root (malloc'd):
 * 1; 0 when it vanished meanwhile (*path NULL); -1 on error. */
/* The next entry of d but "." and "..": 1 (*out set), 0 at the end, -1
 * when the directory (prefix, for the message) cannot be read. */
int jvs_scan__next(DIR *d, const char *prefix, struct dirent **out);
int jvs_scan__stat_entry(DIR *d, const char *prefix, const char *name, char **path,
			 struct stat *st);
/* Lists the entry (a special file only when special, else refused); *sub
 * is its arena path when it is a directory to descend into, else NULL. */
int jvs_scan__add(jvs_scan *s, const char *path, const struct stat *st, int special,
		  const char **sub);

/* What restore needs of a snapshot entry's inode (and a fork's seed,
 * forkseed.h, its ctime: 0 when unknown). */
typedef struct {
	int64_t mtime_ns, ctime_ns;
	uint32_t uid, gid, mode;
	int ok; /* 0: not asked for, or the stat failed */
} jvs_stat_meta;

/* lstat of each paths[i] below dir_fd for which want[i] is set, into
 * out[i], with `threads` threads (round trips overlap on FUSE). */
void jvs_stat_many(int dir_fd, const char *const *paths, const unsigned char *want, size_t n,
                   jvs_stat_meta *out, int threads);

/* Hashes each paths[i] below dir_fd (no symlink followed) for which
 * want[i] is set, `threads` at a time: res[i] = 0 and out[i] the hash, or
 * res[i] = the errno of the failure. */
void jvs_hash_many(int dir_fd, const char *const *paths, const unsigned char *want, size_t n,
                   char (*out)[JVS_HASH_HEX], int *res, int threads);

#endif
