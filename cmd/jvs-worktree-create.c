/* jvs-worktree-create: a new empty worktree, or one holding a snapshot. */
#include "cli.h"

#include "jvs/catalog.h"
#include "jvs/error.h"
#include "jvs/worktree.h"
#include "jvs/worktree_ops.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	jvs_catalog cat = {0};
	jvs_worktree wt;
	const char *ref = NULL, *name;
	char id[JVS_ID_BUF] = "", *path = NULL;
	const cli_slot opts[] = {{"from", &ref}, {NULL, NULL}};
	int rc = cli_start(&c, "jvs-worktree-create", argc, argv, cli_store, (void *)opts);

	if (rc)
		return rc;
	argc = c.nargs;
	argv = c.args;
	if (argc != 1)
		return cli_usage_error(&c,
		                       argc ? "give one worktree NAME" : "missing worktree NAME");
	name = argv[0];

	if (cli_open_repo(&c, &repo) < 0)
		goto fail;
	if (ref && cli_resolve_ref(&c, repo, &cat, ref, id) < 0)
		goto fail;
	if (jvs_worktree_create(repo, name, id, c.wait_seconds) < 0 ||
	    jvs_worktree_load(repo, name, &wt) < 0 || !(path = jvs_repo_payload_root(repo, name)))
		goto fail;
	if (c.json)
		rc = cli_print_json(&c, jvs_worktree_to_json(repo, &wt));
	else if (c.quiet)
		printf("%s\n", cli_esc(path));
	else
		printf("Created worktree %s%s%s\nPath: %s\n", cli_esc(name), *id ? " at " : "", id,
		       cli_esc(path));
	goto out;
fail:
	rc = cli_fail(&c);
out:
	free(path);
	jvs_catalog_clear(&cat);
	jvs_repo_free(repo);
	return rc;
}
