#include "snapmeta.h"
#include "error_int.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A record, little-endian: mtime_ns (8), uid, gid, mode (4 each), spare (4),
 * then ctime_ns (8). Records written before ctime was kept are REC_OLD long
 * (their ctimes load as 0, unknown). */
#define REC 32
#define REC_OLD 24


static const char table[] = "CREATE TABLE IF NOT EXISTS snapmeta("
			    " snapshot_id TEXT PRIMARY KEY, n INTEGER NOT NULL, meta BLOB NOT NULL)";

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
	uint64_t v = 0;
	for (int i = bytes - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* Record i of a blob of records rec bytes long. */
static void put_rec(unsigned char *blob, size_t rec, size_t i, const jvs_stat_meta *m)
{
	unsigned char *p = blob + i * rec;
	put_le(p, (uint64_t)m->mtime_ns, 8);
	put_le(p + 8, m->uid, 4);
	put_le(p + 12, m->gid, 4);
	put_le(p + 16, m->mode, 4);
	put_le(p + 20, 0, 4);
	if (rec == REC)
		put_le(p + REC_OLD, (uint64_t)m->ctime_ns, 8);
}

static void get_rec(const unsigned char *blob, size_t rec, size_t i, jvs_stat_meta *m)
{
	const unsigned char *p = blob + i * rec;
	m->mtime_ns = (int64_t)get_le(p, 8);
	m->uid = (uint32_t)get_le(p + 8, 4);
	m->gid = (uint32_t)get_le(p + 12, 4);
	m->mode = (uint32_t)get_le(p + 16, 4);
	m->ctime_ns = rec == REC ? (int64_t)get_le(p + REC_OLD, 8) : 0;
	m->ok = 1;
}

/* Stores blob (n records of rec bytes; consumed) as snapshot id's, keeping
 * the 16 newest. */
static void save_blob(jvs_index *idx, const char *id, unsigned char *blob, size_t n, size_t rec)
{
	sqlite3 *db = jvs_index_db(idx);
	sqlite3_stmt *st = NULL;
	if (db && sqlite3_exec(db, table, NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO snapmeta VALUES(?1, ?2, ?3)", -1, &st,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)n);
		sqlite3_bind_blob(st, 3, blob, (int)(n * rec), SQLITE_STATIC);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (db)
		sqlite3_exec(db,
			     "DELETE FROM snapmeta WHERE snapshot_id NOT IN"
			     " (SELECT snapshot_id FROM snapmeta ORDER BY snapshot_id DESC LIMIT 16)",
			     NULL, NULL, NULL);
	free(blob);
	jvs_error_clear();
}

void jvs_snapmeta_save(jvs_index *idx, const char *id, const jvs_scan *scan)
{
	unsigned char *blob;
	if (!jvs_index_db(idx) || !scan->n || scan->n > (size_t)INT32_MAX / REC)
		return;
	blob = malloc(scan->n * REC);
	if (!blob)
		return;
	for (size_t i = 0; i < scan->n; i++) {
		const jvs_filekey *k = &scan->e[i].key;
		jvs_stat_meta m = {k->mtime_ns, k->ctime_ns, k->uid, k->gid, k->mode, 1};
		put_rec(blob, REC, i, &m);
	}
	save_blob(idx, id, blob, scan->n, REC);
}

void jvs_snapmeta_save_meta(jvs_index *idx, const char *id, const jvs_stat_meta *meta,
			    size_t n)
{
	unsigned char *blob;
	size_t rec = REC;
	if (!jvs_index_db(idx) || !n || n > (size_t)INT32_MAX / REC)
		return;
	for (size_t i = 0; i < n && rec == REC; i++)
		if (!meta[i].ctime_ns)
			rec = REC_OLD; /* not all known: none recorded */
	blob = malloc(n * rec);
	if (!blob)
		return;
	for (size_t i = 0; i < n; i++)
		put_rec(blob, rec, i, &meta[i]);
	save_blob(idx, id, blob, n, rec);
}

/* Where snapshot id's record of n entries is (*rowid) and its record size:
 * REC, REC_OLD, or 0 when there is none of n entries. length() of a blob
 * is read from its header: the blob itself is not loaded. */
static size_t stored_shape(sqlite3 *db, const char *id, size_t n, sqlite3_int64 *rowid)
{
	sqlite3_stmt *st = NULL;
	size_t rec = 0;
	if (db && n &&
	    sqlite3_prepare_v2(db, "SELECT rowid, n, length(meta) FROM snapmeta WHERE snapshot_id=?1",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 1) == (sqlite3_int64)n) {
			sqlite3_int64 bytes = sqlite3_column_int64(st, 2);
			*rowid = sqlite3_column_int64(st, 0);
			if (bytes >= 0)
				rec = (size_t)bytes == n * REC	    ? REC
				      : (size_t)bytes == n * REC_OLD ? REC_OLD
								     : 0;
		}
	}
	sqlite3_finalize(st);
	return rec;
}

#define LOAD_CHUNK 4096 /* records read at a time */

/* The blob is read a chunk at a time (sqlite3_blob_read), so a million
 * entries' record is not held a second time, as SQLite's copy, beside out. */
int jvs_snapmeta_load(jvs_index *idx, const char *id, size_t n, jvs_stat_meta *out)
{
	sqlite3 *db = jvs_index_db(idx);
	sqlite3_blob *blob = NULL;
	unsigned char *buf = NULL;
	sqlite3_int64 rowid = 0;
	size_t rec = stored_shape(db, id, n, &rowid), done = 0;
	if (!rec || !(buf = malloc(LOAD_CHUNK * rec)) ||
	    sqlite3_blob_open(db, "main", "snapmeta", "meta", rowid, 0, &blob) != SQLITE_OK)
		goto done;
	while (done < n) {
		size_t k = n - done < LOAD_CHUNK ? n - done : LOAD_CHUNK;
		if (sqlite3_blob_read(blob, buf, (int)(k * rec), (int)(done * rec)) != SQLITE_OK)
			break;
		for (size_t i = 0; i < k; i++)
			get_rec(buf, rec, i, &out[done + i]);
		done += k;
	}
done:
	sqlite3_blob_close(blob);
	free(buf);
	jvs_error_clear();
	if (rec && done == n)
		return 1;
	if (done) /* cut short: out untouched, as promised */
		memset(out, 0, n * sizeof *out);
	return 0;
}

int jvs_snapmeta_load_checked(jvs_index *idx, const char *id, const jvs_manifest *m,
			      jvs_stat_meta *out)
{
	size_t j;
	if (!m->n || !jvs_snapmeta_load(idx, id, m->n, out))
		return 0;
	for (j = 0; j < m->n; j++) {
		const jvs_manifest_entry *e = &m->e[j];
		mode_t t = (mode_t)out[j].mode & S_IFMT;
		if ((e->type == JVS_ENT_DIR) != (t == S_IFDIR) ||
		    (e->type == JVS_ENT_SYMLINK) != (t == S_IFLNK) ||
		    (e->type == JVS_ENT_FILE && t != S_IFREG) ||
		    (e->type != JVS_ENT_SYMLINK && (out[j].mode & 07777) != e->mode))
			break;
	}
	if (j == m->n)
		return 1;
	memset(out, 0, m->n * sizeof *out);
	return 0;
}

int jvs_snapmeta_has_ctimes(jvs_index *idx, const char *id, size_t n)
{
	sqlite3_int64 rowid;
	int ok = stored_shape(jvs_index_db(idx), id, n, &rowid) == REC;
	jvs_error_clear();
	return ok;
}
