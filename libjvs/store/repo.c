#include "jvs/repo.h"
#include "repo_int.h"
#include "jvs/error.h"
#include "fsutil.h"
#include "json.h"
#include "name.h"
#include "safepath.h"
#include "textesc.h"
#include "api_int.h"
#include "audit.h"
#include "error_int.h"
#include "worktree_int.h"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>

struct jvs_repo {
	char *root;
	char *control;
	char *worktree;
	char repo_id[40];
	int confined; /* root registered with jvs_safepath_set_root */
	json_t *config; /* config.json as first read (jvs_repo__config) */
};

static const char *const control_dirs[] = {
	"worktrees", "snapshots", "descriptors", "manifests", "intents", "audit",
	"gc",	     "gc/pins",	  "gc/plans",	 "gc/tombstones", "locks", "tmp",
};

int jvs_repo__make_control_plane(const char *dir, const char *repo_id, const char *created)
{
	char *p;
	json_t *cfg;
	int rc;
	if (jvs_safe_mkdir(dir, 0755) < 0)
		return jvs_error_sys("cannot create '%s'", dir);
	for (size_t i = 0; i < sizeof control_dirs / sizeof *control_dirs; i++) {
		p = jvs_path_join(dir, control_dirs[i]);
		if (!p)
			return -1;
		rc = jvs_safe_mkdir(p, 0755);
		if (rc < 0) {
			jvs_error_sys("cannot create '%s'", p);
			free(p);
			return -1;
		}
		free(p);
	}
	p = jvs_path_join(dir, "format_version");
	rc = p ? jvs_write_file_atomic(p, "1\n", 2) : -1;
	free(p);
	if (rc < 0)
		return -1;
	cfg = json_pack("{s:s, s:s, s:i}", "repo_id", repo_id, "created_at", created,
			"format_version", JVS_FORMAT_VERSION);
	p = jvs_path_join(dir, "config.json");
	rc = p && cfg ? jvs_json_write_file(p, cfg) : -1;
	free(p);
	json_decref(cfg);
	if (rc < 0)
		return -1;
	p = jvs_path_join(dir, "worktrees/main");
	if (!p || jvs_safe_mkdir(p, 0755) < 0) {
		if (p)
			jvs_error_sys("cannot create '%s'", p);
		free(p);
		return -1;
	}
	free(p);
	p = jvs_strf("%s/worktrees/main/config.json", dir);
	cfg = json_pack("{s:s, s:s, s:n, s:n, s:n}", "name", "main", "created_at", created,
			"base_snapshot_id", "head_snapshot_id", "latest_snapshot_id");
	rc = p && cfg ? jvs_json_write_file(p, cfg) : -1;
	free(p);
	json_decref(cfg);
	if (rc < 0)
		return -1;
	p = jvs_strf("%s/audit/audit.jsonl", dir);
	rc = p ? jvs_write_file_atomic(p, "", 0) : -1;
	free(p);
	if (rc < 0)
		return -1;
	return jvs_fsync_dir(dir);
}

/* ROOT/worktrees/worktrees -> . lets a shell inside one worktree reach a
 * sibling with `cd ../worktrees/NAME`, as the seed's Example 6 does. */
int jvs_repo_link_worktrees(const char *root)
{
	char *link = jvs_strf("%s/worktrees/worktrees", root);
	const char *leaf;
	int rc = 0, pfd;
	if (!link)
		return -1;
	pfd = jvs_safe_open_parent(link, &leaf);
	if (pfd < 0 || (symlinkat(".", pfd, leaf) < 0 && errno != EEXIST))
		rc = jvs_error_sys("cannot create '%s'", link);
	if (pfd >= 0)
		close(pfd);
	free(link);
	return rc;
}

/* SPEC §3: symlinks never lead control-plane writes outside. .jvs/ and each
 * of its directories that exists must be a real directory, not a symlink
 * (a missing one is doctor's business). */
