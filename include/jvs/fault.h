/* Crash injection for tests: JVS_FAULT=<point> makes the process _exit(99)
 * at that point, as a crash would (no cleanup, no atexit). */
#ifndef JVS_FAULT_H
#define JVS_FAULT_H

void jvs_fault_point(const char *point);

#endif
