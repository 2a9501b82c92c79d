/* Confined file operations below the repository root (see safepath.h). */
#include "safepath.h"
#include "error_int.h"
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The registered roots (a few repository handles may be open at once);
 * below_root() picks the one a path lies under for the operation at hand. */
#define MAX_ROOTS 8
struct confinement_root {
	char *path;
	size_t len;
	int fd;
	int refs;
};
static struct confinement_root roots[MAX_ROOTS];
static size_t nroots;
static const struct confinement_root *active;

#define root_path (active->path)
#define root_fd (active->fd)

static struct confinement_root *find_root(const char *root)
{
	for (size_t i = 0; i < nroots; i++)
		if (!strcmp(roots[i].path, root))
			return &roots[i];
	return NULL;
}

int jvs_safepath_set_root(const char *root)
{
	struct confinement_root *r;
	size_t len;
	int fd;
	if (!root || root[0] != '/')
		return jvs_error_set(JVS_E_INTERNAL, "confinement root must be absolute");
	len = strlen(root);
	while (len > 1 && root[len - 1] == '/')
		len--;
	if (len == 1)
		return 0; /* a repository at / : everything is below it, nothing to confine */
	if ((r = find_root(root)) && r->len == len) {
		r->refs++;
		return 0;
	}
	if (nroots == MAX_ROOTS)
		return jvs_error_set(JVS_E_INTERNAL, "too many repositories open at once");
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return jvs_error_sys("cannot open '%s'", root);
	r = &roots[nroots];
	r->path = strndup(root, len);
	if (!r->path) {
		close(fd);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	r->len = len;
	r->fd = fd;
	r->refs = 1;
	nroots++;
	return 0;
}

void jvs_safepath_clear_root(const char *root)
{
	struct confinement_root *r;
	if (!root) {
		while (nroots > 0) {
			r = &roots[--nroots];
			close(r->fd);
			free(r->path);
		}
		return;
	}
	r = find_root(root);
	if (!r || --r->refs > 0)
		return;
	close(r->fd);
	free(r->path);
	*r = roots[--nroots];
}

const char *jvs_safepath_root(void)
{
	return nroots ? roots[nroots - 1].path : NULL;
}

/* The part of path below the innermost registered root that holds it,
 * with repeated and trailing slashes dropped, in buf (active: that root);
 * NULL when path is below none (or is a root itself). */
static const char *below_root(const char *path, char *buf, size_t len)
{
	const struct confinement_root *best = NULL;
	const char *p;
	size_t n = 0;
	for (size_t i = 0; i < nroots; i++)
		if (!strncmp(path, roots[i].path, roots[i].len) && path[roots[i].len] == '/' &&
		    (!best || roots[i].len > best->len))
			best = &roots[i];
	if (!best)
		return NULL;
	active = best;
	for (p = path + best->len; *p; p++) {
		if (*p == '/' && (n == 0 || buf[n - 1] == '/'))
			continue;
		if (n + 1 >= len)
			return NULL;
		buf[n++] = *p;
	}
	while (n > 0 && buf[n - 1] == '/')
		n--;
	buf[n] = '\0';
	return n ? buf : NULL;
}

int jvs_safepath_is_below(const char *path)
{
	char buf[PATH_MAX];
	return below_root(path, buf, sizeof buf) != NULL;
}

/* Sets E_PATH_ESCAPE for the first component of rel that is a symlink or
 * not a directory (the last one: a symlink), and keeps errno. */
static void explain_escape(const char *rel, int err)
{
	char shown[PATH_MAX];
	const char *c = rel, *what = NULL;
	int cur = root_fd;
	for (;;) {
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);
		struct stat st;
		char comp[NAME_MAX + 1];
		int next;
		if (n == 0 || n > NAME_MAX)
			break;
		memcpy(comp, c, n);
		comp[n] = '\0';
		snprintf(shown, sizeof shown, "%.*s", (int)(c - rel + (ptrdiff_t)n), rel);
		if (!strcmp(comp, "..") || !strcmp(comp, ".")) {
			what = "a step out of its directory";
			break;
		}
		if (fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) < 0)
			break;
		if (S_ISLNK(st.st_mode)) {
			what = "a symlink";
			break;
		}
		if (!slash)
			break;
		if (!S_ISDIR(st.st_mode)) {
			what = "not a directory";
			break;
		}
		next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cur != root_fd)
			close(cur);
		if (next < 0) {
			cur = root_fd;
			break;
		}
		cur = next;
		c = slash + 1;
	}
	if (cur != root_fd)
		close(cur);
	if (what)
		jvs_error_set(JVS_E_PATH_ESCAPE, "'%s/%s' is %s", root_path, shown, what);
	else
		jvs_error_set(JVS_E_PATH_ESCAPE, "'%s/%s' leads through a symlink or a non-directory",
			      root_path, rel);
	jvs_error_hint("JVS never follows a symlink inside the repository; replace it with "
		       "the real file or directory (see 'jvs doctor')");
	jvs_error_stick(err);
	errno = err;
}

