/* The command table: one row a jvs-* program, the one place that names the
 * programs, their kind, what they need, their usage and their own options.
 * Everything else follows it: cli_start (cmd/cli.c) parses each program's
 * argv by its row, `jvs --help` and the dispatcher read cmd/command-list.txt
 * and the bash, zsh and fish completions read cmd/command-options.txt, both
 * written from this table by cmd/gen-commands.c at build time (`make`
 * rewrites them, and completions/, when this file changes; commit them).
 *
 * To add a command jvs-foo-bar:
 *   1. a row below, where `jvs --help` should list it: name, kind
 *      (porcelain/plumbing), flags (CLI_NEEDS_REPO, CLI_NEEDS_WORKTREE,
 *      CLI_TAKES_PATHS for `-- PATH...`, CLI_NO_OPERANDS), what its
 *      operands complete to,
 *      the one-line summary, the usage (= its man page SYNOPSIS, checked by
 *      t/t8004-help.sh) and its options array (foo_bar_opts, or `none`);
 *   2. cmd/jvs-foo-bar.c, whose main starts with
 *      `cli_start(&c, "jvs-foo-bar", argc, argv, on_option, &opts)`;
 *   3. man/jvs-foo-bar.1; `make` regenerates the lists and completions.
 * To add an option: a line in the program's array below ({long name,
 * short letter or 0, CLI_ARG_*, what its value completes to}), the same in
 * the usage string and the man page; the main's option function receives it
 * (compare o->name). Options common to every program are in
 * cli_common_options and handled by cli_start itself. */
#include "commands.h"

#include <stddef.h>
#include <string.h>

#define END {NULL, 0, CLI_ARG_NONE, NULL}
#define FORMATS "text json tsv id"

const cli_option cli_common_options[] = {
	{NULL, 'C', CLI_ARG_REQUIRED, "@dirs"},
	{NULL, 'w', CLI_ARG_REQUIRED, "@worktrees"},
	{"help", 'h', CLI_ARG_NONE, NULL},
	{"version", 0, CLI_ARG_NONE, NULL},
	{"json", 0, CLI_ARG_NONE, NULL},
	{"quiet", 'q', CLI_ARG_NONE, NULL},
	{"wait", 0, CLI_ARG_OPTIONAL, NULL},
	{"no-progress", 0, CLI_ARG_NONE, NULL},
	{"progress", 0, CLI_ARG_REQUIRED, "auto never json"},
	{"no-color", 0, CLI_ARG_NONE, NULL},
	END,
};

static const cli_option none[] = {END};

static const cli_option snapshot_opts[] = {
	{"tag", 't', CLI_ARG_REQUIRED, "@tags"},
	{"message", 'm', CLI_ARG_REQUIRED, NULL},
	{"file", 'F', CLI_ARG_REQUIRED, "@files"},
	{"skip-unchanged", 0, CLI_ARG_NONE, NULL},
	{"no-hooks", 0, CLI_ARG_NONE, NULL},
	{"compress", 0, CLI_ARG_REQUIRED, "none fast default max"},
	END,
};

static const cli_option history_opts[] = {
	{"all", 0, CLI_ARG_NONE, NULL},
	{"limit", 'n', CLI_ARG_REQUIRED, NULL},
	{"grep", 0, CLI_ARG_REQUIRED, NULL},
	{"tag", 0, CLI_ARG_REQUIRED, "@tags"},
	{"format", 0, CLI_ARG_REQUIRED, FORMATS},
	{"tags", 0, CLI_ARG_NONE, NULL},
	END,
};

static const cli_option restore_opts[] = {
	{"latest-tag", 0, CLI_ARG_REQUIRED, "@tags"},
	{"discard", 0, CLI_ARG_NONE, NULL},
	{"no-hooks", 0, CLI_ARG_NONE, NULL},
	{"delete", 0, CLI_ARG_NONE, NULL},
	{"interactive", 'i', CLI_ARG_NONE, NULL},
	END,
};

static const cli_option diff_opts[] = {
	{"stat", 0, CLI_ARG_NONE, NULL},
	{"patch", 'p', CLI_ARG_NONE, NULL},
	END,
};

static const cli_option check_ignore_opts[] = {
	{"verbose", 'v', CLI_ARG_NONE, NULL},
	END,
};

