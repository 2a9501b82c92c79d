/* jvs-worktree-create: a new empty worktree, or one holding a snapshot. */
#include "cli.h"

#include "catalog.h"
#include "error_int.h"
#include "jvs/worktree.h"
#include "worktree_ops.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	jvs_catalog cat = {0};
	const char *ref = NULL, *name;
	char id[JVS_ID_BUF] = "";
	const cli_slot opts[] = {{"from", &ref}, {NULL, NULL}};
	int rc = cli_start(&c, "jvs-worktree-create", argc, argv, cli_store, (void *)opts);

	if (rc)
		return rc;
	if ((rc = cli_one_operand(&c, "worktree NAME")))
		return rc;
	name = c.args[0];

	if (cli_open_repo(&c, &repo) < 0)
		goto fail;
	if (ref && cli_resolve_ref(&c, repo, &cat, ref, id) < 0)
		goto fail;
	if (jvs_worktree_create(repo, name, id, c.wait_seconds) < 0)
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
