/* Shared option handling, error printing and exit codes for jvs-* mains. */
#ifndef JVS_CLI_H
#define JVS_CLI_H

#include <getopt.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "repo_int.h"

enum {
	CLI_OPT_VERSION = 0x1000,
	CLI_OPT_JSON,
	CLI_OPT_WAIT,
	CLI_OPT_NO_PROGRESS,
	CLI_OPT_PROGRESS,
	CLI_OPT_FIRST_PRIVATE = 0x1100
};

#define CLI_SHORTOPTS "hqC:w:"
#define CLI_LONGOPTS                                                                           \
	{"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, CLI_OPT_VERSION},     \
		{"json", no_argument, NULL, CLI_OPT_JSON}, {"quiet", no_argument, NULL, 'q'},  \
		{"wait", optional_argument, NULL, CLI_OPT_WAIT},                               \
		{"no-progress", no_argument, NULL, CLI_OPT_NO_PROGRESS},                       \
		{"progress", required_argument, NULL, CLI_OPT_PROGRESS}

typedef struct {
	const char *prog;
	const char *usage; /* the SYNOPSIS lines, without "usage: " */
	const char *chdir;
	const char *worktree;
	int json, quiet, no_progress;
	/* --progress=WHEN (--no-progress is never); CLI_PROGRESS_UNSET: neither
	 * was given, JVS_PROGRESS decides (cli_progress_start). */
	int progress_mode;
	int wait_seconds; /* 0 fail at once, <0 forever */
} cli;

void cli_init(cli *c, const char *prog, const char *usage);
/* Handles the common options; returns 1 if `opt` was one, else 0.
 * -h and --version print and exit 0; a bad value exits 2. */
int cli_common_option(cli *c, int opt, const char *arg);
/* Prints "prog: E_USAGE: msg" and the usage; returns 2. */
int cli_usage_error(cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Opens the repository honouring -C and -w. */
int cli_open_repo(cli *c, jvs_repo **out);
/* Prints the last error per SPEC §12 and returns its exit code. */
int cli_fail(cli *c);
/* Pretty JSON to stdout; steals v. Returns 0 or an exit code. */
int cli_print_json(cli *c, json_t *v);
/* Unknown option from getopt ('?'): prints usage, returns 2. */
int cli_bad_option(cli *c);
int cli_stderr_is_tty(void);

/* --format for listing programs: text (aligned columns for people), json,
 * tsv (stable tab-separated lines), id (one bare id or name a line). */
enum cli_format { CLI_FMT_TEXT, CLI_FMT_JSON, CLI_FMT_TSV, CLI_FMT_ID };
/* Sets *out from arg; on a bad value prints the usage error and returns 2. */
int cli_parse_format(cli *c, const char *arg, int *out);

enum { CLI_PROGRESS_UNSET, CLI_PROGRESS_AUTO, CLI_PROGRESS_NEVER, CLI_PROGRESS_JSON };

/* Progress on stderr (SPEC §1): "LABEL: 3/10 files, 1.2/4.0 MB, 9.1 MB/s, ETA 1s".
 * Shown only when stderr is a TTY, none of -q, --json, --no-progress was
 * given, and the work has lasted JVS_PROGRESS_MIN_MS (default 500 ms).
 * With --progress=json (or JVS_PROGRESS=json and no --progress or
 * --no-progress) instead one JSON object a line, whatever stderr is and
 * despite -q and --json: "progress" events at most every
 * JVS_PROGRESS_INTERVAL_MS (default 200 ms), then one "done" event from
 * cli_progress_end (see jvs(1) PROGRESS EVENTS). */
typedef struct {
	const char *label, *unit, *operation;
	struct timespec start, last;
	long min_ms, interval_ms;
	int enabled, shown, json;
	/* the latest values given to cli_progress_update, for the done event */
	uint64_t bytes, bytes_total, done, total;
} cli_progress;

/* unit: what is counted ("files", "entries", "snapshots"). */
void cli_progress_start(cli_progress *p, const cli *c, const char *label, const char *unit);
/* Totals of 0 are unknown. Matches the libjvs progress callbacks' shape. */
void cli_progress_update(cli_progress *p, uint64_t bytes, uint64_t bytes_total, uint64_t done,
			 uint64_t total);
/* Callback adapters: arg is a cli_progress. */
void cli_progress_cb(void *arg, uint64_t bytes, uint64_t bytes_total, size_t done, size_t total);
void cli_progress_cb_nototal(void *arg, uint64_t bytes, uint64_t done);
/* Erases the progress line if one was shown; with JSON events, prints the
 * "done" event (once). */
void cli_progress_end(cli_progress *p);
/* Erases the progress line if one was shown, for output between parts of
 * one piece of work; progress goes on (no done event). */
void cli_progress_clear(cli_progress *p);

/* Colour for stdout: the SGR sequence, or "" unless stdout is a TTY,
 * NO_COLOR is unset and TERM is set and not "dumb". */
enum cli_colour { CLI_RESET, CLI_RED, CLI_GREEN, CLI_YELLOW, CLI_BOLD };
const char *cli_color(enum cli_colour k);

/* User-controlled text (notes, tags, reasons, names, paths, messages that
 * quote input) goes out only in the text form of jvs(1) ESCAPING:
 * cli_esc returns s itself when nothing needs escaping, else its escaped
 * copy in one of 16 rotating buffers (valid for the next 15 calls), so
 * several may appear in one printf. NULL gives "". */
const char *cli_esc(const char *s);
/* The text form of the string obj[key] built by jvs_json_set_text (already
 * the text form when obj[key "_b64"] exists); "" when absent. */
const char *cli_esc_json(const json_t *obj, const char *key);
/* fputs of the text form of s. */
void cli_fputs_esc(const char *s, FILE *f);

/* The PATH operands after `--` in their worktree-relative form (see
 * jvs_path_worktree_rel: relative to the current directory inside the
 * worktree's files, else to their root; worktree NULL: to a payload root),
 * sorted and unique. Free with cli_paths_free. */
int cli_worktree_paths(const jvs_repo *repo, const char *worktree, int argc, char **argv,
		       char ***out, size_t *nout);
void cli_paths_free(char **v, size_t n);
/* The index of the `--` that ends the options in argv (argc when there is
 * none); takes_arg (NULL-terminated): the program's own options whose value
 * is the next word (the common -C, -w and --progress are known), which is
 * never taken for `--`. Options are parsed in argv[0..i). */
int cli_split_paths(int argc, char **argv, const char *const *takes_arg);
/* cli_split_paths, then argv cut there: the words after `--` in *paths
 * (*npaths of them) and *argc the options' count. 1 when there was a `--`. */
int cli_cut_paths(int *argc, char **argv, const char *const *takes_arg, char ***paths,
		  size_t *npaths);

/* Whether the working directory is dir or below it. */
int cli_cwd_is_in(const char *dir);

/* Runs hook NAME (jvs/hook.h) unless no_hooks. A failing pre-* hook:
 * returns -1 with E_HOOK set (the caller fails, nothing was changed). A
 * failing post-* hook: a warning on stderr, 0 (the exit code is the
 * operation's). */
int cli_run_hook(const jvs_repo *repo, int no_hooks, const char *name, const char *operation,
		 const char *worktree, const char *snapshot_id);

#endif
