/* Canonical JSON: parse -> canonical -> parse -> canonical is a fixed point. */
#include "fuzz.h"

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL), *k;
	char *a, *b;
	if (!j)
		return 0;
	a = jvs_json_canonical(j);
	json_decref(j);
	if (!a)
		return 0; /* refused (e.g. a real number): fine, as long as no crash */
	k = json_loads(a, JSON_DECODE_ANY, NULL);
	FUZZ_ASSERT(k);
	b = jvs_json_canonical(k);
	FUZZ_ASSERT(b && !strcmp(a, b));
	free(a);
	free(b);
	json_decref(k);
	return 0;
}
