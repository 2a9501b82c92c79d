/* Extended attributes: reading them into the manifest encoding, checking
 * and applying it (see jvs/xattr.h). Entries are reached through a
 * directory fd and /proc/self/fd, so no symlink is followed anywhere. */
#include "jvs/xattr.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <unistd.h>

/* Where an entry is: an open fd (path NULL) or a /proc path (l* calls). */
typedef struct {
	int fd;
	const char *path;
} target;

static ssize_t t_list(const target *t, char *buf, size_t n)
{
	return t->path ? llistxattr(t->path, buf, n) : flistxattr(t->fd, buf, n);
}

static ssize_t t_get(const target *t, const char *name, void *buf, size_t n)
{
	return t->path ? lgetxattr(t->path, name, buf, n) : fgetxattr(t->fd, name, buf, n);
}

static int t_set(const target *t, const char *name, const void *v, size_t n)
{
	return t->path ? lsetxattr(t->path, name, v, n, 0) : fsetxattr(t->fd, name, v, n, 0);
}

static int t_remove(const target *t, const char *name)
{
	return t->path ? lremovexattr(t->path, name) : fremovexattr(t->fd, name);
}

static int captured(const char *name)
{
	return !strncmp(name, "user.", 5) || !strncmp(name, "trusted.", 8) ||
	       !strncmp(name, "security.", 9) || !strcmp(name, "system.posix_acl_access") ||
	       !strcmp(name, "system.posix_acl_default");
}

static int no_xattrs(int e)
{
	return e == ENOTSUP || e == ENOSYS;
}

/* The names of t (NUL-separated, malloc'd), *len bytes; NULL and *len 0
 * when none. -1 on error. */
static int list_names(const target *t, char **out, size_t *len)
{
	char *buf = NULL;
	*out = NULL;
	*len = 0;
	for (int tries = 0; tries < 8; tries++) {
		ssize_t n = t_list(t, NULL, 0), m;
		char *nb;
		if (n < 0) {
			free(buf);
			if (no_xattrs(errno))
				return 0;
			return jvs_error_sys("cannot list extended attributes");
		}
		if (n == 0) {
			free(buf);
			return 0;
		}
		nb = realloc(buf, (size_t)n);
		if (!nb) {
			free(buf);
			return jvs_error_set(JVS_E_INTERNAL, "out of memory");
		}
		buf = nb;
		m = t_list(t, buf, (size_t)n);
		if (m >= 0) {
			*out = buf;
			*len = (size_t)m;
			return 0;
		}
		if (errno != ERANGE) {
			free(buf);
			return jvs_error_sys("cannot list extended attributes");
		}
	}
	free(buf);
	return jvs_error_set(JVS_E_IO, "extended attributes keep changing");
}

/* The value of name (malloc'd, *vl bytes); 1 got, 0 gone or unreadable
 * (errno set), -1 on out of memory. */
static int get_value(const target *t, const char *name, char **val, size_t *vl)
{
	char *buf = NULL;
	for (int tries = 0; tries < 8; tries++) {
		ssize_t n = t_get(t, name, NULL, 0), m;
		char *nb;
		if (n < 0)
			break;
		nb = realloc(buf, n ? (size_t)n : 1);
		if (!nb) {
			free(buf);
			return jvs_error_set(JVS_E_INTERNAL, "out of memory");
		}
		buf = nb;
		m = t_get(t, name, buf, (size_t)n);
		if (m >= 0) {
			*val = buf;
			*vl = (size_t)m;
			return 1;
		}
		if (errno != ERANGE)
			break;
	}
	free(buf);
	return 0;
}

static int name_plain(unsigned char c)
{
	return c >= '!' && c <= '~' && c != '%' && c != ',' && c != '=';
}

static const char HEXU[] = "0123456789ABCDEF", HEXL[] = "0123456789abcdef";

typedef struct {
	char *enc; /* encoded item "NAME=VALUE" */
} item;

