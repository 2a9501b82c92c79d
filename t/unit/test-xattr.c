/* Extended attributes: reading into the manifest encoding, applying it
 * exactly (removing what is not recorded), on files, directories and (as
 * root) symlinks, never following a symlink. Skips where /tmp has none. */
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
#include <sys/xattr.h>
#include <unistd.h>

#include "fsutil.h"
#include "xattr.h"

static char dir[64];
static int dfd = -1;

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/jvs-test-xattr-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	return dfd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	close(dfd);
	jvs_rm_rf(dir);
	return 0;
}

static void put(const char *rel, const char *name, const char *val, size_t n)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	assert_int_equal(lsetxattr(p, name, val, n, 0), 0);
}

static int supported(void)
{
	char p[256];
	int fd, ok;
	snprintf(p, sizeof p, "%s/probe", dir);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	ok = fd >= 0 && fsetxattr(fd, "user.probe", "1", 1, 0) == 0;
	if (fd >= 0)
		close(fd);
	unlink(p);
	return ok;
}

static void test_read_encoding(void **state)
{
	char *enc = NULL;
	unsigned lost = 9;
	int fd;
	(void)state;
	if (!supported())
		skip();
	assert_int_equal(mkdirat(dfd, "d", 0755), 0);
	fd = openat(dfd, "d/f", O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	close(fd);
	/* none: NULL */
	assert_int_equal(jvs_xattr_read_at(dfd, "d/f", &enc, &lost), 0);
	assert_null(enc);
	assert_int_equal(lost, 0);
	put("d/f", "user.zz", "hello", 5);
	put("d/f", "user.a,b=c", "\x00\xff", 2);
	put("d/f", "user.empty", "", 0);
	assert_int_equal(jvs_xattr_read_at(dfd, "d/f", &enc, &lost), 0);
	assert_string_equal(enc, "user.a%2Cb%3Dc=00ff,user.empty=,user.zz=68656c6c6f");
	assert_true(jvs_xattr_valid(enc, strlen(enc)));
	free(enc);
	/* a missing entry reads as none, not an error */
	assert_int_equal(jvs_xattr_read_at(dfd, "d/missing", &enc, &lost), 0);
	assert_null(enc);
	put("d", "user.dir", "1", 1);
	assert_int_equal(jvs_xattr_read_at(dfd, "d", &enc, &lost), 0);
	assert_string_equal(enc, "user.dir=31");
	free(enc);
}

static void test_apply_exact(void **state)
{
	char *enc = NULL;
	unsigned lost = 0, refused = 0;
	int err = 0, fd, pfd;
	(void)state;
	if (!supported())
		skip();
	fd = openat(dfd, "g", O_CREAT | O_WRONLY, 0444); /* read-only: still set */
	assert_true(fd >= 0);
	close(fd);
	put("g", "user.old", "x", 1);
	put("g", "user.keep", "1", 1);
	pfd = open(dir, O_PATH | O_DIRECTORY);
	assert_int_equal(jvs_xattr_apply_at(pfd, "g", "user.keep=31,user.new=7a", &refused, &err),
			 0);
	assert_int_equal(refused, 0);
	assert_int_equal(jvs_xattr_read_at(dfd, "g", &enc, &lost), 0);
	assert_string_equal(enc, "user.keep=31,user.new=7a");
	free(enc);
	assert_int_equal(jvs_xattr_apply_at(pfd, "g", NULL, &refused, &err), 0);
	assert_int_equal(jvs_xattr_read_at(dfd, "g", &enc, &lost), 0);
	assert_null(enc);
	close(pfd);
}

static void test_symlink_not_followed(void **state)
{
	char *enc = NULL;
	unsigned lost = 0, refused = 0;
	int err = 0, fd, pfd;
	(void)state;
	if (!supported() || geteuid() != 0)
		skip(); /* only trusted.* and security.* live on symlinks, as root */
	fd = openat(dfd, "target", O_CREAT | O_WRONLY, 0644);
	close(fd);
	assert_int_equal(symlinkat("target", dfd, "link"), 0);
	pfd = open(dir, O_PATH | O_DIRECTORY);
	assert_int_equal(jvs_xattr_apply_at(pfd, "link", "trusted.t=31", &refused, &err), 0);
	assert_int_equal(refused, 0);
	assert_int_equal(jvs_xattr_read_at(dfd, "link", &enc, &lost), 0);
	assert_string_equal(enc, "trusted.t=31");
	free(enc);
	assert_int_equal(jvs_xattr_read_at(dfd, "target", &enc, &lost), 0);
	assert_null(enc); /* the target was not touched */
	/* a symlinked directory component is not followed */
	assert_int_equal(mkdirat(dfd, "real", 0755), 0);
	fd = openat(dfd, "real/x", O_CREAT | O_WRONLY, 0644);
	close(fd);
	put("real/x", "user.x", "1", 1);
	assert_int_equal(symlinkat("real", dfd, "via"), 0);
	assert_int_equal(jvs_xattr_read_at(dfd, "via/x", &enc, &lost), 0);
	assert_null(enc);
	close(pfd);
}

/* The fallback for records without the field takes user.* only. */
static void test_effective(void **state)
{
	jvs_xattr_cursor c = JVS_XATTR_CURSOR(dfd);
	char *out = NULL;
	int fd;
	(void)state;
	assert_int_equal(jvs_xattr_effective(&c, "nope", "user.a=31", &out), 0);
	assert_string_equal(out, "user.a=31"); /* a record wins */
	free(out);
	if (!supported() || geteuid() != 0)
		skip();
	fd = openat(dfd, "legacy", O_CREAT | O_WRONLY, 0644);
	close(fd);
	put("legacy", "trusted.t", "1", 1);
	put("legacy", "user.b", "2", 1);
	put("legacy", "security.x", "3", 1);
	assert_int_equal(jvs_xattr_effective(&c, "legacy", NULL, &out), 0);
	assert_string_equal(out, "user.b=32");
	free(out);
	jvs_xattr_cursor_close(&c);
}

static void test_equal(void **state)
{
	(void)state;
	assert_true(jvs_xattr_equal(NULL, ""));
	assert_true(jvs_xattr_equal("user.a=31", "user.a=31"));
	assert_false(jvs_xattr_equal("user.a=31", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_encoding),
		cmocka_unit_test(test_apply_exact),
		cmocka_unit_test(test_symlink_not_followed),
		cmocka_unit_test(test_effective),
		cmocka_unit_test(test_equal),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
