/* The scan: the parallel walk lists what the single-threaded one lists
 * (more entries than one batch, so every worker appends several); the
 * check walk tells an unchanged tree from any change of it, and the keyed
 * walk (of a clone) lists a tree in another scan's order or says it holds
 * other paths; with one thread or several. */
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
#include "scan.h"

#define DIRS 6
#define FILES 700 /* 4,206 entries: over the parallel walk's batch of 1,024 */

static char dir[64];

static void put(const char *rel, const char *data)
{
	char p[256];
	int fd;
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
}

static int setup(void **state)
{
	char p[256];
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/jvs-test-scan-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	for (int d = 0; d < DIRS; d++) {
		snprintf(p, sizeof p, "%s/d%d", dir, d);
		if (mkdir(p, 0755) < 0)
			return -1;
		for (int f = 0; f < FILES; f++) {
			snprintf(p, sizeof p, "d%d/f%03d", d, f);
			put(p, "x");
		}
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unsetenv("JVS_WALK_THREADS");
	jvs_rm_rf(dir);
	return 0;
}

static void test_parallel_lists_the_same(void **state)
{
	jvs_scan one, many;
	(void)state;
	setenv("JVS_WALK_THREADS", "1", 1);
	assert_int_equal(jvs_scan_tree(dir, &one), 0);
	setenv("JVS_WALK_THREADS", "4", 1);
	assert_int_equal(jvs_scan_tree(dir, &many), 0);
	assert_int_equal(one.n, DIRS * (FILES + 1));
	assert_int_equal(many.n, one.n);
	for (size_t i = 0; i < one.n; i++) {
		assert_string_equal(many.e[i].path, one.e[i].path);
		assert_int_equal(many.e[i].type, one.e[i].type);
		assert_true(jvs_filekey_equal(&many.e[i].key, &one.e[i].key));
	}
	jvs_scan_clear(&one);
	jvs_scan_clear(&many);
}

static int check(const jvs_scan *against)
{
	int same = -1;
	assert_int_equal(jvs_scan_tree_check(dir, against, &same), 0);
	assert_true(same == 0 || same == 1);
	return same;
}

/* Each change, seen by the check walk with 1 and with 4 threads. */
static void check_changes(const char *threads)
{
	jvs_scan s;
	char p[256];
	setenv("JVS_WALK_THREADS", threads, 1);
	assert_int_equal(jvs_scan_tree(dir, &s), 0);
	assert_int_equal(check(&s), 1);

	put("d1/f010", "y"); /* same size, new ctime and mtime */
	assert_int_equal(check(&s), 0);
	jvs_scan_clear(&s);
	assert_int_equal(jvs_scan_tree(dir, &s), 0);

	put("d2/new", "n"); /* one more */
	assert_int_equal(check(&s), 0);
	snprintf(p, sizeof p, "%s/d2/new", dir);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(check(&s), 0); /* d2's mtime moved */
	jvs_scan_clear(&s);
	assert_int_equal(jvs_scan_tree(dir, &s), 0);

	snprintf(p, sizeof p, "%s/d3/f000", dir); /* one fewer */
	assert_int_equal(unlink(p), 0);
	jvs_scan_clear(&s);
	assert_int_equal(jvs_scan_tree(dir, &s), 0);
	put("d3/f000", "x");
	assert_int_equal(check(&s), 0);
	jvs_scan_clear(&s);
	assert_int_equal(jvs_scan_tree(dir, &s), 0);
	assert_int_equal(check(&s), 1);

	snprintf(p, sizeof p, "%s/d4/f001", dir); /* a mode change moves only the ctime */
	assert_int_equal(chmod(p, 0600), 0);
	assert_int_equal(check(&s), 0);
	jvs_scan_clear(&s);
}

static void test_check_single(void **state)
{
	(void)state;
	check_changes("1");
}

static void test_check_parallel(void **state)
{
	(void)state;
	check_changes("4");
}

static void keyed(const char *threads)
{
	jvs_scan s, k;
	char p[256];
	int all = -1;
	setenv("JVS_WALK_THREADS", threads, 1);
	assert_int_equal(jvs_scan_tree(dir, &s), 0);
	assert_int_equal(jvs_scan_tree_keyed(dir, &s, &k, &all), 0);
	assert_int_equal(all, 1);
	assert_int_equal(k.n, s.n);
	for (size_t i = 0; i < s.n; i++) {
		assert_ptr_equal(k.e[i].path, s.e[i].path); /* borrowed */
		assert_int_equal(k.e[i].type, s.e[i].type);
		assert_true(jvs_filekey_equal(&k.e[i].key, &s.e[i].key));
	}
	jvs_scan_clear(&k);

	put("d5/extra", "e"); /* a path s does not have */
	assert_int_equal(jvs_scan_tree_keyed(dir, &s, &k, &all), 0);
	assert_int_equal(all, 0);
	assert_int_equal(k.n, 0);
	assert_null(k.e);
	snprintf(p, sizeof p, "%s/d5/extra", dir);
	assert_int_equal(unlink(p), 0);

	snprintf(p, sizeof p, "%s/d5/f100", dir); /* one of s's paths missing */
	assert_int_equal(unlink(p), 0);
	assert_int_equal(jvs_scan_tree_keyed(dir, &s, &k, &all), 0);
	assert_int_equal(all, 0);
	assert_int_equal(k.n, 0);
	put("d5/f100", "x");
	jvs_scan_clear(&s);
}

static void test_keyed_single(void **state)
{
	(void)state;
	keyed("1");
}

static void test_keyed_parallel(void **state)
{
	(void)state;
	keyed("4");
}

/* A clone's keys match the walk's whatever its inodes and devices, and
 * not once any other attribute of one entry moved. */
static void test_clone_matches(void **state)
{
	jvs_scan s, k;
	int all = -1;
	(void)state;
	assert_int_equal(jvs_scan_tree(dir, &s), 0);
	assert_int_equal(jvs_scan_tree_keyed(dir, &s, &k, &all), 0);
	assert_int_equal(all, 1);
	assert_int_equal(jvs_scan_clone_matches(&s, &k), 1);
	for (size_t i = 0; i < k.n; i++) {
		k.e[i].key.ino += 1000;
		k.e[i].key.dev += 1;
	}
	assert_int_equal(jvs_scan_clone_matches(&s, &k), 1);
	for (int what = 0; what < 7; what++) {
		jvs_scan_entry *e = &k.e[k.n / 2], was = *e;
		switch (what) {
		case 0: e->key.size++; break;
		case 1: e->key.mtime_ns++; break;
		case 2: e->key.ctime_ns++; break;
		case 3: e->key.mode ^= 1; break;
		case 4: e->key.uid++; break;
		case 5: e->key.gid++; break;
		default: e->type = e->type == JVS_ENT_DIR ? JVS_ENT_FILE : JVS_ENT_DIR; break;
		}
		assert_int_equal(jvs_scan_clone_matches(&s, &k), 0);
		*e = was;
	}
	k.n--;
	assert_int_equal(jvs_scan_clone_matches(&s, &k), 0);
	jvs_scan_clear(&k);
	jvs_scan_clear(&s);
}

static void test_check_against_empty(void **state)
{
	jvs_scan none = {0};
	(void)state;
	assert_int_equal(check(&none), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parallel_lists_the_same),
		cmocka_unit_test(test_check_single),
		cmocka_unit_test(test_check_parallel),
		cmocka_unit_test(test_check_against_empty),
		cmocka_unit_test(test_keyed_single),
		cmocka_unit_test(test_keyed_parallel),
		cmocka_unit_test(test_clone_matches),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
