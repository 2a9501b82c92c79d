/* jvs-diff: entries that differ between two snapshots, or a snapshot and
 * the worktree. */
#include "cli.h"

#include "jvs/catalog.h"
#include "jvs/changes.h"
#include "jvs/compress.h"
#include "jvs/descriptor.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/json.h"
#include "jvs/manifest.h"
#include "jvs/path_history.h"
#include "jvs/safepath.h"
#include "jvs/textesc.h"
#include "jvs/worktree.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* -- PATH...: keeps the changes at or below one of the paths ("." only for
 * the root, ""). */
static void keep_paths(jvs_changes *ch, char *const *paths, size_t npaths)
{
	size_t k = 0;
	for (size_t i = 0; i < ch->n; i++) {
		int keep = 0;
		for (size_t p = 0; p < npaths && !keep; p++)
			keep = strcmp(ch->c[i].path, ".") ? jvs_path_matches(ch->c[i].path, paths[p])
							  : !*paths[p];
		if (keep)
			ch->c[k++] = ch->c[i];
		else
			free(ch->c[i].path);
	}
	ch->n = k;
}

/* ---- -p: unified diffs by diff(1) ---- */

/* Whether an executable diff is in PATH (checked before any output). */
static int have_diff(void)
{
	const char *path = getenv("PATH");
	char *dup, *dir, *save = NULL;
	int found = 0;
	if (!path || !*path)
		path = "/usr/bin:/bin";
	dup = strdup(path);
	for (dir = dup ? strtok_r(dup, ":", &save) : NULL; dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *f = jvs_strf("%s/diff", *dir ? dir : ".");
		found = f && access(f, X_OK) == 0;
		free(f);
	}
	free(dup);
	if (!found) {
		jvs_error_set(JVS_E_IO, "jvs diff -p runs diff(1) from GNU diffutils, which is not in PATH");
		return jvs_error_hint("install diffutils (apt-get install diffutils), or leave out -p");
	}
	return 0;
}

/* The regular file path below dir_fd, opened for diff to read; -1 when it
 * is absent or not a regular file (its side is then /dev/null). */
