#include "jvs/spill.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/safepath.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SPILL_BUF ((size_t)1024 * 1024)

/* Each record: a uint64_t length, the bytes, padding to 8. */
#define ALIGN8(n) (((n) + 7) & ~(size_t)7)

struct jvs_spill {
	char *dir;
	char *buf;
	size_t used, cap;
	int fd;      /* -1 until the buffer first overflows */
	size_t count;
};

jvs_spill *jvs_spill_new(const char *dir)
{
	jvs_spill *s = calloc(1, sizeof *s);
	if (!s || !(s->dir = strdup(dir))) {
		free(s);
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		return NULL;
	}
	s->fd = -1;
	return s;
}

size_t jvs_spill_count(const jvs_spill *s)
{
	return s ? s->count : 0;
}

static int open_tmp(jvs_spill *s)
{
	char *tmpl;
	s->fd = jvs_safe_open(s->dir, O_TMPFILE | O_RDWR, 0600);
	if (s->fd >= 0)
		return 0;
	tmpl = jvs_strf("%s/.spill-XXXXXX", s->dir); /* no O_TMPFILE here */
	if (!tmpl)
		return -1;
	s->fd = mkostemp(tmpl, O_CLOEXEC);
	if (s->fd >= 0)
		unlink(tmpl);
	free(tmpl);
	if (s->fd < 0)
		return jvs_error_sys("cannot create a temporary file in '%s'", s->dir);
	return 0;
}

static int spill_out(jvs_spill *s)
{
	if (s->fd < 0 && open_tmp(s) < 0)
		return -1;
	if (jvs_write_all(s->fd, s->buf, s->used) < 0)
		return jvs_error_sys("cannot write a temporary file in '%s'", s->dir);
	s->used = 0;
	return 0;
}

int jvs_spill_add(jvs_spill *s, const void *rec, size_t len)
{
	uint64_t n = len;
	size_t need = sizeof n + ALIGN8(len);
	if (s->used && s->used + need > SPILL_BUF && spill_out(s) < 0)
		return -1;
	if (s->used + need > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		char *nb;
		while (cap < s->used + need)
			cap *= 2;
		if (!(nb = realloc(s->buf, cap)))
			return jvs_error_set(JVS_E_INTERNAL, "out of memory");
		s->buf = nb;
		s->cap = cap;
	}
	memcpy(s->buf + s->used, &n, sizeof n);
	memcpy(s->buf + s->used + sizeof n, rec, len);
	memset(s->buf + s->used + sizeof n + len, 0, ALIGN8(len) - len);
	s->used += need;
	s->count++;
	return 0;
}

/* Calls fn for the whole records in buf[0..len); *took: bytes consumed. */
static int each_in(const char *buf, size_t len, size_t *took,
		   int (*fn)(void *, const void *, size_t), void *arg)
{
	size_t off = 0;
	int rc = 0;
	while (len - off >= sizeof(uint64_t)) {
		uint64_t n;
		memcpy(&n, buf + off, sizeof n);
		if (len - off - sizeof n < ALIGN8((size_t)n))
			break;
		if ((rc = fn(arg, buf + off + sizeof n, (size_t)n)) != 0)
			break;
		off += sizeof n + ALIGN8((size_t)n);
	}
	*took = off;
	return rc;
}

int jvs_spill_each(jvs_spill *s, int (*fn)(void *arg, const void *rec, size_t len), void *arg)
{
	size_t took;
	int rc;
	if (s->fd >= 0) {
		char *rb = malloc(SPILL_BUF);
		size_t have = 0, cap = SPILL_BUF;
		if (!rb || lseek(s->fd, 0, SEEK_SET) < 0) {
			free(rb);
			return jvs_error_sys("cannot read a temporary file in '%s'", s->dir);
		}
		for (;;) {
			ssize_t n = read(s->fd, rb + have, cap - have);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				free(rb);
				return jvs_error_sys("cannot read a temporary file in '%s'", s->dir);
			}
			if (n == 0)
				break;
			have += (size_t)n;
			if ((rc = each_in(rb, have, &took, fn, arg)) != 0) {
				free(rb);
				return rc;
			}
			memmove(rb, rb + took, have - took);
			have -= took;
			if (have == cap) { /* one record bigger than the buffer */
				char *nb = realloc(rb, cap * 2);
				if (!nb) {
					free(rb);
					return jvs_error_set(JVS_E_INTERNAL, "out of memory");
				}
				rb = nb;
				cap *= 2;
			}
		}
		free(rb);
	}
	return each_in(s->buf, s->used, &took, fn, arg);
}

void jvs_spill_free(jvs_spill *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s->buf);
	free(s->dir);
	free(s);
}
