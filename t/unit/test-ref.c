/* Reference resolution order (SPEC §3), short ids, and --tag matching
 * (SPEC §10). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "error_int.h"
#include "jvs/error.h"
#include "jvs/history.h"
#include "name.h"

#define D0 "1700000000000-aaaaaaaa"
#define D1 "1700000001000-bbbbbbbb"
#define D2 "1700000002000-cccccccc"
#define D3 "1710000000000-dddddddd"
#define D4 "1710000000000-eeeeeeee"
#define D5 "1720000000000-ffffffff"
/* short ids: two sharing a 4-digit prefix, one whose random part starts
 * like D5's timestamp, one a note prefix also names, one an exact note names */
#define D6 "1730000000000-a3f7c1b2"
#define D7 "1730000001000-a3f70e99"
#define D8 "1730000002000-17200abc"
#define D9 "1730000003000-beef0001"
#define D10 "1730000004000-dead0042"

static const struct {
	const char *id, *note, *tags[3];
} rows[] = {
	{D0, "baseline", {"stable", NULL}},
	{D1, "train model", {"exp", NULL}},
	{D2, "train model", {"exp", "1700", NULL}},
	{D3, "training data v2", {"stable", NULL}},
	{D4, "1700000001", {NULL}}, /* a note that looks like D1's id prefix */
	{D5, "stable", {"release", NULL}},
	{D6, "fix parser", {NULL}},
	/* 39 bytes, then a 2-byte character across the 40-byte cut */
	{D7, "the parser chokes on notes of 39 bytes \xc3\xa9 and so on", {NULL}},
	{D8, "", {NULL}},
	{D9, "optimised build", {NULL}},
	{D10, "beef stew", {NULL}},
	/* the exact note "dead" loses to the short id prefix "dead" (D10) */
	{"1730000005000-c0ffee00", "dead", {NULL}},
};

static int setup(void **state)
{
	jvs_catalog *cat = calloc(1, sizeof *cat);
	size_t n = sizeof rows / sizeof *rows;
	if (!cat)
		return -1;
	cat->d = calloc(n, sizeof *cat->d);
	if (!cat->d)
		return -1;
	for (size_t i = 0; i < n; i++) {
		jvs_descriptor *d = &cat->d[i];
		snprintf(d->snapshot_id, sizeof d->snapshot_id, "%s", rows[i].id);
		snprintf(d->worktree_name, sizeof d->worktree_name, "main");
		d->note = strdup(rows[i].note);
		for (size_t t = 0; rows[i].tags[t]; t++)
			if (jvs_descriptor_add_tag(d, rows[i].tags[t]) < 0)
				return -1;
		cat->n++;
	}
	*state = cat;
	return 0;
}

static int teardown(void **state)
{
	jvs_catalog *cat = *state;
	jvs_catalog_clear(cat);
	free(cat);
	return 0;
}

static void resolves(const jvs_catalog *cat, const char *ref, const char *want)
{
	char out[JVS_ID_BUF] = "";
	jvs_error_clear();
	if (jvs_ref_resolve(NULL, cat, NULL, ref, out) != 0)
		fail_msg("'%s' did not resolve: %s", ref, jvs_error_last()->message);
	if (strcmp(out, want))
		fail_msg("'%s' resolved to %s, want %s", ref, out, want);
}

static void fails(const jvs_catalog *cat, const char *ref, jvs_error_class cls, int exit_code)
{
	char out[JVS_ID_BUF] = "";
	jvs_error_clear();
	if (jvs_ref_resolve(NULL, cat, NULL, ref, out) != -(int)cls)
		fail_msg("'%s' resolved to %s, want %s", ref, out, jvs_error_class_name(cls));
	if (jvs_error_last()->cls != cls)
		fail_msg("'%s': %s (%s), want %s", ref,
			 jvs_error_class_name(jvs_error_last()->cls), jvs_error_last()->message,
			 jvs_error_class_name(cls));
	assert_int_equal(jvs_error_exit_code(cls), exit_code);
}

