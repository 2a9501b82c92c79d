/* Sparse copies keep holes; the copy reads back the same bytes, and the
 * hash of a sparse file (holes hashed without being read) is the hash of
 * its logical bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "hash.h"
#include "sparse.h"

#define MIB (1024 * 1024)

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/jvs-test-sparse-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	jvs_rm_rf(dir);
	return 0;
}

static int make(const char *name, int flags)
{
	char p[128];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return open(p, O_RDWR | O_CREAT | flags, 0644);
}

/* 64 MiB logical: data at 0, 5 MiB, a hole at the end. */
static int sparse_src(void)
{
	int fd = make("src", O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "head", 4, 0), 4);
	assert_int_equal(pwrite(fd, "middle", 6, 5 * MIB), 6);
	assert_int_equal(ftruncate(fd, 64 * MIB), 0);
	return fd;
}

static void test_copy_keeps_holes(void **state)
{
	int src = sparse_src(), dst = make("dst", O_TRUNC | O_EXCL);
	struct stat ss, ds;
	char a[1 << 16], b[1 << 16];
	(void)state;
	assert_true(dst >= 0);
	assert_int_equal(fstat(src, &ss), 0);
	if ((off_t)ss.st_blocks * 512 >= ss.st_size)
		skip(); /* /tmp stores no holes */
	assert_int_equal(jvs_copy_file_data(src, dst, (uint64_t)ss.st_size), 0);
	assert_int_equal(fstat(dst, &ds), 0);
	assert_int_equal(ds.st_size, 64 * MIB);
	assert_true(ds.st_blocks * 512 < 4 * MIB); /* not 64 MiB */
	for (off_t off = 0; off < 64 * MIB; off += (off_t)sizeof a) {
		assert_int_equal(pread(src, a, sizeof a, off), sizeof a);
		assert_int_equal(pread(dst, b, sizeof b, off), sizeof b);
		assert_memory_equal(a, b, sizeof a);
	}
	close(src);
	close(dst);
}

static void test_hash_is_of_logical_bytes(void **state)
{
	int src = sparse_src(), dense = make("dense", O_TRUNC);
	char hs[JVS_HASH_HEX], hd[JVS_HASH_HEX], *buf = calloc(1, MIB);
	(void)state;
	assert_non_null(buf);
	for (off_t off = 0; off < 64 * MIB; off += MIB) { /* the same bytes, all written */
		assert_int_equal(pread(src, buf, MIB, off), MIB);
		assert_int_equal(pwrite(dense, buf, MIB, off), MIB);
	}
	assert_int_equal(lseek(src, 0, SEEK_SET), 0);
	assert_int_equal(jvs_hash_fd(src, hs), 0);
	assert_int_equal(lseek(src, 0, SEEK_CUR), 64 * MIB); /* at the end, as read() leaves it */
	assert_int_equal(lseek(dense, 0, SEEK_SET), 0);
	assert_int_equal(jvs_hash_fd(dense, hd), 0);
	assert_string_equal(hs, hd);
	free(buf);
	close(src);
	close(dense);
}

static void test_dense_and_empty_are_not_sparse(void **state)
{
	int src = make("d1", O_TRUNC), dst = make("d2", O_TRUNC);
	(void)state;
	assert_int_equal(jvs_sparse_copy(src, dst), 1); /* empty */
	assert_int_equal(write(src, "abc", 3), 3);
	assert_int_equal(jvs_sparse_copy(src, dst), 1); /* dense */
	close(src);
	close(dst);
}

/* Trailing hole only, and a file that is all hole. */
static void test_all_hole(void **state)
{
	int src = make("h1", O_TRUNC), dst = make("h2", O_TRUNC);
	struct stat st;
	char c = 1;
	(void)state;
	assert_int_equal(ftruncate(src, 8 * MIB), 0);
	assert_int_equal(jvs_copy_file_data(src, dst, 8 * MIB), 0);
	assert_int_equal(fstat(dst, &st), 0);
	assert_int_equal(st.st_size, 8 * MIB);
	assert_int_equal(pread(dst, &c, 1, 8 * MIB - 1), 1);
	assert_int_equal(c, 0);
	close(src);
	close(dst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_keeps_holes),
		cmocka_unit_test(test_hash_is_of_logical_bytes),
		cmocka_unit_test(test_dense_and_empty_are_not_sparse),
		cmocka_unit_test(test_all_hole),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
