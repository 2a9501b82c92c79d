/* Confined file operations (safepath.c) and the fsutil functions built on
 * them: symlinks, dangling symlinks, FIFOs and non-directories anywhere
 * below the registered root are refused, nothing outside it changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error_int.h"
#include "fsutil.h"
#include "safepath.h"

static char top[] = "/tmp/jvs-test-safepath.XXXXXX";
static char root[4096], outside[4096];

static char *at(const char *base, const char *rel)
{
	char *p = jvs_strf("%s/%s", base, rel);
	assert_non_null(p);
	return p;
}

static void put(const char *base, const char *rel, const char *text)
{
	char *p = at(base, rel);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static void mkdir_at(const char *base, const char *rel)
{
	char *p = at(base, rel);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
}

static void link_to(const char *target, const char *rel)
{
	char *p = at(root, rel);
	assert_int_equal(symlink(target, p), 0);
	free(p);
}

static int exists_at(const char *base, const char *rel)
{
	char *p = at(base, rel);
	struct stat st;
	int rc = lstat(p, &st) == 0;
	free(p);
	return rc;
}

static void expect_class(jvs_error_class cls)
{
	if (jvs_error_last()->cls != cls)
		fail_msg("class %s, want %s (%s)", jvs_error_class_name(jvs_error_last()->cls),
			 jvs_error_class_name(cls), jvs_error_last()->message);
	assert_true(jvs_error_last()->hint[0] != '\0');
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(top))
		return -1;
	snprintf(root, sizeof root, "%s/repo", top);
	snprintf(outside, sizeof outside, "%s/outside", top);
	if (mkdir(root, 0755) < 0 || mkdir(outside, 0755) < 0)
		return -1;
	return jvs_safepath_set_root(root);
}

static int teardown(void **state)
{
	(void)state;
	jvs_safepath_clear_root(NULL);
	return jvs_rm_rf(top);
}

/* Each test starts from an empty root and an outside holding one file. */
static int fresh(void **state)
{
	(void)state;
	jvs_error_clear();
	jvs_safepath_clear_root(NULL);
	if (jvs_rm_rf(root) < 0 || jvs_rm_rf(outside) < 0 || mkdir(root, 0755) < 0 ||
	    mkdir(outside, 0755) < 0)
		return -1;
	put(outside, "secret", "precious\n");
	return jvs_safepath_set_root(root);
}

static void test_root_registration(void **state)
{
	(void)state;
	assert_string_equal(jvs_safepath_root(), root);
	jvs_safepath_clear_root("/somewhere/else"); /* not ours: kept */
	assert_string_equal(jvs_safepath_root(), root);
	assert_int_equal(jvs_safepath_set_root("relative"), -1);
	assert_string_equal(jvs_safepath_root(), root);
}

static void test_several_roots_counted(void **state)
{
	char *in_out = at(outside, "locks/x"), *in_root = at(root, "x");
	(void)state;
	mkdir_at(top, "elsewhere");
	link_to(outside, "locks"); /* harmless: the root is not asked about it */
	assert_int_equal(jvs_safepath_set_root(outside), 0);
	assert_string_equal(jvs_safepath_root(), outside);
	assert_true(jvs_safepath_is_below(in_out));
	assert_true(jvs_safepath_is_below(in_root));
	/* a link below the second root is refused there too */
	{
		char *link = at(outside, "locks");
		assert_int_equal(symlink("../elsewhere", link), 0);
		free(link);
	}
	assert_int_equal(jvs_safe_open_file(in_out, O_RDWR | O_CREAT, 0644), -1);
	expect_class(JVS_E_PATH_ESCAPE);
	assert_false(exists_at(top, "elsewhere/x"));
	/* counted: a second registration needs a second clear */
	assert_int_equal(jvs_safepath_set_root(outside), 0);
	jvs_safepath_clear_root(outside);
	assert_true(jvs_safepath_is_below(in_out));
	jvs_safepath_clear_root(outside);
	assert_false(jvs_safepath_is_below(in_out));
	assert_true(jvs_safepath_is_below(in_root));
	assert_string_equal(jvs_safepath_root(), root);
	/* "/" confines nothing */
	assert_int_equal(jvs_safepath_set_root("/"), 0);
	assert_string_equal(jvs_safepath_root(), root);
	free(in_out);
	free(in_root);
}

static void test_open_file_refuses_symlink_leaf(void **state)
{
	char *p = at(root, "holder"), *secret = at(outside, "secret"), *buf = NULL;
	size_t len;
	(void)state;
	link_to(secret, "holder");
	errno = 0;
	assert_int_equal(jvs_safe_open_file(p, O_WRONLY | O_CREAT | O_TRUNC, 0644), -1);
	assert_int_equal(errno, ELOOP);
	expect_class(JVS_E_PATH_ESCAPE);
	assert_non_null(strstr(jvs_error_last()->message, "holder' is a symlink"));
	/* the caller's generic error keeps the precise one */
	assert_int_equal(jvs_error_sys("cannot open '%s'", p), -1);
	expect_class(JVS_E_PATH_ESCAPE);
	assert_int_equal(jvs_read_file(secret, &buf, &len), 0);
	assert_string_equal(buf, "precious\n");
	free(buf);
	free(p);
	free(secret);
}

