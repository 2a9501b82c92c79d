/* An interrupted restore of a worktree: its intent, found by the restore
 * that resumes it and by the snapshot and status that must see it first. */
#include "restore.h"
#include "layout.h"
#include "restore_int.h"
#include "error.h"
#include "fsutil.h"
#include "intent.h"
#include "json.h"
#include "name.h"

#include <stdio.h>

void jvs_restore__intent_name(const char *worktree, char out[JVS_NAME_MAX + 16])
{
	snprintf(out, JVS_NAME_MAX + 16, "restore-%s", worktree);
}

int jvs_restore__pending(const jvs_repo *repo, const char *worktree, char target[JVS_ID_BUF],
                         json_t **body)
{
	char name[JVS_NAME_MAX + 16];
	json_t *j = NULL;
	const char *t;
	int rc;
	jvs_restore__intent_name(worktree, name);
	target[0] = '\0';
	if (body)
		*body = NULL;
	rc = jvs_intent_read(repo, name, &j);
	if (rc < 0) {
		char *p = jvs_layout_intent(repo, name);
		int exists = p && jvs_path_exists(p);
		free(p);
		if (!exists)
			return -1;
		jvs_error_clear();
		return 1;
	}
	if (rc == 0)
		return 0;
	t = jvs_json_str(j, "target_id");
	if (t && jvs_id_is_valid(t))
		snprintf(target, JVS_ID_BUF, "%s", t);
	if (body)
		*body = j;
	else
		json_decref(j);
	return 1;
}

int jvs_restore_interrupted(const jvs_repo *repo, const char *worktree, char target_out[JVS_ID_BUF])
{
	json_t *j = NULL;
	int rc = jvs_restore__pending(repo, worktree, target_out, &j);
	if (rc < 0) {
		jvs_error_clear();
		return 0;
	}
	if (rc && j && jvs_intent_is_live_at(repo, j))
		rc = 2;
	json_decref(j);
	return rc;
}
