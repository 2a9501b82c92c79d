#include "audit.h"
#include "config.h"
#include "jvs/error.h"
#include "fsutil.h"
#include "hash.h"
#include "json.h"
#include "lock.h"
#include "safepath.h"
#include "error_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>


int jvs_audit_record_hash(const json_t *record, char out[65])
{
	json_t *copy = json_deep_copy(record);
	char *canon;
	if (!copy)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	json_object_del(copy, "record_hash");
	canon = jvs_json_canonical(copy);
	json_decref(copy);
	if (!canon)
		return -1;
	jvs_hash_buf(canon, strlen(canon), out);
	free(canon);
	return 0;
}

int jvs_audit_last_line(int fd, char **line, size_t *len)
{
	struct stat st;
	off_t end, start;
	size_t window = JVS_AUDIT_TAIL_WINDOW;
	char *buf = NULL;
	*line = NULL;
	*len = 0;
	if (fstat(fd, &st) < 0)
		return jvs_error_sys("cannot stat audit log");
	end = st.st_size;
	/* trailing newlines (and nothing else) end the last record */
	for (;;) {
		char chunk[4096];
		size_t n = end < (off_t)sizeof chunk ? (size_t)end : sizeof chunk, i;
		if (end == 0)
			return 0;
		if (pread(fd, chunk, n, end - (off_t)n) != (ssize_t)n)
			return jvs_error_sys("cannot read audit log");
		for (i = n; i > 0 && chunk[i - 1] == '\n'; i--)
			;
		end -= (off_t)(n - i);
		if (i > 0)
			break;
	}
	/* Read backwards in doubling windows until the window holds the
	 * newline before the last record, or the start of the file. */
	for (;;) {
		size_t n;
		ssize_t got;
		char *nl, *nb;
		start = (off_t)window < end ? end - (off_t)window : 0;
		n = (size_t)(end - start);
		nb = realloc(buf, n + 1);
		if (!nb) {
			free(buf);
			return jvs_error_set(JVS_E_INTERNAL, "out of memory");
		}
		buf = nb;
		got = pread(fd, buf, n, start);
		if (got != (ssize_t)n) {
			free(buf);
			return got < 0 ? jvs_error_sys("cannot read audit log")
				       : jvs_error_set(JVS_E_IO, "audit log shrank while read");
		}
		buf[n] = '\0';
		nl = memrchr(buf, '\n', n);
		if (nl || start == 0) {
			size_t off = nl ? (size_t)(nl + 1 - buf) : 0;
			*len = n - off;
			memmove(buf, buf + off, *len + 1);
			*line = buf;
			return 0;
		}
		if (window > SIZE_MAX / 2) {
			free(buf);
			return jvs_error_set(JVS_E_INTERNAL, "audit record too large");
		}
		window *= 2;
	}
}

/* record_hash of the last line, or "" for an empty log. */
static int last_hash(int fd, char out[65])
{
	char *line;
	size_t len;
	json_t *rec;
	const char *h;
	out[0] = '\0';
	if (jvs_audit_last_line(fd, &line, &len) < 0)
		return -1;
	if (!line)
		return 0;
	rec = json_loadb(line, len, 0, NULL);
	free(line);
	h = jvs_json_str(rec, "record_hash");
	if (!h || !jvs_hash_is_hex(h)) {
		json_decref(rec);
		jvs_error_set(JVS_E_AUDIT_CHAIN_BROKEN, "the last audit record is unreadable");
		return jvs_error_hint("run 'jvs doctor --repair audit_repair'");
	}
	snprintf(out, 65, "%s", h);
	json_decref(rec);
	return 0;
}

int jvs_audit_precheck(const jvs_repo *repo)
{
	char *path = jvs_repo_path(repo, "audit/audit.jsonl"), hash[65];
	int fd, rc;
	if (!path)
		return -1;
	fd = jvs_safe_open_file(path, O_RDONLY, 0);
	if (fd < 0 && errno != ENOENT) {
		jvs_error_sys("cannot open '%s'", path);
		free(path);
		return -1;
	}
	free(path);
	if (fd < 0)
		return 0; /* a missing log is started afresh by the next append */
	rc = last_hash(fd, hash);
	close(fd);
	if (rc == 0) { /* the record's actor must be known too */
		char who[300];
		rc = jvs_config_audit_actor(repo, who, sizeof who, NULL);
	}
	return rc;
}

/* audit.head remembers the newest record and the count, so dropping whole
 * records from the end of the log is detected too. */
