#include "jvs/restore.h"
#include "api_int.h"
#include "changes_int.h"
#include "opts.h"
#include "restore_int.h"
#include "audit.h"
#include "changes.h"
#include "descriptor.h"
#include "error_int.h"
#include "fault.h"
#include "fsutil.h"
#include "intent.h"
#include "json.h"
#include "lock.h"
#include "mounts.h"
#include "snapshot_int.h"
#include "worktree_int.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void jvs_restore_result_clear(jvs_restore_result *r)
{
	if (!r)
		return;
	free(r->note);
	memset(r, 0, sizeof *r);
}

int jvs_restore__cannot_save(void)
{
	jvs_error e = jvs_error_save();
	jvs_error_set(e.cls, "cannot save unsnapshotted changes before restoring: %s", e.message);
	if (e.hint[0])
		return jvs_error_hint("%s; or restore with --discard to drop the changes", e.hint);
	return jvs_error_hint("fix that, or restore with --discard to drop the changes");
}

static int autosave(jvs_repo *repo, const char *worktree, const char *target, jvs_worktree *wt,
                    jvs_restore_result *out, jvs_scan *scan)
{
	static const char *const tags[] = {"autosave"};
	jvs_changes ch;
	jvs_snapshot_opts so = JVS_SNAPSHOT_OPTS_INIT;
	jvs_descriptor d;
	char *note;
	size_t n;
	if (jvs_changes__worktree_scan(repo, worktree, wt->head, &ch, scan) == 0) {
		n = ch.n;
		jvs_changes_clear(&ch);
	} else {
		jvs_error_class cls = jvs_error_last()->cls;
		if (cls == JVS_E_IO || cls == JVS_E_UNSUPPORTED_FILE || cls == JVS_E_INTERNAL)
			return jvs_restore__cannot_save();
		n = 1; /* the head cannot be compared with: save to be safe */
	}
	if (n == 0)
		return 0;
	note = jvs_strf("autosave before restore to %s", target);
	if (!note)
		return -1;
	so.note = note;
	so.tags = tags;
	so.ntags = 1;
	so.autosave = 1;
	so.locked = 1;
	if (jvs__snapshot_create(repo, worktree, &so, &d, NULL) < 0) {
		free(note);
		return jvs_restore__cannot_save();
	}
	snprintf(out->autosave_id, sizeof out->autosave_id, "%s", d.snapshot_id);
	jvs_descriptor_clear(&d);
	free(note);
	return 0;
}

int jvs_restore__write_intent(const jvs_repo *repo, const char *name, const char *worktree,
                              const char *target, const jvs_worktree *wt,
                              const char *autosave_id, char *const *paths, size_t n,
                              const json_t *previous)
{
	char now[32], host[256] = "";
	const char *from = wt->head, *saved = autosave_id, *started = now;
	json_t *j;
	int rc;
	jvs_format_time_ms(jvs_now_ms(), now);
	gethostname(host, sizeof host - 1);
	if (previous) {
		const char *v;
		if ((v = jvs_json_str(previous, "from_snapshot_id")))
			from = v;
		if ((v = jvs_json_str(previous, "autosave_snapshot_id")))
			saved = v;
		if ((v = jvs_json_str(previous, "started_at")))
			started = v;
	}
	j = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:I, s:s}", "operation", "restore",
	              "worktree", worktree, "target_id", target, "from_snapshot_id",
	              jvs_json_str_or_null(from), "autosave_snapshot_id",
	              jvs_json_str_or_null(saved), "started_at", started, "pid",
	              (json_int_t)getpid(), "host", host);
	if (!j)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	if (paths) {
		json_t *a = jvs_json_strv(paths, n);
		if (!a || json_object_set_new(j, "paths", a) < 0) {
			json_decref(j);
			return jvs_error_set(JVS_E_INTERNAL, "out of memory");
		}
	}
	if (previous)
		json_object_set_new(j, "resumed_at", json_string(now));
	rc = jvs_intent_write(repo, name, j);
	json_decref(j);
	return rc;
}

