/* File-system identity for the hash cache (SPEC §7).
 *
 * st_dev names a mount on one machine only: two machines mounting one
 * JuiceFS volume (or one machine mounting it twice) see different st_dev
 * for the same inodes. JuiceFS inode numbers, sizes and timestamps are the
 * volume's own, identical on every mount, so for a fuse.juicefs mount the
 * identity is derived from the volume's UUID (read from the mount's
 * virtual .config file). Anything else keeps st_dev. */
#ifndef JVS_FSID_H
#define JVS_FSID_H

#include <stddef.h>
#include <stdint.h>

/* The identity to store in place of st_dev. Never fails: when the mount
 * cannot be identified the dev itself is returned. Identities derived from
 * a volume UUID have bit 63 set, which no Linux dev_t value has. */
uint64_t jvs_fsid_of_dev(uint64_t dev);

/* The mount point and fstype of the mount whose st_dev is dev, from
 * /proc/self/mountinfo. 0 when found, -1 otherwise (no last-error set). */
int jvs_mount_of_dev(uint64_t dev, char *mnt, size_t mlen, char *fstype, size_t flen);

/* The JSON of the JuiceFS mount mnt's virtual .config (a regular file
 * at the mount root), or NULL (no last-error). Read in large pieces: each
 * read of that file is a round trip to the daemon. */
struct json_t;
struct json_t *jvs_juicefs_config(const char *mnt);

/* The JuiceFS volume UUID of the mount at mnt (from MNT/.config), into
 * uuid (at least 64 bytes). 0 when found, -1 otherwise (no last-error). */
int jvs_juicefs_volume_uuid(const char *mnt, char *uuid, size_t len);

#endif
