#include "manifest.h"
#include "layout.h"
#include "jvs/error.h"
#include "fsutil.h"
#include "xattr.h"
#include "safepath.h"
#include "error_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *jvs_entry_type_name(jvs_entry_type t)
{
	return t == JVS_ENT_FILE ? "file" : t == JVS_ENT_DIR ? "dir" : "symlink";
}

int jvs_manifest_add(jvs_manifest *m, jvs_entry_type type, const char *path, unsigned mode,
		     int64_t size, const char *hash)
{
	return jvs_manifest_add_x(m, type, path, mode, size, hash, NULL);
}

void jvs_manifest_entry_hex(const jvs_manifest_entry *e, char out[JVS_HASH_HEX])
{
	if (e->type == JVS_ENT_DIR)
		out[0] = '\0';
	else
		jvs_hash_to_hex(e->hash_raw, out);
}

int jvs_manifest_entry_hash_is(const jvs_manifest_entry *e, const char *hex)
{
	return e->type != JVS_ENT_DIR && jvs_hash_eq_hex(e->hash_raw, hex);
}

/* Appends an entry whose hash is already raw (all zero for a directory). */
static int add_raw(jvs_manifest *m, jvs_entry_type type, const char *path, unsigned mode,
		   int64_t size, const unsigned char raw[JVS_HASH_RAW], const char *xattrs)
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
	e->path = jvs_arena_strdup(&m->paths, path);
	if (!e->path)
		return -1;
	e->xattrs = NULL;
	if (xattrs && *xattrs && !(e->xattrs = jvs_arena_strdup(&m->paths, xattrs)))
		return -1;
	e->type = type;
	e->mode = mode;
	e->size = size;
	memcpy(e->hash_raw, raw, JVS_HASH_RAW);
	m->n++;
	return 0;
}

int jvs_manifest_add_x(jvs_manifest *m, jvs_entry_type type, const char *path, unsigned mode,
		       int64_t size, const char *hash, const char *xattrs)
{
	unsigned char raw[JVS_HASH_RAW] = {0};
	if (type != JVS_ENT_DIR && jvs_hash_from_hex(hash, raw) < 0)
		return jvs_error_set(JVS_E_INTERNAL, "manifest entry '%s' has no valid hash", path);
	return add_raw(m, type, path, mode, size, raw, xattrs);
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

/* The line of one entry, with its newline, into a malloc'd string. */
static char *format_line(jvs_entry_type type, const char *path, unsigned mode, int64_t size,
			 const char *hash, const char *xattrs, size_t *len)
{
	char *esc = jvs_path_escape(path), *line;
	char fields[128];
	int n;
	if (!esc)
		return NULL;
	if (type == JVS_ENT_FILE)
		snprintf(fields, sizeof fields, "%04o\t%" PRId64 "\t%s", mode, size, hash);
	else if (type == JVS_ENT_DIR)
		snprintf(fields, sizeof fields, "%04o\t-\t-", mode);
	else
		snprintf(fields, sizeof fields, "-\t-\t%s", hash);
	if (xattrs && *xattrs)
		line = jvs_strf("%s\t%s\t%s\t" JVS_MANIFEST_XATTR_PREFIX "%s\n",
				jvs_entry_type_name(type), esc, fields, xattrs);
	else
		line = jvs_strf("%s\t%s\t%s\n", jvs_entry_type_name(type), esc, fields);
	free(esc);
	if (!line)
		return NULL;
	n = (int)strlen(line);
	*len = (size_t)n;
	return line;
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
		size_t ll;
		char hex[JVS_HASH_HEX];
		char *line;
		jvs_manifest_entry_hex(e, hex);
		line = format_line(e->type, e->path, e->mode, e->size, hex, e->xattrs, &ll);
		if (!line) {
			free(buf);
			return NULL;
		}
		while (used + ll + 1 > cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(line);
				free(buf);
				jvs_error_set(JVS_E_INTERNAL, "out of memory");
				return NULL;
			}
			buf = nb;
		}
		memcpy(buf + used, line, ll);
		used += ll;
		free(line);
	}
	buf[used] = '\0';
	*len = used;
	return buf;
}

