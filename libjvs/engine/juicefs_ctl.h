/* Talking to a JuiceFS mount directly, without a `juicefs` process.
 *
 * A single file is cloned with copy_file_range, which JuiceFS serves in its
 * metadata (the new file shares the source's slices; no data is copied).
 * A directory tree is cloned by one request written to the mount's control
 * file (.control at the mount root, a virtual file of the JuiceFS client),
 * the request `juicefs clone -p` itself writes; the mount answers with
 * progress records and a final errno byte. The request layout differs
 * between JuiceFS releases and carries no version, so it is sent only to a
 * mount whose .config reports a release whose layout JVS knows; anything
 * else is left to the `juicefs` client. */
#ifndef JVS_JUICEFS_CTL_H
#define JVS_JUICEFS_CTL_H

#include <stdint.h>

/* Creates name in dir_fd (O_EXCL, mode 0600) holding src_fd's size bytes
 * by copy_file_range. 0; or -1 with the last error set and nothing left
 * behind. */
int jvs_juicefs_clone_file(int src_fd, int dir_fd, const char *name, uint64_t size);

/* Clones the tree src to dst (which must not exist; same mount) through
 * the control file, preserving owner, mode and times like `juicefs clone
 * -p`. 0 when done; 1 when the control file cannot be used here (absent,
 * not JuiceFS's, unknown release, refused by the mount before doing
 * anything, or JVS_JUICEFS_CONTROL=0): the caller falls back to the
 * client, nothing was made; -1 with the last error set when the mount
 * tried and failed. */
int jvs_juicefs_ctl_clone(const char *src, const char *dst);

#endif
