/* A worktree's state (empty, HEAD, DETACHED) and its JSON form. */
#include "worktree_ops.h"
#include "error.h"
#include "json.h"
#include "textesc.h"

#include <stdlib.h>
#include <string.h>

jvs_wt_state jvs_worktree_state(const jvs_worktree *wt)
{
	if (!wt->head[0] && !wt->latest[0])
		return JVS_WT_EMPTY;
	return jvs_worktree_is_detached(wt) ? JVS_WT_DETACHED : JVS_WT_HEAD;
}

const char *jvs_worktree_state_name(jvs_wt_state s)
{
	switch (s) {
	case JVS_WT_EMPTY:
		return "empty";
	case JVS_WT_DETACHED:
		return "DETACHED";
	case JVS_WT_HEAD:
	default:
		return "HEAD";
	}
}

json_t *jvs_worktree_to_json(const jvs_repo *repo, const jvs_worktree *wt)
{
	char *path = jvs_repo_payload_root(repo, wt->name);
	const char *cur = jvs_repo_worktree(repo);
	json_t *j;
	if (!path)
		return NULL;
	j = json_pack("{s:s, s:o, s:s, s:o, s:o, s:o, s:s, s:b, s:b}", "name", wt->name, "path",
	              jvs_json_text(path), "created_at", wt->created_at, "base_snapshot_id",
	              jvs_json_str_or_null(wt->base), "head_snapshot_id",
	              jvs_json_str_or_null(wt->head), "latest_snapshot_id",
	              jvs_json_str_or_null(wt->latest), "state",
	              jvs_worktree_state_name(jvs_worktree_state(wt)), "detached",
	              jvs_worktree_is_detached(wt), "current", cur && !strcmp(cur, wt->name));
	j = jvs_json_add_b64(j, "path", path);
	free(path);
	if (!j)
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
	return j;
}
