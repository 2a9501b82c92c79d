#include "index.h"
#include "error_int.h"
#include "fsid.h"
#include "fsutil.h"
#include "safepath.h"
#include "spill.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SCHEMA_VERSION "1"

#ifdef SQLITE_OPEN_NOFOLLOW
#define JVS_SQLITE_NOFOLLOW SQLITE_OPEN_NOFOLLOW
#else
#define JVS_SQLITE_NOFOLLOW 0
#endif

struct jvs_index {
	sqlite3 *db;
};

/* A cache update waiting for jvs_cache_commit(), as a jvs_spill record:
 * this header, then the path bytes. */
typedef struct {
	jvs_filekey key;
	int64_t recorded_ns;
	char hash[JVS_HASH_HEX];
} pending_put;

struct jvs_cache {
	jvs_index *idx;
	char *worktree;
	sqlite3_stmt *rows;
	int row_valid; /* current row of `rows` not yet consumed */
	int done;
	jvs_spill *puts; /* of pending_put; bounded memory, see spill.h */
	char **drops;
	size_t ndrops, capdrops;
	uint64_t last_dev, last_id; /* memo of cache_dev() */
	int have_last;
	jvs_cache_fallback fb; /* fb.lookup NULL: none */
};

/* What the dev column holds: the file system's identity, which for a
 * JuiceFS volume is the same on every mount of it (fsid.h). */
