/* Mount points inside a worktree: found from the kernel's mount table, so
 * no walk of the tree is needed (cost: one read of /proc/self/mountinfo). */
#include "jvs/mounts.h"
#include "jvs/error.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *w = s;
	for (const char *r = s; *r;) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

int jvs_mountinfo_each(int (*fn)(const jvs_mountinfo *m, void *arg), void *arg)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;
	if (!f)
		return -1;
	while (!rc && getline(&line, &cap, f) > 0) {
		/* id parent major:minor root mount-point options [optional...] - type source ... */
		char *fields[5] = {0}, *save = NULL, *tok, *dash = strstr(line, " - ");
		jvs_mountinfo m;
		int i = 0;
		if (!dash)
			continue;
		*dash = '\0';
		for (tok = strtok_r(line, " ", &save); tok && i < 5; tok = strtok_r(NULL, " ", &save))
			fields[i++] = tok;
		m.fstype = strtok_r(dash + 3, " \n", &save);
		if (i < 5 || !m.fstype || sscanf(fields[2], "%u:%u", &m.major, &m.minor) != 2)
			continue;
		unescape(fields[4]);
		m.mount_point = fields[4];
		rc = fn(&m, arg);
	}
	free(line);
	fclose(f);
	return rc;
}

typedef struct {
	const char *real; /* the directory, resolved */
	size_t n;
	int self;
	char *out;
	size_t outlen;
} find_ctx;

static int find_one(const jvs_mountinfo *m, void *arg)
{
	find_ctx *c = arg;
	const char *mp = m->mount_point;
	if ((c->self && !strcmp(mp, c->real) && c->n > 1) ||
	    (!strncmp(mp, c->real, c->n) && mp[c->n] == '/' && (c->n > 1 || mp[1])) ||
	    (c->n == 1 && mp[0] == '/' && mp[1])) { /* dir is "/": everything is below */
		snprintf(c->out, c->outlen, "%s", mp);
		return 1;
	}
	return 0;
}

static int mount_find(const char *dir, int self, char *out, size_t outlen)
{
	char real[PATH_MAX];
	size_t n;
	find_ctx c;
	if (!realpath(dir, real)) {
		if (errno == ENOENT)
			return 0; /* nothing there, nothing mounted below */
		return jvs_error_sys("cannot resolve '%s'", dir);
	}
	n = strlen(real);
	while (n > 1 && real[n - 1] == '/')
		real[--n] = '\0';
	c = (find_ctx){real, n, self, out, outlen};
	return jvs_mountinfo_each(find_one, &c) == 1;
}

int jvs_mount_below(const char *dir, char *out, size_t outlen)
{
	return mount_find(dir, 0, out, outlen);
}

int jvs_mount_within(const char *dir, char *out, size_t outlen)
{
	return mount_find(dir, 1, out, outlen);
}

int jvs_mount_refuse_delete(const char *dir)
{
	char mp[PATH_MAX];
	int rc = jvs_mount_within(dir, mp, sizeof mp);
	if (rc <= 0)
		return rc;
	jvs_error_set(JVS_E_UNSUPPORTED_FILE,
		      "'%s' holds a mounted file system at '%s'; JVS does not delete across "
		      "file-system boundaries",
		      dir, mp);
	return jvs_error_hint("unmount it (umount '%s'), then repair again", mp);
}

int jvs_mount_refuse(const char *dir, const char *worktree, const char *doing)
{
	char mp[PATH_MAX];
	int rc = jvs_mount_below(dir, mp, sizeof mp);
	if (rc <= 0)
		return rc;
	jvs_error_set(JVS_E_UNSUPPORTED_FILE,
		      "'%s' is a mount point inside worktree '%s' (another file system); %s "
		      "does not cross file-system boundaries",
		      mp, worktree, doing);
	return jvs_error_hint("unmount it (umount '%s'), or mount it outside the worktree and "
			      "link to it with a symlink",
			      mp);
}

int jvs_mount_same_fs(const char *stage, const char *dest, const char *doing)
{
	struct stat a, b;
	if (stat(stage, &a) < 0 || stat(dest, &b) < 0)
		return 0; /* a missing directory is made on the same file system */
	if (a.st_dev == b.st_dev)
		return 0;
	jvs_error_set(JVS_E_UNSUPPORTED_FILE,
		      "'%s' is on another file system than '%s'; %s builds there and moves "
		      "into place with a rename, which cannot cross file systems",
		      dest, stage, doing);
	return jvs_error_hint("unmount '%s' (or mount the whole repository there)", dest);
}
