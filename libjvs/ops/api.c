/* The public entry points: each calls its implementation (api_int.h) and
 * turns a failure into the negative class of the last error
 * (jvs_error_rc), the convention of jvs/error.h. */
#include "api_int.h"
#include "error_int.h"

int jvs_doctor_check(const jvs_repo *repo, int strict, jvs_findings *out)
{
	return jvs_error_rc(jvs__doctor_check(repo, strict, out));
}

int jvs_doctor_repair(jvs_repo *repo, const jvs_findings *found, const char *action)
{
	return jvs_error_rc(jvs__doctor_repair(repo, found, action));
}

int jvs_gc_policy_add_tag(jvs_gc_policy *p, const char *tag)
{
	return jvs_error_rc(jvs__gc_policy_add_tag(p, tag));
}

int jvs_gc_policy_set_within(jvs_gc_policy *p, const char *duration)
{
	return jvs_error_rc(jvs__gc_policy_set_within(p, duration));
}

int jvs_gc_policy_load_named(const jvs_repo *repo, const char *name, jvs_gc_policy *p)
{
	return jvs_error_rc(jvs__gc_policy_load_named(repo, name, p));
}

int jvs_gc_plan_make(const jvs_repo *repo, const jvs_gc_policy *policy, jvs_gc_plan *out)
{
	return jvs_error_rc(jvs__gc_plan_make(repo, policy, out));
}

int jvs_gc_plan_load(const jvs_repo *repo, const char *plan_id, jvs_gc_plan *out)
{
	return jvs_error_rc(jvs__gc_plan_load(repo, plan_id, out));
}

int jvs_ref_resolve(const jvs_repo *repo, const jvs_catalog *cat, const char *worktree, const char *ref, char out[JVS_ID_BUF])
{
	return jvs_error_rc(jvs__ref_resolve(repo, cat, worktree, ref, out));
}

int jvs_history_list(const jvs_repo *repo, const jvs_catalog *cat, const char *worktree, const jvs_history_opts *opts, jvs_history *out)
{
	return jvs_error_rc(jvs__history_list(repo, cat, worktree, opts, out));
}

int jvs_pin_add(const jvs_repo *repo, const char *snapshot_id, const char *reason, int64_t expires_ms, int wait_seconds, jvs_pin *out)
{
	return jvs_error_rc(jvs__pin_add(repo, snapshot_id, reason, expires_ms, wait_seconds, out));
}

int jvs_pin_list(const jvs_repo *repo, jvs_pin **out, size_t *n)
{
	return jvs_error_rc(jvs__pin_list(repo, out, n));
}

int jvs_pin_find(const jvs_pin *pins, size_t n, const char *prefix, size_t *idx)
{
	return jvs_error_rc(jvs__pin_find(pins, n, prefix, idx));
}

int jvs_pin_remove(const jvs_repo *repo, const jvs_pin *pin, int wait_seconds)
{
	return jvs_error_rc(jvs__pin_remove(repo, pin, wait_seconds));
}

int jvs_pin_parse_expiry(const char *s, int64_t now_ms, int64_t *out_ms)
{
	return jvs_error_rc(jvs__pin_parse_expiry(s, now_ms, out_ms));
}

int jvs_repo_init(const char *dir, char **out_root)
{
	return jvs_error_rc(jvs__repo_init(dir, out_root));
}

int jvs_repo_open(jvs_repo **out, const char *start_dir)
{
	return jvs_error_rc(jvs__repo_open(out, start_dir));
}

int jvs_repo_select_worktree(jvs_repo *repo, const char *name)
{
	return jvs_error_rc(jvs__repo_select_worktree(repo, name));
}

int jvs_repo_require_worktree(const jvs_repo *repo, const char **out_name)
{
	return jvs_error_rc(jvs__repo_require_worktree(repo, out_name));
}

int jvs_restore(jvs_repo *repo, const char *worktree, const char *target_id, const jvs_restore_opts *opts, jvs_restore_result *out)
{
	return jvs_error_rc(jvs__restore(repo, worktree, target_id, opts, out));
}

int jvs_restore_paths(jvs_repo *repo, const char *worktree, const char *target_id, char *const *paths, size_t npaths, const jvs_restore_opts *opts, jvs_restore_result *out)
{
	return jvs_error_rc(jvs__restore_paths(repo, worktree, target_id, paths, npaths, opts, out));
}

int jvs_restore_interrupted(const jvs_repo *repo, const char *worktree, char target_out[JVS_ID_BUF])
{
	return jvs_error_rc(jvs__restore_interrupted(repo, worktree, target_out));
}

int jvs_descriptor_load(const jvs_repo *repo, const char *id, jvs_descriptor *out)
{
	return jvs_error_rc(jvs__descriptor_load(repo, id, out));
}

int jvs_snapshot_ids(const jvs_repo *repo, char ***out, size_t *n)
{
	return jvs_error_rc(jvs__snapshot_ids(repo, out, n));
}

int jvs_snapshot_create(jvs_repo *repo, const char *worktree, const jvs_snapshot_opts *opts, jvs_descriptor *out, jvs_snapshot_stats *stats)
{
	return jvs_error_rc(jvs__snapshot_create(repo, worktree, opts, out, stats));
}

int jvs_verify_snapshot(jvs_verifier *v, const char *id, jvs_verify_result *res)
{
	return jvs_error_rc(jvs__verify_snapshot(v, id, res));
}

int jvs_verify_all_ids(const jvs_repo *repo, char ***out, size_t *n)
{
	return jvs_error_rc(jvs__verify_all_ids(repo, out, n));
}

int jvs_verify_audit(const jvs_repo *repo, int *ok, char *detail, size_t detail_len)
{
	return jvs_error_rc(jvs__verify_audit(repo, ok, detail, detail_len));
}

int jvs_worktree_load(const jvs_repo *repo, const char *name, jvs_worktree *out)
{
	return jvs_error_rc(jvs__worktree_load(repo, name, out));
}

int jvs_worktree_list(const jvs_repo *repo, char ***out, size_t *n)
{
	return jvs_error_rc(jvs__worktree_list(repo, out, n));
}

int jvs_worktree_create(jvs_repo *repo, const char *name, const char *from_id, int wait_seconds)
{
	return jvs_error_rc(jvs__worktree_create(repo, name, from_id, wait_seconds));
}

int jvs_worktree_rename(jvs_repo *repo, const char *old_name, const char *new_name, int force, int wait_seconds)
{
	return jvs_error_rc(jvs__worktree_rename(repo, old_name, new_name, force, wait_seconds));
}

int jvs_worktree_remove(jvs_repo *repo, const char *name, int force, int wait_seconds)
{
	return jvs_error_rc(jvs__worktree_remove(repo, name, force, wait_seconds));
}
