/* Repository handle: discovery, layout paths, init. */
#ifndef JVS_REPO_H
#define JVS_REPO_H

#define JVS_FORMAT_VERSION 1
/* the newest format read: 2 once a compressed snapshot was made (jvs/compress.h) */
#define JVS_FORMAT_VERSION_READ 2

typedef struct jvs_repo jvs_repo;

/* Creates a repository in dir (absent or empty). out_root: malloc'd
 * absolute path of the new repository. */
int jvs_repo_init(const char *dir, char **out_root);

/* Walks up from start_dir (NULL: cwd) to the first directory holding
 * .jvs/format_version. E_NOT_A_REPO, E_FORMAT_UNSUPPORTED. */
int jvs_repo_open(jvs_repo **out, const char *start_dir);
void jvs_repo_free(jvs_repo *repo);

const char *jvs_repo_root(const jvs_repo *repo);
const char *jvs_repo_id(const jvs_repo *repo);
/* Worktree the process is in (or chosen with jvs_repo_select_worktree);
 * NULL when none. */
const char *jvs_repo_worktree(const jvs_repo *repo);
int jvs_repo_select_worktree(jvs_repo *repo, const char *name);
/* Current worktree or E_NO_WORKTREE with a hint. */
int jvs_repo_require_worktree(const jvs_repo *repo, const char **out_name);

/* malloc'd absolute path of a control-plane file: jvs_repo_path(r, "descriptors/x.json"). */
char *jvs_repo_path(const jvs_repo *repo, const char *rel);
char *jvs_repo_pathf(const jvs_repo *repo, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Payload root of a worktree: ROOT/main or ROOT/worktrees/NAME. malloc'd. */
char *jvs_repo_payload_root(const jvs_repo *repo, const char *worktree);
/* E_PATH_ESCAPE when the payload root (or ROOT/worktrees) exists but is a
 * symlink or not a directory: snapshot, restore and status would otherwise
 * read or write outside the repository. 0 when missing or a real directory. */
int jvs_repo_payload_check(const jvs_repo *repo, const char *worktree);
/* Creates ROOT/worktrees/worktrees -> . (idempotent). */
int jvs_repo_link_worktrees(const char *root);

#endif