static int cmp_item(const void *a, const void *b)
{
	const char *x = ((const item *)a)->enc, *y = ((const item *)b)->enc;
	/* by encoded name: compare up to '=' ('=' never occurs in a name) */
	size_t nx = strcspn(x, "="), ny = strcspn(y, "=");
	int c = memcmp(x, y, nx < ny ? nx : ny);
	return c ? c : (nx > ny) - (nx < ny);
}

static char *encode_item(const char *name, const char *val, size_t vl)
{
	size_t nl = strlen(name), n = 0;
	char *s, *w;
	for (size_t i = 0; i < nl; i++)
		n += name_plain((unsigned char)name[i]) ? 1 : 3;
	s = malloc(n + 1 + 2 * vl + 1);
	if (!s)
		return NULL;
	w = s;
	for (size_t i = 0; i < nl; i++) {
		unsigned char c = (unsigned char)name[i];
		if (name_plain(c)) {
			*w++ = (char)c;
		} else {
			*w++ = '%';
			*w++ = HEXU[c >> 4];
			*w++ = HEXU[c & 15];
		}
	}
	*w++ = '=';
	for (size_t i = 0; i < vl; i++) {
		unsigned char c = (unsigned char)val[i];
		*w++ = HEXL[c >> 4];
		*w++ = HEXL[c & 15];
	}
	*w = '\0';
	return s;
}