/* Unescapes s[0..len) into *buf (grown as needed); -1 on a bad escape. */
static int unescape_into(const char *s, size_t len, char **buf, size_t *cap)
{
	char *w;
	if (*cap < len + 1) {
		char *nb = realloc(*buf, len + 1);
		if (!nb)
			return jvs_error_set(JVS_E_INTERNAL, "out of memory");
		*buf = nb;
		*cap = len + 1;
	}
	w = *buf;
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\\') {
			*w++ = s[i];
			continue;
		}
		if (++i >= len)
			return -1;
		if (s[i] == '\\')
			*w++ = '\\';
		else if (s[i] == 't')
			*w++ = '\t';
		else if (s[i] == 'n')
			*w++ = '\n';
		else
			return -1;
	}
	*w = '\0';
	return 0;
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

/* Copies s[0..n) into *buf (grown as needed), NUL-terminated. */
static int copy_into(const char *s, size_t n, char **buf, size_t *cap)
{
	if (*cap < n + 1) {
		char *nb = realloc(*buf, n + 1);
		if (!nb)
			return -1;
		*buf = nb;
		*cap = n + 1;
	}
	memcpy(*buf, s, n);
	(*buf)[n] = '\0';
	return 0;
}

/* Parses the line p..nl (nl: its '\n') into *e, whose path is put in *buf
 * and xattrs (the optional sixth field) in *xbuf. -1 when malformed (no
 * error set). Order is the caller's to check. */
static int parse_line(const char *p, const char *nl, jvs_manifest_entry *e, char **buf,
		      size_t *cap, char **xbuf, size_t *xcap)
{
	const char *f[6];
	size_t fl[6];
	int nf = 0;
	const char *q = p;
	const size_t plen = sizeof JVS_MANIFEST_XATTR_PREFIX - 1;
	e->mode = 0;
	e->size = -1;
	memset(e->hash_raw, 0, sizeof e->hash_raw);
	e->xattrs = NULL;
	while (nf < 6) {
		const char *tab = memchr(q, '\t', (size_t)(nl - q));
		const char *fe = tab ? tab : nl;
		f[nf] = q;
		fl[nf++] = (size_t)(fe - q);
		if (!tab)
			break;
		q = tab + 1;
	}
	if (nf < 5 || f[nf - 1] + fl[nf - 1] != nl)
		return -1;
	if (nf == 6) {
		if (fl[5] <= plen || memcmp(f[5], JVS_MANIFEST_XATTR_PREFIX, plen) ||
		    !jvs_xattr_valid(f[5] + plen, fl[5] - plen) ||
		    copy_into(f[5] + plen, fl[5] - plen, xbuf, xcap) < 0)
			return -1;
		e->xattrs = *xbuf;
	}
	if (field_is(f[0], fl[0], "file")) {
		char num[24];
		char *end;
		e->type = JVS_ENT_FILE;
		if (parse_mode(f[2], fl[2], &e->mode) < 0 || fl[3] == 0 || fl[3] > 19 ||
		    fl[4] != 64)
			return -1;
		memcpy(num, f[3], fl[3]);
		num[fl[3]] = '\0';
		/* Canonical decimal only: digits (no NUL, sign or space), no
		 * leading zero, in range; anything else would not format back
		 * to the same bytes and so not match payload_root_hash. */
		if (strspn(num, "0123456789") != fl[3] || (num[0] == '0' && fl[3] > 1))
			return -1;
		errno = 0;
		e->size = strtoll(num, &end, 10);
		if (*end || e->size < 0 || errno == ERANGE)
			return -1;
	} else if (field_is(f[0], fl[0], "dir")) {
		e->type = JVS_ENT_DIR;
		if (parse_mode(f[2], fl[2], &e->mode) < 0 || !field_is(f[3], fl[3], "-") ||
		    !field_is(f[4], fl[4], "-"))
			return -1;
	} else if (field_is(f[0], fl[0], "symlink")) {
		e->type = JVS_ENT_SYMLINK;
		if (!field_is(f[2], fl[2], "-") || !field_is(f[3], fl[3], "-") || fl[4] != 64)
			return -1;
	} else {
		return -1;
	}
	if (e->type != JVS_ENT_DIR) {
		char hex[JVS_HASH_HEX];
		memcpy(hex, f[4], 64);
		hex[64] = '\0';
		if (jvs_hash_from_hex(hex, e->hash_raw) < 0)
			return -1;
	}
	if (memchr(f[1], '\0', fl[1]) || unescape_into(f[1], fl[1], buf, cap) < 0 ||
	    !path_is_safe(*buf))
		return -1;
	e->path = *buf;
	return 0;
}