static int is_escape_errno(int err)
{
	return err == ELOOP || err == EXDEV || err == ENOTDIR;
}

/* Parent directory of rel beneath the root, and the leaf name. */
static int open_parent_below(const char *rel, const char **leaf)
{
	const char *slash = strrchr(rel, '/');
	char dir[PATH_MAX];
	int fd;
	*leaf = slash ? slash + 1 : rel;
	if (!strcmp(*leaf, "..") || !strcmp(*leaf, ".")) {
		explain_escape(rel, EXDEV);
		return -1;
	}
	if (!slash)
		return fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
	snprintf(dir, sizeof dir, "%.*s", (int)(slash - rel), rel);
	fd = jvs_openat_beneath(root_fd, dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0 && is_escape_errno(errno))
		explain_escape(rel, errno);
	return fd;
}

/* Opens the plain parent of a path outside the root. */
static int open_parent_plain(const char *path, const char **leaf)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	if (!slash) {
		*leaf = path;
		return open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	*leaf = slash + 1;
	snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Parent descriptor of path; *rel is its part below the root or NULL. */
static int parent_of(const char *path, char *buf, size_t len, const char **rel,
		     const char **leaf)
{
	*rel = below_root(path, buf, len);
	return *rel ? open_parent_below(*rel, leaf) : open_parent_plain(path, leaf);
}

int jvs_safe_open_parent(const char *path, const char **leaf)
{
	char buf[PATH_MAX];
	const char *rel, *l;
	int fd = parent_of(path, buf, sizeof buf, &rel, &l);
	/* leaf must point into the caller's path, not into buf */
	*leaf = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	(void)l;
	return fd;
}

/* After a failed open of leaf in pfd: a symlink leaf is an escape. */
static void explain_leaf(int pfd, const char *rel, const char *leaf, int err)
{
	struct stat st;
	if (rel && fstatat(pfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		explain_escape(rel, err);
	errno = err;
}

static const char *file_kind(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISLNK(m))
		return "a symlink";
	return "not a regular file";
}

/* errno ENXIO, as Linux itself answers a non-blocking write open of a FIFO
 * without a reader: rare among file errors, so the sticky error is not kept
 * for an unrelated failure. */
static int refuse_not_regular(const char *path, mode_t m)
{
	jvs_error_set(JVS_E_UNSUPPORTED_FILE, "'%s' is %s, not the regular file JVS expects",
		      path, file_kind(m));
	jvs_error_hint("remove or replace it; 'jvs doctor' reports what else is wrong");
	jvs_error_stick(ENXIO);
	errno = ENXIO;
	return -1;
}

/* Before opening a file JVS expects to be its own regular file: refuses
 * what lstat already shows is not one (a symlink only below the root). */
static int refuse_leaf_early(int pfd, const char *path, const char *rel, const char *leaf)
{
	struct stat st;
	if (fstatat(pfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISREG(st.st_mode) ||
	    (S_ISLNK(st.st_mode) && !rel))
		return 0;
	if (S_ISLNK(st.st_mode)) {
		explain_escape(rel, ELOOP);
		return -1;
	}
	return refuse_not_regular(path, st.st_mode);
}

/* After opening with O_NONBLOCK: the descriptor must be a regular file
 * (checked on it, not on the name); then it blocks again unless asked. */
static int accept_regular(int fd, const char *path, int keep_nonblock)
{
	struct stat st;
	int err;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) { /* swapped in after the early check */
		close(fd);
		return refuse_not_regular(path, st.st_mode);
	}
	if (!keep_nonblock && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		goto fail;
	return fd;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

static int open_in(const char *path, int flags, mode_t mode, int regular)
{
	char buf[PATH_MAX];
	const char *rel, *leaf;
	int pfd = parent_of(path, buf, sizeof buf, &rel, &leaf), fd, err;
	int caller_nonblock = flags & O_NONBLOCK;
	if (pfd < 0)
		return -1;
	if (rel)
		flags |= O_NOFOLLOW;
	if (regular) {
		if (refuse_leaf_early(pfd, path, rel, leaf) < 0) {
			err = errno;
			close(pfd);
			errno = err;
			return -1;
		}
		flags |= O_NONBLOCK;
	}
	fd = openat(pfd, leaf, flags | O_CLOEXEC, mode);
	err = errno;
	if (fd < 0)
		explain_leaf(pfd, rel, leaf, err);
	close(pfd);
	errno = err;
	if (fd < 0 || !regular)
		return fd;
	return accept_regular(fd, path, caller_nonblock);
}

int jvs_safe_open(const char *path, int flags, mode_t mode)
{
	return open_in(path, flags, mode, 0);
}

int jvs_safe_open_file(const char *path, int flags, mode_t mode)
{
	return open_in(path, flags, mode, 1);
}

int jvs_safe_open_dir(const char *path)
{
	char buf[PATH_MAX];
	const char *rel = below_root(path, buf, sizeof buf), *leaf;
	struct stat st;
	int pfd, fd, err;
	if (!rel)
		return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	pfd = open_parent_below(rel, &leaf);
	if (pfd < 0)
		return -1;
	fd = openat(pfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	err = errno;
	if (fd < 0 && fstatat(pfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode)) {
		if (S_ISLNK(st.st_mode)) {
			explain_escape(rel, ELOOP);
		} else {
			jvs_error_set(JVS_E_PATH_ESCAPE, "'%s' is %s, not a directory", path,
				      file_kind(st.st_mode));
			jvs_error_hint("replace it with a real directory (see 'jvs doctor')");
			jvs_error_stick(err);
		}
	}
	close(pfd);
	errno = err;
	return fd;
}

/* mkdirat (remove_flags < 0) or unlinkat in path's parent, reached as
 * above; keeps the call's errno. */
static int in_parent(const char *path, mode_t mode, int remove_flags)
{
	char buf[PATH_MAX];
	const char *rel, *leaf;
	int pfd = parent_of(path, buf, sizeof buf, &rel, &leaf), rc, err;
	if (pfd < 0)
		return -1;
	rc = remove_flags < 0 ? mkdirat(pfd, leaf, mode) : unlinkat(pfd, leaf, remove_flags);
	err = errno;
	close(pfd);
	errno = err;
	return rc;
}

int jvs_safe_mkdir(const char *path, mode_t mode)
{
	return in_parent(path, mode, -1);
}

int jvs_safe_unlink(const char *path, int flags)
{
	return in_parent(path, 0, flags);
}

static int two_parents(const char *from, const char *to, int linking)
{
	char b1[PATH_MAX], b2[PATH_MAX];
	const char *r1, *r2, *l1, *l2;
	int p1 = parent_of(from, b1, sizeof b1, &r1, &l1), p2, rc, err;
	if (p1 < 0)
		return -1;
	p2 = parent_of(to, b2, sizeof b2, &r2, &l2);
	if (p2 < 0) {
		err = errno;
		close(p1);
		errno = err;
		return -1;
	}
	rc = linking ? linkat(p1, l1, p2, l2, 0) : renameat(p1, l1, p2, l2);
	err = errno;
	close(p1);
	close(p2);
	errno = err;
	return rc;
}

int jvs_safe_rename(const char *from, const char *to)
{
	return two_parents(from, to, 0);
}

int jvs_safe_link(const char *from, const char *to)
{
	return two_parents(from, to, 1);
}

int jvs_safe_mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	const char *rel = below_root(path, buf, sizeof buf), *c;
	int cur, err = 0;
	if (!rel) {
		errno = EXDEV;
		return -1;
	}
	cur = fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
	if (cur < 0)
		return -1;
	for (c = rel; c && *c;) {
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);
		char comp[NAME_MAX + 1];
		int next;
		if (n > NAME_MAX || (n == 2 && c[0] == '.' && c[1] == '.')) {
			err = n > NAME_MAX ? ENAMETOOLONG : EXDEV;
			break;
		}
		memcpy(comp, c, n);
		comp[n] = '\0';
		if (mkdirat(cur, comp, mode) < 0 && errno != EEXIST) {
			err = errno;
			break;
		}
		next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			err = errno;
			break;
		}
		close(cur);
		cur = next;
		c = slash ? slash + 1 : NULL;
	}
	close(cur);
	if (err && is_escape_errno(err))
		explain_escape(rel, err);
	errno = err;
	return err ? -1 : 0;
}

int jvs_safe_check_path(const char *path)
{
	char buf[PATH_MAX];
	const char *rel = below_root(path, buf, sizeof buf), *c;
	struct stat st;
	int cur, rc = 0;
	if (!rel) {
		if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
			return refuse_not_regular(path, st.st_mode);
		return 0;
	}
	cur = fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
	if (cur < 0)
		return jvs_error_sys("cannot open '%s'", root_path);
	for (c = rel;;) {
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);
		char comp[NAME_MAX + 1];
		int next;
		if (n > NAME_MAX || (n == 2 && c[0] == '.' && c[1] == '.')) {
			explain_escape(rel, EXDEV);
			rc = -1;
			break;
		}
		memcpy(comp, c, n);
		comp[n] = '\0';
		if (fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) < 0)
			break; /* missing: nothing to follow */
		if (S_ISLNK(st.st_mode) || (slash && !S_ISDIR(st.st_mode))) {
			explain_escape(rel, ELOOP);
			rc = -1;
			break;
		}
		if (!slash) {
			if (!S_ISREG(st.st_mode))
				rc = refuse_not_regular(path, st.st_mode);
			break;
		}
		next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			explain_escape(rel, errno);
			rc = -1;
			break;
		}
		close(cur);
		cur = next;
		c = slash + 1;
	}
	close(cur);
	return rc;
}