static int read_target(const target *t, char **enc, unsigned *lost)
{
	char *names = NULL;
	size_t len = 0, n = 0, total = 0;
	item *items = NULL;
	int rc = -1;
	*enc = NULL;
	*lost = 0;
	if (list_names(t, &names, &len) < 0)
		return -1;
	for (size_t i = 0; i < len; i += strlen(names + i) + 1)
		n++;
	if (n && !(items = calloc(n, sizeof *items))) {
		free(names);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	n = 0;
	for (size_t i = 0; i < len; i += strlen(names + i) + 1) {
		const char *name = names + i;
		char *val = NULL;
		size_t vl = 0;
		int g;
		if (!*name)
			continue;
		if (!captured(name)) {
			(*lost)++;
			continue;
		}
		g = get_value(t, name, &val, &vl);
		if (g < 0)
			goto done;
		if (g == 0) {
			if (errno != ENODATA) /* ENODATA: removed meanwhile */
				(*lost)++;
			continue;
		}
		items[n].enc = encode_item(name, val, vl);
		free(val);
		if (!items[n].enc) {
			jvs_error_set(JVS_E_INTERNAL, "out of memory");
			goto done;
		}
		total += strlen(items[n].enc) + 1;
		n++;
	}
	if (n) {
		char *w;
		qsort(items, n, sizeof *items, cmp_item);
		if (!(*enc = malloc(total))) {
			jvs_error_set(JVS_E_INTERNAL, "out of memory");
			goto done;
		}
		w = *enc;
		for (size_t k = 0; k < n; k++) {
			size_t l = strlen(items[k].enc);
			if (k)
				*w++ = ',';
			memcpy(w, items[k].enc, l);
			w += l;
		}
		*w = '\0';
	}
	rc = 0;
done:
	for (size_t k = 0; k < n; k++)
		free(items[k].enc);
	free(items);
	free(names);
	return rc;
}

int jvs_xattr_read_fd(int fd, char **enc, unsigned *lost)
{
	target t = {fd, NULL};
	return read_target(&t, enc, lost);
}

/* Opens the directory holding relpath beneath dirfd (O_PATH, no symlink
 * followed); *leaf points into relpath. Returns dirfd itself for a
 * top-level entry; -1 with errno set. */
static int open_parent_beneath(int dirfd, const char *relpath, const char **leaf)
{
	const char *slash = strrchr(relpath, '/');
	char *dir;
	int fd;
	if (!slash) {
		*leaf = relpath;
		return dirfd;
	}
	*leaf = slash + 1;
	dir = strndup(relpath, (size_t)(slash - relpath));
	if (!dir) {
		errno = ENOMEM;
		return -1;
	}
	fd = jvs_openat_beneath(dirfd, dir, O_PATH | O_DIRECTORY);
	free(dir);
	return fd;
}

int jvs_xattr_read_at(int dirfd, const char *relpath, char **enc, unsigned *lost)
{
	jvs_xattr_cursor c = JVS_XATTR_CURSOR(dirfd);
	int rc = jvs_xattr_read_cursor(&c, relpath, enc, lost);
	jvs_xattr_cursor_close(&c);
	return rc;
}

void jvs_xattr_cursor_close(jvs_xattr_cursor *c)
{
	if (c->dfd >= 0)
		close(c->dfd);
	c->dfd = -1;
	free(c->dir);
	c->dir = NULL;
}

#define FUSE_MAGIC 0x65735546 /* FUSE_SUPER_MAGIC, linux/magic.h */

int jvs_xattr_cursor_none(jvs_xattr_cursor *c, uint64_t dev)
{
	if (!c->probed) {
		struct statfs sf;
		struct stat st;
		char path[64];
		c->probed = 1;
		snprintf(path, sizeof path, "/proc/self/fd/%d", c->root);
		if (c->root >= 0 && fstatfs(c->root, &sf) == 0 && sf.f_type == FUSE_MAGIC &&
		    fstat(c->root, &st) == 0 && listxattr(path, NULL, 0) < 0 && no_xattrs(errno)) {
			c->none = 1;
			c->none_dev = (uint64_t)st.st_dev;
		}
	}
	return c->none && dev == c->none_dev;
}

/* The directory of relpath: the cursor's if it is the same one. */
static int cursor_parent(jvs_xattr_cursor *c, const char *relpath, const char **leaf)
{
	const char *slash = strrchr(relpath, '/');
	size_t n;
	int fd;
	if (!slash) {
		*leaf = relpath;
		return c->root;
	}
	n = (size_t)(slash - relpath);
	if (c->dir && strlen(c->dir) == n && !memcmp(c->dir, relpath, n)) {
		*leaf = slash + 1;
		return c->dfd;
	}
	jvs_xattr_cursor_close(c);
	fd = open_parent_beneath(c->root, relpath, leaf);
	if (fd < 0)
		return -1;
	if (!(c->dir = strndup(relpath, n))) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	c->dfd = fd;
	return fd;
}

int jvs_xattr_read_cursor(jvs_xattr_cursor *c, const char *relpath, char **enc,
			  unsigned *lost)
{
	const char *leaf;
	char path[64 + 256 + 1];
	target t;
	int pfd = cursor_parent(c, relpath, &leaf), rc;
	*enc = NULL;
	*lost = 0;
	if (pfd < 0) {
		if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP || errno == EXDEV)
			return 0; /* gone or replaced meanwhile: the caller sees that */
		return jvs_error_sys("cannot open the directory of '%s'", relpath);
	}
	if (strlen(leaf) > 255)
		return jvs_error_set(JVS_E_IO, "name too long: '%s'", relpath);
	snprintf(path, sizeof path, "/proc/self/fd/%d/%s", pfd, leaf);
	t.fd = -1;
	t.path = path;
	rc = read_target(&t, enc, lost);
	if (rc < 0 && (errno == ENOENT || errno == ENOTDIR)) {
		jvs_error_clear();
		rc = 0;
	}
	if (rc < 0) {
		char msg[sizeof jvs_error_last()->message];
		snprintf(msg, sizeof msg, "%s", jvs_error_last()->message);
		jvs_error_set(jvs_error_last()->cls, "'%s': %s", relpath, msg);
	}
	return rc;
}

static int hexval(char c, const char *digits)
{
	const char *p = c ? strchr(digits, c) : NULL;
	return p ? (int)(p - digits) : -1;
}

/* Decodes one item s[0..n) into name (NUL-terminated) and value; -1 when
 * not canonical. name and val must hold n + 1 bytes. */
