#include "intent.h"
#include "layout.h"
#include "jvs/error.h"
#include "fsutil.h"
#include "json.h"
#include "safepath.h"
#include "error_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <signal.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

/* Every intent names its process, so doctor can tell a running operation
 * from the leftover of a crashed one. */
/* The temp files PATH.tmp.PID that writers of this intent killed before
 * their rename left behind. The caller holds the lock of the operation, so
 * no other writer of the same intent is running; best effort. */
static void remove_stale_tmps(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, (size_t)(slash - path)) : NULL;
	char *prefix = slash ? jvs_strf("%s.tmp.", slash + 1) : NULL;
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *de;
	while (d && prefix && (de = readdir(d))) {
		char *stale;
		if (strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		stale = jvs_strf("%s/%s", dir, de->d_name);
		if (stale)
			jvs_safe_unlink(stale, 0);
		free(stale);
	}
	if (d)
		closedir(d);
	free(dir);
	free(prefix);
	jvs_error_clear();
}

int jvs_intent_write(const jvs_repo *repo, const char *name, const json_t *body)
{
	char *p = jvs_layout_intent(repo, name);
	char host[256] = "";
	json_t *copy = json_deep_copy(body);
	int rc = -1;
	if (!p || !copy) {
		free(p);
		json_decref(copy);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	gethostname(host, sizeof host - 1);
	json_object_set_new(copy, "pid", json_integer((json_int_t)getpid()));
	json_object_set_new(copy, "host", json_string(host));
	if (!json_object_get(copy, "started_at")) {
		char ts[32];
		jvs_format_time_ms(jvs_now_ms(), ts);
		json_object_set_new(copy, "started_at", json_string(ts));
	}
	rc = jvs_json_write_file(p, copy);
	if (rc == 0)
		remove_stale_tmps(p);
	json_decref(copy);
	free(p);
	return rc;
}

int jvs_intent_read(const jvs_repo *repo, const char *name, json_t **out)
{
	char *p = jvs_layout_intent(repo, name);
	int rc;
	if (!p)
		return -1;
	if (!jvs_path_exists(p)) {
		free(p);
		return 0;
	}
	rc = jvs_json_load_file(p, JVS_E_PARTIAL_SNAPSHOT, out);
	free(p);
	return rc < 0 ? -1 : 1;
}

int jvs_intent_remove(const jvs_repo *repo, const char *name)
{
	char *p = jvs_layout_intent(repo, name);
	if (!p)
		return -1;
	if (jvs_safe_unlink(p, 0) < 0 && errno != ENOENT) {
		jvs_error_sys("cannot remove intent '%s'", p);
		free(p);
		return -1;
	}
	free(p);
	p = jvs_repo_path(repo, "intents");
	if (p)
		jvs_fsync_dir(p);
	free(p);
	return 0;
}

int jvs_intent_is_live(const json_t *intent)
{
	json_t *pid = json_object_get(intent, "pid");
	const char *host = jvs_json_str(intent, "host");
	char me[256] = "";
	if (!json_is_integer(pid) || json_integer_value(pid) <= 0)
		return 0;
	gethostname(me, sizeof me - 1);
	if (host && strcmp(host, me))
		return 1; /* another machine's: assume it is running */
	if ((pid_t)json_integer_value(pid) == getpid())
		return 0;
	return kill((pid_t)json_integer_value(pid), 0) == 0 || errno == EPERM;
}

/* 1 when some process (here or, on JuiceFS, on any machine) holds the
 * repository lock; probed without taking it for longer than the call. */
static int repo_lock_held(const jvs_repo *repo)
{
	char *p = jvs_repo_path(repo, "locks/repo.lock");
	int fd, held = 1;
	if (!p) {
		jvs_error_clear();
		return 1;
	}
	fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		held = errno != ENOENT; /* never locked: nobody runs */
	} else {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			held = 0;
			flock(fd, LOCK_UN);
		}
		close(fd);
	}
	free(p);
	return held;
}

int jvs_intent_is_live_at(const jvs_repo *repo, const json_t *intent)
{
	const char *host = jvs_json_str(intent, "host");
	char me[256] = "";
	gethostname(me, sizeof me - 1);
	if (!jvs_intent_is_live(intent))
		return 0;
	if (!host || !strcmp(host, me))
		return 1; /* ours: the pid said it runs */
	return repo_lock_held(repo);
}
