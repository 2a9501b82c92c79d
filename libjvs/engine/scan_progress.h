#ifndef JVS_SCAN_PROGRESS_H
#define JVS_SCAN_PROGRESS_H

#include <stdint.h>

/* Progress of tree walks, for a command whose walk is long and writes
 * nothing to report (restore at a million entries walks for a minute).
 * Process-wide: fn is called with the number of entries walked since it
 * was set, every JVS_SCAN_PROGRESS_EVERY entries, from whichever walking
 * thread crosses the mark, one call at a time. NULL turns it off. */
typedef void (*jvs_scan_progress_fn)(void *arg, uint64_t entries);

#define JVS_SCAN_PROGRESS_EVERY 256

void jvs_scan_progress_set(jvs_scan_progress_fn fn, void *arg);
/* One entry walked (called by the scan, any thread). */
void jvs_scan_progress_tick(void);

#endif
