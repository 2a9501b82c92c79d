/* Manifest records, escaping, strict parsing and the root hash (SPEC §5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error_int.h"
#include "hash.h"
#include "manifest.h"
#include "xattr.h"

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "2222222222222222222222222222222222222222222222222222222222222222"
#define HA "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"

/* Formats m (sorted first); the caller frees. */
static char *fmt(jvs_manifest *m, size_t *len)
{
	char *s;
	jvs_manifest_sort(m);
	s = jvs_manifest_format(m, len);
	assert_non_null(s);
	assert_int_equal(strlen(s), *len);
	return s;
}

static void root_hash(jvs_manifest *m, char out[JVS_HASH_HEX])
{
	size_t len;
	char *s = fmt(m, &len);
	jvs_hash_buf(s, len, out);
	free(s);
}

static void test_format_each_type(void **state)
{
	jvs_manifest m = {0};
	size_t len;
	char *s;
	(void)state;
	assert_int_equal(jvs_manifest_add(&m, JVS_ENT_FILE, "a.txt", 0644, 12, H1), 0);
	assert_int_equal(jvs_manifest_add(&m, JVS_ENT_DIR, "d", 02755, -1, NULL), 0);
	assert_int_equal(jvs_manifest_add(&m, JVS_ENT_SYMLINK, "d/link", 0, -1, H2), 0);
	assert_int_equal(jvs_manifest_add(&m, JVS_ENT_FILE, "d/x", 0600, 0, HA), 0);
	assert_int_equal(jvs_manifest_add(&m, JVS_ENT_DIR, "e", 0700, -1, ""), 0);
	assert_int_equal(jvs_manifest_add(&m, JVS_ENT_FILE, "run.sh", 04755, 1234567890123LL, H2),
			 0);
	s = fmt(&m, &len);
	assert_string_equal(s, "file\ta.txt\t0644\t12\t" H1 "\n"
			       "dir\td\t2755\t-\t-\n"
			       "symlink\td/link\t-\t-\t" H2 "\n"
			       "file\td/x\t0600\t0\t" HA "\n"
			       "dir\te\t0700\t-\t-\n"
			       "file\trun.sh\t4755\t1234567890123\t" H2 "\n");
	free(s);
	jvs_manifest_clear(&m);
	assert_int_equal(m.n, 0);

	/* an empty manifest is zero bytes */
	s = fmt(&m, &len);
	assert_int_equal(len, 0);
	assert_string_equal(s, "");
	free(s);
	assert_string_equal(jvs_entry_type_name(JVS_ENT_FILE), "file");
	assert_string_equal(jvs_entry_type_name(JVS_ENT_DIR), "dir");
	assert_string_equal(jvs_entry_type_name(JVS_ENT_SYMLINK), "symlink");
}

static void test_sort_is_byte_order(void **state)
{
	jvs_manifest m = {0};
	(void)state;
	/* byte order: '-' (0x2d) < '/' (0x2f) < '0' < 'A' < '_' < 'a' < 0xc3 */
	jvs_manifest_add(&m, JVS_ENT_FILE, "caf\xc3\xa9", 0644, 0, H1);
	jvs_manifest_add(&m, JVS_ENT_FILE, "a_b", 0644, 0, H1);
	jvs_manifest_add(&m, JVS_ENT_FILE, "a/b", 0644, 0, H1);
	jvs_manifest_add(&m, JVS_ENT_DIR, "a", 0755, -1, NULL);
	jvs_manifest_add(&m, JVS_ENT_FILE, "a-b", 0644, 0, H1);
	jvs_manifest_add(&m, JVS_ENT_FILE, "B", 0644, 0, H1);
	jvs_manifest_sort(&m);
	assert_string_equal(m.e[0].path, "B");
	assert_string_equal(m.e[1].path, "a");
	assert_string_equal(m.e[2].path, "a-b");
	assert_string_equal(m.e[3].path, "a/b");
	assert_string_equal(m.e[4].path, "a_b");
	assert_string_equal(m.e[5].path, "caf\xc3\xa9");
	assert_non_null(jvs_manifest_find(&m, "a/b"));
	assert_null(jvs_manifest_find(&m, "a/c"));
	jvs_manifest_clear(&m);
}

static void test_escape(void **state)
{
	char *e;
	(void)state;
	e = jvs_path_escape("plain/path name");
	assert_string_equal(e, "plain/path name");
	free(e);
	e = jvs_path_escape("back\\slash\ttab\nnewline");
	assert_string_equal(e, "back\\\\slash\\ttab\\nnewline");
	free(e);
	e = jvs_path_escape("\\t");
	assert_string_equal(e, "\\\\t");
	free(e);
}

