/* Descriptor parsing: jvs_descriptor_from_json on jansson-parsed input; an
 * accepted descriptor must survive to_json -> from_json unchanged. */
#include "fuzz.h"

#include "jvs/descriptor.h"
#include "jvs/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	jvs_descriptor d, d2;
	if (!j)
		return 0;
	if (jvs_descriptor_from_json(j, &d) == 0) {
		json_t *again = jvs_descriptor_to_json(&d);
		char *a, *b;
		FUZZ_ASSERT(again);
		FUZZ_ASSERT(jvs_descriptor_from_json(again, &d2) == 0);
		a = jvs_json_canonical(again);
		json_decref(again);
		again = jvs_descriptor_to_json(&d2);
		b = jvs_json_canonical(again);
		FUZZ_ASSERT(a && b && !strcmp(a, b));
		free(a);
		free(b);
		json_decref(again);
		jvs_descriptor_clear(&d2);
	}
	jvs_descriptor_clear(&d);
	json_decref(j);
	return 0;
}
