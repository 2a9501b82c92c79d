/* jvs-worktree-fork: a new worktree holding a snapshot's files. */
#include "cli.h"

#include "catalog.h"
#include "degraded.h"
#include "error_int.h"
#include "jvs/worktree.h"
#include "worktree_ops.h"

#include <stdio.h>
#include <stdlib.h>

/* The current worktree's position: the files it was last restored to or
 * snapshotted as, so a detached worktree forks from where it is. */
static int current_head(jvs_repo *repo, char id[JVS_ID_BUF])
{
	const char *cur;
	jvs_worktree wt;
	if (!jvs_repo_worktree(repo)) {
		jvs_error_set(JVS_E_NO_WORKTREE, "no current worktree to fork from");
		return jvs_error_hint("cd into a worktree, use -w NAME, or name the snapshot: "
		                      "jvs worktree fork REF NAME");
	}
	if (jvs_repo_require_worktree(repo, &cur) < 0 || jvs_worktree_load(repo, cur, &wt) < 0)
		return -1;
	if (!wt.head[0]) {
		jvs_error_set(JVS_E_NOT_FOUND, "nothing to fork: worktree '%s' has no snapshot yet",
		              cur);
		return jvs_error_hint("run 'jvs snapshot' first, or make an empty worktree with "
		                      "'jvs worktree create NAME'");
	}
	snprintf(id, JVS_ID_BUF, "%s", wt.head);
	return 0;
}

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	jvs_catalog cat = {0};
	const char *ref = NULL, *name;
	char id[JVS_ID_BUF];
	const cli_slot opts[] = {{"at", &ref}, {NULL, NULL}};
	int r, rc = cli_start(&c, "jvs-worktree-fork", argc, argv, cli_store, (void *)opts);
	cli_progress ps;
	jvs_worktree_fork_opts fo = JVS_WORKTREE_FORK_OPTS_INIT;

	if (rc)
		return rc;
	argc = c.nargs;
	argv = c.args;
	if (argc == 2 && !ref)
		ref = argv[0];
	else if (argc != 1)
		return cli_usage_error(&c, argc == 0 ? "missing worktree NAME"
		                                     : "give one REF (or --at REF) and one NAME");
	name = argv[argc - 1];

	if (cli_open_repo(&c, &repo) < 0)
		goto fail;
	if (ref) {
		if (cli_resolve_ref(&c, repo, &cat, ref, id) < 0)
			goto fail;
	} else if (current_head(repo, id) < 0) {
		goto fail;
	}
	cli_progress_start(&ps, &c, "forking", "entries");
	fo.wait_seconds = c.wait_seconds;
	fo.progress = ps.enabled ? cli_progress_cb : NULL;
	fo.progress_arg = &ps;
	r = jvs_worktree_fork(repo, id, name, &fo);
	cli_progress_end(&ps);
	for (size_t i = 0; i < jvs_degraded_count(); i++) /* what the file system refused */
		fprintf(stderr, "degraded: %s\n", jvs_degraded_get(i));
	if (r < 0)
		goto fail;
	rc = cli_print_new_worktree(&c, repo, name);
	goto out;
fail:
	rc = cli_fail(&c);
out:
	jvs_catalog_clear(&cat);
	jvs_repo_free(repo);
	return rc;
}
