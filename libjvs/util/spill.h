/* An append-only list of byte records kept in memory up to a bound and in
 * an unlinked temporary file beyond it, replayed in order. For work lists
 * that grow with the number of files (hash-cache updates of a snapshot of
 * 200,000 files) but are only needed once, at the end. */
#ifndef JVS_SPILL_H
#define JVS_SPILL_H

#include <stddef.h>

typedef struct jvs_spill jvs_spill;

/* dir: where the temporary file goes if one is needed. */
jvs_spill *jvs_spill_new(const char *dir);
int jvs_spill_add(jvs_spill *s, const void *rec, size_t len);
size_t jvs_spill_count(const jvs_spill *s);
/* Calls fn on every record in the order added; stops at fn's first non-zero
 * return, which it returns. Each record starts 8-byte aligned. */
int jvs_spill_each(jvs_spill *s, int (*fn)(void *arg, const void *rec, size_t len), void *arg);
void jvs_spill_free(jvs_spill *s);

#endif
