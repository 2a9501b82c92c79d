#include "scan.h"
#include "scan_int.h"
#include "error_int.h"
#include "fsutil.h"
#include "safepath.h"
#include "ignore.h"
#include "paths.h"
#include "scan_progress.h"
#include "jvs/error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const jvs_scan_entry *)a)->path, ((const jvs_scan_entry *)b)->path);
}

static void check_entry(jvs_scan *s, jvs_entry_type type, const char *path, const struct stat *st)
{
	jvs_scan_entry want = {.path = (char *)path};
	const jvs_scan_entry *e = s->against->n ? bsearch(&want, s->against->e, s->against->n,
							  sizeof *e, cmp_entry)
						: NULL;
	jvs_filekey key;
	jvs_filekey_from_stat(st, &key);
	if (s->fill) { /* the same path is never met twice: one writer a slot */
		jvs_scan_entry *f = e ? &s->fill[e - s->against->e] : NULL;
		if (f) {
			f->path = e->path;
			f->type = type;
			f->ignored = 0;
			f->key = key;
			s->matched++;
		} else {
			s->differs++;
		}
	} else if (e && e->type == type && jvs_filekey_equal(&e->key, &key)) {
		s->matched++;
	} else {
		s->differs++;
	}
	jvs_scan_progress_tick();
}

int jvs_scan__push(jvs_scan *s, jvs_entry_type type, const char *path, const struct stat *st)
{
	if (s->against) {
		check_entry(s, type, path, st);
		return 0;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		jvs_scan_entry *ne = realloc(s->e, cap * sizeof *ne);
		if (!ne)
			return jvs_error_set(JVS_E_INTERNAL, "out of memory");
		s->e = ne;
		s->cap = cap;
	}
	s->e[s->n].type = type;
	s->e[s->n].ignored = 0;
	s->e[s->n].path = jvs_arena_strdup(&s->paths, path);
	if (!s->e[s->n].path)
		return -1;
	jvs_filekey_from_stat(st, &s->e[s->n].key);
	jvs_scan_progress_tick();
	s->n++;
	return 0;
}

static const char *special_kind(mode_t m)
{
	if (S_ISFIFO(m))
		return "FIFO";
	if (S_ISSOCK(m))
		return "socket";
	if (S_ISCHR(m))
		return "character device";
	if (S_ISBLK(m))
		return "block device";
	return "special file";
}

static jvs_entry_type ignored_type(mode_t m)
{
	return S_ISDIR(m) ? JVS_ENT_DIR : S_ISLNK(m) ? JVS_ENT_SYMLINK : JVS_ENT_FILE;
}

static int enter_walk(int fd, const char *prefix, int special, jvs_scan *s);

int jvs_scan__refuse_special(const char *path, mode_t mode)
{
	jvs_error_set(JVS_E_UNSUPPORTED_FILE, "'%s' is a %s", path, special_kind(mode));
	return jvs_error_hint("JVS stores regular files, directories and "
			      "symlinks; move it out of the worktree or "
			      "add it to a .jvsignore file");
}

int jvs_scan__next(DIR *d, const char *prefix, struct dirent **out)
{
	for (;;) {
		errno = 0;
		*out = readdir(d);
		if (!*out && !errno)
			return 0;
		if (!*out) {
			jvs_error_sys("cannot read directory '%s'", *prefix ? prefix : ".");
			return -1;
		}
		if (strcmp((*out)->d_name, ".") && strcmp((*out)->d_name, ".."))
			return 1;
	}
}

int jvs_scan__stat_entry(DIR *d, const char *prefix, const char *name, char **path,
			 struct stat *st)
{
	*path = *prefix ? jvs_strf("%s/%s", prefix, name) : strdup(name);
	if (!*path) {
		jvs_error_set(JVS_E_INTERNAL, "out of memory");
		return -1;
	}
	if (fstatat(dirfd(d), name, st, AT_SYMLINK_NOFOLLOW) == 0)
		return 1;
	if (errno == ENOENT) { /* vanished while walking */
		free(*path);
		*path = NULL;
		return 0;
	}
	jvs_error_sys("cannot stat '%s'", *path);
	free(*path);
	*path = NULL;
	return -1;
}

