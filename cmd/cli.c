#include "cli.h"

#include "error_int.h"
#include "hook.h"
#include "json.h"
#include "lock.h"
#include "path_history.h"
#include "textesc.h"

#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
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
		   "--no-progress, --progress=auto|never|json, -h, --version\n");
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
		c->progress_mode = CLI_PROGRESS_NEVER;
		return 1;
	case CLI_OPT_PROGRESS:
		if (!strcmp(arg, "auto"))
			c->progress_mode = CLI_PROGRESS_AUTO;
		else if (!strcmp(arg, "never"))
			c->progress_mode = CLI_PROGRESS_NEVER;
		else if (!strcmp(arg, "json"))
			c->progress_mode = CLI_PROGRESS_JSON;
		else
			exit(cli_usage_error(c, "--progress takes auto, never or json"));
		c->no_progress = c->progress_mode == CLI_PROGRESS_NEVER;
		return 1;
	case CLI_OPT_WAIT:
		if (!arg) {
			c->wait_seconds = -1;
		} else {
			char *end;
			long v = strtol(arg, &end, 10);
			if (*end || v < 0 || v > 86400L * 365)
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

/* The working directory was deleted (a restore removes directories the
 * snapshot lacks, the one the shell is in too): the nearest directory of
 * its old path (Linux keeps it in /proc/self/cwd, marked " (deleted)"; else
 * $PWD) that still exists is where to go, normally the worktree root. */
static void hint_vanished_cwd(void)
{
	static const char mark[] = " (deleted)";
	char buf[PATH_MAX], probe[PATH_MAX];
	const char *pwd = getenv("PWD");
	struct stat st;
	ssize_t n;
	if (getcwd(buf, sizeof buf) || errno != ENOENT)
		return;
	n = readlink("/proc/self/cwd", buf, sizeof buf - 1);
	if (n > 0) {
		buf[n] = '\0';
		if ((size_t)n > sizeof mark - 1 && !strcmp(buf + n - (sizeof mark - 1), mark))
			buf[n - (sizeof mark - 1)] = '\0';
		pwd = buf;
	}
	if (!pwd || pwd[0] != '/' || strlen(pwd) >= sizeof probe) {
		jvs_error_hint("your working directory no longer exists (a restore may have "
			       "removed it): cd to the worktree root");
		return;
	}
	snprintf(probe, sizeof probe, "%s", pwd);
	for (;;) {
		char *slash = strrchr(probe, '/');
		if (!slash || slash == probe) {
			snprintf(probe, sizeof probe, "/");
			break;
		}
		*slash = '\0';
		if (stat(probe, &st) == 0 && S_ISDIR(st.st_mode))
			break;
	}
	jvs_error_hint("your working directory no longer exists (a restore may have removed "
		       "it): cd to the worktree root, e.g. cd %s",
		       probe);
}

int cli_open_repo(cli *c, jvs_repo **out)
{
	if (c->chdir && chdir(c->chdir) < 0) {
		jvs_error_sys("cannot change to '%s'", c->chdir);
		return -1;
	}
	if (jvs_repo_open(out, NULL) < 0) {
		if (!c->chdir)
			hint_vanished_cwd();
		return -1;
	}
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
	fprintf(stderr, "%s: %s: %s\n", c->prog, cls,
		e->message[0] ? cli_esc(e->message) : "failed");
	if (e->hint[0])
		fprintf(stderr, "hint: %s\n", cli_esc(e->hint));
	if (c->json) {
		json_t *j = json_pack("{s:{s:s, s:o}}", "error", "class", cls, "message",
				      jvs_json_text(e->message));
		if (j && e->hint[0])
			json_object_set_new(json_object_get(j, "error"), "hint",
					    jvs_json_text(e->hint));
		char *s = j ? jvs_json_pretty(j) : NULL;
		if (s)
			fputs(s, stdout);
		free(s);
		json_decref(j);
	}
	return jvs_error_exit_code(e->cls == JVS_OK ? JVS_E_INTERNAL : e->cls);
}

const char *cli_esc(const char *s)
{
	static char *ring[16];
	static unsigned next;
	char *e;
	if (!s)
		return "";
	if (!jvs_text_needs_escape(s))
		return s;
	e = jvs_text_escape(s);
	if (!e)
		return "(out of memory)";
	free(ring[next % 16]);
	ring[next++ % 16] = e;
	return e;
}

const char *cli_esc_json(const json_t *obj, const char *key)
{
	char k64[64];
	const char *v = json_string_value(json_object_get(obj, key));
	snprintf(k64, sizeof k64, "%s_b64", key);
	if (v && json_object_get(obj, k64))
		return v; /* ASCII text form already */
	return cli_esc(v);
}

void cli_fputs_esc(const char *s, FILE *f)
{
	fputs(cli_esc(s), f);
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

/* The "operation" of the JSON events, from the label the mains give. */
static const char *progress_operation(const char *label)
{
	static const char *const map[][2] = {
		{"snapshot", "snapshot"}, {"restoring", "restore"}, {"forking", "fork"},
		{"verifying", "verify"},  {"deleting", "gc-run"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(label, map[i][0]))
			return map[i][1];
	return label;
}

static long env_ms(const char *name, long dflt)
{
	const char *env = getenv(name);
	if (env && *env) {
		char *end;
		long v = strtol(env, &end, 10);
		if (!*end && v >= 0)
			return v;
	}
	return dflt;
}

void cli_progress_start(cli_progress *p, const cli *c, const char *label, const char *unit)
{
	int mode = c->progress_mode;
	memset(p, 0, sizeof *p);
	p->label = label;
	p->unit = unit;
	p->operation = progress_operation(label);
	p->min_ms = env_ms("JVS_PROGRESS_MIN_MS", 500);
	p->interval_ms = env_ms("JVS_PROGRESS_INTERVAL_MS", 200);
	if (mode == CLI_PROGRESS_UNSET) {
		/* the options win over the environment; other values are ignored */
		const char *env = getenv("JVS_PROGRESS");
		mode = CLI_PROGRESS_AUTO;
		if (env && !strcmp(env, "json"))
			mode = CLI_PROGRESS_JSON;
		else if (env && !strcmp(env, "never"))
			mode = CLI_PROGRESS_NEVER;
	}
	p->json = mode == CLI_PROGRESS_JSON;
	p->enabled = p->json || (mode == CLI_PROGRESS_AUTO && !c->quiet && !c->json && isatty(2));
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->last = p->start;
}

static double secs_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void human_bytes(char *buf, size_t n, uint64_t b)
{
	static const char *units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
	double v = (double)b;
	int u = 0;
	while (v >= 1000 && u < 5) {
		v /= 1000;
		u++;
	}
	snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static long long ms_between(const struct timespec *a, const struct timespec *b)
{
	return (long long)(b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

/* One event line; operation, phase and unit are fixed words of this file,
 * never user text, so they need no escaping. Unknown totals are null. */
static void json_event(cli_progress *p, uint64_t bytes, uint64_t bytes_total, uint64_t done,
		       uint64_t total, int final)
{
	struct timespec now;
	long long ms;
	char bt[32] = "null", tt[32] = "null";
	if (!final) {
		p->bytes = bytes;
		p->bytes_total = bytes_total;
		p->done = done;
		p->total = total;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!final && ms_between(&p->last, &now) < p->interval_ms)
		return;
	p->last = now;
	ms = ms_between(&p->start, &now);
	if (bytes_total)
		snprintf(bt, sizeof bt, "%llu", (unsigned long long)bytes_total);
	if (total)
		snprintf(tt, sizeof tt, "%llu", (unsigned long long)total);
	fprintf(stderr,
		"{\"type\":\"%s\",\"operation\":\"%s\",\"phase\":\"%s\",\"unit\":\"%s\","
		"\"done\":%llu,\"total\":%s,\"bytes_done\":%llu,\"bytes_total\":%s,"
		"\"rate_bytes_per_s\":%llu,\"elapsed_ms\":%lld}\n",
		final ? "done" : "progress", p->operation, p->label, p->unit,
		(unsigned long long)done, tt, (unsigned long long)bytes, bt,
		ms > 0 ? (unsigned long long)((double)bytes * 1000 / (double)ms) : 0ULL, ms);
	fflush(stderr);
}

void cli_progress_update(cli_progress *p, uint64_t bytes, uint64_t bytes_total, uint64_t done,
			 uint64_t total)
{
	struct timespec now;
	double elapsed, rate;
	double min_s, every;
	char b1[32], b2[32], r[32], eta[32] = "";
	int finished = total && done >= total;
	if (!p->enabled)
		return;
	if (p->json) {
		json_event(p, bytes, bytes_total, done, total, 0);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	elapsed = secs_between(&p->start, &now);
	min_s = (double)p->min_ms / 1000;
	every = min_s < 0.2 ? min_s : 0.2;
	if (elapsed < min_s || (p->shown && !finished && secs_between(&p->last, &now) < every))
		return;
	if (finished && !p->shown && min_s > 0)
		return; /* done before it was worth showing */
	p->last = now;
	p->shown = 1;
	rate = elapsed > 0 ? (double)bytes / elapsed : 0;
	human_bytes(b1, sizeof b1, bytes);
	human_bytes(r, sizeof r, (uint64_t)rate);
	if (bytes_total) {
		human_bytes(b2, sizeof b2, bytes_total);
		if (rate > 0 && bytes < bytes_total) {
			double left = (double)(bytes_total - bytes) / rate;
			if (left < 100)
				snprintf(eta, sizeof eta, ", ETA %.0fs", left);
			else if (left < 6000)
				snprintf(eta, sizeof eta, ", ETA %.0fm%02.0fs", left / 60,
					 left - 60 * (long)(left / 60));
			else
				snprintf(eta, sizeof eta, ", ETA %.1fh", left / 3600);
		}
	}
	if (total)
		fprintf(stderr, "\r\033[K%s: %llu/%llu %s, %s/%s, %s/s%s", p->label,
			(unsigned long long)done, (unsigned long long)total, p->unit, b1,
			bytes_total ? b2 : "?", r, eta);
	else if (bytes_total)
		fprintf(stderr, "\r\033[K%s: %llu %s, %s/%s, %s/s%s", p->label,
			(unsigned long long)done, p->unit, b1, b2, r, eta);
	else
		fprintf(stderr, "\r\033[K%s: %llu %s, %s, %s/s", p->label,
			(unsigned long long)done, p->unit, b1, r);
	fflush(stderr);
}

void cli_progress_cb(void *arg, uint64_t bytes, uint64_t bytes_total, size_t done, size_t total)
{
	cli_progress_update(arg, bytes, bytes_total, done, total);
}

void cli_progress_cb_nototal(void *arg, uint64_t bytes, uint64_t done)
{
	cli_progress_update(arg, bytes, 0, done, 0);
}

void cli_progress_end(cli_progress *p)
{
	if (p->json) {
		if (p->enabled)
			json_event(p, p->bytes, p->bytes_total, p->done, p->total, 1);
		p->enabled = 0; /* once */
		return;
	}
	cli_progress_clear(p);
}

void cli_progress_clear(cli_progress *p)
{
	if (p->json)
		return;
	if (p->shown) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
	p->shown = 0;
}

const char *cli_color(enum cli_colour k)
{
	static int on = -1;
	static const char *const sgr[] = {"\033[0m", "\033[1;31m", "\033[1;32m", "\033[1;33m",
					  "\033[1m"};
	if (on < 0) {
		const char *term = getenv("TERM");
		const char *nc = getenv("NO_COLOR");
		on = isatty(1) && !(nc && *nc) && term && *term && strcmp(term, "dumb") != 0;
	}
	return on && k <= CLI_BOLD ? sgr[k] : "";
}

int cli_parse_format(cli *c, const char *arg, int *out)
{
	static const char *const names[] = {"text", "json", "tsv", "id"};
	for (int i = 0; i < 4; i++)
		if (!strcmp(arg, names[i])) {
			*out = i;
			if (i == CLI_FMT_JSON)
				c->json = 1;
			return 0;
		}
	return cli_usage_error(c, "unknown format '%s' (text, json, tsv, id)", arg);
}

int cli_cwd_is_in(const char *dir)
{
	char cwd[PATH_MAX];
	size_t n = strlen(dir);
	return realpath(".", cwd) && !strncmp(cwd, dir, n) && (cwd[n] == '\0' || cwd[n] == '/');
}

int cli_run_hook(const jvs_repo *repo, int no_hooks, const char *name, const char *operation,
		 const char *worktree, const char *snapshot_id)
{
	int ran, status;
	if (no_hooks)
		return 0;
	if (jvs_hook_run(repo, name, operation, worktree, snapshot_id, &ran, &status) == 0)
		return 0;
	if (!strncmp(name, "pre-", 4))
		return -1;
	fprintf(stderr, "warning: %s; recorded in the audit log\n", cli_esc(jvs_error_last()->message));
	jvs_error_clear();
	return 0;
}

int cli_worktree_paths(const jvs_repo *repo, const char *worktree, int argc, char **argv,
		       char ***out, size_t *nout)
{
	char real[PATH_MAX], cwd[PATH_MAX], *root = NULL;
	char **v = calloc((size_t)argc + 1, sizeof *v);
	int have_root = 0;
	*out = NULL;
	*nout = 0;
	if (!v)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	if (worktree) {
		root = jvs_repo_payload_root(repo, worktree);
		if (!root) {
			free(v);
			return -1;
		}
		have_root = realpath(root, real) != NULL;
		free(root);
		if (!have_root) {
			free(v);
			return jvs_error_sys("cannot resolve the worktree directory");
		}
	}
	if (!realpath(".", cwd))
		cwd[0] = '\0';
	for (int i = 0; i < argc; i++) /* every path is checked before any output */
		if (!(v[i] = jvs_path_worktree_rel(have_root ? real : NULL, cwd[0] ? cwd : NULL,
						   argv[i]))) {
			while (i-- > 0)
				free(v[i]);
			free(v);
			return -1;
		}
	*nout = jvs_path_sort_unique(v, (size_t)argc);
	*out = v;
	return 0;
}

void cli_paths_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

int cli_split_paths(int argc, char **argv, const char *const *takes_arg)
{
	static const char *const common[] = {"-C", "-w", "--progress", NULL};
	for (int i = 1; i < argc; i++) {
		int skip = 0;
		if (!strcmp(argv[i], "--"))
			return i;
		for (size_t k = 0; common[k]; k++)
			if (!strcmp(argv[i], common[k]))
				skip = 1;
		for (size_t k = 0; takes_arg && takes_arg[k]; k++)
			if (!strcmp(argv[i], takes_arg[k]))
				skip = 1;
		i += skip; /* the option's value, whatever it is */
	}
	return argc;
}

int cli_cut_paths(int *argc, char **argv, const char *const *takes_arg, char ***paths,
		  size_t *npaths)
{
	int i = cli_split_paths(*argc, argv, takes_arg);
	*paths = NULL;
	*npaths = 0;
	if (i >= *argc)
		return 0;
	*paths = argv + i + 1;
	*npaths = (size_t)(*argc - i - 1);
	argv[i] = NULL;
	*argc = i;
	return 1;
}
