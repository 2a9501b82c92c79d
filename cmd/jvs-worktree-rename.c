/* jvs-worktree-rename: give a worktree (payload root and metadata) a new name. */
#include "cli.h"

#include "jvs/error.h"
#include "jvs/worktree_ops.h"
#include "jvs/textesc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	char *from = NULL, *to = NULL;
	int force = 0, inside;
	const cli_slot opts[] = {{"force", &force}, {NULL, NULL}};
	int rc = cli_start(&c, "jvs-worktree-rename", argc, argv, cli_store, (void *)opts);

	if (rc)
		return rc;
	argc = c.nargs;
	argv = c.args;
	if (argc != 2)
		return cli_usage_error(&c, "give the OLD and the NEW worktree name");

	if (cli_open_repo(&c, &repo) < 0 || !(from = jvs_repo_payload_root(repo, argv[0])) ||
	    !(to = jvs_repo_payload_root(repo, argv[1])))
		goto fail;
	inside = cli_cwd_is_in(from);
	if (jvs_worktree_rename(repo, argv[0], argv[1], force, c.wait_seconds) < 0)
		goto fail;
	if (c.json)
		rc = cli_print_json(&c, jvs_json_add_b64(json_pack("{s:s, s:s, s:o}", "old_name",
		                                                   argv[0], "new_name", argv[1],
		                                                   "path", jvs_json_text(to)),
		                                         "path", to));
	else if (!c.quiet)
		printf("Renamed worktree %s to %s\nPath: %s\n", cli_esc(argv[0]), cli_esc(argv[1]),
		       cli_esc(to));
	if (inside)
		fprintf(stderr, "note: your working directory moved with it; run: cd %s\n",
		        cli_esc(to));
	goto out;
fail:
	rc = cli_fail(&c);
out:
	free(from);
	free(to);
	jvs_repo_free(repo);
	return rc;
}