static int decode_item(const char *s, size_t n, char *name, char *val, size_t *vl)
{
	const char *eq = memchr(s, '=', n);
	size_t i, w = 0;
	if (!eq || eq == s)
		return -1;
	for (i = 0; s + i < eq;) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			int h, l;
			if (s + i + 2 >= eq || (h = hexval(s[i + 1], HEXU)) < 0 ||
			    (l = hexval(s[i + 2], HEXU)) < 0)
				return -1;
			c = (unsigned char)(h * 16 + l);
			if (c == 0 || name_plain(c))
				return -1; /* NUL, or an escape that is not needed */
			name[w++] = (char)c;
			i += 3;
		} else {
			if (!name_plain(c))
				return -1;
			name[w++] = (char)c;
			i++;
		}
	}
	name[w] = '\0';
	i = (size_t)(eq - s) + 1;
	if ((n - i) % 2)
		return -1;
	for (w = 0; i < n; i += 2) {
		int h = hexval(s[i], HEXL), l = hexval(s[i + 1], HEXL);
		if (h < 0 || l < 0)
			return -1;
		val[w++] = (char)(h * 16 + l);
	}
	*vl = w;
	return 0;
}

int jvs_xattr_valid(const char *s, size_t n)
{
	const char *p = s, *end = s + n, *prev = NULL;
	size_t prevn = 0;
	char *name, *val;
	int ok = 0;
	if (n == 0)
		return 0;
	name = malloc(n + 1);
	val = malloc(n + 1);
	if (!name || !val)
		goto done;
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *ie = comma ? comma : end;
		size_t vl, nl;
		if (decode_item(p, (size_t)(ie - p), name, val, &vl) < 0 || !captured(name))
			goto done;
		nl = (size_t)((const char *)memchr(p, '=', (size_t)(ie - p)) - p);
		if (prev) { /* strictly increasing encoded names */
			int c = memcmp(prev, p, prevn < nl ? prevn : nl);
			if (c > 0 || (c == 0 && prevn >= nl))
				goto done;
		}
		prev = p;
		prevn = nl;
		if (!comma)
			break;
		p = comma + 1;
	}
	ok = 1;
done:
	free(name);
	free(val);
	return ok;
}

int jvs_xattr_effective(jvs_xattr_cursor *snap, const char *path, const char *recorded,
			char **out)
{
	unsigned lost = 0;
	*out = NULL;
	if (recorded && *recorded) {
		if (!(*out = strdup(recorded)))
			return jvs_error_set(JVS_E_INTERNAL, "out of memory");
		return 0;
	}
	if (snap->root < 0)
		return 0;
	if (jvs_xattr_read_cursor(snap, path, out, &lost) < 0)
		return -1;
	if (*out) { /* user.* only: nothing privileged comes from outside the
		     * hashed manifest (security.capability put on a snapshot file) */
		char *w = *out;
		for (char *p = *out; *p;) {
			char *comma = strchr(p, ',');
			size_t n = comma ? (size_t)(comma - p) : strlen(p);
			if (!strncmp(p, "user.", 5)) {
				if (w != *out)
					*w++ = ',';
				memmove(w, p, n);
				w += n;
			}
			p += n + (comma ? 1 : 0);
		}
		*w = '\0';
		if (!**out) {
			free(*out);
			*out = NULL;
		}
	}
	return 0;
}

