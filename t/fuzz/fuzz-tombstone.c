/* Tombstone parsing: the input becomes .jvs/gc/tombstones/<id>.json and is
 * loaded with jvs_tombstone_load. */
#include "fuzz.h"

#include "tombstone.h"

#define ID "1708300800000-a3f7c1b2"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jvs_tombstone t;
	memset(&t, 0, sizeof t);
	fuzz_put("gc/tombstones/" ID ".json", data, size);
	if (jvs_tombstone_load(fuzz_repo(), ID, &t) == 0) {
		FUZZ_ASSERT(!strcmp(t.snapshot_id, ID));
		json_decref(jvs_tombstone_to_json(&t));
	}
	jvs_tombstone_clear(&t);
	jvs_error_clear();
	return 0;
}
