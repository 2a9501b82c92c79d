/* Doctor repairs: each acts only on the findings that name it. */
#include "doctor_int.h"

#include "jvs/audit.h"
#include "jvs/descriptor.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/gc.h"
#include "jvs/hash.h"
#include "jvs/index.h"
#include "jvs/intent.h"
#include "jvs/worktree_ops.h"
#include "jvs/json.h"
#include "jvs/mounts.h"
#include "jvs/restore.h"
#include "jvs/snapshot.h"
#include "jvs/worktree.h"
#include "jvs/safepath.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* An interrupted restore whose target is no longer a published snapshot
 * can never finish: it is rolled back to the state before it, the autosave
 * it made (then head goes back to where it was, so the unsnapshotted
 * changes show as changes again) or, when nothing needed saving, the old
 * head. */
static int rollback_restore(jvs_repo *repo, const char *wtname, const json_t *j)
{
	const char *to = jvs_json_str(j, "target_id");
	const char *from = jvs_json_str(j, "from_snapshot_id");
	const char *saved = jvs_json_str(j, "autosave_snapshot_id");
	const char *back = NULL;
	jvs_restore_opts o = {0};
	jvs_restore_result r;
	jvs_worktree wt;
	int rc;
	if (saved && jvs_snapshot_is_published(repo, saved))
		back = saved;
	else if (!saved && from && jvs_snapshot_is_published(repo, from))
		back = from;
	if (!back) {
		jvs_error_set(JVS_E_NOT_FOUND,
			      "the restore of worktree '%s' to %s cannot finish (%s is no longer "
			      "a published snapshot) nor be rolled back (the state before it, %s, "
			      "is gone too)",
			      wtname, to ? to : "?", to ? to : "?",
			      saved ? saved : from ? from : "an empty worktree");
		return jvs_error_hint("restore any snapshot there with 'jvs restore --discard "
				      "REF'");
	}
	o.discard = 1;
	rc = jvs_restore(repo, wtname, back, &o, &r);
	jvs_restore_result_clear(&r);
	if (rc < 0)
		return -1;
	if (back == saved) {
		if (jvs_worktree_load(repo, wtname, &wt) < 0)
			return -1;
		snprintf(wt.head, sizeof wt.head, "%s", from ? from : "");
		if (jvs_worktree_save(repo, &wt) < 0)
			return -1;
	}
	return jvs_audit_append(repo, "restore_rollback", wtname,
				json_pack("{s:o, s:s, s:o}", "target_id", jvs_json_str_or_null(to),
					  "restored_to", back, "head_snapshot_id",
					  jvs_json_str_or_null(from)),
				NULL);
}

/* The same for a restore of some paths: they go back to the old head's
 * (removed where it lacks them), then the paths its partial autosave holds
 * to the autosave. */
static int rollback_restore_paths(jvs_repo *repo, const char *wtname, const json_t *j,
				  char *const *paths, size_t n)
{
	const char *to = jvs_json_str(j, "target_id");
	const char *from = jvs_json_str(j, "from_snapshot_id");
	const char *saved = jvs_json_str(j, "autosave_snapshot_id");
	jvs_restore_opts o = {0};
	jvs_restore_result r;
	jvs_descriptor d;
	int have_from = from && jvs_snapshot_is_published(repo, from);
	int have_saved = saved && jvs_snapshot_is_published(repo, saved);
	int rc;
	if (!have_from || (saved && !have_saved)) {
		jvs_error_set(JVS_E_NOT_FOUND,
			      "the restore of some paths of worktree '%s' to %s cannot finish (%s "
			      "is no longer a published snapshot) nor be rolled back (%s is gone "
			      "too)",
			      wtname, to ? to : "?", to ? to : "?",
			      !have_from ? (from ? from : "the old head") : saved);
		return jvs_error_hint("restore those paths from another snapshot with "
				      "'jvs restore --discard REF -- PATH...'");
	}
	o.discard = 1;
	o.delete_missing = 1;
	rc = jvs_restore_paths(repo, wtname, from, paths, n, &o, &r);
	jvs_restore_result_clear(&r);
	if (rc == 0 && have_saved) {
		if (jvs_descriptor_load(repo, saved, &d) < 0)
			return -1;
		rc = d.npartial_paths ? jvs_restore_paths(repo, wtname, saved, d.partial_paths,
							  d.npartial_paths, &o, &r)
				      : 0;
		if (d.npartial_paths)
			jvs_restore_result_clear(&r);
		jvs_descriptor_clear(&d);
	}
	if (rc < 0)
		return -1;
	return jvs_audit_append(repo, "restore_rollback", wtname,
				json_pack("{s:o, s:s, s:o, s:o}", "target_id",
					  jvs_json_str_or_null(to), "restored_to", from,
					  "autosave_snapshot_id", jvs_json_str_or_null(saved),
					  "head_snapshot_id", jvs_json_str_or_null(from)),
				NULL);
}

