/* The public, opaque face of the catalogue (jvs/history.h). */
#include "catalog.h"

#include <stdlib.h>

#include "error_int.h"

int jvs_catalog_open(const jvs_repo *repo, jvs_catalog **out)
{
	jvs_catalog *c = calloc(1, sizeof *c);
	*out = NULL;
	if (!c)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	if (jvs_catalog_load(repo, c) < 0) {
		free(c);
		return jvs_error_code();
	}
	*out = c;
	return 0;
}

void jvs_catalog_free(jvs_catalog *cat)
{
	if (!cat)
		return;
	jvs_catalog_clear(cat);
	free(cat);
}

size_t jvs_catalog_count(const jvs_catalog *cat)
{
	return cat ? cat->n : 0;
}

const jvs_descriptor *jvs_catalog_at(const jvs_catalog *cat, size_t i)
{
	return cat && i < cat->n ? &cat->d[i] : NULL;
}
