#include "jvs/verify.h"
#include "error_int.h"
#include "layout.h"
#include "audit.h"
#include "compress.h"
#include "descriptor.h"
#include "fsutil.h"
#include "hash.h"
#include "json.h"
#include "lock.h"
#include "manifest.h"
#include "scan.h"
#include "textesc.h"
#include "jvs/worktree.h"
#include "verify_int.h"
#include "api_int.h"
#include "opts.h"
#include "worktree_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_THREADS 8

/* The memo of inodes already hashed (snapshots share unchanged files as
 * hard links; only an inode of more than one link can be met again, so
 * only those are kept: a million-file clone-made snapshot, whose inodes
 * are its own, costs the memo nothing): 128 bits of each hash are enough to compare against a
 * manifest, and keep the memo at 32 bytes an inode. dev_1 is st_dev + 1,
 * so that 0 marks a free slot. */
#define MEMO_BYTES 16

typedef struct {
	uint64_t dev_1, ino;
	unsigned char hash[MEMO_BYTES];
} inode_slot;

struct jvs_verifier {
	const jvs_repo *repo;
	int quick;
	inode_slot *slots;
	size_t nslots, used;
	jvs_progress_fn progress;
	void *progress_arg;
	uint64_t bytes_done, files_done;
	int compressed; /* the snapshot being compared has zstd frames */
};

typedef struct {
	const char *path; /* in the batch's arena */
	char want[JVS_HASH_HEX];
	uint64_t dev, ino;
	int64_t size;
	char got[JVS_HASH_HEX];
	int failed;
	int frame;	  /* a zstd frame of size bytes (jvs/compress.h) */
	int shared;	  /* the inode has other links: remembered in the memo */
	char detail[96]; /* why a frame failed */
} hash_job;

/* Files are hashed in batches, so memory stays bounded on any tree. */
#define JOB_BATCH 2048

typedef struct {
	hash_job jobs[JOB_BATCH];
	size_t n;
	jvs_arena paths;
} job_batch;

typedef struct {
	jvs_verifier *v;
	int dirfd;
	hash_job *jobs;
	size_t njobs, next;
	pthread_mutex_t mu;
} job_queue;

jvs_verifier *jvs_verifier_new(const jvs_repo *repo, const jvs_verify_opts *opts)
{
	if (opts && jvs_opts_check(opts->version, JVS_VERIFY_OPTS_VERSION, "jvs_verify_opts") < 0)
		return NULL;
	jvs_verifier *v = calloc(1, sizeof *v);
	if (!v) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		return NULL;
	}
	v->repo = repo;
	if (opts) {
		v->quick = opts->quick;
		v->progress = opts->progress;
		v->progress_arg = opts->progress_arg;
	}
	return v;
}

void jvs_verifier_free(jvs_verifier *v)
{
	if (!v)
		return;
	free(v->slots);
	free(v);
}

