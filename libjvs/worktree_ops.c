#include "worktree_ops.h"
#include "api_int.h"
#include "opts.h"
#include "audit.h"
#include "changes.h"
#include "checkout.h"
#include "descriptor.h"
#include "engine.h"
#include "error_int.h"
#include "fault.h"
#include "fsutil.h"
#include "index.h"
#include "intent.h"
#include "json.h"
#include "lock.h"
#include "mounts.h"
#include "textesc.h"
#include "safepath.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define INTENT_NAME_BUF (JVS_NAME_MAX + 16)

/* Keeps the current last error across cleanup calls that may overwrite it. */
static void restore_error(const jvs_error *saved)
{
	jvs_error_set(saved->cls, "%s", saved->message);
	if (saved->hint[0])
		jvs_error_hint("%s", saved->hint);
}

static void fault(const char *op, const char *step)
{
	char point[64];
	snprintf(point, sizeof point, "%s-after-%s", op, step);
	jvs_fault_point(point);
}

/* 0 when neither a config nor a payload root exists for name. */
static int check_free(const jvs_repo *repo, const char *name)
{
	char *payload;
	int taken;
	if (!strcmp(name, "worktrees")) {
		jvs_error_set(JVS_E_NAME_INVALID, "worktree name 'worktrees' is reserved");
		return jvs_error_hint("ROOT/worktrees/worktrees links back to ROOT/worktrees");
	}
	if (jvs_worktree_exists(repo, name)) {
		jvs_error_set(JVS_E_EXISTS, "worktree '%s' already exists", name);
		return jvs_error_hint("choose another name; see 'jvs worktree list'");
	}
	payload = jvs_repo_payload_root(repo, name);
	if (!payload)
		return -1;
	taken = jvs_path_exists(payload);
	if (taken) {
		char intent[INTENT_NAME_BUF];
		json_t *body = NULL;
		int interrupted = 0;
		for (int i = 0; i < 2 && !interrupted; i++) {
			snprintf(intent, sizeof intent, "%s-%s", i ? "create" : "fork", name);
			interrupted = jvs_intent_read(repo, intent, &body) == 1;
			json_decref(body);
			body = NULL;
		}
		jvs_error_set(JVS_E_EXISTS, "'%s' already exists", payload);
		if (interrupted)
			jvs_error_hint(
			    "an interrupted fork of '%s' left it behind; run 'jvs doctor "
			    "--repair-runtime' finishes it",
			    name);
		else
			jvs_error_hint("it is not a worktree of this repository: move it away, or "
			               "choose another name");
	}
	free(payload);
	return taken ? -1 : 0;
}

static int fsync_config_dir(const jvs_repo *repo)
{
	char *p = jvs_repo_path(repo, "worktrees");
	int rc = p ? jvs_fsync_dir(p) : -1;
	free(p);
	return rc;
}

/* The config of a new worktree: base = head = latest = id (or all null). */
static int save_new_config(const jvs_repo *repo, const char *name, const char *id)
{
	jvs_worktree wt;
	memset(&wt, 0, sizeof wt);
	snprintf(wt.name, sizeof wt.name, "%s", name);
	jvs_format_time_ms(jvs_now_ms(), wt.created_at);
	if (id) {
		snprintf(wt.base, sizeof wt.base, "%s", id);
		snprintf(wt.head, sizeof wt.head, "%s", id);
		snprintf(wt.latest, sizeof wt.latest, "%s", id);
	}
	if (jvs_worktree_save(repo, &wt) < 0)
		return -1;
	return fsync_config_dir(repo);
}

