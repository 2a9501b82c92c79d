#include "jvs/history.h"
#include "jvs/error.h"
#include "jvs/tombstone.h"
#include "jvs/worktree.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_glob(const char *p)
{
	return strpbrk(p, "*?[") != NULL;
}

int jvs_tag_matches(const char *pattern, const char *tag, int prefix)
{
	if (is_glob(pattern))
		return fnmatch(pattern, tag, 0) == 0;
	if (prefix)
		return !strncmp(tag, pattern, strlen(pattern));
	return !strcmp(tag, pattern);
}

static int has_matching_tag(const jvs_descriptor *d, const char *pattern, int prefix)
{
	for (size_t i = 0; i < d->ntags; i++)
		if (jvs_tag_matches(pattern, d->tags[i], prefix))
			return 1;
	return 0;
}

static int note_matches(const jvs_descriptor *d, const char *grep)
{
	return d->note && strcasestr(d->note, grep) != NULL;
}

static int push(jvs_history *h, const jvs_descriptor *d)
{
	h->items[h->n++] = d;
	return 0;
}

/* d's parent in the catalog, or NULL. Ids sort by creation time, so the
 * parent is most often the entry just before d: try it before searching. */
static const jvs_descriptor *parent_of(const jvs_catalog *cat, const jvs_descriptor *d)
{
	if (!d->parent_id[0])
		return NULL;
	if (d > cat->d && d < cat->d + cat->n && !strcmp(d[-1].snapshot_id, d->parent_id))
		return d - 1;
	return jvs_catalog_get(cat, d->parent_id);
}

static int is_bad(const jvs_catalog *cat, const char *id)
{
	for (size_t i = 0; i < cat->nbad; i++)
		if (!strcmp(cat->bad[i], id))
			return 1;
	return 0;
}

/* id is set but has no loadable descriptor, and gc did not delete it. One
 * the catalogue lacks but that loads was published after the catalogue was
 * read (the worktree config is read later): no damage. */
static int lost(const jvs_repo *repo, const jvs_catalog *cat, const char *id)
{
	jvs_tombstone t;
	jvs_descriptor d;
	if (!id[0] || jvs_catalog_get(cat, id))
		return 0;
	if (is_bad(cat, id))
		return 1;
	if (jvs_tombstone_load(repo, id, &t) == 0) {
		jvs_tombstone_clear(&t);
		return 0;
	}
	if (jvs_descriptor_load(repo, id, &d) == 0) {
		jvs_descriptor_clear(&d);
		return 0;
	}
	jvs_error_clear();
	return 1;
}

/* Walks parents from start; returns 1 if `want` was met on the way. */
static int lineage_contains(const jvs_catalog *cat, const char *start, const char *want)
{
	const jvs_descriptor *d = jvs_catalog_get(cat, start);
	for (size_t steps = 0; d && steps <= cat->n; steps++) {
		if (!strcmp(d->snapshot_id, want))
			return 1;
		d = parent_of(cat, d);
	}
	return 0;
}

int jvs_history_list(const jvs_repo *repo, const jvs_catalog *cat, const char *worktree,
		     const jvs_history_opts *opts, jvs_history *out)
{
	int filtered = opts->tag || opts->grep;
	memset(out, 0, sizeof *out);
	out->items = calloc(cat->n + 1, sizeof *out->items);
	if (!out->items)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	if (worktree) {
		jvs_worktree wt;
		if (jvs_worktree_load(repo, worktree, &wt) < 0)
			goto fail;
		memcpy(out->head, wt.head, sizeof out->head);
		memcpy(out->latest, wt.latest, sizeof out->latest);
	}
	/* At the repository root there is no lineage: show every snapshot, as
	 * the seed's Example 3 runs `jvs history` there. */
	out->whole_repository = opts->all || filtered || !worktree;
	if (out->whole_repository) {
		int prefix = 0;
		if (opts->tag && !is_glob(opts->tag)) {
			int exact = 0;
			for (size_t i = 0; i < cat->n && !exact; i++)
				exact = has_matching_tag(&cat->d[i], opts->tag, 0);
			prefix = !exact;
			out->tag_prefix_fallback = prefix;
		}
		for (size_t i = cat->n; i-- > 0;) {
			const jvs_descriptor *d = &cat->d[i];
			if (opts->tag && !has_matching_tag(d, opts->tag, prefix))
				continue;
			if (opts->grep && !note_matches(d, opts->grep))
				continue;
			push(out, d);
		}
	} else {
		const char *start;
		const jvs_descriptor *d;
		/* From latest when head lies on its line, else from head. */
		start = out->latest;
		if (out->head[0] && !lineage_contains(cat, out->latest, out->head))
			start = out->head;
		/* A head or latest that does not load is damage, never "no snapshots". */
		if (lost(repo, cat, out->latest))
			snprintf(out->damaged, sizeof out->damaged, "%s", out->latest);
		else if (lost(repo, cat, out->head))
			snprintf(out->damaged, sizeof out->damaged, "%s", out->head);
		d = start[0] ? jvs_catalog_get(cat, start) : NULL;
		for (size_t steps = 0; d && steps <= cat->n; steps++) {
			push(out, d);
			if (!d->parent_id[0])
				break;
			const jvs_descriptor *p = parent_of(cat, d);
			if (!p && is_bad(cat, d->parent_id))
				snprintf(out->damaged, sizeof out->damaged, "%s", d->parent_id);
			else if (!p)
				out->ends_pruned = 1;
			d = p;
		}
	}
	out->total = out->n;
	if (opts->limit && out->n > opts->limit)
		out->n = opts->limit;
	return 0;
fail:
	jvs_history_clear(out);
	return -1;
}

void jvs_history_clear(jvs_history *h)
{
	free(h->items);
	memset(h, 0, sizeof *h);
}
