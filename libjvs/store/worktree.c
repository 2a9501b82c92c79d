#include "jvs/worktree.h"
#include "layout.h"
#include "repo_int.h"
#include "jvs/error.h"
#include "fault.h"
#include "fsutil.h"
#include "json.h"
#include "worktree_int.h"
#include "api_int.h"
#include "error_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int jvs_worktree_exists(const jvs_repo *repo, const char *name)
{
	char *p = jvs_layout_worktree_config(repo, name);
	int ok = p && jvs_path_exists(p);
	free(p);
	return ok;
}

static int copy_id(const json_t *cfg, const char *key, char out[JVS_ID_BUF], const char *path)
{
	json_t *v = json_object_get(cfg, key);
	out[0] = '\0';
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || !jvs_id_is_valid(json_string_value(v)))
		return jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "'%s': bad %s", path, key),
		       jvs_error_hint("run 'jvs doctor'");
	snprintf(out, JVS_ID_BUF, "%s", json_string_value(v));
	return 0;
}

int jvs__worktree_load(const jvs_repo *repo, const char *name, jvs_worktree *out)
{
	char *p;
	json_t *cfg = NULL;
	const char *s;
	int rc = -1;
	if (jvs_name_validate(name, "worktree name") < 0)
		return -1;
	p = jvs_layout_worktree_config(repo, name);
	if (!p)
		return -1;
	memset(out, 0, sizeof *out);
	switch (jvs_json_load_file_opt(p, JVS_E_DESCRIPTOR_CORRUPT, &cfg)) {
	case 0:
		break;
	case 1:
		jvs_error_set(JVS_E_NOT_FOUND, "no worktree named '%s'", name);
		jvs_error_hint("see 'jvs worktree list'");
		goto done;
	default:
		goto done;
	}
	s = jvs_json_str(cfg, "name");
	if (!s || strcmp(s, name)) {
		jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT,
			      "worktree config '%s' names '%s', not '%s'", p, s ? s : "", name);
		goto done;
	}
	snprintf(out->name, sizeof out->name, "%s", name);
	s = jvs_json_str(cfg, "created_at");
	snprintf(out->created_at, sizeof out->created_at, "%s", s ? s : "");
	s = jvs_json_str(cfg, "label");
	snprintf(out->label, sizeof out->label, "%s", s ? s : "");
	if (copy_id(cfg, "base_snapshot_id", out->base, p) < 0 ||
	    copy_id(cfg, "head_snapshot_id", out->head, p) < 0 ||
	    copy_id(cfg, "latest_snapshot_id", out->latest, p) < 0)
		goto done;
	rc = 0;
done:
	json_decref(cfg);
	free(p);
	return rc;
}

int jvs_worktree_save(const jvs_repo *repo, const jvs_worktree *wt)
{
	char *dir = jvs_layout_worktree(repo, wt->name), *p = NULL;
	json_t *cfg;
	int rc = -1;
	if (!dir)
		return -1;
	cfg = json_pack("{s:s, s:s, s:o, s:o, s:o}", "name", wt->name, "created_at",
			wt->created_at, "base_snapshot_id", jvs_json_str_or_null(wt->base),
			"head_snapshot_id", jvs_json_str_or_null(wt->head),
			"latest_snapshot_id", jvs_json_str_or_null(wt->latest));
	if (cfg && wt->label[0])
		json_object_set_new(cfg, "label", json_string(wt->label));
	if (!cfg || jvs_mkdir_p(dir, 0755) < 0)
		goto done;
	p = jvs_path_join(dir, "config.json");
	if (p)
		rc = jvs_json_write_file(p, cfg);
done:
	json_decref(cfg);
	free(dir);
	free(p);
	return rc;
}

int jvs_worktree_is_detached(const jvs_worktree *wt)
{
	return strcmp(wt->head, wt->latest) != 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int jvs__worktree_list(const jvs_repo *repo, char ***out, size_t *n)
{
	char *dir = jvs_repo_path(repo, "worktrees");
	DIR *d;
	struct dirent *de;
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	if (!dir)
		return -1;
	d = opendir(dir);
	if (!d) {
		jvs_error_sys("cannot open '%s'", dir);
		free(dir);
		return -1;
	}
	/* Every worktree or an error, never fewer: gc protects the heads of
	 * exactly the worktrees listed here. */
	for (errno = 0; (de = readdir(d)); errno = 0) {
		char *cfg;
		int is_wt;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		cfg = jvs_repo_pathf(repo, "worktrees/%s/config.json", de->d_name);
		if (!cfg)
			goto fail;
		is_wt = jvs_path_exists(cfg);
		free(cfg);
		if (!is_wt)
			continue;
		if (cnt == cap) {
			char **nv = jvs_fault_nomem("worktree-list-grow")
			                ? NULL
			                : realloc(v, (cap ? cap * 2 : 8) * sizeof *v);
			if (!nv)
				goto nomem;
			v = nv;
			cap = cap ? cap * 2 : 8;
		}
		v[cnt] = jvs_fault_nomem("worktree-list-name") ? NULL : strdup(de->d_name);
		if (!v[cnt])
			goto nomem;
		cnt++;
	}
	if (errno) {
		jvs_error_sys("cannot list '%s'", dir);
		goto fail;
	}
	closedir(d);
	free(dir);
	if (cnt > 1)
		qsort(v, cnt, sizeof *v, cmp_str);
	*out = v;
	*n = cnt;
	return 0;
nomem:
	jvs_error_set(JVS_E_INTERNAL, "out of memory listing the worktrees in '%s'", dir);
fail:
	closedir(d);
	free(dir);
	jvs_strv_free(v, cnt);
	*out = NULL;
	*n = 0;
	return -1;
}

int jvs__repo_select_worktree(jvs_repo *repo, const char *name)
{
	if (jvs_name_validate(name, "worktree name") < 0)
		return -1;
	if (!jvs_worktree_exists(repo, name)) {
		jvs_error_set(JVS_E_NOT_FOUND, "no worktree named '%s'", name);
		return jvs_error_hint("see 'jvs worktree list'");
	}
	return jvs_repo__set_worktree(repo, name);
}
