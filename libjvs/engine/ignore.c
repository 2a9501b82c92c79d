/* Ignore rules (see jvs/ignore.h). Written from the gitignore grammar as
 * documented, not from any implementation. */
#include "jvs/ignore.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/repo.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Largest .jvsignore or .jvs/ignore read (a bigger one is an error). */
#define IGNORE_FILE_MAX (4u << 20)

typedef struct {
	char *glob;    /* what is matched: no '!', no trailing or leading '/' */
	char *text;    /* the rule as written */
	int line;
	unsigned negated : 1, dironly : 1, anchored : 1;
} rule;

struct jvs_ignore_list {
	rule *r;
	size_t n, cap;
	char *base;   /* "" or "dir/sub" */
	char *source; /* shown in hits */
};

typedef struct {
	char *dir;
	jvs_ignore_list *rules; /* NULL: none */
	char *tag_source;	/* "dir/CACHEDIR.TAG" when tagged, else NULL */
} frame;

struct jvs_ignore {
	jvs_ignore_list *repo; /* .jvs/ignore, or NULL */
	frame *f;
	size_t n, cap;
};

/* ---- glob ---- */

enum { NOMATCH = 0, MATCH = 1, ABORT_ALL = -1, ABORT_TO_STARSTAR = -2 };

static int posix_class(const char *name, size_t len, unsigned char c)
{
	static const struct {
		const char *name;
		int (*fn)(int);
	} classes[] = {{"alnum", isalnum}, {"alpha", isalpha}, {"blank", isblank},
		       {"cntrl", iscntrl}, {"digit", isdigit}, {"graph", isgraph},
		       {"lower", islower}, {"print", isprint}, {"punct", ispunct},
		       {"space", isspace}, {"upper", isupper}, {"xdigit", isxdigit}};
	for (size_t i = 0; i < sizeof classes / sizeof *classes; i++)
		if (strlen(classes[i].name) == len && !memcmp(name, classes[i].name, len))
			return classes[i].fn(c) != 0;
	return -1; /* unknown class: the pattern is malformed */
}

/* A bracket expression at *pp ('[' already skipped) against c. Returns 1
 * matched, 0 not, -1 malformed; *pp is left after the closing ']'. */
static int bracket(const char **pp, unsigned char c)
{
	const char *p = *pp;
	int neg = 0, hit = 0, first = 1;
	if (*p == '!' || *p == '^') {
		neg = 1;
		p++;
	}
	for (;; first = 0) {
		unsigned char lo, hi;
		if (*p == '\0')
			return -1;
		if (*p == ']' && !first) {
			p++;
			break;
		}
		if (p[0] == '[' && p[1] == ':') {
			const char *end = strstr(p + 2, ":]");
			int r;
			if (!end)
				return -1;
			r = posix_class(p + 2, (size_t)(end - (p + 2)), c);
			if (r < 0)
				return -1;
			hit |= r;
			p = end + 2;
			continue;
		}
		if (*p == '\\') {
			p++;
			if (*p == '\0')
				return -1;
		}
		lo = (unsigned char)*p++;
		hi = lo;
		if (p[0] == '-' && p[1] && p[1] != ']') {
			p++;
			if (*p == '\\') {
				p++;
				if (*p == '\0')
					return -1;
			}
			hi = (unsigned char)*p++;
		}
		if (c >= lo && c <= hi)
			hit = 1;
	}
	*pp = p;
	return hit != neg;
}

