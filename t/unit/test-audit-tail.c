/* jvs_audit_last_line(): the last record of the audit log at any size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "error_int.h"

/* A log of a short first record, then a last record of `size` bytes
 * (without its newline), then `trailing` newlines. */
static int make_log(size_t size, int trailing, char **want)
{
	char path[] = "/tmp/jvs-audit-tail-XXXXXX";
	int fd = mkstemp(path);
	char *rec = malloc(size + 1);
	assert_true(fd >= 0);
	assert_non_null(rec);
	unlink(path);
	for (size_t i = 0; i < size; i++)
		rec[i] = (char)('a' + i % 26);
	rec[size] = '\0';
	assert_int_equal(write(fd, "{\"first\":1}\n", 12), 12);
	assert_int_equal(write(fd, rec, size), (ssize_t)size);
	for (int i = 0; i < trailing; i++)
		assert_int_equal(write(fd, "\n", 1), 1);
	*want = rec;
	return fd;
}

static void check_size(size_t size)
{
	char *want, *line = NULL;
	size_t len = 0;
	int fd = make_log(size, 1, &want);
	assert_int_equal(jvs_audit_last_line(fd, &line, &len), 0);
	if (size == 0) {
		/* an empty last line: the record before it is the last one */
		assert_non_null(line);
		assert_string_equal(line, "{\"first\":1}");
	} else {
		assert_non_null(line);
		assert_int_equal(len, size);
		assert_memory_equal(line, want, size);
		assert_int_equal(line[len], '\0');
	}
	free(line);
	free(want);
	close(fd);
}

static void test_0(void **s) { (void)s; check_size(0); }
static void test_1(void **s) { (void)s; check_size(1); }
static void test_63k(void **s) { (void)s; check_size(63 * 1024); }
static void test_64k_minus_1(void **s) { (void)s; check_size(JVS_AUDIT_TAIL_WINDOW - 1); }
static void test_64k(void **s) { (void)s; check_size(JVS_AUDIT_TAIL_WINDOW); }
static void test_64k_plus_1(void **s) { (void)s; check_size(JVS_AUDIT_TAIL_WINDOW + 1); }
static void test_65k(void **s) { (void)s; check_size(65 * 1024); }
static void test_1m(void **s) { (void)s; check_size(1024 * 1024); }
static void test_3m(void **s) { (void)s; check_size(3 * 1024 * 1024 + 7); }

static void test_empty_file(void **s)
{
	char path[] = "/tmp/jvs-audit-tail-XXXXXX";
	int fd = mkstemp(path);
	char *line = (char *)1;
	size_t len = 9;
	(void)s;
	unlink(path);
	assert_int_equal(jvs_audit_last_line(fd, &line, &len), 0);
	assert_null(line);
	assert_int_equal(len, 0);
	assert_int_equal(write(fd, "\n\n", 2), 2);
	assert_int_equal(jvs_audit_last_line(fd, &line, &len), 0);
	assert_null(line);
	close(fd);
}

/* The whole file is one record, no newline anywhere. */
static void test_single_record_no_newline(void **s)
{
	char path[] = "/tmp/jvs-audit-tail-XXXXXX";
	int fd = mkstemp(path);
	size_t size = 200000;
	char *rec = malloc(size), *line;
	size_t len;
	(void)s;
	unlink(path);
	assert_non_null(rec);
	memset(rec, 'x', size);
	assert_int_equal(write(fd, rec, size), (ssize_t)size);
	assert_int_equal(jvs_audit_last_line(fd, &line, &len), 0);
	assert_int_equal(len, size);
	assert_memory_equal(line, rec, size);
	free(line);
	free(rec);
	close(fd);
}

/* Many trailing newlines after a large record. */
static void test_trailing_newlines(void **s)
{
	char *want, *line;
	size_t len;
	int fd = make_log(70000, 5, &want);
	(void)s;
	assert_int_equal(jvs_audit_last_line(fd, &line, &len), 0);
	assert_int_equal(len, 70000);
	assert_memory_equal(line, want, len);
	free(line);
	free(want);
	close(fd);
}

/* More trailing newlines than one read of them (4096). */
static void test_many_trailing_newlines(void **s)
{
	char *want, *line;
	size_t len;
	int fd = make_log(100, 10000, &want);
	(void)s;
	assert_int_equal(jvs_audit_last_line(fd, &line, &len), 0);
	assert_int_equal(len, 100);
	assert_memory_equal(line, want, len);
	free(line);
	free(want);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_0),
		cmocka_unit_test(test_1),
		cmocka_unit_test(test_63k),
		cmocka_unit_test(test_64k_minus_1),
		cmocka_unit_test(test_64k),
		cmocka_unit_test(test_64k_plus_1),
		cmocka_unit_test(test_65k),
		cmocka_unit_test(test_1m),
		cmocka_unit_test(test_3m),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_single_record_no_newline),
		cmocka_unit_test(test_trailing_newlines),
		cmocka_unit_test(test_many_trailing_newlines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