static const cli_option verify_opts[] = {
	{"all", 0, CLI_ARG_NONE, NULL},
	{"quick", 0, CLI_ARG_NONE, NULL},
	END,
};

static const cli_option doctor_opts[] = {
	{"strict", 0, CLI_ARG_NONE, NULL},
	{"repair-runtime", 0, CLI_ARG_NONE, NULL},
	{"repair", 0, CLI_ARG_REQUIRED,
	 "clean_tmp clean_intents rebuild_index advance_head audit_repair resume_gc"},
	{"repair-list", 0, CLI_ARG_NONE, NULL},
	END,
};

static const cli_option config_opts[] = {
	{"origin", 0, CLI_ARG_NONE, NULL},
	{"name-only", 0, CLI_ARG_NONE, NULL},
	END,
};

static const cli_option gc_plan_opts[] = {
	{"keep-last", 0, CLI_ARG_REQUIRED, NULL},
	{"keep-hourly", 0, CLI_ARG_REQUIRED, NULL},
	{"keep-daily", 0, CLI_ARG_REQUIRED, NULL},
	{"keep-weekly", 0, CLI_ARG_REQUIRED, NULL},
	{"keep-monthly", 0, CLI_ARG_REQUIRED, NULL},
	{"keep-yearly", 0, CLI_ARG_REQUIRED, NULL},
	{"keep-within", 0, CLI_ARG_REQUIRED, NULL},
	{"keep-tag", 0, CLI_ARG_REQUIRED, "@tags"},
	{"keep-tagged", 0, CLI_ARG_NONE, NULL},
	{"policy", 0, CLI_ARG_REQUIRED, NULL},
	{"format", 0, CLI_ARG_REQUIRED, FORMATS},
	END,
};

static const cli_option gc_run_opts[] = {
	{"plan-id", 0, CLI_ARG_REQUIRED, NULL},
	{"no-hooks", 0, CLI_ARG_NONE, NULL},
	END,
};

static const cli_option pin_add_opts[] = {
	{"reason", 0, CLI_ARG_REQUIRED, NULL},
	{"expires", 0, CLI_ARG_REQUIRED, NULL},
	END,
};

static const cli_option format_opts[] = {
	{"format", 0, CLI_ARG_REQUIRED, FORMATS},
	END,
};

static const cli_option worktree_create_opts[] = {
	{"from", 0, CLI_ARG_REQUIRED, "@refs"},
	END,
};

static const cli_option worktree_fork_opts[] = {
	{"at", 0, CLI_ARG_REQUIRED, "@refs"},
	END,
};

static const cli_option force_opts[] = {
	{"force", 'f', CLI_ARG_NONE, NULL},
	END,
};

#define REPO CLI_NEEDS_REPO
#define WT (CLI_NEEDS_REPO | CLI_NEEDS_WORKTREE)
#define PATHS CLI_TAKES_PATHS
#define NOARGS CLI_NO_OPERANDS

