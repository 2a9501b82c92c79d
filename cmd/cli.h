/* Shared option handling, error printing and exit codes for jvs-* mains. */
#ifndef JVS_CLI_H
#define JVS_CLI_H

#include <getopt.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "commands.h"
#include "catalog.h"
#include "jvs/repo.h"
#include "repo_int.h"

typedef struct {
	const char *prog;
	const char *usage; /* the SYNOPSIS lines, without "usage: " */
	const cli_command *cmd; /* the program's row of the command table */
	const char *chdir;
	const char *worktree;
	int json, quiet, no_progress;
	/* --progress=WHEN (--no-progress is never); CLI_PROGRESS_UNSET: neither
	 * was given, JVS_PROGRESS decides (cli_progress_start). */
	int progress_mode;
	int wait_seconds; /* 0 fail at once, <0 forever */
	/* after cli_start: the operands, and for CLI_TAKES_PATHS programs the
	 * words after the `--` that ends the options (dashdash: there was one) */
	int nargs;
	char **args;
	char **paths;
	size_t npaths;
	int dashdash;
	/* after cli_open_repo of a CLI_NEEDS_WORKTREE program: its worktree */
	const char *wt;
	int argc; /* the whole command line, for naming a bad option */
	char **argv;
} cli;

/* A program's own option o (a row of its options in cmd/commands.c) with
 * its value (NULL when it takes none): returns 0, or the exit code to stop
 * with (cli_usage_error's 2 after a bad value). */
typedef int (*cli_option_fn)(cli *c, const cli_option *o, const char *arg, void *ctx);

/* The start of every main: finds prog in the command table, parses argv by
 * its row (the common options into c, the program's own through fn with
 * ctx, which may be NULL when it has none), leaves the operands in
 * c->args/c->nargs and, when the row takes paths, the words after `--` in
 * c->paths. -h/--help and --version print and exit 0. Registers the one
 * exit path: at exit stdout is flushed and closed, and a failure there is
 * E_IO, reported as such, exit 1. Returns 0, or the exit code to return. */
int cli_start(cli *c, const char *prog, int argc, char **argv, cli_option_fn fn, void *ctx);
/* An option function for programs whose options only set variables: ctx
 * is an array of {long name, variable} ended by {NULL}; an option taking no
 * value sets its int to 1, one taking a value points its const char * at it. */
typedef struct {
	const char *name;
	void *var;
} cli_slot;
int cli_store(cli *c, const cli_option *o, const char *arg, void *slots);
/* Whether o is the option of that long name. */
int cli_opt_is(const cli_option *o, const char *name);
/* Prints "prog: E_USAGE: msg" and the usage; returns 2. */
int cli_usage_error(cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Opens the repository honouring -C and -w; a CLI_NEEDS_WORKTREE program's
 * worktree (-w or where the current directory is) is then c->wt, and its
 * absence E_NO_WORKTREE. */
int cli_open_repo(cli *c, jvs_repo **out);
/* Resolves ref (jvs(1) REFERENCES) relative to c->wt, else the current
 * worktree, into id; loads *cat first unless it is loaded already. */
int cli_resolve_ref(cli *c, const jvs_repo *repo, jvs_catalog *cat, const char *ref,
		    char id[JVS_ID_BUF]);
/* Prints the last error per SPEC §12 and returns its exit code. */
int cli_fail(cli *c);
/* Pretty JSON to stdout; steals v. Returns 0 or an exit code. */
int cli_print_json(cli *c, json_t *v);
/* What worktree create and fork print of the worktree they made: its JSON
 * object, its path (-q), or "Created worktree NAME [at HEAD]" and the path.
 * Returns 0 or an exit code. */
int cli_print_new_worktree(cli *c, const jvs_repo *repo, const char *name);
/* 0 when the program was given exactly one operand, else the usage error
 * ("missing WHAT", "give one WHAT") and its exit code. */
int cli_one_operand(cli *c, const char *what);
/* An allocation failed: E_INTERNAL "out of memory", reported; its exit code. */
int cli_oom(cli *c);

/* --format for listing programs: text (aligned columns for people), json,
 * tsv (stable tab-separated lines), id (one bare id or name a line). */
enum cli_format { CLI_FMT_TEXT, CLI_FMT_JSON, CLI_FMT_TSV, CLI_FMT_ID };
/* Sets *out from arg; on a bad value prints the usage error and returns 2. */
int cli_parse_format(cli *c, const char *arg, int *out);
/* The option function of programs whose one option is --format: ctx is
 * the int that cli_parse_format sets. */
int cli_format_option(cli *c, const cli_option *o, const char *arg, void *fmt);

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
/* Callback adapter: arg is a cli_progress. */
void cli_progress_cb(void *arg, uint64_t bytes, uint64_t bytes_total, size_t done, size_t total);
/* Erases the progress line if one was shown; with JSON events, prints the
 * "done" event (once). */
void cli_progress_end(cli_progress *p);
/* Erases the progress line if one was shown, for output between parts of
 * one piece of work; progress goes on (no done event). */
void cli_progress_clear(cli_progress *p);

/* Colour for stdout: the SGR sequence, or "" unless stdout is a TTY,
 * neither NO_COLOR nor --no-color is set and TERM is set and not "dumb". */
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

/* Whether the working directory is dir or below it. */
int cli_cwd_is_in(const char *dir);

/* Runs hook NAME (jvs/hook.h) unless no_hooks. A failing pre-* hook:
 * returns -1 with E_HOOK set (the caller fails, nothing was changed). A
 * failing post-* hook: a warning on stderr, 0 (the exit code is the
 * operation's). */
int cli_run_hook(const jvs_repo *repo, int no_hooks, const char *name, const char *operation,
		 const char *worktree, const char *snapshot_id);

#endif
