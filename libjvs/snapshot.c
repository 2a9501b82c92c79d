#include "jvs/snapshot.h"
#include "scan_int.h"
#include "snapmeta.h"
#include "shortid_int.h"
#include "jvs/audit.h"
#include "jvs/changes.h"
#include "jvs/engine.h"
#include "jvs/error.h"
#include "jvs/fault.h"
#include "jvs/fsutil.h"
#include "jvs/index.h"
#include "jvs/intent.h"
#include "jvs/json.h"
#include "jvs/lock.h"
#include "jvs/manifest.h"
#include "jvs/paths.h"
#include "jvs/mounts.h"
#include "jvs/restore.h"
#include "jvs/scan.h"
#include "jvs/worktree.h"
#include "jvs/textesc.h"
#include "jvs/xattr.h"
#include "jvs/safepath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHANGE_RETRIES 3

typedef struct {
	jvs_repo *repo;
	const char *worktree;
	jvs_engine engine;
	int wt_fd, tmp_fd, parent_fd;
	jvs_manifest_reader *parent; /* looked up in path order */
	jvs_manifest_writer *out;    /* written in path order */
	jvs_cache *cache;
	jvs_snapshot_stats *stats;
	char **degraded;
	size_t ndegraded;
	int is_root;
	jvs_snapshot_progress progress;
	void *progress_arg;
	uint64_t bytes_done, bytes_total;
	size_t files_done, files_total;
	size_t *copied; /* scan indexes of copied files, for sync_payload() */
	size_t ncopied;
	int sync_all;   /* too many to fsync one by one: syncfs */
	jvs_xattr_cursor xc;  /* worktree entries' xattrs, main thread only */
	jvs_xattr_cursor pxc; /* the parent snapshot's files' */
	jvs_scan clone_scan; /* of the tree clone, taken beside the second worktree scan */
	jvs_scan clone_done; /* the same, kept after the manifest for snapmeta */
	jvs_stat_meta *copy_meta; /* as root, a copy's owner, mode and mtime per scan entry */
	size_t ncopy_meta;
} snap_ctx;

static int add_degraded(snap_ctx *c, const char *fmt, const char *path)
{
	char **nv = realloc(c->degraded, (c->ndegraded + 1) * sizeof *nv);
	char *s;
	if (!nv)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	c->degraded = nv;
	s = jvs_strf(fmt, path);
	if (!s)
		return -1;
	c->degraded[c->ndegraded++] = s;
	return 0;
}

static void set_times(struct timespec ts[2], const jvs_filekey *k)
{
	ts[0].tv_sec = 0;
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = k->mtime_ns / 1000000000LL;
	ts[1].tv_nsec = k->mtime_ns % 1000000000LL;
}

