#include "jvs/hook.h"
#include "layout.h"
#include "jvs/doctor.h"
#include "jvs/audit.h"
#include "jvs/catalog.h"
#include "jvs/descriptor.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/safepath.h"
#include "jvs/hash.h"
#include "jvs/intent.h"
#include "jvs/json.h"
#include "jvs/manifest.h"
#include "jvs/verify.h"
#include "jvs/worktree.h"
#include "doctor_int.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const repairs[] = {"clean_tmp",    "clean_intents", "rebuild_index",
				      "advance_head", "audit_repair",  "resume_gc"};

const char *jvs_severity_name(jvs_severity s)
{
	return s == JVS_SEV_ERROR ? "error" : s == JVS_SEV_WARNING ? "warning" : "info";
}

int jvs_doctor_is_repair(const char *action)
{
	for (size_t i = 0; i < sizeof repairs / sizeof *repairs; i++)
		if (!strcmp(action, repairs[i]))
			return 1;
	return 0;
}

int jvs_doctor_is_runtime_repair(const char *action)
{
	return !strcmp(action, "clean_tmp") || !strcmp(action, "clean_intents") ||
	       !strcmp(action, "rebuild_index");
}

void doctor_add(jvs_findings *fs, jvs_severity sev, const char *code, const char *repair,
		const char *target, const char *fmt, ...)
{
	jvs_finding *f;
	va_list ap;
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 16;
		jvs_finding *nf = realloc(fs->f, cap * sizeof *nf);
		if (!nf)
			return;
		fs->f = nf;
		fs->cap = cap;
	}
	f = &fs->f[fs->n++];
	memset(f, 0, sizeof *f);
	f->severity = sev;
	snprintf(f->code, sizeof f->code, "%s", code);
	snprintf(f->repair, sizeof f->repair, "%s", repair ? repair : "");
	snprintf(f->target, sizeof f->target, "%s", target ? target : "");
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof f->message, fmt, ap);
	va_end(ap);
}

void jvs_findings_clear(jvs_findings *f)
{
	free(f->f);
	memset(f, 0, sizeof *f);
}

static void check_layout(const jvs_repo *repo, jvs_findings *fs)
{
	static const char *const runtime[] = {"intents", "locks", "tmp", "gc", "gc/pins",
					      "gc/plans", "gc/tombstones"};
	static const char *const portable[] = {"worktrees", "snapshots", "descriptors",
					       "manifests", "audit"};
	for (size_t i = 0; i < sizeof runtime / sizeof *runtime; i++) {
		char *p = jvs_repo_path(repo, runtime[i]);
		if (p && !jvs_is_dir(p))
			doctor_add(fs, JVS_SEV_WARNING, "layout_missing", "clean_tmp", runtime[i],
				   ".jvs/%s is missing (it is recreated empty)", runtime[i]);
		free(p);
	}
	for (size_t i = 0; i < sizeof portable / sizeof *portable; i++) {
		char *p = jvs_repo_path(repo, portable[i]);
		if (p && !jvs_is_dir(p))
			doctor_add(fs, JVS_SEV_ERROR, "layout_missing", NULL, portable[i],
				   ".jvs/%s is missing; restore it from a backup", portable[i]);
		free(p);
	}
	{
		char *p = jvs_repo_path(repo, "config.json");
		json_t *j = NULL;
		if (p && jvs_json_load_file(p, JVS_E_DESCRIPTOR_CORRUPT, &j) < 0)
			doctor_add(fs, JVS_SEV_ERROR, "config_invalid", NULL, "config.json", "%s",
				   jvs_error_last()->message);
		else if (j && !jvs_json_str(j, "repo_id"))
			doctor_add(fs, JVS_SEV_ERROR, "config_invalid", NULL, "config.json",
				   ".jvs/config.json has no repo_id");
		json_decref(j);
		free(p);
		jvs_error_clear();
	}
}

/* The newest snapshot the worktree made on top of its latest, or NULL: only
 * a crash between publishing a snapshot and moving the pointers leaves one.
 * Autosaves never move the pointers, and snapshots older than the worktree
 * were made by an earlier worktree of the same name (removed or renamed). */
const jvs_descriptor *doctor_line_tip(const jvs_catalog *cat, const jvs_worktree *wt)
{
	const jvs_descriptor *tip = NULL;
	const char *cur = wt->latest;
	for (size_t steps = 0; cur[0] && steps < cat->n; steps++) {
		const jvs_descriptor *next = NULL;
		for (size_t i = 0; i < cat->n; i++) {
			const jvs_descriptor *c = &cat->d[i];
			if (!strcmp(c->parent_id, cur) && !strcmp(c->worktree_name, wt->name) &&
			    strcmp(c->created_at, wt->created_at) >= 0 &&
			    !jvs_descriptor_has_tag(c, "autosave") && !c->npartial_paths)
				next = c;
		}
		if (!next)
			break;
		tip = next;
		cur = next->snapshot_id;
	}
	return tip;
}

