#include "worktree_ops.h"
#include "layout.h"
#include "worktree_ops_int.h"
#include "audit.h"
#include "compress.h"
#include "changes.h"
#include "checkout.h"
#include "descriptor.h"
#include "engine.h"
#include "jvs/error.h"
#include "fault.h"
#include "forkseed.h"
#include "fsutil.h"
#include "index.h"
#include "intent.h"
#include "json.h"
#include "lock.h"
#include "mounts.h"
#include "textesc.h"
#include "safepath.h"
#include "api_int.h"
#include "opts.h"
#include "error_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define INTENT_NAME_BUF (JVS_NAME_MAX + 16)

/* Keeps the current last error across cleanup calls that may overwrite it. */
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

int jvs_worktree__fsync_config_dir(const jvs_repo *repo)
{
	char *p = jvs_repo_path(repo, "worktrees");
	int rc = p ? jvs_fsync_dir(p) : -1;
	free(p);
	return rc;
}

/* The config of a new worktree: base = head = latest = id (or all null). */
int jvs_worktree__save_new_config(const jvs_repo *repo, const char *name, const char *id)
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
	return jvs_worktree__fsync_config_dir(repo);
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

void jvs_worktree__forget_cache(const jvs_repo *repo, const char *name)
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
	char *src = jvs_layout_payload(repo, id);
	jvs_compress_level z = JVS_COMPRESS_NONE;
	int rc = -1;
	/* a compressed snapshot's files are decoded by the checkout instead */
	if (src && jvs_engine_detect(repo, &e) == 0 && e.kind == JVS_ENGINE_BTRFS &&
	    jvs_compress_of_snapshot(repo, id, &z) == 0 && !z &&
	    jvs_btrfs_is_subvolume(src) && jvs_btrfs_snapshot_writable(src, tmp) == 0) {
		jvs_worktree__forget_cache(repo, name);
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

/* juicefs-clone: the new payload root is a tree clone of the snapshot's
 * payload, and its hash cache is left to the seed (forkseed.h) instead of
 * a walk of the new tree. -1 (error cleared, nothing left behind) when not
 * applicable: compressed, no record with ctimes, xattrs. */
static int fork_juicefs_seeded(jvs_repo *repo, const char *id, const char *name,
			       const char *tmp)
{
	jvs_engine e;
	jvs_descriptor d;
	jvs_compress_level z = JVS_COMPRESS_NONE;
	jvs_index *idx = NULL;
	char *src = jvs_layout_payload(repo, id);
	int have_d = 0, rc = -1;
	if (!src || jvs_engine_detect(repo, &e) < 0 || e.kind != JVS_ENGINE_JUICEFS ||
	    jvs_compress_of_snapshot(repo, id, &z) < 0 || z ||
	    jvs__descriptor_load(repo, id, &d) < 0)
		goto done;
	have_d = 1;
	idx = jvs_index_open(repo);
	if (!jvs_forkseed_usable(repo, idx, id, d.payload_root_hash, src))
		goto done;
	{
		/* before the clone: whatever changes a cloned entry later stamps
		 * its ctime after this */
		int64_t t = jvs_cache_clock_ns();
		if (jvs_engine_clone(&e, src, tmp) < 0 ||
		    jvs_forkseed_record(idx, name, id, d.payload_root_hash, t) < 0) {
			jvs_rm_rf(tmp);
			goto done;
		}
	}
	rc = 0;
done:
	if (have_d)
		jvs_descriptor_clear(&d);
	jvs_index_close(idx);
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
	int rc = -1, have_intent = 0, made_tmp = 0, moved = 0, committed = 0, cloned = 0;
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
	cfgdir = jvs_layout_worktree(repo, name);
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
	/* btrfs-subvolume: tmp becomes a writable snapshot of the snapshot;
	 * juicefs-clone: a tree clone of it */
	cloned = id && (fork_btrfs_subvolume(repo, id, name, tmp) == 0 ||
			fork_juicefs_seeded(repo, id, name, tmp) == 0);
	if (!cloned && jvs_safe_mkdir(tmp, 0755) < 0) {
		jvs_error_sys("cannot create '%s'", tmp);
		goto done;
	}
	made_tmp = 1;
	if (id && !cloned) {
		/* The cache rows are keyed by relative path and inode, which the
		 * move below keeps, so the checkout can fill the new worktree's
		 * cache; rows of an earlier worktree of that name must go first. */
		jvs_worktree__forget_cache(repo, name);
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

	if (jvs_worktree__save_new_config(repo, name, id) < 0)
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
		jvs_error saved = jvs_error_save();
		if (made_tmp)
			jvs_rm_rf(tmp);
		if (moved) {
			jvs_rm_rf(payload);
			jvs_rm_rf(cfgdir);
		}
		if (id && (made_tmp || moved))
			jvs_worktree__forget_cache(repo, name); /* rows the checkout recorded */
		if (have_intent)
			jvs_intent_remove(repo, intent_name);
		jvs_error_restore(&saved);
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

int jvs_worktree__lock_pair(const jvs_repo *repo, const char *x, const char *y,
                            int wait_seconds, jvs_rename_locks *out)
{
	char la[160], lb[160];
	const char *first = strcmp(x, y) < 0 ? x : y, *second = first == x ? y : x;
	memset(out, 0, sizeof *out);
	snprintf(la, sizeof la, "worktree-%s", first);
	snprintf(lb, sizeof lb, "worktree-%s", second);
	if (jvs_lock_repo(repo, JVS_LOCK_SHARED, wait_seconds, &out->repo) < 0)
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

void jvs_worktree__unlock_pair(jvs_rename_locks *l)
{
	jvs_lock_release(l->b);
	jvs_lock_release(l->a);
	jvs_lock_release(l->repo);
	memset(l, 0, sizeof *l);
}

int jvs__worktree_rename(jvs_repo *repo, const char *old_name, const char *new_name, int force,
                        int wait_seconds)
{
	jvs_rename_locks locks = {0};
	jvs_worktree wt;
	json_t *intent = NULL, *details;
	char intent_name[INTENT_NAME_BUF];
	char *from = NULL, *to = NULL, *old_cfg = NULL, *new_cfg = NULL;
	int rc = -1, have_intent = 0, moved = 0, saved_cfg = 0;

	if (jvs__worktree_load(repo, old_name, &wt) < 0)
		return -1;
	if (jvs_name_validate(new_name, "worktree name") < 0)
		return -1;
	if (!strcmp(old_name, "main") && !force)
		return refuse_main(old_name, "rename");
	if (check_free(repo, new_name) < 0)
		return -1;
	if (jvs_worktree__lock_pair(repo, old_name, new_name, wait_seconds, &locks) < 0)
		return -1;
	/* Re-read under the lock: a snapshot may have moved head meanwhile. */
	if (jvs__worktree_load(repo, old_name, &wt) < 0 || check_free(repo, new_name) < 0)
		goto done;

	from = jvs_repo_payload_root(repo, old_name);
	to = jvs_repo_payload_root(repo, new_name);
	old_cfg = jvs_layout_worktree(repo, old_name);
	new_cfg = jvs_layout_worktree(repo, new_name);
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
	if (jvs_worktree_save(repo, &wt) < 0 || jvs_worktree__fsync_config_dir(repo) < 0)
		goto done;
	saved_cfg = 1;
	jvs_fault_point("rename-after-config");

	/* From here on the rename has happened; a failure leaves the intent
	 * for doctor to finish. */
	if (jvs_rm_rf(old_cfg) < 0 || jvs_worktree__fsync_config_dir(repo) < 0) {
		jvs_error_hint("run 'jvs doctor' to finish the rename");
		goto done;
	}
	jvs_worktree__forget_cache(repo, old_name);
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
		jvs_error saved = jvs_error_save();
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
		jvs_error_restore(&saved);
	}
	json_decref(intent);
	free(from);
	free(to);
	free(old_cfg);
	free(new_cfg);
	jvs_worktree__unlock_pair(&locks);
	return rc;
}

int jvs_worktree_dirty_count(const jvs_repo *repo, const char *name, size_t *out)
{
	jvs_worktree wt;
	jvs_changes ch = {0};
	char *payload;
	int present;
	*out = 0;
	if (jvs__worktree_load(repo, name, &wt) < 0)
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

	if (jvs__worktree_load(repo, name, &wt) < 0)
		return -1;
	if (!strcmp(name, "main") && !force)
		return refuse_main(name, "remove");
	if (jvs_lock_worktree(repo, name, wait_seconds, &locks) < 0)
		return -1;
	if (jvs__worktree_load(repo, name, &wt) < 0)
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
	cfgdir = jvs_layout_worktree(repo, name);
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
	if (jvs_rm_rf(cfgdir) < 0 || jvs_worktree__fsync_config_dir(repo) < 0)
		goto done;
	committed = 1;
	jvs_fault_point("remove-after-config");
	if (jvs_rm_rf(tmp) < 0) {
		jvs_error_hint("the worktree is gone; 'jvs doctor --repair-runtime' removes "
		               "what is left of its files");
		goto done;
	}
	jvs_fsync_dir(jvs_repo_root(repo));
	jvs_worktree__forget_cache(repo, name);
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
		jvs_error saved = jvs_error_save();
		int back = !moved;
		if (moved && !jvs_path_exists(payload) && jvs_safe_rename(tmp, payload) == 0) {
			jvs_fsync_parent(payload);
			jvs_fsync_parent(tmp);
			back = 1;
		}
		if (back && have_intent)
			jvs_intent_remove(repo, intent_name);
		jvs_error_restore(&saved);
	}
	json_decref(intent);
	free(payload);
	free(tmp);
	free(cfgdir);
	jvs_unlock_worktree(&locks);
	return rc;
}
