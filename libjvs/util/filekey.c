/* The stat key of a file (see filekey.h). */
#include "filekey.h"

#include <stdint.h>

void jvs_filekey_from_stat(const struct stat *st, jvs_filekey *k)
{
	k->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
	k->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
	k->size = st->st_size;
	k->dev = st->st_dev;
	k->ino = st->st_ino;
	k->mode = st->st_mode;
	k->uid = st->st_uid;
	k->gid = st->st_gid;
	k->nlink = st->st_nlink > UINT32_MAX ? UINT32_MAX : (uint32_t)st->st_nlink;
}

int jvs_filekey_equal(const jvs_filekey *a, const jvs_filekey *b)
{
	return a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns && a->size == b->size &&
	       a->dev == b->dev && a->ino == b->ino && a->mode == b->mode;
}
