/* Hash-chained audit log .jvs/audit/audit.jsonl (SPEC §8). */
#ifndef JVS_AUDIT_H
#define JVS_AUDIT_H

#include <jansson.h>

#include "jvs/repo.h"

/* Appends one record; takes ownership of details (may be NULL). */
int jvs_audit_append(const jvs_repo *repo, const char *operation, const char *target,
		     json_t *details, const char *reason);
/* E_AUDIT_CHAIN_BROKEN when the log's last record is unreadable, so that a
 * mutating command can refuse before it changes anything. */
int jvs_audit_precheck(const jvs_repo *repo);
/* Computes record_hash of a record object (ignores its record_hash field). */
int jvs_audit_record_hash(const json_t *record, char out[65]);

/* Rewrites audit/audit.head (after a repair). */
int jvs_audit_reset_head(const jvs_repo *repo, long long records, const char *hash);

#endif
