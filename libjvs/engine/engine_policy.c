/* Which engine is asked for (JVS_SNAPSHOT_ENGINE, read here only) and how a
 * snapshot falls back from the detected engine for one payload. */
#include "engine.h"
#include "config.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int jvs_engine_requested(const jvs_repo *repo, const char **want, const char **by)
{
	jvs_config_origin from = JVS_CONFIG_ENV;
	*want = NULL;
	if (!repo) /* jvs init: no configuration yet */
		*want = getenv("JVS_SNAPSHOT_ENGINE");
	else if (jvs_config_snapshot_engine(repo, want, &from) < 0)
		return -1;
	if (*want && !strcmp(*want, "auto"))
		*want = NULL;
	if (by)
		*by = from == JVS_CONFIG_ENV ? "JVS_SNAPSHOT_ENGINE" : "snapshot.engine (jvs config)";
	return 0;
}

void jvs_engine_for_snapshot(const jvs_repo *repo, jvs_engine *e, const char *payload,
			     const char *worktree, int some_paths)
{
	if (e->kind == JVS_ENGINE_BTRFS && !jvs_btrfs_is_subvolume(payload)) {
		/* a payload root made outside jvs init (fork, create): per file */
		const char *want = NULL;
		if (jvs_engine_requested(repo, &want, NULL) < 0)
			jvs_error_clear(); /* read once already by the engine choice */
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
