/* Compressed snapshot payloads: zstd frames written and read back, the
 * level names, the repository default and the format version they need. */
#include "compress.h"
#include "api_int.h"
#include "error_int.h"
#include "config.h"
#include "descriptor.h"
#include "jvs/error.h"
#include "fsutil.h"
#include "manifest.h"
#include "safepath.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#define IO_CHUNK (1 << 20)
/* files from this size on are compressed by several zstd threads */
#define MT_MIN_SIZE (8 << 20)
#define MT_MAX_WORKERS 4
/* a file that has given this much input and compressed by less than 1/16
 * so far is not compressed further (no point reading it all) */
#define GIVE_UP_AFTER (16 << 20)
/* a file from PROBE_MIN bytes on is first probed: its first PROBE bytes
 * compressed at level 1; when that saves under 1/32, the file is stored as
 * it is without compressing it all (random or already compressed data) */
#define PROBE_MIN (128 << 10)
#define PROBE (64 << 10)
/* zstd's default decoder limit: 2^27 bytes of window, at most */
#define WINDOW_LOG_MAX 27

int jvs_compress_of_snapshot(const jvs_repo *repo, const char *id, jvs_compress_level *out)
{
	jvs_descriptor d;
	int rc;
	if (jvs__descriptor_load(repo, id, &d) < 0)
		return -1;
	rc = jvs_compress_from_descriptor(d.compression, out);
	jvs_descriptor_clear(&d);
	return rc;
}

/* ==== THE REPOSITORY DEFAULT (see jvs/compress.h) ====
 * Lead: wire `jvs config get snapshot.compress` in here, below the
 * environment variable, with *origin "config". */
int jvs_compress_default(const jvs_repo *repo, jvs_compress_level *out, const char **origin)
{
	const char *v = "none";
	jvs_config_origin from = JVS_CONFIG_DEFAULT;
	*out = JVS_COMPRESS_NONE;
	if (jvs_config_snapshot_compress(repo, &v, &from) < 0)
		return -1;
	if (origin)
		*origin = from == JVS_CONFIG_ENV    ? "JVS_SNAPSHOT_COMPRESS"
			  : from == JVS_CONFIG_FILE ? "snapshot.compress (jvs config)"
						    : "built-in default";
	return jvs_compress_parse(v, from == JVS_CONFIG_ENV ? "JVS_SNAPSHOT_COMPRESS"
							   : "snapshot.compress",
				  out);
}

int jvs_compress_choose(const jvs_repo *repo, const char *requested, const jvs_engine *e,
			jvs_compress_level *out, char degraded[256])
{
	const char *origin = "--compress";
	if (degraded)
		degraded[0] = '\0';
	if (requested ? jvs_compress_parse(requested, "--compress", out)
		      : jvs_compress_default(repo, out, &origin))
		return -1;
	if (*out == JVS_COMPRESS_NONE || !jvs_engine_is_clone(e))
		return 0;
	if (requested) {
		jvs_error_set(JVS_E_USAGE,
			      "--compress %s: the %s engine shares data blocks with the worktree, "
			      "and compressing would copy every file",
			      requested, jvs_engine_name(e->kind));
		return jvs_error_hint("snapshot with JVS_SNAPSHOT_ENGINE=copy to compress, or "
				      "leave out --compress");
	}
	if (degraded)
		snprintf(degraded, 256,
			 "compression: %s=%s not applied, the %s engine shares data blocks",
			 origin, jvs_compress_name(*out), jvs_engine_name(e->kind));
	*out = JVS_COMPRESS_NONE;
	return 0;
}

int jvs_format_version_read(const jvs_repo *repo)
{
	char *p = jvs_repo_path(repo, "format_version"), *buf = NULL;
	long v = 1;
	if (p && jvs_safe_read_file(p, 64, &buf, NULL) == 0)
		v = strtol(buf, NULL, 10);
	free(p);
	free(buf);
	jvs_error_clear();
	return v < 1 || v > 1000 ? 1 : (int)v;
}

