#include "jvs/pin.h"
#include "layout.h"
#include "jvs/audit.h"
#include "jvs/descriptor.h"
#include "jvs/duration.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/json.h"
#include "jvs/lock.h"
#include "jvs/textesc.h"
#include "jvs/safepath.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uuid/uuid.h>

#define UUID_LEN 36

static int is_uuid(const char *s)
{
	uuid_t u;
	return strlen(s) == UUID_LEN && uuid_parse(s, u) == 0;
}

int jvs_pin_is_expired(const jvs_pin *p, int64_t now_ms)
{
	return p->expires_ms && p->expires_ms <= now_ms;
}

json_t *jvs_pin_to_json(const jvs_pin *p, int64_t now_ms)
{
	json_t *j = json_pack("{s:s, s:s, s:o, s:s, s:o, s:b}", "pin_id", p->pin_id, "snapshot_id",
	                      p->snapshot_id, "reason",
	                      p->reason ? json_string(p->reason) : json_null(), "created_at",
	                      p->created_at, "expires_at", jvs_json_str_or_null(p->expires_at),
	                      "expired", jvs_pin_is_expired(p, now_ms));
	if (!j)
		jvs_error_set(JVS_E_INTERNAL, "cannot encode pin");
	return j;
}

static json_t *pin_file_json(const jvs_pin *p)
{
	return json_pack("{s:s, s:s, s:o, s:s, s:o}", "pin_id", p->pin_id, "snapshot_id",
	                 p->snapshot_id, "reason", p->reason ? json_string(p->reason) : json_null(),
	                 "created_at", p->created_at, "expires_at",
	                 jvs_json_str_or_null(p->expires_at));
}

int jvs_pin_parse_expiry(const char *s, int64_t now_ms, int64_t *out_ms)
{
	jvs_duration d;
	if (s && *s && s[strlen(s) - 1] >= 'a' && s[strlen(s) - 1] <= 'z' &&
	    strchr("0123456789", s[0]) && !strchr(s, '-')) {
		if (jvs_duration_parse(s, &d) < 0)
			return -1;
		*out_ms = jvs_duration_shift(now_ms, &d, 1);
	} else if (jvs_date_parse(s, out_ms) < 0) {
		jvs_error_set(JVS_E_USAGE, "invalid expiry '%s'", s);
		return jvs_error_hint("give a duration (30d, 12h, 2w, 1y) or a date (YYYY-MM-DD "
		                      "or 2026-01-31T12:00:00Z)");
	}
	if (*out_ms <= now_ms)
		return jvs_error_set(JVS_E_USAGE, "expiry '%s' is not in the future", s);
	return 0;
}

static int load_pin(const char *path, const char *name, jvs_pin *out)
{
	json_t *j = NULL, *v;
	const char *s;
	memset(out, 0, sizeof *out);
	if (jvs_json_load_file(path, JVS_E_DESCRIPTOR_CORRUPT, &j) < 0) {
		if (jvs_error_last()->cls != JVS_E_DESCRIPTOR_CORRUPT)
			return -1;
		goto bad;
	}
	s = jvs_json_str(j, "pin_id");
	if (!s || strncmp(s, name, UUID_LEN) || strlen(s) != UUID_LEN)
		goto bad;
	snprintf(out->pin_id, sizeof out->pin_id, "%s", s);
	s = jvs_json_str(j, "snapshot_id");
	if (!s || !jvs_id_is_valid(s))
		goto bad;
	snprintf(out->snapshot_id, sizeof out->snapshot_id, "%s", s);
	s = jvs_json_str(j, "created_at");
	snprintf(out->created_at, sizeof out->created_at, "%s", s ? s : "");
	v = json_object_get(j, "reason");
	if (json_is_string(v) && !(out->reason = strdup(json_string_value(v))))
		goto bad;
	v = json_object_get(j, "expires_at");
	if (v && !json_is_null(v)) {
		if (!json_is_string(v) ||
		    jvs_date_parse(json_string_value(v), &out->expires_ms) < 0)
			goto bad;
		snprintf(out->expires_at, sizeof out->expires_at, "%s", json_string_value(v));
	}
	json_decref(j);
	return 0;
bad:
	json_decref(j);
	free(out->reason);
	out->reason = NULL;
	jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "pin file '%s' is malformed", path);
	return jvs_error_hint("fix or remove it; until then gc cannot tell what it protects");
}

static int cmp_pin(const void *a, const void *b)
{
	const jvs_pin *x = a, *y = b;
	int c = strcmp(x->created_at, y->created_at);
	return c ? c : strcmp(x->pin_id, y->pin_id);
}

void jvs_pin_list_free(jvs_pin *pins, size_t n)
{
	for (size_t i = 0; pins && i < n; i++)
		free(pins[i].reason);
	free(pins);
}

