/* Canonical and pretty JSON, descriptor checksums, timestamps (SPEC §5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "descriptor.h"
#include "error_int.h"
#include "fsutil.h"
#include "hash.h"
#include "json.h"

#define ID1 "1708300800123-a3f7c1b2"
#define ID0 "1708300800000-00c0ffee"
#define RH "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"

static void test_canonical(void **state)
{
	json_t *v = json_pack("{s:i, s:s, s:n, s:b, s:[i, s, n], s:{s:i, s:i}, s:s, s:i, s:s}",
			      "zeta", 1, "alpha", "x y", "null", "bool", 1, "arr", 3, "s", "nested",
			      "b", 2, "a", 1, "Upper", "U", "_u", 5, "\xc3\xa9t\xc3\xa9", "utf8");
	char *s;
	(void)state;
	assert_non_null(v);
	s = jvs_json_canonical(v);
	assert_non_null(s);
	/* byte order: 'U' < '_' < 'a' < 'z' < 0xc3; no whitespace; null as null; UTF-8 raw */
	assert_string_equal(s, "{\"Upper\":\"U\",\"_u\":5,\"alpha\":\"x y\",\"arr\":[3,\"s\",null],"
			       "\"bool\":true,\"nested\":{\"a\":1,\"b\":2},\"null\":null,\"zeta\":1,"
			       "\"\xc3\xa9t\xc3\xa9\":\"utf8\"}");
	free(s);
	json_decref(v);

	/* control characters and quotes are escaped, '/' is not */
	v = json_pack("{s:s}", "k", "a\"b\\c\nd\te/f");
	s = jvs_json_canonical(v);
	assert_string_equal(s, "{\"k\":\"a\\\"b\\\\c\\nd\\te/f\"}");
	free(s);
	json_decref(v);

	v = json_null();
	s = jvs_json_canonical(v);
	assert_string_equal(s, "null");
	free(s);
	json_decref(v);
}

static void test_pretty(void **state)
{
	json_t *v = json_pack("{s:s, s:i, s:n, s:[], s:[s, s], s:{s:b}}", "snapshot_id", ID1,
			      "file_count", 3, "parent_id", "tags", "degraded", "a", "b", "obj",
			      "k", 0);
	char *s;
	(void)state;
	s = jvs_json_pretty(v);
	assert_non_null(s);
	/* insertion order kept, two-space indent, "key": value, trailing newline */
	assert_string_equal(s, "{\n"
			       "  \"snapshot_id\": \"" ID1 "\",\n"
			       "  \"file_count\": 3,\n"
			       "  \"parent_id\": null,\n"
			       "  \"tags\": [],\n"
			       "  \"degraded\": [\n"
			       "    \"a\",\n"
			       "    \"b\"\n"
			       "  ],\n"
			       "  \"obj\": {\n"
			       "    \"k\": false\n"
			       "  }\n"
			       "}\n");
	free(s);
	json_decref(v);
}

static void make_descriptor(jvs_descriptor *d)
{
	memset(d, 0, sizeof *d);
	snprintf(d->snapshot_id, sizeof d->snapshot_id, ID1);
	snprintf(d->worktree_name, sizeof d->worktree_name, "main");
	snprintf(d->parent_id, sizeof d->parent_id, ID0);
	snprintf(d->created_at, sizeof d->created_at, "2024-02-19T00:00:00.123Z");
	d->note = strdup("first \"try\"");
	assert_int_equal(jvs_descriptor_add_tag(d, "exp1"), 0);
	assert_int_equal(jvs_descriptor_add_tag(d, "v1.0"), 0);
	assert_int_equal(jvs_descriptor_add_tag(d, "exp1"), 0); /* no duplicates */
	snprintf(d->engine, sizeof d->engine, "copy");
	snprintf(d->hash_algorithm, sizeof d->hash_algorithm, "blake2b-256");
	snprintf(d->payload_root_hash, sizeof d->payload_root_hash, RH);
	d->file_count = 7;
	d->total_bytes = 12345;
	snprintf(d->integrity_state, sizeof d->integrity_state, "verified");
}

/* The canonical form of make_descriptor's fields, written out by hand. */
static const char canonical_fields[] =
	"{\"created_at\":\"2024-02-19T00:00:00.123Z\",\"degraded\":[],\"engine\":\"copy\","
	"\"file_count\":7,\"hash_algorithm\":\"blake2b-256\",\"note\":\"first \\\"try\\\"\","
	"\"parent_id\":\"" ID0 "\",\"payload_root_hash\":\"" RH "\","
	"\"snapshot_id\":\"" ID1 "\",\"tags\":[\"exp1\",\"v1.0\"],\"total_bytes\":12345,"
	"\"worktree_name\":\"main\"}";

