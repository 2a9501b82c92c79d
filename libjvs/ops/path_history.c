/* `jvs history -- PATH...`: the snapshots whose manifest differs from their
 * parent's at the given paths, read with the streaming manifest reader. */
#include "path_history.h"
#include "error_int.h"
#include "manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *jvs_path_worktree_rel(const char *root, const char *cwd, const char *arg)
{
	int above = 0; /* ".." above "/" */
	size_t rl;
	int in_root;
	if (!root) { /* no worktree: relative to a payload root */
		if (arg[0] == '/') {
			jvs_error_set(JVS_E_PATH_ESCAPE, "'%s': absolute paths need a worktree", arg);
			jvs_error_hint("run in a worktree, or give -w NAME");
			return NULL;
		}
		root = "";
		cwd = NULL;
	}
	rl = strlen(root);
	in_root = cwd && !strncmp(cwd, root, rl) && (cwd[rl] == '\0' || cwd[rl] == '/');
	const char *base = arg[0] == '/' ? "" : in_root ? cwd : root;
	size_t bl = strlen(base), al = strlen(arg);
	char *abs = malloc(bl + al + 2), *out, *w, *tok, *save = NULL;
	if (!abs) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		return NULL;
	}
	snprintf(abs, bl + al + 2, "%s/%s", base, arg);
	out = malloc(bl + al + 3);
	if (!out) {
		free(abs);
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		return NULL;
	}
	w = out;
	*w = '\0';
	for (tok = strtok_r(abs, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		size_t tl;
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			char *slash;
			above |= w == out;
			slash = strrchr(out, '/');
			w = slash ? slash : out;
			*w = '\0';
			continue;
		}
		tl = strlen(tok);
		*w++ = '/';
		memcpy(w, tok, tl + 1);
		w += tl;
	}
	free(abs);
	if (above || strncmp(out, root, rl) || (out[rl] && out[rl] != '/')) {
		free(out);
		jvs_error_set(JVS_E_PATH_ESCAPE, "'%s' is outside the worktree", arg);
		jvs_error_hint("give paths inside the worktree %s", root);
		return NULL;
	}
	rl += out[rl] == '/';
	memmove(out, out + rl, strlen(out + rl) + 1);
	return out;
}

int jvs_path_matches(const char *path, const char *want)
{
	size_t n = strlen(want);
	return !n || (!strncmp(path, want, n) && (path[n] == '\0' || path[n] == '/'));
}

/* 1 when path sorts after every path that matches want. */
static int past(const char *path, const char *want)
{
	size_t n = strlen(want);
	int c;
	if (!n)
		return 0;
	c = strncmp(path, want, n);
	return c > 0 || (c == 0 && (unsigned char)path[n] > '/');
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t jvs_path_sort_unique(char **paths, size_t n)
{
	size_t k = 0;
	if (!n)
		return 0;
	qsort(paths, n, sizeof *paths, cmp_str);
	for (size_t i = 1; i < n; i++) {
		if (!strcmp(paths[i], paths[k]))
			free(paths[i]);
		else
			paths[++k] = paths[i];
	}
	return k + 1;
}

/* ---- the entries of one manifest at the paths ---- */

typedef struct {
	char *path;
	int64_t size;
	unsigned mode;
	jvs_entry_type type;
	char hash[JVS_HASH_HEX];
	char *xattrs;
} rec;

typedef struct {
	rec *r;
	size_t n, cap;
} recs;

typedef struct {
	char id[JVS_ID_BUF]; /* whose entries; "" for the empty tree */
	recs *per;	     /* one list per path */
	size_t npaths;
} sel;

static void recs_clear(recs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->r[i].path);
		free(l->r[i].xattrs);
	}
	l->n = 0;
}

static void sel_free(sel *s)
{
	if (!s)
		return;
	for (size_t k = 0; s->per && k < s->npaths; k++) {
		recs_clear(&s->per[k]);
		free(s->per[k].r);
	}
	free(s->per);
	free(s);
}

static sel *sel_new(size_t npaths)
{
	sel *s = calloc(1, sizeof *s);
	if (s && !(s->per = calloc(npaths ? npaths : 1, sizeof *s->per))) {
		free(s);
		s = NULL;
	}
	if (!s) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		return NULL;
	}
	s->npaths = npaths;
	return s;
}

static int recs_add(recs *l, const jvs_manifest_entry *e)
{
	rec *r;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		rec *nr = realloc(l->r, cap * sizeof *nr);
		if (!nr)
			return jvs_error_set(JVS_E_INTERNAL, "out of memory");
		l->r = nr;
		l->cap = cap;
	}
	r = &l->r[l->n];
	r->path = strdup(e->path);
	r->xattrs = e->xattrs ? strdup(e->xattrs) : NULL;
	if (!r->path || (e->xattrs && !r->xattrs)) {
		free(r->path);
		free(r->xattrs);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	r->size = e->size;
	r->mode = e->mode;
	r->type = e->type;
	jvs_manifest_entry_hex(e, r->hash);
	l->n++;
	return 0;
}