static void test_escape_round_trip(void **state)
{
	static const char *const paths[] = {
		"a\\b", "a\\\\", "tab\there", "new\nline", "\\n", "mix\\\t\n\\t", "sp ace", "\xc3\xa9t\xc3\xa9",
	};
	jvs_manifest m = {0}, back = {0};
	size_t len;
	char *s;
	(void)state;
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
		assert_int_equal(jvs_manifest_add(&m, JVS_ENT_FILE, paths[i], 0644, (int64_t)i, H1),
				 0);
	jvs_manifest_add(&m, JVS_ENT_SYMLINK, "link\twith\ttabs", 0, -1, H2);
	jvs_manifest_add(&m, JVS_ENT_DIR, "dir\nx", 0755, -1, NULL);
	s = fmt(&m, &len);
	/* one record per entry: raw newlines in paths never reach the bytes */
	{
		size_t lines = 0;
		for (size_t i = 0; i < len; i++)
			lines += s[i] == '\n';
		assert_int_equal(lines, m.n);
	}
	assert_non_null(strstr(s, "file\ttab\\there\t0644\t"));
	assert_non_null(strstr(s, "file\tnew\\nline\t0644\t"));
	assert_non_null(strstr(s, "file\ta\\\\b\t0644\t"));
	assert_int_equal(jvs_manifest_parse(s, len, &back), 0);
	assert_int_equal(back.n, m.n);
	for (size_t i = 0; i < m.n; i++) {
		assert_string_equal(back.e[i].path, m.e[i].path);
		assert_int_equal(back.e[i].type, m.e[i].type);
		assert_int_equal(back.e[i].mode, m.e[i].mode);
		assert_memory_equal(back.e[i].hash_raw, m.e[i].hash_raw, JVS_HASH_RAW);
		if (m.e[i].type == JVS_ENT_FILE)
			assert_int_equal(back.e[i].size, m.e[i].size);
	}
	/* and formatting the parsed manifest gives the same bytes */
	{
		size_t len2;
		char *s2 = jvs_manifest_format(&back, &len2);
		assert_non_null(s2);
		assert_int_equal(len2, len);
		assert_memory_equal(s2, s, len);
		free(s2);
	}
	free(s);
	jvs_manifest_clear(&m);
	jvs_manifest_clear(&back);
}

/* The entry keeps the raw hash: add refuses what has none, a directory's is
 * all zero and reads back as "", a parsed hash formats back as it was. */
static void test_entry_hash(void **state)
{
	static const unsigned char zero[JVS_HASH_RAW];
	static const char upper[] = "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789";
	jvs_manifest m = {0};
	char hex[JVS_HASH_HEX];
	(void)state;
	assert_int_equal(jvs_manifest_add(&m, JVS_ENT_FILE, "f", 0644, 1, NULL), -1);
	assert_int_equal(jvs_error_last()->cls, JVS_E_INTERNAL);
	assert_int_equal(jvs_manifest_add(&m, JVS_ENT_FILE, "f", 0644, 1, ""), -1);
	assert_int_equal(jvs_manifest_add(&m, JVS_ENT_FILE, "f", 0644, 1, upper), -1);
	assert_int_equal(jvs_manifest_add_x(&m, JVS_ENT_SYMLINK, "l", 0, -1, "12", NULL), -1);
	assert_int_equal(jvs_error_last()->cls, JVS_E_INTERNAL);
	assert_int_equal(m.n, 0);
	assert_int_equal(jvs_manifest_add(&m, JVS_ENT_DIR, "d", 0755, -1, NULL), 0);
	assert_int_equal(jvs_manifest_add(&m, JVS_ENT_FILE, "f", 0644, 1, HA), 0);
	assert_int_equal(jvs_manifest_add(&m, JVS_ENT_SYMLINK, "l", 0, -1, H2), 0);
	assert_memory_equal(m.e[0].hash_raw, zero, JVS_HASH_RAW);
	jvs_manifest_entry_hex(&m.e[0], hex);
	assert_string_equal(hex, "");
	assert_false(jvs_manifest_entry_hash_is(&m.e[0], ""));
	jvs_manifest_entry_hex(&m.e[1], hex);
	assert_string_equal(hex, HA);
	assert_true(jvs_manifest_entry_hash_is(&m.e[1], HA));
	assert_false(jvs_manifest_entry_hash_is(&m.e[1], H1));
	assert_int_equal(m.e[1].hash_raw[0], 0xab);
	assert_true(jvs_manifest_entry_hash_is(&m.e[2], H2));
	jvs_manifest_clear(&m);
	/* an uppercase hash in a manifest line is malformed, as before */
	{
		char line[160];
		snprintf(line, sizeof line, "file\tf\t0644\t1\t%s\n", upper);
		assert_int_equal(jvs_manifest_parse(line, strlen(line), &m), -1);
		assert_int_equal(jvs_error_last()->cls, JVS_E_DESCRIPTOR_CORRUPT);
	}
}

