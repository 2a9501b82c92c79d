/* Strings: a malloc'd printf and string vectors. */
#ifndef JVS_STR_H
#define JVS_STR_H

#include <stddef.h>

/* malloc'd printf; aborts never: returns NULL and sets E_INTERNAL on OOM. */
char *jvs_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Frees the n strings of v and v itself; v may be NULL. */
void jvs_strv_free(char **v, size_t n);

#endif
