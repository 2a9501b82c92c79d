/* Copying sparse files without filling their holes. */
#ifndef JVS_SPARSE_H
#define JVS_SPARSE_H

/* Copies regular file src into the empty file dst extent by extent, so the
 * holes of src stay holes in dst (which gets src's size). Returns 0 when
 * copied, 1 when src has no holes or the file system cannot report them
 * (nothing written: copy densely), -1 on error (set). File offsets of src
 * and dst are left alone. */
int jvs_sparse_copy(int src, int dst);

#endif