static uint64_t cache_dev(jvs_cache *c, uint64_t dev)
{
	if (!c->have_last || c->last_dev != dev) {
		c->last_dev = dev;
		c->last_id = jvs_fsid_of_dev(dev);
		c->have_last = 1;
	}
	return c->last_id;
}

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE IF NOT EXISTS filecache("
	" worktree TEXT NOT NULL, path BLOB NOT NULL, dev INTEGER, ino INTEGER,"
	" size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, mode INTEGER,"
	" hash TEXT NOT NULL, recorded_ns INTEGER NOT NULL,"
	" PRIMARY KEY(worktree, path)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS catalog("
	" snapshot_id TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER,"
	" ino INTEGER, recorded_ns INTEGER NOT NULL, parent TEXT, worktree TEXT,"
	" created_at TEXT, note TEXT, tags TEXT, engine TEXT, hash_algorithm TEXT,"
	" payload_root_hash TEXT, file_count INTEGER, total_bytes INTEGER, degraded TEXT,"
	" integrity_state TEXT, descriptor_checksum TEXT, descriptor TEXT) WITHOUT ROWID;"
	/* a worktree forked by a tree clone of a snapshot, before its cache is
	 * filled (forkseed.h) */
	"CREATE TABLE IF NOT EXISTS forkseed(worktree TEXT PRIMARY KEY, snapshot TEXT NOT NULL,"
	" manifest_hash TEXT NOT NULL, t_ns INTEGER NOT NULL);"
	"INSERT OR IGNORE INTO meta VALUES('schema', '" SCHEMA_VERSION "');";

int64_t jvs_cache_clock_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* 1 when db holds the current schema in a rollback journal: what every
 * open but the first finds, read in one transaction (each costs several
 * lock and journal round trips on FUSE). */
static int schema_is_current(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int ok = 0;
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key='schema'", -1, &st, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ok = !strcmp((const char *)sqlite3_column_text(st, 0), SCHEMA_VERSION);
	sqlite3_finalize(st);
	st = NULL;
	if (ok && sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ok = !strcmp((const char *)sqlite3_column_text(st, 0), "delete");
	else
		ok = 0;
	sqlite3_finalize(st);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return ok;
}

static sqlite3 *try_open(const char *path)
{
	sqlite3 *db = NULL;
	int ok = 0;
	if (sqlite3_open_v2(path, &db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | JVS_SQLITE_NOFOLLOW,
			    NULL) != SQLITE_OK)
		goto done;
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK)
		goto done;
	ok = schema_is_current(db);
	if (ok)
		goto done;
	if (sqlite3_exec(db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto done;
	if (sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		goto done;
	}
	ok = schema_is_current(db); /* an older schema's version stays: rebuilt */
done:
	if (!ok) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static void remove_index_files(const char *path)
{
	char *p;
	jvs_safe_unlink(path, 0);
	if ((p = jvs_strf("%s-wal", path)))
		jvs_safe_unlink(p, 0);
	free(p);
	if ((p = jvs_strf("%s-shm", path)))
		jvs_safe_unlink(p, 0);
	free(p);
}

/* A symlink, FIFO or other foreign file where the cache belongs is removed
 * (the link itself, never its target) and the cache rebuilt; 0 when the
 * files are safe to hand to SQLite now. */
static int make_index_files_safe(const char *path)
{
	char *p;
	if (jvs_safe_check_sqlite(path) == 0)
		return 0;
	remove_index_files(path);
	if ((p = jvs_strf("%s-journal", path)))
		jvs_safe_unlink(p, 0);
	free(p);
	return jvs_safe_check_sqlite(path);
}

jvs_index *jvs_index_open(const jvs_repo *repo)
{
	const char *nc = getenv("JVS_NO_CACHE");
	char *path;
	jvs_index *idx;
	sqlite3 *db;
	if (nc && *nc && strcmp(nc, "0"))
		return NULL;
	path = jvs_repo_path(repo, "index.sqlite");
	if (!path) {
		jvs_error_clear();
		return NULL;
	}
	if (make_index_files_safe(path) < 0) {
		free(path);
		jvs_error_clear();
		return NULL; /* e.g. .jvs itself reached oddly: run without the cache */
	}
	db = try_open(path);
	if (!db) { /* corrupt or foreign: it is only a cache, rebuild it */
		remove_index_files(path);
		db = try_open(path);
	}
	free(path);
	if (!db)
		return NULL;
	idx = calloc(1, sizeof *idx);
	if (!idx) {
		sqlite3_close(db);
		return NULL;
	}
	idx->db = db;
	return idx;
}

sqlite3 *jvs_index_db(jvs_index *idx)
{
	return idx ? idx->db : NULL;
}

void jvs_index_close(jvs_index *idx)
{
	if (!idx)
		return;
	sqlite3_close(idx->db);
	free(idx);
}

jvs_cache *jvs_cache_begin(jvs_index *idx, const char *worktree)
{
	jvs_cache *c;
	if (!idx)
		return NULL;
	c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->idx = idx;
	c->worktree = strdup(worktree);
	{ /* spilled puts go beside the index file */
		const char *db = sqlite3_db_filename(idx->db, "main");
		const char *slash = db ? strrchr(db, '/') : NULL;
		char *dir = slash ? strndup(db, (size_t)(slash - db)) : strdup(".");
		c->puts = dir ? jvs_spill_new(dir) : NULL;
		free(dir);
	}
	if (!c->worktree || !c->puts ||
	    sqlite3_prepare_v2(idx->db,
			       "SELECT path, dev, ino, size, mtime_ns, ctime_ns, mode, hash,"
			       " recorded_ns FROM filecache WHERE worktree=?1 ORDER BY path",
			       -1, &c->rows, NULL) != SQLITE_OK) {
		jvs_spill_free(c->puts);
		free(c->worktree);
		free(c);
		jvs_error_clear();
		return NULL;
	}
	sqlite3_bind_text(c->rows, 1, worktree, -1, SQLITE_TRANSIENT);
	return c;
}

static int row_cmp(sqlite3_stmt *st, const char *path)
{
	const void *blob = sqlite3_column_blob(st, 0);
	int blen = sqlite3_column_bytes(st, 0);
	size_t plen = strlen(path);
	size_t n = (size_t)blen < plen ? (size_t)blen : plen;
	int c = n ? memcmp(blob, path, n) : 0;
	if (c)
		return c;
	return (size_t)blen < plen ? -1 : (size_t)blen > plen ? 1 : 0;
}

static void add_drop(jvs_cache *c, sqlite3_stmt *st)
{
	char *p;
	int len = sqlite3_column_bytes(st, 0);
	if (c->ndrops == c->capdrops) {
		size_t cap = c->capdrops ? c->capdrops * 2 : 64;
		char **nd = realloc(c->drops, cap * sizeof *nd);
		if (!nd)
			return;
		c->drops = nd;
		c->capdrops = cap;
	}
	p = malloc((size_t)len + 1);
	if (!p)
		return;
	memcpy(p, sqlite3_column_blob(st, 0), (size_t)len);
	p[len] = '\0';
	c->drops[c->ndrops++] = p;
}

static int advance(jvs_cache *c)
{
	if (c->done)
		return 0;
	if (c->row_valid)
		return 1;
	if (sqlite3_step(c->rows) == SQLITE_ROW) {
		c->row_valid = 1;
		return 1;
	}
	c->done = 1;
	return 0;
}

static int lookup_row(jvs_cache *c, const char *path, const jvs_filekey *key,
		      char out[JVS_HASH_HEX])
{
	sqlite3_stmt *st;
	jvs_filekey k, want;
	int64_t recorded;
	const char *hash;
	if (!c)
		return 0;
	st = c->rows;
	while (advance(c)) {
		int cmp = row_cmp(st, path);
		if (cmp > 0)
			return 0;
		c->row_valid = 0;
		if (cmp < 0) {
			add_drop(c, st);
			continue;
		}
		k.dev = (uint64_t)sqlite3_column_int64(st, 1);
		k.ino = (uint64_t)sqlite3_column_int64(st, 2);
		k.size = sqlite3_column_int64(st, 3);
		k.mtime_ns = sqlite3_column_int64(st, 4);
		k.ctime_ns = sqlite3_column_int64(st, 5);
		k.mode = (uint32_t)sqlite3_column_int64(st, 6);
		hash = (const char *)sqlite3_column_text(st, 7);
		recorded = sqlite3_column_int64(st, 8);
		want = *key;
		want.dev = cache_dev(c, key->dev);
		if (!jvs_filekey_equal(&k, &want) || key->mtime_ns >= recorded || !hash ||
		    !jvs_hash_is_hex(hash))
			return 0;
		memcpy(out, hash, JVS_HASH_HEX);
		return 1;
	}
	return 0;
}

int jvs_cache_lookup(jvs_cache *c, const char *path, const jvs_filekey *key,
		     char out[JVS_HASH_HEX])
{
	int64_t recorded = 0;
	if (!c)
		return 0;
	if (lookup_row(c, path, key, out))
		return 1;
	if (!c->fb.lookup || c->fb.lookup(c->fb.arg, path, key, out, &recorded) != 1 ||
	    !jvs_hash_is_hex(out))
		return 0;
	jvs_cache_put(c, path, key, out, recorded); /* the file's row from now on */
	return 1;
}

void jvs_cache_set_fallback(jvs_cache *c, const jvs_cache_fallback *fb)
{
	if (!c) {
		if (fb->release)
			fb->release(fb->arg);
		return;
	}
	if (c->fb.release)
		c->fb.release(c->fb.arg);
	c->fb = *fb;
}

void jvs_cache_put(jvs_cache *c, const char *path, const jvs_filekey *key, const char *hash,
		   int64_t recorded_ns)
{
	char rec[sizeof(pending_put) + 4096];
	char *big = NULL, *r = rec;
	size_t plen = strlen(path), len = sizeof(pending_put) + plen;
	pending_put p;
	if (!c || !c->puts)
		return;
	if (len > sizeof rec && !(r = big = malloc(len)))
		return; /* the cache is an optimisation: a lost put costs a rehash */
	memset(&p, 0, sizeof p); /* field by field: no padding bytes of *key */
	p.key.mtime_ns = key->mtime_ns;
	p.key.ctime_ns = key->ctime_ns;
	p.key.size = key->size;
	p.key.dev = cache_dev(c, key->dev);
	p.key.ino = key->ino;
	p.key.mode = key->mode;
	p.key.uid = key->uid;
	p.key.gid = key->gid;
	p.recorded_ns = recorded_ns;
	memcpy(p.hash, hash, JVS_HASH_HEX);
	memcpy(r, &p, sizeof p);
	memcpy(r + sizeof p, path, plen);
	if (jvs_spill_add(c->puts, r, len) < 0)
		jvs_error_clear();
	free(big);
}

static void free_cache(jvs_cache *c)
{
	if (c->fb.release)
		c->fb.release(c->fb.arg);
	for (size_t i = 0; i < c->ndrops; i++)
		free(c->drops[i]);
	jvs_spill_free(c->puts);
	free(c->drops);
	free(c->worktree);
	free(c);
}

typedef struct {
	jvs_cache *c;
	sqlite3_stmt *ins;
} insert_ctx;

static int insert_put(void *arg, const void *rec, size_t len)
{
	insert_ctx *ic = arg;
	sqlite3_stmt *ins = ic->ins;
	pending_put p;
	memcpy(&p, rec, sizeof p);
	sqlite3_bind_text(ins, 1, ic->c->worktree, -1, SQLITE_STATIC);
	sqlite3_bind_blob(ins, 2, (const char *)rec + sizeof p, (int)(len - sizeof p),
			  SQLITE_STATIC);
	sqlite3_bind_int64(ins, 3, (sqlite3_int64)p.key.dev);
	sqlite3_bind_int64(ins, 4, (sqlite3_int64)p.key.ino);
	sqlite3_bind_int64(ins, 5, p.key.size);
	sqlite3_bind_int64(ins, 6, p.key.mtime_ns);
	sqlite3_bind_int64(ins, 7, p.key.ctime_ns);
	sqlite3_bind_int64(ins, 8, p.key.mode);
	sqlite3_bind_text(ins, 9, p.hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(ins, 10, p.recorded_ns);
	if (sqlite3_step(ins) != SQLITE_DONE)
		return -1;
	sqlite3_reset(ins);
	return 0;
}

static void forget_seed(sqlite3 *db, const char *worktree)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "DELETE FROM forkseed WHERE worktree=?1", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(st, 1, worktree, -1, SQLITE_STATIC);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
}

void jvs_cache_commit(jvs_cache *c, int prune_unseen)
{
	sqlite3 *db;
	sqlite3_stmt *ins = NULL, *del = NULL;
	if (!c)
		return;
	db = c->idx->db;
	while (prune_unseen && advance(c)) {
		c->row_valid = 0;
		add_drop(c, c->rows);
	}
	sqlite3_finalize(c->rows);
	c->rows = NULL;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(db,
			       "INSERT OR REPLACE INTO filecache VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
			       -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "DELETE FROM filecache WHERE worktree=?1 AND path=?2", -1, &del,
			       NULL) != SQLITE_OK)
		goto rollback;
	for (size_t i = 0; i < c->ndrops; i++) {
		sqlite3_bind_text(del, 1, c->worktree, -1, SQLITE_STATIC);
		sqlite3_bind_blob(del, 2, c->drops[i], (int)strlen(c->drops[i]), SQLITE_STATIC);
		if (sqlite3_step(del) != SQLITE_DONE)
			goto rollback;
		sqlite3_reset(del);
	}
	{
		insert_ctx ic = {c, ins};
		if (jvs_spill_each(c->puts, insert_put, &ic) != 0)
			goto rollback;
	}
	if (prune_unseen) /* the whole tree's rows: a fork's seed is done with */
		forget_seed(db, c->worktree);
	sqlite3_finalize(ins);
	sqlite3_finalize(del);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	goto out;
rollback:
	sqlite3_finalize(ins);
	sqlite3_finalize(del);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
	free_cache(c);
}

void jvs_cache_abort(jvs_cache *c)
{
	if (!c)
		return;
	sqlite3_finalize(c->rows);
	free_cache(c);
}

void jvs_index_forget_worktree(jvs_index *idx, const char *worktree)
{
	sqlite3_stmt *st = NULL;
	if (!idx)
		return;
	if (sqlite3_prepare_v2(idx->db, "DELETE FROM filecache WHERE worktree=?1", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(st, 1, worktree, -1, SQLITE_STATIC);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	forget_seed(idx->db, worktree);
}
