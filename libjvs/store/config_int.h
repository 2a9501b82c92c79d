/* Shared by the settings' reader (store/config.c) and writer
 * (ops/config_write.c). */
#ifndef JVS_CONFIG_INT_H
#define JVS_CONFIG_INT_H

#include <jansson.h>

#include "jvs/repo.h"

/* The object of cfg holding group's members (cfg itself for NULL). */
json_t *jvs_config__group_of(json_t *cfg, const char *group);
/* Where key lives in config.json: *group (NULL: the top level) and
 * *member. 1 for a fixed key, 0 for a gc.policy.NAME. */
int jvs_config__place(const char *key, const char **group, const char **member);

#endif
