/* Validation of worktree names and tags; snapshot id format. */
#ifndef JVS_NAME_H
#define JVS_NAME_H

#include <stdint.h>

#include "jvs/types.h" /* JVS_NAME_MAX, JVS_ID_LEN, JVS_ID_BUF */

/* kind is "worktree name" or "tag", used in the message. */
int jvs_name_validate(const char *name, const char *kind);
int jvs_tag_validate(const char *tag);
int jvs_id_is_valid(const char *id);
/* Syntax check for a user-typed id prefix: digits/hex/'-' only. */
int jvs_id_prefix_plausible(const char *s);
int jvs_id_generate(int64_t ms, char out[JVS_ID_BUF]);
int64_t jvs_id_ms(const char *id);

/* Short form of an id, for text output people read and type back (SPEC
 * §3): its 8 random hex digits ("1708300800000-a3f7c1b2" -> "a3f7c1b2"),
 * or the whole id when those are all decimal digits (they would read as a
 * timestamp prefix). Points into id; id itself when it is not an id. */
#define JVS_ID_SHORT_LEN 8
#define JVS_ID_SHORT_MIN 4 /* shortest random-part prefix a REF may be */
const char *jvs_id_short(const char *id);
/* 4 to 8 lower hex digits: could be a prefix of a random part. */
int jvs_id_random_prefix_plausible(const char *s);

#endif