static int finish_restore_intent(jvs_repo *repo, const json_t *j)
{
	const char *wt = jvs_json_str(j, "worktree"), *to = jvs_json_str(j, "target_id");
	jvs_restore_opts o = {0};
	jvs_restore_result r;
	int rc;
	if (!wt || !to || !jvs_worktree_exists(repo, wt))
		return 0;
	if (json_is_array(json_object_get(j, "paths"))) {
		/* a path restore: finished as the same path restore */
		json_t *a = json_object_get(j, "paths");
		size_t n = json_array_size(a);
		char **v = calloc(n + 1, sizeof *v);
		if (!v)
			return jvs_error_set(JVS_E_INTERNAL, "out of memory");
		for (size_t i = 0; i < n; i++)
			v[i] = (char *)json_string_value(json_array_get(a, i));
		for (size_t i = 0; i < n; i++)
			if (!v[i]) {
				free(v);
				return jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT,
						     "restore intent of '%s' holds a bad path", wt);
			}
		if (!jvs_id_is_valid(to) || !jvs_snapshot_is_published(repo, to)) {
			rc = rollback_restore_paths(repo, wt, j, v, n);
			free(v);
			return rc;
		}
		o.delete_missing = 1; /* the first run checked the paths */
		rc = jvs_restore_paths(repo, wt, to, v, n, &o, &r);
		free(v);
		jvs_restore_result_clear(&r);
		return rc;
	}
	if (!jvs_id_is_valid(to) || !jvs_snapshot_is_published(repo, to))
		return rollback_restore(repo, wt, j);
	rc = jvs_restore(repo, wt, to, &o, &r);
	jvs_restore_result_clear(&r);
	return rc;
}

/* .jvs/quarantine/<UTC time of this run>/: one directory per doctor run. */
static char *quarantine_dir(const jvs_repo *repo)
{
	static char stamp[32];
	if (!stamp[0]) {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	}
	return jvs_repo_pathf(repo, "quarantine/%s", stamp);
}

/* Moves path (a .jvs/snapshots/ or .jvs/manifests/ entry) to the same place
 * under the quarantine directory, durably; never deletes it. */
static int quarantine(const jvs_repo *repo, const char *path)
{
	char *qdir = quarantine_dir(repo), *sub = NULL, *dest = NULL;
	const char *name = strrchr(path, '/'), *rel = NULL;
	char *jvs = jvs_repo_path(repo, "");
	int rc = -1;
	if (!qdir || !jvs || !name)
		goto done;
	/* rel: "snapshots" or "manifests", the directory path is in */
	{
		size_t jl = strlen(jvs);
		while (jl && jvs[jl - 1] == '/')
			jl--;
		if (strncmp(path, jvs, jl) || path[jl] != '/') {
			jvs_error_set(JVS_E_INTERNAL, "'%s' is not inside .jvs", path);
			goto done;
		}
		rel = path + jl + 1;
	}
	sub = jvs_strf("%s/%.*s", qdir, (int)(name - rel), rel);
	dest = jvs_strf("%s/%s", qdir, rel);
	if (!sub || !dest || jvs_mkdir_p(sub, 0755) < 0)
		goto done;
	if (jvs_path_exists(dest)) {
		jvs_error_set(JVS_E_EXISTS, "'%s' is already in the quarantine", dest);
		goto done;
	}
	if (jvs_safe_rename(path, dest) < 0) {
		jvs_error_sys("cannot move '%s' to the quarantine '%s'", path, dest);
		goto done;
	}
	if (jvs_fsync_dir(sub) < 0 || jvs_fsync_parent(path) < 0)
		goto done;
	rc = 0;
done:
	free(qdir);
	free(sub);
	free(dest);
	free(jvs);
	return rc;
}

