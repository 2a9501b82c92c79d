/* The packed descriptor of the catalogue cache: column `descriptor`. */
#include "catalog_pack.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Packed descriptor: PACK_MAGIC, then NUL-terminated strings: parent,
 * worktree, created_at, note, engine, hash_algorithm, payload_root_hash,
 * integrity_state, descriptor_checksum, compression, file_count, total_bytes, ntags, the
 * tags, ndegraded, the degraded entries (numbers in decimal), then
 * ignored_count when the descriptor has one or is partial (-1: it has
 * none), then for a partial snapshot npartial_paths and the paths. */
#define PACK_MAGIC "jvs-catalog-2"

typedef struct {
	char *buf;
	size_t len, cap;
	int oom;
} pack_buf;

static void pack_str(pack_buf *b, const char *s)
{
	size_t n = strlen(s) + 1;
	if (b->oom)
		return;
	if (b->len + n > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 512) + n;
		char *nb = realloc(b->buf, cap);
		if (!nb) {
			b->oom = 1;
			return;
		}
		b->buf = nb;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, s, n);
	b->len += n;
}

static void pack_num(pack_buf *b, int64_t v)
{
	char num[32];
	snprintf(num, sizeof num, "%" PRId64, v);
	pack_str(b, num);
}

/* Packs d into a malloc'd blob of *len bytes; NULL when out of memory. */
char *jvs_catalog__pack(const jvs_descriptor *d, size_t *len)
{
	pack_buf b = {0};
	pack_str(&b, PACK_MAGIC);
	pack_str(&b, d->parent_id);
	pack_str(&b, d->worktree_name);
	pack_str(&b, d->created_at);
	pack_str(&b, d->note ? d->note : "");
	pack_str(&b, d->engine);
	pack_str(&b, d->hash_algorithm);
	pack_str(&b, d->payload_root_hash);
	pack_str(&b, d->integrity_state);
	pack_str(&b, d->descriptor_checksum);
	pack_str(&b, d->compression);
	pack_num(&b, d->file_count);
	pack_num(&b, d->total_bytes);
	pack_num(&b, (int64_t)d->ntags);
	for (size_t i = 0; i < d->ntags; i++)
		pack_str(&b, d->tags[i]);
	pack_num(&b, (int64_t)d->ndegraded);
	for (size_t i = 0; i < d->ndegraded; i++)
		pack_str(&b, d->degraded[i]);
	if (d->has_ignored_count || d->npartial_paths)
		pack_num(&b, d->has_ignored_count ? d->ignored_count : -1);
	if (d->npartial_paths) {
		pack_num(&b, (int64_t)d->npartial_paths);
		for (size_t i = 0; i < d->npartial_paths; i++)
			pack_str(&b, d->partial_paths[i]);
	}
	if (b.oom) {
		free(b.buf);
		return NULL;
	}
	*len = b.len;
	return b.buf;
}

typedef struct {
	const char *p, *end;
} unpack_cur;

/* The next string, or NULL when the blob ends without its terminator. */
static const char *unpack_str(unpack_cur *c)
{
	const char *s = c->p, *z;
	if (!s || s >= c->end || !(z = memchr(s, '\0', (size_t)(c->end - s))))
		return c->p = NULL;
	c->p = z + 1;
	return s;
}

static int unpack_into(unpack_cur *c, char *out, size_t len)
{
	const char *s = unpack_str(c);
	size_t n = s ? (size_t)(c->p - s) : 0; /* with the NUL */
	if (!s || n > len)
		return -1;
	memcpy(out, s, n);
	return 0;
}

static int unpack_num(unpack_cur *c, int64_t *v)
{
	const char *s = unpack_str(c);
	int neg;
	uint64_t u = 0;
	if (!s)
		return -1;
	neg = *s == '-';
	s += neg;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || u > (uint64_t)INT64_MAX / 10)
			return -1;
		u = u * 10 + (uint64_t)(*s - '0');
	}
	if (u > (uint64_t)INT64_MAX)
		return -1;
	*v = neg ? -(int64_t)u : (int64_t)u;
	return 0;
}

static int unpack_strv(unpack_cur *c, char ***out, size_t *n)
{
	int64_t cnt;
	*out = NULL;
	*n = 0;
	if (unpack_num(c, &cnt) < 0 || cnt < 0 || cnt > (int64_t)(c->end - c->p))
		return -1;
	if (!cnt)
		return 0;
	if (!(*out = calloc((size_t)cnt + 1, sizeof **out)))
		return -1;
	for (int64_t i = 0; i < cnt; i++) {
		const char *s = unpack_str(c);
		if (!s || !((*out)[i] = strdup(s)))
			return -1;
		*n = (size_t)i + 1;
	}
	return 0;
}

/* Fills d, with snapshot id `id`, from the len-byte blob; -1 (d cleared)
 * when the blob is not exactly one packed descriptor. */
int jvs_catalog__unpack(const char *blob, size_t len, const char *id, jvs_descriptor *d)
{
	unpack_cur c = {blob, blob ? blob + len : NULL};
	const char *s, *note;
	size_t idlen = strlen(id);
	memset(d, 0, sizeof *d);
	if (idlen >= sizeof d->snapshot_id || !(s = unpack_str(&c)) || strcmp(s, PACK_MAGIC))
		goto bad;
	memcpy(d->snapshot_id, id, idlen + 1);
	if (unpack_into(&c, d->parent_id, sizeof d->parent_id) < 0 ||
	    unpack_into(&c, d->worktree_name, sizeof d->worktree_name) < 0 ||
	    unpack_into(&c, d->created_at, sizeof d->created_at) < 0 || !(note = unpack_str(&c)) ||
	    !(d->note = strdup(note)) || unpack_into(&c, d->engine, sizeof d->engine) < 0 ||
	    unpack_into(&c, d->hash_algorithm, sizeof d->hash_algorithm) < 0 ||
	    unpack_into(&c, d->payload_root_hash, sizeof d->payload_root_hash) < 0 ||
	    unpack_into(&c, d->integrity_state, sizeof d->integrity_state) < 0 ||
	    unpack_into(&c, d->descriptor_checksum, sizeof d->descriptor_checksum) < 0 ||
	    unpack_into(&c, d->compression, sizeof d->compression) < 0 ||
	    unpack_num(&c, &d->file_count) < 0 || unpack_num(&c, &d->total_bytes) < 0 ||
	    unpack_strv(&c, &d->tags, &d->ntags) < 0 ||
	    unpack_strv(&c, &d->degraded, &d->ndegraded) < 0)
		goto bad;
	if (c.p != c.end) {
		if (unpack_num(&c, &d->ignored_count) < 0 || d->ignored_count < -1)
			goto bad;
		d->has_ignored_count = d->ignored_count >= 0;
		if (!d->has_ignored_count)
			d->ignored_count = 0;
		if (c.p != c.end &&
		    (unpack_strv(&c, &d->partial_paths, &d->npartial_paths) < 0 ||
		     !d->npartial_paths || c.p != c.end))
			goto bad;
		if (!d->has_ignored_count && !d->npartial_paths)
			goto bad;
	}
	return 0;
bad:
	jvs_descriptor_clear(d);
	return -1;
}
