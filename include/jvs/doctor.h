/* Repository health checks and repairs (SPEC §8). */
#ifndef JVS_DOCTOR_H
#define JVS_DOCTOR_H

#include <stddef.h>

#include "jvs/types.h"

typedef enum { JVS_SEV_INFO, JVS_SEV_WARNING, JVS_SEV_ERROR } jvs_severity;

typedef struct {
	jvs_severity severity;
	char code[48];
	char message[1024];
	char repair[24]; /* clean_tmp, clean_intents, rebuild_index, advance_head,
			    audit_repair, resume_gc, or "" */
	char target[256]; /* what the repair acts on (path, id, worktree) */
} jvs_finding;

typedef struct {
	jvs_finding *f;
	size_t n, cap;
} jvs_findings;

int jvs_doctor_check(const jvs_repo *repo, int strict, jvs_findings *out);
/* Applies repair `action` to every finding that names it. Returns the
 * number of findings repaired, or -1. */
int jvs_doctor_repair(jvs_repo *repo, const jvs_findings *found, const char *action);
int jvs_doctor_is_repair(const char *action);
int jvs_doctor_is_runtime_repair(const char *action);
void jvs_findings_clear(jvs_findings *f);

/* Every repair, in the order doctor applies them: its name, whether
 * --repair-runtime applies it, and what it does. */
typedef struct {
	const char *name;
	int runtime;
	const char *what;
} jvs_doctor_repair_info;
const jvs_doctor_repair_info *jvs_doctor_repairs(size_t *n);
const char *jvs_severity_name(jvs_severity s);

#endif
