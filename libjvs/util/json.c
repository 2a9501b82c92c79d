#include "json.h"
#include "error_int.h"
#include "fsutil.h"
#include "safepath.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_JSON_BYTES (16 << 20)

char *jvs_json_canonical(const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (!s)
		jvs_error_set(JVS_E_INTERNAL, "cannot encode JSON");
	return s;
}

char *jvs_json_pretty(const json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	char *out;
	if (!s) {
		jvs_error_set(JVS_E_INTERNAL, "cannot encode JSON");
		return NULL;
	}
	out = jvs_strf("%s\n", s);
	free(s);
	return out;
}

int jvs_json_load_file_opt(const char *path, int bad, json_t **out)
{
	int rc = jvs_json_load_file(path, bad, out);
	if (rc < 0 && errno == ENOENT && jvs_error_last()->cls == JVS_E_IO)
		return 1;
	return rc;
}

int jvs_json_load_file(const char *path, int bad, json_t **out)
{
	char *buf;
	size_t len;
	json_error_t jerr;
	json_t *v;
	/* capped before reading: a huge file is refused, not loaded */
	if (jvs_safe_read_file(path, MAX_JSON_BYTES, &buf, &len) < 0) {
		if (errno == EFBIG)
			return jvs_error_set(bad, "'%s' is too large", path);
		if (jvs_error_last()->cls == JVS_E_UNSUPPORTED_FILE) { /* a FIFO, a device */
			jvs_error saved = jvs_error_save();
			saved.cls = bad;
			return jvs_error_restore(&saved);
		}
		return -1;
	}
	v = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (!v || !json_is_object(v)) {
		json_decref(v);
		errno = EINVAL;
		return jvs_error_set(bad, "'%s' is not a valid JSON object (%s)", path,
				     v ? "not an object" : jerr.text);
	}
	*out = v;
	return 0;
}

int jvs_json_write_file(const char *path, const json_t *v)
{
	char *s = jvs_json_pretty(v);
	int rc;
	if (!s)
		return -1;
	rc = jvs_write_file_atomic(path, s, strlen(s));
	free(s);
	return rc;
}

const char *jvs_json_str(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

json_t *jvs_json_str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

json_t *jvs_json_strv(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(v[i])) < 0) {
			json_decref(a);
			a = NULL;
		}
	return a;
}