static int sync_tree(const char *dir)
{
	int fd = jvs_safe_open_dir(dir);
	if (fd < 0)
		return jvs_error_sys("cannot open '%s'", dir);
	if (syncfs(fd) < 0) {
		jvs_error_sys("cannot sync '%s'", dir);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* rename(2) and fsync of both parent directories. */
/* rename(2) of a directory to another parent needs write permission on
 * it ('..' changes): a read-only payload root (its snapshot's mode) is made
 * writable for the move and given its mode back. */
static int rename_dir(const char *from, const char *to)
{
	struct stat st;
	int rc, e;
	if (jvs_safe_rename(from, to) == 0)
		return 0;
	if (errno != EACCES || geteuid() == 0 || lstat(from, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & S_IWUSR) ||
	    chmod(from, (st.st_mode & 07777) | S_IWUSR) < 0) {
		errno = EACCES;
		return -1;
	}
	rc = jvs_safe_rename(from, to);
	e = errno;
	(void)chmod(rc == 0 ? to : from, st.st_mode & 07777);
	errno = e;
	return rc;
}

static int move_durably(const char *from, const char *to)
{
	if (rename_dir(from, to) < 0)
		return jvs_error_sys("cannot rename '%s' to '%s'", from, to);
	if (jvs_fsync_parent(to) < 0 || jvs_fsync_parent(from) < 0)
		return -1;
	return 0;
}

static char *parent_of(const char *path)
{
	char *p = strdup(path), *slash;
	if (!p) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		return NULL;
	}
	slash = strrchr(p, '/');
	if (slash && slash != p)
		*slash = '\0';
	return p;
}

static int ensure_parent(const char *path)
{
	char *dir = parent_of(path);
	int rc = dir ? jvs_mkdir_p(dir, 0755) : -1;
	free(dir);
	return rc;
}

static int ensure_layout(const jvs_repo *repo, const char *payload)
{
	if (ensure_parent(payload) < 0)
		return -1;
	return jvs_repo_link_worktrees(jvs_repo_root(repo));
}

static void forget_cache(const jvs_repo *repo, const char *name)
{
	jvs_index *idx = jvs_index_open(repo);
	jvs_index_forget_worktree(idx, name);
	jvs_index_close(idx);
	jvs_error_clear(); /* the index is a cache: never an error */
}

/* btrfs-subvolume: the new payload root is a writable snapshot of the
 * snapshot's subvolume (metadata only), its hash cache filled from the
 * manifest. -1 (error cleared, nothing left behind) when not applicable. */
static int fork_btrfs_subvolume(jvs_repo *repo, const char *id, const char *name,
                                const char *tmp)
{
	jvs_engine e;
	char *src = jvs_repo_pathf(repo, "snapshots/%s", id);
	int rc = -1;
	if (src && jvs_engine_detect(repo, &e) == 0 && e.kind == JVS_ENGINE_BTRFS &&
	    jvs_btrfs_is_subvolume(src) && jvs_btrfs_snapshot_writable(src, tmp) == 0) {
		forget_cache(repo, name);
		if (jvs_checkout_adopt_clone(repo, id, tmp, name) == 0)
			rc = 0;
		else
			jvs_rm_rf(tmp);
	}
	free(src);
	if (rc < 0)
		jvs_error_clear();
	return rc;
}

/* fork and create: op is "fork" or "create"; id NULL or "" for empty. */
static int make_worktree(jvs_repo *repo, const char *op, const char *id, const char *name,
                         int wait_seconds, jvs_checkout_progress progress, void *progress_arg)
{
	jvs_wt_locks locks = {0};
	jvs_checkout_stats st;
	json_t *intent = NULL, *details;
	char intent_name[INTENT_NAME_BUF];
	char *tmp = NULL, *payload = NULL, *cfgdir = NULL;
	int rc = -1, have_intent = 0, made_tmp = 0, moved = 0, committed = 0;
	char audit_op[32];

	if (id && !*id)
		id = NULL;
	if (jvs_name_validate(name, "worktree name") < 0)
		return -1;
	if (id && !jvs_snapshot_is_published(repo, id)) {
		jvs_error_set(JVS_E_NOT_FOUND, "no snapshot '%s'", id);
		return jvs_error_hint("see 'jvs history --all'");
	}
	if (check_free(repo, name) < 0)
		return -1;
	if (jvs_lock_worktree(repo, name, wait_seconds, &locks) < 0)
		return -1;
	if (check_free(repo, name) < 0) /* again, now that we hold the lock */
		goto done;

	tmp = jvs_strf("%s/.jvs-tmp-%s-%s", jvs_repo_root(repo), op, name);
	payload = jvs_repo_payload_root(repo, name);
	cfgdir = jvs_repo_pathf(repo, "worktrees/%s", name);
	if (!tmp || !payload || !cfgdir)
		goto done;
	{
		/* tmp is renamed to payload: both parents on one file system */
		const char *slash = strrchr(payload, '/');
		char *parent = slash ? jvs_strf("%.*s", (int)(slash - payload), payload) : NULL;
		int bad = !parent || jvs_mount_same_fs(jvs_repo_root(repo), parent, op) < 0;
		free(parent);
		if (bad)
			goto done;
	}

	snprintf(intent_name, sizeof intent_name, "%s-%s", op, name);
	intent = json_pack("{s:s, s:s, s:o, s:s, s:s, s:I}", "operation", op, "worktree", name,
	                   "snapshot_id", jvs_json_str_or_null(id), "tmp_path", tmp, "payload_root",
	                   payload, "pid", (json_int_t)getpid());
	if (!intent) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		goto done;
	}
	if (jvs_intent_write(repo, intent_name, intent) < 0)
		goto done;
	have_intent = 1;
	fault(op, "intent");

	/* Build the payload root aside, then move it into place in one step. */
	if (jvs_rm_rf(tmp) < 0) /* leftover of a crashed run */
		goto done;
	/* btrfs-subvolume: tmp becomes a writable snapshot of the snapshot */
	if ((!id || fork_btrfs_subvolume(repo, id, name, tmp) < 0) && jvs_safe_mkdir(tmp, 0755) < 0) {
		jvs_error_sys("cannot create '%s'", tmp);
		goto done;
	}
	made_tmp = 1;
	if (id && !jvs_btrfs_is_subvolume(tmp)) {
		/* The cache rows are keyed by relative path and inode, which the
		 * move below keeps, so the checkout can fill the new worktree's
		 * cache; rows of an earlier worktree of that name must go first. */
		forget_cache(repo, name);
		if (jvs_checkout_progress_run(repo, id, tmp, name, &st, progress, progress_arg) < 0)
			goto done;
	}
	fault(op, "checkout");
	if (sync_tree(tmp) < 0 || ensure_layout(repo, payload) < 0)
		goto done;
	if (move_durably(tmp, payload) < 0)
		goto done;
	moved = 1;
	made_tmp = 0;
	fault(op, "rename");

	if (save_new_config(repo, name, id) < 0)
		goto done;
	committed = 1;

	if (jvs_intent_remove(repo, intent_name) < 0)
		goto done;
	have_intent = 0;
	snprintf(audit_op, sizeof audit_op, "worktree_%s", op);
	details = json_pack("{s:o, s:s}", "snapshot_id", jvs_json_str_or_null(id), "path", payload);
	if (jvs_audit_append(repo, audit_op, name, details, NULL) < 0)
		goto done;
	rc = 0;
done:
	if (rc < 0 && !committed) {
		jvs_error saved = *jvs_error_last();
		if (made_tmp)
			jvs_rm_rf(tmp);
		if (moved) {
			jvs_rm_rf(payload);
			jvs_rm_rf(cfgdir);
		}
		if (id && (made_tmp || moved))
			forget_cache(repo, name); /* rows the checkout recorded */
		if (have_intent)
			jvs_intent_remove(repo, intent_name);
		restore_error(&saved);
	}
	json_decref(intent);
	free(tmp);
	free(payload);
	free(cfgdir);
	jvs_unlock_worktree(&locks);
	return rc;
}

