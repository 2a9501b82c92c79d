/* The per-file copy of a snapshot: a threaded pipeline that copies,
 * hard-links and hashes the worktree's files into the payload in manifest
 * order, then makes the payload durable. */
#include "snapshot.h"
#include "error_int.h"
#include "snapshot_parts.h"
#include "error.h"
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	if (c->parent_fd < 0 || !c->parent || c->parent_compress != c->compress)
		return 0; /* never a zstd frame into another compression's payload */
	pm = jvs_manifest_reader_seek(c->parent, e->path);
	if (!pm || pm->type != JVS_ENT_FILE || !jvs_manifest_entry_hash_is(pm, hash) ||
	    pm->mode != (e->key.mode & 07777))
		return 0;
	if (fstatat(c->parent_fd, e->path, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if ((int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec != e->key.mtime_ns ||
	    (c->compress ? st.st_size > e->key.size : st.st_size != e->key.size) ||
	    (st.st_mode & 07777) != (e->key.mode & 07777) ||
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
	char *hash = o->hash, zhash[JVS_HASH_HEX];
	int framed = 0; /* dst holds a zstd frame (jvs/compress.h) */

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
		framed = jvs_compress_file(src, dst, before.st_size, c->compress, zhash);
		if (framed < 0 ||
		    (!framed &&
		     jvs_engine_copy_data(&c->engine, src, dst, (uint64_t)before.st_size) < 0)) {
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
	if (framed) { /* hashed while compressed: the bytes read */
		memcpy(hash, zhash, JVS_HASH_HEX);
		o->hashed = 1;
	} else if (!(o->has_known && before.st_mtim.tv_sec * 1000000000LL + before.st_mtim.tv_nsec ==
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
	o->size = framed ? key.size : done.st_size; /* the manifest's size is the file's */
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


/* ---- the copy pipeline of jvs_snapshot__materialise() ----
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
			sl->err = jvs_error_save();
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
	if (sl->o.xattr_lost && jvs_snapshot__degraded(c, "xattrs not preserved: %s", e->path) < 0)
		state = SLOT_FAILED, sl->err = jvs_error_save();
	if (state == SLOT_FAILED) {
		free(sl->o.xattrs);
		sl->o.xattrs = NULL;
		jvs_error_restore(&sl->err);
		return -1;
	}
	rc = retire_entry(c, sl, e, total);
	free(sl->o.xattrs);
	sl->o.xattrs = NULL;
	if (rc <= 0)
		return rc;
	(*file_count)++;
	jvs_snapshot__progress_step(c, e);
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

int jvs_snapshot__materialise(snap_ctx *c, const jvs_scan *s, int64_t *file_count,
			      int64_t *total)
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
int jvs_snapshot__sync_payload(snap_ctx *c, const jvs_scan *s)
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

