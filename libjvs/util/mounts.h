/* File-system boundaries inside a worktree (SPEC §5, §6). */
#ifndef JVS_MOUNTS_H
#define JVS_MOUNTS_H

#include <stddef.h>

/* One line of /proc/self/mountinfo. */
typedef struct {
	unsigned major, minor;  /* of the mounted file system */
	const char *mount_point; /* unescaped */
	const char *fstype;
} jvs_mountinfo;

/* Calls fn for each mount the kernel lists, in its order, until fn returns
 * non-zero; returns that value, 0 when all were seen, -1 when the table
 * cannot be read (no error set: callers treat that as "unknown"). */
int jvs_mountinfo_each(int (*fn)(const jvs_mountinfo *m, void *arg), void *arg);

/* Finds the first mount point strictly below dir (a path), as listed by
 * /proc/self/mountinfo: 1 and its path in out, 0 when there is none (or
 * the mount table cannot be read), -1 on error. */
int jvs_mount_below(const char *dir, char *out, size_t outlen);

/* Like jvs_mount_below, but dir itself counts too. */
int jvs_mount_within(const char *dir, char *out, size_t outlen);
/* E_UNSUPPORTED_FILE when deleting dir would reach into a mounted file
 * system (dir itself or anything below it is a mount point). */
int jvs_mount_refuse_delete(const char *dir);

/* E_UNSUPPORTED_FILE naming the mount point when the payload root of
 * worktree (dir) holds one: JVS never crosses a file-system boundary
 * inside a worktree (a rename across it fails with EXDEV, a removal
 * would delete another file system's files). `doing` names the refused
 * operation ("snapshot", "restore", ...); callers check before they change
 * anything. */
int jvs_mount_refuse(const char *dir, const char *worktree, const char *doing);

/* E_UNSUPPORTED_FILE when directory dest is on another file system than
 * stage, where an operation builds what it then renames into dest. */
int jvs_mount_same_fs(const char *stage, const char *dest, const char *doing);

#endif
