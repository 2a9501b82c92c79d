/* Doctor checks of runtime state: intents and leftovers of crashed runs. */
#include "doctor_int.h"

#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/intent.h"
#include "jvs/json.h"
#include "jvs/name.h"
#include "jvs/tombstone.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
		} else if (op && !strcmp(op, "restore")) {
			const char *wt = jvs_json_str(j, "worktree");
			const char *to = jvs_json_str(j, "target_id");
			doctor_add(fs, JVS_SEV_WARNING, "interrupted_restore", "clean_intents", path,
				   "restore of worktree '%s' to %s was interrupted; run 'jvs restore "
				   "%s' there, or repair clean_intents to finish it",
				   wt ? wt : "?", to ? to : "?", to ? to : "?");
		} else if (op && !strcmp(op, "gc")) {
			const char *plan = jvs_json_str(j, "plan_id");
			doctor_add(fs, JVS_SEV_WARNING, "interrupted_gc", "resume_gc", path,
				   "gc run of plan %s was interrupted", plan ? plan : "?");
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

/* Payload dirs, READY markers and manifests without a descriptor. */
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
			desc = jvs_repo_pathf(repo, "descriptors/%s.json", id);
			tomb = jvs_repo_pathf(repo, "gc/tombstones/%s.json", id);
			orphan = desc && tomb && !jvs_path_exists(desc) && !jvs_path_exists(tomb);
			if (orphan) {
				char *p = jvs_path_join(dir, de->d_name);
				doctor_add(fs, JVS_SEV_WARNING, "orphan_snapshot_file", "clean_tmp", p,
					   "unpublished snapshot leftover: .jvs/%s/%s", rels[r],
					   de->d_name);
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
		doctor_add(fs, JVS_SEV_WARNING, "tmp_leftover", "clean_tmp", p,
			   "leftover of an interrupted operation: %s", de->d_name);
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
	check_failed_gc(repo, fs);
	if (!ii.any_live)
		scan_scratch(repo, fs);
	for (size_t i = 0; i < ii.n; i++)
		free(ii.ids[i]);
	free(ii.ids);
}
