/* jvs-snapshot: save the current worktree as a new immutable snapshot. */
#include "cli.h"

#include "jvs/compress.h"
#include "jvs/descriptor.h"
#include "jvs/error.h"
#include "jvs/paths.h"
#include "jvs/snapshot.h"
#include "jvs/worktree.h"

#include <limits.h>
#include <unistd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct opts {
	jvs_snapshot_opts *so;
	const char **tags;
	const char *note;
	int no_hooks;
};

static int on_option(cli *c, const cli_option *o, const char *arg, void *ctx)
{
	struct opts *op = ctx;
	if (cli_opt_is(o, "tag") && !op->tags)
		return cli_oom(c);
	if (cli_opt_is(o, "tag"))
		op->tags[op->so->ntags++] = arg;
	else if (cli_opt_is(o, "message"))
		op->note = arg;
	else if (cli_opt_is(o, "skip-unchanged"))
		op->so->skip_unchanged = 1;
	else if (cli_opt_is(o, "compress")) {
		jvs_compress_level lv;
		if (jvs_compress_parse(arg, "--compress", &lv) < 0)
			return cli_fail(c);
		op->so->compress = arg;
	}
	else
		op->no_hooks = 1;
	return 0;
}

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	jvs_snapshot_opts so = {0};
	jvs_snapshot_stats stats;
	cli_progress ps;
	jvs_descriptor d;
	struct opts op = {&so, NULL, NULL, 0};
	const char *worktree, *note;
	const char **tags;
	char **pargs, **paths = NULL;
	size_t npargs = 0, npaths = 0;
	int rc, no_hooks, dashdash;

	op.tags = calloc((size_t)argc + 1, sizeof *op.tags);
	rc = cli_start(&c, "jvs-snapshot", argc, argv, on_option, &op);
	tags = op.tags;
	note = op.note;
	no_hooks = op.no_hooks;
	if (rc || !tags) {
		free(tags);
		return rc ? rc : cli_oom(&c);
	}
	argc = c.nargs;
	argv = c.args;
	pargs = c.paths;
	npargs = c.npaths;
	dashdash = c.dashdash;
	if (argc > 1 || (argc == 1 && note)) {
		free(tags);
		return cli_usage_error(&c, "give one note (quote it if it has spaces)");
	}
	if (argc == 1)
		note = argv[0];
	if (dashdash && !npargs) {
		free(tags);
		return cli_usage_error(&c, "give at least one PATH after '--'");
	}

	if (cli_open_repo(&c, &repo) < 0) {
		rc = cli_fail(&c);
		goto out;
	}
	worktree = c.wt;
	if (dashdash) {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof cwd)) {
			jvs_error_sys("cannot get the current directory");
			rc = cli_fail(&c);
			goto out;
		}
		if (jvs_paths_resolve(repo, worktree, cwd, (const char *const *)pargs, npargs,
				      &paths, &npaths) < 0) {
			rc = cli_fail(&c);
			goto out;
		}
		so.paths = paths;
		so.npaths = npaths;
	}
	if (cli_run_hook(repo, no_hooks, "pre-snapshot", "snapshot", worktree, NULL) < 0) {
		rc = cli_fail(&c);
		goto out;
	}
	so.note = note ? note : "";
	so.tags = tags;
	so.wait_seconds = c.wait_seconds;
	cli_progress_start(&ps, &c, "snapshot", "files");
	if (ps.enabled) {
		so.progress = cli_progress_cb;
		so.progress_arg = &ps;
	}
	rc = jvs_snapshot_create(repo, worktree, &so, &d, &stats);
	cli_progress_end(&ps);
	if (rc < 0) {
		rc = cli_fail(&c);
		goto out;
	}
	if (stats.recovered[0])
		fprintf(stderr,
			"note: finished the interrupted snapshot %s first (head and latest moved "
			"to it)\n",
			stats.recovered);
	if (stats.unchanged) {
		/* nothing was made: the head holds the state */
		fprintf(stderr, "No changes since %s\n", d.snapshot_id);
		rc = 0;
		if (c.json) {
			json_t *j = jvs_descriptor_to_json(&d);
			if (j)
				json_object_set_new(j, "unchanged", json_true());
			rc = cli_print_json(&c, j);
		} else if (c.quiet)
			printf("%s\n", d.snapshot_id);
		jvs_descriptor_clear(&d);
		goto out;
	}
	cli_run_hook(repo, no_hooks, "post-snapshot", "snapshot", worktree, d.snapshot_id);
	if (stats.unfinished[0])
		fprintf(stderr,
			"warning: %s\n"
			"hint: the snapshot is kept; the next snapshot or restore in %s, or 'jvs "
			"doctor --repair-runtime', completes it\n",
			stats.unfinished, worktree);
	if (stats.new_line)
		fprintf(stderr,
			"note: %s was detached; a new line of history starts at %s\n"
			"note: the previous latest %s is still listed by 'jvs history --all'\n",
			cli_esc(worktree), d.snapshot_id, cli_esc(stats.old_latest));
	if (getenv("JVS_DEBUG_STATS"))
		fprintf(stderr, "stats: hashed=%zu linked=%zu copied=%zu cache_hits=%zu bytes=%llu\n",
			stats.files_hashed, stats.files_linked, stats.files_copied,
			stats.cache_hits, (unsigned long long)stats.bytes_copied);
	rc = 0;
	if (c.json)
		rc = cli_print_json(&c, jvs_descriptor_to_json(&d));
	else if (c.quiet)
		printf("%s\n", d.snapshot_id);
	else if (npaths)
		printf("Created partial snapshot %s of %zu path(s) (head stays at %s)\n",
		       d.snapshot_id, npaths, d.parent_id[0] ? d.parent_id : "(none)");
	else
		printf("Created snapshot %s\n", d.snapshot_id);
	jvs_descriptor_clear(&d);
out:
	if (paths)
		jvs_strv_free(paths, npaths);
	free(tags);
	jvs_repo_free(repo);
	return rc;
}