int jvs_pin_list(const jvs_repo *repo, jvs_pin **out, size_t *n)
{
	char *dir = jvs_repo_path(repo, "gc/pins");
	DIR *d;
	struct dirent *de;
	jvs_pin *v = NULL;
	size_t cnt = 0, cap = 0;
	int rc = -1;
	*out = NULL;
	*n = 0;
	if (!dir)
		return -1;
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT) {
			free(dir);
			return 0;
		}
		jvs_error_sys("cannot open '%s'", dir);
		free(dir);
		return -1;
	}
	while ((de = readdir(d))) {
		char name[UUID_LEN + 1], *path;
		if (strlen(de->d_name) != UUID_LEN + 5 || strcmp(de->d_name + UUID_LEN, ".json"))
			continue;
		memcpy(name, de->d_name, UUID_LEN);
		name[UUID_LEN] = '\0';
		if (!is_uuid(name))
			continue;
		if (cnt == cap) {
			jvs_pin *nv = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof *v);
			if (!nv) {
				jvs_error_set(JVS_E_INTERNAL, "out of memory");
				goto done;
			}
			v = nv;
		}
		path = jvs_path_join(dir, de->d_name);
		if (!path || load_pin(path, name, &v[cnt]) < 0) {
			free(path);
			goto done;
		}
		free(path);
		cnt++;
	}
	if (cnt)
		qsort(v, cnt, sizeof *v, cmp_pin);
	rc = 0;
done:
	closedir(d);
	free(dir);
	if (rc < 0) {
		jvs_pin_list_free(v, cnt);
		return -1;
	}
	*out = v;
	*n = cnt;
	return 0;
}

int jvs_pin_find(const jvs_pin *pins, size_t n, const char *prefix, size_t *idx)
{
	size_t len = strlen(prefix), hits = 0;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(pins[i].pin_id, prefix)) {
			*idx = i;
			return 0;
		}
	if (len < 4)
		return jvs_error_set(JVS_E_NOT_FOUND, "no pin '%s'", prefix);
	for (size_t i = 0; i < n; i++)
		if (!strncmp(pins[i].pin_id, prefix, len))
			hits++, *idx = i;
	if (hits == 1)
		return 0;
	if (hits > 1) {
		jvs_error_set(JVS_E_AMBIGUOUS, "'%s' matches %zu pins", prefix, hits);
		return jvs_error_hint("use a longer prefix; see 'jvs pin list'");
	}
	return jvs_error_set(JVS_E_NOT_FOUND, "no pin '%s'", prefix);
}

int jvs_pin_add(const jvs_repo *repo, const char *snapshot_id, const char *reason,
                int64_t expires_ms, int wait_seconds, jvs_pin *out)
{
	jvs_lock *lock = NULL;
	jvs_pin p;
	uuid_t uu;
	char *path = NULL;
	json_t *j = NULL, *det;
	int rc = -1;
	if (reason && jvs_text_validate(reason, JVS_TEXT_MAX, "pin reason") < 0)
		return -1;

	memset(&p, 0, sizeof p);
	if (!jvs_id_is_valid(snapshot_id))
		return jvs_error_set(JVS_E_NOT_FOUND, "'%s' is not a snapshot id", snapshot_id);
	if (jvs_lock_repo(repo, JVS_LOCK_SHARED, wait_seconds, &lock) < 0)
		return -1;
	if (!jvs_snapshot_is_published(repo, snapshot_id)) {
		jvs_error_set(JVS_E_NOT_FOUND, "snapshot %s does not exist", snapshot_id);
		goto done;
	}
	uuid_generate_random(uu);
	uuid_unparse_lower(uu, p.pin_id);
	snprintf(p.snapshot_id, sizeof p.snapshot_id, "%s", snapshot_id);
	if (reason && !(p.reason = strdup(reason))) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		goto done;
	}
	jvs_format_time_ms(jvs_now_ms(), p.created_at);
	if (expires_ms) {
		p.expires_ms = expires_ms;
		jvs_format_time_ms(expires_ms, p.expires_at);
	}
	path = jvs_layout_pin(repo, p.pin_id);
	j = pin_file_json(&p);
	if (!path || !j || jvs_json_write_file(path, j) < 0)
		goto done;
	det = json_pack("{s:s, s:o}", "pin_id", p.pin_id, "expires_at",
	                jvs_json_str_or_null(p.expires_at));
	if (jvs_audit_append(repo, "pin_add", snapshot_id, det, reason) < 0)
		goto done;
	rc = 0;
done:
	json_decref(j);
	free(path);
	jvs_lock_release(lock);
	if (rc == 0 && out)
		*out = p;
	else
		free(p.reason);
	return rc;
}

int jvs_pin_remove(const jvs_repo *repo, const jvs_pin *pin, int wait_seconds)
{
	jvs_lock *lock = NULL;
	char *path;
	json_t *det;
	int rc = -1;
	if (!is_uuid(pin->pin_id))
		return jvs_error_set(JVS_E_NOT_FOUND, "no pin '%s'", pin->pin_id);
	if (jvs_lock_repo(repo, JVS_LOCK_SHARED, wait_seconds, &lock) < 0)
		return -1;
	path = jvs_layout_pin(repo, pin->pin_id);
	if (!path)
		goto done;
	if (jvs_safe_unlink(path, 0) < 0) {
		if (errno == ENOENT)
			jvs_error_set(JVS_E_NOT_FOUND, "no pin '%s'", pin->pin_id);
		else
			jvs_error_sys("cannot remove '%s'", path);
		goto done;
	}
	if (jvs_fsync_parent(path) < 0)
		goto done;
	det = json_pack("{s:s}", "pin_id", pin->pin_id);
	if (jvs_audit_append(repo, "pin_remove", pin->snapshot_id, det, NULL) < 0)
		goto done;
	rc = 0;
done:
	free(path);
	jvs_lock_release(lock);
	return rc;
}
