/* Integrity checks of snapshots and the audit chain (SPEC §8). */
#ifndef JVS_VERIFY_H
#define JVS_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "jvs/error.h"
#include "jvs/types.h"

typedef struct jvs_verifier jvs_verifier;		/* opaque */
typedef struct jvs_verify_issues jvs_verify_issues; /* opaque: jvs_verify_issue_at */

typedef struct {
	char snapshot_id[JVS_ID_BUF];
	int checksum_valid;
	int payload_hash_valid;
	int tamper_detected;
	jvs_error_class first_class; /* JVS_OK when healthy */
	char first_detail[1024];
	jvs_verify_issues *issues; /* every problem found, the first one first */
	int vanished;	/* deleted by a gc run while being checked: nothing to report */
} jvs_verify_result;

#define JVS_VERIFY_OPTS_VERSION 1
typedef struct {
	unsigned version; /* JVS_VERIFY_OPTS_VERSION */
	int quick; /* descriptor, READY, manifest hash and the entry list; no content */
	/* may be NULL; items are files, totals unknown (0). bytes_done counts
	 * every file checked, also those whose inode was already hashed in an
	 * earlier snapshot (checked by comparison, without reading). */
	jvs_progress_fn progress;
	void *progress_arg;
} jvs_verify_opts;
#define JVS_VERIFY_OPTS_INIT { .version = JVS_VERIFY_OPTS_VERSION }

/* A verifier for snapshots of repo (opts may be NULL); NULL on failure. */
jvs_verifier *jvs_verifier_new(const jvs_repo *repo, const jvs_verify_opts *opts);
void jvs_verifier_free(jvs_verifier *v);
/* Returns 0 when the check ran (look at res->first_class), -1 on failure to
 * run at all. res must be released with jvs_verify_result_clear. */
int jvs_verify_snapshot(jvs_verifier *v, const char *id, jvs_verify_result *res);
void jvs_verify_result_clear(jvs_verify_result *res);
/* The problems in res: how many, and the i-th one's class, path ("" when it
 * is about the snapshot as a whole) and detail, valid until
 * jvs_verify_result_clear. E_NOT_FOUND when i is out of range. */
size_t jvs_verify_issue_count(const jvs_verify_result *res);
int jvs_verify_issue_at(const jvs_verify_result *res, size_t i, jvs_error_class *cls,
			const char **path, const char **detail);
/* Every id that has any trace: descriptor, payload dir or READY. */
int jvs_verify_all_ids(const jvs_repo *repo, char ***out, size_t *n);
/* Audit chain: 0 and *ok; sets detail on failure. */
int jvs_verify_audit(const jvs_repo *repo, int *ok, char *detail, size_t detail_len);

#endif
