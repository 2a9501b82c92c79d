/* GC planning: what is kept and why, the candidates, the space freed. */
#include "gc_internal.h"
#include "layout.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/hash.h"
#include "jvs/json.h"
#include "jvs/pin.h"
#include "jvs/worktree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void jvs_gc_plan_clear(jvs_gc_plan *plan)
{
	for (size_t i = 0; i < plan->ncandidates; i++)
		free(plan->candidates[i].note);
	for (size_t i = 0; i < plan->nkept; i++)
		free(plan->kept[i].note);
	free(plan->candidates);
	free(plan->kept);
	jvs_gc_policy_clear(&plan->policy);
	memset(plan, 0, sizeof *plan);
}

int jvs_gc__plan_id_valid(const char *s)
{
	if (!s || strlen(s) != JVS_GC_PLAN_ID_LEN)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

/* ---- always-kept snapshots ---- */

static void mark(const jvs_catalog *cat, unsigned *why, const char *id, unsigned bit)
{
	const jvs_descriptor *d = id && *id ? jvs_catalog_get(cat, id) : NULL;
	if (d)
		why[d - cat->d] |= bit;
}

static int mark_worktrees(const jvs_repo *repo, const jvs_catalog *cat, unsigned *why)
{
	char **names = NULL;
	size_t n = 0;
	int rc = 0;
	if (jvs_worktree_list(repo, &names, &n) < 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		jvs_worktree wt;
		if (jvs_worktree_load(repo, names[i], &wt) < 0) {
			jvs_error_hint("gc cannot tell what worktree '%s' needs; run 'jvs doctor'",
			               names[i]);
			rc = -1;
			break;
		}
		mark(cat, why, wt.head, JVS_GC_WHY_HEAD);
		mark(cat, why, wt.latest, JVS_GC_WHY_LATEST);
	}
	jvs_strv_free(names, n);
	return rc;
}

static int mark_pins(const jvs_repo *repo, const jvs_catalog *cat, int64_t now, unsigned *why)
{
	jvs_pin *pins;
	size_t n;
	if (jvs_pin_list(repo, &pins, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!jvs_pin_is_expired(&pins[i], now))
			mark(cat, why, pins[i].snapshot_id, JVS_GC_WHY_PIN);
	jvs_pin_list_free(pins, n);
	return 0;
}

static void mark_json_ids(const jvs_catalog *cat, unsigned *why, const json_t *v, int depth)
{
	size_t i;
	const char *k;
	json_t *x;
	if (depth > 64)
		return;
	if (json_is_string(v) && jvs_id_is_valid(json_string_value(v)))
		mark(cat, why, json_string_value(v), JVS_GC_WHY_INTENT);
	else if (json_is_array(v))
		json_array_foreach(v, i, x) mark_json_ids(cat, why, x, depth + 1);
	else if (json_is_object(v))
		json_object_foreach((json_t *)v, k, x) mark_json_ids(cat, why, x, depth + 1);
}

/* An unreadable intent still protects whatever ids appear in its bytes. */
static void mark_raw_ids(const jvs_catalog *cat, unsigned *why, const char *buf, size_t len)
{
	char id[JVS_ID_BUF];
	for (size_t i = 0; i + JVS_ID_LEN <= len; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			continue;
		memcpy(id, buf + i, JVS_ID_LEN);
		id[JVS_ID_LEN] = '\0';
		if (jvs_id_is_valid(id))
			mark(cat, why, id, JVS_GC_WHY_INTENT);
	}
}

static int mark_intents(const jvs_repo *repo, const jvs_catalog *cat, unsigned *why)
{
	char *dir = jvs_repo_path(repo, "intents");
	DIR *d;
	struct dirent *de;
	if (!dir)
		return -1;
	d = opendir(dir);
	if (!d) {
		int missing = errno == ENOENT;
		if (!missing)
			jvs_error_sys("cannot open '%s'", dir);
		free(dir);
		return missing ? 0 : -1;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char *p, *buf = NULL;
		size_t blen;
		json_t *j;
		/* gc's own intent names no snapshot it protects */
		if (len < 6 || strcmp(de->d_name + len - 5, ".json") ||
		    !strncmp(de->d_name, "gc-", 3))
			continue;
		p = jvs_path_join(dir, de->d_name);
		if (p && jvs_read_file(p, &buf, &blen) == 0) {
			j = json_loadb(buf, blen, 0, NULL);
			if (j)
				mark_json_ids(cat, why, j, 0);
			else
				mark_raw_ids(cat, why, buf, blen);
			json_decref(j);
		}
		jvs_error_clear();
		free(buf);
		free(p);
	}
	closedir(d);
	free(dir);
	return 0;
}

static void mark_lineage(const jvs_catalog *cat, unsigned *why)
{
	unsigned *start = malloc((cat->n + 1) * sizeof *start);
	if (start)
		memcpy(start, why, cat->n * sizeof *start);
	for (size_t i = 0; i < cat->n; i++) {
		const jvs_descriptor *d = &cat->d[i];
		if (!(start ? start[i] : why[i]))
			continue;
		while (d->parent_id[0] && (d = jvs_catalog_get(cat, d->parent_id))) {
			unsigned *w = &why[d - cat->d];
			if (*w & JVS_GC_WHY_LINEAGE)
				break;
			*w |= JVS_GC_WHY_LINEAGE;
		}
	}
	free(start);
}

/* ---- space really freed ---- */

typedef struct {
	uint64_t dev, ino, blocks;
	uint32_t nlink, seen;
} inode_slot;

typedef struct {
	inode_slot *s;
	size_t cap, used;
	uint64_t dir_blocks;
} inode_table;

static size_t slot_of(const inode_table *t, uint64_t dev, uint64_t ino)
{
	uint64_t h = (ino * 0x9E3779B97F4A7C15ULL) ^ (dev * 0xC2B2AE3D27D4EB4FULL);
	size_t i = (size_t)(h ^ (h >> 29)) & (t->cap - 1);
	while (t->s[i].nlink && (t->s[i].dev != dev || t->s[i].ino != ino))
		i = (i + 1) & (t->cap - 1);
	return i;
}

static int table_add(inode_table *t, const struct stat *st)
{
	size_t i;
	if ((t->used + 1) * 2 > t->cap) {
		inode_table nt = {0};
		nt.cap = t->cap ? t->cap * 2 : 1024;
		nt.s = calloc(nt.cap, sizeof *nt.s);
		if (!nt.s)
			return jvs_error_set(JVS_E_INTERNAL, "out of memory");
		for (size_t k = 0; k < t->cap; k++)
			if (t->s[k].nlink)
				nt.s[slot_of(&nt, t->s[k].dev, t->s[k].ino)] = t->s[k];
		free(t->s);
		t->s = nt.s;
		t->cap = nt.cap;
	}
	i = slot_of(t, (uint64_t)st->st_dev, (uint64_t)st->st_ino);
	if (!t->s[i].nlink) {
		t->s[i].dev = (uint64_t)st->st_dev;
		t->s[i].ino = (uint64_t)st->st_ino;
		t->s[i].nlink = st->st_nlink ? (uint32_t)st->st_nlink : 1;
		t->s[i].blocks = (uint64_t)st->st_blocks * 512;
		t->used++;
	}
	t->s[i].seen++;
	return 0;
}

static int walk(inode_table *t, int fd0, const char *shown, int depth)
{
	DIR *d;
	struct dirent *de;
	if (depth > 4096) {
		close(fd0);
		return jvs_error_set(JVS_E_INTERNAL, "'%s' is nested too deeply", shown);
	}
	d = fdopendir(fd0);
	if (!d) {
		close(fd0);
		return jvs_error_sys("cannot read '%s'", shown);
	}
	while ((de = readdir(d))) {
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue;
			closedir(d);
			return jvs_error_sys("cannot stat in '%s'", shown);
		}
		if (S_ISDIR(st.st_mode)) {
			int fd = openat(dirfd(d), de->d_name,
			                O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			t->dir_blocks += (uint64_t)st.st_blocks * 512;
			if (fd < 0) {
				if (errno == EACCES)
					continue; /* unreadable: its contents go uncounted */
				closedir(d);
				return jvs_error_sys("cannot open in '%s'", shown);
			}
			if (walk(t, fd, shown, depth + 1) < 0) {
				closedir(d);
				return -1;
			}
		} else if (table_add(t, &st) < 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

int jvs_gc__bytes(const jvs_repo *repo, char *const *ids, size_t n, uint64_t *out)
{
	inode_table t = {0};
	char *dir = jvs_repo_path(repo, "snapshots");
	int rc = 0, base;
	uint64_t total;
	*out = 0;
	if (!dir)
		return -1;
	base = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (base < 0) {
		jvs_error_sys("cannot open '%s'", dir);
		free(dir);
		return -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct stat st;
		int fd = ids[i] ? openat(base, ids[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		                                               O_CLOEXEC)
		                : -1;
		if (fd < 0)
			continue; /* already gone */
		if (fstat(fd, &st) < 0) {
			close(fd);
			continue;
		}
		t.dir_blocks += (uint64_t)st.st_blocks * 512;
		rc = walk(&t, fd, ids[i], 0);
	}
	close(base);
	free(dir);
	total = t.dir_blocks;
	for (size_t i = 0; i < t.cap; i++)
		if (t.s[i].nlink && t.s[i].seen >= t.s[i].nlink)
			total += t.s[i].blocks;
	free(t.s);
	if (rc == 0)
		*out = total;
	return rc;
}

/* ---- the plan ---- */

static int set_entry(jvs_gc_entry *e, const jvs_descriptor *d, unsigned why)
{
	snprintf(e->snapshot_id, sizeof e->snapshot_id, "%s", d->snapshot_id);
	snprintf(e->created_at, sizeof e->created_at, "%s", d->created_at);
	snprintf(e->worktree_name, sizeof e->worktree_name, "%s", d->worktree_name);
	e->why = why;
	e->note = strdup(d->note ? d->note : "");
	return e->note ? 0 : jvs_error_set(JVS_E_INTERNAL, "out of memory");
}

static int compute_plan_id(const jvs_gc_plan *plan, char out[JVS_GC_PLAN_ID_BUF])
{
	json_t *j = json_object(), *ids = json_array();
	char *canon = NULL, hash[JVS_HASH_HEX];
	if (!j || !ids) {
		json_decref(j);
		json_decref(ids);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	for (size_t i = 0; i < plan->ncandidates; i++)
		json_array_append_new(ids, json_string(plan->candidates[i].snapshot_id));
	json_object_set_new(j, "candidates", ids);
	json_object_set_new(j, "policy", jvs_gc_policy_to_json(&plan->policy));
	canon = jvs_json_canonical(j);
	json_decref(j);
	if (!canon)
		return -1;
	jvs_hash_buf(canon, strlen(canon), hash);
	free(canon);
	snprintf(out, JVS_GC_PLAN_ID_BUF, "%.*s", JVS_GC_PLAN_ID_LEN, hash);
	return 0;
}

int jvs_gc__compute(const jvs_repo *repo, const jvs_catalog *cat, const jvs_gc_policy *p,
                    int64_t now_ms, jvs_gc_plan *out)
{
	unsigned *why = calloc(cat->n + 1, sizeof *why);
	char **ids = NULL;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!why)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	if (jvs_gc__policy_copy(&out->policy, p) < 0)
		goto done;
	jvs_format_time_ms(now_ms, out->created_at);
	if (mark_worktrees(repo, cat, why) < 0 || mark_pins(repo, cat, now_ms, why) < 0 ||
	    mark_intents(repo, cat, why) < 0 || jvs_gc__retain(cat, p, now_ms, why) < 0)
		goto done;
	if (jvs_gc_policy_is_default(p))
		mark_lineage(cat, why);

	out->candidates = calloc(cat->n + 1, sizeof *out->candidates);
	out->kept = calloc(cat->n + 1, sizeof *out->kept);
	ids = calloc(cat->n + 1, sizeof *ids);
	if (!out->candidates || !out->kept || !ids) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < cat->n; i++) {
		const jvs_descriptor *d = &cat->d[i];
		if (!why[i]) {
			ids[out->ncandidates] = (char *)d->snapshot_id;
			if (set_entry(&out->candidates[out->ncandidates++], d, 0) < 0)
				goto done;
			continue;
		}
		if (set_entry(&out->kept[out->nkept++], d, why[i]) < 0)
			goto done;
		if (why[i] & JVS_GC_WHY_PIN)
			out->protected_by_pin++;
		else if (why[i] & (JVS_GC_WHY_HEAD | JVS_GC_WHY_LATEST | JVS_GC_WHY_INTENT |
		                   JVS_GC_WHY_LINEAGE))
			out->protected_by_lineage++;
		else
			out->protected_by_retention++;
	}
	if (jvs_gc__bytes(repo, ids, out->ncandidates, &out->deletable_bytes) < 0 ||
	    compute_plan_id(out, out->plan_id) < 0)
		goto done;
	rc = 0;
done:
	free(ids);
	free(why);
	if (rc < 0)
		jvs_gc_plan_clear(out);
	return rc;
}

json_t *jvs_gc_plan_to_json(const jvs_gc_plan *plan, int with_kept)
{
	json_t *j, *cands = json_array();
	for (size_t i = 0; cands && i < plan->ncandidates; i++)
		json_array_append_new(cands, json_string(plan->candidates[i].snapshot_id));
	j = json_pack("{s:s, s:s, s:o, s:o, s:I, s:o, s:I, s:I, s:I, s:I}", "plan_id",
	              plan->plan_id, "created_at", plan->created_at, "policy",
	              jvs_gc_policy_to_json(&plan->policy), "policy_name",
	              jvs_json_str_or_null(plan->policy.name), "candidate_count",
	              (json_int_t)plan->ncandidates, "candidates", cands, "protected_by_pin",
	              (json_int_t)plan->protected_by_pin, "protected_by_lineage",
	              (json_int_t)plan->protected_by_lineage, "protected_by_retention",
	              (json_int_t)plan->protected_by_retention, "deletable_bytes_estimate",
	              (json_int_t)plan->deletable_bytes);
	if (j && with_kept) {
		json_t *kept = json_array();
		json_object_set_new(j, "kept_count", json_integer((json_int_t)plan->nkept));
		for (size_t i = 0; kept && i < plan->nkept; i++) {
			json_t *why = json_array();
			for (int b = 0; why && b < JVS_GC_WHY__COUNT; b++)
				if (plan->kept[i].why & (1u << b))
					json_array_append_new(
					    why, json_string(jvs_gc_why_name(1u << b)));
			json_array_append_new(kept,
			                      json_pack("{s:s, s:o}", "snapshot_id",
			                                plan->kept[i].snapshot_id, "reasons", why));
		}
		json_object_set_new(j, "kept", kept);
	}
	if (!j)
		jvs_error_set(JVS_E_INTERNAL, "cannot encode the gc plan");
	return j;
}

int jvs_gc_plan_make(const jvs_repo *repo, const jvs_gc_policy *policy, jvs_gc_plan *out)
{
	jvs_catalog cat;
	char *dir = NULL, *path = NULL;
	json_t *j = NULL;
	int rc = -1;
	memset(out, 0, sizeof *out);
	if (jvs_catalog_load(repo, &cat) < 0)
		return -1;
	if (jvs_gc__compute(repo, &cat, policy, jvs_now_ms(), out) < 0)
		goto done;
	dir = jvs_repo_path(repo, "gc/plans");
	path = jvs_layout_plan(repo, out->plan_id);
	j = jvs_gc_plan_to_json(out, 0);
	if (!dir || !path || !j || jvs_mkdir_p(dir, 0755) < 0 || jvs_json_write_file(path, j) < 0) {
		jvs_gc_plan_clear(out);
		goto done;
	}
	rc = 0;
done:
	json_decref(j);
	free(dir);
	free(path);
	jvs_catalog_clear(&cat);
	return rc;
}

int jvs_gc_plan_load(const jvs_repo *repo, const char *plan_id, jvs_gc_plan *out)
{
	char *path;
	json_t *j = NULL, *cands, *v;
	const char *s;
	size_t i;
	memset(out, 0, sizeof *out);
	if (!jvs_gc__plan_id_valid(plan_id)) {
		jvs_error_set(JVS_E_USAGE, "'%s' is not a plan id", plan_id);
		return jvs_error_hint("plan ids are %d hex digits, printed by 'jvs gc plan'",
		                      JVS_GC_PLAN_ID_LEN);
	}
	path = jvs_layout_plan(repo, plan_id);
	if (!path)
		return -1;
	if (!jvs_path_exists(path)) {
		free(path);
		jvs_error_set(JVS_E_NOT_FOUND, "no gc plan '%s'", plan_id);
		return jvs_error_hint("make one with 'jvs gc plan'");
	}
	if (jvs_json_load_file(path, JVS_E_DESCRIPTOR_CORRUPT, &j) < 0) {
		free(path);
		return -1;
	}
	free(path);
	s = jvs_json_str(j, "plan_id");
	cands = json_object_get(j, "candidates");
	if (!s || strcmp(s, plan_id) || !json_is_array(cands) ||
	    jvs_gc_policy_from_json(json_object_get(j, "policy"), &out->policy) < 0)
		goto bad;
	snprintf(out->plan_id, sizeof out->plan_id, "%s", plan_id);
	s = jvs_json_str(j, "created_at");
	snprintf(out->created_at, sizeof out->created_at, "%s", s ? s : "");
	s = jvs_json_str(j, "policy_name");
	snprintf(out->policy.name, sizeof out->policy.name, "%s", s ? s : "");
	out->candidates = calloc(json_array_size(cands) + 1, sizeof *out->candidates);
	if (!out->candidates)
		goto bad;
	json_array_foreach(cands, i, v)
	{
		jvs_gc_entry *e = &out->candidates[out->ncandidates];
		if (!json_is_string(v) || !jvs_id_is_valid(json_string_value(v)))
			goto bad;
		snprintf(e->snapshot_id, sizeof e->snapshot_id, "%s", json_string_value(v));
		out->ncandidates++;
	}
	v = json_object_get(j, "deletable_bytes_estimate");
	out->deletable_bytes = json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0;
	json_decref(j);
	return 0;
bad:
	json_decref(j);
	jvs_gc_plan_clear(out);
	jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "gc plan '%s' is malformed", plan_id);
	return jvs_error_hint("make a new one with 'jvs gc plan'");
}
