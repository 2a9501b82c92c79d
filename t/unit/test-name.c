/* Names, tags and snapshot ids (SPEC §3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error_int.h"
#include "name.h"

static void assert_invalid_class(void)
{
	assert_int_equal(jvs_error_last()->cls, JVS_E_NAME_INVALID);
	assert_int_equal(jvs_error_exit_code(jvs_error_last()->cls), 2);
	assert_true(jvs_error_last()->message[0] != '\0');
}

static void assert_name_invalid(const char *name)
{
	jvs_error_clear();
	assert_int_equal(jvs_name_validate(name, "worktree name"), -1);
	assert_invalid_class();
	jvs_error_clear();
	assert_int_equal(jvs_tag_validate(name), -1);
	assert_invalid_class();
}

static void test_valid_names(void **state)
{
	static const char *const good[] = {"main", "a", "A", "0", "exp-1", "v1.2.3", "under_score",
					   "..a", "a..", ".hidden", "-dash", "MiXeD.case_9-x"};
	char max[JVS_NAME_MAX + 1];
	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		assert_int_equal(jvs_name_validate(good[i], "worktree name"), 0);
		assert_int_equal(jvs_tag_validate(good[i]), 0);
	}
	memset(max, 'x', JVS_NAME_MAX);
	max[JVS_NAME_MAX] = '\0';
	assert_int_equal(jvs_name_validate(max, "worktree name"), 0);
	assert_int_equal(jvs_tag_validate(max), 0);
	/* HEAD is reserved only as a tag */
	assert_int_equal(jvs_name_validate("HEAD", "worktree name"), 0);
	assert_int_equal(jvs_tag_validate("head"), 0);
}

static void test_invalid_names(void **state)
{
	static const char *const bad[] = {
		"",	   ".",	      "..",	   "../x", "a/b",  "/abs", "a b",	"x\ty",
		"x\ny",	   "\x01",    "a\x7f",	   "a*",   "a?",   "a[b]", "tag:x",	"a\\b",
		"caf\xc3\xa9", /* non-ASCII (UTF-8 e-acute) */
		"\xe2\x80\x8b", /* zero-width space */
	};
	char long_name[JVS_NAME_MAX + 2];
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_name_invalid(bad[i]);
	memset(long_name, 'x', JVS_NAME_MAX + 1);
	long_name[JVS_NAME_MAX + 1] = '\0';
	assert_int_equal(strlen(long_name), 129);
	assert_name_invalid(long_name);
	jvs_error_clear();
	assert_int_equal(jvs_name_validate(NULL, "worktree name"), -1);
	assert_invalid_class();
}

static void test_invalid_message_names_kind(void **state)
{
	(void)state;
	jvs_error_clear();
	assert_int_equal(jvs_name_validate("a/b", "worktree name"), -1);
	assert_non_null(strstr(jvs_error_last()->message, "worktree name"));
	jvs_error_clear();
	assert_int_equal(jvs_tag_validate("a/b"), -1);
	assert_non_null(strstr(jvs_error_last()->message, "tag"));
	/* control characters are not echoed raw into the message */
	jvs_error_clear();
	assert_int_equal(jvs_tag_validate("a\nb"), -1);
	assert_null(strchr(jvs_error_last()->message, '\n'));
}

static void test_head_tag_reserved(void **state)
{
	(void)state;
	jvs_error_clear();
	assert_int_equal(jvs_tag_validate("HEAD"), -1);
	assert_invalid_class();
	assert_non_null(strstr(jvs_error_last()->message, "HEAD"));
}

/* 13 digits, '-', 8 lowercase hex digits. */
static int id_format_ok(const char *id)
{
	if (strlen(id) != 22)
		return 0;
	for (int i = 0; i < 13; i++)
		if (id[i] < '0' || id[i] > '9')
			return 0;
	if (id[13] != '-')
		return 0;
	for (int i = 14; i < 22; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return 0;
	return 1;
}

static void test_id_generate_format(void **state)
{
	char id[JVS_ID_BUF];
	(void)state;
	assert_int_equal(jvs_id_generate(1708300800000LL, id), 0);
	assert_true(id_format_ok(id));
	assert_true(jvs_id_is_valid(id));
	assert_memory_equal(id, "1708300800000-", 14);
	assert_int_equal(jvs_id_ms(id), 1708300800000LL);

	/* zero padding to 13 digits */
	assert_int_equal(jvs_id_generate(42, id), 0);
	assert_true(id_format_ok(id));
	assert_memory_equal(id, "0000000000042-", 14);
	assert_int_equal(jvs_id_ms(id), 42);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static void test_id_unique_same_ms(void **state)
{
	enum { N = 1000 };
	char(*ids)[JVS_ID_BUF] = calloc(N, sizeof *ids);
	(void)state;
	assert_non_null(ids);
	for (int i = 0; i < N; i++) {
		assert_int_equal(jvs_id_generate(1708300800000LL, ids[i]), 0);
		assert_true(jvs_id_is_valid(ids[i]));
	}
	qsort(ids, N, sizeof *ids, cmp_str);
	for (int i = 1; i < N; i++)
		assert_string_not_equal(ids[i - 1], ids[i]);
	free(ids);
}

/* A random part of decimal digits only (2.3% of draws) would read as a
 * timestamp prefix, so its short form could not be typed back: never made. */
static void test_id_random_part_has_a_letter(void **state)
{
	char id[JVS_ID_BUF];
	(void)state;
	for (int i = 0; i < 2000; i++) {
		assert_int_equal(jvs_id_generate(1708300800000LL, id), 0);
		assert_true(strspn(id + 14, "0123456789") < 8);
		assert_ptr_equal(jvs_id_short(id), id + 14);
	}
}

static void test_id_is_valid(void **state)
{
	static const char *const bad[] = {
		"",
		"1708300800000",
		"1708300800000-",
		"1708300800000-a3f7c1b",   /* 7 hex */
		"1708300800000-a3f7c1b2a", /* 9 hex */
		"1708300800000-A3F7C1B2",  /* upper case */
		"1708300800000_a3f7c1b2",
		"170830080000-a3f7c1b2a",  /* 12 digits */
		"17083008000x0-a3f7c1b2",
		"1708300800000-a3f7c1g2",
		" 1708300800000-a3f7c1b2",
	};
	(void)state;
	assert_true(jvs_id_is_valid("1708300800000-a3f7c1b2"));
	assert_true(jvs_id_is_valid("0000000000000-00000000"));
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_false(jvs_id_is_valid(bad[i]));
	assert_false(jvs_id_is_valid(NULL));
}

static void test_id_prefix_plausible(void **state)
{
	static const char *const good[] = {"1708", "17083008", "1708300800000",
					   "1708300800000-", "1708300800000-a3",
					   "1708300800000-a3f7c1b2"};
	static const char *const bad[] = {"",	 "1",	 "170",	 "abcd", "17a8",
					  "1708300800000x", "1708300800000-g",
					  "1708300800000-A3", "1708300800000-a3f7c1b2a",
					  "note", "HEAD"};
	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		assert_true(jvs_id_prefix_plausible(good[i]));
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_false(jvs_id_prefix_plausible(bad[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_names),
		cmocka_unit_test(test_invalid_names),
		cmocka_unit_test(test_invalid_message_names_kind),
		cmocka_unit_test(test_head_tag_reserved),
		cmocka_unit_test(test_id_generate_format),
		cmocka_unit_test(test_id_unique_same_ms),
		cmocka_unit_test(test_id_random_part_has_a_letter),
		cmocka_unit_test(test_id_is_valid),
		cmocka_unit_test(test_id_prefix_plausible),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