static int try_link_parent(snap_ctx *c, const jvs_scan_entry *e, const char *hash)
{
	const jvs_manifest_entry *pm;
	struct stat st;
	if (c->parent_fd < 0 || !c->parent)
		return 0;
	pm = jvs_manifest_reader_seek(c->parent, e->path);
	if (!pm || pm->type != JVS_ENT_FILE || strcmp(pm->hash, hash) ||
	    pm->mode != (e->key.mode & 07777))
		return 0;
	if (fstatat(c->parent_fd, e->path, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if ((int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec != e->key.mtime_ns ||
	    st.st_size != e->key.size || (st.st_mode & 07777) != (e->key.mode & 07777) ||
	    st.st_uid != e->key.uid || st.st_gid != e->key.gid)
		return 0;
	{ /* a file of a snapshot made before xattrs were in the manifest may
	   * carry them: such a file is copied, so no new snapshot's file has
	   * any but those of its record (see jvs_xattr_effective) */
		char *px = NULL;
		unsigned lost = 0;
		int clean = jvs_xattr_cursor_none(&c->pxc, (uint64_t)st.st_dev) ||
			    (jvs_xattr_read_cursor(&c->pxc, e->path, &px, &lost) == 0 && !px &&
			     !lost);
		free(px);
		jvs_error_clear();
		if (!clean)
			return 0;
	}
	if (linkat(c->parent_fd, e->path, c->tmp_fd, e->path, 0) < 0)
		return 0; /* EMLINK, EXDEV, ...: copy instead */
	c->stats->files_linked++;
	return 1;
}

static int same_content_state(const jvs_filekey *a, const struct stat *st)
{
	jvs_filekey b;
	jvs_filekey_from_stat(st, &b);
	return a->mtime_ns == b.mtime_ns && a->ctime_ns == b.ctime_ns && a->size == b.size &&
	       a->ino == b.ino;
}

/* What a copy worker reports for one file; merged in manifest order. */
typedef struct {
	char hash[JVS_HASH_HEX]; /* in: cached hash when has_known; out: content hash */
	unsigned char has_known, hashed;
	unsigned xattr_lost; /* names not captured (recorded in `degraded`) */
	char *xattrs;	     /* encoded, for the manifest (jvs/xattr.h); malloc'd */
	jvs_filekey key; /* the source's state the copy was taken in */
	int64_t recorded, size;
	unsigned mode;
} copy_out;

/* Thread-safe: touches nothing shared but the file descriptors of c. */
static int copy_file(const snap_ctx *c, const jvs_scan_entry *e, copy_out *o)
{
	int src = -1, dst = -1, rc = -1;
	struct stat before, after, done;
	struct timespec ts[2];
	jvs_filekey key;
	int64_t recorded;
	char *hash = o->hash;

	src = jvs_openat_beneath(c->wt_fd, e->path, O_RDONLY);
	if (src < 0) {
		jvs_error_sys("cannot read '%s'", e->path);
		if (errno == EACCES)
			jvs_error_hint("make the file readable, or move it out of the worktree");
		return -1;
	}
	/* created empty (mode 0600) by the main thread: see pipe_add() */
	dst = openat(c->tmp_fd, e->path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (dst < 0) {
		jvs_error_sys("cannot create snapshot copy of '%s'", e->path);
		goto done;
	}
	for (int attempt = 0;; attempt++) {
		recorded = jvs_cache_clock_ns();
		if (fstat(src, &before) < 0 || !S_ISREG(before.st_mode)) {
			jvs_error_sys("cannot stat '%s'", e->path);
			goto done;
		}
		if (jvs_engine_copy_data(&c->engine, src, dst, (uint64_t)before.st_size) < 0) {
			char hint[sizeof jvs_error_last()->hint]; /* e.g. ENOSPC's */
			snprintf(hint, sizeof hint, "%s", jvs_error_last()->hint);
			jvs_error_set(jvs_error_last()->cls, "'%s': %s", e->path,
				      jvs_error_last()->message);
			if (hint[0])
				jvs_error_hint("%s", hint);
			goto done;
		}
		if (fstat(src, &after) < 0) {
			jvs_error_sys("cannot stat '%s'", e->path);
			goto done;
		}
		jvs_filekey_from_stat(&before, &key);
		if (same_content_state(&key, &after))
			break;
		if (attempt + 1 >= CHANGE_RETRIES) {
			jvs_error_set(JVS_E_IO, "'%s' kept changing while being snapshotted",
				      e->path);
			jvs_error_hint("stop the program writing it, then snapshot again");
			goto done;
		}
		if (ftruncate(dst, 0) < 0 || lseek(dst, 0, SEEK_SET) < 0 ||
		    lseek(src, 0, SEEK_SET) < 0) {
			jvs_error_sys("cannot retry copy of '%s'", e->path);
			goto done;
		}
	}
	/* Start writing the copy back now, so that the sync of step 5 finds
	 * little left to do: the disk works while this and later files are
	 * hashed (from the page cache). */
	(void)sync_file_range(dst, 0, 0, SYNC_FILE_RANGE_WRITE);
	if (!(o->has_known && before.st_mtim.tv_sec * 1000000000LL + before.st_mtim.tv_nsec ==
				       e->key.mtime_ns &&
	      before.st_size == e->key.size)) {
		if (lseek(dst, 0, SEEK_SET) < 0 || jvs_hash_fd(dst, hash) < 0) {
			jvs_error_sys("cannot hash snapshot copy of '%s'", e->path);
			goto done;
		}
		o->hashed = 1;
	}
	o->key = key;
	o->recorded = recorded;
	/* Extended attributes go to the manifest, not onto the copy: snapshot
	 * files are shared by hard links between snapshots. */
	if (jvs_xattr_read_fd(src, &o->xattrs, &o->xattr_lost) < 0) {
		jvs_error_clear();
		o->xattr_lost = 1;
	}
	if (c->is_root && fchown(dst, before.st_uid, before.st_gid) < 0) {
		jvs_error_sys("cannot set owner of '%s'", e->path);
		goto done;
	}
	if (fchmod(dst, before.st_mode & 07777) < 0) {
		jvs_error_sys("cannot set mode of '%s'", e->path);
		goto done;
	}
	set_times(ts, &key);
	if (futimens(dst, ts) < 0) {
		jvs_error_sys("cannot set mtime of '%s'", e->path);
		goto done;
	}
	if (fstat(dst, &done) < 0) {
		jvs_error_sys("cannot stat snapshot copy of '%s'", e->path);
		goto done;
	}
	o->size = done.st_size;
	o->mode = done.st_mode & 07777;
	rc = 0;
done:
	if (src >= 0)
		close(src);
	if (dst >= 0)
		close(dst);
	return rc;
}

static int put_symlink(snap_ctx *c, const jvs_scan_entry *e, char hash[JVS_HASH_HEX])
{
	char target[PATH_MAX + 1];
	struct timespec ts[2];
	ssize_t n = readlinkat(c->wt_fd, e->path, target, sizeof target - 1);
	if (n < 0)
		return jvs_error_sys("cannot read symlink '%s'", e->path);
	target[n] = '\0';
	if (symlinkat(target, c->tmp_fd, e->path) < 0)
		return jvs_error_sys("cannot create snapshot symlink '%s'", e->path);
	if (c->is_root && fchownat(c->tmp_fd, e->path, e->key.uid, e->key.gid,
				   AT_SYMLINK_NOFOLLOW) < 0)
		return jvs_error_sys("cannot set owner of '%s'", e->path);
	set_times(ts, &e->key);
	if (utimensat(c->tmp_fd, e->path, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return jvs_error_sys("cannot set mtime of '%s'", e->path);
	jvs_hash_buf(target, (size_t)n, hash);
	return 0;
}

/* Directory modes and times are applied last, deepest first, so that a
 * read-only directory can still be filled and its mtime is not disturbed. */
static int finish_dirs(snap_ctx *c, const jvs_scan *s)
{
	struct stat root;
	if (fstat(c->wt_fd, &root) == 0 && c->is_root &&
	    fchown(c->tmp_fd, root.st_uid, root.st_gid) < 0)
		return jvs_error_sys("cannot set owner of the snapshot root");
	if (fstat(c->wt_fd, &root) == 0 && fchmod(c->tmp_fd, root.st_mode & 07777) < 0)
		return jvs_error_sys("cannot set mode of the snapshot root");
	for (size_t i = s->n; i-- > 0;) {
		const jvs_scan_entry *e = &s->e[i];
		struct timespec ts[2];
		if (e->type != JVS_ENT_DIR)
			continue;
		if (c->is_root && fchownat(c->tmp_fd, e->path, e->key.uid, e->key.gid,
					   AT_SYMLINK_NOFOLLOW) < 0)
			return jvs_error_sys("cannot set owner of '%s'", e->path);
		if (fchmodat(c->tmp_fd, e->path, e->key.mode & 07777, 0) < 0)
			return jvs_error_sys("cannot set mode of '%s'", e->path);
		set_times(ts, &e->key);
		if (utimensat(c->tmp_fd, e->path, ts, AT_SYMLINK_NOFOLLOW) < 0)
			return jvs_error_sys("cannot set mtime of '%s'", e->path);
	}
	return 0;
}

static void progress_step(snap_ctx *c, const jvs_scan_entry *e)
{
	if (!c->progress)
		return;
	c->files_done++;
	if (e->type == JVS_ENT_FILE && e->key.size > 0)
		c->bytes_done += (uint64_t)e->key.size;
	if (c->bytes_done > c->bytes_total)
		c->bytes_total = c->bytes_done;
	c->progress(c->progress_arg, c->bytes_done, c->bytes_total, c->files_done,
		    c->files_total);
}

/* ---- the copy pipeline of materialise() ----
 * The main thread walks the scan in order: it creates directories and
 * symlinks, looks files up in the hash cache (forward-only, in path order)
 * and hard-links unchanged files from the parent. Files to copy become jobs
 * in a bounded ring; workers (one per CPU, at most PIPE_WORKERS) copy and hash
 * them concurrently. Slots retire in ring order, so the manifest, the cache
 * puts, `degraded` and the progress reports come out exactly as a serial walk
 * would produce them, with memory bounded by the ring. */

#define PIPE_RING 1024
#define SYNC_FILES_MAX 256 /* more copied files than this: one syncfs */
#define SYNC_DIRS_MAX 4096
#define PIPE_WORKERS 2

enum { SLOT_DONE, SLOT_PENDING, SLOT_RUNNING, SLOT_FAILED };

typedef struct {
	size_t idx; /* scan entry */
	int state;
	int copy;   /* 1: a job (copy_out valid); 0: finished by the main thread */
	copy_out o; /* hash also used for symlinks and linked files */
	jvs_error err;
} pipe_slot;

typedef struct {
	snap_ctx *c;
	const jvs_scan *s;
	pipe_slot *ring;
	size_t head, tail, dispatch; /* sequence numbers; slot = ring[seq % PIPE_RING] */
	int stop;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
} copy_pipe;

static void *pipe_worker(void *arg)
{
	copy_pipe *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		pipe_slot *sl;
		int rc;
		while (!p->stop && p->dispatch < p->tail &&
		       p->ring[p->dispatch % PIPE_RING].state != SLOT_PENDING)
			p->dispatch++;
		if (p->stop)
			break;
		if (p->dispatch == p->tail) {
			pthread_cond_wait(&p->work, &p->mu);
			continue;
		}
		sl = &p->ring[p->dispatch++ % PIPE_RING];
		sl->state = SLOT_RUNNING;
		pthread_mutex_unlock(&p->mu);
		rc = copy_file(p->c, &p->s->e[sl->idx], &sl->o);
		if (rc < 0)
			sl->err = *jvs_error_last();
		pthread_mutex_lock(&p->mu);
		sl->state = rc < 0 ? SLOT_FAILED : SLOT_DONE;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static int retire_entry(snap_ctx *c, pipe_slot *sl, const jvs_scan_entry *e, int64_t *total);

/* Waits for the oldest slot and merges it into the manifest. */
static int pipe_retire(copy_pipe *p, int64_t *file_count, int64_t *total)
{
	snap_ctx *c = p->c;
	pipe_slot *sl = &p->ring[p->head % PIPE_RING];
	const jvs_scan_entry *e = &p->s->e[sl->idx];
	int state, rc;
	pthread_mutex_lock(&p->mu);
	while (sl->state == SLOT_PENDING || sl->state == SLOT_RUNNING)
		pthread_cond_wait(&p->done, &p->mu);
	state = sl->state;
	if (state != SLOT_FAILED) {
		p->head++;
		/* Workers look only at [dispatch, tail) within [head, tail), so
		 * the slot pipe_add refills next is never one they can see. */
		if (p->dispatch < p->head)
			p->dispatch = p->head;
	}
	pthread_mutex_unlock(&p->mu);
	if (sl->o.xattr_lost && add_degraded(c, "xattrs not preserved: %s", e->path) < 0)
		state = SLOT_FAILED, sl->err = *jvs_error_last();
	if (state == SLOT_FAILED) {
		free(sl->o.xattrs);
		sl->o.xattrs = NULL;
		jvs_error_set(sl->err.cls, "%s", sl->err.message);
		if (sl->err.hint[0])
			jvs_error_hint("%s", sl->err.hint);
		return -1;
	}
	rc = retire_entry(c, sl, e, total);
	free(sl->o.xattrs);
	sl->o.xattrs = NULL;
	if (rc <= 0)
		return rc;
	(*file_count)++;
	progress_step(c, e);
	return 0;
}

/* The manifest record and bookkeeping of a retired slot: 1 for a file or
 * symlink (counted), 0 for a directory, -1 on error. */
static int retire_entry(snap_ctx *c, pipe_slot *sl, const jvs_scan_entry *e, int64_t *total)
{
	if (c->copy_meta) { /* what pipe_add, copy_file and finish_dirs give the copy */
		jvs_stat_meta *m = &c->copy_meta[sl->idx];
		const jvs_filekey *k = e->type == JVS_ENT_FILE && sl->copy ? &sl->o.key : &e->key;
		m->mtime_ns = k->mtime_ns;
		m->uid = k->uid;
		m->gid = k->gid;
		m->mode = e->type == JVS_ENT_DIR       ? S_IFDIR | (e->key.mode & 07777)
			  : e->type == JVS_ENT_SYMLINK ? S_IFLNK | 0777
			  : sl->copy                   ? S_IFREG | sl->o.mode
						       : S_IFREG | (e->key.mode & 07777);
		m->ok = 1;
	}
	switch (e->type) {
	case JVS_ENT_DIR:
		return jvs_manifest_writer_add_x(c->out, JVS_ENT_DIR, e->path, e->key.mode & 07777,
						 -1, NULL, sl->o.xattrs);
	case JVS_ENT_SYMLINK:
		if (jvs_manifest_writer_add_x(c->out, JVS_ENT_SYMLINK, e->path, 0, -1, sl->o.hash,
					      sl->o.xattrs) < 0)
			return -1;
		break;
	case JVS_ENT_FILE:
		if (!sl->copy) { /* hard-linked from the parent */
			*total += e->key.size;
			if (jvs_manifest_writer_add_x(c->out, JVS_ENT_FILE, e->path,
						      e->key.mode & 07777, e->key.size, sl->o.hash,
						      sl->o.xattrs) < 0)
				return -1;
			break;
		}
		c->stats->files_copied++;
		c->stats->bytes_copied += (uint64_t)sl->o.key.size;
		if (c->copied && c->ncopied < SYNC_FILES_MAX)
			c->copied[c->ncopied++] = sl->idx;
		else
			c->sync_all = 1;
		if (sl->o.hashed)
			c->stats->files_hashed++;
		jvs_cache_put(c->cache, e->path, &sl->o.key, sl->o.hash, sl->o.recorded);
		*total += sl->o.size;
		if (jvs_manifest_writer_add_x(c->out, JVS_ENT_FILE, e->path, sl->o.mode, sl->o.size,
					      sl->o.hash, sl->o.xattrs) < 0)
			return -1;
		break;
	}
	return 1;
}

/* Extended attributes of a worktree entry not copied by a worker. */
static int read_xattrs(snap_ctx *c, const jvs_scan_entry *e, copy_out *o)
{
	if (jvs_xattr_cursor_none(&c->xc, e->key.dev))
		return 0;
	if (jvs_xattr_read_cursor(&c->xc, e->path, &o->xattrs, &o->xattr_lost) < 0) {
		jvs_error_clear();
		o->xattr_lost = 1;
	}
	return 0;
}

/* Fills the next slot for entry i: done here, or a job for the workers. */
static int pipe_add(copy_pipe *p, size_t i)
{
	snap_ctx *c = p->c;
	const jvs_scan_entry *e = &p->s->e[i];
	pipe_slot *sl = &p->ring[p->tail % PIPE_RING];
	memset(sl, 0, sizeof *sl);
	sl->idx = i;
	sl->state = SLOT_DONE;
	switch (e->type) {
	case JVS_ENT_DIR:
		if (mkdirat(c->tmp_fd, e->path, 0700) < 0)
			return jvs_error_sys("cannot create '%s' in snapshot", e->path);
		if (read_xattrs(c, e, &sl->o) < 0)
			return -1;
		break;
	case JVS_ENT_SYMLINK:
		if (put_symlink(c, e, sl->o.hash) < 0 || read_xattrs(c, e, &sl->o) < 0)
			return -1;
		break;
	case JVS_ENT_FILE:
		if (jvs_cache_lookup(c->cache, e->path, &e->key, sl->o.hash)) {
			c->stats->cache_hits++;
			if (try_link_parent(c, e, sl->o.hash)) {
				if (read_xattrs(c, e, &sl->o) < 0)
					return -1;
				break;
			}
			sl->o.has_known = 1;
		}
		/* Inodes are created here, serially and in path order: creating
		 * them from several threads contends on the file system's
		 * allocator; copying and hashing is what runs in parallel. */
		if (mknodat(c->tmp_fd, e->path, S_IFREG | 0600, 0) < 0)
			return jvs_error_sys("cannot create snapshot copy of '%s'", e->path);
		sl->copy = 1;
		sl->state = SLOT_PENDING;
		break;
	}
	pthread_mutex_lock(&p->mu);
	p->tail++;
	if (sl->state == SLOT_PENDING)
		pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

static int materialise(snap_ctx *c, const jvs_scan *s, int64_t *file_count, int64_t *total)
{
	copy_pipe p;
	pthread_t th[PIPE_WORKERS];
	size_t nth = 0, want = 1;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int rc = 0;
	for (size_t i = 0; c->progress && i < s->n; i++) {
		if (s->e[i].type == JVS_ENT_DIR)
			continue;
		c->files_total++;
		if (s->e[i].type == JVS_ENT_FILE && s->e[i].key.size > 0)
			c->bytes_total += (uint64_t)s->e[i].key.size;
	}
	if (!c->copied && !(c->copied = calloc(SYNC_FILES_MAX, sizeof *c->copied)))
		c->sync_all = 1;
	/* as root the copy gets the worktree's owners; otherwise its maker's,
	 * which nothing compares: no record then */
	free(c->copy_meta);
	c->copy_meta = c->is_root && s->n ? calloc(s->n, sizeof *c->copy_meta) : NULL;
	c->ncopy_meta = c->copy_meta ? s->n : 0;
	memset(&p, 0, sizeof p);
	p.c = c;
	p.s = s;
	p.ring = calloc(PIPE_RING, sizeof *p.ring);
	if (!p.ring)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.work, NULL);
	pthread_cond_init(&p.done, NULL);
	if (ncpu > 1)
		want = ncpu < PIPE_WORKERS ? (size_t)ncpu : PIPE_WORKERS;
	while (nth < want && pthread_create(&th[nth], NULL, pipe_worker, &p) == 0)
		nth++;
	if (!nth) {
		rc = jvs_error_set(JVS_E_INTERNAL, "cannot start a copy thread");
		goto out;
	}
	for (size_t i = 0; i < s->n && rc == 0; i++) {
		if (p.tail - p.head == PIPE_RING)
			rc = pipe_retire(&p, file_count, total);
		if (rc == 0)
			rc = pipe_add(&p, i);
	}
	while (rc == 0 && p.head < p.tail)
		rc = pipe_retire(&p, file_count, total);
out:
	pthread_mutex_lock(&p.mu);
	p.stop = 1;
	pthread_cond_broadcast(&p.work);
	pthread_mutex_unlock(&p.mu);
	for (size_t t = 0; t < nth; t++)
		pthread_join(th[t], NULL);
	pthread_cond_destroy(&p.work);
	pthread_cond_destroy(&p.done);
	pthread_mutex_destroy(&p.mu);
	for (size_t k = 0; k < PIPE_RING; k++)
		free(p.ring[k].o.xattrs);
	free(p.ring);
	if (rc < 0)
		return -1;
	return finish_dirs(c, s);
}

/* Step 5, durability of the payload. A snapshot that copied few files
 * fsyncs them and every directory (hard links and symlinks are directory
 * entries); otherwise one syncfs. syncfs also waits for every other
 * writer's dirty data on the file system, which dominates a small snapshot
 * on a busy machine. */
static int sync_payload(snap_ctx *c, const jvs_scan *s)
{
	size_t ndirs = 0;
	for (size_t i = 0; i < s->n; i++)
		ndirs += s->e[i].type == JVS_ENT_DIR;
	if (c->sync_all || !c->copied || ndirs > SYNC_DIRS_MAX) {
		if (syncfs(c->tmp_fd) < 0)
			return jvs_error_sys("cannot sync snapshot payload");
		return 0;
	}
	for (size_t k = 0; k <= c->ncopied + s->n; k++) {
		const char *path;
		int fd, dir = k >= c->ncopied;
		if (k == c->ncopied + s->n)
			path = ".";
		else if (!dir)
			path = s->e[c->copied[k]].path;
		else if (s->e[k - c->ncopied].type == JVS_ENT_DIR)
			path = s->e[k - c->ncopied].path;
		else
			continue;
		fd = openat(c->tmp_fd, path,
			    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (dir ? O_DIRECTORY : 0));
		if (fd < 0) /* e.g. a mode that forbids reading: sync it all */
			break;
		if (fsync(fd) < 0) {
			jvs_error_sys("cannot sync '%s' of the snapshot payload", path);
			close(fd);
			return -1;
		}
		close(fd);
		if (k == c->ncopied + s->n)
			return 0;
	}
	if (syncfs(c->tmp_fd) < 0)
		return jvs_error_sys("cannot sync snapshot payload");
	return 0;
}

/* ---- juicefs-clone: one metadata-only clone of the whole worktree ---- */

static int same_scan(const jvs_scan *a, const jvs_scan *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->e[i].type != b->e[i].type || strcmp(a->e[i].path, b->e[i].path) ||
		    !jvs_filekey_equal(&a->e[i].key, &b->e[i].key))
			return 0;
	return 1;
}

/* Scans the worktree, clones it into tmp (which must not exist) and scans
 * it again: a clone taken while the worktree changed (any entry's ctime,
 * size, inode or the set of paths moved) is thrown away and retaken, so
 * the clone is exactly the tree described by *scan. *recorded: a clock
 * reading taken before the scan, for hash-cache entries. */
static int clone_payload(snap_ctx *c, const char *payload, const char *tmp, jvs_scan *scan,
			 int64_t *recorded)
{
	for (int attempt = 0;; attempt++) {
		jvs_scan after = {0};
		int stable;
		*recorded = jvs_cache_clock_ns();
		if (jvs_scan_worktree(c->repo, payload, 0, scan) < 0)
			return -1;
		if (scan->ignored)
			return 1; /* a tree clone would hold the ignored paths too */
		if (jvs_engine_clone(&c->engine, payload, tmp) < 0)
			return -1;
		/* the worktree again and the clone, at once: two walks' round trips overlap */
		if (jvs_scan_two(payload, &after, tmp, &c->clone_scan) < 0)
			return -1;
		stable = same_scan(scan, &after);
		jvs_scan_clear(&after);
		if (stable)
			break;
		jvs_scan_clear(&c->clone_scan);
		jvs_scan_clear(scan);
		if (jvs_rm_rf(tmp) < 0)
			return -1;
		if (attempt + 1 >= CHANGE_RETRIES) {
			jvs_error_set(JVS_E_IO, "the worktree kept changing while being cloned");
			return jvs_error_hint("stop the programs writing it, then snapshot again");
		}
	}
	c->tmp_fd = jvs_safe_open_dir(tmp);
	if (c->tmp_fd < 0)
		return jvs_error_sys("cannot open '%s'", tmp);
	return 0;
}

/* Files of the clone looked up in the cache, then hashed several at a
 * time (reads of a FUSE mount are round trips), this many at once. */
#define HASH_WINDOW 1024

typedef struct {
	size_t start, end; /* scan indexes covered */
	char (*hash)[JVS_HASH_HEX];
	int *res;              /* 0 hashed, else errno */
	unsigned char *hit;    /* from the cache */
	unsigned char *want;   /* to be read */
	const char **paths;
} hash_window;

/* Cache lookups (in path order, as the cache wants) for entries from i on,
 * then the misses hashed in parallel. Stops at the first entry where clone
 * and worktree disagree (the caller reports it). */
static void fill_window(snap_ctx *c, const jvs_scan *cl, const jvs_scan *w, size_t i,
			hash_window *hw)
{
	size_t k, nwant = 0;
	hw->start = hw->end = i;
	if (!cl->e || !w->e)
		return;
	for (k = 0; k < HASH_WINDOW && i + k < cl->n && i + k < w->n; k++) {
		const jvs_scan_entry *we = &w->e[i + k], *ke = &cl->e[i + k];
		hw->hit[k] = hw->want[k] = 0;
		hw->res[k] = 0;
		hw->paths[k] = ke->path;
		if (we->type != ke->type || strcmp(we->path, ke->path))
			break;
		if (ke->type != JVS_ENT_FILE)
			continue;
		if (ke->key.size == we->key.size && ke->key.mtime_ns == we->key.mtime_ns &&
		    (ke->key.mode & 07777) == (we->key.mode & 07777) &&
		    jvs_cache_lookup(c->cache, we->path, &we->key, hw->hash[k]))
			hw->hit[k] = 1;
		else
			hw->want[k] = 1, nwant++;
	}
	hw->end = i + k;
	if (nwant)
		jvs_hash_many(c->tmp_fd, hw->paths, hw->want, k, hw->hash, hw->res,
			      nwant > 1 ? jvs_scan__threads(c->tmp_fd) : 1);
}

/* The manifest of a clone: hashes come from the worktree's hash cache
 * where the clone kept size, mtime and mode of the cached worktree file;
 * only the rest is read (from the clone, which cannot change under us). */
/* The xattrs of a cloned entry are read from the worktree: the manifest
 * holds them (restore and fork set them from there), so a clone that did
 * not keep them loses nothing; clone_payload retook the clone if any
 * entry's ctime (which an xattr change moves) changed meanwhile. */
static int clone_xattrs(snap_ctx *c, const jvs_scan_entry *we, char **xa)
{
	const char *path = we->path;
	unsigned lost = 0;
	if (jvs_xattr_cursor_none(&c->xc, we->key.dev))
		return 0;
	if (jvs_xattr_read_cursor(&c->xc, path, xa, &lost) < 0) {
		jvs_error_clear();
		lost = 1;
	}
	return lost ? add_degraded(c, "xattrs not preserved: %s", path) : 0;
}

static int manifest_from_clone(snap_ctx *c, const char *tmp, const jvs_scan *w,
			       int64_t recorded, int64_t *file_count, int64_t *total)
{
	jvs_scan cl = {0};
	char *xa = NULL;
	hash_window hw = {0};
	int rc = -1;
	hw.hash = malloc(HASH_WINDOW * sizeof *hw.hash);
	hw.res = malloc(HASH_WINDOW * sizeof *hw.res);
	hw.hit = malloc(HASH_WINDOW);
	hw.want = malloc(HASH_WINDOW);
	hw.paths = malloc(HASH_WINDOW * sizeof *hw.paths);
	if (!hw.hash || !hw.res || !hw.hit || !hw.want || !hw.paths) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		goto done;
	}
	for (size_t i = 0; c->progress && i < w->n; i++) {
		if (w->e[i].type == JVS_ENT_DIR)
			continue;
		c->files_total++;
		if (w->e[i].type == JVS_ENT_FILE && w->e[i].key.size > 0)
			c->bytes_total += (uint64_t)w->e[i].key.size;
	}
	if (c->clone_scan.e || c->clone_scan.n) {
		cl = c->clone_scan; /* taken by clone_payload */
		memset(&c->clone_scan, 0, sizeof c->clone_scan);
	} else if (jvs_scan_tree(tmp, &cl) < 0) {
		goto done;
	}
	for (size_t i = 0; i < cl.n || i < w->n; i++) {
		const jvs_scan_entry *we = i < w->n ? &w->e[i] : NULL;
		const jvs_scan_entry *ke = i < cl.n ? &cl.e[i] : NULL;
		char hash[JVS_HASH_HEX], target[PATH_MAX + 1];
		ssize_t n;
		if (i >= hw.end)
			fill_window(c, &cl, w, i, &hw);
		if (!we || !ke || we->type != ke->type || strcmp(we->path, ke->path) || i >= hw.end) {
			jvs_error_set(JVS_E_IO, "the clone differs from the worktree at '%s'",
				      we ? we->path : ke ? ke->path : "?");
			jvs_error_hint("snapshot again; JVS_SNAPSHOT_ENGINE=copy avoids cloning");
			goto done;
		}
		free(xa);
		xa = NULL;
		if (clone_xattrs(c, we, &xa) < 0)
			goto done;
		switch (ke->type) {
		case JVS_ENT_DIR:
			if (jvs_manifest_writer_add_x(c->out, JVS_ENT_DIR, ke->path,
						      ke->key.mode & 07777, -1, NULL, xa) < 0)
				goto done;
			continue;
		case JVS_ENT_SYMLINK:
			n = readlinkat(c->tmp_fd, ke->path, target, sizeof target - 1);
			if (n < 0) {
				jvs_error_sys("cannot read symlink '%s' of the clone", ke->path);
				goto done;
			}
			jvs_hash_buf(target, (size_t)n, hash);
			if (jvs_manifest_writer_add_x(c->out, JVS_ENT_SYMLINK, ke->path, 0, -1, hash,
						      xa) < 0)
				goto done;
			break;
		case JVS_ENT_FILE: {
			int same = ke->key.size == we->key.size &&
				   ke->key.mtime_ns == we->key.mtime_ns &&
				   (ke->key.mode & 07777) == (we->key.mode & 07777);
			size_t k = i - hw.start;
			memcpy(hash, hw.hash[k], JVS_HASH_HEX);
			if (hw.hit[k]) {
				c->stats->cache_hits++;
			} else {
				if (hw.res[k]) {
					errno = hw.res[k];
					jvs_error_sys("cannot hash '%s' of the clone", ke->path);
					goto done;
				}
				c->stats->files_hashed++;
				if (same)
					jvs_cache_put(c->cache, we->path, &we->key, hash, recorded);
				else if (ke->key.mtime_ns != we->key.mtime_ns &&
					 add_degraded(c, "mtime not preserved by the clone: %s",
						      ke->path) < 0)
					goto done;
			}
			*total += ke->key.size;
			if (jvs_manifest_writer_add_x(c->out, JVS_ENT_FILE, ke->path,
						      ke->key.mode & 07777, ke->key.size, hash, xa) < 0)
				goto done;
			break;
		}
		}
		(*file_count)++;
		progress_step(c, ke);
	}
	rc = 0;
	c->clone_done = cl; /* its owners, modes and mtimes go to the index */
	memset(&cl, 0, sizeof cl);
done:
	free(xa);
	free(hw.hash);
	free(hw.res);
	free(hw.hit);
	free(hw.want);
	free(hw.paths);
	jvs_scan_clear(&cl);
	return rc;
}

int jvs_descriptor_write(const char *path, jvs_descriptor *d)
{
	return jvs_descriptor_write_mode(path, d, 0644);
}

/* Permission bits of a snapshot's manifest, descriptor and READY marker:
 * the owner's always; group and others may read them only if the payload
 * root lets them list it (r and x), so a worktree closed to others does not
 * publish its file names, sizes and hashes (jvs-format(5), Permissions). */
static unsigned meta_mode_of(int wt_fd)
{
	struct stat st;
	unsigned m = 0600;
	if (fstat(wt_fd, &st) < 0)
		return m;
	if ((st.st_mode & 0050) == 0050)
		m |= 0040;
	if ((st.st_mode & 0005) == 0005)
		m |= 0004;
	return m;
}

int jvs_descriptor_write_mode(const char *path, jvs_descriptor *d, unsigned mode)
{
	char *text;
	json_t *j;
	int rc;
	if (jvs_descriptor_checksum(d, d->descriptor_checksum) < 0)
		return -1;
	j = jvs_descriptor_to_json(d);
	if (!j)
		return -1;
	text = jvs_json_pretty(j);
	json_decref(j);
	if (!text)
		return -1;
	rc = jvs_write_file_synced_mode(path, text, strlen(text), (mode_t)mode);
	free(text);
	return rc;
}

static int write_ready(const jvs_repo *repo, const jvs_descriptor *d, unsigned mode)
{
	char *p = jvs_repo_pathf(repo, "snapshots/%s.READY", d->snapshot_id);
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "snapshot_id", d->snapshot_id,
			      "created_at", d->created_at, "engine", d->engine,
			      "descriptor_checksum", d->descriptor_checksum, "payload_root_hash",
			      d->payload_root_hash);
	int rc = p && j ? jvs_json_write_file(p, j) : -1;
	/* ids and hashes only; narrowed like the manifest (jvs_json_write_file
	 * has no mode) */
	if (rc == 0 && mode != 0644 && chmod(p, (mode_t)mode) < 0)
		rc = jvs_error_sys("cannot set mode of '%s'", p);
	json_decref(j);
	free(p);
	return rc;
}

static int rename_durably(const char *from, const char *to)
{
	if (jvs_safe_rename(from, to) < 0)
		return jvs_error_sys("cannot rename '%s'", from);
	return jvs_fsync_parent(to);
}

static int new_id(const jvs_repo *repo, const char *parent, char out[JVS_ID_BUF])
{
	int64_t ms = jvs_now_ms();
	if (parent && *parent && jvs_id_ms(parent) >= ms)
		ms = jvs_id_ms(parent) + 1;
	for (int tries = 0; tries < 16; tries++) {
		char *a, *b;
		int taken;
		if (jvs_id_generate(ms, out) < 0)
			return -1;
		a = jvs_repo_pathf(repo, "descriptors/%s.json", out);
		b = jvs_repo_pathf(repo, "snapshots/%s.tmp", out);
		taken = !a || !b || jvs_path_exists(a) || jvs_path_exists(b);
		free(a);
		free(b);
		/* the short form (the random part) must name one snapshot */
		if (!taken && jvs_id_random_in_use(repo, out, &taken) < 0)
			return -1;
		if (!taken)
			return 0;
	}
	return jvs_error_set(JVS_E_INTERNAL, "cannot find a free snapshot id");
}

static void cleanup_failed(const jvs_repo *repo, const char *id)
{
	jvs_error saved = *jvs_error_last();
	const char *const fmts[] = {"snapshots/%s.tmp", "manifests/%s.tmp",
				    "descriptors/%s.json.tmp"};
	for (size_t i = 0; i < sizeof fmts / sizeof *fmts; i++) {
		char *p = jvs_repo_pathf(repo, fmts[i], id);
		if (p)
			jvs_rm_rf(p);
		free(p);
	}
	{
		char *name = jvs_strf("snapshot-%s", id);
		if (name)
			jvs_intent_remove(repo, name);
		free(name);
	}
	jvs_error_set(saved.cls, "%s", saved.message);
	if (saved.hint[0])
		jvs_error_hint("%s", saved.hint);
}

/* Records that a published snapshot's later step failed (last error). */
static void unfinished(jvs_snapshot_stats *stats, const char *id, const char *step)
{
	snprintf(stats->unfinished, sizeof stats->unfinished,
		 "snapshot %s is published, but %s failed: %.900s", id, step,
		 jvs_error_last()->message);
	jvs_error_clear();
}

/* 1 when worktree holds exactly its head's tree and no restore of it is
 * interrupted, 0 when not, -1 on error. */
static int unchanged_since_head(const jvs_repo *repo, const char *worktree, const char *head)
{
	jvs_changes ch = {0};
	char target[JVS_ID_BUF];
	int same;

	if (jvs_restore_interrupted(repo, worktree, target) != 0)
		return 0;
	if (jvs_changes_worktree(repo, worktree, head, &ch) < 0)
		return -1;
	same = ch.n == 0;
	jvs_changes_clear(&ch);
	return same;
}

int jvs_snapshot_create(jvs_repo *repo, const char *worktree, const jvs_snapshot_opts *opts,
			jvs_descriptor *out, jvs_snapshot_stats *stats)
{
	jvs_snapshot_stats local_stats;
	jvs_wt_locks locks = {0};
	jvs_worktree wt;
	jvs_descriptor d;
	jvs_scan scan = {0};
	jvs_index *idx = NULL;
	snap_ctx c;
	char id[JVS_ID_BUF] = "", intent_name[64];
	char *payload = NULL, *tmp = NULL, *final = NULL, *mtmp = NULL, *mfinal = NULL;
	char *dtmp = NULL, *dfinal = NULL;
	int64_t file_count = 0, total = 0, clone_recorded = 0;
	int tree_clone = 0;
	int rc = -1, published = 0;
	int side = opts->autosave || opts->npaths; /* head and latest stay */
	json_t *intent = NULL;

	memset(&c, 0, sizeof c);
	memset(&d, 0, sizeof d);
	c.wt_fd = c.tmp_fd = c.parent_fd = -1;
	c.xc.dfd = c.pxc.dfd = -1;
	if (!stats)
		stats = &local_stats;
	memset(stats, 0, sizeof *stats);
	c.stats = stats;
	c.repo = repo;
	c.worktree = worktree;
	c.is_root = geteuid() == 0;
	c.progress = opts->progress;
	c.progress_arg = opts->progress_arg;

	for (size_t i = 0; i < opts->ntags; i++)
		if (jvs_tag_validate(opts->tags[i]) < 0)
			return -1;
	if (opts->note && jvs_text_validate(opts->note, JVS_TEXT_MAX, "note") < 0)
		return -1;
	if (!opts->locked && jvs_lock_worktree(repo, worktree, opts->wait_seconds, &locks) < 0)
		return -1;
	/* A snapshot of this worktree interrupted after it was published
	 * (crash, full disk) is finished first: this one must not branch off
	 * the head it left behind. Under restore (locked) restore did it. */
	if (!opts->locked && jvs_snapshot_recover(repo, worktree, stats->recovered) < 0)
		goto done;
	if (jvs_worktree_load(repo, worktree, &wt) < 0)
		goto done;
	if (opts->skip_unchanged && wt.head[0]) {
		int same = unchanged_since_head(repo, worktree, wt.head);
		if (same < 0)
			goto done;
		if (same) {
			if (jvs_descriptor_load(repo, wt.head, &d) < 0)
				goto done;
			stats->unchanged = 1;
			rc = 0;
			goto done;
		}
	}
	payload = jvs_repo_payload_root(repo, worktree);
	if (!payload || jvs_mount_refuse(payload, worktree, "snapshot") < 0)
		goto done;
	if (jvs_engine_detect(repo, &c.engine) < 0)
		goto done;
	if (!side && jvs_worktree_is_detached(&wt)) {
		stats->new_line = 1;
		snprintf(stats->old_latest, sizeof stats->old_latest, "%s", wt.latest);
	}
	if (new_id(repo, wt.head, id) < 0)
		goto done;

	/* 2. intent */
	snprintf(intent_name, sizeof intent_name, "snapshot-%s", id);
	intent = json_pack("{s:s, s:s, s:s, s:o, s:b, s:I}", "operation", "snapshot", "snapshot_id",
			   id, "worktree", worktree, "parent_id", jvs_json_str_or_null(wt.head),
			   "autosave", side, "pid", (json_int_t)getpid());
	if (!intent || jvs_intent_write(repo, intent_name, intent) < 0)
		goto done;
	jvs_fault_point("snapshot-after-intent");

	/* 3-4. payload and manifest */
	tmp = jvs_repo_pathf(repo, "snapshots/%s.tmp", id);
	final = jvs_repo_pathf(repo, "snapshots/%s", id);
	if (!payload || !tmp || !final || jvs_repo_payload_check(repo, worktree) < 0)
		goto fail;
	c.wt_fd = jvs_safe_open_dir(payload);
	c.xc.root = c.wt_fd;
	if (c.wt_fd < 0) {
		jvs_error_sys("cannot open worktree '%s'", payload);
		goto fail;
	}
	if (c.engine.kind == JVS_ENGINE_BTRFS && !jvs_btrfs_is_subvolume(payload)) {
		/* a payload root made outside jvs init (fork, create): per file */
		const char *want = getenv("JVS_SNAPSHOT_ENGINE");
		c.engine.kind = JVS_ENGINE_REFLINK;
		if (want && !strcmp(want, "btrfs-subvolume"))
			snprintf(c.engine.degraded, sizeof c.engine.degraded,
				 "engine: payload root of '%s' is not a btrfs subvolume, used "
				 "reflink-copy",
				 worktree);
	}
	if (opts->npaths && c.engine.kind == JVS_ENGINE_BTRFS)
		c.engine.kind = JVS_ENGINE_REFLINK; /* a few paths: per file */
	else if (opts->npaths && c.engine.kind == JVS_ENGINE_JUICEFS)
		c.engine.kind = JVS_ENGINE_COPY;
	tree_clone = c.engine.kind == JVS_ENGINE_JUICEFS || c.engine.kind == JVS_ENGINE_BTRFS;
	if (tree_clone) {
		int r = clone_payload(&c, payload, tmp, &scan, &clone_recorded);
		if (r < 0)
			goto fail;
		if (r > 0) { /* ignored paths: per-file, keeping the scan */
			tree_clone = 0;
			c.engine.kind = c.engine.kind == JVS_ENGINE_BTRFS ? JVS_ENGINE_REFLINK
									   : JVS_ENGINE_COPY;
			if (add_degraded(&c, "engine: the worktree has ignored paths, used %s",
					 jvs_engine_name(c.engine.kind)) < 0)
				goto fail;
		}
	}
	if (!tree_clone && jvs_safe_mkdir(tmp, 0700) < 0) {
		jvs_error_sys("cannot create '%s'", tmp);
		goto fail;
	}
	if (c.tmp_fd < 0)
		c.tmp_fd = jvs_safe_open_dir(tmp);
	if (c.tmp_fd < 0) {
		jvs_error_sys("cannot open '%s'", tmp);
		goto fail;
	}
	if (wt.head[0] && jvs_snapshot_is_published(repo, wt.head)) {
		char *pp = jvs_repo_pathf(repo, "snapshots/%s", wt.head);
		if (pp && (c.parent = jvs_manifest_reader_open(repo, wt.head, NULL)))
			c.parent_fd = jvs_safe_open_dir(pp);
		c.pxc.root = c.parent_fd;
		free(pp);
		jvs_error_clear();
	}
	if (!tree_clone && !scan.e &&
	    (opts->npaths
		 ? jvs_scan_worktree_paths(repo, payload, 0, opts->paths, opts->npaths, &scan)
		 : jvs_scan_worktree(repo, payload, 0, &scan)) < 0)
		goto fail;
	if (opts->npaths) {
		for (size_t i = 0; i < opts->npaths; i++) {
			size_t k = 0;
			while (k < scan.n && strcmp(scan.e[k].path, opts->paths[i]))
				k++;
			if (k == scan.n) {
				jvs_error_set(JVS_E_NOT_FOUND,
					      "'%s' is not in the worktree (or is ignored)",
					      opts->paths[i]);
				goto fail;
			}
		}
		scan.ignored = 0;
	}
	idx = jvs_index_open(repo);
	c.cache = jvs_cache_begin(idx, worktree);
	mtmp = jvs_repo_pathf(repo, "manifests/%s.tmp", id);
	if (!mtmp || !(c.out = jvs_manifest_writer_open_mode(mtmp, meta_mode_of(c.wt_fd))))
		goto fail;
	if ((tree_clone ? manifest_from_clone(&c, tmp, &scan, clone_recorded, &file_count, &total)
		     : materialise(&c, &scan, &file_count, &total)) < 0)
		goto fail;
	{ /* the manifest has no record for the root: like its mode and owner,
	   * its xattrs are kept on the snapshot's root directory, which is
	   * never shared with another snapshot */
		char *rx = NULL;
		unsigned rlost = 0, refused = 0;
		int err = 0;
		if (jvs_xattr_read_fd(c.wt_fd, &rx, &rlost) < 0 ||
		    jvs_xattr_apply_fd(c.tmp_fd, rx, &refused, &err) < 0) {
			jvs_error_clear();
			rlost = 1;
		}
		free(rx);
		if ((rlost || refused) &&
		    add_degraded(&c, "xattrs not preserved: %s", ". (the payload root)") < 0)
			goto fail;
	}
	jvs_fault_point("snapshot-after-payload");

	/* 5. durability of the payload */
	if (tree_clone)
		c.sync_all = 1;
	if (sync_payload(&c, &scan) < 0)
		goto fail;
	{
		jvs_manifest_writer *w = c.out;
		c.out = NULL;
		if (jvs_manifest_writer_finish(w, d.payload_root_hash) < 0)
			goto fail;
	}
	mfinal = jvs_repo_pathf(repo, "manifests/%s", id);
	dtmp = jvs_repo_pathf(repo, "descriptors/%s.json.tmp", id);
	dfinal = jvs_repo_pathf(repo, "descriptors/%s.json", id);
	if (!mfinal || !dtmp || !dfinal)
		goto fail;

	/* 6. descriptor */
	snprintf(d.snapshot_id, sizeof d.snapshot_id, "%s", id);
	snprintf(d.worktree_name, sizeof d.worktree_name, "%s", worktree);
	snprintf(d.parent_id, sizeof d.parent_id, "%s", wt.head);
	jvs_format_time_ms(jvs_id_ms(id), d.created_at);
	d.note = strdup(opts->note ? opts->note : "");
	for (size_t i = 0; i < opts->ntags; i++)
		if (jvs_descriptor_add_tag(&d, opts->tags[i]) < 0)
			goto fail;
	snprintf(d.engine, sizeof d.engine, "%s", jvs_engine_name(c.engine.kind));
	snprintf(d.hash_algorithm, sizeof d.hash_algorithm, "blake2b-256");
	d.file_count = file_count;
	d.total_bytes = total;
	d.ignored_count = (int64_t)scan.ignored; /* written only when not 0 */
	d.has_ignored_count = scan.ignored > 0;
	if (opts->npaths) {
		d.partial_paths = calloc(opts->npaths + 1, sizeof *d.partial_paths);
		if (!d.partial_paths) {
			jvs_error_set(JVS_E_INTERNAL, "out of memory");
			goto fail;
		}
		for (size_t i = 0; i < opts->npaths; i++) {
			if (!(d.partial_paths[i] = strdup(opts->paths[i]))) {
				jvs_error_set(JVS_E_INTERNAL, "out of memory");
				goto fail;
			}
			d.npartial_paths = i + 1;
		}
	}
	if (c.engine.degraded[0] && add_degraded(&c, "%s", c.engine.degraded) < 0)
		goto fail;
	d.degraded = c.degraded;
	d.ndegraded = c.ndegraded;
	c.degraded = NULL;
	c.ndegraded = 0;
	snprintf(d.integrity_state, sizeof d.integrity_state, "verified");
	if (!d.note || jvs_descriptor_write_mode(dtmp, &d, meta_mode_of(c.wt_fd)) < 0)
		goto fail;
	jvs_fault_point("snapshot-after-descriptor-tmp");

	/* 7-9. publish */
	close(c.tmp_fd);
	c.tmp_fd = -1;
	if (rename_durably(tmp, final) < 0)
		goto fail;
	jvs_fault_point("snapshot-after-payload-rename");
	if (write_ready(repo, &d, meta_mode_of(c.wt_fd)) < 0)
		goto fail_published;
	jvs_fault_point("snapshot-after-ready");
	if (rename_durably(mtmp, mfinal) < 0)
		goto fail_published;
	jvs_fault_point("snapshot-after-manifest");
	if (rename_durably(dtmp, dfinal) < 0)
		goto fail_published;
	published = 1;
	jvs_fault_point("snapshot-after-descriptor");

	/* From here on the snapshot exists and is visible: a failure (a full
	 * disk) no longer fails the command. The intent stays, so the next
	 * snapshot or restore of this worktree, or doctor, finishes the steps
	 * left (pointers, audit record) exactly as after a crash. */

	/* 10. worktree pointers */
	if (!side) {
		snprintf(wt.head, sizeof wt.head, "%s", id);
		snprintf(wt.latest, sizeof wt.latest, "%s", id);
		if (jvs_worktree_save(repo, &wt) < 0) {
			unfinished(stats, id, "moving head and latest to it");
			rc = 0;
			goto done;
		}
	}
	jvs_fault_point("snapshot-after-head");

	/* 11. audit, intent, index: the intent goes only once the audit record
	 * is written, so that a snapshot is never left unaudited. */
	{
		json_t *det = json_pack("{s:s, s:o, s:o, s:s, s:b}", "worktree", worktree,
					"parent_id", jvs_json_str_or_null(d.parent_id), "tags",
					json_array(), "note", d.note, "autosave", opts->autosave);
		for (size_t i = 0; det && i < d.ntags; i++)
			json_array_append_new(json_object_get(det, "tags"), json_string(d.tags[i]));
		if (det && d.npartial_paths) {
			json_t *pa = json_array();
			for (size_t i = 0; pa && i < d.npartial_paths; i++)
				json_array_append_new(pa, json_string(d.partial_paths[i]));
			json_object_set_new(det, "partial_paths", pa);
		}
		if (jvs_audit_append(repo, "snapshot", id, det, NULL) < 0) {
			unfinished(stats, id, "recording it in the audit log");
			rc = 0;
			goto done;
		}
	}
	if (jvs_intent_remove(repo, intent_name) < 0) {
		unfinished(stats, id, "removing its intent");
		rc = 0;
		goto done;
	}
	jvs_cache_commit(c.cache, 1);
	c.cache = NULL;
	if (c.clone_done.n)
		jvs_snapmeta_save(idx, id, &c.clone_done);
	else if (c.copy_meta)
		jvs_snapmeta_save_meta(idx, id, c.copy_meta, c.ncopy_meta);
	rc = 0;
	goto done;

fail_published:
	/* payload renamed but not all records in place: remove what is there. */
	{
		jvs_error saved = *jvs_error_last();
		char *ready = jvs_repo_pathf(repo, "snapshots/%s.READY", id);
		if (ready)
			jvs_safe_unlink(ready, 0);
		free(ready);
		jvs_rm_rf(final);
		jvs_safe_unlink(mfinal, 0);
		jvs_error_set(saved.cls, "%s", saved.message);
	}
fail:
	cleanup_failed(repo, id);
done:
	if (rc == 0 && out) {
		*out = d;
		memset(&d, 0, sizeof d);
	}
	(void)published;
	jvs_cache_abort(c.cache);
	jvs_index_close(idx);
	jvs_descriptor_clear(&d);
	jvs_strv_free(c.degraded, c.ndegraded);
	free(c.copied);
	free(c.copy_meta);
	jvs_manifest_reader_close(c.parent);
	jvs_manifest_writer_abort(c.out);
	jvs_scan_clear(&scan);
	jvs_xattr_cursor_close(&c.xc);
	jvs_xattr_cursor_close(&c.pxc);
	jvs_scan_clear(&c.clone_scan);
	jvs_scan_clear(&c.clone_done);
	if (c.wt_fd >= 0)
		close(c.wt_fd);
	if (c.tmp_fd >= 0)
		close(c.tmp_fd);
	if (c.parent_fd >= 0)
		close(c.parent_fd);
	json_decref(intent);
	free(payload);
	free(tmp);
	free(final);
	free(mtmp);
	free(mfinal);
	free(dtmp);
	free(dfinal);
	if (!opts->locked)
		jvs_unlock_worktree(&locks);
	return rc;
}
