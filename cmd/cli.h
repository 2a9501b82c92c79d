/* Shared option handling, error printing and exit codes for jvs-* mains. */
#ifndef JVS_CLI_H
#define JVS_CLI_H

#include <getopt.h>
#include <jansson.h>

#include "jvs/repo.h"

enum {
	CLI_OPT_VERSION = 0x1000,
	CLI_OPT_JSON,
	CLI_OPT_WAIT,
	CLI_OPT_NO_PROGRESS,
	CLI_OPT_FIRST_PRIVATE = 0x1100
};

#define CLI_SHORTOPTS "hqC:w:"
#define CLI_LONGOPTS                                                                           \
	{"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, CLI_OPT_VERSION},     \
		{"json", no_argument, NULL, CLI_OPT_JSON}, {"quiet", no_argument, NULL, 'q'},  \
		{"wait", optional_argument, NULL, CLI_OPT_WAIT},                               \
		{"no-progress", no_argument, NULL, CLI_OPT_NO_PROGRESS}

typedef struct {
	const char *prog;
	const char *usage; /* the SYNOPSIS lines, without "usage: " */
	const char *chdir;
	const char *worktree;
	int json, quiet, no_progress;
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

#endif