const cli_command cli_commands[] = {
	{"jvs-init", "porcelain", 0, "dirs", "create a repository with its main worktree",
	 "jvs-init [DIR]", none},
	{"jvs-snapshot", "porcelain", WT | PATHS, "none",
	 "record the current worktree as a new snapshot",
	 "jvs-snapshot [NOTE] [-m NOTE | -F FILE] [--tag TAG]... [--skip-unchanged] [--no-hooks]\n"
	 "             [--compress none|fast|default|max] [-- PATH ...]",
	 snapshot_opts},
	{"jvs-history", "porcelain", REPO | PATHS | NOARGS, "none",
	 "list the snapshots of a worktree, newest first",
	 "jvs-history [--all] [--limit N] [--grep TEXT] [--tag PATTERN]\n"
	 "            [--json | --format text|json|tsv|id|short] [-- PATH ...]\n"
	 "jvs-history --tags [--json]",
	 history_opts},
	{"jvs-info", "porcelain", REPO | NOARGS, "none", "describe the repository", "jvs-info [--json]",
	 none},
	{"jvs-restore", "porcelain", WT | PATHS, "refs",
	 "put a worktree back to a snapshot, or back to HEAD",
	 "jvs-restore REF | HEAD | --latest-tag TAG [--discard] [-i] [--no-hooks] [--delete] [-- "
	 "PATH ...]",
	 restore_opts},
	{"jvs-status", "porcelain", WT | NOARGS, "none",
	 "show the worktree position and what changed since head", "jvs-status [--json] [-q]",
	 none},
	{"jvs-diff", "porcelain", REPO | PATHS, "refs",
	 "compare two snapshots, or a snapshot with the worktree",
	 "jvs-diff [FROM [TO]] [--stat | -p] [--json] [-- PATH ...]", diff_opts},
	{"jvs-check-ignore", "plumbing", WT, "files",
	 "show which paths the ignore rules leave out of snapshots",
	 "jvs-check-ignore [-v] PATH ...", check_ignore_opts},
	{"jvs-verify", "porcelain", REPO, "refs", "check descriptors, payload hashes and lineage",
	 "jvs-verify [REF... | --all] [--quick] [--json]", verify_opts},
	{"jvs-doctor", "porcelain", REPO | NOARGS, "none",
	 "check the whole repository and repair runtime leftovers",
	 "jvs-doctor [--strict] [--repair-runtime] [--repair ACTION]... [--json]\n"
	 "jvs-doctor --repair-list [--json]", doctor_opts},
	{"jvs-config", "porcelain", REPO, "config", "get and set repository settings",
	 "jvs-config list [--origin] [--name-only] [--json]\n"
	 "jvs-config get KEY [--json]\n"
	 "jvs-config set KEY VALUE\n"
	 "jvs-config unset KEY",
	 config_opts},
	{"jvs-gc-plan", "porcelain", REPO | NOARGS, "none",
	 "compute which snapshots garbage collection would delete",
	 "jvs-gc-plan [--keep-last N] [--keep-hourly N] [--keep-daily N]\n"
	 "            [--keep-weekly N] [--keep-monthly N] [--keep-yearly N]\n"
	 "            [--keep-within DURATION] [--keep-tag TAG]... [--keep-tagged]\n"
	 "            [--policy NAME] [--json | -q | --format text|json|tsv|id]",
	 gc_plan_opts},
	{"jvs-gc-run", "porcelain", REPO | NOARGS, "none", "delete the snapshots of a reviewed gc plan",
	 "jvs-gc-run --plan-id ID [--json] [--no-hooks]", gc_run_opts},
	{"jvs-pin-add", "porcelain", REPO, "refs", "protect a snapshot from garbage collection",
	 "jvs-pin-add REF [--reason REASON] [--expires DURATION|DATE]", pin_add_opts},
	{"jvs-pin-list", "porcelain", REPO | NOARGS, "none", "list the pins that protect snapshots",
	 "jvs-pin-list [--json | -q | --format text|json|tsv|id]", format_opts},
	{"jvs-pin-remove", "porcelain", REPO, "pins", "remove a pin", "jvs-pin-remove PIN|REF",
	 none},
	{"jvs-worktree-create", "porcelain", REPO, "none",
	 "create a worktree from a snapshot or empty", "jvs-worktree-create NAME [--from REF]",
	 worktree_create_opts},
	{"jvs-worktree-fork", "porcelain", REPO, "refs",
	 "create a worktree from the current position",
	 "jvs-worktree-fork [REF] NAME\n"
	 "jvs-worktree-fork --at REF NAME",
	 worktree_fork_opts},
	{"jvs-worktree-list", "porcelain", REPO | NOARGS, "none", "list worktrees with head and state",
	 "jvs-worktree-list [--json | -q | --format text|json|tsv|id]", format_opts},
	{"jvs-worktree-path", "plumbing", REPO, "worktrees",
	 "print the payload directory of a worktree", "jvs-worktree-path [NAME]", none},
	{"jvs-worktree-rename", "porcelain", REPO, "worktrees", "rename a worktree",
	 "jvs-worktree-rename [--force] OLD NEW", force_opts},
	{"jvs-worktree-remove", "porcelain", REPO, "worktrees",
	 "remove a worktree and its payload", "jvs-worktree-remove [--force] NAME", force_opts},
	{NULL, NULL, 0, NULL, NULL, NULL, NULL},
};

const cli_command *cli_command_find(const char *prog)
{
	for (const cli_command *k = cli_commands; k->name; k++)
		if (!strcmp(k->name, prog))
			return k;
	return NULL;
}
