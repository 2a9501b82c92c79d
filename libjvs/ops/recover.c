/* The next command in a worktree finishes what an interrupted snapshot of
 * that worktree left (SPEC §5: published means kept, and the pointers
 * follow). */
#include "jvs/snapshot.h"
#include "layout.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/intent.h"
#include "jvs/json.h"
#include "jvs/audit.h"
#include "jvs/worktree.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int remove_path(const jvs_repo *repo, char *(*path)(const jvs_repo *, const char *),
		       const char *id)
{
	char *p = path(repo, id);
	int rc = p ? jvs_rm_rf(p) : -1;
	free(p);
	return rc;
}

/* Rolls an interrupted snapshot forward when it was published, back when
 * not (also used by the next snapshot or restore of the worktree). */
int jvs_snapshot_finish_intent(jvs_repo *repo, const json_t *j)
{
	const char *id = jvs_json_str(j, "snapshot_id");
	const char *wtname = jvs_json_str(j, "worktree");
	const char *parent = jvs_json_str(j, "parent_id");
	int autosave = json_is_true(json_object_get(j, "autosave"));
	jvs_worktree wt;
	if (!id || !jvs_id_is_valid(id))
		return 0;
	if (jvs_snapshot_is_published(repo, id)) {
		/* An autosave never moves head or latest. */
		if (!autosave && wtname && jvs_worktree_load(repo, wtname, &wt) == 0 &&
		    !strcmp(wt.head, parent ? parent : "")) {
			snprintf(wt.head, sizeof wt.head, "%s", id);
			snprintf(wt.latest, sizeof wt.latest, "%s", id);
			if (jvs_worktree_save(repo, &wt) < 0)
				return -1;
		}
		jvs_error_clear();
		/* The intent goes only after the audit record is written: a
		 * published snapshot whose intent is left was never audited. */
		if (jvs_audit_append(repo, "snapshot", id,
				     json_pack("{s:o, s:o, s:b, s:b}", "worktree",
					       jvs_json_str_or_null(wtname), "parent_id",
					       jvs_json_str_or_null(parent), "autosave", autosave,
					       "recovered_by_doctor", 1),
				     NULL) < 0)
			return -1;
		return 1;
	}
	{
		char *desc = jvs_layout_descriptor(repo, id);
		int has_desc = desc && jvs_path_exists(desc);
		free(desc);
		if (remove_path(repo, jvs_layout_payload_tmp, id) < 0 ||
		    remove_path(repo, jvs_layout_manifest_tmp, id) < 0 ||
		    remove_path(repo, jvs_layout_descriptor_tmp, id) < 0)
			return -1;
		if (!has_desc && (remove_path(repo, jvs_layout_ready, id) < 0 ||
				  remove_path(repo, jvs_layout_payload, id) < 0 ||
				  remove_path(repo, jvs_layout_manifest, id) < 0))
			return -1;
	}
	return 0;
}

int jvs_snapshot_recover(jvs_repo *repo, const char *worktree, char recovered[JVS_ID_BUF])
{
	char *dir = jvs_repo_path(repo, "intents");
	DIR *d;
	struct dirent *de;
	int rc = 0;
	if (recovered)
		recovered[0] = '\0';
	if (!dir)
		return -1;
	d = opendir(dir);
	while (d && rc == 0 && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char name[256], *path;
		json_t *j = NULL;
		const char *wt, *id;
		int kept;
		if (strncmp(de->d_name, "snapshot-", 9) || len <= 5 || len - 5 >= sizeof name ||
		    strcmp(de->d_name + len - 5, ".json"))
			continue;
		path = jvs_path_join(dir, de->d_name);
		if (!path || jvs_json_load_file(path, JVS_E_PARTIAL_SNAPSHOT, &j) < 0) {
			jvs_error_clear(); /* unreadable: doctor reports it */
			free(path);
			continue;
		}
		free(path);
		wt = jvs_json_str(j, "worktree");
		id = jvs_json_str(j, "snapshot_id");
		if (!wt || strcmp(wt, worktree) || !id) {
			json_decref(j);
			continue;
		}
		memcpy(name, de->d_name, len - 5);
		name[len - 5] = '\0';
		kept = jvs_snapshot_finish_intent(repo, j);
		if (kept < 0) {
			jvs_error saved = jvs_error_save();
			jvs_error_set(saved.cls == JVS_OK ? JVS_E_IO : saved.cls,
				      "cannot finish the interrupted snapshot %s of worktree '%s' "
				      "first: %s",
				      id, worktree, saved.message);
			jvs_error_hint("free space or fix the cause, then retry; 'jvs doctor' "
				       "shows what is pending");
			rc = -1;
		} else {
			if (kept > 0 && recovered && !json_is_true(json_object_get(j, "autosave")))
				snprintf(recovered, JVS_ID_BUF, "%s", id);
			rc = jvs_intent_remove(repo, name);
		}
		json_decref(j);
	}
	if (d)
		closedir(d);
	free(dir);
	return rc;
}
