/* Reference resolution: HEAD, full ids, tags, id prefixes and notes (SPEC §3). */
#include "catalog.h"
#include "api_int.h"
#include "descriptor.h"
#include "error_int.h"
#include "name.h"
#include "worktree_int.h"

#include <stdio.h>
#include <string.h>

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

int jvs__ref_resolve(const jvs_repo *repo, const jvs_catalog *cat, const char *worktree,
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
		if (jvs__worktree_load(repo, worktree, &wt) < 0)
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
		if (jvs__descriptor_load(repo, ref, &d) < 0)
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
	if (strlen(ref) < 4 && strspn(ref, "0123456789abcdef") == strlen(ref)) {
		/* SPEC §3: an id prefix has at least 4 characters. */
		jvs_error_set(JVS_E_NOT_FOUND,
			      "'%s' is too short for an id prefix (at least 4 characters) and "
			      "matches no tag or note",
			      ref);
		return jvs_error_hint("give at least 4 characters of the id, e.g. the 8 hex "
				      "digits after '-'; 'jvs history --all' lists them");
	}
	jvs_error_set(JVS_E_NOT_FOUND, "no snapshot matches '%s'", ref);
	return jvs_error_hint("see 'jvs history --all' for ids, tags and notes");
}
