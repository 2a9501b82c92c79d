#include "jvs/engine.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

const char *jvs_engine_name(jvs_engine_kind kind)
{
	switch (kind) {
	case JVS_ENGINE_REFLINK:
		return "reflink-copy";
	case JVS_ENGINE_JUICEFS:
		return "juicefs-clone";
	default:
		return "copy";
	}
}

/* Tries FICLONE between two scratch files in .jvs/tmp. */
static int reflink_works(const jvs_repo *repo)
{
	char *a = jvs_repo_pathf(repo, "tmp/.probe-%ld-a", (long)getpid());
	char *b = jvs_repo_pathf(repo, "tmp/.probe-%ld-b", (long)getpid());
	int fa = -1, fb = -1, ok = 0;
	if (!a || !b)
		goto done;
	fa = open(a, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	fb = open(b, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fa < 0 || fb < 0)
		goto done;
	if (write(fa, "jvs", 3) != 3)
		goto done;
	ok = ioctl(fb, FICLONE, fa) == 0;
done:
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	if (a)
		unlink(a);
	if (b)
		unlink(b);
	free(a);
	free(b);
	jvs_error_clear();
	return ok;
}

int jvs_engine_detect(const jvs_repo *repo, jvs_engine *out)
{
	const char *want = getenv("JVS_SNAPSHOT_ENGINE");
	memset(out, 0, sizeof *out);
	if (want && *want) {
		if (!strcmp(want, "copy")) {
			out->kind = JVS_ENGINE_COPY;
			snprintf(out->why, sizeof out->why, "requested by JVS_SNAPSHOT_ENGINE");
			return 0;
		}
		if (!strcmp(want, "reflink-copy")) {
			if (reflink_works(repo)) {
				out->kind = JVS_ENGINE_REFLINK;
				snprintf(out->why, sizeof out->why,
					 "requested by JVS_SNAPSHOT_ENGINE");
				return 0;
			}
			out->kind = JVS_ENGINE_COPY;
			snprintf(out->why, sizeof out->why,
				 "reflink-copy requested but FICLONE does not work here");
			snprintf(out->degraded, sizeof out->degraded,
				 "engine: reflink-copy unavailable, used copy");
			return 0;
		}
		if (!strcmp(want, "juicefs-clone")) {
			out->kind = JVS_ENGINE_COPY;
			snprintf(out->why, sizeof out->why,
				 "juicefs-clone requested but not available here");
			snprintf(out->degraded, sizeof out->degraded,
				 "engine: juicefs-clone unavailable, used copy");
			return 0;
		}
		jvs_error_set(JVS_E_USAGE, "unknown JVS_SNAPSHOT_ENGINE '%s'", want);
		return jvs_error_hint("use juicefs-clone, reflink-copy or copy");
	}
	if (reflink_works(repo)) {
		out->kind = JVS_ENGINE_REFLINK;
		snprintf(out->why, sizeof out->why, "FICLONE works on this file system");
		return 0;
	}
	out->kind = JVS_ENGINE_COPY;
	snprintf(out->why, sizeof out->why,
		 "no copy-on-write cloning here; unchanged files are hard-linked between snapshots");
	return 0;
}

int jvs_engine_copy_data(const jvs_engine *e, int src_fd, int dst_fd, uint64_t size)
{
	if (e->kind == JVS_ENGINE_REFLINK && ioctl(dst_fd, FICLONE, src_fd) == 0)
		return 0;
	return jvs_copy_file_data(src_fd, dst_fd, size);
}