int jvs_scan__add(jvs_scan *s, const char *path, const struct stat *st, int special,
		  const char **sub)
{
	int rc;
	*sub = NULL;
	if (S_ISREG(st->st_mode) || S_ISLNK(st->st_mode))
		return jvs_scan__push(s, S_ISREG(st->st_mode) ? JVS_ENT_FILE : JVS_ENT_SYMLINK, path,
				      st);
	if (S_ISDIR(st->st_mode)) {
		rc = jvs_scan__push(s, JVS_ENT_DIR, path, st);
		if (rc == 0 && s->against) { /* not kept: the walk needs its path still */
			*sub = jvs_arena_strdup(&s->paths, path);
			rc = *sub ? 0 : -1;
		} else if (rc == 0) {
			*sub = s->e[s->n - 1].path; /* arena: stays put */
		}
		return rc;
	}
	if (special)
		return jvs_scan__push(s, JVS_ENT_FILE, path, st);
	return jvs_scan__refuse_special(path, st->st_mode);
}

static int walk(int fd_in, const char *prefix, int special, jvs_scan *s)
{
	DIR *d = fdopendir(fd_in);
	struct dirent *de;
	if (!d) {
		close(fd_in);
		return jvs_error_sys("cannot open directory '%s'", *prefix ? prefix : ".");
	}
	for (;;) {
		struct stat st;
		char *path;
		int r;
		if ((r = jvs_scan__next(d, prefix, &de)) <= 0) {
			if (r < 0) {
				closedir(d);
				return -1;
			}
			break;
		}
		if (s->nonly) { /* outside the named paths: never visited */
			char *p = *prefix ? jvs_strf("%s/%s", prefix, de->d_name) : strdup(de->d_name);
			int covered;
			if (!p) {
				closedir(d);
				return jvs_error_set(JVS_E_INTERNAL, "out of memory");
			}
			covered = jvs_paths_covers(s->only, s->nonly, p) != 0;
			free(p);
			if (!covered)
				continue;
		}
		r = jvs_scan__stat_entry(d, prefix, de->d_name, &path, &st);
		if (r <= 0) {
			if (r == 0)
				continue;
			closedir(d);
			return -1;
		}
		if (s->ig && jvs_ignore_check(s->ig, path, S_ISDIR(st.st_mode), NULL)) {
			int rc = s->keep_ignored ? jvs_scan__push(s, ignored_type(st.st_mode), path, &st) : 0;
			if (rc == 0 && s->keep_ignored)
				s->e[s->n - 1].ignored = 1;
			s->ignored++;
			free(path);
			if (rc < 0) {
				closedir(d);
				return -1;
			}
			continue; /* never descended into */
		}
		{
			const char *sub; /* a directory to descend into */
			int rc = jvs_scan__add(s, path, &st, special, &sub);
			free(path);
			if (rc < 0) {
				closedir(d);
				return -1;
			}
			if (sub) {
				int fd = openat(dirfd(d), de->d_name,
						O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				if (fd < 0) {
					jvs_error_sys("cannot open directory '%s'", sub);
					closedir(d);
					return -1;
				}
				if (enter_walk(fd, sub, special, s) < 0) {
					closedir(d);
					return -1;
				}
			}
		}
	}
	closedir(d);
	return 0;
}

/* walk() with the directory's ignore frame pushed for its duration. */
static int enter_walk(int fd, const char *prefix, int special, jvs_scan *s)
{
	int rc;
	if (s->ig && jvs_ignore_enter(s->ig, fd, prefix) < 0) {
		close(fd);
		return -1;
	}
	rc = walk(fd, prefix, special, s);
	if (s->ig)
		jvs_ignore_leave(s->ig);
	return rc;
}

int jvs_scan_tree(const char *root, jvs_scan *out)
{
	return jvs_scan_tree_special(root, 0, out);
}

static int scan_root(const char *root, int special, jvs_scan *out)
{
	int fd = jvs_safe_open_dir(root); /* a payload root reached through no symlink */
	if (fd < 0)
		return jvs_error_sys("cannot open '%s'", root);
	if (jvs_scan__threads(fd) > 1 ? jvs_scan__parallel(fd, special, jvs_scan__threads(fd), NULL, out) < 0
				      : walk(fd, "", special, out) < 0) {
		jvs_scan_clear(out);
		return -1;
	}
	if (out->n > 1)
		qsort(out->e, out->n, sizeof *out->e, cmp_entry);
	return 0;
}

int jvs_scan_tree_special(const char *root, int special, jvs_scan *out)
{
	memset(out, 0, sizeof *out);
	return scan_root(root, special, out);
}

int jvs_scan_tree_check(const char *root, const jvs_scan *against, int *same)
{
	jvs_scan s = {0};
	int rc;
	s.against = against;
	*same = 0;
	rc = scan_root(root, 0, &s);
	if (rc == 0)
		*same = s.differs == 0 && s.matched == against->n;
	jvs_scan_clear(&s);
	return rc;
}

int jvs_scan_tree_keyed(const char *root, const jvs_scan *against, jvs_scan *out, int *all)
{
	jvs_scan s = {0};
	int rc;
	memset(out, 0, sizeof *out);
	*all = 0;
	s.against = against;
	s.fill = calloc(against->n ? against->n : 1, sizeof *s.fill);
	if (!s.fill)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	rc = scan_root(root, 0, &s);
	if (rc == 0 && s.differs == 0 && s.matched == against->n) {
		*all = 1;
		out->e = s.fill;
		out->n = out->cap = against->n;
		s.fill = NULL;
	}
	free(s.fill);
	s.fill = NULL;
	jvs_scan_clear(&s);
	return rc;
}

int jvs_scan_clone_matches(const jvs_scan *w, const jvs_scan *clone)
{
	if (w->n != clone->n)
		return 0;
	for (size_t i = 0; i < w->n; i++) {
		const jvs_filekey *a = &w->e[i].key, *b = &clone->e[i].key;
		if (w->e[i].type != clone->e[i].type || a->size != b->size || a->mode != b->mode ||
		    a->uid != b->uid || a->gid != b->gid || a->mtime_ns != b->mtime_ns ||
		    a->ctime_ns != b->ctime_ns)
			return 0;
	}
	return 1;
}

static int scan_worktree(const jvs_repo *repo, const char *root, int flags, char *const *only,
			 size_t nonly, jvs_scan *out);

int jvs_scan_worktree(const jvs_repo *repo, const char *root, int flags, jvs_scan *out)
{
	return scan_worktree(repo, root, flags, NULL, 0, out);
}

int jvs_scan_worktree_paths(const jvs_repo *repo, const char *root, int flags,
			    char *const *paths, size_t npaths, jvs_scan *out)
{
	if (!npaths) {
		memset(out, 0, sizeof *out);
		return jvs_error_set(JVS_E_INTERNAL, "no paths to scan");
	}
	return scan_worktree(repo, root, flags, paths, npaths, out);
}

static int scan_worktree(const jvs_repo *repo, const char *root, int flags, char *const *only,
			 size_t nonly, jvs_scan *out)
{
	jvs_ignore *ig = NULL;
	int fd;
	memset(out, 0, sizeof *out);
	out->only = only;
	out->nonly = nonly;
	if (jvs_ignore_open_repo(repo, &ig) < 0)
		return -1;
	out->ig = ig;
	out->keep_ignored = (flags & JVS_SCAN_KEEP_IGNORED) != 0;
	fd = jvs_safe_open_dir(root); /* a payload root reached through no symlink */
	if (fd < 0) {
		jvs_ignore_free(ig);
		out->ig = NULL;
		return jvs_error_sys("cannot open '%s'", root);
	}
	/* On FUSE the parallel walk pays off; it knows no rules, so it is kept
	 * only when the tree turns out to hold none (and .jvs/ignore is empty). */
	if (!nonly && !jvs_ignore_has_repo_rules(ig) && jvs_scan__threads(fd) > 1) {
		int saw = 1, dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC); /* own offset */
		if (dfd >= 0 &&
		    jvs_scan__parallel(dfd, (flags & JVS_SCAN_SPECIAL) != 0, jvs_scan__threads(fd), &saw,
				       out) == 0 &&
		    !saw) {
			close(fd);
			jvs_ignore_free(ig);
			out->ig = NULL;
			out->keep_ignored = 0;
			if (out->n > 1)
				qsort(out->e, out->n, sizeof *out->e, cmp_entry);
			return 0;
		}
		jvs_scan_clear(out); /* rules to apply, or a special file they may ignore */
		jvs_error_clear();
		out->ig = ig;
		out->keep_ignored = (flags & JVS_SCAN_KEEP_IGNORED) != 0;
	}
	if (enter_walk(fd, "", (flags & JVS_SCAN_SPECIAL) != 0, out) < 0) {
		jvs_ignore_free(ig);
		jvs_scan_clear(out);
		return -1;
	}
	jvs_ignore_free(ig);
	out->ig = NULL;
	out->only = NULL;
	out->nonly = 0;
	if (out->n > 1)
		qsort(out->e, out->n, sizeof *out->e, cmp_entry);
	return 0;
}

void jvs_scan_clear(jvs_scan *s)
{
	jvs_arena_free(&s->paths);
	free(s->e);
	memset(s, 0, sizeof *s);
}