static void test_catalog_get(void **state)
{
	const jvs_catalog *cat = *state;
	for (size_t i = 0; i < cat->n; i++)
		assert_ptr_equal(jvs_catalog_get(cat, rows[i].id), &cat->d[i]);
	assert_null(jvs_catalog_get(cat, "1700000000000-aaaaaaab"));
	assert_null(jvs_catalog_get(cat, "1700"));
}

static void test_exact_id(void **state)
{
	const jvs_catalog *cat = *state;
	for (size_t i = 0; i < cat->n; i++)
		resolves(cat, rows[i].id, rows[i].id);
	/* a well-formed id that does not exist */
	fails(cat, "1700000000000-aaaaaaab", JVS_E_NOT_FOUND, 3);
}

static void test_tag(void **state)
{
	const jvs_catalog *cat = *state;
	char out[JVS_ID_BUF];
	resolves(cat, "exp", D2);     /* newest carrying it */
	resolves(cat, "release", D5);
	resolves(cat, "stable", D3);  /* tag beats D5's exact note "stable" */
	resolves(cat, "1700", D2);    /* tag beats the (ambiguous) id prefix */
	assert_int_equal(jvs_ref_latest_tag(cat, "stable", out), 0);
	assert_string_equal(out, D3);
	jvs_error_clear();
	assert_int_equal(jvs_ref_latest_tag(cat, "nope", out), -1);
	assert_int_equal(jvs_error_last()->cls, JVS_E_NOT_FOUND);
	/* tags are matched exactly here, never by prefix */
	fails(cat, "rel", JVS_E_NOT_FOUND, 3);
}

static void test_id_prefix(void **state)
{
	const jvs_catalog *cat = *state;
	resolves(cat, "1720", D5);
	resolves(cat, "17200", D5);
	resolves(cat, "1710000000000-e", D4);
	resolves(cat, "1710000000000-dddd", D3);
	resolves(cat, "1700000002", D2);
	/* an id prefix beats an exact note */
	resolves(cat, "1700000001", D1);
	/* fewer than 4 characters is not an id prefix */
	fails(cat, "172", JVS_E_NOT_FOUND, 3);
	fails(cat, "9", JVS_E_NOT_FOUND, 3);
	/* a short string falls through to notes: "17" is a prefix of D4's note */
	resolves(cat, "17", D4);
	/* prefix of nothing */
	fails(cat, "1999", JVS_E_NOT_FOUND, 3);
}

static void test_id_prefix_ambiguous(void **state)
{
	const jvs_catalog *cat = *state;
	const char *msg;
	fails(cat, "1710", JVS_E_AMBIGUOUS, 3);
	msg = jvs_error_last()->message;
	/* candidates by short id (which works as input) with their notes */
	assert_non_null(strstr(msg, "dddddddd (training data v2)"));
	assert_non_null(strstr(msg, "eeeeeeee (1700000001)"));
	assert_null(strstr(msg, "ffffffff"));
	fails(cat, "17000000", JVS_E_AMBIGUOUS, 3);
	msg = jvs_error_last()->message;
	assert_non_null(strstr(msg, "3 snapshots"));
	assert_non_null(strstr(msg, "aaaaaaaa (baseline)"));
	assert_non_null(strstr(msg, "bbbbbbbb (train model)"));
	assert_non_null(strstr(msg, "cccccccc (train model)"));
	assert_null(strstr(msg, "dddddddd"));
}

static void test_note(void **state)
{
	const jvs_catalog *cat = *state;
	resolves(cat, "baseline", D0);
	resolves(cat, "train model", D2); /* exact note: newest */
	resolves(cat, "training data v2", D3);
	/* unique note prefix */
	resolves(cat, "base", D0);
	resolves(cat, "training", D3);
	resolves(cat, "sta", D5);
	/* notes are case-sensitive */
	fails(cat, "Baseline", JVS_E_NOT_FOUND, 3);
}

