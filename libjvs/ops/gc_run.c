/* GC execution: re-derive, mark tombstones (phase A), delete (phase B). */
#include "gc_internal.h"
#include "layout.h"
#include "jvs/audit.h"
#include "jvs/error.h"
#include "jvs/fault.h"
#include "jvs/fsutil.h"
#include "jvs/intent.h"
#include "jvs/json.h"
#include "jvs/lock.h"
#include "jvs/worktree.h"
#include "jvs/safepath.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void jvs_gc_result_clear(jvs_gc_result *r)
{
	jvs_strv_free(r->deleted, r->ndeleted);
	memset(r, 0, sizeof *r);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const jvs_gc_entry *)a)->snapshot_id,
	              ((const jvs_gc_entry *)b)->snapshot_id);
}

static const jvs_gc_entry *find_entry(const jvs_gc_entry *v, size_t n, const char *id)
{
	jvs_gc_entry key;
	if (!n) /* bsearch(NULL, 0) is undefined */
		return NULL;
	memset(&key, 0, sizeof key);
	snprintf(key.snapshot_id, sizeof key.snapshot_id, "%s", id);
	return bsearch(&key, v, n, sizeof *v, cmp_entry);
}

static void describe_why(unsigned why, char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	for (int b = 0; b < JVS_GC_WHY__COUNT && used < len; b++)
		if (why & (1u << b))
			used += (size_t)snprintf(out + used, len - used, "%s%s", used ? ", " : "",
			                         jvs_gc_why_name(1u << b));
}

/* 1 when the snapshot was already (partly) deleted by this plan. */
static int done_by_plan(const jvs_repo *repo, const char *id, const char *plan_id)
{
	jvs_tombstone t;
	int yes;
	if (jvs_tombstone_load(repo, id, &t) < 0) {
		jvs_error_clear();
		return 0;
	}
	yes = !strcmp(t.plan_id, plan_id);
	jvs_tombstone_clear(&t);
	return yes;
}

/* The plan still holds when every candidate it names is still one (or
 * already went, by this plan) and nothing else became one. */
static int check_plan(const jvs_repo *repo, const jvs_catalog *cat, const jvs_gc_plan *plan,
                      const jvs_gc_plan *cur)
{
	char first[512] = "", why[256];
	size_t diffs = 0;
	for (size_t i = 0; i < plan->ncandidates; i++) {
		const char *id = plan->candidates[i].snapshot_id;
		if (jvs_catalog_get(cat, id)) {
			const jvs_gc_entry *k;
			if (find_entry(cur->candidates, cur->ncandidates, id))
				continue;
			if (!diffs++) {
				k = find_entry(cur->kept, cur->nkept, id);
				describe_why(k ? k->why : 0, why, sizeof why);
				snprintf(first, sizeof first, "%s is now kept (%s)", id, why);
			}
		} else if (!done_by_plan(repo, id, plan->plan_id) && !diffs++) {
			snprintf(first, sizeof first, "%s no longer exists", id);
		}
	}
	for (size_t i = 0; i < cur->ncandidates; i++)
		if (!find_entry(plan->candidates, plan->ncandidates,
		                cur->candidates[i].snapshot_id) &&
		    !diffs++)
			snprintf(first, sizeof first, "%s is now a candidate",
			         cur->candidates[i].snapshot_id);
	if (!diffs)
		return 0;
	jvs_error_set(JVS_E_GC_PLAN_MISMATCH,
	              "plan %s no longer matches the repository: %s%s; nothing was deleted",
	              plan->plan_id, first, diffs > 1 ? " (and more)" : "");
	return jvs_error_hint("run 'jvs gc plan' again, review it, and run the new plan");
}

static int remove_file(const char *path)
{
	if (jvs_safe_unlink(path, 0) < 0 && errno != ENOENT)
		return jvs_error_sys("cannot remove '%s'", path);
	return jvs_fsync_parent(path);
}

/* Descriptor first: from then on the snapshot is invisible. */
static int delete_snapshot(const jvs_repo *repo, const char *id)
{
	char *desc = jvs_layout_descriptor(repo, id);
	char *ready = jvs_layout_ready(repo, id);
	char *man = jvs_layout_manifest(repo, id);
	char *payload = jvs_layout_payload(repo, id);
	int rc = -1;
	if (!desc || !ready || !man || !payload)
		goto done;
	if (remove_file(desc) < 0)
		goto done;
	jvs_fault_point("gc-after-descriptor-delete");
	if (remove_file(ready) < 0 || remove_file(man) < 0)
		goto done;
	if (jvs_rm_rf(payload) < 0 || jvs_fsync_parent(payload) < 0)
		goto done;
	jvs_fault_point("gc-after-payload-delete");
	rc = 0;
done:
	free(desc);
	free(ready);
	free(man);
	free(payload);
	return rc;
}

static int push_id(jvs_gc_result *r, const char *id)
{
	char **nv = realloc(r->deleted, (r->ndeleted + 1) * sizeof *nv);
	if (!nv)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	r->deleted = nv;
	if (!(nv[r->ndeleted] = strdup(id)))
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	r->ndeleted++;
	return 0;
}

