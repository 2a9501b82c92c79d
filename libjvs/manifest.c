#include "jvs/manifest.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *jvs_entry_type_name(jvs_entry_type t)
{
	return t == JVS_ENT_FILE ? "file" : t == JVS_ENT_DIR ? "dir" : "symlink";
}

int jvs_manifest_add(jvs_manifest *m, jvs_entry_type type, const char *path, unsigned mode,
		     int64_t size, const char *hash)
{
	jvs_manifest_entry *e;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 256;
		jvs_manifest_entry *ne = realloc(m->e, cap * sizeof *ne);
		if (!ne)
			return jvs_error_set(JVS_E_INTERNAL, "out of memory");
		m->e = ne;
		m->cap = cap;
	}
	e = &m->e[m->n];
	e->path = strdup(path);
	if (!e->path)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	e->type = type;
	e->mode = mode;
	e->size = size;
	snprintf(e->hash, sizeof e->hash, "%s", hash ? hash : "");
	m->n++;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const jvs_manifest_entry *)a)->path, ((const jvs_manifest_entry *)b)->path);
}

void jvs_manifest_sort(jvs_manifest *m)
{
	if (m->n > 1)
		qsort(m->e, m->n, sizeof *m->e, cmp_entry);
}

char *jvs_path_escape(const char *path)
{
	size_t n = 0;
	char *out, *o;
	for (const char *p = path; *p; p++)
		n += (*p == '\\' || *p == '\t' || *p == '\n') ? 2 : 1;
	out = malloc(n + 1);
	if (!out) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		return NULL;
	}
	for (o = out; *path; path++) {
		if (*path == '\\') {
			*o++ = '\\';
			*o++ = '\\';
		} else if (*path == '\t') {
			*o++ = '\\';
			*o++ = 't';
		} else if (*path == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else {
			*o++ = *path;
		}
	}
	*o = '\0';
	return out;
}

char *jvs_manifest_format(const jvs_manifest *m, size_t *len)
{
	size_t cap = 4096, used = 0;
	char *buf = malloc(cap);
	if (!buf) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < m->n; i++) {
		const jvs_manifest_entry *e = &m->e[i];
		char *esc = jvs_path_escape(e->path);
		char fields[128];
		size_t need;
		if (!esc) {
			free(buf);
			return NULL;
		}
		if (e->type == JVS_ENT_FILE)
			snprintf(fields, sizeof fields, "%04o\t%" PRId64 "\t%s", e->mode, e->size,
				 e->hash);
		else if (e->type == JVS_ENT_DIR)
			snprintf(fields, sizeof fields, "%04o\t-\t-", e->mode);
		else
			snprintf(fields, sizeof fields, "-\t-\t%s", e->hash);
		need = strlen(esc) + strlen(fields) + 16;
		while (used + need >= cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(esc);
				free(buf);
				jvs_error_set(JVS_E_INTERNAL, "out of memory");
				return NULL;
			}
			buf = nb;
		}
		used += (size_t)sprintf(buf + used, "%s\t%s\t%s\n", jvs_entry_type_name(e->type),
					esc, fields);
		free(esc);
	}
	buf[used] = '\0';
	*len = used;
	return buf;
}

static int unescape(const char *s, size_t len, char **out)
{
	char *o = malloc(len + 1), *w = o;
	if (!o)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\\') {
			*w++ = s[i];
			continue;
		}
		if (++i >= len)
			goto bad;
		if (s[i] == '\\')
			*w++ = '\\';
		else if (s[i] == 't')
			*w++ = '\t';
		else if (s[i] == 'n')
			*w++ = '\n';
		else
			goto bad;
	}
	*w = '\0';
	*out = o;
	return 0;
bad:
	free(o);
	return -1;
}

static int path_is_safe(const char *p)
{
	const char *c = p;
	if (!*p || *p == '/')
		return 0;
	for (;;) {
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
		if (!slash)
			return 1;
		c = slash + 1;
	}
}

static int parse_mode(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	if (n != 4)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '7')
			return -1;
		v = v * 8 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static int field_is(const char *s, size_t n, const char *lit)
{
	return n == strlen(lit) && !memcmp(s, lit, n);
}

