/* Error classes, names and exit codes (SPEC §12). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "error_int.h"

static const struct {
	jvs_error_class cls;
	const char *name;
	int exit_code;
} table[] = {
	{JVS_OK, "OK", 0},
	{JVS_E_IO, "E_IO", 1},
	{JVS_E_EXISTS, "E_EXISTS", 1},
	{JVS_E_NO_WORKTREE, "E_NO_WORKTREE", 1},
	{JVS_E_NOT_A_REPO, "E_NOT_A_REPO", 1},
	{JVS_E_UNSUPPORTED_FILE, "E_UNSUPPORTED_FILE", 1},
	{JVS_E_INTERNAL, "E_INTERNAL", 1},
	{JVS_E_USAGE, "E_USAGE", 2},
	{JVS_E_NAME_INVALID, "E_NAME_INVALID", 2},
	{JVS_E_PATH_ESCAPE, "E_PATH_ESCAPE", 2},
	{JVS_E_NOT_FOUND, "E_NOT_FOUND", 3},
	{JVS_E_AMBIGUOUS, "E_AMBIGUOUS", 3},
	{JVS_E_DESCRIPTOR_CORRUPT, "E_DESCRIPTOR_CORRUPT", 4},
	{JVS_E_PAYLOAD_HASH_MISMATCH, "E_PAYLOAD_HASH_MISMATCH", 4},
	{JVS_E_LINEAGE_BROKEN, "E_LINEAGE_BROKEN", 4},
	{JVS_E_PARTIAL_SNAPSHOT, "E_PARTIAL_SNAPSHOT", 4},
	{JVS_E_AUDIT_CHAIN_BROKEN, "E_AUDIT_CHAIN_BROKEN", 4},
	{JVS_E_FORMAT_UNSUPPORTED, "E_FORMAT_UNSUPPORTED", 4},
	{JVS_E_LOCKED, "E_LOCKED", 5},
	{JVS_E_GC_PLAN_MISMATCH, "E_GC_PLAN_MISMATCH", 5},
	{JVS_E_DIRTY, "E_DIRTY", 5},
	{JVS_E_HOOK, "E_HOOK", 5},
};

static void test_table_complete(void **state)
{
	(void)state;
	/* every class of the enum is in the SPEC table above, once */
	assert_int_equal(sizeof table / sizeof *table, JVS_E__COUNT);
	for (size_t i = 0; i < sizeof table / sizeof *table; i++)
		assert_int_equal(table[i].cls, (jvs_error_class)i);
}

static void test_exit_codes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
		if (jvs_error_exit_code(table[i].cls) != table[i].exit_code)
			fail_msg("%s: exit %d, want %d", table[i].name,
				 jvs_error_exit_code(table[i].cls), table[i].exit_code);
	}
	/* out of range is an internal failure, never success */
	assert_int_equal(jvs_error_exit_code(JVS_E__COUNT), 1);
	assert_int_equal(jvs_error_exit_code((jvs_error_class)-1), 1);
}

static void test_class_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof table / sizeof *table; i++)
		assert_string_equal(jvs_error_class_name(table[i].cls), table[i].name);
	assert_string_equal(jvs_error_class_name(JVS_E__COUNT), "E_INTERNAL");
	assert_string_equal(jvs_error_class_name((jvs_error_class)-5), "E_INTERNAL");
}

