/* The zstd frames of compressed snapshot payloads (jvs/compress.h), which a
 * hostile repository can craft: the input is a 4-byte little-endian
 * manifest SIZE (at most 1 MiB) and the payload file's bytes. Decoding
 * never crashes and never writes more than SIZE bytes; what it accepts is
 * exactly SIZE bytes with the hash it reports. Compressing the payload and
 * decoding the frame gives the payload back. */
#include "fuzz.h"

#include "jvs/compress.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int mem_file(const void *data, size_t n)
{
	int fd = memfd_create("fuzz-zstd", MFD_CLOEXEC);
	const char *p = data;
	if (fd < 0)
		abort();
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			abort();
		p += w;
		n -= (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		abort();
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char got[JVS_HASH_HEX], again[JVS_HASH_HEX];
	struct stat st;
	int64_t want;
	int src, dst;
	if (size < 4)
		return 0;
	want = (int64_t)(data[0] | data[1] << 8 | data[2] << 16 | (uint32_t)data[3] << 24) %
	       ((1 << 20) + 1);
	src = mem_file(data + 4, size - 4);
	dst = mem_file("", 0);
	if (jvs_compress_decode(src, dst, want, got) == 0) {
		FUZZ_ASSERT(fstat(dst, &st) == 0 && st.st_size == want);
		FUZZ_ASSERT(lseek(dst, 0, SEEK_SET) == 0 && jvs_hash_fd(dst, again) == 0);
		FUZZ_ASSERT(!strcmp(got, again));
	} else {
		FUZZ_ASSERT(jvs_error_last()->cls == JVS_E_PAYLOAD_HASH_MISMATCH);
		FUZZ_ASSERT(fstat(dst, &st) == 0 && st.st_size <= want);
	}
	close(dst);
	jvs_error_clear();
	/* the writer: a frame of the payload decodes to the payload */
	dst = mem_file("", 0);
	if (lseek(src, 0, SEEK_SET) == 0) {
		int r = jvs_compress_file(src, dst, (int64_t)(size - 4), JVS_COMPRESS_FAST, got);
		FUZZ_ASSERT(r >= 0);
		jvs_hash_buf(data + 4, size - 4, again);
		if (r == 1) {
			FUZZ_ASSERT(!strcmp(got, again));
			FUZZ_ASSERT(fstat(dst, &st) == 0 && st.st_size < (off_t)(size - 4));
			FUZZ_ASSERT(jvs_compress_decode(dst, -1, (int64_t)(size - 4), got) == 0);
			FUZZ_ASSERT(!strcmp(got, again));
		} else {
			FUZZ_ASSERT(fstat(dst, &st) == 0 && st.st_size == 0);
		}
	}
	close(src);
	close(dst);
	jvs_error_clear();
	return 0;
}
