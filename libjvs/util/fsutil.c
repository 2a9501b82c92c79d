#include "jvs/fsutil.h"
#include "jvs/error.h"
#include "jvs/fault.h"
#include "jvs/sparse.h"
#include "jvs/safepath.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/btrfs.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

char *jvs_path_join(const char *a, const char *b)
{
	if (!b || !*b)
		return jvs_strf("%s", a);
	return jvs_strf("%s/%s", a, b);
}

int jvs_fsync_dir(const char *dir)
{
	int fd = jvs_safe_open_dir(dir); /* below the root: through no symlink */
	if (fd < 0)
		return jvs_error_sys("cannot open directory '%s'", dir);
	if (fsync(fd) < 0 && errno != EINVAL) {
		jvs_error_sys("cannot fsync '%s'", dir);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int jvs_fsync_parent(const char *path)
{
	char *copy = strdup(path), *slash;
	int rc;
	if (!copy)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	slash = strrchr(copy, '/');
	if (!slash)
		rc = jvs_fsync_dir(".");
	else if (slash == copy)
		rc = jvs_fsync_dir("/");
	else {
		*slash = '\0';
		rc = jvs_fsync_dir(copy);
	}
	free(copy);
	return rc;
}

int jvs_mkdir_p(const char *path, mode_t mode)
{
	char *copy, *p;
	if (jvs_safe_mkdir_p(path, mode) == 0)
		return 0;
	if (errno != EXDEV || jvs_error_last()->cls == JVS_E_PATH_ESCAPE)
		return jvs_error_sys("cannot create directory '%s'", path);
	/* not below the repository root: plain mkdir of each component */
	copy = strdup(path);
	if (!copy)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	for (p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, mode) < 0 && errno != EEXIST) {
			jvs_error_sys("cannot create directory '%s'", copy);
			free(copy);
			return -1;
		}
		*p = '/';
	}
	if (mkdir(copy, mode) < 0 && errno != EEXIST) {
		jvs_error_sys("cannot create directory '%s'", copy);
		free(copy);
		return -1;
	}
	free(copy);
	return 0;
}

int jvs_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	if (jvs_fault_disk_full()) { /* injected by a test: JVS_FAULT=enospc:... */
		errno = ENOSPC;
		return -1;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int jvs_write_file_synced(const char *path, const void *data, size_t len)
{
	return jvs_write_file_synced_mode(path, data, len, 0644);
}

int jvs_write_file_synced_mode(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = jvs_safe_open_file(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode);
	if (fd < 0)
		return jvs_error_sys("cannot create '%s'", path);
	if (jvs_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		jvs_error_sys("cannot write '%s'", path);
		close(fd);
		jvs_safe_unlink(path, 0);
		return -1;
	}
	if (close(fd) < 0) {
		jvs_error_sys("cannot write '%s'", path);
		jvs_safe_unlink(path, 0);
		return -1;
	}
	return 0;
}

int jvs_write_file_atomic(const char *path, const void *data, size_t len)
{
	char *tmp = jvs_strf("%s.tmp.%ld", path, (long)getpid());
	if (!tmp)
		return -1;
	if (jvs_write_file_synced(tmp, data, len) < 0) {
		free(tmp);
		return -1;
	}
	if (jvs_safe_rename(tmp, path) < 0) {
		jvs_error_sys("cannot write '%s'", path);
		jvs_safe_unlink(tmp, 0);
		free(tmp);
		return -1;
	}
	free(tmp);
	return jvs_fsync_parent(path);
}

int jvs_read_file(const char *path, char **out, size_t *out_len)
{
	return jvs_safe_read_file(path, JVS_READ_FILE_MAX, out, out_len);
}

/* A btrfs subvolume (snapshots of the btrfs-subvolume engine are read-only
 * ones) is deleted with BTRFS_IOC_SNAP_DESTROY; 0 when that worked. */
static int destroy_subvolume(int parent, const char *name, const struct stat *st)
{
	struct btrfs_ioctl_vol_args args;
	struct statfs sf;
	int pfd = parent, rc;
	if (!S_ISDIR(st->st_mode) || st->st_ino != 256 || strlen(name) >= sizeof args.name ||
	    strchr(name, '/'))
		return -1;
	if (parent == AT_FDCWD)
		pfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return -1;
	rc = -1;
	if (fstatfs(pfd, &sf) == 0 && (unsigned long)sf.f_type == (unsigned long)BTRFS_SUPER_MAGIC) {
		memset(&args, 0, sizeof args);
		memcpy(args.name, name, strlen(name));
		rc = ioctl(pfd, BTRFS_IOC_SNAP_DESTROY, &args);
	}
	if (pfd != parent)
		close(pfd);
	return rc;
}

static int rm_rf_at(int parent, const char *name, const char *shown)
{
	struct stat st;
	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return jvs_error_sys("cannot stat '%s'", shown);
	}
	if (S_ISDIR(st.st_mode) && st.st_ino == 256 && destroy_subvolume(parent, name, &st) == 0)
		return 0;
	if (S_ISDIR(st.st_mode)) {
		int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		DIR *d;
		struct dirent *de;
		if (fd < 0) {
			/* A directory without read permission: make it readable. */
			if (errno == EACCES && fchmodat(parent, name, 0700, AT_SYMLINK_NOFOLLOW) == 0)
				fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0)
				return jvs_error_sys("cannot open '%s'", shown);
		}
		if (!(st.st_mode & S_IWUSR))
			fchmod(fd, (st.st_mode & 07777) | S_IWUSR | S_IXUSR);
		d = fdopendir(fd);
		if (!d) {
			close(fd);
			return jvs_error_sys("cannot open '%s'", shown);
		}
		while ((de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (rm_rf_at(dirfd(d), de->d_name, shown) < 0) {
				closedir(d);
				return -1;
			}
		}
		closedir(d);
		if (unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
			return jvs_error_sys("cannot remove '%s'", shown);
		return 0;
	}
	if (unlinkat(parent, name, 0) < 0 && errno != ENOENT)
		return jvs_error_sys("cannot remove '%s'", shown);
	return 0;
}

int jvs_rm_rf(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (slash && slash[1] && slash != path) {
		/* from the parent, so that a subvolume root can be destroyed */
		const char *leaf;
		int pfd = jvs_safe_open_parent(path, &leaf), rc;
		if (pfd >= 0) {
			rc = rm_rf_at(pfd, leaf, path);
			close(pfd);
			return rc;
		}
		if (errno == ENOENT)
			return 0;
		if (jvs_safepath_is_below(path))
			return jvs_error_sys("cannot remove '%s'", path);
	}
	return rm_rf_at(AT_FDCWD, path, path);
}

int jvs_path_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int jvs_is_dir(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int jvs_dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int empty = 1;
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = 0;
			break;
		}
	}
	closedir(d);
	return empty;
}

