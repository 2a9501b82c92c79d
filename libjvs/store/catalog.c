#include "jvs/catalog.h"
#include "jvs/error.h"
#include "jvs/json.h"
#include "jvs/index.h"
#include "jvs/worktree.h"
#include "catalog_pack.h"

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the catalogue cache (SPEC §7): table `catalog` of .jvs/index.sqlite ----
 * One row per descriptor, keyed by the descriptor file's (size, mtime_ns,
 * ctime_ns, ino). A row is used instead of reading and checksumming the file
 * only when every key is equal and the file's mtime and ctime are older than
 * the moment the row was recorded (the racy-timestamp rule of the hash cache);
 * the checksum was verified when the row was stored. Anything else reloads the
 * descriptor. A pure cache: every failure falls back to reading the files.
 *
 * The published set. Which snapshots exist is decided by names alone: a
 * descriptors/<id>.json, a snapshots/<id>.READY and a directory
 * snapshots/<id>. Creating, removing or renaming any of them changes the
 * mtime and ctime of descriptors/ or snapshots/, so meta row
 * `catalog_published` keeps the (dev, ino, size, mtime_ns, ctime_ns) of both
 * directories as they were when the catalog table was last made to hold
 * exactly the published set, and the number of rows. While both directories
 * still have those keys, and both keys are strictly older than the moment they
 * were recorded (so no change within the same clock tick can hide behind an
 * equal mtime), the rows are the published set and neither directory is read.
 * Anything else lists both directories and checks every descriptor as before.
 * The key is written only when no descriptor failed to load.
 *
 * With a matching key, jvs_catalog_load still compares every descriptor's own
 * key (one fstatat each), so an edit in place, which leaves the directory
 * alone, is still reloaded and fails its checksum: verify, doctor, gc,
 * restore, info keep that guarantee. JVS_CATALOG_TRUST_DIRS (history) skips
 * it: JVS itself never rewrites a descriptor (it writes a temporary file and
 * renames it), so a descriptor changed in place is tampering, which is the
 * business of verify and doctor --strict (SPEC §8); history then lists the
 * descriptor as it was when checksummed, never the edited text. Whoever
 * finds a damaged descriptor drops the key, so the next history lists the
 * directories again and leaves it out. */

typedef struct {
	int64_t size, mtime_ns, ctime_ns;
	uint64_t ino;
} desc_key;

typedef struct {
	uint64_t dev, ino;
	int64_t size, mtime_ns, ctime_ns;
} dir_key;

typedef struct {
	dir_key snap, desc;
	int64_t recorded_ns, count;
} pub_key;

#define PUB_META "catalog_published"

static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static int desc_stat(int dfd, const char *id, desc_key *k)
{
	char name[JVS_ID_BUF + 8];
	struct stat st;
	snprintf(name, sizeof name, "%s.json", id);
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
		return -1;
	k->size = st.st_size;
	k->mtime_ns = ts_ns(&st.st_mtim);
	k->ctime_ns = ts_ns(&st.st_ctim);
	k->ino = (uint64_t)st.st_ino;
	return 0;
}

static void dir_key_of(const struct stat *st, dir_key *k)
{
	k->dev = (uint64_t)st->st_dev;
	k->ino = (uint64_t)st->st_ino;
	k->size = st->st_size;
	k->mtime_ns = ts_ns(&st->st_mtim);
	k->ctime_ns = ts_ns(&st->st_ctim);
}

/* Both directory keys of the published set, stat'ed now. */
static int pub_stat(const jvs_repo *repo, int dfd, pub_key *k)
{
	char *sdir = jvs_repo_path(repo, "snapshots");
	struct stat ss, ds;
	int ok = sdir && stat(sdir, &ss) == 0 && S_ISDIR(ss.st_mode) && fstat(dfd, &ds) == 0 &&
		 S_ISDIR(ds.st_mode);
	free(sdir);
	if (!ok)
		return -1;
	dir_key_of(&ss, &k->snap);
	dir_key_of(&ds, &k->desc);
	return 0;
}

