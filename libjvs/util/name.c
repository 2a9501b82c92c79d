#include "name.h"
#include "error_int.h"
#include "textesc.h"
#include "jvs/error.h"
#include "shortid_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* Allowed bytes are ASCII only, so NFC normalisation cannot change a valid
 * name: any non-ASCII byte is rejected before normalisation would matter. */
int jvs_name_validate(const char *name, const char *kind)
{
	size_t len;
	if (!name || !*name)
		return jvs_error_set(JVS_E_NAME_INVALID, "%s must not be empty", kind),
		       jvs_error_hint("use letters, digits, '.', '_' and '-'");
	len = strlen(name);
	if (len > JVS_NAME_MAX)
		return jvs_error_set(JVS_E_NAME_INVALID, "%s is longer than %d bytes", kind,
				     JVS_NAME_MAX);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return jvs_error_set(JVS_E_NAME_INVALID, "%s '%s' is not allowed", kind, name);
	for (const char *p = name; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-')
			continue;
		if (c < 0x20 || c == 0x7f)
			jvs_error_set(JVS_E_NAME_INVALID, "%s contains a control character", kind);
		else {
			/* The whole character, not its first byte: a byte that
			 * starts no UTF-8 sequence is shown alone (escaped on output). */
			size_t k = jvs_utf8_seq_len(p, strlen(p));
			jvs_error_set(JVS_E_NAME_INVALID, "%s '%s' contains '%.*s'", kind, name,
				      (int)(k ? k : 1), p);
		}
		return jvs_error_hint("use only letters, digits, '.', '_' and '-'");
	}
	return 0;
}

int jvs_tag_validate(const char *tag)
{
	if (jvs_name_validate(tag, "tag") < 0)
		return -1;
	if (!strcmp(tag, "HEAD"))
		return jvs_error_set(JVS_E_NAME_INVALID, "tag 'HEAD' is reserved"),
		       jvs_error_hint("choose another tag name");
	return 0;
}

int jvs_id_is_valid(const char *id)
{
	if (!id || strlen(id) != JVS_ID_LEN)
		return 0;
	for (int i = 0; i < 13; i++)
		if (id[i] < '0' || id[i] > '9')
			return 0;
	if (id[13] != '-')
		return 0;
	for (int i = 14; i < JVS_ID_LEN; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return 0;
	return 1;
}

int jvs_id_prefix_plausible(const char *s)
{
	size_t len = strlen(s);
	if (len < 4 || len > JVS_ID_LEN)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (i < 13 && !(c >= '0' && c <= '9'))
			return 0;
		if (i == 13 && c != '-')
			return 0;
		if (i > 13 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
	}
	return 1;
}

int jvs_id_generate(int64_t ms, char out[JVS_ID_BUF])
{
	unsigned char rnd[4];
	ssize_t n;
	/* A random part of decimal digits only would read as a timestamp
	 * prefix, so its short form could not be typed back: draw again. */
	do {
		do
			n = getrandom(rnd, sizeof rnd, 0);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof rnd)
			return jvs_error_sys("cannot read random bytes");
		snprintf(out, JVS_ID_BUF, "%013lld-%02x%02x%02x%02x", (long long)ms, rnd[0],
			 rnd[1], rnd[2], rnd[3]);
	} while (jvs_id_random_all_decimal(out));
	return 0;
}

int64_t jvs_id_ms(const char *id)
{
	return strtoll(id, NULL, 10);
}
