/* Extended attributes of payload entries, in the manifest's encoding
 * (jvs-format(5), "Extended attributes").
 *
 * An entry's set is encoded as NAME=VALUE items joined by ',', sorted by the
 * encoded NAME in byte order: NAME with every byte outside '!'..'~' and the
 * bytes '%', ',', '=' written %XX (upper-case hex), VALUE as lower-case hex
 * (empty for an empty value). Captured namespaces: user.*, trusted.*,
 * security.*, system.posix_acl_access and system.posix_acl_default; any
 * other name (and a value that cannot be read) is counted as lost. */
#ifndef JVS_XATTR_H
#define JVS_XATTR_H

#include <stdint.h>

#include <stddef.h>

/* *enc: malloc'd encoding, NULL when the entry has none (or the file system
 * has no xattrs); *lost: the number of names not captured. -1 only on an
 * unexpected error (set). The fd variant reads an open file or directory;
 * the _at variant reads relpath beneath dirfd without following a symlink in
 * any component, nor the entry itself (symlinks have their own xattrs). */
int jvs_xattr_read_fd(int fd, char **enc, unsigned *lost);
int jvs_xattr_read_at(int dirfd, const char *relpath, char **enc, unsigned *lost);

/* jvs_xattr_read_at for callers visiting many entries: the directory of the
 * last entry stays open, so entries of one directory cost one call each.
 * Initialise with JVS_XATTR_CURSOR(dirfd); jvs_xattr_cursor_close when done. */
typedef struct {
	int root;  /* not owned */
	char *dir; /* relative path of the open directory, or NULL */
	int dfd;
	int probed, none; /* jvs_xattr_cursor_none's answer, once asked */
	uint64_t none_dev;
} jvs_xattr_cursor;
#define JVS_XATTR_CURSOR(dirfd) {(dirfd), NULL, -1, 0, 0, 0}
int jvs_xattr_read_cursor(jvs_xattr_cursor *c, const char *relpath, char **enc,
			  unsigned *lost);
void jvs_xattr_cursor_close(jvs_xattr_cursor *c);
/* 1 when no entry of file system dev below the cursor's root can have
 * xattrs, so that reading them may be skipped: the root is on a FUSE mount
 * whose kernel answers listxattr with EOPNOTSUPP (once the daemon said
 * ENOSYS it is not asked again, for any inode: JuiceFS without
 * --enable-xattr). Reading an entry's xattrs there costs a lookup round
 * trip per entry for nothing. Asked once per cursor. */
int jvs_xattr_cursor_none(jvs_xattr_cursor *c, uint64_t dev);

/* The xattrs an entry of a snapshot is recorded with: its manifest field
 * when it has one; else those on the snapshot's own file (snapshots made
 * before xattrs were in the manifest copied user.* onto their files; newer
 * snapshots' files carry none but their record's; only user.* are taken
 * from a file, nothing privileged that is not hashed). *out is malloc'd or
 * NULL. snap is a cursor on the snapshot's payload (root -1: none). */
int jvs_xattr_effective(jvs_xattr_cursor *snap, const char *path, const char *recorded,
			char **out);

/* 1 when s[0..n) is a canonical, non-empty encoding. */
int jvs_xattr_valid(const char *s, size_t n);

/* 1 when two encodings (NULL or "" for none) name the same set. */
int jvs_xattr_equal(const char *a, const char *b);

/* Makes the captured xattrs of leaf in directory pfd (not followed) exactly
 * enc (NULL: none): removes others, sets what differs. Names the file system
 * refuses are counted in *refused, the first refusal's errno in *err; the
 * return is -1 only on an unexpected error (set). */
int jvs_xattr_apply_at(int pfd, const char *leaf, const char *enc, unsigned *refused, int *err);

/* The same on an open file or directory. */
int jvs_xattr_apply_fd(int fd, const char *enc, unsigned *refused, int *err);

#endif
