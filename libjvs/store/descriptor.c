#include "descriptor.h"
#include "compress_level.h"
#include "layout.h"
#include "jvs/error.h"
#include "fsutil.h"
#include "json.h"
#include "jvs/worktree.h"
#include "api_int.h"
#include "error_int.h"
#include "worktree_int.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void jvs_descriptor_clear(jvs_descriptor *d)
{
	free(d->note);
	jvs_strv_free(d->tags, d->ntags);
	jvs_strv_free(d->degraded, d->ndegraded);
	jvs_strv_free(d->partial_paths, d->npartial_paths);
	memset(d, 0, sizeof *d);
}

static json_t *checksummed_fields(const jvs_descriptor *d)
{
	json_t *j = json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:s, s:s, s:s, s:I, s:I, s:o}",
			 "snapshot_id", d->snapshot_id, "worktree_name", d->worktree_name,
			 "parent_id", jvs_json_str_or_null(d->parent_id), "created_at",
			 d->created_at, "note", d->note ? d->note : "", "tags",
			 jvs_json_strv(d->tags, d->ntags), "engine", d->engine, "hash_algorithm",
			 d->hash_algorithm, "payload_root_hash", d->payload_root_hash,
			 "file_count", (json_int_t)d->file_count, "total_bytes",
			 (json_int_t)d->total_bytes, "degraded",
			 jvs_json_strv(d->degraded, d->ndegraded));
	if (j && d->has_ignored_count &&
	    json_object_set_new(j, "ignored_count", json_integer(d->ignored_count)) < 0) {
		json_decref(j);
		j = NULL;
	}
	if (j && d->compression[0] &&
	    json_object_set_new(j, "compression", json_string(d->compression)) < 0) {
		json_decref(j);
		j = NULL;
	}
	if (j && d->npartial_paths &&
	    json_object_set_new(j, "partial_paths",
				jvs_json_strv(d->partial_paths, d->npartial_paths)) < 0) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

json_t *jvs_descriptor_to_json(const jvs_descriptor *d)
{
	json_t *j = checksummed_fields(d);
	if (!j) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		return NULL;
	}
	json_object_set_new(j, "integrity_state",
			    json_string(d->integrity_state[0] ? d->integrity_state : "unverified"));
	json_object_set_new(j, "descriptor_checksum", json_string(d->descriptor_checksum));
	return j;
}

int jvs_descriptor_checksum(const jvs_descriptor *d, char out[JVS_HASH_HEX])
{
	json_t *j = checksummed_fields(d);
	char *canon;
	if (!j)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	canon = jvs_json_canonical(j);
	json_decref(j);
	if (!canon)
		return -1;
	jvs_hash_buf(canon, strlen(canon), out);
	free(canon);
	return 0;
}

static int get_str(const json_t *j, const char *key, char *out, size_t len, int nullable)
{
	json_t *v = json_object_get(j, key);
	if (nullable && json_is_null(v)) {
		out[0] = '\0';
		return 0;
	}
	if (!json_is_string(v) || strlen(json_string_value(v)) >= len)
		return jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "field '%s' is missing or invalid",
				     key);
	snprintf(out, len, "%s", json_string_value(v));
	return 0;
}

static int get_strv(const json_t *j, const char *key, char ***out, size_t *n)
{
	json_t *a = json_object_get(j, key), *v;
	size_t i;
	*out = NULL;
	*n = 0;
	if (!json_is_array(a))
		return jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "field '%s' is not an array", key);
	*out = calloc(json_array_size(a) + 1, sizeof **out);
	if (!*out)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	json_array_foreach(a, i, v)
	{
		if (!json_is_string(v))
			return jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT,
					     "field '%s' holds a non-string", key);
		(*out)[i] = strdup(json_string_value(v));
		*n = i + 1;
	}
	return 0;
}

