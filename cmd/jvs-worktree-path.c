/* jvs-worktree-path: print the absolute payload root of a worktree. */
#include "cli.h"

#include "jvs/error.h"
#include "jvs/textesc.h"
#include "jvs/worktree.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	jvs_worktree wt;
	const char *name = NULL;
	char *path = NULL;
	int rc = cli_start(&c, "jvs-worktree-path", argc, argv, NULL, NULL);

	if (rc)
		return rc;
	if (c.nargs > 1)
		return cli_usage_error(&c, "give at most one worktree NAME");
	if (c.nargs)
		name = c.args[0];

	if (cli_open_repo(&c, &repo) < 0 || (!name && jvs_repo_require_worktree(repo, &name) < 0) ||
	    jvs_worktree_load(repo, name, &wt) < 0 || !(path = jvs_repo_payload_root(repo, name))) {
		rc = cli_fail(&c);
		goto out;
	}
	if (c.json)
		rc = cli_print_json(&c, jvs_json_add_b64(json_pack("{s:s, s:o}", "name", name, "path",
								   jvs_json_text(path)),
						 "path", path));
	else
		printf("%s\n", cli_esc(path));
out:
	free(path);
	jvs_repo_free(repo);
	return rc;
}
