/* jvs-history: list snapshots, newest first. */
#include "cli.h"

#include "catalog.h"
#include "error_int.h"
#include "manifest.h"
#include "path_history.h"
#include "textesc.h"
#include "tombstone.h"
#include "jvs/error.h"
#include "jvs/history.h"
#include "name.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum fmt { FMT_TEXT, FMT_JSON, FMT_TSV, FMT_ID, FMT_SHORT };

static void print_tags(const jvs_descriptor *d, const char *sep)
{
	for (size_t i = 0; i < d->ntags; i++) {
		if (i)
			fputs(sep, stdout);
		cli_fputs_esc(d->tags[i], stdout);
	}
}

/* One line per snapshot; fputs rather than printf, as 10,000 lines of
 * printf were a fifth of a warm `jvs history`. */
static void print_text(const jvs_history *h, int all, size_t i)
{
	const jvs_descriptor *d = h->items[i];
	/* created_at is checked only by the checksum: a crafted one is escaped. */
	const char *at = cli_esc(d->created_at);
	size_t len = strlen(at);
	fputs(jvs_id_short(d->snapshot_id), stdout);
	fputs("  ", stdout);
	fwrite(at, 1, len < 10 ? len : 10, stdout); /* date */
	putchar(' ');
	if (len > 11)
		fwrite(at + 11, 1, len - 11 < 8 ? len - 11 : 8, stdout); /* time */
	if (all) {
		size_t n = strlen(d->worktree_name);
		fputs("  ", stdout);
		cli_fputs_esc(d->worktree_name, stdout);
		for (; n < 10; n++)
			putchar(' ');
	}
	fputs("  ", stdout);
	cli_fputs_esc(d->note && *d->note ? d->note : "(no note)", stdout);
	if (d->ntags) {
		fputs("  tags: ", stdout);
		print_tags(d, ", ");
	}
	if (d->npartial_paths)
		fputs("  [partial]", stdout);
	if (h->latest[0] && !strcmp(d->snapshot_id, h->latest))
		fputs("  [HEAD]", stdout);
	if (h->head[0] && strcmp(h->head, h->latest) && !strcmp(d->snapshot_id, h->head))
		printf("  <- current position (%sDETACHED%s)", cli_color(CLI_YELLOW),
		       cli_color(CLI_RESET));
	putchar('\n');
}

/* --format short: the short id, a tab, the note (what shell completion
 * offers, with the note as its description). */
static void print_short(const jvs_descriptor *d)
{
	fputs(jvs_id_short(d->snapshot_id), stdout);
	putchar('\t');
	cli_fputs_esc(d->note && *d->note ? d->note : "(no note)", stdout);
	putchar('\n');
}

/* -- PATH...: the paths of the snapshot's changes and their letters. */
static char **paths;
static size_t npaths;

static void print_path_lines(const char *letters)
{
	for (size_t k = 0; letters && k < npaths; k++)
		if (letters[k] != '-')
			printf("    %c  %s\n", letters[k], *paths[k] ? cli_esc(paths[k]) : ".");
}

static void print_tsv_fields(const jvs_descriptor *d)
{
	printf("%s\t%s\t%s\t%s\t", d->snapshot_id, cli_esc(d->created_at), cli_esc(d->worktree_name),
	       d->parent_id[0] ? d->parent_id : "-");
	print_tags(d, ",");
	printf("\t%s", cli_esc(d->note));
}

/* With paths: one line per changed path, with its letter and the path. */
static void print_tsv(const jvs_descriptor *d, const char *letters)
{
	if (!letters) {
		print_tsv_fields(d);
		putchar('\n');
		return;
	}
	for (size_t k = 0; k < npaths; k++)
		if (letters[k] != '-') {
			print_tsv_fields(d);
			printf("\t%c\t%s\n", letters[k], *paths[k] ? cli_esc(paths[k]) : ".");
		}
}