int jvs_worktree_fork(jvs_repo *repo, const char *id, const char *name,
		      const jvs_worktree_fork_opts *opts)
{
	jvs_worktree_fork_opts none = JVS_WORKTREE_FORK_OPTS_INIT;
	if (!opts)
		opts = &none;
	if (jvs_opts_check(opts->version, JVS_WORKTREE_FORK_OPTS_VERSION, "jvs_worktree_fork_opts") <
	    0)
		return jvs_error_code();
	if (!id || !*id)
		return jvs_error_set(JVS_E_USAGE, "fork needs a snapshot");
	return jvs_error_rc(make_worktree(repo, "fork", id, name, opts->wait_seconds,
					  opts->progress, opts->progress_arg));
}

int jvs__worktree_create(jvs_repo *repo, const char *name, const char *from_id, int wait_seconds)
{
	return make_worktree(repo, "create", from_id, name, wait_seconds, NULL, NULL);
}

static int refuse_main(const char *name, const char *what)
{
	jvs_error_set(JVS_E_DIRTY, "refusing to %s worktree '%s'", what, name);
	return jvs_error_hint("'main' is the default worktree; use --force to %s it anyway", what);
}

/* The two worktree locks of a rename, taken in name order so that two
 * renames waiting for each other cannot deadlock. */