static void memo_key(const char *hex, unsigned char out[MEMO_BYTES])
{
	for (size_t i = 0; i < MEMO_BYTES; i++) {
		unsigned hi = (unsigned)hex[2 * i], lo = (unsigned)hex[2 * i + 1];
		hi = hi <= '9' ? hi - '0' : hi - 'a' + 10;
		lo = lo <= '9' ? lo - '0' : lo - 'a' + 10;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
}

static size_t slot_index(const jvs_verifier *v, uint64_t dev, uint64_t ino)
{
	uint64_t h = (dev * 0x9E3779B97F4A7C15ULL) ^ (ino * 0xC2B2AE3D27D4EB4FULL);
	return (size_t)(h & (v->nslots - 1));
}

/* 1: the inode was hashed before, and *same says whether it matched raw
 * (its first MEMO_BYTES, the memo key). */
static int inode_lookup(const jvs_verifier *v, uint64_t dev, uint64_t ino,
			const unsigned char raw[JVS_HASH_RAW], int *same)
{
	if (!v->nslots)
		return 0;
	for (size_t i = slot_index(v, dev, ino);; i = (i + 1) & (v->nslots - 1)) {
		const inode_slot *s = &v->slots[i];
		if (!s->dev_1)
			return 0;
		if (s->dev_1 == dev + 1 && s->ino == ino) {
			*same = !memcmp(raw, s->hash, MEMO_BYTES);
			return 1;
		}
	}
}

static void slot_put(jvs_verifier *v, uint64_t dev_1, uint64_t ino,
		     const unsigned char hash[MEMO_BYTES])
{
	for (size_t i = slot_index(v, dev_1 - 1, ino);; i = (i + 1) & (v->nslots - 1)) {
		inode_slot *s = &v->slots[i];
		if (s->dev_1 == dev_1 && s->ino == ino)
			return;
		if (!s->dev_1) {
			s->dev_1 = dev_1;
			s->ino = ino;
			memcpy(s->hash, hash, MEMO_BYTES);
			v->used++;
			return;
		}
	}
}

static void inode_insert(jvs_verifier *v, uint64_t dev, uint64_t ino, const char *hex)
{
	unsigned char k[MEMO_BYTES];
	if ((v->used + 1) * 4 > v->nslots * 3) {
		size_t old_n = v->nslots, n = old_n ? old_n * 2 : 1024;
		inode_slot *old = v->slots, *ns = calloc(n, sizeof *ns);
		if (!ns)
			return; /* memo is an optimisation only */
		v->slots = ns;
		v->nslots = n;
		v->used = 0;
		for (size_t i = 0; i < old_n; i++)
			if (old[i].dev_1)
				slot_put(v, old[i].dev_1, old[i].ino, old[i].hash);
		free(old);
	}
	memo_key(hex, k);
	slot_put(v, dev + 1, ino, k);
}

static void add_error(jvs_verify_result *res, jvs_error_class cls, const char *path,
		      const char *detail)
{
	/* A path or detail that is not UTF-8 is kept (text form plus _b64). */
	json_t *e = json_pack("{s:s}", "class", jvs_error_class_name(cls));
	if (e && jvs_json_set_text(e, "path", path && *path ? path : NULL) == 0 &&
	    jvs_json_set_text(e, "detail", detail) == 0)
		json_array_append(jvs_verify_result_errors(res), e);
	json_decref(e);
	if (res->first_class == JVS_OK) {
		res->first_class = cls;
		if (path)
			snprintf(res->first_detail, sizeof res->first_detail, "%s: %s", path,
				 detail);
		else
			snprintf(res->first_detail, sizeof res->first_detail, "%s", detail);
	}
	/* Every failure here is a change no JVS operation makes, crashed or
	 * not: half-published snapshots are never verified (see in_flight). */
	res->tamper_detected = 1;
}

static void *hash_worker(void *arg)
{
	job_queue *q = arg;
	for (;;) {
		hash_job *j;
		int fd;
		pthread_mutex_lock(&q->mu);
		if (q->next >= q->njobs) {
			pthread_mutex_unlock(&q->mu);
			return NULL;
		}
		j = &q->jobs[q->next++];
		pthread_mutex_unlock(&q->mu);
		fd = jvs_openat_beneath(q->dirfd, j->path, O_RDONLY);
		if (fd >= 0 && j->frame) {
			if (jvs_compress_decode(fd, -1, j->size, j->got) < 0) {
				j->failed = 1;
				snprintf(j->detail, sizeof j->detail, "%.90s",
					 jvs_error_last()->message);
				jvs_error_clear();
			}
		} else if (fd < 0 || jvs_hash_fd(fd, j->got) < 0) {
			j->failed = 1;
		}
		if (fd >= 0)
			close(fd);
		if (q->v->progress) {
			pthread_mutex_lock(&q->mu);
			q->v->bytes_done += (uint64_t)j->size;
			q->v->files_done++;
			q->v->progress(q->v->progress_arg, q->v->bytes_done, 0, q->v->files_done, 0);
			pthread_mutex_unlock(&q->mu);
		}
	}
}

static int thread_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > MAX_THREADS ? MAX_THREADS : (int)n;
}

static void hash_jobs(jvs_verifier *v, int dirfd, hash_job *jobs, size_t n)
{
	job_queue q = {.v = v, .dirfd = dirfd, .jobs = jobs, .njobs = n};
	pthread_t th[MAX_THREADS];
	int nt = thread_count(), started = 0;
	if ((size_t)nt > n)
		nt = (int)n;
	pthread_mutex_init(&q.mu, NULL);
	for (int i = 1; i < nt; i++)
		if (pthread_create(&th[started], NULL, hash_worker, &q) == 0)
			started++;
	hash_worker(&q);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&q.mu);
}