int jvs_compress_mark_repo(const jvs_repo *repo)
{
	char text[16], *p;
	int rc;
	if (jvs_format_version_read(repo) >= JVS_FORMAT_VERSION_COMPRESS)
		return 0;
	p = jvs_repo_path(repo, "format_version");
	if (!p)
		return -1;
	snprintf(text, sizeof text, "%d\n", JVS_FORMAT_VERSION_COMPRESS);
	rc = jvs_write_file_atomic(p, text, strlen(text));
	if (rc == 0)
		rc = jvs_fsync_parent(p);
	free(p);
	return rc;
}

/* ---- writing ---- */

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* 1 when the first PROBE bytes of src compress by less than 1/32 */
static int incompressible(int src)
{
	size_t cap = ZSTD_compressBound(PROBE), r;
	char *in = malloc(PROBE), *out = malloc(cap);
	ssize_t n = in && out ? pread(src, in, PROBE, 0) : -1;
	int yes = 0;
	if (n == PROBE) {
		r = ZSTD_compress(out, cap, in, (size_t)n, 1);
		yes = !ZSTD_isError(r) && r > (size_t)n - (size_t)n / 32;
	}
	free(in);
	free(out);
	return yes;
}

static int rewind_both(int src, int dst)
{
	if (ftruncate(dst, 0) < 0 || lseek(dst, 0, SEEK_SET) < 0 || lseek(src, 0, SEEK_SET) < 0)
		return jvs_error_sys("cannot rewind a snapshot copy");
	return 0;
}

int jvs_compress_file(int src, int dst, int64_t size, jvs_compress_level l,
		      char hash[JVS_HASH_HEX])
{
	struct stat st;
	ZSTD_CCtx *cc = NULL;
	jvs_hasher *h = NULL;
	char *in = NULL, *outb = NULL;
	size_t outcap = ZSTD_CStreamOutSize();
	int64_t done = 0, written = 0, keep = size - size / 8; /* a frame must save 1/8 */
	int rc = -1, more = 1;

	if (l == JVS_COMPRESS_NONE || size < JVS_COMPRESS_MIN_SIZE)
		return 0;
	if (fstat(src, &st) < 0)
		return jvs_error_sys("cannot stat a file to compress");
	if (!S_ISREG(st.st_mode) || st.st_size != size || (int64_t)st.st_blocks * 512 < size)
		return 0; /* sparse files keep their holes: stored as they are */
	if (size >= PROBE_MIN && incompressible(src))
		return 0;
	cc = ZSTD_createCCtx();
	h = jvs_hasher_new();
	in = malloc(IO_CHUNK);
	outb = malloc(outcap);
	if (!cc || !h || !in || !outb) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		goto done;
	}
	ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, jvs_compress_zstd_level(l));
	ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, 1);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 0); /* the manifest hash checks */
	if (size >= MT_MIN_SIZE) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		/* fails harmlessly where libzstd is built without threads */
		if (n > 1)
			(void)ZSTD_CCtx_setParameter(cc, ZSTD_c_nbWorkers,
						     n > MT_MAX_WORKERS ? MT_MAX_WORKERS : (int)n);
	}
	ZSTD_CCtx_setPledgedSrcSize(cc, (unsigned long long)size);
	posix_fadvise(src, 0, 0, POSIX_FADV_SEQUENTIAL);
	while (more) {
		ssize_t n = read(src, in, IO_CHUNK);
		ZSTD_inBuffer ib;
		ZSTD_EndDirective mode;
		int fin = 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			jvs_error_sys("cannot read a file to compress");
			goto done;
		}
		if (done + n > size || (n == 0 && done != size))
			goto plain; /* changed size while read: the caller's retry sees it */
		jvs_hasher_update(h, in, (size_t)n);
		done += n;
		more = n > 0;
		mode = more ? ZSTD_e_continue : ZSTD_e_end;
		ib = (ZSTD_inBuffer){in, (size_t)n, 0};
		while (!fin) {
			ZSTD_outBuffer ob = {outb, outcap, 0};
			size_t left = ZSTD_compressStream2(cc, &ob, &ib, mode);
			if (ZSTD_isError(left)) {
				jvs_error_set(JVS_E_INTERNAL, "zstd: %s", ZSTD_getErrorName(left));
				goto done;
			}
			if (ob.pos && write_all(dst, outb, ob.pos) < 0) {
				jvs_error_sys("cannot write a compressed snapshot file");
				goto done;
			}
			written += (int64_t)ob.pos;
			if (written >= keep)
				goto plain;
			fin = mode == ZSTD_e_end ? left == 0 : ib.pos == ib.size;
		}
		if (done >= GIVE_UP_AFTER && written > done - done / 16)
			goto plain;
	}
	jvs_hasher_final(h, hash);
	h = NULL;
	rc = 1;
	goto done;
