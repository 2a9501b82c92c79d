/* jvs-worktree-path: print the absolute payload root of a worktree. */
#include "cli.h"

#include "error_int.h"
#include "textesc.h"
#include "jvs/worktree.h"

#include <stdio.h>
#include <stdlib.h>

static const char usage[] = "jvs-worktree-path [NAME]";

int main(int argc, char **argv)
{
	static const struct option longopts[] = {CLI_LONGOPTS, {NULL, 0, NULL, 0}};
	cli c;
	jvs_repo *repo = NULL;
	jvs_worktree wt;
	const char *name = NULL;
	char *path = NULL;
	int opt, rc = 0;

	cli_init(&c, "jvs-worktree-path", usage);
	while ((opt = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1)
		if (!cli_common_option(&c, opt, optarg))
			return cli_bad_option(&c);
	if (argc - optind > 1)
		return cli_usage_error(&c, "give at most one worktree NAME");
	if (optind < argc)
		name = argv[optind];

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
