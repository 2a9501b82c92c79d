/* Ignore rules: .jvsignore files (gitignore syntax), CACHEDIR.TAG and the
 * machine-local .jvs/ignore, applied while a worktree is walked.
 *
 * A jvs_ignore is a stack: the repository-wide rules at the bottom, then
 * one frame per directory the walk has entered (its .jvsignore rules and
 * whether it holds a valid CACHEDIR.TAG). jvs_ignore_check decides for a
 * direct child of the innermost frame: the innermost frame's rules first,
 * the last matching rule of a list wins, .jvs/ignore last. */
#ifndef JVS_IGNORE_H
#define JVS_IGNORE_H

#include <stddef.h>

typedef struct jvs_ignore jvs_ignore;
typedef struct jvs_ignore_list jvs_ignore_list;

#define JVS_IGNORE_FILE ".jvsignore"
#define JVS_CACHEDIR_TAG "CACHEDIR.TAG"
#define JVS_CACHEDIR_SIGNATURE "Signature: 8a477f597d28d172789f06886806bc55"

/* What decided a path. source and pattern point into the matcher and stay
 * valid while the frame that holds them is on the stack. */
typedef struct {
	const char *source;  /* ".jvsignore", "dir/.jvsignore", ".jvs/ignore",
				"dir/CACHEDIR.TAG" */
	const char *pattern; /* the rule as written (trailing blanks cut) */
	int line;	     /* 1-based */
	int negated;	     /* a '!' rule: the path is not ignored */
} jvs_ignore_hit;

/* Parses gitignore-syntax text. base: the directory the file is in,
 * relative to the worktree root ("" for the root); source: the name shown
 * by jvs_ignore_hit. */
int jvs_ignore_list_parse(const char *text, size_t len, const char *base, const char *source,
			  jvs_ignore_list **out);
void jvs_ignore_list_free(jvs_ignore_list *l);
size_t jvs_ignore_list_count(const jvs_ignore_list *l);
/* Matches path (relative to the worktree root) against one list: 1 ignored,
 * 0 re-included by a '!' rule, -1 no rule matched. hit may be NULL. */
int jvs_ignore_list_match(const jvs_ignore_list *l, const char *path, int is_dir,
			  jvs_ignore_hit *hit);

/* One glob against one string with gitignore semantics ('*', '?' and [...]
 * never match '/', a whole-component "**" matches any number of
 * directories, backslash escapes): 1 match, 0 not. */
int jvs_ignore_glob(const char *pattern, const char *s);

/* An empty stack. repo_ignore: the path of .jvs/ignore or NULL; a missing
 * file is no rules, a symlink or other non-regular file is E_PATH_ESCAPE. */
int jvs_ignore_new(const char *repo_ignore, jvs_ignore **out);
void jvs_ignore_free(jvs_ignore *ig);
/* Whether .jvs/ignore holds any rule. */
int jvs_ignore_has_repo_rules(const jvs_ignore *ig);
struct jvs_repo;
/* jvs_ignore_new with the repository's .jvs/ignore. */
int jvs_ignore_open_repo(const struct jvs_repo *repo, jvs_ignore **out);
/* Pushes the frame of directory dirpath ("" for the root), open as dirfd:
 * reads its .jvsignore (a symlink or non-regular .jvsignore is not read)
 * and its CACHEDIR.TAG. */
int jvs_ignore_enter(jvs_ignore *ig, int dirfd, const char *dirpath);
void jvs_ignore_leave(jvs_ignore *ig);
/* Pushes a frame with the given rules (tests, fuzzing); steals l. */
int jvs_ignore_push(jvs_ignore *ig, const char *dirpath, jvs_ignore_list *l, int cachedir);
/* For path, a direct child of the innermost frame: 1 ignored, 0 not. */
int jvs_ignore_check(const jvs_ignore *ig, const char *path, int is_dir, jvs_ignore_hit *hit);

/* Decides rel (relative to the worktree root open as root_fd; "" is never
 * ignored) as a walk would: each ancestor directory is checked first and
 * an excluded one decides; the .jvsignore of each directory on the way is
 * read (a missing directory adds no rules). The frames stay on the stack
 * until the next call, so hit stays valid. 1 ignored, 0 not, -1 error. */
int jvs_ignore_path(jvs_ignore *ig, int root_fd, const char *rel, int is_dir,
		    jvs_ignore_hit *hit);

#endif
