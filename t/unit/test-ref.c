/* Reference resolution order (SPEC §3) and --tag matching (SPEC §10). */
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
#include "catalog.h"

#define D0 "1700000000000-aaaaaaaa"
#define D1 "1700000001000-bbbbbbbb"
#define D2 "1700000002000-cccccccc"
#define D3 "1710000000000-dddddddd"
#define D4 "1710000000000-eeeeeeee"
#define D5 "1720000000000-ffffffff"

static const struct {
	const char *id, *note, *tags[3];
} rows[] = {
	{D0, "baseline", {"stable", NULL}},
	{D1, "train model", {"exp", NULL}},
	{D2, "train model", {"exp", "1700", NULL}},
	{D3, "training data v2", {"stable", NULL}},
	{D4, "1700000001", {NULL}}, /* a note that looks like D1's id prefix */
	{D5, "stable", {"release", NULL}},
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
	assert_non_null(strstr(msg, D3));
	assert_non_null(strstr(msg, D4));
	assert_null(strstr(msg, D5));
	fails(cat, "17000000", JVS_E_AMBIGUOUS, 3);
	msg = jvs_error_last()->message;
	assert_non_null(strstr(msg, D0));
	assert_non_null(strstr(msg, D1));
	assert_non_null(strstr(msg, D2));
	assert_null(strstr(msg, D3));
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
	assert_non_null(strstr(msg, D1));
	assert_non_null(strstr(msg, D2));
	assert_non_null(strstr(msg, D3));
	assert_null(strstr(msg, D0));
	assert_true(jvs_error_last()->hint[0] != '\0');
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
		cmocka_unit_test(test_no_match),
		cmocka_unit_test(test_tag_matches),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