typedef struct {
	jvs_lock *repo, *a, *b;
} rename_locks;

static int lock_pair(const jvs_repo *repo, const char *x, const char *y, int wait_seconds,
                     rename_locks *out)
{
	char la[160], lb[160];
	const char *first = strcmp(x, y) < 0 ? x : y, *second = first == x ? y : x;
	memset(out, 0, sizeof *out);
	snprintf(la, sizeof la, "worktree-%s", first);
	snprintf(lb, sizeof lb, "worktree-%s", second);
	if (jvs_lock_acquire(repo, "repo", JVS_LOCK_SHARED, wait_seconds, &out->repo) < 0)
		return -1;
	if (jvs_lock_acquire(repo, la, JVS_LOCK_EXCLUSIVE, wait_seconds, &out->a) < 0 ||
	    jvs_lock_acquire(repo, lb, JVS_LOCK_EXCLUSIVE, wait_seconds, &out->b) < 0) {
		jvs_lock_release(out->a);
		jvs_lock_release(out->repo);
		memset(out, 0, sizeof *out);
		return -1;
	}
	return 0;
}

static void unlock_pair(rename_locks *l)
{
	jvs_lock_release(l->b);
	jvs_lock_release(l->a);
	jvs_lock_release(l->repo);
	memset(l, 0, sizeof *l);
}

int jvs__worktree_rename(jvs_repo *repo, const char *old_name, const char *new_name, int force,
                        int wait_seconds)
{
	rename_locks locks = {0};
	jvs_worktree wt;
	json_t *intent = NULL, *details;
	char intent_name[INTENT_NAME_BUF];
	char *from = NULL, *to = NULL, *old_cfg = NULL, *new_cfg = NULL;
	int rc = -1, have_intent = 0, moved = 0, saved_cfg = 0;

	if (jvs_worktree_load(repo, old_name, &wt) < 0)
		return -1;
	if (jvs_name_validate(new_name, "worktree name") < 0)
		return -1;
	if (!strcmp(old_name, "main") && !force)
		return refuse_main(old_name, "rename");
	if (check_free(repo, new_name) < 0)
		return -1;
	if (lock_pair(repo, old_name, new_name, wait_seconds, &locks) < 0)
		return -1;
	/* Re-read under the lock: a snapshot may have moved head meanwhile. */
	if (jvs_worktree_load(repo, old_name, &wt) < 0 || check_free(repo, new_name) < 0)
		goto done;

	from = jvs_repo_payload_root(repo, old_name);
	to = jvs_repo_payload_root(repo, new_name);
	old_cfg = jvs_repo_pathf(repo, "worktrees/%s", old_name);
	new_cfg = jvs_repo_pathf(repo, "worktrees/%s", new_name);
	if (!from || !to || !old_cfg || !new_cfg)
		goto done;
	if (jvs_repo_payload_check(repo, old_name) < 0 ||
	    jvs_repo_payload_check(repo, new_name) < 0)
		goto done; /* never moved through a symlink, --force or not */
	if (!jvs_is_dir(from)) {
		jvs_error_set(JVS_E_IO, "payload root '%s' of worktree '%s' is missing", from,
		              old_name);
		jvs_error_hint("run 'jvs doctor'");
		goto done;
	}

	snprintf(intent_name, sizeof intent_name, "rename-%s", old_name);
	intent = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "operation", "rename", "from",
	                   old_name, "to", new_name, "from_path", from, "to_path", to, "pid",
	                   (json_int_t)getpid());
	if (!intent) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		goto done;
	}
	if (jvs_intent_write(repo, intent_name, intent) < 0)
		goto done;
	have_intent = 1;
	jvs_fault_point("rename-after-intent");

	if (ensure_layout(repo, to) < 0 || move_durably(from, to) < 0)
		goto done;
	moved = 1;
	jvs_fault_point("rename-after-payload");

	snprintf(wt.name, sizeof wt.name, "%s", new_name);
	if (jvs_worktree_save(repo, &wt) < 0 || fsync_config_dir(repo) < 0)
		goto done;
	saved_cfg = 1;
	jvs_fault_point("rename-after-config");

	/* From here on the rename has happened; a failure leaves the intent
	 * for doctor to finish. */
	if (jvs_rm_rf(old_cfg) < 0 || fsync_config_dir(repo) < 0) {
		jvs_error_hint("run 'jvs doctor' to finish the rename");
		goto done;
	}
	forget_cache(repo, old_name);
	if (jvs_intent_remove(repo, intent_name) < 0)
		goto done;
	have_intent = 0;
	details = json_pack("{s:s, s:s, s:s, s:b}", "from", old_name, "to", new_name, "path", to,
	                    "forced", force);
	if (jvs_audit_append(repo, "worktree_rename", old_name, details, NULL) < 0)
		goto done;
	rc = 0;
