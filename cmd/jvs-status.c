/* jvs-status: the current worktree's position and what differs from its head. */
#include "cli.h"

#include "changes.h"
#include "descriptor.h"
#include "error_int.h"
#include "intent.h"
#include "json.h"
#include "manifest.h"
#include "jvs/error.h"
#include "name.h"
#include "jvs/restore.h"
#include "textesc.h"
#include "jvs/worktree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void count(const jvs_changes *ch, size_t n[3])
{
	n[0] = n[1] = n[2] = 0;
	for (size_t i = 0; i < ch->n; i++)
		n[ch->c[i].kind == JVS_CHANGE_ADDED      ? 0
		  : ch->c[i].kind == JVS_CHANGE_MODIFIED ? 1
		                                         : 2]++;
}

static int print_json(cli *c, const jvs_worktree *wt, const char *interrupted,
                      const jvs_changes *ch)
{
	json_t *j, *arr = json_array();
	size_t n[3];
	count(ch, n);
	for (size_t i = 0; arr && i < ch->n; i++) {
		char k[2] = {(char)ch->c[i].kind, 0};
		json_t *e = json_pack("{s:s}", "status", k);
		if (!e || jvs_json_set_text(e, "path", ch->c[i].path) < 0 ||
		    json_array_append_new(arr, e) < 0) {
			json_decref(arr);
			jvs_error_set(JVS_E_INTERNAL, "out of memory");
			return cli_fail(c);
		}
	}
	j = json_pack("{s:s, s:o, s:o, s:b, s:b, s:o, s:o, s:I, s:I, s:I}", "worktree", wt->name,
	              "head_snapshot_id", jvs_json_str_or_null(wt->head), "latest_snapshot_id",
	              jvs_json_str_or_null(wt->latest), "detached", jvs_worktree_is_detached(wt),
	              "dirty", ch->n > 0, "interrupted_restore",
	              interrupted ? json_string(interrupted) : json_null(), "changes", arr, "added",
	              (json_int_t)n[0], "modified", (json_int_t)n[1], "removed", (json_int_t)n[2]);
	return cli_print_json(c, j);
}

/* Returns 0, or the exit code of an unreadable head descriptor (reported
 * after the rest, as an integrity error). */
/* 1 when the pending restore intent of worktree is one of some paths. */
static int some_paths(const jvs_repo *repo, const char *worktree)
{
	char name[JVS_NAME_MAX + 16];
	json_t *j = NULL;
	int r;
	snprintf(name, sizeof name, "restore-%s", worktree);
	if (jvs_intent_read(repo, name, &j) != 1) {
		jvs_error_clear();
		return 0;
	}
	r = json_is_array(json_object_get(j, "paths"));
	json_decref(j);
	return r;
}

static int print_text(cli *c, const jvs_repo *repo, const jvs_worktree *wt, const char *interrupted,
                       int running, const jvs_changes *ch)
{
	jvs_descriptor d;
	jvs_error bad = {0};
	printf("Worktree: %s\n", cli_esc(wt->name));
	if (!wt->head[0]) {
		printf("Head: (none: no snapshot yet)\n");
	} else if (jvs_descriptor_load(repo, wt->head, &d) == 0) {
		printf("Head: %s (%s)\n", jvs_id_short(wt->head), cli_esc(d.note && *d.note ? d.note : "no note"));
		jvs_descriptor_clear(&d);
	} else {
		printf("Head: %s (unreadable descriptor)\n", wt->head);
		bad = *jvs_error_last();
		if (jvs_error_exit_code(bad.cls) != 4)
			bad.cls = JVS_E_DESCRIPTOR_CORRUPT;
		if (!bad.hint[0])
			snprintf(bad.hint, sizeof bad.hint,
				 "run 'jvs verify' and 'jvs doctor --strict'");
	}
	printf("Latest: %s\n", wt->latest[0] ? jvs_id_short(wt->latest) : "(none)");
	if (jvs_worktree_is_detached(wt))
		printf("State: %sDETACHED%s (head is not the latest %s; back: jvs restore HEAD, "
		       "forward from here: jvs worktree fork NAME)\n",
		       cli_color(CLI_YELLOW), cli_color(CLI_RESET), jvs_id_short(wt->latest));
	else
		printf("State: HEAD state\n");
	if (interrupted && running)
		printf("Restore to %s in progress\n", cli_esc(*interrupted ? interrupted : "(unknown)"));
	else if (interrupted && some_paths(repo, wt->name))
		printf("Interrupted restore of some paths to %s: run the same 'jvs restore %s -- "
		       "PATH...' to finish it\n",
		       cli_esc(*interrupted ? interrupted : "(unknown)"),
		       cli_esc(*interrupted ? interrupted : "REF --discard"));
	else if (interrupted)
		printf("Interrupted restore to %s: run 'jvs restore %s' to finish it\n",
		       cli_esc(*interrupted ? interrupted : "(unknown)"),
		       cli_esc(*interrupted ? interrupted : "REF --discard"));
	if (ch->n == 0) {
		if (wt->head[0])
			printf("Clean: matches %s\n", jvs_id_short(wt->head));
		else
			printf("Clean: empty, no snapshot yet\n");
		goto done;
	}
	if (wt->head[0])
		printf("Changes since %s:\n", jvs_id_short(wt->head));
	else
		printf("Changes (no snapshot yet):\n");
	for (size_t i = 0; i < ch->n; i++)
		printf("%c\t%s\n", (char)ch->c[i].kind, cli_esc(ch->c[i].path));
done:
	if (bad.cls == JVS_OK)
		return 0;
	fflush(stdout);
	jvs_error_set(bad.cls, "head %s: %s", wt->head, bad.message);
	if (bad.hint[0])
		jvs_error_hint("%s", bad.hint);
	return cli_fail(c);
}

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	jvs_changes ch = {0};
	jvs_worktree wt;
	const char *worktree;
	char target[JVS_ID_BUF];
	int rc, interrupted;

	rc = cli_start(&c, "jvs-status", argc, argv, NULL, NULL);
	if (rc)
		return rc;

	if (cli_open_repo(&c, &repo) < 0 || jvs_repo_require_worktree(repo, &worktree) < 0 ||
	    jvs_worktree_load(repo, worktree, &wt) < 0 ||
	    jvs_changes_worktree(repo, worktree, wt.head, &ch) < 0) {
		rc = cli_fail(&c);
		goto out;
	}
	interrupted = jvs_restore_interrupted(repo, worktree, target);
	if (c.quiet) {
		rc = ch.n > 0 || interrupted;
	} else if (c.json) {
		rc = print_json(&c, &wt, interrupted == 1 ? target : NULL, &ch);
	} else {
		rc = print_text(&c, repo, &wt, interrupted ? target : NULL, interrupted == 2, &ch);
	}
out:
	jvs_changes_clear(&ch);
	jvs_repo_free(repo);
	return rc;
}
