#include "jvs/engine.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/safepath.h"
#include "jvs/juicefs_ctl.h"
#include "jvs/mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/btrfs.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#define JVS_FUSE_SUPER_MAGIC 0x65735546

extern char **environ;

const char *jvs_engine_name(jvs_engine_kind kind)
{
	switch (kind) {
	case JVS_ENGINE_REFLINK:
		return "reflink-copy";
	case JVS_ENGINE_JUICEFS:
		return "juicefs-clone";
	case JVS_ENGINE_BTRFS:
		return "btrfs-subvolume";
	default:
		return "copy";
	}
}

/* Tries FICLONE between two scratch files in .jvs/tmp. */
static int reflink_works(const jvs_repo *repo)
{
	char *a = jvs_repo_pathf(repo, "tmp/.probe-%ld-a", (long)getpid());
	char *b = jvs_repo_pathf(repo, "tmp/.probe-%ld-b", (long)getpid());
	int fa = -1, fb = -1, ok = 0;
	if (!a || !b)
		goto done;
	fa = jvs_safe_open_file(a, O_RDWR | O_CREAT | O_TRUNC, 0600);
	fb = jvs_safe_open_file(b, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fa < 0 || fb < 0)
		goto done;
	if (write(fa, "jvs", 3) != 3)
		goto done;
	ok = ioctl(fb, FICLONE, fa) == 0;
done:
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	if (a)
		jvs_safe_unlink(a, 0);
	if (b)
		jvs_safe_unlink(b, 0);
	free(a);
	free(b);
	jvs_error_clear();
	return ok;
}

/* The juicefs client: $JVS_JUICEFS, else the first `juicefs` on PATH. */
static int find_juicefs(char *out, size_t len)
{
	const char *env = getenv("JVS_JUICEFS"), *path = getenv("PATH");
	if (env && *env) {
		snprintf(out, len, "%s", env);
		return access(out, X_OK) == 0;
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path; *p;) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		struct stat st;
		if (n && n + sizeof "/juicefs" < len) {
			snprintf(out, len, "%.*s/juicefs", (int)n, p);
			if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
				return 1;
		}
		if (!end)
			break;
		p = end + 1;
	}
	out[0] = '\0';
	return 0;
}

typedef struct {
	const char *path;
	char *fstype, *mnt;
	size_t flen, mlen, best;
	int found;
} fstype_ctx;

static int fstype_one(const jvs_mountinfo *m, void *arg)
{
	fstype_ctx *c = arg;
	size_t ml = strlen(m->mount_point);
	if (strcmp(m->mount_point, "/") &&
	    (strncmp(c->path, m->mount_point, ml) || (c->path[ml] != '/' && c->path[ml] != '\0')))
		return 0;
	if (!strcmp(m->mount_point, "/"))
		ml = 1;
	if (ml >= c->best) {
		c->best = ml;
		snprintf(c->fstype, c->flen, "%s", m->fstype);
		snprintf(c->mnt, c->mlen, "%s", m->mount_point);
		c->found = 1;
	}
	return 0;
}

/* fstype of the mount holding path (the longest mount point above it,
 * the last one listed when stacked). 0 when unknown. */
static int mount_fstype(const char *path, char *fstype, size_t flen, char *mnt, size_t mlen)
{
	fstype_ctx c = {path, fstype, mnt, flen, mlen, 0, 0};
	jvs_mountinfo_each(fstype_one, &c);
	return c.found;
}

/* 1 when the repo is on a JuiceFS mount and the client is at hand; else 0
 * with the reason in why. */
static int juicefs_works(const jvs_repo *repo, jvs_engine *out, char *why, size_t wlen)
{
	char real[PATH_MAX], fstype[64] = "", mnt[PATH_MAX] = "";
	struct statfs sf;
	if (!realpath(jvs_repo_root(repo), real) || statfs(real, &sf) < 0) {
		snprintf(why, wlen, "cannot inspect the repository's file system");
		return 0;
	}
	if ((unsigned long)sf.f_type != JVS_FUSE_SUPER_MAGIC) {
		snprintf(why, wlen, "the repository is not on a FUSE (JuiceFS) mount");
		return 0;
	}
	if (!mount_fstype(real, fstype, sizeof fstype, mnt, sizeof mnt) ||
	    strcmp(fstype, "fuse.juicefs")) {
		snprintf(why, wlen, "the repository's FUSE mount is %s, not fuse.juicefs",
			 fstype[0] ? fstype : "unknown");
		return 0;
	}
	if (!find_juicefs(out->juicefs, sizeof out->juicefs)) {
		snprintf(why, wlen, "JuiceFS mount %.200s, but no juicefs client on PATH", mnt);
		return 0;
	}
	snprintf(why, wlen, "JuiceFS mount %.90s (fuse.juicefs), client %.90s", mnt,
		 out->juicefs);
	return 1;
}