plain:
	rc = rewind_both(src, dst) < 0 ? -1 : 0;
done:
	jvs_hasher_free(h);
	ZSTD_freeCCtx(cc);
	free(in);
	free(outb);
	return rc;
}

/* ---- reading ---- */

/* 1 when buf (n bytes) starts with the magic number of a zstd frame */
static int is_frame(const void *buf, size_t n)
{
	const unsigned char *b = buf;
	return n >= 4 && (b[0] | b[1] << 8 | b[2] << 16 | (unsigned)b[3] << 24) == ZSTD_MAGICNUMBER;
}

static int bad(const char *what)
{
	return jvs_error_set(JVS_E_PAYLOAD_HASH_MISMATCH, "%s", what);
}

int jvs_compress_decode(int src, int dst, int64_t size, char hash[JVS_HASH_HEX])
{
	ZSTD_DCtx *dc = ZSTD_createDCtx();
	jvs_hasher *h = jvs_hasher_new();
	size_t incap = ZSTD_DStreamInSize(), outcap = ZSTD_DStreamOutSize();
	char *in = malloc(incap), *outb = malloc(outcap);
	int64_t produced = 0, consumed = 0;
	int rc = -1, ended = 0, full = 0;

	if (!dc || !h || !in || !outb) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		goto done;
	}
	ZSTD_DCtx_setParameter(dc, ZSTD_d_windowLogMax, WINDOW_LOG_MAX);
	if (lseek(src, 0, SEEK_SET) < 0) {
		jvs_error_sys("cannot read a compressed snapshot file");
		goto done;
	}
	for (;;) {
		ssize_t n = read(src, in, incap);
		ZSTD_inBuffer ib;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			jvs_error_sys("cannot read a compressed snapshot file");
			goto done;
		}
		if (n == 0 && !full)
			break;
		if (n > 0 && ended) {
			bad("data after its zstd frame");
			goto done;
		}
		if (consumed == 0 && n > 0 && !is_frame(in, (size_t)n)) {
			bad("not a zstd frame");
			goto done;
		}
		consumed += n;
		ib = (ZSTD_inBuffer){in, (size_t)n, 0};
		/* until the input is used up and no output is held back */
		while (ib.pos < ib.size || full) {
			ZSTD_outBuffer ob = {outb, outcap, 0};
			size_t r;
			if (ended) {
				bad("data after its zstd frame");
				goto done;
			}
			r = ZSTD_decompressStream(dc, &ob, &ib);
			if (ZSTD_isError(r)) {
				char msg[128];
				snprintf(msg, sizeof msg, "a damaged zstd frame (%s)",
					 ZSTD_getErrorName(r));
				bad(msg);
				goto done;
			}
			if (produced + (int64_t)ob.pos > size) {
				bad("decompresses to more than its manifest size");
				goto done;
			}
			jvs_hasher_update(h, outb, ob.pos);
			if (dst >= 0 && ob.pos && write_all(dst, outb, ob.pos) < 0) {
				jvs_error_sys("cannot write a decompressed file");
				goto done;
			}
			produced += (int64_t)ob.pos;
			full = ob.pos == ob.size;
			if (r == 0) {
				ended = 1;
				full = 0;
			}
			if (!full && ib.pos == ib.size)
				break;
		}
	}
	if (!ended) {
		bad(consumed ? "a truncated zstd frame" : "not a zstd frame");
		goto done;
	}
	if (produced != size) {
		bad("decompresses to less than its manifest size");
		goto done;
	}
	jvs_hasher_final(h, hash);
	h = NULL;
	rc = 0;
