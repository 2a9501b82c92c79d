/* Error classes (SPEC §12) and the per-thread last-error slot. */
#ifndef JVS_ERROR_H
#define JVS_ERROR_H

typedef enum {
	JVS_OK = 0,
	JVS_E_IO,
	JVS_E_EXISTS,
	JVS_E_NO_WORKTREE,
	JVS_E_NOT_A_REPO,
	JVS_E_UNSUPPORTED_FILE,
	JVS_E_INTERNAL,
	JVS_E_USAGE,
	JVS_E_NAME_INVALID,
	JVS_E_PATH_ESCAPE,
	JVS_E_NOT_FOUND,
	JVS_E_AMBIGUOUS,
	JVS_E_DESCRIPTOR_CORRUPT,
	JVS_E_PAYLOAD_HASH_MISMATCH,
	JVS_E_LINEAGE_BROKEN,
	JVS_E_PARTIAL_SNAPSHOT,
	JVS_E_AUDIT_CHAIN_BROKEN,
	JVS_E_FORMAT_UNSUPPORTED,
	JVS_E_LOCKED,
	JVS_E_GC_PLAN_MISMATCH,
	JVS_E_DIRTY,
	JVS_E_HOOK,
	JVS_E__COUNT
} jvs_error_class;

typedef struct {
	jvs_error_class cls;
	char message[1024];
	char hint[512];
} jvs_error;

/* Sets the last error and returns -1, so `return jvs_error_set(...)` works. */
int jvs_error_set(jvs_error_class cls, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Like jvs_error_set with ": strerror(errno)" appended; class E_IO. */
int jvs_error_sys(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Adds a hint to the current last error. Returns -1. */
int jvs_error_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The last error already explains a failure with errno err (a symlink on
 * the way, a FIFO where a file belongs): the next jvs_error_sys() for that
 * errno keeps it instead of replacing it with a generic E_IO. */
void jvs_error_stick(int err);
void jvs_error_clear(void);
const jvs_error *jvs_error_last(void);
/* A copy of the last error (class, message and hint), for cleanup that may
 * overwrite it or for handing it to another thread; jvs_error_restore puts
 * it back. */
jvs_error jvs_error_save(void);
/* Makes *saved the last error of this thread again, hint and all.
 * Returns -1, so `return jvs_error_restore(&saved)` works. */
int jvs_error_restore(const jvs_error *saved);

const char *jvs_error_class_name(jvs_error_class cls);
int jvs_error_exit_code(jvs_error_class cls);

#endif