static int clean_intent(jvs_repo *repo, const char *path)
{
	json_t *j = NULL;
	const char *op = NULL;
	int rc = 0;
	if (jvs_json_load_file(path, JVS_E_PARTIAL_SNAPSHOT, &j) == 0) {
		op = jvs_json_str(j, "operation");
		if (op && !strcmp(op, "snapshot"))
			rc = jvs_snapshot_finish_intent(repo, j);
		else if (op && !strcmp(op, "restore"))
			rc = finish_restore_intent(repo, j);
		else if (op)
			rc = jvs_worktree_recover(repo, j); /* fork, create, rename, remove */
	}
	if (rc < 0) {
		/* keep the cause: the intent stays, and says what could not finish */
		jvs_error saved = jvs_error_save();
		const char *base = strrchr(path, '/');
		jvs_error_set(saved.cls == JVS_OK ? JVS_E_INTERNAL : saved.cls,
			      "cannot finish the interrupted %s (%s): %s", op ? op : "operation",
			      base ? base + 1 : path,
			      saved.message[0] ? saved.message : "no detail was recorded");
		if (saved.hint[0])
			jvs_error_hint("%s", saved.hint);
		json_decref(j);
		return -1;
	}
	jvs_error_clear();
	json_decref(j);
	if (jvs_rm_rf(path) < 0)
		return -1;
	return 0;
}

static int rebuild_index(const jvs_repo *repo)
{
	static const char *const names[] = {"index.sqlite", "index.sqlite-journal",
					    "index.sqlite-wal", "index.sqlite-shm"};
	for (size_t i = 0; i < 4; i++) {
		char *p = jvs_repo_path(repo, names[i]);
		if (p)
			jvs_rm_rf(p); /* never through a link; a directory there too */
		free(p);
	}
	jvs_error_clear();
	jvs_index_close(jvs_index_open(repo));
	return 0;
}

static int advance_head(const jvs_repo *repo, const char *name)
{
	jvs_catalog cat;
	jvs_worktree wt;
	int rc = 0;
	if (jvs_worktree_load(repo, name, &wt) < 0 || jvs_catalog_load(repo, &cat) < 0)
		return -1;
	{
		const jvs_descriptor *tip = doctor_line_tip(&cat, &wt);
		if (tip)
			snprintf(wt.latest, sizeof wt.latest, "%s", tip->snapshot_id);
	}
	snprintf(wt.head, sizeof wt.head, "%s", wt.latest);
	if (jvs_worktree_save(repo, &wt) < 0 ||
	    jvs_audit_append(repo, "doctor_advance_head", name,
			     json_pack("{s:s}", "latest_snapshot_id", wt.latest), NULL) < 0)
		rc = -1;
	jvs_catalog_clear(&cat);
	return rc;
}

/* Keeps the valid prefix of the log, preserves the whole broken log beside
 * it, and records the repair as a new link of the chain. */
static int audit_repair(const jvs_repo *repo)
{
	char *path = jvs_repo_path(repo, "audit/audit.jsonl"), *buf = NULL, *kept = NULL;
	char *aside = NULL;
	size_t len = 0, used = 0, lineno = 0, good = 0;
	char prev[JVS_HASH_HEX] = "";
	int rc = -1;
	if (!path)
		return -1;
	if (jvs_read_file(path, &buf, &len) < 0) {
		buf = strdup("");
		len = 0;
		jvs_error_clear();
	}
	kept = malloc(len + 1);
	if (!buf || !kept)
		goto done;
	for (char *line = buf; line < buf + len;) {
		char *nl = memchr(line, '\n', (size_t)(buf + len - line));
		json_t *rec;
		const char *rh;
		json_t *ph;
		char got[JVS_HASH_HEX];
		if (!nl)
			break;
		*nl = '\0';
		lineno++;
		rec = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
		rh = jvs_json_str(rec, "record_hash");
		ph = json_object_get(rec, "prev_hash");
		if (!rec || !rh || !ph ||
		    (prev[0] ? !json_is_string(ph) || strcmp(json_string_value(ph), prev)
			     : !json_is_null(ph)) ||
		    jvs_audit_record_hash(rec, got) < 0 || strcmp(got, rh)) {
			json_decref(rec);
			break;
		}
		snprintf(prev, sizeof prev, "%s", rh);
		json_decref(rec);
		memcpy(kept + used, line, (size_t)(nl - line));
		used += (size_t)(nl - line);
		kept[used++] = '\n';
		good++;
		line = nl + 1;
	}
	aside = jvs_repo_pathf(repo, "audit/audit.jsonl.broken-%lld", (long long)jvs_now_ms());
	if (!aside)
		goto done;
	if (jvs_path_exists(path) && jvs_safe_link(path, aside) < 0) {
		jvs_error_sys("cannot preserve the broken audit log as '%s'", aside);
		goto done;
	}
	if (jvs_write_file_atomic(path, kept, used) < 0 ||
	    jvs_audit_reset_head(repo, (long long)good, prev) < 0)
		goto done;
	rc = jvs_audit_append(repo, "audit_repair", "audit.jsonl",
			      json_pack("{s:I, s:s}", "valid_records", (json_int_t)good,
					"broken_log_preserved_as", strrchr(aside, '/') + 1),
			      NULL);
done:
	free(buf);
	free(kept);
	free(aside);
	free(path);
	return rc;
}

