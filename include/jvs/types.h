/* Types shared by the public API: sizes of ids and names, the repository
 * handle, the progress callback, string vectors, checkout statistics. */
#ifndef JVS_TYPES_H
#define JVS_TYPES_H

#include <stddef.h>
#include <stdint.h>

#define JVS_FORMAT_VERSION 1
/* the newest format read: 2 once a compressed snapshot was made (jvs-format(5)) */
#define JVS_FORMAT_VERSION_READ 2

#define JVS_NAME_MAX 128 /* worktree names and tags */
#define JVS_ID_LEN 22	 /* snapshot id: 13 digits, '-', 8 hex */
#define JVS_ID_BUF 32
#define JVS_HASH_HEX 65	 /* BLAKE2b-256 as hex, with its NUL */
#define JVS_GC_PLAN_ID_BUF 24

/* Options structs: the first member is `unsigned version`; make every
 * one with its macro, e.g.
 *
 *	jvs_snapshot_opts o = JVS_SNAPSHOT_OPTS_INIT;
 *
 * and then set the members wanted. A struct whose version the library does
 * not know is refused (E_USAGE). */

/* An open repository (opaque): jvs_repo_open, jvs_repo_free. */
typedef struct jvs_repo jvs_repo;

/* The one progress convention: every operation that reports progress takes
 * an options struct with the members
 *
 *	jvs_progress_fn progress;	(NULL: no reports)
 *	void *progress_arg;		(passed back as `arg`)
 *
 * and calls progress as work is done. items are files (snapshot, verify),
 * entries (restore, worktree fork) or snapshots (gc run); a total of 0
 * means unknown. done <= total when the total is known. */
typedef void (*jvs_progress_fn)(void *arg, uint64_t bytes_done, uint64_t bytes_total,
				size_t items_done, size_t items_total);

/* Frees a vector of n malloc'd strings (lists returned by the library). */
void jvs_strv_free(char **v, size_t n);

/* What bringing a directory to a snapshot's tree did (restore, fork). */
typedef struct {
	size_t written;   /* entries created or replaced */
	size_t removed;   /* extra entries deleted */
	size_t unchanged; /* entries left as they were */
	uint64_t bytes_written;
	int touched;	 /* the directory may have been modified (0: failed before) */
	int meta_cached; /* the snapshot's owners, modes, mtimes came from the index */
} jvs_checkout_stats;

#endif
