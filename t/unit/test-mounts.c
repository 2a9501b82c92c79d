/* The mount table iterator that mount-point refusals, the engine's file
 * system detection and the hash cache's volume identity share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mounts.h"

typedef struct {
	int seen, root, stop_at;
} count_ctx;

static int count_one(const jvs_mountinfo *m, void *arg)
{
	count_ctx *c = arg;
	c->seen++;
	assert_non_null(m->mount_point);
	assert_non_null(m->fstype);
	assert_true(m->mount_point[0] == '/');
	assert_true(m->fstype[0] != '\0');
	if (!strcmp(m->mount_point, "/"))
		c->root++;
	return c->stop_at && c->seen == c->stop_at ? 7 : 0;
}

static void lists_every_mount_with_root(void **state)
{
	count_ctx c = {0};
	(void)state;
	assert_int_equal(jvs_mountinfo_each(count_one, &c), 0);
	assert_true(c.seen >= 1);
	assert_true(c.root >= 1);
}

static void stops_when_the_callback_says_so(void **state)
{
	count_ctx c = {0};
	(void)state;
	c.stop_at = 1;
	assert_int_equal(jvs_mountinfo_each(count_one, &c), 7);
	assert_int_equal(c.seen, 1);
}

static void nothing_is_mounted_below_a_fresh_directory(void **state)
{
	char out[256] = "";
	(void)state;
	assert_int_equal(jvs_mount_below("/nonexistent-jvs-dir", out, sizeof out), 0);
	assert_int_equal(jvs_mount_below("/", out, sizeof out), 1); /* /proc at least */
	assert_true(out[0] == '/' && out[1] != '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lists_every_mount_with_root),
		cmocka_unit_test(stops_when_the_callback_says_so),
		cmocka_unit_test(nothing_is_mounted_below_a_fresh_directory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
