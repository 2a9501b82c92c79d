/* Doctor checks of runtime state: intents and leftovers of crashed runs. */
#include "doctor_int.h"
#include "layout.h"

#include "jvs/descriptor.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/intent.h"
#include "jvs/json.h"
#include "jvs/mounts.h"
#include "jvs/name.h"
#include "jvs/tombstone.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
	char **ids; /* snapshot ids owned by intents (live or stale) */
	size_t n, cap;
	int any_live;
} intent_ids;

static void remember(intent_ids *ii, const char *id)
{
	if (!id || !jvs_id_is_valid(id))
		return;
	if (ii->n == ii->cap) {
		size_t cap = ii->cap ? ii->cap * 2 : 16;
		char **nv = realloc(ii->ids, cap * sizeof *nv);
		if (!nv)
			return;
		ii->ids = nv;
		ii->cap = cap;
	}
	ii->ids[ii->n++] = strdup(id);
}

static int owned(const intent_ids *ii, const char *id)
{
	for (size_t i = 0; i < ii->n; i++)
		if (ii->ids[i] && !strcmp(ii->ids[i], id))
			return 1;
	return 0;
}

/* 1 (with the refusal as the last error) when a mount point keeps an
 * interrupted restore (inside the worktree) or remove (inside the files it
 * moved aside) from ever finishing. */
static int blocked_by_mount(const jvs_repo *repo, const json_t *j)
{
	const char *wt = jvs_json_str(j, "worktree"), *op = jvs_json_str(j, "operation");
	char *root;
	int rc;
	if (!wt || !op || jvs_name_validate(wt, "worktree") < 0) {
		jvs_error_clear();
		return 0;
	}
	if (!strcmp(op, "remove")) {
		root = jvs_strf("%s/.jvs-tmp-remove-%s", jvs_repo_root(repo), wt);
		rc = root ? jvs_mount_refuse_delete(root) : 0;
	} else {
		root = jvs_repo_payload_root(repo, wt);
		rc = root ? jvs_mount_refuse(root, wt, "restore") : 0;
	}
	free(root);
	if (rc < 0 && jvs_error_last()->cls == JVS_E_UNSUPPORTED_FILE)
		return 1;
	jvs_error_clear();
	return 0;
}