static void test_note_prefix_ambiguous(void **state)
{
	const jvs_catalog *cat = *state;
	const char *msg;
	fails(cat, "train", JVS_E_AMBIGUOUS, 3);
	msg = jvs_error_last()->message;
	assert_non_null(strstr(msg, "bbbbbbbb (train model)"));
	assert_non_null(strstr(msg, "cccccccc (train model)"));
	assert_non_null(strstr(msg, "dddddddd (training data v2)"));
	assert_null(strstr(msg, "aaaaaaaa"));
	assert_true(jvs_error_last()->hint[0] != '\0');
}

static void test_short_form(void **state)
{
	(void)state;
	assert_string_equal(jvs_id_short("1708300800000-a3f7c1b2"), "a3f7c1b2");
	/* all decimal digits would read as a timestamp prefix: the full id */
	assert_string_equal(jvs_id_short("1708300800000-12345678"), "1708300800000-12345678");
	assert_string_equal(jvs_id_short("not-an-id"), "not-an-id");
	assert_true(jvs_id_random_prefix_plausible("a3f7"));
	assert_true(jvs_id_random_prefix_plausible("a3f7c1b2"));
	assert_false(jvs_id_random_prefix_plausible("a3f"));
	assert_false(jvs_id_random_prefix_plausible("a3f7c1b20"));
	assert_false(jvs_id_random_prefix_plausible("A3F7"));
	assert_false(jvs_id_random_prefix_plausible("a3g7"));
}

static void test_short_id(void **state)
{
	const jvs_catalog *cat = *state;
	/* every short form shown resolves to its snapshot */
	for (size_t i = 0; i < cat->n; i++)
		resolves(cat, jvs_id_short(rows[i].id), rows[i].id);
	/* a unique prefix of at least 4 digits of the random part */
	resolves(cat, "a3f7c", D6);
	resolves(cat, "a3f70", D7);
	resolves(cat, "dddd", D3);
	resolves(cat, "17200a", D8); /* not a timestamp prefix: a short id */
	/* a full-id prefix comes first: "1720" is D5's timestamp, not D8's short id */
	resolves(cat, "1720", D5);
	resolves(cat, "17200", D5);
	/* a short id prefix beats a note prefix and an exact note */
	resolves(cat, "beef", D9);
	resolves(cat, "beef s", D10); /* not hex: the note prefix */
	resolves(cat, "dead", D10);
	resolves(cat, "fix", D6);     /* not hex: a note prefix */
	/* ... but not a tag: tags come before every prefix */
	resolves(cat, "exp", D2);
}

static void test_short_id_ambiguous(void **state)
{
	const jvs_catalog *cat = *state;
	const char *msg;
	fails(cat, "a3f7", JVS_E_AMBIGUOUS, 3);
	msg = jvs_error_last()->message;
	assert_non_null(strstr(msg, "by short id"));
	assert_non_null(strstr(msg, "2 snapshots"));
	assert_non_null(strstr(msg, "a3f7c1b2 (fix parser)"));
	/* long notes are cut at a character boundary */
	assert_non_null(strstr(msg, "a3f70e99 (the parser chokes on notes of 39 bytes ...)"));
	assert_null(strstr(msg, "\xc3"));
	assert_null(strstr(msg, "more"));
	assert_non_null(strstr(jvs_error_last()->hint, "full id"));
}

static void test_short_id_too_short(void **state)
{
	const jvs_catalog *cat = *state;
	fails(cat, "a3f", JVS_E_NOT_FOUND, 3);
	assert_non_null(strstr(jvs_error_last()->message, "too short"));
	assert_non_null(strstr(jvs_error_last()->message, "at least 4"));
	assert_non_null(strstr(jvs_error_last()->hint, "at least 4"));
	/* too short for a short id: tried as a note prefix ("beef stew") */
	resolves(cat, "be", D10);
}

/* A catalogue of n snapshots whose random parts start with "cafe"; every
 * second one shares its random part with the one before (ids made before
 * short ids were unique). */
static void fill_cafe(jvs_catalog *c, jvs_descriptor *d, size_t n, int dup)
{
	memset(d, 0, n * sizeof *d);
	for (size_t i = 0; i < n; i++) {
		snprintf(d[i].snapshot_id, sizeof d[i].snapshot_id, "17400000%05u-cafe%04x",
			 (unsigned)(i % 100000), (unsigned)((dup ? i / 2 : i) % 0x10000));
		d[i].note = NULL;
	}
	c->d = d;
	c->n = n;
	c->bad = NULL;
	c->nbad = 0;
}

