/* GC plan parsing: the input becomes .jvs/gc/plans/<id>.json and is loaded
 * with jvs_gc_plan_load; every accepted candidate is a valid snapshot id. */
#include "fuzz.h"

#include "gc_internal.h"

#define PLAN_ID "0123456789abcdef0123456789abcdef"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jvs_gc_plan plan;
	char rel[128];
	snprintf(rel, sizeof rel, "gc/plans/%.*s.json", JVS_GC_PLAN_ID_LEN,
		 PLAN_ID PLAN_ID PLAN_ID);
	fuzz_put(rel, data, size);
	rel[strlen(rel) - 5] = '\0';
	if (jvs_gc_plan_load(fuzz_repo(), rel + 9, &plan) == 0) {
		for (size_t i = 0; i < plan.ncandidates; i++)
			FUZZ_ASSERT(jvs_id_is_valid(plan.candidates[i].snapshot_id));
		json_decref(jvs_gc_plan_to_json(&plan, 1));
	}
	jvs_gc_plan_clear(&plan);
	jvs_error_clear();
	return 0;
}