int jvs_restore__begin(jvs_repo *repo, const char *worktree, const char *target_id,
                       const jvs_restore_opts *opts, jvs_restore_result *out,
                       jvs_wt_locks *locks, jvs_worktree *wt, jvs_descriptor *d,
                       jvs_manifest *m)
{
	char *root;
	int refused;
	memset(out, 0, sizeof *out);
	if (jvs_opts_check(opts->version, JVS_RESTORE_OPTS_VERSION, "jvs_restore_opts") < 0)
		return -1;
	snprintf(out->snapshot_id, sizeof out->snapshot_id, "%s", target_id);
	if (jvs_lock_worktree(repo, worktree, opts->wait_seconds, locks) < 0)
		return -1;
	/* A snapshot interrupted after it was published gets its pointers
	 * first, so that the autosave and the way back see the true head. */
	if (jvs_snapshot_recover(repo, worktree, NULL) < 0 ||
	    jvs__worktree_load(repo, worktree, wt) < 0)
		return -1;
	/* A rename across a mount point fails half way (EXDEV): refuse first. */
	root = jvs_repo_payload_root(repo, worktree);
	refused = !root || jvs_mount_refuse(root, worktree, "restore") < 0;
	free(root);
	if (refused || jvs__descriptor_load(repo, target_id, d) < 0 ||
	    jvs_manifest_load(repo, target_id, d->payload_root_hash, m) < 0)
		return -1;
	out->note = strdup(d->note ? d->note : "");
	if (!out->note)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	return 0;
}