/* target: the path of a gc intent, or a plan id (from a failed tombstone). */
int doctor_resume_gc(jvs_repo *repo, const char *target)
{
	json_t *j = NULL;
	const char *plan = target;
	jvs_gc_result r;
	int rc = 0;
	if (target[0] == '/') {
		if (jvs_json_load_file(target, JVS_E_PARTIAL_SNAPSHOT, &j) < 0)
			return jvs_rm_rf(target);
		plan = jvs_json_str(j, "plan_id");
	}
	memset(&r, 0, sizeof r);
	if (plan)
		rc = jvs_gc_run(repo, plan, 0, &r);
	else
		rc = jvs_rm_rf(target);
	jvs_gc_result_clear(&r);
	json_decref(j);
	return rc;
}

/* Every finding naming the action is tried, also after one fails; the
 * first failure is what is reported (with its cause, never bare). */
int jvs_doctor_repair(jvs_repo *repo, const jvs_findings *found, const char *action)
{
	int repaired = 0, failed = 0;
	jvs_error first = {0};
	for (size_t i = 0; i < found->n; i++) {
		const jvs_finding *f = &found->f[i];
		int rc = 0;
		if (strcmp(f->repair, action))
			continue;
		if (!strcmp(action, "clean_tmp")) {
			if (!strcmp(f->code, "layout_missing")) {
				char *p = jvs_repo_path(repo, f->target);
				rc = p ? jvs_mkdir_p(p, 0755) : -1;
				free(p);
			} else if (!strcmp(f->code, "orphan_published") ||
				   !strcmp(f->code, "orphan_snapshot_file")) {
				rc = quarantine(repo, f->target);
			} else {
				rc = jvs_mount_refuse_delete(f->target) < 0 ? -1
									   : jvs_rm_rf(f->target);
			}
		} else if (!strcmp(action, "clean_intents")) {
			rc = clean_intent(repo, f->target);
		} else if (!strcmp(action, "rebuild_index")) {
			rc = rebuild_index(repo);
		} else if (!strcmp(action, "advance_head")) {
			rc = advance_head(repo, f->target);
		} else if (!strcmp(action, "audit_repair")) {
			rc = audit_repair(repo);
		} else if (!strcmp(action, "resume_gc")) {
			int seen = 0; /* several failed tombstones may name one plan */
			for (size_t k = 0; k < i; k++)
				seen |= !strcmp(found->f[k].repair, action) &&
					!strcmp(found->f[k].target, f->target);
			rc = seen ? 0 : doctor_resume_gc(repo, f->target);
		}
		if (rc < 0) {
			if (!failed++) {
				first = jvs_error_save();
				if (!first.message[0]) {
					first.cls = JVS_E_INTERNAL;
					snprintf(first.message, sizeof first.message,
						 "repair %s of '%s' failed (%s) with no detail",
						 action, f->target, f->code);
				}
			}
			jvs_error_clear();
			continue;
		}
		repaired++;
	}
	if (failed) {
		jvs_error_set(first.cls == JVS_OK ? JVS_E_INTERNAL : first.cls, "%s%s",
			      first.message,
			      failed > 1 ? " (and other repairs failed too; see jvs doctor)" : "");
		if (first.hint[0])
			jvs_error_hint("%s", first.hint);
		return -1;
	}
	return repaired;
}
