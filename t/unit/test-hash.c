/* The hex <-> raw conversions of a hash (the in-memory manifest keeps the
 * 32 raw bytes, the manifest file the 64 hex digits). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "hash.h"

#define HA "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"

static void round_trip(void **state)
{
	unsigned char raw[JVS_HASH_RAW], all[JVS_HASH_RAW];
	char hex[JVS_HASH_HEX];
	(void)state;
	assert_int_equal(jvs_hash_from_hex(HA, raw), 0);
	assert_int_equal(raw[0], 0xab);
	assert_int_equal(raw[3], 0x01);
	assert_int_equal(raw[31], 0x89);
	jvs_hash_to_hex(raw, hex);
	assert_string_equal(hex, HA);
	for (int i = 0; i < JVS_HASH_RAW; i++)
		all[i] = (unsigned char)(i * 37 + 11);
	jvs_hash_to_hex(all, hex);
	assert_true(jvs_hash_is_hex(hex));
	assert_int_equal(jvs_hash_from_hex(hex, raw), 0);
	assert_memory_equal(raw, all, JVS_HASH_RAW);
	/* what jvs_hash_buf writes converts and compares */
	jvs_hash_buf("abc", 3, hex);
	assert_int_equal(jvs_hash_from_hex(hex, raw), 0);
	assert_true(jvs_hash_eq_hex(raw, hex));
}

static void malformed_rejected(void **state)
{
	static const char *bad[] = {
		"",
		"abc",
		HA "0",			/* 65 digits */
		"bcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", /* 63 */
		"gbcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
		"abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345678 ",
		"ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789",
		"Abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
	};
	unsigned char raw[JVS_HASH_RAW], before[JVS_HASH_RAW];
	(void)state;
	memset(raw, 0x5a, sizeof raw);
	memcpy(before, raw, sizeof raw);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(jvs_hash_from_hex(bad[i], raw), -1);
		/* the same verdict as the manifest parser's check */
		assert_false(jvs_hash_is_hex(bad[i]));
		assert_memory_equal(raw, before, sizeof raw); /* left as it was */
	}
	assert_int_equal(jvs_hash_from_hex(NULL, raw), -1);
}

static void eq_hex(void **state)
{
	unsigned char raw[JVS_HASH_RAW];
	char hex[] = HA;
	(void)state;
	assert_int_equal(jvs_hash_from_hex(HA, raw), 0);
	assert_true(jvs_hash_eq_hex(raw, HA));
	hex[63] = '8';
	assert_false(jvs_hash_eq_hex(raw, hex));
	hex[63] = '9';
	hex[0] = 'A'; /* uppercase is not the hex of any hash */
	assert_false(jvs_hash_eq_hex(raw, hex));
	assert_false(jvs_hash_eq_hex(raw, ""));
	assert_false(jvs_hash_eq_hex(raw, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(malformed_rejected),
		cmocka_unit_test(eq_hex),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
