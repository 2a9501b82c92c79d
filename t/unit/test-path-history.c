/* jvs history -- PATH: path arguments, matching, and the letters computed
 * from manifests (libjvs/ops/path_history.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/path_history.h"
#include "jvs/repo.h"

static void expect_rel(const char *root, const char *cwd, const char *arg, const char *want)
{
	char *got = jvs_path_worktree_rel(root, cwd, arg);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void expect_escape(const char *root, const char *cwd, const char *arg)
{
	jvs_error_clear();
	assert_null(jvs_path_worktree_rel(root, cwd, arg));
	assert_int_equal(jvs_error_last()->cls, JVS_E_PATH_ESCAPE);
	assert_int_equal(jvs_error_exit_code(jvs_error_last()->cls), 2);
}

static void test_worktree_rel(void **state)
{
	(void)state;
	expect_rel("/r/main", "/r/main", "a.txt", "a.txt");
	expect_rel("/r/main", "/r/main/d/e", "x", "d/e/x");
	expect_rel("/r/main", "/r/main/d/e", "../x", "d/x");
	expect_rel("/r/main", "/r/main/d", "..", "");
	expect_rel("/r/main", "/r/main", ".//a//./b/", "a/b");
	expect_rel("/r/main", "/r/main", "/r/main/a", "a");
	expect_rel("/r/main", "/r/main", "/r/main", "");
	/* cwd outside the worktree's files: relative to their root */
	expect_rel("/r/main", "/r", "a/b", "a/b");
	expect_rel("/r/main", NULL, "a/b", "a/b");
	expect_escape("/r/main", "/r/main", "../x");
	expect_escape("/r/main", "/r/main/d", "../../x");
	expect_escape("/r/main", "/r/main", "/etc/passwd");
	expect_escape("/r/main", "/r/main", "/r/mainx/a"); /* a sibling with the prefix */
	expect_escape("/r/main", "/r", "../a");
	/* no worktree: relative to a payload root */
	expect_rel(NULL, "/anywhere", "a/./b", "a/b");
	expect_rel(NULL, NULL, "a/../b", "b");
	expect_escape(NULL, NULL, "../a");
	expect_escape(NULL, NULL, "a/../../b");
	expect_escape(NULL, NULL, "/a");
}

static void test_matches(void **state)
{
	(void)state;
	assert_true(jvs_path_matches("a", "a"));
	assert_true(jvs_path_matches("a/b", "a"));
	assert_true(jvs_path_matches("a/b/c", "a/b"));
	assert_true(jvs_path_matches("anything", ""));
	assert_false(jvs_path_matches("ab", "a"));
	assert_false(jvs_path_matches("a-b", "a"));
	assert_false(jvs_path_matches("a", "a/b"));
	assert_false(jvs_path_matches("b", "a"));
}

static void test_sort_unique(void **state)
{
	char *v[5];
	const char *in[5] = {"b", "a", "b", "a/x", "a"};
	size_t n;
	(void)state;
	for (int i = 0; i < 5; i++)
		v[i] = strdup(in[i]);
	n = jvs_path_sort_unique(v, 5);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "a");
	assert_string_equal(v[1], "a/x");
	assert_string_equal(v[2], "b");
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	assert_int_equal(jvs_path_sort_unique(NULL, 0), 0);
}

/* ---- letters over hand-made manifests ---- */

#define H0 "0000000000000000000000000000000000000000000000000000000000000000"
#define H1 "1111111111111111111111111111111111111111111111111111111111111111"

