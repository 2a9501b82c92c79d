/* jvs-worktree-list: the worktrees with their head and state. */
#include "cli.h"

#include "error_int.h"
#include "jvs/error.h"
#include "name.h"
#include "jvs/worktree.h"
#include "worktree_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	jvs_worktree *wts = NULL;
	char **names = NULL;
	size_t n = 0;
	int rc = 0, width = 4, fmt = CLI_FMT_TEXT;
	json_t *arr = NULL;

	rc = cli_start(&c, "jvs-worktree-list", argc, argv, cli_format_option, &fmt);
	if (rc)
		return rc;
	if (c.json)
		fmt = CLI_FMT_JSON;
	else if (c.quiet && fmt == CLI_FMT_TEXT)
		fmt = CLI_FMT_ID;

	if (cli_open_repo(&c, &repo) < 0 || jvs_worktree_list(repo, &names, &n) < 0) {
		rc = cli_fail(&c);
		goto out;
	}
	wts = calloc(n ? n : 1, sizeof *wts);
	arr = json_array();
	if (!wts || !arr) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		rc = cli_fail(&c);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (jvs_worktree_load(repo, names[i], &wts[i]) < 0) {
			/* One bad config must not hide the others. */
			const jvs_error *e = jvs_error_last();
			if (e->cls == JVS_E_NOT_FOUND && !jvs_worktree_exists(repo, names[i])) {
				/* removed since it was listed: not a finding */
				jvs_error_clear();
				wts[i].name[0] = '\0';
				continue;
			}
			fprintf(stderr, "%s: %s: %s\n", c.prog, jvs_error_class_name(e->cls),
			        cli_esc(e->message));
			rc = jvs_error_exit_code(e->cls);
			wts[i].name[0] = '\0';
			continue;
		}
		if ((int)strlen(names[i]) > width)
			width = (int)strlen(names[i]);
	}
	for (size_t i = 0; i < n; i++) {
		const jvs_worktree *w = &wts[i];
		const char *cur = jvs_repo_worktree(repo);
		if (!w->name[0])
			continue;
		if (fmt == CLI_FMT_JSON)
			json_array_append_new(arr, jvs_worktree_to_json(repo, w));
		else if (fmt == CLI_FMT_ID)
			printf("%s\n", cli_esc(w->name));
		else if (fmt == CLI_FMT_TSV)
			printf("%s\t%s\t%s\t%s\t%s\n", cli_esc(w->name),
			       jvs_worktree_state_name(jvs_worktree_state(w)),
			       w->head[0] ? w->head : "-", w->latest[0] ? w->latest : "-",
			       cur && !strcmp(cur, w->name) ? "*" : "-");
		else
			printf("%c %-*s  %-8s  %s%s%s\n", cur && !strcmp(cur, w->name) ? '*' : ' ',
			       width, cli_esc(w->name), w->head[0] ? jvs_id_short(w->head) : "-",
			       jvs_worktree_is_detached(w) ? cli_color(CLI_YELLOW) : "",
			       jvs_worktree_state_name(jvs_worktree_state(w)),
			       jvs_worktree_is_detached(w) ? cli_color(CLI_RESET) : "");
	}
	if (c.json) {
		int jrc = cli_print_json(&c, arr);
		arr = NULL;
		if (jrc)
			rc = jrc;
	}
out:
	json_decref(arr);
	free(wts);
	jvs_strv_free(names, n);
	jvs_repo_free(repo);
	return rc;
}
