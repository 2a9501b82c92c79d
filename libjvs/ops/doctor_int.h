/* Internal to the doctor module. */
#ifndef JVS_DOCTOR_INT_H
#define JVS_DOCTOR_INT_H

#include "jvs/catalog.h"
#include "jvs/doctor.h"
#include "jvs/worktree.h"

void doctor_add(jvs_findings *fs, jvs_severity sev, const char *code, const char *repair,
		const char *target, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
const jvs_descriptor *doctor_line_tip(const jvs_catalog *cat, const jvs_worktree *wt);
void doctor_check_runtime(const jvs_repo *repo, const jvs_catalog *cat, jvs_findings *fs);

/* Finishes the gc run recorded by the intent at intent_path. */
int doctor_resume_gc(jvs_repo *repo, const char *target);

#endif
