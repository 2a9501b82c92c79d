#include "jvs/catalog.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/index.h"
#include "jvs/worktree.h"

#include <fcntl.h>
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
 * descriptor. A pure cache: every failure falls back to reading the files. */

typedef struct {
	int64_t size, mtime_ns, ctime_ns;
	uint64_t ino;
} desc_key;

static int desc_stat(int dfd, const char *id, desc_key *k)
{
	char name[JVS_ID_BUF + 8];
	struct stat st;
	snprintf(name, sizeof name, "%s.json", id);
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
		return -1;
	k->size = st.st_size;
	k->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	k->ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
	k->ino = (uint64_t)st.st_ino;
	return 0;
}

static int col_str(sqlite3_stmt *st, int col, char *out, size_t len)
{
	const char *v = (const char *)sqlite3_column_text(st, col);
	if (!v || strlen(v) >= len)
		return -1;
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

static int col_strv(sqlite3_stmt *st, int col, char ***out, size_t *n)
{
	const char *v = (const char *)sqlite3_column_text(st, col);
	json_t *a, *e;
	size_t i;
	*out = NULL;
	*n = 0;
	if (!v)
		return -1;
	if (!strcmp(v, "[]"))
		return 0;
	a = json_loads(v, 0, NULL);
	if (!json_is_array(a)) {
		json_decref(a);
		return -1;
	}
	*out = calloc(json_array_size(a) + 1, sizeof **out);
	if (!*out) {
		json_decref(a);
		return -1;
	}
	json_array_foreach(a, i, e)
	{
		if (!json_is_string(e) || !((*out)[i] = strdup(json_string_value(e)))) {
			json_decref(a);
			return -1;
		}
		*n = i + 1;
	}
	json_decref(a);
	return 0;
}

#define CAT_COLS                                                                          \
	"snapshot_id, size, mtime_ns, ctime_ns, ino, recorded_ns, parent, worktree,"      \
	" created_at, note, tags, engine, hash_algorithm, payload_root_hash, file_count," \
	" total_bytes, degraded, integrity_state, descriptor_checksum"

/* Fills d from the current row when it is trusted for key k. */
static int row_use(sqlite3_stmt *st, const char *id, const desc_key *k, jvs_descriptor *d)
{
	const char *note;
	int64_t recorded = sqlite3_column_int64(st, 5);
	if (sqlite3_column_int64(st, 1) != k->size || sqlite3_column_int64(st, 2) != k->mtime_ns ||
	    sqlite3_column_int64(st, 3) != k->ctime_ns ||
	    (uint64_t)sqlite3_column_int64(st, 4) != k->ino || k->mtime_ns >= recorded ||
	    k->ctime_ns >= recorded)
		return -1;
	memset(d, 0, sizeof *d);
	snprintf(d->snapshot_id, sizeof d->snapshot_id, "%s", id);
	note = (const char *)sqlite3_column_text(st, 9);
	if (sqlite3_column_type(st, 6) == SQLITE_NULL)
		d->parent_id[0] = '\0';
	else if (col_str(st, 6, d->parent_id, sizeof d->parent_id) < 0)
		goto bad;
	if (col_str(st, 7, d->worktree_name, sizeof d->worktree_name) < 0 ||
	    col_str(st, 8, d->created_at, sizeof d->created_at) < 0 || !note ||
	    !(d->note = strdup(note)) || col_strv(st, 10, &d->tags, &d->ntags) < 0 ||
	    col_str(st, 11, d->engine, sizeof d->engine) < 0 ||
	    col_str(st, 12, d->hash_algorithm, sizeof d->hash_algorithm) < 0 ||
	    col_str(st, 13, d->payload_root_hash, sizeof d->payload_root_hash) < 0 ||
	    col_strv(st, 16, &d->degraded, &d->ndegraded) < 0 ||
	    col_str(st, 17, d->integrity_state, sizeof d->integrity_state) < 0 ||
	    col_str(st, 18, d->descriptor_checksum, sizeof d->descriptor_checksum) < 0)
		goto bad;
	d->file_count = sqlite3_column_int64(st, 14);
	d->total_bytes = sqlite3_column_int64(st, 15);
	return 0;
bad:
	jvs_descriptor_clear(d);
	return -1;
}

static char *strv_dump(char **v, size_t n)
{
	json_t *a = json_array();
	char *s;
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	s = a ? json_dumps(a, JSON_COMPACT) : NULL;
	json_decref(a);
	return s;
}

static int row_store(sqlite3_stmt *ins, const jvs_descriptor *d, const desc_key *k,
		     int64_t recorded)
{
	char *tags = strv_dump(d->tags, d->ntags), *deg = strv_dump(d->degraded, d->ndegraded);
	json_t *j = jvs_descriptor_to_json(d);
	char *full = j ? json_dumps(j, JSON_COMPACT) : NULL;
	int rc = -1;
	json_decref(j);
	if (!tags || !deg || !full)
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
	sqlite3_bind_text(ins, 20, full, -1, SQLITE_STATIC);
	rc = sqlite3_step(ins) == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(ins);
out:
	free(tags);
	free(deg);
	free(full);
	return rc;
}

int jvs_catalog_load(const jvs_repo *repo, jvs_catalog *out)
{
	char **ids = NULL;
	size_t n = 0, nfresh = 0;
	jvs_index *idx = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *rows = NULL;
	int row_valid = 0, rows_done = 1, dfd = -1, stale = 0;
	desc_key *keys = NULL;
	size_t *fresh = NULL; /* indexes into out->d loaded from files */
	int64_t recorded = jvs_cache_clock_ns();
	memset(out, 0, sizeof *out);
	if (jvs_snapshot_ids(repo, &ids, &n) < 0)
		return -1;
	out->d = calloc(n + 1, sizeof *out->d);
	out->bad = calloc(n + 1, sizeof *out->bad);
	keys = calloc(n + 1, sizeof *keys);
	fresh = calloc(n + 1, sizeof *fresh);
	if (!out->d || !out->bad || !keys || !fresh) {
		jvs_strv_free(ids, n);
		free(out->d);
		free(out->bad);
		free(keys);
		free(fresh);
		memset(out, 0, sizeof *out);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	if (n && (idx = jvs_index_open(repo)) && (db = jvs_index_db(idx))) {
		char *dir = jvs_repo_path(repo, "descriptors");
		dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		free(dir);
		if (dfd >= 0 && sqlite3_prepare_v2(db, "SELECT " CAT_COLS
						   " FROM catalog ORDER BY snapshot_id",
						   -1, &rows, NULL) == SQLITE_OK)
			rows_done = 0;
	}
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
	if (db && (nfresh || stale) &&
	    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
		sqlite3_stmt *ins = NULL;
		int ok = 1;
		if (stale) { /* drop rows of snapshots that are gone */
			ok = sqlite3_exec(db, "CREATE TEMP TABLE IF NOT EXISTS live(id TEXT PRIMARY KEY)",
					  NULL, NULL, NULL) == SQLITE_OK &&
			     sqlite3_exec(db, "DELETE FROM temp.live", NULL, NULL, NULL) == SQLITE_OK &&
			     sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO temp.live VALUES(?1)", -1,
						&ins, NULL) == SQLITE_OK;
			for (size_t i = 0; ok && i < n; i++) {
				sqlite3_bind_text(ins, 1, ids[i], -1, SQLITE_STATIC);
				ok = sqlite3_step(ins) == SQLITE_DONE;
				sqlite3_reset(ins);
			}
			sqlite3_finalize(ins);
			ins = NULL;
			ok = ok && sqlite3_exec(db,
						"DELETE FROM catalog WHERE snapshot_id NOT IN"
						" (SELECT id FROM temp.live)",
						NULL, NULL, NULL) == SQLITE_OK;
		}
		ok = ok && sqlite3_prepare_v2(db,
					      "INSERT OR REPLACE INTO catalog(" CAT_COLS
					      ", descriptor) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,"
					      "?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)",
					      -1, &ins, NULL) == SQLITE_OK;
		for (size_t i = 0; ok && i < nfresh; i++)
			ok = row_store(ins, &out->d[fresh[i]], &keys[fresh[i]], recorded) == 0;
		sqlite3_finalize(ins);
		sqlite3_exec(db, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
	}
	if (dfd >= 0)
		close(dfd);
	jvs_index_close(idx);
	free(keys);
	free(fresh);
	jvs_error_clear();
	jvs_strv_free(ids, n);
	return 0;
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

int jvs_ref_latest_tag(const jvs_catalog *cat, const char *tag, char out[JVS_ID_BUF])
{
	for (size_t i = cat->n; i-- > 0;)
		if (jvs_descriptor_has_tag(&cat->d[i], tag)) {
			snprintf(out, JVS_ID_BUF, "%s", cat->d[i].snapshot_id);
			return 0;
		}
	jvs_error_set(JVS_E_NOT_FOUND, "no snapshot is tagged '%s'", tag);
	return jvs_error_hint("see 'jvs history --all'");
}

static int ambiguous(const jvs_catalog *cat, const char *ref, const char *what,
		     int (*match)(const jvs_descriptor *, const char *))
{
	char list[768] = "";
	size_t used = 0, shown = 0;
	for (size_t i = cat->n; i-- > 0;) {
		if (!match(&cat->d[i], ref))
			continue;
		if (shown++ < 8)
			used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
						 used ? ", " : "", cat->d[i].snapshot_id);
		if (used >= sizeof list)
			used = sizeof list - 1;
	}
	jvs_error_set(JVS_E_AMBIGUOUS, "'%s' matches several snapshots by %s: %s%s", ref, what,
		      list, shown > 8 ? ", ..." : "");
	return jvs_error_hint("use a longer prefix or the full id");
}

static int match_id_prefix(const jvs_descriptor *d, const char *ref)
{
	return !strncmp(d->snapshot_id, ref, strlen(ref));
}

static int match_note_prefix(const jvs_descriptor *d, const char *ref)
{
	return d->note && *ref && !strncmp(d->note, ref, strlen(ref));
}

int jvs_ref_resolve(const jvs_repo *repo, const jvs_catalog *cat, const char *worktree,
		    const char *ref, char out[JVS_ID_BUF])
{
	size_t hits = 0, hit = 0;
	if (!ref || !*ref)
		return jvs_error_set(JVS_E_USAGE, "empty snapshot reference");
	if (!strcmp(ref, "HEAD")) {
		jvs_worktree wt;
		if (!worktree) {
			jvs_error_set(JVS_E_NO_WORKTREE, "HEAD needs a current worktree");
			return jvs_error_hint("cd into a worktree, or use -w NAME");
		}
		if (jvs_worktree_load(repo, worktree, &wt) < 0)
			return -1;
		if (!wt.latest[0])
			return jvs_error_set(JVS_E_NOT_FOUND, "worktree '%s' has no snapshot yet",
					     worktree),
			       jvs_error_hint("create one with 'jvs snapshot'");
		snprintf(out, JVS_ID_BUF, "%s", wt.latest);
		return 0;
	}
	if (jvs_id_is_valid(ref) && jvs_catalog_get(cat, ref)) {
		snprintf(out, JVS_ID_BUF, "%s", ref);
		return 0;
	}
	/* A full id whose descriptor is damaged: say so rather than "not found". */
	for (size_t i = 0; repo && i < cat->nbad; i++) {
		jvs_descriptor d;
		if (strcmp(cat->bad[i], ref))
			continue;
		if (jvs_descriptor_load(repo, ref, &d) < 0)
			return -1;
		jvs_descriptor_clear(&d);
	}
	for (size_t i = cat->n; i-- > 0;)
		if (jvs_descriptor_has_tag(&cat->d[i], ref)) {
			snprintf(out, JVS_ID_BUF, "%s", cat->d[i].snapshot_id);
			return 0;
		}
	if (jvs_id_prefix_plausible(ref)) {
		for (size_t i = 0; i < cat->n; i++)
			if (match_id_prefix(&cat->d[i], ref))
				hits++, hit = i;
		if (hits == 1) {
			snprintf(out, JVS_ID_BUF, "%s", cat->d[hit].snapshot_id);
			return 0;
		}
		if (hits > 1)
			return ambiguous(cat, ref, "id prefix", match_id_prefix);
	}
	for (size_t i = cat->n; i-- > 0;)
		if (cat->d[i].note && !strcmp(cat->d[i].note, ref)) {
			snprintf(out, JVS_ID_BUF, "%s", cat->d[i].snapshot_id);
			return 0;
		}
	hits = 0;
	for (size_t i = 0; i < cat->n; i++)
		if (match_note_prefix(&cat->d[i], ref))
			hits++, hit = i;
	if (hits == 1) {
		snprintf(out, JVS_ID_BUF, "%s", cat->d[hit].snapshot_id);
		return 0;
	}
	if (hits > 1)
		return ambiguous(cat, ref, "note prefix", match_note_prefix);
	jvs_error_set(JVS_E_NOT_FOUND, "no snapshot matches '%s'", ref);
	return jvs_error_hint("see 'jvs history --all' for ids, tags and notes");
}