/* Fills s with the entries of snapshot d's manifest at the paths; d NULL:
 * the empty tree. */
static int sel_load(const jvs_repo *repo, const jvs_descriptor *d, char *const *paths,
		    size_t npaths, sel *s)
{
	jvs_manifest_reader *r;
	const jvs_manifest_entry *e;
	int rc;
	for (size_t k = 0; k < npaths; k++)
		recs_clear(&s->per[k]);
	s->id[0] = '\0';
	if (!d)
		return 0;
	snprintf(s->id, sizeof s->id, "%s", d->snapshot_id);
	/* No want_hash: the reading stops after the last path, before the end
	 * where the hash would be checked (jvs verify checks manifests). */
	r = jvs_manifest_reader_open(repo, d->snapshot_id, NULL);
	if (!r)
		return -1;
	e = jvs_manifest_reader_seek(r, paths[0]); /* skips what sorts before every path */
	rc = e ? 1 : jvs_manifest_reader_next(r, &e);
	for (; rc > 0; rc = jvs_manifest_reader_next(r, &e)) {
		int beyond = 1;
		for (size_t k = 0; k < npaths; k++) {
			if (jvs_path_matches(e->path, paths[k])) {
				if (recs_add(&s->per[k], e) < 0) {
					jvs_manifest_reader_close(r);
					return -1;
				}
				beyond = 0;
			} else if (beyond && !past(e->path, paths[k])) {
				beyond = 0;
			}
		}
		if (beyond)
			break;
	}
	jvs_manifest_reader_close(r);
	return rc < 0 ? -1 : 0;
}

static int rec_equal(const rec *a, const rec *b)
{
	return a->type == b->type && a->mode == b->mode && a->size == b->size &&
	       !strcmp(a->path, b->path) && !strcmp(a->hash, b->hash) &&
	       !strcmp(a->xattrs ? a->xattrs : "", b->xattrs ? b->xattrs : "");
}

static char letter(const recs *child, const recs *parent)
{
	if (child->n == parent->n) {
		size_t i = 0;
		while (i < child->n && rec_equal(&child->r[i], &parent->r[i]))
			i++;
		if (i == child->n)
			return '-';
	}
	return !parent->n ? 'A' : !child->n ? 'D' : 'M';
}

void jvs_path_history_clear(jvs_path_history *ph)
{
	if (!ph)
		return;
	for (size_t i = 0; ph->letters && i < ph->n; i++)
		free(ph->letters[i]);
	free(ph->letters);
	memset(ph, 0, sizeof *ph);
}

int jvs_path_history_compute(const jvs_repo *repo, const jvs_catalog *cat, const jvs_history *h,
			     char *const *paths, size_t npaths, size_t limit,
			     jvs_path_history *out)
{
	sel *cur = NULL, *par = NULL, *t;
	size_t found = 0;
	int rc = -1;
	memset(out, 0, sizeof *out);
	if (!npaths)
		return jvs_error_set(JVS_E_INTERNAL, "no path to follow");
	out->letters = calloc(h->n + 1, sizeof *out->letters);
	cur = sel_new(npaths);
	par = sel_new(npaths);
	if (!out->letters || !cur || !par) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		goto done;
	}
	out->n = h->n;
	cur->id[0] = par->id[0] = '\x01'; /* neither holds anything yet */
	for (size_t i = 0; i < h->n && (!limit || found < limit); i++) {
		const jvs_descriptor *d = h->items[i];
		const jvs_descriptor *p = d->parent_id[0] ? jvs_catalog_get(cat, d->parent_id) : NULL;
		char *l = malloc(npaths + 1);
		if (!l) {
			jvs_error_set(JVS_E_INTERNAL, "out of memory");
			goto done;
		}
		out->letters[i] = l;
		memset(l, '-', npaths);
		l[npaths] = '\0';
		if (p && !strcmp(p->payload_root_hash, d->payload_root_hash)) {
			/* the same manifest: nothing changed; the parent's entries,
			 * when needed next, are the ones of d */
			if (!strcmp(cur->id, d->snapshot_id))
				snprintf(cur->id, sizeof cur->id, "%s", p->snapshot_id);
			else if (!strcmp(par->id, d->snapshot_id))
				snprintf(par->id, sizeof par->id, "%s", p->snapshot_id);
			continue;
		}
		/* newest first: d is usually the parent examined just before */
		if (!strcmp(par->id, d->snapshot_id)) {
			t = cur, cur = par, par = t;
		} else if (strcmp(cur->id, d->snapshot_id) && sel_load(repo, d, paths, npaths, cur) < 0)
			goto done;
		if (strcmp(par->id, p ? p->snapshot_id : "") &&
		    sel_load(repo, p, paths, npaths, par) < 0)
			goto done;
		for (size_t k = 0; k < npaths; k++)
			l[k] = letter(&cur->per[k], &par->per[k]);
		if (strspn(l, "-") != npaths)
			found++;
	}
	rc = 0;
done:
	sel_free(cur);
	sel_free(par);
	if (rc < 0)
		jvs_path_history_clear(out);
	return rc;
}