static void check_symlink(int dirfd, const jvs_manifest_entry *m, jvs_verify_result *res)
{
	char target[PATH_MAX + 1], got[JVS_HASH_HEX];
	ssize_t n = readlinkat(dirfd, m->path, target, sizeof target - 1);
	if (n < 0) {
		add_error(res, JVS_E_PAYLOAD_HASH_MISMATCH, m->path, "symlink unreadable");
		return;
	}
	jvs_hash_buf(target, (size_t)n, got);
	if (!jvs_manifest_entry_hash_is(m, got))
		add_error(res, JVS_E_PAYLOAD_HASH_MISMATCH, m->path, "symlink target changed");
}

/* Hashes the queued files and checks them against the manifest. */
static void run_batch(jvs_verifier *v, int dirfd, job_batch *b, jvs_verify_result *res)
{
	if (b->n)
		hash_jobs(v, dirfd, b->jobs, b->n);
	for (size_t k = 0; k < b->n; k++) {
		hash_job *j = &b->jobs[k];
		if (j->failed) {
			add_error(res, JVS_E_PAYLOAD_HASH_MISMATCH, j->path,
				  j->detail[0] ? j->detail : "unreadable");
			continue;
		}
		if (j->shared)
			inode_insert(v, j->dev, j->ino, j->got);
		if (strcmp(j->got, j->want))
			add_error(res, JVS_E_PAYLOAD_HASH_MISMATCH, j->path, "content changed");
	}
	b->n = 0;
	jvs_arena_free(&b->paths);
}

/* Checks one payload entry against its manifest entry; files whose content
 * must be read are queued in b. */
static int check_entry(jvs_verifier *v, int dirfd, const jvs_manifest_entry *me,
		       const jvs_scan_entry *se, job_batch *b, jvs_verify_result *res)
{
	hash_job *j;
	int same, frame = 0;
	if (me->type != se->type) {
		add_error(res, JVS_E_PAYLOAD_HASH_MISMATCH, me->path, "type changed");
		return 0;
	}
	if (me->type != JVS_ENT_SYMLINK && (se->key.mode & 07777) != me->mode) {
		char d[64];
		snprintf(d, sizeof d, "mode %04o, manifest says %04o", se->key.mode & 07777,
			 me->mode);
		add_error(res, JVS_E_PAYLOAD_HASH_MISMATCH, me->path, d);
	}
	if (me->type == JVS_ENT_SYMLINK) {
		check_symlink(dirfd, me, res);
		return 0;
	}
	if (me->type != JVS_ENT_FILE)
		return 0;
	if (se->key.size != me->size) {
		/* a compressed snapshot's smaller file is a zstd frame */
		if (!v->compressed || se->key.size > me->size) {
			add_error(res, JVS_E_PAYLOAD_HASH_MISMATCH, me->path, "size changed");
			return 0;
		}
		frame = 1;
	}
	if (v->quick) {
		int64_t said = -1;
		int fd = frame ? jvs_openat_beneath(dirfd, me->path, O_RDONLY) : -1;
		if (frame && (fd < 0 || jvs_compress_peek_size(fd, &said) < 0 || said != me->size))
			add_error(res, JVS_E_PAYLOAD_HASH_MISMATCH, me->path,
				  "not a zstd frame of its manifest size");
		if (fd >= 0)
			close(fd);
		jvs_error_clear();
		return 0;
	}
	if (se->key.nlink > 1 && inode_lookup(v, se->key.dev, se->key.ino, me->hash_raw, &same)) {
		if (!same)
			add_error(res, JVS_E_PAYLOAD_HASH_MISMATCH, me->path, "content changed");
		/* Checked without reading: counts as done at once. */
		v->bytes_done += (uint64_t)se->key.size;
		v->files_done++;
		if (v->progress)
			v->progress(v->progress_arg, v->bytes_done, 0, v->files_done, 0);
		return 0;
	}
	if (b->n == JOB_BATCH)
		run_batch(v, dirfd, b, res);
	j = &b->jobs[b->n];
	memset(j, 0, sizeof *j);
	if (!(j->path = jvs_arena_strdup(&b->paths, me->path)))
		return -1;
	jvs_manifest_entry_hex(me, j->want);
	j->dev = se->key.dev;
	j->ino = se->key.ino;
	j->size = frame ? me->size : se->key.size;
	j->frame = frame;
	j->shared = se->key.nlink > 1;
	b->n++;
	return 0;
}

