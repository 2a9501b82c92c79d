/* Integrity checks of snapshots and the audit chain (SPEC §8). */
#ifndef JVS_VERIFY_H
#define JVS_VERIFY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "jvs/error.h"
#include "name.h"
#include "jvs/repo.h"

typedef struct jvs_verifier jvs_verifier;

typedef struct {
	char snapshot_id[JVS_ID_BUF];
	int checksum_valid;
	int payload_hash_valid;
	int tamper_detected;
	jvs_error_class first_class; /* JVS_OK when healthy */
	char first_detail[1024];
	json_t *errors; /* array of {"class","path","detail"} */
	int vanished;	/* deleted by a gc run while being checked: nothing to report */
} jvs_verify_result;

/* bytes_done counts every file checked, also those whose inode was already
 * hashed in an earlier snapshot (checked by comparison, without reading). */
typedef void (*jvs_verify_progress)(void *arg, uint64_t bytes_done, uint64_t files_done);

/* quick: descriptor, READY, manifest hash and the entry list; no content. */
jvs_verifier *jvs_verifier_new(const jvs_repo *repo, int quick);
void jvs_verifier_set_progress(jvs_verifier *v, jvs_verify_progress fn, void *arg);
void jvs_verifier_free(jvs_verifier *v);
/* Returns 0 when the check ran (look at res->first_class), -1 on failure to
 * run at all. res->errors must be released with jvs_verify_result_clear. */
int jvs_verify_snapshot(jvs_verifier *v, const char *id, jvs_verify_result *res);
void jvs_verify_result_clear(jvs_verify_result *res);
/* Every id that has any trace: descriptor, payload dir or READY. */
int jvs_verify_all_ids(const jvs_repo *repo, char ***out, size_t *n);
/* Audit chain: 0 and *ok; sets detail on failure. */
int jvs_verify_audit(const jvs_repo *repo, int *ok, char *detail, size_t detail_len);

#endif
