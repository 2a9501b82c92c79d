/* jvs-worktree-remove: delete a worktree's files and metadata; its
 * snapshots stay. */
#include "cli.h"

#include "error_int.h"
#include "name.h"
#include "textesc.h"
#include "worktree_ops.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	char *path = NULL;
	int force = 0, inside;
	const cli_slot opts[] = {{"force", &force}, {NULL, NULL}};
	int rc = cli_start(&c, "jvs-worktree-remove", argc, argv, cli_store, (void *)opts);

	if (rc)
		return rc;
	if ((rc = cli_one_operand(&c, "worktree NAME")))
		return rc;
	argv = c.args;

	if (cli_open_repo(&c, &repo) < 0 || jvs_name_validate(argv[0], "worktree name") < 0 ||
	    !(path = jvs_repo_payload_root(repo, argv[0])))
		goto fail;
	inside = cli_cwd_is_in(path);
	if (inside && !force && strcmp(argv[0], "main")) { /* main: refused below anyway */
		jvs_error_set(JVS_E_DIRTY,
		              "refusing to remove worktree '%s': it is your working "
		              "directory",
		              argv[0]);
		jvs_error_hint("cd %s first, or use --force", jvs_repo_root(repo));
		goto fail;
	}
	if (jvs_worktree_remove(repo, argv[0], force, c.wait_seconds) < 0)
		goto fail;
	if (c.json)
		rc = cli_print_json(&c, jvs_json_add_b64(json_pack("{s:s, s:o}", "removed", argv[0],
		                                                   "path", jvs_json_text(path)),
		                                         "path", path));
	else if (!c.quiet)
		printf("Removed worktree %s\n", cli_esc(argv[0]));
	if (inside)
		fprintf(stderr, "note: your working directory no longer exists; run: cd %s\n",
		        cli_esc(jvs_repo_root(repo)));
	goto out;
fail:
	rc = cli_fail(&c);
out:
	free(path);
	jvs_repo_free(repo);
	return rc;
}
