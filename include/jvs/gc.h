/* Retention policies and two-phase garbage collection (SPEC §9). */
#ifndef JVS_GC_H
#define JVS_GC_H

#include <stddef.h>
#include <stdint.h>

#include "jvs/types.h"

/* Why a snapshot is kept: a bit set. */
enum {
	JVS_GC_WHY_HEAD = 1u << 0,    /* a worktree's head */
	JVS_GC_WHY_LATEST = 1u << 1,  /* a worktree's latest */
	JVS_GC_WHY_PIN = 1u << 2,     /* an unexpired pin */
	JVS_GC_WHY_INTENT = 1u << 3,  /* named by an in-flight operation */
	JVS_GC_WHY_LINEAGE = 1u << 4, /* default policy: ancestor of a kept one */
	JVS_GC_WHY_TAGGED = 1u << 5,  /* default policy or --keep-tagged */
	JVS_GC_WHY_RECENT = 1u << 6,  /* default policy: younger than 24 hours */
	JVS_GC_WHY_LAST = 1u << 7,
	JVS_GC_WHY_HOURLY = 1u << 8,
	JVS_GC_WHY_DAILY = 1u << 9,
	JVS_GC_WHY_WEEKLY = 1u << 10,
	JVS_GC_WHY_MONTHLY = 1u << 11,
	JVS_GC_WHY_YEARLY = 1u << 12,
	JVS_GC_WHY_WITHIN = 1u << 13,
	JVS_GC_WHY_TAG = 1u << 14, /* --keep-tag */
	JVS_GC_WHY__COUNT = 15
};
/* "head", "latest", "pin", "intent", "lineage", "tagged", "recent", "last",
 * "hourly", "daily", "weekly", "monthly", "yearly", "within", "tag". */
const char *jvs_gc_why_name(unsigned bit);

/* A retention policy. All zero / empty: the conservative default. */
typedef struct {
	int keep_last, keep_hourly, keep_daily, keep_weekly, keep_monthly, keep_yearly;
	char keep_within[32]; /* duration text, "" for none */
	char **keep_tags;     /* sorted, unique */
	size_t nkeep_tags;
	int keep_tagged;
	char name[JVS_NAME_MAX + 1]; /* the --policy NAME it came from, or "" */
} jvs_gc_policy;

void jvs_gc_policy_clear(jvs_gc_policy *p);
int jvs_gc_policy_is_default(const jvs_gc_policy *p);
int jvs_gc_policy_add_tag(jvs_gc_policy *p, const char *tag);
/* Validates and stores --keep-within. */
int jvs_gc_policy_set_within(jvs_gc_policy *p, const char *duration);
/* Fills the fields p leaves unset from "gc_policies": {NAME: {...}} in
 * .jvs/config.json (tags are merged). Unknown NAME: E_NOT_FOUND. */
int jvs_gc_policy_load_named(const jvs_repo *repo, const char *name, jvs_gc_policy *p);
/* "--keep-daily 7 --keep-tagged", or "default". malloc'd. */
char *jvs_gc_policy_describe(const jvs_gc_policy *p);

typedef struct {
	char snapshot_id[JVS_ID_BUF];
	char created_at[32];
	char worktree_name[JVS_NAME_MAX + 1];
	char *note;
	unsigned why; /* JVS_GC_WHY_* bits; 0 for a candidate */
} jvs_gc_entry;

typedef struct {
	char plan_id[JVS_GC_PLAN_ID_BUF];
	char created_at[32];
	jvs_gc_policy policy;
	jvs_gc_entry *candidates; /* oldest first */
	size_t ncandidates;
	jvs_gc_entry *kept; /* oldest first; empty for a loaded plan */
	size_t nkept;
	size_t protected_by_pin, protected_by_lineage, protected_by_retention;
	uint64_t deletable_bytes; /* blocks of inodes only candidates link to */
} jvs_gc_plan;

/* Computes the plan for policy over the current state ("now" is
 * the clock, or JVS_TEST_NOW_MS in tests) and saves it as
 * .jvs/gc/plans/<plan_id>.json. Read-only otherwise; takes no lock. */
int jvs_gc_plan_make(const jvs_repo *repo, const jvs_gc_policy *policy, jvs_gc_plan *out);
/* Loads a saved plan (candidates carry ids only). E_NOT_FOUND. */
int jvs_gc_plan_load(const jvs_repo *repo, const char *plan_id, jvs_gc_plan *out);
void jvs_gc_plan_clear(jvs_gc_plan *plan);

typedef struct {
	char plan_id[JVS_GC_PLAN_ID_BUF];
	char **deleted; /* ids deleted by this run, oldest first */
	size_t ndeleted;
	size_t already_deleted; /* done by an earlier, interrupted run */
	uint64_t bytes_freed;   /* estimate computed before deleting */
} jvs_gc_result;

#define JVS_GC_RUN_OPTS_VERSION 1
typedef struct {
	unsigned version;	  /* JVS_GC_RUN_OPTS_VERSION */
	int wait_seconds;	  /* lock wait: 0 none, <0 forever */
	/* may be NULL; called as each snapshot is deleted (items are
	 * snapshots, bytes from their descriptors) */
	jvs_progress_fn progress;
	void *progress_arg;
} jvs_gc_run_opts;
#define JVS_GC_RUN_OPTS_INIT { .version = JVS_GC_RUN_OPTS_VERSION }

/* Runs a saved plan (blanks around plan_id ignored) under the exclusive
 * repo lock: re-derives the candidates (any difference: E_GC_PLAN_MISMATCH,
 * nothing deleted), marks a tombstone per candidate, then deletes each
 * (descriptor, READY, manifest, payload). A failure marks that tombstone
 * "failed" and stops; running the same plan again continues. opts may be
 * NULL. */
int jvs_gc_run(const jvs_repo *repo, const char *plan_id, const jvs_gc_run_opts *opts,
	       jvs_gc_result *out);
void jvs_gc_result_clear(jvs_gc_result *r);

#endif
