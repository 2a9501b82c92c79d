/* Reference resolution: jvs_ref_resolve over a small fixed catalogue with
 * the input as REF; a resolved id is always one of the catalogue's. */
#include "fuzz.h"

#include "catalog.h"

static jvs_descriptor descs[4];
static char *bad[] = {"1708300900000-00000000"};
static char *tags0[] = {"v1", "stable"}, *tags2[] = {"v1"}, *tags3[] = {"stable", "x.y"};
static jvs_catalog cat;

static void set(jvs_descriptor *d, const char *id, const char *note, char **tags, size_t n)
{
	snprintf(d->snapshot_id, sizeof d->snapshot_id, "%s", id);
	snprintf(d->worktree_name, sizeof d->worktree_name, "main");
	d->note = (char *)note;
	d->tags = tags;
	d->ntags = n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[JVS_ID_BUF] = "", *ref = fuzz_cstr(data, size);
	if (!cat.n) {
		set(&descs[0], "1708300800000-a3f7c1b2", "first run", tags0, 2);
		set(&descs[1], "1708300800001-a3f70000", "first try", NULL, 0);
		set(&descs[2], "1708300800002-ffff0001", "", tags2, 1);
		set(&descs[3], "1708300800003-0badc0de", "release 1.0", tags3, 2);
		cat.d = descs;
		cat.n = 4;
		cat.bad = bad;
		cat.nbad = 1;
	}
	if (jvs_ref_resolve(fuzz_repo(), &cat, "main", ref, out) == 0) {
		int found = 0;
		for (size_t i = 0; i < cat.n; i++)
			found |= !strcmp(out, descs[i].snapshot_id);
		FUZZ_ASSERT(found);
	}
	jvs_error_clear();
	free(ref);
	return 0;
}