/* Compares the payload tree with the manifest, read as a stream (it was
 * checked whole before; a change since is reported at its end). */
/* The descriptor's counts against the manifest (SPEC §5): file_count is the
 * entries that are not directories, total_bytes the sum of the file sizes. */
static void check_counts(const jvs_descriptor *d, int64_t files, int64_t bytes,
			 jvs_verify_result *res)
{
	char msg[160];
	if (d->file_count != files) {
		snprintf(msg, sizeof msg, "file_count is %lld but the manifest lists %lld",
			 (long long)d->file_count, (long long)files);
		add_error(res, JVS_E_DESCRIPTOR_CORRUPT, NULL, msg);
	}
	if (d->total_bytes != bytes) {
		snprintf(msg, sizeof msg, "total_bytes is %lld but the manifest's files hold %lld",
			 (long long)d->total_bytes, (long long)bytes);
		add_error(res, JVS_E_DESCRIPTOR_CORRUPT, NULL, msg);
	}
}

static int compare_payload(jvs_verifier *v, const char *dir, const jvs_descriptor *d,
			   jvs_verify_result *res)
{
	const char *id = d->snapshot_id, *want = d->payload_root_hash;
	int64_t files = 0, bytes = 0;
	jvs_scan scan;
	job_batch *b;
	jvs_manifest_reader *r = NULL;
	const jvs_manifest_entry *me = NULL;
	size_t j = 0;
	int dirfd, more, rc = -1;
	v->compressed = d->compression[0] != '\0';
	if (jvs_scan_tree(dir, &scan) < 0) {
		add_error(res, JVS_E_PAYLOAD_HASH_MISMATCH, NULL, jvs_error_last()->message);
		return 0;
	}
	/* Gone since the scan or the check (a gc run deletes beside verify):
	 * a finding of this snapshot, which the caller forgets if gc did it. */
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0) {
		add_error(res, JVS_E_PARTIAL_SNAPSHOT, NULL, "payload directory vanished");
		jvs_scan_clear(&scan);
		return 0;
	}
	b = calloc(1, sizeof *b);
	if (!b) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		goto done;
	}
	if (!(r = jvs_manifest_reader_open(v->repo, id, want))) {
		add_error(res, jvs_error_last()->cls, NULL, jvs_error_last()->message);
		jvs_error_clear();
		rc = 0;
		goto done;
	}
	more = jvs_manifest_reader_next(r, &me);
	while (more > 0 || j < scan.n) {
		int c = more <= 0 ? 1 : j >= scan.n ? -1 : strcmp(me->path, scan.e[j].path);
		if (c <= 0 && me->type != JVS_ENT_DIR) {
			files++;
			bytes += me->type == JVS_ENT_FILE && me->size > 0 ? me->size : 0;
		}
		if (c > 0) {
			add_error(res, JVS_E_PAYLOAD_HASH_MISMATCH, scan.e[j].path,
				  "extra entry not in manifest");
			j++;
			continue;
		}
		if (c < 0)
			add_error(res, JVS_E_PAYLOAD_HASH_MISMATCH, me->path, "missing");
		else if (check_entry(v, dirfd, me, &scan.e[j++], b, res) < 0)
			goto done;
		more = jvs_manifest_reader_next(r, &me);
	}
	run_batch(v, dirfd, b, res);
	if (more < 0) { /* changed since it was checked */
		add_error(res, jvs_error_last()->cls, NULL, jvs_error_last()->message);
		jvs_error_clear();
	} else {
		check_counts(d, files, bytes, res);
	}
	rc = 0;
done:
	if (b)
		jvs_arena_free(&b->paths);
	free(b);
	jvs_manifest_reader_close(r);
	close(dirfd);
	jvs_scan_clear(&scan);
	return rc;
}