int jvs_manifest_parse(const char *buf, size_t len, jvs_manifest *out)
{
	const char *p = buf, *end = buf + len;
	size_t lineno = 0, cap = 0, xcap = 0;
	char *path = NULL, *xattrs = NULL;
	memset(out, 0, sizeof *out);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		jvs_manifest_entry e;
		lineno++;
		if (!nl || parse_line(p, nl, &e, &path, &cap, &xattrs, &xcap) < 0 ||
		    (out->n > 0 && strcmp(out->e[out->n - 1].path, e.path) >= 0))
			goto bad;
		if (add_raw(out, e.type, e.path, e.mode, e.size, e.hash_raw, e.xattrs) < 0) {
			free(path);
			free(xattrs);
			jvs_manifest_clear(out);
			return -1;
		}
		p = nl + 1;
	}
	free(path);
	free(xattrs);
	return 0;
bad:
	free(path);
	free(xattrs);
	jvs_manifest_clear(out);
	return jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "manifest line %zu is malformed", lineno);
}

/* ---- streaming reader ---- */

#define READ_CHUNK ((size_t)64 * 1024)

struct jvs_manifest_reader {
	int fd;
	char *id;
	char *buf;
	size_t cap, start, end; /* unparsed bytes: buf[start..end) */
	int eof, failed, done, have;
	jvs_hasher *hasher;
	char want[JVS_HASH_HEX];
	char *cur, *prev; /* unescaped paths of this line and the one before */
	size_t curcap, prevcap;
	char *xattrs; /* of this line */
	size_t xcap;
	size_t lineno;
	jvs_manifest_entry ent;
};

jvs_manifest_reader *jvs_manifest_reader_open(const jvs_repo *repo, const char *id,
					      const char *want_hash)
{
	char *p = jvs_layout_manifest(repo, id);
	jvs_manifest_reader *r = p ? jvs_manifest_reader_open_path(p, id, want_hash) : NULL;
	free(p);
	return r;
}

jvs_manifest_reader *jvs_manifest_reader_open_path(const char *path, const char *label,
						   const char *want_hash)
{
	jvs_manifest_reader *r = calloc(1, sizeof *r);
	if (!r) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		return NULL;
	}
	r->fd = jvs_safe_open_file(path, O_RDONLY | O_NOFOLLOW, 0);
	r->id = strdup(label);
	r->cap = READ_CHUNK;
	r->buf = malloc(r->cap);
	if (want_hash) {
		snprintf(r->want, sizeof r->want, "%s", want_hash);
		r->hasher = jvs_hasher_new();
	}
	if (r->fd < 0 || !r->id || !r->buf || (want_hash && !r->hasher)) {
		if (r->fd < 0 || !r->id || !r->buf) {
			jvs_error_set(JVS_E_PARTIAL_SNAPSHOT, "manifest of %s is missing or unreadable",
				      label);
			jvs_error_hint("run 'jvs doctor --strict'");
		}
		jvs_manifest_reader_close(r);
		return NULL;
	}
	posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return r;
}

/* Reads more bytes after buf[end); 0 at end of file. */
static int fill(jvs_manifest_reader *r)
{
	ssize_t n;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap) { /* one line longer than the buffer */
		size_t cap = r->cap ? r->cap * 2 : READ_CHUNK;
		char *nb = realloc(r->buf, cap);
		if (!nb)
			return jvs_error_set(JVS_E_INTERNAL, "out of memory");
		r->buf = nb;
		r->cap = cap;
	}
	do
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		jvs_error_set(JVS_E_PARTIAL_SNAPSHOT, "manifest of %s is unreadable: %s", r->id,
			      strerror(errno));
		return jvs_error_hint("run 'jvs doctor --strict'");
	}
	if (r->hasher)
		jvs_hasher_update(r->hasher, r->buf + r->end, (size_t)n);
	r->end += (size_t)n;
	return n > 0;
}

