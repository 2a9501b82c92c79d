/* JSON helpers over jansson: canonical form, pretty output, file I/O. */
#ifndef JVS_JSON_H
#define JVS_JSON_H

#include <jansson.h>
#include <stddef.h>

/* Canonical JSON (keys sorted by bytes, no whitespace). malloc'd. */
char *jvs_json_canonical(const json_t *v);
/* Two-space indent, "key": value; with trailing newline. malloc'd. */
char *jvs_json_pretty(const json_t *v);
/* Loads a JSON object from a file; E_IO if unreadable, `bad` if malformed. */
int jvs_json_load_file(const char *path, int bad, json_t **out);
/* The same, but 1 (and nothing set in *out) when path does not exist. */
int jvs_json_load_file_opt(const char *path, int bad, json_t **out);
int jvs_json_write_file(const char *path, const json_t *v);
/* Field accessors returning NULL / default when absent or wrong type. */
const char *jvs_json_str(const json_t *obj, const char *key);
json_t *jvs_json_str_or_null(const char *s);
/* An array of the n strings of v; NULL when memory runs out. */
json_t *jvs_json_strv(char *const *v, size_t n);

#endif