/* 1 when an interrupted rename or remove of the worktree explains a missing
 * payload root: its intent is the finding, clean_intents the repair. */
static int moving(const jvs_repo *repo, const char *name)
{
	static const char *const ops[] = {"rename", "remove"};
	for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
		char *p = jvs_repo_pathf(repo, "intents/%s-%s.json", ops[i], name);
		int yes = p && jvs_path_exists(p);
		free(p);
		if (yes)
			return 1;
	}
	return 0;
}

static void check_worktrees(const jvs_repo *repo, const jvs_catalog *cat, jvs_findings *fs)
{
	char *dir = jvs_repo_path(repo, "worktrees");
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		jvs_worktree wt;
		char *root;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (jvs_worktree_load(repo, de->d_name, &wt) < 0) {
			doctor_add(fs, JVS_SEV_ERROR, "worktree_config_invalid", NULL, de->d_name,
				   "worktree '%s': %s", de->d_name, jvs_error_last()->message);
			jvs_error_clear();
			continue;
		}
		root = jvs_repo_payload_root(repo, wt.name);
		if (root && !jvs_is_dir(root) && !moving(repo, wt.name))
			doctor_add(fs, JVS_SEV_ERROR, "payload_root_missing", NULL, wt.name,
				   "payload root %s of worktree '%s' is missing; mkdir it and run "
				   "'jvs restore' there",
				   root, wt.name);
		free(root);
		/* published: a snapshot made since the catalogue was read */
		if (wt.head[0] && !jvs_catalog_get(cat, wt.head) &&
		    !jvs_snapshot_is_published(repo, wt.head))
			doctor_add(fs, JVS_SEV_ERROR, "head_missing", NULL, wt.name,
				   "worktree '%s': head %s is not a published snapshot", wt.name,
				   wt.head);
		if (wt.latest[0] && !jvs_catalog_get(cat, wt.latest) &&
		    !jvs_snapshot_is_published(repo, wt.latest))
			doctor_add(fs, JVS_SEV_ERROR, "latest_missing", NULL, wt.name,
				   "worktree '%s': latest %s is not a published snapshot", wt.name,
				   wt.latest);
		if (!wt.latest[0] != !wt.head[0])
			doctor_add(fs, JVS_SEV_ERROR, "pointer_invalid", NULL, wt.name,
				   "worktree '%s': head and latest must both be set or both null",
				   wt.name);
		/* A published child of latest from this worktree: latest is behind. */
		{
			const jvs_descriptor *tip = doctor_line_tip(cat, &wt);
			if (tip)
				doctor_add(fs, JVS_SEV_WARNING, "head_behind", "advance_head", wt.name,
					   "worktree '%s': latest %s has a newer snapshot %s on its line",
					   wt.name, wt.latest, tip->snapshot_id);
		}
	}
	if (d)
		closedir(d);
	free(dir);
}

static int tombstoned(const jvs_repo *repo, const char *id)
{
	char *p = jvs_layout_tombstone(repo, id);
	int ok = p && jvs_path_exists(p);
	free(p);
	return ok;
}

static void check_lineage(const jvs_repo *repo, const jvs_catalog *cat, jvs_findings *fs)
{
	for (size_t i = 0; i < cat->n; i++) {
		const jvs_descriptor *d = &cat->d[i], *p = d;
		size_t steps = 0;
		if (d->parent_id[0] && !jvs_catalog_get(cat, d->parent_id) &&
		    !tombstoned(repo, d->parent_id))
			doctor_add(fs, JVS_SEV_ERROR, "lineage_broken", NULL, d->snapshot_id,
				   "snapshot %s: parent %s is missing and not pruned by gc",
				   d->snapshot_id, d->parent_id);
		while (p && p->parent_id[0] && steps++ <= cat->n)
			p = jvs_catalog_get(cat, p->parent_id);
		if (steps > cat->n)
			doctor_add(fs, JVS_SEV_ERROR, "lineage_cycle", NULL, d->snapshot_id,
				   "snapshot %s: its parents form a cycle", d->snapshot_id);
	}
	for (size_t i = 0; i < cat->nbad; i++)
		doctor_add(fs, JVS_SEV_ERROR, "descriptor_corrupt", NULL, cat->bad[i],
			   "snapshot %s: descriptor is unreadable or fails its checksum",
			   cat->bad[i]);
}

