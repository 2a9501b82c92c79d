/* Hash-chained audit log .jvs/audit/audit.jsonl (SPEC §8). */
#ifndef JVS_AUDIT_H
#define JVS_AUDIT_H

#include <jansson.h>

#include "jvs/repo.h"

/* Appends one record; takes ownership of details (may be NULL). */
int jvs_audit_append(const jvs_repo *repo, const char *operation, const char *target,
		     json_t *details, const char *reason);
/* Computes record_hash of a record object (ignores its record_hash field). */
int jvs_audit_record_hash(const json_t *record, char out[65]);

/* Rewrites audit/audit.head (after a repair). */
int jvs_audit_reset_head(const jvs_repo *repo, long long records, const char *hash);

#endif