static int dir_key_eq(const dir_key *a, const dir_key *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

/* The racy-timestamp rule for a directory key recorded at `recorded`. */
static int dir_key_settled(const dir_key *k, int64_t recorded)
{
	return k->mtime_ns < recorded && k->ctime_ns < recorded;
}

static int pub_settled(const pub_key *k)
{
	return dir_key_settled(&k->snap, k->recorded_ns) &&
	       dir_key_settled(&k->desc, k->recorded_ns);
}

static void pub_format(const pub_key *k, char *buf, size_t len)
{
	snprintf(buf, len,
		 "1 %" PRIu64 " %" PRIu64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRIu64
		 " %" PRIu64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64,
		 k->snap.dev, k->snap.ino, k->snap.size, k->snap.mtime_ns, k->snap.ctime_ns,
		 k->desc.dev, k->desc.ino, k->desc.size, k->desc.mtime_ns, k->desc.ctime_ns,
		 k->recorded_ns, k->count);
}

/* 1: a stored key was read into k; 0: none (or unreadable). */
static int pub_get(sqlite3 *db, pub_key *k)
{
	sqlite3_stmt *st = NULL;
	int got = 0;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key='" PUB_META "'", -1, &st,
			       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		int used = 0;
		got = v &&
		      sscanf(v,
			     "1 %" SCNu64 " %" SCNu64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNu64
			     " %" SCNu64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64
			     "%n",
			     &k->snap.dev, &k->snap.ino, &k->snap.size, &k->snap.mtime_ns,
			     &k->snap.ctime_ns, &k->desc.dev, &k->desc.ino, &k->desc.size,
			     &k->desc.mtime_ns, &k->desc.ctime_ns, &k->recorded_ns, &k->count,
			     &used) == 12 &&
		      !v[used] && k->count >= 0;
	}
	sqlite3_finalize(st);
	return got;
}

#define CAT_COLS                                                                          \
	"snapshot_id, size, mtime_ns, ctime_ns, ino, recorded_ns, parent, worktree,"      \
	" created_at, note, tags, engine, hash_algorithm, payload_root_hash, file_count," \
	" total_bytes, degraded, integrity_state, descriptor_checksum"
/* What a load reads: the keys and column `descriptor`, which holds the whole
 * descriptor packed (catalog_pack.c); the separate columns are for people and
 * tools looking at the table. One column instead of thirteen per row. */
#define ROW_COLS "snapshot_id, size, mtime_ns, ctime_ns, ino, recorded_ns, descriptor"
#define ROW_SELECT "SELECT " ROW_COLS " FROM catalog ORDER BY snapshot_id"
#define TRUSTED_SELECT "SELECT snapshot_id, descriptor FROM catalog ORDER BY snapshot_id"

/* Fills d from the packed descriptor in column col, whatever the keys. */
static int row_fill(sqlite3_stmt *st, int col, const char *id, jvs_descriptor *d)
{
	const char *blob = sqlite3_column_blob(st, col);
	int len = sqlite3_column_bytes(st, col);
	return jvs_catalog__unpack(blob, (size_t)len, id, d);
}

/* Fills d from the current row when it is trusted for key k. */
static int row_use(sqlite3_stmt *st, const char *id, const desc_key *k, jvs_descriptor *d)
{
	int64_t recorded = sqlite3_column_int64(st, 5);
	if (sqlite3_column_int64(st, 1) != k->size || sqlite3_column_int64(st, 2) != k->mtime_ns ||
	    sqlite3_column_int64(st, 3) != k->ctime_ns ||
	    (uint64_t)sqlite3_column_int64(st, 4) != k->ino || k->mtime_ns >= recorded ||
	    k->ctime_ns >= recorded)
		return -1;
	return row_fill(st, 6, id, d);
}

static char *strv_dump(char **v, size_t n)
{
	json_t *a = jvs_json_strv(v, n);
	char *s = a ? json_dumps(a, JSON_COMPACT) : NULL;
	json_decref(a);
	return s;
}

