/* .jvsignore rules: jvs_ignore_list_parse on the input up to its first NUL,
 * then each further NUL-separated string matched as a path (as a file and
 * as a directory). Properties: results are -1, 0 or 1; a hit names a line
 * of the input, and a '!' rule exactly when the result is 0; a path
 * without glob characters matches itself as a glob. */
#include "fuzz.h"

#include "ignore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *z = memchr(data, '\0', size);
	size_t rlen = z ? (size_t)(z - text) : size, lines = 1;
	jvs_ignore_list *l = NULL;
	char *rest;
	if (size > 65536)
		return 0;
	for (size_t i = 0; i < rlen; i++)
		lines += text[i] == '\n';
	if (jvs_ignore_list_parse(text, rlen, "", ".jvsignore", &l) < 0)
		return 0;
	FUZZ_ASSERT(jvs_ignore_list_count(l) <= lines);
	rest = fuzz_cstr(data + (z ? rlen + 1 : size), z ? size - rlen - 1 : 0);
	for (size_t off = 0, n = z ? size - rlen - 1 : 0; off <= n;) {
		const char *p = rest + off;
		size_t len = strlen(p);
		jvs_ignore_hit hit;
		int f, d;
		if (len && p[0] != '/' && !strstr(p, "//")) {
			f = jvs_ignore_list_match(l, p, 0, &hit);
			FUZZ_ASSERT(f >= -1 && f <= 1);
			if (f >= 0)
				FUZZ_ASSERT(hit.line >= 1 && (size_t)hit.line <= lines && hit.pattern &&
					    hit.negated == (f == 0));
			d = jvs_ignore_list_match(l, p, 1, NULL);
			FUZZ_ASSERT(d >= -1 && d <= 1);
			if (!strpbrk(p, "*?[\\"))
				FUZZ_ASSERT(jvs_ignore_glob(p, p));
		}
		off += len + 1;
	}
	free(rest);
	jvs_ignore_list_free(l);
	return 0;
}