static int check_control_plane(const jvs_repo *repo)
{
	struct stat st;
	/* each directory by one lookup in .jvs itself: an absolute path costs a
	 * lookup of every component, a round trip each on a FUSE mount */
	int dfd = open(repo->control, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		if (errno == ELOOP || errno == ENOTDIR)
			goto bad_root;
		return 0; /* missing or unreadable: what reads it says so */
	}
	for (size_t i = 0; i < sizeof control_dirs / sizeof *control_dirs; i++) {
		if (fstatat(dfd, control_dirs[i], &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    S_ISDIR(st.st_mode))
			continue;
		close(dfd);
		jvs_error_set(JVS_E_PATH_ESCAPE, "'.jvs/%s' is not a directory%s", control_dirs[i],
			      S_ISLNK(st.st_mode) ? " (a symlink out of the control plane)" : "");
		return jvs_error_hint("replace it with a real directory; JVS never "
				      "follows control-plane symlinks");
	}
	close(dfd);
	return 0;
bad_root:
	jvs_error_set(JVS_E_PATH_ESCAPE, "'%s' is not a directory", repo->control);
	return jvs_error_hint("replace it with a real directory; JVS never follows "
			      "control-plane symlinks");
}

/* "1\n" and room for a few more digits: anything bigger is not ours */
#define FORMAT_VERSION_MAX 64

static int check_format(const char *root)
{
	char *p = jvs_path_join(root, ".jvs/format_version"), *buf = NULL;
	long v;
	if (!p)
		return -1;
	if (jvs_safe_read_file(p, FORMAT_VERSION_MAX, &buf, NULL) < 0) {
		free(p);
		return -1;
	}
	free(p);
	v = strtol(buf, NULL, 10);
	free(buf);
	if (v > JVS_FORMAT_VERSION_READ)
		return jvs_error_set(JVS_E_FORMAT_UNSUPPORTED,
				     "repository format %ld is newer than supported (%d)", v,
				     JVS_FORMAT_VERSION_READ),
		       jvs_error_hint("upgrade jvs");
	if (v < 1)
		return jvs_error_set(JVS_E_FORMAT_UNSUPPORTED, "unreadable format_version"),
		       jvs_error_hint("run 'jvs doctor'");
	return 0;
}

static int load_repo_id(jvs_repo *repo)
{
	json_t *cfg = jvs_repo__config(repo);
	const char *id = jvs_json_str(cfg, "repo_id");
	if (id)
		snprintf(repo->repo_id, sizeof repo->repo_id, "%s", id);
	json_decref(cfg);
	jvs_error_clear();
	return 0;
}

/* Works out the current worktree from the path below the root. */
static int detect_worktree(jvs_repo *repo, const char *cwd)
{
	size_t rlen = strlen(repo->root);
	const char *rel = cwd + rlen, *slash;
	char name[JVS_NAME_MAX + 1];
	char *cfg;
	if (*rel == '/')
		rel++;
	if (!strncmp(rel, "main", 4) && (rel[4] == '\0' || rel[4] == '/')) {
		strcpy(name, "main");
	} else if (!strncmp(rel, "worktrees/", 10)) {
		rel += 10;
		slash = strchr(rel, '/');
		size_t n = slash ? (size_t)(slash - rel) : strlen(rel);
		if (n == 0 || n > JVS_NAME_MAX)
			return 0;
		memcpy(name, rel, n);
		name[n] = '\0';
	} else {
		return 0;
	}
	if (jvs_name_validate(name, "worktree name") < 0) {
		jvs_error_clear();
		return 0;
	}
	cfg = jvs_repo_pathf(repo, "worktrees/%s/config.json", name);
	if (!cfg)
		return -1;
	if (jvs_path_exists(cfg))
		repo->worktree = strdup(name);
	free(cfg);
	return 0;
}

int jvs__repo_open(jvs_repo **out, const char *start_dir)
{
	char cwd[PATH_MAX], dir[PATH_MAX], probe[PATH_MAX + 32];
	jvs_repo *repo;

	if (!realpath(start_dir ? start_dir : ".", cwd))
		return jvs_error_sys("cannot resolve '%s'", start_dir ? start_dir : ".");
	snprintf(dir, sizeof dir, "%s", cwd);
	for (;;) {
		char *slash;
		snprintf(probe, sizeof probe, "%s/.jvs/format_version",
			 strcmp(dir, "/") ? dir : "");
		if (jvs_path_exists(probe))
			break;
		if (!strcmp(dir, "/")) {
			jvs_error_set(JVS_E_NOT_A_REPO, "not inside a JVS repository");
			return jvs_error_hint("run 'jvs init DIR' to create one, or use -C DIR");
		}
		slash = strrchr(dir, '/');
		if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
	}
	repo = calloc(1, sizeof *repo);
	if (!repo)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	repo->root = strdup(dir);
	repo->control = jvs_strf("%s/.jvs", strcmp(dir, "/") ? dir : "");
	if (!repo->root || !repo->control) {
		jvs_repo_free(repo);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	repo->confined = jvs_safepath_set_root(repo->root) == 0;
	if (!repo->confined || check_format(repo->root) < 0 || check_control_plane(repo) < 0) {
		jvs_repo_free(repo);
		return -1;
	}
	load_repo_id(repo);
	if (detect_worktree(repo, cwd) < 0) {
		jvs_repo_free(repo);
		return -1;
	}
	*out = repo;
	return 0;
}

void jvs_repo_free(jvs_repo *repo)
{
	if (!repo)
		return;
	if (repo->confined)
		jvs_safepath_clear_root(repo->root);
	free(repo->root);
	free(repo->control);
	free(repo->worktree);
	json_decref(repo->config);
	free(repo);
}

/* ---- config.json ---- */

static int file_error(const char *path)
{
	jvs_error saved = jvs_error_save();
	jvs_error_set(saved.cls == JVS_OK ? JVS_E_IO : saved.cls, "cannot read the settings: %s",
	              saved.message[0] ? saved.message : path);
	if (saved.hint[0])
		return jvs_error_hint("%s", saved.hint);
	return jvs_error_hint("replace .jvs/config.json with a regular JSON file (see "
	                      "jvs-format(5)); jvs doctor reports it");
}

int jvs_repo__read_config(const jvs_repo *repo, json_t **out, int *exists)
{
	char *path = jvs_repo_path(repo, "config.json"), *buf = NULL;
	json_error_t jerr;
	size_t len;
	json_t *j;
	*out = NULL;
	if (exists)
		*exists = 0;
	if (!path)
		return -1;
	if (jvs_safe_read_file(path, JVS_CONFIG_MAX_BYTES, &buf, &len) < 0) {
		int err = errno;
		if (err == ENOENT) {
			jvs_error_clear();
			free(path);
			*out = json_object();
			return *out ? 0 : jvs_error_set(JVS_E_INTERNAL, "out of memory");
		}
		if (err == EFBIG) {
			jvs_error_set(JVS_E_UNSUPPORTED_FILE, "'%s' is larger than %d bytes", path,
			              JVS_CONFIG_MAX_BYTES);
			jvs_error_hint("settings fit in a few hundred bytes; replace .jvs/config.json "
			               "with a regular JSON file (see jvs-format(5))");
		} else {
			file_error(path);
		}
		free(path);
		return -1;
	}
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (!j || !json_is_object(j)) {
		jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "'%s' is not a valid JSON object (%s)",
		              path, j ? "not an object" : jerr.text);
		json_decref(j);
		free(path);
		return jvs_error_hint("fix or restore .jvs/config.json (see jvs-format(5)); "
		                      "jvs doctor reports it");
	}
	free(path);
	if (exists)
		*exists = 1;
	*out = j;
	return 0;
}

json_t *jvs_repo__config(const jvs_repo *repo)
{
	jvs_repo *r = (jvs_repo *)repo; /* the cache is not the handle's state */
	if (!r->config && jvs_repo__read_config(repo, &r->config, NULL) < 0)
		return NULL;
	return json_incref(r->config);
}

void jvs_repo__config_forget(const jvs_repo *repo)
{
	jvs_repo *r = (jvs_repo *)repo;
	json_decref(r->config);
	r->config = NULL;
}

const char *jvs_repo_root(const jvs_repo *repo)
{
	return repo->root;
}

const char *jvs_repo_id(const jvs_repo *repo)
{
	return repo->repo_id;
}

const char *jvs_repo_worktree(const jvs_repo *repo)
{
	return repo->worktree;
}

int jvs_repo__set_worktree(jvs_repo *repo, const char *name)
{
	char *dup = strdup(name);
	if (!dup)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	free(repo->worktree);
	repo->worktree = dup;
	return 0;
}

int jvs__repo_require_worktree(const jvs_repo *repo, const char **out_name)
{
	if (!repo->worktree) {
		jvs_error_set(JVS_E_NO_WORKTREE, "not inside a worktree of %s", repo->root);
		return jvs_error_hint("cd %s/main, or name one with -w NAME", repo->root);
	}
	*out_name = repo->worktree;
	return 0;
}

char *jvs_repo_path(const jvs_repo *repo, const char *rel)
{
	return jvs_path_join(repo->control, rel);
}

char *jvs_repo_pathf(const jvs_repo *repo, const char *fmt, ...)
{
	va_list ap;
	char *rel = NULL, *out;
	va_start(ap, fmt);
	if (vasprintf(&rel, fmt, ap) < 0)
		rel = NULL;
	va_end(ap);
	if (!rel) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		return NULL;
	}
	out = jvs_path_join(repo->control, rel);
	free(rel);
	return out;
}