static int row_store(sqlite3_stmt *ins, const jvs_descriptor *d, const desc_key *k,
		     int64_t recorded)
{
	char *tags = strv_dump(d->tags, d->ntags), *deg = strv_dump(d->degraded, d->ndegraded);
	size_t plen = 0;
	char *packed = jvs_catalog__pack(d, &plen);
	int rc = -1;
	if (!tags || !deg || !packed || plen > INT_MAX)
		goto out;
	sqlite3_bind_text(ins, 1, d->snapshot_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 2, k->size);
	sqlite3_bind_int64(ins, 3, k->mtime_ns);
	sqlite3_bind_int64(ins, 4, k->ctime_ns);
	sqlite3_bind_int64(ins, 5, (sqlite3_int64)k->ino);
	sqlite3_bind_int64(ins, 6, recorded);
	if (d->parent_id[0])
		sqlite3_bind_text(ins, 7, d->parent_id, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(ins, 7);
	sqlite3_bind_text(ins, 8, d->worktree_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 9, d->created_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 10, d->note ? d->note : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 11, tags, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 12, d->engine, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 13, d->hash_algorithm, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 14, d->payload_root_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 15, d->file_count);
	sqlite3_bind_int64(ins, 16, d->total_bytes);
	sqlite3_bind_text(ins, 17, deg, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 18, d->integrity_state, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 19, d->descriptor_checksum, -1, SQLITE_STATIC);
	sqlite3_bind_blob(ins, 20, packed, (int)plen, SQLITE_STATIC);
	rc = sqlite3_step(ins) == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(ins);
out:
	free(tags);
	free(deg);
	free(packed);
	return rc;
}

static void catalog_free_partial(jvs_catalog *out)
{
	for (size_t i = 0; i < out->n; i++)
		jvs_descriptor_clear(&out->d[i]);
	for (size_t i = 0; i < out->nbad; i++)
		free(out->bad[i]);
	out->n = out->nbad = 0;
}

/* The warm path: the rows are the published set (the directory key
 * matched). dfd >= 0 also checks every descriptor's own key and reloads the
 * ones that changed; dfd < 0 trusts the rows. 0, or -1 (out emptied) to fall
 * back to listing the directories. */
static int load_rows(const jvs_repo *repo, sqlite3 *db, int dfd, size_t count, jvs_catalog *out,
		     desc_key *keys, size_t *fresh, size_t *nfresh, int *found_bad)
{
	sqlite3_stmt *rows = NULL;
	int step = SQLITE_ERROR;
	*nfresh = 0;
	if (sqlite3_prepare_v2(db, dfd < 0 ? TRUSTED_SELECT : ROW_SELECT, -1, &rows, NULL) !=
	    SQLITE_OK)
		goto fail;
	while ((step = sqlite3_step(rows)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(rows, 0);
		jvs_descriptor *d = &out->d[out->n];
		if (out->n + out->nbad >= count || !id || !jvs_id_is_valid(id))
			goto fail;
		if (dfd < 0) {
			if (row_fill(rows, 1, id, d) < 0)
				goto fail;
			out->n++;
			continue;
		}
		if (desc_stat(dfd, id, &keys[out->n]) < 0)
			goto fail; /* gone although descriptors/ did not change */
		if (row_use(rows, id, &keys[out->n], d) == 0) {
			out->n++;
		} else if (jvs_descriptor_load(repo, id, d) == 0) {
			fresh[(*nfresh)++] = out->n++;
		} else if (jvs_error_last()->cls == JVS_E_NOT_FOUND) {
			goto fail;
		} else {
			if (!(out->bad[out->nbad] = strdup(id)))
				goto fail;
			out->nbad++;
			*found_bad = 1;
		}
	}
	if (step != SQLITE_DONE || out->n + out->nbad != count)
		goto fail;
	sqlite3_finalize(rows);
	return 0;
fail:
	sqlite3_finalize(rows);
	catalog_free_partial(out);
	*nfresh = 0;
	*found_bad = 0;
	jvs_error_clear();
	return -1;
}

/* Whether the catalog rows hold exactly the ids of out->d (inside the write
 * transaction, so no other process changes them before the key is stored). */
static int rows_match(sqlite3 *db, const jvs_catalog *cat)
{
	sqlite3_stmt *st = NULL;
	size_t i = 0;
	int step = SQLITE_ERROR, ok = 1;
	if (sqlite3_prepare_v2(db, "SELECT snapshot_id FROM catalog ORDER BY snapshot_id", -1, &st,
			       NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return 0;
	}
	while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		ok = i < cat->n && id && !strcmp(id, cat->d[i].snapshot_id);
		i++;
	}
	sqlite3_finalize(st);
	return ok && step == SQLITE_DONE && i == cat->n;
}

static int catalog_alloc(jvs_catalog *out, size_t n, desc_key **keys, size_t **fresh)
{
	out->d = calloc(n + 1, sizeof *out->d);
	out->bad = calloc(n + 1, sizeof *out->bad);
	*keys = calloc(n + 1, sizeof **keys);
	*fresh = calloc(n + 1, sizeof **fresh);
	if (out->d && out->bad && *keys && *fresh)
		return 0;
	free(out->d);
	free(out->bad);
	free(*keys);
	free(*fresh);
	*keys = NULL;
	*fresh = NULL;
	memset(out, 0, sizeof *out);
	jvs_error_set(JVS_E_INTERNAL, "out of memory");
	return -1; /* spelt out: the analyser cannot see jvs_error_set's value */
}

static int sql_ok(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

/* One write transaction: drops the rows of snapshots not in `live` (when
 * given), stores the descriptors loaded from files, then records `pub` if
 * given and the rows are now exactly out->d, else removes the recorded key
 * if `drop`. */
static void cache_update(sqlite3 *db, const jvs_catalog *out, const desc_key *keys,
			 const size_t *fresh, size_t nfresh, int64_t recorded, char **live,
			 size_t nlive, const pub_key *pub, int drop)
{
	sqlite3_stmt *ins = NULL;
	char val[320];
	int ok;
	if (!sql_ok(db, "BEGIN IMMEDIATE"))
		return;
	ok = 1;
	if (live) { /* drop rows of snapshots that are gone */
		ok = sql_ok(db, "CREATE TEMP TABLE IF NOT EXISTS live(id TEXT PRIMARY KEY)") &&
		     sql_ok(db, "DELETE FROM temp.live") &&
		     sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO temp.live VALUES(?1)", -1, &ins,
					NULL) == SQLITE_OK;
		for (size_t i = 0; ok && i < nlive; i++) {
			sqlite3_bind_text(ins, 1, live[i], -1, SQLITE_STATIC);
			ok = sqlite3_step(ins) == SQLITE_DONE;
			sqlite3_reset(ins);
		}
		sqlite3_finalize(ins);
		ins = NULL;
		ok = ok && sql_ok(db, "DELETE FROM catalog WHERE snapshot_id NOT IN"
				      " (SELECT id FROM temp.live)");
	}
	ok = ok && sqlite3_prepare_v2(db,
				      "INSERT OR REPLACE INTO catalog(" CAT_COLS
				      ", descriptor) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,"
				      "?12,?13,?14,?15,?16,?17,?18,?19,?20)",
				      -1, &ins, NULL) == SQLITE_OK;
	for (size_t i = 0; ok && i < nfresh; i++)
		ok = row_store(ins, &out->d[fresh[i]], &keys[fresh[i]], recorded) == 0;
	sqlite3_finalize(ins);
	ins = NULL;
	if (ok && pub && rows_match(db, out)) {
		pub_format(pub, val, sizeof val);
		ok = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta VALUES('" PUB_META "', ?1)",
					-1, &ins, NULL) == SQLITE_OK &&
		     sqlite3_bind_text(ins, 1, val, -1, SQLITE_STATIC) == SQLITE_OK &&
		     sqlite3_step(ins) == SQLITE_DONE;
		sqlite3_finalize(ins);
	} else if (ok && drop) {
		ok = sql_ok(db, "DELETE FROM meta WHERE key='" PUB_META "'");
	}
	sql_ok(db, ok ? "COMMIT" : "ROLLBACK");
}

int jvs_catalog_load_flags(const jvs_repo *repo, unsigned flags, jvs_catalog *out)
{
	char **ids = NULL;
	size_t n = 0, nfresh = 0;
	jvs_index *idx = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *rows = NULL;
	int row_valid = 0, rows_done = 1, dfd = -1, stale = 0, found_bad = 0;
	int have_pub = 0, had_pub = 0, warm = 0;
	pub_key now, stored;
	desc_key *keys = NULL;
	size_t *fresh = NULL; /* indexes into out->d loaded from files */
	int64_t recorded = jvs_cache_clock_ns(); /* before any stat or listing */
	memset(out, 0, sizeof *out);
	{
		char *dir = jvs_repo_path(repo, "descriptors");
		char *ip = jvs_repo_path(repo, "index.sqlite");
		dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		have_pub = dfd >= 0 && pub_stat(repo, dfd, &now) == 0;
		now.recorded_ns = recorded;
		/* an absent index is created below only when there is something
		 * to cache */
		if (ip && access(ip, F_OK) == 0 && (idx = jvs_index_open(repo)))
			db = jvs_index_db(idx);
		/* read the rows through a mapping, not one pread per page */
		if (db)
			sqlite3_exec(db, "PRAGMA mmap_size=268435456", NULL, NULL, NULL);
		free(dir);
		free(ip);
		had_pub = db && pub_get(db, &stored);
	}
	/* the warm path: neither directory changed since the rows were the set */
	if (have_pub && had_pub && pub_settled(&stored) && dir_key_eq(&now.snap, &stored.snap) &&
	    dir_key_eq(&now.desc, &stored.desc)) {
		/* (a count too large to allocate is a damaged key: list instead) */
		if (catalog_alloc(out, (size_t)stored.count, &keys, &fresh) == 0)
			warm = load_rows(repo, db, (flags & JVS_CATALOG_TRUST_DIRS) ? -1 : dfd,
					 (size_t)stored.count, out, keys, fresh, &nfresh,
					 &found_bad) == 0;
		jvs_error_clear();
		if (!warm) {
			free(out->d);
			free(out->bad);
			free(keys);
			free(fresh);
			keys = NULL;
			fresh = NULL;
			memset(out, 0, sizeof *out);
		}
	}
	if (warm)
		goto store;
	if (jvs_snapshot_ids(repo, &ids, &n) < 0)
		goto out;
	if (catalog_alloc(out, n, &keys, &fresh) < 0)
		goto out;
	if (!idx && n && (idx = jvs_index_open(repo)))
		db = jvs_index_db(idx);
	if (n && db && dfd >= 0 && sqlite3_prepare_v2(db, ROW_SELECT, -1, &rows, NULL) == SQLITE_OK)
		rows_done = 0;
	for (size_t i = 0; i < n; i++) {
		jvs_descriptor *d = &out->d[out->n];
		int have_key = dfd >= 0 && desc_stat(dfd, ids[i], &keys[out->n]) == 0;
		int cmp = 1;
		/* advance the cache rows to ids[i]; rows passed over are stale */
		while (!rows_done) {
			const char *rid;
			if (!row_valid) {
				if (sqlite3_step(rows) != SQLITE_ROW) {
					rows_done = 1;
					break;
				}
				row_valid = 1;
			}
			rid = (const char *)sqlite3_column_text(rows, 0);
			cmp = rid ? strcmp(rid, ids[i]) : -1;
			if (cmp >= 0)
				break;
			row_valid = 0;
			stale = 1;
		}
		if (!rows_done && row_valid && cmp == 0) {
			row_valid = 0;
			if (have_key && row_use(rows, ids[i], &keys[out->n], d) == 0) {
				out->n++;
				continue;
			}
		}
		if (jvs_descriptor_load(repo, ids[i], d) == 0) {
			if (have_key)
				fresh[nfresh++] = out->n;
			out->n++;
		} else if (jvs_error_last()->cls == JVS_E_NOT_FOUND) {
			jvs_error_clear(); /* deleted (by gc) since the listing */
		} else {
			out->bad[out->nbad++] = strdup(ids[i]);
		}
	}
	if (!rows_done && (row_valid || sqlite3_step(rows) == SQLITE_ROW))
		stale = 1;
	sqlite3_finalize(rows);
	if (!n && db)
		stale = 1; /* no snapshot left: whatever rows remain are gone */
store:
	if (db) {
		/* listing: record the directory key when the rows become exactly
		 * the set; warm: a descriptor found damaged withdraws it, so that
		 * readers trusting the rows list the directories again */
		int want_pub = !warm && have_pub && !out->nbad && pub_settled(&now);
		int drop_pub = had_pub && (warm ? found_bad : !want_pub);
		now.count = (int64_t)out->n;
		if (nfresh || stale || want_pub || drop_pub)
			cache_update(db, out, keys, fresh, nfresh, recorded, stale ? ids : NULL, n,
				     want_pub ? &now : NULL, drop_pub || (want_pub && had_pub));
	}
out:
	if (dfd >= 0)
		close(dfd);
	jvs_index_close(idx);
	free(keys);
	free(fresh);
	jvs_strv_free(ids, n);
	if (!out->d && !jvs_error_last()->cls)
		jvs_error_set(JVS_E_INTERNAL, "cannot load the catalogue");
	if (!out->d)
		return -1;
	jvs_error_clear();
	return 0;
}

int jvs_catalog_load(const jvs_repo *repo, jvs_catalog *out)
{
	return jvs_catalog_load_flags(repo, 0, out);
}

void jvs_catalog_clear(jvs_catalog *c)
{
	for (size_t i = 0; i < c->n; i++)
		jvs_descriptor_clear(&c->d[i]);
	free(c->d);
	jvs_strv_free(c->bad, c->nbad);
	memset(c, 0, sizeof *c);
}

const jvs_descriptor *jvs_catalog_get(const jvs_catalog *c, const char *id)
{
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(c->d[mid].snapshot_id, id);
		if (!cmp)
			return &c->d[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
