#include "jvs/hash.h"
#include "jvs/error.h"

#include <blake2.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HASH_BYTES 32
#define READ_CHUNK (1 << 20)

static void to_hex(const uint8_t *bin, char out[JVS_HASH_HEX])
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < HASH_BYTES; i++) {
		out[2 * i] = digits[bin[i] >> 4];
		out[2 * i + 1] = digits[bin[i] & 15];
	}
	out[64] = '\0';
}

void jvs_hash_buf(const void *data, size_t len, char out[JVS_HASH_HEX])
{
	uint8_t bin[HASH_BYTES];
	blake2b(bin, data, NULL, HASH_BYTES, len, 0);
	to_hex(bin, out);
}

int jvs_hash_fd(int fd, char out[JVS_HASH_HEX])
{
	blake2b_state st;
	uint8_t bin[HASH_BYTES];
	uint8_t *buf = malloc(READ_CHUNK);
	if (!buf)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	blake2b_init(&st, HASH_BYTES);
	for (;;) {
		ssize_t n = read(fd, buf, READ_CHUNK);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return jvs_error_sys("cannot read file");
		}
		if (n == 0)
			break;
		blake2b_update(&st, buf, (size_t)n);
	}
	free(buf);
	blake2b_final(&st, bin, HASH_BYTES);
	to_hex(bin, out);
	return 0;
}

int jvs_hash_file(const char *path, char out[JVS_HASH_HEX])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int rc;
	if (fd < 0)
		return jvs_error_sys("cannot open '%s'", path);
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	rc = jvs_hash_fd(fd, out);
	close(fd);
	if (rc < 0)
		jvs_error_sys("cannot read '%s'", path);
	return rc;
}

int jvs_hash_is_hex(const char *s)
{
	if (!s || strlen(s) != 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

struct jvs_hasher {
	blake2b_state st;
};

jvs_hasher *jvs_hasher_new(void)
{
	jvs_hasher *h = malloc(sizeof *h);
	if (!h) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		return NULL;
	}
	blake2b_init(&h->st, HASH_BYTES);
	return h;
}

void jvs_hasher_update(jvs_hasher *h, const void *data, size_t len)
{
	blake2b_update(&h->st, data, len);
}

void jvs_hasher_final(jvs_hasher *h, char out[JVS_HASH_HEX])
{
	uint8_t bin[HASH_BYTES];
	blake2b_final(&h->st, bin, HASH_BYTES);
	to_hex(bin, out);
	free(h);
}

void jvs_hasher_free(jvs_hasher *h)
{
	free(h);
}
