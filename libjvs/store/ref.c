/* Reference resolution: HEAD, full ids, tags, id prefixes, short ids and
 * notes (SPEC §3). */
#include "catalog.h"
#include "api_int.h"
#include "descriptor.h"
#include "error_int.h"
#include "name.h"
#include "textesc.h"
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

/* How a candidate is named in an E_AMBIGUOUS list: its short form, unless
 * that would not name it alone (another snapshot shares the random part,
 * as ids made before short ids were unique can, or a tag spells it). */
static const char *candidate_id(const jvs_catalog *cat, const jvs_descriptor *d)
{
	const char *s = jvs_id_short(d->snapshot_id);
	char tagged[JVS_ID_BUF];
	if (s == d->snapshot_id)
		return s;
	for (size_t i = 0; i < cat->n; i++)
		if (&cat->d[i] != d && !strcmp(jvs_id_short(cat->d[i].snapshot_id), s))
			return d->snapshot_id;
	for (size_t i = cat->n; i-- > 0;)
		if (jvs_descriptor_has_tag(&cat->d[i], s)) {
			snprintf(tagged, sizeof tagged, "%s", cat->d[i].snapshot_id);
			return strcmp(tagged, d->snapshot_id) ? d->snapshot_id : s;
		}
	return s;
}

/* At most max bytes of note, cut at a character boundary. */
static int note_len(const char *note, int max)
{
	int n = 0;
	while (note[n]) {
		size_t k = jvs_utf8_seq_len(note + n, strlen(note + n));
		if (!k)
			k = 1;
		if (n + (int)k > max)
			break;
		n += (int)k;
	}
	return n;
}

#define AMBIGUOUS_SHOWN 8
#define AMBIGUOUS_NOTE 40

/* E_AMBIGUOUS naming the candidates, newest first, each with its note: the
 * first AMBIGUOUS_SHOWN of them, then how many more. */
static int ambiguous(const jvs_catalog *cat, const char *ref, const char *what,
		     int (*match)(const jvs_descriptor *, const char *), const char *hint)
{
	char list[768] = "";
	size_t used = 0, shown = 0, total = 0;
	for (size_t i = cat->n; i-- > 0;) {
		const jvs_descriptor *d = &cat->d[i];
		if (!match(d, ref))
			continue;
		total++;
		if (shown >= AMBIGUOUS_SHOWN || used >= sizeof list - 1)
			continue;
		shown++;
		if (d->note && *d->note) {
			int n = note_len(d->note, AMBIGUOUS_NOTE);
			used += (size_t)snprintf(list + used, sizeof list - used, "%s%s (%.*s%s)",
						 used ? ", " : "", candidate_id(cat, d), n, d->note,
						 d->note[n] ? "..." : "");
		} else {
			used += (size_t)snprintf(list + used, sizeof list - used, "%s%s (no note)",
						 used ? ", " : "", candidate_id(cat, d));
		}
		if (used >= sizeof list)
			used = sizeof list - 1;
	}
	if (total > shown)
		jvs_error_set(JVS_E_AMBIGUOUS, "'%s' matches %zu snapshots by %s: %s and %zu more",
			      ref, total, what, list, total - shown);
	else
		jvs_error_set(JVS_E_AMBIGUOUS, "'%s' matches %zu snapshots by %s: %s", ref, total,
			      what, list);
	return jvs_error_hint("%s; 'jvs history --all' lists them", hint);
}

static int match_id_prefix(const jvs_descriptor *d, const char *ref)
{
	return !strncmp(d->snapshot_id, ref, strlen(ref));
}

/* ref is a prefix of the random part (the short form's digits). */
static int match_random_prefix(const jvs_descriptor *d, const char *ref)
{
	return strlen(d->snapshot_id) == JVS_ID_LEN &&
	       !strncmp(d->snapshot_id + JVS_ID_LEN - JVS_ID_SHORT_LEN, ref, strlen(ref));
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
			return ambiguous(cat, ref, "id prefix", match_id_prefix,
					 "give more digits, the 8-digit short id or the full id");
	}
	/* A short id, or a prefix of one; tried after full-id prefixes and before
	 * notes, so "cafe" is a short id when one starts so, else a note. */
	if (jvs_id_random_prefix_plausible(ref)) {
		hits = 0;
		for (size_t i = 0; i < cat->n; i++)
			if (match_random_prefix(&cat->d[i], ref))
				hits++, hit = i;
		if (hits == 1) {
			snprintf(out, JVS_ID_BUF, "%s", cat->d[hit].snapshot_id);
			return 0;
		}
		if (hits > 1)
			return ambiguous(cat, ref, "short id", match_random_prefix,
					 "give more of the 8 hex digits, or the full id");
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
		return ambiguous(cat, ref, "note prefix", match_note_prefix,
				 "give more of the note, a short id or the full id");
	if (strlen(ref) < JVS_ID_SHORT_MIN && strspn(ref, "0123456789abcdef") == strlen(ref)) {
		/* SPEC §3: an id prefix and a short id prefix have at least 4 digits. */
		jvs_error_set(JVS_E_NOT_FOUND,
			      "'%s' is too short for an id prefix or short id (at least 4 hex "
			      "digits) and matches no tag or note",
			      ref);
		return jvs_error_hint("give at least 4 of the 8 hex digits 'jvs history' shows "
				      "(a3f7 of a3f7c1b2), or the full id");
	}
	jvs_error_set(JVS_E_NOT_FOUND, "no snapshot matches '%s'", ref);
	return jvs_error_hint("see 'jvs history --all' for ids, tags and notes");
}
