#include "jvs/arena.h"
#include "jvs/error.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK_BYTES ((size_t)256 * 1024)

struct jvs_arena_block {
	jvs_arena_block *next;
	char data[];
};

char *jvs_arena_strndup(jvs_arena *a, const char *s, size_t len)
{
	char *p;
	if (!a->head || a->cap - a->used < len + 1) {
		size_t cap = len + 1 > BLOCK_BYTES ? len + 1 : BLOCK_BYTES;
		jvs_arena_block *b = malloc(sizeof *b + cap);
		if (!b) {
			jvs_error_set(JVS_E_INTERNAL, "out of memory");
			return NULL;
		}
		b->next = a->head;
		a->head = b;
		a->used = 0;
		a->cap = cap;
	}
	p = a->head->data + a->used;
	memcpy(p, s, len);
	p[len] = '\0';
	a->used += len + 1;
	return p;
}

char *jvs_arena_strdup(jvs_arena *a, const char *s)
{
	return jvs_arena_strndup(a, s, strlen(s));
}

void jvs_arena_free(jvs_arena *a)
{
	while (a->head) {
		jvs_arena_block *b = a->head;
		a->head = b->next;
		free(b);
	}
	a->used = a->cap = 0;
}

void jvs_arena_adopt(jvs_arena *dst, jvs_arena *src)
{
	jvs_arena_block *last = src->head;
	if (!last)
		return;
	while (last->next)
		last = last->next;
	if (!dst->head) {
		*dst = *src;
	} else {
		/* behind dst's current block, which keeps taking new strings */
		last->next = dst->head->next;
		dst->head->next = src->head;
	}
	src->head = NULL;
	src->used = src->cap = 0;
}