static int on_btrfs(const char *path)
{
	struct statfs sf;
	return statfs(path, &sf) == 0 && (unsigned long)sf.f_type == (unsigned long)BTRFS_SUPER_MAGIC;
}

int jvs_btrfs_is_subvolume(const char *path)
{
	struct stat st;
	/* BTRFS_FIRST_FREE_OBJECTID: the inode number of every subvolume root */
	return on_btrfs(path) && stat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_ino == 256;
}

/* Opens the parent directory of path; *leaf points into path. */
static int open_parent(const char *path, const char **leaf, char *buf, size_t len)
{
	(void)buf;
	(void)len;
	return jvs_safe_open_parent(path, leaf); /* through no symlink below the root */
}

int jvs_btrfs_subvolume_create(const char *path)
{
	struct btrfs_ioctl_vol_args args;
	char dir[PATH_MAX];
	const char *leaf;
	int pfd = open_parent(path, &leaf, dir, sizeof dir), rc;
	if (pfd < 0)
		return jvs_error_sys("cannot open the directory of '%s'", path);
	memset(&args, 0, sizeof args);
	snprintf(args.name, sizeof args.name, "%s", leaf);
	rc = ioctl(pfd, BTRFS_IOC_SUBVOL_CREATE, &args);
	close(pfd);
	if (rc < 0)
		return jvs_error_sys("cannot create btrfs subvolume '%s'", path);
	return 0;
}

static int btrfs_snapshot(const char *src, const char *dst, int readonly)
{
	struct btrfs_ioctl_vol_args_v2 args;
	char dir[PATH_MAX];
	const char *leaf;
	int sfd, pfd, rc;
	sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0)
		return jvs_error_sys("cannot open '%s'", src);
	pfd = open_parent(dst, &leaf, dir, sizeof dir);
	if (pfd < 0) {
		close(sfd);
		return jvs_error_sys("cannot open the directory of '%s'", dst);
	}
	memset(&args, 0, sizeof args);
	args.fd = sfd;
	args.flags = readonly ? BTRFS_SUBVOL_RDONLY : 0;
	snprintf(args.name, sizeof args.name, "%s", leaf);
	rc = ioctl(pfd, BTRFS_IOC_SNAP_CREATE_V2, &args);
	close(sfd);
	close(pfd);
	if (rc < 0) {
		jvs_error_sys("cannot snapshot btrfs subvolume '%s'", src);
		return jvs_error_hint("JVS_SNAPSHOT_ENGINE=reflink-copy avoids subvolume snapshots");
	}
	return 0;
}

int jvs_btrfs_snapshot_writable(const char *src, const char *dst)
{
	return btrfs_snapshot(src, dst, 0);
}