static int mark_failed(const jvs_repo *repo, jvs_tombstone *t)
{
	jvs_error saved = jvs_error_save();
	snprintf(t->state, sizeof t->state, "failed");
	free(t->error);
	t->error = strdup(saved.message);
	jvs_tombstone_save(repo, t);
	jvs_error_set(saved.cls, "cannot delete snapshot %s: %s", t->snapshot_id, saved.message);
	return jvs_error_hint("fix the cause, then run 'jvs gc run --plan-id %s' again to continue",
	                      t->plan_id);
}

static int phase_a(const jvs_repo *repo, const jvs_catalog *cat, const jvs_gc_plan *plan)
{
	for (size_t i = 0; i < plan->ncandidates; i++) {
		const jvs_descriptor *d = jvs_catalog_get(cat, plan->candidates[i].snapshot_id);
		jvs_tombstone t;
		int rc;
		if (!d)
			continue; /* already marked by the interrupted run */
		if (jvs_tombstone_from_descriptor(d, plan->plan_id, &t) < 0)
			return -1;
		rc = jvs_tombstone_save(repo, &t);
		jvs_tombstone_clear(&t);
		if (rc < 0)
			return -1;
		jvs_fault_point("gc-after-mark");
	}
	return 0;
}

static int phase_b(const jvs_repo *repo, const jvs_catalog *cat, const jvs_gc_plan *plan,
                   jvs_gc_result *out, jvs_gc_progress fn, void *arg)
{
	uint64_t bytes_total = 0, bytes_done = 0;
	for (size_t i = 0; fn && i < plan->ncandidates; i++) {
		const jvs_descriptor *d = jvs_catalog_get(cat, plan->candidates[i].snapshot_id);
		if (d && d->total_bytes > 0)
			bytes_total += (uint64_t)d->total_bytes;
	}
	for (size_t i = 0; i < plan->ncandidates; i++) {
		const char *id = plan->candidates[i].snapshot_id;
		const jvs_descriptor *pd = jvs_catalog_get(cat, id);
		jvs_tombstone t;
		if (fn) {
			if (pd && pd->total_bytes > 0)
				bytes_done += (uint64_t)pd->total_bytes;
			fn(arg, bytes_done, bytes_total, i + 1, plan->ncandidates);
		}
		if (jvs_tombstone_load(repo, id, &t) < 0)
			return -1;
		if (!strcmp(t.state, "deleted") && !jvs_catalog_get(cat, id)) {
			out->already_deleted++;
			jvs_tombstone_clear(&t);
			continue;
		}
		if (delete_snapshot(repo, id) < 0) {
			mark_failed(repo, &t);
			jvs_tombstone_clear(&t);
			return -1;
		}
		snprintf(t.state, sizeof t.state, "deleted");
		jvs_format_time_ms(jvs_now_ms(), t.deleted_at);
		free(t.error);
		t.error = NULL;
		if (jvs_tombstone_save(repo, &t) < 0 || push_id(out, id) < 0) {
			jvs_tombstone_clear(&t);
			return -1;
		}
		jvs_tombstone_clear(&t);
	}
	return 0;
}

/* Over every plan candidate whose payload is still there, so that a
 * resumed run counts the ones an interrupted run left half-deleted. */
static int count_bytes(const jvs_repo *repo, const jvs_gc_plan *plan, uint64_t *out)
{
	char **ids = calloc(plan->ncandidates + 1, sizeof *ids);
	int rc;
	if (!ids)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	for (size_t i = 0; i < plan->ncandidates; i++)
		ids[i] = (char *)plan->candidates[i].snapshot_id;
	rc = jvs_gc__bytes(repo, ids, plan->ncandidates, out);
	free(ids);
	return rc;
}

static int audit_run(const jvs_repo *repo, const jvs_gc_plan *plan, const jvs_gc_result *r)
{
	json_t *ids = json_array(), *det;
	for (size_t i = 0; ids && i < r->ndeleted; i++)
		json_array_append_new(ids, json_string(r->deleted[i]));
	det = json_pack("{s:s, s:o, s:o, s:I, s:I}", "plan_id", plan->plan_id, "policy",
	                jvs_gc_policy_to_json(&plan->policy), "deleted", ids, "already_deleted",
	                (json_int_t)r->already_deleted, "bytes_freed", (json_int_t)r->bytes_freed);
	if (!det)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	return jvs_audit_append(repo, "gc_run", plan->plan_id, det, NULL);
}

/* A stale plan whose earlier run was interrupted: the snapshots that run
 * made invisible are finished (nothing can refer to them any more), the
 * marks on the others are dropped, and the run's intent goes, so that the
 * repository is left as if the run had stopped cleanly. The mismatch error
 * stays the last error. */
