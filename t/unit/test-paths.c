/* Named worktree paths (jvs/paths.h) and the partial_paths descriptor field
 * through JSON and the catalogue cache's packed form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "catalog_pack.h"
#include "descriptor.h"
#include "error_int.h"
#include "paths.h"
#include "jvs/worktree.h"

static char *paths[] = {"a", "dir/sub", "x/y/z"};

static void test_covers(void **state)
{
	(void)state;
	assert_int_equal(jvs_paths_covers(paths, 3, "a"), 2);
	assert_int_equal(jvs_paths_covers(paths, 3, "a/deep/er"), 2);
	assert_int_equal(jvs_paths_covers(paths, 3, "ab"), 0);
	assert_int_equal(jvs_paths_covers(paths, 3, "dir"), 1);
	assert_int_equal(jvs_paths_covers(paths, 3, "dir/sub"), 2);
	assert_int_equal(jvs_paths_covers(paths, 3, "dir/sub2"), 0);
	assert_int_equal(jvs_paths_covers(paths, 3, "dir/f"), 0);
	assert_int_equal(jvs_paths_covers(paths, 3, "x"), 1);
	assert_int_equal(jvs_paths_covers(paths, 3, "x/y"), 1);
	assert_int_equal(jvs_paths_covers(paths, 3, "x/yy"), 0);
	assert_int_equal(jvs_paths_covers(paths, 3, "b"), 0);
}

static void test_manifest_keep(void **state)
{
	(void)state;
	static const char *all[] = {"a",	   "ab",       "dir",	    "dir/f", "dir/sub",
				    "dir/sub/s", "dir/sub2", "x",	    "x/y",   "x/y/z",
				    "x/y/zz"};
	static const char *want_parents[] = {"a", "dir", "dir/sub", "dir/sub/s", "x", "x/y",
					     "x/y/z"};
	static const char *want_inside[] = {"a", "dir/sub", "dir/sub/s", "x/y/z"};
	jvs_manifest m = {0};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		assert_int_equal(jvs_manifest_add(&m, JVS_ENT_DIR, all[i], 0755, -1, ""), 0);
	jvs_manifest_sort(&m);
	jvs_manifest_keep_paths(&m, paths, 3, 1);
	assert_int_equal(m.n, sizeof want_parents / sizeof *want_parents);
	for (size_t i = 0; i < m.n; i++)
		assert_string_equal(m.e[i].path, want_parents[i]);
	jvs_manifest_keep_paths(&m, paths, 3, 0);
	assert_int_equal(m.n, sizeof want_inside / sizeof *want_inside);
	for (size_t i = 0; i < m.n; i++)
		assert_string_equal(m.e[i].path, want_inside[i]);
	jvs_manifest_clear(&m);
}

static void fill(jvs_descriptor *d)
{
	memset(d, 0, sizeof *d);
	strcpy(d->snapshot_id, "1795600000000-0123abcd");
	strcpy(d->worktree_name, "main");
	strcpy(d->parent_id, "1795500000000-0123abcd");
	strcpy(d->created_at, "2026-11-30T00:00:00.000Z");
	d->note = strdup("part");
	strcpy(d->engine, "copy");
	strcpy(d->hash_algorithm, "blake2b-256");
	memset(d->payload_root_hash, 'a', 64);
	strcpy(d->integrity_state, "verified");
	d->file_count = 2;
	d->total_bytes = 10;
	d->partial_paths = calloc(3, sizeof *d->partial_paths);
	d->partial_paths[0] = strdup("a");
	d->partial_paths[1] = strdup("dir/sub");
	d->npartial_paths = 2;
	assert_int_equal(jvs_descriptor_checksum(d, d->descriptor_checksum), 0);
}

static void test_descriptor_json(void **state)
{
	(void)state;
	jvs_descriptor d, back;
	json_t *j;
	char plain[JVS_HASH_HEX];
	fill(&d);
	j = jvs_descriptor_to_json(&d);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "partial_paths")), 2);
	assert_int_equal(jvs_descriptor_from_json(j, &back), 0);
	assert_int_equal(back.npartial_paths, 2);
	assert_string_equal(back.partial_paths[1], "dir/sub");
	jvs_descriptor_clear(&back);
	/* the field is checksummed: dropping it is detected */
	json_object_del(j, "partial_paths");
	assert_int_equal(jvs_descriptor_from_json(j, &back), -1);
	assert_int_equal(jvs_error_last()->cls, JVS_E_DESCRIPTOR_CORRUPT);
	/* an unsafe path is refused */
	json_object_set_new(j, "partial_paths", json_pack("[s]", "../x"));
	assert_int_equal(jvs_descriptor_from_json(j, &back), -1);
	json_decref(j);
	/* without paths the checksum is that of a whole snapshot */
	jvs_strv_free(d.partial_paths, d.npartial_paths);
	d.partial_paths = NULL;
	d.npartial_paths = 0;
	assert_int_equal(jvs_descriptor_checksum(&d, plain), 0);
	assert_string_not_equal(plain, d.descriptor_checksum);
	jvs_descriptor_clear(&d);
}

static void test_catalog_pack(void **state)
{
	(void)state;
	jvs_descriptor d, back;
	size_t n;
	char *blob;
	fill(&d);
	blob = jvs_catalog__pack(&d, &n);
	assert_non_null(blob);
	assert_int_equal(jvs_catalog__unpack(blob, n, d.snapshot_id, &back), 0);
	assert_int_equal(back.npartial_paths, 2);
	assert_string_equal(back.partial_paths[0], "a");
	assert_false(back.has_ignored_count);
	jvs_descriptor_clear(&back);
	free(blob);
	d.has_ignored_count = 1;
	d.ignored_count = 4;
	blob = jvs_catalog__pack(&d, &n);
	assert_int_equal(jvs_catalog__unpack(blob, n, d.snapshot_id, &back), 0);
	assert_int_equal(back.npartial_paths, 2);
	assert_true(back.has_ignored_count);
	assert_int_equal(back.ignored_count, 4);
	jvs_descriptor_clear(&back);
	free(blob);
	jvs_descriptor_clear(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_covers),
		cmocka_unit_test(test_manifest_keep),
		cmocka_unit_test(test_descriptor_json),
		cmocka_unit_test(test_catalog_pack),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