static int write_head(const jvs_repo *repo, const char *hash)
{
	char *p = jvs_repo_path(repo, "audit/audit.head");
	json_t *old = NULL, *head;
	json_int_t n = 0;
	int rc = -1;
	if (!p)
		return -1;
	if (jvs_json_load_file(p, JVS_E_AUDIT_CHAIN_BROKEN, &old) == 0)
		n = json_integer_value(json_object_get(old, "records"));
	jvs_error_clear();
	head = json_pack("{s:I, s:s}", "records", n + 1, "record_hash", hash);
	if (head)
		rc = jvs_json_write_file(p, head);
	json_decref(head);
	json_decref(old);
	free(p);
	return rc;
}

int jvs_audit_reset_head(const jvs_repo *repo, long long records, const char *hash)
{
	char *p = jvs_repo_path(repo, "audit/audit.head");
	json_t *head = json_pack("{s:I, s:s}", "records", (json_int_t)records, "record_hash",
				 hash ? hash : "");
	int rc = p && head ? jvs_json_write_file(p, head) : -1;
	json_decref(head);
	free(p);
	return rc;
}

/* JVS_ACTOR, else audit.actor of jvs-config(1), else user@host. A
 * config.json that cannot be read stops mutating commands at the repo
 * lock (jvs_audit_precheck) before they change anything; if it breaks
 * later, the record still gets the default actor. */
static void actor(const jvs_repo *repo, char *out, size_t len)
{
	struct passwd *pw;
	char host[256] = "localhost";
	if (jvs_config_audit_actor(repo, out, len, NULL) == 0)
		return;
	jvs_error_clear();
	pw = getpwuid(geteuid());
	gethostname(host, sizeof host - 1);
	snprintf(out, len, "%s@%s", pw ? pw->pw_name : "unknown", host);
}

int jvs_audit_append(const jvs_repo *repo, const char *operation, const char *target,
		     json_t *details, const char *reason)
{
	jvs_lock *lock = NULL;
	char *path = NULL, *line = NULL, *canon = NULL;
	char prev[65], hash[65], id[40], ts[32], who[300];
	uuid_t uu;
	json_t *rec = NULL;
	int fd = -1, rc = -1;

	if (!details)
		details = json_object();
	if (jvs_lock_acquire(repo, "audit", JVS_LOCK_EXCLUSIVE, -1, &lock) < 0)
		goto done;
	path = jvs_repo_path(repo, "audit/audit.jsonl");
	if (!path)
		goto done;
	fd = jvs_safe_open_file(path, O_RDWR | O_APPEND | O_CREAT, 0644);
	if (fd < 0) {
		jvs_error_sys("cannot open '%s'", path);
		goto done;
	}
	if (last_hash(fd, prev) < 0)
		goto done;
	uuid_generate_random(uu);
	uuid_unparse_lower(uu, id);
	jvs_format_time_ms(jvs_now_ms(), ts);
	actor(repo, who, sizeof who);
	rec = json_pack("{s:s, s:s, s:s, s:s, s:o, s:O, s:o, s:o}", "event_id", id, "timestamp",
			ts, "operation", operation, "actor", who, "target",
			jvs_json_str_or_null(target), "details", details,
			"reason", jvs_json_str_or_null(reason), "prev_hash",
			jvs_json_str_or_null(prev));
	if (!rec || jvs_audit_record_hash(rec, hash) < 0)
		goto done;
	json_object_set_new(rec, "record_hash", json_string(hash));
	canon = jvs_json_canonical(rec);
	if (!canon)
		goto done;
	line = jvs_strf("%s\n", canon);
	if (!line)
		goto done;
	{
		struct stat st;
		off_t was = fstat(fd, &st) == 0 ? st.st_size : -1;
		if (jvs_write_all(fd, line, strlen(line)) < 0 || fsync(fd) < 0) {
			int err = errno;
			/* no partial record is left to break the chain */
			if (was >= 0 && ftruncate(fd, was) == 0)
				fsync(fd);
			errno = err;
			jvs_error_sys("cannot append to '%s'", path);
			goto done;
		}
	}
	/* The record is in: an audit.head one record behind is no damage (a
	 * crash between the two writes leaves the same), so a failure to
	 * update it (a full disk) does not fail the append. */
	if (write_head(repo, hash) < 0)
		jvs_error_clear();
	rc = 0;
done:
	json_decref(details);
	if (fd >= 0)
		close(fd);
	json_decref(rec);
	free(canon);
	free(line);
	free(path);
	jvs_lock_release(lock);
	return rc;
}