/* "path_changes": [{"path": P, "change": "A"|"M"|"D"}, ...] */
static int add_path_changes(json_t *d, const char *letters)
{
	json_t *a = json_array();
	if (!a || json_object_set_new(d, "path_changes", a) < 0)
		return -1;
	for (size_t k = 0; k < npaths; k++) {
		char ch[2] = {letters[k], 0};
		json_t *o;
		if (letters[k] == '-')
			continue;
		o = json_object();
		if (!o || json_array_append_new(a, o) < 0 ||
		    jvs_json_set_text(o, "path", *paths[k] ? paths[k] : ".") < 0 ||
		    json_object_set_new(o, "change", json_string(ch)) < 0)
			return -1;
	}
	return 0;
}

/* Keeps the snapshots that changed a path (h->n of them, at most limit),
 * with their letters in ph->letters[0..h->n). */
static void keep_changed(jvs_history *h, jvs_path_history *ph, size_t limit)
{
	size_t k = 0;
	for (size_t i = 0; i < h->n; i++) {
		char *l = ph->letters[i];
		if (!l || strspn(l, "-") == npaths) {
			free(l);
			ph->letters[i] = NULL;
			continue;
		}
		ph->letters[i] = NULL;
		ph->letters[k] = l;
		h->items[k++] = h->items[i];
	}
	h->total = k;
	h->n = limit && k > limit ? limit : k;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* --tags: every distinct tag of the published snapshots, sorted (for shell
 * completion and scripts). */
static int print_tags_list(cli *c, const jvs_catalog *cat)
{
	size_t n = 0, cap = 0;
	const char **v = NULL;
	int rc = 0;
	for (size_t i = 0; i < cat->n; i++)
		for (size_t k = 0; k < cat->d[i].ntags; k++) {
			if (n == cap) {
				const char **nv = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof *v);
				if (!nv) {
					free(v);
					jvs_error_set(JVS_E_INTERNAL, "out of memory");
					return cli_fail(c);
				}
				v = nv;
			}
			v[n++] = cat->d[i].tags[k];
		}
	if (n)
		qsort(v, n, sizeof *v, cmp_str);
	if (c->json) {
		json_t *a = json_array();
		for (size_t i = 0; a && i < n; i++)
			if (!i || strcmp(v[i], v[i - 1]))
				json_array_append_new(a, json_string(v[i]));
		rc = cli_print_json(c, a);
	} else {
		for (size_t i = 0; i < n; i++)
			if (!i || strcmp(v[i], v[i - 1]))
				printf("%s\n", cli_esc(v[i]));
	}
	free(v);
	return rc;
}

/* The line goes on into a snapshot gc deleted: say which, from its tombstone. */
static void print_pruned(const jvs_repo *repo, const char *parent)
{
	jvs_tombstone t;
	if (!*parent) {
		printf("... (pruned)\n");
	} else if (jvs_tombstone_load(repo, parent, &t) == 0) {
		printf("... %s (pruned)%s%s\n", parent, t.note && *t.note ? " " : "",
		       cli_esc(t.note));
		jvs_tombstone_clear(&t);
	} else {
		printf("... %s (pruned)\n", parent);
	}
}

/* A snapshot the listing could not show: report why, as an integrity error
 * (SPEC §12). Returns the exit code, 0 if it loads after all. */
static int report_damage(cli *c, const jvs_repo *repo, const char *id)
{
	jvs_descriptor d;
	jvs_tombstone t;
	jvs_error why;
	if (jvs_descriptor_load(repo, id, &d) == 0) {
		jvs_descriptor_clear(&d);
		return 0;
	}
	why = *jvs_error_last();
	if (jvs_tombstone_load(repo, id, &t) == 0) { /* gc deleted it meanwhile */
		jvs_tombstone_clear(&t);
		jvs_error_clear();
		return 0;
	}
	jvs_error_set(why.cls, "%s", why.message);
	if (why.hint[0])
		jvs_error_hint("%s", why.hint);
	if (jvs_error_exit_code(jvs_error_last()->cls) != 4) {
		jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "snapshot %s: descriptor unreadable (%s)", id,
			      jvs_error_last()->message);
		jvs_error_hint("run 'jvs verify --all' and 'jvs doctor --strict'");
	}
	if (!jvs_error_last()->hint[0])
		jvs_error_hint("snapshot %s is damaged: run 'jvs verify --all' and 'jvs doctor "
			       "--strict'",
			       id);
	return cli_fail(c);
}

