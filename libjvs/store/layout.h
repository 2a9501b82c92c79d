/* The repository layout below .jvs/ (jvs-format(5), Layout): one function
 * per kind of file, so that no other module spells a layout path. Each
 * returns a malloc'd absolute path (NULL with E_INTERNAL on OOM). */
#ifndef JVS_LAYOUT_H
#define JVS_LAYOUT_H

#include "repo.h"

/* A snapshot: its payload, READY marker, manifest and descriptor, and the
 * temporary names they are written under before the publish renames. */
char *jvs_layout_payload(const jvs_repo *repo, const char *id);      /* snapshots/ID */
char *jvs_layout_payload_tmp(const jvs_repo *repo, const char *id);  /* snapshots/ID.tmp */
char *jvs_layout_ready(const jvs_repo *repo, const char *id);        /* snapshots/ID.READY */
char *jvs_layout_manifest(const jvs_repo *repo, const char *id);     /* manifests/ID */
char *jvs_layout_manifest_tmp(const jvs_repo *repo, const char *id); /* manifests/ID.tmp */
char *jvs_layout_descriptor(const jvs_repo *repo, const char *id);   /* descriptors/ID.json */
char *jvs_layout_descriptor_tmp(const jvs_repo *repo, const char *id);

/* GC, intents, worktree records and locks. */
char *jvs_layout_tombstone(const jvs_repo *repo, const char *id); /* gc/tombstones/ID.json */
char *jvs_layout_pin(const jvs_repo *repo, const char *pin_id);   /* gc/pins/PIN.json */
char *jvs_layout_plan(const jvs_repo *repo, const char *plan_id); /* gc/plans/PLAN.json */
char *jvs_layout_intent(const jvs_repo *repo, const char *name);  /* intents/NAME.json */
char *jvs_layout_worktree(const jvs_repo *repo, const char *name); /* worktrees/NAME */
char *jvs_layout_worktree_config(const jvs_repo *repo, const char *name);
char *jvs_layout_lock(const jvs_repo *repo, const char *name); /* locks/NAME.lock */

#endif
