/* jvs-init: create a repository. */
#include "cli.h"

#include "jvs/engine.h"
#include "jvs/error.h"
#include "jvs/repo.h"
#include "jvs/textesc.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	cli c;
	char *root = NULL;
	jvs_repo *repo = NULL;
	jvs_engine engine;
	int rc = cli_start(&c, "jvs-init", argc, argv, NULL, NULL);

	if (rc)
		return rc;
	argc = c.nargs;
	argv = c.args;
	if (argc > 1)
		return cli_usage_error(&c, "too many arguments");
	if (argc == 1 && !*argv[0])
		return cli_usage_error(&c, "empty path: give a directory, or none for '.'");
	if (c.chdir && chdir(c.chdir) < 0)
		return jvs_error_sys("cannot change to '%s'", c.chdir), cli_fail(&c);

	if (jvs_repo_init(argc ? argv[0] : ".", &root) < 0 || jvs_repo_open(&repo, root) < 0 ||
	    jvs_engine_detect(repo, &engine) < 0) {
		free(root);
		jvs_repo_free(repo);
		return cli_fail(&c);
	}
	if (c.json) {
		json_t *j = json_pack("{s:o, s:s, s:s, s:o}", "repo_root", jvs_json_text(root),
				      "repo_id", jvs_repo_id(repo), "snapshot_engine",
				      jvs_engine_name(engine.kind), "engine_reason",
				      jvs_json_text(engine.why));
		j = jvs_json_add_b64(j, "repo_root", root);
		free(root);
		jvs_repo_free(repo);
		return cli_print_json(&c, j);
	}
	if (c.quiet)
		printf("%s\n", cli_esc(root));
	else
		printf("Initialized JVS repository in %s\n"
		       "Engine: %s (%s)\n"
		       "Next: cd %s/main\n",
		       cli_esc(root), jvs_engine_name(engine.kind), cli_esc(engine.why),
		       cli_esc(argc ? argv[0] : "."));
	free(root);
	jvs_repo_free(repo);
	return 0;
}
