/* Walks a payload tree into a path-sorted list of entries with stat keys. */
#ifndef JVS_SCAN_H
#define JVS_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "arena.h"
#include "manifest.h"
#include "filekey.h" /* jvs_filekey */

/* Path first, the small fields last: 72 bytes an entry on LP64, not 80
 * (8 MB less for each scan of a million entries). */
typedef struct {
	char *path;
	jvs_filekey key;
	jvs_entry_type type;
	unsigned char ignored; /* matched an ignore rule (JVS_SCAN_KEEP_IGNORED) */
} jvs_scan_entry;

typedef struct jvs_scan_s {
	jvs_scan_entry *e;
	size_t n, cap;
	jvs_arena paths; /* e[i].path live here */
	size_t ignored;	 /* entries an ignore rule left out (an excluded directory: 1) */
	struct jvs_ignore *ig; /* during jvs_scan_worktree */
	int keep_ignored;
	char *const *only; /* jvs_scan_worktree_paths: the paths walked */
	size_t nonly;
	/* jvs_scan_tree_check: entries are compared with this sorted scan as
	 * they are met and not kept (matched: found equal, differs: not). */
	const struct jvs_scan_s *against;
	size_t matched, differs;
	jvs_scan_entry *fill; /* jvs_scan_tree_keyed: entries met, at against's indexes */
} jvs_scan;

/* Every entry under root (root itself excluded), sorted by path bytes.
 * Sockets, FIFOs and devices: E_UNSUPPORTED_FILE naming the path. */
int jvs_scan_tree(const char *root, jvs_scan *out);
/* special != 0: sockets, FIFOs and devices are listed too, as JVS_ENT_FILE
 * entries whose key.mode is not S_ISREG (for callers that remove them). */
int jvs_scan_tree_special(const char *root, int special, jvs_scan *out);
/* A worktree: entries matched by its ignore rules (.jvsignore files,
 * CACHEDIR.TAG, the repository's .jvs/ignore; see jvs/ignore.h) are left
 * out and counted in out->ignored, and an ignored directory is not entered.
 * JVS_SCAN_SPECIAL as above; JVS_SCAN_KEEP_IGNORED lists ignored entries
 * too, with .ignored set (their contents still unvisited). */
#define JVS_SCAN_SPECIAL 1
#define JVS_SCAN_KEEP_IGNORED 2
/* Walks root as jvs_scan_tree does, keeping nothing: *same is 1 when it
 * holds exactly against's entries (same paths, types and stat keys). For
 * the check that a tree did not change, without a second list in memory. */
int jvs_scan_tree_check(const char *root, const jvs_scan *against, int *same);
/* Walks root, a tree expected to hold exactly against's paths (a clone of
 * it): out gets against->n entries in against's order, each this tree's
 * type and stat key under against's path (borrowed: against must outlive
 * out), with no path strings and no sort of its own. *all is 1 when every
 * path of against was met and no other; else 0 and out is empty. */
int jvs_scan_tree_keyed(const char *root, const jvs_scan *against, jvs_scan *out, int *all);
/* 1 when clone (from jvs_scan_tree_keyed of a clone of w) has each of
 * w's entries with w's type, size, mode, owner, mtime and ctime (device
 * and inode aside). A clone that copies each file whole with its
 * attributes (JuiceFS's, btrfs's) can only match so if nothing it copied
 * changed after w was walked: any write, chmod, chown, rename or link
 * since moves the ctime, and the clone took the moved one. */
int jvs_scan_clone_matches(const jvs_scan *w, const jvs_scan *clone);
struct jvs_repo;
int jvs_scan_worktree(const struct jvs_repo *repo, const char *root, int flags, jvs_scan *out);
/* jvs_scan_worktree walking only paths (sorted, none inside another; see
 * jvs/paths.h) and the directories above them: the same entries as
 * jvs_scan_worktree keeping only those (jvs_paths_covers), the rest of the
 * worktree never visited (out->ignored counts what was walked). */
int jvs_scan_worktree_paths(const struct jvs_repo *repo, const char *root, int flags,
			    char *const *paths, size_t npaths, jvs_scan *out);
void jvs_scan_clear(jvs_scan *s);

#endif
