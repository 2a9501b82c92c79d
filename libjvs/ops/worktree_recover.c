/* Recovery of interrupted worktree operations (fork, create, rename,
 * remove) from their intents, for doctor: each is rolled forward or back. */
#include "worktree_ops.h"
#include "layout.h"
#include "worktree_int.h"
#include "error.h"
#include "fsutil.h"
#include "json.h"
#include "audit.h"
#include "descriptor.h"
#include "mounts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int recover_make(jvs_repo *repo, const char *op, const json_t *intent)
{
	const char *name = jvs_json_str(intent, "worktree");
	const char *id = jvs_json_str(intent, "snapshot_id");
	jvs_wt_locks locks = {0};
	char *payload = NULL, *tmp = NULL, audit_op[32];
	int rc = -1;

	if (!name || jvs_name_validate(name, "worktree name") < 0)
		return jvs_error_clear(), 0; /* not ours to interpret */
	if (jvs_lock_worktree(repo, name, 0, &locks) < 0)
		return -1;
	payload = jvs_repo_payload_root(repo, name);
	tmp = jvs_strf("%s/.jvs-tmp-%s-%s", jvs_repo_root(repo), op, name);
	if (!payload || !tmp || jvs_rm_rf(tmp) < 0)
		goto done;
	if (jvs_worktree_exists(repo, name) || !jvs_is_dir(payload)) {
		rc = 0; /* finished, or never got as far as the move */
		goto done;
	}
	/* The payload root is moved into place only when complete and synced:
	 * roll forward by writing the config. */
	if (id && !jvs_snapshot_is_published(repo, id)) {
		jvs_error_set(JVS_E_NOT_FOUND, "cannot finish the %s of '%s': snapshot %s is gone",
		              op, name, id);
		jvs_error_hint("move %s away, then run 'jvs doctor' again", payload);
		goto done;
	}
	if (jvs_worktree__save_new_config(repo, name, id) < 0)
		goto done;
	snprintf(audit_op, sizeof audit_op, "worktree_%s", op);
	rc = jvs_audit_append(repo, audit_op, name,
	                      json_pack("{s:o, s:s, s:b}", "snapshot_id", jvs_json_str_or_null(id),
	                                "path", payload, "recovered_by_doctor", 1),
	                      NULL);
done:
	free(payload);
	free(tmp);
	jvs_unlock_worktree(&locks);
	return rc;
}

static int recover_rename(jvs_repo *repo, const json_t *intent)
{
	const char *from = jvs_json_str(intent, "from"), *to = jvs_json_str(intent, "to");
	jvs_rename_locks locks = {0};
	jvs_worktree wt;
	char *fpath = NULL, *tpath = NULL, *old_cfg = NULL;
	int rc = -1;

	if (!from || !to || jvs_name_validate(from, "worktree name") < 0 ||
	    jvs_name_validate(to, "worktree name") < 0)
		return jvs_error_clear(), 0;
	if (jvs_worktree__lock_pair(repo, from, to, 0, &locks) < 0)
		return -1;
	fpath = jvs_repo_payload_root(repo, from);
	tpath = jvs_repo_payload_root(repo, to);
	old_cfg = jvs_layout_worktree(repo, from);
	if (!fpath || !tpath || !old_cfg)
		goto done;
	if (jvs_is_dir(fpath) || !jvs_is_dir(tpath)) {
		rc = 0; /* the payload never moved */
		goto done;
	}
	if (!jvs_worktree_exists(repo, to)) {
		if (jvs_worktree_load(repo, from, &wt) < 0)
			goto done;
		snprintf(wt.name, sizeof wt.name, "%s", to);
		if (jvs_worktree_save(repo, &wt) < 0 || jvs_worktree__fsync_config_dir(repo) < 0)
			goto done;
	}
	if (jvs_rm_rf(old_cfg) < 0 || jvs_worktree__fsync_config_dir(repo) < 0)
		goto done;
	jvs_worktree__forget_cache(repo, from);
	rc = jvs_audit_append(repo, "worktree_rename", from,
	                      json_pack("{s:s, s:s, s:s, s:b}", "from", from, "to", to, "path",
	                                tpath, "recovered_by_doctor", 1),
	                      NULL);
done:
	free(fpath);
	free(tpath);
	free(old_cfg);
	jvs_worktree__unlock_pair(&locks);
	return rc;
}

static int recover_remove(jvs_repo *repo, const json_t *intent)
{
	const char *name = jvs_json_str(intent, "worktree");
	jvs_wt_locks locks = {0};
	char *payload = NULL, *tmp = NULL, *cfgdir = NULL;
	int rc = -1;

	if (!name || jvs_name_validate(name, "worktree name") < 0)
		return jvs_error_clear(), 0;
	if (jvs_lock_worktree(repo, name, 0, &locks) < 0)
		return -1;
	payload = jvs_repo_payload_root(repo, name);
	tmp = jvs_strf("%s/.jvs-tmp-remove-%s", jvs_repo_root(repo), name);
	cfgdir = jvs_layout_worktree(repo, name);
	if (!payload || !tmp || !cfgdir)
		goto done;
	if (jvs_is_dir(payload) && jvs_worktree_exists(repo, name)) {
		rc = 0; /* nothing was moved: the worktree stays */
		goto done;
	}
	/* Never delete into a file system mounted there since. */
	if (jvs_mount_refuse_delete(tmp) < 0)
		goto done;
	/* The files were moved aside: finish what the user asked for. */
	if (jvs_rm_rf(cfgdir) < 0 || jvs_worktree__fsync_config_dir(repo) < 0 || jvs_rm_rf(tmp) < 0)
		goto done;
	jvs_worktree__forget_cache(repo, name);
	rc = jvs_audit_append(repo, "worktree_remove", name,
	                      json_pack("{s:s, s:b}", "path", payload, "recovered_by_doctor", 1),
	                      NULL);
done:
	free(payload);
	free(tmp);
	free(cfgdir);
	jvs_unlock_worktree(&locks);
	return rc;
}

int jvs_worktree_recover(jvs_repo *repo, const json_t *intent)
{
	const char *op = jvs_json_str(intent, "operation");
	if (!op)
		return 0;
	if (!strcmp(op, "fork") || !strcmp(op, "create"))
		return recover_make(repo, op, intent);
	if (!strcmp(op, "rename"))
		return recover_rename(repo, intent);
	if (!strcmp(op, "remove"))
		return recover_remove(repo, intent);
	return 0;
}