int jvs_safe_check_sqlite(const char *path)
{
	static const char *const sides[] = {"", "-journal", "-wal", "-shm"};
	char buf[PATH_MAX], name[PATH_MAX];
	const char *rel, *leaf;
	struct stat st;
	int rc = 0;
	/* the directory once, then each file in it: one lookup apiece */
	int pfd = parent_of(path, buf, sizeof buf, &rel, &leaf);
	if (pfd < 0) /* an escape is explained; a missing directory holds nothing */
		return rel && is_escape_errno(errno) ? -1 : 0;
	for (size_t i = 0; i < sizeof sides / sizeof *sides && rc == 0; i++) {
		snprintf(name, sizeof name, "%s%s", leaf, sides[i]);
		if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISREG(st.st_mode))
			continue;
		if (rel && S_ISLNK(st.st_mode)) {
			snprintf(name, sizeof name, "%s%s", rel, sides[i]);
			explain_escape(name, ELOOP);
			rc = -1;
		} else {
			char *p = jvs_strf("%s%s", path, sides[i]);
			rc = p ? refuse_not_regular(p, st.st_mode) : -1;
			free(p);
		}
	}
	close(pfd);
	return rc;
}

int jvs_safe_read_file(const char *path, size_t max, char **out, size_t *out_len)
{
	int fd = jvs_safe_open_file(path, O_RDONLY, 0);
	struct stat st;
	char *buf;
	size_t cap, len = 0;
	if (fd < 0)
		return jvs_error_sys("cannot open '%s'", path);
	if (fstat(fd, &st) < 0) {
		jvs_error_sys("cannot stat '%s'", path);
		close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size > (uint64_t)max)
		goto too_large;
	cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
	if (cap > max + 1)
		cap = max + 1;
	buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	for (;;) {
		ssize_t n;
		if (len == cap) {
			char *nb;
			if (len > max) {
				free(buf);
				goto too_large;
			}
			nb = realloc(buf, cap * 2 + 1);
			if (!nb) {
				free(buf);
				close(fd);
				return jvs_error_set(JVS_E_INTERNAL, "out of memory");
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			jvs_error_sys("cannot read '%s'", path);
			free(buf);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > max) {
		free(buf);
		fd = -1;
		goto too_large;
	}
	buf[len] = '\0';
	*out = buf;
	if (out_len)
		*out_len = len;
	return 0;
too_large:
	if (fd >= 0)
		close(fd);
	jvs_error_set(JVS_E_UNSUPPORTED_FILE, "'%s' is larger than the %zu bytes JVS expects",
		      path, max);
	jvs_error_hint("it is not a file JVS wrote; remove or restore it (see 'jvs doctor')");
	errno = EFBIG;
	return -1;
}
