#include "jvs/hook.h"
#include "jvs/audit.h"
#include "jvs/error.h"
#include "jvs/safepath.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const hook_names[] = {"pre-snapshot", "post-snapshot", "pre-restore",
					 "post-restore", "pre-gc", "post-gc"};

/* The hook's descriptor (O_RDONLY, close-on-exec), or -1: *absent 1 when
 * there is nothing to run, else the last error is set. */
static int open_hook(const jvs_repo *repo, const char *name, int *absent, struct stat *st)
{
	char rel[64];
	char *p;
	int fd;

	*absent = 0;
	memset(st, 0, sizeof *st);
	snprintf(rel, sizeof rel, "hooks/%s", name);
	p = jvs_repo_path(repo, rel);
	if (!p)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	fd = jvs_safe_open_file(p, O_RDONLY, 0);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR)) {
		jvs_error_clear();
		*absent = 1;
	}
	free(p);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0) {
		close(fd);
		return jvs_error_sys("cannot stat hook %s", name);
	}
	return fd;
}

static int setenv_or_empty(const char *k, const char *v)
{
	return setenv(k, v ? v : "", 1);
}

static void record(const jvs_repo *repo, const char *name, const char *operation,
		   const char *worktree, const char *snapshot_id, int status)
{
	json_t *det = json_pack("{s:s, s:s, s:s, s:s, s:i, s:b}", "hook", name, "operation",
				operation ? operation : "", "worktree", worktree ? worktree : "",
				"snapshot_id", snapshot_id ? snapshot_id : "", "exit_status", status,
				"aborted", !strncmp(name, "pre-", 4));
	if (jvs_audit_append(repo, "hook", name, det, "hook failed") < 0)
		jvs_error_clear(); /* the hook's failure is what is reported */
}

int jvs_hook_run(const jvs_repo *repo, const char *name, const char *operation,
		 const char *worktree, const char *snapshot_id, int *ran, int *status)
{
	struct stat st;
	int absent, fd, ws, code;
	pid_t pid;

	*ran = 0;
	if (status)
		*status = 0;
	fd = open_hook(repo, name, &absent, &st);
	if (fd < 0)
		return absent ? 0 : -1;
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111)) {
		close(fd);
		return 0; /* not executable: doctor warns */
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fd);
		return jvs_error_sys("cannot run hook %s", name);
	}
	if (pid == 0) {
		char *argv[2];
		extern char **environ;
		argv[0] = (char *)name;
		argv[1] = NULL;
		/* A #! script is read through /dev/fd/N by its interpreter. */
		if (fcntl(fd, F_SETFD, 0) < 0 || chdir(jvs_repo_root(repo)) < 0 ||
		    dup2(STDERR_FILENO, STDOUT_FILENO) < 0 ||
		    setenv_or_empty("JVS_OPERATION", operation) < 0 ||
		    setenv_or_empty("JVS_WORKTREE", worktree) < 0 ||
		    setenv_or_empty("JVS_SNAPSHOT_ID", snapshot_id) < 0 ||
		    setenv("JVS_HOOK", name, 1) < 0 || setenv("JVS_REPO", jvs_repo_root(repo), 1) < 0)
			_exit(126);
		/* stdin: /dev/null, not a closed descriptor, which the next open
		 * (a #! interpreter's script) would take as 0 */
		{
			int nul = open("/dev/null", O_RDONLY);
			if (nul < 0 || dup2(nul, STDIN_FILENO) < 0)
				_exit(126);
			if (nul != STDIN_FILENO)
				close(nul);
		}
		signal(SIGPIPE, SIG_DFL);
		fexecve(fd, argv, environ);
		_exit(126);
	}
	close(fd);
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return jvs_error_sys("cannot wait for hook %s", name);
	*ran = 1;
	code = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + (WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
	if (status)
		*status = code;
	if (code == 0)
		return 0;
	record(repo, name, operation, worktree, snapshot_id, code);
	jvs_error_set(JVS_E_HOOK, "hook %s failed (exit status %d)", name, code);
	if (!strncmp(name, "pre-", 4))
		jvs_error_hint("nothing was changed; fix .jvs/hooks/%s, or pass --no-hooks", name);
	return -1;
}

void jvs_hook_problems(const jvs_repo *repo,
		       void (*add)(void *arg, const char *hook, const char *problem), void *arg)
{
	struct stat root;
	char msg[256];

	if (stat(jvs_repo_root(repo), &root) < 0)
		return;
	for (size_t i = 0; i < sizeof hook_names / sizeof *hook_names; i++) {
		struct stat st;
		int absent, fd = open_hook(repo, hook_names[i], &absent, &st);
		if (fd < 0) {
			if (!absent) {
				snprintf(msg, sizeof msg, "is not run: %.200s",
					 jvs_error_last()->message);
				add(arg, hook_names[i], msg);
			}
			jvs_error_clear();
			continue;
		}
		close(fd);
		if (!(st.st_mode & 0111))
			add(arg, hook_names[i], "is not executable, so it is not run");
		if (st.st_uid != root.st_uid) {
			snprintf(msg, sizeof msg,
				 "is owned by uid %u, not by the repository's owner (uid %u)",
				 (unsigned)st.st_uid, (unsigned)root.st_uid);
			add(arg, hook_names[i], msg);
		}
	}
}