static void abandon_plan(const jvs_repo *repo, const jvs_catalog *cat, const jvs_gc_plan *plan,
                         jvs_gc_result *out)
{
	jvs_error saved = jvs_error_save();
	char intent_name[64];
	for (size_t i = 0; i < plan->ncandidates; i++) {
		const char *id = plan->candidates[i].snapshot_id;
		jvs_tombstone t;
		if (jvs_tombstone_load(repo, id, &t) < 0)
			continue;
		if (strcmp(t.plan_id, plan->plan_id) || !strcmp(t.state, "deleted")) {
			jvs_tombstone_clear(&t);
			continue;
		}
		if (jvs_catalog_get(cat, id)) {
			char *p = jvs_layout_tombstone(repo, id);
			if (p)
				jvs_safe_unlink(p, 0);
			free(p);
		} else if (delete_snapshot(repo, id) == 0) {
			snprintf(t.state, sizeof t.state, "deleted");
			jvs_format_time_ms(jvs_now_ms(), t.deleted_at);
			if (jvs_tombstone_save(repo, &t) == 0)
				push_id(out, id);
		} else {
			mark_failed(repo, &t);
		}
		jvs_tombstone_clear(&t);
	}
	snprintf(intent_name, sizeof intent_name, "gc-%s", plan->plan_id);
	jvs_intent_remove(repo, intent_name);
	if (out->ndeleted)
		audit_run(repo, plan, out);
	jvs_error_restore(&saved);
	if (out->ndeleted) { /* the same error, saying what was finished */
		jvs_error_set(saved.cls,
		              "%s (but %zu snapshot%s an interrupted run of it had "
		              "half deleted %s been finished)",
		              saved.message, out->ndeleted, out->ndeleted == 1 ? "" : "s",
		              out->ndeleted == 1 ? "has" : "have");
		if (saved.hint[0])
			jvs_error_hint("%s", saved.hint);
	}
}

int jvs_gc_run(const jvs_repo *repo, const char *plan_id, int wait_seconds, jvs_gc_result *out)
{
	return jvs_gc_run_progress(repo, plan_id, wait_seconds, out, NULL, NULL);
}

int jvs_gc_run_progress(const jvs_repo *repo, const char *plan_id, int wait_seconds,
                        jvs_gc_result *out, jvs_gc_progress fn, void *arg)
{
	char id[64], intent_name[64];
	size_t len;
	jvs_lock *lock = NULL;
	jvs_gc_plan plan = {0}, cur = {0};
	jvs_catalog cat = {0};
	json_t *intent = NULL;
	int rc = -1, have_cat = 0, have_intent = 0;

	memset(out, 0, sizeof *out);
	while (plan_id && isspace((unsigned char)*plan_id))
		plan_id++;
	len = plan_id ? strlen(plan_id) : 0;
	while (len && isspace((unsigned char)plan_id[len - 1]))
		len--;
	if (!len || len >= sizeof id)
		return jvs_error_set(JVS_E_USAGE, "'%.*s' is not a plan id", (int)len,
		                     plan_id ? plan_id : "");
	memcpy(id, plan_id, len);
	id[len] = '\0';

	if (jvs_lock_repo(repo, JVS_LOCK_EXCLUSIVE, wait_seconds, &lock) < 0)
		return -1;
	if (jvs_gc_plan_load(repo, id, &plan) < 0)
		goto done;
	if (plan.ncandidates) /* qsort(NULL, 0) is undefined */
		qsort(plan.candidates, plan.ncandidates, sizeof *plan.candidates, cmp_entry);
	snprintf(out->plan_id, sizeof out->plan_id, "%s", plan.plan_id);
	if (jvs_catalog_load(repo, &cat) < 0)
		goto done;
	have_cat = 1;
	if (jvs_gc__compute(repo, &cat, &plan.policy, jvs_now_ms(), &cur) < 0)
		goto done;
	if (check_plan(repo, &cat, &plan, &cur) < 0) {
		abandon_plan(repo, &cat, &plan, out);
		goto done;
	}
	if (count_bytes(repo, &plan, &out->bytes_freed) < 0)
		goto done;

	snprintf(intent_name, sizeof intent_name, "gc-%s", plan.plan_id);
	intent = json_pack("{s:s, s:s, s:I, s:s}", "operation", "gc", "plan_id", plan.plan_id,
	                   "pid", (json_int_t)getpid(), "started_at", cur.created_at);
	if (!intent || jvs_intent_write(repo, intent_name, intent) < 0)
		goto done;
	have_intent = 1;
	if (phase_a(repo, &cat, &plan) < 0 || phase_b(repo, &cat, &plan, out, fn, arg) < 0)
		goto done;
	if (jvs_intent_remove(repo, intent_name) < 0)
		goto done;
	have_intent = 0;
	if (audit_run(repo, &plan, out) < 0)
		goto done;
	rc = 0;
done:
	if (have_intent) {
		jvs_error saved = jvs_error_save();
		jvs_intent_remove(repo, intent_name);
		jvs_error_restore(&saved);
	}
	json_decref(intent);
	if (have_cat)
		jvs_catalog_clear(&cat);
	jvs_gc_plan_clear(&cur);
	jvs_gc_plan_clear(&plan);
	jvs_lock_release(lock);
	return rc;
}
