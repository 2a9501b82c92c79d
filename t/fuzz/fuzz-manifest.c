/* Manifest parsing: jvs_manifest_parse; an accepted manifest formats back
 * to exactly the input bytes (the format is canonical), and no accepted path
 * can leave the payload root. The streaming reader (the same bytes from a
 * file, a chunk at a time) accepts exactly what the parser accepts, with the
 * same entries, and checks the hash; the streaming writer writes back the
 * same bytes. Accepted extended attributes (the optional sixth field) are
 * canonical too: they format back unchanged. */
#include "fuzz.h"

#include "hash.h"
#include "manifest.h"
#include "xattr.h"

/* Reads .jvs/manifests/fuzz with the streaming reader and compares it with
 * the parse result m (accepted: ok). */
static void check_reader(const uint8_t *data, size_t size, const jvs_manifest *m, int ok)
{
	char hash[JVS_HASH_HEX];
	const jvs_manifest_entry *e;
	jvs_manifest_reader *r;
	size_t i = 0;
	int rc;
	fuzz_put("manifests/fuzz", data, size);
	jvs_hash_buf(data, size, hash);
	r = jvs_manifest_reader_open(fuzz_repo(), "fuzz", hash);
	FUZZ_ASSERT(r);
	while ((rc = jvs_manifest_reader_next(r, &e)) == 1) {
		/* a rejected manifest may still stream out entries before the
		 * bad line: streaming consumers see the error at the end */
		if (ok) {
			FUZZ_ASSERT(i < m->n);
			FUZZ_ASSERT(!strcmp(e->path, m->e[i].path) && e->type == m->e[i].type &&
				    e->mode == m->e[i].mode && e->size == m->e[i].size &&
				    !memcmp(e->hash_raw, m->e[i].hash_raw, JVS_HASH_RAW) &&
				    jvs_xattr_equal(e->xattrs, m->e[i].xattrs));
		}
		i++;
	}
	jvs_manifest_reader_close(r);
	FUZZ_ASSERT(ok ? rc == 0 && i == m->n : rc == -1);
	FUZZ_ASSERT(ok || jvs_error_last()->cls == JVS_E_DESCRIPTOR_CORRUPT);
	if (ok && size > 0) { /* any other expected hash is a mismatch */
		hash[0] = hash[0] == '0' ? '1' : '0';
		FUZZ_ASSERT(jvs_manifest_check(fuzz_repo(), "fuzz", hash) == -1);
		FUZZ_ASSERT(jvs_error_last()->cls == JVS_E_PAYLOAD_HASH_MISMATCH);
	}
}

static void check_writer(const uint8_t *data, size_t size, const jvs_manifest *m)
{
	char *path = jvs_repo_path(fuzz_repo(), "manifests/fuzz-w"), hash[JVS_HASH_HEX];
	char want[JVS_HASH_HEX], *back = NULL;
	size_t len = 0;
	jvs_manifest_writer *w;
	FUZZ_ASSERT(path);
	w = jvs_manifest_writer_open(path);
	FUZZ_ASSERT(w);
	for (size_t i = 0; i < m->n; i++) {
		char hex[JVS_HASH_HEX];
		jvs_manifest_entry_hex(&m->e[i], hex);
		FUZZ_ASSERT(jvs_manifest_writer_add_x(w, m->e[i].type, m->e[i].path, m->e[i].mode,
						      m->e[i].size, hex, m->e[i].xattrs) == 0);
	}
	FUZZ_ASSERT(jvs_manifest_writer_finish(w, hash) == 0);
	jvs_hash_buf(data, size, want);
	FUZZ_ASSERT(!strcmp(hash, want));
	FUZZ_ASSERT(jvs_read_file(path, &back, &len) == 0);
	FUZZ_ASSERT(len == size && (!size || !memcmp(back, data, size)));
	free(back);
	free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jvs_manifest m;
	int ok;
	memset(&m, 0, sizeof m);
	ok = jvs_manifest_parse((const char *)data, size, &m) == 0;
	if (ok) {
		size_t len = 0;
		char *out = jvs_manifest_format(&m, &len);
		FUZZ_ASSERT(out);
		FUZZ_ASSERT(len == size && !memcmp(out, data, size));
		free(out);
		for (size_t i = 0; i < m.n; i++) {
			const char *p = m.e[i].path;
			FUZZ_ASSERT(p[0] && p[0] != '/');
			FUZZ_ASSERT(strcmp(p, "..") && strncmp(p, "../", 3));
			FUZZ_ASSERT(!strstr(p, "/../") && !strstr(p, "//"));
		}
		check_writer(data, size, &m);
	}
	check_reader(data, size, &m, ok);
	jvs_manifest_clear(&m);
	return 0;
}
