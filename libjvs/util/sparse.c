/* Sparse-aware file copy: only the data extents of the source are copied
 * (SEEK_DATA/SEEK_HOLE), the holes stay holes in the copy, and the copy is
 * extended to the source's size. Readers (hashing, verify) see the same
 * logical bytes: holes read as zeros. */
#include "jvs/sparse.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* Copies [off, end) from src to dst at the same offsets. */
static int copy_range(int src, int dst, off_t off, off_t end)
{
	char buf[1 << 16];
	int use_cfr = 1;
	while (off < end) {
		size_t want = (size_t)(end - off);
		ssize_t n;
		if (use_cfr) {
			loff_t in = off, out = off;
			n = copy_file_range(src, &in, dst, &out, want, 0);
			if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP ||
				      errno == EINVAL)) {
				use_cfr = 0;
				continue;
			}
		} else {
			n = pread(src, buf, want < sizeof buf ? want : sizeof buf, off);
			if (n > 0) {
				ssize_t w = 0;
				while (w < n) {
					ssize_t k = pwrite(dst, buf + w, (size_t)(n - w), off + w);
					if (k < 0 && errno == EINTR)
						continue;
					if (k < 0)
						return jvs_error_sys("cannot write file data");
					w += k;
				}
			}
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return jvs_error_sys("cannot copy file data");
		}
		if (n == 0)
			break; /* the source shrank: the caller's stat check sees it */
		off += n;
	}
	return 0;
}

int jvs_sparse_copy(int src, int dst)
{
	struct stat st;
	off_t off = 0, size;
	if (fstat(src, &st) < 0)
		return jvs_error_sys("cannot stat file to copy");
	size = st.st_size;
	/* fewer allocated blocks than bytes: holes (or inline data, compression) */
	if (!S_ISREG(st.st_mode) || size == 0 || (off_t)st.st_blocks * 512 >= size)
		return 1;
	while (off < size) {
		off_t data = lseek(src, off, SEEK_DATA), hole;
		if (data < 0) {
			if (errno == ENXIO)
				break; /* only a hole is left */
			if (off == 0 && (errno == EINVAL || errno == EOPNOTSUPP))
				return 1; /* no SEEK_DATA here: copy densely */
			return jvs_error_sys("cannot find the data of a sparse file");
		}
		hole = lseek(src, data, SEEK_HOLE);
		if (hole < 0)
			return jvs_error_sys("cannot find the holes of a sparse file");
		if (hole > size)
			hole = size;
		if (copy_range(src, dst, data, hole) < 0)
			return -1;
		off = hole;
	}
	if (ftruncate(dst, size) < 0)
		return jvs_error_sys("cannot extend the copy to %lld bytes", (long long)size);
	return 0;
}