static int wm(const char *p, const char *s, const char *pstart)
{
	for (;;) {
		char c = *p;
		if (c == '\0')
			return *s == '\0' ? MATCH : NOMATCH;
		if (c == '*') {
			const char *q = p;
			while (*q == '*')
				q++;
			if (q - p >= 2 && (p == pstart || p[-1] == '/') && (*q == '\0' || *q == '/')) {
				/* a whole component of stars: any number of directories */
				if (*q == '\0')
					return MATCH;
				q++; /* "**" + "/": zero or more leading directories */
				for (;;) {
					int r = wm(q, s, pstart);
					if (r == MATCH || r == ABORT_ALL)
						return r;
					s = strchr(s, '/');
					if (!s)
						return ABORT_ALL;
					s++;
				}
			}
			/* '*': any run of characters other than '/' */
			if (*q == '\0')
				return strchr(s, '/') ? ABORT_TO_STARSTAR : MATCH;
			for (;; s++) {
				int r;
				if (*s == '\0')
					return ABORT_ALL;
				r = wm(q, s, pstart);
				if (r != NOMATCH)
					return r;
				if (*s == '/')
					return ABORT_TO_STARSTAR;
			}
		}
		if (*s == '\0')
			return ABORT_ALL;
		if (c == '?') {
			if (*s == '/')
				return NOMATCH;
			p++;
			s++;
			continue;
		}
		if (c == '[') {
			const char *q = p + 1;
			int r;
			if (*s == '/')
				return NOMATCH;
			r = bracket(&q, (unsigned char)*s);
			if (r < 0)
				return ABORT_ALL; /* a malformed class matches nothing */
			if (!r)
				return NOMATCH;
			p = q;
			s++;
			continue;
		}
		if (c == '\\') {
			p++;
			c = *p;
			if (c == '\0')
				return ABORT_ALL; /* a trailing backslash matches nothing */
		}
		if (c != *s)
			return NOMATCH;
		p++;
		s++;
	}
}

int jvs_ignore_glob(const char *pattern, const char *s)
{
	return wm(pattern, s, pattern) == MATCH;
}

/* ---- lists ---- */

static int add_rule(jvs_ignore_list *l, const char *line, size_t len, int lineno)
{
	rule r;
	const char *p = line;
	size_t n = len;
	memset(&r, 0, sizeof r);
	/* trailing spaces go, unless escaped by a backslash */
	while (n && p[n - 1] == ' ') {
		size_t bs = 0;
		while (bs < n - 1 && p[n - 2 - bs] == '\\')
			bs++;
		if (bs % 2)
			break;
		n--;
	}
	if (n == 0 || p[0] == '#')
		return 0;
	r.line = lineno;
	r.text = strndup(p, n);
	if (!r.text)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	if (p[0] == '!') {
		r.negated = 1;
		p++;
		n--;
	}
	if (n && p[n - 1] == '/') {
		size_t bs = 0;
		while (bs < n - 1 && p[n - 2 - bs] == '\\')
			bs++;
		if (bs % 2 == 0) {
			r.dironly = 1;
			n--;
		}
	}
	if (memchr(p, '/', n))
		r.anchored = 1;
	if (n && p[0] == '/') {
		p++;
		n--;
	}
	if (n == 0) {
		free(r.text);
		return 0;
	}
	r.glob = strndup(p, n);
	if (!r.glob) {
		free(r.text);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		rule *nr = realloc(l->r, cap * sizeof *nr);
		if (!nr) {
			free(r.text);
			free(r.glob);
			return jvs_error_set(JVS_E_INTERNAL, "out of memory");
		}
		l->r = nr;
		l->cap = cap;
	}
	l->r[l->n++] = r;
	return 0;
}

int jvs_ignore_list_parse(const char *text, size_t len, const char *base, const char *source,
			  jvs_ignore_list **out)
{
	jvs_ignore_list *l = calloc(1, sizeof *l);
	size_t i = 0;
	int lineno = 0;
	*out = NULL;
	if (!l || !(l->base = strdup(base ? base : "")) || !(l->source = strdup(source))) {
		jvs_ignore_list_free(l);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len, n = end - i;
		lineno++;
		if (n && text[i + n - 1] == '\r')
			n--;
		/* a NUL cuts the line: rules are C strings */
		{
			const char *z = memchr(text + i, '\0', n);
			if (z)
				n = (size_t)(z - (text + i));
		}
		if (lineno == 1 && n >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
			i += 3; /* a UTF-8 byte order mark */
			n -= 3;
		}
		if (add_rule(l, text + i, n, lineno) < 0) {
			jvs_ignore_list_free(l);
			return -1;
		}
		i = end + 1;
	}
	*out = l;
	return 0;
}

void jvs_ignore_list_free(jvs_ignore_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->r[i].glob);
		free(l->r[i].text);
	}
	free(l->r);
	free(l->base);
	free(l->source);
	free(l);
}

int jvs_ignore_has_repo_rules(const jvs_ignore *ig)
{
	return ig && jvs_ignore_list_count(ig->repo) > 0;
}

size_t jvs_ignore_list_count(const jvs_ignore_list *l)
{
	return l ? l->n : 0;
}

