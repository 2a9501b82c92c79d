#include "forkseed.h"
#include "error_int.h"
#include "safepath.h"
#include "hash.h"
#include "snapmeta.h"
#include "xattr.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int jvs_forkseed_accept(const jvs_manifest_entry *e, const jvs_stat_meta *rec,
			const jvs_filekey *key, int64_t t_ns)
{
	return e && rec && key && rec->ok && e->type == JVS_ENT_FILE &&
	       !(e->xattrs && *e->xattrs) && S_ISREG(rec->mode) &&
	       key->mode == rec->mode && (rec->mode & 07777) == e->mode && key->size == e->size &&
	       key->mtime_ns == rec->mtime_ns && key->ctime_ns == rec->ctime_ns &&
	       rec->ctime_ns > 0 && rec->ctime_ns < t_ns - JVS_FORKSEED_MARGIN_NS;
}

/* 1 when no entry of the file system payload is on can have xattrs (a
 * JuiceFS mount without --enable-xattr): a clone then carries none, as a
 * checkout of a manifest without xattrs would leave none. */
static int no_xattrs_there(const char *payload)
{
	struct stat st;
	int fd = jvs_safe_open_dir(payload), none = 0;
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0) {
		jvs_xattr_cursor xc = JVS_XATTR_CURSOR(fd);
		none = jvs_xattr_cursor_none(&xc, (uint64_t)st.st_dev);
		jvs_xattr_cursor_close(&xc);
	}
	close(fd);
	return none;
}

/* Reads the whole manifest of id, checking that it hashes to mhash and
 * has no xattrs; *n: its entries. 0, or -1. */
static int count_entries(const jvs_repo *repo, const char *id, const char *mhash, size_t *n)
{
	const jvs_manifest_entry *e;
	jvs_manifest_reader *r = jvs_manifest_reader_open(repo, id, mhash);
	int rc = r ? 1 : -1;
	*n = 0;
	while (rc == 1 && (rc = jvs_manifest_reader_next(r, &e)) == 1) {
		if (e->xattrs && *e->xattrs)
			rc = -1;
		else
			(*n)++;
	}
	jvs_manifest_reader_close(r);
	return rc;
}

int jvs_forkseed_usable(const jvs_repo *repo, jvs_index *idx, const char *id, const char *mhash,
			const char *payload)
{
	size_t n;
	int ok = jvs_index_db(idx) && mhash && jvs_hash_is_hex(mhash) && no_xattrs_there(payload) &&
		 count_entries(repo, id, mhash, &n) == 0 && jvs_snapmeta_has_ctimes(idx, id, n);
	jvs_error_clear();
	return ok;
}

int jvs_forkseed_record(jvs_index *idx, const char *worktree, const char *id, const char *mhash,
			int64_t t_ns)
{
	sqlite3 *db = jvs_index_db(idx);
	sqlite3_stmt *st = NULL;
	int rc = -1;
	/* one transaction (each is several lock round trips on FUSE): rows of
	 * an earlier worktree of that name go, the seed comes */
	if (db && sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
		jvs_index_forget_worktree(idx, worktree);
		if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO forkseed VALUES(?1, ?2, ?3, ?4)",
				       -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, worktree, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, mhash, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 4, t_ns);
			if (sqlite3_step(st) == SQLITE_DONE)
				rc = 0;
		}
		sqlite3_finalize(st);
		if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			rc = -1;
		if (rc < 0)
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	if (rc < 0)
		jvs_error_set(JVS_E_IO, "cannot record the fork of '%s' in the index: %s", worktree,
			      db ? sqlite3_errmsg(db) : "no index");
	return rc;
}

/* One operation's use of a worktree's seed. */
typedef struct {
	const jvs_repo *repo;
	jvs_index *idx;
	char *worktree;
	int state; /* 0: not loaded yet; 1: in use; -1: none, or not usable */
	int64_t t_ns;
	jvs_manifest_reader *r; /* the snapshot's manifest, read forward */
	const jvs_manifest_entry *cur; /* its entry number pos, NULL at the end */
	size_t pos;
	jvs_stat_meta *rec; /* the snapshot's record, n entries */
	size_t n;
} seed;

static void advance(seed *s)
{
	if (jvs_manifest_reader_next(s->r, &s->cur) == 1 && ++s->pos < s->n)
		return;
	s->cur = NULL; /* the end, or a manifest not the one counted */
	jvs_error_clear();
}

/* The seed row: 1 (*id and *mhash malloc'd), else 0. */
static int seed_row(seed *s, char **id, char **mhash)
{
	sqlite3 *db = jvs_index_db(s->idx);
	sqlite3_stmt *st = NULL;
	int found = 0;
	*id = *mhash = NULL;
	if (db && sqlite3_prepare_v2(db, "SELECT snapshot, manifest_hash, t_ns FROM forkseed"
					 " WHERE worktree=?1",
				     -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, s->worktree, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
		    sqlite3_column_text(st, 1)) {
			*id = strdup((const char *)sqlite3_column_text(st, 0));
			*mhash = strdup((const char *)sqlite3_column_text(st, 1));
			s->t_ns = sqlite3_column_int64(st, 2);
			found = *id && *mhash;
		}
	}
	sqlite3_finalize(st);
	if (!found) {
		free(*id);
		free(*mhash);
	}
	return found;
}

/* The snapshot's manifest (checked whole first) and record: 0, or -1. */
static int load(seed *s)
{
	char *id, *mhash;
	int rc = -1;
	if (!seed_row(s, &id, &mhash))
		return -1;
	if (count_entries(s->repo, id, mhash, &s->n) < 0 || !s->n ||
	    !(s->rec = calloc(s->n, sizeof *s->rec)) ||
	    !jvs_snapmeta_load(s->idx, id, s->n, s->rec) ||
	    !(s->r = jvs_manifest_reader_open(s->repo, id, mhash)))
		goto done;
	s->pos = (size_t)-1;
	advance(s);
	rc = 0;
done:
	free(id);
	free(mhash);
	return rc;
}

static int seed_lookup(void *arg, const char *path, const jvs_filekey *key,
		       char out[JVS_HASH_HEX], int64_t *recorded_ns)
{
	seed *s = arg;
	if (!s->state) {
		s->state = load(s) == 0 ? 1 : -1;
		jvs_error_clear(); /* a cache only */
	}
	if (s->state < 0)
		return 0;
	while (s->cur && strcmp(s->cur->path, path) < 0)
		advance(s);
	if (!s->cur || strcmp(s->cur->path, path) ||
	    !jvs_forkseed_accept(s->cur, &s->rec[s->pos], key, s->t_ns))
		return 0;
	jvs_manifest_entry_hex(s->cur, out);
	*recorded_ns = s->t_ns;
	return 1;
}

static void seed_release(void *arg)
{
	seed *s = arg;
	jvs_manifest_reader_close(s->r);
	free(s->rec);
	free(s->worktree);
	free(s);
}

jvs_cache *jvs_forkseed_cache_begin(const jvs_repo *repo, jvs_index *idx, const char *worktree)
{
	jvs_cache *c = jvs_cache_begin(idx, worktree);
	jvs_cache_fallback fb = {seed_lookup, seed_release, NULL};
	seed *s;
	if (!c)
		return NULL;
	s = calloc(1, sizeof *s);
	if (!s || !(s->worktree = strdup(worktree))) {
		free(s);
		return c; /* without the seed: misses are hashed */
	}
	s->repo = repo;
	s->idx = idx;
	fb.arg = s;
	jvs_cache_set_fallback(c, &fb);
	return c;
}