static int open_regular(int dir_fd, const char *path)
{
	struct stat st;
	int fd = dir_fd < 0 ? -1 : jvs_openat_beneath(dir_fd, path, O_RDONLY | O_NONBLOCK);
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Runs `diff -u --label A --label B` on the two files (fd -1: /dev/null),
 * writing to our stdout. */
static int run_diff(const char *path, int fa, int fb)
{
	char la[8192], lb[8192], pa[32], pb[32];
	pid_t pid;
	int status;
	const char *e = cli_esc(path);
	snprintf(la, sizeof la, fa < 0 ? "/dev/null" : "a/%s", e);
	snprintf(lb, sizeof lb, fb < 0 ? "/dev/null" : "b/%s", e);
	snprintf(pa, sizeof pa, fa < 0 ? "/dev/null" : "/dev/fd/%d", fa);
	snprintf(pb, sizeof pb, fb < 0 ? "/dev/null" : "/dev/fd/%d", fb);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return jvs_error_sys("cannot start diff");
	if (pid == 0) {
		if (fa >= 0)
			fcntl(fa, F_SETFD, 0);
		if (fb >= 0)
			fcntl(fb, F_SETFD, 0);
		execlp("diff", "diff", "-u", "--label", la, "--label", lb, pa, pb, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return jvs_error_sys("cannot wait for diff");
	if (WIFEXITED(status) && WEXITSTATUS(status) <= 1)
		return 0;
	jvs_error_set(JVS_E_IO, "diff failed on '%s' (%s %d)", e,
		      WIFEXITED(status) ? "exit status" : "signal",
		      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return jvs_error_hint("diff(1) from GNU diffutils is needed for -p");
}

/* Opens the payload of snapshot id ("" : none, -1). */
static int open_snapshot_dir(const jvs_repo *repo, const char *id, int *out)
{
	char *p;
	*out = -1;
	if (!*id)
		return 0;
	if (!(p = jvs_repo_pathf(repo, "snapshots/%s", id)))
		return -1;
	*out = jvs_safe_open_dir(p);
	free(p);
	if (*out < 0)
		return jvs_error_sys("cannot open the files of snapshot %s", id);
	return 0;
}

static int print_patch(const jvs_repo *repo, const char *worktree, const char *from,
		       const char *to, const jvs_changes *ch)
{
	int afd = -1, bfd = -1, rc = -1;
	if (open_snapshot_dir(repo, from, &afd) < 0)
		goto done;
	if (to) {
		if (open_snapshot_dir(repo, to, &bfd) < 0)
			goto done;
	} else {
		char *root = jvs_repo_payload_root(repo, worktree);
		if (!root)
			goto done;
		bfd = jvs_safe_open_dir(root);
		if (bfd < 0) {
			jvs_error_sys("cannot open worktree '%s'", root);
			free(root);
			goto done;
		}
		free(root);
	}
	for (size_t i = 0; i < ch->n; i++) {
		const jvs_change *c = &ch->c[i];
		int fa, fb, r;
		if (!strcmp(c->path, "."))
			continue;
		fa = c->kind == JVS_CHANGE_ADDED ? -1 : open_regular(afd, c->path);
		fb = c->kind == JVS_CHANGE_DELETED ? -1 : open_regular(bfd, c->path);
		/* a compressed snapshot's zstd frames are shown decoded */
		if (fa >= 0 && (fa = jvs_compress_plain_fd(repo, from, c->path, fa)) < 0)
			r = -1;
		else if (fb >= 0 && to && (fb = jvs_compress_plain_fd(repo, to, c->path, fb)) < 0)
			r = -1;
		else
			r = fa < 0 && fb < 0 ? 0 : run_diff(c->path, fa, fb);
		if (fa >= 0)
			close(fa);
		if (fb >= 0)
			close(fb);
		if (r < 0)
			goto done;
	}
	rc = 0;
done:
	if (afd >= 0)
		close(afd);
	if (bfd >= 0)
		close(bfd);
	return rc;
}

static const char *const list_names[3] = {"added", "removed", "modified"};

static int print_json(cli *c, const char *from, const char *to, const jvs_changes *ch)
{
	json_t *arr[3] = {json_array(), json_array(), json_array()}; /* A, D, M */
	json_t *b64[3] = {json_array(), json_array(), json_array()};
	int odd[3] = {0, 0, 0}; /* a list holds a path that is not UTF-8 */
	json_t *j;
	for (size_t i = 0; i < ch->n; i++) {
		int k = ch->c[i].kind == JVS_CHANGE_ADDED     ? 0
		        : ch->c[i].kind == JVS_CHANGE_DELETED ? 1
		                                              : 2;
		int r = jvs_json_append_text(arr[k], b64[k], ch->c[i].path);
		if (r < 0) {
			for (int m = 0; m < 3; m++)
				json_decref(arr[m]), json_decref(b64[m]);
			jvs_error_set(JVS_E_INTERNAL, "out of memory");
			return cli_fail(c);
		}
		odd[k] |= r;
	}
	j = json_pack("{s:o, s:o, s:I, s:I, s:I, s:o, s:o, s:o}", "from_snapshot_id",
	              jvs_json_str_or_null(from), "to_snapshot_id", jvs_json_str_or_null(to),
	              "total_added", (json_int_t)json_array_size(arr[0]), "total_removed",
	              (json_int_t)json_array_size(arr[1]), "total_modified",
	              (json_int_t)json_array_size(arr[2]), "added", arr[0], "removed", arr[1],
	              "modified", arr[2]);
	for (int k = 0; k < 3; k++) {
		char key[16];
		snprintf(key, sizeof key, "%s_b64", list_names[k]);
		if (odd[k] && j)
			json_object_set(j, key, b64[k]);
		json_decref(b64[k]);
	}
	return cli_print_json(c, j);
}

static void print_text(const jvs_changes *ch, int stat)
{
	size_t n[3] = {0, 0, 0};
	for (size_t i = 0; i < ch->n; i++) {
		n[ch->c[i].kind == JVS_CHANGE_ADDED      ? 0
		  : ch->c[i].kind == JVS_CHANGE_MODIFIED ? 1
		                                         : 2]++;
		if (stat)
			continue;
		printf("%c\t%s\n", (char)ch->c[i].kind, cli_esc(ch->c[i].path));
	}
	if (stat)
		printf("%zu added, %zu modified, %zu removed\n", n[0], n[1], n[2]);
}

/* No operand: the head's parent against the head. */
static int default_range(const jvs_repo *repo, const char *worktree, char from[JVS_ID_BUF],
                         char to[JVS_ID_BUF])
{
	jvs_worktree wt;
	jvs_descriptor d;
	if (jvs_worktree_load(repo, worktree, &wt) < 0)
		return -1;
	if (!wt.head[0]) {
		jvs_error_set(JVS_E_NOT_FOUND, "worktree '%s' has no snapshot yet", worktree);
		return jvs_error_hint("'jvs status' shows what a first snapshot would hold");
	}
	if (jvs_descriptor_load(repo, wt.head, &d) < 0)
		return -1;
	snprintf(from, JVS_ID_BUF, "%s", d.parent_id);
	snprintf(to, JVS_ID_BUF, "%s", wt.head);
	jvs_descriptor_clear(&d);
	return 0;
}

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	jvs_catalog cat = {0};
	jvs_changes ch = {0};
	const char *worktree = NULL;
	char from[JVS_ID_BUF] = "", to[JVS_ID_BUF] = "";
	char **paths = NULL;
	size_t npaths = 0;
	int rc, stat = 0, patch = 0, r;
	const cli_slot opts[] = {{"stat", &stat}, {"patch", &patch}, {NULL, NULL}};

	rc = cli_start(&c, "jvs-diff", argc, argv, cli_store, (void *)opts);
	if (rc)
		return rc;
	argc = c.nargs;
	argv = c.args;
	if (argc > 2)
		return cli_usage_error(&c, "give at most two snapshots");
	if (patch && (stat || c.json))
		return cli_usage_error(&c, "-p does not combine with --stat or --json");
	if (c.dashdash && !c.npaths)
		return cli_usage_error(&c, "give at least one PATH after '--'");

	if (patch && !c.quiet && have_diff() < 0)
		goto fail;
	if (cli_open_repo(&c, &repo) < 0)
		goto fail;
	worktree = jvs_repo_worktree(repo);
	if (c.npaths && cli_worktree_paths(repo, worktree, (int)c.npaths, c.paths, &paths,
					   &npaths) < 0)
		goto fail;
	if (argc < 2 && jvs_repo_require_worktree(repo, &worktree) < 0)
		goto fail;
	if (argc == 0) {
		if (default_range(repo, worktree, from, to) < 0)
			goto fail;
	} else {
		if (cli_resolve_ref(&c, repo, &cat, argv[0], from) < 0 ||
		    (argc == 2 && cli_resolve_ref(&c, repo, &cat, argv[1], to) < 0))
			goto fail;
	}
	r = argc == 1 ? jvs_changes_worktree(repo, worktree, from, &ch)
	              : jvs_changes_snapshots(repo, from, to, &ch);
	if (r < 0)
		goto fail;
	if (paths)
		keep_paths(&ch, paths, npaths);
	if (patch && !c.quiet) {
		if (print_patch(repo, worktree, from, argc == 1 ? NULL : to, &ch) < 0)
			goto fail;
		rc = 0; /* a failed write of the patch is E_IO at exit (cli_start) */
	} else if (c.json)
		rc = print_json(&c, from, argc == 1 ? NULL : to, &ch);
	else if (!c.quiet)
		print_text(&ch, stat), rc = 0;
	else
		rc = ch.n > 0; /* -q: like git diff --quiet */
	goto out;
fail:
	rc = cli_fail(&c);
out:
	cli_paths_free(paths, npaths);
	jvs_changes_clear(&ch);
	jvs_catalog_clear(&cat);
	jvs_repo_free(repo);
	return rc;
}