static void check_intents(const jvs_repo *repo, jvs_findings *fs, intent_ids *ii)
{
	char *dir = jvs_repo_path(repo, "intents");
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char name[256], *path;
		json_t *j = NULL;
		const char *op, *id;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		path = jvs_path_join(dir, de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".json") || len - 5 >= sizeof name ||
		    jvs_json_load_file(path, JVS_E_PARTIAL_SNAPSHOT, &j) < 0) {
			doctor_add(fs, JVS_SEV_WARNING, "stale_intent", "clean_intents", path,
				   "unknown file in .jvs/intents: %s", de->d_name);
			jvs_error_clear();
			free(path);
			continue;
		}
		memcpy(name, de->d_name, len - 5);
		name[len - 5] = '\0';
		op = jvs_json_str(j, "operation");
		id = jvs_json_str(j, "snapshot_id");
		remember(ii, id);
		remember(ii, jvs_json_str(j, "target_id"));
		if (jvs_intent_is_live_at(repo, j)) {
			ii->any_live = 1;
		} else if (op && !strcmp(op, "restore") && jvs_json_str(j, "target_id") &&
			   (!jvs_id_is_valid(jvs_json_str(j, "target_id")) ||
			    !jvs_snapshot_is_published(repo, jvs_json_str(j, "target_id")))) {
			const char *wt = jvs_json_str(j, "worktree");
			const char *to = jvs_json_str(j, "target_id");
			const char *saved = jvs_json_str(j, "autosave_snapshot_id");
			const char *from = jvs_json_str(j, "from_snapshot_id");
			int some = json_is_array(json_object_get(j, "paths"));
			doctor_add(fs, JVS_SEV_ERROR, "restore_blocked", "clean_intents", path,
				   "restore of %sworktree '%s' to %s was interrupted and cannot finish: "
				   "E_NOT_FOUND: %s is no longer a published snapshot; clean_intents "
				   "rolls %s back to the state before it (%s%s)",
				   some ? "some paths of " : "", wt ? wt : "?", to, to,
				   some ? "those paths" : "the worktree",
				   saved ? "its autosave " : "snapshot ",
				   saved ? saved : from ? from : "none");
		} else if (op && !strcmp(op, "restore") && blocked_by_mount(repo, j)) {
			const char *wt = jvs_json_str(j, "worktree");
			const char *to = jvs_json_str(j, "target_id");
			doctor_add(fs, JVS_SEV_ERROR, "restore_blocked", "clean_intents", path,
				   "restore of worktree '%s' to %s was interrupted and cannot finish: "
				   "E_UNSUPPORTED_FILE: %s; %s, then rerun 'jvs restore %s' there or "
				   "repair clean_intents",
				   wt ? wt : "?", to ? to : "?", jvs_error_last()->message,
				   jvs_error_last()->hint, to ? to : "?");
			jvs_error_clear();
		} else if (op && !strcmp(op, "restore")) {
			const char *wt = jvs_json_str(j, "worktree");
			const char *to = jvs_json_str(j, "target_id");
			int some = json_is_array(json_object_get(j, "paths"));
			doctor_add(fs, JVS_SEV_WARNING, "interrupted_restore", "clean_intents", path,
				   "restore of %sworktree '%s' to %s was interrupted; run 'jvs restore "
				   "%s%s' there, or repair clean_intents to finish it",
				   some ? "some paths of " : "", wt ? wt : "?", to ? to : "?",
				   to ? to : "?", some ? " -- PATH..." : "");
		} else if (op && !strcmp(op, "gc")) {
			const char *plan = jvs_json_str(j, "plan_id");
			doctor_add(fs, JVS_SEV_WARNING, "interrupted_gc", "resume_gc", path,
				   "gc run of plan %s was interrupted", plan ? plan : "?");
		} else if (op && !strcmp(op, "remove") && blocked_by_mount(repo, j)) {
			doctor_add(fs, JVS_SEV_ERROR, "remove_blocked", "clean_intents", path,
				   "interrupted remove of worktree '%s' cannot finish: "
				   "E_UNSUPPORTED_FILE: %s; %s",
				   jvs_json_str(j, "worktree"), jvs_error_last()->message,
				   jvs_error_last()->hint);
			jvs_error_clear();
		} else {
			doctor_add(fs, JVS_SEV_WARNING, "stale_intent", "clean_intents", path,
				   "interrupted %s operation (%s)", op ? op : "unknown", name);
		}
		json_decref(j);
		free(path);
	}
	if (d)
		closedir(d);
	free(dir);
}

static int is_atomic_leftover(const char *name)
{
	const char *t = strstr(name, ".tmp");
	return t && (t[4] == '\0' || t[4] == '.');
}

static void scan_leftovers(const jvs_repo *repo, const char *rel, jvs_findings *fs,
			   const intent_ids *ii)
{
	char *dir = jvs_repo_path(repo, rel);
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		char id[JVS_ID_BUF] = "";
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (strlen(de->d_name) >= JVS_ID_LEN) {
			memcpy(id, de->d_name, JVS_ID_LEN);
			id[JVS_ID_LEN] = '\0';
		}
		if (!is_atomic_leftover(de->d_name) || (jvs_id_is_valid(id) && owned(ii, id)))
			continue;
		{
			char *p = jvs_path_join(dir, de->d_name);
			doctor_add(fs, JVS_SEV_WARNING, "tmp_leftover", "clean_tmp", p,
				   "leftover of an interrupted write: .jvs/%s/%s", rel, de->d_name);
			free(p);
		}
	}
	if (d)
		closedir(d);
	free(dir);
}