int jvs_descriptor_from_json(const json_t *j, jvs_descriptor *d)
{
	json_t *v;
	char sum[JVS_HASH_HEX];
	const char *note;
	memset(d, 0, sizeof *d);
	if (!json_is_object(j))
		return jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "descriptor is not an object");
	if (get_str(j, "snapshot_id", d->snapshot_id, sizeof d->snapshot_id, 0) < 0 ||
	    get_str(j, "worktree_name", d->worktree_name, sizeof d->worktree_name, 0) < 0 ||
	    get_str(j, "parent_id", d->parent_id, sizeof d->parent_id, 1) < 0 ||
	    get_str(j, "created_at", d->created_at, sizeof d->created_at, 0) < 0 ||
	    get_str(j, "engine", d->engine, sizeof d->engine, 0) < 0 ||
	    get_str(j, "hash_algorithm", d->hash_algorithm, sizeof d->hash_algorithm, 0) < 0 ||
	    get_str(j, "payload_root_hash", d->payload_root_hash, sizeof d->payload_root_hash,
		    0) < 0 ||
	    get_str(j, "integrity_state", d->integrity_state, sizeof d->integrity_state, 0) < 0 ||
	    get_str(j, "descriptor_checksum", d->descriptor_checksum,
		    sizeof d->descriptor_checksum, 0) < 0)
		goto bad;
	note = jvs_json_str(j, "note");
	if (!note) {
		jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "field 'note' is missing or invalid");
		goto bad;
	}
	d->note = strdup(note);
	if (get_strv(j, "tags", &d->tags, &d->ntags) < 0 ||
	    get_strv(j, "degraded", &d->degraded, &d->ndegraded) < 0)
		goto bad;
	v = json_object_get(j, "file_count");
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "field 'file_count' is invalid");
		goto bad;
	}
	d->file_count = json_integer_value(v);
	v = json_object_get(j, "total_bytes");
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "field 'total_bytes' is invalid");
		goto bad;
	}
	d->total_bytes = json_integer_value(v);
	v = json_object_get(j, "ignored_count");
	if (v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "field 'ignored_count' is invalid");
			goto bad;
		}
		d->ignored_count = json_integer_value(v);
		d->has_ignored_count = 1;
	}
	if (json_object_get(j, "compression")) { /* jvs/compress.h */
		jvs_compress_level lv;
		if (get_str(j, "compression", d->compression, sizeof d->compression, 0) < 0)
			goto bad;
		if (!d->compression[0]) {
			jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "field 'compression' is empty");
			goto bad;
		}
		if (jvs_compress_from_descriptor(d->compression, &lv) < 0)
			goto bad;
	}
	if (json_object_get(j, "partial_paths")) {
		if (get_strv(j, "partial_paths", &d->partial_paths, &d->npartial_paths) < 0)
			goto bad;
		if (!d->npartial_paths) {
			jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "field 'partial_paths' is empty");
			goto bad;
		}
		for (size_t i = 0; i < d->npartial_paths; i++) {
			const char *p = d->partial_paths[i];
			if (!*p || *p == '/' || strstr(p, "//") || p[strlen(p) - 1] == '/' ||
			    !strcmp(p, "..") || !strncmp(p, "../", 3) || strstr(p, "/../") ||
			    (strlen(p) >= 3 && !strcmp(p + strlen(p) - 3, "/..")) ||
			    !strcmp(p, ".") || !strncmp(p, "./", 2) || strstr(p, "/./") ||
			    (strlen(p) >= 2 && !strcmp(p + strlen(p) - 2, "/."))) {
				jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT,
					      "field 'partial_paths' holds an invalid path");
				goto bad;
			}
		}
	}
	if (!jvs_id_is_valid(d->snapshot_id) || (d->parent_id[0] && !jvs_id_is_valid(d->parent_id))) {
		jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "descriptor holds an invalid id");
		goto bad;
	}
	if (jvs_descriptor_checksum(d, sum) < 0)
		goto bad;
	if (strcmp(sum, d->descriptor_checksum)) {
		jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "descriptor checksum mismatch");
		goto bad;
	}
	return 0;
bad:
	jvs_descriptor_clear(d);
	return -1;
}

int jvs__descriptor_load(const jvs_repo *repo, const char *id, jvs_descriptor *out)
{
	char *p;
	json_t *j = NULL;
	int rc;
	if (!jvs_id_is_valid(id))
		return jvs_error_set(JVS_E_NOT_FOUND, "'%s' is not a snapshot id", id);
	p = jvs_layout_descriptor(repo, id);
	if (!p)
		return -1;
	rc = jvs_json_load_file_opt(p, JVS_E_DESCRIPTOR_CORRUPT, &j);
	free(p);
	if (rc > 0)
		return jvs_error_set(JVS_E_NOT_FOUND, "snapshot %s does not exist", id);
	if (rc < 0)
		return -1;
	rc = jvs_descriptor_from_json(j, out);
	json_decref(j);
	if (rc < 0) {
		jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "descriptor of %s: %s", id,
			      jvs_error_last()->message);
		return jvs_error_hint("run 'jvs verify %s' and 'jvs doctor --strict'", id);
	}
	if (strcmp(out->snapshot_id, id)) {
		jvs_descriptor_clear(out);
		return jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT,
				     "descriptor file %s names another snapshot", id);
	}
	return 0;
}

