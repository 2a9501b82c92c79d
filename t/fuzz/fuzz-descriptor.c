/* Descriptor parsing: jvs_descriptor_from_json on jansson-parsed input; an
 * accepted descriptor must survive to_json -> from_json unchanged. */
#include "fuzz.h"

#include "descriptor.h"
#include "json.h"

/* The checksum would stop the fuzzer at the door: also try the input with
 * descriptor_checksum recomputed over its other fields (SPEC §5), so the
 * field checks behind it are reached. */
static void reseal(json_t *j)
{
	json_t *body = json_deep_copy(j);
	char *canon, sum[JVS_HASH_HEX];
	if (!body)
		return;
	json_object_del(body, "descriptor_checksum");
	json_object_del(body, "integrity_state");
	canon = jvs_json_canonical(body);
	json_decref(body);
	if (!canon)
		return;
	jvs_hash_buf(canon, strlen(canon), sum);
	free(canon);
	json_object_set_new(j, "descriptor_checksum", json_string(sum));
}

static void check(json_t *j)
{
	jvs_descriptor d, d2;
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
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (!j)
		return 0;
	check(j);
	if (json_is_object(j)) {
		reseal(j);
		check(j);
	}
	json_decref(j);
	jvs_error_clear();
	return 0;
}
