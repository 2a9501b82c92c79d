/* The text escape and the JSON encoding of user-controlled bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error_int.h"
#include "json.h"
#include "textesc.h"

static void check_escape(const char *in, const char *want)
{
	char *got = jvs_text_escape(in);
	size_t len;
	char *back;
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(jvs_text_needs_escape(in), strcmp(in, want) != 0);
	back = jvs_text_unescape(got, &len);
	assert_non_null(back);
	assert_int_equal(len, strlen(in));
	assert_memory_equal(back, in, len);
	for (const unsigned char *p = (const unsigned char *)got; *p; p++)
		assert_true(*p >= 0x20 && *p != 0x7f);
	free(back);
	free(got);
}

static void test_plain_unchanged(void **state)
{
	(void)state;
	check_escape("", "");
	check_escape("hello world", "hello world");
	check_escape("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80");
}

static void test_controls(void **state)
{
	(void)state;
	check_escape("a\nb", "a\\nb");
	check_escape("a\tb\rc", "a\\tb\\rc");
	check_escape("back\\slash", "back\\\\slash");
	check_escape("x\033]0;pwned\007", "x\\x1b]0;pwned\\x07");
	check_escape("\x7f\x01\x1f", "\\x7f\\x01\\x1f");
	/* a literal backslash-x is not confused with an escape */
	check_escape("\\x1b", "\\\\x1b");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	check_escape("a\xff" "b", "a\\xffb");
	check_escape("\xc3", "\\xc3");             /* truncated */
	check_escape("\xc0\xaf", "\\xc0\\xaf");     /* overlong */
	check_escape("\xed\xa0\x80", "\\xed\\xa0\\x80"); /* surrogate */
	check_escape("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* > U+10FFFF */
	check_escape("\xe9t\xe9", "\\xe9t\\xe9");   /* Latin-1 */
	assert_false(jvs_utf8_valid("\xe9", 1));
	assert_true(jvs_utf8_valid("\xc3\xa9", 2));
	assert_int_equal(jvs_utf8_seq_len("\xe2\x82\xac", 3), 3);
	assert_int_equal(jvs_utf8_seq_len("\xe2\x82", 2), 0);
}

static void test_hidden_unicode(void **state)
{
	(void)state;
	check_escape("\xc2\x9b" "2J", "\\xc2\\x9b2J");           /* C1 CSI */
	check_escape("a\xe2\x80\xae" "b", "a\\xe2\\x80\\xaeb");   /* RLO */
	check_escape("\xe2\x80\xa8", "\\xe2\\x80\\xa8");         /* LINE SEPARATOR */
	check_escape("\xe2\x81\xa6", "\\xe2\\x81\\xa6");         /* LRI */
	check_escape("\xc2\xa0", "\xc2\xa0");                    /* NBSP is text */
}

static void test_buf_truncates_whole_units(void **state)
{
	char buf[8];
	(void)state;
	assert_int_equal(jvs_text_escape_buf(buf, sizeof buf, "ab\033cd", 5), 8);
	assert_string_equal(buf, "ab\\x1bc"); /* 7 bytes + NUL */
	assert_int_equal(jvs_text_escape_buf(buf, 4, "ab\033", 3), 6);
	assert_string_equal(buf, "ab"); /* the escape does not fit: not cut */
	assert_int_equal(jvs_text_escape_buf(buf, 4, "\xc3\xa9\xc3\xa9", 4), 4);
	assert_string_equal(buf, "\xc3\xa9");
}

static void test_unescape_rejects(void **state)
{
	(void)state;
	assert_null(jvs_text_unescape("a\\", NULL));
	assert_null(jvs_text_unescape("\\q", NULL));
	assert_null(jvs_text_unescape("\\x4", NULL));
	assert_int_equal(jvs_error_last()->cls, JVS_E_USAGE);
}

static void test_validate(void **state)
{
	(void)state;
	assert_int_equal(jvs_text_validate("caf\xc3\xa9\nline", 0, "note"), 0);
	jvs_error_clear();
	assert_int_equal(jvs_text_validate("caf\xe9", 0, "note"), -1);
	assert_int_equal(jvs_error_last()->cls, JVS_E_USAGE);
	assert_non_null(strstr(jvs_error_last()->message, "UTF-8"));
	assert_non_null(strstr(jvs_error_last()->message, "byte 4"));
	assert_true(jvs_error_last()->hint[0] != '\0');
	assert_int_equal(jvs_text_validate("abcdef", 5, "note"), -1);
	assert_int_equal(jvs_text_validate("abcde", 5, "note"), 0);
}

static void test_base64(void **state)
{
	static const struct {
		const char *in, *out;
	} v[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
		 {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
		 {"foobar", "Zm9vYmFy"}, {"a\xff", "Yf8="}};
	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		char *b = jvs_base64(v[i].in, strlen(v[i].in));
		assert_string_equal(b, v[i].out);
		free(b);
	}
}

static void test_json_text(void **state)
{
	json_t *o = json_object();
	char *s;
	(void)state;
	assert_int_equal(jvs_json_set_text(o, "path", "ok\x1b\n\xc3\xa9"), 0);
	assert_null(json_object_get(o, "path_b64"));
	assert_string_equal(json_string_value(json_object_get(o, "path")), "ok\x1b\n\xc3\xa9");
	assert_int_equal(jvs_json_set_text(o, "bad", "a\xff\\"), 0);
	assert_string_equal(json_string_value(json_object_get(o, "bad")), "a\\xff\\\\");
	assert_string_equal(json_string_value(json_object_get(o, "bad_b64")), "Yf9c");
	s = jvs_json_pretty(o);
	assert_non_null(s);
	assert_non_null(strstr(s, "\"path\": \"ok\\u001B\\n\xc3\xa9\""));
	free(s);
	json_decref(o);
	o = jvs_json_text(NULL);
	assert_true(json_is_null(o));
	json_decref(o);
}

static void test_json_lists_and_add(void **state)
{
	json_t *arr = json_array(), *b64 = json_array(), *o;
	(void)state;
	assert_int_equal(jvs_json_append_text(arr, b64, "ok"), 0);
	assert_int_equal(jvs_json_append_text(arr, b64, "x\xfe"), 1);
	assert_int_equal(json_array_size(arr), 2);
	assert_int_equal(json_array_size(b64), 2);
	assert_true(json_is_null(json_array_get(b64, 0)));
	assert_string_equal(json_string_value(json_array_get(arr, 1)), "x\\xfe");
	assert_string_equal(json_string_value(json_array_get(b64, 1)), "eP4=");
	json_decref(arr);
	json_decref(b64);
	o = jvs_json_add_b64(json_pack("{s:o}", "root", jvs_json_text("/r\xffx")), "root", "/r\xffx");
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "root")), "/r\\xffx");
	assert_string_equal(json_string_value(json_object_get(o, "root_b64")), "L3L/eA==");
	json_decref(o);
	o = jvs_json_add_b64(json_pack("{s:s}", "root", "/fine"), "root", "/fine");
	assert_null(json_object_get(o, "root_b64"));
	json_decref(o);
	assert_null(jvs_json_add_b64(NULL, "root", "/r\xffx"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_unchanged),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_hidden_unicode),
		cmocka_unit_test(test_buf_truncates_whole_units),
		cmocka_unit_test(test_unescape_rejects),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_json_text),
		cmocka_unit_test(test_json_lists_and_add),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
