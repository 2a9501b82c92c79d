/* A string arena: many small strings in a few large blocks, freed together.
 * Strings never move once stored, so pointers to them stay valid while the
 * arena lives (unlike a realloc'd buffer). Saves the per-string malloc
 * overhead that dominates scans and manifests of many short paths. */
#ifndef JVS_ARENA_H
#define JVS_ARENA_H

#include <stddef.h>

typedef struct jvs_arena_block jvs_arena_block;

typedef struct {
	jvs_arena_block *head;
	size_t used, cap; /* of head */
} jvs_arena;

/* Copies len bytes of s and a NUL; NULL (E_INTERNAL set) when out of memory. */
char *jvs_arena_strndup(jvs_arena *a, const char *s, size_t len);
char *jvs_arena_strdup(jvs_arena *a, const char *s);
void jvs_arena_free(jvs_arena *a);
/* Moves every string of src into dst (no copy: they stay where they are);
 * src is left empty. */
void jvs_arena_adopt(jvs_arena *dst, jvs_arena *src);

#endif
