/* What each doctor repair does, for jvs doctor --repair-list. */
#include "jvs/doctor.h"

static const jvs_doctor_repair_info repairs[] = {
    {"clean_intents", 1,
     "finishes or rolls back operations that crashed (snapshot, restore, worktree fork, "
     "create, rename, remove) from their intents in .jvs/intents/, and removes intents "
     "that name nothing JVS can resume (unknown operations, missing fields, unreadable "
     "JSON, entries that are not regular files)"},
    {"resume_gc", 0,
     "finishes an interrupted or failed gc run of its reviewed plan: deletes the rest of "
     "that plan's snapshots, nothing else"},
    {"clean_tmp", 1,
     "removes leftovers of interrupted writes (*.tmp files, .jvs/tmp/, .jvs-tmp-* at the "
     "repository root, lock entries that are not files), creates missing control "
     "directories, and moves orphaned snapshot files to .jvs/quarantine/ (never deletes "
     "them)"},
    {"rebuild_index", 1, "deletes the cache .jvs/index.sqlite and builds it afresh"},
    {"advance_head", 0,
     "moves a worktree's head and latest to the newest snapshot it made when a crash "
     "left them behind it"},
    {"audit_repair", 0,
     "keeps the valid prefix of a broken audit log, preserves the whole log beside it as "
     "audit.jsonl.broken-TIME, and records the repair as a new link of the chain"},
};

const jvs_doctor_repair_info *jvs_doctor_repairs(size_t *n)
{
	*n = sizeof repairs / sizeof *repairs;
	return repairs;
}
