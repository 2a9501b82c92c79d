/* Bounded-memory building blocks: the streaming manifest reader and writer,
 * the spill list and the string arena. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "error_int.h"
#include "fsutil.h"
#include "hash.h"
#include "manifest.h"
#include "spill.h"

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "2222222222222222222222222222222222222222222222222222222222222222"

static char dir[] = "/tmp/jvs-test-stream.XXXXXX";

static char *tmp_path(const char *name)
{
	char *p = jvs_strf("%s/%s", dir, name);
	assert_non_null(p);
	return p;
}

static void write_bytes(const char *path, const char *s, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(s, 1, len, f), len);
	fclose(f);
}

/* n entries d0000/, d0000/f, ... in order, with one very long path. */
static void fill_manifest(jvs_manifest *m, size_t n, const char *longpath)
{
	memset(m, 0, sizeof *m);
	for (size_t i = 0; i < n; i++) {
		char p[64];
		snprintf(p, sizeof p, "d%05zu", i);
		assert_int_equal(jvs_manifest_add(m, JVS_ENT_DIR, p, 0755, -1, NULL), 0);
		snprintf(p, sizeof p, "d%05zu/f\tx", i);
		assert_int_equal(jvs_manifest_add(m, JVS_ENT_FILE, p, 0644, (int64_t)i, H1), 0);
		snprintf(p, sizeof p, "d%05zu/l", i);
		assert_int_equal(jvs_manifest_add(m, JVS_ENT_SYMLINK, p, 0, -1, H2), 0);
	}
	if (longpath)
		assert_int_equal(jvs_manifest_add(m, JVS_ENT_FILE, longpath, 0600, 7, H2), 0);
	jvs_manifest_sort(m);
}

static void test_writer_matches_format_and_reader_round_trips(void **state)
{
	jvs_manifest m;
	jvs_manifest_writer *w;
	jvs_manifest_reader *r;
	const jvs_manifest_entry *e;
	char *path = tmp_path("m1"), *bytes, *longpath = malloc(200001);
	char got[JVS_HASH_HEX], want[JVS_HASH_HEX];
	size_t len, i = 0;
	(void)state;
	/* one line far longer than the reader's 64 KiB chunk */
	for (size_t k = 0; k < 200000; k += 2)
		memcpy(longpath + k, k + 2 < 200000 ? "z/" : "zz", 2);
	longpath[200000] = '\0';
	fill_manifest(&m, 3000, longpath);
	w = jvs_manifest_writer_open(path);
	assert_non_null(w);
	for (size_t k = 0; k < m.n; k++) {
		char hex[JVS_HASH_HEX];
		jvs_manifest_entry_hex(&m.e[k], hex);
		assert_int_equal(jvs_manifest_writer_add(w, m.e[k].type, m.e[k].path, m.e[k].mode,
							 m.e[k].size, hex),
				 0);
	}
	assert_int_equal(jvs_manifest_writer_finish(w, got), 0);
	bytes = jvs_manifest_format(&m, &len);
	jvs_hash_buf(bytes, len, want);
	assert_string_equal(got, want);

	r = jvs_manifest_reader_open_path(path, "test", want);
	assert_non_null(r);
	while (jvs_manifest_reader_next(r, &e) == 1) {
		assert_true(i < m.n);
		assert_string_equal(e->path, m.e[i].path);
		assert_int_equal(e->type, m.e[i].type);
		assert_int_equal(e->mode, m.e[i].mode);
		assert_int_equal(e->size, m.e[i].size);
		assert_memory_equal(e->hash_raw, m.e[i].hash_raw, JVS_HASH_RAW);
		i++;
	}
	assert_int_equal(i, m.n);
	assert_int_equal(jvs_manifest_reader_next(r, &e), 0); /* stays at the end */
	jvs_manifest_reader_close(r);
	free(bytes);
	free(longpath);
	free(path);
	jvs_manifest_clear(&m);
}

static void test_writer_refuses_disorder(void **state)
{
	char *path = tmp_path("m2"), h[JVS_HASH_HEX];
	jvs_manifest_writer *w = jvs_manifest_writer_open(path);
	(void)state;
	assert_non_null(w);
	assert_int_equal(jvs_manifest_writer_add(w, JVS_ENT_FILE, "b", 0644, 1, H1), 0);
	assert_int_equal(jvs_manifest_writer_add(w, JVS_ENT_FILE, "a", 0644, 1, H1), -1);
	assert_int_equal(jvs_error_last()->cls, JVS_E_INTERNAL);
	assert_int_equal(jvs_manifest_writer_add(w, JVS_ENT_FILE, "b", 0644, 1, H1), -1);
	assert_int_equal(jvs_manifest_writer_finish(w, h), 0);
	free(path);
}

/* Reads path to its end; the return of the last next(). */
static int read_all(const char *path, const char *want)
{
	const jvs_manifest_entry *e;
	jvs_manifest_reader *r = jvs_manifest_reader_open_path(path, "t", want);
	int rc;
	assert_non_null(r);
	while ((rc = jvs_manifest_reader_next(r, &e)) == 1)
		;
	jvs_manifest_reader_close(r);
	return rc;
}