/* Every snapshot the listing met but could not show; the worst exit code. */
static int report_all_damage(cli *c, const jvs_repo *repo, const jvs_catalog *cat,
			     const jvs_history *h)
{
	int rc = 0, r;
	if (h->damaged[0] && (r = report_damage(c, repo, h->damaged)) > rc)
		rc = r;
	for (size_t i = 0; h->whole_repository && i < cat->nbad; i++)
		if (strcmp(cat->bad[i], h->damaged) && (r = report_damage(c, repo, cat->bad[i])) > rc)
			rc = r;
	return rc;
}

/* History only lists: while neither descriptors/ nor snapshots/ changed it
 * takes the cached descriptors (checksummed when cached) without looking at
 * each file. A descriptor edited in place by hand is integrity damage, for
 * `jvs verify` and `jvs doctor --strict`, which check every file (and make
 * the next history check them too); see libjvs/catalog.c. */
static int load_catalog(const jvs_repo *repo, jvs_catalog *cat)
{
	return jvs_catalog_load_flags(repo, JVS_CATALOG_TRUST_DIRS, cat);
}

struct opts {
	jvs_history_opts *ho;
	enum fmt fmt;
	int tags;
};

static int on_option(cli *c, const cli_option *o, const char *arg, void *ctx)
{
	struct opts *op = ctx;
	char *end;
	if (cli_opt_is(o, "all")) {
		op->ho->all = 1;
	} else if (cli_opt_is(o, "limit")) {
		op->ho->limit = strtoul(arg, &end, 10);
		if (*end || !*arg || arg[0] == '-' || op->ho->limit == 0)
			return cli_usage_error(c, "--limit takes a positive number");
	} else if (cli_opt_is(o, "grep")) {
		op->ho->grep = arg;
	} else if (cli_opt_is(o, "tag")) {
		op->ho->tag = arg;
	} else if (cli_opt_is(o, "tags")) {
		op->tags = 1;
	} else if (!strcmp(arg, "json")) {
		op->fmt = FMT_JSON;
	} else if (!strcmp(arg, "tsv")) {
		op->fmt = FMT_TSV;
	} else if (!strcmp(arg, "id")) {
		op->fmt = FMT_ID;
	} else if (!strcmp(arg, "short")) {
		op->fmt = FMT_SHORT;
	} else if (!strcmp(arg, "text")) {
		op->fmt = FMT_TEXT;
	} else {
		return cli_usage_error(c, "unknown format '%s' (json, tsv, id, short, text)", arg);
	}
	return 0;
}

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	jvs_catalog cat = {0};
	jvs_history h = {0};
	jvs_history_opts ho = JVS_HISTORY_OPTS_INIT;
	struct opts op = {&ho, FMT_TEXT, 0};
	enum fmt fmt;
	jvs_path_history ph = {0};
	int rc, tags;
	size_t limit = 0;
	char pruned_parent[JVS_ID_BUF] = "";

	rc = cli_start(&c, "jvs-history", argc, argv, on_option, &op);
	if (rc)
		return rc;
	fmt = op.fmt;
	tags = op.tags;
	if (c.dashdash && !c.npaths)
		return cli_usage_error(&c, "give at least one PATH after '--'");
	if (c.json)
		fmt = FMT_JSON;
	if (tags) {
		if (cli_open_repo(&c, &repo) < 0 || load_catalog(repo, &cat) < 0)
			rc = cli_fail(&c);
		else
			rc = print_tags_list(&c, &cat);
		goto out;
	}

	limit = ho.limit;
	if (c.dashdash)
		ho.limit = 0; /* counts the snapshots that changed a path */
	if (cli_open_repo(&c, &repo) < 0 ||
	    (c.dashdash && cli_worktree_paths(repo, jvs_repo_worktree(repo), (int)c.npaths,
					      c.paths, &paths, &npaths) < 0) ||
	    load_catalog(repo, &cat) < 0 ||
	    jvs_history_list(repo, &cat, jvs_repo_worktree(repo), &ho, &h) < 0 ||
	    (paths && jvs_path_history_compute(repo, &cat, &h, paths, npaths, limit, &ph) < 0)) {
		rc = cli_fail(&c);
		goto out;
	}
	if (paths) {
		/* the pruned line names the parent of the lineage's end */
		if (h.ends_pruned && h.n)
			snprintf(pruned_parent, sizeof pruned_parent, "%s", h.items[h.n - 1]->parent_id);
		keep_changed(&h, &ph, limit);
	} else if (h.n) {
		snprintf(pruned_parent, sizeof pruned_parent, "%s", h.items[h.n - 1]->parent_id);
	}
	if (!jvs_repo_worktree(repo) && !ho.all && !ho.tag && !ho.grep && !c.quiet)
		fprintf(stderr, "note: not in a worktree; listing every snapshot (use -w NAME "
				"for one lineage)\n");
	if (h.tag_prefix_fallback && h.total && !c.quiet)
		fprintf(stderr, "note: no snapshot has the tag '%s'; showing tags starting with it\n",
			cli_esc(ho.tag));
	if (fmt == FMT_JSON && (h.damaged[0] || (h.whole_repository && cat.nbad))) {
		/* One JSON document: the error, not a listing that omits snapshots
		 * (0: the descriptor loads after all, repaired meanwhile). */
		rc = report_damage(&c, repo, h.damaged[0] ? h.damaged : cat.bad[0]);
		if (rc)
			goto out;
	}
	if (fmt == FMT_JSON) {
		json_t *a = json_array();
		for (size_t i = 0; a && i < h.n; i++) {
			json_t *d = jvs_descriptor_to_json(h.items[i]);
			if (d && paths && ph.letters && add_path_changes(d, ph.letters[i]) < 0) {
				json_decref(d);
				d = NULL;
			}
			if (!d) { /* never a listing that silently leaves one out */
				json_decref(a);
				jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT,
					      "snapshot %s: its descriptor cannot be written as JSON",
					      h.items[i]->snapshot_id);
				jvs_error_hint("run 'jvs verify --all' and 'jvs doctor --strict'");
				rc = cli_fail(&c);
				goto out;
			}
			if (h.items[i]->npartial_paths) /* others keep the descriptor's keys */
				json_object_set_new(d, "partial", json_true());
			json_array_append_new(a, d);
		}
		rc = cli_print_json(&c, a);
		goto out;
	}
	if (fmt == FMT_TEXT && !h.whole_repository && h.head[0] &&
	    strcmp(h.head, h.latest))
		printf("%sDETACHED%s: files are at %s; the latest is %s (jvs restore HEAD)\n",
		       cli_color(CLI_YELLOW), cli_color(CLI_RESET), jvs_id_short(h.head),
		       jvs_id_short(h.latest));
	for (size_t i = 0; i < h.n; i++) {
		if (fmt == FMT_ID)
			puts(h.items[i]->snapshot_id);
		else if (fmt == FMT_SHORT)
			print_short(h.items[i]);
		else if (fmt == FMT_TSV)
			print_tsv(h.items[i], paths && ph.letters ? ph.letters[i] : NULL);
		else {
			print_text(&h, h.whole_repository, i);
			if (paths && ph.letters)
				print_path_lines(ph.letters[i]);
		}
	}
	if (fmt == FMT_TEXT && h.ends_pruned && h.n == h.total)
		print_pruned(repo, pruned_parent);
	fflush(stdout); /* before the errors; a failed write is E_IO at exit */
	if (h.damaged[0] || (h.whole_repository && cat.nbad)) {
		int r = report_all_damage(&c, repo, &cat, &h);
		rc = r > rc ? r : rc;
		goto out;
	}
	if (fmt == FMT_TEXT && h.total == 0 && !c.quiet)
		fprintf(stderr, "%s\n", paths ? "no snapshot changes these paths"
				       : ho.tag || ho.grep ? "no snapshot matches"
							   : "no snapshots yet (jvs snapshot NOTE)");
out:
	jvs_path_history_clear(&ph);
	cli_paths_free(paths, npaths);
	jvs_history_clear(&h);
	jvs_catalog_clear(&cat);
	jvs_repo_free(repo);
	return rc;
}
