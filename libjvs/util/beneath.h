/* Opening a path below a directory fd through no symlink. */
#ifndef JVS_BENEATH_H
#define JVS_BENEATH_H

/* openat() of a relative path that follows no symlink in any component and
 * cannot leave dirfd (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS, or a
 * component walk where that is missing). Sets errno (ELOOP, EXDEV) like
 * openat; does not set the JVS error. */
int jvs_openat_beneath(int dirfd, const char *path, int flags);

#endif
