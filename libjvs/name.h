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

#endif