/* At the end of the bytes (all read): 0 if they hash as expected. */
static int check_hash(jvs_manifest_reader *r)
{
	char got[JVS_HASH_HEX];
	if (!r->hasher)
		return 0;
	jvs_hasher_final(r->hasher, got);
	r->hasher = NULL;
	if (!strcmp(got, r->want))
		return 0;
	jvs_error_set(JVS_E_PAYLOAD_HASH_MISMATCH, "manifest of %s does not match payload_root_hash",
		      r->id);
	return jvs_error_hint("run 'jvs verify %s'", r->id);
}

static int reader_fail(jvs_manifest_reader *r)
{
	r->failed = 1;
	/* a damaged file is reported as the mismatch it also is, like load does */
	r->start = r->end = 0;
	while (r->hasher && fill(r) > 0)
		r->start = r->end = 0;
	if (r->hasher && check_hash(r) < 0)
		return -1;
	return jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT, "manifest of %s: line %zu is malformed",
			     r->id, r->lineno);
}

int jvs_manifest_reader_next(jvs_manifest_reader *r, const jvs_manifest_entry **e)
{
	char *nl;
	if (r->failed)
		return -1;
	if (r->done)
		return 0;
	if (r->have) {
		r->have = 0;
		*e = &r->ent;
		return 1;
	}
	while (!(nl = memchr(r->buf + r->start, '\n', r->end - r->start))) {
		int n = fill(r);
		if (n < 0) {
			r->failed = 1;
			return -1;
		}
		if (n == 0) {
			if (r->end > r->start) { /* no newline after the last line */
				r->lineno++;
				return reader_fail(r);
			}
			r->done = 1;
			if (check_hash(r) < 0) {
				r->failed = 1;
				return -1;
			}
			return 0;
		}
	}
	r->lineno++;
	{ /* the previous line's path becomes prev, for the order check */
		char *t = r->prev;
		size_t tc = r->prevcap;
		r->prev = r->cur;
		r->prevcap = r->curcap;
		r->cur = t;
		r->curcap = tc;
	}
	if (parse_line(r->buf + r->start, nl, &r->ent, &r->cur, &r->curcap, &r->xattrs,
		       &r->xcap) < 0 ||
	    (r->lineno > 1 && strcmp(r->prev, r->cur) >= 0))
		return reader_fail(r);
	r->start = (size_t)(nl - r->buf) + 1;
	*e = &r->ent;
	return 1;
}

const jvs_manifest_entry *jvs_manifest_reader_seek(jvs_manifest_reader *r, const char *path)
{
	const jvs_manifest_entry *e;
	for (;;) {
		int c;
		if (jvs_manifest_reader_next(r, &e) <= 0)
			return NULL;
		c = strcmp(e->path, path);
		if (c == 0)
			return e;
		if (c > 0) { /* not there; keep it for the next lookup */
			r->have = 1;
			return NULL;
		}
	}
}

void jvs_manifest_reader_close(jvs_manifest_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	jvs_hasher_free(r->hasher);
	free(r->id);
	free(r->buf);
	free(r->cur);
	free(r->prev);
	free(r->xattrs);
	free(r);
}

int jvs_manifest_load(const jvs_repo *repo, const char *id, const char *want_hash,
		      jvs_manifest *out)
{
	jvs_manifest_reader *r;
	const jvs_manifest_entry *e;
	int rc;
	memset(out, 0, sizeof *out);
	r = jvs_manifest_reader_open(repo, id, want_hash);
	if (!r)
		return -1;
	while ((rc = jvs_manifest_reader_next(r, &e)) > 0)
		if (add_raw(out, e->type, e->path, e->mode, e->size, e->hash_raw, e->xattrs) < 0) {
			rc = -1;
			break;
		}
	jvs_manifest_reader_close(r);
	if (rc < 0)
		jvs_manifest_clear(out);
	return rc;
}

int jvs_manifest_check(const jvs_repo *repo, const char *id, const char *want_hash)
{
	return jvs_manifest_check_counts(repo, id, want_hash, NULL, NULL);
}

