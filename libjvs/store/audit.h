/* Hash-chained audit log .jvs/audit/audit.jsonl (SPEC §8). */
#ifndef JVS_AUDIT_H
#define JVS_AUDIT_H

#include <jansson.h>

#include "repo_int.h"

/* Appends one record; takes ownership of details (may be NULL). */
int jvs_audit_append(const jvs_repo *repo, const char *operation, const char *target,
		     json_t *details, const char *reason);
/* E_AUDIT_CHAIN_BROKEN when the log's last record is unreadable, so that a
 * mutating command can refuse before it changes anything. */
int jvs_audit_precheck(const jvs_repo *repo);
/* The first window jvs_audit_last_line() reads from the end of the log; it
 * doubles until the whole last record is in it (records have no size cap). */
#define JVS_AUDIT_TAIL_WINDOW 65536
/* The last record of the open log fd, without its newline: *line is
 * malloc'd and NUL-terminated, or NULL for an empty log. */
int jvs_audit_last_line(int fd, char **line, size_t *len);
/* Computes record_hash of a record object (ignores its record_hash field). */
int jvs_audit_record_hash(const json_t *record, char out[65]);

/* Rewrites audit/audit.head (after a repair). */
int jvs_audit_reset_head(const jvs_repo *repo, long long records, const char *hash);

/* audit_chain.c: the chain from the first record, then audit.head, read
 * under the audit lock, then jvs_audit_precheck. 0 with *ok = 1 when
 * sound; *ok = 0 and detail saying where when not; -1 on error. */
int jvs_audit_verify(const jvs_repo *repo, int *ok, char *detail, size_t detail_len);

#endif