done:
	if (rc < 0 && !saved_cfg) {
		jvs_error saved = *jvs_error_last();
		if (moved && jvs_safe_rename(to, from) == 0) {
			jvs_fsync_parent(from);
			jvs_fsync_parent(to);
			moved = 0;
		}
		if (!moved) {
			jvs_rm_rf(new_cfg); /* a half-written config, if any */
			if (have_intent)
				jvs_intent_remove(repo, intent_name);
		}
		restore_error(&saved);
	}
	json_decref(intent);
	free(from);
	free(to);
	free(old_cfg);
	free(new_cfg);
	unlock_pair(&locks);
	return rc;
}

int jvs_worktree_dirty_count(const jvs_repo *repo, const char *name, size_t *out)
{
	jvs_worktree wt;
	jvs_changes ch = {0};
	char *payload;
	int present;
	*out = 0;
	if (jvs_worktree_load(repo, name, &wt) < 0)
		return -1;
	payload = jvs_repo_payload_root(repo, name);
	if (!payload)
		return -1;
	present = jvs_is_dir(payload);
	free(payload);
	if (!present)
		return 0;
	if (jvs_changes_worktree(repo, name, wt.head[0] ? wt.head : NULL, &ch) < 0)
		return -1;
	*out = ch.n;
	jvs_changes_clear(&ch);
	return 0;
}

int jvs__worktree_remove(jvs_repo *repo, const char *name, int force, int wait_seconds)
{
	jvs_wt_locks locks = {0};
	jvs_worktree wt;
	json_t *intent = NULL, *details;
	char intent_name[INTENT_NAME_BUF];
	char *payload = NULL, *tmp = NULL, *cfgdir = NULL;
	int rc = -1, have_intent = 0, moved = 0, committed = 0;
	size_t dirty = 0;

	if (jvs_worktree_load(repo, name, &wt) < 0)
		return -1;
	if (!strcmp(name, "main") && !force)
		return refuse_main(name, "remove");
	if (jvs_lock_worktree(repo, name, wait_seconds, &locks) < 0)
		return -1;
	if (jvs_worktree_load(repo, name, &wt) < 0)
		goto done;
	/* --force overrides unsnapshotted changes, never a path escape */
	if (jvs_repo_payload_check(repo, name) < 0)
		goto done;
	/* Even with --force: removing would delete another file system's files. */
	payload = jvs_repo_payload_root(repo, name);
	if (!payload || jvs_mount_refuse(payload, name, "worktree remove") < 0)
		goto done;
	free(payload);
	payload = NULL;
	if (!force) {
		if (jvs_worktree_dirty_count(repo, name, &dirty) < 0) {
			if (jvs_error_last()->cls != JVS_E_PATH_ESCAPE)
				jvs_error_hint("use --force to remove it without checking");
			goto done;
		}
		if (dirty > 0) {
			if (wt.head[0])
				jvs_error_set(JVS_E_DIRTY,
				              "worktree '%s' differs from its head %s: %zu "
				              "unsnapshotted change%s",
				              name, wt.head, dirty, dirty == 1 ? "" : "s");
			else
				jvs_error_set(JVS_E_DIRTY,
				              "worktree '%s' has %zu entr%s and no snapshot", name,
				              dirty, dirty == 1 ? "y" : "ies");
			jvs_error_hint("snapshot them first (jvs snapshot -w %s), or use --force "
			               "to discard them",
			               name);
			goto done;
		}
	}

	payload = jvs_repo_payload_root(repo, name);
	tmp = jvs_strf("%s/.jvs-tmp-remove-%s", jvs_repo_root(repo), name);
	cfgdir = jvs_repo_pathf(repo, "worktrees/%s", name);
	if (!payload || !tmp || !cfgdir)
		goto done;
	snprintf(intent_name, sizeof intent_name, "remove-%s", name);
	intent = json_pack("{s:s, s:s, s:s, s:s, s:I}", "operation", "remove", "worktree", name,
	                   "payload_root", payload, "tmp_path", tmp, "pid", (json_int_t)getpid());
	if (!intent) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		goto done;
	}
	if (jvs_intent_write(repo, intent_name, intent) < 0)
		goto done;
	have_intent = 1;
	jvs_fault_point("remove-after-intent");

	/* Move the files out of sight in one step, then delete at leisure. */
	if (jvs_rm_rf(tmp) < 0)
		goto done;
	if (jvs_path_exists(payload)) {
		if (move_durably(payload, tmp) < 0)
			goto done;
		moved = 1;
	}
	jvs_fault_point("remove-after-rename");
	if (jvs_rm_rf(cfgdir) < 0 || fsync_config_dir(repo) < 0)
		goto done;
	committed = 1;
	jvs_fault_point("remove-after-config");
	if (jvs_rm_rf(tmp) < 0) {
		jvs_error_hint("the worktree is gone; 'jvs doctor --repair-runtime' removes "
		               "what is left of its files");
		goto done;
	}
	jvs_fsync_dir(jvs_repo_root(repo));
	forget_cache(repo, name);
	if (jvs_intent_remove(repo, intent_name) < 0)
		goto done;
	have_intent = 0;
	details = json_pack("{s:o, s:o, s:s, s:b}", "head_snapshot_id",
	                    jvs_json_str_or_null(wt.head), "latest_snapshot_id",
	                    jvs_json_str_or_null(wt.latest), "path", payload, "forced", force);
	if (jvs_audit_append(repo, "worktree_remove", name, details, NULL) < 0)
		goto done;
	rc = 0;
