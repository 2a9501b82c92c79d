/* Shared helpers for the fuzz targets in t/fuzz/ (see t/fuzz/README).
 *
 * Every target defines LLVMFuzzerTestOneInput; built with
 * -fsanitize=fuzzer it is a libFuzzer binary, linked with replay.c it is a
 * replay driver that runs the files (or directories of files) given as
 * arguments, which is what `make fuzz-replay` does over t/fuzz/corpus/. */
#ifndef JVS_FUZZ_H
#define JVS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error_int.h"
#include "fsutil.h"
#include "repo_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of the input (caller frees). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A property the target checks failed: crash so the fuzzer records it. */
#define FUZZ_ASSERT(cond)                                                                    \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: fuzz property failed: %s\n", __FILE__,      \
				__LINE__, #cond);                                            \
			abort();                                                             \
		}                                                                            \
	} while (0)

static char *fuzz_dir_;
static jvs_repo *fuzz_repo_;

static void fuzz_cleanup_(void)
{
	jvs_repo_free(fuzz_repo_);
	if (fuzz_dir_)
		jvs_rm_rf(fuzz_dir_);
	free(fuzz_dir_);
}

/* A scratch repository, made once per process and removed at exit. */
static inline jvs_repo *fuzz_repo(void)
{
	char tmpl[] = "/tmp/jvs-fuzz.XXXXXX";
	char *root = NULL;
	if (fuzz_repo_)
		return fuzz_repo_;
	if (!mkdtemp(tmpl))
		abort();
	fuzz_dir_ = strdup(tmpl);
	if (!fuzz_dir_ || jvs_repo_init(tmpl, &root) < 0 || jvs_repo_open(&fuzz_repo_, root) < 0) {
		fprintf(stderr, "fuzz: cannot make a scratch repository: %s\n",
			jvs_error_last()->message);
		abort();
	}
	free(root);
	atexit(fuzz_cleanup_);
	return fuzz_repo_;
}

/* Writes the input to <repo>/.jvs/<rel> (directories made as needed). */
static inline void fuzz_put(const char *rel, const uint8_t *data, size_t size)
{
	char *path = jvs_repo_path(fuzz_repo(), rel);
	char *slash;
	FILE *f;
	if (!path)
		abort();
	slash = strrchr(path, '/');
	*slash = '\0';
	if (jvs_mkdir_p(path, 0755) < 0)
		abort();
	*slash = '/';
	f = fopen(path, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f))
		abort();
	free(path);
}

#endif