static void test_last_error(void **state)
{
	(void)state;
	jvs_error_clear();
	assert_int_equal(jvs_error_last()->cls, JVS_OK);
	assert_string_equal(jvs_error_last()->message, "");

	assert_int_equal(jvs_error_set(JVS_E_NOT_FOUND, "no snapshot matches '%s'", "x"), -1);
	assert_int_equal(jvs_error_last()->cls, JVS_E_NOT_FOUND);
	assert_string_equal(jvs_error_last()->message, "no snapshot matches 'x'");
	assert_string_equal(jvs_error_last()->hint, "");
	assert_int_equal(jvs_error_hint("see '%s'", "jvs history --all"), -1);
	assert_string_equal(jvs_error_last()->hint, "see 'jvs history --all'");
	assert_int_equal(jvs_error_last()->cls, JVS_E_NOT_FOUND);

	/* a new error drops the old hint */
	jvs_error_set(JVS_E_LOCKED, "busy");
	assert_string_equal(jvs_error_last()->hint, "");

	errno = ENOENT;
	assert_int_equal(jvs_error_sys("cannot open '%s'", "f"), -1);
	assert_int_equal(jvs_error_last()->cls, JVS_E_IO);
	assert_string_equal(jvs_error_last()->message,
			    "cannot open 'f': No such file or directory");
	assert_int_equal(errno, ENOENT);

	/* an over-long message is truncated, not overflowed */
	{
		char big[4096];
		memset(big, 'm', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		jvs_error_set(JVS_E_IO, "%s", big);
		assert_int_equal(strlen(jvs_error_last()->message),
				 sizeof jvs_error_last()->message - 1);
	}
	jvs_error_clear();
	assert_int_equal(jvs_error_last()->cls, JVS_OK);
}

/* A path longer than PATH_MAX: the message keeps its head, its tail and the
 * errno text, with "..." in the middle, within the slot. */
static void test_long_message_keeps_errno(void **state)
{
	static char path[3 * 4096];
	const jvs_error *e;
	size_t n;
	(void)state;
	memset(path, 'a', sizeof path - 1);
	memcpy(path + sizeof path - 9, "/the-end", 9);
	errno = ENAMETOOLONG;
	assert_int_equal(jvs_error_sys("cannot open '%s'", path), -1);
	e = jvs_error_last();
	n = strlen(e->message);
	assert_true(n < sizeof e->message);
	assert_true(n > sizeof e->message - 8);
	assert_non_null(strstr(e->message, "cannot open 'aaa"));
	assert_non_null(strstr(e->message, "..."));
	assert_non_null(strstr(e->message, "/the-end': "));
	assert_non_null(strstr(e->message, strerror(ENAMETOOLONG)));
	assert_int_equal(errno, ENAMETOOLONG);
	/* the same for jvs_error_set, and never a cut UTF-8 sequence */
	for (size_t i = 0; i + 1 < sizeof path - 9; i += 2)
		memcpy(path + i, "\xc3\xa9", 2);
	jvs_error_set(JVS_E_NOT_FOUND, "x%s", path);
	e = jvs_error_last();
	assert_non_null(strstr(e->message, "/the-end"));
	for (const unsigned char *p = (const unsigned char *)e->message; *p; p++)
		if (*p == '.' && p[1] == '.' && p[2] == '.') {
			assert_true(p[-1] == 0xa9);
			assert_true(p[3] == 0xc3);
			break;
		}
}

static void test_eperm_hint_names_file(void **state)
{
	const jvs_error *e;
	(void)state;
	errno = EPERM;
	jvs_error_sys("cannot put '%s' in place", "dir/frozen");
	e = jvs_error_last();
	assert_non_null(strstr(e->hint, "'dir/frozen'"));
	assert_non_null(strstr(e->hint, "immutable"));
	assert_non_null(strstr(e->hint, "append-only"));
	errno = EPERM;
	jvs_error_sys("cannot do it");
	assert_non_null(strstr(jvs_error_last()->hint, "immutable"));
	errno = EACCES;
	jvs_error_sys("cannot open '%s'", "x");
	assert_non_null(strstr(jvs_error_last()->hint, "permissions"));
	assert_null(strstr(jvs_error_last()->hint, "immutable"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_complete),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_class_names),
		cmocka_unit_test(test_last_error),
		cmocka_unit_test(test_long_message_keeps_errno),
		cmocka_unit_test(test_eperm_hint_names_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