int jvs_xattr_equal(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* lsetxattr/lremovexattr refused with EACCES (a read-only file of ours,
 * not root): retried once with the owner's write bit on. */
typedef int (*xattr_op)(const target *, const char *, const char *, size_t);

static int with_write_bit(const target *t, int pfd, const char *leaf, int fd, xattr_op op,
			  const char *name, const char *v, size_t vl)
{
	struct stat st;
	int rc, e;
	if (op(t, name, v, vl) == 0)
		return 0;
	if (errno != EACCES || geteuid() == 0 || (fd < 0 && !leaf))
		return -1;
	if ((fd >= 0 ? fstat(fd, &st) : fstatat(pfd, leaf, &st, AT_SYMLINK_NOFOLLOW)) < 0 ||
	    st.st_uid != geteuid() || S_ISLNK(st.st_mode) || (st.st_mode & S_IWUSR)) {
		errno = EACCES;
		return -1;
	}
	if ((fd >= 0 ? fchmod(fd, (st.st_mode & 07777) | S_IWUSR)
		     : fchmodat(pfd, leaf, (st.st_mode & 07777) | S_IWUSR, 0)) < 0) {
		errno = EACCES;
		return -1;
	}
	rc = op(t, name, v, vl);
	e = errno;
	if (fd >= 0)
		(void)fchmod(fd, st.st_mode & 07777);
	else if (fchmodat(pfd, leaf, st.st_mode & 07777, 0) < 0) {
		/* best effort, as fchmod above (warn_unused_result under FORTIFY) */
	}
	errno = e;
	return rc;
}

static int op_set(const target *t, const char *name, const char *v, size_t vl)
{
	return t_set(t, name, v, vl);
}

static int op_remove(const target *t, const char *name, const char *v, size_t vl)
{
	(void)v;
	(void)vl;
	return t_remove(t, name);
}

static void refuse(unsigned *refused, int *err)
{
	if (*refused == 0)
		*err = errno;
	(*refused)++;
}

static int apply_target(const target *t, int pfd, const char *leaf, int fd, const char *enc,
			unsigned *refused, int *err)
{
	size_t elen = enc ? strlen(enc) : 0;
	char *names = NULL, *name = NULL, *val = NULL;
	size_t len = 0;
	int rc = -1;
	if (list_names(t, &names, &len) < 0) {
		/* cannot even list: nothing of enc can be set either */
		if (elen)
			refuse(refused, err);
		jvs_error_clear();
		return 0;
	}
	name = malloc(elen + 256 + 1);
	val = malloc(elen + 1);
	if (!name || !val) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		goto done;
	}
	/* remove the captured names that enc does not have */
	for (size_t i = 0; i < len; i += strlen(names + i) + 1) {
		const char *have = names + i;
		char *want = NULL;
		int found = 0;
		if (!*have || !captured(have))
			continue;
		if (elen) {
			want = encode_item(have, "", 0);
			if (!want) {
				jvs_error_set(JVS_E_INTERNAL, "out of memory");
				goto done;
			}
			/* want is "NAME=": look for it at an item start */
			for (const char *p = enc; p; p = strchr(p, ',')) {
				if (*p == ',')
					p++;
				if (!strncmp(p, want, strlen(want))) {
					found = 1;
					break;
				}
			}
			free(want);
		}
		if (!found && with_write_bit(t, pfd, leaf, fd, op_remove, have, NULL, 0) < 0 &&
		    errno != ENODATA)
			refuse(refused, err);
	}
	/* set what differs */
	for (const char *p = enc; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p), vl, cl = 0;
		char *cur = NULL;
		int g;
		if (decode_item(p, n, name, val, &vl) < 0) {
			jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "malformed extended attributes");
			goto done;
		}
		g = get_value(t, name, &cur, &cl);
		if (g < 0)
			goto done;
		if (!(g == 1 && cur && cl == vl && !memcmp(cur, val, vl)) &&
		    with_write_bit(t, pfd, leaf, fd, op_set, name, val, vl) < 0)
			refuse(refused, err);
		free(cur);
		p = comma ? comma + 1 : NULL;
	}
	rc = 0;
done:
	free(names);
	free(name);
	free(val);
	return rc;
}

int jvs_xattr_apply_at(int pfd, const char *leaf, const char *enc, unsigned *refused, int *err)
{
	char path[64 + 256 + 1];
	target t;
	if (strlen(leaf) > 255)
		return jvs_error_set(JVS_E_IO, "name too long: '%s'", leaf);
	snprintf(path, sizeof path, "/proc/self/fd/%d/%s", pfd, leaf);
	t.fd = -1;
	t.path = path;
	return apply_target(&t, pfd, leaf, -1, enc, refused, err);
}

int jvs_xattr_apply_fd(int fd, const char *enc, unsigned *refused, int *err)
{
	target t = {fd, NULL};
	return apply_target(&t, -1, NULL, fd, enc, refused, err);
}