static void put_manifest(const char *root, const char *id, const char *text)
{
	char *p = jvs_strf("%s/.jvs/manifests/%s", root, id);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static void test_compute(void **state)
{
	char dir[] = "/tmp/jvs-test-path-history.XXXXXX";
	char *root = NULL;
	jvs_repo *repo = NULL;
	jvs_descriptor d[5];
	jvs_catalog cat = {0};
	const jvs_descriptor *items[5];
	jvs_history h = {0};
	jvs_path_history ph;
	char *paths[3];
	size_t np;
	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(jvs_repo_init(dir, &root), 0);
	assert_int_equal(jvs_repo_open(&repo, root), 0);
	memset(d, 0, sizeof d);
	/* five snapshots, one line: s0 <- s1 <- s2 <- s3 <- s4 */
	for (int i = 0; i < 5; i++) {
		snprintf(d[i].snapshot_id, sizeof d[i].snapshot_id, "177000000000%d-0000000%d", i, i);
		if (i)
			memcpy(d[i].parent_id, d[i - 1].snapshot_id, sizeof d[i].parent_id);
		snprintf(d[i].payload_root_hash, sizeof d[i].payload_root_hash, "%063d%d", 0, i);
	}
	/* "a-b" sorts between "a" and "a/": the walk must not stop there */
	put_manifest(root, d[0].snapshot_id,
		     "file\ta\t0644\t1\t" H0 "\n"
		     "file\ta-b\t0644\t1\t" H0 "\n");
#define S1 "dir\ta\t0755\t-\t-\n"                 \
	   "file\ta-b\t0644\t1\t" H1 "\n" \
	   "file\ta/x\t0644\t1\t" H0 "\n" \
	   "file\tz\t0644\t1\t" H0 "\n"
	put_manifest(root, d[1].snapshot_id, S1);
	/* s2: the same manifest as s1 (same root hash): no change */
	put_manifest(root, d[2].snapshot_id, S1);
	memcpy(d[2].payload_root_hash, d[1].payload_root_hash, sizeof d[2].payload_root_hash);
	put_manifest(root, d[3].snapshot_id,
		     "dir\ta\t0755\t-\t-\n"
		     "file\ta-b\t0644\t1\t" H1 "\n"
		     "file\ta/x\t0600\t1\t" H0 "\n");
	put_manifest(root, d[4].snapshot_id,
		     "file\ta-b\t0644\t1\t" H1 "\n"
		     "file\tz\t0644\t1\t" H1 "\n");
	cat.d = d;
	cat.n = 5;
	for (int i = 0; i < 5; i++)
		items[i] = &d[4 - i];
	h.items = items;
	h.n = 5;
	paths[0] = strdup("z");
	paths[1] = strdup("a");
	paths[2] = strdup("a-b");
	np = jvs_path_sort_unique(paths, 3); /* a, a-b, z */
	assert_int_equal(np, 3);
	assert_int_equal(jvs_path_history_compute(repo, &cat, &h, paths, np, 0, &ph), 0);
	assert_int_equal(ph.n, 5);
	assert_string_equal(ph.letters[0], "D-A"); /* s4: a gone, z back */
	assert_string_equal(ph.letters[1], "M-D"); /* s3: a/x mode, z removed */
	assert_string_equal(ph.letters[2], "---"); /* s2: same root hash as s1 */
	assert_string_equal(ph.letters[3], "MMA"); /* s1: a file -> dir, a-b, z new */
	assert_string_equal(ph.letters[4], "AA-"); /* s0: against the empty tree */
	jvs_path_history_clear(&ph);
	/* limit: stops after two snapshots with a change */
	assert_int_equal(jvs_path_history_compute(repo, &cat, &h, paths, np, 2, &ph), 0);
	assert_non_null(ph.letters[1]);
	assert_null(ph.letters[2]);
	jvs_path_history_clear(&ph);
	/* a missing manifest is an error, not "no change" */
	{
		char *p = jvs_strf("%s/.jvs/manifests/%s", root, d[3].snapshot_id);
		assert_int_equal(unlink(p), 0);
		free(p);
	}
	jvs_error_clear();
	assert_int_equal(jvs_path_history_compute(repo, &cat, &h, paths, np, 0, &ph), -1);
	assert_int_equal(jvs_error_last()->cls, JVS_E_PARTIAL_SNAPSHOT);
	for (size_t i = 0; i < np; i++)
		free(paths[i]);
	jvs_repo_free(repo);
	{
		char *cmd = jvs_strf("rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
		free(cmd);
	}
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worktree_rel),
		cmocka_unit_test(test_matches),
		cmocka_unit_test(test_sort_unique),
		cmocka_unit_test(test_compute),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
