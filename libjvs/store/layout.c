/* The repository layout below .jvs/ (see layout.h). */
#include "layout.h"

char *jvs_layout_payload(const jvs_repo *repo, const char *id)
{
	return jvs_repo_pathf(repo, "snapshots/%s", id);
}

char *jvs_layout_payload_tmp(const jvs_repo *repo, const char *id)
{
	return jvs_repo_pathf(repo, "snapshots/%s.tmp", id);
}

char *jvs_layout_ready(const jvs_repo *repo, const char *id)
{
	return jvs_repo_pathf(repo, "snapshots/%s.READY", id);
}

char *jvs_layout_manifest(const jvs_repo *repo, const char *id)
{
	return jvs_repo_pathf(repo, "manifests/%s", id);
}

char *jvs_layout_manifest_tmp(const jvs_repo *repo, const char *id)
{
	return jvs_repo_pathf(repo, "manifests/%s.tmp", id);
}

char *jvs_layout_descriptor(const jvs_repo *repo, const char *id)
{
	return jvs_repo_pathf(repo, "descriptors/%s.json", id);
}

char *jvs_layout_descriptor_tmp(const jvs_repo *repo, const char *id)
{
	return jvs_repo_pathf(repo, "descriptors/%s.json.tmp", id);
}

char *jvs_layout_tombstone(const jvs_repo *repo, const char *id)
{
	return jvs_repo_pathf(repo, "gc/tombstones/%s.json", id);
}

char *jvs_layout_pin(const jvs_repo *repo, const char *pin_id)
{
	return jvs_repo_pathf(repo, "gc/pins/%s.json", pin_id);
}

char *jvs_layout_plan(const jvs_repo *repo, const char *plan_id)
{
	return jvs_repo_pathf(repo, "gc/plans/%s.json", plan_id);
}

char *jvs_layout_intent(const jvs_repo *repo, const char *name)
{
	return jvs_repo_pathf(repo, "intents/%s.json", name);
}

char *jvs_layout_worktree(const jvs_repo *repo, const char *name)
{
	return jvs_repo_pathf(repo, "worktrees/%s", name);
}

char *jvs_layout_worktree_config(const jvs_repo *repo, const char *name)
{
	return jvs_repo_pathf(repo, "worktrees/%s/config.json", name);
}

char *jvs_layout_lock(const jvs_repo *repo, const char *name)
{
	return jvs_repo_pathf(repo, "locks/%s.lock", name);
}