static void check_ready(const jvs_repo *repo, const jvs_descriptor *d, jvs_verify_result *res)
{
	char *p = jvs_layout_ready(repo, d->snapshot_id);
	json_t *j = NULL;
	const char *sum, *root;
	if (!p)
		return;
	if (!jvs_path_exists(p)) {
		add_error(res, JVS_E_PARTIAL_SNAPSHOT, NULL, ".READY marker is missing");
	} else if (jvs_json_load_file(p, JVS_E_PARTIAL_SNAPSHOT, &j) < 0) {
		add_error(res, JVS_E_PARTIAL_SNAPSHOT, NULL, ".READY marker is unreadable");
	} else {
		sum = jvs_json_str(j, "descriptor_checksum");
		root = jvs_json_str(j, "payload_root_hash");
		if (!sum || strcmp(sum, d->descriptor_checksum) || !root ||
		    strcmp(root, d->payload_root_hash))
			add_error(res, JVS_E_DESCRIPTOR_CORRUPT, NULL,
				  ".READY marker disagrees with the descriptor");
	}
	json_decref(j);
	free(p);
	jvs_error_clear();
}

/* 1 when a gc run has deleted the snapshot: its descriptor is gone (gc
 * deletes it first) and its tombstone says so. */
static int deleted_by_gc(const jvs_repo *repo, const char *id)
{
	char *desc = jvs_layout_descriptor(repo, id);
	char *tomb = jvs_layout_tombstone(repo, id);
	int yes = desc && tomb && !jvs_path_exists(desc) && jvs_path_exists(tomb);
	free(desc);
	free(tomb);
	return yes;
}

/* Whatever failed, a snapshot that gc deleted meanwhile (verify takes no
 * lock, so a gc run may go on beside it) is no problem: forget the errors. */
static void forget_if_deleted(const jvs_repo *repo, const char *id, jvs_verify_result *res)
{
	if (res->first_class == JVS_OK || !deleted_by_gc(repo, id))
		return;
	json_array_clear(jvs_verify_result_errors(res));
	res->first_class = JVS_OK;
	res->first_detail[0] = '\0';
	res->checksum_valid = res->payload_hash_valid = 1;
	res->tamper_detected = 0;
	res->vanished = 1;
}

int jvs__verify_snapshot(jvs_verifier *v, const char *id, jvs_verify_result *res)
{
	jvs_descriptor d;
	char *dir = NULL;
	int rc = 0;
	memset(res, 0, sizeof *res);
	snprintf(res->snapshot_id, sizeof res->snapshot_id, "%s", id);
	res->issues = (jvs_verify_issues *)json_array();
	res->checksum_valid = res->payload_hash_valid = 1;
	if (jvs__descriptor_load(v->repo, id, &d) < 0) {
		res->checksum_valid = 0;
		res->payload_hash_valid = 0;
		add_error(res, jvs_error_last()->cls == JVS_E_NOT_FOUND ? JVS_E_PARTIAL_SNAPSHOT
									: JVS_E_DESCRIPTOR_CORRUPT,
			  NULL, jvs_error_last()->message);
		res->tamper_detected = 1;
		jvs_error_clear();
		forget_if_deleted(v->repo, id, res);
		return 0;
	}
	check_ready(v->repo, &d, res);
	if (jvs_manifest_check(v->repo, id, d.payload_root_hash) < 0) {
		res->payload_hash_valid = 0;
		add_error(res, jvs_error_last()->cls, NULL, jvs_error_last()->message);
		res->tamper_detected = 1;
		jvs_error_clear();
		goto done;
	}
	dir = jvs_layout_payload(v->repo, id);
	if (!dir) {
		rc = -1;
	} else if (!jvs_is_dir(dir)) {
		add_error(res, JVS_E_PARTIAL_SNAPSHOT, NULL,
			  jvs_path_exists(dir) ? "payload directory is not a directory (a symlink "
						 "is never followed)"
					       : "payload directory is missing");
	} else if (compare_payload(v, dir, &d, res) < 0) {
		rc = -1;
	}
	if (res->first_class == JVS_E_PAYLOAD_HASH_MISMATCH)
		res->payload_hash_valid = 0;
done:
	if (res->first_class == JVS_E_DESCRIPTOR_CORRUPT)
		res->tamper_detected = 1;
	forget_if_deleted(v->repo, id, res);
	free(dir);
	jvs_descriptor_clear(&d);
	return rc;
}

void jvs_verify_result_clear(jvs_verify_result *res)
{
	json_decref(jvs_verify_result_errors(res));
	res->issues = NULL;
}

/* The issues are a jansson array behind an opaque pointer. */
json_t *jvs_verify_result_errors(const jvs_verify_result *res)
{
	return (json_t *)res->issues;
}