int jvs_ignore_list_match(const jvs_ignore_list *l, const char *path, int is_dir,
			  jvs_ignore_hit *hit)
{
	const char *rel = path, *name;
	size_t bl;
	if (!l)
		return -1;
	bl = strlen(l->base);
	if (bl) {
		if (strncmp(path, l->base, bl) || path[bl] != '/')
			return -1; /* not below this list's directory */
		rel = path + bl + 1;
	}
	name = strrchr(rel, '/');
	name = name ? name + 1 : rel;
	for (size_t i = l->n; i-- > 0;) {
		const rule *r = &l->r[i];
		if (r->dironly && !is_dir)
			continue;
		if (!jvs_ignore_glob(r->glob, r->anchored ? rel : name))
			continue;
		if (hit) {
			hit->source = l->source;
			hit->pattern = r->text;
			hit->line = r->line;
			hit->negated = r->negated;
		}
		return r->negated ? 0 : 1;
	}
	return -1;
}

/* ---- the stack ---- */

/* Reads a rules file opened relative to dirfd without following a symlink.
 * Returns 1 with *text, 0 when absent (or, strict == 0, not a regular
 * file), -1 on error. */
static int read_rules(int dirfd, const char *name, const char *shown, int strict, char **text,
		      size_t *len)
{
	struct stat st;
	size_t cap, n = 0;
	char *buf;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	*text = NULL;
	*len = 0;
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		if (errno == ELOOP) {
			if (!strict)
				return 0;
			jvs_error_set(JVS_E_PATH_ESCAPE, "'%s' is a symlink", shown);
			return jvs_error_hint("replace it with a regular file; JVS never follows "
				      "control-plane symlinks");
		}
		if (errno == EACCES && !strict)
			return 0;
		return jvs_error_sys("cannot open '%s'", shown);
	}
	if (fstat(fd, &st) < 0) {
		jvs_error_sys("cannot stat '%s'", shown);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		if (!strict)
			return 0;
		jvs_error_set(JVS_E_PATH_ESCAPE, "'%s' is not a regular file", shown);
		return jvs_error_hint("replace it with a regular file; JVS never follows "
				      "control-plane symlinks");
	}
	if ((uint64_t)st.st_size > IGNORE_FILE_MAX) {
		close(fd);
		jvs_error_set(JVS_E_IO, "'%s' is larger than %u bytes", shown, IGNORE_FILE_MAX);
		return jvs_error_hint("split or shorten the rules");
	}
	cap = (size_t)st.st_size + 1;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	for (;;) {
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			jvs_error_sys("cannot read '%s'", shown);
			free(buf);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap)
			break; /* grew while read: the first st_size + 1 bytes do */
	}
	close(fd);
	*text = buf;
	*len = n;
	return 1;
}

int jvs_ignore_new(const char *repo_ignore, jvs_ignore **out)
{
	jvs_ignore *ig = calloc(1, sizeof *ig);
	*out = NULL;
	if (!ig)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	if (repo_ignore) {
		char *text;
		size_t len;
		int r = read_rules(AT_FDCWD, repo_ignore, ".jvs/ignore", 1, &text, &len);
		if (r > 0) {
			r = jvs_ignore_list_parse(text, len, "", ".jvs/ignore", &ig->repo);
			free(text);
		}
		if (r < 0) {
			jvs_ignore_free(ig);
			return -1;
		}
	}
	*out = ig;
	return 0;
}

int jvs_ignore_open_repo(const jvs_repo *repo, jvs_ignore **out)
{
	char *path = jvs_repo_path(repo, "ignore");
	int rc;
	if (!path)
		return -1;
	rc = jvs_ignore_new(path, out);
	free(path);
	return rc;
}

void jvs_ignore_free(jvs_ignore *ig)
{
	if (!ig)
		return;
	while (ig->n)
		jvs_ignore_leave(ig);
	free(ig->f);
	jvs_ignore_list_free(ig->repo);
	free(ig);
}

static char *sub_path(const char *dir, const char *name)
{
	return *dir ? jvs_strf("%s/%s", dir, name) : strdup(name);
}

