/* Confined file operations: every path JVS writes, truncates, renames or
 * deletes below the repository root is reached from a descriptor of that
 * root by openat-style walking that follows no symlink in any component.
 *
 * The repository handle registers its root (jvs_safepath_set_root) and
 * holds a descriptor of it; an absolute path below it is then resolved
 * beneath that descriptor.
 * A path outside the registered root (or with none registered) is used
 * as given, like the plain system call would.
 *
 * All helpers return -1 on failure with errno set. When the failure is a
 * symlink (or a non-directory) on the way, or a file that is not a regular
 * file where one is expected, they also set the JVS last error
 * (E_PATH_ESCAPE or E_UNSUPPORTED_FILE with a hint) and mark it so that a
 * caller's later jvs_error_sys() for the same errno keeps that precise
 * error instead of a generic E_IO. */
#ifndef JVS_SAFEPATH_H
#define JVS_SAFEPATH_H

#include <stddef.h>
#include <sys/types.h>

/* Registers root (an absolute, resolved directory) as a confinement root
 * (counted: each set wants one clear). A path is confined by the innermost
 * registered root above it. A root of "/" confines nothing. */
int jvs_safepath_set_root(const char *root);
/* Drops one registration of root (NULL: forgets every root). */
void jvs_safepath_clear_root(const char *root);
/* The most recently registered root, or NULL. */
const char *jvs_safepath_root(void);
/* 1 when path lies below a registered root. */
int jvs_safepath_is_below(const char *path);

/* Opens the directory that holds path's last component, walking from the
 * root without following symlinks; *leaf points into path. O_RDONLY, so
 * the descriptor can also be fsynced. */
int jvs_safe_open_parent(const char *path, const char **leaf);
/* openat(2) beneath the root with O_NOFOLLOW|O_CLOEXEC added. */
int jvs_safe_open(const char *path, int flags, mode_t mode);
/* jvs_safe_open for a file JVS expects to be its own regular file: opened
 * with O_NONBLOCK (a FIFO cannot block), checked with fstat on the
 * descriptor, then O_NONBLOCK is cleared. A FIFO, device, directory or
 * socket is refused with E_UNSUPPORTED_FILE. */
int jvs_safe_open_file(const char *path, int flags, mode_t mode);
/* A real directory beneath the root (O_RDONLY|O_DIRECTORY). */
int jvs_safe_open_dir(const char *path);
int jvs_safe_mkdir(const char *path, mode_t mode);
/* Every missing component of path, none of them through a symlink. */
int jvs_safe_mkdir_p(const char *path, mode_t mode);
int jvs_safe_rename(const char *from, const char *to);
/* flags: 0 or AT_REMOVEDIR, as for unlinkat(2). */
int jvs_safe_unlink(const char *path, int flags);
int jvs_safe_link(const char *from, const char *to);

/* For code that must hand a path to a library that opens it by name
 * (SQLite): lstat every component below the root; refuses (E_PATH_ESCAPE)
 * a symlink or a non-directory on the way and (E_UNSUPPORTED_FILE) a last
 * component that exists and is not a regular file. 0 when missing. */
int jvs_safe_check_path(const char *path);
/* jvs_safe_check_path for an SQLite database and its side files
 * (-journal, -wal, -shm), which SQLite creates by name too. */
int jvs_safe_check_sqlite(const char *path);

/* Reads a whole regular file of at most max bytes (E_UNSUPPORTED_FILE
 * beyond, naming what) through jvs_safe_open_file. */
int jvs_safe_read_file(const char *path, size_t max, char **out, size_t *out_len);

#endif
