/* The packed descriptors of the catalogue cache (a column of
 * .jvs/index.sqlite, which a hostile repository can craft): unpacking
 * never crashes, and whatever it accepts packs and unpacks again to the
 * same bytes. */
#include "fuzz.h"

#include "catalog_pack.h"
#include "descriptor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char id[] = "1795600000000-0123abcd";
	jvs_descriptor d, back;
	char *once, *twice;
	size_t n1 = 0, n2 = 0;
	memset(&d, 0, sizeof d);
	if (jvs_catalog__unpack((const char *)data, size, id, &d) < 0)
		return 0;
	once = jvs_catalog__pack(&d, &n1);
	FUZZ_ASSERT(once);
	memset(&back, 0, sizeof back);
	FUZZ_ASSERT(jvs_catalog__unpack(once, n1, id, &back) == 0);
	twice = jvs_catalog__pack(&back, &n2);
	FUZZ_ASSERT(twice && n1 == n2 && !memcmp(once, twice, n1));
	free(once);
	free(twice);
	jvs_descriptor_clear(&d);
	jvs_descriptor_clear(&back);
	return 0;
}