int jvs_manifest_parse(const char *buf, size_t len, jvs_manifest *out)
{
	const char *p = buf, *end = buf + len;
	size_t lineno = 0;
	memset(out, 0, sizeof *out);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *f[5];
		size_t fl[5];
		int nf = 0;
		const char *q = p;
		jvs_entry_type type;
		unsigned mode = 0;
		int64_t size = -1;
		char hash[JVS_HASH_HEX] = "", *path = NULL;
		lineno++;
		if (!nl)
			goto bad;
		while (nf < 5) {
			const char *tab = memchr(q, '\t', (size_t)(nl - q));
			const char *fe = tab ? tab : nl;
			f[nf] = q;
			fl[nf++] = (size_t)(fe - q);
			if (!tab)
				break;
			q = tab + 1;
		}
		if (nf != 5 || f[4] + fl[4] != nl)
			goto bad;
		if (field_is(f[0], fl[0], "file")) {
			char num[24];
			char *e;
			type = JVS_ENT_FILE;
			if (parse_mode(f[2], fl[2], &mode) < 0 || fl[3] == 0 || fl[3] > 19 ||
			    fl[4] != 64)
				goto bad;
			memcpy(num, f[3], fl[3]);
			num[fl[3]] = '\0';
			/* Canonical decimal only: digits (no NUL, sign or space), no
			 * leading zero, in range; anything else would not format back
			 * to the same bytes and so not match payload_root_hash. */
			if (strspn(num, "0123456789") != fl[3] || (num[0] == '0' && fl[3] > 1))
				goto bad;
			errno = 0;
			size = strtoll(num, &e, 10);
			if (*e || size < 0 || errno == ERANGE)
				goto bad;
		} else if (field_is(f[0], fl[0], "dir")) {
			type = JVS_ENT_DIR;
			if (parse_mode(f[2], fl[2], &mode) < 0 || !field_is(f[3], fl[3], "-") ||
			    !field_is(f[4], fl[4], "-"))
				goto bad;
		} else if (field_is(f[0], fl[0], "symlink")) {
			type = JVS_ENT_SYMLINK;
			if (!field_is(f[2], fl[2], "-") || !field_is(f[3], fl[3], "-") ||
			    fl[4] != 64)
				goto bad;
		} else {
			goto bad;
		}
		if (type != JVS_ENT_DIR) {
			memcpy(hash, f[4], 64);
			hash[64] = '\0';
			if (!jvs_hash_is_hex(hash))
				goto bad;
		}
		if (memchr(f[1], '\0', fl[1]) || unescape(f[1], fl[1], &path) < 0)
			goto bad;
		if (!path_is_safe(path) ||
		    (out->n > 0 && strcmp(out->e[out->n - 1].path, path) >= 0)) {
			free(path);
			goto bad;
		}
		if (jvs_manifest_add(out, type, path, mode, size, hash) < 0) {
			free(path);
			jvs_manifest_clear(out);
			return -1;
		}
		free(path);
		p = nl + 1;
	}
	return 0;
bad:
	jvs_manifest_clear(out);
	return jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "manifest line %zu is malformed", lineno);
}

int jvs_manifest_load(const jvs_repo *repo, const char *id, const char *want_hash,
		      jvs_manifest *out)
{
	char *p = jvs_repo_pathf(repo, "manifests/%s", id), *buf = NULL;
	char got[JVS_HASH_HEX];
	size_t len;
	int rc = -1;
	memset(out, 0, sizeof *out);
	if (!p)
		return -1;
	if (jvs_read_file(p, &buf, &len) < 0) {
		jvs_error_set(JVS_E_PARTIAL_SNAPSHOT, "manifest of %s is missing or unreadable", id);
		jvs_error_hint("run 'jvs doctor --strict'");
		goto done;
	}
	if (want_hash) {
		jvs_hash_buf(buf, len, got);
		if (strcmp(got, want_hash)) {
			jvs_error_set(JVS_E_PAYLOAD_HASH_MISMATCH,
				      "manifest of %s does not match payload_root_hash", id);
			jvs_error_hint("run 'jvs verify %s'", id);
			goto done;
		}
	}
	if (jvs_manifest_parse(buf, len, out) < 0) {
		jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "manifest of %s: %s", id,
			      jvs_error_last()->message);
		goto done;
	}
	rc = 0;
done:
	free(buf);
	free(p);
	return rc;
}

const jvs_manifest_entry *jvs_manifest_find(const jvs_manifest *m, const char *path)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(m->e[mid].path, path);
		if (c == 0)
			return &m->e[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void jvs_manifest_clear(jvs_manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->e[i].path);
	free(m->e);
	memset(m, 0, sizeof *m);
}