int jvs__restore(jvs_repo *repo, const char *worktree, const char *target_id,
                const jvs_restore_opts *opts, jvs_restore_result *out)
{
	jvs_wt_locks locks = {0};
	jvs_worktree wt;
	jvs_descriptor d;
	jvs_manifest m;
	char name[JVS_NAME_MAX + 16], pending[JVS_ID_BUF], from[JVS_ID_BUF];
	char *root = NULL;
	json_t *previous = NULL;
	jvs_scan scan = {0};
	int rc = -1, p;

	memset(&d, 0, sizeof d);
	memset(&m, 0, sizeof m);
	jvs_restore__intent_name(worktree, name);
	if (jvs_restore__begin(repo, worktree, target_id, opts, out, &locks, &wt, &d, &m) < 0)
		goto done;
	jvs_manifest_clear(&m); /* loaded to refuse a damaged target; checkout reads it again */
	if (d.npartial_paths) { /* holds some paths only: see jvs_restore_paths */
		jvs_error_set(JVS_E_USAGE, "snapshot %s is partial: it holds only some paths",
		              target_id);
		jvs_error_hint("'jvs restore %s' restores exactly its paths", target_id);
		goto done;
	}

	p = jvs_restore__pending(repo, worktree, pending, &previous);
	if (p < 0)
		goto done;
	/* An interrupted restore of some paths is finished only by the same
	 * path restore (jvs_restore_paths), never by a whole one. */
	if (p && previous && json_object_get(previous, "paths") && !opts->discard) {
		jvs_error_set(JVS_E_DIRTY,
		              "a restore of some paths of %s to %s was interrupted; they may be "
		              "half restored",
		              worktree, pending[0] ? pending : "(unknown)");
		jvs_error_hint("finish it by running the same 'jvs restore %s -- PATH...' again, "
		               "or go to %s anyway with 'jvs restore %s --discard'",
		               pending[0] ? pending : "REF", target_id, target_id);
		goto done;
	}
	if (p && previous && json_object_get(previous, "paths"))
		pending[0] = '\0'; /* discarded: not resumed */
	if (p && strcmp(pending, target_id) && !opts->discard) {
		if (pending[0] && !jvs_snapshot_is_published(repo, pending)) {
			jvs_error_set(JVS_E_DIRTY,
			              "a restore of %s to %s was interrupted, and %s is no longer "
			              "a published snapshot: it cannot finish",
			              worktree, pending, pending);
			jvs_error_hint("'jvs doctor --repair-runtime' rolls it back; or go to %s "
			               "anyway with 'jvs restore %s --discard'",
			               target_id, target_id);
		} else if (pending[0]) {
			jvs_error_set(JVS_E_DIRTY,
			              "a restore of %s to %s was interrupted; its files may be "
			              "half restored",
			              worktree, pending);
			jvs_error_hint("finish it with 'jvs restore %s', or go to %s anyway with "
			               "'jvs restore %s --discard'",
			               pending, target_id, target_id);
		} else {
			jvs_error_set(JVS_E_DIRTY,
			              "an interrupted restore of %s left an "
			              "unreadable intent",
			              worktree);
			jvs_error_hint("restore with --discard, or run 'jvs doctor'");
		}
		goto done;
	}
	out->resumed = p && !strcmp(pending, target_id);
	snprintf(from, sizeof from, "%s", wt.head);

	/* A payload root deleted by hand is recreated: restoring is the fix. */
	if (jvs_repo_payload_check(repo, worktree) < 0)
		goto done;
	root = jvs_repo_payload_root(repo, worktree);
	if (!root)
		goto done;
	if (!jvs_path_exists(root) && jvs_mkdir_p(root, 0755) < 0)
		goto done;

	if (!p && !opts->discard && autosave(repo, worktree, target_id, &wt, out, &scan) < 0)
		goto done;

	if (jvs_restore__write_intent(repo, name, worktree, target_id, &wt, out->autosave_id, NULL,
	                              0, out->resumed ? previous : NULL) < 0)
		goto done;
	jvs_fault_point("restore-after-intent");

	/* the checkout takes over the scan autosave made (if it made one) */
	if (jvs_checkout__run_scanned(repo, target_id, root, worktree, &out->stats, opts->progress,
	                              opts->progress_arg, scan.e ? &scan : NULL) < 0) {
		if (!out->stats.touched && !p) {
			jvs_error saved = jvs_error_save();
			jvs_intent_remove(repo, name);
			jvs_error_restore(&saved);
		}
		goto done;
	}
	jvs_fault_point("restore-after-checkout");

	if (jvs__worktree_load(repo, worktree, &wt) < 0)
		goto done;
	snprintf(wt.head, sizeof wt.head, "%s", target_id);
	if (!wt.latest[0])
		snprintf(wt.latest, sizeof wt.latest, "%s", target_id);
	if (jvs_worktree_save(repo, &wt) < 0)
		goto done;
	jvs_fault_point("restore-after-head");
	if (jvs_intent_remove(repo, name) < 0)
		goto done;
	snprintf(out->head, sizeof out->head, "%s", wt.head);
	snprintf(out->latest, sizeof out->latest, "%s", wt.latest);
	out->detached = jvs_worktree_is_detached(&wt);
	{
		json_t *det = json_pack(
		    "{s:s, s:o, s:o, s:b, s:b, s:I, s:I, s:I}", "worktree", worktree,
		    "from_snapshot_id", jvs_json_str_or_null(from), "autosave_snapshot_id",
		    jvs_json_str_or_null(out->autosave_id), "discard", opts->discard, "resumed",
		    out->resumed, "written", (json_int_t)out->stats.written, "removed",
		    (json_int_t)out->stats.removed, "unchanged", (json_int_t)out->stats.unchanged);
		if (jvs_audit_append(repo, "restore", target_id, det, NULL) < 0)
			goto done;
	}
	rc = 0;
done:
	jvs_scan_clear(&scan);
	jvs_manifest_clear(&m);
	jvs_descriptor_clear(&d);
	json_decref(previous);
	free(root);
	jvs_unlock_worktree(&locks);
	return rc;
}
