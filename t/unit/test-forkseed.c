/* The fork seed's acceptance rule (forkseed.h): a forked worktree's file
 * takes the snapshot's hash only as the clone made it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/stat.h>

#include "forkseed.h"

#define SEC 1000000000LL
#define T (1000 * SEC) /* the clock before the clone */

static jvs_manifest_entry e;
static jvs_stat_meta rec;
static jvs_filekey key;

static int setup(void **state)
{
	(void)state;
	memset(&e, 0, sizeof e);
	e.path = "d/f";
	e.type = JVS_ENT_FILE;
	e.mode = 0644;
	e.size = 12;
	memset(e.hash_raw, 0xaa, JVS_HASH_RAW);
	memset(&rec, 0, sizeof rec);
	rec.mtime_ns = 500 * SEC + 7;
	rec.ctime_ns = 600 * SEC + 9;
	rec.mode = S_IFREG | 0644;
	rec.ok = 1;
	memset(&key, 0, sizeof key);
	key.mtime_ns = rec.mtime_ns;
	key.ctime_ns = rec.ctime_ns;
	key.size = 12;
	key.mode = S_IFREG | 0644;
	key.ino = 99; /* a clone's inode: never the snapshot's */
	return 0;
}

static void test_untouched_clone(void **state)
{
	(void)state;
	assert_true(jvs_forkseed_accept(&e, &rec, &key, T));
}

static void test_times(void **state)
{
	(void)state;
	key.ctime_ns++; /* written, renamed, chmod'ed... after the clone */
	assert_false(jvs_forkseed_accept(&e, &rec, &key, T));
	key.ctime_ns = rec.ctime_ns;
	key.mtime_ns--; /* touch -d */
	assert_false(jvs_forkseed_accept(&e, &rec, &key, T));
	key.mtime_ns = rec.mtime_ns;
	assert_false(jvs_forkseed_accept(&e, &rec, &key, rec.ctime_ns)); /* ctime at T */
	/* within the margin of T: not believed; just past it: believed */
	assert_false(jvs_forkseed_accept(&e, &rec, &key, rec.ctime_ns + JVS_FORKSEED_MARGIN_NS));
	assert_true(jvs_forkseed_accept(&e, &rec, &key, rec.ctime_ns + JVS_FORKSEED_MARGIN_NS + 1));
}

static void test_unknown_ctime(void **state)
{
	(void)state;
	rec.ctime_ns = key.ctime_ns = 0; /* a record made before ctimes were kept */
	assert_false(jvs_forkseed_accept(&e, &rec, &key, T));
	setup(NULL);
	rec.ok = 0;
	assert_false(jvs_forkseed_accept(&e, &rec, &key, T));
	assert_false(jvs_forkseed_accept(&e, NULL, &key, T));
	assert_false(jvs_forkseed_accept(NULL, &rec, &key, T));
}

static void test_size_mode_type(void **state)
{
	(void)state;
	key.size = 13;
	assert_false(jvs_forkseed_accept(&e, &rec, &key, T));
	key.size = 12;
	key.mode = S_IFREG | 0600;
	assert_false(jvs_forkseed_accept(&e, &rec, &key, T));
	/* record and manifest disagree: the record is not believed */
	key.mode = rec.mode = S_IFREG | 0600;
	assert_false(jvs_forkseed_accept(&e, &rec, &key, T));
	e.mode = 0600;
	assert_true(jvs_forkseed_accept(&e, &rec, &key, T));
	e.type = JVS_ENT_SYMLINK;
	assert_false(jvs_forkseed_accept(&e, &rec, &key, T));
	e.type = JVS_ENT_FILE;
	key.mode = rec.mode = S_IFLNK | 0600;
	assert_false(jvs_forkseed_accept(&e, &rec, &key, T));
}

static void test_xattrs(void **state)
{
	(void)state;
	e.xattrs = "user.a=1";
	assert_false(jvs_forkseed_accept(&e, &rec, &key, T));
	e.xattrs = "";
	assert_true(jvs_forkseed_accept(&e, &rec, &key, T));
	e.type = JVS_ENT_SYMLINK; /* files only */
	assert_false(jvs_forkseed_accept(&e, &rec, &key, T));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_untouched_clone, setup),
		cmocka_unit_test_setup(test_times, setup),
		cmocka_unit_test_setup(test_unknown_ctime, setup),
		cmocka_unit_test_setup(test_size_mode_type, setup),
		cmocka_unit_test_setup(test_xattrs, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
