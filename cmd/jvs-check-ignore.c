/* jvs-check-ignore: say which paths the ignore rules leave out of snapshots. */
#include "cli.h"

#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/ignore.h"
#include "jvs/path_history.h"
#include "jvs/textesc.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	jvs_ignore *ig = NULL;
	const char *wt = NULL;
	char *root = NULL, real[PATH_MAX], cwd[PATH_MAX];
	char **rels = NULL;
	json_t *arr = NULL;
	int verbose = 0, rc, any = 0, root_fd = -1;
	const cli_slot opts[] = {{"verbose", &verbose}, {NULL, NULL}};

	rc = cli_start(&c, "jvs-check-ignore", argc, argv, cli_store, (void *)opts);
	if (rc)
		return rc;
	argc = c.nargs;
	argv = c.args;
	if (argc < 1)
		return cli_usage_error(&c, "give at least one PATH");

	if (cli_open_repo(&c, &repo) < 0 || jvs_repo_require_worktree(repo, &wt) < 0 ||
	    jvs_repo_payload_check(repo, wt) < 0 || !(root = jvs_repo_payload_root(repo, wt)))
		goto fail;
	if (!realpath(root, real) || !realpath(".", cwd)) {
		jvs_error_sys("cannot resolve the worktree directory");
		goto fail;
	}
	root_fd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		jvs_error_sys("cannot open worktree '%s'", real);
		goto fail;
	}
	rels = calloc((size_t)argc, sizeof *rels);
	if (!rels) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		goto fail;
	}
	for (int i = 0; i < argc; i++) /* every path is checked before any output */
		if (!(rels[i] = jvs_path_worktree_rel(real, cwd, argv[i])))
			goto fail;
	if (jvs_ignore_open_repo(repo, &ig) < 0 || (c.json && !(arr = json_array())))
		goto fail;
	for (int i = 0; i < argc; i++) {
		jvs_ignore_hit hit;
		struct stat st;
		size_t len = strlen(argv[i]);
		int is_dir, r;
		if (*rels[i] && fstatat(root_fd, rels[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
			is_dir = S_ISDIR(st.st_mode);
		else
			is_dir = len && argv[i][len - 1] == '/';
		r = jvs_ignore_path(ig, root_fd, rels[i], is_dir, &hit);
		if (r < 0)
			goto fail;
		any |= r;
		if (c.json) {
			json_t *o = json_object();
			if (!o || jvs_json_set_text(o, "path", argv[i]) < 0 ||
			    jvs_json_set_text(o, "worktree_path", rels[i]) < 0 ||
			    json_object_set_new(o, "ignored", json_boolean(r)) < 0 ||
			    (hit.source ? jvs_json_set_text(o, "source", hit.source) < 0 ||
						  json_object_set_new(o, "line",
								      json_integer(hit.line)) < 0 ||
						  jvs_json_set_text(o, "pattern", hit.pattern) < 0
					: json_object_set_new(o, "source", json_null()) < 0 ||
						  json_object_set_new(o, "line", json_null()) < 0 ||
						  json_object_set_new(o, "pattern", json_null()) < 0) ||
			    json_array_append_new(arr, o) < 0) {
				json_decref(o);
				jvs_error_set(JVS_E_INTERNAL, "out of memory");
				goto fail;
			}
		} else if (!r || c.quiet) {
			continue;
		} else if (verbose) {
			printf("%s:%d:%s\t%s\n", cli_esc(hit.source), hit.line, cli_esc(hit.pattern),
			       cli_esc(argv[i]));
		} else {
			printf("%s\n", cli_esc(argv[i]));
		}
	}
	if (c.json) {
		int prc = cli_print_json(&c, json_pack("{s:o}", "paths", arr));
		arr = NULL;
		if (prc) {
			rc = prc;
			goto out;
		}
	} else if (fflush(stdout) != 0) {
		jvs_error_sys("cannot write output");
		goto fail;
	}
	rc = any ? 0 : 1;
	goto out;
fail:
	rc = cli_fail(&c);
	goto out;
out:
	for (int i = 0; rels && i < argc; i++)
		free(rels[i]);
	free(rels);
	json_decref(arr);
	jvs_ignore_free(ig);
	if (root_fd >= 0)
		close(root_fd);
	free(root);
	jvs_repo_free(repo);
	return rc;
}