static void test_parse_good(void **state)
{
	static const char good[] = "dir\td\t0755\t-\t-\n"
				   "file\td/f\t0644\t5\t" H1 "\n"
				   "symlink\td/l\t-\t-\t" H2 "\n";
	jvs_manifest m = {0};
	(void)state;
	assert_int_equal(jvs_manifest_parse(good, strlen(good), &m), 0);
	assert_int_equal(m.n, 3);
	assert_int_equal(m.e[0].type, JVS_ENT_DIR);
	assert_int_equal(m.e[0].mode, 0755);
	assert_int_equal(m.e[1].type, JVS_ENT_FILE);
	assert_int_equal(m.e[1].size, 5);
	assert_true(jvs_manifest_entry_hash_is(&m.e[1], H1));
	assert_int_equal(m.e[2].type, JVS_ENT_SYMLINK);
	assert_true(jvs_manifest_entry_hash_is(&m.e[2], H2));
	jvs_manifest_clear(&m);
	/* empty input is an empty manifest */
	assert_int_equal(jvs_manifest_parse("", 0, &m), 0);
	assert_int_equal(m.n, 0);
	jvs_manifest_clear(&m);
}

static void assert_parse_rejects(const char *buf, size_t len)
{
	jvs_manifest m = {0};
	jvs_error_clear();
	if (jvs_manifest_parse(buf, len, &m) != -1)
		fail_msg("manifest accepted: [%.*s]", (int)len, buf);
	assert_int_equal(jvs_error_last()->cls, JVS_E_DESCRIPTOR_CORRUPT);
	assert_int_equal(m.n, 0);
	jvs_manifest_clear(&m);
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		/* unsorted */
		"file\tb\t0644\t1\t" H1 "\nfile\ta\t0644\t1\t" H1 "\n",
		/* duplicate */
		"file\ta\t0644\t1\t" H1 "\nfile\ta\t0644\t1\t" H1 "\n",
		"dir\ta\t0755\t-\t-\nfile\ta\t0644\t1\t" H1 "\n",
		/* unsafe paths */
		"file\t../x\t0644\t1\t" H1 "\n",
		"file\ta/../x\t0644\t1\t" H1 "\n",
		"file\t..\t0644\t1\t" H1 "\n",
		"file\t.\t0644\t1\t" H1 "\n",
		"file\t./x\t0644\t1\t" H1 "\n",
		"file\t/abs\t0644\t1\t" H1 "\n",
		"file\ta//b\t0644\t1\t" H1 "\n",
		"file\ta/\t0644\t1\t" H1 "\n",
		"file\t\t0644\t1\t" H1 "\n",
		/* bad escape */
		"file\ta\\x\t0644\t1\t" H1 "\n",
		"file\ta\\\t0644\t1\t" H1 "\n",
		/* bad mode */
		"file\ta\t644\t1\t" H1 "\n",
		"file\ta\t00644\t1\t" H1 "\n",
		"file\ta\t0648\t1\t" H1 "\n",
		"file\ta\t-\t1\t" H1 "\n",
		"dir\ta\t075x\t-\t-\n",
		"dir\ta\t-\t-\t-\n",
		"symlink\ta\t0777\t-\t" H1 "\n",
		/* bad size */
		"file\ta\t0644\t-\t" H1 "\n",
		"file\ta\t0644\t-1\t" H1 "\n",
		"file\ta\t0644\t1x\t" H1 "\n",
		"file\ta\t0644\t\t" H1 "\n",
		"dir\ta\t0755\t0\t-\n",
		/* bad hash */
		"file\ta\t0644\t1\t" "111111111111111111111111111111111111111111111111111111111111111" "\n",
		"file\ta\t0644\t1\t" H1 "1\n",
		"file\ta\t0644\t1\t" "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789" "\n",
		"file\ta\t0644\t1\t" "g111111111111111111111111111111111111111111111111111111111111111" "\n",
		"file\ta\t0644\t1\t-\n",
		"symlink\ta\t-\t-\t-\n",
		"dir\ta\t0755\t-\t" H1 "\n",
		/* missing / extra fields */
		"file\ta\t0644\t1\n",
		"file\ta\t0644\n",
		"dir\ta\t0755\t-\n",
		"symlink\ta\t-\t" H1 "\n",
		"file\ta\t0644\t1\t" H1 "\textra\n",
		"\n",
		/* unknown type */
		"fifo\ta\t0644\t1\t" H1 "\n",
		"File\ta\t0644\t1\t" H1 "\n",
		/* trailing garbage without a newline */
		"file\ta\t0644\t1\t" H1 "\ngarbage",
		"file\ta\t0644\t1\t" H1,
		/* CRLF */
		"file\ta\t0644\t1\t" H1 "\r\n",
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_parse_rejects(bad[i], strlen(bad[i]));
	/* an embedded NUL byte */
	{
		static const char nul[] = "file\ta\0b\t0644\t1\t" H1 "\n";
		assert_parse_rejects(nul, sizeof nul - 1);
	}
}

