/* Terminal-safe text and exact JSON for user-controlled bytes; the rules
 * are in include/jvs/textesc.h and jvs(1) ESCAPING. */
#include "jvs/textesc.h"
#include "jvs/error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t jvs_utf8_seq_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;
	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0; /* overlong */
	else if (s[0] == 0xed)
		hi = 0x9f; /* surrogates */
	else if (s[0] == 0xf0)
		lo = 0x90; /* overlong */
	else if (s[0] == 0xf4)
		hi = 0x8f; /* above U+10FFFF */
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

int jvs_utf8_valid(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t k = jvs_utf8_seq_len(s + i, n - i);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

/* Valid sequences shown as \xHH bytes: C1 controls, U+2028/9, bidi controls. */
static int hidden_seq(const unsigned char *s, size_t len)
{
	if (len == 2)
		return s[0] == 0xc2 && s[1] <= 0x9f;
	if (len == 3 && s[0] == 0xe2 && s[1] == 0x80)
		return s[2] == 0x8e || s[2] == 0x8f || (s[2] >= 0xa8 && s[2] <= 0xae);
	if (len == 3 && s[0] == 0xe2 && s[1] == 0x81)
		return s[2] >= 0xa6 && s[2] <= 0xa9;
	return 0;
}

/* The escape of the unit at s: *used bytes consumed, its form in rep
 * (NUL-terminated, at most 16 bytes); returns 0 when the unit is copied as is. */
static int escape_unit(const unsigned char *s, size_t n, size_t *used, char rep[17])
{
	static const char hex[] = "0123456789abcdef";
	size_t len = jvs_utf8_seq_len((const char *)s, n);
	size_t k = 0;
	if (len == 1) {
		*used = 1;
		switch (s[0]) {
		case '\\':
			memcpy(rep, "\\\\", 3);
			return 1;
		case '\n':
			memcpy(rep, "\\n", 3);
			return 1;
		case '\t':
			memcpy(rep, "\\t", 3);
			return 1;
		case '\r':
			memcpy(rep, "\\r", 3);
			return 1;
		default:
			if (s[0] >= 0x20 && s[0] != 0x7f)
				return 0;
		}
	} else if (len > 1) {
		*used = len;
		if (!hidden_seq(s, len))
			return 0;
	} else {
		len = 1; /* not UTF-8: this byte alone */
		*used = 1;
	}
	for (size_t i = 0; i < len; i++) {
		rep[k++] = '\\';
		rep[k++] = 'x';
		rep[k++] = hex[s[i] >> 4];
		rep[k++] = hex[s[i] & 15];
	}
	rep[k] = '\0';
	return 1;
}

size_t jvs_text_escape_buf(char *out, size_t cap, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t need = 0, w = 0, i = 0;
	int full = 0;
	while (i < n) {
		char rep[17];
		size_t used, k;
		const char *src;
		if (escape_unit(s + i, n - i, &used, rep)) {
			src = rep;
			k = strlen(rep);
		} else {
			src = (const char *)s + i;
			k = used;
		}
		if (!full && w + k < cap) {
			memcpy(out + w, src, k);
			w += k;
		} else {
			full = 1;
		}
		need += k;
		i += used;
	}
	if (cap)
		out[w] = '\0';
	return need;
}

int jvs_text_needs_escape(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str);
	for (size_t i = 0; i < n;) {
		char rep[17];
		size_t used;
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') {
			i++;
			continue;
		}
		if (escape_unit(s + i, n - i, &used, rep))
			return 1;
		i += used;
	}
	return 0;
}

char *jvs_text_escape(const char *s)
{
	size_t n = strlen(s), need = jvs_text_escape_buf(NULL, 0, s, n);
	char *out = malloc(need + 1);
	if (!out) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		return NULL;
	}
	jvs_text_escape_buf(out, need + 1, s, n);
	return out;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *jvs_text_unescape(const char *s, size_t *len)
{
	size_t n = strlen(s), k = 0;
	char *out = malloc(n + 1);
	if (!out) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\') {
			out[k++] = s[i];
			continue;
		}
		switch (s[++i]) {
		case '\\':
			out[k++] = '\\';
			break;
		case 'n':
			out[k++] = '\n';
			break;
		case 't':
			out[k++] = '\t';
			break;
		case 'r':
			out[k++] = '\r';
			break;
		case 'x':
			if (i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
				out[k++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
				i += 2;
				break;
			}
			/* fall through */
		default:
			free(out);
			jvs_error_set(JVS_E_USAGE, "malformed escape at byte %zu", i);
			return NULL;
		}
	}
	out[k] = '\0';
	if (len)
		*len = k;
	return out;
}

int jvs_text_validate(const char *s, size_t max, const char *what)
{
	size_t n = strlen(s);
	if (!jvs_utf8_valid(s, n)) {
		size_t i = 0;
		while (i < n) {
			size_t k = jvs_utf8_seq_len(s + i, n - i);
			if (!k)
				break;
			i += k;
		}
		jvs_error_set(JVS_E_USAGE, "%s is not valid UTF-8 (byte %zu)", what, i + 1);
		return jvs_error_hint("give the %s as UTF-8 text, e.g. convert it with "
				      "iconv -f LATIN1 -t UTF-8",
				      what);
	}
	if (max && n > max) {
		jvs_error_set(JVS_E_USAGE, "%s is %zu bytes long; at most %zu are allowed", what, n,
			      max);
		return jvs_error_hint("shorten the %s", what);
	}
	return 0;
}

char *jvs_base64(const char *str, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = (const unsigned char *)str;
	char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;
	size_t i;
	if (!out) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		return NULL;
	}
	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
		*o++ = tab[(v >> 6) & 63];
		*o++ = tab[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0);
		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
		*o++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

json_t *jvs_json_text(const char *s)
{
	char *esc;
	json_t *j;
	if (!s)
		return json_null();
	if (jvs_utf8_valid(s, strlen(s)))
		return json_string(s);
	esc = jvs_text_escape(s); /* pure ASCII */
	j = esc ? json_string(esc) : NULL;
	free(esc);
	return j;
}

json_t *jvs_json_add_b64(json_t *obj, const char *key, const char *s)
{
	if (obj && s && !jvs_utf8_valid(s, strlen(s)) && jvs_json_set_text(obj, key, s) < 0) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

int jvs_json_append_text(json_t *arr, json_t *b64, const char *s)
{
	int odd = s && !jvs_utf8_valid(s, strlen(s));
	json_t *v = jvs_json_text(s), *e;
	if (!v || json_array_append_new(arr, v) < 0)
		return -1;
	if (odd) {
		char *enc = jvs_base64(s, strlen(s));
		e = enc ? json_string(enc) : NULL;
		free(enc);
	} else {
		e = json_null();
	}
	if (!e || json_array_append_new(b64, e) < 0)
		return -1;
	return odd;
}

int jvs_json_set_text(json_t *obj, const char *key, const char *s)
{
	size_t klen = strlen(key);
	char *b64, *k64;
	int rc;
	if (json_object_set_new(obj, key, jvs_json_text(s)) < 0)
		return -1;
	if (!s || jvs_utf8_valid(s, strlen(s)))
		return 0;
	b64 = jvs_base64(s, strlen(s));
	k64 = malloc(klen + 5);
	if (!b64 || !k64) {
		free(b64);
		free(k64);
		return -1;
	}
	memcpy(k64, key, klen);
	memcpy(k64 + klen, "_b64", 5);
	rc = json_object_set_new(obj, k64, json_string(b64));
	free(b64);
	free(k64);
	return rc;
}
