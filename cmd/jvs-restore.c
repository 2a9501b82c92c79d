/* jvs-restore: bring the current worktree to a snapshot, in place. */
#include "cli.h"

#include "catalog.h"
#include "degraded.h"
#include "changes.h"
#include "error_int.h"
#include "json.h"
#include "manifest.h"
#include "paths.h"
#include "jvs/restore.h"
#include "textesc.h"
#include "scan_progress.h"
#include "jvs/worktree.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *note_of(const char *note)
{
	return cli_esc(note && *note ? note : "no note");
}

/* 1 when change path p is one of paths or inside one. */
static int in_paths(char *const *paths, size_t n, const char *p)
{
	return jvs_paths_covers(paths, n, p) == 2;
}

/* Shows what restoring would do (to the n named paths only, when n) and
 * asks; 1 yes, 0 no, -1 error. */
static int confirm(const jvs_repo *repo, const char *worktree, const jvs_descriptor *d,
                   char *const *paths, size_t n, int discard)
{
	jvs_worktree wt;
	jvs_changes to_target, dirty;
	char line[64], pending[JVS_ID_BUF], *s;
	const char *in = n ? " in these paths" : "";
	size_t nt = 0, nd = 0;
	fprintf(stderr, "Target: %s  %s  (%s)\n", d->snapshot_id, cli_esc(d->created_at),
	        note_of(d->note));
	if (d->ntags) {
		fprintf(stderr, "Tags:");
		for (size_t i = 0; i < d->ntags; i++)
			fprintf(stderr, " %s", cli_esc(d->tags[i]));
		fprintf(stderr, "\n");
	}
	if (jvs_worktree_load(repo, worktree, &wt) < 0 ||
	    jvs_changes_worktree(repo, worktree, d->snapshot_id, &to_target) < 0)
		return -1;
	if (jvs_changes_worktree(repo, worktree, wt.head, &dirty) < 0) {
		jvs_changes_clear(&to_target);
		return -1;
	}
	for (size_t i = 0; i < dirty.n; i++)
		nd += !n || in_paths(paths, n, dirty.c[i].path);
	for (size_t i = 0; i < to_target.n; i++)
		nt += !n || in_paths(paths, n, to_target.c[i].path);
	if (!n && jvs_restore_interrupted(repo, worktree, pending))
		fprintf(stderr, "An interrupted restore to %s is pending%s\n",
		        cli_esc(*pending ? pending : "(unknown)"),
		        !strcmp(pending, d->snapshot_id) ? ": this restore finishes it"
		        : discard                        ? "; --discard abandons it"
		                                         : "; this restore will be refused");
	else if (nd)
		fprintf(stderr,
		        discard ? "%zu unsnapshotted change(s)%s will be DISCARDED\n"
		                : "%zu unsnapshotted change(s)%s will first be saved "
		                  "(tag autosave)\n",
		        nd, in);
	if (nt) {
		fprintf(stderr, "Restoring changes %zu entr%s of %s:\n", nt, nt == 1 ? "y" : "ies",
		        cli_esc(worktree));
		for (size_t i = 0; i < to_target.n; i++) {
			char k = (char)to_target.c[i].kind; /* seen from the worktree: inverted */
			if (n && !in_paths(paths, n, to_target.c[i].path))
				continue;
			if (k != 'M')
				k = k == 'A' ? 'D' : 'A';
			fprintf(stderr, "%c\t%s\n", k, cli_esc(to_target.c[i].path));
		}
	} else if (n) {
		fprintf(stderr, "these paths already hold exactly these files\n");
	} else {
		fprintf(stderr, "%s already holds exactly these files\n", cli_esc(worktree));
	}
	jvs_changes_clear(&to_target);
	jvs_changes_clear(&dirty);
	fprintf(stderr, "Restore? [y/N] ");
	fflush(stderr);
	if (!fgets(line, sizeof line, stdin))
		return 0;
	for (s = line; *s && isspace((unsigned char)*s); s++)
		;
	s[strcspn(s, " \t\r\n")] = '\0';
	return !strcasecmp(s, "y") || !strcasecmp(s, "yes");
}

/* --json of a path restore: what the restore changes in the paths, as
 * status entries seen from the worktree ("A" added by the restore, "M",
 * "D" removed), computed before it runs. NULL (and no error) when the
 * worktree cannot be compared with the target. */
static json_t *planned_changes(const jvs_repo *repo, const char *worktree, const char *id,
                               char *const *paths, size_t n)
{
	jvs_changes ch;
	json_t *arr;
	if (jvs_changes_worktree(repo, worktree, id, &ch) < 0) {
		jvs_error_clear();
		return NULL;
	}
	arr = json_array();
	for (size_t i = 0; arr && i < ch.n; i++) {
		char k[2] = {(char)ch.c[i].kind, 0};
		json_t *e;
		if (!in_paths(paths, n, ch.c[i].path))
			continue;
		if (k[0] != 'M')
			k[0] = k[0] == 'A' ? 'D' : 'A';
		e = json_pack("{s:s}", "status", k);
		if (!e || jvs_json_set_text(e, "path", ch.c[i].path) < 0 ||
		    json_array_append_new(arr, e) < 0) {
			json_decref(e);
			json_decref(arr);
			arr = NULL;
		}
	}
	jvs_changes_clear(&ch);
	return arr;
}