/* 1 when id has a .READY marker or a manifest: it was published. */
static int was_published(const jvs_repo *repo, const char *id)
{
	char *ready = jvs_layout_ready(repo, id);
	char *man = jvs_layout_manifest(repo, id);
	int yes = (ready && jvs_path_exists(ready)) || (man && jvs_path_exists(man));
	free(ready);
	free(man);
	return yes;
}

/* Payload dirs, READY markers and manifests without a descriptor, an
 * intent or a tombstone. Nothing of them is deleted: clean_tmp moves them
 * to .jvs/quarantine/ (a descriptors/ lost by a partial copy must not cost
 * the history). */
static void scan_orphans(const jvs_repo *repo, const jvs_catalog *cat, jvs_findings *fs,
			 const intent_ids *ii)
{
	static const char *const rels[] = {"snapshots", "manifests"};
	for (size_t r = 0; r < 2; r++) {
		char *dir = jvs_repo_path(repo, rels[r]);
		DIR *d = dir ? opendir(dir) : NULL;
		struct dirent *de;
		while (d && (de = readdir(d))) {
			char id[JVS_ID_BUF];
			const char *rest;
			char *desc, *tomb;
			int orphan;
			if (strlen(de->d_name) < JVS_ID_LEN)
				continue;
			memcpy(id, de->d_name, JVS_ID_LEN);
			id[JVS_ID_LEN] = '\0';
			rest = de->d_name + JVS_ID_LEN;
			if (!jvs_id_is_valid(id) || (*rest && strcmp(rest, ".READY")) ||
			    owned(ii, id) || jvs_catalog_get(cat, id))
				continue;
			desc = jvs_layout_descriptor(repo, id);
			tomb = jvs_layout_tombstone(repo, id);
			orphan = desc && tomb && !jvs_path_exists(desc) && !jvs_path_exists(tomb);
			if (orphan && was_published(repo, id)) {
				char *p = jvs_path_join(dir, de->d_name);
				doctor_add(fs, JVS_SEV_ERROR, "orphan_published", "clean_tmp", p,
					   "snapshot %s was published but its descriptor is missing "
					   "(lost or not copied?): .jvs/%s/%s; clean_tmp moves it to "
					   ".jvs/quarantine/ and deletes nothing; see jvs-doctor(1) to "
					   "recover it",
					   id, rels[r], de->d_name);
				free(p);
			} else if (orphan) {
				char *p = jvs_path_join(dir, de->d_name);
				doctor_add(fs, JVS_SEV_WARNING, "orphan_snapshot_file", "clean_tmp", p,
					   "snapshot leftover with no descriptor and no intent: "
					   ".jvs/%s/%s; clean_tmp moves it to .jvs/quarantine/",
					   rels[r], de->d_name);
				free(p);
			}
			free(desc);
			free(tomb);
		}
		if (d)
			closedir(d);
		free(dir);
	}
}

static void scan_scratch(const jvs_repo *repo, jvs_findings *fs)
{
	char *tmp = jvs_repo_path(repo, "tmp");
	DIR *d = tmp ? opendir(tmp) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		char *p;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		p = jvs_path_join(tmp, de->d_name);
		doctor_add(fs, JVS_SEV_WARNING, "tmp_leftover", "clean_tmp", p,
			   "leftover scratch file: .jvs/tmp/%s", de->d_name);
		free(p);
	}
	if (d)
		closedir(d);
	free(tmp);
	d = opendir(jvs_repo_root(repo));
	while (d && (de = readdir(d))) {
		char *p;
		if (strncmp(de->d_name, ".jvs-tmp-", 9))
			continue;
		p = jvs_path_join(jvs_repo_root(repo), de->d_name);
		if (p && jvs_mount_refuse_delete(p) < 0)
			doctor_add(fs, JVS_SEV_ERROR, "leftover_mounted", NULL, p,
				   "leftover of an interrupted operation %s cannot be removed: "
				   "E_UNSUPPORTED_FILE: %s; %s",
				   de->d_name, jvs_error_last()->message, jvs_error_last()->hint);
		else
			doctor_add(fs, JVS_SEV_WARNING, "tmp_leftover", "clean_tmp", p,
				   "leftover of an interrupted operation: %s", de->d_name);
		jvs_error_clear();
		free(p);
	}
	if (d)
		closedir(d);
}

