/* Error internals (jvs/error.h is the public part). */
#ifndef JVS_ERROR_INT_H
#define JVS_ERROR_INT_H

#include "jvs/error.h"

/* Setting the last error. Inside the library a failing function returns
 * -1 with the last error set; the public entry points (api.c) turn that
 * into -(int) the class, the convention of jvs/error.h. */

/* Sets the last error and returns -1, so `return jvs_error_set(...)` works. */
int jvs_error_set(jvs_error_class cls, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Like jvs_error_set with ": strerror(errno)" appended; class E_IO. */
int jvs_error_sys(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Adds a hint to the current last error. Returns -1. */
int jvs_error_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The last error already explains a failure with errno err (a symlink on
 * the way, a FIFO where a file belongs): the next jvs_error_sys() for that
 * errno keeps it instead of replacing it with a generic E_IO. */
void jvs_error_stick(int err);

/* rc when >= 0, else jvs_error_code() (setting E_INTERNAL if no error was
 * set): what every public function returns (libjvs/api.c). */
int jvs_error_rc(int rc);

#endif
