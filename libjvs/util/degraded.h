/* What an operation that writes a worktree (restore, fork) could not
 * reproduce: the file system refused it. The library records notes here
 * (per thread); main() prints them after the operation (`degraded: ...`).
 * Snapshots record theirs in the descriptor's `degraded` instead. Each
 * checkout (jvs/checkout.h) starts with none. */
#ifndef JVS_DEGRADED_H
#define JVS_DEGRADED_H

#include <stddef.h>

/* Adds a note (printf format); out of memory drops it silently. */
void jvs_degraded_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
size_t jvs_degraded_count(void);
const char *jvs_degraded_get(size_t i);
void jvs_degraded_clear(void);

#endif
