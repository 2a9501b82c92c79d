/* jvs init: a new repository (the control plane, the main worktree, on
 * btrfs as a subvolume) and its first audit record. */
#include "repo.h"
#include "repo_int.h"
#include "audit.h"
#include "engine.h"
#include "error.h"
#include "fsutil.h"
#include "json.h"
#include "safepath.h"
#include "textesc.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>

int jvs_repo_init(const char *dir, char **out_root)
{
	char real[PATH_MAX], created[32], repo_id[40];
	char *jvs = NULL, *tmp = NULL, *p = NULL;
	const char *engine;
	uuid_t uu;
	int empty, rc = -1, made_dir = 0;
	jvs_repo *repo = NULL;

	if (!dir || !*dir)
		dir = ".";
	if (mkdir(dir, 0755) == 0)
		made_dir = 1;
	else if (errno != EEXIST)
		return jvs_error_sys("cannot create '%s'", dir);
	if (!realpath(dir, real))
		return jvs_error_sys("cannot resolve '%s'", dir);
	jvs = jvs_path_join(real, ".jvs/format_version");
	if (!jvs)
		return -1;
	if (jvs_path_exists(jvs)) {
		free(jvs);
		jvs_error_set(JVS_E_EXISTS, "a JVS repository already exists in %s", real);
		return jvs_error_hint("cd %s/main and run 'jvs snapshot'", real);
	}
	free(jvs);
	jvs = NULL;
	if (!jvs_is_dir(real)) {
		jvs_error_set(JVS_E_EXISTS, "'%s' exists and is not a directory", real);
		return -1;
	}
	{
		/* A repository inside another one's worktree would be snapshotted
		 * by the outer one, control plane and all. */
		char *parent = jvs_strf("%s/..", real);
		jvs_repo *outer = NULL;
		int nested = parent && jvs_repo_open(&outer, parent) == 0 && outer;
		if (nested) {
			jvs_error_set(JVS_E_EXISTS, "'%s' is inside the JVS repository %s", real,
				      jvs_repo_root(outer));
			jvs_error_hint("create the new repository outside %s",
				       jvs_repo_root(outer));
		} else {
			jvs_error_clear();
		}
		jvs_repo_free(outer);
		free(parent);
		if (nested) {
			if (made_dir)
				rmdir(real);
			return -1;
		}
	}
	empty = jvs_dir_is_empty(real);
	if (empty != 1) {
		jvs_error_set(JVS_E_EXISTS, "'%s' already exists and is not empty", real);
		return jvs_error_hint("choose a new or empty directory: jvs init NEW_DIR");
	}
	if (jvs_safepath_set_root(real) < 0)
		return -1;

	uuid_generate_random(uu);
	uuid_unparse_lower(uu, repo_id);
	jvs_format_time_ms(jvs_now_ms(), created);
	tmp = jvs_strf("%s/.jvs-tmp-init-%ld", real, (long)getpid());
	jvs = jvs_path_join(real, ".jvs");
	if (!tmp || !jvs)
		goto done;
	if (jvs_repo__make_control_plane(tmp, repo_id, created) < 0)
		goto cleanup;
	p = jvs_path_join(real, "main");
	/* On btrfs the payload root is a subvolume, so that the btrfs-subvolume
	 * engine can snapshot it whole; anywhere else that fails: a directory. */
	engine = jvs_engine_requested();
	if (p && (!engine || !*engine || !strcmp(engine, "btrfs-subvolume")) &&
	    jvs_btrfs_subvolume_create(p) == 0) {
		jvs_error_clear();
	} else if (!p || (jvs_error_clear(), jvs_safe_mkdir(p, 0755) < 0 && errno != EEXIST)) {
		if (p)
			jvs_error_sys("cannot create '%s'", p);
		goto cleanup;
	}
	free(p);
	p = jvs_path_join(real, "worktrees");
	if (!p || (jvs_safe_mkdir(p, 0755) < 0 && errno != EEXIST)) {
		if (p)
			jvs_error_sys("cannot create '%s'", p);
		goto cleanup;
	}
	if (jvs_repo_link_worktrees(real) < 0)
		goto cleanup;
	if (jvs_safe_rename(tmp, jvs) < 0) {
		jvs_error_sys("cannot create '%s'", jvs);
		goto cleanup;
	}
	if (jvs_fsync_dir(real) < 0)
		goto done;
	if (jvs_repo_open(&repo, real) < 0)
		goto done;
	{
		json_t *details = json_pack("{s:s}", "repo_id", repo_id);
		/* The audit log is JSON: a directory that is not UTF-8 goes in as
		 * its text form (jvs(1) ESCAPING). */
		char *tgt = jvs_utf8_valid(real, strlen(real)) ? NULL : jvs_text_escape(real);
		int arc = jvs_audit_append(repo, "init", tgt ? tgt : real, details, NULL);
		free(tgt);
		if (arc < 0)
			goto done;
	}
	if (out_root) {
		*out_root = strdup(real);
		if (!*out_root) {
			jvs_error_set(JVS_E_INTERNAL, "out of memory");
			goto done;
		}
	}
	rc = 0;
	goto done;
cleanup:
	{
		jvs_error saved = jvs_error_save();
		jvs_rm_rf(tmp);
		jvs_error_restore(&saved);
	}
done:
	jvs_repo_free(repo);
	jvs_safepath_clear_root(real);
	free(tmp);
	free(jvs);
	free(p);
	return rc;
}
