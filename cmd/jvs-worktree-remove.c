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

static const char usage[] = "jvs-worktree-remove [--force] NAME";

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    CLI_LONGOPTS,
	    {"force", no_argument, NULL, 'f'},
	    {NULL, 0, NULL, 0},
	};
	cli c;
	jvs_repo *repo = NULL;
	char *path = NULL;
	int opt, rc = 0, force = 0, inside;

	cli_init(&c, "jvs-worktree-remove", usage);
	while ((opt = getopt_long(argc, argv, CLI_SHORTOPTS "f", longopts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg))
			continue;
		if (opt == 'f')
			force = 1;
		else
			return cli_bad_option(&c);
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		return cli_usage_error(&c,
		                       argc ? "give one worktree NAME" : "missing worktree NAME");

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
