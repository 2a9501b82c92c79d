/* Error classes (SPEC §12) and the per-thread last-error slot.
 *
 * Return convention of the whole public API: a function returning int
 * returns 0 (or a count, or a 0/1/2 answer where its header says so) on
 * success and, on failure, a negative error code -JVS_E_..., the negated
 * class of the last error, which also keeps the message and the hint:
 *
 *	int rc = jvs_repo_open(&repo, NULL);
 *	if (rc == -JVS_E_NOT_A_REPO) ...
 *	if (rc < 0)
 *		fprintf(stderr, "%s: %s\n", jvs_error_class_name(-rc),
 *			jvs_error_last()->message);
 *
 * A function returning a pointer returns NULL on failure and sets the last
 * error the same way. The last error is per thread and stays until the
 * next failure or jvs_error_clear. */
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

void jvs_error_clear(void);
/* -(int) the class of the last error; -JVS_E_INTERNAL when none is set. */
int jvs_error_code(void);
const jvs_error *jvs_error_last(void);
/* A copy of the last error (class, message and hint), for cleanup that may
 * overwrite it or for handing it to another thread; jvs_error_restore puts
 * it back. */
jvs_error jvs_error_save(void);
/* Makes *saved the last error of this thread again, hint and all.
 * Returns -1, so `return jvs_error_restore(&saved)` works. */
int jvs_error_restore(const jvs_error *saved);

/* "E_NOT_A_REPO" for JVS_E_NOT_A_REPO (a code rc < 0 is the class -rc). */
const char *jvs_error_class_name(jvs_error_class cls);
int jvs_error_exit_code(jvs_error_class cls);

#endif
