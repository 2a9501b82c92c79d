/* Pins .jvs/gc/pins/<pin_id>.json: snapshots GC must keep (SPEC §9). */
#ifndef JVS_PIN_H
#define JVS_PIN_H

#include <stddef.h>
#include <stdint.h>

#include "jvs/types.h"

#define JVS_PIN_ID_BUF 40

typedef struct {
	char pin_id[JVS_PIN_ID_BUF]; /* uuid v4 */
	char snapshot_id[JVS_ID_BUF];
	char *reason; /* NULL when none was given */
	char created_at[32];
	char expires_at[32]; /* "" for never */
	int64_t expires_ms;  /* 0 for never */
} jvs_pin;

/* Pins snapshot_id (must be published); expires_ms 0 for never. Takes the
 * repo lock shared, so it cannot slip in under a running gc. Appends an
 * audit record "pin_add". */
int jvs_pin_add(const jvs_repo *repo, const char *snapshot_id, const char *reason,
                int64_t expires_ms, int wait_seconds, jvs_pin *out);
/* Every pin, oldest first. A malformed pin file is an error
 * (E_DESCRIPTOR_CORRUPT): GC must not guess what it protected. */
int jvs_pin_list(const jvs_repo *repo, jvs_pin **out, size_t *n);
void jvs_pin_list_free(jvs_pin *pins, size_t n);
int jvs_pin_is_expired(const jvs_pin *p, int64_t now_ms);
/* Index of the pin whose id is `prefix` or starts with it (>= 4 chars).
 * E_NOT_FOUND, E_AMBIGUOUS. */
int jvs_pin_find(const jvs_pin *pins, size_t n, const char *prefix, size_t *idx);
/* Removes one pin by full id; appends an audit record "pin_remove". */
int jvs_pin_remove(const jvs_repo *repo, const jvs_pin *pin, int wait_seconds);

/* --expires: a duration from now (30d, 12h, 2w, 1y) or a date. */
int jvs_pin_parse_expiry(const char *s, int64_t now_ms, int64_t *out_ms);

#endif