int jvs_repo_payload_check(const jvs_repo *repo, const char *worktree)
{
	char *paths[2] = {NULL, NULL};
	struct stat st;
	int rc = 0;
	paths[0] = strcmp(worktree, "main") ? jvs_strf("%s/worktrees", repo->root) : NULL;
	paths[1] = jvs_repo_payload_root(repo, worktree);
	if (!paths[1] || (strcmp(worktree, "main") && !paths[0]))
		rc = jvs_error_set(JVS_E_INTERNAL, "out of memory");
	for (int i = 0; i < 2 && rc == 0; i++) {
		if (!paths[i] || lstat(paths[i], &st) < 0 || S_ISDIR(st.st_mode))
			continue;
		jvs_error_set(JVS_E_PATH_ESCAPE, "'%s' is %s, not a directory", paths[i],
			      S_ISLNK(st.st_mode) ? "a symlink" : "not a directory");
		rc = jvs_error_hint("JVS never follows a symlinked worktree out of the "
				    "repository; replace it with a real directory");
	}
	free(paths[0]);
	free(paths[1]);
	return rc;
}

char *jvs_repo_payload_root(const jvs_repo *repo, const char *worktree)
{
	if (!strcmp(worktree, "main"))
		return jvs_strf("%s/main", repo->root);
	return jvs_strf("%s/worktrees/%s", repo->root, worktree);
}
