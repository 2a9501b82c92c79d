/* Which engine is asked for (JVS_SNAPSHOT_ENGINE, read here only) and how a
 * snapshot falls back from the detected engine for one payload. */
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *jvs_engine_requested(void)
{
	return getenv("JVS_SNAPSHOT_ENGINE");
}

void jvs_engine_for_snapshot(jvs_engine *e, const char *payload, const char *worktree,
			     int some_paths)
{
	if (e->kind == JVS_ENGINE_BTRFS && !jvs_btrfs_is_subvolume(payload)) {
		/* a payload root made outside jvs init (fork, create): per file */
		const char *want = jvs_engine_requested();
		e->kind = JVS_ENGINE_REFLINK;
		if (want && !strcmp(want, "btrfs-subvolume"))
			snprintf(e->degraded, sizeof e->degraded,
				 "engine: payload root of '%s' is not a btrfs subvolume, used "
				 "reflink-copy",
				 worktree);
	}
	if (some_paths && e->kind == JVS_ENGINE_BTRFS)
		e->kind = JVS_ENGINE_REFLINK; /* a few paths: per file */
	else if (some_paths && e->kind == JVS_ENGINE_JUICEFS)
		e->kind = JVS_ENGINE_COPY;
}

jvs_engine_kind jvs_engine_per_file(jvs_engine_kind kind)
{
	return kind == JVS_ENGINE_BTRFS ? JVS_ENGINE_REFLINK : JVS_ENGINE_COPY;
}