int jvs_descriptor_has_tag(const jvs_descriptor *d, const char *tag)
{
	for (size_t i = 0; i < d->ntags; i++)
		if (!strcmp(d->tags[i], tag))
			return 1;
	return 0;
}

int jvs_descriptor_add_tag(jvs_descriptor *d, const char *tag)
{
	char **nv;
	if (jvs_descriptor_has_tag(d, tag))
		return 0;
	nv = realloc(d->tags, (d->ntags + 2) * sizeof *nv);
	if (!nv)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	d->tags = nv;
	d->tags[d->ntags] = strdup(tag);
	if (!d->tags[d->ntags])
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	d->ntags++;
	return 0;
}

int jvs_snapshot_is_published(const jvs_repo *repo, const char *id)
{
	char *a = jvs_layout_ready(repo, id);
	char *b = jvs_layout_payload(repo, id);
	char *c = jvs_layout_descriptor(repo, id);
	int ok = a && b && c && jvs_path_exists(a) && jvs_is_dir(b) && jvs_path_exists(c);
	free(a);
	free(b);
	free(c);
	return ok;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int strv_push(char ***v, size_t *cnt, size_t *cap, const char *s, size_t len)
{
	char *c;
	if (*cnt == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		char **nv = realloc(*v, ncap * sizeof **v);
		if (!nv)
			return -1;
		*v = nv;
		*cap = ncap;
	}
	c = strndup(s, len);
	if (!c)
		return -1;
	(*v)[(*cnt)++] = c;
	return 0;
}

/* One readdir of descriptors/ and one of snapshots/ (payload dirs and .READY
 * markers), instead of three stats per id; one sort. */
int jvs__snapshot_ids(const jvs_repo *repo, char ***out, size_t *n)
{
	char *sdir = jvs_repo_path(repo, "snapshots");
	char *dir = jvs_repo_path(repo, "descriptors");
	DIR *d = NULL;
	struct dirent *de;
	char **v = NULL;
	unsigned char *seen = NULL; /* per id: 1 = .READY, 2 = payload dir */
	size_t cnt = 0, cap = 0, keep = 0;
	int rc = -1;
	if (!dir || !sdir)
		goto out;
	d = opendir(dir);
	if (!d) {
		jvs_error_sys("cannot open '%s'", dir);
		goto out;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char id[JVS_ID_BUF];
		if (len != JVS_ID_LEN + 5 || strcmp(de->d_name + JVS_ID_LEN, ".json"))
			continue;
		memcpy(id, de->d_name, JVS_ID_LEN);
		id[JVS_ID_LEN] = '\0';
		if (!jvs_id_is_valid(id))
			continue;
		if (strv_push(&v, &cnt, &cap, id, JVS_ID_LEN) < 0)
			goto oom;
	}
	closedir(d);
	d = NULL;
	if (cnt > 1)
		qsort(v, cnt, sizeof *v, cmp_str);
	seen = calloc(cnt + 1, 1);
	if (!seen)
		goto oom;
	d = cnt ? opendir(sdir) : NULL;
	if (cnt && !d) {
		jvs_error_sys("cannot open '%s'", sdir);
		goto out;
	}
	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char id[JVS_ID_BUF], *key = id, **hit;
		unsigned char bit = 1;
		if (len != JVS_ID_LEN && (len != JVS_ID_LEN + 6 ||
					  strcmp(de->d_name + JVS_ID_LEN, ".READY")))
			continue;
		memcpy(id, de->d_name, JVS_ID_LEN);
		id[JVS_ID_LEN] = '\0';
		if (!(hit = bsearch(&key, v, cnt, sizeof *v, cmp_str)))
			continue;
		if (len == JVS_ID_LEN) {
			int isdir = de->d_type == DT_DIR;
			if (de->d_type == DT_UNKNOWN) {
				struct stat st;
				isdir = fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
					S_ISDIR(st.st_mode);
			}
			if (!isdir)
				continue;
			bit = 2;
		}
		seen[hit - v] |= bit;
	}
	for (size_t i = 0; i < cnt; i++) {
		if (seen[i] == 3)
			v[keep++] = v[i];
		else
			free(v[i]);
	}
	cnt = keep;
	*out = v;
	*n = cnt;
	v = NULL;
	cnt = 0;
	rc = 0;
	goto out;
oom:
	jvs_error_set(JVS_E_INTERNAL, "out of memory");
out:
	if (d)
		closedir(d);
	jvs_strv_free(v, cnt);
	free(seen);
	free(dir);
	free(sdir);
	return rc;
}
