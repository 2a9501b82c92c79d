/* jvs-diff: entries that differ between two snapshots, or a snapshot and
 * the worktree. */
#include "cli.h"

#include "jvs/catalog.h"
#include "jvs/changes.h"
#include "jvs/descriptor.h"
#include "jvs/error.h"
#include "jvs/json.h"
#include "jvs/manifest.h"
#include "jvs/textesc.h"
#include "jvs/worktree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "jvs-diff [FROM [TO]] [--stat] [--json]";

enum { OPT_STAT = CLI_OPT_FIRST_PRIVATE };

static const char *const list_names[3] = {"added", "removed", "modified"};

static int print_json(cli *c, const char *from, const char *to, const jvs_changes *ch)
{
	json_t *arr[3] = {json_array(), json_array(), json_array()}; /* A, D, M */
	json_t *b64[3] = {json_array(), json_array(), json_array()};
	int odd[3] = {0, 0, 0}; /* a list holds a path that is not UTF-8 */
	json_t *j;
	for (size_t i = 0; i < ch->n; i++) {
		int k = ch->c[i].kind == JVS_CHANGE_ADDED     ? 0
		        : ch->c[i].kind == JVS_CHANGE_DELETED ? 1
		                                              : 2;
		int r = jvs_json_append_text(arr[k], b64[k], ch->c[i].path);
		if (r < 0) {
			for (int m = 0; m < 3; m++)
				json_decref(arr[m]), json_decref(b64[m]);
			jvs_error_set(JVS_E_INTERNAL, "out of memory");
			return cli_fail(c);
		}
		odd[k] |= r;
	}
	j = json_pack("{s:o, s:o, s:I, s:I, s:I, s:o, s:o, s:o}", "from_snapshot_id",
	              jvs_json_str_or_null(from), "to_snapshot_id", jvs_json_str_or_null(to),
	              "total_added", (json_int_t)json_array_size(arr[0]), "total_removed",
	              (json_int_t)json_array_size(arr[1]), "total_modified",
	              (json_int_t)json_array_size(arr[2]), "added", arr[0], "removed", arr[1],
	              "modified", arr[2]);
	for (int k = 0; k < 3; k++) {
		char key[16];
		snprintf(key, sizeof key, "%s_b64", list_names[k]);
		if (odd[k] && j)
			json_object_set(j, key, b64[k]);
		json_decref(b64[k]);
	}
	return cli_print_json(c, j);
}

static void print_text(const jvs_changes *ch, int stat)
{
	size_t n[3] = {0, 0, 0};
	for (size_t i = 0; i < ch->n; i++) {
		n[ch->c[i].kind == JVS_CHANGE_ADDED      ? 0
		  : ch->c[i].kind == JVS_CHANGE_MODIFIED ? 1
		                                         : 2]++;
		if (stat)
			continue;
		printf("%c\t%s\n", (char)ch->c[i].kind, cli_esc(ch->c[i].path));
	}
	if (stat)
		printf("%zu added, %zu modified, %zu removed\n", n[0], n[1], n[2]);
}

/* No operand: the head's parent against the head. */
static int default_range(const jvs_repo *repo, const char *worktree, char from[JVS_ID_BUF],
                         char to[JVS_ID_BUF])
{
	jvs_worktree wt;
	jvs_descriptor d;
	if (jvs_worktree_load(repo, worktree, &wt) < 0)
		return -1;
	if (!wt.head[0]) {
		jvs_error_set(JVS_E_NOT_FOUND, "worktree '%s' has no snapshot yet", worktree);
		return jvs_error_hint("'jvs status' shows what a first snapshot would hold");
	}
	if (jvs_descriptor_load(repo, wt.head, &d) < 0)
		return -1;
	snprintf(from, JVS_ID_BUF, "%s", d.parent_id);
	snprintf(to, JVS_ID_BUF, "%s", wt.head);
	jvs_descriptor_clear(&d);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    CLI_LONGOPTS,
	    {"stat", no_argument, NULL, OPT_STAT},
	    {NULL, 0, NULL, 0},
	};
	cli c;
	jvs_repo *repo = NULL;
	jvs_catalog cat = {0};
	jvs_changes ch = {0};
	const char *worktree = NULL;
	char from[JVS_ID_BUF] = "", to[JVS_ID_BUF] = "";
	int opt, rc, stat = 0, r;

	cli_init(&c, "jvs-diff", usage);
	while ((opt = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg))
			continue;
		if (opt == OPT_STAT)
			stat = 1;
		else
			return cli_bad_option(&c);
	}
	argc -= optind;
	argv += optind;
	if (argc > 2)
		return cli_usage_error(&c, "give at most two snapshots");

	if (cli_open_repo(&c, &repo) < 0)
		goto fail;
	worktree = jvs_repo_worktree(repo);
	if (argc < 2 && jvs_repo_require_worktree(repo, &worktree) < 0)
		goto fail;
	if (argc == 0) {
		if (default_range(repo, worktree, from, to) < 0)
			goto fail;
	} else {
		if (jvs_catalog_load(repo, &cat) < 0 ||
		    jvs_ref_resolve(repo, &cat, worktree, argv[0], from) < 0 ||
		    (argc == 2 && jvs_ref_resolve(repo, &cat, worktree, argv[1], to) < 0))
			goto fail;
	}
	r = argc == 1 ? jvs_changes_worktree(repo, worktree, from, &ch)
	              : jvs_changes_snapshots(repo, from, to, &ch);
	if (r < 0)
		goto fail;
	if (c.json)
		rc = print_json(&c, from, argc == 1 ? NULL : to, &ch);
	else if (!c.quiet)
		print_text(&ch, stat), rc = 0;
	else
		rc = ch.n > 0; /* -q: like git diff --quiet */
	goto out;
fail:
	rc = cli_fail(&c);
out:
	jvs_changes_clear(&ch);
	jvs_catalog_clear(&cat);
	jvs_repo_free(repo);
	return rc;
}