static void test_reader_errors(void **state)
{
	static const char *const bad[] = {
		"file\ta\t0644\t1\t" H1,                          /* no final newline */
		"file\tb\t0644\t1\t" H1 "\nfile\ta\t0644\t1\t" H1 "\n", /* unsorted */
		"file\ta\t0644\t1\t" H1 "\nfile\ta\t0644\t1\t" H1 "\n", /* duplicate */
		"file\t../x\t0644\t1\t" H1 "\n",                  /* escapes */
		"dir\ta\t0755\t-\t-\nfile\ta/b\t644\t1\t" H1 "\n", /* bad mode */
	};
	char *path = tmp_path("m3"), h[JVS_HASH_HEX];
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		write_bytes(path, bad[i], strlen(bad[i]));
		jvs_hash_buf(bad[i], strlen(bad[i]), h);
		/* bytes as recorded: the line is what is wrong */
		assert_int_equal(read_all(path, h), -1);
		assert_int_equal(jvs_error_last()->cls, JVS_E_DESCRIPTOR_CORRUPT);
		/* bytes changed since: reported as the mismatch, like load does */
		assert_int_equal(read_all(path, H1), -1);
		assert_int_equal(jvs_error_last()->cls, JVS_E_PAYLOAD_HASH_MISMATCH);
		/* no hash to check */
		assert_int_equal(read_all(path, NULL), -1);
		assert_int_equal(jvs_error_last()->cls, JVS_E_DESCRIPTOR_CORRUPT);
	}
	/* a good file with the wrong expected hash fails at its end */
	write_bytes(path, "file\ta\t0644\t1\t" H1 "\n", 79);
	assert_int_equal(read_all(path, H2), -1);
	assert_int_equal(jvs_error_last()->cls, JVS_E_PAYLOAD_HASH_MISMATCH);
	assert_int_equal(read_all(path, NULL), 0);
	free(path);
	/* missing file */
	path = tmp_path("absent");
	assert_null(jvs_manifest_reader_open_path(path, "t", NULL));
	assert_int_equal(jvs_error_last()->cls, JVS_E_PARTIAL_SNAPSHOT);
	free(path);
}

static void test_reader_seek(void **state)
{
	const char text[] = "dir\ta\t0755\t-\t-\n"
			    "file\ta/b\t0644\t1\t" H1 "\n"
			    "file\ta/d\t0644\t2\t" H1 "\n"
			    "symlink\tz\t-\t-\t" H2 "\n";
	char *path = tmp_path("m4");
	const jvs_manifest_entry *e;
	jvs_manifest_reader *r;
	(void)state;
	write_bytes(path, text, strlen(text));
	r = jvs_manifest_reader_open_path(path, "t", NULL);
	assert_non_null(r);
	assert_null(jvs_manifest_reader_seek(r, "0"));   /* before everything */
	e = jvs_manifest_reader_seek(r, "a/b");
	assert_non_null(e);
	assert_int_equal(e->size, 1);
	assert_null(jvs_manifest_reader_seek(r, "a/c")); /* absent: a/d kept */
	e = jvs_manifest_reader_seek(r, "a/d");
	assert_non_null(e);
	assert_int_equal(e->size, 2);
	e = jvs_manifest_reader_seek(r, "z");
	assert_non_null(e);
	assert_int_equal(e->type, JVS_ENT_SYMLINK);
	assert_null(jvs_manifest_reader_seek(r, "zz"));  /* past the end */
	jvs_manifest_reader_close(r);
	free(path);
}

typedef struct {
	size_t seen, stop_at;
} spill_seen;

/* Record i is i % 300 + 1 bytes, each the low byte of i. */
static int check_rec(void *arg, const void *rec, size_t len)
{
	spill_seen *s = arg;
	const unsigned char *b = rec;
	assert_int_equal(len, s->seen % 300 + 1);
	assert_int_equal((uintptr_t)rec % 8, 0);
	for (size_t k = 0; k < len; k++)
		assert_int_equal(b[k], (unsigned char)s->seen);
	s->seen++;
	return s->seen == s->stop_at ? 42 : 0;
}

static void test_spill_keeps_order_beyond_memory(void **state)
{
	jvs_spill *sp = jvs_spill_new(dir);
	unsigned char rec[300];
	const size_t n = 30000; /* ~4.5 MB: several times the memory buffer */
	spill_seen s = {0, 0};
	(void)state;
	assert_non_null(sp);
	for (size_t i = 0; i < n; i++) {
		memset(rec, (unsigned char)i, sizeof rec);
		assert_int_equal(jvs_spill_add(sp, rec, i % 300 + 1), 0);
	}
	assert_int_equal(jvs_spill_count(sp), n);
	assert_int_equal(jvs_spill_each(sp, check_rec, &s), 0);
	assert_int_equal(s.seen, n);
	s.seen = 0; /* replayable, and fn can stop it */
	s.stop_at = 12345;
	assert_int_equal(jvs_spill_each(sp, check_rec, &s), 42);
	assert_int_equal(s.seen, 12345);
	jvs_spill_free(sp);
}

static void test_arena_strings_stay_put(void **state)
{
	jvs_arena a = {0};
	char *first = jvs_arena_strdup(&a, "first"), *big;
	char *blob = malloc(600000);
	(void)state;
	memset(blob, 'x', 599999);
	blob[599999] = '\0';
	for (int i = 0; i < 100000; i++)
		assert_non_null(jvs_arena_strdup(&a, "some/path/name"));
	big = jvs_arena_strdup(&a, blob);
	assert_non_null(big);
	assert_string_equal(first, "first");
	assert_string_equal(big, blob);
	assert_string_equal(jvs_arena_strndup(&a, "abcdef", 3), "abc");
	jvs_arena_free(&a);
	jvs_arena_free(&a); /* twice is harmless */
	free(blob);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return jvs_rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writer_matches_format_and_reader_round_trips),
		cmocka_unit_test(test_writer_refuses_disorder),
		cmocka_unit_test(test_reader_errors),
		cmocka_unit_test(test_reader_seek),
		cmocka_unit_test(test_spill_keeps_order_beyond_memory),
		cmocka_unit_test(test_arena_strings_stay_put),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
