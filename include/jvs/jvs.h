/* libjvs: the public API of JVS, versioned workspaces (doc/API.md).
 *
 *	#include <jvs/jvs.h>
 *	cc app.c $(pkg-config --cflags --libs jvs)
 *
 * Headers (each also usable alone; jvs.h includes them all):
 *	jvs/types.h	id and name sizes, jvs_repo, jvs_progress_fn, jvs_strv_free
 *	jvs/error.h	error classes, the last error, the return convention
 *	jvs/repo.h	jvs_repo_init, jvs_repo_open, the current worktree
 *	jvs/snapshot.h	descriptors, jvs_snapshot_create
 *	jvs/restore.h	jvs_restore, jvs_restore_paths
 *	jvs/worktree.h	worktree records; fork, create, rename, remove
 *	jvs/history.h	the catalogue (jvs_catalog), jvs_ref_resolve, jvs_history_list
 *	jvs/verify.h	jvs_verifier, jvs_verify_snapshot, the audit chain
 *	jvs/gc.h	retention policies, jvs_gc_plan_make, jvs_gc_run
 *	jvs/pin.h	pins that gc keeps
 *	jvs/doctor.h	health checks and repairs
 *
 * Conventions, the same in every header:
 *   - Handles are opaque (jvs_repo, jvs_catalog, jvs_verifier,
 *     jvs_verify_issues): made by a _open/_new function, released by its
 *     _free. Result structs (jvs_descriptor, jvs_history, jvs_restore_result,
 *     ...) are plain data the caller owns and releases with their _clear.
 *   - Failure: an int-returning function returns a negative -JVS_E_...
 *     code, the negated class of the last error, whose message and hint
 *     stay readable through jvs_error_last() (jvs/error.h); a function
 *     returning a pointer returns NULL with the last error set.
 *   - Options: a struct whose first member is `unsigned version`, made
 *     with its macro (jvs_snapshot_opts o = JVS_SNAPSHOT_OPTS_INIT;) and
 *     then filled in; a struct of an unknown version is E_USAGE.
 *   - Progress: one callback type, jvs_progress_fn, set as the members
 *     progress and progress_arg of the options of every operation that
 *     reports it (snapshot, restore, worktree fork, gc run, verify).
 *   - No database or JSON library type appears in these headers; libjvs is
 *     static (libjvs.a), so a program links its dependencies too, as
 *     `pkg-config --libs jvs` lists them.
 *   - The last error is per thread; the library is otherwise not meant to
 *     be used on one jvs_repo from several threads at once.
 */
#ifndef JVS_JVS_H
#define JVS_JVS_H

#include "jvs/types.h"
#include "jvs/error.h"
#include "jvs/repo.h"
#include "jvs/snapshot.h"
#include "jvs/restore.h"
#include "jvs/worktree.h"
#include "jvs/history.h"
#include "jvs/verify.h"
#include "jvs/gc.h"
#include "jvs/pin.h"
#include "jvs/doctor.h"

#endif
