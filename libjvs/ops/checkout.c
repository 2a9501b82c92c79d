/* Incremental checkout: make a directory hold exactly a snapshot's tree.
 *
 * 1. plan   merge-walk the dest scan against the manifest: which dest
 *           entries go, which manifest entries are written, which stay.
 * 2. stage  copy every entry to be written into a staging directory on
 *           the same file system (.jvs/tmp), checking each against its
 *           manifest hash, with final mode, owner and mtime; syncfs.
 *           Nothing in dest has changed yet, so a damaged snapshot is
 *           refused with the worktree untouched.
 * 3. apply  remove extras (deepest first), create directories, rename
 *           staged entries into place, fix metadata of kept entries, then
 *           directory modes and mtimes deepest first; syncfs.
 * Every dest path is reached through directories opened with O_NOFOLLOW,
 * so a symlink in dest is replaced, never followed. Sockets, FIFOs and
 * devices in dest are removed or replaced like any other entry. */
#include "checkout.h"
#include "layout.h"
#include "changes_int.h"
#include "compress.h"
#include "degraded.h"
#include "descriptor.h"
#include "engine.h"
#include "jvs/error.h"
#include "fsutil.h"
#include "forkseed.h"
#include "index.h"
#include "juicefs_ctl.h"
#include "manifest.h"
#include "paths.h"
#include "scan.h"
#include "xattr.h"
#include "safepath.h"
#include "error_int.h"
#include "scan_int.h"
#include "snapmeta.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

enum { ACT_KEEP, ACT_PLACE, ACT_MKDIR, ACT_CLONED /* ready in the juicefs clone */ };

/* juicefs-clone: changed files are cloned one by one (copy_file_range, a
 * few metadata operations each); when there are more than this many and
 * they are over a quarter of the snapshot, the whole snapshot is cloned
 * once (one request, but every entry of it cloned) and entries moved out. */
#define JUICEFS_PER_FILE_MAX 8

typedef struct {
	const jvs_repo *repo;
	const char *id;
	jvs_engine engine;
	int src_fd, dst_fd, stage_fd;
	char *stage_path;
	const char *src_path; /* the snapshot's payload */
	int clone_fd;	      /* juicefs: whole-snapshot clone, or -1 */
	char *clone_path;
	jvs_manifest m;
	jvs_scan scan;
	jvs_cache *cache;
	jvs_checkout_stats *stats;
	int is_root;
	unsigned char *act;    /* per manifest entry */
	unsigned char *remove; /* per scan entry */
	size_t *scan_of;       /* per manifest entry: its scan entry + 1, or 0 */
	jvs_stat_meta *src_meta; /* per manifest entry: the snapshot's inode, if fetched */
	int modified;          /* something in dest was changed */
	int trusted_clone;     /* dest was empty and got a juicefs clone of the snapshot */
	int64_t clone_recorded;
	jvs_checkout_progress progress;
	void *progress_arg;
	uint64_t bytes_total, bytes_done;
	size_t todo, done;
	char *pdir; /* cached parent directory (relative path) */
	int pfd;
	unsigned xattr_refused; /* entries whose xattrs the file system refused */
	jvs_xattr_cursor sxc;	/* on src_fd: xattrs of pre-xattr-field snapshots */
	char *const *paths;	/* jvs_checkout_paths_run: only these (sorted) */
	size_t npaths;
	jvs_xattr_cursor dxc;	/* on dst_fd: only asked whether it has xattrs at all */
	int src_xnone;		/* the snapshot's file system has none (jvs_xattr_cursor_none) */
	uint64_t src_dev;	/* st_dev of the snapshot's payload root */
	jvs_compress_level compress; /* the snapshot's: its files may be zstd frames */
} co_ctx;

static int64_t mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

static void drop_parent(co_ctx *c)
{
	if (c->pfd >= 0)
		close(c->pfd);
	c->pfd = -1;
	free(c->pdir);
	c->pdir = NULL;
}

/* Directory fd holding `path` in dest, reached without following any
 * symlink; *leaf is the last component. */
