/* File system helpers: durable writes, reads, tree removal, time. */
#ifndef JVS_FSUTIL_H
#define JVS_FSUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "beneath.h" /* jvs_openat_beneath */
#include "str.h"     /* jvs_strf */

char *jvs_path_join(const char *a, const char *b);

int jvs_fsync_dir(const char *dir);
/* fsync the directory containing path. */
int jvs_fsync_parent(const char *path);
int jvs_mkdir_p(const char *path, mode_t mode);
/* Write tmp in the same directory, fsync, rename over path, fsync dir. */
int jvs_write_file_atomic(const char *path, const void *data, size_t len);
/* Creates or truncates path, writes data and fsyncs it (not its directory):
 * for temporary files the caller renames into place and syncs after. */
int jvs_write_file_synced(const char *path, const void *data, size_t len);
/* The same, creating path with permission bits mode (umask applies). */
int jvs_write_file_synced_mode(const char *path, const void *data, size_t len, mode_t mode);
/* write(2) until all of data is written (EINTR retried); -1 with errno set. */
int jvs_write_all(int fd, const void *data, size_t len);
/* Reads a whole regular file (never a FIFO or device: E_UNSUPPORTED_FILE),
 * below the repository root through no symlink (safepath.h); at most
 * JVS_READ_FILE_MAX bytes. */
#define JVS_READ_FILE_MAX ((size_t)1 << 30)
int jvs_read_file(const char *path, char **out, size_t *out_len);
/* Remove a tree (no symlink following, and below the repository root none on
 * the way to it either). Missing path is not an error. */
int jvs_rm_rf(const char *path);
int jvs_path_exists(const char *path);
int jvs_is_dir(const char *path);
int jvs_dir_is_empty(const char *path);

/* Copies regular file contents with copy_file_range (fallback read/write);
 * a sparse source is copied extent by extent, keeping its holes.
 * dst is created with O_EXCL. Does not set metadata. */
int jvs_copy_file_data(int src_fd, int dst_fd, uint64_t size);

int64_t jvs_now_ms(void);
int64_t jvs_now_ns(void);
/* RFC 3339 UTC with milliseconds: 2026-01-02T03:04:05.678Z */
void jvs_format_time_ms(int64_t ms, char out[32]);
/* Parses the format above (and without fraction); returns -1 on error. */
int jvs_parse_time_ms(const char *s, int64_t *out_ms);

#endif