static void test_root_hash(void **state)
{
	static const char bytes[] = "file\ta\t0644\t3\t" H1 "\n";
	jvs_manifest m = {0};
	char got[JVS_HASH_HEX], want[JVS_HASH_HEX];
	(void)state;
	/* known BLAKE2b-256 vectors: `printf '' | b2sum -l 256`, `printf abc | b2sum -l 256` */
	jvs_hash_buf("", 0, got);
	assert_string_equal(got, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
	jvs_hash_buf("abc", 3, got);
	assert_string_equal(got, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
	assert_true(jvs_hash_is_hex(got));

	jvs_manifest_add(&m, JVS_ENT_FILE, "a", 0644, 3, H1);
	root_hash(&m, got);
	jvs_hash_buf(bytes, strlen(bytes), want);
	assert_string_equal(got, want);
	jvs_manifest_clear(&m);
}

/* A fixed tree; `variant` changes one thing about it. */
static void build(jvs_manifest *m, int variant, int reverse)
{
	struct {
		jvs_entry_type t;
		const char *p;
		unsigned mode;
		int64_t size;
		const char *h;
	} e[] = {
		{JVS_ENT_DIR, "data", 0755, -1, NULL},
		{JVS_ENT_FILE, "data/a.csv", 0644, 10, H1},
		{JVS_ENT_FILE, "data/b.csv", 0644, 20, H2},
		{JVS_ENT_SYMLINK, "latest", 0, -1, HA},
		{JVS_ENT_FILE, "run.sh", 0755, 30, HA},
		{JVS_ENT_DIR, "zz", 0700, -1, NULL},
	};
	size_t n = sizeof e / sizeof *e;
	memset(m, 0, sizeof *m);
	if (variant == 1)
		e[1].h = H2; /* content changed */
	if (variant == 2)
		e[4].mode = 0644; /* mode changed */
	if (variant == 4)
		e[3].h = H1; /* symlink retargeted */
	if (variant == 5)
		e[0].mode = 0750; /* dir mode changed */
	if (variant == 6)
		e[2].size = 21; /* size changed */
	for (size_t i = 0; i < n; i++) {
		size_t k = reverse ? n - 1 - i : i;
		assert_int_equal(jvs_manifest_add(m, e[k].t, e[k].p, e[k].mode, e[k].size, e[k].h),
				 0);
	}
	if (variant == 3) /* an empty directory added */
		assert_int_equal(jvs_manifest_add(m, JVS_ENT_DIR, "empty", 0755, -1, NULL), 0);
}

static void test_root_hash_deterministic(void **state)
{
	jvs_manifest a, b;
	size_t la, lb;
	char *sa, *sb;
	(void)state;
	build(&a, 0, 0);
	build(&b, 0, 1);
	sa = fmt(&a, &la);
	sb = fmt(&b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(sa, sb, la);
	free(sa);
	free(sb);
	jvs_manifest_clear(&a);
	jvs_manifest_clear(&b);
}

static void test_root_hash_changes(void **state)
{
	char base[JVS_HASH_HEX], seen[7][JVS_HASH_HEX];
	jvs_manifest m;
	(void)state;
	build(&m, 0, 0);
	root_hash(&m, base);
	jvs_manifest_clear(&m);
	for (int v = 1; v <= 6; v++) {
		build(&m, v, v % 2);
		root_hash(&m, seen[v]);
		jvs_manifest_clear(&m);
		if (!strcmp(seen[v], base))
			fail_msg("variant %d did not change the root hash", v);
		for (int w = 1; w < v; w++)
			assert_string_not_equal(seen[v], seen[w]);
	}
}

/* The optional sixth field: extended attributes, canonical and validated;
 * records without it are byte-identical to the format before it. */
static void test_xattr_field(void **state)
{
	static const char good[] = "dir\td\t0755\t-\t-\txattr:user.b=31\n"
				   "file\tf\t0644\t3\t" H1 "\txattr:trusted.x=,user.a%2C=00ff\n"
				   "file\tg\t0644\t3\t" H1 "\n"
				   "symlink\tl\t-\t-\t" H2 "\txattr:security.capability=01\n";
	static const char *const bad[] = {
		"file\tf\t0644\t3\t" H1 "\txattr:\n",		  /* empty set */
		"file\tf\t0644\t3\t" H1 "\tuser.a=31\n",	  /* no prefix */
		"file\tf\t0644\t3\t" H1 "\txattr:user.b=31,user.a=31\n", /* unsorted */
		"file\tf\t0644\t3\t" H1 "\txattr:user.a=31,user.a=32\n", /* duplicate */
		"file\tf\t0644\t3\t" H1 "\txattr:user.a=3\n",	  /* odd hex */
		"file\tf\t0644\t3\t" H1 "\txattr:user.a=3A\n",	  /* upper-case value */
		"file\tf\t0644\t3\t" H1 "\txattr:user.%61=31\n",	  /* needless escape */
		"file\tf\t0644\t3\t" H1 "\txattr:user.%2c=31\n",	  /* lower-case escape */
		"file\tf\t0644\t3\t" H1 "\txattr:user.%00=31\n",	  /* NUL in a name */
		"file\tf\t0644\t3\t" H1 "\txattr:=31\n",		  /* no name */
		"file\tf\t0644\t3\t" H1 "\txattr:user.a\n",	  /* no '=' */
		"file\tf\t0644\t3\t" H1 "\txattr:system.other=31\n", /* namespace */
		"file\tf\t0644\t3\t" H1 "\txattr:user.a=31\tmore\n", /* seven fields */
		"file\tf\t0644\t3\t" H1 "\txattr:user.a=31,\n",	  /* trailing comma */
	};
	jvs_manifest m;
	size_t len;
	char *s;
	(void)state;
	assert_int_equal(jvs_manifest_parse(good, strlen(good), &m), 0);
	assert_int_equal(m.n, 4);
	assert_string_equal(m.e[0].xattrs, "user.b=31");
	assert_string_equal(m.e[1].xattrs, "trusted.x=,user.a%2C=00ff");
	assert_null(m.e[2].xattrs);
	assert_string_equal(m.e[3].xattrs, "security.capability=01");
	s = jvs_manifest_format(&m, &len);
	assert_non_null(s);
	assert_int_equal(len, strlen(good));
	assert_memory_equal(s, good, len);
	free(s);
	jvs_manifest_clear(&m);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (jvs_manifest_parse(bad[i], strlen(bad[i]), &m) == 0)
			fail_msg("accepted bad record %zu: %s", i, bad[i]);
		assert_int_equal(jvs_error_last()->cls, JVS_E_DESCRIPTOR_CORRUPT);
	}
	/* adding "" is no xattrs at all: the old record, the old root hash */
	memset(&m, 0, sizeof m);
	assert_int_equal(jvs_manifest_add_x(&m, JVS_ENT_FILE, "g", 0644, 3, H1, ""), 0);
	s = jvs_manifest_format(&m, &len);
	assert_string_equal(s, "file\tg\t0644\t3\t" H1 "\n");
	free(s);
	jvs_manifest_clear(&m);
}

/* An xattr-only change changes the root hash. */
static void test_xattr_changes_root_hash(void **state)
{
	jvs_manifest a = {0}, b = {0};
	char ha[JVS_HASH_HEX], hb[JVS_HASH_HEX];
	(void)state;
	jvs_manifest_add_x(&a, JVS_ENT_FILE, "f", 0644, 3, H1, "user.a=31");
	jvs_manifest_add_x(&b, JVS_ENT_FILE, "f", 0644, 3, H1, "user.a=32");
	root_hash(&a, ha);
	root_hash(&b, hb);
	assert_string_not_equal(ha, hb);
	jvs_manifest_clear(&a);
	jvs_manifest_clear(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_each_type),
		cmocka_unit_test(test_sort_is_byte_order),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_escape_round_trip),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_root_hash),
		cmocka_unit_test(test_root_hash_deterministic),
		cmocka_unit_test(test_root_hash_changes),
		cmocka_unit_test(test_xattr_field),
		cmocka_unit_test(test_xattr_changes_root_hash),
		cmocka_unit_test(test_entry_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
