#include "jvs/tombstone.h"
#include "layout.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/json.h"
#include "jvs/worktree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jvs_tombstone_clear(jvs_tombstone *t)
{
	free(t->note);
	free(t->error);
	jvs_strv_free(t->tags, t->ntags);
	memset(t, 0, sizeof *t);
}

json_t *jvs_tombstone_to_json(const jvs_tombstone *t)
{
	json_t *tags = json_array(), *j;
	for (size_t i = 0; tags && i < t->ntags; i++)
		json_array_append_new(tags, json_string(t->tags[i]));
	j = json_pack("{s:s, s:o, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:o}", "snapshot_id",
	              t->snapshot_id, "parent_id", jvs_json_str_or_null(t->parent_id), "created_at",
	              t->created_at, "worktree_name", t->worktree_name, "note",
	              t->note ? t->note : "", "tags", tags, "plan_id", t->plan_id, "state",
	              t->state, "marked_at", t->marked_at, "deleted_at",
	              jvs_json_str_or_null(t->deleted_at), "error", jvs_json_str_or_null(t->error));
	if (!j)
		jvs_error_set(JVS_E_INTERNAL, "cannot encode tombstone");
	return j;
}

int jvs_tombstone_save(const jvs_repo *repo, const jvs_tombstone *t)
{
	char *p = jvs_layout_tombstone(repo, t->snapshot_id);
	json_t *j = jvs_tombstone_to_json(t);
	int rc = p && j ? jvs_json_write_file(p, j) : -1;
	json_decref(j);
	free(p);
	return rc;
}

static void copy_field(const json_t *j, const char *key, char *out, size_t len)
{
	const char *s = jvs_json_str(j, key);
	snprintf(out, len, "%s", s ? s : "");
}

int jvs_tombstone_load(const jvs_repo *repo, const char *id, jvs_tombstone *out)
{
	char *p;
	json_t *j = NULL, *tags, *v;
	const char *s;
	size_t i;
	memset(out, 0, sizeof *out);
	if (!jvs_id_is_valid(id))
		return jvs_error_set(JVS_E_NOT_FOUND, "'%s' is not a snapshot id", id);
	p = jvs_layout_tombstone(repo, id);
	if (!p)
		return -1;
	if (!jvs_path_exists(p)) {
		free(p);
		return jvs_error_set(JVS_E_NOT_FOUND, "snapshot %s has no tombstone", id);
	}
	if (jvs_json_load_file(p, JVS_E_DESCRIPTOR_CORRUPT, &j) < 0) {
		free(p);
		return -1;
	}
	free(p);
	s = jvs_json_str(j, "snapshot_id");
	if (!s || strcmp(s, id)) {
		json_decref(j);
		return jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT,
		                     "tombstone %s names another snapshot", id);
	}
	snprintf(out->snapshot_id, sizeof out->snapshot_id, "%s", id);
	copy_field(j, "parent_id", out->parent_id, sizeof out->parent_id);
	copy_field(j, "created_at", out->created_at, sizeof out->created_at);
	copy_field(j, "worktree_name", out->worktree_name, sizeof out->worktree_name);
	copy_field(j, "plan_id", out->plan_id, sizeof out->plan_id);
	copy_field(j, "state", out->state, sizeof out->state);
	copy_field(j, "marked_at", out->marked_at, sizeof out->marked_at);
	copy_field(j, "deleted_at", out->deleted_at, sizeof out->deleted_at);
	s = jvs_json_str(j, "note");
	out->note = strdup(s ? s : "");
	s = jvs_json_str(j, "error");
	out->error = s ? strdup(s) : NULL;
	tags = json_object_get(j, "tags");
	if (json_is_array(tags) && json_array_size(tags)) {
		out->tags = calloc(json_array_size(tags), sizeof *out->tags);
		json_array_foreach(tags, i, v)
		{
			if (out->tags && json_is_string(v))
				out->tags[out->ntags++] = strdup(json_string_value(v));
		}
	}
	json_decref(j);
	if (!out->note) {
		jvs_tombstone_clear(out);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	return 0;
}

int jvs_tombstone_from_descriptor(const jvs_descriptor *d, const char *plan_id, jvs_tombstone *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->snapshot_id, sizeof out->snapshot_id, "%s", d->snapshot_id);
	snprintf(out->parent_id, sizeof out->parent_id, "%s", d->parent_id);
	snprintf(out->created_at, sizeof out->created_at, "%s", d->created_at);
	snprintf(out->worktree_name, sizeof out->worktree_name, "%s", d->worktree_name);
	snprintf(out->plan_id, sizeof out->plan_id, "%s", plan_id);
	snprintf(out->state, sizeof out->state, "marked");
	jvs_format_time_ms(jvs_now_ms(), out->marked_at);
	out->note = strdup(d->note ? d->note : "");
	if (d->ntags)
		out->tags = calloc(d->ntags, sizeof *out->tags);
	if (!out->note || (d->ntags && !out->tags)) {
		jvs_tombstone_clear(out);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	for (size_t i = 0; i < d->ntags; i++)
		if ((out->tags[out->ntags] = strdup(d->tags[i])))
			out->ntags++;
	return 0;
}
