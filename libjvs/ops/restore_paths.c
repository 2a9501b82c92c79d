/* Restoring some paths of a worktree to a snapshot (jvs restore REF -- PATH). */
#include "jvs/restore.h"
#include "api_int.h"
#include "restore_int.h"
#include "opts.h"
#include "audit.h"
#include "changes.h"
#include "descriptor.h"
#include "error_int.h"
#include "fault.h"
#include "fsutil.h"
#include "intent.h"
#include "json.h"
#include "lock.h"
#include "manifest.h"
#include "mounts.h"
#include "paths.h"
#include "safepath.h"
#include "jvs/snapshot.h"
#include "jvs/worktree.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 1 when intent j records exactly these paths. */
static int same_paths(const json_t *j, char *const *paths, size_t n)
{
	json_t *a = json_object_get(j, "paths");
	if (!json_is_array(a) || json_array_size(a) != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(a, i));
		if (!s || strcmp(s, paths[i]))
			return 0;
	}
	return 1;
}

/* Every path is checked against the target before anything changes. */
static int check_held(const jvs_descriptor *d, const jvs_manifest *m, char *const *paths,
                      size_t n, int delete_missing)
{
	for (size_t i = 0; i < n; i++) {
		int held = jvs_manifest_find(m, paths[i]) != NULL;
		if (d->npartial_paths) {
			int c = jvs_paths_covers(d->partial_paths, d->npartial_paths, paths[i]);
			if (c == 1) {
				jvs_error_set(JVS_E_NOT_FOUND,
				              "snapshot %s is partial and holds only part of '%s'",
				              d->snapshot_id, paths[i]);
				return jvs_error_hint("name the paths it holds: 'jvs restore %s'",
				                      d->snapshot_id);
			}
			held = held && c == 2;
		}
		if (!held && !delete_missing) {
			jvs_error_set(JVS_E_NOT_FOUND, "'%s' is not in snapshot %s", paths[i],
			              d->snapshot_id);
			return jvs_error_hint("restore with --delete to remove it from the worktree; "
			                      "nothing was changed");
		}
	}
	return 0;
}

/* The named paths with unsnapshotted changes that still exist: saved as a
 * partial autosave. */
