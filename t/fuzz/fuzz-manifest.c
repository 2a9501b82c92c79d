/* Manifest parsing: jvs_manifest_parse; an accepted manifest formats back
 * to exactly the input bytes (the format is canonical), and no accepted path
 * can leave the payload root. */
#include "fuzz.h"

#include "jvs/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jvs_manifest m;
	memset(&m, 0, sizeof m);
	if (jvs_manifest_parse((const char *)data, size, &m) == 0) {
		size_t len = 0;
		char *out = jvs_manifest_format(&m, &len);
		FUZZ_ASSERT(out);
		FUZZ_ASSERT(len == size && !memcmp(out, data, size));
		free(out);
		for (size_t i = 0; i < m.n; i++) {
			const char *p = m.e[i].path;
			FUZZ_ASSERT(p[0] && p[0] != '/');
			FUZZ_ASSERT(strcmp(p, "..") && strncmp(p, "../", 3));
			FUZZ_ASSERT(!strstr(p, "/../") && !strstr(p, "//"));
		}
	}
	jvs_manifest_clear(&m);
	return 0;
}
