/* Library-internal: the owner, mode, mtime and ctime of every entry of a snapshot
 * made by a tree clone, kept in .jvs/index.sqlite so that a restore need
 * not stat the snapshot's inodes (on FUSE each stat is a round trip).
 * A cache only: missing, short or disagreeing with the manifest, and the
 * restore stats the payload as before. */
#ifndef JVS_SNAPMETA_H
#define JVS_SNAPMETA_H

#include <stddef.h>

#include "index.h"
#include "manifest.h"
#include "scan.h"
#include "scan_int.h"

/* Records scan (the payload, in manifest order) for snapshot id. Errors
 * are swallowed: a lost record costs stats later. */
void jvs_snapmeta_save(jvs_index *idx, const char *id, const jvs_scan *scan);
/* The same from per-entry records meta[0..n) (manifest order; ok unused);
 * their ctimes are kept only when every one is known (non-zero). */
void jvs_snapmeta_save_meta(jvs_index *idx, const char *id, const jvs_stat_meta *meta,
			    size_t n);
/* Fills out[0..n) (ok = 1) when a record of exactly n entries exists;
 * returns 1 then, else 0 (out untouched, or zeroed after a read cut
 * short). Records made before ctimes were kept, and those of copies (whose
 * ctimes are not known), give ctime_ns 0. The record is read a chunk at a
 * time, never held whole. */
int jvs_snapmeta_load(jvs_index *idx, const char *id, size_t n, jvs_stat_meta *out);
/* jvs_snapmeta_load of snapshot id, believed only when every record
 * agrees with manifest m (same count, each entry's type, and mode for all
 * but symlinks); returns 1 then, else 0 with out[0..m->n) zeroed. Owners
 * the manifest does not hold: a caller that would act on a recorded owner
 * that differs from what it sees asks the payload itself. */
int jvs_snapmeta_load_checked(jvs_index *idx, const char *id, const jvs_manifest *m,
			      jvs_stat_meta *out);
/* 1 when snapshot id has a record of n entries with their ctimes. */
int jvs_snapmeta_has_ctimes(jvs_index *idx, const char *id, size_t n);

#endif
