/* jvs_error_save / jvs_error_restore: the last error survives cleanup that
 * overwrites it, class, message and hint alike, and can be handed from one
 * thread to another. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "jvs/error.h"

static void set_sample(void)
{
	jvs_error_set(JVS_E_LOCKED, "worktree 'main' is locked by pid %d", 42);
	jvs_error_hint("wait for it, or pass --wait %d", 5);
}

static void test_round_trip(void **state)
{
	(void)state;
	set_sample();
	jvs_error saved = jvs_error_save();
	/* cleanup that fails on its own and replaces the slot */
	errno = ENOENT;
	jvs_error_sys("cannot remove '%s'", "/tmp/x");
	assert_int_equal(jvs_error_last()->cls, JVS_E_IO);
	jvs_error_clear();
	assert_int_equal(jvs_error_restore(&saved), -1);
	const jvs_error *e = jvs_error_last();
	assert_int_equal(e->cls, JVS_E_LOCKED);
	assert_string_equal(e->message, "worktree 'main' is locked by pid 42");
	assert_string_equal(e->hint, "wait for it, or pass --wait 5");
}

/* An ENOSPC error carries a hint of its own: that is the one that used to
 * be lost when only class and message were put back. */
static void test_sys_hint_kept(void **state)
{
	(void)state;
	errno = ENOSPC;
	jvs_error_sys("cannot write '%s'", "READY");
	jvs_error saved = jvs_error_save();
	jvs_error_set(JVS_E_INTERNAL, "something else");
	jvs_error_restore(&saved);
	assert_int_equal(jvs_error_last()->cls, JVS_E_IO);
	assert_string_equal(jvs_error_last()->message,
			    "cannot write 'READY': No space left on device");
	assert_string_equal(jvs_error_last()->hint, "free some space on the file system and retry");
}

static void test_no_hint_stays_none(void **state)
{
	(void)state;
	jvs_error_set(JVS_E_NOT_FOUND, "no snapshot 'x'");
	jvs_error saved = jvs_error_save();
	set_sample();
	jvs_error_restore(&saved);
	assert_int_equal(jvs_error_last()->cls, JVS_E_NOT_FOUND);
	assert_string_equal(jvs_error_last()->message, "no snapshot 'x'");
	assert_string_equal(jvs_error_last()->hint, "");
}

/* A message that fills its slot comes back byte for byte. */
static void test_full_message(void **state)
{
	(void)state;
	char big[sizeof(((jvs_error *)0)->message) + 100];
	memset(big, 'm', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	jvs_error_set(JVS_E_PATH_ESCAPE, "%s", big);
	jvs_error saved = jvs_error_save();
	jvs_error_clear();
	jvs_error_restore(&saved);
	assert_memory_equal(jvs_error_last(), &saved, sizeof saved);
}

/* Restoring the slot onto itself is harmless. */
static void test_restore_self(void **state)
{
	(void)state;
	set_sample();
	jvs_error_restore(jvs_error_last());
	assert_string_equal(jvs_error_last()->hint, "wait for it, or pass --wait 5");
}

static void *worker(void *arg)
{
	jvs_error *out = arg;
	errno = EACCES;
	jvs_error_sys("cannot open '%s'", "f");
	*out = jvs_error_save();
	return NULL;
}

/* The last error is per thread: a worker's saved error, restored by the
 * thread that joins it, becomes that thread's error. */
static void test_across_threads(void **state)
{
	(void)state;
	jvs_error got;
	pthread_t t;
	jvs_error_clear();
	assert_int_equal(pthread_create(&t, NULL, worker, &got), 0);
	pthread_join(t, NULL);
	assert_int_equal(jvs_error_last()->cls, JVS_OK);
	jvs_error_restore(&got);
	assert_int_equal(jvs_error_last()->cls, JVS_E_IO);
	assert_string_equal(jvs_error_last()->message, "cannot open 'f': Permission denied");
	assert_string_equal(jvs_error_last()->hint, "check the permissions of the repository");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_sys_hint_kept),
		cmocka_unit_test(test_no_hint_stays_none),
		cmocka_unit_test(test_full_message),
		cmocka_unit_test(test_restore_self),
		cmocka_unit_test(test_across_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