int jvs_engine_detect(const jvs_repo *repo, jvs_engine *out)
{
	const char *want = jvs_engine_requested();
	char jwhy[sizeof out->why];
	memset(out, 0, sizeof *out);
	if (want && *want) {
		if (!strcmp(want, "copy")) {
			out->kind = JVS_ENGINE_COPY;
			snprintf(out->why, sizeof out->why, "requested by JVS_SNAPSHOT_ENGINE");
			return 0;
		}
		if (!strcmp(want, "reflink-copy")) {
			if (reflink_works(repo)) {
				out->kind = JVS_ENGINE_REFLINK;
				snprintf(out->why, sizeof out->why,
					 "requested by JVS_SNAPSHOT_ENGINE");
				return 0;
			}
			out->kind = JVS_ENGINE_COPY;
			snprintf(out->why, sizeof out->why,
				 "reflink-copy requested but FICLONE does not work here");
			snprintf(out->degraded, sizeof out->degraded,
				 "engine: reflink-copy unavailable, used copy");
			return 0;
		}
		if (!strcmp(want, "btrfs-subvolume")) {
			if (on_btrfs(jvs_repo_root(repo)) && reflink_works(repo)) {
				out->kind = JVS_ENGINE_BTRFS;
				snprintf(out->why, sizeof out->why,
					 "requested by JVS_SNAPSHOT_ENGINE; btrfs");
				return 0;
			}
			out->kind = reflink_works(repo) ? JVS_ENGINE_REFLINK : JVS_ENGINE_COPY;
			snprintf(out->why, sizeof out->why,
				 "btrfs-subvolume requested but the repository is not on btrfs");
			snprintf(out->degraded, sizeof out->degraded,
				 "engine: btrfs-subvolume unavailable (not btrfs), used %s",
				 jvs_engine_name(out->kind));
			return 0;
		}
		if (!strcmp(want, "juicefs-clone")) {
			if (juicefs_works(repo, out, jwhy, sizeof jwhy)) {
				out->kind = JVS_ENGINE_JUICEFS;
				snprintf(out->why, sizeof out->why,
					 "requested by JVS_SNAPSHOT_ENGINE; %.200s", jwhy);
				return 0;
			}
			out->kind = reflink_works(repo) ? JVS_ENGINE_REFLINK : JVS_ENGINE_COPY;
			snprintf(out->why, sizeof out->why,
				 "juicefs-clone requested but unavailable: %.200s", jwhy);
			snprintf(out->degraded, sizeof out->degraded,
				 "engine: juicefs-clone unavailable (%.150s), used %s", jwhy,
				 jvs_engine_name(out->kind));
			return 0;
		}
		jvs_error_set(JVS_E_USAGE, "unknown JVS_SNAPSHOT_ENGINE '%s'", want);
		return jvs_error_hint("use juicefs-clone, btrfs-subvolume, reflink-copy or copy");
	}
	if (juicefs_works(repo, out, jwhy, sizeof jwhy)) {
		out->kind = JVS_ENGINE_JUICEFS;
		snprintf(out->why, sizeof out->why, "%s", jwhy);
		return 0;
	}
	if (reflink_works(repo)) {
		if (on_btrfs(jvs_repo_root(repo))) {
			out->kind = JVS_ENGINE_BTRFS;
			snprintf(out->why, sizeof out->why,
				 "btrfs: payload roots that are subvolumes are snapshotted as "
				 "read-only subvolume snapshots, other files cloned with FICLONE");
			return 0;
		}
		out->kind = JVS_ENGINE_REFLINK;
		snprintf(out->why, sizeof out->why, "FICLONE works on this file system");
		return 0;
	}
	out->kind = JVS_ENGINE_COPY;
	snprintf(out->why, sizeof out->why,
		 "no copy-on-write cloning here; unchanged files are hard-linked between snapshots");
	return 0;
}

int jvs_engine_is_clone(const jvs_engine *e)
{
	return e->kind == JVS_ENGINE_REFLINK || e->kind == JVS_ENGINE_JUICEFS ||
	       e->kind == JVS_ENGINE_BTRFS;
}

int jvs_engine_clone(const jvs_engine *e, const char *src, const char *dst)
{
	char msg[512] = "", buf[512];
	size_t mlen = 0;
	int pipefd[2], status;
	pid_t pid;
	ssize_t n;
	if (e->kind == JVS_ENGINE_BTRFS)
		return btrfs_snapshot(src, dst, 1);
	if (e->kind != JVS_ENGINE_JUICEFS || !e->juicefs[0])
		return jvs_error_set(JVS_E_INTERNAL, "juicefs clone without a JuiceFS engine");
	/* one request to the mount's control file; the client when it cannot */
	switch (jvs_juicefs_ctl_clone(src, dst)) {
	case 0:
		return 0;
	case 1:
		break;
	default:
		return -1;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return jvs_error_sys("cannot run juicefs");
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return jvs_error_sys("cannot run juicefs");
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		char *argv[] = {(char *)e->juicefs, "clone", "-p", (char *)src, (char *)dst, NULL};
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		execve(e->juicefs, argv, environ);
		_exit(127);
	}
	close(pipefd[1]);
	/* Keep the last non-empty line of the client's output. */
	while ((n = read(pipefd[0], buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n' || buf[i] == '\r') {
				if (mlen)
					msg[mlen] = '\0', mlen = 0;
				continue;
			}
			if (mlen == 0)
				msg[0] = '\0';
			if (mlen + 1 < sizeof msg)
				msg[mlen++] = buf[i];
		}
	}
	if (mlen)
		msg[mlen] = '\0';
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return jvs_error_sys("cannot wait for juicefs");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	jvs_error_set(JVS_E_IO, "juicefs clone '%s' failed (%s%d): %s", src,
		      WIFEXITED(status) ? "exit " : "signal ",
		      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
		      msg[0] ? msg : "no message");
	return jvs_error_hint("check the JuiceFS mount; JVS_SNAPSHOT_ENGINE=copy avoids cloning");
}

int jvs_engine_copy_data(const jvs_engine *e, int src_fd, int dst_fd, uint64_t size)
{
	if ((e->kind == JVS_ENGINE_REFLINK || e->kind == JVS_ENGINE_BTRFS) &&
	    ioctl(dst_fd, FICLONE, src_fd) == 0)
		return 0;
	return jvs_copy_file_data(src_fd, dst_fd, size);
}