static void check_strict(const jvs_repo *repo, const jvs_catalog *cat, jvs_findings *fs)
{
	char **ids = NULL;
	size_t n = 0;
	if (jvs_verify_all_ids(repo, &ids, &n) < 0) {
		jvs_error_clear();
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const jvs_descriptor *d = jvs_catalog_get(cat, ids[i]);
		int64_t files = 0, bytes = 0;
		char *desc = jvs_layout_descriptor(repo, ids[i]);
		int has_desc = desc && jvs_path_exists(desc);
		free(desc);
		if (!d) {
			if (has_desc && !jvs_snapshot_is_published(repo, ids[i]))
				doctor_add(fs, JVS_SEV_ERROR, "partial_snapshot", NULL, ids[i],
					   "snapshot %s lacks its .READY marker or payload", ids[i]);
			continue;
		}
		if (jvs_manifest_check_counts(repo, ids[i], d->payload_root_hash, &files, &bytes) < 0) {
			char *now = jvs_layout_descriptor(repo, ids[i]);
			int gone = now && !jvs_path_exists(now) && tombstoned(repo, ids[i]);
			free(now);
			if (gone) { /* deleted by a gc run since the catalog was read */
				jvs_error_clear();
				continue;
			}
			doctor_add(fs, JVS_SEV_ERROR, "manifest_mismatch", NULL, ids[i],
				   "snapshot %s: %s", ids[i], jvs_error_last()->message);
			jvs_error_clear();
			continue;
		}
		if (files != d->file_count || bytes != d->total_bytes)
			doctor_add(fs, JVS_SEV_ERROR, "descriptor_counts", NULL, ids[i],
				   "snapshot %s: the descriptor says %lld files of %lld bytes, the "
				   "manifest holds %lld files of %lld bytes",
				   ids[i], (long long)d->file_count, (long long)d->total_bytes,
				   (long long)files, (long long)bytes);
	}
	jvs_strv_free(ids, n);
}

static void check_audit(const jvs_repo *repo, jvs_findings *fs)
{
	int ok;
	char detail[512];
	if (jvs_verify_audit(repo, &ok, detail, sizeof detail) < 0) {
		jvs_error_clear();
		return;
	}
	if (!ok)
		doctor_add(fs, JVS_SEV_ERROR, "audit_chain_broken", "audit_repair", "audit.jsonl",
			   "%s", detail);
}

static void check_index(const jvs_repo *repo, jvs_findings *fs)
{
	char *p = jvs_repo_path(repo, "index.sqlite");
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int ok = 0;
	if (!p || !jvs_path_exists(p)) {
		free(p);
		return; /* absent: rebuilt on first use */
	}
	if (jvs_safe_check_sqlite(p) < 0) { /* never hand SQLite a link or a FIFO */
		doctor_add(fs, JVS_SEV_WARNING, "index_corrupt", "rebuild_index", "index.sqlite",
			   "%s (it is only a cache)", jvs_error_last()->message);
		jvs_error_clear();
		free(p);
		return;
	}
	/* Another command may be writing the index: wait for it as they wait
	 * for each other; a database still busy after that is not corrupt. */
	if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_busy_timeout(db, 5000) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK) {
		int step = sqlite3_step(st);
		ok = step == SQLITE_BUSY || step == SQLITE_LOCKED ||
		     (step == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 0), "ok"));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (!ok)
		doctor_add(fs, JVS_SEV_WARNING, "index_corrupt", "rebuild_index", "index.sqlite",
			   ".jvs/index.sqlite is corrupt (it is only a cache)");
	free(p);
}

static void add_hook_problem(void *arg, const char *hook, const char *problem)
{
	doctor_add(arg, JVS_SEV_WARNING, "hook_suspect", NULL, hook, ".jvs/hooks/%s %s", hook,
		   problem);
}

int jvs_doctor_check(const jvs_repo *repo, int strict, jvs_findings *out)
{
	jvs_catalog cat;
	memset(out, 0, sizeof *out);
	check_layout(repo, out);
	if (jvs_catalog_load(repo, &cat) < 0) {
		doctor_add(out, JVS_SEV_ERROR, "catalog_unreadable", NULL, "",
			   "cannot list snapshots: %s", jvs_error_last()->message);
		jvs_error_clear();
		return 0;
	}
	check_worktrees(repo, &cat, out);
	check_lineage(repo, &cat, out);
	doctor_check_runtime(repo, &cat, out);
	check_audit(repo, out);
	check_index(repo, out);
	jvs_hook_problems(repo, add_hook_problem, out);
	if (strict)
		check_strict(repo, &cat, out);
	jvs_catalog_clear(&cat);
	return 0;
}
