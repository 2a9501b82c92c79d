/* Opening a path below a directory fd through no symlink (see beneath.h). */
#include "beneath.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

int jvs_openat_beneath(int dirfd, const char *path, int flags)
{
	struct open_how how;
	const char *c = path;
	int cur = dirfd, fd;
	memset(&how, 0, sizeof how);
	how.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC);
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
#ifdef SYS_openat2
	fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
	if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
		return fd;
#endif
	/* No openat2 (old kernel, seccomp): walk the components. */
	if (*path == '/') {
		errno = EXDEV;
		return -1;
	}
	for (;;) {
		const char *slash = strchr(c, '/');
		char comp[256];
		size_t n = slash ? (size_t)(slash - c) : strlen(c);
		if (!slash) {
			fd = openat(cur, c, flags | O_NOFOLLOW | O_CLOEXEC);
			break;
		}
		if (n == 0 || n >= sizeof comp || (n == 2 && c[0] == '.' && c[1] == '.')) {
			errno = n >= sizeof comp ? ENAMETOOLONG : EXDEV;
			fd = -1;
			break;
		}
		memcpy(comp, c, n);
		comp[n] = '\0';
		fd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cur != dirfd) {
			int e = errno;
			close(cur);
			errno = e;
		}
		if (fd < 0)
			return -1;
		cur = fd;
		c = slash + 1;
	}
	if (cur != dirfd) {
		int e = errno;
		close(cur);
		errno = e;
	}
	return fd;
}
