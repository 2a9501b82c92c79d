/* The audit log's chain check: every record chains to the one before and
 * hashes to its record_hash, and audit.head's anchor is still there
 * (jvs-format(5), Audit log). verify --all and doctor report it. */
#include "audit.h"
#include "error.h"
#include "fsutil.h"
#include "hash.h"
#include "json.h"
#include "lock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* audit.head, or NULL when there is none (older repositories). */
static json_t *load_head(const jvs_repo *repo)
{
	char *p = jvs_repo_path(repo, "audit/audit.head");
	json_t *h = NULL;
	if (p && jvs_path_exists(p) && jvs_json_load_file(p, JVS_E_AUDIT_CHAIN_BROKEN, &h) < 0)
		h = NULL;
	jvs_error_clear();
	free(p);
	return h;
}

/* audit.head names the newest record and the number of records when it was
 * written, so records dropped from the end are found.  The anchored record
 * must still be in the log, at its position or later: an append whose
 * process died after writing the record but before audit.head leaves the
 * count one behind, which is no damage.  anchor_at: the 1-based position of
 * the anchored record in the log, 0 when it is not there. */
static void check_head(const json_t *h, size_t records, size_t anchor_at, int *ok,
		       char *detail, size_t detail_len)
{
	json_int_t n = json_integer_value(json_object_get(h, "records"));
	if (n <= 0 && !records)
		return;
	if (!anchor_at || (json_int_t)anchor_at < n) {
		*ok = 0;
		snprintf(detail, detail_len,
			 "audit log holds %zu records but %lld were written: it was truncated "
			 "or rewritten",
			 records, (long long)n);
	}
}

static int walk_chain(const jvs_repo *repo, int *ok, char *detail, size_t detail_len);

/* The log and audit.head are read under the audit lock (shared; appenders
 * hold it exclusively for one write), so a concurrent append is never seen
 * half-done (log read, head not yet or already updated). Where the lock
 * cannot be taken at all (a read-only repository) nothing can append. */
int jvs_audit_verify(const jvs_repo *repo, int *ok, char *detail, size_t detail_len)
{
	jvs_lock *lock = NULL;
	int rc;
	if (jvs_lock_acquire(repo, "audit", JVS_LOCK_SHARED, 30, &lock) < 0)
		jvs_error_clear();
	rc = walk_chain(repo, ok, detail, detail_len);
	/* Then the very check mutating commands make before they change
	 * anything, so that whatever makes them refuse is reported here too (by
	 * verify --all and doctor), and healed by audit_repair. */
	if (rc == 0 && *ok && jvs_audit_precheck(repo) < 0) {
		*ok = 0;
		snprintf(detail, detail_len, "%s; mutating commands refuse until it is repaired",
			 jvs_error_last()->message);
		jvs_error_clear();
	}
	jvs_lock_release(lock);
	return rc;
}

static int walk_chain(const jvs_repo *repo, int *ok, char *detail, size_t detail_len)
{
	char *p = jvs_repo_path(repo, "audit/audit.jsonl"), *buf = NULL, *line, *save = NULL;
	char prev[JVS_HASH_HEX] = "", got[JVS_HASH_HEX];
	size_t len, lineno = 0, anchor_at = 0;
	json_t *head;
	const char *anchor;
	*ok = 1;
	detail[0] = '\0';
	if (!p)
		return -1;
	if (jvs_read_file(p, &buf, &len) < 0) {
		free(p);
		*ok = 0;
		snprintf(detail, detail_len, "audit log is missing or unreadable");
		jvs_error_clear();
		return 0;
	}
	head = load_head(repo);
	anchor = jvs_json_str(head, "record_hash");
	free(p);
	if (len > 0 && buf[len - 1] != '\n') {
		*ok = 0;
		snprintf(detail, detail_len, "audit log ends with a partial record");
	}
	for (line = strtok_r(buf, "\n", &save); line && *ok; line = strtok_r(NULL, "\n", &save)) {
		json_t *rec = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
		const char *rh = jvs_json_str(rec, "record_hash");
		json_t *ph = json_object_get(rec, "prev_hash");
		lineno++;
		if (!rec || !rh || !ph) {
			*ok = 0;
			snprintf(detail, detail_len, "audit record %zu is malformed", lineno);
		} else if ((prev[0] && (!json_is_string(ph) || strcmp(json_string_value(ph), prev))) ||
			   (!prev[0] && !json_is_null(ph))) {
			*ok = 0;
			snprintf(detail, detail_len, "audit record %zu does not chain to record %zu",
				 lineno, lineno - 1);
		} else if (jvs_audit_record_hash(rec, got) < 0 || strcmp(got, rh)) {
			*ok = 0;
			snprintf(detail, detail_len, "audit record %zu was altered (record_hash)",
				 lineno);
		} else {
			snprintf(prev, sizeof prev, "%s", rh);
			if (anchor && !strcmp(rh, anchor))
				anchor_at = lineno;
		}
		json_decref(rec);
	}
	free(buf);
	if (*ok && head)
		check_head(head, lineno, anchor_at, ok, detail, detail_len);
	json_decref(head);
	return 0;
}
