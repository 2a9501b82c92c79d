#include "changes.h"
#include "api_int.h"
#include "layout.h"
#include "changes_int.h"
#include "descriptor.h"
#include "error_int.h"
#include "fsutil.h"
#include "forkseed.h"
#include "index.h"
#include "scan.h"
#include "xattr.h"
#include "safepath.h"
#include "scan_int.h"
#include "snapmeta.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int add_change(jvs_changes *ch, jvs_change_kind kind, const char *path)
{
	if (ch->n == ch->cap) {
		size_t cap = ch->cap ? ch->cap * 2 : 64;
		jvs_change *nc = realloc(ch->c, cap * sizeof *nc);
		if (!nc)
			return jvs_error_set(JVS_E_INTERNAL, "out of memory");
		ch->c = nc;
		ch->cap = cap;
	}
	ch->c[ch->n].path = strdup(path);
	if (!ch->c[ch->n].path)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	ch->c[ch->n].kind = kind;
	ch->n++;
	return 0;
}

void jvs_changes_clear(jvs_changes *ch)
{
	if (!ch)
		return;
	for (size_t i = 0; i < ch->n; i++)
		free(ch->c[i].path);
	free(ch->c);
	memset(ch, 0, sizeof *ch);
}

int jvs_changes__load_manifest(const jvs_repo *repo, const char *id, jvs_manifest *out)
{
	jvs_descriptor d;
	int rc;
	memset(out, 0, sizeof *out);
	if (!id || !*id)
		return 0;
	if (jvs__descriptor_load(repo, id, &d) < 0)
		return -1;
	rc = jvs_manifest_load(repo, id, d.payload_root_hash, out);
	jvs_descriptor_clear(&d);
	return rc;
}

int jvs_changes__hash_file(jvs_cache *c, int dir_fd, const char *path, int lenient,
                           char out[JVS_HASH_HEX])
{
	struct stat before, after;
	jvs_filekey key;
	int64_t recorded = jvs_cache_clock_ns();
	int fd = jvs_openat_beneath(dir_fd, path, O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR || errno == EXDEV ||
		    (lenient && errno == EACCES))
			return 0;
		jvs_error_sys("cannot read '%s'", path);
		if (errno == EACCES)
			jvs_error_hint("make the file readable, or move it out of the worktree");
		return -1;
	}
	if (fstat(fd, &before) < 0) {
		jvs_error_sys("cannot stat '%s'", path);
		close(fd);
		return -1;
	}
	if (!S_ISREG(before.st_mode)) {
		close(fd);
		return 0;
	}
	if (jvs_hash_fd(fd, out) < 0) {
		jvs_error_sys("cannot read '%s'", path);
		close(fd);
		return -1;
	}
	if (fstat(fd, &after) == 0) {
		jvs_filekey a;
		jvs_filekey_from_stat(&before, &key);
		jvs_filekey_from_stat(&after, &a);
		if (jvs_filekey_equal(&key, &a))
			jvs_cache_put(c, path, &key, out, recorded);
	}
	close(fd);
	return 1;
}

int jvs_changes__hash_link(int dir_fd, const char *path, char out[JVS_HASH_HEX])
{
	char target[PATH_MAX + 1];
	ssize_t n = readlinkat(dir_fd, path, target, sizeof target - 1);
	if (n < 0) {
		if (errno == ENOENT || errno == EINVAL || errno == ENOTDIR)
			return 0;
		return jvs_error_sys("cannot read symlink '%s'", path);
	}
	jvs_hash_buf(target, (size_t)n, out);
	return 1;
}

static int manifest_entries_differ(const jvs_manifest_entry *a, const jvs_manifest_entry *b)
{
	if (a->type != b->type || !jvs_xattr_equal(a->xattrs, b->xattrs))
		return 1;
	switch (a->type) {
	case JVS_ENT_DIR:
		return a->mode != b->mode;
	case JVS_ENT_SYMLINK:
		return memcmp(a->hash_raw, b->hash_raw, JVS_HASH_RAW) != 0;
	default:
		return a->mode != b->mode || a->size != b->size || memcmp(a->hash_raw, b->hash_raw, JVS_HASH_RAW) != 0;
	}
}