static int parent_of(co_ctx *c, const char *path, const char **leaf)
{
	const char *slash = strrchr(path, '/'), *p;
	size_t dlen, plen;
	int cur, start;
	if (!slash) {
		*leaf = path;
		return c->dst_fd;
	}
	*leaf = slash + 1;
	dlen = (size_t)(slash - path);
	if (c->pfd >= 0 && strlen(c->pdir) == dlen && !memcmp(c->pdir, path, dlen))
		return c->pfd;
	start = c->dst_fd;
	p = path;
	if (c->pfd >= 0 && (plen = strlen(c->pdir)) < dlen && !memcmp(c->pdir, path, plen) &&
	    path[plen] == '/') {
		start = c->pfd;
		p = path + plen + 1;
	}
	cur = start;
	while (p < slash) {
		const char *end = memchr(p, '/', (size_t)(slash - p) + 1);
		char comp[NAME_MAX + 1];
		struct stat st;
		int nfd;
		size_t n = (size_t)(end - p);
		if (n > NAME_MAX) {
			errno = ENAMETOOLONG;
			nfd = -1;
		} else {
			memcpy(comp, p, n);
			comp[n] = '\0';
			nfd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (nfd >= 0 && (fstat(nfd, &st) < 0 || !S_ISDIR(st.st_mode))) {
				close(nfd);
				errno = ENOTDIR;
				nfd = -1;
			}
		}
		if (cur != start)
			close(cur);
		if (nfd < 0) {
			jvs_error_sys("cannot enter '%.*s'", (int)(end - path), path);
			if (errno == ENOTDIR || errno == ELOOP)
				jvs_error_hint(
				    "the worktree changed during the restore; run it again");
			if (start == c->pfd)
				drop_parent(c);
			return -1;
		}
		cur = nfd;
		p = end + 1;
	}
	drop_parent(c); /* cur is a fresh fd: the walk went at least one level */
	c->pdir = strndup(path, dlen);
	if (!c->pdir) {
		close(cur);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	c->pfd = cur;
	return cur;
}

/* ---- 1. plan ---- */

static int cmp_scan_path(const void *key, const void *elem)
{
	return strcmp(key, ((const jvs_scan_entry *)elem)->path);
}

static int cmp_manifest_path(const void *key, const void *elem)
{
	return strcmp(key, ((const jvs_manifest_entry *)elem)->path);
}

/* A directory that holds an ignored entry left in place stays too. */
static void keep_ignored_parents(co_ctx *c)
{
	for (size_t i = 0; i < c->scan.n; i++) {
		char *p, *slash;
		if (!c->scan.e[i].ignored || c->remove[i] || !strchr(c->scan.e[i].path, '/'))
			continue;
		p = strdup(c->scan.e[i].path);
		while (p && (slash = strrchr(p, '/'))) {
			jvs_scan_entry *d;
			*slash = '\0';
			d = bsearch(p, c->scan.e, c->scan.n, sizeof *c->scan.e, cmp_scan_path);
			if (d)
				c->remove[d - c->scan.e] = 0;
		}
		free(p);
	}
}

static int plan(co_ctx *c)
{
	size_t i = 0, j = 0;
	c->act = calloc(c->m.n + 1, 1);
	c->remove = calloc(c->scan.n + 1, 1);
	c->scan_of = calloc(c->m.n + 1, sizeof *c->scan_of);
	if (!c->act || !c->remove || !c->scan_of)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	while (i < c->scan.n || j < c->m.n) {
		int cmp = i >= c->scan.n ? 1
		          : j >= c->m.n  ? -1
		                         : strcmp(c->scan.e[i].path, c->m.e[j].path);
		const jvs_scan_entry *s;
		const jvs_manifest_entry *e;
		char hash[JVS_HASH_HEX];
		int hit = 0, special, r;
		if (cmp < 0) {
			c->remove[i] = !c->scan.e[i].ignored; /* not the snapshot's: left alone */
			i++;
			continue;
		}
		e = &c->m.e[j];
		if (cmp > 0) {
			c->act[j++] = e->type == JVS_ENT_DIR ? ACT_MKDIR : ACT_PLACE;
			continue;
		}
		s = &c->scan.e[i];
		c->scan_of[j] = i + 1;
		if (c->trusted_clone && s->type == e->type && s->type != JVS_ENT_DIR &&
		    (s->type == JVS_ENT_SYMLINK ||
		     (S_ISREG(s->key.mode) && s->key.size == e->size &&
		      (s->key.mode & 07777) == e->mode))) {
			/* cloned with mode, owner and mtime (juicefs clone -p) */
			c->act[j] = ACT_CLONED;
			if (s->type == JVS_ENT_FILE) {
				jvs_manifest_entry_hex(e, hash);
				jvs_cache_put(c->cache, s->path, &s->key, hash, c->clone_recorded);
			}
			c->stats->written++;
			i++, j++;
			continue;
		}
		if (s->ignored && s->type == JVS_ENT_DIR && e->type != JVS_ENT_DIR) {
			jvs_error_set(JVS_E_DIRTY,
			              "'%s' is an ignored directory where the snapshot has a file",
			              s->path);
			return jvs_error_hint("move it away, or remove it, and restore again");
		}
		special = s->type == JVS_ENT_FILE && !S_ISREG(s->key.mode);
		if (s->type == JVS_ENT_FILE && !special)
			hit = jvs_cache_lookup(c->cache, s->path, &s->key, hash);
		if (s->type != e->type || special) {
			if ((s->type == JVS_ENT_DIR) != (e->type == JVS_ENT_DIR))
				c->remove[i] = 1;
			c->act[j] = e->type == JVS_ENT_DIR ? ACT_MKDIR : ACT_PLACE;
		} else if (e->type == JVS_ENT_DIR) {
			c->act[j] = ACT_KEEP;
		} else if (e->type == JVS_ENT_SYMLINK) {
			r = jvs_changes__hash_link(c->dst_fd, s->path, hash);
			if (r < 0)
				return -1;
			c->act[j] = r && jvs_manifest_entry_hash_is(e, hash) ? ACT_KEEP : ACT_PLACE;
		} else if (s->key.size != e->size) {
			c->act[j] = ACT_PLACE;
		} else {
			r = hit ? 1 : jvs_changes__hash_file(c->cache, c->dst_fd, s->path, 1, hash);
			if (r < 0)
				return -1;
			c->act[j] = r && jvs_manifest_entry_hash_is(e, hash) ? ACT_KEEP : ACT_PLACE;
		}
		i++, j++;
	}
	keep_ignored_parents(c);
	return 0;
}

/* ---- 2. stage ---- */

static int set_owner_mode_time(co_ctx *c, int fd, const jvs_manifest_entry *e,
                               const struct stat *src)
{
	struct timespec ts[2] = {{0, UTIME_OMIT}, src->st_mtim};
	if (c->is_root && fchown(fd, src->st_uid, src->st_gid) < 0)
		return jvs_error_sys("cannot set owner of '%s'", e->path);
	if (fchmod(fd, e->mode) < 0)
		return jvs_error_sys("cannot set mode of '%s'", e->path);
	if (futimens(fd, ts) < 0)
		return jvs_error_sys("cannot set mtime of '%s'", e->path);
	return 0;
}

static int damaged(co_ctx *c, jvs_error_class cls, const char *what, const char *path)
{
	jvs_error_set(cls, "snapshot %s: '%s' %s", c->id, path, what);
	return jvs_error_hint("run 'jvs verify %s'; restore another snapshot", c->id);
}

static int stage_file(co_ctx *c, size_t j, const char *name)
{
	const jvs_manifest_entry *e = &c->m.e[j];
	char hash[JVS_HASH_HEX];
	struct stat st;
	int src, dst = -1, rc = -1;

	src = jvs_openat_beneath(c->src_fd, e->path, O_RDONLY | O_NONBLOCK);
	if (src < 0) {
		if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR || errno == EXDEV)
			return damaged(c, JVS_E_PARTIAL_SNAPSHOT, "is missing from its payload",
			               e->path);
		return jvs_error_sys("cannot read '%s' of snapshot %s", e->path, c->id);
	}
	if (fstat(src, &st) < 0) {
		jvs_error_sys("cannot stat '%s' of snapshot %s", e->path, c->id);
		goto done;
	}
	if (c->compress && S_ISREG(st.st_mode) && st.st_size < e->size) {
		/* a zstd frame: decoded, at most e->size bytes, hashed as written */
		dst = openat(c->stage_fd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (dst < 0) {
			jvs_error_sys("cannot create a staging file for '%s'", e->path);
			goto done;
		}
		if (jvs_compress_decode(src, dst, e->size, hash) < 0) {
			if (jvs_error_last()->cls == JVS_E_PAYLOAD_HASH_MISMATCH) {
				char why[256];
				snprintf(why, sizeof why, "does not match its manifest: %.200s",
				         jvs_error_last()->message);
				damaged(c, JVS_E_PAYLOAD_HASH_MISMATCH, why, e->path);
			}
			goto done;
		}
		if (!jvs_manifest_entry_hash_is(e, hash)) {
			damaged(c, JVS_E_PAYLOAD_HASH_MISMATCH, "does not match its manifest", e->path);
			goto done;
		}
		st.st_size = e->size;
		goto staged;
	}
	if (!S_ISREG(st.st_mode) || st.st_size != e->size) {
		damaged(c, JVS_E_PAYLOAD_HASH_MISMATCH, "does not match its manifest", e->path);
		goto done;
	}
	if (c->engine.kind == JVS_ENGINE_JUICEFS) {
		/* Metadata-only clone; the snapshot is immutable and was checked
		 * against its manifest when made, so size is checked here and the
		 * data is not read back (jvs verify reads it). */
		struct stat cst;
		int ok;
		if (c->clone_fd >= 0) {
			/* The clone is the staging area: the entry is renamed from
			 * it into place, one metadata operation. */
			if (fstatat(c->clone_fd, e->path, &cst, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISREG(cst.st_mode) && cst.st_size == e->size &&
			    (cst.st_mode & 07777) == e->mode && mtime_ns(&cst) == mtime_ns(&st) &&
			    (!c->is_root || (cst.st_uid == st.st_uid && cst.st_gid == st.st_gid))) {
				c->act[j] = ACT_CLONED;
				c->stats->bytes_written += (uint64_t)st.st_size;
				rc = 0;
				goto done;
			}
			ok = renameat(c->clone_fd, e->path, c->stage_fd, name) == 0;
		} else if (jvs_juicefs_clone_file(src, c->stage_fd, name, (uint64_t)st.st_size) == 0) {
			ok = 1; /* copy_file_range: slices shared in the metadata */
		} else {
			char *from = jvs_path_join(c->src_path, e->path);
			char *to = jvs_path_join(c->stage_path, name);
			jvs_error_clear();
			ok = from && to && jvs_engine_clone(&c->engine, from, to) == 0;
			free(from);
			free(to);
			if (!ok)
				unlinkat(c->stage_fd, name, 0);
		}
		if (ok) {
			dst = openat(c->stage_fd, name, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
			if (dst < 0 || fstat(dst, &cst) < 0 || !S_ISREG(cst.st_mode) ||
			    cst.st_size != e->size) {
				jvs_error_sys("juicefs clone of '%s' is not right", e->path);
				goto done;
			}
			goto staged;
		}
		jvs_error_clear(); /* fall back to copying this file */
	}
	dst = openat(c->stage_fd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (dst < 0) {
		jvs_error_sys("cannot create a staging file for '%s'", e->path);
		goto done;
	}
	if ((c->engine.kind == JVS_ENGINE_REFLINK || c->engine.kind == JVS_ENGINE_BTRFS) &&
	    ioctl(dst, FICLONE, src) == 0)
		goto staged; /* shared extents: see above, data not read back */
	if (jvs_engine_copy_data(&c->engine, src, dst, (uint64_t)st.st_size) < 0) {
		char hint[sizeof jvs_error_last()->hint]; /* e.g. ENOSPC's */
		snprintf(hint, sizeof hint, "%s", jvs_error_last()->hint);
		jvs_error_set(jvs_error_last()->cls, "'%s': %s", e->path,
		              jvs_error_last()->message);
		if (hint[0])
			jvs_error_hint("%s", hint);
		goto done;
	}
	if (lseek(dst, 0, SEEK_SET) < 0 || jvs_hash_fd(dst, hash) < 0) {
		jvs_error_sys("cannot read back the copy of '%s'", e->path);
		goto done;
	}
	if (!jvs_manifest_entry_hash_is(e, hash)) {
		damaged(c, JVS_E_PAYLOAD_HASH_MISMATCH, "does not match its manifest", e->path);
		goto done;
	}
staged:
	if (set_owner_mode_time(c, dst, e, &st) < 0)
		goto done;
	c->stats->bytes_written += (uint64_t)st.st_size;
	rc = 0;
done:
	close(src);
	if (dst >= 0)
		close(dst);
	return rc;
}

static int stage_symlink(co_ctx *c, size_t j, const char *name)
{
	const jvs_manifest_entry *e = &c->m.e[j];
	char target[PATH_MAX + 1], hash[JVS_HASH_HEX];
	struct stat st;
	struct timespec ts[2];
	ssize_t n;
	if (fstatat(c->src_fd, e->path, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return damaged(c, JVS_E_PARTIAL_SNAPSHOT, "is missing from its payload",
			               e->path);
		return jvs_error_sys("cannot stat '%s' of snapshot %s", e->path, c->id);
	}
	n = S_ISLNK(st.st_mode) ? readlinkat(c->src_fd, e->path, target, sizeof target - 1) : -1;
	if (n < 0)
		return damaged(c, JVS_E_PAYLOAD_HASH_MISMATCH, "does not match its manifest",
		               e->path);
	target[n] = '\0';
	jvs_hash_buf(target, (size_t)n, hash);
	if (!jvs_manifest_entry_hash_is(e, hash))
		return damaged(c, JVS_E_PAYLOAD_HASH_MISMATCH, "does not match its manifest",
		               e->path);
	if (symlinkat(target, c->stage_fd, name) < 0)
		return jvs_error_sys("cannot create a staging symlink for '%s'", e->path);
	if (c->is_root &&
	    fchownat(c->stage_fd, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return jvs_error_sys("cannot set owner of '%s'", e->path);
	ts[0].tv_sec = 0;
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1] = st.st_mtim;
	if (utimensat(c->stage_fd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return jvs_error_sys("cannot set mtime of '%s'", e->path);
	return 0;
}

static void report(co_ctx *c)
{
	if (c->progress)
		c->progress(c->progress_arg, c->bytes_done, c->bytes_total, c->done, c->todo);
}

static int stage(co_ctx *c)
{
	size_t staged = 0;
	for (size_t j = 0; j < c->m.n; j++) {
		if (c->act[j] == ACT_PLACE) {
			c->todo++;
			if (c->m.e[j].type == JVS_ENT_FILE)
				c->bytes_total += (uint64_t)c->m.e[j].size;
		} else if (c->act[j] == ACT_MKDIR) {
			c->todo++;
		}
	}
	for (size_t i = 0; i < c->scan.n; i++)
		c->todo += c->remove[i];
	report(c);
	if (c->engine.kind == JVS_ENGINE_JUICEFS) {
		size_t files = 0;
		for (size_t j = 0; j < c->m.n; j++)
			files += c->act[j] == ACT_PLACE && c->m.e[j].type == JVS_ENT_FILE;
		if (files > JUICEFS_PER_FILE_MAX && files > c->m.n / 4) {
			c->clone_path = jvs_strf("%s.clone", c->stage_path);
			if (!c->clone_path || jvs_rm_rf(c->clone_path) < 0 ||
			    jvs_engine_clone(&c->engine, c->src_path, c->clone_path) < 0)
				return -1;
			c->clone_fd = jvs_safe_open_dir(c->clone_path);
			if (c->clone_fd < 0)
				return jvs_error_sys("cannot open '%s'", c->clone_path);
		}
	}
	for (size_t j = 0; j < c->m.n; j++) {
		char name[32];
		if (c->act[j] != ACT_PLACE)
			continue;
		snprintf(name, sizeof name, "%zu", j);
		if ((c->m.e[j].type == JVS_ENT_FILE ? stage_file(c, j, name)
		                                    : stage_symlink(c, j, name)) < 0)
			return -1;
		staged++;
		c->done++;
		if (c->m.e[j].type == JVS_ENT_FILE)
			c->bytes_done += (uint64_t)c->m.e[j].size;
		report(c);
	}
	if (staged && syncfs(c->stage_fd) < 0)
		return jvs_error_sys("cannot sync staged files");
	return 0;
}

/* ---- 3. apply ---- */

/* Directories must be writable and searchable by us while their entries
 * change; their final modes are set by finish_dirs. */
static int open_up_dirs(co_ctx *c)
{
	struct stat root;
	if (c->is_root)
		return 0;
	/* the payload root too (a read-only one); finish_root sets its mode */
	if (fstat(c->dst_fd, &root) == 0 && (root.st_mode & 0700) != 0700) {
		if (fchmod(c->dst_fd, (root.st_mode & 07777) | 0700) < 0)
			return jvs_error_sys("cannot make the payload root writable");
		c->modified = 1;
	}
	for (size_t i = 0; i < c->scan.n; i++) {
		const jvs_scan_entry *s = &c->scan.e[i];
		const char *leaf;
		int pfd;
		if (s->type != JVS_ENT_DIR || (s->key.mode & 0700) == 0700)
			continue;
		if (s->ignored && !bsearch(s->path, c->m.e, c->m.n, sizeof *c->m.e, cmp_manifest_path))
			continue; /* left alone, mode and all */
		if ((pfd = parent_of(c, s->path, &leaf)) < 0)
			return -1;
		if (fchmodat(pfd, leaf, (s->key.mode & 07777) | 0700, 0) < 0 && errno != ENOENT)
			return jvs_error_sys("cannot make '%s' writable", s->path);
		c->modified = 1;
	}
	return 0;
}

static int remove_extras(co_ctx *c)
{
	for (size_t i = c->scan.n; i-- > 0;) {
		const jvs_scan_entry *s = &c->scan.e[i];
		const char *leaf;
		int pfd, isdir = s->type == JVS_ENT_DIR;
		if (!c->remove[i])
			continue;
		if ((pfd = parent_of(c, s->path, &leaf)) < 0)
			return -1;
		if (unlinkat(pfd, leaf, isdir ? AT_REMOVEDIR : 0) < 0 && errno != ENOENT) {
			jvs_error_sys("cannot remove '%s'", s->path);
			if (errno == ENOTEMPTY || errno == EISDIR || errno == ENOTDIR)
				jvs_error_hint(
				    "the worktree changed during the restore; run it again");
			return -1;
		}
		if (isdir)
			drop_parent(c);
		c->modified = 1;
		c->stats->removed++;
		c->done++;
		if ((c->done & 255) == 0)
			report(c);
	}
	return 0;
}

static void cache_refresh(co_ctx *c, int pfd, const char *leaf, const jvs_manifest_entry *e)
{
	struct stat st;
	jvs_filekey key;
	char hash[JVS_HASH_HEX];
	int64_t recorded = jvs_cache_clock_ns();
	if (!c->cache || fstatat(pfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
		return;
	jvs_filekey_from_stat(&st, &key);
	jvs_manifest_entry_hex(e, hash);
	jvs_cache_put(c->cache, e->path, &key, hash, recorded);
}

/* The snapshot's inode of manifest entry j: prefetched, else stat'ed.
 * dst: the worktree's, when known. An owner change is never made on the
 * word of the index alone (a writer of .jvs could plant any uid there):
 * the payload itself is asked then. */
static int src_stat(co_ctx *c, size_t j, struct stat *st, const struct stat *dst)
{
	const jvs_stat_meta *m = c->src_meta ? &c->src_meta[j] : NULL;
	if (!m || !m->ok ||
	    (c->is_root && (!dst || m->uid != dst->st_uid || m->gid != dst->st_gid)))
		return fstatat(c->src_fd, c->m.e[j].path, st, AT_SYMLINK_NOFOLLOW);
	memset(st, 0, sizeof *st);
	st->st_mode = m->mode;
	st->st_uid = m->uid;
	st->st_gid = m->gid;
	st->st_mtim.tv_sec = (time_t)(m->mtime_ns / 1000000000LL);
	st->st_mtim.tv_nsec = (long)(m->mtime_ns % 1000000000LL);
	if (st->st_mtim.tv_nsec < 0) {
		st->st_mtim.tv_sec--;
		st->st_mtim.tv_nsec += 1000000000L;
	}
	return 0;
}

/* Stats, several at a time, the snapshot inodes that fix_kept and
 * finish_dirs compare with: kept entries and directories. A cache only:
 * anything missing is stat'ed when needed. */
static void prefetch_src(co_ctx *c, jvs_index *idx)
{
	const char **paths;
	unsigned char *want;
	c->src_meta = calloc(c->m.n + 1, sizeof *c->src_meta);
	/* recorded when the snapshot was made; must agree with its manifest */
	if (c->src_meta && jvs_snapmeta_load_checked(idx, c->id, &c->m, c->src_meta)) {
		c->stats->meta_cached = 1;
		return;
	}
	paths = malloc((c->m.n + 1) * sizeof *paths);
	want = calloc(c->m.n + 1, 1);
	if (paths && want && c->src_meta) {
		for (size_t j = 0; j < c->m.n; j++) {
			paths[j] = c->m.e[j].path;
			want[j] = c->act[j] == ACT_KEEP || c->m.e[j].type == JVS_ENT_DIR;
		}
		jvs_stat_many(c->src_fd, paths, want, c->m.n, c->src_meta,
			      jvs_scan__threads(c->src_fd));
	} else {
		free(c->src_meta);
		c->src_meta = NULL;
	}
	free(paths);
	free(want);
}

/* A kept file or symlink: content is right; mode, owner, mtime may not be. */
static int fix_kept(co_ctx *c, int pfd, const char *leaf, size_t j)
{
	const jvs_manifest_entry *e = &c->m.e[j];
	struct stat src, dst;
	int changed = 0, mode_changed = 0, have_dst = 0;
	if (c->scan_of[j]) {
		/* nothing wrote a kept entry since the scan stat'ed it */
		const jvs_filekey *k = &c->scan.e[c->scan_of[j] - 1].key;
		memset(&dst, 0, sizeof dst);
		dst.st_mode = k->mode;
		dst.st_uid = k->uid;
		dst.st_gid = k->gid;
		dst.st_mtim.tv_sec = (time_t)(k->mtime_ns / 1000000000LL);
		dst.st_mtim.tv_nsec = (long)(k->mtime_ns % 1000000000LL);
		if (dst.st_mtim.tv_nsec < 0) {
			dst.st_mtim.tv_sec--;
			dst.st_mtim.tv_nsec += 1000000000L;
		}
		have_dst = 1;
	}
	if ((!have_dst && fstatat(pfd, leaf, &dst, AT_SYMLINK_NOFOLLOW) < 0) ||
	    src_stat(c, j, &src, &dst) < 0) {
		c->stats->unchanged++;
		return 0; /* content verified equal; metadata is best effort */
	}
	if (c->is_root && (src.st_uid != dst.st_uid || src.st_gid != dst.st_gid)) {
		if (fchownat(pfd, leaf, src.st_uid, src.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
			return jvs_error_sys("cannot set owner of '%s'", e->path);
		changed = 1;
		if (e->type == JVS_ENT_FILE && (dst.st_mode & 07000))
			dst.st_mode &= ~(mode_t)07000; /* chown cleared set-id bits */
	}
	if (e->type == JVS_ENT_FILE && (dst.st_mode & 07777) != e->mode) {
		if (fchmodat(pfd, leaf, e->mode, 0) < 0)
			return jvs_error_sys("cannot set mode of '%s'", e->path);
		changed = mode_changed = 1;
	}
	if (mtime_ns(&src) != mtime_ns(&dst)) {
		struct timespec ts[2] = {{0, UTIME_OMIT}, src.st_mtim};
		if (utimensat(pfd, leaf, ts, AT_SYMLINK_NOFOLLOW) < 0)
			return jvs_error_sys("cannot set mtime of '%s'", e->path);
		changed = 1;
	}
	if (changed)
		c->modified = 1;
	if (changed && e->type == JVS_ENT_FILE)
		cache_refresh(c, pfd, leaf, e);
	if (mode_changed)
		c->stats->written++;
	else
		c->stats->unchanged++;
	return 0;
}

/* Makes the xattrs of a placed or kept entry those of its record; what the
 * file system refuses is noted (jvs/degraded.h), not an error. */
static int put_xattrs(co_ctx *c, int pfd, const char *leaf, const jvs_manifest_entry *e)
{
	unsigned refused = 0;
	int err = 0, rc;
	char *want = NULL;
	size_t j = (size_t)(e - c->m.e);
	/* a kept or cloned entry on a mount without xattrs, of a snapshot on
	 * one, with none recorded: nothing to read or set (each ask a round trip) */
	if (!(e->xattrs && *e->xattrs) && c->src_xnone &&
	    ((c->act[j] == ACT_KEEP && c->scan_of[j] &&
	      jvs_xattr_cursor_none(&c->dxc, c->scan.e[c->scan_of[j] - 1].key.dev)) ||
	     /* moved in from a tree clone of the snapshot: on its mount */
	     (c->act[j] == ACT_CLONED && jvs_xattr_cursor_none(&c->dxc, c->src_dev))))
		return 0;
	if (jvs_xattr_effective(&c->sxc, e->path, e->xattrs, &want) < 0)
		return -1;
	rc = jvs_xattr_apply_at(pfd, leaf, want, &refused, &err);
	free(want);
	if (rc < 0)
		return -1;
	if (refused) {
		if (c->xattr_refused++ < 8)
			jvs_degraded_note("xattrs not restored (%s): %s", strerror(err), e->path);
		c->modified = 1;
	}
	return 0;
}

static int place_all(co_ctx *c)
{
	for (size_t j = 0; j < c->m.n; j++) {
		const jvs_manifest_entry *e = &c->m.e[j];
		const char *leaf;
		char name[32];
		int pfd = parent_of(c, e->path, &leaf);
		if (pfd < 0)
			return -1;
		switch (c->act[j]) {
		case ACT_MKDIR:
			if (mkdirat(pfd, leaf, 0700) < 0) {
				struct stat st;
				if (errno != EEXIST ||
				    fstatat(pfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
				    !S_ISDIR(st.st_mode))
					return jvs_error_sys("cannot create directory '%s'",
					                     e->path);
			}
			c->modified = 1;
			c->stats->written++;
			c->done++;
			break;
		case ACT_CLONED:
			if (c->trusted_clone)
				break; /* already in place */
			/* fall through */
		case ACT_PLACE:
			snprintf(name, sizeof name, "%zu", j);
			if (c->act[j] == ACT_CLONED
			        ? renameat(c->clone_fd, e->path, pfd, leaf) < 0
			        : renameat(c->stage_fd, name, pfd, leaf) < 0) {
				jvs_error_sys("cannot put '%s' in place", e->path);
				if (errno == EISDIR || errno == ENOTEMPTY)
					jvs_error_hint("the worktree changed during the restore; "
					               "run it again");
				return -1;
			}
			if (e->type == JVS_ENT_FILE)
				cache_refresh(c, pfd, leaf, e);
			c->modified = 1;
			c->stats->written++;
			break;
		default:
			if (e->type != JVS_ENT_DIR && fix_kept(c, pfd, leaf, j) < 0)
				return -1;
			break;
		}
		if (e->type != JVS_ENT_DIR && put_xattrs(c, pfd, leaf, e) < 0)
			return -1;
	}
	return 0;
}

/* The payload root is never replaced, but takes the snapshot root's mode
 * (and owner, as root): a worktree closed to others forks closed. */
static int finish_root(co_ctx *c)
{
	struct stat src, dst;
	if (fstat(c->src_fd, &src) < 0 || fstat(c->dst_fd, &dst) < 0)
		return jvs_error_sys("cannot stat the payload root");
	if (c->is_root && (src.st_uid != dst.st_uid || src.st_gid != dst.st_gid)) {
		if (fchown(c->dst_fd, src.st_uid, src.st_gid) < 0)
			return jvs_error_sys("cannot set owner of the payload root");
		c->modified = 1;
	}
	{ /* its xattrs are those of the snapshot's root directory */
		char *rx = NULL;
		unsigned lost = 0, refused = 0;
		int err = 0, rc = jvs_xattr_read_fd(c->src_fd, &rx, &lost);
		if (rc == 0)
			rc = jvs_xattr_apply_fd(c->dst_fd, rx, &refused, &err);
		free(rx);
		if (rc < 0)
			return -1;
		if (refused) {
			jvs_degraded_note("xattrs not restored (%s): . (the payload root)",
					  strerror(err));
			c->modified = 1;
		}
	}
	if ((src.st_mode & 07777) != (dst.st_mode & 07777)) {
		if (fchmod(c->dst_fd, src.st_mode & 07777) < 0)
			return jvs_error_sys("cannot set mode of the payload root");
		c->modified = 1;
	}
	return 0;
}

/* Modes, owners and mtimes of directories, deepest first. */
static int finish_dirs(co_ctx *c)
{
	for (size_t j = c->m.n; j-- > 0;) {
		const jvs_manifest_entry *e = &c->m.e[j];
		struct stat src, dst;
		const char *leaf;
		int pfd;
		if (e->type != JVS_ENT_DIR)
			continue;
		if ((pfd = parent_of(c, e->path, &leaf)) < 0)
			return -1;
		if (fstatat(pfd, leaf, &dst, AT_SYMLINK_NOFOLLOW) < 0)
			return jvs_error_sys("cannot stat '%s'", e->path);
		if (src_stat(c, j, &src, &dst) < 0)
			src = dst;
		if (c->is_root && (src.st_uid != dst.st_uid || src.st_gid != dst.st_gid) &&
		    fchownat(pfd, leaf, src.st_uid, src.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
			return jvs_error_sys("cannot set owner of '%s'", e->path);
		if (put_xattrs(c, pfd, leaf, e) < 0)
			return -1;
		if ((dst.st_mode & 07777) != e->mode) {
			if (fchmodat(pfd, leaf, e->mode, 0) < 0)
				return jvs_error_sys("cannot set mode of '%s'", e->path);
			c->modified = 1;
			if (c->act[j] == ACT_KEEP) {
				c->stats->written++;
				c->act[j] = ACT_MKDIR; /* counted */
			}
		}
		if (mtime_ns(&src) != mtime_ns(&dst)) {
			struct timespec ts[2] = {{0, UTIME_OMIT}, src.st_mtim};
			if (utimensat(pfd, leaf, ts, AT_SYMLINK_NOFOLLOW) < 0)
				return jvs_error_sys("cannot set mtime of '%s'", e->path);
			c->modified = 1;
		}
		if (c->act[j] == ACT_KEEP)
			c->stats->unchanged++;
	}
	return c->npaths ? 0 : finish_root(c);
}

/* ---- driver ---- */

/* jvs_checkout_paths_run: the manifest narrowed to the named paths and the
 * directories above them, as the scan was walked; a directory above that is a
 * directory on both sides is left out altogether (neither created,
 * removed nor given the snapshot's mode), so nothing outside the paths
 * changes. */
static void narrow(co_ctx *c)
{
	size_t w = 0;
	jvs_manifest_keep_paths(&c->m, c->paths, c->npaths, 1);
	for (size_t j = 0; j < c->m.n; j++) {
		const jvs_manifest_entry *e = &c->m.e[j];
		const jvs_scan_entry *s;
		if (e->type == JVS_ENT_DIR && jvs_paths_covers(c->paths, c->npaths, e->path) == 1 &&
		    (s = bsearch(e->path, c->scan.e, c->scan.n, sizeof *c->scan.e, cmp_scan_path)) &&
		    s->type == JVS_ENT_DIR)
			continue;
		c->m.e[w++] = *e;
	}
	c->m.n = w;
	w = 0;
	for (size_t i = 0; i < c->scan.n; i++) {
		const jvs_scan_entry *s = &c->scan.e[i];
		if (s->type == JVS_ENT_DIR && jvs_paths_covers(c->paths, c->npaths, s->path) == 1)
			continue; /* kept: a directory the paths need, or not the snapshot's */
		c->scan.e[w++] = *s;
	}
	c->scan.n = w;
}

static int open_stage(co_ctx *c, const char *dest_dir)
{
	struct stat dst, tmp;
	char *tmpdir = jvs_repo_path(c->repo, "tmp");
	int rc = -1;
	if (!tmpdir)
		return -1;
	if (fstat(c->dst_fd, &dst) < 0) {
		jvs_error_sys("cannot stat '%s'", dest_dir);
		goto done;
	}
	if (stat(tmpdir, &tmp) < 0) {
		if (errno != ENOENT || jvs_mkdir_p(tmpdir, 0755) < 0 || stat(tmpdir, &tmp) < 0) {
			jvs_error_sys("cannot use '%s'", tmpdir);
			goto done;
		}
	}
	/* Named after the destination, so a rerun finds and clears it. Staging
	 * must share dest's file system for rename; .jvs/tmp is preferred. */
	if (tmp.st_dev == dst.st_dev)
		c->stage_path =
		    jvs_strf("%s/checkout-%llx-%llx.tmp", tmpdir, (unsigned long long)dst.st_dev,
		             (unsigned long long)dst.st_ino);
	else
		c->stage_path = jvs_strf("%s/.jvs-tmp-checkout", dest_dir);
	if (!c->stage_path || jvs_rm_rf(c->stage_path) < 0)
		goto done;
	rc = 0;
done:
	free(tmpdir);
	return rc;
}

static int clone_into_empty(co_ctx *c)
{
	char *path = jvs_strf("%s.clone", c->stage_path);
	DIR *d = NULL;
	struct dirent *de;
	int fd = -1, rc = -1;
	if (!path || jvs_rm_rf(path) < 0 || jvs_engine_clone(&c->engine, c->src_path, path) < 0)
		goto done;
	fd = jvs_safe_open_dir(path);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		jvs_error_sys("cannot open '%s'", path);
		goto done;
	}
	fd = -1;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (renameat(dirfd(d), de->d_name, c->dst_fd, de->d_name) < 0) {
			jvs_error_sys("cannot move cloned '%s' into place", de->d_name);
			goto done;
		}
		c->modified = 1;
	}
	rc = 0;
done:
	if (d)
		closedir(d);
	if (fd >= 0)
		close(fd);
	if (path) {
		jvs_error saved = jvs_error_save();
		jvs_rm_rf(path);
		jvs_error_restore(&saved);
	}
	free(path);
	return rc;
}

static int make_stage(co_ctx *c)
{
	if (jvs_safe_mkdir(c->stage_path, 0700) < 0)
		return jvs_error_sys("cannot create '%s'", c->stage_path);
	c->stage_fd = jvs_safe_open_dir(c->stage_path);
	if (c->stage_fd < 0)
		return jvs_error_sys("cannot open '%s'", c->stage_path);
	return 0;
}

/* prescan: the worktree's scan, already taken (or NULL); paths: only these
 * (npaths of them, or 0 for the whole tree). */
static int checkout_run(const jvs_repo *repo, const char *id, const char *dest_dir,
                        const char *cache_worktree, jvs_checkout_stats *stats,
                        jvs_checkout_progress fn, void *arg, jvs_scan *prescan,
                        char *const *paths, size_t npaths)
{
	jvs_checkout_stats local = {0};
	jvs_index *idx = NULL;
	co_ctx c;
	char *src = NULL;
	int rc = -1;

	memset(&c, 0, sizeof c);
	c.src_fd = c.dst_fd = c.stage_fd = c.pfd = c.clone_fd = -1;
	c.sxc.root = c.sxc.dfd = -1;
	c.dxc.root = c.dxc.dfd = -1;
	c.repo = repo;
	c.id = id;
	c.is_root = geteuid() == 0;
	c.stats = stats ? stats : &local;
	c.progress = fn;
	c.progress_arg = arg;
	c.paths = paths;
	c.npaths = npaths;
	memset(c.stats, 0, sizeof *c.stats);
	jvs_degraded_clear(); /* the notes are those of the last checkout */

	if (!jvs_snapshot_is_published(repo, id)) {
		if (jvs_id_is_valid(id)) {
			char *d = jvs_layout_descriptor(repo, id);
			int exists = d && jvs_path_exists(d);
			free(d);
			if (exists) {
				jvs_error_set(JVS_E_PARTIAL_SNAPSHOT,
				              "snapshot %s is incomplete (payload or READY marker "
				              "missing)",
				              id);
				return jvs_error_hint("run 'jvs doctor'");
			}
		}
		return jvs_error_set(JVS_E_NOT_FOUND, "snapshot %s does not exist", id);
	}
	if (jvs_changes__load_manifest(repo, id, &c.m) < 0)
		return -1;
	if (jvs_engine_detect(repo, &c.engine) < 0 ||
	    jvs_compress_of_snapshot(repo, id, &c.compress) < 0)
		goto done;
	if (c.compress) /* its frames are decoded: no clone of them */
		c.engine.kind = JVS_ENGINE_COPY;
	src = jvs_layout_payload(repo, id);
	if (!src)
		goto done;
	c.src_path = src;
	c.src_fd = jvs_safe_open_dir(src);
	c.sxc.root = c.src_fd;
	if (c.src_fd < 0) {
		jvs_error_sys("cannot open the payload of %s", id);
		goto done;
	}
	{ /* a snapshot payload is one tree JVS made on one file system */
		struct stat sst;
		c.src_xnone = fstat(c.src_fd, &sst) == 0 &&
			      jvs_xattr_cursor_none(&c.sxc, (uint64_t)sst.st_dev);
		c.src_dev = c.src_xnone ? (uint64_t)sst.st_dev : 0;
	}
	c.dst_fd = jvs_safe_open_dir(dest_dir);
	c.dxc.root = c.dst_fd;
	if (c.dst_fd < 0) {
		jvs_error_sys("cannot open '%s'", dest_dir);
		goto done;
	}
	if (open_stage(&c, dest_dir) < 0)
		goto done;
	if (!npaths && c.engine.kind == JVS_ENGINE_JUICEFS && jvs_dir_is_empty(dest_dir) == 1) {
		/* A fork: clone the whole snapshot and move its top-level entries
		 * in (metadata only); the plan below trusts what the clone made. */
		c.stats->touched = 1;
		c.clone_recorded = jvs_cache_clock_ns();
		if (clone_into_empty(&c) == 0)
			c.trusted_clone = 1;
		else
			jvs_error_clear(); /* the plan copies whatever is missing */
	}
	if (npaths) {
		if (jvs_scan_worktree_paths(repo, dest_dir, JVS_SCAN_SPECIAL | JVS_SCAN_KEEP_IGNORED,
					    paths, npaths, &c.scan) < 0)
			goto done;
		narrow(&c);
	} else if (prescan && !c.trusted_clone && prescan->ignored == 0) {
		/* nothing ignored, so no special file either: what
		 * JVS_SCAN_SPECIAL | JVS_SCAN_KEEP_IGNORED would list */
		c.scan = *prescan; /* taken over: cleared below */
		memset(prescan, 0, sizeof *prescan);
	} else if (jvs_scan_worktree(repo, dest_dir, JVS_SCAN_SPECIAL | JVS_SCAN_KEEP_IGNORED,
				     &c.scan) < 0) {
		goto done;
	}
	idx = cache_worktree ? jvs_index_open(repo) : NULL;
	c.cache = jvs_forkseed_cache_begin(repo, idx, cache_worktree ? cache_worktree : "");

	if (plan(&c) < 0 || make_stage(&c) < 0 || stage(&c) < 0)
		goto done;

	c.stats->touched = 1;
	if (open_up_dirs(&c) < 0 || remove_extras(&c) < 0)
		goto done;
	drop_parent(&c);
	if (!idx && cache_worktree)
		idx = jvs_index_open(repo);
	prefetch_src(&c, idx);
	if (place_all(&c) < 0 || finish_dirs(&c) < 0)
		goto done;
	if (c.xattr_refused > 8)
		jvs_degraded_note("xattrs not restored on %u more entries", c.xattr_refused - 8);
	if (c.modified && syncfs(c.dst_fd) < 0) {
		jvs_error_sys("cannot sync '%s'", dest_dir);
		goto done;
	}
	jvs_cache_commit(c.cache, !npaths);
	c.cache = NULL;
	c.done = c.todo;
	report(&c);
	rc = 0;
done:
	drop_parent(&c);
	jvs_xattr_cursor_close(&c.sxc);
	jvs_xattr_cursor_close(&c.dxc);
	if (c.stage_fd >= 0)
		close(c.stage_fd);
	if (c.clone_fd >= 0)
		close(c.clone_fd);
	if (c.clone_path) {
		jvs_error saved = jvs_error_save();
		jvs_rm_rf(c.clone_path);
		jvs_error_restore(&saved);
		free(c.clone_path);
	}
	if (c.stage_path) {
		/* A leftover would be cleared by the next run or by doctor. */
		jvs_error saved = jvs_error_save();
		if (jvs_safe_unlink(c.stage_path, AT_REMOVEDIR) < 0)
			jvs_rm_rf(c.stage_path);
		if (rc < 0) {
			jvs_error_restore(&saved);
		} else {
			jvs_error_clear();
		}
	}
	jvs_cache_abort(c.cache);
	jvs_index_close(idx);
	jvs_scan_clear(&c.scan);
	jvs_manifest_clear(&c.m);
	free(c.act);
	free(c.remove);
	free(c.scan_of);
	free(c.src_meta);
	if (c.src_fd >= 0)
		close(c.src_fd);
	if (c.dst_fd >= 0)
		close(c.dst_fd);
	free(src);
	free(c.stage_path);
	return rc;
}

int jvs_checkout_progress_run(const jvs_repo *repo, const char *id, const char *dest_dir,
                              const char *cache_worktree, jvs_checkout_stats *stats,
                              jvs_checkout_progress fn, void *arg)
{
	return checkout_run(repo, id, dest_dir, cache_worktree, stats, fn, arg, NULL, NULL, 0);
}

int jvs_checkout__run_scanned(const jvs_repo *repo, const char *id, const char *dest_dir,
                              const char *cache_worktree, jvs_checkout_stats *stats,
                              jvs_checkout_progress fn, void *arg, jvs_scan *prescan)
{
	return checkout_run(repo, id, dest_dir, cache_worktree, stats, fn, arg, prescan, NULL, 0);
}

int jvs_checkout_paths_run(const jvs_repo *repo, const char *id, const char *dest_dir,
                           const char *cache_worktree, char *const *paths, size_t npaths,
                           jvs_checkout_stats *stats, jvs_checkout_progress fn, void *arg)
{
	if (!npaths)
		return jvs_error_set(JVS_E_INTERNAL, "no paths to check out");
	return checkout_run(repo, id, dest_dir, cache_worktree, stats, fn, arg, NULL, paths, npaths);
}

int jvs_checkout_adopt_clone(const jvs_repo *repo, const char *id, const char *dest_dir,
                             const char *cache_worktree)
{
	jvs_manifest m = {0};
	jvs_scan scan = {0};
	jvs_index *idx = NULL;
	jvs_cache *cache = NULL;
	int64_t recorded = jvs_cache_clock_ns();
	int rc = -1;
	if (jvs_changes__load_manifest(repo, id, &m) < 0)
		return -1;
	if (jvs_scan_tree(dest_dir, &scan) < 0)
		goto done;
	idx = jvs_index_open(repo);
	cache = jvs_cache_begin(idx, cache_worktree);
	for (size_t i = 0; i < m.n || i < scan.n; i++) {
		const jvs_manifest_entry *e = i < m.n ? &m.e[i] : NULL;
		const jvs_scan_entry *s = i < scan.n ? &scan.e[i] : NULL;
		if (!e || !s || strcmp(e->path, s->path) || e->type != s->type ||
		    (e->type != JVS_ENT_SYMLINK && (s->key.mode & 07777) != e->mode) ||
		    (e->type == JVS_ENT_FILE && s->key.size != e->size)) {
			jvs_error_set(JVS_E_IO, "the clone of snapshot %s differs at '%s'", id,
			              e ? e->path : s ? s->path : "");
			goto done;
		}
		if (e->type == JVS_ENT_FILE) {
			char hash[JVS_HASH_HEX];
			jvs_manifest_entry_hex(e, hash);
			jvs_cache_put(cache, s->path, &s->key, hash, recorded);
		}
	}
	jvs_cache_commit(cache, 1);
	cache = NULL;
	rc = 0;
done:
	jvs_cache_abort(cache);
	jvs_index_close(idx);
	jvs_scan_clear(&scan);
	jvs_manifest_clear(&m);
	return rc;
}