static int print_paths_result(cli *c, const jvs_repo *repo, const char *worktree,
                              const jvs_restore_result *r, char *const *paths, size_t n,
                              json_t *changes)
{
	char *root;
	int root_fd = -1;
	if (c->json) {
		json_t *a = json_array(), *j;
		for (size_t i = 0; a && i < n; i++)
			json_array_append_new(a, jvs_json_text(paths[i]));
		j = json_pack("{s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:I, s:I, s:I, s:O}", "worktree",
		              worktree, "snapshot_id", r->snapshot_id, "note",
		              jvs_json_text(r->note ? r->note : ""), "paths", a,
		              "autosave_snapshot_id",
		              r->autosave_id[0] ? json_string(r->autosave_id) : json_null(), "head",
		              r->head, "latest", r->latest, "written", (json_int_t)r->stats.written,
		              "removed", (json_int_t)r->stats.removed, "unchanged",
		              (json_int_t)r->stats.unchanged, "changes",
		              changes ? changes : json_null());
		return cli_print_json(c, j);
	}
	if (c->quiet) {
		printf("%s\n", r->snapshot_id);
		return 0;
	}
	if (r->resumed)
		fprintf(stderr, "note: finished the interrupted restore of paths of %s to %s\n",
		        cli_esc(worktree), r->snapshot_id);
	if (r->autosave_id[0])
		printf("Saved unsnapshotted changes of these paths as %s (tag autosave)\n",
		       r->autosave_id);
	if ((root = jvs_repo_payload_root(repo, worktree))) {
		root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		free(root);
	}
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (root_fd >= 0 && fstatat(root_fd, paths[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			printf("Removed %s (not in %s)\n", cli_esc(paths[i]), r->snapshot_id);
		else
			printf("Restored %s from %s\n", cli_esc(paths[i]), r->snapshot_id);
	}
	if (root_fd >= 0)
		close(root_fd);
	printf("%s is now modified relative to its head %s (see jvs status)\n", cli_esc(worktree),
	       r->head[0] ? r->head : "(none)");
	return 0;
}

static int print_result(cli *c, const char *worktree, const jvs_restore_result *r)
{
	json_t *j;
	if (c->json) {
		j = json_pack("{s:s, s:s, s:o, s:b, s:o, s:I, s:I, s:I}", "worktree", worktree,
		              "snapshot_id", r->snapshot_id, "note", jvs_json_text(r->note ? r->note : ""),
		              "detached", r->detached, "autosave_snapshot_id",
		              r->autosave_id[0] ? json_string(r->autosave_id) : json_null(),
		              "written", (json_int_t)r->stats.written, "removed",
		              (json_int_t)r->stats.removed, "unchanged",
		              (json_int_t)r->stats.unchanged);
		return cli_print_json(c, j);
	}
	if (c->quiet) {
		printf("%s\n", r->snapshot_id);
		return 0;
	}
	if (r->resumed)
		fprintf(stderr, "note: finished the interrupted restore of %s to %s\n", cli_esc(worktree),
		        r->snapshot_id);
	if (r->autosave_id[0])
		printf("Saved unsnapshotted changes as %s (tag autosave)\n", r->autosave_id);
	printf("Restored %s to %s (%s)\n", cli_esc(worktree), r->snapshot_id, note_of(r->note));
	if (r->detached) {
		printf("%sDETACHED%s: %s is at %s, %s %s.\n", cli_color(CLI_YELLOW),
		       cli_color(CLI_RESET), cli_esc(worktree), r->snapshot_id,
		       strcmp(r->snapshot_id, r->latest) < 0 ? "an older snapshot than its latest"
		                                             : "not at its latest snapshot",
		       r->latest);
		printf("  back: jvs restore HEAD    forward from here: jvs worktree fork NAME\n");
	} else {
		printf("%s is at its latest snapshot (HEAD state)\n", cli_esc(worktree));
	}
	return 0;
}

/* Entries walked so far, shown while the worktree is compared (no total:
 * the walk is what finds it). */
static void scan_progress(void *arg, uint64_t entries)
{
	cli_progress_update(arg, 0, 0, entries, 0);
}

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	jvs_catalog cat = {0};
	jvs_restore_opts ro = JVS_RESTORE_OPTS_INIT;
	jvs_restore_result res = {0};
	cli_progress ps;
	const char *worktree, *tag = NULL, *ref = NULL;
	char id[JVS_ID_BUF];
	char **paths = NULL, **pargs = NULL;
	json_t *changes = NULL;
	size_t npaths = 0, npargs = 0;
	int rc, r, interactive = 0, no_hooks = 0, dashdash = 0;

	const cli_slot opts[] = {{"latest-tag", &tag},	  {"discard", &ro.discard},
				 {"no-hooks", &no_hooks}, {"delete", &ro.delete_missing},
				 {"interactive", &interactive}, {NULL, NULL}};

	rc = cli_start(&c, "jvs-restore", argc, argv, cli_store, (void *)opts);
	if (rc)
		return rc;
	argc = c.nargs;
	argv = c.args;
	dashdash = c.dashdash;
	pargs = c.paths;
	npargs = c.npaths;
	if (argc > 1 || (argc == 1 && tag) || (argc == 0 && !tag))
		return cli_usage_error(&c, "give one snapshot: REF, HEAD or --latest-tag TAG");
	if (dashdash && !npargs)
		return cli_usage_error(&c, "give at least one PATH after '--'");
	if (ro.delete_missing && !dashdash)
		return cli_usage_error(&c, "--delete applies to paths: give them after '--'");
	ref = argc ? argv[0] : NULL;
	ro.wait_seconds = c.wait_seconds;

	if (cli_open_repo(&c, &repo) < 0 || jvs_catalog_load(repo, &cat) < 0)
		goto fail;
	worktree = c.wt;
	if ((tag ? jvs_ref_latest_tag(&cat, tag, id) : cli_resolve_ref(&c, repo, &cat, ref, id)) < 0)
		goto fail;
	{
		const jvs_descriptor *d = jvs_catalog_get(&cat, id);
		if (dashdash) {
			char cwd[PATH_MAX];
			if (!getcwd(cwd, sizeof cwd)) {
				jvs_error_sys("cannot get the current directory");
				goto fail;
			}
			if (jvs_paths_resolve(repo, worktree, cwd, (const char *const *)pargs, npargs,
			                      &paths, &npaths) < 0)
				goto fail;
		} else if (d && d->npartial_paths) {
			/* a partial snapshot restores exactly its paths */
			if (jvs_paths_resolve(repo, worktree, NULL,
			                      (const char *const *)d->partial_paths, d->npartial_paths,
			                      &paths, &npaths) < 0)
				goto fail;
		}
	}
	if (interactive) {
		const jvs_descriptor *d = jvs_catalog_get(&cat, id);
		int yes = d ? confirm(repo, worktree, d, paths, paths ? npaths : 0, ro.discard) : 1;
		if (yes < 0)
			goto fail;
		if (!yes) {
			/* Refused by the user: an error like any other, so --json has one. */
			jvs_error_set(JVS_E_DIRTY, "restore cancelled; nothing changed");
			goto fail;
		}
	}
	if (cli_run_hook(repo, no_hooks, "pre-restore", "restore", worktree, id) < 0)
		goto fail;
	cli_progress_start(&ps, &c, "restoring", "entries");
	if (ps.enabled) {
		ro.progress = cli_progress_cb;
		ro.progress_arg = &ps;
		/* the walk of the worktree, before anything is written (on a
		 * TTY only: JSON counts never go down, and the walk's would) */
		if (!ps.json)
			jvs_scan_progress_set(scan_progress, &ps);
	}
	if (paths && c.json)
		changes = planned_changes(repo, worktree, id, paths, npaths);
	r = paths ? jvs_restore_paths(repo, worktree, id, paths, npaths, &ro, &res)
	          : jvs_restore(repo, worktree, id, &ro, &res);
	jvs_scan_progress_set(NULL, NULL);
	cli_progress_end(&ps);
	for (size_t i = 0; i < jvs_degraded_count(); i++) /* what the file system refused */
		fprintf(stderr, "degraded: %s\n", jvs_degraded_get(i));
	if (r < 0)
		goto fail;
	cli_run_hook(repo, no_hooks, "post-restore", "restore", worktree, id);
	rc = paths ? print_paths_result(&c, repo, worktree, &res, paths, npaths, changes)
	           : print_result(&c, worktree, &res);
	{
		/* The snapshot lacks the directory the shell is in: say where to go. */
		char cwd[PATH_MAX], *root;
		if (!getcwd(cwd, sizeof cwd) && errno == ENOENT && !c.quiet &&
		    (root = jvs_repo_payload_root(repo, worktree))) {
			fprintf(stderr, "note: your working directory is not in this snapshot; run: cd %s\n",
			        cli_esc(root));
			free(root);
		}
	}
	goto out;
fail:
	rc = cli_fail(&c);
out:
	json_decref(changes);
	if (paths)
		jvs_strv_free(paths, npaths);
	jvs_restore_result_clear(&res);
	jvs_catalog_clear(&cat);
	jvs_repo_free(repo);
	return rc;
}