int jvs_manifest_check_counts(const jvs_repo *repo, const char *id, const char *want_hash,
			      int64_t *files, int64_t *bytes)
{
	jvs_manifest_reader *r = jvs_manifest_reader_open(repo, id, want_hash);
	const jvs_manifest_entry *e = NULL;
	int64_t nf = 0, nb = 0;
	int rc;
	if (!r)
		return -1;
	while ((rc = jvs_manifest_reader_next(r, &e)) > 0) {
		if (!e || e->type == JVS_ENT_DIR)
			continue;
		nf++;
		nb += e->type == JVS_ENT_FILE && e->size > 0 ? e->size : 0;
	}
	jvs_manifest_reader_close(r);
	if (files)
		*files = nf;
	if (bytes)
		*bytes = nb;
	return rc;
}

/* ---- streaming writer ---- */

#define WRITE_CHUNK ((size_t)64 * 1024)

struct jvs_manifest_writer {
	int fd;
	char *path;
	char *buf;
	size_t used;
	char *last; /* path of the last entry, for the order check */
	jvs_hasher *hasher;
};

jvs_manifest_writer *jvs_manifest_writer_open(const char *path)
{
	return jvs_manifest_writer_open_mode(path, 0644);
}

jvs_manifest_writer *jvs_manifest_writer_open_mode(const char *path, unsigned mode)
{
	jvs_manifest_writer *w = calloc(1, sizeof *w);
	if (!w) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		return NULL;
	}
	w->fd = jvs_safe_open_file(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, (mode_t)mode);
	if (w->fd < 0) {
		jvs_error_sys("cannot create '%s'", path);
		free(w);
		return NULL;
	}
	w->path = strdup(path);
	w->buf = malloc(WRITE_CHUNK);
	w->hasher = jvs_hasher_new();
	if (!w->path || !w->buf || !w->hasher) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		jvs_manifest_writer_abort(w);
		return NULL;
	}
	return w;
}

static int flush(jvs_manifest_writer *w)
{
	if (w->used && jvs_write_all(w->fd, w->buf, w->used) < 0)
		return jvs_error_sys("cannot write '%s'", w->path);
	w->used = 0;
	return 0;
}

int jvs_manifest_writer_add(jvs_manifest_writer *w, jvs_entry_type type, const char *path,
			    unsigned mode, int64_t size, const char *hash)
{
	return jvs_manifest_writer_add_x(w, type, path, mode, size, hash, NULL);
}

int jvs_manifest_writer_add_x(jvs_manifest_writer *w, jvs_entry_type type, const char *path,
			      unsigned mode, int64_t size, const char *hash, const char *xattrs)
{
	size_t len;
	char *line;
	if (w->last && strcmp(w->last, path) >= 0)
		return jvs_error_set(JVS_E_INTERNAL, "manifest entries out of order at '%s'", path);
	free(w->last);
	if (!(w->last = strdup(path)))
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	if (!(line = format_line(type, path, mode, size, hash ? hash : "", xattrs, &len)))
		return -1;
	jvs_hasher_update(w->hasher, line, len);
	if (w->used + len > WRITE_CHUNK && flush(w) < 0) {
		free(line);
		return -1;
	}
	if (len > WRITE_CHUNK) {
		int rc = jvs_write_all(w->fd, line, len) < 0 ? jvs_error_sys("cannot write '%s'",
									      w->path)
							       : 0;
		free(line);
		return rc;
	}
	memcpy(w->buf + w->used, line, len);
	w->used += len;
	free(line);
	return 0;
}

int jvs_manifest_writer_finish(jvs_manifest_writer *w, char hash[JVS_HASH_HEX])
{
	int rc = flush(w);
	if (rc == 0 && fsync(w->fd) < 0)
		rc = jvs_error_sys("cannot sync '%s'", w->path);
	if (close(w->fd) < 0 && rc == 0)
		rc = jvs_error_sys("cannot write '%s'", w->path);
	w->fd = -1;
	jvs_hasher_final(w->hasher, hash);
	w->hasher = NULL;
	jvs_manifest_writer_abort(w);
	return rc;
}

void jvs_manifest_writer_abort(jvs_manifest_writer *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	jvs_hasher_free(w->hasher);
	free(w->path);
	free(w->buf);
	free(w->last);
	free(w);
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
	jvs_arena_free(&m->paths);
	free(m->e);
	memset(m, 0, sizeof *m);
}