static void test_descriptor_checksum(void **state)
{
	jvs_descriptor d;
	char sum[JVS_HASH_HEX], want[JVS_HASH_HEX], again[JVS_HASH_HEX];
	(void)state;
	make_descriptor(&d);
	assert_int_equal(d.ntags, 2);
	assert_int_equal(jvs_descriptor_checksum(&d, sum), 0);
	jvs_hash_buf(canonical_fields, strlen(canonical_fields), want);
	assert_string_equal(sum, want);

	/* integrity_state and descriptor_checksum are not covered */
	snprintf(d.integrity_state, sizeof d.integrity_state, "corrupt");
	snprintf(d.descriptor_checksum, sizeof d.descriptor_checksum, "%s", RH);
	assert_int_equal(jvs_descriptor_checksum(&d, again), 0);
	assert_string_equal(again, sum);

	/* a null parent is null */
	d.parent_id[0] = '\0';
	assert_int_equal(jvs_descriptor_checksum(&d, again), 0);
	{
		char *nulled = strdup(canonical_fields);
		char *p = strstr(nulled, "\"" ID0 "\"");
		assert_non_null(p);
		memcpy(p, "null", 4);
		memmove(p + 4, p + strlen("\"" ID0 "\""), strlen(p + strlen("\"" ID0 "\"")) + 1);
		jvs_hash_buf(nulled, strlen(nulled), want);
		assert_string_equal(again, want);
		free(nulled);
	}
	jvs_descriptor_clear(&d);
}

static const char *const spec_fields[] = {
	"snapshot_id",	   "worktree_name", "parent_id",	 "created_at",
	"note",		   "tags",	    "engine",		 "hash_algorithm",
	"payload_root_hash", "file_count",  "total_bytes",	 "degraded",
	"integrity_state", "descriptor_checksum",
};

static json_t *valid_json(void)
{
	jvs_descriptor d;
	json_t *j;
	make_descriptor(&d);
	assert_int_equal(jvs_descriptor_checksum(&d, d.descriptor_checksum), 0);
	j = jvs_descriptor_to_json(&d);
	assert_non_null(j);
	jvs_descriptor_clear(&d);
	return j;
}

static void test_descriptor_json_round_trip(void **state)
{
	json_t *j = valid_json();
	jvs_descriptor back;
	size_t i = 0;
	(void)state;
	/* exactly the SPEC fields, in the SPEC's order */
	assert_int_equal(json_object_size(j), sizeof spec_fields / sizeof *spec_fields);
	{
		char *s = jvs_json_pretty(j);
		const char *p = s;
		for (i = 0; i < sizeof spec_fields / sizeof *spec_fields; i++) {
			char quoted[64];
			snprintf(quoted, sizeof quoted, "\"%s\":", spec_fields[i]);
			p = strstr(p, quoted);
			if (!p)
				fail_msg("field %s missing or out of order", spec_fields[i]);
		}
		free(s);
	}

	assert_int_equal(jvs_descriptor_from_json(j, &back), 0);
	assert_string_equal(back.snapshot_id, ID1);
	assert_string_equal(back.parent_id, ID0);
	assert_string_equal(back.note, "first \"try\"");
	assert_int_equal(back.ntags, 2);
	assert_string_equal(back.tags[1], "v1.0");
	assert_int_equal(back.file_count, 7);
	assert_int_equal(back.total_bytes, 12345);
	assert_string_equal(back.integrity_state, "verified");
	assert_true(jvs_descriptor_has_tag(&back, "exp1"));
	assert_false(jvs_descriptor_has_tag(&back, "exp"));
	jvs_descriptor_clear(&back);

	/* integrity_state may change without breaking the checksum */
	json_object_set_new(j, "integrity_state", json_string("unverified"));
	assert_int_equal(jvs_descriptor_from_json(j, &back), 0);
	jvs_descriptor_clear(&back);
	json_decref(j);
}

static void assert_corrupt(json_t *j, const char *what)
{
	jvs_descriptor d;
	jvs_error_clear();
	if (jvs_descriptor_from_json(j, &d) != -1)
		fail_msg("descriptor accepted after: %s", what);
	if (jvs_error_last()->cls != JVS_E_DESCRIPTOR_CORRUPT)
		fail_msg("%s: class %s, want E_DESCRIPTOR_CORRUPT", what,
			 jvs_error_class_name(jvs_error_last()->cls));
	assert_int_equal(jvs_error_exit_code(jvs_error_last()->cls), 4);
	json_decref(j);
}

