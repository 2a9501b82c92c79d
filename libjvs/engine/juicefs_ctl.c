#include "juicefs_ctl.h"
#include "error_int.h"
#include "fsid.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The inode JuiceFS gives its virtual .control file. */
#define CTL_INODE 0x7FFFFFFF00000002ULL
/* Message type of a clone request, of a progress record in the answer. */
#define MSG_CLONE 1006u
#define ANS_PROGRESS 0xFE
/* cmode: keep uid, gid and mode (what `juicefs clone -p` sends). */
#define CLONE_PRESERVE 2
#define CLONE_CONCURRENCY 4

int jvs_juicefs_clone_file(int src_fd, int dir_fd, const char *name, uint64_t size)
{
	uint64_t done = 0;
	int dst = openat(dir_fd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (dst < 0)
		return jvs_error_sys("cannot create '%s'", name);
	while (done < size) {
		loff_t in = (loff_t)done, out = (loff_t)done;
		ssize_t n = copy_file_range(src_fd, &in, dst, &out, (size_t)(size - done), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO; /* the source is shorter than its manifest says */
			jvs_error_sys("cannot clone into '%s'", name);
			close(dst);
			unlinkat(dir_fd, name, 0);
			return -1;
		}
		done += (uint64_t)n;
	}
	if (close(dst) < 0) {
		jvs_error_sys("cannot clone into '%s'", name);
		unlinkat(dir_fd, name, 0);
		return -1;
	}
	return 0;
}

/* Releases whose clone request layout JVS knows (checked against the
 * client's own request): src inode, src parent, dst parent, name, umask,
 * cmode, concurrency. */
static int release_known(const char *v)
{
	int major, minor;
	if (!v || sscanf(v, "%d.%d", &major, &minor) != 2)
		return 0;
	return major == 1 && minor == 4;
}

static int mount_release(const char *mnt, char *out, size_t len)
{
	json_t *root = jvs_juicefs_config(mnt);
	const char *v;
	int rc = -1;
	v = json_string_value(json_object_get(root, "Version"));
	if (v && strlen(v) < len) {
		snprintf(out, len, "%s", v);
		rc = 0;
	}
	json_decref(root);
	return rc;
}

static unsigned char *put_be(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--)
		*p++ = (unsigned char)(v >> (8 * i));
	return p;
}

static void nap(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* The answer is read at most this long after it came; a read of the
 * control file is answered by the client itself, without a metadata
 * round trip, so polling often costs the volume nothing. */
#define POLL_MS 2

/* Reads the answer: progress records, then one errno byte. */
static int read_answer(int fd, int *eno)
{
	unsigned char buf[4096];
	size_t have = 0;
	long idle_ms = 0;
	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof buf - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			/* nothing yet: a working mount writes progress every 300 ms,
			 * so half a minute of silence means it is not answering */
			if (idle_ms > 30000) {
				errno = ETIMEDOUT;
				return -1;
			}
			nap(POLL_MS);
			idle_ms += POLL_MS;
			continue;
		}
		idle_ms = 0;
		have += (size_t)n;
		while (have) {
			if (buf[0] == ANS_PROGRESS) {
				if (have < 17)
					break;
				memmove(buf, buf + 17, have - 17);
				have -= 17;
				continue;
			}
			*eno = buf[0];
			return 0;
		}
	}
}

int jvs_juicefs_ctl_clone(const char *src, const char *dst)
{
	char mnt[PATH_MAX], fstype[64], rel[128], sparent[PATH_MAX], dparent[PATH_MAX];
	char ctl[PATH_MAX + 16];
	const char *env = getenv("JVS_JUICEFS_CONTROL"), *name, *slash;
	struct stat sst, spst, dpst, cst;
	unsigned char msg[8 + 8 * 3 + 1 + 255 + 2 + 1 + 1], *p;
	size_t nlen;
	int fd, eno = 0;
	if (env && !strcmp(env, "0"))
		return 1;
	if (lstat(src, &sst) < 0 || !S_ISDIR(sst.st_mode))
		return 1;
	slash = strrchr(src, '/');
	if (!slash || slash == src)
		return 1;
	snprintf(sparent, sizeof sparent, "%.*s", (int)(slash - src), src);
	slash = strrchr(dst, '/');
	if (!slash || slash == dst)
		return 1;
	snprintf(dparent, sizeof dparent, "%.*s", (int)(slash - dst), dst);
	name = slash + 1;
	nlen = strlen(name);
	if (!nlen || nlen > 255 || stat(sparent, &spst) < 0 || stat(dparent, &dpst) < 0 ||
	    spst.st_dev != sst.st_dev || dpst.st_dev != sst.st_dev)
		return 1;
	if (jvs_mount_of_dev(sst.st_dev, mnt, sizeof mnt, fstype, sizeof fstype) < 0 ||
	    strcmp(fstype, "fuse.juicefs") || mount_release(mnt, rel, sizeof rel) < 0 ||
	    !release_known(rel))
		return 1;
	snprintf(ctl, sizeof ctl, "%s/.control", mnt);
	fd = open(ctl, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 1;
	if (fstat(fd, &cst) < 0 || (uint64_t)cst.st_ino != CTL_INODE || cst.st_dev != sst.st_dev) {
		close(fd);
		return 1;
	}
	p = put_be(msg, MSG_CLONE, 4);
	p = put_be(p, 8 * 3 + 1 + nlen + 2 + 1 + 1, 4);
	p = put_be(p, (uint64_t)sst.st_ino, 8);
	p = put_be(p, (uint64_t)spst.st_ino, 8);
	p = put_be(p, (uint64_t)dpst.st_ino, 8);
	*p++ = (unsigned char)nlen;
	memcpy(p, name, nlen);
	p += nlen;
	p = put_be(p, 022, 2);
	*p++ = CLONE_PRESERVE;
	*p++ = CLONE_CONCURRENCY;
	if (write(fd, msg, (size_t)(p - msg)) != (ssize_t)(p - msg)) {
		int e = errno;
		close(fd);
		if (e == EINVAL || e == ENOTSUP || e == ENOSYS || e == EPROTO)
			return 1; /* not understood: nothing was done */
		errno = e;
		return jvs_error_sys("cannot send a clone request to '%s'", ctl);
	}
	if (read_answer(fd, &eno) < 0) {
		jvs_error_sys("no answer from '%s' to a clone request", ctl);
		close(fd);
		return -1;
	}
	close(fd);
	if (eno == 0)
		return 0;
	if ((eno == EINVAL || eno == ENOTSUP || eno == ENOSYS || eno == EPROTO) &&
	    lstat(dst, &cst) < 0 && errno == ENOENT)
		return 1; /* refused before anything was made: let the client try */
	errno = eno;
	jvs_error_sys("JuiceFS clone of '%s' failed", src);
	return jvs_error_hint("check the JuiceFS mount; JVS_SNAPSHOT_ENGINE=copy avoids cloning");
}
