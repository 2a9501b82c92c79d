#include "jvs/catalog.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/worktree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int jvs_catalog_load(const jvs_repo *repo, jvs_catalog *out)
{
	char **ids = NULL;
	size_t n = 0;
	memset(out, 0, sizeof *out);
	if (jvs_snapshot_ids(repo, &ids, &n) < 0)
		return -1;
	out->d = calloc(n + 1, sizeof *out->d);
	out->bad = calloc(n + 1, sizeof *out->bad);
	if (!out->d || !out->bad) {
		jvs_strv_free(ids, n);
		free(out->d);
		free(out->bad);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		if (jvs_descriptor_load(repo, ids[i], &out->d[out->n]) == 0)
			out->n++;
		else
			out->bad[out->nbad++] = strdup(ids[i]);
	}
	jvs_error_clear();
	jvs_strv_free(ids, n);
	return 0;
}

void jvs_catalog_clear(jvs_catalog *c)
{
	for (size_t i = 0; i < c->n; i++)
		jvs_descriptor_clear(&c->d[i]);
	free(c->d);
	jvs_strv_free(c->bad, c->nbad);
	memset(c, 0, sizeof *c);
}

const jvs_descriptor *jvs_catalog_get(const jvs_catalog *c, const char *id)
{
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(c->d[mid].snapshot_id, id);
		if (!cmp)
			return &c->d[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int jvs_ref_latest_tag(const jvs_catalog *cat, const char *tag, char out[JVS_ID_BUF])
{
	for (size_t i = cat->n; i-- > 0;)
		if (jvs_descriptor_has_tag(&cat->d[i], tag)) {
			snprintf(out, JVS_ID_BUF, "%s", cat->d[i].snapshot_id);
			return 0;
		}
	jvs_error_set(JVS_E_NOT_FOUND, "no snapshot is tagged '%s'", tag);
	return jvs_error_hint("see 'jvs history --all'");
}

static int ambiguous(const jvs_catalog *cat, const char *ref, const char *what,
		     int (*match)(const jvs_descriptor *, const char *))
{
	char list[768] = "";
	size_t used = 0, shown = 0;
	for (size_t i = cat->n; i-- > 0;) {
		if (!match(&cat->d[i], ref))
			continue;
		if (shown++ < 8)
			used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
						 used ? ", " : "", cat->d[i].snapshot_id);
		if (used >= sizeof list)
			used = sizeof list - 1;
	}
	jvs_error_set(JVS_E_AMBIGUOUS, "'%s' matches several snapshots by %s: %s%s", ref, what,
		      list, shown > 8 ? ", ..." : "");
	return jvs_error_hint("use a longer prefix or the full id");
}

static int match_id_prefix(const jvs_descriptor *d, const char *ref)
{
	return !strncmp(d->snapshot_id, ref, strlen(ref));
}

static int match_note_prefix(const jvs_descriptor *d, const char *ref)
{
	return d->note && *ref && !strncmp(d->note, ref, strlen(ref));
}

int jvs_ref_resolve(const jvs_repo *repo, const jvs_catalog *cat, const char *worktree,
		    const char *ref, char out[JVS_ID_BUF])
{
	size_t hits = 0, hit = 0;
	if (!ref || !*ref)
		return jvs_error_set(JVS_E_USAGE, "empty snapshot reference");
	if (!strcmp(ref, "HEAD")) {
		jvs_worktree wt;
		if (!worktree) {
			jvs_error_set(JVS_E_NO_WORKTREE, "HEAD needs a current worktree");
			return jvs_error_hint("cd into a worktree, or use -w NAME");
		}
		if (jvs_worktree_load(repo, worktree, &wt) < 0)
			return -1;
		if (!wt.latest[0])
			return jvs_error_set(JVS_E_NOT_FOUND, "worktree '%s' has no snapshot yet",
					     worktree),
			       jvs_error_hint("create one with 'jvs snapshot'");
		snprintf(out, JVS_ID_BUF, "%s", wt.latest);
		return 0;
	}
	if (jvs_id_is_valid(ref) && jvs_catalog_get(cat, ref)) {
		snprintf(out, JVS_ID_BUF, "%s", ref);
		return 0;
	}
	/* A full id whose descriptor is damaged: say so rather than "not found". */
	for (size_t i = 0; repo && i < cat->nbad; i++) {
		jvs_descriptor d;
		if (strcmp(cat->bad[i], ref))
			continue;
		if (jvs_descriptor_load(repo, ref, &d) < 0)
			return -1;
		jvs_descriptor_clear(&d);
	}
	for (size_t i = cat->n; i-- > 0;)
		if (jvs_descriptor_has_tag(&cat->d[i], ref)) {
			snprintf(out, JVS_ID_BUF, "%s", cat->d[i].snapshot_id);
			return 0;
		}
	if (jvs_id_prefix_plausible(ref)) {
		for (size_t i = 0; i < cat->n; i++)
			if (match_id_prefix(&cat->d[i], ref))
				hits++, hit = i;
		if (hits == 1) {
			snprintf(out, JVS_ID_BUF, "%s", cat->d[hit].snapshot_id);
			return 0;
		}
		if (hits > 1)
			return ambiguous(cat, ref, "id prefix", match_id_prefix);
	}
	for (size_t i = cat->n; i-- > 0;)
		if (cat->d[i].note && !strcmp(cat->d[i].note, ref)) {
			snprintf(out, JVS_ID_BUF, "%s", cat->d[i].snapshot_id);
			return 0;
		}
	hits = 0;
	for (size_t i = 0; i < cat->n; i++)
		if (match_note_prefix(&cat->d[i], ref))
			hits++, hit = i;
	if (hits == 1) {
		snprintf(out, JVS_ID_BUF, "%s", cat->d[hit].snapshot_id);
		return 0;
	}
	if (hits > 1)
		return ambiguous(cat, ref, "note prefix", match_note_prefix);
	jvs_error_set(JVS_E_NOT_FOUND, "no snapshot matches '%s'", ref);
	return jvs_error_hint("see 'jvs history --all' for ids, tags and notes");
}
