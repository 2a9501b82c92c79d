/* The public API's return convention (jvs/error.h): a failing public
 * function returns the negated class of the last error, message and hint
 * kept; an options struct of another version is E_USAGE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "error_int.h"
#include "jvs/jvs.h"

static void test_error_rc(void **state)
{
	(void)state;
	jvs_error_clear();
	assert_int_equal(jvs_error_rc(0), 0);
	assert_int_equal(jvs_error_rc(3), 3);
	jvs_error_set(JVS_E_LOCKED, "busy");
	jvs_error_hint("wait");
	assert_int_equal(jvs_error_rc(-1), -JVS_E_LOCKED);
	assert_int_equal(jvs_error_code(), -JVS_E_LOCKED);
	assert_string_equal(jvs_error_last()->message, "busy");
	assert_string_equal(jvs_error_last()->hint, "wait");
	/* a failure that set nothing is still a class */
	jvs_error_clear();
	assert_int_equal(jvs_error_rc(-1), -JVS_E_INTERNAL);
	assert_int_equal(jvs_error_last()->cls, JVS_E_INTERNAL);
}

static void test_not_a_repo(void **state)
{
	jvs_repo *r = NULL;
	(void)state;
	assert_int_equal(jvs_repo_open(&r, "/"), -JVS_E_NOT_A_REPO);
	assert_null(r);
	assert_non_null(strstr(jvs_error_last()->message, "not inside a JVS repository"));
	assert_true(jvs_error_last()->hint[0] != '\0');
}

static void test_plain_failures_keep_their_class(void **state)
{
	jvs_gc_policy p;
	int64_t ms;
	(void)state;
	memset(&p, 0, sizeof p);
	assert_int_equal(jvs_gc_policy_set_within(&p, "soon"), -JVS_E_USAGE);
	assert_int_equal(jvs_pin_parse_expiry("whenever", 0, &ms), -JVS_E_USAGE);
	jvs_gc_policy_clear(&p);
}

static void test_opts_version(void **state)
{
	jvs_snapshot_opts so = JVS_SNAPSHOT_OPTS_INIT;
	jvs_restore_opts ro = JVS_RESTORE_OPTS_INIT;
	jvs_history_opts ho = JVS_HISTORY_OPTS_INIT;
	jvs_gc_run_opts go = JVS_GC_RUN_OPTS_INIT;
	jvs_verify_opts vo = JVS_VERIFY_OPTS_INIT;
	jvs_worktree_fork_opts fo = JVS_WORKTREE_FORK_OPTS_INIT;
	jvs_gc_result gr;
	(void)state;
	assert_int_equal(so.version, JVS_SNAPSHOT_OPTS_VERSION);
	assert_int_equal(ro.version, JVS_RESTORE_OPTS_VERSION);
	assert_int_equal(ho.version, JVS_HISTORY_OPTS_VERSION);
	assert_int_equal(vo.version, JVS_VERIFY_OPTS_VERSION);
	assert_int_equal(fo.version, JVS_WORKTREE_FORK_OPTS_VERSION);
	/* checked before the repository is touched */
	go.version = 0;
	assert_int_equal(jvs_gc_run(NULL, "x", &go, &gr), -JVS_E_USAGE);
	assert_non_null(strstr(jvs_error_last()->message, "jvs_gc_run_opts"));
	fo.version = 99;
	assert_int_equal(jvs_worktree_fork(NULL, "x", "y", &fo), -JVS_E_USAGE);
	vo.version = 2;
	assert_null(jvs_verifier_new(NULL, &vo));
	assert_int_equal(jvs_error_last()->cls, JVS_E_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_rc),
		cmocka_unit_test(test_not_a_repo),
		cmocka_unit_test(test_plain_failures_keep_their_class),
		cmocka_unit_test(test_opts_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
