/* A parallel scan for file systems where each stat is a round trip (FUSE:
 * JuiceFS without attribute caches asks its metadata engine every time).
 * Several threads list and stat different directories at once, so the
 * round trips overlap; the result is the same list jvs_scan_tree makes
 * (sorted by the caller). */
#include "scan_int.h"
#include "error_int.h"
#include "fsutil.h"
#include "hash.h"
#include "ignore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define FUSE_MAGIC 0x65735546
#define MAX_THREADS 64
#define QUEUE_MAX 256 /* queued directories hold an open descriptor each */
#define BATCH 1024    /* entries a worker lists before appending them to out */

typedef struct {
	int fd;
	const char *prefix; /* in some worker's arena, or "" */
} dir_job;

typedef struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	dir_job *q;
	size_t nq, capq;
	size_t pending; /* queued + being listed */
	int stop;
	jvs_error err;
	int special;
	int saw_rules; /* a .jvsignore or CACHEDIR.TAG was listed */
	int stop_on_rules; /* the caller walks again with the rules: stop at once */
	pthread_mutex_t out_mu;
	jvs_scan *out; /* the one list every worker appends its batches to */
} walk_ctx;

typedef struct {
	walk_ctx *w;
	jvs_scan local;
} worker;

int jvs_scan__threads(int root_fd)
{
	const char *env = getenv("JVS_WALK_THREADS");
	struct statfs sf;
	if (env && *env) {
		long n = strtol(env, NULL, 10);
		return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
	}
	if (fstatfs(root_fd, &sf) == 0 && (unsigned long)sf.f_type == FUSE_MAGIC)
		return 8;
	return 1;
}

