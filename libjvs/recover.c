/* The next command in a worktree finishes what an interrupted snapshot of
 * that worktree left (SPEC §5: published means kept, and the pointers
 * follow). */
#include "snapshot_int.h"
#include "error_int.h"
#include "fsutil.h"
#include "intent.h"
#include "json.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
			jvs_error saved = *jvs_error_last();
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
