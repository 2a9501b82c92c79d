/* In-flight operation records in .jvs/intents/ (runtime state). */
#ifndef JVS_INTENT_H
#define JVS_INTENT_H

#include <jansson.h>

#include "repo_int.h"

/* Writes .jvs/intents/<name>.json durably (body is not stolen). */
int jvs_intent_write(const jvs_repo *repo, const char *name, const json_t *body);
/* Reads it; 1 found, 0 absent, -1 error. */
int jvs_intent_read(const jvs_repo *repo, const char *name, json_t **out);
int jvs_intent_remove(const jvs_repo *repo, const char *name);

/* 1 when the process that wrote the intent still runs (on this host; an
 * intent from another host is assumed live). */
int jvs_intent_is_live(const json_t *intent);
/* jvs_intent_is_live, and for another machine's intent (whose pid means
 * nothing here): live unless the repository lock can be taken exclusively
 * right now. Every operation that writes an intent holds that lock (shared
 * or exclusive) until it removes the intent, and on JuiceFS flock is
 * cluster-wide, so a free lock means the writer is gone (a crashed
 * client's locks go with its session). */
int jvs_intent_is_live_at(const jvs_repo *repo, const json_t *intent);

#endif