static void fail(walk_ctx *w)
{
	pthread_mutex_lock(&w->mu);
	if (!w->stop) {
		w->stop = 1;
		w->err = jvs_error_save();
	}
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static int stopped(walk_ctx *w)
{
	int s;
	pthread_mutex_lock(&w->mu);
	s = w->stop;
	pthread_mutex_unlock(&w->mu);
	return s;
}

/* Moves the worker's entries to the shared list (their paths stay in the
 * worker's arena, adopted at the end): the walk holds each entry once, not
 * in per-thread arrays and again in a merged one. */
static int flush_batch(worker *k)
{
	walk_ctx *w = k->w;
	jvs_scan *out = w->out;
	int rc = 0;
	if (!k->local.n)
		return 0;
	pthread_mutex_lock(&w->out_mu);
	if (out->n + k->local.n > out->cap) {
		size_t cap = out->cap ? out->cap : (size_t)4 * BATCH;
		jvs_scan_entry *e;
		while (cap < out->n + k->local.n)
			cap *= 2;
		e = realloc(out->e, cap * sizeof *e);
		if (!e) {
			rc = jvs_error_set(JVS_E_INTERNAL, "out of memory");
		} else {
			out->e = e;
			out->cap = cap;
		}
	}
	if (rc == 0) {
		memcpy(out->e + out->n, k->local.e, k->local.n * sizeof *out->e);
		out->n += k->local.n;
		k->local.n = 0;
	}
	pthread_mutex_unlock(&w->out_mu);
	return rc;
}

/* Lists one directory (fd is consumed); subdirectories are queued for any
 * worker, or listed here when the queue is full. */
static int list_dir(worker *k, int fd, const char *prefix)
{
	walk_ctx *w = k->w;
	DIR *d = fdopendir(fd);
	struct dirent *de;
	if (!d) {
		close(fd);
		return jvs_error_sys("cannot open directory '%s'", *prefix ? prefix : ".");
	}
	for (;;) {
		struct stat st;
		char *path;
		const char *sub = NULL;
		int rc;
		if ((rc = jvs_scan__next(d, prefix, &de)) <= 0) {
			if (rc < 0) {
				closedir(d);
				return -1;
			}
			break;
		}
		if (!strcmp(de->d_name, JVS_IGNORE_FILE) || !strcmp(de->d_name, JVS_CACHEDIR_TAG)) {
			__atomic_store_n(&w->saw_rules, 1, __ATOMIC_RELAXED);
			if (w->stop_on_rules) { /* the rest of the walk would be wasted */
				closedir(d);
				return jvs_error_set(JVS_E_INTERNAL, "ignore rules met");
			}
		}
		rc = jvs_scan__stat_entry(d, prefix, de->d_name, &path, &st);
		if (rc <= 0) {
			if (rc == 0)
				continue;
			closedir(d);
			return -1;
		}
		rc = jvs_scan__add(&k->local, path, &st, w->special, &sub);
		free(path);
		if (rc == 0 && k->local.n >= BATCH)
			rc = flush_batch(k);
		if (rc < 0) {
			closedir(d);
			return -1;
		}
		if (sub) {
			int sfd = openat(dirfd(d), de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			int queued = 0;
			if (sfd < 0) {
				jvs_error_sys("cannot open directory '%s'", sub);
				closedir(d);
				return -1;
			}
			pthread_mutex_lock(&w->mu);
			if (w->nq < QUEUE_MAX) {
				if (w->nq == w->capq) {
					size_t cap = w->capq ? w->capq * 2 : 64;
					dir_job *nq = realloc(w->q, cap * sizeof *nq);
					if (nq) {
						w->q = nq;
						w->capq = cap;
					}
				}
				if (w->nq < w->capq) {
					w->q[w->nq].fd = sfd;
					w->q[w->nq].prefix = sub;
					w->nq++;
					w->pending++;
					queued = 1;
					pthread_cond_signal(&w->cv);
				}
			}
			pthread_mutex_unlock(&w->mu);
			if (!queued && list_dir(k, sfd, sub) < 0) {
				closedir(d);
				return -1;
			}
			if (stopped(w)) {
				closedir(d);
				return 0;
			}
		}
	}
	closedir(d);
	return 0;
}

static void *work(void *arg)
{
	worker *k = arg;
	walk_ctx *w = k->w;
	for (;;) {
		dir_job job;
		pthread_mutex_lock(&w->mu);
		while (!w->stop && w->nq == 0 && w->pending > 0)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->stop || w->nq == 0) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		job = w->q[--w->nq];
		pthread_mutex_unlock(&w->mu);
		if (list_dir(k, job.fd, job.prefix) < 0 || flush_batch(k) < 0)
			fail(w);
		pthread_mutex_lock(&w->mu);
		if (--w->pending == 0)
			pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
	}
	return NULL;
}

/* out's entry list is filled (out->against: compared, not kept); its
 * other fields are the caller's. */
int jvs_scan__parallel(int root_fd, int special, int threads, int *saw_rules, jvs_scan *out)
{
	walk_ctx w;
	worker ks[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	int started = 0, rc = 0;
	memset(&w, 0, sizeof w);
	memset(ks, 0, sizeof ks);
	pthread_mutex_init(&w.mu, NULL);
	pthread_mutex_init(&w.out_mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	w.special = special;
	w.stop_on_rules = saw_rules != NULL;
	w.out = out;
	w.q = malloc(64 * sizeof *w.q);
	if (!w.q) {
		close(root_fd);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	w.capq = 64;
	w.q[0].fd = root_fd;
	w.q[0].prefix = "";
	w.nq = w.pending = 1;
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	for (int i = 0; i < MAX_THREADS; i++) {
		ks[i].w = &w;
		ks[i].local.against = out->against;
		ks[i].local.fill = out->fill;
	}
	for (int i = 0; i < threads; i++) {
		if (pthread_create(&tid[i], NULL, work, &ks[i]) != 0)
			break;
		started++;
	}
	if (!started) /* no threads to be had: walk here */
		work(&ks[0]);
	for (int i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	/* after a failure, queued directories were never listed */
	for (size_t i = 0; i < w.nq; i++)
		close(w.q[i].fd);
	if (w.stop) {
		jvs_error_restore(&w.err);
		rc = -1;
	}
	for (int i = 0; i < (started ? started : 1); i++) {
		out->matched += ks[i].local.matched;
		out->differs += ks[i].local.differs;
		jvs_arena_adopt(&out->paths, &ks[i].local.paths); /* out's entries point there */
		jvs_scan_clear(&ks[i].local);
	}
	if (saw_rules)
		*saw_rules = w.saw_rules;
	free(w.q);
	pthread_mutex_destroy(&w.mu);
	pthread_mutex_destroy(&w.out_mu);
	pthread_cond_destroy(&w.cv);
	return rc;
}

/* Calls each(ctx, i) for every i < n with want[i], from `threads` threads
 * (this one included) taking chunk indexes at a time. */
typedef struct {
	void (*each)(void *ctx, size_t i);
	void *ctx;
	const unsigned char *want;
	size_t n, chunk, next;
	pthread_mutex_t mu;
} many_job;

static void *many_work(void *arg)
{
	many_job *j = arg;
	for (;;) {
		size_t from, to;
		pthread_mutex_lock(&j->mu);
		from = j->next;
		j->next = from + j->chunk < j->n ? from + j->chunk : j->n;
		to = j->next;
		pthread_mutex_unlock(&j->mu);
		if (from >= to)
			break;
		for (size_t i = from; i < to; i++)
			if (j->want[i])
				j->each(j->ctx, i);
	}
	return NULL;
}

static void run_many(void (*each)(void *ctx, size_t i), void *ctx, const unsigned char *want,
		     size_t n, size_t chunk, int threads)
{
	many_job j = {each, ctx, want, n, chunk, 0, PTHREAD_MUTEX_INITIALIZER};
	pthread_t tid[MAX_THREADS];
	int started = 0;
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	for (int i = 1; i < threads; i++) {
		if (pthread_create(&tid[i], NULL, many_work, &j) != 0)
			break;
		started++;
	}
	many_work(&j); /* this thread works too */
	for (int i = 1; i <= started; i++)
		pthread_join(tid[i], NULL);
	pthread_mutex_destroy(&j.mu);
}

typedef struct {
	int dir_fd;
	const char *const *paths;
	jvs_stat_meta *out;
} stat_ctx;

static void stat_one(void *arg, size_t i)
{
	stat_ctx *c = arg;
	struct stat st;
	if (fstatat(c->dir_fd, c->paths[i], &st, AT_SYMLINK_NOFOLLOW) < 0) {
		c->out[i].ok = 0;
		return;
	}
	c->out[i].mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	c->out[i].ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
	c->out[i].uid = st.st_uid;
	c->out[i].gid = st.st_gid;
	c->out[i].mode = st.st_mode;
	c->out[i].ok = 1;
}

void jvs_stat_many(int dir_fd, const char *const *paths, const unsigned char *want, size_t n,
                   jvs_stat_meta *out, int threads)
{
	stat_ctx c = {dir_fd, paths, out};
	run_many(stat_one, &c, want, n, 64, threads);
}

typedef struct {
	int dir_fd;
	const char *const *paths;
	char (*out)[JVS_HASH_HEX];
	int *res;
} hash_ctx;

static void hash_one(void *arg, size_t i)
{
	hash_ctx *c = arg;
	int fd = jvs_openat_beneath(c->dir_fd, c->paths[i], O_RDONLY);
	if (fd < 0) {
		c->res[i] = errno ? errno : EIO;
		return;
	}
	c->res[i] = jvs_hash_fd(fd, c->out[i]) < 0 ? (errno ? errno : EIO) : 0;
	close(fd);
	jvs_error_clear(); /* this thread's; the caller reports from res */
}

void jvs_hash_many(int dir_fd, const char *const *paths, const unsigned char *want, size_t n,
                   char (*out)[JVS_HASH_HEX], int *res, int threads)
{
	hash_ctx c = {dir_fd, paths, out, res};
	run_many(hash_one, &c, want, n, 1, threads); /* files: one at a time */
}
