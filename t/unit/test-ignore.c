/* Ignore rules: the gitignore grammar of .jvsignore (jvs/ignore.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error_int.h"
#include "ignore.h"

/* 1 ignored, 0 re-included, -1 no rule, for rules written in dir base. */
static int match_in(const char *rules, const char *base, const char *path, int is_dir)
{
	jvs_ignore_list *l = NULL;
	int r;
	assert_int_equal(jvs_ignore_list_parse(rules, strlen(rules), base, "t", &l), 0);
	r = jvs_ignore_list_match(l, path, is_dir, NULL);
	jvs_ignore_list_free(l);
	return r;
}

static int match(const char *rules, const char *path, int is_dir)
{
	return match_in(rules, "", path, is_dir);
}

#define IGN(rules, path) assert_int_equal(match(rules, path, 0), 1)
#define IGN_DIR(rules, path) assert_int_equal(match(rules, path, 1), 1)
#define NOT(rules, path) assert_int_not_equal(match(rules, path, 0), 1)
#define NOT_DIR(rules, path) assert_int_not_equal(match(rules, path, 1), 1)

static void test_glob(void **state)
{
	(void)state;
	assert_true(jvs_ignore_glob("abc", "abc"));
	assert_false(jvs_ignore_glob("abc", "abcd"));
	assert_true(jvs_ignore_glob("a*", "a"));
	assert_true(jvs_ignore_glob("a*c", "abbbc"));
	assert_false(jvs_ignore_glob("a*c", "ab/c"));
	assert_true(jvs_ignore_glob("a?c", "abc"));
	assert_false(jvs_ignore_glob("a?c", "a/c"));
	assert_false(jvs_ignore_glob("a?c", "ac"));
	assert_true(jvs_ignore_glob("[ab]x", "bx"));
	assert_false(jvs_ignore_glob("[ab]x", "cx"));
	assert_true(jvs_ignore_glob("[a-c]", "b"));
	assert_false(jvs_ignore_glob("[a-c]", "d"));
	assert_true(jvs_ignore_glob("[!a-c]", "d"));
	assert_false(jvs_ignore_glob("[!a-c]", "a"));
	assert_true(jvs_ignore_glob("[^a-c]", "z"));
	assert_true(jvs_ignore_glob("[]]", "]"));
	assert_true(jvs_ignore_glob("[!]]", "x"));
	assert_false(jvs_ignore_glob("[!]]", "]"));
	assert_true(jvs_ignore_glob("[a-]", "-"));
	assert_true(jvs_ignore_glob("[\\]]", "]"));
	assert_true(jvs_ignore_glob("[[:digit:]]x", "7x"));
	assert_false(jvs_ignore_glob("[[:digit:]]x", "ax"));
	assert_true(jvs_ignore_glob("[[:upper:][:digit:]]", "Q"));
	assert_false(jvs_ignore_glob("[/]", "/"));
	assert_false(jvs_ignore_glob("[abc", "a"));	   /* unclosed: matches nothing */
	assert_false(jvs_ignore_glob("[[:nope:]]", "n")); /* unknown class */
	assert_true(jvs_ignore_glob("\\*", "*"));
	assert_false(jvs_ignore_glob("\\*", "x"));
	assert_true(jvs_ignore_glob("\\?\\[", "?["));
	assert_false(jvs_ignore_glob("ab\\", "ab")); /* trailing backslash */
	assert_true(jvs_ignore_glob("**", "a/b/c"));
	assert_true(jvs_ignore_glob("**/x", "x"));
	assert_true(jvs_ignore_glob("**/x", "a/b/x"));
	assert_false(jvs_ignore_glob("**/x", "a/bx"));
	assert_true(jvs_ignore_glob("a/**", "a/b"));
	assert_true(jvs_ignore_glob("a/**", "a/b/c"));
	assert_false(jvs_ignore_glob("a/**", "a"));
	assert_true(jvs_ignore_glob("a/**/b", "a/b"));
	assert_true(jvs_ignore_glob("a/**/b", "a/x/y/b"));
	assert_false(jvs_ignore_glob("a/**/b", "a/xb"));
	assert_true(jvs_ignore_glob("a**b", "axyb"));	/* not a whole component: like '*' */
	assert_false(jvs_ignore_glob("a**b", "ax/yb"));
	assert_true(jvs_ignore_glob("*", ""));
	assert_false(jvs_ignore_glob("*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	assert_false(jvs_ignore_glob("**/**/**/**/**/**/**/z", "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/y"));
}

static void test_comments_blank_escapes(void **state)
{
	(void)state;
	assert_int_equal(match("# notes\n\n   \n", "# notes", 0), -1);
	IGN("\\#hash\n", "#hash");
	NOT("#hash\n", "#hash");
	IGN("\\!bang\n", "!bang");
	IGN("x.log   \n", "x.log");		/* trailing blanks stripped */
	NOT("x.log   \n", "x.log   ");
	IGN("sp\\ \n", "sp ");			/* an escaped blank stays */
	NOT("sp\\ \n", "sp");
	IGN("two\\  \n", "two ");		/* the escaped one stays, the rest go */
	IGN("tab\t\n", "tab\t");		/* only spaces are trailing blanks */
	NOT("tab\t\n", "tab");
	IGN("crlf\r\nnext\r\n", "crlf");
	IGN("crlf\r\nnext\r\n", "next");
	IGN("\xef\xbb\xbf" "bom\n", "bom");
	IGN("last", "last");			/* no final newline */
	assert_int_equal(match("/\n!\n", "x", 0), -1); /* empty rules are dropped */
}

static void test_negation_last_wins(void **state)
{
	(void)state;
	IGN("*.log\n", "a.log");
	assert_int_equal(match("*.log\n!keep.log\n", "keep.log", 0), 0);
	IGN("*.log\n!keep.log\n", "other.log");
	IGN("!keep.log\n*.log\n", "keep.log"); /* the later rule wins */
	assert_int_equal(match("*.log\n!*.log\n", "x.log", 0), 0);
	IGN("*.log\n!*.log\n*.log\n", "x.log");
}

static void test_directory_only(void **state)
{
	(void)state;
	IGN_DIR("build/\n", "build");
	NOT("build/\n", "build");		/* a file called build stays */
	IGN_DIR("build/\n", "src/build");	/* no other slash: any depth */
	IGN("build\n", "build");
	IGN_DIR("build\n", "build");
	IGN_DIR("*/\n", "anything");
	NOT("*/\n", "anything");
}

static void test_anchoring(void **state)
{
	(void)state;
	IGN("/top\n", "top");
	NOT("/top\n", "sub/top");
	IGN("name\n", "sub/deep/name");		/* no slash: the name at any depth */
	IGN("doc/frotz\n", "doc/frotz");	/* an inner slash anchors */
	NOT("doc/frotz\n", "a/doc/frotz");
	IGN("doc/*.txt\n", "doc/a.txt");
	NOT("doc/*.txt\n", "doc/sub/a.txt");	/* '*' stops at '/' */
	IGN_DIR("a/b/\n", "a/b");
	NOT_DIR("a/b/\n", "x/a/b");
	IGN("*.o\n", "deep/er/x.o");
	IGN("x?z\n", "q/xyz");
	/* rules of a file in a subdirectory are relative to it */
	assert_int_equal(match_in("/local\n", "sub", "sub/local", 0), 1);
	assert_int_equal(match_in("/local\n", "sub", "local", 0), -1);
	assert_int_equal(match_in("/local\n", "sub", "sub/x/local", 0), -1);
	assert_int_equal(match_in("n\n", "sub", "sub/x/n", 0), 1);
	assert_int_equal(match_in("x/n\n", "sub", "sub/x/n", 0), 1);
	assert_int_equal(match_in("n\n", "sub", "subway/n", 0), -1);
}

static void test_double_star(void **state)
{
	(void)state;
	IGN("**/foo\n", "foo");
	IGN("**/foo\n", "a/b/foo");
	IGN("**/foo/bar\n", "x/foo/bar");
	IGN("**/foo/bar\n", "foo/bar");
	IGN("abc/**\n", "abc/x");
	IGN("abc/**\n", "abc/x/y");
	NOT_DIR("abc/**\n", "abc");
	IGN("a/**/b\n", "a/b");
	IGN("a/**/b\n", "a/x/b");
	IGN("a/**/b\n", "a/x/y/b");
	NOT("a/**/b\n", "b");
	IGN("**\n", "any/thing");
	IGN("a/**/*.tmp\n", "a/q/r/s.tmp");
}

static void test_stack(void **state)
{
	jvs_ignore *ig = NULL;
	jvs_ignore_list *root = NULL, *sub = NULL;
	jvs_ignore_hit hit;
	static const char r1[] = "*.log\n/out/\n";
	static const char r2[] = "!keep.log\n";
	(void)state;
	assert_int_equal(jvs_ignore_new(NULL, &ig), 0);
	assert_int_equal(jvs_ignore_list_parse(r1, strlen(r1), "", ".jvsignore", &root), 0);
	assert_int_equal(jvs_ignore_list_count(root), 2);
	assert_int_equal(jvs_ignore_push(ig, "", root, 0), 0);
	assert_int_equal(jvs_ignore_check(ig, "a.log", 0, &hit), 1);
	assert_string_equal(hit.source, ".jvsignore");
	assert_int_equal(hit.line, 1);
	assert_string_equal(hit.pattern, "*.log");
	assert_int_equal(jvs_ignore_check(ig, "out", 1, &hit), 1);
	assert_string_equal(hit.pattern, "/out/");
	assert_int_equal(hit.line, 2);
	assert_int_equal(jvs_ignore_check(ig, "out", 0, NULL), 0);
	assert_int_equal(jvs_ignore_list_parse(r2, strlen(r2), "d", "d/.jvsignore", &sub), 0);
	assert_int_equal(jvs_ignore_push(ig, "d", sub, 0), 0);
	/* the deeper file wins over the root one */
	assert_int_equal(jvs_ignore_check(ig, "d/keep.log", 0, &hit), 0);
	assert_int_equal(hit.negated, 1);
	assert_string_equal(hit.source, "d/.jvsignore");
	assert_int_equal(jvs_ignore_check(ig, "d/other.log", 0, &hit), 1);
	assert_string_equal(hit.source, ".jvsignore");
	jvs_ignore_leave(ig);
	/* a CACHEDIR.TAG directory: everything but the tag */
	assert_int_equal(jvs_ignore_push(ig, "c", NULL, 1), 0);
	assert_int_equal(jvs_ignore_check(ig, "c/x", 0, &hit), 1);
	assert_string_equal(hit.source, "c/CACHEDIR.TAG");
	assert_int_equal(jvs_ignore_check(ig, "c/sub", 1, NULL), 1);
	assert_int_equal(jvs_ignore_check(ig, "c/CACHEDIR.TAG", 0, NULL), 0);
	jvs_ignore_free(ig);
}

static void test_repo_file(void **state)
{
	char dir[] = "/tmp/jvs-test-ignore.XXXXXX", path[64], link[80];
	jvs_ignore *ig = NULL;
	jvs_ignore_hit hit;
	FILE *f;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/ignore", dir);
	snprintf(link, sizeof link, "%s/link", dir);
	/* missing: no rules */
	assert_int_equal(jvs_ignore_new(path, &ig), 0);
	assert_int_equal(jvs_ignore_check(ig, "x.tmp", 0, NULL), 0);
	jvs_ignore_free(ig);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# local\n*.tmp\n", f);
	fclose(f);
	assert_int_equal(jvs_ignore_new(path, &ig), 0);
	assert_int_equal(jvs_ignore_check(ig, "x.tmp", 0, &hit), 1);
	assert_string_equal(hit.source, ".jvs/ignore");
	assert_int_equal(hit.line, 2);
	/* a worktree rule overrides the repository one */
	{
		jvs_ignore_list *l = NULL;
		assert_int_equal(jvs_ignore_list_parse("!x.tmp\n", 7, "", ".jvsignore", &l), 0);
		assert_int_equal(jvs_ignore_push(ig, "", l, 0), 0);
		assert_int_equal(jvs_ignore_check(ig, "x.tmp", 0, NULL), 0);
		assert_int_equal(jvs_ignore_check(ig, "y.tmp", 0, NULL), 1);
	}
	jvs_ignore_free(ig);
	/* a symlink is refused, not followed */
	assert_int_equal(symlink(path, link), 0);
	jvs_error_clear();
	assert_int_equal(jvs_ignore_new(link, &ig), -1);
	assert_int_equal(jvs_error_last()->cls, JVS_E_PATH_ESCAPE);
	assert_null(ig);
	unlink(link);
	unlink(path);
	/* a directory is refused */
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(jvs_ignore_new(path, &ig), -1);
	assert_int_equal(jvs_error_last()->cls, JVS_E_PATH_ESCAPE);
	rmdir(path);
	rmdir(dir);
}

static void put(const char *dir, const char *rel, const char *text)
{
	char path[256];
	FILE *f;
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_path(void **state)
{
	char dir[] = "/tmp/jvs-test-ignore.XXXXXX", sub[96];
	jvs_ignore *ig = NULL;
	jvs_ignore_hit hit;
	int fd;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof sub, "%s/a", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(sub, sizeof sub, "%s/a/c", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	put(dir, ".jvsignore", "/out/\n*.bak\n");
	put(dir, "a/.jvsignore", "!keep.bak\nlocal\n");
	put(dir, "a/c/CACHEDIR.TAG", JVS_CACHEDIR_SIGNATURE "\n");
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(jvs_ignore_new(NULL, &ig), 0);
	assert_int_equal(jvs_ignore_path(ig, fd, "", 1, &hit), 0);
	assert_int_equal(jvs_ignore_path(ig, fd, "x.bak", 0, &hit), 1);
	assert_string_equal(hit.source, ".jvsignore");
	assert_int_equal(jvs_ignore_path(ig, fd, "a/keep.bak", 0, &hit), 0);
	assert_string_equal(hit.source, "a/.jvsignore");
	assert_int_equal(hit.negated, 1);
	assert_int_equal(jvs_ignore_path(ig, fd, "a/deeper/local", 0, &hit), 1);
	assert_string_equal(hit.pattern, "local");
	assert_int_equal(jvs_ignore_path(ig, fd, "local", 0, &hit), 0); /* a/ rules only */
	assert_null(hit.source);
	/* below an excluded directory: the directory's rule decides */
	assert_int_equal(jvs_ignore_path(ig, fd, "out/x/keep.bak", 0, &hit), 1);
	assert_string_equal(hit.pattern, "/out/");
	assert_int_equal(jvs_ignore_path(ig, fd, "out", 0, NULL), 0); /* a file called out */
	assert_int_equal(jvs_ignore_path(ig, fd, "a/c/data", 0, &hit), 1);
	assert_string_equal(hit.source, "a/c/CACHEDIR.TAG");
	assert_int_equal(jvs_ignore_path(ig, fd, "a/c/CACHEDIR.TAG", 0, NULL), 0);
	assert_int_equal(jvs_ignore_path(ig, fd, "a/c", 1, NULL), 0);
	jvs_ignore_free(ig);
	close(fd);
	{
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_comments_blank_escapes),
		cmocka_unit_test(test_negation_last_wins),
		cmocka_unit_test(test_directory_only),
		cmocka_unit_test(test_anchoring),
		cmocka_unit_test(test_double_star),
		cmocka_unit_test(test_stack),
		cmocka_unit_test(test_repo_file),
		cmocka_unit_test(test_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