static void test_short_id_ambiguous_bounded(void **state)
{
	jvs_descriptor d[12];
	jvs_catalog c;
	const char *msg;
	(void)state;
	fill_cafe(&c, d, 12, 0);
	fails(&c, "cafe", JVS_E_AMBIGUOUS, 3);
	msg = jvs_error_last()->message;
	assert_non_null(strstr(msg, "12 snapshots"));
	assert_non_null(strstr(msg, "and 4 more"));
	assert_non_null(strstr(msg, "cafe000b (no note)")); /* newest first */
	assert_null(strstr(msg, "cafe0003"));
	resolves(&c, "cafe0003", "1740000000003-cafe0003");
	/* two snapshots with one random part: listed by full id */
	fill_cafe(&c, d, 4, 1);
	fails(&c, "cafe0001", JVS_E_AMBIGUOUS, 3);
	msg = jvs_error_last()->message;
	assert_non_null(strstr(msg, "1740000000002-cafe0001"));
	assert_non_null(strstr(msg, "1740000000003-cafe0001"));
	resolves(&c, "1740000000002-cafe0001", "1740000000002-cafe0001");
}

static void test_no_match(void **state)
{
	const jvs_catalog *cat = *state;
	jvs_catalog empty = {0};
	fails(cat, "nothing", JVS_E_NOT_FOUND, 3);
	fails(cat, "../x", JVS_E_NOT_FOUND, 3);
	fails(&empty, "anything", JVS_E_NOT_FOUND, 3);
	fails(&empty, "1700", JVS_E_NOT_FOUND, 3);
	fails(cat, "", JVS_E_USAGE, 2);
	/* HEAD needs a worktree; none given */
	fails(cat, "HEAD", JVS_E_NO_WORKTREE, 1);
}

static void test_tag_matches(void **state)
{
	(void)state;
	/* exact */
	assert_true(jvs_tag_matches("exp1", "exp1", 0));
	assert_false(jvs_tag_matches("exp", "exp1", 0));
	assert_false(jvs_tag_matches("exp1", "exp", 0));
	assert_false(jvs_tag_matches("Exp1", "exp1", 0));
	/* glob */
	assert_true(jvs_tag_matches("exp*", "exp1", 0));
	assert_true(jvs_tag_matches("exp*", "exp", 0));
	assert_false(jvs_tag_matches("exp*", "myexp", 0));
	assert_true(jvs_tag_matches("exp?", "exp2", 0));
	assert_false(jvs_tag_matches("exp?", "exp10", 0));
	assert_true(jvs_tag_matches("exp[12]", "exp2", 0));
	assert_false(jvs_tag_matches("exp[12]", "exp3", 0));
	assert_true(jvs_tag_matches("*", "anything", 0));
	/* a glob is a glob even when prefix matching is on */
	assert_false(jvs_tag_matches("exp?", "exp10", 1));
	/* prefix fallback */
	assert_true(jvs_tag_matches("exp", "exp1", 1));
	assert_true(jvs_tag_matches("exp", "exp", 1));
	assert_false(jvs_tag_matches("exp", "ex", 1));
	assert_false(jvs_tag_matches("exp", "myexp", 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalog_get),
		cmocka_unit_test(test_exact_id),
		cmocka_unit_test(test_tag),
		cmocka_unit_test(test_id_prefix),
		cmocka_unit_test(test_id_prefix_ambiguous),
		cmocka_unit_test(test_note),
		cmocka_unit_test(test_note_prefix_ambiguous),
		cmocka_unit_test(test_short_form),
		cmocka_unit_test(test_short_id),
		cmocka_unit_test(test_short_id_ambiguous),
		cmocka_unit_test(test_short_id_too_short),
		cmocka_unit_test(test_short_id_ambiguous_bounded),
		cmocka_unit_test(test_no_match),
		cmocka_unit_test(test_tag_matches),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