done:
	jvs_hasher_free(h);
	ZSTD_freeDCtx(dc);
	free(in);
	free(outb);
	return rc;
}

int jvs_compress_peek_size(int src, int64_t *out)
{
	unsigned char head[18]; /* ZSTD_FRAMEHEADERSIZE_MAX */
	ssize_t n = pread(src, head, sizeof head, 0);
	unsigned long long sz;
	if (n < 0)
		return jvs_error_sys("cannot read a compressed snapshot file");
	if (!is_frame(head, n < 0 ? 0 : (size_t)n))
		return bad("not a zstd frame");
	sz = ZSTD_getFrameContentSize(head, (size_t)n);
	if (sz == ZSTD_CONTENTSIZE_ERROR || sz == ZSTD_CONTENTSIZE_UNKNOWN || sz > INT64_MAX)
		return bad("a zstd frame header without its size");
	*out = (int64_t)sz;
	return 0;
}

int jvs_compress_plain_fd(const jvs_repo *repo, const char *id, const char *path, int fd)
{
	jvs_compress_level l;
	jvs_manifest_reader *r = NULL;
	const jvs_manifest_entry *me;
	char hash[JVS_HASH_HEX], *tmp = NULL;
	struct stat st;
	int out = -1, dir = -1;
	if (jvs_compress_of_snapshot(repo, id, &l) < 0)
		goto fail;
	if (!l)
		return fd;
	if (fstat(fd, &st) < 0) {
		jvs_error_sys("cannot stat '%s' of snapshot %s", path, id);
		goto fail;
	}
	if (!(r = jvs_manifest_reader_open(repo, id, NULL)))
		goto fail;
	me = jvs_manifest_reader_seek(r, path);
	if (!me || me->type != JVS_ENT_FILE || st.st_size >= me->size) {
		jvs_manifest_reader_close(r);
		jvs_error_clear();
		return fd; /* stored as it is */
	}
	tmp = jvs_repo_path(repo, "tmp");
	dir = tmp ? jvs_safe_open_dir(tmp) : -1;
	if (dir < 0) {
		jvs_error_sys("cannot open '%s'", tmp ? tmp : "tmp");
		goto fail;
	}
	out = openat(dir, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (out < 0) {
		jvs_error_sys("cannot create a temporary file in '%s'", tmp);
		goto fail;
	}
	if (jvs_compress_decode(fd, out, me->size, hash) < 0)
		goto fail;
	if (!jvs_manifest_entry_hash_is(me, hash)) {
		bad("content changed");
		goto fail;
	}
	if (lseek(out, 0, SEEK_SET) < 0) {
		jvs_error_sys("cannot read back '%s'", path);
		goto fail;
	}
	close(fd);
	close(dir);
	free(tmp);
	jvs_manifest_reader_close(r);
	return out;
fail:
	if (jvs_error_last()->cls == JVS_E_PAYLOAD_HASH_MISMATCH) {
		char msg[256];
		snprintf(msg, sizeof msg, "%.200s", jvs_error_last()->message);
		jvs_error_set(JVS_E_PAYLOAD_HASH_MISMATCH, "snapshot %s: '%s': %s", id, path, msg);
		jvs_error_hint("run 'jvs verify %s'", id);
	}
	if (out >= 0)
		close(out);
	if (dir >= 0)
		close(dir);
	close(fd);
	free(tmp);
	jvs_manifest_reader_close(r);
	return -1;
}