static json_t *with(const char *key, json_t *value)
{
	json_t *j = valid_json();
	if (value)
		json_object_set_new(j, key, value);
	else
		json_object_del(j, key);
	return j;
}

static void test_descriptor_tamper(void **state)
{
	(void)state;
	assert_corrupt(with("note", json_string("first try")), "note changed");
	assert_corrupt(with("tags", json_pack("[s]", "exp1")), "tag removed");
	assert_corrupt(with("tags", json_pack("[s, s, s]", "exp1", "v1.0", "x")), "tag added");
	assert_corrupt(with("parent_id", json_null()), "parent nulled");
	assert_corrupt(with("parent_id", json_string("1708300800000-00c0fffe")), "parent changed");
	assert_corrupt(with("file_count", json_integer(8)), "file_count changed");
	assert_corrupt(with("payload_root_hash",
			    json_string("1e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8")),
		       "root hash changed");
	assert_corrupt(with("worktree_name", json_string("other")), "worktree changed");
	assert_corrupt(with("descriptor_checksum", json_string(RH)), "checksum replaced");
}

static void test_descriptor_types(void **state)
{
	(void)state;
	assert_corrupt(with("file_count", json_string("7")), "file_count string");
	assert_corrupt(with("file_count", json_real(7.0)), "file_count real");
	assert_corrupt(with("file_count", json_integer(-1)), "file_count negative");
	assert_corrupt(with("total_bytes", json_null()), "total_bytes null");
	assert_corrupt(with("tags", json_string("exp1")), "tags string");
	assert_corrupt(with("tags", json_pack("[s, i]", "exp1", 3)), "tag not a string");
	assert_corrupt(with("degraded", json_null()), "degraded null");
	assert_corrupt(with("note", json_integer(1)), "note integer");
	assert_corrupt(with("note", json_null()), "note null");
	assert_corrupt(with("parent_id", json_integer(1)), "parent integer");
	assert_corrupt(with("snapshot_id", json_null()), "snapshot_id null");
	assert_corrupt(with("snapshot_id", json_string("not-an-id")), "snapshot_id invalid");
	assert_corrupt(with("created_at", json_integer(0)), "created_at integer");
	assert_corrupt(with("integrity_state", json_true()), "integrity_state bool");
	assert_corrupt(with("descriptor_checksum", json_null()), "checksum null");
	for (size_t i = 0; i < sizeof spec_fields / sizeof *spec_fields; i++)
		assert_corrupt(with(spec_fields[i], NULL), spec_fields[i]);
	assert_corrupt(json_array(), "not an object");
}

static void test_time(void **state)
{
	static const int64_t samples[] = {0, 1, 999, 1000, 1708300800000LL, 1708300800123LL,
					  1767225599999LL, 4102444800007LL};
	char buf[32];
	int64_t back;
	(void)state;
	jvs_format_time_ms(1708300800123LL, buf);
	assert_string_equal(buf, "2024-02-19T00:00:00.123Z");
	jvs_format_time_ms(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
	jvs_format_time_ms(1767225599999LL, buf);
	assert_string_equal(buf, "2025-12-31T23:59:59.999Z");
	for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
		jvs_format_time_ms(samples[i], buf);
		assert_int_equal(strlen(buf), 24);
		assert_int_equal(jvs_parse_time_ms(buf, &back), 0);
		assert_int_equal(back, samples[i]);
	}
	assert_int_equal(jvs_parse_time_ms("2024-02-19T00:00:00Z", &back), 0);
	assert_int_equal(back, 1708300800000LL);
	assert_int_equal(jvs_parse_time_ms("2024-02-19T00:00:00.5Z", &back), 0);
	assert_int_equal(back, 1708300800500LL);
	assert_int_equal(jvs_parse_time_ms("", &back), -1);
	assert_int_equal(jvs_parse_time_ms("yesterday", &back), -1);
	assert_int_equal(jvs_parse_time_ms("2024-02-19T00:00:00", &back), -1);
	assert_int_equal(jvs_parse_time_ms("2024-02-19T00:00:00.123Zjunk", &back), -1);
	assert_int_equal(jvs_parse_time_ms("2024-02-19T00:00:00+01:00", &back), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_pretty),
		cmocka_unit_test(test_descriptor_checksum),
		cmocka_unit_test(test_descriptor_json_round_trip),
		cmocka_unit_test(test_descriptor_tamper),
		cmocka_unit_test(test_descriptor_types),
		cmocka_unit_test(test_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
