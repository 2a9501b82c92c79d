/* Pin parsing: the input becomes one pin file in .jvs/gc/pins/ and the pins
 * are listed with jvs_pin_list; every listed pin names a valid snapshot. */
#include "fuzz.h"

#include "pin_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jvs_pin *pins = NULL;
	size_t n = 0;
	fuzz_put("gc/pins/6f1c1c34-8a8f-4b40-9a55-2b1f3c9d0e7a.json", data, size);
	if (jvs_pin_list(fuzz_repo(), &pins, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			FUZZ_ASSERT(jvs_id_is_valid(pins[i].snapshot_id));
			json_decref(jvs_pin_to_json(&pins[i], 0));
		}
		jvs_pin_list_free(pins, n);
	}
	jvs_error_clear();
	return 0;
}
