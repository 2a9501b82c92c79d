#include "jvs/audit.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/hash.h"
#include "jvs/json.h"
#include "jvs/lock.h"
#include "jvs/safepath.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>

#define TAIL_BYTES 65536

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

/* record_hash of the last line, or "" for an empty log. */
static int last_hash(int fd, char out[65])
{
	struct stat st;
	off_t start;
	char *buf, *line, *end;
	ssize_t n;
	json_t *rec;
	const char *h;
	out[0] = '\0';
	if (fstat(fd, &st) < 0)
		return jvs_error_sys("cannot stat audit log");
	if (st.st_size == 0)
		return 0;
	start = st.st_size > TAIL_BYTES ? st.st_size - TAIL_BYTES : 0;
	buf = malloc(TAIL_BYTES + 1);
	if (!buf)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	n = pread(fd, buf, (size_t)(st.st_size - start), start);
	if (n < 0) {
		free(buf);
		return jvs_error_sys("cannot read audit log");
	}
	buf[n] = '\0';
	end = buf + n;
	while (end > buf && end[-1] == '\n')
		*--end = '\0';
	line = strrchr(buf, '\n');
	line = line ? line + 1 : buf;
	rec = json_loads(line, 0, NULL);
	h = jvs_json_str(rec, "record_hash");
	if (!h || !jvs_hash_is_hex(h)) {
		json_decref(rec);
		free(buf);
		jvs_error_set(JVS_E_AUDIT_CHAIN_BROKEN, "the last audit record is unreadable");
		return jvs_error_hint("run 'jvs doctor --repair audit_repair'");
	}
	snprintf(out, 65, "%s", h);
	json_decref(rec);
	free(buf);
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
	if (jvs_path_exists(p) && jvs_json_load_file(p, JVS_E_AUDIT_CHAIN_BROKEN, &old) == 0)
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

static void actor(char *out, size_t len)
{
	const char *env = getenv("JVS_ACTOR");
	struct passwd *pw;
	char host[256] = "localhost";
	if (env && *env) {
		snprintf(out, len, "%s", env);
		return;
	}
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
	actor(who, sizeof who);
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
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line) || fsync(fd) < 0) {
		jvs_error_sys("cannot append to '%s'", path);
		goto done;
	}
	if (write_head(repo, hash) < 0)
		goto done;
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
