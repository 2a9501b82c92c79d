#include "hash.h"
#include "error_int.h"

#include <blake2.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HASH_BYTES JVS_HASH_RAW
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

/* The holes of a sparse file are hashed as the zeros they read as, without
 * reading them: from the current offset, data extents are read, holes fed
 * from a zero buffer. 1: not sparse (or no SEEK_DATA), nothing hashed. */
static int hash_sparse(int fd, blake2b_state *st, uint8_t *buf)
{
	static const uint8_t zeros[1 << 16];
	struct stat sb;
	off_t pos = lseek(fd, 0, SEEK_CUR), size;
	if (pos < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    (off_t)sb.st_blocks * 512 >= sb.st_size)
		return 1;
	size = sb.st_size;
	while (pos < size) {
		off_t data = lseek(fd, pos, SEEK_DATA), hole;
		if (data < 0 && errno != ENXIO)
			return pos == 0 && errno == EINVAL ? 1 : jvs_error_sys("cannot read file");
		if (data < 0 || data > size)
			data = size;
		for (; pos < data; pos += (off_t)sizeof zeros) /* a hole */
			blake2b_update(st, zeros,
				       data - pos < (off_t)sizeof zeros ? (size_t)(data - pos)
									: sizeof zeros);
		pos = data;
		if (pos >= size)
			break;
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0)
			return jvs_error_sys("cannot read file");
		while (pos < hole) {
			ssize_t n = pread(fd, buf,
					  hole - pos < READ_CHUNK ? (size_t)(hole - pos) : READ_CHUNK,
					  pos);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return jvs_error_sys("cannot read file");
			if (n == 0) { /* shrank meanwhile: hash what is there */
				size = pos;
				break;
			}
			blake2b_update(st, buf, (size_t)n);
			pos += n;
		}
	}
	if (lseek(fd, pos, SEEK_SET) < 0) /* at the end, as after read() */
		return jvs_error_sys("cannot read file");
	return 0;
}

int jvs_hash_fd(int fd, char out[JVS_HASH_HEX])
{
	blake2b_state st;
	uint8_t bin[HASH_BYTES];
	uint8_t *buf = malloc(READ_CHUNK);
	int sparse;
	if (!buf)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	blake2b_init(&st, HASH_BYTES);
	sparse = hash_sparse(fd, &st, buf);
	if (sparse < 0) {
		free(buf);
		return -1;
	}
	for (; sparse == 1;) {
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

int jvs_hash_is_hex(const char *s)
{
	if (!s || strlen(s) != 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* uppercase too: only the canonical form formats back */
}

int jvs_hash_from_hex(const char *hex, unsigned char raw[JVS_HASH_RAW])
{
	unsigned char tmp[JVS_HASH_RAW];
	if (!hex)
		return -1;
	for (size_t i = 0; i < JVS_HASH_RAW; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hi < 0 ? -1 : hex_digit(hex[2 * i + 1]);
		if (lo < 0)
			return -1;
		tmp[i] = (unsigned char)(hi << 4 | lo);
	}
	if (hex[(size_t)2 * JVS_HASH_RAW] != '\0')
		return -1;
	memcpy(raw, tmp, sizeof tmp);
	return 0;
}

void jvs_hash_to_hex(const unsigned char raw[JVS_HASH_RAW], char hex[JVS_HASH_HEX])
{
	to_hex(raw, hex);
}

int jvs_hash_eq_hex(const unsigned char raw[JVS_HASH_RAW], const char *hex)
{
	unsigned char other[JVS_HASH_RAW];
	return jvs_hash_from_hex(hex, other) == 0 && !memcmp(raw, other, sizeof other);
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