static void test_dangling_symlink_creates_nothing(void **state)
{
	char *p = at(root, "lock"), *target = at(outside, "new");
	(void)state;
	link_to(target, "lock");
	assert_int_equal(jvs_safe_open_file(p, O_RDWR | O_CREAT, 0644), -1);
	expect_class(JVS_E_PATH_ESCAPE);
	assert_false(exists_at(outside, "new"));
	assert_int_equal(jvs_write_file_atomic(p, "x", 1), 0); /* replaces the link itself */
	assert_false(exists_at(outside, "new"));
	free(p);
	free(target);
}

static void test_fifo_and_directory_are_not_files(void **state)
{
	char *fifo = at(root, "fifo"), *dir = at(root, "dir"), *buf = NULL;
	int fd;
	(void)state;
	assert_int_equal(mkfifo(fifo, 0644), 0);
	assert_int_equal(mkdir(dir, 0755), 0);
	/* neither read nor write may block on a FIFO without a peer */
	assert_int_equal(jvs_safe_open_file(fifo, O_RDONLY, 0), -1);
	expect_class(JVS_E_UNSUPPORTED_FILE);
	assert_non_null(strstr(jvs_error_last()->message, "is a FIFO"));
	assert_int_equal(jvs_safe_open_file(fifo, O_WRONLY | O_TRUNC, 0), -1);
	expect_class(JVS_E_UNSUPPORTED_FILE);
	assert_int_equal(jvs_read_file(fifo, &buf, NULL), -1);
	expect_class(JVS_E_UNSUPPORTED_FILE);
	assert_int_equal(jvs_safe_open_file(dir, O_RDONLY, 0), -1);
	assert_non_null(strstr(jvs_error_last()->message, "is a directory"));
	/* outside the root the file check still holds */
	jvs_safepath_clear_root(NULL);
	assert_int_equal(jvs_safe_open_file(fifo, O_RDONLY, 0), -1);
	expect_class(JVS_E_UNSUPPORTED_FILE);
	assert_int_equal(jvs_safepath_set_root(root), 0);
	/* a regular file is opened, and blocking again */
	put(root, "file", "ok\n");
	free(fifo);
	fifo = at(root, "file");
	fd = jvs_safe_open_file(fifo, O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	close(fd);
	free(fifo);
	free(dir);
}

static void test_symlinked_directory_on_the_way(void **state)
{
	char *p = at(root, "locks/x.lock"), *q = at(root, "locks/sub/deeper");
	(void)state;
	link_to(outside, "locks");
	assert_int_equal(jvs_safe_open_file(p, O_RDWR | O_CREAT, 0644), -1);
	expect_class(JVS_E_PATH_ESCAPE);
	assert_non_null(strstr(jvs_error_last()->message, "locks' is a symlink"));
	assert_int_equal(jvs_safe_mkdir(q, 0755), -1);
	assert_int_equal(jvs_mkdir_p(q, 0755), -1);
	expect_class(JVS_E_PATH_ESCAPE);
	assert_int_equal(jvs_write_file_atomic(p, "x", 1), -1);
	expect_class(JVS_E_PATH_ESCAPE);
	assert_int_equal(jvs_safe_unlink(p, 0), -1);
	assert_false(exists_at(outside, "x.lock"));
	assert_false(exists_at(outside, "sub"));
	assert_true(exists_at(outside, "secret"));
	free(p);
	free(q);
}

static void test_file_in_the_way_and_dotdot(void **state)
{
	char *p = at(root, "plain/x"), *up = at(root, "a/../../outside/secret");
	(void)state;
	put(root, "plain", "not a dir\n");
	assert_int_equal(jvs_safe_open_file(p, O_RDWR | O_CREAT, 0644), -1);
	expect_class(JVS_E_PATH_ESCAPE);
	assert_non_null(strstr(jvs_error_last()->message, "plain' is not a directory"));
	mkdir_at(root, "a");
	assert_int_equal(jvs_safe_unlink(up, 0), -1);
	free(p);
	p = at(root, "..");
	assert_int_equal(jvs_safe_open(p, O_RDONLY | O_DIRECTORY, 0), -1);
	expect_class(JVS_E_PATH_ESCAPE);
	assert_true(exists_at(outside, "secret"));
	free(p);
	free(up);
}

static void test_mkdir_p_and_rename_beneath(void **state)
{
	char *d = at(root, "gc/plans"), *a = at(root, "gc/plans/a"), *b = at(root, "gc/b");
	char *wt = at(root, "worktrees/w1"), *moved = at(root, "moved");
	(void)state;
	assert_int_equal(jvs_mkdir_p(d, 0755), 0);
	assert_int_equal(jvs_mkdir_p(d, 0755), 0); /* idempotent */
	put(root, "gc/plans/a", "A");
	assert_int_equal(jvs_safe_rename(a, b), 0);
	assert_true(exists_at(root, "gc/b"));
	/* a symlinked payload root moves as a link, its target stays */
	mkdir_at(root, "worktrees");
	link_to(outside, "worktrees/w1");
	assert_int_equal(jvs_safe_rename(wt, moved), 0);
	assert_int_equal(jvs_safe_unlink(moved, 0), 0);
	assert_true(exists_at(outside, "secret"));
	free(d);
	free(a);
	free(b);
	free(wt);
	free(moved);
}

static void test_rm_rf_never_leaves_the_root(void **state)
{
	char *via = at(root, "worktrees/w1"), *tree = at(root, "tree");
	(void)state;
	/* ROOT/worktrees -> outside: removing worktrees/w1 must not reach outside/w1 */
	mkdir_at(outside, "w1");
	put(outside, "w1/file", "keep\n");
	link_to(outside, "worktrees");
	assert_int_equal(jvs_rm_rf(via), -1);
	expect_class(JVS_E_PATH_ESCAPE);
	assert_true(exists_at(outside, "w1/file"));
	/* links inside a removed tree are removed, not followed */
	assert_int_equal(mkdir(tree, 0755), 0);
	link_to(outside, "tree/dirlink");
	link_to("/nonexistent", "tree/dangling");
	assert_int_equal(jvs_rm_rf(tree), 0);
	assert_false(exists_at(root, "tree"));
	assert_true(exists_at(outside, "w1/file"));
	assert_true(exists_at(outside, "secret"));
	free(via);
	free(tree);
}

static void test_check_path_for_sqlite(void **state)
{
	char *db = at(root, "index.sqlite"), *deep = at(root, "sub/index.sqlite");
	char *journal = at(root, "index.sqlite-journal");
	(void)state;
	assert_int_equal(jvs_safe_check_sqlite(db), 0); /* missing: fine */
	put(root, "index.sqlite", "");
	assert_int_equal(jvs_safe_check_sqlite(db), 0);
	assert_int_equal(symlink("/nonexistent", journal), 0);
	assert_int_equal(jvs_safe_check_sqlite(db), -1);
	expect_class(JVS_E_PATH_ESCAPE);
	assert_int_equal(unlink(journal), 0);
	assert_int_equal(mkfifo(journal, 0644), 0);
	assert_int_equal(jvs_safe_check_sqlite(db), -1);
	expect_class(JVS_E_UNSUPPORTED_FILE);
	link_to(outside, "sub");
	assert_int_equal(jvs_safe_check_path(deep), -1);
	expect_class(JVS_E_PATH_ESCAPE);
	free(db);
	free(deep);
	free(journal);
}

static void test_read_file_cap(void **state)
{
	char *p = at(root, "format_version"), *buf = NULL;
	size_t len;
	(void)state;
	put(root, "format_version", "1\n");
	assert_int_equal(jvs_safe_read_file(p, 2, &buf, &len), 0);
	assert_int_equal(len, 2);
	free(buf);
	assert_int_equal(jvs_safe_read_file(p, 1, &buf, &len), -1);
	assert_int_equal(errno, EFBIG);
	expect_class(JVS_E_UNSUPPORTED_FILE);
	assert_non_null(strstr(jvs_error_last()->message, "larger than the 1 bytes"));
	free(p);
}

static void test_open_dir_beneath(void **state)
{
	char *main_ = at(root, "main"), *fifo = at(root, "fifo");
	int fd;
	(void)state;
	link_to(outside, "main");
	assert_int_equal(jvs_safe_open_dir(main_), -1);
	expect_class(JVS_E_PATH_ESCAPE);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	assert_int_equal(jvs_safe_open_dir(fifo), -1);
	expect_class(JVS_E_PATH_ESCAPE);
	assert_non_null(strstr(jvs_error_last()->message, "is a FIFO, not a directory"));
	fd = jvs_safe_open_dir(root); /* the root itself */
	assert_true(fd >= 0);
	close(fd);
	free(main_);
	free(fifo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_root_registration, fresh),
		cmocka_unit_test_setup(test_several_roots_counted, fresh),
		cmocka_unit_test_setup(test_open_file_refuses_symlink_leaf, fresh),
		cmocka_unit_test_setup(test_dangling_symlink_creates_nothing, fresh),
		cmocka_unit_test_setup(test_fifo_and_directory_are_not_files, fresh),
		cmocka_unit_test_setup(test_symlinked_directory_on_the_way, fresh),
		cmocka_unit_test_setup(test_file_in_the_way_and_dotdot, fresh),
		cmocka_unit_test_setup(test_mkdir_p_and_rename_beneath, fresh),
		cmocka_unit_test_setup(test_rm_rf_never_leaves_the_root, fresh),
		cmocka_unit_test_setup(test_check_path_for_sqlite, fresh),
		cmocka_unit_test_setup(test_read_file_cap, fresh),
		cmocka_unit_test_setup(test_open_dir_beneath, fresh),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
