/* Error internals (jvs/error.h is the public part). */
#ifndef JVS_ERROR_INT_H
#define JVS_ERROR_INT_H

#include "jvs/error.h"

/* The last error already explains a failure with errno err (a symlink on
 * the way, a FIFO where a file belongs): the next jvs_error_sys() for that
 * errno keeps it instead of replacing it with a generic E_IO. */
void jvs_error_stick(int err);

#endif
