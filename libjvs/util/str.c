/* Strings: a malloc'd printf and the free of a string vector. */
#include "str.h"
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

char *jvs_strf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
	return s;
}

void jvs_strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
