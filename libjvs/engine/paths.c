/* Worktree paths named on the command line; see jvs/paths.h. */
#include "jvs/paths.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/worktree.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Lexical normalisation of the '/'-joined base and arg into a malloc'd
 * absolute path (base NULL: arg relative to "/"). */
static char *lexical(const char *base, const char *arg)
{
	char *abs = arg[0] == '/' || !base ? jvs_strf("/%s", arg) : jvs_strf("%s/%s", base, arg);
	char *out, *w, *tok, *save = NULL;
	if (!abs)
		return NULL;
	out = malloc(strlen(abs) + 2);
	if (!out) {
		free(abs);
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		return NULL;
	}
	w = out;
	*w = '\0';
	for (tok = strtok_r(abs, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			char *slash = strrchr(out, '/');
			w = slash ? slash : out;
			*w = '\0';
			continue;
		}
		w += sprintf(w, "/%s", tok);
	}
	free(abs);
	return out;
}

static int escape(const char *arg, const char *root)
{
	jvs_error_set(JVS_E_PATH_ESCAPE, "'%s' is outside the worktree", arg);
	return jvs_error_hint("give paths inside the worktree %s", root);
}

/* Every directory above rel must be a real directory (or missing). */
static int check_parents(int root_fd, const char *rel, const char *arg, const char *root)
{
	char *p = strdup(rel), *s;
	int rc = 0;
	if (!p)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	for (s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
		struct stat st;
		*s = '\0';
		if (fstatat(root_fd, p, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			*s = '/';
			break; /* missing from here on */
		}
		if (S_ISLNK(st.st_mode)) {
			jvs_error_set(JVS_E_PATH_ESCAPE, "'%s' goes through the symlink '%s'", arg,
				      p);
			jvs_error_hint("name the symlink itself, or a path inside %s", root);
			rc = -1;
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			*s = '/';
			break; /* not there: a file is in the way */
		}
		*s = '/';
	}
	free(p);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int inside(const char *p, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(p, dir, n) && (p[n] == '\0' || p[n] == '/');
}

int jvs_paths_resolve(const jvs_repo *repo, const char *worktree, const char *cwd,
		      const char *const *args, size_t n, char ***out, size_t *nout)
{
	char *root = NULL, real[PATH_MAX], rcwd[PATH_MAX];
	char **v = NULL;
	size_t k = 0, rl;
	int root_fd = -1, rc = -1;
	*out = NULL;
	*nout = 0;
	root = jvs_repo_payload_root(repo, worktree);
	if (!root)
		return -1;
	if (!realpath(root, real) || (cwd && !realpath(cwd, rcwd))) {
		jvs_error_sys("cannot resolve the worktree directory");
		goto done;
	}
	rl = strlen(real);
	root_fd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		jvs_error_sys("cannot open worktree '%s'", real);
		goto done;
	}
	v = calloc(n + 1, sizeof *v);
	if (!v) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		char *abs, *rel;
		if (!args[i][0]) {
			jvs_error_set(JVS_E_USAGE, "an empty path");
			goto done;
		}
		if (!cwd && args[i][0] == '/') {
			escape(args[i], real);
			goto done;
		}
		abs = cwd ? lexical(rcwd, args[i]) : lexical(NULL, args[i]);
		if (!abs)
			goto done;
		if (cwd && (strncmp(abs, real, rl) || (abs[rl] && abs[rl] != '/'))) {
			free(abs);
			escape(args[i], real);
			goto done;
		}
		rel = cwd ? abs + rl + (abs[rl] == '/') : abs + (abs[0] == '/');
		if (!*rel) {
			free(abs);
			jvs_error_set(JVS_E_USAGE, "'%s' is the whole worktree", args[i]);
			jvs_error_hint("restore or snapshot the whole worktree without '--'");
			goto done;
		}
		memmove(abs, rel, strlen(rel) + 1);
		if (check_parents(root_fd, abs, args[i], real) < 0) {
			free(abs);
			goto done;
		}
		v[k++] = abs;
	}
	qsort(v, k, sizeof *v, cmp_str);
	{
		size_t w = 0;
		for (size_t i = 0; i < k; i++) {
			if (w && inside(v[i], v[w - 1])) {
				free(v[i]);
				continue;
			}
			v[w++] = v[i];
		}
		k = w;
	}
	*out = v;
	*nout = k;
	v = NULL;
	rc = 0;
done:
	if (v)
		jvs_strv_free(v, k);
	if (root_fd >= 0)
		close(root_fd);
	free(root);
	return rc;
}

int jvs_paths_covers(char *const *paths, size_t n, const char *p)
{
	size_t pl = strlen(p);
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		if (inside(p, paths[i]))
			return 2;
		if (!strncmp(paths[i], p, pl) && paths[i][pl] == '/')
			r = 1;
	}
	return r;
}

void jvs_manifest_keep_paths(jvs_manifest *m, char *const *paths, size_t n, int parents)
{
	size_t w = 0;
	for (size_t i = 0; i < m->n; i++) {
		int c = jvs_paths_covers(paths, n, m->e[i].path);
		if (c == 2 || (c == 1 && parents))
			m->e[w++] = m->e[i];
	}
	m->n = w;
}
