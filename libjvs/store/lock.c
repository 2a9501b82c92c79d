#include "jvs/lock.h"
#include "layout.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/safepath.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

struct jvs_lock {
	int fd;
	char *path;
};

static char lock_command[64] = "jvs";

void jvs_lock_set_command(const char *command)
{
	snprintf(lock_command, sizeof lock_command, "%s", command);
}

/* pids holding a flock on the file, from /proc/locks (local holders only). */
static size_t local_holders(const char *path, long *pids, size_t max)
{
	struct stat st;
	char line[256];
	size_t n = 0;
	FILE *f;
	if (stat(path, &st) < 0 || !(f = fopen("/proc/locks", "re")))
		return 0;
	while (n < max && fgets(line, sizeof line, f)) {
		unsigned maj, min;
		unsigned long ino;
		long pid;
		char kind[16];
		if (strstr(line, "->"))
			continue; /* a waiter, not a holder */
		if (sscanf(line, "%*d: %15s %*s %*s %ld %x:%x:%lu", kind, &pid, &maj, &min, &ino) != 5 ||
		    strcmp(kind, "FLOCK"))
			continue;
		if (ino == st.st_ino && maj == major(st.st_dev) && min == minor(st.st_dev))
			pids[n++] = pid;
	}
	fclose(f);
	return n;
}

static void describe_holder(const char *path, char *out, size_t outlen)
{
	char *holder = jvs_strf("%s.holder", path), *buf = NULL;
	long pids[16], recorded = -1;
	size_t len, n = local_holders(path, pids, 16);
	snprintf(out, outlen, "another process");
	if (holder && jvs_read_file(holder, &buf, &len) == 0 && len > 0) {
		while (len > 0 && buf[len - 1] == '\n')
			buf[--len] = '\0';
		sscanf(buf, "pid %ld", &recorded);
	}
	jvs_error_clear();
	for (size_t i = 0; i < n; i++)
		if (pids[i] == recorded) {
			snprintf(out, outlen, "%s", buf);
			goto done;
		}
	if (n > 0) {
		char comm_path[64], comm[64] = "?";
		FILE *f;
		snprintf(comm_path, sizeof comm_path, "/proc/%ld/comm", pids[0]);
		if ((f = fopen(comm_path, "re"))) {
			if (fgets(comm, sizeof comm, f))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(f);
		}
		snprintf(out, outlen, "pid %ld (%s)", pids[0], comm);
	} else if (buf && recorded > 0) {
		/* Not held here: another machine sharing the volume, per its record. */
		snprintf(out, outlen, "%s", buf);
	}
done:
	free(buf);
	free(holder);
}

static void record_holder(const char *path)
{
	char host[256] = "?", line[512];
	char *holder = jvs_strf("%s.holder", path);
	int fd;
	if (!holder)
		return;
	gethostname(host, sizeof host - 1);
	snprintf(line, sizeof line, "pid %ld on %s (%s)\n", (long)getpid(), host, lock_command);
	/* never through a symlink, never a FIFO: the record is advisory, so a
	 * holder file that is not JVS's own is just not written */
	fd = jvs_safe_open_file(holder, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	jvs_error_clear();
	if (fd >= 0) {
		if (write(fd, line, strlen(line)) < 0) {
			/* holder info is advisory */
		}
		close(fd);
	}
	free(holder);
}

static int64_t elapsed_ms(const struct timespec *from, const struct timespec *to)
{
	return ((int64_t)to->tv_sec - from->tv_sec) * 1000 +
	       ((int64_t)to->tv_nsec - from->tv_nsec) / 1000000;
}

int jvs_lock_acquire(const jvs_repo *repo, const char *name, jvs_lock_mode mode,
		     int wait_seconds, jvs_lock **out)
{
	char *path = jvs_layout_lock(repo, name);
	int fd, op = mode == JVS_LOCK_EXCLUSIVE ? LOCK_EX : LOCK_SH;
	struct timespec start, now;
	jvs_lock *lock;
	if (!path)
		return -1;
	fd = jvs_safe_open_file(path, O_RDWR | O_CREAT, 0644);
	if (fd < 0) {
		jvs_error_sys("cannot open lock '%s'", path);
		free(path);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (flock(fd, op | (wait_seconds < 0 ? 0 : LOCK_NB)) == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			jvs_error_sys("cannot lock '%s'", path);
			goto fail;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (elapsed_ms(&start, &now) >= (int64_t)wait_seconds * 1000) {
			char holder[512];
			describe_holder(path, holder, sizeof holder);
			jvs_error_set(JVS_E_LOCKED, "%s lock is held by %s", name, holder);
			jvs_error_hint("retry later, or wait for it with --wait[=SECONDS]");
			goto fail;
		}
		usleep(50000);
	}
	record_holder(path);
	lock = malloc(sizeof *lock);
	if (!lock) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		goto fail;
	}
	lock->fd = fd;
	lock->path = path;
	*out = lock;
	return 0;
fail:
	close(fd);
	free(path);
	return -1;
}

void jvs_lock_release(jvs_lock *lock)
{
	if (!lock)
		return;
	close(lock->fd);
	free(lock->path);
	free(lock);
}
