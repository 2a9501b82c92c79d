/* Worktree config parsing: the input becomes .jvs/worktrees/fz/config.json
 * of a scratch repository and is loaded with jvs_worktree_load. */
#include "fuzz.h"

#include "worktree_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jvs_worktree wt;
	fuzz_put("worktrees/fz/config.json", data, size);
	if (jvs_worktree_load(fuzz_repo(), "fz", &wt) == 0) {
		FUZZ_ASSERT(!strcmp(wt.name, "fz"));
		FUZZ_ASSERT(!wt.head[0] || jvs_id_is_valid(wt.head));
		FUZZ_ASSERT(!wt.latest[0] || jvs_id_is_valid(wt.latest));
		FUZZ_ASSERT(!wt.base[0] || jvs_id_is_valid(wt.base));
	}
	jvs_error_clear();
	return 0;
}
