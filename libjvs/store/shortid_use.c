/* Is a snapshot id's random part (its short id, SPEC §3) already used in
 * the repository? Asked when a new id is drawn. */
#include "jvs/error.h"
#include "error_int.h"
#include "name.h"
#include "layout.h"
#include "shortid_use.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Is some entry of DIR named ID-shaped with the random part of id? */
static int dir_has_random(const char *dir, const char *id, int *found)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return errno == ENOENT ? 0 : jvs_error_sys("cannot read '%s'", dir);
	while ((de = readdir(d)))
		if (strlen(de->d_name) >= JVS_ID_LEN && de->d_name[13] == '-' &&
		    !memcmp(de->d_name + 14, id + 14, JVS_ID_SHORT_LEN)) {
			*found = 1;
			break;
		}
	closedir(d);
	return 0;
}

/* Is the random part of id used in the directory of path (malloc'd)? */
static int parent_has_random(char *path, const char *id, int *in_use)
{
	char *slash = path ? strrchr(path, '/') : NULL;
	int rc = -1;
	if (slash) {
		*slash = '\0';
		rc = dir_has_random(path, id, in_use);
	}
	free(path);
	return rc;
}

int jvs_id_random_in_use(const jvs_repo *repo, const char *id, int *in_use)
{
	/* One listing, of descriptors/: every published snapshot has its
	 * descriptor there. A snapshot still being made in another worktree is
	 * not seen; its random part is the same with odds of 2^-32. */
	*in_use = 0;
	return parent_has_random(jvs_layout_descriptor(repo, id), id, in_use);
}
