/* The implementations behind the public functions (include/jvs/): each
 * returns -1 (or another negative value) on failure with the last error
 * set; libjvs/api.c wraps it so that the public function returns the
 * negative class instead (jvs/error.h). Generated once from the public
 * headers; add a line here and a wrapper there for a new public function. */
#ifndef JVS_API_INT_H
#define JVS_API_INT_H

#include <stddef.h>
#include <stdint.h>

#include "jvs/doctor.h"
#include "jvs/gc.h"
#include "jvs/history.h"
#include "jvs/pin.h"
#include "jvs/repo.h"
#include "jvs/restore.h"
#include "jvs/snapshot.h"
#include "jvs/verify.h"
#include "jvs/worktree.h"

int jvs__doctor_check(const jvs_repo *repo, int strict, jvs_findings *out);
int jvs__doctor_repair(jvs_repo *repo, const jvs_findings *found, const char *action);
int jvs__gc_policy_add_tag(jvs_gc_policy *p, const char *tag);
int jvs__gc_policy_set_within(jvs_gc_policy *p, const char *duration);
int jvs__gc_policy_load_named(const jvs_repo *repo, const char *name, jvs_gc_policy *p);
int jvs__gc_plan_make(const jvs_repo *repo, const jvs_gc_policy *policy, jvs_gc_plan *out);
int jvs__gc_plan_load(const jvs_repo *repo, const char *plan_id, jvs_gc_plan *out);
int jvs__ref_resolve(const jvs_repo *repo, const jvs_catalog *cat, const char *worktree, const char *ref, char out[JVS_ID_BUF]);
int jvs__history_list(const jvs_repo *repo, const jvs_catalog *cat, const char *worktree, const jvs_history_opts *opts, jvs_history *out);
int jvs__pin_add(const jvs_repo *repo, const char *snapshot_id, const char *reason, int64_t expires_ms, int wait_seconds, jvs_pin *out);
int jvs__pin_list(const jvs_repo *repo, jvs_pin **out, size_t *n);
int jvs__pin_find(const jvs_pin *pins, size_t n, const char *prefix, size_t *idx);
int jvs__pin_remove(const jvs_repo *repo, const jvs_pin *pin, int wait_seconds);
int jvs__pin_parse_expiry(const char *s, int64_t now_ms, int64_t *out_ms);
int jvs__repo_init(const char *dir, char **out_root);
int jvs__repo_open(jvs_repo **out, const char *start_dir);
int jvs__repo_select_worktree(jvs_repo *repo, const char *name);
int jvs__repo_require_worktree(const jvs_repo *repo, const char **out_name);
int jvs__restore(jvs_repo *repo, const char *worktree, const char *target_id, const jvs_restore_opts *opts, jvs_restore_result *out);
int jvs__restore_paths(jvs_repo *repo, const char *worktree, const char *target_id, char *const *paths, size_t npaths, const jvs_restore_opts *opts, jvs_restore_result *out);
int jvs__restore_interrupted(const jvs_repo *repo, const char *worktree, char target_out[JVS_ID_BUF]);
int jvs__descriptor_load(const jvs_repo *repo, const char *id, jvs_descriptor *out);
int jvs__snapshot_ids(const jvs_repo *repo, char ***out, size_t *n);
int jvs__snapshot_create(jvs_repo *repo, const char *worktree, const jvs_snapshot_opts *opts, jvs_descriptor *out, jvs_snapshot_stats *stats);
int jvs__verify_snapshot(jvs_verifier *v, const char *id, jvs_verify_result *res);
int jvs__verify_all_ids(const jvs_repo *repo, char ***out, size_t *n);
int jvs__verify_audit(const jvs_repo *repo, int *ok, char *detail, size_t detail_len);
int jvs__worktree_load(const jvs_repo *repo, const char *name, jvs_worktree *out);
int jvs__worktree_list(const jvs_repo *repo, char ***out, size_t *n);
int jvs__worktree_create(jvs_repo *repo, const char *name, const char *from_id, int wait_seconds);
int jvs__worktree_rename(jvs_repo *repo, const char *old_name, const char *new_name, int force, int wait_seconds);
int jvs__worktree_remove(jvs_repo *repo, const char *name, int force, int wait_seconds);

#endif
