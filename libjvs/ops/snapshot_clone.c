/* The whole-tree clone of a snapshot (juicefs-clone, btrfs-subvolume):
 * one clone of the worktree, checked against a scan, and its manifest. */
#include "snapshot.h"
#include "error_int.h"
#include "snapshot_parts.h"
#include "error.h"
#include "fsutil.h"
#include "safepath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- juicefs-clone: one metadata-only clone of the whole worktree ---- */

/* Scans the worktree, clones it into tmp (which must not exist) and scans
 * the clone: a clone taken while the worktree changed is thrown away and
 * retaken, so the clone is exactly the tree described by *scan. The clone
 * alone tells when it carries each entry's attributes as scanned
 * (jvs_scan_clone_matches); only when it does not is the worktree walked
 * again to tell a change (retake) from a clone that does not keep ctimes
 * or holds other paths (reported by the manifest). *recorded: a clock
 * reading taken before the scan, for hash-cache entries. */
int jvs_snapshot__clone_payload(snap_ctx *c, const char *payload, const char *tmp,
				jvs_scan *scan, int64_t *recorded)
{
	for (int attempt = 0;; attempt++) {
		int all, stable;
		*recorded = jvs_cache_clock_ns();
		if (jvs_scan_worktree(c->repo, payload, 0, scan) < 0)
			return -1;
		if (scan->ignored)
			return 1; /* a tree clone would hold the ignored paths too */
		if (jvs_engine_clone(&c->engine, payload, tmp) < 0)
			return -1;
		if (jvs_scan_tree_keyed(tmp, scan, &c->clone_scan, &all) < 0)
			return -1;
		stable = all && jvs_scan_clone_matches(scan, &c->clone_scan);
		if (!stable && jvs_scan_tree_check(payload, scan, &stable) < 0)
			return -1;
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
 * not keep them loses nothing; jvs_snapshot__clone_payload retook the clone if any
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
	return lost ? jvs_snapshot__degraded(c, "xattrs not preserved: %s", path) : 0;
}

int jvs_snapshot__manifest_from_clone(snap_ctx *c, const char *tmp, const jvs_scan *w,
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
		cl = c->clone_scan; /* taken by jvs_snapshot__clone_payload */
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
					 jvs_snapshot__degraded(c, "mtime not preserved by the clone: %s",
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
		jvs_snapshot__progress_step(c, ke);
	}
	rc = 0;
	/* its owners, modes and mtimes go to the index; its paths, the same as
	 * the worktree's, are not needed for that */
	jvs_arena_free(&cl.paths);
	for (size_t i = 0; i < cl.n; i++)
		cl.e[i].path = NULL;
	c->clone_done = cl;
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
