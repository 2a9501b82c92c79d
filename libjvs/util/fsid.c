#include "fsid.h"
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

typedef struct {
	uint64_t dev;
	char *mnt, *fstype;
	size_t mlen, flen;
	int found;
} dev_ctx;

static int dev_one(const jvs_mountinfo *m, void *arg)
{
	dev_ctx *c = arg;
	if (makedev(m->major, m->minor) != (dev_t)c->dev)
		return 0;
	snprintf(c->mnt, c->mlen, "%s", m->mount_point);
	snprintf(c->fstype, c->flen, "%s", m->fstype);
	c->found = 0; /* the last one listed wins when stacked */
	return 0;
}

int jvs_mount_of_dev(uint64_t dev, char *mnt, size_t mlen, char *fstype, size_t flen)
{
	dev_ctx c = {dev, mnt, fstype, mlen, flen, -1};
	if (jvs_mountinfo_each(dev_one, &c) < 0)
		return -1;
	return c.found;
}

json_t *jvs_juicefs_config(const char *mnt)
{
	char path[4096], buf[65536];
	json_error_t err;
	struct stat st;
	size_t have = 0;
	ssize_t n = 0;
	int fd;
	snprintf(path, sizeof path, "%s/.config", mnt);
	/* the virtual file exists only at the root of a JuiceFS mount, and only
	 * root may read it; a user file of that name in a subdir mount is not
	 * at the mount root, so it cannot be met here */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	while (have < sizeof buf && (n = read(fd, buf + have, sizeof buf - have)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		have += (size_t)n;
	}
	close(fd);
	return n < 0 ? NULL : json_loadb(buf, have, JSON_DISABLE_EOF_CHECK, &err);
}

int jvs_juicefs_volume_uuid(const char *mnt, char *uuid, size_t len)
{
	json_t *root = jvs_juicefs_config(mnt);
	const char *u;
	int rc = -1;
	if (!root)
		return -1;
	u = json_string_value(json_object_get(json_object_get(root, "Format"), "UUID"));
	if (u && *u && strlen(u) < len && strlen(u) < 64) {
		snprintf(uuid, len, "%s", u);
		rc = 0;
	}
	json_decref(root);
	return rc;
}

/* FNV-1a, 64 bits: the identity only has to tell volumes apart. */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

#define NMEMO 8
static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	uint64_t dev, id;
} memo[NMEMO];
static size_t nmemo;

uint64_t jvs_fsid_of_dev(uint64_t dev)
{
	char mnt[4096], fstype[64], uuid[64];
	uint64_t id = dev;
	pthread_mutex_lock(&memo_lock);
	for (size_t i = 0; i < nmemo; i++)
		if (memo[i].dev == dev) {
			id = memo[i].id;
			pthread_mutex_unlock(&memo_lock);
			return id;
		}
	pthread_mutex_unlock(&memo_lock);
	if (jvs_mount_of_dev(dev, mnt, sizeof mnt, fstype, sizeof fstype) == 0 &&
	    !strcmp(fstype, "fuse.juicefs") &&
	    jvs_juicefs_volume_uuid(mnt, uuid, sizeof uuid) == 0)
		id = fnv1a(uuid) | (1ULL << 63);
	pthread_mutex_lock(&memo_lock);
	if (nmemo < NMEMO) {
		memo[nmemo].dev = dev;
		memo[nmemo].id = id;
		nmemo++;
	}
	pthread_mutex_unlock(&memo_lock);
	return id;
}
