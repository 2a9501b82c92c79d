/* Verify internals (jvs/verify.h is the public part). */
#ifndef JVS_VERIFY_INT_H
#define JVS_VERIFY_INT_H

#include <jansson.h>

#include "error_int.h"
#include "name.h"
#include "repo_int.h"
#include "jvs/verify.h"

/* res's problems as the JSON array [{"class", "path", "detail"}] (text
 * fields that are not UTF-8 also as *_b64), borrowed from res. */
json_t *jvs_verify_result_errors(const jvs_verify_result *res);

#endif
