#include "cli.h"

#include "jvs/error.h"
#include "jvs/json.h"
#include "jvs/lock.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef JVS_VERSION
#define JVS_VERSION "0.1.0"
#endif

/* glibc hands argc/argv to ELF constructors: this lets cli_bad_option name
 * the offending word without every main() passing argv along. getopt_long
 * permutes this same array, so argv[optind - 1] stays right. */
static char **saved_argv;
static int saved_argc;

__attribute__((constructor)) static void save_args(int argc, char **argv)
{
	saved_argc = argc;
	saved_argv = argv;
}

void cli_init(cli *c, const char *prog, const char *usage)
{
	memset(c, 0, sizeof *c);
	c->prog = prog;
	c->usage = usage;
	jvs_lock_set_command(prog);
	opterr = 0;
}

static void print_usage(cli *c, FILE *f)
{
	const char *u = c->usage;
	int first = 1;
	while (*u) {
		const char *nl = strchr(u, '\n');
		size_t n = nl ? (size_t)(nl - u) : strlen(u);
		fprintf(f, "%s%.*s\n", first ? "usage: " : "       ", (int)n, u);
		first = 0;
		u += n + (nl ? 1 : 0);
	}
	fprintf(f, "common options: -C DIR, -w NAME, -q, --json, --wait[=SECONDS], "
		   "--no-progress, -h, --version\n");
}

int cli_common_option(cli *c, int opt, const char *arg)
{
	switch (opt) {
	case 'h':
		print_usage(c, stdout);
		printf("See 'man %s' for details.\n", c->prog);
		exit(0);
	case CLI_OPT_VERSION:
		printf("%s (jvs) %s\n", c->prog, JVS_VERSION);
		exit(0);
	case CLI_OPT_JSON:
		c->json = 1;
		return 1;
	case 'q':
		c->quiet = 1;
		return 1;
	case 'C':
		c->chdir = arg;
		return 1;
	case 'w':
		c->worktree = arg;
		return 1;
	case CLI_OPT_NO_PROGRESS:
		c->no_progress = 1;
		return 1;
	case CLI_OPT_WAIT:
		if (!arg) {
			c->wait_seconds = -1;
		} else {
			char *end;
			long v = strtol(arg, &end, 10);
			if (*end || v < 0 || v > 86400 * 365)
				exit(cli_usage_error(c, "--wait takes a number of seconds"));
			c->wait_seconds = (int)v;
		}
		return 1;
	default:
		return 0;
	}
}

int cli_usage_error(cli *c, const char *fmt, ...)
{
	va_list ap;
	char msg[512];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	jvs_error_set(JVS_E_USAGE, "%s", msg);
	cli_fail(c);
	print_usage(c, stderr);
	return 2;
}

int cli_bad_option(cli *c)
{
	const char *word = saved_argv && optind > 0 && optind <= saved_argc
				   ? saved_argv[optind - 1]
				   : NULL;
	if (optopt && optopt < 0x100 && optopt > ' ')
		return cli_usage_error(c, "unknown option '-%c', or it lacks its value", optopt);
	if (word && word[0] == '-' && word[1] == '-') {
		const char *eq = strchr(word, '=');
		int len = eq ? (int)(eq - word) : (int)strlen(word);
		return cli_usage_error(c, "unknown option '%.*s', or it lacks its value", len,
				       word);
	}
	return cli_usage_error(c, "unknown or incomplete option");
}

int cli_open_repo(cli *c, jvs_repo **out)
{
	if (c->chdir && chdir(c->chdir) < 0) {
		jvs_error_sys("cannot change to '%s'", c->chdir);
		return -1;
	}
	if (jvs_repo_open(out, NULL) < 0)
		return -1;
	if (c->worktree && jvs_repo_select_worktree(*out, c->worktree) < 0) {
		jvs_repo_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int cli_fail(cli *c)
{
	const jvs_error *e = jvs_error_last();
	const char *cls = jvs_error_class_name(e->cls == JVS_OK ? JVS_E_INTERNAL : e->cls);
	fprintf(stderr, "%s: %s: %s\n", c->prog, cls, e->message[0] ? e->message : "failed");
	if (e->hint[0])
		fprintf(stderr, "hint: %s\n", e->hint);
	if (c->json) {
		json_t *j = json_pack("{s:{s:s, s:s}}", "error", "class", cls, "message",
				      e->message);
		if (j && e->hint[0])
			json_object_set_new(json_object_get(j, "error"), "hint",
					    json_string(e->hint));
		char *s = j ? jvs_json_pretty(j) : NULL;
		if (s)
			fputs(s, stdout);
		free(s);
		json_decref(j);
	}
	return jvs_error_exit_code(e->cls == JVS_OK ? JVS_E_INTERNAL : e->cls);
}

int cli_print_json(cli *c, json_t *v)
{
	char *s = v ? jvs_json_pretty(v) : NULL;
	json_decref(v);
	if (!s)
		return cli_fail(c);
	fputs(s, stdout);
	free(s);
	if (fflush(stdout) != 0) {
		jvs_error_sys("cannot write output");
		return cli_fail(c);
	}
	return 0;
}

int cli_stderr_is_tty(void)
{
	return isatty(2);
}
