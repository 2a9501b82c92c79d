#include "jvs/snapshot.h"
#include "api_int.h"
#include "opts.h"
#include "worktree_int.h"
#include "error_int.h"
#include "layout.h"
#include "snapshot_parts.h"
#include "scan_int.h"
#include "snapmeta.h"
#include "audit.h"
#include "changes.h"
#include "compress.h"
#include "engine.h"
#include "shortid_use.h"
#include "jvs/error.h"
#include "fault.h"
#include "fsutil.h"
#include "forkseed.h"
#include "index.h"
#include "intent.h"
#include "json.h"
#include "lock.h"
#include "manifest.h"
#include "paths.h"
#include "mounts.h"
#include "jvs/restore.h"
#include "scan.h"
#include "jvs/worktree.h"
#include "textesc.h"
#include "xattr.h"
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

int jvs_snapshot__degraded(snap_ctx *c, const char *fmt, const char *path)
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


void jvs_snapshot__progress_step(snap_ctx *c, const jvs_scan_entry *e)
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

static int write_ready(const jvs_repo *repo, const jvs_descriptor *d, unsigned mode)
{
	char *p = jvs_layout_ready(repo, d->snapshot_id);
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
		a = jvs_layout_descriptor(repo, out);
		b = jvs_layout_payload_tmp(repo, out);
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
	jvs_error saved = jvs_error_save();
	char *tmps[3];
	tmps[0] = jvs_layout_payload_tmp(repo, id);
	tmps[1] = jvs_layout_manifest_tmp(repo, id);
	tmps[2] = jvs_layout_descriptor_tmp(repo, id);
	for (size_t i = 0; i < sizeof tmps / sizeof *tmps; i++) {
		if (tmps[i])
			jvs_rm_rf(tmps[i]);
		free(tmps[i]);
	}
	{
		char *name = jvs_strf("snapshot-%s", id);
		if (name)
			jvs_intent_remove(repo, name);
		free(name);
	}
	jvs_error_restore(&saved);
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

	if (jvs__restore_interrupted(repo, worktree, target) != 0)
		return 0;
	if (jvs_changes_worktree(repo, worktree, head, &ch) < 0)
		return -1;
	same = ch.n == 0;
	jvs_changes_clear(&ch);
	return same;
}

int jvs__snapshot_create(jvs_repo *repo, const char *worktree, const jvs_snapshot_opts *opts,
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
	if (jvs_opts_check(opts->version, JVS_SNAPSHOT_OPTS_VERSION, "jvs_snapshot_opts") < 0)
		return -1;
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
	if (jvs__worktree_load(repo, worktree, &wt) < 0)
		goto done;
	if (opts->skip_unchanged && wt.head[0]) {
		int same = unchanged_since_head(repo, worktree, wt.head);
		if (same < 0)
			goto done;
		if (same) {
			if (jvs__descriptor_load(repo, wt.head, &d) < 0)
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
	{ /* compression: refused or not applied on a clone engine */
		char why[256];
		if (jvs_compress_choose(repo, opts->compress, &c.engine, &c.compress, why) < 0 ||
		    (why[0] && jvs_snapshot__degraded(&c, "%s", why) < 0) ||
		    (c.compress && jvs_compress_mark_repo(repo) < 0))
			goto done;
	}
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
	tmp = jvs_layout_payload_tmp(repo, id);
	final = jvs_layout_payload(repo, id);
	if (!payload || !tmp || !final || jvs_repo_payload_check(repo, worktree) < 0)
		goto fail;
	c.wt_fd = jvs_safe_open_dir(payload);
	c.xc.root = c.wt_fd;
	if (c.wt_fd < 0) {
		jvs_error_sys("cannot open worktree '%s'", payload);
		goto fail;
	}
	jvs_engine_for_snapshot(repo, &c.engine, payload, worktree, opts->npaths > 0);
	tree_clone = c.engine.kind == JVS_ENGINE_JUICEFS || c.engine.kind == JVS_ENGINE_BTRFS;
	if (tree_clone) {
		int r = jvs_snapshot__clone_payload(&c, payload, tmp, &scan, &clone_recorded);
		if (r < 0)
			goto fail;
		if (r > 0) { /* ignored paths: per-file, keeping the scan */
			tree_clone = 0;
			c.engine.kind = jvs_engine_per_file(c.engine.kind);
			if (jvs_snapshot__degraded(&c, "engine: the worktree has ignored paths, used %s",
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
		char *pp = jvs_layout_payload(repo, wt.head);
		if (pp && jvs_compress_of_snapshot(repo, wt.head, &c.parent_compress) == 0 &&
		    (c.parent = jvs_manifest_reader_open(repo, wt.head, NULL)))
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
	c.cache = jvs_forkseed_cache_begin(repo, idx, worktree);
	mtmp = jvs_layout_manifest_tmp(repo, id);
	if (!mtmp || !(c.out = jvs_manifest_writer_open_mode(mtmp, meta_mode_of(c.wt_fd))))
		goto fail;
	if ((tree_clone ? jvs_snapshot__manifest_from_clone(&c, tmp, &scan, clone_recorded,
							    &file_count, &total)
			: jvs_snapshot__materialise(&c, &scan, &file_count, &total)) < 0)
		goto fail;
	if (tree_clone) { /* the manifest is written: only its count is needed now */
		size_t ignored = scan.ignored;
		jvs_scan_clear(&scan);
		scan.ignored = ignored;
	}
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
		    jvs_snapshot__degraded(&c, "xattrs not preserved: %s", ". (the payload root)") < 0)
			goto fail;
	}
	jvs_fault_point("snapshot-after-payload");

	/* 5. durability of the payload */
	if (tree_clone)
		c.sync_all = 1;
	if (jvs_snapshot__sync_payload(&c, &scan) < 0)
		goto fail;
	{
		jvs_manifest_writer *w = c.out;
		c.out = NULL;
		if (jvs_manifest_writer_finish(w, d.payload_root_hash) < 0)
			goto fail;
	}
	mfinal = jvs_layout_manifest(repo, id);
	dtmp = jvs_layout_descriptor_tmp(repo, id);
	dfinal = jvs_layout_descriptor(repo, id);
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
	snprintf(d.compression, sizeof d.compression, "%s",
		 jvs_compress_descriptor_value(c.compress));
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
	if (c.engine.degraded[0] && jvs_snapshot__degraded(&c, "%s", c.engine.degraded) < 0)
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
		jvs_error saved = jvs_error_save();
		char *ready = jvs_layout_ready(repo, id);
		if (ready)
			jvs_safe_unlink(ready, 0);
		free(ready);
		jvs_rm_rf(final);
		jvs_safe_unlink(mfinal, 0);
		jvs_error_restore(&saved);
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