int jvs_ignore_push(jvs_ignore *ig, const char *dirpath, jvs_ignore_list *l, int cachedir)
{
	frame f = {0};
	if (ig->n == ig->cap) {
		size_t cap = ig->cap ? ig->cap * 2 : 16;
		frame *nf = realloc(ig->f, cap * sizeof *nf);
		if (!nf) {
			jvs_ignore_list_free(l);
			return jvs_error_set(JVS_E_INTERNAL, "out of memory");
		}
		ig->f = nf;
		ig->cap = cap;
	}
	f.rules = l;
	f.dir = strdup(dirpath);
	if (f.dir && cachedir)
		f.tag_source = sub_path(dirpath, JVS_CACHEDIR_TAG);
	if (!f.dir || (cachedir && !f.tag_source)) {
		free(f.dir);
		jvs_ignore_list_free(l);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	ig->f[ig->n++] = f;
	return 0;
}

static int has_cachedir_tag(int dirfd)
{
	static const char sig[] = JVS_CACHEDIR_SIGNATURE;
	char buf[sizeof sig - 1];
	struct stat st;
	size_t n = 0;
	int fd = openat(dirfd, JVS_CACHEDIR_TAG, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	while (n < sizeof buf) {
		ssize_t r = read(fd, buf + n, sizeof buf - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	return n == sizeof buf && !memcmp(buf, sig, sizeof buf);
}

int jvs_ignore_enter(jvs_ignore *ig, int dirfd, const char *dirpath)
{
	jvs_ignore_list *l = NULL;
	char *shown = sub_path(dirpath, JVS_IGNORE_FILE), *text = NULL;
	size_t len;
	int r;
	if (!shown)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	r = read_rules(dirfd, JVS_IGNORE_FILE, shown, 0, &text, &len);
	if (r > 0) {
		r = jvs_ignore_list_parse(text, len, dirpath, shown, &l);
		free(text);
		if (r == 0 && l && l->n == 0) {
			jvs_ignore_list_free(l);
			l = NULL;
		}
	}
	free(shown);
	if (r < 0)
		return -1;
	return jvs_ignore_push(ig, dirpath, l, has_cachedir_tag(dirfd));
}

void jvs_ignore_leave(jvs_ignore *ig)
{
	frame *f;
	if (!ig || !ig->n)
		return;
	f = &ig->f[--ig->n];
	free(f->dir);
	free(f->tag_source);
	jvs_ignore_list_free(f->rules);
}

int jvs_ignore_check(const jvs_ignore *ig, const char *path, int is_dir, jvs_ignore_hit *hit)
{
	if (!ig)
		return 0;
	if (ig->n && ig->f[ig->n - 1].tag_source) {
		const frame *top = &ig->f[ig->n - 1];
		const char *name = path + (*top->dir ? strlen(top->dir) + 1 : 0);
		if (strcmp(name, JVS_CACHEDIR_TAG) != 0) {
			if (hit) {
				hit->source = top->tag_source;
				hit->pattern = JVS_CACHEDIR_SIGNATURE;
				hit->line = 1;
				hit->negated = 0;
			}
			return 1;
		}
	}
	for (size_t i = ig->n; i-- > 0;) {
		int r = jvs_ignore_list_match(ig->f[i].rules, path, is_dir, hit);
		if (r >= 0)
			return r;
	}
	return jvs_ignore_list_match(ig->repo, path, is_dir, hit) > 0;
}

int jvs_ignore_path(jvs_ignore *ig, int root_fd, const char *rel, int is_dir,
		    jvs_ignore_hit *hit)
{
	char *p;
	int cur, r = 0;
	if (hit)
		memset(hit, 0, sizeof *hit);
	while (ig->n)
		jvs_ignore_leave(ig);
	if (!*rel)
		return 0;
	if (jvs_ignore_enter(ig, root_fd, "") < 0)
		return -1;
	p = strdup(rel);
	if (!p)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	cur = root_fd;
	for (char *slash = strchr(p, '/'); slash; slash = strchr(slash + 1, '/')) {
		int fd;
		*slash = '\0';
		r = jvs_ignore_check(ig, p, 1, hit);
		if (r) {
			*slash = '/';
			break;
		}
		fd = cur >= 0 ? openat(cur, strrchr(p, '/') ? strrchr(p, '/') + 1 : p,
				       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
			      : -1;
		r = fd >= 0 ? jvs_ignore_enter(ig, fd, p) : jvs_ignore_push(ig, p, NULL, 0);
		if (cur != root_fd && cur >= 0)
			close(cur);
		cur = fd;
		*slash = '/';
		if (r < 0)
			break;
	}
	if (cur != root_fd && cur >= 0)
		close(cur);
	if (r == 0) {
		if (hit)
			memset(hit, 0, sizeof *hit);
		r = jvs_ignore_check(ig, p, is_dir, hit);
	}
	free(p);
	return r;
}