done:
	if (rc < 0 && !committed) {
		jvs_error saved = *jvs_error_last();
		int back = !moved;
		if (moved && !jvs_path_exists(payload) && jvs_safe_rename(tmp, payload) == 0) {
			jvs_fsync_parent(payload);
			jvs_fsync_parent(tmp);
			back = 1;
		}
		if (back && have_intent)
			jvs_intent_remove(repo, intent_name);
		restore_error(&saved);
	}
	json_decref(intent);
	free(payload);
	free(tmp);
	free(cfgdir);
	jvs_unlock_worktree(&locks);
	return rc;
}

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

/* ---- recovery of interrupted operations (for doctor) -------------------- */

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
	if (save_new_config(repo, name, id) < 0)
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
	rename_locks locks = {0};
	jvs_worktree wt;
	char *fpath = NULL, *tpath = NULL, *old_cfg = NULL;
	int rc = -1;

	if (!from || !to || jvs_name_validate(from, "worktree name") < 0 ||
	    jvs_name_validate(to, "worktree name") < 0)
		return jvs_error_clear(), 0;
	if (lock_pair(repo, from, to, 0, &locks) < 0)
		return -1;
	fpath = jvs_repo_payload_root(repo, from);
	tpath = jvs_repo_payload_root(repo, to);
	old_cfg = jvs_repo_pathf(repo, "worktrees/%s", from);
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
		if (jvs_worktree_save(repo, &wt) < 0 || fsync_config_dir(repo) < 0)
			goto done;
	}
	if (jvs_rm_rf(old_cfg) < 0 || fsync_config_dir(repo) < 0)
		goto done;
	forget_cache(repo, from);
	rc = jvs_audit_append(repo, "worktree_rename", from,
	                      json_pack("{s:s, s:s, s:s, s:b}", "from", from, "to", to, "path",
	                                tpath, "recovered_by_doctor", 1),
	                      NULL);
done:
	free(fpath);
	free(tpath);
	free(old_cfg);
	unlock_pair(&locks);
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
	cfgdir = jvs_repo_pathf(repo, "worktrees/%s", name);
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
	if (jvs_rm_rf(cfgdir) < 0 || fsync_config_dir(repo) < 0 || jvs_rm_rf(tmp) < 0)
		goto done;
	forget_cache(repo, name);
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