/* A gc run that stopped on a failure leaves a "failed" tombstone. */
static void check_failed_gc(const jvs_repo *repo, jvs_findings *fs)
{
	char *dir = jvs_repo_path(repo, "gc/tombstones");
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		char id[JVS_ID_BUF];
		jvs_tombstone t;
		if (strlen(de->d_name) != JVS_ID_LEN + 5 || strcmp(de->d_name + JVS_ID_LEN, ".json"))
			continue;
		memcpy(id, de->d_name, JVS_ID_LEN);
		id[JVS_ID_LEN] = '\0';
		if (jvs_tombstone_load(repo, id, &t) < 0) {
			jvs_error_clear();
			continue;
		}
		if (!strcmp(t.state, "failed"))
			doctor_add(fs, JVS_SEV_WARNING, "gc_failed", "resume_gc", t.plan_id,
				   "gc plan %s stopped: deleting %s failed (%s); rerun 'jvs gc run "
				   "--plan-id %s'",
				   t.plan_id, id, t.error ? t.error : "unknown error", t.plan_id);
		jvs_tombstone_clear(&t);
	}
	if (d)
		closedir(d);
	free(dir);
}

/* A symlink, FIFO or other non-regular file in .jvs/locks makes every
 * command that needs that lock refuse; nobody can hold one, so it goes. */
static void scan_locks(const jvs_repo *repo, jvs_findings *fs)
{
	char *dir = jvs_repo_path(repo, "locks");
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		struct stat st;
		char *p;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    S_ISREG(st.st_mode))
			continue;
		p = jvs_path_join(dir, de->d_name);
		doctor_add(fs, JVS_SEV_WARNING, "lock_invalid", "clean_tmp", p ? p : de->d_name,
			   ".jvs/locks/%s is %s, not a lock file; commands needing it refuse",
			   de->d_name,
			   S_ISLNK(st.st_mode)    ? "a symlink"
			   : S_ISFIFO(st.st_mode) ? "a FIFO"
			   : S_ISDIR(st.st_mode)  ? "a directory"
						  : "a special file");
		free(p);
	}
	if (d)
		closedir(d);
	free(dir);
}

void doctor_check_runtime(const jvs_repo *repo, const jvs_catalog *cat, jvs_findings *fs)
{
	static const char *const dirs[] = {".",	    "snapshots", "manifests",	  "descriptors",
					   "audit", "gc/pins",	 "gc/plans",	  "gc/tombstones",
					   "intents"};
	intent_ids ii = {0};
	check_intents(repo, fs, &ii);
	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
		scan_leftovers(repo, dirs[i], fs, &ii);
	{
		char *wdir = jvs_repo_path(repo, "worktrees");
		DIR *d = wdir ? opendir(wdir) : NULL;
		struct dirent *de;
		while (d && (de = readdir(d))) {
			char rel[300];
			if (de->d_name[0] == '.')
				continue;
			snprintf(rel, sizeof rel, "worktrees/%s", de->d_name);
			scan_leftovers(repo, rel, fs, &ii);
		}
		if (d)
			closedir(d);
		free(wdir);
	}
	scan_orphans(repo, cat, fs, &ii);
	scan_locks(repo, fs);
	check_failed_gc(repo, fs);
	if (!ii.any_live)
		scan_scratch(repo, fs);
	for (size_t i = 0; i < ii.n; i++)
		free(ii.ids[i]);
	free(ii.ids);
}