/* Opens the payload of snapshot id (O_PATH), -1 when there is none. */
static int open_payload(const jvs_repo *repo, const char *id)
{
	char *p;
	int fd;
	if (!id || !*id)
		return -1;
	p = jvs_layout_payload(repo, id);
	/* readable where it can be: its xattrs are those of the payload root */
	fd = p ? open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
	if (fd < 0 && p)
		fd = open(p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	free(p);
	jvs_error_clear();
	return fd;
}

/* 1 when the xattrs of two payload roots (kept on a snapshot's root
 * directory) differ. */
static int root_xattrs_differ(int a_fd, int b_fd)
{
	char *a = NULL, *b = NULL;
	unsigned la = 0, lb = 0;
	int d = jvs_xattr_read_fd(a_fd, &a, &la) == 0 && jvs_xattr_read_fd(b_fd, &b, &lb) == 0 &&
		!jvs_xattr_equal(a, b);
	free(a);
	free(b);
	jvs_error_clear();
	return d;
}

/* 1 when the owner or group of path differs between two trees (fds may be
 * -1: unknown, 0), compared as root only (snapshots taken as another user
 * own their files, recording nothing); path "" is the root, whose mode is
 * compared too. am, bm: the trees' recorded owners of the entry (from the
 * index, may be NULL): when both are known and agree, no stat is made;
 * a difference is only ever reported from the files themselves. */
static int owner_differs(int a_fd, const struct stat *a_st, int b_fd, const char *path,
			 const jvs_stat_meta *am, const jvs_stat_meta *bm)
{
	struct stat a, b;
	if (b_fd < 0 || (!a_st && a_fd < 0) || (*path && geteuid() != 0))
		return 0;
	if (*path && am && bm && am->ok && bm->ok && am->uid == bm->uid && am->gid == bm->gid)
		return 0;
	if (a_st)
		a = *a_st;
	else if ((*path ? fstatat(a_fd, path, &a, AT_SYMLINK_NOFOLLOW)
			: fstat(a_fd, &a)) < 0)
		return 0;
	if ((*path ? fstatat(b_fd, path, &b, AT_SYMLINK_NOFOLLOW) : fstat(b_fd, &b)) < 0)
		return 0;
	if (!*path &&
	    ((a.st_mode & 07777) != (b.st_mode & 07777) || root_xattrs_differ(a_fd, b_fd)))
		return 1;
	return geteuid() == 0 && (a.st_uid != b.st_uid || a.st_gid != b.st_gid);
}

static int changes_manifests_owners(const jvs_manifest *from, const jvs_manifest *to,
				    int from_fd, int to_fd, const jvs_stat_meta *from_meta,
				    const jvs_stat_meta *to_meta, jvs_changes *out);

/* With payload fds: an entry whose owner or group differs is modified, and
 * so is the root ("." ) when its mode, owner or group differ. */
static int changes_manifests_owners(const jvs_manifest *from, const jvs_manifest *to,
				    int from_fd, int to_fd, const jvs_stat_meta *from_meta,
				    const jvs_stat_meta *to_meta, jvs_changes *out)
{
	size_t i = 0, j = 0;
	memset(out, 0, sizeof *out);
	if (owner_differs(from_fd, NULL, to_fd, "", NULL, NULL) &&
	    add_change(out, JVS_CHANGE_MODIFIED, ".") < 0)
		return -1;
	while (i < from->n || j < to->n) {
		int cmp = i >= from->n ? 1
		          : j >= to->n ? -1
		                       : strcmp(from->e[i].path, to->e[j].path);
		int rc = 0;
		if (cmp < 0)
			rc = add_change(out, JVS_CHANGE_DELETED, from->e[i++].path);
		else if (cmp > 0)
			rc = add_change(out, JVS_CHANGE_ADDED, to->e[j++].path);
		else {
			if (manifest_entries_differ(&from->e[i], &to->e[j]) ||
			    owner_differs(from_fd, NULL, to_fd, to->e[j].path,
					  from_meta ? &from_meta[i] : NULL,
					  to_meta ? &to_meta[j] : NULL))
				rc = add_change(out, JVS_CHANGE_MODIFIED, to->e[j].path);
			i++, j++;
		}
		if (rc < 0) {
			jvs_changes_clear(out);
			return -1;
		}
	}
	return 0;
}

/* The recorded owners of snapshot id's entries (checked against its
 * manifest m), as root; NULL when there is no usable record. */
static jvs_stat_meta *load_meta(jvs_index *idx, const char *id, const jvs_manifest *m)
{
	jvs_stat_meta *meta;
	if (!idx || !id || !*id || !m->n || geteuid() != 0)
		return NULL;
	meta = calloc(m->n, sizeof *meta);
	if (meta && !jvs_snapmeta_load_checked(idx, id, m, meta)) {
		free(meta);
		meta = NULL;
	}
	return meta;
}

int jvs_changes_snapshots(const jvs_repo *repo, const char *from, const char *to, jvs_changes *out)
{
	jvs_manifest a, b;
	jvs_index *idx = NULL;
	jvs_stat_meta *am = NULL, *bm = NULL;
	int rc = -1, afd = -1, bfd = -1;
	memset(out, 0, sizeof *out);
	memset(&b, 0, sizeof b);
	if (jvs_changes__load_manifest(repo, from, &a) < 0)
		return -1;
	if (jvs_changes__load_manifest(repo, to, &b) < 0)
		goto done;
	afd = open_payload(repo, from);
	bfd = open_payload(repo, to);
	if (afd >= 0 && bfd >= 0 && geteuid() == 0) {
		idx = jvs_index_open(repo);
		am = load_meta(idx, from, &a);
		bm = am ? load_meta(idx, to, &b) : NULL;
	}
	rc = changes_manifests_owners(&a, &b, afd, bfd, am, bm, out);
done:
	free(am);
	free(bm);
	jvs_index_close(idx);
	if (afd >= 0)
		close(afd);
	if (bfd >= 0)
		close(bfd);
	jvs_manifest_clear(&a);
	jvs_manifest_clear(&b);
	return rc;
}

/* 1 when the worktree entry s differs from manifest entry e. The cache
 * lookup for files happens here, once per scanned file, in path order.
 * snap_fd >= 0 (root only): owners are compared too, with the snapshot's
 * recorded ones (sm, from the index, may be NULL) where they agree with
 * the worktree's, else with its file's own (a stat: a round trip on FUSE;
 * an owner change is never reported on the word of the index alone). */
static int entry_differs(jvs_cache *cache, int root_fd, jvs_xattr_cursor *xc,
                         jvs_xattr_cursor *sxc, int snap_fd, const jvs_stat_meta *sm,
                         const jvs_scan_entry *s, const jvs_manifest_entry *e)
{
	char hash[JVS_HASH_HEX], *xa = NULL;
	unsigned lost = 0;
	int hit = 0, rc;
	if (s->type == JVS_ENT_FILE)
		hit = jvs_cache_lookup(cache, s->path, &s->key, hash);
	if (s->type != e->type)
		return 1;
	/* owner and group: recorded on the snapshot's files when taken as root */
	if (snap_fd >= 0 && !(sm && sm->ok && sm->uid == s->key.uid && sm->gid == s->key.gid)) {
		struct stat st;
		if (fstatat(snap_fd, s->path, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    (st.st_uid != s->key.uid || st.st_gid != s->key.gid))
			return 1;
	}
	if (!jvs_xattr_cursor_none(xc, s->key.dev) &&
	    jvs_xattr_read_cursor(xc, s->path, &xa, &lost) < 0)
		return -1;
	if (xa && !e->xattrs) { /* a snapshot older than the xattr field? */
		char *sx = NULL;
		if (jvs_xattr_effective(sxc, s->path, NULL, &sx) < 0) {
			free(xa);
			return -1;
		}
		rc = !jvs_xattr_equal(xa, sx);
		free(sx);
	} else {
		rc = !jvs_xattr_equal(xa, e->xattrs);
	}
	free(xa);
	if (rc)
		return 1;
	switch (s->type) {
	case JVS_ENT_DIR:
		return (s->key.mode & 07777) != e->mode;
	case JVS_ENT_SYMLINK:
		rc = jvs_changes__hash_link(root_fd, s->path, hash);
		return rc < 0 ? -1 : rc == 0 ? 1 : !jvs_manifest_entry_hash_is(e, hash);
	default:
		if ((s->key.mode & 07777) != e->mode || s->key.size != e->size)
			return 1;
		if (hit)
			return !jvs_manifest_entry_hash_is(e, hash);
		rc = jvs_changes__hash_file(cache, root_fd, s->path, 0, hash);
		return rc < 0 ? -1 : rc == 0 ? 1 : !jvs_manifest_entry_hash_is(e, hash);
	}
}

int jvs_changes_worktree(const jvs_repo *repo, const char *worktree, const char *id,
                         jvs_changes *out)
{
	return jvs_changes__worktree_scan(repo, worktree, id, out, NULL);
}

int jvs_changes__worktree_scan(const jvs_repo *repo, const char *worktree, const char *id,
                               jvs_changes *out, jvs_scan *keep)
{
	jvs_manifest m;
	jvs_scan scan = {0};
	jvs_index *idx = NULL;
	jvs_cache *cache = NULL;
	jvs_stat_meta *meta = NULL; /* the snapshot's recorded owners, as root */
	char *root = NULL;
	int root_fd = -1, snap_fd = -1, rc = -1;
	size_t i = 0, j = 0;
	jvs_xattr_cursor xc = JVS_XATTR_CURSOR(-1), sxc = JVS_XATTR_CURSOR(-1);
	int is_root = geteuid() == 0;

	memset(out, 0, sizeof *out);
	if (jvs_changes__load_manifest(repo, id, &m) < 0)
		return -1;
	if (jvs_repo_payload_check(repo, worktree) < 0)
		goto done;
	root = jvs_repo_payload_root(repo, worktree);
	if (!root)
		goto done;
	root_fd = jvs_safe_open_dir(root);
	if (root_fd < 0) {
		jvs_error_sys("cannot open worktree '%s'", root);
		goto done;
	}
	if (jvs_scan_worktree(repo, root, 0, &scan) < 0)
		goto done;
	xc.root = root_fd;
	snap_fd = open_payload(repo, id);
	sxc.root = snap_fd;
	if (snap_fd >= 0) { /* the root: its mode, and its owner as root */
		struct stat a, b;
		if (fstat(root_fd, &a) == 0 && fstat(snap_fd, &b) == 0 &&
		    ((a.st_mode & 07777) != (b.st_mode & 07777) ||
		     (geteuid() == 0 && (a.st_uid != b.st_uid || a.st_gid != b.st_gid)) ||
		     root_xattrs_differ(root_fd, snap_fd)) &&
		    add_change(out, JVS_CHANGE_MODIFIED, ".") < 0)
			goto done;
	}
	idx = jvs_index_open(repo);
	cache = jvs_forkseed_cache_begin(repo, idx, worktree);
	if (snap_fd >= 0)
		meta = load_meta(idx, id, &m);
	while (i < scan.n || j < m.n) {
		int cmp = i >= scan.n ? 1 : j >= m.n ? -1 : strcmp(scan.e[i].path, m.e[j].path);
		int r = 0;
		if (cmp < 0) {
			if (scan.e[i].type == JVS_ENT_FILE) {
				char unused[JVS_HASH_HEX];
				jvs_cache_lookup(cache, scan.e[i].path, &scan.e[i].key, unused);
			}
			r = add_change(out, JVS_CHANGE_ADDED, scan.e[i++].path);
		} else if (cmp > 0) {
			r = add_change(out, JVS_CHANGE_DELETED, m.e[j++].path);
		} else {
			int d = entry_differs(cache, root_fd, &xc, &sxc, is_root ? snap_fd : -1,
			                      meta ? &meta[j] : NULL, &scan.e[i], &m.e[j]);
			if (d < 0)
				goto done;
			if (d)
				r = add_change(out, JVS_CHANGE_MODIFIED, m.e[j].path);
			i++, j++;
		}
		if (r < 0)
			goto done;
	}
	jvs_cache_commit(cache, 1);
	cache = NULL;
	rc = 0;
	if (keep) {
		*keep = scan;
		memset(&scan, 0, sizeof scan);
	}
done:
	if (rc < 0)
		jvs_changes_clear(out);
	jvs_cache_abort(cache);
	jvs_index_close(idx);
	free(meta);
	jvs_scan_clear(&scan);
	jvs_manifest_clear(&m);
	if (root_fd >= 0)
		close(root_fd);
	if (snap_fd >= 0)
		close(snap_fd);
	jvs_xattr_cursor_close(&xc);
	jvs_xattr_cursor_close(&sxc);
	free(root);
	return rc;
}