int jvs_copy_file_data(int src_fd, int dst_fd, uint64_t size)
{
	uint64_t done = 0;
	char buf[1 << 16];
	int sparse = jvs_sparse_copy(src_fd, dst_fd); /* holes stay holes */
	if (sparse <= 0)
		return sparse;
	for (;;) {
		ssize_t n = copy_file_range(src_fd, NULL, dst_fd, NULL, 1 << 30, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP ||
			    errno == EINVAL)
				break; /* fall back to read/write below */
			return jvs_error_sys("cannot copy file data");
		}
		if (n == 0)
			return 0;
		done += (uint64_t)n;
	}
	if (done > 0 && (lseek(src_fd, (off_t)done, SEEK_SET) < 0 ||
			 lseek(dst_fd, (off_t)done, SEEK_SET) < 0))
		return jvs_error_sys("cannot seek");
	(void)size;
	for (;;) {
		ssize_t n = read(src_fd, buf, sizeof buf);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return jvs_error_sys("cannot read file data");
		}
		if (n == 0)
			return 0;
		if (jvs_write_all(dst_fd, buf, (size_t)n) < 0)
			return jvs_error_sys("cannot write file data");
	}
}

int64_t jvs_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t jvs_now_ms(void)
{
	const char *fake = getenv("JVS_TEST_NOW_MS");
	if (fake && *fake)
		return strtoll(fake, NULL, 10);
	return jvs_now_ns() / 1000000LL;
}

void jvs_format_time_ms(int64_t ms, char out[32])
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	char base[24];
	gmtime_r(&secs, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%.19s.%03uZ", base, (unsigned)(ms % 1000));
}

int jvs_parse_time_ms(const char *s, int64_t *out_ms)
{
	struct tm tm;
	int ms = 0, n = 0;
	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return -1;
	s += n;
	if (*s == '.') {
		int digits = 0;
		s++;
		while (*s >= '0' && *s <= '9') {
			if (digits < 3) {
				ms = ms * 10 + (*s - '0');
				digits++;
			}
			s++;
		}
		while (digits++ < 3)
			ms *= 10;
	}
	if (*s != 'Z' || s[1])
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out_ms = (int64_t)timegm(&tm) * 1000 + ms;
	return 0;
}
