/* The command table: every jvs-* program and its own options (cmd/commands.c). */
#ifndef JVS_COMMANDS_H
#define JVS_COMMANDS_H

enum cli_arg { CLI_ARG_NONE, CLI_ARG_REQUIRED, CLI_ARG_OPTIONAL };

typedef struct {
	const char *name; /* the long name, without "--" */
	int letter;       /* its short form, or 0 */
	enum cli_arg arg;
	/* Completion of the value: NULL (free text), "@tags", "@refs",
	 * "@worktrees" (asked of jvs), or the words it takes. */
	const char *values;
} cli_option;

enum {
	CLI_NEEDS_REPO = 1,     /* opens a repository (cli_open_repo) */
	CLI_NEEDS_WORKTREE = 2, /* ... and works in one: -w or the current directory */
	CLI_TAKES_PATHS = 4,    /* the words after `--` are PATHs (cli->paths) */
	CLI_NO_OPERANDS = 8     /* any operand is E_USAGE "unexpected argument" */
};

typedef struct {
	const char *name;     /* "jvs-worktree-fork" */
	const char *kind;     /* "porcelain" or "plumbing" (jvs --help) */
	unsigned flags;       /* CLI_NEEDS_* | CLI_TAKES_PATHS | CLI_NO_OPERANDS */
	const char *operands; /* completion of operands: refs worktrees pins dirs files none */
	const char *summary;  /* one line for jvs --help and the completions */
	const char *usage;    /* the man page SYNOPSIS, lines split by '\n' */
	const cli_option *options; /* ended by {NULL}; the common ones are not listed */
} cli_command;

extern const cli_command cli_commands[];
extern const cli_option cli_common_options[];

/* The row of prog, or NULL. */
const cli_command *cli_command_find(const char *prog);

#endif
