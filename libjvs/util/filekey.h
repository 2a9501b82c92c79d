/* The stat key of a file: what says its content may have changed. */
#ifndef JVS_FILEKEY_H
#define JVS_FILEKEY_H

#include <stdint.h>
#include <sys/stat.h>

typedef struct {
	int64_t mtime_ns, ctime_ns, size;
	uint64_t dev, ino;
	uint32_t mode; /* full st_mode */
	uint32_t uid, gid;
	uint32_t nlink; /* not part of the key: whether the inode is shared */
} jvs_filekey;

void jvs_filekey_from_stat(const struct stat *st, jvs_filekey *k);
/* Same mtime, ctime, size, device, inode and mode (not owner). */
int jvs_filekey_equal(const jvs_filekey *a, const jvs_filekey *b);

#endif
