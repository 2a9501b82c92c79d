/* Terminal-safe text and exact JSON for user-controlled bytes (notes, tags,
 * pin reasons, names, paths, messages quoting user input).
 *
 * Text form (every human and TSV line; jvs(1) ESCAPING): the bytes are
 * copied except
 *   '\\' -> "\\\\", newline -> "\\n", tab -> "\\t", CR -> "\\r",
 *   any other byte below 0x20, 0x7f, every byte of a sequence that is not
 *   valid UTF-8, and the UTF-8 bytes of the C1 controls U+0080..U+009F, the
 *   line and paragraph separators U+2028/U+2029 and the bidirectional
 *   controls U+200E/U+200F, U+202A..U+202E, U+2066..U+2069 -> "\\xHH" per
 *   byte (lower-case hex).
 * The form is lossless: jvs_text_unescape gives the bytes back.
 *
 * JSON (jvs-format(5)): a valid UTF-8 value is written exactly; one that is
 * not holds its text form and a sibling "<key>_b64" holds the exact bytes
 * in base64 (RFC 4648, padded). */
#ifndef JVS_TEXTESC_H
#define JVS_TEXTESC_H

#include <jansson.h>
#include <stddef.h>

/* 1 if s[0..n) is valid UTF-8 (RFC 3629: no overlongs, no surrogates). */
int jvs_utf8_valid(const char *s, size_t n);
/* Length of the valid UTF-8 sequence at s (1..4), or 0 if none starts there. */
size_t jvs_utf8_seq_len(const char *s, size_t n);
/* 1 if the text form of s differs from s. */
int jvs_text_needs_escape(const char *s);
/* The text form of s, malloc'd (NULL: out of memory, last error set). */
char *jvs_text_escape(const char *s);
/* The text form of s[0..n) into out (always NUL-terminated when cap > 0);
 * returns the length the whole form needs, like snprintf. A sequence is
 * never cut in the middle. */
size_t jvs_text_escape_buf(char *out, size_t cap, const char *s, size_t n);
/* Reverses jvs_text_escape; *len gets the byte count (the result may hold
 * NUL bytes from "\\x00"). E_USAGE on a malformed escape. */
char *jvs_text_unescape(const char *s, size_t *len);

/* Notes and pin reasons: valid UTF-8 (any characters, newlines included:
 * output escapes them) of at most this many bytes. */
#define JVS_TEXT_MAX 65536

/* E_USAGE unless s is valid UTF-8 of at most max bytes (0: no limit);
 * `what` names it ("note", "pin reason"). */
int jvs_text_validate(const char *s, size_t max, const char *what);

/* Base64 (RFC 4648, padded) of s[0..n), malloc'd. */
char *jvs_base64(const char *s, size_t n);

/* A JSON string holding s exactly when it is UTF-8, else its text form. */
json_t *jvs_json_text(const char *s);
/* obj[key] = jvs_json_text(s), plus obj[key "_b64"] when s is not UTF-8.
 * Returns 0, or -1 out of memory. */
int jvs_json_set_text(json_t *obj, const char *key, const char *s);

/* Adds obj[key "_b64"] when s is not UTF-8 (obj[key] being jvs_json_text(s),
 * e.g. from json_pack); returns obj. NULL obj: NULL. */
json_t *jvs_json_add_b64(json_t *obj, const char *key, const char *s);
/* Appends jvs_json_text(s) to arr and, index-aligned, to b64 either null
 * (s is UTF-8) or the base64 of s. Returns 0, 1 if s is not UTF-8, or -1
 * out of memory. */
int jvs_json_append_text(json_t *arr, json_t *b64, const char *s);

#endif