size_t jvs_verify_issue_count(const jvs_verify_result *res)
{
	return json_array_size(jvs_verify_result_errors(res));
}

int jvs_verify_issue_at(const jvs_verify_result *res, size_t i, jvs_error_class *cls,
			const char **path, const char **detail)
{
	json_t *e = json_array_get(jvs_verify_result_errors(res), i);
	const char *name, *p, *d;
	if (!e)
		return jvs_error_set(JVS_E_NOT_FOUND, "no verify issue %zu", i);
	name = json_string_value(json_object_get(e, "class"));
	p = json_string_value(json_object_get(e, "path"));
	d = json_string_value(json_object_get(e, "detail"));
	if (cls) {
		*cls = JVS_E_INTERNAL;
		for (int c = 0; c < JVS_E__COUNT; c++)
			if (name && strcmp(name, jvs_error_class_name((jvs_error_class)c)) == 0)
				*cls = (jvs_error_class)c;
	}
	if (path)
		*path = p ? p : "";
	if (detail)
		*detail = d ? d : "";
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect_ids(const char *dir, const char *suffix, char ***v, size_t *n, size_t *cap)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t sl = strlen(suffix);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char id[JVS_ID_BUF];
		if (strlen(de->d_name) != JVS_ID_LEN + sl || strcmp(de->d_name + JVS_ID_LEN, suffix))
			continue;
		memcpy(id, de->d_name, JVS_ID_LEN);
		id[JVS_ID_LEN] = '\0';
		if (!jvs_id_is_valid(id))
			continue;
		if (*n == *cap || !*v) {
			/* cap grows only once the realloc has worked */
			size_t ncap = *cap ? *cap * 2 : 64;
			char **nv = realloc(*v, ncap * sizeof *nv);
			if (!nv)
				break;
			*v = nv;
			*cap = ncap;
		}
		if (!((*v)[*n] = strdup(id)))
			break;
		(*n)++;
	}
	closedir(d);
}

/* 1 when the snapshot is being published (a snapshot intent, live or left
 * by a crash, names it) or being deleted by gc (it has a tombstone): its
 * .READY without a descriptor is then a step of that operation, not a
 * snapshot. */
static int in_flight(const jvs_repo *repo, const char *id)
{
	char *tomb = jvs_layout_tombstone(repo, id);
	char *intent = jvs_repo_pathf(repo, "intents/snapshot-%s.json", id);
	int yes = (tomb && jvs_path_exists(tomb)) || (intent && jvs_path_exists(intent));
	free(tomb);
	free(intent);
	return yes;
}

int jvs__verify_all_ids(const jvs_repo *repo, char ***out, size_t *n)
{
	char *ddir = jvs_repo_path(repo, "descriptors"), *sdir = jvs_repo_path(repo, "snapshots");
	char **v = NULL;
	size_t cnt = 0, cap = 0, w = 0, ndesc;
	if (!ddir || !sdir) {
		free(ddir);
		free(sdir);
		return -1;
	}
	collect_ids(ddir, ".json", &v, &cnt, &cap);
	ndesc = cnt;
	collect_ids(sdir, ".READY", &v, &cnt, &cap);
	free(ddir);
	free(sdir);
	/* A .READY whose descriptor is missing: a snapshot that lost its
	 * descriptor, unless an operation in flight explains it. */
	for (size_t i = ndesc; i < cnt; i++) {
		char *desc = v[i] ? jvs_layout_descriptor(repo, v[i]) : NULL;
		if (desc && !jvs_path_exists(desc) && in_flight(repo, v[i])) {
			free(v[i]);
			v[i] = NULL;
		}
		free(desc);
	}
	for (size_t i = 0; i < cnt; i++)
		if (v[i])
			v[w++] = v[i];
	cnt = w;
	w = 0;
	if (cnt > 1)
		qsort(v, cnt, sizeof *v, cmp_str);
	for (size_t i = 0; i < cnt; i++) {
		if (w && !strcmp(v[w - 1], v[i])) {
			free(v[i]);
			continue;
		}
		v[w++] = v[i];
	}
	*out = v;
	*n = w;
	return 0;
}

/* The audit chain is the store's (store/audit_chain.c). */
int jvs__verify_audit(const jvs_repo *repo, int *ok, char *detail, size_t detail_len)
{
	return jvs_audit_verify(repo, ok, detail, detail_len);
}
