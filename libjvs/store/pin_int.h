/* Pin internals (jvs/pin.h is the public part). */
#ifndef JVS_PIN_INT_H
#define JVS_PIN_INT_H

#include <jansson.h>

#include "name.h"
#include "repo_int.h"
#include "jvs/pin.h"

/* {pin_id, snapshot_id, reason, created_at, expires_at, expired}. */
json_t *jvs_pin_to_json(const jvs_pin *p, int64_t now_ms);

#endif
