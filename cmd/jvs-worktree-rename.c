/* jvs-worktree-rename: give a worktree (payload root and metadata) a new name. */
#include "cli.h"

#include "error_int.h"
#include "worktree_ops.h"
#include "textesc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "jvs-worktree-rename [--force] OLD NEW";

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    CLI_LONGOPTS,
	    {"force", no_argument, NULL, 'f'},
	    {NULL, 0, NULL, 0},
	};
	cli c;
	jvs_repo *repo = NULL;
	char *from = NULL, *to = NULL;
	int opt, rc = 0, force = 0, inside;

	cli_init(&c, "jvs-worktree-rename", usage);
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
