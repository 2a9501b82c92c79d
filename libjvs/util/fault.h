/* Fault injection for tests.
 *
 * JVS_FAULT=<point> makes the process _exit(99) at that point, as a crash
 * would (no cleanup, no atexit).
 * JVS_FAULT=enospc:<point> makes the disk full from that point on: every
 * later write of the process through jvs_write_all() (durable files,
 * intents, worktree configs, the audit log) fails with ENOSPC.
 * JVS_FAULT=nomem:<point> makes the allocation guarded by
 * jvs_fault_nomem(point) fail, as if memory had run out there. */
#ifndef JVS_FAULT_H
#define JVS_FAULT_H

void jvs_fault_point(const char *point);
/* 1 once an enospc: fault point was passed. */
int jvs_fault_disk_full(void);
/* 1 when JVS_FAULT is nomem:<point>: the caller takes its allocation at
 * point as failed. */
int jvs_fault_nomem(const char *point);

#endif