static int autosave_paths(jvs_repo *repo, const char *worktree, const char *target,
                          const jvs_worktree *wt, char *const *paths, size_t n,
                          jvs_restore_result *out)
{
	static const char *const tags[] = {"autosave"};
	jvs_changes ch;
	jvs_snapshot_opts so = JVS_SNAPSHOT_OPTS_INIT;
	jvs_descriptor d;
	char **save = NULL, *root = NULL, *note = NULL;
	size_t ns = 0;
	int rc = -1, root_fd = -1;
	if (jvs_changes_worktree(repo, worktree, wt->head, &ch) == 0) {
		save = calloc(n + 1, sizeof *save);
		for (size_t i = 0; save && i < n; i++) {
			char *one[1] = {paths[i]};
			for (size_t k = 0; k < ch.n; k++)
				if (jvs_paths_covers(one, 1, ch.c[k].path) == 2) {
					save[ns++] = paths[i];
					break;
				}
		}
		jvs_changes_clear(&ch);
	} else {
		jvs_error_class cls = jvs_error_last()->cls;
		if (cls == JVS_E_IO || cls == JVS_E_UNSUPPORTED_FILE || cls == JVS_E_INTERNAL)
			goto cannot;
		jvs_error_clear(); /* the head cannot be compared with: save to be safe */
		save = calloc(n + 1, sizeof *save);
		for (size_t i = 0; save && i < n; i++)
			save[ns++] = paths[i];
	}
	if (!save) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		goto done;
	}
	root = jvs_repo_payload_root(repo, worktree);
	if (!root || (root_fd = jvs_safe_open_dir(root)) < 0) {
		if (root)
			jvs_error_sys("cannot open worktree '%s'", root);
		goto done;
	}
	{ /* a deleted path's content is in the head already */
		size_t w = 0;
		for (size_t i = 0; i < ns; i++) {
			struct stat st;
			if (fstatat(root_fd, save[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
				save[w++] = save[i];
		}
		ns = w;
	}
	if (ns == 0) {
		rc = 0;
		goto done;
	}
	note = jvs_strf("autosave before restoring paths to %s", target);
	if (!note)
		goto done;
	so.note = note;
	so.tags = tags;
	so.ntags = 1;
	so.autosave = 1;
	so.locked = 1;
	so.paths = save;
	so.npaths = ns;
	if (jvs__snapshot_create(repo, worktree, &so, &d, NULL) < 0)
		goto cannot;
	snprintf(out->autosave_id, sizeof out->autosave_id, "%s", d.snapshot_id);
	jvs_descriptor_clear(&d);
	rc = 0;
	goto done;
cannot:
	jvs_restore__cannot_save();
done:
	if (root_fd >= 0)
		close(root_fd);
	free(root);
	free(note);
	free(save);
	return rc;
}

int jvs__restore_paths(jvs_repo *repo, const char *worktree, const char *target_id,
                      char *const *paths, size_t npaths, const jvs_restore_opts *opts,
                      jvs_restore_result *out)
{
	jvs_wt_locks locks = {0};
	jvs_worktree wt;
	jvs_descriptor d;
	jvs_manifest m = {0};
	char name[JVS_NAME_MAX + 16];
	char *root = NULL;
	json_t *previous = NULL;
	int rc = -1, p;

	memset(&d, 0, sizeof d);
	jvs_restore__intent_name(worktree, name);
	if (!npaths) {
		memset(out, 0, sizeof *out);
		return jvs_error_set(JVS_E_USAGE, "no paths to restore");
	}
	if (jvs_restore__begin(repo, worktree, target_id, opts, out, &locks, &wt, &d, &m) < 0)
		goto done;
	root = jvs_repo_payload_root(repo, worktree);
	if (!root || jvs_repo_payload_check(repo, worktree) < 0 ||
	    (!jvs_path_exists(root) && jvs_mkdir_p(root, 0755) < 0))
		goto done;
	if (check_held(&d, &m, paths, npaths, opts->delete_missing) < 0)
		goto done;

	p = jvs_intent_read(repo, name, &previous);
	if (p < 0) {
		if (!opts->discard) {
			jvs_error_set(JVS_E_DIRTY,
			              "an interrupted restore of %s left an unreadable intent", worktree);
			jvs_error_hint("restore with --discard, or run 'jvs doctor'");
			goto done;
		}
		jvs_error_clear();
		p = 0;
	}
	if (p) {
		const char *t = jvs_json_str(previous, "target_id");
		out->resumed = t && !strcmp(t, target_id) && same_paths(previous, paths, npaths);
		if (!out->resumed && !opts->discard) {
			jvs_error_set(JVS_E_DIRTY,
			              "a restore of %s to %s was interrupted; its files may be half "
			              "restored",
			              worktree, t ? t : "(unknown)");
			jvs_error_hint("finish it by running the same 'jvs restore' again, or restore "
			               "with --discard");
			goto done;
		}
		if (!out->resumed) {
			json_decref(previous);
			previous = NULL;
		}
	}

	if (!out->resumed && !opts->discard &&
	    autosave_paths(repo, worktree, target_id, &wt, paths, npaths, out) < 0)
		goto done;
	if (jvs_restore__write_intent(repo, name, worktree, target_id, &wt, out->autosave_id, paths,
	                              npaths, previous) < 0)
		goto done;
	jvs_fault_point("restore-after-intent");

	if (jvs_checkout_paths_run(repo, target_id, root, worktree, paths, npaths, &out->stats,
	                           opts->progress, opts->progress_arg) < 0) {
		if (!out->stats.touched && !out->resumed) {
			jvs_error saved = jvs_error_save();
			jvs_intent_remove(repo, name);
			jvs_error_restore(&saved);
		}
		goto done;
	}
	jvs_fault_point("restore-after-checkout");
	if (jvs_intent_remove(repo, name) < 0)
		goto done;
	if (jvs__worktree_load(repo, worktree, &wt) < 0)
		goto done;
	snprintf(out->head, sizeof out->head, "%s", wt.head);
	snprintf(out->latest, sizeof out->latest, "%s", wt.latest);
	out->detached = jvs_worktree_is_detached(&wt);
	{
		json_t *det = json_pack(
		    "{s:s, s:o, s:o, s:o, s:b, s:b, s:b, s:I, s:I, s:I}", "worktree", worktree,
		    "paths", jvs_json_strv(paths, npaths), "from_snapshot_id",
		    jvs_json_str_or_null(wt.head), "autosave_snapshot_id",
		    jvs_json_str_or_null(out->autosave_id), "discard", opts->discard, "delete",
		    opts->delete_missing, "resumed", out->resumed, "written",
		    (json_int_t)out->stats.written, "removed", (json_int_t)out->stats.removed,
		    "unchanged", (json_int_t)out->stats.unchanged);
		if (jvs_audit_append(repo, "restore", target_id, det, NULL) < 0)
			goto done;
	}
	rc = 0;
done:
	jvs_manifest_clear(&m);
	jvs_descriptor_clear(&d);
	json_decref(previous);
	free(root);
	jvs_unlock_worktree(&locks);
	return rc;
}
